"""Who may act on a season's subjects.

A season works on its own snapshot of the tree (R-SCOPE-1), so a user's roles are mapped to the
snapshot paths of their organizations in that season; the checks then follow the same prefix
rule as organizations/access.py. Each `may_*` returns None when allowed, or a sentence saying why
not, which the UI shows beside the disabled button.
"""

import datetime
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import OuterRef, Subquery
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from config.kept_reads import KeptRead
from members.models import own_member
from organizations.access import active_roles_on, todays_roles
from organizations.models import Kind, Organization, Role
from reviews.models import Season, SeasonUnit, Subject
from reviews.signed_in_roles import season_path_attribute

STAFF = frozenset({Role.Kind.COMMITTEE_STAFF, Role.Kind.PROVINCIAL_BOARD})
CELL_OFFICERS = frozenset({Role.Kind.CELL_SECRETARY, Role.Kind.CELL_DEPUTY})
MANAGING = STAFF | CELL_OFFICERS
VIEWING = frozenset({Role.Kind.COMMITTEE_LEADER})
# A committee member assigned to attend a unit's review meeting (R-SUP-1) sees that unit's review:
# the unit and its own subjects, not the units below it, which hold their own meetings.
ATTENDING = "attending"


@dataclass(frozen=True)
class SeasonScope:
    user_id: int | None
    roles: tuple[tuple[str, str], ...]  # (role kind, snapshot path)
    member_ids: frozenset[int]
    everything: bool = False

    def _covering(self, path: str, kinds) -> bool:
        return self.everything or any(kind in kinds and path.startswith(p) for kind, p in self.roles)

    def can_view_path(self, path: str) -> bool:
        return self.sees_below(path) or self.attends(path)

    def sees_below(self, path: str) -> bool:
        """The user sees the unit at `path` and every unit under it (not as a meeting's attendee)."""
        return self._covering(path, MANAGING | VIEWING)

    def attends(self, path: str) -> bool:
        """The user attends the review meeting of exactly the unit at `path` (R-SUP-1)."""
        return any(kind == ATTENDING and p == path for kind, p in self.roles)

    def can_manage_path(self, path: str) -> bool:
        return self._covering(path, MANAGING)

    def is_staff_for(self, path: str) -> bool:
        return self._covering(path, STAFF)

    def is_staff_at(self, path: str) -> bool:
        """Staff of exactly this unit (or the provincial board, which acts for the province)."""
        return self.everything or any(kind in STAFF and p == path for kind, p in self.roles)

    def is_upper_staff_for(self, path: str) -> bool:
        """Staff of a level strictly above the unit at `path`."""
        return self.everything or any(
            kind in STAFF and path.startswith(p) and path != p for kind, p in self.roles
        )

    def member_cell_paths(self) -> tuple[str, ...]:
        return tuple(p for kind, p in self.roles if kind == Role.Kind.MEMBER)

    def paths(self, manage: bool = False) -> tuple[str, ...]:
        """The paths of the subtrees the user sees (or manages), each once, in the roles' order."""
        kinds = MANAGING if manage else MANAGING | VIEWING
        return tuple(dict.fromkeys(p for kind, p in self.roles if kind in kinds))

    def q(self, path_field: str = "path", manage: bool = False):
        from django.db.models import Q

        if self.everything:
            return Q()
        condition = Q(pk__in=[])
        for p in self.paths(manage):
            condition |= Q(**{f"{path_field}__startswith": p})
        return condition


def season_scope(user, season: Season) -> SeasonScope:
    cache = user.__dict__.setdefault("_kd_season_scopes", {})
    if season.pk in cache:
        return cache[season.pk]
    roles, paths = _roles_with_season_paths(user, season)
    member = own_member(user)
    scope = SeasonScope(
        user_id=user.pk,
        roles=tuple((r.kind, paths[r.organization_id]) for r in roles if r.organization_id in paths)
        + _attending(user, member, season),
        member_ids=frozenset([member.pk]) if member else frozenset(),
        everything=user.is_superuser,
    )
    cache[season.pk] = scope
    return scope


