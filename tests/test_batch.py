"""formkit batch: many records of one form, validated, named, rendered, reported."""

from __future__ import annotations

import copy
import hashlib
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from formkit import batch
from formkit.batch import BatchResult, run_batch, sanitize_name
from formkit.cli import main
from formkit.engine import fill
from formkit.errors import InputError
from formkit.forms import get_form
from formkit.parse.embedded import digest_ok, read_embedded
from formkit.pointers import get, set_
from formkit.records import canonical_json

from .conftest import AS_OF, FORM_IDS

CERT = "mit/annex-11-product-certificate"  # small form, number key cert_no
APPLICATION = "cnsmark/application"  # no number key
ASOF = AS_OF.isoformat()


def cert(i: int, **changes: Any) -> dict[str, Any]:
    """The certificate sample with its own number, holder and product code."""
    record = copy.deepcopy(get_form(CERT).sample)
    record["cert_no"] = f"MIT-TX-113-{i:04d}"
    record["holder"]["name"] = f"福興紡織股份有限公司第{i}廠"
    record["products"][0]["code"] = f"MIT-TX-113-{i:04d}-01"
    record.update(changes)
    return record


def write_jsonl(path: Path, lines: list[Any]) -> Path:
    text = "".join((x if isinstance(x, str) else json.dumps(x, ensure_ascii=False)) + "\n"
                   for x in lines)
    path.write_text(text, encoding="utf-8")
    return path


def report(out: Path) -> dict[str, Any]:
    return json.loads((out / "batch-report.json").read_text(encoding="utf-8"))


def by_index(rep: dict[str, Any]) -> dict[int, dict[str, Any]]:
    return {r["index"]: r for r in rep["records"]}


def outputs(out: Path) -> set[str]:
    return {p.name for p in out.iterdir() if p.suffix in (".pdf", ".docx")}


def leftovers(out: Path) -> list[str]:
    """Anything hidden but the manifest: write_atomic's .NAME.XXXXXXXX.part files."""
    return [p.name for p in out.iterdir()
            if p.name.startswith(".") and p.name != batch.MANIFEST_NAME]


@pytest.fixture()
def run():  # type: ignore[no-untyped-def]
    runner = CliRunner()

    def invoke(*args: str, input: str | None = None):  # type: ignore[no-untyped-def]
        return runner.invoke(main, ["batch", *args], input=input, catch_exceptions=False)

    return invoke


# --- JSON Lines: refusals with line numbers, findings, duplicates ----------------------------


