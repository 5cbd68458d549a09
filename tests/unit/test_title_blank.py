"""A title with a blank (「＿＿產業…」) prints the record's word in it; a blank form keeps it."""

from __future__ import annotations

from formkit.forms import get_form
from formkit.render.model import printed_title, titles

PLAN = "mit/annex-15-app-01-annual-tracking-plan"


def test_the_blank_of_the_title_takes_the_industry() -> None:
    form = get_form(PLAN)
    assert printed_title(form, {"industry": "紡織"}).startswith("紡織產業臺灣製")
    assert printed_title(form, None) == form.title  # a blank form: the line to write on
    assert printed_title(form, {"industry": "  "}) == form.title


def test_a_filled_title_is_still_one_of_the_form_titles() -> None:
    form = get_form(PLAN)
    filled = printed_title(form, {"industry": "紡織"})
    assert any(t and t in filled for t in titles(form) if t != form.title)
    assert form.title in titles(form)
