"""The kinds of units in the demo province and of the people in them: the profile of each kind
(share of women, ages, civil servants, posts), how their cells are named, and the schools,
health centres, hospitals, companies and agencies that become base organizations."""

from collections.abc import Callable
from dataclasses import dataclass

from members.demo.constants import PROVINCE
from organizations.models import AffiliatedCollective


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
