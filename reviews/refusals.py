"""Refusals as the user reads them: a sentence in plain Vietnamese that may carry the rule it
enforces (for code, tests and logs, never shown), who must act and the page where it is done."""

from django.urls import reverse
from django.utils.translation import gettext as _

from reviews.models import SeasonUnit, Subject


class Reason(str):
    """A refusal sentence that also keeps, for code and tests, the rule it enforces (`rule`), and,
    when known, who must act (`who`) and where it is done (`url`, with the link text `link`).
    A sentence that lists things (`listing`) keeps them too: each name with the place where it is
    put right (`items`), the words around the list (`lead`, `tail`), and whether the names are
    long enough to go one under another (`as_list`). It is a str, so every place that shows or
    joins sentences keeps working."""

    rule: str
    who: str
    url: str
    link: str
    items: tuple[tuple[str, str], ...]
    lead: str
    tail: str
    as_list: bool

    def __new__(
        cls,
        text: str,
        *,
        rule: str = "",
        who: str = "",
        url: str = "",
        link: str = "",
        items: tuple[tuple[str, str], ...] = (),
        lead: str = "",
        tail: str = "",
        as_list: bool = False,
    ):
        reason = super().__new__(cls, text)
        reason.rule, reason.who, reason.url, reason.link = rule, who, url, link
        reason.items, reason.lead, reason.tail, reason.as_list = tuple(items), lead, tail, as_list
        return reason

    def _with(self, text: str | None = None, **changes) -> "Reason":
        kept = {name: getattr(self, name) for name in _KEPT}
        return Reason(str(self) if text is None else text, **{**kept, **changes})

    def prefixed(self, prefix: str) -> "Reason":
        return self._with(f"{prefix}{self}", lead=f"{prefix}{self.lead}" if self.items else "")

    def with_rule(self, rule: str) -> "Reason":
        return self._with(rule=rule)


_KEPT = ("rule", "who", "url", "link", "items", "lead", "tail", "as_list")


def listing(
    sentence: str, items: list[tuple[str, str]], *, separator: str = ", ", as_list: bool = False
) -> Reason:
    """A sentence naming things, `sentence` (translated) with `%(items)s` where their names go:
    the names joined by `separator` in the text, each kept with the place where it is put right
    (its url, or "" for none) for pages that link them."""
    text = sentence % {"items": separator.join(name for name, _url in items)}
    lead, _mark, tail = (sentence % {"items": "\x00"}).partition("\x00")
    return Reason(text, items=tuple(items), lead=lead, tail=tail, as_list=as_list)


def as_reason(reason: str, rule: str = "") -> Reason:
    """`reason` as a Reason keeping what it carries, with `rule` unless it names its own."""
    if isinstance(reason, Reason):
        return reason if reason.rule or not rule else reason.with_rule(rule)
    return Reason(reason, rule=rule)


def tagged(reasons: list[str], rule: str) -> list[str]:
    """The reasons, each carrying `rule` unless it names its own."""
    return [as_reason(r, rule) for r in reasons]


def form_place(subject: Subject, fragment: str) -> str:
    """The place on the subject's form where something is put right: its url and the id there."""
    return f"{_form_url(subject)}#{fragment}"


def item_fragment(key: str) -> str:
    """The id of a form item's card ("VI" → "item-VI", "I.1" → "item-I-1")."""
    return "item-" + "".join(c if c.isalnum() else "-" for c in key)


