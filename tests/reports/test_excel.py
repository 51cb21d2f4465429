"""The dashboard's figures as an Excel download (R-STAT-1, R-STAT-2, R-STAT-3)."""

import datetime
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from reports.excel import dashboard_workbook
from reviews import figures as statistics
from reviews.models import Subject
from reviews.services import submit_remediation_plan
from reviews.views.dashboard import collect_figures
from tests.reviews.conftest import REFERENCE, build_world, open_season_124
from tests.reviews.helpers import complete_form, decide, propose, review

pytestmark = pytest.mark.django_db

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def world(db):
    return build_world()


def xlsx_url(w, code, season=None):
    return reverse("reports:dashboard-xlsx", args=[(season or w.season).pk, code])


def rate_cell1(w):
    complete_form(w.subject(unit=w.cell1), w.secretary)
    modest = w.members1[2]  # rated HTNV, the others HTTNV
    for m in w.members1:
        if m == modest:
            complete_form(w.subject(member=m), w.secretary, level="HTNV", grade="trung_binh")
        else:
            complete_form(w.subject(member=m), w.secretary)
    review(w.subject(unit=w.cell1), w.secretary, [w.subject(member=m) for m in w.members1])
    propose([w.subject(member=m) for m in w.members1 if m != modest], w.secretary)
    propose([w.subject(member=modest)], w.secretary, level="HTNV")
    propose([w.subject(unit=w.cell1)], w.base_staff)
    decide([w.subject(unit=w.cell1)], w.base_staff)
    decide([w.subject(member=m) for m in w.members1], w.base_staff)


def download(client, url):
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"] == XLSX
    assert response["Content-Disposition"].startswith('attachment; filename="thong-ke-')
    return load_workbook(io.BytesIO(response.content))


def rows(sheet):
    return [list(r) for r in sheet.iter_rows(values_only=True)]


def test_the_workbook_has_the_four_sheets_a_title_and_vietnamese_headers(client, world):
    w = world
    rate_cell1(w)
    client.force_login(w.board)
    book = download(client, xlsx_url(w, "TINH"))
    assert book.sheetnames == ["Tổng hợp", "Theo đơn vị", "Tiến độ", "Theo dõi khắc phục"]
    today = timezone.localdate().strftime("%d/%m/%Y")
    for sheet in book.worksheets:
        title = sheet["A1"].value
        assert "Tỉnh ủy Thử" in title and "năm 2026" in title and today in title
        assert sheet["A1"].font.b
    summary = rows(book["Tổng hợp"])
    assert summary[2] == ["Mức xếp loại", "Tên mức", "Tổ chức đảng", "Tỷ lệ (%)", "Đảng viên", "Tỷ lệ (%)"]
    assert rows(book["Theo đơn vị"])[2][:5] == ["Tổ chức đảng", "Mã", "Số đảng viên", "HTXSNV", "Tỷ lệ (%)"]
    assert rows(book["Tiến độ"])[2][0] == "Bước"


def test_r_stat_1_summary_counts_and_percentages_are_numbers(client, world):
    w = world
    rate_cell1(w)
    client.force_login(w.board)
    book = download(client, xlsx_url(w, "TINH"))
    sheet = book["Tổng hợp"]
    by_level = {r[0]: r for r in rows(sheet)[3:7]}
    assert list(by_level) == ["HTXSNV", "HTTNV", "HTNV", "KHTNV"]
    assert by_level["HTTNV"][1] == "Hoàn thành tốt nhiệm vụ"
    assert by_level["HTTNV"][4] == 6 and by_level["HTNV"][4] == 1
    assert by_level["HTTNV"][5] == pytest.approx(85.7) and by_level["HTNV"][5] == pytest.approx(14.3)
    assert by_level["HTTNV"][2] == 1 and by_level["HTTNV"][3] == 100.0  # the cell
    # Types: counts are integers and percentages floats, never text.
    # (A whole percentage such as 100.0 reads back as the int 100: Excel stores numbers, not types.)
    for row in sheet.iter_rows(min_row=4, max_row=7):
        assert all(c.data_type == "n" and isinstance(c.value, int) for c in (row[2], row[4]))
        assert all(c.data_type == "n" and c.number_format == "0.0" for c in (row[3], row[5]))
        assert all(isinstance(c.value, int | float) for c in (row[3], row[5]))
    labels = {r[1]: r for r in rows(sheet) if r and r[0] in ("", None, "Tổng số")}
    assert labels["Chưa quyết định xếp loại"][4] == 5
    totals = next(r for r in rows(sheet) if r[0] == "Tổng số")
    assert totals[4] == 12


