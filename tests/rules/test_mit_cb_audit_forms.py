"""附件十六 附錄二 tables 2–4: the 02c sums and X-14 against the CB's annual summary, MIT-R62
on the 02d fee audit, and the 02b table (no rule of its own)."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from formkit import rules as registry
from formkit.case import check_case
from formkit.engine import Report, fill, validate
from formkit.rules import Case, CaseDoc, Context
from formkit.rules.mit_cb_audit_forms import SUMMARY, check_tracking_audit

SELF_PRINT = "mit/annex-16-app-02b-cb-selfprint-promo-audit"
TRACKING = "mit/annex-16-app-02c-cb-tracking-audit"
FEES = "mit/annex-16-app-02d-cb-fee-audit"
AS_OF = date(2024, 12, 20)
SAMPLES = Path(__file__).resolve().parents[2] / "samples" / "mit"


def sample(form: str, **changes: Any) -> dict[str, Any]:
    rec = json.loads((SAMPLES / f"{form.split('/')[1]}.json").read_text(encoding="utf-8"))
    for key in [k for k, v in changes.items() if v is None]:
        rec.pop(key, None)
    rec.update({k: v for k, v in changes.items() if v is not None})
    return rec


def run(form: str, rec: dict[str, Any], **options: Any) -> Report:
    return validate(form, rec, as_of=AS_OF, options=options)


def of(report: Report, rule: str, severity: str = "error") -> list[str]:
    return [f.path for f in report.findings if f.rule == rule and f.severity == severity]


def test_the_samples_are_valid_without_warnings() -> None:
    for form in (SELF_PRINT, TRACKING, FEES):
        report = run(form, sample(form))
        assert report.errors == [], form
        assert [f for f in report.findings if f.severity == "warning"] == [], form


def test_the_rules_are_bound_to_their_forms() -> None:
    assert [r.id for r in registry.rules_for(FEES)] == ["MIT-R62"]
    assert [r.id for r in registry.rules_for(SELF_PRINT)] == []
    x14 = registry.all_rules()["X-14"]
    assert x14.kind == "case" and TRACKING in x14.forms
    # MIT-R62 on 02d is a registration of its own, apart from the 02a item 7's
    assert FEES in {f for spec in registry.implementations("MIT-R62") for f in spec.forms}


# -- the result options and their 說明 -------------------------------------------------------


@pytest.mark.parametrize("form", [SELF_PRINT, TRACKING, FEES])
@pytest.mark.parametrize("code", ["nonconform", "other"])
def test_a_result_with_its_explanation_needs_the_explanation(form: str, code: str) -> None:
    report = run(form, sample(form, r1=code, r1_note=None))
    assert [f.rule for f in report.errors] == ["schema"]
    assert run(form, sample(form, r1=code, r1_note="缺審核紀錄1件。")).errors == []


def test_the_printed_labels_are_read_as_codes() -> None:
    report = run(SELF_PRINT, sample(SELF_PRINT, r1="符合", r2="其它，說明："))
    assert report.errors == []
    assert (report.record["r1"], report.record["r2"]) == ("conform", "other")


# -- X-14, the single document: 通過 + 不通過 = 家數 / 款數 -------------------------------------


def test_x14_the_totals_are_derived_from_pass_and_fail() -> None:
    rec = sample(TRACKING, factories=None, products=None)
    filled = fill(TRACKING, rec, as_of=AS_OF).record
    assert (filled["factories"], filled["products"]) == (6, 12)


def test_x14_example_1_six_passed_one_failed_is_not_eight() -> None:
    report = run(TRACKING, sample(TRACKING, factories=8, factories_pass=6, factories_fail=1))
    assert of(report, "X-14") == ["/factories"]
    finding = next(f for f in report.findings if f.rule == "X-14")
    assert (finding.expected, finding.actual) == (7, 8)
    assert "附件十六 附錄二" in finding.citation


def test_x14_products_that_do_not_add_up() -> None:
    report = run(TRACKING, sample(TRACKING, products=11))
    assert of(report, "X-14") == ["/products"]


def test_x14_zero_failures_and_zero_audits_add_up() -> None:
    assert of(run(TRACKING, sample(TRACKING, factories=0, factories_pass=0,
                                   factories_fail=0)), "X-14") == []
    assert of(run(TRACKING, sample(TRACKING, products=3, products_pass=3,
                                   products_fail=0)), "X-14") == []


# -- X-14 over a case: within the CB's own annual summary of the year -----------------------


def annual(year: Any = 2024, industry: str = "紡織", factories: int = 6,
           products: int = 12) -> dict[str, Any]:
    """The CB's 附件十五 附錄六 定期 summary, with the keys its form has."""
    return {
        "industry": industry,
        "year": year,
        "summary": [
            {"total": 20, "defects": 0, "improved": 0},
            {"total": factories, "defects": 1, "improved": 1},
            {"total": 25, "defects": 0, "improved": 0},
            {"total": products, "defects": 2, "improved": 1},
        ],
    }


