"""The appraisal of a member under QĐ 366 on the meeting page (R366-ORDER-4 step 2, R366-SCORE-4):
the appraised points per criterion beside the member's own (typed the same way: a percentage for
a percentage item), the KHTNV cases ticked with their evidence (R366-RATE-4/5/6), the leader's
fields and units confirmed, and the conditions of each level as the member's own points give them.
The engine checks everything again (reviews/workflow/: propose)."""

from django import forms
from django.utils.translation import gettext as _

from reviews.models import Subject
from reviews.regimes.qd366.levels import LEADERS
from reviews.regimes.qd366.standing import subject_outcome, units_led_note
from reviews.scoring import criteria_items, points_text


def add_fields(form: forms.Form, subject: Subject, answers: dict) -> None:
    """Add the appraisal's fields to a meeting row's form (named after the criteria items and the
    profile's cases), with the member's own points (or the appraisal already made) as a start."""
    rule_set = subject.season.rule_set
    typed = ((answers or {}).get("B.II") or {}).get("points") or {}
    form.point_items = criteria_items(rule_set.scoring, subject.season.criteria, subject.profile)
    for item in form.point_items:
        form.fields[f"points_{item.key}"] = forms.CharField(
            label=item.title,
            required=False,
            max_length=12,
            initial=typed.get(item.key, ""),
            widget=forms.TextInput(
                attrs={"inputmode": "decimal", "class": "form-control form-control-sm text-end"}
            ),
        )
    ticked = (subject.scores or {}).get("cases") or {}
    form.cases = rule_set.scoring["profiles"].get(subject.profile, {}).get("cases", [])
    for case in form.cases:
        form.fields[f"case_{case['code']}"] = forms.BooleanField(
            label=case["label"],
            required=False,
            initial=case["code"] in ticked,
            widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
        )
        form.fields[f"evidence_{case['code']}"] = forms.CharField(
            label=_("What shows it"), required=False, max_length=500, initial=ticked.get(case["code"], "")
        )
    if subject.profile in LEADERS:
        units_led = ((answers or {}).get("B.I") or {}).get("units_led", False)
        form.fields["units_led"] = forms.BooleanField(
            label=_("The fields and units led completed every task, %(percent)s%% or more beyond plan")
            % {"percent": rule_set.scoring["conditions"]["excellent_exceeded_percent"]},
            required=False,
            initial=units_led,
            widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
        )


def field_names(form: forms.Form) -> list[str]:
    names = [f"points_{i.key}" for i in getattr(form, "point_items", [])]
    for case in getattr(form, "cases", []):
        names += [f"case_{case['code']}", f"evidence_{case['code']}"]
    return names + (["units_led"] if "units_led" in form.fields else [])


def proposal_extras(form: forms.Form) -> dict:
    """The appraisal as ProposalInput arguments: points as typed (None when nothing was typed: the
    member's own points are taken), the ticked cases with their evidence, the leader's tick."""
    data = form.cleaned_data
    typed = {i.key: data.get(f"points_{i.key}", "").strip() for i in form.point_items}
    extras = {
        "points": typed if any(typed.values()) else None,
        "cases": {
            c["code"]: data.get(f"evidence_{c['code']}", "")
            for c in form.cases
            if data.get(f"case_{c['code']}")
        },
    }
    if "units_led" in form.fields:
        extras["ticks"] = {"units_led": bool(data.get("units_led"))}
    return extras


def summary(subject: Subject, facts) -> dict:
    """What the row shows beside the inputs: the member's own total, the appraised one, and what
    the points and conditions give as recorded so far."""
    result = subject_outcome(subject, facts)
    return {
        "self_points": points_text(subject.self_points),
        "proposed_points": points_text(subject.proposed_points)
        if subject.proposed_points is not None
        else "",
        "outcome": result,
        "units_led": units_led_note(subject, facts),
    }
