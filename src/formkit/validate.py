"""The engine: normalise input, compute derived fields, check schema and rules.

``fill`` and ``validate`` share one pipeline:

1. normalise: ROC dates typed by users become ISO (each change is reported);
2. schema: JSON Schema 2020-12 with format checking;
3. derive: each form's derivers compute the readOnly fields on a copy; a value
   given in the input that disagrees with the computed one is an error under
   the rule that owns it;
4. rules: every rule registered for the form runs on the filled record.

Before all of these, a record over a cap of :mod:`formkit.limits` (size, rows,
text length, nesting; or NaN/Infinity from the Python API) gets error findings
with rule id ``limits`` (``schema`` for a non-finite number) and nothing else.
"""

from __future__ import annotations

import copy
import logging
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from . import limits
from . import rules as registry
from .catalog import Form, get_form
from .dates import is_iso, to_iso
from .errors import InputError
from .findings import Finding, has_errors
from .i18n import N_
from .pointers import escape
from .schema import date_pointers, read_only_pointers, schema_findings

log = logging.getLogger("formkit")

_SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}


@dataclass
class Report:
    """The outcome of ``fill`` or ``validate``: the filled record and the findings."""

    form: str
    record: dict[str, Any]
    findings: list[Finding] = field(default_factory=list)

    @property
    def valid(self) -> bool:
        return not has_errors(self.findings)

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.is_error]

    def as_dict(self, lang: str = "zh-TW") -> dict[str, Any]:
        return {
            "form": self.form,
            "valid": self.valid,
            "findings": [f.as_dict(lang) for f in self.findings],
        }


def resolve(form: str | Form) -> Form:
    return form if isinstance(form, Form) else get_form(form)


def matches(pattern: str, record: Any) -> Iterator[tuple[str, Any]]:
    """Concrete (pointer, value) pairs for a pattern with ``*`` array wildcards."""
    parts = pattern.split("/")[1:] if pattern else []

    def walk(node: Any, i: int, prefix: str) -> Iterator[tuple[str, Any]]:
        if i == len(parts):
            yield prefix, node
            return
        part = parts[i]
        if part == "*":
            if isinstance(node, list):
                for idx, item in enumerate(node):
                    yield from walk(item, i + 1, f"{prefix}/{idx}")
        elif isinstance(node, dict) and part in node:
            yield from walk(node[part], i + 1, f"{prefix}/{escape(part)}")

    yield from walk(record, 0, "")


def _set_pointer(record: Any, ptr: str, value: Any) -> None:
    parts = [p.replace("~1", "/").replace("~0", "~") for p in ptr.split("/")[1:]]
    node = record
    for part in parts[:-1]:
        node = node[int(part)] if isinstance(node, list) else node[part]
    if isinstance(node, list):
        node[int(parts[-1])] = value
    else:
        node[parts[-1]] = value


def _get_pointer(record: Any, ptr: str) -> Any:
    node = record
    for part in [p.replace("~1", "/").replace("~0", "~") for p in ptr.split("/")[1:]]:
        if isinstance(node, list):
            node = node[int(part)] if part.isdigit() and int(part) < len(node) else None
        elif isinstance(node, dict):
            node = node.get(part)
        else:
            return None
    return node


def normalise(form: Form, record: dict[str, Any]) -> tuple[dict[str, Any], list[Finding]]:
    """Return a copy with ROC dates rewritten as ISO, and a finding for each rewrite."""
    out = copy.deepcopy(record)
    notes = []
    for pattern in date_pointers(form.schema):
        for ptr, value in list(matches(pattern, out)):
            if isinstance(value, str) and not is_iso(value):
                iso = to_iso(value)
                if iso is not None:
                    _set_pointer(out, ptr, iso)
                    notes.append(
                        Finding(
                            rule="schema",
                            severity="info",
                            path=ptr,
                            message=N_("{field}: read the date {value} as {iso}"),
                            citation="DESIGN §2.2",
                            params={"field": ptr, "value": value, "iso": iso},
                            expected=iso,
                            actual=value,
                        )
                    )
    return out, notes


def _owner(owns: dict[str, str], ptr_pattern: str, default: str) -> str:
    best, owner = -1, default
    for prefix, rule_id in owns.items():
        if (ptr_pattern == prefix or ptr_pattern.startswith(prefix + "/")) and len(prefix) > best:
            best, owner = len(prefix), rule_id
    return owner


