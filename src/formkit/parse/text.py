"""Reading a form back from the text printed on its pages.

This is the route for PDFs without formkit's embedded data: the kit's DOCX
filled in an office suite and exported, for instance. The layout that drew
the form is the map: every cell's static text is an anchor, and the values
are what stands between the anchors. Tables are found from their ruling
lines (pdfplumber), so the same code reads WeasyPrint's and LibreOffice's
output; LibreOffice's extra spaces between CJK and Latin text are removed.
"""

from __future__ import annotations

import io
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from ..catalog import Form
from ..dates import to_iso
from ..pointers import set_
from ..render.model import Block, Cell, Seg, build, schema_node

TICKED = "■☑☒✓✔✗✘VvXx"
BOXES = "□" + TICKED
_CJK = r"\u2e80-\u9fff\uf900-\ufaff\U00020000-\U0003ffff\u3000-\u303f\uff00-\uffef"
_LO_SPACE = re.compile(rf"(?<=[{_CJK}]) (?=[A-Za-z0-9])|(?<=[A-Za-z0-9]) (?=[{_CJK}])")


@dataclass
class Unit:
    """A printed row: a table row's cell texts, or a line of text outside tables."""

    cells: list[str]
    table: bool


@dataclass
class TextResult:
    data: dict[str, Any]
    confidence: dict[str, float] = field(default_factory=dict)
    empty: list[str] = field(default_factory=list)


