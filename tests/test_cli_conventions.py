"""The command line's conventions: messages in the user's language, global options
anywhere, JSON errors, exit codes (2 input, 3 bug, 141 broken pipe), ``-`` for
stdin and stdout, scheme names, shell completion and ``formkit rules``."""

from __future__ import annotations

import ast
import json
import pickle
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from formkit import errors
from formkit.cli import main
from formkit.errors import (
    FormkitError,
    InputError,
    LimitExceeded,
    MalformedJSONError,
    MissingGlyphError,
    UnknownFormError,
    UnknownSchemeError,
)
from formkit.forms import SCHEMES, get_form
from formkit.records import parse_json
from formkit.rules import all_rules

from .conftest import AS_OF

FEE = "ciyue/fee-quote"
CERT = "mit/annex-11-product-certificate"
ASOF = AS_OF.isoformat()
ROOT = Path(__file__).resolve().parents[1]
CJK = range(0x4E00, 0xA000)


def cli(*args: str, input: bytes | str | None = None, env: dict[str, str] | None = None,
        **kw: Any) -> Any:
    env = {"FORMKIT_LANG": "", **(env or {})}
    return CliRunner().invoke(main, list(args), input=input, env=env, catch_exceptions=False,
                              prog_name="formkit", **kw)


def chinese(text: str) -> bool:
    return any(ord(c) in CJK for c in text)


@pytest.fixture()
def sample(tmp_path: Path) -> Path:
    path = tmp_path / "quote.json"
    path.write_text(json.dumps(get_form(FEE).sample, ensure_ascii=False), encoding="utf-8")
    return path


@pytest.fixture()
def broken(tmp_path: Path) -> Path:
    path = tmp_path / "broken.json"
    path.write_text('{\n  "client": "x",\n  oops\n}', encoding="utf-8")
    return path


# ---------------------------------------------------------------- errors in the user's language


def test_errors_are_chinese_by_default_and_english_with_lang_en(broken: Path) -> None:
    zh = cli("validate", FEE, str(broken))
    assert zh.exit_code == 2 and zh.stdout == ""
    assert zh.stderr == (f"formkit: 錯誤：{broken}:3:3：JSON 格式錯誤："
                         "此處應為以雙引號括住的屬性名稱\n")
    en = cli("validate", FEE, str(broken), "--lang", "en")
    assert en.exit_code == 2
    assert en.stderr == (f"formkit: error: {broken}:3:3: malformed JSON: Expecting property "
                         "name enclosed in double quotes\n")


@pytest.mark.parametrize("args", [
    ["schema", "ciyue/fee-qoute"],
    ["validate", FEE, "/nonexistent/x.json"],
    ["fill", FEE, "/nonexistent/x.json", "-o", "x.pdf"],
    ["blank", "nope/nope", "-o", "x.pdf"],
    ["parse", "/nonexistent/x.pdf"],
    ["check", "/nonexistent/case"],
    ["batch", FEE, "/nonexistent/x.jsonl", "-o", "out"],
    ["forms", "--scheme", "foo"],
    ["rules", "--form", "nope/nope"],
    ["validate", FEE, "x.json", "--as-of", "tomorrow"],
    ["due", "2024-01-01", "soon"],
])
def test_every_command_reports_an_error_in_chinese_or_english(args: list[str]) -> None:
    zh = cli(*args)
    assert zh.exit_code == 2, zh.output
    assert zh.stderr.startswith("formkit: 錯誤：") and chinese(zh.stderr), zh.stderr
    en = cli("--lang", "en", *args)
    assert en.exit_code == 2, en.output
    assert en.stderr.startswith("formkit: error: ") and not chinese(en.stderr), en.stderr


def test_lang_goes_before_or_after_the_command_and_formkit_lang_is_the_default() -> None:
    for args in (["--lang", "en", "schema", "x/zzz"], ["schema", "x/zzz", "--lang", "en"],
                 ["schema", "--lang=en", "x/zzz"]):
        assert cli(*args).stderr == "formkit: error: unknown form 'x/zzz'\n"
    assert cli("schema", "x/zzz", env={"FORMKIT_LANG": "en"}).stderr == (
        "formkit: error: unknown form 'x/zzz'\n")
    assert cli("schema", "x/zzz", "--lang", "zh-TW", env={"FORMKIT_LANG": "en"}).stderr == (
        "formkit: 錯誤：找不到表單「x/zzz」\n")
    assert cli("schema", "x/zzz", env={"FORMKIT_LANG": "klingon"}).stderr == (
        "formkit: 錯誤：找不到表單「x/zzz」\n")


