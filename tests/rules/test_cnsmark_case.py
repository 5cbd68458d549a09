"""正字標記 case rules: X-24 (application ↔ prerequisite reports) and CNS-R08 (one per product)."""

from __future__ import annotations

import copy
from datetime import date
from typing import Any

import pytest

from formkit.case import check_case
from formkit.forms import get_form

APP = "cnsmark/application"
QMS = "cnsmark/qms-or-factory-inspection-report"
TEST = "cnsmark/product-test-report"
AS_OF = date(2024, 6, 1)


def doc(form: str) -> dict[str, Any]:
    return {"form": form, "data": copy.deepcopy(get_form(form).sample)}


def trio() -> list[dict[str, Any]]:
    return [doc(APP), doc(QMS), doc(TEST)]


def findings(docs: list[dict[str, Any]]) -> set[tuple[str, str | None, str]]:
    report = check_case(docs, as_of=AS_OF)
    return {(f.rule, f.form, f.path) for f in report.findings if f.is_error}


def test_the_samples_agree() -> None:
    report = check_case(trio(), as_of=AS_OF)
    assert report.findings == []
    assert report.forms == sorted([APP, QMS, TEST])


def test_application_alone_has_nothing_to_compare() -> None:
    assert check_case([doc(APP)], as_of=AS_OF).findings == []


def test_scope_does_not_cover_the_product() -> None:
    docs = trio()
    docs[1]["data"]["scope"] = ["metal fasteners"]
    assert findings(docs) == {("X-24", QMS, "/scope")}


def test_scope_entry_naming_the_item_covers_it() -> None:
    docs = trio()
    docs[1]["data"]["scope"] = ["鋼筋混凝土用鋼筋"]
    assert findings(docs) == set()


def test_certificate_expired_on_the_application_date() -> None:
    docs = trio()
    docs[1]["data"]["valid_to"] = "2024-05-19"
    assert ("X-24", QMS, "/valid_to") in findings(docs)


def test_report_without_accreditation_mark_and_failing() -> None:
    docs = trio()
    docs[1]["data"].update(accreditation_mark=False, result="nonconform")
    got = findings(docs)
    assert {("X-24", QMS, "/accreditation_mark"), ("X-24", QMS, "/result")} <= got
    assert ("CNS-R02", QMS, "/accreditation_mark") not in got  # single-document rules stay out


def test_report_of_another_factory() -> None:
    docs = trio()
    docs[2]["data"]["factory"] = {"name": "臺灣精鋼股份有限公司高雄廠",
                                  "address": "高雄市小港區中鋼路1號"}
    assert ("X-24", TEST, "/factory") in findings(docs)


def test_factory_names_compare_after_normalising_tai() -> None:
    docs = trio()
    docs[1]["data"]["factory"]["address"] = "台中市梧棲區臨港路四段１２３號"
    assert findings(docs) == set()


def test_mode_of_the_report_differs() -> None:
    docs = trio()
    docs[1]["data"]["mode"] = "factory_inspection"
    got = findings(docs)
    assert {("X-24", APP, "/mode"), ("X-24", APP, "/designated_mode")} <= got


def test_test_report_older_than_six_months() -> None:
    docs = trio()
    docs[0]["data"]["att"]["test_report"].update(date="2023-11-19", sampling_date="2023-11-01")
    docs[2]["data"].update(report_date="2023-11-19", delivered_date="2023-11-22")
    docs[2]["data"]["sampling"]["date"] = "2023-11-01"
    assert ("X-24", TEST, "/report_date") in findings(docs)


def test_test_report_for_another_cns_and_item() -> None:
    docs = trio()
    docs[2]["data"].update(cns_standard="CNS 2473", item="一般結構用軋鋼料")
    got = findings(docs)
    assert {("X-24", TEST, "/cns_standard"), ("X-24", TEST, "/item")} <= got


def test_cns_edition_year_does_not_matter() -> None:
    docs = trio()
    docs[2]["data"]["cns_standard"] = "CNS 560:2018"
    assert findings(docs) == set()


