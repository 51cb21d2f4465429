"""Pages of the provincial organization board before a season: the criteria made concrete for
a year (R366-SET-2, R366-SCORE-3), with a preview of part B as a member will see it, and opening
the season with them (R366-SET-1). The rules are in reviews/criteria.py; only the board of the
top organization (or a superuser) may see these pages."""

import re

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from config.row_ids import row_id
from reviews.criteria import (
    CriteriaYear,
    board_organizations,
    copy_previous,
    criteria_year,
    frozen_message,
    method_labels,
    part_b_preview,
    profile_codes,
    profile_problems,
    require_board,
    save_profile,
    suggested_year,
    year_in_range,
)
from reviews.scoring import groups, profile_label
from reviews.season_opening import Refusal, draft_stamp, open_with_criteria, opening_refusals
from reviews.views.criteria_forms import Editor, OpenSeasonForm


def _year(year: int) -> int:
    if not year_in_range(year):
        raise Http404
    return year


def _found(request, code: str, year: int) -> CriteriaYear:
    organization = require_board(request.user, code)
    return criteria_year(organization, _year(year))


def _start(request, page: str):
    """The board's own top organization and the year to prepare (a choice if there are several)."""
    organizations = board_organizations(request.user)
    if not organizations:
        raise Http404
    asked = request.GET.get("year", "")
    if len(organizations) == 1:
        organization = organizations[0]
        year = row_id(asked)
        if year is None or not year_in_range(year):
            year = suggested_year(organization)
        return redirect(page, organization.code, year)
    choices = [(organization, suggested_year(organization)) for organization in organizations]
    return render(request, "reviews/criteria/start.html", {"choices": choices, "page": page})


@login_required
def criteria_start(request):
    return _start(request, "reviews:criteria")


@login_required
def season_open_start(request):
    return _start(request, "reviews:season-open")


def _profile_rows(found: CriteriaYear) -> list[dict]:
    """The overview: per profile, how many items each group has, and what does not add up."""
    rows = []
    for code in profile_codes(found.scoring):
        chosen = found.groups_of(code)
        rows.append(
            {
                "code": code,
                "label": profile_label(code),
                "groups": [{**g, "count": len(chosen.get(g["key"]) or [])} for g in groups(found.scoring)],
                "problems": profile_problems(found.scoring, code, chosen) if chosen else [],
            }
        )
    return rows


@login_required
def criteria_page(request, code: str, year: int):
    found = _found(request, code, year)
    context = {
        "found": found,
        "organization": found.organization,
        "year": found.year,
        # only the years the page exists for: a link past the range would answer 404
        "previous_year": found.year - 1 if year_in_range(found.year - 1) else None,
        "next_year": found.year + 1 if year_in_range(found.year + 1) else None,
    }
    if found.scoring:
        context["profiles"] = _profile_rows(found)
    if found.frozen:
        context["frozen"] = frozen_message(found.season)
    return render(request, "reviews/criteria/year.html", context)


@login_required
@require_POST
def criteria_copy(request, code: str, year: int):
    organization = require_board(request.user, code)
    try:
        copy_previous(organization=organization, year=_year(year), actor=request.user)
    except ValidationError as refusal:
        for message in refusal.messages:
            messages.error(request, message)
    else:
        messages.success(
            request,
            _("The criteria of %(previous)s were copied into %(year)s. Check each profile.")
            % {"previous": year - 1, "year": year},
        )
    return redirect("reviews:criteria", organization.code, year)


@login_required
def criteria_profile(request, code: str, year: int, profile: str):
    found = _found(request, code, year)
    if not found.scoring or profile not in found.scoring["profiles"]:
        raise Http404
    if request.method != "POST":
        editor = Editor.saved(found.scoring, profile, found.groups_of(profile))
        return _render_profile(request, found, profile, editor, [], checked=False)
    if found.frozen:
        messages.error(request, frozen_message(found.season))
        return _back_to_top(found, profile)
    editor = Editor.posted(found.scoring, profile, request.POST)
    if editor is None:
        messages.error(
            request, _("The page was sent incomplete; nothing was saved. Reload it and try again.")
        )
        return _back_to_top(found, profile)
    action = request.POST.get("action", "check")
    if editor.apply(action):  # add, move or remove a row: shown again, not checked yet
        return _render_profile(request, found, profile, editor, [], checked=False)
    editor.drop_blank()
    if action != "save":
        return _render_profile(request, found, profile, editor, editor.problems(), checked=True)
    return _save_profile(request, found, profile, editor)


def _save_profile(request, found: CriteriaYear, profile: str, editor: Editor):
    try:
        save_profile(
            organization=found.organization,
            year=found.year,
            scoring=found.scoring,
            profile=profile,
            chosen=editor.chosen(),
            actor=request.user,
        )
    except ValidationError as refusal:
        return _render_profile(request, found, profile, editor, refusal.messages, checked=True)
    messages.success(
        request,
        _("The criteria of %(profile)s for %(year)s are saved.")
        % {"profile": profile_label(profile), "year": found.year},
    )
    return _back_to_top(found, profile)


