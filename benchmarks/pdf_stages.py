"""Where a warm PDF render spends its time, stage by stage (medians of several renders).

    .venv/bin/python benchmarks/pdf_stages.py [FORM] [--runs N]

Wraps the stages of formkit's PDF route and of WeasyPrint 70 with timers:
the HTML from the template, HTML parsing, the CSS cascade, the box tree,
layout, painting the pages, the font subsets, writing the PDF objects, and the
garbage collection after the render. The stages not listed are the rest
(glyph check, payload, PDF/A metadata).
"""

from __future__ import annotations

import argparse
import functools
import json
import statistics
import sys
import time
from typing import Any

import pydyf
import weasyprint
import weasyprint.document as wp_document
import weasyprint.pdf as wp_pdf

from formkit import fill, get_form, render_pdf
from formkit.render import pdf as fk_pdf

_spent: dict[str, float] = {}


def _wrap(owner: Any, name: str, label: str) -> None:
    original = getattr(owner, name)

    @functools.wraps(original)
    def timed(*args: Any, **kwargs: Any) -> Any:
        t0 = time.perf_counter()
        try:
            return original(*args, **kwargs)
        finally:
            _spent[label] = _spent.get(label, 0.0) + time.perf_counter() - t0

    setattr(owner, name, timed)


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("form", nargs="?", default="mit/annex-07-qms-assessment")
    ap.add_argument("--runs", type=int, default=7)
    args = ap.parse_args()
    form = get_form(args.form)
    record = fill(form, form.sample).record
    render_pdf(form, record)  # warm-up, and the font writer installed before wrapping
    _wrap(fk_pdf, "render_html", "1 html template")
    _wrap(weasyprint.HTML, "__init__", "2 html parse")
    _wrap(wp_document, "get_all_computed_styles", "3 css cascade")
    _wrap(wp_document, "build_formatting_structure", "4 box tree")
    _wrap(wp_document.Document, "_render", "(render: 3+4+layout)")
    _wrap(wp_document.Page, "paint", "6 paint pages")
    _wrap(wp_pdf, "build_fonts_dictionary", "7 font subsets")
    _wrap(pydyf.PDF, "write", "8 write objects")
    _wrap(fk_pdf.gc, "collect", "9 garbage collection")
    runs: list[dict[str, float]] = []
    for _ in range(args.runs):
        _spent.clear()
        t0 = time.perf_counter()
        render_pdf(form, record)
        total = time.perf_counter() - t0
        row = dict(_spent)
        row["5 layout"] = row.pop("(render: 3+4+layout)") - row["3 css cascade"] - row["4 box tree"]
        row["total"] = total
        row["rest"] = total - sum(v for k, v in row.items() if k != "total")
        runs.append(row)
    medians = {k: round(statistics.median(r[k] for r in runs) * 1000, 1) for k in sorted(runs[0])}
    print(json.dumps({"form": form.id, "runs": args.runs, "median_ms": medians}, indent=2,
                     ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