def test_jsonl_refuses_bad_lines_and_invalid_records_and_renders_the_rest(run, tmp_path):
    wrong = cert(5, valid_to="2030-01-01")  # MIT-R34: computed from issue_date
    src = write_jsonl(tmp_path / "certs.jsonl", [
        cert(1), cert(2),
        '{"cert_no": "MIT-TX-113-0003", oops}',  # line 3: not JSON
        "",  # a blank line is skipped, not a record
        "[1, 2]",  # line 5: not an object
        wrong,  # line 6
        cert(2, industry=cert(2)["industry"] + " "),  # line 7: the same number as line 2
        cert(8),
    ])
    out = tmp_path / "out"
    result = run(CERT, str(src), "-o", str(out), "--to", "docx", "--as-of", ASOF)
    assert result.exit_code == 1, result.output
    assert outputs(out) == {"MIT-TX-113-0001.docx", "MIT-TX-113-0002.docx",
                            "MIT-TX-113-0008.docx"}
    rep = report(out)
    assert rep["counts"] == {"records": 7, "written": 3, "skipped": 0, "refused": 4,
                             "failed": 0, "not_done": 0, "files_written": 3}
    recs = by_index(rep)
    assert [recs[i]["line"] for i in range(1, 8)] == [1, 2, 3, 5, 6, 7, 8]
    bad_json, not_object, invalid, duplicate = recs[3], recs[4], recs[5], recs[6]
    assert bad_json["status"] == "refused" and bad_json["name"] is None
    assert bad_json["reasons"][0]["code"] == "unreadable"
    # In the report's language (zh-TW), naming the file and the line.
    assert bad_json["reasons"][0]["message"].startswith(str(src))
    assert "JSON" in bad_json["reasons"][0]["message"]
    assert not_object["reasons"][0]["message"] == f"{src} 第 5 行：每筆紀錄應為 JSON 物件，而非陣列"
    assert invalid["status"] == "refused" and invalid["name"] == "MIT-TX-113-0005"
    assert invalid["reasons"][0]["code"] == "invalid"
    [finding] = invalid["findings"]
    assert finding["rule"] == "MIT-R34" and finding["path"] == "/valid_to"
    assert finding["citation"] and "116年7月14日" in finding["message"]  # the day as the form prints it
    assert duplicate["reasons"][0]["code"] == "duplicate"
    assert "MIT-TX-113-0002" in duplicate["reasons"][0]["message"]
    assert "第 2 筆" in duplicate["reasons"][0]["message"]  # names the first record
    assert recs[2]["outputs"] == [{"file": "MIT-TX-113-0002.docx", "format": "docx",
                                   "state": "written"}]
    # The written one is the first, not the duplicate.
    text = (out / "batch-report.txt").read_text(encoding="utf-8")
    assert "拒絕 4 筆" in text
    assert f"第 3 筆（{src} 第 3 行）：拒絕" in text
    assert f"第 4 筆（{src} 第 5 行）：拒絕" in text
    assert f"第 5 筆（{src} 第 6 行） → MIT-TX-113-0005.*：拒絕" in text
    assert "MIT-R34 /valid_to" in text and "依據：" + finding["citation"] in text
    assert leftovers(out) == []
    assert result.stdout.splitlines()[-2:] == [str(out / "batch-report.json"),
                                               str(out / "batch-report.txt")]


def test_the_report_speaks_english_with_lang_en(run, tmp_path):
    src = write_jsonl(tmp_path / "c.jsonl", [cert(1), "nope", cert(3, valid_to="2030-01-01")])
    out = tmp_path / "out"
    result = run(CERT, str(src), "-o", str(out), "--to", "docx", "--as-of", ASOF, "--lang", "en")
    assert result.exit_code == 1
    text = (out / "batch-report.txt").read_text(encoding="utf-8")
    assert text.startswith("formkit batch report\n")
    assert "written: 1; skipped as current: 0; refused: 2; failed: 0" in text
    assert f"record 2 ({src}, line 2): refused" in text
    assert "1 error finding(s)" in text and "citation: S0 要點34" in text
    recs = by_index(report(out))
    assert recs[2]["reasons"][0]["message"].startswith(f"{src}, line 2, column 1: malformed JSON: ")
    assert recs[3]["findings"][0]["message"].startswith("有效期限: the given value")


def test_records_from_stdin(run, tmp_path):
    lines = "\n".join(json.dumps(cert(i), ensure_ascii=False) for i in (7, 9)) + "\n"
    out = tmp_path / "out"
    result = run(CERT, "-", "-o", str(out), "--to", "docx", "--as-of", ASOF, input=lines)
    assert result.exit_code == 0, result.output
    assert outputs(out) == {"MIT-TX-113-0007.docx", "MIT-TX-113-0009.docx"}
    assert report(out)["records_source"] == "<stdin>"


# --- a folder of records; names ------------------------------------------------------------


