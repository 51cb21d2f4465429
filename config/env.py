"""Typed readers for settings that come from the environment.

Each helper fails loudly (ImproperlyConfigured) on a value it cannot read, so a typo in a
deployment stops the process at start-up instead of running with a silent default.
"""

import datetime
import hashlib
import hmac
import os
import re
from urllib.parse import unquote, urlparse

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


def env_str(name: str, default: str | None = None) -> str | None:
    value = os.environ.get(name)
    if value is None or value == "":
        file_path = os.environ.get(f"{name}_FILE")
        if file_path:
            with open(file_path, encoding="utf-8") as fh:
                return fh.read().strip()
        return default
    return value


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.lower() in _TRUE:
        return True
    if value.lower() in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, got {value!r}")


def env_int(name: str, default: int, *, minimum: int | None = None) -> int:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        number = int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be an integer, got {value!r}") from None
    if minimum is not None and number < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum}, got {number}")
    return number


def env_list(name: str, default: list[str] | None = None) -> list[str]:
    value = os.environ.get(name)
    if value is None or value == "":
        return list(default or [])
    return [item.strip() for item in value.split(",") if item.strip()]


_DAY = re.compile(r"(?:[0-9]{4}-)?[0-9]{2}-[0-9]{2}")


def env_days(name: str, default: list[str]) -> list[str]:
    """Days as "MM-DD" (every year) or "YYYY-MM-DD" (that year only), comma-separated."""
    days = env_list(name, default)
    for day in days:
        try:
            if not _DAY.fullmatch(day):
                raise ValueError
            datetime.date.fromisoformat(day if len(day) == 10 else f"2000-{day}")  # 2000: a leap year
        except ValueError:
            raise ImproperlyConfigured(f"{name}: {day!r} is not MM-DD or YYYY-MM-DD") from None
    return days


def database_from_url(url: str, *, base_dir) -> dict:
    """Turn postgres://user:pass@host:port/name or sqlite:///path into a DATABASES entry."""
    parsed = urlparse(url)
    if parsed.scheme == "sqlite":
        path = unquote(parsed.path)
        if path.startswith("//"):
            name = path[1:]  # sqlite:////absolute/path
        else:
            name = str(base_dir / path.lstrip("/"))
        return {"ENGINE": "django.db.backends.sqlite3", "NAME": name, "OPTIONS": {"timeout": 20}}
    if parsed.scheme in {"postgres", "postgresql"}:
        if not parsed.path.strip("/"):
            raise ImproperlyConfigured(f"DATABASE_URL has no database name: {url!r}")
        return {
            "ENGINE": "config.postgresql",
            "NAME": unquote(parsed.path.lstrip("/")),
            "USER": unquote(parsed.username or ""),
            "PASSWORD": unquote(parsed.password or ""),
            "HOST": parsed.hostname or "",
            "PORT": str(parsed.port or ""),
            "CONN_MAX_AGE": 60,
        }
    raise ImproperlyConfigured(f"DATABASE_URL must start with postgres:// or sqlite:///, got {url!r}")


def audit_keys_from(value: str | None, *, secret_key: str) -> list[tuple[str, str]]:
    """`id:secret,id:secret` → [(id, secret), …]; unset, one key derived from SECRET_KEY."""
    if not value:
        derived = hmac.new(secret_key.encode(), b"kiemdiem audit chain", hashlib.sha256).hexdigest()
        return [("s1", derived)]
    keys = []
    for item in value.split(","):
        key_id, _, secret = item.strip().partition(":")
        if not re.fullmatch(r"[A-Za-z0-9_-]{1,16}", key_id) or len(secret) < 32:
            raise ImproperlyConfigured(
                "AUDIT_KEYS must be id:secret pairs separated by commas, each id 1-16 letters, digits,"
                " - or _, each secret at least 32 characters"
            )
        keys.append((key_id, secret))
    if len({key_id for key_id, _ in keys}) != len(keys):
        raise ImproperlyConfigured("AUDIT_KEYS names the same key id twice")
    return keys
