"""Reading records from files or stdin, and writing outputs atomically."""

from __future__ import annotations

import io
import json
import os
import stat
from pathlib import Path

import pytest

from formkit import records
from formkit.errors import FormkitError, InputError, MalformedJSONError
from formkit.records import canonical_json, parse_json, read_json, read_record, write_atomic


def write(path: Path, text: str | bytes) -> Path:
    if isinstance(text, str):
        text = text.encode("utf-8")
    path.write_bytes(text)
    return path


# --- read_json ------------------------------------------------------------------------------


def test_read_json_reads_a_utf8_file(tmp_path):
    path = write(tmp_path / "r.json", '{"name": "正字標記", "n": 1}')
    assert read_json(path) == {"name": "正字標記", "n": 1}
    assert read_json(str(path)) == {"name": "正字標記", "n": 1}


def test_read_json_accepts_a_utf8_byte_order_mark(tmp_path):
    path = write(tmp_path / "bom.json", b"\xef\xbb\xbf" + '{"a": "臺"}'.encode())
    assert read_json(path) == {"a": "臺"}


def test_read_json_names_file_line_and_column_of_malformed_json(tmp_path):
    path = write(tmp_path / "bad.json", '{\n  "a": 1,\n  "b": ,\n}')
    with pytest.raises(MalformedJSONError) as info:
        read_json(path)
    err = info.value
    assert (err.source, err.line, err.column) == (str(path), 3, 8)
    assert str(err).startswith(f"{path}:3:8: malformed JSON: ")


def test_malformed_json_is_an_input_error_and_a_value_error(tmp_path):
    path = write(tmp_path / "bad.json", "{")
    with pytest.raises(InputError):
        read_json(path)
    with pytest.raises(ValueError):
        read_json(path)
    with pytest.raises(FormkitError):
        read_json(path)


def test_read_json_reports_an_empty_file_as_malformed_at_line_1(tmp_path):
    path = write(tmp_path / "empty.json", "")
    with pytest.raises(MalformedJSONError) as info:
        read_json(path)
    assert (info.value.line, info.value.column) == (1, 1)


def test_read_json_names_a_missing_file(tmp_path):
    path = tmp_path / "nope.json"
    with pytest.raises(InputError, match=r"nope\.json: no such file"):
        read_json(path)


def test_read_json_refuses_a_directory(tmp_path):
    with pytest.raises(InputError, match="is a directory"):
        read_json(tmp_path)


def test_read_json_refuses_text_that_is_not_utf8_and_names_the_byte(tmp_path):
    path = write(tmp_path / "big5.json", b'{"a": "' + "臺灣".encode("big5") + b'"}')
    with pytest.raises(InputError, match=r"big5\.json: not UTF-8 text \(byte 7\)"):
        read_json(path)


def test_read_json_refuses_files_over_the_size_cap(tmp_path, monkeypatch):
    monkeypatch.setattr(records, "MAX_RECORD_BYTES", 10)
    path = write(tmp_path / "large.json", '{"a": "0123456789"}')
    with pytest.raises(InputError, match="larger than"):
        read_json(path)


