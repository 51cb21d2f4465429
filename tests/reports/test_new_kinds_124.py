"""The two new kinds of document in a season rated under QĐ 124: a re-rating decision after a
cancellation (R-STEP-3) without points or form number, and the list of records without the
residence comments that QĐ 124 does not ask for. The QĐ 124 documents themselves are unchanged
(tests/reports/test_documents.py)."""

import pytest

from reports.documents import build, render_html
from reports.pdf import html_to_pdf
from reviews import workflow
from reviews.models import SeasonUnit
from tests.reports.test_documents import pdf_text, verification
from tests.reviews.conftest import build_world
from tests.reviews.helpers import decide_everything_below_the_commune, fresh

pytestmark = pytest.mark.django_db


@pytest.fixture
def decided(db):
    w = build_world()
    decide_everything_below_the_commune(w)
    w.unit = lambda org: SeasonUnit.objects.select_related("parent").get(season=w.season, organization=org)
    return w


def test_r_step_3_a_cancelled_and_re_decided_cell_gets_a_re_rating_decision(decided):
    w = decided
    cell = w.subject(unit=w.cell1)
    workflow.cancel(subject=fresh(cell), actor=w.commune_staff, reason="Có đơn tố cáo đúng sự thật")
    workflow.decide(
        decisions=[workflow.DecisionInput(subject=fresh(cell), level="HTNV")],
        actor=w.base_staff,
        reason="Theo kết luận của Ban Thường vụ",
    )
    document = build(
        "rerating", season=w.season, unit=w.unit(w.base), subject=cell, verification=verification()
    )
    html = render_html(document)
    assert document.context["header"]["form_number"] == ""  # QĐ 124 has no Mẫu 03
    assert "Quy định số 124-QĐ/TW" in html and "Có đơn tố cáo đúng sự thật" in html
    assert "tổ chức đảng năm 2026" in html and "Tổng điểm" not in html and "/100" not in html
    assert "Hoàn thành tốt nhiệm vụ (HTTNV)" in html and "Hoàn thành nhiệm vụ (HTNV)" in html
    assert "T/M ĐẢNG ỦY" in html and "Chi bộ Tổ Toán căn cứ Quyết định thi hành" in html


def test_the_records_list_of_a_124_season_has_no_residence_row(decided):
    w = decided
    document = build("records", season=w.season, unit=w.unit(w.base), verification=verification())
    titles = [row["title"] for row in document.context["rows"]]
    assert "Nhận xét của cấp ủy nơi cư trú" not in titles and len(titles) == 9
    assert document.context["header"]["form_number"] == ""
    rows = {row["title"]: row["count"] for row in document.context["rows"]}
    assert rows["Bản kiểm điểm, tự đánh giá, xếp loại của cá nhân"] == "10"
    text = pdf_text(html_to_pdf(render_html(document)))
    assert "DANH MỤC HỒ SƠ" in text and "Quy định số 124-QĐ/TW" in text
