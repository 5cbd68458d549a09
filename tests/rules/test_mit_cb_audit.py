"""附件十六 驗證機構追蹤管理: the annual plan (MIT-R60), the certification audit 02a (MIT-R62), the
annual summary (MIT-R60, derived from the case), X-13 (audits ↔ summary) and X-22 (counts ↔
certificates). The 02b–02d tables are another family's forms: they enter as ``CaseDoc``s."""

from __future__ import annotations

import copy
import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from formkit.engine import Report, fill, validate
from formkit.rules import Case, CaseDoc, Context
from formkit.rules.mit_cb_audit import (
    AUDIT,
    CERTIFICATE,
    FEES,
    PLAN,
    SELFPRINT,
    SUMMARY,
    TRACKING,
    activity_end,
    audit_conforms,
    audits_vs_summary,
    certified_on,
    counts_vs_certificates,
    eligible,
    min_samples,
    plan_due,
    summary_due,
    summary_values,
    table_result,
)

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "samples" / "mit"
AS_OF = date(2025, 12, 31)


def sample(form: str) -> dict[str, Any]:
    name = form.split("/")[1]
    return json.loads((SAMPLES / f"{name}.json").read_text(encoding="utf-8"))


def run(form: str, rec: dict[str, Any], **options: Any) -> Report:
    return validate(form, rec, as_of=AS_OF, options=options)


def of(report: Report, rule: str, severity: str = "error") -> list[str]:
    return [f.path for f in report.findings if f.rule == rule and f.severity == severity]


def ctx(**options: Any) -> Context:
    return Context(as_of=AS_OF, options=options)


def audit(case_no: str = "TPC-A-1130215", **changes: Any) -> dict[str, Any]:
    rec = sample(AUDIT)
    rec["case_no"] = case_no
    rec.update(changes)
    return rec


def all_conform(case_no: str = "TPC-A-1130215", **changes: Any) -> dict[str, Any]:
    return audit(case_no, items=[{"result": "conform"} for _ in range(7)], **changes)


def table(form: str, r1: str, r2: str, **changes: Any) -> CaseDoc:
    data = {"cb": "財團法人臺灣產品驗證中心", "industry": "毛巾", "date": "2024-10-15",
            "r1": r1, "r2": r2, **changes}
    return CaseDoc(form, data)


# -- pure helpers -----------------------------------------------------------------------------


def test_plan_due_is_january_15_on_or_before() -> None:
    assert plan_due(2025, ctx()).last_day == date(2025, 1, 15)  # a Wednesday


def test_plan_due_moves_past_a_saturday() -> None:
    due = plan_due(2022, ctx())  # 2022-01-15 is a Saturday
    assert (due.nominal, due.last_day) == (date(2022, 1, 15), date(2022, 1, 17))
    assert plan_due(2022, ctx(rest_day_rollover=False)).last_day == date(2022, 1, 15)


def test_summary_due_is_december_15_moved_past_sunday() -> None:
    assert summary_due(2024, ctx()).last_day == date(2024, 12, 16)  # 12-15 is a Sunday
    assert summary_due(2025, ctx()).last_day == date(2025, 12, 15)  # a Monday


def test_amb18_example_started_in_october_is_not_in_the_plan() -> None:
    """MIT-R60 Ex. 1: started 2024-10-20; T1 → 2025-01-20, not before 2025-01-15."""
    assert activity_end(date(2024, 10, 20)) == date(2025, 1, 20)
    assert not eligible(date(2024, 10, 20), date(2025, 1, 15))


@pytest.mark.parametrize(("since", "ok"), [
    (date(2024, 10, 13), True),
    (date(2024, 10, 14), True),  # three months end 2025-01-14, before the plan
    (date(2024, 10, 15), False),  # end 2025-01-15, the plan's day itself: not completed
])
def test_amb18_boundary_three_months_completed_before_the_plan(since: date, ok: bool) -> None:
    assert eligible(since, date(2025, 1, 15)) is ok


def test_amb18_month_end_start() -> None:
    # started 2024-11-30: counting from 12-01, three months end 2025-02-28
    assert activity_end(date(2024, 11, 30)) == date(2025, 2, 28)
    assert eligible(date(2024, 11, 30), date(2025, 3, 1))
    assert not eligible(date(2024, 11, 30), date(2025, 2, 28))


@pytest.mark.parametrize(("certified", "ratio", "need"), [
    (36, None, 1), (36, 0.1, 4), (30, 0.1, 3), (0, 0.1, 1), (5, 0.1, 1),
])
def test_amb58_at_least_one_audit_and_the_ratio_rounds_up(
        certified: int, ratio: float | None, need: int) -> None:
    assert min_samples(certified, ratio) == need


