"""The quarters' pages (issue 14): the leader's Mẫu 05 autosaved and submitted, the managing body's
list to decide or return, the progress of Q1–Q3 where the board opens a quarter. The services
behind them are tested in tests/reviews/test_quarters.py; here: the pages reach them, and refuse
who may not act."""

import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from reviews.models import Quarter, QuarterlyEvaluation
from reviews.quarters import services
from tests.reviews.test_quarters import evaluation, quarter_world, self_assess

pytestmark = pytest.mark.django_db
HTMX = {"HX-Request": "true"}
E = QuarterlyEvaluation.State


@pytest.fixture
def qw(db):
    w = quarter_world()
    services.open_quarter(season=w.season, actor=w.board, number=2)
    return w


def test_r366_qtr_2_the_leader_autosaves_and_submits_form_05(qw, client):
    """R366-QTR-2, R366-FORM-05: Mẫu 05 with its number; each field saved as typed; submitting
    sends it to the managing body."""
    w = qw
    mine = evaluation(w, w.deputy)
    client.force_login(w.member_user)
    assert client.get(reverse("reviews:my-quarter", args=[w.season.pk, 2])).url == reverse(
        "reviews:quarter-form", args=[w.season.pk, mine.pk]
    )
    page = client.get(reverse("reviews:quarter-form", args=[w.season.pk, mine.pk]))
    assert page.status_code == 200 and b"data-blockers" in page.content
    assert "Mẫu 05-HD KĐ.ĐG" in page.content.decode()
    save = reverse("reviews:quarter-save", args=[w.season.pk, mine.pk])
    for field, value in [
        ("planned_tasks", "Đề án chuyển đổi số"),
        ("self_general", "26"),
        ("self_tasks", "61,5"),
        ("self_level", "HTTNV"),
    ]:
        answer = client.post(save, {"field": field, "value": value}, headers=HTMX)
        assert answer.status_code == 200 and b'data-save-state="saved"' in answer.content
    assert client.post(save, {"field": "decided_level", "value": "HTXSNV"}).status_code == 404
    client.post(reverse("reviews:quarter-submit", args=[w.season.pk, mine.pk]))
    mine.refresh_from_db()
    assert (mine.state, mine.self_points) == (E.SUBMITTED, Decimal("87.5"))


def test_r366_qtr_2_others_cannot_see_or_write_a_leaders_form(qw, client):
    w = qw
    mine = evaluation(w, w.deputy)
    client.force_login(w.secretary2)
    assert client.get(reverse("reviews:quarter-form", args=[w.season.pk, mine.pk])).status_code == 404
    client.force_login(w.outsider)
    save = reverse("reviews:quarter-save", args=[w.season.pk, mine.pk])
    assert client.post(save, {"field": "evidence", "value": "x"}).status_code == 404
    assert evaluation(w, w.deputy).evidence == ""


def test_r366_qtr_2_the_managing_body_decides_from_its_list(qw, client):
    """R366-QTR-2: the managing body's list holds the submitted self-assessments it evaluates; a
    decision from it is recorded; a level above the band is refused with the reason shown."""
    w = qw
    self_assess(w, w.deputy, w.member_user)
    client.force_login(w.commune_staff)
    other = client.get(reverse("reviews:quarter-decide-list", args=[w.season.pk, 2])).content.decode()
    assert "Phạm Thị Lan" not in other and "data-nothing-waiting" in other
    client.force_login(w.base_staff)
    listing = client.get(reverse("reviews:quarter-decide-list", args=[w.season.pk, 2]))
    assert "Phạm Thị Lan" in listing.content.decode()
    mine = evaluation(w, w.deputy)
    decide = reverse("reviews:quarter-decide", args=[w.season.pk, mine.pk])
    refused = client.post(
        decide, {"general": "20", "tasks": "40", "level": "HTTNV", "back": "list"}, follow=True
    )
    refusal = "60/100 điểm chỉ đạt tối đa HTNV; mức HTTNV cần 70 điểm."
    assert refusal in refused.content.decode() and evaluation(w, w.deputy).state == E.SUBMITTED
    client.post(decide, {"general": "25", "tasks": "60", "level": "HTTNV", "comment": "Đạt"})
    assert (evaluation(w, w.deputy).state, evaluation(w, w.deputy).decided_points) == (
        E.DECIDED,
        Decimal("85"),
    )


