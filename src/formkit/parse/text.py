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
from collections.abc import Iterable
from contextvars import ContextVar
from dataclasses import dataclass, field, replace
from itertools import combinations, islice
from typing import Any

from ..dates import to_iso
from ..forms import Form
from ..pointers import get, set_
from ..render.model import Block, Cell, Seg, build, language_code
from ..schema import choice_code, choices, schema_node
from .fuzzy import cell_pattern, same_text

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
            _level_boxes(page)
            texts.append(page.extract_text() or "")
            units.extend(page_units(page))
    return units, "\n".join(texts)


def page_units(page: Any) -> list[Unit]:
    """A pdfplumber page's table rows and loose text lines, top to bottom, footers left out
    (its characters' boxes levelled first: :func:`_level_boxes`)."""
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

    def outside(obj: dict[str, Any]) -> bool:
        cx, cy = (obj["x0"] + obj["x1"]) / 2, (obj["top"] + obj["bottom"]) / 2
        return not any(b[0] <= cx <= b[2] and b[1] <= cy <= b[3] for b in boxes)

    loose = page.filter(lambda o: o.get("object_type") != "char" or outside(o))
    for line in loose.extract_text_lines():
        if not _FOOTER.search(line["text"]):
            items.append((line["top"], Unit([line["text"]], False)))
    items.sort(key=lambda it: it[0])
    return [u for _, u in items]


# Every page's footer: the form's name and 「第 N 頁／共 M 頁」 (or an older 「N / M」); it
# is no part of the record, and between two pages it would end a table that runs on.
_FOOTER = re.compile(r"第\s*\d+\s*頁\s*[／/]\s*共\s*\d+\s*頁|^\s*\d+\s*/\s*\d+\s*$")


# pdfminer hangs a character's box from its font's descent. Noto Sans Arabic's
# (0.74 em) and Noto Sans Symbols2's (0.63 em) put their letters 3.5 to 5 pt below
# the CJK letters of the same line (0.29 em) at 10.5 pt: they would read as a line
# of their own, and spill into the table row below. No box hangs lower than this.
_MAX_DESCENT = 0.3


def _level_boxes(page: Any) -> None:
    """Move up the box of every upright character that hangs below _MAX_DESCENT (in place)."""
    for c in page.chars:
        m = c.get("matrix")
        if not c.get("upright") or not m or m[1] or m[2] or m[3] <= 0:
            continue
        shift = (m[5] - _MAX_DESCENT * c["size"]) - c["y0"]
        if shift > 0:
            c["y0"] += shift
            c["y1"] += shift
            c["top"] -= shift
            c["bottom"] -= shift
            c["doctop"] -= shift


# Marks where a renderer wrapped a line; \s matches it, so anchors still match.
WRAP = "\u2028"


def _glue(left: str, right: str, mark: str = "") -> str:
    latin = left[-1:].isascii() and right[:1].isascii() and left[-1:].isalnum() and right[:1].isalnum()
    return left + mark + (" " if latin else "") + right


def _cell_text(crop: Any, right_edge: float) -> str:
    """A cell's text with soft wraps undone and hard line breaks kept.

    A line that runs up to the cell's right edge was wrapped by the renderer;
    one that stops short ended with a line break typed by the user (see
    :func:`_wrapped`). The text's left inset stands for the cell's padding on
    the right too.
    """
    lines = crop.extract_text_lines()
    if not lines:
        return ""
    pad = min(ln["x0"] for ln in lines) - crop.bbox[0]
    out = str(lines[0]["text"])
    for prev, line in zip(lines, lines[1:], strict=False):
        limit = right_edge - max(pad, 0.0)
        if _wrapped(prev, line, limit):
            out = _glue(out, line["text"], WRAP)
        else:
            out += (DOUBT if _doubtful(prev, line, limit) else "\n") + line["text"]
    return out


# A line break read as typed, where a renderer might have broken the line too: kept as a
# line break, and the value is listed for review.
DOUBT = "\u2029"


def _doubtful(prev: dict[str, Any], line: dict[str, Any], limit: float) -> bool:
    """True when a line judged broken by the user starts with a Latin word or number and the
    previous line ends within a few characters of the edge: office suites break before a
    code such as MIT-TX-113-0457 where the parts would have fitted, so the break may be
    theirs."""
    chars = [c for c in line.get("chars", []) if not c["text"].isspace()]
    size = max((c.get("size", 10) for c in prev.get("chars", [])), default=10)
    return bool(chars and chars[0]["text"].isascii() and chars[0]["text"].isalnum()
                and limit - prev["x1"] < 4 * size)


