"""Pages for committee staff: the approval queue, a subject's page, and who blocks whom.

Every list here builds ONE `Facts` for the subjects it shows, so its queries do not grow with
the number of rows; the reasons shown come from the engine (`workflow.blockers`, `rules`).
"""

from collections import defaultdict
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Case, Count, IntegerField, Q, Value, When
from django.db.models.functions import Substr
from django.http import Http404, QueryDict
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_GET, require_POST

from config.widgets import DateInput
from organizations.models import Kind, Organization
from reviews import access, rules, services, workflow
from reviews import figures as statistics
from reviews.access import season_scope
from reviews.facts import REVIEW_DONE, Facts
from reviews.models import (
    Event,
    FormerCellComment,
    MeetingEntry,
    QuotaGroup,
    RemediationPlan,
    SeasonUnit,
    Subject,
)
from reviews.views.common import (
    SUBJECT_RELATED,
    get_season,
    get_subject,
    get_unit,
    level_choices,
    run_step,
    state_label,
    visible_subjects,
)

S = Subject.State
PAGE_SIZE = 50
SELECTION_KEY = "kd_queue_selection"
# The order of work, for sorting and for counting subjects per step.
STATE_ORDER = [S.DRAFT, S.RETURNED, S.SUBMITTED, S.ABSENT, S.REVIEWED, S.PROPOSED, S.DECIDED]
KIND_ORDER = [Subject.Kind.ORGANIZATION, Subject.Kind.LEADERSHIP, Subject.Kind.MEMBER]
# The step that comes next from each state (the engine's step names).
NEXT_STEPS = {
    S.DRAFT: ["submit"],
    S.RETURNED: ["submit"],
    S.SUBMITTED: ["review", "return"],
    S.ABSENT: ["review"],
    S.REVIEWED: ["propose"],
    S.PROPOSED: ["decide"],
}
STEP_NAMES = {
    "submit": gettext_lazy("Submit the review"),
    "review": gettext_lazy("Record the review meeting"),
    "return": gettext_lazy("Return the review for rework"),
    "propose": gettext_lazy("Propose a rating"),
    "decide": gettext_lazy("Decide the rating"),
}
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
    "rerate": gettext_lazy("Re-rated for a past violation"),
    "suggest": gettext_lazy("Review suggestion issued"),
    "outside_comment": gettext_lazy("Comments from another cell attached"),
    "remediation_plan": gettext_lazy("Remediation plan submitted"),
}
FLAG_LABELS = {
    "second_khtnv": gettext_lazy(
        "Second consecutive year not completing tasks: the cell considers removal from the roll (R-RATE-11)."
    ),
    "rerate_case_by_case": gettext_lazy(
        "Re-rated case by case after a violation found and remedied by the member (R-RATE-4)."
    ),
}


def _state_rank():
    return Case(
        *[When(state=s, then=Value(i)) for i, s in enumerate(STATE_ORDER)],
        default=Value(len(STATE_ORDER)),
        output_field=IntegerField(),
    )


def _kind_rank():
    return Case(
        *[When(kind=k, then=Value(i)) for i, k in enumerate(KIND_ORDER)],
        default=Value(len(KIND_ORDER)),
        output_field=IntegerField(),
    )


def _flag_labels(subject: Subject) -> list[str]:
    return [str(FLAG_LABELS.get(key, key)) for key, value in subject.flags.items() if value]


def _int_list(values) -> list[int]:
    return [int(v) for v in values if str(v).isdigit()]


# -- the approval queue ------------------------------------------------------------------------------


def deciding_units(user, season) -> list[SeasonUnit]:
    """The units whose decisions the user enters (staff) or follows (committee leaders), and the
    base cells whose officers decide their own members (R-STEP-2). One query."""
    scope = season_scope(user, season)
    committees = [p for kind, p in scope.roles if kind in access.STAFF | access.VIEWING]
    cells = [p for kind, p in scope.roles if kind in access.CELL_OFFICERS]
    if not committees and not cells:
        return []
    return list(
        SeasonUnit.objects.filter(season=season)
        .filter(Q(path__in=committees) | Q(path__in=cells, kind=Kind.BASE_CELL))
        .order_by("path")
    )


