"""DOCX output: a docxtpl base template plus a body written from the layout.

The base template (page setup, styles with East Asian fonts, the title, a
footer part) is built once per process with python-docx, patched by docxtpl
and compiled in a Jinja sandbox with ``autoescape=True``; its parts are kept as
bytes. Per document, the template is rendered with the annex and the title, the
body and the footer are written as WordprocessingML from the same document
model as the PDF, and the zip is assembled from the cached parts. The package
is schema-valid (``openxml-audit``, the Open XML SDK's checks): Word opens it
without repair.

The body is the XML python-docx writes for a docxtpl sub-document
(``add_table``, ``merge``, ``add_run``…), with the page flow, row heights and
alignment python-docx has no call for, written without the cost of python-docx's
object model. Every piece of text goes through :func:`_text`, which escapes
``&``, ``<`` and ``>``: ``<``, ``&`` and ``{{ }}`` in a record are plain text,
never markup or template code (the body is never seen by Jinja).

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

from ..engine import resolve
from ..errors import InputError, LimitExceeded, RecordError, RenderError
from ..forms import Form
from ..i18n import N_, phrase
from ..resources import user_template_dirs
from .fonts import iter_strings
from .model import (
    LONG_OPTION_EM,
    Block,
    Cell,
    Document,
    Seal,
    Seg,
    build,
    em,
    options,
    place_cells,
    seg_text,
    tail_length,
)

BODY_FONT = "Noto Serif CJK TC"
HEAD_FONT = "Noto Sans CJK TC"
# XML 1.0 forbids these (and lone surrogates cannot be encoded); Word cannot
# hold them, so they are refused, never dropped.
_XML_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _set_east_asian(rpr: Any, font: str) -> None:
    """Explicit TC fonts, no theme fonts, and zh-TW on a ``<w:rPr>``.

    zh-TW is what makes LibreOffice pick the TC glyph shapes of a pan-CJK font
    (JP shapes otherwise).
    """
    from docx.oxml.ns import qn

    fonts = rpr.get_or_add_rFonts()
    _drop_theme_fonts(fonts)
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attr), font)
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = rpr.makeelement(qn("w:lang"), {})
        rpr.insert_element_before(lang, "w:eastAsianLayout", "w:specVanish", "w:oMath")
    lang.set(qn("w:eastAsia"), "zh-TW")
    lang.set(qn("w:val"), "zh-TW")


def _drop_theme_fonts(fonts: Any) -> None:
    """Remove a ``<w:rFonts>``'s theme fonts (``w:asciiTheme``…), which Word prefers to the
    fonts named beside them."""
    for attr in [a for a in fonts.attrib if a.lower().endswith("theme")]:
        del fonts.attrib[attr]


def _east_asian_styles(d: Any) -> None:
    """TC fonts and zh-TW on the defaults and on every paragraph, character and table style.

    A style that names no East Asian font falls back to the theme's, which is
    Japanese or Latin in the default template.
    """
    from docx.enum.style import WD_STYLE_TYPE
    from docx.oxml.ns import qn

    defaults = d.styles.element.find(qn("w:docDefaults"))
    _set_east_asian(defaults.find(qn("w:rPrDefault")).find(qn("w:rPr")), BODY_FONT)
    kinds = (WD_STYLE_TYPE.PARAGRAPH, WD_STYLE_TYPE.CHARACTER, WD_STYLE_TYPE.TABLE)
    for style in d.styles:
        if style.type in kinds:
            heading = style.name.startswith(("Title", "Heading", "Subtitle"))
            _set_east_asian(style.element.get_or_add_rPr(), HEAD_FONT if heading else BODY_FONT)
    for fonts in d.styles.element.iter(qn("w:rFonts")):  # a table style's parts name some too
        _drop_theme_fonts(fonts)


# What follows w:autoSpaceDN in CT_PPrBase (and CT_PPr).
_PPR_AFTER_AUTOSPACE = (
    "w:bidi", "w:adjustRightInd", "w:snapToGrid", "w:spacing", "w:ind", "w:contextualSpacing",
    "w:mirrorIndents", "w:suppressOverlap", "w:jc", "w:textDirection", "w:textAlignment",
    "w:textboxTightWrap", "w:outlineLvl", "w:divId", "w:cnfStyle", "w:rPr", "w:sectPr",
    "w:pPrChange",
)


def _no_auto_space(d: Any) -> None:
    """No automatic spacing between CJK and Latin text, and no Latin word broken, in the
    default paragraph properties.

    Office suites would otherwise print spaces that are not in the record. The
    elements go where CT_PPrBase puts them (before ``w:spacing``): Word repairs
    a file whose properties are out of order.
    """
    from docx.oxml.ns import qn

    defaults = d.styles.element.find(qn("w:docDefaults"))
    ppr_default = defaults.find(qn("w:pPrDefault"))
    if ppr_default is None:
        ppr_default = defaults.makeelement(qn("w:pPrDefault"), {})
        defaults.append(ppr_default)
    ppr = ppr_default.find(qn("w:pPr"))
    if ppr is None:
        ppr = ppr_default.makeelement(qn("w:pPr"), {})
        ppr_default.append(ppr)
    # wordWrap on: a Latin word is never broken in the middle («C/NS») where it fits a line.
    for tag, value in (("w:wordWrap", "1"), ("w:autoSpaceDE", "0"), ("w:autoSpaceDN", "0")):
        element = ppr.makeelement(qn(tag), {qn("w:val"): value})
        ppr.insert_element_before(element, *_PPR_AFTER_AUTOSPACE)


def _theme_font_lang(d: Any) -> None:
    """The theme's East Asian language zh-TW (the template's is ja-JP): a theme font,
    should anything fall back to one, is then drawn with TC shapes."""
    from docx.oxml.ns import qn

    lang = d.settings.element.find(qn("w:themeFontLang"))
    if lang is not None:
        lang.set(qn("w:eastAsia"), "zh-TW")


def _drop_styles_with_effects(d: Any) -> None:
    """Drop the template's stylesWithEffects part (Word 2010's copy of styles.xml).

    Nothing needs it, and a copy that differs from styles.xml (ours has TC
    fonts and a footer style) makes Word treat the file as damaged.
    """
    for rid, rel in list(d.part.rels.items()):
        if rel.reltype.endswith("/stylesWithEffects"):
            d.part.drop_rel(rid)


@cache
def _base_template() -> bytes:
    """A4, 15 mm margins, TC fonts on every style, a footer part, and the docxtpl tags."""
    from docx import Document as NewDocument
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn
    from docx.shared import Mm, Pt, RGBColor

    d = NewDocument()
    section = d.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Mm(15))
    section.footer_distance = Mm(8)
    section.footer.is_linked_to_previous = False  # its content is written per document
    _no_auto_space(d)
    _east_asian_styles(d)
    _theme_font_lang(d)
    _drop_styles_with_effects(d)
    d.styles["Normal"].font.size = Pt(10.5)
    title_style = d.styles["Title"]
    title_style.font.size = Pt(15)
    title_style.font.bold = True
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
_FOOTER = "word/footer1.xml"  # python-docx's name for the section's footer part
_PER_DOCUMENT = (_DOCUMENT, _CORE, _FOOTER)


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
    once in the sandbox. Every part but the document, its footer and the core
    properties is the same for every document and is kept as it is.
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
            elif info.filename in _PER_DOCUMENT:
                entries.append((info.filename, None))
            else:
                entries.append((info.filename, data))
    # resolve_listing only rewrites the string; a template that holds no document will do.
    return _Base(template, DocxTemplate(None).resolve_listing, skeleton, core, tuple(entries))


def _document_xml(base: _Base, annex: str, title: str, body: str, frame: bool = False) -> bytes:
    """word/document.xml: the base template rendered as docxtpl does, with the body in it.

    ``frame`` draws a border round every page (certificates).
    """
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
        raise RenderError(N_("DOCX base template: the body has no place in it"))
    if frame:  # w:pgBorders follows w:pgMar in CT_SectPr
        tail = re.sub(rb"<w:pgMar [^>]*/>", lambda m: m.group() + _PAGE_BORDERS, tail, count=1)
    return bytes(head) + body.encode("utf-8") + bytes(tail)


# A double rule 10 pt outside the text on every side, the footer inside it.
_PAGE_BORDERS = b'<w:pgBorders w:offsetFrom="text">' + b"".join(
    b'<w:%s w:val="double" w:sz="6" w:space="10" w:color="000000"/>' % side
    for side in (b"top", b"left", b"bottom", b"right")
) + b"</w:pgBorders>"
_CP = "http://schemas.openxmlformats.org/package/2006/metadata/core-properties"


def _set_keywords(core: Any, text: str) -> None:
    """Set ``cp:keywords`` of a ``<cp:coreProperties>`` element.

    Not through python-docx's CoreProperties: docxcompose (imported by
    docxtpl) rebinds python-docx's ``cp`` prefix to the custom-properties
    namespace, and the setter would add a second keywords element there.
    """
    from lxml import etree

    element = core.find(f"{{{_CP}}}keywords")
    if element is None:  # the core properties are an xsd:all: any place will do
        element = etree.SubElement(core, f"{{{_CP}}}keywords")
    element.text = text


def _core_xml(base: _Base, form: Form, draft: bool) -> bytes:
    import copy

    from docx.opc.coreprops import CoreProperties
    from docx.opc.oxml import serialize_part_xml

    element = copy.deepcopy(base.core)
    props = CoreProperties(element)
    props.title = form.full_title
    props.subject = form.id
    _set_keywords(element, "formkit" + (" draft" if draft else ""))
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
# Paragraphs, runs and tables as python-docx 1.2 writes them for Document.add_paragraph,
# Paragraph.add_run (a tab becomes <w:tab/>, CR and LF <w:br/>; a <w:t> whose text starts
# or ends with whitespace keeps it with xml:space), Run.bold, add_table with style "Table
# Grid" and autofit off, _Cell.merge and the widths set on the grid and on every cell, as
# lxml serialises it; with the properties python-docx has no call for (page flow, row
# heights, alignment, indents) in the places the schema gives them.

_SANS_FONTS = (
    f'<w:rFonts w:ascii="{HEAD_FONT}" w:hAnsi="{HEAD_FONT}" w:eastAsia="{HEAD_FONT}" '
    f'w:cs="{HEAD_FONT}"/>'
)
# Every run is tagged zh-Hant-TW, the same language as the styles' zh-TW: LibreOffice
# breaks zh-TW text between any two characters whatever stands between them (its CJK line
# breaker only knows its forbidden characters), even inside a Latin word («C/NS»), while
# text tagged zh-Hant-TW goes through ICU's Unicode line breaking, which keeps Latin words
# whole and a word joiner's neighbours together (a tick box and its label; the last two
# characters of a cell, so that no line holds a lone character).
_LANG = '<w:lang w:eastAsia="zh-Hant-TW" w:val="zh-Hant-TW"/>'
# Run kinds: plain text, a tick box (Sans CJK), a tick option's text, Sans CJK text.
PLAIN, BOX, OPTION, SANS = range(4)
_EMPTY_P = "<w:p/>"
_KEEP_P = "<w:p><w:pPr><w:keepNext/></w:pPr></w:p>"  # an empty paragraph kept with the next
_PAGE_BREAK = '<w:p><w:r><w:br w:type="page"/></w:r></w:p>'
_TBL_PR = (
    '<w:tblPr><w:tblStyle w:val="TableGrid"/><w:tblW w:type="auto" w:w="0"/>{borders}'
    '<w:tblLayout w:type="fixed"/><w:tblLook w:firstColumn="1" w:firstRow="1" '
    'w:lastColumn="0" w:lastRow="0" w:noHBand="0" w:noVBand="1" w:val="04A0"/></w:tblPr>'
)
_NO_BORDERS = "<w:tblBorders>" + "".join(
    f'<w:{side} w:val="none" w:sz="0" w:space="0" w:color="auto"/>'
    for side in ("top", "left", "bottom", "right", "insideH", "insideV")
) + "</w:tblBorders>"
_SHADE = {True: "EEEEEE", False: "F4F4F4"}  # header cell, label cell
_JC = {"right": "right", "center": "center"}  # Cell.align -> w:jc
_SPECIAL = re.compile("[\t\r\n]")
_EMU_PER_MM, _EMU_PER_TWIP = 36000, 635
_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_TWIPS_PER_MM = 1440 / 25.4
_AFTER_TABLE = 200  # twips above a paragraph that follows a table: as a paragraph's space after
# A value cell's least height, and a blank one's per writing line.
_VALUE_ROW_MM, _WRITING_LINE_MM = 8, 7
# Word and LibreOffice break CJK text between any two characters: a word joiner
# keeps a tick box on the line of its label, an ideographic space (where a line
# may break) sets the next option apart.
WORD_JOINER, OPTION_GAP = "\u2060", "\u3000"


def _twips_mm(mm: float) -> int:
    return round(mm * _TWIPS_PER_MM)


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


@cache
def _rpr(kind: int, bold: bool = False, size: int = 0) -> str:
    """A run's properties: the Sans CJK font (tick boxes, headings), bold, size in half-points,
    the language of tick options."""
    inner = "".join((
        _SANS_FONTS if kind in (BOX, SANS) else "",
        "<w:b/>" if bold else "",
        f'<w:sz w:val="{size}"/><w:szCs w:val="{size}"/>' if size else "",
        _LANG,
    ))
    return f"<w:rPr>{inner}</w:rPr>" if inner else ""


def _ppr(keep: bool = False, ind: str = "", jc: str = "", before: int = 0) -> str:
    """A paragraph's properties, in CT_PPr's order; ``keep``: kept on the page of the next;
    ``before``: space above it, in twips."""
    inner = "".join((
        "<w:keepNext/>" if keep else "",
        f'<w:spacing w:before="{before}"/>' if before else "",
        ind,
        f'<w:jc w:val="{jc}"/>' if jc else "",
    ))
    return f"<w:pPr>{inner}</w:pPr>" if inner else ""


def _indent(levels: int) -> str:
    """Two characters of indentation a level (the twips for readers that ignore characters)."""
    if not levels:
        return ""
    return f'<w:ind w:leftChars="{200 * levels}" w:left="{420 * levels}"/>'


def _glue(text: str, head: int | None = None) -> str:
    """``text`` with word joiners between its first ``head`` characters (all if None) and
    before the first; trailing whitespace, where the line may break, is left free."""
    core = text.rstrip()
    n = len(core) if head is None else min(head, len(core))
    if not n:
        return text
    return WORD_JOINER + WORD_JOINER.join(core[:n]) + core[n:] + text[len(core) :]


def _drawn_texts(segs: list[Seg], blank: bool, stack: bool) -> tuple[list[str], set[int], int]:
    """The text of each segment as drawn, the segments a line break goes before, and the
    first segment of the first tick option.

    As in the PDF (:mod:`formkit.render.segments`): a tick option (its box and
    what follows up to the next box) short enough for a line is glued whole, a
    longer one from its box to its label's second character; options are set
    apart by an ideographic space, or in a stacked cell each has a line.
    """
    texts = [s.text for s in segs]
    breaks: set[int] = set()
    groups = options(segs)
    i = first = len(groups[0])
    before = any(s.text.strip() for s in groups[0])  # something on the line before the box
    for n, group in enumerate(groups[1:], start=1):
        short = em("".join(seg_text(s, blank) for s in group)) <= LONG_OPTION_EM
        if stack and before:
            breaks.add(i)
        for j in range(i + 1, i + len(group)):
            if segs[j].kind == "text":  # a long option: its box and label's first two glued
                texts[j] = _glue(texts[j], None if short else 2 if j == i + 1 else 0)
        last = i + len(group) - 1
        if not stack and n < len(groups) - 1 and segs[last].kind == "text":
            if texts[last] and not texts[last][-1].isspace():
                texts[last] += OPTION_GAP
        i += len(group)
        before = True
    return texts, breaks, first


def _tail_glued(segs: list[Seg], texts: list[str]) -> list[str]:
    """The texts with the last segment's final characters (:func:`tail_length`) joined, when
    it is the form's own text: as in the PDF, no line ends a label or a paragraph with a lone
    character. A record's values are never touched: the DOCX holds them exactly as the
    record does."""
    if not segs or segs[-1].kind != "text":
        return texts
    text = texts[-1]
    core = text.rstrip()
    k = tail_length(core)
    if not k or len(core) <= k or WORD_JOINER in core[-k:] or "\n" in core[-k:]:
        return texts
    return texts[:-1] + [core[:-k] + WORD_JOINER.join(core[-k:]) + text[len(core):]]


def _runs(segs: list[Seg], blank: bool, stack: bool = False) -> list[tuple[int, str]]:
    """(run kind, run content) for each run the segments make.

    A stacked cell's line breaks end the run before a box, so each segment
    keeps one run: a person filling the blank types into the run of a segment.
    """
    if any(s.kind == "box" for s in segs):
        texts, breaks, first = _drawn_texts(segs, blank, stack)
    else:
        texts, breaks, first = [s.text for s in segs], set(), len(segs)
    texts = _tail_glued(segs, texts)
    runs: list[tuple[int, str]] = []
    for i, s in enumerate(segs):
        if i in breaks and runs:
            kind, content = runs[-1]
            runs[-1] = (kind, content + "<w:br/>")
        kind = BOX if s.kind == "box" else OPTION if i >= first else PLAIN
        if s.kind == "value" and not s.text:
            if s.fmt in ("date", "date_blank"):
                runs.append((kind, _run_content("    年    月    日")))
            elif blank:
                runs.append((kind, _run_content("＿＿＿＿")))
            continue
        lines = texts[i].split("\n")
        last = len(lines) - 1
        for n, line in enumerate(lines):
            content = _run_content(line)
            runs.append((kind, content + "<w:br/>" if n < last else content))
    return runs


def _paragraph(
    runs: list[tuple[int, str]], ppr: str = "", bold: bool = False, sans: bool = False,
    size: int = 0,
) -> str:
    """A paragraph of runs; tick boxes (and every run if ``sans``) in the Sans CJK font."""
    if not runs and not ppr:
        return _EMPTY_P
    out = ["<w:p>", ppr]
    for kind, content in runs:
        rpr = _rpr(SANS if sans and kind == PLAIN else kind, bold, size)
        out.append(f"<w:r>{rpr}{content}</w:r>" if rpr or content else "<w:r/>")
    out.append("</w:p>")
    return "".join(out)


def _tc(
    width: int, content: str, span: int = 1, vmerge: str = "", fill: str = "",
    centred: bool = False,
) -> str:
    return "".join(
        (
            f'<w:tc><w:tcPr><w:tcW w:type="dxa" w:w="{width}"/>',
            f'<w:gridSpan w:val="{span}"/>' if span > 1 else "",
            vmerge,
            f'<w:shd w:val="clear" w:fill="{fill}"/>' if fill else "",
            '<w:vAlign w:val="center"/>' if centred else "",
            "</w:tcPr>",
            content,
            "</w:tc>",
        )
    )


def _cell_content(cell: Cell, blank: bool, keep: bool) -> str:
    ppr = _ppr(keep, _indent(cell.indent), _JC.get(cell.align, ""))
    return _paragraph(_runs(cell.segs, blank, cell.stack), ppr, bold=cell.header)


def _cell_height_mm(cell: Cell, blank: bool) -> int:
    """The least height a cell asks of its row: room to write a value by hand."""
    if cell.rowspan > 1 or not any(s.kind == "value" for s in cell.segs):
        return 0
    return _WRITING_LINE_MM * cell.lines if blank and cell.lines > 1 else _VALUE_ROW_MM


def _header_rows(block: Block) -> int:
    """The leading rows repeated on every page: the block's, or its rows of header cells."""
    if block.header_rows:
        return min(block.header_rows, len(block.rows))
    n = 0
    while n < len(block.rows) and block.rows[n] and all(c.header for c in block.rows[n]):
        n += 1
    return n


