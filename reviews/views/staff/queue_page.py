"""The approval queue's subjects for one view of it (filters, sort, page), and the page read
through a statement kept per shape of that view (config/kept_reads.py).

The read is the queue's biggest: the subjects with the Facts' annotations and their unit (their
deciders are the units the user decides for, attached by queue.attach_deciders), ordered and
counted. Django took longer to build and compile it than PostgreSQL to run it (bench/README.md,
"2026-12-05, night (2)"). Its shape is what changes its SQL: whether the user
sees everything, the subtrees they see (written into the SQL, see `QueueView.shape`), which
filters are set, the sort and the page. The values (the user's member record, the deciding units,
the chosen organization, the state and the level) are its parameters.
"""

from dataclasses import dataclass, replace

from django.core.paginator import Page
from django.db.models import Case, IntegerField, Q, Value, When

from config.kept_reads import Ids, InIds, KeptRead, Prefix
from reviews.access import season_scope
from reviews.facts.with_subjects import subjects_with_facts
from reviews.models import Season, SeasonUnit, Subject
from reviews.views.common import subjects_seen
from reviews.views.paging import counted_rows, page_of_reads
from reviews.views.staff.common import STATE_ORDER

KIND_ORDER = [Subject.Kind.ORGANIZATION, Subject.Kind.LEADERSHIP, Subject.Kind.MEMBER]
ORDERS = {
    "name": ("sort_key", "name", "pk"),
    "org": ("path", "kind_rank", "position", "sort_key", "pk"),
    "state": ("state_rank", "path", "sort_key", "pk"),
}
KEPT_PAGES = 20  # pages further on are read without a kept statement: each page is its own SQL


def _state_rank():
    return Case(
        *[When(state=s, then=Value(i)) for i, s in enumerate(STATE_ORDER)],
        default=Value(len(STATE_ORDER)),
        output_field=IntegerField(),
    )


def _kind_rank():
    return Case(
        *[When(kind=k, then=Value(i)) for i, k in enumerate(KIND_ORDER)],
        default=Value(len(KIND_ORDER)),
        output_field=IntegerField(),
    )


@dataclass(frozen=True)
class QueueView:
    """One view of a user's queue: who looks, which filters, which sort."""

    everything: bool
    paths: tuple[str, ...]  # the subtrees the user sees
    member_ids: Ids
    unit_ids: Ids
    chosen: Prefix | None
    state: str = ""
    level: str = ""
    sort: str = "name"

    @classmethod
    def of(cls, request, season: Season, units: list[SeasonUnit], chosen: SeasonUnit | None) -> "QueueView":
        """The user's queue, in the organization chosen if any, before its filters."""
        scope = season_scope(request.user, season)
        return cls(
            everything=scope.everything,
            paths=scope.paths(),
            member_ids=Ids(sorted(scope.member_ids)),
            unit_ids=Ids(u.pk for u in units),
            chosen=Prefix(chosen.path) if chosen is not None else None,
        )

    def filtered(self, wanted: dict) -> "QueueView":
        """The view with the filter form's state, level and sort (texts: a kept read's values)."""
        state = str(wanted.get("state") or "")
        return replace(
            self,
            state="" if state == "all" else state,
            level=str(wanted.get("level") or ""),
            sort=wanted.get("sort") or "name",
        )

    def scope_values(self) -> tuple:
        """Who sees what, as values: none for a superuser."""
        return () if self.everything else (self.member_ids, self.unit_ids)

    def shape(self) -> tuple:
        """What changes the read's SQL. The subtrees' paths are in it, written into the SQL: with a
        path as a parameter PostgreSQL cannot use the path's index in a plan for any value, and
        plans the read again on every request (2.4 ms of its 4.3)."""
        return (
            self.everything,
            self.paths,
            self.chosen is not None,
            bool(self.state),
            bool(self.level),
            self.sort,
        )

    def values(self) -> tuple:
        """The view's values in the order `subjects` takes them (a superuser's scope has none)."""
        chosen = () if self.chosen is None else (self.chosen,)
        return (
            *self.scope_values(),
            *chosen,
            *((self.state,) if self.state else ()),
            *((self.level,) if self.level else ()),
        )

    def kinds(self) -> tuple[type, ...]:
        return tuple(type(value) for value in self.values())


