"""The DOCX as Word and LibreOffice take it: a valid package, and pages a clerk accepts.

openxml-audit (the Open XML SDK's validation, in Python) checks every form's
DOCX, filled and blank, and a document that uses every layout feature: no
error means Word opens the file without offering to repair it. LibreOffice
then exports that document to PDF, and the pages are read back: tick boxes on
the line of their labels, a footer with page numbers on every page, table
headers repeated, amounts right-aligned, seal boxes of their size, a framed
page, the title bold.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from formkit import render_docx
from formkit.engine import fill
from formkit.forms import get_form
from formkit.render.docx import render_document
from formkit.render.model import Block, Cell, Document, Seal, Seg

from .conftest import AS_OF, FORM_IDS, needs_soffice

FORM = "oshpm/destruction-plan"
LABELS = ["符合", "輕微缺失", "次要缺點", "主要缺點", "嚴重缺點", "不適用", "是", "否", "其他說明"]
BOXES = "□■"
FOOTER = "附件測試 特製標題"
HEADER = ["項次", "品名", "金額"]
AMOUNT = "12,345"
PT_PER_MM = 72 / 25.4


@pytest.fixture(scope="module")
def validator() -> Any:
    from openxml_audit import OpenXmlValidator

    return OpenXmlValidator()


def _findings(validator: Any, data: bytes, path: Path) -> list[str]:
    path.write_bytes(data)
    return [str(e) for e in validator.validate(path).errors]


@pytest.mark.parametrize("form_id", FORM_IDS)
def test_every_form_docx_filled_and_blank_is_schema_valid(form_id, validator, tmp_path) -> None:  # type: ignore[no-untyped-def]
    record = fill(form_id, get_form(form_id).sample, as_of=AS_OF).record
    assert _findings(validator, render_docx(form_id, record), tmp_path / "filled.docx") == []
    assert _findings(validator, render_docx(form_id, None), tmp_path / "blank.docx") == []


# -- a document with every layout feature --------------------------------------------------


def _options(labels: list[str], ticked: int = -1) -> list[Seg]:
    segs: list[Seg] = []
    for i, label in enumerate(labels):
        segs += [Seg("box", BOXES[i == ticked], "k", str(i), ticked=i == ticked),
                 Seg("text", label)]
    return segs


def _label(text: str, **kw: Any) -> Cell:
    return Cell([Seg("text", text)], label=True, **kw)


def _value(text: str, **kw: Any) -> Cell:
    return Cell([Seg("value", text, "k")], **kw)


def _option_grids() -> list[Block]:
    """Options in cells of several widths: lines of tick options break in many places."""
    segs = _options(LABELS * 3, ticked=4)
    return [
        Block("grid", rows=[[_label("甲"), Cell(segs)], [_label("乙"), Cell(segs)]],
              widths=[w, 100 - w])
        for w in (55, 62, 70)
    ]


def _features() -> Document:
    header = [Cell([Seg("text", h)], label=True, header=True) for h in HEADER]
    rows = [header] + [
        [_value(str(i + 1)), _value(f"產品{i + 1}"), _value(AMOUNT, align="right")]
        for i in range(60)
    ]
    blocks = [
        Block("heading", text=[Seg("text", "一、選項")]),
        *_option_grids(),
        Block("grid", rows=[[Cell(_options(LABELS[:4]), stack=True), _label("子項", indent=1)]]),
        Block("heading", text=[Seg("text", "二、品項")]),
        Block("table", rows=rows, widths=[1, 4, 2]),
        Block("text", text=[Seg("text", "茲證明上列產品符合規定。")], style="center"),
        Block("text", text=[Seg("text", "本公司產品經評鑑合格，特發此證。")], style="lead"),
        Block("grid", rows=[[_label("證書字號"), _value("MIT-001")]], style="plain"),
        Block("signatures", rows=[[_label("申請人"), _value("")]],
              seals=[Seal("公司印章", 35), Seal("負責人印章", 20)]),
    ]
    sheet = [Block("grid", rows=[[_label("底稿"), _value("工作底稿內容")]])]
    return Document(get_form(FORM), blocks, blank=False, title="特製標題", footer=FOOTER,
                    frame=True, worksheet=sheet)


def test_a_document_with_every_layout_feature_is_schema_valid(validator, tmp_path) -> None:  # type: ignore[no-untyped-def]
    data = render_document(_features())
    assert _findings(validator, data, tmp_path / "features.docx") == []
    blank = render_document(Document(get_form(FORM), _features().blocks, blank=True))
    assert _findings(validator, blank, tmp_path / "blank.docx") == []


# -- the pages LibreOffice makes of it -----------------------------------------------------


@pytest.fixture(scope="module")
def pages(tmp_path_factory: pytest.TempPathFactory) -> Any:
    import pdfplumber

    tmp = tmp_path_factory.mktemp("layout")
    (tmp / "features.docx").write_bytes(render_document(_features()))
    subprocess.run(
        [shutil.which("soffice") or "soffice", "--headless",
         f"-env:UserInstallation=file://{tmp}/lo-profile", "--convert-to", "pdf",
         "--outdir", str(tmp), str(tmp / "features.docx")],
        check=True, capture_output=True, timeout=300,
    )
    with pdfplumber.open(tmp / "features.pdf") as pdf:
        yield pdf.pages


def _cell_lines(page: Any) -> list[list[str]]:
    """The text lines of every table cell of a page."""
    out = []
    for table in page.find_tables():
        for row in table.rows:
            for bbox in row.cells:
                if bbox is not None:
                    out.append([ln["text"] for ln in page.crop(bbox).extract_text_lines()])
    return out


def _compact(text: str) -> str:
    return re.sub(r"\s+", "", text)


@needs_soffice
@pytest.mark.slow
def test_tick_boxes_stay_on_the_line_of_their_labels(pages) -> None:  # type: ignore[no-untyped-def]
    option_lines = [ln for page in pages for cell in _cell_lines(page) for ln in cell
                    if any(b in ln for b in BOXES)]
    assert len(option_lines) > 20  # the options wrapped onto many lines
    for line in option_lines:
        assert line[0] in BOXES, line  # a line starts with a box: no label split from its box
        labels = [_compact(x) for x in re.split(f"[{BOXES}]", line)[1:]]
        assert all(label in LABELS for label in labels), line  # each option whole


@needs_soffice
@pytest.mark.slow
def test_every_page_has_the_footer_with_page_n_of_m(pages) -> None:  # type: ignore[no-untyped-def]
    assert len(pages) >= 3
    for n, page in enumerate(pages, start=1):
        text = _compact(page.extract_text())
        assert text.endswith(_compact(f"{FOOTER}第 {n} 頁／共 {len(pages)} 頁")), text[-40:]


@needs_soffice
@pytest.mark.slow
def test_the_table_header_repeats_on_every_page_it_runs_onto(pages) -> None:  # type: ignore[no-untyped-def]
    runs_onto = 0
    for page in pages:
        tables = [t.extract() for t in page.find_tables()]
        items = [t for t in tables if any(r[1] and r[1].startswith("產品") for r in t)]
        if items:
            runs_onto += 1
            assert [_compact(c or "") for c in items[0][0]] == HEADER
    assert runs_onto >= 2


@needs_soffice
@pytest.mark.slow
def test_amounts_are_right_aligned(pages) -> None:  # type: ignore[no-untyped-def]
    page = next(p for p in pages if AMOUNT in p.extract_text())
    words = [w for w in page.extract_words() if w["text"] == AMOUNT]
    cells = [c for t in page.find_tables() for r in t.rows for c in r.cells if c]
    for w in words:
        cell = next(c for c in cells if c[0] <= w["x0"] and w["x1"] <= c[2] and
                    c[1] <= w["top"] and w["bottom"] <= c[3])
        assert cell[2] - w["x1"] < 3 * PT_PER_MM < w["x0"] - cell[0]


@needs_soffice
@pytest.mark.slow
def test_seal_boxes_are_squares_of_their_size(pages) -> None:  # type: ignore[no-untyped-def]
    page = next(p for p in pages if "公司印章" in _compact(p.extract_text()))
    verticals = [e["height"] / PT_PER_MM for e in page.edges if e["orientation"] == "v"]
    horizontals = [e["width"] / PT_PER_MM for e in page.edges if e["orientation"] == "h"]
    for mm in (35, 20):
        assert sum(abs(v - mm) < 0.8 for v in verticals) >= 2, (mm, sorted(verticals))
        assert sum(abs(h - mm) < 0.8 for h in horizontals) >= 2, (mm, sorted(horizontals))


@needs_soffice
@pytest.mark.slow
def test_every_page_is_framed(pages) -> None:  # type: ignore[no-untyped-def]
    for page in pages:
        # the frame runs wider than the 180 mm of text: a double rule above and below
        wide = [e for e in page.edges if e["orientation"] == "h" and e["width"] > 185 * PT_PER_MM]
        assert len(wide) >= 4


@needs_soffice
@pytest.mark.slow
def test_title_is_bold_in_sans_and_the_text_in_serif(pages) -> None:  # type: ignore[no-untyped-def]
    # The PDF names a face of the Noto CJK collections by the collection's first (JP) face
    # whichever face drew it: the TC shapes were checked on the rendered page.
    def faces(chars: list[dict[str, Any]]) -> set[str]:
        return {re.sub(r"^[A-Z]{6}\+", "", c["fontname"]) for c in chars}

    first = pages[0].extract_text_lines()
    title = next(ln for ln in first if _compact(ln["text"]) == "特製標題")
    body = next(ln for ln in first if "甲" in ln["text"])
    assert all(f.startswith("NotoSansCJK") and "Bold" in f for f in faces(title["chars"]))
    assert any(f.startswith("NotoSerifCJK") for f in faces(body["chars"]))
