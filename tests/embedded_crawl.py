"""Walk the pages of a running configuration as the demo logins, and report what failed.

Run by tests/test_embedded_default.py in a subprocess with `make run`'s environment (SQLite,
tasks in-process, the demo seeded), from the repository's root:

    python -m tests.embedded_crawl --pages 300 dangvien bithu ...

Each user is signed in (force_login) and the internal links of the pages reached (href, and the
hx-get of htmx fragments) are followed breadth-first from the home page, GET only, at most
`--pages` pages and PAGES_PER_VIEW pages of one view, so that the walk spreads over the views
instead of paging through one list. The key pages of the user's role (`key_pages`) are then fetched
if the walk did not reach them. Every response of 500 or more and every exception is recorded
with its URL. Each view reached with a number in its path is then asked once more with that
number 20 digits long (`probe_long_ids`). The last line printed is `EMBEDDED_CRAWL <json summary>`.
"""

import argparse
import json
import os
import re
import sys
import time
import traceback
from collections import Counter, deque
from html.parser import HTMLParser
from urllib.parse import urlsplit

SUMMARY_PREFIX = "EMBEDDED_CRAWL "
PAGES_PER_VIEW = 10
# GET should change nothing, but links to these are not followed: signing out ends the walk,
# the language switch changes the session's language, and the admin's delete pages confirm a
# deletion.
STATE_CHANGING = re.compile(r"/(delete|logout|dang-xuat|setlang)/")
LONG_ID = "9" * 20
LINK_ATTRIBUTES = {"href": False, "hx-get": True, "data-hx-get": True}  # name: asked as htmx


class LinkParser(HTMLParser):
    """The internal links of a page, with whether each is an htmx fragment."""

    def __init__(self):
        super().__init__()
        self.links: list[tuple[str, bool]] = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name in LINK_ATTRIBUTES and value and value.startswith("/") and not value.startswith("//"):
                self.links.append((value.split("#", 1)[0], LINK_ATTRIBUTES[name]))


class Walk:
    """One user's walk: the pages visited, the failures, the view counts."""

    def __init__(self, username: str, *, limit: int):
        from django.contrib.auth import get_user_model
        from django.test import Client

        self.username = username
        self.limit = limit
        # The host of `make run`'s server: the test client's "testserver" is not an allowed host
        # without django.test's test environment, which this walk does not set up.
        self.client = Client(HTTP_HOST="127.0.0.1")
        self.client.force_login(get_user_model().objects.get(username=username))
        self.statuses: dict[str, int] = {}
        self.failures: list[dict] = []
        self.per_view: Counter = Counter()
        self.probes: dict[str, int] = {}  # URL with a 20-digit id: status

    def fetch(self, url: str, *, htmx: bool = False):
        """GET the URL once; returns the response, or None after an exception (recorded)."""
        if url in self.statuses:
            return None
        headers = {"HX-Request": "true"} if htmx else {}
        try:
            response = self.client.get(url, headers=headers)
            if response.streaming:  # a download fails while it streams, after its status was sent
                b"".join(response.streaming_content)
                response.close()
        except Exception:
            self.statuses[url] = 0
            self.failures.append({"url": url, "status": None, "traceback": traceback.format_exc()})
            return None
        self.statuses[url] = response.status_code
        if response.status_code >= 500:
            body = b"" if response.streaming else response.content
            self.failures.append(
                {
                    "url": url,
                    "status": response.status_code,
                    "traceback": body.decode(errors="replace")[-3000:],
                }
            )
        return response

    def crawl(self, start: str) -> None:
        queue = deque([(start, False)])
        queued = {start}
        while queue and len(self.statuses) < self.limit:
            url, htmx = queue.popleft()
            response = self.fetch(url, htmx=htmx)
            if response is None:
                continue
            for link, link_htmx in links_of(response):
                if link in queued or not self.worth_following(link):
                    continue
                queued.add(link)
                self.per_view[view_of(link)] += 1
                queue.append((link, link_htmx))

    def probe_long_ids(self) -> None:
        """Each view reached with an id in its path, once more with its last number 20 digits
        long: a number no row has, which SQLite refuses to compare with an id column
        (OverflowError). The page must answer 404, as for any unknown id (config/row_ids.py)."""
        probed_views = set()
        for url, status in list(self.statuses.items()):
            path = urlsplit(url).path
            segments = path.split("/")
            numbered = [i for i, segment in enumerate(segments) if segment.isdigit()]
            if status != 200 or not numbered or view_of(path) in probed_views:
                continue
            probed_views.add(view_of(path))
            at = numbered[-1]
            probe = "/".join([*segments[:at], LONG_ID, *segments[at + 1 :]])
            try:
                self.probes[probe] = self.client.get(probe).status_code
            except Exception:
                self.probes[probe] = 0
                self.failures.append({"url": probe, "status": None, "traceback": traceback.format_exc()})

    def worth_following(self, url: str) -> bool:
        from django.conf import settings

        path = urlsplit(url).path
        if path.startswith((settings.STATIC_URL, settings.MEDIA_URL)) or STATE_CHANGING.search(path):
            return False
        return self.per_view[view_of(url)] < PAGES_PER_VIEW

    def summary(self, key_pages: list[str]) -> dict:
        return {
            "visited": len(self.statuses),
            "statuses": dict(Counter(str(status) for status in self.statuses.values())),
            "views": len({view_of(url) for url in self.statuses}),
            "failures": self.failures,
            "key_pages": {url: self.statuses.get(url) for url in key_pages},
            "not_found": sorted(url for url, status in self.statuses.items() if status == 404),
            "long_ids": self.probes,
        }


