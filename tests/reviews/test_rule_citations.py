"""Every rule ID of the QĐ 366 / HD 43 catalogue and of the QĐ 124 / HD 25 one is cited, exactly,
in the code that enforces it and in at least one test (docs/decisions.md, "Rule IDs are cited
where they are enforced").

The catalogues (regulation-366.md, regulation-124.md) live outside the repository, so their IDs
are kept here as data; where a file is at hand (../shared/domain/ beside the project), a second
test checks the list against it. A citation is the ID as written: "R366-RATE-4/5/6" or
"R-SCOPE-1..6" cite none of the rules they abbreviate, so a grep for one ID finds every place
that enforces or proves it."""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DOMAIN = ROOT.parent / "shared" / "domain"

R366_IDS = [
    "R366-SET-1",
    "R366-SET-2",
    "R366-SCOPE-1",
    "R366-SCOPE-2",
    "R366-SCOPE-3",
    "R366-SCOPE-4",
    "R366-SCOPE-5",
    "R366-SCOPE-6",
    "R366-SCOPE-7",
    "R366-SCOPE-8",
    "R366-SCORE-1",
    "R366-SCORE-2",
    "R366-SCORE-3",
    "R366-SCORE-4",
    "R366-RATE-1",
    "R366-RATE-2",
    "R366-RATE-3",
    "R366-RATE-4",
    "R366-RATE-5",
    "R366-RATE-6",
    "R366-RATE-7",
    "R366-RATE-8",
    "R366-RATE-9",
    "R366-RATE-10",
    "R366-RATE-11",
    "R366-RATE-12",
    "R366-ORDER-1",
    "R366-ORDER-2",
    "R366-ORDER-3",
    "R366-ORDER-4",
    "R366-ORDER-5",
    "R366-STEP-1",
    "R366-STEP-2",
    "R366-FORM-01",
    "R366-FORM-2A",
    "R366-FORM-2B",
    "R366-FORM-2C",
    "R366-FORM-LETTERS",
    "R366-FORM-SIGN",
    "R366-FORM-03/04",
    "R366-REC-1",
    "R366-REC-2",
    "R366-REC-3",
    "R366-QTR-1",
    "R366-QTR-2",
    "R366-QTR-3",
    "R366-QTR-4",
    "R366-QTR-5",
    "R366-FORM-05",
]

# Rules of the QĐ 366 catalogue that no code enforces yet, and why.
R366_NOT_YET = {
    "R366-FORM-06": (
        "the quarterly summary of Politburo/Secretariat cadres: its number and columns are unknown; the "
        "quarter's summary table is an Excel download for now (reports/quarter_excel.py)"
    ),
}

# The QĐ 124 / HD 25 catalogue (regulation-124.md). Every rule of it is enforced: none waits.
R124_IDS = [
    "R-SET-1",
    "R-SET-2",
    "R-SCOPE-1",
    "R-SCOPE-2",
    "R-SCOPE-3",
    "R-SCOPE-4",
    "R-SCOPE-5",
    "R-SCOPE-6",
    "R-ORDER-1",
    "R-ORDER-2",
    "R-ORDER-3",
    "R-ORDER-4",
    "R-ORDER-5",
    "R-ORDER-6",
    "R-ORDER-7",
    "R-ORDER-8",
    "R-STEP-1",
    "R-STEP-2",
    "R-STEP-3",
    "R-STEP-4",
    "R-RATE-1",
    "R-RATE-2",
    "R-RATE-3",
    "R-RATE-4",
    "R-RATE-5",
    "R-RATE-6",
    "R-RATE-7",
    "R-RATE-8",
    "R-RATE-9",
    "R-RATE-10",
    "R-RATE-11",
    "R-FORM-1",
    "R-FORM-2",
    "R-FORM-3",
    "R-FORM-4",
    "R-FORM-5",
    "R-FORM-6",
    "R-FORM-7",
    "R-FORM-8",
    "R-REC-1",
    "R-REC-2",
    "R-REC-3",
    "R-REC-4",
    "R-STAT-1",
    "R-STAT-2",
    "R-STAT-3",
]
R124_NOT_YET: dict[str, str] = {}

