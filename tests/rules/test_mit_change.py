"""變更 / 補發 applications (要點32): MIT-R32, MIT-R33 on the applications, and X-07 over a case."""

from __future__ import annotations

import copy
from datetime import date
from typing import Any

import pytest

from formkit.case import CaseReport, check_case
from formkit.engine import Report, validate
from formkit.forms import get_form

A11 = "mit/annex-11-product-certificate"
CHANGE = "mit/cert-change-application"
REISSUE = "mit/cert-reissue-application"
AS_OF = date(2024, 10, 1)


def sample(form_id: str) -> dict[str, Any]:
    return copy.deepcopy(get_form(form_id).sample)


def run(form_id: str, rec: dict[str, Any], as_of: date = AS_OF) -> Report:
    return validate(form_id, rec, as_of=as_of)


def of(report: Report, rule: str, severity: str = "error") -> list[str]:
    return sorted(f.path for f in report.findings if f.rule == rule and f.severity == severity)


# -- the samples ------------------------------------------------------------------------------


@pytest.mark.parametrize("form_id", [CHANGE, REISSUE])
def test_samples_are_clean(form_id: str) -> None:
    assert run(form_id, sample(form_id)).findings == []


# -- MIT-R32 on the change application ---------------------------------------------------------


def test_r32_example_1_address_change_with_proof_is_ok() -> None:
    rec = sample(CHANGE)  # address changed (registry 2024-08-20), applied 2024-09-02
    rec["changes"] = ["address"]
    rec["old"] = {"address": "雲林縣虎尾鎮工業路 88 號"}
    rec["new"] = {"address": "雲林縣虎尾鎮工業路 90 號"}
    assert of(run(CHANGE, rec), "MIT-R32") == []


def test_r32_missing_proof_is_an_error() -> None:
    rec = sample(CHANGE)
    del rec["registration_change_proof"]
    assert of(run(CHANGE, rec), "MIT-R32") == ["/registration_change_proof"]


@pytest.mark.parametrize(
    ("approved", "ok"), [("2024-09-01", True), ("2024-09-02", True), ("2024-09-03", False)]
)
def test_r32_proof_dated_on_or_before_the_application(approved: str, ok: bool) -> None:
    rec = sample(CHANGE)  # applied 2024-09-02
    rec["registration_change_proof"]["date"] = approved
    assert (of(run(CHANGE, rec), "MIT-R32") == []) is ok


def test_r32_ticked_change_needs_old_and_new() -> None:
    rec = sample(CHANGE)
    del rec["new"]["representative"]
    assert of(run(CHANGE, rec), "MIT-R32") == ["/new/representative"]


def test_r32_ticked_change_that_changes_nothing() -> None:
    rec = sample(CHANGE)
    rec["new"]["address"] = "雲林縣虎尾鎮工業路88號"  # the old value, spaced differently
    assert of(run(CHANGE, rec), "MIT-R32") == ["/new/address"]


def test_r32_real_change_not_ticked() -> None:
    rec = sample(CHANGE)
    rec["changes"] = ["address"]
    assert of(run(CHANGE, rec), "MIT-R32") == ["/changes"]


def test_r32_at_least_one_change_is_ticked() -> None:
    rec = sample(CHANGE)
    rec["changes"] = []
    assert "/changes" in of(run(CHANGE, rec), "schema")


# -- MIT-R32 on the reissue application --------------------------------------------------------


def test_r32_reissue_with_changed_holder_data_is_an_error() -> None:
    rec = sample(REISSUE)
    rec["no_change_declared"] = False
    assert of(run(REISSUE, rec), "MIT-R32") == ["/no_change_declared"]


# -- MIT-R33 -----------------------------------------------------------------------------------


@pytest.mark.parametrize("form_id", [CHANGE, REISSUE])
@pytest.mark.parametrize(("applied", "ok"), [("2026-04-19", True), ("2026-04-20", False)])
def test_r33_certificate_in_force_on_the_application_date(
    form_id: str, applied: str, ok: bool
) -> None:
    rec = sample(form_id)
    rec["cert_valid_to"] = "2026-04-19"
    rec["application_date"] = applied
    if form_id == CHANGE:
        rec["registration_change_proof"]["date"] = "2024-08-20"
    assert (of(run(form_id, rec), "MIT-R33") == []) is ok


def test_r33_damaged_certificate_is_returned() -> None:
    rec = sample(REISSUE)
    rec["reason"] = "damaged"
    assert of(run(REISSUE, rec), "MIT-R33") == ["/damaged_original"]
    rec["damaged_original"] = {"title": "毀損之驗證書正本", "pages": 1, "copies": 1}
    assert of(run(REISSUE, rec), "MIT-R33") == []


