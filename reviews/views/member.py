"""Pages: member. The self-review form (02A/02B, or 01 for a collective), saved item by item as
the author types; its printable copy; and the member's own result with the cell's published
results (R-REC-1). The cell secretary may enter a member's form on their behalf; the engine
records it and the page says so."""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from members.models import Member
from reviews import access, services, workflow
from reviews.facts import Facts
from reviews.models import Decision, Event, Subject, Suggestion
from reviews.notifications import published_results
from reviews.quarters.results import year_panel
from reviews.regimes import regime_of
from reviews.rules import form_items
from reviews.views import form_points
from reviews.views.common import SUBJECT_RELATED, get_season, get_subject, run_step
from reviews.views.form_answers import ASSESSMENTS, applies, clean_answer, clean_text, dom_id
from reviews.views.form_references import reference_lists
from reviews.views.form_typed import keep_answer, put_back_answer, suggestion_action
from reviews.views.form_wording import form_wording
from reviews.views.typed_back import typed_back


def _deadline(season) -> datetime.date | None:
    value = (season.deadlines or {}).get("self_review")
    try:
        return datetime.date.fromisoformat(value) if value else None
    except ValueError:
        return None


# What the form's tags (reviews/templatetags/form_cards.py, form_parts.py) read of every item and
# answer, present on each: they index these keys directly.
_ITEM_SHOWN = {"references": False, "criterion": None, "required": None}
_ANSWER_SHOWN = {"text": "", "grade": "", "level": ""}


def _row(item: dict, answers: dict, rule_set) -> dict:
    answer = {**_ANSWER_SHOWN, **(answers.get(item["key"]) or {})}
    return {
        "item": {**_ITEM_SHOWN, **item},
        "key": item["key"],
        "dom": dom_id(item["key"]),
        "type": item["type"],
        "answer": answer,
        "grade_label": rule_set.grade_label(answer.get("grade")),
        "level_label": rule_set.level_label(answer.get("level")),
    }


# -- the form page ------------------------------------------------------------------------------------


FORM_WITH_SUBJECT = ("form__entered_by",)  # the form page reads the form with its subject


def _form_context(request, subject: Subject, loaded: tuple[str, ...] = ()) -> dict:
    """Everything the form page and its printable copy show, in a fixed number of queries."""
    season, rule_set = subject.season, subject.season.rule_set
    template = rule_set.template(subject.form_code)
    facts = Facts(season, [subject], loaded=loaded)
    form = facts.forms.get(subject.pk)
    answers = (form.answers if form else {}) or {}
    user = request.user
    editable = (
        subject.in_scope
        and subject.state in workflow.EDITABLE
        and access.may_edit_form(user, subject) is None
    )
    items = [i for i in form_items(template) if applies(i, subject)]
    kinds = {i["type"] for i in items}

    pledge, pledge_rows = None, []
    if "pledge" in kinds and subject.is_member:
        pledge = facts.pledges.get(subject.member_id)
        assessments = dict(ASSESSMENTS)
        for pledge_item in facts.pledge_items(pledge):
            key = f"pledge:{pledge_item.pk}"
            answer = answers.get(key) or {}
            pledge_rows.append(
                {
                    "item": pledge_item,
                    "key": key,
                    "dom": dom_id(key),
                    "answer": answer,
                    "assessment_label": assessments.get(answer.get("assessment"), ""),
                }
            )
    suggestions = facts.suggestions.get(subject.pk, []) if "suggestions" in kinds else []
    ticked = set((answers.get("refs") or {}).get("ticked") or [])
    # A read-only form shows only the ticked items: none ticked, nothing to read.
    shows_references = (editable or ticked) and any(i.get("references") for i in items)
    references = reference_lists(ticked) if shows_references else []
    previous = services.previous_shortcomings(subject) if "remediation" in kinds else {}

    sections = []
    for section in template["sections"]:
        rows = [_row(i, answers, rule_set) for i in section["items"] if applies(i, subject)]
        if rows:
            sections.append(
                {
                    "key": section["key"],
                    "title": section["title"],
                    "dom": dom_id(section["key"]),
                    "rows": rows,
                }
            )
    returned = None
    if subject.state == Subject.State.RETURNED:
        returned = (
            Event.objects.filter(subject=subject, to_state=Subject.State.RETURNED)
            .order_by("-seq")
            .values("reason", "at")
            .first()
        )
    own = access.is_own(user, subject)
    return {
        **form_wording(subject, facts),
        "season": season,
        "subject": subject,
        "template": template,
        "sections": sections,
        "form": form,
        "answers": answers,
        "editable": editable,
        "own": own,
        "on_behalf": subject.is_member and not own,
        "entered_by": form.entered_by if form and form.entered_on_behalf else None,
        "state_label": subject.get_state_display(),
        "grades": rule_set.grades,
        "levels": rule_set.levels,
        "assessments": ASSESSMENTS,
        "pledge": pledge,
        "pledge_rows": pledge_rows,
        "suggestions": suggestions,
        "references": references,
        "ticked_count": len(ticked),
        "previous": previous,
        "returned": returned,
        "deadline": _deadline(season),
        "blockers": workflow.blockers(subject, "submit", actor=user, facts=facts).blockers
        if editable
        else [],
        "part_b": form_points.part_b(subject, facts, answers) if regime_of(rule_set).uses_points else None,
        "quarters": year_panel(subject),
        # every item's form posts here: reversed once, not at each of the page's twenty forms
        "save_url": reverse("reviews:form-save", kwargs={"season": season.pk, "subject": subject.pk}),
    }


