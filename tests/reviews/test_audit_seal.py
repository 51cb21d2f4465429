"""Issue 13, row 5 (R-REC-4): the audit chain is sealed with a key that is not in the database, and
the chain heads are checkpointed outside it, so an edit hidden by recomputing every later hash, a
chain cut short, or a downgrade to unkeyed hashes is found by `verify_audit`."""

import hashlib
import importlib
import json

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import override_settings

from reviews.audit import append_event, verify_chain
from reviews.audit_checkpoints import write_checkpoint
from reviews.models import AuditChain, Event
from tests.reviews.test_records import run_cell1

pytestmark = pytest.mark.django_db
OLD_KEY = ("k1", "first-audit-key-held-outside-the-database")
NEW_KEY = ("k2", "second-audit-key-after-the-rotation-of-k1")


@pytest.fixture(autouse=True)
def _sealed_with_the_old_key(settings):
    """Autouse, so the season is built under this key too."""
    settings.AUDIT_KEYS = [OLD_KEY]


def _rewrite_from(victim, *, digest):
    """What an attacker with write access to the database does: edit one event, then recompute
    every later link and hash, and the chain head, with the hash function they can run."""
    events = list(Event.objects.filter(season=victim.season, seq__gte=victim.seq).order_by("seq"))
    events[0].data = {"level": "HTXSNV"}
    prev = events[0].prev_hash
    for event in events:
        event.prev_hash = prev
        event.hash = prev = digest(event)
    Event.objects.bulk_update(events, ["data", "prev_hash", "hash", "key_id"])
    AuditChain.objects.filter(season=victim.season).update(last_hash=prev)


def _victim(w):
    return Event.objects.filter(season=w.season, action="decide").order_by("seq")[1]


def test_r_rec_4_an_edit_with_every_later_hash_recomputed_without_the_key_is_found(world, capsys):
    run_cell1(world)
    victim = _victim(world)
    guessed_key = ("k1", "a-key-the-attacker-guessed-not-the-real-one")

    def forged(event):
        with override_settings(AUDIT_KEYS=[guessed_key]):
            return event.compute_hash()

    _rewrite_from(victim, digest=forged)
    broken = verify_chain(world.season)
    assert (broken.seq, broken.event_id) == (victim.seq, victim.pk)
    assert broken.problem == "its content does not match its hash"
    with pytest.raises(CommandError):
        call_command("verify_audit", season=world.season.pk, checkpoints="/nonexistent")
    assert f"#{victim.seq} (id {victim.pk})" in capsys.readouterr().out


def test_r_rec_4_a_rewrite_with_plain_sha256_hashes_is_found_as_unsealed(world):
    """The chain before it was keyed used plain SHA-256: rewriting with it (a downgrade) is refused."""
    run_cell1(world)
    victim = _victim(world)

    def plain(event):
        event.key_id = ""
        return hashlib.sha256(event.payload().encode()).hexdigest()

    _rewrite_from(victim, digest=plain)
    broken = verify_chain(world.season)
    assert (broken.seq, broken.problem) == (victim.seq, "it is not sealed with a key")


def test_r_rec_4_the_same_rewrite_with_the_real_key_would_pass_so_the_key_is_what_protects(world):
    """The control of the tests above: the key, not something else, is what exposes the rewrite."""
    run_cell1(world)
    _rewrite_from(_victim(world), digest=lambda event: event.compute_hash())
    assert verify_chain(world.season) is None


def test_r_rec_4_a_rotated_key_keeps_old_events_verifiable_and_new_ones_use_the_new_key(world):
    run_cell1(world)
    first = Event.objects.filter(season=world.season).count()
    with override_settings(AUDIT_KEYS=[NEW_KEY, OLD_KEY]):
        append_event(season=world.season, subject=None, actor=world.base_staff, action="note")
        keys = list(
            Event.objects.filter(season=world.season).order_by("seq").values_list("key_id", flat=True)
        )
        assert keys == ["k1"] * first + ["k2"]
        assert verify_chain(world.season) is None
    with override_settings(AUDIT_KEYS=[NEW_KEY]):  # the old key withdrawn too early
        broken = verify_chain(world.season)
        assert broken.seq == 1 and "'k1'" in broken.problem


