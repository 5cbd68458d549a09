"""OCR identification of a form by any of its titles (``titles:`` in form.yaml)."""

from __future__ import annotations

import pytest

from formkit.errors import NotAFormPDFError
from formkit.forms import get_form
from formkit.parse.ocr import _identify
from formkit.parse.text import Unit

NOTICE = "mit/cat2-recognition-notice"


def _head(*lines: str) -> list[Unit]:
    return [Unit([line], False) for line in lines]


@pytest.mark.parametrize("title", ["審查未通過通知", "審查通過通知", "補正通知"])
def test_a_notice_is_found_by_the_title_of_its_mode(title: str) -> None:
    form = get_form(NOTICE)
    assert title in form.meta["titles"].values()
    units = _head("經濟部產業發展署", title, "受文者：某公司")
    assert _identify(units, None, "scan.png").id == NOTICE


def test_a_main_title_wins_over_a_mode_title_in_its_text() -> None:
    main = get_form("mit/annex-11-product-certificate")
    found = _identify(_head(main.title, "補正通知"), None, "scan.png")
    assert found.id == main.id


def test_no_title_is_no_form() -> None:
    with pytest.raises(NotAFormPDFError):
        _identify(_head("隨便寫的一行字", "另一行"), None, "scan.png")
