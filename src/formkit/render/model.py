"""The document model: a form's layout resolved against a record.

The layout in form.yaml is a tree of blocks whose cells hold inline templates
(``發現主要缺點數：{summary.found.major}個``). :func:`build` resolves it into
blocks of cells made of *segments*: static text, formatted values and tick
boxes. The HTML, DOCX and blank renderers draw these segments; the text parser
reads them back using the static segments as anchors.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field, replace
from decimal import Decimal
from functools import cached_property
from typing import Any

from ..dates import roc_long, roc_short
from ..forms import Form
from ..money import grouped, in_words, nt_long
from ..parts import ZH_NUMBERS
from ..pointers import get
from ..schema import choice_label, choice_node, choices, schema_node

TICK, EMPTY_BOX = "■", "□"
NONE = "（無）"  # the one row of a list with no entries

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
    muted: bool = False  # a value not printed: the count of an unticked option


@dataclass
class Cell:
    segs: list[Seg]
    colspan: int = 1
    rowspan: int = 1
    label: bool = False
    align: str = ""
    lines: int = 1
    header: bool = False
    indent: int = 0  # sub-options: levels of indentation under their parent
    stack: bool = False  # tick options one per line (the cell is too narrow for a row)
    room: float = 0.0  # the cell's inner width in em, once fitted (0: not known)

    @property
    def keys(self) -> list[str]:
        return [s.key for s in self.segs if s.kind in ("value", "box")]


@dataclass
class Seal:
    """An empty square for a seal (印章), ``size`` mm wide, with its caption under it."""

    caption: str
    size: int = 35


@dataclass
class Block:
    kind: str  # heading, text, grid, table, signatures, notes, pagebreak
    rows: list[list[Cell]] = field(default_factory=list)
    widths: list[float] = field(default_factory=list)
    text: list[Seg] = field(default_factory=list)
    seals: list[Seal] = field(default_factory=list)  # signatures: seal boxes side by side
    field: str = ""  # (shadows dataclasses.field below this line)
    header_rows: int = 0  # leading rows repeated at the top of every page the block runs onto
    style: str = ""  # grid: "plain" (no rules); text: "center", "lead"
    keep: bool = False  # never split across pages (a block that reads as one)


@dataclass
class Document:
    form: Form
    blocks: list[Block]
    blank: bool
    title: str = ""  # the title printed, which may follow the record's mode
    footer: str = ""  # left of every page's footer: the annex label and title
    frame: bool = False  # a framed page on every page (certificates)
    worksheet: list[Block] = field(default_factory=list)  # printed only on request

    @cached_property
    def shown(self) -> frozenset[str]:
        """The keys of every value and box the document prints, its worksheet's included."""
        return frozenset(s.key for s in iter_segments(self) if s.kind != "text")


def _label_for(form: Form, key: str, code: Any) -> str:
    if (text := _unprintable(code)) is not None:
        return text
    if isinstance(code, dict | list):  # no option's code: printed as given
        return _as_given(code)
    return choice_label(choice_node(form.schema, key), code)


def _number(value: float | int) -> str:
    if (text := _unprintable(value)) is not None:
        return text
    if isinstance(value, float) and value.is_integer():
        return f"{value:.1f}"
    return str(value)


#: Numbers this large are printed in scientific form: the schema refuses them (formkit.schema
#: caps every number at 999,999,999,999), but a draft, or a record of the Python API, may
#: still hold one; str() of an int of more than 4,300 digits raises, int() of inf too.
_PRINTABLE = 10**16


