"""Everything the rules need about a set of subjects, loaded in a fixed number of queries.

Guards in reviews/rules.py are pure functions of (subject, facts). A page that shows blockers
for 200 subjects and a bulk decision of 200 subjects both build one `Facts` for the whole set;
each family of facts is loaded on first use with one or two queries for all subjects at once.
"""

import datetime
from collections import defaultdict
from functools import cached_property

from django.db.models import Q

from members.models import CommitteeSeat, DisciplineRecord, LeaveRecord, Pledge
from organizations.models import OrganizationDiscipline
from reviews.models import (
    AffiliateReview,
    FormerCellComment,
    MeetingEntry,
    ReviewForm,
    Season,
    SeasonUnit,
    Subject,
    Suggestion,
)

RATED_STATES = (Subject.State.REVIEWED, Subject.State.PROPOSED, Subject.State.DECIDED)
REVIEW_DONE = (*RATED_STATES, Subject.State.ABSENT)


class Facts:
    def __init__(self, season: Season, subjects):
        self.season = season
        self.rules = season.rule_set
        self.subjects = {s.pk: s for s in subjects}
        self.year_start = datetime.date(season.year, 1, 1)
        self.year_end = datetime.date(season.year, 12, 31)

    def take_joined(self) -> "Facts":
        """Take the subjects' forms and meeting entries from the subjects themselves where the query
        that read them joined them (`select_related("form", "meeting_entry")`): two reads fewer for
        a page of rows. A family some subject was read without is left to be read as usual."""
        subjects = list(self.subjects.values())
        for family, name in (("forms", "form"), ("meeting_entries", "meeting_entry")):
            caches = [s._state.fields_cache for s in subjects]
            if subjects and all(name in cache for cache in caches):
                self.__dict__[family] = {
                    s.pk: cache[name]
                    for s, cache in zip(subjects, caches, strict=True)
                    if cache[name] is not None
                }
        return self

    # -- the subjects' own records ------------------------------------------------------------

    @cached_property
    def forms(self) -> dict[int, ReviewForm]:
        return {f.subject_id: f for f in ReviewForm.objects.filter(subject_id__in=self.subjects)}

    @cached_property
    def unanswered_suggestions(self) -> dict[int, int]:
        counts: dict[int, int] = defaultdict(int)
        for subject_id, answer in Suggestion.objects.filter(subject_id__in=self.subjects).values_list(
            "subject_id", "answer"
        ):
            if not answer.strip():
                counts[subject_id] += 1
        return counts

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
        return {e.subject_id: e for e in MeetingEntry.objects.filter(subject_id__in=self.subjects)}

    @cached_property
    def outside_comments(self) -> dict[int, set[str]]:
        found: dict[int, set[str]] = defaultdict(set)
        for subject_id, source in FormerCellComment.objects.filter(subject_id__in=self.subjects).values_list(
            "subject_id", "source"
        ):
            found[subject_id].add(source)
        return found

    # -- members: discipline, leave, seats, history --------------------------------------------

    @cached_property
    def _member_ids(self) -> list[int]:
        return [s.member_id for s in self.subjects.values() if s.member_id]

    @cached_property
    def disciplines(self) -> dict[int, list[DisciplineRecord]]:
        found = defaultdict(list)
        for record in DisciplineRecord.objects.filter(member_id__in=self._member_ids):
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
    def seats(self) -> dict[int, list[tuple[int, int]]]:
        """member id → [(organization id, position)] of the committee seats the member is reviewed
        in at the reference date (CommitteeSeat.objects.active_on: not suspended, R366-SCOPE-6; not a
        concurrent full-time post away from the main place, R366-SCOPE-4)."""
        day = self.season.reference_date
        found = defaultdict(list)
        for member_id, organization_id, position in (
            CommitteeSeat.objects.active_on(day)
            .filter(member_id__in=self._member_ids)
            .values_list("member_id", "organization_id", "position")
        ):
            found[member_id].append((organization_id, position))
        return found

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
        if not heads:
            return found
        for organization_id, level in Subject.objects.filter(
            season=self.season,
            kind=Subject.Kind.ORGANIZATION,
            out_of_scope="",
            unit__parent__organization_id__in=heads,
        ).values_list("unit__parent__organization_id", "decided_level"):
            for member_id in heads[organization_id]:
                found[member_id].append(level)
        return found

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
    def collectives(self) -> dict[tuple[int, str], Subject]:
        """(unit id, kind) → the organization or leadership subject of every unit in self.units."""
        return {
            (s.unit_id, s.kind): s
            for s in Subject.objects.filter(season=self.season, unit_id__in=self.units).exclude(
                kind=Subject.Kind.MEMBER
            )
        }

    @cached_property
    def _collective_units(self) -> list[int]:
        return [s.unit_id for s in self.subjects.values() if s.is_collective]

    @cached_property
    def children(self) -> dict[int, list[Subject]]:
        """unit id → in-scope organization and leadership subjects of its direct subordinates."""
        found = defaultdict(list)
        for child in (
            Subject.objects.filter(season=self.season, unit__parent_id__in=self._collective_units)
            .exclude(kind=Subject.Kind.MEMBER)
            .select_related("unit")
        ):
            found[child.unit.parent_id].append(child)
        return found

    @cached_property
    def unit_members(self) -> dict[int, list[Subject]]:
        """cell unit id → its member subjects (for R-RATE-7 on cells and R-ORDER-3)."""
        units = self._collective_units + [s.unit_id for s in self.subjects.values() if s.is_member]
        found = defaultdict(list)
        for member in Subject.objects.filter(season=self.season, unit_id__in=units, kind=Subject.Kind.MEMBER):
            found[member.unit_id].append(member)
        return found

    @cached_property
    def leadership_member_ids(self) -> dict[int, set[int]]:
        """organization id → member ids seated on its leadership collective at any time in the
        season year (a member who has since moved on still counts where they sat, R-RATE-5)."""
        organization_ids = [self.units[u].organization_id for u in self._collective_units]
        found = defaultdict(set)
        for organization_id, member_id in (
            CommitteeSeat.objects.filter(organization_id__in=organization_ids, starts_on__lte=self.year_end)
            .exclude(ends_on__lt=self.year_start)
            .values_list("organization_id", "member_id")
        ):
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
        records = list(
            DisciplineRecord.objects.filter(
                member_id__in={m for ids in seated.values() for m in ids}, decided_on__year=year
            )
        )
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

        organization_ids = [self.units[u].organization_id for u in self._collective_units]
        done = set(AffiliateReview.objects.filter(season=self.season).values_list("affiliate_id", flat=True))
        found = defaultdict(list)
        for affiliate in AffiliatedCollective.objects.filter(organization_id__in=organization_ids):
            if affiliate.pk not in done:
                found[affiliate.organization_id].append(affiliate.name)
        return found

    @cached_property
    def seated_subjects(self) -> dict[int, list[Subject]]:
        """organization id → this season's member subjects seated on its leadership collective at
        the reference date (R366-ORDER-2), as Facts.seats counts seats (R366-SCOPE-4, R366-SCOPE-6)."""
        day = self.season.reference_date
        organization_ids = [self.units[u].organization_id for u in self._collective_units]
        seats = (
            CommitteeSeat.objects.active_on(day)
            .filter(organization_id__in=organization_ids)
            .values_list("organization_id", "member_id", "position")
        )
        rows = list(seats)
        subjects = {
            s.member_id: s
            for s in Subject.objects.filter(season=self.season, member_id__in={m for _o, m, _p in rows})
        }
        found = defaultdict(list)
        for organization_id, member_id, _position in rows:
            if member_id in subjects:
                found[organization_id].append(subjects[member_id])
        self._seat_positions = {(o, m): p for o, m, p in rows}
        return found

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
