"""An audit of the QĐ 366 / HD 43 regime against its rules (regulation-366.md): each test states
one rule, cites its ID, and proves what the code does at the rule's boundary or where the code
had drifted from the rule."""

import datetime
import json
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from members.models import LeaveRecord
from organizations.models import Kind
from reviews import workflow
from reviews.defaults import rule_set_data, shipped_rule_set
from reviews.models import QuarterlyEvaluation, RuleSet, Subject
from reviews.quarters import services
from reviews.quarters.results import year_panel
from reviews.quarters.setup import save_quarter_setup
from reviews.regimes.qd366.levels import Standing, outcome
from reviews.regimes.qd366.standing import found_cases
from reviews.rules import circulation_warning, group_quota, quota_count
from reviews.scope import open_season
from reviews.scoring import Tasks
from tests.factories import make_member, make_org
from tests.reviews.conftest import QD124, QD366, REFERENCE, build_world
from tests.reviews.helpers import fresh, task_rows
from tests.reviews.test_qd366 import reviewed_cell, world366
from tests.reviews.test_quarters import quarter_world

E = QuarterlyEvaluation.State
DATA = rule_set_data("qd366-hd43-2025.json")
SCORING = DATA["scoring"]
CODES = [level["code"] for level in DATA["levels"]]
RULES = RuleSet(levels=DATA["levels"], scoring=SCORING, quota=DATA["quota"], switches=DATA["switches"])
TOP, GOOD, PASSING, LOWEST = CODES


@pytest.mark.django_db
def test_r366_qtr_1_and_qtr_4_a_profile_the_province_evaluates_quarterly_has_its_quarters_on_the_year():
    """R366-QTR-1: which posts are evaluated each quarter is configurable (default LĐ and LĐ-TW);
    R366-QTR-4: the product shows the quarters on the annual proposal. A member of a profile the
    province added (here KLĐ) is evaluated each quarter, so the year shows their quarters too."""
    w = quarter_world()
    save_quarter_setup(season=w.season, actor=w.board, profiles=["LD", "KLD", "NHT"])
    services.open_quarter(season=w.season, actor=w.board, number=2)
    member = w.members2[1]
    subject = fresh(w.subject(member=member))
    assert subject.profile not in ("LD", "LD_TW")
    QuarterlyEvaluation.objects.filter(quarter__number=2, subject=subject).update(
        state=E.DECIDED, decided_level="HTTNV", decided_points=85
    )
    panel = year_panel(subject)
    assert panel is not None
    assert [r.level for r in panel["results"]] == ["", "HTTNV", ""]


@pytest.mark.django_db
def test_r366_qtr_4_a_leader_moved_to_another_profile_keeps_their_recorded_quarters_on_the_year(client):
    """R366-QTR-4: the deputy, a leader (LĐ) evaluated in Q2, is now of a profile the province does
    not evaluate quarterly (KLĐ): the year still shows the quarter recorded, as the checks that
    read the quarters still use it — on the year's form too."""
    from django.urls import reverse

    w = quarter_world()
    services.open_quarter(season=w.season, actor=w.board, number=2)
    subject = fresh(w.subject(member=w.deputy))
    QuarterlyEvaluation.objects.filter(quarter__number=2, subject=subject).update(
        state=E.DECIDED, decided_level="HTTNV", decided_points=85
    )
    Subject.objects.filter(pk=subject.pk).update(profile="KLD")
    panel = year_panel(fresh(subject))
    assert panel is not None and [r.level for r in panel["results"]] == ["", "HTTNV", ""]
    client.force_login(w.member_user)
    page = client.get(reverse("reviews:form", kwargs={"season": w.season.pk, "subject": subject.pk}))
    assert page.status_code == 200 and 'id="quarters-heading"' in page.content.decode()


@pytest.mark.django_db
def test_r366_qtr_1_a_profile_not_evaluated_quarterly_shows_no_quarters_on_the_year():
    """R366-QTR-1: by default ordinary members (KLĐ, NHT) are not evaluated each quarter, so the
    year shows no quarters for them; a leader (LĐ) has them."""
    w = quarter_world()
    services.open_quarter(season=w.season, actor=w.board, number=2)
    assert year_panel(fresh(w.subject(member=w.members2[1]))) is None
    assert year_panel(fresh(w.subject(member=w.head))) is not None


