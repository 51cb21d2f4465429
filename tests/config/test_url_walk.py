"""Every GET page of the app, for every demo login and for an anonymous visitor.

The demo province (600 members, the 2025 and 2026 seasons) is built once for the module, inside
a transaction rolled back at the end. The URL patterns are enumerated from the resolvers: each
one is either a GET page with an explicit expectation below, a POST-only action (a GET must be
refused with 405), or excluded with a reason; a new URL fails `test_every_url_is_classified`
until it is given its place here.

The expectation of each page is written from the roles, not from the responses:

- `dangvien` is a party member of the login cell (their own record, pledge, review, result);
- `bithu` is that member's colleague and the cell's secretary: the cell's subtree;
- `dangu` is staff of the base organization above: its subtree (every cell of the school);
- `bantochuc` is staff of the commune above it; `tinhuy` the provincial board: the province;
- `quantri` is the administrator (superuser, no member record).

Pages answer 200 to the users whose roles cover the object, 404 to the others (they must not
learn it exists), a redirect where the page is a redirect, and anonymous visitors are sent to
the login page. No GET page answers 403.
"""

from dataclasses import dataclass, field
from urllib.parse import urlsplit

import pytest
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.db import transaction
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

# Every test runs in a savepoint inside the module's transaction (the demo is seeded once).
pytestmark = pytest.mark.django_db

USERS = ["dangvien", "bithu", "dangu", "bantochuc", "tinhuy", "quantri"]
EVERYONE = frozenset(USERS)
MEMBERS = frozenset({"dangvien", "bithu"})  # users with a party-member record
# Who may see an object, by where it lies in the tree:
CELL = frozenset({"bithu", "dangu", "bantochuc", "tinhuy", "quantri"})  # the login cell
BASE = CELL - {"bithu"}  # another cell of the same base organization, or the base itself
COMMUNE = BASE - {"dangu"}  # elsewhere in the commune
PROVINCE = COMMUNE - {"bantochuc"}  # outside the commune
OWN = CELL | {"dangvien"}  # dangvien's own record, pledge, review (and the cell's officers, staff above)
STAFF = frozenset({"dangu", "bantochuc", "tinhuy", "quantri"})  # committee staff, provincial board, admin
WITH_ROLES = CELL  # users holding a role above a plain membership
BOARD = frozenset({"tinhuy", "quantri"})  # the provincial organization board, and the administrator

SEASON_YEAR = 2026
LOGIN = "/dang-nhap/"


@dataclass
class Page:
    name: str  # the URL name, "namespace:name"
    kwargs: str | None = None  # a key of the demo's parameters (see `demo`)
    ok: frozenset = frozenset()  # users answered 200
    redirect: frozenset = frozenset()  # users answered 302 (to `redirect_to`)
    redirect_to: str = ""  # a prefix of the redirect's path
    anonymous: int = 302  # 302 to the login page (401 for an htmx partial), or 200 for public pages
    login: str = LOGIN  # where an anonymous visitor is sent
    htmx: bool = False  # an htmx partial: asked with HX-Request
    label: str = ""  # tells apart two cases of one URL name
    expected: dict = field(init=False)

    def __post_init__(self):
        if self.htmx and self.anonymous == 302:
            self.anonymous = 401  # never the sign-in page inside another (config/middleware.py)
        self.expected = {
            user: 200 if user in self.ok else 302 if user in self.redirect else 404 for user in USERS
        }

    @property
    def id(self) -> str:
        return self.name + (f"[{self.label}]" if self.label else "")


