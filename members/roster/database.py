"""What only the database can tell (unknown, foreign or dissolved cells, card numbers already
taken), and the insert of the members with their status and cell periods.
"""

import uuid
from collections import defaultdict
from typing import NamedTuple

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from members.bulk import analyze, bulk_insert
from members.models import CellPeriod, Member, Status, StatusPeriod
from members.roster.columns import _ADMITTED, _BIRTH, _CARD, _CELL, _OFFICIAL, FIELDS, RosterError
from organizations.access import Access, get_scope
from organizations.models import CELL_KINDS, Kind, Organization

INSERT_BATCH = 5000
CARD_LOOKUP_CHUNK = 5000


def _check_against_database(
    *, parsed, titles: dict, errors: list[RosterError], user
) -> dict[str, Organization]:
    """Add the errors only the database can tell; return the usable cells by code."""
    cell_title, card_title = titles["cell"], titles["card_number"]
    codes = {values[_CELL] for _number, values in parsed if values[_CELL]}
    cells, problems = _resolve_cells(codes=codes, user=user)
    rows_by_card = defaultdict(list)
    for number, values in parsed:
        if values[_CELL] in problems:
            errors.append(RosterError(row=number, column=cell_title, message=problems[values[_CELL]]))
        if values[_CARD]:
            rows_by_card[values[_CARD]].append(number)
    taken = _taken_cards(list(rows_by_card))
    scope = get_scope(user) if user is not None else None
    for card, numbers in rows_by_card.items():
        if card in taken:
            message = _taken_message(card, taken[card], scope=scope, user=user)
            errors.extend(RosterError(row=n, column=card_title, message=message) for n in numbers)
        elif len(numbers) > 1:
            message = _("The card number %(card)s appears more than once in the file: rows %(rows)s.") % {
                "card": card,
                "rows": ", ".join(str(n) for n in numbers),
            }
            errors.extend(RosterError(row=n, column=card_title, message=message) for n in numbers)
    return cells


def _resolve_cells(*, codes: set[str], user) -> tuple[dict[str, Organization], dict[str, str]]:
    found = {
        org.code: org
        for org in Organization.objects.filter(code__in=codes).only(
            "id", "code", "name", "kind", "path", "dissolved_on"
        )
    }
    scope = get_scope(user) if user is not None else None
    cells, problems = {}, {}
    for code in codes:
        org = found.get(code)
        # To a scoped user, an unknown code and someone else's cell read the same: the file must not
        # reveal which organizations exist outside the user's part of the tree.
        if scope is not None and (org is None or scope.level(org.path) < Access.MANAGE):
            problems[code] = _("%(code)s is not the code of a party cell you manage.") % {"code": code}
        elif org is None:
            problems[code] = _("There is no party organization with the code %(code)s.") % {"code": code}
        elif org.kind not in CELL_KINDS:
            problems[code] = _("%(code)s (%(name)s) is a %(kind)s, not a party cell.") % {
                "code": code,
                "name": org.name,
                "kind": Kind(org.kind).label,
            }
        elif org.dissolved_on:
            problems[code] = _("The cell %(code)s (%(name)s) was dissolved on %(date)s.") % {
                "code": code,
                "name": org.name,
                "date": org.dissolved_on.strftime("%d/%m/%Y"),
            }
        else:
            cells[code] = org
    return cells, problems


class Holder(NamedTuple):
    """The member already recorded with a card number, and their cell."""

    name: str
    user_id: int | None
    cell_path: str
    cell_code: str
    cell_name: str


def _taken_message(card: str, holder: Holder, *, scope, user) -> str:
    """Why a card number already recorded is refused (a card number is unique nationally). To a
    user who may see its holder (organizations/access.py: their part of the tree, or their own
    record; everyone on the command line), who holds it and where; to anyone else, nothing of the
    holder — not the name, not the organization — only that another organization records it and
    who must check it, as for a cell code outside the user's part of the tree."""
    own = holder.user_id is not None and holder.user_id == getattr(user, "pk", None)
    if scope is None or own or scope.level(holder.cell_path) >= Access.VIEW:
        return _(
            "The card number %(card)s is already recorded for %(name)s, of %(cell)s (%(code)s). If this "
            "is the same person, remove the row from the file; if not, check the card number."
        ) % {"card": card, "name": holder.name, "cell": holder.cell_name, "code": holder.cell_code}
    return _(
        "The card number %(card)s is already recorded in another party organization. The provincial "
        "organization board must check this card number before the row can be imported."
    ) % {"card": card}


