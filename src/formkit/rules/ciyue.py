"""Rules of scheme ciyue: 慈悅國際評鑑作業手冊 (S3), the fee tariff (評鑑費用表, 附表一).

The fee quote is mostly derived. Person-days are counted in half days as
integers, so a + b + c never meets a float rounding error; they reach the
record as JSON numbers (2.0, 7.5). Amounts are whole NT dollars.

Quote A of the catalogue totals 117,200 only when 證書費 and 標章年費 are in;
72,200 is what falls due before the inspection. The record keeps both:
``subtotal_before_inspection`` (lines due with the application and at the
inspection), ``subtotal_upon_approval`` (證書費, 標章年費, 黏貼標章印製費, due
when the evaluation is passed) and ``total`` (every line).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ..findings import Finding
from ..i18n import N_
from ..money import grouped, in_words
from ..pointers import pointer
from . import Context, deriver, rule

FORM = "ciyue/fee-quote"

MANAGEMENT_RATE = {"initial": 10_000, "addition": 10_000, "renewal": 10_000, "tracking": 5_000}
AUDIT_RATE = 15_000  # 現場稽核費 15,000 元 x N
SAMPLING_RATE = 1_000  # 獨立採樣費 1,000 元/次
CERT_NEW, CERT_REISSUE = 5_000, 1_000  # 每年新發證 5,000 元/件; 換發、補發 1,000/件
ADDED_PRODUCT, CHANGED_PRODUCT = 2_000, 1_000  # 異動文審費
# 附表一 (b), in half days: 1-10=0, 11-20=0.5, 21-30=1, 31-50=1.5, 51-100=2, 101-200=2.5, 201 以上=3
PRODUCT_BANDS = ((10, 0), (20, 1), (30, 2), (50, 3), (100, 4), (200, 5))
PRODUCT_BAND_MAX = 6
LABEL_TIERS = ((10, 30_000, "1-10 支產品"), (20, 40_000, "11-20 支產品"),
               (40, 50_000, "21-40 支產品"), (100, 70_000, "41-100 支產品"))
LABEL_TOP = (80_000, "101 支以上產品")
INSPECTED_KINDS = ("initial", "addition", "renewal", "tracking", "unscheduled")
DUE_ON_APPROVAL = ("證書費", "標章年費", "黏貼標章印製費")


# ---------------------------------------------------------------- small readers


def _int(value: Any) -> int | None:
    """A non-negative integer, or None (booleans and wrong types are the schema's business)."""
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else None


def _halves(value: Any) -> int | None:
    """A day count in half days (``1.5`` → 3); None unless a multiple of 0.5."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    doubled = value * 2
    return int(doubled) if doubled == int(doubled) else None


def _days(halves: int) -> float:
    return halves / 2


def _short(halves: int) -> str:
    """``1.5``, ``1``, ``0``: the components as the tariff writes them."""
    return str(halves // 2) if halves % 2 == 0 else f"{halves / 2:.1f}"


def _sites(rec: dict[str, Any]) -> list[dict[str, Any]]:
    sites = rec.get("sites")
    return [s for s in sites if isinstance(s, dict)] if isinstance(sites, list) else []


# ---------------------------------------------------------------- person-days (附表一)


def band_halves(products: int) -> int:
    """b in half days; capped at 3 days for 201 products and more (AMB-32 (4))."""
    for upper, halves in PRODUCT_BANDS:
        if products <= upper:
            return halves
    return PRODUCT_BAND_MAX


def extra_day_halves(hours: float, four_hours: str = "half") -> int:
    """c for one extra day: 未滿 4 h → 0.5, 超過 4 h → 1; exactly 4 h by AMB-33 (0.5)."""
    if hours > 4 or (hours == 4 and four_hours == "full"):
        return 2
    return 1


def site_halves(site: dict[str, Any], four_hours: str = "half") -> tuple[int, int, int] | None:
    """(a, b, c) of one 評鑑場區 in half days; a = 0.5 × (lines + 1) (AMB-32 (1))."""
    lines, products = _int(site.get("lines")), _int(site.get("products"))
    hours = site.get("extra_stage_hours", [])
    if lines is None or products is None or not isinstance(hours, list):
        return None
    if not all(isinstance(h, int | float) and not isinstance(h, bool) and h > 0 for h in hours):
        return None
    c = sum(extra_day_halves(float(h), four_hours) for h in hours)
    return lines + 1, band_halves(products), c


def label_fee(products: int) -> tuple[int, str]:
    """標章年費 and the band it falls in."""
    for upper, fee, band in LABEL_TIERS:
        if products <= upper:
            return fee, band
    return LABEL_TOP


# ---------------------------------------------------------------- fee lines


def _line(item: str, formula: str, amount: int) -> dict[str, Any]:
    due = "upon_approval" if item in DUE_ON_APPROVAL else "before_inspection"
    return {"item": item, "formula": formula, "amount": amount, "due": due}


def _management(rec: dict[str, Any], ctx: Context) -> list[dict[str, Any]]:
    """CY-R26: per 生產線, added lines only for 增列 (AMB-31)."""
    kind = rec.get("quote_kind")
    rate = MANAGEMENT_RATE.get(kind) if isinstance(kind, str) else None
    if rate is None:
        return []
    added = kind == "addition" and ctx.option("reading", "added_only", rule="CY-R26") != "all"
    key = "added_lines" if added else "lines"
    count = sum(_int(s.get(key)) or 0 for s in _sites(rec))
    if count == 0:
        return []
    note = "（增列）" if added else ""
    return [_line("管理費", f"{grouped(rate)} × {count} 生產線{note}", rate * count)]


def _audit(rec: dict[str, Any], per_site: list[tuple[str, tuple[int, int, int]]],
           adjust: int) -> list[dict[str, Any]]:
    """CY-R27: 15,000 × N, with a, b and c shown per site."""
    total = sum(sum(abc) for _, abc in per_site) + adjust
    if total <= 0:
        return []
    parts = [f"a {_short(a)} + b {_short(b)} + c {_short(c)}" for _, (a, b, c) in per_site]
    if len(per_site) > 1:
        parts = [f"{name} {p} = {_days(sum(abc)):.1f}"
                 for (name, abc), p in zip(per_site, parts, strict=True)]
    if adjust:
        parts.append(f"調整 {'+' if adjust > 0 else '−'}{_short(abs(adjust))}")
    formula = f"{grouped(AUDIT_RATE)} × {_days(total):.1f} 人天（{'；'.join(parts)}）"
    return [_line("現場稽核費", formula, AUDIT_RATE * total // 2)]


def _actual(rec: dict[str, Any], key: str, item: str, formula: str) -> list[dict[str, Any]]:
    amount = _int(rec.get(key))
    return [] if amount is None else [_line(item, formula, amount)]


def _counted(count: Any, rate: int, item: str, unit: str) -> list[dict[str, Any]]:
    n = _int(count)
    return [_line(item, f"{grouped(rate)} × {n} {unit}", rate * n)] if n else []


def changed_products(rec: dict[str, Any], reading: str = "per_product_application") -> int:
    """異動 units at 1,000: per product per application (AMB-34), or per change type."""
    rows = rec.get("ingredient_or_label_changes")
    seen: set[tuple[str, str, str]] = set()
    for row in rows if isinstance(rows, list) else []:
        if not isinstance(row, dict):
            continue
        ident = (str(row.get("product", "")).strip(), str(row.get("application_no", "")).strip())
        kinds = row.get("changes") if isinstance(row.get("changes"), list) else []
        if reading == "per_change_type" and kinds:
            seen.update((*ident, str(k)) for k in kinds)
        else:
            seen.add((*ident, ""))
    return len(seen)


def _certificates_and_changes(rec: dict[str, Any], ctx: Context) -> list[dict[str, Any]]:
    """CY-R28: 證書費 and 異動文審費."""
    lines = _counted(rec.get("new_certificates"), CERT_NEW, "證書費", "件（新發證）")
    lines += _counted(rec.get("reissued_certificates"), CERT_REISSUE, "證書費", "件（換發、補發）")
    lines += _counted(rec.get("added_products"), ADDED_PRODUCT, "異動文審費", "項產品（增加產品）")
    reading = ctx.option("reading", "per_product_application", rule="CY-R28")
    unit = "項異動" if reading == "per_change_type" else "項產品"
    lines += _counted(changed_products(rec, reading), CHANGED_PRODUCT, "異動文審費",
                      f"{unit}（原料明細、外標示異動）")
    return lines


def _label_year(rec: dict[str, Any]) -> list[dict[str, Any]]:
    """CY-R29: the tier of the client's product count (per client, AMB-36)."""
    products = _int(rec.get("total_products_for_label_fee"))
    if rec.get("label_year") is not True or not products:
        return []
    fee, band = label_fee(products)
    return [_line("標章年費", f"{products} 支產品（{band}）", fee)]


@deriver(
    FORM,
    owns={
        "/sites/*/a": "CY-R27", "/sites/*/b": "CY-R27", "/sites/*/c": "CY-R27",
        "/sites/*/person_days": "CY-R27", "/person_days": "CY-R27", "/lines": "CY-R26",
        "/subtotal_before_inspection": "CY-R30", "/subtotal_upon_approval": "CY-R30",
        "/total": "CY-R30", "/total_in_words": "CY-R30",
    },
)
def derive_quote(rec: dict[str, Any], ctx: Context) -> None:
    """Person-days, the fee lines in tariff order, the subtotals and the total."""
    four_hours = ctx.option("four_hours", "half", rule="CY-R27")
    per_site: list[tuple[str, tuple[int, int, int]]] = []
    for i, site in enumerate(_sites(rec)):
        abc = site_halves(site, four_hours)
        for key in ("a", "b", "c", "person_days"):
            site.pop(key, None)
        if abc is None:
            continue
        site.update({"a": _days(abc[0]), "b": _days(abc[1]), "c": _days(abc[2]),
                     "person_days": _days(sum(abc))})
        per_site.append((str(site.get("name") or f"場區{i + 1}"), abc))
    adjustment = rec.get("manual_person_day_adjustment")
    adjust = _halves(adjustment.get("days")) if isinstance(adjustment, dict) else None
    rec["person_days"] = _days(sum(sum(abc) for _, abc in per_site) + (adjust or 0))
    lines = _management(rec, ctx) + _audit(rec, per_site, adjust or 0)
    lines += _actual(rec, "travel_actual", "交通費", "檢據")
    lines += _counted(rec.get("independent_sampling_trips"), SAMPLING_RATE, "獨立採樣費", "次")
    lines += _actual(rec, "test_fees_actual", "檢驗費", "依檢驗機構公告")
    lines += _certificates_and_changes(rec, ctx) + _label_year(rec)
    lines += _actual(rec, "lodging_actual", "住宿費用", "檢據")
    lines += _actual(rec, "adhesive_label_printing_actual", "黏貼標章印製費", "檢據")
    rec["lines"] = lines
    before = sum(ln["amount"] for ln in lines if ln["due"] == "before_inspection")
    rec["subtotal_before_inspection"] = before
    rec["subtotal_upon_approval"] = sum(ln["amount"] for ln in lines) - before
    rec["total"] = sum(ln["amount"] for ln in lines)
    rec["total_in_words"] = in_words(rec["total"])


# ---------------------------------------------------------------- rules


@rule("CY-R26", forms=FORM, citation="S3 評鑑費用表 1 (管理費), 2.2")
def management_fee(rec: dict[str, Any], ctx: Context) -> Iterator[Finding]:
    """An addition quote says which lines are added; the added lines are among those assessed."""
    adding = rec.get("quote_kind") == "addition"
    for i, site in enumerate(_sites(rec)):
        added, lines = _int(site.get("added_lines")), _int(site.get("lines"))
        if adding and added is None:
            yield ctx.error(
                pointer("sites", i, "added_lines"),
                N_("an addition quote charges the 管理費 on the added lines; give the number of "
                   "added lines of site {site}"),
                site=str(site.get("name", i + 1)),
            )
        elif adding and added is not None and lines is not None and added > lines:
            yield ctx.error(
                pointer("sites", i, "added_lines"),
                N_("site {site} adds {added} lines but only {lines} lines are assessed"),
                expected=f"<= {lines}", actual=added,
                site=str(site.get("name", i + 1)), added=added, lines=lines,
            )
        elif not adding and added is not None:
            yield ctx.warning(
                pointer("sites", i, "added_lines"),
                N_("added lines count only in an addition quote; the 管理費 uses all lines here"),
            )


@rule("CY-R27", forms=FORM, citation="S3 評鑑費用表 1 (現場稽核費), 2.1–2.4; 附表一")
def onsite_person_days(rec: dict[str, Any], ctx: Context) -> Iterator[Finding]:
    """A quote with an inspection has sites; N stays positive; judgement calls are visible."""
    sites = _sites(rec)
    if rec.get("quote_kind") in INSPECTED_KINDS and not sites:
        yield ctx.error(
            pointer("sites"),
            N_("a quote with an on-site inspection needs at least one 評鑑場區 to count "
               "person-days"),
        )
    adjustment = rec.get("manual_person_day_adjustment")
    n = rec.get("person_days")
    if isinstance(adjustment, dict) and isinstance(n, int | float):
        if sites and n <= 0:
            yield ctx.error(
                pointer("manual_person_day_adjustment", "days"),
                N_("the adjustment leaves {days} person-days; N must stay above zero"),
                expected="> 0", actual=n, days=f"{n:.1f}",
            )
        else:
            yield ctx.info(
                pointer("manual_person_day_adjustment"),
                N_("person-days adjusted by {days} (費用表 2.3): {reason}"),
                days=str(adjustment.get("days")), reason=str(adjustment.get("reason", "")),
            )
    if ctx.option("four_hours", "half", rule="CY-R27") == "half":
        for i, site in enumerate(sites):
            hours = site.get("extra_stage_hours")
            for j, h in enumerate(hours if isinstance(hours, list) else []):
                if h == 4:
                    yield ctx.warning(
                        pointer("sites", i, "extra_stage_hours", j),
                        N_("an extra day of exactly 4 hours is counted as 0.5 day (AMB-33); "
                           "the tariff names only 未滿 4 and 超過 4 hours"),
                    )


@rule("CY-R28", forms=FORM, citation="S3 評鑑費用表 1 (證書費, 異動文審費)")
def certificate_and_change_fees(rec: dict[str, Any], ctx: Context) -> Iterator[Finding]:
    """Quotes of kind 異動 or 換發/補發 have something to charge; AMB-35's other reading."""
    kind = rec.get("quote_kind")
    if kind == "change" and not _int(rec.get("added_products")) and not changed_products(rec):
        yield ctx.warning(
            pointer("added_products"),
            N_("a change quote names no added product and no ingredient or label change"),
        )
    if kind == "reissue" and not _int(rec.get("reissued_certificates")):
        yield ctx.warning(
            pointer("reissued_certificates"),
            N_("a reissue quote names no certificate to reissue (1,000 per certificate)"),
        )
    if ctx.option("annual", False, rule="CY-R28") and kind == "tracking" \
            and not _int(rec.get("new_certificates")):
        yield ctx.warning(
            pointer("new_certificates"),
            N_("under the annual reading of 「每年新發證」 (AMB-35) a 證書費 of 5,000 per "
               "certificate is due every year; none is charged"),
        )


@rule("CY-R29", forms=FORM, citation="S3 評鑑費用表 1 (標章年費)")
def label_annual_fee(rec: dict[str, Any], ctx: Context) -> Iterator[Finding]:
    """The label fee needs a product count, counted by packaging type (AMB-36)."""
    count = _int(rec.get("total_products_for_label_fee"))
    if rec.get("label_year") is True and not count:
        yield ctx.error(
            pointer("total_products_for_label_fee"),
            N_("the 標章年費 is charged by the number of products; give it"),
        )
    listed = rec.get("label_products")
    if not isinstance(listed, list) or not listed:
        return
    # 包裝型態不同視為不同產品；同包裝型態包裝規格不同視為同產品
    distinct = {(str(p.get("name", "")).strip(), str(p.get("packaging", "")).strip())
                for p in listed if isinstance(p, dict)}
    if count is not None and count != len(distinct):
        yield ctx.error(
            pointer("total_products_for_label_fee"),
            N_("the product list counts {counted} products (different packaging types are "
               "different products, sizes of one packaging type are one), not {given}"),
            expected=len(distinct), actual=count, counted=len(distinct), given=count,
        )


@rule("CY-R30", forms=FORM, citation="S3 評鑑費用表 1 (交通費, 檢驗費); 2.3.5.6; 2.5.5; 3.5.3")
def other_fees(rec: dict[str, Any], ctx: Context) -> Iterator[Finding]:
    """Costs charged on receipts are outside the total until they are known: say so."""
    if rec.get("quote_kind") in INSPECTED_KINDS and _sites(rec):
        at_cost = (("travel_actual", "交通費"), ("lodging_actual", "住宿費用"))
        missing = [label for key, label in at_cost if _int(rec.get(key)) is None]
        if missing:
            yield ctx.info(
                pointer("total"),
                N_("{items} are charged at cost on receipts and are not in the total"),
                items="、".join(missing),
            )
    if _int(rec.get("independent_sampling_trips")) and _int(rec.get("test_fees_actual")) is None:
        yield ctx.info(
            pointer("test_fees_actual"),
            N_("the 檢驗費 of the samples follows the laboratory's published fees and is not in "
               "the total"),
        )
