"""A card number already recorded (the roster import, members/roster/database.py). A card number is
unique nationally, so the row is refused and nothing of the file is saved, wherever the holder is
recorded; what the message says of the holder follows what the importing user may see: their name
and cell inside the user's part of the tree, nothing of them outside it — only that another
organization records the card and that the provincial organization board must check it."""

import pytest
from django.utils import translation

from members.models import CellPeriod, Member, StatusPeriod
from organizations.models import Kind, Role
from tests.factories import make_member, make_org, make_user_with_role
from tests.members.test_roster_import import csv_bytes, errors_of, member_row, run, upload

pytestmark = pytest.mark.django_db
CARD = "Số thẻ đảng viên"
OUTSIDE = (
    "Số thẻ {card} đã được ghi nhận ở một tổ chức đảng khác. Ban Tổ chức Tỉnh ủy cần kiểm tra lại "
    "số thẻ này; dòng này chỉ nhập được sau khi đã kiểm tra."
)


@pytest.fixture(autouse=True)
def _vietnamese():
    with translation.override("vi"):
        yield


@pytest.fixture
def staff_client(client, tree):
    """Committee staff of the base organization CS1, as the import's page tests use."""
    client.force_login(make_user_with_role(Role.Kind.COMMITTEE_STAFF, tree["base"]))
    return client


def assert_nothing_saved(before: int):
    assert Member.objects.count() == before
    assert StatusPeriod.objects.count() == CellPeriod.objects.count() == before


def test_a_card_held_inside_the_users_part_of_the_tree_names_the_holder_and_their_cell(tree):
    staff = make_user_with_role(Role.Kind.COMMITTEE_STAFF, tree["base"])
    make_member(tree["cell_b"], "Trần", "Thị", "Mai", card_number="44445555")
    rows = [member_row(), member_row(**{CARD: "44445555"}), member_row(**{CARD: "44445555"})]

    result = run(csv_bytes(rows), user=staff)

    message = (
        "Số thẻ 44445555 đã được ghi nhận cho đảng viên Trần Thị Mai, sinh hoạt tại Chi bộ Tổ Văn (CB2). "
        "Nếu là cùng một người, hãy bỏ dòng này khỏi tệp; nếu không, hãy kiểm tra lại số thẻ."
    )
    assert errors_of(result) == {(3, CARD, message), (4, CARD, message)}
    assert_nothing_saved(1)


def test_a_card_held_outside_the_users_part_of_the_tree_says_nothing_of_the_holder(tree):
    """Another commune of the province, and another province: the same words, which name neither
    the member nor their organization, and say who checks."""
    staff = make_user_with_role(Role.Kind.COMMITTEE_STAFF, tree["commune"])
    make_member(tree["other_base"], "Lê", "Văn", "Bình", card_number="55556666")
    province = make_org(Kind.PROVINCIAL_COMMITTEE, name="Tỉnh ủy Khác", code="TINH2")
    far = make_org(Kind.BASE_CELL, province, name="Chi bộ Xa", code="CBXA")
    make_member(far, "Đỗ", "Thị", "Hoa", card_number="66667777")
    rows = [member_row(**{CARD: "55556666"}), member_row(), member_row(**{CARD: "66667777"})]

    result = run(csv_bytes(rows), user=staff)

    assert errors_of(result) == {
        (2, CARD, OUTSIDE.format(card="55556666")),
        (4, CARD, OUTSIDE.format(card="66667777")),
    }
    for error in result.errors:
        for secret in ("Lê Văn Bình", "Bình", "Thôn Đông", "CS2", "Đỗ Thị Hoa", "Chi bộ Xa", "CBXA", "TINH2"):
            assert secret not in error.message
    assert_nothing_saved(2)


def test_the_users_own_card_is_named_to_them(tree):
    """A staff member importing their own card (a mistake): their own record is theirs to see."""
    staff = make_user_with_role(Role.Kind.COMMITTEE_STAFF, tree["commune"])
    own = make_member(tree["other_base"], "Vũ", "Văn", "Nam", card_number="77778888")
    own.user = staff
    own.save()

    result = run(csv_bytes([member_row(**{CARD: "77778888"})]), user=staff)

    assert "Vũ Văn Nam" in result.errors[0].message and "(CS2)" in result.errors[0].message


def test_the_import_page_shows_the_refusal_with_its_row_and_column_and_nothing_of_an_outside_holder(
    staff_client, tree
):
    make_member(tree["other_base"], "Lê", "Văn", "Bình", card_number="55556666")

    response = upload(staff_client, csv_bytes([member_row(), member_row(**{CARD: "55556666"})]), "roster.csv")

    content = response.content.decode()
    assert [(e.row, e.column) for e in response.context["result"].errors] == [(3, CARD)]
    assert "Ban Tổ chức Tỉnh ủy cần kiểm tra lại số thẻ này" in content
    assert "Lê Văn Bình" not in content and "Thôn Đông" not in content
    assert_nothing_saved(1)
