"""Part B of the forms of a points season (Mẫu 01, 2A, 2B, 2C of HD 43; R366-SCORE-1, -4): the
task list with how each task ended and its products, and the points per criterion at the three
steps — self-scored, appraised, decided — with the totals …/30, …/70 and …/100 and the level
of each step. A step not yet taken prints blank, to be written in by hand."""

from decimal import Decimal

from reports.documents.base import short_basis
from reviews.models import Subject
from reviews.scoring import (
    TASK_STATUSES,
    Item,
    Tasks,
    clean_points,
    criteria_items,
    parse_number,
    points_text,
)

# How a task ended, as the printed form says it (R366-SCORE-4).
TASK_STATUS = {
    "on_time": "Hoàn thành đúng tiến độ",
    "exceeded": "Hoàn thành vượt mức",
    "late": "Hoàn thành chậm tiến độ",
    "not_done": "Không hoàn thành",
}
STEPS = ("self", "proposed", "decided")
NUMERALS = ("I", "II", "III", "IV", "V")
LEADER_PROFILES = ("LD", "LD_TW")

# The headings HD 43's forms give their two parts.
PART_TITLES = {"A": "A. NỘI DUNG KIỂM ĐIỂM", "B": "B. TỰ ĐÁNH GIÁ, XẾP LOẠI CHẤT LƯỢNG"}


def section_heading(section: dict) -> dict:
    """The number a section prints with under its part ("B.II" → "II"), and the part's title
    before its first section. Empty for templates without parts (QĐ 124)."""
    part = section.get("part")
    if not part:
        return {}
    prefix = f"{part}."
    key = section["key"]
    return {"heading": key[len(prefix) :] if key.startswith(prefix) else key, "part": part}


def mark_part_titles(sections: list[dict]) -> None:
    seen = set()
    for section in sections:
        part = section.get("part")
        if part and part not in seen:
            seen.add(part)
            section["part_title"] = PART_TITLES.get(part, part)


def task_list(subject: Subject, answer: dict) -> dict:
    """The tasks of the year as the author listed them, with their figures."""
    rows = [
        {
            "text": str(row.get("text", "")).strip(),
            "products": str(row.get("products", "")).strip(),
            "status": TASK_STATUS.get(row.get("status"), ""),
        }
        for row in (answer.get("tasks") or [])
        if str(row.get("text", "")).strip()
    ]
    figures = Tasks.from_rows(answer.get("tasks") or [])
    counts = figures.as_dict()
    summary = [
        {"label": TASK_STATUS[status], "count": counts[status], "percent": _percent(figures, counts[status])}
        for status in TASK_STATUSES
    ]
    leader = subject.profile in LEADER_PROFILES
    conditions = (subject.season.rule_set.scoring or {}).get("conditions") or {}
    led = answer.get("units_led")  # None: not answered, no box ticked
    return {
        "rows": rows,
        "total": figures.total,
        "summary": summary,
        "leader": leader,
        "units_led_label": (
            "Lĩnh vực, cơ quan, đơn vị được giao phụ trách hoàn thành 100% chỉ tiêu, nhiệm vụ, trong đó "
            f"ít nhất {conditions.get('excellent_exceeded_percent', 30)}% vượt mức:"
        ),
        "units_led": [{"label": "Có", "chosen": led is True}, {"label": "Không", "chosen": led is False}],
    }


def _percent(figures: Tasks, count: int) -> str:
    return points_text(figures.percent(count).quantize(Decimal(1))) if figures.total else ""


def step_points(subject: Subject, answers: dict, items: list[Item], scoring: dict) -> dict[str, dict]:
    """Item key → points, per step. Before submission the self-scored points are those typed in
    the form (a percentage item typed as a percentage counts as that share of its maximum)."""
    scores = subject.scores or {}
    found = {step: dict(scores.get(step) or {}) for step in STEPS}
    if not found["self"]:
        typed = (answers.get("B.II") or {}).get("points") or {}
        for item in items:
            value, error = clean_points(typed.get(item.key, ""), item, scoring)
            if not error:
                found["self"][item.key] = str(value)
    return found


def _text(value: Decimal | None) -> str:
    return "" if value is None else points_text(value)


def _sum(items: list[Item], points: dict) -> Decimal | None:
    """The sum of the items' points, or None unless every item has them."""
    values = [parse_number(points.get(item.key, "")) for item in items]
    if not items or any(v is None for v in values):
        return None
    return sum(values, Decimal(0))


def points_table(subject: Subject, template: dict, answers: dict) -> dict:
    """The rows of the points table: each group with its items and its subtotal …/30, …/70, then
    "Tổng điểm …/100" and the level of each step."""
    rules = subject.season.rule_set
    scoring = rules.scoring or {}
    items = criteria_items(scoring, subject.season.criteria, subject.profile)
    points = step_points(subject, answers, items, scoring)
    groups, number = [], 0
    for numeral, group in zip(NUMERALS, scoring.get("groups", []), strict=False):
        mine = [item for item in items if item.group == group["key"]]
        rows = []
        for item in mine:
            number += 1
            rows.append(
                {
                    "number": number,
                    "title": item.title,
                    "max": points_text(item.max),
                    "percent": item.method == "percent",
                    "points": [_text(parse_number(points[step].get(item.key, ""))) for step in STEPS],
                }
            )
        groups.append(
            {
                "numeral": numeral,
                "label": group["label"],
                "max": points_text(Decimal(group["max"])),
                "rows": rows,
                "whole": len(mine) == 1 and mine[0].key == group["key"],
                "totals": [_text(_sum(mine, points[step])) for step in STEPS],
            }
        )
    maximum = sum((Decimal(g["max"]) for g in scoring.get("groups", [])), Decimal(0))
    levels = (
        subject.self_level or _typed_level(template, answers),
        subject.proposed_level,
        subject.decided_level,
    )
    profile = (scoring.get("profiles") or {}).get(subject.profile) or {}
    return {
        "groups": groups,
        "max": points_text(maximum),
        "totals": [
            _text(_sum(items, points[step]) or recorded)
            for step, recorded in zip(STEPS, _recorded(subject), strict=True)
        ],
        "levels": list(levels),
        "level_labels": [rules.level_label(code) if code else "" for code in levels],
        "note": f"Tiêu chí theo {profile['appendix']} {short_basis(subject.season)}."
        if profile.get("appendix")
        else "",
        "cases": _cases(subject, profile),
    }


def _recorded(subject: Subject) -> tuple:
    """The totals kept on the subject at each step: what an imported result has without the
    points of each item."""
    return (subject.self_points, subject.proposed_points, subject.decided_points)


def _typed_level(template: dict, answers: dict) -> str:
    """The level the author chose in a form not yet submitted."""
    for section in template["sections"]:
        for item in section["items"]:
            if item["type"] == "self_rating" and item.get("scope") == "party":
                return (answers.get(item["key"]) or {}).get("level", "")
    return ""


def _cases(subject: Subject, profile: dict) -> list[dict]:
    """KHTNV cases the appraisal found, with their evidence, and how the decision weighed them."""
    labels = {case["code"]: case["label"] for case in profile.get("cases", [])}
    scores = subject.scores or {}
    waived = scores.get("waived") or {}
    return [
        {"label": labels.get(code, code), "evidence": evidence, "waived": waived.get(code, "")}
        for code, evidence in (scores.get("cases") or {}).items()
    ]


def totals_line(subject: Subject) -> dict:
    """The points of the three steps as "87/100", for the signature blocks."""
    return {
        "self": _text(subject.self_points),
        "proposed": _text(subject.proposed_points),
        "decided": _text(subject.decided_points),
    }
