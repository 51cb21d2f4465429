"""What a browser flow needs in place before it starts, run inside a test server's database
(`Server.stage(name, **kwargs)` runs `manage.py shell` with the server's environment).

Only work that is not the subject of the flow is staged here, and through the workflow engine
with the demo's actors wherever the engine allows it; each function returns what the test needs
to know (names, codes) as JSON-able data.
"""

import datetime
import random

from django.contrib.auth import get_user_model
from django.db import transaction

from members.demo import DEMO_PASSWORD
from members.models import CommitteeSeat, Member, Pledge, Status
from organizations.models import CELL_KINDS, Role
from reviews import demo, workflow
from reviews.demo_points import task_rows, typed_points
from reviews.models import ReviewForm, Season, SeasonUnit, Subject
from reviews.regimes import regime_of
from reviews.rules import form_items, quota_count
from reviews.services import answer_suggestion

S = Subject.State


def _season() -> Season:
    """The season the demo opened for review (its year follows the day it was seeded)."""
    return Season.objects.select_related("rule_set").filter(status=Season.Status.OPEN).latest("year")


def member_login(*, username: str) -> dict:
    """A login for a party member with no pledge for the year yet, in a cell reviewed this season
    outside the staged base organization (so no other flow touches them)."""
    season = _season()
    User = get_user_model()
    user = User.objects.filter(username=username).first()
    if user is None:
        staged_base = Role.objects.get(user__username="dangu", kind=Role.Kind.COMMITTEE_STAFF).organization
        candidates = (
            Subject.objects.filter(
                season=season,
                kind=Subject.Kind.MEMBER,
                out_of_scope="",
                state=S.DRAFT,
                member__user__isnull=True,
                member__status=Status.ACTIVE,
                member__cell__kind__in=CELL_KINDS,
            )
            .exclude(member__pledges__year=season.year)
            .exclude(path__startswith=SeasonUnit.objects.get(season=season, organization=staged_base).path)
            .exclude(form__isnull=False)
            .select_related("member__cell")
            .order_by("path", "sort_key")
        )
        subject = candidates.first()
        with transaction.atomic():
            user = _login_for(subject.member, username, season)
    member = Member.objects.select_related("cell").get(user=user)
    return {"name": member.full_name, "cell": member.cell.name, "uid": str(member.uid)}


def _login_for(member: Member, username: str, season: Season):
    """A demo login (the demo's password) for a member without one, as a member of their cell."""
    user = get_user_model().objects.create(
        username=username,
        last_name=member.given_name,
        first_name=f"{member.family_name} {member.middle_name}".strip(),
    )
    user.set_password(DEMO_PASSWORD)
    user.save()
    Member.objects.filter(pk=member.pk).update(user=user)
    Role.objects.create(
        user=user, organization=member.cell, kind=Role.Kind.MEMBER, starts_on=datetime.date(season.year, 1, 1)
    )
    return user


def _answers_for(subject: Subject, level: str) -> dict:
    """Form answers that allow `level` and whose self-ratings say it: under QĐ 366 the task list
    and the points of part B (R366-RATE-1/2), under QĐ 124 the grades (R-RATE-1)."""
    if regime_of(subject.season.rule_set).uses_points:
        rng = random.Random(subject.pk)
        answers = {"B.I": {"tasks": task_rows(level, rng), "units_led": True}}
        answers["B.II"] = {"points": typed_points(subject, level, rng)}
        for item in form_items(subject.season.rule_set.template(subject.form_code)):
            if item["type"] == "self_rating":
                answers[item["key"]] = {"level": level}
        return answers
    grade, task_grade = demo.GRADES_FOR[level]
    answers = {}
    for item in form_items(subject.season.rule_set.template(subject.form_code)):
        if item.get("criterion"):
            answers[item["key"]] = {"grade": task_grade if item.get("task_results") else grade}
        if item["type"] == "self_rating":
            answers[item["key"]] = {"level": level}
    return answers


