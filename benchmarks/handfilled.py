"""Hand-filled blank DOCX → LibreOffice PDF → parse: how much comes back, per form.

    .venv/bin/python benchmarks/handfilled.py [FORM ...] [--runs N] [--json]

Fills each form's blank DOCX the way a person would (``tests/handfill.py``:
the filled sample and a variant of our own, typed with the habits people
have), exports every file to PDF in one LibreOffice call, parses each PDF
and reports per form: fields typed, fields read back exactly, fields
flagged for review (confidence below 1.0), fields read wrong yet reported
certain (must be 0), and the parse time per page (median of N runs).
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.handfill import AS_OF, fill_all, to_pdf  # noqa: E402

from formkit.forms import catalog  # noqa: E402
from formkit.parse import parse_pdf  # noqa: E402
from formkit.pointers import get  # noqa: E402


def _pages(path: Path) -> int:
    from pypdf import PdfReader

    return len(PdfReader(str(path)).pages)


def _parse_seconds(path: Path, runs: int) -> float:
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        parse_pdf(path, as_of=AS_OF)
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("forms", nargs="*", default=[f.id for f in catalog()])
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--json", action="store_true", help="print JSON instead of a table")
    args = ap.parse_args()
    if shutil.which("soffice") is None:
        print("LibreOffice (soffice) is not installed", file=sys.stderr)
        return 2
    rows: dict[str, dict[str, Any]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        filled = fill_all(args.forms)
        t0 = time.perf_counter()
        pdfs = to_pdf(filled, Path(tmp))
        convert = (time.perf_counter() - t0) / len(filled)
        for f in filled:
            result = parse_pdf(pdfs[f.stem], as_of=AS_OF)
            conf = result.confidence or {}
            exact = [k for k, v in f.typed.items() if get(result.data, k) == v]
            wrong = [k for k in f.typed if k not in exact and conf.get(k) == 1.0]
            pages = _pages(pdfs[f.stem])
            row = rows.setdefault(
                f.form_id,
                {
                    "filled": 0,
                    "exact": 0,
                    "review": 0,
                    "wrong_certain": 0,
                    "pages": 0,
                    "parse_s": 0.0,
                },
            )
            row["filled"] += len(f.typed)
            row["exact"] += len(exact)
            row["review"] += sum(1 for k in f.typed if conf.get(k, 0.0) < 1.0)
            row["wrong_certain"] += len(wrong)
            row["pages"] += pages
            row["parse_s"] += _parse_seconds(pdfs[f.stem], args.runs)
    for row in rows.values():
        row["share"] = round(row["exact"] / row["filled"], 3)
        row["parse_s_per_page"] = round(row.pop("parse_s") / row["pages"], 3)
    if args.json:
        print(json.dumps({"libreoffice_s_per_doc": round(convert, 2), "forms": rows}, indent=2))
        return 0
    print(
        f"{'form':42} {'filled':>6} {'exact':>6} {'share':>6} {'review':>6} {'wrong':>6} "
        f"{'pages':>5} {'s/page':>7}"
    )
    for form_id, r in rows.items():
        print(
            f"{form_id:42} {r['filled']:6} {r['exact']:6} {r['share']:6.3f} {r['review']:6} "
            f"{r['wrong_certain']:6} {r['pages']:5} {r['parse_s_per_page']:7.3f}"
        )
    print(f"LibreOffice export, batched: {convert:.2f} s per document")
    return 1 if any(r["wrong_certain"] for r in rows.values()) else 0


if __name__ == "__main__":
    sys.exit(main())
