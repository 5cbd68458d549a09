"""Reading a scan or photo of a printed form (the ``ocr`` parse source).

The page images are cleaned and their structure found from the pixels
(:mod:`.raster`): ruling lines give the table cells, tick boxes are decided
from the ink inside them. tesseract (``chi_tra``) reads the text of each page
in one call, with the rules and boxes whited out, and its words are put into
the cells by position. That gives the same rows of cells the text route gets
from a PDF's text layer, so :func:`.text.read_text` reads them, with fuzzy
anchors because OCR misreads characters. Every value read this way is listed
for review: its confidence stays below the review threshold.
"""

from __future__ import annotations

import html
import logging
import os
import re
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..catalog import Form, catalog
from ..errors import EnvironmentProblem, LimitExceeded, NotAFormPDFError
from . import raster
from .text import WRAP, TextResult, Unit, read_text, squash

log = logging.getLogger("formkit")

LANG = "chi_tra"
OCR_TIMEOUT_S = 120
INSTALL = "install the Debian packages tesseract-ocr and tesseract-ocr-chi-tra"
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


class OcrText(str):
    """A cell's OCR'd text that knows how sure each of its characters is."""

    sure: tuple[float, ...]

    def __new__(cls, text: str, sure: list[float]) -> OcrText:
        obj = super().__new__(cls, text)
        obj.sure = tuple(sure)
        return obj

    def rate(self, start: int, end: int, errors: int = 0) -> float:
        """How sure a value read from text[start:end] is, for read_text.

        The least sure character of the span decides, less for each character
        the cell's anchors had to forgive; a box that was not found at all is
        a guess. Values stay under 0.95: OCR is never certain.
        """
        if start < 0:
            return 0.5
        picked = [c for ch, c in zip(self[start:end], self.sure[start:end], strict=True)
                  if not ch.isspace()]
        least = min(picked) if picked else 0.9
        return max(0.0, min(0.92, least) - 0.03 * errors)


# ---------------------------------------------------------------- tesseract


def _tesseract() -> str:
    exe = shutil.which("tesseract")
    if exe is None:
        raise EnvironmentProblem(f"OCR needs the tesseract program: {INSTALL}")
    return exe


def ocr_images(images: list[Any], workdir: Path, psm: str, timeout: int) -> list[list[Glyph]]:
    """tesseract's characters on each image, from one process (the model loads once).

    tesseract reads a list file of images as the pages of one document; its
    hOCR output with character boxes gives each character's own confidence.
    """
    from PIL import Image

    if not images:
        return []
    paths = []
    for i, image in enumerate(images):
        path = workdir / f"l{psm}_{i}.png"
        Image.fromarray(image).save(path, compress_level=1)
        paths.append(str(path))
    listing = workdir / f"list{psm}.txt"
    listing.write_text("\n".join(paths) + "\n", encoding="utf-8")
    env = dict(os.environ, OMP_THREAD_LIMIT="1")
    cmd = [_tesseract(), str(listing), "stdout", "-l", LANG, "--psm", psm,
           "--dpi", str(raster.DPI), "-c", "hocr_char_boxes=1", "hocr"]
    try:
        proc = subprocess.run(cmd, capture_output=True, env=env, timeout=timeout, check=False)
    except subprocess.TimeoutExpired as exc:
        raise LimitExceeded(f"OCR took longer than {timeout} s") from exc
    if proc.returncode != 0:
        err = proc.stderr.decode("utf-8", "replace")
        if "Failed loading language" in err or "Error opening data file" in err:
            raise EnvironmentProblem(f"tesseract has no {LANG} model: {INSTALL}")
        raise EnvironmentProblem(f"tesseract failed: {err.strip()[-300:]}")
    return _parse_hocr(proc.stdout.decode("utf-8", "replace"), len(images))


_HOCR = re.compile(r"class='(ocr_page|ocrx_word|ocrx_cinfo)' [^>]*?title='([^']*)'>([^<]*)")
_BBOX = re.compile(r"(?:bbox|x_bboxes) (-?\d+) (-?\d+) (-?\d+) (-?\d+)")
_CONF = re.compile(r"x_conf (-?[\d.]+)")


def _parse_hocr(hocr: str, pages: int) -> list[list[Glyph]]:
    out: list[list[Glyph]] = [[] for _ in range(pages)]
    page, word = -1, 0
    for kind, title, text in _HOCR.findall(hocr):
        if kind == "ocr_page":
            page += 1
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
    """A text line found in the pixels: inside a table cell (owner), or loose (-1)."""

    x0: int
    y0: int
    x1: int
    y1: int
    owner: int
    glyphs: list[Glyph]


