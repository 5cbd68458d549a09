"""Reading submitted PDFs back into records.

Sources, tried in order: ``embedded`` (formkit's own formkit.json, checked
against the printed text), ``fields`` (AcroForm values), ``text`` (the text
layer, anchored on the layout's labels) and ``ocr`` (scans).

An embedded record is believed only as far as the pages show it
(:mod:`formkit.parse.integrity`): every value the form prints is compared with
the page, pages added or of another form, annotations over the page, the 草稿
watermark against the ``draft`` flag and form fields whose value is not what
they show are errors; active content (JavaScript, launch actions, XFA) is a
warning on any route.
"""

from __future__ import annotations

import os
from datetime import date
from typing import Any, BinaryIO

from .. import labels
from ..engine import resolve, validate
from ..errors import EnvironmentProblem, NotAFormPDFError, UnknownFormError, WorkerError
from ..findings import Finding
from ..forms import Form
from ..i18n import N_
from ..limits import Limits
from ..pointers import dotted_to_pointer, get, leaves
from ..redact import protect_findings
from ..render.model import titles
from ..results import REVIEW_BELOW, ParseResult
from . import integrity
from .embedded import digest_ok, embedded_payload, has_bidi_control, same_as_printed
from .fields import acroform_values, read_fields
from .integrity import identify
from .pdfio import is_image, is_zip, library_failure, open_pdf, read_bytes
from .text import Unit, extract_units, read_text, squash
from .worker import call, library_caps

__all__ = ["DEFAULT_LIMITS", "REVIEW_BELOW", "Limits", "ParseResult", "WorkerError", "identify",
           "parse_pdf"]

#: The caps :func:`parse_pdf` applies unless told otherwise.
DEFAULT_LIMITS = Limits()

def _compare(form: Form, embedded: dict[str, Any], printed: dict[str, Any]) -> list[Finding]:
    """Every field whose printed value differs from the embedded one."""
    from ..render.model import format_value

    out = []
    for key, value in leaves(printed):
        expected = get(embedded, key)
        if expected == value:
            continue
        if isinstance(expected, float | int) and isinstance(value, float | int) and expected == value:
            continue
        shown_expected = format_value(form, key, expected)[0] if expected is not None else ""
        shown_actual = format_value(form, key, value)[0]
        if same_as_printed(shown_expected, shown_actual):
            continue
        control = next((ch for ch in shown_expected if has_bidi_control(ch)), None)
        if control is not None:
            out.append(Finding(
                rule="embedded", severity="error", path=dotted_to_pointer(key),
                template=N_("{field}: the embedded value contains a bidi control character "
                            "(U+{code}) that changes the order shown; the page shows {actual}, "
                            "the data holds {expected}"),
                citation="",
                params={"field": labels.field(form.schema, dotted_to_pointer(key)),
                        "code": f"{ord(control):04X}", "actual": shown_actual or "（空白）",
                        "expected": shown_expected},
                expected=expected, actual=value))
            continue
        out.append(
            Finding(
                rule="embedded",
                severity="error",
                path=dotted_to_pointer(key),
                template=N_(
                    "{field}: the printed value {actual} differs from the embedded data {expected}; "
                    "the page text or the data was changed after formkit wrote the PDF"
                ),
                citation="",
                params={"field": labels.field(form.schema, dotted_to_pointer(key)),
                        "actual": shown_actual or "（空白）",
                        "expected": shown_expected or "（空白）"},
                expected=expected,
                actual=value,
            )
        )
    return out


