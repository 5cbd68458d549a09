"""render_docx: the body written as WordprocessingML from the document model."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from lxml import etree

from formkit import render_docx
from formkit.engine import fill
from formkit.errors import InputError, RecordError, RenderError
from formkit.forms import get_form
from formkit.pointers import set_
from formkit.render.docx import BODY_FONT, HEAD_FONT, OPTION_GAP, WORD_JOINER, render_document
from formkit.render.model import Block, Cell, Document, Seal, Seg

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
    return "".join(out).replace("\u2060", "")  # word joiners: what keeps characters together


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
    assert [e.tag.removeprefix(W) for e in second] == ["rPr", "t", "tab", "t"]
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
    # 銷燬方式 is a three-line cell: its row is at least three writing lines (7 mm each) high.
    tc = next(
        tc for tc in _body(data).iter(f"{W}tc")
        if _paragraph_text(tc.getprevious()) == "銷燬方式"
    )
    assert [_paragraph_text(p) for p in tc.findall(f"{W}p")] == ["＿＿＿＿"]
    assert tc.find(f"{W}tcPr/{W}gridSpan").get(f"{W}val") == "3"
    height = tc.getparent().find(f"{W}trPr/{W}trHeight")
    assert (height.get(f"{W}val"), height.get(f"{W}hRule")) == (str(round(21 * 1440 / 25.4)),
                                                                  "atLeast")
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
    monkeypatch.setattr(docx_module, "build", lambda f, r, **kw: overlapping)
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


# -- the package, the styles and the footer ---------------------------------------------------

CP = "{http://schemas.openxmlformats.org/package/2006/metadata/core-properties}"
R = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"


def test_package_has_a_footer_part_and_no_styles_with_effects() -> None:
    data = render_docx(FORM, _filled())
    names = zipfile.ZipFile(io.BytesIO(data)).namelist()
    assert "word/footer1.xml" in names and "word/stylesWithEffects.xml" not in names
    types = _part(data, "[Content_Types].xml").decode()
    rels = _part(data, "word/_rels/document.xml.rels").decode()
    assert "stylesWithEffects" not in types + rels
    assert 'PartName="/word/footer1.xml"' in types
    rel = etree.fromstring(_part(data, "word/_rels/document.xml.rels"))
    footer_ids = [r.get("Id") for r in rel if r.get("Target") == "footer1.xml"]
    sect = _body(data).find(f"{W}sectPr")
    assert [f.get(f"{R}id") for f in sect.findall(f"{W}footerReference")] == footer_ids
    core = etree.fromstring(_part(data, "docProps/core.xml"))
    assert [k.text for k in core.iter("{*}keywords")] == ["formkit"]
    assert core.find(f"{CP}keywords") is not None


def test_every_style_names_tc_fonts_and_zh_tw_and_no_theme_font() -> None:
    styles = etree.fromstring(_part(render_docx(FORM, None), "word/styles.xml"))
    defaults = styles.find(f"{W}docDefaults")
    assert defaults.find(f"{W}rPrDefault/{W}rPr/{W}rFonts").get(f"{W}eastAsia") == BODY_FONT
    assert defaults.find(f"{W}rPrDefault/{W}rPr/{W}lang").get(f"{W}eastAsia") == "zh-TW"
    # CT_PPrBase's order: wordWrap, autoSpaceDE and autoSpaceDN come before spacing
    order = [e.tag.removeprefix(W) for e in defaults.find(f"{W}pPrDefault/{W}pPr")]
    assert order == ["wordWrap", "autoSpaceDE", "autoSpaceDN", "spacing"]
    checked = 0
    for style in styles.iter(f"{W}style"):
        if style.get(f"{W}type") not in ("paragraph", "character", "table"):
            continue
        fonts = style.find(f"{W}rPr/{W}rFonts")
        assert fonts.get(f"{W}eastAsia") in (BODY_FONT, HEAD_FONT), style.get(f"{W}styleId")
        assert style.find(f"{W}rPr/{W}lang").get(f"{W}eastAsia") == "zh-TW"
        checked += 1
    assert checked > 100
    assert not [a for f in styles.iter(f"{W}rFonts") for a in f.attrib if "heme" in a]
    title = styles.find(f"{W}style[@{W}styleId='Title']/{W}rPr")
    assert title.find(f"{W}b") is not None
    assert title.find(f"{W}rFonts").get(f"{W}eastAsia") == HEAD_FONT
    settings = etree.fromstring(_part(render_docx(FORM, None), "word/settings.xml"))
    assert settings.find(f"{W}themeFontLang").get(f"{W}eastAsia") == "zh-TW"


def _footer_texts(data: bytes) -> tuple[str, list[str]]:
    footer = etree.fromstring(_part(data, "word/footer1.xml"))
    text = "".join(_paragraph_text(r) for r in footer.iter(f"{W}r"))
    return text, [f.get(f"{W}instr").strip() for f in footer.iter(f"{W}fldSimple")]


def test_footer_prints_the_footer_text_and_page_n_of_m_in_8_pt() -> None:
    form = get_form(FORM)
    text, fields = _footer_texts(render_docx(FORM, None))
    assert fields == ["PAGE", "NUMPAGES"]
    assert text == f"{form.full_title}\t第 1 頁／共 1 頁"
    footer = etree.fromstring(_part(render_docx(FORM, None), "word/footer1.xml"))
    assert {r.find(f"{W}rPr/{W}sz").get(f"{W}val") for r in footer.iter(f"{W}r")} == {"16"}
    own = Document(form, [], blank=True, title="另一標題", footer="附件十二 <另一標題> & 說明")
    data = render_document(own)
    assert _footer_texts(data)[0].startswith("附件十二 <另一標題> & 說明\t")
    assert _texts(data)[1] == "另一標題"
    assert _texts(render_document(own, draft=True))[1] == "另一標題（草稿）"


# -- the body, drawn from hand-made documents --------------------------------------------------


def _cell(text: str = "", **kw) -> Cell:  # type: ignore[no-untyped-def]
    return Cell([Seg("text", text)], label=True, **kw)


def _value(text: str = "", **kw) -> Cell:  # type: ignore[no-untyped-def]
    return Cell([Seg("value", text, "k")], **kw)


def _render_blocks(blocks: list[Block], blank: bool = False, **kw) -> etree._Element:  # type: ignore[no-untyped-def]
    return _body(render_document(Document(get_form(FORM), blocks, blank=blank, **kw)))


def _kept(p: etree._Element) -> bool:
    return p.find(f"{W}pPr/{W}keepNext") is not None


def test_table_header_rows_repeat_and_stay_with_the_first_row() -> None:
    header = [Cell([Seg("text", "項次")], label=True, header=True),
              Cell([Seg("text", "金額")], label=True, header=True)]
    rows = [header] + [[_cell(str(i)), _value("1,000", align="right")] for i in range(3)]
    body = _render_blocks([Block("table", rows=rows, widths=[1, 1])])
    trs = body.find(f"{W}tbl").findall(f"{W}tr")
    assert [tr.find(f"{W}trPr/{W}tblHeader") is not None for tr in trs] == [1, 0, 0, 0]
    assert [all(_kept(p) for p in tr.iter(f"{W}p")) for tr in trs] == [1, 0, 0, 0]
    two = _render_blocks([Block("grid", rows=rows, widths=[1, 1], header_rows=2)])
    trs = two.find(f"{W}tbl").findall(f"{W}tr")
    assert [tr.find(f"{W}trPr/{W}tblHeader") is not None for tr in trs] == [1, 1, 0, 0]


def test_empty_paragraphs_only_between_tables_and_at_the_end() -> None:
    grid = Block("grid", rows=[[_cell("名稱"), _value("甲")]], widths=[1, 2])
    heading = Block("heading", text=[Seg("text", "二、內容")])
    body = _render_blocks([grid, grid, heading, grid])
    kinds = [e.tag.removeprefix(W) for e in body if e.tag != f"{W}sectPr"]
    assert kinds == ["p", "p", "tbl", "p", "tbl", "p", "tbl", "p"]
    separator, head, end = body[3], body[5], body[7]
    assert _paragraph_text(separator) == "" and _paragraph_text(end) == ""
    assert _paragraph_text(head) == "二、內容" and _kept(head)
    assert head.find(f"{W}pPr/{W}spacing").get(f"{W}before") == "200"  # set off from the table
    assert head.find(f"{W}r/{W}rPr/{W}rFonts").get(f"{W}eastAsia") == HEAD_FONT


def test_a_signature_block_stays_with_what_precedes_it() -> None:
    grid = Block("grid", rows=[[_cell("名稱"), _value("甲")], [_cell("地址"), _value("乙")]])
    sign = Block("signatures", rows=[[_cell("申請人"), _value()], [_cell("日期"), _value()]])
    body = _render_blocks([grid, sign])
    first, second = body.findall(f"{W}tbl")
    assert [all(_kept(p) for p in tr.iter(f"{W}p")) for tr in first.findall(f"{W}tr")] == [0, 1]
    assert _kept(first.getnext())  # the empty paragraph between the tables
    assert [all(_kept(p) for p in tr.iter(f"{W}p")) for tr in second.findall(f"{W}tr")] == [1, 0]
    note = Block("notes", text=[Seg("text", "註：")])
    assert _kept(_render_blocks([note, sign]).findall(f"{W}p")[2])


def test_cells_carry_alignment_indent_heights_and_vertical_centring() -> None:
    rows = [
        [_cell("金額"), _value("12,345", align="right"), _value("中", align="center")],
        [_cell("說明"), Cell([Seg("value", "", "x", fmt="mtext")], lines=3, colspan=2)],
        [_cell("子項", indent=2, colspan=3)],
    ]
    for blank, tall in ((False, 454), (True, 1191)):
        trs = _render_blocks([Block("grid", rows=rows)], blank=blank).iter(f"{W}tr")
        amount, notes, sub = trs
        jcs = [tc.find(f"{W}p/{W}pPr/{W}jc") for tc in amount.findall(f"{W}tc")]
        assert [j.get(f"{W}val") if j is not None else None for j in jcs] == [None, "right",
                                                                              "center"]
        height = amount.find(f"{W}trPr/{W}trHeight")
        assert (height.get(f"{W}val"), height.get(f"{W}hRule")) == ("454", "atLeast")
        assert notes.find(f"{W}trPr/{W}trHeight").get(f"{W}val") == str(tall)
        assert sub.find(f"{W}trPr/{W}trHeight") is None  # a label row: no room to write
        ind = sub.find(f"{W}tc/{W}p/{W}pPr/{W}ind")
        assert (ind.get(f"{W}leftChars"), ind.get(f"{W}left")) == ("400", "840")
        aligned = [tc.find(f"{W}tcPr/{W}vAlign") is not None for tc in notes.findall(f"{W}tc")]
        assert aligned == [True, False]  # the label centred, the writing room from the top


def _options(*labels: str, lead: str = "") -> list[Seg]:
    segs = [Seg("text", lead)] if lead else []
    for i, label in enumerate(labels):
        segs += [Seg("box", "□", "k", str(i)), Seg("text", label)]
    return segs


def test_a_tick_box_is_glued_to_its_label_and_set_apart_from_the_next() -> None:
    long = "是，惟仍有評核之必要，應進行評核（續評下欄）"
    cell = Cell(_options("符合", "主要缺點", long, lead="結果："))
    runs = _render_blocks([Block("grid", rows=[[cell]])]).find(f"{W}tbl").iter(f"{W}r")
    texts = ["".join(t.text or "" for t in r.iter(f"{W}t")) for r in runs]
    j, gap = WORD_JOINER, OPTION_GAP
    # a long option: glued from its box to its label's second character, and at its end
    assert texts == ["結果：", "□", f"{j}符{j}合{gap}", "□", f"{j}主{j}要{j}缺{j}點{gap}", "□",
                     f"{j}是{j}，" + long[2:-3] + f"下{j}欄{j}）"]
    langs = [r.find(f"{W}rPr/{W}lang") for r in _render_blocks(
        [Block("grid", rows=[[cell]])]).find(f"{W}tbl").iter(f"{W}r")]
    # every run is tagged zh-Hant-TW: LibreOffice then honours the word joiners
    assert [x.get(f"{W}eastAsia") if x is not None else None for x in langs] == [
        "zh-Hant-TW"] * 7


def test_a_stacked_cell_puts_each_option_on_its_own_line_one_run_a_segment() -> None:
    cell = Cell(_options("符合", "不符合", lead="結果："), stack=True)
    p = _render_blocks([Block("grid", rows=[[cell]])], blank=True).find(f"{W}tbl").find(
        f".//{W}p")
    texts = ["".join("\n" if e.tag == f"{W}br" else e.text or "" for e in r.iter(f"{W}t", f"{W}br"))
             for r in p.findall(f"{W}r")]
    j = WORD_JOINER
    assert texts == ["結果：\n", "□", f"{j}符{j}合\n", "□", f"{j}不{j}符{j}合"]


def test_seal_boxes_are_squares_of_their_size_kept_with_the_signatures() -> None:
    sign = Block("signatures", rows=[[_cell("申請人"), _value()]],
                 seals=[Seal("公司印章", 35), Seal("負責人印章", 20)])
    body = _render_blocks([sign, Block("grid", rows=[[_cell("甲"), _value()]])])
    table = body.find(f"{W}tbl")
    assert all(_kept(p) for p in table.iter(f"{W}p"))
    separator = table.getnext()
    assert _kept(separator) and _paragraph_text(separator) == ""
    sdt = separator.getnext()
    assert sdt.tag == f"{W}sdt"
    assert sdt.find(f"{W}sdtPr/{W}tag").get(f"{W}val") == "formkit-seals"
    outer = sdt.find(f"{W}sdtContent/{W}tbl")
    assert outer.find(f"{W}tblPr/{W}jc").get(f"{W}val") == "right"
    squares = outer.findall(f".//{W}tc/{W}tbl")
    for square, mm in zip(squares, (35, 20), strict=True):
        side = str(round(mm * 1440 / 25.4))
        height = square.find(f"{W}tr/{W}trPr/{W}trHeight")
        assert (height.get(f"{W}val"), height.get(f"{W}hRule")) == (side, "exact")
        assert square.find(f"{W}tr/{W}tc/{W}tcPr/{W}tcW").get(f"{W}w") == side
        edges = square.find(f"{W}tblPr/{W}tblBorders")
        assert [e.get(f"{W}val") for e in edges] == ["single"] * 4
        caption = square.getnext()
        assert caption.find(f"{W}r/{W}rPr/{W}sz").get(f"{W}val") == "16"
    captions = [_paragraph_text(s.getnext()) for s in squares]
    assert captions == ["公司印章", "負責人印章"]
    assert sdt.getnext().tag == f"{W}p" and sdt.getnext().getnext().tag == f"{W}tbl"


def test_frame_plain_grid_and_text_styles() -> None:
    plain = Block("grid", rows=[[_cell("甲"), _value("乙")]], style="plain")
    centred = Block("text", text=[Seg("text", "茲證明")], style="center")
    lead = Block("text", text=[Seg("text", "本公司產品")], style="lead")
    body = _render_blocks([plain, centred, lead], frame=True)
    tbl = body.find(f"{W}tbl")
    assert [e.get(f"{W}val") for e in tbl.find(f"{W}tblPr/{W}tblBorders")] == ["none"] * 6
    assert tbl.find(f".//{W}shd") is None
    p_centred, p_lead = body.findall(f"{W}p")[-2:]
    assert p_centred.find(f"{W}pPr/{W}jc").get(f"{W}val") == "center"
    assert p_lead.find(f"{W}pPr/{W}ind").get(f"{W}firstLineChars") == "200"
    assert p_lead.find(f"{W}r/{W}rPr/{W}sz").get(f"{W}val") == "24"
    sect = body.find(f"{W}sectPr")
    borders = sect.find(f"{W}pgBorders")
    assert borders.getprevious().tag == f"{W}pgMar"
    assert [e.get(f"{W}val") for e in borders] == ["double"] * 4
    assert _render_blocks([plain]).find(f"{W}sectPr/{W}pgBorders") is None


def test_the_worksheet_follows_a_page_break() -> None:
    grid = Block("grid", rows=[[_cell("甲"), _value("乙")]])
    sheet = Block("grid", rows=[[_cell("底稿"), _value("丙")]])
    body = _render_blocks([grid], worksheet=[sheet])
    kinds = [e.tag.removeprefix(W) for e in body if e.tag != f"{W}sectPr"]
    assert kinds == ["p", "p", "tbl", "p", "tbl", "p"]
    assert body[3].find(f"{W}r/{W}br").get(f"{W}type") == "page"
    assert "底稿" in _paragraph_text(body[4])