def _derive(
    form: Form, record: dict[str, Any], ctx: registry.Context
) -> tuple[dict[str, Any], list[Finding]]:
    filled = copy.deepcopy(record)
    findings: list[Finding] = []
    specs = registry.derivers_for(form.id)
    for spec in specs:
        spec.func(filled, ctx)
    owns: dict[str, str] = {}
    for spec in specs:
        owns.update(spec.owns)
    default_owner = form.rules[0] if form.rules else "schema"
    for pattern in read_only_pointers(form.schema):
        for ptr, given in matches(pattern, record):
            computed = _get_pointer(filled, ptr)
            if given != computed or type(given) is bool and type(computed) is not bool:
                rule_id = _owner(owns, pattern, default_owner)
                spec = registry.all_rules().get(rule_id)
                findings.append(
                    Finding(
                        rule=rule_id,
                        severity="error",
                        path=ptr,
                        message=N_("{field}: the given value {actual} differs from the computed value {expected}"),
                        citation=spec.citation if spec else "",
                        params={"field": ptr, "actual": given, "expected": computed},
                        expected=computed,
                        actual=given,
                    )
                )
    return filled, findings


def _run_rules(
    form: Form, filled: dict[str, Any], ctx: registry.Context, schema_ok: bool
) -> list[Finding]:
    out: list[Finding] = []
    for spec in registry.rules_for(form.id):
        try:
            produced = list(spec.func(filled, ctx))
        except (KeyError, TypeError, ValueError, AttributeError, IndexError) as exc:
            if not schema_ok:
                continue  # the schema findings already say what is wrong
            log.warning("rule %s could not be evaluated: %s", spec.id, exc)
            out.append(
                Finding(
                    rule=spec.id,
                    severity="error",
                    path="",
                    message=N_("this rule could not be evaluated on the record: {detail}"),
                    citation=spec.citation,
                    params={"detail": type(exc).__name__},
                )
            )
            continue
        for f in produced:
            out.append(f.with_(rule=f.rule or spec.id, citation=f.citation or spec.citation))
    return out


def _sorted(findings: list[Finding]) -> list[Finding]:
    return sorted(findings, key=lambda f: (_SEVERITY_ORDER[f.severity], f.path, f.rule))


def _run(
    form: str | Form,
    record: Any,
    as_of: date | None,
    options: dict[str, Any] | None,
) -> Report:
    form = resolve(form)
    if not isinstance(record, dict):
        raise InputError(f"a record must be a JSON object, not {type(record).__name__}")
    over = limits.record_findings(record)
    if over:  # too large to check: neither the schema nor the rules run on it
        return Report(form=form.id, record=record, findings=_sorted(over))
    ctx = registry.Context(as_of=as_of or date.today(), options=dict(options or {}), form=form.id)
    normalised, notes = normalise(form, record)
    schema_errors = list(schema_findings(form.schema, normalised))
    schema_ok = not schema_errors
    filled, derived_errors = normalised, []
    try:
        filled, derived_errors = _derive(form, normalised, ctx)
    except (KeyError, TypeError, ValueError, AttributeError, IndexError) as exc:
        if schema_ok:
            log.warning("derivation for %s failed: %s", form.id, exc)
            raise InputError(f"{form.id}: derived fields could not be computed: {exc}") from exc
    rule_findings = _run_rules(form, filled, ctx, schema_ok)
    findings = _sorted(schema_errors + derived_errors + rule_findings + notes)
    return Report(form=form.id, record=filled, findings=findings)


def validate(
    form: str | Form,
    record: Any,
    *,
    as_of: date | None = None,
    options: dict[str, Any] | None = None,
) -> Report:
    """Check a record against its form's schema and procedural rules.

    >>> report = validate("ciyue/fee-quote", record, as_of=date(2024, 5, 1))  # doctest: +SKIP
    >>> report.valid, [f.rule for f in report.findings]                      # doctest: +SKIP
    """
    return _run(form, record, as_of, options)


def fill(
    form: str | Form,
    record: Any,
    *,
    as_of: date | None = None,
    options: dict[str, Any] | None = None,
) -> Report:
    """Normalise a record and compute its derived fields; the findings come along.

    ``report.record`` is the completed record (input plus derived values);
    rendering it is the caller's decision (the CLI refuses unless ``--draft``
    when ``report.valid`` is false).
    """
    return _run(form, record, as_of, options)