def _taken_cards(cards: list[str]) -> dict[str, Holder]:
    """The card numbers of `cards` already recorded, each with its holder (read with it: a file
    of taken cards asks nothing more)."""
    if connection.vendor == "postgresql":
        # One array parameter: 5,000 placeholders per query cost a second of Python per 100,000 cards.
        quote = connection.ops.quote_name
        field = Member._meta.get_field
        card, name, user_id, cell = (
            quote(field(f).column) for f in ("card_number", "full_name", "user", "cell")
        )
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT m.{card}, m.{name}, m.{user_id}, o.path, o.code, o.name "
                f"FROM {quote(Member._meta.db_table)} m "
                f"JOIN {quote(Organization._meta.db_table)} o ON o.id = m.{cell} "
                f"WHERE m.{card} = ANY(%s)",
                [cards],
            )
            return {row[0]: Holder(*row[1:]) for row in cursor.fetchall()}
    taken = {}
    for start in range(0, len(cards), CARD_LOOKUP_CHUNK):
        chunk = cards[start : start + CARD_LOOKUP_CHUNK]
        rows = Member.objects.filter(card_number__in=chunk).values_list(
            "card_number", "full_name", "user_id", "cell__path", "cell__code", "cell__name"
        )
        taken.update((row[0], Holder(*row[1:])) for row in rows)
    return taken


# Writing ------------------------------------------------------------------------------------


# The columns of a member row as _insert_members builds it, and the parsed fields it reads.
_MEMBER_FIELDS = [
    "uid", "family_name", "middle_name", "given_name", "full_name", "sort_key", "search_text", "gender",
    "birth_date", "card_number", "admitted_on", "official_on", "cell_id", "status", "civil_service_post",
    "party_post", "workplace", "is_leader", "is_civil_servant", "created_at",
]  # fmt: skip
_FAMILY, _MIDDLE, _GIVEN, _GENDER = (
    FIELDS.index(f) for f in ("family_name", "middle_name", "given_name", "gender")
)
_PARTY_POST, _CIVIL_POST, _WORKPLACE, _LEADER, _CIVIL_SERVANT = (
    FIELDS.index(f)
    for f in ("party_post", "civil_service_post", "workplace", "is_leader", "is_civil_servant")
)


@transaction.atomic
def _insert_members(*, parsed, cells: dict[str, Organization], user) -> None:
    """The members, then each one's status period (active) and cell period, both from the admission
    date: three bulk inserts per batch, COPY on PostgreSQL (members/bulk.py).

    PostgreSQL checks the 400,000 foreign keys at COMMIT. Checking them statement by statement
    instead (SET CONSTRAINTS ALL IMMEDIATE, as reviews/scope/members.py does) measured no faster here."""
    recorded_by_id = user.pk if user is not None and user.is_authenticated else None
    derive = _derived_names()
    now = timezone.now()
    active = Status.ACTIVE.value
    for start in range(0, len(parsed), INSERT_BATCH):
        members, starts = [], []
        for _number, values in parsed[start : start + INSERT_BATCH]:
            family, middle, given, card = values[_FAMILY], values[_MIDDLE], values[_GIVEN], values[_CARD]
            full_name, sort_key, search_prefix = derive(family, middle, given)
            cell_id, admitted = cells[values[_CELL]].pk, values[_ADMITTED]
            members.append(
                (
                    uuid.uuid4(),  # per row: bulk_insert computes a column's default only once
                    family,
                    middle,
                    given,
                    full_name,
                    sort_key,
                    (search_prefix + card)[:255],
                    values[_GENDER],
                    values[_BIRTH],
                    card,
                    admitted,
                    values[_OFFICIAL],
                    cell_id,
                    active,
                    values[_CIVIL_POST],
                    values[_PARTY_POST],
                    values[_WORKPLACE],
                    values[_LEADER],
                    values[_CIVIL_SERVANT],
                    now,
                )
            )
            starts.append((cell_id, admitted))
        member_ids = bulk_insert(Member, _MEMBER_FIELDS, members, ids=True)
        bulk_insert(
            StatusPeriod,
            ["member_id", "status", "starts_on", "note", "recorded_by_id"],
            [
                (pk, active, admitted, "", recorded_by_id)
                for pk, (_cell, admitted) in zip(member_ids, starts, strict=True)
            ],
        )
        bulk_insert(
            CellPeriod,
            ["member_id", "cell_id", "starts_on"],
            [(pk, cell_id, admitted) for pk, (cell_id, admitted) in zip(member_ids, starts, strict=True)],
        )
        analyze(Member, StatusPeriod, CellPeriod)


def _derived_names():
    """A function (family, middle, given) → (full name, sort key, search text without the card).

    bulk inserts skip Member.save(), so the computed columns come from Member.fill_derived_fields
    here, once per distinct name: names repeat a lot.
    """
    scratch = Member(card_number="")
    known = {}

    def derive(family: str, middle: str, given: str) -> tuple[str, str, str]:
        key = (family, middle, given)
        try:
            return known[key]
        except KeyError:
            scratch.family_name, scratch.middle_name, scratch.given_name = key
            scratch.fill_derived_fields()
            result = known[key] = (scratch.full_name, scratch.sort_key, scratch.search_text)
            return result

    return derive