PAGES = [
    # config
    Page("home", ok=EVERYONE),
    Page("healthz", ok=EVERYONE, anonymous=200),
    Page("login", redirect=EVERYONE, redirect_to="/", anonymous=200),
    Page("password_change", ok=EVERYONE),
    Page("password_change_done", ok=EVERYONE),
    Page("javascript-catalog", ok=EVERYONE, anonymous=200),
    # the second factor: off in the tests, so there is nothing to ask and each page goes home
    Page("otp_verify", redirect=EVERYONE, redirect_to="/"),
    Page("otp_enrol", redirect=EVERYONE, redirect_to="/"),
    Page("otp_recovery_codes", redirect=EVERYONE, redirect_to="/"),
    Page("verify", "verification", ok=EVERYONE, anonymous=200),
    Page("verify-lookup", ok=EVERYONE, anonymous=200),
    Page(
        "admin:index",
        ok=frozenset({"quantri"}),
        redirect=EVERYONE - {"quantri"},
        redirect_to="/quan-tri/login/",
        login="/quan-tri/login/",
    ),
    # organizations
    Page("organizations:list", ok=WITH_ROLES),
    Page("organizations:detail", "org_cell", ok=CELL, label="cell"),
    Page("organizations:detail", "org_base", ok=BASE, label="base"),
    Page("organizations:detail", "org_commune", ok=COMMUNE, label="commune"),
    Page("organizations:detail", "org_province", ok=PROVINCE, label="province"),
    Page("organizations:detail", "org_outside", ok=PROVINCE, label="other commune"),
    # members
    Page("members:me", redirect=MEMBERS, redirect_to="/dang-vien/"),
    Page("members:list", "org_cell", ok=CELL, label="cell"),
    Page("members:list", "org_sibling", ok=BASE, label="sibling cell"),
    Page("members:list", "org_commune", ok=COMMUNE, label="commune"),
    Page("members:detail", "member_own", ok=OWN, label="own"),
    Page("members:detail", "member_colleague", ok=CELL, label="colleague"),
    Page("members:detail", "member_base", ok=BASE, label="base"),
    Page("members:detail", "member_commune", ok=COMMUNE, label="commune"),
    Page("members:detail", "member_outside", ok=PROVINCE, label="other commune"),
    Page("members:import", ok=STAFF),
    Page("members:import-template-xlsx", ok=STAFF),
    Page("members:import-template-csv", ok=STAFF),
    Page("members:pledge-current", redirect=EVERYONE, redirect_to=f"/dang-vien/cam-ket/{SEASON_YEAR}/"),
    Page("members:pledge", "year", ok=MEMBERS),
    Page(
        "members:pledge-detail",
        "pledge_own",
        ok=CELL,
        redirect=frozenset({"dangvien"}),
        redirect_to="/dang-vien/cam-ket/",
        label="own",
    ),
    Page("members:pledge-detail", "pledge_colleague", ok=CELL, label="colleague"),
    Page("members:pledge-detail", "pledge_base", ok=BASE, label="base"),
    # reviews: the member's pages
    Page("reviews:index", redirect=EVERYONE, redirect_to="/"),
    Page("reviews:my-form", "season", redirect=MEMBERS, redirect_to="/ky-kiem-diem/"),
    Page("reviews:form", "subject_own", ok=OWN, label="own"),
    Page("reviews:form", "subject_colleague", ok=CELL, label="colleague"),
    Page("reviews:form", "subject_base", ok=BASE, label="base"),
    Page("reviews:form", "subject_outside", ok=PROVINCE, label="other commune"),
    Page("reviews:form", "subject_cell_collective", ok=CELL, label="the cell's report"),
    Page("reviews:form-print", "subject_own", ok=OWN, label="own"),
    Page("reviews:form-print", "subject_commune", ok=COMMUNE, label="commune"),
    Page("reviews:form-blockers", "subject_own", ok=OWN, htmx=True),
    Page("reviews:my-result", "season", ok=MEMBERS),
    # reviews: the cell's pages
    Page("reviews:cell", "unit_cell", ok=CELL, label="cell"),
    Page("reviews:cell", "unit_sibling", ok=BASE, label="sibling cell"),
    Page("reviews:meeting", "unit_cell", ok=CELL, label="cell"),
    Page("reviews:meeting", "unit_sibling", ok=BASE, label="sibling cell"),
    Page("reviews:quota_meter", "unit_cell", ok=CELL, htmx=True),
    Page("reviews:meeting_circulation", "unit_cell", ok=CELL, htmx=True),
    # reviews: committee staff
    Page("reviews:queue", "season", ok=STAFF),
    Page("reviews:queue_quota", "season", ok=STAFF, htmx=True),
    Page("reviews:subject", "subject_own", ok=OWN, label="own"),
    Page("reviews:subject", "subject_colleague", ok=CELL, label="colleague"),
    Page("reviews:subject", "subject_base_collective", ok=BASE, label="base organization"),
    Page("reviews:subject", "subject_commune", ok=COMMUNE, label="commune"),
    Page("reviews:subject", "subject_outside", ok=PROVINCE, label="other commune"),
    Page("reviews:remediation", "subject_own", ok=OWN, label="own"),
    Page("reviews:remediation", "subject_base", ok=BASE, label="base"),
    Page("reviews:affiliates", "unit_base", ok=BASE, label="base"),
    Page("reviews:affiliates", "unit_commune", ok=COMMUNE, label="commune"),
    Page("reviews:merit", "unit_base", ok=BASE, label="base"),
    Page("reviews:merit", "unit_province", ok=PROVINCE, label="province"),
    # Only the staff of the committee directly above the deciding level re-rate (R-RATE-4).
    Page(
        "reviews:subject_rerate",
        "subject_colleague",
        ok=frozenset({"bantochuc", "quantri"}),
    ),
    Page("reviews:blockers", "unit_cell", ok=CELL, label="cell"),
    # Issue 15: committee staff of the unit or above assign its meeting's upper-level attendees.
    Page("reviews:attendance", "unit_cell", ok=BASE, label="cell"),
    Page("reviews:blockers", "unit_base", ok=BASE, label="base"),
    Page("reviews:blockers", "unit_commune", ok=COMMUNE, label="commune"),
    Page("reviews:blockers", "unit_province", ok=PROVINCE, label="province"),
    # Issue 15, R-SUP-2: equivalent positions, for committee staff and the board of the subtree.
    Page("reviews:equivalents", "unit_base", ok=BASE, label="base"),
    Page("reviews:equivalents", "unit_commune", ok=COMMUNE, label="commune"),
    Page("reviews:equivalents", "unit_province", ok=PROVINCE, label="province"),
    # reviews: figures and notifications
    Page("reviews:dashboard-start", "season", redirect=WITH_ROLES, redirect_to="/ky-kiem-diem/"),
    Page("reviews:dashboard", "unit_cell", ok=CELL, label="cell"),
    Page("reviews:dashboard", "unit_base", ok=BASE, label="base"),
    Page("reviews:dashboard", "unit_commune", ok=COMMUNE, label="commune"),
    Page("reviews:dashboard", "unit_province", ok=PROVINCE, label="province"),
    Page("reviews:dashboard", "unit_outside", ok=PROVINCE, label="other commune"),
    Page("reviews:notifications", "season", ok=EVERYONE),
    # reviews: the quarters of leaders (issue 14)
    Page("reviews:quarters", "season", ok=EVERYONE),
    Page("reports:quarter-xlsx", "quarter_number", ok=CELL),
    Page("reviews:quarter-decide-list", "quarter_number", ok=CELL),
    Page("reviews:quarter-form", "quarter_eval_cell", ok=CELL),
    Page("reviews:my-quarter", "quarter_number", redirect=frozenset({"bithu"}), redirect_to="/ky-kiem-diem/"),
    # reviews: the provincial board prepares the next season (its criteria, then the opening)
    Page("reviews:criteria-start", redirect=BOARD, redirect_to="/ky-kiem-diem/tieu-chi/"),
    Page("reviews:criteria", "criteria_year", ok=BOARD),
    Page("reviews:criteria-profile", "criteria_profile", ok=BOARD),
    Page("reviews:season-open-start", redirect=BOARD, redirect_to="/ky-kiem-diem/mo-ky/"),
    Page("reviews:season-open", "criteria_year", ok=BOARD),
    # reports
    Page("reports:dashboard-xlsx", "unit_commune", ok=COMMUNE, label="commune"),
    Page("reports:dashboard-xlsx", "unit_province", ok=PROVINCE, label="province"),
    Page("reports:equivalents-xlsx", "unit_commune", ok=COMMUNE, label="commune"),
    Page("reports:jobs", ok=EVERYONE),
    Page("reports:job", "job", ok=CELL),
    Page("reports:download", "job", ok=CELL),
    Page(
        "reports:preview",
        "preview_summary",
        ok=frozenset({"quantri"}),
        label="the HTML of a summary, for staff users",
    ),
]

