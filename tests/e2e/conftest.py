"""Browser tests: the demo province served by a real server process, driven in Chromium.

The demo is migrated and seeded once for the package into a database of its own
(`<test database>_e2e`), which is never served: it is the template. Each server gets a copy of
it (`CREATE DATABASE … TEMPLATE`, a fraction of a second), so pytest-django's per-test
transactions and the in-process connections never meet the browser tests, and a flow that
changes the season (decides, submits) cannot disturb another:

- `demo_server`: one copy for the package, for tests that only look (logins, screenshots);
- `fresh_server`: a copy per test module, for the flows that act.

Every page a flow visits can be `audit`ed: axe-core (from axe-playwright-python) runs in the
page, and the page's HTML is saved under test-artifacts/html/ for the Nu HTML checker. Each
flow module then asserts, page by page, no serious or critical axe violation and no HTML error
(`page_check_tests`).
"""

import contextlib
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.request import urlopen

import pytest

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
HTML_DIR = ARTIFACTS / "html"
VNU_JAR = ROOT / "var" / "tools" / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PASSWORD = "Kiemdiem@2026"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _e2e_database_url() -> str:
    base = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/kiemdiem")
    return f"{base}_e2e"


def _admin(url: str):
    import psycopg

    return psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True)


def _env(url: str) -> dict:
    return {**os.environ, "DATABASE_URL": url, "DEBUG": "false", "CELERY_TASK_ALWAYS_EAGER": "true"}


def manage(*args, env: dict) -> subprocess.CompletedProcess:
    done = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True
    )
    if done.returncode:
        raise RuntimeError(
            f"manage.py {' '.join(args)} failed:\n{done.stdout[-2000:]}\n{done.stderr[-3000:]}"
        )
    return done


# -- servers ------------------------------------------------------------------------------------------


class Server:
    """A runserver process over its own copy of the seeded demo."""

    def __init__(self, base_url: str, env: dict):
        self.base_url = base_url
        self.env = env

    def url(self, path: str) -> str:
        return self.base_url + path

    def stage(self, function: str, **kwargs):
        """Run `tests.e2e.staging.<function>(**kwargs)` inside the server's database (a
        `manage.py shell` subprocess, like an operator would); returns what it printed as JSON."""
        code = (
            "import json; from tests.e2e import staging; "
            f"print('STAGED ' + json.dumps(staging.{function}(**json.loads({json.dumps(json.dumps(kwargs))}))))"
        )
        done = manage("shell", "-c", code, env=self.env)
        line = next(line for line in done.stdout.splitlines() if line.startswith("STAGED "))
        return json.loads(line.removeprefix("STAGED "))


def _seeded(url: str) -> bool:
    import psycopg

    try:
        with psycopg.connect(url) as connection:
            return bool(connection.execute("SELECT count(*) FROM reviews_season").fetchone()[0])
    except psycopg.Error:
        return False


@pytest.fixture(scope="package")
def server_env():
    """The environment of the seeded template database (migrated and seeded once).

    While working on the browser tests, E2E_KEEP_TEMPLATE=1 keeps the seeded template between
    runs (it is reused when present; drop it after changing migrations or the demo)."""
    url = _e2e_database_url()
    name = url.rsplit("/", 1)[1]
    if os.environ.get("E2E_KEEP_TEMPLATE") == "1" and _seeded(url):
        yield _env(url)
        return
    with _admin(url) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}"')
    env = _env(url)
    manage("migrate", "--noinput", env=env)
    manage("seed_demo", env=env)
    yield env
    if os.environ.get("E2E_KEEP_TEMPLATE") == "1":
        return
    with _admin(url) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextlib.contextmanager
