"""附件七 評核表: derived tallies and verdict, and MIT-R12–R22, from the catalogue's examples."""

from __future__ import annotations

import copy
from datetime import date
from typing import Any

import pytest

from formkit.engine import Report, fill, validate
from formkit.rules.mit_common import Tally, aggregate, fraction_rating, spec_records_rating

A7 = "mit/annex-07-qms-assessment"
AS_OF = date(2024, 7, 1)
ITEMS = ("i1_1", "i1_2", "i2_1", "i2_2", "i3_1", "i3_2", "i4_1", "i4_2", "i5_1", "i5_2", "i6_1")

BASE: dict[str, Any] = {
    "company": "福興紡織股份有限公司",
    "process": "織造、漂染、裁剪及縫製",
    "doc1": {"answer": "exempt"},
    "doc2": {"answer": "no"},
    "doc3": {"answer": "no"},
    "assessment_date": "2024-05-31",
    "summary": {"case_type": "application", "case_no": "TTRC-MIT-113-0457"},
    "cb_name": "財團法人臺灣產品驗證中心",
    "company_rep_signature": "林志明",
    "assessor_signature": "陳淑芬",
    "sign_date": "2024-05-31",
}


def record(ratings: dict[str, str] | None = None, **changes: Any) -> dict[str, Any]:
    """A record rated 符合 except for ``ratings`` (keys like "5.1"), each non-符合 item listed
    in its category box so that MIT-R21 stays quiet unless a test wants it."""
    rec = copy.deepcopy(BASE)
    rated = {key: "conform" for key in ITEMS}
    for number, rating in (ratings or {}).items():
        rated["i" + number.replace(".", "_")] = rating
    rec["items"] = {key: {"rating": rating} for key, rating in rated.items()}
    cat: dict[str, Any] = {}
    for key, rating in rated.items():
        if rating != "conform":
            rows = cat.setdefault("c" + key[1], {"findings": []})["findings"]
            rows.append({"item": key[1:].replace("_", "."), "text": "缺失內容"})
    rec["cat"] = cat
    for key, value in changes.items():
        target = rec
        parts = key.split("__")
        for part in parts[:-1]:
            target = target.setdefault(part, {})
        if value is None:
            target.pop(parts[-1], None)
        else:
            target[parts[-1]] = value
    return rec


def run(rec: dict[str, Any], as_of: date = AS_OF, **options: Any) -> Report:
    return validate(A7, rec, as_of=as_of, options=options)


def errors(report: Report) -> set[str]:
    return {f.rule for f in report.findings if f.severity == "error"}


def findings(report: Report, rule: str, severity: str | None = None) -> list:
    return [
        f for f in report.findings
        if f.rule == rule and (severity is None or f.severity == severity)
    ]  # fmt: skip


EXAMPLE_1 = {"1.2": "minor", "3.1": "minor", "4.1": "minor", "5.1": "major", "2.2": "slight",
             "4.2": "na"}  # fmt: skip


# -- MIT-R18 aggregation and the derived summary --------------------------------------------


def test_example_1_tallies_and_statistics_ask_for_a_corrective_plan() -> None:
    report = run(record(EXAMPLE_1, summary__cap_deadline="2024-06-14"))
    summary = report.record["summary"]
    assert summary["found"] == {"critical": 0, "major": 1, "minor": 3, "slight": 1}
    assert summary["stat"] == {"critical": 0, "major": 2, "minor": 0}
    assert summary["verdict"] == "corrective_plan"
    assert summary["no_defect"] is False
    assert summary["result"] == "pending"
    assert report.valid, [f.as_dict("en") for f in report.errors]


