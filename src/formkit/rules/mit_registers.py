"""MIT微笑 registers: category 2 authorisation registration (A.1.21), the print approval list
(A.1.25), the CB fee ledger (A.1.45).

- The registration (附件十二 四) carries no rule of its own: X-23 (``mit_recognition``) reads
  its rows (``company_name``, ``product_name``) to see that every authorisation is registered.
- The approval list (附件十四 三(四), 六(一)(二)) starts three periods, each counted from the
  day after its event (AMB-03 default, T1) and moved past rest days (T10) unless the
  ``rest_day_rollover`` option is off: the objection 「副知核准數量次日起七日內」 (MIT-R48), the
  printer's delivery 「原則應於七天內」 of receiving the list (MIT-R47), a reprint 「於十五日內」
  of confirming a discrepancy (MIT-R49). The list shows what concerns it; the objection form
  and the delivery report (``mit_printing``) hold the rest, and X-16 relates them in a case.
- The fee ledger (附件十六 一(十) 驗證費用及規費收支摘要) totals its rows per item and overall;
  the catalogue binds no rule to it.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

from ..findings import Finding
from ..i18n import N_
from ..labels import name_of
from ..pointers import pointer
from . import Context, deriver, rule
from .mit_common import as_date
from .mit_printing import (
    R47_CITATION,
    R48_CITATION,
    R49_CITATION,
    _delivery_findings,
    _limit,
)

REGISTRATION = "mit/annex-12-cat2-authorization-registration"
APPROVAL_LIST = "mit/annex-14-print-approval-list"
FEE_LEDGER = "mit/cb-fee-ledger"

_OBJECTION_DAYS = 7  # 六(一) 「副知核准數量次日起七日內」
_DELIVERY_DAYS = 7  # 三(四) 「原則應於七天內」
_REPRINT_DAYS = 15  # 六(二) 「經查屬實應於十五日內」
FEE_ITEMS = ("cert_fee", "gov_fee")  # 驗證費用, 規費


def _iso(d: date) -> str:
    return d.isoformat()


def _rows(value: Any) -> list[dict[str, Any]]:
    return [r if isinstance(r, dict) else {} for r in value] if isinstance(value, list) else []


# -- 核准清單 (A.1.25) -----------------------------------------------------------------------


@deriver(APPROVAL_LIST, owns={"/objection_deadline": "MIT-R48",
                              "/delivery_deadline": "MIT-R47",
                              "/rows/*/reprint_deadline": "MIT-R49"})
def derive_approval_list(rec: dict[str, Any], ctx: Context) -> None:
    """異議期限 (副知 + 7 days), 送交期限 (the printer's receipt + 7 days), and each row's
    重新印製送交期限 (the confirmation of a discrepancy + 15 days)."""
    for source, target, days in (("cc_to_company_date", "objection_deadline", _OBJECTION_DAYS),
                                 ("received_by_printer_date", "delivery_deadline",
                                  _DELIVERY_DAYS)):
        day = as_date(rec.get(source))
        if day is None:
            rec.pop(target, None)
        else:
            rec[target] = _iso(_limit(day, days, ctx).last_day)
    rows = rec.get("rows")
    for row in rows if isinstance(rows, list) else []:
        if not isinstance(row, dict):
            continue
        confirmed = as_date(row.get("discrepancy_confirmed_date"))
        if confirmed is None:
            row.pop("reprint_deadline", None)
        else:
            row["reprint_deadline"] = _iso(_limit(confirmed, _REPRINT_DAYS, ctx).last_day)


def _before_list(rec: dict[str, Any], key: str, ctx: Context) -> Iterator[Finding]:
    listed, day = as_date(rec.get("list_date")), as_date(rec.get(key))
    if listed is not None and day is not None and day < listed:
        yield ctx.error(
            pointer(key),
            N_("{what} {day} is before the list was drawn up on {listed}"),
            what=name_of(APPROVAL_LIST, pointer(key)), day=_iso(day), listed=_iso(listed),
        )


@rule("MIT-R47", forms=APPROVAL_LIST, citation=R47_CITATION)
def check_list_delivery(rec: dict[str, Any], ctx: Context) -> Iterator[Finding]:
    """Each row's marks are delivered 「原則應於七天內」 of the printer's receipt of the list,
    「除特殊情形外」 (a warning, or an info when a special circumstance is recorded)."""
    yield from _before_list(rec, "received_by_printer_date", ctx)
    received = as_date(rec.get("received_by_printer_date"))
    for i, row in enumerate(_rows(rec.get("rows"))):
        yield from _delivery_findings(received, as_date(row.get("delivered_date")),
                                      row.get("special_circumstance"),
                                      pointer("rows", i, "delivered_date"), ctx)


@rule("MIT-R48", forms=APPROVAL_LIST, citation=R48_CITATION)
def check_list_objections(rec: dict[str, Any], ctx: Context) -> Iterator[Finding]:
    """The 副知 starts the objection period: an objection within 7 days from the next day;
    a late one is not accepted."""
    yield from _before_list(rec, "cc_to_company_date", ctx)
    cc = as_date(rec.get("cc_to_company_date"))
    if cc is None:
        return
    due = _limit(cc, _OBJECTION_DAYS, ctx).last_day
    for i, row in enumerate(_rows(rec.get("rows"))):
        filed = as_date(row.get("objection_filed_date"))
        if filed is None:
            continue
        if filed < cc:
            yield ctx.error(
                pointer("rows", i, "objection_filed_date"),
                N_("the objection of {filed} is before the approved quantity was copied to "
                   "the company on {cc}"),
                filed=_iso(filed), cc=_iso(cc),
            )
        elif filed > due:
            yield ctx.error(
                pointer("rows", i, "objection_filed_date"),
                N_("the objection of {filed} is after its last day {due}: a late objection "
                   "is not accepted"),
                filed=_iso(filed), due=_iso(due),
            )


@rule("MIT-R49", forms=APPROVAL_LIST, citation=R49_CITATION)
def check_list_reprints(rec: dict[str, Any], ctx: Context) -> Iterator[Finding]:
    """Once the printer confirms a discrepancy in a row's marks it reprints and delivers them
    within 15 days."""
    for i, row in enumerate(_rows(rec.get("rows"))):
        delivered = as_date(row.get("delivered_date"))
        confirmed = as_date(row.get("discrepancy_confirmed_date"))
        reprinted = as_date(row.get("reprint_delivered_date"))
        if confirmed is None:
            if reprinted is not None:
                yield ctx.warning(
                    pointer("rows", i, "discrepancy_confirmed_date"),
                    N_("a reprint is delivered but the confirmation date is not recorded"),
                )
            continue
        if delivered is not None and confirmed < delivered:
            yield ctx.error(
                pointer("rows", i, "discrepancy_confirmed_date"),
                N_("the discrepancy is confirmed on {confirmed}, before the marks were "
                   "delivered on {delivered}"),
                confirmed=_iso(confirmed), delivered=_iso(delivered),
            )
        due = _limit(confirmed, _REPRINT_DAYS, ctx).last_day
        if reprinted is not None and reprinted > due:
            yield ctx.error(
                pointer("rows", i, "reprint_delivered_date"),
                N_("the reprint is delivered on {reprinted}, after its last day {due}"),
                reprinted=_iso(reprinted), due=_iso(due),
            )
        elif reprinted is not None and reprinted < confirmed:
            yield ctx.warning(
                pointer("rows", i, "reprint_delivered_date"),
                N_("the reprint is delivered on {reprinted}, before the confirmation of "
                   "{confirmed}"),
                reprinted=_iso(reprinted), confirmed=_iso(confirmed),
            )
        elif reprinted is None and ctx.as_of is not None and ctx.as_of > due:
            yield ctx.warning(
                pointer("rows", i, "reprint_delivered_date"),
                N_("no reprint is recorded and its last day {due} has passed"),
                due=_iso(due),
            )


# -- 驗證費用及規費收支摘要 (A.1.45) ---------------------------------------------------------


@deriver(FEE_LEDGER, owns={})
def derive_fee_totals(rec: dict[str, Any], ctx: Context) -> None:
    """驗證費用合計, 規費合計 and 總計 over the rows whose item and amount are given."""
    totals: dict[str, int] = dict.fromkeys(FEE_ITEMS, 0)
    for row in _rows(rec.get("rows")):
        item, amount = row.get("item"), row.get("amount")
        if isinstance(item, str) and item in totals and isinstance(amount, int) and not (
                isinstance(amount, bool)):
            totals[item] += amount
    rec["cert_fee_total"] = totals["cert_fee"]
    rec["gov_fee_total"] = totals["gov_fee"]
    rec["total"] = totals["cert_fee"] + totals["gov_fee"]
