"""The document model: a form's layout resolved against a record.

The layout in form.yaml is a tree of blocks whose cells hold inline templates
(``發現主要缺點數：{summary.found.major}個``). :func:`build` resolves it into
blocks of cells made of *segments*: static text, formatted values and tick
boxes. The HTML, DOCX and blank renderers draw these segments; the text parser
reads them back using the static segments as anchors.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from ..catalog import Form
from ..dates import roc_blank, roc_long, roc_short
from ..money import grouped, in_words, nt_long, nt_short
from ..pointers import get

TICK, EMPTY_BOX = "■", "□"
ZH_NUMBERS = "一二三四五六七八九十"

_TOKEN = re.compile(r"\{\{|\}\}|\{([^{}]+)\}")


@dataclass
class Seg:
    """A piece of a cell: ``kind`` is ``text``, ``value`` or ``box``."""

    kind: str
    text: str = ""
    key: str = ""  # absolute dotted key of a value or box
    code: str | None = None  # for a box: the choice code it stands for; None for a flag box
    fmt: str = ""  # the format applied to a value (date, money, mtext…)
    ticked: bool = False


@dataclass
class Cell:
    segs: list[Seg]
    colspan: int = 1
    rowspan: int = 1
    label: bool = False
    align: str = ""
    lines: int = 1
    header: bool = False

    @property
    def keys(self) -> list[str]:
        return [s.key for s in self.segs if s.kind in ("value", "box")]


@dataclass
class Block:
    kind: str  # title, heading, text, grid, table, signatures, notes, pagebreak
    rows: list[list[Cell]] = field(default_factory=list)
    widths: list[float] = field(default_factory=list)
    text: list[Seg] = field(default_factory=list)
    field: str = ""


@dataclass
class Document:
    form: Form
    blocks: list[Block]
    blank: bool


def schema_node(schema: dict[str, Any], key: str) -> dict[str, Any]:
    """The schema of the value at a dotted key (numeric parts step into arrays)."""
    node = schema
    for part in key.split("."):
        if part.isdigit():
            node = node.get("items", {}) if isinstance(node.get("items"), dict) else {}
            continue
        node = (node.get("properties") or {}).get(part, {})
    return node


def _label_for(form: Form, key: str, code: Any) -> str:
    labels = form.meta.get("labels") or {}
    generic = re.sub(r"\.\d+(?=\.|$)", "", key)  # rows.2.result -> rows.result
    table = labels.get(key) or labels.get(generic) or {}
    return str(table.get(code, code))


def _number(value: float | int) -> str:
    if isinstance(value, float) and value.is_integer():
        return f"{value:.1f}"
    return str(value)


def format_value(form: Form, key: str, value: Any, fmt: str = "") -> tuple[str, str]:
    """(text, format name) for a value; the format is chosen by the schema unless given."""
    node = schema_node(form.schema, key)
    if not fmt:
        if node.get("format") == "date":
            fmt = "date"
        elif node.get("x-kind") == "money":
            fmt = "money"
        elif "enum" in node:
            fmt = "label"
        elif node.get("type") == "boolean":
            fmt = "bool"
        elif node.get("x-kind") == "mtext" or (node.get("maxLength") or 0) > 300:
            fmt = "mtext"
        else:
            fmt = "text"
    if value is None or value == "":
        return "", fmt
    try:
        if fmt == "date":
            return roc_short(value), fmt
        if fmt == "date_long":
            return roc_long(value), fmt
        if fmt == "date_blank":
            return roc_blank(value), fmt
        if fmt == "money":
            return nt_long(int(value)), fmt
        if fmt == "nt":
            return nt_short(int(value)), fmt
        if fmt == "num":
            return grouped(value), fmt
        if fmt == "words":
            return in_words(int(value)), fmt
        if fmt == "yq" and isinstance(value, dict):
            return f"{value.get('year', '')}年度/第{value.get('quarter', '')}季", fmt
    except (ValueError, TypeError):
        return str(value), fmt  # printed as given; validation reports the problem
    if fmt == "label":
        if isinstance(value, list):
            return "、".join(_label_for(form, key, v) for v in value), fmt
        return _label_for(form, key, value), fmt
    if fmt == "bool" or isinstance(value, bool):
        return ("是" if value else "否"), "bool"
    if isinstance(value, float | int):
        return _number(value), fmt
    if isinstance(value, list):
        return "、".join(str(v) for v in value if not isinstance(v, dict | list)), fmt
    if isinstance(value, dict):
        return "", fmt
    return str(value), fmt


def _ticked(value: Any, code: str | None) -> bool:
    if code is None:
        return bool(value) and value is not False
    if isinstance(value, list):
        return code in [str(v) for v in value]
    if isinstance(value, bool):
        return str(value).lower() == code.lower()
    return value is not None and str(value) == code


def parse_template(
    template: str,
    form: Form,
    record: dict[str, Any] | None,
    row_key: str = "",
    row_index: int = 0,
    row_label: str = "",
) -> list[Seg]:
    """Resolve an inline template into segments (record None → a blank form)."""
    segs: list[Seg] = []
    pos = 0
    for m in _TOKEN.finditer(str(template)):
        if m.start() > pos:
            segs.append(Seg("text", template[pos : m.start()]))
        pos = m.end()
        tok = m.group(0)
        if tok in ("{{", "}}"):
            segs.append(Seg("text", tok[0]))
            continue
        expr = m.group(1).strip()
        if expr == "#":
            segs.append(Seg("text", str(row_index + 1)))
            continue
        if expr == "#zh":
            segs.append(Seg("text", ZH_NUMBERS[row_index] if row_index < 10 else str(row_index + 1)))
            continue
        if expr == "@label":
            segs.append(Seg("text", row_label))
            continue
        code: str | None = None
        fmt = ""
        box = False
        if "=" in expr:
            expr, code = expr.split("=", 1)
            box = True
        elif expr.endswith("?"):
            expr, box = expr[:-1], True
        elif "|" in expr:
            expr, fmt = expr.split("|", 1)
        key = f"{row_key}.{row_index}{expr}" if expr.startswith(".") else expr
        value = get(record, key) if record is not None else None
        if box:
            ticked = record is not None and _ticked(value, code)
            segs.append(Seg("box", TICK if ticked else EMPTY_BOX, key, code, ticked=ticked))
        else:
            text, used = format_value(form, key, value, fmt)
            segs.append(Seg("value", text, key, fmt=used))
    if pos < len(template):
        segs.append(Seg("text", template[pos:]))
    return segs


def _cell(spec: Any, form: Form, record: dict[str, Any] | None, **row: Any) -> Cell:
    if not isinstance(spec, dict):
        spec = {"t": str(spec)}
    segs = parse_template(str(spec.get("t", spec.get("label", ""))), form, record, **row)
    has_field = any(s.kind != "text" for s in segs)
    return Cell(
        segs=segs,
        colspan=int(spec.get("colspan", 1)),
        rowspan=int(spec.get("rowspan", 1)),
        label=bool(spec.get("label", not has_field)),
        align=str(spec.get("align", "")),
        lines=int(spec.get("lines", 1)),
    )


def _table(spec: dict[str, Any], form: Form, record: dict[str, Any] | None) -> Block:
    key = spec["field"]
    columns = spec.get("columns", [])
    data = get(record, key) if record is not None else None
    count = len(data) if isinstance(data, list) else 0
    printed = int(spec.get("rows", 0))
    if spec.get("fixed") or record is None:
        n = printed
    else:
        n = count
    labels = spec.get("row_labels", [])
    header = [
        Cell([Seg("text", str(c.get("header", "")))], label=True, header=True) for c in columns
    ]
    rows = [header]
    for i in range(n):
        label = str(labels[i]) if i < len(labels) else ""
        rows.append(
            [
                _cell(
                    {k: v for k, v in c.items() if k != "header"},
                    form,
                    record,
                    row_key=key,
                    row_index=i,
                    row_label=label,
                )
                for c in columns
            ]
        )
    widths = [float(c.get("width", 1)) for c in columns]
    return Block("table", rows=rows, widths=widths, field=key)


def build(form: Form, record: dict[str, Any] | None) -> Document:
    """The document model for a record, or for a blank form when record is None."""
    blocks: list[Block] = []
    for spec in form.layout:
        if not isinstance(spec, dict) or len(spec) == 0:
            continue
        kind = next(iter(spec))
        body = spec[kind]
        if kind in ("heading", "text", "notes"):
            blocks.append(Block(kind, text=parse_template(str(body), form, record)))
        elif kind in ("grid", "signatures"):
            rows = [[_cell(c, form, record) for c in row] for row in body.get("rows", [])]
            widths = [float(w) for w in body.get("widths", [])]
            blocks.append(Block(kind, rows=rows, widths=widths))
        elif kind == "table":
            blocks.append(_table(body, form, record))
        elif kind == "pagebreak":
            blocks.append(Block("pagebreak"))
        elif kind == "title":
            blocks.append(Block("heading", text=parse_template(str(body), form, record)))
    return Document(form=form, blocks=blocks, blank=record is None)


def iter_segments(doc: Document):  # type: ignore[no-untyped-def]
    """Every segment of the document in reading order."""
    for block in doc.blocks:
        yield from block.text
        for row in block.rows:
            for cell in row:
                yield from cell.segs
