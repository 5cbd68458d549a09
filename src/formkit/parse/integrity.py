"""Checks that a submitted PDF is what formkit wrote, beyond its embedded data (DESIGN §2.4).

The embedded ``formkit.json`` is compared with the page text by
:mod:`formkit.parse`; this module holds the checks around that comparison:

- :func:`page_text`: the text layer read as :func:`formkit.parse.text.extract_units`
  reads it, with the 草稿 watermark (the only rotated text formkit prints) set
  apart, and each page's text and footer;
- :func:`page_findings`: a page with no text, the form's title missing, a page
  of another form or another document (the footer's 「第 N 頁／共 M 頁」), the
  watermark where the data says no draft or none where it says draft;
- :func:`shown_findings`: the embedded values the layout reader did not read
  back (a hand-made template, ``--templates``), looked for as printed text;
- :func:`structure_findings`: annotations over the pages (formkit writes none),
  a second ``formkit.json``, active content (JavaScript, launch actions, XFA);
- :func:`appearance_findings`: form fields whose value (``/V``) is not what
  their appearance shows.
"""

from __future__ import annotations

import io
import re
import threading
import unicodedata
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from .. import labels
from ..findings import Finding
from ..forms import Form
from ..i18n import N_
from ..pointers import dotted_to_pointer, leaves
from ..render.model import build, document_style, format_value, printed, titles
from .text import Unit, squash

#: What formkit's draft watermark says (render/templates/form.html.j2).
WATERMARK = "草稿"
_FOOTER_PAGE = re.compile(r"第\s*(\d+)\s*頁\s*[／/]\s*共\s*(\d+)\s*頁")
#: Nodes of the object graph looked at for active content; a bigger graph is not a form of ours.
MAX_NODES = 200_000


@dataclass
class Pages:
    """The text layer of a PDF as the parse reads it."""

    units: list[Unit]
    text: str  # every page's text, the watermark left out
    pages: list[str] = field(default_factory=list)  # each page's text
    watermarked: list[bool] = field(default_factory=list)  # page shows the 草稿 watermark
    rotated: list[str] = field(default_factory=list)  # other rotated text, per page


def _rotated(char: dict[str, Any]) -> bool:
    m = char.get("matrix") or (1, 0, 0, 1, 0, 0)
    return abs(m[1]) > 1e-3 or abs(m[2]) > 1e-3 or m[0] < 0 or m[3] < 0


def page_text(pdf_bytes: bytes) -> Pages:
    """:func:`formkit.parse.text.extract_units` with rotated text set apart.

    formkit prints no rotated text but its draft watermark; read with the rest,
    its big letters would land in the cells they cross.
    """
    import pdfplumber

    from .text import _level_boxes, page_units

    out = Pages([], "")
    texts: list[str] = []
    with pdfplumber.open(io.BytesIO(pdf_bytes)) as pdf:
        for raw in pdf.pages:
            turned = "".join(c["text"] for c in raw.chars if _rotated(c))
            out.watermarked.append(squash(turned) == WATERMARK)
            out.rotated.append("" if squash(turned) in ("", WATERMARK) else turned)
            page = raw.filter(lambda o: o.get("object_type") != "char" or not _rotated(o))
            _level_boxes(page)
            texts.append(page.extract_text() or "")
            out.units.extend(page_units(page))
    out.pages = texts
    out.text = "\n".join(texts)
    return out


def identify(text: str) -> Form | None:
    """The form whose printed title appears in the text (the longest such title)."""
    from ..forms import catalog

    page = squash(text)
    best: tuple[int, Form] | None = None
    for form in catalog():
        for title in map(squash, titles(form)):
            if title and title in page and (best is None or len(title) > best[0]):
                best = (len(title), form)
    return best[1] if best else None


def _error(template: str, path: str = "", **params: Any) -> Finding:
    return Finding("embedded", "error", path, template, citation="", params=params)


