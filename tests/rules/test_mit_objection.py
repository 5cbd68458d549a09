"""異議 (要點49、50; 附件十七 六(三)): MIT-R41, MIT-R64, and MIT-R05 on the 複查."""

from __future__ import annotations

import copy
from datetime import date
from typing import Any

import pytest

from formkit.engine import Report, validate
from formkit.rules.mit_objection import recusal_ground

OBJECTION = "mit/objection"
DECISION = "mit/objection-review-decision"
A17 = "mit/annex-17-objection"
AS_OF = date(2025, 6, 1)

OBJ: dict[str, Any] = {
    "objector_type": "company",
    "objector": {"name": "聯祥五金工業股份有限公司", "address": "彰化縣和美鎮彰美路五段 210 號",
                 "representative": "陳志明", "tax_id": "16480894"},
    "decision_type": "cert_result",
    "decision_doc": {"issuer": "財團法人臺灣產品驗證中心", "no": "台驗字第1130006215號",
                     "date": "2024-05-31"},
    "decision_received_date": "2024-06-03",
    "filed_date": "2024-06-28",
    "reasons": "評核表記載與事實不符。",
    "evidence": [{"title": "檢測儀器校正紀錄影本", "pages": 12}],
}  # fmt: skip

DEC: dict[str, Any] = {
    "issuer": {"head": "林明德"},
    "doc_no": "產授字第11300487650號",
    "date": "2024-07-22",
    "objector_type": "company",
    "objector": {"name": "聯祥五金工業股份有限公司"},
    "objection": {
        "decision_type": "cert_result",
        "decision_doc": {"issuer": "財團法人臺灣產品驗證中心", "no": "台驗字第1130006215號",
                         "date": "2024-05-31"},
        "decision_received_date": "2024-06-03",
        "filed_date": "2024-06-28",
    },
    "result": "maintain",
    "reasons": "核無違誤。",
}  # fmt: skip

A17_BASE: dict[str, Any] = {
    "objector": {"name": "好鄰居百貨股份有限公司", "address": "臺中市西屯區臺灣大道三段 301 號",
                 "representative": "吳美玲", "tax_id": "81924865"},
    "notice_ref": "MIT秘字第1130915號",
    "notice_date": "2024-09-16",
    "filed_date": "2024-10-08",
    "reasons": "並無販售事實。",
    "evidence": [{"title": "下架及退貨單據影本", "pages": 4}],
}  # fmt: skip


def make(base: dict[str, Any], **changes: Any) -> dict[str, Any]:
    rec = copy.deepcopy(base)
    for key, value in changes.items():
        target = rec
        *parents, last = key.split("__")
        for p in parents:
            target = target[p]
        if value is None:
            target.pop(last, None)
        else:
            target[last] = value
    return rec


def run(form: str, rec: dict[str, Any], **options: Any) -> Report:
    return validate(form, rec, as_of=AS_OF, options=options)


def of(report: Report, rule: str, severity: str = "error") -> list[str]:
    return [f.path for f in report.findings if f.rule == rule and f.severity == severity]


# -- MIT-R41 on the 異議書 -------------------------------------------------------------------


def test_example_1_the_thirtieth_day_is_accepted_and_the_next_refused() -> None:
    on_time = run(OBJECTION, make(OBJ, filed_date="2024-07-03"))
    assert on_time.record["deadline"] == "2024-07-03"
    assert of(on_time, "MIT-R41") == []
    late = run(OBJECTION, make(OBJ, filed_date="2024-07-04"))
    assert of(late, "MIT-R41") == ["/filed_date"]


def test_example_2_an_objection_without_evidence_is_an_error() -> None:
    assert of(run(OBJECTION, make(OBJ, evidence=[])), "MIT-R41") == ["/evidence"]


@pytest.mark.parametrize(
    ("received", "nominal", "last_day"),
    [
        ("2024-05-31", "2024-06-30", "2024-07-01"),  # a Sunday → Monday
        ("2024-09-10", "2024-10-10", "2024-10-11"),  # 國慶日 → the next working day
        ("2024-12-28", "2025-01-27", "2025-02-03"),  # 春節 and its bridge day
        ("2025-01-09", "2025-02-08", "2025-02-08"),  # a make-up workday Saturday (AMB-61)
    ],
)
def test_the_last_day_moves_past_rest_days(received: str, nominal: str, last_day: str) -> None:
    rec = make(OBJ, decision_received_date=received, filed_date=last_day,
               decision_doc__date=received)
    report = run(OBJECTION, rec)
    assert report.record["deadline"] == last_day
    assert of(report, "MIT-R41") == []
    rolled = of(report, "MIT-R41", "info")
    assert rolled == (["/deadline"] if nominal != last_day else [])
    fixed = run(OBJECTION, rec, rest_day_rollover=False)
    assert fixed.record["deadline"] == nominal
    assert of(fixed, "MIT-R41") == ([] if nominal == last_day else ["/filed_date"])


