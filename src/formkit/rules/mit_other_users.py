"""MIT微笑 other mark users (附件十七): the annual plan, the store reports, the annual summary and
the appeal.

附件十七 二(一) has the 秘書處 audit every authorised 其他使用業者 each year, 「按…抽樣比例逐案
進行查核，每案至少查核一次」 (AMB-19 (a): every user at least once; the ratio is over its 據點);
二(二) adds unscheduled audits 「應即進行查核」 on a complaint. 三 sets the dates: the plan
(附錄一) 「於每年一月十五日前」, a report (附錄二) for each audit, the summary (附錄三)
「於每年十二月十五日前」 (T9, rolled past rest days by T10). MIT-R63 checks these on each
document; X-15 relates them over a case.

六 and 七 grade the findings (輕微/重大缺失) and give the user thirty days 「於秘書處通知之次日起」
for an 異議 to the 秘書處 (mit/annex-17-objection, in :mod:`.mit_objection`) and then for a 申訴
to 本署 against the 秘書處's 查證結果及處理意見 (AMB-20). MIT-R64 is registered here for the
report (the grading and the notice) and for the 申訴.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

from ..findings import Finding
from ..i18n import N_, Localised
from ..labels import choice, name_of
from ..pointers import pointer
from . import Case, CaseDoc, Context, case_rule, deriver, rule
from .mit_common import as_date, blank, count, last_day_for_act, obj, record_year
from .periods import Deadline, deadline

PLAN = "mit/annex-17-app-01-annual-plan-other-users"
REPORT = "mit/annex-17-app-02-other-user-report"
SUMMARY = "mit/annex-17-app-03-annual-summary-other-users"
APPEAL = "mit/annex-17-appeal"
LICENSE = "mit/license-agreement"

ROC_OFFSET = 1911
_DAYS = 30  # 附件十七 六(三)(四) 「於秘書處通知之次日起三十日內」
PLAN_DUE = (1, 15)  # 三(一) 「於每年一月十五日前」
SUMMARY_DUE = (12, 15)  # 三(二) 「於每年十二月十五日前」
# 附件十七 七(一): items 1, 2 and 4 are 重大 only 「經通知改善而未改善」; item 3 is 重大 at once.
_NEEDS_IMPROVEMENT_STEP = frozenset({"i1", "i2", "i4"})


def year_param(year: int) -> Localised:
    """A Gregorian year as a message parameter: 2024 in English, 民國113年 in zh-TW."""
    return Localised(str(year), f"民國{year - ROC_OFFSET}年")


def gregorian_year(rec: dict[str, Any]) -> int | None:
    """The record's ``year`` (ROC) as a Gregorian year."""
    return record_year(rec.get("year"))


def _name(value: Any) -> str:
    return "".join(value.split()) if isinstance(value, str) else ""


def _due(event: date, ctx: Context) -> Deadline:
    rollover = bool(ctx.option("rest_day_rollover", True, rule="MIT-R64"))
    return deadline(event, _DAYS, "day", rollover=rollover)


def _late(day: date | None, year: int, due: tuple[int, int], path: str, message: str,
          ctx: Context) -> Iterator[Finding]:
    """A document sent to 本署 after 「每年 M 月 D 日前」 of its year (T9), rolled by T10."""
    if day is None:
        return
    last = last_day_for_act(date(year, *due), ctx)
    if day > last.last_day:
        yield ctx.error(
            path,
            message, date=day.isoformat(), deadline=last.last_day.isoformat(),
            expected=f"<= {last.last_day.isoformat()}", actual=day.isoformat(),
        )
    elif last.rolled and day > last.nominal:
        yield ctx.info(
            path,
            N_("{nominal} is a rest day; the last day moves to {deadline}"),
            nominal=last.nominal.isoformat(), deadline=last.last_day.isoformat(),
        )


# -- 附錄一 年度追蹤管理計畫 -------------------------------------------------------------