def parse_pdf(
    source: str | os.PathLike[str] | bytes | BinaryIO,
    *,
    form: str | Form | None = None,
    as_of: date | None = None,
    limits: Limits | None = DEFAULT_LIMITS,
) -> ParseResult:
    """Read a submitted PDF (or a scan: PNG, JPEG, TIFF; or a DOCX or ODT document) back into
    a record, and validate it.

    A DOCX or ODT is told by its content, not its name (:mod:`formkit.parse.office`):
    one formkit filled gives back its embedded record (source ``docx`` or ``odt``,
    ``confidence`` None), checked against the text it shows; one filled by hand
    in an office suite is read from its tables and paragraphs, anchored on the
    form's labels (source ``docx`` or ``odt``, with a confidence per field).

    ``source`` is a path, the file's bytes, or a binary file object (an upload,
    a ``BytesIO``); no more than the size cap is read from it.

    The parse runs in a worker process held to ``limits`` (see
    :mod:`formkit.parse.worker`): file size, pages, one stream's inflated size,
    wall-clock time and memory. ``limits=None`` parses in this process, with
    the default caps on size, pages and streams but none on time or memory.

    Raises :class:`NotAFormPDFError` for a file that is not a PDF, is
    encrypted, or is not a form formkit knows, and :class:`LimitExceeded`
    (its ``limit`` says which) for a file over a cap.
    """
    caps = limits if limits is not None else DEFAULT_LIMITS
    data, name = read_bytes(source, caps.max_bytes, images=True, office=True)
    if form is not None:
        resolve(form)  # an unknown form id is refused before any work
    result: ParseResult = call(_parse, (data, name, form, as_of, caps), limits=limits, name=name)
    return result


def _parse(data: bytes, name: str, form: str | Form | None, as_of: date | None,
           limits: Limits) -> ParseResult:
    """The parse itself, in whichever process runs it."""
    with library_caps(limits, name):
        wanted = resolve(form) if form is not None else None
        if is_zip(data):  # an office document: no PDF signature to look for
            return _from_office(data, name, wanted, as_of, limits)
        result = _route(data, name, wanted, as_of, limits)
        from ..sign import attach_signature  # signatures: formkit.sign (pyHanko only if signed)

        return attach_signature(result, data, name)


_OTHER_FORM = N_("{file}: this PDF is a {found}, not a {form}")


def _checked(name: str, check: Any, reader: Any) -> list[Finding]:
    """The findings of one of :mod:`integrity`'s checks of the PDF's objects, with pypdf's
    failures on a broken file refused."""
    try:
        found: list[Finding] = check(reader)
    except MemoryError:
        raise
    except Exception as exc:  # noqa: BLE001 - the library boundary
        raise library_failure(name, exc, N_("unreadable objects")) from exc
    return found


def _pages(data: bytes, name: str) -> integrity.Pages:
    """The text layer with the draft watermark set apart (:func:`integrity.page_text`)."""
    try:
        return integrity.page_text(data)
    except MemoryError:
        raise
    except Exception as exc:  # noqa: BLE001 - the library boundary
        raise library_failure(name, exc, N_("the text of its pages cannot be read")) from exc


def _units(data: bytes, name: str) -> tuple[list[Unit], str]:
    """The text layer (pdfplumber), with pdfminer's failures on a broken file refused."""
    try:
        return extract_units(data)
    except MemoryError:
        raise
    except Exception as exc:  # noqa: BLE001 - the library boundary
        raise library_failure(name, exc, N_("the text of its pages cannot be read")) from exc


