"""One cell into its field's value (text, gender, date, card number, Có/Không), or the message
saying what is wrong with it.
"""

import datetime
import re
import unicodedata
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext as _
from openpyxl.worksheet.formula import ArrayFormula, DataTableFormula

from members.models import Gender, Member
from members.names import fold
from members.roster.columns import Column

_GENDERS = {"nam": Gender.MALE, "nu": Gender.FEMALE}
_FLAGS = {"co": True, "khong": False}
_DAY_FIRST = re.compile(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})")
_ISO_DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")


class _CellError(Exception):
    pass


@dataclass(frozen=True)
class _Invalid:
    message: str


def _column_parser(column: Column, today: datetime.date):
    """A function turning one cell of `column` into its value or an _Invalid.

    Most columns repeat a few values (dates, names, Nam/Nữ), so results are remembered: a
    100,000-row file is then checked mostly by dictionary lookups.
    """

    def parse(value):
        try:
            return _parse_cell(value, column, today)
        except _CellError as exc:
            return _Invalid(str(exc))

    if column.parse == "card":  # unique per row: nothing to remember
        pattern = re.compile(settings.MEMBER_CARD_PATTERN)

        def card(value):
            # Most cards are digits typed as text, which _parse_card would return unchanged.
            if value.__class__ is str and value.isdigit() and pattern.fullmatch(value):
                return value
            return parse(value)

        return card
    cache = {}

    def remembered(value):
        # Texts (most cells) are their own key; other values keep their type, so that 1, 1.0 and
        # True stay apart.
        key = value if value.__class__ is str else (value.__class__, value)
        try:
            return cache[key]
        except KeyError:
            result = cache[key] = parse(value)
            return result
        except TypeError:  # an unhashable cell value
            return parse(value)

    return remembered


def _parse_cell(value, column: Column, today: datetime.date):
    if isinstance(value, ArrayFormula | DataTableFormula) or (
        isinstance(value, str) and value.startswith("=")
    ):
        raise _CellError(_("This cell holds a formula; type the value itself."))
    kind = column.parse
    if kind == "date":
        parsed = _parse_date(value, today)
    elif kind == "card":
        parsed = _parse_card(value)
    elif kind == "flag":
        parsed = _parse_flag(value)
    else:
        parsed = _text(value)
        if kind == "gender" and parsed:
            parsed = _GENDERS.get(fold(parsed))
            if parsed is None:
                raise _CellError(_("Write the gender as Nam or Nữ."))
        elif kind == "text" and len(parsed) > _max_length(column.field):
            raise _CellError(
                _("This text is too long: at most %(max)d characters.") % {"max": _max_length(column.field)}
            )
    if column.required and parsed in ("", None):
        raise _CellError(_("This cell is empty; “%(title)s” is required.") % {"title": column.header})
    return parsed


def _max_length(field_name: str) -> int:
    return Member._meta.get_field(field_name).max_length


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    elif isinstance(value, datetime.datetime | datetime.date):
        value = value.strftime("%d/%m/%Y")
    return " ".join(unicodedata.normalize("NFC", str(value)).split())


def _parse_date(value, today: datetime.date) -> datetime.date | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, datetime.datetime):
        day = value.date()
    elif isinstance(value, datetime.date):
        day = value
    else:
        text = _text(value)
        day = _parse_date_text(text)
    shown = day.strftime("%d/%m/%Y")
    if day.year < 1900:
        raise _CellError(_("The date %(date)s is before 1900; check the year.") % {"date": shown})
    if day > today:
        raise _CellError(_("The date %(date)s is in the future.") % {"date": shown})
    return day


def _parse_date_text(text: str) -> datetime.date:
    if match := _DAY_FIRST.fullmatch(text):
        day, month, year = (int(part) for part in match.groups())
    elif match := _ISO_DATE.fullmatch(text):
        year, month, day = (int(part) for part in match.groups())
    else:
        raise _CellError(
            _("“%(value)s” is not a date; write dates as dd/mm/yyyy, for example 17/05/1980.")
            % {"value": text}
        )
    if not 1 <= month <= 12:
        raise _CellError(
            _("%(value)s is not a valid date: there is no month %(month)d. Write the day first (dd/mm/yyyy).")
            % {"value": text, "month": month}
        )
    try:
        return datetime.date(year, month, day)
    except ValueError:
        raise _CellError(
            _("%(value)s is not a valid date: that month has no day %(day)d.") % {"value": text, "day": day}
        ) from None


def _parse_card(value) -> str:
    from_number = isinstance(value, int | float) and not isinstance(value, bool)
    if isinstance(value, datetime.date | bool) or (isinstance(value, float) and not value.is_integer()):
        raise _CellError(_("This is not a party card number."))
    card = _text(value)
    if not card or re.fullmatch(settings.MEMBER_CARD_PATTERN, card):
        return card
    if not card.isdigit():
        raise _CellError(
            _("The party card number “%(value)s” contains letters or other characters; use digits only.")
            % {"value": card}
        )
    if from_number:
        raise _CellError(
            _(
                "The party card number %(value)s has the wrong number of digits. The cell is a number, "
                "which drops leading zeros: format the column as Text."
            )
            % {"value": card}
        )
    raise _CellError(_("The party card number %(value)s has the wrong number of digits.") % {"value": card})


def _parse_flag(value) -> bool:
    if isinstance(value, bool):
        return value
    text = _text(value)
    if not text:
        return False
    flag = _FLAGS.get(fold(text))
    if flag is None:
        raise _CellError(_("Write Có or Không."))
    return flag
