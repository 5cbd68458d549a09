"""The document model's segments as HTML: tick options, fill-in lines, kept-together words.

The generic template (``form.html.j2``) draws every cell and paragraph through
:func:`segs_html`, so that every form gets the same typography:

- a tick box and its label are one unit (``span.opt``) that never breaks, the
  box before its label and a gap before the next option; in a cell too narrow
  for its options (``Cell.stack``) each option has its own line; an option too
  long for one line may wrap inside its label, but never between the box and
  the label's first characters;
- a fill-in line never wraps;
- the last two characters of a cell or paragraph stay together, so no line
  ever holds a lone character.
"""

from __future__ import annotations

from markupsafe import Markup, escape

from .model import (
    EM_MM,
    LONG_OPTION_EM,
    PAGE_MM,
    UNBREAKABLE,
    Cell,
    Seg,
    em,
    lone_value,
    options,
    seg_text,
    tail_length,
)

DATE_BLANK = "　　 年 　 月 　 日"
PAGE_EM = PAGE_MM / EM_MM
_BREAKS_INSIDE = frozenset("-/.,:;_+&")  # where a code may break: only such codes are kept whole
_FILL = "\u3000" * 5


def _glued(text: str, head: int = 0, tail: int = 0) -> Markup:
    """``text`` with its first ``head`` and last ``tail`` characters kept on one line."""
    if len(text) <= head + tail + 1:
        return Markup('<span class="nw">{}</span>').format(text) if head or tail else escape(text)
    out = Markup("")
    if head:
        out += Markup('<span class="nw">{}</span>').format(text[:head])
    out += escape(text[head : len(text) - tail if tail else None])
    if tail:
        out += Markup('<span class="nw">{}</span>').format(text[-tail:])
    return out


def _words(text: str) -> Markup:
    """``text`` with each code or Latin word (``MIT-TX-113-0457-01``, ``SD420W``) kept whole:
    the column is made wide enough for it (:func:`formkit.render.model.fit_widths`)."""
    out, pos = Markup(""), 0
    for m in UNBREAKABLE.finditer(text):
        if len(m.group()) < 4 or not _BREAKS_INSIDE & set(m.group()[1:-1]):
            continue
        out += escape(text[pos : m.start()])
        out += Markup('<span class="nw">{}</span>').format(m.group())
        pos = m.end()
    return out + escape(text[pos:])


def _value(s: Seg, blank: bool, fillable: bool, lone: bool, glue: bool = True) -> Markup:
    if s.text:
        cls = "v m" if s.fmt == "mtext" else "v"
        k = tail_length(s.text) if glue and len(s.text) > 4 else 0
        if k and not UNBREAKABLE.search(s.text[-k:]) and "\n" not in s.text[-k:]:
            shown = _words(s.text[:-k]) + Markup('<span class="nw">{}</span>').format(s.text[-k:])
        else:
            shown = _words(s.text)
        return Markup('<span class="{}">{}</span>').format(cls, shown)
    if s.muted:  # an unticked option's count: a gap, with nothing to fill in
        return Markup('<span class="blank muted">\u3000\u3000</span>')
    attrs = Markup(' data-f="{}" data-k="{}"').format(s.key, s.fmt) if blank else Markup("")
    if s.fmt.startswith("date") and not fillable:
        return Markup('<span class="blank date">{}</span>').format(DATE_BLANK)
    if lone:  # the cell is the place to write: no line drawn in it
        return Markup('<span class="blank lone"{}>\u3000</span>').format(attrs)
    return Markup('<span class="blank"{}>{}</span>').format(attrs, _FILL)


def _box(s: Seg, blank: bool) -> Markup:
    attrs = Markup("")
    if blank:
        attrs = Markup(' data-f="{}" data-c="{}"').format(s.key, "" if s.code is None else s.code)
    return Markup('<span class="box{}"{}>{}</span>').format(" on" if s.ticked else "", attrs,
                                                           s.text)


def _run(segs: list[Seg], blank: bool, fillable: bool, lone: bool, glue_end: bool) -> Markup:
    out = Markup("")
    for i, s in enumerate(segs):
        if s.kind == "value":
            out += _value(s, blank, fillable, lone, glue_end)
        elif s.kind == "box":
            out += _box(s, blank)
        elif glue_end and i == len(segs) - 1:
            out += _glued(s.text, tail=tail_length(s.text))
        else:
            out += escape(s.text)
    return out


def _option(group: list[Seg], blank: bool, fillable: bool) -> Markup:
    """One tick option: its box, its label and what it holds, kept on one line when short."""
    printed = "".join(seg_text(s, blank) for s in group)
    if em(printed) <= LONG_OPTION_EM:
        return Markup('<span class="opt">{}</span>').format(
            _run(group, blank, fillable, False, False))
    # A long option wraps inside its label, never between the box and the label.
    box, rest = group[0], group[1:]
    lead = Markup("")
    if rest and rest[0].kind == "text":
        first, rest = rest[0], rest[1:]
        head = min(2, len(first.text))
        lead = escape(first.text[:head])
        rest = [Seg("text", first.text[head:])] + rest if first.text[head:] else rest
    return Markup('<span class="opt long"><span class="nw">{}{}</span>{}</span>').format(
        _box(box, blank), lead, _run(rest, blank, fillable, False, True))


def _may_wrap(segs: list[Seg], blank: bool, cell: Cell | None) -> bool:
    """Whether the text can run onto a second line: only then is its end glued (every
    glued span costs WeasyPrint layout time). A paragraph is as wide as the page."""
    room = cell.room if cell is not None and cell.room else PAGE_EM
    return em("".join(seg_text(s, blank) for s in segs)) > room - 0.5


def segs_html(segs: list[Seg], blank: bool, fillable: bool = False, stack: bool = False,
              cell: Cell | None = None) -> Markup:
    """The HTML of a cell's or a paragraph's segments."""
    groups = options(segs)
    lone = cell is not None and lone_value(cell)
    if len(groups) == 1:
        return _run(groups[0], blank, fillable, lone, _may_wrap(segs, blank, cell))
    out = _run(groups[0], blank, fillable, False, False)
    parts = [_option(g, blank, fillable) for g in groups[1:]]
    joiner = Markup("<br>") if stack else Markup(" ")
    if stack and groups[0] and any(s.text.strip() for s in groups[0]):
        out += Markup("<br>")
    return out + joiner.join(parts)