@pytest.mark.django_db
def test_r366_rate_11_sick_leave_of_3_months_is_rated_on_the_work_done_and_89_days_says_nothing():
    """R366-RATE-11: a member sick for 3 months or more in the year (90 days, the rule set's
    `sick_leave_days`), like one on maternity leave, is rated on the work actually done that year,
    with no cap: the proposal says so, and blocks nothing. 89 days is not 3 months: no note."""
    w = world366()
    long_sick, short_sick = w.members1[3], w.members1[2]
    LeaveRecord.objects.create(member=long_sick, year=2026, kind=LeaveRecord.Kind.SICK, days=90)
    LeaveRecord.objects.create(member=short_sick, year=2026, kind=LeaveRecord.Kind.SICK, days=89)
    _cell, members = reviewed_cell(w, points={"general": "30", "tasks": "65"}, level="HTXSNV")
    by_member = {m.member_id: m for m in members}
    with translation.override("vi"):
        verdict = workflow.blockers(
            fresh(by_member[long_sick.pk]), "propose", actor=w.secretary, level="HTXSNV"
        )
        short = workflow.blockers(
            fresh(by_member[short_sick.pk]), "propose", actor=w.secretary, level="HTXSNV"
        )
    assert verdict.allowed, verdict.blockers
    assert any("Nghỉ ốm 90 ngày" in note and "thực tế" in note for note in verdict.warnings), verdict.warnings
    assert short.allowed and not any("Nghỉ ốm" in note for note in short.warnings), short.warnings


# -- boundaries of the pure rules (no database) -------------------------------------------------------


def level_of(profile: str, points: str, tasks: Tasks, **standing) -> str | None:
    result = outcome(
        Standing(profile=profile, points=Decimal(points), tasks=tasks, **standing), SCORING, CODES
    )
    return result.level


@pytest.mark.parametrize("profile", ["TT", "LD", "LD_TW", "KLD", "NHT"])
def test_r366_rate_2_htxsnv_needs_at_least_30_percent_exceeded_and_exactly_30_is_enough(profile):
    """R366-RATE-2: HTXSNV needs every task on time and at least 30 % exceeded (≥, not >): 3 of 10
    exceeded is enough; 29 of 100 is not, and the level falls to HTTNV."""
    ticks = {"units_led": True}
    assert level_of(profile, "95", Tasks(on_time=7, exceeded=3), **ticks) == TOP
    assert level_of(profile, "95", Tasks(on_time=71, exceeded=29), **ticks) == GOOD


def test_r366_rate_2_htnv_allows_at_most_20_percent_late_and_exactly_20_is_allowed():
    """R366-RATE-2: HTNV needs every task done with at most 20 % late: 1 late of 5 is HTNV; 21 of
    100 meets no level's conditions (the R366-RATE-3 gap, level None); a task not done as well."""
    assert level_of("KLD", "80", Tasks(on_time=4, late=1)) == PASSING
    assert level_of("KLD", "80", Tasks(on_time=79, late=21)) is None
    assert level_of("KLD", "80", Tasks(on_time=99, not_done=1)) is None


def test_r366_rate_2_httnv_needs_every_task_on_time():
    """R366-RATE-2: HTTNV needs 100 % of the tasks on time: one late task of 100 drops it to HTNV."""
    assert level_of("NHT", "85", Tasks(on_time=100)) == GOOD
    assert level_of("NHT", "85", Tasks(on_time=99, late=1)) == PASSING


def _cases(profile: str, tasks: Tasks, units_led_levels=()) -> set[str]:
    subject = SimpleNamespace(profile=profile, member_id=1)
    facts = SimpleNamespace(
        rules=RULES,
        season=SimpleNamespace(year=2026),
        disciplines={},
        units_led_levels={1: list(units_led_levels)},
    )
    return found_cases(subject, facts, tasks)


@pytest.mark.parametrize("profile", ["TT", "LD", "LD_TW"])
def test_r366_rate_4_and_5_under_70_percent_of_the_tasks_is_khtnv_and_exactly_70_is_not(profile):
    """R366-RATE-4 (collective), R366-RATE-5 (leader): a unit under 70 % of its planned tasks is a
    KHTNV case; at exactly 70 % it is not (late tasks count as done)."""
    assert "tasks_below" not in _cases(profile, Tasks(on_time=5, late=2, not_done=3))
    assert "tasks_below" in _cases(profile, Tasks(on_time=69, not_done=31))


@pytest.mark.parametrize("profile", ["KLD", "NHT"])
def test_r366_rate_6_more_than_half_the_tasks_not_done_is_khtnv_and_exactly_half_is_not(profile):
    """R366-RATE-6: more than 50 % of the year's tasks not done is KHTNV; exactly 50 % is not."""
    assert "tasks_not_done" not in _cases(profile, Tasks(on_time=5, not_done=5))
    assert "tasks_not_done" in _cases(profile, Tasks(on_time=49, not_done=51))


