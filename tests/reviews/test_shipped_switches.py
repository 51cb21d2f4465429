"""The shipped rule sets are loaded into the database once (reviews/defaults.py, by a data
migration): a switch added to a file later, or any other change to it, reaches only new databases
unless a migration gives it to the rule sets already stored (0026 for `deadline_records`, 0028 for
two switches, 0029 for a KHTNV case the engine now finds itself)."""

import copy
import hashlib
import importlib
import json

import pytest
from django.apps import apps

from reviews.defaults import rule_set_data, shipped_rule_set
from reviews.models import RuleSet

pytestmark = pytest.mark.django_db

# The switches each shipped file has. A switch added to a file is added here only with a data
# migration that gives it to the stored rule sets (as 0028 does), or a stored database never sees it.
SHIPPED_SWITCHES = {
    "qd124-hd25-2023.json": {
        "circulation_working_days", "civil_service_link", "collective_discipline_khtnv_percent",
        "former_cell_months", "head_above_collective", "new_member_months", "new_organization_months",
        "prerequisite_collectives", "second_khtnv_flag", "sick_leave_days", "sick_leave_max_level",
    },
    "qd366-hd43-2025.json": {
        "circulation_working_days", "civil_service_link", "collective_discipline_khtnv_percent",
        "deadline_finish", "deadline_finish_other_year", "deadline_records", "draft_comments",
        "former_cell_months", "head_above_collective", "meeting_min_days", "meeting_min_days_province",
        "new_member_months", "new_organization_months", "prerequisite_collectives", "residence_comment",
        "second_khtnv_flag", "sick_leave_days", "sick_leave_max_level", "small_leadership_below",
    },
}  # fmt: skip


# Each shipped file as the stored rule sets have it (its JSON with sorted keys, hashed). A file
# changed in any way is recorded here only with a data migration that gives the change to the rule
# sets already stored, or with a note in docs/decisions.md saying why they need not have it.
SHIPPED_FINGERPRINTS = {
    "qd124-hd25-2023.json": "423e5de6f9cb65c3",
    "qd366-hd43-2025.json": "f8d7e1fcfffd6bf3",
}


@pytest.mark.parametrize("name", sorted(SHIPPED_FINGERPRINTS))
def test_a_change_to_a_shipped_rule_set_comes_with_its_migration(name):
    canonical = json.dumps(rule_set_data(name), sort_keys=True, ensure_ascii=False).encode()
    assert hashlib.sha256(canonical).hexdigest()[:16] == SHIPPED_FINGERPRINTS[name], (
        "a shipped rule set changed: the databases that loaded it before do not get the change; give "
        "it to the stored rule sets with a data migration (see reviews/migrations/0029_rule_set_units"
        "_led_case_computed.py), then record the new fingerprint here"
    )


@pytest.mark.parametrize("name", sorted(SHIPPED_SWITCHES))
def test_a_switch_added_to_a_shipped_rule_set_comes_with_its_migration(name):
    assert set(rule_set_data(name)["switches"]) == SHIPPED_SWITCHES[name], (
        "a switch was added to or removed from a shipped rule set: give the stored rule sets the "
        "change with a data migration (see reviews/migrations/0028_rule_set_switches_added_later.py), "
        "then record it here"
    )


def test_r366_order_5_and_scope_5_switches_reach_a_rule_set_stored_before_them():
    """A QĐ 366 rule set stored before `draft_comments` (R366-ORDER-5) and `small_leadership_below`
    (R366-SCOPE-5) gets the shipped values; a value of its own is kept; QĐ 124 gets nothing."""
    migration = importlib.import_module("reviews.migrations.0028_rule_set_switches_added_later")
    stored = shipped_rule_set("qd366-hd43-2025")
    stored.switches = {
        k: v for k, v in stored.switches.items() if k not in ("draft_comments", "small_leadership_below")
    }
    stored.save()
    own = shipped_rule_set("qd366-hd43-2025")
    own.pk, own.code, own.is_default, own.frozen_at = None, "tinh-366-rieng", False, None
    own.first_year = own.last_year = None
    own.switches = {**stored.switches, "small_leadership_below": 5}
    own.save()
    migration.add_switches(apps, None)
    assert RuleSet.objects.get(pk=stored.pk).switches["draft_comments"] == "warn"
    assert RuleSet.objects.get(pk=stored.pk).switches["small_leadership_below"] == 3
    assert RuleSet.objects.get(pk=own.pk).switches["small_leadership_below"] == 5
    assert "draft_comments" not in shipped_rule_set("qd124-hd25-2023").switches


def test_r366_rate_5_the_units_led_case_is_computed_in_a_rule_set_stored_before_it():
    """R366-RATE-5: a QĐ 366 rule set stored when "more than 50 % of the units led rated KHTNV" was
    still ticked by hand gets the computed case (both leader profiles), a province's copy too, and
    a rule set frozen by the season it opened (the season being run when the migration comes)."""
    migration = importlib.import_module("reviews.migrations.0029_rule_set_units_led_case_computed")
    shipped = shipped_rule_set("qd366-hd43-2025")
    expected = copy.deepcopy(shipped.scoring)
    old_scoring = copy.deepcopy(shipped.scoring)
    stripped = [
        case
        for profile in old_scoring["profiles"].values()
        for case in profile.get("cases", [])
        if case["code"] == "units_led_khtnv"
    ]
    for case in stripped:  # as the file had it before the case was computed
        del case["auto"], case["percent"]
    assert len(stripped) == 2  # LĐ and LĐ-TW
    RuleSet.objects.filter(pk=shipped.pk).update(scoring=old_scoring)
    own = _copy_of(shipped, "tinh-366-truoc", scoring=old_scoring)
    frozen = _copy_of(shipped, "tinh-366-dong", scoring=old_scoring)
    RuleSet.objects.filter(pk=frozen.pk).update(frozen_at="2026-01-31T00:00:00Z")
    migration.add_rule(apps, None)
    assert RuleSet.objects.get(pk=shipped.pk).scoring == expected
    assert RuleSet.objects.get(pk=own.pk).scoring == expected
    assert RuleSet.objects.get(pk=frozen.pk).scoring == expected
    migration.add_rule(apps, None)  # run again: nothing more changes
    assert RuleSet.objects.get(pk=shipped.pk).scoring == expected


def _copy_of(rule_set: RuleSet, code: str, **fields) -> RuleSet:
    found = shipped_rule_set(rule_set.code)
    found.pk, found.code, found.is_default, found.frozen_at = None, code, False, None
    found.first_year = found.last_year = None
    for name, value in fields.items():
        setattr(found, name, value)
    found.save()
    return found
