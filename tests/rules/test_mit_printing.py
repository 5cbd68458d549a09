"""附件十四 標章印製: MIT-R35, R36, R45–R50, R72 and X-16 (the approval list by its id)."""

from __future__ import annotations

import copy
import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from formkit import rules as registry
from formkit.case import check_case
from formkit.engine import Report, validate
from formkit.rules import Case, CaseDoc, Context
from formkit.rules.mit_printing import APPROVAL_LIST, check_print_chain

SELF = "mit/annex-14-self-print-application"
AGENCY = "mit/annex-14-agency-print-application"
OBJECTION = "mit/annex-14-approval-objection"
DELIVERY = "mit/annex-14-delivery-discrepancy-report"
AS_OF = date(2024, 6, 1)
SAMPLES = Path(__file__).resolve().parents[2] / "samples" / "mit"


def sample(form: str, **changes: Any) -> dict[str, Any]:
    rec = json.loads((SAMPLES / f"{form.split('/')[1]}.json").read_text(encoding="utf-8"))
    for key in [k for k, v in changes.items() if v is None]:
        rec.pop(key, None)
    rec.update({k: v for k, v in changes.items() if v is not None})
    return rec


def run(form: str, rec: dict[str, Any], as_of: date = AS_OF, **options: Any) -> Report:
    return validate(form, rec, as_of=as_of, options=options)


def of(report: Report, rule: str, severity: str = "error") -> list[str]:
    return [f.path for f in report.findings if f.rule == rule and f.severity == severity]


def test_the_samples_are_valid_without_warnings_of_these_rules() -> None:
    for form in (SELF, AGENCY, OBJECTION, DELIVERY):
        report = run(form, sample(form))
        assert report.errors == [], form
        assert [f.rule for f in report.findings if f.severity == "warning"] == [], form


# -- MIT-R45 self-print application --------------------------------------------------------


def test_r45_example_1_one_copy_of_the_samples_is_an_error() -> None:
    report = run(SELF, sample(SELF, samples={"copies": 1}))
    assert of(report, "MIT-R45") == ["/samples/copies"]


@pytest.mark.parametrize(("copies", "errors"), [(1, ["/application_copies"]), (2, []), (3, [])])
def test_r45_application_in_two_copies(copies: int, errors: list[str]) -> None:
    assert of(run(SELF, sample(SELF, application_copies=copies)), "MIT-R45") == errors


def test_r45_example_2_approved_registered_then_printed_is_ok() -> None:
    rec = sample(SELF, review={"result": "approved", "date": "2024-04-02", "conforms": True},
                 system_registration_date="2024-04-03", print_start_date="2024-04-05")
    report = run(SELF, rec)
    assert of(report, "MIT-R45") == of(report, "MIT-R72") == []
    assert of(report, "MIT-R45", "warning") == []


def test_r45_second_category_follows_the_adopted_scheme() -> None:
    assert of(run(SELF, sample(SELF, category="cat2")), "MIT-R45") == ["/category"]
    assert of(run(SELF, sample(SELF, category="cat3")), "MIT-R45") == []


def test_r45_samples_that_break_the_usage_principles_cannot_be_approved() -> None:
    rec = sample(SELF, review={"result": "approved", "date": "2024-04-02", "conforms": False})
    assert of(run(SELF, rec), "MIT-R45") == ["/review/conforms"]


def test_r45_registration_needs_an_approval_before_it() -> None:
    rec = sample(SELF, system_registration_date="2024-04-01")
    assert of(run(SELF, rec), "MIT-R45") == ["/system_registration_date"]
    rejected = sample(SELF, review={"result": "rejected", "date": "2024-04-02"},
                      print_start_date=None)
    assert of(run(SELF, rejected), "MIT-R45") == ["/system_registration_date"]


def test_r45_approval_not_registered_is_a_warning() -> None:
    rec = sample(SELF, system_registration_date=None)
    assert of(run(SELF, rec), "MIT-R45", "warning") == ["/system_registration_date"]


def test_r45_association_named_when_entrusted() -> None:
    rec = sample(SELF, association=None)
    assert of(run(SELF, rec), "MIT-R45", "warning") == ["/association"]


# -- MIT-R72 printing without approval -----------------------------------------------------