@rule("MIT-R63", forms=PLAN, citation="S0 附件十七 二(一), 三(一)")
def plan_rule(rec: dict[str, Any], ctx: Context) -> Iterator[Finding]:
    """Every authorised user audited at least once a year (AMB-19 (a)); the 查核據點 of a round
    are at most the user's 據點; the plan goes to 本署 by 1 月 15 日."""
    every_case = ctx.option("reading", "a", rule="MIT-R63") != "b"
    year = gregorian_year(rec)
    rows = rec.get("rows")
    seen: dict[str, int] = {}
    for i, row in enumerate(rows if isinstance(rows, list) else []):
        if not isinstance(row, dict):
            continue
        company = _name(row.get("company"))
        if company in seen:
            yield ctx.error(
                pointer("rows", i, "company"),
                N_("{company} is planned twice (rows {first} and {second}): one row per user"),
                company=str(row.get("company")), first=seen[company] + 1, second=i + 1,
            )
        elif company:
            seen[company] = i
        sites = row.get("sites")
        for key, round_no in (("checked_sites_1", 1), ("checked_sites_2", 2)):
            checked = row.get(key)
            if isinstance(sites, int) and isinstance(checked, int) and checked > sites:
                yield ctx.error(
                    pointer("rows", i, key),
                    N_("round {round}: {checked} sites to audit, more than the user's {sites} "
                       "sites"),
                    round=round_no, checked=checked, sites=sites,
                    expected=f"<= {sites}", actual=checked,
                )
        total = count(row.get("checked_sites_1")) + count(row.get("checked_sites_2"))
        if every_case and total == 0 and isinstance(row.get("checked_sites_1"), int):
            yield ctx.error(
                pointer("rows", i, "checked_sites_1"),
                N_("{company}: no site is planned for audit; every authorised user is audited "
                   "at least once a year"),
                company=str(row.get("company") or ""),
            )
        term = as_date(row.get("license_term"))
        if year is not None and term is not None and term < date(year, 1, 1):
            yield ctx.warning(
                pointer("rows", i, "license_term"),
                N_("{company}: the authorisation ended on {date}, before the plan's year"),
                company=str(row.get("company") or ""), date=term.isoformat(),
            )
    if year is not None:
        yield from _late(as_date(rec.get("submitted_date")), year, PLAN_DUE,
                         pointer("submitted_date"),
                         N_("the annual plan was sent on {date}, after the last day {deadline}"),
                         ctx)
        sent = as_date(rec.get("submitted_date"))
        if sent is not None and sent.year > year:
            yield ctx.error(
                pointer("submitted_date"),
                N_("the plan for {year} was sent on {date}, after its year began"),
                year=year_param(year), date=sent.isoformat(),
            )


# -- 附錄二 查核報告 -----------------------------------------------------------------------


@deriver(REPORT, owns={"/deficiency/objection_deadline": "MIT-R64"})
def derive_report(rec: dict[str, Any], ctx: Context) -> None:
    """異議及申訴期限: thirty days from the day after the 秘書處's notice (T1, T10)."""
    deficiency = rec.get("deficiency")
    if not isinstance(deficiency, dict):
        return
    notice = as_date(deficiency.get("notice_date"))
    if notice is None:
        deficiency.pop("objection_deadline", None)
    else:
        deficiency["objection_deadline"] = _due(notice, ctx).last_day.isoformat()


def findings_of(rec: dict[str, Any]) -> list[str]:
    """The pointers of a report's results other than 符合 (store checks and products)."""
    out = []
    for key in ("store_checks", "products"):
        items = rec.get(key)
        for i, item in enumerate(items if isinstance(items, list) else []):
            if isinstance(item, dict) and item.get("result") in ("nonconform", "other"):
                out.append(pointer(key, i, "result"))
    return out


@rule("MIT-R63", forms=REPORT, citation="S0 附件十七 一, 二, 三(二), 五",
      needs="the 秘書處's staff list (附件十七 五: audits are done by 秘書處人員)")
