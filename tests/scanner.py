"""A simulated scanner for the OCR tests and benchmarks/ocr.py: a PDF's pages as a
flatbed scanner gives them (greyscale, a seeded small rotation, grey noise, specks)."""

from __future__ import annotations

import io
from typing import Any

import numpy as np


def scan(pdf: bytes, dpi: int, seed: int, *, expand: bool = False) -> list[Any]:
    """Greyscale pages as a scanner gives them: a little rotated, grey noise, specks.

    ``expand`` keeps the rotated corners, so the image is no longer A4-shaped.
    """
    import pypdfium2 as pdfium
    from PIL import Image

    rng = np.random.default_rng(seed)
    doc = pdfium.PdfDocument(pdf)
    pages = []
    for i in range(len(doc)):
        image = doc[i].render(scale=dpi / 72, grayscale=True).to_pil().convert("L")
        angle = float(rng.uniform(0.5, 1.5) * rng.choice([-1, 1]))
        image = image.rotate(angle, resample=Image.Resampling.BICUBIC, expand=expand, fillcolor=255)
        a = np.asarray(image, dtype=np.float64) + rng.normal(0, 8, (image.height, image.width))
        specks = rng.random(a.shape)
        a[specks < 0.001] = 0
        a[specks > 0.999] = 255
        pages.append(Image.fromarray(np.clip(a, 0, 255).astype(np.uint8), "L"))
    doc.close()
    return pages



def as_pdf(pages: list[Any], dpi: int) -> bytes:
    """The pages as an image-only PDF, the way a scanner sends them."""
    buf = io.BytesIO()
    pages[0].save(buf, "PDF", resolution=dpi, save_all=True, append_images=pages[1:])
    return buf.getvalue()