def _form_url(subject: Subject, dom: str = "") -> str:
    url = reverse("reviews:form", kwargs={"season": subject.season_id, "subject": subject.pk})
    return f"{url}#item-{dom}" if dom else url


@login_required
def my_form(request, season: int):
    """The user's own self-review in this season."""
    season = get_season(season)
    subject = Subject.objects.filter(season=season, member__user=request.user).only("pk").first()
    if subject is None:
        raise Http404
    return redirect("reviews:form", season=season.pk, subject=subject.pk)


@login_required
def review_form(request, season: int, subject: int):
    subject = get_subject(request, get_season(season), subject, related=FORM_WITH_SUBJECT)
    context = _form_context(request, subject, loaded=("form",))
    # An answer saved without JavaScript and refused: back in its fields, or to be copied.
    context["typed_unshown"] = put_back_answer(context, typed_back(request, request.path))
    return render(request, "reviews/member/form.html", context)


@login_required
def print_form(request, season: int, subject: int):
    subject = get_subject(request, get_season(season), subject, related=("unit__parent",))
    context = _form_context(request, subject)
    context["today"] = timezone.localdate()
    return render(request, "reviews/member/form_print.html", context)


@login_required
@require_GET
def form_blockers(request, season: int, subject: int):
    """What still keeps the form from being submitted, with the submit button offered only when
    nothing does (refreshed when the submit step opens, and after a save while it is open)."""
    subject = get_subject(request, get_season(season), subject)
    if not request.htmx:
        return redirect(_form_url(subject) + "#sec-submit")
    facts = Facts(subject.season, [subject])
    context = {
        **form_wording(subject, facts),
        "season": subject.season,
        "subject": subject,
        "on_behalf": subject.is_member and not access.is_own(request.user, subject),
        "blockers": workflow.blockers(subject, "submit", actor=request.user, facts=facts).blockers,
        "oob": True,  # the count on the step's tab too
    }
    return render(request, "reviews/member/_blockers.html", context)


def _saved(
    request, subject: Subject, *, action: str, dom: str, saved_at=None, error: str | None = None, summary=None
):
    """The answer to an autosave: a small partial for htmx (with part B's totals when they changed),
    otherwise back to the item, with the answer of a refusal kept for the form (form_typed)."""
    if request.htmx:
        context = {"saved_at": saved_at, "error": error, "dom": dom, "part_b": summary}
        return render(request, "reviews/member/_save_status.html", context)
    if error:
        messages.error(request, error)
        keep_answer(request, _form_url(subject), action)
    else:
        messages.success(request, _("Saved."))
    return redirect(_form_url(subject, dom))


