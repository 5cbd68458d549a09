"""Hostile records (issue 5): each gets an exact outcome in bounded time, and no output is
ever half-written.

The caps (``formkit.limits``): a record of at most 2 MiB of JSON, arrays of at most
1,000 items, strings of at most 10,000 characters, 32 levels of nesting. ``fill`` and
``validate`` report a record over a cap as error findings with rule ``limits`` (exit 1;
nothing else is checked); the renderers refuse it with LimitExceeded (exit 2, e.g. with
``--draft``). A file that is not readable as a record (over 2 MiB, not UTF-8, NaN,
nested past Python's limit) is refused unread (exit 2).

Time bounds are generous multiples of what was measured (in the comments).
"""

from __future__ import annotations

import copy
import io
import json
import os
import re
import signal
import subprocess
import sys
import time
import unicodedata
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from formkit import limits, records
from formkit.cli import main
from formkit.engine import fill, validate
from formkit.errors import InputError, LimitExceeded, MalformedJSONError
from formkit.forms import get_form
from formkit.records import parse_json, read_json, write_atomic
from formkit.render.docx import render_docx
from formkit.render.pdf import render_pdf

from ..conftest import AS_OF

FEE = "ciyue/fee-quote"  # ``lines``: the fee table, the longest repeating table
PLAN = "oshpm/destruction-plan"  # ``method``: 1,000 characters of free text
ASOF = AS_OF.isoformat()
CITATION = ""


def cli(*args: str, input: bytes | None = None) -> Any:
    return CliRunner().invoke(main, list(args), input=input, catch_exceptions=False)


def filled(form: str) -> dict[str, Any]:
    return copy.deepcopy(fill(form, get_form(form).sample, as_of=AS_OF).record)


def with_rows(n: int, text: str = "") -> dict[str, Any]:
    record = filled(FEE)
    row = record["lines"][0]
    record["lines"] = [dict(row, formula=row["formula"] + text) for _ in range(n)]
    return record


def with_products(n: int) -> dict[str, Any]:
    """The sample with ``n`` rows of ``label_products``, an input table (``lines`` is derived)."""
    record = copy.deepcopy(get_form(FEE).sample)
    record["label_products"] = [{"name": "黑豆醬油", "packaging": "玻璃瓶", "size": "500 mL"}
                                for _ in range(n)]
    return record


def write(path: Path, data: Any) -> Path:
    if isinstance(data, bytes):
        path.write_bytes(data)
    elif isinstance(data, str):
        path.write_text(data, encoding="utf-8")
    else:
        path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def squash(text: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


def pdf_text(data: bytes) -> str:
    import pdfplumber

    with pdfplumber.open(io.BytesIO(data)) as pdf:
        return squash("".join(p.extract_text() or "" for p in pdf.pages))


class Timer:
    def __enter__(self) -> Timer:
        self.start = time.monotonic()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.seconds = time.monotonic() - self.start


def limit_findings(report: Any) -> list[tuple[str, str, str, str]]:
    return [(f.rule, f.severity, f.path, f.text("en")) for f in report.findings]


# ---------------------------------------------------------------- a 10,000-row table


def test_a_10000_row_table_is_refused_by_fill_with_a_finding_naming_the_field(tmp_path):
    record = with_rows(10_000)
    with Timer() as t:  # measured: under 5 ms (schema and rules do not run on it)
        report = fill(FEE, record, as_of=AS_OF)
    assert t.seconds < 3
    assert limit_findings(report) == [
        ("limits", "error", "/lines", "/lines: 10000 items; at most 1000 are accepted")]
    assert report.findings[0].citation == CITATION
    assert report.findings[0].text("zh-TW") == "/lines：共 10000 項，最多接受 1000 項"
    assert limit_findings(validate(FEE, record, as_of=AS_OF)) == limit_findings(report)

    data = write(tmp_path / "rows.json", record)
    out = tmp_path / "rows.pdf"
    with Timer() as t:
        result = cli("fill", FEE, str(data), "-o", str(out), "--as-of", ASOF, "--lang", "en")
    assert t.seconds < 10
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "limits /lines: /lines: 10000 items; at most 1000 are accepted",
        f"formkit: {FEE}: 1 error(s); nothing written (use --draft to render anyway)"]
    assert not out.exists()

    result = cli("validate", FEE, str(data), "--as-of", ASOF, "--format", "json")
    assert result.exit_code == 1
    assert json.loads(result.stdout) == {"form": FEE, "valid": False, "findings": [
        {"rule": "limits", "severity": "error", "path": "/lines",
         "message": "/lines：共 10000 項，最多接受 1000 項", "citation": CITATION}]}


