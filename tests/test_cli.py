"""The command line: every command, its output shapes and its exit codes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from formkit.catalog import get_form
from formkit.cli import main

FEE = "ciyue/fee-quote"
A7 = "mit/annex-07-qms-assessment"


@pytest.fixture()
def run():  # type: ignore[no-untyped-def]
    runner = CliRunner()

    def invoke(*args: str, input: str | None = None):  # type: ignore[no-untyped-def]
        return runner.invoke(main, list(args), input=input, catch_exceptions=False)

    return invoke


@pytest.fixture()
def sample_file(tmp_path: Path) -> Path:
    path = tmp_path / "quote.json"
    path.write_text(json.dumps(get_form(FEE).sample, ensure_ascii=False), encoding="utf-8")
    return path


def test_forms_lists_the_catalogue_as_text_and_json(run) -> None:  # type: ignore[no-untyped-def]
    text = run("forms")
    assert text.exit_code == 0 and A7 in text.output
    data = json.loads(run("forms", "--scheme", "ciyue", "--format", "json").output)
    assert [f["id"] for f in data] == [FEE]
    assert data[0]["title"]


def test_schema_and_sample_print_json(run) -> None:  # type: ignore[no-untyped-def]
    assert json.loads(run("schema", FEE).output)["$schema"].endswith("2020-12/schema")
    assert json.loads(run("sample", FEE).output) == get_form(FEE).sample


def test_unknown_form_exits_2_with_suggestions(run) -> None:  # type: ignore[no-untyped-def]
    result = run("schema", "ciyue/fee-qoute")
    assert result.exit_code == 2
    assert "ciyue/fee-quote" in result.output
    assert "Traceback" not in result.output


def test_validate_valid_sample_exits_0_json_shape(run, sample_file) -> None:  # type: ignore[no-untyped-def]
    result = run("validate", FEE, str(sample_file), "--as-of", "2024-06-01", "--format", "json")
    assert result.exit_code == 0, result.output
    out = json.loads(result.output)
    assert out["form"] == FEE and out["valid"] is True
    for f in out["findings"]:
        assert set(f) >= {"rule", "severity", "path", "message", "citation"}


def test_validate_reads_stdin(run) -> None:  # type: ignore[no-untyped-def]
    sample = json.dumps(get_form(FEE).sample, ensure_ascii=False)
    result = run("validate", FEE, "-", "--as-of", "2024-06-01", input=sample)
    assert result.exit_code == 0, result.output


def test_validate_with_errors_exits_1_and_cites(run, tmp_path) -> None:  # type: ignore[no-untyped-def]
    record = dict(get_form(FEE).sample)
    record["total"] = 1
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(record, ensure_ascii=False), encoding="utf-8")
    result = run("validate", FEE, str(path), "--format", "json", "--lang", "en")
    assert result.exit_code == 1
    out = json.loads(result.output)
    bad = [f for f in out["findings"] if f["path"] == "/total"]
    assert bad and bad[0]["severity"] == "error" and bad[0]["rule"].startswith("CY-R")
    assert bad[0]["citation"]


def test_malformed_json_names_file_line_and_column(run, tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "broken.json"
    path.write_text('{\n  "client": "x",\n  oops\n}', encoding="utf-8")
    result = run("validate", FEE, str(path))
    assert result.exit_code == 2
    assert f"{path}:3:3" in result.output


def test_missing_file_and_wrong_type_exit_2(run, tmp_path) -> None:  # type: ignore[no-untyped-def]
    assert run("validate", FEE, str(tmp_path / "nope.json")).exit_code == 2
    arr = tmp_path / "list.json"
    arr.write_text("[1, 2]", encoding="utf-8")
    result = run("validate", FEE, str(arr))
    assert result.exit_code == 2 and "JSON object" in result.output


def test_fill_json_adds_derived_values(run, sample_file, tmp_path) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "filled.json"
    result = run("fill", FEE, str(sample_file), "-o", str(out), "--as-of", "2024-06-01")
    assert result.exit_code == 0, result.output
    filled = json.loads(out.read_text(encoding="utf-8"))
    assert isinstance(filled["total"], int) and filled["total_in_words"].startswith("新臺幣")


def _bad_quote(tmp_path: Path) -> Path:
    """The fee quote's sample with a quote kind that is no option: one schema error."""
    record = dict(get_form(FEE).sample)
    record["quote_kind"] = "nonsense"
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(record, ensure_ascii=False), encoding="utf-8")
    return path


def test_fill_refuses_errors_without_draft(run, tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = _bad_quote(tmp_path)
    out = tmp_path / "bad.pdf"
    result = run("fill", FEE, str(path), "-o", str(out))
    assert result.exit_code == 1 and not out.exists()


def test_fill_rejects_an_unknown_output_kind(run, sample_file, tmp_path) -> None:  # type: ignore[no-untyped-def]
    result = run("fill", FEE, str(sample_file), "-o", str(tmp_path / "x.txt"))
    assert result.exit_code == 2


def test_due_prints_the_last_day_and_rollover(run) -> None:  # type: ignore[no-untyped-def]
    result = run("due", "2024-02-29", "1 month", "--format", "json")
    out = json.loads(result.output)
    assert out["nominal"] == "2024-03-31" and out["last_day"] == "2024-04-01" and out["rolled"]
    assert run("due", "2024-03-15", "1 month").output.startswith("2024-04-15")
    assert run("due", "113/3/15", "一個月").output.startswith("2024-04-15")
    assert json.loads(run("due", "2023-11-01", "3 years", "--kind", "validity",
                          "--format", "json").output)["last_day"] == "2026-10-31"
    assert run("due", "2024-13-01", "1 month").exit_code == 2
    assert run("due", "2024-01-01", "soon").exit_code == 2


def test_no_traceback_from_a_real_process(tmp_path: Path) -> None:
    bad = tmp_path / "x.json"
    bad.write_text("{", encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "formkit.cli", "validate", FEE, str(bad)],
        capture_output=True, text=True, check=False,
    )
    assert done.returncode == 2
    assert "Traceback" not in done.stderr and "x.json:1:2" in done.stderr


def test_an_output_that_cannot_be_written_is_exit_2_with_its_path_not_a_traceback(tmp_path):
    data = tmp_path / "r.json"
    data.write_text(json.dumps(get_form("mit/annex-11-product-certificate").sample,
                               ensure_ascii=False), encoding="utf-8")
    proc = subprocess.run(
        [sys.executable, "-m", "formkit.cli", "fill", "mit/annex-11-product-certificate",
         str(data), "-o", "/proc/formkit-cannot-write.json"],
        capture_output=True, text=True, check=False)
    assert proc.returncode == 2, proc.stderr
    assert "Traceback" not in proc.stderr
    assert "/proc/" in proc.stderr and "cannot write" in proc.stderr


def test_fill_draft_writes_prints_errors_first_and_exits_1(run, tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = _bad_quote(tmp_path)
    out = tmp_path / "draft.pdf"
    result = run("fill", FEE, str(path), "-o", str(out), "--draft", "--lang", "en")
    assert result.exit_code == 1 and out.exists()
    lines = [ln for ln in result.stderr.splitlines() if ln.startswith(("schema ", "CY-"))]
    assert lines and lines[0].startswith("schema /quote_kind")
