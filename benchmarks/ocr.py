"""How well the OCR route reads scans of formkit's own PDFs, and how fast.

    .venv/bin/python benchmarks/ocr.py [FORM ...] [--dpi 300 200] [--seed 1]

Each form's sample is rendered, rasterised at each resolution, rotated a
little and made noisy (a simulated scan), saved as an image-only PDF and
parsed back. Per form and resolution it prints: the share of the sample's
fields read exactly, the share flagged for review, the share of fields at
confidence 0.9 or more and whether all of those were exact, and seconds per
page. The fields are the record's leaves (values, and lists of plain values).
"""

from __future__ import annotations

import argparse
import io
import json
import sys
import time
from datetime import date
from typing import Any

import numpy as np

from formkit import parse_pdf, render_pdf
from formkit.catalog import catalog, get_form
from formkit.errors import FormkitError
from formkit.validate import fill

AS_OF = date(2024, 6, 1)


def leaves(value: Any, key: str = "") -> list[tuple[str, Any]]:
    """The record's fields: dotted keys of plain values (a list of plain values is one)."""
    if isinstance(value, dict):
        return [kv for k, v in value.items() for kv in leaves(v, f"{key}.{k}" if key else k)]
    if isinstance(value, list) and any(isinstance(v, dict | list) for v in value):
        return [kv for i, v in enumerate(value) for kv in leaves(v, f"{key}.{i}")]
    return [(key, value)]


def lookup(data: Any, key: str) -> Any:
    for part in key.split("."):
        if isinstance(data, list) and part.isdigit() and int(part) < len(data):
            data = data[int(part)]
        elif isinstance(data, dict) and part in data:
            data = data[part]
        else:
            return None
    return data


def scan(pdf: bytes, dpi: int, seed: int) -> tuple[list[Any], int]:
    """The pages as a scanner might give them: greyscale, a little rotated, noisy."""
    import pypdfium2 as pdfium
    from PIL import Image

    rng = np.random.default_rng(seed)
    doc = pdfium.PdfDocument(pdf)
    pages = []
    for i in range(len(doc)):
        image = doc[i].render(scale=dpi / 72, grayscale=True).to_pil().convert("L")
        angle = float(rng.uniform(0.5, 1.5) * rng.choice([-1, 1]))
        image = image.rotate(angle, resample=Image.Resampling.BICUBIC, fillcolor=255)
        a = np.asarray(image, dtype=np.float64) + rng.normal(0, 8, (image.height, image.width))
        specks = rng.random(a.shape)
        a[specks < 0.001] = 0
        a[specks > 0.999] = 255
        pages.append(Image.fromarray(np.clip(a, 0, 255).astype(np.uint8), "L"))
    return pages, len(doc)


def as_pdf(pages: list[Any], dpi: int) -> bytes:
    buf = io.BytesIO()
    pages[0].save(buf, "PDF", resolution=dpi, save_all=True, append_images=pages[1:])
    return buf.getvalue()


def measure(form_id: str, dpi: int, seed: int) -> dict[str, Any]:
    record = fill(form_id, get_form(form_id).sample, as_of=AS_OF).record
    pages, count = scan(render_pdf(form_id, record), dpi, seed)
    data = as_pdf(pages, dpi)
    t0 = time.perf_counter()
    try:
        result = parse_pdf(data, as_of=AS_OF)
    except FormkitError as exc:
        return {"form": form_id, "dpi": dpi, "seed": seed, "error": str(exc)}
    seconds = time.perf_counter() - t0
    fields = leaves(record)
    conf = result.confidence or {}
    exact = [k for k, v in fields if lookup(result.data, k) == v]
    sure = [k for k, _ in fields if conf.get(k, 0) >= 0.9]
    wrong_sure = [k for k in sure if k not in exact]
    return {
        "form": form_id,
        "dpi": dpi,
        "seed": seed,
        "identified": result.form == form_id,
        "fields": len(fields),
        "exact": round(len(exact) / len(fields), 3),
        "review": round(len(result.review) / len(fields), 3),
        "sure_0.9": round(len(sure) / len(fields), 3),
        "sure_but_wrong": wrong_sure,
        "max_confidence": max(conf.values(), default=0.0),
        "s_per_page": round(seconds / count, 2),
    }


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("forms", nargs="*")
    ap.add_argument("--dpi", type=int, nargs="+", default=[300, 200])
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    forms = args.forms or [f.id for f in catalog()]
    for dpi in args.dpi:
        for form_id in forms:
            print(json.dumps(measure(form_id, dpi, args.seed), ensure_ascii=False), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
