"""驗證申請書 (MIT-R01, R08–R13, R31, R34, R37–R39, R71), 授權使用契約 (MIT-R65, R66) and the
case rules X-04, X-05, X-08, X-19, from the catalogue's worked examples and their boundaries."""

from __future__ import annotations

import copy
from datetime import date
from typing import Any

import pytest

from formkit.case import CaseReport, check_case
from formkit.engine import Report, validate
from formkit.forms import get_form

APP = "mit/cert-application"
LIC = "mit/license-agreement"
A7 = "mit/annex-07-qms-assessment"
A9 = "mit/annex-09-corrective-plan"
A11 = "mit/annex-11-product-certificate"
AS_OF = date(2024, 8, 1)


def sample(form: str) -> dict[str, Any]:
    return copy.deepcopy(get_form(form).sample)


def app(**changes: Any) -> dict[str, Any]:
    rec = sample(APP)
    rec.update(changes)
    return rec


def run(rec: dict[str, Any], form: str = APP, as_of: date = AS_OF, **options: Any) -> Report:
    return validate(form, rec, as_of=as_of, options=options)


def of(report: Report | CaseReport, rule: str, severity: str = "error") -> list[str]:
    return [f.path for f in report.findings if f.rule == rule and f.severity == severity]


def test_the_sample_is_valid_with_only_information() -> None:
    report = run(app())
    assert report.errors == []
    assert not [f for f in report.findings if f.severity == "warning"]


# -- MIT-R01 ------------------------------------------------------------------------------


def test_r01_example_1_towels_on_the_announced_list() -> None:
    report = run(app(), cat1_industries=["毛巾", "製鞋"])
    assert of(report, "MIT-R01") == [] and of(report, "MIT-R01", "info") == []


def test_r01_first_category_industry_not_announced_is_an_error() -> None:
    assert of(run(app(), cat1_industries=["製鞋"]), "MIT-R01") == ["/industry"]


def test_r01_example_3_third_category_not_yet_open_is_a_warning() -> None:
    report = run(app(category="cat3"), cat3_industries=["寢具"])
    assert of(report, "MIT-R01", "warning") == ["/industry"] and of(report, "MIT-R01") == []


def test_r01_unconfigured_list_says_it_was_not_checked() -> None:
    assert of(run(app()), "MIT-R01", "info") == ["/industry"]


def test_r01_a_product_not_manufactured_or_processed_may_not_apply() -> None:
    report = run(app(is_manufactured_or_processed=False))
    assert of(report, "MIT-R01") == ["/is_manufactured_or_processed"]


def test_r01_second_category_is_refused_by_the_form() -> None:
    report = run(app(category="cat2"))
    assert [f.path for f in report.errors if f.rule == "schema"] == ["/category"]


# -- MIT-R08 ------------------------------------------------------------------------------


def test_r08_example_1_origin_nonconforming_must_be_rejected() -> None:
    rec = app(origin={"result": "nonconform", "date": "2024-05-31"})
    assert of(run(rec), "MIT-R08") == ["/review/decision"]
    rec["review"]["decision"] = "reject"
    assert of(run(rec), "MIT-R08") == []


def test_r08_example_2_origin_conforming_is_taken_as_given() -> None:
    report = run(app())
    assert of(report, "MIT-R08") == [] and of(report, "MIT-R08", "info") == ["/origin/result"]


def test_r08_approval_without_origin_determination() -> None:
    rec = app()
    del rec["origin"]
    assert of(run(rec), "MIT-R08") == ["/origin"]


# -- MIT-R09 ------------------------------------------------------------------------------


def test_r09_example_1_an_association_may_not_apply() -> None:
    rec = app()
    rec["applicant"].update(org_form="other", org_form_other="社團法人")
    (err,) = [f for f in run(rec).errors if f.rule == "MIT-R09"]
    assert err.path == "/applicant/org_form" and err.params["org"] == "社團法人"


@pytest.mark.parametrize(("mandate", "errors"), [(None, ["/joint_mandate"]),
                                                 ({"title": "委託書", "pages": 1}, [])])
def test_r09_example_2_joint_manufacturer_needs_the_mandate(mandate: Any, errors: list) -> None:
    rec = app(co_maker_evidence={"title": "協同製造契約", "pages": 3})
    rec["applicant"]["maker_role"] = "joint"
    if mandate:
        rec["joint_mandate"] = mandate
    assert of(run(rec), "MIT-R09") == errors


# -- MIT-R10 ------------------------------------------------------------------------------


def test_r10_example_1_complete_application() -> None:
    assert of(run(app()), "MIT-R10") == []


