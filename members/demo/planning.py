"""`plan_demo`: the whole province in memory, the tree first and then its members, and the
clock that times each phase."""

import random
import time
from collections.abc import Callable

from django.utils import timezone
from django.utils.translation import gettext as _

from members.demo.constants import DEFAULT_MEMBERS, DEFAULT_SEED, MIN_MEMBERS
from members.demo.people import _PeoplePlanner
from members.demo.plan_types import DemoPlan
from members.demo.tree import _assign_paths, _TreePlanner
from members.demo_days import DemoDays
from organizations.models import Kind


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
