"""Scheduled work of a season: deadline reminders and overdue notices, and their e-mail.

`notify_deadlines` runs once a day (Celery beat, 06:00 Asia/Ho_Chi_Minh). For each open season
with deadlines it finds, per phase (reviews.figures.PHASES), the in-scope subjects that have
not reached the phase, and for each the earliest phase it is short of:

- the phase's deadline falls within the next WARN_DAYS days: a DEADLINE reminder to the member
  about their own review, and one digest to each manager at the subject's unit (the cell's
  secretary and deputy; for a collective, the secretary or the committee's staff);
- the deadline has passed: one OVERDUE digest to each person who answers for the subject (the
  cell secretary; for a collective also the committee's staff) and to the staff of the committee
  directly above.

A digest names how many subjects are short of the phase and who, by organization, so a committee
with 3,000 late members gets one notice a day, not 3,000. Each person gets each notice (season,
kind, phase) at most once for a day however often the task runs: the day is the one the notices
are about (`today`, the local date unless a catch-up run passes another), and it is part of the
notice's topic, so a catch-up run for a missed day writes that day's notices once, and the run of
the real day still writes its own. The work is a fixed number
of queries per chunk of CHUNK subjects, and memory stays bounded (reviews.notifications.Digest).
"""

import datetime

from celery import shared_task
from django.conf import settings
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from organizations.models import Role
from reviews import figures as statistics
from reviews.access import STAFF
from reviews.models import Notification, Season, Subject
from reviews.notifications import (
    MANAGERS_OF_COLLECTIVES,
    MANAGERS_OF_MEMBERS,
    Digest,
    act_url,
    send_pending_emails,
)

WARN_DAYS = 3
CHUNK = 5000
PHASE_NAMES = {
    "self_review": lambda: _("the self-review"),
    "meeting": lambda: _("the review meeting"),
    "proposal": lambda: _("the rating proposal"),
    "decision": lambda: _("the rating decision"),
}
DEADLINE, OVERDUE = Notification.Kind.DEADLINE, Notification.Kind.OVERDUE


def _phases(season: Season, day: datetime.date):
    """(upcoming, late): lists of (phase, deadline, states short of it), in the order of the work."""
    upcoming, late = [], []
    for phase, states in statistics.PHASES:
        value = season.deadlines.get(phase)
        if not value:
            continue
        deadline = datetime.date.fromisoformat(value)
        if day < deadline <= day + datetime.timedelta(days=WARN_DAYS):
            upcoming.append((phase, deadline, states))
        elif deadline < day:
            late.append((phase, deadline, states))
    return upcoming, late


def _first(phases, state):
    return next(((phase, deadline) for phase, deadline, states in phases if state in states), None)


def _topic(season: Season, kind: str, phase: str, day: datetime.date, own: bool = False) -> str:
    return f"{season.pk}:{kind}:{phase}{':own' if own else ''}:{day.isoformat()}"


def _own_text(subject: Subject, phase: str, deadline: datetime.date) -> str:
    return _("%(name)s: the deadline for %(phase)s is %(date)s.") % {
        "name": subject.name,
        "phase": PHASE_NAMES[phase](),
        "date": date_format(deadline, "SHORT_DATE_FORMAT"),
    }


def _digest_text(kind: str, phase: str, deadline: datetime.date, digest: Digest) -> str:
    values = {
        "n": digest.count,
        "phase": PHASE_NAMES[phase](),
        "date": date_format(deadline, "SHORT_DATE_FORMAT"),
        "list": digest.listing(),
    }
    if kind == OVERDUE:
        return (
            ngettext(
                "Overdue: %(n)d subject has not finished %(phase)s, due on %(date)s: %(list)s.",
                "Overdue: %(n)d subjects have not finished %(phase)s, due on %(date)s: %(list)s.",
                digest.count,
            )
            % values
        )
    return (
        ngettext(
            "%(n)d subject has not finished %(phase)s, due on %(date)s: %(list)s.",
            "%(n)d subjects have not finished %(phase)s, due on %(date)s: %(list)s.",
            digest.count,
        )
        % values
    )


def _people(subjects: list[Subject], day: datetime.date) -> dict[int, set[tuple[int, str]]]:
    """organization id → (user id, role kind) at the subjects' units and the units above them
    (one query)."""
    organization_ids = {s.unit.organization_id for s in subjects}
    organization_ids |= {s.unit.parent.organization_id for s in subjects if s.unit.parent_id}
    found: dict[int, set[tuple[int, str]]] = {}
    for organization_id, user_id, kind in (
        Role.objects.filter(
            organization_id__in=organization_ids,
            kind__in=[*MANAGERS_OF_MEMBERS, *MANAGERS_OF_COLLECTIVES, *STAFF],
            starts_on__lte=day,
        )
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=day))
        .values_list("organization_id", "user_id", "kind")
    ):
        found.setdefault(organization_id, set()).add((user_id, kind))
    return found


def _recipients(subject: Subject, kind: str, people) -> set[int]:
    """Who hears about this subject: its unit's managers for a reminder; for an overdue notice
    the people who answer for it at its unit and the staff of the committee directly above."""
    at_unit = people.get(subject.unit.organization_id, ())
    if kind == DEADLINE:
        wanted = MANAGERS_OF_MEMBERS if subject.is_member else MANAGERS_OF_COLLECTIVES
        return {u for u, k in at_unit if k in wanted}
    wanted = {Role.Kind.CELL_SECRETARY} if subject.is_member else {Role.Kind.CELL_SECRETARY, *STAFF}
    users = {u for u, k in at_unit if k in wanted}
    if subject.unit.parent_id:
        users |= {u for u, k in people.get(subject.unit.parent.organization_id, ()) if k in STAFF}
    return users


