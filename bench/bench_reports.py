"""Report benchmarks, measured side by side in one run (results go to bench/README.md).

    uv run python bench/bench_reports.py [--skip-province] [--members 500000]

1. An individual self-review: render + sign, against bare WeasyPrint of the same HTML (goal ≤ 1.2×).
2. The provincial summary with its appendices for a province of 500,000 members, rendered by
   real Celery workers: 1 worker against 2 (goal: 2 workers ≤ 0.6× the time of 1).
3. Peak memory of one render task (an individual form; one chunk of appendices), each in a fresh
   process.

Uses the bench database of bench_seed.py (kiemdiem_bench_seed); it opens a season 2098 there,
records decided results for everyone (as an imported season), and keeps them for later runs.
"""

import argparse
import datetime
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import ROOT, setup  # noqa: E402

YEAR = 2098


def _province(members: int):
    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    from members.demo import seed_demo
    from members.models import Member
    from organizations.models import Organization
    from reviews.models import Season, Subject
    from reviews.scope import open_season
    from reviews.services import import_decided_results

    if abs(Member.objects.count() - members) > members // 10:
        print(f"seeding a province of {members:,} members…", flush=True)
        call_command("flush", verbosity=0, interactive=False)
        seed_demo(members=members)
    season = Season.objects.filter(year=YEAR).first()
    if season is None or not Subject.objects.filter(season=season, state="decided").exists():
        started = time.perf_counter()
        top = Organization.objects.get(code="DEMO")
        season = open_season(top_organization=top, year=YEAR, reference_date=datetime.date(2026, 12, 15))
        subjects = Subject.objects.filter(season=season, out_of_scope="").exclude(decider=None)
        levels = {
            pk: ("HTXSNV" if pk % 10 == 0 else "HTNV" if pk % 17 == 0 else "HTTNV")
            for pk in subjects.values_list("pk", flat=True)
        }
        admin = get_user_model().objects.filter(is_superuser=True).first()
        import_decided_results(season=season, levels=levels, actor=admin, source="bench")
        print(f"season {YEAR} opened and decided in {time.perf_counter() - started:.0f} s", flush=True)
    return season


def individual_ratio(season) -> dict:
    from reports import documents
    from reports.pdf import html_to_pdf
    from reports.services import verification_url
    from reports.signing import sign_pdf, signing_key
    from reviews.models import Subject

    subject = (
        Subject.objects.filter(season=season, kind="member", state="decided")
        .select_related("season__rule_set", "season__top_organization", "unit", "decider", "member")
        .first()
    )
    verification = documents.verification_for("BENCH-00001", verification_url("BENCH-00001"))
    key = signing_key(subject.unit.code)

    def bare():
        html = documents.render_html(
            documents.build(
                "individual", season=season, unit=subject.unit, subject=subject, verification=verification
            )
        )
        started = time.perf_counter()
        html_to_pdf(html)
        return time.perf_counter() - started, html

    def full(html):
        started = time.perf_counter()
        sign_pdf(html_to_pdf(html), key=key, organization=subject.unit.name, reason="bench")
        return time.perf_counter() - started

    _seconds, html = bare()  # warm fonts and caches
    full(html)
    bares, fulls = [], []
    for _ in range(7):
        b, html = bare()
        bares.append(b)
        fulls.append(full(html))
    b, f = statistics.median(bares), statistics.median(fulls)
    return {"bare": b, "full": f, "ratio": f / b}


def province_summary(season, workers: int) -> float:
    from config.celery import app
    from reports.models import ReportJob
    from reports.services import request_report

    queue = f"bench-{workers}-{int(time.time())}"
    env = {
        **os.environ,
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "CELERY_QUEUE": queue,
        "MEDIA_ROOT": os.environ["MEDIA_ROOT"],
    }
    processes = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "config",
                "worker",
                "--pool=solo",
                "-Q",
                queue,
                "--without-gossip",
                "--without-mingle",
                "-n",
                f"bench{n}-{queue}@%h",
                "-l",
                "WARNING",
            ],
            cwd=ROOT,
            env=env,
        )
        for n in range(workers)
    ]
    time.sleep(4)
    app.conf.task_always_eager, app.conf.task_default_queue = False, queue
    try:
        unit = season.units.get(parent__isnull=True)
        started = time.perf_counter()
        job = request_report(kind="summary", season=season, unit=unit)
        while not ReportJob.objects.filter(pk=job.pk, status__in=["done", "failed"]).exists():
            time.sleep(1)
        seconds = time.perf_counter() - started
        job.refresh_from_db()
        print(
            f"  {workers} worker(s): {seconds:.1f} s, {job.chunks} parts, {job.pages} pages, {job.status}",
            flush=True,
        )
        return seconds
    finally:
        for process in processes:
            process.terminate()
            process.wait(timeout=30)


PEAK = """
import os, resource, sys
sys.path.insert(0, {root!r}); os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
import django; django.setup()
from reports import services
from reports.models import ReportJob
job = ReportJob.objects.get(pk={job})
{body}
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024)
"""


def peak_memory(season) -> dict:
    from reports.models import ReportJob
    from reports.services import plan_parts, request_report
    from reviews.models import Subject

    subject = Subject.objects.filter(season=season, kind="member", state="decided").first()
    individual = request_report(
        kind="individual", season=season, unit=subject.unit, subject=subject, enqueue=False
    )
    summary = request_report(
        kind="summary", season=season, unit=season.units.get(parent__isnull=True), enqueue=False
    )
    parts = plan_parts(summary)
    ReportJob.objects.filter(pk=summary.pk).update(chunks=len(parts))
    cases = {
        "individual form (render + sign)": (individual.pk, "services.render_now(job)"),
        "one appendix chunk": (summary.pk, f"services.render_part(job.pk, 1, {parts[1]!r})"),
    }
    found = {}
    for label, (job_id, body) in cases.items():
        out = subprocess.run(
            [sys.executable, "-c", PEAK.format(root=str(ROOT), job=job_id, body=body)],
            capture_output=True,
            text=True,
            env=os.environ,
            cwd=ROOT,
        )
        found[label] = int(out.stdout.strip().splitlines()[-1]) if out.returncode == 0 else out.stderr[-500:]
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=500_000)
    parser.add_argument("--skip-province", action="store_true")
    args = parser.parse_args()
    os.environ.setdefault("MEDIA_ROOT", tempfile.mkdtemp(prefix="kd-bench-media-"))
    # Real workers need a real broker (without REDIS_URL tasks would go to an in-memory one).
    os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/0")
    setup("kiemdiem_bench_seed")
    from django.core.management import call_command

    call_command("make_dev_signing_cert", verbosity=0)
    season = _province(args.members)

    ratio = individual_ratio(season)
    print(
        f"individual form: bare WeasyPrint {ratio['bare']:.3f} s, render + sign {ratio['full']:.3f} s, "
        f"ratio {ratio['ratio']:.2f} (goal ≤ 1.2)"
    )
    for label, value in peak_memory(season).items():
        print(f"peak memory, {label}: {value} MB")
    if not args.skip_province:
        one = province_summary(season, 1)
        two = province_summary(season, 2)
        print(
            f"provincial summary: 1 worker {one:.0f} s, 2 workers {two:.0f} s, ratio {two / one:.2f} (goal ≤ 0.6)"
        )


if __name__ == "__main__":
    main()