def test_folder_input_names_by_number_key_else_file_stem(run, tmp_path):
    assert get_form(CERT).meta["number_key"] == "cert_no"
    folder = tmp_path / "certs"
    folder.mkdir()
    files = {
        "b-second.json": cert(2),
        "a-first.json": cert(1, cert_no="///"),  # a number with nothing usable in a file name
    }
    for name, record in files.items():
        (folder / name).write_text(json.dumps(record, ensure_ascii=False), "utf-8")
    (folder / "c-broken.json").write_text('{\n  "holder": {,\n}', "utf-8")
    (folder / "notes.txt").write_text("not a record", "utf-8")
    (folder / ".hidden.json").write_text("{}", "utf-8")
    (folder / "sub").mkdir()
    (folder / "sub" / "nested.json").write_text("{}", "utf-8")
    out = tmp_path / "out"
    result = run(CERT, str(folder), "-o", str(out), "--to", "docx", "--as-of", ASOF)
    assert result.exit_code == 1, result.output
    assert outputs(out) == {"a-first.docx", "MIT-TX-113-0002.docx"}
    recs = by_index(report(out))
    assert [(r["file"], r["line"], r["status"]) for r in recs.values()] == [
        (str(folder / "a-first.json"), None, "written"),
        (str(folder / "b-second.json"), None, "written"),
        (str(folder / "c-broken.json"), None, "refused"),
    ]
    # The line of the error inside the file is in the reason.
    assert str(folder / "c-broken.json") in recs[3]["reasons"][0]["message"]
    assert "2" in recs[3]["reasons"][0]["message"].removeprefix(str(folder / "c-broken.json"))
    text = (out / "batch-report.txt").read_text(encoding="utf-8")
    assert f"第 3 筆（{folder / 'c-broken.json'}）：拒絕" in text


def test_name_key_option_and_index_fallback(run, tmp_path):
    sample = get_form(APPLICATION).sample
    assert "number_key" not in get_form(APPLICATION).meta
    records = []
    for i in range(10):
        r = copy.deepcopy(sample)
        r["applicant"]["ubn"] = "22099131"
        r["product"]["model"] = f"SD420W-{i}"
        records.append(r)
    src = write_jsonl(tmp_path / "apps.jsonl", records)
    out = tmp_path / "by-index"
    assert run(APPLICATION, str(src), "-o", str(out), "--to", "docx", "--as-of",
               ASOF).exit_code == 0
    # No number: the position, zero-padded to the width of the count.
    assert outputs(out) == {f"{i:02d}.docx" for i in range(1, 11)}

    out = tmp_path / "by-model"
    result = run(APPLICATION, str(src), "-o", str(out), "--to", "docx", "--as-of", ASOF,
                 "--name-key", "product.model")
    assert result.exit_code == 0, result.output
    assert outputs(out) == {f"SD420W-{i}.docx" for i in range(10)}
    assert report(out)["name_key"] == "product.model"

    # An explicit key every record shares: the second and later are refused, naming the first.
    out = tmp_path / "by-ubn"
    result = run(APPLICATION, str(src), "-o", str(out), "--to", "docx", "--as-of", ASOF,
                 "--name-key", "applicant.ubn")
    assert result.exit_code == 1
    assert outputs(out) == {"22099131.docx"}
    recs = by_index(report(out))
    assert recs[1]["status"] == "written"
    assert all(recs[i]["reasons"][0]["code"] == "duplicate" for i in range(2, 11))

    # An explicit key the records lack refuses them rather than guessing a name.
    out = tmp_path / "missing"
    result = run(APPLICATION, str(src), "-o", str(out), "--to", "docx", "--as-of", ASOF,
                 "--name-key", "no.such.key", "--lang", "en")
    assert result.exit_code == 1
    assert outputs(out) == set()
    assert "no value at --name-key no.such.key" in \
        by_index(report(out))[1]["reasons"][0]["message"]


@pytest.mark.parametrize(("value", "expected"), [
    ("MIT-TX-113-0457", "MIT-TX-113-0457"),
    ("證書/第 1 號", "證書_第 1 號"),
    ("..\\..\\etc\\passwd", "_.._etc_passwd"),
    ("../../x", "_.._x"),
    ("a\x00b\nc\u200bd\u202ee", "a_b_c_d_e"),
    ("...hidden", "hidden"),
    (" 　trim me. ", "trim me"),
    ('a<b>c:d"e|f?g*h', "a_b_c_d_e_f_g_h"),
    ("CON", "_CON"),
    ("nul.txt", "_nul.txt"),
    ("///", None),
    ("..", None),
    ("", None),
])
def test_sanitize_name(value, expected):
    assert sanitize_name(value) == expected