def test_r10_example_3_brand_marketer_without_co_maker_evidence() -> None:
    rec = app()
    rec["applicant"]["maker_role"] = "brand"
    assert of(run(rec), "MIT-R10") == ["/co_maker_evidence"]


def test_r10_each_missing_product_column_and_attachment_is_named() -> None:
    rec = app()
    del rec["products"][1]["hs_code"]
    del rec["product_files"][0]["photo"]
    del rec["labelling"]
    assert sorted(of(run(rec), "MIT-R10")) == ["/labelling", "/product_files/0/photo",
                                               "/products/1/hs_code"]


def test_r10_a_product_without_its_attachments() -> None:
    rec = app()
    rec["product_files"].pop()
    assert of(run(rec), "MIT-R10") == ["/product_files"]


@pytest.mark.parametrize(("valid_to", "errors"), [("2024-03-31", ["/qms_cert/valid_to"]),
                                                  ("2024-04-09", ["/qms_cert/valid_to"]),
                                                  ("2024-04-10", [])])
def test_r10_example_2_qms_certificate_valid_on_the_application_date(valid_to: str,
                                                                     errors: list) -> None:
    rec = app(application_date="2024-04-10", qms_exemption="recognized_cert",
              qms_cert={"standard": "ISO 9001:2015", "cert_no": "TW-QMS-0123",
                        "valid_to": valid_to, "attachment": {"title": "證書影本", "pages": 1}})
    assert of(run(rec), "MIT-R10") == errors


def test_r10_expired_test_proof() -> None:
    rec = app()
    rec["test_evidence"][0]["valid_to"] = "2024-04-14"
    assert of(run(rec), "MIT-R10") == ["/test_evidence/0/valid_to"]


def test_r10_third_category_fee_receipt_is_due_before_issuance() -> None:
    report = run(app(category="cat3"))
    assert of(report, "MIT-R10") == [] and of(report, "MIT-R10", "info") == ["/fee_receipt"]


# -- MIT-R11 ------------------------------------------------------------------------------


def disposed(notice: str, disposal: str | None, **extra: Any) -> dict[str, Any]:
    ret = {"notice_date": notice, "photos": True, "result_notice_date": disposal}
    if disposal:
        ret["disposal_date"] = disposal
    ret.update(extra)
    return app(sample_return={k: v for k, v in ret.items() if v is not None})


def test_r11_example_1_deadline_and_disposal_after_it() -> None:
    report = run(disposed("2024-04-01", "2024-05-02"))
    assert report.record["sample_return"]["deadline"] == "2024-05-01"
    assert of(report, "MIT-R11") == []


@pytest.mark.parametrize("day", ["2024-04-30", "2024-05-01"])
def test_r11_example_2_disposal_on_or_before_the_deadline(day: str) -> None:
    assert of(run(disposed("2024-04-01", day)), "MIT-R11") == ["/sample_return/disposal_date"]


def test_r11_amb04_counting_the_notice_day() -> None:
    report = run(disposed("2024-04-01", "2024-05-01"), reading="include_start")
    assert report.record["sample_return"]["deadline"] == "2024-04-30"
    assert of(report, "MIT-R11") == []


def test_r11_a_deadline_on_a_sunday_moves_to_monday() -> None:
    # 2024-05-31 + 1 month → 2024-06-30 (Sunday) → 2024-07-01.
    report = run(disposed("2024-05-31", None))
    assert report.record["sample_return"]["deadline"] == "2024-07-01"
    report = run(disposed("2024-05-31", None), rest_day_rollover=False)
    assert report.record["sample_return"]["deadline"] == "2024-06-30"


def test_r11_disposal_without_photos_or_result_notice() -> None:
    rec = disposed("2024-04-01", "2024-05-02", photos=False)
    del rec["sample_return"]["result_notice_date"]
    assert of(run(rec), "MIT-R11") == ["/sample_return/photos",
                                       "/sample_return/result_notice_date"]


# -- MIT-R12 / MIT-R13 --------------------------------------------------------------------


def prior_pass(prior: str | None, assessed: str | None) -> dict[str, Any]:
    rec = app(qms_exemption="prior_pass")
    if prior:
        rec["prior_qms_pass_date"] = prior
    if assessed:
        rec["review"]["qms_assessment_date"] = assessed
    else:
        del rec["review"]["qms_assessment_date"]
    return rec


def test_r12_example_1_within_three_years_on_the_boundary_day() -> None:
    assert of(run(prior_pass("2021-05-10", "2024-05-10")), "MIT-R12") == []


