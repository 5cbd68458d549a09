"""銷燬計畫 (oshpm/destruction-plan): OSH-R18, OSH-R16 (AMB-39) and OSH-R20."""

from __future__ import annotations

import copy
import json
from datetime import date
from typing import Any

import pytest

from formkit.engine import fill, validate
from formkit.forms import get_form

FORM = "oshpm/destruction-plan"
AS_OF = date(2024, 6, 1)
NATIONAL_ID = "A123456789"


def sample() -> dict[str, Any]:
    return copy.deepcopy(get_form(FORM).sample)


def found(rec: dict[str, Any], severity: str = "error", **kw: Any) -> set[tuple[str, str]]:
    report = validate(FORM, rec, as_of=AS_OF, **kw)
    return {(f.rule, f.path) for f in report.findings if f.severity == severity}


def test_sample_is_valid_and_states_its_deadline() -> None:
    report = validate(FORM, sample(), as_of=AS_OF)
    assert report.errors == []
    assert report.record["disposal_deadline"] == "2024-09-04"
    assert [(f.rule, f.severity) for f in report.findings] == [("OSH-R16", "info")]


# ---- OSH-R18 the seven items


def test_r18_plan_without_waste_handling() -> None:
    rec = sample()
    del rec["waste_handling"]
    assert found(rec) == {("OSH-R18", "/waste_handling")}


@pytest.mark.parametrize(
    ("key", "path"),
    [("case_no", "/case_no"), ("product_name", "/product_name"), ("spec", "/spec"),
     ("quantity", "/quantity/amount"), ("site", "/site"), ("method", "/method"),
     ("waste_handling", "/waste_handling")],
)
def test_r18_each_item_is_required(key: str, path: str) -> None:
    rec = sample()
    del rec[key]
    assert ("OSH-R18", path) in found(rec)


def test_r18_blank_text_counts_as_missing() -> None:
    rec = sample()
    rec["site"] = "　 "
    assert ("OSH-R18", "/site") in found(rec)


def test_r18_quantity_needs_an_amount_and_a_unit() -> None:
    rec = sample()
    rec["quantity"] = {"amount": 0, "unit": ""}
    assert {("OSH-R18", "/quantity/amount"), ("OSH-R18", "/quantity/unit")} <= found(rec)


def test_r18_plan_not_yet_reviewed_is_fine() -> None:
    rec = sample()
    del rec["review"]
    assert validate(FORM, rec, as_of=AS_OF).valid


def test_r18_incomplete_review() -> None:
    rec = sample()
    rec["review"] = {"result": "pass", "supervisor": "self"}
    assert ("OSH-R18", "/review/date") in found(rec)


def test_r18_review_before_the_plan_was_filed() -> None:
    rec = sample()
    rec["review"]["date"] = "2024-04-14"
    assert ("OSH-R18", "/review/date") in found(rec)


def test_r18_approved_plan_names_the_supervision() -> None:
    rec = sample()
    del rec["review"]["supervisor"]
    assert ("OSH-R18", "/review/supervisor") in found(rec, "warning")
    rec["review"]["supervisor"] = "delegated"
    assert ("OSH-R18", "/review/delegate") in found(rec, "warning")
    rec["review"]["delegate"] = "財團法人安全衛生技術中心"
    assert not {r for r, _ in found(rec, "warning")}


def test_r18_rejected_plan_needs_no_supervisor() -> None:
    rec = sample()
    rec["review"] = {"result": "fail", "date": "2024-05-02",
                     "remarks": "銷燬方式未能使產品不堪使用"}
    assert validate(FORM, rec, as_of=AS_OF).valid


# ---- OSH-R16 six months after the notice (AMB-39)


def test_r16_late_scheduled_destruction() -> None:
    rec = sample()
    rec["scheduled_date"] = "2024-09-10"
    assert found(rec) == {("OSH-R16", "/scheduled_date")}


def test_r16_deadline_day_itself_is_in_time() -> None:
    rec = sample()
    rec["scheduled_date"] = "2024-09-04"
    assert validate(FORM, rec, as_of=AS_OF).valid


def test_r16_plan_filed_after_the_deadline() -> None:
    rec = sample()
    rec.update(date="2024-09-05", scheduled_date="2024-09-20")
    del rec["review"]
    assert {("OSH-R16", "/date"), ("OSH-R16", "/scheduled_date")} <= found(rec)


def test_r16_authority_review_after_the_deadline_is_a_warning() -> None:
    rec = sample()
    del rec["scheduled_date"]
    rec["review"]["date"] = "2024-09-06"
    report = validate(FORM, rec, as_of=AS_OF)
    assert report.valid
    assert ("OSH-R16", "warning", "/review/date") in {
        (f.rule, f.severity, f.path) for f in report.findings
    }


def test_r16_plan_before_the_notice() -> None:
    rec = sample()
    rec["notice_received_date"] = "2024-04-20"
    assert ("OSH-R16", "/notice_received_date") in found(rec)


def test_r16_deadline_rolls_past_a_weekend() -> None:
    rec = sample()
    rec["notice_received_date"] = "2024-03-14"  # nominal 2024-09-14, a Saturday
    assert fill(FORM, rec, as_of=AS_OF).record["disposal_deadline"] == "2024-09-16"
    plain = fill(FORM, rec, as_of=AS_OF, options={"rest_day_rollover": False})
    assert plain.record["disposal_deadline"] == "2024-09-14"


def test_r16_without_notice_date_there_is_no_deadline() -> None:
    rec = sample()
    del rec["notice_received_date"]
    report = validate(FORM, rec, as_of=AS_OF)
    assert "disposal_deadline" not in report.record
    assert report.findings == []


def test_r16_given_deadline_that_disagrees() -> None:
    rec = sample()
    rec["disposal_deadline"] = "2024-09-03"
    assert ("OSH-R16", "/disposal_deadline") in found(rec)


# ---- OSH-R20 effective date


def test_r20_date_before_the_regulation_took_effect() -> None:
    rec = sample()
    del rec["notice_received_date"], rec["scheduled_date"], rec["review"]
    rec["date"] = "2014-12-31"
    report = validate(FORM, rec, as_of=AS_OF)
    assert report.valid
    assert {(f.rule, f.severity, f.path) for f in report.findings} == {
        ("OSH-R20", "warning", "/date")
    }
    rec["date"] = "2015-01-01"
    assert validate(FORM, rec, as_of=AS_OF).findings == []


# ---- national id of a natural-person obligor


def person(nid: str) -> dict[str, Any]:
    rec = sample()
    rec["obligor"] = {"name": "陳大明", "address": "新北市板橋區文化路一段1號", "national_id": nid}
    return rec


def test_valid_national_id() -> None:
    assert validate(FORM, person(NATIONAL_ID), as_of=AS_OF).valid


def test_invalid_national_id_is_not_echoed_in_messages() -> None:
    bad = "A123456780"
    rec = person(bad)
    rec["waste_handling"] = ""
    report = validate(FORM, rec, as_of=AS_OF)
    assert ("schema", "/obligor/national_id") in {(f.rule, f.path) for f in report.errors}
    for lang in ("en", "zh-TW"):
        assert all(bad not in f.text(lang) for f in report.findings)
    rule_findings = [f.as_dict("en") for f in report.findings if f.rule != "schema"]
    assert bad not in json.dumps(rule_findings, ensure_ascii=False)


def test_a_filled_record_validates_unchanged() -> None:
    first = fill(FORM, sample(), as_of=AS_OF)
    again = validate(FORM, first.record, as_of=AS_OF)
    assert again.valid and again.record == first.record