def _kept_rows(block: Block, keep_last: bool) -> set[int]:
    """Rows kept on the page of the next one.

    The header rows stay with the first row under them; a signature block, and
    a block marked ``keep``, stays whole; ``keep_last``: the last row stays with
    what follows the table.
    """
    rows = set(range(_header_rows(block)))
    last = len(block.rows) - 1
    if block.kind == "signatures" or block.keep:
        rows |= set(range(last))
    if keep_last and last >= 0:
        rows.add(last)
    return rows


def _tr_pr(height_mm: int, header: bool) -> str:
    """A row's properties: never split across pages, its least height, repeated as a header."""
    return "".join((
        "<w:trPr><w:cantSplit/>",
        f'<w:trHeight w:val="{_twips_mm(height_mm)}" w:hRule="atLeast"/>' if height_mm else "",
        "<w:tblHeader/>" if header else "",
        "</w:trPr>",
    ))


def _grid(block: Block, blank: bool, form_id: str, keep_last: bool = False) -> str:
    """A layout grid as the table python-docx made of it (add_table, then merge per cell)."""
    rows = block.rows
    nrows = len(rows)
    ncols = max(sum(c.colspan for c in row) for row in rows) if rows else 1
    widths = block.widths or [1.0] * ncols
    if len(widths) < ncols:
        widths = widths + [widths[-1]] * (ncols - len(widths))
    total = sum(widths[:ncols])
    col_emu = [int(180 * w / total * _EMU_PER_MM) for w in widths[:ncols]]  # Mm(mm)
    plain = block.style == "plain"

    def twips(emu: int) -> int:
        return int(round(emu / float(_EMU_PER_TWIP)))

    # Place the cells on the grid as the old builder did (model.place_cells).
    starts, _ = place_cells(rows, nrows, ncols, form_id=form_id, kind=block.kind, fmt="DOCX")
    below: dict[tuple[int, int], int] = {  # continuation of a vertical span -> its width
        (rr, c): width for (r, c), (_, width, height) in starts.items()
        for rr in range(r + 1, r + height)}

    out = ["<w:tbl>", _TBL_PR.format(borders=_NO_BORDERS if plain else "")]
    if nrows and ncols:
        out += ["<w:tblGrid>", *(f'<w:gridCol w:w="{twips(e)}"/>' for e in col_emu), "</w:tblGrid>"]
    elif nrows:  # rows without cells: python-docx's table XML keeps its indentation
        out.append("<w:tblGrid>\n  </w:tblGrid>")
    else:  # no rows: docxtpl's fix_tables drops the grid columns
        out.append("<w:tblGrid/>")
    heads = _header_rows(block)
    kept = _kept_rows(block, keep_last)
    for r in range(nrows):
        keep = r in kept
        height = max((_cell_height_mm(cell, blank) for cell in rows[r]), default=0)
        trpr = _tr_pr(height, r < heads)
        out.append(f"<w:tr>{trpr}" if ncols else f"<w:tr>\n  {trpr}")
        c = 0
        while c < ncols:
            centred = False
            if (r, c) in starts:
                cell, span, rowspan = starts[r, c]
                vmerge = '<w:vMerge w:val="restart"/>' if rowspan > 1 else ""
                shaded = (cell.header or cell.label) and not plain
                fill = _SHADE[cell.header] if shaded else ""
                # Labels, and one-line values level with them; room to write starts at the top.
                centred = cell.header or cell.label or cell.lines <= 1
                content = _cell_content(cell, blank, keep)
            elif (r, c) in below:
                span, vmerge, fill = below[r, c], "<w:vMerge/>", ""
                content = _KEEP_P if keep else _EMPTY_P
            else:  # a grid position no cell of the row reached
                span, vmerge, fill = 1, "", ""
                content = _KEEP_P if keep else _EMPTY_P
            width = twips(sum(col_emu[c : c + span]))
            out.append(_tc(width, content, span, vmerge, fill, centred))
            c += span
        out.append("</w:tr>")
    out.append("</w:tbl>")
    return "".join(out)


