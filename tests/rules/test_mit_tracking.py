"""附件十五 regular tracking: the annual plan (MIT-R51, R52, R53), the 附錄二 report of a
factory (MIT-R55, R58, R59), X-09 (plan ↔ certificates ↔ reports), and the tracking sides of
X-04 and X-17."""

from __future__ import annotations

import copy
import json
from datetime import date
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest

from formkit.engine import Report, fill, validate
from formkit.rules import Case, CaseDoc, Context
from formkit.rules.mit_application import check_case_linkage
from formkit.rules.mit_assessor import check_assessor_certificate
from formkit.rules.mit_tracking import (
    PLAN,
    PRODUCT,
    QMS,
    check_plan_case,
    eligible_at,
    factory_sample,
    plan_due,
    product_sample,
    quarter_start,
    three_months_complete,
)

SAMPLES = Path(__file__).resolve().parents[2] / "samples" / "mit"
AS_OF = date(2025, 6, 1)


def sample(form: str) -> dict[str, Any]:
    name = form.split("/")[1]
    return json.loads((SAMPLES / f"{name}.json").read_text(encoding="utf-8"))


def run(form: str, rec: dict[str, Any], **options: Any) -> Report:
    return validate(form, rec, as_of=AS_OF, options=options)


def of(report: Report, rule: str, severity: str = "error") -> list[str]:
    return [f.path for f in report.findings if f.rule == rule and f.severity == severity]


# -- MIT-R51 ----------------------------------------------------------------------------------


@pytest.mark.parametrize(("eligible", "pct", "expected"), [
    (37, 20, 8),  # example 1: 7.4 → 8
    (10, 25, 3),  # example 2: 2.5 → 3
    (10, 20, 2),  # exact: no rounding up
    (0, 20, 0),
    (1, 1, 1),  # 0.01 → 1 (never under-sample)
])
def test_r51_factory_sample_is_rounded_up(eligible: int, pct: int, expected: int) -> None:
    assert factory_sample(eligible, Fraction(pct, 100)) == expected


def test_r51_other_roundings() -> None:
    assert factory_sample(10, Fraction(1, 4), "round") == 3
    assert factory_sample(37, Fraction(1, 5), "round") == 7
    assert factory_sample(37, Fraction(1, 5), "floor") == 7


def test_r51_example_3_eligibility() -> None:
    certified = date(2024, 2, 15)
    assert three_months_complete(certified) == date(2024, 5, 15)
    assert not eligible_at(certified, quarter_start(113, 2))
    assert eligible_at(certified, quarter_start(113, 3))
    # a month end: 2023-11-30 + 3 months completes at the end of 2024-02-29 (leap year)
    assert three_months_complete(date(2023, 11, 30)) == date(2024, 2, 29)
    # complete on the day before the quarter starts: eligible
    assert eligible_at(date(2024, 12, 31), quarter_start(114, 2))
    assert not eligible_at(date(2025, 1, 1), quarter_start(114, 2))


def test_r51_plan_listing_fewer_factories_than_the_sample() -> None:
    rec = sample(PLAN)
    rec["sampling"]["quantities"][0]["eligible"] = 37  # 37 × 20% → 8, two listed
    report = run(PLAN, rec)
    assert "/targets/companies" in of(report, "MIT-R51")
    assert report.record["sampling"]["quantities"][0]["factories"] == 8


def test_r51_company_certified_less_than_three_months_before_the_quarter() -> None:
    rec = sample(PLAN)
    rec["targets"]["companies"][0]["certified_date"] = "2024-09-30"  # complete 2024-12-30
    assert of(run(PLAN, rec), "MIT-R51") == []
    rec["targets"]["companies"][0]["certified_date"] = "2024-10-01"  # complete 2025-01-01
    assert of(run(PLAN, rec), "MIT-R51") == ["/targets/companies/0/certified_date"]


def test_r51_given_factory_count_that_differs_is_reported() -> None:
    rec = sample(PLAN)
    rec["sampling"]["quantities"][0]["factories"] = 1
    report = run(PLAN, rec)
    assert "/sampling/quantities/0/factories" in of(report, "MIT-R51")


# -- MIT-R52 ----------------------------------------------------------------------------------


@pytest.mark.parametrize(("models", "expected"), [(25, 3), (7, 1), (10, 1), (11, 2), (1, 1),
                                                  (0, 0), (20, 2), (21, 3)])
def test_r52_product_sample(models: int, expected: int) -> None:
    assert product_sample(models) == expected