def _route(data: bytes, name: str, wanted: Form | None, as_of: date | None,
           limits: Limits) -> ParseResult:
    if is_image(data):
        return _from_scan(data, name, is_pdf=False, wanted=wanted, as_of=as_of, limits=limits)
    reader = open_pdf(data, limits.max_pages, name=name)
    data_bytes: bytes = reader.formkit_bytes
    payload = embedded_payload(reader, name)

    active = _checked(name, integrity.active_findings, reader)
    if payload is not None and payload["data"]:
        found = _embedded_form(payload, name)
        if wanted is not None and wanted.id != found.id:
            raise NotAFormPDFError(_OTHER_FORM, file=name, found=found.id, form=wanted.id)
        findings = [*active, *_digest_findings(payload)]
        draft = payload.get("draft") is True
        pages = _pages(data_bytes, name)
        findings.extend(integrity.page_findings(found, pages, draft=draft))
        findings.extend(_checked(name, integrity.annotation_findings, reader))
        findings.extend(_checked(name, integrity.appearance_findings, reader))
        printed = read_text(found, pages.units)
        findings.extend(_compare(found, payload["data"], printed.data))
        findings.extend(integrity.shown_findings(
            found, payload["data"], {k for k, _ in leaves(printed.data)}, pages.text,
            worksheet=payload.get("worksheet") is True))
        report = validate(found, payload["data"], as_of=as_of)
        # No national ID in a finding; a redacted PDF's masked ones are no error (formkit.redact).
        checked = protect_findings(found, payload["data"], findings + report.findings,
                                   redacted=payload.get("redacted") is True)
        return ParseResult(found.id, "embedded", payload["data"], checked, draft=draft)

    known = _embedded_form(payload, name) if payload is not None else None
    if known is not None and wanted is not None and known.id != wanted.id:
        raise NotAFormPDFError(_OTHER_FORM, file=name, found=known.id, form=wanted.id)
    values = acroform_values(reader, name)
    if values is not None:
        target = wanted or known
        if target is None:
            raise NotAFormPDFError(
                N_("{file}: a PDF form, but not one of formkit's (no formkit.json inside); name "
                   "the form with --form"), file=name)
        got = read_fields(target, values)
        report = validate(target, got.data, as_of=as_of)
        shown = _checked(name, integrity.appearance_findings, reader)
        return ParseResult(target.id, "fields", got.data, active + shown + report.findings,
                           confidence=got.confidence, empty=got.empty)

    units, text = _units(data_bytes, name)
    if not squash(text):
        scanned = _from_scan(data_bytes, name, is_pdf=True, wanted=wanted or known,
                             as_of=as_of, limits=limits)
        scanned.findings[:0] = active
        return scanned
    target = wanted or known or identify(text)
    if target is None:
        raise NotAFormPDFError(N_("{file}: not a formkit form (no known form title found on its "
                                  "pages)"), file=name)
    if not any(squash(t) in squash(text) for t in titles(target)):
        raise NotAFormPDFError(N_("{file}: the title of {form} is not on its pages"), file=name,
                               form=target.id)
    result = read_text(target, units)
    report = validate(target, result.data, as_of=as_of)
    return ParseResult(target.id, "text", result.data, active + report.findings,
                       confidence=result.confidence, empty=result.empty)


def _from_office(data: bytes, name: str, wanted: Form | None, as_of: date | None,
                 limits: Limits) -> ParseResult:
    """A DOCX or ODT: its embedded record checked against the text it shows, or the text read
    on the form's layout (:mod:`formkit.parse.office`)."""
    from .office import Package, active_findings, office_kind, record_of, units_of

    pkg = Package(data, name, limits)
    kind = office_kind(pkg)
    if kind is None:
        raise NotAFormPDFError(N_("{file}: a zip, but not a Word (.docx) or OpenDocument text "
                                  "(.odt) document"), file=name)
    units, text = units_of(pkg, kind)
    active = active_findings(pkg, kind)
    embedded = record_of(pkg, kind)
    payload = embedded.payload if embedded is not None else None
    if payload is not None and payload["data"]:
        found = _embedded_form(payload, name)
        if wanted is not None and wanted.id != found.id:
            raise NotAFormPDFError(_OTHER_FORM_DOCUMENT, file=name, found=found.id,
                                   form=wanted.id)
        findings = [*active, *_digest_findings(payload)]
        draft = payload.get("draft") is True
        findings.extend(_office_page_findings(found, text, draft))
        printed = read_text(found, units)
        findings.extend(_compare(found, payload["data"], printed.data))
        findings.extend(integrity.shown_findings(
            found, payload["data"], {k for k, _ in leaves(printed.data)}, text,
            worksheet=payload.get("worksheet") is True))
        report = validate(found, payload["data"], as_of=as_of)
        checked = protect_findings(found, payload["data"], findings + report.findings,
                                   redacted=payload.get("redacted") is True)
        return ParseResult(found.id, kind, payload["data"], checked, draft=draft)
    known = _embedded_form(payload, name) if payload is not None else None
    if known is not None and wanted is not None and known.id != wanted.id:
        raise NotAFormPDFError(_OTHER_FORM_DOCUMENT, file=name, found=known.id, form=wanted.id)
    target = wanted or known or identify(text)
    if target is None:
        raise NotAFormPDFError(N_("{file}: not a formkit form (no known form title found in the "
                                  "document)"), file=name)
    if not any(squash(t) in squash(text) for t in titles(target)):
        raise NotAFormPDFError(N_("{file}: the title of {form} is not in the document"),
                               file=name, form=target.id)
    result = read_text(target, units)
    confidence = _exact_spacing(result.data, result.confidence, units)
    report = validate(target, result.data, as_of=as_of)
    return ParseResult(target.id, kind, result.data, active + report.findings,
                       confidence=confidence, empty=result.empty)


