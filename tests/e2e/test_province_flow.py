"""The provincial organization board (`tinhuy`) follows the season: the province's figures,
a drill-down to a commune and back, and the figures as an Excel workbook. Nothing is changed,
so the shared demo server is used."""

import re

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from tests.e2e.conftest import audit, page_check_tests, press

pytestmark = pytest.mark.e2e

PROVINCE = "Tỉnh ủy Hòa Bình Demo"
COMMUNE = "Đảng ủy xã Tiến Phương"  # bantochuc's commune
BASE = "Đảng bộ Trường THPT Tiến Phương"


def test_the_province_drills_down_to_a_commune_and_back_and_downloads_the_figures(
    demo_server, demo_year, open_as, tmp_path
):
    page = open_as(demo_server, "tinhuy")
    audit(page, "province-home")
    press(page, page.locator("main a[href$='/thong-ke/DEMO/']").first)
    expect(page.locator("h1")).to_have_text(PROVINCE)
    expect(page).to_have_url(re.compile(r"/ky-kiem-diem/\d+/thong-ke/DEMO/$"))
    children = page.locator("section[aria-labelledby=children-title] tbody tr")
    assert children.count() > 5
    # The level columns of the figures are the regulation's level codes.
    header = page.locator("section[aria-labelledby=children-title] thead")
    for code in ("HTXSNV", "HTTNV", "HTNV", "KHTNV"):
        expect(header).to_contain_text(code)
    audit(page, "province-dashboard", shot=True)

    # Down to a commune: its own figures, the province in the breadcrumbs.
    press(page, children.get_by_role("link", name=COMMUNE, exact=True))
    expect(page.locator("h1")).to_have_text(COMMUNE)
    crumbs = page.locator("nav ol.breadcrumb")
    expect(crumbs.get_by_role("link", name=PROVINCE, exact=True)).to_be_visible()
    expect(crumbs.locator("[aria-current=page]")).to_have_text(COMMUNE)
    expect(
        page.locator("section[aria-labelledby=children-title]").get_by_role("link", name=BASE)
    ).to_be_visible()
    audit(page, "commune-dashboard")

    # And back up.
    press(page, crumbs.get_by_role("link", name=PROVINCE, exact=True))
    expect(page.locator("h1")).to_have_text(PROVINCE)

    # The figures as a workbook.
    with page.expect_download() as download_info:
        page.locator("main a[href$='/thong-ke/DEMO.xlsx']").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".xlsx")
    path = tmp_path / download.suggested_filename
    download.save_as(path)
    workbook = load_workbook(path, read_only=True)
    assert "Tổng hợp" in workbook.sheetnames
    sheet = workbook["Tổng hợp"]
    rows = list(sheet.iter_rows(min_row=1, max_row=3, values_only=True))
    assert PROVINCE in rows[0][0] and str(demo_year) in rows[0][0]
    assert rows[2][:3] == ("Mức xếp loại", "Tên mức", "Tổ chức đảng")
    assert "Theo đơn vị" in workbook.sheetnames
    by_unit = [row[0] for row in workbook["Theo đơn vị"].iter_rows(min_row=4, values_only=True)]
    assert COMMUNE in by_unit


PAGES = ["province-home", "province-dashboard", "commune-dashboard"]
test_page_has_no_serious_accessibility_violation, test_page_is_valid_html = page_check_tests(PAGES)