def test_r72_example_printed_without_any_approval_record() -> None:
    rec = sample(SELF, review=None, system_registration_date=None,
                 print_start_date="2024-06-01")
    assert of(run(SELF, rec), "MIT-R72") == ["/print_start_date"]


@pytest.mark.parametrize(("start", "errors"), [("2024-04-01", ["/print_start_date"]),
                                               ("2024-04-02", []), ("2024-04-03", [])])
def test_r72_printing_from_the_approval_day_on(start: str, errors: list[str]) -> None:
    assert of(run(SELF, sample(SELF, print_start_date=start)), "MIT-R72") == errors


def test_r72_printing_after_a_rejection_is_a_violation() -> None:
    rec = sample(SELF, review={"result": "rejected", "date": "2024-04-02"},
                 system_registration_date=None)
    assert of(run(SELF, rec), "MIT-R72") == ["/print_start_date"]


# -- MIT-R35 artwork fidelity --------------------------------------------------------------


@pytest.mark.parametrize(
    ("x", "y", "errors"),
    [(50, 50, []), (120, 100, ["/artwork/scale_y"]), (100, 101, []), (100, 101.5,
                                                                        ["/artwork/scale_y"])],
)
def test_r35_only_proportional_scaling(x: float, y: float, errors: list[str]) -> None:
    rec = sample(SELF, artwork={"scale_x": x, "scale_y": y, "colour": "registered"})
    assert of(run(SELF, rec), "MIT-R35") == errors


def test_r35_tolerance_is_an_option() -> None:
    rec = sample(SELF, artwork={"scale_x": 100, "scale_y": 101, "colour": "registered"})
    assert of(run(SELF, rec, **{"MIT-R35": {"scale_tolerance": 0}}), "MIT-R35") == [
        "/artwork/scale_y"]


def test_r35_colour_and_added_wording() -> None:
    rec = sample(SELF, artwork={"scale_x": 80, "scale_y": 80, "colour": "changed",
                                "added_text": "台灣第一"})
    assert sorted(of(run(SELF, rec), "MIT-R35")) == ["/artwork/added_text", "/artwork/colour"]


def test_r35_consent_of_the_agency_allows_changes() -> None:
    rec = sample(SELF, artwork={"scale_x": 120, "scale_y": 100, "colour": "changed",
                                "consent_ref": "產發字第1130012345號"})
    report = run(SELF, rec)
    assert of(report, "MIT-R35") == []
    assert of(report, "MIT-R35", "info") == ["/artwork/consent_ref"]


# -- MIT-R36 products not authorised -------------------------------------------------------


def test_r36_example_model_b_not_certified() -> None:
    report = run(SELF, sample(SELF), certified_models=["ZY-RW12"])
    assert of(report, "MIT-R36") == ["/products/1/model"]
    assert of(run(SELF, sample(SELF), certified_models=["ZY-RW12", "ZY-SK40"]), "MIT-R36") == []


def test_r36_without_the_certified_models_says_what_it_did_not_check() -> None:
    assert of(run(SELF, sample(SELF)), "MIT-R36", "info") == ["/products"]


# -- MIT-R46 本署 printing -----------------------------------------------------------------


def test_r46_example_1_third_category_cannot_ask_for_agency_printing() -> None:
    assert of(run(AGENCY, sample(AGENCY, category="cat3")), "MIT-R46") == ["/category"]


def test_r46_example_2_one_e_scan_is_enough() -> None:
    rec = sample(AGENCY, quantity_evidence={"kinds": ["invoice"], "e_scan": 1})
    assert of(run(AGENCY, rec), "MIT-R46") == []


@pytest.mark.parametrize(("copies", "scans", "errors"), [
    (2, 0, []), (1, 0, ["/quantity_evidence"]), (0, 1, []), (0, 0, ["/quantity_evidence"]),
    (1, 1, []),
])  # fmt: skip
def test_r46_proof_in_two_copies_or_one_scan(copies: int, scans: int, errors: list[str]) -> None:
    rec = sample(AGENCY, quantity_evidence={"kinds": ["order"], "copies": copies,
                                            "e_scan": scans})
    assert of(run(AGENCY, rec), "MIT-R46") == errors