def queue_subjects(request, season, units: list[SeasonUnit]):
    """In-scope subjects the user may see whose deciding unit (access.deciding_unit) is one of
    `units`."""
    subjects = visible_subjects(request, season).filter(out_of_scope="").exclude(decider=None)
    if season_scope(request.user, season).everything:
        return subjects
    ids = [u.pk for u in units]
    rerate = Q(flags__has_key="rerate_case_by_case") & Q(decider__parent_id__isnull=False)
    return subjects.filter((Q(decider__in=ids) & ~rerate) | (rerate & Q(decider__parent_id__in=ids)))


def _queue_units_or_404(request, season) -> list[SeasonUnit]:
    units = deciding_units(request.user, season)
    if not units and not season_scope(request.user, season).everything:
        raise Http404
    return units


class QueueFilter(forms.Form):
    SORTS = [
        ("name", gettext_lazy("Name")),
        ("org", gettext_lazy("Organization")),
        ("state", gettext_lazy("State")),
    ]

    org = forms.ChoiceField(label=gettext_lazy("Organization"), required=False)
    state = forms.ChoiceField(label=gettext_lazy("State"), required=False)
    level = forms.ChoiceField(label=gettext_lazy("Proposed level"), required=False)
    flagged = forms.BooleanField(label=gettext_lazy("Only those flagged by a rule"), required=False)
    sort = forms.ChoiceField(label=gettext_lazy("Sort by"), choices=SORTS, required=False)

    def __init__(self, data, *, season, organizations):
        super().__init__(data)
        self.fields["org"].choices = [("", _("All organizations"))] + organizations
        self.fields["state"].choices = [("all", _("All states"))] + [(s.value, s.label) for s in STATE_ORDER]
        self.fields["level"].choices = [("", _("Any level"))] + level_choices(season)


def _filter_data(request) -> QueryDict:
    data = request.GET.copy()
    if "state" not in data:
        data["state"] = S.PROPOSED  # what awaits a decision
    return data


def _organization_choices(base, chosen: SeasonUnit | None) -> list[tuple[str, str]]:
    """The units that hold subjects of the queue (one query), plus the one chosen by a link."""
    rows = list(
        base.order_by("unit__path").values_list("unit__code", "unit__name", "unit__path").distinct()[:500]
    )
    choices = [(code, name) for code, name, _path in rows]
    if chosen is not None and chosen.code not in {c for c, _n in choices}:
        choices.insert(0, (chosen.code, chosen.name))
    return choices


def _chosen_unit(request, season, code: str) -> SeasonUnit | None:
    if not code:
        return None
    unit = SeasonUnit.objects.filter(season=season, code=code).first()
    if unit is None or not season_scope(request.user, season).can_view_path(unit.path):
        return None
    return unit


@dataclass
class QueueRow:
    subject: Subject
    verdict: rules.Verdict
    flags: list[str]
    can_decide: bool
    checked: bool = False
    level: str = ""

    @property
    def flagged(self) -> bool:
        return bool(self.verdict.blockers or self.verdict.warnings or self.flags)

    @property
    def awaiting(self) -> bool:
        return self.subject.state == S.PROPOSED


def _rows(user, season, subjects: list[Subject]) -> list[QueueRow]:
    """Blockers for deciding each proposal, from one Facts for all of them."""
    facts = Facts(season, subjects)
    rows = []
    for subject in subjects:
        subject.season = season
        proposed = subject.state == S.PROPOSED
        verdict = workflow.blockers(subject, "decide", facts=facts) if proposed else rules.Verdict()
        rows.append(
            QueueRow(
                subject=subject,
                verdict=verdict,
                flags=_flag_labels(subject),
                can_decide=proposed and access.may_decide(user, subject) is None,
            )
        )
    return rows


@dataclass
class QuotaMeter:
    """One quota group (R-RATE-2): what is decided, and what it would be with `adding` more."""

    key: str
    decided: rules.QuotaCount
    planned: rules.QuotaCount
    adding: int
    exceed_with_reason: bool

    @property
    def percent_used(self) -> int:
        if self.planned.limit == 0:
            return 100 if self.planned.capped else 0
        return min(100, round(100 * self.planned.capped / self.planned.limit))


