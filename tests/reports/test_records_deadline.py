"""R366-SCOPE-7, R366-FORM-03/04 (HD 43 §4.2): the season's records, with Mẫu 04, reach the
Central Organization Commission before 1 February of the next year — a rule-set switch
(`deadline_records`), shown to the province (on its Mẫu 04, on its dashboard where the list is
asked for, on the page the list is downloaded from), to no one else; nothing is blocked by it.
Dates are relative to the season's year."""

import datetime
import importlib

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.urls import reverse

from reports.documents import build, render_html
from reports.documents.base import committee
from reports.models import ReportJob
from reports.pdf import StaticOnlyFetcher, html_to_pdf
from reports.services import render_now
from reviews.defaults import rule_set_data, shipped_rule_set
from reviews.models import RuleSet, SeasonUnit
from reviews.records_deadline import records_deadline
from reviews.scope import open_season
from tests.reports.test_documents import pdf_text, verification
from tests.reviews.conftest import QD124, QD366, REFERENCE, build_world, open_season_124

pytestmark = pytest.mark.django_db


@pytest.fixture
def w():
    w = build_world(open_now=False)
    w.season = open_season(top_organization=w.province, year=REFERENCE.year, reference_date=REFERENCE)
    assert w.season.rule_set.code == QD366
    w.due = f"01/02/{w.season.year + 1}"
    w.unit = lambda org: SeasonUnit.objects.select_related("parent").get(season=w.season, organization=org)
    return w


def test_r366_scope_7_the_records_deadline_is_a_switch_of_1_february_of_the_next_year():
    """R366-SCOPE-7: `deadline_records` "02-01" ships with QĐ 366 (not with QĐ 124), read as
    1 February of the year after the rated year."""
    assert rule_set_data("qd366-hd43-2025.json")["switches"]["deadline_records"] == "02-01"
    assert "deadline_records" not in rule_set_data("qd124-hd25-2023.json")["switches"]
    assert shipped_rule_set(QD366).day_of("deadline_records", 2027) == datetime.date(2027, 2, 1)
    assert shipped_rule_set(QD124).day_of("deadline_records", 2027) is None


@pytest.mark.parametrize("value", ["2-01", "02-1", "02-30", "02-29", "13-01", "0201", 201, "", None])
def test_r366_scope_7_a_deadline_switch_that_is_not_a_day_of_the_year_is_refused(value):
    """R366-SCOPE-7: the rule set's form refuses a deadline switch that is not "MM-DD" of a day
    every year has (29/02 is not)."""
    copy = _copy()
    copy.switches = {**copy.switches, "deadline_records": value}
    with pytest.raises(ValidationError) as refused:
        copy.clean()  # what the administrators' form runs on the rule set
    assert "deadline_records" in " ".join(refused.value.message_dict["switches"])


def test_r366_scope_7_the_finish_deadlines_are_checked_the_same_way():
    copy = _copy()
    copy.switches = {**copy.switches, "deadline_finish": "31-12", "deadline_finish_other_year": "01-32"}
    with pytest.raises(ValidationError) as refused:
        copy.clean()
    assert len(refused.value.message_dict["switches"]) == 2
    copy.switches = {**copy.switches, "deadline_finish": "12-20", "deadline_finish_other_year": "01-10"}
    copy.switches["deadline_records"] = "01-25"
    copy.clean()
    del copy.switches["deadline_records"]  # switched off
    copy.clean()


def test_r366_scope_7_the_migration_gives_stored_366_rule_sets_the_switch():
    """The rule sets stored before the switch (the shipped one, copies, frozen ones) get "02-01";
    one that has it keeps its value; QĐ 124 gets nothing."""
    migration = importlib.import_module("reviews.migrations.0026_rule_set_deadline_records")
    stored = shipped_rule_set(QD366)
    stored.switches.pop("deadline_records")
    stored.save()
    adjusted = _copy()
    adjusted.switches["deadline_records"] = "01-20"
    adjusted.save()
    migration.add_deadline_records(apps, None)
    assert RuleSet.objects.get(pk=stored.pk).switches["deadline_records"] == "02-01"
    assert RuleSet.objects.get(pk=adjusted.pk).switches["deadline_records"] == "01-20"
    assert "deadline_records" not in shipped_rule_set(QD124).switches


