"""The open seasons, read once per request, and handed out again by a process while none of their
rows has changed.

Every season page reads the open seasons with their rule set, top organization and quarter choices
(the navigation asks for the user's current season). At the 500,000-member province that read took
about 1 ms of each page (bench/README.md, "2026-12-06, night (2)"): a statement and the rule set's
ten JSON documents decoded each time. The signed-in user's read (accounts/backends.py) now also
brings a stamp of those rows: the id of each open season and where each version of its rows lies
and which transaction wrote it (PostgreSQL's `ctid` and `xmin`: every write of a row makes a new
version with another pair, even twice in one transaction, and a version once replaced never comes
back). A process keeps the seasons it read with the stamp noted before, and hands out copies of
them while a request's stamp is the same: any write to a season, its rule set, its top
organization or its quarter choices, or a season opened or closed, gives a new stamp and a new
read.

Only outside a transaction: there, what is read has been committed, so the rows a later request
finds under the same stamp are the ones read. Inside one (a test's, or a view's `atomic` block),
and without a stamp (SQLite, no signed-in user), the seasons are read each time.
"""

import copy

from django.db import connection
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from config.kept_reads import KeptRead
from config.request_memo import forget, note, noted, remembered
from organizations.models import Organization
from reviews.models import QuarterSetup, RuleSet, Season

# A season is read with its rule set, its top organization and its quarter choices (the Facts').
SEASON_RELATED = ("rule_set", "top_organization", "quarter_setup")
STAMP_KEY = "open_seasons_stamp"

# PostgreSQL only; '' when no season is open.
STAMP_SQL = """COALESCE((
    SELECT string_agg(
        concat_ws('.', s.id, s.xmin, s.ctid, r.xmin, r.ctid, o.xmin, o.ctid, q.xmin, q.ctid), ',' ORDER BY s.id
    )
    FROM reviews_season s
    JOIN reviews_ruleset r ON r.id = s.rule_set_id
    JOIN organizations_organization o ON o.id = s.top_organization_id
    LEFT JOIN reviews_quartersetup q ON q.season_id = s.id
    WHERE s.status = 'open'
), '')"""

_OPEN_SEASONS = KeptRead(
    lambda: (
        Season.objects.filter(status=Season.Status.OPEN)
        .select_related(*SEASON_RELATED)
        .order_by("-year", "-pk")
    )
)
_kept: tuple[str, list[Season]] | None = None  # (stamp, seasons), this process's


def _copied(season: Season) -> Season:
    """A season of its own for one request, with its own copies of the rows read with it: what a
    request caches on them or changes stays with that request."""
    season = copy.copy(season)
    cache = season._state.fields_cache
    for name, related in cache.items():
        cache[name] = copy.copy(related) if related is not None else None
    return season


def _read() -> list[Season]:
    global _kept
    stamp = noted(STAMP_KEY)
    if stamp is None or connection.in_atomic_block:
        return _OPEN_SEASONS.read()
    kept = _kept
    if kept is None or kept[0] != stamp:
        # Read after the stamp was: if a row changed in between, a later request's stamp differs.
        kept = _kept = (stamp, _OPEN_SEASONS.read())
    return [_copied(season) for season in kept[1]]


@receiver([post_save, post_delete], sender=Season)
@receiver([post_save, post_delete], sender=RuleSet)
@receiver([post_save, post_delete], sender=QuarterSetup)
@receiver([post_save, post_delete], sender=Organization)
def _written_in_this_request(**kwargs) -> None:
    """A request that writes one of the rows the stamp covers reads the open seasons again: its
    stamp was read before the write."""
    note(STAMP_KEY, None)
    forget("open_seasons")


def open_seasons() -> list[Season]:
    """The open seasons, newest first: read once per request (config/request_memo.py)."""
    return remembered("open_seasons", _read)