def quota_meters(season, shown: list[Subject], counted: dict[int, str]) -> list[QuotaMeter]:
    """The quota groups of the subjects shown: levels decided in each group, then the same with
    the levels of the `counted` proposals (subject id → level) added. Two queries."""
    keys = sorted({s.quota_key for s in shown if s.quota_key})
    if not keys:
        return []
    quota = season.rule_set.quota
    labels = dict(QuotaGroup.objects.filter(season=season, key__in=keys).values_list("key", "label"))
    decided: dict[str, list[str]] = defaultdict(list)
    for key, level, n in (
        Subject.objects.filter(season=season, quota_key__in=keys, state=S.DECIDED)
        .values_list("quota_key", "decided_level")
        .annotate(n=Count("id"))
        .order_by()
    ):
        decided[key] += [level] * n
    meters = []
    for key in keys:
        label = labels.get(key, key)
        adding = [counted[s.pk] for s in shown if s.quota_key == key and s.pk in counted]
        meters.append(
            QuotaMeter(
                key=key,
                decided=rules.quota_count(label, decided[key], quota),
                planned=rules.quota_count(label, decided[key] + adding, quota),
                adding=len(adding),
                exceed_with_reason=bool(quota.get("exceed_with_reason")),
            )
        )
    return meters


def _counted_levels(rows: list[QueueRow], levels: dict[int, str], checked: set[int]) -> dict[int, str]:
    """The proposals the meter adds: the checked ones, or every one shown when none is checked."""
    proposals = [r.subject for r in rows if r.awaiting]
    chosen = [s for s in proposals if s.pk in checked] or proposals
    return {s.pk: levels.get(s.pk) or s.proposed_level for s in chosen}


def _queue_query(data) -> str:
    """The filter part of a query string (for links back to the same view of the queue)."""
    keep = QueryDict(mutable=True)
    for name in ("org", "state", "level", "flagged", "sort", "page"):
        if data.get(name):
            keep[name] = data[name]
    return keep.urlencode()


@login_required
@require_GET
def queue(request, season):
    season = get_season(season)
    units = _queue_units_or_404(request, season)
    base = queue_subjects(request, season, units)
    data = _filter_data(request)
    chosen = _chosen_unit(request, season, data.get("org", ""))
    filters = QueueFilter(data, season=season, organizations=_organization_choices(base, chosen))
    filters.is_valid()
    wanted = filters.cleaned_data if filters.is_bound else {}
    subjects = base.select_related("unit", "decider__parent", "member")
    if chosen is not None:
        subjects = subjects.filter(path__startswith=chosen.path)
    if wanted.get("state") and wanted["state"] != "all":
        subjects = subjects.filter(state=wanted["state"])
    if wanted.get("level"):
        subjects = subjects.filter(proposed_level=wanted["level"])
    sort = wanted.get("sort") or "name"
    order = {
        "name": ("sort_key", "name", "pk"),
        "org": ("path", "kind_rank", "position", "sort_key", "pk"),
        "state": ("state_rank", "path", "sort_key", "pk"),
    }[sort]
    subjects = subjects.annotate(state_rank=_state_rank(), kind_rank=_kind_rank()).order_by(*order)
    if wanted.get("flagged"):
        # The rules decide what is flagged: evaluate them on the whole filtered set (one Facts).
        rows = [r for r in _rows(request.user, season, list(subjects)) if r.flagged]
        page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
        page_rows = list(page.object_list)
    else:
        page = Paginator(subjects, PAGE_SIZE).get_page(request.GET.get("page"))
        page_rows = _rows(request.user, season, list(page.object_list))
    selection = _restore_selection(request, season)
    checked = set(selection.get("subjects", []))
    levels = {int(k): v for k, v in selection.get("levels", {}).items()}
    for row in page_rows:
        row.checked = row.can_decide and row.subject.pk in checked
        row.level = levels.get(row.subject.pk, "")
    shown = [r.subject for r in page_rows]
    meters = quota_meters(season, shown, _counted_levels(page_rows, levels, checked))
    return render(
        request,
        "reviews/staff/queue.html",
        {
            "season": season,
            "units": units,
            "filters": filters,
            "page": page,
            "rows": page_rows,
            "meters": meters,
            "meter_selected": bool(checked & {r.subject.pk for r in page_rows}),
            "meter_adding": sum(m.adding for m in meters),
            "can_decide_any": any(r.can_decide for r in page_rows),
            "levels": level_choices(season),
            "reason": selection.get("reason", ""),
            "query": _queue_query(request.GET),
            "page_query": _queue_query({k: v for k, v in request.GET.items() if k != "page"}),
        },
    )


