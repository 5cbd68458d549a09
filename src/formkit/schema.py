"""JSON Schema validation (draft 2020-12) with formkit's formats, as findings."""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Callable, Iterator
from functools import cache
from typing import Any

from .dates import FIRST_DAY, LAST_DAY, impossible_day, in_range, is_iso, iso_date, out_of_range
from .findings import Finding
from .i18n import N_, Localised, phrase
from .ids import national_id_valid, ubn_valid
from .labels import field_label, root_field
from .limits import capped
from .masking import mask_national_id, redact_text
from .pointers import WILDCARD, escape, get_pointer, matches, pointer


@cache
def _format_checker() -> Any:
    from jsonschema import FormatChecker

    checker = FormatChecker(formats=("email", "date-time"))
    moment, raises = checker.checkers["date-time"]
    checker.checks("date-time", raises)(
        lambda v: not isinstance(v, str) or bool(moment(v)) and _supported_moment(v))
    checker.checks("date")(lambda v: not isinstance(v, str) or _supported_day(v))
    checker.checks("tw-ubn")(lambda v: not isinstance(v, str) or ubn_valid(v))
    checker.checks("tw-national-id")(lambda v: not isinstance(v, str) or national_id_valid(v))
    return checker


def _supported_moment(text: str) -> bool:
    """A date-time whose day (as written) is from FIRST_DAY to LAST_DAY."""
    day = iso_date(text[:10])
    return day is not None and in_range(day)


def _supported_day(text: str) -> bool:
    """An ISO date (``YYYY-MM-DD``, a real day) from FIRST_DAY to LAST_DAY (formkit.dates)."""
    day = iso_date(text) if is_iso(text) else None
    return day is not None and in_range(day)


@cache
def _validator(schema_json: str) -> Any:
    import json

    from jsonschema import Draft202012Validator

    return Draft202012Validator(capped(json.loads(schema_json)),
                                format_checker=_format_checker())


def check_schema(schema: dict[str, Any]) -> None:
    from jsonschema import Draft202012Validator

    Draft202012Validator.check_schema(schema)


_TYPE_NAMES = {
    "string": N_("text"),
    "integer": N_("a whole number"),
    "number": N_("a number"),
    "boolean": N_("true or false"),
    "object": N_("an object"),
    "array": N_("a list"),
    "null": N_("null"),
}

_FORMAT_MESSAGES = {
    "date": N_("{field}: {value} is not a date in the form YYYY-MM-DD"),
    "tw-ubn": N_("{field}: {value} is not a valid 統一編號 (checksum)"),
    "tw-national-id": N_("{field}: not a valid 身分證統一編號 (checksum)"),
}


def _type_names(expected: Any) -> Localised:
    """``integer`` → "a whole number" (「整數」); several types joined with "or" (「或」)."""
    names = [expected] if isinstance(expected, str) else list(expected)
    words = [phrase(_TYPE_NAMES[n]) if n in _TYPE_NAMES else Localised(n, n) for n in names]
    return Localised(" or ".join(words), "或".join(w.zh for w in words))


def _impossible(value: Any) -> tuple[str, dict[str, Any]] | None:
    """The message for a date whose day does not exist (``113/2/30``), with its parameters."""
    ymd = impossible_day(value) if isinstance(value, str) else None
    if ymd is None:
        return None
    year, month, day = ymd
    if not 1 <= month <= 12:
        message = N_("{field}: {value} is not a real day (there is no month {month})")
        return message, {"month": month}
    if month == 2 and day == 29:
        roc = Localised(str(year), f"民國 {year - 1911} 年")
        return N_("{field}: {value} is not a real day ({year} is not a leap year)"), {"year": roc}
    return N_("{field}: {value} is not a real day (month {month} has no day {day})"), {
        "month": month, "day": day}


def _short(value: Any) -> str:
    """A value as a message quotes it: text as is, anything else as JSON (``true``, ``12``)."""
    try:
        text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    except (TypeError, ValueError):  # a value of the Python API that JSON has no form for
        text = repr(value)
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
    return str(err.message)


def _unexpected_properties(err: Any) -> list[str]:
    props = err.schema.get("properties") or {}
    patterns = err.schema.get("patternProperties") or {}
    extras = [
        name
        for name in err.instance
        if name not in props and not any(re.search(p, name) for p in patterns)
    ]
    return extras