def test_r366_qtr_5_progress_shows_a_quarter_not_run_and_the_board_opens_one(qw, client):
    """R366-QTR-5: Q1 and Q3 not run read "not evaluated"; the board opens Q3 with its deadline;
    a commune's staff cannot."""
    w = qw
    client.force_login(w.commune_staff)
    page = client.get(reverse("reviews:quarters", args=[w.season.pk])).content.decode()
    assert page.count("data-not-run") == 2
    assert (
        client.post(reverse("reviews:quarter-open", args=[w.season.pk]), {"number": "3"}).status_code == 403
    )
    client.force_login(w.board)
    client.post(
        reverse("reviews:quarter-open", args=[w.season.pk]), {"number": "3", "deadline": "2026-09-10"}
    )
    assert Quarter.objects.get(season=w.season, number=3).deadline.isoformat() == "2026-09-10"
    page = client.get(reverse("reviews:quarters", args=[w.season.pk])).content.decode()
    assert page.count("data-not-run") == 1


def test_r366_qtr_2_the_notice_of_a_decided_quarter_opens_the_leaders_form(qw, client):
    """R366-QTR-2: the leader hears of the managing body's result, and the notice's link opens it."""
    from reviews.models import Notification

    w = qw
    self_assess(w, w.deputy, w.member_user)
    services.decide_quarter(
        evaluation=evaluation(w, w.deputy), actor=w.base_staff, general="25", tasks="60", level="HTTNV"
    )
    note = Notification.objects.get(user=w.member_user, kind=Notification.Kind.DECIDED)
    client.force_login(w.member_user)
    page = client.get(note.link)
    assert page.status_code == 200 and b"data-decided-level" in page.content


def test_r366_qtr_4_the_year_shows_q1_to_q3_and_the_local_rules_when_switched_on(qw, client):
    """R366-QTR-4: the leader's annual form and the deciding level's page show Q1–Q3 beside the
    year (Q1 not run: not evaluated); the local rules' notes appear only when switched on."""
    from reviews.quarters.setup import save_quarter_setup

    w = qw
    self_assess(w, w.deputy, w.member_user, general="10", tasks="30", level="KHTNV")
    services.decide_quarter(
        evaluation=evaluation(w, w.deputy), actor=w.base_staff, general="10", tasks="30", level="KHTNV"
    )
    subject = w.subject(member=w.deputy)
    client.force_login(w.base_staff)
    page = client.get(reverse("reviews:subject", args=[w.season.pk, subject.pk])).content.decode()
    assert "data-year-quarters" in page and "KHTNV" in page and "data-quarter-note" not in page
    assert "Chưa đánh giá" in page or "Not evaluated" in page
    save_quarter_setup(season=w.season, actor=w.board, profiles=["LD"], khtnv_quarter_bars_excellent=True)
    page = client.get(reverse("reviews:subject", args=[w.season.pk, subject.pk])).content.decode()
    assert page.count("data-quarter-note") == 1
    client.force_login(w.member_user)
    form = client.get(reverse("reviews:form", args=[w.season.pk, subject.pk])).content.decode()
    assert "data-year-quarters" in form and "data-quarter-note" in form
    other = w.subject(member=w.members1[3])
    assert (
        "data-year-quarters"
        not in client.get(reverse("reviews:subject", args=[w.season.pk, other.pk])).content.decode()
    )


