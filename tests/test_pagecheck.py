"""Unit tests of the page checks (tests/pagecheck.py) on tiny PDFs made with WeasyPrint.

Each defect is put on page 2, after a clean page 1, so the tests also pin the page number in
the message; each has a clean twin that must give no problem at all.
"""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from weasyprint import HTML

from .pagecheck import (
    box_at_line_end,
    compare_pages,
    internal_text,
    lone_wrapped_chars,
    page_images,
)

BLANK = '<span style="display: inline-block; width: 8em; border-bottom: 0.6pt solid">　</span>'
STYLE = """
@page { size: A5; margin: 15mm }
body { font-family: "Noto Serif CJK TC"; font-size: 10.5pt }
table { border-collapse: collapse }
td { border: 0.6pt solid black; padding: 2pt 4pt; vertical-align: top }
.nowrap { white-space: nowrap }
.box { margin-right: 0.15em }
"""


def pdf(*pages: str) -> bytes:
    """A PDF with one page per HTML fragment."""
    body = "".join(f'<section style="break-before: page">{page}</section>' for page in pages)
    html = f'<html lang="zh-Hant-TW"><head><style>{STYLE}</style></head><body>{body}</body></html>'
    return HTML(string=html).write_pdf()


def on_page_2(fragment: str) -> bytes:
    return pdf("<p>評鑑費用報價單</p>", fragment)


def cell(text: str, width: str, style: str = "") -> str:
    """A one-cell table with a label cell before it, as the forms have."""
    return f'<table><tr><td>項目</td><td style="width: {width}; {style}">{text}</td></tr></table>'


# --- box_at_line_end ------------------------------------------------------------------------

BOX_CASES = {
    # The label of the last box does not fit and wraps: 「異動 □」 /「換發/補發」.
    "box wrapped from its label": (
        cell('□異動　□<span class="nowrap">換發/補發</span>', "6em"),
        cell('□異動　<span class="nowrap">□換發/補發</span>', "6em"),
        "box at line end, its label wrapped to the next line: «□異動 □» / «換發/補發»",
    ),
    # A fill-in blank earlier on the line must not pass for a cell's side.
    "box wrapped from its label after a fill-in blank": (
        cell(f'□有{BLANK}　□<span class="nowrap">換發/補發</span>', "14em"),
        cell(f'□有{BLANK}　<span class="nowrap">□換發/補發</span>', "14em"),
        "box at line end, its label wrapped to the next line: «□有 □» / «換發/補發»",
    ),
    "box glued to the label before, space after": (
        "<p>□符合□　輕微缺失</p>",
        "<p>□符合　□輕微缺失</p>",
        "1 box(es) stuck to the label before: «□符合□ 輕微缺失»",
    ),
    # The forms' own pattern: a 0.15 em margin after each box and no space between options.
    "box glued to the label before, margin after": (
        '<p><span class="box">□</span>符合<span class="box">□</span>輕微缺失</p>',
        '<p><span class="box">□</span>符合　<span class="box">□</span>輕微缺失</p>',
        "1 box(es) stuck to the label before: «□符合□輕微缺失»",
    ),
}


@pytest.mark.parametrize("case", BOX_CASES)
def test_box_at_line_end_finds_the_defect_on_its_page(case):
    defect, _, message = BOX_CASES[case]
    assert box_at_line_end(on_page_2(defect)) == [f"p2: {message}"]


@pytest.mark.parametrize("case", BOX_CASES)
def test_box_at_line_end_passes_the_clean_twin(case):
    _, clean, _ = BOX_CASES[case]
    assert box_at_line_end(on_page_2(clean)) == []


def test_box_followed_by_a_fill_in_blank_is_not_a_wrap():
    page = cell(f"□同意　□{BLANK}<br>其他說明", "14em")
    assert box_at_line_end(on_page_2(page)) == []


# --- lone_wrapped_chars ---------------------------------------------------------------------


def test_lone_cjk_character_wrapped_in_a_cell():
    page = cell("生產製造工廠名稱", "7em")
    assert lone_wrapped_chars(on_page_2(page)) == [
        "p2: lone character wrapped to its own line: «生產製造工廠名» / «稱»"
    ]


def test_lone_character_with_its_closing_punctuation():
    page = cell("查驗時數（每日）", "6em")
    assert lone_wrapped_chars(on_page_2(page)) == [
        "p2: lone character wrapped to its own line: «查驗時數（每» / «日）»"
    ]


def test_latin_word_broken_across_lines():
    page = cell("CNS12681", "4em", "overflow-wrap: anywhere")
    [problem] = lone_wrapped_chars(on_page_2(page))
    assert problem.startswith("p2: Latin word broken across lines: «CNS")


def test_lone_wrapped_chars_passes_clean_cells_and_look_alikes():
    """Wide enough cells, one-character values and units in their own rows (even under a full
    row), a header stacked in a narrow column ("項" / "次") and a date line are not orphans."""
    page = (
        cell("生產製造工廠名稱", "9em")
        + '<table><tr><td style="width: 7em">生產製造工廠名</td></tr><tr><td>是</td></tr></table>'
        + cell("CNS12681", "6em", "overflow-wrap: anywhere")
        + '<table style="table-layout: fixed; width: 14em"><tr><td style="width: 1em">項次</td>'
        "<td>數量</td><td>單位</td></tr><tr><td>1</td><td>2</td><td>件</td></tr></table>"
        "<p>中華民國　　　年　　　月　　　日</p>"
    )
    assert lone_wrapped_chars(on_page_2(page)) == []


# --- internal_text --------------------------------------------------------------------------


