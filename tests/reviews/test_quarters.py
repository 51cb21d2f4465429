"""Quarterly evaluation of leaders under QĐ 366 / HD 43 (issue 14): the quarter is a period of the
season, its steps go through the season's engine (locks, guards, the audit chain, access,
notifications). Each test names the R366-QTR rule it proves."""

import datetime
from decimal import Decimal

import pytest
from django.utils import translation

from reviews.audit import verify_chain
from reviews.models import Event, Notification, Quarter, QuarterlyEvaluation, Subject
from reviews.quarters import services
from reviews.quarters.periods import default_period
from reviews.quarters.results import quarter_progress, quarter_results
from reviews.quarters.setup import save_quarter_setup, setup_of
from reviews.scope import open_season
from reviews.workflow import NotAllowed, WorkflowError
from tests.reviews.conftest import REFERENCE, build_world, open_season_124
from tests.reviews.helpers import complete_366

pytestmark = pytest.mark.django_db
Q = QuarterlyEvaluation.State


def quarter_world(extra_members: int = 0):
    """The conftest world under QĐ 366, with the deputy (who has a login) a leader too: the head
    and the deputy of CB1 are LĐ, everyone else KLĐ or NHT."""
    w = build_world(open_now=False, extra_members=extra_members)
    w.deputy.is_leader = True
    w.deputy.save()
    w.season = open_season(top_organization=w.province, year=2026, reference_date=REFERENCE)
    return w


@pytest.fixture
def qw(db):
    return quarter_world()


def evaluation(w, member, number=2) -> QuarterlyEvaluation:
    return QuarterlyEvaluation.objects.select_related("quarter", "subject__season__rule_set").get(
        quarter__season=w.season, quarter__number=number, subject__member=member
    )


def self_assess(w, member, actor, general="25", tasks="60", level="HTTNV", number=2):
    services.save_quarter_draft(
        evaluation=evaluation(w, member, number),
        actor=actor,
        values={
            "planned_tasks": "Chỉ đạo sơ kết quý; hoàn thành đề án chuyển đổi số",
            "self_general": general,
            "self_tasks": tasks,
            "self_level": level,
            "evidence": "Báo cáo sơ kết số 12-BC/CB",
        },
    )
    return services.submit_quarter_self_assessment(evaluation=evaluation(w, member, number), actor=actor)


# -- periods and who is evaluated ------------------------------------------------------------------------


def test_r366_qtr_5_default_deadline_is_the_15th_of_the_quarters_last_month():
    """R366-QTR-5: results reported before the 15th of each quarter's last month, so the default
    deadline lies inside its quarter (Q3: 15/09 for 01/07–30/09): the rule, not a slip."""
    assert default_period(2026, 1).deadline == datetime.date(2026, 3, 15)
    q2 = default_period(2026, 2)
    assert (q2.starts_on, q2.ends_on, q2.deadline) == (
        datetime.date(2026, 4, 1),
        datetime.date(2026, 6, 30),
        datetime.date(2026, 6, 15),
    )
    q3 = default_period(2026, 3)
    assert (q3.ends_on, q3.deadline) == (datetime.date(2026, 9, 30), datetime.date(2026, 9, 15))
    for period in map(default_period, (2026,) * 3, (1, 2, 3)):
        assert period.starts_on < period.deadline < period.ends_on
        assert (period.deadline.month, period.deadline.day) == (period.ends_on.month, 15)


def test_r366_qtr_1_opening_a_quarter_lists_leaders_and_managers_only(qw):
    """R366-QTR-1: by default profiles LĐ and LĐ-TW are evaluated each quarter; ordinary members
    are not. The opening is one event on the season's chain."""
    w = qw
    quarter = services.open_quarter(season=w.season, actor=w.board, number=2)
    assert (quarter.starts_on, quarter.deadline) == (datetime.date(2026, 4, 1), datetime.date(2026, 6, 15))
    evaluated = set(quarter.evaluations.values_list("subject__member", flat=True))
    assert evaluated == {w.head.pk, w.deputy.pk}
    assert set(quarter.evaluations.values_list("state", flat=True)) == {Q.DRAFT}
    head = w.subject(member=w.head)
    assert evaluation(w, w.head).path == head.path and evaluation(w, w.head).decider_id == head.decider_id
    event = Event.objects.get(season=w.season, action="quarter_open")
    assert event.data["evaluations"] == 2 and event.data["quarter"] == 2
    assert verify_chain(w.season) is None