def test_r366_qtr_4_two_consecutive_khtnv_quarters_are_flagged_when_switched_on():
    """R366-QTR-4: the second local rule, off by default."""
    from reviews.models import QuarterSetup
    from reviews.quarters.results import QuarterResult, local_rule_notes

    def decided(number, level):
        return QuarterResult(number, QuarterlyEvaluation(state=E.DECIDED, decided_level=level))

    two = [decided(1, "HTNV"), decided(2, "KHTNV"), decided(3, "KHTNV")]
    apart = [decided(1, "KHTNV"), decided(2, "HTNV"), decided(3, "KHTNV")]
    assert local_rule_notes(two, QuarterSetup()) == []
    switched = QuarterSetup(flag_two_khtnv_quarters=True)
    assert len(local_rule_notes(two, switched)) == 1
    assert local_rule_notes(apart, switched) == []


def _vietnam_morning(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(9, 0), tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))


def test_r366_qtr_5_the_progress_page_reminds_the_late_ones(qw, client, time_machine):
    """R366-QTR-5: staff see a reminder button where leaders have not self-assessed; pressing it
    on 20/06/2026, after the deadline of 15/06, tells them they are overdue."""
    from reviews.models import Notification

    w = qw
    time_machine.move_to(_vietnam_morning(datetime.date(2026, 6, 20)))
    client.force_login(w.base_staff)
    page = client.get(reverse("reviews:quarters", args=[w.season.pk])).content.decode()
    remind = reverse("reviews:quarter-remind", args=[w.season.pk, 2])
    assert remind in page
    assert client.post(remind).status_code == 302
    assert Notification.objects.filter(user=w.member_user, kind=Notification.Kind.OVERDUE).count() == 1
    client.force_login(w.member_user)
    assert remind not in client.get(reverse("reviews:quarters", args=[w.season.pk])).content.decode()
    assert "Quá hạn" in client.get(reverse("reviews:notifications", args=[w.season.pk])).content.decode()


def test_r366_qtr_5_the_reminder_button_before_the_deadline_is_not_overdue(qw, client, time_machine):
    """R366-QTR-5: pressed on 10/06/2026, before the deadline of 15/06, the reminder tells the
    leader of the deadline and says nothing of being overdue."""
    from reviews.models import Notification

    w = qw
    time_machine.move_to(_vietnam_morning(datetime.date(2026, 6, 10)))
    client.force_login(w.base_staff)
    remind = reverse("reviews:quarter-remind", args=[w.season.pk, 2])
    assert remind in client.get(reverse("reviews:quarters", args=[w.season.pk])).content.decode()
    assert client.post(remind).status_code == 302
    note = Notification.objects.get(user=w.member_user)
    assert note.kind == Notification.Kind.DEADLINE and "15/06/2026" in note.text
    client.force_login(w.member_user)
    notices = client.get(reverse("reviews:notifications", args=[w.season.pk])).content.decode()
    assert "15/06/2026" in notices and "Quá hạn" not in notices


def test_r366_qtr_2_the_quarters_summary_table_downloads_as_excel_for_the_readers_part(qw, client):
    """R366-QTR-2: one row per leader with the self-assessment and the managing body's result; a
    cell's secretary gets their cell only; a member without a role gets nothing."""
    import io

    from openpyxl import load_workbook

    w = qw
    self_assess(w, w.deputy, w.member_user)
    services.decide_quarter(
        evaluation=evaluation(w, w.deputy),
        actor=w.base_staff,
        general="25",
        tasks="60",
        level="HTTNV",
        comment="Tốt",
    )
    url = reverse("reports:quarter-xlsx", args=[w.season.pk, 2])
    client.force_login(w.base_staff)
    response = client.get(url)
    assert response.status_code == 200
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    data = [r for r in rows[4:] if r and r[0]]
    assert len(data) == 2
    lan = next(r for r in data if r[1] == "Phạm Thị Lan")
    assert (lan[5], lan[7], lan[8], lan[9]) == (85.0, 85.0, "HTTNV", "Tốt")
    client.force_login(w.secretary2)
    rows = list(load_workbook(io.BytesIO(client.get(url).content)).active.iter_rows(values_only=True))
    assert [r for r in rows[4:] if r and r[0]] == []
    client.force_login(w.member_user)
    assert client.get(url).status_code == 404