def _seal_box(seal: Seal) -> str:
    """A cell of the seal table: an empty square (a one-cell table) with its caption under it.

    A row has one height: squares of different sizes side by side need a table each.
    """
    side = _twips_mm(seal.size)
    square = "".join((
        f'<w:tbl><w:tblPr><w:tblW w:type="dxa" w:w="{side}"/><w:jc w:val="center"/>',
        "<w:tblBorders>",
        *(f'<w:{edge} w:val="single" w:sz="4" w:space="0" w:color="000000"/>'
          for edge in ("top", "left", "bottom", "right")),
        '</w:tblBorders><w:tblLayout w:type="fixed"/></w:tblPr>',
        f'<w:tblGrid><w:gridCol w:w="{side}"/></w:tblGrid>',
        f'<w:tr><w:trPr><w:cantSplit/><w:trHeight w:val="{side}" w:hRule="exact"/></w:trPr>',
        f'<w:tc><w:tcPr><w:tcW w:type="dxa" w:w="{side}"/></w:tcPr>{_EMPTY_P}</w:tc>',
        "</w:tr></w:tbl>",
    ))
    caption = _paragraph([(PLAIN, _run_content(seal.caption))], _ppr(jc="center"), size=16)
    return square + caption


def _seals(seals: list[Seal]) -> str:
    """The seal boxes of a signature block side by side, at the right, on a borderless table.

    The table is wrapped in a block content control: the body's own tables stay
    one for each block of the layout, which is how a reader of the DOCX (a person
    filling the blank, simulated by ``tests/handfill.py``) finds a block's table.
    """
    widths = [_twips_mm(seal.size + 10) for seal in seals]
    return "".join((
        '<w:sdt><w:sdtPr><w:tag w:val="formkit-seals"/></w:sdtPr><w:sdtContent>',
        '<w:tbl><w:tblPr><w:tblW w:type="auto" w:w="0"/><w:jc w:val="right"/>',
        '<w:tblLayout w:type="fixed"/></w:tblPr><w:tblGrid>',
        *(f'<w:gridCol w:w="{w}"/>' for w in widths),
        "</w:tblGrid><w:tr><w:trPr><w:cantSplit/></w:trPr>",
        *(f'<w:tc><w:tcPr><w:tcW w:type="dxa" w:w="{w}"/><w:vAlign w:val="bottom"/></w:tcPr>'
          f"{_seal_box(seal)}</w:tc>" for w, seal in zip(widths, seals, strict=True)),
        "</w:tr></w:tbl></w:sdtContent></w:sdt>",
    ))


