"""tests/tag_vectors.json: what tagcodes makes of typed text, shared with the page's tagcode.js.

The scanner page checks a typed tag with the same check character as the server
(`inventory/web/static/tagcode.js`); tests/browser/test_scanner.py runs that script on
these vectors in chromium. Regenerate the file with `python -m tests.test_tag_vectors`.
"""

from __future__ import annotations

import json
from pathlib import Path

from inventory.tagcodes import ALPHABET, SPACE, TagProblem, encode, normalize, validate

VECTORS = Path(__file__).parent / "tag_vectors.json"
PREFIXES = ("52", "7", "ABC", "1234")


def _valid() -> list[str]:
    numbers = (0, 1, 2, 30, 31, 961, 123_456, 884_000_000, SPACE - 1)
    return [encode(n, prefix) for prefix in PREFIXES for n in numbers]


def _typos(code: str) -> list[str]:
    """Every single-character substitution, and every swap of two different neighbours."""
    out = []
    for i, c in enumerate(code):
        if c == "-":
            continue
        out += [code[:i] + other + code[i + 1 :] for other in ALPHABET if other != c]
    for i in range(len(code) - 1):
        a, b = code[i], code[i + 1]
        if a != b and "-" not in (a, b):
            out.append(code[:i] + b + a + code[i + 2 :])
    return out


def _malformed(code: str) -> list[str]:
    prefix, _, rest = code.partition("-")
    return [
        "",
        " ",
        "-",
        prefix,
        f"{prefix}-",
        f"-{rest}",
        f"{prefix}{rest}",
        f"{prefix}-{rest[:-1]}",
        f"{prefix}-{rest}0",
        f"{prefix}_{rest}",
        f"{prefix}--{rest}",
        f"{prefix}-{rest[:3]}-{rest[3:]}",
        f"{prefix} - {rest}",
        f"{prefix}-{rest[:-1]}!",
        f"{prefix}-{rest[:-1]}Đ",
        f"{prefix}-{rest[:-1]}ầ",
        f"{prefix}-{rest[:-1]}\U0001f600",
        f"{prefix}-{rest[:2]}\u200b{rest[2:]}",
        f"{prefix}-{rest[:-1]}ß",
        f"HTTP://127.0.0.1:8000/T/{code}",
        "TA-TEST",
    ]


def _as_typed(code: str) -> list[str]:
    """What normalizing forgives: case, spaces around, look-alikes."""
    lookalike = code.replace("1", "I").replace("0", "O").replace("V", "U").replace("2", "Z")
    return [
        code.lower(),
        f"  {code}\t",
        f"\n{code.lower()}\r\n",
        f"\xa0{code}\u3000",
        f"\x1c{code}\x85",
        f"\ufeff{code}",  # not whitespace to Python: stays, and the code is malformed
        lookalike,
        lookalike.lower(),
        code.replace("1", "l").replace("0", "o"),
    ]


def generate() -> list[dict[str, str]]:
    inputs: dict[str, str] = {}
    valid = _valid()
    for code in valid:
        inputs.setdefault(code, "valid")
    for code in valid[:3] + valid[-2:]:
        for typed in _typos(code):
            inputs.setdefault(typed, "typo")
    for code in valid[:2] + valid[-1:]:
        for typed in _malformed(code):
            inputs.setdefault(typed, "malformed")
        for typed in _as_typed(code):
            inputs.setdefault(typed, "as typed")
    return [
        {"input": typed, "kind": kind, "normalized": normalize(typed), "result": result}
        for typed, kind in inputs.items()
        for result in [validate(normalize(typed)).value]
    ]


def _load() -> list[dict[str, str]]:
    return json.loads(VECTORS.read_text(encoding="utf-8"))


def test_the_vectors_are_what_tagcodes_says() -> None:
    vectors = _load()
    assert len(vectors) > 1000
    for vector in vectors:
        assert normalize(vector["input"]) == vector["normalized"], vector
        assert validate(vector["normalized"]).value == vector["result"], vector


def test_every_kind_is_read_as_its_name_says() -> None:
    """Valid codes pass, every single typo and swap fails the check, malformed ones fail
    the format, and what normalizing forgives is valid again (except a BOM, kept)."""
    results = {kind: set() for kind in ("valid", "typo", "malformed", "as typed")}
    for vector in _load():
        results[vector["kind"]].add(vector["result"])
    assert results["valid"] == {TagProblem.VALID.value}
    assert results["typo"] == {TagProblem.TYPO.value}
    assert results["malformed"] == {TagProblem.MALFORMED.value}
    assert results["as typed"] == {TagProblem.VALID.value, TagProblem.MALFORMED.value}


def test_the_file_is_up_to_date() -> None:
    assert _load() == generate(), "run `python -m tests.test_tag_vectors` to regenerate"


if __name__ == "__main__":
    lines = ",\n".join(json.dumps(v, ensure_ascii=False) for v in generate())
    VECTORS.write_text(f"[\n{lines}\n]\n", encoding="utf-8")
