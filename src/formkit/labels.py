"""The names a clerk knows: a field by its label on the form, a choice by its printed text.

Messages name a field by its schema ``title`` (the label printed beside it, without
editorial notes such as ``[proposed]`` or a trailing 「：」) rather than by its JSON
pointer, and a choice code by its verbatim label (form.yaml ``labels:``, else the
schema's ``oneOf`` titles). :func:`value` shows any value of a record that way.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from functools import cache
from typing import Any

from .i18n import Localised, label
from .i18n import shown as in_lang
from .pointers import tokens

_NOTE = re.compile(r"\s*\[[^\]]*\]")  # [proposed label], [proposed extension; ...]
_LATIN_ASIDE = re.compile(r"\s*\([^()]*[A-Za-z][^()]*\)")  # (each category's narrative box), (a)
_ONLY_DATE_BLANKS = re.compile(r"[年月日\s]*\((?P<name>[^()]+)\)")  # 年 月 日 (簽署日期)
_CJK_ASIDE = re.compile(r"\s*\(([^()]*[\u4e00-\u9fff][^()]*)\)")  # 年度 (民國) → 年度（民國）
_BLANK = re.compile(r"_{2,}")  # 主要缺點____項: the line to write on
_SECTION = re.compile(r"^[一二三四五六七八九十壹貳參肆伍陸柒捌玖拾]+、")  # 二、統一編號
_LONG = 30  # a title longer than this is an instruction, not a name: shortened in a prefix


def clean_title(title: Any) -> str:
    """A schema title as a name: no editorial notes, no trailing 「：」 or 「。」."""
    if not isinstance(title, str):
        return ""
    text = _LATIN_ASIDE.sub("", _NOTE.sub("", title)).strip()
    if m := _ONLY_DATE_BLANKS.fullmatch(text):
        text = m["name"]
    text = _CJK_ASIDE.sub(r"（\1）", _BLANK.sub("", _SECTION.sub("", text)))
    return text.rstrip("：:。 ").strip()


def _short(title: str) -> str:
    if len(title) <= _LONG:
        return title
    cut = min((i for i in (title.find(c) for c in "（(，、：；") if i >= 2), default=-1)
    return title[:cut] if cut > 0 else title[:16] + "…"


def _resolve(root: dict[str, Any], node: Any) -> Any:
    seen = set()
    while isinstance(node, dict) and isinstance(node.get("$ref"), str):
        ref = node["$ref"]
        if not ref.startswith("#") or ref in seen:
            break
        seen.add(ref)
        target: Any = root
        for token in tokens(ref):
            target = target.get(token) if isinstance(target, dict) else None
        if not isinstance(target, dict):
            break
        node = {**target, **{k: v for k, v in node.items() if k != "$ref"}}
    return node if isinstance(node, dict) else {}


def _child(root: dict[str, Any], node: dict[str, Any], token: str) -> dict[str, Any] | None:
    """The subschema of property ``token`` (or of an array item) under ``node``."""
    node = _resolve(root, node)
    found: dict[str, Any] | None = None
    if token.isascii() and token.isdigit() and isinstance(node.get("items"), dict):
        found = _resolve(root, node["items"])
        return found
    if token in (node.get("properties") or {}):
        found = _resolve(root, node["properties"][token])
        return found
    if isinstance(node.get("items"), dict):  # a key without the index: any item's
        return _child(root, node["items"], token)
    for key in ("allOf", "anyOf", "oneOf", "then", "else"):
        subs = node.get(key)
        for sub in subs if isinstance(subs, list) else [subs] if isinstance(subs, dict) else []:
            found = _child(root, sub, token)
            if found is not None:
                return found
    return None


@cache
def _title_counts(schema_json: str) -> Counter[str]:
    counts: Counter[str] = Counter()

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if "const" not in node and (title := clean_title(node.get("title"))):
                counts[title] += 1
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(json.loads(schema_json))
    return counts


def node_at(schema: dict[str, Any], ptr: str) -> dict[str, Any] | None:
    """The subschema of the value at a JSON pointer; None where the schema has none."""
    node: dict[str, Any] | None = _resolve(schema, schema)
    for token in tokens(ptr):
        node = _child(schema, node, token) if node is not None else None
    return node


def field_label(schema: dict[str, Any], ptr: str) -> str | None:
    """The label of the field at ``ptr``: ``/rows/2/finding`` → 「矯正項目表第 3 筆之評核缺失內容」.

    A label the schema uses for several fields (「效期」, 「驗證機構評核」) is prefixed with its
    parent's; None when the field has no title.
    """
    steps: list[tuple[str, int | None]] = []  # (title, array index) of each token
    node: dict[str, Any] | None = _resolve(schema, schema)
    for token in tokens(ptr):
        node = _child(schema, node, token) if node is not None else None
        if node is None:
            return None
        index = int(token) if token.isascii() and token.isdigit() else None
        steps.append((clean_title(node.get("title")), index))
    if not steps:
        return None
    counts = _title_counts(json.dumps(schema, sort_keys=True, ensure_ascii=False))
    return _name(steps, counts) or None


def _name(steps: list[tuple[str, int | None]], counts: Counter[str]) -> str:
    title, index = steps[-1]
    parents = steps[:-1]
    if index is not None:
        owner = next((_short(t) for t, i in reversed(parents) if t and i is None), "")
        return f"{owner}第 {index + 1} 筆"
    if not title:
        return ""
    for k in range(len(parents) - 1, -1, -1):
        if parents[k][1] is not None:  # inside an array item: name the item first
            return f"{_name(parents[: k + 1], counts)}之{title}"
    if counts[title] > 1:
        parent = next((t for t, _ in reversed(parents) if t), "")
        if parent and parent != title:
            return f"{_short(parent)}之{title}"
    return title


def field(schema: dict[str, Any], ptr: str) -> str:
    """The field's label, or its pointer when it has none (``/``, 「本表單資料」, for the root)."""
    return field_label(schema, ptr) or ptr or root_field()