@pytest.mark.parametrize("profile", ["LD", "LD_TW"])
def test_r366_rate_5_more_than_half_the_units_led_khtnv_and_exactly_half_is_not(profile):
    """R366-RATE-5: more than 50 % of the units a leader leads rated KHTNV is a case; exactly half
    is not, and a unit not decided yet is not counted as KHTNV."""
    tasks = Tasks(on_time=10)
    assert "units_led_khtnv" not in _cases(profile, tasks, [LOWEST, LOWEST, GOOD, ""])
    assert "units_led_khtnv" in _cases(profile, tasks, [LOWEST, LOWEST, LOWEST, GOOD, PASSING])


def test_r366_rate_10_the_quota_at_its_limit_is_allowed_one_more_is_refused():
    """R366-RATE-10: HTXSNV at most 20 % of the HTTNV count of the group (the base is HTTNV, not the
    group's size), rounded down: 1 HTXSNV beside 5 HTTNV is at the limit and allowed, 2 are over;
    with 4 HTTNV (0.8, rounded down to 0) no HTXSNV; raised to 25 %, 4 HTTNV allow 1."""
    quota = RULES.quota
    at_limit = quota_count("g", [TOP] + [GOOD] * 5 + [PASSING] * 4, quota)
    assert (at_limit.limit, at_limit.exceeded) == (1, False)
    assert quota_count("g", [TOP] * 2 + [GOOD] * 5, quota).exceeded
    small = quota_count("g", [TOP] + [GOOD] * 4 + [PASSING] * 10, quota)
    assert (small.limit, small.exceeded) == (0, True)
    raised = group_quota(quota, SimpleNamespace(raised_percent=quota["raised_percent"]))
    assert raised["percent"] == 25
    assert not quota_count("g", [TOP] + [GOOD] * 4, raised).exceeded
    assert quota_count("g", [TOP] * 2 + [GOOD] * 7, raised).exceeded


def test_r366_order_5_the_draft_three_working_days_before_the_meeting_is_on_time():
    """R366-ORDER-5: the draft collective report goes out at least 3 working days before the
    meeting (`circulation_working_days`); counted as whole working days between the two dates
    (weekends not counted): Monday 16/11 before Friday 20/11 is 3, Tuesday 17/11 only 2."""
    meeting = datetime.date(2026, 11, 20)
    assert circulation_warning(meeting, datetime.date(2026, 11, 16), RULES) == ""
    assert circulation_warning(meeting, datetime.date(2026, 11, 17), RULES)
    assert circulation_warning(datetime.date(2026, 11, 23), datetime.date(2026, 11, 17), RULES) == ""


@pytest.mark.django_db
def test_r366_step_1_a_partial_committee_only_proposes_and_the_upper_levels_decide():
    """R366-STEP-1: a chi bộ trực thuộc or a đảng bộ bộ phận is decided by the đảng ủy cơ sở (a
    đảng ủy bộ phận only proposes, so a cell under it is decided by the base committee too, and so
    are its members); a base organization by the standing committee directly above; the level
    above base by the provincial standing committee; the province outside it (the Politburo and
    Secretariat decide)."""
    w = build_world(open_now=False)
    partial = make_org(Kind.PARTIAL_COMMITTEE, w.base, name="Đảng bộ bộ phận Khối A", code="BP1")
    cell = make_org(Kind.CELL, partial, name="Chi bộ Khối A1", code="CBA1")
    member = make_member(cell, "Đặng", "Văn", "Tâm")
    w.season = open_season(top_organization=w.province, year=2026, reference_date=REFERENCE)
    assert w.season.rule_set.code == QD366
    assert w.subject(unit=partial).decider.organization == w.base
    assert w.subject(unit=cell).decider.organization == w.base
    assert w.subject(member=member).decider.organization == w.base
    assert w.subject(unit=w.base).decider.organization == w.commune
    assert w.subject(unit=w.commune).decider.organization == w.province
    top = w.subject(unit=w.province)
    assert top.decider is None and top.out_of_scope == Subject.OutOfScope.DECIDED_ABOVE


@pytest.mark.django_db
def test_r366_set_1_a_points_rule_set_without_scoring_is_refused_and_opens_no_season():
    """R366-SET-1: under the QĐ 366 regime `scoring` is required (levels come from points): a copy
    of the rule set whose scoring was emptied is refused when saved through its form, and no
    season opens under it."""
    w = build_world(open_now=False)
    copy = shipped_rule_set(QD366)
    copy.pk, copy.code, copy.is_default, copy.frozen_at = None, "tinh-366-khong-diem", False, None
    copy.first_year = copy.last_year = None
    copy.scoring = None
    copy.save()
    with pytest.raises(ValidationError) as refused:
        copy.clean()  # what the administrators' form runs on the rule set
    assert "scoring" in refused.value.message_dict
    with translation.override("vi"), pytest.raises(ValidationError) as refused:
        open_season(top_organization=w.province, year=2026, reference_date=REFERENCE, rule_set=copy)
    assert "thang 100" in " ".join(refused.value.messages)
    assert not w.province.seasons.exists()


