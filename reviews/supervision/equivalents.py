"""Equivalent positions compared side by side (R-SUP-2).

The articles ask that ratings be made "có sự so sánh giữa các vị trí tương đương": the deciding
level looks at the subjects who hold the same kind of post in its subtree together. A group of
equivalent posts is named by a key (the `post` query parameter), always inside one unit's subtree
(the `code` of the page):

- ``org-<kind>``: the party organizations of one kind (every cell of a base organization);
- ``lead-<kind>``: the leadership collectives of one kind (every cell committee, every standing
  committee of the base organizations under a committee);
- ``seat-<position>-<kind>``: the members holding one seat (secretary, deputy) on the committees of
  organizations of one kind at the season's reference date (every cell secretary);
- ``committee``: the members of the unit's own leadership collective, whatever their seat;
- ``leaders``: members who lead or manage (heads of agencies and units: the leaders' quota group);
- ``members``: the other members (no seat on their cell's committee, not a leader).

Seats are read as Facts reads them (`CommitteeSeat.active_on` the reference date). The rows of a
page come with ONE `Facts` for all of them, and each row shows what the engine says holds its next
step (`workflow.blockers`), as the blockers board and the queue do.
"""

from dataclasses import dataclass, field

from django.db.models import Case, F, IntegerField, OuterRef, Q, QuerySet, Subquery, Value, When
from django.utils.translation import gettext as _

from config.row_ids import row_id
from members.models import CommitteeSeat
from organizations.models import ALLOWED_CHILDREN, Kind
from reviews import rules, workflow
from reviews.facts import Facts
from reviews.facts.sql import InSubquery
from reviews.facts.with_subjects import ANNOTATED, facts_annotations, subjects_with_facts
from reviews.models import QuotaGroup, Season, SeasonUnit, Subject

S = Subject.State
M = Subject.Kind.MEMBER
SEATS = (CommitteeSeat.Position.HEAD, CommitteeSeat.Position.DEPUTY)
# The steps whose blockers a row shows: the report's own gaps (submit, return) are its author's
# business, as on the blockers board.
SHOWN_STEPS = {S.SUBMITTED: "review", S.ABSENT: "review", S.REVIEWED: "propose", S.PROPOSED: "decide"}
STATE_ORDER = [S.DRAFT, S.RETURNED, S.SUBMITTED, S.ABSENT, S.REVIEWED, S.PROPOSED, S.DECIDED, S.EXCLUDED]
# The columns a page sorts on, server-side (a leading "-" reverses).
SORTS = ("name", "unit", "self", "proposed", "decided", "points", "state", "quota")


def kinds_below(kind: str) -> list[str]:
    """The organization kinds that may lie under an organization of `kind`, in the tree's order."""
    found, todo = [], list(ALLOWED_CHILDREN.get(kind, ()))
    while todo:
        child = todo.pop(0)
        if child not in found:
            found.append(child)
            todo += ALLOWED_CHILDREN.get(child, ())
    order = list(Kind.values)
    return sorted(found, key=order.index)


def post_choices(unit: SeasonUnit) -> list[tuple[str, str]]:
    """The groups of equivalent posts that can exist under `unit`, with their labels."""
    choices = [
        ("committee", _("Members of the leadership collective of %(name)s") % {"name": unit.name}),
        ("leaders", _("Members who lead or manage")),
        ("members", _("Other members")),
    ]
    for kind in [unit.kind, *kinds_below(unit.kind)]:
        label = Kind(kind).label
        choices += [
            (f"seat-{CommitteeSeat.Position.HEAD}-{kind}", _("%(kind)s: secretaries") % {"kind": label}),
            (
                f"seat-{CommitteeSeat.Position.DEPUTY}-{kind}",
                _("%(kind)s: deputy secretaries") % {"kind": label},
            ),
        ]
        if kind != unit.kind:
            choices += [
                (f"org-{kind}", _("%(kind)s: the organizations") % {"kind": label}),
                (f"lead-{kind}", _("%(kind)s: their leadership collectives") % {"kind": label}),
            ]
    return choices


def default_post(unit: SeasonUnit) -> str:
    """Cell secretaries where cells lie below; the unit's own collective otherwise."""
    below = kinds_below(unit.kind)
    cell = next((k for k in (Kind.CELL, Kind.BASE_CELL) if k in below), None)
    return f"seat-{CommitteeSeat.Position.HEAD}-{cell}" if cell else "committee"


def holders(season: Season, unit: SeasonUnit, post: str) -> QuerySet[Subject] | None:
    """The season's subjects holding the posts of the group `post` under `unit` (None when the key
    names no group). One query when evaluated; the seats are a subquery."""
    under = Subject.objects.filter(season=season, path__startswith=unit.path)
    parts = post.split("-")
    if post == "committee":
        return under.filter(_seated(season, Q(organization_id=unit.organization_id)), kind=M)
    if post == "leaders":
        return under.filter(kind=M, is_leader=True)
    if post == "members":
        return under.filter(kind=M, is_leader=False, position=Subject.Position.MEMBER)
    if len(parts) == 2 and parts[0] in ("org", "lead") and parts[1] in Kind.values:
        kind = Subject.Kind.ORGANIZATION if parts[0] == "org" else Subject.Kind.LEADERSHIP
        return under.filter(kind=kind, unit__kind=parts[1]).exclude(unit=unit)
    if len(parts) == 3 and parts[0] == "seat" and row_id(parts[1]) is not None and parts[2] in Kind.values:
        organizations = SeasonUnit.objects.filter(season=season, path__startswith=unit.path, kind=parts[2])
        where = Q(organization_id__in=organizations.values("organization_id"), position=int(parts[1]))
        return under.filter(_seated(season, where), kind=M)
    return None


