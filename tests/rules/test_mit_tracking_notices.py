"""附件十五 附錄四 (MIT-R56), the notices of 附件十五/十六 (MIT-R54, R59, R61), the 附件十三
correction notice (MIT-R39, R66), and the cross-document rules X-12, X-19 (notices), X-20, X-21."""

from __future__ import annotations

import copy
import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from formkit.engine import Report, fill, validate
from formkit.rules import Case, CaseDoc, Context, all_rules
from formkit.rules.mit_tracking_notices import (
    check_report_triggers,
    check_revocation_reports,
    check_tracking_classification,
)

REPORT = "mit/annex-15-app-04-unscheduled-report"
NOTICES = "mit/annex-15-notices"
CORRECTION = "mit/annex-13-correction-notice"
A7 = "mit/annex-07-qms-assessment"
APP = "mit/cert-application"
ROOT = Path(__file__).resolve().parents[2]
AS_OF = date(2024, 12, 1)


def sample(form: str) -> dict[str, Any]:
    return json.loads((ROOT / "samples" / f"{form}.json").read_text(encoding="utf-8"))


def run(form: str, rec: dict[str, Any], **options: Any) -> Report:
    return validate(form, rec, as_of=AS_OF, options=options or None)


def of(report: Report, rule: str, severity: str = "error") -> list[str]:
    return [f.path for f in report.findings if f.rule == rule and f.severity == severity]


def at(moment: str) -> str:
    return f"{moment}:00+08:00"


# -- MIT-R56: response times ------------------------------------------------------------


def report(case: str, timing: dict[str, Any], **extra: Any) -> dict[str, Any]:
    rec = copy.deepcopy(sample(REPORT))
    for key in ("c", "follow_up"):
        rec.pop(key, None)
    rec["case"] = case
    rec["timing"] = timing
    part = {"quality": ("a", {"industry": "毛巾", "result": "pass"}),
            "origin": ("b", {"result": "pass"}),
            "misuse": ("c", {"promo": "pass", "product": "na"}),
            "revocation": ("d", {"promo": "na", "product": "pass"})}[case]
    rec[part[0]] = part[1]
    rec.update(extra)
    return rec


def test_sample_is_valid_and_derives_the_limits() -> None:
    rep = fill(REPORT, sample(REPORT), as_of=AS_OF)
    assert rep.errors == []
    timing = rep.record["timing"]
    # Ex. 1: received 2024-09-03 10:00 → web check by 09-04 10:00, store check by 09-06.
    assert timing["virtual_due"] == "2024-09-04T10:00:00+08:00"
    assert timing["physical_due"] == "2024-09-06"


@pytest.mark.parametrize(
    ("done", "errors"),
    [("2024-09-04T10:00", []),  # exactly 24 h: within
     ("2024-09-04T10:01", ["/timing/virtual_checked_at"])],  # X-12 Ex. 1 (26 h) in small
)
def test_virtual_channels_within_24_hours(done: str, errors: list[str]) -> None:
    rec = report("misuse", {"received_at": at("2024-09-03T10:00"), "channels": ["virtual"],
                            "virtual_checked_at": at(done)})
    assert of(run(REPORT, rec), "MIT-R56") == errors


@pytest.mark.parametrize(
    ("done", "errors"),
    [("2024-09-06T17:30", []), ("2024-09-07T09:00", ["/timing/physical_checked_at"])],
)
def test_physical_channels_within_three_days(done: str, errors: list[str]) -> None:
    rec = report("misuse", {"received_at": at("2024-09-03T10:00"), "channels": ["physical"],
                            "physical_checked_at": at(done)})
    assert of(run(REPORT, rec), "MIT-R56") == errors


def test_quality_sample_within_five_days() -> None:
    # Ex. 3: complaint 2024-09-04 → sample bought and testing started by 2024-09-09.
    rec = report("quality", {"received_at": at("2024-09-04T15:00"),
                             "sample_bought_at": at("2024-09-09T16:00")})
    rep = fill(REPORT, rec, as_of=AS_OF)
    assert rep.record["timing"]["sample_due"] == "2024-09-09"
    assert of(rep, "MIT-R56") == []
    rec["timing"]["sample_bought_at"] = at("2024-09-10T09:00")
    assert of(run(REPORT, rec), "MIT-R56") == ["/timing/sample_bought_at"]


