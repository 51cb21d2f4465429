"""The subjects' own records: forms, suggestions, pledges, check flags, meeting entries and
comments from former cells (a part of reviews.facts.Facts)."""

from collections import defaultdict
from functools import cached_property

from django.db import DEFAULT_DB_ALIAS
from django.db.models import JSONField, OuterRef, Subquery

from config.kept_reads import Ids, InIds, KeptRead
from members.models import Pledge, PledgeItem
from reviews.facts.sql import JSONList, JSONRow
from reviews.facts.with_subjects import open_checks_read, read_with_subjects
from reviews.models import (
    FormerCellComment,
    MeetingEntry,
    QuarterlyEvaluation,
    QuarterSetup,
    ReviewForm,
    Subject,
    Suggestion,
)


def by_subject(records) -> dict[int, list]:
    """subject id → its records, in the query's order."""
    found = defaultdict(list)
    for record in records:
        found[record.subject_id].append(record)
    return found


def _suggestions(subjects):
    return Suggestion.objects.filter(subject_id__in=subjects).select_related("issued_by", "issued_by_unit")


_SUGGESTIONS_OF_ONE = KeptRead(lambda pk: _suggestions([pk]), int)

_PLEDGE_FIELDS = [f.attname for f in Pledge._meta.concrete_fields]
_ITEM_FIELDS = [f.attname for f in PledgeItem._meta.concrete_fields]


def _pledges_with_items(pledges):
    """Each pledge as one row of values, its items as one JSON list (None when it has none). Not
    joined with its items: the pledge's columns then came again with each of them, and Django
    reads timestamps in Python (a cell of 30 pledges of 5 items: 1.3 ms; bench/README.md,
    "2026-12-07, evening")."""
    items = (
        PledgeItem.objects.filter(pledge_id=OuterRef("pk"))
        .order_by()
        .values("pledge_id")
        .annotate(listed=JSONList(JSONRow(**{name: name for name in _ITEM_FIELDS})))
        .values("listed")
    )
    return pledges.order_by("pk").values_list(*_PLEDGE_FIELDS, Subquery(items, output_field=JSONField()))


_PLEDGES_OF = KeptRead(
    lambda member_ids, year: _pledges_with_items(
        Pledge.objects.filter(InIds("member_id", member_ids), year=year)
    ),
    Ids,
    int,
)