def _seated(season: Season, where: Q) -> InSubquery:
    """A condition on subjects: their member holds a seat `where` says at the reference date. The
    seats are read first and the subjects found by their (season, member) index: as `member_id IN (seats)`,
    PostgreSQL scanned the province's 495,000 member subjects for the 10,217 cell secretaries
    (bench/README.md, "2026-12-07")."""
    seats = CommitteeSeat.objects.active_on(season.reference_date).filter(where).order_by()
    return InSubquery("member_id", seats.values("member_id"))


def group_of(subject: Subject) -> tuple[SeasonUnit | None, str]:
    """The unit and the group of equivalent posts a subject is compared in: a collective among
    those of its kind decided by the same level (its quota group's decider); a secretary or deputy
    of their cell among those of the base organization; a leader among the leaders, any other
    member among the other members of their base organization. No query beyond the subject's
    decider, which the pages read with it."""
    decider = subject.decider
    if subject.is_collective:
        prefix = "org" if subject.kind == Subject.Kind.ORGANIZATION else "lead"
        return decider, f"{prefix}-{subject.unit.kind}"
    if subject.position in SEATS:
        return decider, f"seat-{subject.position}-{subject.unit.kind}"
    return decider, "leaders" if subject.is_leader else "members"


def _level_rank(season: Season):
    codes = [level["code"] for level in season.rule_set.levels]
    return lambda name: Case(
        *[When(**{name: code}, then=Value(i)) for i, code in enumerate(codes)],
        default=None,  # no level yet: last, whichever way the column is sorted
        output_field=IntegerField(),
    )


def ordered(subjects: QuerySet[Subject], season: Season, sort: str) -> QuerySet[Subject]:
    """The rows in the order of a column; levels in the rule set's order (best first), empty last."""
    descending = sort.startswith("-")
    column = sort.lstrip("-") if sort.lstrip("-") in SORTS else "name"
    rank = _level_rank(season)
    keys = {
        "name": ["sort_key", "name"],
        "unit": ["path", "sort_key"],
        "self": ["self_rank"],
        "proposed": ["proposed_rank"],
        "decided": ["decided_rank"],
        "points": ["decided_points", "proposed_points"],
        "state": ["state_rank"],
        "quota": ["quota_key"],
    }[column]
    subjects = subjects.annotate(
        self_rank=rank("self_level"),
        proposed_rank=rank("proposed_level"),
        decided_rank=rank("decided_level"),
        state_rank=Case(
            *[When(state=s, then=Value(i)) for i, s in enumerate(STATE_ORDER)],
            default=Value(len(STATE_ORDER)),
            output_field=IntegerField(),
        ),
    )
    expressions = [
        F(name).desc(nulls_last=True) if descending else F(name).asc(nulls_last=True) for name in keys
    ]
    return subjects.order_by(*expressions, "sort_key", "pk")


def filtered(subjects: QuerySet[Subject], *, level: str = "", state: str = "") -> QuerySet[Subject]:
    """The level that counts (decided, else proposed, as Facts.level_of) and the state."""
    if level:
        subjects = subjects.filter(Q(decided_level=level) | Q(decided_level="", proposed_level=level))
    if state:
        subjects = subjects.filter(state=state)
    return subjects


@dataclass
class Row:
    subject: Subject
    quota: str = ""
    step: str = ""
    blockers: list = field(default_factory=list)
    warnings: list = field(default_factory=list)
    highlighted: bool = False


def verdict(subject: Subject, facts: Facts) -> tuple[str, rules.Verdict]:
    step = SHOWN_STEPS.get(subject.state, "") if subject.in_scope else ""
    if not step:
        return "", rules.Verdict()
    return step, workflow.blockers(subject, step, facts=facts)


def _shown(subjects: QuerySet[Subject], season: Season) -> QuerySet[Subject]:
    label = QuotaGroup.objects.filter(season=season, key=OuterRef("quota_key")).values("label")[:1]
    return subjects.select_related("unit", "decider", "form", "meeting_entry").annotate(
        quota_label=Subquery(label)
    )


def joined(subjects: QuerySet[Subject], season: Season) -> QuerySet[Subject]:
    """What the rows show, read with the subjects: their units and deciders, their forms and meeting
    entries and the Facts' annotations (for Facts, `loaded`) and the label of their quota group."""
    return _shown(subjects.annotate(**facts_annotations(season)), season)


def joined_in_order(season: Season, ids: list[int]) -> list[Subject]:
    """The subjects of `ids` read as `joined` reads them, in the order of `ids` (one query; the
    Facts' annotations compiled once, `subjects_with_facts`)."""
    found = {s.pk: s for s in _shown(subjects_with_facts(season).filter(pk__in=ids), season)}
    return [found[pk] for pk in ids if pk in found]


def rows_of(season: Season, subjects: list[Subject], *, highlight: int | None = None) -> list[Row]:
    """One row per subject, with its quota group and what holds its next step, from ONE Facts for
    all of them (subjects read through `joined`)."""
    for subject in subjects:
        subject.season = season
    facts = Facts(season, subjects, loaded=("form", "meeting_entry", *ANNOTATED))
    rows = []
    for subject in subjects:
        step, found = verdict(subject, facts)
        rows.append(
            Row(
                subject=subject,
                quota=getattr(subject, "quota_label", "") or "",
                step=step,
                blockers=list(dict.fromkeys(found.blockers)),
                warnings=list(dict.fromkeys(found.warnings)),
                highlighted=subject.pk == highlight,
            )
        )
    return rows
