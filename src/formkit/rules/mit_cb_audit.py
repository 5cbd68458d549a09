"""MIT微笑 audits of certification bodies (附件十六): the annual plan, the certification audit and
the annual summary.

附件十六 has 秘書處 audit every CB at least once a year (二(一)) under a plan sent to 本署 by
January 15 that covers the CBs certifying for more than three months (三(一); AMB-18), one
report per CB (附錄二, four tables: 02a per sampled case, 02b–02d per CB and 產業, 02d for
第三類 CBs only) and an annual summary per CB and 產業 by December 15 (附錄三), kept three years.

The arithmetic is kept in pure functions (:func:`plan_due`, :func:`summary_due`,
:func:`eligible`, :func:`min_samples`, :func:`audit_conforms`, :func:`table_result`,
:func:`summary_values`) so that the deriver of the summary, its rules and the cross-document
rule X-13 give the same answer. The 02b–02d tables (:mod:`.mit_cb_audit_forms`) are read here
by their form ids and keys (``cb``, ``industry``, ``date``, ``r1``, ``r2``).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator
from datetime import date
from typing import Any

from ..findings import Finding
from ..i18n import N_
from ..labels import choice, name_of
from ..pointers import pointer
from . import Case, CaseDoc, Context, case_rule, deriver, rule
from .mit_common import A11, as_date, blank, last_day_for_act, obj, record_year
from .periods import Deadline, day_text, deadline, validity_end

PLAN = "mit/annex-16-app-01-annual-plan-cb"
AUDIT = "mit/annex-16-app-02a-cb-certification-audit"
SUMMARY = "mit/annex-16-app-03-annual-summary-cb"
# 附錄二's other tables: their results give (二)–(四) of the summary.
SELFPRINT = "mit/annex-16-app-02b-cb-selfprint-promo-audit"
TRACKING = "mit/annex-16-app-02c-cb-tracking-audit"
FEES = "mit/annex-16-app-02d-cb-fee-audit"
CERTIFICATE = A11

R60 = "S0 附件十六 二, 三, 四"
R62 = "S0 附件十六 附錄二（產品驗證執行查核表 項次7）"
X13 = "S0 附件十六 三(三); 附錄二 ↔ 附錄三"
X22 = "S0 附件十六 附錄三; 要點34（附件十一 驗證書之有效期間）"

ROC_OFFSET = 1911
PLAN_DUE = (1, 15)  # 三(一) 「於每年一月十五日前」
SUMMARY_DUE = (12, 15)  # 三(三) 「於每年十二月十五日前」
ACTIVITY_MONTHS = 3  # 三(一) 「執行MIT微笑產品驗證超過三個月以上」 (AMB-18)
RETENTION_YEARS = 3  # 三(三) 「至少留存三年」
ROW_NAMES = ("驗證申請書", "現場評核", "產品檢驗測試報告", "商品標示", "標章使用合約書",
             "產品驗證書及附件", "吊牌/貼紙申請")
TAG_ROW = 6  # 項次7 吊牌/貼紙申請: the only row with 「本案未申請」 and 「第三類產品不適用」
TAG_ONLY = frozenset({"not_applied", "cat3_na"})
# The summary's results (二), (三), (四) and the 附錄二 table each comes from.
TABLES = (("r2", SELFPRINT), ("r3", TRACKING), ("r4", FEES))


# -- pure helpers ----------------------------------------------------------------------------


def _rows(value: Any) -> list[dict[str, Any]]:
    return [obj(v) for v in value] if isinstance(value, list) else []


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def plan_due(year: int, ctx: Context) -> Deadline:
    """三(一) with T9/T10 (AMB-06): January 15 of the plan's (Gregorian) year, on or before,
    moved past rest days unless ``rest_day_rollover`` is off."""
    return last_day_for_act(date(year, *PLAN_DUE), ctx)


def summary_due(year: int, ctx: Context) -> Deadline:
    """三(三) with T9/T10 (AMB-06): December 15 of the audit's year (2024-12-15 is a Sunday:
    the last day is Monday 2024-12-16)."""
    return last_day_for_act(date(year, *SUMMARY_DUE), ctx)


def activity_end(since: date) -> date:
    """The last day of a CB's first three months of certification (T1, no roll-over)."""
    return deadline(since, ACTIVITY_MONTHS, "month", rollover=False).nominal