def test_the_rollover_option_may_be_set_for_the_rule_alone() -> None:
    rec = make(OBJ, decision_received_date="2024-05-31", filed_date="2024-07-01")
    report = run(OBJECTION, rec, **{"MIT-R41": {"rest_day_rollover": False}})
    assert report.record["deadline"] == "2024-06-30"
    assert of(report, "MIT-R41") == ["/filed_date"]


def test_a_given_deadline_that_disagrees_is_reported() -> None:
    assert "/deadline" in of(run(OBJECTION, make(OBJ, deadline="2024-07-02")), "MIT-R41")


def test_filed_before_the_decision_was_received_is_an_error() -> None:
    assert of(run(OBJECTION, make(OBJ, filed_date="2024-06-02")), "MIT-R41") == ["/filed_date"]


def test_received_before_the_decision_date_is_an_error() -> None:
    rec = make(OBJ, decision_received_date="2024-05-30", filed_date="2024-06-10")
    assert of(run(OBJECTION, rec), "MIT-R41") == ["/decision_received_date"]


@pytest.mark.parametrize(
    ("objector", "decision", "ok"),
    [("company", "cert_result", True), ("company", "revocation", True),
     ("company", "accreditation", False), ("cb", "accreditation", True),
     ("lab", "recognition", True), ("cb", "abolition", True), ("lab", "extension", False)],
)  # fmt: skip
def test_points_49_and_50_pair_objectors_with_decisions(objector: str, decision: str,
                                                        ok: bool) -> None:
    report = run(OBJECTION, make(OBJ, objector_type=objector, decision_type=decision))
    assert of(report, "MIT-R41") == ([] if ok else ["/decision_type"])


# -- MIT-R41 on the 複查決定 --------------------------------------------------------------


def test_the_decision_derives_the_objection_deadline() -> None:
    report = run(DECISION, DEC)
    assert report.record["objection"]["deadline"] == "2024-07-03"
    assert report.valid


def test_a_late_objection_must_be_refused_not_reviewed() -> None:
    late = make(DEC, objection__filed_date="2024-07-04")
    assert of(run(DECISION, late), "MIT-R41") == ["/result"]
    refused = make(late, result="not_accepted", reasons="逾收受決定書三十日。")
    assert of(run(DECISION, refused), "MIT-R41") == []


def test_an_objection_on_the_last_day_may_not_be_refused_as_late() -> None:
    rec = make(DEC, result="not_accepted", objection__filed_date="2024-07-03")
    assert of(run(DECISION, rec), "MIT-R41") == ["/result"]


def test_a_maintained_decision_needs_written_reasons() -> None:
    assert of(run(DECISION, make(DEC, reasons=None)), "MIT-R41") == ["/reasons"]
    assert of(run(DECISION, make(DEC, reasons="　")), "MIT-R41") == ["/reasons"]


def test_a_revoked_decision_should_state_the_new_one() -> None:
    rec = make(DEC, result="revoke", reasons=None)
    report = run(DECISION, rec)
    assert of(report, "MIT-R41") == []
    assert of(report, "MIT-R41", "warning") == ["/new_decision"]
    given = make(rec, new_decision="驗證結果改為通過。")
    assert of(run(DECISION, given), "MIT-R41", "warning") == []


def test_the_review_cannot_precede_the_objection() -> None:
    assert of(run(DECISION, make(DEC, date="2024-06-27")), "MIT-R41") == ["/date"]


def test_the_decision_checks_the_pairing_too() -> None:
    rec = make(DEC, objector_type="cb")
    assert of(run(DECISION, rec), "MIT-R41") == ["/objection/decision_type"]


# -- MIT-R05 recusal (要點15) ------------------------------------------------------------


def rel(**kw: Any) -> dict[str, Any]:
    return {"reviewer": "張文彬", "person": "陳志明", **kw}


@pytest.mark.parametrize(
    ("relationship", "ground"),
    [
        # Part B example 1: the 堂兄 (blood, 4th degree) is the applicant's 負責人.
        (rel(relation="堂兄", kind="blood", degree=4, link="party"), "一"),
        # Example 2: the spouse's 姪子 (in-law, 3rd degree) is employed by the applicant.
        (rel(relation="姪子", kind="in_law", degree=3, link="employment"), "四"),
        # Example 3: a 再從兄弟 (blood, 6th degree) is the owner: no ground.
        (rel(relation="再從兄弟", kind="blood", degree=6, link="party"), None),
        # Boundaries: blood within four degrees, in-law within three (以內 inclusive).
        (rel(kind="blood", degree=5, link="party"), None),
        (rel(kind="in_law", degree=4, link="party"), None),
        (rel(kind="in_law", degree=4, link="mandate"), None),
        (rel(kind="in_law", degree=1, link="mandate"), "四"),
        (rel(kind="ex_spouse", link="party", former=True), "一"),
        (rel(kind="self", link="party"), "一"),
        (rel(kind="spouse", link="joint_rights"), "二"),
        (rel(kind="blood", degree=1, link="joint_rights"), None),
        (rel(kind="self", link="agent"), "三"),
        (rel(kind="spouse", link="agent"), None),
    ],
)
def test_recusal_grounds(relationship: dict[str, Any], ground: str | None) -> None:
    assert recusal_ground(relationship) == ground


