"""驗證機構認證與檢驗機構認可: MIT-R06, R07, R40, R70 and X-06 (要點12–14, 45②, 46②)."""

from __future__ import annotations

import copy
from datetime import date
from typing import Any

import pytest

from formkit.case import check_case
from formkit.engine import Report, validate
from formkit.forms import get_form

A4 = "mit/annex-04-cb-accreditation-certificate"
CB = "mit/cb-accreditation-application"
LAB = "mit/lab-recognition-application"
AS_OF = date(2026, 6, 1)


def sample(form: str, **changes: Any) -> dict[str, Any]:
    rec = copy.deepcopy(get_form(form).sample)
    for key, value in changes.items():
        node = rec
        *parents, last = key.split("__")
        for part in parents:
            node = node.setdefault(part, {})
        if value is None:
            node.pop(last, None)
        else:
            node[last] = value
    return rec


def run(form: str, rec: dict[str, Any], as_of: date = AS_OF, **options: Any) -> Report:
    return validate(form, rec, as_of=as_of, options=options)


def of(report: Report, rule: str, severity: str = "error") -> list[str]:
    return [f.path for f in report.findings if f.rule == rule and f.severity == severity]


# -- MIT-R06: the certificate's validity (T4) -----------------------------------------------


@pytest.mark.parametrize(
    ("start", "end"),
    [("2023-11-01", "2026-10-31"), ("2024-02-29", "2027-02-28"), ("2023-03-01", "2026-02-28"),
     ("2024-01-01", "2026-12-31")],
)  # fmt: skip
def test_validity_is_three_years_counting_the_first_day(start: str, end: str) -> None:
    rec = sample(A4, valid_from=start, valid_to=None)
    rec["council_approval"]["date"] = "2023-01-05"
    report = run(A4, rec)
    assert report.record["valid_to"] == end
    assert report.valid


def test_a_given_validity_that_disagrees_is_an_error_of_mit_r06() -> None:
    assert of(run(A4, sample(A4, valid_to="2026-11-01")), "MIT-R06") == ["/valid_to"]


def test_example_1_the_window_opens_six_months_before_expiry() -> None:
    (info,) = [f for f in run(A4, sample(A4)).findings if f.rule == "MIT-R06"]
    assert info.severity == "info"
    assert (info.params["start"], info.params["end"]) == ("2026-05-01", "2026-10-31")


def test_expiry_before_the_reference_date_is_information() -> None:
    report = run(A4, sample(A4), as_of=date(2026, 11, 1))
    assert of(report, "MIT-R06", "info") == ["/valid_to"]
    assert "ended" in report.findings[-1].text("en")


def test_accreditation_dated_before_the_council_approved_is_an_error() -> None:
    rec = sample(A4)
    rec["council_approval"]["date"] = "2023-11-02"
    assert of(run(A4, rec), "MIT-R06") == ["/valid_from"]
    rec["council_approval"]["date"] = "2023-11-01"  # the same day is fine
    assert of(run(A4, rec), "MIT-R06") == []


def test_reissue_before_the_approval_is_an_error() -> None:
    rec = sample(A4, reissue={"date": "2023-10-19", "prior_cert_no": "產發MIT認字第109001號"})
    assert of(run(A4, rec), "MIT-R06") == ["/reissue/date"]


# -- MIT-R06: the 重新認證 window (T5, AMB-05) -----------------------------------------------


@pytest.mark.parametrize(
    ("applied", "severity"),
    [("2026-04-20", "error"),  # example 2: too early
     ("2026-04-30", "error"),  # the day before the window opens
     ("2026-05-01", None),  # the first day of the window (inclusive)
     ("2026-05-04", None),  # example 3
     ("2026-10-31", None),  # the last day of validity
     ("2026-11-01", "warning")],  # expired: handled as a new 認證
)  # fmt: skip
def test_reaccreditation_window(applied: str, severity: str | None) -> None:
    rec = sample(CB, application_date=applied)
    rec["announcement_window"] = {"from": "2026-04-01", "to": "2026-11-30"}
    found = [f.severity for f in run(CB, rec).findings if f.rule == "MIT-R06"]
    assert found == ([severity] if severity else [])


