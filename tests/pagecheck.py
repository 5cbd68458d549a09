"""Automated page checks: the layout defects a clerk would reject, found in a rendered PDF.

Each checker takes PDF bytes and returns human-readable problems (``[]`` when clean), each
naming the page and the text around the defect, so a failing test says what to look at.

The text checkers work on *cell lines*: the glyphs of one text line that lie between the same
two vertical table rulings (or the page's text edges where there is no table). Two cell lines
belong to the same cell when they have the same rulings on both sides and no horizontal ruling
runs between them; that is what tells a wrapped line from the next table row.

``page_images`` and ``compare_pages`` keep small greyscale golden images of every page, so a
layout change that moves things about shows up even when the text is unchanged.
"""

from __future__ import annotations

import glob
import io
import os
import re
import tempfile
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import regex

GOLDEN_DIR = Path(__file__).parent / "golden" / "pages"

BOXES = "□■"
# A vertical edge shorter than this many font sizes is a fill-in blank or a glyph-sized box
# around a value, not a table ruling.
RULING_MIN_EM = 1.4
# Consecutive lines of one cell are at most this many font sizes apart (1.6 line heights).
NEXT_LINE_EM = 2.4
# Allowance for the cell padding between the last glyph of a full line and the ruling.
PADDING_EM = 0.6
# A box is stuck to the glyph before it when the gap is under this many font sizes...
STUCK_BEFORE_EM = 0.15
# ...and it is at least this much closer to it than to the glyph after it.
LEAN_EM = 0.1
WORD_GAP_EM = 0.25

HAN = regex.compile(r"\p{Han}")
LONE_HAN = regex.compile(r"\p{Han}[：:、，,。．.）)」』]*")
ASCII_ALNUM = re.compile(r"[A-Za-z0-9]")
INTERNAL = re.compile(
    r"formkit|\[proposed\]|AMB-|x-kind"
    r"|(?<![A-Za-z0-9_])(?:None|True|False)(?![A-Za-z0-9_])"
    r"|(?<!\d)\d{4}-\d{2}-\d{2}(?!\d)"
    r"|(?<![A-Za-z0-9_@./])[a-z][a-z0-9]*(?:_[a-z0-9]+)+(?![A-Za-z0-9_@/]|\.[A-Za-z])"
)

# --- layout model -----------------------------------------------------------------------


@dataclass(frozen=True)
class _Line:
    """The glyphs of one text line inside one cell, left to right (spaces left out)."""

    page: int
    chars: tuple[dict, ...]
    left: float  # the cell's left ruling (or the page's leftmost text)
    right: float  # the cell's right ruling (or the page's rightmost text)

    @property
    def text(self) -> str:
        return _spaced(self.chars)

    @property
    def size(self) -> float:
        return max(c["size"] for c in self.chars)

    @property
    def top(self) -> float:
        return min(c["top"] for c in self.chars)

    @property
    def bottom(self) -> float:
        return max(c["bottom"] for c in self.chars)

    @property
    def x0(self) -> float:
        return self.chars[0]["x0"]

    @property
    def x1(self) -> float:
        return self.chars[-1]["x1"]


@dataclass(frozen=True)
class _Page:
    number: int
    lines: tuple[_Line, ...]
    hrules: tuple[tuple[float, float, float], ...]  # (x0, x1, y) of horizontal edges


def _spaced(chars: tuple[dict, ...] | list[dict]) -> str:
    """The glyphs as text, with a space where the gap between two is wider than a space,
    so messages read like the page does."""
    out = []
    for prev, c in zip((None, *chars), chars, strict=False):
        if prev is not None and c["x0"] - prev["x1"] > WORD_GAP_EM * c["size"]:
            out.append(" ")
        out.append(c["text"])
    return "".join(out)


def _rulings(page) -> tuple[list[tuple[float, float, float]], list[tuple[float, float, float]]]:
    """Vertical rulings as (x, top, bottom) and horizontal ones as (x0, x1, y): the page's
    straight lines and the sides of its rectangles (cell shading). Even-odd filled rectangles
    are left out: WeasyPrint paints a border such as a fill-in blank's underline as such a
    frame inside a clip, and pdfplumber does not apply the clip, so their sides would pass for
    rulings though nothing is drawn there; and an underline is no row border anyway."""
    shapes = [r for r in page.rects if not r["evenodd"]] + list(page.lines)
    vertical = [
        (x, s["top"], s["bottom"])
        for s in shapes
        for x in {s["x0"], s["x1"]}
        if s["bottom"] - s["top"] > 1
    ]
    horizontal = [
        (s["x0"], s["x1"], y)
        for s in shapes
        for y in {s["top"], s["bottom"]}
        if s["x1"] - s["x0"] > 1
    ]
    return vertical, horizontal


