"""No typed text loses its first blank line: a browser drops a newline right after a textarea's
start tag (HTML, "textarea" element), so every textarea that shows a saved text writes one there.
Without it a member's answer that begins with an empty line comes back without it, and the next
autosave stores the text shortened."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
START = re.compile(r"<textarea\b[^>]*>")


def _sources():
    yield from sorted((ROOT / "templates").rglob("*.html"))
    for app in ("accounts", "config", "members", "organizations", "reports", "reviews"):
        yield from sorted((ROOT / app).rglob("*.py"))


def test_every_textarea_with_a_saved_text_starts_it_on_a_new_line():
    found, unsafe = 0, []
    for path in _sources():
        text = path.read_text(encoding="utf-8")
        for match in START.finditer(text):
            found += 1
            after = text[match.end() : match.end() + 11]
            # the start tag may be split over Python string literals: `...rows="2">\n'` or `">'`
            after = re.sub(r"^['\"]\s*f?['\"]", "", after)
            if not (after.startswith(("\n", "\\n", "</textarea>")) or after.startswith("'\n")):
                unsafe.append(f"{path.relative_to(ROOT)}:{text.count(chr(10), 0, match.start()) + 1}")
    assert found > 5
    assert unsafe == []