def test_usage_errors_are_in_the_language_of_the_run() -> None:
    zh = cli("validate", FEE)
    assert zh.exit_code == 2 and zh.stderr.endswith("formkit: 錯誤：缺少引數 'DATA'\n")
    assert "請執行「formkit validate -h」查看說明。" in zh.stderr
    assert cli("validate", FEE, "--lang", "en").stderr.endswith(
        "formkit: error: missing argument 'DATA'\n")
    typo = cli("vaildate")
    assert typo.exit_code == 2 and "沒有「vaildate」這個指令；您是指 validate 嗎？" in typo.stderr
    bad = cli("validate", FEE, "x.json", "--format", "xml")
    assert bad.exit_code == 2 and "「xml」不是 text, json 之一" in bad.stderr
    option = cli("validate", FEE, "x.json", "--bogus", "--lang", "en")
    assert option.exit_code == 2 and "no such option: --bogus" in option.stderr


def test_the_json_decoders_words_are_translated() -> None:
    with pytest.raises(MalformedJSONError) as caught:
        parse_json('{"a": }', "x.json")
    exc = caught.value
    assert str(exc) == "x.json:1:7: malformed JSON: Expecting value"
    assert exc.text("zh-TW") == "x.json:1:7：JSON 格式錯誤：此處應有一個值"
    assert exc.text("en") == str(exc)
    assert sorted(errors.JSON_DETAILS) and all(
        isinstance(d, str) for d in errors.JSON_DETAILS)


def test_errors_keep_their_attributes_and_survive_pickling() -> None:
    unknown = UnknownFormError("ciyue/fee-qoute", ["ciyue/fee-quote"])
    assert (unknown.form_id, unknown.suggestions) == ("ciyue/fee-qoute", ["ciyue/fee-quote"])
    assert str(unknown) == "unknown form 'ciyue/fee-qoute'; did you mean ciyue/fee-quote?"
    assert unknown.text("zh-TW") == "找不到表單「ciyue/fee-qoute」；您是指 ciyue/fee-quote 嗎？"
    assert isinstance(UnknownSchemeError("foo", SCHEMES), UnknownFormError)
    bad = MalformedJSONError("r.json", 2, 5, "Extra data")
    assert (bad.source, bad.line, bad.column) == ("r.json", 2, 5)
    assert bad.details() == {"file": "r.json", "line": 2, "column": 5}
    glyph = MissingGlyphError("𠀋", "holder.name", "Noto Sans CJK TC")
    assert (glyph.char, glyph.field) == ("𠀋", "holder.name")
    assert "U+2000B" in str(glyph) and "U+2000B" in glyph.text("zh-TW")
    limit = LimitExceeded(errors.N_("{file}: too big"), file="f.pdf", limit="bytes")
    assert limit.limit == "bytes" and limit.details() == {"file": "f.pdf", "limit": "bytes"}
    for exc in (unknown, bad, glyph, limit):
        again = pickle.loads(pickle.dumps(exc))
        assert type(again) is type(exc) and str(again) == str(exc)
        assert again.text("zh-TW") == exc.text("zh-TW") and vars(again) == vars(exc)


def test_a_nested_error_is_shown_in_the_same_language() -> None:
    inner = InputError(errors.N_("{file}: no such file"), file="a.json")
    outer = InputError(errors.N_("{file}: {reason}"), file="case", reason=inner)
    assert str(outer) == "case: a.json: no such file"
    assert outer.text("zh-TW") == "case：a.json：找不到檔案"


def test_national_ids_are_masked_in_every_language() -> None:
    exc = InputError(errors.N_("{file}: no such file"), file="A123456789.json")
    for shown in (str(exc), repr(exc), exc.text("zh-TW"), exc.text("en")):
        assert "A123456789" not in shown and "A******789" in shown
    assert "A123456789" not in repr(exc.params)


def _error_classes() -> set[str]:
    return {name for name, obj in vars(errors).items()
            if isinstance(obj, type) and issubclass(obj, FormkitError)} | {"limit_error"}


def test_every_raise_site_in_src_gives_a_message_id_not_a_finished_text() -> None:
    """An f-string or a concatenation as the message of a FormkitError cannot be translated."""
    names = _error_classes()
    found = []
    for path in sorted((ROOT / "src" / "formkit").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Call) and node.args):
                continue
            func = node.func
            name = func.id if isinstance(func, ast.Name) else (
                func.attr if isinstance(func, ast.Attribute) else "")
            if name in names and isinstance(node.args[0], ast.JoinedStr | ast.BinOp):
                found.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert found == []