def in_queue(subjects, unit_ids: Ids, *, everything: bool):
    """The in-scope subjects among `subjects` that the units `unit_ids` decide (any, for a
    superuser); a case-by-case re-rating is decided a level above its decider."""
    subjects = subjects.filter(out_of_scope="").exclude(decider=None)
    if everything:
        return subjects
    rerate = Q(flags__has_key="rerate_case_by_case") & Q(decider__parent_id__isnull=False)
    return subjects.filter(
        (InIds("decider_id", unit_ids, planned_once=True) & ~rerate)
        | (rerate & InIds("decider__parent_id", unit_ids, planned_once=True))
    )


def _seen_in_queue(base, season: Season, everything: bool, paths: tuple[str, ...], given):
    """The queue's subjects among `base` for a user's scope, its values taken from `given`."""
    if everything:
        seen = subjects_seen(base, season.pk, everything=True, paths=(), member_ids=Ids())
        return in_queue(seen, Ids(), everything=True)
    member_ids, unit_ids = next(given), next(given)
    seen = subjects_seen(base, season.pk, everything=False, paths=paths, member_ids=member_ids)
    return in_queue(seen, unit_ids, everything=False)


def subjects(season: Season, shape: tuple, *values):
    """The queue's subjects for a view of that shape with those values, sorted (a queryset)."""
    everything, paths, chosen, state, level, sort = shape
    given = iter(values)
    found = _seen_in_queue(subjects_with_facts(season), season, everything, paths, given)
    found = found.select_related("unit")  # the deciders: queue.attach_deciders
    if chosen:
        found = found.filter(path__startswith=next(given))
    if state:
        found = found.filter(state=next(given))
    if level:
        found = found.filter(proposed_level=next(given))
    return found.annotate(state_rank=_state_rank(), kind_rank=_kind_rank()).order_by(*ORDERS[sort])


_READS: dict[tuple, KeptRead] = {}


def _kept(key: tuple, build, kinds: tuple[type, ...]) -> KeptRead:
    """The kept read under `key` (seasons × shapes × pages: at most 256, rebuilt when dropped)."""
    read = _READS.get(key)
    if read is None:
        if len(_READS) >= 256:
            _READS.clear()
        read = _READS[key] = KeptRead(build, *kinds)
    return read


def _season_key(season: Season) -> tuple:
    return (season.pk, season.year, season.reference_date, season.top_organization_id)


def _page_read(season: Season, view: QueueView, number: int, per_page: int) -> KeptRead:
    shape = view.shape()
    return _kept(
        ("page", *_season_key(season), shape, number, per_page),
        lambda *values: counted_rows(subjects(season, shape, *values), number, per_page),
        view.kinds(),
    )


def organizations_in_queue(season: Season, view: QueueView, limit: int) -> list[tuple[str, str]]:
    """The units that hold subjects of the user's queue (code and name, in the tree's order)."""
    everything, paths = view.everything, view.paths
    read = _kept(
        ("organizations", season.pk, everything, paths, limit),
        lambda *values: (
            _seen_in_queue(Subject.objects, season, everything, paths, iter(values))
            .order_by("unit__path")
            .values_list("unit__code", "unit__name", "unit__path")
            .distinct()[:limit]
        ),
        tuple(type(value) for value in view.scope_values()),
    )
    return [(code, name) for code, name, _path in read.read(*view.scope_values())]


def collectives_to_propose(season: Season, view: QueueView, limit: int) -> list[Subject]:
    """The collectives of the queue reviewed at their meeting, whose level their committee
    proposes next (R-STEP-1), in the organization chosen if any."""
    everything, paths, chosen = view.everything, view.paths, view.chosen is not None

    def build(*values):
        given = iter(values)
        found = _seen_in_queue(Subject.objects, season, everything, paths, given)
        found = found.filter(state=Subject.State.REVIEWED).exclude(kind=Subject.Kind.MEMBER)
        if chosen:
            found = found.filter(path__startswith=next(given))
        return found.select_related("unit", "decider__parent").order_by("path", "kind")[:limit]

    values = (*view.scope_values(), *((view.chosen,) if chosen else ()))
    read = _kept(("to_propose", season.pk, everything, paths, chosen, limit), build, tuple(map(type, values)))
    return read.read(*values)


def queue_page(season: Season, view: QueueView, number: str | None, per_page: int) -> tuple[Page, list]:
    """The page `number` of the view and its rows (with their total), in one query."""

    def read(n: int) -> list:
        if n > KEPT_PAGES:
            return list(counted_rows(subjects(season, view.shape(), *view.values()), n, per_page))
        return _page_read(season, view, n, per_page).read(*view.values())

    return page_of_reads(read, number, per_page)
