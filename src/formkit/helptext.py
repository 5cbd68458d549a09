"""``--help`` in the language of the run: click's layout, with text that wraps by display
width, so that a line of Chinese (two columns a character) keeps to the terminal's width and
breaks between characters, not only at spaces.

The commands of :mod:`formkit.cli` translate their help, option help and epilog through the
message catalogue when they format it; this module only lays the text out.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

import click

#: punctuation that may not begin a line, and marks that may not end one: each stays with
#: the word beside it
_NO_START = set("，。、；：！？）」』》〉］…")
_NO_END = set("（「『《〈［")
_TOKEN = re.compile(r"\s+|[^\s]")


def width(text: str) -> int:
    """Columns the text takes on a terminal (East Asian wide and full-width characters: 2)."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _wide(char: str) -> bool:
    return unicodedata.east_asian_width(char) in "WF"


def _tokens(text: str) -> list[tuple[str, bool]]:
    """Words to lay out, each with whether a space came before it: a run of narrow
    characters is one word; each wide character is a word of its own."""
    out: list[tuple[str, bool]] = []
    word, word_space, space = "", False, False
    for piece in _TOKEN.findall(text):
        if piece.isspace() or _wide(piece):
            if word:
                out.append((word, word_space))
                word, space = "", False
            if piece.isspace():
                space = True
            else:
                out.append((piece, space))
                space = False
            continue
        if not word:
            word_space, space = space, False
        word += piece
    if word:
        out.append((word, word_space))
    return _glued(out)


def _glued(words: list[tuple[str, bool]]) -> list[tuple[str, bool]]:
    """Opening marks joined to the word after them, closing marks to the word before."""
    out: list[tuple[str, bool]] = []
    for word, space in words:
        if out and not space and (word[0] in _NO_START or out[-1][0][-1] in _NO_END):
            out[-1] = (out[-1][0] + word, out[-1][1])
        else:
            out.append((word, space))
    return out


def wrap(text: str, columns: int, initial: str = "", subsequent: str = "") -> list[str]:
    """Lines of at most ``columns`` display columns (a word longer than a line, and a
    closing mark, may pass it), the first after ``initial``, the rest after ``subsequent``."""
    lines: list[str] = []
    line, used, empty = initial, width(initial), True
    for word, space in _tokens(text):
        piece = (" " if space and not empty else "") + word
        fits = used + width(piece) <= columns
        if not fits and not empty:
            lines.append(line.rstrip())
            line, used, empty = subsequent + word, width(subsequent) + width(word), False
            continue
        line, used, empty = line + piece, used + width(piece), False
    lines.append(line.rstrip())
    return lines


def paragraphs(text: str) -> list[str]:
    """Paragraphs (blank-line separated), each with its line ends made spaces, as click
    rewraps them."""
    return [" ".join(p.split("\n")).strip() for p in re.split(r"\n\s*\n", text.strip())]


class Formatter(click.HelpFormatter):
    """click's help layout, wrapping by display width; a Chinese heading ends in 「：」."""

    def write_heading(self, heading: str) -> None:
        colon = "：" if heading and _wide(heading[-1]) else ":"
        self.write(f"{'':>{self.current_indent}}{heading}{colon}\n")

    def write_text(self, text: str) -> None:
        indent = " " * self.current_indent
        blocks = ["\n".join(wrap(p, self.width, indent, indent)) for p in paragraphs(text)]
        self.write("\n\n".join(blocks) + "\n")

    def write_dl(self, rows: Iterable[tuple[str, str]], col_max: int = 30,
                 col_spacing: int = 2) -> None:
        rows = list(rows)
        first_col = min(max((width(r[0]) for r in rows), default=0), col_max) + col_spacing
        for first, second in rows:
            self.write(f"{'':>{self.current_indent}}{first}")
            if not second:
                self.write("\n")
                continue
            if width(first) <= first_col - col_spacing:
                self.write(" " * (first_col - width(first)))
            else:
                self.write("\n" + " " * (first_col + self.current_indent))
            text_width = max(self.width - first_col - 2, 10)
            pad = " " * (first_col + self.current_indent)
            lines = [line for p in paragraphs(second) for line in wrap(p, text_width)]
            self.write(lines[0] + "\n" if lines else "\n")
            for line in lines[1:]:
                self.write(f"{pad}{line}\n")


class Context(click.Context):
    formatter_class = Formatter


def short(text: str, limit: int) -> str:
    """The first sentence of a help text, cut to ``limit`` columns with an ellipsis."""
    first = paragraphs(text)[0] if text.strip() else ""
    match = re.search(r"(?<=[。！？])|(?<=\.)\s", first)
    if match:
        first = first[: match.start()].strip()
    if width(first) <= limit:
        return first
    out = ""
    for char in first:
        if width(out + char) > limit - 3:
            break
        out += char
    return out.rstrip() + "..."
