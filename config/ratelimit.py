"""A small fixed-window rate limit on the cache (Redis in production), for public pages."""

import time

from django.core.cache import cache


def client_ip(request) -> str:
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def allow(request, scope: str, *, limit: int, seconds: int = 60) -> bool:
    """True while this client has made at most `limit` requests to `scope` in the current window."""
    window = int(time.time() // seconds)
    key = f"ratelimit:{scope}:{client_ip(request)}:{window}"
    if cache.add(key, 1, timeout=seconds + 5):
        return True
    try:
        return cache.incr(key) <= limit
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout=seconds + 5)
        return True
