"""A page of a list and its total in one query."""

from collections.abc import Callable

from django.core.paginator import Page, Paginator
from django.db.models import Count, QuerySet, Window

from config.row_ids import row_id


def counted_rows(rows: QuerySet, number: int, per_page: int) -> QuerySet:
    """The rows of page `number`, each with the total (`total_rows`, a window count)."""
    return rows.annotate(total_rows=Window(Count("pk")))[(number - 1) * per_page : number * per_page]


def counted_page(rows: QuerySet, number: str | None, per_page: int) -> tuple[Page, list]:
    """The page `number` of `rows` and the rows on it, read with the total in one query (a window
    count); past the last page, the first (one query more, only then). The Page counts a range, so
    that the template's pagination reads no query of its own. The window has PostgreSQL compute
    every row's annotations, not only the page's; at the 500,000-member province that still beat
    a count and a page (the equivalent positions of 10,217 secretaries: 195 against 248 ms)."""
    return page_of_reads(lambda n: list(counted_rows(rows, n, per_page)), number, per_page)


def page_of_reads(read: Callable[[int], list], number: str | None, per_page: int) -> tuple[Page, list]:
    """counted_page with the rows of a page read by `read(number)` (rows with `total_rows`)."""
    number = row_id(number) or 1
    shown = read(number)
    if not shown and number > 1:
        number, shown = 1, read(1)
    paginator = Paginator(range(shown[0].total_rows if shown else 0), per_page)
    return paginator.get_page(number), shown
