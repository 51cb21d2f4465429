"""Pages at province scale, served by gunicorn as in production (`2 × cores` sync workers,
docs/operations.md; `--workers` to change it): the province dashboard,
the staff queue, a cell board, a self-review form its author is still writing, the province's
equivalent positions (its cell secretaries side by side) and members' autosaves of their forms
(bench/autosaves.py: one member per client, each saving their own form), each against a trivial signed-in view
measured in the same run — first byte with 1 client, then throughput and latency with 8 clients. Every
page is requested before any is measured, and the trivial view is measured first and last.

    uv run python bench/bench_pages.py [--members 500000] [--seconds 15]

Uses the bench database of bench_seed.py (kiemdiem_bench_seed) and the QĐ 366 season of
bench_points.py (2097), seeding/opening them first when missing. The season is brought once to the
issue's shape: 40 % of the subjects decided; up to 191 members waiting in the queue of the demo's
base organization (login "dangu": its undecided members, 74 in the 500,000-member province); the
measured subjects given the pledges and forms their authors would have written
(bench/written_forms.py) and the meeting entries that reviewed them (bench/recorded_meetings.py).
The trivial view (`/bench/trivial/`) exists only in the bench's URL configuration
(bench/pages_urls.py): it signs the user in and answers "ok".
"""

import argparse
import http.client
import os
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from common import ROOT, province_of, setup  # noqa: E402

PORT = 8199
QUEUE_SIZE = 191
DECIDED_SHARE = 0.4


def shaped_season(top):
    """The bench_points season, with 40 % decided and QUEUE_SIZE members proposed to "dangu"'s base."""
    from bench_points import prepared_season
    from django.db import connection
    from recorded_meetings import record_meetings
    from written_forms import write_forms, write_pledges

    from organizations.models import Role
    from reviews.models import SeasonUnit, Subject

    season = prepared_season(top)
    subjects = Subject.objects.filter(season=season, out_of_scope="")
    total = subjects.count()
    decided = subjects.filter(state="decided").count()
    if decided < total * DECIDED_SHARE * 0.9:
        with connection.cursor() as cursor:
            cursor.execute(
                """UPDATE reviews_subject SET state = 'decided',
                       decided_level = (ARRAY['HTXSNV','HTTNV','HTTNV','HTNV','KHTNV'])[1 + id %% 5]
                   WHERE season_id = %s AND out_of_scope = '' AND state <> 'decided' AND id %% 10 < 4""",
                [season.pk],
            )
        print(f"decided {DECIDED_SHARE:.0%} of the season's {total:,} subjects", flush=True)
    base_org = Role.objects.get(user__username="dangu").organization_id
    base = SeasonUnit.objects.get(season=season, organization_id=base_org)
    waiting = Subject.objects.filter(season=season, decider=base, state="proposed")
    if waiting.count() < QUEUE_SIZE:
        chosen = list(
            Subject.objects.filter(season=season, decider=base, kind="member", out_of_scope="")
            .exclude(state="decided")
            .values_list("pk", flat=True)[:QUEUE_SIZE]
        )
        Subject.objects.filter(pk__in=chosen).update(
            state="proposed", self_level="HTTNV", proposed_level="HTTNV", self_points=87, proposed_points=87
        )
    # The form measured is one its author is still writing: editable, with its tick boxes and task
    # rows, the page half a million members have open in a season (a decided one before 2026-12-06).
    Subject.objects.filter(season=season, member__user__username="dangvien").exclude(state="draft").update(
        state="draft", decided_level="", proposed_level="", decided_points=None, proposed_points=None
    )
    measured = Subject.objects.filter(
        season=season, unit__organization_id=measured_cell_id(), out_of_scope=""
    ).values_list("pk", flat=True)
    measured = [*measured, *waiting.values_list("pk", flat=True)]
    shaped = decided < total * DECIDED_SHARE * 0.9
    if given := write_pledges(season, measured):
        print(f"gave {given} measured members the pledges they would have written", flush=True)
        shaped = True
    if given := write_forms(season, measured):
        print(f"gave {given} measured subjects the forms their authors would have written", flush=True)
        shaped = True
    if given := record_meetings(season, measured):
        print(f"gave {given} measured members the meeting entries that reviewed them", flush=True)
        shaped = True
    if shaped:
        # The seeding emptied the tables (flush) and refilled them: without statistics PostgreSQL
        # guesses, and the dashboard's redo counts walked the meeting entries once per child
        # (bench/README.md, "2026-12-08, evening"). A database in use is analyzed by autovacuum.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        print("analyzed the database", flush=True)
    return season


