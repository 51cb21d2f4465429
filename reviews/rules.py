"""The rules both regimes share, as guards: each returns reasons (Vietnamese sentences through
gettext) naming what blocks a step, never a bare boolean. Values come from the season's rule set
(`facts.rules`), never from settings. Every function names the rule it enforces.

How a level is derived and checked, and in which order subjects are rated, differs between
regimes: reviews/regimes/qd124/ and qd366/; the functions at the end of this module ask the
season's regime.
"""

import datetime
import math
from dataclasses import dataclass, field

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from reviews.facts import REVIEW_DONE, Facts
from reviews.models import Subject
from reviews.refusals import Reason, order_reason, tagged
from reviews.working_days import earliest_after, latest_before, working_days_between

S = Subject.State


@dataclass
class Verdict:
    blockers: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def allowed(self) -> bool:
        return not self.blockers


def names(subjects, limit: int = 10) -> str:
    listed = [s.name for s in subjects]
    text = ", ".join(listed[:limit])
    return text + (_(" and %(n)d more") % {"n": len(listed) - limit} if len(listed) > limit else "")


# -- forms (R-FORM) ------------------------------------------------------------------------------


def form_items(template: dict):
    for section in template["sections"]:
        yield from section["items"]


def pledge_problems(subject: Subject, facts: Facts, answers: dict) -> list[str]:
    """R-FORM-5: every pledge item of the year has its fulfilment assessed."""
    pledge = facts.pledges.get(subject.member_id)
    if pledge is None:
        return [_("There is no annual pledge for %(year)s to assess.") % {"year": facts.season.year}]
    unassessed = [
        str(n)
        for n, item in enumerate(facts.pledge_items(pledge), 1)
        if not (answers.get(f"pledge:{item.pk}") or {}).get("assessment")
    ]
    if unassessed:
        return [_("Pledge items not yet assessed: %(items)s.") % {"items": ", ".join(unassessed)}]
    return []


# -- levels (R-RATE) -------------------------------------------------------------------------------


def civil_service_problems(subject: Subject, level: str, facts: Facts) -> list[str]:
    """R-RATE-9 / R366-RATE-9: a civil-service KHTNV makes the party rating KHTNV; party HTXSNV needs
    civil-service HTXSNV."""
    rules = facts.rules
    if not (subject.is_member and subject.is_civil_servant and rules.switch("civil_service_link")):
        return []
    civil = subject.civil_service_level
    if not civil:
        return [
            Reason(
                _(
                    "The civil-service rating of this member is not recorded yet: the cell enters it, as "
                    "given by the member's agency, before the party rating."
                ),
                rule="R-RATE-9",
            )
        ]
    top, lowest = rules.level_codes()[0], rules.level_codes()[-1]
    if civil == lowest and level != lowest:
        return [
            Reason(
                _("Rated %(civil)s as a civil servant, so the party rating must be %(lowest)s.")
                % {"civil": civil, "lowest": lowest},
                rule="R-RATE-9",
            )
        ]
    if level == top and civil != top:
        return [
            Reason(
                _(
                    "%(top)s as a party member needs %(top)s as a civil servant; the civil-service rating "
                    "is %(civil)s."
                )
                % {"top": top, "civil": civil},
                rule="R-RATE-9",
            )
        ]
    return []


# -- order (R-ORDER) --------------------------------------------------------------------------------


def review_order_problems(
    subject: Subject, facts: Facts, reviewed_now: frozenset[int] = frozenset()
) -> list[str]:
    """R-ORDER-2: the collective before its members; R-ORDER-3: head, then deputies, then members;
    R-ORDER-4: prerequisite government/professional/mass collectives first (the same under QĐ 366:
    R366-ORDER-1)."""

    def done(s: Subject) -> bool:
        return s.state in REVIEW_DONE or s.pk in reviewed_now

    problems = []
    if subject.is_member:
        collective = facts.collective_of(subject.unit_id)
        if collective and collective.in_scope and not done(collective):
            problems.append(
                Reason(
                    _(
                        "Record the review of %(unit)s as a collective first, on the meeting page; the "
                        "members' reviews are recorded after it."
                    )
                    % {"unit": collective.name},
                    rule="R-ORDER-2",
                    who=_("the secretary of the meeting"),
                    url=reverse("reviews:meeting", args=[facts.season.pk, facts.units[subject.unit_id].code]),
                    link=_("Open the meeting page"),
                )
            )
        colleagues = [
            m for m in facts.unit_members.get(subject.unit_id, []) if m.in_scope and m.pk != subject.pk
        ]
        earlier = [m for m in colleagues if m.position < subject.position and not done(m)]
        if earlier:
            still = names(sorted(earlier, key=lambda m: m.position))
            problems.append(order_reason(facts.units[subject.unit_id], still))
    else:
        problems += affiliate_problems(subject, facts)
    return problems + _regime(facts).review_order_problems(subject, facts, reviewed_now)