def _bounds(c: dict, vrules, default: tuple[float, float]) -> tuple[float, float]:
    """The rulings left and right of a glyph that are tall enough to be a table's, i.e. its
    cell's sides; the page's text edges where there is none."""
    mid = (c["top"] + c["bottom"]) / 2
    tall = [
        x
        for x, top, bottom in vrules
        if top <= mid <= bottom and bottom - top >= RULING_MIN_EM * c["size"]
    ]
    centre = (c["x0"] + c["x1"]) / 2
    left = max((x for x in tall if x <= centre), default=default[0])
    right = min((x for x in tall if x >= centre), default=default[1])
    return round(left, 1), round(right, 1)


def _baseline(c: dict) -> float:
    """The glyph's baseline from the top of the page: unlike ``top`` it is the same for the
    CJK and Latin fonts of one line."""
    return c["matrix"][5]


def _cell_lines(number: int, chars: list[dict], vrules) -> list[_Line]:
    """Glyphs grouped into cell lines: first by cell (rulings on both sides), then by baseline."""
    if not chars:
        return []
    edges = (min(c["x0"] for c in chars), max(c["x1"] for c in chars))
    cells: dict[tuple[float, float], list[dict]] = {}
    for c in chars:
        cells.setdefault(_bounds(c, vrules, edges), []).append(c)
    lines = []
    for (left, right), members in cells.items():
        members.sort(key=lambda c: -_baseline(c))
        group: list[dict] = []
        for c in members:
            if group and _baseline(group[0]) - _baseline(c) > 0.3 * c["size"]:
                lines.append(_line(number, group, left, right))
                group = []
            group.append(c)
        lines.append(_line(number, group, left, right))
    return sorted(lines, key=lambda line: (line.top, line.x0))


def _line(number: int, group: list[dict], left: float, right: float) -> _Line:
    return _Line(number, tuple(sorted(group, key=lambda c: c["x0"])), left, right)


@lru_cache(maxsize=8)
def _layout(pdf: bytes) -> tuple[_Page, ...]:
    """Every page's cell lines and horizontal rulings; cached because each form's tests run
    several checkers on the same PDF."""
    import pdfplumber

    pages = []
    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        for number, page in enumerate(doc.pages, 1):
            chars = [c for c in page.chars if c["text"].strip()]
            vrules, hrules = _rulings(page)
            pages.append(_Page(number, tuple(_cell_lines(number, chars, vrules)), tuple(hrules)))
    return tuple(pages)


def _below(page: _Page, line: _Line) -> _Line | None:
    """The next line of the same cell: same rulings, overlapping, close below, and no
    horizontal ruling (a row border) between the two."""
    for other in page.lines:
        if (
            (other.left, other.right) == (line.left, line.right)
            and line.top + 0.5 * line.size < other.top <= line.top + NEXT_LINE_EM * line.size
            and other.x0 < line.x1
            and line.x0 < other.x1
            and not _ruled_between(page, line, other)
        ):
            return other
    return None


def _ruled_between(page: _Page, upper: _Line, lower: _Line) -> bool:
    """Whether a horizontal edge across most of the cell runs between the two lines."""
    width = upper.right - upper.left
    return any(
        upper.bottom - 1 <= y <= lower.top + 1
        and min(x1, upper.right) - max(x0, upper.left) >= 0.8 * width
        for x0, x1, y in page.hrules
    )


def _no_room_for(line: _Line, width: float) -> bool:
    """Whether ``width`` more would not have fitted on the line: the mark of a line that was
    wrapped, as opposed to one ended on purpose with room to spare (a box followed by a drawn
    fill-in blank, the "年　月　日" of a date line)."""
    return line.right - line.x1 < width + PADDING_EM * line.size


def _tail(line: _Line, n: int = 14) -> str:
    return line.text[-n:]


def _head(line: _Line, n: int = 14) -> str:
    return line.text[:n]


# --- checkers -----------------------------------------------------------------------------


