"""A small fixed-window rate limit on the cache (Redis in production), for public pages.

When the cache cannot be reached, the limit falls back to a count kept in this process, and the
cache is tried again after CACHE_RETRY_SECONDS (a page does not wait on a Redis that is down
request after request). Not failing open: a public page that accepts any code must keep some
limit on guessing; a per-process count keeps the same limit per web process (at most the number
of processes times the limit overall), with no shared state. Each fallback is logged (at most
once per CACHE_RETRY_SECONDS).
"""

import logging
import threading
import time

from django.core.cache import cache
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)
CACHE_RETRY_SECONDS = 10


class _LocalCounts:
    """Counts per key of the current window, in this process."""

    def __init__(self):
        self.lock = threading.Lock()
        self.counts: dict[str, int] = {}
        self.window = -1
        self.cache_down_until = 0.0

    def hit(self, key: str, window: int) -> int:
        with self.lock:
            if window != self.window:
                self.counts, self.window = {}, window
            self.counts[key] = self.counts.get(key, 0) + 1
            return self.counts[key]


_local = _LocalCounts()


def client_ip(request) -> str:
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def allow(request, scope: str, *, limit: int, seconds: int = 60) -> bool:
    """True while this client has made at most `limit` requests to `scope` in the current window."""
    window = int(time.time() // seconds)
    key = f"ratelimit:{scope}:{client_ip(request)}:{window}"
    if time.monotonic() >= _local.cache_down_until:
        try:
            return _count_on_cache(key, seconds) <= limit
        except (RedisError, OSError) as error:
            logger.warning(
                "rate limit counted in this process for %ss: the cache is unavailable (%s)",
                CACHE_RETRY_SECONDS,
                error,
            )
            _local.cache_down_until = time.monotonic() + CACHE_RETRY_SECONDS
    return _local.hit(key, window) <= limit


def _count_on_cache(key: str, seconds: int) -> int:
    if cache.add(key, 1, timeout=seconds + 5):
        return 1
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout=seconds + 5)
        return 1