def report_rule(rec: dict[str, Any], ctx: Context) -> Iterator[Finding]:
    """The report of one store audit: each result other than 符合 explained, a conforming
    product's industry and mark number given, an unscheduled audit after its complaint."""
    for key in ("store_checks", "products"):
        items = rec.get(key)
        for i, item in enumerate(items if isinstance(items, list) else []):
            if not isinstance(item, dict):
                continue
            result = item.get("result")
            if result in ("nonconform", "other") and blank(item.get("note")):
                yield ctx.error(
                    pointer(key, i, "note"),
                    N_("row {row}: the result {result} needs its explanation"),
                    row=i + 1, result=choice(REPORT, pointer(key, i, "result"), result),
                )
            if key == "products" and result == "conform":
                for field in ("industry", "mark_no"):
                    if blank(item.get(field)):
                        yield ctx.warning(
                            pointer(key, i, field),
                            N_("product {row} conforms: give {field}"),
                            row=i + 1, field=name_of(REPORT, pointer(key, 0, field)),
                        )
    day = as_date(rec.get("date"))
    complaint = as_date(rec.get("complaint_date"))
    if rec.get("audit_type") == "irregular":
        if complaint is None:
            yield ctx.warning(
                pointer("complaint_date"),
                N_("an unscheduled audit follows a complaint: give the date it was received"),
            )
        elif day is not None and day < complaint:
            yield ctx.error(
                pointer("date"),
                N_("the audit on {date} is before the complaint it follows ({complaint})"),
                date=day.isoformat(), complaint=complaint.isoformat(),
            )
        elif day is not None:
            yield ctx.info(
                pointer("date"),
                N_("an unscheduled audit is made at once on a complaint; the rules set no "
                   "number of days: audited {days} days after the complaint"),
                days=(day - complaint).days,
            )
    yield ctx.info(
        "",
        N_("that the inspectors are staff of the secretariat cannot be checked; the report "
           "is kept at least three years"),
    )


@rule("MIT-R64", forms=REPORT, citation="S0 附件十七 六, 七")
def report_deficiency(rec: dict[str, Any], ctx: Context) -> Iterator[Finding]:
    """The grading of a report's findings (附件十七 七) and the 秘書處's notice (六)."""
    deficiency = obj(rec.get("deficiency"))
    grade, item = deficiency.get("grade"), deficiency.get("item")
    found = findings_of(rec)
    if grade is not None and not found:
        yield ctx.error(
            pointer("deficiency", "grade"),
            N_("every result is {conform}, yet the report is graded {grade}"),
            conform=choice(REPORT, "/products/0/result", "conform"),
            grade=choice(REPORT, "/deficiency/grade", grade),
        )
    if grade is None and found:
        yield ctx.warning(
            pointer("deficiency", "grade"),
            N_("{n} results are not {conform}: grade them as a minor or a major deficiency "
               "and notify the user"),
            n=len(found), conform=choice(REPORT, "/products/0/result", "conform"),
        )
    if grade == "minor_deficiency" and item is not None:
        yield ctx.error(
            pointer("deficiency", "item"),
            N_("the finding is graded {grade}, but the situation ticked, {item}, is a "
               "{major}"),
            grade=choice(REPORT, "/deficiency/grade", grade),
            item=choice(REPORT, "/deficiency/item", item),
            major=choice(REPORT, "/deficiency/grade", "major_deficiency"),
        )
    if grade == "major_deficiency":
        if item is None:
            yield ctx.error(
                pointer("deficiency", "item"),
                N_("the finding is graded {grade}: tick the situation of point 7(1) it is"),
                grade=choice(REPORT, "/deficiency/grade", grade),
            )
        elif item in _NEEDS_IMPROVEMENT_STEP and deficiency.get("improvement_notified") is not True:
            yield ctx.error(
                pointer("deficiency", "improvement_notified"),
                N_("{item} is a major deficiency only after a notice to improve went unheeded; "
                   "until then it is a {minor}"),
                item=choice(REPORT, "/deficiency/item", item),
                minor=choice(REPORT, "/deficiency/grade", "minor_deficiency"),
            )
        if item == "i3":
            yield ctx.info(
                pointer("deficiency", "item"),
                N_("{item} is a major deficiency without a prior notice to improve"),
                item=choice(REPORT, "/deficiency/item", item),
            )
    notice = as_date(deficiency.get("notice_date"))
    day = as_date(rec.get("date"))
    if notice is not None and day is not None and notice < day:
        yield ctx.error(
            pointer("deficiency", "notice_date"),
            N_("the notice of {notice} is dated before the audit of {date}"),
            notice=notice.isoformat(), date=day.isoformat(),
        )
    if grade is not None and notice is None:
        yield ctx.warning(
            pointer("deficiency", "notice_date"),
            N_("a deficiency is notified to the user: give the notice's date, from which the "
               "thirty days for an objection or appeal run"),
        )
    if notice is not None:
        due = _due(notice, ctx)
        if due.rolled:
            yield ctx.info(
                pointer("deficiency", "objection_deadline"),
                N_("the thirtieth day, {nominal}, is a rest day; the last day moves to "
                   "{deadline}"),
                nominal=due.nominal.isoformat(), deadline=due.last_day.isoformat(),
            )


