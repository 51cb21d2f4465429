"""Points in the documents of a season rated with points (R366-SCORE-1): how they print, and the
points part of the statistical summary — the average decided points per level, the members by
band of points and level, the average per subordinate organization — beside the previous year
where that year has points too (a year rated under QĐ 124 compares by levels only)."""

from decimal import Decimal

from reports.documents.base import MEMBER, ORGANIZATION, num
from reviews import figures as statistics
from reviews.figures_children import ChildRow, average_points_by_child
from reviews.models import Season, SeasonUnit
from reviews.regimes import regime_of
from reviews.scoring import points_text


def points_text_or_blank(value: Decimal | None) -> str:
    """12.5 → "12,5"; nothing recorded → "" (a blank to write in)."""
    return "" if value is None else points_text(value)


def average_text(total: Decimal, n: int) -> str:
    return points_text((total / n).quantize(Decimal("0.1"))) if n else ""


def uses_points(season: Season | None) -> bool:
    return season is not None and regime_of(season.rule_set).uses_points


def _bin_label(lower: int, upper: int) -> str:
    if lower == 0:
        return f"Dưới {upper} điểm"
    if upper == 100:
        return f"Từ {lower} đến 100 điểm"
    return f"Từ {lower} đến dưới {upper} điểm"


def summary_points(
    season: Season,
    unit: SeasonUnit,
    children: list[ChildRow],
    earlier_season: Season | None,
    earlier_unit: SeasonUnit | None,
    *,
    rows: list[statistics.Row] | None = None,
    earlier_rows: list[statistics.Row] | None = None,
) -> dict:
    """The points section of the summary. Five queries at most, whatever the size of the subtree;
    three given the kept rows of the unit and of its copy last season."""
    rules = season.rule_set
    codes = rules.level_codes()
    compare = uses_points(earlier_season) and earlier_unit is not None
    now = statistics.points_by_level(season, unit, rows)
    before = statistics.points_by_level(earlier_season, earlier_unit, earlier_rows) if compare else None

    def cells(found: dict[str, tuple[Decimal, int]], codes_in_row: list[str]) -> tuple[str, str]:
        total = sum((found.get(c, (Decimal(0), 0))[0] for c in codes_in_row), Decimal(0))
        n = sum(found.get(c, (Decimal(0), 0))[1] for c in codes_in_row)
        return num(n), average_text(total, n)

    def row(label: str, codes_in_row: list[str], strong: bool = False) -> dict:
        return {
            "label": label,
            "strong": strong,
            "members": cells(now[MEMBER], codes_in_row),
            "organizations": cells(now[ORGANIZATION], codes_in_row),
            "members_before": cells(before[MEMBER], codes_in_row)[1] if before else "",
            "organizations_before": cells(before[ORGANIZATION], codes_in_row)[1] if before else "",
        }

    by_level = [row(f"{rules.level_label(c)} ({c})", [c]) for c in codes]
    by_level.append(row("Chung", codes, strong=True))

    histogram = statistics.points_histogram(season, unit, rows)
    bands = []
    for lower, upper in statistics.POINT_BINS:
        counts = [histogram.get((lower, c), 0) for c in codes]
        bands.append(
            {"label": _bin_label(lower, upper), "counts": [num(n) for n in counts], "total": num(sum(counts))}
        )
    column_totals = [
        sum(histogram.get((lower, c), 0) for lower, _upper in statistics.POINT_BINS) for c in codes
    ]
    bands.append(
        {
            "label": "Cộng",
            "counts": [num(n) for n in column_totals],
            "total": num(sum(column_totals)),
            "strong": True,
        }
    )
    return {
        "compare": compare,
        "previous_without_points": earlier_unit is not None and not compare,
        "by_level": by_level,
        "codes": codes,
        "bands": bands,
        "children": _children(children, earlier_season if compare else None, earlier_unit),
    }


def _children(
    children: list[ChildRow],
    earlier_season: Season | None,
    earlier_unit: SeasonUnit | None,
) -> list[dict]:
    """Per directly subordinate organization: its members' average decided points (beside last
    year's where both years have points) and its own decided points (read with the children:
    figures_children.by_child(own_points=True))."""
    if not children:
        return []
    before = average_points_by_child(earlier_season, earlier_unit) if earlier_season else {}
    return [
        {
            "number": n,
            "name": row.unit.name,
            "scored": num(row.points_n),
            "average": points_text_or_blank(row.average_points),
            "before": points_text_or_blank(before.get(row.unit.organization_id)),
            "own": points_text_or_blank(row.own_points),
        }
        for n, row in enumerate(children, 1)
    ]
