"""JSON Schema validation (draft 2020-12) with formkit's formats, as findings."""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache
from typing import Any

from .dates import is_iso
from .findings import Finding
from .i18n import N_
from .ids import mask_national_id, national_id_valid, ubn_valid
from .pointers import pointer
from .redact import redact_text


@cache
def _format_checker() -> Any:
    from jsonschema import FormatChecker

    checker = FormatChecker(formats=("email", "date-time"))
    checker.checks("date")(lambda v: not isinstance(v, str) or is_iso(v))
    checker.checks("tw-ubn")(lambda v: not isinstance(v, str) or ubn_valid(v))
    checker.checks("tw-national-id")(lambda v: not isinstance(v, str) or national_id_valid(v))
    return checker


@cache
def _validator(schema_json: str) -> Any:
    import json

    from jsonschema import Draft202012Validator

    return Draft202012Validator(json.loads(schema_json), format_checker=_format_checker())


def check_schema(schema: dict[str, Any]) -> None:
    from jsonschema import Draft202012Validator

    Draft202012Validator.check_schema(schema)


_TYPE_NAMES = {
    "string": "text",
    "integer": "a whole number",
    "number": "a number",
    "boolean": "true or false",
    "object": "an object",
    "array": "a list",
    "null": "null",
}

_FORMAT_MESSAGES = {
    "date": N_("{field}: {value} is not a date in the form YYYY-MM-DD"),
    "tw-ubn": N_("{field}: {value} is not a valid 統一編號 (checksum)"),
    "tw-national-id": N_("{field}: not a valid 身分證統一編號 (checksum)"),
}


def _short(value: Any) -> str:
    text = repr(value) if not isinstance(value, str) else value
    return text if len(text) <= 60 else text[:57] + "…"


def _path_key(path: Any) -> list[tuple[int, int, str]]:
    # Array indices sort as numbers (rows 2 before rows 10), names as text.
    return [(0, p, "") if isinstance(p, int) else (1, 0, str(p)) for p in path]


def _missing_property(err: Any) -> str:
    # jsonschema reports one error per missing name, as f"{name!r} is a required
    # property"; match against the names rather than splitting the message on
    # quotes, which breaks for names such as "it's".
    instance = err.instance if isinstance(err.instance, dict) else {}
    for name in err.validator_value:
        if name not in instance and err.message == f"{name!r} is a required property":
            return str(name)
    return err.message


def _unexpected_properties(err: Any) -> str:
    props = err.schema.get("properties") or {}
    patterns = err.schema.get("patternProperties") or {}
    extras = [
        name
        for name in err.instance
        if name not in props and not any(re.search(p, name) for p in patterns)
    ]
    return ", ".join(map(repr, extras))


def _national_ids(schema: dict[str, Any], record: Any) -> list[str]:
    """The values of the record's ``tw-national-id`` fields, longest first."""
    found: set[str] = set()

    def walk(node: Any, parts: list[str]) -> None:
        if not parts:
            if isinstance(node, str) and len(node) >= 4:  # shorter says nothing of a person
                found.add(node)
            return
        head, rest = parts[0], parts[1:]
        if head == "*" and isinstance(node, list):
            for item in node:
                walk(item, rest)
        elif isinstance(node, dict) and head in node:
            walk(node[head], rest)

    for pattern in national_id_patterns(schema):
        walk(record, [p.replace("~1", "/").replace("~0", "~") for p in pattern.split("/")[1:]])
    return sorted(found, key=len, reverse=True)


def _hidden(value: Any, secrets: list[str]) -> Any:
    """``value`` with the record's national IDs, and anything shaped like one, masked."""
    if isinstance(value, str):
        for secret in secrets:
            value = value.replace(secret, mask_national_id(secret))
        return redact_text(value)
    if isinstance(value, list | tuple):
        return type(value)(_hidden(v, secrets) for v in value)
    if isinstance(value, dict):
        return {_hidden(k, secrets): _hidden(v, secrets) for k, v in value.items()}
    return value