def _roles_in_season(user_id: int, day: datetime.date, season_id: int):
    in_season = SeasonUnit.objects.filter(season_id=season_id, organization_id=OuterRef("organization_id"))
    return active_roles_on(user_id, day).annotate(season_path=Subquery(in_season.values("path")[:1]))


_ROLES_IN_SEASON = KeptRead(_roles_in_season, int, datetime.date, int)


def _roles_with_season_paths(user, season: Season) -> tuple[list, dict[int, str]]:
    """Today's roles and, by organization, the path of its copy in the season: read with the roles
    when they are first read in the request (one query), or else on their own."""
    name = season_path_attribute(season.pk)

    def read_with_paths() -> list:
        roles = _ROLES_IN_SEASON.read(user.pk, timezone.localdate(), season.pk)
        for role in roles:
            setattr(role, name, role.season_path)
        return roles

    roles = todays_roles(user, read_with_paths)
    if all(hasattr(r, name) for r in roles):
        return roles, {r.organization_id: getattr(r, name) for r in roles if getattr(r, name) is not None}
    paths = dict(
        SeasonUnit.objects.filter(
            season=season, organization_id__in=[r.organization_id for r in roles]
        ).values_list("organization_id", "path")
    )
    return roles, paths


def _attending(user, member, season: Season) -> tuple[tuple[str, str], ...]:
    """The units whose review meeting the user attends for the level above (R-SUP-1). The user read
    by accounts/backends.py says whether they attend any, so most requests ask nothing here."""
    if member is None or not getattr(user, "kd_attends", True):
        return ()
    from reviews.models import MeetingAttendance

    paths = MeetingAttendance.objects.filter(season=season, member=member).values_list(
        "unit__path", flat=True
    )
    return tuple((ATTENDING, path) for path in paths)


def is_own(user, subject: Subject) -> bool:
    return (
        subject.member_id is not None and subject.member_id in season_scope(user, subject.season).member_ids
    )


def can_view_subject(user, subject: Subject) -> bool:
    return is_own(user, subject) or season_scope(user, subject.season).can_view_path(subject.path)


def require_subject_view(user, subject: Subject) -> Subject:
    if not can_view_subject(user, subject):
        raise Http404
    return subject


def require(reason: str | None) -> None:
    """Turn a refusal into a 403 for views that act."""
    if reason:
        raise PermissionDenied(reason)


def _scope(user, subject):
    return season_scope(user, subject.season)


def may_edit_form(user, subject: Subject) -> str | None:
    """The member writes their own; the cell secretary (or staff above) may enter it for them."""
    if is_own(user, subject) or _scope(user, subject).can_manage_path(subject.path):
        return None
    return _("Only the author, the cell secretary or committee staff may write this review.")


def may_mark_remediation(user, subject: Subject) -> str | None:
    """R366-RATE-2, R-REC-3: whether an item of a remediation plan is done decides the condition
    "earlier shortcomings remedied", so the cell's officers or committee staff over the subject
    mark it — never the rated member themself (who may still write the item's result)."""
    if not is_own(user, subject) and _scope(user, subject).can_manage_path(subject.path):
        return None
    return _(
        "The progress of a remediation item is marked by the cell secretary or deputy secretary or by "
        "committee staff above; the member writes the result."
    )


def may_record_meeting(user, unit: SeasonUnit) -> str | None:
    if season_scope(user, unit.season).can_manage_path(unit.path):
        return None
    return _("Only the secretary of %(unit)s or committee staff above it may record its meeting.") % {
        "unit": unit.name
    }


def may_return_form(user, subject: Subject) -> str | None:
    if _scope(user, subject).can_manage_path(subject.path):
        return None
    return _("Only the cell secretary or committee staff may return a review.")


