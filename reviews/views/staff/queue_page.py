"""The approval queue's subjects for one view of it (filters, sort, page), and the page read
through a statement kept per shape of that view (config/kept_reads.py).

The read is the queue's biggest: the subjects with the Facts' annotations, their unit, decider and
member, ordered and counted. Django took longer to build and compile it than PostgreSQL to run it
(bench/README.md, "2026-12-05, night"). Its shape is what changes its SQL: whether the user sees
everything, how many subtrees they see, which filters are set, the sort and the page. The values
(the subtrees' paths, the user's member record, the deciding units, the chosen organization, the
state and level) are its parameters.
"""

from dataclasses import dataclass

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
    state: str
    level: str
    sort: str

    @classmethod
    def of(cls, request, season: Season, units: list[SeasonUnit], chosen: SeasonUnit | None, wanted: dict):
        scope = season_scope(request.user, season)
        state = str(wanted.get("state") or "")  # a text, never a State: a kept read's values are texts
        return cls(
            everything=scope.everything,
            paths=scope.paths(),
            member_ids=Ids(sorted(scope.member_ids)),
            unit_ids=Ids(u.pk for u in units),
            chosen=Prefix(chosen.path) if chosen is not None else None,
            state="" if state == "all" else state,
            level=str(wanted.get("level") or ""),
            sort=wanted.get("sort") or "name",
        )

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
        scoped = () if self.everything else (self.member_ids, self.unit_ids)
        chosen = () if self.chosen is None else (self.chosen,)
        return (
            *scoped,
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
        (InIds("decider_id", unit_ids) & ~rerate) | (rerate & InIds("decider__parent_id", unit_ids))
    )


def subjects(season: Season, shape: tuple, *values):
    """The queue's subjects for a view of that shape with those values, sorted (a queryset)."""
    everything, paths, chosen, state, level, sort = shape
    given = iter(values)
    found = subjects_with_facts(season)
    if everything:
        found = in_queue(
            subjects_seen(found, season.pk, everything=True, paths=(), member_ids=Ids()),
            Ids(),
            everything=True,
        )
    else:
        member_ids, unit_ids = next(given), next(given)
        found = in_queue(
            subjects_seen(found, season.pk, everything=False, paths=paths, member_ids=member_ids),
            unit_ids,
            everything=False,
        )
    found = found.select_related("unit", "decider__parent", "member")
    if chosen:
        found = found.filter(path__startswith=next(given))
    if state:
        found = found.filter(state=next(given))
    if level:
        found = found.filter(proposed_level=next(given))
    return found.annotate(state_rank=_state_rank(), kind_rank=_kind_rank()).order_by(*ORDERS[sort])


_PAGE_READS: dict[tuple, KeptRead] = {}


def _page_read(season: Season, view: QueueView, number: int, per_page: int) -> KeptRead:
    key = (
        season.pk,
        season.year,
        season.reference_date,
        season.top_organization_id,
        view.shape(),
        number,
        per_page,
    )
    read = _PAGE_READS.get(key)
    if read is None:
        if len(_PAGE_READS) >= 256:  # seasons × shapes × pages: bounded, rebuilt when needed
            _PAGE_READS.clear()
        shape = view.shape()
        read = _PAGE_READS[key] = KeptRead(
            lambda *values: counted_rows(subjects(season, shape, *values), number, per_page), *view.kinds()
        )
    return read


def queue_page(season: Season, view: QueueView, number: str | None, per_page: int) -> tuple[Page, list]:
    """The page `number` of the view and its rows (with their total), in one query."""

    def read(n: int) -> list:
        if n > KEPT_PAGES:
            return list(counted_rows(subjects(season, view.shape(), *view.values()), n, per_page))
        return _page_read(season, view, n, per_page).read(*view.values())

    return page_of_reads(read, number, per_page)
