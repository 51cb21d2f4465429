"""Supervising the review (issue 15): require a review done again (R-SUP-1), from the subject's page."""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from reviews import access, workflow
from reviews.models import Subject
from reviews.views.common import get_season, run_step
from reviews.views.staff.common import back_to_subject


@login_required
@require_POST
def subject_require_redo(request, season, subject):
    """R-SUP-1: committee staff above the unit, or a committee member assigned to its meeting,
    require the review done again with a reason (403 for others who see the subject, 404 for
    anyone else)."""
    season = get_season(season)
    subject = get_object_or_404(
        Subject.objects.select_related("unit", "member", "season__rule_set"), season=season, pk=subject
    )
    refusal = workflow.may_require_redo(request.user, subject)
    if refusal and not access.can_view_subject(request.user, subject):
        raise Http404  # outside the user's part of the tree: not even that it exists
    access.require(refusal)
    reason = request.POST.get("redo-reason", "")
    done = run_step(
        request,
        lambda: workflow.require_redo(subject=subject, actor=request.user, reason=reason),
        success=_("The review must be done again; the secretary and the subject are notified."),
    )
    # Whoever may require it sees the subject: staff above see below them, and an assigned
    # attendee sees the subjects of the meeting they attend (access.SeasonScope.attends).
    return back_to_subject(request, subject, done=done, action="redo")