def _restore_selection(request, season) -> dict:
    """What was ticked before a refused decision, so the user can fix it and try again."""
    selection = request.session.pop(SELECTION_KEY, None) or {}
    return selection if selection.get("season") == season.pk else {}


@login_required
@require_GET
def queue_quota(request, season):
    """The quota meter for the rows of a queue page and the ones ticked (htmx partial)."""
    season = get_season(season)
    units = _queue_units_or_404(request, season)
    shown_ids = _int_list(request.GET.getlist("shown"))[:PAGE_SIZE]
    shown = list(
        queue_subjects(request, season, units)
        .filter(pk__in=shown_ids)
        .select_related("unit", "decider__parent")
    )
    checked = set(_int_list(request.GET.getlist("subject")))
    levels = {s.pk: request.GET.get(f"level-{s.pk}", "") for s in shown}
    rows = [QueueRow(s, rules.Verdict(), [], s.state == S.PROPOSED) for s in shown]
    meters = quota_meters(season, shown, _counted_levels(rows, levels, checked))
    return render(
        request,
        "reviews/staff/_quota_meter.html",
        {
            "meters": meters,
            "meter_selected": bool(checked & {s.pk for s in shown}),
            "meter_adding": sum(m.adding for m in meters),
        },
    )


@login_required
@require_POST
def queue_decide(request, season):
    """Decide the ticked proposals, all or nothing (workflow.decide); refusals are shown as the
    engine words them, and the selection is kept for another try."""
    season = get_season(season)
    back = reverse("reviews:queue", args=[season.pk])
    query = _queue_query(QueryDict(request.POST.get("query", "")))
    back += f"?{query}" if query else ""
    ids = list(dict.fromkeys(_int_list(request.POST.getlist("subject"))))
    if not ids:
        messages.error(request, _("Tick the ratings to decide first."))
        return redirect(back)
    subjects = list(visible_subjects(request, season).filter(pk__in=ids).select_related(*SUBJECT_RELATED))
    if len(subjects) != len(ids):
        raise Http404
    for subject in subjects:
        access.require(access.may_decide(request.user, subject))
    levels = {s.pk: request.POST.get(f"level-{s.pk}", "").strip() for s in subjects}
    reason = request.POST.get("reason", "").strip()
    decided = run_step(
        request,
        lambda: workflow.decide(
            decisions=[workflow.DecisionInput(subject=s, level=levels[s.pk]) for s in subjects],
            actor=request.user,
            reason=reason,
        ),
        success=ngettext("%(n)d rating decided.", "%(n)d ratings decided.", len(subjects))
        % {"n": len(subjects)},
    )
    if not decided:
        request.session[SELECTION_KEY] = {
            "season": season.pk,
            "subjects": ids,
            "levels": {str(k): v for k, v in levels.items() if v},
            "reason": reason,
        }
    return redirect(back)


# -- a subject's page ---------------------------------------------------------------------------------


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
        help_text=gettext_lazy("The subject answers it in section IV of their review (R-FORM-4)."),
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


@dataclass
class NextStep:
    step: str
    label: str
    verdict: rules.Verdict


def _next_steps(subject: Subject, facts: Facts) -> list[NextStep]:
    """What the rules say about each step the subject can take next (the role is not asked here:
    the actions below are offered only to those whose role allows them)."""
    steps = []
    for step in NEXT_STEPS.get(subject.state, []):
        verdict = workflow.blockers(subject, step, facts=facts)
        steps.append(NextStep(step, STEP_NAMES[step], verdict))
    return steps


def _outside_sources(subject: Subject) -> list[str]:
    sources = []
    if subject.needs_former_cell_comment:
        sources.append(FormerCellComment.Source.FORMER)
    if subject.needs_temporary_cell_comment:
        sources.append(FormerCellComment.Source.TEMPORARY)
    return sources


