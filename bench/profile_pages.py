"""Profile or time the queue, cell board and self-review form in-process (Django's test client),
against the trivial signed-in view, on a season shaped as bench_pages.py shapes it.

    uv run python bench/profile_pages.py --members 50000 time
    uv run --with pyinstrument python bench/profile_pages.py --members 50000 profile
    uv run python bench/profile_pages.py --members 50000 --pages dashboard,equivalents time

The database is DATABASE_URL (default kiemdiem_bench_pages_profile); like every bench it is
emptied and seeded when it does not hold a province of about --members members. `time` prints
requests per second of each page, one client, no server; `profile` writes a pyinstrument text
profile of 10 requests of each page to var/profile_<page>.txt (and the time under each
function, flat, to var/profile_<page>_flat.txt). bench/README.md, "Profile of the
cell, queue and form pages", says what they showed. `--pages` names other pages of bench_pages.py
(dashboard, equivalents); the trivial view is always measured.
"""

import argparse
import gc
import os
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pages_settings")
os.environ.setdefault("DEBUG", "false")
os.environ.setdefault("SECRET_KEY", "bench-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz")
os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1")
os.environ.setdefault("OTP_REQUIRED", "false")
for _name in ("SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE", "STATIC_MANIFEST"):
    os.environ.setdefault(_name, "false")
from common import ROOT, province_of, setup  # noqa: E402

PAGES = ("trivial", "cell", "queue", "form")


def clients(pages, names=PAGES):
    from django.contrib.auth import get_user_model
    from django.test import Client

    found = {}
    for name in ("trivial", *(n for n in names if n != "trivial")):
        login, url = pages[name]
        client = Client(HTTP_HOST="127.0.0.1")
        client.force_login(get_user_model().objects.get(username=login))
        assert client.get(url).status_code == 200, name
        found[name] = (client, url)
    return found


def rates(found, seconds: float) -> dict[str, float]:
    result = {}
    for name, (client, url) in found.items():
        count, started = 0, time.perf_counter()
        while time.perf_counter() - started < seconds:
            client.get(url)
            count += 1
        result[name] = count / (time.perf_counter() - started)
    return result


def profile(found) -> None:
    from pyinstrument import Profiler

    for name, (client, url) in found.items():
        for _n in range(20):  # past psycopg's preparing and PostgreSQL's first custom plans
            client.get(url)
        profiler = Profiler(interval=0.0005)
        profiler.start()
        for _n in range(10):
            client.get(url)
        profiler.stop()
        target = ROOT / "var" / f"profile_{name}.txt"
        target.parent.mkdir(exist_ok=True)
        target.write_text(profiler.output_text(unicode=False, color=False))
        flat = target.with_name(f"profile_{name}_flat.txt")
        flat.write_text(profiler.output_text(unicode=False, color=False, flat=True, flat_time="total"))
        print(f"wrote {target} and {flat.name}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("mode", choices=["time", "profile"])
    parser.add_argument("--members", type=int, default=50_000)
    parser.add_argument("--seconds", type=float, default=5)
    parser.add_argument("--pages", default=",".join(PAGES), help="comma-separated, of bench_pages' pages")
    args = parser.parse_args()
    setup("kiemdiem_bench_pages_profile")
    from bench_pages import page_urls, shaped_season

    top = province_of(args.members)
    found = clients(page_urls(shaped_season(top), top), args.pages.split(","))
    gc.collect()  # as config/wsgi.py does once the app is loaded: the collector skips what is loaded
    gc.freeze()
    if args.mode == "profile":
        profile(found)
        return
    measured = rates(found, args.seconds)
    print(f"load average {os.getloadavg()[0]:.1f}")
    for name, rate in measured.items():
        print(f"{name}: {rate:.1f} req/s, {1000 / rate:.1f} ms, {rate / measured['trivial']:.3f}× trivial")


if __name__ == "__main__":
    main()