def box_at_line_end(pdf: bytes) -> list[str]:
    """Tick boxes parted from their label: a box that ends a wrapped line while its label
    starts the next line of the cell, and a box glued to the label before it
    ("符合□ 輕微缺失") so that it reads as belonging to the wrong option."""
    problems = []
    for page in _layout(pdf):
        for line in page.lines:
            at_end = _box_wrapped_from_label(page, line)
            if at_end:
                problems.append(at_end)
            problems += _boxes_stuck_to_label_before(line, skip_last=bool(at_end))
    return problems


def _box_wrapped_from_label(page: _Page, line: _Line) -> str | None:
    """A box as the last glyph of a line whose cell goes on below with text that would not
    have fitted after the box, i.e. the line was wrapped between the box and its label."""
    box = line.chars[-1]
    if box["text"] not in BOXES:
        return None
    nxt = _below(page, line)
    if nxt is None:
        return None
    if not _no_room_for(line, _first_word_width(nxt)):
        return None
    return (
        f"p{page.number}: box at line end, its label wrapped to the next line: "
        f"«{_tail(line)}» / «{_head(nxt)}»"
    )


def _first_word_width(line: _Line) -> float:
    """Width of the line's first run of glyphs without a word gap: what the wrap moved down."""
    chars = line.chars
    end = 0
    while end + 1 < len(chars) and (
        chars[end + 1]["x0"] - chars[end]["x1"] <= WORD_GAP_EM * chars[end]["size"]
    ):
        end += 1
    return chars[end]["x1"] - chars[0]["x0"]


def _boxes_stuck_to_label_before(line: _Line, skip_last: bool) -> list[str]:
    """One problem per line for its boxes that touch the CJK label before them and lean away
    from what follows (or end the line), as in "符合□ 輕微缺失": the box reads as belonging to
    the option before it. The gap after is compared with the gap before rather than with a
    fixed width, as the layout puts only a 0.15 em margin after a box."""
    chars = line.chars
    last = len(chars) - 1 if skip_last else len(chars)
    stuck = [i for i in range(1, last) if chars[i]["text"] in BOXES and _leans_back(chars, i)]
    if not stuck:
        return []
    context = _spaced(chars[max(0, stuck[0] - 6) : stuck[-1] + 7])
    return [f"p{line.page}: {len(stuck)} box(es) stuck to the label before: «{context}»"]


def _leans_back(chars: tuple[dict, ...], i: int) -> bool:
    """Whether box ``i`` touches the CJK glyph before it and is further from the next one."""
    box, prev, size = chars[i], chars[i - 1], chars[i]["size"]
    before = box["x0"] - prev["x1"]
    after = chars[i + 1]["x0"] - box["x1"] if i + 1 < len(chars) else size
    return (
        bool(HAN.match(prev["text"]))
        and before < STUCK_BEFORE_EM * size
        and (after - before >= LEAN_EM * size)
    )


def lone_wrapped_chars(pdf: bytes) -> list[str]:
    """Words cut by a wrap: a single CJK glyph (maybe with punctuation) alone on the last line
    of a cell ("生產製造工廠名" / "稱"), and a Latin word split across two lines ("C" / "NS").
    A glyph under a single glyph is a header stacked in a narrow column ("項" / "次"), not an
    orphan, and is left alone."""
    problems = []
    for page in _layout(pdf):
        for line in page.lines:
            nxt = _below(page, line)
            if nxt is None:
                continue
            pair = f"«{_tail(line)}» / «{_head(nxt)}»"
            if (
                LONE_HAN.fullmatch(nxt.text)
                and len(line.chars) > 1
                and _no_room_for(line, nxt.x1 - nxt.x0)
            ):
                problems.append(f"p{page.number}: lone character wrapped to its own line: {pair}")
            elif (
                ASCII_ALNUM.fullmatch(line.chars[-1]["text"])
                and ASCII_ALNUM.fullmatch(nxt.chars[0]["text"])
                and _no_room_for(line, nxt.chars[0]["x1"] - nxt.chars[0]["x0"])
            ):
                problems.append(f"p{page.number}: Latin word broken across lines: {pair}")
    return problems


def internal_text(pdf: bytes) -> list[str]:
    """Text meant for developers, not clerks: the program's name, draft markers, ambiguity
    codes, schema keywords, Python values, ISO dates and snake_case identifiers (those inside
    an e-mail address or URL excepted)."""
    import pdfplumber

    problems = []
    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        for number, page in enumerate(doc.pages, 1):
            for text in (page.extract_text() or "").splitlines():
                for m in INTERNAL.finditer(text):
                    context = text[max(0, m.start() - 12) : m.end() + 12]
                    problems.append(f"p{number}: internal text {m.group()!r}: «{context}»")
    return problems


