"""R-RATE: the rating rules of Regulation 124, each proved through the workflow engine.

Every test drives subjects the way the pages do (form → meeting → proposal → decision) and checks
both sides of a rule: the forbidden step is refused with a reason naming the rule, and nothing
was saved (the subject keeps its state, no Decision exists); the allowed step passes.
"""

import copy
import datetime

import pytest
from django.core.exceptions import PermissionDenied

from members.models import CommitteeSeat, DisciplineRecord, LeaveRecord, Member
from members.services import transfer_member
from organizations.models import Kind, OrganizationDiscipline, Role
from reviews import workflow
from reviews.defaults import shipped_rule_set
from reviews.models import Decision, Event, RuleSet, Season, Subject
from reviews.rules import form_items
from reviews.scope import open_season
from reviews.services import rerate_for_past_violation
from tests.factories import make_member, make_org, make_user_with_role
from tests.reviews.conftest import QD124, REFERENCE, build_world, open_season_124
from tests.reviews.helpers import MEETING_DAY, fresh, give_pledge

pytestmark = pytest.mark.django_db
S = Subject.State
WorkflowError = workflow.WorkflowError

MEETING_DAYS = {2026: MEETING_DAY, 2025: datetime.date(2025, 12, 5)}
REFERENCE_2025 = datetime.date(2025, 11, 15)


# -- worlds ------------------------------------------------------------------------------------------


def copy_rule_set(code: str, *, quota: dict | None = None, switches: dict | None = None) -> RuleSet:
    """R-SET-1: a province changes configurable values on a copy of the default rule set."""
    default = RuleSet.objects.get(is_default=True)
    fields = {
        name: copy.deepcopy(getattr(default, name))
        for name in (
            "regime",
            "levels",
            "grades",
            "level_rules",
            "form_templates",
            "quota",
            "organization_thresholds",
            "authority",
            "switches",
            "scoring",
        )
    }
    fields["quota"].update(quota or {})
    fields["switches"].update(switches or {})
    return RuleSet.objects.create(code=code, name=f"{default.name} ({code})", is_default=False, **fields)


def open_world(prepare=None, rule_set: RuleSet | None = None):
    """The conftest world, changed by `prepare(w)` before its 2026 season opens."""
    w = build_world(open_now=False)
    if prepare:
        prepare(w)
    w.season = open_season(
        top_organization=w.province,
        year=2026,
        reference_date=REFERENCE,
        rule_set=rule_set or shipped_rule_set(QD124),
    )
    return w


def add_cells(w, count: int, code: str = "X"):
    """Empty cells under the base committee CS1 (decided by CS1, like CB1 and CB2)."""
    w.extra_cells = [
        make_org(
            Kind.CELL, w.base, name=f"Chi bộ {code}{n}", code=f"{code}{n}", has_leadership_collective=False
        )
        for n in range(1, count + 1)
    ]


def subject_of(season: Season, member=None, unit=None, kind=Subject.Kind.ORGANIZATION) -> Subject:
    queryset = Subject.objects.select_related("season__rule_set", "unit", "decider", "member")
    if member is not None:
        return queryset.get(season=season, member=member)
    return queryset.get(season=season, unit__organization=unit, kind=kind)


# -- driving the workflow --------------------------------------------------------------------------


def fill(
    subject: Subject,
    actor,
    *,
    level: str = "HTTNV",
    grade: str = "xuat_sac",
    task_grade: str | None = None,
    grades: dict | None = None,
    civil_level: str = "",
) -> Subject:
    """Fill every item of the form (the merge `save_answer` does item by item, in one save) and
    submit it through the engine, which checks the form (R-FORM, R-RATE-1)."""
    subject = fresh(subject)
    template = subject.season.rule_set.template(subject.form_code)
    answers = {}
    for item in form_items(template):
        value = {}
        if item["type"] in ("text", "graded_text", "remediation"):
            value["text"] = f"Nội dung mục {item['key']}"
        if item.get("criterion"):
            value["grade"] = (grades or {}).get(item["criterion"]) or (
                task_grade if (task_grade and item.get("task_results")) else grade
            )
        if item["type"] == "self_rating":
            if item.get("only_for") == "civil_servant" and not subject.is_civil_servant:
                continue
            value["level"] = (civil_level or level) if item.get("scope") == "civil_service" else level
        if item["type"] == "pledge":
            pledge = give_pledge(subject.member, subject.season.year)
            for pledge_item in pledge.items.all():
                answers[f"pledge:{pledge_item.pk}"] = {"fulfilment": "Đã thực hiện", "assessment": "done"}
            continue
        if value:
            answers[item["key"]] = value
    form = workflow.get_form(subject)
    form.answers = answers
    form.save(update_fields=["answers"])
    return workflow.submit_form(subject=subject, actor=actor)


def meet(collective: Subject, actor, reviewed=(), absent=(), grades: dict | None = None):
    """Record the collective's meeting; `grades` maps a subject to the grades the meeting assessed."""
    held_on = MEETING_DAYS[collective.season.year]
    entries = [
        workflow.EntryInput(subject=s, comments="Nhất trí", grades=(grades or {}).get(s.pk, {}))
        for s in reviewed
    ]
    entries += [workflow.EntryInput(subject=s, reviewed=False, absent_reason="Ốm nằm viện") for s in absent]
    return workflow.record_meeting(
        collective=fresh(collective),
        actor=actor,
        meeting=workflow.MeetingInput(
            held_on=held_on, present=5, total=6, draft_circulated_on=held_on - datetime.timedelta(days=7)
        ),
        entries=entries,
    )


def review_cell(season, cell, actor, forms: dict, *, meeting_grades: dict | None = None, cell_form=None):
    """The cell's report and the reports of the members in `forms` (member → fill() options) are
    submitted; the meeting reviews the cell and those members and marks the others absent."""
    collective = subject_of(season, unit=cell)
    fill(collective, actor, **(cell_form or {}))
    subjects = {}
    for member, options in forms.items():
        subjects[member] = fill(subject_of(season, member=member), actor, **options)
    others = [
        s
        for s in Subject.objects.filter(
            season=season, unit=collective.unit, kind=Subject.Kind.MEMBER, out_of_scope=""
        )
        if s.member_id not in {m.pk for m in forms}
    ]
    grades = {subjects[m].pk: g for m, g in (meeting_grades or {}).items()}
    meet(collective, actor, list(subjects.values()), others, grades)
    return fresh(collective), {m: fresh(s) for m, s in subjects.items()}


def review_collective(subject: Subject, actor, **form) -> Subject:
    fill(subject, actor, **form)
    meet(subject, actor)
    return fresh(subject)


def propose_levels(actor, levels: dict, civil: dict | None = None) -> list[Subject]:
    return workflow.propose(
        proposals=[
            workflow.ProposalInput(
                subject=fresh(s), level=level, civil_service_level=(civil or {}).get(s, "")
            )
            for s, level in levels.items()
        ],
        actor=actor,
    )


def decide_levels(actor, levels: dict, reason: str = "") -> list[Decision]:
    return workflow.decide(
        decisions=[workflow.DecisionInput(subject=fresh(s), level=level) for s, level in levels.items()],
        actor=actor,
        reason=reason,
    )


