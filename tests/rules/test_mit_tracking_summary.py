"""附件十五 附錄六 annual summaries: counts derived from the year's reports (X-10, X-11) and
the due date and retention (MIT-R57).

The reports (附錄二 02a/02b, 附錄四, the plan of 附錄一) are forms other helpers build; these
tests build their records as the keys are agreed and hand them over as a ``Case``.
"""

from __future__ import annotations

import copy
import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

import formkit
from formkit.cli import main
from formkit.engine import validate
from formkit.rules import Case, CaseDoc, Context, all_rules
from formkit.rules.mit_tracking_summary import (
    PLAN,
    PRODUCT_REPORT,
    QMS_REPORT,
    REGULAR,
    UNSCHEDULED,
    UNSCHEDULED_REPORT,
    Scope,
    check_regular,
    check_unscheduled,
    due_day,
    qms_failed,
    regular,
    retained_until,
    roc_year,
    unscheduled,
)

ROOT = Path(__file__).resolve().parents[2]
AS_OF = date(2024, 12, 20)


def _sample(form: str) -> dict[str, Any]:
    path = ROOT / "samples" / f"{form}.json"
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def qms(company: str, day: str, *, fail: bool = False, code: str = "",
        industry: str = "紡織", **extra: Any) -> dict[str, Any]:
    rows = {k: {"result": "pass"} for k in
            ("equipment", "materials", "process", "personnel", "testing", "customer")}
    if fail:
        rows["testing"] = {"result": "fail", "note": "未保存進料檢驗紀錄"}
    rec: dict[str, Any] = {"industry": industry, "company": company, "inspected_at": day,
                           "basis": "mit_assessment", "mit_qms": rows, **extra}
    if code:
        rec["company_code"] = code
    return rec


def product(company: str, code: str, name: str, pcode: str, day: str, *,
            r1: str = "pass", r2: str = "pass", r1_follow: str | None = None,
            r2_follow: str | None = None) -> dict[str, Any]:
    def check(result: str, follow: str | None) -> dict[str, Any]:
        out: dict[str, Any] = {"result": result}
        if follow:
            out["follow_up"] = follow
        return out

    return {"company": {"name": company, "code": code},
            "product": {"name": name, "code": pcode, "model": "A1"},
            "inspected_at": day, "r1": check(r1, r1_follow), "r2": check(r2, r2_follow)}


def unsched(company: str, day: str, kind: str, result: str = "pass",
            follow: str | None = None, **extra: Any) -> dict[str, Any]:
    rec: dict[str, Any] = {"inspectee": company, "inspected_date": day, "case": kind, **extra}
    if kind == "quality":
        rec["a"] = {"industry": "紡織", "result": result}
    elif kind == "origin":
        rec["b"] = {"result": result}
    else:
        rec["c" if kind == "misuse" else "d"] = {"promo": "na", "product": result}
    if follow:
        rec["follow_up"] = follow
    return rec


def case(*docs: tuple[str, dict[str, Any]]) -> Case:
    return Case(tuple(CaseDoc(form, data) for form, data in docs))


def sample_reports() -> Case:
    """The regular reports behind the 06a sample (its rows and rows 2–4 of 參)."""
    return case(
        (QMS_REPORT, qms("福興紡織股份有限公司", "2024-03-12", code="T0457")),
        (QMS_REPORT, qms("宏昌織造有限公司", "2024-05-21", code="T0512")),
        (QMS_REPORT, qms("永豐襪業股份有限公司", "2024-08-07", code="T0388", fail=True,
                         follow_up="improved")),
        (PRODUCT_REPORT, product("福興紡織股份有限公司", "T0457", "機能性排汗衫", "TX0457-01",
                                 "2024-03-12")),
        (PRODUCT_REPORT, product("福興紡織股份有限公司", "T0457", "吸濕排汗運動褲",
                                 "TX0457-02", "2024-03-12")),
        (PRODUCT_REPORT, product("宏昌織造有限公司", "T0512", "羊毛混紡圍巾", "TX0512-01",
                                 "2024-05-21", r2="fail", r2_follow="improved")),
        (PRODUCT_REPORT, product("永豐襪業股份有限公司", "T0388", "抗菌除臭運動襪",
                                 "TX0388-03", "2024-08-08")),
    )