def test_table_result() -> None:
    assert table_result(["conform", "conform"]) == "conform"
    assert table_result(["conform", "nonconform"]) == "nonconform"
    assert table_result(["other", "nonconform"]) == "nonconform"
    assert table_result(["conform", "other"]) == "other"
    assert table_result([None]) is None


def test_row_seven_options_count_as_conform_there_only() -> None:
    rec = all_conform()
    rec["items"][6] = {"result": "cat3_na"}
    assert audit_conforms(rec)
    rec["items"][6] = {"result": "not_applied"}
    assert audit_conforms(rec)
    rec["items"][0] = {"result": "not_applied"}
    assert not audit_conforms(rec)
    assert not audit_conforms(sample(AUDIT))  # row 3 不符合


# -- 附錄一 年度追蹤管理計畫 -------------------------------------------------------------------


def test_plan_sample_is_valid_and_derives_its_due_date() -> None:
    report = run(PLAN, sample(PLAN))
    assert report.errors == []
    assert report.record["due_date"] == "2025-01-15"
    assert of(report, "MIT-R60", "info") == ["/rows"]  # no ratio: only one audit is checked


def test_plan_sent_on_january_15_is_in_time() -> None:
    """MIT-R60 Ex. 2: the 2025 plan submitted 2025-01-15 → OK."""
    rec = sample(PLAN)
    rec["submitted_date"] = "2025-01-15"
    assert of(run(PLAN, rec), "MIT-R60") == []
    rec["submitted_date"] = "2025-01-16"
    assert of(run(PLAN, rec), "MIT-R60") == ["/submitted_date"]


def test_plan_due_on_a_saturday_rolls_to_monday() -> None:
    rec = sample(PLAN)
    rec["year"] = 111
    for row in rec["rows"]:
        row.pop("cb_since")
    rec["submitted_date"] = "2022-01-17"
    report = run(PLAN, rec)
    assert of(report, "MIT-R60") == []
    assert "/submitted_date" in of(report, "MIT-R60", "info")
    assert of(run(PLAN, rec, rest_day_rollover=False), "MIT-R60") == ["/submitted_date"]
    rec["submitted_date"] = "2022-01-18"
    assert of(run(PLAN, rec), "MIT-R60") == ["/submitted_date"]


def test_a_wrong_due_date_is_an_error_of_r60() -> None:
    rec = sample(PLAN)
    rec["due_date"] = "2025-01-31"
    assert of(run(PLAN, rec), "MIT-R60") == ["/due_date"]


def test_a_cb_certifying_for_less_than_three_months_is_a_warning() -> None:
    rec = sample(PLAN)
    rec["submitted_date"] = "2025-01-15"
    rec["rows"][3]["cb_since"] = "2024-10-20"
    assert of(run(PLAN, rec), "MIT-R60", "warning") == ["/rows/3/cb_since"]
    rec["rows"][3]["cb_since"] = "2024-10-14"
    assert of(run(PLAN, rec), "MIT-R60", "warning") == []


def test_every_cb_is_audited_at_least_once() -> None:
    rec = sample(PLAN)
    rec["rows"][1]["samples"] = 0
    assert of(run(PLAN, rec), "MIT-R60") == ["/rows/1/samples"]


def test_the_approved_ratio_sets_the_minimum() -> None:
    rec = sample(PLAN)  # 36 → 4, 15 → 2, 28 → 3, 12 → 2 at 10 %
    report = run(PLAN, rec, sampling_ratio=0.1)
    assert of(report, "MIT-R60") == [] and of(report, "MIT-R60", "info") == []
    rec["rows"][0]["samples"] = 3
    assert of(run(PLAN, rec, sampling_ratio=0.1), "MIT-R60") == ["/rows/0/samples"]
    assert of(run(PLAN, rec, **{"MIT-R60": {"sampling_ratio": "0.1"}}), "MIT-R60") == [
        "/rows/0/samples"]


# -- 附錄二 產品驗證執行查核表 (MIT-R62) -------------------------------------------------------


def test_audit_sample_is_valid() -> None:
    report = run(AUDIT, sample(AUDIT))
    assert report.errors == [] and of(report, "MIT-R62", "warning") == []