def _subject_actions(user, subject: Subject) -> dict:
    """The actions this user's role allows on this subject in its state, each with its form."""
    season = subject.season
    actions = {}
    if subject.state == S.REVIEWED and subject.is_collective and access.may_propose(user, subject) is None:
        actions["propose"] = ProposeForm(prefix="propose", season=season)
    if subject.state == S.PROPOSED and access.may_decide(user, subject) is None:
        actions["return_proposal"] = ReasonForm(prefix="return")
        actions["decide_in_queue"] = True
    if subject.state == S.DECIDED and access.may_reopen(user, subject) is None:
        actions["reopen"] = ReasonForm(prefix="reopen")
    if subject.state == S.DECIDED and access.may_cancel(user, subject) is None:
        actions["cancel"] = CancelForm(prefix="cancel")
    if (
        subject.state in (*workflow.EDITABLE, S.SUBMITTED)
        and subject.in_scope
        and access.may_issue_suggestion(user, subject) is None
    ):
        actions["suggest"] = SuggestionForm(prefix="suggest")
    sources = _outside_sources(subject)
    if sources and subject.in_scope and access.may_return_form(user, subject) is None:
        actions["outside_comment"] = OutsideCommentForm(prefix="comment", sources=sources)
    return actions


def _subject_url(subject: Subject) -> str:
    return reverse("reviews:subject", args=[subject.season_id, subject.pk])


@login_required
@require_GET
def subject_page(request, season, subject):
    season = get_season(season)
    subject = get_subject(request, season, subject)
    facts = Facts(season, [subject])
    events = list(Event.objects.filter(subject=subject).select_related("actor").order_by("seq"))
    for event in events:
        event.action_label = ACTION_LABELS.get(event.action, event.action)
        event.from_label = state_label(event.from_state) if event.from_state else ""
        event.to_label = state_label(event.to_state) if event.to_state else ""
    entry = MeetingEntry.objects.filter(subject=subject).select_related("meeting").first()
    plan = RemediationPlan.objects.filter(subject=subject).select_related("submitted_by").first()
    outside = list(subject.outside_comments.select_related("recorded_by").order_by("received_on", "id"))
    have = {c.source for c in outside}
    parent = SeasonUnit.objects.filter(pk=subject.unit.parent_id).first() if subject.unit.parent_id else None
    if parent is not None and not season_scope(request.user, season).can_view_path(parent.path):
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
            "deciding_unit": access.deciding_unit(subject),
            "quota_label": QuotaGroup.objects.filter(season=season, key=subject.quota_key)
            .values_list("label", flat=True)
            .first()
            if subject.quota_key
            else "",
            "next_steps": _next_steps(subject, facts) if subject.in_scope else [],
            "flags": _flag_labels(subject),
            "events": events,
            "decisions": list(subject.decisions.select_related("decider", "decided_by", "ended_by")),
            "entry": entry,
            "meeting": entry.meeting if entry else None,
            "suggestions": list(subject.suggestions.select_related("issued_by", "issued_by_unit")),
            "outside": outside,
            "missing_outside": [
                FormerCellComment.Source(s).label for s in _outside_sources(subject) if s not in have
            ],
            "plan": plan,
            "plan_items": list(plan.items.all()) if plan else [],
            "actions": _subject_actions(request.user, subject),
            "is_own": access.is_own(request.user, subject),
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


@login_required
@require_POST
def subject_propose(request, season, subject):
    """Staff of the deciding committee propose the rating of a collective (R-STEP-1)."""
    subject = _subject_for_action(request, season, subject)
    access.require(access.may_propose(request.user, subject))
    level = request.POST.get("propose-level", "")
    reason = request.POST.get("propose-reason", "")
    run_step(
        request,
        lambda: workflow.propose(
            proposals=[workflow.ProposalInput(subject=subject, level=level, reason=reason)],
            actor=request.user,
        ),
        success=_("Rating proposed: %(level)s.") % {"level": level},
    )
    return redirect(_subject_url(subject))


@login_required
@require_POST
def subject_return_proposal(request, season, subject):
    subject = _subject_for_action(request, season, subject)
    access.require(access.may_decide(request.user, subject))
    reason = request.POST.get("return-reason", "")
    run_step(
        request,
        lambda: workflow.return_proposal(subject=subject, actor=request.user, reason=reason),
        success=_("The proposal was returned to be appraised again."),
    )
    return redirect(_subject_url(subject))


