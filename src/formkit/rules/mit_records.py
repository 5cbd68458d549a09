"""MIT微笑 records of certification: sample return and disposal (A.1.17), the certification
result summary report (A.1.18), product registration (A.1.22).

要點24② (MIT-R11): after testing the 驗證機構 notifies the applicant to collect the samples;
those not collected 「自通知日起一個月」 are photographed, recorded, destroyed or discarded, and
the applicant is notified of the result. The month is counted from the day after the notice
(T3, AMB-04; option ``reading``) and its last day moves past rest days (T10). The same rule
runs on the application's own sample-return block (rules/mit_application.py).

要點29 (MIT-R23): the 驗證結果彙整報告 is kept at least six years; the retention end is a
validity-style period from the day it was prepared (T4). X-05 (rules/mit_application.py)
relates the report's review to the certificate's issue date.

The product registration record (附件十三 六) has no rule of its own.
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
from .mit_common import as_date, obj
from .periods import Deadline, deadline, validity_end

SAMPLES = "mit/sample-return-disposal-record"
SUMMARY = "mit/cert-result-summary-report"
REGISTRATION = "mit/product-registration-record"

_COLLECT_MONTHS = 1  # 要點24② 「自通知日起一個月」
_KEEP_YEARS = 6  # 要點29 「留存至少六年」


# -- MIT-R11: 樣品領回及逕予銷毀/廢棄 ---------------------------------------------------------


def collection_deadline(notice: date, ctx: Context) -> Deadline:
    """要點24② 「自通知日起一個月」: T3 (AMB-04: the notice day not counted unless
    ``reading`` is ``include_start``), moved past rest days (T10)."""
    include = ctx.option("reading", "exclude_start", rule="MIT-R11") == "include_start"
    rollover = bool(ctx.option("rest_day_rollover", True, rule="MIT-R11"))
    return deadline(notice, _COLLECT_MONTHS, "month", include_start=include, rollover=rollover)


@deriver(SAMPLES, owns={"/collection_deadline": "MIT-R11"})
def derive_samples(rec: dict[str, Any], ctx: Context) -> None:
    """領回期限 from the notice date."""
    notice = as_date(rec.get("return_notice_date"))
    if notice is None:
        rec.pop("collection_deadline", None)
    else:
        rec["collection_deadline"] = collection_deadline(notice, ctx).last_day.isoformat()


@rule("MIT-R11", forms=SAMPLES, citation="S0 要點24①②")
def check_sample_disposal(rec: dict[str, Any], ctx: Context) -> Iterator[Finding]:
    """Uncollected samples are destroyed or discarded only after the month to collect them,
    with photos, a record and a notice of the result to the applicant."""
    notice = as_date(rec.get("return_notice_date"))
    returned = as_date(rec.get("returned_date"))
    disposed = as_date(rec.get("disposal_date"))
    due = collection_deadline(notice, ctx) if notice is not None else None
    if notice is not None and returned is not None and returned < notice:
        yield ctx.error(
            pointer("returned_date"),
            N_("the samples were collected on {returned}, before the notice to collect them "
               "on {notice}"),
            returned=returned.isoformat(), notice=notice.isoformat(),
        )
    if disposed is None:
        if (due is not None and returned is None and ctx.as_of is not None
                and ctx.as_of > due.last_day):
            yield ctx.info(
                pointer("disposal_date"),
                N_("the samples were not collected by {deadline}: they may now be photographed, "
                   "recorded and destroyed or discarded, and the applicant notified"),
                deadline=due.last_day.isoformat(),
            )
        return
    if returned is not None:
        yield ctx.error(
            pointer("disposal_date"),
            N_("the samples were collected on {returned}; collected samples are not destroyed "
               "or discarded"),
            returned=returned.isoformat(),
        )
    elif due is not None and disposed <= due.last_day:
        yield ctx.error(
            pointer("disposal_date"),
            N_("the samples were disposed of on {disposed}, before the collection period ended "
               "on {deadline}"),
            disposed=disposed.isoformat(), deadline=due.last_day.isoformat(),
            expected=f"> {due.last_day.isoformat()}", actual=disposed.isoformat(),
        )
    if due is not None and due.rolled:
        yield ctx.info(
            pointer("collection_deadline"),
            N_("the last day of the month to collect the samples, {nominal}, is a rest day; "
               "it moves to {deadline}"),
            nominal=due.nominal.isoformat(), deadline=due.last_day.isoformat(),
        )
    photos = rec.get("photos")
    if not isinstance(photos, list) or not photos:
        yield ctx.error(
            pointer("photos"),
            N_("the disposal of the samples must be photographed and recorded"),
        )
    result = as_date(rec.get("result_notice_date"))
    if result is None:
        yield ctx.error(
            pointer("result_notice_date"),
            N_("the applicant must be notified of the result of the disposal"),
        )
    elif result < disposed:
        yield ctx.error(
            pointer("result_notice_date"),
            N_("the result was notified on {notice}, before the disposal on {disposed}"),
            notice=result.isoformat(), disposed=disposed.isoformat(),
        )


# -- MIT-R23: 驗證結果彙整報告 ---------------------------------------------------------------


def retention_end(prepared: date) -> date:
    """要點29 「留存至少六年」: T4 from the day the report was prepared (that day counted).
    2024-03-05 → 2030-03-04."""
    return validity_end(prepared, _KEEP_YEARS, "year")


@deriver(SUMMARY, owns={"/retention_until": "MIT-R23"})
def derive_summary(rec: dict[str, Any], ctx: Context) -> None:
    """保存期限 from the day the report was prepared."""
    prepared = as_date(rec.get("prepared_date"))
    if prepared is None:
        rec.pop("retention_until", None)
    else:
        rec["retention_until"] = retention_end(prepared).isoformat()


_STAGES = (
    ("document_review", "result", "incomplete"),
    ("origin_determination", "result", "nonconform"),
    ("labelling_review", "result", "nonconform"),
)


@rule("MIT-R23", forms=SUMMARY, citation="S0 要點29; 附件六")
def check_summary_report(rec: dict[str, Any], ctx: Context) -> Iterator[Finding]:
    """Kept at least six years from its preparation: a disposal scheduled on or before the
    retention end is an error. The report is reviewed after it is prepared (附件六
    「驗證結果彙整報告製作 → 驗證結果彙整報告審查」), and 「通過」 needs every stage passed."""
    prepared = as_date(rec.get("prepared_date"))
    if prepared is None:
        return
    keep = retention_end(prepared)
    scheduled = as_date(rec.get("disposal_scheduled_date"))
    if scheduled is not None and scheduled <= keep:
        yield ctx.error(
            pointer("disposal_scheduled_date"),
            N_("the report is scheduled for disposal on {scheduled}; it must be kept at least "
               "six years, through {keep}"),
            scheduled=scheduled.isoformat(), keep=keep.isoformat(),
            expected=f"> {keep.isoformat()}", actual=scheduled.isoformat(),
        )
    review = obj(rec.get("review"))
    reviewed = as_date(review.get("date"))
    if reviewed is not None and reviewed < prepared:
        yield ctx.error(
            pointer("review", "date"),
            N_("the report was reviewed on {reviewed}, before it was prepared on {prepared}"),
            reviewed=reviewed.isoformat(), prepared=prepared.isoformat(),
        )
    if rec.get("conclusion") != "pass":
        return
    for block, key, failed in _STAGES:
        value = obj(rec.get(block)).get(key)
        if value == failed:
            yield ctx.error(
                pointer(block, key),
                N_("the conclusion is 通過 though {stage} is {result}"),
                stage=name_of(SUMMARY, f"/{block}"),
                result=choice(SUMMARY, f"/{block}/{key}", value),
            )
    rows = rec.get("product_testing")
    for i, row in enumerate(rows if isinstance(rows, list) else []):
        if obj(row).get("result") == "fail":
            yield ctx.error(
                pointer("product_testing", i, "result"),
                N_("the conclusion is 通過 though model {model} failed its test"),
                model=str(obj(row).get("model", "-")),
            )

