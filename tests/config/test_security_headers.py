"""Issue 13, row 7: an enforced Content-Security-Policy, HSTS over TLS, and `check --deploy` clean
under the documented production settings (docker-compose.yml)."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import override_settings

ROOT = Path(__file__).resolve().parents[2]


def _directives(response) -> dict[str, str]:
    policy = response["Content-Security-Policy"]
    return dict(part.strip().split(" ", 1) for part in policy.split(";"))


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/dang-nhap/", "/healthz", "/quan-tri/login/", "/khong-co/"])
def test_every_response_forbids_scripts_from_elsewhere_inline_or_evaluated(client, path):
    directives = _directives(client.get(path))
    assert directives["script-src"] == "'self'"
    assert directives["object-src"] == "'none'" and directives["frame-ancestors"] == "'none'"
    assert "unsafe" not in directives["script-src"] and "unsafe" not in directives["default-src"]


def test_no_template_carries_an_inline_script_or_an_event_attribute():
    """What the policy forbids must not be in the pages: a <script> without src, an on…= handler,
    or an htmx trigger filter (htmx evaluates those as code)."""
    offenders = []
    for template in (ROOT / "templates").rglob("*.html"):
        text = template.read_text(encoding="utf-8")
        for tag in re.findall(r"<script\b[^>]*>", text):
            if "src=" not in tag and "application/json" not in tag:
                offenders.append(f"{template.name}: {tag}")
        offenders += [f"{template.name}: {m}" for m in re.findall(r"\son[a-z]+\s*=\s*[\"']", text)]
        offenders += [f"{template.name}: {m}" for m in re.findall(r"hx-trigger=\"[^\"]*\[[^\"]*\"", text)]
    assert not offenders, offenders


@pytest.mark.django_db
def test_hsts_is_sent_over_tls_and_only_there(client):
    assert "Strict-Transport-Security" not in client.get("/dang-nhap/")
    hsts = client.get("/dang-nhap/", secure=True)["Strict-Transport-Security"]
    assert hsts.startswith("max-age=31536000") and "includeSubDomains" in hsts


@pytest.mark.django_db
@override_settings(SECURE_SSL_REDIRECT=True)
def test_behind_the_proxy_plain_http_goes_to_https_except_the_health_check(client):
    response = client.get("/dang-nhap/")
    assert response.status_code == 301 and response["Location"].startswith("https://")
    assert client.get("/healthz").status_code in (200, 503)


def test_check_deploy_has_nothing_to_say_under_the_production_settings():
    # Only what production sets: none of the test run's own variables.
    env = dict(
        PATH=os.environ["PATH"],
        HOME=os.environ.get("HOME", "/tmp"),
        DATABASE_URL="postgres://kiemdiem:secret@db:5432/kiemdiem",
        REDIS_URL="redis://redis:6379/0",
        DEBUG="false",
        SECRET_KEY="production-like-key-" + "k7#Vq9!zR2@mW4$xT6%" * 3,
        ALLOWED_HOSTS="kiemdiem.example.vn",
        BEHIND_TLS_PROXY="true",  # as docker-compose.yml sets it
        AUDIT_KEYS="k1:" + "audit-key-kept-in-the-environment-" * 2,
    )
    done = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr + done.stdout
    assert "no issues" in done.stdout