def reasons_naming(rule: str, call) -> list[str]:
    """Run `call`, expect a refusal, and return its reasons after checking one names `rule`."""
    with pytest.raises(WorkflowError) as refused:
        call()
    reasons = refused.value.reasons
    assert any(getattr(reason, "rule", "") == rule for reason in reasons), reasons
    assert not any("(R-" in reason for reason in reasons), reasons  # the rule is kept out of the text
    return reasons


def refuse_proposal(rule: str, actor, subject: Subject, level: str, civil: str = "") -> list[str]:
    """The proposal is refused for `rule` and nothing changes: same state, same level, no event."""
    before, events = fresh(subject), Event.objects.filter(subject=subject).count()
    reasons = reasons_naming(rule, lambda: propose_levels(actor, {subject: level}, {subject: civil}))
    after = fresh(subject)
    assert (after.state, after.proposed_level) == (before.state, before.proposed_level)
    assert Event.objects.filter(subject=subject).count() == events
    return reasons


def accept_proposal(actor, subject: Subject, level: str, civil: str = "") -> Subject:
    propose_levels(actor, {subject: level}, {subject: civil})
    after = fresh(subject)
    assert (after.state, after.proposed_level) == (S.PROPOSED, level)
    return after


def refuse_decision(rule: str, actor, levels: dict, reason: str = "") -> list[str]:
    """The decision is refused for `rule` and nothing is saved for any subject of the batch."""
    subjects = list(levels)
    decisions = Decision.objects.filter(subject__in=subjects).count()
    events = Event.objects.filter(subject__in=subjects).count()
    reasons = reasons_naming(rule, lambda: decide_levels(actor, levels, reason))
    for subject in subjects:
        after = fresh(subject)
        assert after.state == S.PROPOSED, after
        assert after.decided_level == ""
    assert Decision.objects.filter(subject__in=subjects).count() == decisions
    assert Event.objects.filter(subject__in=subjects).count() == events
    return reasons


def accept_decision(actor, levels: dict, reason: str = "") -> list[Decision]:
    made = decide_levels(actor, levels, reason)
    for subject, level in levels.items():
        after = fresh(subject)
        assert (after.state, after.decided_level) == (S.DECIDED, level or after.proposed_level)
        valid = Decision.objects.get(subject=subject, status=Decision.Status.VALID)
        assert valid.level == after.decided_level
    return made


def decide_cell(w, cell_subject: Subject, level: str = "HTTNV") -> Subject:
    """Propose and decide a cell (R-ORDER-6: before its members)."""
    propose_levels(w.base_staff, {cell_subject: level})
    accept_decision(w.base_staff, {cell_subject: level})
    return fresh(cell_subject)


def cell1_reviewed(w, forms: dict | None = None, **kw):
    """CB1 reviewed with every member (all criteria Xuất sắc unless `forms` says otherwise)."""
    forms = {m: (forms or {}).get(m, {}) for m in w.members1}
    return review_cell(w.season, w.cell1, w.secretary, forms, **kw)


# == R-RATE-1: the level must be consistent with the criterion grades =================================


def test_r_rate_1_htxsnv_needs_every_criterion_tot_and_task_results_xuat_sac(world):
    """R-RATE-1: HTXSNV needs every criterion at Tốt or better and task results at Xuất sắc."""
    w = world
    an, binh, cuong = w.members1[2:5]
    cell, members = cell1_reviewed(
        w,
        {
            an: dict(grade="tot", task_grade="xuat_sac", level="HTXSNV"),
            binh: dict(grade="xuat_sac", task_grade="tot"),
            cuong: dict(grades={"remedy": "trung_binh"}),
        },
    )
    refuse_proposal("R-RATE-1", w.secretary, members[binh], "HTXSNV")  # task results only Tốt
    refuse_proposal("R-RATE-1", w.secretary, members[cuong], "HTXSNV")  # one criterion Trung bình
    accept_proposal(w.secretary, members[an], "HTXSNV")  # all Tốt, task results Xuất sắc
    accept_proposal(w.secretary, members[binh], "HTTNV")
    accept_proposal(w.secretary, members[cuong], "HTTNV")
    # The decision checks it again: the decider cannot raise the level past what the grades allow.
    decide_cell(w, cell)
    refuse_decision("R-RATE-1", w.base_staff, {members[binh]: "HTXSNV"})
    accept_decision(w.base_staff, {members[binh]: "", members[cuong]: ""})


def test_r_rate_1_httnv_needs_every_criterion_trung_binh_and_task_results_tot(world):
    """R-RATE-1: HTTNV needs every criterion at Trung bình or better and task results at Tốt."""
    w = world
    an, binh = w.members1[2:4]
    cell, members = cell1_reviewed(
        w,
        {
            an: dict(grade="trung_binh", level="HTNV"),
            binh: dict(grade="trung_binh", task_grade="tot", level="HTTNV"),
        },
    )
    refuse_proposal("R-RATE-1", w.secretary, members[an], "HTTNV")
    accept_proposal(w.secretary, members[an], "HTNV")
    accept_proposal(w.secretary, members[binh], "HTTNV")
    decide_cell(w, cell)
    refuse_decision("R-RATE-1", w.base_staff, {members[an]: "HTTNV"})
    accept_decision(w.base_staff, {members[an]: "", members[binh]: ""})


@pytest.mark.parametrize("criterion", ["politics", "tasks", "remedy"])
def test_r_rate_1_any_criterion_at_kem_allows_only_khtnv(world, criterion):
    """R-RATE-1: any criterion at Kém means KHTNV, whatever the other grades."""
    w = world
    an = w.members1[2]
    cell, members = cell1_reviewed(w, {an: dict(grades={criterion: "kem"}, level="KHTNV")})
    refuse_proposal("R-RATE-1", w.secretary, members[an], "HTNV")
    accept_proposal(w.secretary, members[an], "KHTNV")
    decide_cell(w, cell)
    refuse_decision("R-RATE-1", w.base_staff, {members[an]: "HTNV"})
    accept_decision(
        w.base_staff, {members[an]: "KHTNV"}, reason="Quyết định thấp hơn mức đề xuất theo quy định"
    )


def test_r_rate_1_collective_form_grades_limit_the_collective_level(world):
    """R-RATE-1 on a collective (form 01): task results at Tốt keep a cell below HTXSNV."""
    w = world
    cell2 = review_collective(w.subject(unit=w.cell2), w.secretary2, grade="xuat_sac", task_grade="tot")
    refuse_proposal("R-RATE-1", w.base_staff, cell2, "HTXSNV")
    accept_proposal(w.base_staff, cell2, "HTTNV")


@pytest.mark.parametrize(
    "grade,task_grade,self_level",
    [("tot", "tot", "HTXSNV"), ("trung_binh", "trung_binh", "HTTNV"), ("kem", None, "HTNV")],
)
def test_r_rate_1_self_rating_is_checked_when_the_form_is_submitted(world, grade, task_grade, self_level):
    """R-RATE-1: a self-rating the author's own grades do not allow keeps the form from being
    submitted; the form stays a draft and no submission is recorded."""
    w = world
    an = w.subject(member=w.members1[2])
    reasons = reasons_naming(
        "R-RATE-1", lambda: fill(an, w.secretary, grade=grade, task_grade=task_grade, level=self_level)
    )
    assert self_level in " ".join(reasons)
    after = fresh(an)
    assert (after.state, after.self_level) == (S.DRAFT, "")
    assert after.form.submitted_at is None
    assert not Event.objects.filter(subject=an, action="submit").exists()
    allowed = {"tot": "HTTNV", "trung_binh": "HTNV", "kem": "KHTNV"}[grade]
    submitted = fill(an, w.secretary, grade=grade, task_grade=task_grade, level=allowed)
    assert (submitted.state, submitted.self_level) == (S.SUBMITTED, allowed)


