"""`make run PORT=…`: the demo serves on that port and the links its documents print (SITE_URL)
point to it."""

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")


def planned_runserver(*args: str) -> str:
    """The runserver command line `make run` would execute (make -n prints, runs nothing)."""
    out = subprocess.run(
        ["make", "-n", "run", *args], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout
    lines = [line for line in out.splitlines() if "manage.py runserver" in line]
    assert len(lines) == 1, out
    return lines[0]


def site_url_of(command: str, environment: dict) -> str:
    """SITE_URL as the shell would give it to that command."""
    words = command.split()
    assignments = []
    for word in words:  # the leading VAR=value words
        if not re.match(r"[A-Z_]+=", word):
            break
        assignments.append(word)
    result = subprocess.run(
        ["bash", "-c", f"{' '.join(assignments)} bash -c 'printf %s \"$SITE_URL\"'"],
        env=environment,
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout


def test_make_run_takes_a_port_and_site_url_follows_it():
    command = planned_runserver("PORT=8010")
    assert command.rstrip().endswith("runserver 127.0.0.1:8010")
    environment = {k: v for k, v in os.environ.items() if k != "SITE_URL"}
    assert site_url_of(command, environment) == "http://127.0.0.1:8010"
    # A SITE_URL given by whoever runs it (a proxy in front, another host name) wins.
    assert (
        site_url_of(command, {**environment, "SITE_URL": "https://kd.example.vn"}) == "https://kd.example.vn"
    )


def test_make_run_defaults_to_port_8000():
    command = planned_runserver()
    assert command.rstrip().endswith("runserver 127.0.0.1:8000")
    environment = {k: v for k, v in os.environ.items() if k != "SITE_URL"}
    assert site_url_of(command, environment) == "http://127.0.0.1:8000"