@pytest.mark.parametrize("assessed", ["2024-05-11", "2024-05-13"])
def test_r12_example_2_beyond_three_years(assessed: str) -> None:
    assert of(run(prior_pass("2021-05-10", assessed)), "MIT-R12") == ["/qms_exemption"]


def test_r12_claim_without_a_date() -> None:
    assert of(run(prior_pass(None, "2024-05-10")), "MIT-R12") == ["/prior_qms_pass_date"]


def test_r12_amb07_the_application_date_stands_in_until_the_assessment() -> None:
    report = run(prior_pass("2021-04-15", None))
    assert of(report, "MIT-R12") == [] and of(report, "MIT-R12", "info")
    assert of(run(prior_pass("2021-04-14", None)), "MIT-R12") == ["/qms_exemption"]
    assert of(run(prior_pass("2021-04-15", "2024-05-31"), reference="application"),
              "MIT-R12") == []


def recognized(valid_to: str, standard: str = "ISO 9001:2015") -> dict[str, Any]:
    rec = app(qms_exemption="recognized_cert",
              qms_cert={"standard": standard, "cert_no": "TW-QMS-0123", "valid_to": valid_to,
                        "attachment": {"title": "證書影本", "pages": 1}})
    rec["review"]["qms_assessment_date"] = "2024-09-10"
    return rec


def test_r13_example_1_certificate_valid_at_the_assessment() -> None:
    assert of(run(recognized("2025-06-30")), "MIT-R13") == []


@pytest.mark.parametrize(("valid_to", "errors"), [("2024-08-31", ["/qms_cert/valid_to"]),
                                                  ("2024-09-09", ["/qms_cert/valid_to"]),
                                                  ("2024-09-10", [])])
def test_r13_example_2_expired_before_the_assessment(valid_to: str, errors: list) -> None:
    assert of(run(recognized(valid_to)), "MIT-R13") == errors


def test_r13_standard_not_announced_and_missing_number() -> None:
    rec = recognized("2025-06-30", "IATF 16949")
    del rec["qms_cert"]["cert_no"]
    report = run(rec, recognized_qms_standards=["ISO 9001:2015", "ISO 22000:2018"])
    assert of(report, "MIT-R13") == ["/qms_cert/cert_no", "/qms_cert/standard"]


# -- MIT-R31 / MIT-R34 --------------------------------------------------------------------


def renewal(applied: str, valid_to: str = "2025-03-14", **extra: Any) -> dict[str, Any]:
    return app(kind="renewal", application_date=applied,
               renewal={"cert_no": "MIT-TX-111-0123", "valid_to": valid_to, **extra})


def test_r31_example_2_changed_spec_needs_a_new_application() -> None:
    report = run(renewal("2025-02-03", function_or_spec_changed=True))
    assert of(report, "MIT-R31") == ["/renewal/function_or_spec_changed"]
    assert of(run(renewal("2025-02-03", function_or_spec_changed=False)), "MIT-R31") == []


def test_r34_example_3_in_window_and_extended_validity() -> None:
    report = run(renewal("2025-02-03"))
    assert of(report, "MIT-R34") == []
    assert report.record["renewal"]["new_valid_to"] == "2028-03-14"


@pytest.mark.parametrize(("applied", "errors"), [
    ("2025-01-10", ["/application_date"]),  # example 2: too early
    ("2025-01-14", ["/application_date"]),
    ("2025-01-15", []),  # the window opens (T5, AMB-05)
    ("2025-03-14", []),  # the last day of validity
    ("2025-03-15", ["/application_date"]),  # expired: a new application
])  # fmt: skip
def test_r34_window_boundaries(applied: str, errors: list) -> None:
    assert of(run(renewal(applied)), "MIT-R34") == errors


def test_r34_amb05_same_day_window_opens_a_day_earlier() -> None:
    assert of(run(renewal("2025-01-14"), window_rule="same_day"), "MIT-R34") == []


def test_r34_month_end_validity() -> None:
    # valid to 2025-04-30: the window opens 2025-03-01; the extension ends 2028-04-30.
    report = run(renewal("2025-03-01", "2025-04-30"))
    assert of(report, "MIT-R34") == [] and report.record["renewal"]["new_valid_to"] == "2028-04-30"
    assert of(run(renewal("2025-02-28", "2025-04-30")), "MIT-R34") == ["/application_date"]


def test_r34_amb12_extension_from_the_approval() -> None:
    rec = renewal("2025-02-03")
    rec["review"] = {"decision": "approve", "date": "2025-03-01"}
    report = run(rec, extension_start="approval")
    assert report.record["renewal"]["new_valid_to"] == "2028-02-29"