_OTHER_FORM_DOCUMENT = N_("{file}: this document is a {found}, not a {form}")


def _office_page_findings(form: Form, text: str, draft: bool) -> list[Finding]:
    """The title of the form, and 草稿 in it exactly when the record says draft."""
    out: list[Finding] = []
    page = squash(text)
    if not any(squash(t) and squash(t) in page for t in titles(form)):
        out.append(Finding("embedded", "error", "",
                           N_("the title of {form} is not in the document: it does not show "
                              "the form the embedded data is for"), citation="",
                           params={"form": form.id}))
    marked = squash("（草稿）") in page
    if draft and not marked:
        out.append(Finding("embedded", "error", "",
                           N_("the embedded data says draft, but the title does not say 草稿"),
                           citation=""))
    elif marked and not draft:
        out.append(Finding("embedded", "error", "",
                           N_("the title says 草稿, but the embedded data says the document is "
                              "not a draft"), citation=""))
    return out


def _exact_spacing(data: dict[str, Any], confidence: dict[str, float],
                   units: list[Unit]) -> dict[str, float]:
    """The text route's confidence, without its doubt about spaces between CJK and Latin text.

    A PDF exported by an office suite may show spaces the typist never typed, so
    the text route reviews every such value; a document's own text holds what was
    typed. A value read whole from one line of the document (each of its lines,
    for a value of several) is as typed; one whose lines were joined keeps its
    review.
    """
    from .text import _LO_SPACE

    lines = {line.strip() for u in units for cell in u.cells for line in cell.split("\n")}
    out = dict(confidence)
    for key, sure in confidence.items():
        value = get(data, key)
        if sure != 0.85 or not isinstance(value, str) or not _LO_SPACE.search(value):
            continue
        if all(any(part in line for line in lines) for part in value.split("\n")):
            out[key] = 1.0
    return out


def _digest_findings(payload: dict[str, Any]) -> list[Finding]:
    """An error when the embedded data does not match its sha256 (corruption: anyone can
    recompute it, so a match proves nothing more)."""
    if digest_ok(payload):
        return []
    return [Finding("embedded", "error", "", N_("the embedded data does not match its sha256"),
                    citation="")]


def _embedded_form(payload: dict[str, Any], name: str) -> Form:
    """The form the embedded data names, which must be one of the catalogue's."""
    try:
        return resolve(payload["form"])
    except UnknownFormError as exc:
        raise NotAFormPDFError(N_("{file}: the embedded formkit.json names a form formkit does "
                                  "not know ({reason})"), file=name, reason=exc) from exc


def _from_scan(data: bytes, name: str, *, is_pdf: bool, wanted: Form | None,
               as_of: date | None, limits: Limits) -> ParseResult:
    """The OCR route: a scan or photo of a printed form (PDF of images, or an image file)."""
    try:
        from .ocr import read_scan
    except ImportError as exc:  # numpy, of the `ocr` extra
        raise EnvironmentProblem(
            N_("{file}: reading a scan needs the OCR route, which is not installed ({module} is "
               "missing): pip install 'formkit[ocr]'"), file=name, module=exc.name) from exc

    target, result = read_scan(data, name=name, is_pdf=is_pdf, form=wanted,
                               max_pages=limits.max_pages)
    report = validate(target, result.data, as_of=as_of)
    return ParseResult(target.id, "ocr", result.data, report.findings,
                       confidence=result.confidence, empty=result.empty)
