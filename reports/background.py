"""Report jobs without a worker: the embedded default (`make run`, Celery tasks eager, no broker).

Running the task eagerly inside the request would hold the browser for the whole render (the
province summary takes tens of seconds). Instead the job runs in a thread of the web process once
the request's transaction has committed, through the same code as `render_report`
(`services.render_now`), which records the progress on the job row as a worker does: the request
returns at once and the job page polls. One job renders at a time per process; the others wait
as "queued". A job whose process stops mid-render stays "running" with an old heartbeat and can be
asked for again.
"""

import logging
import threading

from django.db import connections

from reports import services
from reports.models import ReportJob

logger = logging.getLogger(__name__)

_one_at_a_time = threading.Lock()


def start(job_id: int) -> threading.Thread:
    thread = threading.Thread(target=_run, args=(job_id,), name=f"report-job-{job_id}", daemon=True)
    thread.start()
    return thread


def _run(job_id: int) -> None:
    try:
        with _one_at_a_time:
            job = ReportJob.objects.select_related("season", "unit").get(pk=job_id)
            services.render_now(job)
    except Exception:
        # render_now has already marked the job failed with the error; keep the trace in the log.
        logger.exception("report job %s failed in the background", job_id)
    finally:
        connections.close_all()  # this thread's own connections
