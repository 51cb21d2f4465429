"""No signed document with empty or wrong content, under QĐ 124 and QĐ 366 alike: a decision list
with nothing decided is refused; the minutes are approved at the meeting; the forms' alternatives
("T/M CHI ỦY (CHI BỘ)") are resolved to the one body that signs (R-FORM-8, R366-FORM-SIGN); the
secretary's name stands under the signature where the seats are known; a signature block never
stands alone at the top of a page. Checked on the printed PDF (pdftotext)."""

import datetime
import subprocess

import pytest
from django.db import transaction

from members.models import CommitteeSeat
from reports.documents import build, render_html
from reports.pdf import html_to_pdf
from reviews.models import SeasonUnit
from tests.reports import test_documents as world_124
from tests.reports import test_documents_366 as world_366
from tests.reports.test_documents import CODE, normalized, page_count, verification
from tests.reviews.conftest import REFERENCE
from tests.reviews.helpers import fresh

pytestmark = pytest.mark.django_db

ALTERNATIVES = ("(CHI BỘ)", "(CHI ỦY)", "(chi bộ)", "(chi ủy)", "(ĐẢNG ỦY", "(đảng ủy")
BASE_SECRETARY = "Trần Thị Hoa"  # given the base committee's head seat below


def _decided_124():
    w = world_124.make_world()
    world_124.run_season(w)
    return w


@pytest.fixture(scope="module", params=["qd124", "qd366"])
def decided(request, django_db_setup, django_db_blocker):
    """A season driven to its decisions under each regime, with the base committee's secretary on
    record; built once per regime, rolled back at the end."""
    with django_db_blocker.unblock(), transaction.atomic():
        w = _decided_124() if request.param == "qd124" else world_366.make_world()
        w.regime = request.param
        CommitteeSeat.objects.create(
            member=w.members2[0],
            organization=w.base,
            position=CommitteeSeat.Position.HEAD,
            starts_on=REFERENCE.replace(month=1, day=2),
        )
        yield w
        transaction.set_rollback(True)


@pytest.fixture
def w(decided, db):
    decided.unit = lambda org: SeasonUnit.objects.select_related("parent").get(
        season=decided.season, organization=org
    )
    return decided


def pdf_of(w, kind, unit, subject=None, **changes) -> bytes:
    document = build(kind, season=w.season, unit=unit, subject=subject, verification=verification())
    for key, value in changes.items():
        target = document.context
        *path, last = key.split("__")
        for part in path:
            target = target[part]
        target[last] = value
    return html_to_pdf(render_html(document))


def page_texts(pdf: bytes) -> list[str]:
    return [
        subprocess.run(
            ["/usr/bin/pdftotext", "-layout", "-f", str(n), "-l", str(n), "-", "-"],
            input=pdf,
            capture_output=True,
            check=True,
        ).stdout.decode()
        for n in range(1, page_count(pdf) + 1)
    ]


def text_of(pdf: bytes) -> str:
    return normalized(" ".join(page_texts(pdf)))


def every_document(w) -> dict[str, bytes]:
    member = w.subject(member=w.members1[4])
    found = {
        "individual": pdf_of(w, "individual", w.unit(w.cell1), member),
        "collective of the cell": pdf_of(w, "collective", w.unit(w.cell1)),
        "collective of the base": pdf_of(w, "collective", w.unit(w.base)),
        "minutes": pdf_of(w, "minutes", w.unit(w.cell1)),
        "decisions": pdf_of(w, "decisions", w.unit(w.base)),
        "summary": pdf_of(w, "summary", w.unit(w.base)),
        "records": pdf_of(w, "records", w.unit(w.base)),
    }
    if w.regime == "qd366":
        found["rerating"] = pdf_of(w, "rerating", w.unit(w.base), fresh(w.rerated))
    return found


# -- the minutes -----------------------------------------------------------------------------------


def test_the_minutes_are_approved_at_the_meeting_before_it_closes_never_before_it(w):
    text = text_of(pdf_of(w, "minutes", w.unit(w.cell1)))
    assert "trước hội nghị" not in text
    assert "Biên bản đã được đọc và thông qua tại hội nghị trước khi bế mạc." in text
    assert "Chủ trì: Lê Văn Hùng" in text


def test_the_minutes_of_a_meeting_of_several_days_say_when_it_ended(w):
    from reviews.models import Meeting

    Meeting.objects.filter(collective=w.subject(unit=w.cell1)).update(ends_on=datetime.date(2026, 11, 21))
    text = text_of(pdf_of(w, "minutes", w.unit(w.cell1)))
    assert "Thời gian: từ ngày 20/11/2026 đến ngày 21/11/2026." in text
    assert "Hội nghị kết thúc ngày 21/11/2026." in text and "cùng ngày" not in text


# -- R-FORM-8, R366-FORM-SIGN: one body signs, by name -----------------------------------------------


