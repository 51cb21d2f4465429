"""A leader's quarter on Mẫu 05 of HD 43 (R366-FORM-05, R366-QTR-2): identity and posts; I. the
self-assessment of the period (planned tasks and products, results with evidence); II. the points
…/30 + …/70 = …/100 and the proposed level; the signature "CÁ NHÂN TỰ ĐÁNH GIÁ"; then the managing
body's comment, points and level, signed by that body (R366-FORM-SIGN: one body, named)."""

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

# Above this many leaders the signed table is not made in one piece: the Excel serves, or one table
# per subordinate committee.
TABLE_LIMIT = 3000
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
    """R366-QTR-5: a quarter not run has no table; a table too long for one signed PDF says to use
    the Excel or a subordinate committee's table."""
    if not Quarter.objects.filter(season=season, number=number).exists():
        raise DocumentUnavailable(
            f"Quý {number or '…'} năm {season.year} chưa được tổ chức đánh giá: không có bảng tổng hợp."
        )
    count = table_rows(season, unit, number).count()
    if count > TABLE_LIMIT:
        raise DocumentUnavailable(
            f"Bảng tổng hợp quý {number} của {issuer(unit)} có {count} người, quá dài cho một văn bản ký số "
            f"(tối đa {TABLE_LIMIT}): tải bảng Excel, hoặc tạo bảng cho từng đảng bộ trực thuộc."
        )


def quarter_table(season: Season, unit: SeasonUnit, subject, number: int = 0) -> Document:
    refuse_quarter_table(season, unit, number)
    rules = season.rule_set
    found = list(
        table_rows(season, unit, number)
        .order_by("path", "subject__sort_key", "pk")
        .values_list(
            "subject__name",
            "subject__unit__name",
            "self_points",
            "self_level",
            "decided_points",
            "decided_level",
            "state",
        )
    )
    rows = [
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
        for n, (name, cell, own, own_level, decided, level, state) in enumerate(found, 1)
    ]
    levels = [r["level"] for r in rows if r["level"]]
    title = f"Tổng hợp kết quả đánh giá, xếp loại chất lượng quý {ROMAN[number]} năm {season.year} – {issuer(unit)}"
    context = {
        "header": header(season, unit, local_day(None)),
        "quarter_roman": ROMAN[number],
        "year": season.year,
        "issuer": issuer(unit),
        "rows": chunks(rows, 30),
        "total": len(rows),
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
