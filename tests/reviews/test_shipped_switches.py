"""The shipped rule sets are loaded into the database once (reviews/defaults.py, by a data
migration): a switch added to a file later reaches only new databases unless a migration gives it
to the rule sets already stored (0026 for `deadline_records`, 0028 for the two below)."""

import importlib

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