def _already_sent(season: Season, day: datetime.date) -> set[tuple[int, str]]:
    """(user id, topic) of this season's scheduled notices already written for `day`."""
    topics = [
        _topic(season, kind, phase, day, own)
        for kind in (DEADLINE, OVERDUE)
        for phase, _states in statistics.PHASES
        for own in (False, True)
    ]
    return set(Notification.objects.filter(topic__in=topics).values_list("user_id", "topic"))


def _season_subjects(season: Season, states: set[str]):
    return (
        Subject.objects.filter(season=season, out_of_scope="", state__in=states)
        .select_related("unit__parent", "member")
        .only(
            "id",
            "season",
            "name",
            "kind",
            "state",
            "member",
            "member__user",
            "unit",
            "unit__name",
            "unit__code",
            "unit__organization",
            "unit__parent",
            "unit__parent__organization",
        )
        .order_by("pk")
    )


def notify_season(season: Season, day: datetime.date) -> dict[str, int]:
    """Write the day's DEADLINE and OVERDUE notices of one season. Returns how many."""
    upcoming, late = _phases(season, day)
    if not upcoming and not late:
        return {"deadline": 0, "overdue": 0}
    states = {state for _phase, _deadline, short in upcoming + late for state in short}
    sent = _already_sent(season, day)
    digests: dict[tuple[int, str, str, datetime.date], Digest] = {}
    created = {"deadline": 0, "overdue": 0}
    subjects, last_pk = _season_subjects(season, states), 0
    while True:
        chunk = list(subjects.filter(pk__gt=last_pk)[:CHUNK])
        if not chunk:
            break
        last_pk = chunk[-1].pk
        people, own_rows = _people(chunk, day), []
        for subject in chunk:
            for kind, phases in ((DEADLINE, upcoming), (OVERDUE, late)):
                found = _first(phases, subject.state)
                if found is None:
                    continue
                phase, deadline = found
                own = subject.member.user_id if subject.member_id and kind == DEADLINE else None
                if own and (own, _topic(season, kind, phase, day, own=True)) not in sent:
                    own_rows.append(
                        Notification(
                            user_id=own,
                            subject=subject,
                            kind=kind,
                            topic=_topic(season, kind, phase, day, own=True),
                            text=_own_text(subject, phase, deadline)[:500],
                            link=act_url(kind, subject, own=True),
                        )
                    )
                for user in _recipients(subject, kind, people) - {own}:  # own: reminded above
                    if (user, _topic(season, kind, phase, day)) not in sent:
                        digests.setdefault((user, kind, phase, deadline), Digest()).add(subject)
        Notification.objects.bulk_create(own_rows, batch_size=1000)
        created["deadline"] += len(own_rows)
        if len(chunk) < CHUNK:
            break
    rows = [
        Notification(
            user_id=user,
            kind=kind,
            topic=_topic(season, kind, phase, day),
            text=_digest_text(kind, phase, deadline, digest)[:500],
            link=digest.link(phase),
        )
        for (user, kind, phase, deadline), digest in digests.items()
    ]
    Notification.objects.bulk_create(rows, batch_size=1000)
    for row in rows:
        created[row.kind] += 1
    return created


@shared_task
def notify_deadlines(today: str | None = None) -> dict[str, int]:
    """Daily: deadline reminders and overdue notices for every open season with deadlines.
    `today` (ISO date) is for tests and catch-up runs; it defaults to the local date."""
    day = datetime.date.fromisoformat(today) if today else timezone.localdate()
    created = {"deadline": 0, "overdue": 0}
    with translation.override(settings.LANGUAGE_CODE):
        for season in Season.objects.filter(status=Season.Status.OPEN).exclude(deadlines={}).order_by("pk"):
            for kind, n in notify_season(season, day).items():
                created[kind] += n
    if getattr(settings, "NOTIFY_BY_EMAIL", False) and any(created.values()):
        send_notification_emails.delay()
    return created


@shared_task
def send_notification_emails() -> int:
    """Mail the unread notifications not mailed yet (when NOTIFY_BY_EMAIL is on)."""
    with translation.override(settings.LANGUAGE_CODE):
        return send_pending_emails()


@shared_task
def write_audit_checkpoint() -> str:
    """The daily checkpoint of every chain head (R-REC-4, reviews/audit_checkpoints.py)."""
    from reviews.audit_checkpoints import write_checkpoint

    return str(write_checkpoint())


@shared_task
def remind_quarters(today: str | None = None) -> dict[str, int]:
    """Daily (issue 14, R366-QTR-5): the reminders of the quarters whose deadline is one of
    settings.QUARTER_REMINDER_DAYS away (reviews/quarters/scheduled.py); at most one a day per
    person and quarter. `today` (ISO date) is for tests and catch-up runs."""
    from reviews.quarters.scheduled import remind_due_quarters

    day = datetime.date.fromisoformat(today) if today else None
    with translation.override(settings.LANGUAGE_CODE):
        created = remind_due_quarters(day)
    if getattr(settings, "NOTIFY_BY_EMAIL", False) and any(created.values()):
        send_notification_emails.delay()
    return created
