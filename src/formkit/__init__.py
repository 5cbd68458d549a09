"""formkit: the forms of Taiwan's product certification schemes.

The public API is what this package exports in ``__all__``; everything else
is an implementation detail. Heavy modules (WeasyPrint, pdfplumber) load only
when a function that needs them is called.
"""

from __future__ import annotations

from typing import Any

from .errors import (
    EnvironmentProblem,
    FormkitError,
    InputError,
    LimitExceeded,
    MalformedJSONError,
    MissingGlyphError,
    NotAFormPDFError,
    RecordError,
    RenderError,
    UnknownFormError,
)
from .findings import Finding

__version__ = "0.1.0"

__all__ = [
    "catalog",
    "get_form",
    "fill",
    "validate",
    "render_pdf",
    "render_docx",
    "parse_pdf",
    "check_case",
    "due",
    "Finding",
    "FormkitError",
    "UnknownFormError",
    "InputError",
    "MalformedJSONError",
    "NotAFormPDFError",
    "RecordError",
    "MissingGlyphError",
    "RenderError",
    "EnvironmentProblem",
    "LimitExceeded",
]

_LAZY = {
    "catalog": ("catalog", "catalog"),
    "get_form": ("catalog", "get_form"),
    "fill": ("validate", "fill"),
    "validate": ("validate", "validate"),
    "render_pdf": ("render.pdf", "render_pdf"),
    "render_docx": ("render.docx", "render_docx"),
    "parse_pdf": ("parse", "parse_pdf"),
    "check_case": ("case", "check_case"),
    "due": ("rules.periods", "deadline"),
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        module, attr = _LAZY[name]
        value = getattr(importlib.import_module(f".{module}", __name__), attr)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'formkit' has no attribute {name!r}")
