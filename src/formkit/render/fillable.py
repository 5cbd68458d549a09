"""Fillable blank forms: the printable blank with AcroForm fields laid over it.

WeasyPrint lays out the blank form; every place a value goes is marked in the
HTML (``data-f``, ``data-cell``), and the boxes WeasyPrint placed there give
the rectangles of the fields. pypdf then adds the fields. They are named by
the record keys (``items.i1_1.rating``, ``rows.2.correction``): a dotted name
is a field hierarchy in PDF, so the fully qualified name of each field is its
key, and a filled form maps straight back to a record.

Fonts. WeasyPrint's own ``<input>`` fields embed the whole 19 MB Noto CJK
collection and extract as Kangxi radicals. These fields use their own
embedded subset font instead (:mod:`formkit.render.fieldfont`). Ticks need no
font: a ticked box draws a filled square path; readers that redraw the boxes
themselves (NeedAppearances stays on, so that they draw the text values) get an
embedded one-glyph Type3 font for it. No field names a font the file lacks.

Choices become radio groups (export value = the choice code), multiple
choices one check box per option (``key.code``), flags a check box. Dates are
text fields that take ROC input (``115/11/21``); parsing normalises them.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from functools import cache
from typing import Any, cast

from ..engine import resolve
from ..forms import Form
from ..schema import schema_node

PX_TO_PT = 0.75  # CSS pixels (1/96 in) to PDF points (1/72 in)

FLAG_MULTILINE = 1 << 12
FLAG_NO_TOGGLE_OFF = 1 << 14
FLAG_RADIO = 1 << 15
FLAG_PRINT = 4
CJK_FONT = "FKCJK"
# The font of the ticks readers redraw (NeedAppearances). poppler draws every check box and
# radio button with the /DR font named ZaDb, whatever the /DA says; so that name is an
# embedded Type3 font here, and its MARK_CHAR is ZapfDingbats' ■, which readers that know
# ZapfDingbats by name draw alike.
MARK_FONT = "ZaDb"
MARK_CHAR = "n"
MARK_SCALE = 0.6  # side of the ■ in the box, as a fraction of the box side
DATE_HINT = "民國年/月/日，例如 115/11/21"


@dataclass
class Spot:
    """Where a field goes: page index and rectangle in PDF points (x0, y0, x1, y1)."""

    page: int
    rect: tuple[float, float, float, float]


@dataclass
class FieldSpec:
    key: str
    kind: str  # text, mtext, radio, check
    spots: list[Spot] = field(default_factory=list)
    codes: list[str] = field(default_factory=list)  # radio: one export value per spot
    tooltip: str = ""


def render_fillable_pdf(form: str | Form) -> bytes:
    """The blank form as a PDF with AcroForm fields named by the record keys."""
    from .fonts import faces
    from .html import render_html
    from .pdf import layout, payload, write_document

    form = resolve(form)
    faces()
    html = render_html(form, None, fillable=True, inline_css=False)
    document = layout(html, title=form.full_title, kit_css=True)
    specs = _field_specs(form, document)
    data = payload(form, {}, False)
    data["fillable"] = True
    pdf = write_document(document, data, pdf_variant=None)
    return _add_fields(pdf, specs)


def _rect(box: Any, page_height: float, *, padding: bool) -> tuple[float, float, float, float]:
    if padding:
        x, y = box.padding_box_x(), box.padding_box_y()
        w, h = box.padding_width(), box.padding_height()
    else:
        x, y = box.border_box_x(), box.border_box_y()
        w, h = box.border_width(), box.border_height()
    return (
        round(x * PX_TO_PT, 2),
        round((page_height - y - h) * PX_TO_PT, 2),
        round((x + w) * PX_TO_PT, 2),
        round((page_height - y) * PX_TO_PT, 2),
    )


def _field_specs(form: Form, document: Any) -> list[FieldSpec]:
    """The fields of the blank, in reading order, with the rectangles WeasyPrint laid out."""
    from weasyprint.formatting_structure import boxes

    cells: dict[str, Spot] = {}
    spans: dict[str, Spot] = {}
    ticks: list[tuple[str, str, Spot]] = []
    fmts: dict[str, str] = {}
    order: list[str] = []
    seen: set[int] = set()
    for index, page in enumerate(document.pages):
        for box in page._page_box.descendants():
            element = getattr(box, "element", None)
            if element is None or isinstance(box, boxes.TextBox | boxes.LineBox):
                continue
            if id(element) in seen or getattr(box, "element_tag", None) != element.tag:
                continue
            if element.get("data-cell"):
                seen.add(id(element))
                key = element.get("data-cell")
                cells[key] = Spot(index, _rect(box, page.height, padding=True))
                if key not in order:
                    order.append(key)
            elif element.get("data-f"):
                seen.add(id(element))
                key = element.get("data-f")
                spot = Spot(index, _rect(box, page.height, padding=False))
                if element.get("data-c") is not None and "box" in element.get("class", ""):
                    ticks.append((key, element.get("data-c"), spot))
                else:
                    spans.setdefault(key, spot)
                    fmts.setdefault(key, element.get("data-k") or "")
                if key not in order:
                    order.append(key)
    specs: dict[str, FieldSpec] = {}
    for key in order:
        if key in spans:
            node = schema_node(form.schema, key)
            multiline = fmts.get(key) == "mtext" or node.get("x-multiline")
            spec = FieldSpec(key, "mtext" if multiline else "text",
                             tooltip=_tooltip(node, fmts[key]))
            spec.spots.append(cells.get(key) or _widen(spans[key]))
            specs[key] = spec
    for key, code, spot in ticks:
        node = schema_node(form.schema, key)
        square = _square(spot)
        if not code:
            if node.get("type") != "boolean":
                continue  # a flag box of a count: it follows from the count itself
            specs.setdefault(key, FieldSpec(key, "check")).spots.append(square)
        elif node.get("type") == "array":
            sub = f"{key}.{code}"
            specs.setdefault(sub, FieldSpec(sub, "check")).spots.append(square)
        else:
            spec = specs.setdefault(key, FieldSpec(key, "radio"))
            spec.spots.append(square)
            spec.codes.append(code)
    return list(specs.values())


def _tooltip(node: dict[str, Any], fmt: str) -> str:
    title = str(node.get("title") or node.get("description") or "")
    if fmt.startswith("date") or node.get("format") == "date":
        return f"{title}（{DATE_HINT}）" if title else DATE_HINT
    return title


def _widen(spot: Spot) -> Spot:
    """A blank's underline box, a little taller so that typed text sits on the line."""
    x0, y0, x1, y1 = spot.rect
    return Spot(spot.page, (x0, y0 - 1, x1, max(y1, y0 + 14)))