def test_example_2_cascade_fails_and_reports_the_independent_reading() -> None:
    ratings = {"1.1": "major", "2.1": "major", "3.1": "minor", "4.1": "minor", "5.1": "minor"}
    report = run(record(ratings))
    summary = report.record["summary"]
    assert summary["found"] == {"critical": 0, "major": 2, "minor": 3, "slight": 0}
    assert summary["stat"] == {"critical": 1, "major": 0, "minor": 0}
    assert summary["verdict"] == "fail"
    (info,) = findings(report, "MIT-R18", "info")
    assert info.params["other"] == "independent"
    assert (info.params["c"], info.params["m"], info.params["n"]) == (0, 3, 0)
    assert info.params["verdict"].startswith("corrective_plan (")  # code (label) in en
    assert "「受評業者應於 年 月 日前，提出矯正計畫後再行判定」" in info.message


def test_example_2_under_the_independent_reading_asks_for_a_plan() -> None:
    ratings = {"1.1": "major", "2.1": "major", "3.1": "minor", "4.1": "minor", "5.1": "minor"}
    report = run(record(ratings, summary__cap_deadline="2024-06-14"), reading="independent")
    assert report.record["summary"]["stat"] == {"critical": 0, "major": 3, "minor": 0}
    assert report.record["summary"]["verdict"] == "corrective_plan"
    (info,) = findings(report, "MIT-R18", "info")
    assert info.params["other"] == "cascade" and info.params["verdict"] == "fail (不通過)"


def test_reading_can_be_given_per_rule() -> None:
    ratings = {"1.1": "major", "2.1": "major", "3.1": "minor", "4.1": "minor", "5.1": "minor"}
    rec = record(ratings, summary__cap_deadline="2024-06-14")
    report = validate(A7, rec, as_of=AS_OF, options={"MIT-R18": {"reading": "independent"}})
    assert report.record["summary"]["verdict"] == "corrective_plan"


@pytest.mark.parametrize(
    ("minor", "major", "stat"),
    [(6, 1, (1, 0, 0)), (5, 1, (0, 2, 2)), (3, 0, (0, 1, 0)), (2, 2, (0, 2, 2))],
)
def test_example_3_cascade_statistics(minor: int, major: int, stat: tuple[int, int, int]) -> None:
    assert aggregate(Tally(major=major, minor=minor), "cascade") == stat


def test_unknown_reading_warns_and_falls_back_to_cascade() -> None:
    report = run(record({"1.1": "major", "2.1": "major", "3.1": "minor", "4.1": "minor",
                         "5.1": "minor"}), reading="both")  # fmt: skip
    assert report.record["summary"]["verdict"] == "fail"
    assert findings(report, "MIT-R18", "warning")


def test_no_info_when_both_readings_agree() -> None:
    report = run(record(EXAMPLE_1, summary__cap_deadline="2024-06-14"))
    assert findings(report, "MIT-R18") == []


def test_given_tally_that_disagrees_is_an_error_of_mit_r18() -> None:
    rec = record(EXAMPLE_1, summary__cap_deadline="2024-06-14")
    rec["summary"]["found"] = {"critical": 0, "major": 1, "minor": 2, "slight": 1}
    rec["summary"]["stat"] = {"critical": 0, "major": 1, "minor": 2}
    report = run(rec)
    paths = {f.path for f in findings(report, "MIT-R18", "error")}
    assert paths == {"/summary/found/minor", "/summary/stat/major", "/summary/stat/minor"}


def test_given_verdict_that_disagrees_is_an_error_of_mit_r19() -> None:
    rec = record(EXAMPLE_1, summary__verdict="pass", summary__cap_deadline="2024-06-14")
    (err,) = findings(run(rec), "MIT-R19", "error")
    assert err.path == "/summary/verdict"
    assert (err.expected, err.actual) == ("corrective_plan", "pass")


def test_mit_r22_example_1_no_defect_ticked_while_slight_found() -> None:
    rec = record({"1.1": "slight", "2.1": "slight"}, summary__no_defect=True)
    report = run(rec)
    assert report.record["summary"]["found"]["slight"] == 2
    assert [f.path for f in findings(report, "MIT-R22", "error")] == ["/summary/no_defect"]