def _unprintable(value: Any) -> str | None:
    """The text of a number too large (or not finite) to print as written; None for others."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    if -_PRINTABLE < value < _PRINTABLE:
        return None
    return f"{Decimal(value):.6E}"


def _as_given(value: Any) -> str:
    """A value the format it was meant for cannot print: as it is (a list item by item)."""
    if isinstance(value, list):
        return "、".join(_plain(v) for v in value if not isinstance(v, dict | list))
    return "" if isinstance(value, dict) else _plain(value)


def _plain(value: Any) -> str:
    """``str(value)``, numbers too large to print as written in scientific form."""
    text = _unprintable(value)
    return str(value) if text is None else text


@dataclass(frozen=True)
class Style:
    """How one document prints its values: one date style, one money style.

    ``dates`` is the form's (``short`` 113年5月20日, the default, or ``long``
    中華民國113年5月20日): every date of a document prints in it, whatever
    filter its template names. Amounts print ``12,345`` in a table cell (the
    label or header says 新臺幣元) and ``新臺幣 12,345 元`` in prose.
    """

    dates: str = "short"
    in_cell: bool = False


PROSE = Style()


def document_style(form: Form) -> Style:
    return Style(dates=str((form.meta.get("style") or {}).get("dates", "short")))


def _language(code: str) -> str:
    """A language code as its Chinese name (zh-TW → 中文, en → 英文), by Babel's zh_Hant_TW."""
    from babel import Locale, UnknownLocaleError

    try:
        return str(Locale.parse("zh_Hant_TW").languages.get(code.split("-")[0].lower(), code))
    except (UnknownLocaleError, ValueError):
        return code


def language_code(name: str) -> str | None:
    """The code of a language printed by its Chinese name (中文 → zh-TW, 英文 → en)."""
    from babel import Locale

    if name.strip() in ("中文", "華文", "國語"):
        return "zh-TW"  # the forms' own language, as their schemas default it
    names = Locale.parse("zh_Hant_TW").languages
    return next((code for code, shown in names.items() if shown == name.strip()), None)


def format_value(
    form: Form, key: str, value: Any, fmt: str = "", style: Style = PROSE
) -> tuple[str, str]:
    """(text, format name) for a value; the format is chosen by the schema unless given."""
    node = schema_node(form.schema, key)
    if not fmt:
        if node.get("format") == "date":
            fmt = "date"
        elif node.get("x-kind") == "money":
            fmt = "money"
        elif node.get("x-kind") == "language":
            fmt = "lang"
        elif choices(node) or choices(node.get("items")):
            fmt = "label"  # a choice, or a list of choices
        elif node.get("type") == "boolean":
            fmt = "bool"
        elif node.get("x-kind") == "mtext" or (node.get("maxLength") or 0) > 300:
            fmt = "mtext"
        else:
            fmt = "text"
    if value is None or value == "":
        return "", fmt
    if (text := _unprintable(value)) is not None:
        return text, fmt  # the schema reports it
    try:
        if fmt in ("date", "date_long", "date_blank"):
            return (roc_long(value) if style.dates == "long" else roc_short(value)), fmt
        if fmt in ("money", "nt"):
            return (grouped(int(value)) if style.in_cell else nt_long(int(value))), fmt
        if fmt == "lang":
            return _language(str(value)), fmt
        if fmt == "num":
            return grouped(value), fmt
        if fmt == "words":
            return in_words(int(value)), fmt
        if fmt == "yq" and isinstance(value, dict):
            return f"{value.get('year', '')}年度/第{value.get('quarter', '')}季", fmt
    except (ValueError, TypeError, OverflowError):
        return _as_given(value), fmt  # printed as given; validation reports the problem
    if fmt == "label":
        if isinstance(value, list):
            return "、".join(_label_for(form, key, v) for v in value), fmt
        return _label_for(form, key, value), fmt
    if fmt == "bool" or isinstance(value, bool):
        return ("是" if value else "否"), "bool"
    if isinstance(value, float | int):
        return _number(value), fmt
    if isinstance(value, list):
        return "、".join(_plain(v) for v in value if not isinstance(v, dict | list)), fmt
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
    style: Style = PROSE,
) -> list[Seg]:
    """Resolve an inline template into segments (record None → a blank form).

    A count that belongs to an unticked box (``{k?}主要缺點{k}項``) is not
    printed: on paper an unticked option has no count.
    """
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
            text, used = format_value(form, key, value, fmt, style)
            segs.append(Seg("value", text, key, fmt=used))
    if pos < len(template):
        segs.append(Seg("text", template[pos:]))
    unticked = [s for s in segs if s.kind == "box" and s.code is None and not s.ticked]
    for empty in unticked if record is not None else []:  # a blank prints the fill-in line
        for s in segs:
            if s.kind == "value" and s.key == empty.key:
                s.text, s.muted = "", True
    return segs