def test_no_document_prints_the_forms_alternatives_and_each_signature_names_its_body(w):
    printed = every_document(w)
    for name, pdf in printed.items():
        text = text_of(pdf)
        for alternative in ALTERNATIVES:
            assert alternative not in text, (name, alternative)
        assert "T/M " in text or name == "minutes", name  # the minutes: the secretary and the chair
    individual = text_of(printed["individual"])
    assert "T/M CHI BỘ" in individual and "T/M ĐẢNG ỦY" in individual  # the cell has no chi ủy


def test_a_cell_with_a_committee_signs_as_its_chi_uy_in_both_regimes(w):
    SeasonUnit.objects.filter(season=w.season, organization=w.cell1).update(has_leadership_collective=True)
    individual = text_of(pdf_of(w, "individual", w.unit(w.cell1), w.subject(member=w.members1[4])))
    assert "T/M CHI ỦY" in individual and "T/M CHI BỘ" not in individual
    assert "Nhận xét, đánh giá của chi ủy:" in individual
    assert "Chi ủy đề nghị mức xếp loại chất lượng" in individual
    assert "Đảng ủy xếp loại chất lượng" in individual
    collective = text_of(pdf_of(w, "collective", w.unit(w.cell1)))
    assert "T/M CHI ỦY" in collective


def _signature_page(pdf: bytes, label: str) -> str:
    pages = [page for page in page_texts(pdf) if label in page]
    assert len(pages) == 1, label
    return pages[0]


def test_the_secretary_s_name_stands_under_the_signature_where_the_seat_is_known(w):
    """Lê Văn Hùng holds the head seat of CB1; the base committee's is given above."""
    cell_documents = {
        "individual": pdf_of(w, "individual", w.unit(w.cell1), w.subject(member=w.members1[4])),
        "collective": pdf_of(w, "collective", w.unit(w.cell1)),
    }
    for name, pdf in cell_documents.items():
        page = _signature_page(pdf, "T/M CHI BỘ")
        below = page[page.index("T/M CHI BỘ") :]
        assert "BÍ THƯ" in below and "Lê Văn Hùng" in below, name
    base_documents = ("decisions", "summary", "records", "collective")
    for kind in base_documents:
        page = _signature_page(pdf_of(w, kind, w.unit(w.base)), "T/M ĐẢNG ỦY")
        below = page[page.index("T/M ĐẢNG ỦY") :]
        assert "BÍ THƯ" in below and BASE_SECRETARY in below, kind
    individual = _signature_page(cell_documents["individual"], "T/M ĐẢNG ỦY")
    assert BASE_SECRETARY in individual[individual.index("T/M ĐẢNG ỦY") :]


# -- a signature block never alone on a page ---------------------------------------------------------

SIGNATURE_WORDS = (
    "T/M ",
    "BÍ THƯ",
    "THƯ KÝ",
    "CHỦ TRÌ",
    "Ký, ghi rõ",
    "Ký tên",
    "Nơi nhận",
    "Lưu.",
    "Mã xác thực",
)


def _body_lines_beside_the_signature(pdf: bytes, label: str, names: tuple[str, ...]) -> list[str]:
    page = _signature_page(pdf, label)
    return [
        line.strip()
        for line in page.splitlines()
        if line.strip()
        and not line.strip().isdigit()
        and not any(word in line for word in (*SIGNATURE_WORDS, *names))
        and "xac-thuc" not in line
        and CODE not in line
        and "Tra cứu" not in line
        and not line.strip().startswith("- ")  # recipients
    ]


def _sweep(make_pdf, label: str, names: tuple[str, ...], steps: range) -> int:
    """Grow the body one line at a time across a page end: at every length, the page with the
    signature block also holds lines of the body. Returns how many lengths pushed it to a new
    page."""
    first_page, moved = None, 0
    for n in steps:
        pdf = make_pdf(n)
        pages = page_texts(pdf)
        on = next(i for i, page in enumerate(pages) if label in page)
        first_page = on if first_page is None else first_page
        moved += on > first_page
        body = _body_lines_beside_the_signature(pdf, label, names)
        assert len(body) >= 2, (n, body)
        if moved > 4:
            break
    return moved


def test_the_minutes_signatures_keep_the_last_lines_of_the_body(w):
    unit = w.unit(w.cell1)
    meeting_context = build("minutes", season=w.season, unit=unit, verification=verification()).context[
        "meeting"
    ]

    def make_pdf(n):
        notes = "\n".join(f"Ý kiến bổ sung thứ {i + 1} của hội nghị." for i in range(n))
        return pdf_of(w, "minutes", unit, meeting={**meeting_context, "notes": notes})

    assert _sweep(make_pdf, "CHỦ TRÌ", ("Lê Văn Hùng",), range(0, 60)) > 0


def test_a_decision_s_signature_keeps_its_last_articles(w):
    unit = w.unit(w.base)
    basis = build("decisions", season=w.season, unit=unit, verification=verification()).context["legal_basis"]

    def make_pdf(n):
        longer = basis + "".join(f"; căn cứ văn bản hướng dẫn số {i + 1} của cấp ủy" for i in range(n))
        return pdf_of(w, "decisions", unit, legal_basis=longer)

    assert _sweep(make_pdf, "T/M ĐẢNG ỦY", (BASE_SECRETARY,), range(0, 80, 1)) > 0