def exceed_quota_in_proposed_cell(*, code: str) -> dict:
    """Make the proposals of the cell waiting for the base committee go over the quota (R-RATE-2)
    when all are decided at once, as reviews/demo.py means to stage it (`excellent=4`).

    Members the cell proposed HTTNV (non-leaders) are moved to HTXSNV, one by one, until deciding
    every proposal of their quota group at once would pass the limit: their self-assessed grades
    are raised in the submitted form (what they wrote), then the base committee returns the
    proposal and the cell's secretary proposes HTXSNV, through the engine."""
    season = _season()
    quota = season.rule_set.quota
    capped = quota["capped_level"]
    dangu = get_user_model().objects.get(username="dangu")
    unit = SeasonUnit.objects.get(season=season, code=code)
    secretary = demo._secretary(season, unit.organization)
    proposed = list(
        Subject.objects.select_related("season__rule_set", "unit", "decider", "member")
        .filter(season=season, unit=unit, kind=Subject.Kind.MEMBER, state=S.PROPOSED)
        .order_by("position", "sort_key")
    )
    groups: dict[str, list[Subject]] = {}
    for subject in proposed:
        groups.setdefault(subject.quota_key, []).append(subject)
    key = max(groups, key=lambda k: len(groups[k]))
    decided = list(
        Subject.objects.filter(season=season, quota_key=key, state=S.DECIDED).values_list(
            "decided_level", flat=True
        )
    )
    levels = {s.pk: s.proposed_level for s in groups[key]}
    raised = []
    for subject in groups[key]:
        if quota_count(key, decided + list(levels.values()), quota).exceeded:
            break
        if subject.proposed_level == capped or subject.is_leader:
            continue
        with transaction.atomic():
            form = ReviewForm.objects.get(subject=subject)
            for item_key, value in _answers_for(subject, capped).items():
                form.answers[item_key] = {**(form.answers.get(item_key) or {}), **value}
            form.save(update_fields=["answers"])
            if regime_of(season.rule_set).uses_points:  # what the submitted form now says
                workflow._take_self_scores(subject, form.answers)
                Subject.objects.filter(pk=subject.pk).update(
                    self_points=subject.self_points, scores=subject.scores
                )
            Subject.objects.filter(pk=subject.pk).update(self_level=capped)
            workflow.return_proposal(
                subject=subject, actor=dangu, reason="Đề nghị chi bộ thẩm định lại mức xếp loại."
            )
            workflow.propose(
                proposals=[
                    workflow.ProposalInput(
                        subject=demo._subject(season, pk=subject.pk), level=capped, civil_service_level=capped
                    )
                ],
                actor=secretary,
            )
        levels[subject.pk] = capped
        raised.append(subject.name)
    final = quota_count(key, decided + list(levels.values()), quota)
    assert final.exceeded, f"cannot pass the quota with the proposals of {code}"
    return {
        "cell": unit.name,
        "raised": raised,
        "capped": final.capped,
        "limit": final.limit,
        "base": final.base,
        "excellent": [s.name for s in groups[key] if levels[s.pk] == capped],
    }


def bring_cells_to_proposal(*, base_code: str) -> dict:
    """Take every cell under the base organization to the proposal of its collectives, as their
    secretaries (reports, meetings, the members' proposals) and the base committee (the members'
    decisions, the collectives' proposals, R-STEP-1) would: what is left for the flow is the
    decisions of the collectives. Under QĐ 366 a cell is rated after all its members
    (R366-ORDER-3), so their decisions are staged too; HTXSNV proposals become HTTNV so that the
    quota holds (the quota is tested elsewhere)."""
    season = _season()
    users = get_user_model().objects
    dangu, bithu = users.get(username="dangu"), users.get(username="bithu")
    login_cell = Role.objects.get(user=bithu, kind=Role.Kind.CELL_SECRETARY).organization
    base = SeasonUnit.objects.get(season=season, code=base_code)
    members_first = regime_of(season.rule_set).uses_points
    waiting = []
    for unit in (
        SeasonUnit.objects.filter(season=season, parent=base).select_related("organization").order_by("path")
    ):
        secretary = (
            bithu if unit.organization_id == login_cell.pk else demo._secretary(season, unit.organization)
        )
        collectives = demo._collectives(season, unit.organization)
        for collective in collectives:
            subject = demo._subject(season, pk=collective.pk)
            if subject.state in workflow.EDITABLE:
                _answer_and_submit(subject, secretary)
        if members_first:
            _decide_members(season, unit, secretary, dangu)
        for collective in collectives:
            subject = demo._subject(season, pk=collective.pk)
            if subject.state == S.SUBMITTED:
                demo._meeting(subject, secretary)
                subject = demo._subject(season, pk=subject.pk)
            if subject.state == S.REVIEWED:
                workflow.propose(
                    proposals=[workflow.ProposalInput(subject=subject, level="HTTNV")], actor=dangu
                )
        states = {c.name: demo._subject(season, pk=c.pk).state for c in collectives}
        if any(state != S.DECIDED for state in states.values()):
            waiting.append(unit.name)
    return {"waiting": waiting}


