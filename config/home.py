"""What each user sees first: one panel per role they hold today, with their part of the tree."""

from django.db.models import Count, Q

from members.models import ON_ROLL, Member, Status
from organizations.access import active_roles
from organizations.models import Kind, Organization, Role


def _organization_counts(organization: Organization) -> dict:
    by_kind = dict(
        organization.subtree()
        .filter(dissolved_on__isnull=True)
        .exclude(pk=organization.pk)
        .order_by()
        .values_list("kind")
        .annotate(n=Count("id"))
        .values_list("kind", "n")
    )
    members = Member.objects.in_subtree(organization).aggregate(
        on_roll=Count("id", filter=Q(status__in=ON_ROLL)),
        probationary=Count("id", filter=Q(status=Status.ACTIVE, official_on__isnull=True)),
        exempt=Count("id", filter=Q(status=Status.EXEMPT)),
    )
    return {
        "kinds": [(Kind(kind).label, by_kind[kind]) for kind in Kind.values if by_kind.get(kind)],
        **members,
    }


def home_context(user) -> dict:
    member = Member.objects.filter(user=user).select_related("cell").first()
    panels = []
    for role in active_roles(user).order_by("kind", "organization__path"):
        panel = {"role": role, "organization": role.organization}
        if role.kind != Role.Kind.MEMBER:
            panel["counts"] = _organization_counts(role.organization)
        panels.append(panel)
    return {"member": member, "panels": panels}