# --- golden page images ---------------------------------------------------------------------


def page_images(pdf: bytes, dpi: int = 50) -> list[np.ndarray]:
    """Every page as an 8-bit greyscale array; 50 dpi keeps goldens small yet shows a moved
    line or a wrapped word."""
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(pdf)
    try:
        return [
            np.asarray(doc[i].render(scale=dpi / 72, grayscale=True).to_pil().convert("L"))
            for i in range(len(doc))
        ]
    finally:
        doc.close()


def compare_pages(
    actual: list[np.ndarray], golden_dir: Path, stem: str, tolerance: float = 0.005
) -> list[str]:
    """Problems where the pages differ from ``<golden_dir>/<stem>-<n>.png``: a page whose share
    of pixels off by more than 64 grey levels exceeds ``tolerance``, a different page count,
    or a missing golden. The actual and diff images go to a temporary folder named in the
    message. With FORMKIT_REGEN_GOLDEN=1 the goldens are (re)written instead."""
    golden_dir = Path(golden_dir)
    if os.environ.get("FORMKIT_REGEN_GOLDEN") == "1":
        _write_goldens(actual, golden_dir, stem)
        return []
    goldens = _golden_paths(golden_dir, stem)
    if not goldens:
        return [f"{stem}: no golden pages in {golden_dir}; run with FORMKIT_REGEN_GOLDEN=1"]
    problems = []
    if len(goldens) != len(actual):
        problems.append(f"{stem}: {len(actual)} pages, golden has {len(goldens)}")
    out: Path | None = None
    for n, (image, path) in enumerate(zip(actual, goldens, strict=False), 1):
        golden = _read_png(path)
        difference = _difference(image, golden)
        if difference is None:
            problem = f"{stem} p{n}: {_size(image)} pixels, golden has {_size(golden)}"
        elif difference.mean() > tolerance:
            problem = f"{stem} p{n}: {difference.mean():.2%} of pixels differ (> {tolerance:.2%})"
        else:
            continue
        out = out or Path(tempfile.mkdtemp(prefix=f"pagecheck-{stem.replace('/', '_')}-"))
        _save_evidence(out, n, image, difference)
        problems.append(f"{problem}; see {out}")
    return problems


def _golden_paths(golden_dir: Path, stem: str) -> list[Path]:
    """The golden PNGs of ``stem`` in page order (``stem-1.png``, ``stem-2.png``, ...)."""
    base = golden_dir / stem
    pattern = re.compile(re.escape(base.name) + r"-(\d+)\.png")
    found = {
        int(m.group(1)): path
        for path in base.parent.glob(glob.escape(base.name) + "-*.png")
        if (m := pattern.fullmatch(path.name))
    }
    return [found[n] for n in sorted(found)]


def _write_goldens(actual: list[np.ndarray], golden_dir: Path, stem: str) -> None:
    """Write the pages as goldens and drop goldens of pages that no longer exist."""
    (golden_dir / stem).parent.mkdir(parents=True, exist_ok=True)
    for path in _golden_paths(golden_dir, stem):
        path.unlink()
    for n, image in enumerate(actual, 1):
        _write_png(golden_dir / f"{stem}-{n}.png", image)


def _size(image: np.ndarray) -> str:
    height, width = image.shape
    return f"{width}×{height}"


def _difference(actual: np.ndarray, golden: np.ndarray) -> np.ndarray | None:
    """Boolean mask of pixels more than 64 grey levels apart; None when sizes differ."""
    if actual.shape != golden.shape:
        return None
    return np.abs(actual.astype(np.int16) - golden.astype(np.int16)) > 64


def _save_evidence(out: Path, n: int, image: np.ndarray, difference: np.ndarray | None) -> None:
    """The actual page, and a diff: the page faded, the differing pixels black."""
    _write_png(out / f"actual-{n}.png", image)
    if difference is not None:
        diff = (191 + image // 4).astype(np.uint8)
        diff[difference] = 0
        _write_png(out / f"diff-{n}.png", diff)


def _read_png(path: Path) -> np.ndarray:
    from PIL import Image

    with Image.open(path) as image:
        return np.asarray(image.convert("L"))


def _write_png(path: Path, image: np.ndarray) -> None:
    from PIL import Image

    Image.fromarray(image, "L").save(path, optimize=True)
