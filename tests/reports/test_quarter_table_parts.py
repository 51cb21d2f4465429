"""A quarter summary table too long for one piece (issue 14, R366-QTR-2): above TABLE_LIMIT
leaders the signed PDF is the main document (heading, counts, signature) followed by appendix parts
of TABLE_PART_ROWS rows, rendered as separate parts, merged in order and signed once. The limits
are lowered here so that a dozen leaders stand for a province's 60,000."""

import subprocess

import pytest

from reports.documents import quarters as quarter_documents
from reports.services import plan_parts, render_now, request_report
from reviews.models import QuarterlyEvaluation, SeasonUnit
from reviews.quarters import services
from reviews.quarters.setup import save_quarter_setup
from tests.reports.test_documents import pdf_text
from tests.reviews.test_quarters import quarter_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def long_table(db, monkeypatch):
    monkeypatch.setattr(quarter_documents, "TABLE_LIMIT", 3)
    monkeypatch.setattr(quarter_documents, "TABLE_PART_ROWS", 5)
    w = quarter_world()
    save_quarter_setup(season=w.season, actor=w.board, profiles=["LD", "KLD", "NHT"])
    w.quarter = services.open_quarter(season=w.season, actor=w.board, number=2)
    w.quarter.evaluations.filter(subject__member=w.deputy).update(
        state="decided", decided_level="HTTNV", decided_points=85, self_points=87, self_level="HTTNV"
    )
    w.top = SeasonUnit.objects.get(season=w.season, organization=w.province)
    return w


def test_r366_qtr_2_a_long_quarter_table_is_rendered_in_parts_merged_and_signed_once(
    long_table, signing, tmp_path
):
    w = long_table
    leaders = QuarterlyEvaluation.objects.filter(quarter=w.quarter).count()
    assert leaders > 2 * quarter_documents.TABLE_PART_ROWS
    job = request_report(
        kind="quarter_table", season=w.season, unit=w.top, user=w.board, quarter=2, enqueue=False
    )
    parts = plan_parts(job)
    expected = 1 + -(-leaders // quarter_documents.TABLE_PART_ROWS)
    assert [p["kind"] for p in parts] == ["main"] + ["quarter_rows"] * (expected - 1)
    assert [p["first"] for p in parts[1:]] == list(range(1, leaders + 1, quarter_documents.TABLE_PART_ROWS))
    job = render_now(job)
    assert job.status == "done" and job.chunks == expected, getattr(job, "error", "")
    with job.file.open("rb") as handle:
        content = handle.read()
    text = pdf_text(content)
    assert f"({leaders} người) ở phụ lục" in text and "HTTNV" in text
    assert text.count("Phụ lục") >= expected - 1
    # Every leader is listed once, numbered 1…N across the parts.
    names = set(QuarterlyEvaluation.objects.filter(quarter=w.quarter).values_list("subject__name", flat=True))
    assert all(name in text for name in names)
    assert job.verification_code in text
    (tmp_path / "bang.pdf").write_bytes(content)
    checked = subprocess.run(["/usr/bin/pdfsig", str(tmp_path / "bang.pdf")], capture_output=True)
    assert b"Signature is Valid" in checked.stdout and b"Total document signed" in checked.stdout


def test_r366_qtr_2_a_table_within_the_limit_stays_in_one_piece(long_table):
    w = long_table
    cell = SeasonUnit.objects.get(season=w.season, organization=w.base_cell)  # two members
    job = request_report(
        kind="quarter_table", season=w.season, unit=cell, user=w.board, quarter=2, enqueue=False
    )
    assert plan_parts(job) == []
