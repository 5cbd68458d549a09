"""Records of certification (rules/mit_records.py): MIT-R11 on the sample-return record
(要點24②), MIT-R23 on the summary report (要點29), and the summary report's part of X-05,
from the catalogue's worked examples and their boundaries."""

from __future__ import annotations

import copy
from datetime import date
from typing import Any

import pytest

from formkit.case import CaseReport, check_case
from formkit.engine import Report, fill, validate
from formkit.forms import get_form
from formkit.rules import Case, CaseDoc, Context, all_rules
from formkit.rules.mit_application import check_issuance
from formkit.rules.mit_records import collection_deadline, retention_end

SRD = "mit/sample-return-disposal-record"
SUM = "mit/cert-result-summary-report"
REG = "mit/product-registration-record"
A11 = "mit/annex-11-product-certificate"
APP = "mit/cert-application"
AS_OF = date(2024, 8, 1)


def sample(form: str) -> dict[str, Any]:
    return copy.deepcopy(get_form(form).sample)


def run(form: str, rec: dict[str, Any], as_of: date = AS_OF, **options: Any) -> Report:
    return validate(form, rec, as_of=as_of, options=options)


def of(report: Report | CaseReport, rule: str, severity: str = "error") -> list[str]:
    return [f.path for f in report.findings if f.rule == rule and f.severity == severity]


def derived(form: str, rec: dict[str, Any], key: str, **options: Any) -> Any:
    return fill(form, rec, as_of=AS_OF, options=options).record.get(key)


@pytest.mark.parametrize("form", [SRD, SUM, REG])
def test_the_samples_are_valid_without_warnings(form: str) -> None:
    report = run(form, sample(form))
    assert report.errors == []
    assert [f for f in report.findings if f.severity == "warning"] == []


def test_the_rules_are_registered_for_the_forms() -> None:
    rules = all_rules()
    assert SRD in rules["MIT-R11"].forms and APP in rules["MIT-R11"].forms
    assert SUM in rules["MIT-R23"].forms
    assert SUM in rules["X-05"].forms


# -- MIT-R11: 樣品領回及逕予銷毀/廢棄 (要點24②) ---------------------------------------------


def disposed(notice: str, day: str | None, **changes: Any) -> dict[str, Any]:
    rec = sample(SRD)
    rec.pop("collection_deadline", None)
    rec["return_notice_date"] = notice
    if day is None:
        for key in ("disposal", "disposal_date", "photos", "result_notice_date"):
            rec.pop(key, None)
    else:
        rec["disposal_date"] = day
        rec["result_notice_date"] = day
    for key, value in changes.items():
        if value is None:
            rec.pop(key, None)
        else:
            rec[key] = value
    return rec


@pytest.mark.parametrize(("notice", "include", "rollover", "last"), [
    ("2024-04-01", False, True, "2024-05-01"),  # example 1 (T3)
    ("2024-04-01", True, True, "2024-04-30"),  # AMB-04 (b): the notice day counted
    ("2024-01-30", False, True, "2024-02-29"),  # month end: 2/30 does not exist
    ("2024-05-10", False, True, "2024-06-11"),  # 2024-06-10 端午節 rolls to the Tuesday
    ("2024-05-10", False, False, "2024-06-10"),  # no roll-over
    ("2024-05-31", False, True, "2024-07-01"),  # 2024-06-30 is a Sunday
])  # fmt: skip
def test_r11_collection_deadline(notice: str, include: bool, rollover: bool, last: str) -> None:
    options: dict[str, Any] = {"rest_day_rollover": rollover}
    if include:
        options["MIT-R11"] = {"reading": "include_start"}
    ctx = Context(as_of=AS_OF, options=options)
    assert collection_deadline(date.fromisoformat(notice), ctx).last_day.isoformat() == last
    assert derived(SRD, disposed(notice, None), "collection_deadline", **options) == last


def test_r11_example_1_disposal_after_the_month() -> None:
    assert of(run(SRD, disposed("2024-04-01", "2024-05-02")), "MIT-R11") == []


@pytest.mark.parametrize("day", ["2024-04-30", "2024-05-01"])
def test_r11_example_2_disposal_on_or_before_the_deadline(day: str) -> None:
    assert of(run(SRD, disposed("2024-04-01", day)), "MIT-R11") == ["/disposal_date"]


