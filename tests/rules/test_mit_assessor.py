"""附件十 訓練合格證書 and its 展延申請: MIT-R24, R27, R28, R67 and X-17.

Worked examples of catalogue Part B (MIT-R24 ex. 1, MIT-R27 ex. 1–3, MIT-R28 ex. 1–3,
MIT-R67 ex. 1) and of Part C (X-17 ex. 1), with the boundaries the wording implies:
「百分之七十五」 inclusive, the window 「屆滿前三個月內」 inclusive at both ends (T5), 「至少
二次」 inclusive, month ends in T4.
"""

from __future__ import annotations

import copy
from datetime import date
from typing import Any

import pytest

from formkit.case import CaseReport, check_case
from formkit.engine import Report, validate
from formkit.forms import get_form

CERT = "mit/annex-10-training-certificate"
APP = "mit/annex-10-training-cert-renewal-application"
A7 = "mit/annex-07-qms-assessment"
AS_OF = date(2026, 5, 1)

# MIT-R28 example 1: issued 2024-07-01, valid to 2026-06-30.
BASE: dict[str, Any] = {
    "cert_no": "MIT-QA-113-0105",
    "holder": {"name": "陳淑芬", "id_no": "F224731680"},
    "training_body": {"name": "社團法人中華產業品質協會", "head": "王國榮"},
    "plan_approval_ref": "經產發字第11300045610號",
    "training_period": {"from": "2024-06-03", "to": "2024-06-07"},
    "hours_completed": 29,
    "exam_score_pct": 82,
    "roster_filing": {"ref": "經產發字第11300211870號", "date": "2024-06-25"},
    "issue_date": "2024-07-01",
}  # fmt: skip


def cert(**changes: Any) -> dict[str, Any]:
    rec = copy.deepcopy(BASE)
    rec.update(changes)
    return rec


def run(rec: dict[str, Any], as_of: date = AS_OF, form: str = CERT, **options: Any) -> Report:
    return validate(form, rec, as_of=as_of, options=options)


def of(report: Report | CaseReport, rule: str, severity: str = "error") -> list[str]:
    return [f.path for f in report.findings if f.rule == rule and f.severity == severity]


# -- validity (T4) and renewals (MIT-R28) --------------------------------------------------


@pytest.mark.parametrize(
    ("issued", "valid_to"),
    [("2024-07-01", "2026-06-30"), ("2024-02-29", "2026-02-28"), ("2023-03-01", "2025-02-28"),
     ("2022-08-15", "2024-08-14")],
)  # fmt: skip
def test_validity_is_two_years_counting_the_issue_day(issued: str, valid_to: str) -> None:
    report = run(cert(issue_date=issued), as_of=date(2022, 9, 1))
    assert report.record["valid_to"] == valid_to
    assert "/valid_to" not in of(report, "MIT-R28")


def test_a_given_validity_that_disagrees_is_an_error_of_mit_r28() -> None:
    assert of(run(cert(valid_to="2026-07-01")), "MIT-R28") == ["/valid_to"]


def test_example_1_renewed_to_2028_06_30() -> None:
    rec = cert(renewals=[{"applied_date": "2026-05-10", "renewal_date": "2026-06-15",
                          "assessments_count": 3}])
    report = run(rec)
    assert report.record["renewals"][0]["new_valid_to"] == "2028-06-30"
    assert report.errors == []


def test_renewal_from_the_approval_date_is_the_other_reading_of_amb_12() -> None:
    rec = cert(renewals=[{"applied_date": "2026-05-10", "renewal_date": "2026-06-15",
                          "assessments_count": 3}])
    report = run(rec, extension_start="approval")
    assert report.record["renewals"][0]["new_valid_to"] == "2028-06-14"


@pytest.mark.parametrize(
    ("applied", "ok"),
    [("2026-03-25", False), ("2026-03-31", False), ("2026-04-01", True), ("2026-06-30", True),
     ("2026-07-01", False)],
)  # fmt: skip
def test_example_2_the_window_is_the_last_three_months(applied: str, ok: bool) -> None:
    rec = cert(renewals=[{"applied_date": applied, "assessments_count": 2}])
    found = of(run(rec), "MIT-R28")
    assert found == ([] if ok else ["/renewals/0/applied_date"])


