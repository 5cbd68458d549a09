"""ODT output (OpenDocument text, ODF 1.2): the document model drawn as DOCX draws it.

The body is built from the same document model as the DOCX and the PDF
(:func:`formkit.render.model.build`): headings, text, grids and tables (their
header rows repeated on every page, ``table:table-header-rows``), tick boxes
□/■ glued to their label with word joiners as in the DOCX, seal boxes, a page
break before the worksheet. Paragraphs, spans, tables, rows and cells are
odfdo elements (odfdo escapes the text and writes spaces, tabs and line breaks
as ODF's ``text:s``, ``text:tab`` and ``text:line-break``); the styles, which
odfdo would take from its LibreOffice template (ODF 1.4, with LibreOffice's
extensions), are written here.

Version: ``office:version="1.2"``. CNS 15251 adopts ISO/IEC 26300, whose
current edition (ISO/IEC 26300:2015) is ODF 1.2; every office suite that reads
ODF reads 1.2 (LibreOffice and the 國發會 ODF tools built on it, Microsoft
Office 2013 and later, WPS), while ODF 1.3 is not an ISO/IEC 26300 edition
and older suites warn about it. The package is valid against the ODF 1.2
schemas (``openxml-audit``), with no LibreOffice extension.

Every paragraph and text style names Noto Serif CJK TC (body) or Noto Sans CJK
TC (headings, tick boxes) for the Western, Asian and complex scripts and the
language zh-Hant-TW (``style:language-asian="zh" style:script-asian="Hant"
style:country-asian="TW"``): LibreOffice then draws the TC glyph shapes of a
pan-CJK font, and breaks lines with ICU's rules, which keep Latin words whole
and a word joiner's neighbours together.

A filled document carries its record as ``formkit.json`` at the package's root
(media type ``application/json`` in ``META-INF/manifest.xml``), with the same
payload as the PDF's attachment (:func:`formkit.render.pdf.payload`); a blank
carries none. The bytes are the same every time: no dates in meta.xml, every
zip entry dated 1980-01-01, the parts in a fixed order.
"""

from __future__ import annotations

import io
import json
import re
from dataclasses import dataclass, field
from typing import Any

from ..engine import resolve
from ..errors import RenderError
from ..forms import Form
from ..i18n import N_
from .docx import (
    BODY_FONT,
    HEAD_FONT,
    WORD_JOINER,
    _drawn_texts,
    _header_rows,
    _tail_glued,
    check_xml_text,
)
from .model import UNBREAKABLE, Block, Cell, Document, Seal, Seg, build, place_cells, tail_length

ODF_VERSION = "1.2"
MIMETYPE = "application/vnd.oasis.opendocument.text"
ATTACHMENT_NAME = "formkit.json"  # the same name as the PDF's attachment
_XML_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")

# Run kinds, as in render/docx.py: plain text, a tick box (Sans CJK), a tick option's
# text, Sans CJK text.
PLAIN, BOX, OPTION, SANS = range(4)
_SHADE = {True: "#eeeeee", False: "#f4f4f4"}  # header cell, label cell
_ALIGN = {"right": "end", "center": "center"}
_VALUE_ROW_MM, _WRITING_LINE_MM = 8, 7  # as in the DOCX
_FILL_IN = WORD_JOINER.join("＿＿＿＿")  # a fill-in line, never broken over two lines
PAGE_W, PAGE_H, MARGIN = 210.0, 297.0, 15.0
TEXT_MM = PAGE_W - 2 * MARGIN
# A framed page (certificates): a double rule (0.8 mm wide) 3.5 mm outside the text, as the
# DOCX's 10 pt; the margins shrink by as much, the text keeps its 180 mm.
FRAME_GAP, FRAME_RULE = 3.5, 0.8

_NS = {
    "office": "urn:oasis:names:tc:opendocument:xmlns:office:1.0",
    "style": "urn:oasis:names:tc:opendocument:xmlns:style:1.0",
    "text": "urn:oasis:names:tc:opendocument:xmlns:text:1.0",
    "table": "urn:oasis:names:tc:opendocument:xmlns:table:1.0",
    "fo": "urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0",
    "svg": "urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0",
    "meta": "urn:oasis:names:tc:opendocument:xmlns:meta:1.0",
    "dc": "http://purl.org/dc/elements/1.1/",
    "xlink": "http://www.w3.org/1999/xlink",
}
_MANIFEST_NS = "urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"