def test_sanitize_name_caps_the_length_in_bytes_and_keeps_whole_characters():
    name = sanitize_name("臺灣製MIT微笑產品驗證書" * 20)
    assert name is not None and name.startswith("臺灣製MIT微笑產品驗證書")
    assert len(name.encode("utf-8")) <= batch.MAX_NAME_BYTES
    assert name.encode("utf-8").decode("utf-8") == name


def _fake_docx(form: Any, record: dict[str, Any]) -> bytes:
    return canonical_json(record)


def test_names_from_unsafe_values_are_sanitised_and_case_duplicates_refused(tmp_path):
    src = write_jsonl(tmp_path / "c.jsonl", [
        cert(1, cert_no="../MIT/0001"),
        cert(2, cert_no=".hidden\n0002"),
        cert(3, cert_no="mit-tx-113-0003"),
        cert(4, cert_no="MIT-TX-113-0003"),  # the same file on a case-insensitive disk
    ])
    out = tmp_path / "out"
    result = run_batch(CERT, src, out, formats="docx", as_of=AS_OF,
                       renderers={"docx": _fake_docx})
    assert outputs(out) == {"_MIT_0001.docx", "hidden_0002.docx", "mit-tx-113-0003.docx"}
    assert [i.status for i in result.items] == ["written", "written", "written", "refused"]
    assert result.items[3].reasons[0]["code"] == "duplicate"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["c.jsonl", "out"]  # nothing escaped


# --- exit codes and usage ------------------------------------------------------------------


def test_exit_0_when_every_record_is_rendered(run, tmp_path):
    src = write_jsonl(tmp_path / "c.jsonl", [cert(1), cert(2)])
    result = run(CERT, str(src), "-o", str(tmp_path / "out"), "--to", "docx", "--as-of", ASOF)
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith(f"{CERT}：共 2 筆紀錄：寫出 2 筆，略過 0 筆（已是最新），"
                                    "拒絕 0 筆，失敗 0 筆；")
    result = run(CERT, str(src), "-o", str(tmp_path / "out-en"), "--to", "docx", "--as-of",
                 ASOF, "--lang", "en")
    assert result.stdout.startswith(f"{CERT}: 2 record(s): 2 written, 0 skipped (current), "
                                    "0 refused, 0 failed; 2 file(s) in ")


@pytest.mark.parametrize(("args", "message"), [
    (["ciyue/fee-qoute", "{src}"], "unknown form 'ciyue/fee-qoute'"),
    ([CERT, "{tmp}/missing.jsonl"], "missing.jsonl: no such file or folder"),
    ([CERT, "{src}", "--to", "pdf,xls"], "--to"),
    ([CERT, "{src}", "--name-key", "holder..name"], "--name-key"),
    ([CERT, "{src}", "-j", "0"], "-j"),
    ([CERT, "{empty}"], "empty.jsonl: no records"),
    ([CERT, "{pretty}"], "holds one JSON document over several lines"),
    ([CERT, "{array}"], "holds a JSON array"),
    ([CERT, "{src}", "-o", "{src}"], "exists and is not a folder"),
    ([CERT, "{tmp}", "-o", "{tmp}"], "must not be the folder of records"),
])
def test_exit_2_for_usage_errors_and_unreadable_records(run, tmp_path, args, message):
    src = write_jsonl(tmp_path / "c.jsonl", [cert(1)])
    (tmp_path / "empty.jsonl").write_text("\n\n", "utf-8")
    (tmp_path / "pretty.json").write_text(json.dumps(cert(1), ensure_ascii=False, indent=2),
                                          "utf-8")
    (tmp_path / "array.json").write_text(json.dumps([cert(1), cert(2)], ensure_ascii=False),
                                         "utf-8")
    names = {"src": str(src), "tmp": str(tmp_path), "empty": str(tmp_path / "empty.jsonl"),
             "pretty": str(tmp_path / "pretty.json"), "array": str(tmp_path / "array.json")}
    argv = [a.format(**names) for a in args]
    if "-o" not in argv:
        argv += ["-o", str(tmp_path / "out")]
    argv += ["--lang", "en"]
    result = run(*argv, "--to", "docx") if "--to" not in argv else run(*argv)
    assert result.exit_code == 2, result.output
    assert message in result.stderr
    assert result.stderr.splitlines()[-1].startswith("formkit: error: ")
    chinese = run(*argv[:-2], "--to", "docx") if "--to" not in argv else run(*argv[:-2])
    assert chinese.exit_code == 2
    assert chinese.stderr.splitlines()[-1].startswith("formkit: 錯誤：")
    assert "Traceback" not in result.output
    assert not (tmp_path / "out" / "batch-report.json").exists()