def state_reason(subject: Subject, step: str, label: str) -> Reason:
    """Why `step` (a key of workflow.STEP_LABELS, shown as `label`) waits for an earlier step of
    the subject, who takes it and where."""
    state = subject.state
    if state in (Subject.State.DRAFT, Subject.State.RETURNED) and step in ("review", "propose", "decide"):
        if subject.is_member:
            text = _("The review is not submitted yet: the member submits it before %(step)s.")
            who, link = _("the member"), _("Open the review")
        else:
            text = _(
                "The collective's review report (Form 01) is not submitted yet: submit it before %(step)s."
            )
            who, link = _("the secretary or the committee staff"), _("Open the report")
        return Reason(text % {"step": label}, rule="R-ORDER-1", who=who, url=_form_url(subject), link=link)
    if state == Subject.State.ABSENT and step in ("propose", "decide"):
        return Reason(
            _("Not reviewed at the meeting (%(why)s): record the review once it is held, before %(step)s.")
            % {"why": subject.absent_reason or _("no reason given"), "step": label},
            rule="R-SCOPE-6",
            who=_("the secretary of the meeting"),
            url=_meeting_url(subject),
            link=_("Open the meeting page"),
        )
    if state == Subject.State.SUBMITTED and step in ("propose", "decide"):
        # R-ORDER-1: no rating step before the review meeting is recorded.
        return Reason(
            _("The review meeting is not recorded yet: record the meeting's review before %(step)s.")
            % {"step": label},
            rule="R-ORDER-1",
            who=_("the secretary of the meeting"),
            url=_meeting_url(subject),
            link=_("Open the meeting page"),
        )
    if state == Subject.State.REVIEWED and step == "decide":
        return Reason(
            _("No level is proposed yet: the level is proposed before it is decided."),
            rule="R-STEP-1",
            who=_("the cell committee or the committee staff"),
        )
    if step in ("reopen", "cancel"):
        return Reason(
            _("Only a decided rating can be reopened or cancelled; this one is at “%(state)s”.")
            % {"state": subject.get_state_display()},
            rule="R-STEP-4",
        )
    if state == Subject.State.DECIDED:
        return Reason(
            _("The rating is decided: the deciding level reopens it before %(step)s.") % {"step": label},
            rule="R-STEP-4",
            who=_("the deciding level"),
        )
    return Reason(
        _("It is at “%(state)s”; %(step)s is not possible now.")
        % {"state": subject.get_state_display(), "step": label}
    )


def order_reason(unit: SeasonUnit, names: str) -> Reason:
    """R-ORDER-3: the members of a unit are reviewed head first, then deputies, then the others,
    in a cell named by their posts (a cell is headed by its secretary)."""
    if unit.is_cell:
        text = _(
            "Review the cell secretary first, then the deputy secretary, then the other members; still "
            "to review: %(names)s."
        )
    else:
        text = _(
            "Review the head first, then the deputies, then the other members; still to review: %(names)s."
        )
    return Reason(text % {"names": names}, rule="R-ORDER-3")


def whose_move(subject: Subject, step: str) -> Reason | None:
    """Who takes `step` (a key of workflow.STEP_LABELS) next for the subject, and where: the author
    writes and submits (a member; for a collective's report the secretary or the committee staff),
    the meeting's secretary records the meeting or returns a review, the cell committee (a member)
    or the deciding committee's staff (a collective) proposes, the deciding level decides."""
    if step == "submit":
        if subject.is_member:
            return Reason(
                _("Write and submit the review."),
                who=_("the member"),
                url=_form_url(subject),
                link=_("Open the review"),
            )
        return Reason(
            _("Write and submit the report."),
            who=_("the secretary or the committee staff"),
            url=_form_url(subject),
            link=_("Open the report"),
        )
    if step in ("review", "return"):
        return Reason(
            _("Review it at the meeting, or return it for rework."),
            who=_("the secretary of the meeting"),
            url=_meeting_url(subject),
            link=_("Open the meeting page"),
        )
    if step == "propose":
        who = _("the cell committee or the committee staff") if subject.is_member else _("the deciding level")
        return Reason(_("Propose a level."), who=who)
    if step == "decide":
        return Reason(_("Decide the level."), who=_("the deciding level"))
    return None


def _form_url(subject: Subject) -> str:
    return reverse("reviews:form", args=[subject.season_id, subject.pk])


def _meeting_url(subject: Subject) -> str:
    """The meeting page of the subject's unit, when the unit is at hand (no query for a link)."""
    if not Subject._meta.get_field("unit").is_cached(subject):
        return ""
    return reverse("reviews:meeting", args=[subject.season_id, subject.unit.code])