def _back_to_top(found: CriteriaYear, profile: str):
    """The profile's page from its top, where the message is (the buttons ask for a place below)."""
    url = reverse("reviews:criteria-profile", args=[found.organization.code, found.year, profile])
    return redirect(f"{url}#main")


def _short(code: str) -> str:
    """The code a profile's label ends with, e.g. LĐ-TW, for narrow screens."""
    found = re.search(r"\(([^()]+)\)\s*$", profile_label(code))
    return found.group(1) if found else code


def _render_profile(request, found: CriteriaYear, profile: str, editor: Editor, problems, *, checked: bool):
    """The editor as typed; after a check or a refused save, the problems and each field's error.
    The preview shows once the rows are free of problems."""
    context = {
        "found": found,
        "organization": found.organization,
        "year": found.year,
        "profile": profile,
        "profile_name": profile_label(profile),
        "profiles": [(code, profile_label(code), _short(code)) for code in profile_codes(found.scoring)],
        "groups": editor.formsets(validate=checked),
        "problems": problems,
        "checked": checked,
        "preview": None if editor.problems() else part_b_preview(found.rule_set, profile, editor.chosen()),
        "methods": method_labels(),
        "frozen": frozen_message(found.season) if found.frozen else "",
        "focus": editor.focus,
    }
    return render(request, "reviews/criteria/profile.html", context)


# -- opening the season -----------------------------------------------------------------------------


def _refusal_links(found: CriteriaYear, refusals) -> list[dict]:
    """Each refusal with the page that fixes it."""
    code, year = found.organization.code, found.year
    shown = []
    for refusal in refusals:
        kind, _sep, profile = refusal.fix.partition(":")
        url = label = ""
        if kind == "season":
            url = reverse("reviews:dashboard", args=[found.season.pk, code])
            label = _("Open the season's figures")
        elif kind == "criteria" and profile:
            url = reverse("reviews:criteria-profile", args=[code, year, profile])
            label = _("Fix the criteria of %(profile)s") % {"profile": profile_label(profile)}
        elif kind == "criteria":
            url, label = reverse("reviews:criteria", args=[code, year]), _("Open the criteria")
        shown.append({"text": refusal.text, "url": url, "label": label})
    return shown


def _open(request, found: CriteriaYear, form: OpenSeasonForm):
    """(the season opened, []) or (None, why not)."""
    rule_set = form.cleaned_data["rule_set"]
    refusals = opening_refusals(found, rule_set, form.cleaned_data["stamp"])
    if refusals:
        return None, refusals
    try:
        season = open_with_criteria(
            found=found,
            rule_set=rule_set,
            reference_date=form.cleaned_data["reference_date"],
            deadlines=form.deadlines(),
            actor=request.user,
        )
    except ValidationError as refusal:
        return None, [Refusal(message, "criteria") for message in refusal.messages]
    return season, []


def default_deadlines(found) -> dict:
    """R366-SCOPE-7: the rating is finished by 31 December of the year (the rule set's
    `deadline_finish`, configurable); the page offers it as the decision's deadline."""
    finish = found.rule_set.day_of("deadline_finish", found.year)
    return {"deadline_decision": finish} if finish else {}


@login_required
def season_open(request, code: str, year: int):
    found = _found(request, code, year)
    initial = {"rule_set": found.rule_set.pk, "stamp": draft_stamp(found.draft), **default_deadlines(found)}
    form = OpenSeasonForm(request.POST or None, year=found.year, rule_sets=found.rule_sets, initial=initial)
    refusals = opening_refusals(found, found.rule_set)
    if request.method == "POST" and not found.frozen and form.is_valid():
        season, refusals = _open(request, found, form)
        if season is not None:
            messages.success(request, _("The season of %(year)s is open.") % {"year": season.year})
            return redirect("reviews:dashboard", season.pk, found.organization.code)
        # Shown again as typed, to be confirmed again against the criteria as they are now.
        typed = {**request.POST.dict(), **initial, "confirm": False}
        typed["rule_set"] = form.cleaned_data["rule_set"].pk
        form = OpenSeasonForm(year=found.year, rule_sets=found.rule_sets, initial=typed)
    context = {
        "found": found,
        "organization": found.organization,
        "year": found.year,
        "form": form,
        "refusals": _refusal_links(found, refusals),
        "profiles": _profile_rows(found) if found.scoring else [],
        "posted": request.method == "POST",
    }
    return render(request, "reviews/criteria/open.html", context)


urlpatterns = [
    path("tieu-chi/", criteria_start, name="criteria-start"),
    path("tieu-chi/<str:code>/<int:year>/", criteria_page, name="criteria"),
    path("tieu-chi/<str:code>/<int:year>/sao-chep/", criteria_copy, name="criteria-copy"),
    path("tieu-chi/<str:code>/<int:year>/<str:profile>/", criteria_profile, name="criteria-profile"),
    path("mo-ky/", season_open_start, name="season-open-start"),
    path("mo-ky/<str:code>/<int:year>/", season_open, name="season-open"),
]
