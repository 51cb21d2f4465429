"""Pages: the quarters of a QĐ 366 season (R366-QTR-1..5). The leader's Mẫu 05, saved field by
field as they type; the managing body's list to decide or return. The progress of Q1–Q3, where the
board chooses who is evaluated and opens a quarter, is reviews/views/quarter_progress.py. Thin:
every step is a service of reviews/quarters/, which re-checks access and guards."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from config.row_ids import row_ids
from organizations.models import Kind
from reviews.access import CELL_OFFICERS, STAFF, season_scope
from reviews.models import Quarter, QuarterlyEvaluation, Season
from reviews.quarters import guards, services
from reviews.quarters.bulk import decide_quarters
from reviews.scoring import points_text
from reviews.views import quarter_progress
from reviews.views.common import get_season, get_subject, level_choices, run_step
from reviews.views.typed_back import keep_typed, typed_back
from reviews.workflow import NotAllowed, WorkflowError

E = QuarterlyEvaluation.State
TEXT_FIELDS = ("planned_tasks", "evidence")
NUMBER_FIELDS = ("self_general", "self_tasks")
LIST_LIMIT = 200


def quarter_url(evaluation: QuarterlyEvaluation) -> str:
    return reverse("reviews:quarter-form", args=[evaluation.quarter.season_id, evaluation.pk])


def _evaluation(request, season: Season, pk: int) -> QuarterlyEvaluation:
    """An evaluation the user may see: their own, or one inside their part of the season."""
    evaluation = get_object_or_404(
        QuarterlyEvaluation.objects.select_related("quarter", "decided_by"), pk=pk, quarter__season=season
    )
    evaluation.subject = get_subject(request, season, evaluation.subject_id)
    return evaluation


# -- the leader's Mẫu 05 ------------------------------------------------------------------------------


@login_required
def my_quarter(request, season: int, number: int):
    """The user's own evaluation of quarter `number`."""
    season = get_season(season)
    found = QuarterlyEvaluation.objects.filter(
        quarter__season=season, quarter__number=number, subject__member__user=request.user
    ).first()
    if found is None:
        raise Http404
    return redirect("reviews:quarter-form", season=season.pk, evaluation=found.pk)


FORM_NUMBER = "Mẫu 05-HD KĐ.ĐG"  # a document's number, as printed: not translated


@login_required
def quarter_form(request, season: int, evaluation: int):
    """R366-FORM-05: the quarter's self-assessment — I. the results of the period (planned tasks
    and products, what was done, evidence), II. …/30, …/70, …/100 and the proposed level — then
    the managing body's result."""
    season = get_season(season)
    evaluation = _evaluation(request, season, evaluation)
    editable = (
        evaluation.state in guards.EDITABLE and guards.may_self_assess(request.user, evaluation) is None
    )
    context = {
        "season": season,
        "evaluation": evaluation,
        "subject": evaluation.subject,
        "quarter": evaluation.quarter,
        "editable": editable,
        "typed": {
            "general": "" if evaluation.self_general is None else points_text(evaluation.self_general),
            "tasks": "" if evaluation.self_tasks is None else points_text(evaluation.self_tasks),
        },
        "levels": level_choices(season),
        "form_number": FORM_NUMBER,
        "may_evaluate": evaluation.state == E.SUBMITTED
        and guards.may_evaluate(request.user, evaluation) is None,
        "blockers": services.submit_problems(evaluation) if editable else [],
    }
    context["typed_unshown"] = _put_back_typed(request, [evaluation] if context["may_evaluate"] else [])
    return render(request, "reviews/quarters/form.html", context)


