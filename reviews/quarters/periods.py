"""The dates of a quarter, with no database (R366-QTR-3, R366-QTR-5)."""

import datetime
from dataclasses import dataclass

# R366-QTR-3: Q1–Q3 are evaluated on their own; Q4 is folded into the year-end rating.
NUMBERS = (1, 2, 3)
# R366-QTR-5: results are reported upward before the 15th of the quarter's last month, so the
# default deadline lies inside the quarter (Q3: 15/09, the quarter ends 30/09) on purpose.
DEADLINE_DAY = 15


@dataclass(frozen=True)
class Period:
    starts_on: datetime.date
    ends_on: datetime.date
    deadline: datetime.date


def default_period(year: int, number: int) -> Period:
    """Quarter `number` of `year`: its first and last day, and the default deadline, the 15th of
    its last month (R366-QTR-5; configurable when the quarter is opened)."""
    first_month = 3 * (number - 1) + 1
    last_month = first_month + 2
    starts_on = datetime.date(year, first_month, 1)
    following = datetime.date(year + (last_month == 12), last_month % 12 + 1, 1)
    return Period(
        starts_on=starts_on,
        ends_on=following - datetime.timedelta(days=1),
        deadline=datetime.date(year, last_month, DEADLINE_DAY),
    )