def measured_cell_id() -> int:
    """The cell whose board is measured: the demo secretary's ("bithu")."""
    from organizations.models import Role

    return Role.objects.filter(user__username="bithu", kind=Role.Kind.CELL_SECRETARY).get().organization_id


def page_urls(season, top) -> dict[str, tuple[str, str]]:
    """name → (login, url) of the pages measured."""
    from django.urls import reverse

    from members.models import Member
    from reviews.models import SeasonUnit, Subject

    top_unit = SeasonUnit.objects.get(season=season, organization=top)
    cell_unit = SeasonUnit.objects.get(season=season, organization_id=measured_cell_id())
    member = Member.objects.get(user__username="dangvien")
    form = Subject.objects.get(season=season, member=member, kind="member", unit=cell_unit)
    return {
        "trivial": ("dangvien", "/bench/trivial/"),
        "dashboard": ("tinhuy", reverse("reviews:dashboard", args=[season.pk, top_unit.code])),
        "queue": ("dangu", reverse("reviews:queue", args=[season.pk])),
        "cell": ("bithu", reverse("reviews:cell", args=[season.pk, cell_unit.code])),
        "form": ("dangvien", reverse("reviews:form", args=[season.pk, form.pk])),
        # Issue 15, R-SUP-2: every cell secretary of the province side by side (the default group).
        "equivalents": ("tinhuy", reverse("reviews:equivalents", args=[season.pk, top_unit.code])),
    }


def session_cookies(logins) -> dict[str, str]:
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.test import Client

    cookies = {}
    for username in logins:
        client = Client()
        client.force_login(get_user_model().objects.get(username=username))
        cookies[username] = (
            f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"
        )
    return cookies


def query_counts(targets) -> dict[str, int]:
    """Queries each page (or autosave) runs, counted in this process with Django's test client on a
    second request, as tests/config/test_query_budget.py counts them (the first fills the process's
    caches)."""
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, override_settings

    counts = {}
    for name, [(url, cookie, body), *_others] in targets.items():
        client = Client(HTTP_HOST="127.0.0.1")
        client.cookies[settings.SESSION_COOKIE_NAME] = cookie.split("=", 1)[1]

        with override_settings(ROOT_URLCONF="pages_urls"):
            _test_request(client, url, body)
            with CaptureQueriesContext(connection) as queries:
                response = _test_request(client, url, body)
        assert response.status_code == 200, (name, response.status_code)
        counts[name] = len(queries)
    return counts


def _test_request(client, url: str, body: bytes | None):
    if body is None:
        return client.get(url)
    return client.post(url, body, content_type="application/x-www-form-urlencoded", HTTP_HX_REQUEST="true")


def serve(database_url: str, workers: int):
    env = dict(
        os.environ,
        DATABASE_URL=database_url,
        DJANGO_SETTINGS_MODULE="pages_settings",
        DEBUG="false",
        SECRET_KEY=os.environ.get(
            "SECRET_KEY", "bench-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz"
        ),
        ALLOWED_HOSTS="127.0.0.1",
        SESSION_COOKIE_SECURE="false",
        CSRF_COOKIE_SECURE="false",
        STATIC_MANIFEST="false",
        # The sessions are made by force_login, which gives no second factor; the pages are measured.
        OTP_REQUIRED="false",
    )
    command = [sys.executable, "-m", "gunicorn", "config.wsgi:application", "--workers", str(workers)]
    command += ["--bind", f"127.0.0.1:{PORT}", "--pythonpath", str(HERE), "--log-level", "warning"]
    server = subprocess.Popen(command, cwd=ROOT, env=env)
    for _attempt in range(100):
        try:
            get("/healthz", "")
            return server
        except OSError:
            time.sleep(0.2)
    server.kill()
    sys.exit("gunicorn did not start")


# An autosave's CSRF token: Django takes an unmasked secret of 32 letters, in the header and the cookie.
CSRF = "benchautosavecsrftoken0123456789"


