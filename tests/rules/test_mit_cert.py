"""附件十一 驗證書: validity (T4), 展延 (MIT-R34), 補(換)發 (MIT-R33), prerequisites (MIT-R30)."""

from __future__ import annotations

import copy
from datetime import date
from typing import Any

import pytest

from formkit.engine import Report, validate

A11 = "mit/annex-11-product-certificate"
AS_OF = date(2024, 10, 1)

BASE: dict[str, Any] = {
    "cert_no": "MIT-TX-0123",
    "holder": {"name": "福興紡織股份有限公司", "address": "雲林縣虎尾鎮工業路 88 號",
               "representative": "黃文雄", "tax_id": "84641177"},
    "category": "cat1",
    "industry": "毛巾",
    "products": [{"name": "純棉緹花毛巾", "model": "FX-3276", "factory": "虎尾廠"}],
    "issue_date": "2023-03-01",
    "cb": {"name": "財團法人臺灣產品驗證中心", "signature": "吳建宏"},
    "registry_check": {"date": "2023-02-20", "name": "福興紡織股份有限公司",
                       "address": "雲林縣虎尾鎮工業路 88 號", "representative": "黃文雄"},
}  # fmt: skip


def cert(**changes: Any) -> dict[str, Any]:
    rec = copy.deepcopy(BASE)
    rec.update(changes)
    return rec


def run(rec: dict[str, Any], as_of: date = AS_OF, **options: Any) -> Report:
    return validate(A11, rec, as_of=as_of, options=options)


def of(report: Report, rule: str, severity: str = "error") -> list[str]:
    return [f.path for f in report.findings if f.rule == rule and f.severity == severity]


# -- validity (T4) --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("issued", "valid_to"),
    [("2023-11-01", "2026-10-31"), ("2024-02-29", "2027-02-28"), ("2022-03-15", "2025-03-14"),
     ("2023-03-01", "2026-02-28")],
)  # fmt: skip
def test_validity_is_three_years_counting_the_issue_day(issued: str, valid_to: str) -> None:
    report = run(cert(issue_date=issued), as_of=date(2022, 4, 1))
    assert report.record["valid_to"] == valid_to
    assert report.valid


def test_given_validity_that_disagrees_is_an_error_of_mit_r34() -> None:
    assert of(run(cert(valid_to="2026-03-01")), "MIT-R34") == ["/valid_to"]


def test_expiry_before_the_reference_date_is_reported_as_information() -> None:
    report = run(cert(issue_date="2020-01-10"))
    assert of(report, "MIT-R34", "info") == ["/valid_to"]
    assert report.valid


# -- MIT-R34 extensions ---------------------------------------------------------------------


def extended(*exts: dict[str, Any]) -> dict[str, Any]:
    return cert(issue_date="2022-03-15", extensions=list(exts))


def test_example_2_applied_before_the_window() -> None:
    report = run(extended({"applied_date": "2025-01-10"}), as_of=date(2025, 1, 20))
    (err,) = [f for f in report.findings if f.rule == "MIT-R34" and f.severity == "error"]
    assert err.path == "/extensions/0/applied_date"
    assert err.params["start"] == "2025-01-15"


@pytest.mark.parametrize(
    ("applied", "ok"),
    [("2025-01-14", False), ("2025-01-15", True), ("2025-03-14", True), ("2025-03-15", False)],
)
def test_window_boundaries(applied: str, ok: bool) -> None:
    report = run(extended({"applied_date": applied}), as_of=date(2025, 1, 20))
    assert (of(report, "MIT-R34") == []) is ok


def test_same_day_window_reading() -> None:
    report = run(extended({"applied_date": "2025-01-14"}), as_of=date(2025, 1, 20),
                 window_rule="same_day")  # fmt: skip
    assert of(report, "MIT-R34") == []


def test_example_3_extension_continues_from_the_old_end() -> None:
    report = run(extended({"applied_date": "2025-02-03", "date": "2025-03-01"}),
                 as_of=date(2025, 3, 20))  # fmt: skip
    assert report.record["extensions"][0]["new_valid_to"] == "2028-03-14"
    assert report.findings == []


def test_extension_from_the_approval_date_reading() -> None:
    report = run(extended({"applied_date": "2025-02-03", "date": "2025-03-01"}),
                 as_of=date(2025, 3, 20), extension_start="approval")  # fmt: skip
    assert report.record["extensions"][0]["new_valid_to"] == "2028-02-29"


def test_repeated_extensions_chain() -> None:
    report = run(extended({"applied_date": "2025-02-03", "date": "2025-03-01"},
                          {"applied_date": "2028-01-20", "date": "2028-02-10"}),
                 as_of=date(2028, 3, 1))  # fmt: skip
    assert [e["new_valid_to"] for e in report.record["extensions"]] == ["2028-03-14", "2031-03-14"]
    assert report.valid


