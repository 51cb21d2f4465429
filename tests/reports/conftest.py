import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def signing_files(tmp_path_factory):
    """A development CA and signing certificate made by the project's own command."""
    folder = tmp_path_factory.mktemp("signing")
    p12, ca = folder / "signer.p12", folder / "ca.pem"
    call_command("make_dev_signing_cert", p12=str(p12), ca=str(ca), force=True, verbosity=0)
    return {"p12": p12, "ca": ca}


@pytest.fixture
def signing(settings, signing_files, tmp_path):
    settings.SIGNING_PKCS12_PATH = str(signing_files["p12"])
    settings.SIGNING_DEV_CA_PATH = str(signing_files["ca"])
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return signing_files


class Workers:
    """Real Celery workers, in their own processes, on a queue of their own, against the test
    database and the local Redis."""

    def __init__(self, env: dict):
        self.env = env
        self.processes: list[subprocess.Popen] = []

    def start(self) -> subprocess.Popen:
        log = open(Path(self.env["MEDIA_ROOT"]).parent / f"worker-{len(self.processes)}.log", "w")  # noqa: SIM115
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "config",
                "worker",
                "--pool=solo",
                "--concurrency=1",
                "-Q",
                self.env["CELERY_QUEUE"],
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                "-n",
                f"test-{uuid.uuid4().hex[:6]}@%h",
                "-l",
                "INFO",
            ],
            cwd=ROOT,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        self.processes.append(process)
        time.sleep(1.5)
        if process.poll() is not None:
            log.close()
            raise RuntimeError("the Celery worker did not start:\n" + Path(log.name).read_text()[-3000:])
        return process

    def stop(self):
        for process in self.processes:
            if process.poll() is None:
                process.terminate()
                try:
                    process.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    process.kill()


@pytest.fixture
def workers(signing, settings, tmp_path):
    from config.celery import app

    settings_dict = connection.settings_dict
    queue = f"kd-test-{uuid.uuid4().hex[:8]}"
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{settings_dict['USER']}@{settings_dict['HOST'] or '127.0.0.1'}:"
        f"{settings_dict['PORT'] or 5432}/{settings_dict['NAME']}",
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "CELERY_QUEUE": queue,
        "CELERY_VISIBILITY_TIMEOUT": "8",
        "REPORT_STALE_SECONDS": "5",
        "REPORT_CHUNK_SIZE": "8",
        "MEDIA_ROOT": settings.MEDIA_ROOT,
        "SIGNING_PKCS12_PATH": settings.SIGNING_PKCS12_PATH,
        "SIGNING_DEV_CA_PATH": settings.SIGNING_DEV_CA_PATH,
    }
    previous = (app.conf.task_always_eager, app.conf.task_default_queue)
    app.conf.task_always_eager, app.conf.task_default_queue = False, queue
    settings.REPORT_CHUNK_SIZE = 8
    pool = Workers(env)
    yield pool
    pool.stop()
    app.conf.task_always_eager, app.conf.task_default_queue = previous


def wait_for(condition, timeout: float, step: float = 0.2):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(step)
    return None
