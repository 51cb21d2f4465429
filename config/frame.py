"""The frame of every page (the head's links, the navigation bar, the user menu, the footer and the
scripts), rendered once per process for each combination of what it shows, then filled in with the
request's own user name, CSRF token and path.

Rendering base.html took 1.0–1.2 ms of every page on the bench's machine, half the whole trivial
signed-in view (bench/README.md, "2026-12-06, night (2)"); with the parts kept, 0.4 ms. The parts are templates
(templates/includes/frame/), each rendered with a context of ONLY the values of its key, so that
what a part shows cannot depend on anything the key leaves out. The user's name, the token and the
path change with every user or request: the parts are rendered with a mark in their place, and the
mark is replaced, escaped as the template would have escaped it.
"""

import secrets
from functools import lru_cache

from django import template
from django.conf import settings
from django.template.loader import get_template
from django.utils.html import escape
from django.utils.safestring import SafeString
from django.utils.translation import get_language

register = template.Library()

_MARK = secrets.token_hex(8)  # no page holds it: a random string chosen by each process
NAME, TOKEN, PATH = (f"kd-{what}-{_MARK}" for what in ("name", "token", "path"))


def _items(value) -> tuple:
    return tuple(sorted(value.items())) if value else ()


def frame_key(context) -> tuple:
    """Everything a part of the frame shows besides the user's name, the token and the path: the
    language, whether someone is signed in, the navigation's flags and links, the unread count,
    the second factor, the season's rule set (the footer) and the settings the tags read."""
    user = context.get("user")
    signed_in = bool(user is not None and user.is_authenticated)
    season = context.get("season")
    rule_set = getattr(season, "rule_set", None)
    token = context.get("csrf_token")
    return (
        ("LANGUAGE_CODE", get_language()),
        ("signed_in", signed_in),
        ("links", _items(context.get("links"))),
        ("nav", _items(context.get("nav"))),
        ("current_season", bool(context.get("current_season"))),
        ("unread_count", context.get("unread_count") or 0),
        ("has_otp_device", signed_in and bool(getattr(user, "otp_device", None))),
        ("rule_set_name", rule_set.name if rule_set else None),
        ("has_token", bool(token) and str(token) != "NOTPROVIDED"),
        # The languages' names are translated (lazy): written out, the key holds plain strings.
        ("settings", (settings.STATIC_URL, tuple((code, str(name)) for code, name in settings.LANGUAGES))),
    )


@lru_cache(maxsize=1024)
def rendered_part(part: str, key: tuple) -> str:
    """The part rendered for `key`, with the marks where the name, token and path go."""
    values = dict(key)
    values |= {
        "links": dict(values["links"]),
        "nav": dict(values["nav"]),
        "user_name": NAME,
        "csrf_token": TOKEN if values["has_token"] else "",
        "path": PATH,
    }
    return get_template(f"includes/frame/{part}.html").render(values)


@register.simple_tag(takes_context=True)
def frame_part(context, part: str) -> SafeString:
    # One key for the page's six parts: they are rendered in one RenderContext.
    key = context.render_context.get("kd_frame_key")
    if key is None:
        key = context.render_context["kd_frame_key"] = frame_key(context)
    html = rendered_part(part, key)
    if NAME in html:
        user = context["user"]
        html = html.replace(NAME, escape(user.get_full_name() or user.get_username()))
    if TOKEN in html:
        html = html.replace(TOKEN, str(context["csrf_token"]))
    if PATH in html:
        request = context.get("request")
        html = html.replace(PATH, escape(request.get_full_path() if request else ""))
    return SafeString(html)
