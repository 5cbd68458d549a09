"""The ``ocr`` parse route: scans and photos of printed forms (tesseract chi_tra)."""

from __future__ import annotations

import io
import random
import shutil

import pytest

from formkit import parse_pdf, render_pdf
from formkit.catalog import get_form
from formkit.errors import LimitExceeded, NotAFormPDFError
from formkit.pointers import get
from formkit.validate import fill

from .conftest import AS_OF

needs_tesseract = pytest.mark.skipif(
    shutil.which("tesseract") is None,
    reason="tesseract is not installed; scripts/setup.sh installs tesseract-ocr-chi-tra",
)


def _scan(pdf: bytes, dpi: int, seed: int, *, as_pdf: bool) -> bytes:
    """Rasterise a PDF as a scanner would: grey, a small rotation, salt-and-pepper noise."""
    import pypdfium2 as pdfium
    from PIL import Image

    rnd = random.Random(seed)
    doc = pdfium.PdfDocument(pdf)
    pages = []
    for page in doc:
        image = page.render(scale=dpi / 72).to_pil().convert("L")
        image = image.rotate(rnd.uniform(-1.2, 1.2), resample=Image.BILINEAR, expand=True, fillcolor=255)
        pixels = image.load()
        w, h = image.size
        for _ in range(w * h // 400):
            pixels[rnd.randrange(w), rnd.randrange(h)] = rnd.choice((0, 255))
        pages.append(image)
    doc.close()
    out = io.BytesIO()
    if as_pdf:
        pages[0].save(out, format="PDF", resolution=dpi, save_all=True, append_images=pages[1:])
    else:
        pages[0].save(out, format="PNG")
    return out.getvalue()


def _leaves(value, key=""):  # type: ignore[no-untyped-def]
    if isinstance(value, dict):
        for k, v in value.items():
            yield from _leaves(v, f"{key}.{k}" if key else k)
    elif isinstance(value, list) and any(isinstance(v, dict) for v in value):
        for i, v in enumerate(value):
            yield from _leaves(v, f"{key}.{i}")
    else:
        yield key, value


# Floors set a little under the shares measured with benchmarks/ocr.py (see BENCHMARKS.md).
CASES = [
    ("oshpm/destruction-plan", 300, True, 0.6),
    ("mit/annex-09-corrective-plan", 300, True, 0.12),
    ("oshpm/destruction-plan", 200, False, 0.4),
]


@needs_tesseract
@pytest.mark.slow
@pytest.mark.parametrize(("form_id", "dpi", "as_pdf", "floor"), CASES)
def test_scans_read_back_with_every_value_for_review(form_id, dpi, as_pdf, floor) -> None:  # type: ignore[no-untyped-def]
    record = fill(form_id, get_form(form_id).sample, as_of=AS_OF).record
    scan = _scan(render_pdf(form_id, record), dpi, seed=dpi, as_pdf=as_pdf)
    parsed = parse_pdf(scan, as_of=AS_OF)
    assert parsed.source == "ocr" and parsed.form == form_id
    assert parsed.confidence, "an OCR read reports a confidence per field"
    assert max(parsed.confidence.values()) < 0.95  # never certain
    assert set(parsed.review) == set(parsed.confidence)
    leaves = [(k, v) for k, v in _leaves(record) if v not in (None, "", [])]
    exact = sum(1 for k, v in leaves if get(parsed.data, k) == v)
    assert exact / len(leaves) >= floor, f"{exact}/{len(leaves)} exact"


@needs_tesseract
@pytest.mark.slow
def test_a_scanned_blank_form_is_a_record_with_missing_findings() -> None:
    scan = _scan(render_pdf("oshpm/destruction-plan", None), 300, seed=7, as_pdf=False)
    parsed = parse_pdf(scan, as_of=AS_OF)
    assert parsed.source == "ocr" and parsed.form == "oshpm/destruction-plan"
    assert not parsed.valid and any(f.rule == "schema" for f in parsed.findings)


def _png(image) -> bytes:  # type: ignore[no-untyped-def]
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


@needs_tesseract
@pytest.mark.parametrize("kind", ["noise", "white", "gradient"])
def test_an_image_with_no_form_is_refused(kind: str) -> None:
    from PIL import Image

    rnd = random.Random(1)
    if kind == "noise":
        image = Image.frombytes("L", (800, 1000), bytes(rnd.randrange(256) for _ in range(800_000)))
    elif kind == "white":
        image = Image.new("L", (1240, 1754), 255)
    else:
        image = Image.linear_gradient("L").resize((900, 1200))
    with pytest.raises(NotAFormPDFError):
        parse_pdf(_png(image))


def test_a_truncated_image_is_refused() -> None:
    from PIL import Image

    data = _png(Image.new("L", (600, 800), 255))
    with pytest.raises((NotAFormPDFError, LimitExceeded)):
        parse_pdf(data[: len(data) // 2])
