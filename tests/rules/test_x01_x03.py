"""X-01–X-03: 附件七 ↔ 附件九 ↔ 驗證書, over the samples and the catalogue's examples.

The samples are one consistent case: 附件七 example 1 of MIT-R18 (deadline 113年6月14日,
closed as 通過), its 附件九 mailed with a postmark of 2024-06-14, and the certificate.
"""

from __future__ import annotations

import copy
from datetime import date
from typing import Any

import pytest

from formkit.case import CaseReport, check_case
from formkit.forms import get_form

A7 = "mit/annex-07-qms-assessment"
A9 = "mit/annex-09-corrective-plan"
A11 = "mit/annex-11-product-certificate"
AS_OF = date(2024, 8, 1)


def sample(form: str) -> dict[str, Any]:
    return copy.deepcopy(get_form(form).sample)


def check(*docs: tuple[str, dict[str, Any]], **options: Any) -> CaseReport:
    return check_case([{"form": f, "data": d} for f, d in docs], as_of=AS_OF, options=options)


def of(report: CaseReport, rule: str, severity: str = "error") -> list[tuple[str | None, str]]:
    return [(f.form, f.path) for f in report.findings if f.rule == rule and f.severity == severity]


def test_the_samples_form_a_consistent_case() -> None:
    report = check((A7, sample(A7)), (A9, sample(A9)), (A11, sample(A11)))
    assert report.findings == []
    assert report.forms == sorted([A7, A9, A11])


# -- X-01 coverage and counts ---------------------------------------------------------------


def test_x01_example_1_rows_transcribe_the_raw_counts() -> None:
    plan = sample(A9)
    counts = [(r["major"], r["minor"], r["slight"]) for r in plan["rows"]]
    assert counts == [(0, 1, 0), (0, 0, 1), (0, 1, 0), (0, 1, 0), (1, 0, 0), (0, 0, 0)]
    assert not of(check((A7, sample(A7)), (A9, plan)), "X-01")


def test_x01_example_2_minor_where_the_assessment_rates_major() -> None:
    plan = sample(A9)
    plan["rows"][4].update(major=0, minor=1)
    plan["rows"][4].pop("conform")
    report = check((A7, sample(A7)), (A9, plan))
    assert of(report, "X-01") == [(A9, "/rows/4/major"), (A9, "/rows/4/minor")]


def test_x01_not_applicable_does_not_tick_conform_when_a_sibling_has_a_defect() -> None:
    plan = sample(A9)
    plan["rows"][3].update(minor=0)
    plan["rows"][3].pop("conform")
    report = check((A7, sample(A7)), (A9, plan))
    assert of(report, "X-01") == [(A9, "/rows/3/minor")]


def test_x01_plan_for_a_passing_assessment() -> None:
    assessment = sample(A7)
    for item in assessment["items"].values():
        item["rating"] = "conform"
        item.pop("evidence", None)
    assessment["cat"] = {}
    assessment["summary"] = {"case_type": "application", "case_no": "TTRC-MIT-113-0457"}
    report = check((A7, assessment), (A9, sample(A9)))
    assert (A9, "") in of(report, "X-01")


def test_x01_plan_when_a_critical_defect_was_found() -> None:
    assessment = sample(A7)
    assessment["items"]["i3_1"] = {"rating": "critical"}
    for key in (
        "found",
        "stat",
        "verdict",
        "result",
        "no_defect",
        "cap_outcome",
        "cap_deadline",
        "cap_submitted_date",
    ):
        assessment["summary"].pop(key, None)  # fmt: skip
    report = check((A7, assessment), (A9, sample(A9)))
    (err,) = [f for f in report.findings if f.rule == "X-01" and f.path == ""]
    assert err.params["found"] == 1


def test_x01_row_completeness_is_checked_over_a_case() -> None:
    plan = sample(A9)
    del plan["rows"][0]["correction"]
    assert of(check((A9, plan)), "X-01") == [(A9, "/rows/0/correction")]


def test_x01_missing_plan_is_reported_but_not_an_error() -> None:
    open_case = sample(A7)
    for key in ("cap_outcome", "cap_submitted_date", "result"):
        open_case["summary"].pop(key)
    report = check((A7, open_case))
    assert of(report, "X-01", "info") == [(A7, "/summary/verdict")]
    assert report.valid
    closed = check((A7, sample(A7)))
    assert of(closed, "X-01", "warning") == [(A7, "/summary/cap_outcome")]


def test_x01_pairs_a_plan_with_its_assessment_by_case_number() -> None:
    other = sample(A7)
    other["summary"]["case_no"] = "TTRC-MIT-113-9999"
    other["items"]["i5_1"] = {"rating": "minor"}
    for key in ("found", "stat", "verdict", "result", "no_defect"):
        other["summary"].pop(key)
    report = check((A7, other), (A7, sample(A7)), (A9, sample(A9)))
    assert not of(report, "X-01")


# -- X-02 timeliness and closure ------------------------------------------------------------


def mailed(postmark: str) -> dict[str, Any]:
    plan = sample(A9)
    plan.update(submitted_date=postmark, postmark_date=postmark, received_date="2024-06-20")
    plan.pop("effective_date")
    return plan


def closed(outcome: str | None, submitted: str | None = None) -> dict[str, Any]:
    assessment = sample(A7)
    summary = assessment["summary"]
    for key in ("cap_outcome", "cap_submitted_date", "result"):
        summary.pop(key)
    if outcome:
        summary["cap_outcome"] = outcome
    if submitted:
        summary["cap_submitted_date"] = submitted
    return assessment


