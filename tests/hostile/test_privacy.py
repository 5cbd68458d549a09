"""National ID numbers (身分證統一編號) never reach logs, messages or reports (issue 5).

An oshpm/destruction-plan record whose obligor is a natural person holds one at
``/obligor/national_id`` (schema format ``tw-national-id``). With a valid and an
invalid number, every path (validate, fill, render, parse, batch; the Python API
with logging at DEBUG, and the CLI with ``-vv`` in a subprocess) is run, and the
number is looked for in stdout, stderr, log records, finding messages, error
messages and report files: only the masked form ``A******789`` may show. A
redacted render (:func:`formkit.redact.redact_record`) holds only the masked form,
in the PDF's text layer and embedded formkit.json, and in the DOCX's XML.
"""

from __future__ import annotations

import copy
import io
import json
import logging
import os
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import pytest

from formkit import parse_pdf, render_docx, render_pdf
from formkit.batch import run_batch
from formkit.engine import fill, validate
from formkit.errors import FormkitError, InputError, UnknownFormError
from formkit.forms import get_form
from formkit.ids import national_id_valid
from formkit.redact import (
    REDACTED_RENDERERS,
    RedactingFilter,
    redact_record,
    redact_text,
)

from ..conftest import AS_OF

PLAN = "oshpm/destruction-plan"
VALID = "A123456789"
INVALID = "F131104094"  # the right shape, a wrong checksum
MASKED = {VALID: "A******789", INVALID: "F******094"}
IDS = [VALID, INVALID]


def test_the_numbers_are_what_this_file_says() -> None:
    assert national_id_valid(VALID) and not national_id_valid(INVALID)


def _record(nid: str, **extra: str) -> dict[str, Any]:
    record = copy.deepcopy(get_form(PLAN).sample)
    record["obligor"]["national_id"] = nid
    for key, value in extra.items():
        record[key] = value
    return record


def _everything(findings: list[Any]) -> str:
    """All a finding can show, in both languages, and its repr."""
    parts = []
    for f in findings:
        parts += [f.text("zh-TW"), f.text("en"), repr(f),
                  json.dumps(f.as_dict("en"), ensure_ascii=False),
                  json.dumps(f.as_dict("zh-TW"), ensure_ascii=False)]
    return "\n".join(parts)


def _absent(nid: str, *texts: str) -> None:
    for text in texts:
        assert nid not in text


@pytest.fixture
def debug_logs(caplog: pytest.LogCaptureFixture) -> Any:
    caplog.set_level(logging.DEBUG)  # every logger, formkit's and the libraries'
    return lambda: "\n".join(
        caplog.handler.format(r) for r in caplog.records)


# -- the Python API -------------------------------------------------------------------------


@pytest.mark.parametrize("nid", IDS)
def test_validate_and_fill_never_show_the_number(nid: str, debug_logs: Any) -> None:
    for run in (validate, fill):
        report = run(PLAN, _record(nid), as_of=AS_OF)
        text = _everything(report.findings) + json.dumps(report.as_dict("en"), ensure_ascii=False)
        _absent(nid, text, debug_logs())
    if nid == INVALID:
        (bad,) = [f for f in report.findings if f.path == "/obligor/national_id"]
        assert bad.is_error and bad.actual == MASKED[nid]
        assert MASKED[nid] not in bad.text("en")  # the format message names the field only


@pytest.mark.parametrize("shape", ["a123456789", "A12345678", "A1234567890",
                                   "Ａ１２３４５６７８９"])
def test_a_malformed_number_in_its_field_is_never_shown_either(shape: str) -> None:
    report = validate(PLAN, _record(shape), as_of=AS_OF)
    (bad,) = [f for f in report.findings if f.path == "/obligor/national_id"]
    _absent(shape, _everything([bad]))


def test_a_number_elsewhere_in_the_record_is_masked_in_any_finding() -> None:
    """The last line of defence: anything shaped like a national ID, in any finding."""
    record = _record(VALID)
    record["seal"]["method"] = f"stamp {VALID}"  # not one of the enum's values
    record["obligor"][VALID] = "x"  # an unknown field named like one
    report = validate(PLAN, record, as_of=AS_OF)
    assert any(f.path == "/seal/method" for f in report.findings)
    assert any(f.path == "/obligor" for f in report.findings)
    _absent(VALID, _everything(report.findings))


@pytest.mark.parametrize("nid", IDS)
def test_render_and_parse_never_log_or_report_the_number(nid: str, debug_logs: Any) -> None:
    report = fill(PLAN, _record(nid), as_of=AS_OF)
    draft = not report.valid
    pdf = render_pdf(PLAN, report.record, draft=draft)
    render_docx(PLAN, report.record, draft=draft)
    parsed = parse_pdf(pdf, as_of=AS_OF)
    assert parsed.data["obligor"]["national_id"] == nid  # the data is the record's own
    shown = dict(parsed.as_dict("en"))
    shown.pop("data")
    _absent(nid, _everything(parsed.findings), json.dumps(shown, ensure_ascii=False),
            debug_logs())


