"""The scheduled reminders of a quarter's deadline (issue 14, R366-QTR-5): on the configured days
before the deadline, the leaders who have not self-assessed and the managing bodies that have not
evaluated hear, at most once a day per person. Days are given to the task or the clock is moved
to them: nothing depends on the real date. The staff's reminder button too: overdue or not is
said from the day the clock is moved to."""

import datetime
from zoneinfo import ZoneInfo

import pytest

from reviews.models import Event, Notification, Quarter
from reviews.quarters import services
from reviews.quarters.reminders import remind_quarter
from reviews.tasks import remind_quarters
from reviews.workflow import NotAllowed, WorkflowError
from tests.reviews.test_quarters import evaluation, quarter_world, self_assess

pytestmark = pytest.mark.django_db


@pytest.fixture
def due(db, settings):
    """Quarter 2 of 2026 opened with its default deadline, 15/06/2026; reminders 5 days before and
    on the day."""
    settings.QUARTER_REMINDER_DAYS = [5, 0]
    w = quarter_world()
    w.quarter = services.open_quarter(season=w.season, actor=w.board, number=2)
    assert w.quarter.deadline == datetime.date(2026, 6, 15)
    return w


def test_r366_qtr_5_leaders_not_self_assessed_are_reminded_once_a_day(due):
    w = due
    five_before = w.quarter.deadline - datetime.timedelta(days=5)
    assert remind_quarters(five_before.isoformat()) == {"leaders": 1, "bodies": 0}
    notice = Notification.objects.get(user=w.member_user, topic__contains=":due:self:")
    assert notice.kind == Notification.Kind.DEADLINE and "15/06/2026" in notice.text
    assert notice.link.endswith(f"/quy/danh-gia/{w.quarter.evaluations.get(subject__member=w.deputy).pk}/")
    # Idempotent: the same day again writes nothing more.
    assert remind_quarters(five_before.isoformat()) == {"leaders": 0, "bodies": 0}
    # A day that is not a reminder day writes nothing.
    assert remind_quarters((five_before + datetime.timedelta(days=1)).isoformat()) == {
        "leaders": 0,
        "bodies": 0,
    }
    assert Notification.objects.filter(topic__contains=":due:").count() == 1


def test_r366_qtr_5_bodies_with_self_assessments_waiting_are_reminded_on_the_deadline(due):
    w = due
    self_assess(w, w.deputy, w.member_user)
    day = w.quarter.deadline
    assert remind_quarters(day.isoformat()) == {"leaders": 0, "bodies": 1}
    digest = Notification.objects.get(topic__contains=":due:body:")
    assert digest.user == w.base_staff  # CS1's staff decide CB1's leaders
    assert digest.link.endswith("/quy/2/xet/")
    assert remind_quarters(day.isoformat()) == {"leaders": 0, "bodies": 0}
    # Decided: nothing is waiting the next reminder day either.
    services.decide_quarter(
        evaluation=w.quarter.evaluations.select_related("subject__season__rule_set", "quarter").get(
            subject__member=w.deputy
        ),
        actor=w.base_staff,
        general="24",
        tasks="62",
        level="HTTNV",
    )
    assert remind_quarters((day - datetime.timedelta(days=5)).isoformat()) == {"leaders": 0, "bodies": 0}


def test_r366_qtr_5_the_reminder_days_are_a_setting(due, settings):
    w = due
    settings.QUARTER_REMINDER_DAYS = [3]
    assert remind_quarters((w.quarter.deadline - datetime.timedelta(days=5)).isoformat())["leaders"] == 0
    assert remind_quarters((w.quarter.deadline - datetime.timedelta(days=3)).isoformat())["leaders"] == 1


def test_r366_qtr_5_the_beat_run_takes_the_local_day_from_the_clock(due, time_machine, settings):
    """The scheduled run passes no day: the local date of the (moved) clock decides."""
    w = due
    assert "remind-quarters" in settings.CELERY_BEAT_SCHEDULE
    on_the_day = datetime.datetime.combine(
        w.quarter.deadline, datetime.time(6, 10), tzinfo=ZoneInfo("Asia/Ho_Chi_Minh")
    )
    time_machine.move_to(on_the_day)
    assert remind_quarters() == {"leaders": 1, "bodies": 0}
    assert remind_quarters() == {"leaders": 0, "bodies": 0}
    time_machine.move_to(on_the_day + datetime.timedelta(days=1))
    assert remind_quarters() == {"leaders": 0, "bodies": 0}


# -- the staff's reminder button -------------------------------------------------------------------------


def vietnam_morning(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(9, 0), tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))


def test_r366_qtr_5_staff_remind_the_leaders_who_have_not_self_assessed_once_a_day(due, time_machine):
    """R366-QTR-5 (the deadline) with issue 14's "remind late ones": the leader not yet submitted
    hears, with a link to their Mẫu 05; the one who submitted does not; once a day; not a member.
    On 20/06/2026, after the deadline of 15/06: the reminder says overdue."""
    w = due
    quarter = w.quarter
    time_machine.move_to(vietnam_morning(datetime.date(2026, 6, 20)))
    self_assess(w, w.head, w.secretary)
    with pytest.raises(NotAllowed):
        remind_quarter(quarter=quarter, actor=w.member_user)
    assert remind_quarter(quarter=quarter, actor=w.base_staff) == 1
    note = Notification.objects.get(user=w.member_user, kind=Notification.Kind.OVERDUE)
    assert note.link.endswith(f"/quy/danh-gia/{evaluation(w, w.deputy).pk}/")
    assert Event.objects.get(action="quarter_remind").data == {"quarter": 2, "leaders": 1, "late": True}
    with pytest.raises(WorkflowError):
        remind_quarter(quarter=quarter, actor=w.base_staff)
    self_assess(w, w.deputy, w.member_user)
    with pytest.raises(WorkflowError):  # everyone in the commune's part has self-assessed now
        remind_quarter(quarter=Quarter.objects.get(pk=quarter.pk), actor=w.commune_staff)


def test_r366_qtr_5_a_reminder_up_to_the_deadline_is_not_overdue(due, time_machine):
    """R366-QTR-5: on 10/06/2026 and on the deadline itself (15/06) the leader hears of the
    deadline, not that they are late; from 16/06 the reminder says overdue."""
    w = due
    time_machine.move_to(vietnam_morning(datetime.date(2026, 6, 10)))
    self_assess(w, w.head, w.secretary)  # the deputy alone is left to remind
    assert remind_quarter(quarter=w.quarter, actor=w.base_staff) == 1
    note = Notification.objects.get(user=w.member_user)
    assert note.kind == Notification.Kind.DEADLINE and "15/06/2026" in note.text
    assert Event.objects.get(action="quarter_remind").data == {"quarter": 2, "leaders": 1, "late": False}
    time_machine.move_to(vietnam_morning(datetime.date(2026, 6, 15)))
    remind_quarter(quarter=w.quarter, actor=w.base_staff)
    assert not Notification.objects.filter(kind=Notification.Kind.OVERDUE).exists()
    time_machine.move_to(vietnam_morning(datetime.date(2026, 6, 16)))
    remind_quarter(quarter=w.quarter, actor=w.base_staff)
    assert Notification.objects.filter(user=w.member_user, kind=Notification.Kind.OVERDUE).count() == 1
