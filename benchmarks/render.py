"""Render timings and sizes for one form, beside LibreOffice, medians of several rounds.

    .venv/bin/python benchmarks/render.py [FORM] [--rounds N] [--docs K]

Each round renders K documents (variants of the form's sample) to PDF in this
process, then has LibreOffice convert the DOCX of the same K documents to PDF
in one batched call (`soffice --convert-to pdf` with K files). Both figures of
a round are per document, and the ratio is taken within the round, so that it
holds on a noisy machine. Also reported: DOCX render per document, PDF sizes
(formkit's and LibreOffice's for the same document), `formkit validate` and
`formkit fill -o x.pdf` as fresh processes.
"""

from __future__ import annotations

import argparse
import copy
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from formkit import fill, get_form, render_docx, render_pdf
from formkit.pointers import leaves, set_


def _variants(form, k: int) -> list[dict]:  # type: ignore[no-untyped-def]
    """K filled records that differ in their text (a number appended to the first strings)."""
    records = []
    for i in range(k):
        record = copy.deepcopy(form.sample)
        changed = 0
        for pointer, value in leaves(record):
            if isinstance(value, str) and not value[:4].isdigit() and changed < 3:
                set_(record, pointer, f"{value}{i + 1}")
                changed += 1
        report = fill(form, record)
        records.append(report.record if report.valid else fill(form, form.sample).record)
    return records


def _timed(fn) -> float:  # type: ignore[no-untyped-def]
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


def _fresh(cmd: list[str], runs: int) -> float:
    return statistics.median(
        _timed(lambda: subprocess.run(cmd, check=True, capture_output=True)) for _ in range(runs))


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("form", nargs="?", default="mit/annex-07-qms-assessment")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--docs", type=int, default=20, help="documents per round")
    args = ap.parse_args()
    form = get_form(args.form)
    records = _variants(form, args.docs)
    render_pdf(form, records[0])  # warm-up: imports, fonts, stylesheet
    render_docx(form, records[0])
    soffice = shutil.which("soffice")
    bin_dir = Path(sys.executable).parent
    rounds = []
    with tempfile.TemporaryDirectory() as tmp:
        docx_files = []
        for i, record in enumerate(records):
            path = Path(tmp) / f"d{i:03}.docx"
            path.write_bytes(render_docx(form, record))
            docx_files.append(str(path))
        profile = f"-env:UserInstallation=file://{tmp}/lo-profile"
        lo_cmd = [soffice, "--headless", profile, "--convert-to", "pdf", "--outdir", f"{tmp}/lo",
                  *docx_files] if soffice else None
        if lo_cmd:
            subprocess.run(lo_cmd, check=True, capture_output=True)  # first start makes the profile
        for _ in range(args.rounds):
            ours = _timed(lambda: [render_pdf(form, r) for r in records]) / len(records)
            theirs = (_timed(lambda: subprocess.run(lo_cmd, check=True, capture_output=True))
                      / len(records)) if lo_cmd else None
            rounds.append((ours, theirs))
        docx = statistics.median(_timed(lambda: render_docx(form, records[0])) for _ in range(30))
        pdf_bytes = len(render_pdf(form, records[0]))
        lo_bytes = (Path(tmp) / "lo" / "d000.pdf").stat().st_size if lo_cmd else None
        data = Path(tmp) / "record.json"
        data.write_text(json.dumps(records[0], ensure_ascii=False), encoding="utf-8")
        validate_cold = _fresh([str(bin_dir / "formkit"), "validate", form.id, str(data)], 7)
        fill_cold = _fresh([str(bin_dir / "formkit"), "fill", form.id, str(data),
                            "-o", f"{tmp}/x.pdf"], 3)
    ours = statistics.median(r[0] for r in rounds)
    result = {
        "form": form.id,
        "rounds": args.rounds,
        "docs_per_round": args.docs,
        "pdf_warm_per_doc_s": round(ours, 3),
        "libreoffice_batched_per_doc_s": (round(statistics.median(r[1] for r in rounds), 3)
                                          if lo_cmd else None),
        "ratio_pdf_to_libreoffice": (round(statistics.median(r[0] / r[1] for r in rounds), 2)
                                     if lo_cmd else None),
        "rounds_s": [[round(a, 3), round(b, 3) if b else None] for a, b in rounds],
        "docx_per_doc_ms": round(docx * 1000, 1),
        "pdf_bytes": pdf_bytes,
        "libreoffice_pdf_bytes": lo_bytes,
        "validate_fresh_process_s": round(validate_cold, 3),
        "fill_pdf_fresh_process_s": round(fill_cold, 3),
    }
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
