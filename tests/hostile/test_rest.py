"""Attack review, the rest: terminal escapes, orphaned batch workers, the batch's input
cap, --redact in names and reports, --resume and corrupted outputs, full disks, active
content in DOCX templates, attachments and hard links in HTML templates."""

from __future__ import annotations

import copy
import errno
import hashlib
import io
import json
import os
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from formkit import batch
from formkit.batch import WriteProblem, run_batch
from formkit.cli import main
from formkit.errors import InputError, LimitExceeded
from formkit.forms import get_form
from formkit.records import canonical_json
from formkit.render.docx import defuse_docx, render_docx
from formkit.render.pdf import render_pdf
from formkit.terminal import json_shown, shown

from ..conftest import AS_OF
from ..test_batch import cert, outputs, report, write_jsonl

CERT = "mit/annex-11-product-certificate"
PLAN = "oshpm/destruction-plan"  # obligor.national_id is a tw-national-id field
QUOTE = "ciyue/fee-quote"  # no template of its own
ASOF = AS_OF.isoformat()
NID = "A123456789"
ESC = "\x1b[2J\x1b]0;owned\x07"
C1_BIDI = "\x9b31m\u202e"


def cli(*args: str, input: str | bytes | None = None) -> Any:
    return CliRunner().invoke(main, list(args), input=input, catch_exceptions=False)


def _fake_docx(form: Any, record: dict[str, Any]) -> bytes:
    return canonical_json(record)


# ---------------------------------------------------------------- 1. terminal escapes


def test_shown_escapes_controls_and_bidi_and_keeps_chinese() -> None:
    assert shown(f"福興{ESC}紡織{C1_BIDI}") == \
        "福興\\x1b[2J\\x1b]0;owned\\x07紡織\\x9b31m\\u202e"
    assert shown("a\nb\tc\rd") == "a\nb\tc\\x0dd"
    assert shown("a\nb", newlines=False) == "a\\x0ab"
    assert shown("臺灣製MIT微笑產品 🥰") == "臺灣製MIT微笑產品 🥰"
    text = json.dumps({"k": f"x{C1_BIDI}\x7f臺"}, ensure_ascii=False)
    safe = json_shown(text)
    assert "\x9b" not in safe and "\u202e" not in safe and "\x7f" not in safe and "臺" in safe
    assert json.loads(safe) == json.loads(text)


def test_log_lines_are_escaped_too() -> None:
    import logging

    from formkit.terminal import EscapingFilter

    record = logging.LogRecord("formkit", logging.WARNING, __file__, 1, "field %s: %d",
                               (f"名{ESC}", 3), None)
    assert EscapingFilter().filter(record)
    assert record.getMessage() == "field 名\\x1b[2J\\x1b]0;owned\\x07: 3"


def _hostile_record(tmp_path: Path) -> Path:
    record = copy.deepcopy(get_form(CERT).sample)
    record[f"{ESC}key{C1_BIDI}"] = 1
    record["category"] = f"{ESC}X{C1_BIDI}"
    path = tmp_path / "r.json"
    path.write_text(json.dumps(record, ensure_ascii=False), encoding="utf-8")
    return path


def _raw_controls(text: str) -> list[str]:
    return [c for c in text if (ord(c) < 0x20 and c not in "\n\t") or 0x7f <= ord(c) <= 0x9f
            or c in "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"]


def test_findings_in_text_and_json_reach_the_terminal_escaped(tmp_path: Path) -> None:
    path = _hostile_record(tmp_path)
    result = cli("validate", CERT, str(path), "--lang", "en")
    assert result.exit_code == 1
    assert _raw_controls(result.output) == []
    assert "\\x1b[2J\\x1b]0;owned\\x07X\\x9b31m\\u202e is not one of the allowed values" in \
        result.output
    as_json = cli("validate", CERT, str(path), "--lang", "en", "--format", "json")
    assert as_json.exit_code == 1
    assert _raw_controls(as_json.output) == []
    findings = json.loads(as_json.output)["findings"]
    assert any(f.get("actual") == f"{ESC}X{C1_BIDI}" for f in findings)  # the same value
    zh = cli("validate", CERT, str(path))
    assert _raw_controls(zh.output) == [] and "產品類別" in zh.output  # Chinese unescaped


