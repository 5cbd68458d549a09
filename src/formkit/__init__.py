"""formkit: the forms of Taiwan's product certification schemes.

The public API is what this package exports in ``__all__``; everything else
is an implementation detail. The functions here are the API's own, typed and
documented; the renderers and the parser (WeasyPrint, python-docx, pdfplumber)
are imported only when one of them is called.
"""

from __future__ import annotations

import os
from datetime import date
from typing import Any, BinaryIO

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
    UnknownSchemeError,
    WorkerError,
)
from .findings import Finding
from .forms import Form
from .forms import catalog as _catalog
from .forms import get_form as _get_form
from .limits import Limits
from .results import CaseReport, ParseResult, Report
from .rules.periods import Deadline

__version__ = "0.1.0"

__all__ = [
    "catalog",
    "get_form",
    "fill",
    "validate",
    "render_pdf",
    "render_docx",
    "render_odt",
    "parse_pdf",
    "check_case",
    "due",
    "Form",
    "Report",
    "ParseResult",
    "CaseReport",
    "Limits",
    "Deadline",
    "Finding",
    "FormkitError",
    "UnknownFormError",
    "UnknownSchemeError",
    "InputError",
    "MalformedJSONError",
    "NotAFormPDFError",
    "RecordError",
    "MissingGlyphError",
    "RenderError",
    "EnvironmentProblem",
    "LimitExceeded",
    "WorkerError",
]

#: ``parse_pdf``'s default caps (a sentinel here, so that this module does not
#: import the parser).
_DEFAULT: Any = object()


def catalog(scheme: str | None = None) -> list[Form]:
    """Every form, in catalogue order, or those of one scheme (``mit``, ``cnsmark``, …).

    Raises :class:`UnknownFormError` for an unknown scheme.
    """
    return _catalog(scheme)


def get_form(form_id: str) -> Form:
    """The form with this id (``mit/annex-07-qms-assessment``).

    Raises :class:`UnknownFormError`, with the closest ids as ``suggestions``.
    """
    return _get_form(form_id)


def fill(form: str | Form, record: Any, *, as_of: date | None = None,
         options: dict[str, Any] | None = None,
         case: str | os.PathLike[str] | list[dict[str, Any]] | None = None) -> Report:
    """Normalise a record and compute its derived values (tallies, verdicts, fees,
    person-days, due dates); the findings of its validation come along.

    ``report.record`` is the completed record; rendering it when ``report.valid``
    is false is the caller's decision. ``as_of`` is the date of reference of rules
    about "today" (default: today). ``case`` (a case folder or file as for
    :func:`check_case`, or a list of ``{"form", "data"}``) holds the documents a summary
    counts from: the 附件十五 附錄六 summary's counts come from the year's reports.
    """
    from .case import with_case
    from .engine import fill as run

    return with_case(run, form, record, as_of=as_of, options=options, case=case)


def validate(form: str | Form, record: Any, *, as_of: date | None = None,
             options: dict[str, Any] | None = None,
             case: str | os.PathLike[str] | list[dict[str, Any]] | None = None) -> Report:
    """Check a record against its form's schema and procedural rules; each finding
    cites its clause. ``case`` is as for :func:`fill`."""
    from .case import with_case
    from .engine import validate as run

    return with_case(run, form, record, as_of=as_of, options=options, case=case)


def render_pdf(form: str | Form, record: dict[str, Any] | None, *, draft: bool = False,
               templates: str | None = None, worksheet: bool = False) -> bytes:
    """The PDF/A-3b of a filled record, or of the blank form when ``record`` is None.

    The record is embedded (``formkit.json``) so that :func:`parse_pdf` reads it
    back exactly. ``draft`` adds the 草稿 watermark; ``worksheet`` adds the form's
    worksheet pages. Raises :class:`MissingGlyphError` for a character no font can
    draw and :class:`LimitExceeded` for a record over a cap.
    """
    from .render.pdf import render_pdf as run

    return run(form, record, draft=draft, templates=templates, worksheet=worksheet)


def render_docx(form: str | Form, record: dict[str, Any] | None, *, draft: bool = False,
                templates: str | None = None, worksheet: bool = False) -> bytes:
    """The DOCX of a filled record, or of the blank form when ``record`` is None."""
    from .render.docx import render_docx as run

    return run(form, record, draft=draft, templates=templates, worksheet=worksheet)


def render_odt(form: str | Form, record: dict[str, Any] | None, *, draft: bool = False,
               worksheet: bool = False) -> bytes:
    """The ODT (OpenDocument text, ODF 1.2) of a filled record, or of the blank form when
    ``record`` is None.

    A filled document carries the record as ``formkit.json`` at the package's root
    (the PDF's payload); a blank carries none. ``draft`` marks the title 草稿, as
    the DOCX; ``worksheet`` adds the form's worksheet pages.
    """
    from .render.odt import render_odt as run

    return run(form, record, draft=draft, worksheet=worksheet)


def parse_pdf(source: str | os.PathLike[str] | bytes | BinaryIO, *,
              form: str | Form | None = None, as_of: date | None = None,
              limits: Limits | None = _DEFAULT) -> ParseResult:
    """Read a submitted PDF (or a scan: PNG, JPEG, TIFF) back into a record and
    validate it.

    ``source`` is a path, the bytes, or a binary file object. The parse runs in a
    worker process held to ``limits`` (default: :class:`Limits`'s defaults), which
    works from any caller: a script without a main guard, a notebook, a thread.
    ``limits=None`` parses in this process (size, page and stream caps only).
    Raises :class:`NotAFormPDFError` for a file that is not a form formkit knows
    and :class:`LimitExceeded` (``.limit`` says which) for one over a cap.
    """
    from .parse import DEFAULT_LIMITS
    from .parse import parse_pdf as run

    return run(source, form=form, as_of=as_of,
               limits=DEFAULT_LIMITS if limits is _DEFAULT else limits)


def check_case(documents: str | os.PathLike[str] | list[dict[str, Any]], *,
               as_of: date | None = None, options: dict[str, Any] | None = None) -> CaseReport:
    """Run the cross-document rules over a case: a folder, a JSON file, or a list of
    ``{"form": ID, "data": RECORD}``."""
    from .case import check_case as run

    return run(documents, as_of=as_of, options=options)


def due(event: date, n: int, unit: str = "day", *, rollover: bool = True,
        include_start: bool = False) -> Deadline:
    """The last day of a time limit of ``n`` units (``day``, ``month``, ``year``) after
    ``event``: the event day is not counted (unless ``include_start``), months end as
    民法 §121 says, and with ``rollover`` a last day on a rest day moves to the next
    working day (Taiwan's calendar). Raises :class:`InputError` for a bad unit or count.
    """
    from .i18n import N_
    from .rules.periods import deadline

    if not isinstance(event, date):
        raise InputError(N_("due: the event must be a date, not {kind}"),
                         kind=type(event).__name__)
    if isinstance(n, bool) or not isinstance(n, int):
        raise InputError(N_("due: the count must be a whole number, not {kind}"),
                         kind=type(n).__name__)
    return deadline(event, n, unit, rollover=rollover, include_start=include_start)