def test_origin_factory_counted_from_the_confirmation() -> None:
    # Ex. 2: complaint 2024-09-03, labelling confirmed 09-05 → factory by 09-10 (AMB-16);
    # counted from the complaint 09-08 (a Sunday) rolls to 09-09.
    timing = {"received_at": at("2024-09-03T09:00"), "label_confirmed_at": at("2024-09-05T11:00"),
              "mislabel_suspected": True, "factory_assessed_at": at("2024-09-10T10:00")}
    rec = report("origin", timing)
    rep = fill(REPORT, rec, as_of=AS_OF)
    assert rep.record["timing"]["label_due"] == "2024-09-06"
    assert rep.record["timing"]["factory_due"] == "2024-09-10"
    assert of(rep, "MIT-R56") == []
    other = validate(REPORT, rec, as_of=AS_OF, options={"MIT-R56": {"factory_start": "complaint"}})
    assert of(other, "MIT-R56") == ["/timing/factory_assessed_at"]
    assert fill(REPORT, rec, as_of=AS_OF, options={"MIT-R56": {"factory_start": "complaint"}}
                ).record["timing"]["factory_due"] == "2024-09-09"


def test_origin_without_suspicion_needs_no_factory_assessment() -> None:
    rec = report("origin", {"received_at": at("2024-09-03T09:00"),
                            "label_confirmed_at": at("2024-09-06T18:00"),
                            "mislabel_suspected": False})
    rep = fill(REPORT, rec, as_of=AS_OF)
    assert "factory_due" not in rep.record["timing"]
    assert of(rep, "MIT-R56") == [] and of(rep, "MIT-R56", "warning") == []
    rec["timing"]["label_confirmed_at"] = at("2024-09-07T08:00")
    assert of(run(REPORT, rec), "MIT-R56") == ["/timing/label_confirmed_at"]


def test_rest_day_rollover_moves_the_last_day() -> None:
    # received Wed 2024-09-04 → 3 days → Sat 09-07 → Mon 09-09 with the roll-over
    rec = report("misuse", {"received_at": at("2024-09-04T10:00"), "channels": ["physical"],
                            "physical_checked_at": at("2024-09-09T10:00")})
    assert of(run(REPORT, rec), "MIT-R56") == []
    off = validate(REPORT, rec, as_of=AS_OF, options={"rest_day_rollover": False})
    assert of(off, "MIT-R56") == ["/timing/physical_checked_at"]


def test_revocation_counts_from_the_decision() -> None:
    rec = report("revocation", {"decided_at": at("2024-10-15T14:00"),
                                "virtual_checked_at": at("2024-10-16T15:00"),
                                "physical_checked_at": at("2024-10-18T10:00")})
    assert of(run(REPORT, rec), "MIT-R56") == ["/timing/virtual_checked_at"]


def test_missing_times_cannot_be_verified() -> None:
    rec = report("misuse", {"channels": ["virtual"]})
    assert of(run(REPORT, rec), "MIT-R56", "warning") == ["/timing/received_at"]
    rec = report("misuse", {"received_at": at("2024-09-03T10:00")})
    assert sorted(of(run(REPORT, rec), "MIT-R56", "warning")) == [
        "/timing/physical_checked_at", "/timing/virtual_checked_at"]


def test_a_given_limit_that_differs_is_an_error() -> None:
    rec = report("quality", {"received_at": at("2024-09-04T15:00"),
                             "sample_bought_at": at("2024-09-05T09:00"),
                             "sample_due": "2024-09-12"})
    assert of(run(REPORT, rec), "MIT-R56") == ["/timing/sample_due"]


def test_note_required_with_fail_or_other() -> None:
    rec = report("misuse", {}, c={"promo": "fail", "product": "pass"})
    assert [f.path for f in run(REPORT, rec).errors] == ["/c/promo_note"]


# -- MIT-R54: advance notice ------------------------------------------------------------


def notice(**changes: Any) -> dict[str, Any]:
    rec = copy.deepcopy(sample(NOTICES))
    for key in ("statement_notice", "effective_date", "findings", "deficiency_class",
                "deficiency_ground"):
        rec.pop(key, None)
    for key, value in changes.items():
        if value is None:
            rec.pop(key, None)
        else:
            rec[key] = value
    return rec


@pytest.mark.parametrize(
    ("notified", "errors"),
    [("2024-06-17", []), ("2024-06-18", ["/notice_date"])],  # MIT-R54 Ex. 1, 2
)
def test_inspection_notified_three_days_ahead(notified: str, errors: list[str]) -> None:
    rec = notice(type="inspection", notice_date=notified, inspection_date="2024-06-20")
    assert of(run(NOTICES, rec), "MIT-R54") == errors


