"""Validation findings: small immutable records, like jsonschema's ValidationError."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from .redact import redact_text, redact_value

SEVERITIES = ("error", "warning", "info")


@dataclass(frozen=True)
class Finding:
    """One result of a check.

    ``message`` is an English message id with ``{name}`` placeholders; it is
    translated and formatted by :meth:`text`. ``params`` fills the placeholders.

    Whatever is shaped like a national ID (身分證統一編號) is masked in what a
    finding shows (:meth:`text`, :meth:`as_dict`, ``repr``): see :mod:`formkit.redact`.
    """

    rule: str
    severity: str
    path: str
    message: str
    citation: str = ""
    params: dict[str, Any] = field(default_factory=dict, compare=False)
    expected: Any = None
    actual: Any = None
    form: str | None = None

    def __post_init__(self) -> None:
        if self.severity not in SEVERITIES:
            raise ValueError(f"severity must be one of {SEVERITIES}, not {self.severity!r}")

    @property
    def is_error(self) -> bool:
        return self.severity == "error"

    def with_(self, **changes: Any) -> Finding:
        return replace(self, **changes)

    def text(self, lang: str = "zh-TW") -> str:
        from .i18n import translate

        return redact_text(translate(self.message, lang, self.params))

    def as_dict(self, lang: str = "zh-TW") -> dict[str, Any]:
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
            "rule", "severity", "path", "message", "citation", "params", "expected", "actual",
            "form"))
        return redact_text(f"Finding({fields})")


def has_errors(findings: list[Finding]) -> bool:
    return any(f.is_error for f in findings)
