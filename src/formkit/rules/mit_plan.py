"""附件九 臺灣製 MIT 微笑產品生產工廠品質管理系統 矯正計畫: derived fields and MIT-R20.

The deadline lives on 附件七, so the timeliness comparison is the cross-document rule
X-02; here the plan's own dates are checked, and the effective submission date of 備註 2 is
derived so that X-02 (and a reader) need not repeat the per-method logic.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

from ..findings import Finding
from ..i18n import N_
from ..labels import choice, name_of
from ..pointers import pointer
from . import Context, deriver, rule
from .mit_common import A9, as_date, blank, count, obj, taipei_date

ROW_NAMES = ("設備管理", "原物料管理", "製程作業管理", "人員管理", "檢測作業管理", "顧客關係管理")
X01_CITATION = "S0 要點28①(二); 附件七 ↔ 附件九 驗證機構評核結果 (AMB-44)"


def effective_date(rec: dict[str, Any]) -> date | None:
    """附件九 備註 2: the day that counts for the deadline, by submission method.

    Without a method the printed form has only 業者送件日期, so that date counts.
    """
    method = rec.get("submission_method")
    if method == "mail":
        return as_date(rec.get("postmark_date"))
    if method in ("fax", "email"):
        return taipei_date(rec.get("transmitted_at"))
    return as_date(rec.get("submitted_date"))


def row_conform(row: dict[str, Any]) -> bool:
    """「符合/不適用」 is ticked exactly when no defect is counted in the row."""
    return not (count(row.get("major")) or count(row.get("minor")) or count(row.get("slight")))


@deriver(A9, owns={"/effective_date": "MIT-R20", "/rows": "X-01"})
def derive(rec: dict[str, Any], ctx: Context) -> None:
    """Fill each row's 「符合/不適用」 box and the effective submission date."""
    rows = rec.get("rows")
    if isinstance(rows, list):
        for row in rows:
            if isinstance(row, dict):
                row["conform"] = row_conform(row)
    day = effective_date(rec)
    if day is None:
        rec.pop("effective_date", None)  # never trust a given value that cannot be computed
    else:
        rec["effective_date"] = day.isoformat()


@rule("MIT-R20", forms=A9, citation="S0 要點28①(一)3, (二); 附件九 備註")
def check_plan(rec: dict[str, Any], ctx: Context) -> Iterator[Finding]:
    """The plan's dates per 備註 2, plus the row completeness that X-01 states.

    The completeness of each row needs this document only, so a lone 附件九 reports it here,
    under X-01's id and citation; X-01 reports the same when it runs over a case.
    """
    yield from _dates(rec, ctx)
    yield from row_findings(rec, ctx)


def _dates(rec: dict[str, Any], ctx: Context) -> Iterator[Finding]:
    method = rec.get("submission_method")
    if method == "mail" and rec.get("postmark_date") is None:
        yield ctx.error(
            pointer("postmark_date"),
            N_(
                "submission_method is mail (郵寄): postmark_date is required, the postmark "
                "decides the submission date"
            ),
        )
    if method in ("fax", "email") and rec.get("transmitted_at") is None:
        yield ctx.error(
            pointer("transmitted_at"),
            N_(
                "submission_method is {method}: transmitted_at is required, the time of "
                "transmission decides the submission date"
            ),
            method=choice(A9, "/submission_method", method),
        )
    unused = {"postmark_date": method != "mail", "transmitted_at": method not in ("fax", "email")}
    for key, stray in unused.items():
        if stray and rec.get(key) is not None:
            yield ctx.warning(
                pointer(key),
                N_("{key} is given but submission_method is {method}; it does not count"),
                key=name_of(A9, pointer(key)),
                method=choice(A9, "/submission_method", method or "-"),
            )
    submitted = as_date(rec.get("submitted_date"))
    received = as_date(rec.get("received_date"))
    effective = effective_date(rec)
    if received is None:
        return
    if submitted is not None and received < submitted:
        yield ctx.warning(
            pointer("received_date"),
            N_("received_date {received} is before submitted_date {submitted}"),
            received=received.isoformat(),
            submitted=submitted.isoformat(),
        )
    elif effective is not None and effective != submitted and received < effective:
        yield ctx.warning(
            pointer("received_date"),
            N_("received_date {received} is before the effective submission date {effective}"),
            received=received.isoformat(),
            effective=effective.isoformat(),
        )
    if method == "in_person" and submitted is not None and received != submitted:
        yield ctx.warning(
            pointer("received_date"),
            N_(
                "delivered in person: the plan counts on the day it reaches the body, but "
                "received_date {received} differs from submitted_date {submitted}"
            ),
            received=received.isoformat(),
            submitted=submitted.isoformat(),
        )


def row_findings(rec: dict[str, Any], ctx: Context, form: str | None = None) -> Iterator[Finding]:
    """Rows that count a defect need 評核缺失內容; 主要/次要 rows also need 缺失矯正方式."""
    rows = rec.get("rows")
    if not isinstance(rows, list):
        return
    extra: dict[str, Any] = {"rule": "X-01", "citation": X01_CITATION}
    if form is not None:
        extra["form"] = form
    for i, raw in enumerate(rows[: len(ROW_NAMES)]):
        row = obj(raw)
        name = ROW_NAMES[i]
        serious = count(row.get("major")) + count(row.get("minor"))
        if not row_conform(row) and blank(row.get("finding")):
            yield ctx.error(
                pointer("rows", i, "finding"),
                N_("row {row} ({name}) counts a defect: 評核缺失內容 (finding) is required"),
                row=i + 1,
                name=name,
                **extra,
            )
        if blank(row.get("correction")):
            if serious:
                yield ctx.error(
                    pointer("rows", i, "correction"),
                    N_(
                        "row {row} ({name}) counts a 主要 or 次要缺點: 缺失矯正方式 "
                        "(correction) is required"
                    ),
                    row=i + 1,
                    name=name,
                    **extra,
                )
            elif count(row.get("slight")):
                yield ctx.warning(
                    pointer("rows", i, "correction"),
                    N_("row {row} ({name}) counts a 輕微缺失 without a correction"),
                    row=i + 1,
                    name=name,
                    **extra,
                )
