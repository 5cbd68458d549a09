"""Every finding of the MIT example cases formats in both languages.

A placeholder that a rule forgets to pass (or passes as ``expected``/``actual``, which the
finding keeps apart from the message parameters) would raise only when someone reads the
message; this reads them all.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from formkit.case import check_case
from formkit.engine import validate
from formkit.findings import Finding

CASES = Path(__file__).resolve().parent.parent / "cases"
SINGLE = sorted(CASES.glob("mit/*/*/*.json"))
CROSS = sorted(CASES.glob("_case/x0*.json"))


def _readable(findings: list[Finding]) -> None:
    for finding in findings:
        for lang in ("en", "zh-TW"):
            text = finding.text(lang)
            assert text and "{" not in text, (finding.rule, lang, text)
        assert finding.citation, finding.rule
        for value in finding.params.values():
            assert isinstance(value, str | int), (finding.rule, finding.params)


@pytest.mark.parametrize("path", SINGLE, ids=lambda p: "/".join(p.parts[-3:]))
def test_single_document_findings_are_readable(path: Path) -> None:
    doc = json.loads(path.read_text(encoding="utf-8"))
    form = f"mit/{path.parts[-3]}"
    report = validate(form, doc["record"], as_of=date.fromisoformat(doc["as_of"]))
    _readable(report.findings)


@pytest.mark.parametrize("path", CROSS, ids=lambda p: p.name)
def test_case_findings_are_readable_and_name_their_document(path: Path) -> None:
    doc = json.loads(path.read_text(encoding="utf-8"))
    report = check_case(doc["documents"], as_of=date.fromisoformat(doc["as_of"]))
    _readable(report.findings)
    assert all(f.form for f in report.findings)


def test_the_example_cases_exist() -> None:
    assert len(SINGLE) >= 3 * 9 and len(CROSS) >= 6