INTERNAL_TOKENS = [
    "formkit",
    "[proposed]",
    "AMB-",
    "x-kind",
    "None",
    "True",
    "False",
    "2024-06-01",
    "cns_mark",
]


@pytest.fixture(scope="module")
def internal_problems() -> list[str]:
    page = "".join(f"<p>附錄：評核工作底稿（{token} 擴充欄位）</p>" for token in INTERNAL_TOKENS)
    return internal_text(on_page_2(page))


@pytest.mark.parametrize("token", INTERNAL_TOKENS)
def test_internal_text_is_reported_with_its_page(internal_problems, token):
    line = f"附錄：評核工作底稿（{token} 擴充欄位）"
    assert f"p2: internal text {token!r}: «{line}»" in internal_problems


def test_internal_text_reports_each_once(internal_problems):
    assert len(internal_problems) == len(INTERNAL_TOKENS)


def test_internal_text_passes_what_a_clerk_writes():
    page = (
        "<p>中華民國113年6月1日 適用國家標準 CNS 12681（ISO 9001:2015）</p>"
        "<p>聯絡信箱 wang_xm@example.com.tw 電話 04-26581234 Nonesuch Trueman</p>"
    )
    assert internal_text(on_page_2(page)) == []


# --- page images ----------------------------------------------------------------------------


@pytest.fixture
def regenerate(monkeypatch):
    """Set or clear FORMKIT_REGEN_GOLDEN, whatever the environment running the tests says."""

    def set_to(on: bool) -> None:
        if on:
            monkeypatch.setenv("FORMKIT_REGEN_GOLDEN", "1")
        else:
            monkeypatch.delenv("FORMKIT_REGEN_GOLDEN", raising=False)

    set_to(False)
    return set_to


@pytest.fixture
def evidence_dir(tmp_path, monkeypatch):
    """compare_pages writes its evidence under tempfile's folder: keep it inside tmp_path."""
    folder = tmp_path / "evidence"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    return folder


def pages(n: int = 2) -> list[np.ndarray]:
    """White A5-sized pages at 50 dpi with a black bar, different on each page."""
    images = []
    for i in range(n):
        image = np.full((414, 292), 255, np.uint8)
        image[40 + 20 * i : 60 + 20 * i, 30:260] = 0
        images.append(image)
    return images


def test_page_images_are_greyscale_pages_at_50_dpi():
    images = page_images(pdf("<p>第一頁</p>", "<p>第二頁</p>"))
    assert [image.shape for image in images] == [(414, 292), (414, 292)]
    assert all(image.dtype == np.uint8 for image in images)
    assert images[0].min() < 128 < images[0].max()  # some text on a white page


def test_regeneration_writes_small_greyscale_goldens(tmp_path, regenerate):
    golden = tmp_path / "golden"
    (golden).mkdir()
    (golden / "form-3.png").write_bytes(b"stale page of a longer version")
    (golden / "form-extra-1.png").write_bytes(b"another form's golden")
    regenerate(True)
    assert compare_pages(pages(), golden, "form") == []
    names = sorted(p.name for p in golden.iterdir())
    assert names == ["form-1.png", "form-2.png", "form-extra-1.png"]
    with Image.open(golden / "form-1.png") as image:
        assert image.mode == "L"
        assert image.size == (292, 414)


def test_identical_pages_pass(tmp_path, regenerate):
    regenerate(True)
    compare_pages(pages(), tmp_path, "form")
    regenerate(False)
    assert compare_pages(pages(), tmp_path, "form") == []


def test_changed_page_is_reported_with_evidence(tmp_path, regenerate, evidence_dir):
    regenerate(True)
    compare_pages(pages(), tmp_path, "form")
    regenerate(False)
    changed = pages()
    changed[1][200:240, 30:260] = 0  # 9,200 of 120,888 pixels
    [problem] = compare_pages(changed, tmp_path, "form")
    assert re.fullmatch(r"form p2: 7\.61% of pixels differ \(> 0\.50%\); see .+", problem)
    folder = Path(problem.rsplit("see ", 1)[1])
    assert folder.parent == evidence_dir
    assert sorted(p.name for p in folder.iterdir()) == ["actual-2.png", "diff-2.png"]


def test_change_within_tolerance_passes(tmp_path, regenerate):
    regenerate(True)
    compare_pages(pages(), tmp_path, "form")
    regenerate(False)
    changed = pages()
    changed[0][300:302, 30:260] = 0  # 0.38%
    assert compare_pages(changed, tmp_path, "form") == []
    changed[0][300:302, 30:260] = 200  # 55 grey levels off is not a difference
    assert compare_pages(changed, tmp_path, "form", tolerance=0.0) == []


def test_page_size_change_is_reported_with_evidence(tmp_path, regenerate, evidence_dir):
    regenerate(True)
    compare_pages(pages(), tmp_path, "form")
    regenerate(False)
    changed = pages()
    changed[0] = changed[0][:, :-10]
    [problem] = compare_pages(changed, tmp_path, "form")
    assert problem.startswith("form p1: 282×414 pixels, golden has 292×414; see ")
    assert [p.name for p in evidence_dir.glob("*/*")] == ["actual-1.png"]


def test_page_count_change_is_reported(tmp_path, regenerate):
    regenerate(True)
    compare_pages(pages(2), tmp_path, "form")
    regenerate(False)
    assert compare_pages(pages(3), tmp_path, "form") == ["form: 3 pages, golden has 2"]


def test_missing_golden_is_a_problem_and_is_not_written(tmp_path, regenerate):
    problems = compare_pages(pages(), tmp_path, "form")
    assert problems == [f"form: no golden pages in {tmp_path}; run with FORMKIT_REGEN_GOLDEN=1"]
    assert list(tmp_path.iterdir()) == []
