"""Review seasons for the demo province: the season under review on the seeding day, under QĐ 366 /
HD 43 with scored work at every stage so that each demo login has something to do; the year
before it, decided under QĐ 366 with points; and the year before that, decided under QĐ 124. Which
years those are, and on which days things happened, is members/demo_days.py's business; how a
QĐ 366 form is filled in, reviews/demo_points.py's.

Everything this year goes through the workflow engine, as the pages would do it, with the demo
users (and a secretary login per staged cell) as actors. Last year's results are recorded with
`import_decided_results`, as a province would bring in the results it decided on paper.
"""

import datetime
import random
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from members.demo_days import DemoDays
from members.models import DisciplineRecord, Member, Pledge, PledgeItem
from members.services import acknowledge_pledge, save_pledge, submit_pledge
from organizations.models import CELL_KINDS, AffiliatedCollective, Organization, Role
from reviews import workflow
from reviews.defaults import shipped_rule_set
from reviews.demo_points import decided_points, demo_criteria, fill_366
from reviews.facts import Facts
from reviews.models import Meeting, Season, SeasonUnit, Subject
from reviews.quarters.demo import seed_quarters
from reviews.regimes import regime_of
from reviews.regimes.qd366.standing import found_cases
from reviews.rules import form_items, level_problems, quota_limit
from reviews.scope import open_season
from reviews.scoring import Tasks
from reviews.services import (
    attach_outside_comment,
    import_decided_results,
    issue_suggestion,
    mark_affiliate_reviewed,
    submit_remediation_plan,
)

S = Subject.State

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


@dataclass
class Cast:
    """Who acts on the staged part of the province."""

    admin: object
    dangvien: Member
    bithu: object
    dangu: object
    bantochuc: object
    tinhuy: object
    login_cell: Organization
    base: Organization
    commune: Organization


def _cast() -> Cast:
    users = {
        u.username: u
        for u in get_user_model().objects.filter(
            username__in=["quantri", "bithu", "dangu", "bantochuc", "tinhuy"]
        )
    }
    dangvien = Member.objects.select_related("cell").get(user__username="dangvien")
    base = Role.objects.get(user=users["dangu"], kind=Role.Kind.COMMITTEE_STAFF).organization
    commune = Role.objects.get(user=users["bantochuc"], kind=Role.Kind.COMMITTEE_STAFF).organization
    return Cast(
        users["quantri"],
        dangvien,
        users["bithu"],
        users["dangu"],
        users["bantochuc"],
        users["tinhuy"],
        dangvien.cell,
        base,
        commune,
    )


def seed_seasons(*, seed: int, days: DemoDays | None = None) -> dict[str, int]:
    """Create the two demo seasons (the one under review on `days.today`, by default today, and
    the year before it); returns counts for the command's summary."""
    days = days or DemoDays(timezone.localdate())
    rng = random.Random(seed * 7 + 2025)
    cast = _cast()
    top = Organization.objects.get(depth=1, code="DEMO")
    year = days.year
    # Two years back the province still rated under QĐ 124 (opened deliberately under it: the
    # demo's years move with the day it is seeded); since then under QĐ 366, the rule set of the year.
    with transaction.atomic():
        earlier = open_season(
            top_organization=top,
            year=year - 2,
            reference_date=days.reference(year - 2),
            rule_set=shipped_rule_set("qd124-hd25-2023"),
            actor=cast.admin,
        )
        import_decided_results(
            season=earlier,
            levels=_decided_levels(earlier, rng),
            actor=cast.admin,
            source=f"Kết quả xếp loại năm {year - 2} (nhập từ hồ sơ giấy)",
        )
    points_rules = shipped_rule_set("qd366-hd43-2025")
    with transaction.atomic():
        last = open_season(
            top_organization=top,
            year=year - 1,
            reference_date=days.reference(year - 1),
            rule_set=points_rules,
            criteria=demo_criteria(),
            actor=cast.admin,
        )
        levels = _decided_levels(last, rng)
        decided = import_decided_results(
            season=last,
            levels=levels,
            points={pk: decided_points(level, rng) for pk, level in levels.items()},
            actor=cast.admin,
            source=f"Kết quả xếp loại năm {year - 1} (nhập từ hồ sơ giấy)",
        )
        _remediation(last, cast, rng)
    with transaction.atomic():
        this = open_season(
            top_organization=top,
            year=year,
            reference_date=days.reference(year),
            rule_set=points_rules,
            criteria=demo_criteria(),
            deadlines=days.deadlines(),
            actor=cast.admin,
        )
        _stage(this, cast, rng)
        # Issue 14 (R366-QTR-5): Q1 not run; Q2 and Q3 for the leaders the base committee manages.
        seed_quarters(this, board=cast.tinhuy, evaluator=cast.dangu, base_id=cast.base.pk, seed=seed)
    return {"last_year": year - 1, "decided": decided, "year": year, "subjects": this.subjects.count()}