# --- PDF and DOCX, two workers -------------------------------------------------------------


def test_two_workers_write_pdf_and_docx_with_the_filled_record_embedded(run, tmp_path):
    records = [cert(i) for i in range(1, 5)]
    # 🥰 (Unicode 11) is in no font of the chain (formkit.render.fonts): refused, naming it.
    name = "福興紡織\U0001F970股份有限公司"
    records.insert(2, cert(9, holder={**cert(9)["holder"], "name": name}))
    src = write_jsonl(tmp_path / "c.jsonl", records)
    out = tmp_path / "out"
    result = run(CERT, str(src), "-o", str(out), "--to", "pdf,docx", "-j", "2", "--as-of", ASOF)
    assert result.exit_code == 1, result.output
    expected = {f"MIT-TX-113-{i:04d}.{ext}" for i in range(1, 5) for ext in ("pdf", "docx")}
    assert outputs(out) == expected
    for i, record in zip(range(1, 5), [r for r in records if r["cert_no"] != "MIT-TX-113-0009"],
                         strict=True):
        payload = read_embedded(out / f"MIT-TX-113-{i:04d}.pdf")
        assert payload is not None and payload["form"] == CERT
        assert payload["data"] == fill(CERT, record, as_of=AS_OF).record
        assert digest_ok(payload)
        assert (out / f"MIT-TX-113-{i:04d}.docx").read_bytes()[:2] == b"PK"
    rep = report(out)
    # The character no font has refuses that record, in a worker, and only it.
    glyph = by_index(rep)[3]
    assert glyph["status"] == "refused" and glyph["reasons"][0]["code"] == "render"
    assert "U+1F970" in glyph["reasons"][0]["message"]
    assert rep["counts"]["written"] == 4 and rep["counts"]["files_written"] == 8
    assert rep["jobs"] == 2 and rep["start_method"] == "forkserver"
    workers = rep["workers"]
    assert len(workers) == 2 and len({w["pid"] for w in workers}) == 2
    assert all(not w["in_process"] and w["peak_rss_kib"] > 50_000 for w in workers)
    assert sum(w["documents"] for w in workers) >= 9  # 8 written, the refused one tried
    assert leftovers(out) == []


def _buggy_docx(form: Any, record: dict[str, Any]) -> bytes:
    if record.get("industry") == "BUG":
        raise ZeroDivisionError("a deliberate bug")
    if record.get("industry") == "CRASH":
        os._exit(3)  # a worker dying (a crash in a C library, the OOM killer)
    return canonical_json(record)


def test_a_bug_fails_only_its_record_in_process(tmp_path):
    src = write_jsonl(tmp_path / "c.jsonl", [cert(1), cert(2, industry="BUG"), cert(3)])
    result = run_batch(CERT, src, tmp_path / "out", formats="docx", as_of=AS_OF,
                       renderers={"docx": _buggy_docx})
    assert [i.status for i in result.items] == ["written", "failed", "written"]
    err = result.items[1].error
    assert err is not None and err["type"] == "ZeroDivisionError"
    assert err["message"] == "a deliberate bug" and "_buggy_docx" in err["where"]
    rec = by_index(report(tmp_path / "out"))[2]
    assert rec["error"]["type"] == "ZeroDivisionError"
    assert rec["reasons"][0]["code"] == "bug"


