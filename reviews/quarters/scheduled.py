"""The daily reminders of a quarter's deadline (issue 14; R366-QTR-5: results are reported before
the quarter's deadline). Run by Celery beat (reviews.tasks.remind_quarters, once a day): on each
day listed in settings.QUARTER_REMINDER_DAYS before a quarter's deadline (0 is the deadline day),

- each leader whose Mẫu 05 is not submitted (draft or returned) is reminded of their own form;
- the staff (and, for a base cell, its secretary and deputy) of each managing body that has
  self-assessments waiting for its evaluation get one digest for the body.

The button of reviews/quarters/reminders.py stays for the staff's own reminders. A person hears at
most once a day per quarter however often the task runs: the day is part of each notice's topic and
the day's topics already written are skipped. A fixed number of queries per chunk of evaluations."""

import datetime

from django.conf import settings
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from organizations.models import Kind, Role
from reviews.access import CELL_OFFICERS, STAFF
from reviews.models import Notification, Quarter, QuarterlyEvaluation, Season
from reviews.quarters import guards

E = QuarterlyEvaluation.State
CHUNK = 5000


def reminder_days() -> set[int]:
    """Days before a deadline on which the reminders go out (0: the deadline day)."""
    return {int(n) for n in getattr(settings, "QUARTER_REMINDER_DAYS", (5, 0))}


def due_quarters(day: datetime.date):
    """The quarters of open seasons whose deadline is one of the reminder days away from `day`."""
    deadlines = [day + datetime.timedelta(days=n) for n in sorted(reminder_days())]
    return (
        Quarter.objects.filter(season__status=Season.Status.OPEN, deadline__in=deadlines)
        .select_related("season")
        .order_by("pk")
    )


def topic(quarter: Quarter, who: str, day: datetime.date) -> str:
    return f"{quarter.season_id}:quarter{quarter.number}:due:{who}:{day.isoformat()}"


def _roles(organization_ids: set[int], day: datetime.date) -> dict[int, set[tuple[int, str]]]:
    """organization id → (user, role kind) of the staff and cell officers there on `day` (one
    query)."""
    found: dict[int, set[tuple[int, str]]] = {}
    rows = (
        Role.objects.filter(
            organization_id__in=organization_ids, kind__in=STAFF | CELL_OFFICERS, starts_on__lte=day
        )
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=day))
        .values_list("organization_id", "user_id", "kind")
    )
    for organization_id, user_id, kind in rows:
        found.setdefault(organization_id, set()).add((user_id, kind))
    return found


def _remind_leaders(quarter: Quarter, day: datetime.date) -> int:
    """Each leader with a user whose form is draft or returned: one notice with a link to it."""
    mark = topic(quarter, "self", day)
    sent = set(Notification.objects.filter(topic=mark).values_list("user_id", flat=True))
    deadline = quarter.deadline.strftime("%d/%m/%Y")
    rows = QuarterlyEvaluation.objects.filter(
        quarter=quarter, state__in=guards.EDITABLE, subject__member__user__isnull=False
    ).values_list("pk", "subject_id", "subject__name", "subject__member__user_id")
    created, last = 0, 0
    while chunk := list(rows.filter(pk__gt=last).order_by("pk")[:CHUNK]):
        last = chunk[-1][0]
        notices = [
            Notification(
                user_id=user,
                subject_id=subject,
                kind=Notification.Kind.DEADLINE,
                topic=mark,
                text=(
                    _("%(name)s: the self-assessment of quarter %(n)d is due on %(day)s.")
                    % {"name": name, "n": quarter.number, "day": deadline}
                )[:500],
                link=reverse("reviews:quarter-form", args=[quarter.season_id, pk]),
            )
            for pk, subject, name, user in chunk
            if user not in sent
        ]
        sent |= {n.user_id for n in notices}
        Notification.objects.bulk_create(notices, batch_size=1000)
        created += len(notices)
    return created


def _remind_bodies(quarter: Quarter, day: datetime.date) -> int:
    """Each managing body with submitted self-assessments waiting: one digest to each of its
    staff (a base cell's secretary and deputy decide its members). Two queries."""
    mark = topic(quarter, "body", day)
    sent = set(Notification.objects.filter(topic=mark).values_list("user_id", flat=True))
    waiting = list(
        QuarterlyEvaluation.objects.filter(quarter=quarter, state=E.SUBMITTED, decider__isnull=False)
        .values_list("decider__organization_id", "decider__kind")
        .annotate(n=Count("id"))
        .order_by()
    )
    if not waiting:
        return 0
    roles = _roles({o for o, _k, _n in waiting}, day)
    users: dict[int, int] = {}
    for organization, kind, n in waiting:
        deciding = STAFF | CELL_OFFICERS if kind == Kind.BASE_CELL else STAFF
        for user in {u for u, k in roles.get(organization, ()) if k in deciding} - sent:
            users[user] = users.get(user, 0) + n
    link = reverse("reviews:quarter-decide-list", args=[quarter.season_id, quarter.number])
    deadline = quarter.deadline.strftime("%d/%m/%Y")
    notices = [
        Notification(
            user_id=user,
            kind=Notification.Kind.DEADLINE,
            topic=mark,
            text=ngettext(
                "Quarter %(q)d: %(n)d self-assessment waits for your evaluation; the deadline is %(day)s.",
                "Quarter %(q)d: %(n)d self-assessments wait for your evaluation; the deadline is %(day)s.",
                n,
            )
            % {"q": quarter.number, "n": n, "day": deadline},
            link=link,
        )
        for user, n in sorted(users.items())
    ]
    Notification.objects.bulk_create(notices, batch_size=1000)
    return len(notices)


def remind_due_quarters(day: datetime.date | None = None) -> dict[str, int]:
    """R366-QTR-5: the day's reminders for every quarter due in one of the reminder days; returns
    how many notices went to leaders and to bodies. Running it again the same day adds nothing."""
    day = day or timezone.localdate()
    created = {"leaders": 0, "bodies": 0}
    for quarter in due_quarters(day):
        created["leaders"] += _remind_leaders(quarter, day)
        created["bodies"] += _remind_bodies(quarter, day)
    return created