def options(segs: list[Seg]) -> list[list[Seg]]:
    """The segments grouped as printed options: each group after the first opens with a box.

    The first group holds what comes before the first box (often nothing).
    """
    groups: list[list[Seg]] = [[]]
    for s in segs:
        if s.kind == "box":
            groups.append([])
        groups[-1].append(s)
    return groups


# -- sizes, in em of the body font ----------------------------------------------------------

PAGE_MM = 180.0  # A4 less 15 mm margins
FRAMED_MM = PAGE_MM - 2 * (6 + 1.1)  # inside a certificate's frame and its padding
EM_MM = 10.5 * 25.4 / 72  # the body font's em
PAD_EM = 2 * 1.6 / EM_MM + 0.2  # a cell's padding and rules
SHORT_LABEL_EM = 8.0  # a label up to this wide never wraps
LONG_OPTION_EM = 12.0  # a tick option longer than this may wrap inside its label
SMALL_GRID_ROWS = 4  # a grid this short is never split across pages
UNBREAKABLE = re.compile(r"[^\s\u2e80-\u9fff\uf900-\ufaff\u3000-\u303f\uff00-\uffef]+")


CLOSING = "：:。，、；）)」』．."  # punctuation that stays with the characters before it


def tail_length(text: str) -> int:
    """How many final characters (trailing spaces aside) to keep on one line so that no line
    holds a lone character: the last two, and the closing punctuation after them; 0 when the
    text is too short to have a lone last character."""
    n = len(text.rstrip())
    k = 0
    while k < n and text[n - 1 - k] in CLOSING:
        k += 1
    return min(n, k + 2) if n - k >= 2 else 0


def em(text: str) -> float:
    """The printed width of ``text`` in em: wide characters 1, others about half."""
    import unicodedata

    return sum(1.0 if unicodedata.east_asian_width(ch) in "WFA" else 0.55 for ch in text)


def seg_text(s: Seg, blank: bool) -> str:
    """A segment as printed, for measuring: an empty value is a fill-in line."""
    if s.kind != "value" or s.text:
        return s.text
    return "　" * (8 if s.fmt.startswith("date") else 5)


def lone_value(cell: Cell) -> bool:
    """A cell that holds one value and nothing else: the cell itself is where it is written."""
    return len(cell.segs) == 1 and cell.segs[0].kind == "value"


def min_em(cell: Cell, blank: bool) -> float:
    """The widest part of a cell that must not wrap: a short label, a Latin word or
    code, a fill-in line, a date or amount, or a short tick option."""
    if lone_value(cell) and not cell.segs[0].text:
        return 0.0  # an empty cell to write in, with no fill-in line
    text = "".join(s.text for s in cell.segs if s.kind == "text")
    widest = min(em(text[-2:]), 2.0)  # the last two characters are kept together
    if cell.label and not cell.header and em(text) <= SHORT_LABEL_EM:
        widest = em(text)  # a table header may wrap; a row label may not
    for group in options(cell.segs):
        printed = "".join(seg_text(s, blank) for s in group)
        if group and group[0].kind == "box" and em(printed) <= LONG_OPTION_EM:
            widest = max(widest, em(printed))
        for s in group:
            if s.kind == "value" and (not s.text or s.fmt.startswith("date") or s.fmt in
                                      ("money", "nt", "num")):
                widest = max(widest, em(seg_text(s, blank)))
        for word in UNBREAKABLE.findall(printed):
            widest = max(widest, em(word))
    return widest + 2.2 * max(cell.indent, 0)