def _xmlns(*prefixes: str) -> str:
    return " ".join(f'xmlns:{p}="{_NS[p]}"' for p in prefixes)


def _esc(text: str) -> str:
    return (text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace('"', "&quot;"))


def text_props(font: str = BODY_FONT, size: float = 0, bold: bool = False) -> str:
    """A style's text properties: ``font`` for every script, zh-Hant-TW, size and weight."""
    out = [f'style:font-name="{font}" style:font-name-asian="{font}" '
           f'style:font-name-complex="{font}"']
    if size:
        out.append(f'fo:font-size="{size:g}pt" style:font-size-asian="{size:g}pt" '
                   f'style:font-size-complex="{size:g}pt"')
    if bold:
        out.append('fo:font-weight="bold" style:font-weight-asian="bold" '
                   'style:font-weight-complex="bold"')
    out.append('fo:language="zh" fo:script="Hant" fo:country="TW" '
               'style:language-asian="zh" style:script-asian="Hant" style:country-asian="TW" '
               'style:language-complex="zh" style:script-complex="Hant" '
               'style:country-complex="TW"')
    return f"<style:text-properties {' '.join(out)}/>"


# No automatic space between CJK and Latin text (it is not in the record), CJK line
# breaking rules, punctuation kept inside the text area.
_CJK_PARA = ('style:text-autospace="none" style:punctuation-wrap="simple" '
             'style:line-break="strict"')


def _styles_xml(footer: str, frame: bool) -> bytes:
    """styles.xml: fonts, the default and named styles, A4 page with the footer."""
    if frame:
        margin = MARGIN - FRAME_GAP - FRAME_RULE
        border = (f'fo:border="2.2pt double #000000" style:border-line-width="0.5pt 1.2pt 0.5pt" '
                  f'fo:padding="{FRAME_GAP}mm" ')
    else:
        margin, border = MARGIN, ""
    width = TEXT_MM
    fonts = "".join(
        f'<style:font-face style:name="{f}" svg:font-family="&apos;{f}&apos;" '
        f'style:font-family-generic="{g}" style:font-pitch="variable"/>'
        for f, g in ((BODY_FONT, "roman"), (HEAD_FONT, "swiss"))
    )
    para = ('<style:paragraph-properties fo:margin-top="0mm" fo:margin-bottom="0mm" '
            f'fo:orphans="2" fo:widows="2" {_CJK_PARA}/>')
    return "".join((
        '<?xml version="1.0" encoding="UTF-8"?>\n',
        f'<office:document-styles {_xmlns("office", "style", "text", "table", "fo", "svg")} '
        f'office:version="{ODF_VERSION}">',
        f"<office:font-face-decls>{fonts}</office:font-face-decls>",
        "<office:styles>",
        f'<style:default-style style:family="paragraph">{para}'
        f"{text_props(BODY_FONT, 10.5)}</style:default-style>",
        f'<style:default-style style:family="text">{text_props(BODY_FONT, 10.5)}'
        "</style:default-style>",
        f'<style:default-style style:family="table-cell">{text_props(BODY_FONT, 10.5)}'
        "</style:default-style>",
        '<style:default-style style:family="table"/>',
        '<style:default-style style:family="table-column"/>',
        '<style:default-style style:family="table-row">'
        '<style:table-row-properties fo:keep-together="always"/></style:default-style>',
        f'<style:style style:name="Standard" style:family="paragraph" style:class="text">'
        f"{para}{text_props(BODY_FONT, 10.5)}</style:style>",
        '<style:style style:name="Annex" style:family="paragraph" '
        f'style:parent-style-name="Standard">{text_props(BODY_FONT, 10)}</style:style>',
        '<style:style style:name="Title" style:family="paragraph" '
        'style:parent-style-name="Standard" style:class="chapter">'
        '<style:paragraph-properties fo:text-align="center" fo:margin-top="2mm" '
        'fo:margin-bottom="4mm" fo:keep-with-next="always"/>'
        f"{text_props(HEAD_FONT, 15, bold=True)}</style:style>",
        '<style:style style:name="Heading" style:family="paragraph" '
        'style:parent-style-name="Standard" style:class="text">'
        '<style:paragraph-properties fo:margin-top="2mm" fo:margin-bottom="1mm" '
        'fo:keep-with-next="always"/>'
        f"{text_props(HEAD_FONT, 10.5, bold=True)}</style:style>",
        '<style:style style:name="Footer" style:family="paragraph" '
        'style:parent-style-name="Standard" style:class="extra">'
        "<style:paragraph-properties><style:tab-stops>"
        f'<style:tab-stop style:position="{width:g}mm" style:type="right"/>'
        f"</style:tab-stops></style:paragraph-properties>{text_props(BODY_FONT, 8)}"
        "</style:style>",
        "</office:styles>",
        "<office:automatic-styles>",
        '<style:page-layout style:name="pm1"><style:page-layout-properties '
        f'fo:page-width="{PAGE_W:g}mm" fo:page-height="{PAGE_H:g}mm" '
        'style:print-orientation="portrait" '
        f'fo:margin-top="{margin:g}mm" fo:margin-left="{margin:g}mm" '
        f'fo:margin-right="{margin:g}mm" fo:margin-bottom="8mm" {border}'
        'style:writing-mode="lr-tb"/>'
        '<style:footer-style><style:header-footer-properties fo:min-height="4mm" '
        'fo:margin-top="3mm"/></style:footer-style></style:page-layout>',
        "</office:automatic-styles>",
        '<office:master-styles><style:master-page style:name="Standard" '
        'style:page-layout-name="pm1"><style:footer><text:p text:style-name="Footer">',
        _esc(footer),
        '<text:tab/>第 <text:page-number text:select-page="current">1</text:page-number>'
        " 頁／共 <text:page-count>1</text:page-count> 頁</text:p></style:footer>"
        "</style:master-page></office:master-styles>",
        "</office:document-styles>",
    )).encode("utf-8")


