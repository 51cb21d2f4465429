"""Who hears about a step (R-REC-1: the decided level goes to the subject and to whoever
manages them). Notifications are rows; `send_pending_emails` mails them where e-mail is set up."""

from django.conf import settings
from django.core.mail import send_mail
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from organizations.models import Role
from reviews.models import Notification, Subject

MANAGERS_OF_MEMBERS = (Role.Kind.CELL_SECRETARY, Role.Kind.CELL_DEPUTY)
MANAGERS_OF_COLLECTIVES = (Role.Kind.COMMITTEE_STAFF, Role.Kind.CELL_SECRETARY)


def _managers(subjects: list[Subject]) -> dict[int, set[tuple[int, str]]]:
    """organization id → (user id, role kind) of the people who manage subjects there (one query)."""
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


LIST_LIMIT = 8  # names (or organizations) a digest spells out before "and N more"


class Digest:
    """Many subjects in one notice for one person: how many, and a short list of who, by
    organization. Bounded in memory however many subjects are added."""

    def __init__(self):
        self.count = 0
        self.units: dict[int, list] = {}  # unit id → [name, count, first names]

    def add(self, subject: Subject, label: str | None = None) -> None:
        self.count += 1
        found = self.units.setdefault(subject.unit_id, [subject.unit.name, 0, []])
        found[1] += 1
        if len(found[2]) < LIST_LIMIT:
            found[2].append(label or subject.name)

    def listing(self) -> str:
        """One organization: "Chi bộ 1: A, B, C"; several: "Chi bộ 1 (12), Chi bộ 4 (3)"."""
        if len(self.units) == 1:
            ((unit, count, names),) = self.units.values()
            text, more = f"{unit}: {', '.join(names)}", count - len(names)
        else:
            parts = [f"{unit} ({count})" for unit, count, _names in self.units.values()]
            text, more = ", ".join(parts[:LIST_LIMIT]), len(parts) - LIST_LIMIT
        if more > 0:
            text = _("%(list)s and %(n)d more") % {"list": text, "n": more}
        return text


def notify(
    subjects: list[Subject], kind: str, text_for, digest_for=None, label_for=None, *, to_subject: bool = True
) -> int:
    """The member concerned hears about their own subject; each manager of the subjects' units hears
    once: about the subject when there is one, in one digest (`digest_for(Digest)`) when there are
    several, so deciding 40 members sends the secretary one notice, not 40."""
    managers = _managers(subjects)
    rows, digests = [], {}
    for subject in subjects:
        own = subject.member.user_id if subject.member_id and subject.member.user_id else None
        if own and to_subject:
            rows.append(Notification(user_id=own, subject=subject, kind=kind, text=text_for(subject)[:500]))
        wanted = MANAGERS_OF_MEMBERS if subject.is_member else MANAGERS_OF_COLLECTIVES
        for user in {u for u, k in managers.get(subject.unit.organization_id, ()) if k in wanted} - {own}:
            digests.setdefault(user, []).append(subject)
    for user, mine in digests.items():
        if len(mine) == 1 or digest_for is None:
            rows += [Notification(user_id=user, subject=s, kind=kind, text=text_for(s)[:500]) for s in mine]
        else:
            digest = Digest()
            for subject in mine:
                digest.add(subject, label_for(subject) if label_for else None)
            rows.append(Notification(user_id=user, kind=kind, text=digest_for(digest)[:500]))
    Notification.objects.bulk_create(rows, batch_size=1000)
    return len(rows)


def notify_decided(subjects: list[Subject]) -> int:
    """R-REC-1 / R366-REC-2: the subject and those who manage them hear of the decided level."""
    return notify(
        subjects,
        Notification.Kind.DECIDED,
        lambda s: (
            _("%(name)s: rating decided, %(level)s.")
            % {"name": s.name, "level": s.season.rule_set.level_label(s.decided_level)}
        ),
        lambda d: (
            ngettext(
                "Rating decided for %(n)d subject: %(list)s.",
                "Ratings decided for %(n)d subjects: %(list)s.",
                d.count,
            )
            % {"n": d.count, "list": d.listing()}
        ),
        lambda s: f"{s.name} ({s.decided_level})",
    )


def notify_returned(subject: Subject, reason: str) -> int:
    return notify(
        [subject],
        Notification.Kind.RETURNED,
        lambda s: _("%(name)s: review returned: %(reason)s") % {"name": s.name, "reason": reason},
    )


def notify_proposal_returned(subject: Subject, reason: str) -> int:
    """Those who proposed (the cell's secretary and deputy for a member) hear why the deciding level
    sent the proposal back; the member does not: it is between the two levels."""
    return notify(
        [subject],
        Notification.Kind.PROPOSAL_RETURNED,
        lambda s: (
            _("%(name)s: the proposal %(level)s was returned by the deciding level: %(reason)s")
            % {"name": s.name, "level": s.proposed_level, "reason": reason}
        ),
        to_subject=False,
    )


def notify_suggestion(subject: Subject) -> int:
    return notify(
        [subject],
        Notification.Kind.SUGGESTION,
        lambda s: _("%(name)s: a review suggestion to answer in section IV.") % {"name": s.name},
    )


def send_pending_emails(limit: int = 500) -> int:
    """Mail unread, not yet mailed notifications to users with an address (if e-mail is set up)."""
    if not getattr(settings, "NOTIFY_BY_EMAIL", False):
        return 0
    sent = 0
    for note in (
        Notification.objects.filter(emailed_at__isnull=True, read_at__isnull=True)
        .exclude(user__email="")
        .select_related("user")[:limit]
    ):
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
