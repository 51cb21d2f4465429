"""The season under review on the seeding day: work at every stage, so that each demo login has
something to do."""

import datetime
import random

from members.models import Pledge
from organizations.models import CELL_KINDS, AffiliatedCollective, Organization
from reviews import workflow
from reviews.demo.cast import Cast
from reviews.demo.forms import _fill, _pledge, _submit
from reviews.demo.steps import (
    _collectives,
    _meeting,
    _meeting_day,
    _members,
    _propose_collectives,
    _run_cell,
    _secretary,
    _subject,
)
from reviews.models import Season, SeasonUnit, Subject
from reviews.services import issue_suggestion, mark_affiliate_reviewed

S = Subject.State


def _stage(season: Season, cast: Cast, rng: random.Random) -> None:
    cells = list(
        Organization.objects.filter(
            path__startswith=cast.base.path, kind__in=CELL_KINDS, dissolved_on__isnull=True
        )
        .exclude(pk=cast.login_cell.pk)
        .order_by("path")
    )
    in_season = set(
        SeasonUnit.objects.filter(season=season, organization__in=cells).values_list(
            "organization_id", flat=True
        )
    )
    cells = [c for c in cells if c.pk in in_season and _members(season, c)]
    decided_cell, proposed_cell, *others = cells

    # A cell already decided by the base committee, with its members (no HTXSNV yet, so the
    # quota meter of the next cell starts from its HTTNV).
    # One batch: the engine checks and decides it in the regime's order (under QĐ 366 the members
    # before their cell).
    _run_cell(season, decided_cell, rng, stop_at="proposed", any_excellent=False)
    _propose_collectives(season, decided_cell, cast.dangu)
    ready = _collectives(season, decided_cell) + [
        _subject(season, pk=m.pk) for m in _members(season, decided_cell)
    ]
    workflow.decide(
        decisions=[workflow.DecisionInput(subject=s) for s in ready if s.state == S.PROPOSED],
        actor=cast.dangu,
    )

    # A cell proposed and waiting for the base committee (dangu); deciding all its HTXSNV
    # proposals at once would go over the quota.
    _run_cell(season, proposed_cell, rng, stop_at="proposed", excellent=4)
    _propose_collectives(season, proposed_cell, cast.dangu)

    # Other cells of the base organization at earlier steps.
    for cell, step in zip(others, ["reviewed", "submitted"] * len(others), strict=False):
        _run_cell(season, cell, rng, stop_at=step)

    _stage_login_cell(season, cast, rng)
    _stage_base(season, cast)
    _stage_sibling_base(season, cast, rng)


def _stage_login_cell(season: Season, cast: Cast, rng: random.Random) -> None:
    """The cell of `dangvien` and `bithu`: the secretary's work is still to do."""
    members = _members(season, cast.login_cell)
    others = [
        m for m in members if m.member_id not in (cast.dangvien.pk,) and m.member.user_id != cast.bithu.pk
    ]
    for member in members:
        state = Pledge.State.SUBMITTED if member in others[:2] else Pledge.State.ACKNOWLEDGED
        _pledge(member.member, season.year, state=state, secretary=cast.bithu)
    collective = _subject(season, unit__organization=cast.login_cell, kind=Subject.Kind.ORGANIZATION)
    _fill(collective, cast.bithu, "HTTNV", complete=False)
    dangvien = _subject(season, member=cast.dangvien)
    _fill(dangvien, cast.dangvien.user, "HTTNV", complete=False)
    issue_suggestion(
        subject=dangvien,
        actor=cast.dangu,
        text="Đề nghị đồng chí làm rõ việc chậm hoàn thành báo cáo chuyên đề quý III.",
    )
    issue_suggestion(
        subject=collective,
        actor=cast.dangu,
        text="Đề nghị chi bộ làm rõ nguyên nhân tỷ lệ đảng viên dự sinh hoạt chưa cao.",
    )
    bithu = next((m for m in members if m.member.user_id == cast.bithu.pk), None)
    if bithu is not None:
        _fill(bithu, cast.bithu, "HTTNV", complete=False)
    ready = others[2:]
    submitted = ready[: int(len(ready) * 0.6)]
    for member in submitted:
        _submit(member, cast.bithu, "HTTNV")
    if submitted:
        workflow.return_form(
            subject=_subject(season, pk=submitted[-1].pk),
            actor=cast.bithu,
            reason="Đề nghị bổ sung mục II: nêu rõ hạn chế và nguyên nhân.",
        )
    for member in ready[len(submitted) :][:3]:
        _fill(member, member.member.user or cast.bithu, "HTTNV", complete=False)


def _stage_base(season: Season, cast: Cast) -> None:
    """The base organization reviewed and proposed, but blocked: its cells are not all rated."""
    for affiliate in AffiliatedCollective.objects.filter(organization=cast.base):
        mark_affiliate_reviewed(
            season=season,
            affiliate=affiliate,
            actor=cast.dangu,
            done_on=_meeting_day(season) - datetime.timedelta(days=8),
        )
    for collective in _collectives(season, cast.base):
        _submit(collective, cast.dangu, "HTTNV")
        _meeting(_subject(season, pk=collective.pk), cast.dangu)
    _propose_collectives(season, cast.base, cast.bantochuc)


def _stage_sibling_base(season: Season, cast: Cast, rng: random.Random) -> None:
    """A base cell of the same commune, proposed and ready for the commune's decision."""
    sibling = (
        Organization.objects.filter(
            path__startswith=cast.commune.path, kind="base_cell", dissolved_on__isnull=True
        )
        .exclude(pk=cast.base.pk)
        .order_by("path")
        .first()
    )
    if sibling is None or not SeasonUnit.objects.filter(season=season, organization=sibling).exists():
        return
    if not _members(season, sibling):
        return
    for affiliate in AffiliatedCollective.objects.filter(organization=sibling):
        mark_affiliate_reviewed(
            season=season,
            affiliate=affiliate,
            actor=_secretary(season, sibling),
            done_on=_meeting_day(season) - datetime.timedelta(days=8),
        )
    _run_cell(season, sibling, rng, stop_at="proposed")
    _propose_collectives(season, sibling, cast.bantochuc)
