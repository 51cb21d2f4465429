"""Review seasons for the demo province: the season under review on the seeding day, under QĐ 366 /
HD 43 with scored work at every stage so that each demo login has something to do; the year
before it, decided under QĐ 366 with points; and the year before that, decided under QĐ 124. Which
years those are, and on which days things happened, is members/demo_days.py's business; how a
QĐ 366 form is filled in, reviews/demo_points.py's.

Everything this year goes through the workflow engine, as the pages would do it, with the demo
users (and a secretary login per staged cell) as actors. Last year's results are recorded with
`import_decided_results`, as a province would bring in the results it decided on paper.

The package, by theme: seasons.py opens the three seasons (`seed_seasons`); past.py records the
years already decided; staging.py and steps.py take this year's cells through the workflow;
forms.py fills the forms; cast.py names the actors. The names below are the ones callers use
(reviews/management/commands/seed_demo.py, tests/e2e/staging.py).
"""

from reviews.demo.cast import Cast
from reviews.demo.forms import GRADES_FOR, PLEDGE_ITEMS, TEXTS, _fill, _submit
from reviews.demo.seasons import seed_seasons
from reviews.demo.staging import S
from reviews.demo.steps import (
    _collectives,
    _comments_where_needed,
    _meeting,
    _meeting_day,
    _members,
    _review,
    _secretary,
    _subject,
)

__all__ = [
    "GRADES_FOR",
    "PLEDGE_ITEMS",
    "S",
    "TEXTS",
    "Cast",
    "_collectives",
    "_comments_where_needed",
    "_fill",
    "_meeting",
    "_meeting_day",
    "_members",
    "_review",
    "_secretary",
    "_subject",
    "_submit",
    "seed_seasons",
]
