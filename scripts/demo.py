"""Fill, validate and render every bundled sample into ./out/, then parse each back.

Usage: scripts/run-samples [--as-of YYYY-MM-DD] [--out DIR]
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

from formkit import FormkitError, catalog, fill, parse_pdf, render_docx, render_pdf
from formkit.records import write_atomic


def _same(a: object, b: object) -> bool:
    return json.dumps(a, sort_keys=True) == json.dumps(b, sort_keys=True)


def _fillable_round_trip(form, record: dict, target: Path, as_of: date | None) -> str:  # type: ignore[no-untyped-def]
    """Write the fillable blank, pre-fill it with the record, parse it back."""
    from formkit.parse.fields import acroform_values
    from formkit.parse.pdfio import open_pdf
    from formkit.render.fillable import field_values, prefill, render_fillable_pdf

    blank = render_fillable_pdf(form)
    write_atomic(target / f"{form.name}.fillable.pdf", blank)
    names = sorted(acroform_values(open_pdf(blank, name="blank"), "blank") or {})
    filled = prefill(blank, field_values(form, record, names))
    write_atomic(target / f"{form.name}.fillable-filled.pdf", filled)
    back = parse_pdf(filled, as_of=as_of)
    state = "valid" if back.valid else f"{len(back.findings)} finding(s)"
    return f"{back.source}: {state}, {len(back.confidence or {})} field(s), {len(back.review)} to review"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--as-of", type=date.fromisoformat, default=None)
    ap.add_argument("--out", default="out")
    args = ap.parse_args()
    out = Path(args.out)
    rows, failures = [], 0
    docx_paths: dict[str, Path] = {}
    for form in catalog():
        target = out / form.scheme
        target.mkdir(parents=True, exist_ok=True)
        t0 = time.perf_counter()
        try:
            report = fill(form, form.sample, as_of=args.as_of)
            pdf = render_pdf(form, report.record)
            write_atomic(target / f"{form.name}.pdf", pdf)
            docx = render_docx(form, report.record)
            write_atomic(target / f"{form.name}.docx", docx)
            docx_paths[form.id] = target / f"{form.name}.docx"
            back = parse_pdf(target / f"{form.name}.pdf", as_of=args.as_of)
            pdf_ok = back.source == "embedded" and _same(back.data, report.record) and back.valid
            fillable = _fillable_round_trip(form, report.record, target, args.as_of)
        except FormkitError as exc:
            print(f"{form.id}: {exc}", file=sys.stderr)
            failures += 1
            continue
        errors = len(report.errors)
        rows.append([form.id, "valid" if report.valid else f"{errors} error(s)",
                     f"{len(pdf) // 1024} KB", f"{len(docx) // 1024} KB",
                     "ok" if pdf_ok else "DIFFERS", fillable, "", f"{time.perf_counter() - t0:.2f} s"])
        failures += (not report.valid) + (not pdf_ok)

    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice and docx_paths:
        with tempfile.TemporaryDirectory() as tmp:
            subprocess.run([soffice, "--headless", f"-env:UserInstallation=file://{tmp}/lo-profile", "--convert-to", "pdf", "--outdir", tmp,
                            *map(str, docx_paths.values())],
                           capture_output=True, timeout=600, check=False)
            for row in rows:
                form_id = row[0]
                exported = Path(tmp) / (docx_paths[form_id].stem + ".pdf")
                try:
                    back = parse_pdf(exported, as_of=args.as_of)
                    low = sum(1 for v in (back.confidence or {}).values() if v < 1.0)
                    # Text recovered from an office-suite export is for a person to review:
                    # its findings are reported, not counted as failures of the run.
                    state = "valid" if back.valid else f"{len(back.findings)} finding(s)"
                    row[6] = f"{state}, {low} field(s) to review"
                except FormkitError as exc:
                    row[6] = f"failed: {exc}"
                    failures += 1
    else:
        for row in rows:
            row[6] = "skipped (no LibreOffice)"

    header = ["form", "record", "PDF", "DOCX", "PDF→parse", "fillable PDF→parse",
              "DOCX→LibreOffice PDF→parse", "time"]
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
    for r in [header, *rows]:
        print("  ".join(str(c).ljust(w) for c, w in zip(r, widths, strict=True)))
    print(f"\n{len(rows)} form(s) rendered into {out}/ ; problems: {failures}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
