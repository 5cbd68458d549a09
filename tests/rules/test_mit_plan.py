"""附件九 矯正計畫: the effective submission date (MIT-R20) and row completeness (X-01)."""

from __future__ import annotations

import copy
from datetime import date
from typing import Any

import pytest

from formkit.engine import Report, validate

A9 = "mit/annex-09-corrective-plan"
AS_OF = date(2024, 7, 1)


def blank_row() -> dict[str, Any]:
    return {"major": 0, "minor": 0, "slight": 0}


BASE: dict[str, Any] = {
    "company_name": "福興紡織股份有限公司",
    "tax_id": "84641177",
    "industry": "毛巾",
    "rows": [
        {"major": 0, "minor": 1, "slight": 0, "finding": "1.2 紀錄缺", "correction": "補齊"},
        blank_row(), blank_row(), blank_row(), blank_row(), blank_row(),
    ],
    "submitted_date": "2024-06-13",
}  # fmt: skip


def plan(**changes: Any) -> dict[str, Any]:
    rec = copy.deepcopy(BASE)
    for key, value in changes.items():
        if value is None:
            rec.pop(key, None)
        else:
            rec[key] = value
    return rec


def run(rec: dict[str, Any]) -> Report:
    return validate(A9, rec, as_of=AS_OF)


def of(report: Report, rule: str, severity: str) -> list[str]:
    return [f.path for f in report.findings if f.rule == rule and f.severity == severity]


# -- MIT-R20: the effective date per 附件九 備註 2 --------------------------------------------


@pytest.mark.parametrize(
    ("changes", "effective"),
    [
        ({}, "2024-06-13"),  # no method: 業者送件日期
        ({"submission_method": "in_person"}, "2024-06-13"),
        ({"submission_method": "mail", "postmark_date": "2024-06-14"}, "2024-06-14"),
        ({"submission_method": "email", "transmitted_at": "2024-06-14T23:50:00+08:00"},
         "2024-06-14"),
        ({"submission_method": "email", "transmitted_at": "2024-06-15T00:10:00+08:00"},
         "2024-06-15"),
        # 16:30 UTC is 00:30 the next day in Taipei.
        ({"submission_method": "fax", "transmitted_at": "2024-06-14T16:30:00Z"}, "2024-06-15"),
    ],
)  # fmt: skip
def test_effective_date_follows_the_submission_method(
    changes: dict[str, Any], effective: str
) -> None:
    rec = plan(submitted_date="2024-06-13", **changes)
    report = run(rec)
    assert report.record["effective_date"] == effective
    assert report.valid, [f.as_dict("en") for f in report.errors]


def test_example_1_mailed_plan_received_later_is_fine() -> None:
    rec = plan(submission_method="mail", submitted_date="2024-06-14", postmark_date="2024-06-14",
               received_date="2024-06-17")  # fmt: skip
    report = run(rec)
    assert report.findings == []
    assert report.record["effective_date"] == "2024-06-14"


def test_mail_without_a_postmark() -> None:
    report = run(plan(submission_method="mail"))
    assert of(report, "MIT-R20", "error") == ["/postmark_date"]
    assert "effective_date" not in report.record


def test_fax_or_email_without_a_transmission_time() -> None:
    assert of(run(plan(submission_method="fax")), "MIT-R20", "error") == ["/transmitted_at"]


def test_received_before_submitted_warns() -> None:
    report = run(plan(submitted_date="2024-06-14", received_date="2024-06-12"))
    assert of(report, "MIT-R20", "warning") == ["/received_date"]
    assert report.valid


def test_received_before_the_postmark_warns() -> None:
    rec = plan(submission_method="mail", submitted_date="2024-06-10", postmark_date="2024-06-14",
               received_date="2024-06-12")  # fmt: skip
    (warning,) = [f for f in run(rec).findings if f.rule == "MIT-R20"]
    assert warning.params["effective"] == "2024-06-14"


def test_in_person_receipt_on_another_day_warns() -> None:
    rec = plan(submission_method="in_person", received_date="2024-06-14")
    assert of(run(rec), "MIT-R20", "warning") == ["/received_date"]
    same_day = plan(submission_method="in_person", received_date="2024-06-13")
    assert of(run(same_day), "MIT-R20", "warning") == []


def test_fields_of_another_method_warn() -> None:
    rec = plan(submission_method="in_person", postmark_date="2024-06-12")
    assert of(run(rec), "MIT-R20", "warning") == ["/postmark_date"]


def test_given_effective_date_that_disagrees() -> None:
    rec = plan(submission_method="mail", postmark_date="2024-06-14", effective_date="2024-06-13")
    assert of(run(rec), "MIT-R20", "error") == ["/effective_date"]


def test_given_effective_date_that_cannot_be_computed_is_not_trusted() -> None:
    rec = plan(submission_method="mail", effective_date="2024-06-13")
    assert set(of(run(rec), "MIT-R20", "error")) == {"/postmark_date", "/effective_date"}


def test_transmission_time_needs_an_offset() -> None:
    rec = plan(submission_method="email", transmitted_at="2024-06-14T10:00:00")
    assert of(run(rec), "schema", "error") == ["/transmitted_at"]


# -- rows: 「符合/不適用」 and completeness (X-01, single-document part) ----------------------


def test_conform_box_is_derived_from_the_counts() -> None:
    report = run(plan())
    assert [row["conform"] for row in report.record["rows"]] == [False] + [True] * 5


def test_conform_box_ticked_beside_a_count_is_an_error() -> None:
    rec = plan()
    rec["rows"][0]["conform"] = True
    report = run(rec)
    assert of(report, "X-01", "error") == ["/rows/0/conform"]


def test_a_counted_defect_needs_a_finding() -> None:
    rec = plan()
    rec["rows"][2] = {"major": 0, "minor": 0, "slight": 1, "correction": "改善"}
    (err,) = [f for f in run(rec).findings if f.rule == "X-01"]
    assert err.path == "/rows/2/finding"
    assert err.params["name"] == "製程作業管理"
    assert "附件九" in err.citation


def test_major_or_minor_needs_a_correction() -> None:
    rec = plan()
    rec["rows"][4] = {
        "major": 1,
        "minor": 0,
        "slight": 0,
        "finding": "5.1 未檢測",
        "correction": " ",
    }
    assert of(run(rec), "X-01", "error") == ["/rows/4/correction"]


def test_slight_only_without_a_correction_warns() -> None:
    rec = plan()
    rec["rows"][1] = {"major": 0, "minor": 0, "slight": 1, "finding": "2.2 料帳不完整"}
    report = run(rec)
    assert of(report, "X-01", "warning") == ["/rows/1/correction"]
    assert report.valid


def test_exactly_six_rows() -> None:
    rec = plan()
    rec["rows"] = rec["rows"][:5]
    assert of(run(rec), "schema", "error") == ["/rows"]


def test_tax_id_checksum() -> None:
    assert of(run(plan(tax_id="84641178")), "schema", "error") == ["/tax_id"]


def test_sample_is_valid_and_complete() -> None:
    from formkit.forms import get_form

    form = get_form(A9)
    report = validate(form, form.sample, as_of=AS_OF)
    assert report.findings == []
    assert report.record["effective_date"] == "2024-06-14"
