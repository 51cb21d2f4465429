"""The demo province of `manage.py seed_demo`: a party tree, its members with their histories,
and the demo logins.

Everything is drawn from one `random.Random(seed)`, in list order, against the designed days of
members/demo_days.py (written as seen on 23/11/2026 and moved by whole years to the season under
review on the seeding day), so a seed gives the same province on every run and every machine in
the same season. Only the audit timestamps (`created_at`, `recorded_at`) come from the clock.

The whole province is planned in memory first, treebeard paths included, and then written in a
few bulk inserts (COPY on PostgreSQL), so half a million members take minutes, not hours.
"""

import datetime
import math
import random
import time
import uuid
from bisect import bisect
from collections.abc import Callable
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from members.bulk import bulk_insert
from members.demo_days import DESIGN_TODAY, DemoDays, add_years
from members.models import (
    CellPeriod,
    CommitteeSeat,
    DisciplineRecord,
    Gender,
    LeaveRecord,
    Member,
    Status,
    StatusPeriod,
)
from organizations.models import (
    ALLOWED_CHILDREN,
    CELL_KINDS,
    AffiliatedCollective,
    Kind,
    Organization,
    OrganizationChange,
    Role,
)

DEMO_CODE = "DEMO"
DEMO_PASSWORD = "Kiemdiem@2026"
DEFAULT_MEMBERS = 3000
DEFAULT_SEED = 124
MIN_MEMBERS = 500
PROVINCE = "Hòa Bình"

# The designed days (members/demo_days.py): a season under review in 2026, seen on 23/11/2026.
# R-SCOPE-2/3: admitted 6–12 months before the reference date (probationary, rated) and less than
# 6 months before it (not rated).
_PROBATION_WINDOW = (datetime.date(2025, 12, 16), datetime.date(2026, 6, 15))
_RECENT_WINDOW = (datetime.date(2026, 6, 16), DESIGN_TODAY)
_THIS_YEAR = (datetime.date(2026, 2, 1), datetime.date(2026, 10, 31))
# Organizations founded less than 6 months before the reference date (R-SCOPE-5).
_NEW_BASE_CELL_FOUNDED = datetime.date(2026, 7, 15)
_NEW_CELL_FOUNDED = datetime.date(2026, 9, 1)
# Cell congresses of the current term.
_CONGRESSES = (datetime.date(2025, 4, 1), datetime.date(2025, 6, 30))
_CELL_POSTS = ("Bí thư chi bộ", "Phó Bí thư chi bộ", "Chi ủy viên")

_CODE_FORMAT = {
    Kind.DIRECT_COMMITTEE: "DU{:03d}",
    Kind.BASE_COMMITTEE: "DB{:05d}",
    Kind.BASE_CELL: "CS{:05d}",
    Kind.PARTIAL_COMMITTEE: "BP{:04d}",
    Kind.CELL: "CB{:06d}",
}


# --- Names -----------------------------------------------------------------------------------


class _Weighted:
    def __init__(self, pairs):
        self.values = [value for value, _weight in pairs]
        self.cumulative = []
        total = 0.0
        for _value, weight in pairs:
            total += weight
            self.cumulative.append(total)
        self.total = total

    def pick(self, rng: random.Random) -> str:
        return self.values[bisect(self.cumulative, rng.random() * self.total)]


FAMILY_NAMES = _Weighted(
    [("Nguyễn", 38.0), ("Trần", 11.0), ("Lê", 9.5), ("Phạm", 7.0), ("Hoàng", 4.5), ("Huỳnh", 1.5),
     ("Phan", 4.0), ("Vũ", 3.9), ("Võ", 1.5), ("Đặng", 2.1), ("Bùi", 3.0), ("Đỗ", 1.4), ("Hồ", 1.3),
     ("Ngô", 1.3), ("Dương", 1.0), ("Lý", 0.5), ("Đinh", 1.5), ("Quách", 0.8), ("Hà", 0.8),
     ("Đào", 0.4), ("Trịnh", 0.5), ("Lương", 0.4), ("Mai", 0.3), ("Cao", 0.3), ("Lưu", 0.3),
     ("Tạ", 0.2), ("Chu", 0.2), ("Kiều", 0.2), ("Xa", 0.2)]
)  # fmt: skip
# Older generations carry "Văn" and "Thị" far more often than the young.
MIDDLE_NAMES = {
    (Gender.MALE, True): _Weighted(
        [("Văn", 55), ("Đức", 8), ("Hữu", 6), ("Đình", 6), ("Xuân", 4), ("Quang", 4), ("Công", 4),
         ("Ngọc", 3), ("Minh", 3), ("Thanh", 3), ("Bá", 2), ("Trọng", 2)]
    ),
    (Gender.MALE, False): _Weighted(
        [("Văn", 22), ("Đức", 10), ("Minh", 10), ("Hữu", 5), ("Quang", 6), ("Thanh", 5), ("Tuấn", 4),
         ("Duy", 5), ("Hoàng", 5), ("Anh", 4), ("Quốc", 5), ("Tiến", 4), ("Mạnh", 4), ("Trung", 4),
         ("Ngọc", 3), ("Xuân", 3), ("Công", 3), ("Đình", 3), ("Việt", 3), ("Thế", 3)]
    ),
    (Gender.FEMALE, True): _Weighted(
        [("Thị", 75), ("Thu", 4), ("Thanh", 4), ("Ngọc", 3), ("Kim", 3), ("Hồng", 3), ("Minh", 2),
         ("Bích", 2), ("Thúy", 2), ("Xuân", 2)]
    ),
    (Gender.FEMALE, False): _Weighted(
        [("Thị", 35), ("Thu", 7), ("Thanh", 6), ("Ngọc", 7), ("Minh", 5), ("Hồng", 4), ("Thúy", 4),
         ("Phương", 4), ("Thùy", 4), ("Hải", 3), ("Kim", 3), ("Bích", 2), ("Diệu", 2), ("Mai", 2),
         ("Khánh", 3), ("Bảo", 2), ("Hoài", 2)]
    ),
}  # fmt: skip
GIVEN_NAMES = {
    Gender.MALE: _Weighted(
        [("An", 3), ("Bình", 4), ("Cường", 4), ("Chiến", 3), ("Dũng", 6), ("Đức", 5), ("Đạt", 3),
         ("Hải", 5), ("Hùng", 6), ("Hưng", 4), ("Huy", 4), ("Hiếu", 3), ("Hòa", 3), ("Hoàng", 3),
         ("Khánh", 3), ("Kiên", 3), ("Lâm", 2), ("Long", 4), ("Lợi", 2), ("Minh", 6), ("Nam", 5),
         ("Phong", 3), ("Phúc", 3), ("Quang", 4), ("Quân", 3), ("Sơn", 5), ("Tân", 2), ("Thắng", 5),
         ("Thành", 5), ("Thịnh", 2), ("Thọ", 2), ("Tiến", 3), ("Toàn", 3), ("Trung", 4), ("Trường", 3),
         ("Tuấn", 6), ("Tùng", 3), ("Việt", 3), ("Vinh", 3), ("Vũ", 2), ("Hậu", 2), ("Hiệp", 2),
         ("Khải", 1), ("Lực", 1), ("Ninh", 1), ("Phương", 2), ("Tài", 2), ("Thạch", 1), ("Đông", 2),
         ("Giang", 2)]
    ),
    Gender.FEMALE: _Weighted(
        [("Anh", 5), ("Bình", 1), ("Dung", 3), ("Giang", 3), ("Hà", 5), ("Hằng", 5), ("Hạnh", 4),
         ("Hiền", 4), ("Hoa", 5), ("Hồng", 4), ("Huệ", 3), ("Hương", 7), ("Hường", 4), ("Huyền", 5),
         ("Lan", 5), ("Liên", 3), ("Linh", 5), ("Loan", 3), ("Lý", 2), ("Mai", 4), ("Minh", 2),
         ("Nga", 4), ("Ngọc", 3), ("Nguyệt", 2), ("Nhung", 4), ("Oanh", 3), ("Phương", 4),
         ("Quyên", 2), ("Tâm", 2), ("Thanh", 3), ("Thảo", 5), ("Thu", 4), ("Thủy", 5), ("Thúy", 4),
         ("Trang", 6), ("Tuyết", 2), ("Vân", 4), ("Xuân", 2), ("Yến", 4), ("Hậu", 2), ("Chi", 2),
         ("Duyên", 2), ("Ánh", 2)]
    ),
}  # fmt: skip

