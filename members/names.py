"""Vietnamese names: splitting, sorting and accent-insensitive search.

Vietnamese lists sort by given name, then middle name, then family name, in the Vietnamese
alphabet (a ă â b c d đ e ê g h i k l m n o ô ơ p q r s t u ư v x y), letters before tones
(ngang, huyền, hỏi, ngã, sắc, nặng). `sort_key` turns a name into a string of ASCII letters
whose plain byte order is that order, so the database can ORDER BY it on any backend and
collation.
"""

import unicodedata

ALPHABET = "aăâbcdđeêghiklmnoôơpqrstuưvxy"
_EXTRA = "fjwz"  # foreign letters in some names: after y, in Latin order
_TONES = {"": 0, "\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}


def _letters(text: str):
    """Yield (vietnamese_letter, tone_rank) for each letter of `text`, dropping anything else."""
    decomposed = unicodedata.normalize("NFD", text.lower())
    index = 0
    while index < len(decomposed):
        base = decomposed[index]
        index += 1
        marks = ""
        while index < len(decomposed) and unicodedata.combining(decomposed[index]):
            marks += decomposed[index]
            index += 1
        if base == "đ":
            yield "đ", 0
            continue
        if not ("a" <= base <= "z"):
            continue
        letter = base
        tone = 0
        for mark in marks:
            if mark in _TONES:
                tone = _TONES[mark]
            elif mark == "\u0306" and base == "a":
                letter = "ă"
            elif mark == "\u0302" and base in "aeo":
                letter = {"a": "â", "e": "ê", "o": "ô"}[base]
            elif mark == "\u031b" and base in "ou":
                letter = {"o": "ơ", "u": "ư"}[base]
        yield letter, tone


_ORDER = ALPHABET + _EXTRA


def _code(rank: int) -> str:
    # Two letters per rank, both from 'b'..'z', so a separator 'a' sorts before any letter.
    return chr(ord("b") + rank // 25) + chr(ord("b") + rank % 25)


def _primary(part: str) -> str:
    return "".join(_code(_ORDER.index(letter)) for letter, _tone in _letters(part))


def _tones(part: str) -> str:
    return "".join("abcdef"[tone] for _letter, tone in _letters(part))


def sort_key(*, given: str, middle: str, family: str) -> str:
    """Given name first, then middle, then family; letters first, tones only to break ties."""
    parts = (given, middle, family)
    primary = "a".join(_primary(p) for p in parts)
    tones = "a".join(_tones(p) for p in parts)
    return f"{primary}aa{tones}"[:255]


def fold(text: str) -> str:
    """Lower case without diacritics, đ as d, single spaces: 'Nguyễn Thị Hường' → 'nguyen thi huong'."""
    decomposed = unicodedata.normalize("NFD", text.lower().replace("đ", "d"))
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(plain.split())


def split_full_name(full_name: str) -> tuple[str, str, str]:
    """'Nguyễn Thị Hường' → ('Nguyễn', 'Thị', 'Hường'): family first word, given last word."""
    words = full_name.split()
    if not words:
        return "", "", ""
    if len(words) == 1:
        return "", "", words[0]
    return words[0], " ".join(words[1:-1]), words[-1]


def join_name(family: str, middle: str, given: str) -> str:
    return " ".join(part for part in (family.strip(), middle.strip(), given.strip()) if part)
