"""Forms: drafting, choosing the form or profile, submitting and returning a review."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from reviews import access, notifications, rules, scoring
from reviews.facts import Facts
from reviews.models import ReviewForm, Subject
from reviews.regimes import regime_of
from reviews.workflow.core import (
    EDITABLE,
    S,
    WorkflowError,
    _event,
    _locked,
    _refuse_if,
    _state_problem,
    allow,
    blockers,
    permission,
)


def get_form(subject: Subject) -> ReviewForm:
    form, _created = ReviewForm.objects.get_or_create(
        subject=subject, defaults={"template_code": subject.form_code}
    )
    return form


@transaction.atomic
def save_answer(*, subject: Subject, actor, key: str, value: dict) -> ReviewForm:
    """Merge one item of the form (a draft save). Saving one key never touches the others, so
    two open tabs cannot erase each other's text."""
    allow(access.may_edit_form(actor, subject))
    subject = _locked([subject])[0]
    _refuse_if(_state_problem(subject, EDITABLE, _("editing")))
    # One read locks the form; the first save of a form creates it (the subject's lock keeps a
    # second save of the same form waiting meanwhile).
    form = ReviewForm.objects.select_for_update().filter(subject=subject).first() or get_form(subject)
    current = dict(form.answers.get(key) or {})
    current.update(value)
    form.answers[key] = current
    form.version += 1
    form.saved_at = timezone.now()
    if not access.is_own(actor, subject):
        form.entered_on_behalf, form.entered_by = subject.is_member, actor
    form.save(update_fields=["answers", "version", "saved_at", "entered_on_behalf", "entered_by"])
    return form


@transaction.atomic
def choose_form(*, subject: Subject, actor, form_code: str) -> Subject:
    """R-FORM-2 / R-FORM-3: who writes 02B (leaders and managers) rather than 02A is chosen per member."""
    allow(access.may_return_form(actor, subject))
    subject = _locked([subject])[0]
    _refuse_if(_state_problem(subject, EDITABLE, _("changing the form")))
    if not subject.is_member or form_code not in ("02A", "02B"):
        raise WorkflowError([_("Members write form 02A or 02B; collectives write form 01.")])
    from_code = subject.form_code
    subject.form_code = form_code
    subject.save(update_fields=["form_code"])
    ReviewForm.objects.filter(subject=subject).update(template_code=form_code)
    _event(subject, actor, "choose_form", subject.state, data={"from": from_code, "to": form_code})
    return subject


@transaction.atomic
def change_profile(*, subject: Subject, actor, profile: str, reason: str) -> Subject:
    """R366-FORM-LETTERS: the profile (and with it the form, 2A, 2B or 2C) was set from the member's
    posts and status at opening; the secretary or the staff above change it, with a reason."""
    allow(access.may_return_form(actor, subject))
    subject = _locked([subject])[0]
    _refuse_if(_state_problem(subject, EDITABLE, _("changing the form")))
    profiles = (subject.season.rule_set.scoring or {}).get("profiles", {})
    if not subject.is_member or profile not in profiles or profile == Subject.Profile.COLLECTIVE:
        raise WorkflowError([_("Choose one of the profiles of a party member.")])
    if not reason.strip():
        raise WorkflowError([_("Say why the member's profile changes.")])
    before = (subject.profile, subject.form_code)
    subject.profile, subject.form_code = profile, profiles[profile]["form"]
    subject.save(update_fields=["profile", "form_code"])
    ReviewForm.objects.filter(subject=subject).update(template_code=subject.form_code)
    _event(
        subject,
        actor,
        "change_profile",
        subject.state,
        reason=reason.strip(),
        data={"from": list(before), "to": [subject.profile, subject.form_code]},
    )
    return subject


@transaction.atomic
def submit_form(*, subject: Subject, actor) -> Subject:
    allow(permission("submit", actor, subject))
    subject = _locked([subject])[0]
    _refuse_if(blockers(subject, "submit", actor=actor).blockers)
    form = get_form(subject)
    template = subject.season.rule_set.template(subject.form_code)
    for item in rules.form_items(template):
        if item["type"] == "self_rating":
            if item.get("only_for") == "civil_servant" and not subject.is_civil_servant:
                continue
            chosen = (form.answers.get(item["key"]) or {}).get("level", "")
            if item.get("scope") == "civil_service":
                subject.civil_service_level = chosen
            else:
                subject.self_level = chosen
    if regime_of(subject.season.rule_set).uses_points:
        _take_self_scores(subject, form.answers)
        regime_of(subject.season.rule_set).record_outcome(subject, Facts(subject.season, [subject]))
    from_state, subject.state = subject.state, S.SUBMITTED
    subject.save(
        update_fields=["state", "self_level", "civil_service_level", "self_points", "scores", "updated_at"]
    )
    form.submitted_at = timezone.now()
    form.save(update_fields=["submitted_at"])
    _event(subject, actor, "submit", from_state, data={"on_behalf": not access.is_own(actor, subject)})
    return subject


def _take_self_scores(subject: Subject, answers: dict) -> None:
    """R366-SCORE-4 (self-scoring): the points of part B and the figures of the task list, as the
    form gives them at submission (form_problems has checked they are complete)."""
    rule_set = subject.season.rule_set
    items = scoring.criteria_items(rule_set.scoring, subject.season.criteria, subject.profile)
    typed = (answers.get("B.II") or {}).get("points") or {}
    points, errors = scoring.clean_scores(typed, items, rule_set.scoring)
    _refuse_if(errors)
    tasks = answers.get("B.I") or {}
    subject.scores = {
        **(subject.scores or {}),
        "self": points,
        "tasks": scoring.Tasks.from_rows(tasks.get("tasks", [])).as_dict(),
        "ticks": {"units_led": bool(tasks.get("units_led"))},
    }
    subject.self_points = scoring.totals(items, points).total


@transaction.atomic
def return_form(*, subject: Subject, actor, reason: str) -> Subject:
    """Send a submitted review back to its author; who may is asked first (then the reason, then
    the state), so another user learns nothing of the review."""
    allow(permission("return", actor, subject))
    if not reason.strip():
        raise WorkflowError([_("Say why the review is returned.")])
    subject = _locked([subject])[0]
    _refuse_if(blockers(subject, "return", actor=actor).blockers)
    from_state, subject.state = subject.state, S.RETURNED
    subject.save(update_fields=["state", "updated_at"])
    _event(subject, actor, "return", from_state, reason=reason)
    notifications.notify_returned(subject, reason)
    return subject