def test_r11_include_start_reading_moves_the_deadline_a_day_earlier() -> None:
    rec = disposed("2024-04-01", "2024-05-01")
    assert of(run(SRD, rec), "MIT-R11") == ["/disposal_date"]
    report = validate(SRD, rec, as_of=AS_OF, options={"MIT-R11": {"reading": "include_start"}})
    assert of(report, "MIT-R11") == []


@pytest.mark.parametrize(("day", "errors"), [("2024-06-11", ["/disposal_date"]),
                                             ("2024-06-12", [])])
def test_r11_holiday_roll_over(day: str, errors: list[str]) -> None:
    report = run(SRD, disposed("2024-05-10", day))
    assert of(report, "MIT-R11") == errors
    assert of(report, "MIT-R11", "info") == ["/collection_deadline"]


def test_r11_without_roll_over_the_holiday_is_the_last_day() -> None:
    report = run(SRD, disposed("2024-05-10", "2024-06-11"), rest_day_rollover=False)
    assert of(report, "MIT-R11") == []


def test_r11_disposal_needs_photos() -> None:
    assert of(run(SRD, disposed("2024-04-01", "2024-05-02", photos=[])), "MIT-R11") == [
        "/photos"]
    assert of(run(SRD, disposed("2024-04-01", "2024-05-02", photos=None)), "MIT-R11") == [
        "/photos"]


def test_r11_disposal_needs_a_result_notice_on_or_after_it() -> None:
    rec = disposed("2024-04-01", "2024-05-02", result_notice_date=None)
    assert of(run(SRD, rec), "MIT-R11") == ["/result_notice_date"]
    rec = disposed("2024-04-01", "2024-05-02", result_notice_date="2024-05-01")
    assert of(run(SRD, rec), "MIT-R11") == ["/result_notice_date"]
    rec = disposed("2024-04-01", "2024-05-02", result_notice_date="2024-05-02")
    assert of(run(SRD, rec), "MIT-R11") == []


def test_r11_collected_samples_are_not_disposed_of() -> None:
    rec = disposed("2024-04-01", "2024-05-06", returned_date="2024-05-03")
    assert of(run(SRD, rec), "MIT-R11") == ["/disposal_date"]


def test_r11_collected_samples_need_no_disposal() -> None:
    rec = disposed("2024-04-01", None, returned_date="2024-05-03")
    report = run(SRD, rec)
    assert report.errors == [] and of(report, "MIT-R11", "info") == []


def test_r11_collection_before_the_notice_is_an_error() -> None:
    rec = disposed("2024-04-01", None, returned_date="2024-03-29")
    assert of(run(SRD, rec), "MIT-R11") == ["/returned_date"]


def test_r11_uncollected_after_the_month_says_the_samples_may_be_disposed_of() -> None:
    assert of(run(SRD, disposed("2024-04-01", None), as_of=date(2024, 5, 2)), "MIT-R11",
              "info") == ["/disposal_date"]
    assert of(run(SRD, disposed("2024-04-01", None), as_of=date(2024, 5, 1)), "MIT-R11",
              "info") == []


def test_r11_disposal_type_and_date_go_together() -> None:
    rec = disposed("2024-04-01", "2024-05-02", disposal=None)
    assert run(SRD, rec).errors, "a disposal date without 銷毀/廢棄 is incomplete"


# -- MIT-R23: 驗證結果彙整報告 (要點29) -----------------------------------------------------


@pytest.mark.parametrize(("prepared", "keep"), [
    ("2024-03-05", "2030-03-04"),  # example 1 (T4)
    ("2024-02-29", "2030-02-28"),  # leap day
    ("2024-01-01", "2029-12-31"),
])  # fmt: skip
def test_r23_retention_end(prepared: str, keep: str) -> None:
    assert retention_end(date.fromisoformat(prepared)).isoformat() == keep
    rec = sample(SUM)
    rec.pop("retention_until")
    rec["prepared_date"] = prepared
    rec["review"]["date"] = prepared
    assert derived(SUM, rec, "retention_until") == keep


