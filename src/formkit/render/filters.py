"""Display filters for templates: they only format, never compute."""

from __future__ import annotations

from typing import Any

from ..dates import roc_blank, roc_long, roc_short
from ..money import in_words, nt_long, nt_short
from .model import EMPTY_BOX, TICK


def _safe(fn: Any) -> Any:
    def wrapped(value: Any, *args: Any) -> str:
        if value is None or value == "":
            return ""
        try:
            return str(fn(value, *args))
        except (TypeError, ValueError):
            return str(value)

    return wrapped


def box(condition: Any) -> str:
    return TICK if condition else EMPTY_BOX


FILTERS = {
    "roc": _safe(roc_short),
    "roc_long": _safe(roc_long),
    "roc_blank": _safe(roc_blank),
    "money": _safe(lambda v: nt_long(int(v))),
    "nt": _safe(lambda v: nt_short(int(v))),
    "words": _safe(lambda v: in_words(int(v))),
    "box": box,
}
