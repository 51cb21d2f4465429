"""The four forms of HD 43 as a subject of each profile prints them (reports/documents/forms.py):
Mẫu 01 for a collective (R366-FORM-01), 2A for a leader (R366-FORM-2A), 2B for a member without
a leading post (R366-FORM-2B), 2C for a member outside the political system (R366-FORM-2C); each
with part A as the catalogue lists it and part B with …/30, …/70, …/100 and the proposed level.
The HTML is read (the PDF of the same HTML is proven in test_documents_366.py)."""

import html as html_lib
import re

import pytest

from reports.documents import build, render_html
from reviews.models import SeasonUnit
from reviews.scope import open_season
from tests.reports.test_documents import verification
from tests.reviews.conftest import REFERENCE, build_world
from tests.reviews.helpers import complete_366, fresh

pytestmark = pytest.mark.django_db

PART_B = ("B. TỰ ĐÁNH GIÁ, XẾP LOẠI CHẤT LƯỢNG", "27/30", "60/70", "Tổng điểm 100 87/100")
PART_A = (
    "A. NỘI DUNG KIỂM ĐIỂM",
    "I. Ưu điểm, kết quả đạt được",
    "II. Hạn chế, khuyết điểm và nguyên nhân",
    "III. Kết quả khắc phục",
    "IV. Giải trình những vấn đề được gợi ý kiểm điểm",
    "VI. Phương hướng, biện pháp khắc phục",
)


def printed(who: str) -> str:
    """The text of the form of CB1's collective ("cell") or of one of its members, filled in with
    27/30 and 60/70 and submitted."""
    w = build_world(open_now=False)
    w.members1[4].is_civil_servant = True
    w.members1[4].save()
    w.season = open_season(top_organization=w.province, year=2026, reference_date=REFERENCE)
    unit = SeasonUnit.objects.get(season=w.season, organization=w.cell1)
    subject = {
        "cell": w.subject(unit=w.cell1),
        "leader": w.subject(member=w.head),
        "civil servant": w.subject(member=w.members1[4]),
        "outside": w.subject(member=w.members1[3]),
    }[who]
    complete_366(subject, w.secretary)
    if who == "cell":
        document = build("collective", season=w.season, unit=unit, verification=verification())
    else:
        document = build(
            "individual", season=w.season, unit=unit, subject=fresh(subject), verification=verification()
        )
    text = re.sub(r"<[^>]+>", " ", render_html(document))
    return re.sub(r"\s+", " ", html_lib.unescape(text))


def assert_has(text: str, *parts: str) -> None:
    for part in parts:
        assert part in text, part


def test_r366_form_01_the_collective_report():
    """R366-FORM-01: Mẫu 01 — A. I–VI (strengths in four points), B. …/30, …/70, …/100 per
    Phụ lục 1 and the proposed level, signed on behalf of the collective."""
    text = printed("cell")
    assert_has(text, "Mẫu 01-HD KĐ.ĐG 2025", "BÁO CÁO KIỂM ĐIỂM TẬP THỂ", *PART_A, *PART_B)
    assert_has(
        text,
        "nguyên tắc tập trung dân chủ",  # I.1 principles and working rules
        "nghị quyết đại hội",  # I.2 targets of the congress resolution and the annual plan
        "tinh gọn tổ chức bộ máy",  # I.3 building the Party and the system, lean apparatus
        "Trách nhiệm của tập thể lãnh đạo",  # I.4
        "V. Trách nhiệm của tập thể, cá nhân",
        "Tiêu chí theo Phụ lục 1",
        "III. Tự đánh giá, xếp loại",
        "T/M CHI BỘ",
    )
    assert "Họ và tên" not in text


def test_r366_form_2a_the_leader_s_form():
    """R366-FORM-2A: identity with posts; A.I adds the results of leading, uniting people,
    innovation, cadre work and power control, example of self and family; B per Phụ lục 3."""
    text = printed("leader")
    assert_has(
        text,
        "Mẫu 2A-HD KĐ.ĐG 2025",
        "(Dùng cho cá nhân giữ chức vụ lãnh đạo, quản lý)",
        "Họ và tên: Lê Văn Hùng",
        "Ngày sinh: 17/05/1980",
        "Chức vụ Đảng:",
        "Chức vụ chính quyền:",
        "kết quả lãnh đạo, chỉ đạo, quản lý, điều hành",
        "dám nghĩ, dám nói, dám làm",
        "Công tác cán bộ và kiểm soát quyền lực",
        "nêu gương của bản thân và gia đình",
        "Tiêu chí theo Phụ lục 3",
        *PART_A,
        *PART_B,
    )


def test_r366_form_2b_the_form_of_a_member_without_a_leading_post():
    """R366-FORM-2B: identity (name, date of birth, unit, cell); A.I (1) politics, ethics … checked
    against the signs of degradation, (2) duties and results, (3) the annual pledge; A.II–VI;
    B per Phụ lục 4 with the civil-service rating and the proposed party level."""
    text = printed("civil servant")
    assert_has(
        text,
        "Mẫu 2B-HD KĐ.ĐG 2025",
        "(Dùng cho cá nhân không giữ chức vụ lãnh đạo, quản lý)",
        "Họ và tên: Nguyễn Văn Cường",
        "Ngày sinh: 17/05/1980",
        "Đơn vị công tác:",
        "Chi bộ: Tổ Toán",
        "liên hệ các biểu hiện suy thoái",
        "hiệu quả, tiến độ, chất lượng thực hiện",
        "cam kết tu dưỡng, rèn luyện, phấn đấu hằng năm",
        "V. Làm rõ trách nhiệm của cá nhân đối với những hạn chế, khuyết điểm của tập thể",
        "Tiêu chí theo Phụ lục 4",
        "1. Xếp loại cán bộ, công chức, viên chức",
        "2. Tự nhận mức xếp loại chất lượng đảng viên",
        *PART_A,
        *PART_B,
    )
    assert "kết quả lãnh đạo, chỉ đạo" not in text


def test_r366_form_2c_the_form_of_a_member_outside_the_political_system():
    """R366-FORM-2C: as 2B, except that I.2 is the member's rights and duties in the tasks the
    committee or cell assigns; B per Phụ lục 5; no civil-service rating."""
    text = printed("outside")
    assert_has(
        text,
        "Mẫu 2C-HD KĐ.ĐG 2025",
        "(Dùng cho đảng viên không công tác trong hệ thống chính trị",
        "Họ và tên: Nguyễn Văn Bình",
        "nhiệm vụ, quyền hạn của đảng viên trong thực hiện nhiệm vụ được cấp ủy, chi bộ phân công",
        "cam kết tu dưỡng, rèn luyện, phấn đấu hằng năm",
        "Tiêu chí theo Phụ lục 5",
        *PART_A,
        *PART_B,
    )
    assert "Xếp loại cán bộ, công chức, viên chức" not in text
    assert "hiệu quả, tiến độ, chất lượng thực hiện" not in text
