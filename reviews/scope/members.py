"""The members' subjects, inserted with one INSERT … SELECT from the roll at the reference date
(R-SCOPE-2, R-SCOPE-3), and the helpers that pass tuple parameters to raw SQL."""

from django.db import connection
from django.utils import timezone

from members.models import Status
from organizations.models import CELL_KINDS
from reviews.models import Season
from reviews.regimes import regime_of
from reviews.scope.units import months_before

MEMBER_INSERT = """
INSERT INTO reviews_subject (
    season_id, kind, unit_id, member_id, path, name, sort_key, decider_id, quota_key, form_code,
    profile, position, is_leader, is_civil_servant, out_of_scope, state, self_level,
    civil_service_level, proposed_level, decided_level, absent_reason, needs_former_cell_comment,
    needs_temporary_cell_comment, flags, scores, updated_at
)
SELECT
    %(season)s, 'member', u.id, m.id, u.path, m.full_name, m.sort_key, u.base_unit_id,
    CASE WHEN %(split_leaders)s AND m.is_leader THEN 'm:' || u.base_unit_id || ':lead'
         WHEN %(split_leaders)s THEN 'm:' || u.base_unit_id || ':other'
         ELSE 'm:' || u.base_unit_id END,
    {form_code}, {profile},
    2, m.is_leader, m.is_civil_servant,
    CASE WHEN sp.status = %(exempt)s THEN 'exempt'
         WHEN sp.status = %(suspended)s THEN 'suspended'
         WHEN m.admitted_on > %(new_member_before)s THEN 'new_member'
         ELSE '' END,
    CASE WHEN sp.status IN (%(exempt)s, %(suspended)s) OR m.admitted_on > %(new_member_before)s
         THEN 'excluded' ELSE 'draft' END,
    '', '', '', '', '', %(false)s,
    sp.status = %(temporary)s,
    '{{}}', '{{}}', %(now)s
FROM members_member m
JOIN members_cellperiod cp ON cp.member_id = m.id AND cp.starts_on <= %(day)s
    AND (cp.ends_on IS NULL OR cp.ends_on >= %(day)s)
JOIN members_statusperiod sp ON sp.member_id = m.id AND sp.starts_on <= %(day)s
    AND (sp.ends_on IS NULL OR sp.ends_on >= %(day)s)
JOIN reviews_seasonunit u ON u.season_id = %(season)s AND u.organization_id = cp.cell_id
WHERE sp.status IN %(on_roll)s AND u.kind IN %(cell_kinds)s AND u.base_unit_id IS NOT NULL
"""


def _member_subjects(season: Season) -> None:
    """R-SCOPE-2 / R366-SCOPE-1: exempt, suspended and newly admitted members are listed, not
    reviewed. R-SCOPE-3: probationary members of 6 months or more are reviewed like everyone else
    (kept under QĐ 366: R366-SCOPE-6). R366-SCOPE-4: a member is reviewed at the cell of their
    roll at the reference date, whatever seat they hold elsewhere; a temporarily registered member
    at their official cell (R366-SCOPE-6).
    The form (R-FORM-2 / R-FORM-3: 02A or 02B) and, under QĐ 366, the scoring profile (2A, 2B or
    2C by profile) come from the regime, changeable per member."""
    if connection.vendor == "postgresql":
        # Check foreign keys row by row instead of queueing half a million checks for COMMIT.
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    rules = season.rule_set
    params = {
        "season": season.pk,
        "day": season.reference_date,
        "now": timezone.now(),
        "false": False,
        "split_leaders": rules.quota.get("grouping") == "decider_leaders_apart",
        "exempt": Status.EXEMPT,
        "suspended": Status.SUSPENDED,
        "temporary": Status.TEMPORARY_ELSEWHERE,
        "new_member_before": months_before(season.reference_date, rules.switch("new_member_months")),
        "on_roll": (Status.ACTIVE, Status.EXEMPT, Status.SUSPENDED, Status.TEMPORARY_ELSEWHERE),
        "cell_kinds": tuple(CELL_KINDS),
    }
    regime = regime_of(rules)
    sql = MEMBER_INSERT.format(form_code=regime.member_form_sql(), profile=regime.member_profile_sql())
    with connection.cursor() as cursor:
        cursor.execute(_expand_tuples(sql, params), _flat_params(params))


def _expand_tuples(sql: str, params: dict) -> str:
    """Turn %(name)s of tuple parameters into (%(name_0)s, %(name_1)s, …) for both backends."""
    for name, value in params.items():
        if isinstance(value, tuple):
            sql = sql.replace(
                f"%({name})s", "(" + ", ".join(f"%({name}_{i})s" for i in range(len(value))) + ")"
            )
    return sql


def _flat_params(params: dict) -> dict:
    flat = {}
    for name, value in params.items():
        if isinstance(value, tuple):
            flat.update({f"{name}_{i}": item for i, item in enumerate(value)})
        else:
            flat[name] = value
    return flat
