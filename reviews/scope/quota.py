"""The quota groups of a season: one per quota key, named for the documents."""

from reviews.models import QuotaGroup, Season, SeasonUnit, Subject


def _create_quota_groups(season: Season) -> None:
    keys = (
        Subject.objects.filter(season=season, out_of_scope="")
        .exclude(quota_key="")
        .values_list("quota_key", "decider_id")
        .distinct()
    )
    names = dict(SeasonUnit.objects.filter(season=season).values_list("id", "name"))
    QuotaGroup.objects.bulk_create(
        [
            QuotaGroup(
                season=season, key=key, decider_id=decider_id, label=_quota_label(key, names[decider_id])
            )
            for key, decider_id in keys
        ]
    )


_QUOTA_LABELS = {"lead": "đảng viên là cán bộ lãnh đạo, quản lý", "other": "đảng viên khác"}
# Season data (stored with the season), so in the language of the documents.
_KIND_NAMES = {
    "cell": "chi bộ",
    "base_cell": "chi bộ cơ sở",
    "partial_committee": "đảng bộ bộ phận",
    "base_committee": "đảng bộ cơ sở",
    "direct_committee": "đảng bộ trực thuộc",
    "provincial_committee": "đảng bộ tỉnh",
}


def _quota_label(key: str, decider_name: str) -> str:
    prefix, _decider, *rest = key.split(":")
    if prefix == "m":
        what = _QUOTA_LABELS.get(rest[0], "đảng viên") if rest else "đảng viên"
    elif prefix == "l":
        what = f"tập thể lãnh đạo của {_KIND_NAMES.get(rest[0], rest[0])}"
    else:
        what = _KIND_NAMES.get(rest[0], rest[0])
    return f"{decider_name}: {what}"