def fit_widths(block: Block, blank: bool, page_mm: float = PAGE_MM) -> None:
    """Widen columns whose cells would wrap a short label, a word or a fill-in line, taking
    the room from columns that have it; then stack the tick options of cells too narrow
    to hold them on one line."""
    ncols = max((sum(c.colspan for c in row) for row in block.rows), default=0)
    if not ncols:
        return
    widths = list(block.widths or [1.0] * ncols)
    widths = (widths + [widths[-1]] * ncols)[:ncols]
    total = sum(widths) or 1.0
    page_em = page_mm / EM_MM
    have = [page_em * w / total for w in widths]
    need = [PAD_EM] * ncols
    for cells in _placed(block):
        for col, cell in cells:
            if cell.colspan == 1:
                need[col] = max(need[col], min_em(cell, blank) + PAD_EM)
    short = sum(max(n - h, 0.0) for n, h in zip(need, have, strict=True))
    spare = sum(max(h - n, 0.0) for n, h in zip(need, have, strict=True))
    if short > 0 and spare > 0 and sum(need) <= page_em:  # else: the layout's proportions
        take = min(1.0, short / spare)
        have = [n if n > h else h - (h - n) * take for n, h in zip(need, have, strict=True)]
    block.widths = [round(h / page_em * 100, 2) for h in have]
    _stack(block, have, blank)


def _stack(block: Block, have: list[float], blank: bool) -> None:
    """Print one tick option per line in the cells too narrow for two options side by side;
    in wider cells the options flow and wrap between options."""
    for cells in _placed(block):
        for col, cell in cells:
            room = sum(have[col : col + cell.colspan]) - PAD_EM - 2.2 * cell.indent
            cell.room = room
            groups = [g for g in options(cell.segs) if g and g[0].kind == "box"]
            if len(groups) > 1:
                widths = sorted(em("".join(seg_text(s, blank) for s in g)) + 0.8 for g in groups)
                cell.stack = widths[-1] + widths[-2] > room


def _placed(block: Block) -> list[list[tuple[int, Cell]]]:
    """Each row's cells with the grid column each starts in (rowspans taken into account)."""
    taken: set[tuple[int, int]] = set()
    out = []
    for r, row in enumerate(block.rows):
        placed = []
        c = 0
        for cell in row:
            while (r, c) in taken:
                c += 1
            placed.append((c, cell))
            for rr in range(r, r + cell.rowspan):
                for cc in range(c, c + cell.colspan):
                    taken.add((rr, cc))
            c += cell.colspan
        out.append(placed)
    return out


# -- the document --------------------------------------------------------------------------


def _cell(spec: Any, form: Form, record: dict[str, Any] | None, style: Style = PROSE,
          **row: Any) -> Cell:
    if not isinstance(spec, dict):
        spec = {"t": str(spec)}
    segs = parse_template(str(spec.get("t", spec.get("label", ""))), form, record,
                          style=replace(style, in_cell=True), **row)
    has_field = any(s.kind != "text" for s in segs)
    align = str(spec.get("align", ""))
    values = [s for s in segs if s.kind == "value"]
    if not align and len(values) == 1 and values[0].fmt in ("money", "nt", "num") and all(
        s.kind == "value" or not s.text.strip() for s in segs
    ):
        align = "right"  # an amount alone in its cell
    return Cell(
        segs=segs,
        colspan=int(spec.get("colspan", 1)),
        rowspan=int(spec.get("rowspan", 1)),
        label=bool(spec.get("label", not has_field)),
        align=align,
        lines=int(spec.get("lines", 1)),
        indent=int(spec.get("indent", 0)),
    )


def table_block(spec: dict[str, Any], form: Form, record: dict[str, Any] | None,
                style: Style = PROSE, first: int = 0, last: int | None = None) -> Block:
    """A repeating table; ``first`` and ``last`` print a slice of its rows (an attached list)."""
    key = spec["field"]
    columns = spec.get("columns", [])
    data = get(record, key) if record is not None else None
    count = len(data) if isinstance(data, list) else 0
    printed = int(spec.get("rows", 0))
    if spec.get("fixed") or record is None:
        n = printed
    else:
        n = count
    n = n if last is None else min(n, last)
    labels = spec.get("row_labels", [])
    header = [
        Cell([Seg("text", str(c.get("header", "")))], label=True, header=True,
             align=str(c.get("align", ""))) for c in columns
    ]
    rows = [header]
    for i in range(first, n):
        label = str(labels[i]) if i < len(labels) else ""
        rows.append(
            [
                _cell(
                    {k: v for k, v in c.items() if k != "header"},
                    form,
                    record,
                    style,
                    row_key=key,
                    row_index=i,
                    row_label=label,
                )
                for c in columns
            ]
        )
    if n == 0 and record is not None and columns:  # an empty list says so, under its header
        rows.append([Cell([Seg("text", NONE)], colspan=len(columns), align="center")])
    note = attached_note(spec, record) if first == 0 else ""
    if note and columns:
        rows.append([Cell([Seg("text", note)], colspan=len(columns), align="center")])
    widths = [float(c.get("width", 1)) for c in columns]
    return Block("table", rows=rows, widths=widths, field=key, header_rows=1)


