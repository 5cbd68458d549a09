"""JSON pointers and dotted keys over plain records."""

from __future__ import annotations

from typing import Any

_MISSING = object()


def escape(token: str) -> str:
    return token.replace("~", "~0").replace("/", "~1")


def pointer(*parts: str | int) -> str:
    """``pointer("rows", 2, "finding")`` → ``/rows/2/finding``."""
    return "".join("/" + escape(str(p)) for p in parts)


def dotted_to_pointer(key: str) -> str:
    """``summary.found.major`` → ``/summary/found/major``; ``rows.2.x`` → ``/rows/2/x``."""
    return pointer(*key.split(".")) if key else ""


def get(record: Any, key: str, default: Any = None) -> Any:
    """The value at a dotted key (``summary.found.major``, ``rows.0.finding``)."""
    node = record
    for part in key.split(".") if key else ():
        if isinstance(node, dict):
            node = node.get(part, _MISSING)
        elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
        else:
            return default
        if node is _MISSING:
            return default
    return node


def set_(record: dict[str, Any], key: str, value: Any) -> None:
    """Set a dotted key, creating objects on the way."""
    parts = key.split(".")
    node: Any = record
    for part in parts[:-1]:
        if isinstance(node, list):
            node = node[int(part)]
            continue
        nxt = node.get(part)
        if not isinstance(nxt, dict | list):
            nxt = {}
            node[part] = nxt
        node = nxt
    if isinstance(node, list):
        node[int(parts[-1])] = value
    else:
        node[parts[-1]] = value