# -- MIT-R19 verdict and the corrective-plan closure --------------------------------------


def test_only_slight_defects_pass_without_a_plan() -> None:
    report = run(record({"1.1": "slight", "2.2": "slight", "4.1": "slight", "6.1": "slight"}))
    summary = report.record["summary"]
    assert summary["found"]["slight"] == 4
    assert summary["stat"] == {"critical": 0, "major": 0, "minor": 0}
    assert summary["verdict"] == "pass" and summary["result"] == "pass"
    assert report.valid


def test_one_critical_defect_fails() -> None:
    rec = record({"3.1": "critical"})
    rec["items"]["i3_1"]["evidence"] = {"unremedied_incident": True}
    report = run(rec)
    assert report.record["summary"]["verdict"] == "fail"
    assert report.valid


def test_no_defect_passes_and_ticks_no_defect() -> None:
    report = run(record())
    assert report.record["summary"]["verdict"] == "pass"
    assert report.record["summary"]["no_defect"] is True


def test_refusal_fails() -> None:
    report = run(record(refused=True))
    assert report.record["summary"]["verdict"] == "fail"
    assert report.valid


def test_corrective_plan_verdict_needs_a_deadline() -> None:
    (err,) = findings(run(record(EXAMPLE_1)), "MIT-R19", "error")
    assert err.path == "/summary/cap_deadline"


def test_closure_passed_on_the_deadline_day() -> None:
    rec = record(EXAMPLE_1, summary__cap_deadline="2024-06-14", summary__cap_outcome="passed",
                 summary__cap_submitted_date="2024-06-14")  # fmt: skip
    report = run(rec)
    assert report.valid
    assert report.record["summary"]["verdict"] == "corrective_plan"
    assert report.record["summary"]["result"] == "pass"


def test_closure_passed_after_the_deadline_is_an_error() -> None:
    rec = record(EXAMPLE_1, summary__cap_deadline="2024-06-14", summary__cap_outcome="passed",
                 summary__cap_submitted_date="2024-06-18")  # fmt: skip
    (err,) = findings(run(rec), "MIT-R19", "error")
    assert err.path == "/summary/cap_outcome" and err.expected == "failed"


def test_closure_passed_needs_the_submission_date() -> None:
    rec = record(EXAMPLE_1, summary__cap_deadline="2024-06-14", summary__cap_outcome="passed")
    (err,) = findings(run(rec), "MIT-R19", "error")
    assert err.path == "/summary/cap_submitted_date"


def test_deadline_on_a_saturday_rolls_to_monday() -> None:
    rec = record(EXAMPLE_1, summary__cap_deadline="2024-06-15", summary__cap_outcome="passed",
                 summary__cap_submitted_date="2024-06-17")  # fmt: skip
    report = run(rec)
    assert report.valid
    (info,) = findings(report, "MIT-R20", "info")  # R20: the period 附件七 states (AMB-03)
    assert info.params["last_day"] == "2024-06-17"
    assert not findings(report, "MIT-R19", "info")
    strict = run(rec, rest_day_rollover=False)
    assert "MIT-R19" in errors(strict)


def test_closure_failed_although_submitted_in_time() -> None:
    rec = record(EXAMPLE_1, summary__cap_deadline="2024-06-14", summary__cap_outcome="failed",
                 summary__cap_submitted_date="2024-06-12")  # fmt: skip
    report = run(rec)
    assert [f.path for f in findings(report, "MIT-R19", "error")] == ["/summary/cap_outcome"]
    assert report.record["summary"]["verdict"] == "corrective_plan"
    assert report.record["summary"]["result"] == "fail"
    lenient = run(rec, cap_pass_on_submission=False)
    assert "MIT-R19" not in errors(lenient)
    assert findings(lenient, "MIT-R19", "warning")