def test_r_rate_1_the_meetings_assessed_grades_override_the_authors(world):
    """R-RATE-1: the grades the meeting assessed replace the author's, up or down."""
    w = world
    an, binh, cuong = w.members1[2:5]
    cell, members = cell1_reviewed(
        w,
        {
            an: dict(grade="xuat_sac", level="HTXSNV"),
            binh: dict(grade="tot", task_grade="tot", level="HTTNV"),
            cuong: dict(grade="xuat_sac", level="HTXSNV"),
        },
        meeting_grades={an: {"tasks": "tot"}, binh: {"tasks": "xuat_sac"}, cuong: {"politics": "kem"}},
    )
    refuse_proposal("R-RATE-1", w.secretary, members[an], "HTXSNV")  # lowered by the meeting
    accept_proposal(w.secretary, members[an], "HTTNV")
    accept_proposal(w.secretary, members[binh], "HTXSNV")  # raised by the meeting
    refuse_proposal("R-RATE-1", w.secretary, members[cuong], "HTNV")  # Kém at the meeting
    accept_proposal(w.secretary, members[cuong], "KHTNV")


# == R-RATE-2: the 20 % quota ========================================================================


def quota_world(w):
    """CB1 and CB2 reviewed with all members, both cells decided HTTNV; members not yet proposed."""
    cell1, members1 = cell1_reviewed(w)
    cell2, members2 = review_cell(w.season, w.cell2, w.secretary2, {m: {} for m in w.members2})
    propose_levels(w.base_staff, {cell1: "HTTNV", cell2: "HTTNV"})
    accept_decision(w.base_staff, {cell1: "", cell2: ""})
    return {**members1, **members2}


def test_r_rate_2_one_htxsnv_for_five_httnv_and_a_second_is_refused(world):
    """R-RATE-2: with 5 HTTNV decided in the group, 1 HTXSNV is allowed; a second is refused
    with the numbers (HTXSNV 2/1) and the group in the reason."""
    w = world
    members = quota_world(w)
    deputy, an, binh, cuong, dung, giang = w.members1[1:]
    hoa = w.members2[0]
    five = [deputy, an, binh, cuong, dung]
    propose_levels(w.secretary, {members[m]: "HTTNV" for m in five} | {members[giang]: "HTXSNV"})
    propose_levels(w.secretary2, {members[hoa]: "HTXSNV"})
    refuse_decision("R-RATE-2", w.base_staff, {members[giang]: ""})  # 1/0 before the five
    accept_decision(w.base_staff, {members[m]: "" for m in five})
    accept_decision(w.base_staff, {members[giang]: ""})
    reasons = refuse_decision("R-RATE-2", w.base_staff, {members[hoa]: ""})
    text = " ".join(reasons)
    assert "HTXSNV 2/1" in text
    assert "5 HTTNV" in text
    assert "đảng viên khác" in text  # the group: members who are not leaders
    assert Decision.objects.filter(subject__season=w.season, level="HTXSNV").count() == 1


def test_r_rate_2_a_batch_over_the_quota_is_refused_whole(world):
    """R-RATE-2: a batch that would exceed the quota decides nobody, not even the HTTNV ones."""
    w = world
    members = quota_world(w)
    deputy, an, binh, cuong, dung, giang = w.members1[1:]
    hoa = w.members2[0]
    batch = {members[m]: "HTTNV" for m in (deputy, an, binh, cuong, dung)}
    batch |= {members[giang]: "HTXSNV", members[hoa]: "HTXSNV"}
    propose_levels(w.base_staff, batch)
    reasons = refuse_decision("R-RATE-2", w.base_staff, {s: "" for s in batch})
    assert "HTXSNV 2/1" in " ".join(reasons)
    assert not Decision.objects.filter(subject__kind=Subject.Kind.MEMBER).exists()
    del batch[members[hoa]]
    accept_decision(w.base_staff, {s: "" for s in batch})


def test_r_rate_2_a_batch_naming_a_subject_twice_is_one_decision_or_a_refusal(world):
    """R-RATE-2 batches: a subject listed twice in one batch is counted and decided once, or the
    batch is refused with a reason; it is never a database error, and nothing is half-saved."""
    w = world
    members = quota_world(w)
    an = members[w.members1[2]]
    propose_levels(w.secretary, {an: "HTTNV"})
    twice = [workflow.DecisionInput(subject=fresh(an)), workflow.DecisionInput(subject=fresh(an))]
    try:
        workflow.decide(decisions=twice, actor=w.base_staff)
    except WorkflowError:
        assert not Decision.objects.filter(subject=an).exists()
    else:
        assert Decision.objects.filter(subject=an).count() == 1


def test_r_rate_2_leaders_and_other_members_are_separate_groups(world):
    """R-RATE-2 default grouping: leaders/managers and other members of one base committee are
    counted apart, so the room in one group cannot be used by the other."""
    w = world
    members = quota_world(w)
    head, deputy, an, binh, cuong, dung, giang = w.members1
    assert members[head].quota_key.endswith(":lead")
    assert members[giang].quota_key.endswith(":other")
    five = [deputy, an, binh, cuong, dung]
    propose_levels(w.secretary, {members[m]: "HTTNV" for m in five} | {members[giang]: "HTXSNV"})
    propose_levels(w.secretary, {members[head]: "HTXSNV"})
    accept_decision(w.base_staff, {members[m]: "" for m in five})
    # The head is a leader: 0 HTTNV leaders, so no HTXSNV leader, though the others have room.
    # (A reason is given so that R-RATE-8, head above the cell, is not what refuses it.)
    reasons = refuse_decision("R-RATE-2", w.base_staff, {members[head]: ""}, reason="Thành tích nổi bật")
    text = " ".join(reasons)
    assert "HTXSNV 1/0" in text
    assert "lãnh đạo" in text
    accept_decision(w.base_staff, {members[giang]: ""})


