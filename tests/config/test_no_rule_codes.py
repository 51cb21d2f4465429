"""No rule code (R-ORDER-2, R366-RATE-4 …) in text a user reads: not in any catalogue's msgid or
msgstr, not in any template's text (comments aside). The codes stay in code and tests."""

import gettext
import re
from pathlib import Path

from django.conf import settings

RULE_CODE = re.compile(r"R(366)?-[A-Z]+-\d")
ROOT = Path(settings.BASE_DIR)
COMMENTS = re.compile(r"{#.*?#}|{%\s*comment\s*%}.*?{%\s*endcomment\s*%}", re.S)


def catalogues():
    found = [p for p in ROOT.glob("*/locale/vi/LC_MESSAGES/django.mo") if ".venv" not in p.parts]
    return [*found, ROOT / "locale/vi/LC_MESSAGES/django.mo"]


def test_no_rule_code_in_any_compiled_catalogue():
    offending = []
    for path in catalogues():
        with path.open("rb") as compiled:
            catalog = gettext.GNUTranslations(compiled)._catalog
        for key, translated in catalog.items():
            msgid = key[0] if isinstance(key, tuple) else key
            offending += [text for text in (msgid, translated) if RULE_CODE.search(text)]
    assert len(catalogues()) >= 5
    assert offending == []


def test_no_rule_code_in_any_catalogue_source():
    """The .po files too, which also hold the plural msgids (comments aside: they cite rules)."""
    offending = []
    for path in catalogues():
        lines = path.with_suffix(".po").read_text().splitlines()
        offending += [
            f"{path}: {line}" for line in lines if not line.startswith("#") and RULE_CODE.search(line)
        ]
    assert offending == []


def test_no_rule_code_in_any_template_text():
    offending = []
    for path in (ROOT / "templates").rglob("*.html"):
        text = COMMENTS.sub("", path.read_text())
        offending += [f"{path.relative_to(ROOT)}: {m.group()}" for m in RULE_CODE.finditer(text)]
    assert offending == []
