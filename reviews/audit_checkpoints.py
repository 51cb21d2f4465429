"""Checkpoints of every season's chain head, kept outside the database (R-REC-4).

The keyed hashes stop an edit from being hidden, but not a chain cut short: someone who deletes
the last events and sets the chain head back leaves a chain that verifies. So every day (Celery
beat, or `manage.py audit_checkpoint`) the head of each chain is written to a file in
AUDIT_CHECKPOINT_DIR, one sealed JSON line per season; operations copy these files off the
machine. `verify_audit` then requires each checkpointed event to be still there, with the hash
the checkpoint saw.
"""

import json
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from reviews import audit_keys
from reviews.models import AuditChain, Event


@dataclass(frozen=True)
class Checkpoint:
    source: str  # file name and line, for the report
    season_id: int
    seq: int
    hash: str


def _text(fields: dict) -> str:
    return json.dumps(fields, sort_keys=True, separators=(",", ":"))


def write_checkpoint(directory: Path | None = None) -> Path:
    """Write the head of every chain that has events to a new file; returns its path."""
    directory = Path(directory or settings.AUDIT_CHECKPOINT_DIR)
    directory.mkdir(parents=True, exist_ok=True)
    now = timezone.now()
    key_id = audit_keys.current_key_id()
    lines = []
    for season_id, seq, head in (
        AuditChain.objects.filter(last_seq__gt=0)
        .order_by("season_id")
        .values_list("season_id", "last_seq", "last_hash")
    ):
        fields = {"season": season_id, "seq": seq, "hash": head, "at": now.isoformat(), "key": key_id}
        lines.append(_text({**fields, "seal": audit_keys.seal(key_id, _text(fields))}))
    path = directory / f"{now:%Y%m%dT%H%M%S%f}.jsonl"
    path.write_text("".join(f"{line}\n" for line in lines), encoding="utf-8")
    return path


def read_checkpoints(directory: Path | None = None) -> tuple[dict[int, list[Checkpoint]], list[str]]:
    """The checkpoints by season, and the lines that are not sealed by a key this server holds."""
    directory = Path(directory or settings.AUDIT_CHECKPOINT_DIR)
    by_season: dict[int, list[Checkpoint]] = {}
    forged: list[str] = []
    for path in sorted(directory.glob("*.jsonl")) if directory.is_dir() else []:
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            source = f"{path.name}:{number}"
            try:
                fields = json.loads(line)
                seal = fields.pop("seal")
                genuine = audit_keys.holds_key(fields["key"]) and audit_keys.same(
                    audit_keys.seal(fields["key"], _text(fields)), seal
                )
                point = Checkpoint(source, int(fields["season"]), int(fields["seq"]), str(fields["hash"]))
            except (ValueError, KeyError, TypeError, AttributeError):
                genuine = False
            if not genuine:
                forged.append(source)
                continue
            by_season.setdefault(point.season_id, []).append(point)
    return by_season, forged


def checkpoint_break(season_id: int, checkpoints: list[Checkpoint]) -> tuple[Checkpoint, str] | None:
    """The first checkpoint of the season whose event is gone or has another hash now."""
    wanted = {point.seq for point in checkpoints}
    now = dict(Event.objects.filter(season_id=season_id, seq__in=wanted).values_list("seq", "hash"))
    for point in sorted(checkpoints, key=lambda p: p.seq):
        if point.seq not in now:
            return point, f"event #{point.seq}, in checkpoint {point.source}, is missing"
        if now[point.seq] != point.hash:
            return point, f"event #{point.seq} no longer has the hash checkpoint {point.source} recorded"
    return None
