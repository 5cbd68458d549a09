"""How well the OCR route reads scans of formkit's own PDFs, and how fast.

    .venv/bin/python benchmarks/ocr.py [FORM ...] [--dpi 300 200] [--seed 1]

Each form's sample is rendered, rasterised at each resolution, rotated a
little and made noisy (a simulated scan), saved as an image-only PDF and
parsed back. Per form and resolution it prints: the share of the sample's
fields read exactly, the share flagged for review, the share of fields at
confidence 0.9 or more and whether all of those were exact, and seconds per
page. The fields are the record's leaves (values, and lists of plain values) that the
form's pages print (a worksheet's fields are not on them).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from datetime import date
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.scanner import as_pdf, scan  # noqa: E402

from formkit import parse_pdf, render_pdf  # noqa: E402
from formkit.engine import fill  # noqa: E402
from formkit.errors import FormkitError  # noqa: E402
from formkit.forms import catalog, get_form  # noqa: E402
from formkit.pointers import get, leaves  # noqa: E402
from formkit.render.model import build, printed  # noqa: E402

AS_OF = date(2024, 6, 1)


def measure(form_id: str, dpi: int, seed: int) -> dict[str, Any]:
    record = fill(form_id, get_form(form_id).sample, as_of=AS_OF).record
    pages = scan(render_pdf(form_id, record), dpi, seed)
    count = len(pages)
    data = as_pdf(pages, dpi)
    t0 = time.perf_counter()
    try:
        result = parse_pdf(data, as_of=AS_OF)
    except FormkitError as exc:
        return {"form": form_id, "dpi": dpi, "seed": seed, "error": str(exc)}
    seconds = time.perf_counter() - t0
    doc = build(get_form(form_id), record)
    fields = [(k, v) for k, v in leaves(record) if printed(doc, k)]  # a worksheet's are not
    conf = result.confidence or {}
    exact = [k for k, v in fields if get(result.data, k) == v]
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
