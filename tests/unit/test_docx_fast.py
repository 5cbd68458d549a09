"""render_docx: the body written as WordprocessingML from the document model."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from lxml import etree

from formkit import render_docx
from formkit.catalog import get_form
from formkit.errors import InputError, RecordError, RenderError
from formkit.pointers import set_
from formkit.render.model import Block, Cell, Document, Seg
from formkit.validate import fill

from ..conftest import AS_OF

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
FORM = "oshpm/destruction-plan"
HOSTILE = "A<b>&amp; ]]> {{ x }} {% if %}{_{ y }_}{# c #}'\"\tZ "


def _filled(form_id: str = FORM) -> dict:
    return fill(form_id, get_form(form_id).sample, as_of=AS_OF).record


def _part(data: bytes, name: str) -> bytes:
    return zipfile.ZipFile(io.BytesIO(data)).read(name)


def _body(data: bytes) -> etree._Element:
    return etree.fromstring(_part(data, "word/document.xml")).find(f"{W}body")


def _paragraph_text(p: etree._Element) -> str:
    out = []
    for e in p.iter(f"{W}t", f"{W}tab", f"{W}br"):
        out.append(e.text or "" if e.tag == f"{W}t" else "\t" if e.tag == f"{W}tab" else "\n")
    return "".join(out)


def _texts(data: bytes) -> list[str]:
    return [_paragraph_text(p) for p in _body(data).iter(f"{W}p")]


def test_output_is_a_docx_python_docx_opens() -> None:
    import docx

    data = render_docx(FORM, _filled())
    z = zipfile.ZipFile(io.BytesIO(data))
    assert z.testzip() is None
    assert z.namelist()[0] == "[Content_Types].xml"
    assert all(i.compress_type == zipfile.ZIP_DEFLATED for i in z.infolist())
    document = docx.Document(io.BytesIO(data))
    form = get_form(FORM)
    assert [p.text for p in document.paragraphs[:2]] == [form.annex, form.title]
    assert document.paragraphs[1].style.name == "Title"
    cells = [c.text for t in document.tables for row in t.rows for c in row.cells]
    assert _filled()["site"] in cells
    assert document.core_properties.title == form.full_title
    assert document.core_properties.subject == FORM
    section = document.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)


def test_values_with_markup_and_template_syntax_come_out_literally() -> None:
    import docx

    record = _filled()
    set_(record, "site", HOSTILE)
    data = render_docx(FORM, record)
    assert HOSTILE in _texts(data)
    tables = docx.Document(io.BytesIO(data)).tables
    assert HOSTILE in [c.text for t in tables for r in t.rows for c in r.cells]
    xml = _part(data, "word/document.xml").decode("utf-8")
    assert "A&lt;b&gt;&amp;amp; ]]&gt; {{ x }} {% if %}{_{ y }_}{# c #}'\"" in xml
    assert "<b>" not in xml


def test_line_breaks_tabs_and_edge_whitespace_of_a_value() -> None:
    record = _filled()
    set_(record, "site", " 第一行\n第二行\t尾 ")
    body = _body(render_docx(FORM, record))
    runs = [
        r for r in body.iter(f"{W}r")
        if "第一行" in "".join(t.text or "" for t in r.iter(f"{W}t"))
    ]
    assert len(runs) == 1
    first = runs[0]
    assert [e.tag for e in first][-1] == f"{W}br"
    assert first.find(f"{W}t").get("{http://www.w3.org/XML/1998/namespace}space") == "preserve"
    second = first.getnext()
    assert [e.tag.removeprefix(W) for e in second] == ["t", "tab", "t"]
    assert [t.text for t in second.iter(f"{W}t")] == ["第二行", "尾 "]


def test_two_renders_of_a_record_are_identical_bytes() -> None:
    record = _filled("mit/annex-07-qms-assessment")
    first = render_docx("mit/annex-07-qms-assessment", record)
    assert render_docx("mit/annex-07-qms-assessment", record) == first
    assert {i.date_time for i in zipfile.ZipFile(io.BytesIO(first)).infolist()} == {
        (1980, 1, 1, 0, 0, 0)
    }
    assert render_docx(FORM, None, draft=True) == render_docx(FORM, None, draft=True)


@pytest.mark.parametrize("bad", ["A\x01B", "A\x0bB", "A\ud800B", "A\ufffeB"])
def test_a_character_xml_cannot_hold_is_refused_naming_the_field(bad: str) -> None:
    record = _filled()
    set_(record, "obligor.name", bad)
    with pytest.raises(RecordError) as info:
        render_docx(FORM, record)
    assert f"U+{ord(bad[1]):04X}" in str(info.value) and "/obligor/name" in str(info.value)


def test_blank_form_has_empty_boxes_blanks_date_slots_and_writing_lines() -> None:
    form = get_form(FORM)
    data = render_docx(FORM, None)
    texts = _texts(data)
    assert texts[:2] == [form.annex, form.title]
    joined = "\n".join(texts)
    assert "＿＿＿＿" in joined and "    年    月    日" in joined
    assert "□" in joined and "■" not in joined
    assert "草稿" not in joined
    # 銷燬方式 is a three-line cell: its paragraph and two empty ones under it.
    tc = next(
        tc for tc in _body(data).iter(f"{W}tc")
        if _paragraph_text(tc.getprevious()) == "銷燬方式"
    )
    assert [_paragraph_text(p) for p in tc.findall(f"{W}p")] == ["＿＿＿＿", "", ""]
    assert tc.find(f"{W}tcPr/{W}gridSpan").get(f"{W}val") == "3"
    # tick boxes are drawn with the Sans CJK font
    box_run = next(r for r in _body(data).iter(f"{W}r") if _paragraph_text(r) == "□")
    assert box_run.find(f"{W}rPr/{W}rFonts").get(f"{W}eastAsia") == "Noto Sans CJK TC"
    core = _part(data, "docProps/core.xml").decode("utf-8")
    assert ">formkit</cp:keywords>" in core


def test_draft_title_and_keywords() -> None:
    form = get_form(FORM)
    data = render_docx(FORM, _filled(), draft=True)
    texts = _texts(data)
    assert texts[1] == form.title + "（草稿）"
    assert _filled()["site"] in texts
    core = _part(data, "docProps/core.xml").decode("utf-8")
    assert f"<dc:title>{form.full_title}</dc:title>" in core
    assert ">formkit draft</cp:keywords>" in core
    blank_draft = _texts(render_docx(FORM, None, draft=True))
    assert blank_draft[1] == form.title + "（草稿）" and "＿＿＿＿" in "".join(blank_draft)


def test_tables_carry_widths_spans_vertical_merges_and_shading() -> None:
    data = render_docx("mit/annex-07-qms-assessment", _filled("mit/annex-07-qms-assessment"))
    body = _body(data)
    tables = body.findall(f"{W}tbl")
    assert tables
    restarts = continues = 0
    for tbl in tables:
        assert tbl.find(f"{W}tblPr/{W}tblLayout").get(f"{W}type") == "fixed"
        grid = [int(g.get(f"{W}w")) for g in tbl.iter(f"{W}gridCol")]
        assert abs(sum(grid) - 10205) <= len(grid)  # 180 mm in twips, give or take rounding
        for tr in tbl.findall(f"{W}tr"):
            assert tr.find(f"{W}trPr/{W}cantSplit") is not None
            col = 0
            for tc in tr.findall(f"{W}tc"):
                span_el = tc.find(f"{W}tcPr/{W}gridSpan")
                span = int(span_el.get(f"{W}val")) if span_el is not None else 1
                width = int(tc.find(f"{W}tcPr/{W}tcW").get(f"{W}w"))
                assert abs(width - sum(grid[col : col + span])) <= span
                vmerge = tc.find(f"{W}tcPr/{W}vMerge")
                if vmerge is not None:
                    if vmerge.get(f"{W}val") == "restart":
                        restarts += 1
                    else:
                        continues += 1
                        assert _paragraph_text(tc) == ""
                col += span
            assert col == len(grid)
    assert restarts and continues > restarts
    header = next(
        tc for tc in body.iter(f"{W}tc")
        if tc.find(f"{W}tcPr/{W}shd[@{W}fill='EEEEEE']") is not None
    )
    assert all(r.find(f"{W}rPr/{W}b") is not None for r in header.iter(f"{W}r"))


def test_a_layout_whose_spans_overlap_is_refused(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import formkit.render.docx as docx_module

    def cell(text: str, **kw: int) -> Cell:
        return Cell([Seg("text", text)], **kw)

    form = get_form(FORM)
    rows = [[cell("a"), cell("b", rowspan=2)], [cell("c", colspan=2)]]
    overlapping = Document(form, [Block("grid", rows=rows, widths=[1, 1])], blank=False)
    monkeypatch.setattr(docx_module, "build", lambda f, r: overlapping)
    with pytest.raises(RenderError, match="overlaps"):
        render_docx(FORM, _filled())


def _user_template(root: Path, text: str) -> str:
    import docx

    d = docx.Document()
    d.add_paragraph(text)
    (root / "oshpm").mkdir(parents=True, exist_ok=True)
    d.save(str(root / "oshpm" / "destruction-plan.docx"))
    return str(root)


def test_user_template_is_autoescaped_and_sandboxed(tmp_path: Path) -> None:
    # Plain docxtpl: it turns "{_{" into "{{" after rendering, values included.
    hostile = HOSTILE.replace("{_{ y }_}", "")
    record = _filled()
    set_(record, "site", hostile)
    templates = _user_template(tmp_path, "場所：{{ r.site }}")
    data = render_docx(FORM, record, templates=templates)
    assert "場所：" + hostile in _texts(data)
    core = _part(data, "docProps/core.xml").decode("utf-8")
    assert f"<dc:subject>{FORM}</dc:subject>" in core

    refused = _user_template(tmp_path / "evil", "{{ r.__class__.__mro__[1].__subclasses__() }}")
    with pytest.raises(InputError, match="template refused"):
        render_docx(FORM, record, templates=refused)
    broken = _user_template(tmp_path / "broken", "{{ r.site ")
    with pytest.raises(InputError, match="template error"):
        render_docx(FORM, record, templates=broken)
