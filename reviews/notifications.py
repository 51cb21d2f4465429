"""Who hears about a step (R-REC-1: the decided level goes to the subject and to whoever
manages them). Notifications are rows; `send_pending_emails` mails them where e-mail is set up."""

from django.conf import settings
from django.core.mail import send_mail
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from organizations.models import Role
from reviews.models import Notification, Subject

MANAGERS_OF_MEMBERS = (Role.Kind.CELL_SECRETARY, Role.Kind.CELL_DEPUTY)
MANAGERS_OF_COLLECTIVES = (Role.Kind.COMMITTEE_STAFF, Role.Kind.CELL_SECRETARY)


def _managers(subjects: list[Subject]) -> dict[int, set[int]]:
    """organization id → user ids of the people who manage subjects there (one query)."""
    today = timezone.localdate()
    organization_ids = {s.unit.organization_id for s in subjects}
    found: dict[int, set[int]] = {}
    for organization_id, user_id, kind in (
        Role.objects.filter(organization_id__in=organization_ids, starts_on__lte=today)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=today))
        .values_list("organization_id", "user_id", "kind")
    ):
        found.setdefault(organization_id, set()).add((user_id, kind))
    return found


def notify(subjects: list[Subject], kind: str, text_for, *, include_managers: bool = True) -> int:
    """One notification per person concerned: the member (if they have a login) and the
    managers of the subject's unit."""
    managers = _managers(subjects) if include_managers else {}
    rows = []
    for subject in subjects:
        users = set()
        if subject.member_id and subject.member.user_id:
            users.add(subject.member.user_id)
        wanted = MANAGERS_OF_MEMBERS if subject.is_member else MANAGERS_OF_COLLECTIVES
        users |= {u for u, k in managers.get(subject.unit.organization_id, ()) if k in wanted}
        rows += [Notification(user_id=u, subject=subject, kind=kind, text=text_for(subject)[:500]) for u in users]
    Notification.objects.bulk_create(rows, batch_size=1000)
    return len(rows)


def notify_decided(subjects: list[Subject]) -> int:
    return notify(subjects, Notification.Kind.DECIDED, lambda s: _("%(name)s: rating decided, %(level)s.") % {
        "name": s.name, "level": s.season.rule_set.level_label(s.decided_level)})


def notify_returned(subject: Subject, reason: str) -> int:
    return notify([subject], Notification.Kind.RETURNED, lambda s: _("%(name)s: review returned: %(reason)s") % {
        "name": s.name, "reason": reason})


def notify_suggestion(subject: Subject) -> int:
    return notify([subject], Notification.Kind.SUGGESTION,
                  lambda s: _("%(name)s: a review suggestion to answer in section IV.") % {"name": s.name})


def send_pending_emails(limit: int = 500) -> int:
    """Mail unread, not yet mailed notifications to users with an address (if e-mail is set up)."""
    if not getattr(settings, "NOTIFY_BY_EMAIL", False):
        return 0
    sent = 0
    for note in Notification.objects.filter(emailed_at__isnull=True, read_at__isnull=True).exclude(
        user__email=""
    ).select_related("user")[:limit]:
        send_mail(_("Kiểm điểm: %(text)s") % {"text": note.text[:80]}, note.text, None, [note.user.email])
        Notification.objects.filter(pk=note.pk).update(emailed_at=timezone.now())
        sent += 1
    return sent


def published_results(subject_unit_id: int):
    """R-REC-1: the decided results of a cell, published to its members."""
    return (
        Subject.objects.filter(unit_id=subject_unit_id, kind=Subject.Kind.MEMBER, state=Subject.State.DECIDED)
        .order_by("sort_key")
        .values("name", "decided_level")
    )
