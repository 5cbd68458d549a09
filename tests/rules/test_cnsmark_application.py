"""正字標記申請書 (cnsmark/application): CNS-R01, R02, R05, R06, R09, R10 (S1, 111 edition)."""

from __future__ import annotations

import copy
from datetime import date, timedelta
from typing import Any

import pytest

from formkit.engine import fill, validate
from formkit.forms import get_form

FORM = "cnsmark/application"
AS_OF = date(2024, 6, 1)


def sample() -> dict[str, Any]:
    return copy.deepcopy(get_form(FORM).sample)


def errors(record: dict[str, Any], **kw: Any) -> set[tuple[str, str]]:
    report = validate(FORM, record, as_of=kw.pop("as_of", AS_OF), **kw)
    return {(f.rule, f.path) for f in report.findings if f.is_error}


def rules_of(record: dict[str, Any], severity: str = "error", **kw: Any) -> set[str]:
    report = validate(FORM, record, as_of=kw.pop("as_of", AS_OF), **kw)
    return {f.rule for f in report.findings if f.severity == severity}


def test_sample_is_valid_and_exempt_from_registration_copies() -> None:
    report = validate(FORM, sample(), as_of=AS_OF)
    assert report.errors == []
    assert report.record["registration_exempt"] is True


# ---- CNS-R01 eligibility and mode


def test_r01_iso_certificate_for_an_item_designated_factory_inspection() -> None:
    rec = sample()
    rec["designated_mode"] = "factory_inspection"
    assert errors(rec) >= {
        ("CNS-R01", "/mode"),
        ("CNS-R01", "/att/qms_or_inspection/type"),
    }


def test_r01_matching_mode_and_evidence_pass() -> None:
    rec = sample()
    rec.update(mode="factory_inspection", designated_mode="factory_inspection")
    rec["att"]["qms_or_inspection"]["type"] = "factory_inspection_report"
    assert "CNS-R01" not in rules_of(rec)


def test_r01_evidence_must_match_the_chosen_mode_when_no_designation_is_given() -> None:
    rec = sample()
    del rec["designated_mode"]
    rec["att"]["qms_or_inspection"]["type"] = "factory_inspection_report"
    assert ("CNS-R01", "/att/qms_or_inspection/type") in errors(rec)


def test_r01_failed_test_report() -> None:
    rec = sample()
    rec["att"]["test_report"]["result"] = "nonconform"
    assert ("CNS-R01", "/att/test_report/result") in errors(rec)


def test_r01_certificate_expired_before_the_application() -> None:
    rec = sample()
    rec["att"]["qms_or_inspection"]["valid_to"] = "2024-05-19"
    assert ("CNS-R01", "/att/qms_or_inspection/valid_to") in errors(rec)
    rec["att"]["qms_or_inspection"]["valid_to"] = "2024-05-20"
    assert "CNS-R01" not in rules_of(rec)


# ---- CNS-R02 accreditation mark


def test_r02_certificate_without_accreditation_mark() -> None:
    rec = sample()
    rec["att"]["qms_or_inspection"]["accreditation_mark"] = False
    assert ("CNS-R02", "/att/qms_or_inspection/accreditation_mark") in errors(rec)


def test_r02_on_the_report_itself() -> None:
    rec = copy.deepcopy(get_form("cnsmark/qms-or-factory-inspection-report").sample)
    rec["accreditation_mark"] = False
    report = validate("cnsmark/qms-or-factory-inspection-report", rec, as_of=AS_OF)
    assert [(f.rule, f.path) for f in report.errors] == [("CNS-R02", "/accreditation_mark")]


# ---- AMB-40 edition


def test_legacy_application_date_skips_the_rules_that_changed_and_says_so() -> None:
    rec = sample()
    rec["application_date"] = "2021-12-01"
    rec["att"]["qms_or_inspection"]["date"] = "2021-06-01"
    rec["att"]["test_report"].update(date="2021-11-01", sampling_date="2021-10-20")
    rec["att"]["qms_or_inspection"]["accreditation_mark"] = False
    rec["other_mark_exemption"] = {
        "mark": "節能標章", "registration_no": "E-1", "report_no": "R-1",
        "exempted_items": ["耗電量"], "prior_use": True,
    }
    report = validate(FORM, rec, as_of=AS_OF)
    assert report.errors == []
    assert [f.rule for f in report.findings if f.severity == "warning"] == ["CNS-R01"]
    forced = validate(FORM, rec, as_of=AS_OF, options={"edition": "111"})
    assert {f.rule for f in forced.errors} == {"CNS-R02", "CNS-R06"}


