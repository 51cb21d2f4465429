"""The statistical summary of an organization (R-STAT-1, R-STAT-3) beside the previous year, and
for the top organization its appendices, one per base organization, rendered in chunks. In a
points season it has a points section (reports/documents/points.py)."""

from collections import defaultdict
from decimal import Decimal

from django.db.models import Count, Sum
from django.utils import timezone

from organizations.models import BASE_KINDS
from reports.documents.base import (
    MEMBER,
    ORGANIZATION,
    OUT_OF_SCOPE,
    Document,
    Verification,
    apply_number,
    chunks,
    committee_signature,
    filename,
    header,
    issuer,
    legal_basis,
    legend,
    num,
    number_suffix,
    pct,
    reporting_recipients,
    signing_block,
)
from reports.documents.points import average_text, points_text_or_blank, summary_points, uses_points
from reviews import figures as statistics
from reviews.figures_children import by_child
from reviews.models import Season, SeasonUnit, Subject


def _level_table(
    rules, current: statistics.LevelCounts, previous: statistics.LevelCounts | None
) -> list[dict]:
    """R-STAT-1 rows: each level (count and share of those rated), the rated total, those not yet
    rated, those not rated by reason, the total; this season beside the previous one."""
    reasons = list(current.out_of_scope)
    reasons += [r for r in (previous.out_of_scope if previous else {}) if r not in reasons]
    lines = [(f"{rules.level_label(code)} ({code})", ("level", code), False) for code in rules.level_codes()]
    lines += [
        ("Cộng số được xếp loại", ("rated", ""), True),
        ("Chưa kiểm điểm (vắng mặt có lý do)", ("absent", ""), False),
        ("Chưa có quyết định xếp loại", ("pending", ""), False),
    ]
    lines += [(f"Không xếp loại: {OUT_OF_SCOPE.get(r, r).lower()}", ("out", r), False) for r in reasons]
    lines.append(("Tổng số", ("total", ""), True))

    def cell(counts: statistics.LevelCounts | None, what: str, key: str):
        if counts is None:
            return None
        if what == "level":
            return num(counts.levels.get(key, 0)), pct(counts.percent(key))
        if what == "rated":
            return num(counts.rated), "100" if counts.rated else ""
        if what == "out":
            return num(counts.out_of_scope.get(key, 0)), ""
        return num(getattr(counts, what)), ""

    return [
        {"label": label, "strong": strong, "now": cell(current, *key), "before": cell(previous, *key)}
        for label, key, strong in lines
    ]


def _by_level_cells(rules, counts: statistics.LevelCounts) -> dict:
    return {
        "levels": [(num(counts.levels.get(c, 0)), pct(counts.percent(c))) for c in rules.level_codes()],
        "not_yet": num(counts.absent + counts.pending),
        "excluded": num(sum(counts.out_of_scope.values())),
        "total": num(counts.total),
    }


def _is_top(season: Season, unit: SeasonUnit) -> bool:
    return unit.organization_id == season.top_organization_id


def summary(season: Season, unit: SeasonUnit, subject) -> Document:
    rules = season.rule_set
    # The kept figures of the unit, and of its copy last season, are read once for every table.
    rows = statistics.kept_rows(season, unit)
    earlier_unit = statistics.previous_unit(season, unit, with_rows=True)
    earlier_season = earlier_unit.season if earlier_unit else None
    earlier_rows = earlier_unit.kept if earlier_unit else []
    counts = statistics.level_counts(season, unit, rows)
    # R-STAT-1: beside the previous season's counts (frozen when it closed), where it kept any.
    previous = statistics.level_counts(earlier_season, earlier_unit, earlier_rows) if earlier_rows else None
    children = by_child(season, unit, own_points=True)
    if earlier_unit:
        follow, follow_before = statistics.follow_ups(
            [(season, unit, rows), (earlier_season, earlier_unit, earlier_rows)]
        )
    else:
        follow, follow_before = statistics.follow_up(season, unit, rows), None
    child_rows = [
        {
            "number": n,
            "name": row.unit.name,
            "organizations": _by_level_cells(rules, row.organizations),
            "members": _by_level_cells(rules, row.members),
        }
        for n, row in enumerate(children, 1)
    ]
    appendices = (
        SeasonUnit.objects.filter(season=season, path__startswith=unit.path, kind__in=BASE_KINDS).count()
        if _is_top(season, unit)
        else 0
    )
    number_text = f"-BC/{number_suffix(unit)}"

    def follow_row(label, done_key, of_key=None):
        def text(f):
            if f is None:
                return "–"
            return f"{num(f[done_key])}/{num(f[of_key])}" if of_key else num(f[done_key])

        return {"label": label, "now": text(follow), "before": text(follow_before)}

    with_points = uses_points(season)
    numerals = iter(("III", "IV", "V", "VI"))
    parts = {
        "points": next(numerals) if with_points else "",
        "children": next(numerals) if child_rows else "",
        "follow": next(numerals),
    }
    title = f"Báo cáo tổng hợp kết quả xếp loại chất lượng năm {season.year} – {issuer(unit)}"
    context = {
        "header": header(season, unit, timezone.localdate(), number=number_text),
        "number_text": number_text,
        "year": season.year,
        "previous_year": season.year - 1,
        "has_previous": previous is not None,
        "unit_name": unit.name,
        "issuer": issuer(unit),
        "legal_basis": legal_basis(season),
        "levels": rules.levels,
        "organizations": _level_table(
            rules, counts[ORGANIZATION], previous[ORGANIZATION] if previous else None
        ),
        "members": _level_table(rules, counts[MEMBER], previous[MEMBER] if previous else None),
        "child_tables": chunks(child_rows, 25),
        "parts": parts,
        "follow_up": [
            follow_row(
                "Tập thể đã có kế hoạch khắc phục hạn chế, khuyết điểm", "collective_plans", "collectives"
            ),
            follow_row("Cấp ủy viên đã có kế hoạch khắc phục", "committee_plans", "committee_members"),
            follow_row("Đảng viên bị kỷ luật trong năm", "disciplined_members"),
            follow_row("Tổ chức đảng bị kỷ luật trong năm", "disciplined_organizations"),
            follow_row("Đảng viên không hoàn thành nhiệm vụ 2 năm liên tiếp", "second_khtnv"),
        ],
        "appendix_count": appendices,
        "levels_legend": legend(rules),
        "signature": signing_block(season, unit) if with_points else committee_signature(season, unit),
        "recipients": reporting_recipients(unit),
    }
    if with_points:
        context["points"] = summary_points(
            season, unit, children, earlier_season, earlier_unit, rows=rows, earlier_rows=earlier_rows
        )
    return Document(
        "reports/summary.html",
        context,
        title,
        filename("bao-cao-tong-hop-xep-loai", season.year, issuer(unit)),
    )