def _text_block(block: Block, blank: bool, keep: bool, before: int) -> str:
    """A paragraph of text: ``center`` centred; ``lead`` 12 pt, its first line indented."""
    runs = _runs(block.text, blank)
    if block.style == "lead":
        ind = '<w:ind w:firstLineChars="200" w:firstLine="480"/>'
        return _paragraph(runs, _ppr(keep, ind, before=before), size=24)
    jc = "center" if block.style == "center" else ""
    return _paragraph(runs, _ppr(keep, jc=jc, before=before))


@dataclass(frozen=True)
class _Item:
    """A body element: a paragraph or a table, and whether it stays with the one before it."""

    xml: str
    table: bool = False
    with_previous: bool = False


def _items(blocks: list[Block], blank: bool, form_id: str) -> list[_Item]:
    """The body elements of the blocks. What precedes a signature block or a note is kept
    with it: a run of notes never takes a page alone."""
    items: list[_Item] = []
    for i, block in enumerate(blocks):
        keep = i + 1 < len(blocks) and blocks[i + 1].kind in ("signatures", "notes")
        keep = keep or (block.kind == "text" and block.keep)  # 此致, kept with its addressee
        # A paragraph right under a table (no empty paragraph between them) is set off from it.
        before = _AFTER_TABLE if items and items[-1].table else 0
        if block.kind == "heading":
            ppr = _ppr(keep=True, before=before)
            items.append(_Item(_paragraph(_runs(block.text, blank), ppr, bold=True, sans=True)))
        elif block.kind in ("text", "notes"):
            items.append(_Item(_text_block(block, blank, keep, before)))
        elif block.kind in ("grid", "table", "signatures"):
            xml = _grid(block, blank, form_id, keep or bool(block.seals))
            items.append(_Item(xml, True, block.kind == "signatures"))
            if block.seals:
                items.append(_Item(_seals(block.seals), True, True))
        elif block.kind == "pagebreak":
            items.append(_Item(_PAGE_BREAK))
    return items