def test_failed_test_report() -> None:
    docs = trio()
    docs[2]["data"]["overall"] = "nonconform"
    docs[2]["data"]["labelling_only_failure"] = False
    assert ("X-24", TEST, "/overall") in findings(docs)


def test_application_copies_must_name_the_actual_reports() -> None:
    docs = trio()
    docs[0]["data"]["att"]["qms_or_inspection"]["issuer"] = "另一驗證公司"
    docs[0]["data"]["att"]["test_report"]["date"] = "2024-04-11"
    got = findings(docs)
    assert {("X-24", APP, "/att/qms_or_inspection/issuer"),
            ("X-24", APP, "/att/test_report/date")} <= got


def test_random_sampling_report_is_a_warning() -> None:
    docs = trio()
    docs[2]["data"]["purpose"] = "random_sampling"
    report = check_case(docs, as_of=AS_OF)
    assert report.valid
    assert [(f.rule, f.form) for f in report.findings] == [("X-24", TEST)]


def exempting(docs: list[dict[str, Any]], report_no: str = "EL-R-113-0088") -> None:
    docs[0]["data"]["other_mark_exemption"] = {
        "mark": "節能標章", "registration_no": "EL-1130001", "registration_active": True,
        "report_no": "EL-R-113-0088", "exempted_items": ["標示"], "prior_use": False,
    }
    docs[2]["data"]["exempted_items"] = {"mark": "節能標章", "basis": report_no,
                                         "report_date": "2024-01-15", "items": ["標示"]}


def test_exempted_items_rest_on_the_named_report() -> None:
    docs = trio()
    exempting(docs)
    assert findings(docs) == set()


def test_exempted_items_on_another_report() -> None:
    docs = trio()
    exempting(docs, report_no="EL-R-112-0001")
    assert ("X-24", APP, "/other_mark_exemption/report_no") in findings(docs)


def test_exemption_claimed_but_not_applied() -> None:
    docs = trio()
    exempting(docs)
    del docs[2]["data"]["exempted_items"]
    assert ("X-24", APP, "/other_mark_exemption") in findings(docs)


def test_report_exempts_items_the_application_does_not_claim() -> None:
    docs = trio()
    exempting(docs)
    del docs[0]["data"]["other_mark_exemption"]
    assert ("X-24", TEST, "/exempted_items") in findings(docs)


def test_other_marks_report_used_twice_for_the_same_product() -> None:
    docs = trio()
    exempting(docs)
    again = copy.deepcopy(docs[0])
    again["data"]["application_date"] = "2024-05-28"
    again["data"]["factory"] = {"name": "臺灣精鋼股份有限公司高雄廠",
                                "address": "高雄市小港區中鋼路1號"}
    got = findings([*docs, again])
    assert ("X-24", APP, "/other_mark_exemption/report_no") in got


# ---- CNS-R08 one application per product (分類) and factory


def test_r08_two_applications_for_the_same_class_at_one_factory() -> None:
    second = doc(APP)
    second["data"]["product"]["model"] = "SD280W"
    assert ("CNS-R08", APP, "/item") in findings([doc(APP), second])


@pytest.mark.parametrize(
    "change",
    [
        {"factory": {"name": "臺灣精鋼股份有限公司高雄廠", "address": "高雄市小港區中鋼路1號"}},
        {"item_class": "光面鋼筋"},
    ],
)
def test_r08_other_factory_or_other_class_is_fine(change: dict[str, Any]) -> None:
    second = doc(APP)
    second["data"].update(change)
    assert not any(rule == "CNS-R08" for rule, _, _ in findings([doc(APP), second]))


def test_r08_without_classes_each_product_is_its_own_application() -> None:
    first, second = doc(APP), doc(APP)
    for d in (first, second):
        del d["data"]["item_class"]
    second["data"]["product"]["model"] = "SD280W"
    assert not any(rule == "CNS-R08" for rule, _, _ in findings([first, second]))
    second["data"]["product"]["model"] = "SD420W"
    assert ("CNS-R08", APP, "/item") in findings([first, second])