def errors(findings: Any, rule: str | None = None) -> list[Any]:
    return [f for f in findings if f.is_error and (rule is None or f.rule == rule)]


# -- the registry -------------------------------------------------------------------------


def test_rules_are_registered_with_their_citations() -> None:
    rules = all_rules()
    assert REGULAR in rules["MIT-R57"].forms and UNSCHEDULED in rules["MIT-R57"].forms
    assert rules["X-10"].kind == "case" and REGULAR in rules["X-10"].forms
    assert rules["X-11"].kind == "case" and UNSCHEDULED in rules["X-11"].forms
    assert "附件十五 四" in rules["MIT-R57"].citation


# -- small pieces -------------------------------------------------------------------------


@pytest.mark.parametrize(("given", "roc"), [(113, 113), (2024, 113), (0, None), (True, None)])
def test_roc_year(given: Any, roc: int | None) -> None:
    assert roc_year(given) == roc


def test_scope_holds_the_year_and_the_industry() -> None:
    scope = Scope(113, "紡織")
    assert scope.holds(date(2024, 1, 1), "紡織產業")
    assert scope.holds(date(2024, 12, 31))
    assert not scope.holds(date(2023, 12, 31))
    assert not scope.holds(date(2025, 1, 1))
    assert not scope.holds(None)
    assert not scope.holds(date(2024, 5, 1), "食品")


def test_a_qms_report_fails_on_its_certificate_or_any_row() -> None:
    assert not qms_failed(qms("甲", "2024-01-05"))
    assert qms_failed(qms("甲", "2024-01-05", fail=True))
    assert qms_failed({"basis": "announced_cert", "qms_cert": {"result": "fail"}})
    assert not qms_failed({"basis": "announced_cert", "qms_cert": {"result": "pass"}})


# -- MIT-R57 ------------------------------------------------------------------------------


def test_r57_example_1_due_december_15_rolled_to_monday() -> None:
    # 2024-12-15 is a Sunday: nominal 12-15, with T10 the 16th
    assert due_day(113, Context(as_of=AS_OF)) == date(2024, 12, 16)
    assert due_day(2024, Context(as_of=AS_OF)) == date(2024, 12, 16)
    off = Context(as_of=AS_OF, options={"rest_day_rollover": False})
    assert due_day(113, off) == date(2024, 12, 15)
    # 2025-12-15 is a Monday: no roll-over
    assert due_day(114, Context(as_of=AS_OF)) == date(2025, 12, 15)


def test_r57_example_2_kept_three_years_start_day_included() -> None:
    assert retained_until(date(2024, 6, 20)) == date(2027, 6, 19)
    assert retained_until(date(2024, 2, 29)) == date(2027, 2, 28)
    assert retained_until(date(2024, 1, 1)) == date(2026, 12, 31)


@pytest.mark.parametrize(("filed", "late"), [
    ("2024-12-15", False),  # the day itself (on or before, AMB-06)
    ("2024-12-16", False),  # the Monday after a Sunday 15th (T10)
    ("2024-12-17", True),
])
@pytest.mark.parametrize("form", [REGULAR, UNSCHEDULED])
def test_r57_filed_by_the_due_date(form: str, filed: str, late: bool) -> None:
    record = _sample(form) | {"submitted_date": filed}
    report = validate(form, record, as_of=AS_OF)
    assert bool(errors(report.findings, "MIT-R57")) is late
    assert report.record["due_date"] == "2024-12-16"


def test_r57_without_rollover_the_16th_is_late() -> None:
    record = _sample(REGULAR) | {"submitted_date": "2024-12-16"}
    report = validate(REGULAR, record, as_of=AS_OF, options={"rest_day_rollover": False})
    assert errors(report.findings, "MIT-R57")


def test_r57_filed_before_its_year_began() -> None:
    record = _sample(UNSCHEDULED) | {"submitted_date": "2023-12-31"}
    assert errors(validate(UNSCHEDULED, record, as_of=AS_OF).findings, "MIT-R57")