def test_r46_approved_more_than_requested_is_a_warning() -> None:
    rec = sample(AGENCY)
    rec["requests"][1]["approved_qty"] = 20001
    report = run(AGENCY, rec)
    assert of(report, "MIT-R46", "warning") == ["/requests/1/approved_qty"]
    assert report.record["approved_total"] == 28001
    rec["requests"][1]["approved_qty"] = 20000
    assert of(run(AGENCY, rec), "MIT-R46", "warning") == []


def test_r46_totals_are_derived_and_checked() -> None:
    rec = sample(AGENCY, requested_total=None, approved_total=None)
    del rec["requests"][0]["approved_qty"]
    report = run(AGENCY, rec)
    assert report.record["requested_total"] == 30000
    assert "approved_total" not in report.record
    assert of(report, "MIT-R46", "warning") == ["/requests/0/approved_qty"]
    assert of(run(AGENCY, sample(AGENCY, requested_total=3000)), "MIT-R46") == [
        "/requested_total"]


def test_r46_approval_needs_its_basis() -> None:
    assert of(run(AGENCY, sample(AGENCY, review_basis=None)), "MIT-R46", "warning") == [
        "/review_basis"]


# -- MIT-R50 suspension ------------------------------------------------------------------


@pytest.mark.parametrize(("received", "severity"), [
    ("2024-03-18", "warning"), ("2024-03-19", "error"), ("2024-03-17", None)])
def test_r50_no_application_accepted_after_the_announcement(received: str,
                                                             severity: str | None) -> None:
    rec = sample(AGENCY, received_date=received, application_date="2024-03-15",
                 suspension={"date": "2024-03-18", "ground": "budget_exhausted"})
    report = run(AGENCY, rec)
    found = {f.severity for f in report.findings if f.rule == "MIT-R50"}
    assert found == ({severity} if severity else set())


def test_r50_the_announcement_may_come_as_an_option() -> None:
    report = run(AGENCY, sample(AGENCY), suspension_date="2024-03-01")
    assert of(report, "MIT-R50") == ["/received_date"]


# -- MIT-R48 objection ---------------------------------------------------------------------


def test_r48_example_1_the_objection_deadline() -> None:
    report = run(OBJECTION, sample(OBJECTION, cc_date="2024-04-08", filed_date="2024-04-15",
                                   received_date="2024-04-15", objection_deadline=None,
                                   reply_deadline=None, cb_reply=None))
    assert report.record["objection_deadline"] == "2024-04-15"
    assert of(report, "MIT-R48") == []


def test_r48_a_late_objection_is_not_accepted() -> None:
    report = run(OBJECTION, sample(OBJECTION, filed_date="2024-04-16", received_date=None,
                                   reply_deadline=None, cb_reply=None))
    assert of(report, "MIT-R48") == ["/filed_date"]


def test_r48_example_2_the_reply_deadline() -> None:
    report = run(OBJECTION, sample(OBJECTION, received_date="2024-04-10", reply_deadline=None,
                                   cb_reply={"date": "2024-04-17", "text": "維持原核准數量。"}))
    assert report.record["reply_deadline"] == "2024-04-17"
    assert of(report, "MIT-R48") == []
    late = sample(OBJECTION, cb_reply={"date": "2024-04-18", "text": "維持原核准數量。"})
    assert of(run(OBJECTION, late), "MIT-R48") == ["/cb_reply/date"]


@pytest.mark.parametrize(("cc", "deadline", "rolled"), [
    ("2024-04-06", "2024-04-15", True),  # the seventh day is a Saturday
    ("2024-10-03", "2024-10-11", True),  # 國慶日 2024-10-10
    ("2024-02-10", "2024-02-17", False),  # 2024-02-17 is a make-up workday (補班)
])  # fmt: skip
def test_r48_deadline_rolls_past_rest_days(cc: str, deadline: str, rolled: bool) -> None:
    rec = sample(OBJECTION, cc_date=cc, filed_date=deadline, received_date=None,
                 objection_deadline=None, reply_deadline=None, cb_reply=None)
    report = run(OBJECTION, rec, as_of=date(2024, 11, 1))
    assert report.record["objection_deadline"] == deadline
    assert of(report, "MIT-R48") == []
    fixed = run(OBJECTION, rec, as_of=date(2024, 11, 1), rest_day_rollover=False)
    assert (fixed.record["objection_deadline"] != deadline) is rolled