@login_required
@require_POST
def subject_reopen(request, season, subject):
    """R-STEP-4: the deciding level or above reopens a decided rating, with a reason."""
    subject = _subject_for_action(request, season, subject)
    access.require(access.may_reopen(request.user, subject))
    reason = request.POST.get("reopen-reason", "")
    run_step(
        request,
        lambda: workflow.reopen(subject=subject, actor=request.user, reason=reason),
        success=_("The decision was reopened; the rating can be decided again."),
    )
    return redirect(_subject_url(subject))


@login_required
@require_POST
def subject_cancel(request, season, subject):
    """R-STEP-3: the committee directly above cancels a decided rating, with a reason."""
    subject = _subject_for_action(request, season, subject)
    access.require(access.may_cancel(request.user, subject))
    reason = request.POST.get("cancel-reason", "")
    commendation = request.POST.get("cancel-commendation_review") in ("on", "true", "1")
    run_step(
        request,
        lambda: workflow.cancel(
            subject=subject, actor=request.user, reason=reason, commendation_review=commendation
        ),
        success=_("The decision was cancelled and stays on record; the rating must be decided again."),
    )
    return redirect(_subject_url(subject))


@login_required
@require_POST
def subject_suggest(request, season, subject):
    """R-FORM-4: an upper level issues a review suggestion."""
    subject = _subject_for_action(request, season, subject)
    access.require(access.may_issue_suggestion(request.user, subject))
    text = request.POST.get("suggest-text", "")
    run_step(
        request,
        lambda: services.issue_suggestion(subject=subject, actor=request.user, text=text),
        success=_("The review suggestion was issued."),
    )
    return redirect(_subject_url(subject))