def get(url: str, cookie: str, body: bytes | None = None) -> tuple[float, float]:
    """(first byte, whole response) seconds of one GET, or of one htmx POST of `body` (an
    autosave); fails unless it answers 200."""
    headers = {"Cookie": cookie, "Host": "127.0.0.1"}
    if body is not None:
        headers |= {
            "Cookie": f"{cookie}; csrftoken={CSRF}",
            "X-CSRFToken": CSRF,
            "HX-Request": "true",
            "Content-Type": "application/x-www-form-urlencoded",
        }
    started = time.perf_counter()
    connection = http.client.HTTPConnection("127.0.0.1", PORT, timeout=120)
    connection.request("GET" if body is None else "POST", url, body=body, headers=headers)
    response = connection.getresponse()
    first_byte = time.perf_counter() - started
    response.read()
    connection.close()
    if response.status != 200:
        raise RuntimeError(f"{url}: HTTP {response.status}")
    return first_byte, time.perf_counter() - started


def one_client(targets, requests: int = 15) -> list[float]:
    url, cookie, body = targets[0]
    for _worker in range(4):  # warm the workers' caches
        get(url, cookie, body)
    return sorted(get(url, cookie, body)[0] for _n in range(requests))


def many_clients(targets, clients: int, seconds: float) -> tuple[float, list[float]]:
    """Requests per second and sorted latencies of `clients` clients looping for `seconds`, client
    i on target i (modulo their number): (url, cookie, body)."""
    latencies: list[float] = []
    lock = threading.Lock()
    until = time.perf_counter() + seconds

    def loop(url, cookie, body):
        while time.perf_counter() < until:
            took = get(url, cookie, body)[1]
            with lock:
                latencies.append(took)

    started = time.perf_counter()
    threads = [threading.Thread(target=loop, args=targets[n % len(targets)]) for n in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return len(latencies) / (time.perf_counter() - started), sorted(latencies)


def percentile(values: list[float], share: float) -> float:
    return values[min(len(values) - 1, int(share * len(values)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=500_000)
    parser.add_argument("--seconds", type=float, default=15)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 1))
    args = parser.parse_args()
    # The sessions made here must be readable by gunicorn's processes: one key for both.
    os.environ.setdefault("SECRET_KEY", "bench-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz")
    setup("kiemdiem_bench_seed")
    from autosaves import autosave_body, autosave_targets

    top = province_of(args.members)
    season = shaped_season(top)
    pages = page_urls(season, top)
    saves = autosave_targets(season, args.clients, measured_cell_id())
    cookies = session_cookies({login for login, _url in [*pages.values(), *saves]})
    targets = {name: [(url, cookies[login], None)] for name, (login, url) in pages.items()}
    targets["autosave"] = [(url, cookies[login], autosave_body()) for login, url in saves]
    counts = query_counts(targets)
    server = serve(os.environ["DATABASE_URL"], args.workers)
    try:
        # Every page once through every worker with 8 clients before any is measured: a worker's
        # first requests fill its caches (templates, URL patterns, compiled reads, prepared
        # statements), and the page measured first would pay for all of them.
        for chosen in targets.values():
            many_clients(chosen, args.clients, 1.0)
        results = {}
        for name, chosen in targets.items():
            single = one_client(chosen)
            rate, latencies = many_clients(chosen, args.clients, args.seconds)
            results[name] = (single, rate, latencies)
            print(f"  measured {name}", flush=True)
        # The trivial view again at the end: the ratios are to the mean of both runs.
        trivial_again = many_clients(targets["trivial"], args.clients, args.seconds)[0]
    finally:
        server.terminate()
        server.wait()
    trivial_rate = (results["trivial"][1] + trivial_again) / 2
    print(
        f"load average {os.getloadavg()[0]:.1f}; {args.workers} workers; "
        f"{args.clients} clients for {args.seconds:.0f} s each"
    )
    print(
        f"trivial view: {results['trivial'][1]:.1f} req/s first, {trivial_again:.1f} req/s last; "
        f"ratios to their mean, {trivial_rate:.1f}"
    )
    print(
        "| page | queries | 1 client p50 / p99 first byte | 8 clients req/s | ÷ trivial | 8 clients p50 / p99 |"
    )
    print("| --- | --- | --- | --- | --- | --- |")
    for name, (single, rate, latencies) in results.items():
        print(
            f"| {name} | {counts[name]} "
            f"| {1000 * statistics.median(single):.0f} / {1000 * percentile(single, 0.99):.0f} ms "
            f"| {rate:.1f} | {rate / trivial_rate:.2f}× "
            f"| {1000 * percentile(latencies, 0.5):.0f} / {1000 * percentile(latencies, 0.99):.0f} ms |"
        )


if __name__ == "__main__":
    main()
