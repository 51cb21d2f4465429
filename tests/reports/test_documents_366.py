"""The documents of a QĐ 366 / HD 43 season: part B of the forms (tasks, points at the three
steps, totals …/30, …/70, …/100, levels) with one signing body per block (R366-FORM-SIGN); the
re-rating decision after a cancellation (R366-STEP-2, Mẫu 03); the list of the season's records
(R366-FORM-04, R366-REC-1); points in the minutes, the decision list and the summary, beside a
previous year rated under QĐ 124 (levels compare, points only where both years have them)."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from organizations.models import Kind
from reports import documents
from reports.documents import build, build_summary_part, render_html, summary_parts
from reports.documents.base import on_behalf_of
from reports.models import ReportJob
from reports.services import render_now
from reviews import workflow
from reviews.committee import conclude_check, order_check
from reviews.models import Season, SeasonUnit, Subject
from reviews.scope import open_season
from reviews.services import answer_suggestion, attach_outside_comment, issue_suggestion
from tests.reports.test_documents import assert_printed, pdf_text, render, verification
from tests.reviews.conftest import REFERENCE, build_world, open_season_124
from tests.reviews.helpers import complete_366, fresh, review

pytestmark = pytest.mark.django_db

# The province's criteria for members outside the political system (Phụ lục 5): the 30 as a
# checklist, the 70 as a percentage and points; other profiles are scored by group.
CRITERIA = {
    "profiles": {
        "NHT": {
            "general": [
                {
                    "key": "g1",
                    "title": "Chấp hành chủ trương, đường lối của Đảng",
                    "max": 15,
                    "method": "checklist",
                },
                {
                    "key": "g2",
                    "title": "Giữ gìn phẩm chất đạo đức, lối sống",
                    "max": 15,
                    "method": "checklist",
                },
            ],
            "tasks": [
                {"key": "t1", "title": "Thực hiện nhiệm vụ chi bộ phân công", "max": 40, "method": "percent"},
                {"key": "t2", "title": "Tham gia công tác ở nơi cư trú", "max": 30, "method": "points"},
            ],
        }
    }
}
NHT_POINTS = {"g1": "15", "g2": "15", "t1": "80", "t2": "24"}  # 15 + 15 + 32 + 24 = 86
GROUP_POINTS = {"general": "27", "tasks": "60"}  # 87
RERATED_POINTS = {"g1": "15", "g2": "0", "t1": "70", "t2": "20"}  # 15 + 0 + 28 + 20 = 63
GROUNDS = "Có đơn phản ánh đúng sự thật về việc không tham gia sinh hoạt nơi cư trú"


def points_for(subject: Subject) -> dict:
    return NHT_POINTS if subject.profile == "NHT" else GROUP_POINTS


def make_world():
    """The tests/reviews world: 2025 rated under QĐ 124 (imported levels), 2026 under QĐ 366 with
    the province's criteria; cell CB1 and its members decided with points, one member's result
    cancelled and re-rated; CB2's members decided; a suggestion, residence comments and a check."""
    w = build_world(open_now=False)
    members = w.members1 + w.members2
    earlier = open_season_124(
        top_organization=w.province, year=2025, reference_date=datetime.date(2025, 11, 15)
    )
    Subject.objects.filter(season=earlier, out_of_scope="").exclude(decider=None).update(
        decided_level="HTTNV", state=Subject.State.DECIDED
    )
    Subject.objects.filter(season=earlier, member=w.members1[3]).update(decided_level="HTNV")
    w.members1[4].is_civil_servant = True
    w.members1[4].save()
    w.season = open_season(
        top_organization=w.province, year=2026, reference_date=REFERENCE, criteria=CRITERIA
    )
    w.rerated = w.subject(member=w.members1[2])
    suggestion = issue_suggestion(
        subject=w.rerated, actor=w.base_staff, text="Làm rõ việc vắng sinh hoạt tháng 5."
    )
    answer_suggestion(suggestion=suggestion, actor=w.secretary, answer="Do đi công tác; đã báo cáo chi bộ.")

    for cell, secretary, people in ((w.cell1, w.secretary, w.members1), (w.cell2, w.secretary2, w.members2)):
        collective = w.subject(unit=cell)
        complete_366(collective, secretary)
        for member in people:
            subject = w.subject(member=member)
            complete_366(subject, secretary, points=points_for(subject), units_led=True)
            attach_outside_comment(
                subject=subject,
                actor=secretary,
                source="residence",
                from_name="Chi bộ khu dân cư số 3",
                text="Gương mẫu nơi cư trú",
                received_on=datetime.date(2026, 11, 10),
            )
        review(fresh(collective), secretary, [w.subject(member=m) for m in people])
        entry = w.rerated.meeting_entry if cell == w.cell1 else None
        if entry:
            entry.assessment = "Hoàn thành tốt nhiệm vụ; cần tham gia đầy đủ sinh hoạt nơi cư trú."
            entry.save()
        workflow.propose(
            proposals=[
                workflow.ProposalInput(
                    subject=w.subject(member=m),
                    level="HTTNV",
                    civil_service_level="HTTNV" if w.subject(member=m).is_civil_servant else "",
                    points={**NHT_POINTS, "t2": "22"} if m == w.members1[2] else None,
                )
                for m in people
            ],
            actor=secretary,
        )
    flag = order_check(
        subject=fresh(w.rerated), actor=w.base_staff, kind="complaint", reason="Đơn khiếu nại ngày 20/11"
    )
    conclude_check(flag=flag, actor=w.base_staff, conclusion="Không có cơ sở")
    workflow.decide(
        decisions=[workflow.DecisionInput(subject=w.subject(member=m)) for m in members], actor=w.base_staff
    )
    workflow.propose(
        proposals=[workflow.ProposalInput(subject=w.subject(unit=w.cell1), level="HTTNV")], actor=w.base_staff
    )
    workflow.decide(decisions=[workflow.DecisionInput(subject=w.subject(unit=w.cell1))], actor=w.base_staff)
    workflow.cancel(subject=fresh(w.rerated), actor=w.commune_staff, reason=f"{GROUNDS} (R366-STEP-2)")
    workflow.decide(
        decisions=[workflow.DecisionInput(subject=fresh(w.rerated), level="HTNV", points=RERATED_POINTS)],
        actor=w.base_staff,
        reason="Xếp loại lại theo kết luận kiểm tra",
    )
    return w