def test_r34_renewal_without_the_original_certificate() -> None:
    rec = app(kind="renewal")
    assert of(run(rec), "MIT-R34") == ["/renewal"]


# -- MIT-R37 / R38 / R39 ------------------------------------------------------------------


def sanctioned(applied: str, **row: Any) -> dict[str, Any]:
    return app(application_date=applied, prior_sanctions=[row])


@pytest.mark.parametrize(("applied", "errors"), [("2027-05-10", ["/application_date"]),
                                                 ("2027-05-11", [])])
def test_r37_revocation_bans_three_years(applied: str, errors: list) -> None:
    report = run(sanctioned(applied, kind="revoked", date="2024-05-10"))
    assert of(report, "MIT-R37") == errors


@pytest.mark.parametrize(("applied", "errors"), [("2025-08-30", ["/application_date"]),
                                                 ("2025-08-31", [])])
def test_r38_example_1_abolition_under_ground_6(applied: str, errors: list) -> None:
    report = run(sanctioned(applied, kind="abolished", ground=6, date="2024-08-30"))
    assert of(report, "MIT-R38") == errors


def test_r38_example_2_abolition_on_request_carries_no_ban() -> None:
    report = run(sanctioned("2024-09-10", kind="abolished", ground=1, date="2024-08-30"))
    assert of(report, "MIT-R38") == [] and of(report, "MIT-R38", "info") == []


def test_r38_ground_missing_is_a_warning() -> None:
    report = run(sanctioned("2024-09-10", kind="abolished", date="2024-08-30"))
    assert of(report, "MIT-R38", "warning") == ["/prior_sanctions/0/ground"]


def order(applied: str, abolished: str, **extra: Any) -> dict[str, Any]:
    row = {"kind": "abolished_after_order", "date": abolished, "order_date": "2024-03-01",
           "order_deadline": "2024-03-31", **extra}
    return sanctioned(applied, **{k: v for k, v in row.items() if v is not None})


def test_r39_example_1_ban_after_an_unheeded_order() -> None:
    assert of(run(order("2025-04-15", "2024-04-15")), "MIT-R39") == ["/application_date"]
    report = run(order("2025-04-16", "2024-04-15"))
    assert of(report, "MIT-R39") == [] and of(report, "MIT-R39", "info") == ["/prior_sanctions/0"]


@pytest.mark.parametrize("abolished", ["2024-03-20", "2024-03-31"])
def test_r39_example_2_abolition_before_the_deadline(abolished: str) -> None:
    report = run(order("2026-01-05", abolished))
    assert of(report, "MIT-R39") == ["/prior_sanctions/0/date"]


def test_r39_abolition_without_an_order() -> None:
    report = run(order("2026-01-05", "2024-04-15", order_date=None))
    assert of(report, "MIT-R39") == ["/prior_sanctions/0/order_date"]


# -- MIT-R71 ------------------------------------------------------------------------------


def test_r71_example_1_adopted_for_safety_functional_tests_still_required() -> None:
    rec = app()
    rec["test_evidence"][0].update(type="inspection", criterion="safety")
    report = run(rec, required_criteria=["safety", "function"])
    (info,) = [f for f in report.findings if f.rule == "MIT-R71"]
    assert info.severity == "info" and "function" in str(info.params["criterion"])


def test_r71_result_without_criterion_cannot_be_adopted() -> None:
    rec = app()
    del rec["test_evidence"][0]["criterion"]
    assert of(run(rec), "MIT-R71") == ["/test_evidence/0/criterion"]


# -- MIT-R65 / MIT-R66 --------------------------------------------------------------------


def lic(**changes: Any) -> dict[str, Any]:
    rec = sample(LIC)
    rec.update(changes)
    return rec


def other_user(**uses: bool) -> dict[str, Any]:
    rec = lic(uses={"product": False, "packaging": False, "physical": False, "electronic": False,
                    **uses}, products=[])
    rec.pop("cert_no")
    rec.pop("scope")
    rec["licensor"]["kind"] = "secretariat"
    rec["licensee"]["type"] = "other_user"
    return rec


def test_r65_scope_is_derived_from_the_licensee_type() -> None:
    report = run(lic(), LIC)
    assert report.valid and report.record["scope"].startswith("將MIT微笑標章標示於")
    report = run(other_user(physical=True), LIC)
    assert report.valid and report.record["scope"] == "僅限對MIT微笑標章或MIT微笑產品之推廣製作物"


def test_r65_example_1_other_user_on_a_package() -> None:
    assert of(run(other_user(packaging=True), LIC), "MIT-R65") == ["/uses/packaging"]


