"""Validation findings: small immutable records, like jsonschema's ValidationError."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from .i18n import DEFAULT_LANG, translate
from .masking import redact_text, redact_value

SEVERITIES = ("error", "warning", "info")


@dataclass(frozen=True)
class Finding:
    """One result of a check.

    ``template`` is the message id: English with ``{name}`` placeholders, filled
    from ``params``; :meth:`text` translates and fills it in any language, and
    ``message`` is that text in the default language (zh-TW), where a day given as a
    parameter reads in ROC style (113年5月6日) as on the forms; ``expected`` and
    ``actual`` keep the record's ISO values.

    Whatever is shaped like a national ID (身分證統一編號) is masked in what a
    finding shows (:meth:`text`, :meth:`as_dict`, ``repr``): see :mod:`formkit.redact`.
    """

    rule: str
    severity: str
    path: str
    template: str
    citation: str = ""
    params: dict[str, Any] = field(default_factory=dict, compare=False)
    expected: Any = None
    actual: Any = None
    form: str | None = None
    message: str = field(init=False, compare=False)

    def __post_init__(self) -> None:
        if self.severity not in SEVERITIES:
            raise ValueError(f"severity must be one of {SEVERITIES}, not {self.severity!r}")
        object.__setattr__(self, "message", self.text())

    @property
    def is_error(self) -> bool:
        return self.severity == "error"

    def with_(self, **changes: Any) -> Finding:
        return replace(self, **changes)

    def text(self, lang: str = DEFAULT_LANG) -> str:
        return redact_text(translate(self.template, lang, self.params, roc_days=True))

    def as_dict(self, lang: str = DEFAULT_LANG) -> dict[str, Any]:
        out: dict[str, Any] = {
            "rule": self.rule,
            "severity": self.severity,
            "path": redact_text(self.path),
            "message": self.text(lang),
            "citation": self.citation,
        }
        if self.form is not None:
            out["form"] = self.form
        if self.expected is not None:
            out["expected"] = redact_value(self.expected)
        if self.actual is not None:
            out["actual"] = redact_value(self.actual)
        return out

    def __repr__(self) -> str:
        fields = ", ".join(f"{name}={getattr(self, name)!r}" for name in (
            "rule", "severity", "path", "template", "citation", "params", "expected", "actual",
            "form"))
        return redact_text(f"Finding({fields})")


def has_errors(findings: list[Finding]) -> bool:
    return any(f.is_error for f in findings)
