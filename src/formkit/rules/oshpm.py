"""Rules of scheme oshpm: 職業安全衛生法產品監督及市場查驗管理辦法 (S4).

A natural-person obligor's 身分證統一編號 may sit in these records: no message
here ever carries it (the schema's format check validates it).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

from ..dates import iso_date as _d
from ..findings import Finding
from ..forms import get_form
from ..i18n import N_
from ..labels import field as field_label
from ..pointers import matches, pointer
from ..schema import date_pointers
from . import Context, deriver, rule
from .periods import deadline

PLAN = "oshpm/destruction-plan"
EFFECTIVE = date(2015, 1, 1)  # S4 §28 「自中華民國一百零四年一月一日施行」
DISPOSAL_MONTHS = 6  # S4 §23① 「於接獲不合格通知書後六個月內」
# S4 §26①: what the authority reviews in a 銷燬計畫, in the clause's order.
PLAN_ITEMS = (
    (("case_no",), "報驗案號"),
    (("product_name",), "品名"),
    (("spec",), "規格"),
    (("quantity", "amount"), "數量"),
    (("site",), "銷燬地點"),
    (("method",), "銷燬方式"),
    (("waste_handling",), "後續廢棄物處理"),
)


def _get(rec: Any, *keys: str) -> Any:
    node = rec
    for key in keys:
        node = node.get(key) if isinstance(node, dict) else None
    return node


def _blank(value: Any) -> bool:
    if isinstance(value, str):
        return not value.strip()
    if isinstance(value, bool):
        return True
    if isinstance(value, int | float):
        return value <= 0
    return value is None


@deriver(PLAN, owns={"/disposal_deadline": "OSH-R16"})
def derive_plan(rec: dict[str, Any], ctx: Context) -> None:
    """The last day to dispose of the goods, from the day the notice was received."""
    received = _d(rec.get("notice_received_date"))
    if received is None:
        rec.pop("disposal_deadline", None)
        return
    rollover = bool(ctx.option("rest_day_rollover", True, rule="OSH-R16"))
    rec["disposal_deadline"] = deadline(
        received, DISPOSAL_MONTHS, "month", rollover=rollover
    ).last_day.isoformat()


@rule("OSH-R16", forms=PLAN, citation="S4 §23①; §25(2)")
def disposal_within_six_months(rec: dict[str, Any], ctx: Context) -> Iterator[Finding]:
    """AMB-39: destruction by the plan route also ends within six months of the notice."""
    received, due = _d(rec.get("notice_received_date")), _d(rec.get("disposal_deadline"))
    if received is None or due is None:
        return
    filed = _d(rec.get("date"))
    if filed is not None and filed < received:
        yield ctx.error(
            pointer("notice_received_date"),
            N_("the plan is dated {filed}, before the nonconformity notice was received on "
               "{received}"),
            expected=f"<= {filed.isoformat()}", actual=received.isoformat(),
            filed=filed.isoformat(), received=received.isoformat(),
        )
    late = [(key, when) for key in ("date", "scheduled_date")
            if (when := _d(rec.get(key))) is not None and when > due]
    for key, when in late:
        yield ctx.error(
            pointer(key),
            N_("{when} is after {deadline}, the end of the six months after the nonconformity "
               "notice was received"),
            expected=f"<= {due.isoformat()}", actual=when.isoformat(),
            when=when.isoformat(), deadline=due.isoformat(),
        )
    reviewed = _d(_get(rec, "review", "date"))
    if not late and reviewed is not None and reviewed > due:
        # The delay is the authority's own: AMB-39 makes it a warning, not an error.
        yield ctx.warning(
            pointer("review", "date"),
            N_("the plan was reviewed on {reviewed}, after the disposal deadline {deadline}"),
            expected=f"<= {due.isoformat()}", actual=reviewed.isoformat(),
            reviewed=reviewed.isoformat(), deadline=due.isoformat(),
        )
    elif not late:
        yield ctx.info(
            pointer("disposal_deadline"),
            N_("the destruction must be completed by {deadline}"), deadline=due.isoformat(),
        )


@rule("OSH-R18", forms=PLAN, citation="S4 §25(2), §26")
def destruction_plan(rec: dict[str, Any], ctx: Context) -> Iterator[Finding]:
    """The seven items of §26①, and a review block that the authority completes consistently."""
    for keys, label in PLAN_ITEMS:
        if _blank(_get(rec, *keys)):
            yield ctx.error(
                pointer(*keys),
                N_("the destruction plan must state {item}"),
                item=label,
            )
    if isinstance(rec.get("quantity"), dict) and _blank(_get(rec, "quantity", "unit")):
        yield ctx.error(pointer("quantity", "unit"),
                        N_("the destruction plan must state {item}"), item="數量單位")
    review = rec.get("review")
    if not isinstance(review, dict):
        return
    yield from _review(rec, review, ctx)


def _review(rec: dict[str, Any], review: dict[str, Any], ctx: Context) -> Iterator[Finding]:
    """§26②: a passed plan is destroyed under supervision, by the authority or its delegate."""
    for key in ("result", "date"):
        if review.get(key) in (None, ""):
            yield ctx.error(
                pointer("review", key),
                N_("the authority's review is incomplete: {field} is missing"),
                field=field_label(get_form(ctx.form or PLAN).schema, pointer("review", key)),
            )
    reviewed, filed = _d(review.get("date")), _d(rec.get("date"))
    if reviewed and filed and reviewed < filed:
        yield ctx.error(
            pointer("review", "date"),
            N_("the plan was reviewed on {reviewed}, before it was filed on {filed}"),
            expected=f">= {filed.isoformat()}", actual=reviewed.isoformat(),
            reviewed=reviewed.isoformat(), filed=filed.isoformat(),
        )
    if review.get("result") == "pass" and review.get("supervisor") is None:
        yield ctx.warning(
            pointer("review", "supervisor"),
            N_("an approved plan names who supervises the destruction: the authority's own "
               "staff or a delegated body"),
        )
    if review.get("supervisor") == "delegated" and _blank(review.get("delegate")):
        yield ctx.warning(
            pointer("review", "delegate"),
            N_("name the body delegated to supervise the destruction"),
        )


@rule("OSH-R20", forms=PLAN, citation="S4 §28")
def effective_date(rec: dict[str, Any], ctx: Context) -> Iterator[Finding]:
    """Dates before 2015-01-01 precede the 辦法; a record citing it then is suspect."""
    form = get_form(ctx.form or PLAN)
    for pattern in date_pointers(form.schema):
        for path, value in matches(pattern, rec):
            when = _d(value)
            if when is not None and when < EFFECTIVE:
                yield ctx.warning(
                    path,
                    N_("{when} is before 2015-01-01, when this regulation took effect (S4 §28)"),
                    expected=">= 2015-01-01", actual=when.isoformat(), when=when.isoformat(),
                )
