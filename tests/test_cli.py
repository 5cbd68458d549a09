"""The command line: every command, its output shapes and its exit codes."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from formkit.cli import main
from formkit.forms import get_form

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
    assert result.exit_code == 2 and "紀錄必須是 JSON 物件，不能是陣列" in result.output
    result = run("validate", FEE, str(arr), "--lang", "en")
    assert result.exit_code == 2 and "a record must be a JSON object, not list" in result.output


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


def test_due_explains_itself_in_chinese_by_default_and_in_english_with_lang_en(run) -> None:  # type: ignore[no-untyped-def]
    zh = run("due", "2024-02-29", "1 month").output.splitlines()
    assert zh == ["2024-04-01（中華民國113年4月1日）",
                  "事件日為民國113年2月29日；自次日（民國113年3月1日）起算；"
                  "1 個月於民國113年3月31日屆滿；"
                  "民國113年3月31日（星期日）為休息日，末日順延至民國113年4月1日"]
    assert run("due", "2024-02-29", "1 month", "--lang", "zh-TW").output.splitlines() == zh
    en = run("due", "2024-02-29", "1 month", "--lang", "en").output.splitlines()
    assert en == ["2024-04-01 (中華民國113年4月1日)",
                  "event 2024-02-29; counting starts the next day (2024-03-01); 1 month(s) end on "
                  "2024-03-31; rest days 2024-03-31 (Sunday): the last day moves to 2024-04-01"]


def test_due_names_holidays_in_the_language_asked_for(run) -> None:  # type: ignore[no-untyped-def]
    zh = json.loads(run("due", "2024-01-08", "1 month", "--format", "json").output)
    en = json.loads(run("due", "2024-01-08", "1 month", "--format", "json", "--lang", "en").output)
    assert zh["last_day"] == en["last_day"] == "2024-02-15"
    assert {"date": "2024-02-10", "reason": "春節"} in zh["skipped"]
    assert {"date": "2024-02-10", "reason": "Chinese New Year"} in en["skipped"]
    assert "民國113年2月9日（農曆除夕）" in zh["explanation"]
    assert not re.search(r"[A-Za-z]{2,}", zh["explanation"])


@pytest.mark.parametrize(
    ("args", "zh", "en"),
    [
        (("2023-11-01", "3 years", "--kind", "validity"),
         "自民國112年11月1日起算（當日計入）3 年，有效至民國115年10月31日",
         "valid from 2023-11-01 (counted) for 3 year(s): to 2026-10-31"),
        (("2024-05-01", "6 months", "--kind", "lookback"),
         "日期為民國112年11月1日以後之文件，距民國113年5月1日未逾 6 個月",
         "a document dated 2023-11-01 or later is within 6 month(s) of 2024-05-01"),
    ],
)
def test_due_explains_validity_and_lookback_in_both_languages(run, args, zh, en) -> None:  # type: ignore[no-untyped-def]
    assert run("due", *args).output.splitlines()[1] == zh
    assert run("due", *args, "--lang", "en").output.splitlines()[1] == en


def test_due_calls_an_impossible_day_so_in_the_language_asked_for(run) -> None:  # type: ignore[no-untyped-def]
    result = run("due", "113/2/30", "1 month")
    assert result.exit_code == 2 and "「113/2/30」不是實際存在的日期" in result.stderr
    result = run("due", "113/2/30", "1 month", "--lang", "en")
    assert result.exit_code == 2 and "'113/2/30' is not a real day" in result.stderr


@pytest.mark.parametrize(("event", "period", "said"), [
    ("1900-01-01", "1 day", "「1900-01-01」早於民國紀元（1912-01-01）"),
    ("9999-12-31", "1 month", "「9999-12-31」：期間末日超過 9999-12-31"),
    ("9999-12-31", "1 day", "「9999-12-31」：期間末日超過 9999-12-31"),
])
def test_due_at_the_ends_of_the_calendar(run, event, period, said) -> None:  # type: ignore[no-untyped-def]
    result = run("due", event, period)
    assert result.exit_code == 2 and said in result.stderr, result.output


def test_due_counts_to_the_last_day_of_the_calendar(run) -> None:  # type: ignore[no-untyped-def]
    result = run("due", "9999-12-30", "1 day", "--format", "json")
    assert result.exit_code == 0 and json.loads(result.stdout)["last_day"] == "9999-12-31"


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
    assert "/proc/" in proc.stderr and "無法寫入" in proc.stderr
    english = subprocess.run(proc.args + ["--lang", "en"], capture_output=True, text=True,
                             check=False)
    assert english.returncode == 2 and "cannot write" in english.stderr


def test_fill_draft_writes_prints_errors_first_and_exits_1(run, tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = _bad_quote(tmp_path)
    out = tmp_path / "draft.pdf"
    result = run("fill", FEE, str(path), "-o", str(out), "--draft", "--lang", "en")
    assert result.exit_code == 1 and out.exists()
    lines = [ln for ln in result.stderr.splitlines() if ln.startswith(("schema ", "CY-"))]
    assert lines and lines[0].startswith("schema /quote_kind")
