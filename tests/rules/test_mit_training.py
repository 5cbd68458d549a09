"""附件十 評核人員訓練: plan (MIT-R26, R29), registration (MIT-R25, R26), pass list (MIT-R26–R29),
and X-18 over plan ↔ registration ↔ pass list ↔ certificates."""

from __future__ import annotations

import copy
import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from formkit.case import check_case
from formkit.engine import Report, validate
from formkit.rules import Case, CaseDoc, Context
from formkit.rules.mit_training import (
    CERTIFICATE,
    PLAN,
    REGISTRATION,
    ROSTER,
    SUBJECT_MINIMA,
    certificate_valid_to,
    check_training_chain,
    full_months,
    hours_suffice,
    passes,
    qualified,
    renewal_window_of,
    score_pct,
    subject_shortfalls,
)

SAMPLES = Path(__file__).resolve().parents[2] / "samples" / "mit"
AS_OF = date(2024, 6, 1)


def sample(form: str) -> dict[str, Any]:
    name = form.split("/")[1]
    return json.loads((SAMPLES / f"{name}.json").read_text(encoding="utf-8"))


def run(form: str, rec: dict[str, Any], **options: Any) -> Report:
    return validate(form, rec, as_of=AS_OF, options=options)


def of(report: Report, rule: str, severity: str = "error") -> list[str]:
    return [f.path for f in report.findings if f.rule == rule and f.severity == severity]


# -- pure helpers -----------------------------------------------------------------------------


def test_subject_minima_sum_to_29_hours() -> None:
    assert sum(SUBJECT_MINIMA) == 29
    assert subject_shortfalls(list(SUBJECT_MINIMA)) == []


def test_a_subject_below_its_minimum_is_a_shortfall_and_an_offset_makes_it_up() -> None:
    hours = list(SUBJECT_MINIMA)
    hours[6] = 3  # 製程作業管理 requires 四小時以上
    assert subject_shortfalls(hours) == [(6, 3, 4)]
    assert subject_shortfalls(hours, {6: 1}) == []


@pytest.mark.parametrize(
    ("attended", "offset", "counts", "ok"),
    [(28, 0, True, True), (27.5, 0, True, False), (11, 18, True, True), (11, 17, True, True),
     (10, 17, True, False), (11, 18, False, False), (28, 5, False, True)],
)  # fmt: skip
def test_28_hours_inclusive_with_offsets_under_amb_11(
    attended: float, offset: float, counts: bool, ok: bool
) -> None:
    assert hours_suffice(attended, offset, counts) is ok


@pytest.mark.parametrize(
    ("score", "full", "ok"),
    [(75, 100, True), (74.5, 100, False), (60, 80, True), (59.5, 80, False), (100, 100, True)],
)
def test_pass_mark_is_75_percent_inclusive(score: float, full: float, ok: bool) -> None:
    assert passes(score, full) is ok


def test_score_percent_is_truncated_never_rounded_up_to_the_pass_mark() -> None:
    assert score_pct(60, 80) == 75
    assert score_pct(74.5, 100) == 74.5
    assert score_pct(74.999, 100) == 74.99
    assert score_pct(2, 3) == 66.66


@pytest.mark.parametrize(
    ("start", "end", "months"),
    [("2022-01-01", "2022-12-31", 12), ("2022-01-01", "2022-12-30", 11),
     ("2022-07-01", "2023-12-31", 18), ("2022-01-31", "2022-02-27", 0),
     ("2022-01-31", "2022-02-28", 1), ("2020-03-01", "2020-02-28", 0)],
)  # fmt: skip
def test_full_months_count_the_first_day(start: str, end: str, months: int) -> None:
    assert full_months(date.fromisoformat(start), date.fromisoformat(end)) == months


@pytest.mark.parametrize(
    ("basis", "months", "credits", "ok"),
    [("cb_work", 12, None, True), ("cb_work", 11, None, False), ("qc_work", 18, None, False),
     ("qc_work", 24, None, True), ("credits", None, 4, True), ("credits", None, 3.5, False),
     ("other", 99, 99, False)],
)  # fmt: skip
def test_qualification_thresholds_are_inclusive(
    basis: str, months: int | None, credits: float | None, ok: bool
) -> None:
    assert qualified(basis, months, credits) is ok


