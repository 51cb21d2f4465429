"""Signed reports: signatures any validator accepts, a public verification page that spots a
changed byte, jobs claimed once, access to files by scope, the render_report command."""

import io
import subprocess
from pathlib import Path

import pytest
from asn1crypto import pem, x509
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext

from reports import upkeep
from reports.models import ReportJob, ReportPart
from reports.services import claim, render_now, request_report
from tests.factories import UserFactory
from tests.reviews.conftest import build_world
from tests.reviews.helpers import decide_everything_below_the_commune

pytestmark = pytest.mark.django_db


@pytest.fixture
def decided(signing):
    world = build_world()
    decide_everything_below_the_commune(world)
    return world


def individual_job(world):
    subject = world.subject(member=world.head)
    return render_now(
        request_report(
            kind="individual",
            season=world.season,
            unit=subject.unit,
            subject=subject,
            user=world.base_staff,
            enqueue=False,
        )
    )


def stored_bytes(job) -> bytes:
    with job.file.open("rb") as handle:
        return handle.read()


def test_pdfsig_says_the_signature_is_valid_and_covers_the_whole_document(decided, tmp_path):
    job = individual_job(decided)
    assert job.status == "done" and job.content_type == "application/pdf"
    path = tmp_path / "form.pdf"
    path.write_bytes(stored_bytes(job))
    report = subprocess.run(["pdfsig", str(path)], capture_output=True, text=True).stdout
    assert "Signature is Valid" in report
    assert "Total document signed" in report


def test_pyhanko_validates_intact_and_trusted_with_the_dev_ca(decided, signing):
    job = individual_job(decided)
    root = x509.Certificate.load(pem.unarmor(signing["ca"].read_bytes())[2])
    reader = PdfFileReader(io.BytesIO(stored_bytes(job)))
    status = validate_pdf_signature(reader.embedded_signatures[0], ValidationContext(trust_roots=[root]))
    assert status.intact and status.valid and status.trusted
    assert status.bottom_line


def test_the_text_keeps_its_vietnamese_diacritics(decided, tmp_path):
    job = individual_job(decided)
    path = tmp_path / "form.pdf"
    path.write_bytes(stored_bytes(job))
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True).stdout
    assert "BẢN KIỂM ĐIỂM CÁ NHÂN" in text and "Lê Văn Hùng" in text and "ĐẢNG CỘNG SẢN VIỆT NAM" in text
    assert job.verification_code in text


def test_the_verification_page_shows_the_document_and_spots_a_changed_byte(decided, client):
    job = individual_job(decided)
    url = reverse("verify", args=[job.verification_code])
    page = client.get(url)  # public: no login
    assert page.status_code == 200
    content = page.content.decode()
    assert job.sha256 in content and job.title in content and job.signer_name in content
    original = stored_bytes(job)
    same = client.post(url, {"file": io.BytesIO(original)})
    assert same.context["result"]["matches"] is True
    altered = bytearray(original)
    altered[len(altered) // 2] ^= 0x01
    changed = client.post(url, {"file": io.BytesIO(bytes(altered))})
    assert changed.context["result"]["matches"] is False
    assert "NOT" in changed.content.decode() or "KHÔNG" in changed.content.decode()


def test_the_verification_page_is_rate_limited(decided, client, settings, time_machine):
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "rl"}
    }
    job = individual_job(decided)
    url = reverse("verify", args=[job.verification_code])
    # The limit counts per minute: the clock stands still, so the requests of a slow run cannot
    # straddle two minutes (a CI run once saw the 35th answered in a fresh minute).
    time_machine.move_to(timezone.now(), tick=False)
    codes = [client.get(url).status_code for _ in range(35)]
    assert codes[:30] == [200] * 30 and codes[-1] == 429


def test_an_unknown_code_is_404(db, client):  # and says so: tests/reports/test_verify_lookup.py
    assert client.get(reverse("verify", args=["AAAAA-BBBBB"])).status_code == 404


def test_a_job_is_claimed_once(decided):
    subject = decided.subject(member=decided.head)
    job = request_report(
        kind="individual", season=decided.season, unit=subject.unit, subject=subject, enqueue=False
    )
    first, second = claim(job.pk), claim(job.pk)
    assert first and second is None  # a duplicate delivery finds nothing to claim
    ReportJob.objects.filter(pk=job.pk).update(status="done")
    assert claim(job.pk) is None


def test_a_stale_claim_can_be_taken_over(decided, settings):
    settings.REPORT_STALE_SECONDS = 5
    subject = decided.subject(member=decided.head)
    job = request_report(
        kind="individual", season=decided.season, unit=subject.unit, subject=subject, enqueue=False
    )
    assert claim(job.pk)
    from django.utils import timezone

    ReportJob.objects.filter(pk=job.pk).update(heartbeat_at=timezone.now() - timezone.timedelta(seconds=60))
    assert claim(job.pk)
    assert ReportJob.objects.get(pk=job.pk).attempts == 2


