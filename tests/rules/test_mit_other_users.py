"""附件十七 other mark users: MIT-R63 (plan, reports, summary), MIT-R64 (the report's grading and
the 申訴) and X-15 (reports ↔ plan ↔ summary)."""

from __future__ import annotations

import copy
import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest

import formkit
from formkit.engine import Report, fill, validate
from formkit.rules import Case, CaseDoc, Context
from formkit.rules.mit_other_users import x15

ROOT = Path(__file__).resolve().parents[2]
PLAN = "mit/annex-17-app-01-annual-plan-other-users"
REPORT = "mit/annex-17-app-02-other-user-report"
SUMMARY = "mit/annex-17-app-03-annual-summary-other-users"
APPEAL = "mit/annex-17-appeal"
LICENSE = "mit/license-agreement"
AS_OF = date(2025, 6, 1)


def sample(form: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(
        (ROOT / "samples" / f"{form}.json").read_text(encoding="utf-8"))
    return data


def make(form: str, **changes: Any) -> dict[str, Any]:
    rec = copy.deepcopy(sample(form))
    for key, value in changes.items():
        node = rec
        parts = key.split("__")
        for part in parts[:-1]:
            node = node[int(part)] if isinstance(node, list) else node.setdefault(part, {})
        last = parts[-1]
        if value is None:
            node.pop(last, None)
        elif isinstance(node, list):
            node[int(last)] = value
        else:
            node[last] = value
    return rec


def found(report: Report, rule: str, severity: str = "error") -> list[Any]:
    return [f for f in report.findings if f.rule == rule and f.severity == severity]


def check(form: str, rec: dict[str, Any], **options: Any) -> Report:
    return validate(form, rec, as_of=AS_OF, options=options)


@pytest.mark.parametrize("form", [PLAN, REPORT, SUMMARY, APPEAL])
def test_samples_are_valid(form: str) -> None:
    report = check(form, sample(form))
    assert report.valid, [f.message for f in report.errors]


# -- MIT-R63 on the plan -------------------------------------------------------------------


def test_plan_on_the_fifteenth_is_in_time() -> None:
    assert not found(check(PLAN, make(PLAN, submitted_date="2024-01-15")), "MIT-R63")


def test_plan_on_the_sixteenth_is_late() -> None:
    (f,) = found(check(PLAN, make(PLAN, submitted_date="2024-01-16")), "MIT-R63")
    assert f.path == "/submitted_date" and f.expected == "<= 2024-01-15"


def test_plan_due_on_a_sunday_moves_to_monday() -> None:
    # 2023-01-15 is a Sunday: T10 moves the last day to Monday 01-16
    rec = make(PLAN, year=112, submitted_date="2023-01-16")
    report = check(PLAN, rec)
    assert not found(report, "MIT-R63")
    assert found(report, "MIT-R63", "info")
    late = check(PLAN, make(PLAN, year=112, submitted_date="2023-01-17"))
    assert found(late, "MIT-R63")
    strict = check(PLAN, rec, rest_day_rollover=False)
    assert found(strict, "MIT-R63")


def test_plan_sent_the_year_before_is_in_time() -> None:
    assert not found(check(PLAN, make(PLAN, submitted_date="2023-12-20")), "MIT-R63")


def test_checked_sites_may_equal_but_not_exceed_the_sites() -> None:
    assert not found(check(PLAN, make(PLAN, rows__2__checked_sites_1=4)), "MIT-R63")
    (f,) = found(check(PLAN, make(PLAN, rows__2__checked_sites_1=5)), "MIT-R63")
    assert f.path == "/rows/2/checked_sites_1"
    (g,) = found(check(PLAN, make(PLAN, rows__0__checked_sites_2=13)), "MIT-R63")
    assert g.path == "/rows/0/checked_sites_2"


def test_every_user_is_audited_at_least_once() -> None:
    rec = make(PLAN, rows__2__checked_sites_1=0, rows__2__checked_sites_2=0)
    (f,) = found(check(PLAN, rec), "MIT-R63")
    assert f.path == "/rows/2/checked_sites_1"
    # AMB-19 (b): only a sample of users
    assert not found(check(PLAN, rec, **{"MIT-R63": {"reading": "b"}}), "MIT-R63")


def test_a_user_planned_twice() -> None:
    rec = make(PLAN)
    rec["rows"].append(dict(rec["rows"][0]))
    (f,) = found(check(PLAN, rec), "MIT-R63")
    assert f.path == "/rows/3/company"


def test_an_expired_authorisation_is_a_warning() -> None:
    rec = make(PLAN, rows__1__license_term="2023-12-31")
    (f,) = found(check(PLAN, rec), "MIT-R63", "warning")
    assert f.path == "/rows/1/license_term"
    assert not found(check(PLAN, make(PLAN, rows__1__license_term="2024-01-01")), "MIT-R63",
                     "warning")


# -- MIT-R63 on the report -----------------------------------------------------------------


def test_a_nonconformity_needs_its_explanation() -> None:
    rec = make(REPORT, store_checks__1={"result": "nonconform"})
    (f,) = found(check(REPORT, rec), "MIT-R63")
    assert f.path == "/store_checks/1/note"
    rec = make(REPORT, store_checks__0={"result": "other", "note": " "})
    assert [f.path for f in found(check(REPORT, rec), "MIT-R63")] == ["/store_checks/0/note"]
    rec = make(REPORT, products__1__note=None)
    assert [f.path for f in found(check(REPORT, rec), "MIT-R63")] == ["/products/1/note"]


def test_a_conforming_product_gives_industry_and_mark_number() -> None:
    rec = make(REPORT, products__0__mark_no=None)
    (f,) = found(check(REPORT, rec), "MIT-R63", "warning")
    assert f.path == "/products/0/mark_no"


def test_an_unscheduled_audit_follows_its_complaint() -> None:
    rec = make(REPORT, audit_type="irregular", complaint_date="2024-05-15")
    (f,) = found(check(REPORT, rec), "MIT-R63")
    assert f.path == "/date"
    same_day = make(REPORT, audit_type="irregular", complaint_date="2024-05-14")
    assert not found(check(REPORT, same_day), "MIT-R63")
    missing = make(REPORT, audit_type="irregular")
    assert [f.path for f in found(check(REPORT, missing), "MIT-R63", "warning")] == [
        "/complaint_date"]


def test_the_report_says_what_it_cannot_check() -> None:
    infos = found(check(REPORT, sample(REPORT)), "MIT-R63", "info")
    assert any("secretariat" in f.text("en") for f in infos)


# -- MIT-R64 on the report -----------------------------------------------------------------


def test_objection_deadline_is_derived() -> None:
    # Part B MIT-R64 ex. 1: notice 2024-09-16 → by 2024-10-16
    rec = make(REPORT, deficiency__notice_date="2024-09-16", date="2024-09-05")
    filled = fill(REPORT, rec, as_of=AS_OF).record
    assert filled["deficiency"]["objection_deadline"] == "2024-10-16"


def test_objection_deadline_rolls_past_a_weekend() -> None:
    # 2024-12-20 + 30 days = 2025-01-19, a Sunday → Monday 01-20
    rec = make(REPORT, deficiency__notice_date="2024-12-20", date="2024-12-10")
    report = check(REPORT, rec)
    assert report.record["deficiency"]["objection_deadline"] == "2025-01-20"
    assert found(report, "MIT-R64", "info")
    strict = fill(REPORT, rec, as_of=AS_OF, options={"rest_day_rollover": False}).record
    assert strict["deficiency"]["objection_deadline"] == "2025-01-19"


def test_a_given_deadline_that_differs_is_an_error() -> None:
    rec = make(REPORT, deficiency__objection_deadline="2024-06-30")
    (f,) = found(check(REPORT, rec), "MIT-R64")
    assert f.path == "/deficiency/objection_deadline" and f.expected == "2024-06-20"


def test_imitation_products_are_major_at_once() -> None:
    # Part B MIT-R64 ex. 2: item 3 → 重大 without an improvement step
    report = check(REPORT, sample(REPORT))
    assert not found(report, "MIT-R64")
    assert any(f.path == "/deficiency/item" for f in found(report, "MIT-R64", "info"))


@pytest.mark.parametrize("item", ["i1", "i2", "i4"])
def test_other_major_items_need_an_unheeded_notice(item: str) -> None:
    rec = make(REPORT, deficiency__item=item)
    (f,) = found(check(REPORT, rec), "MIT-R64")
    assert f.path == "/deficiency/improvement_notified"
    ok = make(REPORT, deficiency__item=item, deficiency__improvement_notified=True)
    assert not found(check(REPORT, ok), "MIT-R64")


def test_grading_against_the_results() -> None:
    conforming = make(REPORT, store_checks__1={"result": "conform"},
                      products__1={"name": "竹筷", "maker": "竹山林業股份有限公司",
                                   "photo": "照片3", "result": "conform", "industry": "竹木製品",
                                   "mark_no": "MIT-WD-111-0088-02"})
    (f,) = found(check(REPORT, conforming), "MIT-R64")
    assert f.path == "/deficiency/grade"
    conforming.pop("deficiency")
    assert not found(check(REPORT, conforming), "MIT-R64")
    ungraded = make(REPORT, deficiency=None)
    (w,) = found(check(REPORT, ungraded), "MIT-R64", "warning")
    assert w.path == "/deficiency/grade" and w.params["n"] == 2


def test_a_minor_grade_with_a_major_item() -> None:
    rec = make(REPORT, deficiency__grade="minor_deficiency")
    (f,) = found(check(REPORT, rec), "MIT-R64")
    assert f.path == "/deficiency/item"


def test_a_major_grade_names_its_item() -> None:
    rec = make(REPORT, deficiency__item=None)
    (f,) = found(check(REPORT, rec), "MIT-R64")
    assert f.path == "/deficiency/item"


def test_the_notice_follows_the_audit() -> None:
    (f,) = found(check(REPORT, make(REPORT, deficiency__notice_date="2024-05-13")), "MIT-R64")
    assert f.path == "/deficiency/notice_date"
    assert not found(check(REPORT, make(REPORT, deficiency__notice_date="2024-05-14")),
                     "MIT-R64")


# -- MIT-R63 and X-15 on the summary -------------------------------------------------------


def test_summary_counts_are_derived_from_its_rows() -> None:
    rec = make(SUMMARY, checked_products=None, checked_sites=None, total=None)
    for row in rec["rows"]:
        row.pop("count")
    filled = fill(SUMMARY, rec, as_of=AS_OF).record
    assert [r["count"] for r in filled["rows"]] == [2, 3, 4]
    assert filled["total"] == {"count": 9, "conform": 8, "nonconform": 1}
    assert filled["checked_products"] == 9 and filled["checked_sites"] == 3


def test_a_row_whose_count_is_not_conform_plus_nonconform() -> None:
    rec = make(SUMMARY, rows__0__count=5)
    (f,) = found(check(SUMMARY, rec), "X-15")
    assert f.path == "/rows/0/count" and f.expected == 2


def test_summary_due_on_15_december_rolled_past_sunday() -> None:
    # MIT-R57 ex. 1 reads the same for 附件十七: 2024-12-15 is a Sunday → 2024-12-16
    assert not found(check(SUMMARY, make(SUMMARY, submitted_date="2024-12-16")), "MIT-R63")
    (f,) = found(check(SUMMARY, make(SUMMARY, submitted_date="2024-12-17")), "MIT-R63")
    assert f.expected == "<= 2024-12-16"
    strict = check(SUMMARY, make(SUMMARY, submitted_date="2024-12-16"), rest_day_rollover=False)
    assert found(strict, "MIT-R63")


def test_summary_stores_at_most_the_sites() -> None:
    assert not found(check(SUMMARY, make(SUMMARY, sites=3)), "MIT-R63")
    (f,) = found(check(SUMMARY, make(SUMMARY, sites=2)), "MIT-R63")
    assert f.path == "/checked_sites"


def _report(store: str, products: int, nonconform: int = 0, day: str = "2024-05-14",
            company: str = "好鄰居百貨股份有限公司") -> dict[str, Any]:
    rec = sample(REPORT)
    rec.pop("deficiency")
    rec.update(store=store, date=day, inspectee=company,
               store_checks=[{"result": "conform"}] * 3)
    rec["products"] = [
        {"name": f"產品{i + 1}", "maker": "福興紡織股份有限公司", "photo": f"照片{i + 1}",
         "result": "nonconform" if i < nonconform else "conform",
         "industry": "毛巾", "mark_no": f"MIT-TX-113-0457-{i + 1:02d}",
         **({"note": "未獲驗證"} if i < nonconform else {})}
        for i in range(products)
    ]
    return rec


def _reports() -> list[dict[str, Any]]:
    # X-15 ex. 1: three store reports with 4 + 6 + 5 product rows → 本次抽查產品數 15
    return [_report("好鄰居百貨臺中文心店", 4, 1),
            _report("好鄰居百貨高雄左營店", 6, day="2024-09-10"),
            _report("好鄰居百貨新竹竹北店", 5, day="2024-10-02")]


def _filled_case(*docs: tuple[str, dict[str, Any]]) -> Case:
    return Case(tuple(CaseDoc(form, fill(form, data, as_of=AS_OF).record) for form, data in docs))


def test_summary_counts_come_from_the_case() -> None:
    rec = make(SUMMARY)
    rec["rows"] = [{"store": "好鄰居百貨臺中文心店", "industry": "毛巾"}]
    docs = [{"form": REPORT, "data": r} for r in _reports()]
    docs.append({"form": REPORT, "data": _report("好鄰居百貨臺中文心店", 2, day="2023-11-02")})
    other = _report("別家門市", 3, company="全家福生活超市股份有限公司")
    docs.append({"form": REPORT, "data": other})
    report = formkit.fill(SUMMARY, rec, as_of=AS_OF, case=docs)  # a list, as the API takes it
    out = report.record
    assert [(r["store"], r["count"], r["conform"], r["nonconform"]) for r in out["rows"]] == [
        ("好鄰居百貨臺中文心店", 4, 3, 1), ("好鄰居百貨高雄左營店", 6, 6, 0),
        ("好鄰居百貨新竹竹北店", 5, 5, 0)]
    assert out["checked_products"] == 15 and out["checked_sites"] == 3
    assert out["total"] == {"count": 15, "conform": 14, "nonconform": 1}
    # the given 11 differs from the 15 of the reports: an error of X-15
    assert any(f.path == "/checked_products" for f in found(report, "X-15"))


def test_without_a_case_the_given_counts_stand() -> None:
    report = fill(SUMMARY, sample(SUMMARY), as_of=AS_OF)
    assert report.valid and report.record["checked_products"] == 9


def test_x15_summary_consistent_with_the_reports() -> None:
    reports = _reports()
    summary = make(SUMMARY, rows=[{"store": r["store"]} for r in reports])
    case = _filled_case(*[(REPORT, r) for r in reports])
    filled = fill(SUMMARY, summary, as_of=AS_OF, case=case).record
    full = Case((*case.docs, CaseDoc(SUMMARY, filled)))
    assert not list(x15(full, Context(as_of=AS_OF, case=full)))


def test_x15_summary_disagreeing_with_the_reports() -> None:
    reports = _reports()
    case = _filled_case(*[(REPORT, r) for r in reports], (SUMMARY, sample(SUMMARY)))
    findings = list(x15(case, Context(as_of=AS_OF, case=case)))
    paths = {f.path for f in findings}
    assert "/checked_products" in paths  # 9 given, 15 reported
    assert "/rows/0/count" in paths  # 文心店: 2 given, 4 reported
    assert "/rows/1/nonconform" not in paths  # 左營店: 0 and 0
    assert "/rows/1/count" in paths  # 左營店: 3 given, 6 reported
    assert all(f.form == SUMMARY for f in findings)
    dropped = _filled_case(*[(REPORT, r) for r in reports[:2]], (SUMMARY, sample(SUMMARY)))
    messages = [f.text("en") for f in x15(dropped, Context(as_of=AS_OF))]
    assert any("竹北店" in m and "no audit report" in m for m in messages)


def test_x15_planned_user_without_a_report() -> None:
    # MIT-R63 ex. 1 in small: three planned users, reports for two → E once the year is over
    plan = sample(PLAN)
    reports = [_report("好鄰居百貨臺中文心店", 2),
               _report("全家福中壢店", 2, company="全家福生活超市股份有限公司")]
    case = _filled_case((PLAN, plan), *[(REPORT, r) for r in reports])
    (f,) = list(x15(case, Context(as_of=AS_OF)))
    assert f.severity == "error" and f.path == "/rows/2/company" and f.form == PLAN
    (w,) = list(x15(case, Context(as_of=date(2024, 12, 31))))
    assert w.severity == "warning"
    whole = _filled_case((PLAN, plan), *[(REPORT, r) for r in reports],
                         (REPORT, _report("好物店", 1, company="臺灣好物通路有限公司")))
    assert not list(x15(whole, Context(as_of=AS_OF)))


def test_x15_report_of_an_unplanned_user() -> None:
    plan = make(PLAN, rows=[sample(PLAN)["rows"][0]])
    stranger = _report("別家門市", 1, company="別家公司")
    case = _filled_case((PLAN, plan), (REPORT, _report("文心店", 1)), (REPORT, stranger))
    (f,) = list(x15(case, Context(as_of=AS_OF)))
    assert f.form == REPORT and f.severity == "warning"
    stranger.update(audit_type="irregular", complaint_date="2024-05-10")
    case = _filled_case((PLAN, plan), (REPORT, _report("文心店", 1)), (REPORT, stranger))
    assert not list(x15(case, Context(as_of=AS_OF)))


def test_x15_authorised_user_missing_from_the_plan() -> None:
    plan = make(PLAN, rows=[sample(PLAN)["rows"][0]])
    lic = sample(LICENSE)
    lic["licensee"].update(type="other_user", name="臺灣好物通路有限公司")
    lic["term"] = {"from": "2023-02-01", "to": "2026-01-31"}
    case = Case((CaseDoc(PLAN, fill(PLAN, plan, as_of=AS_OF).record),
                 CaseDoc(REPORT, fill(REPORT, _report("文心店", 1), as_of=AS_OF).record),
                 CaseDoc(LICENSE, lic)))
    (f,) = list(x15(case, Context(as_of=AS_OF)))
    assert f.form == LICENSE and f.path == "/licensee/name"
    lic["term"] = {"from": "2021-01-01", "to": "2023-12-31"}  # ended before 2024
    assert not list(x15(case, Context(as_of=AS_OF)))
    lic["term"] = {"from": "2021-01-01", "to": "2024-01-01"}  # one day into 2024
    assert len(list(x15(case, Context(as_of=AS_OF)))) == 1


# -- MIT-R64 on the 申訴 -------------------------------------------------------------------


def test_appeal_deadline_is_thirty_days_after_the_notice() -> None:
    report = check(APPEAL, sample(APPEAL))
    assert report.record["deadline"] == "2024-12-05"
    assert not found(report, "MIT-R64")


def test_appeal_on_the_last_day_and_a_day_late() -> None:
    assert not found(check(APPEAL, make(APPEAL, filed_date="2024-12-05")), "MIT-R64")
    (f,) = found(check(APPEAL, make(APPEAL, filed_date="2024-12-06")), "MIT-R64")
    assert f.path == "/filed_date" and f.expected == "<= 2024-12-05"


def test_appeal_before_the_notice() -> None:
    (f,) = found(check(APPEAL, make(APPEAL, filed_date="2024-11-04")), "MIT-R64")
    assert f.path == "/filed_date"


def test_appeal_deadline_rolls_past_a_weekend() -> None:
    rec = make(APPEAL, notice_date="2024-12-20", filed_date="2025-01-20")
    report = check(APPEAL, rec)
    assert report.record["deadline"] == "2025-01-20" and not found(report, "MIT-R64")
    assert found(check(APPEAL, rec, rest_day_rollover=False), "MIT-R64")


def test_amb20_other_reading_counts_from_the_first_notice() -> None:
    opts = {"MIT-R64": {"appeal_period_from": "first_notice"}}
    report = check(APPEAL, sample(APPEAL), **opts)
    assert report.record["deadline"] == "2024-10-16"
    (f,) = found(report, "MIT-R64")
    assert f.path == "/filed_date"


def test_appeal_follows_an_objection() -> None:
    rec = make(APPEAL, objection=None)
    (w,) = found(check(APPEAL, rec), "MIT-R64", "warning")
    assert w.path == "/objection/filed_date"
    (f,) = found(check(APPEAL, make(APPEAL, objection__filed_date="2024-11-06")), "MIT-R64")
    assert f.path == "/notice_date"


def test_a_late_objection_is_a_warning_on_the_appeal() -> None:
    # first notice 2024-09-16 → objection by 2024-10-16
    assert not found(check(APPEAL, make(APPEAL, objection__filed_date="2024-10-16")),
                     "MIT-R64", "warning")
    (w,) = found(check(APPEAL, make(APPEAL, objection__filed_date="2024-10-17")), "MIT-R64",
                 "warning")
    assert w.path == "/objection/filed_date"