def test_r57_retention_is_derived_from_the_filing_date() -> None:
    report = formkit.fill(REGULAR, _sample(REGULAR), as_of=AS_OF)
    assert report.record["retain_until"] == "2027-12-09"


def test_r57_defects_need_the_note() -> None:
    record = _sample(REGULAR)
    record.pop("defect_notes")
    assert errors(validate(REGULAR, record, as_of=AS_OF).findings, "MIT-R57")
    for row in record["summary"]:
        row.update(defects=0, improved=0)
    assert not errors(validate(REGULAR, record, as_of=AS_OF).findings)


# -- 06a derived from the case (X-10) -----------------------------------------------------


def test_the_sample_is_what_its_reports_count() -> None:
    report = formkit.fill(REGULAR, _sample(REGULAR), as_of=AS_OF, case=sample_reports())
    assert not report.errors, [f.as_dict("en") for f in report.errors]


def test_fill_computes_rows_and_counts_from_the_case() -> None:
    record = _sample(REGULAR)
    for key in ("rows", "summary"):
        record.pop(key)
    record.pop("origin_checks")
    filled = formkit.fill(REGULAR, record, as_of=AS_OF, case=sample_reports()).record
    assert filled["summary"] == [
        {"total": 0, "defects": 0, "improved": 0},
        {"total": 3, "defects": 1, "improved": 1},
        {"total": 4, "defects": 0, "improved": 0},
        {"total": 4, "defects": 1, "improved": 1},
    ]
    assert [(r["company"], r.get("product_code"), r["inspected_at"]) for r in filled["rows"]] == [
        ("福興紡織股份有限公司", "TX0457-01", "2024-03-12"),
        ("福興紡織股份有限公司", "TX0457-02", "2024-03-12"),
        ("宏昌織造有限公司", "TX0512-01", "2024-05-21"),
        # the factory visit of the 7th has no product report that day: a row of its own
        ("永豐襪業股份有限公司", None, "2024-08-07"),
        ("永豐襪業股份有限公司", "TX0388-03", "2024-08-08"),
    ]


def test_x10_example_1_three_failing_products_two_improved() -> None:
    reports = case(*[
        (PRODUCT_REPORT, product("甲公司", "T1", "品", f"P{i}", "2024-04-01",
                                 r2="fail" if i < 3 else "pass",
                                 r2_follow="improved" if i < 2 else None))
        for i in range(5)
    ])
    found = regular(reports, Scope(113, "紡織"))
    assert found.counts[3] == {"total": 5, "defects": 3, "improved": 2}


def test_a_given_count_that_differs_is_an_error_of_x10() -> None:
    record = _sample(REGULAR)
    record["summary"][3]["defects"] = 2
    report = formkit.fill(REGULAR, record, as_of=AS_OF, case=sample_reports())
    bad = errors(report.findings, "X-10")
    assert [f.path for f in bad] == ["/summary/3/defects"]
    assert report.record["summary"][3]["defects"] == 1


def test_without_a_case_the_given_counts_stand() -> None:
    record = _sample(REGULAR)
    record["summary"][3]["total"] = 40
    report = formkit.fill(REGULAR, record, as_of=AS_OF)
    assert report.record["summary"][3]["total"] == 40
    assert not errors(report.findings, "X-10")


def test_reports_of_another_year_or_industry_are_not_counted() -> None:
    reports = case(
        (QMS_REPORT, qms("甲", "2024-02-01")),
        (QMS_REPORT, qms("乙", "2023-12-28")),
        (QMS_REPORT, qms("丙", "2024-03-01", industry="食品")),
        (PRODUCT_REPORT, product("丁", "T4", "品", "P4", "2025-01-02")),
    )
    found = regular(reports, Scope(113, "紡織"))
    assert found.counts[1]["total"] == 1 and found.counts[3]["total"] == 0
    assert [r["company"] for r in found.rows] == ["甲"]


