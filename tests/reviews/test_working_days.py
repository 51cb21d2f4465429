"""R366-ORDER-5 (R-ORDER-8): the draft collective report goes to the participants at least 3
working days before the meeting, counted as a Vietnamese office counts them: full working days
strictly between the day it is sent and the meeting day, without Saturdays, Sundays and public
holidays (settings.PUBLIC_HOLIDAYS). A warning, not a block, that says who acts and which days
would do. Every day is given to the code (no test reads the real date)."""

import datetime

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import override_settings
from django.utils import translation

from config.env import env_days
from reviews.defaults import rule_set_data
from reviews.models import RuleSet
from reviews.rules import circulation_warning
from reviews.working_days import earliest_after, holidays, latest_before, working_days_between

RULES = RuleSet(switches=rule_set_data("qd366-hd43-2025.json")["switches"])
D = datetime.date
MONDAY = D(2026, 11, 23)  # Wed 18, Thu 19, Fri 20, Sat 21, Sun 22 before it
FIXED = ["01-01", "04-30", "05-01", "09-02"]


def test_r366_order_5_three_full_working_days_between_sending_and_the_meeting():
    """Sent Wednesday for a Monday meeting: Thursday and Friday, 2 days, warned; sent Tuesday: 3,
    on time. Neither the day sent nor the meeting day counts; a weekend does not."""
    assert RULES.switch("circulation_working_days") == 3
    assert working_days_between(D(2026, 11, 18), MONDAY) == 2
    assert working_days_between(D(2026, 11, 17), MONDAY) == 3
    assert circulation_warning(MONDAY, D(2026, 11, 18), RULES)
    assert circulation_warning(MONDAY, D(2026, 11, 17), RULES) == ""
    # Sent on a Saturday for a Thursday meeting: Monday, Tuesday, Wednesday.
    assert circulation_warning(D(2026, 11, 26), D(2026, 11, 21), RULES) == ""
    assert circulation_warning(D(2026, 11, 25), D(2026, 11, 21), RULES)
    # Sent on the meeting day or after: nothing counted, warned.
    assert working_days_between(MONDAY, MONDAY) == 0
    assert circulation_warning(MONDAY, MONDAY, RULES) and circulation_warning(MONDAY, D(2026, 11, 24), RULES)


def test_r366_order_5_the_warning_says_who_acts_and_the_days_that_would_do():
    """In Vietnamese: what is short, who acts (the head of the collective, the secretary), the
    last day to send for this meeting and the first day the meeting could be held."""
    with translation.override("vi"):
        text = circulation_warning(MONDAY, D(2026, 11, 18), RULES)
    assert "gửi ngày 18/11/2026, trước hội nghị 2 ngày làm việc; yêu cầu ít nhất 3 ngày làm việc" in text
    assert "không tính ngày gửi, ngày họp, thứ Bảy, Chủ nhật và ngày nghỉ lễ" in text
    assert (
        "Người đứng đầu tập thể (bí thư) gửi dự thảo chậm nhất ngày 17/11/2026 để họp ngày 23/11/2026" in text
    )
    assert "dời hội nghị sang ngày 24/11/2026 trở đi" in text
    assert "R366" not in text and "R-ORDER" not in text
    assert latest_before(MONDAY, 3) == D(2026, 11, 17) and earliest_after(D(2026, 11, 18), 3) == D(
        2026, 11, 24
    )


@override_settings(PUBLIC_HOLIDAYS=FIXED)
def test_r366_order_5_a_public_holiday_is_not_a_working_day():
    """01/01/2027 is a Friday: sent Wednesday 30/12 for Tuesday 05/01, only Thursday 31/12 and
    Monday 04/01 count; sent Tuesday 29/12, three. The first day after Wednesday 30/12 is 06/01."""
    meeting = D(2027, 1, 5)
    assert working_days_between(D(2026, 12, 30), meeting) == 2
    assert circulation_warning(meeting, D(2026, 12, 30), RULES)
    assert circulation_warning(meeting, D(2026, 12, 29), RULES) == ""
    assert earliest_after(D(2026, 12, 30), 3) == D(2027, 1, 6)


@override_settings(PUBLIC_HOLIDAYS=FIXED)
def test_r366_order_5_a_holiday_on_a_weekend_is_taken_on_the_next_working_day():
    """Labour Code 2019 Art. 112 §3: 01/01/2028 is a Saturday, so Monday 03/01/2028 is off."""
    assert D(2028, 1, 3) in holidays(2028)
    assert working_days_between(D(2027, 12, 30), D(2028, 1, 6)) == 3  # Fri 31, Tue 4, Wed 5
    assert D(2027, 1, 4) not in holidays(2027)  # 01/01/2027 is a Friday: nothing to take


def test_r366_order_5_the_days_of_one_year_are_set_by_the_operator():
    """Tết and the swapped days move every year: PUBLIC_HOLIDAYS takes them as "YYYY-MM-DD"."""
    with override_settings(PUBLIC_HOLIDAYS=[*FIXED, "2026-11-19"]):
        assert working_days_between(D(2026, 11, 17), MONDAY) == 2
        assert circulation_warning(MONDAY, D(2026, 11, 17), RULES)
        assert D(2027, 11, 19) not in holidays(2027)
    with override_settings(PUBLIC_HOLIDAYS=[]):
        assert working_days_between(D(2026, 12, 30), D(2027, 1, 5)) == 3


@pytest.mark.parametrize("value", ["13-01", "02-30", "1-01", "2027-02-29", "2027/01/01", "Tết"])
def test_public_holidays_that_are_not_days_stop_the_start(monkeypatch, value):
    monkeypatch.setenv("PUBLIC_HOLIDAYS", f"01-01,{value}")
    with pytest.raises(ImproperlyConfigured, match="PUBLIC_HOLIDAYS"):
        env_days("PUBLIC_HOLIDAYS", [])


def test_public_holidays_read_from_the_environment(monkeypatch):
    monkeypatch.setenv("PUBLIC_HOLIDAYS", "01-01, 02-29,2027-02-05")
    assert env_days("PUBLIC_HOLIDAYS", []) == ["01-01", "02-29", "2027-02-05"]
    monkeypatch.delenv("PUBLIC_HOLIDAYS")
    assert env_days("PUBLIC_HOLIDAYS", FIXED) == FIXED
