"""What the rules need about collectives: the units, the subjects around the given ones, the
subordinates, leadership and its discipline, prerequisite collectives (a part of reviews.facts.Facts)."""

from collections import defaultdict
from functools import cached_property

from django.db.models import Exists, F, OuterRef, Q, Subquery

from config.kept_reads import Ids, InIds, KeptRead
from members.models import CommitteeSeat
from organizations.models import OrganizationDiscipline
from reviews.facts.sql import InSubquery
from reviews.facts.with_subjects import (
    Named,
    pending_affiliates_read,
    read_with_subjects,
    waiting_children_read,
    waiting_children_rows,
)
from reviews.models import (
    AffiliateReview,
    SeasonUnit,
    Subject,
)


def _around_of(season_id: int, units: Ids, members_of: Ids, below: Ids, seated: Ids, headed: Ids):
    """The subjects of a season around some (CollectiveFacts._around): the collectives of `units`,
    the members of `members_of`, the collectives of the units directly under `below`, the
    subjects of the `seated` members and the organizations directly under those the `headed`
    organizations (one statement whatever the numbers: an empty list matches nothing)."""
    member = Subject.Kind.MEMBER
    # The units below and led are named by subqueries PostgreSQL can index (reviews/facts/sql.py).
    under = SeasonUnit.objects.filter(InIds("parent_id", below)).values("pk")
    led = SeasonUnit.objects.filter(InIds("parent__organization_id", headed), season_id=season_id).values(
        "pk"
    )
    around = (
        (Q(InIds("unit_id", units)) & ~Q(kind=member))
        | Q(InIds("unit_id", members_of), kind=member)
        | (Q(InSubquery("unit_id", under)) & ~Q(kind=member))
        | Q(InIds("member_id", seated))
        | Q(InSubquery("unit_id", led), kind=Subject.Kind.ORGANIZATION)
    )
    return (
        Subject.objects.filter(around, season_id=season_id)
        .select_related("unit")
        .annotate(parent_organization_id=F("unit__parent__organization_id"))
        .order_by("pk")  # the names a refusal lists come in the same order whatever the plan
    )


_AROUND = KeptRead(_around_of, int, Ids, Ids, Ids, Ids, Ids)