@dataclass
class _Auto:
    """The automatic styles of content.xml, each made once and named in order of use."""

    styles: list[str] = field(default_factory=list)
    names: dict[tuple[Any, ...], str] = field(default_factory=dict)
    tables: int = 0

    def get(self, key: tuple[Any, ...], prefix: str, family: str, body: str) -> str:
        name = self.names.get(key)
        if name is None:
            name = f"{prefix}{sum(1 for k in self.names if k[0] == key[0]) + 1}"
            self.names[key] = name
            self.styles.append(f'<style:style style:name="{name}" style:family="{family}"'
                               f"{body}</style:style>")
        return name

    def text(self, kind: int, bold: bool = False, size: float = 0) -> str:
        sans = kind in (BOX, SANS)
        return self.get(("T", sans, bold, size), "T", "text",
                        f">{text_props(HEAD_FONT if sans else BODY_FONT, size, bold)}")

    def para(self, keep: bool = False, indent: int = 0, align: str = "", before: float = 0,
             lead: bool = False, page_break: bool = False, size: float = 0) -> str:
        props = [_CJK_PARA]
        if keep:
            props.append('fo:keep-with-next="always"')
        if indent:
            props.append(f'fo:margin-left="{7.4 * indent:.1f}mm"')
        if lead:
            props.append('fo:text-indent="8.5mm"')
        if align:
            props.append(f'fo:text-align="{align}"')
        if before:
            props.append(f'fo:margin-top="{before:g}pt"')
        if page_break:
            props.append('fo:break-before="page"')
        body = (' style:parent-style-name="Standard">'
                f"<style:paragraph-properties {' '.join(props)}/>"
                f"{text_props(BODY_FONT, size or (12 if lead else 10.5))}")
        return self.get(("P", keep, indent, align, before, lead, page_break, size), "P",
                        "paragraph", body)

    def cell(self, fill: str, middle: bool, borders: bool, valign: str = "",
             padding: bool = True) -> str:
        border = 'fo:border="0.5pt solid #000000"' if borders else 'fo:border="none"'
        background = f' fo:background-color="{fill}"' if fill else ""
        align = valign or ("middle" if middle else "top")
        pad = ('fo:padding-top="0.8mm" fo:padding-bottom="0.8mm" fo:padding-left="1.6mm" '
               'fo:padding-right="1.6mm"' if padding else 'fo:padding="0mm"')
        body = (f'><style:table-cell-properties {pad} {border}{background} '
                f'style:vertical-align="{align}"/>{text_props()}')
        return self.get(("C", fill, align, borders, padding), "C", "table-cell", body)

    def row(self, height_mm: float, exact: bool = False) -> str:
        height = (f' style:{"row-height" if exact else "min-row-height"}="{height_mm:g}mm"'
                  if height_mm else "")
        body = f'><style:table-row-properties fo:keep-together="always"{height}/>'
        return self.get(("R", height_mm, exact), "R", "table-row", body)

    def column(self, width_mm: float, rel: int) -> str:
        body = (f'><style:table-column-properties style:column-width="{width_mm:.2f}mm" '
                f'style:rel-column-width="{rel}*"/>')
        return self.get(("O", round(width_mm, 2), rel), "Co", "table-column", body)

    def table(self, width_mm: float, align: str = "margins", whole: bool = False,
              keep: bool = False) -> str:
        props = [f'style:width="{width_mm:.2f}mm"', f'table:align="{align}"',
                 'table:border-model="collapsing"']
        if whole:
            props.append('style:may-break-between-rows="false"')
        if keep:
            props.append('fo:keep-with-next="always"')
        body = f"><style:table-properties {' '.join(props)}/>"
        return self.get(("Ta", round(width_mm, 2), align, whole, keep), "Ta", "table", body)

    def table_name(self) -> str:
        self.tables += 1
        return f"Table{self.tables}"


