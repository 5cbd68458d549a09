"""The text lines of a scanned page: found in the pixels, read by tesseract, and
put together into the rows of cells that :func:`.text.read_text` reads.

Each line is cut out of the page (inside a table cell, or outside the tables)
and sent to tesseract as its own image; all lines of a document go to one
process, so the chi_tra model loads once. Every line is read twice, in black
and white and in grey, side by side: where the two readings differ, the
character is not trusted. Spaces and full-width punctuation are decided from
the white between glyphs in the pixels, not from tesseract's spacing.
"""

from __future__ import annotations

import html
import os
import re
import shutil
import subprocess
import unicodedata
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from ..errors import EnvironmentProblem
from ..i18n import N_, phrase
from . import raster
from .shapes import DPI, Box, Cell
from .text import WRAP, Unit
from .worker import limit_error

LANG = "chi_tra"
INSTALL = N_("install the Debian packages tesseract-ocr and tesseract-ocr-chi-tra")
_CJK = re.compile(r"[\u2e80-\u9fff\uf900-\ufaff\u3000-\u303f\uff00-\uffef\U00020000-\U0003ffff]")


@dataclass
class Glyph:
    """A character tesseract read, or a tick box decided from pixels."""

    ch: str
    x0: int
    y0: int
    x1: int
    y1: int
    conf: float  # 0..1
    word: int  # tesseract's word number; characters of one word have no space between them
    agreed: bool = True  # the second reading of the line has the same character here


class OcrText(str):
    """A cell's OCR'd text that knows how sure each of its characters is."""

    sure: tuple[float, ...]

    def __new__(cls, text: str, sure: list[float]) -> OcrText:
        obj = super().__new__(cls, text)
        obj.sure = tuple(sure)
        return obj

    def __getnewargs__(self) -> tuple[str, list[float]]:  # type: ignore[override] # pickle
        return str(self), list(self.sure)

    def rate(self, start: int, end: int, errors: int = 0) -> float:
        """How sure a value read from text[start:end] is, for read_text.

        The least sure character of the span decides, less for each character
        the cell's anchors had to forgive; a box that was not found is a
        guess. The steps are measured (benchmarks/ocr.py): characters both
        readings agree on at tesseract confidence 0.95 or more were right in
        every date and number; a tick box decided with a clear margin of ink
        was right every time. Nothing reaches 0.95: OCR is never certain.
        """
        if start < 0:
            return 0.5
        picked = [c for ch, c in zip(self[start:end], self.sure[start:end], strict=True)
                  if not ch.isspace()]
        if not picked:
            return 0.9
        least = min(picked)
        if self[start:end].strip() in ("■", "□"):
            return 0.94 if least >= 0.95 else round(0.9 * least, 3)
        step = 0.92 if least >= 0.95 else 0.86 if least >= 0.9 else 0.9 * least
        return round(max(0.0, step - 0.02 * errors), 3)


# ---------------------------------------------------------------- tesseract


def tesseract() -> str:
    """The tesseract program, or EnvironmentProblem saying what to install."""
    exe = shutil.which("tesseract")
    if exe is None:
        raise EnvironmentProblem(N_("OCR needs the tesseract program: {hint}"),
                                 hint=phrase(INSTALL))
    return exe


