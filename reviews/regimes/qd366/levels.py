"""QĐ 366 levels from a standing, with no database: the band of the points (R366-RATE-1), the
conditions of each level (R366-RATE-2), the KHTNV cases (R366-RATE-4..6) and the gap where the text
is silent (R366-RATE-3). How a subject's standing is read from its record: standing.py."""

from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from reviews.models import Subject
from reviews.scoring import Tasks, points_text

S = Subject.State
P = Subject.Profile
LEADERS = (P.LEADER, P.CENTRAL_LEADER)


@dataclass(frozen=True)
class Standing:
    """Everything a level depends on, at one step (self-assessed, appraised or decided)."""

    profile: str
    points: Decimal | None
    tasks: Tasks = Tasks()
    remedied: bool = True  # every shortcoming named at the last review remedied, or none named
    clean: bool = True  # a collective: no subordinate unit or leadership member disciplined
    units_led: bool = True  # a leader: the fields and units they lead did every task, ≥ 30 % exceeded
    cases: tuple[str, ...] = ()  # KHTNV cases that hold and are not waived


@dataclass
class Outcome:
    band: str | None
    level: str | None  # None: the points are not all in, or the R366-RATE-3 gap
    unmet: dict[str, list[str]] = field(default_factory=dict)  # level → why its conditions fail
    cases: list[str] = field(default_factory=list)  # labels of the KHTNV cases that hold

    @property
    def gap(self) -> bool:
        return self.band is not None and self.level is None


def band(points: Decimal, bands: dict[str, int], codes: list[str]) -> str:
    """R366-RATE-1: the level whose band the points fall in."""
    for code in codes:
        if points >= Decimal(bands[code]):
            return code
    return codes[-1]


# The conditions of R366-RATE-2, as codes the dashboard counts (Subject.scores["blocked_by"]).
CONDITIONS = ("tasks", "on_time", "exceeded", "remedied", "clean", "units_led", "not_done", "late")


def unmet_conditions(level: str, standing: Standing, conditions: dict, codes: list[str]) -> list[str]:
    """R366-RATE-2: why `level`'s conditions do not hold (empty when they do)."""
    return [text for _code, text in unmet(level, standing, conditions, codes)]


def unmet(level: str, standing: Standing, conditions: dict, codes: list[str]) -> list[tuple[str, str]]:
    """(condition code, why) for each condition of `level` that does not hold."""
    top, good, passing = codes[0], codes[1], codes[2]
    if level not in (top, good, passing):
        return []
    tasks = standing.tasks
    if not tasks.total:
        return [("tasks", _("no task of the year is listed"))]
    found = []
    in_time = tasks.percent(tasks.in_time)
    if level in (top, good) and in_time < conditions["on_time_percent"]:
        found.append(
            (
                "on_time",
                _("%(done)s%% of the tasks done on time, %(needed)s%% needed")
                % {"done": _percent(in_time), "needed": conditions["on_time_percent"]},
            )
        )
    if level == top:
        exceeded = tasks.percent(tasks.exceeded)
        if exceeded < conditions["excellent_exceeded_percent"]:
            found.append(
                (
                    "exceeded",
                    _("only %(done)s%% of the tasks exceeded, at least %(needed)s%% needed")
                    % {"done": _percent(exceeded), "needed": conditions["excellent_exceeded_percent"]},
                )
            )
        if not standing.remedied:
            found.append(("remedied", _("not every shortcoming named at the last review is remedied")))
        if standing.profile == P.COLLECTIVE and not standing.clean:
            found.append(
                ("clean", _("a subordinate unit or a member of the leadership collective was disciplined"))
            )
        if standing.profile in LEADERS and not standing.units_led:
            found.append(
                (
                    "units_led",
                    _("the fields and units led did not all do every task with %(needed)s%% exceeded")
                    % {"needed": conditions["excellent_exceeded_percent"]},
                )
            )
    if level == passing:
        if tasks.not_done:
            found.append(
                (
                    "not_done",
                    ngettext("%(n)d task not done", "%(n)d tasks not done", tasks.not_done)
                    % {"n": tasks.not_done},
                )
            )
        late = tasks.percent(tasks.late)
        if late > conditions["late_max_percent"]:
            found.append(
                (
                    "late",
                    _("%(late)s%% of the tasks late, at most %(allowed)s%% allowed")
                    % {"late": _percent(late), "allowed": conditions["late_max_percent"]},
                )
            )
    return found


def _percent(value: Decimal) -> str:
    return points_text(value.quantize(Decimal(1)))


def outcome(standing: Standing, scoring: dict, codes: list[str]) -> Outcome:
    """R366-RATE-1, R366-RATE-2, R366-RATE-3: the level the points and the conditions give (see
    the module's docstring)."""
    cases = [c["label"] for c in profile_cases(scoring, standing.profile) if c["code"] in standing.cases]
    if standing.points is None:
        return Outcome(None, codes[-1] if cases else None, {}, cases)
    ceiling = band(standing.points, scoring["bands"], codes)
    unmet = {
        code: unmet_conditions(code, standing, scoring["conditions"], codes)
        for code in codes[codes.index(ceiling) :]
    }
    if cases or ceiling == codes[-1]:
        return Outcome(ceiling, codes[-1], unmet, cases)
    level = next((code for code in codes[codes.index(ceiling) : -1] if not unmet[code]), None)
    return Outcome(ceiling, level, unmet, cases)


def profile_cases(scoring: dict, profile: str) -> list[dict]:
    return (scoring["profiles"].get(profile) or {}).get("cases", [])