def test_r62_example_third_category_option_on_a_first_category_case() -> None:
    """MIT-R62 Ex. 2: 「第三類產品不適用」 ticked on a 第一類 case → E."""
    rec = sample(AUDIT)
    rec["items"][6] = {"result": "cat3_na"}
    assert of(run(AUDIT, rec), "MIT-R62") == ["/items/6/result"]
    rec["category"] = "cat3"
    assert of(run(AUDIT, rec), "MIT-R62") == []
    del rec["category"]
    report = run(AUDIT, rec)
    assert of(report, "MIT-R62") == [] and "/items/6/result" in of(report, "MIT-R62", "info")


def test_row_seven_options_on_another_row_are_errors() -> None:
    rec = sample(AUDIT)
    rec["items"][0] = {"result": "not_applied"}
    rec["items"][5] = {"result": "cat3_na"}
    assert of(run(AUDIT, rec), "MIT-R62") == ["/items/0/result", "/items/5/result"]


def test_not_applied_needs_a_case_without_a_request() -> None:
    rec = sample(AUDIT)
    rec["tag_requested"] = True
    assert of(run(AUDIT, rec), "MIT-R62") == ["/items/6/result"]
    del rec["tag_requested"]
    assert of(run(AUDIT, rec), "MIT-R62", "info") == ["/items/6/result"]


def test_a_judged_row_seven_without_a_request_is_a_warning() -> None:
    rec = sample(AUDIT)
    rec["items"][6] = {"result": "conform"}
    assert of(run(AUDIT, rec), "MIT-R62", "warning") == ["/items/6/result"]


def test_an_explanation_is_required_with_nonconform() -> None:
    rec = sample(AUDIT)
    del rec["items"][2]["note"]
    assert of(run(AUDIT, rec), "schema")


# -- 附錄三 年度追蹤管理彙整報告 ---------------------------------------------------------------


def test_summary_sample_is_valid_and_derives_the_retention() -> None:
    report = run(SUMMARY, sample(SUMMARY))
    assert report.errors == []
    assert report.record["retain_until"] == "2027-10-14"  # three years, the day counted


@pytest.mark.parametrize(("sent", "late"), [
    ("2024-12-13", False), ("2024-12-16", False),  # 12-15 is a Sunday: Monday counts
    ("2024-12-17", True),
])
def test_summary_due_by_december_15(sent: str, late: bool) -> None:
    rec = sample(SUMMARY)
    rec["submitted_date"] = sent
    assert bool(of(run(SUMMARY, rec), "MIT-R60")) is late


def test_summary_without_sending_date_and_an_audit_after_the_due_day() -> None:
    rec = sample(SUMMARY)
    del rec["submitted_date"]
    rec["date"] = "2025-12-16"
    assert of(run(SUMMARY, rec), "MIT-R60") == ["/date"]
    rec["date"] = "2025-12-15"
    assert of(run(SUMMARY, rec), "MIT-R60") == []


def test_summary_sent_before_the_audit() -> None:
    rec = sample(SUMMARY)
    rec["submitted_date"] = "2024-10-14"
    assert of(run(SUMMARY, rec), "MIT-R60") == ["/submitted_date"]


def test_summary_with_no_audit_is_an_error() -> None:
    rec = sample(SUMMARY)
    rec["sampled_cases"] = 0
    report = run(SUMMARY, rec)
    assert "/sampled_cases" in of(report, "MIT-R60")
    assert of(report, "X-13") == ["/sampled_cases"]  # 0 against the 4 rows of table 一


def test_summary_internal_consistency_under_x13() -> None:
    rec = sample(SUMMARY)
    rec["contracts_missing"] = 5
    rec["r4"] = "conform"
    assert of(run(SUMMARY, rec), "X-13") == ["/contracts_missing", "/r4"]
    rec = sample(SUMMARY)
    rec["cb_category"] = "cat3"
    assert of(run(SUMMARY, rec), "X-13") == ["/r4"]  # (四) is required of a 第三類 CB
    rec["r4"] = "conform"
    assert of(run(SUMMARY, rec), "X-13") == []


def test_missing_reason_is_required_when_contracts_are_missing() -> None:
    rec = sample(SUMMARY)
    del rec["missing_reason"]
    assert of(run(SUMMARY, rec), "schema")
    rec["contracts_missing"] = 0
    assert of(run(SUMMARY, rec), "schema") == []


# -- the summary derived from its case --------------------------------------------------------


def _case(*docs: CaseDoc) -> Case:
    return Case(tuple(docs))


def test_without_a_case_the_given_values_stand() -> None:
    report = fill(SUMMARY, sample(SUMMARY), as_of=AS_OF)
    assert report.record["sampled_cases"] == 4 and report.record["r1"] == "nonconform"