def test_a_pdf_field_name_reaches_the_terminal_escaped(tmp_path: Path) -> None:
    """A fillable form whose field is renamed to carry escape sequences: parse names the
    unknown field, escaped, in text and in JSON."""
    from pypdf import PdfWriter
    from pypdf.generic import NameObject, TextStringObject

    from formkit.render.fillable import render_fillable_pdf

    writer = PdfWriter(clone_from=io.BytesIO(render_fillable_pdf(PLAN)))
    field = next(f.get_object() for f in writer._root_object["/AcroForm"]["/Fields"]
                 if f.get_object().get("/FT") == "/Tx" and "/Kids" not in f.get_object())
    field[NameObject("/T")] = TextStringObject(f"evil{ESC}{C1_BIDI}")
    field[NameObject("/V")] = TextStringObject("x")
    path = tmp_path / "f.pdf"
    with open(path, "wb") as fh:
        writer.write(fh)
    for args, escaped in (((), "evil\\x1b[2J"), (("--format", "json"), "evil\\u001b[2J")):
        result = cli("parse", str(path), "--form", PLAN, "--lang", "en", *args)
        assert result.exit_code == 1, result.output  # the unknown field is a schema error
        assert _raw_controls(result.output) == [], result.output
        assert escaped in result.output, result.output


def test_batch_report_and_summary_escape_a_hostile_path(tmp_path: Path) -> None:
    folder = tmp_path / f"in{ESC}{C1_BIDI}"
    folder.mkdir()
    src = write_jsonl(folder / "c.jsonl", [cert(1), "{"])
    out = tmp_path / f"out{ESC}"
    result = cli("batch", CERT, str(src), "-o", str(out), "--to", "docx", "--as-of", ASOF,
                 "--lang", "en")
    assert result.exit_code == 1
    assert _raw_controls(result.output) == [], result.output
    assert "\\x1b[2J" in result.stdout
    text = (out / "batch-report.txt").read_text("utf-8")
    assert _raw_controls(text) == [] and "\\u202e" in text
    assert json.loads((out / "batch-report.json").read_text("utf-8"))["records_source"] == \
        str(src)  # the JSON report keeps the value (escaped the JSON way)


# ---------------------------------------------------------------- 2. workers die with the batch


