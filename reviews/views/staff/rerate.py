"""Page: the committee directly above the deciding level re-rates a decided result (R-STEP-3,
R366-STEP-2), for instance after discipline for a violation of that year (R-RATE-4 under QĐ 124;
under QĐ 366 the page says the violation is weighed in a later year instead, R366-RATE-7)."""

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from reviews import access, rerating
from reviews.models import Decision
from reviews.regimes import regime_of
from reviews.scoring import criteria_items
from reviews.views.common import SUBJECT_RELATED, get_season, get_subject, run_step

OTHER = "other"


class RerateForm(forms.Form):
    ground = forms.ChoiceField(
        label=gettext_lazy("Ground"),
        widget=forms.RadioSelect,
        error_messages={"required": gettext_lazy("Choose the ground of the re-rating.")},
    )
    level = forms.ChoiceField(
        label=gettext_lazy("New level"),
        error_messages={
            "required": gettext_lazy("Choose the new level."),
            "invalid_choice": gettext_lazy("Choose the new level."),
        },
    )
    reason = forms.CharField(
        label=gettext_lazy("Reason"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("Printed in the re-rating decision, as the grounds."),
        error_messages={"required": gettext_lazy("Write the reason for the re-rating.")},
    )

    def __init__(self, *args, season, violations, subject, **kwargs):
        super().__init__(*args, **kwargs)
        grounds = [
            (
                str(v.record.pk),
                _("Discipline (%(form)s) of %(date)s for a violation in %(year)s")
                % {
                    "form": v.record.get_form_display(),
                    "date": v.record.decided_on.strftime("%d/%m/%Y"),
                    "year": v.record.violation_year,
                },
            )
            for v in violations
            if v.reopens
        ]
        grounds.append((OTHER, _("The result proved wrong or dishonest, or drew complaints")))
        self.fields["ground"].choices = grounds
        if len(grounds) == 1:
            self.fields["ground"].initial = OTHER
        self.fields["level"].choices = [("", "—")] + [
            (level["code"], f"{level['code']} – {level['label']}") for level in season.rule_set.levels
        ]
        self.fields["ground"].error_messages["invalid_choice"] = _("Choose the ground of the re-rating.")
        self.point_items = []
        if regime_of(season.rule_set).uses_points:  # R366-STEP-2: the re-rating records its points
            self.point_items = criteria_items(season.rule_set.scoring, season.criteria, subject.profile)
            decided = (subject.scores or {}).get("decided") or {}
            for item in self.point_items:
                self.fields[f"points_{item.key}"] = forms.CharField(
                    label=_("Re-rated points: %(item)s") % {"item": item.title},
                    required=False,
                    max_length=12,
                    initial=decided.get(item.key, ""),
                    help_text=_("Empty: the points in force are kept."),
                )

    def typed_points(self) -> dict | None:
        if not self.point_items:
            return None
        return {i.key: self.cleaned_data.get(f"points_{i.key}", "").strip() for i in self.point_items}


def _subject_and_decision(request, season, pk) -> tuple:
    """The subject (404 outside the user's part of the tree) with its decision in force, in one
    query when it has one."""
    current = (
        Decision.objects.select_related(
            "decider", "subject__decider__parent", *(f"subject__{r}" for r in SUBJECT_RELATED)
        )
        .filter(subject_id=pk, subject__season=season, status=Decision.Status.VALID)
        .first()
    )
    if current is None:
        return get_subject(request, season, pk), None
    return access.require_subject_view(request.user, current.subject), current


@login_required
def subject_rerate(request, season, subject):
    season = get_season(season)
    subject, current = _subject_and_decision(request, season, subject)
    refusal = access.may_rerate(request.user, subject)
    if refusal and request.method != "POST":
        raise Http404  # the page exists for the level above only; a page never answers 403
    access.require(refusal)  # a POST from anyone else: 403
    violations = rerating.past_violations(subject)
    refused = rerating.already_rerated(subject, current)
    form = RerateForm(request.POST or None, season=season, violations=violations, subject=subject)
    if request.method == "POST" and not refused and form.is_valid():
        data = form.cleaned_data
        record = next((v.record for v in violations if str(v.record.pk) == data["ground"]), None)
        if run_step(
            request,
            lambda: rerating.rerate(
                subject=subject,
                actor=request.user,
                level=data["level"],
                reason=data["reason"],
                record=record,
                points=form.typed_points(),
            ),
            success=_(
                "The result was cancelled and stays on record; %(level)s is now in force. The re-rating "
                "decision can be printed from this page."
            )
            % {"level": data["level"]},
        ):
            return redirect("reviews:subject", season.pk, subject.pk)
    return render(
        request,
        "reviews/staff/rerate.html",
        {
            "season": season,
            "subject": subject,
            "form": form,
            "current": current,
            "superior": subject.decider.parent,
            "basis": regime_of(season.rule_set).rerating_basis(),
            "violations": violations,
            "refused": refused,
        },
    )
