"""The days of the demo, from the day it is seeded.

The demo is one designed year: a season under review, the season before it decided, and the
members' histories around them. It is written as seen on 23/11/2026 (DESIGN_TODAY), with the
2026 season under review. Seeded on another day, every designed day moves by whole years to the
season a user would be working on that day, and no past event is put after that day:

- from July to December, that year's season (its review lies ahead, at the end of the year);
- from January to June, the season of the year before (units finish by 15/01, the records go
  up by 01/02, and complaints and re-ratings follow).

The deadlines of the season under review are set from the seeding day itself, so that the demo
always has some close at hand and the reminders show.
"""

import datetime
from dataclasses import dataclass

DESIGN_TODAY = datetime.date(2026, 11, 23)
DESIGN_YEAR = DESIGN_TODAY.year
# Days after the seeding day on which each phase of the season under review is due.
DEADLINE_OFFSETS = {"self_review": 12, "meeting": 19, "proposal": 25, "decision": 32}


def add_years(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def season_year(today: datetime.date) -> int:
    """The rating year a user is working on at `today` (see the module's docstring)."""
    return today.year if today.month >= 7 else today.year - 1


@dataclass(frozen=True)
class DemoDays:
    today: datetime.date

    @property
    def year(self) -> int:
        """The rating year of the season under review."""
        return season_year(self.today)

    @property
    def shift(self) -> int:
        return self.year - DESIGN_YEAR

    def moved(self, designed: datetime.date) -> datetime.date:
        """A designed day moved to this seeding's years (a reference date, a due date)."""
        return add_years(designed, self.shift)

    def past(self, designed: datetime.date, *, days_before: int = 0) -> datetime.date:
        """A designed day of something that has happened: moved, and at the latest `days_before`
        days before the seeding day."""
        return min(self.moved(designed), self.today - datetime.timedelta(days=days_before))

    def reference(self, year: int) -> datetime.date:
        """The reference date of a season: 15 December of its year."""
        return datetime.date(year, 12, 15)

    def deadlines(self) -> dict[str, str]:
        """The deadlines of the season under review, around the seeding day."""
        found = {"pledge": datetime.date(self.year, 2, 28).isoformat()}
        for phase, offset in DEADLINE_OFFSETS.items():
            found[phase] = (self.today + datetime.timedelta(days=offset)).isoformat()
        return found