def test_a_bug_or_a_dead_worker_fails_only_its_record_with_workers(tmp_path):
    records = [cert(i) for i in range(1, 9)]
    records[2]["industry"] = "BUG"
    records[5]["industry"] = "CRASH"
    src = write_jsonl(tmp_path / "c.jsonl", records)
    out = tmp_path / "out"
    result = run_batch(CERT, src, out, formats="docx", jobs=2, as_of=AS_OF,
                       renderers={"docx": _buggy_docx})
    statuses = [i.status for i in result.items]
    assert statuses == ["written"] * 2 + ["failed"] + ["written"] * 2 + ["failed"] + \
        ["written"] * 2
    assert result.items[2].error["type"] == "ZeroDivisionError"  # type: ignore[index]
    assert result.items[5].error["type"] == "BrokenProcessPool"  # type: ignore[index]
    assert len(outputs(out)) == 6 and leftovers(out) == []
    assert all(w["pid"] > 0 for w in report(out)["workers"])


def test_a_bug_while_validating_fails_only_its_record(tmp_path, monkeypatch):
    import formkit.engine

    real_fill = formkit.engine.fill

    def buggy_fill(form: Any, record: Any, **kw: Any) -> Any:
        if record.get("industry") == "BUG":
            raise KeyError("oops")
        return real_fill(form, record, **kw)

    monkeypatch.setattr(formkit.engine, "fill", buggy_fill)
    src = write_jsonl(tmp_path / "c.jsonl", [cert(1), cert(2, industry="BUG"), cert(3)])
    result = run_batch(CERT, src, tmp_path / "out", formats="docx", as_of=AS_OF,
                       renderers={"docx": _fake_docx})
    assert [i.status for i in result.items] == ["written", "failed", "written"]
    assert result.items[1].error["type"] == "KeyError"  # type: ignore[index]
    assert result.items[1].reasons[0]["code"] == "bug"