# Two of these make a commune or ward name: "Tân Thịnh", "Yên Lạc", "Phú Cường"…
PLACE_WORDS = (
    "An", "Bình", "Hòa", "Phú", "Tân", "Long", "Mỹ", "Đông", "Tây", "Nam", "Bắc", "Trung", "Thịnh",
    "Hưng", "Thái", "Sơn", "Lạc", "Kim", "Cao", "Yên", "Lương", "Vĩnh", "Quang", "Hợp", "Thanh",
    "Minh", "Xuân", "Hồng", "Tiến", "Đồng", "Lâm", "Hải", "Phong", "Thuận", "Lợi", "Toàn", "Kỳ",
    "Liên", "Cường", "Nghĩa", "Đức", "Khánh", "Thống", "Nhất", "Vân", "Phương", "Tú", "Chí", "Mường",
    "Ngọc",
)  # fmt: skip
VILLAGES = (
    "Đồng Tâm", "Tiến Bộ", "Tân Lập", "Quyết Thắng", "Đoàn Kết", "Hợp Nhất", "Thống Nhất", "Tân Sơn",
    "Đồng Bãi", "Gò Chè", "Suối Hoa", "Bãi Sậy", "Đồng Mới", "Trung Tâm", "Tân Thành", "Đồng Xuân",
    "Phú Lợi", "Bình Minh", "Chiềng Khến", "Mường Khến", "Bãi Chạo", "Thung Nai", "Đồng Bến",
    "Cây Đa", "Bến Ngọc", "Suối Rè", "Đá Bia", "Lũy Ải", "Bưa Cốc", "Đầm Khánh", "Rộc Trụ",
    "Nà Phặng", "Khả Lá", "Vãy Nưa", "Mận Đông", "Quê Ngoài", "Đồng Chụa", "Trại Cháy", "Tân Hòa",
    "Hợp Thành",
)  # fmt: skip
PRODUCTS = (
    "Xi măng", "May mặc", "Chè", "Vật liệu xây dựng", "Môi trường đô thị", "Thủy điện", "Mía đường",
    "Chế biến gỗ", "Cơ khí", "Giao thông", "Dược phẩm", "Thức ăn chăn nuôi",
)  # fmt: skip
DESTINATIONS = (
    "Đảng bộ Thành phố Hà Nội", "Đảng bộ tỉnh Phú Thọ", "Đảng bộ tỉnh Sơn La", "Đảng bộ tỉnh Ninh Bình",
    "Đảng bộ tỉnh Thanh Hóa", "Đảng bộ tỉnh Lào Cai", "Đảng bộ Thành phố Hồ Chí Minh",
    "Đảng bộ Công an Trung ương", "Đảng bộ Quân đội",
)  # fmt: skip
VIOLATIONS = (
    "Vi phạm quy định về những điều đảng viên không được làm.",
    "Vi phạm trong quản lý, sử dụng tài chính, tài sản công.",
    "Thiếu trách nhiệm trong thực hiện nhiệm vụ được giao.",
    "Vi phạm quy định về phòng, chống tham nhũng, lãng phí.",
    "Vi phạm chính sách dân số.",
    "Vi phạm quy định về nồng độ cồn khi tham gia giao thông.",
    "Vi phạm quy định về kê khai tài sản, thu nhập.",
)
TEMPORARY_REASONS = ("Đi học tập trung dài hạn.", "Biệt phái công tác.", "Làm việc xa nơi cư trú.")


# --- Kinds of units and of the people in them ------------------------------------------------


@dataclass(frozen=True)
class _Profile:
    female: float  # share of women
    ages: str  # "old": residential cells, many retirees; "work": people of working age
    civil_servant: float  # share of cadres, civil servants and public employees
    posts: tuple[str, ...] = ()  # government or management posts held here


PROFILES = {
    "residential": _Profile(0.38, "old", 0.08),
    "school": _Profile(
        0.68, "work", 0.9, ("Hiệu trưởng", "Phó Hiệu trưởng", "Tổ trưởng chuyên môn", "Tổ phó chuyên môn")
    ),
    "health": _Profile(
        0.62,
        "work",
        0.9,
        ("Giám đốc", "Phó Giám đốc", "Trưởng khoa", "Phó Trưởng khoa", "Điều dưỡng trưởng", "Trưởng phòng"),
    ),
    "agency": _Profile(
        0.48,
        "work",
        0.9,
        ("Giám đốc Sở", "Phó Giám đốc Sở", "Chánh Văn phòng", "Trưởng phòng", "Phó Trưởng phòng"),
    ),
    "commune_agency": _Profile(
        0.45,
        "work",
        0.9,
        ("Chủ tịch Ủy ban nhân dân", "Phó Chủ tịch Ủy ban nhân dân", "Trưởng phòng", "Phó Trưởng phòng"),
    ),
    "party": _Profile(0.5, "work", 0.9, ("Trưởng ban", "Phó Trưởng ban", "Chánh Văn phòng", "Trưởng phòng")),
    "police": _Profile(0.15, "work", 0.0, ("Trưởng Công an", "Phó Trưởng Công an")),
    "military": _Profile(0.05, "work", 0.0, ("Chỉ huy trưởng Ban Chỉ huy Quân sự", "Chỉ huy phó")),
    "company": _Profile(
        0.4,
        "work",
        0.02,
        ("Giám đốc", "Phó Giám đốc", "Quản đốc phân xưởng", "Trưởng phòng", "Kế toán trưởng"),
    ),
}
RESIDENTIAL_WORK = ("Nông dân", "Kinh doanh", "Lao động tự do", "Công nhân", "Nội trợ")


def _numbered(names: tuple[str, ...]) -> Callable[[int], str]:
    """Names in order; past the end of the list, the list again with a number."""
    return lambda i: names[i] if i < len(names) else f"{names[i % len(names)]} {i // len(names) + 1}"


def _company_cells(i: int) -> str:
    offices = ("Văn phòng Công ty", "Phòng Kỹ thuật", "Phòng Kinh doanh", "Phòng Tài chính - Kế toán")
    return offices[i] if i < len(offices) else f"Phân xưởng số {i - len(offices) + 1}"


