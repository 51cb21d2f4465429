"""Mẫu 05 as a signed PDF (issue 14, R366-FORM-05): a leader's quarter — the self-assessment
(planned tasks and products, evidence, …/30 + …/70 = …/100, proposed level) and the managing
body's comment, points and level (R366-QTR-2) — requested like the individual form, rendered,
signed and found by its verification code; a quarter not run is not printed (R366-QTR-5)."""

import io

import pytest
from asn1crypto import pem, x509
from django.urls import reverse
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext

from reports.documents import DocumentUnavailable, build, render_html
from reports.models import ReportJob
from reports.pdf import StaticOnlyFetcher, html_to_pdf
from reports.services import render_now, request_report
from reviews.models import SeasonUnit
from reviews.quarters import services
from tests.reports.test_documents import assert_printed, pdf_text, verification
from tests.reviews.test_quarters import evaluation, quarter_world, self_assess

pytestmark = pytest.mark.django_db
COMMENT = "Lãnh đạo chi bộ hoàn thành tốt kế hoạch quý; cần đôn đốc báo cáo đúng hạn."


@pytest.fixture
def qw(db):
    """Q2 opened; the deputy (a leader with a login) self-assessed 26 + 61,5 = 87,5, HTTNV, and
    the base committee's staff evaluated 25 + 60 = 85, HTTNV; the head self-assessed only."""
    w = quarter_world()
    services.open_quarter(season=w.season, actor=w.board, number=2)
    self_assess(w, w.deputy, w.member_user, general="26", tasks="61.5", level="HTTNV")
    services.decide_quarter(
        evaluation=evaluation(w, w.deputy),
        actor=w.base_staff,
        general="25",
        tasks="60",
        level="HTTNV",
        comment=COMMENT,
    )
    w.unit = lambda org: SeasonUnit.objects.select_related("parent").get(season=w.season, organization=org)
    return w


def form_05(w, subject, number=2):
    return build(
        "quarter",
        season=w.season,
        unit=subject.unit,
        subject=subject,
        verification=verification(),
        quarter=number,
    )


def stored(job: ReportJob) -> bytes:
    with job.file.open("rb") as handle:
        return handle.read()


def test_r366_form_05_prints_the_self_assessment_and_the_managing_body_s_result(qw, tmp_path):
    """R366-FORM-05, R366-QTR-2: the form number, the quarter and its period, the person and post,
    the planned tasks and evidence, the points of both steps out of 30, 70 and 100, both levels,
    the managing body's comment and the two signatures — in the bundled font, with the
    verification block on every page."""
    w = qw
    subject = w.subject(member=w.deputy)
    document = form_05(w, subject)
    fetcher = StaticOnlyFetcher()
    pdf = html_to_pdf(render_html(document), fetcher)
    (tmp_path / "mau-05.pdf").write_bytes(pdf)
    assert document.template == "reports/quarter.html"
    assert_printed(
        pdf,
        fetcher,
        tmp_path,
        "Mẫu 05-HD KĐ.ĐG 2025",
        "BẢN TỰ ĐÁNH GIÁ, XẾP LOẠI CHẤT LƯỢNG",
        "Quý II năm 2026",
        "Từ ngày 01/04/2026 đến ngày 30/06/2026",
        w.deputy.full_name,
        "Chỉ đạo sơ kết quý; hoàn thành đề án chuyển đổi số",
        "Báo cáo sơ kết số 12-BC/CB",
        "CÁ NHÂN TỰ ĐÁNH GIÁ",
        "Cá nhân tự đánh giá: tổng điểm 87,5/100",
        "Điểm đánh giá: 25/30 + 60/70 = 85/100",
        "Hoàn thành tốt nhiệm vụ (HTTNV)",
        COMMENT,
    )
    text = pdf_text(pdf)
    assert "26" in text and "61,5" in text  # the self-assessed groups beside the decided ones
    assert "T/M" in text and "(Ký tên, đóng dấu)" in text
    assert "R366" not in text  # rule IDs are the product's, never printed