def schema_findings(schema: dict[str, Any], record: Any) -> Iterator[Finding]:
    """The schema's errors as findings.

    A national ID never reaches a finding: the value of a ``tw-national-id``
    field is shown masked (``A******789``), and so is that value, or anything
    shaped like a national ID, wherever else a finding would quote it.
    """
    import json

    validator = _validator(json.dumps(schema, sort_keys=True))
    errors = sorted(validator.iter_errors(record), key=lambda e: _path_key(e.absolute_path))
    secrets = _national_ids(schema, record) if errors else []
    for err in errors:
        path = _hidden(pointer(*err.absolute_path), secrets)
        field = path or "/"
        kind = err.validator
        params: dict[str, Any] = {"field": field}
        # A national id must not reach a message or an output: show it masked.
        secret = isinstance(err.schema, dict) and err.schema.get("format") == "tw-national-id"
        instance = (
            mask_national_id(err.instance)
            if secret and isinstance(err.instance, str)
            else _hidden(err.instance, secrets)
        )
        if kind == "required":
            missing = _missing_property(err)
            path = _hidden(pointer(*err.absolute_path, missing), secrets)
            msg, params = N_("{field}: required field is missing"), {"field": path}
        elif kind == "type":
            expected = err.validator_value
            names = [expected] if isinstance(expected, str) else list(expected)
            params["type"] = " or ".join(_TYPE_NAMES.get(n, n) for n in names)
            params["value"] = _short(instance)
            msg = N_("{field}: must be {type}, not {value}")
        elif kind == "enum":
            params["value"] = _short(instance)
            params["allowed"] = ", ".join(map(str, err.validator_value))
            msg = N_("{field}: {value} is not one of the allowed values ({allowed})")
        elif kind == "const":
            params["value"] = _short(instance)
            params["allowed"] = str(err.validator_value)
            msg = N_("{field}: {value} is not one of the allowed values ({allowed})")
        elif kind == "format":
            params["value"] = _short(instance)
            msg = _FORMAT_MESSAGES.get(
                err.validator_value, N_("{field}: {value} is not in the expected format")
            )
        elif kind == "additionalProperties":
            msg = N_("{field}: unknown field(s): {detail}")
            params["detail"] = _hidden(_unexpected_properties(err), secrets)
        elif kind in ("minItems", "maxItems"):
            params["limit"] = err.validator_value
            msg = (
                N_("{field}: needs at least {limit} entries")
                if kind == "minItems"
                else N_("{field}: allows at most {limit} entries")
            )
        elif kind in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"):
            params["limit"] = err.validator_value
            params["value"] = _short(instance)
            msg = {
                "minimum": N_("{field}: {value} is less than {limit}"),
                "maximum": N_("{field}: {value} is more than {limit}"),
                "exclusiveMinimum": N_("{field}: {value} must be more than {limit}"),
                "exclusiveMaximum": N_("{field}: {value} must be less than {limit}"),
            }[kind]
        elif kind in ("minLength", "maxLength"):
            params["limit"] = err.validator_value
            msg = (
                N_("{field}: must not be empty")
                if kind == "minLength" and err.validator_value == 1
                else N_("{field}: text length must be within the limit {limit}")
            )
        elif kind == "pattern":
            params["value"] = _short(instance)
            msg = N_("{field}: {value} is not in the expected format")
        elif kind == "multipleOf":
            params["value"] = _short(instance)
            params["limit"] = err.validator_value
            msg = N_("{field}: {value} must be a multiple of {limit}")
        else:
            detail = err.message
            if secret and isinstance(err.instance, str) and err.instance:
                detail = detail.replace(err.instance, mask_national_id(err.instance))
            params["detail"] = _hidden(detail, secrets)
            msg = N_("{field}: {detail}")
        yield Finding(
            rule="schema",
            severity="error",
            path=path,
            message=msg,
            citation="JSON Schema",
            params=params,
            actual=None if kind == "required" else _jsonable(instance),
        )


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict | list):
        return None  # a whole object is noise in a finding
    return value


def _resolve(root: dict[str, Any], ref: str) -> Any:
    """A local ``$ref`` (``#/$defs/x``) inside ``root``; None for any other reference."""
    if not ref.startswith("#"):
        return None
    node: Any = root
    for token in ref[1:].split("/")[1:]:
        token = token.replace("~1", "/").replace("~0", "~")
        if isinstance(node, dict) and token in node:
            node = node[token]
        elif isinstance(node, list) and token.isdigit() and int(token) < len(node):
            node = node[int(token)]
        else:
            return None
    return node


def _pointers(schema: dict[str, Any], hit: Any, stop: bool) -> list[str]:
    """Pointers (``*`` for array items) of every subschema for which ``hit`` holds.

    Follows ``properties``, ``items``, ``allOf``/``anyOf``/``oneOf``, ``then``/
    ``else`` and local ``$ref``s (each reference once per path, so recursive
    schemas end). With ``stop``, nothing under a hit is visited.
    """
    out: set[str] = set()

    def walk(node: Any, prefix: str, refs: frozenset[str]) -> None:
        if not isinstance(node, dict):
            return
        if hit(node):
            out.add(prefix)
            if stop:
                return
        ref = node.get("$ref")
        if isinstance(ref, str) and ref not in refs:
            walk(_resolve(schema, ref), prefix, refs | {ref})
        for name, sub in (node.get("properties") or {}).items():
            walk(sub, f"{prefix}/{name}", refs)
        if isinstance(node.get("items"), dict):
            walk(node["items"], f"{prefix}/*", refs)
        for key in ("allOf", "anyOf", "oneOf"):
            for sub in node.get(key) or []:
                walk(sub, prefix, refs)
        for key in ("then", "else"):
            walk(node.get(key), prefix, refs)

    walk(schema, "", frozenset())
    return sorted(out)


def read_only_pointers(schema: dict[str, Any]) -> list[str]:
    """Pointers (``*`` for array items) of every readOnly property."""
    return _pointers(schema, lambda node: bool(node.get("readOnly")), stop=True)


def date_pointers(schema: dict[str, Any]) -> list[str]:
    """Pointers (``*`` for array items) of every ``format: date`` string."""
    return _pointers(schema, lambda node: node.get("format") == "date", stop=False)


def national_id_patterns(schema: dict[str, Any]) -> list[str]:
    """Pointers (``*`` for array items) of every ``format: tw-national-id`` string."""
    return _pointers(schema, lambda node: node.get("format") == "tw-national-id", stop=False)
