"""Who issues which paper (R-STEP-2, R366-STEP-1): the decision recognizing the ratings is the
deciding level's, so a cell or a partial committee — which only proposes — is not offered one and
is refused one, in plain Vietnamese; its summary report says its own symbol ("-BC/CB")."""

import re

import pytest
from django.urls import reverse

from organizations.models import Kind
from reports.models import ReportJob
from reviews.models import RuleSet
from reviews.scope.units import decides_ratings
from tests.reviews.conftest import build_world

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("code", ["qd124-hd25-2023", "qd366-hd43-2025"])
def test_r366_step_1_only_a_base_organization_or_a_unit_above_decides(code):
    rules = RuleSet.objects.get(code=code)
    assert {kind: decides_ratings(rules, kind) for kind in Kind.values} == {
        Kind.PROVINCIAL_COMMITTEE: True,
        Kind.DIRECT_COMMITTEE: True,
        Kind.BASE_COMMITTEE: True,
        Kind.BASE_CELL: True,
        Kind.PARTIAL_COMMITTEE: False,
        Kind.CELL: False,
    }


def _forms(page: str) -> list[str]:
    return re.findall(r"yeu-cau/(summary|decisions)/", page)


def test_r366_step_1_a_cells_dashboard_offers_its_report_not_the_decision(client):
    w = build_world()
    client.force_login(w.secretary)
    page = client.get(reverse("reviews:dashboard", args=[w.season.pk, "CB1"])).content.decode()
    assert _forms(page) == ["summary"]
    assert "“-BC/CB” được thêm tự động" in page and "ví dụ 125-BC/CB." in page
    assert "BTCTU" not in page and "-QĐ/" not in page
    client.force_login(w.base_cell_secretary)  # a base cell decides its members: it issues both
    code = w.base_cell.code
    page = client.get(reverse("reviews:dashboard", args=[w.season.pk, code])).content.decode()
    assert _forms(page) == ["summary", "decisions"] and "ví dụ 125-QĐ/CB." in page


def test_r366_step_1_a_cell_asking_for_the_decision_is_refused_with_who_issues_it(client):
    w = build_world()
    client.force_login(w.secretary)
    back = reverse("reviews:dashboard", args=[w.season.pk, "CB1"])
    response = client.post(
        reverse("reports:request", args=[w.season.pk, "decisions"]),
        {"code": "CB1", "number": "12"},
        HTTP_REFERER=f"http://testserver{back}",
    )
    assert response.status_code == 302 and not ReportJob.objects.exists()
    page = client.get(back).content.decode()
    assert (
        "Chi bộ Tổ Toán không ban hành quyết định công nhận kết quả xếp loại: xếp loại chi bộ và "
        "đảng viên của chi bộ do Đảng ủy Trường An Bình quyết định" in page
    )
    client.post(reverse("reports:request", args=[w.season.pk, "summary"]), {"code": "CB1", "number": "12"})
    assert ReportJob.objects.get().params == {"number": "12"}