class CollectiveFacts:
    # -- collectives: units, their subjects, subordinates, discipline -------------------------

    @cached_property
    def units(self) -> dict[int, SeasonUnit]:
        """The units of the subjects, their deciders and the units of their seats: without a query
        when the subjects were read with their units and deciders and those hold every seat's unit."""
        organization_ids = {oid for seats in self.seats.values() for oid, _pos in seats}
        unit_ids = {s.unit_id for s in self.subjects.values()} | {
            s.decider_id for s in self.subjects.values() if s.decider_id
        }
        known = {u.pk: u for u in self._units_read_with_subjects()}
        if unit_ids <= set(known) and organization_ids <= {u.organization_id for u in known.values()}:
            return {
                pk: u for pk, u in known.items() if pk in unit_ids or u.organization_id in organization_ids
            }
        return {
            u.pk: u
            for u in SeasonUnit.objects.filter(season=self.season).filter(
                Q(pk__in=unit_ids) | Q(organization_id__in=organization_ids)
            )
        }

    def _units_read_with_subjects(self):
        for subject in self.subjects.values():
            for relation in (Subject.unit.field, Subject.decider.field):
                if relation.is_cached(subject) and (unit := relation.get_cached_value(subject)) is not None:
                    yield unit

    @cached_property
    def unit_by_organization(self) -> dict[int, SeasonUnit]:
        return {u.organization_id: u for u in self.units.values()}

    @cached_property
    def _around(self) -> list[Subject]:
        """This season's subjects the rules look at around the given ones, in one query: the
        collectives of self.units, the members of the given collectives' units, the collectives
        directly under the given collectives, the members seated on the given collectives'
        committees, and the organizations led by the given members. A given member's colleagues
        are not read here (`unit_members` reads them when a rule asks): a queue of 50 members
        from 50 cells would read 1,500 members for rules that never look at them. Given members
        are not read again: the cell board gives every member of its cell."""
        given = {s.member_id: s for s in self.subjects.values() if s.kind == Subject.Kind.MEMBER}
        every_member_given = "unit_members" in self._loaded
        found = {
            s.pk: s
            for s in _AROUND.read(
                self.season.pk,
                list(self.units),
                [] if every_member_given else self._collective_units,
                self._collective_units if self._weighs_every_child else [],
                self._seated_members - set(given),
                self._headed_organizations,
            )
        }
        collective_units = set(self._collective_units)
        for subject in given.values():
            if subject.member_id in self._seated_members or (
                every_member_given and subject.unit_id in collective_units
            ):
                found.setdefault(subject.pk, subject)
        return list(found.values())

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
    def _weighs_every_child(self) -> bool:
        from reviews.regimes import regime_of  # the regimes read the Facts: imported when used

        return regime_of(self.rules).weighs_every_child

    @cached_property
    def children(self) -> dict[int, list[Subject]]:
        """unit id → the organization and leadership subjects of its direct subordinates, for a
        regime that weighs every one of them (Regime.weighs_every_child); the others ask only
        `waiting_children`, and the subjects around are read without them."""
        if not self._weighs_every_child:
            raise LookupError("this regime reads waiting_children, not every child")
        parents = set(self._collective_units)
        found = defaultdict(list)
        for child in self._around:
            if child.kind != Subject.Kind.MEMBER and child.unit.parent_id in parents:
                found[child.unit.parent_id].append(child)
        return found

    @cached_property
    def waiting_children(self) -> dict[int, list[Named]]:
        """unit id → (id, name) of the organization and leadership subjects of its direct
        subordinates in scope and not yet decided, by name (R366-ORDER-3): read with the page's
        subjects, or in one query — never every collective below, which at a province's board
        were 25,000."""
        subjects = [s for s in self.subjects.values() if s.is_collective]
        if "waiting" in self._loaded and read_with_subjects(subjects, "waiting"):
            return waiting_children_read(subjects)
        found = defaultdict(list)
        if self._collective_units:
            rows = waiting_children_rows(self.season, self._collective_units)
            for pk, name, parent in rows.values_list("pk", "name", "unit__parent_id").order_by("name", "pk"):
                found[parent].append(Named(pk, name))
        return found

    @cached_property
    def unit_members(self) -> dict[int, list[Subject]]:
        """cell unit id → its member subjects (for R-RATE-7 on cells and R-ORDER-3): the given
        subjects when the caller read every subject of their units (`loaded=("unit_members",)`, the
        cell board); the subjects around for the given collectives' units; one query for the
        other units of given members."""
        collective_units = set(self._collective_units)
        units = collective_units | {s.unit_id for s in self.subjects.values() if s.is_member}
        if "unit_members" in self._loaded:
            members = [s for s in self.subjects.values() if s.kind == Subject.Kind.MEMBER]
        else:
            members = [
                s for s in self._around if s.kind == Subject.Kind.MEMBER and s.unit_id in collective_units
            ]
            if others := units - collective_units:
                members += Subject.objects.filter(
                    season=self.season, kind=Subject.Kind.MEMBER, unit_id__in=others
                ).select_related("unit")
        found = defaultdict(list)
        for member in members:
            if member.unit_id in units:
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
        found = defaultdict(list)
        for unit_id, unit in units.items():
            for record in records:
                if record.member_id not in seated.get(unit.organization_id, ()):
                    continue
                where = (record.violation_path or "") if record.violation_cell_id else unit.path
                if where.startswith(unit.path):
                    found[unit_id].append(("leader", record))
        # The organizations directly under the collectives, named by a subquery with the unit each
        # is under (not from the subjects below: a regime may not read them).
        own = {u.organization_id: unit_id for unit_id, u in units.items()}
        below = SeasonUnit.objects.filter(season=self.season, parent_id__in=list(units)).values(
            "organization_id"
        )
        in_season = SeasonUnit.objects.filter(season=self.season, organization_id=OuterRef("organization_id"))
        for record in OrganizationDiscipline.objects.filter(
            Q(organization_id__in=list(own)) | Q(InSubquery("organization_id", below)), decided_on__year=year
        ).annotate(parent_unit_id=Subquery(in_season.values("parent_id")[:1])):
            if record.organization_id in own:
                found[own[record.organization_id]].append(("self", record))
            if record.parent_unit_id in units:
                found[record.parent_unit_id].append(("child", record))
        return found

    @cached_property
    def pending_affiliates(self) -> dict[int, list[str]]:
        """organization id → names of prerequisite collectives not yet marked reviewed (R-ORDER-4)."""
        from organizations.models import AffiliatedCollective

        subjects = self.subjects.values()
        if "affiliates" in self._loaded and read_with_subjects(subjects, "affiliates"):
            return pending_affiliates_read(subjects)
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
