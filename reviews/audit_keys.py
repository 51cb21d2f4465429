"""The keys that seal the audit chain (R-REC-4), kept outside the database.

Each event's hash is an HMAC-SHA256 of its canonical text under a key named by the event
(`Event.key_id`). Someone who can write to the database but does not hold the key cannot
recompute the hashes after an edit, so `verify_audit` finds it. The keys come from the
environment (`AUDIT_KEYS`, see config/settings.py): the first signs new events, the others only
verify the events they sealed, which is how a key is rotated (docs/operations.md).
"""

import hashlib
import hmac

from django.conf import settings

# The hash's name for events written before the chain was keyed; no server accepts it.
UNSEALED = ""


def current_key_id() -> str:
    return settings.AUDIT_KEYS[0][0]


def _key(key_id: str) -> bytes | None:
    for name, secret in settings.AUDIT_KEYS:
        if name == key_id and key_id != UNSEALED:
            return secret.encode()
    return None


def holds_key(key_id: str) -> bool:
    return _key(key_id) is not None


def seal(key_id: str, text: str) -> str:
    """The HMAC of `text` under the named key; KeyError when this server does not hold it."""
    key = _key(key_id)
    if key is None:
        raise KeyError(key_id)
    return hmac.new(key, text.encode(), hashlib.sha256).hexdigest()


def same(a: str, b: str) -> bool:
    return hmac.compare_digest(a.encode(), b.encode())
