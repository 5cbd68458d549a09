"""MIT微笑 regular tracking of certified companies (附件十五): the annual plan
(附錄一) and the regular reports (附錄二).

The plan derives its sample sizes: 工廠抽樣數 = ceil(ratio × eligible) (MIT-R51, AMB-14) and,
per sampled factory, 產品抽樣數 = max(1, ceil(models / 10)) (MIT-R52, AMB-15). MIT-R53 times
the plan; MIT-R55, R58 and R59 check a 附錄二 report (table 1, one per factory). X-09 relates
the plan to the certificates (附件十一) and the regular reports of its case.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from datetime import date
from fractions import Fraction
from typing import Any, TypeGuard

from ..findings import Finding
from ..i18n import N_
from ..labels import choice
from ..pointers import pointer
from . import Case, Context, case_rule, deriver, rule
from .mit_common import A7, A11, as_date, blank, count, last_day_for_act, obj, same_name
from .periods import deadline

PLAN = "mit/annex-15-app-01-annual-tracking-plan"
QMS = "mit/annex-15-app-02a-regular-report-qms"
PRODUCT = "mit/annex-15-app-02b-regular-report-product"

R51_CITATION = "S0 附件十五 二(一)1"
R52_CITATION = "S0 附件十五 二(一)2"
R53_CITATION = "S0 附件十五 三(一)1; 附錄一"
R55_CITATION = "S0 附件十五 三(一)3; 附錄二"
R58_CITATION = "S0 附件十五 五"
R59_CITATION = "S0 附件十五 六, 七, 八, 九"
X09_CITATION = "S0 附件十五 二(一), 三(一)1; 附錄一"

ROC_OFFSET = 1911
ELIGIBLE_MONTHS = 3  # 「獲證滿三個月以上」
PRODUCT_FRACTION = 10  # 「抽樣十分之一」
PLAN_DUE = (1, 31)  # 「於每年一月三十一日前」
ROUNDINGS = ("ceil", "round", "floor")
QMS_ROWS = ("equipment", "materials", "process", "personnel", "testing", "customer")
QMS_ROW_LABELS = {"equipment": "設備管理", "materials": "原物料管理", "process": "製程作業管理",
                  "personnel": "人員管理", "testing": "檢測作業管理", "customer": "顧客關係管理"}
# 附件十五 八: the grounds that hold only after a notice to improve was not followed.
NOT_IMPROVED_GROUNDS = frozenset({
    "qms_not_improved", "quality_not_improved", "mark_rules_not_improved",
    "mark_contract_not_improved",
})


def _rows(value: Any) -> list[dict[str, Any]]:
    return [obj(v) for v in value] if isinstance(value, list) else []


def _iso(day: date | None) -> str:
    return day.isoformat() if day else "-"


def _quarter(value: Any) -> int | None:
    if isinstance(value, str) and value in ("1", "2", "3", "4"):
        return int(value)
    if isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= 4:
        return value
    return None


def _ratio(value: Any) -> Fraction | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    if not 0 <= value <= 100:
        return None
    return Fraction(str(value)) / 100


# -- the arithmetic ---------------------------------------------------------------------------


def factory_sample(eligible: int, ratio: Fraction, rounding: str = "ceil") -> int:
    """MIT-R51: the number of factories to sample, ``ratio × eligible`` rounded (AMB-14).

    >>> factory_sample(37, Fraction(1, 5))
    8
    """
    exact = ratio * eligible
    if rounding == "floor":
        return math.floor(exact)
    if rounding == "round":  # half up, as a clerk rounds 2.5 to 3
        return math.floor(exact + Fraction(1, 2))
    return math.ceil(exact)


def product_sample(models: int) -> int:
    """MIT-R52 (AMB-15): one tenth of a factory's models in production, rounded up, at least
    one; none when nothing is in production (the factory's 未開工 handling applies)."""
    if models <= 0:
        return 0
    return max(1, math.ceil(Fraction(models, PRODUCT_FRACTION)))


def quarter_start(roc_year: int, quarter: int) -> date:
    return date(roc_year + ROC_OFFSET, 3 * quarter - 2, 1)


def three_months_complete(certified: date) -> date:
    """The last day of the first three months of certification (T1): 2024-02-15 → 2024-05-15."""
    return deadline(certified, ELIGIBLE_MONTHS, "month", rollover=False).last_day


def eligible_at(certified: date, start: date) -> bool:
    """MIT-R51 [proposed reference date]: 滿三個月 before the quarter starts."""
    return three_months_complete(certified) < start


def roc_quarter(day: date) -> tuple[int, int]:
    return day.year - ROC_OFFSET, (day.month - 1) // 3 + 1


def _rounding(ctx: Context) -> str:
    rounding = ctx.option("rounding", "ceil", rule="MIT-R51")
    return rounding if rounding in ROUNDINGS else "ceil"


def _pooled(ctx: Context) -> bool:
    return bool(ctx.option("product_sampling", "per_factory", rule="MIT-R52") == "pooled")


def _quarter_companies(rec: dict[str, Any], quarter: int | None) -> list[dict[str, Any]]:
    return [c for c in _rows(obj(rec.get("targets")).get("companies"))
            if _quarter(c.get("quarter")) == quarter]


def _counted(value: Any) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


# -- derived values ---------------------------------------------------------------------------


@deriver(PLAN, owns={"/sampling/quantities/*/factories": "MIT-R51",
                     "/sampling/quantities/*/products": "MIT-R52",
                     "/targets/companies/*/product_samples": "MIT-R52"})
def derive_plan(rec: dict[str, Any], ctx: Context) -> None:
    """工廠抽樣數 and 產品抽樣數 of each quarter, and each listed factory's 產品抽樣數."""
    for company in _rows(obj(rec.get("targets")).get("companies")):
        models = company.get("active_models")
        if _counted(models):
            company["product_samples"] = product_sample(models)
        else:
            company.pop("product_samples", None)
    for row in _rows(obj(rec.get("sampling")).get("quantities")):
        ratio, eligible = _ratio(row.get("ratio_pct")), row.get("eligible")
        if ratio is not None and _counted(eligible):
            row["factories"] = factory_sample(eligible, ratio, _rounding(ctx))
        else:
            row.pop("factories", None)
        products = _quarter_products(rec, row, ctx)
        if products is None:
            row.pop("products", None)
        else:
            row["products"] = products


def _quarter_products(rec: dict[str, Any], row: dict[str, Any], ctx: Context) -> int | None:
    quarter = _quarter(row.get("quarter"))
    listed = [c for c in _quarter_companies(rec, quarter) if _counted(c.get("active_models"))] \
        if quarter else []
    if listed and not _pooled(ctx):
        return sum(product_sample(c["active_models"]) for c in listed)
    total = row.get("active_models")
    return product_sample(total) if _counted(total) else None


# -- MIT-R51: factories sampled ---------------------------------------------------------------


@rule("MIT-R51", forms=PLAN, citation=R51_CITATION,
      needs=N_("the register of certificates and the ratio 本署 approved: the plan's eligible "
               "count and ratio are taken as given"))
def check_factory_sampling(rec: dict[str, Any], ctx: Context) -> Iterator[Finding]:
    """Each quarter lists at least ceil(ratio × eligible) factories, each certified 滿三個月
    before the quarter starts."""
    year = rec.get("year")
    for i, row in enumerate(_rows(obj(rec.get("sampling")).get("quantities"))):
        quarter, needed = _quarter(row.get("quarter")), row.get("factories")
        if quarter is None or not _counted(needed):
            continue
        listed = len(_quarter_companies(rec, quarter))
        if listed < needed:
            yield ctx.error(
                pointer("targets", "companies"),
                N_("quarter {quarter}: {eligible} eligible companies at {ratio}% call for "
                   "{needed} factories; the plan lists {listed}"),
                quarter=quarter, eligible=count(row.get("eligible")),
                ratio=row.get("ratio_pct"), needed=needed, listed=listed,
                expected=needed, actual=listed,
            )
        if i == 0:
            yield ctx.info(
                pointer("sampling", "quantities"),
                N_("the eligible counts and the approved ratio are taken as given; they are "
                   "checked against the certificates only when the case holds them"),
            )
    if not isinstance(year, int) or isinstance(year, bool):
        return
    for i, company in enumerate(_rows(obj(rec.get("targets")).get("companies"))):
        quarter, certified = _quarter(company.get("quarter")), as_date(
            company.get("certified_date"))
        if quarter is None or certified is None:
            continue
        start = quarter_start(year, quarter)
        if not eligible_at(certified, start):
            yield ctx.error(
                pointer("targets", "companies", i, "certified_date"),
                N_("{company} was certified on {certified}: its three months are complete "
                   "only at the end of {complete}, not before quarter {quarter} starts on "
                   "{start}"),
                company=str(company.get("name") or ""), certified=certified.isoformat(),
                complete=three_months_complete(certified).isoformat(), quarter=quarter,
                start=start.isoformat(),
            )


# -- MIT-R52: products sampled ----------------------------------------------------------------


@rule("MIT-R52", forms=PLAN, citation=R52_CITATION)
def check_product_sampling(rec: dict[str, Any], ctx: Context) -> Iterator[Finding]:
    """Each sampled factory has max(1, ceil(models/10)) products listed; a quarter's models
    are the sum of its listed factories'."""
    targets = obj(rec.get("targets"))
    products = _rows(targets.get("products"))
    for i, company in enumerate(_rows(targets.get("companies"))):
        needed = company.get("product_samples")
        if not _counted(needed):
            continue
        listed = sum(1 for p in products
                     if same_name(p.get("company"), company.get("name"))
                     or same_name(p.get("company"), company.get("code")))
        if listed < needed:
            yield ctx.error(
                pointer("targets", "companies", i, "product_samples"),
                N_("{company} has {models} models in production and calls for {needed} "
                   "product samples; the plan lists {listed}"),
                company=str(company.get("name") or ""), models=count(company.get("active_models")),
                needed=needed, listed=listed, expected=needed, actual=listed,
            )
    for i, row in enumerate(_rows(obj(rec.get("sampling")).get("quantities"))):
        quarter, given = _quarter(row.get("quarter")), row.get("active_models")
        rows = [c for c in _quarter_companies(rec, quarter) if _counted(c.get("active_models"))]
        if quarter is None or not rows or not _counted(given):
            continue
        total = sum(c["active_models"] for c in rows)
        if total != given:
            yield ctx.error(
                pointer("sampling", "quantities", i, "active_models"),
                N_("quarter {quarter}: the sampled factories have {total} models in production; "
                   "the table gives {given}"),
                quarter=quarter, total=total, given=given, expected=total, actual=given,
            )


# -- MIT-R53: the plan by 31 January, approved before it is carried out ------------------------


def plan_due(roc_year: int, ctx: Context) -> date:
    """T9 with T10: 1月31日 of the plan year, moved past rest days unless the option is off."""
    return last_day_for_act(date(roc_year + ROC_OFFSET, *PLAN_DUE), ctx).last_day


@rule("MIT-R53", forms=PLAN, citation=R53_CITATION)
def check_plan_timing(rec: dict[str, Any], ctx: Context) -> Iterator[Finding]:
    year = rec.get("year")
    submitted, approved = as_date(rec.get("submitted_date")), as_date(rec.get("approved_date"))
    if isinstance(year, int) and not isinstance(year, bool) and submitted is not None:
        due = plan_due(year, ctx)
        if submitted > due:
            yield ctx.error(
                pointer("submitted_date"),
                N_("the plan for {year} was submitted on {submitted}, after {due}"),
                year=year + ROC_OFFSET, submitted=submitted.isoformat(), due=due.isoformat(),
            )
    if submitted is not None and approved is not None and approved < submitted:
        yield ctx.error(
            pointer("approved_date"),
            N_("the plan is approved on {approved}, before it was submitted on {submitted}"),
            approved=approved.isoformat(), submitted=submitted.isoformat(),
        )
    if approved is None:
        yield ctx.info(
            pointer("approved_date"),
            N_("the plan has no approval date: it may be carried out only once 本署 approves it"),
        )
        return
    if not isinstance(year, int) or isinstance(year, bool):
        return
    for i, row in enumerate(_rows(rec.get("schedule"))):
        for q in range(1, 5):
            month = row.get(f"q{q}")
            if not (isinstance(month, str) and month.isdigit()):
                continue
            planned = date(year + ROC_OFFSET, int(month), 1)
            if (planned.year, planned.month) < (approved.year, approved.month):
                yield ctx.error(
                    pointer("schedule", i, f"q{q}"),
                    N_("{target} is scheduled in {month}, before the plan is approved on "
                       "{approved}"),
                    target=str(row.get("target") or ""),
                    month=f"{planned.year}-{planned.month:02d}", approved=approved.isoformat(),
                )


# -- 附錄二 table 1: derived year and quarter --------------------------------------------------


@deriver(QMS, owns={"/year": "MIT-R55", "/quarter": "MIT-R55"})
def derive_report(rec: dict[str, Any], ctx: Context) -> None:
    """年度 and 季 of the inspection (ROC year), for the plan and the annual summary."""
    day = as_date(rec.get("inspected_at"))
    if day is None:
        rec.pop("year", None)
        rec.pop("quarter", None)
        return
    rec["year"], rec["quarter"] = roc_quarter(day)


# -- MIT-R55: one complete report per factory -------------------------------------------------


@rule("MIT-R55", forms=QMS, citation=R55_CITATION)
def check_report(rec: dict[str, Any], ctx: Context) -> Iterator[Finding]:
    """The report of one factory is complete for the basis ticked: the announced certificate's
    result (valid on the inspection day when 通過), or all six rows of the MIT assessment."""
    basis = rec.get("basis")
    day = as_date(rec.get("inspected_at"))
    cert = obj(rec.get("qms_cert"))
    rows = obj(rec.get("mit_qms"))
    if basis == "announced_cert":
        valid_to = as_date(cert.get("valid_to"))
        if cert.get("result") == "pass" and valid_to is None:
            yield ctx.error(
                pointer("qms_cert", "valid_to"),
                N_("通過 needs the certificate's validity end (證書效期)"),
            )
        elif cert.get("result") == "pass" and valid_to is not None and day is not None \
                and valid_to < day:
            yield ctx.error(
                pointer("qms_cert", "valid_to"),
                N_("the certificate expired on {valid_to}, before the inspection on {day}, yet "
                   "the result is 通過"),
                valid_to=valid_to.isoformat(), day=day.isoformat(),
            )
        if any(obj(rows.get(k)).get("result") for k in QMS_ROWS):
            yield ctx.warning(
                pointer("mit_qms"),
                N_("the basis is the announced certificate, yet the MIT assessment rows are "
                   "filled"),
            )
    elif basis == "mit_assessment":
        for key in QMS_ROWS:
            row = obj(rows.get(key))
            if row.get("result") == "fail" and blank(row.get("note")):
                yield ctx.error(
                    pointer("mit_qms", key, "note"),
                    N_("{item} is 不通過 without an explanation (說明)"),
                    item=QMS_ROW_LABELS[key],
                )
        if cert.get("result"):
            yield ctx.warning(
                pointer("qms_cert"),
                N_("the basis is the MIT assessment, yet the announced certificate's result is "
                   "filled"),
            )


# -- MIT-R58: the on-site inspector holds a valid training certificate ------------------------


@rule("MIT-R58", forms=QMS, citation=R58_CITATION,
      needs=N_("the inspectors' 訓練合格證書, which the report takes as a worksheet input"))
def check_inspectors(rec: dict[str, Any], ctx: Context) -> Iterator[Finding]:
    day = as_date(rec.get("inspected_at"))
    certs = _rows(rec.get("inspector_certs"))
    names = [n for n in rec.get("inspectors") or [] if isinstance(n, str) and n.strip()]
    for i, name in enumerate(names):
        held = [c for c in certs if same_name(c.get("name"), name)]
        if not held:
            yield ctx.info(
                pointer("inspectors", i),
                N_("{name}'s training certificate is not given: whether {name} is a qualified "
                   "factory QMS assessor could not be checked"),
                name=name,
            )
            continue
        if day is None:
            continue
        valid = [c for c in held
                 if (as_date(c.get("valid_from")) or day) <= day <= (as_date(c.get("valid_to"))
                                                                     or day)]
        if not valid:
            c = held[0]
            yield ctx.error(
                pointer("inspectors", i),
                N_("{name}'s training certificate {cert_no} was not valid on the inspection "
                   "day {day} ({start} to {end})"),
                name=name, cert_no=str(c.get("cert_no") or ""), day=day.isoformat(),
                start=_iso(as_date(c.get("valid_from"))), end=_iso(as_date(c.get("valid_to"))),
            )
        elif all(as_date(c.get("valid_to")) is None for c in valid):
            yield ctx.info(
                pointer("inspectors", i),
                N_("{name}'s training certificate gives no validity end: its validity on the "
                   "inspection day could not be checked"),
                name=name,
            )


# -- MIT-R59: deficiencies and their handling ------------------------------------------------


def _failed(rec: dict[str, Any]) -> bool:
    if rec.get("basis") == "announced_cert":
        return bool(obj(rec.get("qms_cert")).get("result") == "fail")
    if rec.get("basis") == "mit_assessment":
        rows = obj(rec.get("mit_qms"))
        return any(obj(rows.get(k)).get("result") == "fail" for k in QMS_ROWS)
    return False


@rule("MIT-R59", forms=QMS, citation=R59_CITATION)
def check_deficiency(rec: dict[str, Any], ctx: Context) -> Iterator[Finding]:
    """A 不通過 is classed 輕微 or 重大; 重大 on a 「經通知改善而未改善」 ground needs the prior
    notice; termination needs the 陳述意見 step first (附件十五 六, 八)."""
    d = obj(rec.get("deficiency"))
    cls, ground = d.get("class"), d.get("ground")
    day = as_date(rec.get("inspected_at"))
    notice = as_date(d.get("improvement_notice_date"))
    statement = as_date(d.get("statement_notice_date"))
    terminated = as_date(d.get("terminated_date"))
    if _failed(rec) and cls is None:
        yield ctx.warning(
            pointer("deficiency", "class"),
            N_("the report records 不通過 but does not class the deficiency as 輕微缺失 or "
               "重大缺失"),
        )
    if cls is not None and not _failed(rec):
        yield ctx.warning(
            pointer("deficiency", "class"),
            N_("a deficiency is classed {cls}, yet no result is 不通過"),
            cls=choice(QMS, pointer("deficiency", "class"), cls),
        )
    if cls == "major_deficiency":
        if ground is None:
            yield ctx.warning(
                pointer("deficiency", "ground"),
                N_("重大缺失 names none of the grounds of 附件十五 八"),
            )
        elif ground in NOT_IMPROVED_GROUNDS and notice is None:
            yield ctx.error(
                pointer("deficiency", "improvement_notice_date"),
                N_("重大缺失 on the ground {ground} needs a prior notice to improve; none is "
                   "recorded"),
                ground=choice(QMS, pointer("deficiency", "ground"), ground),
            )
    elif cls == "minor_deficiency" and notice is None:
        yield ctx.info(
            pointer("deficiency", "improvement_notice_date"),
            N_("輕微缺失: the certification body notifies the company to improve; no notice "
               "date is recorded yet"),
        )
    if day is not None and notice is not None and notice < day:
        yield ctx.error(
            pointer("deficiency", "improvement_notice_date"),
            N_("the notice to improve is dated {notice}, before the inspection on {day}"),
            notice=notice.isoformat(), day=day.isoformat(),
        )
    if terminated is None:
        return
    if cls != "major_deficiency":
        yield ctx.error(
            pointer("deficiency", "terminated_date"),
            N_("the mark right is terminated on {terminated}, but the deficiency is not classed "
               "重大缺失"),
            terminated=terminated.isoformat(),
        )
    if statement is None:
        yield ctx.error(
            pointer("deficiency", "statement_notice_date"),
            N_("the mark right is terminated on {terminated} without a recorded notice to "
               "state an opinion (陳述意見)"),
            terminated=terminated.isoformat(),
        )
    elif statement > terminated:
        yield ctx.error(
            pointer("deficiency", "statement_notice_date"),
            N_("the notice to state an opinion ({statement}) comes after the termination on "
               "{terminated}"),
            statement=statement.isoformat(), terminated=terminated.isoformat(),
        )


# -- the plan ↔ certificates ↔ regular reports ------------------------------------------


def _plan_company(plan: dict[str, Any], name: Any, code: Any) -> dict[str, Any] | None:
    for company in _rows(obj(plan.get("targets")).get("companies")):
        if (not blank(code) and same_name(company.get("code"), code)) or same_name(
                company.get("name"), name):
            return company
    return None


def _scheduled_quarters(plan: dict[str, Any], company: dict[str, Any]) -> set[int]:
    quarters = set()
    q = _quarter(company.get("quarter"))
    if q:
        quarters.add(q)
    for row in _rows(plan.get("schedule")):
        if same_name(row.get("target"), company.get("name")) or same_name(row.get("target"),
                                                                   company.get("code")):
            quarters |= {n for n in range(1, 5) if row.get(f"q{n}")}
    return quarters


@case_rule("X-09", forms=(PLAN, QMS, A11), citation=X09_CITATION)
def check_plan_case(case: Case, ctx: Context) -> Iterator[Finding]:
    """The regular reports follow the approved plan (company, quarter, inspectors, not before
    核定), and each planned company holds a certificate valid and 滿三個月 at the quarter's
    start that lists its planned products (when the certificates are in the case)."""
    for plan_doc in case.all(PLAN):
        plan = plan_doc.data
        year = plan.get("year")
        if not isinstance(year, int) or isinstance(year, bool):
            continue
        yield from _reports_vs_plan(case, plan, year, ctx)
        yield from _plan_vs_certificates(case, plan, year, ctx)


def _reports_vs_plan(case: Case, plan: dict[str, Any], year: int,
                     ctx: Context) -> Iterator[Finding]:
    approved = as_date(plan.get("approved_date"))
    planned_inspectors = [obj(p).get("name") for p in _rows(plan.get("inspectors"))]
    for doc in case.all(QMS):
        rep = doc.data
        day = as_date(rep.get("inspected_at"))
        if day is None or roc_quarter(day)[0] != year:
            continue
        if approved is not None and day < approved:
            yield ctx.error(
                pointer("inspected_at"),
                N_("{company} was inspected on {day}, before the annual plan was approved on "
                   "{approved}"),
                company=str(rep.get("company") or ""), day=day.isoformat(),
                approved=approved.isoformat(), form=QMS,
            )
        company = _plan_company(plan, rep.get("company"), rep.get("company_code"))
        if company is None:
            yield ctx.warning(
                pointer("company"),
                N_("{company} is not among the companies of the annual plan for {year}"),
                company=str(rep.get("company") or ""), year=year + ROC_OFFSET, form=QMS,
            )
        else:
            quarter = roc_quarter(day)[1]
            scheduled = _scheduled_quarters(plan, company)
            if scheduled and quarter not in scheduled:
                yield ctx.warning(
                    pointer("inspected_at"),
                    N_("{company} was inspected in quarter {quarter}; the plan schedules it in "
                       "quarter {scheduled}"),
                    company=str(rep.get("company") or ""), quarter=quarter,
                    scheduled="、".join(str(q) for q in sorted(scheduled)), form=QMS,
                )
        for i, name in enumerate(rep.get("inspectors") or []):
            if planned_inspectors and not any(same_name(name, p) for p in planned_inspectors):
                yield ctx.warning(
                    pointer("inspectors", i),
                    N_("{name} is not among the inspectors of the annual plan"),
                    name=str(name), form=QMS,
                )


def _certificate_of(case: Case, company: dict[str, Any]) -> dict[str, Any] | None:
    for doc in case.all(A11):
        holder = obj(doc.data.get("holder"))
        if same_name(holder.get("name"), company.get("name")):
            return doc.data
    return None


def _plan_vs_certificates(case: Case, plan: dict[str, Any], year: int,
                          ctx: Context) -> Iterator[Finding]:
    if not case.all(A11):
        return
    products = _rows(obj(plan.get("targets")).get("products"))
    for i, company in enumerate(_rows(obj(plan.get("targets")).get("companies"))):
        cert = _certificate_of(case, company)
        quarter = _quarter(company.get("quarter"))
        name = str(company.get("name") or "")
        if cert is None:
            yield ctx.info(
                pointer("targets", "companies", i),
                N_("no certificate of {company} is in the case: its validity was not checked"),
                company=name, form=PLAN,
            )
            continue
        issued, valid_to = as_date(cert.get("issue_date")), as_date(cert.get("valid_to"))
        if quarter is not None and issued is not None:
            start = quarter_start(year, quarter)
            if valid_to is not None and not issued <= start <= valid_to:
                yield ctx.error(
                    pointer("targets", "companies", i),
                    N_("{company}'s certificate {cert_no} ({issued} to {valid_to}) is not valid "
                       "when quarter {quarter} starts on {start}"),
                    company=name, cert_no=str(cert.get("cert_no") or ""),
                    issued=issued.isoformat(), valid_to=valid_to.isoformat(), quarter=quarter,
                    start=start.isoformat(), form=PLAN,
                )
            elif not eligible_at(issued, start):
                yield ctx.error(
                    pointer("targets", "companies", i),
                    N_("{company} was certified on {issued}, less than three months before "
                       "quarter {quarter} starts on {start}"),
                    company=name, issued=issued.isoformat(), quarter=quarter,
                    start=start.isoformat(), form=PLAN,
                )
        codes = [obj(p).get("code") for p in _rows(cert.get("products"))]
        for j, product in enumerate(products):
            if not same_name(product.get("company"), company.get("name")):
                continue
            if not any(same_name(product.get("code"), c) for c in codes):
                yield ctx.error(
                    pointer("targets", "products", j, "code"),
                    N_("product {code} is not on {company}'s certificate {cert_no}"),
                    code=str(product.get("code") or ""), company=name,
                    cert_no=str(cert.get("cert_no") or ""), form=PLAN,
                )


# -- X-04, tracking side: 附件七 「屬獲證業者年度追蹤管理」 ↔ the annual plan --------------------


def tracking_linkage(case: Case, ctx: Context) -> Iterator[Finding]:
    """Called by X-04 (mit_application): a tracking 附件七 names a company of that year's plan,
    assessed in a quarter the plan schedules for it. Without a plan of that year in the case
    nothing is checked."""
    plans = case.all(PLAN)
    if not plans:
        return
    for doc in case.all(A7):
        summary = obj(doc.data.get("summary"))
        if summary.get("case_type") != "tracking":
            continue
        yq = obj(summary.get("year_quarter"))
        year, quarter = yq.get("year"), _quarter(yq.get("quarter"))
        plan = next((p.data for p in plans if p.data.get("year") == year), None)
        if plan is None or quarter is None:
            continue
        company = _plan_company(plan, doc.data.get("company"), None)
        if company is None:
            yield ctx.error(
                pointer("company"),
                N_("附件七 is a tracking case of {year}/Q{quarter}, but {company} is not among the "
                   "companies of that year's annual tracking plan"),
                year=year, quarter=quarter, company=str(doc.data.get("company") or ""), form=A7,
            )
            continue
        scheduled = _scheduled_quarters(plan, company)
        if scheduled and quarter not in scheduled:
            yield ctx.warning(
                pointer("summary", "year_quarter"),
                N_("附件七 is a tracking case of {year}/Q{quarter}; the plan schedules {company} "
                   "in quarter {scheduled}"),
                year=year, quarter=quarter, company=str(doc.data.get("company") or ""),
                scheduled="、".join(str(q) for q in sorted(scheduled)), form=A7,
            )
