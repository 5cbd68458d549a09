"""MIT微笑 annual tracking summaries (附件十五 附錄六), counted from the year's reports.

The 年度彙整報告 has two tables: 定期追蹤管理 (A.1.31) counts the regular reports of 附錄二,
one per factory (02a, 品質管理系統) and one per product (02b, 產品品質檢驗); 不定期追蹤管理
(A.1.32) counts the unscheduled reports of 附錄四 by 案由. When ``fill`` is given the case
(``ctx.case``), the derivers write 貳 (the rows) and 參 (the counts) from the reports of the
summary's year and industry; a case given means "these are the year's reports", so an empty
one counts zero. Without a case the given values stand, and X-10 / X-11 (``formkit check``)
compare them with the reports of the case, and check the sums within the summary.

MIT-R57: the summary is due 「於每年十二月十五日前」 (on or before, AMB-06, rolled past rest
days by T10) and kept 「至少…三年」 from its filing (T4).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from ..findings import Finding
from ..i18n import N_, Localised
from ..pointers import pointer
from . import Case, CaseDoc, Context, case_rule, deriver, rule
from .mit_common import as_date, blank, count, last_day_for_act, obj, record_year
from .periods import validity_end

REGULAR = "mit/annex-15-app-06a-annual-summary-regular"
UNSCHEDULED = "mit/annex-15-app-06b-annual-summary-unscheduled"
QMS_REPORT = "mit/annex-15-app-02a-regular-report-qms"
PRODUCT_REPORT = "mit/annex-15-app-02b-regular-report-product"
PLAN = "mit/annex-15-app-01-annual-tracking-plan"
UNSCHEDULED_REPORT = "mit/annex-15-app-04-unscheduled-report"
SUMMARIES = (REGULAR, UNSCHEDULED)



R57_CITATION = "S0 附件十五 四"
X10_CITATION = "S0 附件十五 三(一), 四; 附錄一, 附錄二, 附錄六"
X11_CITATION = "S0 附件十五 三(二), 四; 附錄四, 附錄六"

_ROC_OFFSET = 1911
_DUE_MONTH, _DUE_DAY = 12, 15  # 「於每年十二月十五日前」
_RETENTION_YEARS = 3  # 「至少應保存三年」
_QMS_ROWS = ("equipment", "materials", "process", "personnel", "testing", "customer")
# 參 of 06a, in printed order: 原產地, 工廠品管, 標章使用 (02b row 1), 產品品質 (02b row 2)
_ORIGIN, _FACTORY, _MARK, _QUALITY = range(4)
_COUNTS = ("total", "defects", "improved")
# 06b: the 案由 of 附錄四 and the 參 row each counts in
_ROW_OF_CASE = {"quality": "q", "origin": "o", "misuse": "m"}
_FIRST = {"q": "sampled", "o": "audited", "m": "found"}
_LAST = {"q": "revoked", "o": "revoked", "m": "referred"}
_ITEM = {
    "quality": "抽驗產品",
    "origin": "生產工廠現場評核",
    "misuse": "推廣製作物標示稽核、產品標示稽核",
    "revocation": "推廣製作物標示稽核、產品標示稽核",
}


# -- reading the reports ------------------------------------------------------------------


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def _day(value: Any) -> date | None:
    """The day of a report's 查核時間 (an ISO date, or a date-time)."""
    return as_date(value[:10]) if isinstance(value, str) else None


def roc_year(value: Any) -> int | None:
    """A 年度 as a ROC year: 113 stays 113, 2024 becomes 113."""
    year = record_year(value)
    return year - _ROC_OFFSET if year is not None else None


def _industry(value: Any) -> str:
    text = "".join(_text(value).split())
    return text[:-2] if text.endswith("產業") else text


