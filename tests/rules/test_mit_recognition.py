"""第二類 recognition and authorisation: 附件一 (MIT-R02), 附件十二 (MIT-R42, R43, R44), X-23."""

from __future__ import annotations

import copy
from datetime import date
from typing import Any

import pytest

from formkit.case import check_case
from formkit.engine import Report, validate
from formkit.forms import get_form
from formkit.rules import Case, CaseDoc, Context
from formkit.rules.mit_recognition import (
    A12_REGISTRATION,
    check_recognition_and_authorisation,
    lookback_start,
    supplement_rows,
)

A1 = "mit/annex-01-cat2-scheme-recognition-application"
NOTICE = "mit/cat2-recognition-notice"
A12 = "mit/annex-12-cat2-authorization-application"
AS_OF = date(2024, 7, 10)


def sample(form: str, **changes: Any) -> dict[str, Any]:
    rec = copy.deepcopy(get_form(form).sample)
    rec.update(changes)
    return rec


def run(form: str, rec: dict[str, Any], **options: Any) -> Report:
    return validate(form, rec, as_of=AS_OF, options=options)


def of(report: Report, rule: str, severity: str = "error") -> list[str]:
    return [f.path for f in report.findings if f.rule == rule and f.severity == severity]


# -- MIT-R02 ------------------------------------------------------------------------------


def test_r02_example_1_all_rows_met_and_passed_is_clean() -> None:
    report = run(A1, sample(A1))
    assert of(report, "MIT-R02") == [] and of(report, "MIT-R02", "warning") == []


def test_r02_example_2_row_five_not_conforming_cannot_pass() -> None:
    rec = sample(A1)
    rec["criteria"][4]["review"] = "nonconform"
    assert of(run(A1, rec), "MIT-R02") == ["/criteria/4/review"]


def test_r02_example_3_blank_evidence_named_for_supplement_is_a_warning() -> None:
    rec = sample(A1, council_result={"result": "supplement", "supplement_items": "第3"})
    rec["criteria"][2].pop("evidence")
    report = run(A1, rec)
    assert of(report, "MIT-R02") == []
    assert of(report, "MIT-R02", "warning") == ["/criteria/2/evidence"]


def test_r02_blank_evidence_not_named_for_supplement_is_an_error() -> None:
    rec = sample(A1, council_result={"result": "supplement", "supplement_items": "第5"})
    rec["criteria"][2].pop("evidence")
    assert of(run(A1, rec), "MIT-R02") == ["/criteria/2/evidence"]


def test_r02_supplement_needs_its_rows_and_fail_its_reason() -> None:
    assert of(run(A1, sample(A1, council_result={"result": "supplement"})), "MIT-R02") == [
        "/council_result/supplement_items"
    ]
    assert of(run(A1, sample(A1, council_result={"result": "fail"})), "MIT-R02") == [
        "/council_result/reason"
    ]
    ok = sample(A1, council_result={"result": "fail", "reason": "收費不合理"})
    assert of(run(A1, ok), "MIT-R02") == []


def test_r02_row_four_negative_is_row_three_text_amb_42() -> None:
    rec = sample(A1, council_result={"result": "fail", "reason": "無安全性檢驗基準"})
    rec["criteria"][3] = {"self": "tracking_no", "review": "nonconform"}
    assert of(run(A1, rec), "MIT-R02") == []
    rec["criteria"][3] = {"self": "process_no", "review": "nonconform"}
    assert of(run(A1, rec), "MIT-R02") == ["/criteria/3/self"]


def test_r02_pass_with_a_negative_self_assessment_is_an_error_and_review_mismatch_warns() -> None:
    rec = sample(A1)
    rec["criteria"][0] = {"self": "origin_no", "review": "conform"}
    report = run(A1, rec)
    assert of(report, "MIT-R02") == ["/criteria/0/self"]
    assert of(report, "MIT-R02", "warning") == ["/criteria/0/review"]


@pytest.mark.parametrize(
    ("text", "rows"), [("3", {3}), ("第3、5", {3, 5}), ("第三項", {3}), ("", set()), (None, set())]
)
def test_supplement_rows_reads_arabic_and_chinese_numbers(text: Any, rows: set[int]) -> None:
    assert supplement_rows(text) == rows


# -- MIT-R42: look-back (T6) ------------------------------------------------------------


@pytest.mark.parametrize(
    ("applied", "start"),
    [
        ("2024-05-20", "2023-11-20"),  # T6 example: 2023-11-20 within, 2023-11-19 not
        ("2024-08-31", "2024-02-29"),  # month end: T1(2024-02-29, 6 months) = 2024-08-29 < 31
        ("2024-03-01", "2023-09-01"),
        ("2024-02-29", "2023-08-29"),
    ],
)
def test_lookback_start(applied: str, start: str) -> None:
    assert lookback_start(date.fromisoformat(applied)).isoformat() == start


def _a12(*evidence: str, **changes: Any) -> dict[str, Any]:
    rec = sample(A12, **{"application_date": "2024-05-20", **changes})
    rec.pop("lookback_start")  # derived: recomputed from the application date
    rec["recent_6m_evidence"] = [
        {"type": "shipment", "date": d, "attachment": f"出貨單 {i}"} for i, d in enumerate(evidence)
    ]
    return rec


def test_r42_example_1_evidence_within_six_months() -> None:
    report = run(A12, _a12("2023-12-01"))
    assert of(report, "MIT-R42") == []
    assert report.record["lookback_start"] == "2023-11-20"


