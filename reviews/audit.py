"""The tamper-evident event log (R-REC-4).

Each season has one hash chain. `append_event` locks the chain head, so events of a season get
gap-free sequence numbers and each event's hash covers the previous one. The hash is an HMAC
under a key that is not in the database (reviews/audit_keys.py): an edit behind the
application's back cannot be hidden by recomputing the later hashes. `verify_chain` walks a
season's events in order and returns the first event whose stored hash, sequence, link or key
does not match what it recomputes; reviews/audit_checkpoints.py also finds a chain cut short
after a checkpoint was written.
"""

from dataclasses import dataclass

from reviews import audit_keys
from reviews.models import AuditChain, Event, Season, Subject
from reviews.models.audit import GENESIS


def append_event(
    *,
    season: Season,
    subject: Subject | None,
    actor,
    action: str,
    from_state: str = "",
    to_state: str = "",
    reason: str = "",
    data: dict | None = None,
) -> Event:
    """Must run inside the transaction of the change it records."""
    chain = AuditChain.objects.select_for_update().get(season=season)
    event = Event(
        season=season,
        seq=chain.last_seq + 1,
        subject=subject,
        actor=actor,
        action=action,
        from_state=from_state,
        to_state=to_state,
        reason=reason,
        rule_set_code=season.rule_set.code,
        data=data or {},
        prev_hash=chain.last_hash,
        key_id=audit_keys.current_key_id(),
    )
    event.hash = event.compute_hash()
    event.save()
    chain.last_seq, chain.last_hash = event.seq, event.hash
    chain.save(update_fields=["last_seq", "last_hash"])
    return event


@dataclass
class EventInput:
    subject: Subject | None
    action: str
    from_state: str = ""
    to_state: str = ""
    reason: str = ""
    data: dict | None = None


def append_events(*, season: Season, actor, events: list[EventInput]) -> list[Event]:
    """Append many events of one step (a batch decision) with one lock of the chain head, one
    insert and one update: each event still hashes the one before it, so verify_chain names any
    single altered event. Must run inside the transaction of the change it records."""
    if not events:
        return []
    chain = AuditChain.objects.select_for_update().get(season=season)
    seq, prev = chain.last_seq, chain.last_hash
    key_id = audit_keys.current_key_id()
    rows = []
    for item in events:
        seq += 1
        event = Event(
            season=season,
            seq=seq,
            subject=item.subject,
            actor=actor,
            action=item.action,
            from_state=item.from_state,
            to_state=item.to_state,
            reason=item.reason,
            rule_set_code=season.rule_set.code,
            data=item.data or {},
            prev_hash=prev,
            key_id=key_id,
        )
        event.hash = prev = event.compute_hash()
        rows.append(event)
    Event.objects.bulk_create(rows, batch_size=1000)
    chain.last_seq, chain.last_hash = seq, prev
    chain.save(update_fields=["last_seq", "last_hash"])
    return rows


@dataclass
class BrokenLink:
    season: Season
    seq: int
    event_id: int | None
    problem: str


def verify_chain(season: Season) -> BrokenLink | None:
    expected_prev, expected_seq = GENESIS, 1
    for event in Event.objects.filter(season=season).order_by("seq").iterator(chunk_size=2000):
        if event.seq != expected_seq:
            return BrokenLink(season, expected_seq, None, f"event #{expected_seq} is missing")
        if event.prev_hash != expected_prev:
            return BrokenLink(season, event.seq, event.pk, "its link to the previous event does not match")
        if not audit_keys.holds_key(event.key_id):
            return BrokenLink(season, event.seq, event.pk, _unsealed(event.key_id))
        if not audit_keys.same(event.compute_hash(), event.hash):
            return BrokenLink(season, event.seq, event.pk, "its content does not match its hash")
        expected_prev, expected_seq = event.hash, expected_seq + 1
    chain = AuditChain.objects.filter(season=season).first()
    if chain and (chain.last_seq != expected_seq - 1 or chain.last_hash != expected_prev):
        return BrokenLink(season, expected_seq, None, "events at the end of the chain are missing")
    return None


def _unsealed(key_id: str) -> str:
    if key_id == audit_keys.UNSEALED:
        return "it is not sealed with a key"
    return f"it is sealed with key {key_id!r}, which this server does not hold (AUDIT_KEYS)"