def test_without_a_case_the_derived_values_must_be_given() -> None:
    rec = sample(SUMMARY)
    del rec["cases"], rec["r3"]
    assert of(run(SUMMARY, rec), "X-13") == ["/cases", "/r3"]


def test_with_a_case_the_counts_and_results_are_derived() -> None:
    case = _case(
        CaseDoc(AUDIT, sample(AUDIT)),
        CaseDoc(AUDIT, all_conform("TPC-A-1120931", date="2024-09-02",
                                   company_name="興隆毛巾有限公司",
                                   company_code="MIT-TX-112-0388")),
        table(SELFPRINT, "conform", "other"),
        table(TRACKING, "conform", "conform"),
    )
    rec = sample(SUMMARY)
    for key in ("sampled_cases", "cases", "r1", "r1_note", "r2", "r3"):
        del rec[key]
    report = fill(SUMMARY, rec, as_of=AS_OF, case=case)
    assert report.errors == []  # the derived fields need not be given
    out = report.record
    assert out["sampled_cases"] == 2
    assert [c["case_no"] for c in out["cases"]] == ["TPC-A-1120931", "TPC-A-1130215"]  # by date
    assert out["cases"][0]["company_name"] == "興隆毛巾有限公司"
    assert out["r1"] == "nonconform"
    assert out["r1_note"].startswith(
        "TPC-A-1130215/MIT-TX-113-0457/福興紡織股份有限公司/產品檢驗測試報告：")
    assert (out["r2"], out["r3"]) == ("other", "conform")
    assert "r4" not in out
    assert of(report, "X-13") == []


def test_with_a_case_a_given_count_that_differs_is_an_x13_error() -> None:
    """X-13 Ex. 1 in small: the case holds one audit, the summary says 4."""
    report = fill(SUMMARY, sample(SUMMARY), as_of=AS_OF, case=_case(CaseDoc(AUDIT, sample(AUDIT))))
    assert "/sampled_cases" in of(report, "X-13")
    assert report.record["sampled_cases"] == 1


def test_audits_of_another_cb_industry_or_year_do_not_count() -> None:
    case = _case(
        CaseDoc(AUDIT, sample(AUDIT)),
        CaseDoc(AUDIT, all_conform("X-1", cb="財團法人中華民國紡織業拓展會")),
        CaseDoc(AUDIT, all_conform("X-2", industry="襪子")),
        CaseDoc(AUDIT, all_conform("X-3", date="2023-10-15")),
        table(SELFPRINT, "nonconform", "conform", cb="財團法人中華民國紡織業拓展會"),
    )
    values = summary_values(sample(SUMMARY), case)
    assert values["sampled_cases"] == 1 and "r2" not in values


def test_fee_table_gives_result_four() -> None:
    rec = sample(SUMMARY)
    rec.update(cb_category="cat3", r4="conform")
    values = summary_values(rec, _case(table(FEES, "conform", "nonconform")))
    assert values == {"r4": "nonconform"}


def test_r1_conform_when_every_row_conforms_or_row_seven_is_not_applicable() -> None:
    one = all_conform("A-1")
    one["items"][6] = {"result": "cat3_na"}
    values = summary_values(sample(SUMMARY), _case(CaseDoc(AUDIT, one),
                                                   CaseDoc(AUDIT, all_conform("A-2"))))
    assert values["r1"] == "conform" and values["_r1_note"] == ""


# -- X-13 over a case -------------------------------------------------------------------------


def test_x13_example_ten_audits_and_a_summary_of_nine() -> None:
    """X-13 Ex. 1: 10 cases audited, the summary says 本次抽查件數 9 → E."""
    audits = [CaseDoc(AUDIT, all_conform(f"TPC-A-11300{i:02d}")) for i in range(10)]
    rec = sample(SUMMARY)
    rec.update(sampled_cases=9, r1="conform")
    rec.pop("r1_note")
    rec["cases"] = [{"company_name": "福興紡織股份有限公司", "company_code": "MIT-TX-113-0457",
                     "case_no": f"TPC-A-11300{i:02d}"} for i in range(9)]
    found = list(audits_vs_summary(_case(*audits, CaseDoc(SUMMARY, rec)), ctx()))
    paths = sorted(f.path for f in found if f.severity == "error")
    assert paths == ["/cases", "/sampled_cases"]  # 9 ≠ 10 audits; the tenth is not listed
    assert all(f.form == SUMMARY for f in found)