def test_window_start_is_derived_and_clamped_at_month_end() -> None:
    rec = sample(CB)
    rec["current_cert"] = {"no": "X-1", "valid_to": "2026-08-30"}
    report = run(CB, rec)
    assert report.record["current_cert"]["window_from"] == "2026-02-28"  # 08-31 − 6 months
    rec["current_cert"] = {"no": "X-1", "valid_to": "2026-10-31"}
    assert run(CB, rec).record["current_cert"]["window_from"] == "2026-05-01"


def test_same_day_reading_opens_the_window_a_day_earlier() -> None:
    rec = sample(CB, application_date="2026-04-30")
    rec["announcement_window"]["from"] = "2026-04-01"
    rec["current_cert"].pop("window_from")
    report = run(CB, rec, **{"MIT-R06": {"window_rule": "same_day"}})
    assert of(report, "MIT-R06") == []
    assert report.record["current_cert"]["window_from"] == "2026-04-30"


def test_a_wrong_window_start_given_is_an_error_of_mit_r06() -> None:
    rec = sample(CB)
    rec["current_cert"]["window_from"] = "2026-04-30"
    assert of(run(CB, rec), "MIT-R06") == ["/current_cert/window_from"]


def test_renewal_needs_the_current_certificate() -> None:
    report = run(CB, sample(CB, current_cert=None))
    assert [f.rule for f in report.errors] == ["schema"]


def test_a_first_application_has_no_window() -> None:
    rec = sample(CB, application_kind="initial", current_cert=None)
    assert [f for f in run(CB, rec).findings if f.rule == "MIT-R06"] == []


def test_the_fee_total_is_derived() -> None:
    assert run(CB, sample(CB, cond3_fee_total=None)).record["cond3_fee_total"] == 26500
    assert of(run(CB, sample(CB, cond3_fee_total=1)), "schema") == ["/cond3_fee_total"]


# -- MIT-R40: the one-year ban after 廢止 (T1) ------------------------------------------------


@pytest.mark.parametrize("form", [CB, LAB])
@pytest.mark.parametrize(
    ("abolished", "applied", "error"),
    [("2024-02-01", "2025-02-01", True),  # example 1: banned through 2025-02-01
     ("2024-02-01", "2025-02-02", False),
     ("2024-02-29", "2025-02-28", True),  # T1 from 03-01: the ban ends 02-28 (no 02-29)
     ("2024-02-29", "2025-03-01", False),
     ("2023-12-31", "2024-12-31", True),
     ("2023-12-31", "2025-01-01", False)],
)  # fmt: skip
def test_abolition_ban(form: str, abolished: str, applied: str, error: bool) -> None:
    rec = sample(form, prior_abolition_date=abolished, application_date=applied)
    rec["announcement_window"] = {"from": applied, "to": applied}
    rec.pop("current_cert", None)
    rec["application_kind"] = "initial"
    if form == LAB:
        rec.pop("application_kind")
    report = run(form, rec)
    assert of(report, "MIT-R40") == (["/application_date"] if error else [])
    if not error:
        assert of(report, "MIT-R40", "info") == ["/abolition_ban_end"]


def test_ban_end_is_derived_and_a_wrong_one_is_an_error() -> None:
    rec = sample(LAB, prior_abolition_date="2022-02-01")
    assert run(LAB, rec).record["abolition_ban_end"] == "2023-02-01"
    rec["abolition_ban_end"] = "2023-01-31"
    assert of(run(LAB, rec), "MIT-R40") == ["/abolition_ban_end"]


def test_ban_end_does_not_roll_over_a_weekend() -> None:
    # 2025-02-01 is a Saturday; a ban end is no time limit for an act (T10 does not apply).
    assert run(LAB, sample(LAB, prior_abolition_date="2024-02-01")).record[
        "abolition_ban_end"] == "2025-02-01"


# -- MIT-R70: the announced period -----------------------------------------------------------


