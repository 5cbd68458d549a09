"""MIT微笑 registers: the print approval list (MIT-R47–R49, X-16), the category 2
authorisation registration (X-23) and the CB fee ledger (derived totals)."""

from __future__ import annotations

import copy
import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from formkit.case import check_case
from formkit.engine import Report, fill, validate
from formkit.rules import Case, CaseDoc, Context
from formkit.rules.mit_printing import check_print_chain
from formkit.rules.mit_recognition import check_recognition_and_authorisation
from formkit.rules.mit_registers import APPROVAL_LIST, FEE_LEDGER, REGISTRATION

AGENCY = "mit/annex-14-agency-print-application"
A12 = "mit/annex-12-cat2-authorization-application"
AS_OF = date(2024, 6, 1)
ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "samples" / "mit"
CASES = ROOT / "tests" / "cases" / "_case"


def sample(form: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(
        (SAMPLES / f"{form.split('/')[1]}.json").read_text(encoding="utf-8"))
    return data


def approval_list(**changes: Any) -> dict[str, Any]:
    rec = sample(APPROVAL_LIST)
    for key in ("objection_deadline", "delivery_deadline"):
        rec.pop(key)  # derived: recomputed from the changed dates
    rec.update(changes)
    return rec


def row(**changes: Any) -> dict[str, Any]:
    """The sample's first row (delivered 2024-04-16) with changes."""
    base: dict[str, Any] = copy.deepcopy(sample(APPROVAL_LIST)["rows"][0])
    base.update(changes)
    return base


def run(form: str, rec: dict[str, Any], as_of: date = AS_OF, **options: Any) -> Report:
    return validate(form, rec, as_of=as_of, options=options)


def of(report: Report, rule: str, severity: str = "error") -> list[str]:
    return [f.path for f in report.findings if f.rule == rule and f.severity == severity]


def test_the_samples_are_valid_without_warnings() -> None:
    for form in (APPROVAL_LIST, REGISTRATION, FEE_LEDGER):
        report = run(form, sample(form))
        assert report.errors == [], form
        assert [f.rule for f in report.findings if f.severity == "warning"] == [], form


# -- derived deadlines ----------------------------------------------------------------------


def test_the_list_derives_its_deadlines() -> None:
    filled = fill(APPROVAL_LIST, approval_list(), as_of=AS_OF).record
    assert filled["objection_deadline"] == "2024-04-15"  # MIT-R48 example 1
    assert filled["delivery_deadline"] == "2024-04-17"
    assert "reprint_deadline" not in filled["rows"][0]


def test_a_given_deadline_that_differs_is_an_error_of_its_rule() -> None:
    rec = approval_list(objection_deadline="2024-04-16", delivery_deadline="2024-04-17")
    report = run(APPROVAL_LIST, rec)
    assert of(report, "MIT-R48") == ["/objection_deadline"]
    assert of(report, "MIT-R47") == []


@pytest.mark.parametrize(("received", "rollover", "due"), [
    ("2024-05-06", True, "2024-05-13"),  # MIT-R47 example 1
    ("2024-10-03", True, "2024-10-11"),  # 2024-10-10 國慶日 → the next workday
    ("2024-10-03", False, "2024-10-10"),
    ("2024-05-11", True, "2024-05-20"),  # Saturday 05-18 → Monday
])
def test_r47_delivery_deadline_moves_past_rest_days(received: str, rollover: bool,
                                                    due: str) -> None:
    rec = approval_list(received_by_printer_date=received, cc_to_company_date=received,
                        list_date=received, rows=[row(delivered_date=received)])
    filled = fill(APPROVAL_LIST, rec, as_of=AS_OF, options={"rest_day_rollover": rollover})
    assert filled.record["delivery_deadline"] == due


# -- MIT-R47 --------------------------------------------------------------------------------


@pytest.mark.parametrize(("delivered", "warned"), [
    ("2024-05-13", False),  # example 1: the seventh day
    ("2024-05-14", True),
    ("2024-05-15", True),  # example 2
    ("2024-05-06", False),  # the day of receipt
])
def test_r47_delivery_within_seven_days(delivered: str, warned: bool) -> None:
    rec = approval_list(list_date="2024-05-03", cc_to_company_date="2024-05-03",
                        received_by_printer_date="2024-05-06",
                        rows=[row(delivered_date=delivered)])
    report = run(APPROVAL_LIST, rec)
    assert of(report, "MIT-R47", "warning") == (["/rows/0/delivered_date"] if warned else [])
    assert of(report, "MIT-R47") == []


def test_r47_a_special_circumstance_turns_the_warning_into_information() -> None:
    rec = approval_list(received_by_printer_date="2024-05-06",
                        rows=[row(delivered_date="2024-05-15",
                                  special_circumstance="颱風停班停課")])
    report = run(APPROVAL_LIST, rec)
    assert of(report, "MIT-R47", "warning") == []
    assert of(report, "MIT-R47", "info") == ["/rows/0/delivered_date"]


def test_r47_delivery_before_the_printer_has_the_list_is_an_error() -> None:
    rec = approval_list(rows=[row(delivered_date="2024-04-09")])  # received 04-10
    assert of(run(APPROVAL_LIST, rec), "MIT-R47") == ["/rows/0/delivered_date"]


def test_r47_the_printer_cannot_receive_the_list_before_it_is_drawn_up() -> None:
    rec = approval_list(received_by_printer_date="2024-04-05", rows=[row()])
    assert of(run(APPROVAL_LIST, rec), "MIT-R47") == ["/received_by_printer_date"]


# -- MIT-R48 --------------------------------------------------------------------------------


@pytest.mark.parametrize(("filed", "error"), [
    ("2024-04-08", False),  # the day of the 副知
    ("2024-04-15", False),  # example 1: the last day
    ("2024-04-16", True),  # late: not accepted
    ("2024-04-05", True),  # before the 副知
])
def test_r48_objection_within_seven_days_of_the_cc(filed: str, error: bool) -> None:
    rec = approval_list(list_date="2024-04-05", rows=[row(objection_filed_date=filed)])
    report = run(APPROVAL_LIST, rec)
    assert of(report, "MIT-R48") == (["/rows/0/objection_filed_date"] if error else [])


def test_r48_deadline_on_a_holiday_moves_on() -> None:
    # 副知 2024-06-03 → nominal 06-10 (端午節) → 06-11
    rec = approval_list(list_date="2024-06-03", cc_to_company_date="2024-06-03",
                        received_by_printer_date="2024-06-04",
                        rows=[row(delivered_date="2024-06-07",
                                  objection_filed_date="2024-06-11")])
    report = run(APPROVAL_LIST, rec)
    assert of(report, "MIT-R48") == []
    off = run(APPROVAL_LIST, rec, rest_day_rollover=False)
    assert of(off, "MIT-R48") == ["/rows/0/objection_filed_date"]


def test_r48_the_cc_cannot_precede_the_list() -> None:
    rec = approval_list(cc_to_company_date="2024-04-05", rows=[row()])
    assert of(run(APPROVAL_LIST, rec), "MIT-R48") == ["/cc_to_company_date"]


# -- MIT-R49 --------------------------------------------------------------------------------


def reprint(**changes: Any) -> dict[str, Any]:
    base = {"delivered_date": "2024-05-13", "discrepancy_confirmed_date": "2024-05-15"}
    base.update(changes)
    return approval_list(list_date="2024-05-03", cc_to_company_date="2024-05-03",
                         received_by_printer_date="2024-05-06", rows=[row(**base)])


def test_r49_example_1_confirmed_on_05_15_reprint_due_05_30() -> None:
    filled = fill(APPROVAL_LIST, reprint(), as_of=AS_OF).record
    assert filled["rows"][0]["reprint_deadline"] == "2024-05-30"


@pytest.mark.parametrize(("reprinted", "error"), [
    ("2024-05-30", False), ("2024-05-31", True), ("2024-05-20", False)])
def test_r49_reprint_within_fifteen_days(reprinted: str, error: bool) -> None:
    report = run(APPROVAL_LIST, reprint(reprint_delivered_date=reprinted))
    assert of(report, "MIT-R49") == (["/rows/0/reprint_delivered_date"] if error else [])


def test_r49_reprint_deadline_on_mid_autumn_moves_on() -> None:
    rec = reprint(delivered_date="2024-08-30", discrepancy_confirmed_date="2024-09-02",
                  reprint_delivered_date="2024-09-18")
    rec.update(list_date="2024-08-20", cc_to_company_date="2024-08-20",
               received_by_printer_date="2024-08-26")
    report = run(APPROVAL_LIST, rec, as_of=date(2024, 10, 1))
    assert of(report, "MIT-R49") == []
    filled = fill(APPROVAL_LIST, rec, as_of=AS_OF).record
    assert filled["rows"][0]["reprint_deadline"] == "2024-09-18"


@pytest.mark.parametrize(("as_of", "warned"), [(date(2024, 5, 30), False),
                                               (date(2024, 5, 31), True)])
def test_r49_no_reprint_after_the_last_day_warns(as_of: date, warned: bool) -> None:
    report = run(APPROVAL_LIST, reprint(), as_of=as_of)
    assert of(report, "MIT-R49", "warning") == (
        ["/rows/0/reprint_delivered_date"] if warned else [])


def test_r49_dates_out_of_order() -> None:
    report = run(APPROVAL_LIST, reprint(discrepancy_confirmed_date="2024-05-10"))
    assert of(report, "MIT-R49") == ["/rows/0/discrepancy_confirmed_date"]
    early = run(APPROVAL_LIST, reprint(reprint_delivered_date="2024-05-14"))
    assert of(early, "MIT-R49", "warning") == ["/rows/0/reprint_delivered_date"]
    rec = reprint(reprint_delivered_date="2024-05-20")
    del rec["rows"][0]["discrepancy_confirmed_date"]
    unconfirmed = run(APPROVAL_LIST, rec)
    assert of(unconfirmed, "MIT-R49", "warning") == ["/rows/0/discrepancy_confirmed_date"]


# -- the fee ledger -------------------------------------------------------------------------


def test_the_ledger_totals_per_item_and_overall() -> None:
    rec = sample(FEE_LEDGER)
    for key in ("cert_fee_total", "gov_fee_total", "total"):
        rec.pop(key)
    filled = fill(FEE_LEDGER, rec, as_of=AS_OF).record
    assert (filled["cert_fee_total"], filled["gov_fee_total"], filled["total"]) == (
        175000, 15000, 190000)


def test_the_ledger_totals_without_a_fee_of_one_kind_are_zero() -> None:
    rec = sample(FEE_LEDGER)
    rec["rows"] = [r for r in rec["rows"] if r["item"] == "cert_fee"]
    for key in ("cert_fee_total", "gov_fee_total", "total"):
        rec.pop(key)
    filled = fill(FEE_LEDGER, rec, as_of=AS_OF).record
    assert (filled["cert_fee_total"], filled["gov_fee_total"], filled["total"]) == (
        175000, 0, 175000)


def test_a_given_total_that_differs_is_an_error() -> None:
    rec = sample(FEE_LEDGER)
    rec["total"] = 185000
    report = run(FEE_LEDGER, rec)
    assert [f.path for f in report.errors] == ["/total"]


# -- X-16 with the approval list ------------------------------------------------------------


def chain(list_rows: list[dict[str, Any]] | None = None) -> Case:
    app = fill(AGENCY, sample(AGENCY), as_of=AS_OF).record
    lst = approval_list(cc_to_company_date="2024-04-08", list_date="2024-04-08")
    if list_rows is not None:
        lst["rows"] = list_rows
    filled = fill(APPROVAL_LIST, lst, as_of=AS_OF).record
    return Case((CaseDoc(AGENCY, app), CaseDoc(APPROVAL_LIST, filled)))


def test_x16_list_agrees_with_the_application() -> None:
    findings = list(check_print_chain(chain(), Context(as_of=AS_OF)))
    assert [f for f in findings if f.severity != "info"] == []


def test_x16_example_1_approved_more_than_requested_warns() -> None:
    rows = [row(approved_qty=12000)]  # requested 10,000 吊牌
    findings = list(check_print_chain(chain(rows), Context(as_of=AS_OF)))
    warned = [f for f in findings if f.severity == "warning" and f.form == APPROVAL_LIST]
    assert [f.params["approved"] for f in warned] == [12000]


def test_x16_late_delivery_on_the_list_warns() -> None:
    rows = [row(delivered_date="2024-04-19")]  # received 04-10, due 04-17
    findings = list(check_print_chain(chain(rows), Context(as_of=AS_OF)))
    assert [(f.severity, f.path) for f in findings if f.form == APPROVAL_LIST] == [
        ("warning", "/rows/0/delivered_date")]


# -- X-23 with the registration -------------------------------------------------------------


def authorisation_case(rows: list[dict[str, Any]]) -> Case:
    app = fill(A12, sample(A12), as_of=date(2024, 8, 20)).record
    reg = sample(REGISTRATION)
    reg["rows"] = rows
    return Case((CaseDoc(A12, app), CaseDoc(REGISTRATION, reg)))


def _registration_findings(case: Case) -> list[tuple[str, str]]:
    ctx = Context(as_of=date(2024, 8, 20))
    return [(f.severity, f.path) for f in check_recognition_and_authorisation(case, ctx)
            if f.path.startswith("/products")]


def test_x23_every_authorised_product_is_registered() -> None:
    assert _registration_findings(authorisation_case(sample(REGISTRATION)["rows"])) == []


def test_x23_an_authorised_product_without_a_row_is_an_error() -> None:
    rows = sample(REGISTRATION)["rows"][:1]  # 冷凍三杯雞 not registered
    assert _registration_findings(authorisation_case(rows)) == [("error", "/products/1/name")]


def test_x23_rows_match_across_spacing() -> None:
    rows = copy.deepcopy(sample(REGISTRATION)["rows"])
    rows[1]["product_name"] = "冷凍 三杯雞"
    assert _registration_findings(authorisation_case(rows)) == []


# -- the cross-document case files of these forms ---------------------------------------


@pytest.mark.parametrize("path", sorted(
    [*CASES.glob("x16_*list*.json"), *CASES.glob("x23_*registration*.json")]),
    ids=lambda p: p.name)
def test_case_files(path: Path) -> None:
    doc = json.loads(path.read_text(encoding="utf-8"))
    assert {d["form"] for d in doc["documents"]} & {APPROVAL_LIST, REGISTRATION}
    report = check_case(doc["documents"], as_of=date.fromisoformat(doc["as_of"]))
    errors = {f.rule for f in report.findings if f.is_error}
    warnings = {f.rule for f in report.findings if f.severity == "warning"}
    assert errors == set(doc["expect"]), [f.as_dict("en") for f in report.findings]
    assert warnings == set(doc.get("expect_warnings", [])), [
        f.as_dict("en") for f in report.findings]


def test_there_are_case_files_for_both_rules() -> None:
    assert len(list(CASES.glob("x16_*list*.json"))) >= 2
    assert len(list(CASES.glob("x23_*registration*.json"))) >= 2