# Kinsoku: what a renderer never puts at the start, or at the end, of a line.
_NO_LINE_START = "，。、；：？！）」』】〉》…%,.;:?!)]}"
_NO_LINE_END = "（「『【〈《([{"


def _wrapped(prev: dict[str, Any], line: dict[str, Any], limit: float) -> bool:
    """True when the renderer broke the line, False when the user did.

    A renderer moves down only what does not fit: when the next line's first
    unbreakable piece (one CJK character, or a Latin word) would have fit in
    the room left on the previous line, the break was typed (Enter). A short
    typed line that happens to end near the edge still reads as a wrap.
    """
    chars = line.get("chars", [])
    while chars and chars[0]["text"].isspace():
        chars = chars[1:]
    size = max((c.get("size", 10) for c in prev.get("chars", [])), default=10)
    if not chars:
        return bool(limit - prev["x1"] < 2.4 * size)
    if prev["text"].rstrip()[-1:] in _NO_LINE_END or chars[0]["text"] in _NO_LINE_START:
        return True
    end = 1
    if chars[0]["text"].isascii():
        while end < len(chars) and chars[end]["text"].isascii() and chars[end]["text"] != " ":
            if chars[end - 1]["text"] == "-" and chars[end]["text"].isalpha():
                break  # a line may break after a hyphen
            end += 1
    while end < len(chars) and chars[end]["text"] in _NO_LINE_START:
        end += 1
    piece = chars[end - 1]["x1"] - chars[0]["x0"]
    if chars[0]["text"].isascii() or prev["text"].rstrip()[-1:].isascii():
        piece += 0.35 * size  # the space a renderer drops where it breaks a line
    # In doubt, a wrap: a wrongly joined line is flagged for review, a wrongly
    # kept line break would not be.
    return bool(limit - prev["x1"] < piece + 0.15 * size)


# Set by read_text(fuzzy=True) for the OCR route; every helper that matches a
# cell reads it through _cell_regex, so it need not be passed down to each.
_FUZZY: ContextVar[bool] = ContextVar("formkit_fuzzy_anchors", default=False)


def _cell_regex(segs: list[Seg], fuzzy: bool | None = None) -> Any:
    """A cell's pattern: its anchors, with a group for each value and box."""
    if fuzzy if fuzzy is not None else _FUZZY.get():
        shape = tuple((s.kind, s.text if s.kind == "text" else "") for s in segs)
        return cell_pattern(shape, BOXES + "圖品")
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


def _same_header(unit: Unit, header: str, ahead: int, columns: int) -> bool:
    """Whether a printed row, ``ahead`` rows after the last one read, is a table's header.

    OCR'd (bold header text reads worst), half of a header may be misread if
    the row has the header's number of cells, but only in the next few rows:
    tables of one form often share a header, and a match further on, even an
    exact one, would be the next table's.
    """
    text = squash("".join(unit.cells))
    if not _FUZZY.get():
        return text == header
    return ahead <= 2 and unit.table and (
        text == header or len(unit.cells) == columns and same_text(text, header, 0.5)
    )


def _sureness(text: str, m: Any, group: int) -> float:
    """How sure the reading of a matched group is: 1.0 for a text layer.

    OCR'd cell texts carry a ``rate(start, end, errors)`` method (the least
    sure character of the span, and the anchors' misread characters).
    """
    rate = getattr(text, "rate", None)
    if rate is None:
        return 1.0
    start, end = m.span(group)
    return float(rate(start, end, sum(getattr(m, "fuzzy_counts", (0, 0, 0)))))


