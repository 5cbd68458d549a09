"""``--help`` in the language of the run: Chinese by default, laid out by display width."""

from __future__ import annotations

import re

import pytest
from click.testing import CliRunner

from formkit.cli import main
from formkit.helptext import width, wrap

COMMANDS = sorted(main.commands)
# what a Chinese help page may hold in Latin letters: option names, metavars, choices and
# file names, and the acronyms and standards it names
ALLOWED = {"formkit", "python", "cli", "json", "text", "zh", "TW", "en", "pdf", "docx", "odt",
           "PDF", "DOCX", "ODT", "JSON", "Lines", "PNG", "JPEG", "TIFF", "MiB", "GiB", "MIT",
           "PAdES", "PKCS", "CRL", "OCSP", "DER", "PEM", "HSM", "AcroForm", "MD", "SHA", "LT",
           "Ctrl", "SIGTERM", "so", "pfx", "limit", "validity", "lookback", "month", "days",
           "holder", "tax_id", "batch", "report", "txt", "mit", "cnsmark", "legacy", "ciyue",
           "oshpm", "vv", "k", "x", "B", "T", "IN", "OUT", "main", "p12", "b", "form", "yaml",
           *COMMANDS}
LATIN = re.compile(r"--?[a-z][a-z-]*|\$[A-Z0-9_]+|[A-Za-z][A-Za-z0-9_]*")


def _help(*args: str) -> str:
    result = CliRunner().invoke(main, [*args, "--help"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


@pytest.mark.parametrize("command", ["", *COMMANDS])
def test_help_is_chinese_by_default(command: str) -> None:
    text = _help(*([command] if command else []))
    assert text.startswith("用法：") and "選項：" in text and "顯示本說明後結束。" in text
    words = {w for w in LATIN.findall(text) if not w.startswith("-") and not w.isupper()
             and not w.startswith("$")}
    assert words <= ALLOWED, sorted(words - ALLOWED)


@pytest.mark.parametrize("command", ["", *COMMANDS])
def test_help_keeps_to_eighty_columns(command: str) -> None:
    for line in _help(*([command] if command else [])).splitlines():
        assert width(line) <= 82, line  # a closing mark may hang past the margin


@pytest.mark.parametrize("command", ["", "fill", "parse"])
def test_help_in_english_with_lang_en(command: str) -> None:
    text = _help(*([command] if command else []), "--lang", "en")
    assert text.startswith("Usage: ") and "Options:" in text and "Show this message" in text
    assert not re.search(r"[用選預]", text.split("\n\n", 2)[-1].replace("身分證統一編號", ""))


def test_click_extras_are_said_in_chinese() -> None:
    text = _help("fill")
    assert "［必填］" in text and "[required]" not in text
    assert "［預設：50MiB］" in re.sub(r"\s+", "", _help("parse"))


def test_wrap_breaks_between_characters_not_inside_words() -> None:
    lines = wrap("計算 DATA（JSON 檔，或以 - 表示標準輸入）之推導欄位", 20)
    assert all(width(line) <= 20 for line in lines)
    assert "".join(lines).replace(" ", "") == "計算DATA（JSON檔，或以-表示標準輸入）之推導欄位"
    assert not any(line.startswith(("，", "）")) or line.endswith("（") for line in lines)
