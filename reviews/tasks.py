"""Scheduled work of a season: deadline reminders and overdue notices, and their e-mail.

`notify_deadlines` runs once a day (Celery beat, 06:00 Asia/Ho_Chi_Minh). For each open season
with deadlines it finds, per phase (reviews.figures.PHASES), the in-scope subjects that have
not reached the phase:

- the phase's deadline falls within the next WARN_DAYS days: a DEADLINE notification to the
  member and the cell's secretary (reviews.notifications.notify, with the managers);
- the deadline has passed: an OVERDUE notification to whoever manages the subject at its unit
  (the cell secretary; for a collective also the committee's staff) and the staff of the
  committee directly above.

A subject gets at most one notification of each kind a calendar day (for the earliest phase it
is short of), however often the task runs. The work is a fixed number of queries per chunk of CHUNK subjects.
"""

import datetime

from celery import shared_task
from django.conf import settings
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from organizations.models import Role
from reviews import figures as statistics
from reviews.access import STAFF
from reviews.models import Notification, Season, Subject
from reviews.notifications import notify, send_pending_emails

WARN_DAYS = 3
CHUNK = 5000
PHASE_NAMES = {
    "self_review": lambda: _("the self-review"),
    "meeting": lambda: _("the review meeting"),
    "proposal": lambda: _("the rating proposal"),
    "decision": lambda: _("the rating decision"),
}


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


def _deadline_text(subject: Subject, phase: str, deadline: datetime.date) -> str:
    return _("%(name)s: the deadline for %(phase)s is %(date)s.") % {
        "name": subject.name,
        "phase": PHASE_NAMES[phase](),
        "date": date_format(deadline, "SHORT_DATE_FORMAT"),
    }


def _overdue_text(subject: Subject, phase: str, deadline: datetime.date) -> str:
    return _("%(name)s: overdue, %(phase)s was due on %(date)s.") % {
        "name": subject.name,
        "phase": PHASE_NAMES[phase](),
        "date": date_format(deadline, "SHORT_DATE_FORMAT"),
    }


def _people_for_overdue(subjects: list[Subject], day: datetime.date) -> dict[int, set[tuple[int, str]]]:
    """organization id → (user id, role kind) for the subjects' units and the units above them
    (one query)."""
    organization_ids = {s.unit.organization_id for s in subjects}
    organization_ids |= {s.unit.parent.organization_id for s in subjects if s.unit.parent_id}
    found: dict[int, set[tuple[int, str]]] = {}
    for organization_id, user_id, kind in (
        Role.objects.filter(
            organization_id__in=organization_ids,
            kind__in=[Role.Kind.CELL_SECRETARY, *STAFF],
            starts_on__lte=day,
        )
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=day))
        .values_list("organization_id", "user_id", "kind")
    ):
        found.setdefault(organization_id, set()).add((user_id, kind))
    return found


def _overdue_rows(subjects: list[Subject], texts: dict[int, str], day: datetime.date) -> list[Notification]:
    people = _people_for_overdue(subjects, day)
    at_unit = {Subject.Kind.MEMBER: {Role.Kind.CELL_SECRETARY}}
    rows = []
    for subject in subjects:
        wanted = at_unit.get(subject.kind, {Role.Kind.CELL_SECRETARY, *STAFF})
        users = {u for u, kind in people.get(subject.unit.organization_id, ()) if kind in wanted}
        if subject.unit.parent_id:
            users |= {u for u, kind in people.get(subject.unit.parent.organization_id, ()) if kind in STAFF}
        rows += [
            Notification(
                user_id=u, subject=subject, kind=Notification.Kind.OVERDUE, text=texts[subject.pk][:500]
            )
            for u in sorted(users)
        ]
    return rows


def notify_season(season: Season, day: datetime.date) -> dict[str, int]:
    """Create the day's DEADLINE and OVERDUE notifications of one season. Returns how many."""
    created = {"deadline": 0, "overdue": 0}
    upcoming, late = _phases(season, day)
    if not upcoming and not late:
        return created
    states = {state for _phase, _deadline, short in upcoming + late for state in short}
    # "The same day" is the calendar day the notifications are written on (not `day`, which a
    # catch-up run may set to another date).
    start = timezone.make_aware(datetime.datetime.combine(timezone.localdate(), datetime.time.min))
    already = set(
        Notification.objects.filter(
            subject__season=season,
            kind__in=[Notification.Kind.DEADLINE, Notification.Kind.OVERDUE],
            created_at__gte=start,
            created_at__lt=start + datetime.timedelta(days=1),
        )
        .values_list("subject_id", "kind")
        .distinct()
    )
    subjects = (
        Subject.objects.filter(season=season, out_of_scope="", state__in=states)
        .select_related("unit__parent", "member")
        .only(
            "id",
            "name",
            "kind",
            "state",
            "member",
            "member__user",
            "unit",
            "unit__organization",
            "unit__parent",
            "unit__parent__organization",
        )
        .order_by("pk")
    )
    last_pk = 0
    while True:
        chunk = list(subjects.filter(pk__gt=last_pk)[:CHUNK])
        if not chunk:
            break
        last_pk = chunk[-1].pk
        due_texts, overdue_texts = {}, {}
        for subject in chunk:
            soon = _first(upcoming, subject.state)
            if soon and (subject.pk, Notification.Kind.DEADLINE) not in already:
                due_texts[subject.pk] = _deadline_text(subject, *soon)
            passed = _first(late, subject.state)
            if passed and (subject.pk, Notification.Kind.OVERDUE) not in already:
                overdue_texts[subject.pk] = _overdue_text(subject, *passed)
        if due_texts:
            due = [s for s in chunk if s.pk in due_texts]
            created["deadline"] += notify(
                due, Notification.Kind.DEADLINE, lambda s, texts=due_texts: texts[s.pk], include_managers=True
            )
        if overdue_texts:
            overdue = [s for s in chunk if s.pk in overdue_texts]
            rows = _overdue_rows(overdue, overdue_texts, day)
            Notification.objects.bulk_create(rows, batch_size=1000)
            created["overdue"] += len(rows)
        if len(chunk) < CHUNK:
            break
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