def test_r52_factory_with_25_models_listing_two_products() -> None:
    rec = sample(PLAN)
    # 大正織造 has 25 models → 3 samples; drop one of its three products
    rec["targets"]["products"] = [p for p in rec["targets"]["products"]
                                  if p["code"] != "MIT-TX-0388-03"]
    report = run(PLAN, rec)
    assert of(report, "MIT-R52") == ["/targets/companies/2/product_samples"]


def test_r52_quarter_products_sum_per_factory_and_pooled_reading() -> None:
    rec = sample(PLAN)
    filled = fill(PLAN, rec, as_of=AS_OF).record
    q2 = filled["sampling"]["quantities"][1]  # 25 + 7 models: 3 + 1 per factory
    assert q2["products"] == 4
    pooled = fill(PLAN, rec, as_of=AS_OF, options={"product_sampling": "pooled"}).record
    assert pooled["sampling"]["quantities"][1]["products"] == 4  # ceil(32/10)
    assert pooled["sampling"]["quantities"][0]["products"] == 2  # ceil(16/10), per factory 3


def test_r52_quarter_models_must_be_the_sum_of_its_factories() -> None:
    rec = sample(PLAN)
    rec["sampling"]["quantities"][0]["active_models"] = 15
    assert of(run(PLAN, rec), "MIT-R52") == ["/sampling/quantities/0/active_models"]


# -- MIT-R53 ----------------------------------------------------------------------------------


def test_r53_examples() -> None:
    rec = sample(PLAN)
    rec["submitted_date"] = "2025-01-31"  # example 1
    assert of(run(PLAN, rec), "MIT-R53") == []
    rec["submitted_date"] = "2025-02-03"  # example 2, read without T10
    assert of(run(PLAN, rec, rest_day_rollover=False), "MIT-R53") == ["/submitted_date"]
    # With T10 (the default) 2025-01-31 falls in the 春節 holidays (2025-01-25 to 02-02): the
    # last day moves to Monday 2025-02-03, so example 2 is in time; 02-04 is not.
    assert of(run(PLAN, rec), "MIT-R53") == []
    rec["submitted_date"] = "2025-02-04"
    assert of(run(PLAN, rec), "MIT-R53") == ["/submitted_date"]
    rec["year"], rec["submitted_date"] = 113, "2024-02-01"  # 2024-01-31 a Wednesday
    assert "/submitted_date" in of(run(PLAN, rec), "MIT-R53")


def test_r53_january_31_on_a_rest_day_rolls_over() -> None:
    ctx = Context(as_of=AS_OF)
    # 2026-01-31 is a Saturday → Monday 2026-02-02
    assert plan_due(115, ctx) == date(2026, 2, 2)
    assert plan_due(115, Context(options={"rest_day_rollover": False})) == date(2026, 1, 31)


def test_r53_scheduled_before_approval() -> None:
    rec = sample(PLAN)
    rec["approved_date"] = "2025-03-20"  # the Q1 inspections are scheduled in March: same month
    assert of(run(PLAN, rec), "MIT-R53") == []
    rec["approved_date"] = "2025-04-02"
    assert of(run(PLAN, rec), "MIT-R53") == ["/schedule/0/q1", "/schedule/1/q1"]


def test_r53_approved_before_submitted_and_not_yet_approved() -> None:
    rec = sample(PLAN)
    rec["approved_date"] = "2025-01-20"
    assert "/approved_date" in of(run(PLAN, rec), "MIT-R53")
    del rec["approved_date"]
    assert of(run(PLAN, rec), "MIT-R53", "info") == ["/approved_date"]


# -- MIT-R55 ----------------------------------------------------------------------------------


def test_r55_sample_derives_year_and_quarter() -> None:
    report = run(QMS, sample(QMS))
    assert report.errors == []
    assert (report.record["year"], report.record["quarter"]) == (114, 2)


def test_r55_fail_without_explanation() -> None:
    rec = sample(QMS)
    rec["mit_qms"]["personnel"].pop("note")
    assert of(run(QMS, rec), "MIT-R55") == ["/mit_qms/personnel/note"]


def test_r55_announced_certificate_expired_before_the_inspection() -> None:
    rec = sample(QMS)
    rec["basis"] = "announced_cert"
    del rec["mit_qms"]
    rec["qms_cert"] = {"result": "pass", "valid_to": "2025-05-14"}  # the day itself: valid
    assert of(run(QMS, rec), "MIT-R55") == []
    rec["qms_cert"]["valid_to"] = "2025-05-13"
    assert of(run(QMS, rec), "MIT-R55") == ["/qms_cert/valid_to"]
    del rec["qms_cert"]["valid_to"]
    assert of(run(QMS, rec), "MIT-R55") == ["/qms_cert/valid_to"]