@pytest.mark.parametrize(("on_page", "in_data"), [(VALID, INVALID), ("A1234567", VALID)])
def test_an_edited_number_is_reported_without_either_value(on_page: str, in_data: str,
                                                           debug_logs: Any) -> None:
    """Page and data disagree on the number: the 'embedded' error shows both masked,
    whatever their shape (A1234567 is no national ID's shape)."""
    from formkit.render.html import render_html
    from formkit.render.pdf import html_to_pdf, payload

    form = get_form(PLAN)
    printed = fill(PLAN, _record(on_page), as_of=AS_OF).record
    data = fill(PLAN, _record(in_data), as_of=AS_OF).record
    pdf = html_to_pdf(render_html(form, printed), payload(form, data, False))
    parsed = parse_pdf(pdf, as_of=AS_OF)
    edited = [f for f in parsed.findings if f.rule == "embedded"]
    assert [f.path for f in edited] == ["/obligor/national_id"]
    for nid in (on_page, in_data):
        _absent(nid, _everything(parsed.findings), debug_logs())


def test_errors_mask_the_number_in_str_repr_and_traceback() -> None:
    import traceback

    for exc in (InputError(f"{VALID}.json: unreadable"), UnknownFormError(VALID),
                FormkitError("a", f"b {INVALID}")):
        shown = str(exc) + repr(exc) + "".join(traceback.format_exception(exc))
        _absent(VALID, shown)
        _absent(INVALID, shown)
    with pytest.raises(UnknownFormError) as info:
        get_form(f"oshpm/{VALID}")
    assert VALID not in str(info.value) and "A******789" in str(info.value)


def test_the_formkit_logger_masks_messages_arguments_and_tracebacks(
        caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG, logger="formkit")
    log = logging.getLogger("formkit")
    log.warning("obligor %s, again %r", VALID, {"id": INVALID})
    try:
        raise KeyError(VALID)
    except KeyError:
        log.exception("a rule failed on %s", "x")
    shown = "\n".join(caplog.handler.format(r) for r in caplog.records)
    assert "A******789" in shown and "F******094" in shown
    _absent(VALID, shown)
    _absent(INVALID, shown)


def test_the_filter_on_any_handler_covers_other_loggers() -> None:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RedactingFilter())
    other = logging.getLogger("some.library")
    other.addHandler(handler)
    try:
        other.error("value %s", VALID)
    finally:
        other.removeHandler(handler)
    assert stream.getvalue() == "value A******789\n"


def test_redact_text_masks_the_shapes_formkit_knows_and_nothing_longer() -> None:
    assert redact_text(f"身分證{VALID}號") == "身分證A******789號"
    assert redact_text("居留證 B812345678, a823456789, AC12345678") == (
        "居留證 B******678, a******789, A******678")
    assert redact_text("Ｃ２２３４５６７８９") == "Ｃ******７８９"
    for other in ("XA123456789", "A1234567890", "53212539", "OSH-113-000123", "2024-06-01",
                  "MIT-TX-113-0457-01", "A12345678"):
        assert redact_text(other) == other


# -- redacted rendering ---------------------------------------------------------------------


def _pdf_texts(pdf: bytes) -> str:
    import pdfplumber
    from pypdf import PdfReader

    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        plumber = "".join(p.extract_text() or "" for p in doc.pages)
    return plumber + "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)


def test_a_redacted_pdf_holds_only_the_masked_number(debug_logs: Any) -> None:
    record = fill(PLAN, _record(VALID, method=f"由 {VALID} 本人監督拆解"), as_of=AS_OF).record
    redacted = redact_record(PLAN, record)
    assert record["obligor"]["national_id"] == VALID  # the record given is not changed
    assert redacted["obligor"]["national_id"] == "A******789"
    assert redacted["method"] == "由 A******789 本人監督拆解"
    pdf = render_pdf(PLAN, redacted)
    from pypdf import PdfReader

    raw = PdfReader(io.BytesIO(pdf)).attachments["formkit.json"][0].decode("utf-8")
    payload = json.loads(raw)
    assert payload["redacted"] is True and payload["data"] == redacted
    assert "A******789" in _pdf_texts(pdf).replace(" ", "")
    _absent(VALID, raw, _pdf_texts(pdf), pdf.decode("latin-1"))
    # parse: the masked number is an info, not an error, and the rest is checked as ever
    parsed = parse_pdf(pdf, as_of=AS_OF)
    assert parsed.valid and parsed.data == redacted
    infos = {f.path: f for f in parsed.findings if f.severity == "info"}
    assert "redacted" in infos["/obligor/national_id"].text("en")
    assert [f for f in parsed.findings if f.rule == "embedded" and f.is_error] == []
    _absent(VALID, _everything(parsed.findings), debug_logs())