# Actions: a GET is refused (405) for a signed-in user, and sends an anonymous visitor to log in.
POST_ONLY = {
    "logout": None,
    "members:pledge-save": "year",
    "reviews:form-save": "subject_own",
    "reviews:form-answer": "suggestion",
    "reviews:form-submit": "subject_own",
    "reviews:cell_acknowledge_pledge": "pledge_in_cell",
    "reviews:cell_return_pledge": "pledge_in_cell",
    "reviews:cell_return_form": "row_in_cell",
    "reviews:meeting_rows": "unit_cell",
    "reviews:meeting_row": "row_in_cell",
    "reviews:queue_decide": "season",
    "reviews:subject_propose": "subject_colleague",
    "reviews:subject_return_proposal": "subject_colleague",
    "reviews:subject_reopen": "subject_colleague",
    "reviews:subject_require_redo": "subject_colleague",
    "reviews:subject_cancel": "subject_colleague",
    "reviews:subject_suggest": "subject_colleague",
    "reviews:subject_outside_comment": "subject_colleague",
    "reviews:subject_decide": "subject_colleague",
    "reviews:subject_check": "subject_colleague",
    "reviews:subject_check_conclude": "check_flag",
    "reviews:subject_profile": "subject_colleague",
    "reviews:queue_raise_quota": "quota_group",
    "reviews:remediation-item": "remediation_item",
    "reviews:criteria-copy": "criteria_year",
    "reviews:notifications-read-all": "season",
    "reviews:notification-read": "notification",
    "reports:request": "report_kind",
    "reviews:quarter-open": "season",
    "reviews:quarter-remind": "quarter_number",
    "reviews:quarter-setup": "season",
    "reviews:quarter-save": "quarter_eval_cell",
    "reviews:quarter-submit": "quarter_eval_cell",
    "reviews:quarter-decide": "quarter_eval_cell",
    "reviews:quarter-decide-bulk": "quarter_number",
    "reviews:quarter-return": "quarter_eval_cell",
}
EXCLUDED = {
    "set_language": "Django's language switch, a form action of the footer (no page)",
    "admin:*": "Django's admin: its index is walked above; its own pages follow Django's staff checks",
}


