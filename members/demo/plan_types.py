"""The province as planned in memory, before it is written: the organizations, people and
disciplines to be, and the plan that holds them."""

import datetime
import uuid
from dataclasses import dataclass, field

from members.demo_days import DemoDays
from members.models import Status
from organizations.models import CELL_KINDS


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