def _answer_and_submit(subject: Subject, actor) -> None:
    demo._fill(subject, actor, "HTTNV")
    for suggestion in subject.suggestions.filter(answer=""):
        suggestion.subject = subject
        answer_suggestion(
            suggestion=suggestion, actor=actor, answer="Đã làm rõ nguyên nhân và có giải pháp khắc phục."
        )
    workflow.submit_form(subject=demo._subject(season=subject.season, pk=subject.pk), actor=actor)


def _decide_members(season: Season, unit: SeasonUnit, secretary, dangu) -> None:
    """The cell's members: written, reviewed at the cell's meeting, proposed and decided."""
    organization = demo._subject(season, unit=unit, kind=Subject.Kind.ORGANIZATION)
    members = demo._members(season, unit.organization)
    for member in members:
        if member.state in workflow.EDITABLE:
            _answer_and_submit(member, secretary)
    if organization.state == S.SUBMITTED:
        demo._meeting(organization, secretary)
    pending = [demo._subject(season, pk=m.pk) for m in members]
    to_review = [m for m in pending if m.state in (S.SUBMITTED, S.ABSENT)]
    if to_review:
        demo._review(season, unit.organization, secretary, to_review)
    reviewed = [demo._subject(season, pk=m.pk) for m in members]
    demo._comments_where_needed([m for m in reviewed if m.state == S.REVIEWED], secretary)
    proposals = [
        workflow.ProposalInput(
            subject=m,
            level="HTTNV" if m.self_level in ("", "HTXSNV") else m.self_level,
            civil_service_level=("HTTNV" if m.self_level in ("", "HTXSNV") else m.self_level)
            if m.is_civil_servant
            else "",
        )
        for m in reviewed
        if m.state == S.REVIEWED
    ]
    if proposals:
        workflow.propose(proposals=proposals, actor=secretary)
    # The cell's committee (chi ủy) is rated before the members who sit on it (R366-ORDER-3).
    for leadership in [
        c for c in demo._collectives(season, unit.organization) if c.kind == Subject.Kind.LEADERSHIP
    ]:
        if leadership.state == S.SUBMITTED:
            demo._meeting(leadership, secretary, present=3, total=3)
            leadership = demo._subject(season, pk=leadership.pk)
        if leadership.state == S.REVIEWED:
            workflow.propose(
                proposals=[workflow.ProposalInput(subject=leadership, level="HTTNV")], actor=dangu
            )
            leadership = demo._subject(season, pk=leadership.pk)
        if leadership.state == S.PROPOSED:
            workflow.decide(decisions=[workflow.DecisionInput(subject=leadership)], actor=dangu)
    ready = [demo._subject(season, pk=m.pk) for m in members]
    workflow.decide(
        decisions=[workflow.DecisionInput(subject=m) for m in ready if m.state == S.PROPOSED], actor=dangu
    )


def pledge_state(*, name: str) -> str:
    """The state of the member's pledge for the calendar year (the one their pledge page opens)."""
    member = Member.objects.get(user__username=name)
    pledge = Pledge.objects.filter(member=member, year=datetime.date.today().year).first()
    return pledge.state if pledge else ""


def today() -> str:
    """The server's today (the test process runs on another day: tests/clock.py)."""
    return datetime.date.today().isoformat()


