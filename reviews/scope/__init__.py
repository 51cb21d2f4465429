"""Opening a season: snapshot the tree and the roll, create the subjects (R-SCOPE-1..6).

`open_season` is one call and idempotent: a second call for the same top organization and year
returns the season it opened the first time. Members are inserted with one INSERT … SELECT so
that a province of 500,000 members opens in seconds (bench/bench_open_season.py).

The package: units.py snapshots the tree and creates the collectives' subjects; members.py inserts
the members' subjects; marks.py sets the marks that follow (transfers, positions, seats); quota.py
creates the quota groups; opening.py holds `open_season`, which runs them in order.
"""

from reviews.scope.members import _expand_tuples, _flat_params
from reviews.scope.opening import open_season
from reviews.scope.units import months_before

__all__ = ["_expand_tuples", "_flat_params", "months_before", "open_season"]
