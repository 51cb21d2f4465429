"""The Vietnamese catalogue is complete: every UI string of the code and templates is translated,
none is fuzzy, placeholders survive, and the compiled catalogues are current."""

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CATALOGUES = sorted(ROOT.glob("*/locale/vi/LC_MESSAGES/django.po")) + [
    ROOT / "locale/vi/LC_MESSAGES/django.po"
]
ENTRY = re.compile(r'^(msgid|msgid_plural|msgstr(?:\[\d\])?) (".*")$')


def entries(path: Path):
    """(flags, msgid, [msgstrs]) for each entry after the header."""
    found, flags, current, key = [], "", None, None
    for line in path.read_text(encoding="utf-8").splitlines() + [""]:
        if line.startswith("#,"):
            flags = line
        match = ENTRY.match(line)
        if match:
            key = match.group(1)
            if key == "msgid":
                current = {"flags": flags, "msgid": "", "msgstr": []}
                found.append(current)
                flags = ""
            if key.startswith("msgstr"):
                current["msgstr"].append("")
            value = eval(match.group(2))  # a C-style string literal, as gettext writes it
            if key == "msgid":
                current["msgid"] += value
            elif key.startswith("msgstr"):
                current["msgstr"][-1] += value
        elif line.startswith('"') and current is not None and key:
            value = eval(line)
            if key == "msgid":
                current["msgid"] += value
            elif key.startswith("msgstr"):
                current["msgstr"][-1] += value
    return [e for e in found if e["msgid"]]


@pytest.mark.parametrize("catalogue", CATALOGUES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_string_is_translated_and_not_fuzzy(catalogue):
    problems = [e["msgid"][:60] for e in entries(catalogue) if "fuzzy" in e["flags"] or not all(e["msgstr"])]
    assert problems == []


@pytest.mark.parametrize("catalogue", CATALOGUES, ids=lambda p: str(p.relative_to(ROOT)))
def test_the_compiled_catalogue_says_what_the_catalogue_says(catalogue):
    """The .mo the server reads holds every translation of its .po: compilemessages leaves a .mo
    alone when it is newer than its .po, which a merge can make it while it misses entries."""
    import gettext

    with catalogue.with_suffix(".mo").open("rb") as compiled:
        read = gettext.GNUTranslations(compiled)._catalog
    by_msgid = {}
    for key, value in read.items():
        msgid = key[0] if isinstance(key, tuple) else key
        if not isinstance(key, tuple) or key[1] == 0:
            by_msgid[msgid.split("\x04")[-1]] = value
    stale = [e["msgid"][:60] for e in entries(catalogue) if by_msgid.get(e["msgid"]) != e["msgstr"][0]]
    assert stale == [], f"compile {catalogue.relative_to(ROOT)} again (touch it first): {stale}"


@pytest.mark.parametrize("catalogue", CATALOGUES, ids=lambda p: str(p.relative_to(ROOT)))
def test_placeholders_survive_translation(catalogue):
    placeholder = re.compile(r"%\([a-z_]+\)[sd]|%[sd]")
    broken = [
        e["msgid"][:60]
        for e in entries(catalogue)
        if any(
            sorted(placeholder.findall(s)) != sorted(placeholder.findall(e["msgid"])) for s in e["msgstr"][:1]
        )
        and "python-format" in e["flags"]
    ]
    assert broken == []


def test_no_ui_string_is_missing_from_the_catalogue(tmp_path):
    """Regenerate the catalogues in a copy of the project: nothing new may appear."""
    if not shutil.which("xgettext"):
        pytest.fail("gettext is not installed: `apt-get install gettext` (make test installs it as root)")
    copy = tmp_path / "project"
    shutil.copytree(
        ROOT,
        copy,
        ignore=shutil.ignore_patterns(
            ".venv",
            "var",
            ".git",
            "test-artifacts",
            "node_modules",
            "__pycache__",
            ".pytest_cache",
            ".ruff_cache",
        ),
    )
    env = {"DEBUG": "true", "PATH": "/usr/bin:/bin", "PYTHONPATH": str(copy)}
    apps = ["organizations", "members", "reviews", "reports"]
    for app in apps:
        # django-admin, not `python -m django`: the latter puts the app folder first on the path,
        # where reviews/statistics.py would shadow the standard library's module.
        subprocess.run(
            [
                str(Path(sys.executable).parent / "django-admin"),
                "makemessages",
                "-l",
                "vi",
                "--no-obsolete",
                "--settings",
                "config.settings",
            ],
            cwd=copy / app,
            env=env,
            check=True,
            capture_output=True,
        )
    ignore = [arg for app in apps for arg in ("-i", f"{app}/*.py")]
    subprocess.run(
        [
            sys.executable,
            "manage.py",
            "makemessages",
            "-l",
            "vi",
            "--no-obsolete",
            *ignore,
            "-i",
            "tests/*",
            "-i",
            "bench/*",
        ],
        cwd=copy,
        env=env,
        check=True,
        capture_output=True,
    )
    missing = {}
    for original in CATALOGUES:
        fresh = copy / original.relative_to(ROOT)
        known = {e["msgid"] for e in entries(original)}
        new = [e["msgid"][:60] for e in entries(fresh) if e["msgid"] not in known]
        if new:
            missing[str(original.relative_to(ROOT))] = new
    assert missing == {}, "run `make messages` and translate these"


APPS = ("accounts", "config", "members", "organizations", "reports", "reviews")
GETTEXT_CALL = re.compile(r"\b(?:_|gettext|ngettext|pgettext)\(")


def test_no_text_to_translate_hides_inside_an_f_string():
    """xgettext does not read inside an f-string's braces: `f"{_('Save')}"` is translated only while
    another file happens to hold the same text, and `make messages` never adds it to the catalogue."""
    import tokenize

    hidden = []
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            with path.open("rb") as source:
                for token in tokenize.tokenize(source.readline):
                    # the string's prefix (f, rb, Rf…) is the letters before its quote
                    prefix = re.match(r"[A-Za-z]*", token.string).group().lower()
                    if token.type == tokenize.STRING and "f" in prefix and GETTEXT_CALL.search(token.string):
                        hidden.append(f"{path.relative_to(ROOT)}:{token.start[0]}")
    assert hidden == []
