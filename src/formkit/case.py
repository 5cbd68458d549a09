"""Cross-document checks over the documents of one case (``formkit check``).

A case is a folder, or a JSON file, of ``{"form": ID, "data": RECORD}``
documents (a JSON file may hold one document, a list of them, or
``{"documents": [...]}``). PDFs written by formkit inside a folder are read
through their embedded data, verified as ``formkit parse`` verifies it: the
findings of that check (a page that differs from the data) are the case's.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from . import rules as registry
from .engine import fill
from .errors import InputError
from .findings import Finding
from .forms import Form
from .i18n import N_
from .records import read_json
from .results import CaseReport, Report


def _documents_from_json(data: Any, source: str) -> list[tuple[str, dict[str, Any], str]]:
    if isinstance(data, dict) and "documents" in data:
        data = data["documents"]
    items = data if isinstance(data, list) else [data]
    out = []
    for i, item in enumerate(items):
        where = f"{source}[{i}]" if isinstance(data, list) else source
        if not isinstance(item, dict) or "form" not in item or "data" not in item:
            raise InputError(N_("{file}: a case document must be an object with 'form' and "
                                "'data'"), file=where)
        if not isinstance(item["data"], dict):
            raise InputError(N_("{file}: 'data' must be a JSON object"), file=where)
        out.append((str(item["form"]), item["data"], where))
    return out


#: The rules of the findings a PDF's parse makes about the PDF itself (its embedded data
#: against its pages, its structure): a case report carries them.
VERIFICATION_RULES = ("embedded", "pdf-active")


def load_case(path: str | os.PathLike[str]) -> list[tuple[str, dict[str, Any], str]]:
    """The (form id, record, source) of every document of a case folder or file
    (``-``: a JSON file on stdin)."""
    return _load_case(path)[0]


def _load_case(path: str | os.PathLike[str], as_of: date | None = None,
               ) -> tuple[list[tuple[str, dict[str, Any], str]], list[Finding]]:
    """:func:`load_case`, and the findings of the verification of each PDF of the folder:
    a PDF is read as ``formkit parse`` reads it, its embedded data checked against its
    pages (a tampered PDF in a case is reported, not trusted)."""
    if str(path) == "-":
        return _documents_from_json(read_json("-"), "<stdin>"), []
    p = Path(path)
    if not p.exists():
        raise InputError(N_("{file}: no such file or folder"), file=str(p))
    if p.is_file():
        return _documents_from_json(read_json(p), str(p)), []
    docs = []
    checks: list[Finding] = []
    for child in sorted(p.iterdir()):
        if child.suffix.lower() in (".json", ".pdf") and not child.is_file():
            # a FIFO would hold the check until someone writes to it; a device, for ever
            raise InputError(N_("{file}: not a regular file; a case folder holds files only"),
                             file=str(child))
        if child.suffix.lower() == ".json":
            docs.extend(_documents_from_json(read_json(child), str(child)))
        elif child.suffix.lower() == ".pdf":
            from .parse import parse_pdf
            from .parse.embedded import read_embedded

            if read_embedded(child) is None:
                raise InputError(N_("{file}: this PDF carries no formkit data; parse it first"),
                                 file=str(child))
            parsed = parse_pdf(child, as_of=as_of)
            checks.extend(f.with_(form=parsed.form) for f in parsed.findings
                          if f.rule in VERIFICATION_RULES and f.severity != "info")
            docs.append((parsed.form, parsed.data, str(child)))
    if not docs:
        raise InputError(N_("{file}: no case documents (*.json, *.pdf) in this folder"),
                         file=str(p))
    return docs, checks


def load_filled(
    documents: str | os.PathLike[str] | list[dict[str, Any]],
    *,
    as_of: date | None = None,
    options: dict[str, Any] | None = None,
) -> tuple[registry.Case, list[Finding]]:
    """The documents of a case, each filled (derived values computed, with no case of its
    own), and the findings about them: a PDF's verification, a document's schema errors.
    """
    findings: list[Finding] = []
    if isinstance(documents, list):
        raw = _documents_from_json(documents, "<documents>")
    else:
        raw, checks = _load_case(documents, as_of)
        findings.extend(checks)
    docs: list[registry.CaseDoc] = []
    for form_id, record, source in raw:
        report = fill(form_id, record, as_of=as_of or date.today(), options=options)
        schema_errors = [f for f in report.findings if f.rule == "schema" and f.is_error]
        findings.extend(f.with_(form=form_id) for f in schema_errors)
        docs.append(registry.CaseDoc(form_id, report.record, source))
    return registry.Case(tuple(docs)), findings


def with_case(
    run: Callable[..., Report],
    form: str | Form,
    record: Any,
    *,
    as_of: date | None = None,
    options: dict[str, Any] | None = None,
    case: str | os.PathLike[str] | list[dict[str, Any]] | registry.Case | None = None,
) -> Report:
    """``run`` (:func:`~formkit.engine.fill` or ``validate``) on a record, given the case
    its derived values count from: a folder or file as :func:`check_case` reads it, a list
    of ``{"form", "data"}`` documents, or a :class:`~formkit.rules.Case`."""
    if case is None or isinstance(case, registry.Case):
        return run(form, record, as_of=as_of, options=options, case=case)
    documents, findings = load_filled(case, as_of=as_of, options=options)
    return run(form, record, as_of=as_of, options=options, case=documents,
               case_findings=tuple(findings))


def check_case(
    documents: str | os.PathLike[str] | list[dict[str, Any]],
    *,
    as_of: date | None = None,
    options: dict[str, Any] | None = None,
) -> CaseReport:
    """Run the cross-document rules over a case.

    ``documents`` is a folder or JSON file path, or a list of
    ``{"form": ID, "data": RECORD}``. Each document is filled first (derived
    values computed); a document whose schema check fails is reported with its
    schema findings, since rules cannot trust it.
    """
    case, findings = load_filled(documents, as_of=as_of, options=options)
    ctx = registry.Context(as_of=as_of or date.today(), options=dict(options or {}))
    present = set(case.forms)
    for spec in registry.case_rules():
        if not present.intersection(spec.forms):
            continue
        try:
            produced = list(spec.func(case, ctx))
        except (KeyError, TypeError, ValueError, AttributeError, IndexError, OverflowError):
            if any(f.is_error for f in findings):  # a 9999 date is a schema error already
                continue
            raise
        for f in produced:
            findings.append(
                f.with_(rule=f.rule or spec.id, citation=f.citation or spec.citation)
            )
    findings.sort(key=lambda f: ({"error": 0, "warning": 1, "info": 2}[f.severity], f.rule))
    return CaseReport(forms=case.forms, findings=findings)
