"""The committee directly above re-rates a decided result from its page: R-RATE-4 (QĐ 124, a
violation of an earlier year disciplined later reopens that year), R366-RATE-7 (QĐ 366, it is
weighed in the year of the discipline instead) and R366-STEP-2 / R-STEP-3 (a result that proved
wrong is cancelled and re-rated; the form 03 decision is offered afterwards)."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from members.models import DisciplineRecord
from reviews import workflow
from reviews.models import Decision, Event, Subject
from reviews.rerating import rerate
from reviews.scope import open_season
from reviews.services import import_decided_results
from reviews.workflow import WorkflowError
from tests.reviews.conftest import REFERENCE, build_world, open_season_124
from tests.reviews.helpers import fresh

pytestmark = pytest.mark.django_db
S = Subject.State


def world_with_a_decided_2025(regime: str):
    """2025 decided (imported) and 2026 open, both under QĐ 124 or both under QĐ 366 (the rules of
    the year the discipline is decided are the ones that say what it does)."""
    w = build_world(open_now=False)
    opener = open_season_124 if regime == "124" else open_season
    w.season_2025 = opener(top_organization=w.province, year=2025, reference_date=datetime.date(2025, 11, 15))
    w.an = w.members1[2]
    w.earlier = Subject.objects.get(season=w.season_2025, member=w.an)
    points = {w.earlier.pk: Decimal("82.5")} if regime == "366" else None
    import_decided_results(
        season=w.season_2025, levels={w.earlier.pk: "HTTNV"}, actor=w.board, source="Sổ 2025", points=points
    )
    w.season = opener(top_organization=w.province, year=2026, reference_date=REFERENCE)
    return w


def disciplined(w, self_found=False):
    return DisciplineRecord.objects.create(
        member=w.an,
        decided_on=datetime.date(2026, 8, 1),
        form=DisciplineRecord.Form.REPRIMAND,
        decided_by="Ủy ban Kiểm tra Đảng ủy xã An Bình",
        violation_year=2025,
        self_found_and_remedied=self_found,
    )


def page(w):
    return reverse("reviews:subject_rerate", args=[w.season_2025.pk, w.earlier.pk])


def test_r_rate_4_only_the_committee_directly_above_re_rates_others_get_403_or_404(client):
    """R-RATE-4, R-STEP-3: the commune committee's staff (directly above the base committee that
    decided) see the page; for the deciding level and the province board it does not exist (404)
    and their POST is refused (403); outsiders get 404."""
    w = world_with_a_decided_2025("124")
    client.force_login(w.commune_staff)
    assert client.get(page(w)).status_code == 200
    subject_page = client.get(reverse("reviews:subject", args=[w.season_2025.pk, w.earlier.pk]))
    assert page(w) in subject_page.content.decode()
    for user, post_status in ((w.base_staff, 403), (w.board, 403), (w.secretary2, 404), (w.outsider, 404)):
        client.force_login(user)
        assert client.get(page(w)).status_code == 404, user
        posted = client.post(page(w), {"ground": "other", "level": "HTNV", "reason": "x"})
        assert posted.status_code == post_status, user
    assert Decision.objects.get(subject=w.earlier).status == Decision.Status.VALID


def test_r_rate_4_the_earlier_year_is_re_rated_khtnv_the_old_decision_kept_as_cancelled(client):
    """R-RATE-4: on the ground of the discipline the year is re-rated KHTNV by the committee above;
    the old decision is cancelled and kept, its commendations flagged; the history shows both."""
    w = world_with_a_decided_2025("124")
    record = disciplined(w)
    client.force_login(w.commune_staff)
    shown = client.get(page(w)).content.decode()
    assert "Điều 12" in shown and "R-RATE" not in shown
    refused = client.post(
        page(w), {"ground": str(record.pk), "level": "HTNV", "reason": "Theo quyết định kỷ luật"}
    )
    assert refused.status_code == 200 and "chỉ có thể là KHTNV" in refused.content.decode()
    assert Decision.objects.get(subject=w.earlier).status == Decision.Status.VALID  # nothing half-saved

    response = client.post(
        page(w), {"ground": str(record.pk), "level": "KHTNV", "reason": "Theo quyết định kỷ luật"}
    )
    assert response.status_code == 302
    old, new = Decision.objects.filter(subject=w.earlier).order_by("pk")
    assert (old.status, old.level, old.needs_commendation_review) == (
        Decision.Status.CANCELLED,
        "HTTNV",
        True,
    )
    assert (new.status, new.level, new.decided_by) == (Decision.Status.VALID, "KHTNV", w.commune_staff)
    assert new.decider.organization == w.commune
    assert "Khiển trách" in old.end_reason and "R-RATE" not in old.end_reason
    after = Subject.objects.get(pk=w.earlier.pk)
    assert (after.state, after.decided_level) == (S.DECIDED, "KHTNV")
    assert Event.objects.get(subject=w.earlier, action="rerate").data["from_level"] == "HTTNV"
    history = client.get(response["Location"]).content.decode()
    assert "Đã hủy" in history or "đã hủy" in history.lower()
    assert "/yeu-cau/rerating/" in history  # the form 03 decision is offered


def test_r_rate_4_self_found_and_remedied_is_weighed_case_by_case(client):
    w = world_with_a_decided_2025("124")
    record = disciplined(w, self_found=True)
    client.force_login(w.commune_staff)
    response = client.post(
        page(w), {"ground": str(record.pk), "level": "HTNV", "reason": "Tự phát hiện, đã khắc phục"}
    )
    assert response.status_code == 302
    assert Subject.objects.get(pk=w.earlier.pk).decided_level == "HTNV"


def test_the_form_says_in_vietnamese_what_is_missing_and_saves_nothing(client):
    w = world_with_a_decided_2025("124")
    client.force_login(w.commune_staff)
    response = client.post(page(w), {"ground": "", "level": "", "reason": "  "})
    text = response.content.decode()
    assert response.status_code == 200
    assert "Chọn căn cứ" in text and "Chọn mức xếp loại mới" in text and "Ghi lý do" in text
    assert "novalidate" in text
    assert Decision.objects.filter(subject=w.earlier).count() == 1
    assert not Event.objects.filter(subject=w.earlier, action="rerate").exists()


def test_r366_rate_7_the_page_says_the_violation_counts_in_the_year_of_the_discipline(client):
    """R366-RATE-7: under QĐ 366 the discipline is no ground to reopen 2025: the page says it is
    weighed in 2026 and links that rating; the engine refuses it as a ground."""
    from reviews import rerating

    w = world_with_a_decided_2025("366")
    record = disciplined(w)
    client.force_login(w.commune_staff)
    text = client.get(page(w)).content.decode()
    assert "Quy định 366-QĐ/TW" in text and "không mở lại" in text
    current = Subject.objects.get(season=w.season, member=w.an)
    assert reverse("reviews:subject", args=[w.season.pk, current.pk]) in text
    assert f'value="{record.pk}"' not in text  # not offered as a ground
    with pytest.raises(rerating.WorkflowError):
        rerating.rerate(subject=w.earlier, actor=w.commune_staff, level="KHTNV", reason="x", record=record)


def test_r366_step_2_a_wrong_result_is_cancelled_and_re_rated_and_form_03_is_offered(client):
    """R366-STEP-2: the committee above cancels a result that proved wrong and re-rates it; the
    cancelled decision (with its points) stays, and the subject's page offers the form 03 decision."""
    w = world_with_a_decided_2025("366")
    client.force_login(w.commune_staff)
    assert "Điều 13 và Điều 15" in client.get(page(w)).content.decode()
    response = client.post(
        page(w), {"ground": "other", "level": "HTNV", "reason": "Kết quả không đúng thực chất"}
    )
    assert response.status_code == 302
    old, new = Decision.objects.filter(subject=w.earlier).order_by("pk")
    assert (old.status, old.points, old.needs_commendation_review) == (
        Decision.Status.CANCELLED,
        Decimal("82.5"),
        True,
    )
    assert (new.status, new.level) == (Decision.Status.VALID, "HTNV")
    subject_page = client.get(response["Location"]).content.decode()
    assert "/yeu-cau/rerating/" in subject_page