def test_edition_cutover_day_is_the_111_edition() -> None:
    rec = sample()
    rec["application_date"] = "2022-01-22"
    rec["att"]["qms_or_inspection"].update(date="2021-09-01", valid_to="2024-08-31")
    rec["att"]["test_report"].update(date="2022-01-10", sampling_date="2022-01-03")
    rec["att"]["qms_or_inspection"]["accreditation_mark"] = False
    assert "CNS-R02" in rules_of(rec)


# ---- CNS-R05 sequence


def test_r05_test_report_dated_after_the_application() -> None:
    rec = sample()
    rec["att"]["test_report"]["date"] = "2024-05-21"
    assert ("CNS-R05", "/att/test_report/date") in errors(rec)


def test_r05_certificate_dated_after_the_application() -> None:
    rec = sample()
    rec["att"]["qms_or_inspection"]["date"] = "2024-06-01"
    assert ("CNS-R05", "/att/qms_or_inspection/date") in errors(rec)


def test_r05_report_dated_on_the_application_day_is_fine() -> None:
    rec = sample()
    rec["att"]["test_report"]["date"] = "2024-05-20"
    assert "CNS-R05" not in rules_of(rec)


def test_r05_test_report_delivery_and_sampling_place() -> None:
    form = "cnsmark/product-test-report"
    rec = copy.deepcopy(get_form(form).sample)
    rec["delivered_date"] = "2024-04-09"
    rec["sampling"]["place"] = "market"
    report = validate(form, rec, as_of=AS_OF)
    assert {(f.rule, f.path) for f in report.errors} == {
        ("CNS-R05", "/delivered_date"),
        ("CNS-R05", "/sampling/place"),
    }


# ---- CNS-R06 other mark, once only


def exemption(**kw: Any) -> dict[str, Any]:
    base = {
        "mark": "節能標章", "registration_no": "EL-1130001", "registration_active": True,
        "report_no": "EL-R-113-0088", "report_date": "2024-01-15",
        "exempted_items": ["耗電量"], "prior_use": False,
    }
    return base | kw


def test_r06_first_use_of_the_other_marks_report() -> None:
    rec = sample()
    rec["other_mark_exemption"] = exemption()
    assert "CNS-R06" not in rules_of(rec)


def test_r06_second_use_is_an_error() -> None:
    rec = sample()
    rec["other_mark_exemption"] = exemption(prior_use=True)
    assert ("CNS-R06", "/other_mark_exemption/prior_use") in errors(rec)


def test_r06_registration_must_still_be_valid() -> None:
    rec = sample()
    rec["other_mark_exemption"] = exemption(registration_active=False)
    assert ("CNS-R06", "/other_mark_exemption/registration_active") in errors(rec)


def test_r06_no_items_named_is_a_warning() -> None:
    rec = sample()
    rec["other_mark_exemption"] = exemption(exempted_items=[])
    assert "CNS-R06" in rules_of(rec, "warning")
    assert "CNS-R06" not in rules_of(rec)


# ---- CNS-R09 documents


@pytest.mark.parametrize(
    ("report_date", "ok"),
    [("2023-11-20", True), ("2023-11-19", False), ("2024-05-20", True)],
)
def test_r09_six_month_look_back(report_date: str, ok: bool) -> None:
    rec = sample()
    rec["att"]["test_report"]["date"] = report_date
    del rec["att"]["test_report"]["sampling_date"]
    assert (("CNS-R09", "/att/test_report/date") not in errors(rec)) is ok


