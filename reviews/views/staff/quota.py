"""The quota meter of the approval queue (R-RATE-2): what each quota group has decided, and what
it would have with the proposals counted."""

from collections import defaultdict
from dataclasses import dataclass

from reviews import rules
from reviews.models import QuotaGroup, Subject
from reviews.quota_groups import decided_in_groups

S = Subject.State


@dataclass
class QuotaMeter:
    """One quota group (R-RATE-2): what is decided, and what it would be with `adding` more."""

    key: str
    decided: rules.QuotaCount
    planned: rules.QuotaCount
    adding: int
    exceed_with_reason: bool
    group: QuotaGroup | None = None  # its rate may have been raised (R366-RATE-10)

    @property
    def percent_used(self) -> int:
        if self.planned.limit == 0:
            return 100 if self.planned.capped else 0
        return min(100, round(100 * self.planned.capped / self.planned.limit))


def quota_meters(season, shown: list[Subject], counted: dict[int, str]) -> list[QuotaMeter]:
    """The quota groups of the subjects shown: levels decided in each group, then the same with
    the levels of the `counted` proposals (subject id → level) added. One query."""
    keys = sorted({s.quota_key for s in shown if s.quota_key})
    if not keys:
        return []
    quota = season.rule_set.quota
    groups, found = decided_in_groups(season, keys)
    labels = {key: g.label for key, g in groups.items()}
    decided: dict[str, list[str]] = defaultdict(list, found)
    meters = []
    for key in keys:
        label = labels.get(key, key)
        adding = [counted[s.pk] for s in shown if s.quota_key == key and s.pk in counted]
        meters.append(
            QuotaMeter(
                key=key,
                decided=rules.quota_count(label, decided[key], rules.group_quota(quota, groups.get(key))),
                planned=rules.quota_count(
                    label, decided[key] + adding, rules.group_quota(quota, groups.get(key))
                ),
                adding=len(adding),
                exceed_with_reason=bool(quota.get("exceed_with_reason")),
                group=groups.get(key),
            )
        )
    return meters