def ocr_images(images: list[Any], workdir: Path, psm: str, timeout: int) -> list[list[Glyph]]:
    """tesseract's characters on each image, from one process (the model loads once).

    tesseract reads a list file of images as the pages of one document; its
    hOCR output with character boxes gives each character's own confidence.
    """
    from PIL import Image

    if not images:
        return []
    workdir.mkdir(exist_ok=True)
    paths = []
    for i, image in enumerate(images):
        path = workdir / f"l{psm}_{i}.png"
        Image.fromarray(image).save(path, compress_level=1)
        paths.append(str(path))
    listing = workdir / f"list{psm}.txt"
    listing.write_text("\n".join(paths) + "\n", encoding="utf-8")
    env = dict(os.environ, OMP_THREAD_LIMIT="1")
    cmd = [tesseract(), str(listing), "stdout", "-l", LANG, "--psm", psm,
           "--dpi", str(DPI), "-c", "hocr_char_boxes=1", "hocr"]
    try:
        proc = subprocess.run(cmd, capture_output=True, env=env, timeout=timeout, check=False)
    except subprocess.TimeoutExpired as exc:
        raise limit_error(N_("OCR took longer than {seconds} s"), "time", seconds=timeout) from exc
    if proc.returncode != 0:
        err = proc.stderr.decode("utf-8", "replace")
        if "Failed loading language" in err or "Error opening data file" in err:
            raise EnvironmentProblem(N_("tesseract has no {model} model: {hint}"), model=LANG,
                                     hint=phrase(INSTALL))
        if proc.returncode < 0:  # killed: by the memory cap (std::bad_alloc aborts), mostly
            raise limit_error(N_("OCR stopped: tesseract was ended by {signal}, most likely for "
                                 "lack of memory"), "memory",
                              signal=_signal_name(-proc.returncode))
        raise EnvironmentProblem(N_("tesseract failed: {error}"), error=err.strip()[-300:])
    return _parse_hocr(proc.stdout.decode("utf-8", "replace"), len(images))


def _signal_name(number: int) -> str:
    import signal

    try:
        return signal.Signals(number).name
    except ValueError:
        return f"signal {number}"


_HOCR = re.compile(r"class='(ocr_page|ocrx_word|ocrx_cinfo)' [^>]*?title='([^']*)'>([^<]*)")
_IMAGE = re.compile(r'image "[^"]*?_(\d+)\.png"')
_BBOX = re.compile(r"(?:bbox|x_bboxes) (-?\d+) (-?\d+) (-?\d+) (-?\d+)")
_CONF = re.compile(r"x_conf (-?[\d.]+)")


def _parse_hocr(hocr: str, pages: int) -> list[list[Glyph]]:
    """Glyphs per image; each hOCR page names its image, so a page tesseract skips
    cannot shift the others."""
    out: list[list[Glyph]] = [[] for _ in range(pages)]
    page, word = -1, 0
    for kind, title, text in _HOCR.findall(hocr):
        if kind == "ocr_page":
            m = _IMAGE.search(title)
            page = int(m[1]) if m else -1
        elif kind == "ocrx_word":
            word += 1
        elif 0 <= page < pages:
            ch = html.unescape(text).strip()
            box, conf = _BBOX.search(title), _CONF.search(title)
            if ch and box and conf:
                x0, y0, x1, y1 = (int(v) for v in box.groups())
                for c in ch:
                    out[page].append(Glyph(c, x0, y0, x1, y1, max(0.0, float(conf[1])) / 100, word))
    return out


# ---------------------------------------------------------------- lines, cells, units


@dataclass
class Line:
    """A text line found in the pixels: inside a table cell (owner), or loose (-1).

    ``boxes`` are the tick boxes standing on it: the line is read in pieces
    between them, so each box falls exactly between the words around it.
    """

    x0: int
    y0: int
    x1: int
    y1: int
    owner: int
    glyphs: list[Glyph] = field(default_factory=list)
    boxes: list[Box] = field(default_factory=list)


PAD = 16  # white around a line image: tesseract misses glyphs that touch the edge
MARGIN = 4  # page pixels kept around a line's ink
MIN_INK = round((DPI / 100) ** 2 * 4)  # inked pixels of the smallest glyph worth reading
EM = 10.5 / 72 * DPI  # the body text's em in pixels
# Below this share of the page height is the bottom margin, where formkit prints
# the page number (1 / 2): not a line of the form, and it would end a table
# that runs on to the next page.
FOOTER = (297 - 16) / 297
# White wider than this between a CJK and a Latin glyph, or two Latin words, is a
# space: measured on Noto Serif CJK at 10.5 pt, such gaps are at most 0.30 em
# without a space and at least 0.30 em with one.
SPACE = 0.3 * EM
# Full-width marks and boxes: no space is added beside them.
_PUNCT = re.compile(r"[\u3000-\u303f\uff00-\uffef□■]")
# D13～D32: chi_tra reads the full-width tilde between numbers as 一.
_TILDE = re.compile(r"(?<=[0-9A-Za-z])(\s*)一(\s*)(?=[0-9A-Za-z])")
# 10,000 × 2: chi_tra reads the multiplication sign as x, X or xX.
_TIMES = re.compile(r"(?<=\d)(\s*)[xX×](?:\s?[xX])?(\s*)(?=\d)")
# The most a character the two readings disagree on can count for.
DISPUTED = 0.6
FULL_WIDTH = {"(": "（", ")": "）", ",": "，", ":": "：", ";": "；", "?": "？", "!": "！"}