def test_the_re_rating_page_runs_a_fixed_number_of_queries(client, django_assert_max_num_queries):
    w = world_with_a_decided_2025("124")
    disciplined(w)
    disciplined(w, self_found=True)
    client.force_login(w.commune_staff)
    client.get(page(w))  # the session's last-seen time is written at most once a minute
    # Session, user, roles, the member record twice and the current season for the navigation,
    # the unread notices; the season, the subject with its decision, the user's units in the
    # season, the discipline records and the member's subjects of the years of discipline.
    with django_assert_max_num_queries(12):
        assert client.get(page(w)).status_code == 200


def test_r_rate_4_a_result_is_re_rated_once_until_that_re_rating_is_cancelled(client):
    """R-RATE-4, R-STEP-3: the same committee cannot re-rate the same earlier decision a second
    time for the same violation; the page and the step say so, who acts and where the re-rating in
    force is. Once that re-rating is cancelled and the year decided anew, it may be re-rated again."""
    w = world_with_a_decided_2025("124")
    record = disciplined(w)
    client.force_login(w.commune_staff)
    data = {"ground": str(record.pk), "level": "KHTNV", "reason": "Theo quyết định kỷ luật"}
    assert client.post(page(w), data).status_code == 302
    first = Decision.objects.get(subject=w.earlier, status=Decision.Status.VALID)

    again = client.post(page(w), data)

    assert again.status_code == 200
    assert list(Decision.objects.filter(subject=w.earlier, status=Decision.Status.VALID)) == [first]
    assert Decision.objects.filter(subject=w.earlier).count() == 2
    shown = again.content.decode()
    subject_url = reverse("reviews:subject", args=[w.season_2025.pk, w.earlier.pk])
    assert 'id="rerate-refused"' in shown and 'data-rule="R-RATE-4"' in shown
    assert f'href="{subject_url}"' in shown and "Đảng ủy xã An Bình" in shown
    assert "R-RATE" not in shown.replace('data-rule="R-RATE-4"', "")
    assert 'name="level"' not in client.get(page(w)).content.decode()  # no form to fill in vain
    with pytest.raises(WorkflowError) as refused:
        rerate(subject=fresh(w.earlier), actor=w.commune_staff, level="KHTNV", reason="x", record=record)
    assert [r.rule for r in refused.value.reasons] == ["R-RATE-4"]

    workflow.cancel(subject=fresh(w.earlier), actor=w.commune_staff, reason="Quyết định xếp loại lại sai")
    # The year decided anew by its deciding level (here as the paper record is brought in).
    import_decided_results(season=w.season_2025, levels={w.earlier.pk: "HTTNV"}, actor=w.board, source="Sổ")
    assert 'id="rerate-refused"' not in client.get(page(w)).content.decode()
    assert client.post(page(w), data).status_code == 302
    assert Decision.objects.get(subject=w.earlier, status=Decision.Status.VALID).level == "KHTNV"