def test_r366_form_04_of_the_province_says_when_the_records_are_due(w, tmp_path):
    """R366-FORM-03/04: the province's Mẫu 04 prints the day the records reach the Central
    Organization Commission; a lower organization's (which sends to its superior) does not."""
    pdf = _pdf(w, w.unit(w.province))
    assert f"gửi về Ban Tổ chức Trung ương trước ngày {w.due}" in pdf
    assert "mục 4.2 Hướng dẫn số 43-HD/BTCTW" in pdf
    assert "gửi về Ban Tổ chức Trung ương trước ngày" not in _pdf(w, w.unit(w.base))


def test_r366_form_04_is_addressed_to_the_central_organization_commission_by_the_province(w):
    """R366-SCOPE-7, R366-FORM-03/04: the province's Mẫu 04 and summary report name the Central
    Organization Commission under "Nơi nhận"; a lower organization's name the committee above it."""
    province, base = w.unit(w.province), w.unit(w.base)
    for kind in ("records", "summary"):
        to_centre = build(kind, season=w.season, unit=province, verification=verification())
        assert to_centre.context["recipients"] == ["Ban Tổ chức Trung ương (để báo cáo),", "Lưu."]
        upward = build(kind, season=w.season, unit=base, verification=verification())
        assert upward.context["recipients"] == [committee(base.parent.name), "Lưu."]
    printed = _pdf(w, province)
    assert "Nơi nhận:" in printed and "- Ban Tổ chức Trung ương (để báo cáo)," in printed


def test_r366_scope_7_the_province_s_switch_sets_the_day(w):
    copy = _copy()
    copy.switches["deadline_records"] = "01-25"
    copy.save()
    w.season.rule_set = copy
    assert records_deadline(w.season, w.unit(w.province)) == datetime.date(w.season.year + 1, 1, 25)
    copy.switches.pop("deadline_records")
    assert records_deadline(w.season, w.unit(w.province)) is None


def test_r366_scope_7_the_province_s_dashboard_and_download_page_say_it(w, client, signing):
    """The dashboard where the list is asked for, then the page it is downloaded from, in
    Vietnamese; a district's dashboard does not."""
    sentence = f"về Ban Tổ chức Trung ương trước ngày {w.due}"
    client.force_login(w.board)
    page = client.get(reverse("reviews:dashboard", args=[w.season.pk, "TINH"])).content.decode()
    assert "Gửi hồ sơ kiểm điểm, đánh giá, xếp loại chất lượng kèm Danh mục hồ sơ (Mẫu 04)" in page
    assert sentence in page and "data-records-deadline" in page
    lower = client.get(reverse("reviews:dashboard", args=[w.season.pk, "XA1"])).content.decode()
    assert "data-records-deadline" not in lower and sentence not in lower
    client.post(reverse("reports:request", args=[w.season.pk, "records"]), {"code": "TINH"})
    job = render_now(ReportJob.objects.get(kind="records"))
    assert job.status == "done"
    download = client.get(reverse("reports:job", args=[job.uid])).content.decode()
    assert sentence in download
    client.force_login(w.commune_staff)
    client.post(reverse("reports:request", args=[w.season.pk, "records"]), {"code": "XA1"})
    other = render_now(ReportJob.objects.get(kind="records", unit__code="XA1"))
    assert sentence not in client.get(reverse("reports:job", args=[other.uid])).content.decode()


def test_r366_scope_7_a_qd_124_season_says_nothing(db, client):
    w = build_world(open_now=False)
    w.season = open_season_124(
        top_organization=w.province, year=2024, reference_date=datetime.date(2024, 11, 15)
    )
    client.force_login(w.board)
    page = client.get(reverse("reviews:dashboard", args=[w.season.pk, "TINH"])).content.decode()
    assert "data-records-deadline" not in page and "Ban Tổ chức Trung ương trước ngày" not in page


def _copy() -> RuleSet:
    copy = shipped_rule_set(QD366)
    copy.pk, copy.code, copy.is_default, copy.frozen_at = None, "tinh-366-ban-sao", False, None
    copy.first_year = copy.last_year = None
    copy.save()
    return copy


def _pdf(w, unit) -> str:
    document = build("records", season=w.season, unit=unit, verification=verification())
    return pdf_text(html_to_pdf(render_html(document), StaticOnlyFetcher()))
