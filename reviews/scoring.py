"""Points out of 100 (R366-SCORE): the province's criteria items, the checking of points typed in a
form, and the task list whose figures the conditions of a level read.

The rule set says how many points each group carries (30 and 70) and how many decimals a score
may have; the province makes the criteria concrete for a season (`Season.criteria`: per scoring
profile, the items of each group with their maximum and how they are scored). A group the
province left empty is scored as a whole. Nothing here knows about HTTP or about levels
(reviews/regimes/qd366/ decides those).
"""

import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.utils.translation import gettext as _

# How an item is scored (R366-SET-2): all or nothing; a percentage of the maximum; or any number
# of points up to the maximum (a group scored as a whole).
CHECKLIST, PERCENT, POINTS = "checklist", "percent", "points"
METHODS = (CHECKLIST, PERCENT, POINTS)

# The status of a task of the year (R366-SCORE-4).
ON_TIME, EXCEEDED, LATE, NOT_DONE = "on_time", "exceeded", "late", "not_done"
TASK_STATUSES = (ON_TIME, EXCEEDED, LATE, NOT_DONE)


def task_status_labels() -> dict[str, str]:
    return {
        ON_TIME: _("Done on time"),
        EXCEEDED: _("Exceeded"),
        LATE: _("Done late"),
        NOT_DONE: _("Not done"),
    }


@dataclass(frozen=True)
class Item:
    group: str
    key: str
    title: str
    max: Decimal
    method: str


def groups(scoring: dict) -> list[dict]:
    return scoring["groups"]


def criteria_items(scoring: dict, criteria: dict, profile: str) -> list[Item]:
    """The items a subject of `profile` is scored on, group by group: each profile has criteria of
    its own in the general group and the task-results group (R366-SCORE-2, as the province made
    them concrete); a group the province left empty is one item worth the whole group
    (R366-SCORE-3)."""
    chosen = ((criteria or {}).get("profiles") or {}).get(profile) or {}
    found = []
    for group in groups(scoring):
        rows = chosen.get(group["key"]) or []
        if not rows:
            found.append(Item(group["key"], group["key"], group["label"], Decimal(group["max"]), POINTS))
            continue
        for row in rows:
            found.append(
                Item(
                    group["key"],
                    row["key"],
                    row["title"],
                    Decimal(str(row["max"])),
                    row.get("method", POINTS),
                )
            )
    return found


def criteria_problems(scoring: dict, criteria: dict) -> list[str]:
    """What is wrong with a province's criteria (R366-SCORE-3): each group's items must add up to
    the group's points, each item needs a title, a maximum above 0 and a way of scoring."""
    problems = []
    known = scoring["profiles"]
    for profile, chosen in ((criteria or {}).get("profiles") or {}).items():
        if profile not in known:
            problems.append(_("“%(profile)s” is not a scoring profile.") % {"profile": profile})
            continue
        keys = set()
        for group in groups(scoring):
            rows = (chosen or {}).get(group["key"]) or []
            if not rows:
                continue
            total = Decimal(0)
            for n, row in enumerate(rows, 1):
                where = {"profile": profile_label(profile), "group": group["label"], "n": n}
                maximum = parse_number(row.get("max", ""))
                if not str(row.get("title", "")).strip():
                    problems.append(_("%(profile)s, %(group)s, item %(n)d: the item has no title.") % where)
                if maximum is None or maximum <= 0:
                    problems.append(
                        _("%(profile)s, %(group)s, item %(n)d: the maximum must be a number above 0.") % where
                    )
                elif maximum != maximum.quantize(quantum(scoring)):
                    problems.append(_("%(profile)s, %(group)s, item %(n)d: too many decimal places.") % where)
                else:
                    total += maximum
                if row.get("method", POINTS) not in METHODS:
                    problems.append(
                        _("%(profile)s, %(group)s, item %(n)d: choose how the item is scored.") % where
                    )
                if not row.get("key") or row["key"] in keys:
                    problems.append(
                        _("%(profile)s, %(group)s, item %(n)d: the item needs a code of its own.") % where
                    )
                keys.add(row.get("key"))
            if total != Decimal(group["max"]):
                problems.append(
                    _(
                        "%(profile)s, %(group)s: the items add up to %(total)s points; they must add up to %(max)s."
                    )
                    % {
                        "profile": profile_label(profile),
                        "group": group["label"],
                        "total": points_text(total),
                        "max": group["max"],
                    }
                )
    return problems


def profile_label(code: str) -> str:
    from reviews.models import Subject

    return str(dict(Subject.Profile.choices).get(code, code))


def quantum(scoring: dict) -> Decimal:
    return Decimal(1).scaleb(-int(scoring.get("decimals", 1)))


def parse_number(raw) -> Decimal | None:
    """A number as typed in Vietnam ("12,5" or "12.5"); None if it is not one."""
    text = str(raw).strip().replace(",", ".")
    if not text:
        return None
    try:
        value = Decimal(text)
    except InvalidOperation:
        return None
    return value if value.is_finite() else None