def _join_lines(text: str, multiline: bool) -> tuple[str, bool]:
    """A value from its cell text; True when a reader should review it.

    Review is asked for when lines had to be joined, and when a space stands
    between CJK and Latin text: office suites may add such spaces on export,
    so a value like 「型號 RS-255」 cannot be told from 「型號RS-255」.
    """
    wrapped = WRAP in text or DOUBT in text
    lines = [ln.strip() for ln in text.replace(WRAP, "").replace(DOUBT, "\n").split("\n")]
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
        iso = to_iso(squash(text)) or to_iso(_DATE_SKELETON.sub("", squash(text)))
        return (iso, True) if iso else (text, False)
    if fmt in ("money", "nt", "num") or node.get("x-kind") == "money":
        m = _MONEY.fullmatch(squash(text))
        return (int(m[1].replace(",", "")), True) if m else (text, False)
    if fmt == "lang" or node.get("x-kind") == "language":
        code = language_code(squash(text))
        if code is None and re.fullmatch(r"[a-z]{2,3}(-[A-Za-z0-9]{2,8})*", squash(text)):
            code = squash(text)  # typed as a code
        return (code, True) if code else (text, False)
    if choices(node):  # printed as its label (or typed as its code)
        code = choice_code(node, text)
        return (code, True) if code is not None else (text, False)
    if kind == "array" and isinstance(node.get("items"), dict) and choices(node["items"]):
        codes = [choice_code(node["items"], part) for part in text.split("、") if part.strip()]
        if all(code is not None for code in codes):
            return codes, True
        return text, False
    if kind == "array" and isinstance(node.get("items"), dict) and node["items"].get("type") == "string":
        return [part.strip() for part in text.split("、") if part.strip()], True
    if kind == "array" and isinstance(node.get("items"), dict):
        items = [_convert_item(node["items"], part) for part in text.split("、") if part.strip()]
        if all(ok for _, ok in items):
            return [v for v, _ in items], True
        return text, False
    if fmt == "yq" and kind == "object":
        m = _YEAR_QUARTER.fullmatch(squash(text))
        return ({"year": int(m[1]), "quarter": int(m[2])}, True) if m else (text, False)
    if kind in ("object", "array"):
        return text, False  # printed text cannot say how to build it
    if kind == "boolean":
        if squash(text) in ("是", "true"):
            return True, True
        if squash(text) in ("否", "false"):
            return False, True
        return text, False
    if kind in ("integer", "number"):
        return _convert_item(node, text)
    return text, True


# An amount as people type it: 12,345 / NT$12,345 / 新臺幣 12,345 元 (after squash).
_MONEY = re.compile(
    r"(?:新臺幣|新台幣|NT\$|NTD|\$)?(-?\d{1,3}(?:,\d{3})+|-?\d+)(?:元整?)?", re.ASCII
)
# An unfilled 年 月 日 blank left beside a date typed another way (113/5/20年月日).
_DATE_SKELETON = re.compile(r"^年月日|年月日$")
_NUMBER = re.compile(r"[-+]?\d+(?:\.\d+)?", re.ASCII)
# The yq format: 113年度/第2季.
_YEAR_QUARTER = re.compile(r"(\d{1,3})年度?/?第?([1-4])季", re.ASCII)


def _convert_item(node: dict[str, Any], text: str) -> tuple[Any, bool]:
    """A number (integer or not, as the schema says) from its printed text."""
    kind = node.get("type")
    t = unicodedata.normalize("NFKC", text).replace(",", "").strip()
    if kind not in ("integer", "number") or not _NUMBER.fullmatch(t):
        return text, False
    if kind == "integer":
        return (int(t), True) if "." not in t else (text, False)
    return (float(t) if "." in t else int(t)), True


# The blank DOCX's placeholder for a value; people type over it in full or in part.
PLACEHOLDER = "＿"


def _strip_placeholder(text: str) -> str:
    """A typed value without what is left of the placeholder around it, line by line."""
    lines = [ln.strip().strip(PLACEHOLDER).strip() for ln in text.split("\n")]
    return "\n".join(lines).strip("\n")


def _is_flag(form: Form, key: str) -> bool:
    """Whether a flag box is a boolean's: on paper a single box has no third state, so an
    unticked one reads as false, as the fields route reads it."""
    return schema_node(form.schema, key).get("type") == "boolean"


def _is_count(form: Form, key: str) -> bool:
    """Whether a flag box stands for a count a person writes (``{k?}主要缺點{k}項``): left
    unticked, it says none. A derived count (readOnly) is the office's to compute."""
    node = schema_node(form.schema, key)
    return node.get("type") in ("integer", "number") and not node.get("readOnly")


