"""Numbers for the cells of a long table (the dashboard's children: hundreds of rows of a dozen
cells), formatted as Django's filters format them, without their cost per cell."""

from decimal import Decimal

from django.utils.formats import get_format
from django.utils.numberformat import format as format_number


class CellFormat:
    """Numbers for a table of many rows, formatted as the `intcomma` and `floatformat` filters do in
    the active language, with the separators looked up once (the filters look them up per cell)."""

    def __init__(self):
        self.decimal, self.thousands = get_format("DECIMAL_SEPARATOR"), get_format("THOUSAND_SEPARATOR")
        self.grouping = get_format("NUMBER_GROUPING")
        self.separators = str.maketrans({",": self.thousands, ".": self.decimal})

    def __call__(self, value, decimals: int = 0) -> str:
        if type(value) is int and not decimals and self.grouping == 3:  # most cells: Django's own is slower
            return f"{value:,}".replace(",", self.thousands)
        if self.grouping == 3 and type(value) in (float, Decimal) and round(value, decimals) == value:
            # Already at that precision (ratio and the averages round): Django's cuts the digits
            # after `decimals` where Python rounds, which is the same for these.
            return f"{value:,.{decimals}f}".translate(self.separators)
        return format_number(
            value,
            self.decimal,
            decimal_pos=decimals,
            grouping=self.grouping,
            thousand_sep=self.thousands,
            force_grouping=True,
        )
