"""Report jobs: request, claim, render, sign, store.

A request creates a `ReportJob` row and enqueues a task after commit (without a worker, a thread
of the web process runs it: reports/background.py; with the broker down, the job is kept and sent
again later: reports/upkeep.py). A task claims the row with a
conditional UPDATE (a duplicate delivery finds nothing to claim; a row whose worker died is
claimed again once its heartbeat is older than REPORT_STALE_SECONDS), renders, signs once, stores
the file under a name fixed by the job (a re-run overwrites, so there is only ever one file) and
marks the row done only if it still holds the claim.

The package: jobs.py holds the lifecycle (request, start, claim, heartbeat, fail, finish);
rendering.py renders and signs a document in one piece; parts.py plans, renders and merges the
parts of a large one. `render_now` below runs the same path as the workers (reports/tasks.py).
"""

from reports.models import ReportJob
from reports.services.jobs import (
    Kind,
    Status,
    claim,
    fail,
    finish,
    heartbeat,
    holds_claim,
    request_report,
    start,
    verification_url,
)
from reports.services.parts import merge_parts, plan_parts, render_part
from reports.services.rendering import _load, render_single, sign

__all__ = [
    "Kind",
    "Status",
    "claim",
    "fail",
    "finish",
    "heartbeat",
    "holds_claim",
    "merge_parts",
    "plan_parts",
    "render_now",
    "render_part",
    "render_single",
    "request_report",
    "sign",
    "start",
    "verification_url",
]


def render_now(job: ReportJob) -> ReportJob:
    """The same code path as the workers, synchronously (for `render_report` and tests)."""
    token = claim(job.pk)
    if token is None:
        return _load(job.pk)
    try:
        parts = plan_parts(job)
        if not parts:
            render_single(job.pk, token)
        else:
            ReportJob.objects.filter(pk=job.pk).update(chunks=len(parts))
            for index, spec in enumerate(parts):
                render_part(job.pk, index, spec)
            merge_parts(job.pk, token)
    except Exception as error:
        fail(job.pk, token, f"{error.__class__.__name__}: {error}")
        raise
    return _load(job.pk)