def test_the_same_day_reading_of_amb_05_opens_the_window_on_the_30th() -> None:
    rec = cert(renewals=[{"applied_date": "2026-03-30", "assessments_count": 2}])
    assert of(run(rec), "MIT-R28") == ["/renewals/0/applied_date"]
    assert of(run(rec, window_rule="same_day"), "MIT-R28") == []


@pytest.mark.parametrize(("count", "ok"), [(0, False), (1, False), (2, True), (3, True)])
def test_example_3_at_least_two_assessments(count: int, ok: bool) -> None:
    rec = cert(renewals=[{"applied_date": "2026-05-10", "assessments_count": count}])
    assert of(run(rec), "MIT-R28") == ([] if ok else ["/renewals/0/assessments_count"])


def test_the_log_holding_fewer_assessments_than_declared_is_a_warning() -> None:
    rec = cert(renewals=[{"applied_date": "2026-05-10", "assessments_count": 2}],
               assessments=[{"date": "2025-03-01", "company": "大興食品股份有限公司"},
                            {"date": "2026-05-11", "company": "福興紡織股份有限公司"}])
    assert of(run(rec), "MIT-R28", "warning") == ["/renewals/0/assessments_count"]


@pytest.mark.parametrize(("filed", "ok"), [("2024-07-01", True), ("2024-07-02", False)])
def test_issued_only_after_the_pass_list_is_filed(filed: str, ok: bool) -> None:
    rec = cert(roster_filing={"ref": "經產發字第11300211870號", "date": filed})
    assert of(run(rec), "MIT-R28") == ([] if ok else ["/issue_date"])


def test_a_renewal_approved_before_it_was_applied_for_is_an_error() -> None:
    rec = cert(renewals=[{"applied_date": "2026-05-10", "renewal_date": "2026-05-09",
                          "assessments_count": 2}])
    assert of(run(rec), "MIT-R28") == ["/renewals/0/renewal_date"]


# -- MIT-R27 ------------------------------------------------------------------------------


@pytest.mark.parametrize(("pct", "ok"), [(75, True), (74.99, False), (100, True), (0, False)])
def test_pass_mark_is_75_percent_inclusive(pct: float, ok: bool) -> None:
    assert of(run(cert(exam_score_pct=pct)), "MIT-R27") == ([] if ok else ["/exam_score_pct"])


@pytest.mark.parametrize(
    ("score", "top", "ok"), [(75, 100, True), (74.5, 100, False), (60, 80, True), (59.5, 80, False)]
)
def test_examples_1_to_3_compare_score_and_total_exactly(score: float, top: float,
                                                         ok: bool) -> None:
    pct = round(100 * score / top, 2)
    rec = cert(exam_score_pct=pct, exam_score={"score": score, "max": top})
    assert bool(of(run(rec), "MIT-R27")) is not ok


def test_a_percentage_that_does_not_match_the_score_is_an_error() -> None:
    rec = cert(exam_score_pct=90, exam_score={"score": 60, "max": 80})
    assert of(run(rec), "MIT-R27") == ["/exam_score_pct"]


# -- MIT-R24 ------------------------------------------------------------------------------


def test_example_1_assessment_after_expiry_without_renewal() -> None:
    rec = cert(assessments=[{"date": "2026-06-30", "company": "大興食品股份有限公司"},
                            {"date": "2026-07-02", "company": "福興紡織股份有限公司"}])
    assert of(run(rec, as_of=date(2026, 8, 1)), "MIT-R24") == ["/assessments/1/date"]


def test_an_approved_renewal_covers_the_later_assessment() -> None:
    rec = cert(assessments=[{"date": "2026-07-02", "company": "福興紡織股份有限公司"}],
               renewals=[{"applied_date": "2026-05-10", "renewal_date": "2026-06-15",
                          "assessments_count": 2}])
    assert of(run(rec, as_of=date(2026, 8, 1)), "MIT-R24") == []