def page_findings(form: Form, pages: Pages, *, draft: bool) -> list[Finding]:
    """What the pages show that formkit's own pages for this form would not."""
    out: list[Finding] = []
    if not squash(pages.text):
        return [_error(N_("the pages carry no text: nothing on them can be compared with the "
                          "embedded data"))]
    own = [squash(t) for t in titles(form)]
    if not any(t and t in squash(pages.text) for t in own):
        out.append(_error(N_("the title of {form} is not on the pages: they do not show the "
                             "form the embedded data is for"), form=form.id))
    count = len(pages.pages)
    footers = [_FOOTER_PAGE.findall(text) for text in pages.pages]
    for number, text in enumerate(pages.pages, 1):
        other = identify(text)
        here = squash(text)
        if other is not None and other.id != form.id and not any(t in here for t in own):
            out.append(_error(N_("page {page} shows another form, {found}: it is not a page of "
                                 "the document the embedded data is for"),
                              page=number, found=other.id))
        elif any(footers) and (not footers[number - 1]
                               or footers[number - 1][-1] != (str(number), str(count))):
            shown = "、".join(f"{n}/{m}" for n, m in footers[number - 1]) or "—"
            out.append(_error(N_("page {page} of {count} is numbered {shown} in its footer: a "
                                 "page was added, removed or moved after formkit wrote the PDF"),
                              page=number, count=count, shown=shown))
        if pages.rotated[number - 1]:
            out.append(_error(N_("page {page} holds rotated text {text}, which formkit does not "
                                 "print"), page=number, text=pages.rotated[number - 1][:80]))
    marked = [n for n, w in enumerate(pages.watermarked, 1) if w]
    if draft and len(marked) < count:
        missing = [n for n in range(1, count + 1) if n not in marked]
        out.append(_error(N_("the embedded data says draft, but the 草稿 watermark is missing "
                             "from page {pages}"), pages="、".join(map(str, missing))))
    elif marked and not draft:
        out.append(_error(N_("page {pages} shows the 草稿 watermark, but the embedded data says "
                             "the document is not a draft"), pages="、".join(map(str, marked))))
    return out


# -- values the layout reader did not read back ---------------------------------------


def _candidates(form: Form, key: str, value: Any) -> list[str]:
    """The ways a value may be printed: as formkit formats it, in either style, or as is."""
    from ..render.model import PROSE

    out = [format_value(form, key, value)[0],
           format_value(form, key, value, style=document_style(form))[0],
           format_value(form, key, value, style=PROSE)[0]]
    if isinstance(value, str | int | float):
        out.append(str(value))
    return [c for c in dict.fromkeys(out) if c]


def _shown(form: Form, key: str, value: Any, text: str, glyphs: str) -> bool:
    """Whether the page text holds ``value`` in one of the ways it may be printed; a list,
    item by item (its items may be printed apart: ticked options)."""
    if any(_found(c, text, glyphs) for c in _candidates(form, key, value)):
        return True
    if isinstance(value, list) and value:
        return all(any(_found(c, text, glyphs) for c in _candidates(form, key, [item]))
                   or _found(str(item), text, glyphs) for item in value)
    return False


def _found(candidate: str, page: str, page_glyphs: str) -> bool:
    from .embedded import _lossy, _same_glyph

    want = _same_glyph(candidate)
    if not want:
        return True
    if want in page_glyphs:
        return True
    lossy = {ch for lost in _lossy(candidate) for ch in _same_glyph(lost)}
    if lossy:
        trimmed = "".join(ch for ch in want if ch not in lossy)
        if trimmed in "".join(ch for ch in page_glyphs if ch not in lossy):
            return True
    if any(unicodedata.bidirectional(ch) in ("R", "AL") for ch in candidate):
        # Printed in visual order, line by line: each word forwards or backwards.
        words = [_same_glyph(w) for w in candidate.split()]
        return all(w in page_glyphs or w[::-1] in page_glyphs for w in words if w) and not (
            Counter(want) - Counter(page_glyphs))
    return False


def shown_findings(form: Form, data: dict[str, Any], read: set[str], text: str, *,
                   worksheet: bool) -> list[Finding]:
    """The embedded values the layout reader did not read back, looked for in the page text.

    A page drawn with a hand-made template (``--templates``) is not where the
    layout would put its values: every value the form prints must then be
    somewhere in the text, as formkit formats it or as it is. One the form
    prints that is nowhere on the page is an error; one it does not print
    (its worksheet's, for one) is named in an info.
    """
    from .embedded import _same_glyph

    doc = build(form, data, worksheet=worksheet)
    glyphs = _same_glyph(text)
    missing: list[str] = []
    out: list[Finding] = []
    for key, value in leaves(data):
        if key in read or value is None or value == "" or value == []:
            continue
        if not printed(doc, key):  # even if the same text is on the page for another field
            missing.append(key)
            continue
        if _shown(form, key, value, text, glyphs):
            continue
        path = dotted_to_pointer(key)
        out.append(Finding(
            rule="embedded", severity="error", path=path,
            template=N_("{field}: the embedded value {expected} is not on the page; the page "
                        "text or the data was changed after formkit wrote the PDF"),
            citation="",
            params={"field": labels.field(form.schema, path),
                    "expected": _candidates(form, key, value)[0]},
            expected=value,
        ))
    if missing:
        out.append(Finding(
            rule="embedded", severity="info", path="",
            template=N_("not on the page, so not compared with the embedded data: {fields}"),
            params={"fields": "、".join(labels.field(form.schema, dotted_to_pointer(k))
                                       for k in missing)},
            citation="",
        ))
    return out


