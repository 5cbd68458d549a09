"""The `embedded` parse route: the kit's own PDF (and its DOCX and ODT) parsed back.

Per form: the sample is filled and rendered to PDF, DOCX and ODT; each is parsed back with
``parse_pdf`` (in its worker, as ``formkit parse`` runs); the record must come back exactly
with no error finding. Prints whether it did and the parse time per document
(median of --runs).

Usage: .venv/bin/python benchmarks/parse_embedded.py [FORM ...] [--runs 3]
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from datetime import date

from formkit import catalog, fill, parse_pdf, render_docx, render_odt, render_pdf

AS_OF = date(2024, 6, 1)


def _timed(data: bytes, runs: int) -> tuple[object, float]:
    times, parsed = [], None
    for _ in range(runs):
        t0 = time.perf_counter()
        parsed = parse_pdf(data, as_of=AS_OF)
        times.append(time.perf_counter() - t0)
    return parsed, statistics.median(times)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("forms", nargs="*", help="form ids (default: every form)")
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    wanted = set(args.forms)
    print(f"{'form':50} {'route':5} {'exact':>5} {'errors':>6} {'s/doc':>7}")
    for form in catalog():
        if wanted and form.id not in wanted:
            continue
        record = fill(form, form.sample, as_of=AS_OF).record
        outputs = {"pdf": render_pdf(form, record), "docx": render_docx(form, record),
                   "odt": render_odt(form, record)}
        for route, data in outputs.items():
            parsed, seconds = _timed(data, args.runs)
            exact = json.dumps(parsed.data, sort_keys=True) == json.dumps(record, sort_keys=True)
            errors = sum(1 for f in parsed.findings if f.severity == "error")
            print(f"{form.id:50} {route:5} {'yes' if exact else 'NO':>5} {errors:6d} "
                  f"{seconds:7.3f}")


if __name__ == "__main__":
    main()