def test_r366_form_05_a_step_not_taken_prints_blank(qw):
    """R366-QTR-2: the head has self-assessed but is not yet evaluated: the managing body's points
    and level are left blank ("…"), its comment lines empty to be written in."""
    w = qw
    self_assess(w, w.head, w.secretary, general="24", tasks="55", level="HTTNV")
    subject = w.subject(member=w.head)
    document = form_05(w, subject)
    assert [row["own"] for row in document.context["points"]] == ["24", "55", "79"]
    assert [row["decided"] for row in document.context["points"]] == ["", "", ""]
    assert document.context["decided_level"] == "" and document.context["comment"] == ""


def test_r366_qtr_5_a_quarter_not_run_is_not_printed(qw):
    """R366-QTR-5: Q1 was not run, Q4 is folded into the year (R366-QTR-3): no Mẫu 05 for them,
    and a request for one is refused before any job is made."""
    w = qw
    subject = w.subject(member=w.deputy)
    for number in (1, 4, 0):
        with pytest.raises(DocumentUnavailable, match="chưa được đánh giá"):
            form_05(w, subject, number)
        with pytest.raises(DocumentUnavailable):
            request_report(
                kind="quarter", season=w.season, unit=subject.unit, subject=subject, quarter=number
            )
    assert not ReportJob.objects.filter(kind="quarter").exists()


def test_r366_form_05_is_requested_by_the_leader_signed_and_verifiable(qw, client, signing):
    """R366-FORM-05: the leader asks for their own Mẫu 05 from the quarter's page; the PDF is
    signed (valid, trusted by the development CA) and its code finds it on the public page."""
    w = qw
    mine = evaluation(w, w.deputy)
    client.force_login(w.member_user)
    page = client.get(reverse("reviews:quarter-form", args=[w.season.pk, mine.pk])).content.decode()
    assert "data-request-form05" in page and 'name="quarter" value="2"' in page
    url = reverse("reports:request", args=[w.season.pk, "quarter"])
    response = client.post(url, {"subject": mine.subject_id, "quarter": "2"})
    job = ReportJob.objects.get(kind="quarter")
    assert response.status_code == 302 and response.url == reverse("reports:job", args=[job.uid])
    assert job.params == {"quarter": 2} and job.subject_id == mine.subject_id
    job = render_now(job)
    assert job.status == "done" and job.content_type == "application/pdf" and job.pages >= 1
    assert job.title.startswith("Bản tự đánh giá, xếp loại chất lượng quý II năm 2026")
    content = stored(job)
    root = x509.Certificate.load(pem.unarmor(signing["ca"].read_bytes())[2])
    status = validate_pdf_signature(
        PdfFileReader(io.BytesIO(content)).embedded_signatures[0], ValidationContext(trust_roots=[root])
    )
    assert status.intact and status.valid and status.trusted
    text = pdf_text(content)
    assert job.verification_code in text and "85/100" in text
    assert client.get(reverse("reports:download", args=[job.uid])).status_code == 200
    client.logout()
    public = client.get(reverse("verify", args=[job.verification_code]))
    assert public.status_code == 200 and job.sha256 in public.content.decode()


def test_r366_form_05_the_managing_body_requests_it_from_its_list(qw, client, signing):
    """R366-QTR-2: the managing body's list shows the quarters it evaluated, each with the button
    for its signed Mẫu 05; staff whose scope covers the leader may ask for it."""
    w = qw
    client.force_login(w.base_staff)
    listing = client.get(reverse("reviews:quarter-decide-list", args=[w.season.pk, 2])).content.decode()
    assert "data-decided-list" in listing and w.deputy.full_name in listing
    assert reverse("reports:request", args=[w.season.pk, "quarter"]) in listing
    subject = w.subject(member=w.deputy)
    url = reverse("reports:request", args=[w.season.pk, "quarter"])
    assert client.post(url, {"subject": subject.pk, "quarter": "2"}).status_code == 302
    job = render_now(ReportJob.objects.get(kind="quarter"))
    assert job.status == "done" and job.signer_organization == subject.unit.name