def test_r_stat_1_by_directly_subordinate_organization(client, world):
    w = world
    rate_cell1(w)
    client.force_login(w.commune_staff)
    book = download(client, xlsx_url(w, "XA1"))
    table = rows(book["Theo đơn vị"])
    by_code = {r[1]: r for r in table[3:] if r[1]}
    assert set(by_code) == {"CS1", "CS2"}
    cs1 = by_code["CS1"]
    assert cs1[0] == "Đảng bộ Trường An Bình" and cs1[2] == 10
    assert cs1[3:11] == [0, 0.0, 6, pytest.approx(85.7), 1, pytest.approx(14.3), 0, 0.0]
    total = table[-1]
    assert total[0] == "Cộng" and total[2] == 12
    assert all(isinstance(v, int) for v in (cs1[2], cs1[5], cs1[11], cs1[12]))


def test_r_stat_2_progress_by_state_and_overdue(client, world):
    w = world
    complete_form(w.subject(member=w.deputy), w.member_user)
    w.season.deadlines = {"self_review": "2026-01-10"}
    w.season.save()
    client.force_login(w.base_staff)
    book = download(client, xlsx_url(w, "CS1"))
    table = rows(book["Tiến độ"])
    states = {r[0]: r for r in table[3:] if r and r[0]}
    assert states["Đang viết bản kiểm điểm"][1:5] == [3, 0, 9, 12]
    assert states["Đã nộp bản kiểm điểm"][3] == 1
    assert states["Cộng"][4] == 13
    late = states["Viết bản tự kiểm điểm"]
    assert late[1] == datetime.datetime(2026, 1, 10) and late[2] == 12


def test_r_stat_3_follow_up_figures(client, world):
    w = world
    rate_cell1(w)
    submit_remediation_plan(subject=w.subject(unit=w.cell1), actor=w.secretary, items=[{"text": "Khắc phục"}])
    client.force_login(w.base_staff)
    book = download(client, xlsx_url(w, "CS1"))
    figures = {r[0]: r[1:] for r in rows(book["Theo dõi khắc phục"])[3:]}
    assert figures["Tập thể đã nộp kế hoạch khắc phục"][:3] == [1, 1, 100.0]
    assert figures["Cấp ủy viên đã nộp kế hoạch khắc phục"][:3] == [0, 2, 0.0]
    assert figures["Đảng viên bị kỷ luật trong năm"][0] == 0


def test_the_previous_season_sits_beside_this_one(client, db):
    w = build_world(open_now=False)
    previous = open_season_124(
        top_organization=w.province, year=2025, reference_date=datetime.date(2025, 11, 15)
    )
    Subject.objects.filter(season=previous, kind=Subject.Kind.MEMBER).update(
        state=Subject.State.DECIDED, decided_level="HTTNV"
    )
    w.season = open_season_124(top_organization=w.province, year=2026, reference_date=REFERENCE)
    client.force_login(w.board)
    book = download(client, xlsx_url(w, "TINH"))
    table = rows(book["Tổng hợp"])
    assert table[2][6:] == ["Tổ chức đảng năm 2025", "Tỷ lệ (%)", "Đảng viên năm 2025", "Tỷ lệ (%)"]
    httnv = next(r for r in table if r[0] == "HTTNV")
    assert httnv[8] == 12 and httnv[9] == 100.0


@pytest.mark.parametrize(
    ("who", "code"), [("outsider", "TINH"), ("base_staff", "XA1"), ("secretary2", "CB1"), ("board", "NOPE")]
)
def test_same_access_as_the_dashboard(client, world, who, code):
    client.force_login(getattr(world, who))
    assert client.get(xlsx_url(world, code)).status_code == 404


def test_a_leader_downloads_their_own_subtree_and_anonymous_users_sign_in(client, world):
    client.force_login(world.leader)
    download(client, xlsx_url(world, "CS1"))
    client.logout()
    assert client.get(xlsx_url(world, "CS1")).status_code == 302


def test_a_large_subtree_writes_the_same_figures(db):
    w = build_world(extra_members=190)
    unit = statistics.unit_for(w.season, w.province)
    book = load_workbook(io.BytesIO(dashboard_workbook(collect_figures(w.season, unit))))
    totals = next(r for r in rows(book["Tổng hợp"]) if r[0] == "Tổng số")
    assert totals[4] == 202