@dataclass(frozen=True)
class Scope:
    """Which reports a summary counts: those of its year and, where a report names one, of
    its industry."""

    year: int | None
    industry: str

    @classmethod
    def of(cls, rec: dict[str, Any]) -> Scope:
        return cls(roc_year(rec.get("year")), _industry(rec.get("industry")))

    def holds(self, day: date | None, industry: Any = None) -> bool:
        if self.year is not None and (day is None or day.year - _ROC_OFFSET != self.year):
            return False
        other = _industry(industry)
        return not (self.industry and other and other != self.industry)


def _docs(case: Case, form: str) -> list[dict[str, Any]]:
    return [obj(d.data) for d in case.all(form)]


def qms_failed(rec: dict[str, Any]) -> bool:
    """02a is 不通過 when the QMS certificate or any of the six MIT 評核 rows is 不通過."""
    if obj(rec.get("qms_cert")).get("result") == "fail":
        return True
    rows = obj(rec.get("mit_qms"))
    return any(obj(rows.get(key)).get("result") == "fail" for key in _QMS_ROWS)


def _company_codes(case: Case) -> dict[str, str]:
    """業者代碼 by 業者名稱, as the regular reports give them (附錄四 has no code)."""
    codes: dict[str, str] = {}
    for rec in _docs(case, QMS_REPORT):
        if _text(rec.get("company")) and _text(rec.get("company_code")):
            codes.setdefault(_text(rec.get("company")), _text(rec.get("company_code")))
    for rec in _docs(case, PRODUCT_REPORT):
        company = obj(rec.get("company"))
        if _text(company.get("name")) and _text(company.get("code")):
            codes.setdefault(_text(company.get("name")), _text(company.get("code")))
    return codes


def _row(**values: str) -> dict[str, str]:
    return {k: v for k, v in values.items() if v}


