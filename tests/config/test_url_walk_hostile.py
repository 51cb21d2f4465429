"""Every URL with hostile values, for every demo login and an anonymous visitor (issue 13, row 4),
and the document preview with objects of every part of the tree (row 9).

The URL patterns are enumerated from the resolver through test_url_walk's classification (a new
URL fails there until it is classified). Each path parameter is replaced by a NUL byte and by
malformed values, and each URL is asked with NUL bytes and malformed values in the common query
and form fields: no answer is a server error, a NUL byte is answered 400 with the page saying why.
"""

from urllib.parse import quote, urlencode

import pytest
from django.contrib.auth import get_user_model
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext

from tests.config import test_url_walk as walk
from tests.config.test_url_walk import BASE, CELL, COMMUNE, PAGES, POST_ONLY, PROVINCE, USERS

# The demo of the GET walk, seeded once for this module too, and its local cache.
demo = walk.demo
_local_cache = walk._local_cache

pytestmark = pytest.mark.django_db

# The fields the views read from the query or the form by hand.
FIELDS = [
    "q",
    "page",
    "subject",
    "year",
    "season",
    "code",
    "key",
    "next",
    "action",
    "status",
    "number",
    "percent",
]
MALFORMED = ["x", "1e3", "-1", " 7", "99999999999999999999", "１２"]
NUL = "a\x00b"
PATH_VALUES = [NUL, "1e3", "99999999999999999999"]  # what reaches a view through each converter
SENTINELS = ["7777777", "77777777-7777-7777-7777-777777777777", "zzsentinel"]


def _urls() -> dict[str, str | None]:
    """Each URL name walked, with the key of its valid parameters in the demo."""
    names = {page.name: page.kwargs for page in PAGES}
    names.update(POST_ONLY)
    return names


def _hostile_paths(name: str, kwargs: dict) -> list[str]:
    """The URL with each path parameter in turn replaced by a NUL byte or a malformed value."""
    paths = []
    for key in kwargs:
        for sentinel in SENTINELS:
            try:
                url = reverse(name, kwargs={**kwargs, key: sentinel})
            except NoReverseMatch:
                continue
            paths += [url.replace(sentinel, quote(value, safe="")) for value in PATH_VALUES]
            break
    return paths


def _ask(client, url: str) -> list[tuple[str, int]]:
    answers = []
    for label, values in (("NUL", [NUL]), ("malformed", MALFORMED)):
        query = urlencode([(field, value) for field in FIELDS for value in values])
        answers.append((f"GET {label} {url}?{query}", client.get(f"{url}?{query}").status_code))
        form = {field: values for field in FIELDS}
        answers.append((f"POST {label} {url}", client.post(url, form).status_code))
    return answers


@pytest.mark.parametrize("name", sorted(_urls()))
def test_no_url_answers_a_server_error_to_hostile_values(demo, client, name: str):
    key = _urls()[name]
    kwargs = demo["kwargs"][key] if key else {}
    url = reverse(name, kwargs=kwargs)
    failures = []
    for username in [None, *USERS]:
        if username:
            client.force_login(demo["users"][username])
        answers = _ask(client, url) + [
            (path, client.get(path).status_code) for path in _hostile_paths(name, kwargs)
        ]
        failures += [(username, asked, status) for asked, status in answers if status >= 500]
        if NUL not in url:
            nul_answers = [status for asked, status in answers if "NUL" in asked or "%00" in asked]
            assert set(nul_answers) <= {400, 302, 405}, (username, name, nul_answers)
        client.logout()
    assert not failures, failures


def test_a_nul_byte_is_refused_with_a_page_saying_why(demo, client):
    """The three endpoints of the report: the public verification page, member search, autosave."""
    client.force_login(demo["users"]["bithu"])
    reason = gettext("The address or the form sent holds a character that is not allowed (NUL).")
    members = reverse("members:list", kwargs=demo["kwargs"]["org_cell"])
    save = reverse("reviews:form-save", kwargs=demo["kwargs"]["subject_colleague"])
    for response in (
        client.get("/xac-thuc/%00"),
        client.get(members + "?q=%00"),
        client.post(save, {"key": "refs", "text": NUL}),
    ):
        assert response.status_code == 400
        assert reason in response.content.decode()


@pytest.mark.parametrize("value", ["x", "1e3", "", "-1", "99999999999999999999"])
def test_a_report_request_for_a_malformed_subject_is_not_found(demo, client, value):
    client.force_login(demo["users"]["bithu"])
    season = demo["kwargs"]["season"]["season"]
    url = reverse("reports:request", kwargs={"season": season, "kind": "individual"})
    assert client.post(url, {"subject": value}).status_code == 404


@pytest.mark.parametrize(
    ("key", "ok"),
    [
        ("subject_own", CELL),
        ("subject_colleague", CELL),
        ("subject_base", BASE),
        ("subject_commune", COMMUNE),
        ("subject_outside", PROVINCE),
    ],
)
def test_the_document_preview_keeps_staff_users_to_their_subtree(demo, client, key, ok):
    """Issue 13 row 9: every demo login made a staff user sees the preview of a form only where
    their roles cover the subject's unit, as on the other document pages."""
    from reviews.models import Subject

    get_user_model().objects.filter(username__in=USERS).update(is_staff=True)
    subject = Subject.objects.select_related("unit").get(pk=demo["kwargs"][key]["subject"])
    url = reverse(
        "reports:preview",
        kwargs={"kind": "individual", "season": subject.season_id, "code": subject.unit.code},
    )
    found = {}
    for username in USERS:
        client.force_login(demo["users"][username])
        found[username] = client.get(url, {"subject": subject.pk}).status_code
        client.logout()
    assert found == {username: 200 if username in ok else 404 for username in USERS}