SCHOOL_CELLS = _numbered(
    ("Tổ Toán - Tin", "Tổ Ngữ văn", "Tổ Ngoại ngữ", "Tổ Vật lý - Công nghệ", "Tổ Hóa - Sinh",
     "Tổ Lịch sử - Địa lý - Giáo dục kinh tế và pháp luật", "Tổ Giáo dục thể chất - Quốc phòng",
     "Tổ Văn phòng")
)  # fmt: skip
HEALTH_CENTER_CELLS = _numbered(
    ("Khoa Khám bệnh", "Khoa Nội - Nhi - Lây", "Khoa Ngoại - Sản", "Khoa Hồi sức cấp cứu",
     "Khoa Xét nghiệm - Chẩn đoán hình ảnh", "Khoa Dược", "Khoa Kiểm soát bệnh tật",
     "Phòng Tổ chức - Hành chính")
)  # fmt: skip
HOSPITAL_BLOCKS = (
    ("Khối Lâm sàng", _numbered(
        ("Khoa Khám bệnh", "Khoa Nội tổng hợp", "Khoa Ngoại tổng hợp", "Khoa Sản", "Khoa Nhi",
         "Khoa Hồi sức tích cực - Chống độc", "Khoa Cấp cứu", "Khoa Y học cổ truyền", "Khoa Truyền nhiễm",
         "Khoa Tim mạch", "Khoa Thần kinh", "Khoa Ung bướu", "Khoa Mắt", "Khoa Tai Mũi Họng",
         "Khoa Răng Hàm Mặt", "Khoa Phục hồi chức năng")
    )),
    ("Khối Cận lâm sàng", _numbered(
        ("Khoa Xét nghiệm", "Khoa Chẩn đoán hình ảnh", "Khoa Dược", "Khoa Giải phẫu bệnh",
         "Khoa Kiểm soát nhiễm khuẩn", "Khoa Dinh dưỡng", "Khoa Thăm dò chức năng")
    )),
    ("Khối Hành chính", _numbered(
        ("Phòng Kế hoạch tổng hợp", "Phòng Điều dưỡng", "Phòng Tổ chức - Hành chính",
         "Phòng Tài chính - Kế toán", "Phòng Vật tư - Thiết bị y tế", "Phòng Quản lý chất lượng",
         "Phòng Công tác xã hội")
    )),
)  # fmt: skip
OFFICE_CELLS = _numbered(("Văn phòng", "Phòng Tổng hợp", "Phòng Nghiệp vụ", "Phòng Chính sách"))
AGENCY_CELLS = _numbered(
    ("Văn phòng Sở", "Thanh tra Sở", "Phòng Kế hoạch - Tài chính", "Phòng Tổ chức cán bộ",
     "Phòng Quản lý chuyên ngành", "Phòng Pháp chế", "Trung tâm Dịch vụ công")
)  # fmt: skip


@dataclass(frozen=True)
class _Unit:
    """A base organization to be: a base cell when small, a base committee with cells (and, when
    large, partial committees) otherwise."""

    name: str  # "Trường THPT Tân Thịnh": the organization is "Chi bộ …" or "Đảng bộ …" of it
    profile: str
    cells: Callable[[int], str] = OFFICE_CELLS
    # Partial committees (name and cell names of the i-th), from `blocks_from` members up.
    blocks: Callable[[int], tuple[str, Callable[[int], str]]] | None = None
    blocks_from: int = 250
    max_blocks: int = 0
    affiliates: tuple[tuple[str, str], ...] = ()


def _school(place: str) -> _Unit:
    name = f"Trường THPT {place}"
    professional, mass = AffiliatedCollective.Kind.PROFESSIONAL, AffiliatedCollective.Kind.MASS
    return _Unit(
        name,
        "school",
        SCHOOL_CELLS,
        affiliates=((f"Ban Giám hiệu {name}", professional), (f"Công đoàn {name}", mass)),
    )


def _health_center(place: str) -> _Unit:
    name = f"Trung tâm Y tế {place}"
    professional, mass = AffiliatedCollective.Kind.PROFESSIONAL, AffiliatedCollective.Kind.MASS
    return _Unit(
        name,
        "health",
        HEALTH_CENTER_CELLS,
        affiliates=((f"Ban Giám đốc {name}", professional), (f"Công đoàn {name}", mass)),
    )


def _hospital(name: str) -> _Unit:
    professional, mass = AffiliatedCollective.Kind.PROFESSIONAL, AffiliatedCollective.Kind.MASS
    return _Unit(
        name,
        "health",
        HOSPITAL_BLOCKS[0][1],
        blocks=HOSPITAL_BLOCKS.__getitem__,
        blocks_from=64,
        max_blocks=len(HOSPITAL_BLOCKS),
        affiliates=((f"Ban Giám đốc {name}", professional), (f"Công đoàn {name}", mass)),
    )


def _company(name: str) -> _Unit:
    def factory(i: int):
        first = i * 6  # each factory numbers its own workshops
        return f"Nhà máy số {i + 1}", lambda j: f"Phân xưởng số {first + j + 1}"

    return _Unit(
        name,
        "company",
        _company_cells,
        blocks=factory,
        max_blocks=20,
        affiliates=((f"Công đoàn {name}", AffiliatedCollective.Kind.MASS),),
    )


def _party_agencies() -> list[_Unit]:
    province = f"tỉnh {PROVINCE}"
    return [
        _Unit(
            "Văn phòng Tỉnh ủy",
            "party",
            _numbered(
                (
                    "Phòng Tổng hợp",
                    "Phòng Hành chính - Lưu trữ",
                    "Phòng Quản trị - Tài vụ",
                    "Phòng Cơ yếu - Công nghệ thông tin",
                    "Nhà khách Tỉnh ủy",
                )
            ),
        ),
        _Unit("Ban Tổ chức Tỉnh ủy", "party"),
        _Unit("Ủy ban Kiểm tra Tỉnh ủy", "party"),
        _Unit("Ban Tuyên giáo và Dân vận Tỉnh ủy", "party"),
        _Unit("Ban Nội chính Tỉnh ủy", "party"),
        _Unit(
            f"Báo và Phát thanh, Truyền hình {PROVINCE}",
            "party",
            _numbered(
                (
                    "Ban Thời sự",
                    "Ban Chuyên đề",
                    "Ban Kỹ thuật - Công nghệ",
                    "Ban Biên tập điện tử",
                    "Văn phòng",
                )
            ),
        ),
        _Unit(
            "Trường Chính trị tỉnh",
            "party",
            _numbered(
                ("Khoa Xây dựng Đảng", "Khoa Lý luận cơ sở", "Khoa Nhà nước và Pháp luật", "Phòng Đào tạo")
            ),
        ),
        _Unit(f"Ủy ban Mặt trận Tổ quốc Việt Nam {province}", "party"),
        _Unit(f"Tỉnh đoàn {PROVINCE}", "party"),
        _Unit(f"Hội Liên hiệp Phụ nữ {province}", "party"),
        _Unit(f"Hội Nông dân {province}", "party"),
        _Unit(f"Liên đoàn Lao động {province}", "party"),
    ]


