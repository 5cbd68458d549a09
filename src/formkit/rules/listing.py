"""The registered rules as ``formkit rules`` lists them: id, citation, severity, forms.

A rule's severities are not declared where it is registered; they are read from
its code: the ``ctx.error`` / ``ctx.warning`` / ``ctx.info`` it (or a helper of
the rules package it calls) uses, plus ``error`` for a rule that owns derived
fields (a given value that disagrees with the computed one is an error).
"""

from __future__ import annotations

import ast
import inspect
import textwrap
import types
from functools import cache
from typing import Any

from . import RuleSpec, _load, all_rules, derivers_for, implementations

SEVERITIES = ("error", "warning", "info")


def _called(func: types.FunctionType, seen: set[types.FunctionType]) -> set[str]:
    if func in seen:
        return set()
    seen.add(func)
    try:
        tree = ast.parse(textwrap.dedent(inspect.getsource(func)))
    except (OSError, TypeError, SyntaxError):
        return set()
    found: set[str] = set()
    for node in ast.walk(tree):
        if (isinstance(node, ast.Attribute) and node.attr in SEVERITIES
                and isinstance(node.value, ast.Name) and node.value.id == "ctx"):
            found.add(node.attr)
        elif isinstance(node, ast.keyword) and node.arg == "severity":
            if isinstance(node.value, ast.Constant) and node.value.value in SEVERITIES:
                found.add(node.value.value)
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            if node.func.id == "Finding":
                found.update(a.value for a in node.args
                             if isinstance(a, ast.Constant) and a.value in SEVERITIES)
            target = func.__globals__.get(node.func.id)
            if (isinstance(target, types.FunctionType)
                    and target.__module__.startswith(__package__ or "formkit.rules")):
                found |= _called(target, seen)
    return found


@cache
def severities(rule_id: str) -> tuple[str, ...]:
    """What the rule can report, most severe first."""
    spec = all_rules()[rule_id]
    found: set[str] = set()
    for impl in implementations(rule_id):  # every family of forms it is registered for
        if isinstance(impl.func, types.FunctionType):
            found |= _called(impl.func, set())
    if any(rule_id in d.owns.values() for form in spec.forms for d in derivers_for(form)):
        found.add("error")
    return tuple(s for s in SEVERITIES if s in found)


def bound_forms(spec: RuleSpec) -> list[str]:
    """The forms a rule applies to: its registration's, and every form whose form.yaml
    lists it, in catalogue order."""
    from ..forms import catalog

    return [f.id for f in catalog() if f.id in spec.forms or spec.id in f.rules]


# The scheme of a rule bound to no form, by its id (Part B's prefixes, Part C's ranges).
_PREFIXES = (("MIT-", "mit"), ("CNSL-", "cnsmark-legacy"), ("CNS-", "cnsmark"), ("CY-", "ciyue"),
             ("OSH-", "oshpm"))
_CROSS = ((23, "mit"), (29, "cnsmark"), (38, "ciyue"), (999, "oshpm"))


def scheme_of(rule_id: str) -> str | None:
    """The scheme a rule id belongs to: ``MIT-R03`` → mit, ``X-16`` → mit (X-01–X-23)."""
    for prefix, scheme in _PREFIXES:
        if rule_id.startswith(prefix):
            return scheme
    if rule_id.startswith("X-") and rule_id[2:].isdigit():
        return next(s for last, s in _CROSS if int(rule_id[2:]) <= last)
    return None


def describe_rules(form: str | None = None, scheme: str | None = None) -> list[dict[str, Any]]:
    """Every registered rule (of ``form``, or of the forms of ``scheme``), as dicts:
    ``id``, ``kind`` (``doc`` or ``case``), ``citation``, ``severity`` (the most severe
    it can report), ``severities``, ``forms`` and ``needs`` (what it would need that no form
    holds, else empty). A rule bound to no form is listed under its scheme."""
    from ..forms import catalog, get_form

    _load()
    wanted: set[str] | None = None
    if form is not None:
        wanted = {get_form(form).id}
    if scheme is not None:
        ids = {f.id for f in catalog(scheme)}
        wanted = ids if wanted is None else wanted & ids
    out = []
    for spec in all_rules().values():
        forms = bound_forms(spec)
        if wanted is not None and not wanted.intersection(forms):
            if forms or form is not None or scheme is None or scheme_of(spec.id) != scheme.lower():
                continue
        found = severities(spec.id)
        out.append({"id": spec.id, "kind": spec.kind, "citation": spec.citation,
                    "severity": found[0] if found else None, "severities": list(found),
                    "forms": forms, "needs": spec.needs})
    return out
