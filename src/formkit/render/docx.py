"""DOCX output: a docxtpl base template plus a body written from the layout.

The base template (page setup, styles with East Asian fonts, the title) is
built once per process with python-docx, patched by docxtpl and compiled in a
Jinja sandbox with ``autoescape=True``; its parts are kept as bytes. Per
document, the template is rendered with the annex and the title, the body is
written as WordprocessingML from the same document model as the PDF, and the
zip is assembled from the cached parts.

The body is the XML python-docx wrote when it built the body as a docxtpl
sub-document (``add_table``, ``merge``, ``add_run``…), element for element and
byte for byte, without the cost of building it through python-docx's object
model. Every piece of text goes through :func:`_text`, which escapes ``&``,
``<`` and ``>``: ``<``, ``&`` and ``{{ }}`` in a record are plain text, never
markup or template code (the body is never seen by Jinja).

A hand-made ``template.docx`` (certificates) is rendered by docxtpl in a Jinja
sandbox (:mod:`formkit.render.sandbox`) with ``autoescape=True``, the record
and the display filters; a user's (``--templates``, ``FORMKIT_TEMPLATES``) in a
child process with capped memory and time (:func:`formkit.limits.run_bounded`).
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from functools import cache
from typing import Any

from ..catalog import Form
from ..errors import InputError, LimitExceeded, RecordError, RenderError
from ..resources import user_template_dirs
from ..validate import resolve
from .fonts import iter_strings
from .model import Block, Cell, Document, Seg, build

BODY_FONT = "Noto Serif CJK TC"
HEAD_FONT = "Noto Sans CJK TC"
# XML 1.0 forbids these (and lone surrogates cannot be encoded); Word cannot
# hold them, so they are refused, never dropped.
_XML_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


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


def _sandbox() -> Any:
    """The sandbox of :mod:`formkit.render.sandbox`, with the display filters; no includes."""
    from .filters import FILTERS
    from .sandbox import Sandbox

    env = Sandbox()
    env.add_filters(FILTERS)
    return env


# -- the base template, prepared once per process -------------------------------------

# Stands for the body in the rendered base template; it ends up as the tail
# text of the title paragraph, where nothing else can put text after it.
_BODY_MARK = "formkit-docx-body-e1c6a5d2"
_DOCUMENT = "word/document.xml"
_CORE = "docProps/core.xml"


@dataclass(frozen=True)
class _Base:
    template: Any  # the compiled Jinja template of the patched <w:body>
    listing: Any  # DocxTemplate.resolve_listing, applied to the rendered template
    skeleton: bytes  # word/document.xml with an empty <w:body/>
    core: Any  # the <cp:coreProperties> element after docxtpl's render_properties
    entries: tuple[tuple[str, bytes | None], ...]  # python-docx's order; None: per document


@cache
def _base() -> _Base:
    """Render the base template once with docxtpl and keep what every document shares.

    docxtpl patches the tags of the authored XML (``{{p body }}`` drops its
    paragraph) and renders the core properties; the patched body is compiled
    once in the sandbox. Every part but ``word/document.xml`` and
    ``docProps/core.xml`` is the same for every document and is kept deflated.
    """
    import copy
    import zipfile

    from docxtpl import DocxTemplate
    from lxml import etree

    env = _sandbox()
    tpl = DocxTemplate(io.BytesIO(_base_template()))
    tpl.render_init()
    # What DocxTemplate.build_xml and render_xml_part do before Jinja sees the XML.
    src = tpl.patch_xml(tpl.get_xml())
    src = re.sub(r"<w:p([ >])", r"\n<w:p\1", src)
    template = env.from_string(src)
    tpl.render({"annex": "", "title": "", "body": ""}, jinja_env=env, autoescape=True)
    buf = io.BytesIO()
    tpl.save(buf)
    entries: list[tuple[str, bytes | None]] = []
    skeleton = b""
    # Kept as an element, not bytes: a property set to "" serialises as <dc:language></…>.
    core = copy.deepcopy(tpl.docx.core_properties._element)
    with zipfile.ZipFile(buf) as z:
        for info in z.infolist():
            data = z.read(info)
            if info.filename == _DOCUMENT:
                root = etree.fromstring(data)
                body = root.find(f"{{{root.nsmap['w']}}}body")
                root.replace(body, body.makeelement(body.tag, {}))
                skeleton = etree.tostring(root, encoding="UTF-8", standalone=True)
                entries.append((info.filename, None))
            elif info.filename == _CORE:
                entries.append((info.filename, None))
            else:
                entries.append((info.filename, data))
    # resolve_listing only rewrites the string; a template that holds no document will do.
    return _Base(template, DocxTemplate(None).resolve_listing, skeleton, core, tuple(entries))


def _document_xml(base: _Base, annex: str, title: str, body: str) -> bytes:
    """word/document.xml: the base template rendered as docxtpl does, with the body in it."""
    from lxml import etree
    from markupsafe import Markup

    xml = base.template.render(annex=annex, title=title, body=Markup(_BODY_MARK))
    # What DocxTemplate.render_xml_part and render do after Jinja.
    xml = re.sub(r"\n<w:p([ >])", r"<w:p\1", xml)
    xml = xml.replace("{_{", "{{").replace("}_}", "}}").replace("{_%", "{%").replace("%_}", "%}")
    xml = base.listing(xml)
    rendered = etree.fromstring(xml, parser=etree.XMLParser(recover=True))
    root = etree.fromstring(base.skeleton)
    root.replace(root.find(rendered.tag), rendered)  # DocxTemplate.map_tree
    head, mark, tail = etree.tostring(root, encoding="UTF-8", standalone=True).rpartition(
        _BODY_MARK.encode("ascii")
    )
    if not mark:
        raise RenderError("DOCX base template: the body has no place in it")
    return head + body.encode("utf-8") + tail


def _core_xml(base: _Base, form: Form, draft: bool) -> bytes:
    import copy

    from docx.opc.coreprops import CoreProperties
    from docx.opc.oxml import serialize_part_xml

    element = copy.deepcopy(base.core)
    props = CoreProperties(element)
    props.title = form.full_title
    props.subject = form.id
    props.keywords = "formkit" + (" draft" if draft else "")
    return serialize_part_xml(element)


# -- the zip ----------------------------------------------------------------------------


def _zip(entries: list[tuple[str, bytes, int]]) -> bytes:
    """The parts deflated in the given order, every date 1980-01-01: the same bytes every time."""
    import zipfile

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data, level in entries:
            z.writestr(zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0)), data,
                       compress_type=zipfile.ZIP_DEFLATED, compresslevel=level)
    return buf.getvalue()


# -- the body -----------------------------------------------------------------------------
# The XML python-docx 1.2 writes for Document.add_paragraph, Paragraph.add_run (a tab
# becomes <w:tab/>, CR and LF <w:br/>; a <w:t> whose text starts or ends with
# whitespace keeps it with xml:space), Run.add_break, Run.bold, add_table with
# style "Table Grid" and autofit off, _Cell.merge and the widths set on the grid and
# on every cell, as lxml serialises it.

_BOX_FONTS = (
    f'<w:rFonts w:ascii="{HEAD_FONT}" w:hAnsi="{HEAD_FONT}" w:eastAsia="{HEAD_FONT}" '
    f'w:cs="{HEAD_FONT}"/>'
)
_BOX_LANG = '<w:lang w:eastAsia="zh-TW" w:val="zh-TW"/>'
_RPR = {
    # (tick box, bold) -> <w:rPr>
    (False, False): "",
    (False, True): "<w:rPr><w:b/></w:rPr>",
    (True, False): f"<w:rPr>{_BOX_FONTS}{_BOX_LANG}</w:rPr>",
    (True, True): f"<w:rPr>{_BOX_FONTS}<w:b/>{_BOX_LANG}</w:rPr>",
}
_EMPTY_P = "<w:p/>"
_PAGE_BREAK = '<w:p><w:r><w:br w:type="page"/></w:r></w:p>'
_TBL_PR = (
    '<w:tblPr><w:tblStyle w:val="TableGrid"/><w:tblW w:type="auto" w:w="0"/>'
    '<w:tblLayout w:type="fixed"/><w:tblLook w:firstColumn="1" w:firstRow="1" '
    'w:lastColumn="0" w:lastRow="0" w:noHBand="0" w:noVBand="1" w:val="04A0"/></w:tblPr>'
)
_TR = "<w:tr><w:trPr><w:cantSplit/></w:trPr>"
_SHADE = {True: "EEEEEE", False: "F4F4F4"}  # header cell, label cell
_SPECIAL = re.compile("[\t\r\n]")
_EMU_PER_MM, _EMU_PER_TWIP = 36000, 635


def _text(chunk: str) -> str:
    """One <w:t>: the only way text enters the body, always escaped."""
    escaped = chunk.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    if len(chunk.strip()) < len(chunk):
        return f'<w:t xml:space="preserve">{escaped}</w:t>'
    return f"<w:t>{escaped}</w:t>"


def _run_content(text: str) -> str:
    """The children python-docx gives a run for ``text`` (``Run.text = text``)."""
    if not _SPECIAL.search(text):
        return _text(text) if text else ""
    out = []
    pos = 0
    for m in _SPECIAL.finditer(text):
        if m.start() > pos:
            out.append(_text(text[pos : m.start()]))
        out.append("<w:tab/>" if m.group() == "\t" else "<w:br/>")
        pos = m.end()
    if pos < len(text):
        out.append(_text(text[pos:]))
    return "".join(out)


def _runs(segs: list[Seg], blank: bool) -> list[tuple[bool, str]]:
    """(tick box, run content) for each run the segments make."""
    runs: list[tuple[bool, str]] = []
    for s in segs:
        if s.kind == "value" and not s.text:
            if s.fmt in ("date", "date_blank"):
                runs.append((False, _run_content("    年    月    日")))
            elif blank:
                runs.append((False, _run_content("＿＿＿＿")))
            continue
        box = s.kind == "box"
        lines = s.text.split("\n")
        last = len(lines) - 1
        for i, line in enumerate(lines):
            content = _run_content(line)
            runs.append((box, content + "<w:br/>" if i < last else content))
    return runs


def _paragraph(runs: list[tuple[bool, str]], bold: bool = False) -> str:
    if not runs:
        return _EMPTY_P
    out = ["<w:p>"]
    for box, content in runs:
        rpr = _RPR[box, bold]
        out.append(f"<w:r>{rpr}{content}</w:r>" if rpr or content else "<w:r/>")
    out.append("</w:p>")
    return "".join(out)


def _tc(width: int, content: str, span: int = 1, vmerge: str = "", fill: str = "") -> str:
    return "".join(
        (
            f'<w:tc><w:tcPr><w:tcW w:type="dxa" w:w="{width}"/>',
            f'<w:gridSpan w:val="{span}"/>' if span > 1 else "",
            vmerge,
            f'<w:shd w:val="clear" w:fill="{fill}"/>' if fill else "",
            "</w:tcPr>",
            content,
            "</w:tc>",
        )
    )


def _cell_content(cell: Cell, blank: bool) -> str:
    content = _paragraph(_runs(cell.segs, blank), bold=cell.header)
    if blank and not cell.label and cell.lines > 1:
        content += _EMPTY_P * (cell.lines - 1)
    return content


def _grid(block: Block, blank: bool, form_id: str) -> str:
    """A layout grid as the table python-docx made of it (add_table, then merge per cell)."""
    rows = block.rows
    nrows = len(rows)
    ncols = max(sum(c.colspan for c in row) for row in rows) if rows else 1
    widths = block.widths or [1.0] * ncols
    if len(widths) < ncols:
        widths = widths + [widths[-1]] * (ncols - len(widths))
    total = sum(widths[:ncols])
    col_emu = [int(180 * w / total * _EMU_PER_MM) for w in widths[:ncols]]  # Mm(mm)

    def twips(emu: int) -> int:
        return int(round(emu / float(_EMU_PER_TWIP)))

    # Place the cells on the grid as the old builder did: row by row, each at the
    # first free column, spans cut at the table's edges.
    occupied: set[tuple[int, int]] = set()
    starts: dict[tuple[int, int], tuple[Cell, int, int]] = {}  # (row, col) -> cell, w, h
    below: dict[tuple[int, int], int] = {}  # continuation of a vertical span -> its width
    for r, row in enumerate(rows):
        c = 0
        for cell in row:
            while (r, c) in occupied:
                c += 1
            if c >= ncols:
                break
            end_c = min(c + cell.colspan, ncols) - 1
            end_r = min(r + cell.rowspan, nrows) - 1
            area = {(rr, cc) for rr in range(r, end_r + 1) for cc in range(c, end_c + 1)}
            if area & occupied:
                raise RenderError(
                    f"{form_id}: a {block.kind} of the layout cannot be drawn in DOCX: its "
                    f"cell at row {r + 1}, column {c + 1} overlaps a cell spanning into it"
                )
            occupied |= area
            width = end_c - c + 1
            starts[r, c] = (cell, width, end_r - r + 1)
            for rr in range(r + 1, end_r + 1):
                below[rr, c] = width
            c = end_c + 1

    out = ["<w:tbl>", _TBL_PR]
    if nrows and ncols:
        out += ["<w:tblGrid>", *(f'<w:gridCol w:w="{twips(e)}"/>' for e in col_emu), "</w:tblGrid>"]
    elif nrows:  # rows without cells: python-docx's table XML keeps its indentation
        out.append("<w:tblGrid>\n  </w:tblGrid>")
    else:  # no rows: docxtpl's fix_tables drops the grid columns
        out.append("<w:tblGrid/>")
    for r in range(nrows):
        out.append(_TR if ncols else "<w:tr>\n  <w:trPr><w:cantSplit/></w:trPr>")
        c = 0
        while c < ncols:
            if (r, c) in starts:
                cell, span, height = starts[r, c]
                vmerge = '<w:vMerge w:val="restart"/>' if height > 1 else ""
                fill = _SHADE[cell.header] if cell.header or cell.label else ""
                content = _cell_content(cell, blank)
            elif (r, c) in below:
                span, vmerge, fill, content = below[r, c], "<w:vMerge/>", "", _EMPTY_P
            else:  # a grid position no cell of the row reached
                span, vmerge, fill, content = 1, "", "", _EMPTY_P
            out.append(_tc(twips(sum(col_emu[c : c + span])), content, span, vmerge, fill))
            c += span
        out.append("</w:tr>")
    out.append("</w:tbl>")
    return "".join(out)


def _body(doc: Document) -> str:
    out: list[str] = []
    for block in doc.blocks:
        if block.kind == "heading":
            out.append(_paragraph(_runs(block.text, doc.blank), bold=True))
        elif block.kind in ("text", "notes"):
            out.append(_paragraph(_runs(block.text, doc.blank)))
        elif block.kind in ("grid", "table", "signatures"):
            out.append(_grid(block, doc.blank, doc.form.id))
            out.append(_EMPTY_P)
        elif block.kind == "pagebreak":
            out.append(_PAGE_BREAK)
    return "".join(out)


# -- rendering ---------------------------------------------------------------------------


def _check_xml_text(record: dict[str, Any] | None) -> None:
    for field, text in iter_strings(record or {}):
        m = _XML_FORBIDDEN.search(text)
        if m:
            cp = ord(m.group())
            what = ("lone surrogate" if 0xD800 <= cp <= 0xDFFF
                    else "noncharacter" if cp >= 0xFFFE else "control character")
            raise RecordError(
                f"field {field}: {what} U+{cp:04X} cannot be stored in "
                "a DOCX document; remove it from the record"
            )


def _custom_template(form: Form, templates: str | None) -> tuple[Any, bool] | None:
    """(path, from the user) of a hand-made template.docx: a user override first, then the form's.

    A user's template must be a file inside its folder (no link leading out) of
    at most ``limits.DOCX_TEMPLATE_FILE_BYTES``.
    """
    from jinja2.exceptions import SecurityError

    from ..limits import DOCX_TEMPLATE_FILE_BYTES
    from .sandbox import resolve_inside

    name = f"{form.scheme}/{form.name}.docx"
    for d in user_template_dirs(templates):
        if (d / name).is_file():
            try:
                path = resolve_inside(d.resolve(), name)
            except SecurityError as exc:
                raise InputError(f"template refused: {exc}") from None
            assert path is not None
            size = path.stat().st_size
            if size > DOCX_TEMPLATE_FILE_BYTES:
                raise LimitExceeded(f"template refused: {name} is {size:,} bytes; templates are "
                                    f"capped at {DOCX_TEMPLATE_FILE_BYTES // 2**20} MiB")
            return path, True
    own = form.template("docx")
    return (own, False) if own is not None else None


def _render_custom(
    form: Form, path: Any, record: dict[str, Any] | None, draft: bool, title: str
) -> bytes:
    """A hand-made template.docx, rendered by docxtpl in the sandbox.

    Every part docxtpl renders (body, headers, footers, footnotes, core
    properties) is a template of its own: it may not include, import or extend
    another. The sandbox's refusals are InputError (``template refused: ...``).
    """
    import zipfile

    from docx.opc.exceptions import PackageNotFoundError
    from docxtpl import DocxTemplate

    from .html import form_view, run_template

    def render() -> Any:
        tpl = DocxTemplate(str(path))
        context = {"r": record, "form": form_view(form), "draft": draft, "title": title}
        tpl.render(context, jinja_env=_sandbox(), autoescape=True)
        return tpl

    try:
        tpl = run_template(render)
    except (PackageNotFoundError, zipfile.BadZipFile, SyntaxError, OSError) as exc:
        # SyntaxError: lxml's XMLSyntaxError, a part that is not XML
        raise InputError(f"template error: {path.name} is not a Word document (.docx) that "
                         f"formkit can read: {exc}") from exc
    tpl.docx.core_properties.title = form.full_title
    tpl.docx.core_properties.subject = form.id
    tpl.docx.core_properties.keywords = "formkit" + (" draft" if draft else "")
    buf = io.BytesIO()
    tpl.save(buf)
    return buf.getvalue()


def render_docx(
    form: str | Form,
    record: dict[str, Any] | None,
    *,
    draft: bool = False,
    templates: str | None = None,
) -> bytes:
    """The DOCX of a filled (or blank) form."""
    from jinja2.exceptions import SecurityError, TemplateError

    from ..limits import check_record, run_bounded

    form = resolve(form)
    if record is not None:
        check_record(record)
    _check_xml_text(record)
    title = form.title + ("（草稿）" if draft else "")
    custom = _custom_template(form, templates) if record is not None else None
    if custom is not None:
        path, user = custom
        if user:
            return run_bounded(lambda: _render_custom(form, path, record, draft, title),
                               what=f"template {form.scheme}/{form.name}.docx")
        return _render_custom(form, path, record, draft, title)
    doc = build(form, record)

    body = _body(doc)
    m = _XML_FORBIDDEN.search(body)
    if m:  # the record was checked above: this is text of the form itself
        raise RenderError(
            f"{form.id}: U+{ord(m.group()):04X} in the form's own text cannot be stored in a DOCX "
            "document"
        )
    base = _base()
    try:
        document = _document_xml(base, form.annex, title, body)
    except SecurityError as exc:
        raise InputError(f"template refused: it tried to reach Python internals ({exc})") from exc
    except TemplateError as exc:
        raise InputError(f"template error: {exc}") from exc
    parts = {_DOCUMENT: document, _CORE: _core_xml(base, form, draft)}
    # The shared parts (790 KB of styles) at the fastest level: half the time, 17 KB more.
    return _zip([(name, parts[name], 6) if data is None else (name, data, 1)
                 for name, data in base.entries])
