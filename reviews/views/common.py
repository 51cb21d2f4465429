"""What every season page needs: finding the season, the unit or subject the URL names (with the
access checks), running a workflow step and showing its refusal."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Q
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from config.kept_reads import Ids, InIds, KeptRead
from config.request_memo import in_request
from config.row_ids import row_id
from members.models import own_member
from organizations.access import todays_roles
from reviews import workflow
from reviews.access import season_scope
from reviews.models import QuarterlyEvaluation, Season, SeasonUnit, Subject
from reviews.open_seasons import SEASON_RELATED, open_seasons

SUBJECT_ROWS = ("unit", "decider", "member")  # for many rows of one season, given the season
SUBJECT_RELATED = (*(f"season__{name}" for name in SEASON_RELATED), *SUBJECT_ROWS)


def current_season(user) -> Season | None:
    """The latest open season covering one of the user's roles or their own cell."""
    seasons = open_seasons()
    if user.is_superuser:
        return seasons[0] if seasons else None
    paths = [r.organization.path for r in todays_roles(user)]
    member = own_member(user)
    if member:
        paths.append(member.cell.path)
    for season in seasons:
        top = season.top_organization.path
        if any(p.startswith(top) or top.startswith(p) for p in paths):
            return season
    return None


def id_from(value: str | None) -> int:
    """The id a form or query field names (config/row_ids.py), else 404 ("x", "1e3", "-1", "²",
    "" name nothing). `int()` would accept " 7" and "1_0", and raise ValueError (a server error)
    on "x"."""
    found = row_id(value)
    if found is None:
        raise Http404
    return found


def get_season(season_id: int) -> Season:
    """The season the URL names; an open one comes from the request's list of open seasons, which
    the navigation reads anyway."""
    if in_request():
        for season in open_seasons():
            if season.pk == season_id:
                return season
    return get_object_or_404(Season.objects.select_related(*SEASON_RELATED), pk=season_id)


_UNIT_READS: dict[str, KeptRead] = {}  # by what is read with the unit: a handful in the code


def get_unit(
    request, season: Season, code: str, *, manage: bool = False, related: str = "parent"
) -> SeasonUnit:
    """The season's copy of an organization, for a user whose roles cover it (404 otherwise;
    403 when they may look but `manage` is asked), read with `related` (its parent, or more)."""
    if related not in _UNIT_READS:
        _UNIT_READS[related] = KeptRead(
            lambda season_id, code: (
                SeasonUnit.objects.filter(season_id=season_id, code=code)
                .select_related(related)
                .order_by("pk")[:1]
            ),
            int,
            str,
        )
    unit = _UNIT_READS[related].first(season.pk, code)
    scope = season_scope(request.user, season)
    if unit is None or not scope.can_view_path(unit.path):
        raise Http404
    if manage and not scope.can_manage_path(unit.path):
        raise PermissionDenied
    return unit


_SUBJECT_READS: dict[tuple[str, ...], KeptRead] = {}


# R366-QTR-4: whether the subject has a quarter recorded, read with it, so that the year's panel
# asks for the quarters of a member not evaluated quarterly only when there are some (a leader
# moved to another post keeps them); quarters.results.year_panel.
QUARTERS_RECORDED = Exists(QuarterlyEvaluation.objects.filter(subject_id=OuterRef("pk")))


def _subject_read(related: tuple[str, ...]) -> KeptRead:
    """The subject with its rows and `related`, one kept read per `related` (a handful in the code)."""
    if related not in _SUBJECT_READS:
        _SUBJECT_READS[related] = KeptRead(
            lambda season, pk: (
                Subject.objects.select_related(*SUBJECT_ROWS, *related)
                .annotate(quarters_recorded=QUARTERS_RECORDED)
                .filter(season_id=season, pk=pk)[:1]
            ),
            int,
            int,
        )
    return _SUBJECT_READS[related]


def get_subject(request, season: Season, pk: int, *, related: tuple[str, ...] = (), **annotations) -> Subject:
    """A subject the user may see: their own, or one inside their scope (read with `related` and
    the `annotations`). The season is the one given, not read again: joining it and its rule set,
    top organization and quarter choices cost PostgreSQL more to plan (2.4 ms at each form) than
    the whole read then took to run."""
    if annotations:
        subject = (
            Subject.objects.select_related(*SUBJECT_ROWS, *related)
            .annotate(**annotations)
            .filter(season=season, pk=pk)
            .first()
        )
    else:
        subject = _subject_read(tuple(related)).first(season.pk, pk)
    if subject is None:
        raise Http404
    subject.season = season
    scope = season_scope(request.user, season)
    if not (
        scope.can_view_path(subject.path) or (subject.member_id and subject.member_id in scope.member_ids)
    ):
        raise Http404
    return subject


def visible_subjects(request, season: Season, subjects=None):
    """Every subject of the season the user may see (staff and secretaries: their subtree), from
    `subjects` (a queryset of subjects, all of them by default)."""
    scope = season_scope(request.user, season)
    return subjects_seen(
        Subject.objects if subjects is None else subjects,
        season.pk,
        everything=scope.everything,
        paths=scope.paths(),
        member_ids=Ids(sorted(scope.member_ids)),
    )


def subjects_seen(subjects, season_id: int, *, everything: bool, paths: tuple[str, ...], member_ids: Ids):
    """The season's subjects in the subtrees at `paths` and the user's own member records; every
    one for a superuser. From values only, so that a kept read builds it too (the queue's page)."""
    subjects = subjects.filter(season_id=season_id)
    if everything:
        return subjects
    condition = InIds("member_id", member_ids, planned_once=True)
    for path in paths:
        condition = condition | Q(path__startswith=path)
    return subjects.filter(condition)


def run_step(request, step, *, success: str, refused: str = "") -> bool:
    """Run a workflow step; on refusal show its reasons (403 if the role does not allow it)."""
    try:
        step()
    except workflow.NotAllowed as refusal:
        raise PermissionDenied("; ".join(refusal.reasons)) from refusal
    except workflow.WorkflowError as refusal:
        show_refusal(request, refusal.reasons, refused)
        return False
    messages.success(request, success)
    return True


def show_refusal(request, reasons: list[str], lead: str = "") -> None:
    """The reasons of a refusal in one alert: a single reason as it is, several as a list under
    `lead` (templates/includes/_messages.html), never one alert per reason."""
    if len(reasons) == 1:
        messages.error(request, reasons[0])
    elif reasons:
        lines = [lead or _("This was not done:"), *(" ".join(str(r).split()) for r in reasons)]
        messages.error(request, "\n".join(lines), extra_tags="reasons")


def level_choices(season: Season) -> list[tuple[str, str]]:
    return [(level["code"], f"{level['code']} – {level['label']}") for level in season.rule_set.levels]


def state_label(state: str, *, collective: bool = False) -> str:
    return Subject.state_text(state, collective=collective)