def test_read_json_reports_an_unreadable_file(tmp_path, monkeypatch):
    path = write(tmp_path / "locked.json", "{}")

    def refuse(self, *args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(Path, "open", refuse)
    with pytest.raises(InputError, match=r"locked\.json: cannot read: Permission denied"):
        read_json(path)


def test_read_json_reads_stdin_for_a_dash(monkeypatch):
    monkeypatch.setattr("sys.stdin", io.StringIO('{"a": [1, 2]}'))
    assert read_json("-") == {"a": [1, 2]}


def test_read_json_names_stdin_in_errors(monkeypatch):
    monkeypatch.setattr("sys.stdin", io.StringIO("[1,"))
    with pytest.raises(MalformedJSONError, match=r"^<stdin>:1:4: "):
        read_json("-")


@pytest.mark.parametrize("text", ['{"amount": NaN}', "[Infinity]", "-Infinity"])
def test_parse_json_refuses_nan_and_infinity(text):
    with pytest.raises(InputError, match=r"^r\.json: .*(NaN|Infinity) is not a JSON value"):
        parse_json(text, "r.json")


def test_parse_json_reports_deep_nesting_as_input_error():
    with pytest.raises(InputError, match="nested too deeply"):
        parse_json("[" * 100_000 + "]" * 100_000, "deep.json")


def test_parse_json_defaults_the_name_to_input():
    with pytest.raises(MalformedJSONError, match=r"^<input>:1:1: "):
        parse_json("x")


# --- read_record -------------------------------------------------------------------------------


def test_read_record_returns_an_object(tmp_path):
    assert read_record(write(tmp_path / "r.json", '{"a": 1}')) == {"a": 1}


@pytest.mark.parametrize(
    ("text", "kind"), [("[1]", "list"), ('"x"', "str"), ("3", "int"), ("null", "NoneType")]
)
def test_read_record_refuses_json_that_is_not_an_object(tmp_path, text, kind):
    path = write(tmp_path / "r.json", text)
    with pytest.raises(InputError, match=f"a record must be a JSON object, not {kind}"):
        read_record(path)


# --- canonical_json ------------------------------------------------------------------------------


def test_canonical_json_sorts_keys_without_spaces_in_utf8():
    assert canonical_json({"b": 1, "a": ["臺", None]}) == '{"a":["臺",null],"b":1}'.encode()


def test_canonical_json_refuses_nan():
    with pytest.raises(ValueError):
        canonical_json({"a": float("nan")})


# --- write_atomic --------------------------------------------------------------------------------


def leftovers(directory: Path, target: str) -> list[str]:
    return sorted(p.name for p in directory.iterdir() if p.name != target)


def test_write_atomic_writes_the_bytes_and_leaves_no_temporary_file(tmp_path):
    target = tmp_path / "out.pdf"
    write_atomic(target, b"%PDF-1.7 data")
    assert target.read_bytes() == b"%PDF-1.7 data"
    assert leftovers(tmp_path, "out.pdf") == []


def test_write_atomic_replaces_an_existing_file(tmp_path):
    target = write(tmp_path / "out.json", "old")
    write_atomic(target, b"new")
    assert target.read_bytes() == b"new"
    assert leftovers(tmp_path, "out.json") == []


def test_write_atomic_accepts_a_path_in_the_current_folder(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write_atomic("out.json", b"{}")
    assert (tmp_path / "out.json").read_bytes() == b"{}"


def test_write_atomic_keeps_the_old_file_when_the_rename_fails(tmp_path, monkeypatch):
    target = write(tmp_path / "out.json", "old complete content")

    def fail(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", fail)
    with pytest.raises(OSError, match="No space left"):
        write_atomic(target, b"new")
    assert target.read_bytes() == b"old complete content"
    assert leftovers(tmp_path, "out.json") == []


def test_write_atomic_creates_no_target_when_the_rename_fails(tmp_path, monkeypatch):
    def fail(src, dst):
        raise OSError("boom")

    monkeypatch.setattr(os, "replace", fail)
    with pytest.raises(OSError, match="boom"):
        write_atomic(tmp_path / "out.json", b"new")
    assert list(tmp_path.iterdir()) == []


def test_write_atomic_cleans_up_when_writing_fails(tmp_path, monkeypatch):
    target = write(tmp_path / "out.json", "old")

    def fail(fd):
        raise OSError(5, "Input/output error")

    monkeypatch.setattr(os, "fsync", fail)
    with pytest.raises(OSError, match="Input/output error"):
        write_atomic(target, b"new")
    assert target.read_bytes() == b"old"
    assert leftovers(tmp_path, "out.json") == []


def test_write_atomic_cleans_up_on_keyboard_interrupt(tmp_path, monkeypatch):
    def interrupt(src, dst):
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "replace", interrupt)
    with pytest.raises(KeyboardInterrupt):
        write_atomic(tmp_path / "out.json", b"new")
    assert list(tmp_path.iterdir()) == []


def test_write_atomic_refuses_a_missing_folder(tmp_path):
    with pytest.raises(InputError, match="does not exist"):
        write_atomic(tmp_path / "no" / "out.json", b"x")
    assert list(tmp_path.iterdir()) == []


def test_write_atomic_gives_a_new_file_the_mode_open_would_give(tmp_path):
    old = os.umask(0o027)
    try:
        write_atomic(tmp_path / "out.json", b"{}")
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "out.json").stat().st_mode) == 0o640  # not mkstemp's 0600


def test_write_atomic_keeps_the_mode_of_the_file_it_replaces(tmp_path):
    target = write(tmp_path / "out.json", "old")
    target.chmod(0o644)
    write_atomic(target, b"new")
    assert stat.S_IMODE(target.stat().st_mode) == 0o644


def test_write_atomic_output_reads_back_as_the_same_record(tmp_path):
    record = {"名稱": "正字標記", "rows": [1, 2]}
    write_atomic(tmp_path / "r.json", canonical_json(record))
    assert read_record(tmp_path / "r.json") == record
    assert json.loads((tmp_path / "r.json").read_text("utf-8")) == record
