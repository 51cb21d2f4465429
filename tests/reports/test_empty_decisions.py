"""A decision list that names no organization and no member is not issued, under either regime:
a clear Vietnamese refusal with a link to where ratings are decided, and nothing created."""

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from reports import documents
from reports.documents import build
from reports.models import ReportJob
from reviews.models import SeasonUnit
from reviews.scope import open_season
from tests.reports.test_documents import verification
from tests.reports.test_documents_366 import CRITERIA
from tests.reviews.conftest import REFERENCE, build_world

pytestmark = pytest.mark.django_db


@pytest.fixture(params=["qd124", "qd366"])
def undecided(request, signing):
    w = build_world(open_now=request.param == "qd124")
    if request.param == "qd366":
        w.season = open_season(
            top_organization=w.province, year=2026, reference_date=REFERENCE, criteria=CRITERIA
        )
    return w


def test_a_decision_list_with_no_organization_and_no_member_is_refused_and_nothing_is_made(undecided, client):
    w = undecided
    client.force_login(w.base_staff)
    back = reverse("reviews:index")
    response = client.post(
        reverse("reports:request", args=[w.season.pk, "decisions"]),
        {"code": "CS1"},
        HTTP_REFERER=f"http://testserver{back}",
    )
    assert response.status_code == 302 and response["Location"] == f"http://testserver{back}"
    assert not ReportJob.objects.exists()
    page = client.get(back, follow=True).content.decode()
    assert (
        "Chưa thể ban hành quyết định công nhận kết quả xếp loại năm 2026 của Đảng ủy Trường An Bình" in page
    )
    assert "chưa quyết định xếp loại tổ chức đảng hay đảng viên nào" in page
    assert f'href="{reverse("reviews:queue", args=[w.season.pk])}"' in page
    unit = SeasonUnit.objects.get(season=w.season, organization=w.base)
    with pytest.raises(documents.DocumentUnavailable):
        build("decisions", season=w.season, unit=unit, verification=verification())
    with pytest.raises(CommandError, match="Chưa thể ban hành"):
        call_command("render_report", "decisions", organization="CS1", season=2026, output="/dev/null")
    assert not ReportJob.objects.exists()
