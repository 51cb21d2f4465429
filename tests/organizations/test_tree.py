import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from members.models import CellPeriod, Member
from organizations.models import Kind, Organization, OrganizationChange
from organizations.services import (
    create_organization,
    dissolve_organization,
    merge_organizations,
    move_organization,
    rename_organization,
)
from tests.clock import DAY_UNDER_TEST
from tests.factories import make_member, make_org

pytestmark = pytest.mark.django_db
TODAY = DAY_UNDER_TEST


@pytest.mark.parametrize(
    ("parent_kind", "child_kind"),
    [
        (Kind.PROVINCIAL_COMMITTEE, Kind.CELL),
        (Kind.PROVINCIAL_COMMITTEE, Kind.PARTIAL_COMMITTEE),
        (Kind.DIRECT_COMMITTEE, Kind.CELL),
        (Kind.DIRECT_COMMITTEE, Kind.DIRECT_COMMITTEE),
        (Kind.BASE_COMMITTEE, Kind.BASE_COMMITTEE),
        (Kind.PARTIAL_COMMITTEE, Kind.PARTIAL_COMMITTEE),
        (Kind.CELL, Kind.CELL),
        (Kind.BASE_CELL, Kind.CELL),
    ],
)
def test_it_refuses_a_kind_under_a_parent_that_cannot_hold_it(tree, parent_kind, child_kind):
    parent = Organization.objects.filter(kind=parent_kind).first()
    with pytest.raises(ValidationError) as error:
        make_org(child_kind, parent)
    assert str(Kind(child_kind).label) in error.value.messages[0]
    assert parent.name in error.value.messages[0]


def test_only_a_provincial_committee_is_a_root(db):
    with pytest.raises(ValidationError):
        make_org(Kind.BASE_COMMITTEE, None)
    assert make_org(Kind.PROVINCIAL_COMMITTEE, None).is_root()


def test_codes_are_unique(tree):
    with pytest.raises(ValidationError, match="CB1"):
        make_org(Kind.CELL, tree["base"], code="CB1")


def test_creating_records_a_change(tree):
    change = OrganizationChange.objects.get(organization=tree["cell_a"])
    assert change.action == OrganizationChange.Action.CREATED
    assert change.new_parent == tree["partial"]


def test_a_subtree_is_one_prefix_query(tree):
    with CaptureQueriesContext(connection) as queries:
        codes = set(tree["commune"].subtree().values_list("code", flat=True))
    assert codes == {"XA1", "CS1", "BP1", "CB1", "CB2"}
    assert len(queries) == 1
    assert "LIKE" in queries[0]["sql"]


def test_the_path_prefix_index_is_used_on_postgresql(tree):
    with connection.cursor() as cursor:
        cursor.execute("SET enable_seqscan = off")
        cursor.execute(
            "EXPLAIN SELECT id FROM organizations_organization WHERE path LIKE %s",
            [tree["commune"].path + "%"],
        )
        plan = " ".join(row[0] for row in cursor.fetchall())
        cursor.execute("SET enable_seqscan = on")
    assert "Index" in plan and "_like" in plan


def test_rename_keeps_the_old_name_in_history(tree):
    yesterday = TODAY - datetime.timedelta(days=1)
    rename_organization(organization=tree["cell_b"], new_name="Chi bộ Ngữ văn", effective_on=yesterday)
    tree["cell_b"].refresh_from_db()
    assert tree["cell_b"].name == "Chi bộ Ngữ văn"
    change = tree["cell_b"].changes.get(action=OrganizationChange.Action.RENAMED)
    assert (change.old_name, change.new_name, change.effective_on) == (
        "Chi bộ Tổ Văn",
        "Chi bộ Ngữ văn",
        yesterday,
    )


def test_changes_cannot_take_effect_in_the_future(tree):
    with pytest.raises(ValidationError, match="future|tương lai"):
        rename_organization(
            organization=tree["cell_b"], new_name="X", effective_on=TODAY + datetime.timedelta(1)
        )


