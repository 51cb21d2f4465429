"""The demo under QĐ 366 / HD 43 (reviews/demo/ stages the seasons): the province's concrete
criteria, and forms filled the way a member would fill them for the level they aim at — part A,
the task list of the year (R366-SCORE-4) and the points per criterion (R366-SCORE-1) — so that the
points and the conditions give that level (reviews/regimes/qd366/)."""

import random
from decimal import Decimal

from reviews import workflow
from reviews.models import Subject
from reviews.rules import form_items
from reviews.scoring import criteria_items

# The province's criteria (R366-SET-2): the general group as a checklist, the task results as
# percentages of each item's maximum (2026 local practice, regulation-366.md).
_GENERAL = [
    ("g1", "Bản lĩnh chính trị, chấp hành chủ trương, đường lối của Đảng", 8),
    ("g2", "Phẩm chất đạo đức, lối sống; không vi phạm những điều đảng viên không được làm", 8),
    ("g3", "Ý thức tổ chức kỷ luật, trách nhiệm nêu gương, đoàn kết nội bộ", 8),
    ("g4", "Tự phê bình và phê bình; khắc phục hạn chế, khuyết điểm", 6),
]
_TASKS = {
    "member": [
        ("t1", "Kết quả thực hiện nhiệm vụ chuyên môn được giao", 40),
        ("t2", "Tiến độ, chất lượng sản phẩm công việc", 20),
        ("t3", "Nhiệm vụ đột xuất, nhiệm vụ do chi bộ phân công", 10),
    ],
    "leader": [
        ("t1", "Kết quả thực hiện chức trách, nhiệm vụ được giao", 30),
        ("t2", "Kết quả lãnh đạo, chỉ đạo lĩnh vực, cơ quan, đơn vị phụ trách", 30),
        ("t3", "Xếp loại của cơ quan, đơn vị và cán bộ thuộc quyền quản lý", 10),
    ],
    "collective": [
        ("t1", "Thực hiện chỉ tiêu, nhiệm vụ theo nghị quyết và kế hoạch năm", 40),
        ("t2", "Công tác xây dựng Đảng, xây dựng hệ thống chính trị", 20),
        ("t3", "Xếp loại chất lượng của tổ chức đảng và đảng viên trực thuộc", 10),
    ],
}


def _items(rows, method):
    return [{"key": key, "title": title, "max": points, "method": method} for key, title, points in rows]


def demo_criteria() -> dict:
    """Season.criteria for the demo province: every profile made concrete."""
    general = _items(_GENERAL, "checklist")
    by_kind = {kind: {"general": general, "tasks": _items(rows, "percent")} for kind, rows in _TASKS.items()}
    return {
        "profiles": {
            "TT": by_kind["collective"],
            "LD_TW": by_kind["leader"],
            "LD": by_kind["leader"],
            "KLD": by_kind["member"],
            "NHT": by_kind["member"],
        }
    }


# The aim of each level: the share of the task items achieved (percent), the checklist items met,
# and the tasks of the year as (on time, exceeded, late, not done).
_AIMS = {
    "HTXSNV": (92, 4, (6, 4, 0, 0)),
    "HTTNV": (78, 4, (8, 2, 0, 0)),
    "HTNV": (62, 3, (6, 1, 1, 0)),
    "KHTNV": (40, 2, (3, 0, 2, 5)),
}
_TASK_TEXTS = [
    "Hoàn thành kế hoạch công tác chuyên môn quý I",
    "Hoàn thành kế hoạch công tác chuyên môn quý II",
    "Hoàn thành kế hoạch công tác chuyên môn quý III",
    "Hoàn thành kế hoạch công tác chuyên môn quý IV",
    "Tham gia đề tài, sáng kiến cải tiến công việc",
    "Bồi dưỡng, hướng dẫn đồng nghiệp mới",
    "Thực hiện nhiệm vụ chi bộ phân công ở khu dân cư",
    "Tham gia phong trào thi đua của cơ quan",
    "Báo cáo chuyên đề theo kế hoạch",
    "Học tập, quán triệt nghị quyết",
]
_PRODUCTS = ["Báo cáo tổng kết", "Biên bản nghiệm thu", "Kế hoạch đã ban hành", "Sổ theo dõi", ""]


def task_rows(level: str, rng: random.Random) -> list[dict]:
    on_time, exceeded, late, not_done = _AIMS[level][2]
    statuses = ["exceeded"] * exceeded + ["on_time"] * on_time + ["late"] * late + ["not_done"] * not_done
    return [
        {"text": text, "status": status, "products": rng.choice(_PRODUCTS)}
        for text, status in zip(_TASK_TEXTS, statuses, strict=False)
    ]


def typed_points(subject: Subject, level: str, rng: random.Random) -> dict[str, str]:
    """What the member types in part B for `level`: checklist items met (full) or not (0), task
    items as a percentage near the level's aim."""
    share, met, _tasks = _AIMS[level]
    items = criteria_items(subject.season.rule_set.scoring, subject.season.criteria, subject.profile)
    typed, checked = {}, 0
    for item in items:
        if item.method == "checklist":
            typed[item.key] = str(item.max.normalize()) if checked < met else "0"
            checked += 1
        elif item.method == "percent":
            typed[item.key] = str(min(100, share + rng.randint(0, 4)))
        else:
            typed[item.key] = str((item.max * Decimal(share) / 100).quantize(Decimal("0.1")))
    return typed


def fill_366(
    subject: Subject, actor, level: str, texts: dict, rng: random.Random, *, complete: bool = True
) -> None:
    """Write a QĐ 366 form as its author would, aiming at `level`; a draft stops half-way."""
    template = subject.season.rule_set.template(subject.form_code)
    items = list(form_items(template))
    if not complete:  # a draft: the strengths and the shortcomings written, the rest to do
        items = [i for i in items if i["key"].split(".")[0] in ("I", "II")]
    for item in items:
        kind, key = item["type"], item["key"]
        if kind in ("text", "remediation"):
            workflow.save_answer(
                subject=subject, actor=actor, key=key, value={"text": texts.get(key, texts["I.2"])}
            )
        elif kind == "pledge":
            from members.models import Pledge

            pledge = Pledge.objects.filter(member_id=subject.member_id, year=subject.season.year).first()
            for pledge_item in pledge.items.all() if pledge else []:
                workflow.save_answer(
                    subject=subject,
                    actor=actor,
                    key=f"pledge:{pledge_item.pk}",
                    value={"fulfilment": "Đã thực hiện đầy đủ", "assessment": "done"},
                )
        elif kind == "tasks":
            value = {"tasks": task_rows(level, rng), "units_led": level == "HTXSNV"}
            workflow.save_answer(subject=subject, actor=actor, key=key, value=value)
        elif kind == "scores":
            workflow.save_answer(
                subject=subject, actor=actor, key=key, value={"points": typed_points(subject, level, rng)}
            )
        elif kind == "self_rating":
            if item.get("only_for") == "civil_servant" and not subject.is_civil_servant:
                continue
            workflow.save_answer(subject=subject, actor=actor, key=key, value={"level": level})


def decided_points(level: str, rng: random.Random) -> Decimal:
    """Points for a result imported from paper, within the band of its level."""
    low, high = {"HTXSNV": (90, 98), "HTTNV": (72, 89), "HTNV": (52, 69), "KHTNV": (30, 49)}[level]
    return Decimal(rng.randint(low * 10, high * 10)) / 10
