"""A leader's quarter on Mẫu 05 of HD 43 (R366-FORM-05, R366-QTR-2): identity and posts; I. the
self-assessment of the period (planned tasks and products, results with evidence); II. the points
…/30 + …/70 = …/100 and the proposed level; the signature "CÁ NHÂN TỰ ĐÁNH GIÁ"; then the managing
body's comment, points and level, signed by that body (R366-FORM-SIGN: one body, named)."""

from django.db.models import Count

from reports.documents.base import (
    Document,
    DocumentUnavailable,
    chunks,
    count_levels,
    dmy,
    document_form,
    filename,
    header,
    issuer,
    legend,
    level_label,
    local_day,
    nfc,
    on_behalf_of,
    recipients,
    signing_block,
)
from reports.documents.forms import identity, load_subject
from reports.documents.points import points_text_or_blank
from reviews.models import Quarter, QuarterlyEvaluation, Season, SeasonUnit

E = QuarterlyEvaluation.State
ROMAN = {1: "I", 2: "II", 3: "III"}


def evaluation_of(season: Season, subject, number: int) -> QuarterlyEvaluation | None:
    """The person's evaluation of quarter `number` of the season (R366-QTR-3: Q1–Q3 only), or None
    when that quarter was not run, or not for them (R366-QTR-5: "not evaluated")."""
    if number not in ROMAN:
        return None
    return (
        QuarterlyEvaluation.objects.select_related("quarter", "decider", "decided_by")
        .filter(quarter__season=season, quarter__number=number, subject_id=getattr(subject, "pk", subject))
        .first()
    )


def refuse_missing_quarter(season: Season, subject, number: int) -> QuarterlyEvaluation:
    found = evaluation_of(season, subject, number)
    if found is None:
        name = getattr(subject, "name", "")
        raise DocumentUnavailable(
            f"Quý {number or '…'} năm {season.year} chưa được đánh giá đối với {name or 'người này'}: "
            "không có bản tự đánh giá, xếp loại quý để in."
        )
    return found


def quarter(season: Season, unit: SeasonUnit, subject, number: int = 0) -> Document:
    if subject is None:
        raise DocumentUnavailable("Bản tự đánh giá, xếp loại quý cần chọn một người được đánh giá.")
    subject = load_subject(season, unit, subject)
    evaluation = refuse_missing_quarter(season, subject, number)
    rules = season.rule_set
    member = subject.member
    period = evaluation.quarter
    decided = evaluation.state == E.DECIDED
    body = evaluation.decider or subject.decider
    day = local_day(evaluation.decided_at or evaluation.submitted_at)
    title = f"Bản tự đánh giá, xếp loại chất lượng quý {ROMAN[number]} năm {season.year} – {member.full_name}"
    context = {
        "header": header(season, subject.unit, day, form_number=document_form(season, "quarter")),
        "quarter_roman": ROMAN[number],
        "year": season.year,
        "period": f"Từ ngày {dmy(period.starts_on)} đến ngày {dmy(period.ends_on)}",
        "identity": identity(member, subject.unit),
        "planned_tasks": evaluation.planned_tasks.strip(),
        "evidence": evaluation.evidence.strip(),
        "points": _points_rows(rules, evaluation, decided),
        "self_level": _level(rules, evaluation.self_level),
        "decided_level": _level(rules, evaluation.decided_level) if decided else "",
        "comment": evaluation.comment.strip() if decided else "",
        "decided": decided,
        "body": nfc(issuer(body)) if body else "cấp có thẩm quyền",
        "author": {"label": "CÁ NHÂN TỰ ĐÁNH GIÁ", "name": member.full_name},
        "decider": _decider_signature(season, body),
        "submitted_on": dmy(local_day(evaluation.submitted_at)) if evaluation.submitted_at else "",
        "decided_on": dmy(local_day(evaluation.decided_at)) if decided else "",
    }
    return Document(
        "reports/quarter.html",
        context,
        title,
        filename("tu-danh-gia-quy", number, season.year, member.full_name),
    )


def _level(rules, code: str) -> dict:
    return {"code": code, "label": level_label(rules, code)} if code else {}


def _points_rows(rules, evaluation: QuarterlyEvaluation, decided: bool) -> list[dict]:
    """R366-SCORE-1 on Mẫu 05: each group with its maximum, the self-assessed points and the
    managing body's, then the total out of 100; a step not yet taken prints blank."""
    groups = {g["key"]: g for g in rules.scoring["groups"]}
    rows = []
    for key in ("general", "tasks"):
        group = groups[key]
        rows.append(
            {
                "label": group["label"],
                "max": group["max"],
                "own": points_text_or_blank(getattr(evaluation, f"self_{key}")),
                "decided": points_text_or_blank(getattr(evaluation, f"decided_{key}")) if decided else "",
            }
        )
    rows.append(
        {
            "label": "Tổng điểm",
            "max": 100,
            "own": points_text_or_blank(evaluation.self_points),
            "decided": points_text_or_blank(evaluation.decided_points) if decided else "",
            "total": True,
        }
    )
    return rows


