"""Hand-filled blank DOCX and ODT parsed directly (no PDF): how much comes back, per form.

    .venv/bin/python benchmarks/office_handfilled.py [FORM ...] [--runs N] [--json] [--soffice]

Routes, each with the filled sample and a variant of each form (``tests/handfill.py``):

- ``docx``: the kit's blank DOCX typed into with python-docx, parsed as it is;
- ``odt``: the kit's blank ODT typed into (content.xml's spans), parsed as it is;
- ``lo-odt`` (``--soffice``): the hand-filled DOCX saved as ODT by LibreOffice (a person
  who opened the DOCX in LibreOffice and kept it as ODF), parsed as it is;
- ``lo-docx`` (``--soffice``): the hand-filled DOCX saved again as DOCX by LibreOffice
  (its own package and markup), parsed as it is.

Per form and route: fields typed, fields read back exactly, fields flagged for review
(confidence below 1.0), fields read wrong yet reported certain (must be 0), and the
parse time per document (median of N runs, in the worker, as ``formkit parse`` runs).
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

from tests.handfill import AS_OF, Filled, fill_all, fill_all_odt, to_odt  # noqa: E402

from formkit.forms import catalog  # noqa: E402
from formkit.parse import parse_pdf  # noqa: E402
from formkit.pointers import get  # noqa: E402


def _measure(filled: list[Filled], data: dict[str, bytes], runs: int) -> dict[str, Any]:
    rows: dict[str, dict[str, Any]] = {}
    for f in filled:
        result = parse_pdf(data[f.stem], as_of=AS_OF)
        conf = result.confidence or {}
        exact = [k for k, v in f.typed.items() if get(result.data, k) == v]
        wrong = [k for k in f.typed if k not in exact and conf.get(k) == 1.0]
        times = []
        for _ in range(runs):
            t0 = time.perf_counter()
            parse_pdf(data[f.stem], as_of=AS_OF)
            times.append(time.perf_counter() - t0)
        row = rows.setdefault(f.form_id, {"filled": 0, "exact": 0, "review": 0,
                                          "wrong_certain": 0, "docs": 0, "parse_s": 0.0,
                                          "source": result.source})
        row["filled"] += len(f.typed)
        row["exact"] += len(exact)
        row["review"] += sum(1 for k in f.typed if conf.get(k, 0.0) < 1.0)
        row["wrong_certain"] += len(wrong)
        row["docs"] += 1
        row["parse_s"] += statistics.median(times)
    for row in rows.values():
        row["share"] = round(row["exact"] / row["filled"], 3)
        row["parse_s_per_doc"] = round(row.pop("parse_s") / row.pop("docs"), 3)
    return rows


def _resave_docx(filled: list[Filled], workdir: Path) -> dict[str, bytes]:
    """Every hand-filled DOCX opened and saved again as DOCX by LibreOffice, in one call."""
    import subprocess

    src, out = workdir / "docx-in", workdir / "docx-out"
    src.mkdir()
    out.mkdir()
    for f in filled:
        (src / f"{f.stem}.docx").write_bytes(f.docx)
    subprocess.run([shutil.which("soffice") or "soffice", "--headless",
                    f"-env:UserInstallation=file://{workdir}/lo-profile", "--convert-to",
                    "docx:MS Word 2007 XML", "--outdir", str(out),
                    *sorted(str(p) for p in src.iterdir())],
                   check=True, capture_output=True, timeout=900)
    return {f.stem: (out / f"{f.stem}.docx").read_bytes() for f in filled}


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("forms", nargs="*", default=[f.id for f in catalog()])
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--json", action="store_true", help="print JSON instead of a table")
    ap.add_argument("--soffice", action="store_true",
                    help="also the hand-filled DOCX saved as ODT by LibreOffice")
    args = ap.parse_args()
    routes: dict[str, dict[str, Any]] = {}
    docx = fill_all(args.forms)
    routes["docx"] = _measure(docx, {f.stem: f.docx for f in docx}, args.runs)
    odt = fill_all_odt(args.forms)
    routes["odt"] = _measure(odt, {f.stem: f.docx for f in odt}, args.runs)
    if args.soffice:
        if shutil.which("soffice") is None:
            print("LibreOffice (soffice) is not installed", file=sys.stderr)
            return 2
        with tempfile.TemporaryDirectory() as tmp:
            paths = to_odt(docx, Path(tmp))
            routes["lo-odt"] = _measure(docx, {s: p.read_bytes() for s, p in paths.items()},
                                        args.runs)
            resaved = _resave_docx(docx, Path(tmp))
            routes["lo-docx"] = _measure(docx, resaved, args.runs)
    if args.json:
        print(json.dumps(routes, indent=2))
    else:
        print(f"{'route':7} {'form':42} {'filled':>6} {'exact':>6} {'share':>6} {'review':>6} "
              f"{'wrong':>6} {'s/doc':>6}")
        for route, rows in routes.items():
            for form_id, r in rows.items():
                print(f"{route:7} {form_id:42} {r['filled']:6} {r['exact']:6} {r['share']:6.3f} "
                      f"{r['review']:6} {r['wrong_certain']:6} {r['parse_s_per_doc']:6.3f}")
    bad = any(r["wrong_certain"] for rows in routes.values() for r in rows.values())
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
