"""National ID numbers (身分證統一編號) kept out of logs, messages and, on request, documents.

Three layers (DESIGN §4):

1. Findings on a field whose schema format is ``tw-national-id`` never carry its
   value (:mod:`formkit.schema` masks it where the finding is made).
2. The last line of defence: :func:`redact_text` masks anything shaped like a
   national ID, ``[A-Z]`` and nine digits of which the first is 1, 2 (citizens),
   8, 9 (foreign residents since 2021) or A to D (resident certificates before
   2021), half- or full-width, in either letter case. It is applied to every
   :class:`~formkit.findings.Finding` as it is shown (message, ``expected``,
   ``actual``), to every :class:`~formkit.errors.FormkitError` as it is made, and
   to every record of the ``formkit`` logger (a :class:`logging.Filter`
   installed when formkit is imported; add :class:`RedactingFilter` to a
   handler to cover other libraries' records as well).
3. :func:`redact_record` masks the national IDs of a record for rendering
   (``fill --redact``, ``batch --redact``): a PDF made from it holds only the
   masked form, on its pages and in its embedded formkit.json, which also says
   ``"redacted": true``.

A masked ID keeps the letter and the last three digits: ``A******789``.
"""

from __future__ import annotations

import copy
import logging
import re
from typing import Any

from .ids import mask_national_id

LOGGER = "formkit"

_LETTER = "A-Za-zＡ-Ｚａ-ｚ"
_DIGIT = "0-9０-９"
# Not inside a longer run of letters and digits: "XA123456789" and "A1234567890" are
# other codes. Full-width forms count, since people type them.
NATIONAL_ID_SHAPE = re.compile(
    rf"(?<![{_LETTER}{_DIGIT}])[{_LETTER}][{_DIGIT}A-Da-dＡ-Ｄａ-ｄ][{_DIGIT}]{{8}}(?![{_DIGIT}])"
)


def redact_text(text: str) -> str:
    """``text`` with everything shaped like a national ID masked."""
    if not isinstance(text, str):
        return text
    return NATIONAL_ID_SHAPE.sub(lambda m: mask_national_id(m.group()), text)


def redact_value(value: Any) -> Any:
    """A JSON-like value with every string in it passed through :func:`redact_text`."""
    if isinstance(value, str):
        return redact_text(value)
    if isinstance(value, list):
        return [redact_value(v) for v in value]
    if isinstance(value, tuple):
        return tuple(redact_value(v) for v in value)
    if isinstance(value, dict):
        return {redact_text(k) if isinstance(k, str) else k: redact_value(v)
                for k, v in value.items()}
    return value


# -- logging -----------------------------------------------------------------------------


class RedactingFilter(logging.Filter):
    """Masks national IDs in a log record: its message, and any traceback or stack it carries.

    The message is formatted here (``msg % args``) and stored whole, so no
    argument reaches a handler unmasked. It never drops a record.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 - a broken record is the logging module's to report
            return True
        record.msg, record.args = redact_text(message), None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact_text(record.exc_text)
        if record.stack_info:
            record.stack_info = redact_text(record.stack_info)
        return True


def install_log_filter(logger: str = LOGGER) -> RedactingFilter:
    """Put a :class:`RedactingFilter` on a logger (once) and return it.

    A logger's filters see only the records logged on that very logger, not
    those of its children (``formkit.x``) nor of other libraries; for those, add
    a :class:`RedactingFilter` to the handler that writes them.
    """
    target = logging.getLogger(logger)
    for f in target.filters:
        if isinstance(f, RedactingFilter):
            return f
    added = RedactingFilter()
    target.addFilter(added)
    return added


install_log_filter()


# -- records -----------------------------------------------------------------------------


class RedactedRecord(dict):  # type: ignore[type-arg]
    """A record whose national IDs are masked: renderers say so in what they write."""

    redacted = True


def is_redacted(record: Any) -> bool:
    return bool(getattr(record, "redacted", False))


def national_id_pointers(form: Any, record: Any) -> list[str]:
    """JSON pointers of the values of ``record`` whose schema format is ``tw-national-id``."""
    from .schema import national_id_patterns
    from .validate import matches, resolve

    form = resolve(form)
    out: list[str] = []
    for pattern in national_id_patterns(form.schema):
        out.extend(ptr for ptr, value in matches(pattern, record) if isinstance(value, str))
    return out


def redact_record(form: Any, record: dict[str, Any]) -> RedactedRecord:
    """A copy of ``record`` for rendering with its national IDs masked (``A******789``).

    A value whose schema format is ``tw-national-id`` is masked whole, whatever
    its shape (a mistyped ID is personal data too); in every other string,
    whatever is shaped like a national ID is masked. The record given is not
    changed. Render the result as any record; a PDF made from it embeds the
    masked data with ``"redacted": true`` (an extension of DESIGN §2.4's keys).
    """
    from .validate import _get_pointer, _set_pointer

    out = copy.deepcopy(record)
    for ptr in national_id_pointers(form, out):
        _set_pointer(out, ptr, mask_national_id(_get_pointer(out, ptr)))
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
    from .validate import _get_pointer

    pointers = set(national_id_pointers(form, data))
    secrets = sorted({v for p in pointers if len(v := _get_pointer(data, p)) >= 4},
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


def redacted_findings(form: Any, data: dict[str, Any], findings: list[Any]) -> list[Any]:
    """The findings of a redacted PDF's record, as ``parse`` reports them.

    A masked national ID fails the format check by design: that error becomes
    an info saying the number was masked. Every other finding stays as it is,
    and an info says the document was redacted.
    """
    from .findings import Finding
    from .i18n import N_

    masked = set(national_id_pointers(form, data))
    out = [
        f.with_(severity="info",
                message=N_("{field}: the 身分證統一編號 was masked when the document was rendered "
                           "(redacted); it cannot be checked"),
                params={"field": f.path})
        if f.rule == "schema" and f.severity == "error" and f.path in masked else f
        for f in findings
    ]
    out.insert(0, Finding("embedded", "info", "",
                          N_("this document was rendered with national IDs masked (redacted)"),
                          citation="DESIGN §4"))
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