def _names(patterns, namespace=""):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _names(entry.url_patterns, inner)
        elif isinstance(entry, URLPattern) and entry.name:
            yield f"{namespace}{entry.name}"


def url_names() -> set[str]:
    return set(_names(get_resolver().url_patterns))


# -- the demo, once for the module -------------------------------------------------------------------


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The demo of 600 members, for the module (see `seeded_demo`)."""
    yield from seeded_demo(django_db_blocker, members=600)


def seeded_demo(django_db_blocker, *, members: int):
    """Seed the demo in a transaction that is rolled back when the module is done; yields the
    keyword arguments of the URLs (by key) and the users."""
    from members.demo import DEFAULT_SEED, seed_demo
    from members.models import Member
    from organizations.models import CELL_KINDS, Organization, Role
    from reports.models import ReportJob
    from reviews.defaults import default_rule_set
    from reviews.demo import seed_seasons
    from reviews.models import Notification, QuarterlyEvaluation, Season, SeasonUnit, Subject, Suggestion

    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            default_rule_set()
            seed_demo(members=members)
            seed_seasons(seed=DEFAULT_SEED)
            users = {u.username: u for u in get_user_model().objects.filter(username__in=USERS)}
            season = Season.objects.get(year=SEASON_YEAR)

            def role_org(username, kind):
                return Role.objects.get(user=users[username], kind=kind).organization

            cell = role_org("bithu", Role.Kind.CELL_SECRETARY)
            base = role_org("dangu", Role.Kind.COMMITTEE_STAFF)
            commune = role_org("bantochuc", Role.Kind.COMMITTEE_STAFF)
            province = role_org("tinhuy", Role.Kind.PROVINCIAL_BOARD)
            assert cell.path.startswith(base.path) and base.path.startswith(commune.path)
            assert commune.path.startswith(province.path)

            def in_season(queryset):
                return queryset.filter(pk__in=SeasonUnit.objects.filter(season=season).values("organization"))

            live = Organization.objects.filter(dissolved_on__isnull=True)
            sibling = in_season(
                live.filter(path__startswith=base.path, kind__in=CELL_KINDS).exclude(pk=cell.pk)
            )
            sibling = sibling.filter(members__isnull=False).distinct().order_by("path").first()
            elsewhere_in_commune = (
                live.filter(path__startswith=commune.path, kind__in=CELL_KINDS, members__isnull=False)
                .exclude(path__startswith=base.path)
                .distinct()
                .order_by("path")
                .first()
            )
            outside = (
                live.filter(path__startswith=province.path, kind__in=CELL_KINDS, members__isnull=False)
                .exclude(path__startswith=commune.path)
                .distinct()
                .order_by("path")
                .first()
            )
            other_commune = Organization.objects.get(path=outside.path[: len(commune.path)])

            def unit(organization):
                return SeasonUnit.objects.get(season=season, organization=organization)

            def member_subject(organization, **extra):
                return (
                    Subject.objects.filter(
                        season=season, unit__organization=organization, kind=Subject.Kind.MEMBER, **extra
                    )
                    .order_by("sort_key", "pk")
                    .first()
                )

            dangvien = Member.objects.get(user=users["dangvien"])
            own = Subject.objects.get(season=season, member=dangvien)
            colleague = member_subject(cell, out_of_scope="", member__user__isnull=True)
            in_base = member_subject(sibling)
            in_commune = member_subject(elsewhere_in_commune)
            in_outside = member_subject(outside)
            cell_collective = Subject.objects.get(
                season=season, unit__organization=cell, kind=Subject.Kind.ORGANIZATION
            )
            base_collective = Subject.objects.get(
                season=season, unit__organization=base, kind=Subject.Kind.ORGANIZATION
            )
            pledge = colleague.member.pledges.get(year=SEASON_YEAR)

            job = ReportJob.objects.create(
                kind=ReportJob.Kind.MINUTES,
                season=season,
                unit=unit(cell),
                requested_by=users["bithu"],
                status=ReportJob.Status.DONE,
                filename="bien-ban.pdf",
                content_type="application/pdf",
                finished_at=timezone.now(),
            )
            job.file.save("bien-ban.pdf", ContentFile(b"%PDF-1.7\n%walk\n"), save=True)
            notification = Notification.objects.filter(user=users["dangvien"]).first()

            kwargs = {
                "season": {"season": season.pk},
                "year": {"year": SEASON_YEAR},
                "verification": {"code": job.verification_code},
                "org_cell": {"code": cell.code},
                "org_sibling": {"code": sibling.code},
                "org_base": {"code": base.code},
                "org_commune": {"code": commune.code},
                "org_province": {"code": province.code},
                "org_outside": {"code": other_commune.code},
                "member_own": {"uid": dangvien.uid},
                "member_colleague": {"uid": colleague.member.uid},
                "member_base": {"uid": in_base.member.uid},
                "member_commune": {"uid": in_commune.member.uid},
                "member_outside": {"uid": in_outside.member.uid},
                "pledge_own": {"uid": dangvien.uid, "year": SEASON_YEAR},
                "pledge_colleague": {"uid": colleague.member.uid, "year": SEASON_YEAR},
                "pledge_base": {"uid": in_base.member.uid, "year": SEASON_YEAR},
                "subject_own": {"season": season.pk, "subject": own.pk},
                "subject_colleague": {"season": season.pk, "subject": colleague.pk},
                "subject_base": {"season": season.pk, "subject": in_base.pk},
                "subject_commune": {"season": season.pk, "subject": in_commune.pk},
                "subject_outside": {"season": season.pk, "subject": in_outside.pk},
                "subject_cell_collective": {"season": season.pk, "subject": cell_collective.pk},
                "subject_base_collective": {"season": season.pk, "subject": base_collective.pk},
                "unit_cell": {"season": season.pk, "code": unit(cell).code},
                "unit_sibling": {"season": season.pk, "code": unit(sibling).code},
                "unit_base": {"season": season.pk, "code": unit(base).code},
                "unit_commune": {"season": season.pk, "code": unit(commune).code},
                "unit_province": {"season": season.pk, "code": unit(province).code},
                "unit_outside": {"season": season.pk, "code": unit(other_commune).code},
                "job": {"uid": job.uid},
                "suggestion": {
                    "season": season.pk,
                    "subject": own.pk,
                    "suggestion": Suggestion.objects.filter(subject=own).first().pk,
                },
                "pledge_in_cell": {"season": season.pk, "code": unit(cell).code, "pk": pledge.pk},
                "row_in_cell": {"season": season.pk, "code": unit(cell).code, "pk": colleague.pk},
                "remediation_item": {"season": season.pk, "subject": own.pk, "item": 1},
                "criteria_year": {"code": province.code, "year": SEASON_YEAR + 1},
                "criteria_profile": {"code": province.code, "year": SEASON_YEAR + 1, "profile": "KLD"},
                "check_flag": {"season": season.pk, "subject": colleague.pk, "flag": 1},
                "quota_group": {"season": season.pk, "group": 1},
                "notification": {"season": season.pk, "pk": notification.pk if notification else 1},
                "report_kind": {"season": season.pk, "kind": ReportJob.Kind.MINUTES},
                "preview_summary": {"kind": "summary", "season": season.pk, "code": unit(base).code},
                "quarter_number": {"season": season.pk, "number": 2},
                "quarter_eval_cell": {
                    "season": season.pk,
                    "evaluation": QuarterlyEvaluation.objects.filter(
                        quarter__season=season, quarter__number=2, subject__unit__organization=cell
                    )
                    .order_by("pk")
                    .first()
                    .pk,
                },
            }
            yield {"kwargs": kwargs, "users": users}
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
            if "job" in locals():
                job.file.storage.delete(job.file.name)


@pytest.fixture(autouse=True)
def _local_cache(settings, request):
    """The public pages' rate limit counts in the cache, per minute of the real clock: each test
    counts in a cache of its own (a LocMemCache's storage is shared by its LOCATION), or the tests
    run within one minute add up past the verification page's limit and get 429."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": request.node.nodeid,
        }
    }


