"""National ID numbers (身分證統一編號) kept out of logs, messages and, on request, documents.

Three layers:

1. Findings on a field whose schema format is ``tw-national-id`` never carry its
   value (:mod:`formkit.schema` masks it where the finding is made).
2. The last line of defence, in :mod:`formkit.masking` (re-exported here):
   :func:`redact_text` masks anything shaped like a national ID. It is applied to
   every :class:`~formkit.findings.Finding` as it is shown (message, ``expected``,
   ``actual``), to every :class:`~formkit.errors.FormkitError` as it is made, and
   to every record of the ``formkit`` logger (a :class:`logging.Filter`
   installed when formkit is imported; add :class:`RedactingFilter` to a
   handler to cover other libraries' records as well).
3. :func:`redact_record` masks the national IDs of a record for rendering
   (``fill --redact``, ``batch --redact``): a PDF made from it holds only the
   masked form, on its pages and in its embedded formkit.json, which also says
   ``"redacted": true``.

A masked ID keeps the letter and the last three digits: ``A******789``.

This module works with schemas, findings and the renderers; :mod:`formkit.masking`
is the part that depends on nothing, for :mod:`formkit.errors` and
:mod:`formkit.findings`.
"""

from __future__ import annotations

import copy
import re
from typing import Any

from .findings import Finding
from .forms import Form, get_form
from .i18n import N_
from .masking import (
    LOGGER,
    NATIONAL_ID_SHAPE,
    RedactedRecord,
    RedactingFilter,
    install_log_filter,
    is_redacted,
    mask_national_id,
    redact_text,
    redact_value,
)
from .pointers import get_pointer, matches, set_pointer
from .schema import national_id_patterns

__all__ = [
    "LOGGER",
    "NATIONAL_ID_SHAPE",
    "REDACTED_RENDERERS",
    "RedactedRecord",
    "RedactingFilter",
    "install_log_filter",
    "is_masked",
    "is_redacted",
    "mask_national_id",
    "national_id_pointers",
    "protect_findings",
    "redact_record",
    "redact_text",
    "redact_value",
    "redacted_findings",
    "render_docx_redacted",
    "render_pdf_redacted",
]


def _form(form: str | Form) -> Form:
    return form if isinstance(form, Form) else get_form(form)


def national_id_pointers(form: Any, record: Any) -> list[str]:
    """JSON pointers of the values of ``record`` whose schema format is ``tw-national-id``."""
    out: list[str] = []
    for pattern in national_id_patterns(_form(form).schema):
        out.extend(ptr for ptr, value in matches(pattern, record) if isinstance(value, str))
    return out


def redact_record(form: Any, record: dict[str, Any]) -> RedactedRecord:
    """A copy of ``record`` for rendering with its national IDs masked (``A******789``).

    A value whose schema format is ``tw-national-id`` is masked whole, whatever
    its shape (a mistyped ID is personal data too); in every other string,
    whatever is shaped like a national ID is masked. The record given is not
    changed. Render the result as any record; a PDF made from it embeds the
    masked data with ``"redacted": true`` (an extension of the embedded data's keys).
    """
    out = copy.deepcopy(record)
    for ptr in national_id_pointers(form, out):
        set_pointer(out, ptr, mask_national_id(get_pointer(out, ptr)))
    return RedactedRecord(redact_value(out))


def protect_findings(form: Any, data: dict[str, Any], findings: list[Any], *,
                     redacted: bool = False) -> list[Any]:
    """Findings about ``data`` with no national ID in them, whatever made them.

    A finding on a ``tw-national-id`` field shows its values masked whole
    (``expected``, ``actual`` and every placeholder but the field's name),
    whatever their shape; in every finding, the record's own national IDs are
    masked wherever they appear. With ``redacted`` (the record comes from a PDF
    rendered with :func:`redact_record`), see :func:`redacted_findings`.
    """
    pointers = set(national_id_pointers(form, data))
    secrets = sorted({v for p in pointers if len(v := get_pointer(data, p)) >= 4},
                     key=len, reverse=True)

    def hide(value: Any, whole: bool) -> Any:
        if isinstance(value, str):
            if whole:
                return mask_national_id(value)
            for secret in secrets:
                value = value.replace(secret, mask_national_id(secret))
            return value
        if isinstance(value, list | tuple):
            return type(value)(hide(v, whole) for v in value)
        if isinstance(value, dict):
            return {k: hide(v, whole) for k, v in value.items()}
        return value

    out = []
    for f in findings:
        whole = f.path in pointers
        params = {k: v if k == "field" else hide(v, whole) for k, v in f.params.items()}
        out.append(f.with_(params=params, expected=hide(f.expected, whole),
                           actual=hide(f.actual, whole)))
    return redacted_findings(form, data, out) if redacted else out


def is_masked(value: Any) -> bool:
    """Whether ``value`` is a national ID as :func:`mask_national_id` masks it: a letter, six
    asterisks and three digits (``A******789``), or asterisks only (a shorter value)."""
    if not isinstance(value, str) or not value:
        return False
    return set(value) == {"*"} or re.fullmatch(r"[A-Za-z]\*{6}[0-9]{3}", value) is not None


def redacted_findings(form: Any, data: dict[str, Any], findings: list[Any]) -> list[Any]:
    """The findings of a redacted PDF's record, as ``parse`` reports them.

    A masked national ID fails the format check by design: that error becomes
    an info saying the number was masked. Only a value masked as
    :func:`mask_national_id` masks (``A******789``) is excused: the ``redacted``
    flag lies outside the embedded sha256, and must not turn a malformed
    number into an info. Every other finding stays as it is, and an info says
    the document was redacted.
    """
    masked = {p for p in national_id_pointers(form, data) if is_masked(get_pointer(data, p))}
    out = [
        f.with_(severity="info",
                template=N_("{field}: the 身分證統一編號 was masked when the document was rendered "
                           "(redacted); it cannot be checked"),
                params={"field": f.path})
        if f.rule == "schema" and f.severity == "error" and f.path in masked else f
        for f in findings
    ]
    out.insert(0, Finding("embedded", "info", "",
                          N_("this document was rendered with national IDs masked (redacted)"),
                          citation=""))
    return out


def render_pdf_redacted(form: Any, record: dict[str, Any], **options: Any) -> bytes:
    """:func:`formkit.render_pdf` of :func:`redact_record` (options as render_pdf takes them)."""
    from .render.pdf import render_pdf

    return render_pdf(form, redact_record(form, record), **options)


def render_docx_redacted(form: Any, record: dict[str, Any], **options: Any) -> bytes:
    """:func:`formkit.render_docx` of :func:`redact_record` (options as render_docx takes them)."""
    from .render.docx import render_docx

    return render_docx(form, redact_record(form, record), **options)


# For formkit.batch.run_batch(..., renderers=REDACTED_RENDERERS): module-level, so
# worker processes can use them too.
REDACTED_RENDERERS = {"pdf": render_pdf_redacted, "docx": render_docx_redacted}