# -- 附錄三 年度彙整報告 -------------------------------------------------------------------


def reports_for(case: Case | None, company: Any, year: int | None) -> list[CaseDoc]:
    """The 附錄二 reports of a case about ``company`` whose audit falls in ``year``."""
    if case is None:
        return []
    name = _name(company)
    out = []
    for doc in case.all(REPORT):
        day = as_date(doc.data.get("date"))
        if _name(doc.data.get("inspectee")) != name or not name:
            continue
        if year is not None and (day is None or day.year != year):
            continue
        out.append(doc)
    return out


def store_counts(reports: list[CaseDoc]) -> dict[str, dict[str, Any]]:
    """Per 門市 (in the order first reported): its printed name, the industries of its
    conforming products, and the counts of its product rows (查核件數, 符合, 不符合)."""
    stores: dict[str, dict[str, Any]] = {}
    for doc in reports:
        store = doc.data.get("store")
        key = _name(store)
        entry = stores.setdefault(key, {"store": store, "industries": [], "count": 0,
                                        "conform": 0, "nonconform": 0})
        products = doc.data.get("products")
        for product in products if isinstance(products, list) else []:
            if not isinstance(product, dict):
                continue
            entry["count"] += 1
            if product.get("result") == "conform":
                entry["conform"] += 1
                industry = product.get("industry")
                if isinstance(industry, str) and industry.strip() and (
                        industry.strip() not in entry["industries"]):
                    entry["industries"].append(industry.strip())
            elif product.get("result") == "nonconform":
                entry["nonconform"] += 1
    return stores


@deriver(SUMMARY, owns={"/rows": "X-15", "/total": "X-15", "/checked_sites": "X-15",
                        "/checked_products": "X-15"})
