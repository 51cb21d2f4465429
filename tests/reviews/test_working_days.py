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


# -- the default calendar: Tết, the Hùng Kings' day, the second day of 02/09 (config/holidays.py) ------


def off_weekdays(start: datetime.date, end: datetime.date) -> list[datetime.date]:
    """The weekdays from `start` to `end` (both counted) that are not working days."""
    days = [start + datetime.timedelta(days=n) for n in range((end - start).days + 1)]
    return [day for day in days if day.weekday() < 5 and day in holidays(day.year)]


def test_the_default_calendar_is_the_labour_codes_days_and_the_lunar_days_of_2026_to_2030():
    """Labour Code 2019 Art. 112: the every-year days, then each year's Tết (5 days), Hùng Kings'
    day and second day of 02/09, written "YYYY-MM-DD"; the environment replaces the whole list."""
    from django.conf import settings

    from config.holidays import DEFAULT_PUBLIC_HOLIDAYS, HUNG_KINGS, NATIONAL_DAY_SECOND, TET

    assert DEFAULT_PUBLIC_HOLIDAYS[:4] == FIXED
    assert settings.PUBLIC_HOLIDAYS == DEFAULT_PUBLIC_HOLIDAYS  # the suite runs without the variable
    assert env_days("PUBLIC_HOLIDAYS", DEFAULT_PUBLIC_HOLIDAYS) == DEFAULT_PUBLIC_HOLIDAYS
    for table in (TET, HUNG_KINGS, NATIONAL_DAY_SECOND):
        assert sorted(table) == [2026, 2027, 2028, 2029, 2030]
        assert all(day.startswith(f"{year}-") for year, days in table.items() for day in days)
    for year, days in TET.items():  # five days off, each a weekday (a weekend's Tết day moved)
        assert len(days) == 5 and all(D.fromisoformat(day).weekday() < 5 for day in days), year


def test_tet_is_five_working_days_off_around_the_lunar_new_year():
    """Tết Bính Ngọ (Tuesday 17/02/2026): Monday 16 to Friday 20, as the Government set it (off
    Saturday 14 to Sunday 22). Tết Đinh Mùi falls on Saturday 06/02/2027: its Saturday is taken
    on Thursday 04, its Sunday on Wednesday 10, so the week of 08/02 has no working day but none
    of Thursday 11 and Friday 12 is lost."""
    assert off_weekdays(D(2026, 2, 9), D(2026, 2, 27)) == [D(2026, 2, 16 + n) for n in range(5)]
    assert off_weekdays(D(2027, 2, 1), D(2027, 2, 19)) == [
        D(2027, 2, 4),
        D(2027, 2, 5),
        D(2027, 2, 8),
        D(2027, 2, 9),
        D(2027, 2, 10),
    ]
    assert off_weekdays(D(2028, 1, 17), D(2028, 2, 4)) == [D(2028, 1, 24 + n) for n in range(5)]
    assert off_weekdays(D(2029, 2, 5), D(2029, 2, 23)) == [D(2029, 2, 12 + n) for n in range(5)]


def test_tet_2030_is_vietnams_saturday_02_02_not_the_chinese_new_year():
    """The new moon of 02/02/2030 falls at 23:08 in Hanoi (UTC+7) and 00:08 on 03/02 in Beijing:
    Tết Canh Tuất is Saturday 02/02/2030, a day before the Chinese New Year. The eve (Friday 01/02)
    and mùng 3, 4 (Monday 04, Tuesday 05) are off, with Thursday 31/01 and Wednesday 06/02 for its
    Saturday and Sunday."""
    assert off_weekdays(D(2030, 1, 28), D(2030, 2, 8)) == [
        D(2030, 1, 31),
        D(2030, 2, 1),
        D(2030, 2, 4),
        D(2030, 2, 5),
        D(2030, 2, 6),
    ]


def test_the_hung_kings_day_and_the_second_day_of_the_national_day():
    """10/03 lunar: Sunday 26/04/2026 is taken on Monday 27 (Art. 112 §3); Friday 16/04/2027.
    02/09 and the day beside it: Tuesday 01/09/2026 with Wednesday 02/09; Friday 03/09/2027 after a
    Thursday; 2028: Friday 01/09, and Saturday 02/09 taken on Monday 04; 2029: Sunday 02/09 with
    Monday 03, taken on Tuesday 04."""
    assert off_weekdays(D(2026, 4, 20), D(2026, 5, 1)) == [D(2026, 4, 27), D(2026, 4, 30), D(2026, 5, 1)]
    assert off_weekdays(D(2027, 4, 12), D(2027, 4, 23)) == [D(2027, 4, 16)]
    assert [D(2028, 4, 4), D(2029, 4, 23), D(2030, 4, 12)] == [
        day for year in (2028, 2029, 2030) for day in off_weekdays(D(year, 4, 1), D(year, 4, 29))
    ]
    assert off_weekdays(D(2026, 8, 31), D(2026, 9, 4)) == [D(2026, 9, 1), D(2026, 9, 2)]
    assert off_weekdays(D(2027, 8, 30), D(2027, 9, 6)) == [D(2027, 9, 2), D(2027, 9, 3)]
    assert off_weekdays(D(2028, 8, 28), D(2028, 9, 8)) == [D(2028, 9, 1), D(2028, 9, 4)]
    assert off_weekdays(D(2029, 8, 27), D(2029, 9, 7)) == [D(2029, 9, 3), D(2029, 9, 4)]
    assert off_weekdays(D(2030, 8, 26), D(2030, 9, 6)) == [D(2030, 9, 2), D(2030, 9, 3)]


def test_r366_order_5_a_draft_sent_before_tet_counts_no_day_of_tet():
    """A meeting on Monday 15/02/2027, after Tết: a draft sent on Wednesday 03/02 has Thursday 11
    and Friday 12 only (Thursday 04 to Wednesday 10 are Tết); the last day to send it for three
    working days is Tuesday 02/02 (then Wednesday 03 counts too), and a meeting for a draft sent
    on 03/02 is held from Tuesday 16/02."""
    meeting = D(2027, 2, 15)
    assert working_days_between(D(2027, 2, 3), meeting) == 2
    assert circulation_warning(meeting, D(2027, 2, 3), RULES)
    assert latest_before(meeting, 3) == D(2027, 2, 2)
    assert circulation_warning(meeting, D(2027, 2, 2), RULES) == ""
    assert earliest_after(D(2027, 2, 3), 3) == D(2027, 2, 16)


def test_the_operator_replaces_the_default_with_the_years_announced_days():
    """The Government announces Tết's days each year: the variable replaces the whole default,
    so a year's days the operator leaves out are working days again."""
    with override_settings(PUBLIC_HOLIDAYS=[*FIXED, "2027-02-05", "2027-02-08", "2027-02-09", "2027-02-10"]):
        assert off_weekdays(D(2027, 2, 1), D(2027, 2, 12)) == [
            D(2027, 2, 5),
            D(2027, 2, 8),
            D(2027, 2, 9),
            D(2027, 2, 10),
        ]
    with override_settings(PUBLIC_HOLIDAYS=FIXED):
        assert off_weekdays(D(2027, 2, 1), D(2027, 2, 12)) == []