def _meeting_day(season: Season) -> datetime.date:
    """The day the staged review meetings were held: 20 November of the season's year, and at the
    latest three days before today. Drafts went round a week before; comments came in ten days
    before."""
    return min(datetime.date(season.year, 11, 20), timezone.localdate() - datetime.timedelta(days=3))


# -- last year: decided results ----------------------------------------------------------------------


def _decided_levels(season: Season, rng: random.Random) -> dict[int, str]:
    """A plausible distribution that respects R-RATE-2 and R-RATE-3 in every quota group."""
    disciplined = set(
        DisciplineRecord.objects.filter(
            decided_on__year=season.year, violation_year=season.year, self_found_and_remedied=False
        ).values_list("member_id", flat=True)
    )
    subjects = Subject.objects.filter(season=season, out_of_scope="").exclude(decider=None)
    levels: dict[int, str] = {}
    groups: dict[str, list[int]] = {}
    for pk, member_id, key in subjects.order_by("pk").values_list("pk", "member_id", "quota_key"):
        if member_id in disciplined:
            levels[pk] = "KHTNV"
            continue
        roll = rng.random()
        levels[pk] = (
            "HTXSNV" if roll < 0.14 else "HTTNV" if roll < 0.9 else "HTNV" if roll < 0.98 else "KHTNV"
        )
        groups.setdefault(key, []).append(pk)
    quota = season.rule_set.quota
    for members in groups.values():
        excellent = [pk for pk in members if levels[pk] == "HTXSNV"]
        allowed = quota_limit(sum(1 for pk in members if levels[pk] == "HTTNV"), quota)
        for pk in excellent[allowed:]:
            levels[pk] = "HTTNV"
    return levels


def _remediation(season: Season, cast: Cast, rng: random.Random) -> None:
    """Last year's shortcomings and plans for the login cell (section III starts from them)."""
    for subject in Subject.objects.filter(season=season, unit__organization=cast.login_cell).select_related(
        "season__rule_set", "unit", "member"
    ):
        form = workflow.get_form(subject)
        form.answers = {"II.1": {"text": TEXTS["II.1"]}, "VI": {"text": TEXTS["VI"]}}
        form.submitted_at = timezone.now()
        form.save(update_fields=["answers", "submitted_at"])
        if subject.member_id == cast.dangvien.pk or rng.random() < 0.6:
            submit_remediation_plan(
                subject=subject,
                actor=cast.admin,
                items=[
                    {
                        "text": "Dành ít nhất 2 giờ mỗi tuần tự học văn bản mới",
                        "owner": subject.name,
                        "due_on": datetime.date(season.year + 1, 6, 30),
                    },
                    {
                        "text": "Chủ động báo cáo tiến độ công việc hằng tháng",
                        "owner": subject.name,
                        "due_on": datetime.date(season.year + 1, 12, 31),
                    },
                ],
            )