def derive_summary(rec: dict[str, Any], ctx: Context) -> None:
    """The counts: from the year's reports of the user when the case is given (a store reported
    but not listed is added), else from the rows as given; 查核件數 = 符合 + 不符合, the 總計
    row, 本次追蹤查核家數 (stores listed) and 本次抽查產品數 (Σ 查核件數)."""
    rows = rec.get("rows")
    if not isinstance(rows, list):
        return
    if ctx.case is not None:
        stores = store_counts(reports_for(ctx.case, rec.get("company"), gregorian_year(rec)))
        listed = set()
        for row in rows:
            if not isinstance(row, dict):
                continue
            key = _name(row.get("store"))
            listed.add(key)
            got = stores.get(key, {"industries": [], "count": 0, "conform": 0, "nonconform": 0})
            row["conform"], row["nonconform"] = got["conform"], got["nonconform"]
            if blank(row.get("industry")) and got["industries"]:
                row["industry"] = "、".join(got["industries"])
        for key, got in stores.items():
            if key not in listed:
                row = {"store": got["store"], "conform": got["conform"],
                       "nonconform": got["nonconform"]}
                if got["industries"]:
                    row["industry"] = "、".join(got["industries"])
                rows.append(row)
    totals = {"count": 0, "conform": 0, "nonconform": 0}
    stores_listed = set()
    for row in rows:
        if not isinstance(row, dict):
            continue
        conform, nonconform = row.get("conform"), row.get("nonconform")
        if isinstance(conform, int) and isinstance(nonconform, int):
            row["count"] = conform + nonconform
        else:
            row.pop("count", None)
        for key in totals:
            totals[key] += count(row.get(key))
        if _name(row.get("store")) and count(row.get("count")) > 0:
            stores_listed.add(_name(row.get("store")))
    rec["total"] = totals
    rec["checked_products"] = totals["count"]
    rec["checked_sites"] = len(stores_listed)


@rule("MIT-R63", forms=SUMMARY, citation="S0 附件十七 三(二)")
def summary_rule(rec: dict[str, Any], ctx: Context) -> Iterator[Finding]:
    """The summary goes to 本署 by 12 月 15 日 of its year; its stores are at most the user's
    據點."""
    year = gregorian_year(rec)
    if year is not None:
        yield from _late(as_date(rec.get("submitted_date")), year, SUMMARY_DUE,
                         pointer("submitted_date"),
                         N_("the annual summary was sent on {date}, after the last day "
                            "{deadline}"), ctx)
        day = as_date(rec.get("date"))
        if day is not None and day.year != year:
            yield ctx.warning(
                pointer("date"),
                N_("the summary of {year} is dated {date}, in another year"),
                year=year_param(year), date=day.isoformat(),
            )
    sites, checked = rec.get("sites"), rec.get("checked_sites")
    if isinstance(sites, int) and isinstance(checked, int) and checked > sites:
        yield ctx.error(
            pointer("checked_sites"),
            N_("{checked} stores audited, more than the user's {sites} sites"),
            checked=checked, sites=sites, expected=f"<= {sites}", actual=checked,
        )
    if isinstance(rec.get("rows"), list) and any(
            isinstance(r, dict) and count(r.get("count")) == 0 for r in rec["rows"]):
        yield ctx.warning(
            pointer("rows"),
            N_("a store is listed with no product audited"),
        )


# -- reports ↔ plan ↔ summary ---------------------------------------------------------


def _shown(value: Any) -> str:
    return "-" if value is None else str(value)


def _year_over(year: int, ctx: Context) -> bool:
    return ctx.as_of is None or ctx.as_of > date(year, 12, 31)


@case_rule("X-15", forms=(PLAN, REPORT, SUMMARY),
           citation="S0 附件十七 二(一), 三; 附錄一, 附錄二, 附錄三")
def x15(case: Case, ctx: Context) -> Iterator[Finding]:
    """Each planned user has a report in the plan's year, each authorised user is planned, and
    a summary's counts are those of the year's reports of its user."""
    for plan in case.all(PLAN):
        yield from _plan_vs_reports(case, plan.data, ctx)
    for summary in case.all(SUMMARY):
        yield from _summary_vs_reports(case, summary.data, ctx)