def test_one_batch_at_a_time_per_output_folder(run, tmp_path):
    import fcntl

    src = write_jsonl(tmp_path / "c.jsonl", [cert(1)])
    out = tmp_path / "out"
    out.mkdir()
    fd = os.open(out, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        result = run(CERT, str(src), "-o", str(out), "--to", "docx", "--as-of", ASOF,
                     "--lang", "en")
    finally:
        os.close(fd)
    assert result.exit_code == 2
    assert "another formkit batch is writing to this folder" in result.stderr
    assert outputs(out) == set()


# --- resume --------------------------------------------------------------------------------


def _stat(path: Path) -> tuple[int, int]:
    st = path.stat()
    return st.st_ino, st.st_mtime_ns


def test_resume_skips_current_outputs_and_rerenders_changed_ones(run, tmp_path):
    records = [cert(1), cert(2), cert(3), cert(4)]
    src = write_jsonl(tmp_path / "c.jsonl", records)
    out = tmp_path / "out"
    assert run(CERT, str(src), "-o", str(out), "--to", "docx", "--as-of", ASOF).exit_code == 0
    manifest = json.loads((out / batch.MANIFEST_NAME).read_text("utf-8"))
    entry = manifest["outputs"]["MIT-TX-113-0001.docx"]
    assert entry["form"] == CERT and entry["formkit"] == manifest["formkit"]
    assert entry["sha256"] == \
        hashlib.sha256(canonical_json(fill(CERT, records[0], as_of=AS_OF).record)
                                     ).hexdigest()
    before = {n: _stat(out / n) for n in outputs(out)}

    records[1]["holder"]["address"] = "雲林縣虎尾鎮工業路 99 號"  # changed
    write_jsonl(src, records)
    (out / "MIT-TX-113-0003.docx").unlink()  # lost
    (out / "MIT-TX-113-0004.docx").write_bytes(b"truncated")  # not what was written
    time.sleep(0.01)
    result = run(CERT, str(src), "-o", str(out), "--to", "docx", "--as-of", ASOF, "--resume")
    assert result.exit_code == 0, result.output
    assert "1 筆已是最新（--resume）" in result.stderr
    after = {n: _stat(out / n) for n in outputs(out)}
    assert after["MIT-TX-113-0001.docx"] == before["MIT-TX-113-0001.docx"]
    for name in ("MIT-TX-113-0002.docx", "MIT-TX-113-0004.docx"):
        assert after[name] != before[name]
    assert "MIT-TX-113-0003.docx" in after
    rep = report(out)
    assert rep["resume"] is True
    assert rep["counts"]["skipped"] == 1 and rep["counts"]["written"] == 3
    assert [r["status"] for r in rep["records"]] == ["skipped", "written", "written", "written"]
    manifest = json.loads((out / batch.MANIFEST_NAME).read_text("utf-8"))
    assert manifest["outputs"]["MIT-TX-113-0002.docx"]["sha256"] == \
        hashlib.sha256(canonical_json(fill(CERT, records[1], as_of=AS_OF).record)
                                     ).hexdigest()

    # Without --resume everything is written again (atomically: a new inode each).
    again = {n: _stat(out / n) for n in outputs(out)}
    assert run(CERT, str(src), "-o", str(out), "--to", "docx", "--as-of", ASOF).exit_code == 0
    assert all(_stat(out / n) != again[n] for n in again)
    assert leftovers(out) == []


def test_stale_temporary_files_of_ours_are_removed_and_others_kept(tmp_path):
    src = write_jsonl(tmp_path / "c.jsonl", [cert(1)])
    out = tmp_path / "out"
    out.mkdir()
    ours = out / ".MIT-TX-113-0001.docx.abcd_123.part"
    other = out / ".notes.txt.abcd_123.part"
    ours.write_bytes(b"half a document")
    other.write_bytes(b"not ours")
    run_batch(CERT, src, out, formats="docx", as_of=AS_OF)
    assert not ours.exists() and other.exists()


# --- progress ------------------------------------------------------------------------------


def test_progress_lines_on_stderr_when_not_a_terminal(run, tmp_path):
    src = write_jsonl(tmp_path / "c.jsonl", [cert(i) for i in range(1, 41)] + ["{"])
    out = tmp_path / "out"
    result = run(CERT, str(src), "-o", str(out), "--to", "docx", "--as-of", ASOF, "--lang", "en")
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    assert lines[0] == "formkit: batch: validated 41 record(s): 40 to render, 1 refused"
    progress = [ln for ln in lines[1:] if ln.startswith("formkit: batch: ")]
    assert 2 <= len(progress) <= 21  # about every 5%, not every record
    assert progress[-1].startswith("formkit: batch: 40/40 (100%), ")
    assert progress[-1].endswith(" doc/s")
    assert "\r" not in result.stderr
    assert result.stdout.count("\n") == 3  # the summary and the two report paths


# --- Ctrl-C --------------------------------------------------------------------------------


def test_ctrl_c_stops_cleanly_and_resume_finishes(tmp_path):
    src = write_jsonl(tmp_path / "c.jsonl", [cert(i) for i in range(1, 25)])
    out = tmp_path / "out"
    cmd = [sys.executable, "-m", "formkit.cli", "batch", CERT, str(src), "-o", str(out),
           "-j", "2", "--as-of", ASOF, "--lang", "en"]
    # A session of its own, so that SIGINT goes to the whole group, as a terminal's Ctrl-C.
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            start_new_session=True)
    try:
        deadline = time.monotonic() + 120
        while not (out.is_dir() and any(p.suffix == ".pdf" for p in out.iterdir())):
            assert proc.poll() is None, proc.communicate()
            assert time.monotonic() < deadline, "no output within 120 s"
            time.sleep(0.02)
        os.killpg(proc.pid, signal.SIGINT)
        stdout, stderr = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:  # the test failed: end the batch, its forkserver and workers
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    assert proc.returncode == 130, stderr
    assert "Traceback" not in stderr and "KeyboardInterrupt" not in stderr
    assert "formkit: interrupted: " in stderr and "run again with --resume" in stderr
    assert leftovers(out) == []
    done = outputs(out)
    assert 1 <= len(done) < 24
    for name in done:
        payload = read_embedded(out / name)
        assert payload is not None and digest_ok(payload), name  # a complete PDF
    rep = report(out)
    assert rep["interrupted"] is True
    assert rep["counts"]["written"] == len(done)
    assert rep["counts"]["not_done"] == 24 - len(done)
    assert "--resume" in (out / "batch-report.txt").read_text("utf-8")

    resumed = subprocess.run([*cmd, "--resume"], capture_output=True, text=True, timeout=300)
    assert resumed.returncode == 0, resumed.stderr
    assert outputs(out) == {f"MIT-TX-113-{i:04d}.pdf" for i in range(1, 25)}
    rep = report(out)
    assert rep["counts"]["skipped"] == len(done)
    assert rep["counts"]["written"] == 24 - len(done)