def test_move_carries_the_subtree_and_records_both_parents(tree):
    move_organization(organization=tree["base"], new_parent=tree["other_commune"], effective_on=TODAY)
    tree["cell_a"].refresh_from_db()
    assert tree["cell_a"].path.startswith(tree["other_commune"].path)
    assert set(tree["other_commune"].subtree().values_list("code", flat=True)) >= {"CS1", "BP1", "CB1", "CB2"}
    assert not tree["commune"].subtree().filter(code="CB1").exists()
    change = tree["base"].changes.get(action=OrganizationChange.Action.MOVED)
    assert (change.old_parent, change.new_parent) == (tree["commune"], tree["other_commune"])


def test_move_checks_the_kind_rule(tree):
    with pytest.raises(ValidationError, match=tree["other_base"].name):
        move_organization(organization=tree["cell_a"], new_parent=tree["other_base"], effective_on=TODAY)


def test_move_under_own_subordinate_is_refused(tree):
    with pytest.raises(ValidationError):
        move_organization(organization=tree["base"], new_parent=tree["partial"], effective_on=TODAY)


def test_dissolve_is_blocked_by_living_children_and_members(tree):
    make_member(tree["cell_a"])
    with pytest.raises(ValidationError) as error:
        dissolve_organization(organization=tree["partial"], effective_on=TODAY)
    assert "Chi bộ Tổ Toán" in " ".join(error.value.messages)
    with pytest.raises(ValidationError) as error:
        dissolve_organization(organization=tree["cell_a"], effective_on=TODAY)
    assert "1" in " ".join(error.value.messages)
    tree["cell_a"].refresh_from_db()
    assert tree["cell_a"].dissolved_on is None


def test_dissolve_an_empty_cell(tree):
    dissolve_organization(organization=tree["cell_b"], effective_on=TODAY, reason="Sáp nhập trường")
    tree["cell_b"].refresh_from_db()
    assert tree["cell_b"].dissolved_on == TODAY
    assert not tree["cell_b"].exists_on(TODAY)
    assert tree["cell_b"].exists_on(TODAY - datetime.timedelta(days=1))
    with pytest.raises(ValidationError):
        make_org(Kind.CELL, tree["cell_b"])


def test_merge_moves_children_and_members_and_keeps_history(tree):
    other_base = make_org(Kind.BASE_COMMITTEE, tree["commune"], name="Đảng bộ Trường THCS", code="CS3")
    cell_c = make_org(Kind.CELL, other_base, name="Chi bộ Tổ Sử", code="CB3")
    member = make_member(cell_c)
    merge_organizations(source=other_base, target=tree["base"], effective_on=TODAY, reason="Sáp nhập")
    other_base.refresh_from_db()
    cell_c.refresh_from_db()
    assert other_base.dissolved_on == TODAY and other_base.merged_into == tree["base"]
    assert cell_c.parent() == tree["base"]
    assert other_base.changes.filter(action=OrganizationChange.Action.MERGED).exists()

    # Merging two cells moves their members, closing the old cell period.
    merge_organizations(source=cell_c, target=tree["cell_b"], effective_on=TODAY)
    member.refresh_from_db()
    assert member.cell == tree["cell_b"]
    periods = list(CellPeriod.objects.filter(member=member).order_by("starts_on", "id"))
    assert [p.cell for p in periods] == [cell_c, tree["cell_b"]]
    assert periods[0].ends_on == TODAY - datetime.timedelta(days=1)
    assert Member.objects.filter(cell=cell_c).count() == 0


def test_merge_needs_the_same_kind(tree):
    with pytest.raises(ValidationError, match="same kind|cùng loại"):
        merge_organizations(source=tree["cell_a"], target=tree["partial"], effective_on=TODAY)


def test_create_organization_validates_before_writing(tree):
    before = Organization.objects.count()
    with pytest.raises(ValidationError):
        create_organization(code="NEW", name="Chi bộ mới", kind=Kind.CELL, parent=tree["province"])
    assert Organization.objects.count() == before