DEPARTMENTS = (
    "Sở Nội vụ", "Sở Tài chính", "Sở Tư pháp", "Sở Công Thương", "Sở Xây dựng", "Sở Nông nghiệp và Môi trường",
    "Sở Giáo dục và Đào tạo", "Sở Y tế", "Sở Khoa học và Công nghệ", "Sở Văn hóa, Thể thao và Du lịch",
    "Sở Dân tộc và Tôn giáo", "Thanh tra tỉnh", "Văn phòng Ủy ban nhân dân tỉnh",
    "Ban Quản lý các khu công nghiệp tỉnh",
)  # fmt: skip


# --- The plan ---------------------------------------------------------------------------------


@dataclass(eq=False)
class _Org:
    code: str
    name: str
    kind: str
    parent: "_Org | None"
    profile: str = ""
    workplace: str = ""
    roll: int = 0  # cells: members on the roll at the end
    extra: int = 0  # cells: members transferred out, who keep this cell as their last
    founded_on: datetime.date | None = None
    new: bool = False
    children: list["_Org"] = field(default_factory=list)
    affiliates: tuple[tuple[str, str], ...] = ()
    direct: "_Org | None" = None  # the committee directly under the province above it, or the root
    first_day: datetime.date | None = None  # the earliest day any member sat in it
    path: str = ""
    depth: int = 0
    id: int | None = None

    @property
    def is_cell(self) -> bool:
        return self.kind in CELL_KINDS


@dataclass(eq=False, slots=True)
class _Person:
    cell: _Org
    gender: str
    family: str
    middle: str
    given: str
    birth: datetime.date
    admitted: datetime.date
    official: datetime.date | None
    workplace: str
    is_civil_servant: bool
    party_post: str = ""
    seat: int | None = None  # CommitteeSeat.Position on the cell committee
    seat_since: datetime.date | None = None
    civil_service_post: str = ""
    is_leader: bool = False
    officer: bool = False
    reserved: bool = False  # a demo login: kept plain
    tag: str = ""  # the special case it was picked for, if any
    status: str = Status.ACTIVE
    status_since: datetime.date | None = None
    other_cell: _Org | None = None
    note: str = ""
    former_cell: _Org | None = None
    moved_on: datetime.date | None = None
    card: str = ""
    uid: uuid.UUID | None = None
    id: int | None = None


@dataclass
class _Discipline:
    person: _Person
    decided_on: datetime.date
    form: str
    decided_by: str
    violation_year: int
    violation_cell: _Org | None
    self_found: bool
    note: str


@dataclass
class DemoPlan:
    """The province as planned in memory, before it is written."""

    root: _Org
    orgs: list[_Org]
    persons: list[_Person]
    disciplines: list[_Discipline]
    leaves: list[tuple[_Person, str, int]]
    login_cell: _Org
    base: _Org
    dangvien: _Person
    bithu: _Person
    days: DemoDays


@dataclass
class DemoResult:
    """What seed_demo() created; `timings` holds (phase, seconds) and `logins` the rows of
    demo_logins()."""

    organizations: int
    members: int
    timings: list[tuple[str, float]]
    logins: list[tuple[str, str, str, str]]
    days: DemoDays


def _day(rng: random.Random, start: datetime.date, end: datetime.date) -> datetime.date:
    if end <= start:
        return start
    return start + datetime.timedelta(days=rng.randint(0, (end - start).days))


def _split(rng: random.Random, total: int, count: int, lo: int, hi: int, *, even: bool = False) -> list[int]:
    """`count` random whole numbers between lo and hi that add up to `total`; `even` keeps them
    closer to the mean."""
    assert count * lo <= total <= count * hi, (total, count, lo, hi)
    sizes = [lo] * count
    rest = total - lo * count
    weights = [rng.uniform(0.4, 1.6) if even else rng.expovariate(1.0) for _i in range(count)]
    scale = sum(weights)
    for i, weight in enumerate(weights):
        sizes[i] += min(hi - lo, int(rest * weight / scale))
    left = total - sum(sizes)
    while left:
        i = rng.randrange(count)
        if sizes[i] < hi:
            sizes[i] += 1
            left -= 1
    return sizes


