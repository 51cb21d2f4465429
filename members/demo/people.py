"""Planning the members: each cell's roll with its committee, the demo logins' two members, the
leaders, the special statuses, transfers, disciplines and leaves, the founding dates that follow
from them, and the card numbers."""

import datetime
import random
import uuid
from collections.abc import Callable

from members.demo.constants import PROVINCE
from members.demo.plan_types import _Discipline, _Org, _Person
from members.demo.units import PROFILES, RESIDENTIAL_WORK, _Profile
from members.demo.word_lists import (
    DESTINATIONS,
    FAMILY_NAMES,
    GIVEN_NAMES,
    MIDDLE_NAMES,
    TEMPORARY_REASONS,
    VIOLATIONS,
)
from members.demo_days import DESIGN_TODAY, DemoDays, add_years
from members.models import CommitteeSeat, DisciplineRecord, Gender, LeaveRecord, Status
from organizations.models import Kind

# The designed days (members/demo_days.py): a season under review in 2026, seen on 23/11/2026.
# R-SCOPE-2/3: admitted 6–12 months before the reference date (probationary, rated) and less than
# 6 months before it (not rated).
_PROBATION_WINDOW = (datetime.date(2025, 12, 16), datetime.date(2026, 6, 15))
_RECENT_WINDOW = (datetime.date(2026, 6, 16), DESIGN_TODAY)
_THIS_YEAR = (datetime.date(2026, 2, 1), datetime.date(2026, 10, 31))
# Cell congresses of the current term.
_CONGRESSES = (datetime.date(2025, 4, 1), datetime.date(2025, 6, 30))
_CELL_POSTS = ("Bí thư chi bộ", "Phó Bí thư chi bộ", "Chi ủy viên")


def _day(rng: random.Random, start: datetime.date, end: datetime.date) -> datetime.date:
    if end <= start:
        return start
    return start + datetime.timedelta(days=rng.randint(0, (end - start).days))


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
