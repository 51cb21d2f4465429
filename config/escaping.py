"""`escape` for the rows pages join in Python (the queue, the cell board): the characters Django's
`escape` escapes, escaped the same way (`html.escape`, quotes included), without its check of
every argument for a lazy translation, which a page of fifty rows paid a thousand times. A lazy
translation is made a string first, so a label kept for the page is translated once."""

from html import escape as _escape


def escape(value) -> str:
    return _escape(str(value))