def test_r366_qtr_1_the_province_chooses_which_profiles_are_evaluated(qw):
    """R366-QTR-1: which posts are evaluated is a setting of the season, used by the next opening."""
    w = qw
    assert setup_of(w.season).profiles == ["LD", "LD_TW"]
    save_quarter_setup(season=w.season, actor=w.board, profiles=["LD", "KLD", "NHT"])
    quarter = services.open_quarter(season=w.season, actor=w.board, number=3)
    in_scope_members = Subject.objects.filter(season=w.season, kind="member", out_of_scope="").count()
    assert quarter.evaluations.count() == in_scope_members > 2
    assert Event.objects.filter(season=w.season, action="quarter_setup").count() == 1
    with pytest.raises(WorkflowError):
        save_quarter_setup(season=w.season, actor=w.board, profiles=["TT"])
    with pytest.raises(NotAllowed):
        save_quarter_setup(season=w.season, actor=w.base_staff, profiles=["LD"])


def test_r366_qtr_1_only_the_board_opens_a_quarter(qw):
    """R366-QTR-1: the province's board (or the top committee's staff) opens; a lower level cannot."""
    w = qw
    with pytest.raises(NotAllowed) as refused:
        services.open_quarter(season=w.season, actor=w.commune_staff, number=2)
    assert "Tỉnh ủy Thử" in refused.value.reasons[0]
    assert not Quarter.objects.exists()


def test_r366_qtr_3_the_fourth_quarter_is_not_opened_and_a_quarter_opens_once(qw):
    """R366-QTR-3: Q4 is folded into the year-end rating; each quarter opens once."""
    w = qw
    with pytest.raises(WorkflowError):
        services.open_quarter(season=w.season, actor=w.board, number=4)
    services.open_quarter(season=w.season, actor=w.board, number=2)
    with pytest.raises(WorkflowError) as refused:
        services.open_quarter(season=w.season, actor=w.board, number=2)
    assert "2" in refused.value.reasons[0]
    assert Quarter.objects.filter(season=w.season).count() == 1


def test_r366_qtr_1_a_season_under_the_124_rules_has_no_quarters(db):
    """R366-QTR-1: quarterly evaluation is new with QĐ 366; a QĐ 124 season refuses it."""
    w = build_world(open_now=False)
    w.season = open_season_124(top_organization=w.province, year=2026, reference_date=REFERENCE)
    with pytest.raises(WorkflowError):
        services.open_quarter(season=w.season, actor=w.board, number=2)


# -- the leader's Mẫu 05 -------------------------------------------------------------------------------


def test_r366_qtr_2_self_assessment_on_form_05_with_points_and_level(qw):
    """R366-QTR-2: planned tasks, …/30 + …/70 = …/100 and a proposed level, submitted by the
    leader; the event records the quarter's states, the year's subject keeps its own."""
    w = qw
    services.open_quarter(season=w.season, actor=w.board, number=2)
    done = self_assess(w, w.deputy, w.member_user, general="25,5", tasks="60")
    assert (done.state, done.self_points, done.self_level) == (Q.SUBMITTED, Decimal("85.5"), "HTTNV")
    event = Event.objects.get(action="quarter_submit")
    assert event.subject.member_id == w.deputy.pk
    assert (event.data["from"], event.data["to"], event.data["quarter"]) == (Q.DRAFT, Q.SUBMITTED, 2)
    assert event.from_state == event.to_state == Subject.State.DRAFT
    assert w.subject(member=w.deputy).state == Subject.State.DRAFT
    assert verify_chain(w.season) is None