def _square(spot: Spot) -> Spot:
    """The printed □ inside its glyph box: a square as wide as the glyph, centred on it."""
    x0, y0, x1, y1 = spot.rect
    side = min(x1 - x0, y1 - y0) * 0.78
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    half = side / 2
    return Spot(spot.page, (round(cx - half, 2), round(cy - half, 2), round(cx + half, 2),
                            round(cy + half, 2)))


# ---------------------------------------------------------------------------
# pypdf: the AcroForm


def _content(writer: Any, data: bytes, entries: dict[str, Any] | None = None) -> Any:
    """A stream object with the given content, added to the writer (its reference)."""
    from pypdf.generic import DecodedStreamObject, NameObject

    stream = DecodedStreamObject()
    stream.set_data(data)
    for key, value in (entries or {}).items():
        stream[NameObject(key)] = value
    return writer._add_object(stream)


def _mark_font(writer: Any) -> Any:
    """The embedded font of the tick: one Type3 glyph, a filled square, at MARK_CHAR.

    A Type3 glyph is vector paths in the file, so the tick needs no installed font.
    The square spans -0.1 to 0.9 em: readers set a tick on a baseline 0.4 em below the
    middle of the box (poppler does), so it sits centred. It extracts as ■ (U+25A0).
    """
    from pypdf.generic import ArrayObject, DictionaryObject, FloatObject, NameObject, NumberObject

    code = ord(MARK_CHAR)
    glyph = b"1000 0 0 -100 1000 900 d1 0 -100 1000 1000 re f"
    matrix = ArrayObject([FloatObject(v) for v in (0.001, 0, 0, 0.001, 0, 0)])
    to_unicode = (
        "/CIDInit /ProcSet findresource begin 12 dict begin begincmap\n"
        "/CMapName /FKMark def /CMapType 2 def\n"
        "1 begincodespacerange <00> <FF> endcodespacerange\n"
        f"1 beginbfchar <{code:02X}> <25A0> endbfchar\n"
        "endcmap CMapName currentdict /CMap defineresource pop end end"
    )
    return writer._add_object(DictionaryObject({
        NameObject("/Type"): NameObject("/Font"),
        NameObject("/Subtype"): NameObject("/Type3"),
        NameObject("/FontBBox"): ArrayObject([NumberObject(v) for v in (0, -100, 1000, 900)]),
        NameObject("/FontMatrix"): matrix,
        NameObject("/CharProcs"): DictionaryObject({
            NameObject("/square"): _content(writer, glyph),
        }),
        NameObject("/Encoding"): DictionaryObject({
            NameObject("/Type"): NameObject("/Encoding"),
            NameObject("/Differences"): ArrayObject([NumberObject(code), NameObject("/square")]),
        }),
        NameObject("/FirstChar"): NumberObject(code),
        NameObject("/LastChar"): NumberObject(code),
        NameObject("/Widths"): ArrayObject([NumberObject(1000)]),
        NameObject("/Resources"): DictionaryObject(),
        NameObject("/ToUnicode"): _content(writer, to_unicode.encode("ascii")),
    }))