def _plan_vs_reports(case: Case, plan: dict[str, Any], ctx: Context) -> Iterator[Finding]:
    year = gregorian_year(plan)
    if year is None:
        return
    rows = plan.get("rows")
    planned = {}
    for i, row in enumerate(rows if isinstance(rows, list) else []):
        if not isinstance(row, dict) or not _name(row.get("company")):
            continue
        planned[_name(row.get("company"))] = i
        if reports_for(case, row.get("company"), year):
            continue
        report = ctx.error if _year_over(year, ctx) else ctx.warning
        yield report(
            pointer("rows", i, "company"),
            N_("{company} is in the plan for {year} but has no audit report of that year"),
            company=str(row.get("company")), year=year_param(year), form=PLAN,
        )
    for doc in case.all(REPORT):
        day = as_date(doc.data.get("date"))
        if day is None or day.year != year or _name(doc.data.get("inspectee")) in planned:
            continue
        if doc.data.get("audit_type") == "irregular":
            continue  # an unscheduled audit on a complaint need not be planned
        yield ctx.warning(
            pointer("inspectee"),
            N_("{company} was audited on {date} but is not in the plan for {year}"),
            company=str(doc.data.get("inspectee")), date=day.isoformat(), year=year_param(year),
            form=REPORT,
        )
    for doc in case.all(LICENSE):
        licensee = obj(doc.data.get("licensee"))
        if licensee.get("type") != "other_user" or _name(licensee.get("name")) in planned:
            continue
        term = obj(doc.data.get("term"))
        start, end = as_date(term.get("from")), as_date(term.get("to"))
        ended = as_date(obj(doc.data.get("termination")).get("date"))
        if end is not None and ended is not None:
            end = min(end, ended)
        if start is not None and start > date(year, 12, 31) or end is not None and (
                end < date(year, 1, 1)):
            continue
        yield ctx.error(
            pointer("licensee", "name"),
            N_("{company} is authorised in {year} but is not in the plan: every authorised "
               "user is audited at least once a year"),
            company=str(licensee.get("name")), year=year_param(year), form=LICENSE,
        )


def _summary_vs_reports(case: Case, summary: dict[str, Any],
                        ctx: Context) -> Iterator[Finding]:
    year = gregorian_year(summary)
    reports = reports_for(case, summary.get("company"), year)
    stores = store_counts(reports)
    rows = summary.get("rows")
    listed: set[str] = set()
    for i, row in enumerate(rows if isinstance(rows, list) else []):
        if not isinstance(row, dict):
            continue
        key = _name(row.get("store"))
        listed.add(key)
        got = stores.get(key)
        if got is None:
            yield ctx.error(
                pointer("rows", i, "store"),
                N_("{store} is in the summary but no audit report of it is in the case"),
                store=str(row.get("store")), form=SUMMARY,
            )
            continue
        for field in ("count", "conform", "nonconform"):
            if row.get(field) != got[field]:
                yield ctx.error(
                    pointer("rows", i, field),
                    N_("{store}: {field} is {given}; its reports give {counted}"),
                    store=str(row.get("store")),
                    field=name_of(SUMMARY, pointer("rows", 0, field)),
                    given=_shown(row.get(field)), counted=got[field],
                    actual=row.get(field), expected=got[field], form=SUMMARY,
                )
    for key, got in stores.items():
        if key not in listed:
            yield ctx.error(
                pointer("rows"),
                N_("{store} was audited ({n} products) but is not in the summary"),
                store=str(got["store"]), n=got["count"], form=SUMMARY,
            )
    products = sum(g["count"] for g in stores.values())
    if summary.get("checked_products") != products:
        yield ctx.error(
            pointer("checked_products"),
            N_("{field} is {given}; the product rows of the year's reports number {counted}"),
            field=name_of(SUMMARY, "/checked_products"),
            given=_shown(summary.get("checked_products")), counted=products,
            actual=summary.get("checked_products"), expected=products, form=SUMMARY,
        )
    if summary.get("checked_sites") != len(stores):
        yield ctx.error(
            pointer("checked_sites"),
            N_("{field} is {given}; the year's reports cover {counted} stores"),
            field=name_of(SUMMARY, "/checked_sites"),
            given=_shown(summary.get("checked_sites")), counted=len(stores),
            actual=summary.get("checked_sites"), expected=len(stores), form=SUMMARY,
        )
    for plan in case.all(PLAN):
        if gregorian_year(plan.data) != year:
            continue
        prow = plan.data.get("rows")
        for row in prow if isinstance(prow, list) else []:
            if isinstance(row, dict) and _name(row.get("company")) == _name(
                    summary.get("company")) and row.get("sites") != summary.get("sites"):
                yield ctx.warning(
                    pointer("sites"),
                    N_("the summary gives {given} sites; the plan gives {planned}"),
                    given=_shown(summary.get("sites")), planned=_shown(row.get("sites")),
                    actual=summary.get("sites"), expected=row.get("sites"), form=SUMMARY,
                )