# -- the body ------------------------------------------------------------------------------


def _runs(segs: list[Seg], blank: bool, stack: bool = False,
          cell: bool = False) -> list[tuple[int, str]]:
    """(run kind, text) for each run the segments make, as :func:`formkit.render.docx._runs`
    makes them: the same gluing of tick options and last characters, the same fill-in
    lines; a line break is ``\\n`` in the text."""
    if any(s.kind == "box" for s in segs):
        texts, breaks, first = _drawn_texts(segs, blank, stack)
    else:
        texts, breaks, first = [s.text for s in segs], set(), len(segs)
    texts = _tail_glued(segs, texts)
    # A blank cell that holds one value and nothing else is itself the room to write in,
    # as in the PDF: no fill-in line, which a narrow column would break over two lines.
    lone = cell and len(segs) == 1
    runs: list[tuple[int, str]] = []
    for i, s in enumerate(segs):
        if i in breaks and runs:
            runs[-1] = (runs[-1][0], runs[-1][1] + "\n")
        kind = BOX if s.kind == "box" else OPTION if i >= first else PLAIN
        if s.kind == "value" and not s.text:
            if s.fmt in ("date", "date_blank"):
                runs.append((kind, "    年    月    日"))
            elif blank and not lone:
                runs.append((kind, _FILL_IN))
            continue
        runs.append((kind, _value_tail(texts[i]) if s.kind == "value" else texts[i]))
    return runs


def _value_tail(text: str) -> str:
    """A value with its last characters kept on one line, as the PDF keeps them
    (:func:`formkit.render.segments._value`): no line holds a lone character of it. The
    record itself is in formkit.json, exactly as given."""
    k = tail_length(text) if len(text) > 4 else 0
    tail = text[-k:] if k else ""
    if not k or UNBREAKABLE.search(tail) or "\n" in tail or WORD_JOINER in tail or any(
            _joined(ch) for ch in tail):
        return text
    return text[:-k] + WORD_JOINER.join(tail)


def _joined(ch: str) -> bool:
    """A character that belongs to the one before it (a combining mark, a variation selector,
    a joiner): no word joiner may come between them."""
    import unicodedata

    return unicodedata.category(ch) in ("Mn", "Mc", "Me", "Cf", "Sk") or \
        0xFE00 <= ord(ch) <= 0xFE0F or 0xE0100 <= ord(ch) <= 0xE01EF


def _paragraph(auto: _Auto, runs: list[tuple[int, str]], style: str, bold: bool = False,
               sans: bool = False, size: float = 0) -> Any:
    from odfdo import Paragraph, Span

    p = Paragraph(style=style)
    for kind, text in runs:
        if text:
            k = SANS if sans and kind == PLAIN else kind
            p.append(Span(text, style=auto.text(k, bold, size)))
    return p


def _cell_height_mm(cell: Cell, blank: bool) -> int:
    if cell.rowspan > 1 or not any(s.kind == "value" for s in cell.segs):
        return 0
    return _WRITING_LINE_MM * cell.lines if blank and cell.lines > 1 else _VALUE_ROW_MM