def test_not_operating_notice_comes_from_the_company_before_the_inspection() -> None:
    rec = notice(type="not_operating", issuer_kind="company", notice_date="2024-06-19",
                 inspection_date="2024-06-20", next_start_date="2024-07-01")
    assert of(run(NOTICES, rec), "MIT-R54") == []
    rec.update(notice_date="2024-06-20", issuer_kind="cb")
    assert sorted(of(run(NOTICES, rec), "MIT-R54")) == ["/issuer_kind", "/notice_date"]
    rec.update(notice_date="2024-06-19", issuer_kind="company", next_start_date="2024-06-18")
    assert of(run(NOTICES, rec), "MIT-R54", "warning") == ["/next_start_date"]


# -- MIT-R59: deficiencies of a certified company ------------------------------------------


def test_sample_termination_is_valid_with_its_objection_route() -> None:
    rep = fill(NOTICES, sample(NOTICES), as_of=AS_OF)
    assert rep.errors == []
    assert rep.record["objection_route"].endswith("第四十九點提出異議。")
    # the ban after the abolition: effective 2024-10-18 → through 2025-10-18
    assert any("2025-10-18" in str(f.params) for f in rep.findings if f.rule == "MIT-R59")


def test_termination_needs_a_statement_step() -> None:
    rec = sample(NOTICES)
    rec.pop("statement_notice")
    assert of(run(NOTICES, rec), "MIT-R59") == ["/statement_notice"]
    rec = sample(NOTICES)
    rec["statement_notice"]["due"] = "2024-10-15"  # terminated on the last day of the statement
    assert of(run(NOTICES, rec), "MIT-R59") == ["/notice_date"]
    rec["statement_notice"]["due"] = "2024-10-14"
    assert of(run(NOTICES, rec), "MIT-R59") == []


def test_termination_of_a_minor_deficiency_is_an_error() -> None:
    rec = sample(NOTICES)
    rec.update(deficiency_class="minor_deficiency")
    rec.pop("deficiency_ground")
    assert of(run(NOTICES, rec), "MIT-R59") == ["/deficiency_class"]


def test_critical_defect_is_major_without_improvement_step() -> None:
    # Ex. 1: one 嚴重缺點 → 重大缺失 at once; no earlier notice is needed.
    rec = notice(type="statement", findings="嚴重缺點一項", deficiency_class="major_deficiency",
                 deficiency_ground="a15_8_2_1", statement_due="2024-10-29")
    assert of(run(NOTICES, rec), "MIT-R59") == []
    rec["deficiency_class"] = "minor_deficiency"
    assert of(run(NOTICES, rec), "MIT-R59") == ["/deficiency_class"]


def test_not_improved_ground_needs_a_prior_notice() -> None:
    # Ex. 2: 2 次要缺點 → notice to improve; 重大 only if not improved.
    rec = notice(type="statement", findings="次要缺點二項未改善",
                 deficiency_class="major_deficiency", deficiency_ground="a15_8_2_2",
                 statement_due="2024-10-29")
    assert of(run(NOTICES, rec), "MIT-R59") == ["/prior_notice"]
    rec["prior_notice"] = {"ref": "鞋技驗字第1130000901號", "notified_on": "2024-09-01",
                           "deadline": "2024-10-15"}
    assert of(run(NOTICES, rec), "MIT-R59") == ["/prior_notice/deadline"]  # not yet passed
    rec["prior_notice"]["deadline"] = "2024-10-14"
    assert of(run(NOTICES, rec), "MIT-R59") == []


def test_improvement_deadline_derived_from_the_period() -> None:
    # notice Tue 2024-10-15 + 30 days → Thu 11-14; + 33 days → Sun 11-17 → Mon 11-18
    rec = notice(type="improvement", findings="吊牌標示不符", deficiency_class="minor_deficiency",
                 improvement_days=30)
    rep = fill(NOTICES, rec, as_of=AS_OF)
    assert rep.record["deadline"] == "2024-11-14" and rep.errors == []
    rec["improvement_days"] = 33
    assert fill(NOTICES, rec, as_of=AS_OF).record["deadline"] == "2024-11-18"
    rec.pop("improvement_days")
    assert of(run(NOTICES, rec), "MIT-R59") == ["/deadline"]  # no deadline at all
    rec["deadline"] = "2024-10-15"
    assert of(run(NOTICES, rec), "MIT-R59") == ["/deadline"]  # not after the notice
    rec["deadline"] = "2024-10-16"
    assert of(run(NOTICES, rec), "MIT-R59") == []