def _text_block(kind: str, body: Any, form: Form, record: dict[str, Any] | None,
                style: Style) -> Block:
    spec = body if isinstance(body, dict) else {"t": body}
    return Block(kind, text=parse_template(str(spec.get("t", "")), form, record, style=style),
                 style=str(spec.get("style", "")), keep=bool(spec.get("keep", False)))


def _blocks(specs: list[Any], form: Form, record: dict[str, Any] | None, style: Style,
            every: bool) -> list[Block]:
    blocks: list[Block] = []
    for spec in specs:
        if not isinstance(spec, dict) or len(spec) == 0:
            continue
        kind = next(iter(spec))
        body = spec[kind]
        when = body.get("when") if isinstance(body, dict) else None
        if when and record is not None and not every and get(record, when) in (None, "", [], {}):
            continue  # printed only when the record has it (a blank prints it to be filled)
        if kind in ("heading", "text", "notes"):
            blocks.append(_text_block(kind, body, form, record, style))
        elif kind in ("grid", "signatures"):
            rows = [[_cell(c, form, record, style) for c in row] for row in body.get("rows", [])]
            widths = [float(w) for w in body.get("widths", [])]
            seals = [Seal(str(x.get("caption", "")), int(x.get("size", 35)))
                     for x in body.get("seals", [])]
            blocks.append(Block(kind, rows=rows, widths=widths, seals=seals,
                                header_rows=int(body.get("header_rows", 0)),
                                style=str(body.get("style", "")),
                                keep=bool(body.get("keep", len(rows) <= SMALL_GRID_ROWS))))
        elif kind == "table":
            blocks.append(table_block(body, form, record, style, last=_face_rows(body, record)))
        elif kind == "pagebreak":
            blocks.append(Block("pagebreak"))
        elif kind == "title":
            blocks.append(_text_block("heading", body, form, record, style))
    blocks += _attached(specs, form, record, style)
    page_mm = FRAMED_MM if form.meta.get("frame") else PAGE_MM
    for block in blocks:
        if block.rows:
            fit_widths(block, record is None, page_mm)
    return blocks


def _face_rows(spec: dict[str, Any], record: dict[str, Any] | None) -> int | None:
    """How many rows a table prints where it stands; None for all of them.

    A table with ``face_rows: N`` (a certificate's product list) prints its
    first N rows when it holds more, and the rest on an attached list (附表).
    """
    limit = spec.get("face_rows")
    rows = get(record, spec["field"]) if record is not None else None
    if limit is None or not isinstance(rows, list) or len(rows) <= int(limit):
        return None
    return int(limit)


def _attached(specs: list[Any], form: Form, record: dict[str, Any] | None,
              style: Style) -> list[Block]:
    """The attached lists (附表) of the tables whose rows do not all fit on the face."""
    out: list[Block] = []
    for spec in specs:
        body = spec.get("table") if isinstance(spec, dict) else None
        if not isinstance(body, dict):
            continue
        face = _face_rows(body, record)
        if face is None:
            continue
        title = str(body.get("attached_title", "附表"))
        out += [Block("pagebreak"), _text_block("heading", title, form, record, style),
                table_block(body, form, record, style, first=face)]
    return out


def attached_note(spec: dict[str, Any], record: dict[str, Any] | None) -> str:
    """The line that closes a face table whose other rows are on its attached list."""
    face = _face_rows(spec, record)
    rows = get(record, spec["field"]) if record is not None else None
    if face is None or not isinstance(rows, list):
        return ""
    return f"其餘{len(rows) - face}項詳如附表"