def test_an_assessment_on_or_after_revocation_is_an_error() -> None:
    rec = cert(assessments=[{"date": "2025-09-30", "company": "大興食品股份有限公司"},
                            {"date": "2025-10-01", "company": "福興紡織股份有限公司"}],
               revoked={"date": "2025-10-01", "ground": "g3", "verified": True})
    assert of(run(rec), "MIT-R24") == ["/assessments/1/date"]
    assert of(run(rec), "MIT-R24", "info") == ["/revoked/date"]


def test_expiry_as_of_the_reference_date_is_information() -> None:
    assert of(run(cert(), as_of=date(2026, 7, 1)), "MIT-R24", "info") == ["/valid_to"]
    assert of(run(cert(), as_of=date(2026, 6, 30)), "MIT-R24", "info") == []


# -- MIT-R67 ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("revoked", "paths"),
    [
        ({"ground": "other", "ground_text": "遲交評核報告", "verified": True}, ["/revoked/ground"]),
        ({"ground": "g3"}, ["/revoked/verified"]),
        ({"ground": "g3", "verified": False}, ["/revoked/verified"]),
        ({"ground": "g3", "verified": True}, []),
        ({"ground": "g5", "verified": True}, ["/revoked/serious_impact"]),
        ({"ground": "g5", "verified": True, "serious_impact": False}, ["/revoked/serious_impact"]),
        ({"ground": "g5", "verified": True, "serious_impact": True}, []),
    ],
)  # fmt: skip
def test_revocation_only_on_the_grounds_of_point_48(revoked: dict[str, Any],
                                                    paths: list[str]) -> None:
    rec = cert(revoked={"date": "2025-10-01", **revoked})
    assert of(run(rec), "MIT-R67") == paths


def test_revocation_before_issue_is_an_error() -> None:
    rec = cert(revoked={"date": "2024-06-30", "ground": "g1", "verified": True})
    assert of(run(rec), "MIT-R67") == ["/revoked/date"]


# -- the renewal application (MIT-R28) -----------------------------------------------------


def application(**changes: Any) -> dict[str, Any]:
    rec = copy.deepcopy(get_form(APP).sample)
    rec.pop("assessments_count", None)
    rec.update(changes)
    return rec


def test_the_sample_application_counts_three_assessments() -> None:
    report = run(application(), as_of=date(2024, 7, 1), form=APP)
    assert report.record["assessments_count"] == 3
    assert report.errors == []


@pytest.mark.parametrize(
    ("applied", "ok"),
    [("2024-05-14", False), ("2024-05-15", True), ("2024-08-14", True), ("2024-08-15", False)],
)  # fmt: skip
def test_application_within_the_last_three_months(applied: str, ok: bool) -> None:
    report = run(application(application_date=applied), as_of=date(2024, 9, 1), form=APP)
    assert of(report, "MIT-R28") == ([] if ok else ["/application_date"])


def test_application_with_one_assessment_in_validity_is_an_error() -> None:
    rows = get_form(APP).sample["assessments"]
    early = dict(rows[0], date="2022-08-14")  # the day before the validity began
    report = run(application(assessments=[early, rows[2]]), as_of=date(2024, 7, 1), form=APP)
    assert report.record["assessments_count"] == 1
    assert of(report, "MIT-R28") == ["/assessments"]
    assert of(report, "MIT-R28", "warning") == ["/assessments/0/date"]


def test_application_to_another_training_body_is_an_error() -> None:
    report = run(application(issuing_body="財團法人中衛發展中心"), as_of=date(2024, 7, 1),
                 form=APP)
    assert of(report, "MIT-R28") == ["/issuing_body"]


def test_without_valid_from_the_period_starts_two_years_before_the_end() -> None:
    rec = application()
    rec.pop("valid_from")
    assert run(rec, as_of=date(2024, 7, 1), form=APP).record["assessments_count"] == 3


# -- X-17 ---------------------------------------------------------------------------------