def with_reviewers(*relationships: dict[str, Any], withdrawn: bool = False) -> dict[str, Any]:
    reviewers = [{"name": "王建國", "role": "staff"},
                 {"name": "張文彬", "role": "council", "withdrawn": withdrawn}]
    return make(DEC, reviewers=reviewers, relationships=list(relationships))


def test_a_reviewer_with_a_ground_must_withdraw() -> None:
    rec = with_reviewers(rel(relation="堂兄", kind="blood", degree=4, link="party"))
    assert of(run(DECISION, rec), "MIT-R05") == ["/relationships/0"]


def test_a_reviewer_who_withdrew_is_reported_as_information() -> None:
    rec = with_reviewers(rel(relation="堂兄", kind="blood", degree=4, link="party"),
                         withdrawn=True)
    report = run(DECISION, rec)
    assert of(report, "MIT-R05") == []
    assert of(report, "MIT-R05", "info") == ["/relationships/0"]


def test_a_distant_relative_is_no_ground() -> None:
    rec = with_reviewers(rel(relation="再從兄弟", kind="blood", degree=6, link="party"))
    report = run(DECISION, rec)
    assert of(report, "MIT-R05") == [] and report.valid


def test_a_relationship_of_someone_not_reviewing_is_an_error() -> None:
    rec = with_reviewers({**rel(kind="self", link="agent"), "reviewer": "李淑芬"})
    assert of(run(DECISION, rec), "MIT-R05") == ["/relationships/0/reviewer"]


# -- MIT-R64 (附件十七 六(三)) ---------------------------------------------------------------


def test_r64_example_1_notice_of_16_september_runs_to_16_october() -> None:
    on_time = run(A17, make(A17_BASE, filed_date="2024-10-16"))
    assert on_time.record["deadline"] == "2024-10-16"
    assert of(on_time, "MIT-R64") == []
    assert of(run(A17, make(A17_BASE, filed_date="2024-10-17")), "MIT-R64") == ["/filed_date"]


def test_r64_filed_before_the_notice_is_an_error() -> None:
    assert of(run(A17, make(A17_BASE, filed_date="2024-09-15")), "MIT-R64") == ["/filed_date"]


def test_r64_the_last_day_moves_past_national_day() -> None:
    rec = make(A17_BASE, notice_date="2024-09-10", filed_date="2024-10-11")
    report = run(A17, rec)
    assert report.record["deadline"] == "2024-10-11"
    assert of(report, "MIT-R64") == []
    assert of(report, "MIT-R64", "info") == ["/deadline"]
    assert of(run(A17, rec, rest_day_rollover=False), "MIT-R64") == ["/filed_date"]


def test_r64_an_objection_without_evidence_is_an_error() -> None:
    assert of(run(A17, make(A17_BASE, evidence=[])), "MIT-R64") == ["/evidence"]


def test_r64_example_2_imitation_products_are_major_without_an_improvement_step() -> None:
    rec = make(A17_BASE, audit={"grade": "major", "item": "i3", "improvement_notified": False})
    report = run(A17, rec)
    assert of(report, "MIT-R64") == [] and of(report, "MIT-R64", "warning") == []
    assert of(report, "MIT-R64", "info") == ["/audit/item"]


def test_r64_other_situations_need_an_unheeded_notice_to_improve() -> None:
    rec = make(A17_BASE, audit={"grade": "major", "item": "i2", "improvement_notified": False})
    assert of(run(A17, rec), "MIT-R64", "warning") == ["/audit/improvement_notified"]
    heeded = make(rec, audit__improvement_notified=True)
    assert of(run(A17, heeded), "MIT-R64", "warning") == []


def test_r64_a_minor_grade_with_a_major_situation_is_an_error() -> None:
    rec = make(A17_BASE, audit={"grade": "minor", "item": "i3"})
    assert of(run(A17, rec), "MIT-R64") == ["/audit/item"]


def test_r64_a_major_grade_should_name_its_situation() -> None:
    rec = make(A17_BASE, audit={"grade": "major"})
    assert of(run(A17, rec), "MIT-R64", "warning") == ["/audit/item"]
