"""Page images of a scan: loading them with caps, cleaning them (binarised,
specks out, rotated level), and cutting them into what OCR reads: the printed
shapes (:mod:`.shapes`) taken out, the text lines found.

Only numpy and Pillow are used: a computer-vision package would add weight
and nothing a printed formkit page needs.
"""

from __future__ import annotations

import io
import math
import struct
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..errors import LimitExceeded, NotAFormPDFError
from ..i18n import N_
from .pdfio import MAX_PAGES
from .shapes import DPI, Box, Table, cumsum0, find_boxes, find_rules, find_tables, inch
from .worker import limit_error, note_ocr_pages

# An image as sent (A4 at 600 dpi is 35 Mpx), or one image drawn on a PDF page.
# Bigger is refused before decoding.
MAX_PIXELS = 60_000_000
# The images drawn on one PDF page, together.
MAX_PAGE_IMAGE_PIXELS = 4 * MAX_PIXELS
# A page as OCR reads it, at DPI: A4 is 8.7 Mpx, A3 17.4 Mpx. Measured peaks of the
# parse's address space: 490 MiB for a noisy A4 scan, 570 MiB for an A3 page, 660 MiB
# for a page of 25 Mpx, all within the worker's default 1 GiB. A PDF page is refused
# before it is drawn; an image file's page after it is scaled to DPI.
MAX_PAGE_PIXELS = 25_000_000
# A PDF page side longer than this is not a form page (A0 is 47 in).
MAX_PAGE_INCHES = 50.0
# A4 width in inches: a full-page scan sent without a usable resolution.
A4_WIDTH_IN = 210 / 25.4
MAX_SKEW_DEG = 5.0


@dataclass
class Page:
    """A page ready for OCR: greyscale at DPI with rules and boxes whited out."""

    gray: np.ndarray
    ink: np.ndarray  # the binarised page, rules and boxes removed too
    tables: list[Table]
    boxes: list[Box]
    skew: float  # degrees the scan was rotated back by


# ---------------------------------------------------------------- loading


def load_images(data: bytes, *, name: str, is_pdf: bool,
                max_pages: int = MAX_PAGES) -> Iterator[Any]:
    """The pages as greyscale PIL images at about DPI, one at a time (a page is
    8.7 million pixels); refuses what cannot be a form scan."""
    return _pdf_pages(data, name, max_pages) if is_pdf else _image_pages(data, name, max_pages)