def eligible(since: date, plan_date: date) -> bool:
    """AMB-18: three months completed before the plan's date, T1(start, 3) < plan date.
    Started 2024-10-20 → 2025-01-20: not in a plan dated 2025-01-15."""
    return activity_end(since) < plan_date


def min_samples(certified: int, ratio: float | None) -> int:
    """AMB-58: at least one audit per CB a year; with 本署's ratio, ceil(ratio × 家數)."""
    if ratio is None:
        return 1
    return max(1, math.ceil(certified * ratio - 1e-9))


def row_conforms(index: int, result: Any) -> bool:
    """A 02a row that counts as 符合: 符合, or on 項次7 also 本案未申請 / 第三類產品不適用."""
    return result == "conform" or (index == TAG_ROW and result in TAG_ONLY)


def audit_conforms(rec: dict[str, Any]) -> bool:
    return all(row_conforms(i, row.get("result")) for i, row in enumerate(_rows(rec.get("items"))))


def table_result(codes: Iterable[Any]) -> str | None:
    """A result from 附錄二 rows: 符合 iff every row is, 不符合 if any is, else 其它."""
    found = [c for c in codes if isinstance(c, str)]
    if not found:
        return None
    if all(c == "conform" for c in found):
        return "conform"
    return "nonconform" if "nonconform" in found else "other"


def _same(a: Any, b: Any) -> bool:
    return _text(a) == _text(b) and bool(_text(a))


def of_summary(case: Case, form: str, summary: dict[str, Any]) -> list[CaseDoc]:
    """The documents of ``form`` about the summary's CB and year (and 產業, where both
    documents name one), in the order of their dates."""
    day = as_date(summary.get("date"))
    out = []
    for doc in case.all(form):
        if not _same(doc.data.get("cb"), summary.get("cb")):
            continue
        when = as_date(doc.data.get("date"))
        if day is not None and (when is None or when.year != day.year):
            continue
        industry = _text(doc.data.get("industry"))
        if industry and _text(summary.get("industry")) and industry != _text(summary["industry"]):
            continue
        out.append(doc)
    return sorted(out, key=lambda d: (as_date(d.data.get("date")) or date.min, d.source))


def _nonconform_lines(audits: list[CaseDoc]) -> str:
    """(一)'s 說明 in the order the form asks: 申請案編號/獲證編號/獲證業者/缺失說明."""
    lines = []
    for doc in audits:
        rec = doc.data
        for i, row in enumerate(_rows(rec.get("items"))):
            if row_conforms(i, row.get("result")) or i >= len(ROW_NAMES):
                continue
            note = _text(row.get("note"))
            lines.append(f"{_text(rec.get('case_no'))}/{_text(rec.get('company_code'))}/"
                         f"{_text(rec.get('company_name'))}/{ROW_NAMES[i]}"
                         + (f"：{note}" if note else ""))
    return "\n".join(lines)


def summary_values(summary: dict[str, Any], case: Case) -> dict[str, Any]:
    """What the case says the summary's derived fields are: ``sampled_cases``, ``cases`` and
    ``r1`` from the year's 02a audits of the CB (when there are any), ``r2``–``r4`` from its
    02b–02d tables (each when the case holds one)."""
    out: dict[str, Any] = {}
    audits = of_summary(case, AUDIT, summary)
    if audits:
        out["sampled_cases"] = len(audits)
        out["cases"] = [
            {"company_name": _text(a.data.get("company_name")),
             "company_code": _text(a.data.get("company_code")),
             "case_no": _text(a.data.get("case_no"))}
            for a in audits
        ]
        ok = all(audit_conforms(a.data) for a in audits)
        out["r1"] = "conform" if ok else "nonconform"
        out["_r1_note"] = "" if ok else _nonconform_lines(audits)
    for key, form in TABLES:
        docs = of_summary(case, form, summary)
        result = table_result(c for d in docs for c in (d.data.get("r1"), d.data.get("r2")))
        if result is not None:
            out[key] = result
    return out