def test_r366_step_2_the_re_rating_records_its_points_like_a_decision(client):
    """R366-STEP-2, R366-SCORE-4: the re-rating records the decided points per criterion and their
    total on the new decision, the subject and the audit event; none typed keeps those in force;
    a level above the band of the points is refused (R366-RATE-1)."""
    w = world_with_a_decided_2025("366")
    client.force_login(w.commune_staff)
    assert "82,5/100" in client.get(page(w)).content.decode()
    above = {
        "ground": "other",
        "level": "HTTNV",
        "reason": "Sai",
        "points_general": "20",
        "points_tasks": "40",
    }
    assert client.post(page(w), above).status_code == 200
    assert Decision.objects.filter(subject=w.earlier).count() == 1
    typed = {**above, "level": "HTNV", "points_general": "20", "points_tasks": "40,5"}
    assert client.post(page(w), typed).status_code == 302
    new = Decision.objects.get(subject=w.earlier, status=Decision.Status.VALID)
    subject = Subject.objects.get(pk=w.earlier.pk)
    assert (new.level, new.points, subject.decided_points) == ("HTNV", Decimal("60.5"), Decimal("60.5"))
    assert subject.scores["decided"] == {"general": "20", "tasks": "40.5"}
    event = Event.objects.filter(subject=subject, action="rerate").get()
    assert event.data["points"] == "60.5" and event.data["scores"] == subject.scores["decided"]


def test_r366_step_2_a_re_rating_without_points_keeps_those_in_force(client):
    """R366-STEP-2: no points typed: the new decision carries the points in force."""
    w = world_with_a_decided_2025("366")
    client.force_login(w.commune_staff)
    client.post(page(w), {"ground": "other", "level": "HTNV", "reason": "Kết quả không đúng thực chất"})
    new = Decision.objects.get(subject=w.earlier, status=Decision.Status.VALID)
    assert (new.level, new.points) == ("HTNV", Decimal("82.5"))
    assert Subject.objects.get(pk=w.earlier.pk).decided_points == Decimal("82.5")


def _decided_2026(w, level: str) -> Subject:
    now = Subject.objects.get(season=w.season, member=w.an)
    import_decided_results(season=w.season, levels={now.pk: level}, actor=w.board, source="Sổ 2026")
    return fresh(now)


def test_r_rate_11_a_year_re_rated_above_the_lowest_lifts_the_following_years_flag():
    """R-RATE-11: 2025 and 2026 both KHTNV flag 2026 as the second such year; 2025 re-rated HTNV,
    2026 is no longer a second KHTNV year and its flag goes (found by a review, 2026-12-08)."""
    w = world_with_a_decided_2025("124")
    Subject.objects.filter(pk=w.earlier.pk).update(decided_level="KHTNV")
    following = _decided_2026(w, "KHTNV")
    Subject.objects.filter(pk=following.pk).update(flags={"second_khtnv": True})
    rerate(subject=fresh(w.earlier), actor=w.commune_staff, level="HTNV", reason="Kết quả không đúng")
    assert "second_khtnv" not in fresh(following).flags


def test_r_rate_11_a_year_re_rated_to_the_lowest_after_a_lowest_year_is_flagged_itself():
    """R-RATE-11: 2025 KHTNV, 2026 decided HTTNV then re-rated KHTNV by the committee above: 2026 is
    the second KHTNV year and says so, as a decision would."""
    w = world_with_a_decided_2025("124")
    Subject.objects.filter(pk=w.earlier.pk).update(decided_level="KHTNV")
    now = _decided_2026(w, "HTTNV")
    rerate(subject=now, actor=w.commune_staff, level="KHTNV", reason="Kết quả không đúng")
    assert fresh(now).flags.get("second_khtnv") is True
