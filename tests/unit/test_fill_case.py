"""``fill``/``validate`` with ``case=``: the documents a deriver counts from (an annual
summary counts the year's reports)."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from formkit import fill, validate
from formkit import rules as registry

ROOT = Path(__file__).resolve().parents[2]
FORM = "mit/annex-07-qms-assessment"
OTHER = "mit/annex-09-corrective-plan"


def _sample(form: str) -> dict:
    return json.loads((ROOT / "samples" / f"{form}.json").read_text(encoding="utf-8"))


@pytest.fixture
def seen(monkeypatch: pytest.MonkeyPatch) -> list[registry.Case | None]:
    """Record the case each deriver of FORM is given."""
    got: list[registry.Case | None] = []
    specs = registry.derivers_for(FORM)

    def spy(record: dict, ctx: registry.Context) -> None:
        got.append(ctx.case)

    extra = registry.DeriverSpec(FORM, spy, {})
    monkeypatch.setattr(registry, "derivers_for",
                        lambda form: [*specs, extra] if form == FORM else [])
    return got


def test_without_a_case_a_deriver_sees_none(seen: list) -> None:
    fill(FORM, _sample(FORM), as_of=date(2024, 8, 1))
    assert seen == [None]


def test_a_deriver_sees_the_case_documents_filled(seen: list) -> None:
    docs = [{"form": OTHER, "data": _sample(OTHER)}]
    report = fill(FORM, _sample(FORM), as_of=date(2024, 8, 1), case=docs)
    (case,) = seen
    assert case is not None and case.forms == [OTHER]
    assert not [f for f in report.findings if f.form == OTHER]


def test_a_case_folder_is_read_as_check_reads_it(seen: list, tmp_path: Path) -> None:
    (tmp_path / "plan.json").write_text(
        json.dumps({"form": OTHER, "data": _sample(OTHER)}, ensure_ascii=False), "utf-8")
    validate(FORM, _sample(FORM), as_of=date(2024, 8, 1), case=tmp_path)
    assert seen[0] is not None and [d.form for d in seen[0].docs] == [OTHER]


def test_a_broken_case_document_is_a_finding_of_the_fill(seen: list) -> None:
    broken = _sample(OTHER)
    broken.pop(next(iter(broken)))
    report = fill(FORM, _sample(FORM), as_of=date(2024, 8, 1),
                  case=[{"form": OTHER, "data": broken}])
    assert not report.valid
    assert {f.form for f in report.errors} == {OTHER}
