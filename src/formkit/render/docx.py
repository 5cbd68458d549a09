"""DOCX output: a docxtpl base template plus a body built from the layout.

The base template (page setup, styles with East Asian fonts, the title) is
built once per process with python-docx and rendered by docxtpl with
``autoescape=True``; the body is a sub-document made from the same document
model as the PDF. Values go in through python-docx's API, so ``<``, ``&`` and
``{{ }}`` in a record are plain text, never markup or template code.
A hand-made ``template.docx`` (certificates) is rendered by docxtpl in a Jinja
sandbox with the record and display filters.
"""

from __future__ import annotations

import io
import re
from functools import cache
from typing import Any

from ..catalog import Form
from ..errors import InputError, RecordError
from ..resources import user_template_dirs
from ..validate import resolve
from .fonts import iter_strings
from .model import Block, Cell, Document, Seg, build

BODY_FONT = "Noto Serif CJK TC"
HEAD_FONT = "Noto Sans CJK TC"
# XML 1.0 forbids these; Word cannot hold them, so they are refused, never dropped.
_XML_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _set_east_asian(style_or_run: Any, font: str) -> None:
    from docx.oxml.ns import qn

    rpr = style_or_run.element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = rpr.makeelement(qn("w:rFonts"), {})
        rpr.insert(0, fonts)
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attr), font)
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = rpr.makeelement(qn("w:lang"), {})
        rpr.append(lang)
    lang.set(qn("w:eastAsia"), "zh-TW")
    lang.set(qn("w:val"), "zh-TW")


@cache
def _base_template() -> bytes:
    """A4, 15 mm margins, TC fonts on every style, and the docxtpl tags."""
    from docx import Document as NewDocument
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn
    from docx.shared import Mm, Pt, RGBColor

    d = NewDocument()
    section = d.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Mm(15))
    # No automatic spacing between CJK and Latin text: office suites would
    # otherwise print spaces that are not in the record.
    ppr_default = d.styles.element.find(qn("w:docDefaults")).find(qn("w:pPrDefault"))
    if ppr_default is None:
        ppr_default = d.styles.element.find(qn("w:docDefaults")).makeelement(qn("w:pPrDefault"), {})
        d.styles.element.find(qn("w:docDefaults")).append(ppr_default)
    ppr = ppr_default.find(qn("w:pPr"))
    if ppr is None:
        ppr = ppr_default.makeelement(qn("w:pPr"), {})
        ppr_default.append(ppr)
    for tag in ("w:autoSpaceDE", "w:autoSpaceDN"):
        ppr.append(ppr.makeelement(qn(tag), {qn("w:val"): "0"}))
    normal = d.styles["Normal"]
    normal.font.size = Pt(10.5)
    _set_east_asian(normal, BODY_FONT)
    for name in ("Title", "Heading 1", "Heading 2"):
        _set_east_asian(d.styles[name], HEAD_FONT)
    title_style = d.styles["Title"]
    title_style.font.size = Pt(15)
    title_style.font.color.rgb = RGBColor(0, 0, 0)
    ppr = title_style.element.pPr
    if ppr is not None:  # the default Title style draws a blue rule under the title
        for border in ppr.findall(qn("w:pBdr")):
            ppr.remove(border)
    annex = d.add_paragraph("{{ annex }}")
    annex.runs[0].font.size = Pt(10)
    title = d.add_paragraph("{{ title }}", style="Title")
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    d.add_paragraph("{{p body }}")
    d.core_properties.title = ""
    d.core_properties.author = "formkit"
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


def _check_xml_text(record: dict[str, Any] | None) -> None:
    for field, text in iter_strings(record or {}):
        m = _XML_FORBIDDEN.search(text)
        if m:
            raise RecordError(
                f"field {field}: control character U+{ord(m.group()):04X} cannot be stored in "
                "a DOCX document; remove it from the record"
            )


def _add_segs(paragraph: Any, segs: list[Seg], blank: bool) -> None:
    for s in segs:
        if s.kind == "value" and not s.text:
            if s.fmt in ("date", "date_blank"):
                paragraph.add_run("    年    月    日")
            elif blank:
                paragraph.add_run("＿＿＿＿")
            continue
        lines = s.text.split("\n")
        for i, line in enumerate(lines):
            run = paragraph.add_run(line)
            if s.kind == "box":
                _set_east_asian(run, HEAD_FONT)
            if i < len(lines) - 1:
                run.add_break()


def _shade(cell: Any, fill: str) -> None:
    from docx.oxml.ns import qn

    tcpr = cell._tc.get_or_add_tcPr()
    shd = tcpr.makeelement(qn("w:shd"), {qn("w:val"): "clear", qn("w:fill"): fill})
    tcpr.append(shd)


