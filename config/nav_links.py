"""The links of every page's frame (navigation bar, user menu, footer), reversed once per process
and season rather than on every page: the dozen `{% url %}` of the frame took 0.5 of its 1.2 ms
(bench/README.md, "2026-12-06, morning")."""

from functools import lru_cache

from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse

_FIXED = {
    "home": "home",
    "password_change": "password_change",
    "recovery_codes": "otp_recovery_codes",
    "admin": "admin:index",
    "logout": "logout",
    "set_language": "set_language",
    "organizations": "organizations:list",
    "roster": "members:import",
    "reports": "reports:jobs",
    "criteria": "reviews:criteria-start",
    "open_season": "reviews:season-open-start",
}
_OF_SEASON = {
    "my_form": "reviews:my-form",
    "queue": "reviews:queue",
    "figures": "reviews:dashboard-start",
    "quarters": "reviews:quarters",
    "notifications": "reviews:notifications",
}


def frame_links(season_id: int | None) -> dict[str, str]:
    """The frame's links for the user's current season (none of the season's when there is none)."""
    return _links(settings.ROOT_URLCONF, get_urlconf(), get_script_prefix(), season_id)


@lru_cache(maxsize=256)
def _links(root_urlconf: str, urlconf: str | None, prefix: str, season_id: int | None) -> dict[str, str]:
    # Keyed on what reverse() depends on besides the name: the URLconf and the script prefix.
    links = {key: reverse(name) for key, name in _FIXED.items()}
    if season_id is not None:
        links |= {key: reverse(name, args=[season_id]) for key, name in _OF_SEASON.items()}
    return links