def test_the_file_downloads_only_within_scope(decided, client):
    job = individual_job(decided)
    for user, status in [
        (decided.base_staff, 200),
        (decided.secretary, 200),
        (decided.commune_staff, 200),
        (decided.secretary2, 404),
        (decided.outsider, 404),
    ]:
        client.force_login(user)
        assert client.get(reverse("reports:download", args=[job.uid])).status_code == status, user
    client.force_login(decided.member_user)  # the deputy: not their own form
    assert client.get(reverse("reports:download", args=[job.uid])).status_code == 404


def test_requesting_a_report_from_the_browser_queues_it_for_its_page(decided, client):
    """The request only records the job (it runs after commit: tests/reports/test_background.py
    and test_worker.py); its page follows it."""
    client.force_login(decided.base_staff)
    response = client.post(reverse("reports:request", args=[decided.season.pk, "summary"]), {"code": "CS1"})
    job = ReportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("reports:job", args=[job.uid])
    assert job.status == "queued" and job.requested_by == decided.base_staff
    page = client.get(reverse("reports:job", args=[job.uid])).content.decode()
    # Not handed to a worker (this test's transaction never commits): kept, and the page says so.
    kept = (
        "The request is kept and is waiting for the background system to process it: it will start by itself."
    )
    assert gettext(kept) in page and 'data-hx-trigger="every 2s"' in page
    client.force_login(decided.secretary2)
    assert (
        client.post(
            reverse("reports:request", args=[decided.season.pk, "summary"]), {"code": "XA1"}
        ).status_code
        == 404
    )


def test_a_register_number_goes_with_the_request_and_a_bad_one_is_refused_in_vietnamese(decided, client):
    client.force_login(decided.base_staff)
    back = reverse("reviews:index")
    url = reverse("reports:request", args=[decided.season.pk, "decisions"])
    response = client.post(url, {"code": "CS1", "number": "12b"}, HTTP_REFERER=f"http://testserver{back}")
    assert response.status_code == 302 and response["Location"] == f"http://testserver{back}"
    assert not ReportJob.objects.exists()  # nothing half-made
    page = client.get(back, follow=True).content.decode()
    assert "Số văn bản “12b” không hợp lệ" in page
    client.post(url, {"code": "CS1", "number": "125"})
    assert ReportJob.objects.get().params == {"number": "125"}
    client.force_login(decided.leader)  # sees the unit, does not issue its documents
    assert client.post(url, {"code": "CS1", "number": "126"}).status_code == 403
    assert ReportJob.objects.count() == 1


def test_the_dashboard_register_number_takes_what_clerks_type_and_says_what_is_added(decided, client):
    """The field has a visible label, says in Vietnamese which symbol is added after the digits, has
    no browser pattern (an English bubble) and takes "125" or "125-BC/BTCTU"; a bad number is refused
    with a Vietnamese message and no job."""
    import re

    client.force_login(decided.base_staff)
    page = client.get(reverse("reviews:dashboard", args=[decided.season.pk, "CS1"])).content.decode()
    assert '<label for="number-summary"' in page and "Số văn bản" in page
    assert "“-BC/ĐU” được thêm" in page and "“-QĐ/ĐU” được thêm" in page
    forms = re.findall(r"<form[^>]*yeu-cau/(?:summary|decisions)/[^>]*>", page)
    assert len(forms) == 2 and all("novalidate" in f for f in forms)
    assert 'pattern="' not in page
    url = reverse("reports:request", args=[decided.season.pk, "summary"])
    client.post(url, {"code": "CS1", "number": "125"})
    client.post(url, {"code": "CS1", "number": " 126 - bc/btctu "})
    assert [j.params for j in ReportJob.objects.order_by("pk")] == [
        {"number": "125"},
        {"number": "126-BC/BTCTU"},
    ]
    back = reverse("reviews:dashboard", args=[decided.season.pk, "CS1"])
    response = client.post(url, {"code": "CS1", "number": "Số 12"}, HTTP_REFERER=f"http://testserver{back}")
    assert response.status_code == 302 and ReportJob.objects.count() == 2
    assert "Số văn bản “Số 12” không hợp lệ" in client.get(back).content.decode()
    render_now(ReportJob.objects.order_by("pk").last())
    job = ReportJob.objects.order_by("pk").last()
    assert job.title.endswith("– số 126-BC/BTCTU")


