"""Procedural rules, derivations and cross-document rules, by registration.

Each scheme module registers its functions with the decorators below. The
registry is the explicit list of modules in :data:`MODULES`, imported on first
use; nothing scans the package.

A **rule** is a plain function ``check(record, ctx)`` that yields findings made
with ``ctx.error(...)``, ``ctx.warning(...)`` or ``ctx.info(...)``; the engine
adds the rule id and citation. It sees the *filled* record (derived values in
place). A **deriver** ``derive(record, ctx)`` writes a form's derived fields
into the record in place. ``owns`` maps JSON-pointer prefixes of derived
fields (``*`` for any array index) to the rule whose computation they are; the
engine reports an input value that disagrees with the computed one under that
rule id. A **case rule** ``check(case, ctx)`` relates documents of one case.

A deriver may read ``ctx.case``: the other documents of the record's case, when the
caller gave them (``formkit fill --case``). An annual summary counts the year's reports
from it; without a case, its counts are taken as given and ``formkit check`` compares
them with the reports.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Any, TypeVar

from ..findings import Finding

MODULES = ("mit", "cnsmark", "ciyue", "oshpm", "cross")


@dataclass(frozen=True)
class RuleSpec:
    id: str
    citation: str
    forms: tuple[str, ...]
    func: Callable[..., Iterator[Finding]]
    kind: str = "doc"  # "doc" or "case"
    needs: str = ""  # what the rule would need that no form of the catalogue holds


@dataclass(frozen=True)
class DeriverSpec:
    form: str
    func: Callable[[dict[str, Any], Context], None]
    owns: dict[str, str]


@dataclass
class Context:
    """What a rule may know besides the record: the date of reference and options.

    ``options`` holds the ambiguity readings (``reading``, ``rest_day_rollover``
    and the like, named in the catalogue's Part D) keyed by rule id or globally.
    """

    as_of: date | None = None
    options: dict[str, Any] = field(default_factory=dict)
    form: str | None = None
    #: the documents of the record's case (filled), when the caller gave them: what a
    #: summary derives its counts from; ``None`` when there is no case
    case: Case | None = None

    def option(self, name: str, default: Any = None, rule: str | None = None) -> Any:
        if rule and isinstance(self.options.get(rule), dict) and name in self.options[rule]:
            return self.options[rule][name]
        return self.options.get(name, default)

    def _finding(self, severity: str, path: str, message: str, **kw: Any) -> Finding:
        expected = kw.pop("expected", None)
        actual = kw.pop("actual", None)
        citation = kw.pop("citation", "")
        form = kw.pop("form", None)
        rule = kw.pop("rule", "")
        return Finding(
            rule=rule,
            severity=severity,
            path=path,
            template=message,
            citation=citation,
            params=kw,
            expected=expected,
            actual=actual,
            form=form,
        )

    def error(self, path: str, message: str, **kw: Any) -> Finding:
        return self._finding("error", path, message, **kw)

    def warning(self, path: str, message: str, **kw: Any) -> Finding:
        return self._finding("warning", path, message, **kw)

    def info(self, path: str, message: str, **kw: Any) -> Finding:
        return self._finding("info", path, message, **kw)


@dataclass(frozen=True)
class CaseDoc:
    """One document of a case: its form id, its *filled* record, where it came from."""

    form: str
    data: dict[str, Any]
    source: str = ""


@dataclass(frozen=True)
class Case:
    """The documents of one case, for cross-document rules."""

    docs: tuple[CaseDoc, ...]

    def all(self, form: str) -> list[CaseDoc]:
        return [d for d in self.docs if d.form == form]

    def first(self, form: str) -> CaseDoc | None:
        found = self.all(form)
        return found[0] if found else None

    @property
    def forms(self) -> list[str]:
        return sorted({d.form for d in self.docs})


_RULES: dict[str, RuleSpec] = {}  # one entry per rule id: every form it binds, for listing
_IMPLS: list[RuleSpec] = []  # what runs: a rule may be implemented apart for each form family
_DERIVERS: dict[str, list[DeriverSpec]] = {}
_loaded = False


F = TypeVar("F", bound=Callable[..., Any])


def rule(rule_id: str, *, forms: str | tuple[str, ...], citation: str,
         needs: str = "") -> Callable[[F], F]:
    """Register a single-document rule for one or more forms.

    A rule the catalogue binds to forms of different shapes (MIT-R34 on the certificate
    and on the renewal application) may be registered once per family of forms; the forms
    of its registrations may not overlap, and ``formkit rules`` lists it once. ``needs``
    says, for ``formkit rules``, what a rule would need that the seeds leave out (a rule
    bound to no form is listed under its scheme with it).
    """
    forms_t = (forms,) if isinstance(forms, str) else tuple(forms)

    def register(func: F) -> F:
        spec = RuleSpec(rule_id, citation, forms_t, func, "doc", needs)
        known = _RULES.get(rule_id)
        if known is not None:
            if known.kind != "doc" or set(known.forms) & set(forms_t):
                raise ValueError(f"rule {rule_id} registered twice for the same form")
            citations = known.citation if citation in known.citation.split(" | ") else (
                f"{known.citation} | {citation}")
            _RULES[rule_id] = RuleSpec(rule_id, citations, known.forms + forms_t, known.func,
                                       "doc", known.needs or needs)
        else:
            _RULES[rule_id] = spec
        _IMPLS.append(spec)
        return func

    return register


def case_rule(rule_id: str, *, forms: tuple[str, ...], citation: str,
              needs: str = "") -> Callable[[F], F]:
    """Register a cross-document rule over the documents of one case."""

    def register(func: F) -> F:
        if rule_id in _RULES:
            raise ValueError(f"rule {rule_id} registered twice")
        _RULES[rule_id] = RuleSpec(rule_id, citation, tuple(forms), func, "case", needs)
        return func

    return register


def deriver(form: str, *, owns: dict[str, str]) -> Callable[[F], F]:
    """Register the function that computes a form's derived fields."""

    def register(func: F) -> F:
        _DERIVERS.setdefault(form, []).append(DeriverSpec(form, func, owns))
        return func

    return register


def _load() -> None:
    global _loaded
    if not _loaded:
        for name in MODULES:
            importlib.import_module(f"{__name__}.{name}")
        _loaded = True


def all_rules() -> dict[str, RuleSpec]:
    _load()
    return dict(_RULES)


def rules_for(form_id: str) -> list[RuleSpec]:
    _load()
    return [r for r in _IMPLS if form_id in r.forms]


def implementations(rule_id: str) -> list[RuleSpec]:
    """Every registration of a rule: one per family of forms (a case rule has one)."""
    _load()
    found = [r for r in _IMPLS if r.id == rule_id]
    return found or [_RULES[rule_id]]


def case_rules() -> list[RuleSpec]:
    _load()
    return [r for r in _RULES.values() if r.kind == "case"]


def derivers_for(form_id: str) -> list[DeriverSpec]:
    _load()
    return list(_DERIVERS.get(form_id, ()))