def _grid(sd: Any, block: Block, blank: bool) -> None:
    from docx.shared import Mm

    ncols = max(sum(c.colspan for c in row) for row in block.rows) if block.rows else 1
    table = sd.add_table(rows=len(block.rows), cols=ncols)
    table.style = "Table Grid"
    table.autofit = False
    widths = block.widths or [1.0] * ncols
    if len(widths) < ncols:
        widths = widths + [widths[-1]] * (ncols - len(widths))
    total = sum(widths[:ncols])
    col_mm = [180 * w / total for w in widths[:ncols]]
    occupied: set[tuple[int, int]] = set()
    for r, row in enumerate(block.rows):
        c = 0
        for cell in row:
            while (r, c) in occupied:
                c += 1
            if c >= ncols:
                break
            end_c = min(c + cell.colspan, ncols) - 1
            end_r = min(r + cell.rowspan, len(block.rows)) - 1
            target = table.cell(r, c)
            if end_c > c or end_r > r:
                target = target.merge(table.cell(end_r, end_c))
            for rr in range(r, end_r + 1):
                for cc in range(c, end_c + 1):
                    occupied.add((rr, cc))
            _fill_cell(target, cell, blank)
            c = end_c + 1
    from docx.oxml.ns import qn

    for row in table.rows:  # a form's row is never split across pages
        trpr = row._tr.get_or_add_trPr()
        trpr.append(trpr.makeelement(qn("w:cantSplit"), {}))
    _set_widths(table, [Mm(mm) for mm in col_mm])


def _set_widths(table: Any, cols: list[Any]) -> None:
    """The layout's column widths on the grid and on every cell, merged ones included.

    Office suites lay a fixed table out from ``w:tblGrid``; python-docx fills it
    with equal columns narrower than the page, and gives a merged cell the
    width of one column. Narrow cells wrap values inside Latin tokens, which
    the text parser cannot undo, so the grid carries the real widths.
    """
    from docx.shared import Emu

    for grid_col, width in zip(table._tbl.tblGrid.gridCol_lst, cols, strict=False):
        grid_col.w = width
    for tr in table._tbl.tr_lst:
        col = 0
        for tc in tr.tc_lst:
            span = tc.grid_span
            tc.width = Emu(sum(cols[col : col + span]))
            col += span


def _fill_cell(target: Any, cell: Cell, blank: bool) -> None:
    paragraph = target.paragraphs[0]
    _add_segs(paragraph, cell.segs, blank)
    if cell.header or cell.label:
        _shade(target, "EEEEEE" if cell.header else "F4F4F4")
    if cell.header:
        for run in paragraph.runs:
            run.bold = True
    if blank and not cell.label and cell.lines > 1:
        for _ in range(cell.lines - 1):
            target.add_paragraph("")


def _body(tpl: Any, doc: Document) -> Any:
    sd = tpl.new_subdoc()
    for block in doc.blocks:
        if block.kind == "heading":
            p = sd.add_paragraph()
            _add_segs(p, block.text, doc.blank)
            for run in p.runs:
                run.bold = True
        elif block.kind in ("text", "notes"):
            p = sd.add_paragraph()
            _add_segs(p, block.text, doc.blank)
        elif block.kind in ("grid", "table", "signatures"):
            _grid(sd, block, doc.blank)
            sd.add_paragraph("")
        elif block.kind == "pagebreak":
            sd.add_page_break()
    return sd


def _custom_template(form: Form, templates: str | None) -> Any:
    name = f"{form.scheme}/{form.name}.docx"
    for d in user_template_dirs(templates):
        if (d / name).is_file():
            return d / name
    return form.template("docx")


def render_docx(
    form: str | Form,
    record: dict[str, Any] | None,
    *,
    draft: bool = False,
    templates: str | None = None,
) -> bytes:
    """The DOCX of a filled (or blank) form."""
    from docxtpl import DocxTemplate
    from jinja2.exceptions import SecurityError, TemplateError
    from jinja2.sandbox import ImmutableSandboxedEnvironment

    form = resolve(form)
    _check_xml_text(record)
    doc = build(form, record)
    title = form.title + ("（草稿）" if draft else "")
    custom = _custom_template(form, templates) if record is not None else None
    env = ImmutableSandboxedEnvironment(autoescape=True)
    from .filters import FILTERS

    env.filters.update(FILTERS)
    try:
        if custom is not None:
            tpl = DocxTemplate(str(custom))
            context: dict[str, Any] = {"r": record, "form": form, "draft": draft, "title": title}
        else:
            tpl = DocxTemplate(io.BytesIO(_base_template()))
            context = {"annex": form.annex, "title": title, "body": _body(tpl, doc)}
        tpl.render(context, jinja_env=env, autoescape=True)
    except SecurityError as exc:
        raise InputError(f"template refused: it tried to reach Python internals ({exc})") from exc
    except TemplateError as exc:
        raise InputError(f"template error: {exc}") from exc
    tpl.docx.core_properties.title = form.full_title
    tpl.docx.core_properties.subject = form.id
    tpl.docx.core_properties.keywords = "formkit" + (" draft" if draft else "")
    buf = io.BytesIO()
    tpl.save(buf)
    return buf.getvalue()
