"""The engine: normalise input, compute derived fields, check schema and rules.

``fill`` and ``validate`` share one pipeline:

1. normalise: ROC dates typed by users become ISO, and choices given by their
   printed label become their code (each change is reported);
2. schema: JSON Schema 2020-12 with format checking;
3. derive: each form's derivers compute the readOnly fields on a copy; a value
   given in the input that disagrees with the computed one is an error under
   the rule that owns it; a deriver may read the documents of the record's case
   (``case=``), as an annual summary counts the year's reports;
4. rules: every rule registered for the form runs on the filled record.

Before all of these, a record over a cap of :mod:`formkit.limits` (size, rows,
text length, nesting; or NaN/Infinity from the Python API) gets error findings
with rule id ``limits`` (``schema`` for a non-finite number) and nothing else.
"""

from __future__ import annotations

import copy
import logging
from collections.abc import Iterator
from datetime import date
from typing import Any

from . import labels, limits
from . import rules as registry
from .dates import is_iso, to_iso
from .errors import InputError
from .findings import Finding
from .forms import Form, get_form
from .i18n import N_, Localised
from .pointers import escape, get_pointer, matches, set_pointer
from .results import Report
from .schema import (
    choice_fields,
    date_pointers,
    match_choice,
    read_only_pointers,
    schema_findings,
)

log = logging.getLogger("formkit")

_SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}


def resolve(form: str | Form) -> Form:
    return form if isinstance(form, Form) else get_form(form)


def normalise(form: Form, record: dict[str, Any]) -> tuple[dict[str, Any], list[Finding]]:
    """Return a copy with ROC dates rewritten as ISO and choices given by their printed
    label (「郵寄」) rewritten as their code (``mail``), and an info finding for each rewrite."""
    out = copy.deepcopy(record)
    notes = []

    def rewrite(ptr: str, given: Any, value: Any, template: str, **params: Any) -> None:
        set_pointer(out, ptr, value)
        notes.append(Finding(rule="schema", severity="info", path=ptr, template=template,
                             citation="", expected=value, actual=given,
                             params={"field": labels.field(form.schema, ptr), "value": given,
                                     **params}))

    for pattern in date_pointers(form.schema):
        for ptr, value in list(matches(pattern, out)):
            if isinstance(value, str) and not is_iso(value):
                iso = to_iso(value)
                if iso is not None:
                    rewrite(ptr, value, iso, N_("{field}: read the date {value} as {iso}"),
                            iso=iso)
    for pattern, options in choice_fields(form.schema).items():
        for ptr, value in list(matches(pattern, out)):
            code = match_choice(options, value)
            if code is None or code == value and type(code) is type(value):
                continue  # a code already, or no option's: the schema says which
            rewrite(ptr, value, code, N_("{field}: read {value} as the option {label}"),
                    label=labels.choice(form, ptr, code))
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
        for top, given_top in matches(pattern, record):
            rule_id = _owner(owns, pattern, default_owner)
            owner = registry.all_rules().get(rule_id)
            for ptr, given, computed in _differences(top, given_top, get_pointer(filled, top)):
                findings.append(
                    Finding(
                        rule=rule_id,
                        severity="error",
                        path=ptr,
                        template=N_(
                            "{field}: the given value {actual} differs from the computed "
                            "value {expected}"
                        ),
                        # a form with no rule: its derived values are the form's own
                        citation=owner.citation if owner else form.citation,
                        params={
                            "field": labels.field(form.schema, ptr),
                            "actual": labels.value(form, ptr, given),
                            "expected": labels.value(form, ptr, computed),
                        },
                        expected=computed,
                        actual=given,
                    )
                )
    return filled, findings


def _differences(ptr: str, given: Any, computed: Any) -> Iterator[tuple[str, Any, Any]]:
    """Where a given derived value differs from the computed one, as deep as both agree in
    shape: a fee line's amount rather than the whole list of lines."""
    if isinstance(given, dict) and isinstance(computed, dict):
        for key in [*computed, *(k for k in given if k not in computed)]:
            yield from _differences(f"{ptr}/{escape(key)}", given.get(key), computed.get(key))
    elif isinstance(given, list) and isinstance(computed, list) and len(given) == len(computed):
        for i, (one, other) in enumerate(zip(given, computed, strict=True)):
            yield from _differences(f"{ptr}/{i}", one, other)
    elif given != computed or type(given) is bool and type(computed) is not bool:
        yield ptr, given, computed