def test_closure_failed_before_the_deadline_has_passed() -> None:
    rec = record(EXAMPLE_1, summary__cap_deadline="2024-06-14", summary__cap_outcome="failed")
    assert "MIT-R19" in errors(run(rec, as_of=date(2024, 6, 14)))
    assert "MIT-R19" not in errors(run(rec, as_of=date(2024, 6, 15)))


def test_open_deadline_past_without_a_plan_warns() -> None:
    rec = record(EXAMPLE_1, summary__cap_deadline="2024-06-14")
    assert findings(run(rec, as_of=date(2024, 6, 17)), "MIT-R19", "warning")
    assert not findings(run(rec, as_of=date(2024, 6, 14)), "MIT-R19", "warning")


def test_deadline_must_follow_the_assessment() -> None:
    rec = record(EXAMPLE_1, summary__cap_deadline="2024-05-31")
    assert [f.path for f in findings(run(rec), "MIT-R19", "error")] == ["/summary/cap_deadline"]


def test_deadline_more_than_30_days_away_warns() -> None:
    near = record(EXAMPLE_1, summary__cap_deadline="2024-07-01")  # 30 days after 05-31
    far = record(EXAMPLE_1, summary__cap_deadline="2024-07-02")
    assert not findings(run(near), "MIT-R19", "warning")
    assert findings(run(far), "MIT-R19", "warning")
    assert not findings(run(far, cap_max_days=60), "MIT-R19", "warning")


def test_closure_without_a_corrective_plan_verdict_is_an_error() -> None:
    rec = record(summary__cap_outcome="passed", summary__cap_submitted_date="2024-06-10")
    report = run(rec)
    assert [f.path for f in findings(report, "MIT-R19", "error")] == ["/summary/cap_outcome"]
    assert [f.path for f in findings(report, "MIT-R19", "warning")] == [
        "/summary/cap_submitted_date"
    ]


# -- MIT-R12 prior pass within three years -------------------------------------------------


def exemption(answer: str, prior: str | None, assessed: str, **kw: Any) -> dict[str, Any]:
    rec = record(doc3={"answer": answer} | ({"prior_date": prior} if prior else {}),
                 assessment_date=assessed, sign_date=assessed, **kw)  # fmt: skip
    if answer == "exempt_pass":
        rec.pop("items")
        rec.pop("cat")
    return rec


def test_r12_example_1_exactly_three_years_is_within() -> None:
    report = run(exemption("exempt_pass", "2021-05-10", "2024-05-10"))
    assert report.valid
    assert report.record["summary"]["verdict"] == "pass"


def test_r12_example_2_three_years_and_three_days_is_beyond() -> None:
    report = run(exemption("exempt_pass", "2021-05-10", "2024-05-13"))
    (err,) = findings(report, "MIT-R12", "error")
    assert err.path == "/doc3/answer" and err.expected == "no"
    assert "MIT-R12" not in errors(run(exemption("no", "2021-05-10", "2024-05-13")))


def test_r12_answer_no_while_within_three_years() -> None:
    assert "MIT-R12" in errors(run(exemption("no", "2022-08-01", "2024-05-13")))


def test_r12_example_3_assessment_still_needed_but_section_two_blank() -> None:
    rec = exemption("assess", "2022-08-01", "2024-05-13")
    rec.pop("items")
    (err,) = findings(run(rec), "MIT-R12", "error")
    assert err.path == "/items"
    assert err.params["items"].startswith("1.1, 1.2")


def test_r12_missing_ratings_are_named() -> None:
    rec = record()
    del rec["items"]["i4_2"]
    (err,) = findings(run(rec), "MIT-R12", "error")
    assert err.params["items"] == "4.2"


def test_r12_exemption_needs_the_prior_date() -> None:
    (err,) = findings(run(exemption("exempt_pass", None, "2024-05-13")), "MIT-R12", "error")
    assert err.path == "/doc3/prior_date"