class _Reader:
    def __init__(self, form: Form):
        self.form = form
        self.result = TextResult(data={})
        self.ticks: dict[str, list[str]] = {}
        self.flags: dict[str, bool] = {}
        self.seen: set[str] = set()
        self.sure: dict[str, float] = {}  # ticks and flags read from OCR'd boxes
        self.zero: set[str] = set()  # counts whose box is unticked

    def take(self, segs: list[Seg], text: str) -> bool:
        m = _cell_regex(segs).match(text)
        if not m:
            return False
        groups = iter(enumerate(m.groups(), 1))
        for s in segs:
            if s.kind == "text":
                continue
            n, raw = next(groups)
            sure = _sureness(text, m, n)
            if s.kind == "box":
                self.sure[s.key] = min(self.sure.get(s.key, 1.0), sure)
                ticked = bool(raw) and raw in TICKED
                if s.code is not None:
                    self.ticks.setdefault(s.key, [])
                    if ticked:
                        self.ticks[s.key].append(s.code)
                elif _is_flag(self.form, s.key):
                    self.flags[s.key] = ticked
                elif not ticked and _is_count(self.form, s.key):
                    self.zero.add(s.key)  # an unticked count: none, and no number printed
                continue
            value_text, changed = _join_lines(raw or "", s.fmt == "mtext")
            value_text = _strip_placeholder(value_text)
            if s.key in self.seen:
                continue
            if not value_text or set(value_text) <= set("＿_ 年月日"):
                if s.key in self.zero:
                    set_(self.result.data, s.key, 0)
                    self.seen.add(s.key)
                    self.result.confidence[s.key] = sure
                else:
                    self.result.empty.append(s.key)
                continue
            value, ok = _convert(self.form, s.key, value_text, s.fmt)
            set_(self.result.data, s.key, value)
            self.seen.add(s.key)
            node = schema_node(self.form.schema, s.key)
            is_text = node.get("type") == "string" and not choices(node) and not node.get("format")
            certain = ok and not (changed and is_text)
            self.result.confidence[s.key] = min(1.0 if certain else 0.85 if ok else 0.4, sure)
        return True

    def finish(self) -> TextResult:
        for key, codes in self.ticks.items():
            node = schema_node(self.form.schema, key)
            if node.get("type") == "array":
                if not codes:  # nothing ticked: no answer, not an empty list
                    self.result.empty.append(key)
                    continue
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
            self.result.confidence.setdefault(key, self.sure.get(key, 1.0))
        anything = bool(self.result.data) or any(self.flags.values()) or any(self.ticks.values())
        for key, ticked in self.flags.items():
            if not anything:  # a blank nobody filled: its boxes say nothing yet
                self.result.empty.append(key)
                continue
            set_(self.result.data, key, ticked)
            self.result.confidence.setdefault(key, self.sure.get(key, 1.0))
        self.result.empty = sorted(set(self.result.empty) - set(self.result.confidence))
        return self.result


def _typed_code(node: dict[str, Any], code: str) -> Any:
    for v in choices(node):
        if str(v) == code:
            return v
    if node.get("type") == "boolean":
        return code.lower() == "true"
    return code


def _expected_units(form: Form) -> list[tuple[Block, list[Cell] | None]]:
    """The template's rows in order; a repeating table is one entry (row None)."""
    doc = build(form, {}, every_block=True, worksheet=True)
    out: list[tuple[Block, list[Cell] | None]] = []
    attached: list[tuple[Block, list[Cell] | None]] = []
    for block in doc.blocks + doc.worksheet:  # a worksheet is read when it was printed
        if block.kind == "table":
            out.append((block, None))
            if _spec(form, block.field).get("face_rows") is not None:
                attached.append((block, None))  # its rows may go on in an attached list
        elif block.kind in ("grid", "signatures"):
            out.extend((block, row) for row in block.rows)
        elif block.kind in ("text", "notes", "heading") and any(s.kind != "text" for s in block.text):
            out.append((block, [Cell(block.text)]))
    return out + attached


def _merged(cells: list[Cell]) -> Cell:
    """A row's cells as one: a table drawn without rules (a certificate's) reads as lines."""
    segs: list[Seg] = []
    for cell in cells:
        if segs:
            segs.append(Seg("text", " "))
        segs.extend(cell.segs)
    return Cell(segs)


def _row_matches(reader: _Reader, cells: list[Cell], unit: Unit, commit: bool) -> bool:
    if len(cells) > 1 and not unit.table and len(unit.cells) == 1:
        cells = [_merged(cells)]
    texts = _aligned(cells, unit)
    if texts is None:
        return False
    if not commit:
        return True
    return all(reader.take(c.segs, t) for c, t in zip(cells, texts, strict=False))


def _aligned(cells: list[Cell], unit: Unit) -> list[str] | None:
    """The unit's cell texts matched to the layout's cells; None when the row is another.

    A vertically merged cell that runs over a page break leaves an empty cell
    in its column on the next page: empty cells beyond the layout's count are
    dropped, whichever choice lets every cell match.
    """
    texts = unit.cells
    if len(cells) == len(texts) or (len(cells) == 1 and not unit.table):
        choices: Iterable[list[str]] = [texts]
    elif unit.table and len(texts) > len(cells):
        empty = [i for i, t in enumerate(texts) if not t.strip()]
        drops = islice(combinations(empty, len(texts) - len(cells)), 64)
        choices = ([t for i, t in enumerate(texts) if i not in drop] for drop in drops)
    else:
        choices = []
    for candidate in choices:
        if all(_cell_regex(c.segs).match(t) for c, t in zip(cells, candidate, strict=False)):
            return candidate
    return None