def test_row_2_improved_stays_as_given_when_no_qms_report_records_a_follow_up() -> None:
    record = _sample(REGULAR)
    reports = case(*[(d.form, d.data) for d in sample_reports().docs if d.form != QMS_REPORT],
                   (QMS_REPORT, qms("福興紡織股份有限公司", "2024-03-12", code="T0457")),
                   (QMS_REPORT, qms("宏昌織造有限公司", "2024-05-21", code="T0512")),
                   (QMS_REPORT, qms("永豐襪業股份有限公司", "2024-08-07", code="T0388",
                                    fail=True)))
    report = formkit.fill(REGULAR, record, as_of=AS_OF, case=reports)
    assert report.record["summary"][1] == {"total": 3, "defects": 1, "improved": 1}
    assert not report.errors


def test_origin_row_counts_the_origin_records_even_without_a_case() -> None:
    record = _sample(REGULAR)
    record["origin_checks"][0]["result"] = "fail"
    report = formkit.fill(REGULAR, record, as_of=AS_OF)
    assert report.record["summary"][0] == {"total": 3, "defects": 1, "improved": 0}
    assert [f.path for f in errors(report.findings, "X-10")] == ["/summary/0/defects"]


def test_an_empty_case_counts_zero() -> None:
    record = _sample(REGULAR)
    for key in ("rows", "summary", "defect_notes"):
        record.pop(key)
    filled = formkit.fill(REGULAR, record, as_of=AS_OF, case=Case(())).record
    assert filled["rows"] == []
    assert [r["total"] for r in filled["summary"]] == [3, 0, 0, 0]  # row 1: origin records


def test_cli_fill_with_an_empty_case_file(tmp_path: Path) -> None:
    record = _sample(REGULAR)
    for key in ("rows", "summary", "defect_notes", "origin_checks"):
        record.pop(key)
    data, case_file, out = tmp_path / "d.json", tmp_path / "case.json", tmp_path / "out.json"
    data.write_text(json.dumps(record, ensure_ascii=False), "utf-8")
    case_file.write_text(json.dumps({"documents": []}), "utf-8")
    result = CliRunner().invoke(main, ["fill", REGULAR, str(data), "--case", str(case_file),
                                       "-o", str(out), "--as-of", "2024-12-20"],
                                catch_exceptions=False)
    assert result.exit_code == 0, result.output
    filled = json.loads(out.read_text("utf-8"))
    filled = filled.get("data", filled)
    assert filled["rows"] == []
    assert filled["summary"] == [{"total": 0, "defects": 0, "improved": 0}] * 4


def test_cli_fill_with_an_empty_case_refuses_counts_that_the_case_does_not_hold(
        tmp_path: Path) -> None:
    data, case_file, out = tmp_path / "d.json", tmp_path / "case.json", tmp_path / "out.json"
    data.write_text(json.dumps(_sample(REGULAR), ensure_ascii=False), "utf-8")
    case_file.write_text(json.dumps({"documents": []}), "utf-8")
    result = CliRunner().invoke(main, ["fill", REGULAR, str(data), "--case", str(case_file),
                                       "-o", str(out), "--as-of", "2024-12-20",
                                       "--format", "json"], catch_exceptions=False)
    assert result.exit_code == 1
    assert "X-10" in result.output


# -- X-10 over a case ---------------------------------------------------------------------


def _x10(*docs: tuple[str, dict[str, Any]], as_of: date = AS_OF) -> list[Any]:
    return list(check_regular(case(*docs), Context(as_of=as_of)))


def test_x10_consistent_with_the_reports() -> None:
    found = list(check_regular(Case((CaseDoc(REGULAR, _sample(REGULAR)),
                                     *sample_reports().docs)), Context(as_of=AS_OF)))
    assert not [f for f in found if f.severity != "info"], found


def test_x10_reports_each_count_and_row_that_differs() -> None:
    summary = _sample(REGULAR)
    summary["summary"][1]["total"] = 4
    summary["rows"] = summary["rows"][:-1]
    found = list(check_regular(Case((CaseDoc(REGULAR, summary), *sample_reports().docs)),
                               Context(as_of=AS_OF)))
    assert sorted(f.path for f in errors(found)) == ["/rows", "/summary/1/total"]