def test_r366_qtr_2_an_incomplete_form_05_names_what_is_missing(qw):
    """R366-QTR-2: the group maxima (30, 70) and the band of the points bound the proposal."""
    w = qw
    services.open_quarter(season=w.season, actor=w.board, number=2)
    with pytest.raises(WorkflowError) as refused:
        services.submit_quarter_self_assessment(evaluation=evaluation(w, w.deputy), actor=w.member_user)
    assert len(refused.value.reasons) == 4  # tasks, two groups, level
    with pytest.raises(WorkflowError) as refused:
        self_assess(w, w.deputy, w.member_user, general="31", tasks="60")
    assert "30" in refused.value.reasons[0]
    with pytest.raises(WorkflowError) as refused:
        self_assess(w, w.deputy, w.member_user, general="20", tasks="60", level="HTXSNV")
    assert "80" in refused.value.reasons[0] and "HTTNV" in refused.value.reasons[0]
    assert evaluation(w, w.deputy).state == Q.DRAFT


def test_r366_qtr_2_autosave_merges_fields_and_others_may_not_write(qw):
    """R366-QTR-2: a draft save keeps the fields it was not given; only the leader, their cell's
    officers or staff above write it."""
    w = qw
    services.open_quarter(season=w.season, actor=w.board, number=2)
    services.save_quarter_draft(
        evaluation=evaluation(w, w.deputy), actor=w.member_user, values={"evidence": "A"}
    )
    services.save_quarter_draft(
        evaluation=evaluation(w, w.deputy), actor=w.secretary, values={"planned_tasks": "B"}
    )
    saved = evaluation(w, w.deputy)
    assert (saved.evidence, saved.planned_tasks, saved.version) == ("A", "B", 2)
    with pytest.raises(NotAllowed):
        services.save_quarter_draft(evaluation=saved, actor=w.secretary2, values={"evidence": "C"})
    assert evaluation(w, w.deputy).evidence == "A"


# -- the managing body --------------------------------------------------------------------------------


def test_r366_qtr_2_the_managing_body_decides_points_and_level_and_the_leader_hears(qw):
    """R366-QTR-2: the managing body (the level deciding the leader's rating) gives its comment,
    points and level; the leader is notified; the event is on the season's chain."""
    w = qw
    services.open_quarter(season=w.season, actor=w.board, number=2)
    self_assess(w, w.deputy, w.member_user)
    assert w.subject(member=w.deputy).decider.organization == w.base
    done = services.decide_quarter(
        evaluation=evaluation(w, w.deputy),
        actor=w.base_staff,
        general="24",
        tasks="62",
        level="HTTNV",
        comment="Tốt",
    )
    assert (done.state, done.decided_points, done.decided_level, done.decided_by) == (
        Q.DECIDED,
        Decimal("86"),
        "HTTNV",
        w.base_staff,
    )
    event = Event.objects.get(action="quarter_decide")
    assert (event.actor, event.data["to"], event.data["level"]) == (w.base_staff, Q.DECIDED, "HTTNV")
    note = Notification.objects.get(user=w.member_user, kind=Notification.Kind.DECIDED)
    assert "2" in note.text
    assert verify_chain(w.season) is None
    with pytest.raises(WorkflowError) as refused:
        services.decide_quarter(
            evaluation=evaluation(w, w.deputy), actor=w.base_staff, general="24", tasks="62", level="HTNV"
        )
    assert "Đảng bộ Trường An Bình" in refused.value.reasons[0]


def test_r366_qtr_2_only_the_managing_body_in_scope_decides(qw):
    """R366-QTR-2 with the season's access rules: the cell secretary, a level above and an outsider
    are refused, the refusal naming the managing body; nothing changes."""
    w = qw
    services.open_quarter(season=w.season, actor=w.board, number=2)
    self_assess(w, w.deputy, w.member_user)
    for actor in (w.secretary, w.commune_staff, w.outsider, w.member_user):
        with pytest.raises(NotAllowed) as refused:
            services.decide_quarter(
                evaluation=evaluation(w, w.deputy), actor=actor, general="24", tasks="62", level="HTTNV"
            )
        assert "Đảng bộ Trường An Bình" in refused.value.reasons[0]
    assert evaluation(w, w.deputy).state == Q.SUBMITTED
    assert not Event.objects.filter(action="quarter_decide").exists()