def read_text(form: Form, units: list[Unit], *, fuzzy: bool = False) -> TextResult:
    """Recover a record from printed units using the form's layout as the map.

    ``fuzzy`` (the OCR route) lets anchors match with a few misread characters.
    """
    token = _FUZZY.set(fuzzy)
    try:
        return _read_text(form, units)
    finally:
        _FUZZY.reset(token)


def _read_text(form: Form, units: list[Unit]) -> TextResult:
    reader = _Reader(form)
    expected = _expected_units(form)
    progress: dict[str, tuple[int, int]] = {}  # table field -> rows printed, rows read
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
            if units[j].table and _same_header(units[j], header, j - pos, len(block.rows[0])):
                start = j + 1
                break
        if start is None:
            continue
        proto = _prototype(form, block.field)
        nxt = expected[idx + 1][1] if idx + 1 < len(expected) else None
        fixed = _is_fixed(form, block.field)
        i, k = progress.get(block.field, (0, 0))  # an attached list goes on where the face stopped
        j = start
        while j < len(units) and units[j].table:
            if nxt is not None and _row_matches(reader, nxt, units[j], commit=False):
                break
            if _same_header(units[j], header, 0, len(block.rows[0])):
                j += 1  # the header row again, at the top of the next page
                continue
            if i + 1 >= len(proto.rows):
                break
            cells = proto.rows[i + 1]
            if not _row_matches(reader, cells, units[j], commit=False):
                break
            if fixed:  # each row is a fixed question: it keeps its place
                _row_matches(reader, cells, units[j], commit=True)
            elif _has_entries(cells, units[j]):  # an empty row of a blank form is no row
                _row_matches(reader, _renumbered(cells, block.field, i, k), units[j], commit=True)
                k += 1
            i, j = i + 1, j + 1
        if fixed:
            _fill_holes(reader.result.data, block.field)
        progress[block.field] = (i, k)
        pos = j
    return reader.finish()


def _spec(form: Form, key: str) -> dict[str, Any]:
    """The layout's ``table`` entry for an array field ({} when there is none)."""
    for spec in form.layout + (form.meta.get("worksheet") or []):
        body = spec.get("table") if isinstance(spec, dict) else None
        if isinstance(body, dict) and body.get("field") == key:
            return body
    return {}


def _is_fixed(form: Form, key: str) -> bool:
    """Whether a table's rows are fixed questions (``fixed: true``), not a list that grows."""
    return bool(_spec(form, key).get("fixed"))


def _has_entries(cells: list[Cell], unit: Unit) -> bool:
    """Whether a printed table row holds anything written or ticked."""
    for cell, text in zip(cells, _aligned(cells, unit) or [], strict=False):
        m = _cell_regex(cell.segs).match(text)
        if not m:
            continue
        fields = [s for s in cell.segs if s.kind != "text"]
        for s, raw in zip(fields, m.groups(), strict=True):
            if s.kind == "box" and raw and raw in TICKED:
                return True
            if s.kind == "value":
                value = _strip_placeholder(_join_lines(raw or "", True)[0])
                if value and not set(value) <= set("＿_ 年月日"):
                    return True
    return False


def _renumbered(cells: list[Cell], key: str, printed: int, index: int) -> list[Cell]:
    """A printed row's cells with their keys moved to record row ``index``.

    Rows a person skipped are not rows of the record, so the rows after them
    move up.
    """
    if printed == index:
        return cells
    old, new = f"{key}.{printed}.", f"{key}.{index}."

    def move(s: Seg) -> Seg:
        return replace(s, key=new + s.key[len(old):]) if s.key.startswith(old) else s

    return [replace(c, segs=[move(s) for s in c.segs]) for c in cells]


def _fill_holes(data: dict[str, Any], key: str) -> None:
    """A fixed table's rows left empty before a filled one become empty objects."""
    rows = get(data, key)
    if isinstance(rows, list):
        rows[:] = [{} if r is None else r for r in rows]


MAX_TABLE_ROWS = 500


def _prototype(form: Form, key: str) -> Block:
    """The table block as drawn with MAX_TABLE_ROWS empty rows (row numbers included)."""
    from ..render.model import document_style, table_block

    skeleton: dict[str, Any] = {}
    set_(skeleton, key, [{} for _ in range(MAX_TABLE_ROWS)])
    return table_block(_spec(form, key), form, skeleton, document_style(form))
