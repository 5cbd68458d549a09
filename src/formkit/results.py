"""What the API returns: :class:`Report` (``fill``, ``validate``), :class:`ParseResult`
(``parse_pdf``: the record read back, where it came from, how sure each value is) and
:class:`CaseReport` (``check_case``). Light on purpose: ``import formkit`` loads them."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .findings import Finding, has_errors
from .i18n import N_, Localised, translate
from .pointers import dotted_to_pointer

# A value read with confidence below this is listed for review. The text and
# fields routes give 1.0 only to values they read without any guess; OCR
# never reaches it for text (DESIGN: never report OCR guesses as certain).
REVIEW_BELOW = 0.95


@dataclass
class ParseResult:
    form: str
    # Where the record came from: "embedded" (a formkit PDF's formkit.json), "fields"
    # (AcroForm values), "text" (a PDF's text layer), "ocr" (a scan), or "docx" / "odt" (an
    # office document: its embedded record when ``confidence`` is None, else its text read
    # on the form's layout).
    source: str
    data: dict[str, Any]
    findings: list[Finding] = field(default_factory=list)
    confidence: dict[str, float] | None = None
    empty: list[str] = field(default_factory=list)
    draft: bool = False
    # The document's signatures (formkit.sign.SignatureReport.summary()); None: not signed.
    signature: dict[str, Any] | None = None
    # A signed, intact document (every signature valid, the last covering the whole file,
    # nothing changed after it; trusted when trust anchors were given) whose record was read
    # from its embedded data and matches the printed pages: the only record reported verified.
    verified: bool = False

    @property
    def review(self) -> list[str]:
        """Fields a person should check: every value read with less than full confidence."""
        return sorted(k for k, v in (self.confidence or {}).items() if v < REVIEW_BELOW)

    @property
    def valid(self) -> bool:
        return not has_errors(self.findings)

    def as_dict(self, lang: str = "zh-TW") -> dict[str, Any]:
        out: dict[str, Any] = {
            "form": self.form,
            "source": self.source,
            "data": self.data,
            "findings": [f.as_dict(lang) for f in self.findings],
        }
        if self.confidence is not None:
            out["confidence"] = {dotted_to_pointer(k): v
                                 for k, v in sorted(self.confidence.items())}
            out["empty"] = [dotted_to_pointer(k) for k in self.empty]
            out["review"] = [dotted_to_pointer(k) for k in self.review]
        if self.draft:
            out["draft"] = True
        out["verified"] = self.verified
        out["signature"] = self.signature
        return out


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

    def summary(self, lang: str = "zh-TW") -> str:
        """The line that closes the text report: 「ciyue/fee-quote：有 3 項錯誤」."""
        if self.valid:
            return translate(N_("{form}: valid"), lang, {"form": self.form})
        params = {"form": self.form, "count": len(self.errors)}
        return translate(N_("{form}: invalid: {count} error(s)"), lang, params)


@dataclass
class CaseReport:
    forms: list[str]
    findings: list[Finding] = field(default_factory=list)

    @property
    def valid(self) -> bool:
        return not has_errors(self.findings)

    def as_dict(self, lang: str = "zh-TW") -> dict[str, Any]:
        return {
            "form": None,
            "forms": self.forms,
            "valid": self.valid,
            "findings": [f.as_dict(lang) for f in self.findings],
        }

    def summary(self, lang: str = "zh-TW") -> str:
        """The line that closes the text report of ``formkit check``."""
        params = {"count": len(self.forms),
                  "forms": Localised(", ".join(self.forms), "、".join(self.forms))}
        if self.valid:
            return translate(N_("case of {count} form(s) {forms}: consistent"), lang, params)
        return translate(N_("case of {count} form(s) {forms}: inconsistent"), lang, params)