@pytest.mark.parametrize(
    ("report_date", "last_ok"),
    [("2024-02-29", "2024-08-31"), ("2023-08-30", "2024-02-29")],  # 民法 §121 month ends
)
def test_r09_look_back_month_end(report_date: str, last_ok: str) -> None:
    rec = sample()
    rec["att"]["qms_or_inspection"]["date"] = "2023-01-05"
    rec["att"]["test_report"]["date"] = report_date
    del rec["att"]["test_report"]["sampling_date"]
    rec["application_date"] = last_ok
    assert ("CNS-R09", "/att/test_report/date") not in errors(rec)
    rec["application_date"] = (date.fromisoformat(last_ok) + timedelta(days=1)).isoformat()
    assert ("CNS-R09", "/att/test_report/date") in errors(rec)


def test_r09_look_back_by_sampling_date_option() -> None:
    rec = sample()
    rec["att"]["test_report"].update(date="2024-04-10", sampling_date="2023-11-19")
    opts = {"CNS-R09": {"report_date_field": "sampling"}}
    assert ("CNS-R09", "/att/test_report/sampling_date") in errors(rec, options=opts)
    assert ("CNS-R09", "/att/test_report/sampling_date") not in errors(rec)
    del rec["att"]["test_report"]["sampling_date"]
    assert "CNS-R09" in rules_of(rec, "warning", options=opts)


def test_r09_registration_copies_needed_without_both_numbers() -> None:
    rec = sample()
    del rec["factory_reg_no"]
    report = validate(FORM, rec, as_of=AS_OF)
    assert report.record["registration_exempt"] is False
    assert ("CNS-R09", "/att/registration") in {(f.rule, f.path) for f in report.errors}
    rec["att"]["registration"] = {"title": "公司登記及工廠登記證明文件影本", "pages": 2,
                                  "copies": 1}
    assert "CNS-R09" not in rules_of(rec)


def test_r09_both_numbers_and_no_copies_is_fine() -> None:
    rec = sample()
    assert "registration" not in rec["att"]
    assert "CNS-R09" not in rules_of(rec)


@pytest.mark.parametrize("key", ["basic_data", "qms_or_inspection", "test_report"])
def test_r09_required_documents(key: str) -> None:
    rec = sample()
    del rec["att"][key]
    assert ("CNS-R09", f"/att/{key}") in errors(rec)


@pytest.mark.parametrize("fee", [None, {"amount": 0}])
def test_r09_application_fee(fee: dict[str, Any] | None) -> None:
    rec = sample()
    if fee is None:
        del rec["fee_paid"]
    else:
        rec["fee_paid"] = fee
    assert ("CNS-R09", "/fee_paid") in errors(rec)


def test_r09_japanese_certificate_needs_a_translation() -> None:
    rec = sample()
    rec["att"]["qms_or_inspection"]["attachment"]["language"] = "ja"
    assert ("CNS-R09", "/att/qms_or_inspection/attachment/language") in errors(rec)
    rec["att"]["translations"] = [
        {"translates": "qms_or_inspection", "title": "品管系統驗證證書中文譯本", "pages": 2,
         "copies": 1, "language": "zh-TW"},
    ]
    assert "CNS-R09" not in rules_of(rec)


def test_r09_a_translation_must_be_chinese() -> None:
    rec = sample()
    rec["att"]["translations"] = [
        {"translates": "basic_data", "title": "Company profile", "pages": 1, "copies": 1,
         "language": "en"},
    ]
    assert ("CNS-R09", "/att/translations/0/language") in errors(rec)


def foreign(rec: dict[str, Any]) -> dict[str, Any]:
    rec["foreign"] = True
    rec["applicant"] = {"name": "山田精工株式會社", "address": "日本國大阪府堺市堺區1-2-3",
                        "representative": "山田太郎"}
    del rec["factory_reg_no"]
    rec["att"]["registration"] = {"title": "商業登記簿謄本", "pages": 3, "copies": 1,
                                  "language": "ja"}
    rec["att"]["translations"] = [
        {"translates": "registration", "title": "商業登記簿謄本中文譯本", "pages": 3,
         "copies": 1},
    ]
    return rec