def window(form: str, applied: str, start: str, end: str, **options: Any) -> Report:
    rec = sample(form, application_date=applied)
    rec["announcement_window"] = {"from": start, "to": end}
    rec.pop("current_cert", None)
    if form == CB:
        rec["application_kind"] = "initial"
    return run(form, rec, **options)


@pytest.mark.parametrize("form", [CB, LAB])
def test_example_1_filed_after_the_period_is_an_error(form: str) -> None:
    # 2024-03-31 is a Sunday: the period's last day moves to Monday 04-01; 04-02 is late.
    assert of(window(form, "2024-04-02", "2024-03-01", "2024-03-31"), "MIT-R70") == [
        "/application_date"]


@pytest.mark.parametrize("form", [CB, LAB])
@pytest.mark.parametrize(
    ("applied", "paths"),
    [("2024-02-29", ["/application_date"]), ("2024-03-01", []), ("2024-03-29", []),
     ("2024-03-30", ["/application_date"])],
)  # fmt: skip
def test_period_boundaries_are_inclusive(form: str, applied: str, paths: list[str]) -> None:
    assert of(window(form, applied, "2024-03-01", "2024-03-29"), "MIT-R70") == paths


def test_a_last_day_on_a_sunday_moves_to_monday() -> None:
    report = window(LAB, "2024-04-01", "2024-03-01", "2024-03-31")
    assert of(report, "MIT-R70") == []
    (info,) = [f for f in report.findings if f.rule == "MIT-R70"]
    assert info.severity == "info" and info.params["moved"] == "2024-04-01"


def test_without_roll_over_the_monday_is_late() -> None:
    report = window(LAB, "2024-04-01", "2024-03-01", "2024-03-31", rest_day_rollover=False)
    assert of(report, "MIT-R70") == ["/application_date"]


def test_a_last_day_on_a_holiday_moves_past_it() -> None:
    # 2024-10-10 (國慶日) is a Thursday holiday: the period runs on to Friday 10-11.
    assert of(window(LAB, "2024-10-11", "2024-09-01", "2024-10-10"), "MIT-R70") == []
    assert of(window(LAB, "2024-10-14", "2024-09-01", "2024-10-10"), "MIT-R70") == [
        "/application_date"]


def test_a_make_up_workday_saturday_does_not_move_the_last_day() -> None:
    # 2024-02-17 (Saturday) was a make-up workday (補行上班日): the period ends that day.
    assert of(window(LAB, "2024-02-19", "2024-02-01", "2024-02-17"), "MIT-R70") == [
        "/application_date"]


def test_a_period_that_ends_before_it_starts_is_an_error() -> None:
    assert of(window(LAB, "2024-03-05", "2024-03-31", "2024-03-01"), "MIT-R70") == [
        "/announcement_window/to"]


# -- MIT-R07: the lab's qualifications --------------------------------------------------------


def lab(**manager: Any) -> dict[str, Any]:
    rec = sample(LAB)
    for key, value in manager.items():
        who, field = key.split("__")
        rec[who][field] = value
    return rec


@pytest.mark.parametrize(
    ("years", "error"), [(3, False), (3.0, False), (2.9, True), (2.5, True), (0, True), (8, False)]
)
def test_experience_three_years_or_more(years: float, error: bool) -> None:
    report = run(LAB, lab(tech_manager__experience_years=years))
    assert of(report, "MIT-R07") == (["/tech_manager/experience_years"] if error else [])


def test_example_2_quality_manager_with_two_and_a_half_years() -> None:
    report = run(LAB, lab(qm_manager__experience_years=2.5))
    (err,) = [f for f in report.errors if f.rule == "MIT-R07"]
    assert err.path == "/qm_manager/experience_years"
    assert err.params["years"] == "2.5" and err.params["minimum"] == 3


def test_unrelated_degree_fails_only_the_technical_manager() -> None:
    report = run(LAB, lab(tech_manager__related_field=False))
    assert of(report, "MIT-R07") == ["/tech_manager/related_field"]