def test_r48_objection_before_the_copy_and_receipt_before_filing() -> None:
    rec = sample(OBJECTION, filed_date="2024-04-07", received_date="2024-04-06",
                 reply_deadline=None, cb_reply=None)
    assert of(run(OBJECTION, rec), "MIT-R48") == ["/filed_date", "/received_date"]


def test_r48_reply_copied_to_the_secretariat() -> None:
    rec = sample(OBJECTION, secretariat_cc=False)
    assert of(run(OBJECTION, rec), "MIT-R48", "warning") == ["/secretariat_cc"]


def test_r48_missing_reply_after_its_deadline() -> None:
    rec = sample(OBJECTION, cb_reply=None, secretariat_cc=None)
    assert of(run(OBJECTION, rec, as_of=date(2024, 4, 17)), "MIT-R48", "warning") == []
    assert of(run(OBJECTION, rec, as_of=date(2024, 4, 18)), "MIT-R48", "warning") == [
        "/cb_reply"]


# -- MIT-R49 reprint ---------------------------------------------------------------------


@pytest.mark.parametrize(("reprinted", "errors"), [
    ("2024-05-30", []), ("2024-05-31", ["/reprint_delivered_date"])])
def test_r49_example_reprint_within_fifteen_days(reprinted: str, errors: list[str]) -> None:
    report = run(DELIVERY, sample(DELIVERY, confirmed_date="2024-05-15", reprint_deadline=None,
                                  reprint_delivered_date=reprinted))
    assert report.record["reprint_deadline"] == "2024-05-30"
    assert of(report, "MIT-R49") == errors


def test_r49_deadline_on_a_holiday_rolls_over() -> None:
    rec = sample(DELIVERY, delivered_date="2024-09-20", list_received_date="2024-09-18",
                 notified_date="2024-09-23", confirmed_date="2024-09-25",
                 reprint_deadline=None, reprint_delivered_date="2024-10-11")
    report = run(DELIVERY, rec, as_of=date(2024, 11, 1))
    assert report.record["reprint_deadline"] == "2024-10-11"
    assert of(report, "MIT-R49") == []


def test_r49_dates_in_order() -> None:
    rec = sample(DELIVERY, notified_date="2024-05-12", confirmed_date="2024-05-11",
                 reprint_deadline=None, reprint_delivered_date=None)
    assert sorted(of(run(DELIVERY, rec), "MIT-R49")) == ["/confirmed_date", "/notified_date"]


def test_r49_no_discrepancy_and_missing_reprint() -> None:
    rec = sample(DELIVERY, reprint_delivered_date=None)
    rec["discrepancies"][0]["received"] = rec["discrepancies"][0]["expected"]
    warnings = of(run(DELIVERY, rec), "MIT-R49", "warning")
    assert warnings == ["/discrepancies/0/received", "/reprint_delivered_date"]
    assert of(run(DELIVERY, rec, as_of=date(2024, 5, 30)), "MIT-R49", "warning") == [
        "/discrepancies/0/received"]


# -- MIT-R47 delivery within seven days ----------------------------------------------------


@pytest.mark.parametrize(("delivered", "severity"), [
    ("2024-05-13", None), ("2024-05-14", "warning"), ("2024-05-15", "warning"),
    ("2024-05-05", "error")])  # fmt: skip
def test_r47_examples(delivered: str, severity: str | None) -> None:
    rec = sample(DELIVERY, list_received_date="2024-05-06", delivered_date=delivered,
                 notified_date="2024-05-16", confirmed_date="2024-05-16", reprint_deadline=None,
                 reprint_delivered_date=None)
    found = {f.severity for f in run(DELIVERY, rec).findings if f.rule == "MIT-R47"}
    assert found == ({severity} if severity else set())


def test_r47_a_special_circumstance_turns_the_warning_into_information() -> None:
    rec = sample(DELIVERY, delivered_date="2024-05-15", notified_date="2024-05-16",
                 confirmed_date="2024-05-16", reprint_deadline=None,
                 special_circumstance="颱風停班停課二日")
    found = {f.severity for f in run(DELIVERY, rec).findings if f.rule == "MIT-R47"}
    assert found == {"info"}


# -- X-16 ----------------------------------------------------------------------------------


