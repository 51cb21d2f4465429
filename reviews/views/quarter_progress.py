"""Pages: the progress of Q1–Q3 in the reader's part of a QĐ 366 season, where the board chooses
who is evaluated each quarter and opens a quarter with its deadline (R366-QTR-1, R366-QTR-5), and
staff remind the leaders who have not self-assessed. Thin: every step is a service of
reviews/quarters/, which re-checks access and guards."""

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from config.widgets import DateInput, date_placeholder
from reviews.access import STAFF, season_scope
from reviews.models import Quarter, QuarterlyEvaluation, Season, SeasonUnit, Subject
from reviews.quarters import guards, services
from reviews.quarters.periods import NUMBERS, default_period
from reviews.quarters.reminders import remind_quarter
from reviews.quarters.results import quarter_progress, reassignment_flags
from reviews.quarters.setup import save_quarter_setup, setup_of
from reviews.regimes import regime_of
from reviews.scoring import profile_label
from reviews.views.common import get_season, run_step


class OpenQuarterForm(forms.Form):
    """The deadline a quarter opens with, typed dd/mm/yyyy like every date of the app (never the
    browser's date picker, whose order follows the browser's locale); empty: the default of
    R366-QTR-5, which the field shows."""

    deadline = forms.DateField(
        label=gettext_lazy("Deadline"),
        required=False,
        widget=DateInput(attrs={"class": "form-control", "size": 10}),
    )

    def __init__(self, *args, season: Season, number: int, **kwargs):
        period = default_period(season.year, number)
        super().__init__(*args, auto_id=f"d-{number}-%s", initial={"deadline": period.deadline}, **kwargs)
        self.number = number
        self.fields["deadline"].error_messages["invalid"] = _(
            "Type the deadline as a date, %(format)s, e.g. %(example)s."
        ) % {
            "format": date_placeholder(),
            "example": formats.date_format(period.deadline, "SHORT_DATE_FORMAT"),
        }

    def full_clean(self):
        super().full_clean()
        if "deadline" in self.errors:  # the field says it, and points to the message under it
            self.fields["deadline"].widget.attrs.update(
                {
                    "class": "form-control is-invalid",
                    "aria-invalid": "true",
                    "aria-describedby": self.error_id,
                }
            )

    @property
    def error_id(self) -> str:
        return f"d-{self.number}-error"


@login_required
def quarters(request, season: int):
    """Q1–Q3 in the reader's part of the season: a quarter not run says so (R366-QTR-5)."""
    return _page(request, get_season(season))


def _page(request, season: Season, posted: OpenQuarterForm | None = None):
    scope = _seen_scope(request.user, season)
    board = guards.may_open_quarter(request.user, season) is None
    staff = scope.everything or any(kind in STAFF for kind, _p in scope.roles)
    progress = quarter_progress(season, scope.q())
    setup = setup_of(season)
    rules = season.rule_set
    rows = []
    for n in NUMBERS:
        found = progress[n]
        rows.append(
            {
                "number": n,
                "progress": found,
                # Levels in the rule set's order, each code with its name (never a bare code).
                "levels": [
                    (level["code"], level["label"], found.by_level[level["code"]])
                    for level in rules.levels
                    if found and found.by_level.get(level["code"])
                ],
                "form": (
                    posted if posted and posted.number == n else OpenQuarterForm(season=season, number=n)
                )
                if board and not found
                else None,
            }
        )
    context = {
        "season": season,
        "table_unit": _table_unit(season, scope),
        "uses_points": regime_of(rules).uses_points,
        "rows": rows,
        "board": board,
        "staff": staff,
        "may_read_table": guards.may_read_quarter_table(request.user, season) is None,
        "setup": setup,
        "date_format": date_placeholder(),
        "flags": reassignment_flags(season, scope.q(), setup),  # R366-QTR-4, off by default
        # R366-QTR-1: the profiles of party members, named as on the season's opening page.
        "profiles": [
            (code, profile_label(code))
            for code in (rules.scoring or {}).get("profiles", {})
            if code != Subject.Profile.COLLECTIVE
        ],
        "own": QuarterlyEvaluation.objects.filter(quarter__season=season, subject__member__user=request.user)
        .select_related("quarter")
        .order_by("quarter__number"),
    }
    return render(request, "reviews/quarters/progress.html", context)