def test_r_rate_2_organizations_quota_is_per_deciding_committee_and_kind(db):
    """R-RATE-2 for organizations: the organizations of one kind decided by one committee form a
    group: 5 HTTNV cells allow 1 HTXSNV cell; base cells and base committees decided by the same
    commune committee are counted apart."""

    def prepare(w):
        add_cells(w, 5)
        w.extra_bases = [
            make_org(
                Kind.BASE_CELL,
                w.commune,
                name=f"Chi bộ cơ sở B{n}",
                code=f"B{n}",
                has_leadership_collective=False,
            )
            for n in range(1, 6)
        ]
        w.other_base = make_org(
            Kind.BASE_COMMITTEE,
            w.commune,
            name="Đảng bộ Trạm Y tế",
            code="CS3",
            has_leadership_collective=False,
        )
        w.other_cell = make_org(
            Kind.CELL, w.other_base, name="Chi bộ Khoa Nội", code="Y1", has_leadership_collective=False
        )
        w.other_staff = make_user_with_role(Role.Kind.COMMITTEE_STAFF, w.other_base, "du3")

    w = open_world(prepare)
    cells = [w.subject(unit=c) for c in [w.cell1, w.cell2, *w.extra_cells]]
    assert len({c.quota_key for c in cells}) == 1
    for cell in cells:
        review_collective(cell, w.base_staff)
    cb1, cb2, x1, x2, x3, x4, x5 = cells
    propose_levels(w.base_staff, {c: "HTTNV" for c in (cb1, cb2, x1, x2, x3)} | {x4: "HTXSNV", x5: "HTXSNV"})
    accept_decision(w.base_staff, {c: "" for c in (cb1, cb2, x1, x2, x3)})
    accept_decision(w.base_staff, {x4: ""})
    assert "HTXSNV 2/1" in " ".join(refuse_decision("R-RATE-2", w.base_staff, {x5: ""}))
    accept_decision(w.base_staff, {x5: "HTTNV"}, reason="Quyết định thấp hơn mức đề xuất theo quy định")
    # A cell of another base committee: same kind, another decider, another group (no HTTNV yet).
    other_cell = review_collective(w.subject(unit=w.other_cell), w.other_staff)
    assert other_cell.quota_key != cb1.quota_key
    propose_levels(w.other_staff, {other_cell: "HTXSNV"})
    assert "HTXSNV 1/0" in " ".join(refuse_decision("R-RATE-2", w.other_staff, {other_cell: ""}))

    base = w.subject(unit=w.base)
    base_cells = [w.subject(unit=o) for o in [w.base_cell, *w.extra_bases]]
    assert base.decider_id == base_cells[0].decider_id
    assert base.quota_key != base_cells[0].quota_key
    for subject in [base, *base_cells]:
        review_collective(subject, w.commune_staff)
    propose_levels(w.commune_staff, {s: "HTTNV" for s in base_cells[:5]} | {base_cells[5]: "HTXSNV"})
    propose_levels(w.commune_staff, {base: "HTXSNV"})
    accept_decision(w.commune_staff, {s: "" for s in base_cells[:5]})
    # The base committee is alone in its group: 0 HTTNV there, so no HTXSNV...
    assert "HTXSNV 1/0" in " ".join(refuse_decision("R-RATE-2", w.commune_staff, {base: ""}))
    # ...while the base cells' group has room for one.
    accept_decision(w.commune_staff, {base_cells[5]: ""})


def test_r_rate_2_a_copied_rule_set_can_change_the_quota_and_allow_exceeding_with_a_reason(db):
    """R-RATE-2 configurable (R-SET-1): a copy of the rule set with 50 %, rounding up and
    exceed_with_reason lets the decider pass the quota with a recorded reason."""
    rule_set = copy_rule_set(
        "qd124-test-quota", quota={"percent": 50, "rounding": "up", "exceed_with_reason": True}
    )
    w = open_world(rule_set=rule_set)
    assert w.season.rule_set == rule_set
    assert RuleSet.objects.get(is_default=True).quota["exceed_with_reason"] is False
    cell, members = cell1_reviewed(w)
    decide_cell(w, cell)
    deputy, an, binh = w.members1[1:4]
    propose_levels(w.secretary, {members[deputy]: "HTTNV", members[an]: "HTXSNV", members[binh]: "HTXSNV"})
    accept_decision(w.base_staff, {members[deputy]: ""})
    # 50 % × 1 HTTNV rounded up = 1 (the default 20 % rounded down would give 0).
    accept_decision(w.base_staff, {members[an]: ""})
    reasons = refuse_decision("R-RATE-2", w.base_staff, {members[binh]: ""})
    assert "HTXSNV 2/1" in " ".join(reasons)
    why = "Đột xuất cứu người trong lũ, được Chủ tịch tỉnh khen"
    (decision,) = accept_decision(w.base_staff, {members[binh]: ""}, reason=why)
    assert decision.reason == why
    assert decision.rule_set == rule_set
    event = Event.objects.get(subject=members[binh], action="decide")
    assert event.reason == why
    assert event.rule_set_code == "qd124-test-quota"
    assert any("HTXSNV 2/1" in note for note in event.data["quota_exceeded"])


# == R-RATE-3: a member disciplined in the year ======================================================


@pytest.mark.parametrize(
    "decided_on,violation_year,self_found,forced",
    [
        (datetime.date(2026, 6, 10), 2026, False, True),
        (datetime.date(2026, 6, 10), 2026, True, False),  # self-found and remedied: ordinary rules
        (datetime.date(2025, 10, 1), 2025, False, False),  # an earlier year's discipline
        (datetime.date(2026, 3, 1), 2025, False, False),  # an earlier violation: R-RATE-4, not here
    ],
)
def test_r_rate_3_member_disciplined_in_the_year_must_be_khtnv(
    world, decided_on, violation_year, self_found, forced
):
    """R-RATE-3: disciplined in the rating year for a violation of that year → KHTNV, unless the
    violation was self-found and remedied."""
    w = world
    an, binh = w.members1[2:4]
    cell, members = cell1_reviewed(w)
    for member in (an, binh):
        DisciplineRecord.objects.create(
            member=member,
            decided_on=decided_on,
            form=DisciplineRecord.Form.REPRIMAND,
            decided_by="Đảng ủy Trường An Bình",
            violation_year=violation_year,
            self_found_and_remedied=self_found,
        )
    decide_cell(w, cell)
    if forced:
        refuse_proposal("R-RATE-3", w.secretary, members[an], "HTNV")
        accept_proposal(w.secretary, members[an], "KHTNV")
        refuse_decision("R-RATE-3", w.base_staff, {members[an]: "HTNV"})
        accept_decision(w.base_staff, {members[an]: ""})
    else:
        accept_proposal(w.secretary, members[an], "HTTNV")
        accept_decision(w.base_staff, {members[an]: ""})


def test_r_rate_3_discipline_recorded_after_the_proposal_blocks_the_decision(world):
    """R-RATE-3 at the decision: a discipline recorded after the proposal refuses HTTNV."""
    w = world
    an = w.members1[2]
    cell, members = cell1_reviewed(w)
    decide_cell(w, cell)
    accept_proposal(w.secretary, members[an], "HTTNV")
    DisciplineRecord.objects.create(
        member=an,
        decided_on=datetime.date(2026, 11, 21),
        form=DisciplineRecord.Form.WARNING,
        decided_by="Đảng ủy Trường An Bình",
        violation_year=2026,
    )
    refuse_decision("R-RATE-3", w.base_staff, {members[an]: ""})
    accept_decision(
        w.base_staff, {members[an]: "KHTNV"}, reason="Quyết định thấp hơn mức đề xuất theo quy định"
    )


# == R-RATE-4: an earlier year's violation disciplined now ===========================================


def season_2025_with_decided_member(w, member, level="HTTNV"):
    """Open 2025 for the same province and decide CB1 and `member` there."""
    season = open_season_124(top_organization=w.province, year=2025, reference_date=REFERENCE_2025)
    cell, members = review_cell(season, w.cell1, w.secretary, {member: {}})
    propose_levels(w.base_staff, {cell: "HTTNV"})
    accept_decision(w.base_staff, {cell: ""})
    propose_levels(w.secretary, {members[member]: level})
    accept_decision(w.base_staff, {members[member]: ""})
    return season, fresh(members[member])