def _join(items: list[_Item]) -> str:
    """The elements, with an empty paragraph only where Word needs one.

    Two tables with nothing between them would merge into one, and a body must
    end with a paragraph. The paragraph between two tables kept together is kept
    with the second.
    """
    out: list[str] = []
    for i, item in enumerate(items):
        out.append(item.xml)
        if item.table:
            following = items[i + 1] if i + 1 < len(items) else None
            if following is None or following.table:
                out.append(_KEEP_P if following and following.with_previous else _EMPTY_P)
    return "".join(out)


def _body(doc: Document) -> str:
    items = _items(doc.blocks, doc.blank, doc.form.id)
    if doc.worksheet:
        items.append(_Item(_PAGE_BREAK))
        items += _items(doc.worksheet, doc.blank, doc.form.id)
    return _join(items)


def _footer_xml(left: str) -> bytes:
    """word/footer1.xml: ``left`` at the left, 「第 N 頁／共 M 頁」 at the right, in 8 pt."""

    def run(content: str) -> str:
        return f"<w:r>{_rpr(PLAIN, size=16)}{content}</w:r>"

    def field(code: str) -> str:
        return f'<w:fldSimple w:instr=" {code} ">{run(_text("1"))}</w:fldSimple>'

    return "".join((
        "<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n",
        f'<w:ftr xmlns:w="{_W}"><w:p><w:pPr><w:tabs>',
        f'<w:tab w:val="right" w:pos="{_twips_mm(180)}"/></w:tabs>',
        '<w:spacing w:after="0"/></w:pPr>',
        run(_text(left)),
        run("<w:tab/>" + _text("第 ")),
        field("PAGE"),
        run(_text(" 頁／共 ")),
        field("NUMPAGES"),
        run(_text(" 頁")),
        "</w:p></w:ftr>",
    )).encode("utf-8")


# -- rendering ---------------------------------------------------------------------------


def check_xml_text(record: dict[str, Any] | None, fmt: str = "DOCX") -> None:
    """Refuse a record value holding what XML 1.0 cannot store (a control character, a lone
    surrogate, a noncharacter), naming the field: for DOCX and ODT alike (``fmt``)."""
    for field, text in iter_strings(record or {}):
        m = _XML_FORBIDDEN.search(text)
        if m:
            cp = ord(m.group())
            what = (N_("lone surrogate") if 0xD800 <= cp <= 0xDFFF
                    else N_("noncharacter") if cp >= 0xFFFE else N_("control character"))
            raise RecordError(
                N_("field {field}: {what} U+{code} cannot be stored in a {format} document; "
                   "remove it from the record"), field=field, what=phrase(what),
                code=f"{cp:04X}", format=fmt)


# --- active content of a hand-made template ------------------------------------------------