def test_r_rec_4_a_chain_cut_short_after_a_checkpoint_is_found(world, tmp_path, capsys):
    run_cell1(world)
    write_checkpoint(tmp_path)
    call_command("verify_audit", season=world.season.pk, checkpoints=str(tmp_path))
    assert "OK" in capsys.readouterr().out
    chain = AuditChain.objects.get(season=world.season)
    last_two = Event.objects.filter(season=world.season, seq__gt=chain.last_seq - 2)
    kept = Event.objects.get(season=world.season, seq=chain.last_seq - 2)
    with connection.cursor() as cursor:  # delete the last events and set the head back
        cursor.execute("DELETE FROM reviews_event WHERE id = ANY(%s)", [[e.pk for e in last_two]])
    AuditChain.objects.filter(pk=chain.pk).update(last_seq=kept.seq, last_hash=kept.hash)
    assert verify_chain(world.season) is None  # the chain alone cannot tell
    with pytest.raises(CommandError):
        call_command("verify_audit", season=world.season.pk, checkpoints=str(tmp_path))
    assert f"event #{chain.last_seq}, in checkpoint" in capsys.readouterr().out


def test_r_rec_4_a_checkpoint_file_edited_by_hand_is_reported(world, tmp_path, capsys):
    run_cell1(world)
    path = write_checkpoint(tmp_path)
    line = json.loads(path.read_text().splitlines()[0])
    line["seq"] -= 3  # to make a later truncation look checkpointed
    path.write_text(json.dumps(line) + "\n")
    with pytest.raises(CommandError):
        call_command("verify_audit", season=world.season.pk, checkpoints=str(tmp_path))
    assert f"BROKEN checkpoint {path.name}:1" in capsys.readouterr().out


def _unkeyed(season, migration):
    """Rewrite the season's chain as it was written before it was keyed (plain SHA-256)."""
    events = list(Event.objects.filter(season=season).order_by("seq"))
    prev = "0" * 64
    for event in events:
        event.prev_hash, event.key_id = prev, ""
        event.hash = prev = hashlib.sha256(migration._payload(event).encode()).hexdigest()
    Event.objects.bulk_update(events, ["prev_hash", "key_id", "hash"])
    AuditChain.objects.filter(season=season).update(last_hash=prev)
    return events


def test_r_rec_4_the_migration_seals_an_intact_unkeyed_chain(world):
    from django.apps import apps

    run_cell1(world)
    migration = importlib.import_module("reviews.migrations.0015_event_sealing_key")
    _unkeyed(world.season, migration)
    assert verify_chain(world.season).problem == "it is not sealed with a key"
    migration.seal_existing_chains(apps, None)
    assert verify_chain(world.season) is None
    assert set(Event.objects.filter(season=world.season).values_list("key_id", flat=True)) == {"k1"}


def test_r_rec_4_the_migration_does_not_launder_an_unkeyed_chain_already_broken(world):
    from django.apps import apps

    run_cell1(world)
    migration = importlib.import_module("reviews.migrations.0015_event_sealing_key")
    events = _unkeyed(world.season, migration)
    Event.objects.filter(pk=events[3].pk).update(reason="sửa trái phép")
    migration.seal_existing_chains(apps, None)
    assert set(Event.objects.filter(season=world.season).values_list("key_id", flat=True)) == {""}
    assert verify_chain(world.season).problem == "it is not sealed with a key"


def test_r_rec_4_production_settings_without_an_audit_key_are_warned_about(settings):
    from reviews.checks import audit_keys_are_set

    settings.AUDIT_KEYS_FROM_SECRET_KEY = True
    assert [w.id for w in audit_keys_are_set(None)] == ["kiemdiem.W001"]
    settings.AUDIT_KEYS_FROM_SECRET_KEY = False
    assert audit_keys_are_set(None) == []