def test_r09_foreign_applicant_with_agent_and_power_of_attorney() -> None:
    rec = foreign(sample())
    rec["agent"] = {"name": "永信國際專利商標事務所", "address": "臺北市中山區南京東路二段100號"}
    rec["power_of_attorney"] = {"title": "委任書", "pages": 1, "copies": 1}
    report = validate(FORM, rec, as_of=AS_OF)
    assert report.errors == []
    assert "CNS-R09" not in {f.rule for f in report.findings if f.severity == "warning"}


def test_r09_agent_without_power_of_attorney() -> None:
    rec = foreign(sample())
    rec["agent"] = {"name": "永信國際專利商標事務所", "address": "臺北市中山區南京東路二段100號"}
    assert ("CNS-R09", "/power_of_attorney") in errors(rec)


def test_r09_foreign_applicant_without_agent_is_a_warning_only() -> None:
    rec = foreign(sample())
    assert "CNS-R09" in rules_of(rec, "warning")
    assert "CNS-R09" not in rules_of(rec)


def test_r09_given_exemption_flag_that_disagrees() -> None:
    rec = sample()
    rec["registration_exempt"] = False
    assert ("CNS-R09", "/registration_exempt") in errors(rec)


# ---- CNS-R10 rectification


def test_r10_deadline_rolls_past_a_sunday() -> None:
    rec = sample()
    rec["rectification"] = {"notice_delivered_date": "2024-02-29"}
    report = fill(FORM, rec, as_of=date(2024, 3, 15))
    assert report.record["rectification"]["deadline"] == "2024-04-01"
    assert [f.rule for f in report.findings if f.severity == "info"] == ["CNS-R10"]


def test_r10_without_rollover_option() -> None:
    rec = sample()
    rec["rectification"] = {"notice_delivered_date": "2024-02-29"}
    report = fill(FORM, rec, as_of=date(2024, 3, 15), options={"rest_day_rollover": False})
    assert report.record["rectification"]["deadline"] == "2024-03-31"


@pytest.mark.parametrize(("filed", "late"), [("2024-04-01", False), ("2024-04-02", True)])
def test_r10_filed_on_or_after_the_deadline(filed: str, late: bool) -> None:
    rec = sample()
    rec["rectification"] = {"notice_delivered_date": "2024-02-29", "filed_date": filed}
    assert (("CNS-R10", "/rectification/filed_date") in errors(rec)) is late


def test_r10_nothing_filed_once_the_deadline_has_passed() -> None:
    rec = sample()
    rec["rectification"] = {"notice_delivered_date": "2024-02-29"}
    assert ("CNS-R10", "/rectification/filed_date") in errors(rec, as_of=date(2024, 4, 2))
    assert "CNS-R10" not in rules_of(rec, as_of=date(2024, 4, 1))


def test_r10_filed_before_the_notice() -> None:
    rec = sample()
    rec["rectification"] = {"notice_delivered_date": "2024-02-29", "filed_date": "2024-02-20"}
    assert ("CNS-R10", "/rectification/filed_date") in errors(rec)


def test_r10_given_deadline_that_disagrees() -> None:
    rec = sample()
    rec["rectification"] = {"notice_delivered_date": "2024-02-29", "deadline": "2024-03-31",
                            "filed_date": "2024-03-20"}
    assert ("CNS-R10", "/rectification/deadline") in errors(rec)


def test_wrong_types_do_not_break_the_derivation() -> None:
    rec = sample()
    rec["applicant"] = "臺灣精鋼"
    rec["rectification"] = {"notice_delivered_date": 20240229}
    report = validate(FORM, rec, as_of=AS_OF)
    assert "schema" in {f.rule for f in report.errors}
    assert "deadline" not in report.record["rectification"]
    assert report.record["registration_exempt"] is False


@pytest.mark.parametrize(
    "form", [FORM, "cnsmark/qms-or-factory-inspection-report", "cnsmark/product-test-report"]
)
def test_a_filled_record_validates_unchanged(form: str) -> None:
    rec = copy.deepcopy(get_form(form).sample)
    if form == FORM:
        rec["rectification"] = {"notice_delivered_date": "2024-02-29", "filed_date": "2024-03-20"}
    first = fill(form, rec, as_of=AS_OF)
    again = validate(form, first.record, as_of=AS_OF)
    assert again.valid and again.record == first.record