def test_a_10000_row_table_is_refused_by_the_renderers_and_by_fill_draft(tmp_path):
    record = with_rows(10_000)
    message = "record refused: /lines: 10000 items; at most 1000 are accepted"
    for render in (render_pdf, render_docx):
        with Timer() as t, pytest.raises(LimitExceeded) as info:
            render(FEE, record)
        assert str(info.value) == message and t.seconds < 3
    out = tmp_path / "rows.pdf"
    out.write_bytes(b"old")
    result = cli("fill", FEE, str(write(tmp_path / "rows.json", record)), "-o", str(out),
                 "--as-of", ASOF, "--draft", "--lang", "en")
    assert result.exit_code == 2
    assert result.stderr.splitlines()[-1] == f"formkit: error: {message}"
    result = cli("fill", FEE, str(write(tmp_path / "rows.json", record)), "-o", str(out),
                 "--as-of", ASOF, "--draft")
    assert result.stderr.splitlines()[-1] == (
        "formkit: 錯誤：紀錄遭拒：/lines：共 10000 項，最多接受 1000 項")
    assert out.read_bytes() == b"old"


def test_a_1000_row_table_renders_to_docx_quickly():
    with Timer() as t:  # measured: 0.2 s
        docx = render_docx(FEE, with_rows(1_000))
    assert docx[:2] == b"PK" and t.seconds < 10


def test_the_largest_table_allowed_renders_to_pdf_in_bounded_time_and_memory(tmp_path):
    """1,000 rows in a child process: measured 4.8–7 s, 32 pages, peak RSS 251–262 MiB."""
    data = write(tmp_path / "rows.json", with_rows(1_000))
    script = (
        "import json, resource, sys, time\n"
        "from formkit.render.pdf import render_pdf\n"
        "record = json.load(open(sys.argv[1], encoding='utf-8'))\n"
        "t = time.monotonic()\n"
        "pdf = render_pdf('ciyue/fee-quote', record)\n"
        "print(json.dumps({'s': time.monotonic() - t, 'bytes': len(pdf), 'pages':"
        " pdf.count(b'/Type /Page\\n') or pdf.count(b'/Type /Page'),"
        " 'rss_mib': resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))\n"
    )
    run = subprocess.run([sys.executable, "-c", script, str(data)], capture_output=True,
                         text=True, timeout=120, check=False)
    assert run.returncode == 0, run.stderr
    stats = json.loads(run.stdout)
    assert stats["s"] < 40, stats
    assert stats["rss_mib"] < 1024, stats


# ---------------------------------------------------------------- long text


def test_a_string_over_the_cap_is_a_finding_and_refused_by_the_renderers(tmp_path):
    record = filled(PLAN)
    record["method"] = "臺" * (limits.MAX_TEXT + 1)
    report = fill(PLAN, record, as_of=AS_OF)
    assert limit_findings(report) == [
        ("limits", "error", "/method", "/method: 10001 characters; at most 10000 are accepted")]
    with pytest.raises(LimitExceeded, match=r"^record refused: /method: 10001 characters; "
                                            r"at most 10000 are accepted$"):
        render_pdf(PLAN, record)


def test_a_huge_string_is_refused_quickly(tmp_path):
    record = filled(PLAN)
    record["method"] = "x" * 1_500_000
    data = write(tmp_path / "huge.json", record)
    with Timer() as t:  # measured: 0.01 s
        result = cli("fill", PLAN, str(data), "-o", str(tmp_path / "h.pdf"), "--as-of", ASOF,
                     "--lang", "en")
    assert t.seconds < 10
    assert result.exit_code == 1
    assert result.stderr.splitlines()[0] == (
        "limits /method: /method: 1500000 characters; at most 10000 are accepted")
    assert not (tmp_path / "h.pdf").exists()


