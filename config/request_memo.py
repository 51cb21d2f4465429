"""What one request reads more than once, read once: a dictionary that lives for one request.

`RequestMemoMiddleware` opens it; `remembered(key, compute)` returns the value computed the first
time in this request, and computes every time outside a request (tasks, commands, tests that call
functions directly), so nothing outlives the request that read it.
"""

from collections.abc import Callable
from contextvars import ContextVar
from typing import TypeVar

T = TypeVar("T")
_memo: ContextVar[dict | None] = ContextVar("kd_request_memo", default=None)


def in_request() -> bool:
    return _memo.get() is not None


def remembered(key: str, compute: Callable[[], T]) -> T:
    memo = _memo.get()
    if memo is None:
        return compute()
    if key not in memo:
        memo[key] = compute()
    return memo[key]


def note(key: str, value) -> None:
    """Keep `value` under `key` for the rest of this request (nothing outside a request)."""
    memo = _memo.get()
    if memo is not None:
        memo[key] = value


def noted(key: str):
    """What `note` kept under `key` in this request; None when nothing was."""
    memo = _memo.get()
    return None if memo is None else memo.get(key)


def forget(key: str) -> None:
    """After a write that changes what `key` holds (a season opened or closed in this request)."""
    memo = _memo.get()
    if memo is not None:
        memo.pop(key, None)


class RequestMemoMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _memo.set({})
        try:
            return self.get_response(request)
        finally:
            _memo.reset(token)