CATALOGUES = [
    # file, how an ID is written there, the IDs cited, the IDs not enforced yet
    ("regulation-366.md", r"R366-[A-Z]+-[0-9A-Z/]+", R366_IDS, R366_NOT_YET),
    ("regulation-124.md", r"R-[A-Z]+-[0-9A-Z/]+", R124_IDS, R124_NOT_YET),
]
RULE_IDS = [*R366_IDS, *R124_IDS]

SOURCE_SUFFIXES = (".py", ".html")
NOT_SOURCE = {".venv", "var", "static", "node_modules", ".git", "docs", "tests"}


def source_files() -> list[Path]:
    """The project's code and templates, outside the tests."""
    return [
        path
        for path in ROOT.rglob("*")
        if path.suffix in SOURCE_SUFFIXES and not NOT_SOURCE.intersection(path.relative_to(ROOT).parts)
    ]


def modules_of_tests() -> list[Path]:
    """Every test module but this one, whose list would cite every ID."""
    return [path for path in (ROOT / "tests").rglob("*.py") if path != Path(__file__).resolve()]


def cites(text: str, rule_id: str) -> bool:
    """The ID as written: not the start of a longer ID (R366-RATE-1 in R366-RATE-10) nor of an
    abbreviated list or range (R366-RATE-4/5/6, R366-RATE-1..3)."""
    return re.search(rf"(?<![\w-]){re.escape(rule_id)}(?![\w/-]|\.\.)", text) is not None


@pytest.fixture(scope="module")
def texts() -> dict[str, list[str]]:
    return {
        "code": [path.read_text(encoding="utf-8") for path in source_files()],
        "tests": [path.read_text(encoding="utf-8") for path in modules_of_tests()],
    }


def test_a_citation_is_the_id_as_written():
    assert cites("rule (R366-RATE-1).", "R366-RATE-1")
    assert not cites("R366-RATE-10", "R366-RATE-1")
    assert not cites("R366-RATE-4/5/6", "R366-RATE-4")
    assert not cites("R366-RATE-1..3", "R366-RATE-1")
    assert cites("R366-FORM-03/04: Mẫu 03", "R366-FORM-03/04")
    assert not cites("R366-FORM-04", "R366-FORM-03/04")
    assert cites("(R-SCOPE-1).", "R-SCOPE-1")
    assert not cites("R-SCOPE-1..6", "R-SCOPE-1")
    assert not cites("R-FORM-1..8", "R-FORM-1")
    assert not cites("R366-SCOPE-1", "R-SCOPE-1") and not cites("R-RATE-10", "R-RATE-1")


def test_the_lists_hold_each_id_once():
    assert len(RULE_IDS) == len(set(RULE_IDS))


@pytest.mark.parametrize("rule_id", RULE_IDS)
def test_each_rule_is_cited_in_the_code_that_enforces_it(texts, rule_id):
    assert any(cites(text, rule_id) for text in texts["code"]), f"{rule_id} is cited by no source file"


@pytest.mark.parametrize("rule_id", RULE_IDS)
def test_each_rule_is_cited_by_a_test(texts, rule_id):
    assert any(cites(text, rule_id) for text in texts["tests"]), f"{rule_id} is cited by no test"


@pytest.mark.parametrize(("name", "pattern", "cited", "not_yet"), CATALOGUES, ids=["qd366", "qd124"])
def test_the_list_is_the_catalogue_s(name, pattern, cited, not_yet):
    catalogue = DOMAIN / name
    if not catalogue.exists():
        pytest.skip("the catalogue lives beside the project, not in it")
    written = re.findall(rf"^- \*\*({pattern})\*\*", catalogue.read_text(encoding="utf-8"), re.M)
    assert sorted(written) == sorted([*cited, *not_yet])