def audit(**changes: Any) -> dict[str, Any]:
    return fill(TRACKING, sample(TRACKING, **changes), as_of=AS_OF).record


def x14(*docs: tuple[str, dict[str, Any]], **options: Any) -> list[tuple[str, str, str]]:
    case = Case(tuple(CaseDoc(form, data) for form, data in docs))
    ctx = Context(as_of=AS_OF, case=case, options=options)
    return [(f.severity, f.path, f.form or "") for f in check_tracking_audit(case, ctx)]


def test_x14_counts_equal_to_the_summary_are_consistent() -> None:
    assert x14((TRACKING, audit()), (SUMMARY, annual(factories=6, products=12))) == []


def test_x14_more_factories_audited_than_the_body_tracked() -> None:
    found = x14((TRACKING, audit()), (SUMMARY, annual(factories=5, products=12)))
    assert found == [("error", "/factories", TRACKING)]


def test_x14_more_products_audited_than_the_body_tracked() -> None:
    found = x14((TRACKING, audit()), (SUMMARY, annual(factories=30, products=11)))
    assert found == [("error", "/products", TRACKING)]


def test_x14_reads_rows_2_and_4_of_the_summary() -> None:
    summary = annual(factories=6, products=12)
    summary["summary"][0]["total"] = 0  # row 1 (origin) and row 3 (mark use) do not count
    summary["summary"][2]["total"] = 0
    assert x14((TRACKING, audit()), (SUMMARY, summary)) == []


def test_x14_a_summary_of_another_year_is_not_compared() -> None:
    found = x14((TRACKING, audit()), (SUMMARY, annual(year=2023, factories=1, products=1)))
    assert found == [("info", "/date", TRACKING)]


def test_x14_an_roc_year_and_a_year_as_text_are_the_same_year() -> None:
    for year in (113, "113", "2024"):
        found = x14((TRACKING, audit()), (SUMMARY, annual(year=year, factories=1)))
        assert found == [("error", "/factories", TRACKING)], year


def test_x14_the_summary_of_another_industry_is_compared_only_when_asked() -> None:
    other = annual(industry="鞋類", factories=1)
    assert x14((TRACKING, audit()), (SUMMARY, other)) == [("info", "/date", TRACKING)]
    found = x14((TRACKING, audit()), (SUMMARY, other), **{"X-14": {"match_industry": False}})
    assert found == [("error", "/factories", TRACKING)]


def test_x14_an_unfilled_audit_whose_sums_differ_is_reported() -> None:
    rec = sample(TRACKING, factories=8, factories_pass=6, factories_fail=1)
    found = x14((TRACKING, rec), (SUMMARY, annual(factories=10)))
    assert found == [("error", "/factories", TRACKING)]


def test_x14_runs_in_check_over_a_case() -> None:
    docs = [{"form": TRACKING, "data": sample(TRACKING)}]
    report = check_case(docs, as_of=AS_OF)
    assert [(f.rule, f.severity) for f in report.findings] == [("X-14", "info")]


# -- MIT-R62: the fee audit only for 第三類 CBs ------------------------------------------------


def test_r62_example_1_a_fee_audit_of_a_first_category_body_is_an_error() -> None:
    report = run(FEES, sample(FEES, cb_category="cat1"))
    assert of(report, "MIT-R62") == ["/cb_category"]
    assert "附件十六 附錄二" in next(f for f in report.findings if f.rule == "MIT-R62").citation


def test_r62_a_third_category_body_is_audited() -> None:
    report = run(FEES, sample(FEES, cb_category="cat3"))
    assert of(report, "MIT-R62") == [] and of(report, "MIT-R62", "info") == []


def test_r62_without_the_category_says_what_it_could_not_check() -> None:
    report = run(FEES, sample(FEES, cb_category=None))
    assert report.errors == []
    assert of(report, "MIT-R62", "info") == ["/cb_category"]
