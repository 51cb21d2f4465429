"""The demo province of `manage.py seed_demo` (members/demo/)."""

import datetime
import hashlib
import io
import json
import os
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from django.db.models import Count

from members.demo import DEMO_PASSWORD, plan_demo, seed_demo
from members.demo_days import DemoDays
from members.models import (
    ON_ROLL,
    CellPeriod,
    CommitteeSeat,
    DisciplineRecord,
    LeaveRecord,
    Member,
    Status,
    StatusPeriod,
)
from members.names import join_name
from organizations.models import (
    ALLOWED_CHILDREN,
    CELL_KINDS,
    AffiliatedCollective,
    Kind,
    Organization,
    OrganizationChange,
    Role,
)
from tests.clock import DAY_UNDER_TEST

SMALL = 600
# Seeded on the day under test (tests/clock.py): its season under review is YEAR's.
DAYS = DemoDays(DAY_UNDER_TEST)
YEAR = DAYS.year
SIX_MONTHS_BEFORE = datetime.date(YEAR, 6, 15)  # six months before the reference date, 15/12
YEAR_BEFORE = DAYS.reference(YEAR - 1)


def _years_later(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def _digest(organizations, members) -> str:
    return hashlib.sha256(repr((sorted(organizations), sorted(members))).encode()).hexdigest()


def _database_digest() -> str:
    organizations = Organization.objects.values_list("code", "name", "kind", "path")
    members = Member.objects.values_list(
        "card_number", "full_name", "cell__code", "status", "admitted_on", "official_on"
    )
    return _digest(list(organizations), list(members))


def _plan_digest(members: int, seed: int) -> str:
    plan = plan_demo(members=members, seed=seed, days=DAYS)
    organizations = [(o.code, o.name, str(o.kind), o.path) for o in plan.orgs]
    people = [
        (p.card, join_name(p.family, p.middle, p.given), p.cell.code, str(p.status), p.admitted, p.official)
        for p in plan.persons
    ]
    return _digest(organizations, people)


def _seeded_digest(members: int, seed: int) -> str:
    """Seed, take the digest, and roll back: the next call starts from an empty database again."""
    with transaction.atomic():
        seed_demo(members=members, seed=seed)
        digest = _database_digest()
        transaction.set_rollback(True)
    return digest


def _roll_counts() -> dict[int, int]:
    rows = Member.objects.filter(status__in=ON_ROLL).values("cell").annotate(count=Count("id"))
    return {row["cell"]: row["count"] for row in rows}


@pytest.fixture
def small(db):
    return seed_demo(members=SMALL, seed=7)


@pytest.fixture
def default_size(db):
    return seed_demo()


@pytest.mark.django_db
def test_same_seed_gives_the_same_province_and_another_seed_another():
    first = _seeded_digest(SMALL, seed=11)
    assert Organization.objects.count() == 0
    assert _seeded_digest(SMALL, seed=11) == first
    assert _seeded_digest(SMALL, seed=12) != first
    assert _plan_digest(SMALL, seed=11) == first


def test_plan_does_not_depend_on_hash_randomization():
    """No set or dict iteration order leaks into the result: two interpreters with different
    hash seeds plan the same province."""
    code = (
        "import django, json; django.setup(); "
        "from tests.members.test_seed_demo import _plan_digest; "
        f"print(json.dumps(_plan_digest({SMALL}, 11)))"
    )
    root = Path(__file__).resolve().parents[2]
    digests = set()
    for hash_seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": hash_seed, "DJANGO_SETTINGS_MODULE": "config.settings"}
        output = subprocess.run(
            [sys.executable, "-c", code], cwd=root, env=env, capture_output=True, text=True, check=True
        ).stdout
        digests.add(json.loads(output.strip().splitlines()[-1]))
    assert len(digests) == 1
    assert digests == {_plan_digest(SMALL, 11)}


def test_the_tree_is_a_valid_treebeard_tree_of_allowed_kinds(small):
    root = Organization.objects.get(code="DEMO")
    assert root.kind == Kind.PROVINCIAL_COMMITTEE
    assert root.is_root() and Organization.objects.filter(depth=1).count() == 1
    assert Organization.objects.find_problems() == ([], [], [], [], [])

    by_path = {org.path: org for org in Organization.objects.all()}
    children = Counter(path[:-4] for path in by_path if len(path) > 4)
    for path, org in by_path.items():
        assert org.numchild == children[path], org.name
        assert org.depth == len(path) // 4
        if org.depth > 1:
            parent = by_path[path[:-4]]
            assert org.kind in ALLOWED_CHILDREN[parent.kind], (org.name, parent.name)
            assert parent.founded_on <= org.founded_on
    kinds = Counter(org.kind for org in by_path.values())
    assert set(kinds) == set(Kind.values)
    names = [org.name for org in by_path.values()]
    assert any(name.startswith("Đảng ủy xã ") for name in names)
    assert any(name.startswith("Đảng ủy phường ") for name in names)
    assert "Đảng ủy các cơ quan Đảng tỉnh" in names and "Đảng ủy Ủy ban nhân dân tỉnh" in names
    assert any(name.startswith("Chi bộ thôn ") for name in names)
    assert any(name.startswith("Chi bộ tổ dân phố ") for name in names)
    # A few base organizations sit directly under the province.
    assert any(
        org.kind in (Kind.BASE_COMMITTEE, Kind.BASE_CELL) and org.depth == 2 for org in by_path.values()
    )


def test_each_organization_has_its_creation_recorded_and_a_founding_date(small):
    changes = OrganizationChange.objects.filter(action=OrganizationChange.Action.CREATED)
    assert changes.count() == Organization.objects.count()
    for change in changes.select_related("organization", "new_parent"):
        organization = change.organization
        assert change.effective_on == organization.founded_on
        assert change.new_name == organization.name
        parent = Organization.objects.filter(path=organization.path[:-4]).first()
        assert change.new_parent == parent
    # A couple founded less than six months before the reference date: out of the season.
    recent = Organization.objects.filter(founded_on__gt=SIX_MONTHS_BEFORE)
    assert 1 <= recent.count() <= 3
    assert all(org.kind in CELL_KINDS for org in recent)
    assert (
        not Organization.objects.filter(founded_on__gt=datetime.date(YEAR - 4, 1, 1))
        .exclude(pk__in=recent)
        .exists()
    )
    assert AffiliatedCollective.objects.filter(name__startswith="Ban Giám hiệu").exists()
    assert AffiliatedCollective.objects.filter(name__startswith="Ủy ban nhân dân xã").exists()


def test_every_cell_has_8_to_40_members_on_its_roll(small):
    counts = _roll_counts()
    for cell in Organization.objects.filter(kind__in=CELL_KINDS):
        on_roll = counts.get(cell.pk, 0)
        assert 8 <= on_roll <= 40, (cell.name, on_roll)
        # Cells under 9 members have a secretary only, no cell committee.
        assert cell.has_leadership_collective == (on_roll >= 9), cell.name
        secretaries = Member.objects.filter(cell=cell, party_post="Bí thư chi bộ")
        assert secretaries.count() == 1, cell.name
        seats = Counter(CommitteeSeat.objects.filter(organization=cell).values_list("position", flat=True))
        if on_roll >= 9:
            assert seats[CommitteeSeat.Position.HEAD] == seats[CommitteeSeat.Position.DEPUTY] == 1, cell.name
            assert seats[CommitteeSeat.Position.MEMBER] in (1, 3), cell.name
        else:
            assert seats == {CommitteeSeat.Position.HEAD: 1}, cell.name
    for seat in CommitteeSeat.objects.select_related("member", "organization"):
        posts = {0: "Bí thư chi bộ", 1: "Phó Bí thư chi bộ", 2: "Chi ủy viên"}
        assert seat.member.cell == seat.organization and seat.member.party_post == posts[seat.position]
        assert seat.ends_on is None and seat.member.official_on <= seat.starts_on <= datetime.date(YEAR, 9, 1)
    assert (
        Organization.objects.exclude(kind__in=CELL_KINDS).filter(has_leadership_collective=False).count() == 0
    )


def test_member_rows_are_well_formed(small):
    cards = set()
    checked = Member(card_number="")
    for member in Member.objects.all():
        assert re.fullmatch(settings.MEMBER_CARD_PATTERN, member.card_number)
        cards.add(member.card_number)
        assert datetime.date(1950, 1, 1) <= member.birth_date <= datetime.date(2002, 12, 31)
        assert member.admitted_on >= _years_later(member.birth_date, 18)
        if member.official_on is None:
            assert YEAR_BEFORE < member.admitted_on <= DAY_UNDER_TEST
        else:
            assert member.official_on == _years_later(member.admitted_on, 1)
            assert member.official_on <= DAY_UNDER_TEST
        checked.family_name, checked.middle_name, checked.given_name = (
            member.family_name,
            member.middle_name,
            member.given_name,
        )
        checked.card_number = member.card_number
        checked.fill_derived_fields()
        assert (member.full_name, member.sort_key, member.search_text) == (
            checked.full_name,
            checked.sort_key,
            checked.search_text,
        )
    assert len(cards) == Member.objects.count() == SMALL


def test_status_and_cell_histories_match_the_member_rows(small):
    statuses, cells = {}, {}
    for period in StatusPeriod.objects.order_by("member_id", "starts_on"):
        statuses.setdefault(period.member_id, []).append(period)
    for period in CellPeriod.objects.select_related("cell").order_by("member_id", "starts_on"):
        cells.setdefault(period.member_id, []).append(period)
    for member in Member.objects.all():
        for history in (statuses[member.pk], cells[member.pk]):
            assert history[0].starts_on == member.admitted_on
            assert history[-1].ends_on is None
            for before, after in zip(history, history[1:], strict=False):
                assert before.ends_on == after.starts_on - datetime.timedelta(days=1)
                assert before.starts_on <= before.ends_on
        assert statuses[member.pk][0].status == Status.ACTIVE
        assert statuses[member.pk][-1].status == member.status
        assert cells[member.pk][-1].cell_id == member.cell_id
        for period in cells[member.pk]:
            assert period.cell.kind in CELL_KINDS
            assert period.cell.founded_on <= period.starts_on


def test_the_default_province_has_plausible_proportions(default_size):
    members = Member.objects.all()
    total = members.count()
    assert total == 3000

    def share(queryset) -> float:
        return queryset.count() / total

    probationary = members.filter(official_on__isnull=True, admitted_on__lte=SIX_MONTHS_BEFORE)
    assert 0.02 <= share(probationary) <= 0.04
    assert all(m.admitted_on > YEAR_BEFORE for m in probationary)
    assert 0.005 <= share(members.filter(official_on__isnull=True, admitted_on__gt=SIX_MONTHS_BEFORE)) <= 0.02
    exempt = members.filter(status=Status.EXEMPT)
    assert 0.03 <= share(exempt) <= 0.05
    assert exempt.filter(birth_date__year__lte=1960).count() > exempt.count() / 2  # mostly elderly
    assert 0 < members.filter(status=Status.SUSPENDED).count() <= 0.006 * total
    transferred = StatusPeriod.objects.filter(status=Status.TRANSFERRED_OUT, ends_on__isnull=True)
    assert 0.005 <= transferred.count() / total <= 0.02
    assert all(period.note or period.other_cell_id for period in transferred)
    temporary = StatusPeriod.objects.filter(status=Status.TEMPORARY_ELSEWHERE, ends_on__isnull=True)
    assert 0.005 <= temporary.count() / total <= 0.02
    assert all(period.other_cell_id and period.other_cell_id != period.member.cell_id for period in temporary)
    assert 0.09 <= share(members.filter(is_leader=True)) <= 0.15
    assert 0.3 <= share(members.filter(is_civil_servant=True)) <= 0.55
    assert 0.33 <= share(members.filter(family_name="Nguyễn")) <= 0.43
    assert members.filter(gender="female", middle_name="Thị").exists()
    assert members.filter(gender="male", middle_name="Văn").exists()


def test_the_default_province_has_the_special_cases_a_season_needs(default_size):
    total = Member.objects.count()
    moved = [
        periods
        for periods in _cell_histories().values()
        if len(periods) == 2 and periods[1].starts_on.year == YEAR
    ]
    assert len(moved) >= 4
    assert any(
        (periods[0].ends_on - max(periods[0].starts_on, datetime.date(YEAR, 1, 1))).days >= 180
        for periods in moved
    )
    decided_this_year = DisciplineRecord.objects.filter(decided_on__year=YEAR)
    assert 0.003 <= decided_this_year.count() / total <= 0.008
    assert decided_this_year.filter(self_found_and_remedied=True).exists()
    assert 1 <= decided_this_year.filter(violation_year=YEAR - 1).count() <= 2
    former = decided_this_year.get(violation_cell__isnull=False)
    assert CellPeriod.objects.filter(
        member=former.member, cell=former.violation_cell, ends_on__isnull=False
    ).exists()
    assert len(set(decided_this_year.values_list("form", flat=True))) >= 2
    assert DisciplineRecord.objects.filter(decided_on__year=YEAR - 1).exists()
    sick = LeaveRecord.objects.filter(year=YEAR, kind=LeaveRecord.Kind.SICK, days__gte=90)
    assert 0.003 <= sick.count() / total <= 0.008
    maternity = LeaveRecord.objects.filter(year=YEAR, kind=LeaveRecord.Kind.MATERNITY)
    assert 0.005 <= maternity.count() / total <= 0.015
    assert all(record.member.gender == "female" for record in maternity)


def _cell_histories():
    histories = {}
    for period in CellPeriod.objects.order_by("member_id", "starts_on"):
        histories.setdefault(period.member_id, []).append(period)
    return histories


def test_the_demo_logins_hold_their_roles_down_the_chain(small):
    users = {user.username: user for user in get_user_model().objects.all()}
    assert set(users) == {"dangvien", "bithu", "dangu", "bantochuc", "tinhuy", "quantri"}
    for user in users.values():
        assert user.check_password(DEMO_PASSWORD)
        assert user.get_full_name()
    assert users["quantri"].is_superuser and users["quantri"].is_staff

    def roles(username):
        return {(role.kind, role.organization) for role in Role.objects.filter(user=users[username])}

    dangvien, bithu = users["dangvien"].member, users["bithu"].member
    cell = dangvien.cell
    assert cell.kind == Kind.CELL and bithu.cell == cell
    assert dangvien.status == Status.ACTIVE and dangvien.official_on and not dangvien.party_post
    assert not dangvien.is_leader and not dangvien.discipline_records.exists()
    assert dangvien.cell_history.count() == 1 and dangvien.status_history.count() == 1
    assert bithu.party_post == "Bí thư chi bộ" and bithu.is_leader
    assert users["dangvien"].get_full_name() == dangvien.full_name
    assert users["bithu"].get_full_name() == bithu.full_name

    province, commune, base = (Organization.objects.get(path=cell.path[:length]) for length in (4, 8, 12))
    assert cell.depth == 4 and province.code == "DEMO"
    assert commune.kind == Kind.DIRECT_COMMITTEE
    assert base.kind == Kind.BASE_COMMITTEE
    assert roles("dangvien") == {(Role.Kind.MEMBER, cell)}
    assert roles("bithu") == {(Role.Kind.MEMBER, cell), (Role.Kind.CELL_SECRETARY, cell)}
    assert roles("dangu") == {(Role.Kind.COMMITTEE_STAFF, base)}
    assert roles("bantochuc") == {(Role.Kind.COMMITTEE_STAFF, commune)}
    assert roles("tinhuy") == {(Role.Kind.PROVINCIAL_BOARD, province)}
    assert roles("quantri") == set()
    assert set(Role.objects.values_list("starts_on", flat=True)) == {datetime.date(YEAR, 1, 1)}
    for role in Role.objects.all():
        role.full_clean()


@pytest.mark.django_db
def test_the_command_creates_once_and_prints_the_logins():
    out = io.StringIO()
    call_command("seed_demo", "--members", str(SMALL), "--if-empty", "--verbosity", "2", stdout=out)
    text = out.getvalue()
    assert "write the members" in text
    for username in ("dangvien", "bithu", "dangu", "bantochuc", "tinhuy", "quantri"):
        assert re.search(rf"^{username}\s+{re.escape(DEMO_PASSWORD)}\s+\S", text, re.MULTILINE)
    assert Member.objects.count() == SMALL
    counts = (Organization.objects.count(), Member.objects.count(), Role.objects.count())

    out = io.StringIO()
    call_command("seed_demo", "--if-empty", stdout=out)
    assert (Organization.objects.count(), Member.objects.count(), Role.objects.count()) == counts
    assert "dangvien" in out.getvalue()

    with pytest.raises(CommandError, match="đã có tổ chức đảng|already holds"):
        call_command("seed_demo", stdout=io.StringIO())
    assert (Organization.objects.count(), Member.objects.count(), Role.objects.count()) == counts


@pytest.mark.django_db
def test_the_command_refuses_a_province_too_small_to_be_realistic():
    with pytest.raises(CommandError):
        call_command("seed_demo", "--members", "20", stdout=io.StringIO())
    assert not Organization.objects.exists()