def _sorted_rows(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return sorted(rows, key=lambda r: (str(r.get("inspected_at", "")), str(r.get("company", "")),
                                       str(r.get("product_code", r.get("case", "")))))


# -- 06a: the regular reports -------------------------------------------------------------


@dataclass
class Regular:
    """What the year's regular reports say, row by row of 06a."""

    rows: list[dict[str, Any]] = field(default_factory=list)
    counts: dict[int, dict[str, int]] = field(default_factory=dict)
    #: whether any 02a records a follow-up: otherwise row 2's 改善數 cannot be counted
    factory_improved_known: bool = False
    factories: int = 0
    products: int = 0


def regular(case: Case, scope: Scope) -> Regular:
    out = Regular()
    factory = {"total": 0, "defects": 0, "improved": 0}
    mark = {"total": 0, "defects": 0, "improved": 0}
    quality = {"total": 0, "defects": 0, "improved": 0}
    product_rows: list[dict[str, Any]] = []
    for rec in _docs(case, PRODUCT_REPORT):
        day = _day(rec.get("inspected_at"))
        if not scope.holds(day, rec.get("industry")):
            continue
        company, product = obj(rec.get("company")), obj(rec.get("product"))
        product_rows.append(_row(
            company=_text(company.get("name")), company_code=_text(company.get("code")),
            product=_text(product.get("name")), product_code=_text(product.get("code")),
            inspected_at=day.isoformat() if day else ""))
        for key, tally in (("r1", mark), ("r2", quality)):
            check = obj(rec.get(key))
            tally["total"] += 1
            if check.get("result") == "fail":
                tally["defects"] += 1
                tally["improved"] += check.get("follow_up") == "improved"
    covered = {(r.get("company"), r.get("inspected_at")) for r in product_rows}
    factory_rows: list[dict[str, Any]] = []
    for rec in _docs(case, QMS_REPORT):
        day = _day(rec.get("inspected_at"))
        if not scope.holds(day, rec.get("industry")):
            continue
        factory["total"] += 1
        if "follow_up" in rec:
            out.factory_improved_known = True
        if qms_failed(rec):
            factory["defects"] += 1
            factory["improved"] += rec.get("follow_up") == "improved"
        row = _row(company=_text(rec.get("company")), company_code=_text(rec.get("company_code")),
                   inspected_at=day.isoformat() if day else "")
        if (row.get("company"), row.get("inspected_at")) not in covered:
            factory_rows.append(row)
    out.rows = _sorted_rows(product_rows + factory_rows)
    out.counts = {_FACTORY: factory, _MARK: mark, _QUALITY: quality}
    out.factories, out.products = factory["total"], mark["total"]
    return out


def origin_counts(checks: Any) -> dict[str, int] | None:
    """Row 1 from the origin records the summary carries (AMB-47), when it carries them."""
    if not isinstance(checks, list):
        return None
    entries = [obj(c) for c in checks]
    failed = [c for c in entries if c.get("result") == "fail"]
    return {"total": len(entries), "defects": len(failed),
            "improved": sum(c.get("follow_up") == "improved" for c in failed)}


def _summary_rows(value: Any) -> list[dict[str, Any]]:
    rows = [obj(r) for r in value] if isinstance(value, list) else []
    return rows if len(rows) == 4 else [{} for _ in range(4)]


def _counts(row: dict[str, Any]) -> dict[str, int]:
    return {key: count(row.get(key)) for key in _COUNTS}


@deriver(REGULAR, owns={"/rows": "X-10", "/summary": "X-10"})
def derive_regular(rec: dict[str, Any], ctx: Context) -> None:
    """貳 and 參 from the year's regular reports when the case is given; row 1 (origin)
    from the summary's own origin records when it has them (AMB-47)."""
    origin = origin_counts(rec.get("origin_checks"))
    if ctx.case is None:
        if origin is not None and isinstance(rec.get("summary"), list) and len(
                rec["summary"]) == 4 and isinstance(rec["summary"][0], dict):
            rec["summary"][0] = origin
        return
    given = _summary_rows(rec.get("summary"))
    found = regular(ctx.case, Scope.of(rec))
    summary = [_counts(row) for row in given]
    if origin is not None:
        summary[_ORIGIN] = origin
    for index, counted in found.counts.items():
        if index == _FACTORY and not found.factory_improved_known:
            counted = {**counted, "improved": count(given[_FACTORY].get("improved"))}
        summary[index] = counted
    rec["rows"] = found.rows
    rec["summary"] = summary


# -- 06b: the unscheduled reports ---------------------------------------------------------


def unscheduled_result(rec: dict[str, Any]) -> str | None:
    """The result of an 附錄四 report: 合格 (pass), 不合格 (fail) or 其它 (other)."""
    kind = rec.get("case")
    if kind == "quality":
        return _str_or_none(obj(rec.get("a")).get("result"))
    if kind == "origin":
        return _str_or_none(obj(rec.get("b")).get("result"))
    part = obj(rec.get("c" if kind == "misuse" else "d"))
    results = {part.get("promo"), part.get("product")}
    for code in ("fail", "other", "pass"):
        if code in results:
            return code
    return None


def _str_or_none(value: Any) -> str | None:
    return value if isinstance(value, str) else None


@dataclass
class Unscheduled:
    rows: list[dict[str, Any]] = field(default_factory=list)
    counts: dict[str, dict[str, int]] = field(default_factory=dict)
    revocations: int = 0  # 案由 D: no row in 參 (AMB-47)
    others: dict[str, int] = field(default_factory=dict)  # 其它 results, by 參 row


def unscheduled(case: Case, scope: Scope) -> Unscheduled:
    out = Unscheduled()
    codes = _company_codes(case)
    counts = {row: dict.fromkeys((_FIRST[row], "pass", "fail", "improved", "not_improved",
                                  _LAST[row]), 0) for row in ("q", "o", "m")}
    out.others = dict.fromkeys(counts, 0)
    for rec in _docs(case, UNSCHEDULED_REPORT):
        day = _day(rec.get("inspected_date"))
        kind = rec.get("case")
        if not scope.holds(day, obj(rec.get("a")).get("industry")) or not isinstance(kind, str):
            continue
        company = _text(rec.get("inspectee"))
        out.rows.append(_row(company=company, company_code=codes.get(company, ""), case=kind,
                             item=_ITEM.get(kind, ""),
                             inspected_at=day.isoformat() if day else ""))
        row = _ROW_OF_CASE.get(kind)
        if row is None:
            out.revocations += kind == "revocation"
            continue
        tally = counts[row]
        tally[_FIRST[row]] += 1
        result = unscheduled_result(rec)
        if result in ("pass", "fail"):
            tally[result] += 1
        else:
            out.others[row] += 1
        if result != "fail":
            continue
        follow = rec.get("follow_up")
        if follow == "improved":
            tally["improved"] += 1
        elif row != "m" and follow == "revoked":
            tally["revoked"] += 1
        else:  # 移送檢警 is a case not improved that went to the police [proposed]
            tally["not_improved"] += 1
            if row == "m" and follow == "referred":
                tally["referred"] += 1
    out.rows = _sorted_rows(out.rows)
    out.counts = counts
    return out


@deriver(UNSCHEDULED, owns={"/rows": "X-11", "/q": "X-11", "/o": "X-11", "/m": "X-11"})
def derive_unscheduled(rec: dict[str, Any], ctx: Context) -> None:
    """貳 and 參 from the year's unscheduled reports, when the case is given."""
    if ctx.case is None:
        return
    found = unscheduled(ctx.case, Scope.of(rec))
    rec["rows"] = found.rows
    for row, counted in found.counts.items():
        rec[row] = counted


# -- MIT-R57: due date and retention --------------------------------------------------------


def due_day(year: Any, ctx: Context) -> date | None:
    """December 15 of the summary's year, moved past rest days (T10) unless turned off."""
    roc = roc_year(year)
    if roc is None:
        return None
    return last_day_for_act(date(roc + _ROC_OFFSET, _DUE_MONTH, _DUE_DAY), ctx).last_day


def retained_until(filed: date) -> date:
    """「至少應保存三年」: the filing day counts (T4); 2024-06-20 → 2027-06-19."""
    return validity_end(filed, _RETENTION_YEARS, "year")


def _derive_r57(rec: dict[str, Any], ctx: Context) -> None:
    due = due_day(rec.get("year"), ctx)
    filed = as_date(rec.get("submitted_date"))
    for key, day in (("due_date", due), ("retain_until", retained_until(filed) if filed else None)):
        if day is None:
            rec.pop(key, None)
        else:
            rec[key] = day.isoformat()


@deriver(REGULAR, owns={"/due_date": "MIT-R57", "/retain_until": "MIT-R57"})
def derive_r57_regular(rec: dict[str, Any], ctx: Context) -> None:
    """陳報期限 and 保存期限."""
    _derive_r57(rec, ctx)


@deriver(UNSCHEDULED, owns={"/due_date": "MIT-R57", "/retain_until": "MIT-R57"})
def derive_r57_unscheduled(rec: dict[str, Any], ctx: Context) -> None:
    """陳報期限 and 保存期限."""
    _derive_r57(rec, ctx)


@rule("MIT-R57", forms=SUMMARIES, citation=R57_CITATION)
def check_filing(rec: dict[str, Any], ctx: Context) -> Iterator[Finding]:
    """Filed with 本署 by December 15 of its year; 附錄六's 註 when a defect was found."""
    year = roc_year(rec.get("year"))
    filed = as_date(rec.get("submitted_date"))
    due = as_date(rec.get("due_date"))
    if year is not None and filed is not None:
        if filed.year - _ROC_OFFSET < year:
            yield ctx.error(
                pointer("submitted_date"),
                N_("the summary of the year {year} is dated {filed}, before that year began"),
                year=str(year), filed=filed.isoformat(),
            )
        elif due is not None and filed > due:
            yield ctx.error(
                pointer("submitted_date"),
                N_("the annual summary was filed on {filed}; it was due to the Industrial "
                   "Development Administration by {due}"),
                filed=filed.isoformat(), due=due.isoformat(),
            )
    if filed is None and due is not None and ctx.as_of is not None and ctx.as_of > due:
        yield ctx.warning(
            pointer("submitted_date"),
            N_("the annual summary was due by {due} and has no filing date"),
            due=due.isoformat(),
        )
    if "summary" in rec:
        defects = sum(count(obj(r).get("defects")) for r in _summary_rows(rec.get("summary")))
        if defects and blank(rec.get("defect_notes")):
            yield ctx.error(
                pointer("defect_notes"),
                N_("{defects} defects are counted; the note must describe the abnormal "
                   "conditions found and their improvement"),
                defects=str(defects),
            )


# -- regular reports ↔ plan ↔ summary -------------------------------------------------

_SUMMARY_ITEMS = (
    Localised("origin", "原產地認定"),
    Localised("factory quality system", "工廠品管系統"),
    Localised("use of the mark", "標章使用"),
    Localised("product quality", "產品品質檢驗"),
)


def _row_key(row: dict[str, Any], *fields: str) -> tuple[str, ...]:
    return tuple(_text(row.get(f)) for f in fields)


def _rows_differ(given: Any, counted: list[dict[str, Any]], fields: tuple[str, ...],
                 form: str, rule_ctx: Context) -> Iterator[Finding]:
    have = [_row_key(obj(r), *fields) for r in given] if isinstance(given, list) else []
    want = [_row_key(r, *fields) for r in counted]
    missing = [k for k in want if k not in have]
    extra = [k for k in have if k not in want]
    for key in missing:
        yield rule_ctx.error(
            pointer("rows"),
            N_("the reports of the year include {row}, which the list of inspected companies "
               "lacks"),
            row=" / ".join(v for v in key if v), form=form,
        )
    for key in extra:
        yield rule_ctx.error(
            pointer("rows"),
            N_("the list of inspected companies names {row}, for which the case holds no "
               "report of the year"),
            row=" / ".join(v for v in key if v), form=form,
        )


def _internal_regular(rec: dict[str, Any], ctx: Context) -> Iterator[Finding]:
    rows = _summary_rows(rec.get("summary"))
    for index, row in enumerate(rows):
        counts = _counts(row)
        if counts["defects"] > counts["total"]:
            yield ctx.error(
                pointer("summary", index, "defects"),
                N_("row {row}: {defects} defects exceed the {total} inspections counted"),
                row=str(index + 1), defects=str(counts["defects"]), total=str(counts["total"]),
                form=REGULAR,
            )
        if counts["improved"] > counts["defects"]:
            yield ctx.error(
                pointer("summary", index, "improved"),
                N_("row {row}: {improved} improved exceed the {defects} defects counted"),
                row=str(index + 1), improved=str(counts["improved"]),
                defects=str(counts["defects"]), form=REGULAR,
            )
    if count(rows[_ORIGIN].get("total")) and not isinstance(rec.get("origin_checks"), list):
        yield ctx.warning(
            pointer("summary", _ORIGIN, "total"),
            N_("row 1 counts {total} origin checks, but no report form records origin checks "
               "and the summary lists none"),
            total=str(count(rows[_ORIGIN].get("total"))), form=REGULAR,
        )


def _compare_regular(rec: dict[str, Any], found: Regular, ctx: Context) -> Iterator[Finding]:
    rows = _summary_rows(rec.get("summary"))
    for index, counted in found.counts.items():
        for key in _COUNTS:
            if index == _FACTORY and key == "improved" and not found.factory_improved_known:
                continue
            given = count(rows[index].get(key))
            if given != counted[key]:
                yield ctx.error(
                    pointer("summary", index, key),
                    N_("row {row} ({item}): the summary counts {given}, the reports of the "
                       "year {counted}"),
                    row=str(index + 1), item=_SUMMARY_ITEMS[index], given=str(given),
                    counted=str(counted[key]), form=REGULAR,
                )
    yield from _rows_differ(rec.get("rows"), found.rows,
                            ("company", "product_code", "inspected_at"), REGULAR, ctx)


def _plan_party(row: dict[str, Any], *keys: str) -> str:
    return next((_text(row.get(k)) for k in keys if _text(row.get(k))), "")


def _plan_coverage(case: Case, ctx: Context) -> Iterator[Finding]:
    """Every planned factory has a 02a and every planned product a 02b in the plan's year,
    once the year is over or its summary is in the case."""
    summaries = {roc_year(obj(d.data).get("year")) for d in case.all(REGULAR)}
    for plan in _docs(case, PLAN):
        scope = Scope.of(plan)
        if scope.year is None:
            continue
        over = ctx.as_of is not None and ctx.as_of.year - _ROC_OFFSET > scope.year
        if scope.year not in summaries and not over:
            continue
        factories = [r for r in _docs(case, QMS_REPORT)
                     if scope.holds(_day(r.get("inspected_at")), r.get("industry"))]
        names = {_text(r.get("company")) for r in factories}
        codes = {_text(r.get("company_code")) for r in factories} - {""}
        targets = obj(plan.get("targets"))
        for i, row in enumerate(_rows_of(targets.get("companies"))):
            name = _plan_party(row, "name", "company")
            code = _plan_party(row, "code", "company_code")
            if (code and code in codes) or (name and name in names) or not (name or code):
                continue
            yield ctx.error(
                pointer("targets", "companies", i),
                N_("the plan lists the company {company}, which has no factory report in the "
                   "year {year} (nor, in the case, a notice that it did not produce)"),
                company=name or code, year=str(scope.year), form=PLAN,
            )
        products = {_text(obj(r.get("product")).get("code")) for r in _docs(case, PRODUCT_REPORT)
                    if scope.holds(_day(r.get("inspected_at")))} - {""}
        for i, row in enumerate(_rows_of(targets.get("products"))):
            code = _plan_party(row, "product_code", "code")
            if not code or code in products:
                continue
            yield ctx.error(
                pointer("targets", "products", i),
                N_("the plan lists the product {product}, which has no product report in the "
                   "year {year}"),
                product=code, year=str(scope.year), form=PLAN,
            )


def _rows_of(value: Any) -> list[dict[str, Any]]:
    return [obj(r) for r in value] if isinstance(value, list) else []


@case_rule("X-10", forms=(REGULAR, QMS_REPORT, PRODUCT_REPORT, PLAN),
           citation=X10_CITATION)
def check_regular(case: Case, ctx: Context) -> Iterator[Finding]:
    """The summary's 貳 and 參 are those of the year's regular reports; its sums hold; every
    planned factory and product was inspected."""
    has_reports = bool(case.all(QMS_REPORT) or case.all(PRODUCT_REPORT))
    for doc in case.all(REGULAR):
        rec = obj(doc.data)
        yield from _internal_regular(rec, ctx)
        if has_reports:
            yield from _compare_regular(rec, regular(case, Scope.of(rec)), ctx)
        else:
            yield ctx.info(
                pointer("summary"),
                N_("the case holds no regular inspection report: the counts of the summary "
                   "were not compared with reports"),
                form=REGULAR,
            )
    yield from _plan_coverage(case, ctx)


# -- unscheduled reports ↔ summary ----------------------------------------------------

_ROW_NUMBER = {"q": "1", "o": "2", "m": "3"}


def _internal_unscheduled(rec: dict[str, Any], ctx: Context) -> Iterator[Finding]:
    for row in ("q", "o", "m"):
        counts = {k: count(v) for k, v in obj(rec.get(row)).items()}
        first = counts.get(_FIRST[row], 0)
        judged = counts.get("pass", 0) + counts.get("fail", 0)
        if judged > first:
            yield ctx.error(
                pointer(row, "fail"),
                N_("row {row}: {passed} passed and {failed} failed exceed the {total} "
                   "inspected"),
                row=_ROW_NUMBER[row], passed=str(counts.get("pass", 0)),
                failed=str(counts.get("fail", 0)), total=str(first), form=UNSCHEDULED,
            )
        elif judged < first:
            yield ctx.warning(
                pointer(row, "pass"),
                N_("row {row}: {passed} passed and {failed} failed of {total} inspected; the "
                   "rest have a result the summary has no column for (other)"),
                row=_ROW_NUMBER[row], passed=str(counts.get("pass", 0)),
                failed=str(counts.get("fail", 0)), total=str(first), form=UNSCHEDULED,
            )
        settled = counts.get("improved", 0) + counts.get("not_improved", 0)
        if row != "m":
            settled += counts.get("revoked", 0)
        if settled > counts.get("fail", 0):
            yield ctx.error(
                pointer(row, "improved"),
                N_("row {row}: the improved, not improved and revoked ({settled}) exceed the "
                   "{failed} failed"),
                row=_ROW_NUMBER[row], settled=str(settled), failed=str(counts.get("fail", 0)),
                form=UNSCHEDULED,
            )
        if row == "m" and counts.get("referred", 0) > counts.get("fail", 0):
            yield ctx.error(
                pointer("m", "referred"),
                N_("row 3: {referred} referred to the prosecutors or police exceed the "
                   "{failed} failed"),
                referred=str(counts.get("referred", 0)), failed=str(counts.get("fail", 0)),
                form=UNSCHEDULED,
            )


def _compare_unscheduled(rec: dict[str, Any], found: Unscheduled,
                         ctx: Context) -> Iterator[Finding]:
    for row, counted in found.counts.items():
        given = obj(rec.get(row))
        for key, value in counted.items():
            if count(given.get(key)) != value:
                yield ctx.error(
                    pointer(row, key),
                    N_("row {row}: the summary counts {given}, the reports of the year "
                       "{counted}"),
                    row=_ROW_NUMBER[row], given=str(count(given.get(key))), counted=str(value),
                    form=UNSCHEDULED,
                )
    yield from _rows_differ(rec.get("rows"), found.rows, ("company", "case", "inspected_at"),
                            UNSCHEDULED, ctx)
    if found.revocations:
        yield ctx.info(
            pointer("rows"),
            N_("{n} reports after a revocation have no row in the summary's table of results; "
               "they are listed among the inspected companies only"),
            n=str(found.revocations), form=UNSCHEDULED,
        )


@case_rule("X-11", forms=(UNSCHEDULED, UNSCHEDULED_REPORT), citation=X11_CITATION)
def check_unscheduled(case: Case, ctx: Context) -> Iterator[Finding]:
    """The summary's 貳 and 參 are those of the year's unscheduled reports; its sums hold."""
    has_reports = bool(case.all(UNSCHEDULED_REPORT))
    for doc in case.all(UNSCHEDULED):
        rec = obj(doc.data)
        yield from _internal_unscheduled(rec, ctx)
        if has_reports:
            yield from _compare_unscheduled(rec, unscheduled(case, Scope.of(rec)), ctx)
        else:
            yield ctx.info(
                pointer("q"),
                N_("the case holds no unscheduled inspection report: the counts of the summary "
                   "were not compared with reports"),
                form=UNSCHEDULED,
            )


def documents(*pairs: tuple[str, dict[str, Any]]) -> Case:
    """A case of the given (form, record) pairs: for tests and callers without files."""
    return Case(tuple(CaseDoc(form, data) for form, data in pairs))