@pytest.fixture(scope="module")
def world366(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        w = make_world()
        yield w
        transaction.set_rollback(True)


@pytest.fixture
def w(world366, db):
    w = world366
    w.unit = lambda org: SeasonUnit.objects.select_related("parent").get(season=w.season, organization=org)
    return w


# -- R366-FORM-2C, R366-SCORE-1, R366-FORM-SIGN: part B of the individual form ------------------


def test_r366_score_1_the_individual_form_prints_part_b_with_points_at_three_steps(w, tmp_path):
    """R366-SCORE-1, R366-FORM-2C: part B of Mẫu 2C with …/30, …/70, …/100 at three steps."""
    subject = fresh(w.subject(member=w.members1[3]))  # NHT: form 2C, itemized criteria
    assert (subject.profile, subject.form_code) == ("NHT", "2C")
    document, html, pdf, fetcher = render(w, "individual", w.unit(w.cell1), subject)
    text = pdf_text(pdf)
    assert_printed(
        pdf,
        fetcher,
        tmp_path,
        "Mẫu 2C-HD KĐ.ĐG 2025",
        "A. NỘI DUNG KIỂM ĐIỂM",
        "B. TỰ ĐÁNH GIÁ, XẾP LOẠI CHẤT LƯỢNG",
        "Nhiệm vụ 1",  # the task list with its products and how each ended
        "Hoàn thành vượt mức",
        "Tổng số 10 chỉ tiêu, nhiệm vụ",
        "Chấp hành chủ trương, đường lối của Đảng",
        "Tự chấm Thẩm định Quyết định",
        "Tổng điểm 100 86/100 86/100 86/100",
        "30/30 30/30 30/30",  # the general group …/30
        "56/70 56/70 56/70",  # the task-results group …/70
        "Mức xếp loại",
        "Tiêu chí theo Phụ lục 5 Quy định số 366-QĐ/TW.",
        "T/M CHI BỘ",  # CB1 has no cell committee
        "T/M ĐẢNG ỦY",
        "Điểm thẩm định: 86/100",
        "Đảng ủy xếp loại chất lượng: Hoàn thành tốt nhiệm vụ; tổng điểm: 86/100",
    )
    assert "(CHI BỘ)" not in text and "(CHI ỦY)" not in text and "chi ủy (chi bộ)" not in text
    assert "R366" not in text and "(R-" not in text
    assert document.context["header"]["form_number"] == "Mẫu 2C-HD KĐ.ĐG 2025"
    table = next(
        i["scores"]
        for section in document.context["sections"]
        for i in section["items"]
        if i["type"] == "scores"
    )
    assert table["levels"] == ["HTTNV", "HTTNV", "HTTNV"] and table["totals"] == ["86", "86", "86"]


def test_r366_score_4_a_step_not_yet_taken_prints_blank(w):
    subject = fresh(w.subject(member=w.members3[0]))
    complete_366(subject, w.base_cell_secretary, points=points_for(subject), submit=False)
    document = build(
        "individual", season=w.season, unit=w.unit(w.base_cell), subject=subject, verification=verification()
    )
    table = next(
        item["scores"]
        for section in document.context["sections"]
        for item in section["items"]
        if item["type"] == "scores"
    )
    assert table["totals"] == ["86", "", ""]  # typed in the draft; not appraised, not decided
    assert table["levels"] == ["HTTNV", "", ""]
    html = render_html(document)
    assert "…/100" in html and "86/100" in html


def test_r366_form_2a_a_leader_s_form_asks_about_the_units_led(w, tmp_path):
    """R366-FORM-2A: the leader's form asks about the units led."""
    head = fresh(w.subject(member=w.head))
    assert head.form_code == "2A"
    _document, _html, pdf, fetcher = render(w, "individual", w.unit(w.cell1), head)
    assert_printed(
        pdf,
        fetcher,
        tmp_path,
        "Mẫu 2A-HD KĐ.ĐG 2025",
        "ít nhất 30% vượt mức: X Có",
        "Nhóm tiêu chí chung 30 27/30 27/30 27/30",
        "Tổng điểm 100 87/100 87/100 87/100",
    )


def test_r366_form_01_the_collective_report_prints_part_b_and_signs_as_the_cell(w, tmp_path):
    """R366-FORM-01: the collective report with part B, signed by the cell."""
    _document, html, pdf, fetcher = render(w, "collective", w.unit(w.cell1))
    assert_printed(
        pdf,
        fetcher,
        tmp_path,
        "Mẫu 01-HD KĐ.ĐG 2025",
        "Quy định số 366-QĐ/TW",
        "B. TỰ ĐÁNH GIÁ, XẾP LOẠI CHẤT LƯỢNG",
        "Tổng điểm 100 87/100 87/100 87/100",  # appraised and decided as self-scored
        "T/M CHI BỘ",
    )
    assert "T/M CHI ỦY" not in pdf_text(pdf)


def test_r366_form_sign_one_body_whether_the_cell_has_a_committee():
    with_committee = SeasonUnit(kind=Kind.CELL, name="Chi bộ A", has_leadership_collective=True)
    without = SeasonUnit(kind=Kind.CELL, name="Chi bộ B", has_leadership_collective=False)
    assert on_behalf_of(with_committee) == "Chi ủy" and on_behalf_of(without) == "Chi bộ"
    assert on_behalf_of(SeasonUnit(kind=Kind.BASE_COMMITTEE, name="Đảng bộ C")) == "Đảng ủy"
    assert on_behalf_of(SeasonUnit(kind=Kind.DIRECT_COMMITTEE, name="Đảng bộ xã D")) == "Ban Thường vụ"


# -- R366-STEP-2: Mẫu 03 --------------------------------------------------------------------------


def test_r366_step_2_mau_03_re_rates_after_a_cancellation(w, tmp_path):
    """R366-STEP-2, R366-FORM-03/04: Mẫu 03 after a cancellation."""
    document, html, pdf, fetcher = render(w, "rerating", w.unit(w.base), fresh(w.rerated))
    assert document.template == "reports/rerating.html"
    assert document.filename == "quyet-dinh-xep-loai-lai-2026-nguyen-van-an.pdf"
    assert_printed(
        pdf,
        fetcher,
        tmp_path,
        "Mẫu 03-HD KĐ.ĐG 2025",
        "ĐẢNG BỘ XÃ AN BÌNH",
        "ĐẢNG ỦY TRƯỜNG AN BÌNH",
        "Số: -QĐ/ĐU",
        "QUYẾT ĐỊNH",
        "đánh giá, xếp loại lại chất lượng đảng viên năm 2026",
        GROUNDS,  # the grounds: the cancellation's reason, without the rule ID
        "Ban Thường vụ Đảng ủy xã An Bình",  # who cancelled
        "Hoàn thành tốt nhiệm vụ (HTTNV)",  # the cancelled result
        "84/100",
        "Hoàn thành nhiệm vụ (HTNV)",  # the new one
        "63/100",
        "Nơi nhận:",
        "Như Điều 3",
        "T/M ĐẢNG ỦY",
        "BÍ THƯ",
    )
    text = pdf_text(pdf)
    assert "R366" not in text and "(R-" not in text
    assert "đồng chí Nguyễn Văn An" in text


def test_r366_step_2_mau_03_only_for_a_cancelled_and_re_decided_result(w):
    with pytest.raises(documents.DocumentUnavailable, match="chưa bị hủy bỏ"):
        build(
            "rerating",
            season=w.season,
            unit=w.unit(w.base),
            subject=w.subject(member=w.deputy),
            verification=verification(),
        )
    with pytest.raises(documents.DocumentUnavailable, match="do Đảng ủy Trường An Bình ban hành"):
        build(
            "rerating",
            season=w.season,
            unit=w.unit(w.commune),
            subject=w.rerated,
            verification=verification(),
        )
    with pytest.raises(documents.DocumentUnavailable):
        build("rerating", season=w.season, unit=w.unit(w.base), verification=verification())
    assert documents.rerating_issuer(w.rerated).pk == w.unit(w.base).pk
    assert documents.rerating_issuer(w.subject(member=w.deputy)) is None


def test_r366_step_2_mau_03_is_requested_signed_and_verifiable_within_scope(w, client, signing):
    url = reverse("reports:request", args=[w.season.pk, "rerating"])
    client.force_login(w.base_staff)
    response = client.post(url, {"subject": w.rerated.pk, "number": "31"})
    job = ReportJob.objects.get(kind="rerating")
    assert response.status_code == 302 and job.unit.code == "CS1" and job.subject_id == w.rerated.pk
    assert job.params == {"number": "31"}
    job = render_now(job)
    assert job.status == "done" and job.signer_organization == "Đảng bộ Trường An Bình"
    assert job.title.endswith("– số 31-QĐ/ĐU")
    page = client.get(reverse("verify", args=[job.verification_code]))
    assert page.status_code == 200 and job.sha256 in page.content.decode()
    with job.file.open("rb") as handle:
        assert "Số: 31-QĐ/ĐU" in pdf_text(handle.read())
    # A member with no re-rating: refused in Vietnamese, nothing made.
    back = client.post(url, {"subject": w.subject(member=w.deputy).pk}, HTTP_REFERER="http://testserver/")
    assert back.status_code == 302 and ReportJob.objects.filter(kind="rerating").count() == 1
    for user in (w.secretary2, w.outsider):  # outside their part of the tree
        client.force_login(user)
        assert client.post(url, {"subject": w.rerated.pk}).status_code == 404
        assert client.get(reverse("reports:download", args=[job.uid])).status_code == 404
    client.force_login(w.member_user)  # the deputy: not their decision
    assert client.get(reverse("reports:download", args=[job.uid])).status_code == 404


# -- R366-FORM-04, R366-REC-1: Mẫu 04 --------------------------------------------------------------


def test_r366_form_04_lists_the_records_of_the_season_with_counts(w, tmp_path):
    """R366-FORM-03/04, R366-REC-1: Mẫu 04 lists the season's records."""
    document, html, pdf, fetcher = render(w, "records", w.unit(w.base))
    rows = {row["title"]: row for row in document.context["rows"]}
    assert rows["Bản kiểm điểm, tự đánh giá, xếp loại của cá nhân"]["count"] == "10"
    assert (
        rows["Bản kiểm điểm, tự đánh giá, xếp loại của cá nhân"]["note"]
        == "của 10 đảng viên thuộc diện kiểm điểm"
    )
    assert rows["Báo cáo kiểm điểm, tự đánh giá, xếp loại của tập thể"]["count"] == "2"
    assert rows["Nhận xét của cấp ủy nơi cư trú"]["count"] == "10"
    assert rows["Biên bản hội nghị kiểm điểm"]["count"] == "2"
    assert rows["Kết luận, quyết định đánh giá, xếp loại chất lượng"]["count"] == "11"
    assert (
        rows["Kết luận, quyết định đánh giá, xếp loại chất lượng"]["note"]
        == "1 kết quả bị hủy bỏ, 1 đã xếp loại lại"
    )
    assert rows["Văn bản gợi ý kiểm điểm và giải trình"]["count"] == "1"
    assert (
        rows["Hồ sơ giải quyết khiếu nại, tố cáo; kiểm tra, thẩm định lại trước khi quyết định"]["count"]
        == "1"
    )
    children = {row["name"]: row["counts"] for row in document.context["children"]}
    assert children == {
        "Chi bộ Tổ Toán": ["7", "1", "7", "1", "8"],
        "Chi bộ Tổ Văn": ["3", "1", "3", "1", "3"],
    }
    assert_printed(
        pdf,
        fetcher,
        tmp_path,
        "Mẫu 04-HD KĐ.ĐG 2025",
        "DANH MỤC HỒ SƠ",
        "ĐẢNG ỦY TRƯỜNG AN BÌNH",
        "Nhận xét của cấp ủy nơi cư trú",
        "Chi bộ Tổ Toán",
        "T/M ĐẢNG ỦY",
    )


def test_r366_form_04_is_requested_like_the_other_documents(w, client, signing):
    client.force_login(w.commune_staff)
    response = client.post(reverse("reports:request", args=[w.season.pk, "records"]), {"code": "CS1"})
    job = render_now(ReportJob.objects.get(kind="records"))
    assert response.status_code == 302 and job.status == "done"
    client.force_login(w.secretary2)
    assert (
        client.post(reverse("reports:request", args=[w.season.pk, "records"]), {"code": "CS1"}).status_code
        == 404
    )


# -- points in the minutes, the decision list and the summary ---------------------------------------


def test_minutes_show_each_member_s_self_scored_and_appraised_points(w, tmp_path):
    document, _html, pdf, fetcher = render(w, "minutes", w.unit(w.cell1))
    rows = {row["name"]: row for rows in document.context["member_tables"] for row in rows}
    assert (rows["Nguyễn Văn An"]["self_points"], rows["Nguyễn Văn An"]["proposed_points"]) == ("86", "84")
    assert (rows["Lê Văn Hùng"]["self_points"], rows["Lê Văn Hùng"]["proposed_points"]) == ("87", "87")
    assert document.context["points"]["self"] == "86,3"
    assert_printed(pdf, fetcher, tmp_path, "Tự chấm", "Thẩm định", "Điểm bình quân")


def test_the_decision_list_shows_decided_points_and_the_average_per_level(w, tmp_path):
    document, _html, pdf, fetcher = render(w, "decisions", w.unit(w.base))
    members = {row["name"]: row for group in document.context["member_groups"] for row in group["rows"]}
    assert members["Nguyễn Văn An"]["points"] == "63" and members["Nguyễn Văn An"]["level"] == "HTNV"
    counts = {c["code"]: c for c in document.context["counts"]["members"]}
    assert counts["HTNV"]["average"] == "63"
    assert_printed(pdf, fetcher, tmp_path, "Điểm", "bình quân 63 điểm", "T/M ĐẢNG ỦY")


def test_r366_score_1_summary_shows_points_beside_a_previous_year_rated_under_124(w, tmp_path):
    commune = w.unit(w.commune)
    document, html, pdf, fetcher = render(w, "summary", commune)
    context = document.context
    members = {row["label"]: row for row in context["members"]}
    assert members["Hoàn thành tốt nhiệm vụ (HTTNV)"]["now"][0] == "9"  # levels compare with 2025
    assert members["Hoàn thành nhiệm vụ (HTNV)"]["before"][0] == "1"
    points = context["points"]
    assert points["compare"] is False and points["previous_without_points"] is True
    by_level = {row["label"]: row for row in points["by_level"]}
    assert by_level["Hoàn thành nhiệm vụ (HTNV)"]["members"] == ("1", "63")
    assert by_level["Chung"]["members"] == ("10", "83,9") and by_level["Chung"]["members_before"] == ""
    bands = {row["label"]: row for row in points["bands"]}
    assert bands["Từ 60 đến dưới 70 điểm"]["total"] == "1"
    assert bands["Từ 80 đến dưới 90 điểm"]["total"] == "9"
    children = {row["name"]: row for row in points["children"]}
    assert children["Đảng bộ Trường An Bình"]["scored"] == "10"
    assert_printed(
        pdf,
        fetcher,
        tmp_path,
        "Năm 2025",
        "Điểm bình quân",
        "không chấm điểm",
        "Phân bố điểm của đảng viên",
        "Đảng bộ Trường An Bình",
        "T/M BAN THƯỜNG VỤ",
    )


def test_summary_compares_points_where_both_years_have_them(w):
    """A 2027 season under QĐ 366 after the 2026 one: points beside points."""
    later = open_season(
        top_organization=w.province, year=2027, reference_date=datetime.date(2027, 11, 15), criteria=CRITERIA
    )
    Subject.objects.filter(season=later, kind=Subject.Kind.MEMBER, out_of_scope="").update(
        state=Subject.State.DECIDED, decided_level="HTTNV", decided_points=Decimal("80")
    )
    unit = SeasonUnit.objects.get(season=later, organization=w.commune)
    document = build(
        "summary", season=Season.objects.get(pk=later.pk), unit=unit, verification=verification()
    )
    points = document.context["points"]
    assert points["compare"] is True
    by_level = {row["label"]: row for row in points["by_level"]}
    assert by_level["Chung"]["members"][1] == "80" and by_level["Chung"]["members_before"] == "83,9"
    children = {row["name"]: row for row in points["children"]}
    assert children["Đảng bộ Trường An Bình"]["before"] == "83,9"
    assert "Năm 2026" in render_html(document)


def test_appendices_show_points_in_the_same_queries(w):
    top = w.unit(w.province)
    part = build_summary_part(
        season=w.season,
        unit=top,
        base_unit_ids=summary_parts(w.season, top, 100)[0],
        first_number=1,
        verification=verification(),
    )
    school = part.context["appendices"][0]
    assert school["name"] == "Đảng bộ Trường An Bình"
    assert school["points"] == {"own": "", "average": "83,9", "scored": "10"}
    assert "Điểm bình quân của đảng viên: <strong>83,9</strong>" in render_html(part)


def test_the_records_list_and_the_points_of_the_summary_cost_the_same_queries_whatever_the_subtree(w):
    def queries(kind, unit):
        season = Season.objects.select_related("rule_set", "top_organization").get(pk=w.season.pk)
        with CaptureQueriesContext(connection) as captured:
            build(kind, season=season, unit=unit, verification=verification())
        return len(captured)

    assert queries("records", w.unit(w.cell1)) == queries("records", w.unit(w.commune))
    assert queries("summary", w.unit(w.base)) == queries("summary", w.unit(w.commune))
