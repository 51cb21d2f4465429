"""`seed_demo`: plan the province and write it into an empty database in one transaction."""

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from members.demo.constants import DEFAULT_MEMBERS, DEFAULT_SEED
from members.demo.logins import _write_logins, demo_logins
from members.demo.planning import _Clock, plan_demo
from members.demo.writing import _write_histories, _write_members, _write_organizations
from members.demo_days import DemoDays
from organizations.models import Organization


class DemoError(Exception):
    pass


@dataclass
class DemoResult:
    """What seed_demo() created; `timings` holds (phase, seconds) and `logins` the rows of
    demo_logins()."""

    organizations: int
    members: int
    timings: list[tuple[str, float]]
    logins: list[tuple[str, str, str, str]]
    days: DemoDays


def seed_demo(
    *,
    members: int = DEFAULT_MEMBERS,
    seed: int = DEFAULT_SEED,
    today: datetime.date | None = None,
    progress: Callable[[str, float], None] | None = None,
) -> DemoResult:
    """Create the demo province in an empty database, in one transaction, for the season under
    review on `today` (by default today: members/demo_days.py).

    `progress(phase, seconds)` hears about each phase as it ends."""
    timings: list[tuple[str, float]] = []

    def record(phase: str, seconds: float) -> None:
        timings.append((phase, seconds))
        if progress is not None:
            progress(phase, seconds)

    days = DemoDays(today or timezone.localdate())
    plan = plan_demo(members=members, seed=seed, days=days, record=record)
    clock = _Clock(record)
    now = timezone.now()
    with transaction.atomic():
        if Organization.objects.exists():
            raise DemoError(_("The database already holds party organizations; the demo needs an empty one."))
        _write_organizations(plan, now)
        clock.lap("write the organizations")
        _write_members(plan, now)
        clock.lap("write the members")
        _write_histories(plan)
        clock.lap("write the histories")
        _write_logins(plan)
        clock.lap("write the logins")
    clock.lap("commit")  # PostgreSQL checks the deferred foreign keys here
    return DemoResult(
        organizations=len(plan.orgs),
        members=len(plan.persons),
        timings=timings,
        logins=demo_logins(),
        days=days,
    )
