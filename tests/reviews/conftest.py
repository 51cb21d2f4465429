import datetime

import pytest

from members.models import CommitteeSeat
from organizations.models import Kind, Role
from reviews.defaults import shipped_rule_set
from reviews.models import Subject
from reviews.scope import open_season
from tests.clock import ROLES_FROM
from tests.factories import UserFactory, make_member, make_org, make_user_with_role

REFERENCE = datetime.date(2026, 11, 15)
QD124, QD366 = "qd124-hd25-2023", "qd366-hd43-2025"


def open_season_124(**kwargs):
    """A season deliberately opened under QĐ 124 / HD 25 whatever its year: the 124 rules are
    tested on the same 2026 world as the 366 ones."""
    return open_season(rule_set=shipped_rule_set(QD124), **kwargs)


class World:
    """A small province: TINH → XA1 (commune committee) → CS1 (base committee) → CB1, CB2 (cells);
    XA1 → CS2 (base cell). Cells have no cell committee except where a test adds one."""

    def subject(self, member=None, unit=None, kind=Subject.Kind.ORGANIZATION) -> Subject:
        queryset = Subject.objects.select_related("season__rule_set", "unit", "decider", "member")
        if member is not None:
            return queryset.get(season=self.season, member=member)
        return queryset.get(season=self.season, unit__organization=unit, kind=kind)


def build_world(open_now=True, extra_members: int = 0) -> World:
    w = World()
    w.province = make_org(Kind.PROVINCIAL_COMMITTEE, name="Tỉnh ủy Thử", code="TINH")
    w.commune = make_org(Kind.DIRECT_COMMITTEE, w.province, name="Đảng ủy xã An Bình", code="XA1")
    w.base = make_org(
        Kind.BASE_COMMITTEE,
        w.commune,
        name="Đảng bộ Trường An Bình",
        code="CS1",
        has_leadership_collective=False,
    )
    w.cell1 = make_org(Kind.CELL, w.base, name="Chi bộ Tổ Toán", code="CB1", has_leadership_collective=False)
    w.cell2 = make_org(Kind.CELL, w.base, name="Chi bộ Tổ Văn", code="CB2", has_leadership_collective=False)
    w.base_cell = make_org(
        Kind.BASE_CELL, w.commune, name="Chi bộ Thôn Đông", code="CS2", has_leadership_collective=False
    )
    for org in (w.province, w.commune):
        org.has_leadership_collective = False
        org.save(update_fields=["has_leadership_collective"])
    day = ROLES_FROM
    w.head = make_member(w.cell1, "Lê", "Văn", "Hùng", is_leader=True)
    w.deputy = make_member(w.cell1, "Phạm", "Thị", "Lan")
    w.members1 = [w.head, w.deputy] + [
        make_member(w.cell1, "Nguyễn", "Văn", given) for given in ("An", "Bình", "Cường", "Dũng", "Giang")
    ]
    CommitteeSeat.objects.create(member=w.head, organization=w.cell1, position=0, starts_on=day)
    CommitteeSeat.objects.create(member=w.deputy, organization=w.cell1, position=1, starts_on=day)
    w.members2 = [make_member(w.cell2, "Trần", "Thị", given) for given in ("Hoa", "Huệ", "Hồng")]
    w.members3 = [make_member(w.base_cell, "Vũ", "Văn", given) for given in ("Khoa", "Long")]
    # A crowd for pages that must not grow their queries with the number of rows.
    w.crowd = [make_member(w.cell2, "Đỗ", "Thị", f"Mai {n:03d}") for n in range(extra_members)]
    w.member_user = UserFactory(username="dv")
    w.deputy.user = w.member_user
    w.deputy.save()
    Role.objects.create(user=w.member_user, organization=w.cell1, kind=Role.Kind.MEMBER, starts_on=ROLES_FROM)
    w.secretary = make_user_with_role(Role.Kind.CELL_SECRETARY, w.cell1, "bt")
    w.secretary2 = make_user_with_role(Role.Kind.CELL_SECRETARY, w.cell2, "bt2")
    w.base_cell_secretary = make_user_with_role(Role.Kind.CELL_SECRETARY, w.base_cell, "bt3")
    w.base_staff = make_user_with_role(Role.Kind.COMMITTEE_STAFF, w.base, "du")
    w.commune_staff = make_user_with_role(Role.Kind.COMMITTEE_STAFF, w.commune, "btc")
    w.board = make_user_with_role(Role.Kind.PROVINCIAL_BOARD, w.province, "tu")
    w.leader = make_user_with_role(Role.Kind.COMMITTEE_LEADER, w.base, "ld")
    w.outsider = UserFactory(username="ngoai")
    if open_now:
        w.season = open_season_124(top_organization=w.province, year=2026, reference_date=REFERENCE)
    return w


@pytest.fixture
def world(db):
    return build_world()