def check_pixels(width: int, height: int, name: str, number: int) -> None:
    """Refuse a page image (at DPI) over MAX_PAGE_PIXELS, naming the page."""
    if width * height > MAX_PAGE_PIXELS:
        raise limit_error(
            N_("{file}: page {page} is {width} × {height} pixels at {dpi} dpi ({millions:,.0f} "
               "million), more than the cap of {max} million; a form page is A4, or at most A3"),
            "pixels", file=name, page=number, width=width, height=height, dpi=DPI,
            millions=width * height / 1e6, max=MAX_PAGE_PIXELS // 1_000_000)


def _check_page(page: Any, name: str, number: int) -> None:
    """Refuse a PDF page that would be too large to draw at DPI, or that draws an
    image too large to decode, before PDFium draws anything."""
    import pypdfium2.raw as pdfium_c

    w, h = page.get_size()
    if not (math.isfinite(w) and math.isfinite(h)) or max(w, h) / 72 > MAX_PAGE_INCHES:
        raise limit_error(
            N_("{file}: page {page} is {width:.0f} × {height:.0f} in, too large for a form page "
               "(the cap is {max:g} in a side)"), "pixels", file=name, page=number,
            width=w / 72, height=h / 72, max=MAX_PAGE_INCHES)
    check_pixels(math.ceil(w / 72 * DPI), math.ceil(h / 72 * DPI), name, number)
    total = 0
    for obj in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_IMAGE]):
        try:
            iw, ih = obj.get_px_size()
        except Exception:  # noqa: BLE001 - PDFium cannot size it: it will not draw it either
            continue
        total += iw * ih
        if iw * ih > MAX_PIXELS:
            raise limit_error(
                N_("{file}: page {page} draws an image of {width} × {height} pixels, more than "
                   "the cap of {max} million"), "pixels", file=name, page=number, width=iw,
                height=ih, max=MAX_PIXELS // 1_000_000)
        if total > MAX_PAGE_IMAGE_PIXELS:
            raise limit_error(
                N_("{file}: page {page} draws images of {millions:,.0f} million pixels in all, "
                   "more than the cap of {max} million"), "pixels", file=name, page=number,
                millions=total / 1e6, max=MAX_PAGE_IMAGE_PIXELS // 1_000_000)


def _pdf_pages(data: bytes, name: str, max_pages: int) -> Iterator[Any]:
    import pypdfium2 as pdfium

    try:
        doc = pdfium.PdfDocument(data)
    except (pdfium.PdfiumError, ValueError, OSError) as exc:
        raise NotAFormPDFError(N_("{file}: not a readable PDF ({error})"), file=name,
                               error=str(exc)) from exc
    try:
        if len(doc) > max_pages:
            raise limit_error(N_("{file}: {count} pages, more than the cap of {max}"), "pages",
                              file=name, count=len(doc), max=max_pages)
        note_ocr_pages(len(doc))
        for i in range(len(doc)):
            try:
                page = doc[i]
            except pdfium.PdfiumError as exc:
                raise NotAFormPDFError(N_("{file}: page {page} cannot be read ({error})"),
                                       file=name, page=i + 1, error=str(exc)) from exc
            _check_page(page, name, i + 1)
            try:
                image = page.render(scale=DPI / 72, grayscale=True).to_pil().convert("L")
            except pdfium.PdfiumError as exc:
                raise NotAFormPDFError(N_("{file}: page {page} cannot be drawn ({error})"),
                                       file=name, page=i + 1, error=str(exc)) from exc
            yield image
    finally:
        doc.close()


def _image_pages(data: bytes, name: str, max_pages: int) -> Iterator[Any]:
    from PIL import Image

    image = _decoded(name, lambda: Image.open(io.BytesIO(data)))
    frames = getattr(image, "n_frames", 1)
    if frames > max_pages:
        raise limit_error(N_("{file}: {count} pages, more than the cap of {max}"), "pages",
                          file=name, count=frames, max=max_pages)
    note_ocr_pages(frames)
    for i in range(frames):
        yield _decoded(name, lambda i=i: _image_page(image, i))


def _image_page(image: Any, i: int) -> Any:
    """Frame i of an image file (a TIFF holds several), greyscale at about DPI."""
    from PIL import ImageOps

    image.seek(i)
    w, h = image.size
    if w * h > MAX_PIXELS:
        raise limit_error(
            N_("the image is {width} × {height} pixels, more than the cap of {max} million; "
               "scan at 300 dpi"), "pixels", width=w, height=h, max=MAX_PIXELS // 1_000_000)
    frame = ImageOps.exif_transpose(image) if i == 0 else image
    return _normalised(_to_gray(frame), image.info.get("dpi"))


def _decoded(name: str, step: Any) -> Any:
    """What ``step`` decodes, with every way Pillow fails on a bad or hostile file
    turned into our refusal (its pixel-cap warning included); its other warnings
    are dropped."""
    from PIL import Image, UnidentifiedImageError

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # corrupt EXIF and the like: the pixels may still do
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            return step()
        except LimitExceeded as exc:
            raise limit_error(N_("{file}: {reason}"), getattr(exc, "limit", None) or "pixels",
                              file=name, reason=exc) from exc
        except (Image.DecompressionBombError, Image.DecompressionBombWarning, MemoryError) as exc:
            raise limit_error(
                N_("{file}: the image has more pixels than the cap of {max} million; scan at "
                   "300 dpi"), "pixels", file=name, max=MAX_PIXELS // 1_000_000) from exc
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError, TypeError,
                IndexError, KeyError, EOFError, struct.error) as exc:
            raise NotAFormPDFError(N_("{file}: not a readable image ({kind}: {error})"),
                                   file=name, kind=type(exc).__name__, error=str(exc)) from exc


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
    c = cumsum0(cumsum0(a.astype(np.uint8), 0), 1)
    h, w = a.shape
    p = np.pad(c, ((r, r + 1), (r, r + 1)), mode="edge")
    k = 2 * r + 1
    sums: np.ndarray = p[k:k + h, k:k + w] - p[:h, k:k + w] - p[k:k + h, :w] + p[:h, :w]
    return sums


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
    m = inch(0.012)  # the blurred edge of a box in a low-resolution scan
    for b in boxes:
        clean[max(0, b.y0 - m) : b.y1 + m, max(0, b.x0 - m) : b.x1 + m] = 255
        ink[max(0, b.y0 - m) : b.y1 + m, max(0, b.x0 - m) : b.x1 + m] = False
    return Page(clean, ink, tables, boxes, skew)


def _glyph_bands(bands: list[list[int]]) -> list[list[int]]:
    """Thin bands joined to a close neighbour when together they are no taller than a
    glyph: the two strokes of 二 stand further apart than the lines of a cell."""
    em = 10.5 / 72 * DPI
    out: list[list[int]] = []
    for band in bands:
        if out:
            prev = out[-1]
            thin = min(prev[1] - prev[0], band[1] - band[0]) < 0.4 * em
            if thin and band[0] - prev[1] <= 0.6 * em and band[1] - prev[0] <= 1.1 * em:
                prev[1] = band[1]
                continue
        out.append(list(band))
    return out


def text_bands(
    ink: np.ndarray, x0: int, y0: int, x1: int, y1: int
) -> list[tuple[int, int, int, int]]:
    """The text lines in a region: bands of inked rows, cropped to their inked columns.

    Gaps under a twentieth of an inch are inside a line (the strokes of 二 or
    三; lines of 10.5 pt text are 0.08 in apart). A band too thin for a glyph
    is kept only if it is as short as one (一); longer, it is what is left of
    a rule.
    """
    part = ink[y0:y1, x0:x1]
    if part.size == 0:
        return []
    rows = part.sum(axis=1) > 0
    gap = inch(0.05)
    bands: list[list[int]] = []
    for y in np.nonzero(rows)[0].tolist():
        if bands and y - bands[-1][1] <= gap:
            bands[-1][1] = y
        else:
            bands.append([y, y])
    bands = _glyph_bands(bands)
    out = []
    for a, b in bands:
        band = part[a : b + 1]
        cols = np.nonzero(band.any(axis=0))[0]
        if band.sum() < 12:
            continue
        if b - a + 1 < inch(0.02) and (b - a + 1 < 2 or cols[-1] - cols[0] > inch(0.17)):
            continue
        out.append((x0 + int(cols[0]), y0 + a, x0 + int(cols[-1]) + 1, y0 + b + 1))
    return out