def running_server(template_env: dict, suffix: str):
    template_url = template_env["DATABASE_URL"]
    template = template_url.rsplit("/", 1)[1]
    name = f"{template}_{suffix}"[:63]
    url = f"{template_url.rsplit('/', 1)[0]}/{name}"
    with _admin(url) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
    env = _env(url)
    port = _free_port()
    process = subprocess.Popen(
        [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload", "--nothreading"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    base_url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            urlopen(f"{base_url}/healthz", timeout=2)
            break
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                raise RuntimeError(
                    f"the test server did not start: {process.stderr.read().decode()[-2000:]}"
                ) from None
            time.sleep(0.3)
    try:
        yield Server(base_url, env)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
        with _admin(url) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="package")
def demo_year(server_env) -> int:
    """The year of the season the demo opened for review: it follows the day the demo was seeded
    (members/demo_days.py), so browser tests read it instead of writing a year down."""
    import psycopg

    with psycopg.connect(server_env["DATABASE_URL"]) as connection:
        return connection.execute("SELECT max(year) FROM reviews_season WHERE status = 'open'").fetchone()[0]


@pytest.fixture(scope="package")
def demo_server(server_env):
    """Base URL of a server over the seeded demo province, shared by the tests that only look."""
    with running_server(server_env, "shared") as server:
        yield server.base_url


@pytest.fixture(scope="module")
def fresh_server(server_env, request):
    """A server over a fresh copy of the demo, for the flows of one test module."""
    suffix = re.sub(r"[^a-z0-9]+", "_", request.module.__name__.rsplit(".", 1)[-1].lower())
    with running_server(server_env, suffix.removeprefix("test_")) as server:
        yield server


# -- the browser --------------------------------------------------------------------------------------


@pytest.fixture(scope="package")
def browser():
    from playwright.sync_api import expect, sync_playwright

    # The test server answers one request at a time, on a machine running other suites too.
    expect.set_options(timeout=15_000)
    if not os.path.exists(CHROMIUM):
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium package (make test does it as root)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def _new_page(browser):
    context = browser.new_context(
        locale="vi-VN", viewport={"width": 1280, "height": 900}, accept_downloads=True
    )
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.js_errors = []
    page.on("pageerror", lambda error: page.js_errors.append(str(error)))
    # Whatever the Content-Security-Policy refused (an inline script, an eval, htmx's filters) is
    # a broken page: Chromium reports it on the console.
    page.on(
        "console",
        lambda message: (
            page.js_errors.append(message.text)
            if "Content Security Policy" in message.text or "htmx:evalDisallowedError" in message.text
            else None
        ),
    )
    # Pages ask before a step that cannot be undone (data-confirm → window.confirm): say yes.
    page.dialogs = []

    def answer(dialog):
        page.dialogs.append(dialog.message)
        dialog.accept()

    page.on("dialog", answer)
    return context, page


@pytest.fixture
def page(browser):
    context, page = _new_page(browser)
    yield page
    context.close()


@pytest.fixture
def open_as(browser):
    """open_as(server, username) → a page of a new browser context signed in as that user."""
    contexts = []

    def open_page(server, username: str, password: str = PASSWORD):
        context, page = _new_page(browser)
        contexts.append((context, page))
        login(page, server.base_url if isinstance(server, Server) else server, username, password)
        assert "/dang-nhap/" not in page.url, f"{username} could not sign in"
        return page

    yield open_page
    errors = [f"{p.url}: {e}" for _c, p in contexts for e in p.js_errors]
    for context, _page in contexts:
        context.close()
    assert not errors, f"JavaScript errors in the pages: {errors}"


def login(page, base_url: str, username: str, password: str = PASSWORD):
    page.goto(f"{base_url}/dang-nhap/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_load_state("networkidle")


def screenshot(page, name: str):
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def press(page, locator):
    """Click something that posts a form or follows a link, and wait for the page it leads to."""
    with page.expect_navigation(wait_until="load"):
        locator.click()
    settle(page)


def settle(page):
    """Wait until htmx has nothing in flight and the page's requests are done."""
    page.wait_for_load_state("networkidle")
    page.wait_for_function("() => !document.querySelector('.htmx-request')")
    # Bootstrap's fades (tabs, alerts): colours are only final once they are over.
    page.wait_for_function("() => document.getAnimations().every(a => a.playState !== 'running')")


# -- Vietnamese UI text --------------------------------------------------------------------------------


def vi(msgid: str, plural: str | None = None, n: int = 1) -> str | None:
    """The Vietnamese translation of a UI string from the compiled catalogues the server uses,
    or None while it is not translated (then tests assert a structural selector only)."""
    from django.utils import translation

    with translation.override("vi"):
        text = translation.ngettext(msgid, plural, n) if plural else translation.gettext(msgid)
    return None if text == (msgid if n == 1 or not plural else plural) else text


def vi_pattern(msgid: str, **groups: str) -> re.Pattern | None:
    """A regular expression for a translated string with %(name)s placeholders, each replaced by
    the pattern given for it (by default anything)."""
    text = vi(msgid)
    if text is None:
        return None
    pattern = []
    for part in re.split(r"(%\(\w+\)[sd]|%%)", text):
        placeholder = re.fullmatch(r"%\((\w+)\)[sd]", part)
        if placeholder:
            pattern.append(groups.get(placeholder.group(1), ".+?"))
        else:
            pattern.append("%" if part == "%%" else re.escape(part))
    return re.compile("".join(pattern))


# -- accessibility (axe-core) and HTML validity (Nu HTML checker) -----------------------------------------

# Problems of the base template shown on every page are checked once, by their own tests
# (test_login.py), and left out of the page-by-page checks:
SHARED_CONTEXT_EXCLUDED = ["header nav.navbar"]
# htmx's attributes (hx-get, hx-post, …) are not HTML; htmx also reads them as data-hx-*.
HTMX_ATTRIBUTE_ERROR = re.compile(r"^Attribute “hx-[a-z-]+” not allowed on element")

AUDITS: dict[str, dict] = {}


SERIOUS = ("serious", "critical")
# Known problems that tests cannot fix, one reason each; a page that has one is marked
# xfail(strict=True) in its module, so the mark must go when the template is fixed.


def axe_violations(page, context=None, impacts=SERIOUS) -> list[dict]:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page, context=context, options={"resultTypes": ["violations"]})
    return [
        {
            "id": v["id"],
            "impact": v["impact"],
            "help": v["help"],
            "nodes": [
                {"target": n["target"], "html": n["html"][:200], "summary": n.get("failureSummary", "")}
                for n in v["nodes"]
            ],
        }
        for v in results.response["violations"]
        if impacts is None or v["impact"] in impacts
    ]


def audit(page, name: str, *, shot: bool = False):
    """Check the page as it is now: axe-core in the browser, and its HTML saved for vnu (and a
    screenshot under test-artifacts/pages/ with `shot`)."""
    settle(page)
    HTML_DIR.mkdir(parents=True, exist_ok=True)
    path = HTML_DIR / f"{name}.html"
    path.write_text(page.content(), encoding="utf-8")
    context = {"exclude": [[selector] for selector in SHARED_CONTEXT_EXCLUDED]}
    found = axe_violations(page, context, impacts=None)
    AUDITS[name] = {
        "url": page.url,
        "violations": [v for v in found if v["impact"] in SERIOUS],
        "other_violations": [v for v in found if v["impact"] not in SERIOUS],
        "html": path,
    }
    if shot:
        (ARTIFACTS / "pages").mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "pages" / f"{name}.png"), full_page=True)