def _run_rules(
    form: Form, filled: dict[str, Any], ctx: registry.Context, schema_ok: bool
) -> list[Finding]:
    out: list[Finding] = []
    for spec in registry.rules_for(form.id):
        try:
            produced = list(spec.func(filled, ctx))
        except (KeyError, TypeError, ValueError, AttributeError, IndexError,
                OverflowError) as exc:  # OverflowError: date arithmetic past 9999-12-31
            if not schema_ok:
                continue  # the schema findings already say what is wrong
            log.warning("rule %s could not be evaluated: %s", spec.id, exc)
            out.append(
                Finding(
                    rule=spec.id,
                    severity="error",
                    path="",
                    template=N_("this rule could not be evaluated on the record: {detail}"),
                    citation=spec.citation,
                    params={"detail": Localised(type(exc).__name__, "資料之結構不如預期")},
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
    case: registry.Case | None = None,
    case_findings: tuple[Finding, ...] = (),
) -> Report:
    form = resolve(form)
    if case is not None and not isinstance(case, registry.Case):
        raise TypeError("engine.fill and engine.validate take a formkit.rules.Case; "
                        "formkit.fill reads a case folder, file or list of documents")
    if not isinstance(record, dict):
        from .records import json_kind

        raise InputError(N_("a record must be a JSON object, not {kind}"), kind=json_kind(record))
    over = limits.record_findings(record)
    if over:  # too large to check: neither the schema nor the rules run on it
        return Report(form=form.id, record=record, findings=_sorted(over))
    ctx = registry.Context(as_of=as_of or date.today(), options=dict(options or {}), form=form.id,
                           case=case)
    normalised, notes = normalise(form, record)
    schema_errors = list(schema_findings(form.schema, normalised))
    schema_ok = not schema_errors
    filled: dict[str, Any] = normalised
    derived_errors: list[Finding] = []
    try:
        filled, derived_errors = _derive(form, normalised, ctx)
    except (KeyError, TypeError, ValueError, AttributeError, IndexError, OverflowError) as exc:
        if schema_ok:
            log.warning("derivation for %s failed: %s", form.id, exc)
            raise InputError(N_("{form}: derived fields could not be computed: {error}"),
                             form=form.id, error=str(exc)) from exc
    rule_findings = _run_rules(form, filled, ctx, schema_ok)
    findings = _sorted(schema_errors + derived_errors + rule_findings + notes + list(case_findings))
    return Report(form=form.id, record=filled, findings=findings)


def validate(
    form: str | Form,
    record: Any,
    *,
    as_of: date | None = None,
    options: dict[str, Any] | None = None,
    case: registry.Case | None = None,
    case_findings: tuple[Finding, ...] = (),
) -> Report:
    """Check a record against its form's schema and procedural rules.

    ``case`` holds the other documents the derived values count from (an annual
    summary's counts come from the year's reports); ``case_findings``, what is wrong with
    them (:func:`formkit.case.load_filled`), go with the record's findings, since counts
    made from them cannot be trusted.

    >>> report = validate("ciyue/fee-quote", record, as_of=date(2024, 5, 1))  # doctest: +SKIP
    >>> report.valid, [f.rule for f in report.findings]                      # doctest: +SKIP
    """
    return _run(form, record, as_of, options, case, case_findings)


def fill(
    form: str | Form,
    record: Any,
    *,
    as_of: date | None = None,
    options: dict[str, Any] | None = None,
    case: registry.Case | None = None,
    case_findings: tuple[Finding, ...] = (),
) -> Report:
    """Normalise a record and compute its derived fields; the findings come along.

    ``report.record`` is the completed record (input plus derived values);
    rendering it is the caller's decision (the CLI refuses unless ``--draft``
    when ``report.valid`` is false). ``case`` is as for :func:`validate`: a summary given
    its case counts the reports of it; a count given that differs is an error.
    """
    return _run(form, record, as_of, options, case, case_findings)
