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


def _index(part: str) -> int | None:
    # ASCII digits only: "²".isdigit() is True, and int("²") raises.
    return int(part) if part.isascii() and part.isdigit() else None


def get(record: Any, key: str, default: Any = None) -> Any:
    """The value at a dotted key (``summary.found.major``, ``rows.0.finding``)."""
    node = record
    for part in key.split(".") if key else ():
        if isinstance(node, dict):
            node = node.get(part, _MISSING)
        elif isinstance(node, list) and (idx := _index(part)) is not None and idx < len(node):
            node = node[idx]
        else:
            return default
        if node is _MISSING:
            return default
    return node


def leaves(value: Any, key: str = "") -> list[tuple[str, Any]]:
    """Every field of a record as (dotted key, value): plain values, and lists of plain values."""
    if isinstance(value, dict):
        return [kv for k, v in value.items() for kv in leaves(v, f"{key}.{k}" if key else k)]
    if isinstance(value, list) and any(isinstance(v, dict | list) for v in value):
        return [kv for i, v in enumerate(value) for kv in leaves(v, f"{key}.{i}")]
    return [(key, value)]


def set_(record: dict[str, Any], key: str, value: Any) -> None:
    """Set a dotted key, creating objects (or lists, before a numeric part) on the way."""
    parts = key.split(".")
    node: Any = record
    for part, following in zip(parts[:-1], parts[1:], strict=True):
        fresh: Any = [] if _index(following) is not None else {}
        if isinstance(node, list):
            idx = _list_index(key, part)
            while len(node) <= idx:
                node.append(None)
            if not isinstance(node[idx], dict | list):
                node[idx] = fresh
            node = node[idx]
            continue
        nxt = node.get(part)
        if not isinstance(nxt, dict | list):
            nxt = fresh
            node[part] = nxt
        node = nxt
    last = parts[-1]
    if isinstance(node, list):
        idx = _list_index(key, last)
        while len(node) <= idx:
            node.append(None)
        node[idx] = value
    else:
        node[last] = value


def _list_index(key: str, part: str) -> int:
    idx = _index(part)
    if idx is None:
        raise ValueError(f"{key}: {part!r} is not an index into a list")
    return idx