def _national_ids(schema: dict[str, Any], record: Any) -> list[str]:
    """The values of the record's ``tw-national-id`` fields, longest first."""
    found = {
        value
        for pattern in national_id_patterns(schema)
        for _, value in matches(pattern, record)
        if isinstance(value, str) and len(value) >= 4  # shorter says nothing of a person
    }
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
        # The field's label on the form: the line that prints the finding shows its path.
        field = field_label(schema, pointer(*err.absolute_path)) or path or root_field()
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
            label = field_label(schema, pointer(*err.absolute_path, missing))
            msg, params = N_("{field}: required field is missing"), {"field": label or path}
        elif kind == "type":
            params["type"] = _type_names(err.validator_value)
            params["value"] = _short(instance)
            msg = N_("{field}: must be {type}, not {value}")
        elif kind == "enum":
            params["value"] = _short(instance)
            params["allowed"] = ", ".join(map(str, err.validator_value))
            msg = N_("{field}: {value} is not one of the allowed values ({allowed})")
        elif kind == "oneOf" and (options := choices(err.schema)):
            params["value"] = _short(instance)
            params["allowed"] = Localised(", ".join(map(str, options)),
                                          "、".join(f"「{t}」" for t in options.values()))
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
            day = instance[:10] if err.validator_value == "date-time" else instance
            if err.validator_value in ("date", "date-time") and isinstance(instance, str) and (
                    out_of_range(day) is not None):
                msg = N_("{field}: {value} is outside the dates formkit handles "
                         "({first} to {last})")
                params.update(first=FIRST_DAY.isoformat(), last=LAST_DAY.isoformat())
            elif err.validator_value == "date" and (bad := _impossible(instance)):
                msg, more = bad
                params.update(more)
        elif kind == "additionalProperties":
            msg = N_("{field}: unknown field(s): {detail}")
            names = [_hidden(name, secrets) for name in _unexpected_properties(err)]
            params["detail"] = Localised(", ".join(map(repr, names)),
                                         "、".join(f"「{name}」" for name in names))
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
        elif kind == "uniqueItems":
            msg = N_("{field}: the same entry is given more than once")
        else:
            detail = err.message
            if secret and isinstance(err.instance, str) and err.instance:
                detail = detail.replace(err.instance, mask_national_id(err.instance))
            # jsonschema's own wording is English: a zh-TW reader gets a plain sentence.
            params["detail"] = Localised(_hidden(detail, secrets), "內容不符合本表單之規定")
            msg = N_("{field}: {detail}")
        yield Finding(
            rule="schema",
            severity="error",
            path=path,
            template=msg,
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
    try:
        return get_pointer(root, ref)
    except ValueError:  # "#x": a fragment that is no JSON pointer (an anchor)
        return None


def _nodes(
    schema: dict[str, Any], hit: Callable[[dict[str, Any]], bool], stop: bool
) -> list[tuple[str, dict[str, Any]]]:
    """(pointer pattern, subschema) of every subschema for which ``hit`` holds, in
    document order; ``*`` in a pattern stands for every item of an array.

    Follows ``properties``, ``items``, ``allOf``/``anyOf``/``oneOf``, ``then``/
    ``else`` and local ``$ref``s (each reference once per path, so recursive
    schemas end). With ``stop``, nothing under a hit is visited.
    """
    out: list[tuple[str, dict[str, Any]]] = []

    def walk(node: Any, prefix: str, refs: frozenset[str]) -> None:
        if not isinstance(node, dict):
            return
        if hit(node):
            out.append((prefix, node))
            if stop:
                return
        ref = node.get("$ref")
        if isinstance(ref, str) and ref not in refs:
            walk(_resolve(schema, ref), prefix, refs | {ref})
        for name, sub in (node.get("properties") or {}).items():
            walk(sub, f"{prefix}/{escape(name)}", refs)
        if isinstance(node.get("items"), dict):
            walk(node["items"], f"{prefix}/{WILDCARD}", refs)
        for key in ("allOf", "anyOf", "oneOf"):
            for sub in node.get(key) or []:
                walk(sub, prefix, refs)
        for key in ("then", "else"):
            walk(node.get(key), prefix, refs)

    walk(schema, "", frozenset())
    return out


def _pointers(
    schema: dict[str, Any], hit: Callable[[dict[str, Any]], bool], stop: bool
) -> list[str]:
    """The patterns of :func:`_nodes`, sorted, each once."""
    return sorted({ptr for ptr, _ in _nodes(schema, hit, stop)})


def read_only_pointers(schema: dict[str, Any]) -> list[str]:
    """Pointers (``*`` for array items) of every readOnly property."""
    return _pointers(schema, lambda node: bool(node.get("readOnly")), stop=True)


def date_pointers(schema: dict[str, Any]) -> list[str]:
    """Pointers (``*`` for array items) of every ``format: date`` string."""
    return _pointers(schema, lambda node: node.get("format") == "date", stop=False)


def national_id_patterns(schema: dict[str, Any]) -> list[str]:
    """Pointers (``*`` for array items) of every ``format: tw-national-id`` string."""
    return _pointers(schema, lambda node: node.get("format") == "tw-national-id", stop=False)


# -- choices --------------------------------------------------------------------------------
#
# A choice field lists its options as {"const": CODE, "title": VERBATIM LABEL} in a oneOf
# (DESIGN §2.3). Records hold the code; a form prints the label; input may give either.

_CODE_TYPES = (str, int, float, bool)


def choices(node: Any) -> dict[Any, str]:
    """The options of a choice field's schema as ``{code: verbatim label}``, in order.

    A choice is a ``oneOf`` whose every entry is ``{"const": CODE, "title": LABEL}``
    (an option without a title is labelled by its code). Any other schema has none: ``{}``.
    """
    options = node.get("oneOf") if isinstance(node, dict) else None
    if not isinstance(options, list) or not options:
        return {}
    if not all(isinstance(o, dict) and isinstance(o.get("const"), _CODE_TYPES) for o in options):
        return {}
    return {o["const"]: str(o.get("title", o["const"])) for o in options}


def choice_label(node: Any, code: Any) -> str:
    """The printed label of a choice's code; the code itself when it is none of the options."""
    if isinstance(code, _CODE_TYPES):
        label = choices(node).get(code)
        if label is not None:
            return label
    return str(code)


def fold(text: str) -> str:
    """Text as compared with a label: NFKC (full-width letters, digits and brackets as
    their ASCII forms) with no whitespace at all."""
    return "".join(unicodedata.normalize("NFKC", text).split())


def choice_code(node: Any, value: Any) -> Any | None:
    """The code a value given for the choice field of schema ``node`` stands for, or None:
    :func:`match_choice` over its :func:`choices`."""
    return match_choice(choices(node), value)


def match_choice(options: dict[Any, str], value: Any) -> Any | None:
    """The code a value given for a choice stands for, or None.

    The code itself; else the option whose label (or code) it is, compared as
    :func:`fold` compares: 「郵寄」, 「 郵 寄 」 and 「ｍａｉｌ」 are all ``mail``. None when
    it names no option, or (after folding) more than one.
    """
    if not isinstance(value, _CODE_TYPES):
        return None
    for code in options:
        if code == value and type(code) is type(value):
            return code
    if not isinstance(value, str):
        return None
    folded = fold(value)
    hits = [code for code, label in options.items() if folded in (fold(label), fold(str(code)))]
    return hits[0] if len(hits) == 1 else None


def schema_node(schema: dict[str, Any], key: str) -> dict[str, Any]:
    """The schema of the value at a dotted key (numeric parts step into arrays)."""
    node = schema
    for part in key.split("."):
        if part.isdigit():
            node = node.get("items", {}) if isinstance(node.get("items"), dict) else {}
            continue
        node = (node.get("properties") or {}).get(part, {})
    return node


def choice_node(schema: dict[str, Any], key: str) -> dict[str, Any]:
    """The schema that lists the options of the choice field at a dotted key: the field's
    own, or for a list of choices its items'."""
    node = schema_node(schema, key)
    items = node.get("items")
    return items if not choices(node) and isinstance(items, dict) and choices(items) else node


def choice_fields(schema: dict[str, Any]) -> dict[str, dict[Any, str]]:
    """Every choice field of a schema: pointer pattern (``*`` for array items) → options."""
    out: dict[str, dict[Any, str]] = {}
    for ptr, node in _nodes(schema, lambda node: bool(choices(node)), stop=True):
        out.setdefault(ptr, {}).update(choices(node))
    return out