def test_pending_extension_has_no_new_validity() -> None:
    report = run(extended({"applied_date": "2025-02-03"}), as_of=date(2025, 3, 20))
    assert "new_valid_to" not in report.record["extensions"][0]
    (info,) = [f for f in report.findings if f.rule == "MIT-R34"]
    assert info.severity == "info" and info.params["applied"] == "2025-02-03"


def test_given_new_validity_that_disagrees() -> None:
    ext = {"applied_date": "2025-02-03", "date": "2025-03-01", "new_valid_to": "2028-03-01"}
    assert of(run(extended(ext), as_of=date(2025, 3, 20)), "MIT-R34") == [
        "/extensions/0/new_valid_to"
    ]


def test_application_after_expiry_is_not_an_extension() -> None:
    report = run(extended({"applied_date": "2025-03-20", "date": "2025-03-25"}),
                 as_of=date(2025, 4, 1))  # fmt: skip
    assert of(report, "MIT-R34") == ["/extensions/0/applied_date"]


def test_approval_before_the_application() -> None:
    report = run(extended({"applied_date": "2025-02-03", "date": "2025-02-01"}),
                 as_of=date(2025, 3, 1))  # fmt: skip
    assert of(report, "MIT-R34") == ["/extensions/0/date"]


def test_extension_after_a_pending_one_cannot_be_checked() -> None:
    report = run(extended({"applied_date": "2025-02-03"}, {"applied_date": "2028-01-20"}),
                 as_of=date(2025, 3, 1))  # fmt: skip
    assert of(report, "MIT-R34", "warning") == ["/extensions/1"]


# -- MIT-R33 補發 / 換發 ---------------------------------------------------------------------


def reissued(**reissue: Any) -> dict[str, Any]:
    return cert(reissue=reissue)


ORIGINAL = {"cert_no": "MIT-TX-0123", "valid_to": "2026-02-28"}


def test_example_1_replacement_keeps_number_and_validity() -> None:
    report = run(reissued(mark="replace", date="2024-09-02", original=ORIGINAL))
    assert report.record["valid_to"] == "2026-02-28"
    assert report.findings == []


def test_example_2_reissue_with_a_new_number() -> None:
    rec = reissued(mark="reissue", date="2024-09-02", original=ORIGINAL)
    rec["cert_no"] = "MIT-TX-0456"
    report = run(rec)
    (err,) = [f for f in report.findings if f.rule == "MIT-R33"]
    assert err.path == "/cert_no" and err.expected == "MIT-TX-0123"


def test_validity_counted_from_the_reissue_date_is_an_error() -> None:
    rec = reissued(mark="replace", date="2024-09-02", original=ORIGINAL)
    rec["issue_date"] = "2024-09-02"
    report = run(rec)
    assert report.record["valid_to"] == "2027-09-01"
    (err,) = [f for f in report.findings if f.rule == "MIT-R33"]
    assert err.path == "/valid_to" and err.expected == "2026-02-28"


def test_issue_date_equal_to_the_reissue_date_warns_without_the_original() -> None:
    rec = reissued(mark="reissue", date="2024-09-02")
    rec["issue_date"] = "2024-09-02"
    assert of(run(rec), "MIT-R33", "warning") == ["/issue_date"]


def test_reissue_before_the_issue_date() -> None:
    assert of(run(reissued(mark="reissue", date="2023-02-01")), "MIT-R33") == ["/reissue/date"]


def test_reissue_after_expiry_warns() -> None:
    report = run(reissued(mark="reissue", date="2026-03-02"), as_of=date(2026, 3, 5))
    assert of(report, "MIT-R33", "warning") == ["/reissue/date"]


def test_reissue_keeps_an_extended_validity() -> None:
    rec = cert(
        issue_date="2022-03-15",
        extensions=[{"applied_date": "2025-02-03", "date": "2025-03-01"}],
        reissue={
            "mark": "reissue",
            "date": "2025-06-02",
            "original": {"cert_no": "MIT-TX-0123", "valid_to": "2028-03-14"},
        },
    )
    assert run(rec, as_of=date(2025, 6, 10)).findings == []


def test_reissue_needs_mark_and_date() -> None:
    assert of(run(reissued(mark="reissue")), "schema") == ["/reissue/date"]


# -- MIT-R30 issuance prerequisites ---------------------------------------------------------


def test_r30_example_1_fee_paid_after_issue() -> None:
    rec = cert(
        category="cat3",
        issue_date="2024-05-01",
        issuance={"contract_signed_date": "2024-04-30", "fee_paid_date": "2024-05-02"},
    )
    assert of(run(rec), "MIT-R30") == ["/issuance/fee_paid_date"]


def test_r30_example_2_contract_on_the_issue_day() -> None:
    rec = cert(issue_date="2024-05-03", issuance={"contract_signed_date": "2024-05-03"})
    assert run(rec).findings == []