def _grid(auto: _Auto, block: Block, blank: bool, form_id: str, text_mm: float,
          keep_last: bool) -> Any:
    """A layout grid or table: cells placed as the DOCX places them, spans with covered
    cells, header rows repeated on every page, rows never split."""
    from odfdo import Cell as OdfCell
    from odfdo import Column, Element, Row, Table

    rows = block.rows
    nrows = len(rows)
    ncols = max((sum(c.colspan for c in row) for row in rows), default=0) or 1
    widths = block.widths or [1.0] * ncols
    if len(widths) < ncols:
        widths = widths + [widths[-1]] * (ncols - len(widths))
    total = sum(widths[:ncols]) or 1.0
    plain = block.style == "plain"
    whole = block.kind == "signatures" or block.keep
    table = Table(auto.table_name(),
                  style=auto.table(text_mm, whole=whole, keep=keep_last or bool(block.seals)))
    for w in widths[:ncols]:
        table.append(Column(style=auto.column(text_mm * w / total, max(1, round(w / total
                                                                            * 10000)))))
    starts, occupied = place_cells(rows, nrows, ncols, form_id=form_id, kind=block.kind,
                                   fmt="ODT")
    heads = _header_rows(block)
    header = Element.from_tag("table:table-header-rows") if heads else None
    if header is not None:
        table.append(header)
    for r in range(nrows):
        height = max((_cell_height_mm(cell, blank) for cell in rows[r]), default=0)
        row_el = Row(style=auto.row(height))
        for c in range(ncols):
            if (r, c) not in starts:
                if (r, c) in occupied:
                    row_el.append(OdfCell(tag="table:covered-table-cell"))
                else:  # a grid position no cell of the row reached
                    filler = OdfCell(style=auto.cell("", True, not plain))
                    filler.append(_empty(auto))
                    row_el.append(filler)
                continue
            cell, span, rowspan = starts[r, c]
            shaded = (cell.header or cell.label) and not plain
            fill = _SHADE[cell.header] if shaded else ""
            middle = cell.header or cell.label or cell.lines <= 1
            el = OdfCell(style=auto.cell(fill, middle, not plain))
            if span > 1:
                el.set_attribute("table:number-columns-spanned", str(span))
            if rowspan > 1:
                el.set_attribute("table:number-rows-spanned", str(rowspan))
            style = auto.para(indent=cell.indent, align=_ALIGN.get(cell.align, ""))
            el.append(_paragraph(auto, _runs(cell.segs, blank, cell.stack, cell=True), style,
                                 bold=cell.header))
            row_el.append(el)
        (header if header is not None and r < heads else table).append(row_el)
    return table


def _empty(auto: _Auto, keep: bool = False, size: float = 0) -> Any:
    from odfdo import Paragraph

    return Paragraph(style=auto.para(keep=keep, size=size))


def _seals(auto: _Auto, seals: list[Seal]) -> Any:
    """The seal boxes side by side at the right: each an empty square (a one-cell table of
    that size) with its caption under it."""
    from odfdo import Cell as OdfCell
    from odfdo import Column, Row, Table

    widths = [seal.size + 10.0 for seal in seals]
    outer = Table(auto.table_name(), style=auto.table(sum(widths), align="right", whole=True))
    for w in widths:
        outer.append(Column(style=auto.column(w, round(w * 100))))
    row = Row(style=auto.row(0))
    for seal in seals:
        cell = OdfCell(style=auto.cell("", False, False, valign="bottom"))
        square = Table(auto.table_name(), style=auto.table(float(seal.size), align="center",
                                                            whole=True))
        square.append(Column(style=auto.column(float(seal.size), 1000)))
        inner = Row(style=auto.row(float(seal.size), exact=True))
        box = OdfCell(style=auto.cell("", False, True))
        box.append(_empty(auto))
        inner.append(box)
        square.append(inner)
        cell.append(square)
        cell.append(_paragraph(auto, [(PLAIN, seal.caption)], auto.para(align="center", size=8),
                               size=8))
        row.append(cell)
    outer.append(row)
    return outer