def test_certificate_runs_two_years_and_renews_in_the_last_three_months() -> None:
    assert certificate_valid_to(date(2024, 7, 1)) == date(2026, 6, 30)
    assert certificate_valid_to(date(2024, 2, 29)) == date(2026, 2, 28)
    assert renewal_window_of(date(2026, 6, 30)) == (date(2026, 4, 1), date(2026, 6, 30))


# -- the plan: MIT-R26, MIT-R29 -------------------------------------------------------------


def plan(**changes: Any) -> dict[str, Any]:
    rec = sample(PLAN)
    rec.update(changes)
    return rec


def with_hours(hours: list[float]) -> dict[str, Any]:
    rec = plan()
    rec["course"]["subjects"] = [{"hours": h} for h in hours]
    rec["course"].pop("total_hours")
    return rec


def test_the_sample_plan_is_valid_and_totals_30_hours() -> None:
    report = run(PLAN, plan())
    assert report.errors == [], [f.as_dict("en") for f in report.errors]
    assert report.record["course"]["total_hours"] == 30
    assert report.record["fees_total"] == 13500


def test_plan_at_the_exact_minima_totals_29_and_passes() -> None:
    report = run(PLAN, with_hours(list(SUBJECT_MINIMA)))
    assert report.record["course"]["total_hours"] == 29
    assert of(report, "MIT-R26") == []


def test_plan_with_subject_7_at_3_hours_is_an_error_on_that_row() -> None:
    hours = list(SUBJECT_MINIMA)
    hours[6] = 3
    report = run(PLAN, with_hours(hours))
    assert report.record["course"]["total_hours"] == 28
    assert of(report, "MIT-R26") == ["/course/subjects/6/hours"]
    message = next(f for f in report.errors if f.path == "/course/subjects/6/hours").text("zh-TW")
    assert "製程作業管理" in message and "4" in message


def test_a_given_total_that_disagrees_is_an_error_of_mit_r26() -> None:
    rec = plan()
    rec["course"]["total_hours"] = 29
    assert "/course/total_hours" in of(run(PLAN, rec), "MIT-R26")


def test_offsets_need_the_procedure_and_may_not_exceed_the_planned_hours() -> None:
    rec = plan()
    rec["rules"].pop("offset_procedure")
    rec["rules"]["offset_subjects"].append({"subject": "s07", "hours": 5})
    rec["rules"]["offset_subjects"].append({"subject": "s11", "hours": 1})
    assert sorted(of(run(PLAN, rec), "MIT-R26")) == [
        "/rules/offset_procedure", "/rules/offset_subjects/3/hours",
        "/rules/offset_subjects/4/subject",
    ]


def test_plan_total_below_28_is_an_error() -> None:
    hours = list(SUBJECT_MINIMA)
    hours[6], hours[3] = 3, 4
    assert of(run(PLAN, with_hours(hours)), "MIT-R26") == [
        "/course/subjects/3/hours", "/course/subjects/6/hours", "/course/total_hours"]


def test_class_before_the_approval_is_an_error_and_on_the_day_is_not() -> None:
    rec = plan()
    rec["course"]["dates"][0]["date"] = "2024-02-29"
    rec["course"]["dates"][1]["date"] = "2024-03-01"
    assert of(run(PLAN, rec), "MIT-R29") == ["/course/dates/0/date"]


def test_approval_before_filing_is_an_error_and_no_approval_is_information() -> None:
    rec = plan(submitted_date="2024-03-02")
    assert of(run(PLAN, rec), "MIT-R29") == ["/approval/date"]
    rec = plan()
    rec.pop("approval")
    assert of(run(PLAN, rec), "MIT-R29", "info") == ["/approval"]
    rec = plan(approval={"result": "rejected", "date": "2024-03-01"})
    assert of(run(PLAN, rec), "MIT-R29", "info") == ["/approval/result"]


# -- the registration: MIT-R25, MIT-R26 -----------------------------------------------------


def registration(**changes: Any) -> dict[str, Any]:
    rec = sample(REGISTRATION)
    rec.update(changes)
    return rec