def test_an_unredacted_pdf_keeps_the_payload_keys_of_design_2_4() -> None:
    from pypdf import PdfReader

    pdf = render_pdf(PLAN, fill(PLAN, _record(VALID), as_of=AS_OF).record)
    payload = json.loads(PdfReader(io.BytesIO(pdf)).attachments["formkit.json"][0])
    assert set(payload) == {"formkit", "form", "data", "sha256", "draft"}


def test_a_redacted_docx_holds_only_the_masked_number() -> None:
    record = fill(PLAN, _record(VALID), as_of=AS_OF).record
    docx = render_docx(PLAN, redact_record(PLAN, record))
    with zipfile.ZipFile(io.BytesIO(docx)) as z:
        parts = {name: z.read(name).decode("utf-8", "replace") for name in z.namelist()}
    assert "A******789" in parts["word/document.xml"]
    for text in parts.values():
        _absent(VALID, text)


def test_a_redacted_batch_writes_no_number_anywhere(tmp_path: Path, debug_logs: Any) -> None:
    src = tmp_path / "records.jsonl"
    lines = [_record(VALID, case_no="OSH-1"), _record(INVALID, case_no="OSH-2")]
    src.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in lines) + "\n",
                   encoding="utf-8")
    out = tmp_path / "out"
    result = run_batch(PLAN, src, out, formats="pdf,docx", as_of=AS_OF,
                       renderers=REDACTED_RENDERERS)
    assert result.counts["written"] == 1 and result.counts["refused"] == 1
    for path in out.iterdir():
        data = path.read_bytes()
        text = data.decode("latin-1") if path.suffix == ".pdf" else data.decode("utf-8", "replace")
        if path.suffix == ".docx":
            with zipfile.ZipFile(path) as z:
                text = "".join(z.read(n).decode("utf-8", "replace") for n in z.namelist())
        if path.suffix == ".pdf":
            text += _pdf_texts(data)
        for nid in IDS:
            _absent(nid, text)
    for nid in IDS:
        _absent(nid, debug_logs())


# -- the command line, -vv, in a subprocess -------------------------------------------------


def _cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    script = Path(sys.executable).parent / "formkit"
    command = [str(script)] if script.exists() else [
        sys.executable, "-c", "from formkit.cli import main; main()"]
    env = dict(os.environ, PYTHONWARNINGS="default")
    return subprocess.run([*command, "-vv", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=300, env=env, check=False)


@pytest.mark.parametrize("nid", IDS)
def test_the_command_line_at_debug_never_shows_the_number(nid: str, tmp_path: Path) -> None:
    data = tmp_path / "plan.json"
    data.write_text(json.dumps(_record(nid), ensure_ascii=False), encoding="utf-8")
    runs = [
        _cli("validate", PLAN, str(data), "--as-of", "2024-06-01", cwd=tmp_path),
        _cli("validate", PLAN, str(data), "--as-of", "2024-06-01", "--format", "json",
             "--lang", "en", cwd=tmp_path),
        _cli("fill", PLAN, str(data), "-o", "plan.pdf", "--as-of", "2024-06-01", "--draft",
             cwd=tmp_path),
        _cli("fill", PLAN, str(data), "-o", "plan.docx", "--as-of", "2024-06-01", "--draft",
             cwd=tmp_path),
        _cli("fill", PLAN, str(data), "-o", "plan.out.json", "--as-of", "2024-06-01",
             cwd=tmp_path),
    ]
    runs.append(_cli("parse", "plan.pdf", "-o", "parsed.json", "--as-of", "2024-06-01",
                     cwd=tmp_path))
    runs.append(_cli("parse", "plan.pdf", "-o", "parsed2.json", "--as-of", "2024-06-01",
                     "--format", "text", "--lang", "en", cwd=tmp_path))
    records = tmp_path / "records.jsonl"
    records.write_text(data.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    runs.append(_cli("batch", PLAN, str(records), "-o", "out", "--to", "pdf,docx",
                     "--as-of", "2024-06-01", cwd=tmp_path))
    assert runs[0].returncode == (0 if nid == VALID else 1)
    assert (tmp_path / "plan.pdf").exists() and (tmp_path / "parsed.json").exists()
    assert "DEBUG" in "".join(r.stderr for r in runs)  # -vv did turn the logging on
    for r in runs:
        _absent(nid, r.stdout, r.stderr)
    for report in (tmp_path / "out").glob("batch-report.*"):
        _absent(nid, report.read_text(encoding="utf-8"))
    parsed = json.loads((tmp_path / "parsed.json").read_text(encoding="utf-8"))
    assert parsed["obligor"]["national_id"] == nid  # -o writes the record: it is the data