def test_many_long_strings_go_over_the_byte_cap():
    record = filled(PLAN)
    record["method"] = "臺" * 1000
    record["obligor"] = {**record["obligor"], **{f"x{i}": "臺" * 9_000 for i in range(80)}}
    report = validate(PLAN, record, as_of=AS_OF)
    assert limit_findings(report) == [
        ("limits", "error", "", "the record is more than 2097152 bytes of JSON; formkit "
                                "accepts records up to 2 MiB")]
    with pytest.raises(LimitExceeded, match="^record refused: the record is more than"):
        render_docx(PLAN, record)


@pytest.mark.parametrize("length", [1000, 10_000])
def test_a_very_long_word_without_break_opportunities_renders_whole(length, tmp_path):
    """A word of 1,000 (the schema's cap for this field) or 10,000 characters (formkit's)."""
    record = filled(PLAN)
    word = ("ABCDEFGHIJ" * (length // 10))[:length]
    record["method"] = word
    with Timer() as t:  # measured (warm): 0.2 s and 3.1 s
        pdf = render_pdf(PLAN, record)
    assert t.seconds < 30
    # Whole, in order, broken across lines and pages (the footers, 「銷燬計畫 第 2 頁／共 5 頁」,
    # fall between).
    assert word in re.sub(r"(?<=J)銷燬計畫第\d+頁/共\d+頁(?=A)", "", pdf_text(pdf))
    import zipfile

    xml = zipfile.ZipFile(io.BytesIO(render_docx(PLAN, record))).read("word/document.xml")
    assert word.encode() in xml


def test_urls_and_html_in_values_are_text(tmp_path):
    record = filled(PLAN)
    record["method"] = '<b>粗</b> &amp; <script>alert(1)</script> http://example.invalid/x?a=1&b=2'
    pdf = render_pdf(PLAN, record)
    assert squash(record["method"]) in pdf_text(pdf)


# ---------------------------------------------------------------- nesting


def test_100000_levels_of_arrays_are_refused_unread(tmp_path):
    data = write(tmp_path / "deep.json", '{"method": ' + "[" * 100_000 + "]" * 100_000 + "}")
    with Timer() as t:  # measured: 0.01 s
        result = cli("fill", PLAN, str(data), "-o", str(tmp_path / "d.pdf"), "--lang", "en")
    assert t.seconds < 5
    assert result.exit_code == 2
    assert result.stderr == f"formkit: error: {data}: JSON nested too deeply\n"
    result = cli("fill", PLAN, str(data), "-o", str(tmp_path / "d.pdf"))
    assert result.stderr == f"formkit: 錯誤：{data}：JSON 巢狀層數過深\n"
    with pytest.raises(InputError, match="^x: JSON nested too deeply$"):
        parse_json("[" * 100_000 + "]" * 100_000, "x")


def test_nesting_that_parses_but_is_too_deep_is_a_finding_not_a_recursion_error(tmp_path):
    deep: Any = []
    for _ in range(500):  # copy.deepcopy would hit Python's recursion limit here
        deep = [deep]
    record = filled(PLAN)
    record["method"] = deep
    with Timer() as t:
        report = fill(PLAN, record, as_of=AS_OF)
    assert t.seconds < 3
    path = "/method" + "/0" * 31
    assert limit_findings(report) == [
        ("limits", "error", path, f"{path}: nested more than 32 levels deep; formkit does not "
                                  "read records nested this deeply")]
    with pytest.raises(LimitExceeded, match=r"^record refused: /method/0/0"):
        render_pdf(PLAN, record)
    data = write(tmp_path / "deep.json", record)
    assert cli("validate", PLAN, str(data), "--as-of", ASOF).exit_code == 1


# ---------------------------------------------------------------- numbers


@pytest.mark.parametrize(("text", "message"), [
    ('{"method": NaN}', "NaN is not a JSON value"),
    ('{"method": -Infinity}', "-Infinity is not a JSON value"),
    ('{"method": 1e400}', "1e400 is beyond the range of a number"),
    ('{"method": -1e400}', "-1e400 is beyond the range of a number"),
    ('{"method": ' + "9" * 5000 + "}", "a number of 5,000 digits; at most 100 are read"),
    ('{"method": 1.' + "5" * 200 + "}", "a number of 202 characters; at most 100 are read"),
])
def test_numbers_json_cannot_hold_are_refused_unread(text, message, tmp_path):
    data = write(tmp_path / "n.json", text)
    result = cli("validate", PLAN, str(data), "--lang", "en")
    assert result.exit_code == 2
    assert result.stderr == f"formkit: error: {data}: {message}\n"


@pytest.mark.parametrize("value", [float("nan"), float("inf"), float("-inf")])
def test_non_finite_numbers_from_the_python_api_are_schema_findings(value):
    record = filled(PLAN)
    record["quantity"] = {**record["quantity"], "amount": value}
    report = fill(PLAN, record, as_of=AS_OF)
    assert limit_findings(report) == [
        ("schema", "error", "/quantity/amount", f"/quantity/amount: {value!r} is not a JSON "
                                                "number")]
    with pytest.raises(LimitExceeded, match=r"^record refused: /quantity/amount: "):
        render_docx(PLAN, record)


# ---------------------------------------------------------------- text encodings


def test_invalid_utf8_is_refused_naming_the_byte(tmp_path):
    raw = '{"method": "臺'.encode() + b"\xff\xfe" + b'"}'
    data = write(tmp_path / "bad.json", raw)
    result = cli("validate", PLAN, str(data), "--lang", "en")
    assert result.exit_code == 2
    assert result.stderr == f"formkit: error: {data}: not UTF-8 text (byte 15)\n"
    result = cli("validate", PLAN, "-", "--lang", "en", input=raw)
    assert result.exit_code == 2
    assert result.stderr == "formkit: error: <stdin>: not UTF-8 text (byte 15)\n"
    result = cli("validate", PLAN, "-", input=raw)
    assert result.stderr == "formkit: 錯誤：<stdin>：不是 UTF-8 文字（第 15 位元組）\n"


def test_a_byte_order_mark_is_accepted_from_a_file_and_stdin(tmp_path):
    raw = b"\xef\xbb\xbf" + json.dumps(get_form(PLAN).sample, ensure_ascii=False).encode()
    data = write(tmp_path / "bom.json", raw)
    assert cli("validate", PLAN, str(data), "--as-of", ASOF).exit_code == 0
    assert cli("validate", PLAN, "-", "--as-of", ASOF, input=raw).exit_code == 0


@pytest.mark.parametrize(("escape", "message"), [
    ('"method": "a\\ud800b"', "/method: \\ud800"),
    ('"method": "\\udc00"', "/method: \\udc00"),
    ('"obligor": {"x\\udbff": 1}', "/obligor/x\\udbff: \\udbff"),
])
def test_lone_surrogates_are_refused_naming_the_field(escape, message, tmp_path):
    data = write(tmp_path / "s.json", "{" + escape + "}")
    result = cli("validate", PLAN, str(data), "--lang", "en")
    assert result.exit_code == 2
    assert result.stderr == (f"formkit: error: {data}: {message} is half of a UTF-16 surrogate "
                             "pair, not a character\n")


def test_a_surrogate_pair_is_one_character():
    assert parse_json('{"a": "\\ud83d\\ude00"}') == {"a": "😀"}


# ---------------------------------------------------------------- size of the input


def test_a_record_file_over_2_mib_is_refused_unread(tmp_path):
    data = write(tmp_path / "big.json", '{"method": "' + "x" * limits.MAX_RECORD_BYTES + '"}')
    result = cli("fill", PLAN, str(data), "-o", str(tmp_path / "b.pdf"), "--lang", "en")
    assert result.exit_code == 2
    assert result.stderr == f"formkit: error: {data}: larger than 2 MiB\n"
    result = cli("fill", PLAN, "-", "-o", str(tmp_path / "b.pdf"), "--lang", "en",
                 input=data.read_bytes())
    assert result.exit_code == 2
    assert result.stderr == "formkit: error: <stdin>: larger than 2 MiB\n"
    result = cli("fill", PLAN, "-", "-o", str(tmp_path / "b.pdf"), input=data.read_bytes())
    assert result.stderr == "formkit: 錯誤：<stdin>：大於 2 MiB\n"
    assert not (tmp_path / "b.pdf").exists()


def test_stdin_is_read_no_further_than_the_cap(monkeypatch):
    class Endless(io.RawIOBase):
        read_bytes = 0

        def readable(self) -> bool:
            return True

        def readinto(self, buffer: Any) -> int:
            buffer[:] = b" " * len(buffer)
            Endless.read_bytes += len(buffer)
            return len(buffer)

    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BufferedReader(Endless())))
    with pytest.raises(InputError, match=r"^<stdin>: larger than 2 MiB$"):
        read_json("-")
    assert Endless.read_bytes < 2 * limits.MAX_RECORD_BYTES