def test_r366_qtr_1_quarter_pages_do_not_grow_their_queries_with_the_leaders(db, client):
    """Issue 14's scale rule: the progress page and the managing body's list run the same number
    of queries for 2 evaluations waiting (Q2, leaders only) and for every member waiting (Q3)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from reviews.quarters.setup import save_quarter_setup
    from reviews.scope import open_season
    from tests.reviews.conftest import REFERENCE, build_world

    w = build_world(open_now=False, extra_members=30)
    w.deputy.is_leader = True
    w.deputy.save()
    w.season = open_season(top_organization=w.province, year=2026, reference_date=REFERENCE)
    services.open_quarter(season=w.season, actor=w.board, number=2)
    save_quarter_setup(season=w.season, actor=w.board, profiles=["LD", "KLD", "NHT"])
    services.open_quarter(season=w.season, actor=w.board, number=3)
    QuarterlyEvaluation.objects.filter(quarter__season=w.season).update(state=E.SUBMITTED)
    assert QuarterlyEvaluation.objects.filter(quarter__number=3).count() > 30
    client.force_login(w.base_staff)

    def queries(url) -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    queries(reverse("reviews:quarters", args=[w.season.pk]))  # the session's first request does more
    small = queries(reverse("reviews:quarter-decide-list", args=[w.season.pk, 2]))
    large = queries(reverse("reviews:quarter-decide-list", args=[w.season.pk, 3]))
    assert small == large, (small, large)
    assert queries(reverse("reviews:quarters", args=[w.season.pk])) <= small + 2


def test_r366_qtr_1_the_board_chooses_the_profiles_by_their_names_not_their_codes(qw, client):
    """R366-QTR-1: the profiles evaluated each quarter are named as the season's opening page names
    them (Subject.Profile, through reviews.scoring.profile_label); no bare code is a label."""
    from reviews.models import Subject

    client.force_login(qw.board)
    page = client.get(reverse("reviews:quarters", args=[qw.season.pk])).content.decode()
    for profile in (Subject.Profile.CENTRAL_LEADER, Subject.Profile.LEADER, Subject.Profile.MEMBER):
        assert f'for="p-{profile.value}">{profile.label}</label>' in page
        assert f">{profile.value}</label>" not in page
    assert "Cán bộ lãnh đạo, quản lý (LĐ)" in page
    assert 'value="TT"' not in page  # a collective is never evaluated each quarter


def test_r366_qtr_5_the_deadline_is_typed_day_first_and_a_bad_one_opens_nothing(qw, client):
    """R366-QTR-5: the quarter's deadline is the app's dd/mm/yyyy text field (never the browser's
    date picker, month first in an English browser), showing the default; a deadline that is not a
    date opens nothing and says so in Vietnamese under the field, the typed text kept."""
    w = qw
    client.force_login(w.board)
    url = reverse("reviews:quarters", args=[w.season.pk])
    page = client.get(url).content.decode()
    assert 'type="date"' not in page
    assert 'name="deadline" value="15/09/2026"' in page and 'placeholder="dd/mm/yyyy"' in page
    opening = reverse("reviews:quarter-open", args=[w.season.pk])
    for bad in ("09/15/2026", "31/02/2026", "15.9"):
        answer = client.post(opening, {"number": "3", "deadline": bad})
        assert answer.status_code == 200
        html = answer.content.decode()
        assert "Nhập hạn là một ngày theo dạng dd/mm/yyyy, ví dụ 15/09/2026." in html
        assert f'value="{bad}"' in html and 'aria-invalid="true"' in html
        assert not Quarter.objects.filter(season=w.season, number=3).exists()
    client.post(opening, {"number": "3", "deadline": "10/09/2026"})
    assert Quarter.objects.get(season=w.season, number=3).deadline.isoformat() == "2026-09-10"


def test_r366_qtr_5_a_bad_deadline_from_someone_who_may_not_open_is_still_refused(qw, client):
    client.force_login(qw.commune_staff)
    opening = reverse("reviews:quarter-open", args=[qw.season.pk])
    assert client.post(opening, {"number": "3", "deadline": "x"}).status_code == 403
    assert not Quarter.objects.filter(season=qw.season, number=3).exists()


def test_r366_qtr_5_the_progress_table_stacks_on_a_phone_and_names_the_levels(qw, client):
    """The table becomes one card per quarter under 576 px (every count keeps its name), and each
    level code carries the level's name."""
    w = qw
    self_assess(w, w.deputy, w.member_user)
    services.decide_quarter(
        evaluation=evaluation(w, w.deputy), actor=w.base_staff, general="25", tasks="60", level="HTTNV"
    )
    client.force_login(w.board)
    page = client.get(reverse("reviews:quarters", args=[w.season.pk])).content.decode()
    assert "table-responsive-stack quarter-table" in page
    assert '<abbr title="Hoàn thành tốt nhiệm vụ">HTTNV</abbr>: 1' in page
    assert page.count('<span class="d-sm-none text-body-secondary">') >= 4


