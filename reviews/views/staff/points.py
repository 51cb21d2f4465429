"""The QĐ 366 part of a subject's page for committee staff: the points at the three steps
(R366-SCORE-4) item by item, what the conditions and the KHTNV cases say (R366-RATE-2..6), and the
actions of the deciding level — decide with the decided points and the cases weighed case by case
(R366-STEP-1), order or conclude a check before the decision (R366-ORDER-4), change a member's
profile (R366-FORM-LETTERS) — plus raising a quota group's rate from the queue (R366-RATE-10)."""

from urllib.parse import urlsplit

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from config.redirects import site_path
from reviews import access, committee, workflow
from reviews.facts import Facts
from reviews.models import CheckFlag, QuotaGroup, Subject
from reviews.regimes.qd366.standing import found_cases, standing_of, subject_outcome, units_led_note
from reviews.scoring import criteria_items, parse_number, points_text
from reviews.views.common import get_season, get_subject, run_step
from reviews.views.staff.common import back_to_subject
from reviews.views.typed_back import TypedBack, keep_typed

S = Subject.State


class CheckForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("What is checked"), choices=CheckFlag.Kind.choices)
    reason = forms.CharField(
        label=gettext_lazy("Grounds"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class ProfileForm(forms.Form):
    profile = forms.ChoiceField(label=gettext_lazy("Scoring profile"))
    reason = forms.CharField(
        label=gettext_lazy("Reason"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, subject: Subject, initial=None, **kwargs):
        super().__init__(*args, initial={"profile": subject.profile, **(initial or {})}, **kwargs)
        self.fields["profile"].choices = [
            (code, label) for code, label in Subject.Profile.choices if code != Subject.Profile.COLLECTIVE
        ]


def points_panel(subject: Subject, facts: Facts, kept: TypedBack) -> dict:
    """Item by item: the maximum, then the self-scored, appraised and decided points; and what was
    typed in the decision's or a check's form before a refusal (`kept`)."""
    rule_set = subject.season.rule_set
    scores = subject.scores or {}
    rows = []
    for item in criteria_items(rule_set.scoring, subject.season.criteria, subject.profile):
        rows.append(
            {
                "item": item,
                "typed": kept.value(f"decide-points_{item.key}"),
                "steps": [
                    points_text(_number(scores.get(step, {}).get(item.key)))
                    for step in ("self", "proposed", "decided")
                ],
            }
        )
    result = subject_outcome(subject, facts)
    cases = rule_set.scoring["profiles"].get(subject.profile, {}).get("cases", [])
    labels = {c["code"]: c["label"] for c in cases}
    from_units_led = {c["code"] for c in cases if c.get("auto") == "units_led_over"}
    found = found_cases(subject, facts, standing_of(subject, facts).tasks)
    units_led = units_led_note(subject, facts)
    return {
        "rows": rows,
        "totals": [
            points_text(subject.self_points),
            points_text(subject.proposed_points),
            points_text(subject.decided_points),
        ],
        "outcome": result,
        "tasks": scores.get("tasks") or {},
        "units_led": units_led,
        "cases": [
            {
                "code": code,
                "label": labels.get(code, code),
                "evidence": (scores.get("cases") or {}).get(code)
                or _found_evidence(code in found, units_led if code in from_units_led else ""),
                "waived": (scores.get("waived") or {}).get(code, ""),
                "typed_why": kept.value(f"decide-why_{code}"),
                "typed_waive": bool(kept.value(f"decide-waive_{code}")),
            }
            for code in sorted(set(scores.get("cases") or {}) | found)
        ],
        "checks": _with_typed_conclusion(facts.check_flags.get(subject.pk, []), kept),
        "typed_reason": kept.value("decide-reason"),
        "typed_level": kept.value("decide-level"),
    }


def _with_typed_conclusion(checks: list[CheckFlag], kept: TypedBack) -> list[CheckFlag]:
    for check in checks:
        check.typed_conclusion = kept.value("conclusion") if kept.action == f"conclude-{check.pk}" else ""
    return checks


def _found_evidence(found: bool, units_led: str) -> str:
    """What shows a case found in the record; R366-RATE-5: the one computed from the units led
    says what it counted."""
    if not found:
        return ""
    return units_led or _("found in the record")


def _number(value):
    return parse_number(value) if value not in (None, "") else None


def actions(user, subject: Subject, kept: TypedBack) -> dict:
    """The QĐ 366 actions this user's role allows on the subject in its state (their forms with
    what was typed in them before a refusal, `kept`)."""
    found = {}
    if subject.state == S.PROPOSED and access.may_decide(user, subject) is None:
        found["decide_points"] = True
    if subject.state in (S.REVIEWED, S.PROPOSED) and access.may_order_check(user, subject) is None:
        found["check"] = CheckForm(prefix="check", initial=kept.initial("check"))
    if (
        subject.is_member
        and subject.state in workflow.EDITABLE
        and access.may_return_form(user, subject) is None
    ):
        found["profile"] = ProfileForm(prefix="profile", subject=subject, initial=kept.initial("profile"))
    return found


@login_required
@require_POST
def subject_decide(request, season, subject):
    """Decide one subject with its decided points (the appraised ones unless changed) and the
    KHTNV cases the deciding level weighs case by case, with the decision's reason."""
    subject = get_subject(request, get_season(season), subject)
    access.require(access.may_decide(request.user, subject))
    rule_set = subject.season.rule_set
    items = criteria_items(rule_set.scoring, subject.season.criteria, subject.profile)
    typed = {i.key: request.POST.get(f"decide-points_{i.key}", "").strip() for i in items}
    waived = {
        code.removeprefix("decide-waive_"): request.POST.get(
            f"decide-why_{code.removeprefix('decide-waive_')}", ""
        )
        for code in request.POST
        if code.startswith("decide-waive_")
    }
    decision = workflow.DecisionInput(
        subject=subject,
        level=request.POST.get("decide-level", ""),
        points=typed if any(typed.values()) else None,
        waived=waived or None,
    )
    done = run_step(
        request,
        lambda: workflow.decide(
            decisions=[decision], actor=request.user, reason=request.POST.get("decide-reason", "")
        ),
        success=_("The rating was decided."),
    )
    return back_to_subject(request, subject, done=done, action="decide")


@login_required
@require_POST
def subject_check(request, season, subject):
    """R366-ORDER-4: order a check before the decision."""
    subject = get_subject(request, get_season(season), subject)
    access.require(access.may_order_check(request.user, subject))
    done = run_step(
        request,
        lambda: committee.order_check(
            subject=subject,
            actor=request.user,
            kind=request.POST.get("check-kind", ""),
            reason=request.POST.get("check-reason", ""),
        ),
        success=_("The check was ordered; the rating waits for its conclusion."),
    )
    return back_to_subject(request, subject, done=done, action="check")


@login_required
@require_POST
def subject_check_conclude(request, season, subject, flag):
    subject = get_subject(request, get_season(season), subject)
    access.require(access.may_order_check(request.user, subject))
    check = get_object_or_404(CheckFlag, pk=flag, subject=subject)
    done = run_step(
        request,
        lambda: committee.conclude_check(
            flag=check, actor=request.user, conclusion=request.POST.get("conclusion", "")
        ),
        success=_("The check is concluded."),
    )
    return back_to_subject(request, subject, done=done, action=f"conclude-{check.pk}", names=["conclusion"])


@login_required
@require_POST
def subject_profile(request, season, subject):
    subject = get_subject(request, get_season(season), subject)
    access.require(access.may_return_form(request.user, subject))
    done = run_step(
        request,
        lambda: workflow.change_profile(
            subject=subject,
            actor=request.user,
            profile=request.POST.get("profile-profile", ""),
            reason=request.POST.get("profile-reason", ""),
        ),
        success=_("The member's profile and form were changed."),
    )
    return back_to_subject(request, subject, done=done, action="profile")


@login_required
@require_POST
def queue_raise_quota(request, season, group):
    """R366-RATE-10 from the queue: the deciding committee raises one group's rate, with a reason."""
    season = get_season(season)
    chosen = get_object_or_404(
        QuotaGroup.objects.select_related("season", "decider"), pk=group, season=season
    )
    refusal = access.may_raise_quota(request.user, chosen)
    if refusal and not access.season_scope(request.user, season).can_view_path(chosen.decider.path):
        raise Http404  # a group outside the user's part of the tree: not even that it exists
    access.require(refusal)
    try:
        percent = int(request.POST.get("percent", ""))
    except ValueError:
        percent = -1
    done = run_step(
        request,
        lambda: committee.raise_quota(
            group=chosen, actor=request.user, percent=percent, reason=request.POST.get("reason", "")
        ),
        success=_("The rate of %(group)s is now %(percent)s%%.")
        % {"group": chosen.label, "percent": percent},
    )
    back = site_path(request, request.POST.get("next")) or reverse("reviews:queue", args=[season.pk])
    if not done:  # the rate and its reason, back in the group's form (the queue's `_raisable`)
        keep_typed(request, urlsplit(back).path, f"raise-{chosen.pk}", ("percent", "reason"))
    return redirect(back)