def squash(text: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


def extract_units(pdf_bytes: bytes) -> tuple[list[Unit], str]:
    """Table rows and loose text lines of every page, top to bottom, and the full text."""
    import pdfplumber

    units: list[Unit] = []
    texts: list[str] = []
    with pdfplumber.open(io.BytesIO(pdf_bytes)) as pdf:
        for page in pdf.pages:
            texts.append(page.extract_text() or "")
            tables = page.find_tables({"vertical_strategy": "lines", "horizontal_strategy": "lines"})
            items: list[tuple[float, Unit]] = []
            boxes = [t.bbox for t in tables]
            for t in tables:
                for row in t.rows:
                    cells = []
                    for bbox in row.cells:
                        if bbox is None:
                            continue
                        cells.append(_cell_text(page.crop(bbox), bbox[2]))
                    if cells:
                        items.append((row.bbox[1], Unit(cells, True)))

            def outside(obj: dict[str, Any], boxes: list[Any] = boxes) -> bool:
                cx, cy = (obj["x0"] + obj["x1"]) / 2, (obj["top"] + obj["bottom"]) / 2
                return not any(b[0] <= cx <= b[2] and b[1] <= cy <= b[3] for b in boxes)

            loose = page.filter(lambda o: o.get("object_type") != "char" or outside(o))
            for line in loose.extract_text_lines():
                items.append((line["top"], Unit([line["text"]], False)))
            items.sort(key=lambda it: it[0])
            units.extend(u for _, u in items)
    return units, "\n".join(texts)


# Marks where a renderer wrapped a line; \s matches it, so anchors still match.
WRAP = "\u2028"


def _glue(left: str, right: str, mark: str = "") -> str:
    latin = left[-1:].isascii() and right[:1].isascii() and left[-1:].isalnum() and right[:1].isalnum()
    return left + mark + (" " if latin else "") + right


def _cell_text(crop: Any, right_edge: float) -> str:
    """A cell's text with soft wraps undone and hard line breaks kept.

    A line that runs up to the cell's right edge was wrapped by the renderer;
    one that stops short ended with a line break typed by the user.
    """
    lines = crop.extract_text_lines()
    if not lines:
        return ""
    out = lines[0]["text"]
    for prev, line in zip(lines, lines[1:], strict=False):
        size = max((c.get("size", 10) for c in prev.get("chars", [])), default=10)
        wrapped = right_edge - prev["x1"] < 2.4 * size
        out = _glue(out, line["text"], WRAP) if wrapped else out + "\n" + line["text"]
    return out


def _cell_regex(segs: list[Seg]) -> re.Pattern[str]:
    parts = [r"^\s*"]
    for s in segs:
        if s.kind == "text":
            chars = [re.escape(c) for c in s.text if not c.isspace()]
            parts.append(r"\s*".join(chars) + r"\s*" if chars else "")
        elif s.kind == "box":
            parts.append(rf"([{re.escape(BOXES)}圖品])?\s*")
        else:
            parts.append(r"(.*?)\s*")
    parts.append(r"$")
    return re.compile("".join(parts), re.S)


def _join_lines(text: str, multiline: bool) -> tuple[str, bool]:
    """A value from its cell text; True when a reader should review it.

    Review is asked for when lines had to be joined, and when a space stands
    between CJK and Latin text: office suites may add such spaces on export,
    so a value like 「型號 RS-255」 cannot be told from 「型號RS-255」.
    """
    wrapped = WRAP in text
    lines = [ln.strip() for ln in text.replace(WRAP, "").split("\n")]
    if multiline:
        out = "\n".join(lines)
        changed = False
    else:
        out = lines[0] if lines else ""
        for ln in lines[1:]:
            out = _glue(out, ln)
        changed = len(lines) > 1
    return out, changed or wrapped or bool(_LO_SPACE.search(out))


def _convert(form: Form, key: str, text: str, fmt: str) -> tuple[Any, bool]:
    """The record value for printed text; False when it could not be read as its type."""
    node = schema_node(form.schema, key)
    kind = node.get("type")
    if fmt in ("date", "date_long", "date_blank") or node.get("format") == "date":
        iso = to_iso(squash(text))
        return (iso, True) if iso else (text, False)
    if fmt in ("money", "nt", "num") or node.get("x-kind") == "money":
        digits = re.sub(r"[^\d-]", "", text)
        return (int(digits), True) if digits else (text, False)
    if "enum" in node:
        labels = _labels(form, key)
        for code, label in labels.items():
            if squash(label) == squash(text):
                return code, True
        if text in [str(v) for v in node["enum"]]:
            return next(v for v in node["enum"] if str(v) == text), True
        return text, False
    if kind == "array" and isinstance(node.get("items"), dict) and node["items"].get("type") == "string":
        return [part.strip() for part in text.split("、") if part.strip()], True
    if kind == "boolean":
        if squash(text) in ("是", "true"):
            return True, True
        if squash(text) in ("否", "false"):
            return False, True
        return text, False
    if kind in ("integer", "number"):
        t = unicodedata.normalize("NFKC", text).replace(",", "").strip()
        try:
            value = float(t) if kind == "number" else int(t)
        except ValueError:
            return text, False
        if isinstance(value, float) and value.is_integer() and "." not in t:
            value = int(value)
        return value, True
    return text, True


def _labels(form: Form, key: str) -> dict[str, str]:
    labels = form.meta.get("labels") or {}
    generic = re.sub(r"\.\d+(?=\.|$)", "", key)
    return {str(k): str(v) for k, v in (labels.get(key) or labels.get(generic) or {}).items()}


class _Reader:
    def __init__(self, form: Form):
        self.form = form
        self.result = TextResult(data={})
        self.ticks: dict[str, list[str]] = {}
        self.flags: dict[str, bool] = {}
        self.seen: set[str] = set()

    def take(self, segs: list[Seg], text: str) -> bool:
        m = _cell_regex(segs).match(text)
        if not m:
            return False
        groups = iter(m.groups())
        for s in segs:
            if s.kind == "text":
                continue
            raw = next(groups)
            if s.kind == "box":
                ticked = bool(raw) and raw in TICKED
                if s.code is not None:
                    self.ticks.setdefault(s.key, [])
                    if ticked:
                        self.ticks[s.key].append(s.code)
                elif schema_node(self.form.schema, s.key).get("type") == "boolean":
                    self.flags[s.key] = ticked
                continue
            value_text, changed = _join_lines(raw or "", s.fmt == "mtext")
            if s.key in self.seen:
                continue
            if not value_text or set(value_text) <= set("＿_ 年月日"):
                self.result.empty.append(s.key)
                continue
            value, ok = _convert(self.form, s.key, value_text, s.fmt)
            set_(self.result.data, s.key, value)
            self.seen.add(s.key)
            node = schema_node(self.form.schema, s.key)
            is_text = node.get("type") == "string" and "enum" not in node and not node.get("format")
            certain = ok and not (changed and is_text)
            self.result.confidence[s.key] = 1.0 if certain else 0.85 if ok else 0.4
        return True

    def finish(self) -> TextResult:
        for key, codes in self.ticks.items():
            node = schema_node(self.form.schema, key)
            if node.get("type") == "array":
                set_(self.result.data, key, codes)
            elif len(codes) == 1:
                set_(self.result.data, key, _typed_code(node, codes[0]))
            elif codes:
                set_(self.result.data, key, _typed_code(node, codes[0]))
                self.result.confidence[key] = 0.3  # more than one option ticked
                continue
            else:
                self.result.empty.append(key)
                continue
            self.result.confidence.setdefault(key, 1.0)
        for key, ticked in self.flags.items():
            set_(self.result.data, key, ticked)
            self.result.confidence.setdefault(key, 1.0)
        self.result.empty = sorted(set(self.result.empty) - set(self.result.confidence))
        return self.result


def _typed_code(node: dict[str, Any], code: str) -> Any:
    for v in node.get("enum", []):
        if str(v) == code:
            return v
    if node.get("type") == "boolean":
        return code.lower() == "true"
    return code


def _expected_units(form: Form) -> list[tuple[Block, list[Cell] | None]]:
    """The template's rows in order; a repeating table is one entry (row None)."""
    doc = build(form, {})
    out: list[tuple[Block, list[Cell] | None]] = []
    for block in doc.blocks:
        if block.kind == "table":
            out.append((block, None))
        elif block.kind in ("grid", "signatures"):
            out.extend((block, row) for row in block.rows)
        elif block.kind in ("text", "notes", "heading") and any(s.kind != "text" for s in block.text):
            out.append((block, [Cell(block.text)]))
    return out


def _row_matches(reader: _Reader, cells: list[Cell], unit: Unit, commit: bool) -> bool:
    if len(cells) != len(unit.cells):
        if len(cells) == 1 and not unit.table:
            pass
        else:
            return False
    if not commit:
        return all(_cell_regex(c.segs).match(t) for c, t in zip(cells, unit.cells, strict=False))
    return all(reader.take(c.segs, t) for c, t in zip(cells, unit.cells, strict=False))


def read_text(form: Form, units: list[Unit]) -> TextResult:
    """Recover a record from printed units using the form's layout as the map."""
    reader = _Reader(form)
    expected = _expected_units(form)
    pos = 0
    for idx, (block, row) in enumerate(expected):
        if row is not None:
            for j in range(pos, min(len(units), pos + 60)):
                if _row_matches(reader, row, units[j], commit=False):
                    _row_matches(reader, row, units[j], commit=True)
                    pos = j + 1
                    break
            continue
        # A repeating table: find the header, then read rows until something else.
        header = squash("".join(s.text for c in block.rows[0] for s in c.segs))
        start = None
        for j in range(pos, min(len(units), pos + 60)):
            if units[j].table and squash("".join(units[j].cells)) == header:
                start = j + 1
                break
        if start is None:
            continue
        proto = _prototype(form, block.field)
        nxt = expected[idx + 1][1] if idx + 1 < len(expected) else None
        i, j = 0, start
        while j < len(units) and units[j].table:
            if nxt is not None and _row_matches(reader, nxt, units[j], commit=False):
                break
            if i + 1 >= len(proto.rows):
                break
            cells = proto.rows[i + 1]
            if not _row_matches(reader, cells, units[j], commit=True):
                break
            i, j = i + 1, j + 1
        pos = j
    return reader.finish()


MAX_TABLE_ROWS = 500


def _prototype(form: Form, key: str) -> Block:
    """The table block as drawn with MAX_TABLE_ROWS empty rows (row numbers included)."""
    skeleton: dict[str, Any] = {}
    set_(skeleton, key, [{} for _ in range(MAX_TABLE_ROWS)])
    doc = build(form, skeleton)
    return next(b for b in doc.blocks if b.kind == "table" and b.field == key)