def summary_parts(season: Season, unit: SeasonUnit, chunk_size: int) -> list[list[int]]:
    """The base organizations of the appendices, in tree order, split for parallel rendering;
    [] when `unit` is not the season's top organization."""
    if not _is_top(season, unit):
        return []
    ids = list(
        SeasonUnit.objects.filter(season=season, path__startswith=unit.path, kind__in=BASE_KINDS)
        .order_by("path")
        .values_list("pk", flat=True)
    )
    return chunks(ids, max(1, chunk_size))


def build_summary_part(
    *,
    season: Season,
    unit: SeasonUnit,
    base_unit_ids: list[int],
    first_number: int,
    verification: Verification,
    number: str = "",
) -> Document:
    """The appendices for these base organizations, numbered from `first_number`.

    Three queries whatever the number of base organizations: their units, their subjects' counts
    grouped by base organization, and their own ratings."""
    rules = season.rule_set
    with_points = uses_points(season)
    units = {
        u.pk: u
        for u in SeasonUnit.objects.filter(season=season, pk__in=base_unit_ids).select_related("parent")
    }
    grouped: dict[int, dict[str, statistics.LevelCounts]] = defaultdict(
        lambda: {MEMBER: statistics.LevelCounts(), ORGANIZATION: statistics.LevelCounts()}
    )
    member_points: dict[int, tuple[Decimal, int]] = defaultdict(lambda: (Decimal(0), 0))
    rows = (
        Subject.objects.filter(
            season=season, unit__base_unit_id__in=base_unit_ids, kind__in=[MEMBER, ORGANIZATION]
        )
        .exclude(kind=ORGANIZATION, unit_id__in=base_unit_ids)
        .values_list("unit__base_unit_id", "kind", "decided_level", "out_of_scope", "state")
        .annotate(n=Count("id"), points=Sum("decided_points"), scored=Count("decided_points"))
    )
    for base_id, kind, level, out, state, n, points, scored in rows:
        grouped[base_id][kind].add(level, out, state, n)
        if kind == MEMBER and scored:
            total, count = member_points[base_id]
            member_points[base_id] = (total + (points or 0), count + scored)
    own = {
        s["unit_id"]: s
        for s in Subject.objects.filter(season=season, unit_id__in=base_unit_ids, kind=ORGANIZATION).values(
            "unit_id", "decided_level", "out_of_scope", "state", "decided_points"
        )
    }
    appendices = []
    for offset, base_id in enumerate(i for i in base_unit_ids if i in units):
        base = units[base_id]
        figures = grouped[base_id]
        mine = own.get(base_id, {})
        if mine.get("out_of_scope"):
            own_level = OUT_OF_SCOPE.get(mine["out_of_scope"], mine["out_of_scope"])
        elif mine.get("decided_level"):
            own_level = f"{rules.level_label(mine['decided_level'])} ({mine['decided_level']})"
        else:
            own_level = "Chưa có quyết định xếp loại"
        table = [("Đảng viên", _by_level_cells(rules, figures[MEMBER]))]
        if figures[ORGANIZATION].total:
            table.insert(0, ("Tổ chức đảng trực thuộc", _by_level_cells(rules, figures[ORGANIZATION])))
        appendix = {
            "number": first_number + offset,
            "name": base.name,
            "parent": base.parent.name if base.parent else "",
            "own_level": own_level,
            "rows": table,
        }
        if with_points:
            total, count = member_points[base_id]
            appendix["points"] = {
                "own": points_text_or_blank(mine.get("decided_points")),
                "average": average_text(total, count),
                "scored": num(count),
            }
        appendices.append(appendix)
    last = first_number + max(len(appendices) - 1, 0)
    span = f"{first_number}" if last == first_number else f"{first_number}–{last}"
    number_text = f"-BC/{number_suffix(unit)}"
    title = (
        f"Phụ lục {span} – Báo cáo tổng hợp kết quả xếp loại chất lượng năm {season.year} – {issuer(unit)}"
    )
    context = {
        "title": title,
        "verification": verification,
        "year": season.year,
        "issuer": issuer(unit),
        "number_text": number_text,
        "levels": rules.levels,
        "appendices": appendices,
        "levels_legend": legend(rules),
    }
    apply_number(context, number)
    return Document(
        "reports/summary_part.html",
        context,
        title,
        filename("phu-luc", season.year, issuer(unit), f"{first_number:05d}", f"{last:05d}"),
    )