# ---------------------------------------------------------------- --format json

def test_json_errors_go_to_stdout_with_code_file_line_and_column(broken: Path) -> None:
    result = cli("validate", FEE, str(broken), "--format", "json")
    assert result.exit_code == 2 and result.stderr == ""
    error = json.loads(result.stdout)["error"]
    assert error == {"code": "malformed_json", "file": str(broken), "line": 3, "column": 3,
                     "message": f"{broken}:3:3：JSON 格式錯誤：此處應為以雙引號括住的屬性名稱"}
    unknown = json.loads(cli("--format", "json", "--lang", "en", "schema", "ciyue/fee-qoute")
                         .stdout)["error"]
    assert unknown == {"code": "unknown_form", "form": "ciyue/fee-qoute",
                       "suggestions": ["ciyue/fee-quote"],
                       "message": "unknown form 'ciyue/fee-qoute'; did you mean ciyue/fee-quote?"}
    usage = cli("validate", FEE, "--format", "json")
    assert usage.exit_code == 2 and json.loads(usage.stdout)["error"]["code"] == "usage"


@pytest.mark.parametrize("args", [
    ["fill", FEE, "/nonexistent/x.json", "-o", "x.pdf"],
    ["blank", "nope/nope", "-o", "x.pdf"],
    ["batch", FEE, "/nonexistent/x.jsonl", "-o", "out"],
    ["schema", "nope/nope"],
    ["check", "/nonexistent/case"],
])
def test_format_json_is_accepted_by_every_command(args: list[str]) -> None:
    result = cli(*args, "--format", "json")
    assert result.exit_code == 2
    assert set(json.loads(result.stdout)["error"]) >= {"code", "message"}


def test_fill_and_blank_summarise_in_json(sample: Path, tmp_path: Path) -> None:
    out = tmp_path / "q.json"
    result = cli("fill", FEE, str(sample), "-o", str(out), "--as-of", ASOF, "--format", "json")
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert summary["output"] == str(out) and summary["valid"] is True and out.exists()


# ---------------------------------------------------------------- -q and -v anywhere


def _with_a_warning(tmp_path: Path) -> Path:
    """The fee quote's sample dated with an ROC date: fill says so (an info finding)."""
    record = dict(get_form(FEE).sample)
    record["quote_date"] = "113/05/01"
    path = tmp_path / "roc.json"
    path.write_text(json.dumps(record, ensure_ascii=False), encoding="utf-8")
    return path


def test_quiet_prints_only_errors_wherever_it_is_given(sample: Path, tmp_path: Path) -> None:
    loud = cli("validate", FEE, str(sample), "--as-of", ASOF)
    assert loud.exit_code == 0 and loud.stdout.strip()  # the verdict line
    for args in (["-q", "validate", FEE, str(sample)], ["validate", FEE, str(sample), "-q"],
                 ["validate", "--quiet", FEE, str(sample)]):
        quiet = cli(*args, "--as-of", ASOF)
        assert quiet.exit_code == 0 and quiet.output == ""
    out = tmp_path / "q.json"
    made = cli("fill", FEE, str(_with_a_warning(tmp_path)), "-o", str(out), "--as-of", ASOF,
               "-q")
    assert made.exit_code == 0 and made.output == "" and out.exists()


def test_verbose_is_accepted_before_and_after_the_command(sample: Path) -> None:
    for args in (["-v", "validate", FEE, str(sample)], ["validate", FEE, str(sample), "-vv"]):
        result = cli(*args, "--as-of", ASOF)
        assert result.exit_code == 0, result.output


# ---------------------------------------------------------------- exit 3 for a bug


