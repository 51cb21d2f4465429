import pytest
from hypothesis import given
from hypothesis import strategies as st

from members.models import Member
from members.names import fold, sort_key, split_full_name
from tests.factories import make_member

pytestmark = pytest.mark.django_db


def key(full_name):
    family, middle, given_name = split_full_name(full_name)
    return sort_key(given=given_name, middle=middle, family=family)


def test_names_sort_by_given_then_middle_then_family():
    names = ["Trần Văn Bình", "Nguyễn Văn An", "Lê Thị An", "Nguyễn Thị An", "Đỗ Anh"]
    assert sorted(names, key=key) == [
        "Lê Thị An",
        "Nguyễn Thị An",
        "Nguyễn Văn An",
        "Đỗ Anh",
        "Trần Văn Bình",
    ]


def test_vietnamese_letters_follow_the_vietnamese_alphabet():
    # a < ă < â, d < đ, e < ê, o < ô < ơ, u < ư; plain Latin order would put đ after z.
    names = [
        "Lê Văn Ơn",
        "Lê Văn Ôn",
        "Lê Văn On",
        "Lê Văn Đào",
        "Lê Văn Dũng",
        "Lê Văn Ân",
        "Lê Văn Ăn",
        "Lê Văn An",
        "Lê Văn Ưng",
        "Lê Văn Ung",
        "Lê Văn Yến",
    ]
    assert sorted(names, key=key) == [
        "Lê Văn An",
        "Lê Văn Ăn",
        "Lê Văn Ân",
        "Lê Văn Dũng",
        "Lê Văn Đào",
        "Lê Văn On",
        "Lê Văn Ôn",
        "Lê Văn Ơn",
        "Lê Văn Ung",
        "Lê Văn Ưng",
        "Lê Văn Yến",
    ]


def test_tones_break_ties_in_dictionary_order():
    # ngang, huyền, hỏi, ngã, sắc, nặng
    names = ["Vũ Thị Hạnh", "Vũ Thị Hánh", "Vũ Thị Hãnh", "Vũ Thị Hảnh", "Vũ Thị Hành", "Vũ Thị Hanh"]
    assert sorted(names, key=key) == [
        "Vũ Thị Hanh",
        "Vũ Thị Hành",
        "Vũ Thị Hảnh",
        "Vũ Thị Hãnh",
        "Vũ Thị Hánh",
        "Vũ Thị Hạnh",
    ]


def test_a_shorter_given_name_sorts_before_its_extensions():
    assert sorted(["Lê Anh", "Lê An"], key=key) == ["Lê An", "Lê Anh"]


@given(st.text(alphabet="aăâbcdđeêghiklmnoôơpqrstuưvxyàáảãạ ", min_size=1, max_size=20))
def test_sort_keys_are_plain_ascii_letters(text):
    value = sort_key(given=text, middle=text, family=text)
    assert value.isascii() and value.isalpha()


def test_fold_drops_marks_and_folds_d():
    assert fold("  Nguyễn  Thị Hường ") == "nguyen thi huong"
    assert fold("ĐẶNG Đình") == "dang dinh"


def test_the_database_orders_the_vietnamese_way(tree):
    for full in ["Trần Văn Bình", "Nguyễn Thị Ánh", "Lê Văn An", "Phạm Đức Đông", "Hoàng Văn Dũng"]:
        family, middle, given_name = split_full_name(full)
        make_member(tree["cell_a"], family=family, middle=middle, given=given_name)
    ordered = list(Member.objects.vietnamese_order().values_list("full_name", flat=True))
    assert ordered == ["Lê Văn An", "Nguyễn Thị Ánh", "Trần Văn Bình", "Hoàng Văn Dũng", "Phạm Đức Đông"]


def test_search_ignores_accents_and_case(tree):
    wanted = make_member(tree["cell_a"], family="Nguyễn", middle="Thị", given="Hường")
    same_letters = make_member(tree["cell_a"], family="Nguyễn", middle="Thị", given="Hương")
    make_member(tree["cell_a"], family="Trần", middle="Văn", given="Hùng")
    make_member(tree["cell_a"], family="Nguyễn", middle="Văn", given="Hưởng")
    assert set(Member.objects.search("nguyen thi huong")) == {wanted, same_letters}
    assert set(Member.objects.search("NGUYỄN THỊ HƯỜNG")) == {wanted, same_letters}
    assert list(Member.objects.search(wanted.card_number)) == [wanted]
    assert not Member.objects.search("nguyen van an").exists()
