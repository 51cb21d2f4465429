"""Writing the planned province in a few bulk inserts (COPY on PostgreSQL): the organizations, the
members, and their histories."""

import datetime

from members.bulk import bulk_insert
from members.demo.plan_types import DemoPlan
from members.models import (
    CellPeriod,
    CommitteeSeat,
    DisciplineRecord,
    LeaveRecord,
    Member,
    Status,
    StatusPeriod,
)
from organizations.models import AffiliatedCollective, Organization, OrganizationChange


def _write_organizations(plan: DemoPlan, now: datetime.datetime) -> None:
    rows = [
        (
            org.path,
            org.depth,
            len(org.children),
            org.code,
            org.name,
            org.kind,
            org.founded_on,
            not org.is_cell or org.roll >= 9,  # cells under 9 members have a secretary only
        )
        for org in plan.orgs
    ]
    fields = ["path", "depth", "numchild", "code", "name", "kind", "founded_on", "has_leadership_collective"]
    for org, org_id in zip(plan.orgs, bulk_insert(Organization, fields, rows, ids=True), strict=True):
        org.id = org_id
    bulk_insert(
        OrganizationChange,
        ["organization_id", "action", "effective_on", "new_name", "new_parent_id", "recorded_at"],
        [
            (
                org.id,
                OrganizationChange.Action.CREATED,
                org.founded_on,
                org.name,
                org.parent.id if org.parent else None,
                now,
            )
            for org in plan.orgs
        ],
    )
    bulk_insert(
        AffiliatedCollective,
        ["organization_id", "name", "kind"],
        [(org.id, name, kind) for org in plan.orgs for name, kind in org.affiliates],
    )


def _write_members(plan: DemoPlan, now: datetime.datetime) -> None:
    # bulk inserts skip Member.save(): fill the computed columns here, once per distinct name.
    scratch = Member(card_number="")
    derived = {}
    rows = []
    for p in plan.persons:
        names = (p.family, p.middle, p.given)
        known = derived.get(names)
        if known is None:
            scratch.family_name, scratch.middle_name, scratch.given_name = names
            scratch.fill_derived_fields()
            known = derived[names] = (scratch.full_name, scratch.sort_key, scratch.search_text)
        full_name, sort_key, search_prefix = known
        rows.append(
            (
                p.uid,
                p.family,
                p.middle,
                p.given,
                full_name,
                sort_key,
                (search_prefix + p.card)[:255],  # the search text ends with the card number
                p.gender,
                p.birth,
                p.card,
                p.admitted,
                p.official,
                p.cell.id,
                p.status,
                p.civil_service_post,
                p.party_post,
                p.workplace,
                p.is_leader,
                p.is_civil_servant,
                now,
            )
        )
    fields = [
        "uid", "family_name", "middle_name", "given_name", "full_name", "sort_key", "search_text", "gender",
        "birth_date", "card_number", "admitted_on", "official_on", "cell_id", "status", "civil_service_post",
        "party_post", "workplace", "is_leader", "is_civil_servant", "created_at",
    ]  # fmt: skip
    for person, member_id in zip(plan.persons, bulk_insert(Member, fields, rows, ids=True), strict=True):
        person.id = member_id


def _write_histories(plan: DemoPlan) -> None:
    day = datetime.timedelta(days=1)
    statuses, cells = [], []
    for p in plan.persons:
        if p.status_since is None:
            statuses.append((p.id, Status.ACTIVE, p.admitted, None, None, ""))
        else:
            statuses.append((p.id, Status.ACTIVE, p.admitted, p.status_since - day, None, ""))
            other = p.other_cell.id if p.other_cell else None
            statuses.append((p.id, p.status, p.status_since, None, other, p.note))
        if p.former_cell is None:
            cells.append((p.id, p.cell.id, p.admitted, None))
        else:
            cells.append((p.id, p.former_cell.id, p.admitted, p.moved_on - day))
            cells.append((p.id, p.cell.id, p.moved_on, None))
    bulk_insert(
        StatusPeriod, ["member_id", "status", "starts_on", "ends_on", "other_cell_id", "note"], statuses
    )
    bulk_insert(
        CommitteeSeat,
        ["member_id", "organization_id", "position", "starts_on"],
        [(p.id, p.cell.id, p.seat, p.seat_since) for p in plan.persons if p.seat is not None],
    )
    bulk_insert(CellPeriod, ["member_id", "cell_id", "starts_on", "ends_on"], cells)
    bulk_insert(
        DisciplineRecord,
        [
            "member_id", "decided_on", "form", "decided_by", "violation_year", "violation_cell_id",
            "self_found_and_remedied", "note",
        ],
        [
            (d.person.id, d.decided_on, d.form, d.decided_by, d.violation_year,
             d.violation_cell.id if d.violation_cell else None, d.self_found, d.note)
            for d in plan.disciplines
        ],
    )  # fmt: skip
    bulk_insert(
        LeaveRecord,
        ["member_id", "year", "kind", "days"],
        [(person.id, plan.days.year, kind, days) for person, kind, days in plan.leaves],
    )
