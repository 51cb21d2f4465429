import os
import socket
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
        self.logs: dict[int, Path] = {}

    def wait_ready(self, process: subprocess.Popen, timeout: float = 60) -> None:
        """Until the worker has connected to the broker and takes tasks."""
        if not wait_for(lambda: " ready." in self.logs[process.pid].read_text(), timeout, 0.2):
            raise RuntimeError(
                "the Celery worker is not ready:\n" + self.logs[process.pid].read_text()[-3000:]
            )

    def start(self, *, beat: bool = False, env: dict | None = None) -> subprocess.Popen:
        """A worker; with `beat`, Celery beat in it too (the re-dispatch of lost report jobs)."""
        folder = Path(self.env["MEDIA_ROOT"]).parent
        log = open(folder / f"worker-{len(self.processes)}.log", "w")  # noqa: SIM115
        beat_options = ["-B", "-s", str(folder / f"beat-{len(self.processes)}")] if beat else []
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
                *beat_options,
            ],
            cwd=ROOT,
            env={**self.env, **(env or {})},
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        self.processes.append(process)
        self.logs[process.pid] = Path(log.name)
        time.sleep(1.5)
        if process.poll() is not None:
            log.close()
            raise RuntimeError("the Celery worker did not start:\n" + Path(log.name).read_text()[-3000:])
        return process

    def log_tails(self, size: int = 2000) -> str:
        """The end of each worker's log, to say in a failure what the workers did."""
        return "\n".join(f"-- worker {pid}:\n{path.read_text()[-size:]}" for pid, path in self.logs.items())

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
    previous = (app.conf.task_always_eager, app.conf.task_default_queue, app.conf.broker_url)
    app.conf.task_always_eager, app.conf.task_default_queue = False, queue
    settings.REPORT_CHUNK_SIZE = 8
    pool = Workers(env)
    yield pool
    pool.stop()
    app.conf.task_always_eager, app.conf.task_default_queue = previous[:2]
    if app.conf.broker_url != previous[2]:
        use_broker(app, previous[2])


class RedisServer:
    """A Redis of the test's own, on a free port, that the test may stop and start again."""

    def __init__(self, folder: Path):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.log = folder / f"redis-{self.port}.log"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
            ],
            stdout=self.log.open("a"),
            stderr=subprocess.STDOUT,
        )
        if not wait_for(self._answers, 10, 0.05):
            raise RuntimeError("redis-server did not start:\n" + self.log.read_text()[-2000:])

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)

    def _answers(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as connection:
                connection.sendall(b"PING\r\n")
                return connection.recv(16).startswith(b"+PONG")
        except OSError:
            return False


@pytest.fixture
def redis_server(tmp_path):
    server = RedisServer(tmp_path)
    server.start()
    yield server
    server.stop()


def use_broker(app, url: str) -> None:
    """Point this process's Celery app at another broker (its pools are made again)."""
    app.conf.broker_url = url
    app._after_fork()  # drops the connection and producer pools


def wait_for(condition, timeout: float, step: float = 0.2):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(step)
    return None