@pytest.mark.parametrize(("degree", "error"), [("associate", False), ("below", True)])
def test_college_or_higher(degree: str, error: bool) -> None:
    report = run(LAB, lab(qm_manager__degree=degree))
    assert of(report, "MIT-R07") == (["/qm_manager/degree"] if error else [])


def test_training_must_be_stated() -> None:
    report = run(LAB, lab(tech_manager__training="  "))
    assert of(report, "MIT-R07") == ["/tech_manager/training"]


def test_example_3_announced_recognition_skips_the_review() -> None:
    report = run(LAB, sample(LAB))
    assert of(report, "MIT-R07", "info") == ["/other_recognition"]


def test_recognition_not_announced_or_expired_does_not_skip() -> None:
    rec = sample(LAB)
    rec["other_recognition"]["announced"] = False
    assert of(run(LAB, rec), "MIT-R07", "info") == ["/other_recognition/announced"]
    rec = sample(LAB)
    rec["other_recognition"]["valid_to"] = "2024-03-11"  # the day before the application
    assert of(run(LAB, rec), "MIT-R07", "warning") == ["/other_recognition/valid_to"]
    rec["other_recognition"]["valid_to"] = "2024-03-12"  # valid on the application day
    assert of(run(LAB, rec), "MIT-R07", "info") == ["/other_recognition"]


# -- X-06 ------------------------------------------------------------------------------------


def case(old: dict[str, Any] | None, app: dict[str, Any], new: dict[str, Any] | None) -> Any:
    docs = [{"form": CB, "data": app}]
    if old is not None:
        docs.insert(0, {"form": A4, "data": old})
    if new is not None:
        docs.append({"form": A4, "data": new})
    return check_case(docs, as_of=AS_OF)


def renewed(**changes: Any) -> dict[str, Any]:
    new = sample(A4, cert_no="產發MIT認字第115007號", valid_from="2026-11-01", valid_to=None,
                 reissue={"date": "2026-10-20", "prior_cert_no": "產發MIT認字第112003號"})
    new["council_approval"] = {"session": "115年度第1次會議", "date": "2026-10-15"}
    new.update(changes)
    return new


def x06(report: Any) -> list[tuple[str | None, str]]:
    return [(f.form, f.path) for f in report.findings if f.rule == "X-06"]


def test_x06_example_1_consistent() -> None:
    report = case(sample(A4), sample(CB), renewed())
    assert x06(report) == []
    assert report.valid


def test_x06_new_validity_must_continue_the_old() -> None:
    report = case(sample(A4), sample(CB), renewed(valid_from="2026-10-20"))
    assert x06(report) == [(A4, "/valid_from")]


def test_x06_new_certificate_names_its_predecessor() -> None:
    new = renewed(reissue={"date": "2026-10-20", "prior_cert_no": "產發MIT認字第109001號"})
    assert x06(case(sample(A4), sample(CB), new)) == [(A4, "/reissue/prior_cert_no")]


def test_x06_application_outside_the_certificate_window() -> None:
    app = sample(CB, application_date="2026-04-30")
    app["announcement_window"]["from"] = "2026-04-01"
    assert (CB, "/application_date") in x06(case(sample(A4), app, None))


def test_x06_application_misquotes_the_certificate() -> None:
    app = sample(CB)
    app["current_cert"] = {"no": "產發MIT認字第112003號", "valid_to": "2026-11-30"}
    assert (CB, "/current_cert/valid_to") in x06(case(sample(A4), app, None))


def test_x06_approval_before_the_application() -> None:
    new = renewed(council_approval={"session": "115年度第1次會議", "date": "2026-05-01"},
                  reissue={"date": "2026-05-02", "prior_cert_no": "產發MIT認字第112003號"})
    assert x06(case(sample(A4), sample(CB), new)) == [(A4, "/council_approval/date")]


def test_x06_without_the_old_certificate_uses_the_application() -> None:
    assert x06(case(None, sample(CB), renewed())) == []
    assert x06(case(None, sample(CB), renewed(valid_from="2026-12-01"))) == [(A4, "/valid_from")]