_W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
_CT_NS = "http://schemas.openxmlformats.org/package/2006/content-types"
# Fields that only show something of the document itself; any other (DDE, DDEAUTO,
# INCLUDETEXT, INCLUDEPICTURE, LINK, IMPORT, MACROBUTTON, DATABASE...) loses its code and
# keeps the text last shown. A field whose code begins with a nested field is no
# keyword at all, and goes as well.
_SAFE_FIELDS = frozenset({
    "PAGE", "NUMPAGES", "SECTIONPAGES", "SECTION", "DATE", "TIME", "CREATEDATE", "SAVEDATE",
    "PRINTDATE", "EDITTIME", "TITLE", "SUBJECT", "AUTHOR", "KEYWORDS", "COMMENTS",
    "LASTSAVEDBY", "NUMWORDS", "NUMCHARS", "DOCPROPERTY", "INFO", "REF", "PAGEREF", "NOTEREF",
    "STYLEREF", "SEQ", "TOC", "TOA", "TC", "TA", "XE", "INDEX", "LISTNUM", "AUTONUM",
    "AUTONUMLGL", "AUTONUMOUT", "BARCODE", "DISPLAYBARCODE", "MERGEFIELD", "MERGEREC",
    "MERGESEQ", "NEXT", "NEXTIF", "SKIPIF", "FILLIN", "ASK", "SET", "IF", "QUOTE", "COMPARE",
    "EQ", "SYMBOL", "ADVANCE", "BIDIOUTLINE", "FORMTEXT", "FORMCHECKBOX", "FORMDROPDOWN",
    "GOTOBUTTON", "PRIVATE", "RD", "USERINITIALS", "USERNAME", "USERADDRESS", "=",
})
_SAFE_LINK = re.compile(r'^\s*"?\s*(https?://|mailto:)', re.IGNORECASE)
# Parts that run code or controls: macros, their data, ActiveX controls, key bindings.
_ACTIVE_PART = re.compile(r"(^|/)(vbaProject\.bin|vbaData\.xml|customizations\.xml)$|"
                          r"(^|/)_rels/vbaProject\.bin\.rels$|(^|/)activeX/", re.IGNORECASE)
_MACRO_TYPES = {
    "application/vnd.ms-word.document.macroEnabled.main+xml":
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
    "application/vnd.ms-word.template.macroEnabledTemplate.main+xml":
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
}


def _safe_field(code: str) -> bool:
    words = code.split(None, 1)
    if not words:
        return False
    keyword = words[0].upper()
    if keyword.startswith("="):
        return True
    if keyword == "HYPERLINK":  # to a web page, a mail address or a bookmark (\l) only
        rest = words[1] if len(words) > 1 else ""
        return rest.lstrip().startswith("\\l") or bool(_SAFE_LINK.match(rest))
    return keyword in _SAFE_FIELDS


def _unwrap(el: Any) -> None:
    """Replace ``el`` by its children (a field or a hyperlink whose text stays)."""
    parent = el.getparent()
    if parent is None:
        return
    at = parent.index(el)
    for i, child in enumerate(list(el)):
        parent.insert(at + i, child)
    parent.remove(el)


def _defuse_fields(root: Any, removed: list[str]) -> bool:
    """Drop the code of every field not in :data:`_SAFE_FIELDS` (simple or complex),
    keeping the text it last showed. True when something was dropped."""
    w = f"{{{_W_NS}}}"
    changed = False
    for simple in list(root.iter(f"{w}fldSimple")):
        code = simple.get(f"{w}instr", "")
        if not _safe_field(code):
            removed.append(f"field {code.strip()[:40]!r}")
            _unwrap(simple)
            changed = True
    stack: list[dict[str, Any]] = []
    tags = (f"{w}fldChar", f"{w}instrText", f"{w}delInstrText")
    for el in list(root.iter(*tags)):
        if el.tag == f"{w}fldChar":
            kind = el.get(f"{w}fldCharType")
            if kind == "begin":
                if stack and stack[-1]["code"]:
                    stack[-1]["text"].append("\x00")  # a nested field in the outer's code
                stack.append({"text": [], "els": [el], "code": True})
            elif kind == "separate" and stack:
                stack[-1]["els"].append(el)
                stack[-1]["code"] = False
            elif kind == "end" and stack:
                field = stack.pop()
                field["els"].append(el)
                code = "".join(field["text"])
                if not _safe_field(code.replace("\x00", "")) or code.lstrip().startswith("\x00"):
                    removed.append(f"field {code.replace(chr(0), '').strip()[:40]!r}")
                    for marker in field["els"]:
                        if marker.getparent() is not None:
                            marker.getparent().remove(marker)
                    changed = True
        elif stack and stack[-1]["code"]:
            stack[-1]["text"].append(el.text or "")
            stack[-1]["els"].append(el)
    for field in stack:  # never ended: no field at all, drop its code
        for marker in field["els"]:
            if marker.getparent() is not None:
                marker.getparent().remove(marker)
        changed = True
    return changed


def _rels_source(rels_name: str) -> str | None:
    """``word/_rels/document.xml.rels`` → ``word/document.xml``; None for ``_rels/.rels``."""
    folder, _, name = rels_name.rpartition("_rels/")
    source = folder + name.removesuffix(".rels")
    return source or None


def _resolve_target(rels_name: str, target: str) -> str:
    import posixpath

    if target.startswith("/"):
        return target.lstrip("/")
    base = rels_name.rpartition("_rels/")[0]
    return posixpath.normpath(posixpath.join(base, target))


def _drop_references(root: Any, ids: set[str]) -> None:
    """Elements of a part that use a removed relationship: a hyperlink keeps its text, a
    linked picture keeps its embedded copy, anything else goes."""
    w = f"{{{_W_NS}}}"
    for el in list(root.iter()):
        if not isinstance(el.tag, str):
            continue
        used = [a for a, v in el.attrib.items() if a.startswith(f"{{{_R_NS}}}") and v in ids]
        if not used:
            continue
        if el.tag == f"{w}hyperlink":
            _unwrap(el)
        elif all(a == f"{{{_R_NS}}}link" for a in used):
            for a in used:
                del el.attrib[a]
        elif el.getparent() is not None:
            el.getparent().remove(el)