def test_the_sample_registration_is_valid() -> None:
    report = run(REGISTRATION, registration())
    assert report.errors == [], [f.as_dict("en") for f in report.errors]
    assert report.record["qualification_evidence"]["months"] == 55
    assert report.record["offset_total"] == 6


def test_18_months_of_enterprise_qc_is_an_error() -> None:
    rec = registration()
    rec["qualification_evidence"].update({"from": "2022-07-01", "to": "2023-12-31"})
    rec["qualification_evidence"].pop("months")
    report = run(REGISTRATION, rec)
    assert of(report, "MIT-R25") == ["/qualification_evidence/to"]
    assert report.record["qualification_evidence"]["months"] == 18


@pytest.mark.parametrize(
    ("to", "errors"), [("2023-12-31", []), ("2023-12-30", ["/qualification_evidence/to"])]
)
def test_two_years_of_qc_work_are_reached_on_the_day_before_the_anniversary(
    to: str, errors: list[str]
) -> None:
    rec = registration()
    rec["qualification_evidence"].update({"from": "2022-01-01", "to": to})
    rec["qualification_evidence"].pop("months")
    assert of(run(REGISTRATION, rec), "MIT-R25") == errors


@pytest.mark.parametrize(
    ("credits", "errors"), [(4, []), (3.5, ["/qualification_evidence/credits"])]
)
def test_four_credits_of_qm_courses_qualify(credits: float, errors: list[str]) -> None:
    rec = registration(qualification_basis="credits")
    rec["qualification_evidence"] = {"organisation": "國立成功大學", "credits": credits,
                                     "document": {"title": "歷年成績單", "pages": 1}}
    assert of(run(REGISTRATION, rec), "MIT-R25") == errors


def test_one_year_at_a_certification_body_qualifies_from_the_first_day() -> None:
    rec = registration(qualification_basis="cb_work")
    rec["qualification_evidence"].update({"from": "2023-03-01", "to": "2024-02-29"})
    rec["qualification_evidence"].pop("months")
    assert of(run(REGISTRATION, rec), "MIT-R25") == []


def test_work_basis_without_its_dates_is_an_error() -> None:
    rec = registration()
    rec["qualification_evidence"] = {"organisation": "永豐紙業股份有限公司",
                                     "document": {"title": "在職證明書"}}
    assert of(run(REGISTRATION, rec), "MIT-R25") == ["/qualification_evidence/from"]


def test_offset_claims_need_proof_once_per_subject_and_not_for_the_exam() -> None:
    rec = registration()
    rec["offset_claims"][0].pop("proof")
    rec["offset_claims"].append({"basis": "university", "subject": "s06", "hours": 1,
                                 "proof": "成績單"})
    rec["offset_claims"].append({"basis": "university", "subject": "s11", "hours": 1,
                                 "proof": "成績單"})
    rec.pop("offset_total")
    assert sorted(of(run(REGISTRATION, rec), "MIT-R26")) == [
        "/offset_claims/0/proof", "/offset_claims/2/subject", "/offset_claims/3/subject",
    ]


def test_an_offset_above_the_subject_minimum_is_a_warning() -> None:
    rec = registration()
    rec["offset_claims"][0]["hours"] = 4
    rec["offset_total"] = 7
    assert of(run(REGISTRATION, rec), "MIT-R26", "warning") == ["/offset_claims/0/hours"]


# -- the pass list: MIT-R26, R27, R28, R29 --------------------------------------------------


def roster(**changes: Any) -> dict[str, Any]:
    rec = sample(ROSTER)
    rec.update(changes)
    return rec


def bare(rec: dict[str, Any]) -> dict[str, Any]:
    """The record without its derived values."""
    rec = copy.deepcopy(rec)
    for row in rec["rows"]:
        for key in ("hours_total", "score_pct", "result"):
            row.pop(key, None)
    rec.get("certificates", {}).pop("valid_to", None)
    return rec


def test_the_sample_pass_list_is_valid() -> None:
    report = run(ROSTER, roster())
    assert report.errors == [], [f.as_dict("en") for f in report.errors]
    assert report.record["certificates"]["valid_to"] == "2026-05-26"