def test_statement_due_after_the_notice() -> None:
    rec = notice(type="statement", findings="原產地不符", deficiency_class="major_deficiency",
                 deficiency_ground="a15_8_1", statement_due="2024-10-15")
    assert of(run(NOTICES, rec), "MIT-R59") == ["/statement_due"]
    rec["statement_due"] = "2024-10-16"  # AMB-48: any later date is accepted
    assert of(run(NOTICES, rec), "MIT-R59") == []
    assert of(run(NOTICES, rec), "MIT-R59", "info") == ["/statement_due"]


def test_cb_ground_on_a_company_notice() -> None:
    rec = notice(type="statement", findings="偽造文件", deficiency_class="major_deficiency",
                 deficiency_ground="a16_5_1", statement_due="2024-10-29")
    assert of(run(NOTICES, rec), "MIT-R59") == ["/deficiency_ground"]


# -- MIT-R61: deficiencies of a certification body --------------------------------------------


def cb_notice(**changes: Any) -> dict[str, Any]:
    base = {"issuer": "臺灣製MIT微笑產品驗證制度認證審議會秘書處", "issuer_kind": "secretariat",
            "subject_kind": "cb", "recipient": "財團法人台灣電子檢驗中心",
            "company": {"name": "財團法人台灣電子檢驗中心"}}
    return notice(**{**base, **changes})


def test_cb_minor_deficiency_written_notice_and_recheck() -> None:
    # Ex. 2: a missing contract seal → 輕微 → notice and re-check.
    rec = cb_notice(type="improvement", findings="合約書漏蓋印信",
                    deficiency_class="minor_deficiency", deadline="2024-11-15",
                    recheck_date="2024-11-20")
    assert of(run(NOTICES, rec), "MIT-R61") == []
    assert of(run(NOTICES, rec), "MIT-R61", "warning") == []
    rec.pop("recheck_date")
    assert of(run(NOTICES, rec), "MIT-R61", "warning") == ["/recheck_date"]
    rec["recheck_date"] = "2024-11-14"
    assert of(run(NOTICES, rec), "MIT-R61", "warning") == ["/recheck_date"]
    rec["issuer_kind"] = "cb"
    assert of(run(NOTICES, rec), "MIT-R61") == ["/issuer_kind"]


def test_cb_forged_documents_go_to_the_council() -> None:
    # Ex. 1: a forged test report → 重大 without an improvement step.
    rec = cb_notice(type="to_council", findings="偽造試驗報告", deficiency_class="major_deficiency",
                    deficiency_ground="a16_5_1")
    assert of(run(NOTICES, rec), "MIT-R61") == []
    rec.update(deficiency_class="minor_deficiency")
    rec.pop("deficiency_ground")
    assert of(run(NOTICES, rec), "MIT-R61") == ["/deficiency_class"]
    rec.update(type="termination", deficiency_class="major_deficiency", deficiency_ground="a16_5_4",
               statement_notice={"notified_on": "2024-09-01"}, effective_date="2024-10-20",
               prior_notice={"notified_on": "2024-08-01", "deadline": "2024-09-01"})
    assert of(run(NOTICES, rec), "MIT-R61") == ["/type"]
    assert of(run(NOTICES, rec), "MIT-R59") == []  # not a certified company's notice


# -- MIT-R39 / MIT-R66: the correction notice -----------------------------------------------


def test_correction_sample_is_valid_and_derives_the_deadline() -> None:
    rep = fill(CORRECTION, sample(CORRECTION), as_of=AS_OF)
    assert rep.errors == []
    assert rep.record["deadline"] == "2024-06-05"  # 2024-05-06 + 30 days


def test_abolition_after_the_deadline_bars_one_year() -> None:
    # MIT-R39 Ex. 1: order 2024-03-01, deadline 2024-03-31, not improved, 廢止 2024-04-15.
    rec = sample(CORRECTION)
    rec.update(notice_date="2024-03-01", deadline="2024-03-31", recheck_date="2024-04-01",
               recheck_result="not_improved", outcome={"abolished_on": "2024-04-15"})
    rec.pop("improvement_days")
    rec["violation"]["found_on"] = "2024-02-20"
    rep = fill(CORRECTION, rec, as_of=AS_OF)
    assert rep.errors == []
    assert rep.record["outcome"]["ban_end"] == "2025-04-15"
    # Ex. 2: 廢止 on 2024-03-20, before the deadline → E
    rec["outcome"] = {"abolished_on": "2024-03-20"}
    assert of(run(CORRECTION, rec), "MIT-R39") == ["/outcome/abolished_on"]
    rec["outcome"] = {"abolished_on": "2024-03-31"}  # on the deadline day: still too early
    assert of(run(CORRECTION, rec), "MIT-R39") == ["/outcome/abolished_on"]