def demo_facts() -> dict:
    """Where the demo put things (codes, names, states), so tests need not hard-code the seed."""
    season = _season()
    roles = {
        r.user.username: r.organization
        for r in Role.objects.filter(
            user__username__in=["bithu", "dangu", "bantochuc", "tinhuy"],
            kind__in=[Role.Kind.CELL_SECRETARY, Role.Kind.COMMITTEE_STAFF, Role.Kind.PROVINCIAL_BOARD],
        ).select_related("organization", "user")
    }
    units = {key: SeasonUnit.objects.get(season=season, organization=org) for key, org in roles.items()}
    login_cell = units["bithu"]
    members = (
        Subject.objects.filter(season=season, unit=login_cell, kind=Subject.Kind.MEMBER, out_of_scope="")
        .select_related("member")
        .order_by("position", "sort_key", "pk")
    )
    pledges = dict(
        Pledge.objects.filter(year=season.year, member__in=[m.member_id for m in members]).values_list(
            "member_id", "state"
        )
    )
    cells = []
    for unit in SeasonUnit.objects.filter(season=season, parent=units["dangu"]).order_by("path"):
        collectives = Subject.objects.filter(season=season, unit=unit, out_of_scope="").exclude(
            kind=Subject.Kind.MEMBER
        )
        organization = collectives.get(kind=Subject.Kind.ORGANIZATION)
        cells.append(
            {
                "code": unit.code,
                "name": unit.name,
                "state": organization.state,
                "undecided_collectives": collectives.exclude(state=S.DECIDED).count(),
            }
        )
    people = {
        m.user.username: {"name": m.full_name, "cell": m.cell.name}
        for m in Member.objects.filter(user__username__in=["dangvien", "bithu"]).select_related(
            "user", "cell"
        )
    }
    return {
        "season": season.pk,
        "year": season.year,
        "people": people,  # the demo draws its people from the seeding day's calendar too
        "units": {key: {"code": unit.code, "name": unit.name} for key, unit in units.items()},
        "cells": cells,
        "meeting_order": [
            {
                "pk": m.pk,
                "name": m.name,
                "state": m.state,
                "position": m.position,
                "pledge": pledges.get(m.member_id, ""),
                "needs_comment": m.needs_former_cell_comment or m.needs_temporary_cell_comment,
                "civil_servant": m.is_civil_servant,
                "quota_key": m.quota_key,
                "user": m.member.user.username if m.member.user_id else "",
            }
            for m in members
        ],
    }


def meeting_open_for_members() -> dict:
    """The login cell with its own review recorded at the meeting and every member's review
    submitted (as the secretary would, through the engine): what is left for the flow is the
    members' rows of the meeting page."""
    season = _season()
    bithu = get_user_model().objects.get(username="bithu")
    cell = Role.objects.get(user=bithu, kind=Role.Kind.CELL_SECRETARY).organization
    for member in demo._members(season, cell):
        if member.state in workflow.EDITABLE:
            _answer_and_submit(member, bithu)
    organization = demo._collectives(season, cell)[0]  # its committee waits for the members
    if organization.state in workflow.EDITABLE:
        _answer_and_submit(organization, bithu)
    organization = demo._subject(season, pk=organization.pk)
    if organization.state == S.SUBMITTED:
        members = len(demo._members(season, cell))
        demo._meeting(organization, bithu, present=members, total=members)
    return {"members": [m.pk for m in demo._members(season, cell)]}


def empty_quota_group(*, subject: int) -> dict:
    """Put one member of the login cell in a quota group of their own in which nothing is decided
    yet, as every group is at the start of a season (R-RATE-2)."""
    from reviews.models import QuotaGroup

    member = Subject.objects.get(pk=subject)
    group = QuotaGroup.objects.create(
        season=member.season,
        key=f"e2e-empty-{member.pk}",
        decider=member.decider,
        label="Nhóm chưa có kết quả",
    )
    Subject.objects.filter(pk=member.pk).update(quota_key=group.key)
    return {"label": group.label}


def review_the_first(*, count: int) -> dict:
    """The first members of the login cell's meeting order reviewed at its meeting (the head and
    the deputies come first, R-ORDER-3), where a flow has not done it already."""
    season = _season()
    bithu = get_user_model().objects.get(username="bithu")
    cell = Role.objects.get(user=bithu, kind=Role.Kind.CELL_SECRETARY).organization
    waiting = [m for m in demo._members(season, cell)[:count] if m.state == S.SUBMITTED]
    if waiting:
        members = len(demo._members(season, cell))
        entries = [workflow.EntryInput(subject=m, votes={"HTTNV": 1}) for m in waiting]
        demo._meeting(demo._collectives(season, cell)[0], bithu, entries, present=members, total=members)
    return {"reviewed": [m.pk for m in waiting]}


GIVEN_NAMES = [
    "An",
    "Bình",
    "Chi",
    "Dũng",
    "Giang",
    "Hà",
    "Hải",
    "Khoa",
    "Lan",
    "Long",
    "Minh",
    "Nga",
    "Phúc",
]


