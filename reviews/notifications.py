"""Who hears about a step (R-REC-1: the decided level goes to the subject and to whoever
manages them). Notifications are rows; `send_pending_emails` mails them where e-mail is set up."""

from django.conf import settings
from django.core.mail import send_mail
from django.db.models import Q
from django.urls import reverse
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

K = Notification.Kind


def board_url(season_id: int, code: str, anchor: str = "") -> str:
    return reverse("reviews:cell", args=[season_id, code]) + (f"#{anchor}" if anchor else "")


def meeting_url(season_id: int, code: str) -> str:
    return reverse("reviews:meeting", args=[season_id, code])


def act_url(kind: str, subject: Subject, *, own: bool) -> str:
    """The page where the reader of a notice about `subject` acts: the author their form (returned,
    a suggestion to answer, a deadline), the member their result, the proposer the meeting page
    (a collective's proposal: its page), the cell's officers its board at the subject's row. No
    query: the subject comes with its unit."""
    season_id = subject.season_id
    if kind in (K.RETURNED, K.SUGGESTION) and subject.is_member and not own:
        return subject_url(subject)  # the member acts; the officers follow it there
    if kind in (K.RETURNED, K.SUGGESTION) or (own and kind == K.DEADLINE):
        return reverse("reviews:form", args=[season_id, subject.pk])
    if kind == K.DECIDED and own:
        return reverse("reviews:my-result", args=[season_id])
    if kind == K.PROPOSAL_RETURNED:
        if subject.is_member:
            return meeting_url(season_id, subject.unit.code)
        return reverse("reviews:subject", args=[season_id, subject.pk])
    return board_url(season_id, subject.unit.code, f"subject-{subject.pk}")


def subject_url(subject: Subject) -> str:
    return reverse("reviews:subject", args=[subject.season_id, subject.pk])


def shown_link(note: Notification, member_id: int | None) -> tuple[str, str]:
    """The link of a notice as its reader (whose member record is `member_id`) follows it: its
    label and address. A member's review returned, or a suggestion to answer, takes the member to
    their form to act; anyone else told of it (the cell's officers) is not offered the member's
    part but their review's page (notices written before kept the form's address). Needs the
    notice's subject read with it."""
    subject = note.subject if note.subject_id else None
    if (
        subject is not None
        and note.kind in (K.RETURNED, K.SUGGESTION)
        and subject.is_member
        and subject.member_id != member_id
    ):
        label = _("See the review of comrade %(name)s") % {"name": subject.name}
        return label, subject_url(subject)
    return note.link_label, note.link


class Digest:
    """Many subjects in one notice for one person: how many, and a short list of who, by
    organization. Bounded in memory however many subjects are added."""

    def __init__(self):
        self.count = 0
        self.units: dict[int, list] = {}  # unit id → [name, count, first names]
        self.season_id, self.code = None, ""  # the season, and the unit's code while there is one

    def add(self, subject: Subject, label: str | None = None) -> None:
        self.count += 1
        if not self.units:
            self.season_id, self.code = subject.season_id, subject.unit.code
        elif subject.unit_id not in self.units:
            self.code = ""
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

    def link(self, phase: str = "") -> str:
        """Where the reader acts on the whole digest: the organization's board (its meeting page
        for the meeting and the proposals) when it is one organization; the top of the reader's
        part of the season, with its progress and drill-down, when it is several."""
        if not self.code:
            return reverse("reviews:dashboard-start", args=[self.season_id])
        if phase in ("meeting", "proposal"):
            return meeting_url(self.season_id, self.code)
        return board_url(self.season_id, self.code)


def notify(
    subjects: list[Subject],
    kind: str,
    text_for,
    digest_for=None,
    label_for=None,
    *,
    to_subject: bool = True,
    link_for=None,
) -> int:
    """The member concerned hears about their own subject; each manager of the subjects' units hears
    once: about the subject when there is one, in one digest (`digest_for(Digest)`) when there are
    several, so deciding 40 members sends the secretary one notice, not 40. `link_for(kind,
    subject, own=…)` replaces `act_url` for notices about something else than the year's steps
    (a quarter's)."""
    link_for = link_for or act_url
    managers = _managers(subjects)
    rows, digests = [], {}
    for subject in subjects:
        own = subject.member.user_id if subject.member_id and subject.member.user_id else None
        if own and to_subject:
            rows.append(
                Notification(
                    user_id=own,
                    subject=subject,
                    kind=kind,
                    text=text_for(subject)[:500],
                    link=link_for(kind, subject, own=True),
                )
            )
        wanted = MANAGERS_OF_MEMBERS if subject.is_member else MANAGERS_OF_COLLECTIVES
        for user in {u for u, k in managers.get(subject.unit.organization_id, ()) if k in wanted} - {own}:
            digests.setdefault(user, []).append(subject)
    for user, mine in digests.items():
        if len(mine) == 1 or digest_for is None:
            rows += [
                Notification(
                    user_id=user,
                    subject=s,
                    kind=kind,
                    text=text_for(s)[:500],
                    link=link_for(kind, s, own=False),
                )
                for s in mine
            ]
        else:
            digest = Digest()
            for subject in mine:
                digest.add(subject, label_for(subject) if label_for else None)
            rows.append(
                Notification(user_id=user, kind=kind, text=digest_for(digest)[:500], link=digest.link())
            )
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
