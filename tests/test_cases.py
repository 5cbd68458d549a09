"""Example-driven tests: every file under tests/cases/ states its own outcome.

Single-document cases live in ``tests/cases/<scheme>/<name>/{valid,invalid}/*.json``::

    {"description": "...", "as_of": "2024-06-01", "options": {},
     "expect": ["MIT-R18"],          # invalid cases: rule ids that must report an error
     "record": {...}}

Cross-document cases live in ``tests/cases/_case/<name>.json``::

    {"description": "...", "as_of": "...", "expect": ["X-01"] or [],
     "documents": [{"form": ID, "data": RECORD}, ...]}
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from formkit.case import check_case
from formkit.engine import validate

CASES = Path(__file__).parent / "cases"


def _files(kind: str) -> list[Path]:
    return sorted(p for p in CASES.glob(f"*/*/{kind}/*.json") if not p.parts[-4].startswith("_"))


def _as_of(doc: dict) -> date:
    return date.fromisoformat(doc.get("as_of", "2024-06-01"))


@pytest.mark.parametrize("path", _files("valid"), ids=lambda p: str(p.relative_to(CASES)))
def test_valid_case_has_no_errors(path: Path) -> None:
    doc = json.loads(path.read_text(encoding="utf-8"))
    form = f"{path.parts[-4]}/{path.parts[-3]}"
    report = validate(form, doc["record"], as_of=_as_of(doc), options=doc.get("options"))
    assert report.errors == [], [f.as_dict("en") for f in report.errors]


@pytest.mark.parametrize("path", _files("invalid"), ids=lambda p: str(p.relative_to(CASES)))
def test_invalid_case_reports_its_rules(path: Path) -> None:
    doc = json.loads(path.read_text(encoding="utf-8"))
    form = f"{path.parts[-4]}/{path.parts[-3]}"
    assert doc["expect"], f"{path}: an invalid case must name the rule ids it expects"
    report = validate(form, doc["record"], as_of=_as_of(doc), options=doc.get("options"))
    got = {f.rule for f in report.errors}
    assert set(doc["expect"]) <= got, (sorted(got), [f.as_dict("en") for f in report.errors])


@pytest.mark.parametrize(
    "path", sorted(CASES.glob("_case/*.json")), ids=lambda p: p.name
)
def test_cross_document_case(path: Path) -> None:
    doc = json.loads(path.read_text(encoding="utf-8"))
    report = check_case(doc["documents"], as_of=_as_of(doc), options=doc.get("options"))
    got = {f.rule for f in report.findings if f.is_error}
    if doc["expect"]:
        assert set(doc["expect"]) <= got, [f.as_dict("en") for f in report.findings]
    else:
        assert got == set(), [f.as_dict("en") for f in report.findings]