# ---------------------------------------------------------------- no half-written files


def _wait_for(predicate: Any, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.005)
    return False


def _parts(folder: Path) -> list[Path]:
    return sorted(folder.glob(".out.pdf.*.part"))


SLOW_FSYNC = (
    "import os, sys, time\n"
    "real = os.fsync\n"
    "def slow(fd):\n"
    "    time.sleep(60)\n"
    "    real(fd)\n"
    "os.fsync = slow\n"
    "from formkit.cli import main\n"
    "sys.argv[0] = 'formkit'\n"
    "main()\n"
)


def test_sigkill_while_the_output_is_written_leaves_the_old_file(tmp_path):
    """Killed between writing the temporary file and renaming it (fsync made slow)."""
    out = tmp_path / "out.pdf"
    out.write_bytes(b"%PDF old bytes")
    data = write(tmp_path / "r.json", get_form(FEE).sample)
    proc = subprocess.Popen([sys.executable, "-c", SLOW_FSYNC, "fill", FEE, str(data), "-o",
                             str(out), "--as-of", ASOF], stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    try:
        assert _wait_for(lambda: any(p.stat().st_size > 1000 for p in _parts(tmp_path)), 60)
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        proc.wait(30)
    assert proc.returncode == -signal.SIGKILL
    assert out.read_bytes() == b"%PDF old bytes"
    # The complete new document stays in the temporary file, never in out.pdf.
    (stale,) = _parts(tmp_path)
    complete = stale.read_bytes()
    assert complete.startswith(b"%PDF-") and complete.rstrip().endswith(b"%%EOF")
    # The next write of out.pdf removes it once it is STALE_SECONDS old (its writer's lock died).
    write_atomic(out, b"%PDF new")
    assert _parts(tmp_path) == [stale]  # too fresh: a writer may not have locked it yet
    past = time.time() - records.STALE_SECONDS - 1
    os.utime(stale, (past, past))
    write_atomic(out, b"%PDF newer")
    assert _parts(tmp_path) == [] and out.read_bytes() == b"%PDF newer"


def test_sigkill_while_rendering_leaves_the_old_file_and_no_temporary_file(tmp_path):
    out = tmp_path / "out.pdf"
    out.write_bytes(b"%PDF old bytes")
    data = write(tmp_path / "rows.json", with_products(1_000))  # measured: 6.8 s to render
    proc = subprocess.Popen([sys.executable, "-m", "formkit.cli", "fill", FEE, str(data), "-o",
                             str(out), "--as-of", ASOF, "--draft"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        time.sleep(2.5)
        assert proc.poll() is None
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        proc.wait(30)
    assert out.read_bytes() == b"%PDF old bytes"
    assert _parts(tmp_path) == []


def test_a_temporary_file_locked_by_a_live_writer_is_kept(tmp_path):
    import fcntl

    out = tmp_path / "out.pdf"
    busy = tmp_path / ".out.pdf.abcd_123.part"
    busy.write_bytes(b"being written")
    past = time.time() - 3600
    os.utime(busy, (past, past))
    other = tmp_path / ".other.pdf.abcd_123.part"  # another output's: not ours to judge
    other.write_bytes(b"x")
    os.utime(other, (past, past))
    with open(busy, "rb") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        write_atomic(out, b"%PDF new")
        assert busy.exists()
    write_atomic(out, b"%PDF newer")
    assert not busy.exists() and other.exists()


def test_write_atomic_still_refuses_a_missing_folder(tmp_path):
    with pytest.raises(InputError, match="does not exist"):
        write_atomic(tmp_path / "nope" / "out.pdf", b"x")


def test_parse_json_errors_keep_their_types():
    with pytest.raises(MalformedJSONError):
        parse_json("{", "x")