@pytest.mark.parametrize(
    ("score", "full", "pct", "result", "errors"),
    [(75, 100, 75, "pass", []), (74.5, 100, 74.5, "fail", ["/rows/1/score"]),
     (60, 80, 75, "pass", []), (59.5, 80, 74.37, "fail", ["/rows/1/score"]),
     (101, 100, 101, "fail", ["/rows/1/score"])],
)  # fmt: skip
def test_exam_pass_mark(
    score: float, full: float, pct: float, result: str, errors: list[str]
) -> None:
    rec = bare(roster(exam_full_marks=full))
    rec["rows"][1]["score"] = score
    rec.pop("certificates")
    report = run(ROSTER, rec)
    assert report.record["rows"][1]["result"] == result
    assert [p for p in of(report, "MIT-R27") if p.startswith("/rows/1/")] == errors
    if score <= full:
        assert report.record["rows"][1]["score_pct"] == pct


def test_hours_below_28_are_an_error_and_offsets_count_unless_the_option_says_not() -> None:
    rec = bare(roster())
    rec.pop("certificates")
    rec["rows"][0].update({"hours_completed": 11, "hours_offset": 18})
    assert of(run(ROSTER, rec), "MIT-R26") == []
    assert of(run(ROSTER, rec, offset_counts_toward_total=False), "MIT-R26") == [
        "/rows/0/hours_completed", "/rows/3/hours_completed"]
    rec["rows"][0].update({"hours_completed": 10, "hours_offset": 17.5})
    assert of(run(ROSTER, rec), "MIT-R26") == ["/rows/0/hours_completed"]


def test_certificates_before_the_list_is_filed_break_r28_and_r29() -> None:
    rec = bare(roster())
    rec["certificates"]["issue_date"] = "2024-05-15"  # MIT-R29 example 2
    report = run(ROSTER, rec)
    assert of(report, "MIT-R29") == ["/certificates/issue_date"]
    assert report.record["certificates"]["valid_to"] == "2026-05-14"
    rec.pop("approval")
    assert of(run(ROSTER, rec), "MIT-R28") == ["/certificates/issue_date"]


def test_example_1_of_mit_r29_is_in_order() -> None:
    rec = bare(roster(plan_approval_date="2024-03-01", course_from="2024-04-10",
                      course_to="2024-04-10", exam_date="2024-04-10"))
    rec["certificates"]["issue_date"] = "2024-05-27"
    assert of(run(ROSTER, rec), "MIT-R29") == []


def test_course_before_the_plan_approval_and_filing_before_the_exam_are_errors() -> None:
    rec = bare(roster(plan_approval_date="2024-04-11", submitted_date="2024-04-17"))
    assert of(run(ROSTER, rec), "MIT-R29") == ["/course_from", "/submitted_date"]


def test_no_certificate_for_a_person_who_failed() -> None:
    rec = bare(roster())
    rec["rows"][2]["score"] = 70
    assert of(run(ROSTER, rec), "MIT-R28") == ["/certificates"]


# -- X-18 -----------------------------------------------------------------------------------


def documents(**changed: dict[str, Any]) -> list[dict[str, Any]]:
    docs = {PLAN: plan(), REGISTRATION: registration(), ROSTER: roster()}
    docs.update({k.replace("_", "/", 1): v for k, v in changed.items()})
    return [{"form": form, "data": data} for form, data in docs.items()]


def x18(docs: list[dict[str, Any]], **options: Any) -> list[tuple[str | None, str, str]]:
    report = check_case(docs, as_of=AS_OF, options=options)
    return [(f.form, f.path, f.severity) for f in report.findings if f.rule == "X-18"]


def test_the_samples_are_consistent_apart_from_registrations_the_case_lacks() -> None:
    found = x18(documents())
    assert [f for f in found if f[2] == "error"] == []
    assert {f[1] for f in found if f[2] == "warning"} == {"/rows/1", "/rows/2", "/rows/3"}


def test_a_pass_list_under_another_plan_reference_is_an_error() -> None:
    docs = documents()
    docs[2]["data"]["plan_ref"] = "產發字第11300999990號"
    assert (ROSTER, "/plan_ref", "error") in x18(docs)