@login_required
@require_POST
def quarter_save(request, season: int, evaluation: int):
    """Autosave one field of Mẫu 05 (htmx: a small status; otherwise back to the form)."""
    season = get_season(season)
    evaluation = _evaluation(request, season, evaluation)
    field = request.POST.get("field", "")
    if field not in (*TEXT_FIELDS, *NUMBER_FIELDS, "self_level"):
        raise Http404
    value = request.POST.get("value", "")[:20_000]
    error, saved = None, None
    try:
        saved = services.save_quarter_draft(evaluation=evaluation, actor=request.user, values={field: value})
    except NotAllowed as refusal:
        raise PermissionDenied(" ".join(refusal.reasons)) from refusal
    except WorkflowError as refusal:
        error = " ".join(refusal.reasons)
    if request.htmx:
        context = {"saved_at": saved.updated_at if saved else None, "error": error}
        return render(request, "reviews/member/_save_status.html", context)
    if error:
        messages.error(request, error)
    return redirect(quarter_url(evaluation))


@login_required
@require_POST
def quarter_submit(request, season: int, evaluation: int):
    season = get_season(season)
    evaluation = _evaluation(request, season, evaluation)
    run_step(
        request,
        lambda: services.submit_quarter_self_assessment(evaluation=evaluation, actor=request.user),
        success=_("Self-assessment submitted to the managing body."),
    )
    return redirect(quarter_url(evaluation))


# -- the managing body ---------------------------------------------------------------------------------


def _decidable(user, season: Season, quarter: Quarter):
    """The quarter's evaluations the user's committees decide (R366-QTR-2): staff of the deciding
    unit; a base cell's officers for its members (404 for a user with neither role). The service
    re-checks each step."""
    scope = season_scope(user, season)
    rows = QuarterlyEvaluation.objects.filter(quarter=quarter)
    if not scope.everything:
        staff = [p for kind, p in scope.roles if kind in STAFF]
        officers = [p for kind, p in scope.roles if kind in CELL_OFFICERS]
        if not staff and not officers:
            raise Http404
        rows = rows.filter(
            Q(decider__path__in=staff) | Q(decider__path__in=officers, decider__kind=Kind.BASE_CELL)
        )
    return rows


@login_required
def quarter_decide_list(request, season: int, number: int):
    season = get_season(season)
    quarter = get_object_or_404(Quarter, season=season, number=number)
    rows = _decidable(request.user, season, quarter).select_related("quarter", "subject__unit")
    waiting = list(rows.filter(state=E.SUBMITTED).order_by("path", "subject__sort_key")[:LIST_LIMIT])
    # R366-FORM-05: the quarters this body evaluated, each printable as a signed Mẫu 05.
    decided = list(rows.filter(state=E.DECIDED).order_by("path", "subject__sort_key")[:LIST_LIMIT])
    typed_unshown = _put_back_typed(request, waiting)
    counts = rows.values("state").annotate(n=Count("id")).order_by("state")
    context = {
        "season": season,
        "quarter": quarter,
        "waiting": waiting,
        "decided": decided,
        "counts": [(E(row["state"]).label, row["n"]) for row in counts],
        "levels": level_choices(season),
        "groups": guards.group_items(season.rule_set),
        "typed_unshown": typed_unshown,
    }
    return render(request, "reviews/quarters/decide.html", context)


@login_required
@require_POST
def quarter_decide(request, season: int, evaluation: int):
    season = get_season(season)
    evaluation = _evaluation(request, season, evaluation)
    post = request.POST
    done = run_step(
        request,
        lambda: services.decide_quarter(
            evaluation=evaluation,
            actor=request.user,
            general=post.get("general", ""),
            tasks=post.get("tasks", ""),
            level=post.get("level", ""),
            comment=post.get("comment", "")[:5000],
        ),
        success=_("%(name)s: quarter evaluated.") % {"name": evaluation.subject.name},
    )
    return _back(request, evaluation, done=done, action=_decide_action(evaluation.pk), names=DECIDE_FIELDS)