def test_r12_exemption_contradicted_by_rated_defects() -> None:
    rec = exemption("exempt_pass", "2022-08-01", "2024-05-13")
    rec["items"] = {"i1_1": {"rating": "minor"}}
    rec["cat"] = {"c1": {"findings": [{"item": "1.1", "text": "缺失"}]}}
    assert "MIT-R12" in errors(run(rec))


def test_r12_assessment_date_defaults_to_the_sign_date() -> None:
    rec = exemption("exempt_pass", "2021-05-10", "2024-05-10")
    rec.pop("assessment_date")
    assert run(rec).valid
    rec["sign_date"] = "2024-05-13"
    assert "MIT-R12" in errors(run(rec))


def test_r12_prior_date_after_the_assessment() -> None:
    report = run(exemption("assess", "2024-06-01", "2024-05-13"))
    assert "/doc3/prior_date" in {f.path for f in findings(report, "MIT-R12", "error")}


# -- MIT-R13 recognised QMS certificate ----------------------------------------------------


def certified(valid_to: str, **kw: Any) -> dict[str, Any]:
    rec = record(doc2={"answer": "yes", "standard": "ISO 9001:2015", "cert_no": "TW-QMS-1234",
                       "valid_to": valid_to},
                 assessment_date="2024-09-10", sign_date="2024-09-10", **kw)  # fmt: skip
    rec.pop("items")
    rec.pop("cat")
    return rec


def test_r13_example_1_valid_certificate_passes_with_section_two_blank() -> None:
    report = run(certified("2025-06-30"), as_of=date(2024, 9, 30))
    assert report.valid
    assert report.record["summary"]["verdict"] == "pass"


def test_r13_example_2_expired_certificate() -> None:
    (err,) = findings(run(certified("2024-08-31")), "MIT-R13", "error")
    assert err.path == "/doc2/valid_to"


def test_r13_particulars_are_required() -> None:
    rec = certified("2025-06-30")
    del rec["doc2"]["cert_no"]
    assert [f.path for f in findings(run(rec), "MIT-R13", "error")] == ["/doc2/cert_no"]


def test_r13_rating_section_two_anyway_warns() -> None:
    rec = certified("2025-06-30")
    rec["items"] = {key: {"rating": "conform"} for key in ITEMS}
    assert findings(run(rec), "MIT-R13", "warning")


def test_r13_standard_must_be_on_the_configured_list() -> None:
    rec = certified("2025-06-30")
    assert "MIT-R13" in errors(run(rec, recognized_standards=["IATF 16949"]))
    assert "MIT-R13" not in errors(run(rec, recognized_standards=["ISO 9001:2015"]))


# -- MIT-R14 特許製造業 permit -------------------------------------------------------------


def permit(answer: str, valid_to: str | None) -> dict[str, Any]:
    doc1: dict[str, Any] = {"answer": answer, "permit_info": "農藥製造許可證 農製字第 0123 號"}
    if valid_to:
        doc1["valid_to"] = valid_to
    return record(doc1=doc1)


def test_r14_example_1_valid_permit_proceeds() -> None:
    report = run(permit("yes", "2026-01-31"))
    assert report.valid and report.record["summary"]["verdict"] == "pass"


def test_r14_expired_permit_answered_yes() -> None:
    (err,) = findings(run(permit("yes", "2024-05-30")), "MIT-R14", "error")
    assert err.path == "/doc1/valid_to"


def test_r14_example_2_answer_no_fails_the_assessment() -> None:
    report = run(permit("no", "2024-05-30"))
    assert report.valid
    assert report.record["summary"]["verdict"] == "fail"
    given = run(permit("no", "2024-05-30") | {"summary": BASE["summary"] | {"verdict": "pass"}})
    assert "MIT-R19" in errors(given)


def test_r14_yes_needs_the_permit_particulars() -> None:
    rec = record(doc1={"answer": "yes"})
    paths = {f.path for f in findings(run(rec), "MIT-R14", "error")}
    assert paths == {"/doc1/permit_info", "/doc1/valid_to"}