def test_r366_qtr_2_the_self_assessed_total_follows_every_save_after_a_return(qw, client):
    """R366-QTR-2: returned, the leader changes 25 → 20: the total read by the form, the summary
    table and Mẫu 05 is 80 at once, not the 85 submitted; clearing a group leaves no total."""
    w = qw
    self_assess(w, w.deputy, w.member_user)
    services.return_quarter_evaluation(evaluation=evaluation(w, w.deputy), actor=w.base_staff, reason="Thiếu")
    mine = evaluation(w, w.deputy)
    assert mine.self_points == Decimal("85")
    client.force_login(w.member_user)
    save = reverse("reviews:quarter-save", args=[w.season.pk, mine.pk])
    client.post(save, {"field": "self_general", "value": "20"}, headers=HTMX)
    assert evaluation(w, w.deputy).self_points == Decimal("80")
    page = client.get(reverse("reviews:quarter-form", args=[w.season.pk, mine.pk])).content.decode()
    assert "80,0/100" in page and "85,0/100" not in page
    client.post(save, {"field": "self_tasks", "value": ""}, headers=HTMX)
    assert evaluation(w, w.deputy).self_points is None
    client.post(save, {"field": "self_tasks", "value": "62,5"}, headers=HTMX)
    assert evaluation(w, w.deputy).self_points == Decimal("82.5")


def test_r366_qtr_2_the_totals_left_stale_by_earlier_saves_are_recomputed_once(qw):
    """R366-QTR-2: migration 0030 sets every stored total to general + tasks (none while one is
    missing), for the forms returned and changed before the saves kept it."""
    import importlib

    from django.apps import apps

    w = qw
    self_assess(w, w.deputy, w.member_user)
    stale = evaluation(w, w.deputy)
    QuarterlyEvaluation.objects.filter(pk=stale.pk).update(
        self_general=Decimal("20"), self_points=Decimal("85")
    )
    half = evaluation(w, w.head)
    QuarterlyEvaluation.objects.filter(pk=half.pk).update(
        self_general=Decimal("25"), self_tasks=None, self_points=Decimal("85")
    )
    migration = importlib.import_module("reviews.migrations.0030_quarter_self_points_recomputed")
    migration.recompute(apps, None)
    assert evaluation(w, w.deputy).self_points == Decimal("80")
    assert evaluation(w, w.head).self_points is None