# -- 附錄一 年度追蹤管理計畫 -----------------------------------------------------------------


@deriver(PLAN, owns={"/due_date": "MIT-R60"})
def derive_plan(rec: dict[str, Any], ctx: Context) -> None:
    """送本署備查期限: January 15 of the plan's year, rolled past rest days."""
    year = record_year(rec.get("year"))
    if year is None:
        rec.pop("due_date", None)
    else:
        rec["due_date"] = plan_due(year, ctx).last_day.isoformat()


def _ratio(ctx: Context) -> float | None:
    value = ctx.option("sampling_ratio", None, rule="MIT-R60")
    if isinstance(value, str):
        try:
            value = float(value)
        except ValueError:
            return None
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 < value <= 1:
        return None
    return float(value)


@rule("MIT-R60", forms=PLAN, citation=R60)
def check_plan(rec: dict[str, Any], ctx: Context) -> Iterator[Finding]:
    """The plan is sent by January 15, covers CBs certifying for three months, and samples
    each at least once (at the approved ratio when it is given)."""
    year = record_year(rec.get("year"))
    submitted = as_date(rec.get("submitted_date"))
    due = plan_due(year, ctx) if year is not None else None
    if due is not None and submitted is not None:
        if submitted > due.last_day:
            yield ctx.error(
                pointer("submitted_date"),
                N_("the plan was sent to 本署 on {submitted}, after the last day {due}: the "
                   "annual plan is due by January 15"),
                submitted=day_text(submitted), due=day_text(due.last_day),
                expected=f"<= {due.last_day.isoformat()}", actual=submitted.isoformat(),
            )
        elif due.rolled and submitted > due.nominal:
            yield ctx.info(
                pointer("submitted_date"),
                N_("January 15 ({nominal}) is a rest day; the plan counts as in time up to "
                   "{due}"),
                nominal=day_text(due.nominal), due=day_text(due.last_day),
            )
    plan_date = submitted or (due.nominal if due is not None else None)
    ratio = _ratio(ctx)
    for i, row in enumerate(_rows(rec.get("rows"))):
        cb = _text(row.get("cb"))
        samples = row.get("samples")
        certified = row.get("certified_companies")
        if isinstance(samples, int) and not isinstance(samples, bool):
            need = min_samples(certified, ratio) if isinstance(certified, int) else 1
            if samples < need:
                yield ctx.error(
                    pointer("rows", i, "samples"),
                    N_("{cb} ({industry}): {samples} audits planned, at least {need} needed: "
                       "every CB is audited at least once a year, at the ratio 本署 approved"),
                    cb=cb, industry=_text(row.get("industry")), samples=samples, need=need,
                    expected=f">= {need}", actual=samples,
                )
        since = as_date(row.get("cb_since"))
        if since is not None and plan_date is not None and not eligible(since, plan_date):
            yield ctx.warning(
                pointer("rows", i, "cb_since"),
                N_("{cb} began certifying on {since}: its first three months end on {end}, "
                   "not before the plan's date {plan}; the plan covers CBs certifying for more "
                   "than three months"),
                cb=cb, since=day_text(since), end=day_text(activity_end(since)),
                plan=day_text(plan_date),
            )
    if ratio is None:
        yield ctx.info(
            pointer("rows"),
            N_("the sampling ratio 本署 approved is not given (option sampling_ratio): only the "
               "one audit a year each CB needs is checked"),
        )


# -- 附錄二 產品驗證執行查核表 ---------------------------------------------------------------