def test_interrupt_in_process_writes_the_report_and_raises(tmp_path):
    src = write_jsonl(tmp_path / "c.jsonl", [cert(i) for i in range(1, 6)])
    out = tmp_path / "out"
    seen = []

    def progress(p: batch.Progress) -> None:
        seen.append(p.done)
        if p.done == 2:
            raise KeyboardInterrupt

    with pytest.raises(batch.BatchInterrupted) as stop:
        run_batch(CERT, src, out, formats="docx", as_of=AS_OF, progress=progress,
                  renderers={"docx": _fake_docx})
    result: BatchResult = stop.value.result
    assert isinstance(stop.value, KeyboardInterrupt)
    assert result.interrupted and result.counts["written"] == 2
    assert result.counts["not_done"] == 3
    rep = report(out)
    assert rep["interrupted"] is True and rep["counts"]["not_done"] == 3
    manifest = json.loads((out / batch.MANIFEST_NAME).read_text("utf-8"))
    assert sorted(manifest["outputs"]) == ["MIT-TX-113-0001.docx", "MIT-TX-113-0002.docx"]


def test_read_records_refuses_an_unreadable_source(tmp_path):
    with pytest.raises(InputError, match="no such file or folder"):
        batch.read_records(tmp_path / "nope.jsonl")
    bad = tmp_path / "latin1.jsonl"
    bad.write_bytes(json.dumps(cert(1), ensure_ascii=False).encode() + b"\n" +
                    '{"cert_no": "é"}'.encode("latin-1") + b"\n")
    first, second = batch.read_records(bad)
    assert first.record is not None and first.line == 1
    assert second.record is None and second.error == f"{bad}:2: not UTF-8 text (byte 13)"


@pytest.mark.parametrize("form_id", FORM_IDS)
def test_every_form_batches_its_sample_to_pdf_and_docx(form_id, tmp_path):
    form = get_form(form_id)
    second = copy.deepcopy(form.sample)
    key = form.meta.get("number_key")
    if key:  # two records of the form must get two names
        set_(second, key, f"{get(second, key)}-2")
    src = write_jsonl(tmp_path / "r.jsonl", [form.sample, second])
    out = tmp_path / "out"
    result = run_batch(form, src, out, formats="pdf,docx", jobs=1, as_of=AS_OF)
    assert result.count("written") == 2, report(out)
    names = ([f"{get(form.sample, key)}", f"{get(second, key)}"] if key else ["1", "2"])
    assert outputs(out) == {f"{sanitize_name(n)}.{ext}" for n in names for ext in ("pdf", "docx")}
    payload = read_embedded(out / f"{sanitize_name(names[1])}.pdf")
    assert payload is not None and payload["data"] == fill(form, second, as_of=AS_OF).record