def test_r55_both_sections_filled_is_a_warning() -> None:
    rec = sample(QMS)
    rec["qms_cert"] = {"result": "pass", "valid_to": "2026-01-01"}
    assert of(run(QMS, rec), "MIT-R55", "warning") == ["/qms_cert"]


# -- MIT-R58 ----------------------------------------------------------------------------------


def test_r58_certificate_expired_before_the_inspection() -> None:
    rec = sample(QMS)
    rec["inspector_certs"][0]["valid_to"] = "2025-05-14"  # last valid day: fine
    assert of(run(QMS, rec), "MIT-R58") == []
    rec["inspector_certs"][0]["valid_to"] = "2025-05-13"
    assert of(run(QMS, rec), "MIT-R58") == ["/inspectors/0"]


def test_r58_certificate_not_yet_issued() -> None:
    rec = sample(QMS)
    rec["inspector_certs"][1]["valid_from"] = "2025-05-15"
    assert of(run(QMS, rec), "MIT-R58") == ["/inspectors/1"]


def test_r58_without_certificates_says_what_it_could_not_check() -> None:
    rec = sample(QMS)
    del rec["inspector_certs"]
    report = run(QMS, rec)
    assert of(report, "MIT-R58") == []
    assert of(report, "MIT-R58", "info") == ["/inspectors/0", "/inspectors/1"]


# -- MIT-R59 ----------------------------------------------------------------------------------


def test_r59_termination_without_statement_step() -> None:
    rec = sample(QMS)
    rec["deficiency"] = {"class": "major_deficiency", "ground": "qms_critical",
                         "terminated_date": "2025-06-20"}
    assert of(run(QMS, rec), "MIT-R59") == ["/deficiency/statement_notice_date"]
    rec["deficiency"]["statement_notice_date"] = "2025-06-02"
    assert of(run(QMS, rec), "MIT-R59") == []
    rec["deficiency"]["statement_notice_date"] = "2025-06-21"
    assert of(run(QMS, rec), "MIT-R59") == ["/deficiency/statement_notice_date"]


def test_r59_major_on_a_not_improved_ground_needs_a_prior_notice() -> None:
    rec = sample(QMS)
    rec["deficiency"] = {"class": "major_deficiency", "ground": "qms_not_improved"}
    assert of(run(QMS, rec), "MIT-R59") == ["/deficiency/improvement_notice_date"]
    rec["deficiency"]["improvement_notice_date"] = "2025-05-16"
    assert of(run(QMS, rec), "MIT-R59") == []


def test_r59_termination_of_a_minor_deficiency() -> None:
    rec = sample(QMS)
    rec["deficiency"]["terminated_date"] = "2025-07-01"
    rec["deficiency"]["statement_notice_date"] = "2025-06-01"
    assert of(run(QMS, rec), "MIT-R59") == ["/deficiency/terminated_date"]


def test_r59_unclassed_failure_and_class_without_failure_are_warnings() -> None:
    rec = sample(QMS)
    del rec["deficiency"]
    assert of(run(QMS, rec), "MIT-R59", "warning") == ["/deficiency/class"]
    rec = sample(QMS)
    rec["mit_qms"]["personnel"] = {"result": "pass", "note": "訓練紀錄完整。"}
    assert of(run(QMS, rec), "MIT-R59", "warning") == ["/deficiency/class"]


# -- 02b: the schema carries its conditions ---------------------------------------------------


def test_02b_follow_up_only_after_a_failure_and_failure_needs_a_note() -> None:
    rec = sample(PRODUCT)
    assert run(PRODUCT, rec).errors == []
    bad = copy.deepcopy(rec)
    bad["r1"]["follow_up"] = "improved"
    assert run(PRODUCT, bad).errors
    bad = copy.deepcopy(rec)
    del bad["r2"]["note"]
    assert run(PRODUCT, bad).errors


# -- X-09 -------------------------------------------------------------------------------------


def _filled(form: str, rec: dict[str, Any]) -> dict[str, Any]:
    return fill(form, rec, as_of=AS_OF).record


def _cert(name: str, issued: str, valid_to: str, codes: list[str]) -> dict[str, Any]:
    return {"cert_no": "MIT-TX-113-0388", "holder": {"name": name}, "issue_date": issued,
            "valid_to": valid_to, "products": [{"code": c} for c in codes]}


def _x09(*docs: tuple[str, dict[str, Any]]) -> list[tuple[str, str, str | None]]:
    case = Case(tuple(CaseDoc(f, d) for f, d in docs))
    return [(f.severity, f.path, f.form) for f in check_plan_case(case, Context(as_of=AS_OF))]


