"""Page: one subject for committee staff: its state, what the rules say about its next steps,
its history, and the actions their role allows (propose, return, reopen, cancel, suggest,
attach a former cell's comments)."""

from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import OuterRef, Subquery
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from config.widgets import DateInput
from organizations.models import CELL_KINDS
from reviews import access, services, workflow
from reviews.access import season_scope
from reviews.facts import Facts
from reviews.facts.with_subjects import ANNOTATED, facts_annotations
from reviews.models import (
    Decision,
    Event,
    FormerCellComment,
    QuotaGroup,
    Subject,
)
from reviews.quarters.results import year_panel
from reviews.regimes import regime_of
from reviews.views.common import get_season, get_subject, level_choices, run_step, state_label
from reviews.views.staff import points
from reviews.views.staff.common import back_to_subject, flag_labels, typed_unshown
from reviews.views.staff.equivalents import link_for as equivalents_link
from reviews.views.staff.subject_next import next_steps, write_action
from reviews.views.typed_back import TypedBack, typed_back

S = Subject.State
ACTION_LABELS = {
    "choose_form": gettext_lazy("Form chosen"),
    "submit": gettext_lazy("Review submitted"),
    "return": gettext_lazy("Review returned for rework"),
    "review": gettext_lazy("Reviewed at the meeting"),
    "absent": gettext_lazy("Marked as not reviewed"),
    "correct_review": gettext_lazy("Meeting record corrected"),
    "propose": gettext_lazy("Rating proposed"),
    "return_proposal": gettext_lazy("Proposal returned"),
    "decide": gettext_lazy("Rating decided"),
    "reopen": gettext_lazy("Decision reopened"),
    "cancel": gettext_lazy("Decision cancelled"),
    "rerate": gettext_lazy("Result cancelled and re-rated by the committee above"),
    "suggest": gettext_lazy("Review suggestion issued"),
    "outside_comment": gettext_lazy("Comments from another cell attached"),
    "remediation_plan": gettext_lazy("Remediation plan submitted"),
    "remediation_item": gettext_lazy("Progress of a remediation item recorded"),
    "change_profile": gettext_lazy("Scoring profile changed"),
    "order_check": gettext_lazy("Check ordered before the decision"),
    "conclude_check": gettext_lazy("Check concluded"),
    "quarter_submit": gettext_lazy("Quarterly self-assessment submitted"),
    "quarter_return": gettext_lazy("Quarterly self-assessment returned"),
    "quarter_decide": gettext_lazy("Quarter evaluated"),
}


class ReasonForm(forms.Form):
    # Not required here: an empty reason goes to the engine, which says why it is needed.
    reason = forms.CharField(
        label=gettext_lazy("Reason"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "required": True}),
    )


class CancelForm(ReasonForm):
    commendation_review = forms.BooleanField(
        label=gettext_lazy("Commendations based on this result must be looked at again"), required=False
    )


class ProposeForm(ReasonForm):
    level = forms.ChoiceField(label=gettext_lazy("Proposed level"))

    def __init__(self, *args, season, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["level"].choices = level_choices(season)
        self.fields["reason"].widget.attrs.pop("required")
        self.fields["reason"].label = _("Comment (optional)")


class SuggestionForm(forms.Form):
    text = forms.CharField(
        label=gettext_lazy("Suggestion"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "required": True}),
        help_text=gettext_lazy("The subject answers it in section IV of their review."),
    )

    def __init__(self, *args, season, **kwargs):
        super().__init__(*args, **kwargs)
        if season.rule_set.switches.get("meeting_min_days"):  # R366-SCOPE-8: the issuing level sets it
            self.fields["meeting_min_days"] = forms.IntegerField(
                label=_("The review meeting lasts at least (days)"),
                required=False,
                min_value=1,
                max_value=30,
                help_text=_("Empty: the minimum of the rule set."),
            )


