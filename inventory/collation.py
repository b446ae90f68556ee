"""Vietnamese text as people look for it and sort it, without ICU.

The embedded PostgreSQL has no ICU, so neither searching without diacritics nor the
Vietnamese alphabetical order can be left to a collation. Both are computed here and,
identically, by the SQL functions `inventory_fold` and `inventory_sort_key` (migrations
0001 and 0006); tests/test_collation.py holds the two to the same vectors.

The order is CLDR's for Vietnamese: the letters a ă â b c d đ e ê … o ô ơ … u ư …,
then, for names that differ only in tones, no tone, huyền, hỏi, ngã, sắc, nặng.
"""

from __future__ import annotations

import unicodedata

LETTERS = "aăâbcdđeêfghijklmnoôơpqrstuưvwxyz"
# Each letter's primary weight: a printable ASCII character above the digits, in
# alphabetical order, so that the key compares right byte by byte (COLLATE "C").
_WEIGHTS = {letter: chr(0x41 + i) for i, letter in enumerate(LETTERS)}
# Punctuation that would otherwise collide with the weights of u … z.
_PUNCTUATION = "[\\]^_`"
# The vowels with their toned forms, in tone order: none, huyền, hỏi, ngã, sắc, nặng.
VOWELS = {
    "a": "aàảãáạ",
    "ă": "ăằẳẵắặ",
    "â": "âầẩẫấậ",
    "e": "eèẻẽéẹ",
    "ê": "êềểễếệ",
    "i": "iìỉĩíị",
    "o": "oòỏõóọ",
    "ô": "ôồổỗốộ",
    "ơ": "ơờởỡớợ",
    "u": "uùủũúụ",
    "ư": "ưừửữứự",
    "y": "yỳỷỹýỵ",
}
_TONE = {form: str(tone) for forms in VOWELS.values() for tone, form in enumerate(forms)}
_BASE = {form: forms[0] for forms in VOWELS.values() for form in forms}
_FOLD = str.maketrans({"đ": "d", "Đ": "d"})


def _strip(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", text.translate(_FOLD))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


# Each precomposed Vietnamese letter, either case, to its base letter: one translate
# folds a Vietnamese text, where decomposing it walked it character by character.
_VIETNAMESE = str.maketrans(
    {c: _strip(c) for forms in VOWELS.values() for c in forms + forms.upper()}
    | {"đ": "d", "Đ": "d"}
)


def fold(text: str) -> str:
    """Lower case without Vietnamese diacritics, like SQL's inventory_fold()."""
    quick = text.translate(_VIETNAMESE)
    return (quick if quick.isascii() else _strip(text)).lower()


def sort_key(text: str) -> str:
    """The key that puts names in Vietnamese order, like SQL's inventory_sort_key().

    Letters (tones ignored) decide first; for equal letters, the tones from left to right.
    """
    lowered = unicodedata.normalize("NFC", text).lower()
    primary = "".join(
        " " if c in _PUNCTUATION else _WEIGHTS.get(_BASE.get(c, c), _BASE.get(c, c))
        for c in lowered
    )
    tones = "".join(_TONE.get(c, "0") for c in lowered)
    return f"{primary}\x01{tones}"