def test_r33_reason_other_than_lost_or_damaged_is_refused() -> None:
    rec = sample(REISSUE)
    rec["reason"] = "faded"
    assert "/reason" in of(run(REISSUE, rec), "schema")


def test_reason_label_is_accepted_as_input() -> None:
    rec = sample(REISSUE)
    rec["reason"] = "遺失"
    report = run(REISSUE, rec)
    assert report.record["reason"] == "lost" and report.valid


# -- X-07 ----------------------------------------------------------------------------------------

CERT: dict[str, Any] = {
    "cert_no": "MIT-TX-0123",
    "holder": {"name": "福興紡織股份有限公司", "address": "雲林縣虎尾鎮工業路 88 號",
               "representative": "黃文雄", "tax_id": "84641177"},
    "category": "cat1",
    "industry": "毛巾",
    "products": [{"name": "純棉緹花毛巾", "model": "FX-3276", "factory": "虎尾廠"}],
    "issue_date": "2023-03-01",
    "cb": {"name": "財團法人臺灣產品驗證中心", "signature": "吳建宏"},
}  # fmt: skip


def original() -> dict[str, Any]:
    return copy.deepcopy(CERT)


def replaced(**reissue: Any) -> dict[str, Any]:
    rec = original()
    rec["holder"]["address"] = "雲林縣虎尾鎮工業路 90 號"
    rec["reissue"] = {"mark": "replace", "date": "2024-09-10", **reissue}
    return rec


def duplicate(**reissue: Any) -> dict[str, Any]:
    rec = original()
    rec["reissue"] = {"mark": "reissue", "date": "2024-10-20", **reissue}
    return rec


def change_app() -> dict[str, Any]:
    return {
        "applicant": {"name": "福興紡織股份有限公司", "tax_id": "84641177",
                      "address": "雲林縣虎尾鎮工業路 90 號", "representative": "黃文雄"},
        "cb": {"name": "財團法人臺灣產品驗證中心"},
        "cert_no": "MIT-TX-0123",
        "cert_valid_to": "2026-02-28",
        "changes": ["address"],
        "old": {"address": "雲林縣虎尾鎮工業路 88 號"},
        "new": {"address": "雲林縣虎尾鎮工業路 90 號"},
        "registration_change_proof": {"title": "公司變更登記表", "date": "2024-08-20",
                                      "pages": 2, "copies": 1},
        "application_date": "2024-09-02",
    }  # fmt: skip


def reissue_app(reason: str = "lost") -> dict[str, Any]:
    return {
        "applicant": {"name": "福興紡織股份有限公司", "tax_id": "84641177",
                      "address": "雲林縣虎尾鎮工業路 88 號", "representative": "黃文雄"},
        "cb": {"name": "財團法人臺灣產品驗證中心"},
        "cert_no": "MIT-TX-0123",
        "cert_valid_to": "2026-02-28",
        "reason": reason,
        "no_change_declared": True,
        "application_date": "2024-10-14",
    }  # fmt: skip


def check(*docs: tuple[str, dict[str, Any]], as_of: date = AS_OF) -> CaseReport:
    return check_case([{"form": f, "data": d} for f, d in docs], as_of=as_of)


def x07(report: CaseReport, severity: str = "error") -> list[tuple[str | None, str]]:
    return sorted(
        (f.form, f.path) for f in report.findings if f.rule == "X-07" and f.severity == severity
    )


def test_x07_consistent_change_case() -> None:
    report = check((CHANGE, change_app()), (A11, original()), (A11, replaced()))
    assert x07(report) == [] and x07(report, "warning") == []


def test_x07_consistent_reissue_case() -> None:
    report = check((REISSUE, reissue_app()), (A11, original()), (A11, duplicate()))
    assert [f for f in report.findings if f.is_error] == []


def test_x07_example_1_validity_restarted_on_the_reissue() -> None:
    new = replaced()
    new["issue_date"] = "2024-09-02"  # valid_to derives as 2027-09-01
    report = check((CHANGE, change_app()), (A11, original()), (A11, new))
    assert (A11, "/valid_to") in x07(report)
    (err,) = [f for f in report.findings if f.rule == "X-07" and f.path == "/valid_to"]
    assert err.expected == "2026-02-28" and err.actual == "2027-09-01"


def test_x07_new_number_is_an_error() -> None:
    new = duplicate()
    new["cert_no"] = "MIT-TX-0456"
    report = check((REISSUE, reissue_app()), (A11, original()), (A11, new))
    assert (A11, "/cert_no") in x07(report)