def test_render_report_takes_a_register_number(decided, tmp_path):
    output = tmp_path / "summary.pdf"
    call_command("render_report", "summary", organization="CS1", season=2026, number="88", output=str(output))
    text = subprocess.run(["pdftotext", str(output), "-"], capture_output=True, text=True).stdout
    assert "Số: 88-BC/ĐU" in text
    assert ReportJob.objects.get().title.endswith("– số 88-BC/ĐU")
    with pytest.raises(CommandError, match="không hợp lệ"):
        call_command(
            "render_report", "summary", organization="CS1", season=2026, number="x", output=str(output)
        )


def test_the_province_summary_fans_out_and_is_signed_once(decided, settings, tmp_path):
    settings.REPORT_CHUNK_SIZE = 1  # one base organization per part
    job = render_now(
        request_report(
            kind="summary", season=decided.season, unit=decided.season.units.get(code="TINH"), enqueue=False
        )
    )
    assert job.status == "done" and job.chunks == 3  # the summary and two appendices
    path = tmp_path / "summary.pdf"
    path.write_bytes(stored_bytes(job))
    report = subprocess.run(["pdfsig", str(path)], capture_output=True, text=True).stdout
    assert report.count("Signature #") == 1 and "Total document signed" in report
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True).stdout
    assert "Phụ lục 1" in text and "Phụ lục 2" in text


def test_render_report_command_writes_the_file(decided, tmp_path):
    output = tmp_path / "decisions.pdf"
    call_command("render_report", "decisions", organization="CS1", season=2026, output=str(output))
    assert output.read_bytes().startswith(b"%PDF")
    card = decided.head.card_number
    individual = tmp_path / "one.pdf"
    call_command(
        "render_report", "individual", organization="CB1", season=2026, member=card, output=str(individual)
    )
    assert individual.stat().st_size > 1000


def test_a_user_without_a_role_sees_no_reports_and_where_they_are_made(db, client):
    """Nothing requested yet: the page says where a signed document is made, not only that none is."""
    client.force_login(UserFactory(username="nobody"))
    response = client.get(reverse("reports:jobs"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "data-where-made" in html and "Số liệu thống kê" in html


def test_the_jobs_the_workers_do_not_have_are_the_ones_sent_again(decided, settings):
    """Kept while the broker was down, or silent after a worker died (issue 13): chosen by
    upkeep.jobs_to_redispatch; a job sent lately or alive in a worker is left alone."""
    from django.utils import timezone

    settings.REPORT_STALE_SECONDS = 60
    now, long_ago = timezone.now(), timezone.now() - timezone.timedelta(seconds=600)
    subject = decided.subject(member=decided.head)

    def job(**fields):
        made = request_report(
            kind="individual", season=decided.season, unit=subject.unit, subject=subject, enqueue=False
        )
        ReportJob.objects.filter(pk=made.pk).update(**fields)
        return made.pk

    never_sent = job()
    sent_long_ago = job(dispatched_at=long_ago)
    job(dispatched_at=now)  # waiting in the broker
    dead_worker = job(status="running", heartbeat_at=long_ago, dispatched_at=long_ago)
    job(status="running", heartbeat_at=now, dispatched_at=long_ago)  # alive
    job(status="running", heartbeat_at=long_ago, dispatched_at=now)  # sent again just now
    job(status="done", dispatched_at=long_ago)
    assert upkeep.jobs_to_redispatch() == [never_sent, sent_long_ago, dead_worker]


def test_part_files_a_crash_left_behind_are_swept_and_a_running_job_s_are_kept(decided, settings):
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    finished = individual_job(decided)
    left = ReportPart.objects.create(job=finished, index=0)
    left.file.name = default_storage.save(f"reports/parts/{finished.uid}/00000.pdf", ContentFile(b"%PDF"))
    left.save()
    orphan = default_storage.save(
        "reports/parts/0f0f0f0f-0000-4000-8000-000000000000/00000.pdf", ContentFile(b"x")
    )
    running = request_report(
        kind="summary", season=decided.season, unit=decided.season.units.get(code="TINH"), enqueue=False
    )
    ReportJob.objects.filter(pk=running.pk).update(status="running")
    kept = default_storage.save(f"reports/parts/{running.uid}/00000.pdf", ContentFile(b"%PDF"))

    assert upkeep.sweep_parts() == 1  # the orphan folder; the finished job's went with its parts
    assert not default_storage.exists(left.file.name) and not default_storage.exists(orphan)
    assert not ReportPart.objects.filter(job=finished).exists()
    assert default_storage.exists(kept)
    root = Path(settings.MEDIA_ROOT) / "reports" / "parts"
    assert [folder.name for folder in root.iterdir()] == [str(running.uid)]
