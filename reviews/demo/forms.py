"""How the demo's authors fill in their forms: canned answers, pledges, the level each member asks
for, and the form written to match it (a QĐ 366 form through reviews/demo_points.py)."""

import random

from members.models import Member, Pledge, PledgeItem
from members.services import acknowledge_pledge, save_pledge, submit_pledge
from reviews import workflow
from reviews.demo_points import fill_366
from reviews.facts import Facts
from reviews.models import Subject
from reviews.regimes import regime_of
from reviews.regimes.qd366.standing import found_cases
from reviews.rules import form_items, level_problems
from reviews.scoring import Tasks

# Canned answers: what members write, by item kind (data, so Vietnamese).
TEXTS = {
    "I.1": "Luôn giữ vững lập trường chính trị, chấp hành nghiêm chủ trương của Đảng, chính sách, pháp luật "
    "của Nhà nước; lối sống giản dị, đoàn kết với đồng nghiệp.",
    "I.2": "Hoàn thành các nhiệm vụ được giao đúng tiến độ, bảo đảm chất lượng.",
    "I.3": "Chỉ đạo hoàn thành các chỉ tiêu của đơn vị; phát huy dân chủ trong cơ quan.",
    "I.4": "Chủ động đề xuất cách làm mới, không né tránh việc khó.",
    "I.5": "Gương mẫu, gia đình chấp hành tốt quy định nơi cư trú.",
    "II.1": "Có lúc chưa chủ động nghiên cứu, cập nhật văn bản mới.",
    "II.2": "Khối lượng công việc lớn, thời gian tự học còn ít.",
    "III": "Đã khắc phục phần lớn hạn chế được chỉ ra năm trước.",
    "V": "Có một phần trách nhiệm trong hạn chế chung của tập thể.",
    "VI": "Dành thời gian tự học; chủ động hơn trong công việc.",
}
GRADES_FOR = {
    "HTXSNV": ("tot", "xuat_sac"),
    "HTTNV": ("tot", "tot"),
    "HTNV": ("trung_binh", "trung_binh"),
    "KHTNV": ("kem", "trung_binh"),
}
PLEDGE_ITEMS = [
    (PledgeItem.Category.POLITICS, "Học tập, quán triệt đầy đủ các nghị quyết của Đảng", "100% chuyên đề"),
    (
        PledgeItem.Category.ETHICS,
        "Giữ gìn đạo đức, lối sống; không vi phạm những điều đảng viên không được làm",
        "",
    ),
    (
        PledgeItem.Category.PROFESSIONAL,
        "Hoàn thành xuất sắc nhiệm vụ chuyên môn được giao",
        "Đạt 100% chỉ tiêu",
    ),
    (PledgeItem.Category.PARTY, "Sinh hoạt chi bộ đầy đủ, đóng đảng phí đúng hạn", "12/12 kỳ sinh hoạt"),
    (PledgeItem.Category.RESIDENCE, "Gương mẫu thực hiện nghĩa vụ nơi cư trú", ""),
]


def _pledge(member: Member, year: int, *, state: str, secretary) -> Pledge:
    pledge = save_pledge(
        member=member,
        year=year,
        items=[{"category": c, "text": text, "target": target} for c, text, target in PLEDGE_ITEMS],
    )
    if state in (Pledge.State.SUBMITTED, Pledge.State.ACKNOWLEDGED):
        submit_pledge(pledge=pledge)
    if state == Pledge.State.ACKNOWLEDGED:
        acknowledge_pledge(pledge=pledge, actor=secretary)
    return pledge


def _wanted_level(subject: Subject, rng: random.Random, facts: Facts) -> str:
    """The highest level, among a plausible wish, that the subject's record allows."""
    roll = rng.random()
    wish = "HTXSNV" if roll < 0.15 else "HTTNV" if roll < 0.92 else "HTNV"
    if regime_of(subject.season.rule_set).uses_points:
        return _wanted_with_points(subject, wish, facts)
    codes = subject.season.rule_set.level_codes()
    for level in codes[codes.index(wish) :]:
        # The agency rates its civil servants first; the demo assumes it matched (R-RATE-9).
        subject.civil_service_level = level if subject.is_civil_servant else ""
        grade_free = [
            p for p in level_problems(subject, level, facts) if getattr(p, "rule", "") != "R-RATE-1"
        ]
        if not grade_free:
            return level
    return codes[-1]


def _wanted_with_points(subject: Subject, wish: str, facts: Facts) -> str:
    """Under QĐ 366: discipline decided this year is a KHTNV case (R366-RATE-7); HTXSNV needs last
    year's shortcomings remedied (R366-RATE-2); the agency rated civil servants the same."""
    if subject.profile and found_cases(subject, facts, Tasks()):
        return "KHTNV"
    total, done = facts.previous_remediation.get(subject.pk, (0, 0))
    if wish == "HTXSNV" and total != done:
        wish = "HTTNV"
    subject.civil_service_level = wish if subject.is_civil_servant else ""
    return wish


def _fill(subject: Subject, actor, level: str, *, complete: bool = True) -> None:
    """Write the form as the author would; a draft stops half-way."""
    if regime_of(subject.season.rule_set).uses_points:
        if subject.is_member and found_cases(subject, Facts(subject.season, [subject]), Tasks()):
            level = "KHTNV"  # discipline decided this year (R366-RATE-7): honest about it
        fill_366(subject, actor, level, TEXTS, random.Random(subject.pk), complete=complete)
        return
    grade, task_grade = GRADES_FOR[level]
    template = subject.season.rule_set.template(subject.form_code)
    items = list(form_items(template))
    if not complete:
        items = items[: max(2, len(items) // 2)]
    for item in items:
        value = {}
        if item["type"] in ("text", "graded_text", "remediation"):
            value["text"] = TEXTS.get(item["key"], TEXTS["I.2"])
        if item.get("criterion"):
            value["grade"] = task_grade if item.get("task_results") else grade
        if item["type"] == "self_rating":
            if item.get("only_for") == "civil_servant" and not subject.is_civil_servant:
                continue
            value["level"] = level
        if item["type"] == "pledge":
            pledge = Pledge.objects.filter(member_id=subject.member_id, year=subject.season.year).first()
            for pledge_item in pledge.items.all() if pledge else []:
                workflow.save_answer(
                    subject=subject,
                    actor=actor,
                    key=f"pledge:{pledge_item.pk}",
                    value={"fulfilment": "Đã thực hiện đầy đủ", "assessment": "done"},
                )
            continue
        if value:
            workflow.save_answer(subject=subject, actor=actor, key=item["key"], value=value)


def _submit(subject: Subject, actor, level: str) -> Subject:
    _fill(subject, actor, level)
    return workflow.submit_form(subject=subject, actor=actor)