@pytest.mark.parametrize(("day", "ok"), [("2024-09-01", False), ("2024-09-02", True)])
def test_x07_reissue_on_or_after_the_application(day: str, ok: bool) -> None:
    report = check((CHANGE, change_app()), (A11, original()), (A11, replaced(date=day)))
    assert ((A11, "/reissue/date") not in x07(report)) is ok


@pytest.mark.parametrize(("day", "ok"), [("2026-02-28", True), ("2026-03-01", False)])
def test_x07_reissue_no_later_than_the_original_expiry(day: str, ok: bool) -> None:
    report = check((REISSUE, reissue_app()), (A11, original()), (A11, duplicate(date=day)),
                   as_of=date(2026, 3, 2))  # fmt: skip
    assert ((A11, "/reissue/date") not in x07(report)) is ok


def test_x07_replacement_must_carry_the_new_values() -> None:
    new = replaced()
    new["holder"]["address"] = "雲林縣虎尾鎮工業路 92 號"
    report = check((CHANGE, change_app()), (A11, original()), (A11, new))
    assert x07(report) == [(A11, "/holder/address")]


def test_x07_replacement_must_not_change_other_fields() -> None:
    new = replaced()
    new["holder"]["representative"] = "黃志明"
    report = check((CHANGE, change_app()), (A11, original()), (A11, new))
    assert x07(report) == [(A11, "/holder/representative")]


@pytest.mark.parametrize(("approved", "ok"), [("2024-09-02", True), ("2024-09-03", False)])
def test_x07_proof_dated_no_later_than_the_application(approved: str, ok: bool) -> None:
    app = change_app()
    app["registration_change_proof"]["date"] = approved
    report = check((CHANGE, app), (A11, original()), (A11, replaced()))
    assert ((CHANGE, "/registration_change_proof/date") not in x07(report)) is ok


def test_x07_replacement_without_proof() -> None:
    app = change_app()
    del app["registration_change_proof"]
    report = check((CHANGE, app), (A11, original()), (A11, replaced()))
    assert (CHANGE, "/registration_change_proof") in x07(report)


def test_x07_mark_must_match_the_application() -> None:
    report = check((REISSUE, reissue_app()), (A11, original()), (A11, replaced(date="2024-10-20")))
    errors = x07(report)
    assert (A11, "/reissue/mark") in errors
    assert (A11, "/holder/address") in errors  # a 補發 copies the original's holder data


def test_x07_old_values_differ_from_the_certificate_warns() -> None:
    app = change_app()
    app["old"]["address"] = "雲林縣虎尾鎮工業路 86 號"
    report = check((CHANGE, app), (A11, original()), (A11, replaced()))
    assert x07(report, "warning") == [(CHANGE, "/old/address")]


def test_x07_application_after_expiry() -> None:
    app = reissue_app()
    app["application_date"] = "2026-03-02"
    report = check((REISSUE, app), (A11, original()), as_of=date(2026, 3, 5))
    assert (REISSUE, "/application_date") in x07(report)


def test_x07_extended_certificate_keeps_the_extended_validity() -> None:
    old = original()
    old["issue_date"] = "2022-03-15"
    old["extensions"] = [{"applied_date": "2025-02-03", "date": "2025-03-01"}]
    new = copy.deepcopy(old)
    new["reissue"] = {"mark": "reissue", "date": "2025-06-02"}
    app = reissue_app()
    app.update(cert_valid_to="2028-03-14", application_date="2025-05-20")
    report = check((REISSUE, app), (A11, old), (A11, new), as_of=date(2025, 6, 10))
    assert x07(report) == [] and x07(report, "warning") == []


def test_x07_without_the_original_uses_the_stated_validity() -> None:
    new = replaced()
    new["issue_date"] = "2024-09-02"
    report = check((CHANGE, change_app()), (A11, new))
    assert (A11, "/valid_to") in x07(report)
    assert (CHANGE, "/cert_no") in x07(report, "info")


def test_x07_not_reissued_yet_is_information() -> None:
    report = check((CHANGE, change_app()), (A11, original()))
    assert x07(report) == [] and x07(report, "info") == [(CHANGE, "/cert_no")]


def test_x07_is_quiet_on_a_single_certificate() -> None:
    assert [f for f in check((A11, original())).findings if f.rule == "X-07"] == []


def test_x07_without_application_still_compares_the_two_certificates() -> None:
    new = duplicate()
    new["cert_no"] = "MIT-TX-0456"
    report = check((A11, original()), (A11, new))
    assert x07(report) == [(A11, "/cert_no")]  # the case's only original
    new["cert_no"] = "MIT-TX-0123"
    new["issue_date"] = "2024-10-20"
    report = check((A11, original()), (A11, new))
    assert x07(report) == [(A11, "/valid_to")]
