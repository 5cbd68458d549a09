"""JSON pointers (RFC 6901) and dotted keys over plain records.

The one implementation of both in formkit: JSON pointers (``/rows/2/finding``,
with ``~1`` for ``/`` and ``~0`` for ``~`` in a name) address values in paths of
findings, in schemas (``$ref``) and in records; pointer *patterns* add ``*``
for every item of an array (``/rows/*/finding``). Dotted keys
(``rows.2.finding``) are the layout's and the parsers' names for the same values.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import unquote

_MISSING = object()

WILDCARD = "*"  # in a pointer pattern: every item of an array


def escape(token: str) -> str:
    """A name as a pointer token: ``~`` → ``~0``, then ``/`` → ``~1``."""
    return token.replace("~", "~0").replace("/", "~1")


def unescape(token: str) -> str:
    """A pointer token as a name: ``~1`` → ``/``, then ``~0`` → ``~`` (``~01`` is ``~1``)."""
    return token.replace("~1", "/").replace("~0", "~")


def tokens(ptr: str) -> list[str]:
    """The unescaped names of a JSON pointer (``""`` → ``[]``); a ``#`` fragment is accepted.

    >>> tokens("/a~1b/0/c~0d")
    ['a/b', '0', 'c~d']
    """
    if ptr.startswith("#"):  # URI fragment form (RFC 6901 §6): percent-encoded
        ptr = unquote(ptr[1:])
    if not ptr:
        return []
    if not ptr.startswith("/"):
        raise ValueError(f"{ptr!r} is not a JSON pointer (it must start with '/')")
    return [unescape(t) for t in ptr.split("/")[1:]]


def _array_index(token: str, size: int) -> int | None:
    # RFC 6901: ASCII digits, no leading zero ("0" itself excepted).
    if not (token.isascii() and token.isdigit()) or (len(token) > 1 and token[0] == "0"):
        return None
    idx = int(token)
    return idx if idx < size else None


def get_pointer(doc: Any, ptr: str, default: Any = None) -> Any:
    """The value at a JSON pointer (``/rows/0/finding``), or ``default`` where there is none."""
    node = doc
    for token in tokens(ptr):
        if isinstance(node, dict):
            node = node.get(token, _MISSING)
        elif isinstance(node, list) and (idx := _array_index(token, len(node))) is not None:
            node = node[idx]
        else:
            return default
        if node is _MISSING:
            return default
    return node


def set_pointer(doc: Any, ptr: str, value: Any) -> None:
    """Set the value at a JSON pointer whose parent exists (``-`` appends to an array).

    Raises ``KeyError`` when the parent is missing or is not a container, ``IndexError``
    for an index past the end of an array, ``ValueError`` for the root pointer ``""``.
    """
    parts = tokens(ptr)
    if not parts:
        raise ValueError("the root of a document cannot be set in place")
    parent = get_pointer(doc, "".join("/" + escape(t) for t in parts[:-1]), _MISSING)
    last = parts[-1]
    if isinstance(parent, dict):
        parent[last] = value
    elif isinstance(parent, list) and last == "-":
        parent.append(value)
    elif isinstance(parent, list):
        idx = _array_index(last, len(parent))
        if idx is None:
            raise IndexError(f"{ptr}: no item {last!r} in a list of {len(parent)}")
        parent[idx] = value
    else:
        raise KeyError(ptr)


def matches(pattern: str, doc: Any) -> Iterator[tuple[str, Any]]:
    """The (pointer, value) pairs a pointer pattern addresses: ``*`` stands for every
    item of an array (``/rows/*/finding`` → ``/rows/0/finding``, ``/rows/1/finding``…);
    names the document lacks yield nothing."""
    parts = tokens(pattern)

    def walk(node: Any, i: int, prefix: str) -> Iterator[tuple[str, Any]]:
        if i == len(parts):
            yield prefix, node
            return
        part = parts[i]
        if part == WILDCARD and isinstance(node, list):
            for n, item in enumerate(node):
                yield from walk(item, i + 1, f"{prefix}/{n}")
        elif isinstance(node, dict) and part in node:
            yield from walk(node[part], i + 1, f"{prefix}/{escape(part)}")
        elif isinstance(node, list) and (idx := _array_index(part, len(node))) is not None:
            yield from walk(node[idx], i + 1, f"{prefix}/{idx}")

    yield from walk(doc, 0, "")


def pointer(*parts: str | int) -> str:
    """``pointer("rows", 2, "finding")`` → ``/rows/2/finding``."""
    return "".join("/" + escape(str(p)) for p in parts)


def dotted_to_pointer(key: str) -> str:
    """``summary.found.major`` → ``/summary/found/major``; ``rows.2.x`` → ``/rows/2/x``."""
    return pointer(*key.split(".")) if key else ""


def pointer_to_dotted(ptr: str) -> str:
    """``/sites/0/b`` → ``sites.0.b``: a JSON pointer as a dotted key."""
    return ".".join(tokens(ptr))


def _index(part: str) -> int | None:
    # ASCII digits only: "²".isdigit() is True, and int("²") raises.
    return int(part) if part.isascii() and part.isdigit() else None


def get(record: Any, key: str, default: Any = None) -> Any:
    """The value at a dotted key (``summary.found.major``, ``rows.0.finding``)."""
    return get_pointer(record, dotted_to_pointer(key), default)


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