def test_a_bug_exits_3_with_a_short_message_and_a_traceback_only_with_v(
        monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(form_id: str) -> Any:
        raise KeyError("a bug in formkit")

    monkeypatch.setattr(sys.modules["formkit.forms"], "get_form", broken)
    result = cli("schema", FEE)
    assert result.exit_code == 3
    assert "Traceback" not in result.stderr
    lines = result.stderr.splitlines()
    assert lines[0] == "formkit: 內部錯誤（formkit 程式有缺陷）：KeyError: 'a bug in formkit'"
    assert "-v" in lines[1] and "回報" in lines[1]
    verbose = cli("schema", FEE, "-v", "--lang", "en")
    assert verbose.exit_code == 3 and "Traceback" in verbose.stderr
    assert "internal error (a bug in formkit): KeyError" in verbose.stderr
    as_json = json.loads(cli("schema", FEE, "--format", "json").stdout)["error"]
    assert as_json["code"] == "internal" and as_json["type"] == "KeyError"


def test_findings_still_exit_1_and_input_errors_2(tmp_path: Path) -> None:
    record = dict(get_form(FEE).sample)
    record["total"] = 1
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(record, ensure_ascii=False), encoding="utf-8")
    assert cli("validate", FEE, str(bad), "--as-of", ASOF).exit_code == 1
    assert cli("validate", FEE, str(tmp_path / "none.json")).exit_code == 2


# ---------------------------------------------------------------- broken pipe


def _formkit(*args: str) -> list[str]:
    return [sys.executable, "-c", "from formkit.cli import main; main()", *args]


def test_a_closed_stdout_is_quiet_and_exits_141() -> None:
    with subprocess.Popen(_formkit("schema", "mit/annex-07-qms-assessment"),
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE) as proc:
        assert proc.stdout is not None and proc.stderr is not None
        proc.stdout.close()  # the reader is gone before anything is written, as `| head -0`
        stderr = proc.stderr.read().decode()
        assert proc.wait(timeout=60) == 141, stderr
    assert stderr == ""


def test_forms_piped_into_head_prints_no_broken_pipe() -> None:
    import shlex

    done = subprocess.run(f"{shlex.join(_formkit('forms'))} | head -1", shell=True,
                          capture_output=True, text=True, timeout=60, check=False)
    assert done.stdout.count("\n") == 1 and done.stderr == ""


# ---------------------------------------------------------------- - for stdin and stdout


def test_fill_reads_stdin_and_writes_stdout(sample: Path, tmp_path: Path) -> None:
    text = sample.read_text(encoding="utf-8")
    out = tmp_path / "q.json"
    assert cli("fill", FEE, "-", "-o", str(out), "--as-of", ASOF, input=text).exit_code == 0
    piped = cli("fill", FEE, "-", "-o", "-", "--to", "json", "--as-of", ASOF, input=text)
    assert piped.exit_code == 0
    assert json.loads(piped.stdout) == json.loads(out.read_text(encoding="utf-8"))
    refused = cli("fill", FEE, str(sample), "-o", "-", "--as-of", ASOF)
    assert refused.exit_code == 2 and "--to" in refused.stderr
    docx = cli("fill", FEE, str(sample), "-o", "-", "--to", "docx", "--as-of", ASOF)
    assert docx.exit_code == 0 and docx.stdout_bytes[:2] == b"PK"


def test_blank_writes_stdout_with_to() -> None:
    result = cli("blank", FEE, "-o", "-", "--to", "docx")
    assert result.exit_code == 0 and result.stdout_bytes[:2] == b"PK"
    assert cli("blank", FEE, "-o", "-").exit_code == 2


def test_parse_reads_stdin_and_writes_the_record_to_stdout(tmp_path: Path) -> None:
    data = tmp_path / "cert.json"
    data.write_text(json.dumps(get_form(CERT).sample, ensure_ascii=False), encoding="utf-8")
    pdf = tmp_path / "cert.pdf"
    assert cli("fill", CERT, str(data), "-o", str(pdf), "--as-of", ASOF).exit_code == 0
    from_stdin = cli("parse", "-", "--as-of", ASOF, "--format", "json",
                     input=pdf.read_bytes())
    assert from_stdin.exit_code == 0, from_stdin.output
    parsed = json.loads(from_stdin.stdout)
    assert parsed["form"] == CERT and parsed["source"] == "embedded"
    to_stdout = cli("parse", str(pdf), "-o", "-", "--as-of", ASOF)
    assert to_stdout.exit_code == 0
    assert json.loads(to_stdout.stdout) == parsed["data"]  # the report went to stderr
    assert CERT in to_stdout.stderr
    empty = cli("parse", "-", input=b"")
    assert empty.exit_code == 2 and "<stdin>" in empty.stderr


def test_check_reads_a_case_from_stdin() -> None:
    case = [{"form": CERT, "data": get_form(CERT).sample}]
    result = cli("check", "-", "--as-of", ASOF, "--format", "json",
                 input=json.dumps(case, ensure_ascii=False))
    assert result.exit_code in (0, 1), result.output
    assert json.loads(result.stdout)["forms"] == [CERT]