def links_of(response) -> list[tuple[str, bool]]:
    """The internal links of an HTML response, and where a redirect leads."""
    location = response.headers.get("Location", "")
    if response.status_code in (301, 302, 303, 307, 308) and location.startswith("/"):
        return [(location, False)]
    if response.streaming or not response.get("Content-Type", "").startswith("text/html"):
        return []
    parser = LinkParser()
    parser.feed(response.content.decode(response.charset or "utf-8", errors="replace"))
    return parser.links


def view_of(url: str) -> str:
    from django.urls import Resolver404, resolve

    try:
        return resolve(urlsplit(url).path).view_name
    except Resolver404:
        return urlsplit(url).path


def key_pages() -> dict[str, list[str]]:
    """The pages each demo login works on, built from the demo's rows: the province dashboard with
    its children's figures (every season), the cell board, the decision queue, the self-review."""
    from django.urls import reverse

    from organizations.models import Role
    from reviews.models import Season, SeasonUnit, Subject

    season = Season.objects.filter(status=Season.Status.OPEN).order_by("-year").first()

    def organization_of(username: str, kind: str):
        return Role.objects.get(user__username=username, kind=kind).organization

    cell = organization_of("bithu", Role.Kind.CELL_SECRETARY)
    base = organization_of("dangu", Role.Kind.COMMITTEE_STAFF)
    commune = organization_of("bantochuc", Role.Kind.COMMITTEE_STAFF)
    province = organization_of("tinhuy", Role.Kind.PROVINCIAL_BOARD)

    def unit_page(name: str, organization, of_season=season) -> str:
        unit = SeasonUnit.objects.get(season=of_season, organization=organization)
        return reverse(f"reviews:{name}", kwargs={"season": of_season.pk, "code": unit.code})

    def own_review_form(username: str) -> str:
        subject = Subject.objects.get(season=season, member__user__username=username)
        return reverse("reviews:form", kwargs={"season": season.pk, "subject": subject.pk})

    province_dashboards = [
        unit_page("dashboard", province, unit.season)
        for unit in SeasonUnit.objects.filter(organization=province)
        .select_related("season")
        .order_by("season__year")
    ]
    queue = reverse("reviews:queue", kwargs={"season": season.pk})
    return {
        "dangvien": [own_review_form("dangvien")],
        "bithu": [unit_page("cell", cell), own_review_form("bithu")],
        "dangu": [queue, unit_page("cell", cell), unit_page("dashboard", base)],
        "bantochuc": [queue, unit_page("dashboard", commune)],
        "tinhuy": [*province_dashboards, queue],
        "quantri": [unit_page("dashboard", province), reverse("admin:index")],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, required=True, help="At most this many pages per user's walk.")
    parser.add_argument("usernames", nargs="+")
    arguments = parser.parse_args()

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.db import connection
    from django.urls import reverse

    pages_by_user = key_pages()
    walks = {}
    for username in arguments.usernames:
        started = time.monotonic()
        walk = Walk(username, limit=arguments.pages)
        walk.crawl(reverse("home"))
        for url in pages_by_user.get(username, []):
            walk.fetch(url)
        walk.probe_long_ids()
        walks[username] = walk.summary(pages_by_user.get(username, []))
        walks[username]["seconds"] = round(time.monotonic() - started, 1)
    sys.stdout.write(SUMMARY_PREFIX + json.dumps({"database": connection.vendor, "users": walks}) + "\n")


if __name__ == "__main__":
    main()