def test_x10_example_2_improved_above_defects() -> None:
    summary = _sample(REGULAR)
    summary["summary"][3] = {"total": 4, "defects": 3, "improved": 4}
    found = errors(_x10((REGULAR, summary)))
    assert [f.path for f in found] == ["/summary/3/improved"]
    summary["summary"][3] = {"total": 4, "defects": 3, "improved": 3}  # boundary: equal is fine
    assert not errors(_x10((REGULAR, summary)))


def test_x10_defects_above_total() -> None:
    summary = _sample(REGULAR)
    summary["summary"][2] = {"total": 4, "defects": 5, "improved": 0}
    assert [f.path for f in errors(_x10((REGULAR, summary)))] == ["/summary/2/defects"]


def test_x10_origin_count_without_origin_records_warns() -> None:
    summary = _sample(REGULAR)
    summary.pop("origin_checks")
    found = _x10((REGULAR, summary))
    assert [f.severity for f in found if f.path == "/summary/0/total"] == ["warning"]
    summary["summary"][0] = {"total": 0, "defects": 0, "improved": 0}
    assert not [f for f in _x10((REGULAR, summary)) if f.path == "/summary/0/total"]


def test_x10_without_reports_says_it_could_not_compare() -> None:
    found = _x10((REGULAR, _sample(REGULAR)))
    assert [f.severity for f in found] == ["info"]


def test_x10_planned_factory_and_product_need_reports_once_the_year_is_over() -> None:
    plan = {"year": 113, "industry": "紡織",
            "targets": {"companies": [{"name": "福興紡織股份有限公司", "code": "T0457"},
                                      {"name": "新光紡織股份有限公司", "code": "T0600"}],
                        "products": [{"company": "福興紡織股份有限公司", "code": "TX0457-01"},
                                     {"company": "新光紡織股份有限公司", "code": "TX0600-01"}]}}
    reports = sample_reports().docs
    during = list(check_regular(Case((CaseDoc(PLAN, plan), *reports)),
                                Context(as_of=date(2024, 12, 31))))
    assert not errors(during)  # the year is not over and no summary closes it
    after = errors(check_regular(Case((CaseDoc(PLAN, plan), *reports)),
                                 Context(as_of=date(2025, 1, 1))))
    assert sorted(f.path for f in after) == ["/targets/companies/1", "/targets/products/1"]
    closed = errors(check_regular(Case((CaseDoc(PLAN, plan), CaseDoc(REGULAR, _sample(REGULAR)),
                                        *reports)), Context(as_of=date(2024, 12, 20))))
    assert len(closed) == 2 and {f.form for f in closed} == {PLAN}


# -- 06b (X-11) ---------------------------------------------------------------------------


def example_1_reports() -> list[CaseDoc]:
    """X-11 ex. 1: 5 案由 A reports, 3 合格, 2 不合格 of which 1 improved."""
    results = [("pass", None), ("pass", None), ("pass", None), ("fail", "improved"),
               ("fail", None)]
    return [CaseDoc(UNSCHEDULED_REPORT,
                    unsched(f"業者{i}", f"2024-0{i + 1}-10", "quality", result, follow))
            for i, (result, follow) in enumerate(results)]


def test_x11_example_1_row_1() -> None:
    found = unscheduled(Case(tuple(example_1_reports())), Scope(113, "紡織"))
    assert found.counts["q"] == {"sampled": 5, "pass": 3, "fail": 2, "improved": 1,
                                 "not_improved": 1, "revoked": 0}


