"""Events get the key that seals them (R-REC-4). The events written before were hashed with plain
SHA-256: each season whose plain chain still verifies is sealed again under the current key; a
season whose plain chain is already broken is left as it is, so that `verify_audit` reports it
instead of the sealing hiding the break."""

import hashlib
import json

from django.db import migrations, models

GENESIS = "0" * 64


def _payload(event, *, key_id=None) -> str:
    # The canonical text of reviews.models.audit.Event.payload, frozen as it was at this migration.
    fields = {
        "season": event.season_id,
        "seq": event.seq,
        "subject": event.subject_id,
        "actor": event.actor_id,
        "at": event.at.isoformat(),
        "action": event.action,
        "from": event.from_state,
        "to": event.to_state,
        "reason": event.reason,
        "rule_set": event.rule_set_code,
        "data": event.data,
        "prev": event.prev_hash,
    }
    if key_id is not None:
        fields["key"] = key_id
    return json.dumps(fields, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def _plain_chain_holds(events, chain) -> bool:
    prev = GENESIS
    for number, event in enumerate(events, start=1):
        if event.seq != number or event.prev_hash != prev:
            return False
        if hashlib.sha256(_payload(event).encode()).hexdigest() != event.hash:
            return False
        prev = event.hash
    return chain is None or (chain.last_seq == len(events) and chain.last_hash == prev)


def seal_existing_chains(apps, schema_editor):
    from reviews import audit_keys

    Event = apps.get_model("reviews", "Event")
    AuditChain = apps.get_model("reviews", "AuditChain")
    key_id = audit_keys.current_key_id()
    for season_id in Event.objects.values_list("season_id", flat=True).distinct():
        events = list(Event.objects.filter(season_id=season_id, key_id="").order_by("seq"))
        chain = AuditChain.objects.filter(season_id=season_id).first()
        if not events or not _plain_chain_holds(events, chain):
            continue
        prev = GENESIS
        for event in events:
            event.prev_hash, event.key_id = prev, key_id
            event.hash = prev = audit_keys.seal(key_id, _payload(event, key_id=key_id))
        Event.objects.bulk_update(events, ["prev_hash", "key_id", "hash"], batch_size=2000)
        if chain is not None:
            chain.last_hash = prev
            chain.save(update_fields=["last_hash"])


class Migration(migrations.Migration):
    dependencies = [
        ("reviews", "0014_merge_figures_links_meeting_length"),
    ]

    operations = [
        migrations.AddField(
            model_name="event",
            name="key_id",
            field=models.CharField(blank=True, default="", max_length=16, verbose_name="sealing key"),
        ),
        migrations.RunPython(seal_existing_chains, migrations.RunPython.noop),
    ]
