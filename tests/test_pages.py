"""Pages a clerk accepts: every form's sample, blank and fillable blank, checked as pages.

The text checkers of :mod:`tests.pagecheck` look for the defects a clerk sends a form back
for (a tick box cut from its label, a lone wrapped character, a broken word, internal text);
the golden page images catch any other change of layout. Regenerate the images after a
deliberate layout change with ``FORMKIT_REGEN_GOLDEN=1`` and look at them before committing.
"""

from __future__ import annotations

from functools import cache

import pytest

from formkit import render_pdf
from formkit.catalog import get_form
from formkit.render.fillable import render_fillable_pdf
from formkit.validate import fill

from .conftest import AS_OF, FORM_IDS
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
