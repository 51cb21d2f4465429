"""The workflow steps the demo takes a staged cell through: its secretary's login, the forms
submitted, the review meetings, the outside comments and the proposals."""

import datetime
import random

from django.contrib.auth import get_user_model
from django.utils import timezone

from members.models import Pledge
from organizations.models import Organization, Role
from reviews import workflow
from reviews.demo.forms import _pledge, _submit, _wanted_level
from reviews.facts import Facts
from reviews.models import Meeting, Season, Subject
from reviews.services import attach_outside_comment


def _meeting_day(season: Season) -> datetime.date:
    """The day the staged review meetings were held: 20 November of the season's year, and at the
    latest three days before today. Drafts went round a week before; comments came in ten days
    before."""
    return min(datetime.date(season.year, 11, 20), timezone.localdate() - datetime.timedelta(days=3))


def _secretary(season: Season, cell: Organization):
    """A login for the secretary of a staged cell (no password: it only signs the demo's events)."""
    user, created = get_user_model().objects.get_or_create(
        username=f"bt.{cell.code.lower()}", defaults={"last_name": f"Bí thư {cell.name}"}
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
        Role.objects.create(
            user=user,
            organization=cell,
            kind=Role.Kind.CELL_SECRETARY,
            starts_on=datetime.date(season.year, 1, 1),
            title="Bí thư chi bộ",
        )
    return user


def _subject(season: Season, **lookup) -> Subject:
    return Subject.objects.select_related("season__rule_set", "unit", "decider", "member").get(
        season=season, **lookup
    )


def _members(season: Season, cell: Organization) -> list[Subject]:
    return list(
        Subject.objects.select_related("season__rule_set", "unit", "decider", "member")
        .filter(season=season, kind=Subject.Kind.MEMBER, unit__organization=cell, out_of_scope="")
        .order_by("position", "sort_key")
    )


def _collectives(season: Season, organization: Organization) -> list[Subject]:
    """The organization's own subject, then its leadership collective's if it has one in scope."""
    subjects = (
        Subject.objects.select_related("season__rule_set", "unit", "decider", "member")
        .filter(season=season, unit__organization=organization, out_of_scope="")
        .exclude(kind=Subject.Kind.MEMBER)
    )
    return sorted(subjects, key=lambda s: s.kind != Subject.Kind.ORGANIZATION)


def _meeting(collective: Subject, actor, entries=(), present: int = 9, total: int = 11) -> None:
    held_on = _meeting_day(collective.season)
    earlier = Meeting.objects.filter(collective=collective).first()
    if earlier is not None:  # the same meeting, more of it recorded: its attendance stays (R-REC-2)
        present, total = max(present, earlier.present), max(total, earlier.total)
    workflow.record_meeting(
        collective=collective,
        actor=actor,
        meeting=workflow.MeetingInput(
            held_on=held_on,
            present=present,
            total=total,
            draft_circulated_on=held_on - datetime.timedelta(days=7),
        ),
        entries=list(entries),
    )


def _review(season: Season, cell: Organization, actor, members: list[Subject], absent=()) -> None:
    """The cell's meeting reviews the cell, then its members; its committee meets on its own."""
    organization, *leadership = _collectives(season, cell)
    entries = [
        workflow.EntryInput(
            subject=m,
            comments="Chi bộ nhất trí với bản tự kiểm điểm.",
            votes={m.self_level or "HTTNV": len(members)},
        )
        for m in members
    ]
    entries += [
        workflow.EntryInput(subject=m, reviewed=False, absent_reason="Ốm, điều trị dài ngày") for m in absent
    ]
    _meeting(organization, actor, entries, present=len(members) + 1, total=len(members) + len(absent) + 1)
    for collective in leadership:
        _meeting(collective, actor, present=3, total=3)


def _propose_collectives(season: Season, organization: Organization, actor, level: str = "HTTNV") -> None:
    workflow.propose(
        proposals=[
            workflow.ProposalInput(subject=c, level=level) for c in _collectives(season, organization)
        ],
        actor=actor,
    )


def _comments_where_needed(members: list[Subject], actor) -> None:
    for member in members:
        if member.needs_former_cell_comment:
            attach_outside_comment(
                subject=member,
                actor=actor,
                source="former",
                from_name="Chi bộ nơi chuyển đi",
                text="Đồng chí hoàn thành tốt nhiệm vụ trong thời gian sinh hoạt tại chi bộ.",
                received_on=_meeting_day(member.season) - datetime.timedelta(days=10),
            )
        if member.needs_temporary_cell_comment:
            attach_outside_comment(
                subject=member,
                actor=actor,
                source="temporary",
                from_name="Chi bộ nơi sinh hoạt tạm thời",
                text="Đồng chí chấp hành tốt sinh hoạt tạm thời.",
                received_on=_meeting_day(member.season) - datetime.timedelta(days=10),
            )


def _run_cell(
    season: Season,
    cell: Organization,
    rng: random.Random,
    *,
    stop_at: str,
    excellent: int = 0,
    any_excellent: bool = True,
) -> list[Subject]:
    """Take a cell and its members to `stop_at` (submitted, reviewed, proposed); `excellent`
    more members are proposed HTXSNV, or none at all without `any_excellent`."""
    secretary = _secretary(season, cell)
    members = _members(season, cell)
    for member in members:
        _pledge(member.member, season.year, state=Pledge.State.ACKNOWLEDGED, secretary=secretary)
    facts = Facts(season, members)
    wanted = {m.pk: _wanted_level(m, rng, facts) for m in members}
    if not any_excellent:
        wanted = {pk: "HTTNV" if level == "HTXSNV" else level for pk, level in wanted.items()}
    # Their agency rated them HTXSNV too (the proposal records it), so civil servants may be among them.
    candidates = [m for m in members if wanted[m.pk] == "HTTNV" and not m.is_leader]
    for member in candidates[:excellent]:
        wanted[member.pk] = "HTXSNV"
    for collective in _collectives(season, cell):
        _submit(collective, secretary, "HTTNV")
    for member in members:
        _submit(member, secretary, wanted[member.pk])
    if stop_at == "submitted":
        return members
    absent = members[-1:] if len(members) > 8 else []
    present = [_subject(season, pk=m.pk) for m in members if m not in absent]
    _review(season, cell, secretary, present, absent=[_subject(season, pk=m.pk) for m in absent])
    if stop_at == "reviewed":
        return members
    present = [_subject(season, pk=m.pk) for m in present]
    _comments_where_needed(present, secretary)
    workflow.propose(
        proposals=[
            workflow.ProposalInput(
                subject=m,
                level=wanted[m.pk],
                civil_service_level="HTXSNV" if wanted[m.pk] == "HTXSNV" else "HTTNV",
            )
            for m in present
        ],
        actor=secretary,
    )
    return members