def test_r366_qtr_2_decided_level_stays_within_the_band_of_the_points(qw):
    """R366-QTR-2 with R366-RATE-1: the level the managing body gives is not above the band of its
    points; below it is allowed."""
    w = qw
    services.open_quarter(season=w.season, actor=w.board, number=2)
    self_assess(w, w.deputy, w.member_user)
    with pytest.raises(WorkflowError) as refused:
        services.decide_quarter(
            evaluation=evaluation(w, w.deputy), actor=w.base_staff, general="20", tasks="45", level="HTTNV"
        )
    assert "65" in refused.value.reasons[0]
    with pytest.raises(WorkflowError):
        services.decide_quarter(
            evaluation=evaluation(w, w.deputy), actor=w.base_staff, general="20", tasks="75", level="HTNV"
        )
    done = services.decide_quarter(
        evaluation=evaluation(w, w.deputy), actor=w.base_staff, general="29", tasks="65", level="HTNV"
    )
    assert (done.decided_points, done.decided_level) == (Decimal("94"), "HTNV")


def test_r366_qtr_2_return_with_a_reason_then_resubmit(qw):
    """R366-QTR-2: the managing body returns the self-assessment with a reason; the leader hears,
    reworks and submits again; a decision needs a submitted form."""
    w = qw
    services.open_quarter(season=w.season, actor=w.board, number=2)
    with pytest.raises(WorkflowError) as refused:
        services.decide_quarter(
            evaluation=evaluation(w, w.deputy), actor=w.base_staff, general="24", tasks="62", level="HTTNV"
        )
    assert "Phạm Thị Lan" in refused.value.reasons[0]
    self_assess(w, w.deputy, w.member_user)
    with pytest.raises(WorkflowError):
        services.return_quarter_evaluation(evaluation=evaluation(w, w.deputy), actor=w.base_staff, reason=" ")
    with pytest.raises(NotAllowed):
        services.return_quarter_evaluation(
            evaluation=evaluation(w, w.deputy), actor=w.secretary, reason="Thiếu"
        )
    with pytest.raises(NotAllowed):  # who may act is said first, before a missing reason
        services.return_quarter_evaluation(evaluation=evaluation(w, w.deputy), actor=w.secretary, reason="")
    returned = services.return_quarter_evaluation(
        evaluation=evaluation(w, w.deputy), actor=w.base_staff, reason="Thiếu minh chứng"
    )
    assert (returned.state, returned.return_reason) == (Q.RETURNED, "Thiếu minh chứng")
    assert Event.objects.get(action="quarter_return").reason == "Thiếu minh chứng"
    note = Notification.objects.get(user=w.member_user, kind=Notification.Kind.RETURNED)
    assert "Thiếu minh chứng" in note.text
    assert self_assess(w, w.deputy, w.member_user).state == Q.SUBMITTED
    with pytest.raises(WorkflowError):
        self_assess(w, w.deputy, w.member_user)  # submitted already: the managing body acts now


def test_r366_qtr_4_no_quarterly_quota_unless_switched_on(qw):
    """R366-QTR-4: a quarter has no quota by default — two HTXSNV among two leaders pass; switched
    on, the season's quota (R366-RATE-10) refuses the second."""
    w = qw
    services.open_quarter(season=w.season, actor=w.board, number=2)
    for member in (w.head, w.deputy):
        self_assess(w, member, w.secretary, general="29", tasks="66", level="HTXSNV")
    services.decide_quarter(
        evaluation=evaluation(w, w.head), actor=w.base_staff, general="29", tasks="66", level="HTXSNV"
    )
    services.decide_quarter(
        evaluation=evaluation(w, w.deputy), actor=w.base_staff, general="29", tasks="66", level="HTXSNV"
    )
    services.open_quarter(season=w.season, actor=w.board, number=3)
    save_quarter_setup(season=w.season, actor=w.board, profiles=["LD", "LD_TW"], quota=True)
    for member in (w.head, w.deputy):
        self_assess(w, member, w.secretary, general="29", tasks="66", level="HTXSNV", number=3)
    with pytest.raises(WorkflowError) as refused:
        services.decide_quarter(
            evaluation=evaluation(w, w.head, 3), actor=w.base_staff, general="29", tasks="66", level="HTXSNV"
        )
    assert "HTXSNV" in refused.value.reasons[0]
    assert evaluation(w, w.head, 3).state == Q.SUBMITTED


# -- what the year reads -------------------------------------------------------------------------------