def past_violation(member, self_found=False):
    return DisciplineRecord.objects.create(
        member=member,
        decided_on=datetime.date(2026, 8, 1),
        form=DisciplineRecord.Form.REPRIMAND,
        decided_by="Ủy ban Kiểm tra Đảng ủy xã An Bình",
        violation_year=2025,
        self_found_and_remedied=self_found,
    )


def test_r_rate_4_the_year_of_the_violation_is_re_rated_khtnv_by_the_superior_committee(world):
    """R-RATE-4: the earlier year's decision is cancelled (kept, flagged for commendations) and
    the directly superior committee decides KHTNV for that year; this year is not forced."""
    w = world
    an = w.members1[2]
    _season_2025, earlier = season_2025_with_decided_member(w, an)
    old = Decision.objects.get(subject=earlier, status=Decision.Status.VALID)
    record = past_violation(an)
    # The deciding level itself is not the superior committee.
    with pytest.raises((PermissionDenied, WorkflowError)):
        rerate_for_past_violation(record=record, actor=w.base_staff)
    assert Decision.objects.get(pk=old.pk).status == Decision.Status.VALID

    new = rerate_for_past_violation(record=record, actor=w.commune_staff)
    old.refresh_from_db()
    assert old.status == Decision.Status.CANCELLED
    assert old.needs_commendation_review is True
    assert old.level == "HTTNV"
    assert "vi phạm năm" in old.end_reason and "(R-" not in old.end_reason
    assert old.ended_by == w.commune_staff
    assert new.status == Decision.Status.VALID
    assert new.level == "KHTNV"
    assert new.decider == earlier.decider.parent  # the commune committee, above the base committee
    assert new.decider.organization == w.commune
    assert new.decided_by == w.commune_staff
    after = fresh(earlier)
    assert (after.state, after.decided_level) == (S.DECIDED, "KHTNV")
    assert Decision.objects.filter(subject=earlier).count() == 2
    assert Event.objects.filter(subject=earlier, action="rerate").exists()

    # The current year is rated on its own merits: the old violation does not force KHTNV.
    cell, members = cell1_reviewed(w)
    decide_cell(w, cell)
    accept_proposal(w.secretary, members[an], "HTTNV")
    accept_decision(w.base_staff, {members[an]: ""})


def test_r_rate_4_self_found_and_remedied_goes_back_to_be_weighed_case_by_case(world):
    """R-RATE-4: when self-found and remedied, the earlier decision is cancelled and the subject
    goes back to proposed, flagged for a case-by-case re-rating; nothing is decided for it."""
    w = world
    an = w.members1[2]
    _season_2025, earlier = season_2025_with_decided_member(w, an)
    old = Decision.objects.get(subject=earlier, status=Decision.Status.VALID)
    record = past_violation(an, self_found=True)
    assert rerate_for_past_violation(record=record, actor=w.commune_staff) is None
    old.refresh_from_db()
    assert (old.status, old.needs_commendation_review) == (Decision.Status.CANCELLED, True)
    after = fresh(earlier)
    assert (after.state, after.decided_level) == (S.PROPOSED, "")
    assert after.flags["rerate_case_by_case"] == record.pk
    assert not Decision.objects.filter(subject=earlier, status=Decision.Status.VALID).exists()
    assert Event.objects.filter(subject=earlier, action="cancel").exists()


def test_r_rate_4_the_superior_committee_decides_the_case_by_case_re_rating(world):
    """R-RATE-4: the directly superior committee weighs a self-found, remedied violation case by
    case and decides the earlier year's level itself."""
    w = world
    an = w.members1[2]
    _season_2025, earlier = season_2025_with_decided_member(w, an)
    rerate_for_past_violation(record=past_violation(an, self_found=True), actor=w.commune_staff)
    (decision,) = accept_decision(w.commune_staff, {earlier: "HTNV"}, reason="Tự phát hiện, đã khắc phục")
    assert decision.decider.organization == w.commune


# == R-RATE-5: a violation at a former unit ==========================================================


def transfer_world(w):
    """CB3 and CB4 under CS1, each with a cell committee (chi ủy). X sat on CB3's committee, moved
    to CB4 on 1 May 2026 and sits on CB4's committee since June."""
    since = datetime.date(2020, 1, 1)
    w.cell_a = make_org(Kind.CELL, w.base, name="Chi bộ Tổ Lý", code="CB3", has_leadership_collective=True)
    w.cell_b = make_org(Kind.CELL, w.base, name="Chi bộ Tổ Hóa", code="CB4", has_leadership_collective=True)
    w.head_a = make_member(w.cell_a, "Đỗ", "Văn", "Minh")
    w.head_b = make_member(w.cell_b, "Hồ", "Thị", "Nga")
    w.mover = make_member(w.cell_a, "Bùi", "Văn", "Phúc")
    CommitteeSeat.objects.create(member=w.head_a, organization=w.cell_a, position=0, starts_on=since)
    CommitteeSeat.objects.create(member=w.head_b, organization=w.cell_b, position=0, starts_on=since)
    CommitteeSeat.objects.create(
        member=w.mover, organization=w.cell_a, position=2, starts_on=since, ends_on=datetime.date(2026, 4, 30)
    )
    transfer_member(member=w.mover, cell=w.cell_b, effective_on=datetime.date(2026, 5, 1))
    CommitteeSeat.objects.create(
        member=w.mover, organization=w.cell_b, position=2, starts_on=datetime.date(2026, 6, 1)
    )


def mover_disciplined(w, violation_cell):
    return DisciplineRecord.objects.create(
        member=w.mover,
        decided_on=datetime.date(2026, 9, 10),
        form=DisciplineRecord.Form.REPRIMAND,
        decided_by="Đảng ủy Trường An Bình",
        violation_year=2026,
        violation_cell=violation_cell,
    )


def collectives_of(w, cell):
    return [
        review_collective(w.subject(unit=cell, kind=kind), w.base_staff)
        for kind in (Subject.Kind.ORGANIZATION, Subject.Kind.LEADERSHIP)
    ]


@pytest.mark.parametrize("where", ["former cell", "current cell"])
def test_r_rate_5_a_violation_at_the_former_cell_does_not_count_against_the_new_one(db, where):
    """R-RATE-5: X's violation committed at CB3 does not touch CB4's collectives, although X sits
    on CB4's committee; the same violation committed at CB4 does (R-RATE-6)."""
    w = open_world(transfer_world)
    assert fresh(w.subject(member=w.mover)).unit.organization == w.cell_b
    mover_disciplined(w, w.cell_a if where == "former cell" else None)
    for collective in collectives_of(w, w.cell_b):
        if where == "former cell":
            accept_proposal(w.base_staff, collective, "HTTNV")
        else:
            refuse_proposal("R-RATE-6", w.base_staff, collective, "HTTNV")
            accept_proposal(w.base_staff, collective, "KHTNV")


def test_r_rate_5_a_violation_at_the_former_cell_counts_against_the_former_cells_collective(db):
    """R-RATE-5: the violation X committed while on CB3's committee counts against CB3's
    collectives (unremedied: KHTNV, R-RATE-6), though X left CB3 before the reference date."""
    w = open_world(transfer_world)
    mover_disciplined(w, w.cell_a)
    for collective in collectives_of(w, w.cell_a):
        refuse_proposal("R-RATE-6", w.base_staff, collective, "HTTNV")
        accept_proposal(w.base_staff, collective, "KHTNV")


# == R-RATE-6: discipline in a collective ===========================================================