@login_required
@require_POST
def quarter_decide_bulk(request, season: int, number: int):
    """R366-QTR-2: several quarters decided at their self-assessed points and level in one POST;
    each refusal reported by name, the refused rows left as they were."""
    season = get_season(season)
    quarter = get_object_or_404(
        Quarter.objects.select_related("season__rule_set"), season=season, number=number
    )
    pks = row_ids(request.POST.getlist("evaluation"))
    pks = list(_decidable(request.user, season, quarter).filter(pk__in=pks).values_list("pk", flat=True))
    try:
        result = decide_quarters(quarter=quarter, actor=request.user, pks=pks)
    except WorkflowError as refusal:
        for reason in refusal.reasons:
            messages.error(request, reason)
    else:
        if result.decided:
            messages.success(
                request,
                ngettext(
                    "%(n)d quarter evaluated at the self-assessed points and level.",
                    "%(n)d quarters evaluated at the self-assessed points and level.",
                    len(result.decided),
                )
                % {"n": len(result.decided)},
            )
        for evaluation, reasons in result.refused:
            messages.error(request, f"{evaluation.subject.name}: {' '.join(reasons)}")
    return redirect("reviews:quarter-decide-list", season.pk, quarter.number)


@login_required
@require_POST
def quarter_return(request, season: int, evaluation: int):
    season = get_season(season)
    evaluation = _evaluation(request, season, evaluation)
    done = run_step(
        request,
        lambda: services.return_quarter_evaluation(
            evaluation=evaluation, actor=request.user, reason=request.POST.get("reason", "")[:5000]
        ),
        success=_("%(name)s: self-assessment returned.") % {"name": evaluation.subject.name},
    )
    return _back(request, evaluation, done=done, action=_return_action(evaluation.pk), names=("reason",))


DECIDE_FIELDS = ("general", "tasks", "level", "comment")


def _decide_action(pk: int) -> str:
    return f"quarter-decide-{pk}"


def _return_action(pk: int) -> str:
    return f"quarter-return-{pk}"


def _back(
    request, evaluation: QuarterlyEvaluation, *, done: bool, action: str, names
) -> HttpResponseRedirect:
    """Back to the list or the form the decision or the return was posted from; after a refusal
    (points, level, the evaluation moved on), with what was typed (`names`) kept there for
    `action`'s form (typed_back)."""
    url = request.POST.get("back") == "list" and _list_url(evaluation) or quarter_url(evaluation)
    if not done:
        keep_typed(request, url, action, names)
    return redirect(url)


def _put_back_typed(request, evaluations) -> list[str]:
    """The values typed in an evaluation's decide or return form before a refusal, put back on it
    for _decide_form.html (`typed_decide`, `typed_return`); returned to be copied when none of
    `evaluations` offers that form any more (evaluated or returned meanwhile)."""
    kept = typed_back(request, request.path)
    shown = False
    for evaluation in evaluations:
        evaluation.typed_decide = kept.initial(_decide_action(evaluation.pk))
        evaluation.typed_return = kept.initial(_return_action(evaluation.pk))
        shown = shown or evaluation.typed_decide is not None or evaluation.typed_return is not None
    return [] if shown else kept.texts()


def _list_url(evaluation: QuarterlyEvaluation) -> str:
    return reverse(
        "reviews:quarter-decide-list", args=[evaluation.quarter.season_id, evaluation.quarter.number]
    )


urlpatterns = [
    *quarter_progress.urlpatterns,
    path("quy/<int:number>/phieu/", my_quarter, name="my-quarter"),
    path("quy/<int:number>/xet/", quarter_decide_list, name="quarter-decide-list"),
    path("quy/<int:number>/xet-nhieu/", quarter_decide_bulk, name="quarter-decide-bulk"),
    path("quy/danh-gia/<id:evaluation>/", quarter_form, name="quarter-form"),
    path("quy/danh-gia/<id:evaluation>/luu/", quarter_save, name="quarter-save"),
    path("quy/danh-gia/<id:evaluation>/nop/", quarter_submit, name="quarter-submit"),
    path("quy/danh-gia/<id:evaluation>/quyet-dinh/", quarter_decide, name="quarter-decide"),
    path("quy/danh-gia/<id:evaluation>/tra-lai/", quarter_return, name="quarter-return"),
]
