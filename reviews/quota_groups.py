"""The quota groups a page shows and the decisions already counted in each (R-RATE-2), read in one
query: the groups' rows carry the counts of decided subjects at the two levels the quota weighs."""

from decimal import Decimal
from functools import lru_cache

from django.db.models import Count, IntegerField, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils.formats import localize
from django.utils.translation import gettext as _

from config.kept_reads import InIds, KeptRead, Keys
from reviews.models import QuotaGroup, Season, Subject


def _decided_at(season_id: int, level: str):
    decided = Subject.objects.filter(
        season_id=season_id, quota_key=OuterRef("key"), state=Subject.State.DECIDED, decided_level=level
    )
    count = decided.order_by().values("quota_key").annotate(n=Count("id")).values("n")[:1]
    return Coalesce(Subquery(count, output_field=IntegerField()), Value(0))


def _groups(season_id: int, keys: Keys, capped: str, base: str):
    return QuotaGroup.objects.filter(InIds("key", keys, planned_once=True), season_id=season_id).annotate(
        capped_n=_decided_at(season_id, capped), base_n=_decided_at(season_id, base)
    )


@lru_cache(maxsize=32)
def _groups_read(season_id: int, capped: str, base: str) -> KeptRead:
    return KeptRead(lambda keys: _groups(season_id, keys, capped, base), Keys)


def decided_in_groups(season: Season, keys: list[str]) -> tuple[dict[str, QuotaGroup], dict[str, list[str]]]:
    """key → its group, and key → the levels decided so far that the quota counts (the capped and
    the base level, once per subject). One query; a second only for keys without a group row (a
    subject whose scope changed after the opening)."""
    quota = season.rule_set.quota
    capped, base = quota["capped_level"], quota["base_level"]
    groups = {g.key: g for g in _groups_read(season.pk, capped, base).read(keys)}
    decided = {key: [capped] * g.capped_n + [base] * g.base_n for key, g in groups.items()}
    missing = [key for key in keys if key not in groups]
    if missing:
        for key, level, n in (
            Subject.objects.filter(
                season=season,
                quota_key__in=missing,
                state=Subject.State.DECIDED,
                decided_level__in=(capped, base),
            )
            .values_list("quota_key", "decided_level")
            .annotate(n=Count("id"))
            .order_by()
        ):
            decided.setdefault(key, []).extend([level] * n)
    return groups, decided


def group_name(key: str, label: str) -> str:
    """A members' group named without its deciding committee, which a cell's groups share (the
    key is `m:<committee>` or `m:<committee>:lead|other`, reviews/scope/members.py); any other
    group by its full label."""
    prefix, *rest = key.split(":")
    if prefix != "m":
        return label
    kind = rest[1] if len(rest) > 1 else ""
    if kind == "lead":
        return _("Leaders and managers")
    if kind == "other":
        return _("Other members")
    return _("Party members")


def has_no_place(count) -> bool:
    """The group's quota rounds to no place for the ratings counted so far, and none is taken:
    not "at the limit", for nothing was decided (a rules.QuotaCount)."""
    return count.limit == 0 and count.capped == 0


def no_place_sentence(count) -> str:
    """Why a group has no place at the capped level: its quota of the base level counted so far
    rounds to zero (20% × 2 HTTNV = 0.4, rounded to 0). It grows as more are rated at the base level."""
    if count.base == 0:
        return _("The quota is counted once members are rated %(base_level)s.") % {
            "base_level": count.base_level
        }
    exact = Decimal(count.base * count.percent) / 100
    return _(
        "This group has no %(capped_level)s place for now: %(percent)s%% × %(base)s %(base_level)s = "
        "%(exact)s, rounded to 0."
    ) % {
        "capped_level": count.capped_level,
        "percent": localize(count.percent),
        "base": localize(count.base),
        "base_level": count.base_level,
        "exact": localize(exact.normalize()),
    }
