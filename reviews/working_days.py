"""Working days, as a Vietnamese office counts them (R-ORDER-8, R366-ORDER-5): Monday to Friday,
except the public holidays of settings.PUBLIC_HOLIDAYS ("MM-DD" every year, "YYYY-MM-DD" for one
year). An every-year holiday that falls on a Saturday or a Sunday is taken on the next working day
(Labour Code 2019 Art. 112 §3); the days of one year (Tết, swapped days) are taken as listed, the
Government's plan for the year having placed them already. docs/decisions.md, "Three working days
before the meeting"."""

import datetime
from functools import lru_cache

from django.conf import settings

ONE_DAY = datetime.timedelta(days=1)


@lru_cache(maxsize=64)
def _holidays(year: int, listed: tuple[str, ...]) -> frozenset[datetime.date]:
    every_year, this_year = set(), set()
    for entry in listed:
        if len(entry) == 10:
            day = datetime.date.fromisoformat(entry)
            if day.year == year:
                this_year.add(day)
            continue
        try:
            every_year.add(datetime.date.fromisoformat(f"{year}-{entry}"))
        except ValueError:  # 02-29 in a common year
            continue
    days = every_year | this_year
    for holiday in sorted(every_year):
        if holiday.weekday() >= 5:
            day = holiday + ONE_DAY
            while day.weekday() >= 5 or day in days:
                day += ONE_DAY
            days.add(day)
    return frozenset(days)


def holidays(year: int) -> frozenset[datetime.date]:
    return _holidays(year, tuple(settings.PUBLIC_HOLIDAYS))


def is_working_day(day: datetime.date) -> bool:
    return day.weekday() < 5 and day not in holidays(day.year)


def working_days_between(start: datetime.date, end: datetime.date) -> int:
    """The working days strictly between `start` and `end`: neither the day something is sent nor
    the day of the meeting counts ("ít nhất 3 ngày làm việc" = three full working days between)."""
    days, day = 0, start + ONE_DAY
    while day < end:
        days += is_working_day(day)
        day += ONE_DAY
    return days


def earliest_after(start: datetime.date, needed: int) -> datetime.date:
    """The first day with `needed` working days strictly between `start` and it."""
    day, counted = start, 0
    while counted < needed:
        day += ONE_DAY
        counted += is_working_day(day)
    return day + ONE_DAY


def latest_before(end: datetime.date, needed: int) -> datetime.date:
    """The last day with `needed` working days strictly between it and `end`."""
    day, counted = end, 0
    while counted < needed:
        day -= ONE_DAY
        counted += is_working_day(day)
    return day - ONE_DAY