def a7(day: str, case_no: str = "TTRC-MIT-113-0457", **changes: Any) -> dict[str, Any]:
    rec = copy.deepcopy(get_form(A7).sample)
    rec["assessment_date"] = day
    rec["sign_date"] = day
    rec["summary"]["case_no"] = case_no
    rec["assessor_training_cert_no"] = BASE["cert_no"]
    rec.update(changes)
    return rec


def case(*docs: tuple[str, dict[str, Any]], as_of: date = date(2026, 8, 1)) -> CaseReport:
    return check_case([{"form": f, "data": d} for f, d in docs], as_of=as_of)


@pytest.mark.parametrize(("day", "ok"), [("2026-06-30", True), ("2026-07-02", False),
                                         ("2024-06-30", False), ("2024-07-01", True)])
def test_x17_example_1_the_assessment_date_within_validity(day: str, ok: bool) -> None:
    report = case((CERT, cert()), (A7, a7(day)))
    assert of(report, "X-17") == ([] if ok else ["/assessment_date"])


def test_x17_matches_the_assessor_by_name_without_a_certificate_number() -> None:
    rec = a7("2026-07-02")
    rec.pop("assessor_training_cert_no")
    assert of(case((CERT, cert()), (A7, rec)), "X-17") == ["/assessment_date"]
    rec["assessor_signature"] = "林美玲"
    assert of(case((CERT, cert()), (A7, rec)), "X-17") == []


def test_x17_an_assessment_after_revocation() -> None:
    rec = cert(revoked={"date": "2025-10-01", "ground": "g4", "verified": True})
    assert of(case((CERT, rec), (A7, a7("2025-10-01"))), "X-17") == ["/assessment_date"]
    assert of(case((CERT, rec), (A7, a7("2025-09-30"))), "X-17") == []


def _app_for_base(**changes: Any) -> dict[str, Any]:
    rows = [{"date": "2025-03-10", "company": "福興紡織股份有限公司",
             "case_no": "TTRC-MIT-114-0101", "a7_ref": "TTRC-MIT-114-0101"},
            {"date": "2026-02-17", "company": "福興紡織股份有限公司",
             "case_no": "TTRC-MIT-115-0033", "a7_ref": "TTRC-MIT-115-0033"}]
    return application(cert_no=BASE["cert_no"], cert_issuer="社團法人中華產業品質協會",
                       valid_from="2024-07-01", valid_to="2026-06-30", assessments=rows,
                       application_date="2026-05-10", **changes)


def test_x17_a_consistent_renewal_case() -> None:
    report = case((CERT, cert()), (APP, _app_for_base()),
                  (A7, a7("2025-03-10", "TTRC-MIT-114-0101")),
                  (A7, a7("2026-02-17", "TTRC-MIT-115-0033")), as_of=date(2026, 5, 20))
    assert of(report, "X-17") == []


def test_x17_renewal_listing_a_wrong_date_and_body() -> None:
    report = case((CERT, cert()), (APP, _app_for_base(issuing_body="財團法人中衛發展中心")),
                  (A7, a7("2025-03-11", "TTRC-MIT-114-0101")),
                  (A7, a7("2026-02-17", "TTRC-MIT-115-0033")), as_of=date(2026, 5, 20))
    assert sorted(of(report, "X-17")) == ["/assessments", "/assessments/0/date",
                                          "/issuing_body"]


def test_x17_rows_not_in_the_case_are_reported_as_not_checked() -> None:
    report = case((CERT, cert()), (APP, _app_for_base()),
                  (A7, a7("2026-02-17", "TTRC-MIT-115-0033")), as_of=date(2026, 5, 20))
    assert of(report, "X-17") == []
    assert of(report, "X-17", "info") == ["/assessments"]


def test_x17_an_assessment_signed_by_someone_else_is_an_error() -> None:
    other = a7("2025-03-10", "TTRC-MIT-114-0101", assessor_training_cert_no="MIT-QA-112-0999")
    report = case((CERT, cert()), (APP, _app_for_base()), (A7, other),
                  (A7, a7("2026-02-17", "TTRC-MIT-115-0033")), as_of=date(2026, 5, 20))
    assert "/assessments/0" in of(report, "X-17")