@login_required
@require_POST
def subject_outside_comment(request, season, subject):
    """R-SCOPE-4: the written comments of a former cell or of the cell of temporary registration."""
    subject = _subject_for_action(request, season, subject)
    access.require(access.may_return_form(request.user, subject))
    form, data = _form_data(OutsideCommentForm, request, prefix="comment")
    if "received_on" not in data or "source" not in data:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect(_subject_url(subject))
    run_step(
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
    return redirect(_subject_url(subject))


# -- who blocks whom ----------------------------------------------------------------------------------


@dataclass
class BoardRow:
    unit: SeasonUnit
    organization: Subject | None
    leadership: Subject | None
    holds: list[str]
    warnings: list[str]
    leadership_holds: list[str]
    member_states: list[tuple[str, str, int]]
    members_in_scope: int
    members_decided: int
    members_out: int
    has_children: bool
    flags: list[str] = field(default_factory=list)

    @property
    def decided_percent(self) -> int:
        return round(100 * self.members_decided / self.members_in_scope) if self.members_in_scope else 0


def _holds(subject: Subject | None, facts: Facts, *, leadership: bool = False) -> tuple[list[str], list[str]]:
    """What keeps a collective from its next step and from its rating: its review not recorded,
    the engine's blockers for the next step, the prerequisite collectives (R-ORDER-4) and the
    subordinate organizations not yet rated (R-ORDER-5). A leadership collective's own state is
    shown beside its organization's, so only the engine's blockers of its next step are added."""
    if subject is None or not subject.in_scope or subject.state == S.DECIDED:
        return [], []
    holds, warnings = [], []
    if subject.state not in REVIEW_DONE and not leadership:
        holds.append(
            _("%(name)s: the collective review is not recorded yet (now: %(state)s).")
            % {"name": subject.name, "state": subject.get_state_display()}
        )
    for step in NEXT_STEPS.get(subject.state, []):
        if step in ("submit", "return"):
            continue  # the report's own gaps are its author's business, not what holds the unit
        verdict = workflow.blockers(subject, step, facts=facts)
        holds += verdict.blockers
        warnings += verdict.warnings
    if not leadership:
        holds += rules.affiliate_problems(subject, facts)
        holds += rules.decision_order_problems(subject, facts)
    return list(dict.fromkeys(holds)), list(dict.fromkeys(warnings))


def _member_states(season, unit: SeasonUnit) -> dict[str, dict[str, int]]:
    """child path → {state: members}, in-scope members only. One query."""
    width = len(unit.path) + Organization.steplen
    found: dict[str, dict[str, int]] = defaultdict(dict)
    for child_path, state, n in (
        Subject.objects.filter(
            season=season, path__startswith=unit.path, kind=Subject.Kind.MEMBER, out_of_scope=""
        )
        .exclude(unit=unit)
        .annotate(child_path=Substr("path", 1, width))
        .values_list("child_path", "state")
        .annotate(n=Count("id"))
        .order_by()
    ):
        found[child_path][state] = n
    return found


def _board_crumbs(request, season, unit: SeasonUnit) -> list[dict]:
    scope = season_scope(request.user, season)
    step = Organization.steplen
    prefixes = [unit.path[:i] for i in range(step, len(unit.path) + 1, step)]
    chain = SeasonUnit.objects.filter(season=season, path__in=prefixes).order_by("path")
    return [
        {"name": u.name, "url": reverse("reviews:blockers", args=[season.pk, u.code])}
        for u in chain
        if scope.can_view_path(u.path)
    ]


@login_required
@require_GET
def blockers_board(request, season, code):
    """For each organization directly under `code`: its step, what holds it, its members per
    state. A fixed number of queries whatever the number of organizations."""
    season = get_season(season)
    unit = get_unit(request, season, code)
    children = statistics.by_child(season, unit)
    child_units = [row.unit for row in children]
    collectives = {
        (s.unit_id, s.kind): s
        for s in Subject.objects.filter(season=season, unit__in=[unit, *child_units])
        .exclude(kind=Subject.Kind.MEMBER)
        .select_related("unit", "decider")
    }
    for subject in collectives.values():
        subject.season = season
    facts = Facts(season, list(collectives.values()))
    with_children = set(
        SeasonUnit.objects.filter(season=season, parent__in=child_units).values_list("parent_id", flat=True)
    )
    member_states = _member_states(season, unit)
    rows = []
    for child in children:
        organization = collectives.get((child.unit.pk, Subject.Kind.ORGANIZATION))
        leadership = collectives.get((child.unit.pk, Subject.Kind.LEADERSHIP))
        holds, warnings = _holds(organization, facts)
        more, more_warnings = _holds(leadership, facts, leadership=True)
        states = member_states.get(child.unit.path, {})
        rows.append(
            BoardRow(
                unit=child.unit,
                organization=organization,
                leadership=leadership,
                holds=holds,
                warnings=list(dict.fromkeys(warnings + more_warnings)),
                leadership_holds=[h for h in more if h not in holds],
                member_states=[(s.value, s.label, states[s]) for s in STATE_ORDER if states.get(s)],
                members_in_scope=sum(states.values()),
                members_decided=states.get(S.DECIDED, 0),
                members_out=sum(child.members.out_of_scope.values()),
                has_children=child.unit.pk in with_children,
                flags=_flag_labels(organization) if organization else [],
            )
        )
    own = collectives.get((unit.pk, Subject.Kind.ORGANIZATION))
    own_holds, own_warnings = _holds(own, facts)
    units = deciding_units(request.user, season)
    return render(
        request,
        "reviews/staff/blockers.html",
        {
            "season": season,
            "unit": unit,
            "own": own,
            "own_leadership": collectives.get((unit.pk, Subject.Kind.LEADERSHIP)),
            "own_holds": own_holds,
            "own_warnings": own_warnings,
            "rows": rows,
            "held": sum(1 for r in rows if r.holds or r.leadership_holds),
            "crumbs": _board_crumbs(request, season, unit),
            "has_queue": bool(units) or season_scope(request.user, season).everything,
        },
    )


urlpatterns = [
    path("duyet/", queue, name="queue"),
    path("duyet/chi-tieu/", queue_quota, name="queue_quota"),
    path("duyet/quyet-dinh/", queue_decide, name="queue_decide"),
    path("doi-tuong/<int:subject>/", subject_page, name="subject"),
    path("doi-tuong/<int:subject>/de-xuat/", subject_propose, name="subject_propose"),
    path("doi-tuong/<int:subject>/tra-lai-de-xuat/", subject_return_proposal, name="subject_return_proposal"),
    path("doi-tuong/<int:subject>/mo-lai/", subject_reopen, name="subject_reopen"),
    path("doi-tuong/<int:subject>/huy-ket-qua/", subject_cancel, name="subject_cancel"),
    path("doi-tuong/<int:subject>/goi-y/", subject_suggest, name="subject_suggest"),
    path(
        "doi-tuong/<int:subject>/y-kien-chi-bo-khac/", subject_outside_comment, name="subject_outside_comment"
    ),
    path("tien-do/<str:code>/", blockers_board, name="blockers"),
]
