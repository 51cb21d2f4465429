"""The demo province of `manage.py seed_demo`: a party tree, its members with their histories,
and the demo logins.

Everything is drawn from one `random.Random(seed)`, in list order, against the designed days of
members/demo_days.py (written as seen on 23/11/2026 and moved by whole years to the season under
review on the seeding day), so a seed gives the same province on every run and every machine in
the same season. Only the audit timestamps (`created_at`, `recorded_at`) come from the clock.

The whole province is planned in memory first, treebeard paths included, and then written in a
few bulk inserts (COPY on PostgreSQL), so half a million members take minutes, not hours.

The package, by theme: constants.py holds the demo's fixed settings; word_lists.py the names and
words it draws from; units.py the kinds of units and of the people in them; plan_types.py the
province as planned in memory; tree.py plans the party tree and people.py its members, and
planning.py puts the two together (`plan_demo`); writing.py writes the tree, members and
histories, logins.py the demo logins (`demo_logins`), and seeding.py does it all in one
transaction (`seed_demo`). The names below are the ones callers use
(reviews/management/commands/seed_demo.py, the tests and the benchmarks).
"""

from members.demo.constants import DEFAULT_MEMBERS, DEFAULT_SEED, DEMO_PASSWORD, MIN_MEMBERS
from members.demo.logins import demo_logins
from members.demo.plan_types import DemoPlan
from members.demo.planning import plan_demo
from members.demo.seeding import DemoError, DemoResult, seed_demo

__all__ = [
    "DEFAULT_MEMBERS",
    "DEFAULT_SEED",
    "DEMO_PASSWORD",
    "MIN_MEMBERS",
    "DemoError",
    "DemoPlan",
    "DemoResult",
    "demo_logins",
    "plan_demo",
    "seed_demo",
]