def test_r14_example_3_non_licensed_industry_is_exempt() -> None:
    assert not findings(run(record()), "MIT-R14")


# -- MIT-R15–R17 ratings against the evidence worksheet --------------------------------------


@pytest.mark.parametrize(
    ("n", "k", "rating"),
    [(40, 2, "slight"), (40, 3, "minor"), (40, 19, "minor"), (40, 20, "major"), (40, 39, "major"),
     (40, 40, "critical"), (200, 10, "slight"), (200, 11, "minor"), (40, 0, None), (0, 0, None),
     (40, 41, None)],
)  # fmt: skip
def test_r15_fraction_boundaries(n: int, k: int, rating: str | None) -> None:
    assert fraction_rating(n, k) == rating


def worksheet(number: str, rating: str, **evidence: Any) -> dict[str, Any]:
    rec = record({number: rating})
    rec["items"]["i" + number.replace(".", "_")]["evidence"] = evidence
    return rec


def test_r15_example_1_conform_with_2_of_40_is_too_lenient() -> None:
    report = run(worksheet("1.1", "conform", population=40, not_executed=2))
    (err,) = findings(report, "MIT-R15", "error")
    assert err.path == "/items/i1_1/rating"
    assert (err.expected, err.actual) == ("slight", "conform")


def test_r15_matching_rating_is_quiet() -> None:
    report = run(worksheet("1.1", "slight", population=40, not_executed=2))
    assert not findings(report, "MIT-R15")


def test_r15_more_severe_than_the_worksheet_warns() -> None:
    rec = worksheet("4.1", "major", population=200, not_executed=11, spec="ok")
    rec["summary"]["cap_deadline"] = "2024-06-14"
    report = run(rec)
    assert "MIT-R15" not in errors(report)
    (warning,) = findings(report, "MIT-R15", "warning")
    assert warning.params["derived"].startswith("minor")


def test_r15_not_executed_beyond_population() -> None:
    report = run(worksheet("1.1", "conform", population=10, not_executed=11))
    (err,) = findings(report, "MIT-R15", "error")
    assert err.path == "/items/i1_1/evidence/not_executed"


def test_r16_example_1_missing_calibration_records_is_minor() -> None:
    report = run(worksheet("5.2", "slight", population=12, not_executed=0, records="none"))
    (err,) = findings(report, "MIT-R16", "error")
    assert err.expected == "minor"


def test_r16_example_2_process_product_spec_missing_is_only_slight() -> None:
    assert spec_records_rating("i3_2", "none", None) == "slight"
    assert not findings(run(worksheet("3.2", "slight", spec="none")), "MIT-R16")
    assert "MIT-R16" in errors(run(worksheet("3.2", "conform", spec="none")))


def test_r16_example_3_training_spec_and_fraction_combine() -> None:
    two = run(worksheet("4.2", "slight", population=30, not_executed=2, spec="incomplete"))
    assert "MIT-R15" in errors(two) and "MIT-R16" not in errors(two)
    one = run(worksheet("4.2", "slight", population=30, not_executed=1, spec="incomplete"))
    assert not (errors(one) & {"MIT-R15", "MIT-R16"})


def test_r16_training_records_are_not_graded() -> None:
    assert spec_records_rating("i4_1", "ok", "none") is None
    assert spec_records_rating("i1_1", "ok", "none") == "minor"
    assert spec_records_rating("i6_1", "incomplete", "ok") == "slight"


def test_r17_example_1_unremedied_incident_must_be_critical() -> None:
    report = run(worksheet("3.1", "major", unremedied_incident=True))
    (err,) = findings(report, "MIT-R17", "error")
    assert err.expected == "critical"
    ok = run(worksheet("3.1", "critical", unremedied_incident=True))
    assert "MIT-R17" not in errors(ok) and ok.record["summary"]["verdict"] == "fail"


