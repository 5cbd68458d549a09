"""The ``fields`` route: AcroForm values of a fillable form, filled in any tool.

Field names are record keys (:mod:`formkit.render.fillable`), so a value goes
straight to its key. What people type is normalised the way staff would read
it: ROC dates become ISO dates, full-width digits and stray spaces are removed
from numbers, dates and ids, and line ends become ``\\n``. Free text is kept as
typed, apart from spaces at its ends.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Any

from ..errors import FormkitError, NotAFormPDFError, in_file
from ..forms import Form
from ..i18n import N_
from ..limits import MAX_ITEMS
from ..pointers import set_
from ..render.model import build
from ..schema import choices, schema_node
from .text import TextResult, _convert

MAX_FIELDS = 5000
MAX_DEPTH = 16
#: Characters in a field's fully qualified name (the kit's longest is under 50).
MAX_NAME = 200


def _index(part: str) -> int | None:
    """A name's part as a list index (ASCII digits), or None for a key."""
    return int(part) if part.isascii() and part.isdigit() and len(part) <= 18 else None


def check_name(name: str) -> None:
    """Refuse a field name that would build more than a record may hold.

    A name is a record key (``sites.0.lines``): a numeric part is an index into a list,
    and ``zz.99999999`` would build a list of 100 million items. The name is measured
    before anything is built: at most :data:`MAX_NAME` characters, :data:`MAX_DEPTH`
    parts, and indexes below :data:`formkit.limits.MAX_ITEMS`.
    """
    if len(name) > MAX_NAME:
        raise NotAFormPDFError(N_("a form field name of {count:,} characters; at most {max} are "
                                  "read"), count=len(name), max=MAX_NAME)
    parts = name.split(".")
    if len(parts) > MAX_DEPTH:
        raise NotAFormPDFError(N_("form field {field!r}: more than {max} parts"), field=name,
                               max=MAX_DEPTH)
    for part in parts:
        if part.isascii() and part.isdigit() and (len(part) > 3 or int(part) >= MAX_ITEMS):
            raise NotAFormPDFError(N_("form field {field!r}: index {index} is beyond the {max:,} "
                                      "items a list holds"), field=name, index=part[:20],
                                   max=MAX_ITEMS)


@dataclass
class RawField:
    kind: str  # "/Tx", "/Btn", "/Ch"
    value: Any  # str, a name ("/Yes"), a list, or None
    flags: int


def acroform_values(reader: Any, source: str) -> dict[str, RawField] | None:
    """Terminal fields by fully qualified name, or None when the PDF has no form fields
    (signature fields are not values: a PDF whose only fields are signatures has none)."""
    try:
        root = reader.trailer["/Root"]
        form = root.get("/AcroForm")
        if form is None:
            return None
        fields = form.get_object().get("/Fields")
        if not fields:
            return None
        out: dict[str, RawField] = {}
        _walk(fields.get_object(), "", None, None, 0, out, set())
    except MemoryError:
        raise
    except FormkitError as exc:
        if str(exc).startswith(f"{source}: "):
            raise
        raise in_file(exc, source) from exc
    except Exception as exc:  # noqa: BLE001 - the library boundary (pypdf objects)
        from .pdfio import library_failure

        raise library_failure(source, exc, N_("unreadable form fields")) from exc
    return out or None


def _walk(kids: Any, prefix: str, kind: Any, value: Any, flags: Any,
          out: dict[str, RawField], seen: set[int]) -> None:
    if prefix.count(".") > MAX_DEPTH:
        raise NotAFormPDFError(N_("form fields nested too deep"))
    for ref in kids:
        key = id(ref.get_object()) if not hasattr(ref, "idnum") else ref.idnum
        if key in seen:
            continue  # a loop in the field tree
        seen.add(key)
        node = ref.get_object()
        if len(seen) > MAX_FIELDS:
            raise NotAFormPDFError(N_("more than {max} form fields"), max=MAX_FIELDS)
        partial = node.get("/T")
        name = f"{prefix}.{partial}" if prefix and partial is not None else (
            str(partial) if partial is not None else prefix)
        own_kind = node.get("/FT", kind)
        own_value = node.get("/V", value) if partial is not None or "/V" in node else value
        own_flags = node.get("/Ff", flags)
        children = node.get("/Kids")
        named_kids = children is not None and any(
            "/T" in k.get_object() for k in children.get_object()
        )
        if named_kids:
            _walk(children.get_object(), name, own_kind, own_value, own_flags, out, seen)
        elif own_kind == "/Sig":
            continue  # a signature (formkit sign): no value of the record
        elif name and name not in out:
            check_name(name)
            raw = own_value.get_object() if hasattr(own_value, "get_object") else own_value
            out[name] = RawField(str(own_kind), raw, int(own_flags or 0))


def _known_keys(form: Form) -> tuple[dict[str, str], dict[str, bool]]:
    """Value keys of the blank with their print format, and its tables (fixed or not)."""
    doc = build(form, None)
    formats: dict[str, str] = {}
    for block in doc.blocks:
        for seg in block.text:
            if seg.kind == "value":
                formats.setdefault(seg.key, seg.fmt)
        for row in block.rows:
            for cell in row:
                for seg in cell.segs:
                    if seg.kind == "value":
                        formats.setdefault(seg.key, seg.fmt)
    tables = {}
    for spec in form.layout:
        if isinstance(spec, dict) and "table" in spec:
            tables[spec["table"]["field"]] = bool(spec["table"].get("fixed"))
    return formats, tables


_SPACES = re.compile(r"[ \t\u3000]+")