def root_field() -> Localised:
    """The whole record, named as a field: ``/`` in en, 「本表單資料」 in zh-TW."""
    return Localised("/", "本表單資料")


def _form(form: Any) -> Any:
    if isinstance(form, str):
        from .forms import get_form

        return get_form(form)
    return form


def name_of(form: Any, ptr: str) -> str:
    """A field named by its key: its own title in zh-TW (「證書字號」), the key in en."""
    name = tokens(ptr)[-1]
    title = clean_title((node_at(_form(form).schema, ptr) or {}).get("title"))
    return Localised(name, title) if title else name


def choice_label(form: Any, ptr: str, code: Any) -> str | None:
    """The verbatim label of choice ``code`` of the field at ``ptr``; None if there is none."""
    if not isinstance(code, str | int) or isinstance(code, bool):
        return None
    node = node_at(_form(form).schema, ptr) or {}
    if isinstance(node.get("items"), dict):  # a list of choices
        node = node["items"]
    for option in (node.get("oneOf") or []) + (node.get("anyOf") or []):
        if isinstance(option, dict) and option.get("const") == code and option.get("title"):
            return str(option["title"])
    return None


def choice(form: Any, ptr: str, code: Any) -> str:
    """A choice code as a message parameter: its label in zh-TW, ``code (label)`` in en;
    ``form`` is a :class:`~formkit.forms.Form` or a form id."""
    if code is None or code == "-":
        return value(form, ptr, code)
    return label(code, choice_label(form, ptr, code))


def value(form: Any, ptr: str, given: Any) -> str:
    """Any value of a record as a message parameter, read the way a clerk would."""
    if isinstance(given, bool):
        return Localised("true" if given else "false", "是" if given else "否")
    if given is None or given == "-":
        return Localised(str(given or "(none)"), "（未填）")
    if isinstance(given, str):
        return choice(form, ptr, given)
    if isinstance(given, int | float):
        return str(given)
    if isinstance(given, list) and all(isinstance(v, str | int | float) for v in given):
        shown = [value(form, ptr, v) for v in given]
        return Localised(", ".join(shown), "、".join(in_lang(v, "zh-TW") for v in shown))
    size = len(given) if isinstance(given, list | dict) else 0
    return Localised(f"{size} entries", f"{size} 筆資料")
