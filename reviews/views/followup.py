"""After and around the review: remediation plans (R-REC-3), prerequisite collectives marked as
reviewed (R-ORDER-4), and the members to commend (reviews/views/merit.py, R366-REC-3)."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from config.row_ids import row_id
from config.widgets import DateInput, date_placeholder
from organizations.models import AffiliatedCollective
from reviews import access, services
from reviews.models import AffiliateReview, RemediationItem, RemediationPlan
from reviews.views import merit
from reviews.views.common import get_season, get_subject, get_unit, run_step

ROWS = 5


class PlanItemForm(forms.Form):
    text = forms.CharField(
        label=gettext_lazy("Shortcoming and measure"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    owner = forms.CharField(label=gettext_lazy("Who"), required=False, max_length=255)
    due_on = forms.DateField(label=gettext_lazy("Due on"), required=False, widget=DateInput())


PlanItems = forms.formset_factory(PlanItemForm, extra=ROWS, max_num=20)


def _typed_rows(formset) -> list[str]:
    """Each row of the plan as it was typed (the measure, who, by when), for a page that no longer
    offers the plan's form: to be copied, not lost."""
    rows = []
    for form in formset.forms:
        typed = [form.data.get(form.add_prefix(name), "").strip() for name in ("text", "owner", "due_on")]
        if any(typed):
            rows.append(" — ".join(value for value in typed if value))
    return rows


@login_required
def remediation(request, season, subject):
    season = get_season(season)
    subject = get_subject(request, season, subject)
    can_edit = access.may_edit_form(request.user, subject) is None
    mark_refusal = access.may_mark_remediation(request.user, subject) or ""
    formset = PlanItems(request.POST or None, prefix="item")
    if request.method == "POST":
        access.require(access.may_edit_form(request.user, subject))
        if formset.is_valid():
            items = [f.cleaned_data for f in formset.forms if f.cleaned_data.get("text")]
            if run_step(
                request,
                lambda: services.submit_remediation_plan(subject=subject, actor=request.user, items=items),
                success=_("The remediation plan was submitted."),
            ):
                return redirect("reviews:remediation", season.pk, subject.pk)
    # Read after a refused submission: the plan may have been submitted meanwhile (another tab).
    plan = RemediationPlan.objects.filter(subject=subject).prefetch_related("items").first()
    submitted = plan is not None and plan.submitted_at is not None
    return render(
        request,
        "reviews/followup/remediation.html",
        {
            "season": season,
            "subject": subject,
            "plan": plan,
            "formset": formset,
            "can_edit": can_edit,
            "can_mark": not mark_refusal,
            "mark_refusal": mark_refusal,
            "statuses": RemediationItem.Status.choices,
            "previous": services.previous_shortcomings(subject),
            # typed in a form the page no longer offers (the plan was submitted): to be copied
            "typed_unshown": _typed_rows(formset) if formset.is_bound and submitted else [],
        },
    )


@login_required
@require_POST
def remediation_item(request, season, subject, item):
    season = get_season(season)
    subject = get_subject(request, season, subject)
    access.require(access.may_edit_form(request.user, subject))
    entry = RemediationItem.objects.filter(pk=item, plan__subject=subject).first()
    # The member's own form offers no status: the item keeps it (access.may_mark_remediation).
    status = request.POST.get("status", entry.status if entry is not None else "")
    if entry is not None and status in RemediationItem.Status.values:
        run_step(
            request,
            lambda: services.update_remediation_item(
                item=entry, actor=request.user, status=status, note=request.POST.get("note", "")
            ),
            success=_("Progress recorded."),
        )
    return redirect("reviews:remediation", season.pk, subject.pk)


@login_required
def affiliates(request, season, code):
    season = get_season(season)
    unit = get_unit(request, season, code)
    collectives = AffiliatedCollective.objects.filter(organization_id=unit.organization_id).order_by("name")
    done = {
        r.affiliate_id: r
        for r in AffiliateReview.objects.filter(season=season, affiliate__in=collectives).select_related(
            "recorded_by"
        )
    }
    if request.method == "POST":
        access.require(access.may_record_meeting(request.user, unit))
        picked = row_id(request.POST.get("affiliate", ""))
        chosen = collectives.filter(pk=picked).first() if picked is not None else None
        try:
            day = forms.DateField().clean(request.POST.get("done_on", ""))
        except forms.ValidationError:
            day = None
        if chosen is None or day is None:
            messages.error(request, _("Choose the collective and the date its review was held."))
        else:
            run_step(
                request,
                lambda: services.mark_affiliate_reviewed(
                    season=season, affiliate=chosen, actor=request.user, done_on=day
                ),
                success=_("%(name)s is marked as reviewed.") % {"name": chosen.name},
            )
        return redirect("reviews:affiliates", season.pk, unit.code)
    return render(
        request,
        "reviews/followup/affiliates.html",
        {
            "season": season,
            "unit": unit,
            "rows": [(c, done.get(c.pk)) for c in collectives],
            "can_manage": access.may_record_meeting(request.user, unit) is None,
            "date_placeholder": date_placeholder(),
        },
    )


urlpatterns = [
    path("ke-hoach/<id:subject>/", remediation, name="remediation"),
    path("ke-hoach/<id:subject>/muc/<id:item>/", remediation_item, name="remediation-item"),
    path("tien-quyet/<str:code>/", affiliates, name="affiliates"),
    *merit.urlpatterns,
]