def _admin_form_data(rule_set) -> dict:
    """The rule set's fields as its administrators' form posts them, unchanged."""
    from django.forms.models import model_to_dict

    data = {}
    for name, value in model_to_dict(rule_set).items():
        field = rule_set._meta.get_field(name)
        if field.get_internal_type() == "JSONField":
            data[name] = json.dumps(value)
        elif value is not None:
            data[name] = value
    return data


@pytest.mark.django_db
def test_r366_set_1_a_copy_of_the_366_rule_set_can_be_adjusted_before_a_season_opens(rf, admin_user):
    """R366-SET-1 (as R-SET-1): a province adjusts the configurable values of a copy of the rule
    set before its season opens (here the quota's raised rate, R366-RATE-10). The QĐ 366 rule set
    has no grades, no grade rules and no share thresholds (R366-RATE-8: off by default): empty
    values the administrators' form must accept, or no QĐ 366 copy could be saved at all."""
    from django.contrib import admin

    copy = shipped_rule_set(QD366)
    copy.pk, copy.code, copy.is_default, copy.frozen_at = None, "tinh-366-dieu-chinh", False, None
    copy.first_year = copy.last_year = None
    copy.save()
    request = rf.post("/")
    request.user = admin_user
    form_class = admin.site._registry[RuleSet].get_form(request, copy, change=True)
    data = _admin_form_data(copy)
    data["quota"] = json.dumps({**copy.quota, "raised_percent": 22})
    form = form_class(data, instance=copy)
    assert form.is_valid(), form.errors
    form.save()
    assert RuleSet.objects.get(pk=copy.pk).quota["raised_percent"] == 22
    graded = shipped_rule_set(QD124)
    graded.grades = []
    with pytest.raises(ValidationError) as refused:
        graded.clean()  # under QĐ 124 the levels come from the grades: they stay required
    assert "grades" in refused.value.message_dict


@pytest.mark.django_db
def test_r366_step_2_a_re_rating_meets_the_conditions_of_its_level_like_a_decision():
    """R366-STEP-2 with R366-RATE-2: the committee directly above re-rates a result that proved
    wrong, and the new level is the highest whose band and conditions hold, as at a decision: 87
    points with 1 task of 10 late is HTNV (HTTNV needs every task on time), so a re-rating to HTTNV
    is refused, saying which condition fails; the points in force may still be re-rated lower."""
    from reviews.rerating import rerate

    w = world366()
    _cell, members = reviewed_cell(w, tasks=task_rows(6, 3, late=1), level="HTNV")
    subject = members[3]
    workflow.propose(proposals=[workflow.ProposalInput(subject=subject, level="HTNV")], actor=w.secretary)
    workflow.decide(decisions=[workflow.DecisionInput(subject=fresh(subject))], actor=w.base_staff)
    assert fresh(subject).decided_level == PASSING
    with translation.override("vi"), pytest.raises(workflow.WorkflowError) as refused:
        rerate(subject=fresh(subject), actor=w.commune_staff, level=GOOD, reason="Đánh giá lại")
    assert "đúng hạn" in " ".join(refused.value.reasons)
    assert fresh(subject).decided_level == PASSING
    rerate(subject=fresh(subject), actor=w.commune_staff, level=LOWEST, reason="Kết quả không đúng thực chất")
    assert fresh(subject).decided_level == LOWEST


@pytest.mark.django_db
def test_r366_scope_1_a_member_admitted_exactly_6_months_before_is_reviewed_a_day_later_is_not():
    """R366-SCOPE-1: members admitted less than 6 months before (the rule set's
    `new_member_months`) are listed, not reviewed. At the reference date 15/11/2026, one admitted
    on 15/05/2026 has 6 months and is reviewed; one admitted on 16/05/2026 is not."""
    w = build_world(open_now=False)
    six = make_member(w.cell2, "Lý", "Thị", "Sáu", admitted_on=datetime.date(2026, 5, 15), official_on=None)
    short = make_member(w.cell2, "Lý", "Văn", "Năm", admitted_on=datetime.date(2026, 5, 16), official_on=None)
    w.season = open_season(top_organization=w.province, year=2026, reference_date=REFERENCE)
    assert w.season.reference_date == datetime.date(2026, 11, 15)
    assert w.subject(member=six).in_scope
    assert w.subject(member=short).out_of_scope == Subject.OutOfScope.NEW_MEMBER
