"""Page images of a scan: loading them with caps, cleaning them, and finding the
printed structure (ruling lines, table cells, tick boxes) from the pixels.

Only numpy and Pillow are used. The shapes on a printed formkit page are simple
(straight thin rules, square tick boxes), so run lengths and integral images
find them; a computer-vision package would add weight and nothing more.
"""

from __future__ import annotations

import io
import math
import warnings
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..errors import LimitExceeded, NotAFormPDFError
from .pdfio import MAX_PAGES

# Pages are brought to this resolution: tesseract reads 10.5 pt CJK best with
# glyphs about 40 px high, and the thresholds below are in inches.
DPI = 300
# An image as sent (A4 at 600 dpi is 35 Mpx). Bigger is refused before decoding.
MAX_PIXELS = 60_000_000
# A PDF page side longer than this is not a form page (A0 is 47 in).
MAX_PAGE_INCHES = 50.0
# A4 width in inches: a full-page scan sent without a usable resolution.
A4_WIDTH_IN = 210 / 25.4
MAX_SKEW_DEG = 5.0


@dataclass
class Box:
    """A printed tick box found in the pixels, and whether it is ticked."""

    x0: int
    y0: int
    x1: int
    y1: int
    ticked: bool
    sure: float  # how clear the decision is, 0..1


@dataclass
class Cell:
    x0: int
    y0: int
    x1: int
    y1: int
    row: int  # index of the lattice row the cell starts in


@dataclass
class Table:
    x0: int
    y0: int
    x1: int
    y1: int
    cells: list[Cell] = field(default_factory=list)


@dataclass
class Page:
    """A page ready for OCR: greyscale at DPI with rules and boxes whited out."""

    gray: np.ndarray
    ink: np.ndarray  # the binarised page, rules and boxes removed too
    tables: list[Table]
    boxes: list[Box]
    skew: float  # degrees the scan was rotated back by


def _inch(n: float) -> int:
    return max(1, round(n * DPI))


# ---------------------------------------------------------------- loading


def load_images(data: bytes, *, name: str, is_pdf: bool) -> list[Any]:
    """The pages as greyscale PIL images at about DPI; refuses what cannot be a form scan."""
    return _pdf_pages(data, name) if is_pdf else _image_pages(data, name)


def _pdf_pages(data: bytes, name: str) -> list[Any]:
    import pypdfium2 as pdfium

    try:
        doc = pdfium.PdfDocument(data)
    except (pdfium.PdfiumError, ValueError, OSError) as exc:
        raise NotAFormPDFError(f"{name}: not a readable PDF ({exc})") from exc
    try:
        if len(doc) > MAX_PAGES:
            raise LimitExceeded(f"{name}: {len(doc)} pages, more than the cap of {MAX_PAGES}")
        pages = []
        for i in range(len(doc)):
            page = doc[i]
            w, h = page.get_size()
            if max(w, h) / 72 > MAX_PAGE_INCHES:
                raise LimitExceeded(
                    f"{name}: page {i + 1} is {w / 72:.0f} × {h / 72:.0f} in, too large for a form page"
                )
            scale = DPI / 72
            if w * h * scale * scale > MAX_PIXELS:
                scale = math.sqrt(MAX_PIXELS / (w * h))
            try:
                image = page.render(scale=scale, grayscale=True).to_pil().convert("L")
            except pdfium.PdfiumError as exc:
                raise NotAFormPDFError(f"{name}: page {i + 1} cannot be drawn ({exc})") from exc
            pages.append(image)
        return pages
    finally:
        doc.close()