# Points as people type them (R366-SCORE-4): digits, at most one decimal comma or dot; a minus sign
# is read only to say that points cannot be negative. No exponent ("1e1"), no spaces, no signs.
TYPED_POINTS = re.compile(r"-?[0-9]+(?:[.,][0-9]+)?")


def clean_points(raw, item: Item, scoring: dict) -> tuple[Decimal | None, str]:
    """(points, "") for a value typed for `item`, or (None, what is wrong, in Vietnamese).
    A percentage item takes the percentage and gives percent × maximum."""
    text = str(raw).strip()
    if not TYPED_POINTS.fullmatch(text):
        return None, _(
            "“%(value)s” is not a number: type digits only, with one decimal comma if needed (22,5)."
        ) % {"value": text[:20]}
    value = Decimal(text.replace(",", "."))
    if value < 0:
        return None, _("Points cannot be negative.")
    # The maximum before the decimals: rounding a huge number to the step cannot be done.
    if item.method == PERCENT and value > 100:
        return None, _("A percentage is at most 100.")
    if item.method != PERCENT and value > item.max:
        return None, _("At most %(max)s points for this item.") % {"max": points_text(item.max)}
    step = quantum(scoring)
    if value != value.quantize(step):
        return None, _("At most %(n)d decimal place.") % {"n": int(scoring.get("decimals", 1))}
    if item.method == PERCENT:
        return (item.max * value / 100).quantize(step, rounding=ROUND_HALF_UP), ""
    if item.method == CHECKLIST and value not in (0, item.max):
        return None, _("This item is scored all or nothing: %(max)s or 0.") % {"max": points_text(item.max)}
    return value, ""


def points_text(value: Decimal | None) -> str:
    """12.5 → "12,5"; 30 → "30" (the Vietnamese decimal comma)."""
    if value is None:
        return "…"
    text = format(value.normalize(), "f")
    return text.replace(".", ",")


@dataclass(frozen=True)
class Totals:
    by_group: dict[str, Decimal]
    total: Decimal | None  # None until every item is scored


def totals(items: list[Item], points: dict[str, str]) -> Totals:
    """Sum the stored points (strings) by group; the total only when every item has points."""
    by_group: dict[str, Decimal] = {}
    complete = True
    for item in items:
        value = parse_number(points.get(item.key, "")) if points else None
        if value is None:
            complete = False
            continue
        by_group[item.group] = by_group.get(item.group, Decimal(0)) + value
    return Totals(by_group, sum(by_group.values(), Decimal(0)) if complete and items else None)


@dataclass(frozen=True)
class Tasks:
    """How many tasks of the year ended each way."""

    on_time: int = 0
    exceeded: int = 0
    late: int = 0
    not_done: int = 0

    @property
    def total(self) -> int:
        return self.on_time + self.exceeded + self.late + self.not_done

    def percent(self, count: int) -> Decimal:
        return Decimal(100 * count) / self.total if self.total else Decimal(0)

    @property
    def in_time(self) -> int:
        return self.on_time + self.exceeded

    @property
    def done(self) -> int:
        return self.total - self.not_done

    def as_dict(self) -> dict[str, int]:
        return {ON_TIME: self.on_time, EXCEEDED: self.exceeded, LATE: self.late, NOT_DONE: self.not_done}

    @classmethod
    def from_dict(cls, data: dict | None) -> "Tasks":
        data = data or {}
        return cls(*(int(data.get(status, 0) or 0) for status in TASK_STATUSES))

    @classmethod
    def from_rows(cls, rows: list[dict]) -> "Tasks":
        counts = dict.fromkeys(TASK_STATUSES, 0)
        for row in rows or []:
            if row.get("status") in counts and str(row.get("text", "")).strip():
                counts[row["status"]] += 1
        return cls(**counts)


def task_rows_problems(rows: list[dict]) -> list[str]:
    """What is missing from the task list of a form (R366-SCORE-4)."""
    written = [r for r in rows or [] if str(r.get("text", "")).strip()]
    if not written:
        return [_("List at least one task of the year, with how it ended.")]
    undated = [str(n) for n, r in enumerate(written, 1) if r.get("status") not in TASK_STATUSES]
    if undated:
        return [_("Say how these tasks ended: %(rows)s.") % {"rows": ", ".join(undated)}]
    return []


def clean_scores(raw: dict, items: list[Item], scoring: dict) -> tuple[dict[str, str], list[str]]:
    """Points typed for every item (item key → text), checked: (item key → points as text, errors
    naming the item). Every item must have points."""
    cleaned, errors = {}, []
    for item in items:
        value, error = clean_points((raw or {}).get(item.key, ""), item, scoring)
        if error:
            errors.append(_("%(item)s: %(error)s") % {"item": item.title, "error": error})
        else:
            cleaned[item.key] = str(value)
    return cleaned, errors