def affiliate_problems(subject: Subject, facts: Facts) -> list[str]:
    """R-ORDER-4: the organization waits for its listed prerequisite collectives."""
    if not facts.rules.switch("prerequisite_collectives"):
        return []
    pending = facts.pending_affiliates.get(facts.units[subject.unit_id].organization_id, [])
    if pending:
        return [
            Reason(
                _(
                    "These collectives of the same unit must be reviewed first: %(names)s. The secretary "
                    "or the committee staff marks each one done on the page of prior collectives."
                )
                % {"names": ", ".join(pending)},
                rule="R-ORDER-4",
            )
        ]
    return []


def is_second_khtnv(subject: Subject, level: str, facts: Facts) -> bool:
    """R-RATE-11 / R366-RATE-12: a second consecutive KHTNV flags the member for the cell's
    consideration (removal from the roll)."""
    lowest = facts.rules.level_codes()[-1]
    return bool(
        subject.is_member
        and facts.rules.switch("second_khtnv_flag")
        and level == lowest
        and facts.previous_levels.get(subject.member_id) == lowest
    )


def outside_comment_problems(subject: Subject, facts: Facts) -> list[str]:
    """R-SCOPE-4 / R366-SCOPE-6: comments from the former cell (6 months or more there) or the cell
    of temporary registration come before a proposal."""
    have = facts.outside_comments.get(subject.pk, set())
    problems = []
    if subject.needs_former_cell_comment and "former" not in have:
        problems.append(
            Reason(
                _(
                    "Written comments from the former cell are not attached yet: attach them on the "
                    "member's page before proposing a level."
                ),
                rule="R-SCOPE-4",
            )
        )
    if subject.needs_temporary_cell_comment and "temporary" not in have:
        problems.append(
            Reason(
                _(
                    "Written comments from the cell of temporary registration are not attached yet: attach "
                    "them on the member's page before proposing a level."
                ),
                rule="R-SCOPE-4",
            )
        )
    return problems


def residence_comment_note(subject: Subject, facts: Facts) -> tuple[str, str]:
    """R366-REC-1: the comments of the party committee of the member's place of residence belong
    in the record. The rule set's switch says what their absence does before a proposal: "warn"
    (the default), "block", or nothing. Returns (what to do, the sentence)."""
    mode = facts.rules.switches.get("residence_comment", "off")
    if mode not in ("warn", "block") or not subject.is_member:
        return "", ""
    if "residence" in facts.outside_comments.get(subject.pk, set()):
        return "", ""
    return mode, _(
        "No comments yet from the party committee where the member lives (Article 17, Regulation "
        "366-QĐ/TW); attach them on the member's page."
    )


# -- the quota (R-RATE-2) -----------------------------------------------------------------------------


def group_quota(quota: dict, group) -> dict:
    """The quota of one group: the rule set's, or the rate its deciding committee raised it to
    for this season (R366-RATE-10)."""
    if group is not None and getattr(group, "raised_percent", None):
        return {**quota, "percent": group.raised_percent}
    return quota


def quota_limit(base_count: int, quota: dict) -> int:
    exact = base_count * quota["percent"] / 100
    rounding = quota.get("rounding", "down")
    if rounding == "up":
        return math.ceil(exact)
    if rounding == "nearest":
        return math.floor(exact + 0.5)
    return math.floor(exact)


@dataclass
class QuotaCount:
    label: str
    capped: int
    base: int
    limit: int
    percent: int
    capped_level: str
    base_level: str

    @property
    def exceeded(self) -> bool:
        return self.capped > self.limit

    def sentence(self) -> str:
        return _(
            "%(capped_level)s %(capped)d/%(limit)d allowed = %(percent)s%% × %(base)d %(base_level)s "
            "(%(label)s)"
        ) % vars(self)