def _count(total: int, mean: int, lo: int, hi: int, most: int | None = None) -> int:
    """How many parts of lo..hi (about `mean` each, at most `most`) to cut `total` into."""
    count = max(math.ceil(total / hi), round(total / mean), 1)
    count = min(count, total // lo)
    if most is not None:
        count = max(min(count, most), math.ceil(total / hi))
    return count


class _TreePlanner:
    def __init__(self, rng: random.Random, days: DemoDays):
        self.rng = rng
        self.days = days
        self.orgs: list[_Org] = []
        self.numbers = dict.fromkeys(_CODE_FORMAT, 0)
        self.first_commune: _Org | None = None

    def add(self, parent: _Org | None, kind: str, name: str, profile: str = "", **extra) -> _Org:
        if parent is None:
            code = DEMO_CODE
        else:
            assert kind in ALLOWED_CHILDREN[parent.kind], (kind, parent.kind)
            self.numbers[kind] += 1
            code = _CODE_FORMAT[kind].format(self.numbers[kind])
        org = _Org(code=code, name=name, kind=kind, parent=parent, profile=profile, **extra)
        if parent is not None:
            parent.children.append(org)
            org.direct = parent.direct or org
        self.orgs.append(org)
        return org

    def cells(
        self, parent: _Org, names: Callable[[int], str], budget: int, profile: str, workplace: str
    ) -> None:
        sizes = _split(self.rng, budget, _count(budget, 20, 8, 40), 8, 40)
        for i, size in enumerate(sizes):
            self.add(parent, Kind.CELL, f"Chi bộ {names(i)}", profile, workplace=workplace, roll=size)

    def unit(self, parent: _Org, unit: _Unit, budget: int) -> _Org:
        """A base cell of `budget` members when they fit in one cell; a base committee otherwise."""
        if budget <= 40:
            return self.add(
                parent, Kind.BASE_CELL, f"Chi bộ {unit.name}", unit.profile, workplace=unit.name, roll=budget
            )
        base = self.add(
            parent, Kind.BASE_COMMITTEE, f"Đảng bộ {unit.name}", unit.profile, affiliates=unit.affiliates
        )
        if unit.blocks is None or budget < unit.blocks_from:
            self.cells(base, unit.cells, budget, unit.profile, unit.name)
            return base
        count = max(2, _count(budget, 150, 16, budget, most=unit.max_blocks))
        for i, size in enumerate(_split(self.rng, budget, count, 16, budget)):
            block, cell_names = unit.blocks(i)
            partial = self.add(base, Kind.PARTIAL_COMMITTEE, f"Đảng bộ bộ phận {block}", unit.profile)
            self.cells(partial, cell_names, size, unit.profile, unit.name)
        return base

    def units(self, parent: _Org, units: list[_Unit], budget: int, mean: int, lo: int, hi: int) -> None:
        count = _count(budget, mean, lo, hi, most=len(units))
        for unit, size in zip(units, _split(self.rng, budget, count, lo, hi), strict=False):
            self.unit(parent, unit, size)

    def commune(self, root: _Org, place: str, ward: bool, budget: int) -> _Org:
        rng = self.rng
        word = "phường" if ward else "xã"
        commune = self.add(
            root,
            Kind.DIRECT_COMMITTEE,
            f"Đảng ủy {word} {place}",
            "commune",
            affiliates=(
                (f"Ủy ban nhân dân {word} {place}", AffiliatedCollective.Kind.GOVERNMENT),
                (f"Ủy ban Mặt trận Tổ quốc Việt Nam {word} {place}", AffiliatedCollective.Kind.MASS),
            ),
        )
        first = self.first_commune is None
        if first:
            self.first_commune = commune
        committees = max(41, round(budget * 0.4))
        institutions = min(round(budget * 0.22), 8 * 40)
        residential = budget - committees - institutions
        new_size = rng.randint(8, 12) if first else 0
        residential -= new_size

        # Base committees first, a school leading (the demo logins sit in the first commune's).
        others = [_health_center(place)]
        products = list(PRODUCTS)
        rng.shuffle(products)
        others += [_company(f"Công ty Cổ phần {product} {place}") for product in products]
        rng.shuffle(others)
        self.units(commune, [_school(place), *others], committees, 150, 41, 300)
        self.units(
            commune,
            [
                _Unit(f"Cơ quan Đảng - Đoàn thể {word} {place}", "party"),
                _Unit(f"Cơ quan Ủy ban nhân dân {word} {place}", "commune_agency"),
                _Unit(f"Công an {word} {place}", "police"),
                _Unit(f"Quân sự {word} {place}", "military"),
                _Unit(f"Trường Tiểu học {place}", "school"),
                _Unit(f"Trường Trung học cơ sở {place}", "school"),
                _Unit(f"Trường Mầm non {place}", "school"),
                _Unit(f"Trạm Y tế {word} {place}", "health"),
            ],
            institutions,
            20,
            8,
            40,
        )
        if first:  # a cell founded this year: out of this season's scope (R-SCOPE-5)
            name = f"Công ty TNHH {rng.choice(PRODUCTS)} {place}"
            self.add(
                commune,
                Kind.BASE_CELL,
                f"Chi bộ {name}",
                "company",
                workplace=name,
                roll=new_size,
                founded_on=self.days.past(_NEW_BASE_CELL_FOUNDED),
                new=True,
            )
        villages = list(VILLAGES)
        rng.shuffle(villages)
        for i, size in enumerate(_split(rng, residential, _count(residential, 25, 8, 40), 8, 40)):
            if ward:
                name = f"Chi bộ tổ dân phố {i + 1}"
            else:
                name = f"Chi bộ thôn {villages[i] if i < len(villages) else i + 1}"
            self.add(commune, Kind.BASE_CELL, name, "residential", roll=size)
        return commune

    def province(self, budget: int) -> _Org:
        rng = self.rng
        root = self.add(
            None,
            Kind.PROVINCIAL_COMMITTEE,
            f"Tỉnh ủy {PROVINCE} Demo",
            affiliates=((f"Ủy ban nhân dân tỉnh {PROVINCE}", AffiliatedCollective.Kind.GOVERNMENT),),
        )
        party_budget = min(max(round(budget * 0.06), 40), 500)
        government_budget = min(max(round(budget * 0.12), 100), 9000)
        direct_budget = min(max(round(budget * 0.03), 40), 2500)
        communes_budget = budget - party_budget - government_budget - direct_budget
        commune_count = min(max(3, round(communes_budget / 1000)), communes_budget // 100)
        places = [f"{a} {b}" for a in PLACE_WORDS for b in PLACE_WORDS if a != b]
        rng.shuffle(places)
        places = [_numbered(tuple(places))(i) for i in range(commune_count)]

        party = self.add(root, Kind.DIRECT_COMMITTEE, "Đảng ủy các cơ quan Đảng tỉnh", "party")
        self.units(party, _party_agencies(), party_budget, 40, 8, 250)

        government = self.add(root, Kind.DIRECT_COMMITTEE, "Đảng ủy Ủy ban nhân dân tỉnh", "agency")
        hospital_budget = min(max(round(government_budget * 0.2), 80), 900)  # with partial committees
        new_size = 10
        hospital = self.unit(government, _hospital("Bệnh viện Đa khoa tỉnh"), hospital_budget - new_size)
        self.add(  # founded this year: out of this season's scope (R-SCOPE-5)
            hospital,
            Kind.CELL,
            "Chi bộ Trung tâm Đột quỵ",
            "health",
            workplace="Bệnh viện Đa khoa tỉnh",
            roll=new_size,
            founded_on=self.days.past(_NEW_CELL_FOUNDED),
            new=True,
        )
        agencies = [_Unit(name, "agency", AGENCY_CELLS) for name in DEPARTMENTS]
        agencies.append(_Unit(f"Trường Cao đẳng Sư phạm {PROVINCE}", "school", SCHOOL_CELLS))
        rest = government_budget - hospital_budget
        for i in range(max(0, _count(rest, 150, 8, 600) - len(agencies))):
            place = places[i % len(places)]
            agencies.append(
                _hospital(f"Bệnh viện Đa khoa khu vực {place}") if i % 2 else _health_center(place)
            )
        self.units(government, agencies, rest, 150, 8, 600)

        cooperatives = rng.randint(10, 30)
        companies = [
            _company(f"Công ty Điện lực {PROVINCE}"),
            _company(f"Công ty Cổ phần Cấp nước {PROVINCE}"),
        ]
        self.units(root, companies, direct_budget - cooperatives, 600, 8, 1500)
        self.unit(root, _Unit("Liên minh Hợp tác xã tỉnh", "agency"), cooperatives)

        sizes = _split(rng, communes_budget, commune_count, 100, communes_budget, even=True)
        for i, (place, size) in enumerate(zip(places, sizes, strict=True)):
            self.commune(root, place, ward=(i % 3 == 1), budget=size)
        return root


class _PeoplePlanner:
    def __init__(self, rng: random.Random, orgs: list[_Org], total: int, days: DemoDays):
        self.rng = rng
        self.days = days
        # Official members were admitted at least a year before "today" (their probation is over).
        self.official_cap = add_years(days.past(DESIGN_TODAY), -1)
        self.total = total
        self.cells = [org for org in orgs if org.is_cell]
        self.old_cells = [cell for cell in self.cells if not cell.new]
        self.persons: list[_Person] = []
        self.disciplines: list[_Discipline] = []
        self.leaves: list[tuple[_Person, str, int]] = []

    def share(self, fraction: float, least: int = 1) -> int:
        return max(least, round(self.total * fraction))

    def person(self, cell: _Org, profile: _Profile) -> _Person:
        rng = self.rng
        gender = Gender.FEMALE if rng.random() < profile.female else Gender.MALE
        if profile.ages == "old":
            roll = rng.random()
            low, high = (1950, 1965) if roll < 0.45 else (1966, 1985) if roll < 0.8 else (1986, 2002)
            year = rng.randint(low, high)
        else:
            year = min(int(rng.triangular(1966, 2003, 1986)), 2002)
        birth = datetime.date(year, 1, 1) + datetime.timedelta(days=rng.randrange(365))
        adult = add_years(birth, 18)
        admitted = adult + datetime.timedelta(days=int(rng.triangular(0, 27, 6) * 365.25))
        if admitted > self.official_cap:
            admitted = _day(rng, adult, self.official_cap)
        middle = MIDDLE_NAMES[gender, year < 1975].pick(rng)
        given = GIVEN_NAMES[gender].pick(rng)
        while given == middle:  # "Thanh Thanh"
            given = GIVEN_NAMES[gender].pick(rng)
        if cell.profile == "residential":
            workplace = "Hưu trí" if year <= 1966 and rng.random() < 0.7 else rng.choice(RESIDENTIAL_WORK)
        else:
            workplace = cell.workplace
        return _Person(
            cell=cell,
            gender=gender,
            family=FAMILY_NAMES.pick(rng),
            middle=middle,
            given=given,
            birth=birth,
            admitted=admitted,
            official=add_years(admitted, 1),
            workplace=workplace,
            is_civil_servant=rng.random() < profile.civil_servant,
        )

    def window(self, start: datetime.date, end: datetime.date) -> tuple[datetime.date, datetime.date]:
        """A designed stretch of days, moved to this seeding and over by the seeding day."""
        return self.days.past(start), self.days.past(end)

    def people(self, transferred_out: int) -> None:
        """Each cell's roll, its committee first; then the members who left the province this
        year, who keep their last cell (R-SCOPE: they are no longer on its roll)."""
        rng = self.rng
        for _i in range(transferred_out):
            rng.choice(self.old_cells).extra += 1
        for cell in self.cells:
            profile = PROFILES[cell.profile]
            officers = 1 if cell.roll < 9 else 3 if cell.roll < 30 else 5
            for i in range(cell.roll + cell.extra):
                person = self.person(cell, profile)
                if i < officers:
                    person.officer = True
                    person.seat = min(i, CommitteeSeat.Position.MEMBER)
                    person.party_post = _CELL_POSTS[person.seat]
                    elected = cell.founded_on if cell.new else _day(rng, *self.window(*_CONGRESSES))
                    person.seat_since = max(elected, person.official)
                    if i == 0:
                        person.is_leader = True
                        if profile.posts and rng.random() < 0.5:
                            person.civil_service_post = profile.posts[0]
                elif i >= cell.roll:
                    person.tag = "transferred_out"
                    person.status = Status.TRANSFERRED_OUT
                    person.status_since = _day(rng, *self.window(datetime.date(2026, 1, 15), _THIS_YEAR[1]))
                    person.note = f"Chuyển sinh hoạt đảng chính thức đến {rng.choice(DESTINATIONS)}."
                self.persons.append(person)

    def plain(self, extra: Callable[[_Person], bool] | None = None) -> list[_Person]:
        """Active official members picked for nothing yet, outside this year's new organizations."""
        return [
            p
            for p in self.persons
            if not (p.officer or p.reserved or p.tag or p.cell.new) and (extra is None or extra(p))
        ]

    def pick(self, pool: list[_Person], count: int, tag: str) -> list[_Person]:
        chosen = self.rng.sample(pool, min(count, len(pool)))
        for person in chosen:
            person.tag = tag
        return chosen

    def logins(self, cell: _Org) -> tuple[_Person, _Person]:
        members = [p for p in self.persons if p.cell is cell]
        bithu = members[0]
        dangvien = next(p for p in members if not (p.officer or p.tag))
        bithu.reserved = dangvien.reserved = True
        return dangvien, bithu

    def leaders(self) -> None:
        """About 12% lead or manage: the cell secretaries, and the holders of a post."""
        rng = self.rng
        secretaries = sum(1 for p in self.persons if p.is_leader)
        pool = [
            p
            for p in self.persons
            if not (p.officer or p.reserved or p.tag) and PROFILES[p.cell.profile].posts
        ]
        for person in rng.sample(pool, min(len(pool), max(0, self.share(0.12) - secretaries))):
            person.is_leader = True
            person.civil_service_post = rng.choice(PROFILES[person.cell.profile].posts)

    def statuses(self) -> None:
        rng = self.rng
        young = self.plain(lambda p: p.birth.year >= 1984)
        for person in self.pick(young, self.share(0.03), "probationary"):
            person.admitted = _day(rng, *self.window(*_PROBATION_WINDOW))
            person.official = None
        for person in self.pick(self.plain(lambda p: p.birth.year >= 1984), self.share(0.01), "recent"):
            person.admitted = _day(rng, *self.window(*_RECENT_WINDOW))
            person.official = None
        exempt = self.share(0.04)
        elderly = self.pick(
            self.plain(lambda p: p.birth.year <= 1958 and not p.is_leader), round(exempt * 0.85), "exempt"
        )
        ill = self.pick(self.plain(lambda p: not p.is_leader), exempt - len(elderly), "exempt")
        for note, group in (("Tuổi cao, sức yếu.", elderly), ("Ốm đau dài ngày.", ill)):
            for person in group:
                person.status = Status.EXEMPT
                start = max(add_years(person.admitted, 1), datetime.date(2012, 1, 1))
                person.status_since = _day(rng, start, self.days.past(_THIS_YEAR[1]))
                person.note = note
        for person in self.pick(self.plain(lambda p: not p.is_leader), self.share(0.003), "suspended"):
            person.status = Status.SUSPENDED
            person.status_since = _day(rng, *self.window(*_THIS_YEAR))
            person.note = "Đình chỉ sinh hoạt đảng trong thời gian bị khởi tố, điều tra."
        for person in self.pick(self.plain(lambda p: p.birth.year >= 1966), self.share(0.01), "temporary"):
            person.status = Status.TEMPORARY_ELSEWHERE
            start, end = self.window(datetime.date(2025, 9, 1), datetime.date(2026, 9, 30))
            person.status_since = _day(rng, max(person.official, start), end)
            person.other_cell = self.other_cell(person.cell)
            person.note = rng.choice(TEMPORARY_REASONS)

    def other_cell(self, cell: _Org) -> _Org:
        while True:
            other = self.rng.choice(self.old_cells)
            if other is not cell:
                return other

    def transfers(self) -> list[_Person]:
        """A few members moved between cells this year, half of them after six months or more
        at the former cell (R-SCOPE-4). The members of this year's new organizations all came
        from older cells of the same parent."""
        rng = self.rng
        moved = self.pick(self.plain(), self.share(0.002, least=4), "moved")
        for i, person in enumerate(moved):
            person.former_cell = self.other_cell(person.cell)
            if i % 2:
                person.moved_on = _day(rng, *self.window(datetime.date(2026, 7, 1), _THIS_YEAR[1]))
            else:
                person.moved_on = _day(rng, *self.window(_THIS_YEAR[0], datetime.date(2026, 6, 30)))
        for cell in self.cells:
            if cell.new:
                origins = [c for c in self.old_cells if c.path.startswith(cell.parent.path)]
                for person in self.persons:
                    if person.cell is cell:
                        person.former_cell = rng.choice(origins)
                        person.moved_on = cell.founded_on
        return moved

    def discipline(self, moved: list[_Person]) -> None:
        rng = self.rng
        forms = DisciplineRecord.Form
        count = self.share(0.005, least=5)
        # The first one was moved this year and disciplined for what they did at the former
        # cell (R-RATE-5); a few found and remedied it themselves; a few erred last year (R-RATE-4).
        chosen = [moved[0], *self.pick(self.plain(), count - 1, "disciplined")]
        for i, person in enumerate(chosen):
            form = forms.REPRIMAND if rng.random() < 0.6 else forms.WARNING
            if person.civil_service_post and rng.random() < 0.5:
                form = forms.DISMISSAL
            end = self.days.past(DESIGN_TODAY)
            start = person.moved_on + datetime.timedelta(days=14) if i == 0 else self.days.past(_THIS_YEAR[0])
            self.disciplines.append(
                _Discipline(
                    person=person,
                    decided_on=_day(rng, min(start, end), end),
                    form=form,
                    decided_by=self.decided_by(person, form),
                    violation_year=self.days.year - 1 if i in (3, 4) else self.days.year,
                    violation_cell=person.former_cell if i == 0 else None,
                    self_found=i in (1, 2),
                    note=rng.choice(VIOLATIONS),
                )
            )
        for person in self.pick(self.plain(), self.share(0.002, least=2), "disciplined_2025"):
            form = forms.REPRIMAND if rng.random() < 0.7 else forms.WARNING
            self.disciplines.append(
                _Discipline(
                    person=person,
                    decided_on=_day(
                        rng, *self.window(datetime.date(2025, 2, 1), datetime.date(2025, 12, 20))
                    ),
                    form=form,
                    decided_by=self.decided_by(person, form),
                    violation_year=rng.choice((self.days.year - 2, self.days.year - 1)),
                    violation_cell=None,
                    self_found=False,
                    note=rng.choice(VIOLATIONS),
                )
            )

    def decided_by(self, person: _Person, form: str) -> str:
        if form == DisciplineRecord.Form.REPRIMAND:
            return person.cell.name
        direct = person.cell.direct
        if direct is not None and direct.kind == Kind.DIRECT_COMMITTEE:
            return f"Ủy ban Kiểm tra {direct.name}"
        return f"Ủy ban Kiểm tra Tỉnh ủy {PROVINCE}"

    def leave(self) -> None:
        rng = self.rng
        for person in self.pick(
            self.plain(lambda p: p.birth.year >= 1966), self.share(0.005, least=2), "sick"
        ):
            self.leaves.append((person, LeaveRecord.Kind.SICK, rng.randint(90, 200)))
        mothers = self.plain(lambda p: p.gender == Gender.FEMALE and p.birth.year >= 1984)
        for person in self.pick(mothers, self.share(0.01, least=2), "maternity"):
            self.leaves.append((person, LeaveRecord.Kind.MATERNITY, rng.randint(120, 184)))

    def founding_dates(self, root: _Org) -> None:
        """Each organization is older than the first member who sat in it and than its children;
        this year's new ones keep their date."""
        rng = self.rng
        for person in self.persons:
            for cell, day in (
                (person.cell, person.moved_on or person.admitted),
                (person.former_cell, person.admitted),
            ):
                if cell is not None and (cell.first_day is None or day < cell.first_day):
                    cell.first_day = day

        def settle(org: _Org) -> datetime.date:
            days = [settle(child) for child in org.children]
            if org.first_day:
                days.append(org.first_day)
            if org.founded_on is None:  # founded years ago
                earliest = min(*days, self.days.moved(datetime.date(2022, 1, 1)))
                org.founded_on = earliest - datetime.timedelta(days=rng.randint(30, 3 * 365))
            return org.founded_on

        settle(root)

    def identities(self) -> None:
        rng = self.rng
        for person, number in zip(self.persons, rng.sample(range(10**8), len(self.persons)), strict=True):
            person.card = f"17{number:08d}"  # 17: Hòa Bình's old province code
            person.uid = uuid.UUID(int=rng.getrandbits(128), version=4)


def _assign_paths(root: _Org) -> list[_Org]:
    """Treebeard paths, depths and child counts as add_child() would give them; the
    organizations in path order."""
    ordered = []
    stack = [(root, Organization._get_path(None, 1, 1))]
    while stack:
        org, path = stack.pop()
        org.path = path
        org.depth = len(path) // Organization.steplen
        ordered.append(org)
        for step in range(len(org.children), 0, -1):
            stack.append((org.children[step - 1], Organization._get_path(path, org.depth + 1, step)))
    return ordered


class _Clock:
    def __init__(self, record: Callable[[str, float], None]):
        self.record = record
        self.started = time.perf_counter()

    def lap(self, phase: str) -> None:
        now = time.perf_counter()
        self.record(phase, now - self.started)
        self.started = now


def plan_demo(
    *, members: int = DEFAULT_MEMBERS, seed: int = DEFAULT_SEED, days: DemoDays | None = None, record=None
) -> DemoPlan:
    """The whole province in memory, for the season under review on `days.today` (by default
    today); nothing touches the database."""
    days = days or DemoDays(timezone.localdate())
    if members < MIN_MEMBERS:
        raise ValueError(_("The demo needs at least %(count)d members.") % {"count": MIN_MEMBERS})
    clock = _Clock(record or (lambda phase, seconds: None))
    rng = random.Random(seed)
    transferred_out = round(members * 0.01)
    trees = _TreePlanner(rng, days)
    root = trees.province(members - transferred_out)
    orgs = _assign_paths(root)
    clock.lap("plan the tree")

    people = _PeoplePlanner(rng, trees.orgs, members, days)
    people.people(transferred_out)
    base = next(org for org in trees.first_commune.children if org.kind == Kind.BASE_COMMITTEE)
    cell = next(org for org in base.children if org.kind == Kind.CELL)
    dangvien, bithu = people.logins(cell)
    people.leaders()
    people.statuses()
    people.discipline(people.transfers())
    people.leave()
    people.founding_dates(root)
    people.identities()
    clock.lap("plan the members")
    return DemoPlan(
        root=root,
        orgs=orgs,
        persons=people.persons,
        disciplines=people.disciplines,
        leaves=people.leaves,
        login_cell=cell,
        base=base,
        dangvien=dangvien,
        bithu=bithu,
        days=days,
    )


# --- Writing ----------------------------------------------------------------------------------


class DemoError(Exception):
    pass


def _write_organizations(plan: DemoPlan, now: datetime.datetime) -> None:
    rows = [
        (
            org.path,
            org.depth,
            len(org.children),
            org.code,
            org.name,
            org.kind,
            org.founded_on,
            not org.is_cell or org.roll >= 9,  # cells under 9 members have a secretary only
        )
        for org in plan.orgs
    ]
    fields = ["path", "depth", "numchild", "code", "name", "kind", "founded_on", "has_leadership_collective"]
    for org, org_id in zip(plan.orgs, bulk_insert(Organization, fields, rows, ids=True), strict=True):
        org.id = org_id
    bulk_insert(
        OrganizationChange,
        ["organization_id", "action", "effective_on", "new_name", "new_parent_id", "recorded_at"],
        [
            (
                org.id,
                OrganizationChange.Action.CREATED,
                org.founded_on,
                org.name,
                org.parent.id if org.parent else None,
                now,
            )
            for org in plan.orgs
        ],
    )
    bulk_insert(
        AffiliatedCollective,
        ["organization_id", "name", "kind"],
        [(org.id, name, kind) for org in plan.orgs for name, kind in org.affiliates],
    )


def _write_members(plan: DemoPlan, now: datetime.datetime) -> None:
    # bulk inserts skip Member.save(): fill the computed columns here, once per distinct name.
    scratch = Member(card_number="")
    derived = {}
    rows = []
    for p in plan.persons:
        names = (p.family, p.middle, p.given)
        known = derived.get(names)
        if known is None:
            scratch.family_name, scratch.middle_name, scratch.given_name = names
            scratch.fill_derived_fields()
            known = derived[names] = (scratch.full_name, scratch.sort_key, scratch.search_text)
        full_name, sort_key, search_prefix = known
        rows.append(
            (
                p.uid,
                p.family,
                p.middle,
                p.given,
                full_name,
                sort_key,
                (search_prefix + p.card)[:255],  # the search text ends with the card number
                p.gender,
                p.birth,
                p.card,
                p.admitted,
                p.official,
                p.cell.id,
                p.status,
                p.civil_service_post,
                p.party_post,
                p.workplace,
                p.is_leader,
                p.is_civil_servant,
                now,
            )
        )
    fields = [
        "uid", "family_name", "middle_name", "given_name", "full_name", "sort_key", "search_text", "gender",
        "birth_date", "card_number", "admitted_on", "official_on", "cell_id", "status", "civil_service_post",
        "party_post", "workplace", "is_leader", "is_civil_servant", "created_at",
    ]  # fmt: skip
    for person, member_id in zip(plan.persons, bulk_insert(Member, fields, rows, ids=True), strict=True):
        person.id = member_id


def _write_histories(plan: DemoPlan) -> None:
    day = datetime.timedelta(days=1)
    statuses, cells = [], []
    for p in plan.persons:
        if p.status_since is None:
            statuses.append((p.id, Status.ACTIVE, p.admitted, None, None, ""))
        else:
            statuses.append((p.id, Status.ACTIVE, p.admitted, p.status_since - day, None, ""))
            other = p.other_cell.id if p.other_cell else None
            statuses.append((p.id, p.status, p.status_since, None, other, p.note))
        if p.former_cell is None:
            cells.append((p.id, p.cell.id, p.admitted, None))
        else:
            cells.append((p.id, p.former_cell.id, p.admitted, p.moved_on - day))
            cells.append((p.id, p.cell.id, p.moved_on, None))
    bulk_insert(
        StatusPeriod, ["member_id", "status", "starts_on", "ends_on", "other_cell_id", "note"], statuses
    )
    bulk_insert(
        CommitteeSeat,
        ["member_id", "organization_id", "position", "starts_on"],
        [(p.id, p.cell.id, p.seat, p.seat_since) for p in plan.persons if p.seat is not None],
    )
    bulk_insert(CellPeriod, ["member_id", "cell_id", "starts_on", "ends_on"], cells)
    bulk_insert(
        DisciplineRecord,
        [
            "member_id", "decided_on", "form", "decided_by", "violation_year", "violation_cell_id",
            "self_found_and_remedied", "note",
        ],
        [
            (d.person.id, d.decided_on, d.form, d.decided_by, d.violation_year,
             d.violation_cell.id if d.violation_cell else None, d.self_found, d.note)
            for d in plan.disciplines
        ],
    )  # fmt: skip
    bulk_insert(
        LeaveRecord,
        ["member_id", "year", "kind", "days"],
        [(person.id, plan.days.year, kind, days) for person, kind, days in plan.leaves],
    )


# Who signs in, as what. For Vietnamese names the family and middle names go in first_name and
# the given name in last_name, so that Django's get_full_name() reads "Nguyễn Văn An".
LOGINS = (
    ("dangvien", Role.Kind.MEMBER),
    ("bithu", Role.Kind.CELL_SECRETARY),
    ("dangu", Role.Kind.COMMITTEE_STAFF),
    ("bantochuc", Role.Kind.COMMITTEE_STAFF),
    ("tinhuy", Role.Kind.PROVINCIAL_BOARD),
    ("quantri", None),
)


def _write_logins(plan: DemoPlan) -> None:
    User = get_user_model()
    password = make_password(DEMO_PASSWORD)
    commune = plan.base.parent

    def login(username, first_name, last_name, *, admin=False):
        user, _created = User.objects.update_or_create(
            username=username,
            defaults={
                "password": password,
                "first_name": first_name,
                "last_name": last_name,
                "is_active": True,
                "is_staff": admin,
                "is_superuser": admin,
            },
        )
        return user

    roles = []
    for username, person in (("dangvien", plan.dangvien), ("bithu", plan.bithu)):
        user = login(username, f"{person.family} {person.middle}", person.given)
        Member.objects.filter(pk=person.id).update(user=user)
        roles.append(Role(user=user, organization_id=plan.login_cell.id, kind=Role.Kind.MEMBER))
        if person is plan.bithu:
            roles.append(
                Role(
                    user=user,
                    organization_id=plan.login_cell.id,
                    kind=Role.Kind.CELL_SECRETARY,
                    title="Bí thư chi bộ",
                )
            )
    staff = (
        ("dangu", "Lê Thị Thu", "Hà", plan.base, Role.Kind.COMMITTEE_STAFF, "Văn phòng Đảng ủy"),
        ("bantochuc", "Phạm Quang", "Huy", commune, Role.Kind.COMMITTEE_STAFF, "Ban Xây dựng Đảng"),
        ("tinhuy", "Bùi Thị Thanh", "Hương", plan.root, Role.Kind.PROVINCIAL_BOARD, "Ban Tổ chức Tỉnh ủy"),
    )
    for username, first_name, last_name, org, kind, title in staff:
        user = login(username, first_name, last_name)
        roles.append(Role(user=user, organization_id=org.id, kind=kind, title=title))
    for role in roles:
        role.starts_on = roles_start(plan.days)
    Role.objects.bulk_create(roles)
    login("quantri", "Quản trị", "viên", admin=True)


def roles_start(days: DemoDays) -> datetime.date:
    """The demo's people took up their roles at the start of the year under review."""
    return datetime.date(days.year, 1, 1)


def demo_logins() -> list[tuple[str, str, str, str]]:
    """(username, password, role, organization) of the demo logins present in the database."""
    users = {
        user.username: user for user in get_user_model().objects.filter(username__in=[u for u, _k in LOGINS])
    }
    rows = []
    for username, kind in LOGINS:
        user = users.get(username)
        if user is None:
            continue
        if kind is None:
            rows.append((username, DEMO_PASSWORD, _("Administrator (superuser)"), "—"))
            continue
        role = Role.objects.filter(user=user, kind=kind).select_related("organization").first()
        rows.append(
            (username, DEMO_PASSWORD, str(Role.Kind(kind).label), role.organization.name if role else "—")
        )
    return rows


def seed_demo(
    *,
    members: int = DEFAULT_MEMBERS,
    seed: int = DEFAULT_SEED,
    today: datetime.date | None = None,
    progress: Callable[[str, float], None] | None = None,
) -> DemoResult:
    """Create the demo province in an empty database, in one transaction, for the season under
    review on `today` (by default today: members/demo_days.py).

    `progress(phase, seconds)` hears about each phase as it ends."""
    timings: list[tuple[str, float]] = []

    def record(phase: str, seconds: float) -> None:
        timings.append((phase, seconds))
        if progress is not None:
            progress(phase, seconds)

    days = DemoDays(today or timezone.localdate())
    plan = plan_demo(members=members, seed=seed, days=days, record=record)
    clock = _Clock(record)
    now = timezone.now()
    with transaction.atomic():
        if Organization.objects.exists():
            raise DemoError(_("The database already holds party organizations; the demo needs an empty one."))
        _write_organizations(plan, now)
        clock.lap("write the organizations")
        _write_members(plan, now)
        clock.lap("write the members")
        _write_histories(plan)
        clock.lap("write the histories")
        _write_logins(plan)
        clock.lap("write the logins")
    clock.lap("commit")  # PostgreSQL checks the deferred foreign keys here
    return DemoResult(
        organizations=len(plan.orgs),
        members=len(plan.persons),
        timings=timings,
        logins=demo_logins(),
        days=days,
    )