def committee_cell(w):
    """CB3 under CS1 with a cell committee: Y (secretary) and X (committee member)."""
    since = datetime.date(2020, 1, 1)
    w.cell_a = make_org(Kind.CELL, w.base, name="Chi bộ Tổ Lý", code="CB3", has_leadership_collective=True)
    w.head_a = make_member(w.cell_a, "Đỗ", "Văn", "Minh")
    w.seated = make_member(w.cell_a, "Bùi", "Văn", "Phúc")
    CommitteeSeat.objects.create(member=w.head_a, organization=w.cell_a, position=0, starts_on=since)
    CommitteeSeat.objects.create(member=w.seated, organization=w.cell_a, position=2, starts_on=since)


def test_r_rate_6_a_disciplined_committee_member_blocks_htxsnv_even_when_self_found(db):
    """R-RATE-6: a member of the leadership collective disciplined in the year (self-found and
    remedied): the collective cannot be HTXSNV but can be HTTNV."""
    w = open_world(committee_cell)
    _organization, leadership = collectives_of(w, w.cell_a)
    assert not workflow.blockers(leadership, "propose", actor=w.base_staff, level="HTXSNV").blockers
    DisciplineRecord.objects.create(
        member=w.seated,
        decided_on=datetime.date(2026, 7, 1),
        form=DisciplineRecord.Form.REPRIMAND,
        decided_by="Đảng ủy Trường An Bình",
        violation_year=2026,
        self_found_and_remedied=True,
    )
    refuse_proposal("R-RATE-6", w.base_staff, leadership, "HTXSNV")
    accept_proposal(w.base_staff, leadership, "HTTNV")


def test_r_rate_6_an_unremedied_discipline_in_the_collective_forces_khtnv(db):
    """R-RATE-6: not found and remedied by the collective itself → only KHTNV, for the cell and
    for its committee; checked again at the decision."""
    w = open_world(committee_cell)
    organization, leadership = collectives_of(w, w.cell_a)
    propose_levels(w.base_staff, {organization: "HTTNV"})
    DisciplineRecord.objects.create(
        member=w.seated,
        decided_on=datetime.date(2026, 7, 1),
        form=DisciplineRecord.Form.WARNING,
        decided_by="Đảng ủy Trường An Bình",
        violation_year=2026,
    )
    refuse_proposal("R-RATE-6", w.base_staff, leadership, "HTNV")
    accept_proposal(w.base_staff, leadership, "KHTNV")
    refuse_decision("R-RATE-6", w.base_staff, {organization: ""})
    accept_decision(
        w.base_staff, {organization: "KHTNV"}, reason="Quyết định thấp hơn mức đề xuất theo quy định"
    )


def test_r_rate_6_a_disciplined_leadership_collective_is_khtnv(db):
    """R-RATE-6: the leadership collective itself disciplined → KHTNV, even if self-found."""
    w = open_world(committee_cell)
    _organization, leadership = collectives_of(w, w.cell_a)
    OrganizationDiscipline.objects.create(
        organization=w.cell_a,
        decided_on=datetime.date(2026, 8, 1),
        form="Khiển trách",
        decided_by="Ban Thường vụ Đảng ủy xã",
        violation_year=2026,
        leadership_collective=True,
        self_found_and_remedied=True,
    )
    refuse_proposal("R-RATE-6", w.base_staff, leadership, "HTNV")
    accept_proposal(w.base_staff, leadership, "KHTNV")


@pytest.mark.parametrize(
    "disciplined,self_found,forbidden,allowed",
    [
        (1, True, "HTXSNV", "HTTNV"),  # 1 of 5 = 20 %, not more than 20 %: only HTXSNV is blocked
        (1, False, "HTNV", "KHTNV"),  # not found and remedied by itself
        (2, True, "HTNV", "KHTNV"),  # 2 of 5 = 40 % > 20 %
    ],
)
def test_r_rate_6_disciplined_subordinate_organizations(db, disciplined, self_found, forbidden, allowed):
    """R-RATE-6: a disciplined subordinate organization blocks HTXSNV of the organization above;
    unremedied, or more than 20 % of its subordinates disciplined, it is KHTNV."""
    w = open_world(lambda w: add_cells(w, 3))
    cells = [w.subject(unit=c) for c in [*w.extra_cells, w.cell1, w.cell2]]
    for cell in cells:
        review_collective(cell, w.base_staff)
    propose_levels(w.base_staff, {c: "HTTNV" for c in cells})
    accept_decision(w.base_staff, {c: "" for c in cells})
    base = review_collective(w.subject(unit=w.base), w.commune_staff)
    assert not workflow.blockers(base, "propose", actor=w.commune_staff, level="HTXSNV").blockers
    for organization in w.extra_cells[:disciplined]:
        OrganizationDiscipline.objects.create(
            organization=organization,
            decided_on=datetime.date(2026, 5, 5),
            form="Khiển trách",
            decided_by="Ban Thường vụ Đảng ủy xã",
            violation_year=2026,
            self_found_and_remedied=self_found,
        )
    refuse_proposal("R-RATE-6", w.commune_staff, base, forbidden)
    accept_proposal(w.commune_staff, base, allowed)
    refuse_decision("R-RATE-6", w.commune_staff, {base: forbidden})
    accept_decision(w.commune_staff, {base: ""})


# == R-RATE-7: thresholds for HTXSNV organizations ===================================================


@pytest.mark.parametrize(
    "levels,absent,ok",
    [
        (["HTTNV"] * 7, 0, True),
        (["HTXSNV"] + ["HTTNV"] * 5 + ["HTNV"], 0, True),  # 6 of 7 HTTNV or better
        (["HTTNV"] * 5 + ["HTNV"] * 2, 0, False),  # 5 of 7 = 71 % < 80 %
        (["HTTNV"] * 6 + ["KHTNV"], 0, False),  # not 100 % HTNV or better
        (["HTTNV"] * 6 + [None], 0, False),  # a member not yet proposed
        (["HTTNV"] * 4 + ["HTNV"], 2, True),  # exactly 80 % of the 5 rated; the absent do not count
        (["HTTNV"] * 3 + ["HTNV"] * 2, 2, False),
    ],
)
def test_r_rate_7_a_cell_is_htxsnv_only_with_100_percent_htnv_and_80_percent_httnv(world, levels, absent, ok):
    """R-RATE-7: a cell is HTXSNV only if all its rated members are HTNV or better and at least
    80 % HTTNV or better (their proposed or decided levels)."""
    w = world
    reviewed = w.members1[absent:]
    cell, members = review_cell(w.season, w.cell1, w.secretary, {m: {} for m in reviewed})
    assert sum(fresh(w.subject(member=m)).state == S.ABSENT for m in w.members1) == absent
    proposals = {members[m]: level for m, level in zip(reviewed, levels, strict=True) if level}
    propose_levels(w.secretary, proposals)
    if ok:
        accept_proposal(w.base_staff, cell, "HTXSNV")
    else:
        refuse_proposal("R-RATE-7", w.base_staff, cell, "HTXSNV")
        accept_proposal(w.base_staff, cell, "HTTNV")