def _crop(page: raster.Page, line: Line, x0: int, x1: int, grey: bool = False) -> tuple[Any, Any]:
    """A piece of a line (columns x0 to x1) as an image for tesseract, and the
    page column of each of its columns.

    The image is the page's own binarisation (specks, rules and boxes taken
    out) in black on white: it reads better than the grey scan, where
    tesseract's thresholding keeps the noise. White runs wider than an em
    (the gaps of a date blank) are narrowed: in wide white tesseract makes up
    punctuation (。 ” ]).
    """
    import numpy as np

    y0, x0 = max(0, line.y0 - MARGIN), max(0, x0 - MARGIN)
    part = page.ink[y0 : line.y1 + MARGIN, x0 : x1 + MARGIN]
    keep = np.ones(part.shape[1], dtype=bool)
    inked = part.any(axis=0)
    wide, narrow = round(EM), round(0.4 * EM)
    start = None
    for x, ink in enumerate([*np.asarray(inked).tolist(), True]):
        if not ink and start is None:
            start = x
        elif ink and start is not None:
            if x - start > wide:
                keep[start + narrow // 2 : x - (narrow - narrow // 2)] = False
            start = None
    if grey:
        image = page.gray[y0 : line.y1 + MARGIN, x0 : x1 + MARGIN][:, keep]
    else:
        image = np.where(part[:, keep], np.uint8(0), np.uint8(255))
    return np.pad(image, PAD, constant_values=255), np.nonzero(keep)[0] + x0


def find_lines(page: raster.Page) -> tuple[list[Cell], list[Line]]:
    """The page's cells, and its text lines (each cell's, then those outside tables),
    with the tick boxes that stand on each."""
    cells = [c for t in page.tables for c in t.cells]
    lines: list[Any] = []
    inset = 4
    for i, c in enumerate(cells):
        bands = raster.text_bands(page.ink, c.x0 + inset, c.y0 + inset, c.x1 - inset, c.y1 - inset)
        lines.extend(Line(x0, y0, x1, y1, i) for x0, y0, x1, y1 in bands)
    outside = page.ink.copy()
    for t in page.tables:
        outside[t.y0 : t.y1 + 1, t.x0 : t.x1 + 1] = False
    h, w = outside.shape
    bands = raster.text_bands(outside, 0, 0, w, h)
    lines.extend(Line(x0, y0, x1, y1, -1) for x0, y0, x1, y1 in bands)
    _attach_boxes(page, cells, lines)
    return cells, lines


def _attach_boxes(page: raster.Page, cells: list[Cell], lines: list[Line]) -> None:
    """Each tick box to the line of its cell it stands on (a line of its own if none)."""
    for b in page.boxes:
        cx, cy = (b.x0 + b.x1) / 2, (b.y0 + b.y1) / 2
        owner = next((i for i, c in enumerate(cells) if c.x0 < cx < c.x1 and c.y0 < cy < c.y1), -1)
        line = next((ln for ln in lines if ln.owner == owner and ln.y0 <= cy <= ln.y1), None)
        if line is None:
            line = Line(b.x0, b.y0, b.x1, b.y1, owner)
            lines.append(line)
        line.boxes.append(b)
    for line in lines:
        line.boxes.sort(key=lambda b: b.x0)


def _pieces(page: raster.Page, line: Line) -> list[tuple[int, int]]:
    """The stretches of a line between its boxes (page columns, end exclusive).

    A stretch with next to no ink (a speck, what whiting out a box left of
    its blurred edge) is no glyph: tesseract would make one up from it (圖).
    """
    cuts = [(line.x0, line.x0)] + [(b.x0, b.x1) for b in line.boxes] + [(line.x1, line.x1)]
    out = []
    for (_, start), (end, _) in zip(cuts, cuts[1:], strict=False):
        ink = int(page.ink[line.y0 : line.y1, start:end].sum()) if end > start else 0
        if ink >= MIN_INK:
            out.append((start, end))
    return out


def read_lines(
    pages: list[raster.Page], lines: list[list[Line]], workdir: Path, timeout: int
) -> None:
    """OCR every line of every page twice, each reading in one tesseract run.

    The first reading is of the cleaned black-and-white line (psm 7, a single
    text line), the second of the same line in grey. The two runs go side by
    side (each is one thread). Where the readings agree, a misreading is
    unlikely; where they differ, the character is marked for less confidence.
    psm 7 now and then returns nothing for a whole line; those lines are read
    again as raw lines (psm 13), which in turn misreads lone characters.
    """
    from concurrent.futures import ThreadPoolExecutor

    jobs = [(p, ln, x0, x1) for p, page_lines in zip(pages, lines, strict=True)
            for ln in page_lines for x0, x1 in _pieces(p, ln)]
    crops = [_crop(p, ln, x0, x1) for p, ln, x0, x1 in jobs]
    greys = [_crop(p, ln, x0, x1, grey=True)[0] for p, ln, x0, x1 in jobs]
    with ThreadPoolExecutor(max_workers=2) as pool:
        first = pool.submit(ocr_images, [image for image, _ in crops], workdir / "a", "7", timeout)
        second = pool.submit(ocr_images, greys, workdir / "b", "7", timeout)
        got, other = first.result(), second.result()
    read: list[list[Glyph]] = []
    again = []
    for k, ((_, xmap), glyphs, check) in enumerate(zip(crops, got, other, strict=True)):
        both = _agreed(glyphs, check) if glyphs else _agreed(check, [])
        read.append(_placed(jobs[k][1], both, xmap))
        if not read[k]:
            again.append(k)
    if again:
        retry = ocr_images([crops[k][0] for k in again], workdir / "a", "13", timeout)
        for k, glyphs in zip(again, retry, strict=True):
            read[k] = _placed(jobs[k][1], _agreed(glyphs, []), crops[k][1])
    pieces: dict[int, list[tuple[int, list[Glyph]]]] = {}
    for (_, line, x0, _), glyphs in zip(jobs, read, strict=True):
        pieces.setdefault(id(line), []).append((x0, glyphs))
    for page_lines in lines:
        for line in page_lines:
            _assemble(line, pieces.get(id(line), []))


def _assemble(line: Line, pieces: list[tuple[int, list[Glyph]]]) -> None:
    """The line's glyphs: its pieces' and its boxes' (■ or □, as sure as their
    pixels), in the order they stand."""
    boxes = [(b.x0, [Glyph("■" if b.ticked else "□", b.x0, b.y0, b.x1, b.y1, b.sure, -1)])
             for b in line.boxes]
    line.glyphs = [g for _, glyphs in sorted(pieces + boxes, key=lambda p: p[0]) for g in glyphs]
    line.x0 = min([line.x0] + [b.x0 for b in line.boxes])
    line.x1 = max([line.x1] + [b.x1 for b in line.boxes])


def _agreed(glyphs: list[Glyph], check: list[Glyph]) -> list[Glyph]:
    """The glyphs, each marked whether the other reading has the same character there."""
    from difflib import SequenceMatcher

    a = "".join(_fold(g.ch) for g in glyphs)
    b = "".join(_fold(g.ch) for g in check)
    same = [False] * len(glyphs)
    for block in SequenceMatcher(None, a, b, autojunk=False).get_matching_blocks():
        for k in range(block.a, block.a + block.size):
            same[k] = True
    return [replace(g, agreed=ok) for g, ok in zip(glyphs, same, strict=True)]


def _fold(ch: str) -> str:
    folded = unicodedata.normalize("NFKC", ch)
    return folded if len(folded) == 1 else ch


def _placed(line: Line, glyphs: list[Glyph], xmap: Any) -> list[Glyph]:
    """Glyphs of a piece's image in page coordinates, clamped to the piece."""
    last = len(xmap) - 1

    def x(v: int) -> int:
        return int(xmap[min(max(v - PAD, 0), last)])

    dy = max(0, line.y0 - MARGIN) - PAD
    return [replace(g, x0=x(g.x0), y0=g.y0 + dy, x1=x(g.x1), y1=g.y1 + dy) for g in glyphs]


def _is_cjk(ch: str) -> bool:
    return bool(_CJK.match(ch))


def _gaps(page: raster.Page, line: Line) -> list[tuple[int, int]]:
    """The white runs between the inked columns of a line, as (start, end) page columns."""
    import numpy as np

    cols = np.asarray(page.ink[line.y0 : line.y1, line.x0 : line.x1].any(axis=0))
    for b in page.boxes:  # boxes were removed from the ink, but they are glyphs here
        if b.y0 < line.y1 and b.y1 > line.y0:
            cols[max(0, b.x0 - line.x0) : max(0, b.x1 - line.x0)] = True
    padded = np.concatenate(([True], cols, [True])).astype(np.int8)
    d = np.diff(padded)
    starts = np.nonzero(d == -1)[0]
    ends = np.nonzero(d == 1)[0]
    return [(line.x0 + int(a), line.x0 + int(b)) for a, b in zip(starts, ends, strict=True)]


def _made_up(g: Glyph, gaps: list[tuple[int, int]], line: Line) -> bool:
    """Punctuation tesseract put where the line has no ink (a . after the last glyph)."""
    if g.ch not in ".,'`_-·:;":
        return False
    outside = g.x0 >= line.x1 or g.x1 <= line.x0
    return outside or any(a <= g.x0 and g.x1 <= b for a, b in gaps)


def _gap_at(gaps: list[tuple[int, int]], left: Glyph, right: Glyph) -> int:
    """The white between two neighbouring glyphs: the widest white run near where
    they meet (tesseract's character boxes are approximate; the white inside a
    glyph such as 件 is narrower than a space)."""
    lo, hi = min(left.x1, right.x0) - EM / 4, max(left.x1, right.x0) + EM / 4
    return max((b - a for a, b in gaps if a < hi and b > lo), default=0)


def _line_text(page: raster.Page, line: Line) -> tuple[str, list[float]]:
    """A line's text, spaced by the white between glyphs in the pixels.

    chi_tra puts a space between every two CJK characters; here none is kept
    between CJK characters, and elsewhere a space stands where the white is
    wider than SPACE (between two of tesseract's words; inside one, half an em).
    """
    gaps = _gaps(page, line)
    glyphs = [g for g in line.glyphs if not _made_up(g, gaps, line)]
    white = [_gap_at(gaps, a, b) for a, b in zip(glyphs, glyphs[1:], strict=False)]
    chars = _full_width([g.ch for g in glyphs], white)
    text = ""
    sure: list[float] = []
    for i, g in enumerate(glyphs):
        # Inside one of tesseract's words, only white as wide as a full space splits it.
        same_word = i and g.word >= 0 and glyphs[i - 1].word == g.word
        if i and white[i - 1] > (0.45 * EM if same_word else SPACE):
            a, b = chars[i - 1], chars[i]
            latin = not (_is_cjk(a) or _is_cjk(b))
            # Full-width marks carry their own white (、 。 （ ）); boxes are set apart anyway.
            mixed = _is_cjk(a) != _is_cjk(b) and not _PUNCT.match(a) and not _PUNCT.match(b)
            if latin or mixed:
                text += " "
                sure.append(1.0)
        text += chars[i]
        sure.append(char_sure(g))
    return _fix_times(text, sure)


def char_sure(g: Glyph) -> float:
    """A character's sureness: tesseract's confidence, capped where the readings differ."""
    return g.conf if g.agreed else min(g.conf, DISPUTED)


def _full_width(chars: list[str], white: list[int]) -> list[str]:
    """Full-width marks (（ ） ， ：) put back where tesseract returned ASCII ones.

    A full-width mark fills an em, so its ink has about half an em of white
    beside it (before an opening bracket, after the others); at the end of a
    line, a CJK neighbour decides. A bracket then takes its partner's width.
    """
    out = list(chars)
    for i, ch in enumerate(chars):
        if ch not in FULL_WIDTH:
            continue
        if ch == "(":
            side = white[i - 1] if i > 0 else None
            neighbour = chars[i + 1] if i + 1 < len(chars) else ""
        else:
            side = white[i] if i < len(white) else None
            neighbour = chars[i - 1] if i else ""
        if (side is not None and side > 0.45 * EM) or (side is None and _is_cjk(neighbour)):
            out[i] = FULL_WIDTH[ch]
    depth: list[int] = []
    for i, ch in enumerate(out):
        if ch in "(（":
            depth.append(i)
        elif ch in ")）" and depth:
            j = depth.pop()
            if (out[j] == "（") != (ch == "）"):  # a pair of two widths: full width wins
                out[j], out[i] = "（", "）"
    return out


def _fix_times(text: str, sure: list[float]) -> tuple[str, list[float]]:
    """Marks chi_tra misreads in a known way between numbers: × as x, ～ as 一."""
    for pattern, mark in ((_TIMES, "×"), (_TILDE, "～")):
        out, conf, pos = "", [], 0
        for m in pattern.finditer(text):
            out += text[pos : m.start()] + m[1] + mark + m[2]
            conf += sure[pos : m.start()] + [1.0] * len(m[1]) + [min(sure[m.start() : m.end()])]
            conf += [1.0] * len(m[2])
            pos = m.end()
        text, sure = out + text[pos:], conf + sure[pos:]
    return text, sure


def _cell_text(page: raster.Page, lines: list[Line], right_edge: int) -> OcrText:
    """A cell's text: a line that runs up to the right edge was wrapped (WRAP), others broken."""
    text = ""
    sure: list[float] = []
    prev: Line | None = None
    for line in sorted(lines, key=lambda ln: ln.y0):
        t, s = _line_text(page, line)
        if not t:
            continue
        if prev is not None:
            sep = WRAP if right_edge - prev.x1 < 3 * EM else "\n"
            latin = text[-1].isascii() and text[-1].isalnum() and t[0].isascii() and t[0].isalnum()
            sep += " " if sep == WRAP and latin else ""
            text += sep
            sure.extend([1.0] * len(sep))
        text += t
        sure.extend(s)
        prev = line
    return OcrText(text, sure)


def page_units(page: raster.Page, cells: list[Cell], lines: list[Line]) -> list[Unit]:
    """The page's table rows and loose lines, top to bottom, as extract_units gives them."""
    items: list[tuple[float, Unit]] = []
    index = {id(c): i for i, c in enumerate(cells)}
    for table in page.tables:
        rows: dict[int, list[tuple[Cell, OcrText]]] = {}
        for c in table.cells:
            mine = [ln for ln in lines if ln.owner == index[id(c)]]
            rows.setdefault(c.row, []).append((c, _cell_text(page, mine, c.x1)))
        for row in rows.values():
            row.sort(key=lambda ct: ct[0].x0)
            items.append((min(c.y0 for c, _ in row), Unit([t for _, t in row], True)))
    footer = page.gray.shape[0] * FOOTER
    for line in lines:
        if line.owner == -1 and line.y0 < footer:
            t, s = _line_text(page, line)
            if t:
                items.append((line.y0, Unit([OcrText(t, s)], False)))
    items.sort(key=lambda it: it[0])
    return [u for _, u in items]