def test_x09_consistent_plan_and_report() -> None:
    plan, report = _filled(PLAN, sample(PLAN)), _filled(QMS, sample(QMS))
    cert = _cert("大正織造股份有限公司", "2024-03-20", "2027-03-19",
                 ["MIT-TX-0388-01", "MIT-TX-0388-02", "MIT-TX-0388-03"])
    found = _x09((PLAN, plan), (QMS, report), ("mit/annex-11-product-certificate", cert))
    assert [f for f in found if f[0] != "info"] == []


def test_x09_report_before_approval_and_outside_the_schedule() -> None:
    plan, report = _filled(PLAN, sample(PLAN)), sample(QMS)
    report["inspected_at"] = "2025-02-10"  # MIT-R53 example 3; plan approved 2025-02-14
    found = _x09((PLAN, plan), (QMS, _filled(QMS, report)))
    assert ("error", "/inspected_at", QMS) in found
    assert ("warning", "/inspected_at", QMS) in found  # Q1, the plan says Q2


def test_x09_company_and_inspector_not_in_the_plan() -> None:
    plan, report = _filled(PLAN, sample(PLAN)), sample(QMS)
    report["company"], report["company_code"] = "建成紡織股份有限公司", "TX-0999"
    report["inspectors"] = ["陳淑芬", "黃建國"]
    found = _x09((PLAN, plan), (QMS, _filled(QMS, report)))
    assert ("warning", "/company", QMS) in found
    assert ("warning", "/inspectors/1", QMS) in found


def test_x09_certificate_not_three_months_old_and_product_not_on_it() -> None:
    plan = _filled(PLAN, sample(PLAN))
    cert = _cert("大正織造股份有限公司", "2025-01-15", "2028-01-14",
                 ["MIT-TX-0388-01", "MIT-TX-0388-02"])  # Q2 starts 2025-04-01
    found = _x09((PLAN, plan), ("mit/annex-11-product-certificate", cert))
    assert ("error", "/targets/companies/2", PLAN) in found
    assert ("error", "/targets/products/5/code", PLAN) in found


def test_x09_certificate_expired_before_the_quarter() -> None:
    plan = _filled(PLAN, sample(PLAN))
    cert = _cert("大正織造股份有限公司", "2022-03-20", "2025-03-31", [])
    found = _x09((PLAN, plan), ("mit/annex-11-product-certificate", cert))
    assert ("error", "/targets/companies/2", PLAN) in found


# -- X-04 tracking side -----------------------------------------------------------------------


def _a7(company: str, year: int, quarter: int) -> dict[str, Any]:
    return {"company": company, "summary": {"case_type": "tracking",
                                            "year_quarter": {"year": year, "quarter": quarter}}}


def _x04(*docs: tuple[str, dict[str, Any]]) -> list[tuple[str, str]]:
    case = Case(tuple(CaseDoc(f, d) for f, d in docs))
    return [(f.severity, f.path) for f in check_case_linkage(case, Context(as_of=AS_OF))]


def test_x04_tracking_a7_in_the_scheduled_quarter() -> None:
    plan = _filled(PLAN, sample(PLAN))
    a7 = "mit/annex-07-qms-assessment"
    assert _x04((PLAN, plan), (a7, _a7("大正織造股份有限公司", 114, 2))) == []
    # example 1: the plan schedules the company in another quarter → W
    assert _x04((PLAN, plan), (a7, _a7("大正織造股份有限公司", 114, 3))) == [
        ("warning", "/summary/year_quarter")]
    assert _x04((PLAN, plan), (a7, _a7("建成紡織股份有限公司", 114, 2))) == [
        ("error", "/company")]
    # another year's plan says nothing
    assert _x04((PLAN, plan), (a7, _a7("建成紡織股份有限公司", 113, 2))) == []


# -- X-17 on 02a ------------------------------------------------------------------------------


def _training_cert(valid_to_year: int) -> dict[str, Any]:
    return {"cert_no": "MIT-QA-112-0382", "holder": {"name": "陳淑芬"},
            "issue_date": f"{valid_to_year - 2}-08-15", "valid_to": f"{valid_to_year}-08-14"}


def test_x17_tracking_report_by_an_assessor_whose_certificate_expired() -> None:
    report = _filled(QMS, sample(QMS))
    cert = "mit/annex-10-training-certificate"
    ok = Case((CaseDoc(cert, _training_cert(2025)), CaseDoc(QMS, report)))
    assert list(check_assessor_certificate(ok, Context(as_of=AS_OF))) == []
    expired = Case((CaseDoc(cert, _training_cert(2024)), CaseDoc(QMS, report)))
    found = list(check_assessor_certificate(expired, Context(as_of=AS_OF)))
    assert [(f.severity, f.path, f.form) for f in found] == [("error", "/inspectors/0", QMS)]