def grow_login_cell(*, size: int) -> dict:
    """The login cell made a cell of `size` members reviewed this season: members joined to it
    as the roll would have them at the opening, each with the season's subject a plain member of
    the cell has (copied from one, with their own name and order). For pages that must hold a
    full cell."""
    from members.services import create_member

    season = _season()
    bithu = get_user_model().objects.get(username="bithu")
    cell = Role.objects.get(user=bithu, kind=Role.Kind.CELL_SECRETARY).organization
    reviewed = Subject.objects.filter(
        season=season, unit__organization=cell, kind=Subject.Kind.MEMBER, out_of_scope=""
    )
    model = reviewed.filter(position=Subject.Position.MEMBER, state=S.DRAFT).order_by("pk").first()
    added = []
    with transaction.atomic():
        for n in range(reviewed.count(), size):
            member = create_member(
                family_name="Đinh",
                middle_name="Thị" if n % 2 else "Văn",
                given_name=f"{GIVEN_NAMES[n % len(GIVEN_NAMES)]} {n:02d}",
                gender="female" if n % 2 else "male",
                birth_date=datetime.date(1975 + n % 20, 1 + n % 12, 1 + n % 27),
                card_number=f"79{n:08d}",
                admitted_on=datetime.date(2001, 3, 2),
                official_on=datetime.date(2002, 3, 2),
                cell=cell,
            )
            subject = Subject.objects.get(pk=model.pk)
            subject.pk, subject.member = None, member
            subject.name, subject.sort_key = member.full_name, member.sort_key
            subject.save()
            added.append(subject.pk)
    return {"members": reviewed.count(), "added": added}


def assignee_login(*, username: str) -> dict:
    """A login for a member of the base committee above the login cell whom the base committee's
    staff (`dangu`) assigned to attend the cell's review meeting today (issue 15, R-SUP-1)."""
    from django.utils import timezone

    from reviews.supervision import attendance

    season = _season()
    cell = Role.objects.get(user__username="bithu", kind=Role.Kind.CELL_SECRETARY).organization
    unit = SeasonUnit.objects.select_related("parent", "season").get(season=season, organization=cell)
    User = get_user_model()
    user = User.objects.filter(username=username).first()
    if user is None:
        with transaction.atomic():
            member = (
                attendance.committee_members(unit)
                .filter(user__isnull=True)
                .exclude(cell=cell)
                .select_related("cell")
                .order_by("pk")
                .first()
            )
            if member is None:  # the roster gives the base committee a member from a sibling cell
                member = (
                    Member.objects.filter(
                        cell__path__startswith=unit.parent.path, user__isnull=True, status=Status.ACTIVE
                    )
                    .exclude(cell=cell)
                    .order_by("pk")
                    .first()
                )
                CommitteeSeat.objects.create(
                    member=member,
                    organization_id=unit.parent.organization_id,
                    position=CommitteeSeat.Position.MEMBER,
                    starts_on=datetime.date(season.year, 1, 1),
                )
            user = _login_for(member, username, season)
            attendance.assign(
                actor=User.objects.get(username="dangu"),
                unit=unit,
                attends_on=timezone.localdate(),
                member=member,
            )
    member = Member.objects.get(user=user)
    return {"name": member.full_name, "unit": unit.name, "code": unit.code, "season": season.pk}


def collective_to_propose(*, name: str) -> dict:
    """A collective under dangu's base organization reviewed at its meeting and waiting for the
    base committee's proposal (R-STEP-1) — the demo leaves several there — renamed `name`."""
    season = _season()
    dangu = get_user_model().objects.get(username="dangu")
    base_org = Role.objects.get(user=dangu, kind=Role.Kind.COMMITTEE_STAFF).organization
    base = SeasonUnit.objects.get(season=season, organization=base_org)
    subject = (
        Subject.objects.filter(
            season=season, path__startswith=base.path, state=S.REVIEWED, decider=base, out_of_scope=""
        )
        .exclude(kind=Subject.Kind.MEMBER)
        .order_by("path", "kind")
        .first()
    )
    assert subject is not None, "the demo left no collective waiting for the base committee's proposal"
    Subject.objects.filter(pk=subject.pk).update(name=name)
    return {"season": season.pk, "subject": subject.pk, "name": name}