def _beside(auto: _Auto, left: Any, right: Any, text_mm: float, right_mm: float,
            keep: bool) -> Any:
    """Two tables side by side in the cells of a borderless table kept on one page."""
    from odfdo import Cell as OdfCell
    from odfdo import Column, Row, Table

    outer = Table(auto.table_name(), style=auto.table(text_mm, whole=True, keep=keep))
    for width in (text_mm - right_mm, right_mm):
        outer.append(Column(style=auto.column(width, round(width * 100))))
    row = Row(style=auto.row(0))
    for content, valign in ((left, "top"), (right, "bottom")):
        cell = OdfCell(style=auto.cell("", False, False, valign=valign, padding=False))
        cell.append(content)
        row.append(cell)
    outer.append(row)
    return outer


@dataclass(frozen=True)
class _Item:
    element: Any
    table: bool = False
    with_previous: bool = False


_AFTER_TABLE = 10.0  # pt above a paragraph that follows a table, as in the DOCX


def _items(auto: _Auto, blocks: list[Block], blank: bool, form_id: str,
           text_mm: float) -> list[_Item]:
    items: list[_Item] = []
    for i, block in enumerate(blocks):
        keep = i + 1 < len(blocks) and blocks[i + 1].kind in ("signatures", "notes")
        keep = keep or (block.kind == "text" and block.keep)  # 此致, kept with its addressee
        before = _AFTER_TABLE if items and items[-1].table else 0
        if block.kind == "heading":
            style = auto.para(keep=True, before=max(before, 6))
            items.append(_Item(_paragraph(auto, _runs(block.text, blank), style, bold=True,
                                          sans=True)))
        elif block.kind in ("text", "notes"):
            lead = block.style == "lead"
            size = 12 if lead else 9 if block.kind == "notes" else 0  # notes as in the PDF
            style = auto.para(keep=keep, before=before, lead=lead, size=size,
                              align="center" if block.style == "center" else "")
            items.append(_Item(_paragraph(auto, _runs(block.text, blank), style, size=size)))
        elif block.kind == "signatures" and block.seals and block.style == "plain":
            # A certificate's signatory, the seals standing to its right, as in the PDF.
            room = sum(seal.size + 10.0 for seal in block.seals)
            grid = _grid(auto, block, blank, form_id, text_mm - room, False)
            items.append(_Item(_beside(auto, grid, _seals(auto, block.seals), text_mm, room,
                                       keep), True, True))
        elif block.kind in ("grid", "table", "signatures"):
            element = _grid(auto, block, blank, form_id, text_mm, keep or bool(block.seals))
            items.append(_Item(element, True, block.kind == "signatures"))
            if block.seals:
                items.append(_Item(_seals(auto, block.seals), True, True))
        elif block.kind == "pagebreak":
            items.append(_Item(_page_break(auto)))
    return items


def _page_break(auto: _Auto) -> Any:
    from odfdo import Paragraph

    return Paragraph(style=auto.para(page_break=True))


def _body(auto: _Auto, doc: Document, text_mm: float) -> list[Any]:
    items = _items(auto, doc.blocks, doc.blank, doc.form.id, text_mm)
    if doc.worksheet:
        items.append(_Item(_page_break(auto)))
        items += _items(auto, doc.worksheet, doc.blank, doc.form.id, text_mm)
    out: list[Any] = []
    for i, item in enumerate(items):
        out.append(item.element)
        if item.table:  # tables set apart by a small empty paragraph; the body ends with one
            following = items[i + 1] if i + 1 < len(items) else None
            if following is None or following.table:
                kept = bool(following and following.with_previous)
                out.append(_empty(auto, keep=kept, size=2 if kept else 6))
    return out


def _content_xml(doc: Document, title: str) -> bytes:
    from odfdo import Paragraph

    auto = _Auto()
    text_mm = TEXT_MM
    head = [Paragraph(doc.form.annex, style="Annex"), Paragraph(title, style="Title")]
    body = "".join(e.serialize() for e in head + _body(auto, doc, text_mm))
    return "".join((
        '<?xml version="1.0" encoding="UTF-8"?>\n',
        f'<office:document-content {_xmlns("office", "style", "text", "table", "fo", "svg")} '
        f'office:version="{ODF_VERSION}">',
        "<office:automatic-styles>", *auto.styles, "</office:automatic-styles>",
        "<office:body><office:text>", body, "</office:text></office:body>",
        "</office:document-content>",
    )).encode("utf-8")