# -- the PDF's objects ----------------------------------------------------------------


_ACTIVE = {
    "/JS": N_("JavaScript"),
    "/JavaScript": N_("JavaScript"),
    "/Launch": N_("a launch action (runs a program)"),
    "/AA": N_("automatic actions (/AA)"),
    "/XFA": N_("an XFA form"),
}


def _active(reader: Any) -> list[str]:
    """The kinds of active content anywhere in the PDF's objects (in a stable order)."""
    from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject

    found: set[str] = set()
    seen: set[tuple[int, int]] = set()
    stack: list[Any] = [reader.trailer]
    nodes = 0
    while stack and nodes < MAX_NODES:
        obj = stack.pop()
        nodes += 1
        if isinstance(obj, IndirectObject):
            key = (obj.idnum, obj.generation)
            if key in seen:
                continue
            seen.add(key)
            try:
                obj = obj.get_object()
            except Exception:  # noqa: BLE001 - a dangling reference is no active content
                continue
        if isinstance(obj, DictionaryObject):
            for k, v in obj.items():
                if k in ("/JS", "/AA", "/XFA"):
                    found.add(k)
                elif k == "/JavaScript":  # the document's named scripts
                    found.add(k)
                elif k == "/S" and isinstance(v, NameObject) and v in ("/JavaScript", "/Launch"):
                    found.add(str(v))
                if k != "/Parent":
                    stack.append(v)
        elif isinstance(obj, ArrayObject):
            stack.extend(obj)
    kinds = dict.fromkeys(_ACTIVE[k] for k in ("/JS", "/JavaScript", "/Launch", "/AA", "/XFA")
                          if k in found)
    return list(kinds)


def active_findings(reader: Any) -> list[Finding]:
    """A warning for JavaScript, launch actions, automatic actions or XFA in the PDF."""
    from ..i18n import phrase

    kinds = _active(reader)
    if not kinds:
        return []
    return [Finding("pdf-active", "warning", "",
                    N_("the PDF holds active content ({what}); formkit never writes any: "
                       "do not open it in a viewer that runs it"),
                    citation="", params={"what": "、".join(phrase(k) for k in kinds)})]


def annotation_findings(reader: Any) -> list[Finding]:
    """Annotations on formkit's own pages: it writes none, so each may cover or change what
    a page shows (links without an appearance of their own aside)."""
    out: list[Finding] = []
    for number, page in enumerate(reader.pages, 1):
        kinds: list[str] = []
        for annot in page.get("/Annots") or []:
            a = annot.get_object()
            subtype = str(a.get("/Subtype", "?"))
            if subtype == "/Link" and "/AP" not in a or _invisible_signature(a):
                continue
            kinds.append(subtype.lstrip("/"))
        if kinds:
            out.append(_error(N_("page {page} carries annotations formkit does not write "
                                 "({kinds}): they may cover or change what the page shows"),
                              page=number, kinds="、".join(dict.fromkeys(kinds))))
    return out


def _invisible_signature(annot: Any) -> bool:
    """A signature field's widget of no area (``formkit sign`` adds one): it draws nothing."""
    parent = annot.get("/Parent")
    kind = annot.get("/FT") or (parent.get_object().get("/FT") if parent is not None else None)
    try:
        x0, y0, x1, y1 = (float(v) for v in annot.get("/Rect") or (0, 0, 1, 1))
    except (TypeError, ValueError):
        return False
    return bool(annot.get("/Subtype") == "/Widget" and kind == "/Sig"
                and (x1 - x0) * (y1 - y0) == 0)


# -- form fields: the value against its appearance ------------------------------------


_fonts = threading.local()