def test_abolition_needs_a_recheck_not_improved() -> None:
    rec = sample(CORRECTION)
    rec.update(recheck_result="improved", outcome={"abolished_on": "2024-07-01"})
    assert of(run(CORRECTION, rec), "MIT-R39") == ["/recheck_result"]


def test_termination_under_annex13_needs_the_unheeded_notice() -> None:
    # MIT-R66 Ex. 1 in small: terminated before the deadline of the written notice.
    rec = sample(CORRECTION)
    rec["violation"]["basis"] = "a13_5"
    rec.update(recheck_result="not_improved", outcome={"abolished_on": "2024-06-05"})
    assert of(run(CORRECTION, rec), "MIT-R66") == ["/outcome/abolished_on"]
    assert of(run(CORRECTION, rec), "MIT-R39") == []
    assert "ban_end" not in fill(CORRECTION, rec, as_of=AS_OF).record["outcome"]
    rec["outcome"] = {"abolished_on": "2024-06-06"}
    assert of(run(CORRECTION, rec), "MIT-R66") == []


def test_correction_dates_in_order() -> None:
    rec = sample(CORRECTION)
    rec["violation"]["found_on"] = "2024-05-07"
    assert of(run(CORRECTION, rec), "MIT-R39") == ["/violation/found_on"]
    rec = sample(CORRECTION)
    rec.pop("improvement_days")
    assert of(run(CORRECTION, rec), "MIT-R39") == ["/deadline"]
    rec["deadline"] = "2024-05-06"
    assert of(run(CORRECTION, rec), "MIT-R39") == ["/deadline"]
    rec.update(deadline="2024-06-20")
    assert of(run(CORRECTION, rec), "MIT-R39", "warning") == ["/recheck_date"]
    rec.pop("recheck_date")
    assert of(run(CORRECTION, rec), "MIT-R66", "info") == ["/recheck_date"]


# -- cross-document rules -----------------------------------------------------------------


def filled(form: str, rec: dict[str, Any]) -> CaseDoc:
    return CaseDoc(form, fill(form, rec, as_of=AS_OF).record)


def revocation_report(**timing: str) -> dict[str, Any]:
    rec = report("revocation", {"decided_at": at("2024-10-15T14:00"),
                                "virtual_checked_at": at("2024-10-16T10:00"),
                                "physical_checked_at": at("2024-10-18T10:00"), **timing})
    rec["inspectee_tax_id"] = "38048866"
    return rec


def case_of(*docs: CaseDoc) -> tuple[Case, Context]:
    case = Case(docs)
    return case, Context(as_of=AS_OF, case=case)


def test_x21_termination_with_a_timely_report() -> None:
    case, ctx = case_of(filled(NOTICES, sample(NOTICES)), filled(REPORT, revocation_report()))
    assert list(check_revocation_reports(case, ctx)) == []
    assert list(check_report_triggers(case, ctx)) == []


def test_x21_termination_without_a_report() -> None:
    case, ctx = case_of(filled(NOTICES, sample(NOTICES)))
    assert [f.path for f in check_revocation_reports(case, ctx)] == ["/company"]


def test_x21_late_checks() -> None:
    late = revocation_report(virtual_checked_at=at("2024-10-16T14:01"),
                             physical_checked_at=at("2024-10-19T09:00"))
    case, ctx = case_of(filled(NOTICES, sample(NOTICES)), filled(REPORT, late))
    assert sorted(f.path for f in check_revocation_reports(case, ctx) if f.severity == "error"
                  ) == ["/timing/physical_checked_at", "/timing/virtual_checked_at"]


def test_x21_decision_time_unknown() -> None:
    rec = revocation_report(virtual_checked_at=at("2024-10-16T20:00"))
    rec["timing"].pop("decided_at")
    case, ctx = case_of(filled(NOTICES, sample(NOTICES)), filled(REPORT, rec))
    found = list(check_revocation_reports(case, ctx))
    assert [(f.severity, f.path) for f in found] == [("warning", "/timing/decided_at")]
    rec["timing"]["virtual_checked_at"] = at("2024-10-17T08:00")
    case, ctx = case_of(filled(NOTICES, sample(NOTICES)), filled(REPORT, rec))
    assert [f.severity for f in check_revocation_reports(case, ctx)] == ["error"]