def test_a_trainee_who_does_not_qualify_is_an_error_on_the_pass_list() -> None:
    docs = documents()
    docs[1]["data"]["qualification_evidence"].update({"from": "2022-07-01", "to": "2023-12-31"})
    docs[1]["data"]["qualification_evidence"].pop("months")
    found = x18(docs)
    assert (ROSTER, "/rows/0", "error") in found
    assert (REGISTRATION, "/qualification_evidence/to", "error") in found


def test_offsets_the_plan_does_not_allow_or_the_registration_does_not_claim() -> None:
    docs = documents()
    docs[1]["data"]["offset_claims"][1]["subject"] = "s07"
    docs[2]["data"]["rows"][0]["hours_offset"] = 7
    docs[2]["data"]["rows"][0]["hours_completed"] = 23
    docs[2]["data"]["rows"][0].pop("hours_total")
    found = x18(docs)
    assert (REGISTRATION, "/offset_claims/1/subject", "error") in found
    assert (ROSTER, "/rows/0/hours_offset", "error") in found


def test_hours_short_of_the_plan_total_are_an_error() -> None:
    docs = documents()
    row = docs[2]["data"]["rows"][1]
    row.update({"hours_completed": 29})
    row.pop("hours_total")
    assert (ROSTER, "/rows/1/hours_completed", "error") in x18(docs)


def test_course_before_the_plan_approval_is_an_error() -> None:
    docs = documents()
    docs[0]["data"]["approval"]["date"] = "2024-04-11"
    docs[0]["data"]["course"]["dates"] = [{"date": "2024-04-11"}]
    found = x18(docs)
    assert (ROSTER, "/course_from", "error") in found
    assert (ROSTER, "/plan_approval_date", "error") in found


def _cert(**changes: Any) -> dict[str, Any]:
    """A certificate record by the keys of A.1.10 (the form is built apart)."""
    rec = {
        "cert_no": "品研訓字第1130003號",
        "holder": {"name": "黃淑惠", "id_no": "B223109484"},
        "training_body": "財團法人中華民國品質管理研究發展中心",
        "plan_approval_ref": "產發字第11300123450號",
        "training_period": {"from": "2024-04-10", "to": "2024-04-18"},
        "hours_completed": 30,
        "exam_score_pct": 75,
        "roster_filing_ref": "產發字第11300456780號",
        "issue_date": "2024-05-27",
        "valid_to": "2026-05-26",
    }
    rec.update(changes)
    return rec


def chain(cert: dict[str, Any], roster_rec: dict[str, Any] | None = None) -> list[tuple]:
    filled = {form: validate(form, rec, as_of=AS_OF).record for form, rec in (
        (PLAN, plan()), (REGISTRATION, registration()), (ROSTER, roster_rec or roster()))}
    case = Case(tuple([CaseDoc(form, rec) for form, rec in filled.items()]
                      + [CaseDoc(CERTIFICATE, cert)]))
    return [(f.form, f.path, f.severity)
            for f in check_training_chain(case, Context(as_of=AS_OF))
            if f.form == CERTIFICATE]


def test_a_certificate_consistent_with_the_pass_list() -> None:
    assert chain(_cert()) == []


def test_a_certificate_for_a_score_of_72_is_an_error() -> None:
    rec = bare(roster())
    rec["rows"][2]["score"] = 72
    found = chain(_cert(), rec)
    assert (CERTIFICATE, "/exam_score_pct", "error") in found


def test_a_certificate_holder_on_no_pass_list_is_an_error() -> None:
    cert = _cert(holder={"name": "吳宗翰", "id_no": "E125673102"})
    assert chain(cert) == [(CERTIFICATE, "/holder", "error")]


def test_a_certificate_issued_before_the_filing_is_an_error() -> None:
    assert chain(_cert(issue_date="2024-05-15")) == [(CERTIFICATE, "/issue_date", "error")]


def test_a_certificate_citing_another_plan_or_other_hours() -> None:
    found = chain(_cert(plan_approval_ref="產發字第11300000000號", hours_completed=28))
    assert found == [(CERTIFICATE, "/hours_completed", "warning"),
                     (CERTIFICATE, "/plan_approval_ref", "error")]
