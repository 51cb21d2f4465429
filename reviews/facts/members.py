"""What the rules need about the members: discipline, leave, committee seats, the units they lead,
last season's levels and remediation (a part of reviews.facts.Facts)."""

import datetime
from collections import defaultdict
from functools import cached_property, lru_cache

from django.db.models import OuterRef, Q, Subquery

from config.kept_reads import Ids, InIds, KeptRead
from members.models import CommitteeSeat, DisciplineRecord, LeaveRecord
from reviews.facts.sql import InSubquery
from reviews.facts.with_subjects import LEAVE_KINDS, read_with_subjects, seat_rows_read, seat_window
from reviews.models import Season, SeasonUnit, Subject


def _disciplines_of(member_ids: Ids, season_id: int):
    """The discipline records of the members, with the path of the cell where each violation was
    committed in this season (R-RATE-5)."""
    in_season = SeasonUnit.objects.filter(season_id=season_id, organization_id=OuterRef("violation_cell_id"))
    return DisciplineRecord.objects.filter(InIds("member_id", member_ids)).annotate(
        violation_path=Subquery(in_season.values("path")[:1])
    )


_DISCIPLINES_OF = KeptRead(_disciplines_of, Ids, int)


@lru_cache(maxsize=16)
def _seat_rows_read(year: int, reference_date: datetime.date) -> KeptRead:
    """The seats of some members and on the committees of some units, in the window of a season
    of this year and reference date (the window's dates are part of the statement)."""
    window, said = seat_window(Season(year=year, reference_date=reference_date))

    def build(member_ids: Ids, unit_ids: Ids):
        committees = SeasonUnit.objects.filter(InIds("pk", unit_ids)).values("organization_id")
        # The committees are named by a subquery PostgreSQL can index (reviews/facts/sql.py).
        around = Q(InIds("member_id", member_ids)) | Q(InSubquery("organization_id", committees))
        return (
            CommitteeSeat.objects.filter(around, window)
            .annotate(**said)
            .values_list("member_id", "organization_id", "position", "active", "in_year")
        )

    return KeptRead(build, Ids, Ids)