def test_x02_example_1_postmark_on_the_deadline_passes() -> None:
    report = check((A7, closed("passed", "2024-06-14")), (A9, mailed("2024-06-14")))
    assert not [f for f in report.findings if f.rule == "X-02"]


def test_x02_example_2_email_after_midnight_is_late() -> None:
    plan = sample(A9)
    plan.update(submission_method="email", transmitted_at="2024-06-15T00:10:00+08:00",
                submitted_date="2024-06-15")  # fmt: skip
    for key in ("postmark_date", "effective_date"):
        plan.pop(key)
    report = check((A7, closed("passed", "2024-06-15")), (A9, plan))
    assert of(report, "X-02") == [(A7, "/summary/cap_outcome")]


def test_x02_hand_delivery_before_the_deadline() -> None:
    plan = sample(A9)
    plan.update(submission_method="in_person", submitted_date="2024-06-13",
                received_date="2024-06-13")  # fmt: skip
    for key in ("postmark_date", "effective_date"):
        plan.pop(key)
    report = check((A7, closed("passed", "2024-06-13")), (A9, plan))
    assert report.findings == []


def test_x02_closure_date_must_be_the_effective_date() -> None:
    report = check((A7, closed("passed", "2024-06-13")), (A9, mailed("2024-06-14")))
    (err,) = [f for f in report.findings if f.rule == "X-02"]
    assert (err.form, err.path, err.expected) == (A7, "/summary/cap_submitted_date", "2024-06-14")


def test_x02_failed_closure_although_the_plan_was_in_time() -> None:
    report = check((A7, closed("failed")), (A9, mailed("2024-06-14")))
    assert of(report, "X-02") == [(A7, "/summary/cap_outcome")]
    lenient = check((A7, closed("failed")), (A9, mailed("2024-06-14")),
                    cap_pass_on_submission=False)  # fmt: skip
    assert of(lenient, "X-02") == [] and of(lenient, "X-02", "warning")


def test_x02_failed_closure_for_a_late_plan_is_consistent() -> None:
    report = check((A7, closed("failed")), (A9, mailed("2024-06-18")))
    assert not [f for f in report.findings if f.rule == "X-02"]


@pytest.mark.parametrize(
    ("postmark", "severity"), [("2024-06-14", "info"), ("2024-06-18", "warning")]
)
def test_x02_open_closure_says_what_to_record(postmark: str, severity: str) -> None:
    report = check((A7, closed(None)), (A9, mailed(postmark)))
    assert of(report, "X-02", severity) == [(A7, "/summary/cap_outcome")]


def test_x02_deadline_on_a_rest_day_rolls_over() -> None:
    assessment = closed("passed", "2024-06-17")
    assessment["summary"]["cap_deadline"] = "2024-06-15"  # a Saturday
    report = check((A7, assessment), (A9, mailed("2024-06-17")))
    assert not of(report, "X-02")
    strict = check((A7, assessment), (A9, mailed("2024-06-17")), rest_day_rollover=False)
    assert of(strict, "X-02") == [(A7, "/summary/cap_outcome")]


def test_x02_mailed_plan_without_a_postmark_cannot_support_a_pass() -> None:
    plan = mailed("2024-06-14")
    plan.pop("postmark_date")
    report = check((A7, closed("passed", "2024-06-14")), (A9, plan))
    assert of(report, "X-02") == [(A9, "/effective_date")]


# -- X-03 identity --------------------------------------------------------------------------


def test_x03_example_1_tax_id_differs() -> None:
    certificate = sample(A11)
    certificate["holder"]["tax_id"] = "22099131"
    report = check((A9, sample(A9)), (A11, certificate))
    (err,) = [f for f in report.findings if f.rule == "X-03"]
    assert (err.form, err.path, err.expected) == (A11, "/holder/tax_id", "84641177")


def test_x03_company_name_differs() -> None:
    plan = sample(A9)
    plan["company_name"] = "福興實業股份有限公司"
    report = check((A7, sample(A7)), (A9, plan))
    assert of(report, "X-03") == [(A9, "/company_name")]


def test_x03_spacing_is_ignored_and_tai_variants_only_warn() -> None:
    plan = sample(A9)
    plan["company_name"] = "福興紡織 股份有限公司"
    assert check((A7, sample(A7)), (A9, plan)).findings == []
    assessment, certificate = sample(A7), sample(A11)
    assessment["company"] = certificate["holder"]["name"] = "台灣福興紡織股份有限公司"
    certificate["holder"]["name"] = "臺灣福興紡織股份有限公司"
    report = check((A7, assessment), (A11, certificate))
    assert of(report, "X-03") == [] and of(report, "X-03", "warning") == [(A11, "/holder/name")]


def test_x03_name_on_a_replaced_certificate_only_warns() -> None:
    certificate = sample(A11)
    certificate["holder"]["name"] = "福興家紡股份有限公司"
    certificate["reissue"] = {"mark": "replace", "date": "2024-09-02"}
    report = check((A7, sample(A7)), (A11, certificate))
    assert of(report, "X-03", "warning") == [(A11, "/holder/name")]


def test_x03_industry_differs() -> None:
    certificate = sample(A11)
    certificate["industry"] = "寢具"
    assert of(check((A9, sample(A9)), (A11, certificate)), "X-03") == [(A11, "/industry")]


def test_x03_single_document_has_nothing_to_compare() -> None:
    assert check((A11, sample(A11))).findings == []
