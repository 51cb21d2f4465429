"""A cell's season as an ordered checklist: what is done, what waits and whose move it is.

`cell_checklist` reads only what the page has already loaded (the cell's subjects and the year's
pledges), so the cell board and the home page pay no query per row. The order of the ratings
comes from the season's regime (`Regime.cell_rating_order`): under QĐ 124 the cell is rated before
its members (R-ORDER-6), under QĐ 366 after all of them (R366-ORDER-3). The reviews at the
meeting follow R-ORDER-3 / R366-ORDER-1: the head, then the deputies, then the others.

A blocker shared by several subjects is said once, on the step it holds, with the names
("12 đảng viên chưa nộp bản kiểm điểm: …"); a later step that waits for it says which step.
"""

from dataclasses import dataclass, field

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from members.models import Pledge
from reviews.facts import REVIEW_DONE
from reviews.models import Season, SeasonUnit, Subject
from reviews.regimes import regime_of
from reviews.rules import names as all_names

S = Subject.State
K = Subject.Kind
# A step is done, waits for someone's move, or comes later: it waits for an earlier step (not a
# blocker: nothing is wrong with it, its turn has not come).
DONE, WAITING, LATER = "done", "waiting", "later"
WRITING = (S.DRAFT, S.RETURNED)
RATED = (S.PROPOSED, S.DECIDED)


@dataclass
class Step:
    key: str
    label: str
    state: str = DONE
    url: str = ""
    moves: list[str] = field(default_factory=list)  # whose move, one sentence per party
    # Moves that can be made even while the step waits for an earlier one (a member may submit
    # before the meeting is recorded).
    independent: list[str] = field(default_factory=list)
    done: int = 0
    total: int = 0

    @property
    def is_done(self) -> bool:
        return self.state == DONE


@dataclass
class Checklist:
    steps: list[Step]

    @property
    def next(self) -> Step | None:
        return next((s for s in self.steps if not s.is_done), None)

    @property
    def done(self) -> int:
        return sum(s.is_done for s in self.steps)


def names(subjects) -> str:
    """Four names at most: the checklist says who, the rows below say the rest."""
    return all_names(subjects, limit=4)


def _waiting_for_forms(subjects: list[Subject]) -> str:
    """Whose move when reviews are not submitted: one person by name, a group with the names."""
    if len(subjects) == 1:
        return _("Waiting for comrade %(name)s to submit the review.") % {"name": subjects[0].name}
    return ngettext(
        "%(n)d member has not submitted the review: %(names)s.",
        "%(n)d members have not submitted the review: %(names)s.",
        len(subjects),
    ) % {"n": len(subjects), "names": names(subjects)}


def _committee(subject: Subject) -> str:
    return subject.decider.name if subject.decider_id else _("The deciding committee")