def quota_count(label: str, levels: list[str], quota: dict) -> QuotaCount:
    capped_level, base_level = quota["capped_level"], quota["base_level"]
    base = sum(1 for level in levels if level == base_level)
    return QuotaCount(
        label=label,
        capped=sum(1 for level in levels if level == capped_level),
        base=base,
        limit=quota_limit(base, quota),
        percent=quota["percent"],
        capped_level=capped_level,
        base_level=base_level,
    )


def circulation_warning(held_on: datetime.date, circulated_on: datetime.date | None, rules) -> str:
    """R-ORDER-8 / R366-ORDER-5: the draft report goes out at least N working days before the
    meeting, counted strictly between the two days (reviews/working_days.py); a warning, not a
    block, that says who acts and the days that would do."""
    needed = rules.switch("circulation_working_days")
    if circulated_on is None:
        return _("The date the draft report was circulated is not recorded: enter it with the meeting.")
    got = working_days_between(circulated_on, held_on)  # 0 when sent on the day or after
    if got >= needed and circulated_on < held_on:
        return ""
    return ngettext(
        "The draft report was sent on %(sent)s, %(got)d working day before the meeting; at least "
        "%(needed)d are required (the day it is sent, the meeting day, weekends and public holidays do "
        "not count). The head of the collective (the secretary) sends the draft by %(latest)s for a "
        "meeting on %(held)s, or moves the meeting to %(earliest)s or later.",
        "The draft report was sent on %(sent)s, %(got)d working days before the meeting; at least "
        "%(needed)d are required (the day it is sent, the meeting day, weekends and public holidays do "
        "not count). The head of the collective (the secretary) sends the draft by %(latest)s for a "
        "meeting on %(held)s, or moves the meeting to %(earliest)s or later.",
        got,
    ) % {
        "sent": circulated_on.strftime("%d/%m/%Y"),
        "got": got,
        "needed": needed,
        "held": held_on.strftime("%d/%m/%Y"),
        "latest": latest_before(held_on, needed).strftime("%d/%m/%Y"),
        "earliest": earliest_after(circulated_on, needed).strftime("%d/%m/%Y"),
    }


# -- what each regime decides (reviews/regimes/) ---------------------------------------------------


def _regime(facts: Facts):
    from reviews.regimes import regime_of

    return regime_of(facts.rules)


def form_problems(subject: Subject, facts: Facts) -> list[str]:
    """What keeps a form from being submitted, by the season's regime."""
    return _regime(facts).form_problems(subject, facts)


def level_problems(subject: Subject, level: str, facts: Facts) -> list[str]:
    """All consistency checks between a level and what is known about the subject."""
    return tagged(_regime(facts).level_problems(subject, level, facts), "R-RATE")


def decision_order_problems(
    subject: Subject, facts: Facts, decided_now: frozenset[int] = frozenset()
) -> list[str]:
    """Which subjects must be rated before this one, by the season's regime."""
    return tagged(_regime(facts).decision_order_problems(subject, facts, decided_now), "R-ORDER")


def head_above_collective(
    subject: Subject, level: str, facts: Facts, levels_now: dict[int, str]
) -> str | None:
    return _regime(facts).head_above_collective(subject, level, facts, levels_now)


# -- the meeting's tallies (R-REC-2) --------------------------------------------------------------------


def vote_problems(votes: dict, present: int) -> list[str]:
    """R-REC-2: the minutes keep each subject's vote tally. Every member present votes once at most,
    so no count is negative, none is above those present, and together they are not either."""
    counts = {level: n for level, n in (votes or {}).items() if n is not None}
    problems = [
        _("the votes for %(level)s cannot be negative.") % {"level": level}
        for level, n in counts.items()
        if n < 0
    ]
    problems += [
        _("%(n)d votes for %(level)s, but only %(present)d members were present.")
        % {"n": n, "level": level, "present": present}
        for level, n in counts.items()
        if n > present
    ]
    total = sum(n for n in counts.values() if n > 0)
    if total > present and len(counts) > 1:
        problems.append(
            _("%(total)d votes in all, but only %(present)d members were present: each votes once at most.")
            % {"total": total, "present": present}
        )
    return problems
