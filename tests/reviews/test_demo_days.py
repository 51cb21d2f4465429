"""The demo makes sense on whatever day it is seeded (members/demo_days.py): the open season is the
one a user would be working on that day, its deadlines lie around that day, nothing that has
happened is dated after it, and every demo login still finds work at its step."""

import datetime
from zoneinfo import ZoneInfo

import pytest

from members.demo import seed_demo
from members.demo_days import DemoDays, season_year
from members.models import CellPeriod, DisciplineRecord, Member, Pledge, StatusPeriod
from organizations.models import Organization, Role
from reviews.demo import seed_seasons
from reviews.models import Meeting, Season, Subject

pytestmark = pytest.mark.django_db
S = Subject.State


@pytest.mark.parametrize(
    ("day", "year"),
    [
        (datetime.date(2026, 7, 1), 2026),
        (datetime.date(2026, 12, 31), 2026),
        (datetime.date(2027, 1, 15), 2026),
        (datetime.date(2027, 6, 30), 2026),
        (datetime.date(2027, 7, 1), 2027),
        (datetime.date(2030, 1, 1), 2029),
    ],
)
def test_the_season_under_review_is_this_years_from_july_and_last_years_until_june(day, year):
    assert season_year(day) == DemoDays(day).year == year


def test_a_designed_day_moves_by_whole_years_and_a_past_one_never_passes_today():
    days = DemoDays(datetime.date(2030, 1, 1))
    assert days.moved(datetime.date(2026, 11, 20)) == datetime.date(2029, 11, 20)
    assert days.moved(datetime.date(2024, 2, 29)) == datetime.date(2027, 2, 28)
    early = DemoDays(datetime.date(2027, 7, 20))
    assert early.past(datetime.date(2026, 11, 20)) == datetime.date(2027, 7, 20)
    assert early.past(datetime.date(2026, 11, 20), days_before=3) == datetime.date(2027, 7, 17)


@pytest.mark.parametrize(
    "day",
    [
        datetime.date(2026, 12, 28),  # late December: the year's own season, nearly done
        datetime.date(2027, 1, 15),  # the last units finish last year's season
        datetime.date(2027, 7, 1),  # mid-year: this year's season, its history not yet written
        datetime.date(2030, 1, 1),  # years later
    ],
)
def test_the_demo_seeded_on_another_day_is_the_season_of_that_day(time_machine, day):
    time_machine.move_to(
        datetime.datetime.combine(day, datetime.time(8), tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))
    )
    result = seed_demo(members=600, seed=5)
    seasons = seed_seasons(seed=5, days=result.days)
    year = season_year(day)
    assert (seasons["year"], seasons["last_year"]) == (year, year - 1)

    this = Season.objects.get(year=year)
    last = Season.objects.get(year=year - 1)
    assert this.status == Season.Status.OPEN and this.reference_date == datetime.date(year, 12, 15)
    assert not last.subjects.exclude(out_of_scope="").filter(state=S.DECIDED).exists()
    assert last.subjects.filter(state=S.DECIDED).count() == seasons["decided"] > 0
    # The deadlines of the phases lie in the weeks after the day; the pledge's early in the year.
    for phase in ("self_review", "meeting", "proposal", "decision"):
        due = datetime.date.fromisoformat(this.deadlines[phase])
        assert day < due <= day + datetime.timedelta(days=40), phase
    assert this.deadlines["pledge"] == f"{year}-02-28"

    # Nothing that has happened is dated after the day.
    dated = {
        "admissions": Member.objects.filter(admitted_on__gt=day),
        "statuses": StatusPeriod.objects.filter(starts_on__gt=day),
        "cells": CellPeriod.objects.filter(starts_on__gt=day),
        "discipline": DisciplineRecord.objects.filter(decided_on__gt=day),
        "foundings": Organization.objects.filter(founded_on__gt=day),
        "roles": Role.objects.filter(starts_on__gt=day),
        "meetings": Meeting.objects.filter(held_on__gt=day),
    }
    assert {name: rows.count() for name, rows in dated.items()} == dict.fromkeys(dated, 0)
    # The histories belong to the season's year: members moved, disciplined and on leave in it.
    assert CellPeriod.objects.filter(ends_on__year=year).exists()
    assert DisciplineRecord.objects.filter(decided_on__year=year).exists()
    assert Role.objects.filter(starts_on=datetime.date(year, 1, 1)).count() == Role.objects.count()

    # Work at every step, for the logins of the README.
    states = set(this.subjects.filter(out_of_scope="").values_list("state", flat=True))
    assert {S.DRAFT, S.SUBMITTED, S.PROPOSED, S.DECIDED} <= states
    dangvien = this.subjects.get(member__user__username="dangvien")
    assert dangvien.state == S.DRAFT and dangvien.suggestions.exists()
    assert Pledge.objects.filter(year=year, state=Pledge.State.SUBMITTED).exists()  # for bithu
    assert Meeting.objects.filter(season=this).exists()