def _get(client, url: str, htmx: bool):
    return client.get(url, **({"HTTP_HX_REQUEST": "true"} if htmx else {}))


# -- the tests -----------------------------------------------------------------------------------------


def test_every_url_is_classified():
    walked = {page.name for page in PAGES}
    skipped_namespaces = tuple(name.removesuffix("*") for name in EXCLUDED if name.endswith(":*"))
    names = {name for name in url_names() if name in walked or not name.startswith(skipped_namespaces)}
    known = walked | set(POST_ONLY) | set(EXCLUDED)
    assert not names - known, f"URLs without an expectation here: {sorted(names - known)}"
    stale = {name for name in known - names if not name.endswith(":*")}
    assert not stale, f"expectations for URLs that do not exist: {sorted(stale)}"


@pytest.mark.parametrize("page", PAGES, ids=[page.id for page in PAGES])
def test_get_page_answers_each_user_by_role(demo, client, page: Page):
    url = reverse(page.name, kwargs=demo["kwargs"][page.kwargs] if page.kwargs else None)
    found, wanted = {}, {}
    response = _get(client, url, page.htmx)
    found["anonymous"], wanted["anonymous"] = response.status_code, page.anonymous
    if page.anonymous == 302:
        location = urlsplit(response.headers.get("Location", ""))
        assert location.path == page.login and f"next={url}" in response.url.replace("%2F", "/"), response.url
    for username in USERS:
        client.force_login(demo["users"][username])
        response = _get(client, url, page.htmx)
        found[username], wanted[username] = response.status_code, page.expected[username]
        if response.status_code == 302 and page.redirect_to:
            assert urlsplit(response.url).path.startswith(page.redirect_to), (username, response.url)
        client.logout()
    assert found == wanted, f"{url}: got {found}, expected {wanted}"
    assert 403 not in found.values()


@pytest.mark.parametrize("name", sorted(POST_ONLY))
def test_actions_refuse_get(demo, client, name: str):
    key = POST_ONLY[name]
    url = reverse(name, kwargs=demo["kwargs"][key] if key else None)
    response = client.get(url)
    if name != "logout":
        assert response.status_code == 302 and urlsplit(response.url).path == LOGIN, (
            url,
            response.status_code,
        )
    client.force_login(demo["users"]["tinhuy"])
    assert client.get(url).status_code == 405, url