def test_r65_example_2_lab_website_banner() -> None:
    rec = other_user(electronic=True)
    rec["licensee"]["type"] = "lab"
    assert of(run(rec, LIC), "MIT-R65") == []


def test_r65_licensor_follows_the_licensee_type() -> None:
    rec = lic()
    rec["licensor"]["kind"] = "secretariat"
    assert of(run(rec, LIC), "MIT-R65") == ["/licensor/kind"]


def test_r65_certified_company_names_its_products() -> None:
    rec = lic(products=[])
    assert of(run(rec, LIC), "MIT-R65") == ["/products"]


def terminated(day: str, ground: int = 7, **extra: Any) -> dict[str, Any]:
    return lic(termination={"date": day, "ground": ground, **extra})


def test_r66_example_1_terminated_for_not_improving_without_notice() -> None:
    assert of(run(terminated("2025-02-01"), LIC), "MIT-R66") == ["/termination/notice_date"]


@pytest.mark.parametrize(("day", "errors"), [("2025-01-31", ["/termination/date"]),
                                             ("2025-02-01", [])])
def test_r66_termination_after_the_improvement_deadline(day: str, errors: list) -> None:
    rec = terminated(day, notice_date="2025-01-02", notice_deadline="2025-01-31")
    assert of(run(rec, LIC), "MIT-R66") == errors


def test_r66_other_grounds_need_no_notice() -> None:
    assert of(run(terminated("2025-02-01", ground=2), LIC), "MIT-R66") == []


# -- case rules ---------------------------------------------------------------------------


def check(*docs: tuple[str, dict[str, Any]], **options: Any) -> CaseReport:
    return check_case([{"form": f, "data": d} for f, d in docs], as_of=AS_OF, options=options)


def test_x05_the_samples_form_a_consistent_case() -> None:
    report = check((APP, sample(APP)), (A7, sample(A7)), (A9, sample(A9)), (A11, sample(A11)),
                   (LIC, sample(LIC)))
    assert [f for f in report.findings if f.severity != "info"] == []


def test_x05_example_1_failed_model_on_the_certificate() -> None:
    application = sample(APP)
    application["test_results"][1]["result"] = "fail"
    report = check((APP, application), (A11, sample(A11)))
    assert of(report, "X-05") == ["/products/1/model"]


def test_x05_example_2_contract_signed_after_issue() -> None:
    contract = sample(LIC)
    contract["sign_date"] = "2024-07-17"
    report = check((A11, sample(A11)), (LIC, contract))
    assert of(report, "X-05") == ["/sign_date"]


def test_x05_contract_term_must_cover_the_validity() -> None:
    contract = sample(LIC)
    contract["term"]["to"] = "2027-07-13"
    assert of(check((A11, sample(A11)), (LIC, contract)), "X-05") == ["/term"]


def test_x05_stages_after_the_issue_date() -> None:
    application = sample(APP)
    application["origin"]["date"] = "2024-07-16"
    application["test_results"][0]["date"] = "2024-07-20"
    report = check((APP, application), (A11, sample(A11)))
    assert of(report, "X-05") == ["/origin/date", "/test_results"]


def test_x04_case_number_matches_the_application() -> None:
    assert of(check((APP, sample(APP)), (A7, sample(A7))), "X-04") == []
    assessment = sample(A7)
    assessment["summary"]["case_no"] = "TTRC-MIT-113-9999"
    assert of(check((APP, sample(APP)), (A7, assessment)), "X-04") == ["/summary/case_no"]


def renewal_case(applied: str, valid_to: str = "2027-07-14") -> CaseReport:
    application = app(kind="renewal", application_date=applied,
                      renewal={"cert_no": "MIT-TX-113-0457", "valid_to": valid_to})
    return check((APP, application), (A11, sample(A11)))


def test_x08_renewal_in_the_certificate_window() -> None:
    assert of(renewal_case("2027-05-15"), "X-08") == []
    assert of(renewal_case("2027-05-14"), "X-08") == ["/application_date"]


def test_x08_renewal_quotes_the_certificate_validity() -> None:
    assert of(renewal_case("2027-05-15", "2027-07-15"), "X-08") == ["/renewal/valid_to"]


def test_x19_a_sanction_in_an_earlier_application_bars_a_later_one() -> None:
    earlier = app(application_date="2024-09-01",
                  prior_sanctions=[{"kind": "revoked", "date": "2024-05-10"}])
    later = app(application_date="2027-05-10")
    assert of(check((APP, earlier), (APP, later)), "X-19") == ["/application_date"]
    later["application_date"] = "2027-05-11"
    assert of(check((APP, earlier), (APP, later)), "X-19") == []