# -- 申訴書 (附件十七 六(四)) --------------------------------------------------------------


def _appeal_event(rec: dict[str, Any], ctx: Context) -> date | None:
    """The notice the thirty days run from (AMB-20): the notice of the 查證結果 (default) or,
    with ``appeal_period_from: first_notice``, the first notice of the 查核結果."""
    if ctx.option("appeal_period_from", "review_notice", rule="MIT-R64") == "first_notice":
        return as_date(obj(rec.get("objection")).get("first_notice_date"))
    return as_date(rec.get("notice_date"))


@deriver(APPEAL, owns={"/deadline": "MIT-R64"})
def derive_appeal(rec: dict[str, Any], ctx: Context) -> None:
    """申訴期限: thirty days from the day after the 秘書處's notice (T1, T10; AMB-20)."""
    event = _appeal_event(rec, ctx)
    if event is None:
        rec.pop("deadline", None)
    else:
        rec["deadline"] = _due(event, ctx).last_day.isoformat()


@rule("MIT-R64", forms=APPEAL, citation="S0 附件十七 六(四)")
def appeal_rule(rec: dict[str, Any], ctx: Context) -> Iterator[Finding]:
    """A 申訴 to 本署 in writing within thirty days from the day after the 秘書處's notice
    of its 查證結果及處理意見; late ones are not accepted."""
    notice = as_date(rec.get("notice_date"))
    filed = as_date(rec.get("filed_date"))
    objection = obj(rec.get("objection"))
    objected = as_date(objection.get("filed_date"))
    first = as_date(objection.get("first_notice_date"))
    event = _appeal_event(rec, ctx)
    if event is not None and filed is not None:
        due = _due(event, ctx)
        if filed < event:
            yield ctx.error(
                pointer("filed_date"),
                N_("the appeal is dated {filed}, before the secretariat's notice of {event}"),
                filed=filed.isoformat(), event=event.isoformat(),
                expected=f">= {event.isoformat()}", actual=filed.isoformat(),
            )
        elif filed > due.last_day:
            yield ctx.error(
                pointer("filed_date"),
                N_("the appeal was filed on {filed}, after the last day {deadline}; a late "
                   "appeal is not accepted"),
                filed=filed.isoformat(), deadline=due.last_day.isoformat(),
                expected=f"<= {due.last_day.isoformat()}", actual=filed.isoformat(),
            )
        if due.rolled:
            yield ctx.info(
                pointer("deadline"),
                N_("the thirtieth day, {nominal}, is a rest day; the last day moves to "
                   "{deadline}"),
                nominal=due.nominal.isoformat(), deadline=due.last_day.isoformat(),
            )
    if objected is None:
        yield ctx.warning(
            pointer("objection", "filed_date"),
            N_("an appeal is against the secretariat's findings on an objection: give the "
               "date the objection was filed"),
        )
    elif notice is not None and notice < objected:
        yield ctx.error(
            pointer("notice_date"),
            N_("the notice of {notice} is dated before the objection it answers ({objected})"),
            notice=notice.isoformat(), objected=objected.isoformat(),
        )
    if first is not None and objected is not None and objected > _due(first, ctx).last_day:
        yield ctx.warning(
            pointer("objection", "filed_date"),
            N_("the objection of {objected} was filed after its last day {deadline}: it was "
               "not to be accepted"),
            objected=objected.isoformat(), deadline=_due(first, ctx).last_day.isoformat(),
        )