def test_x12_report_trigger_is_the_decision_of_the_case() -> None:
    rec = revocation_report(decided_at=at("2024-10-14T14:00"),
                            virtual_checked_at=at("2024-10-15T10:00"),
                            physical_checked_at=at("2024-10-16T10:00"))
    case, ctx = case_of(filled(NOTICES, sample(NOTICES)), filled(REPORT, rec))
    assert [f.path for f in check_report_triggers(case, ctx)] == ["/timing/decided_at"]


def test_x12_late_web_check_in_a_case() -> None:
    # X-12 Ex. 1: a web check completed 26 h after receipt → E.
    rec = report("misuse", {"received_at": at("2024-09-03T10:00"), "channels": ["virtual"],
                            "virtual_checked_at": at("2024-09-04T12:00")})
    case, ctx = case_of(filled(REPORT, rec))
    found = list(check_report_triggers(case, ctx))
    assert [(f.severity, f.path) for f in found] == [("error", "/timing/virtual_checked_at")]


def a7_tracking(critical: int, major: int = 0) -> dict[str, Any]:
    return {"company": "宏昇鞋業股份有限公司",
            "summary": {"case_type": "tracking", "stat": {"critical": critical, "major": major,
                                                          "minor": 0}}}


def test_x20_critical_defect_classified_minor() -> None:
    # X-20 Ex. 1: a tracking A7 with 1 嚴重 classified as 輕微缺失 → E.
    minor = notice(type="improvement", findings="嚴重缺點一項", deficiency_class="minor_deficiency",
                   deadline="2024-11-15")
    case, ctx = case_of(CaseDoc(A7, a7_tracking(1)), CaseDoc(NOTICES, minor))
    assert [f.path for f in check_tracking_classification(case, ctx)] == ["/deficiency_class"]
    case, ctx = case_of(CaseDoc(A7, a7_tracking(1)), CaseDoc(NOTICES, sample(NOTICES)))
    assert list(check_tracking_classification(case, ctx)) == []


def test_x20_no_critical_defect() -> None:
    case, ctx = case_of(CaseDoc(A7, a7_tracking(0, 2)), CaseDoc(NOTICES, sample(NOTICES)))
    assert [f.path for f in check_tracking_classification(case, ctx)] == ["/deficiency_ground"]
    unheeded = notice(type="statement", findings="主要缺點二項",
                      deficiency_class="major_deficiency", deficiency_ground="a15_8_2_2",
                      statement_due="2024-10-29")
    case, ctx = case_of(CaseDoc(A7, a7_tracking(0, 2)), CaseDoc(NOTICES, unheeded))
    assert [f.path for f in check_tracking_classification(case, ctx)] == ["/prior_notice"]
    case, ctx = case_of(CaseDoc(A7, {**a7_tracking(1), "company": "他廠股份有限公司"}),
                        CaseDoc(NOTICES, notice(type="improvement",
                                                deficiency_class="minor_deficiency")))
    assert list(check_tracking_classification(case, ctx)) == []  # another company


def test_x19_learns_bans_from_a_termination_notice() -> None:
    from formkit.rules.mit_application import check_bans

    terminated = CaseDoc(NOTICES, fill(NOTICES, sample(NOTICES), as_of=AS_OF).record)

    def app(day: str, tax_id: str = "38048866") -> CaseDoc:
        return CaseDoc(APP, {"applicant": {"tax_id": tax_id}, "application_date": day})

    # effective 2024-10-18 → banned through 2025-10-18
    case, ctx = case_of(terminated, app("2025-10-18"))
    assert [f.path for f in check_bans(case, ctx)] == ["/application_date"]
    case, ctx = case_of(terminated, app("2025-10-19"))
    assert list(check_bans(case, ctx)) == []
    case, ctx = case_of(terminated, app("2025-01-10", "31208108"))
    assert list(check_bans(case, ctx)) == []


def test_rules_are_registered_for_the_forms() -> None:
    rules = all_rules()
    for rule_id in ("MIT-R54", "MIT-R56", "MIT-R59", "MIT-R61", "X-12", "X-20", "X-21"):
        assert rule_id in rules
    assert NOTICES in rules["X-19"].forms
    assert CORRECTION in rules["MIT-R39"].forms and CORRECTION in rules["MIT-R66"].forms