@login_required
@require_POST
def save_item(request, season: int, subject: int):
    """Autosave one item: workflow.save_answer merges the posted fields under the item's key."""
    subject = get_subject(request, get_season(season), subject)
    access.require(access.may_edit_form(request.user, subject))
    key = request.POST.get("key", "")
    value, error = clean_answer(request.POST, subject, key)
    saved_at, summary = None, None
    if error is None:
        try:
            form = workflow.save_answer(subject=subject, actor=request.user, key=key, value=value)
            saved_at = form.saved_at
        except workflow.NotAllowed as refusal:
            access.require(" ".join(refusal.reasons))
        except workflow.WorkflowError as refusal:
            error = " ".join(refusal.reasons)
        else:
            if key in ("B.I", "B.II") and regime_of(subject.season.rule_set).uses_points:
                summary = form_points.part_b(subject, Facts(subject.season, [subject]), form.answers)
    return _saved(
        request, subject, action=key, dom=dom_id(key), saved_at=saved_at, error=error, summary=summary
    )


@login_required
@require_POST
def answer_suggestion(request, season: int, subject: int, suggestion: int):
    """Section IV: the author's answer to a review suggestion (R-FORM-4)."""
    subject = get_subject(request, get_season(season), subject)
    access.require(access.may_edit_form(request.user, subject))
    suggestion = get_object_or_404(Suggestion, pk=suggestion, subject=subject)
    suggestion.subject = subject
    text, error = clean_text(request.POST, "answer")
    saved_at = None
    if error is None:
        try:
            saved_at = services.answer_suggestion(
                suggestion=suggestion, actor=request.user, answer=text
            ).answered_at
            saved_at = saved_at or timezone.now()
        except workflow.NotAllowed as refusal:
            access.require(" ".join(refusal.reasons))
        except workflow.WorkflowError as refusal:
            error = " ".join(refusal.reasons)
    return _saved(
        request,
        subject,
        action=suggestion_action(suggestion.pk),
        dom=f"suggestion-{suggestion.pk}",
        saved_at=saved_at,
        error=error,
    )


@login_required
@require_POST
def submit(request, season: int, subject: int):
    subject = get_subject(request, get_season(season), subject)
    access.require(access.may_edit_form(request.user, subject))
    done = run_step(
        request,
        lambda: workflow.submit_form(subject=subject, actor=request.user),
        success=_("The review has been submitted to the cell."),
        refused=_("Not submitted, because:"),
    )
    return redirect(_form_url(subject) if done else _form_url(subject) + "#sec-submit")


# -- my result -------------------------------------------------------------------------------------


@login_required
def my_result(request, season: int):
    """The member's own result this season, and the results their cell has published (R-REC-1)."""
    season = get_season(season)
    member = Member.objects.filter(user=request.user).first()
    subject = (
        Subject.objects.select_related(*SUBJECT_RELATED).filter(season=season, member=member).first()
        if member
        else None
    )
    if subject is None:
        raise Http404
    rule_set = season.rule_set
    decision = None
    if subject.state == Subject.State.DECIDED:
        decision = (
            Decision.objects.filter(subject=subject, status=Decision.Status.VALID)
            .select_related("decider")
            .first()
        )
    published = [
        {
            "name": row["name"],
            "level": row["decided_level"],
            "label": rule_set.level_label(row["decided_level"]),
        }
        for row in published_results(subject.unit_id)
    ]
    return render(
        request,
        "reviews/member/result.html",
        {
            "season": season,
            "subject": subject,
            "state_label": subject.get_state_display(),
            "decision": decision,
            "lowered": bool(subject.proposed_level)
            and rule_set.level_rank(subject.decided_level) > rule_set.level_rank(subject.proposed_level),
            "levels": {
                "self": (subject.self_level, rule_set.level_label(subject.self_level)),
                "proposed": (subject.proposed_level, rule_set.level_label(subject.proposed_level)),
                "decided": (subject.decided_level, rule_set.level_label(subject.decided_level)),
                "civil": (subject.civil_service_level, rule_set.level_label(subject.civil_service_level)),
            },
            "published": published,
        },
    )


urlpatterns = [
    path("phieu/", my_form, name="my-form"),
    path("phieu/<id:subject>/", review_form, name="form"),
    path("phieu/<id:subject>/luu/", save_item, name="form-save"),
    path("phieu/<id:subject>/goi-y/<id:suggestion>/", answer_suggestion, name="form-answer"),
    path("phieu/<id:subject>/con-thieu/", form_blockers, name="form-blockers"),
    path("phieu/<id:subject>/nop/", submit, name="form-submit"),
    path("phieu/<id:subject>/in/", print_form, name="form-print"),
    path("ket-qua/", my_result, name="my-result"),
]
