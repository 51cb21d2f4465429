"""The printable documents (R-FORM-1..8, R-STAT-1..3): what each holds, that it prints with the
bundled font and correct diacritics, the verification block on every page, the bottom-left
margin left free for the signature box, user text printed as text, and appendices rendered in a
fixed number of queries per chunk."""

import datetime
import os
import re
import subprocess
import sys

import pytest
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.db import connection, transaction
from django.http import Http404
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from members.models import Member
from organizations.models import Kind, Role
from reports import documents
from reports.documents import build, build_summary_part, render_html, summary_parts, verification_for
from reports.models import ReportJob
from reports.pdf import StaticOnlyFetcher, html_to_pdf
from reports.preview import preview
from reports.signing import BOX
from reviews.models import RemediationItem, RemediationPlan, ReviewForm, SeasonUnit, Subject
from reviews.services import answer_suggestion, issue_suggestion
from tests.factories import make_member, make_org, make_user_with_role
from tests.reviews.conftest import REFERENCE, build_world, open_season_124
from tests.reviews.helpers import complete_form, decide, fresh, propose, review

pytestmark = pytest.mark.django_db

CODE = "7F3KQ-9PD2M"
HOSTILE = (
    '<img src="file:///etc/passwd"> <link rel=stylesheet href="http://example.com/x.css"> '
    '<div style="background:url(file:///etc/hostname)">x</div>'
)


def verification(code=CODE):
    return verification_for(code, f"https://kiemdiem.example/xac-thuc/{code}")


def run_season(w):
    """The whole season of tests/reviews/test_scenario.py, with a suggestion answered, a civil
    servant, a hostile answer and one cell's meeting comments."""
    cuong = w.members1[4]
    Subject.objects.filter(season=w.season, member=cuong).update(is_civil_servant=True)
    Member.objects.filter(pk=cuong.pk).update(party_post="Chi ủy viên", workplace="Trường THPT An Bình")
    subject = w.subject(member=cuong)
    suggestion = issue_suggestion(
        subject=subject, actor=w.base_staff, text="Làm rõ việc chậm nộp báo cáo tháng 3."
    )
    answer_suggestion(
        suggestion=suggestion, actor=w.secretary, answer="Do ốm nằm viện; đã nộp bổ sung ngày 05/4."
    )

    cell1, cell2 = w.subject(unit=w.cell1), w.subject(unit=w.cell2)
    base, base_cell, commune = w.subject(unit=w.base), w.subject(unit=w.base_cell), w.subject(unit=w.commune)
    for collective, actor in [
        (cell1, w.secretary),
        (cell2, w.secretary2),
        (base_cell, w.base_cell_secretary),
        (base, w.base_staff),
        (commune, w.commune_staff),
    ]:
        complete_form(collective, actor)
    for member in w.members1:
        complete_form(w.subject(member=member), w.member_user if member == w.deputy else w.secretary)
    for member in w.members2:
        complete_form(w.subject(member=member), w.secretary2)
    for member in w.members3 + w.extra_members:
        complete_form(
            w.subject(member=member), w.base_cell_secretary if member in w.members3 else w.commune_staff
        )
    form = ReviewForm.objects.get(subject=subject)
    form.answers["II.1"] = {"text": f"Đôi lúc chưa đúng hạn. {HOSTILE}"}
    form.save()

    review(cell1, w.secretary, [w.subject(member=m) for m in w.members1])
    workflow_entry = subject.meeting_entry
    workflow_entry.assessment = "Hoàn thành tốt nhiệm vụ được giao; cần khắc phục việc chậm báo cáo."
    workflow_entry.save()
    review(cell2, w.secretary2, [w.subject(member=m) for m in w.members2])
    review(base_cell, w.base_cell_secretary, [w.subject(member=m) for m in w.members3])
    for unit, members in w.extra_cells:
        complete_form(w.subject(unit=unit), w.commune_staff)
        review(w.subject(unit=unit), w.commune_staff, [w.subject(member=m) for m in members])
    review(base, w.base_staff)
    review(commune, w.commune_staff)

    propose([w.subject(member=m) for m in w.members1], w.secretary)
    propose([w.subject(member=m) for m in w.members2], w.secretary2)
    propose([w.subject(member=m) for m in w.members3], w.base_cell_secretary)
    propose([fresh(cell1), fresh(cell2)], w.base_staff)
    propose([fresh(base), fresh(base_cell)], w.commune_staff)
    decide(
        [fresh(cell1), fresh(cell2)] + [w.subject(member=m) for m in w.members1 + w.members2], w.base_staff
    )
    decide([fresh(base), fresh(base_cell)], w.commune_staff)
    decide([w.subject(member=m) for m in w.members3], w.base_cell_secretary)