def test_x11_rows_2_and_3_and_case_d() -> None:
    reports = case(
        (UNSCHEDULED_REPORT, unsched("甲", "2024-03-01", "origin", "fail", "revoked")),
        (UNSCHEDULED_REPORT, unsched("乙", "2024-03-02", "origin", "pass")),
        (UNSCHEDULED_REPORT, unsched("丙", "2024-04-01", "misuse", "fail", "referred")),
        (UNSCHEDULED_REPORT, unsched("丁", "2024-04-02", "misuse", "fail", "improved")),
        (UNSCHEDULED_REPORT, unsched("戊", "2024-04-03", "misuse", "other")),
        (UNSCHEDULED_REPORT, unsched("己", "2024-05-01", "revocation", "pass")),
        (UNSCHEDULED_REPORT, unsched("庚", "2023-05-01", "misuse", "fail")),  # another year
    )
    found = unscheduled(reports, Scope(113, "紡織"))
    assert found.counts["o"] == {"audited": 2, "pass": 1, "fail": 1, "improved": 0,
                                 "not_improved": 0, "revoked": 1}
    assert found.counts["m"] == {"found": 3, "pass": 0, "fail": 2, "improved": 1,
                                 "not_improved": 1, "referred": 1}
    assert found.revocations == 1 and found.others["m"] == 1
    assert [r["case"] for r in found.rows] == ["origin", "origin", "misuse", "misuse", "misuse",
                                               "revocation"]


def test_fill_06b_from_the_case_and_company_codes_from_the_regular_reports() -> None:
    record = _sample(UNSCHEDULED)
    for key in ("rows", "q", "o", "m"):
        record.pop(key)
    docs = (*example_1_reports(),
            CaseDoc(QMS_REPORT, qms("業者0", "2024-01-05", code="T0001")))
    filled = formkit.fill(UNSCHEDULED, record, as_of=AS_OF, case=Case(docs)).record
    assert filled["q"]["sampled"] == 5 and filled["m"]["found"] == 0
    assert filled["rows"][0] == {"company": "業者0", "company_code": "T0001", "case": "quality",
                                 "item": "抽驗產品", "inspected_at": "2024-01-10"}


def test_06b_given_counts_that_differ_are_errors_of_x11() -> None:
    report = formkit.fill(UNSCHEDULED, _sample(UNSCHEDULED), as_of=AS_OF,
                          case=Case(tuple(example_1_reports())))
    paths = {f.path for f in errors(report.findings, "X-11")}
    assert "/q/sampled" in paths and "/m/found" in paths


def _x11(summary: dict[str, Any], *docs: CaseDoc) -> list[Any]:
    return list(check_unscheduled(Case((CaseDoc(UNSCHEDULED, summary), *docs)),
                                  Context(as_of=AS_OF)))


def test_x11_consistent_with_the_reports() -> None:
    summary = _sample(UNSCHEDULED)
    filled = formkit.fill(UNSCHEDULED, {k: v for k, v in summary.items()
                                        if k not in ("rows", "q", "o", "m")},
                          as_of=AS_OF, case=Case(tuple(example_1_reports()))).record
    assert not [f for f in _x11(filled, *example_1_reports()) if f.severity != "info"]


def test_x11_internal_sums() -> None:
    summary = copy.deepcopy(_sample(UNSCHEDULED))
    assert not errors(_x11(summary))
    summary["q"] = {"sampled": 2, "pass": 2, "fail": 1, "improved": 0, "not_improved": 1,
                    "revoked": 0}
    assert [f.path for f in errors(_x11(summary))] == ["/q/fail"]
    summary["q"] = {"sampled": 3, "pass": 1, "fail": 1, "improved": 1, "not_improved": 0,
                    "revoked": 0}
    assert [f.severity for f in _x11(summary) if f.path == "/q/pass"] == ["warning"]
    summary["q"] = {"sampled": 2, "pass": 1, "fail": 1, "improved": 1, "not_improved": 0,
                    "revoked": 1}
    assert [f.path for f in errors(_x11(summary))] == ["/q/improved"]
    summary = copy.deepcopy(_sample(UNSCHEDULED))
    summary["m"]["referred"] = 2  # 移送檢警 2 > 不合格 1
    assert [f.path for f in errors(_x11(summary))] == ["/m/referred"]
    summary["m"]["referred"] = 1  # boundary: equal is fine
    assert not errors(_x11(summary))


def test_x11_case_d_reports_are_named_in_an_info() -> None:
    summary = _sample(UNSCHEDULED)
    doc = CaseDoc(UNSCHEDULED_REPORT, unsched("己", "2024-05-01", "revocation", "pass"))
    infos = [f for f in _x11(summary, doc) if f.severity == "info"]
    assert any(f.params.get("n") == "1" for f in infos)
