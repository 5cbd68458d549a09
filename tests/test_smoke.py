"""The smoke test every supported Python runs (scripts/run-tests): import, validate, fill
to PDF and DOCX, and parse the PDF back, through the CLI as a user would."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

FORMS = ["mit/annex-07-qms-assessment", "ciyue/fee-quote"]


def _formkit(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "formkit.cli", *args], cwd=cwd,
                          capture_output=True, text=True, timeout=300, check=False)


@pytest.mark.parametrize("form_id", FORMS)
def test_validate_fill_and_parse_back(form_id: str, tmp_path: Path) -> None:
    sample = _formkit("sample", form_id, cwd=tmp_path)
    assert sample.returncode == 0, sample.stderr
    (tmp_path / "r.json").write_text(sample.stdout, encoding="utf-8")
    checked = _formkit("validate", form_id, "r.json", "--as-of", "2024-06-01", cwd=tmp_path)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    for out in ("r.pdf", "r.docx"):
        made = _formkit("fill", form_id, "r.json", "-o", out, "--as-of", "2024-06-01",
                        cwd=tmp_path)
        assert made.returncode == 0, made.stderr
        assert (tmp_path / out).stat().st_size > 10_000
    parsed = _formkit("parse", "r.pdf", "--format", "json", cwd=tmp_path)
    assert parsed.returncode == 0, parsed.stderr
    result = json.loads(parsed.stdout)
    assert (result["form"], result["source"]) == (form_id, "embedded")
    assert not [f for f in result["findings"] if f["severity"] == "error"]