def approval_list(**row: Any) -> CaseDoc:
    base = {"cert_no": "MIT-TX-113-0457", "company": "福興紡織股份有限公司", "type": "sticker",
            "format": "貼紙直徑 3 公分", "approved_qty": 20000, "delivered_date": "2024-05-13"}
    base.update(row)
    return CaseDoc(APPROVAL_LIST, {"month": "113-04", "cb": "財團法人臺灣產品驗證中心",
                                   "cc_to_company_date": "2024-04-08",
                                   "received_by_printer_date": "2024-05-06", "rows": [base]})


def chain(*extra: CaseDoc, **agency: Any) -> list[Any]:
    docs = [CaseDoc(AGENCY, sample(AGENCY, **agency)), CaseDoc(OBJECTION, sample(OBJECTION)),
            CaseDoc(DELIVERY, sample(DELIVERY)), *extra]
    return list(check_print_chain(Case(tuple(docs)), Context(as_of=AS_OF)))


def test_x16_is_registered_over_the_print_forms() -> None:
    spec = registry.all_rules()["X-16"]
    assert spec.kind == "case"
    assert set(spec.forms) == {AGENCY, APPROVAL_LIST, OBJECTION, DELIVERY}


def test_x16_consistent_chain_with_the_approval_list() -> None:
    assert [f for f in chain(approval_list()) if f.severity != "info"] == []


def test_x16_example_requested_10000_stickers_approved_12000() -> None:
    agency = sample(AGENCY)
    agency["requests"][1]["quantity"] = 10000
    agency["requests"][1]["approved_qty"] = 10000
    docs = (CaseDoc(AGENCY, agency), approval_list(approved_qty=12000))
    found = list(check_print_chain(Case(docs), Context(as_of=AS_OF)))
    assert [(f.severity, f.form) for f in found] == [("warning", APPROVAL_LIST)]


def test_x16_only_first_category_on_the_list() -> None:
    found = chain(approval_list(), category="cat3")
    assert ("error", AGENCY) in [(f.severity, f.form) for f in found]


def test_x16_late_delivery_on_the_list() -> None:
    found = chain(approval_list(delivered_date="2024-05-15"))
    assert [(f.severity, f.form, f.path) for f in found] == [
        ("warning", APPROVAL_LIST, "/rows/0/delivered_date")]


def test_x16_objection_counts_from_the_lists_copy_date() -> None:
    doc = approval_list()
    doc.data["cc_to_company_date"] = "2024-04-01"
    found = chain(doc)
    assert [(f.severity, f.form, f.path) for f in found if f.severity == "error"] == [
        ("error", OBJECTION, "/cc_date")]


def test_x16_runs_in_check_over_a_case() -> None:
    docs = [{"form": AGENCY, "data": sample(AGENCY, category="cat3")},
            {"form": DELIVERY, "data": sample(DELIVERY)}]
    report = check_case(docs, as_of=AS_OF)
    assert "X-16" in {f.rule for f in report.findings if f.is_error}
    docs[0]["data"] = sample(AGENCY)
    assert {f.rule for f in check_case(docs, as_of=AS_OF).findings if f.is_error} == set()


def test_x16_repeats_the_reprint_and_objection_dates_in_a_case() -> None:
    delivery = sample(DELIVERY, reprint_delivered_date="2024-05-31")
    objection = sample(OBJECTION, filed_date="2024-04-16")
    docs = [{"form": AGENCY, "data": sample(AGENCY)}, {"form": DELIVERY, "data": delivery},
            {"form": OBJECTION, "data": objection}]
    errors = [(f.form, f.path) for f in check_case(docs, as_of=AS_OF).findings
              if f.is_error and f.rule == "X-16"]
    assert (DELIVERY, "/reprint_delivered_date") in errors
    assert (OBJECTION, "/filed_date") in errors


def test_x16_delivery_before_approval() -> None:
    agency = copy.deepcopy(sample(AGENCY))
    agency["review"]["date"] = "2024-05-20"
    docs = [{"form": AGENCY, "data": agency}, {"form": DELIVERY, "data": sample(DELIVERY)}]
    errors = [(f.form, f.path) for f in check_case(docs, as_of=AS_OF).findings if f.is_error]
    assert errors == [(DELIVERY, "/delivered_date")]
