"""The signed-in user's roles today, read with the user (accounts/backends.py) on PostgreSQL: one
query fewer on every page that asks for them, which is nearly every page (the navigation, the
scope, the season pages' access).

The user's read brings them as JSON: each role active on the request's day, with its
organization's row and, for each open season, the path of that organization's unit in it (null
where it has none), as reviews/access.py reads them for a season (`_roles_in_season`). They are
built into `Role` objects the first time the request asks (organizations/access.py,
`todays_roles`), from what was committed when the request began, as the separate read was.
SQLite (the embedded default) reads them as before.
"""

import json
from functools import partial

from django.contrib.auth import get_user_model
from django.db import DEFAULT_DB_ALIAS
from django.db.models import Model, TextField
from django.db.models.expressions import RawSQL

from organizations.models import Organization, Role


def season_path_attribute(season_id: int) -> str:
    """The attribute of a role that holds its organization's path in a season (None: no unit)."""
    return f"season_{season_id}_path"


# PostgreSQL only; the two parameters are the day. Ordered as a user's roles are (starts_on), the
# id breaking ties.
_ROLES_SQL = """COALESCE((
    SELECT json_agg(json_build_object(
        'role', to_jsonb(r),
        'organization', to_jsonb(o),
        'paths', (
            SELECT json_object_agg(s.id, u.path)
            FROM reviews_season s
            LEFT JOIN reviews_seasonunit u ON u.season_id = s.id AND u.organization_id = r.organization_id
            WHERE s.status = 'open'
        )
    ) ORDER BY r.starts_on, r.id)
    FROM organizations_role r
    JOIN organizations_organization o ON o.id = r.organization_id
    WHERE r.user_id = "{users}"."id" AND r.starts_on <= %s AND (r.ends_on IS NULL OR r.ends_on >= %s)
), '[]')::text"""


def roles_annotation(day) -> RawSQL:
    """The annotation of the user's read that brings their roles active on `day`."""
    sql = _ROLES_SQL.replace("{users}", get_user_model()._meta.db_table)
    return RawSQL(sql, (day, day), TextField())


def _instance(model: type[Model], row: dict) -> Model:
    """A model instance from its row as `to_jsonb` wrote it (columns to Python values as a field
    converts what it is given)."""
    fields = model._meta.concrete_fields
    return model.from_db(
        DEFAULT_DB_ALIAS, [f.attname for f in fields], [f.to_python(row[f.column]) for f in fields]
    )


def _roles(text: str) -> list[Role]:
    roles = []
    for item in json.loads(text):
        role = _instance(Role, item["role"])
        Role.organization.field.set_cached_value(role, _instance(Organization, item["organization"]))
        for season_id, path in (item["paths"] or {}).items():
            setattr(role, season_path_attribute(int(season_id)), path)
        roles.append(role)
    return roles


def give_roles(user, text: str | None) -> None:
    """Hand `todays_roles` the roles the user's read brought (None: it did not bring them)."""
    if text is not None:
        user._kd_roles_given = partial(_roles, text)