def test_r366_qtr_5_a_quarter_not_run_is_not_evaluated_and_blocks_nothing(qw):
    """R366-QTR-5: Q1/2026 not run — Q2 opens without it, the leader's quarters read "not
    evaluated" for Q1, and the year's form is submitted while Q2 still waits (R366-QTR-3: Q4 is
    the year's)."""
    w = qw
    services.open_quarter(season=w.season, actor=w.board, number=2)
    self_assess(w, w.deputy, w.member_user)
    self_assess(w, w.head, w.secretary)
    services.decide_quarter(
        evaluation=evaluation(w, w.deputy), actor=w.base_staff, general="24", tasks="62", level="HTTNV"
    )
    results = quarter_results(w.subject(member=w.deputy))
    assert [r.number for r in results] == [1, 2, 3]
    assert [r.evaluation is None for r in results] == [True, False, True]
    with translation.override("en"):
        assert results[0].status == "Not evaluated" and results[1].level == "HTTNV"
    assert quarter_results(w.subject(member=w.head))[1].level == ""
    year = complete_366(w.subject(member=w.head), w.secretary)
    assert year.state == Subject.State.SUBMITTED


def test_r366_qtr_1_progress_per_quarter_in_constant_queries(qw, django_assert_num_queries):
    """R366-QTR-1, R366-QTR-5: per quarter, who has not self-assessed, who is not yet evaluated,
    the levels; a quarter not run is None; two queries whatever the size."""
    w = qw
    services.open_quarter(season=w.season, actor=w.board, number=2)
    self_assess(w, w.deputy, w.member_user)
    services.decide_quarter(
        evaluation=evaluation(w, w.deputy), actor=w.base_staff, general="24", tasks="62", level="HTTNV"
    )
    with django_assert_num_queries(2):
        progress = quarter_progress(w.season)
    assert progress[1] is None and progress[3] is None
    q2 = progress[2]
    assert (q2.total, q2.not_self_assessed, q2.not_evaluated, q2.by_level) == (2, 1, 1, {"HTTNV": 1})
    from reviews.access import season_scope

    other_cell = quarter_progress(w.season, season_scope(w.secretary2, w.season).q())
    assert other_cell[2].total == 0


def test_r366_qtr_5_the_demo_has_q2_and_q3_evaluated_and_q1_not_run(db):
    """R366-QTR-5 in the demo (issue 14): Q1 not run; Q2 all evaluated by the base committee's
    login, Q3 partly waiting for it; the chain verifies."""
    from members.demo import seed_demo
    from reviews.demo import seed_seasons
    from reviews.models import Season

    result = seed_demo(members=600, seed=5)
    seed_seasons(seed=5, days=result.days)
    season = Season.objects.get(year=2026)
    progress = quarter_progress(season)
    assert progress[1] is None
    q2, q3 = progress[2], progress[3]
    assert q2.by_level and sum(q2.by_level.values()) > 0
    assert q3.by_state.get(Q.SUBMITTED, 0) > 0
    waiting = QuarterlyEvaluation.objects.filter(quarter__season=season, state=Q.SUBMITTED).first()
    from django.contrib.auth import get_user_model

    dangu = get_user_model().objects.get(username="dangu")
    from reviews.quarters.guards import may_evaluate

    assert may_evaluate(dangu, waiting) is None
    bithu = QuarterlyEvaluation.objects.get(
        quarter__season=season, quarter__number=3, subject__member__user__username="bithu"
    )
    assert bithu.state == Q.DRAFT
    assert verify_chain(season) is None


def test_r366_qtr_2_autosave_refuses_points_over_the_groups_maximum(qw):
    """R366-QTR-2 with R366-SCORE-1: a typed 31/30 is not saved and the refusal names the group."""
    w = qw
    services.open_quarter(season=w.season, actor=w.board, number=2)
    mine = evaluation(w, w.deputy)
    services.save_quarter_draft(evaluation=mine, actor=w.member_user, values={"self_general": "12,5"})
    with pytest.raises(WorkflowError) as refused:
        services.save_quarter_draft(evaluation=mine, actor=w.member_user, values={"self_general": "31"})
    assert "30" in refused.value.reasons[0]
    assert evaluation(w, w.deputy).self_general == Decimal("12.5")
    services.save_quarter_draft(evaluation=mine, actor=w.member_user, values={"self_general": ""})
    assert evaluation(w, w.deputy).self_general is None