@pytest.mark.parametrize(
    "levels,ok",
    [
        (["HTXSNV", "HTTNV", "HTTNV", "HTTNV", "HTNV"], True),  # 4 of 5 = 80 %
        (["HTTNV", "HTTNV", "HTTNV", "HTNV", "HTNV"], False),  # 3 of 5 = 60 %
        (["HTXSNV", "HTTNV", "HTTNV", "HTTNV", "KHTNV"], False),  # one below HTNV
        (["HTTNV", "HTTNV", "HTTNV", "HTTNV", None], False),  # one not yet proposed
    ],
)
def test_r_rate_7_an_organization_with_subordinates_is_htxsnv_only_with_their_shares(db, levels, ok):
    """R-RATE-7: a party organization with subordinates is HTXSNV only if all of them are HTNV or
    better and at least 80 % HTTNV or better."""
    w = open_world(lambda w: add_cells(w, 3))
    cells = [w.subject(unit=c) for c in [*w.extra_cells, w.cell1, w.cell2]]
    for cell in cells:
        review_collective(cell, w.base_staff)
    propose_levels(w.base_staff, {c: level for c, level in zip(cells, levels, strict=True) if level})
    base = review_collective(w.subject(unit=w.base), w.commune_staff)
    if ok:
        accept_proposal(w.commune_staff, base, "HTXSNV")
    else:
        refuse_proposal("R-RATE-7", w.commune_staff, base, "HTXSNV")
        accept_proposal(w.commune_staff, base, "HTTNV")


def test_r_rate_7_is_checked_again_at_the_decision(db):
    """R-RATE-7 at the decision: a cell proposed HTXSNV is refused while its members' levels fall
    short, and decided once a member's proposal is appraised again. (The copied rule set lets a
    reason pass the quota, so that R-RATE-2 does not hide R-RATE-7.)"""
    w = open_world(rule_set=copy_rule_set("qd124-test-exceed", quota={"exceed_with_reason": True}))
    cell, members = cell1_reviewed(w)
    levels = ["HTTNV"] * 5 + ["HTNV"] * 2
    propose_levels(w.secretary, {members[m]: level for m, level in zip(w.members1, levels, strict=True)})
    propose_levels(w.base_staff, {cell: "HTTNV"})
    why = "Chi bộ tiêu biểu"
    refuse_decision("R-RATE-7", w.base_staff, {cell: "HTXSNV"}, reason=why)
    last = members[w.members1[-1]]
    workflow.return_proposal(subject=fresh(last), actor=w.base_staff, reason="Xem xét lại mức xếp loại")
    propose_levels(w.secretary, {last: "HTTNV"})
    accept_decision(w.base_staff, {cell: "HTXSNV"}, reason=why)


# == R-RATE-8: a head rated above the collective they lead ===========================================


def head_proposed(w, head_level="HTTNV", cell_level="HTNV"):
    cell, members = review_cell(w.season, w.cell1, w.secretary, {w.head: {}})
    propose_levels(w.base_staff, {cell: cell_level})
    propose_levels(w.secretary, {members[w.head]: head_level})
    return cell, members[w.head]


def test_r_rate_8_a_head_above_the_collective_needs_a_reason(world):
    """R-RATE-8 (default "warn"): the head of CB1 rated HTTNV above CB1's HTNV is decided only with
    a reason, which is recorded; at the cell's own level no reason is needed."""
    w = world
    cell, head = head_proposed(w)
    # In one batch with the cell: still above it, still refused without a reason.
    refuse_decision("R-RATE-8", w.base_staff, {cell: "", head: ""})
    accept_decision(w.base_staff, {cell: ""})
    refuse_decision("R-RATE-8", w.base_staff, {head: ""})
    assert not workflow.blockers(fresh(head), "decide", level="HTNV").warnings
    assert any(x.rule == "R-RATE-8" for x in workflow.blockers(fresh(head), "decide", level="HTTNV").warnings)
    why = "Trực tiếp chỉ đạo hoàn thành vượt chỉ tiêu chuyên môn"
    (decision,) = accept_decision(w.base_staff, {head: ""}, reason=why)
    assert decision.reason == why
    assert Event.objects.get(subject=head, action="decide").reason == why


def test_r_rate_8_switched_to_block_a_reason_does_not_help(db):
    """R-RATE-8 configurable: with head_above_collective = "block" the head cannot be rated above
    the collective, reason or not; at its level the head is decided."""
    w = open_world(rule_set=copy_rule_set("qd124-test-block", switches={"head_above_collective": "block"}))
    cell, head = head_proposed(w)
    accept_decision(w.base_staff, {cell: ""})
    refuse_decision("R-RATE-8", w.base_staff, {head: ""}, reason="Lý do bất kỳ")
    accept_decision(w.base_staff, {head: "HTNV"}, reason="Quyết định thấp hơn mức đề xuất theo quy định")


# == R-RATE-9: members who are also civil servants ====================================================


def civil_world(w):
    Member.objects.filter(pk__in=[m.pk for m in w.members1[2:6]]).update(is_civil_servant=True)


def test_r_rate_9_a_civil_service_khtnv_makes_the_party_rating_khtnv(db):
    """R-RATE-9: rated KHTNV as a civil servant → KHTNV as a party member."""
    w = open_world(civil_world)
    an, binh = w.members1[2:4]
    cell, members = cell1_reviewed(w, {an: dict(civil_level="KHTNV"), binh: dict(civil_level="HTTNV")})
    assert members[an].civil_service_level == "KHTNV"
    refuse_proposal("R-RATE-9", w.secretary, members[an], "HTNV")
    accept_proposal(w.secretary, members[an], "KHTNV")
    # The cell records Bình's civil-service result at the proposal; the decision checks it again.
    accept_proposal(w.secretary, members[binh], "KHTNV", civil="KHTNV")
    decide_cell(w, cell)
    refuse_decision("R-RATE-9", w.base_staff, {members[binh]: "HTNV"})
    accept_decision(w.base_staff, {members[an]: "", members[binh]: ""})


def test_r_rate_9_party_htxsnv_needs_civil_service_htxsnv(db):
    """R-RATE-9: HTXSNV as a party member needs HTXSNV as a civil servant."""
    w = open_world(civil_world)
    an, binh, cuong = w.members1[2:5]
    _cell, members = cell1_reviewed(
        w,
        {
            an: dict(level="HTXSNV", civil_level="HTTNV"),
            binh: dict(level="HTXSNV", civil_level="HTXSNV"),
            cuong: dict(level="HTXSNV", civil_level="HTTNV"),
        },
    )
    refuse_proposal("R-RATE-9", w.secretary, members[an], "HTXSNV")
    accept_proposal(w.secretary, members[an], "HTTNV")
    accept_proposal(w.secretary, members[binh], "HTXSNV")
    accept_proposal(w.secretary, members[cuong], "HTXSNV", civil="HTXSNV")  # as rated by the agency


def test_r_rate_9_a_missing_civil_service_rating_blocks_the_party_rating(db):
    """R-RATE-9: without the civil-service rating of a civil servant, no party rating is proposed;
    members who are not civil servants are not asked for one."""
    w = open_world(civil_world)
    an, giang = w.members1[2], w.members1[6]
    _cell, members = cell1_reviewed(w)
    Subject.objects.filter(pk=members[an].pk).update(civil_service_level="")  # not known yet
    refuse_proposal("R-RATE-9", w.secretary, members[an], "HTTNV")
    accept_proposal(w.secretary, members[an], "HTTNV", civil="HTTNV")
    assert not fresh(members[giang]).is_civil_servant
    accept_proposal(w.secretary, members[giang], "HTTNV")


