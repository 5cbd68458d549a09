"""Pages a clerk accepts: every form's sample, blank and fillable blank, checked as pages.

The text checkers of :mod:`tests.pagecheck` look for the defects a clerk sends a form back
for (a tick box cut from its label, a lone wrapped character, a broken word, internal text);
the golden page images catch any other change of layout. Regenerate the images after a
deliberate layout change with ``FORMKIT_REGEN_GOLDEN=1`` and look at them before committing.
"""

from __future__ import annotations

import subprocess
from functools import cache

import pytest

from formkit import render_docx, render_pdf
from formkit.engine import fill
from formkit.forms import get_form
from formkit.render.fillable import render_fillable_pdf

from .conftest import AS_OF, FORM_IDS, needs_soffice
from .pagecheck import (
    GOLDEN_DIR,
    box_at_line_end,
    compare_pages,
    internal_text,
    lone_wrapped_chars,
    page_images,
)

KINDS = ("sample", "blank", "fillable")


@cache
def _pdf(form_id: str, kind: str) -> bytes:
    if kind == "blank":
        return render_pdf(form_id, None)
    if kind == "fillable":
        return render_fillable_pdf(form_id)
    report = fill(form_id, get_form(form_id).sample, as_of=AS_OF)
    assert report.valid, [f.as_dict("en") for f in report.errors]
    return render_pdf(form_id, report.record)


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("form_id", FORM_IDS)
def test_no_defect_a_clerk_would_reject(form_id: str, kind: str) -> None:
    pdf = _pdf(form_id, kind)
    problems = box_at_line_end(pdf) + lone_wrapped_chars(pdf) + internal_text(pdf)
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("kind", ("sample", "blank"))
@pytest.mark.parametrize("form_id", FORM_IDS)
def test_pages_match_their_golden_images(form_id: str, kind: str) -> None:
    stem = f"{form_id.replace('/', '__')}.{kind}"
    problems = compare_pages(page_images(_pdf(form_id, kind)), GOLDEN_DIR, stem)
    assert not problems, "\n".join(problems)


@needs_soffice
@pytest.mark.slow
def test_docx_through_libreoffice_shows_no_defect(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """Every form's DOCX, filled and blank, as LibreOffice lays it out (one batched call).

    A filled DOCX may wrap a record's own text to a lone last character: the DOCX keeps
    every value's characters exactly (word joiners go into the form's text only), and
    Word and LibreOffice have no other way to keep two characters together. The blanks
    hold the form's text alone, so there the check is complete."""
    names = []
    for form_id in FORM_IDS:
        stem = form_id.replace("/", "__")
        report = fill(form_id, get_form(form_id).sample, as_of=AS_OF)
        (tmp_path / f"{stem}.docx").write_bytes(render_docx(form_id, report.record))
        (tmp_path / f"{stem}.blank.docx").write_bytes(render_docx(form_id, None))
        names += [f"{stem}.docx", f"{stem}.blank.docx"]
    subprocess.run(["soffice", "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path),
                    *names], cwd=tmp_path, check=True, capture_output=True, timeout=600)
    problems = []
    for name in names:
        pdf = (tmp_path / name).with_suffix(".pdf").read_bytes()
        wraps = lone_wrapped_chars(pdf)
        if not name.endswith(".blank.docx"):
            wraps = [w for w in wraps if "lone character" not in w]
        found = box_at_line_end(pdf) + wraps + internal_text(pdf)
        problems += [f"{name}: {p}" for p in found]
    assert not problems, "\n".join(problems)


def test_a_long_product_list_goes_on_an_attached_list() -> None:
    """60 products: the face keeps five and the seal, the rest continue on 附表 pages with
    their header, and both the embedded data and the printed text give all 60 back."""
    import io

    from pypdf import PdfReader

    from formkit import parse_pdf
    from formkit.parse.text import extract_units, read_text

    form_id = "mit/annex-11-product-certificate"
    record = fill(form_id, get_form(form_id).sample, as_of=AS_OF).record
    record["products"] = [
        {"name": f"純棉毛巾第{i}款", "model": f"FX-{3000 + i}", "code": f"MIT-TX-113-0457-{i:02d}",
         "factory": "福興紡織股份有限公司虎尾廠"} for i in range(1, 61)
    ]
    pdf = render_pdf(form_id, record)
    pages = [p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages]
    assert "其餘55項詳如附表" in pages[0] and "驗證機構印信" in pages[0]
    assert "附表" in pages[1] and "MIT-TX-113-0457-06" in pages[1]
    assert all("產品名稱" in page for page in pages[1:])  # the header on every page
    assert "MIT-TX-113-0457-60" in pages[-1]
    assert not box_at_line_end(pdf) + lone_wrapped_chars(pdf) + internal_text(pdf)
    parsed = parse_pdf(pdf, as_of=AS_OF)
    assert parsed.data["products"] == record["products"]
    assert not [f for f in parsed.findings if f.rule == "embedded" and f.is_error]
    units, _ = extract_units(pdf)
    assert read_text(get_form(form_id), units).data["products"] == record["products"]
