"""What differs between the rule regimes, one package each, chosen by the season's rule set (R-SET-2):

- `qd124/`: Regulation 124-QĐ/TW with HD 25 — a level from per-criterion grades; a cell is
  rated before its members.
- `qd366/`: Regulation 366-QĐ/TW with HD 43 — a level from points out of 100 plus conditions;
  a cell is rated after all its members.

Everything else (states, locking, the audit chain, access, notifications, figures, signing) is
shared: reviews/workflow/ asks `regime_of(rule_set)` and never tests a regime's name.
"""

from reviews.regimes import qd124, qd366
from reviews.regimes.base import Regime

REGIMES: dict[str, Regime] = {qd124.REGIME.code: qd124.REGIME, qd366.REGIME.code: qd366.REGIME}


def regime_of(rule_set) -> Regime:
    return REGIMES[rule_set.regime]