@rule("MIT-R62", forms=AUDIT, citation=R62)
def check_audit(rec: dict[str, Any], ctx: Context) -> Iterator[Finding]:
    """「本案未申請」 and 「第三類產品不適用」 only on 項次7; the latter only for a 第三類 case,
    the former only for a case without a hang-tag/sticker request."""
    items = _rows(rec.get("items"))
    for i, row in enumerate(items[:TAG_ROW]):
        if row.get("result") in TAG_ONLY:
            yield ctx.error(
                pointer("items", i, "result"),
                N_("row {row} ({name}): {result} is an option of row 7 (吊牌/貼紙申請) only"),
                row=i + 1, name=ROW_NAMES[i],
                result=choice(AUDIT, pointer("items", i, "result"), row["result"]),
            )
    if len(items) <= TAG_ROW:
        return
    result = items[TAG_ROW].get("result")
    category = rec.get("category")
    requested = rec.get("tag_requested")
    path = pointer("items", TAG_ROW, "result")
    if result == "cat3_na":
        if category is None:
            yield ctx.info(
                path,
                N_("row 7 says 「第三類產品不適用」 but the case's category is not given: not "
                   "checked"),
            )
        elif category != "cat3":
            yield ctx.error(
                path,
                N_("row 7 says 「第三類產品不適用」 but the audited case is {category}: the "
                   "option is for 第三類 cases only"),
                category=choice(AUDIT, "/category", category),
            )
    if result == "not_applied":
        if requested is True:
            yield ctx.error(
                path,
                N_("row 7 says 「本案未申請」 but the case requested hang-tags or stickers"),
            )
        elif requested is None:
            yield ctx.info(
                path,
                N_("row 7 says 「本案未申請」; whether the case requested hang-tags or stickers "
                   "is not given: not checked"),
            )
    elif requested is False and result in ("conform", "nonconform"):
        yield ctx.warning(
            path,
            N_("row 7 is marked {result} but the case requested no hang-tags or stickers: "
               "「本案未申請」 fits"),
            result=choice(AUDIT, path, result),
        )


# -- 附錄三 年度追蹤管理彙整報告 -------------------------------------------------------------


@deriver(SUMMARY, owns={"/sampled_cases": "X-13", "/cases": "X-13", "/r1": "X-13",
                        "/r2": "X-13", "/r3": "X-13", "/r4": "X-13",
                        "/retain_until": "MIT-R60"})
def derive_summary(rec: dict[str, Any], ctx: Context) -> None:
    """The retention date; with a case, the counts, the table 一 and the results (一)–(四)
    from the year's 附錄二 audits of the CB (X-13)."""
    day = as_date(rec.get("date"))
    if day is None:
        rec.pop("retain_until", None)
    else:
        try:
            rec["retain_until"] = validity_end(day, RETENTION_YEARS, "year").isoformat()
        except (ValueError, OverflowError):
            rec.pop("retain_until", None)
    if ctx.case is None:
        return
    values = summary_values(rec, ctx.case)
    note = values.pop("_r1_note", "")
    rec.update(values)
    if note and blank(rec.get("r1_note")):
        rec["r1_note"] = note


