"""MIT微笑 audits of certification bodies (附件十六 附錄二): the self-print and promotion,
tracking and fee audit tables.

- 02b (自行印製/推廣製作物審核情形查核表): no rule of its own; the annual summary (附錄三
  二(二)) reads its results (X-13, on the summary's side).
- 02c (驗證機構追蹤管理執行狀況查核表): X-14. The 家數 and 款數 are derived as 通過 + 不通過
  (a given total that differs is an error under X-14: the single-document half of the rule);
  over a case, X-14 also holds them against the CB's own annual summary of the same year
  (附件十五 附錄六 定期: row 2 工廠品管系統 for the factories, row 4 產品品質檢驗基準 for the
  products), since the 秘書處 audits a subset of what the CB tracked.
- 02d (驗證機構驗證費用暨規費收支查核表): MIT-R62, the table is only for 第三類 CBs (its 註).
  MIT-R62 on the 02a item 7 is registered apart (rules/mit_cb_audit.py).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

from ..findings import Finding
from ..i18n import N_, Localised
from ..pointers import pointer
from . import Case, CaseDoc, Context, case_rule, deriver, rule
from .mit_common import as_date, obj, record_year

SELF_PRINT = "mit/annex-16-app-02b-cb-selfprint-promo-audit"
TRACKING = "mit/annex-16-app-02c-cb-tracking-audit"
FEES = "mit/annex-16-app-02d-cb-fee-audit"
# The CB's own annual summary of its regular tracking (附件十五 附錄六, built apart).
SUMMARY = "mit/annex-15-app-06a-annual-summary-regular"

R62_CITATION = "S0 附件十六 附錄二（驗證機構驗證費用暨規費收支查核表 註）"
X14_CITATION = "S0 附件十六 附錄二（驗證機構追蹤管理執行狀況查核表）; 附件十五 四, 附錄六"

# (total, pass, fail, the summary's row index (0-based) it may not exceed, its printed row)
_COUNTS = (
    ("factories", "factories_pass", "factories_fail", 1, 2),
    ("products", "products_pass", "products_fail", 3, 4),
)
_ROC_OFFSET = 1911


def _int(value: Any) -> int | None:
    """A count as given: a non-negative integer, else None (the schema reports it)."""
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        return None
    return value


# -- 02c: the totals are the sums of their parts (X-14) --------------------------------------


@deriver(TRACKING, owns={"/factories": "X-14", "/products": "X-14"})
def derive_tracking_totals(rec: dict[str, Any], ctx: Context) -> None:
    """追蹤查核工廠家數 = 通過 + 不通過 家; 追蹤獲證產品款數 = 通過 + 不通過 款."""
    for total, passed, failed, _row, _printed in _COUNTS:
        p, f = _int(rec.get(passed)), _int(rec.get(failed))
        if p is None or f is None:
            rec.pop(total, None)
        else:
            rec[total] = p + f


# -- 02d: only for 第三類 CBs (MIT-R62) -----------------------------------------------------


@rule("MIT-R62", forms=FEES, citation=R62_CITATION)
def check_fee_audit_applies(rec: dict[str, Any], ctx: Context) -> Iterator[Finding]:
    """「本表僅第三類產品驗證機構須辦理查核及填具」: a fee audit of a 第一類 CB is an error."""
    category = rec.get("cb_category")
    if category == "cat1":
        yield ctx.error(
            pointer("cb_category"),
            N_("the fee and 規費 audit table is only for 第三類 certification bodies; {cb} is a "
               "第一類 body"),
            cb=str(rec.get("cb", "")),
        )
    elif category is None:
        yield ctx.info(
            pointer("cb_category"),
            N_("the category of {cb} is not given: whether the fee audit applies to it "
               "(第三類 bodies only) was not checked"),
            cb=str(rec.get("cb", "")),
        )


# -- the 02c against the CB's own annual summary ---------------------------------------


def _same(a: Any, b: Any) -> bool:
    return "".join(str(a or "").split()) == "".join(str(b or "").split())


def _said_year(day: date | None) -> Localised | str:
    """The audit's year as a message says it: 2024 in English, the ROC 113 in Chinese."""
    return Localised(str(day.year), str(day.year - 1911)) if day else ""


def _summaries_for(case: Case, audit: dict[str, Any], ctx: Context) -> list[CaseDoc]:
    day = as_date(audit.get("date"))
    if day is None:
        return []
    match_industry = ctx.option("match_industry", True, rule="X-14") is not False
    found = []
    for doc in case.all(SUMMARY):
        if record_year(doc.data.get("year")) != day.year:
            continue
        if match_industry and not _same(doc.data.get("industry"), audit.get("industry")):
            continue
        found.append(doc)
    return found


def _summary_total(summary: dict[str, Any], row: int) -> int | None:
    rows = summary.get("summary")
    if not isinstance(rows, list) or len(rows) <= row:
        return None
    return _int(obj(rows[row]).get("total"))


def _sums(audit: dict[str, Any], ctx: Context) -> Iterator[Finding]:
    """通過 + 不通過 = 家數 / 款數 (the deriver keeps a filled audit so; a document given to
    the rule unfilled may not be)."""
    for total, passed, failed, _row, _printed in _COUNTS:
        t, p, f = _int(audit.get(total)), _int(audit.get(passed)), _int(audit.get(failed))
        if t is None or p is None or f is None or p + f == t:
            continue
        yield ctx.error(
            pointer(total),
            N_("通過 {passed} + 不通過 {failed} is {sum}, not the {total} given"),
            passed=p, failed=f, sum=p + f, total=t, form=TRACKING,
            expected=p + f, actual=t,
        )


@case_rule("X-14", forms=(TRACKING,), citation=X14_CITATION)
def check_tracking_audit(case: Case, ctx: Context) -> Iterator[Finding]:
    """The tracking audit's sums, and its 家數/款數 within the CB's annual summary of the year."""
    for doc in case.all(TRACKING):
        audit = doc.data
        yield from _sums(audit, ctx)
        day = as_date(audit.get("date"))
        summaries = _summaries_for(case, audit, ctx)
        if not summaries:
            yield ctx.info(
                pointer("date"),
                N_("the case holds no annual summary of {industry} for {year}: the audited "
                   "counts were not compared with the body's own"),
                industry=str(audit.get("industry", "")),
                year=_said_year(day), form=TRACKING,
            )
            continue
        for summary in summaries:
            for total, _passed, _failed, row, printed in _COUNTS:
                audited = _int(audit.get(total))
                tracked = _summary_total(summary.data, row)
                if audited is None or tracked is None or audited <= tracked:
                    continue
                yield ctx.error(
                    pointer(total),
                    N_("{audited} audited exceed the {tracked} the body's annual summary of "
                       "{year} counts in row {row}: the audit covers a subset of them"),
                    audited=audited, tracked=tracked, year=_said_year(day),
                    row=printed, form=TRACKING, expected=tracked, actual=audited,
                )