def _font_encoding(ft: Any) -> Any:
    """pypdf's ``get_encoding``, read once per font object while :func:`_fonts_read_once`
    is on: every appearance of a fillable form names the same font, whose ToUnicode map
    of a CJK subset takes pypdf 0.3-0.7 s to parse."""
    from pypdf import _cmap

    seen: dict[int, Any] | None = getattr(_fonts, "seen", None)
    if seen is None:
        return _cmap.get_encoding(ft)
    if id(ft) not in seen:
        seen[id(ft)] = (ft, _cmap.get_encoding(ft))  # ft kept alive: its id stays its own
    encoding, character_map = seen[id(ft)][1]
    return (dict(encoding) if isinstance(encoding, dict) else encoding), dict(character_map)


@contextmanager
def _fonts_read_once() -> Iterator[None]:
    from pypdf.generic import _font

    if getattr(_font, "get_encoding", None) is not _font_encoding:
        # calls pypdf's own unless this is on
        setattr(_font, "get_encoding", _font_encoding)  # noqa: B010 - not exported, for mypy
    _fonts.seen = {}
    try:
        yield
    finally:
        _fonts.seen = None


def _appearance_text(reader: Any, widget: Any) -> str | None:
    """The text a widget's normal appearance draws, or None when it has none to read."""
    ap = widget.get("/AP")
    if ap is None:
        return None
    normal = ap.get_object().get("/N")
    if normal is None:
        return None
    normal = normal.get_object()
    if not hasattr(normal, "get_data"):  # a dictionary of states: a button
        return None
    try:
        text = reader.pages[0].extract_xform_text(normal)
    except Exception:  # noqa: BLE001 - an appearance pypdf cannot read is not compared
        return None
    return str(text)


def _button_mismatch(widget: Any, value: Any) -> tuple[str, str] | None:
    """(shown, held) of a check box or radio button that shows another state than its
    field's value, or None."""
    ap = widget.get("/AP")
    normal = ap.get_object().get("/N") if ap is not None else None
    normal = normal.get_object() if normal is not None else None
    if normal is None or not hasattr(normal, "keys") or hasattr(normal, "get_data") \
            or "/AS" not in widget:
        return None
    states = [str(k) for k in normal.keys() if str(k) != "/Off"]
    if len(states) != 1:
        return None
    shown = str(widget["/AS"])
    held = "/Off" if value is None else str(value.get_object())
    if (shown == states[0]) == (held == states[0]):
        return None
    return shown.lstrip("/"), held.lstrip("/")


def appearance_findings(reader: Any) -> list[Finding]:
    """Text fields whose value (``/V``) differs from the text their appearance draws.

    A viewer shows (and prints) the appearance; the parse reads ``/V``. An
    appearance that draws no text (formkit's blanks, NeedAppearances) is not
    compared; one that draws text must draw the value. A check box or radio
    button must show ticked (``/AS``) exactly where its field's value is its
    state.
    """
    if "/AcroForm" not in reader.trailer["/Root"]:
        return []
    with _fonts_read_once():
        return _appearances(reader)


def _appearances(reader: Any) -> list[Finding]:
    from .embedded import same_as_printed

    out: list[Finding] = []
    for number, page in enumerate(reader.pages, 1):
        for annot in page.get("/Annots") or []:
            widget = annot.get_object()
            if widget.get("/Subtype") != "/Widget":
                continue
            node, parts, kind, value = widget, [], None, None
            hops = 0
            while node is not None and hops < 32:
                hops += 1
                if kind is None and "/FT" in node:
                    kind = node["/FT"]
                if value is None and "/V" in node:
                    value = node["/V"]
                if "/T" in node:
                    parts.append(str(node["/T"]))
                parent = node.get("/Parent")
                node = parent.get_object() if parent is not None else None
            if kind == "/Btn":
                mismatch = _button_mismatch(widget, value)
                if mismatch is None:
                    continue
                shown, stored = mismatch
            elif kind == "/Tx":
                text = _appearance_text(reader, widget)
                if text is None or not squash(text):
                    continue
                shown = text
                stored = "" if value is None else str(value.get_object())
                if same_as_printed(stored, shown):
                    continue
            else:
                continue
            name = ".".join(reversed(parts))
            out.append(Finding(
                "embedded", "error", dotted_to_pointer(name),
                N_("form field {name} on page {page} shows {shown} but holds {value}: what a "
                   "viewer shows is not the value read"),
                citation="",
                params={"name": name, "page": number, "shown": shown.strip()[:200],
                        "value": stored[:200] or "（空白）"},
            ))
    return out