class RecordFacts:
    # -- the subjects' own records ------------------------------------------------------------

    def _read_with_subjects(self, name: str) -> dict | None:
        """subject id → its one-to-one record `name`, when the caller read it with the subjects."""
        relation = getattr(Subject, name).related
        if name not in self._loaded or not all(relation.is_cached(s) for s in self.subjects.values()):
            return None
        return {pk: record for pk, s in self.subjects.items() if (record := getattr(s, name, None))}

    @cached_property
    def forms(self) -> dict[int, ReviewForm]:
        found = self._read_with_subjects("form")
        if found is not None:
            return found
        forms = ReviewForm.objects.filter(subject_id__in=self.subjects).select_related("entered_by")
        return {f.subject_id: f for f in forms}

    @cached_property
    def suggestions(self) -> dict[int, list[Suggestion]]:
        """subject id → the suggestions issued to it (R-FORM-4), with who issued them."""
        if len(self.subjects) == 1:  # a subject's own page: the read kept compiled
            return by_subject(_SUGGESTIONS_OF_ONE.read(*self.subjects))
        return by_subject(_suggestions(self.subjects))

    @cached_property
    def unanswered_suggestions(self) -> dict[int, int]:
        if "suggestions" in self._loaded and read_with_subjects(self.subjects.values(), "suggestions"):
            return {
                pk: n
                for pk, s in self.subjects.items()
                if s.suggestion_summary and (n := s.suggestion_summary["unanswered"])
            }
        return {
            pk: unanswered
            for pk, suggestions in self.suggestions.items()
            if (unanswered := sum(1 for s in suggestions if not s.answer.strip()))
        }

    @cached_property
    def _pledges_and_items(self) -> tuple[dict[int, Pledge], dict[int, list[dict]]]:
        """The year's pledges of the subjects' members, and the values of their items, in one
        query. The items are made into objects only when asked for (pledge_items): the cell board
        asks for the items of its drafts only."""
        member_ids = [s.member_id for s in self.subjects.values() if s.member_id]
        pledges: dict[int, Pledge] = {}
        items: dict[int, list[dict]] = {}
        for *pledge_values, item_rows in _PLEDGES_OF.read(member_ids, self.season.year):
            pledge = Pledge.from_db(DEFAULT_DB_ALIAS, _PLEDGE_FIELDS, pledge_values)
            pledges[pledge.member_id] = pledge
            items[pledge.pk] = item_rows or []
        return pledges, items

    @cached_property
    def pledges(self) -> dict[int, Pledge]:
        """member id → the year's pledge (its items in pledge_items)."""
        return self._pledges_and_items[0]

    def pledge_items(self, pledge: Pledge | None) -> list[PledgeItem]:
        """The items of a pledge from self.pledges, in their order."""
        if pledge is None:
            return []
        if pledge.pk not in self._pledge_items:
            rows = sorted(self._pledges_and_items[1].get(pledge.pk, []), key=lambda r: (r["order"], r["id"]))
            self._pledge_items[pledge.pk] = [
                PledgeItem.from_db(DEFAULT_DB_ALIAS, _ITEM_FIELDS, [row[name] for name in _ITEM_FIELDS])
                for row in rows
            ]
        return self._pledge_items[pledge.pk]

    @cached_property
    def _pledge_items(self) -> dict[int, list[PledgeItem]]:
        return {}

    @cached_property
    def open_checks(self) -> dict:
        """subject id → its open check flags (R366-ORDER-4)."""
        if "checks" in self._loaded and read_with_subjects(self.subjects.values(), "checks"):
            return open_checks_read(self.subjects.values())
        found = defaultdict(list)
        for subject_id, flags in self.check_flags.items():
            if open_flags := [flag for flag in flags if flag.closed_at is None]:
                found[subject_id] = open_flags
        return found

    @cached_property
    def check_flags(self) -> dict:
        """subject id → its check flags, open and concluded, with who opened and closed them."""
        from reviews.models import CheckFlag

        return by_subject(
            CheckFlag.objects.filter(subject_id__in=self.subjects).select_related("opened_by", "closed_by")
        )

    @cached_property
    def meeting_entries(self) -> dict[int, MeetingEntry]:
        found = self._read_with_subjects("meeting_entry")
        if found is not None:
            return found
        return {e.subject_id: e for e in MeetingEntry.objects.filter(subject_id__in=self.subjects)}

    @cached_property
    def outside_comments(self) -> dict[int, set[str]]:
        """subject id → where the written comments it holds come from (R-SCOPE-4, R366-REC-1)."""
        if "outside" in self._loaded and read_with_subjects(self.subjects.values(), "outside"):
            return {
                pk: set(s.outside_comment_sources)
                for pk, s in self.subjects.items()
                if s.outside_comment_sources
            }
        found: dict[int, set[str]] = defaultdict(set)
        for subject_id, source in FormerCellComment.objects.filter(subject_id__in=self.subjects).values_list(
            "subject_id", "source"
        ):
            found[subject_id].add(source)
        return found

    @cached_property
    def quarter_setup(self) -> QuarterSetup:
        """The season's quarter choices (R366-QTR-4 local rules), or the defaults (not saved)."""
        try:
            return self.season.quarter_setup  # read with the season where the page did so
        except QuarterSetup.DoesNotExist:
            return QuarterSetup(season=self.season)

    @cached_property
    def decided_quarters(self) -> dict[int, list[tuple[int, str, int]]]:
        """subject id → (quarter number, decided level, evaluation id) of its decided quarters, in
        order (R366-QTR-4)."""
        found = defaultdict(list)
        for subject_id, number, level, pk in (
            QuarterlyEvaluation.objects.filter(
                subject_id__in=self.subjects, state=QuarterlyEvaluation.State.DECIDED
            )
            .order_by("quarter__number")
            .values_list("subject_id", "quarter__number", "decided_level", "pk")
        ):
            found[subject_id].append((number, level, pk))
        return found