class _Builder:
    def __init__(self, season: Season, unit: SeasonUnit, subjects: list[Subject], pledges: dict):
        self.season, self.unit, self.pledges = season, unit, pledges
        self.members = sorted(
            [s for s in subjects if s.is_member and s.in_scope], key=lambda s: (s.position, s.sort_key, s.pk)
        )
        self.collectives = {s.kind: s for s in subjects if s.is_collective and s.in_scope}
        self.cell = self.collectives.get(K.ORGANIZATION)
        self.head = next((s for s in self.members if s.position == Subject.Position.HEAD), None)
        self.board = reverse("reviews:cell", args=[season.pk, unit.code])
        self.meeting = reverse("reviews:meeting", args=[season.pk, unit.code])
        self.steps: dict[str, Step] = {}

    def form_url(self, subject: Subject) -> str:
        return reverse("reviews:form", args=[self.season.pk, subject.pk])

    def add(self, step: Step, *, after: str = "") -> Step:
        """Add a step; if `after` is not done yet, the step waits for it (and says so)."""
        earlier = self.steps.get(after)
        if not step.is_done and earlier is not None and not earlier.is_done:
            step.state = LATER
            step.moves = [_("Waits for the step “%(step)s”.") % {"step": earlier.label}, *step.independent]
        self.steps[step.key] = step
        return step

    # -- the steps -----------------------------------------------------------------------------

    def pledges_step(self) -> Step:
        pledges = [self.pledges.get(m.member_id) for m in self.members]
        unwritten = [
            m
            for m, p in zip(self.members, pledges, strict=True)
            if p is None or p.state == Pledge.State.DRAFT
        ]
        to_acknowledge = [p for p in pledges if p is not None and p.state == Pledge.State.SUBMITTED]
        step = Step("pledges", _("Pledges acknowledged"), url=f"{self.board}#members-title")
        step.total = len(self.members)
        step.done = step.total - len(unwritten) - len(to_acknowledge)
        if to_acknowledge:
            step.moves.append(
                ngettext(
                    "The cell secretary acknowledges %(n)d pledge.",
                    "The cell secretary acknowledges %(n)d pledges.",
                    len(to_acknowledge),
                )
                % {"n": len(to_acknowledge)}
            )
        if unwritten:
            step.moves.append(
                ngettext(
                    "%(n)d member has not handed in the pledge: %(names)s.",
                    "%(n)d members have not handed in the pledge: %(names)s.",
                    len(unwritten),
                )
                % {"n": len(unwritten), "names": names(unwritten)}
            )
        step.state = WAITING if step.moves else DONE
        return step

    def report_step(self) -> Step | None:
        if self.cell is None:
            return None
        step = Step(
            "report",
            _("The cell's collective report (Form %(code)s)") % {"code": self.cell.form_code},
            url=self.form_url(self.cell),
            total=1,
        )
        if self.cell.state in WRITING:
            step.state = WAITING
            step.moves.append(_("The cell secretary writes and submits the cell's report."))
        else:
            step.done = 1
        return step

    def secretary_form_step(self) -> Step | None:
        if self.head is None:
            return None
        step = Step("secretary_form", _("The secretary's own review"), url=self.form_url(self.head), total=1)
        if self.head.state in WRITING:
            step.state = WAITING
            step.moves.append(_waiting_for_forms([self.head]))
        else:
            step.done = 1
        return step

    def meeting_step(self) -> Step | None:
        if self.cell is None:
            return None
        step = Step("meeting", _("The meeting minutes"), url=self.meeting, total=1)
        if self.cell.state in REVIEW_DONE or self.cell.state in RATED:
            step.done = 1
        else:
            step.state = WAITING
            step.moves.append(_("The cell secretary records the review meeting."))
        return step

    def review_step(self, key: str, label: str, subjects: list[Subject]) -> Step | None:
        """The reviews at the meeting of one group (head, deputies, others)."""
        if not subjects:
            return None
        step = Step(key, label, url=self.meeting, total=len(subjects))
        step.done = sum(s.state in REVIEW_DONE for s in subjects)
        unsubmitted = [s for s in subjects if s.state in WRITING]
        ready = [s for s in subjects if s.state == S.SUBMITTED]
        if unsubmitted and not (key == "head" and "secretary_form" in self.steps):
            step.independent.append(_waiting_for_forms(unsubmitted))
            step.moves.append(step.independent[-1])
        elif unsubmitted:
            step.moves.append(
                _("Waits for the step “%(step)s”.") % {"step": self.steps["secretary_form"].label}
            )
        if ready:
            step.moves.append(
                _("The cell secretary records the review of %(names)s at the meeting.")
                % {"names": names(ready)}
            )
        step.state = WAITING if step.moves else DONE
        return step

    def proposals_step(self) -> Step | None:
        rated = [m for m in self.members if m.state != S.ABSENT]
        if not rated:
            return None
        step = Step("proposals", _("Proposals for the members"), url=self.meeting, total=len(rated))
        step.done = sum(m.state in RATED for m in rated)
        ready = [m for m in rated if m.state == S.REVIEWED]
        if ready:
            step.moves.append(
                ngettext(
                    "The cell secretary proposes the level of %(n)d member: %(names)s.",
                    "The cell secretary proposes the levels of %(n)d members: %(names)s.",
                    len(ready),
                )
                % {"n": len(ready), "names": names(ready)}
            )
        elif step.done < step.total:
            step.moves.append(_("Waits for the members' reviews at the meeting."))
        step.state = WAITING if ready else (DONE if step.done == step.total else LATER)
        return step

    def collective_rating_step(self, subject: Subject) -> Step:
        label = (
            _("Rating of the cell") if subject.kind == K.ORGANIZATION else _("Rating of the cell committee")
        )
        url = reverse("reviews:subject", args=[self.season.pk, subject.pk])
        step = Step(f"rating_{subject.kind}", label, url=url, total=1)
        committee = _committee(subject)
        if subject.state == S.DECIDED:
            step.done = 1
        elif subject.state == S.REVIEWED:
            step.state = WAITING
            step.moves.append(
                _("%(committee)s proposes the level of %(name)s.")
                % {"committee": committee, "name": subject.name}
            )
        elif subject.state == S.PROPOSED:
            step.state = WAITING
            step.moves.append(
                _("%(committee)s decides the level of %(name)s.")
                % {"committee": committee, "name": subject.name}
            )
        else:
            step.state = LATER
            step.moves.append(_("Waits for its review at the meeting."))
        return step

    def member_ratings_step(self) -> Step | None:
        rated = [m for m in self.members if m.state != S.ABSENT]
        if not rated:
            return None
        step = Step(
            "rating_member", _("The members' ratings"), url=f"{self.board}#members-title", total=len(rated)
        )
        step.done = sum(m.state == S.DECIDED for m in rated)
        proposed = [m for m in rated if m.state == S.PROPOSED]
        if proposed:
            step.moves.append(
                ngettext(
                    "%(committee)s decides the level of %(n)d member.",
                    "%(committee)s decides the levels of %(n)d members.",
                    len(proposed),
                )
                % {"committee": _committee(proposed[0]), "n": len(proposed)}
            )
        elif step.done < step.total:
            step.moves.append(_("Waits for the proposals."))
        step.state = WAITING if proposed else (DONE if step.done == step.total else LATER)
        return step

    # -- the whole list ------------------------------------------------------------------------

    def build(self) -> Checklist:
        for step in (self.pledges_step(), self.report_step(), self.secretary_form_step()):
            if step:
                self.add(step)
        if meeting := self.meeting_step():
            self.add(meeting, after="report")
        groups = [
            (
                "head",
                _("Review of the head"),
                [m for m in self.members if m.position == Subject.Position.HEAD],
            ),
            (
                "deputies",
                _("Reviews of the deputies"),
                [m for m in self.members if m.position == Subject.Position.DEPUTY],
            ),
            (
                "others",
                _("Reviews of the other members"),
                [m for m in self.members if m.position == Subject.Position.MEMBER],
            ),
        ]
        previous = "meeting"
        for key, label, subjects in groups:
            if step := self.review_step(key, label, subjects):
                self.add(step, after=previous)
                previous = key
        if step := self.proposals_step():
            self.add(step)
        previous = "proposals"
        for kind in regime_of(self.season.rule_set).cell_rating_order:
            if kind == K.MEMBER:
                step = self.member_ratings_step()
            else:
                collective = self.collectives.get(kind)
                step = self.collective_rating_step(collective) if collective else None
            if step is None:
                continue
            earlier = self.steps.get(previous, Step("", ""))
            if kind != K.MEMBER and previous == "proposals":
                self.add(step)  # the first collective rated waits for nothing but its own review
            elif kind != K.MEMBER and self.collectives[kind].state == S.REVIEWED and not earlier.is_done:
                # A collective may be proposed now; only its decision waits for the earlier step.
                step.moves.append(_("The decision waits for the step “%(step)s”.") % {"step": earlier.label})
                self.add(step)
            else:
                self.add(step, after=previous)
            previous = step.key
        return Checklist(steps=list(self.steps.values()))


def cell_checklist(season: Season, unit: SeasonUnit, subjects: list[Subject], pledges: dict) -> Checklist:
    """The cell's ordered next steps. `subjects` are the cell's subjects (with `decider` loaded),
    `pledges` the year's pledges by member id. No query."""
    return _Builder(season, unit, subjects, pledges).build()