def make_world(extra_base_cells=3):
    """The tests/reviews world, a 2025 season with a shortcoming and a remediation plan for
    Nguyễn Văn Cường, and a few more base cells under the commune (for the appendices)."""
    w = build_world(open_now=False)
    w.extra_cells, w.extra_members = [], []
    for n in range(extra_base_cells):
        unit = make_org(Kind.BASE_CELL, w.commune, name=f"Chi bộ Thôn Số {n + 1}", code=f"CS{n + 3}")
        members = [make_member(unit, "Hoàng", "Thị", given) for given in ("Thu", "Thủy")[: 1 + n % 2]]
        w.extra_cells.append((unit, members))
        w.extra_members += members
    earlier = open_season_124(
        top_organization=w.province, year=2025, reference_date=datetime.date(2025, 11, 15)
    )
    cuong_2025 = Subject.objects.get(season=earlier, member=w.members1[4])
    ReviewForm.objects.create(
        subject=cuong_2025,
        template_code="02A",
        answers={"II.1": {"text": "Chưa tích cực tham gia phong trào."}},
    )
    plan = RemediationPlan.objects.create(subject=cuong_2025)
    RemediationItem.objects.create(
        plan=plan,
        text="Tham gia đầy đủ các phong trào của trường",
        owner="Bản thân",
        due_on=datetime.date(2026, 6, 30),
        status=RemediationItem.Status.DONE,
    )
    Subject.objects.filter(pk=cuong_2025.pk).update(decided_level="HTNV", state=Subject.State.DECIDED)
    w.season = open_season_124(top_organization=w.province, year=2026, reference_date=REFERENCE)
    return w


@pytest.fixture(scope="module")
def decided_world(django_db_setup, django_db_blocker):
    """Driving a season takes a while: once per module, in a transaction rolled back at the end
    (each test runs in a savepoint inside it)."""
    with django_db_blocker.unblock(), transaction.atomic():
        w = make_world()
        run_season(w)
        yield w
        transaction.set_rollback(True)


@pytest.fixture
def season(decided_world, db):
    w = decided_world
    w.unit = lambda org: SeasonUnit.objects.select_related("parent").get(season=w.season, organization=org)
    return w


def normalized(text: str) -> str:
    return " ".join(text.split())


def pdf_text(pdf: bytes, *args) -> str:
    out = subprocess.run(["/usr/bin/pdftotext", *args, "-", "-"], input=pdf, capture_output=True, check=True)
    return normalized(out.stdout.decode())