def pytest_sessionfinish(session):
    """A summary of every check for whoever fixes the templates: test-artifacts/page-checks.json."""
    if not AUDITS:
        return
    summary = {
        name: {
            "url": audit["url"],
            "axe": [
                {
                    "id": v["id"],
                    "impact": v["impact"],
                    "help": v["help"],
                    "targets": [n["target"] for n in v["nodes"]],
                }
                for v in audit["violations"] + audit["other_violations"]
            ],
            "vnu": [{"line": e.get("lastLine"), "message": e["message"]} for e in _VNU_CACHE.get(name, [])],
        }
        for name, audit in sorted(AUDITS.items())
    }
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "page-checks.json").write_text(
        json.dumps(summary, ensure_ascii=False, indent=1), encoding="utf-8"
    )


def vnu_errors(paths: list[Path]) -> dict[str, list[dict]]:
    """Errors of the Nu HTML checker, by file name."""
    java = shutil.which("java")
    if java is None:
        pytest.skip(
            "Java is missing: the Nu HTML checker (vnu.jar) needs a Java runtime (Debian: default-jre)"
        )
    if not VNU_JAR.exists():
        pytest.fail(f"{VNU_JAR.relative_to(ROOT)} is missing: `make test` installs it (npm install vnu-jar)")
    done = subprocess.run(
        [java, "-jar", str(VNU_JAR), "--errors-only", "--format", "json", *map(str, paths)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    found: dict[str, list[dict]] = {path.name: [] for path in paths}
    for message in json.loads(done.stderr or '{"messages": []}')["messages"]:
        if message.get("type") == "error" or message.get("subType") == "fatal":
            found.setdefault(Path(message.get("url", "")).name, []).append(message)
    return found


_VNU_CACHE: dict[str, list[dict]] = {}


def html_errors(name: str) -> list[dict]:
    """vnu errors of an audited page; every page audited so far and not yet checked is sent in
    the same run (one Java start per module)."""
    if name not in _VNU_CACHE:
        pending = [a["html"] for n, a in AUDITS.items() if n not in _VNU_CACHE]
        for file_name, errors in vnu_errors(pending).items():
            _VNU_CACHE[file_name.removesuffix(".html")] = errors
    return _VNU_CACHE.get(name, [])


def _describe_violations(violations) -> str:
    return "\n".join(
        f"  {v['impact']} {v['id']} ({v['help']}): "
        + "; ".join(
            f"{n['target']} {n['summary'].splitlines()[-1].strip() if n['summary'] else ''}"
            for n in v["nodes"][:5]
        )
        for v in violations
    )


def _describe_html(errors) -> str:
    return "\n".join(
        f"  line {e.get('lastLine')}: {e['message']} [{e.get('extract', '')[:80]!r}]" for e in errors
    )


def page_check_tests(pages, known_a11y: dict | None = None, known_html: dict | None = None):
    """Two parametrized tests over the audited pages of a flow module (defined after its flows,
    so they run after them): no serious/critical axe violation, no HTML error. A page with a
    known problem that tests cannot fix is marked xfail(strict=True) with the reason, so the
    mark must go when the template is fixed."""
    known_a11y, known_html = known_a11y or {}, known_html or {}

    def params(known):
        return [
            pytest.param(name, marks=pytest.mark.xfail(strict=True, reason=known[name]))
            if name in known
            else name
            for name in pages
        ]

    @pytest.mark.e2e
    @pytest.mark.parametrize("name", params(known_a11y))
    def test_page_has_no_serious_accessibility_violation(name):
        if name not in AUDITS:
            pytest.skip(f"{name} was not visited (its flow did not run)")
        violations = AUDITS[name]["violations"]
        assert not violations, f"axe-core on {AUDITS[name]['url']}:\n{_describe_violations(violations)}"

    @pytest.mark.e2e
    @pytest.mark.parametrize("name", params(known_html))
    def test_page_is_valid_html(name):
        if name not in AUDITS:
            pytest.skip(f"{name} was not visited (its flow did not run)")
        errors = html_errors(name)
        assert not errors, (
            f"Nu HTML checker on {AUDITS[name]['url']} ({AUDITS[name]['html']}):\n" + _describe_html(errors)
        )

    return test_page_has_no_serious_accessibility_violation, test_page_is_valid_html