def test_r17_example_2_remedied_incident_is_no_finding() -> None:
    assert not findings(run(worksheet("3.1", "conform", unremedied_incident=False)), "MIT-R17")


def test_r17_incident_on_another_item_warns() -> None:
    report = run(worksheet("2.1", "conform", unremedied_incident=True))
    assert "MIT-R17" not in errors(report)
    assert findings(report, "MIT-R17", "warning")


# -- MIT-R21 narratives ---------------------------------------------------------------------


def test_r21_example_1_not_applicable_without_a_reason() -> None:
    rec = record({"4.2": "na"})
    rec["cat"] = {}
    (err,) = findings(run(rec), "MIT-R21", "error")
    assert err.path == "/cat/c4/findings" and err.params["item"] == "4.2"


def test_r21_example_2_listed_finding_is_enough() -> None:
    rec = record({"1.2": "minor"}, summary__cap_deadline="2024-06-14")
    rec["cat"] = {
        "c1": {"findings": [{"item": "1.2", "text": "1.2 檢測設備維護保養紀錄缺 3/20 台"}]}
    }
    assert not findings(run(rec), "MIT-R21")


def test_r21_listing_a_conforming_item_or_a_foreign_item() -> None:
    rec = record()
    rec["cat"] = {"c1": {"findings": [{"item": "1.1", "text": "x"}, {"item": "2.1", "text": "y"}]}}
    paths = [f.path for f in findings(run(rec), "MIT-R21", "error")]
    assert paths == ["/cat/c1/findings/0/item", "/cat/c1/findings/1/item"]


# -- MIT-R22 case type ----------------------------------------------------------------------


def test_r22_example_2_tracking_with_year_and_quarter() -> None:
    rec = record(summary={"case_type": "tracking", "year_quarter": {"year": 113, "quarter": 3}})
    assert run(rec).valid


def test_r22_tracking_needs_year_and_quarter() -> None:
    rec = record(summary={"case_type": "tracking"})
    assert [f.path for f in findings(run(rec), "MIT-R22", "error")] == ["/summary/year_quarter"]


def test_r22_application_needs_a_case_number_and_warns_on_the_other_blank() -> None:
    rec = record(summary={"case_type": "application", "year_quarter": {"year": 113, "quarter": 3}})
    report = run(rec)
    assert [f.path for f in findings(report, "MIT-R22", "error")] == ["/summary/case_no"]
    assert [f.path for f in findings(report, "MIT-R22", "warning")] == ["/summary/year_quarter"]


# -- engine integration ---------------------------------------------------------------------


def test_roc_dates_are_read() -> None:
    rec = record(EXAMPLE_1, summary__cap_deadline="113/06/14", sign_date="113年5月31日")
    report = fill(A7, rec, as_of=AS_OF)
    assert report.record["summary"]["cap_deadline"] == "2024-06-14"
    assert report.valid


def test_malformed_record_reports_schema_findings_without_crashing() -> None:
    rec = record()
    rec["items"] = ["conform"]
    rec["summary"] = "passed"
    rec["cat"] = {"c1": "x"}
    report = run(rec)
    assert "schema" in errors(report)
    assert not any(f.template.startswith("this rule could not") for f in report.findings)


def test_sample_is_valid_and_complete() -> None:
    from formkit.forms import get_form

    form = get_form(A7)
    report = validate(form, form.sample, as_of=AS_OF)
    assert report.findings == []
    assert report.record["summary"]["verdict"] == "corrective_plan"


def test_r24_the_assessor_certificate_must_be_named() -> None:
    rec = record()
    rec.pop("assessor_training_cert_no", None)
    assert [f.severity for f in findings(run(rec), "MIT-R24")] == ["warning"]
    named = run(record(assessor_training_cert_no="MIT-QA-111-0382"))
    assert findings(named, "MIT-R24") == []