def normalise(text: str, node: dict[str, Any], multiline: bool) -> str:
    """What a person typed, as staff would read it (see the module docstring)."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    structured = (
        node.get("format") in ("date", "tw-ubn", "tw-national-id")
        or node.get("type") in ("integer", "number")
        or node.get("x-kind") == "money"
    )
    if structured:
        return _SPACES.sub("", unicodedata.normalize("NFKC", text)).strip()
    if multiline:
        return "\n".join(line.rstrip() for line in text.strip().split("\n"))
    return text.strip()


def read_fields(form: Form, fields: dict[str, RawField]) -> TextResult:
    """The record from AcroForm values, with a confidence for every value."""
    result = TextResult(data={})
    if not any(_filled(raw) for raw in fields.values()):
        result.empty = sorted(fields)  # a blank never filled: no value, not even a "no"
        return result
    formats, tables = _known_keys(form)
    rows: dict[str, dict[int, dict[str, Any]]] = {}

    def put(key: str, value: Any, confidence: float) -> None:
        check_name(key)  # acroform_values did; a caller's own fields may not have been
        table = next((t for t in tables if key.startswith(t + ".")), None)
        if table is not None:
            rest = key[len(table) + 1:]
            index, _, sub = rest.partition(".")
            if (i := _index(index)) is not None and sub:
                rows.setdefault(table, {}).setdefault(i, {})[sub] = (value, confidence)
                return
        _set(result.data, key, value)
        result.confidence[key] = confidence

    multi: dict[str, list[str]] = {}
    for name, raw in fields.items():
        if raw.kind == "/Btn":
            state = _name(raw.value)
            parent, _, code = name.rpartition(".")
            node = schema_node(form.schema, parent) if parent else {}
            if parent and node.get("type") == "array":
                multi.setdefault(parent, [])
                if state and state != "Off":
                    multi[parent].append(code)
                continue
            node = schema_node(form.schema, name)
            if not state or state == "Off":
                if node.get("type") == "boolean" and raw.flags & (1 << 15) == 0:
                    put(name, False, 1.0)  # an unticked check box is a "no"
                else:
                    result.empty.append(name)
                continue
            put(name, _typed(node, state), 1.0)
            continue
        text = _text(raw.value)
        if not text.strip():
            result.empty.append(name)
            continue
        node = schema_node(form.schema, name)
        generic = re.sub(r"\.\d+(?=\.|$)", ".0", name)
        fmt = formats.get(name) or formats.get(generic, "")
        cleaned = normalise(text, node, fmt == "mtext" or "\n" in text)
        value, ok = _convert(form, name, cleaned, fmt)
        if name not in formats and generic not in formats:
            ok = False  # a field the kit did not make: kept, but to be reviewed
        put(name, value, 1.0 if ok else 0.5)
    for key, codes in multi.items():
        if codes:
            put(key, codes, 1.0)
        else:
            result.empty.append(key)  # no option ticked: nothing chosen, not an empty choice
    for table, by_index in rows.items():
        fixed = tables[table]
        filled = sorted(i for i, row in by_index.items()
                        if any(v not in ("", None, False) for v, _ in row.values()))
        out: list[dict[str, Any]] = []
        # A fixed table keeps every printed row (each row is a category);
        # a repeating one keeps the rows someone filled, in order.
        wanted = sorted(by_index) if fixed else filled
        for new_index, i in enumerate(wanted):
            row = by_index.get(i, {})
            record_row: dict[str, Any] = {}
            for sub, (value, confidence) in row.items():
                _set(record_row, sub, value, f"{table}.{i}.{sub}")
                result.confidence[f"{table}.{new_index}.{sub}"] = confidence
            out.append(record_row)
        if out:
            _set(result.data, table, out)
        for i, row in by_index.items():
            if i not in wanted:
                result.empty.extend(f"{table}.{i}.{sub}" for sub in row)
    result.empty = sorted(set(result.empty) - set(result.confidence))
    return result


def _set(record: dict[str, Any], key: str, value: Any, name: str | None = None) -> None:
    """:func:`formkit.pointers.set_`, with fields that disagree on the shape of the record
    (``zz.0``, a list item, beside ``zz.a``, an object's key) refused, naming the field."""
    try:
        set_(record, key, value)
    except (ValueError, TypeError, KeyError, IndexError) as exc:
        raise NotAFormPDFError(N_("form field {field!r} does not fit beside the other fields: "
                                  "{parent!r} is used both as a list and as an object"),
                               field=name or key, parent=_parent(record, key)) from exc


def _parent(record: dict[str, Any], key: str) -> str:
    """The longest part of ``key`` whose value in ``record`` has the other shape."""
    parts = key.split(".")
    node: Any = record
    for n, part in enumerate(parts[:-1]):
        if isinstance(node, dict):
            node = node.get(part)
        elif isinstance(node, list) and (i := _index(part)) is not None and i < len(node):
            node = node[i]
        else:
            return ".".join(parts[:n]) or key
    return ".".join(parts[:-1]) or key


def _filled(raw: RawField) -> bool:
    if raw.kind == "/Btn":
        return _name(raw.value) not in ("", "Off")
    return bool(_text(raw.value).strip())


def _name(value: Any) -> str:
    if value is None:
        return ""
    text = str(value)
    return text[1:] if text.startswith("/") else text


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return "\n".join(str(v) for v in value)
    return str(value)


def _typed(node: dict[str, Any], code: str) -> Any:
    for v in choices(node):
        if str(v) == code:
            return v
    if node.get("type") == "boolean":
        return code.lower() in ("true", "yes", "on")
    digits = code.removeprefix("-")
    if node.get("type") == "integer" and digits.isascii() and digits.isdigit() and len(
            digits) <= 18:
        return int(code)
    return code