def _decider_signature(season: Season, body: SeasonUnit | None) -> dict:
    """The managing body signs as itself (the deciding level of the year's rating: R366-QTR-2),
    with its secretary's name; the name of whoever recorded the decision is not a signature."""
    if body is None:
        return {"label": "CẤP CÓ THẨM QUYỀN ĐÁNH GIÁ", "role": "", "name": ""}
    block = signing_block(season, body)
    block["body"] = on_behalf_of(body)
    return block


# -- the quarter's summary table (R366-QTR-2, beside the Excel of reports/quarter_excel.py) ------------

# Up to this many leaders the signed table is rendered in one piece; above, the main document (the
# heading, the counts, the signature) is followed by appendix parts of TABLE_PART_ROWS rows each,
# rendered in parallel by the workers and merged before the one signature (reports/services/parts.py),
# so that a province's 60,000 leaders fit the worker's time and memory.
TABLE_LIMIT = 3000
TABLE_PART_ROWS = 1000
STATE_NAMES = {
    E.DRAFT: "Chưa tự đánh giá",
    E.RETURNED: "Trả lại để hoàn thiện",
    E.SUBMITTED: "Chờ cấp quản lý đánh giá",
    E.DECIDED: "Đã đánh giá",
}


def table_rows(season: Season, unit: SeasonUnit, number: int):
    return QuarterlyEvaluation.objects.filter(
        quarter__season=season, quarter__number=number, path__startswith=unit.path
    )


def refuse_quarter_table(season: Season, unit: SeasonUnit, number: int) -> None:
    """R366-QTR-5: a quarter not run has no table."""
    if not Quarter.objects.filter(season=season, number=number).exists():
        raise DocumentUnavailable(
            f"Quý {number or '…'} năm {season.year} chưa được tổ chức đánh giá: không có bảng tổng hợp."
        )


def table_part_ids(season: Season, unit: SeasonUnit, number: int) -> list[list[int]]:
    """The evaluations of a table too long for one piece, in the table's order, in parts of
    TABLE_PART_ROWS; [] when the table is rendered in one piece. One query."""
    ids = list(
        table_rows(season, unit, number)
        .order_by("path", "subject__sort_key", "pk")
        .values_list("pk", flat=True)
    )
    if len(ids) <= TABLE_LIMIT:
        return []
    return [ids[i : i + TABLE_PART_ROWS] for i in range(0, len(ids), TABLE_PART_ROWS)]


def _table_rows(queryset, first: int = 1) -> list[dict]:
    found = queryset.order_by("path", "subject__sort_key", "pk").values_list(
        "subject__name",
        "subject__unit__name",
        "self_points",
        "self_level",
        "decided_points",
        "decided_level",
        "state",
    )
    return [
        {
            "number": n,
            "name": name,
            "cell": cell,
            "own": points_text_or_blank(own),
            "own_level": own_level,
            "decided": points_text_or_blank(decided) if state == E.DECIDED else "",
            "level": level if state == E.DECIDED else "",
            "state": STATE_NAMES.get(state, state),
        }
        for n, (name, cell, own, own_level, decided, level, state) in enumerate(found, first)
    ]


def quarter_table_part(
    season: Season, unit: SeasonUnit, number: int, evaluation_ids: list[int], first: int, verification
) -> Document:
    """Rows `first`… of a long quarter table (the evaluations `evaluation_ids`), as an appendix of
    the main document. One query."""
    rows = _table_rows(QuarterlyEvaluation.objects.filter(pk__in=evaluation_ids), first)
    title = f"Phụ lục – Bảng tổng hợp quý {ROMAN[number]} năm {season.year} – {issuer(unit)}"
    context = {
        "title": title,
        "verification": verification,
        "quarter_roman": ROMAN[number],
        "year": season.year,
        "issuer": issuer(unit),
        "first": first,
        "last": first + len(rows) - 1,
        "rows": chunks(rows, 30),
    }
    return Document("reports/quarter_table_part.html", context, title, "")


def quarter_table(season: Season, unit: SeasonUnit, subject, number: int = 0) -> Document:
    refuse_quarter_table(season, unit, number)
    rules = season.rule_set
    rows_query = table_rows(season, unit, number)
    total = rows_query.count()
    # Above TABLE_LIMIT, the rows are the appendix parts (reports/services/parts.py); counted here in SQL.
    rows = _table_rows(rows_query) if total <= TABLE_LIMIT else []
    if rows or not total:
        levels = [r["level"] for r in rows if r["level"]]
    else:  # one GROUP BY: the levels of the decided rows, not the rows
        counted = rows_query.filter(state=E.DECIDED).values_list("decided_level").annotate(n=Count("id"))
        levels = [level for level, n in counted.order_by() for _i in range(n)]
    title = f"Tổng hợp kết quả đánh giá, xếp loại chất lượng quý {ROMAN[number]} năm {season.year} – {issuer(unit)}"
    context = {
        "header": header(season, unit, local_day(None)),
        "quarter_roman": ROMAN[number],
        "year": season.year,
        "issuer": issuer(unit),
        "rows": chunks(rows, 30),
        "total": total,
        "in_appendix": bool(total) and not rows,
        "decided_count": len(levels),
        "counts": count_levels(rules, levels),
        "levels_legend": legend(rules),
        "signature": signing_block(season, unit),
        "recipients": recipients(unit),
    }
    return Document(
        "reports/quarter_table.html",
        context,
        title,
        filename("tong-hop-quy", number, season.year, issuer(unit)),
    )