def defuse_docx(data: bytes) -> tuple[bytes, list[str]]:
    """A DOCX package without active content, and what was removed.

    Removed: fields other than those that show the document's own data (DDE,
    DDEAUTO, INCLUDETEXT, INCLUDEPICTURE, LINK..., as ``w:fldSimple`` or as
    ``w:fldChar``/``w:instrText`` runs: their code goes, the text they last showed
    stays); every external relationship but hyperlinks to ``http(s)`` and ``mailto``
    (a remote attached template, linked images, OLE links, frames, sub-documents),
    with the elements that use it; macros (``vbaProject.bin``), ActiveX controls
    and key bindings, with their relationships and content types.
    """
    import zipfile

    from lxml import etree

    from ..limits import MAX_OUTPUT_BYTES

    with zipfile.ZipFile(io.BytesIO(data)) as zin:
        infos = zin.infolist()
        size = sum(i.file_size for i in infos)
        if size > MAX_OUTPUT_BYTES:  # a zip bomb: not unpacked
            raise LimitExceeded(N_("template refused: its parts unpack to {size:,} bytes; the "
                                   "cap is {mib} MiB"), size=size, mib=MAX_OUTPUT_BYTES // 2**20,
                                limit="bytes")
        parts = {i.filename: zin.read(i) for i in infos}
    removed: list[str] = []
    dropped = {name for name in parts if _ACTIVE_PART.search(name)}
    removed += [f"part {name}" for name in sorted(dropped) if not name.endswith(".rels")]
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    changed: dict[str, bytes] = {}
    gone_ids: dict[str, set[str]] = {}  # source part → relationship ids removed
    for name in parts:
        if name in dropped or not name.endswith(".rels"):
            continue
        root = etree.fromstring(parts[name], parser)
        ids: set[str] = set()
        for rel in list(root):
            target = rel.get("Target", "")
            rel_type = rel.get("Type", "")
            external = rel.get("TargetMode", "").lower() == "external"
            if external:
                keep = rel_type.endswith("/hyperlink") and bool(_SAFE_LINK.match(target))
            else:
                keep = _resolve_target(name, target) not in dropped and \
                    not rel_type.endswith("/aFChunk")
            if not keep:
                removed.append(f"relationship {rel_type.rsplit('/', 1)[-1]} → {target[:60]}")
                ids.add(rel.get("Id", ""))
                root.remove(rel)
        if ids:
            changed[name] = etree.tostring(root, xml_declaration=True, encoding="UTF-8",
                                           standalone=True)
            source = _rels_source(name)
            if source:
                gone_ids[source] = ids
    for name, blob in parts.items():
        if name in dropped or name.endswith(".rels") or not name.endswith(".xml") or \
                name == "[Content_Types].xml":
            continue
        ids = gone_ids.get(name, set())
        if not ids and b"fldChar" not in blob and b"fldSimple" not in blob:
            continue
        root = etree.fromstring(blob, parser)
        touched = _defuse_fields(root, removed)
        if ids:
            _drop_references(root, ids)
            touched = True
        if touched:
            changed[name] = etree.tostring(root, xml_declaration=True, encoding="UTF-8",
                                           standalone=True)
    types_name = "[Content_Types].xml"
    if types_name in parts:
        root = etree.fromstring(parts[types_name], parser)
        touched = False
        for el in list(root):
            part = el.get("PartName", "").lstrip("/")
            if el.tag == f"{{{_CT_NS}}}Override" and part in dropped:
                root.remove(el)
                touched = True
            elif el.get("ContentType") in _MACRO_TYPES:
                el.set("ContentType", _MACRO_TYPES[el.get("ContentType", "")])
                touched = True
        if touched:
            changed[types_name] = etree.tostring(root, xml_declaration=True, encoding="UTF-8",
                                                 standalone=True)
    if not removed and not changed:
        return data, []
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in infos:
            if info.filename in dropped:
                continue
            zout.writestr(info, changed.get(info.filename, parts[info.filename]))
    return out.getvalue(), removed


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
                raise InputError(N_("template refused: {reason}"), reason=exc) from None
            assert path is not None
            size = path.stat().st_size
            if size > DOCX_TEMPLATE_FILE_BYTES:
                raise LimitExceeded(N_("template refused: {name} is {size:,} bytes; templates "
                                       "are capped at {mib} MiB"), name=name, size=size,
                                    mib=DOCX_TEMPLATE_FILE_BYTES // 2**20, limit="bytes")
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
    Active content (:func:`defuse_docx`: DDE and include fields, external links
    but web and mail hyperlinks, macros, ActiveX) is removed from the template
    before rendering, and from the document after, with a warning naming it.
    """
    import logging
    import zipfile
    import zlib

    from docx.opc.exceptions import PackageNotFoundError
    from docxtpl import DocxTemplate

    from .html import form_view, run_template

    log = logging.getLogger("formkit")

    def warn(removed: list[str]) -> None:
        if removed:
            log.warning("%s", phrase(N_("template {name}: active content removed: {what}"),
                                     {"name": path.name, "what": "; ".join(removed[:10])}))

    def render() -> Any:
        clean, removed = defuse_docx(path.read_bytes())
        warn(removed)
        tpl = DocxTemplate(io.BytesIO(clean))
        context = {"r": record, "form": form_view(form), "draft": draft, "title": title}
        tpl.render(context, jinja_env=_sandbox(), autoescape=True)
        return tpl

    try:
        tpl = run_template(render)
    except (PackageNotFoundError, zipfile.BadZipFile, zlib.error, SyntaxError, OSError) as exc:
        # SyntaxError: lxml's XMLSyntaxError, a part that is not XML; zlib.error: a part
        # whose compressed data is corrupt
        raise InputError(N_("template error: {name} is not a Word document (.docx) that "
                            "formkit can read: {error}"), name=path.name, error=str(exc)) from exc
    tpl.docx.core_properties.title = form.full_title
    tpl.docx.core_properties.subject = form.id
    _set_keywords(tpl.docx.core_properties._element, "formkit" + (" draft" if draft else ""))
    buf = io.BytesIO()
    tpl.save(buf)
    try:
        data, removed = defuse_docx(buf.getvalue())  # what the rendering itself put in
    except (zipfile.BadZipFile, SyntaxError) as exc:
        raise RenderError(N_("template {name}: the document made cannot be checked: {error}"),
                          name=path.name, error=str(exc)) from exc
    warn(removed)
    return _record_added(data, payload(form, record, draft, False)) if record is not None else data


def _record_added(data: bytes, record_payload: dict[str, Any]) -> bytes:
    """A rendered package (a hand-made template's) with the record's custom XML part."""
    import zipfile

    with zipfile.ZipFile(io.BytesIO(data)) as z:
        entries = [(i.filename, z.read(i), 6) for i in z.infolist()]
    return _zip(_with_record(entries, record_payload))


def render_docx(
    form: str | Form,
    record: dict[str, Any] | None,
    *,
    draft: bool = False,
    templates: str | None = None,
    worksheet: bool = False,
) -> bytes:
    """The DOCX of a filled (or blank) form; ``worksheet`` as for :func:`render_pdf`."""
    from ..limits import check_record, run_bounded

    form = resolve(form)
    if record is not None:
        check_record(record)
    check_xml_text(record)
    custom = _custom_template(form, templates) if record is not None else None
    if custom is not None:
        path, user = custom
        title = form.title + ("（草稿）" if draft else "")
        if user:
            return run_bounded(lambda: _render_custom(form, path, record, draft, title),
                               what=phrase(N_("template {name}"),
                                           {"name": f"{form.scheme}/{form.name}.docx"}))
        return _render_custom(form, path, record, draft, title)
    return render_document(build(form, record, worksheet=worksheet), draft=draft,
                           record=record, worksheet=worksheet)


def render_document(doc: Document, *, draft: bool = False, record: dict[str, Any] | None = None,
                    worksheet: bool = False) -> bytes:
    """The DOCX of a document model, as :func:`render_docx` draws a form's; with ``record``,
    the package carries it (:func:`record_xml`) as a PDF carries formkit.json."""
    from jinja2.exceptions import SecurityError, TemplateError

    form = doc.form
    body = _body(doc)
    m = _XML_FORBIDDEN.search(body)
    if m:  # render_docx checked the record: this is text of the form itself
        raise RenderError(N_("{form}: U+{code} in the form's own text cannot be stored in a "
                             "DOCX document"), form=form.id, code=f"{ord(m.group()):04X}")
    title = (doc.title or form.title) + ("（草稿）" if draft else "")
    base = _base()
    try:
        document = _document_xml(base, form.annex, title, body, doc.frame)
    except SecurityError as exc:
        raise InputError(N_("template refused: it tried to reach Python internals ({error})"),
                         error=str(exc)) from exc
    except TemplateError as exc:
        raise InputError(N_("template error: {error}"), error=str(exc)) from exc
    parts = {
        _DOCUMENT: document,
        _CORE: _core_xml(base, form, draft),
        _FOOTER: _footer_xml(doc.footer or form.full_title),
    }
    # The shared parts (370 KB of styles) at the fastest level: half the time, a little larger.
    entries = [(name, parts[name], 6) if data is None else (name, data, 1)
               for name, data in base.entries]
    if record is not None:
        entries = _with_record(entries, payload(form, record, draft, worksheet))
    return _zip(entries)


# -- the record, as a custom XML part ---------------------------------------------------------

#: The namespace of the custom XML part that holds a filled document's record.
RECORD_NS = "urn:formkit:record"
_RECORD_ITEM = "customXml/item{n}.xml"
_RECORD_REL_ID = "rIdFormkitRecord"
_CUSTOM_XML_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/customXml"
_CUSTOM_XML_PROPS_REL = (
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships/customXmlProps")
_CUSTOM_XML_PROPS_TYPE = "application/vnd.openxmlformats-officedocument.customXmlProperties+xml"
_XML_DECLARATION = "<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"


def payload(form: Form, record: dict[str, Any], draft: bool, worksheet: bool) -> dict[str, Any]:
    """What a filled DOCX carries: the payload of a PDF's formkit.json."""
    from .pdf import payload as pdf_payload

    return pdf_payload(form, record, draft, worksheet)


def record_xml(data: dict[str, Any]) -> bytes:
    """The custom XML part: ``<formkit xmlns="urn:formkit:record">`` and the payload as JSON
    text (ASCII: whatever the record holds, the part is well-formed XML)."""
    import json

    text = json.dumps(data, ensure_ascii=True, sort_keys=True, separators=(",", ":"))
    escaped = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return (f'{_XML_DECLARATION}<formkit xmlns="{RECORD_NS}">{escaped}</formkit>').encode("ascii")


def _with_record(entries: list[tuple[str, bytes, int]],
                 data: dict[str, Any]) -> list[tuple[str, bytes, int]]:
    """The package's parts with the record's custom XML part, its properties and
    relationships added (the next free ``customXml/itemN.xml``); the item's id is taken from
    the record's digest, so the same record gives the same bytes."""
    import uuid

    names = {name for name, _, _ in entries}
    n = 1
    while _RECORD_ITEM.format(n=n) in names:
        n += 1
    item = _RECORD_ITEM.format(n=n)
    props = f"customXml/itemProps{n}.xml"
    item_id = str(uuid.uuid5(uuid.NAMESPACE_URL, f"{RECORD_NS}:{data['sha256']}")).upper()
    props_xml = (
        f'{_XML_DECLARATION}<ds:datastoreItem '
        f'xmlns:ds="http://schemas.openxmlformats.org/officeDocument/2006/customXml" '
        f'ds:itemID="{{{item_id}}}"><ds:schemaRefs><ds:schemaRef ds:uri="{RECORD_NS}"/>'
        f"</ds:schemaRefs></ds:datastoreItem>").encode()
    item_rels = (
        f'{_XML_DECLARATION}<Relationships xmlns="{_PKG_REL_NS}"><Relationship Id="rId1" '
        f'Type="{_CUSTOM_XML_PROPS_REL}" Target="itemProps{n}.xml"/></Relationships>'
    ).encode()
    out: list[tuple[str, bytes, int]] = []
    for name, blob, level in entries:
        if name == "[Content_Types].xml":
            override = (f'<Override PartName="/{props}" '
                        f'ContentType="{_CUSTOM_XML_PROPS_TYPE}"/></Types>').encode()
            if not re.search(rb'Extension="xml"', blob, re.IGNORECASE):  # a hand-made template
                own = f'<Override PartName="/{item}" ContentType="application/xml"/>'
                override = own.encode() + override
            blob = blob.replace(b"</Types>", override, 1)
        elif name == "word/_rels/document.xml.rels":
            rel = (f'<Relationship Id="{_RECORD_REL_ID}" Type="{_CUSTOM_XML_REL}" '
                   f'Target="../{item}"/></Relationships>').encode()
            blob = blob.replace(b"</Relationships>", rel, 1)
        out.append((name, blob, level))
    out += [(item, record_xml(data), 6), (f"customXml/_rels/item{n}.xml.rels", item_rels, 6),
            (props, props_xml, 6)]
    return out