# The blank a title leaves for a word (「＿＿產業…計畫」), filled from ``title_field``.
_TITLE_BLANK = re.compile(r"[＿_]+")


def printed_title(form: Form, record: dict[str, Any] | None) -> str:
    """The title as printed: a form whose title follows its mode (``titles:`` in form.yaml,
    ``{key: mode, <code>: title}``) prints the mode's title once the mode is known; a title
    with a blank (「＿＿產業」) prints the record's ``title_field`` in it (a blank form keeps
    the line to write on)."""
    title = form.title
    modes = form.meta.get("titles") or {}
    if record is not None and modes.get("key"):
        chosen = modes.get(str(get(record, str(modes["key"]))))
        if chosen:
            title = str(chosen)
    field = form.meta.get("title_field")
    word = get(record, str(field)) if record is not None and field else None
    if isinstance(word, str) and word.strip():
        title = _TITLE_BLANK.sub(lambda _: word.strip(), title, count=1)
    return title


def titles(form: Form) -> list[str]:
    """Every title the form may print under; for a title with a blank, also its words
    after the blank, which every filled copy prints."""
    extra = [str(v) for k, v in (form.meta.get("titles") or {}).items() if k != "key"]
    if form.meta.get("title_field"):
        extra.insert(0, _TITLE_BLANK.split(form.title, maxsplit=1)[-1].strip())
    return [form.title, *extra]


def build(form: Form, record: dict[str, Any] | None, *, worksheet: bool = False,
          every_block: bool = False) -> Document:
    """The document model for a record, or for a blank form when record is None.

    ``worksheet`` adds the form's worksheet (extension fields that never print on
    the official pages) after a page break. ``every_block`` keeps the blocks a
    record leaves out (``when:``), as the parsers need to know every anchor.
    """
    style = document_style(form)
    blocks = _blocks(form.layout, form, record, style, every_block)
    sheet: list[Block] = []
    if worksheet and form.meta.get("worksheet"):
        sheet = _blocks(form.meta["worksheet"], form, record, style, True)
    title = printed_title(form, record)
    return Document(form=form, blocks=blocks, blank=record is None,
                    title=title, footer=f"{form.annex} {title}".strip(),
                    frame=bool(form.meta.get("frame")), worksheet=sheet)


def iter_segments(doc: Document):  # type: ignore[no-untyped-def]
    """Every segment of the document in reading order, its worksheet's last."""
    for block in doc.blocks + doc.worksheet:
        yield from block.text
        for row in block.rows:
            for cell in row:
                yield from cell.segs


def printed(doc: Document, key: str) -> bool:
    """Whether the document prints the record's leaf ``key`` (itself or the value holding it)."""
    parts = key.split(".")
    return any(".".join(parts[:n]) in doc.shown for n in range(len(parts), 0, -1))


def place_cells(rows: list[list[Cell]], nrows: int, ncols: int, *, form_id: str, kind: str,
                fmt: str) -> tuple[dict[tuple[int, int], tuple[Cell, int, int]],
                                   set[tuple[int, int]]]:
    """Each cell of a grid placed as the DOCX and ODT draw it: row by row, each at the first
    free column, spans cut at the table's edges.

    Returns (row, column) of each cell's first position → (cell, width, height), and every
    position a cell covers. Raises RenderError (naming ``fmt``) when a cell would overlap
    one spanning into it.
    """
    from ..errors import RenderError
    from ..i18n import N_

    occupied: set[tuple[int, int]] = set()
    starts: dict[tuple[int, int], tuple[Cell, int, int]] = {}
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
                    N_("{form}: a {kind} of the layout cannot be drawn in {format}: its cell at "
                       "row {row}, column {column} overlaps a cell spanning into it"),
                    form=form_id, kind=kind, format=fmt, row=r + 1, column=c + 1)
            occupied |= area
            starts[r, c] = (cell, end_c - c + 1, end_r - r + 1)
            c = end_c + 1
    return starts, occupied