# -- the season under review: work at every stage -------------------------------------------------------


def _secretary(season: Season, cell: Organization):
    """A login for the secretary of a staged cell (no password: it only signs the demo's events)."""
    user, created = get_user_model().objects.get_or_create(
        username=f"bt.{cell.code.lower()}", defaults={"last_name": f"Bí thư {cell.name}"}
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
        Role.objects.create(
            user=user,
            organization=cell,
            kind=Role.Kind.CELL_SECRETARY,
            starts_on=datetime.date(season.year, 1, 1),
            title="Bí thư chi bộ",
        )
    return user


def _subject(season: Season, **lookup) -> Subject:
    return Subject.objects.select_related("season__rule_set", "unit", "decider", "member").get(
        season=season, **lookup
    )


def _members(season: Season, cell: Organization) -> list[Subject]:
    return list(
        Subject.objects.select_related("season__rule_set", "unit", "decider", "member")
        .filter(season=season, kind=Subject.Kind.MEMBER, unit__organization=cell, out_of_scope="")
        .order_by("position", "sort_key")
    )


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


def _collectives(season: Season, organization: Organization) -> list[Subject]:
    """The organization's own subject, then its leadership collective's if it has one in scope."""
    subjects = (
        Subject.objects.select_related("season__rule_set", "unit", "decider", "member")
        .filter(season=season, unit__organization=organization, out_of_scope="")
        .exclude(kind=Subject.Kind.MEMBER)
    )
    return sorted(subjects, key=lambda s: s.kind != Subject.Kind.ORGANIZATION)


def _meeting(collective: Subject, actor, entries=(), present: int = 9, total: int = 11) -> None:
    held_on = _meeting_day(collective.season)
    earlier = Meeting.objects.filter(collective=collective).first()
    if earlier is not None:  # the same meeting, more of it recorded: its attendance stays (R-REC-2)
        present, total = max(present, earlier.present), max(total, earlier.total)
    workflow.record_meeting(
        collective=collective,
        actor=actor,
        meeting=workflow.MeetingInput(
            held_on=held_on,
            present=present,
            total=total,
            draft_circulated_on=held_on - datetime.timedelta(days=7),
        ),
        entries=list(entries),
    )


def _review(season: Season, cell: Organization, actor, members: list[Subject], absent=()) -> None:
    """The cell's meeting reviews the cell, then its members; its committee meets on its own."""
    organization, *leadership = _collectives(season, cell)
    entries = [
        workflow.EntryInput(
            subject=m,
            comments="Chi bộ nhất trí với bản tự kiểm điểm.",
            votes={m.self_level or "HTTNV": len(members)},
        )
        for m in members
    ]
    entries += [
        workflow.EntryInput(subject=m, reviewed=False, absent_reason="Ốm, điều trị dài ngày") for m in absent
    ]
    _meeting(organization, actor, entries, present=len(members) + 1, total=len(members) + len(absent) + 1)
    for collective in leadership:
        _meeting(collective, actor, present=3, total=3)


def _propose_collectives(season: Season, organization: Organization, actor, level: str = "HTTNV") -> None:
    workflow.propose(
        proposals=[
            workflow.ProposalInput(subject=c, level=level) for c in _collectives(season, organization)
        ],
        actor=actor,
    )


def _comments_where_needed(members: list[Subject], actor) -> None:
    for member in members:
        if member.needs_former_cell_comment:
            attach_outside_comment(
                subject=member,
                actor=actor,
                source="former",
                from_name="Chi bộ nơi chuyển đi",
                text="Đồng chí hoàn thành tốt nhiệm vụ trong thời gian sinh hoạt tại chi bộ.",
                received_on=_meeting_day(member.season) - datetime.timedelta(days=10),
            )
        if member.needs_temporary_cell_comment:
            attach_outside_comment(
                subject=member,
                actor=actor,
                source="temporary",
                from_name="Chi bộ nơi sinh hoạt tạm thời",
                text="Đồng chí chấp hành tốt sinh hoạt tạm thời.",
                received_on=_meeting_day(member.season) - datetime.timedelta(days=10),
            )


def _run_cell(
    season: Season,
    cell: Organization,
    rng: random.Random,
    *,
    stop_at: str,
    excellent: int = 0,
    any_excellent: bool = True,
) -> list[Subject]:
    """Take a cell and its members to `stop_at` (submitted, reviewed, proposed); `excellent`
    more members are proposed HTXSNV, or none at all without `any_excellent`."""
    secretary = _secretary(season, cell)
    members = _members(season, cell)
    for member in members:
        _pledge(member.member, season.year, state=Pledge.State.ACKNOWLEDGED, secretary=secretary)
    facts = Facts(season, members)
    wanted = {m.pk: _wanted_level(m, rng, facts) for m in members}
    if not any_excellent:
        wanted = {pk: "HTTNV" if level == "HTXSNV" else level for pk, level in wanted.items()}
    # Their agency rated them HTXSNV too (the proposal records it), so civil servants may be among them.
    candidates = [m for m in members if wanted[m.pk] == "HTTNV" and not m.is_leader]
    for member in candidates[:excellent]:
        wanted[member.pk] = "HTXSNV"
    for collective in _collectives(season, cell):
        _submit(collective, secretary, "HTTNV")
    for member in members:
        _submit(member, secretary, wanted[member.pk])
    if stop_at == "submitted":
        return members
    absent = members[-1:] if len(members) > 8 else []
    present = [_subject(season, pk=m.pk) for m in members if m not in absent]
    _review(season, cell, secretary, present, absent=[_subject(season, pk=m.pk) for m in absent])
    if stop_at == "reviewed":
        return members
    present = [_subject(season, pk=m.pk) for m in present]
    _comments_where_needed(present, secretary)
    workflow.propose(
        proposals=[
            workflow.ProposalInput(
                subject=m,
                level=wanted[m.pk],
                civil_service_level="HTXSNV" if wanted[m.pk] == "HTXSNV" else "HTTNV",
            )
            for m in present
        ],
        actor=secretary,
    )
    return members


def _stage(season: Season, cast: Cast, rng: random.Random) -> None:
    cells = list(
        Organization.objects.filter(
            path__startswith=cast.base.path, kind__in=CELL_KINDS, dissolved_on__isnull=True
        )
        .exclude(pk=cast.login_cell.pk)
        .order_by("path")
    )
    in_season = set(
        SeasonUnit.objects.filter(season=season, organization__in=cells).values_list(
            "organization_id", flat=True
        )
    )
    cells = [c for c in cells if c.pk in in_season and _members(season, c)]
    decided_cell, proposed_cell, *others = cells

    # A cell already decided by the base committee, with its members (no HTXSNV yet, so the
    # quota meter of the next cell starts from its HTTNV).
    # One batch: the engine checks and decides it in the regime's order (under QĐ 366 the members
    # before their cell).
    _run_cell(season, decided_cell, rng, stop_at="proposed", any_excellent=False)
    _propose_collectives(season, decided_cell, cast.dangu)
    ready = _collectives(season, decided_cell) + [
        _subject(season, pk=m.pk) for m in _members(season, decided_cell)
    ]
    workflow.decide(
        decisions=[workflow.DecisionInput(subject=s) for s in ready if s.state == S.PROPOSED],
        actor=cast.dangu,
    )

    # A cell proposed and waiting for the base committee (dangu); deciding all its HTXSNV
    # proposals at once would go over the quota.
    _run_cell(season, proposed_cell, rng, stop_at="proposed", excellent=4)
    _propose_collectives(season, proposed_cell, cast.dangu)

    # Other cells of the base organization at earlier steps.
    for cell, step in zip(others, ["reviewed", "submitted"] * len(others), strict=False):
        _run_cell(season, cell, rng, stop_at=step)

    _stage_login_cell(season, cast, rng)
    _stage_base(season, cast)
    _stage_sibling_base(season, cast, rng)


def _stage_login_cell(season: Season, cast: Cast, rng: random.Random) -> None:
    """The cell of `dangvien` and `bithu`: the secretary's work is still to do."""
    members = _members(season, cast.login_cell)
    others = [
        m for m in members if m.member_id not in (cast.dangvien.pk,) and m.member.user_id != cast.bithu.pk
    ]
    for member in members:
        state = Pledge.State.SUBMITTED if member in others[:2] else Pledge.State.ACKNOWLEDGED
        _pledge(member.member, season.year, state=state, secretary=cast.bithu)
    collective = _subject(season, unit__organization=cast.login_cell, kind=Subject.Kind.ORGANIZATION)
    _fill(collective, cast.bithu, "HTTNV", complete=False)
    dangvien = _subject(season, member=cast.dangvien)
    _fill(dangvien, cast.dangvien.user, "HTTNV", complete=False)
    issue_suggestion(
        subject=dangvien,
        actor=cast.dangu,
        text="Đề nghị đồng chí làm rõ việc chậm hoàn thành báo cáo chuyên đề quý III.",
    )
    issue_suggestion(
        subject=collective,
        actor=cast.dangu,
        text="Đề nghị chi bộ làm rõ nguyên nhân tỷ lệ đảng viên dự sinh hoạt chưa cao.",
    )
    bithu = next((m for m in members if m.member.user_id == cast.bithu.pk), None)
    if bithu is not None:
        _fill(bithu, cast.bithu, "HTTNV", complete=False)
    ready = others[2:]
    submitted = ready[: int(len(ready) * 0.6)]
    for member in submitted:
        _submit(member, cast.bithu, "HTTNV")
    if submitted:
        workflow.return_form(
            subject=_subject(season, pk=submitted[-1].pk),
            actor=cast.bithu,
            reason="Đề nghị bổ sung mục II: nêu rõ hạn chế và nguyên nhân.",
        )
    for member in ready[len(submitted) :][:3]:
        _fill(member, member.member.user or cast.bithu, "HTTNV", complete=False)


def _stage_base(season: Season, cast: Cast) -> None:
    """The base organization reviewed and proposed, but blocked: its cells are not all rated."""
    for affiliate in AffiliatedCollective.objects.filter(organization=cast.base):
        mark_affiliate_reviewed(
            season=season,
            affiliate=affiliate,
            actor=cast.dangu,
            done_on=_meeting_day(season) - datetime.timedelta(days=8),
        )
    for collective in _collectives(season, cast.base):
        _submit(collective, cast.dangu, "HTTNV")
        _meeting(_subject(season, pk=collective.pk), cast.dangu)
    _propose_collectives(season, cast.base, cast.bantochuc)


def _stage_sibling_base(season: Season, cast: Cast, rng: random.Random) -> None:
    """A base cell of the same commune, proposed and ready for the commune's decision."""
    sibling = (
        Organization.objects.filter(
            path__startswith=cast.commune.path, kind="base_cell", dissolved_on__isnull=True
        )
        .exclude(pk=cast.base.pk)
        .order_by("path")
        .first()
    )
    if sibling is None or not SeasonUnit.objects.filter(season=season, organization=sibling).exists():
        return
    if not _members(season, sibling):
        return
    for affiliate in AffiliatedCollective.objects.filter(organization=sibling):
        mark_affiliate_reviewed(
            season=season,
            affiliate=affiliate,
            actor=_secretary(season, sibling),
            done_on=_meeting_day(season) - datetime.timedelta(days=8),
        )
    _run_cell(season, sibling, rng, stop_at="proposed")
    _propose_collectives(season, sibling, cast.bantochuc)
