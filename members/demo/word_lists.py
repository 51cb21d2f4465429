"""The words the demo draws from: Vietnamese family, middle and given names by how common they are,
the words of place and village names, the products of its companies, where members move to, and
the notes of disciplines and temporary leaves."""

import random
from bisect import bisect

from members.models import Gender


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
