"""Everything the rules need about a set of subjects, loaded in a fixed number of queries.

Guards in reviews/rules.py are pure functions of (subject, facts). A page that shows blockers
for 200 subjects and a bulk decision of 200 subjects both build one `Facts` for the whole set;
each family of facts is loaded on first use with one query for all subjects at once. Families
that read the same table share one read: the committee seats (`_seat_rows`), the discipline
records (`_discipline_records`) and the season's subjects around the given ones (`_around`).
"""

import datetime
from collections import defaultdict
from functools import cached_property

from django.db.models import BooleanField, Exists, ExpressionWrapper, F, OuterRef, Q

from members.models import CommitteeSeat, DisciplineRecord, LeaveRecord, Pledge, seat_active_on
from organizations.models import OrganizationDiscipline
from reviews.models import (
    AffiliateReview,
    FormerCellComment,
    MeetingEntry,
    QuarterlyEvaluation,
    QuarterSetup,
    ReviewForm,
    Season,
    SeasonUnit,
    Subject,
    Suggestion,
)

RATED_STATES = (Subject.State.REVIEWED, Subject.State.PROPOSED, Subject.State.DECIDED)
REVIEW_DONE = (*RATED_STATES, Subject.State.ABSENT)


class Facts:
    def __init__(self, season: Season, subjects, *, loaded: tuple[str, ...] = ()):
        """`loaded` names the one-to-one records ("form", "meeting_entry") the caller has just read
        with the subjects (select_related), so that they are not read again. Only a page that builds
        its Facts right after reading its subjects says so: a step that changes records reads them."""
        self.season = season
        self.rules = season.rule_set
        self.subjects = {s.pk: s for s in subjects}
        self._loaded = frozenset(loaded)
        self.year_start = datetime.date(season.year, 1, 1)
        self.year_end = datetime.date(season.year, 12, 31)

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
        """subject id → the suggestions issued to it (R-ORDER-5), with who issued them."""
        found = defaultdict(list)
        for suggestion in Suggestion.objects.filter(subject_id__in=self.subjects).select_related(
            "issued_by", "issued_by_unit"
        ):
            found[suggestion.subject_id].append(suggestion)
        return found

    @cached_property
    def unanswered_suggestions(self) -> dict[int, int]:
        return {
            pk: unanswered
            for pk, suggestions in self.suggestions.items()
            if (unanswered := sum(1 for s in suggestions if not s.answer.strip()))
        }

    @cached_property
    def pledges(self) -> dict[int, Pledge]:
        member_ids = [s.member_id for s in self.subjects.values() if s.member_id]
        pledges = Pledge.objects.filter(member_id__in=member_ids, year=self.season.year).prefetch_related(
            "items"
        )
        return {p.member_id: p for p in pledges}

    @cached_property
    def open_checks(self) -> dict:
        """subject id → its open check flags (R366-ORDER-4)."""
        from reviews.models import CheckFlag

        found = defaultdict(list)
        for flag in CheckFlag.objects.filter(subject_id__in=self.subjects, closed_at__isnull=True):
            found[flag.subject_id].append(flag)
        return found

    @cached_property
    def meeting_entries(self) -> dict[int, MeetingEntry]:
        found = self._read_with_subjects("meeting_entry")
        if found is not None:
            return found
        return {e.subject_id: e for e in MeetingEntry.objects.filter(subject_id__in=self.subjects)}

    @cached_property
    def outside_comments(self) -> dict[int, set[str]]:
        found: dict[int, set[str]] = defaultdict(set)
        for subject_id, source in FormerCellComment.objects.filter(subject_id__in=self.subjects).values_list(
            "subject_id", "source"
        ):
            found[subject_id].add(source)
        return found

    @cached_property
    def quarter_setup(self) -> QuarterSetup:
        """The season's quarter choices (R366-QTR-4 local rules), or the defaults (not saved)."""
        return QuarterSetup.objects.filter(season=self.season).first() or QuarterSetup(season=self.season)

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
        collectives among the subjects. One query for every family that needs seats."""
        around = Q(member_id__in=self._member_ids)
        if self._collective_units:
            around |= Q(
                organization_id__in=SeasonUnit.objects.filter(pk__in=self._collective_units).values(
                    "organization_id"
                )
            )
        day = self.season.reference_date
        first, last = min(day, self.year_start), max(day, self.year_end)
        in_year = Q(starts_on__lte=self.year_end) & (
            Q(ends_on__isnull=True) | Q(ends_on__gte=self.year_start)
        )
        return list(
            CommitteeSeat.objects.filter(around, starts_on__lte=last)
            .exclude(ends_on__lt=first)
            .annotate(
                active=ExpressionWrapper(seat_active_on(day), output_field=BooleanField()),
                in_year=ExpressionWrapper(in_year, output_field=BooleanField()),
            )
            .values_list("member_id", "organization_id", "position", "active", "in_year")
        )

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
        return list(DisciplineRecord.objects.filter(member_id__in=members)) if members else []

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

    # -- collectives: units, their subjects, subordinates, discipline -------------------------

    @cached_property
    def units(self) -> dict[int, SeasonUnit]:
        """The units of the subjects, their deciders and the units of their seats."""
        organization_ids = {oid for seats in self.seats.values() for oid, _pos in seats}
        unit_ids = {s.unit_id for s in self.subjects.values()} | {
            s.decider_id for s in self.subjects.values() if s.decider_id
        }
        return {
            u.pk: u
            for u in SeasonUnit.objects.filter(season=self.season).filter(
                Q(pk__in=unit_ids) | Q(organization_id__in=organization_ids)
            )
        }

    @cached_property
    def unit_by_organization(self) -> dict[int, SeasonUnit]:
        return {u.organization_id: u for u in self.units.values()}

    @cached_property
    def _around(self) -> list[Subject]:
        """This season's subjects the rules look at around the given ones, in one query: the
        collectives of self.units, the collectives directly under the given collectives, the members
        of the given collectives' and members' units, the members seated on the given collectives'
        committees, and the organizations led by the given members."""
        member = Subject.Kind.MEMBER
        member_units = [*self._collective_units, *(s.unit_id for s in self.subjects.values() if s.is_member)]
        around = Q(kind=member, unit_id__in=member_units) | (
            Q(unit_id__in=list(self.units)) & ~Q(kind=member)
        )
        if self._collective_units:
            around |= Q(unit__parent_id__in=self._collective_units) & ~Q(kind=member)
        if self._seated_members:
            around |= Q(member_id__in=self._seated_members)
        if self._headed_organizations:
            around |= Q(
                kind=Subject.Kind.ORGANIZATION, unit__parent__organization_id__in=self._headed_organizations
            )
        return list(
            Subject.objects.filter(around, season=self.season)
            .select_related("unit")
            .annotate(parent_organization_id=F("unit__parent__organization_id"))
        )

    @cached_property
    def collectives(self) -> dict[tuple[int, str], Subject]:
        """(unit id, kind) → the organization or leadership subject of every unit in self.units."""
        return {
            (s.unit_id, s.kind): s
            for s in self._around
            if s.kind != Subject.Kind.MEMBER and s.unit_id in self.units
        }

    @cached_property
    def _collective_units(self) -> list[int]:
        return [s.unit_id for s in self.subjects.values() if s.is_collective]

    @cached_property
    def children(self) -> dict[int, list[Subject]]:
        """unit id → in-scope organization and leadership subjects of its direct subordinates."""
        parents = set(self._collective_units)
        found = defaultdict(list)
        for child in self._around:
            if child.kind != Subject.Kind.MEMBER and child.unit.parent_id in parents:
                found[child.unit.parent_id].append(child)
        return found

    @cached_property
    def unit_members(self) -> dict[int, list[Subject]]:
        """cell unit id → its member subjects (for R-RATE-7 on cells and R-ORDER-3)."""
        units = {*self._collective_units, *(s.unit_id for s in self.subjects.values() if s.is_member)}
        found = defaultdict(list)
        for member in self._around:
            if member.kind == Subject.Kind.MEMBER and member.unit_id in units:
                found[member.unit_id].append(member)
        return found

    @cached_property
    def leadership_member_ids(self) -> dict[int, set[int]]:
        """organization id → member ids seated on its leadership collective at any time in the
        season year (a member who has since moved on still counts where they sat, R-RATE-5)."""
        organizations = self._collective_organizations
        found = defaultdict(set)
        for member_id, organization_id, _position, _active, in_year in self._seat_rows:
            if in_year and organization_id in organizations:
                found[organization_id].add(member_id)
        return found

    @cached_property
    def collective_disciplines(self) -> dict[int, list[tuple[str, object]]]:
        """unit id → discipline decided in the season year that counts against the collective:
        ("leader", record) for members of its leadership collective, ("child", record) for its
        direct subordinates, ("self", record) for the organization itself (R-RATE-6). A member's
        violation committed in another unit counts there, not here (R-RATE-5)."""
        year = self.season.year
        units = {u: self.units[u] for u in self._collective_units}
        seated = self.leadership_member_ids
        seated_members = {m for ids in seated.values() for m in ids}
        records = [
            r for r in self._discipline_records if r.member_id in seated_members and r.decided_on.year == year
        ]
        violation_paths = dict(
            SeasonUnit.objects.filter(
                season=self.season,
                organization_id__in={r.violation_cell_id for r in records if r.violation_cell_id},
            ).values_list("organization_id", "path")
        )
        found = defaultdict(list)
        for unit_id, unit in units.items():
            for record in records:
                if record.member_id not in seated.get(unit.organization_id, ()):
                    continue
                where = (
                    violation_paths.get(record.violation_cell_id, "")
                    if record.violation_cell_id
                    else unit.path
                )
                if where.startswith(unit.path):
                    found[unit_id].append(("leader", record))
        parent_of = {c.unit.organization_id: parent for parent, kids in self.children.items() for c in kids}
        own = {u.organization_id: unit_id for unit_id, u in units.items()}
        for record in OrganizationDiscipline.objects.filter(
            decided_on__year=year, organization_id__in=[*parent_of, *own]
        ):
            if record.organization_id in own:
                found[own[record.organization_id]].append(("self", record))
            if record.organization_id in parent_of:
                found[parent_of[record.organization_id]].append(("child", record))
        return found

    @cached_property
    def pending_affiliates(self) -> dict[int, list[str]]:
        """organization id → names of prerequisite collectives not yet marked reviewed (R-ORDER-4)."""
        from organizations.models import AffiliatedCollective

        found = defaultdict(list)
        reviewed = AffiliateReview.objects.filter(season=self.season, affiliate=OuterRef("pk"))
        for organization_id, name in AffiliatedCollective.objects.filter(
            ~Exists(reviewed), organization_id__in=self._collective_organizations
        ).values_list("organization_id", "name"):
            found[organization_id].append(name)
        return found

    @cached_property
    def seated_subjects(self) -> dict[int, list[Subject]]:
        """organization id → this season's member subjects seated on its leadership collective at
        the reference date (R366-ORDER-2), as Facts.seats counts seats (R366-SCOPE-4, R366-SCOPE-6)."""
        rows = self._collective_seats
        members = {m for _o, m, _p in rows}
        subjects = {s.member_id: s for s in self._around if s.member_id in members}
        found = defaultdict(list)
        for organization_id, member_id, _position in rows:
            if member_id in subjects:
                found[organization_id].append(subjects[member_id])
        self._seat_positions = {(o, m): p for o, m, p in rows}
        return found

    @cached_property
    def _collective_seats(self) -> list[tuple[int, int, int]]:
        """(organization id, member id, position) of the seats active at the reference date on the
        committees of the collectives among the subjects."""
        if not self._collective_units:
            return []
        organizations = self._collective_organizations
        return [
            (organization_id, member_id, position)
            for member_id, organization_id, position, active, _in_year in self._seat_rows
            if active and organization_id in organizations
        ]

    @cached_property
    def _seated_members(self) -> set[int]:
        return {member_id for _o, member_id, _p in self._collective_seats}

    @cached_property
    def head_subjects(self) -> dict[int, Subject]:
        """collective unit id → the subject of the member who heads it (R366-RATE-9)."""
        seated = self.seated_subjects
        found = {}
        for unit_id in self._collective_units:
            organization_id = self.units[unit_id].organization_id
            for subject in seated.get(organization_id, []):
                if (
                    self._seat_positions.get((organization_id, subject.member_id))
                    == CommitteeSeat.Position.HEAD
                ):
                    found[unit_id] = subject
        return found

    @cached_property
    def previous_remediation(self) -> dict[int, tuple[int, int]]:
        """subject id → (items, items done) of last season's remediation plan of the same member or
        collective (R366-RATE-2: every shortcoming named at the last review remedied)."""
        from reviews.models import RemediationItem

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

    # -- helpers -------------------------------------------------------------------------------

    def collective_of(self, unit_id: int, kind: str = Subject.Kind.ORGANIZATION) -> Subject | None:
        return self.collectives.get((unit_id, kind))

    def level_of(self, subject: Subject) -> str:
        """The level that counts for thresholds: decided if any, otherwise proposed."""
        return subject.decided_level or subject.proposed_level