def test_r30_third_category_needs_the_fee() -> None:
    rec = cert(
        category="cat3", issue_date="2024-05-03", issuance={"contract_signed_date": "2024-05-03"}
    )
    assert of(run(rec), "MIT-R30") == ["/issuance/fee_paid_date"]


def test_r30_contract_before_the_review_warns() -> None:
    rec = cert(
        issue_date="2024-05-03",
        issuance={"review_passed_date": "2024-04-20", "contract_signed_date": "2024-04-10"},
    )
    assert of(run(rec), "MIT-R30", "warning") == ["/issuance/contract_signed_date"]


def test_r30_is_quiet_without_an_issuance_record() -> None:
    assert [f for f in run(cert()).findings if f.rule == "MIT-R30"] == []


# -- MIT-R32 change triggers ----------------------------------------------------------------


def registry(**found: Any) -> dict[str, Any]:
    return cert(registry_check={"date": "2024-11-01", **found})


def test_r32_example_2_representative_changed_without_an_application() -> None:
    report = run(registry(representative="黃志明"), as_of=date(2024, 11, 5))
    (err,) = [f for f in report.findings if f.rule == "MIT-R32"]
    assert err.severity == "error" and err.path == "/holder/representative"
    assert err.expected == "黃志明" and err.actual == "黃文雄"


def test_r32_example_1_address_changed_and_applied_for() -> None:
    rec = registry(address="雲林縣虎尾鎮工業路 90 號", change_application_date="2024-09-02")
    report = run(rec, as_of=date(2024, 9, 10))
    assert of(report, "MIT-R32") == []
    assert of(report, "MIT-R32", "info") == ["/holder/address"]


@pytest.mark.parametrize(
    "name", ["福興紡織 股份有限公司", "福興紡織股份有限公司 ", "福興紡織股份有限公司"]
)
def test_r32_spacing_is_not_a_change(name: str) -> None:
    assert [f for f in run(registry(name=name)).findings if f.rule == "MIT-R32"] == []


def test_r32_tai_variant_is_not_a_change() -> None:
    rec = registry(address="雲林縣虎尾鎮工業路 88 號")
    rec["holder"]["address"] = "雲林縣虎尾鎮工業路88號"
    assert [f for f in run(rec).findings if f.rule == "MIT-R32"] == []


def test_r32_each_changed_field_is_reported() -> None:
    report = run(registry(name="福興家紡股份有限公司", address="雲林縣斗六市雲林路二段 1 號"))
    assert sorted(of(report, "MIT-R32")) == ["/holder/address", "/holder/name"]


def test_r32_without_registry_data_says_it_could_not_check() -> None:
    rec = cert()
    del rec["registry_check"]
    assert of(run(rec), "MIT-R32", "info") == ["/registry_check"]


# -- MIT-R68 第三類: fee before numbering ------------------------------------------------------


def numbered(numbered_date: str | None, paid: str | None, category: str = "cat3") -> Report:
    issuance = {"contract_signed_date": "2024-05-06"}
    if numbered_date:
        issuance["numbered_date"] = numbered_date
    if paid:
        issuance["fee_paid_date"] = paid
    return run(cert(category=category, issue_date="2024-05-06", issuance=issuance))


def test_r68_example_1_numbered_before_the_fee() -> None:
    report = numbered("2024-05-01", "2024-05-03")
    (err,) = [f for f in report.findings if f.rule == "MIT-R68"]
    assert err.path == "/issuance/numbered_date" and err.expected == "2024-05-03"


@pytest.mark.parametrize(
    ("day", "ok"), [("2024-05-02", False), ("2024-05-03", True), ("2024-05-04", True)]
)
def test_r68_numbering_on_or_after_the_fee_day(day: str, ok: bool) -> None:
    assert (of(numbered(day, "2024-05-03"), "MIT-R68") == []) is ok


def test_r68_numbered_without_a_fee() -> None:
    assert of(numbered("2024-05-01", None), "MIT-R68") == ["/issuance/fee_paid_date"]


def test_r68_first_category_pays_no_fee() -> None:
    assert [f for f in numbered("2024-05-01", None, "cat1").findings if f.rule == "MIT-R68"] == []


def test_r68_without_the_numbering_date_says_it_could_not_check() -> None:
    assert of(numbered(None, "2024-05-03"), "MIT-R68", "info") == ["/issuance/numbered_date"]


def test_r30_numbering_after_the_issue_date() -> None:
    assert of(numbered("2024-05-07", "2024-05-03"), "MIT-R30") == ["/issuance/numbered_date"]


def test_sample_is_valid_and_complete() -> None:
    from formkit.forms import get_form

    form = get_form(A11)
    report = validate(form, form.sample, as_of=date(2024, 8, 1))
    # A new certificate has had no registry look-up: MIT-R32 says it could not check.
    assert [(f.rule, f.severity) for f in report.findings] == [("MIT-R32", "info")]
    assert report.record["valid_to"] == "2027-07-14"