def _image_pages(data: bytes, name: str) -> list[Any]:
    from PIL import Image, ImageOps, UnidentifiedImageError

    with warnings.catch_warnings():
        # Pillow warns, then refuses, past its own pixel cap: both become our refusal.
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            image = Image.open(io.BytesIO(data))
            w, h = image.size
            if w * h > MAX_PIXELS:
                raise LimitExceeded(
                    f"{name}: the image is {w} × {h} pixels, more than the cap of "
                    f"{MAX_PIXELS // 1_000_000} million; scan at 300 dpi"
                )
            frames = getattr(image, "n_frames", 1)
            if frames > MAX_PAGES:
                raise LimitExceeded(f"{name}: {frames} pages, more than the cap of {MAX_PAGES}")
            pages = []
            for i in range(frames):
                image.seek(i)
                frame = ImageOps.exif_transpose(image) if i == 0 else image
                pages.append(_normalised(_to_gray(frame), image.info.get("dpi")))
            return pages
        except LimitExceeded:
            raise
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
            raise LimitExceeded(f"{name}: the image is too large to decode safely") from exc
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError, TypeError,
                IndexError, KeyError, EOFError, struct_error(), MemoryError) as exc:
            raise NotAFormPDFError(f"{name}: not a readable image ({type(exc).__name__}: {exc})") from exc


def struct_error() -> type[Exception]:
    import struct

    return struct.error


def _to_gray(image: Any) -> Any:
    """An 8-bit greyscale copy; transparency is laid on white, 16-bit data scaled."""
    from PIL import Image

    mode = image.mode
    if mode in ("I;16", "I;16B", "I;16L", "I;16N", "I", "F"):
        a = np.asarray(image, dtype=np.float64)
        top = 65535.0 if mode.startswith("I;16") else max(float(a.max()), 1.0)
        return Image.fromarray(np.clip(a / top * 255.0, 0, 255).astype(np.uint8), "L")
    if mode == "P" and "transparency" in image.info:
        image = image.convert("RGBA")
    if image.mode in ("RGBA", "LA", "PA", "La", "RGBa"):
        rgba = image.convert("RGBA")
        white = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        image = Image.alpha_composite(white, rgba)
    return image.convert("L")


def _normalised(image: Any, dpi_info: Any) -> Any:
    """The image resampled to about DPI.

    The resolution is taken from the page width when the image has A4's
    proportions (a full-page scan), else from the file's dpi, else assumed.
    """
    from PIL import Image

    w, h = image.size
    short, long_ = min(w, h), max(w, h)
    dpi: float | None = None
    if short and 1.32 <= long_ / short <= 1.50:
        dpi = short / A4_WIDTH_IN
    elif isinstance(dpi_info, tuple) and dpi_info and 72 <= float(dpi_info[0]) <= 1200:
        dpi = float(dpi_info[0])
    if dpi is None or abs(dpi - DPI) / DPI < 0.08:
        return image
    factor = DPI / dpi
    if w * h * factor * factor > MAX_PIXELS:
        factor = math.sqrt(MAX_PIXELS / (w * h))
    size = (max(1, round(w * factor)), max(1, round(h * factor)))
    return image.resize(size, Image.Resampling.LANCZOS if factor < 1 else Image.Resampling.BICUBIC)


# ---------------------------------------------------------------- cleaning


def otsu(gray: np.ndarray) -> int | None:
    """The ink/paper threshold, or None when the page has no clear ink (blank or flat)."""
    hist = np.bincount(gray.ravel(), minlength=256).astype(np.float64)
    total = hist.sum()
    levels = np.arange(256, dtype=np.float64)
    w0 = np.cumsum(hist)
    m0 = np.cumsum(hist * levels)
    w1 = total - w0
    with np.errstate(divide="ignore", invalid="ignore"):
        mean0 = m0 / w0
        mean1 = (m0[-1] - m0) / w1
        between = w0 * w1 * (mean0 - mean1) ** 2
    between = np.nan_to_num(between)
    t = int(np.argmax(between))
    if w0[t] == 0 or w1[t] == 0 or mean1[t] - mean0[t] < 60:
        return None
    return min(max(t, 60), 200)


