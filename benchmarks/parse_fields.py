"""The `fields` parse route: fillable blank → filled from the sample → parse.

Prints, per form, the share of filled fields that come back exactly and the parse time per
page (median of --runs). Usage: .venv/bin/python benchmarks/parse_fields.py [FORM ...] [--runs 3]
"""

from __future__ import annotations

import argparse
import statistics
import time
from datetime import date
from io import BytesIO

from pypdf import PdfReader

from formkit import catalog, fill, parse_pdf
from formkit.parse.fields import acroform_values
from formkit.parse.pdfio import open_pdf
from formkit.pointers import get, leaves
from formkit.render.fillable import field_values, prefill, render_fillable_pdf

AS_OF = date(2024, 6, 1)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("forms", nargs="*", help="form ids (default: every form)")
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    wanted = set(args.forms)
    total_exact = total = 0
    print(f"{'form':45} {'fields':>6} {'exact':>6} {'share':>6} {'s/page':>7} {'extra':>5}")
    for form in catalog():
        if wanted and form.id not in wanted:
            continue
        record = fill(form, form.sample, as_of=AS_OF).record
        blank = render_fillable_pdf(form)
        names = sorted(acroform_values(open_pdf(blank, name="blank"), "blank") or {})
        values = field_values(form, record, names)
        filled = prefill(blank, values)
        pages = len(PdfReader(BytesIO(filled)).pages)
        times = []
        for _ in range(args.runs):
            t0 = time.perf_counter()
            parsed = parse_pdf(filled, as_of=AS_OF)
            times.append(time.perf_counter() - t0)
        keys = {n.rsplit(".", 1)[0] if values[n].startswith("/") and "." in n and isinstance(
            get(record, n.rsplit(".", 1)[0]), list) else n for n in values}
        exact = sum(1 for k in keys if _same(get(parsed.data, k), get(record, k)))
        extra = [k for k, v in leaves(parsed.data)
                 if v not in (None, "", []) and get(record, k) is None]
        total_exact += exact
        total += len(keys)
        print(f"{form.id:45} {len(keys):6d} {exact:6d} {exact / len(keys):6.1%} "
              f"{statistics.median(times) / pages:7.3f} {len(extra):5d}")
    print(f"{'all':45} {total:6d} {total_exact:6d} {total_exact / total:6.1%}")


def _same(a: object, b: object) -> bool:
    if isinstance(a, list) and isinstance(b, list):
        return sorted(map(str, a)) == sorted(map(str, b))
    return a == b


if __name__ == "__main__":
    main()