def _stream(writer: Any, content: bytes, width: float, height: float, resources: Any = None) -> Any:
    """An appearance: a form XObject of the widget's size."""
    from pypdf.generic import ArrayObject, FloatObject, NameObject

    entries: dict[str, Any] = {
        "/Type": NameObject("/XObject"),
        "/Subtype": NameObject("/Form"),
        "/BBox": ArrayObject([FloatObject(v) for v in (0, 0, width, height)]),
    }
    if resources is not None:
        entries["/Resources"] = resources
    return _content(writer, content, entries)


def _box_da(spot: Spot) -> str:
    """The /DA of a tick: the mark font at the size that draws the same square as box_ap."""
    x0, y0, x1, y1 = spot.rect
    return f"/{MARK_FONT} {min(x1 - x0, y1 - y0) * MARK_SCALE:.2f} Tf 0 g"


def _add_fields(pdf: bytes, specs: list[FieldSpec]) -> bytes:
    import io

    from pypdf import PdfWriter
    from pypdf.generic import (
        ArrayObject,
        BooleanObject,
        DictionaryObject,
        FloatObject,
        NameObject,
        NumberObject,
        TextStringObject,
    )

    writer = PdfWriter(clone_from=io.BytesIO(pdf))
    from .fieldfont import pdf_font

    font_dict = DictionaryObject({
        NameObject(f"/{CJK_FONT}"): pdf_font(writer),
        NameObject(f"/{MARK_FONT}"): _mark_font(writer),
    })
    fonts_ref = writer._add_object(font_dict)
    caption = TextStringObject(MARK_CHAR)
    top: list[Any] = []
    parents: dict[str, Any] = {}

    def parent_of(key: str) -> Any:
        """The (created on demand) non-terminal field for the dotted prefix of key."""
        if "." not in key:
            return None
        prefix, _ = key.rsplit(".", 1)
        if prefix in parents:
            return parents[prefix]
        node = DictionaryObject({
            NameObject("/T"): TextStringObject(prefix.rsplit(".", 1)[-1]),
            NameObject("/Kids"): ArrayObject(),
        })
        ref = writer._add_object(node)
        grand = parent_of(prefix)
        if grand is None:
            top.append(ref)
        else:
            node[NameObject("/Parent")] = grand
            grand.get_object()["/Kids"].append(ref)
        parents[prefix] = ref
        return ref

    def widget(spot: Spot) -> DictionaryObject:
        page = writer.pages[spot.page]
        return DictionaryObject({
            NameObject("/Type"): NameObject("/Annot"),
            NameObject("/Subtype"): NameObject("/Widget"),
            NameObject("/Rect"): ArrayObject([FloatObject(v) for v in spot.rect]),
            NameObject("/F"): NumberObject(FLAG_PRINT),
            NameObject("/P"): page.indirect_reference,
        })

    def attach(ref: Any, spot: Spot) -> None:
        page = writer.pages[spot.page]
        if "/Annots" not in page:
            page[NameObject("/Annots")] = ArrayObject()
        cast(ArrayObject, page["/Annots"]).append(ref)

    def box_ap(spot: Spot, on_name: str) -> DictionaryObject:
        """Ticked: a filled square drawn as a path (no font); unticked: nothing."""
        x0, y0, x1, y1 = spot.rect
        w, h = x1 - x0, y1 - y0
        inset = min(w, h) * (1 - MARK_SCALE) / 2
        mark = f"0 g {inset:.2f} {inset:.2f} {w - 2 * inset:.2f} {h - 2 * inset:.2f} re f".encode()
        return DictionaryObject({
            NameObject("/N"): DictionaryObject({
                NameObject(on_name): _stream(writer, mark, w, h),
                NameObject("/Off"): _stream(writer, b"", w, h),
            }),
        })

    for spec in specs:
        name = spec.key.rsplit(".", 1)[-1]
        parent = parent_of(spec.key)
        if spec.kind in ("text", "mtext"):
            spot = spec.spots[0]
            x0, y0, x1, y1 = spot.rect
            node = widget(spot)
            node.update({
                NameObject("/FT"): NameObject("/Tx"),
                NameObject("/T"): TextStringObject(name),
                NameObject("/V"): TextStringObject(""),
                NameObject("/DA"): TextStringObject(f"/{CJK_FONT} 10 Tf 0 g"),
                NameObject("/Ff"): NumberObject(FLAG_MULTILINE if spec.kind == "mtext" else 0),
                NameObject("/AP"): DictionaryObject({
                    NameObject("/N"): _stream(writer, b"/Tx BMC EMC", x1 - x0, y1 - y0,
                                              DictionaryObject({NameObject("/Font"): fonts_ref})),
                }),
            })
            if spec.tooltip:
                node[NameObject("/TU")] = TextStringObject(spec.tooltip)
            refs = [(writer._add_object(node), spot)]
            field_ref = refs[0][0]
        elif spec.kind == "check":
            spot = spec.spots[0]
            node = widget(spot)
            node.update({
                NameObject("/FT"): NameObject("/Btn"),
                NameObject("/T"): TextStringObject(name),
                NameObject("/V"): NameObject("/Off"),
                NameObject("/AS"): NameObject("/Off"),
                NameObject("/DA"): TextStringObject(_box_da(spot)),
                NameObject("/MK"): DictionaryObject({NameObject("/CA"): caption}),
                NameObject("/AP"): box_ap(spot, "/Yes"),
            })
            refs = [(writer._add_object(node), spot)]
            field_ref = refs[0][0]
        else:  # radio group: a field with one widget per option
            group = DictionaryObject({
                NameObject("/FT"): NameObject("/Btn"),
                NameObject("/T"): TextStringObject(name),
                NameObject("/Ff"): NumberObject(FLAG_RADIO | FLAG_NO_TOGGLE_OFF),
                NameObject("/V"): NameObject("/Off"),
                NameObject("/DA"): TextStringObject(_box_da(spec.spots[0])),
                NameObject("/Kids"): ArrayObject(),
            })
            field_ref = writer._add_object(group)
            refs = []
            for spot, code in zip(spec.spots, spec.codes, strict=True):
                kid = widget(spot)
                kid.update({
                    NameObject("/Parent"): field_ref,
                    NameObject("/AS"): NameObject("/Off"),
                    NameObject("/MK"): DictionaryObject({NameObject("/CA"): caption}),
                    NameObject("/AP"): box_ap(spot, NameObject(f"/{code}")),
                })
                kid_ref = writer._add_object(kid)
                cast(ArrayObject, group["/Kids"]).append(kid_ref)
                refs.append((kid_ref, spot))
        if parent is None:
            top.append(field_ref)
        else:
            cast(DictionaryObject, field_ref.get_object())[NameObject("/Parent")] = parent
            cast(ArrayObject, parent.get_object()["/Kids"]).append(field_ref)
        for ref, spot in refs:
            attach(ref, spot)

    writer._root_object[NameObject("/AcroForm")] = writer._add_object(DictionaryObject({
        NameObject("/Fields"): ArrayObject(top),
        NameObject("/DR"): DictionaryObject({NameObject("/Font"): fonts_ref}),
        NameObject("/DA"): TextStringObject(f"/{CJK_FONT} 10 Tf 0 g"),
        NameObject("/NeedAppearances"): BooleanObject(True),
    }))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def field_values(form: str | Form, record: dict[str, Any], names: list[str]) -> dict[str, str]:
    """AcroForm values that put a record into a fillable blank (pre-filling a form).

    ``names`` are the blank's field names. Text fields get the value as the form
    prints it; choices get their export state (``/code``, ``/Yes``).
    """
    from ..pointers import get
    from .model import document_style, format_value

    form = resolve(form)
    cell_style = replace(document_style(form), in_cell=True)  # as the printed form's cells
    out: dict[str, str] = {}
    for name in names:
        parent, _, code = name.rpartition(".")
        if parent and schema_node(form.schema, parent).get("type") == "array":
            chosen = get(record, parent)
            if isinstance(chosen, list) and code in [str(v) for v in chosen]:
                out[name] = f"/{code}"
            continue
        value = get(record, name)
        if value is None or value == "" or value == []:
            continue
        node = schema_node(form.schema, name)
        if isinstance(value, bool):
            if node.get("type") == "boolean" and _is_flag(form, name):
                if value:
                    out[name] = "/Yes"
            else:
                out[name] = f"/{str(value).lower()}"
        elif _is_choice(form, name):
            out[name] = f"/{value}"
        elif not (isinstance(value, dict) or isinstance(value, list)
                  and any(isinstance(v, dict | list) for v in value)):
            out[name] = format_value(form, name, value, style=cell_style)[0]
    return out