def test_r_rate_9_the_link_can_be_switched_off(db):
    """R-RATE-9 configurable: with civil_service_link off, the civil-service rating does not bind."""
    w = open_world(
        civil_world, rule_set=copy_rule_set("qd124-test-civil", switches={"civil_service_link": False})
    )
    an = w.members1[2]
    _cell, members = cell1_reviewed(w, {an: dict(civil_level="KHTNV")})
    accept_proposal(w.secretary, members[an], "HTTNV")


# == R-RATE-10: sick leave and maternity leave =======================================================


def test_r_rate_10_sick_leave_of_90_days_or_more_caps_the_level_at_htnv(world):
    """R-RATE-10: 90 days of sick leave in the year → not above HTNV; 89 days, or sick leave in
    another year, change nothing."""
    w = world
    an, binh, cuong, dung = w.members1[2:6]
    LeaveRecord.objects.create(member=an, year=2026, kind=LeaveRecord.Kind.SICK, days=90)
    LeaveRecord.objects.create(member=binh, year=2026, kind=LeaveRecord.Kind.SICK, days=89)
    LeaveRecord.objects.create(member=cuong, year=2025, kind=LeaveRecord.Kind.SICK, days=200)
    cell, members = cell1_reviewed(w)
    reasons = refuse_proposal("R-RATE-10", w.secretary, members[an], "HTTNV")
    assert "90" in " ".join(reasons)
    accept_proposal(w.secretary, members[an], "HTNV")
    accept_proposal(w.secretary, members[binh], "HTTNV")
    accept_proposal(w.secretary, members[cuong], "HTTNV")
    accept_proposal(w.secretary, members[dung], "HTTNV")
    decide_cell(w, cell)
    LeaveRecord.objects.create(member=dung, year=2026, kind=LeaveRecord.Kind.SICK, days=120)
    refuse_decision("R-RATE-10", w.base_staff, {members[dung]: ""})
    accept_decision(
        w.base_staff,
        {members[dung]: "HTNV", members[an]: "", members[binh]: ""},
        reason="Quyết định thấp hơn mức đề xuất theo quy định",
    )


def test_r_rate_10_maternity_leave_is_a_note_not_a_limit(world):
    """R-RATE-10: maternity leave is rated on the time actually worked: a note, never a block."""
    w = world
    deputy = w.deputy
    LeaveRecord.objects.create(member=deputy, year=2026, kind=LeaveRecord.Kind.MATERNITY, days=180)
    cell, members = cell1_reviewed(w)
    verdict = workflow.blockers(members[deputy], "propose", actor=w.secretary, level="HTTNV")
    assert not verdict.blockers
    assert any(note.rule == "R-RATE-10" for note in verdict.warnings)
    accept_proposal(w.secretary, members[deputy], "HTTNV")
    decide_cell(w, cell)
    accept_decision(w.base_staff, {members[deputy]: ""})


# == R-RATE-11: a second consecutive KHTNV ===========================================================


def khtnv_in_2025(w, members: dict) -> None:
    """Open 2025 for the same province and decide CB1 HTNV and `members` (member → level) there."""
    season_2025 = open_season_124(top_organization=w.province, year=2025, reference_date=REFERENCE_2025)
    cell_2025, earlier = review_cell(season_2025, w.cell1, w.secretary, {m: {} for m in members})
    propose_levels(w.base_staff, {cell_2025: "HTNV"})
    accept_decision(w.base_staff, {cell_2025: ""})
    propose_levels(w.secretary, {earlier[m]: level for m, level in members.items()})
    accept_decision(w.base_staff, {s: "" for s in earlier.values()})


def test_r_rate_11_a_second_consecutive_khtnv_flags_the_member(world):
    """R-RATE-11: KHTNV in 2025 and again in 2026 sets flags["second_khtnv"]; KHTNV after another
    level, or another level after KHTNV, does not. The flag decides nothing by itself."""
    w = world
    an, binh, cuong, dung = w.members1[2:6]
    khtnv_in_2025(w, {an: "KHTNV", binh: "HTNV", cuong: "KHTNV"})  # Dũng not reviewed in 2025
    cell, members = cell1_reviewed(w)
    decide_cell(w, cell, "HTNV")
    levels = {members[an]: "KHTNV", members[binh]: "KHTNV", members[cuong]: "HTTNV", members[dung]: "KHTNV"}
    propose_levels(w.secretary, levels)
    accept_decision(w.base_staff, {s: "" for s in levels})
    flagged = {m for m in (an, binh, cuong, dung) if fresh(members[m]).flags.get("second_khtnv")}
    assert flagged == {an}
    assert Member.objects.get(pk=an.pk).status == "active"  # people decide on removal, not the app


def test_r_rate_11_the_flag_follows_the_decision_in_force(world):
    """R-RATE-11: the flag marks a second consecutive KHTNV; when that KHTNV is reopened
    (R-STEP-4) and the member is decided HTNV instead, the member is no longer flagged."""
    w = world
    an = w.members1[2]
    khtnv_in_2025(w, {an: "KHTNV"})
    cell, members = cell1_reviewed(w)
    decide_cell(w, cell, "HTNV")
    propose_levels(w.secretary, {members[an]: "KHTNV"})
    accept_decision(w.base_staff, {members[an]: ""})
    assert fresh(members[an]).flags.get("second_khtnv") is True
    workflow.reopen(
        subject=fresh(members[an]), actor=w.base_staff, reason="Xem xét lại theo đơn của đảng viên"
    )
    accept_decision(w.base_staff, {members[an]: "HTNV"}, reason="Chi bộ xem xét lại")
    assert not fresh(members[an]).flags.get("second_khtnv")


def test_r_rate_11_a_re_rating_that_makes_two_consecutive_khtnv_years_flags_the_member(world):
    """R-RATE-11 after R-RATE-4: 2026 was decided KHTNV; a discipline then re-rates 2025 KHTNV:
    two consecutive KHTNV years, so the 2026 subject is flagged."""
    w = world
    an = w.members1[2]
    khtnv_in_2025(w, {an: "HTTNV"})
    cell, members = cell1_reviewed(w)
    decide_cell(w, cell, "HTNV")
    propose_levels(w.secretary, {members[an]: "KHTNV"})
    accept_decision(w.base_staff, {members[an]: ""})
    assert not fresh(members[an]).flags.get("second_khtnv")  # 2025 was HTTNV then
    rerate_for_past_violation(record=past_violation(an), actor=w.commune_staff)
    assert Subject.objects.get(season__year=2025, member=an).decided_level == "KHTNV"
    assert fresh(members[an]).flags.get("second_khtnv") is True


def test_r_order_6_a_batch_decides_the_organization_before_its_leadership_collective(db):
    """R-ORDER-6 in one batch: the leadership collective listed first is still checked after its
    organization (the page's order must not decide it); alone, it is refused."""
    w = open_world(committee_cell)
    organization, leadership = collectives_of(w, w.cell_a)
    propose_levels(w.base_staff, {organization: "HTTNV", leadership: "HTTNV"})
    refuse_decision("R-ORDER-6", w.base_staff, {leadership: "HTTNV"})
    decide_levels(w.base_staff, {leadership: "HTTNV", organization: "HTTNV"})
    assert (fresh(organization).state, fresh(leadership).state) == (S.DECIDED, S.DECIDED)
