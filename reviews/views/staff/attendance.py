"""Committee staff assign upper-level attendees to a unit's review meeting (issue 15)."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from config.widgets import DateInput
from reviews import workflow
from reviews.supervision import attendance
from reviews.views.common import get_season, get_unit


class AttendanceForm(forms.Form):
    # Nothing required here: the service says what is missing, in one list.
    attends_on = forms.DateField(label=gettext_lazy("Meeting date"), required=False, widget=DateInput)
    member = forms.ModelChoiceField(
        label=gettext_lazy("Committee member"), queryset=None, required=False, empty_label="—"
    )
    group_names = forms.CharField(
        label=gettext_lazy("Or a working group: the names"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    sent_by = forms.CharField(label=gettext_lazy("Working group sent by"), required=False, max_length=255)

    def __init__(self, *args, unit, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = attendance.committee_members(unit).order_by("sort_key", "id")


@login_required
@require_http_methods(["GET", "POST"])
def attendance_page(request, season: int, code: str):
    season = get_season(season)
    unit = get_unit(request, season, code)
    if attendance.may_assign(request.user, unit, season):
        raise Http404  # like the other staff pages: a page outside one's role is not shown

    form = AttendanceForm(request.POST or None, unit=unit)
    if request.method == "POST":
        if not form.is_valid():
            messages.error(request, _("The assignment was not saved: check the fields below."))
        else:
            data = form.cleaned_data
            try:
                attendance.assign(
                    actor=request.user,
                    unit=unit,
                    attends_on=data["attends_on"],
                    member=data["member"],
                    group_names=data["group_names"],
                    sent_by=data["sent_by"],
                )
            except workflow.WorkflowError as refusal:
                for reason in refusal.reasons:
                    messages.error(request, reason)
            else:
                messages.success(request, _("The attendee is assigned to the review meeting."))
                return redirect("reviews:attendance", season.pk, unit.code)
    return render(
        request,
        "reviews/staff/attendance.html",
        {"season": season, "unit": unit, "form": form, "attendees": attendance.attendees(unit)},
    )