class MemberFacts:
    # -- members: discipline, leave, seats, history --------------------------------------------

    @cached_property
    def _member_ids(self) -> list[int]:
        return [s.member_id for s in self.subjects.values() if s.member_id]

    @cached_property
    def disciplines(self) -> dict[int, list[DisciplineRecord]]:
        members = set(self._member_ids)
        found = defaultdict(list)
        for record in self._discipline_records:
            if record.member_id in members:
                found[record.member_id].append(record)
        return found

    @cached_property
    def leave_days(self) -> dict[tuple[int, str], int]:
        if "leave" in self._loaded and read_with_subjects(self.subjects.values(), "leave"):
            return {
                (s.member_id, kind): days
                for s in self.subjects.values()
                if s.member_id
                for kind, name in LEAVE_KINDS.items()
                if (days := getattr(s, name))
            }
        return {
            (member_id, kind): days
            for member_id, kind, days in LeaveRecord.objects.filter(
                member_id__in=self._member_ids, year=self.season.year
            ).values_list("member_id", "kind", "days")
        }

    @cached_property
    def _seat_rows(self) -> list[tuple[int, int, int, bool, bool]]:
        """(member id, organization id, position, active at the reference date, held in the season
        year) of the seats of the subjects' members and of the seats on the committees of the
        collectives among the subjects. One query for every family that needs seats, none when the
        page read them with its subjects."""
        if "seats" in self._loaded and read_with_subjects(self.subjects.values(), "seats"):
            return seat_rows_read(self.subjects.values())
        read = _seat_rows_read(self.season.year, self.season.reference_date)
        return read.read(self._member_ids, self._collective_units)

    @cached_property
    def seats(self) -> dict[int, list[tuple[int, int]]]:
        """member id → [(organization id, position)] of the committee seats the member is reviewed
        in at the reference date (members.models.seat_active_on: not suspended, R366-SCOPE-6; not a
        concurrent full-time post away from the main place, R366-SCOPE-4)."""
        members = set(self._member_ids)
        found = defaultdict(list)
        for member_id, organization_id, position, active, _in_year in self._seat_rows:
            if active and member_id in members:
                found[member_id].append((organization_id, position))
        return found

    @cached_property
    def _collective_organizations(self) -> set[int]:
        return {self.units[u].organization_id for u in self._collective_units}

    @cached_property
    def _discipline_records(self) -> list[DisciplineRecord]:
        """The discipline records of the subjects' members and, for collectives, of the members
        seated on their committees in the season year. One query."""
        members = set(self._member_ids)
        if self._collective_units:
            members |= {m for ids in self.leadership_member_ids.values() for m in ids}
        if not members:
            return []
        return _DISCIPLINES_OF.read(members, self.season.pk)

    @cached_property
    def units_led_levels(self) -> dict[int, list[str]]:
        """member id → the decided level ('' while undecided) of each party organization in scope
        directly under an organization whose committee the member heads at the reference date: the
        units a leader leads (R366-RATE-5). One query."""
        heads = defaultdict(list)
        for member_id, seats in self.seats.items():
            for organization_id, position in seats:
                if position == CommitteeSeat.Position.HEAD:
                    heads[organization_id].append(member_id)
        found = defaultdict(list)
        for subject in self._around:
            if (
                subject.kind == Subject.Kind.ORGANIZATION
                and not subject.out_of_scope
                and subject.parent_organization_id in heads
            ):
                for member_id in heads[subject.parent_organization_id]:
                    found[member_id].append(subject.decided_level)
        return found

    @cached_property
    def _headed_organizations(self) -> set[int]:
        return {
            organization_id
            for seats in self.seats.values()
            for organization_id, position in seats
            if position == CommitteeSeat.Position.HEAD
        }

    @cached_property
    def previous_levels(self) -> dict[int, str]:
        """member id → level decided in the previous season of the same top organization."""
        return dict(
            Subject.objects.filter(
                season__top_organization_id=self.season.top_organization_id,
                season__year=self.season.year - 1,
                member_id__in=self._member_ids,
            ).values_list("member_id", "decided_level")
        )

    @cached_property
    def previous_remediation(self) -> dict[int, tuple[int, int]]:
        """subject id → (items, items done) of last season's remediation plan of the same member or
        collective (R366-RATE-2: every shortcoming named at the last review remedied)."""
        from reviews.models import RemediationItem

        if "remediation" in self._loaded and read_with_subjects(self.subjects.values(), "remediation"):
            return {
                pk: (s.remediation_items, s.remediation_done)
                for pk, s in self.subjects.items()
                if s.remediation_items
            }
        earlier = RemediationItem.objects.filter(
            plan__subject__season__top_organization_id=self.season.top_organization_id,
            plan__subject__season__year=self.season.year - 1,
        )
        by_member = {s.member_id: s.pk for s in self.subjects.values() if s.member_id}
        by_unit = {
            (self.units[s.unit_id].organization_id, s.kind): s.pk
            for s in self.subjects.values()
            if s.is_collective and s.unit_id in self.units
        }
        query = Q(plan__subject__member_id__in=by_member)
        if by_unit:
            query |= Q(plan__subject__unit__organization_id__in={o for o, _k in by_unit})
        found: dict[int, list[int]] = defaultdict(lambda: [0, 0])
        for member_id, organization_id, kind, status in earlier.filter(query).values_list(
            "plan__subject__member_id",
            "plan__subject__unit__organization_id",
            "plan__subject__kind",
            "status",
        ):
            pk = by_member.get(member_id) if member_id else by_unit.get((organization_id, kind))
            if pk is None:
                continue
            found[pk][0] += 1
            found[pk][1] += status == RemediationItem.Status.DONE
        return {pk: (total, done) for pk, (total, done) in found.items()}