def summary_findings(rec: dict[str, Any], ctx: Context, form: str | None = None
                     ) -> Iterator[Finding]:
    """X-13's checks within the summary itself (a lone summary reports them under MIT-R60's
    rule; ``formkit check`` under X-13 again)."""
    extra: dict[str, Any] = {"rule": "X-13", "citation": X13}
    if form is not None:
        extra["form"] = form
    needed = ["sampled_cases", "cases", "r1", "r2", "r3"]
    if rec.get("cb_category") == "cat3":
        needed.append("r4")
    for key in needed:
        if rec.get(key) is None:
            yield ctx.error(
                pointer(key),
                N_("{field} is missing: give it, or fill the summary with the case of the "
                   "year's 附錄二 audits to derive it"),
                field=name_of(SUMMARY, pointer(key)), **extra,
            )
    sampled = rec.get("sampled_cases")
    cases = rec.get("cases")
    if isinstance(sampled, int) and isinstance(cases, list) and sampled != len(cases):
        yield ctx.error(
            pointer("sampled_cases"),
            N_("本次抽查件數 is {sampled} but table 一 lists {rows} cases"),
            sampled=sampled, rows=len(cases), expected=len(cases), actual=sampled, **extra,
        )
    checked, missing = rec.get("contracts_checked"), rec.get("contracts_missing")
    if isinstance(checked, int) and isinstance(missing, int) and missing > checked:
        yield ctx.error(
            pointer("contracts_missing"),
            N_("缺件數 {missing} is more than 查核合約數 {checked}"),
            missing=missing, checked=checked, expected=f"<= {checked}", actual=missing, **extra,
        )
    if rec.get("r4") is not None and rec.get("cb_category") != "cat3":
        yield ctx.error(
            pointer("r4"),
            N_("result (四) is given for a CB that is not a 第三類 CB: the fee audit is for "
               "第三類 CBs only"),
            **extra,
        )


@rule("MIT-R60", forms=SUMMARY, citation=R60)
def check_summary(rec: dict[str, Any], ctx: Context) -> Iterator[Finding]:
    """The summary goes to 本署 by December 15 of the audit's year; every CB is audited at
    least once a year."""
    day = as_date(rec.get("date"))
    submitted = as_date(rec.get("submitted_date"))
    if day is not None:
        due = summary_due(day.year, ctx)
        if submitted is not None and submitted > due.last_day:
            yield ctx.error(
                pointer("submitted_date"),
                N_("the annual summary was sent to 本署 on {submitted}, after the last day "
                   "{due}: it is due by December 15"),
                submitted=day_text(submitted), due=day_text(due.last_day),
                expected=f"<= {due.last_day.isoformat()}", actual=submitted.isoformat(),
            )
        elif submitted is None and day > due.last_day:
            yield ctx.error(
                pointer("date"),
                N_("the audit of {day} is after the summary's last day {due} (December 15)"),
                day=day_text(day), due=day_text(due.last_day),
            )
        if submitted is not None and submitted < day:
            yield ctx.error(
                pointer("submitted_date"),
                N_("the annual summary was sent to 本署 on {submitted}, before the audit of "
                   "{day}"),
                submitted=day_text(submitted), day=day_text(day),
            )
    sampled = rec.get("sampled_cases")
    if isinstance(sampled, int) and not isinstance(sampled, bool) and sampled < 1:
        yield ctx.error(
            pointer("sampled_cases"),
            N_("no case of the CB was audited: every CB is audited at least once a year"),
        )
    yield from summary_findings(rec, ctx)


# -- the audits and the summary --------------------------------------------------------


def _label(code: Any) -> str:
    return choice(SUMMARY, "/r2", code) if code is not None else choice(SUMMARY, "/r2", "-")


@case_rule("X-13", forms=(AUDIT, SELFPRINT, TRACKING, FEES, SUMMARY), citation=X13)
def audits_vs_summary(case: Case, ctx: Context) -> Iterator[Finding]:
    """Each summary against the year's 附錄二 audits of its CB: the count, the cases of table
    一, and results (一)–(四)."""
    for doc in case.all(SUMMARY):
        rec = doc.data
        yield from summary_findings(rec, ctx, form=SUMMARY)
        values = summary_values(rec, case)
        if "sampled_cases" in values:
            yield from _cases(rec, values, ctx)
        for key in ("r1", "r2", "r3", "r4"):
            if key in values and rec.get(key) != values[key]:
                yield ctx.error(
                    pointer(key),
                    N_("result {item} is {given}, but the 附錄二 audits of the case give "
                       "{computed}"),
                    item=_ITEMS[key], given=_label(rec.get(key)),
                    computed=_label(values[key]), expected=values[key], actual=rec.get(key),
                    form=SUMMARY,
                )


_ITEMS = {"r1": "(一)", "r2": "(二)", "r3": "(三)", "r4": "(四)"}