def may_propose(user, subject: Subject) -> str | None:
    """R-STEP-1: the cell committee proposes for its members; the organization-affairs staff of
    the deciding committee propose for organizations and leadership collectives."""
    scope = _scope(user, subject)
    if subject.is_member:
        if scope.can_manage_path(subject.path):
            return None
        return _("Only the cell committee (secretary or deputy) may propose a member's rating.")
    if subject.decider and scope.is_staff_at(subject.decider.path):
        return None
    return _("Only the staff of the deciding committee may propose the rating of a collective.")


def deciding_unit(subject: Subject) -> SeasonUnit | None:
    """R-STEP-2, and R-RATE-4: a case-by-case re-rating of an earlier year belongs to the
    committee directly above the one that decided it."""
    if subject.flags.get("rerate_case_by_case") and subject.decider and subject.decider.parent_id:
        return subject.decider.parent
    return subject.decider


def may_decide(user, subject: Subject) -> str | None:
    """R-STEP-2: the deciding level decides; its staff enter the decision. Levels above do not
    decide in its place: they may reopen or cancel (R-STEP-3, R-STEP-4)."""
    decider = deciding_unit(subject)
    if decider is None:
        return _("This subject is not rated in this season.")
    scope = _scope(user, subject)
    if scope.is_staff_at(decider.path):
        return None
    if decider.kind == Kind.BASE_CELL and any(
        kind in CELL_OFFICERS and p == decider.path for kind, p in scope.roles
    ):
        return None  # a base cell (chi bộ cơ sở) decides its own members
    return _("Only %(decider)s decides this rating.") % {"decider": decider.name}


def may_reopen(user, subject: Subject) -> str | None:
    """R-STEP-4: the deciding level or a level above."""
    decider = subject.decider
    if decider is not None and (
        may_decide(user, subject) is None or _scope(user, subject).is_staff_for(decider.path)
    ):
        return None
    return _("Only the deciding level or a level above may reopen a decided rating.")


def may_cancel(user, subject: Subject) -> str | None:
    """R-STEP-3: the committee directly above the deciding level (the provincial board only where
    that committee is the province), as for a re-rating (may_rerate); no level higher up."""
    decider = subject.decider
    if decider is not None and decider.parent_id is not None:
        parent_path = decider.path[: -Organization.steplen]
        if _scope(user, subject).is_staff_at(parent_path):
            return None
    return _("Only the committee directly above the deciding level may cancel a decided rating.")


def may_rerate(user, subject: Subject) -> str | None:
    """R-STEP-3, R-RATE-4, R366-STEP-2: the staff of the committee directly above the deciding
    level re-rate its result themselves — they and no other level."""
    decider = subject.decider
    if decider is not None and decider.parent_id is not None:
        if _scope(user, subject).is_staff_at(decider.path[: -Organization.steplen]):
            return None
        return _("Only the staff of the committee directly above %(decider)s may re-rate its result.") % {
            "decider": decider.name
        }
    return _("No committee above the deciding level re-rates this result in the application.")


def may_issue_suggestion(user, subject: Subject) -> str | None:
    if _scope(user, subject).is_upper_staff_for(subject.path):
        return None
    return _("Review suggestions come from the staff of an upper level.")


def may_raise_quota(user, group) -> str | None:
    """R366-RATE-10: the competent level — the committee that decides the group — raises its rate."""
    if season_scope(user, group.season).is_staff_at(group.decider.path):
        return None
    return _("Only %(decider)s may raise the rate of this group.") % {"decider": group.decider.name}


def may_order_check(user, subject: Subject) -> str | None:
    """R366-ORDER-4: the directly superior committee orders a check and a re-appraisal; the staff
    of the deciding committee or of a level above record it."""
    decider = subject.decider
    if decider is not None and _scope(user, subject).is_staff_for(decider.path):
        return None
    return _("Only the deciding committee or a level above may order a check before the decision.")