PAD = 16  # white around a line image: tesseract misses glyphs that touch the edge
MARGIN = 4  # page pixels kept around a line's ink
EM = 10.5 / 72 * raster.DPI  # the body text's em in pixels
FULL_WIDTH = {"(": "（", ")": "）", ",": "，", ":": "：", ";": "；", "?": "？", "!": "！"}


def _crop(page: raster.Page, line: Line) -> tuple[Any, Any]:
    """The line's image for tesseract, and the page column of each of its columns.

    The image is the page's own binarisation (specks, rules and boxes taken
    out) in black on white: it reads better than the grey scan, where
    tesseract's thresholding keeps the noise. White runs wider than an em
    (where a box was, the gaps of a date blank) are narrowed: in wide white
    tesseract makes up punctuation (。 ” ]).
    """
    import numpy as np

    y0, x0 = max(0, line.y0 - MARGIN), max(0, line.x0 - MARGIN)
    part = page.ink[y0 : line.y1 + MARGIN, x0 : line.x1 + MARGIN]
    keep = np.ones(part.shape[1], dtype=bool)
    inked = part.any(axis=0)
    wide, narrow = round(EM), round(0.4 * EM)
    start = None
    for x, ink in enumerate([*inked.tolist(), True]):
        if not ink and start is None:
            start = x
        elif ink and start is not None:
            if x - start > wide:
                keep[start + narrow // 2 : x - (narrow - narrow // 2)] = False
            start = None
    image = np.where(part[:, keep], np.uint8(0), np.uint8(255))
    return np.pad(image, PAD, constant_values=255), np.nonzero(keep)[0] + x0


def find_lines(page: raster.Page) -> tuple[list[raster.Cell], list[Line]]:
    """The page's cells, and its text lines: those of each cell, then those outside tables."""
    cells = [c for t in page.tables for c in t.cells]
    lines = []
    inset = 4
    for i, c in enumerate(cells):
        bands = raster.text_bands(page.ink, c.x0 + inset, c.y0 + inset, c.x1 - inset, c.y1 - inset)
        lines.extend(Line(x0, y0, x1, y1, i, []) for x0, y0, x1, y1 in bands)
    outside = page.ink.copy()
    for t in page.tables:
        outside[t.y0 : t.y1 + 1, t.x0 : t.x1 + 1] = False
    h, w = outside.shape
    bands = raster.text_bands(outside, 0, 0, w, h)
    lines.extend(Line(x0, y0, x1, y1, -1, []) for x0, y0, x1, y1 in bands)
    return cells, lines


def read_lines(pages: list[raster.Page], lines: list[list[Line]], workdir: Path, timeout: int) -> None:
    """OCR every line of every page in one tesseract run (psm 7, a single text line).

    psm 7 now and then returns nothing for a whole line; those lines are read
    again as raw lines (psm 13), which in turn misreads lone characters.
    """
    flat = [ln for page_lines in lines for ln in page_lines]
    crops = [_crop(p, ln) for p, page_lines in zip(pages, lines, strict=True) for ln in page_lines]
    got = ocr_images([image for image, _ in crops], workdir, "7", timeout)
    again = []
    for ln, (image, xmap), glyphs in zip(flat, crops, got, strict=True):
        _place(ln, glyphs, xmap)
        if not ln.glyphs:
            again.append((ln, image, xmap))
    if again:
        got = ocr_images([image for _, image, _ in again], workdir, "13", timeout)
        for (ln, _, xmap), glyphs in zip(again, got, strict=True):
            _place(ln, glyphs, xmap)


def _place(line: Line, glyphs: list[Glyph], xmap: Any) -> None:
    """Glyphs of a line image moved to page coordinates."""
    last = len(xmap) - 1

    def x(v: int) -> int:
        return int(xmap[min(max(v - PAD, 0), last)])

    dy = max(0, line.y0 - MARGIN) - PAD
    line.glyphs = [Glyph(g.ch, x(g.x0), g.y0 + dy, x(g.x1), g.y1 + dy, g.conf, g.word)
                   for g in glyphs]


def _is_cjk(ch: str) -> bool:
    return bool(_CJK.match(ch))


def _gaps(page: raster.Page, line: Line) -> list[tuple[int, int]]:
    """The white runs between the inked columns of a line, as (start, end) page columns."""
    import numpy as np

    cols = page.ink[line.y0 : line.y1, line.x0 : line.x1].any(axis=0)
    for b in page.boxes:  # boxes were removed from the ink, but they are glyphs here
        if b.y0 < line.y1 and b.y1 > line.y0:
            cols[max(0, b.x0 - line.x0) : max(0, b.x1 - line.x0)] = True
    padded = np.concatenate(([True], cols, [True])).astype(np.int8)
    d = np.diff(padded)
    starts = np.nonzero(d == -1)[0]
    ends = np.nonzero(d == 1)[0]
    return [(line.x0 + int(a), line.x0 + int(b)) for a, b in zip(starts, ends, strict=True)]


def _gap_at(gaps: list[tuple[int, int]], left: Glyph, right: Glyph) -> int:
    """The width of the white run between two neighbouring glyphs (tesseract's
    boxes are approximate, so the run nearest their meeting point)."""
    mid = (left.x1 + right.x0) / 2
    best, dist = 0, EM * 0.3
    for a, b in gaps:
        d = 0.0 if a <= mid <= b else min(abs(mid - a), abs(mid - b))
        if d < dist or (d == dist == 0.0 and b - a > best):
            best, dist = b - a, d
    return best


def _line_text(page: raster.Page, line: Line) -> tuple[str, list[float]]:
    """A line's text, spaced by the white between glyphs in the pixels.

    chi_tra puts a space between every two CJK characters; here none is kept
    between CJK characters, and elsewhere a space stands where the white is
    wider than a third of an em. ASCII punctuation that tesseract returns for
    full-width marks (（ ） ， ：) is put back by the same white: a full-width
    mark fills an em, so its ink has half an em of white beside it.
    """
    glyphs = line.glyphs
    gaps = _gaps(page, line)
    chars = [g.ch for g in glyphs]
    white = [_gap_at(gaps, a, b) for a, b in zip(glyphs, glyphs[1:], strict=False)]
    for i, ch in enumerate(chars):
        if ch not in FULL_WIDTH:
            continue
        before = white[i - 1] if i > 0 else None
        after = white[i] if i < len(white) else None
        neighbour = chars[i + 1] if ch == "(" and i + 1 < len(chars) else chars[i - 1] if i else ""
        if ch == "(":
            wide = before is not None and before > 0.45 * EM
        else:
            wide = after is not None and after > 0.45 * EM
        edge = (before is None) if ch == "(" else (after is None)
        if wide or (edge and _is_cjk(neighbour)):
            chars[i] = FULL_WIDTH[ch]
    text = ""
    sure: list[float] = []
    for i, g in enumerate(glyphs):
        if i:
            a, b = chars[i - 1], chars[i]
            same_word = glyphs[i - 1].word == g.word and g.word >= 0
            if not (_is_cjk(a) or _is_cjk(b)) and not same_word and white[i - 1] > EM / 3:
                text += " "
                sure.append(1.0)
            elif (_is_cjk(a) != _is_cjk(b)) and white[i - 1] > EM / 3 and a not in "□■" and b not in "□■":
                text += " "
                sure.append(1.0)
        text += chars[i]
        sure.append(g.conf)
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


def _add_boxes(page: raster.Page, cells: list[raster.Cell], lines: list[Line]) -> None:
    """Each tick box as a glyph (■ or □) on the line it stands on, sure as its pixels are."""
    for b in page.boxes:
        cx, cy = (b.x0 + b.x1) / 2, (b.y0 + b.y1) / 2
        owner = next((i for i, c in enumerate(cells) if c.x0 < cx < c.x1 and c.y0 < cy < c.y1), -1)
        glyph = Glyph("■" if b.ticked else "□", b.x0, b.y0, b.x1, b.y1, b.sure, -1)
        line = next((ln for ln in lines if ln.owner == owner and ln.y0 <= cy <= ln.y1), None)
        if line is None:
            line = Line(b.x0, b.y0, b.x1, b.y1, owner, [])
            lines.append(line)
        # tesseract's order is the reading order (its character boxes overlap);
        # the box goes before the first glyph that stands right of its centre.
        at = next((k for k, g in enumerate(line.glyphs) if (g.x0 + g.x1) / 2 > cx), len(line.glyphs))
        line.glyphs.insert(at, glyph)
        line.x0, line.x1 = min(line.x0, b.x0), max(line.x1, b.x1)


def page_units(page: raster.Page, cells: list[raster.Cell], lines: list[Line]) -> list[Unit]:
    """The page's table rows and loose lines, top to bottom, as extract_units gives them."""
    _add_boxes(page, cells, lines)
    items: list[tuple[float, Unit]] = []
    index = {id(c): i for i, c in enumerate(cells)}
    for table in page.tables:
        rows: dict[int, list[tuple[raster.Cell, OcrText]]] = {}
        for c in table.cells:
            mine = [ln for ln in lines if ln.owner == index[id(c)]]
            rows.setdefault(c.row, []).append((c, _cell_text(page, mine, c.x1)))
        for row in rows.values():
            row.sort(key=lambda ct: ct[0].x0)
            items.append((min(c.y0 for c, _ in row), Unit([t for _, t in row], True)))
    for line in lines:
        if line.owner == -1:
            t, s = _line_text(page, line)
            if t:
                items.append((line.y0, Unit([OcrText(t, s)], False)))
    items.sort(key=lambda it: it[0])
    return [u for _, u in items]


# ---------------------------------------------------------------- the route


def read_scan(data: bytes, *, name: str, is_pdf: bool, form: Form | None = None) -> tuple[Form, TextResult]:
    """The form on a scan (image-only PDF, PNG, JPEG or TIFF) and the record read from it.

    Raises NotAFormPDFError when no printed form is found on the pages,
    LimitExceeded for images or page counts over the caps, and
    EnvironmentProblem when tesseract or its chi_tra model is missing.
    """
    _tesseract()
    started = time.perf_counter()
    pages = _prepared(raster.load_images(data, name=name, is_pdf=is_pdf), name)
    prepared = time.perf_counter()
    found = [find_lines(p) for p in pages]
    with tempfile.TemporaryDirectory(prefix="formkit-ocr-") as tmp:
        read_lines(pages, [lines for _, lines in found], Path(tmp), timeout=_timeout(len(pages)))
    units = [u for p, (cells, lines) in zip(pages, found, strict=True) for u in page_units(p, cells, lines)]
    target = _identify(units, form, name)
    result = read_text(target, units, fuzzy=True)
    _review_all(target, result)
    log.debug("OCR of %s: %d pages, %.2f s preparing, %.2f s in all", name, len(pages),
              prepared - started, time.perf_counter() - started)
    return target, result


def _timeout(pages: int) -> int:
    return OCR_TIMEOUT_S + 20 * pages


def _prepared(images: list[Any], name: str) -> list[raster.Page]:
    """Cleaned pages; refuses scans with nothing a form would have on them."""
    pages = []
    for image in images:
        try:
            page = raster.prepare(image)
        except MemoryError as exc:
            raise LimitExceeded(f"{name}: the page images are too large to process") from exc
        if page is not None:
            pages.append(page)
    if not pages:
        raise NotAFormPDFError(f"{name}: the scan is blank (no printed form found)")
    if not any(p.tables for p in pages):
        raise NotAFormPDFError(
            f"{name}: no printed form found on the scan (no table ruled with lines); "
            "send a scan or photo of a whole formkit form"
        )
    return pages


def _title_errors(title: str, text: str) -> float:
    """The share of a title's characters misread where it best matches the text (1.0: absent)."""
    import regex

    title = squash(title)
    if not title or not text:
        return 1.0
    k = max(1, len(title) // 3)
    m = regex.search(f"(?:{regex.escape(title)}){{e<={k}}}", text, regex.BESTMATCH)
    return sum(m.fuzzy_counts) / len(title) if m else 1.0


def _identify(units: list[Unit], wanted: Form | None, name: str) -> Form:
    """The form whose title is printed at the top of the scan (misread characters allowed)."""
    head = squash("".join(c for u in units[:12] for c in u.cells))
    if wanted is not None:
        if _title_errors(wanted.title, head) > 0.5:
            raise NotAFormPDFError(f"{name}: the title of {wanted.id} is not on the scan")
        return wanted
    scored = sorted(((_title_errors(f.title, head), -len(squash(f.title)), f.id, f) for f in catalog()),
                    key=lambda s: s[:3])
    if not scored or scored[0][0] > 0.34:
        raise NotAFormPDFError(f"{name}: not a formkit form (no known form title found on the scan)")
    return scored[0][3]


# Nothing read by OCR is certain: every value stays under parse.REVIEW_BELOW (0.95).
MAX_CONFIDENCE = 0.94


def _review_all(form: Form, result: TextResult) -> None:
    for key, value in result.confidence.items():
        result.confidence[key] = round(min(value, MAX_CONFIDENCE), 3)
