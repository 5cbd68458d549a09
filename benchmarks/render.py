"""Render timings and sizes for one form's sample, medians of several runs.

    .venv/bin/python benchmarks/render.py [FORM] [--runs N]

Reports: warm PDF render per document (in-process, after a first render),
cold PDF render (a fresh `formkit fill -o x.pdf` process), DOCX render per
document, and the PDF and DOCX sizes. With LibreOffice installed it also
converts the same DOCX files to PDF in one batched call, side by side, so
that the ratio holds on a noisy machine.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from formkit import fill, get_form, render_docx, render_pdf

ROOT = Path(__file__).resolve().parent.parent


def _median_time(fn, runs: int) -> float:  # type: ignore[no-untyped-def]
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("form", nargs="?", default="mit/annex-07-qms-assessment")
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()
    form = get_form(args.form)
    record = fill(form, form.sample).record
    render_pdf(form, record)  # warm-up: fonts, stylesheet, imports
    render_docx(form, record)
    pdf = render_pdf(form, record)
    docx = render_docx(form, record)
    warm_pdf = _median_time(lambda: render_pdf(form, record), args.runs)
    warm_docx = _median_time(lambda: render_docx(form, record), args.runs)
    formkit = str(Path(sys.executable).parent / "formkit")
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "record.json"
        data.write_text(json.dumps(form.sample, ensure_ascii=False), encoding="utf-8")
        cold = _median_time(
            lambda: subprocess.run([formkit, "fill", form.id, str(data), "-o", f"{tmp}/x.pdf"],
                                   check=True, capture_output=True),
            max(3, args.runs // 2),
        )
        lo = None
        soffice = shutil.which("soffice")
        if soffice:
            n = 10
            for i in range(n):
                (Path(tmp) / f"d{i}.docx").write_bytes(docx)
            files = [str(Path(tmp) / f"d{i}.docx") for i in range(n)]
            cmd = [soffice, "--headless", f"-env:UserInstallation=file://{tmp}/lo-profile", "--convert-to", "pdf", "--outdir", f"{tmp}/lo", *files]
            lo = _median_time(lambda: subprocess.run(cmd, check=True, capture_output=True), 3) / n
    result = {
        "form": form.id,
        "runs": args.runs,
        "pdf_warm_s": round(warm_pdf, 3),
        "pdf_cold_cli_s": round(cold, 3),
        "docx_s": round(warm_docx, 4),
        "pdf_bytes": len(pdf),
        "docx_bytes": len(docx),
        "libreoffice_batched_per_doc_s": round(lo, 3) if lo else None,
    }
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
