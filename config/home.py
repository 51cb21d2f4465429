"""What each user sees first: for each role they hold today, what there is to do next in the
current season, with links to the pages where they do it. A fixed number of queries per role."""

from django.db.models import Count, Exists, OuterRef, Q

from members.models import ON_ROLL, Member, Pledge, Status
from organizations.access import active_roles
from organizations.models import Kind, Organization, Role
from reviews.access import season_scope
from reviews.models import MeetingAttendance, SeasonUnit, Subject, Suggestion
from reviews.next_steps import cell_checklist
from reviews.views.common import current_season

S = Subject.State
CELL_KINDS = (Kind.CELL, Kind.BASE_CELL)


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


def _member_tasks(member: Member, season) -> dict:
    subject = (
        Subject.objects.filter(season=season, member=member).select_related("season__rule_set").first()
        if season
        else None
    )
    pledge = Pledge.objects.filter(member=member, year=season.year if season else 0).first()
    return {
        "subject": subject,
        "decided_label": subject.season.rule_set.level_label(subject.decided_level) if subject else "",
        "pledge": pledge,
        "open_suggestions": Suggestion.objects.filter(subject=subject, answer="").count() if subject else 0,
    }


def _unit_tasks(season, organization: Organization, user) -> dict:
    """Counts of the unit's subtree by state, and what waits for this user's decision. The tiles
    add up to the total: those not reviewed this season (R-SCOPE-2) and those not yet reviewed
    (absent, R-SCOPE-6) have tiles of their own."""
    unit = SeasonUnit.objects.filter(season=season, organization=organization).first()
    if unit is None:
        return {}
    subjects = Subject.objects.filter(season=season, path__startswith=unit.path)
    in_scope = Q(out_of_scope="")
    counts = subjects.aggregate(
        total=Count("id"),
        members=Count("id", filter=Q(kind=Subject.Kind.MEMBER)),
        writing=Count("id", filter=in_scope & Q(state__in=[S.DRAFT, S.RETURNED])),
        submitted=Count("id", filter=in_scope & Q(state=S.SUBMITTED)),
        absent=Count("id", filter=in_scope & Q(state=S.ABSENT)),
        reviewed=Count("id", filter=in_scope & Q(state=S.REVIEWED)),
        proposed=Count("id", filter=in_scope & Q(state=S.PROPOSED)),
        decided=Count("id", filter=in_scope & Q(state=S.DECIDED)),
        not_in_scope=Count("id", filter=~in_scope),
        to_decide_here=Count("id", filter=in_scope & Q(state=S.PROPOSED, decider=unit)),
    )
    pledges = Pledge.objects.filter(
        year=season.year,
        state=Pledge.State.SUBMITTED,
        member__review_subjects__season=season,
        member__review_subjects__path__startswith=unit.path,
    ).count()
    tasks = {"unit": unit, "counts": counts, "pledges_to_acknowledge": pledges}
    if unit.kind in CELL_KINDS:
        tasks["checklist"] = _cell_checklist(season, unit)
    return tasks


def _cell_checklist(season, unit: SeasonUnit):
    """The cell's next steps, as on its board (reviews/next_steps.py). Two queries."""
    subjects = list(
        Subject.objects.filter(season=season, unit=unit).select_related("decider").order_by("sort_key", "id")
    )
    pledges = {
        p.member_id: p
        for p in Pledge.objects.filter(
            year=season.year, member_id__in=[s.member_id for s in subjects if s.member_id]
        )
    }
    return cell_checklist(season, unit, subjects, pledges)


def home_context(user) -> dict:
    season = current_season(user)
    member = (
        Member.objects.filter(user=user)
        .select_related("cell")
        .annotate(attends=Exists(MeetingAttendance.objects.filter(member=OuterRef("pk"))))
        .first()
    )
    panels = []
    for role in active_roles(user).order_by("kind", "organization__path"):
        if role.kind == Role.Kind.MEMBER:
            continue
        panel = {
            "role": role,
            "organization": role.organization,
            "counts": _organization_counts(role.organization),
        }
        if season:
            panel["season"] = _unit_tasks(season, role.organization, user)
        panels.append(panel)
    return {
        "member": member,
        "season": season,
        "mine": _member_tasks(member, season) if member and season else None,
        "panels": panels,
        "sees_season": bool(season and season_scope(user, season).roles),
        # Issue 15: the review meetings this member is assigned to attend (read only when there are some).
        "attending": list(
            MeetingAttendance.objects.filter(member=member)
            .select_related("unit", "season")
            .order_by("-attends_on")
        )
        if member is not None and member.attends
        else [],
    }