def page_count(pdf: bytes) -> int:
    info = subprocess.run(
        ["/usr/bin/pdfinfo", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode()
    return int(re.search(r"Pages:\s+(\d+)", info).group(1))


def font_names(pdf: bytes, tmp_path) -> list[str]:
    path = tmp_path / "fonts.pdf"
    path.write_bytes(pdf)
    out = subprocess.run(["/usr/bin/pdffonts", str(path)], capture_output=True, check=True).stdout.decode()
    return [line.split()[0] for line in out.splitlines()[2:] if line.strip()]


WORD = re.compile(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*?)</word>')


def words_by_page(pdf: bytes) -> list[tuple[float, list]]:
    """(page height, [(xMin, yMin, xMax, yMax, word)]) per page; y grows downwards."""
    out = subprocess.run(
        ["/usr/bin/pdftotext", "-bbox", "-", "-"], input=pdf, capture_output=True, check=True
    )
    pages = []
    for page in out.stdout.decode().split("<page ")[1:]:
        height = float(re.search(r'height="([\d.]+)"', page).group(1))
        pages.append((height, [(*map(float, m[:4]), m[4]) for m in WORD.findall(page)]))
    return pages


def render(w, kind, unit, subject=None):
    document = build(kind, season=w.season, unit=unit, subject=subject, verification=verification())
    html = render_html(document)
    fetcher = StaticOnlyFetcher()
    pdf = html_to_pdf(html, fetcher)
    return document, html, pdf, fetcher


def assert_printed(pdf: bytes, fetcher: StaticOnlyFetcher, tmp_path, *texts):
    """The text prints with its diacritics, in the bundled font only, the verification block is
    on every page (bottom right) and the signature box's corner of the bottom margin is empty."""
    assert fetcher.refused == []
    text = pdf_text(pdf)
    for expected in texts:
        assert expected in text, expected
    names = font_names(pdf, tmp_path)
    assert names and all(re.fullmatch(r"[A-Z]{6}\+Liberation-?Serif(-[\w-]+)?", n) for n in names), names
    pages = words_by_page(pdf)
    assert len(pages) == page_count(pdf)
    x0, y0, x1, y1 = BOX
    for number, (height, words) in enumerate(pages, 1):
        assert f"Mã xác thực: {CODE}" in pdf_text(pdf, "-f", str(number), "-l", str(number)), number
        assert any(CODE in w[4] and w[0] > x1 and w[1] > height - 30 / 25.4 * 72 for w in words), number
        in_box = [w for w in words if w[0] < x1 and w[2] > x0 and w[1] < height - y0 and w[3] > height - y1]
        assert in_box == [], (number, in_box)


# -- R-FORM-2, 5, 6, 7, 8: the individual form --------------------------------------------------


def test_r_form_8_individual_form_prints_every_section_and_signature_block(season, tmp_path):
    w = season
    cuong = w.subject(member=w.members1[4])
    document, html, pdf, fetcher = render(w, "individual", w.unit(w.cell1), cuong)
    assert document.template == "reports/individual.html"
    assert document.title == "Bản kiểm điểm cá nhân năm 2026 – Nguyễn Văn Cường"
    assert document.filename == "ban-kiem-diem-2026-nguyen-van-cuong.pdf"
    template = w.season.rule_set.template("02A")
    for section in template["sections"]:
        assert f"{section['key']}. {section['title']}" in html
    for expected in [
        "Mẫu 02A-HD KĐ.ĐG 2023",
        "(Cá nhân không giữ chức vụ lãnh đạo, quản lý)",
        "ĐẢNG BỘ TRƯỜNG AN BÌNH",  # the superior organization
        "CHI BỘ TỔ TOÁN",
        "Thử, ngày ",  # the place comes from "Tỉnh ủy Thử"
        'Ngày sinh: <span class="value">17/05/1980</span>',
        "Chi ủy viên",
        "Trường THPT An Bình",
        "Cam kết 1",  # R-FORM-5: the pledge items with their fulfilment
        "Đã thực hiện",
        "Chưa tích cực tham gia phong trào.",  # R-FORM-6: last season's shortcoming and plan
        "Tham gia đầy đủ các phong trào của trường",
        "Đã khắc phục",
        "Làm rõ việc chậm nộp báo cáo tháng 3.",  # R-FORM-4: the suggestion and its answer
        "Do ốm nằm viện; đã nộp bổ sung ngày 05/4.",
        "Xếp loại cán bộ, công chức, viên chức",
        "Hoàn thành tốt nhiệm vụ được giao; cần khắc phục việc chậm báo cáo.",  # the cell's assessment
        "Lê Văn Hùng",  # the cell secretary signs for the cell
    ]:
        assert expected in html, expected
    for label in template["signatures"][:2]:  # the author, the head of the civil-service unit
        assert label in html
    # Grades and levels as four boxes, the chosen one ticked: I.1, I.2, III and both self-ratings.
    assert html.count('class="choice chosen"') == 5
    assert html.count('class="choice"') == 3 * 3 + 2 * 3
    assert_printed(
        pdf,
        fetcher,
        tmp_path,
        "BẢN KIỂM ĐIỂM CÁ NHÂN",
        "ĐẢNG CỘNG SẢN VIỆT NAM",
        "Nguyễn Văn Cường",
        "Mẫu 02A-HD KĐ.ĐG 2023",
        "NGƯỜI TỰ KIỂM ĐIỂM",
        "THỦ TRƯỞNG CƠ QUAN, ĐƠN VỊ",
        "T/M CHI BỘ",  # the form's "T/M CHI ỦY (CHI BỘ)": this cell has no chi ủy
        "T/M ĐẢNG ỦY",
        "X Tốt",
        "Đảng ủy xếp loại chất lượng: Hoàn thành tốt nhiệm vụ",
    )
    assert "(CHI BỘ)" not in pdf_text(pdf) and "(CHI ỦY)" not in pdf_text(pdf)
    assert page_count(pdf) >= 2


def test_the_bundled_font_prints_on_a_machine_without_fonts(season, tmp_path):
    """Run the renderer with a fontconfig that knows no font at all: only the @font-face files
    served from /static/ can print the text."""
    w = season
    document = build(
        "individual",
        season=w.season,
        unit=w.unit(w.cell1),
        subject=w.subject(member=w.members1[4]),
        verification=verification(),
    )
    (tmp_path / "in.html").write_text(render_html(document))
    (tmp_path / "fonts.conf").write_text(
        f'<?xml version="1.0"?><fontconfig><cachedir>{tmp_path}/cache</cachedir></fontconfig>'
    )
    script = (
        "import django, pathlib, sys; django.setup()\n"
        "from reports.pdf import StaticOnlyFetcher, html_to_pdf\n"
        "fetcher = StaticOnlyFetcher()\n"
        "pdf = html_to_pdf(pathlib.Path(sys.argv[1]).read_text(), fetcher)\n"
        "assert not fetcher.refused, fetcher.refused\n"
        "pathlib.Path(sys.argv[2]).write_bytes(pdf)\n"
    )
    env = {
        **os.environ,
        "FONTCONFIG_FILE": str(tmp_path / "fonts.conf"),
        "DJANGO_SETTINGS_MODULE": "config.settings",
    }
    subprocess.run(
        [sys.executable, "-c", script, str(tmp_path / "in.html"), str(tmp_path / "out.pdf")],
        env=env,
        cwd=settings.BASE_DIR,
        check=True,
        capture_output=True,
    )
    pdf = (tmp_path / "out.pdf").read_bytes()
    names = font_names(pdf, tmp_path)
    assert {re.sub(r"^[A-Z]{6}\+", "", n) for n in names} == {
        "Liberation-Serif",
        "Liberation-Serif-Bold",
        "Liberation-Serif-Italic",
        "Liberation-Serif-Bold-Italic",
    }
    text = pdf_text(pdf)
    assert "BẢN KIỂM ĐIỂM CÁ NHÂN" in text and "Nguyễn Văn Cường" in text and "ĐẢNG CỘNG SẢN VIỆT NAM" in text


def test_r_form_8_no_civil_service_block_for_a_member_who_is_not_a_civil_servant(season):
    w = season
    _document, html, _pdf, _fetcher = render(
        w, "individual", w.unit(w.cell1), w.subject(member=w.members1[2])
    )
    assert "Nguyễn Văn An" in html
    assert "THỦ TRƯỞNG CƠ QUAN, ĐƠN VỊ" not in html
    assert "Xếp loại cán bộ, công chức, viên chức" not in html
    assert html.count('class="choice chosen"') == 4


def test_hostile_text_in_an_answer_is_printed_as_text_and_nothing_is_fetched(season):
    w = season
    _document, html, pdf, fetcher = render(w, "individual", w.unit(w.cell1), w.subject(member=w.members1[4]))
    assert "&lt;img src=&quot;file:///etc/passwd&quot;&gt;" in html
    assert (
        "<img" not in html
        and "<link rel=stylesheet" not in html
        and "url(file:" not in html.split("</head>")[0]
    )
    assert fetcher.refused == []
    text = pdf_text(pdf)
    assert '<img src="file:///etc/passwd">' in text
    assert '<div style="background:url(file:///etc/hostname)">x</div>' in text
    assert "root:" not in text


def test_hostile_markup_that_reaches_the_renderer_fetches_nothing(season):
    w = season
    document = build("collective", season=w.season, unit=w.unit(w.cell1), verification=verification())
    html = render_html(document).replace("</body>", f"{HOSTILE}</body>")
    fetcher = StaticOnlyFetcher()
    pdf = html_to_pdf(html, fetcher)
    assert "file:///etc/passwd" in fetcher.refused
    assert "http://example.com/x.css" in fetcher.refused
    assert "file:///etc/hostname" in fetcher.refused
    assert all(url.startswith("https://kiemdiem.invalid/static/") is False for url in fetcher.refused)
    assert b"root:x:0:0" not in pdf and "root:" not in pdf_text(pdf)


# -- R-FORM-1: the collective report; the minutes; the decisions ----------------------------------


def test_r_form_1_collective_report_of_a_cell(season, tmp_path):
    w = season
    document, html, pdf, fetcher = render(w, "collective", w.unit(w.cell1))
    assert document.title == "Báo cáo kiểm điểm tập thể năm 2026 – Chi bộ Tổ Toán"
    assert document.filename == "bao-cao-kiem-diem-tap-the-2026-chi-bo-to-toan.pdf"
    for section in w.season.rule_set.template("01")["sections"]:
        assert f"{section['key']}. {section['title']}" in html
    assert html.count('class="choice chosen"') == 4 + 1 + 1  # I.1–I.4, III, VII
    assert_printed(
        pdf,
        fetcher,
        tmp_path,
        "BÁO CÁO KIỂM ĐIỂM TẬP THỂ",
        "ĐẢNG CỘNG SẢN VIỆT NAM",
        "Mẫu 01-HD KĐ.ĐG 2023",
        "ĐẢNG BỘ TRƯỜNG AN BÌNH",
        "CHI BỘ TỔ TOÁN",
        "T/M CHI BỘ",
        "Nơi nhận:",
    )


def test_a_collective_report_is_for_collectives_only(season):
    w = season
    with pytest.raises(documents.DocumentUnavailable):
        build(
            "collective",
            season=w.season,
            unit=w.unit(w.cell1),
            subject=w.subject(member=w.deputy),
            verification=verification(),
        )
    with pytest.raises(documents.DocumentUnavailable):
        build("individual", season=w.season, unit=w.unit(w.cell1), verification=verification())
    with pytest.raises(documents.DocumentUnavailable):
        build("archive", season=w.season, unit=w.unit(w.cell1), verification=verification())


def test_minutes_of_the_cell_meeting(season, tmp_path):
    w = season
    document, html, pdf, fetcher = render(w, "minutes", w.unit(w.cell1))
    assert document.filename == "bien-ban-hop-kiem-diem-2026-chi-bo-to-toan.pdf"
    for member in w.members1:
        assert member.full_name in html
    assert "ngày 20/11/2026" in html and "13/11/2026" in html and "5/6" in html
    assert "Hoàn thành tốt nhiệm vụ được giao; cần khắc phục việc chậm báo cáo." in html
    assert_printed(
        pdf,
        fetcher,
        tmp_path,
        "BIÊN BẢN",
        "ĐẢNG CỘNG SẢN VIỆT NAM",
        "Thử, ngày 20 tháng 11 năm 2026",
        "Phạm Thị Lan",
        "Nguyễn Văn Cường",
        "CHỦ TRÌ",
        "THƯ KÝ",
    )
    with pytest.raises(documents.DocumentUnavailable):
        build("minutes", season=w.season, unit=w.unit(w.province), verification=verification())


def test_decisions_list_what_the_unit_decided_organizations_then_members(season, tmp_path):
    w = season
    document, html, pdf, fetcher = render(w, "decisions", w.unit(w.base))
    assert document.filename == "quyet-dinh-xep-loai-2026-dang-uy-truong-an-binh.pdf"
    assert "2 tổ chức đảng, tập thể lãnh đạo và 10 đảng viên" in html
    assert html.index("Chi bộ Tổ Văn</td>") < html.index("Lê Văn Hùng")  # organizations first
    for member in w.members1 + w.members2:
        assert member.full_name in html
    for member in w.members3:  # decided by the base cell, not by this committee
        assert member.full_name not in html
    assert_printed(
        pdf,
        fetcher,
        tmp_path,
        "QUYẾT ĐỊNH",
        "ĐẢNG CỘNG SẢN VIỆT NAM",
        "ĐẢNG BỘ XÃ AN BÌNH",
        "ĐẢNG ỦY TRƯỜNG AN BÌNH",
        "Số: -QĐ/ĐU",
        "Trần Thị Huệ",
        "T/M ĐẢNG ỦY",
    )


def test_a_register_number_given_with_the_request_is_printed_in_place_of_the_blank(season, tmp_path):
    w = season
    document = build(
        "decisions", season=w.season, unit=w.unit(w.base), verification=verification(), number="125"
    )
    html = render_html(document)
    assert "Số: 125-QĐ/ĐU" in html and "Quyết định số 125-QĐ/ĐU" in html
    assert 'class="number-blank"' not in html
    assert document.title.endswith("– số 125-QĐ/ĐU")
    top = w.unit(w.province)
    part = build_summary_part(
        season=w.season,
        unit=top,
        base_unit_ids=summary_parts(w.season, top, 100)[0],
        first_number=1,
        verification=verification(),
        number="7",
    )
    assert "Báo cáo số 7-BC/TU" in render_html(part)
    for bad in ("12a", "1234567", "-3", "12 3"):
        with pytest.raises(documents.DocumentUnavailable, match="chỉ gồm chữ số"):
            documents.clean_number(bad)
    assert documents.clean_number(" 42 ") == "42"


# -- R-STAT-1, R-STAT-3: the summary and its appendices -------------------------------------------


def test_r_stat_1_summary_of_a_committee_with_the_previous_season_beside(season, tmp_path):
    w = season
    document, html, pdf, fetcher = render(w, "summary", w.unit(w.commune))
    context = document.context
    members = {row["label"]: row for row in context["members"]}
    assert members["Hoàn thành tốt nhiệm vụ (HTTNV)"]["now"] == ("12", "100,0")
    assert members["Hoàn thành nhiệm vụ (HTNV)"]["before"] == ("1", "100,0")  # 2025: Cường
    assert members["Chưa có quyết định xếp loại"]["now"] == ("4", "")
    assert members["Tổng số"]["now"] == ("16", "") and members["Tổng số"]["before"] == ("16", "")
    organizations = {row["label"]: row for row in context["organizations"]}
    assert organizations["Hoàn thành tốt nhiệm vụ (HTTNV)"]["now"] == ("4", "100,0")
    children = {row["name"]: row for rows in context["child_tables"] for row in rows}
    assert set(children) == {"Đảng bộ Trường An Bình", "Chi bộ Thôn Đông"} | {
        f"Chi bộ Thôn Số {n}" for n in (1, 2, 3)
    }
    assert children["Đảng bộ Trường An Bình"]["members"]["levels"][1] == ("10", "100,0")
    follow = {row["label"]: row for row in context["follow_up"]}  # R-STAT-3
    assert follow["Tập thể đã có kế hoạch khắc phục hạn chế, khuyết điểm"]["now"] == "0/8"
    assert context["appendix_count"] == 0 and summary_parts(w.season, w.unit(w.commune), 10) == []
    assert_printed(
        pdf,
        fetcher,
        tmp_path,
        "BÁO CÁO TỔNG HỢP",
        "ĐẢNG CỘNG SẢN VIỆT NAM",
        "ĐẢNG BỘ TỈNH THỬ",
        "ĐẢNG ỦY XÃ AN BÌNH",
        "Số: -BC/ĐU",
        "Năm 2025",
        "Đảng bộ Trường An Bình",
        "T/M BAN THƯỜNG VỤ",
    )


def test_r_stat_1_province_summary_announces_appendices_rendered_in_numbered_chunks(season, tmp_path):
    w = season
    top = w.unit(w.province)
    bases = list(
        SeasonUnit.objects.filter(season=w.season, kind__in=[Kind.BASE_COMMITTEE, Kind.BASE_CELL])
        .order_by("path")
        .values_list("pk", "name")
    )
    assert len(bases) == 5
    parts = summary_parts(w.season, top, 2)
    assert parts == [[b[0] for b in bases[:2]], [b[0] for b in bases[2:4]], [bases[4][0]]]
    assert summary_parts(w.season, top, 100) == [[b[0] for b in bases]]

    document, html, _pdf, _fetcher = render(w, "summary", top)
    assert document.context["appendix_count"] == 5 and "có 5 phụ lục" in html

    part = build_summary_part(
        season=w.season, unit=top, base_unit_ids=parts[1], first_number=3, verification=verification()
    )
    assert part.template == "reports/summary_part.html"
    assert [a["number"] for a in part.context["appendices"]] == [3, 4]
    assert [a["name"] for a in part.context["appendices"]] == [bases[2][1], bases[3][1]]
    assert part.filename == "phu-luc-2026-tinh-uy-thu-00003-00004.pdf"
    part_html = render_html(part)
    assert "Phụ lục 3" in part_html and "Phụ lục 4" in part_html
    assert "Phụ lục 2<" not in part_html and "Phụ lục 5" not in part_html
    fetcher = StaticOnlyFetcher()
    pdf = html_to_pdf(part_html, fetcher)
    assert_printed(pdf, fetcher, tmp_path, "Phụ lục 3", "Phụ lục 4", bases[2][1].upper(), "Đảng viên")

    first = build_summary_part(
        season=w.season, unit=top, base_unit_ids=parts[0], first_number=1, verification=verification()
    )
    school = first.context["appendices"][0]
    assert school["name"] == "Đảng bộ Trường An Bình"
    assert school["own_level"] == "Hoàn thành tốt nhiệm vụ (HTTNV)"
    rows = dict(school["rows"])
    assert rows["Tổ chức đảng trực thuộc"]["levels"][1] == ("2", "100,0")
    assert rows["Đảng viên"]["levels"][1] == ("10", "100,0")


def test_appendix_chunks_cost_the_same_queries_whatever_their_size(season):
    w = season
    top = w.unit(w.province)
    ids = summary_parts(w.season, top, 100)[0]

    def queries(chunk):
        fresh_season = type(w.season).objects.select_related("top_organization").get(pk=w.season.pk)
        with CaptureQueriesContext(connection) as captured:
            build_summary_part(
                season=fresh_season,
                unit=top,
                base_unit_ids=chunk,
                first_number=1,
                verification=verification(),
            )
        return len(captured)

    assert queries(ids[:1]) == queries(ids) <= 4


# -- pieces --------------------------------------------------------------------------------------


def test_party_names_places_and_dates_as_documents_write_them():
    assert documents.party_body("Tỉnh ủy Thái Nguyên") == "Đảng bộ tỉnh Thái Nguyên"
    assert documents.party_body("Đảng ủy xã La Bằng") == "Đảng bộ xã La Bằng"
    assert documents.party_body("Chi bộ Tổ Toán") == "Chi bộ Tổ Toán"
    assert documents.committee("Đảng bộ Trường An Bình") == "Đảng ủy Trường An Bình"
    assert documents.committee("Chi bộ Thôn Đông") == "Chi bộ Thôn Đông"
    assert documents.place_name("Tỉnh ủy Hòa Bình") == "Hòa Bình"
    assert documents.place_name("Thành uỷ Hà Nội") == "Hà Nội"
    assert documents.date_line("La Bằng", datetime.date(2020, 11, 24)) == "La Bằng, ngày 24 tháng 11 năm 2020"
    assert documents.date_line("Hà Nội", datetime.date(2026, 2, 5)) == "Hà Nội, ngày 05 tháng 02 năm 2026"
    assert documents.date_line("Hà Nội", datetime.date(2026, 7, 5)) == "Hà Nội, ngày 05 tháng 7 năm 2026"


def test_verification_carries_an_inline_qr_code():
    found = verification_for(CODE, "https://kiemdiem.example/xac-thuc/" + CODE)
    assert found.code == CODE and found.url.endswith(CODE)
    assert found.qr_svg.startswith("<svg") and 'class="qr"' in found.qr_svg and "<script" not in found.qr_svg


def test_preview_is_for_staff_users_within_their_subtree(season):
    w = season
    factory = RequestFactory()
    cuong = w.subject(member=w.members1[4])
    staff = make_user_with_role(Role.Kind.COMMITTEE_STAFF, w.commune, "nhanvien")
    staff.is_staff = True
    staff.save()
    other_commune = make_org(Kind.DIRECT_COMMITTEE, w.province, name="Đảng ủy xã Khác", code="XA9")
    outsider = make_user_with_role(Role.Kind.COMMITTEE_STAFF, other_commune, "ngoai")
    outsider.is_staff = True
    outsider.save()

    def get(user, kind="individual", query=None):
        request = factory.get("/", {"subject": cuong.pk} if query is None else query)
        request.user = user
        return preview(request, kind, w.season.pk, "CB1")

    response = get(staff)
    assert response.status_code == 200 and response["Content-Type"].startswith("text/html")
    assert "BẢN KIỂM ĐIỂM CÁ NHÂN" in response.content.decode()
    assert "Mã xác thực: XEM-TRUOC" in response.content.decode()
    assert get(AnonymousUser()).status_code == 302  # signs in first
    for user, kind, query in [
        (w.secretary, "individual", None),
        (outsider, "individual", None),  # issue 13 row 9: staff, but of another subtree
        (outsider, "individual", {}),
        (staff, "archive", None),
        (staff, "individual", {"subject": "x"}),
        (staff, "individual", {}),  # an individual form needs a subject
    ]:
        with pytest.raises(Http404):
            get(user, kind, query)


def test_every_report_job_kind_but_the_archive_is_a_document():
    assert set(documents.KINDS) == set(ReportJob.Kind.values) - {ReportJob.Kind.ARCHIVE}