class OutsideCommentForm(forms.Form):
    source = forms.ChoiceField(label=gettext_lazy("Comments from"), choices=FormerCellComment.Source.choices)
    from_name = forms.CharField(label=gettext_lazy("Name of that cell"), required=False, max_length=255)
    text = forms.CharField(
        label=gettext_lazy("Comments"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    received_on = forms.DateField(label=gettext_lazy("Received on"), widget=DateInput())

    def __init__(self, *args, sources=None, **kwargs):
        super().__init__(*args, **kwargs)
        if sources:
            self.fields["source"].choices = [c for c in FormerCellComment.Source.choices if c[0] in sources]


def _outside_sources(subject: Subject) -> list[str]:
    sources = []
    if subject.is_member and subject.season.rule_set.switches.get("residence_comment", "off") != "off":
        sources.append(FormerCellComment.Source.RESIDENCE)  # R366-REC-1
    if subject.needs_former_cell_comment:
        sources.append(FormerCellComment.Source.FORMER)
    if subject.needs_temporary_cell_comment:
        sources.append(FormerCellComment.Source.TEMPORARY)
    return sources


def _subject_actions(user, subject: Subject, kept: TypedBack) -> dict:
    """The actions this user's role allows on this subject in its state, each with its form (with
    what was typed in it before a refusal, `kept`)."""
    season = subject.season
    actions = {}
    if write := write_action(user, subject):
        actions["write"] = write
    if subject.state == S.REVIEWED and subject.is_collective and access.may_propose(user, subject) is None:
        actions["propose"] = ProposeForm(prefix="propose", season=season, initial=kept.initial("propose"))
    if subject.state == S.PROPOSED and access.may_decide(user, subject) is None:
        actions["return_proposal"] = ReasonForm(prefix="return", initial=kept.initial("return"))
        actions["decide_in_queue"] = True
    if subject.state in workflow.REDO_FROM and workflow.may_require_redo(user, subject) is None:
        actions["redo"] = ReasonForm(prefix="redo", initial=kept.initial("redo"))  # R-SUP-1
    if subject.state == S.DECIDED and access.may_reopen(user, subject) is None:
        actions["reopen"] = ReasonForm(prefix="reopen", initial=kept.initial("reopen"))
    if subject.state == S.DECIDED and access.may_cancel(user, subject) is None:
        actions["cancel"] = CancelForm(prefix="cancel", initial=kept.initial("cancel"))
    if subject.state == S.DECIDED and access.may_rerate(user, subject) is None:
        actions["rerate"] = True
    if (
        subject.state in (*workflow.EDITABLE, S.SUBMITTED)
        and subject.in_scope
        and access.may_issue_suggestion(user, subject) is None
    ):
        actions["suggest"] = SuggestionForm(prefix="suggest", season=season, initial=kept.initial("suggest"))
    sources = _outside_sources(subject)
    if sources and subject.in_scope and access.may_return_form(user, subject) is None:
        actions["outside_comment"] = OutsideCommentForm(
            prefix="comment", sources=sources, initial=kept.initial("comment")
        )
    if regime_of(season.rule_set).uses_points and subject.in_scope:
        actions.update(points.actions(user, subject, kept))
    return actions


# Read with the subject on its page (one query): its form and meeting entry for the Facts, its
# remediation plan, and the organization above (the link to its board).
SUBJECT_PAGE_RELATED = (
    "form__entered_by",
    "meeting_entry__meeting",
    "remediation_plan__submitted_by",
    "unit__parent",
)


def _unit_url(subject: Subject) -> str:
    """The page of the subject's organization: a cell's board, another's progress."""
    name = "reviews:cell" if subject.unit.kind in CELL_KINDS else "reviews:blockers"
    return reverse(name, args=[subject.season_id, subject.unit.code])


@login_required
@require_GET
def subject_page(request, season, subject):
    season = get_season(season)
    quota_label = QuotaGroup.objects.filter(season=season, key=OuterRef("quota_key")).values("label")[:1]
    subject = get_subject(
        request,
        season,
        subject,
        related=SUBJECT_PAGE_RELATED,
        quota_label=Subquery(quota_label),
        **facts_annotations(season),
    )
    facts = Facts(season, [subject], loaded=("form", "meeting_entry", *ANNOTATED))
    kept = typed_back(request, request.path)
    uses_points = regime_of(season.rule_set).uses_points
    events = list(Event.objects.filter(subject=subject).select_related("actor").order_by("seq"))
    for event in events:
        event.action_label = ACTION_LABELS.get(event.action, event.action)
        event.from_label = (
            state_label(event.from_state, collective=subject.is_collective) if event.from_state else ""
        )
        event.to_label = (
            state_label(event.to_state, collective=subject.is_collective) if event.to_state else ""
        )
    entry = facts.meeting_entries.get(subject.pk)
    decisions = list(subject.decisions.select_related("decider", "decided_by", "ended_by"))
    plan = getattr(subject, "remediation_plan", None)
    outside = list(subject.outside_comments.select_related("recorded_by").order_by("received_on", "id"))
    have = {c.source for c in outside}
    scope = season_scope(request.user, season)
    parent = subject.unit.parent
    if parent is not None and not scope.can_view_path(parent.path):
        parent = None
    return render(
        request,
        "reviews/staff/subject.html",
        {
            "season": season,
            "subject": subject,
            "rule_set": season.rule_set,
            "decided_label": season.rule_set.level_label(subject.decided_level),
            "board_unit": parent,
            "unit_url": _unit_url(subject) if scope.can_view_path(subject.unit.path) else "",
            "deciding_unit": access.deciding_unit(subject),
            "quota_label": subject.quota_label or "",
            "next_steps": next_steps(subject, facts) if subject.in_scope else [],
            "quarters": year_panel(subject),
            "flags": flag_labels(subject),
            "events": events,
            "decisions": decisions,
            # R366-STEP-2: a result cancelled and decided again is issued as a form 03 decision.
            "rerated": subject.state == S.DECIDED
            and any(d.status == Decision.Status.CANCELLED for d in decisions),
            "entry": entry,
            "meeting": entry.meeting if entry else None,
            "suggestions": facts.suggestions.get(subject.pk, []),
            "outside": outside,
            "missing_outside": [
                FormerCellComment.Source(s).label for s in _outside_sources(subject) if s not in have
            ],
            "plan": plan,
            "plan_items": list(plan.items.all()) if plan else [],
            "actions": (actions := _subject_actions(request.user, subject, kept)),
            "points": (panel := points.points_panel(subject, facts, kept) if uses_points else None),
            "typed_unshown": typed_unshown(kept, actions, panel),
            "is_own": access.is_own(request.user, subject),
            "equivalents_url": equivalents_link(request.user, subject),  # R-SUP-2
            "queue_url": reverse("reviews:queue", args=[season.pk])
            + "?"
            + urlencode({"org": subject.unit.code, "state": S.PROPOSED}),
        },
    )


def _subject_for_action(request, season, pk) -> Subject:
    return get_subject(request, get_season(season), pk)


def _form_data(form_class, request, **kwargs):
    form = form_class(request.POST, **kwargs)
    form.is_valid()
    return form, form.cleaned_data


def _form_errors(request, form) -> None:
    """Each error of a refused form, naming its field."""
    for name, errors in form.errors.items():
        for error in errors:
            messages.error(request, f"{form.fields[name].label}: {error}")


@login_required
@require_POST
def subject_propose(request, season, subject):
    """Staff of the deciding committee propose the rating of a collective (R-STEP-1)."""
    subject = _subject_for_action(request, season, subject)
    access.require(access.may_propose(request.user, subject))
    level = request.POST.get("propose-level", "")
    reason = request.POST.get("propose-reason", "")
    done = run_step(
        request,
        lambda: workflow.propose(
            proposals=[workflow.ProposalInput(subject=subject, level=level, reason=reason)],
            actor=request.user,
        ),
        success=_("Rating proposed: %(level)s.") % {"level": level},
    )
    return back_to_subject(request, subject, done=done, action="propose")


@login_required
@require_POST
def subject_return_proposal(request, season, subject):
    subject = _subject_for_action(request, season, subject)
    access.require(access.may_decide(request.user, subject))
    reason = request.POST.get("return-reason", "")
    done = run_step(
        request,
        lambda: workflow.return_proposal(subject=subject, actor=request.user, reason=reason),
        success=_("The proposal was returned to be appraised again."),
    )
    return back_to_subject(request, subject, done=done, action="return")


@login_required
@require_POST
def subject_reopen(request, season, subject):
    """R-STEP-4: the deciding level or above reopens a decided rating, with a reason."""
    subject = _subject_for_action(request, season, subject)
    access.require(access.may_reopen(request.user, subject))
    reason = request.POST.get("reopen-reason", "")
    done = run_step(
        request,
        lambda: workflow.reopen(subject=subject, actor=request.user, reason=reason),
        success=_("The decision was reopened; the rating can be decided again."),
    )
    return back_to_subject(request, subject, done=done, action="reopen")


@login_required
@require_POST
def subject_cancel(request, season, subject):
    """R-STEP-3: the committee directly above cancels a decided rating, with a reason."""
    subject = _subject_for_action(request, season, subject)
    access.require(access.may_cancel(request.user, subject))
    reason = request.POST.get("cancel-reason", "")
    commendation = request.POST.get("cancel-commendation_review") in ("on", "true", "1")
    done = run_step(
        request,
        lambda: workflow.cancel(
            subject=subject, actor=request.user, reason=reason, commendation_review=commendation
        ),
        success=_("The decision was cancelled and stays on record; the rating must be decided again."),
    )
    return back_to_subject(request, subject, done=done, action="cancel")


@login_required
@require_POST
def subject_suggest(request, season, subject):
    """R-FORM-4: an upper level issues a review suggestion."""
    subject = _subject_for_action(request, season, subject)
    access.require(access.may_issue_suggestion(request.user, subject))
    form, data = _form_data(SuggestionForm, request, prefix="suggest", season=subject.season)
    if form.errors:  # the meeting's length (R366-SCOPE-8): a whole number of days, 1 to 30
        _form_errors(request, form)
        return back_to_subject(request, subject, done=False, action="suggest")
    done = run_step(
        request,
        lambda: services.issue_suggestion(
            subject=subject,
            actor=request.user,
            text=data.get("text", ""),
            meeting_min_days=data.get("meeting_min_days"),
        ),
        success=_("The review suggestion was issued."),
    )
    return back_to_subject(request, subject, done=done, action="suggest")


@login_required
@require_POST
def subject_outside_comment(request, season, subject):
    """R-SCOPE-4: the written comments of a former cell or of the cell of temporary registration."""
    subject = _subject_for_action(request, season, subject)
    access.require(access.may_return_form(request.user, subject))
    form, data = _form_data(OutsideCommentForm, request, prefix="comment")
    if "received_on" not in data or "source" not in data:
        _form_errors(request, form)
        return back_to_subject(request, subject, done=False, action="comment")
    done = run_step(
        request,
        lambda: services.attach_outside_comment(
            subject=subject,
            actor=request.user,
            source=data["source"],
            from_name=data.get("from_name", ""),
            text=data.get("text", ""),
            received_on=data["received_on"],
        ),
        success=_("The comments were attached."),
    )
    return back_to_subject(request, subject, done=done, action="comment")
