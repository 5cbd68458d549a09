"""Anchors that tolerate misread characters: how the OCR route matches a layout.

OCR gets about one character in thirty wrong, so the text route's exact
anchors would miss most rows of a scan. Here each anchor (a run of a cell's
static text) may have about one error in five, with the ``regex`` package's
fuzzy matching. Whitespace is taken out of the text before matching, and
the groups are mapped back to the text as it was: a pattern without ``\\s*``
between characters backtracks far less, and a value keeps its own spaces.
"""

from __future__ import annotations

import unicodedata
from collections import Counter
from functools import lru_cache
from typing import Any

import regex

# Only ASCII and full-width forms that tesseract and typists mix up.
FULL_WIDTH = {"(": "（", ")": "）", ",": "，", ":": "：", ";": "；", "?": "？", "!": "！"}
# A fuzzy match that takes longer than this is given up (no match); the
# patterns are built so that none comes near it.
TIMEOUT_S = 1.0


def _fold(c: str) -> str:
    folded = unicodedata.normalize("NFKC", c)
    return folded if len(folded) == 1 else c


def anchor_class(c: str) -> str:
    """A pattern for one character of an anchor, as OCR may return it: （ for (, and so on."""
    forms = {c, _fold(c)}
    for ascii_form, wide in FULL_WIDTH.items():
        if _fold(c) == ascii_form:
            forms |= {ascii_form, wide}
    if len(forms) == 1:
        return str(regex.escape(c))
    return "[" + "".join(str(regex.escape(f)) for f in sorted(forms)) + "]"


def anchor_errors(chars: str) -> int:
    """How many misread characters an anchor may have: about one in five.

    Not more: rows that differ in one word (發現嚴重缺點數, 發現次要缺點數)
    must not pass for each other. A short label must be read right, or any
    short cell would pass for it;
    a row number (1, 2, 3.1, 二) may not, since tesseract reads a numeral
    that stands alone poorly and the row's other cells still have to match.
    """
    n = len(chars)
    if n <= 2 and all(c in "一二三" for c in chars):
        return 2  # strokes only: read as 一一, 一二, or lost
    if n <= 2:
        return 1 if all(c.isdigit() or c in ".四五六七八九十" for c in chars) else 0
    return min(10, max(1, n // 5))


class Spans:
    """A match on the text without whitespace, told in the whitespace-full text's terms.

    It answers what read_text asks of a match: groups(), span(n), fuzzy_counts.
    """

    def __init__(self, text: str, m: Any, keep: list[int]):
        self._text, self._m, self._keep = text, m, keep
        self.fuzzy_counts: tuple[int, int, int] = m.fuzzy_counts

    def span(self, n: int) -> tuple[int, int]:
        start, end = self._m.span(n)
        if start < 0:
            return -1, -1
        if end <= start:
            at = self._keep[start] if start < len(self._keep) else len(self._text)
            return at, at
        return self._keep[start], self._keep[end - 1] + 1

    def groups(self) -> tuple[str | None, ...]:
        out = []
        for n in range(1, len(self._m.groups()) + 1):
            start, end = self.span(n)
            out.append(None if start < 0 else self._text[start:end])
        return tuple(out)


class Static:
    """The match of a cell that holds only static text: no groups, its errors counted."""

    def __init__(self, errors: int):
        self.fuzzy_counts = (errors, 0, 0)

    def groups(self) -> tuple[str | None, ...]:
        return ()


class CellPattern:
    """A cell's fuzzy pattern; ``match`` behaves like ``re.Pattern.match`` for read_text."""

    def __init__(self, pattern: Any, anchors: Counter[str], budget: int, static: str | None):
        self._pattern, self._anchors, self._budget = pattern, anchors, budget
        self._static = static

    def match(self, text: str) -> Spans | Static | None:
        keep = [i for i, c in enumerate(text) if not c.isspace()]
        bare = "".join(text[i] for i in keep)
        # Cheap refusal first: anchor characters missing from the text each cost an error.
        missing = self._anchors - Counter(_fold(c) for c in bare)
        if sum(missing.values()) > self._budget:
            return None
        if self._static is not None:
            # Static text only (a long instruction row): an edit distance, without
            # the fuzzy search that long anchors make slow.
            errors = _distance("".join(_fold(c) for c in bare), self._static)
            return Static(errors) if errors <= self._budget else None
        try:
            m = self._pattern.match(bare, timeout=TIMEOUT_S)
        except TimeoutError:
            return None
        return None if m is None else Spans(text, m, keep)


def _distance(a: str, b: str) -> int:
    """Levenshtein distance (the strings are a cell long)."""
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        prev = cur
    return prev[-1]


@lru_cache(maxsize=4096)
def cell_pattern(shape: tuple[tuple[str, str], ...], boxes: str) -> CellPattern:
    """The pattern of a cell given as (kind, static text) segments: fuzzy anchors,
    an optional box character for each box, a lazy group for each value."""
    parts = ["^"]
    anchors: Counter[str] = Counter()
    budget = 0
    for kind, text in shape:
        if kind == "text":
            chars = [c for c in text if not c.isspace()]
            if chars:
                k = anchor_errors("".join(chars))
                parts.append(f"(?:{''.join(anchor_class(c) for c in chars)}){{e<={k}}}")
                anchors.update(_fold(c) for c in chars)
                budget += k
        elif kind == "box":
            parts.append(f"([{regex.escape(boxes)}])?")
        else:
            parts.append("(.*?)")
    parts.append("$")
    static = None
    if all(kind == "text" for kind, _ in shape):
        static = "".join(_fold(c) for _, text in shape for c in text if not c.isspace())
    pattern = regex.compile("".join(parts), regex.S | regex.BESTMATCH)
    return CellPattern(pattern, anchors, budget, static)


def same_text(text: str, expected: str, share: float = 0.2) -> bool:
    """Whether squashed text reads as the expected text with up to ``share`` of it misread."""
    if text == expected:
        return True
    if not expected:
        return False
    k = max(1, round(len(expected) * share))
    if abs(len(text) - len(expected)) > k:
        return False
    pattern = "".join(anchor_class(c) for c in expected)
    try:
        return regex.fullmatch(f"(?:{pattern}){{e<={k}}}", text, timeout=TIMEOUT_S) is not None
    except TimeoutError:
        return False