def test_x13_consistent_case_has_no_finding() -> None:
    rec = sample(SUMMARY)
    rec.update(sampled_cases=1, cases=rec["cases"][:1])
    case = _case(CaseDoc(AUDIT, sample(AUDIT)), CaseDoc(SUMMARY, rec),
                 table(SELFPRINT, "conform", "conform"), table(TRACKING, "conform", "conform"))
    assert list(audits_vs_summary(case, ctx())) == []


def test_x13_results_that_disagree_with_the_tables() -> None:
    rec = sample(SUMMARY)
    rec.update(sampled_cases=1, cases=rec["cases"][:1], r1="conform")
    case = _case(CaseDoc(AUDIT, sample(AUDIT)), CaseDoc(SUMMARY, rec),
                 table(SELFPRINT, "conform", "conform"), table(TRACKING, "conform", "other"))
    found = list(audits_vs_summary(case, ctx()))
    assert sorted(f.path for f in found) == ["/r1", "/r3"]


def test_x13_a_listed_case_that_was_not_audited() -> None:
    rec = sample(SUMMARY)
    rec.update(sampled_cases=1, cases=[dict(rec["cases"][1])])
    found = list(audits_vs_summary(_case(CaseDoc(AUDIT, sample(AUDIT)), CaseDoc(SUMMARY, rec)),
                                   ctx()))
    assert sorted(f.path for f in found) == ["/cases", "/cases/0/case_no"]


# -- X-22 -------------------------------------------------------------------------------------


def _cert(cert_no: str, tax_id: str, models: int, issue: str, valid_to: str,
          **changes: Any) -> CaseDoc:
    data = copy.deepcopy(sample(CERTIFICATE))
    data.update(cert_no=cert_no, issue_date=issue, valid_to=valid_to, **changes)
    data["holder"]["tax_id"] = tax_id
    data["products"] = [{"name": "毛巾", "model": f"M-{i}", "code": f"{cert_no}-{i}",
                         "factory": "廠"} for i in range(models)]
    return CaseDoc(CERTIFICATE, data)


def test_x22_counts_certificates_valid_on_the_audit_date() -> None:
    case = _case(
        CaseDoc(CERTIFICATE, sample(CERTIFICATE)),  # 2024-07-15 … 2027-07-14, 2 models
        _cert("C-2", "04595257", 3, "2021-10-16", "2024-10-15"),  # last day is the audit day
        _cert("C-3", "22099131", 5, "2021-10-15", "2024-10-14"),  # expired the day before
        _cert("C-4", "53212539", 4, "2024-10-16", "2027-10-15"),  # issued after the audit
        _cert("C-5", "04595257", 1, "2023-01-05", "2026-01-04"),  # the same company, model M-0
        _cert("C-6", "12345675", 7, "2023-01-05", "2026-01-04", industry="襪子"),
    )
    # companies 84641177 and 04595257; models FX-3276, FX-7014, M-0, M-1, M-2
    assert certified_on(case, sample(SUMMARY), date(2024, 10, 15)) == (2, 5)


def test_x22_an_extension_keeps_a_certificate_valid() -> None:
    cert = _cert("C-2", "04595257", 3, "2021-10-01", "2024-09-30",
                 extensions=[{"applied_date": "2024-08-01", "date": "2024-09-10",
                              "new_valid_to": "2027-09-30"}])
    assert certified_on(_case(cert), sample(SUMMARY), date(2024, 10, 15)) == (1, 3)


def test_x22_different_counts_are_warnings() -> None:
    rec = sample(SUMMARY)
    case = _case(CaseDoc(SUMMARY, rec), CaseDoc(CERTIFICATE, sample(CERTIFICATE)))
    found = list(counts_vs_certificates(case, ctx()))
    assert [(f.path, f.severity) for f in found] == [
        ("/certified_companies", "warning"), ("/certified_models", "warning")]
    rec.update(certified_companies=1, certified_models=2)
    assert list(counts_vs_certificates(case, ctx())) == []
    assert list(counts_vs_certificates(_case(CaseDoc(SUMMARY, rec)), ctx())) == []


# -- the example case files -------------------------------------------------------------------


def test_x22_case_files() -> None:
    from formkit.case import check_case

    folder = ROOT / "tests" / "cases" / "_case"
    for name, warned in (("x22_counts_agree.json", False), ("x22_counts_lag.json", True)):
        doc = json.loads((folder / name).read_text(encoding="utf-8"))
        report = check_case(doc["documents"], as_of=date.fromisoformat(doc["as_of"]))
        got = [f.path for f in report.findings if f.rule == "X-22" and f.severity == "warning"]
        assert bool(got) is warned, name