def _descendants(pid: int) -> set[int]:
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as fh:
                stat = fh.read()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        children.setdefault(ppid, []).append(int(entry))
    found: set[int] = set()
    todo = [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            if child not in found:
                found.add(child)
                todo.append(child)
    return found


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as fh:
            state = fh.read().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state not in ("Z", "X")


def _start_batch(tmp_path: Path, count: int = 40) -> tuple[subprocess.Popen[bytes], Path]:
    """A batch of ``count`` PDFs with two workers, once its first PDF is written; its
    stdout and stderr go to ``tmp_path/stdout`` and ``tmp_path/stderr``."""
    src = write_jsonl(tmp_path / "c.jsonl", [cert(i) for i in range(1, count + 1)])
    out = tmp_path / "out"
    cmd = [sys.executable, "-m", "formkit.cli", "batch", CERT, str(src), "-o", str(out),
           "-j", "2", "--as-of", ASOF, "--lang", "en"]
    with (tmp_path / "stdout").open("wb") as stdout, (tmp_path / "stderr").open("wb") as stderr:
        proc = subprocess.Popen(cmd, stdout=stdout, stderr=stderr, start_new_session=True)
    deadline = time.monotonic() + 120
    while not (out.is_dir() and any(p.suffix == ".pdf" for p in out.iterdir())):
        assert proc.poll() is None, (tmp_path / "stderr").read_text("utf-8")
        assert time.monotonic() < deadline, "no output within 120 s"
        time.sleep(0.02)
    return proc, out


def _wait_gone(pids: set[int], seconds: float = 10.0) -> set[int]:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        left = {p for p in pids if _alive(p)}
        if not left:
            return left
        time.sleep(0.05)
    return {p for p in pids if _alive(p)}


def test_sigkill_of_the_batch_leaves_no_worker_running(tmp_path: Path) -> None:
    proc, out = _start_batch(tmp_path)
    family = _descendants(proc.pid)
    try:
        assert len(family) >= 3, family  # the forkserver and two workers
        os.kill(proc.pid, signal.SIGKILL)  # the batch only, not its process group
        proc.wait(timeout=30)
        left = _wait_gone(family)
        assert left == set(), f"workers outlived the batch: {left}"
        written = len(outputs(out))
        time.sleep(0.5)
        assert len(outputs(out)) == written  # nothing writes there any more
    finally:
        for pid in _descendants(proc.pid) | family:
            if _alive(pid):
                os.kill(pid, signal.SIGKILL)


def test_sigterm_stops_the_batch_like_ctrl_c_with_exit_143(tmp_path: Path) -> None:
    proc, out = _start_batch(tmp_path, count=24)
    family = _descendants(proc.pid)
    try:
        os.kill(proc.pid, signal.SIGTERM)
        proc.wait(timeout=60)
        stderr = (tmp_path / "stderr").read_text("utf-8")
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    assert proc.returncode == 143, stderr
    assert "Traceback" not in stderr and "run again with --resume" in stderr
    rep = report(out)
    assert rep["interrupted"] is True
    assert rep["counts"]["written"] == len(outputs(out)) < 24
    manifest = json.loads((out / batch.MANIFEST_NAME).read_text("utf-8"))
    assert sorted(manifest["outputs"]) == sorted(outputs(out))
    assert _wait_gone(family) == set()


def test_a_worker_whose_batch_is_gone_exits(monkeypatch: pytest.MonkeyPatch) -> None:
    exits: list[int] = []
    monkeypatch.setattr(batch, "_BATCH_PID", 2**22 + 12345)  # no such process
    monkeypatch.setattr(os, "_exit", lambda code: exits.append(code))
    batch._exit_if_orphaned()
    assert exits == [1]


# ---------------------------------------------------------------- 3. the input cap


def test_jsonl_over_the_input_cap_is_refused_naming_file_and_line(tmp_path: Path) -> None:
    line = json.dumps(cert(1), ensure_ascii=False).encode() + b"\n"
    src = tmp_path / "c.jsonl"
    src.write_bytes(line * 10)
    cap = len(line) * 3 + 10  # passed while reading line 4
    with pytest.raises(LimitExceeded) as caught:
        run_batch(CERT, src, tmp_path / "out", formats="docx", as_of=AS_OF,
                  renderers={"docx": _fake_docx}, max_input_bytes=cap)
    assert caught.value.limit == "input"
    assert str(caught.value) == (f"{src}, line 4: the records pass {cap:,} bytes in all, the cap "
                                 "on what a batch reads (--max-input)")
    assert not (tmp_path / "out").exists()
    result = cli("batch", CERT, str(src), "-o", str(tmp_path / "out"), "--to", "docx",
                 "--max-input", "1k", "--lang", "en")
    assert result.exit_code == 2
    assert f"{src}, line 2: the records pass 1,024 bytes in all" in result.stderr
    assert "Traceback" not in result.output
    stdin = cli("batch", CERT, "-", "-o", str(tmp_path / "out"), "--to", "docx",
                "--max-input", "1k", "--lang", "en", input=line * 3)
    assert stdin.exit_code == 2 and "<stdin>, line 2: the records pass" in stdin.stderr


class _Endless(io.RawIOBase):
    """A stream of records that never ends, counting what was read of it."""

    def __init__(self, line: bytes):
        self.line, self.read_bytes = line, 0

    def readable(self) -> bool:
        return True

    def readinto(self, buf: Any) -> int:
        n = len(buf)
        data = (self.line * (n // len(self.line) + 1))[:n]
        buf[:n] = data
        self.read_bytes += n
        return n


def test_the_cap_counts_bytes_as_they_are_read() -> None:
    line = json.dumps(cert(1), ensure_ascii=False).encode() + b"\n"
    raw = _Endless(line)
    stream = io.BufferedReader(raw, buffer_size=64 * 1024)
    with pytest.raises(LimitExceeded, match="the records pass 1 MiB in all"):
        batch._read_jsonl(stream, "<stdin>", 2**20)
    assert raw.read_bytes < 2**20 + 256 * 1024  # stopped at the cap, not at the end
    # A line longer than a record may be is skipped as read, not held: the cap still holds.
    huge = _Endless(b"x" * 4096)
    with pytest.raises(LimitExceeded, match="<stdin>, line 1: the records pass 3 MiB"):
        batch._read_jsonl(io.BufferedReader(huge), "<stdin>", 3 * 2**20)
    assert huge.read_bytes < 4 * 2**20


def test_a_folder_over_the_cap_is_refused_naming_the_file(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    for i in range(1, 4):
        (folder / f"{i}.json").write_text(json.dumps(cert(i), ensure_ascii=False), "utf-8")
    size = (folder / "1.json").stat().st_size
    with pytest.raises(LimitExceeded) as caught:
        batch.read_records(folder, size * 2)
    assert str(caught.value).startswith(f"{folder / '3.json'}: the records pass ")
    assert len(batch.read_records(folder, size * 3 + 10)) == 3


def test_bad_lines_and_the_single_document_check_still_work(tmp_path: Path) -> None:
    src = tmp_path / "c.jsonl"
    src.write_bytes(b"\xef\xbb\xbf\n[1]\n" + json.dumps(cert(1)).encode() + b"\n" +
                    b"x" * (batch.MAX_RECORD_BYTES + 5) + b"\n" + b"\xff\n")
    entries = batch.read_records(src)
    assert [e.line for e in entries] == [2, 3, 4, 5]
    assert entries[0].record is None and "must be a JSON object" in str(entries[0].error)
    assert entries[1].record is not None
    assert str(entries[2].error).endswith(":4: longer than 2 MiB")
    assert "not UTF-8" in str(entries[3].error)
    pretty = tmp_path / "p.json"
    pretty.write_text(json.dumps(cert(1), indent=2), "utf-8")
    with pytest.raises(InputError, match="one JSON document over several lines"):
        batch.read_records(pretty)


# ---------------------------------------------------------------- 4. --redact everywhere


def _plan(i: int, nid: str) -> dict[str, Any]:
    record = copy.deepcopy(get_form(PLAN).sample)
    record["obligor"]["national_id"] = nid
    record["case_no"] = f"{record['case_no']}-{i}"
    return record


def test_redact_masks_ids_in_names_reports_and_manifest(tmp_path: Path) -> None:
    other = "B223456782"
    src = write_jsonl(tmp_path / "p.jsonl", [_plan(1, NID), _plan(2, other)])
    out = tmp_path / "out"
    result = cli("batch", PLAN, str(src), "-o", str(out), "--to", "docx", "--as-of", ASOF,
                 "--name-key", "obligor.national_id", "--redact", "--format", "json")
    assert result.exit_code == 0, result.output
    # A******789, with "*" (which Windows forbids in a file name) as "_"
    assert outputs(out) == {"A_789.docx", "B_782.docx"}
    for name in ("batch-report.json", "batch-report.txt", batch.MANIFEST_NAME):
        text = (out / name).read_text("utf-8")
        assert NID not in text and other not in text, name
        assert name.endswith(".txt") or "A_789.docx" in text, name
    assert NID not in result.output and other not in result.output
    again = cli("batch", PLAN, str(src), "-o", str(out), "--to", "docx", "--as-of", ASOF,
                "--name-key", "obligor.national_id", "--redact", "--resume")
    assert again.exit_code == 0 and report(out)["counts"]["skipped"] == 2


def test_redact_masks_ids_in_names_taken_from_file_names(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    record = copy.deepcopy(get_form(PLAN).sample)
    del record["case_no"]  # no number: named after the file (and refused: it is required)
    (folder / f"{NID}.json").write_text(json.dumps(record, ensure_ascii=False), "utf-8")
    (folder / "B223456782.json").write_text(json.dumps(_plan(2, "B223456782"),
                                                       ensure_ascii=False), "utf-8")
    out = tmp_path / "out"
    result = run_batch(PLAN, folder, out, formats="docx", as_of=AS_OF, redact=True,
                       name_key="obligor.national_id", renderers={"docx": _fake_docx})
    assert [i.status for i in result.items] == ["refused", "written"]
    rep = report(out)
    assert [r["name"] for r in rep["records"]] == [None, "B_782"]
    result = run_batch(PLAN, folder, out, formats="docx", as_of=AS_OF, redact=True,
                       renderers={"docx": _fake_docx})
    assert report(out)["records"][0]["name"] == "A_789"  # the file's stem, masked
    for name in ("batch-report.json", "batch-report.txt", batch.MANIFEST_NAME):
        assert NID not in (out / name).read_text("utf-8"), name


# ---------------------------------------------------------------- 5. --resume checks the bytes


def test_resume_rerenders_an_output_corrupted_at_the_same_size(tmp_path: Path) -> None:
    src = write_jsonl(tmp_path / "c.jsonl", [cert(1), cert(2)])
    out = tmp_path / "out"
    run_batch(CERT, src, out, formats="docx", as_of=AS_OF)
    manifest = json.loads((out / batch.MANIFEST_NAME).read_text("utf-8"))
    target = out / "MIT-TX-113-0001.docx"
    good = target.read_bytes()
    entry = manifest["outputs"]["MIT-TX-113-0001.docx"]
    assert entry["output_sha256"] == hashlib.sha256(good).hexdigest()
    assert entry["bytes"] == len(good)
    bad = bytearray(good)
    bad[len(bad) // 2] ^= 0xFF
    target.write_bytes(bytes(bad))  # same size, other bytes
    result = run_batch(CERT, src, out, formats="docx", as_of=AS_OF, resume=True)
    assert [i.status for i in result.items] == ["written", "skipped"]
    assert hashlib.sha256(target.read_bytes()).hexdigest() == entry["output_sha256"]


def test_resume_rerenders_outputs_of_a_manifest_without_hashes(tmp_path: Path) -> None:
    src = write_jsonl(tmp_path / "c.jsonl", [cert(1)])
    out = tmp_path / "out"
    run_batch(CERT, src, out, formats="docx", as_of=AS_OF)
    path = out / batch.MANIFEST_NAME
    manifest = json.loads(path.read_text("utf-8"))
    for entry in manifest["outputs"].values():
        del entry["output_sha256"]  # an older formkit's manifest
    path.write_text(json.dumps(manifest), "utf-8")
    result = run_batch(CERT, src, out, formats="docx", as_of=AS_OF, resume=True)
    assert [i.status for i in result.items] == ["written"]


# ---------------------------------------------------------------- 6. a full disk


def _full_disk(monkeypatch: pytest.MonkeyPatch, err: int = errno.ENOSPC,
               only: str = "") -> list[str]:
    """write_atomic raises OSError(err) for files whose name contains ``only``."""
    from formkit import records

    real = records.write_atomic
    tried: list[str] = []

    def write(path: Any, data: bytes) -> None:
        if only in str(path):
            tried.append(str(path))
            raise OSError(err, os.strerror(err))
        real(path, data)

    monkeypatch.setattr(batch, "write_atomic", write)
    monkeypatch.setattr(records, "write_atomic", write)
    return tried


def test_a_full_disk_stops_the_batch_with_exit_2_naming_the_file(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    src = write_jsonl(tmp_path / "c.jsonl", [cert(i) for i in range(1, 6)])
    out = tmp_path / "out"
    tried = _full_disk(monkeypatch, only=".docx")
    with pytest.raises(WriteProblem) as caught:
        run_batch(CERT, src, out, formats="docx", as_of=AS_OF, renderers={"docx": _fake_docx})
    assert str(caught.value) == f"no space left on device writing {out / 'MIT-TX-113-0001.docx'}"
    assert len(tried) == 1  # stopped at once, not once per record
    rep = report(out)  # the report could be written: it says what happened
    assert rep["records"][0]["status"] == "refused"
    assert rep["records"][0]["reasons"][0]["code"] == "write"
    assert rep["counts"]["not_done"] == 4
    result = cli("batch", CERT, str(src), "-o", str(tmp_path / "out2"), "--to", "docx",
                 "--as-of", ASOF, "--lang", "en")
    assert result.exit_code == 2, result.output
    assert "no space left on device writing" in result.stderr
    assert "bug" not in result.output and "Traceback" not in result.output


@pytest.mark.parametrize(("err", "message"), [
    (errno.ENOSPC, "no space left on device writing"),
    (errno.EDQUOT, "disk quota exceeded writing"),
    (errno.EROFS, "read-only file system: cannot write"),
    (errno.EACCES, "permission denied writing"),
])
def test_the_report_on_a_full_disk_and_fill_say_so(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                   err: int, message: str) -> None:
    src = write_jsonl(tmp_path / "c.jsonl", [cert(1)])
    _full_disk(monkeypatch, err, only="batch-report")
    result = cli("batch", CERT, str(src), "-o", str(tmp_path / "out"), "--to", "docx",
                 "--as-of", ASOF, "--lang", "en")
    assert result.exit_code == 2, result.output
    assert message in result.stderr and "batch-report.json" in result.stderr
    assert "bug" not in result.output
    record = tmp_path / "r.json"
    record.write_text(json.dumps(get_form(CERT).sample, ensure_ascii=False), "utf-8")
    target = tmp_path / "o.json"
    _full_disk(monkeypatch, err, only="o.json")
    filled = cli("fill", CERT, str(record), "-o", str(target), "--as-of", ASOF, "--lang", "en",
                 "--format", "json")
    assert filled.exit_code == 2
    error = json.loads(filled.stdout)["error"]
    assert error["message"] == f"{message} {target}" and error["file"] == str(target)


def test_a_full_disk_in_a_worker_is_no_bug(tmp_path: Path) -> None:
    outcome = batch._render_task(
        batch._WorkerState(get_form(CERT), tmp_path / "missing" / "x", {"docx": _fake_docx},
                           None),
        (0, {"a": 1}, [("docx", "a.docx")]))
    assert outcome.code == "render"  # a folder gone: that record, no bug
    state = batch._WorkerState(get_form(CERT), tmp_path, {"docx": _fake_docx}, None)
    original = batch.write_atomic
    try:
        batch.write_atomic = lambda p, d: (_ for _ in ()).throw(OSError(errno.ENOSPC, "full"))
        outcome = batch._render_task(state, (0, {"a": 1}, [("docx", "a.docx")]))
    finally:
        batch.write_atomic = original
    assert outcome.code == "disk" and outcome.error is None
    assert str(outcome.problem) == f"no space left on device writing {tmp_path / 'a.docx'}"


# ---------------------------------------------------------------- 7. DOCX active content

_HOSTILE_BODY = (
    '<w:p><w:fldSimple w:instr=\' DDEAUTO c:\\\\windows\\\\system32\\\\cmd.exe "/k calc"\'>'
    "<w:r><w:t>DDE-RESULT</w:t></w:r></w:fldSimple></w:p>"
    '<w:p><w:r><w:fldChar w:fldCharType="begin"/></w:r>'
    '<w:r><w:instrText xml:space="preserve"> INCLUDE</w:instrText></w:r>'
    '<w:r><w:instrText xml:space="preserve">TEXT "\\\\\\\\evil\\\\share\\\\x.docx" </w:instrText>'
    "</w:r>"
    '<w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>INCLUDED-TEXT</w:t></w:r>'
    '<w:r><w:fldChar w:fldCharType="end"/></w:r></w:p>'
    '<w:p><w:fldSimple w:instr=" PAGE "><w:r><w:t>1</w:t></w:r></w:fldSimple></w:p>'
    '<w:p><w:hyperlink r:id="rIdWeb"><w:r><w:t>WEB</w:t></w:r></w:hyperlink>'
    '<w:hyperlink r:id="rIdFile"><w:r><w:t>FILE-LINK</w:t></w:r></w:hyperlink></w:p>'
    '<w:p><w:subDoc r:id="rIdSub"/></w:p>'
)
_EXTERNAL_RELS = (
    '<Relationship Id="rIdWeb" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/hyperlink" Target="https://example.org/" TargetMode="External"/>'
    '<Relationship Id="rIdFile" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/hyperlink" Target="file:///etc/passwd" TargetMode="External"/>'
    '<Relationship Id="rIdSub" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/subDocument" Target="http://127.0.0.1:9/sub.docx" TargetMode="External"/>'
    '<Relationship Id="rIdImg" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/image" Target="http://127.0.0.1:9/track.png" TargetMode="External"/>'
    '<Relationship Id="rIdVba" Type="http://schemas.microsoft.com/office/2006/relationships/'
    'vbaProject" Target="vbaProject.bin"/>'
)
_SETTINGS_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rIdTpl" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/attachedTemplate" Target="http://127.0.0.1:9/evil.dotm" '
    'TargetMode="External"/></Relationships>'
)


def hostile_docx(folder: Path, text: str = "{{ r.quote_no }}") -> Path:
    """A --templates folder whose fee-quote.docx holds DDE, INCLUDETEXT, a remote template,
    external links and images, a macro project and an ActiveX control."""
    from docx import Document

    scheme, name = QUOTE.split("/")
    (folder / scheme).mkdir(parents=True, exist_ok=True)
    path = folder / scheme / f"{name}.docx"
    document = Document()
    document.add_paragraph(text)
    buf = io.BytesIO()
    document.save(buf)
    with zipfile.ZipFile(buf) as z:
        parts = {n: z.read(n) for n in z.namelist()}
    body = parts["word/document.xml"].decode("utf-8")
    parts["word/document.xml"] = body.replace("<w:sectPr", _HOSTILE_BODY + "<w:sectPr",
                                              1).encode("utf-8")
    rels = parts["word/_rels/document.xml.rels"].decode("utf-8")
    parts["word/_rels/document.xml.rels"] = rels.replace(
        "</Relationships>", _EXTERNAL_RELS + "</Relationships>").encode("utf-8")
    settings = parts["word/settings.xml"].decode("utf-8")
    assert 'xmlns:r="' in settings and "<w:defaultTabStop" in settings
    parts["word/settings.xml"] = settings.replace(
        "<w:defaultTabStop", '<w:attachedTemplate r:id="rIdTpl"/><w:defaultTabStop', 1
    ).encode("utf-8")
    parts["word/_rels/settings.xml.rels"] = _SETTINGS_RELS.encode("utf-8")
    parts["word/vbaProject.bin"] = b"\xd0\xcf\x11\xe0MACROS"
    parts["word/activeX/activeX1.xml"] = b'<?xml version="1.0"?><ax:ocx xmlns:ax="x"/>'
    types = parts["[Content_Types].xml"].decode("utf-8")
    parts["[Content_Types].xml"] = types.replace(
        "</Types>", '<Override PartName="/word/vbaProject.bin" '
                    'ContentType="application/vnd.ms-office.vbaProject"/></Types>'
    ).replace("wordprocessingml.document.main+xml",
              "wordprocessingml.document.main+xml", 1).encode("utf-8")
    with zipfile.ZipFile(path, "w") as z:
        for part, data in parts.items():
            z.writestr(part, data)
    return path


def _assert_defused(data: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        names = z.namelist()
        xml = {n: z.read(n).decode("utf-8") for n in names if n.endswith((".xml", ".rels"))}
    everything = "\n".join(xml.values())
    assert not any("vbaProject" in n or "activeX" in n for n in names), names
    for word in ("DDEAUTO", "INCLUDETEXT", "instrText", "evil", "127.0.0.1", "file:///",
                 "attachedTemplate", "subDoc", "vbaProject"):
        assert word not in everything, word
    assert everything.count('TargetMode="External"') == 1  # the https hyperlink only
    assert "https://example.org/" in everything
    body = xml["word/document.xml"]
    kept_texts = ("DDE-RESULT", "INCLUDED-TEXT", "WEB", "FILE-LINK", 'w:instr=" PAGE "')
    for kept in kept_texts:
        assert kept in body, kept  # the text shown stays; a safe field keeps its code
    return body


def test_defuse_docx_strips_active_content_and_keeps_the_text(tmp_path: Path) -> None:
    path = hostile_docx(tmp_path)
    data, removed = defuse_docx(path.read_bytes())
    _assert_defused(data)
    assert any("DDEAUTO" in r for r in removed) and any("INCLUDETEXT" in r for r in removed)
    assert any("attachedTemplate" in r for r in removed)
    assert "part word/vbaProject.bin" in removed
    from docx import Document

    Document(io.BytesIO(data))  # still a Word document
    again, more = defuse_docx(data)
    assert more == [] and again == data


def _fields(xml: str) -> tuple[str, list[str]]:
    from lxml import etree

    from formkit.render.docx import _defuse_fields

    w = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    root = etree.fromstring(f'<w:body xmlns:w="{w}">{xml}</w:body>')
    removed: list[str] = []
    _defuse_fields(root, removed)
    return etree.tostring(root, encoding="unicode"), removed


def _complex(code: str, shown_text: str) -> str:
    return ('<w:p><w:r><w:fldChar w:fldCharType="begin"/></w:r>'
            f'<w:r><w:instrText>{code}</w:instrText></w:r>'
            '<w:r><w:fldChar w:fldCharType="separate"/></w:r>'
            f'<w:r><w:t>{shown_text}</w:t></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r></w:p>')


def test_complex_fields_safe_kept_active_and_obfuscated_dropped() -> None:
    kept, removed = _fields(_complex(" PAGE ", "7") + _complex(' HYPERLINK "https://a.tw" ', "A"))
    assert removed == [] and kept.count("instrText") == 4
    xml, removed = _fields(_complex(" ddeauto cmd ", "X") +
                           _complex(' HYPERLINK "file:///etc/passwd" ', "F"))
    assert "instrText" not in xml and "fldChar" not in xml and ">X<" in xml and ">F<" in xml
    assert len(removed) == 2
    # A field whose code begins with a nested field ({ {QUOTE "DDE"} "cmd" }) goes too.
    nested = ('<w:p><w:r><w:fldChar w:fldCharType="begin"/></w:r>'
              + _complex(' QUOTE "DDEAUTO" ', "DDEAUTO")[5:-6]
              + '<w:r><w:instrText> "cmd" </w:instrText></w:r>'
              '<w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>N</w:t></w:r>'
              '<w:r><w:fldChar w:fldCharType="end"/></w:r></w:p>')
    xml, removed = _fields(nested)
    assert '"cmd"' not in xml and ">N<" in xml and len(removed) == 1
    assert xml.count("instrText") == 2  # the QUOTE inside, harmless on its own, stays


def test_a_hostile_docx_template_renders_without_its_active_content(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    folder = tmp_path / "tpl"
    hostile_docx(folder)
    record = copy.deepcopy(get_form(QUOTE).sample)
    from formkit.engine import fill

    data = render_docx(QUOTE, fill(QUOTE, record, as_of=AS_OF).record, templates=str(folder))
    body = _assert_defused(data)
    assert record["quote_no"] in body


# ---------------------------------------------------------------- 8. HTML templates


def _html_templates(root: Path, text: str) -> Path:
    folder = root / "tpl"
    scheme, name = QUOTE.split("/")
    (folder / scheme).mkdir(parents=True, exist_ok=True)
    (folder / scheme / f"{name}.html").write_text(text, encoding="utf-8")
    return folder


def _png_url() -> str:
    import base64

    from PIL import Image

    buf = io.BytesIO()
    Image.new("1", (4, 4)).save(buf, "PNG")
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode("ascii")


@pytest.mark.parametrize("markup", [
    '<a rel="attachment" href="{url}" download="formkit.json">x</a>',
    '<link rel="attachment" href="{url}" title="formkit.json">',
])
def test_a_data_url_attachment_is_refused(tmp_path: Path, markup: str) -> None:
    from formkit.engine import fill

    url = _png_url()
    folder = _html_templates(tmp_path, "<html><head>" + markup.format(url=url) +
                             "</head><body><p>{{ r.quote_no }}</p></body></html>")
    with pytest.raises(InputError, match="a file attached to the PDF; a formkit PDF carries no "):
        render_pdf(QUOTE, fill(QUOTE, get_form(QUOTE).sample, as_of=AS_OF).record,
                   templates=str(folder))


def test_a_plain_data_image_still_renders(tmp_path: Path) -> None:
    from formkit.engine import fill

    folder = _html_templates(tmp_path, f'<html><body><img src="{_png_url()}">'
                                       "<p>{{ r.quote_no }}</p></body></html>")
    pdf = render_pdf(QUOTE, fill(QUOTE, get_form(QUOTE).sample, as_of=AS_OF).record,
                     templates=str(folder))
    assert pdf.startswith(b"%PDF")


@pytest.mark.parametrize("kind", ["html", "docx"])
def test_a_hard_link_in_the_templates_folder_is_refused(tmp_path: Path, kind: str) -> None:
    from formkit.engine import fill

    outside = tmp_path / "elsewhere"
    outside.mkdir()
    scheme, name = QUOTE.split("/")
    if kind == "html":
        source = outside / "secret.html"
        source.write_text("<p>{{ r.quote_no }}</p>", "utf-8")
    else:
        source = hostile_docx(outside / "t")
    folder = tmp_path / "tpl" / scheme
    folder.mkdir(parents=True)
    os.link(source, folder / f"{name}.{kind}")
    render = render_pdf if kind == "html" else render_docx
    with pytest.raises(InputError, match=rf"'{scheme}/{name}\.{kind}' is a hard link"):
        render(QUOTE, fill(QUOTE, get_form(QUOTE).sample, as_of=AS_OF).record,
               templates=str(tmp_path / "tpl"))
