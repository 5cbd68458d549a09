"""Text safe to show on a terminal: control characters shown, not obeyed.

A record's value, a PDF's field name or a file name can hold an escape sequence
(``ESC [ 2 J``), another C0 or C1 control character, or a bidirectional override
(U+202E) that would rewrite what a terminal shows. Text output shows each of
them as a Python-style escape instead: ``\\x1b``, ``\\x9b``, ``\\u202e``.
Every other character (Chinese text, emoji) is shown as it is.

:func:`shown` is for text lines; :func:`json_shown` is for JSON made with
``ensure_ascii=False``: ``json.dumps`` escapes the C0 controls itself but leaves
DEL, the C1 controls and the bidi controls raw; they are turned into ``\\uXXXX``
escapes, which mean the same string to any JSON reader.
"""

from __future__ import annotations

import re
from typing import Any

# Bidirectional embeddings, overrides, isolates and marks; the line and paragraph
# separators (a line break to a terminal); the Unicode "interlinear annotation" and
# object-replacement controls are harmless and kept.
_BIDI = "\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029"
_UNSAFE = re.compile(f"[\x00-\x08\x0b-\x1f\x7f-\x9f{_BIDI}]")
_UNSAFE_LINES = re.compile(f"[\x00-\x1f\x7f-\x9f{_BIDI}]")
_JSON_UNSAFE = re.compile(f"[\x7f-\x9f{_BIDI}]")


def _escape(match: re.Match[str]) -> str:
    ch = match.group()
    code = ord(ch)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def shown(text: str, *, newlines: bool = True) -> str:
    """``text`` with control characters and bidi controls escaped (``\\x1b``,
    ``\\u202e``). ``newlines``: keep line feeds and tabs (a multi-line message);
    False escapes them too (one value on one line)."""
    pattern = _UNSAFE if newlines else _UNSAFE_LINES
    return pattern.sub(_escape, text)


def json_shown(text: str) -> str:
    """JSON text (``ensure_ascii=False``) with DEL, C1 and bidi controls as ``\\uXXXX``."""
    return _JSON_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


class EscapingFilter:
    """A logging filter that escapes control and bidi characters in the message (a log
    line can quote a PDF's field name or a record's value)."""

    def filter(self, record: Any) -> bool:
        message = record.getMessage()
        safe = shown(message)
        if safe != message:
            record.msg, record.args = safe, None
        return True
