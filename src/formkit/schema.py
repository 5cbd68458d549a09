"""JSON Schema validation (draft 2020-12) with formkit's formats, as findings."""

from __future__ import annotations

from collections.abc import Iterator
from functools import cache
from typing import Any

from .dates import is_iso
from .findings import Finding
from .i18n import N_
from .ids import national_id_valid, ubn_valid
from .pointers import pointer


@cache
def _format_checker() -> Any:
    from jsonschema import FormatChecker

    checker = FormatChecker(formats=("email", "date-time", "uri"))
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


def schema_findings(schema: dict[str, Any], record: Any) -> Iterator[Finding]:
    import json

    validator = _validator(json.dumps(schema, sort_keys=True))
    errors = sorted(validator.iter_errors(record), key=lambda e: list(map(str, e.absolute_path)))
    for err in errors:
        path = pointer(*err.absolute_path)
        field = path or "/"
        kind = err.validator
        params: dict[str, Any] = {"field": field}
        if kind == "required":
            missing = err.message.split("'")[1] if "'" in err.message else err.message
            path = pointer(*err.absolute_path, missing)
            msg, params = N_("{field}: required field is missing"), {"field": path}
        elif kind == "type":
            expected = err.validator_value
            names = [expected] if isinstance(expected, str) else list(expected)
            params["type"] = " or ".join(_TYPE_NAMES.get(n, n) for n in names)
            params["value"] = _short(err.instance)
            msg = N_("{field}: must be {type}, not {value}")
        elif kind == "enum":
            params["value"] = _short(err.instance)
            params["allowed"] = ", ".join(map(str, err.validator_value))
            msg = N_("{field}: {value} is not one of the allowed values ({allowed})")
        elif kind == "const":
            params["value"] = _short(err.instance)
            params["allowed"] = str(err.validator_value)
            msg = N_("{field}: {value} is not one of the allowed values ({allowed})")
        elif kind == "format":
            params["value"] = _short(err.instance)
            msg = _FORMAT_MESSAGES.get(
                err.validator_value, N_("{field}: {value} is not in the expected format")
            )
        elif kind == "additionalProperties":
            msg = N_("{field}: unknown field(s): {detail}")
            params["detail"] = err.message.split("(")[-1].rstrip(")")
        elif kind in ("minItems", "maxItems"):
            params["limit"] = err.validator_value
            msg = (
                N_("{field}: needs at least {limit} entries")
                if kind == "minItems"
                else N_("{field}: allows at most {limit} entries")
            )
        elif kind in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"):
            params["limit"] = err.validator_value
            params["value"] = _short(err.instance)
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
            params["value"] = _short(err.instance)
            msg = N_("{field}: {value} is not in the expected format")
        elif kind == "multipleOf":
            params["value"] = _short(err.instance)
            params["limit"] = err.validator_value
            msg = N_("{field}: {value} must be a multiple of {limit}")
        else:
            params["detail"] = err.message
            msg = N_("{field}: {detail}")
        yield Finding(
            rule="schema",
            severity="error",
            path=path,
            message=msg,
            citation="JSON Schema",
            params=params,
            actual=None if kind == "required" else _jsonable(err.instance),
        )


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict | list):
        return None  # a whole object is noise in a finding
    return value


def read_only_pointers(schema: dict[str, Any]) -> list[str]:
    """Pointers (``*`` for array items) of every readOnly property."""
    out: list[str] = []

    def walk(node: dict[str, Any], prefix: str) -> None:
        if not isinstance(node, dict):
            return
        if node.get("readOnly"):
            out.append(prefix)
            return
        for name, sub in (node.get("properties") or {}).items():
            walk(sub, f"{prefix}/{name}")
        if isinstance(node.get("items"), dict):
            walk(node["items"], f"{prefix}/*")
        for key in ("allOf", "anyOf", "oneOf"):
            for sub in node.get(key, []):
                walk(sub, prefix)

    walk(schema, "")
    return sorted(set(out))


def date_pointers(schema: dict[str, Any]) -> list[str]:
    """Pointers (``*`` for array items) of every ``format: date`` string."""
    out: list[str] = []

    def walk(node: dict[str, Any], prefix: str) -> None:
        if not isinstance(node, dict):
            return
        if node.get("format") == "date":
            out.append(prefix)
        for name, sub in (node.get("properties") or {}).items():
            walk(sub, f"{prefix}/{name}")
        if isinstance(node.get("items"), dict):
            walk(node["items"], f"{prefix}/*")
        for key in ("allOf", "anyOf", "oneOf"):
            for sub in node.get(key, []):
                walk(sub, prefix)

    walk(schema, "")
    return sorted(set(out))
