"""Reminding the leaders who have not self-assessed a quarter (issue 14; deadline R366-QTR-5):
the staff of a committee remind those in their part of the season, at most once a day, through the
season's notifications (the leader hears, their cell's officers get one digest)."""

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from reviews import access, notifications
from reviews.audit import append_event
from reviews.models import Notification, Quarter, QuarterlyEvaluation, Subject
from reviews.quarters import guards
from reviews.workflow import NotAllowed, WorkflowError

E = QuarterlyEvaluation.State


def topic(quarter: Quarter, day) -> str:
    return f"{quarter.season_id}:quarter{quarter.number}:remind:{day.isoformat()}"


def may_remind(user, quarter: Quarter) -> str | None:
    scope = access.season_scope(user, quarter.season)
    if scope.everything or any(kind in access.STAFF for kind, _p in scope.roles):
        return None
    return _("Committee staff remind the leaders who have not self-assessed.")


@transaction.atomic
def remind_quarter(*, quarter: Quarter, actor) -> int:
    """Notify each leader in the actor's part of the season whose Mẫu 05 of `quarter` is not
    submitted (draft or returned); returns how many leaders. Once a day per reader's scope."""
    if refusal := may_remind(actor, quarter):
        raise NotAllowed([refusal])
    season = quarter.season
    scope = access.season_scope(actor, season)
    day = timezone.localdate()
    mark = f"{topic(quarter, day)}:{actor.pk}"
    if Notification.objects.filter(topic=mark).exists():
        raise WorkflowError([_("The leaders of this quarter were already reminded today.")])
    subjects = list(
        Subject.objects.filter(
            pk__in=QuarterlyEvaluation.objects.filter(quarter=quarter, state__in=guards.EDITABLE)
            .filter(scope.q("path", manage=True))
            .values("subject_id")
        ).select_related("unit", "member", "season__rule_set")
    )
    if not subjects:
        raise WorkflowError([_("Every leader of this quarter in your part of the season has self-assessed.")])
    late = day > quarter.deadline
    kind = Notification.Kind.OVERDUE if late else Notification.Kind.DEADLINE
    urls = dict(
        QuarterlyEvaluation.objects.filter(quarter=quarter, subject__in=subjects).values_list(
            "subject_id", "pk"
        )
    )

    def text(s):
        return _("%(name)s: the self-assessment of quarter %(n)d is due on %(day)s.") % {
            "name": s.name,
            "n": quarter.number,
            "day": quarter.deadline.strftime("%d/%m/%Y"),
        }

    def digest(d):
        return ngettext(
            "%(n)d leader has not self-assessed quarter %(q)d: %(list)s.",
            "%(n)d leaders have not self-assessed quarter %(q)d: %(list)s.",
            d.count,
        ) % {"n": d.count, "q": quarter.number, "list": d.listing()}

    def link(_kind, s, own):
        return reverse("reviews:quarter-form", args=[season.pk, urls[s.pk]])

    notifications.notify(subjects, kind, text, digest, link_for=link)
    Notification.objects.create(
        user=actor,
        kind=kind,
        text=digest_text(len(subjects), quarter)[:500],
        topic=mark,
        link=reverse("reviews:quarters", args=[season.pk]),
    )
    append_event(
        season=season,
        subject=None,
        actor=actor,
        action="quarter_remind",
        data={"quarter": quarter.number, "leaders": len(subjects), "late": late},
    )
    return len(subjects)


def digest_text(count: int, quarter: Quarter) -> str:
    return ngettext(
        "Reminder sent to %(n)d leader for quarter %(q)d.",
        "Reminder sent to %(n)d leaders for quarter %(q)d.",
        count,
    ) % {"n": count, "q": quarter.number}