def _cases(rec: dict[str, Any], values: dict[str, Any], ctx: Context) -> Iterator[Finding]:
    sampled = rec.get("sampled_cases")
    if sampled != values["sampled_cases"]:
        yield ctx.error(
            pointer("sampled_cases"),
            N_("本次抽查件數 is {given}, but the case holds {count} 產品驗證執行查核表 of the CB "
               "for the year"),
            given=sampled if sampled is not None else "-", count=values["sampled_cases"],
            expected=values["sampled_cases"], actual=sampled, form=SUMMARY,
        )
    audited = {c["case_no"] for c in values["cases"]}
    listed = [_text(c.get("case_no")) for c in _rows(rec.get("cases"))]
    for i, case_no in enumerate(listed):
        if case_no not in audited:
            yield ctx.error(
                pointer("cases", i, "case_no"),
                N_("table 一 lists the case {case_no}, but the case holds no 產品驗證執行查核表 "
                   "of it"),
                case_no=case_no, form=SUMMARY,
            )
    for case_no in sorted(audited - set(listed)):
        yield ctx.error(
            pointer("cases"),
            N_("the case {case_no} was audited (產品驗證執行查核表) but table 一 does not list "
               "it"),
            case_no=case_no, form=SUMMARY,
        )


# -- the counts and the certificates ---------------------------------------------------


def _valid_to(cert: dict[str, Any]) -> date | None:
    """A certificate's last day, after its approved extensions."""
    end = as_date(cert.get("valid_to"))
    for ext in _rows(cert.get("extensions")):
        later = as_date(ext.get("new_valid_to"))
        if later is not None and (end is None or later > end):
            end = later
    return end


def certified_on(case: Case, summary: dict[str, Any], day: date) -> tuple[int, int]:
    """(companies, models) of the case's 附件十一 certificates of the summary's CB and 產業
    valid on ``day``."""
    companies: set[str] = set()
    models: set[tuple[str, str]] = set()
    for doc in case.all(CERTIFICATE):
        cert = doc.data
        if not _same(obj(cert.get("cb")).get("name"), summary.get("cb")):
            continue
        if _text(summary.get("industry")) and _text(cert.get("industry")) != _text(
                summary.get("industry")):
            continue
        start, end = as_date(cert.get("issue_date")), _valid_to(cert)
        if start is None or start > day or (end is not None and end < day):
            continue
        holder = obj(cert.get("holder"))
        who = _text(holder.get("tax_id")) or _text(holder.get("name"))
        companies.add(who)
        for product in _rows(cert.get("products")):
            models.add((who, _text(product.get("model")) or _text(product.get("name"))))
    return len(companies), len(models)


@case_rule("X-22", forms=(SUMMARY, CERTIFICATE), citation=X22)
def counts_vs_certificates(case: Case, ctx: Context) -> Iterator[Finding]:
    """目前驗證通過家數/產品款數 against the case's certificates valid on the audit date (a
    warning: the register the case holds may lag or be partial)."""
    if not case.all(CERTIFICATE):
        return
    for doc in case.all(SUMMARY):
        rec = doc.data
        day = as_date(rec.get("date"))
        if day is None:
            continue
        companies, models = certified_on(case, rec, day)
        given = rec.get("certified_companies")
        if isinstance(given, int) and given != companies:
            yield ctx.warning(
                pointer("certified_companies"),
                N_("the summary counts {given} certified companies of the CB on {day}; the "
                   "case's certificates valid that day give {count}"),
                given=given, day=day_text(day), count=companies,
                expected=companies, actual=given, form=SUMMARY,
            )
        given = rec.get("certified_models")
        if isinstance(given, int) and given != models:
            yield ctx.warning(
                pointer("certified_models"),
                N_("the summary counts {given} certified product models of the CB on {day}; "
                   "the case's certificates valid that day give {count}"),
                given=given, day=day_text(day), count=models,
                expected=models, actual=given, form=SUMMARY,
            )
