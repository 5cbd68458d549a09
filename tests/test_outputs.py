"""Where ``-o`` writes: a regular file or a new name only (a symlink, FIFO or device is
refused), never over the input, never with the setuid bit of the file it replaces."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from formkit.cli import main
from formkit.errors import InputError
from formkit.forms import get_form
from formkit.records import write_atomic

FORM = "mit/annex-09-corrective-plan"


@pytest.fixture
def record_file(tmp_path: Path) -> Path:
    path = tmp_path / "r.json"
    path.write_text(json.dumps(get_form(FORM).sample, ensure_ascii=False), encoding="utf-8")
    return path


def test_a_symlink_is_refused_and_neither_it_nor_its_target_changes(
        tmp_path: Path, record_file: Path) -> None:
    real = tmp_path / "real.json"
    real.write_bytes(b"old")
    link = tmp_path / "link.json"
    link.symlink_to(real)
    with pytest.raises(InputError, match="symbolic link"):
        write_atomic(link, b"new")
    result = CliRunner().invoke(main, ["fill", FORM, str(record_file), "-o", str(link),
                                       "--to", "json"])
    assert result.exit_code == 2 and "是符號連結" in result.stderr, result.stderr
    assert link.is_symlink() and os.readlink(link) == str(real)
    assert real.read_bytes() == b"old"


def test_the_setuid_bit_of_the_file_replaced_is_not_carried_over(tmp_path: Path) -> None:
    target = tmp_path / "out.json"
    target.write_bytes(b"old")
    os.chmod(target, 0o4755)
    write_atomic(target, b"new")
    assert stat.S_IMODE(target.stat().st_mode) == 0o755


def test_a_fifo_is_refused_and_stays_a_fifo(tmp_path: Path, record_file: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    result = CliRunner().invoke(main, ["fill", FORM, str(record_file), "-o", str(fifo),
                                       "--to", "json"])
    assert result.exit_code == 2 and "不是一般檔案" in result.stderr, result.stderr
    assert stat.S_ISFIFO(fifo.stat().st_mode)


def test_a_device_is_refused_and_stays_a_device(tmp_path: Path) -> None:
    pdf = tmp_path / "x.pdf"
    pdf.write_bytes(b"%PDF-1.7 not read")
    result = CliRunner().invoke(main, ["parse", str(pdf), "-o", "/dev/null"])
    assert result.exit_code == 2 and "/dev/null" in result.stderr, result.stderr
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)


def test_a_folder_is_refused(tmp_path: Path, record_file: Path) -> None:
    result = CliRunner().invoke(main, ["fill", FORM, str(record_file), "-o", str(tmp_path),
                                       "--to", "json"])
    assert result.exit_code == 2 and "這是資料夾，不是檔案" in result.stderr


def test_parse_never_writes_over_the_submitted_file(tmp_path: Path, record_file: Path) -> None:
    pdf = tmp_path / "x.pdf"
    filled = CliRunner().invoke(main, ["fill", FORM, str(record_file), "-o", str(pdf)])
    assert filled.exit_code == 0, filled.stderr
    before = pdf.read_bytes()
    result = CliRunner().invoke(main, ["parse", str(pdf), "-o", str(pdf)])
    assert result.exit_code == 2 and "這是輸入檔本身" in result.stderr
    assert pdf.read_bytes() == before


def test_fill_never_writes_over_its_record(record_file: Path) -> None:
    before = record_file.read_bytes()
    result = CliRunner().invoke(main, ["fill", FORM, str(record_file), "-o", str(record_file)])
    assert result.exit_code == 2 and "這是輸入檔本身" in result.stderr
    assert record_file.read_bytes() == before


def test_an_endless_input_is_read_only_up_to_the_cap() -> None:
    result = CliRunner().invoke(main, ["validate", FORM, "/dev/zero"])
    assert result.exit_code == 2 and "/dev/zero：大於 2 MiB" in result.stderr


def test_a_fifo_in_a_case_folder_is_refused_not_waited_on(tmp_path: Path,
                                                          record_file: Path) -> None:
    (tmp_path / "case").mkdir()
    (tmp_path / "case" / "a.json").write_text(json.dumps(
        {"form": FORM, "data": get_form(FORM).sample}, ensure_ascii=False), encoding="utf-8")
    os.mkfifo(tmp_path / "case" / "b.json")
    done = subprocess.run([sys.executable, "-m", "formkit.cli", "check", str(tmp_path / "case")],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 2, done.stderr
    assert "b.json：不是一般檔案" in done.stderr
