"""The season's choices for its quarters (R366-QTR-1, R366-QTR-4): which profiles are evaluated
each quarter, whether a quota applies, the optional local rules."""

from django.db import transaction
from django.utils.translation import gettext as _

from reviews.audit import append_event
from reviews.models import QuarterSetup, Season, Subject
from reviews.quarters import guards
from reviews.workflow import WorkflowError, allow

SWITCHES = ("quota", "khtnv_quarter_bars_excellent", "flag_two_khtnv_quarters")


def setup_of(season: Season) -> QuarterSetup:
    """The season's row, or the defaults (not saved) when the province chose nothing."""
    return QuarterSetup.objects.filter(season=season).first() or QuarterSetup(season=season)


def setup_as_read(season: Season) -> QuarterSetup:
    """setup_of, from the row read with the season where it was (reviews/open_seasons.py reads it
    with every open season): no query for the pages that only show it."""
    relation = Season._meta.get_field("quarter_setup")
    if relation.is_cached(season):
        return relation.get_cached_value(season) or QuarterSetup(season=season)
    return setup_of(season)


@transaction.atomic
def save_quarter_setup(*, season: Season, actor, profiles: list[str], **switches) -> QuarterSetup:
    """R366-QTR-1: choose the profiles evaluated each quarter (the next quarter opened uses them);
    R366-QTR-4: the quota and the local rules, off unless switched on. Recorded on the chain."""
    allow(guards.may_open_quarter(actor, season))
    known = set((season.rule_set.scoring or {}).get("profiles", {})) - {Subject.Profile.COLLECTIVE}
    unknown = [p for p in profiles if p not in known]
    if unknown or not profiles:
        raise WorkflowError([_("Choose one or more profiles of party members.")])
    setup, _created = QuarterSetup.objects.select_for_update().get_or_create(season=season)
    before = {"profiles": setup.profiles, **{k: getattr(setup, k) for k in SWITCHES}}
    setup.profiles = sorted(set(profiles))
    for key in SWITCHES:
        if key in switches:
            setattr(setup, key, bool(switches[key]))
    setup.updated_by = actor
    setup.save()
    after = {"profiles": setup.profiles, **{k: getattr(setup, k) for k in SWITCHES}}
    append_event(
        season=season, subject=None, actor=actor, action="quarter_setup", data={"from": before, "to": after}
    )
    return setup