def test_r366_form_05_is_refused_outside_the_scope(qw, client, signing):
    """The individual form's rule: the person themself or users whose scope covers the subject;
    another cell's secretary and an outsider get 404 for the request and the download, and a
    quarter not run is refused with its reason."""
    w = qw
    subject = w.subject(member=w.deputy)
    url = reverse("reports:request", args=[w.season.pk, "quarter"])
    for user in (w.secretary2, w.outsider):
        client.force_login(user)
        assert client.post(url, {"subject": subject.pk, "quarter": "2"}).status_code == 404
    assert not ReportJob.objects.filter(kind="quarter").exists()
    client.force_login(w.member_user)
    refused = client.post(url, {"subject": subject.pk, "quarter": "1"}, follow=True)
    assert "chưa được đánh giá" in refused.content.decode()
    assert not ReportJob.objects.filter(kind="quarter").exists()
    client.post(url, {"subject": subject.pk, "quarter": "2"})
    job = render_now(ReportJob.objects.get(kind="quarter"))
    for user in (w.secretary2, w.outsider):
        client.force_login(user)
        assert client.get(reverse("reports:download", args=[job.uid])).status_code == 404


# -- the quarter's summary table as a signed PDF ----------------------------------------------------------


def test_r366_qtr_2_the_quarter_summary_table_lists_each_leader_with_both_steps(qw, tmp_path):
    """R366-QTR-2: one row per leader of the unit's part of the season — self-assessed points and
    level, the managing body's points and level once decided, the state — with the counts per
    level; R366-QTR-5: a quarter not run has no table."""
    w = qw
    unit = w.unit(w.base)
    document = build("quarter_table", season=w.season, unit=unit, verification=verification(), quarter=2)
    rows = [row for chunk in document.context["rows"] for row in chunk]
    by_name = {row["name"]: row for row in rows}
    assert set(by_name) == {w.deputy.full_name, w.head.full_name}
    deputy = by_name[w.deputy.full_name]
    assert (deputy["own"], deputy["own_level"], deputy["decided"], deputy["level"]) == (
        "87,5",
        "HTTNV",
        "85",
        "HTTNV",
    )
    assert (by_name[w.head.full_name]["decided"], by_name[w.head.full_name]["state"]) == (
        "",
        "Chưa tự đánh giá",
    )
    fetcher = StaticOnlyFetcher()
    pdf = html_to_pdf(render_html(document), fetcher)
    (tmp_path / "bang-tong-hop.pdf").write_bytes(pdf)
    assert_printed(pdf, fetcher, tmp_path, "BẢNG TỔNG HỢP", "quý II năm 2026", "87,5", "Đã đánh giá", "T/M")
    with pytest.raises(DocumentUnavailable, match="chưa được tổ chức"):
        build("quarter_table", season=w.season, unit=unit, verification=verification(), quarter=1)
    other = build(
        "quarter_table", season=w.season, unit=w.unit(w.cell2), verification=verification(), quarter=2
    )
    assert other.context["total"] == 0  # another cell's part of the season: none of CB1's leaders


def test_r366_qtr_2_the_summary_table_is_requested_from_the_progress_page_signed_and_verifiable(
    qw, client, signing
):
    """The board asks for the province's table from the quarters' page; the PDF is signed and its
    code finds it; a user outside the unit's scope is refused."""
    w = qw
    client.force_login(w.board)
    page = client.get(reverse("reviews:quarters", args=[w.season.pk])).content.decode()
    assert reverse("reports:request", args=[w.season.pk, "quarter_table"]) in page
    url = reverse("reports:request", args=[w.season.pk, "quarter_table"])
    top = w.unit(w.province)
    assert client.post(url, {"code": top.code, "quarter": "2"}).status_code == 302
    job = render_now(ReportJob.objects.get(kind="quarter_table"))
    assert job.status == "done" and job.params == {"quarter": 2} and job.unit_id == top.pk
    content = stored(job)
    assert job.verification_code in pdf_text(content) and w.deputy.full_name in pdf_text(content)
    public = client.get(reverse("verify", args=[job.verification_code]))
    assert public.status_code == 200 and job.sha256 in public.content.decode()
    client.force_login(w.secretary2)
    assert client.post(url, {"code": w.unit(w.base).code, "quarter": "2"}).status_code == 404