def test_r42_example_2_evidence_older_than_six_months() -> None:
    report = run(A12, _a12("2023-11-15"))
    assert "/recent_6m_evidence" in of(report, "MIT-R42")
    assert "/check4" in of(report, "MIT-R42")  # marked 符合 though the dates say otherwise


def test_r42_boundary_of_the_lookback_is_inclusive() -> None:
    assert of(run(A12, _a12("2023-11-20")), "MIT-R42") == []
    assert "/recent_6m_evidence" in of(run(A12, _a12("2023-11-19")), "MIT-R42")


def test_r42_example_3_scheme_valid_to_on_or_after_the_application() -> None:
    rec = _a12("2024-04-01", scheme={"name": "CAS", "cert_no": "C-1", "valid_to": "2024-05-31"})
    report = run(A12, rec)
    assert of(report, "MIT-R42") == []
    assert of(report, "MIT-R42", "info") == ["/scheme/valid_to"]
    rec["scheme"]["valid_to"] = "2024-05-20"  # the last day of validity is the application day
    assert of(run(A12, rec), "MIT-R42") == []
    rec["scheme"]["valid_to"] = "2024-05-19"
    assert sorted(of(run(A12, rec), "MIT-R42")) == ["/check1", "/scheme/valid_to"]


def test_r42_granted_although_a_principle_is_not_met() -> None:
    report = run(A12, _a12("2024-04-01", check3=False))
    assert of(report, "MIT-R42") == ["/check3"]
    assert of(run(A12, _a12("2024-04-01", check3=False, decision="disagree")), "MIT-R42") == []


def test_r42_misleading_origin_dispute_is_discretionary() -> None:
    report = run(A12, _a12("2024-04-01", misleading_origin_ad_dispute=True))
    assert of(report, "MIT-R42") == []
    assert of(report, "MIT-R42", "warning") == ["/misleading_origin_ad_dispute"]


# -- MIT-R43, MIT-R44 ---------------------------------------------------------------------


def test_r43_example_1_flow_chart_missing() -> None:
    rec = sample(A12)
    rec.pop("bom_and_flow")
    assert of(run(A12, rec), "MIT-R43") == ["/bom_and_flow"]
    assert of(run(A12, sample(A12)), "MIT-R43") == []


def test_r43_no_six_month_evidence() -> None:
    assert of(run(A12, sample(A12, recent_6m_evidence=[])), "MIT-R43") == ["/recent_6m_evidence"]


def test_r44_registration_after_the_authorisation_only() -> None:
    assert of(run(A12, sample(A12)), "MIT-R44") == []
    early = sample(A12, registration_sent_date="2024-08-08")
    assert of(run(A12, early), "MIT-R44") == ["/registration_sent_date"]
    same_day = sample(A12, registration_sent_date="2024-08-09")
    assert of(run(A12, same_day), "MIT-R44") == []
    refused = sample(A12, decision="disagree")
    assert of(run(A12, refused), "MIT-R44") == ["/registration_sent_date"]
    pending = sample(A12)
    pending.pop("registration_sent_date")
    assert of(run(A12, pending), "MIT-R44", "info") == ["/registration_sent_date"]


# -- X-23 -------------------------------------------------------------------------------


def _case(app: dict[str, Any] | None = None, **notice: Any) -> list[dict[str, Any]]:
    return [
        {"form": A1, "data": sample(A1)},
        {"form": NOTICE, "data": sample(NOTICE, **notice)},
        {"form": A12, "data": app or sample(A12)},
    ]


def errors(docs: list[dict[str, Any]]) -> list[str]:
    report = check_case(docs, as_of=AS_OF)
    return [f.path for f in report.findings if f.rule == "X-23" and f.is_error]


def test_x23_samples_are_consistent() -> None:
    assert errors(_case()) == []


def test_x23_example_1_authorised_after_stop() -> None:
    stopped = {"kind": "stopped", "effective_on": "2024-06-01", "number": "產發字第11300999999號"}
    assert errors(_case(withdrawal=stopped)) == ["/application_date", "/decision_date"]
    later = {"kind": "revoked", "effective_on": "2024-08-10"}
    assert errors(_case(withdrawal=later)) == []  # decided 08-09, the day before


def test_x23_application_before_the_announcement() -> None:
    app = sample(A12, application_date="2024-07-02")
    app.pop("lookback_start")
    app["recent_6m_evidence"][0]["date"] = "2024-06-01"
    assert errors(_case(app)) == ["/application_date"]
    app["application_date"] = "2024-07-03"  # the day of the 公告
    assert errors(_case(app)) == []


def test_x23_rejected_scheme_and_notice_against_council_result() -> None:
    docs = _case(notice_type="rejected", reason="收費不合理")
    docs[1]["data"].pop("announcement_ref")
    assert errors(docs) == ["/notice_type", "/scheme/name"]


def test_x23_registration_rows_when_the_registration_form_is_present() -> None:
    app = sample(A12)
    reg_rows = [{"company_name": app["applicant"]["name"], "product_name": "冷凍調理雞腿排"}]
    docs = (
        CaseDoc(NOTICE, sample(NOTICE)),
        CaseDoc(A12, app),
        CaseDoc(A12_REGISTRATION, {"rows": reg_rows}),
    )
    found = list(check_recognition_and_authorisation(Case(docs), Context(as_of=AS_OF)))
    assert [f.path for f in found if f.severity == "error"] == ["/products/1/name"]
    reg_rows.append({"company_name": app["applicant"]["name"], "product_name": "冷凍三杯雞"})
    found = list(check_recognition_and_authorisation(Case(docs), Context(as_of=AS_OF)))
    assert [f.path for f in found if f.severity == "error"] == []