# ---------------------------------------------------------------- forms --scheme


def test_scheme_names_are_case_insensitive_and_a_typo_lists_the_schemes() -> None:
    assert cli("forms", "--scheme", "MIT").stdout == cli("forms", "--scheme", "mit").stdout
    assert cli("forms", "--scheme", "MIT").stdout.startswith("mit/")
    typo = cli("forms", "--scheme", "foo")
    assert typo.exit_code == 2
    assert typo.stderr == ("formkit: 錯誤：沒有「foo」這個制度；可用的制度有 "
                           + ", ".join(SCHEMES) + "\n")
    legacy = cli("forms", "--scheme", "cnsmark-legacy")
    assert legacy.exit_code == 0 and legacy.stdout == ""
    assert legacy.stderr == "formkit: 制度 cnsmark-legacy 目前尚無表單\n"
    assert cli("forms", "--scheme", "cnsmark-legacy", "-q").stderr == ""
    assert json.loads(cli("forms", "--scheme", "cnsmark-legacy", "--format", "json").stdout) == []


# ---------------------------------------------------------------- shell completion


def _complete(words: str) -> list[str]:
    env = {"_FORMKIT_COMPLETE": "bash_complete", "COMP_WORDS": words,
           "COMP_CWORD": str(len(words.split()) - (0 if words.endswith(" ") else 1))}
    result = CliRunner().invoke(main, [], prog_name="formkit", env=env)
    return [line.split(",", 1)[1] for line in result.output.splitlines()]


def test_shell_completion_of_form_ids_and_schemes() -> None:
    assert _complete("formkit validate ciyue/") == [FEE]
    assert _complete("formkit fill mit/annex-11") == [CERT]
    assert set(_complete("formkit parse x.pdf --form cnsmark/")) == {
        "cnsmark/application", "cnsmark/product-test-report",
        "cnsmark/qms-or-factory-inspection-report"}
    assert _complete("formkit forms --scheme cns") == ["cnsmark", "cnsmark-legacy"]


def test_the_readme_says_how_to_enable_completion() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "_FORMKIT_COMPLETE=bash_source formkit" in readme


# ---------------------------------------------------------------- formkit rules


def test_rules_lists_every_registered_rule_with_its_citation_severity_and_forms() -> None:
    result = cli("rules", "--format", "json")
    assert result.exit_code == 0
    listed = json.loads(result.stdout)
    registered = all_rules()
    assert [r["id"] for r in listed] == list(registered)
    for r in listed:
        assert r["citation"] == registered[r["id"]].citation
        assert set(r["forms"]) >= set(registered[r["id"]].forms)
        if not r["forms"]:  # bound to no form: it says what it would need, and reports nothing
            assert r["needs"] and r["severities"] == [] and r["severity"] is None
            continue
        assert r["severities"] and r["severity"] == r["severities"][0]
        assert set(r["severities"]) <= {"error", "warning", "info"}
    text = cli("rules").stdout
    assert all(r["id"] in text for r in listed)


def test_rules_of_a_form_and_of_a_scheme() -> None:
    fee = json.loads(cli("rules", "--form", FEE, "--format", "json").stdout)
    assert [r["id"] for r in fee] == ["CY-R26", "CY-R27", "CY-R28", "CY-R29", "CY-R30"]
    assert get_form(FEE).rules == tuple(r["id"] for r in fee)
    mit = json.loads(cli("rules", "--scheme", "MIT", "--format", "json").stdout)
    assert mit and all(any(f.startswith("mit/") for f in r["forms"]) or r["needs"] for r in mit)
    assert {"X-01", "X-02", "X-03"} <= {r["id"] for r in mit}
    legacy = cli("rules", "--scheme", "cnsmark-legacy")
    assert legacy.exit_code == 0 and legacy.stdout == ""


def test_the_registered_rule_ids_are_the_catalogues() -> None:
    index = ROOT.parent / "shared" / "spec" / "index.json"
    if not index.exists():
        pytest.skip("the specification's index is not beside the tree")
    catalogue = {r["id"] for r in json.loads(index.read_text(encoding="utf-8"))["rules"]}
    assert set(all_rules()) <= catalogue


def test_rules_is_listed_in_help_and_completed_by_the_shell() -> None:
    assert "rules" in cli("--help").stdout
    assert _complete("formkit ru") == ["rules"]
    assert _complete("formkit rules --form oshpm/") == ["oshpm/destruction-plan"]