def _meta_xml(form: Form, draft: bool) -> bytes:
    from .. import __version__

    return "".join((
        '<?xml version="1.0" encoding="UTF-8"?>\n',
        f'<office:document-meta {_xmlns("office", "meta", "dc", "xlink")} '
        f'office:version="{ODF_VERSION}"><office:meta>',
        f"<meta:generator>formkit/{_esc(__version__)}</meta:generator>",
        f"<dc:title>{_esc(form.full_title)}</dc:title>",
        f"<dc:subject>{_esc(form.id)}</dc:subject>",
        f"<meta:keyword>{'formkit draft' if draft else 'formkit'}</meta:keyword>",
        "<meta:initial-creator>formkit</meta:initial-creator>",
        "<dc:language>zh-TW</dc:language>",
        "</office:meta></office:document-meta>",
    )).encode("utf-8")


def _manifest_xml(parts: list[tuple[str, str]]) -> bytes:
    entries = "".join(f' <manifest:file-entry manifest:full-path="{path}" '
                      f'manifest:media-type="{media}"/>\n' for path, media in parts)
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<manifest:manifest xmlns:manifest="{_MANIFEST_NS}" manifest:version="{ODF_VERSION}">\n'
        f' <manifest:file-entry manifest:full-path="/" manifest:version="{ODF_VERSION}" '
        f'manifest:media-type="{MIMETYPE}"/>\n{entries}</manifest:manifest>\n'
    ).encode()


def _zip(parts: list[tuple[str, bytes]]) -> bytes:
    """The package: ``mimetype`` first and stored, the rest deflated, every date 1980-01-01."""
    import zipfile

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for name, data in parts:
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            method = zipfile.ZIP_STORED if name == "mimetype" else zipfile.ZIP_DEFLATED
            z.writestr(info, data, compress_type=method, compresslevel=None if
                       method == zipfile.ZIP_STORED else 6)
    return buf.getvalue()


# -- rendering ---------------------------------------------------------------------------


def render_odt(
    form: str | Form,
    record: dict[str, Any] | None,
    *,
    draft: bool = False,
    worksheet: bool = False,
) -> bytes:
    """The ODT (ODF 1.2) of a filled record, or of the blank form when ``record`` is None.

    A filled document carries the record as ``formkit.json`` (the PDF's payload);
    ``draft`` marks the title 草稿 as the DOCX does; ``worksheet`` adds the form's
    worksheet after a page break.
    """
    from ..limits import check_record

    form = resolve(form)
    if record is not None:
        check_record(record)
    check_xml_text(record, "ODT")
    return render_document(build(form, record, worksheet=worksheet), record, draft=draft,
                           worksheet=worksheet)


def render_document(doc: Document, record: dict[str, Any] | None, *, draft: bool = False,
                    worksheet: bool = False) -> bytes:
    """The ODT of a document model; ``record`` (None for a blank) goes in as formkit.json."""
    from .pdf import payload

    form = doc.form
    title = (doc.title or form.title) + ("（草稿）" if draft else "")
    content = _content_xml(doc, title)
    text = content.decode("utf-8")
    m = _XML_FORBIDDEN.search(text)
    if m:  # the record was checked: this is text of the form itself
        raise RenderError(N_("{form}: U+{code} in the form's own text cannot be stored in an "
                             "ODT document"), form=form.id, code=f"{ord(m.group()):04X}")
    parts: list[tuple[str, bytes]] = [
        ("mimetype", MIMETYPE.encode("ascii")),
        ("content.xml", content),
        ("styles.xml", _styles_xml(doc.footer or form.full_title, doc.frame)),
        ("meta.xml", _meta_xml(form, draft)),
    ]
    listed = [("content.xml", "text/xml"), ("styles.xml", "text/xml"), ("meta.xml", "text/xml")]
    if record is not None and not doc.blank:
        data = payload(form, record, draft, worksheet)
        parts.append((ATTACHMENT_NAME, json.dumps(data, ensure_ascii=False,
                                                  sort_keys=True).encode("utf-8")))
        listed.append((ATTACHMENT_NAME, "application/json"))
    parts.append(("META-INF/manifest.xml", _manifest_xml(listed)))
    return _zip(parts)


def render_odt_redacted(form: Any, record: dict[str, Any], **options: Any) -> bytes:
    """:func:`render_odt` of :func:`formkit.redact.redact_record` (for ``batch --redact``)."""
    from ..redact import redact_record

    return render_odt(form, redact_record(form, record), **options)