@cache
def _choice_keys(form_id: str) -> tuple[frozenset[str], frozenset[str]]:
    """Keys drawn as radio groups, and keys drawn as a single flag box, in the blank."""
    from .model import build, iter_segments

    radios: set[str] = set()
    flags: set[str] = set()
    for seg in iter_segments(build(resolve(form_id), None)):
        if seg.kind == "box":
            (radios if seg.code is not None else flags).add(seg.key)
    return frozenset(radios), frozenset(flags)


def _is_choice(form: Form, key: str) -> bool:
    return key in _choice_keys(form.id)[0]


def _is_flag(form: Form, key: str) -> bool:
    return key in _choice_keys(form.id)[1]


def prefill(blank: bytes, values: dict[str, str]) -> bytes:
    """A fillable blank with field values set, matched by fully qualified name only.

    pypdf's ``update_page_form_field_values`` also matches a field's partial
    name, so a top-level ``person_days`` lands in every ``sites.N.person_days``
    as well. This sets ``/V`` (and ``/AS`` of choices) on exactly the named
    fields and leaves the drawing to the reader (NeedAppearances).
    """
    import io

    from pypdf import PdfWriter
    from pypdf.generic import BooleanObject, DictionaryObject, NameObject, TextStringObject

    writer = PdfWriter(clone_from=io.BytesIO(blank))
    for page in writer.pages:
        for ref in page.get("/Annots", []):
            widget = ref.get_object()
            field = widget if "/T" in widget else widget.get("/Parent").get_object()
            name = _qualified_name(field)
            if name not in values:
                continue
            value = values[name]
            if field.get("/FT") == "/Btn":
                state = NameObject(value if value.startswith("/") else f"/{value}")
                field[NameObject("/V")] = state
                shown = state if state in widget["/AP"]["/N"] else NameObject("/Off")
                widget[NameObject("/AS")] = shown
            else:
                field[NameObject("/V")] = TextStringObject(value)
    acroform = cast(DictionaryObject, writer._root_object["/AcroForm"])
    acroform[NameObject("/NeedAppearances")] = BooleanObject(True)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _qualified_name(field: Any) -> str:
    """The dotted name of a field: the partial names of its ancestors and its own."""
    parts: list[str] = []
    node, seen = field, set()
    while node is not None and id(node) not in seen and len(parts) < 32:
        seen.add(id(node))
        if "/T" in node:
            parts.append(str(node["/T"]))
        node = node.get("/Parent")
        node = node.get_object() if node is not None else None
    return ".".join(reversed(parts))