def _seen_scope(user, season: Season):
    """The user's scope in a season whose quarters they may see: a role in the season, or their
    own subject in it. 404 for anyone else, on the page and on each of its actions alike: a user of
    another part of the tree (another province's member) must not learn that the season exists,
    while one who sees it but may not act is refused by the step (403 or its message)."""
    scope = season_scope(user, season)
    if not scope.roles and not scope.everything and not _has_subject(season, scope.member_ids):
        raise Http404
    return scope


def _has_subject(season: Season, member_ids) -> bool:
    """Whether the user's member record is reviewed in the season (a member without a role in it)."""
    return bool(member_ids) and Subject.objects.filter(season=season, member_id__in=member_ids).exists()


def _table_unit(season: Season, scope) -> SeasonUnit | None:
    """The unit whose quarter summary table the reader may ask for as a signed PDF: the highest of
    their staff roles (the whole province for the board); None for a leader without one."""
    if scope.everything:
        return guards.top_unit(season)
    paths = [p for kind, p in scope.roles if kind in STAFF]
    return (
        SeasonUnit.objects.filter(season=season, path__in=paths).order_by("path").first() if paths else None
    )


@login_required
@require_POST
def quarter_open(request, season: int):
    """Open a quarter. A deadline that is not a date opens nothing: the page comes back with the
    typed text and what is wrong with it."""
    season = get_season(season)
    _seen_scope(request.user, season)
    # A choice of "1" to "3", not a number to read: int() fails on "²" and 5,000 digits.
    number = {str(n): n for n in NUMBERS}.get(request.POST.get("number", ""), 0)
    form = OpenQuarterForm(request.POST, season=season, number=number) if number in NUMBERS else None
    if form is not None and not form.is_valid():
        if guards.may_open_quarter(request.user, season) is not None:
            raise PermissionDenied
        return _page(request, season, posted=form)
    run_step(
        request,
        lambda: services.open_quarter(
            season=season,
            actor=request.user,
            number=number,
            deadline=form.cleaned_data["deadline"] if form is not None else None,
        ),
        success=_("Quarter %(n)s opened.") % {"n": number},
    )
    return redirect("reviews:quarters", season=season.pk)


@login_required
@require_POST
def quarter_setup(request, season: int):
    season = get_season(season)
    _seen_scope(request.user, season)
    post = request.POST
    run_step(
        request,
        lambda: save_quarter_setup(
            season=season,
            actor=request.user,
            profiles=post.getlist("profiles"),
            quota=bool(post.get("quota")),
            khtnv_quarter_bars_excellent=bool(post.get("khtnv_quarter_bars_excellent")),
            flag_two_khtnv_quarters=bool(post.get("flag_two_khtnv_quarters")),
        ),
        success=_("Saved."),
    )
    return redirect("reviews:quarters", season=season.pk)


@login_required
@require_POST
def quarter_remind(request, season: int, number: int):
    """Remind the leaders of the reader's part of the season who have not self-assessed."""
    season = get_season(season)
    _seen_scope(request.user, season)
    quarter = get_object_or_404(Quarter.objects.select_related("season"), season=season, number=number)
    run_step(
        request,
        lambda: remind_quarter(quarter=quarter, actor=request.user),
        success=_("Reminder sent."),
    )
    return redirect("reviews:quarters", season=season.pk)


urlpatterns = [
    path("quy/", quarters, name="quarters"),
    path("quy/mo/", quarter_open, name="quarter-open"),
    path("quy/cai-dat/", quarter_setup, name="quarter-setup"),
    path("quy/<int:number>/nhac/", quarter_remind, name="quarter-remind"),
]