@pytest.mark.parametrize(("scheduled", "errors"), [
    ("2030-03-03", ["/disposal_scheduled_date"]),
    ("2030-03-04", ["/disposal_scheduled_date"]),  # the last day it must still be kept
    ("2030-03-05", []),
])  # fmt: skip
def test_r23_example_1_disposal_scheduled(scheduled: str, errors: list[str]) -> None:
    rec = sample(SUM)
    rec.pop("retention_until")
    rec.update(prepared_date="2024-03-05", disposal_scheduled_date=scheduled)
    rec["review"]["date"] = "2024-03-08"
    assert of(run(SUM, rec), "MIT-R23") == errors


def test_r23_a_wrong_given_retention_end_is_reported() -> None:
    rec = sample(SUM)
    rec["retention_until"] = "2030-06-28"
    report = run(SUM, rec)
    assert "/retention_until" in [f.path for f in report.findings if f.rule == "MIT-R23"
                                  and f.severity != "info"]


def test_r23_review_before_preparation() -> None:
    rec = sample(SUM)
    rec["review"]["date"] = "2024-06-27"
    assert of(run(SUM, rec), "MIT-R23") == ["/review/date"]
    rec["review"]["date"] = "2024-06-28"
    assert of(run(SUM, rec), "MIT-R23") == []


def test_r23_pass_needs_every_stage_passed() -> None:
    rec = sample(SUM)
    rec["origin_determination"]["result"] = "nonconform"
    rec["product_testing"][1]["result"] = "fail"
    assert of(run(SUM, rec), "MIT-R23") == ["/origin_determination/result",
                                            "/product_testing/1/result"]
    rec["conclusion"] = "fail"
    rec["review"]["result"] = "fail"
    assert of(run(SUM, rec), "MIT-R23") == []


@pytest.mark.parametrize(("block", "value"), [("document_review", "incomplete"),
                                              ("labelling_review", "nonconform")])
def test_r23_pass_with_a_failed_review_stage(block: str, value: str) -> None:
    rec = sample(SUM)
    rec[block]["result"] = value
    assert of(run(SUM, rec), "MIT-R23") == [f"/{block}/result"]


# -- the certificate comes after the summary report's review ---------------------------


def check(*docs: tuple[str, dict[str, Any]]) -> CaseReport:
    return check_case([{"form": f, "data": d} for f, d in docs], as_of=AS_OF)


def test_x05_the_samples_agree() -> None:
    report = check((APP, sample(APP)), (A11, sample(A11)), (SUM, sample(SUM)))
    assert of(report, "X-05") == []


@pytest.mark.parametrize(("day", "errors"), [("2024-07-15", []),
                                             ("2024-07-16", ["/review/date"])])
def test_x05_review_on_or_before_the_issue_date(day: str, errors: list[str]) -> None:
    summary = sample(SUM)
    summary["review"]["date"] = day
    report = check((APP, sample(APP)), (A11, sample(A11)), (SUM, summary))
    assert of(report, "X-05") == errors
    assert all(f.form == SUM for f in report.findings if f.rule == "X-05" and f.severity == "error")


def test_x05_a_failed_summary_report() -> None:
    summary = sample(SUM)
    summary["conclusion"] = "fail"
    summary["review"]["result"] = "fail"
    assert of(check((A11, sample(A11)), (SUM, summary)), "X-05") == ["/review/result"]


def test_x05_reads_only_the_report_of_the_certificate() -> None:
    other = sample(SUM)
    other["case_no"] = "TTRC-MIT-113-0999"
    other["applicant"]["tax_id"] = "48639767"
    other["review"]["date"] = "2024-07-20"
    assert of(check((APP, sample(APP)), (A11, sample(A11)), (SUM, other)), "X-05") == []
    other["case_no"] = "TTRC-MIT-113-0457"  # the application's case number
    assert of(check((APP, sample(APP)), (A11, sample(A11)), (SUM, other)), "X-05") == [
        "/review/date"]


def test_x05_matches_by_tax_id_without_an_application() -> None:
    summary = sample(SUM)
    summary["case_no"] = "TTRC-MIT-113-0999"
    summary["review"]["date"] = "2024-07-20"
    case = Case((CaseDoc(A11, sample(A11)), CaseDoc(SUM, summary)))
    found = list(check_issuance(case, Context(as_of=AS_OF, case=case)))
    assert [(f.path, f.form) for f in found] == [("/review/date", SUM)]
