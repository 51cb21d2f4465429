"""The cell's quota meter (R-RATE-2): decided levels of each quota group, plus the levels this
cell proposes or is about to propose."""

from collections import defaultdict
from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from reviews import rules
from reviews.models import Season, Subject
from reviews.quota_groups import decided_in_groups, group_name, has_no_place, no_place_sentence

S = Subject.State


@dataclass
class QuotaMeter:
    """One quota group of the cell's members: the group's decided levels plus this cell's
    proposed (or being proposed) levels, counted as if they were decided."""

    key: str
    count: rules.QuotaCount
    from_here: int  # capped-level proposals of this cell included in the count

    @property
    def left(self) -> int:
        return self.count.limit - self.count.capped

    @property
    def over(self) -> int:
        return self.count.capped - self.count.limit

    @property
    def nothing_to_count(self) -> bool:
        """No base level counted yet and no capped level either: there is no quota to speak of."""
        return self.count.base == 0 and self.count.capped == 0

    @property
    def no_place(self) -> bool:
        """Members are rated at the base level, but too few for one place at the capped level."""
        return not self.nothing_to_count and has_no_place(self.count)

    @property
    def name(self) -> str:
        """The group's short name (the cell's groups share their deciding committee)."""
        return group_name(self.key, self.count.label)

    @property
    def tone(self) -> str:
        if self.count.exceeded:
            return "danger"
        if self.nothing_to_count or self.no_place:
            return "secondary"
        if self.count.capped and self.left <= 1:
            return "warning"  # the last place is taken, or taking the next one fills the quota
        return "success"

    @property
    def badge(self) -> str:
        """The meter's word, which must say what its numbers say."""
        if self.count.exceeded:
            return _("Over the quota")
        if self.nothing_to_count:
            return _("Nothing counted yet")
        if self.no_place:
            return _("No place for now")
        if self.count.capped and self.left == 0:
            return _("At the limit")
        if self.count.capped and self.left == 1:
            return _("Near the limit")
        return _("Within the quota")

    @property
    def status(self) -> str:
        if self.count.exceeded:
            return ngettext("Over the quota by %(n)d case.", "Over the quota by %(n)d cases.", self.over) % {
                "n": self.over
            }
        if self.nothing_to_count or self.no_place:
            return no_place_sentence(self.count)
        if self.left == 0:
            return _("No place left.")
        return ngettext("%(n)d place left.", "%(n)d places left.", self.left) % {"n": self.left}

    @property
    def headline(self) -> str:
        values = {
            "capped_level": self.count.capped_level,
            "count": self.count.capped,
            "limit": self.count.limit,
            "percent": self.count.percent,
            "base": self.count.base,
            "base_level": self.count.base_level,
            "over": self.over,
        }
        if self.count.exceeded:
            return (
                ngettext(
                    "%(capped_level)s %(count)d, over by %(over)d case (at most %(limit)d = %(percent)s%% × "
                    "%(base)d %(base_level)s)",
                    "%(capped_level)s %(count)d, over by %(over)d cases (at most %(limit)d = %(percent)s%% × "
                    "%(base)d %(base_level)s)",
                    self.over,
                )
                % values
            )
        if self.nothing_to_count:
            return _("%(capped_level)s: at most %(percent)s%% of those rated %(base_level)s") % values
        return (
            _("%(capped_level)s %(count)d / at most %(limit)d (%(percent)s%% × %(base)d %(base_level)s)")
            % values
        )

    @property
    def bar_percent(self) -> int:
        if self.count.limit <= 0:
            return 100 if self.count.capped else 0
        return min(100, round(self.count.capped * 100 / self.count.limit))


def quota_meters(season: Season, subjects, pending: dict[int, str] | None = None) -> list[QuotaMeter]:
    """One meter per quota group of the given member subjects, in one query.

    Counted: every subject of the group decided so far, plus, for the given subjects not yet
    decided, the level in `pending` (what the page is about to propose) or else their proposal.
    Other cells' proposals are not counted: only decisions are final."""
    pending = pending or {}
    members = [s for s in subjects if s.is_member and s.in_scope and s.quota_key]
    keys = sorted({s.quota_key for s in members})
    if not keys:
        return []
    quota = season.rule_set.quota
    groups, decided = decided_in_groups(season, keys)
    labels = {key: g.label for key, g in groups.items()}
    here: dict[str, list[str]] = defaultdict(list)
    for subject in members:
        if subject.state == S.DECIDED:
            continue  # already in the decided counts
        if subject.state != S.PROPOSED and subject.pk in pending:
            level = pending[subject.pk]
        else:
            level = subject.proposed_level if subject.state == S.PROPOSED else ""
        if level:
            here[subject.quota_key].append(level)
    meters = []
    for key in keys:
        levels = decided.get(key, []) + here[key]
        count = rules.quota_count(labels.get(key, key), levels, rules.group_quota(quota, groups.get(key)))
        from_here = sum(1 for level in here[key] if level == quota["capped_level"])
        meters.append(QuotaMeter(key=key, count=count, from_here=from_here))
    return meters


def pending_levels(data, subjects) -> dict[int, str]:
    """The proposed levels a page has chosen but not saved, from `<subject id>-level` fields."""
    found = {}
    for subject in subjects:
        value = data.get(f"{subject.pk}-level")
        if value is not None:
            found[subject.pk] = value if value in subject.season.rule_set.level_codes() else ""
    return found