def binarise(gray: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Ink as True, and the specks taken out of it.

    A speck is ink with at most four inked pixels in the 5 × 5 square around
    it: dust, scanner noise. A stroke, even one pixel thin, has five there;
    only the last pixels of a hairline's end go with the specks.
    """
    t = otsu(gray)
    if t is None:
        empty = np.zeros(gray.shape, dtype=bool)
        return empty, empty
    dark = gray <= t
    specks = dark & (_box_sum(dark, 2) <= 4)
    return dark & ~specks, specks


def _box_sum(a: np.ndarray, r: int) -> np.ndarray:
    """The number of True pixels in the (2r+1)-square around each pixel."""
    c = _cumsum0(_cumsum0(a.astype(np.uint8), 0), 1)
    h, w = a.shape
    p = np.pad(c, ((r, r + 1), (r, r + 1)), mode="edge")
    k = 2 * r + 1
    return p[k:k + h, k:k + w] - p[:h, k:k + w] - p[k:k + h, :w] + p[:h, :w]


def estimate_skew(dark: np.ndarray) -> float:
    """The small rotation of the scan in degrees, from projection-profile sharpness.

    Ruling lines and text lines give the row profile its sharpest peaks when
    they lie level; the shear that maximises the sum of squared row counts is
    the skew. Points are subsampled: the answer needs a few hundred thousand.
    """
    ys, xs = np.nonzero(dark[::2, ::2])
    if len(ys) < 200:
        return 0.0
    if len(ys) > 200_000:
        pick = np.random.default_rng(0).choice(len(ys), 200_000, replace=False)
        ys, xs = ys[pick], xs[pick]
    ys = ys.astype(np.float64)
    xs = xs.astype(np.float64) - xs.mean()

    def sharpness(deg: float) -> float:
        shifted = np.round(ys - xs * math.tan(math.radians(deg))).astype(np.int64)
        shifted -= shifted.min()
        counts = np.bincount(shifted).astype(np.float64)
        return float((counts * counts).sum())

    best = max(np.arange(-MAX_SKEW_DEG, MAX_SKEW_DEG + 1e-9, 0.25), key=sharpness)
    fine = np.arange(best - 0.25, best + 0.25 + 1e-9, 0.025)
    return float(max(fine, key=sharpness))


# ---------------------------------------------------------------- ruling lines


@dataclass
class _Seg:
    pos: int  # y of a horizontal rule, x of a vertical one (centre)
    a: int  # start along the rule
    b: int  # end along the rule (inclusive)
    lo: int  # first row (or column) of its thickness
    hi: int  # last row (or column)


def _long_runs(dark: np.ndarray, length: int) -> list[tuple[int, int, int]]:
    """(row, start, end) of every horizontal run of ink at least ``length`` long."""
    h, w = dark.shape
    padded = np.zeros((h, w + 2), dtype=np.int8)
    padded[:, 1:-1] = dark
    d = np.diff(padded, axis=1)
    sy, sx = np.nonzero(d == 1)
    ey, ex = np.nonzero(d == -1)
    keep = (ex - sx) >= length
    return list(zip(sy[keep].tolist(), sx[keep].tolist(), (ex[keep] - 1).tolist(), strict=True))


def _rules(dark: np.ndarray, length: int) -> list[_Seg]:
    """Horizontal rules: long runs of ink, the rows of one rule merged.

    Each row is ORed with the next two first, so a rule that the deskew left a
    pixel off level still gives one unbroken run, and breaks of a few pixels
    (a faint print, noise) are bridged. Pieces of one rule that still come
    apart are joined afterwards.
    """
    thick = dark.copy()
    thick[:-1] |= dark[1:]
    thick[:-2] |= dark[2:]
    left = np.zeros_like(thick)
    right = np.zeros_like(thick)
    for k in (1, 2, 3):
        left[:, k:] |= thick[:, :-k]
        right[:, :-k] |= thick[:, k:]
    thick |= left & right
    segs: list[_Seg] = []
    open_: list[_Seg] = []
    for y, a, b in sorted(_long_runs(thick, length)):
        for s in open_:
            if s.hi >= y - 1 and a <= s.b and b >= s.a:
                s.hi, s.a, s.b = y, min(s.a, a), max(s.b, b)
                break
        else:
            s = _Seg(0, a, b, y, y)
            open_.append(s)
            segs.append(s)
        open_ = [o for o in open_ if o.hi >= y - 1]
    for s in segs:
        s.lo = min(s.lo + 2, s.hi)  # the OR above reached two rows up
    segs = _joined(segs, _inch(0.03))
    return [s for s in segs if s.hi - s.lo <= _inch(0.04)]  # a bar, not a filled area


def _joined(segs: list[_Seg], gap: int) -> list[_Seg]:
    """Pieces of one rule (rows overlapping or adjacent, ends close) as one segment."""
    out: list[_Seg] = []
    for s in sorted(segs, key=lambda s: (s.a, s.lo)):
        for o in out:
            if s.lo <= o.hi + 2 and s.hi >= o.lo - 2 and s.a <= o.b + gap:
                o.a, o.b = min(o.a, s.a), max(o.b, s.b)
                o.lo, o.hi = min(o.lo, s.lo), max(o.hi, s.hi)
                break
        else:
            out.append(_Seg(0, s.a, s.b, s.lo, s.hi))
    for s in out:
        s.pos = (s.lo + s.hi) // 2
    return out


def find_rules(dark: np.ndarray) -> tuple[list[_Seg], list[_Seg]]:
    """Horizontal and vertical rules: ink runs longer than any stroke of a glyph."""
    length = _inch(0.22)
    return _rules(dark, length), _rules(dark.T, length)


# ---------------------------------------------------------------- tables


def _find(parent: list[int], i: int) -> int:
    while parent[i] != i:
        parent[i] = parent[parent[i]]
        i = parent[i]
    return i


def _union(parent: list[int], a: int, b: int) -> None:
    ra, rb = _find(parent, a), _find(parent, b)
    if ra != rb:
        parent[max(ra, rb)] = min(ra, rb)


def _cluster(values: list[int], tol: int) -> list[int]:
    out: list[int] = []
    for v in sorted(values):
        if out and v - out[-1] <= tol:
            continue
        out.append(v)
    return out


def find_tables(hs: list[_Seg], vs: list[_Seg]) -> list[Table]:
    """Tables: groups of rules that cross, cut into cells the way pdfplumber does.

    A cell is a lattice square merged with its neighbours across every
    missing rule (colspan, rowspan); a table row is the cells that start in
    the same lattice row, left to right.
    """
    tol = _inch(0.02)
    # A rule of the grid ends on crossing rules at both ends; an underline for a
    # blank that runs into a cell's side does not, and cuts no cell.
    hs = [h for h in hs if _ends_on(h, vs, tol)]
    vs = [v for v in vs if _ends_on(v, hs, tol)]
    n = len(hs) + len(vs)
    parent = list(range(n))
    for i, h in enumerate(hs):
        for j, v in enumerate(vs):
            if h.a - tol <= v.pos <= h.b + tol and v.a - tol <= h.pos <= v.b + tol:
                _union(parent, i, len(hs) + j)
    groups: dict[int, tuple[list[_Seg], list[_Seg]]] = {}
    for i in range(n):
        root = _find(parent, i)
        g = groups.setdefault(root, ([], []))
        (g[0].append(hs[i]) if i < len(hs) else g[1].append(vs[i - len(hs)]))
    tables = []
    for gh, gv in groups.values():
        if len(gh) >= 2 and len(gv) >= 2:
            table = _lattice(gh, gv, tol)
            if table.cells:
                tables.append(table)
    # A frame drawn around the page (a certificate's border) is no table.
    tables = [t for t in tables if not any(_encloses(t, o) for o in tables if o is not t)]
    return sorted(tables, key=lambda t: t.y0)


def _encloses(outer: Table, inner: Table) -> bool:
    return (outer.x0 <= inner.x0 and outer.y0 <= inner.y0 and outer.x1 >= inner.x1
            and outer.y1 >= inner.y1)


def _ends_on(seg: _Seg, across: list[_Seg], tol: int) -> bool:
    def meets(end: int) -> bool:
        return any(abs(o.pos - end) <= tol and o.a - tol <= seg.pos <= o.b + tol for o in across)

    return meets(seg.a) and meets(seg.b)


def _covers(segs: list[_Seg], pos: int, at: int, tol: int) -> bool:
    return any(abs(s.pos - pos) <= tol and s.a - tol <= at <= s.b + tol for s in segs)


def _lattice(hs: list[_Seg], vs: list[_Seg], tol: int) -> Table:
    ys = _cluster([h.pos for h in hs], tol)
    xs = _cluster([v.pos for v in vs], tol)
    rows, cols = len(ys) - 1, len(xs) - 1
    parent = list(range(rows * cols))
    for i in range(rows):
        ymid = (ys[i] + ys[i + 1]) // 2
        for j in range(cols):
            xmid = (xs[j] + xs[j + 1]) // 2
            if j + 1 < cols and not _covers(vs, xs[j + 1], ymid, tol):
                _union(parent, i * cols + j, i * cols + j + 1)
            if i + 1 < rows and not _covers(hs, ys[i + 1], xmid, tol):
                _union(parent, i * cols + j, (i + 1) * cols + j)
    spans: dict[int, list[int]] = {}
    for k in range(rows * cols):
        i, j = divmod(k, cols)
        r = _find(parent, k)
        s = spans.setdefault(r, [i, j, i, j])
        s[0], s[1] = min(s[0], i), min(s[1], j)
        s[2], s[3] = max(s[2], i), max(s[3], j)
    cells = []
    for i0, j0, i1, j1 in spans.values():
        top = all(_covers(hs, ys[i0], (xs[j] + xs[j + 1]) // 2, tol) for j in range(j0, j1 + 1))
        left = all(_covers(vs, xs[j0], (ys[i] + ys[i + 1]) // 2, tol) for i in range(i0, i1 + 1))
        thin = min(xs[j1 + 1] - xs[j0], ys[i1 + 1] - ys[i0]) < _inch(0.08)
        if top and left and not thin:  # not a notch outside the outline, nor a double rule
            cells.append(Cell(xs[j0], ys[i0], xs[j1 + 1], ys[i1 + 1], i0))
    cells.sort(key=lambda c: (c.row, c.x0))
    return Table(xs[0], ys[0], xs[-1], ys[-1], cells)


# ---------------------------------------------------------------- tick boxes


def _window(c: np.ndarray, n: int, axis: int) -> np.ndarray:
    """Sums over windows of n along an axis, from a cumulative sum with a leading zero."""
    if axis == 0:
        return c[n:] - c[:-n]
    return c[:, n:] - c[:, :-n]


def _cumsum0(a: np.ndarray, axis: int) -> np.ndarray:
    """Cumulative sum along an axis with a leading zero (so window sums are differences)."""
    shape = list(a.shape)
    shape[axis] += 1
    out = np.zeros(shape, dtype=np.int32)
    np.cumsum(a, axis=axis, dtype=np.int32, out=out[1:] if axis == 0 else out[:, 1:])
    return out


def _pool(dark: np.ndarray) -> np.ndarray:
    """Half size, a pixel inked if any of its four was: thin strokes survive."""
    h, w = dark.shape[0] // 2 * 2, dark.shape[1] // 2 * 2
    d = dark[:h, :w]
    return d[0::2, 0::2] | d[1::2, 0::2] | d[0::2, 1::2] | d[1::2, 1::2]


BOX_PX = 36 * DPI / 300  # side of □ in Noto Sans CJK at 10.5 pt


def find_boxes(dark: np.ndarray) -> list[Box]:
    """Printed tick boxes (□, ■, a □ with a V or X over it) and whether each is ticked.

    A box is a square whose four sides are unbroken, about 0.8 em of the
    10.5 pt text, with white around it. The search runs on a half-size image
    (four times fewer pixels); each square found is then measured at full
    size. What is inside decides: nothing (□), ink almost everywhere (■), or
    a mark without the straight inner strokes of a glyph like 田 or 回.
    """
    found = _squares(_pool(dark), BOX_PX / 2)
    return _boxes([(2 * y, 2 * x, 2 * s) for y, x, s in found], dark)


def _squares(dark: np.ndarray, nominal: float) -> list[tuple[int, int, int]]:
    """(y, x, side) of squares with unbroken sides and white around them, best first."""
    sizes = range(round(nominal * 0.8), round(nominal * 1.25) + 1)
    t = 2
    h, w = dark.shape
    if h < sizes[-1] + 8 or w < sizes[-1] + 8:
        return []
    a = dark.astype(np.uint8)
    # Per column, whether a t-high band starting at each row holds ink; rows likewise.
    hband = _window(_cumsum0(a, 0), t, 0) > 0  # (h-t+1, w)
    vband = _window(_cumsum0(a, 1), t, 1) > 0  # (h, w-t+1)
    ch = _cumsum0(hband, 1)  # (h-t+1, w+1)
    cv = _cumsum0(vband, 0)  # (h+1, w-t+1)
    s0 = sizes[0]
    top = _window(ch, s0, 1)
    left = _window(cv, s0, 0)
    hh = min(top.shape[0], left.shape[0])
    ww = min(top.shape[1], left.shape[1])
    ys, xs = np.nonzero((top[:hh, :ww] >= 0.9 * s0) & (left[:hh, :ww] >= 0.9 * s0))
    if len(ys) == 0 or len(ys) > 200_000:  # none, or a photo rather than a page of text
        return []
    integral = _cumsum0(_cumsum0(a, 0), 1)

    def rect(y0: np.ndarray, x0: np.ndarray, y1: np.ndarray, x1: np.ndarray) -> np.ndarray:
        y0, y1 = np.clip(y0, 0, h), np.clip(y1, 0, h)
        x0, x1 = np.clip(x0, 0, w), np.clip(x1, 0, w)
        return integral[y1, x1] - integral[y0, x1] - integral[y1, x0] + integral[y0, x0]

    found: list[tuple[float, int, int, int]] = []
    for s in sizes:
        ok = (ys + s <= h - 1) & (xs + s <= w - 1) & (ys >= 2) & (xs >= 2)
        y, x = ys[ok], xs[ok]
        if len(y) == 0:
            continue
        sides = np.minimum.reduce([
            (ch[y, x + s] - ch[y, x]) / s,
            (ch[y + s - t, x + s] - ch[y + s - t, x]) / s,
            (cv[y + s, x] - cv[y, x]) / s,
            (cv[y + s, x + s - t] - cv[y, x + s - t]) / s,
        ])
        outer = rect(y - 1, x - 1, y + s + 1, x + s + 1) - rect(y, x, y + s, x + s)
        ring = outer / ((s + 2) ** 2 - s * s)
        good = (sides >= 0.92) & (ring <= 0.12)
        for k in np.nonzero(good)[0]:
            found.append((float(sides[k]) - float(ring[k]), int(y[k]), int(x[k]), s))
    kept: list[tuple[int, int, int]] = []
    for _score, y0, x0, s in sorted(found, key=lambda f: (-f[0], -f[3])):
        if not any(abs(y0 - ky) < ks and abs(x0 - kx) < ks for ky, kx, ks in kept):
            kept.append((y0, x0, s))
    return kept


def _frame(dark: np.ndarray, y: int, x: int, s: int) -> tuple[int, int, int, int] | None:
    """The box's outline at full size: the outermost rows and columns mostly inked."""
    y0, x0 = max(0, y - 3), max(0, x - 3)
    part = dark[y0 : y + s + 3, x0 : x + s + 3]
    rows = np.nonzero(part.sum(axis=1) >= 0.6 * s)[0]
    cols = np.nonzero(part.sum(axis=0) >= 0.6 * s)[0]
    if len(rows) < 2 or len(cols) < 2:
        return None
    return y0 + int(rows[0]), x0 + int(cols[0]), y0 + int(rows[-1]) + 1, x0 + int(cols[-1]) + 1


def _boxes(kept: list[tuple[int, int, int]], dark: np.ndarray) -> list[Box]:
    if not kept:
        return []
    # Boxes on a page share one size; a square of another size is a glyph (口).
    common = int(np.bincount(np.array([s for _, _, s in kept])).argmax())
    out = []
    for y, x, s in kept:
        if abs(s - common) > max(2, round(common * 0.06)):
            continue
        frame = _frame(dark, y, x, s)
        if frame is None:
            continue
        y0, x0, y1, x1 = frame
        side = max(y1 - y0, x1 - x0)
        if abs((y1 - y0) - (x1 - x0)) > max(3, side // 10):
            continue
        m = max(3, round(side / 7))
        inside = dark[y0 + m : y1 - m, x0 + m : x1 - m]
        if inside.size == 0:
            continue
        decided = _tick(inside, float(inside.mean()))
        if decided is not None:
            out.append(Box(x0, y0, x1, y1, decided[0], decided[1]))
    return out


def _tick(inside: np.ndarray, share: float) -> tuple[bool, float] | None:
    """(ticked, sureness) from the ink inside a box; None when it is a glyph, not a box."""
    if share <= 0.02:
        return False, 1.0 - share * 10
    if share >= 0.85:
        return True, min(1.0, 0.7 + 2 * (share - 0.85))
    if share > 0.4:
        return None  # a dense glyph (興, 鑑) that the search took for a square
    # A hand or typed V or X crosses the inside diagonally; 田, 回 or 日 have long
    # straight inner strokes. Rows and columns with a long run of ink betray them.
    hi, wi = inside.shape
    if (inside.sum(axis=1) >= 0.6 * wi).any() or (inside.sum(axis=0) >= 0.6 * hi).any():
        return None
    return True, 0.6 if share >= 0.06 else 0.4


# ---------------------------------------------------------------- a page


def prepare(image: Any) -> Page | None:
    """A page ready for OCR, or None when it holds no ink at all."""
    from PIL import Image

    gray = np.asarray(image, dtype=np.uint8)
    dark, specks = binarise(gray)
    if not dark.any():
        return None
    skew = estimate_skew(dark)
    if abs(skew) >= 0.05:
        # Specks go first: rotation would smear each into a blob too big to tell from ink.
        cleaned = np.where(specks, np.uint8(255), gray)
        image = Image.fromarray(cleaned).rotate(skew, resample=Image.Resampling.BICUBIC,
                                               expand=False, fillcolor=255)
        gray = np.asarray(image, dtype=np.uint8)
        dark, specks = binarise(gray)
    hs, vs = find_rules(dark)
    tables = find_tables(hs, vs)
    clean = np.where(specks, np.uint8(255), gray)
    ink = dark.copy()
    for s in hs:
        clean[max(0, s.lo - 1) : s.hi + 2, s.a : s.b + 1] = 255
        ink[max(0, s.lo - 1) : s.hi + 2, s.a : s.b + 1] = False
    for s in vs:
        clean[s.a : s.b + 1, max(0, s.lo - 1) : s.hi + 2] = 255
        ink[s.a : s.b + 1, max(0, s.lo - 1) : s.hi + 2] = False
    boxes = find_boxes(ink)
    m = _inch(0.012)  # the blurred edge of a box in a low-resolution scan
    for b in boxes:
        clean[max(0, b.y0 - m) : b.y1 + m, max(0, b.x0 - m) : b.x1 + m] = 255
        ink[max(0, b.y0 - m) : b.y1 + m, max(0, b.x0 - m) : b.x1 + m] = False
    return Page(clean, ink, tables, boxes, skew)


def text_bands(ink: np.ndarray, x0: int, y0: int, x1: int, y1: int) -> list[tuple[int, int, int, int]]:
    """The text lines in a region: bands of inked rows, cropped to their inked columns.

    Gaps under a fifth of an em are inside a line (the strokes of 二 or 三);
    bands too thin for a glyph are specks or what is left of a rule.
    """
    part = ink[y0:y1, x0:x1]
    if part.size == 0:
        return []
    rows = part.sum(axis=1) > 0
    gap = _inch(0.03)
    bands: list[list[int]] = []
    for y in np.nonzero(rows)[0].tolist():
        if bands and y - bands[-1][1] <= gap:
            bands[-1][1] = y
        else:
            bands.append([y, y])
    out = []
    for a, b in bands:
        if b - a + 1 < _inch(0.02):
            continue
        cols = np.nonzero(part[a : b + 1].any(axis=0))[0]
        if part[a : b + 1].sum() < 12:
            continue
        out.append((x0 + int(cols[0]), y0 + a, x0 + int(cols[-1]) + 1, y0 + b + 1))
    return out
