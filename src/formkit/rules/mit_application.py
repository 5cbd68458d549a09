"""驗證申請書與授權使用契約.

Rules of this family register here; `rules/mit.py` imports the module.

The application (``mit/cert-application``, A.1.6) carries what the applicant declares (要點22,
23, 24, 27②, 34) and, in blocks of their own, what the 驗證機構 records on it: the 原產地認定
result (MIT-R08, an input: the origin criteria are external), its decision, its test results
and the sample-return record (MIT-R11). Bans from a prior 撤銷/廢止 (MIT-R37–R39) are computed
from the sanctions the applicant declares. The license agreement (``mit/license-agreement``,
A.1.15) derives its scope from the licensee type (MIT-R65) and checks terminations (MIT-R66).
The cross-document rules X-04, X-05, X-08 and X-19 relate these to 附件七 and the certificate.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

from ..findings import Finding
from ..i18n import N_, phrase
from ..labels import choice, name_of
from ..pointers import pointer
from . import Case, CaseDoc, Context, case_rule, deriver, rule
from .mit_common import A7, A11, APPLICATION, as_date, assessment_date, blank, obj
from .mit_tracking import PLAN as TRACKING_PLAN
from .mit_tracking import tracking_linkage
from .periods import add_months, deadline, renewal_window, validity_end, within_lookback

APP = APPLICATION
LICENSE = "mit/license-agreement"
SUMMARY = "mit/cert-result-summary-report"  # A.1.18 (rules/mit_records.py)

_VALIDITY_YEARS = 3  # 要點34 「使用期間為三年」; 「展延期限為三年」
_WINDOW_MONTHS = 2  # 要點34 「屆滿前二個月起」
_QMS_MONTHS = 36  # 要點27② 「未逾三年」
_PRODUCT_COLUMNS = ("spec", "hs_code", "key_materials")
_FILE_COLUMNS = ("bom", "process", "photo", "other")


def _rows(value: Any) -> list[dict[str, Any]]:
    return [obj(v) for v in value] if isinstance(value, list) else []


def _iso(day: date | None) -> str:
    return day.isoformat() if day else "-"


def _ban_end(day: date, years: int) -> date:
    """「自…之次日起N年內」: T1 from the day after, never rolled over (a ban end)."""
    return deadline(day, years, "year", rollover=False).last_day


# -- derived values -----------------------------------------------------------------------


def _renewal_end(rec: dict[str, Any], ctx: Context) -> date | None:
    renewal = obj(rec.get("renewal"))
    old_end = as_date(renewal.get("valid_to"))
    if rec.get("kind") != "renewal" or old_end is None:
        return None
    if ctx.option("extension_start", "continuous", rule="MIT-R34") == "approval":
        review = obj(rec.get("review"))
        approved = as_date(review.get("date"))
        if review.get("decision") != "approve" or approved is None:
            return None
        return validity_end(approved, _VALIDITY_YEARS, "year")
    # AMB-12 continuous: the new period starts the day after the old end (T1 counting).
    return deadline(old_end, _VALIDITY_YEARS, "year", rollover=False).last_day


def _collection_deadline(notice: date, ctx: Context) -> date:
    """要點24② 「自通知日起一個月」: T3 (AMB-04), moved past rest days (T10)."""
    include = ctx.option("reading", "exclude_start", rule="MIT-R11") == "include_start"
    rollover = bool(ctx.option("rest_day_rollover", True))
    return deadline(notice, 1, "month", include_start=include, rollover=rollover).last_day


@deriver(APP, owns={"/renewal/new_valid_to": "MIT-R34", "/sample_return/deadline": "MIT-R11"})
def derive_application(rec: dict[str, Any], ctx: Context) -> None:
    """Fill 展延後有效期限 (AMB-12) and the sample collection deadline (要點24②)."""
    renewal = rec.get("renewal")
    if isinstance(renewal, dict):
        end = _renewal_end(rec, ctx)
        if end is None:
            renewal.pop("new_valid_to", None)
        else:
            renewal["new_valid_to"] = end.isoformat()
    ret = rec.get("sample_return")
    if isinstance(ret, dict):
        notice = as_date(ret.get("notice_date"))
        if notice is None:
            ret.pop("deadline", None)
        else:
            ret["deadline"] = _collection_deadline(notice, ctx).isoformat()


# -- MIT-R01 ------------------------------------------------------------------------------


@rule("MIT-R01", forms=APP, citation="S0 要點4 (一)–(三); 要點16; 要點21; 要點33")
def check_eligibility_category(rec: dict[str, Any], ctx: Context) -> Iterator[Finding]:
    """Only manufactured or processed products; 第一類 only for announced industries; 第三類
    only for announced product items (要點21). The lists are options: unset, not checked."""
    if rec.get("is_manufactured_or_processed") is False:
        yield ctx.error(
            pointer("is_manufactured_or_processed"),
            N_("only products that are manufactured or processed (製造或加工之產品) may apply"),
        )
    category, industry = rec.get("category"), rec.get("industry")
    if category not in ("cat1", "cat3") or not isinstance(industry, str):
        return
    option = "cat1_industries" if category == "cat1" else "cat3_industries"
    listed = ctx.option(option, None, rule="MIT-R01")
    shown = choice(APP, "/category", category)
    if not isinstance(listed, list | tuple):
        yield ctx.info(
            pointer("industry"),
            N_(
                "the announced list for category {category} is not configured; industry "
                "{industry} was not checked against it"
            ),
            category=shown,
            industry=industry,
        )
    elif industry.strip() not in {str(x).strip() for x in listed}:
        report = ctx.error if category == "cat1" else ctx.warning
        yield report(
            pointer("industry"),
            N_(
                "industry {industry} is not on the announced list for category {category}; "
                "its product items and criteria must first be announced"
            ),
            industry=industry,
            category=shown,
        )


# -- MIT-R08 ------------------------------------------------------------------------------


@rule("MIT-R08", forms=APP, citation="S0 要點16–17, 27①; 附件六")
def check_origin(rec: dict[str, Any], ctx: Context) -> Iterator[Finding]:
    """The 原產地認定 is external (原產地證明書及加工證明書管理辦法 and the announced 特殊條件):
    its result is an input. An application may pass only with 符合."""
    origin = obj(rec.get("origin"))
    decision = obj(rec.get("review")).get("decision")
    if origin.get("result") == "nonconform" and decision == "approve":
        yield ctx.error(
            pointer("review", "decision"),
            N_("the origin determination is 不符合, yet the application is approved; it must be "
               "rejected"),
            expected="reject",
            actual="approve",
        )
    elif not origin and decision == "approve":
        yield ctx.error(
            pointer("origin"),
            N_("the application is approved without an origin determination"),
        )
    if origin.get("result") == "conform":
        yield ctx.info(
            pointer("origin", "result"),
            N_("the origin criteria are external rules; the recorded result 符合 was taken as "
               "given and not checked"),
        )


# -- MIT-R09 ------------------------------------------------------------------------------


@rule("MIT-R09", forms=APP, citation="S0 要點22")
def check_applicant(rec: dict[str, Any], ctx: Context) -> Iterator[Finding]:
    """依法登記之獨資、合夥事業或公司; 聯合製造者 apply through a mandated member."""
    applicant = obj(rec.get("applicant"))
    if applicant.get("org_form") == "other":
        yield ctx.error(
            pointer("applicant", "org_form"),
            N_(
                "the applicant ({org}) must be a sole proprietorship, partnership or company "
                "registered by law"
            ),
            org=applicant.get("org_form_other") or choice(APP, "/applicant/org_form", "other"),
        )
    if applicant.get("maker_role") == "joint" and not obj(rec.get("joint_mandate")):
        yield ctx.error(
            pointer("joint_mandate"),
            N_("a joint manufacturer applies through one member mandated by the others: attach "
               "the mandate"),
        )


# -- MIT-R10 ------------------------------------------------------------------------------


@rule("MIT-R10", forms=APP, citation="S0 要點23①②; 要點31①; 附件六")
def check_attachments(rec: dict[str, Any], ctx: Context) -> Iterator[Finding]:
    """Every mandatory item of 要點23①, the conditional proofs of 要點23②, valid on the
    application date; for 第三類 the 規費 proof before issuance."""
    applied = as_date(rec.get("application_date"))
    files = {f.get("model"): (j, f) for j, f in enumerate(_rows(rec.get("product_files")))}
    for i, product in enumerate(_rows(rec.get("products"))):
        model = str(product.get("model") or "-")
        for key in _PRODUCT_COLUMNS:
            if blank(product.get(key)):
                yield ctx.error(
                    pointer("products", i, key),
                    N_("product {n} ({model}): {field} is missing"),
                    n=i + 1,
                    model=model,
                    field=name_of(APP, pointer("products", i, key)),
                )
        if product.get("model") not in files:
            yield ctx.error(
                pointer("product_files"),
                N_("product {n} ({model}): its bill of materials, process, photos and other "
                   "information are not attached"),
                n=i + 1,
                model=model,
            )
            continue
        j, row = files[product.get("model")]
        for key in _FILE_COLUMNS:
            if blank(row.get(key)):
                yield ctx.error(
                    pointer("product_files", j, key),
                    N_("product {n} ({model}): {field} is missing"),
                    n=i + 1,
                    model=model,
                    field=name_of(APP, pointer("product_files", j, key)),
                )
    if not obj(rec.get("labelling")):
        yield ctx.error(pointer("labelling"), N_("the products' labelling is not attached"))
    role = obj(rec.get("applicant")).get("maker_role")
    if role in ("joint", "brand") and not obj(rec.get("co_maker_evidence")):
        yield ctx.error(
            pointer("co_maker_evidence"),
            N_("a {role} must attach the evidence provided by its co-manufacturers"),
            role=choice(APP, "/applicant/maker_role", role),
        )
    qms = obj(rec.get("qms_cert"))
    if rec.get("qms_exemption") == "recognized_cert" or qms:
        if not obj(qms.get("attachment")):
            yield ctx.error(
                pointer("qms_cert", "attachment"),
                N_("the QMS certificate relied on is not attached"),
            )
        valid_to = as_date(qms.get("valid_to"))
        if valid_to is not None and applied is not None and valid_to < applied:
            yield ctx.error(
                pointer("qms_cert", "valid_to"),
                N_("the QMS certificate expired on {valid_to}, before the application date "
                   "{applied}: it is not a valid proof"),
                valid_to=valid_to.isoformat(),
                applied=applied.isoformat(),
            )
    for i, proof in enumerate(_rows(rec.get("test_evidence"))):
        valid_to = as_date(proof.get("valid_to"))
        if valid_to is not None and applied is not None and valid_to < applied:
            yield ctx.error(
                pointer("test_evidence", i, "valid_to"),
                N_("proof {n} ({number}) expired on {valid_to}, before the application date "
                   "{applied}: it is not a valid proof"),
                n=i + 1,
                number=str(proof.get("report_no") or "-"),
                valid_to=valid_to.isoformat(),
                applied=applied.isoformat(),
            )
    if rec.get("category") == "cat3" and not obj(rec.get("fee_receipt")):
        yield ctx.info(
            pointer("fee_receipt"),
            N_("category 3: the fee receipt must be provided before the certificate is issued"),
        )


# -- MIT-R11 ------------------------------------------------------------------------------


@rule("MIT-R11", forms=APP, citation="S0 要點24①②")
def check_sample_return(rec: dict[str, Any], ctx: Context) -> Iterator[Finding]:
    """Uncollected samples are disposed of only after the month to collect them, with photos,
    a record and a notice of the result."""
    ret = obj(rec.get("sample_return"))
    disposed = as_date(ret.get("disposal_date"))
    last = as_date(ret.get("deadline"))
    if disposed is None:
        return
    if ret.get("returned_date") is None and last is not None and disposed <= last:
        yield ctx.error(
            pointer("sample_return", "disposal_date"),
            N_("the samples were disposed of on {disposed}, before the collection period ended "
               "on {deadline}"),
            disposed=disposed.isoformat(),
            deadline=last.isoformat(),
        )
    if ret.get("photos") is not True:
        yield ctx.error(
            pointer("sample_return", "photos"),
            N_("the disposal of the samples must be photographed and recorded"),
        )
    notice = as_date(ret.get("result_notice_date"))
    if notice is None:
        yield ctx.error(
            pointer("sample_return", "result_notice_date"),
            N_("the applicant must be notified of the result of the disposal"),
        )
    elif notice < disposed:
        yield ctx.error(
            pointer("sample_return", "result_notice_date"),
            N_("the result was notified on {notice}, before the disposal on {disposed}"),
            notice=notice.isoformat(),
            disposed=disposed.isoformat(),
        )


# -- MIT-R12 / MIT-R13 --------------------------------------------------------------------


def _qms_reference(rec: dict[str, Any], ctx: Context, rule_id: str) -> tuple[date | None, bool]:
    """AMB-07: the assessment date (default) or the application date; the flag says the
    application date stands in for an assessment date not yet recorded."""
    applied = as_date(rec.get("application_date"))
    if ctx.option("reference", "assessment", rule=rule_id) == "application":
        return applied, False
    assessed = as_date(obj(rec.get("review")).get("qms_assessment_date"))
    return (assessed, False) if assessed else (applied, True)


@rule("MIT-R12", forms=APP, citation="S0 要點27②; 附件七 一.3; 附件八 一.3")
def check_prior_pass(rec: dict[str, Any], ctx: Context) -> Iterator[Finding]:
    """The exemption for a QMS assessment passed 「未逾三年」 before: T1(prior, 36 months) ≥
    the reference date (AMB-07)."""
    if rec.get("qms_exemption") != "prior_pass":
        return
    prior = as_date(rec.get("prior_qms_pass_date"))
    if prior is None:
        yield ctx.error(
            pointer("prior_qms_pass_date"),
            N_("the exemption for a prior QMS pass needs the date it passed"),
        )
        return
    ref, proxy = _qms_reference(rec, ctx, "MIT-R12")
    if ref is None:
        return
    if not within_lookback(prior, ref, _QMS_MONTHS, "month"):
        yield ctx.error(
            pointer("qms_exemption"),
            N_("the prior QMS pass on {prior} is more than three years before {ref}; the "
               "exemption does not apply"),
            prior=prior.isoformat(),
            ref=ref.isoformat(),
        )
    elif proxy:
        yield ctx.info(
            pointer("prior_qms_pass_date"),
            N_("no assessment date yet: the prior QMS pass on {prior} was checked against the "
               "application date {ref}; it covers assessments through {last}"),
            prior=prior.isoformat(),
            ref=ref.isoformat(),
            last=deadline(prior, _QMS_MONTHS, "month", rollover=False).last_day.isoformat(),
        )


@rule("MIT-R13", forms=APP, citation="S0 要點19②; 要點23②(二); 附件七 一.2; 附件八 一.2, 一.4")
def check_recognized_cert(rec: dict[str, Any], ctx: Context) -> Iterator[Finding]:
    """A recognized QMS certification counts as meeting the QMS criteria: standard, number and
    validity given, the standard on the announced list, valid on the assessment date."""
    if rec.get("qms_exemption") != "recognized_cert":
        return
    qms = obj(rec.get("qms_cert"))
    for key in ("standard", "cert_no", "valid_to"):
        if blank(qms.get(key)):
            yield ctx.error(
                pointer("qms_cert", key),
                N_("the recognized QMS certification needs {field}"),
                field=name_of(APP, pointer("qms_cert", key)),
            )
    standard = qms.get("standard")
    listed = ctx.option("recognized_qms_standards", None, rule="MIT-R13")
    if isinstance(standard, str) and standard.strip():
        if not isinstance(listed, list | tuple):
            yield ctx.info(
                pointer("qms_cert", "standard"),
                N_("the list of recognized QMS certifications is not configured (option "
                   "recognized_qms_standards); {standard} was not checked against it"),
                standard=standard,
            )
        elif standard.strip() not in {str(x).strip() for x in listed}:
            yield ctx.error(
                pointer("qms_cert", "standard"),
                N_("{standard} is not on the announced list of recognized QMS certifications"),
                standard=standard,
            )
    valid_to = as_date(qms.get("valid_to"))
    ref, proxy = _qms_reference(rec, ctx, "MIT-R13")
    if valid_to is not None and ref is not None and not proxy and valid_to < ref:
        yield ctx.error(
            pointer("qms_cert", "valid_to"),
            N_("the QMS certificate expired on {valid_to}, before the assessment date {ref}"),
            valid_to=valid_to.isoformat(),
            ref=ref.isoformat(),
        )


# -- MIT-R31 / MIT-R34 --------------------------------------------------------------------


@rule("MIT-R31", forms=APP, citation="S0 要點31②")
def check_material_change(rec: dict[str, Any], ctx: Context) -> Iterator[Finding]:
    """A change of process, materials or formula that changes function or specification needs
    a new application, not a 展延."""
    if rec.get("kind") == "renewal" and obj(rec.get("renewal")).get("function_or_spec_changed"):
        yield ctx.error(
            pointer("renewal", "function_or_spec_changed"),
            N_("the function or specification changed: a new certification application is "
               "required, not a renewal"),
        )


def window(valid_to: date, ctx: Context, rule_id: str = "MIT-R34") -> tuple[date, date]:
    """T5 (AMB-05): the last two whole months of validity, or from the same day."""
    if ctx.option("window_rule", "last_n_months", rule=rule_id) == "same_day":
        return add_months(valid_to, -_WINDOW_MONTHS), valid_to
    return renewal_window(valid_to, _WINDOW_MONTHS)


def window_findings(
    applied: date, valid_to: date, path: str, ctx: Context, rule_id: str, **kw: Any
) -> Iterator[Finding]:
    start, end = window(valid_to, ctx, rule_id)
    if applied < start:
        yield ctx.error(
            path,
            N_("the renewal was applied for on {applied}, before the window opens on {start} "
               "(validity ends {end})"),
            applied=applied.isoformat(),
            start=start.isoformat(),
            end=end.isoformat(),
            **kw,
        )
    elif applied > end:
        yield ctx.error(
            path,
            N_("the renewal was applied for on {applied}, after the validity ended on {end}; "
               "an expired mark needs a new application"),
            applied=applied.isoformat(),
            end=end.isoformat(),
            **kw,
        )


@rule("MIT-R34", forms=APP, citation="S0 要點34")
def check_renewal(rec: dict[str, Any], ctx: Context) -> Iterator[Finding]:
    """展延 is applied for from two months before the validity ends (T5, AMB-05); the
    extended validity is derived (AMB-12)."""
    if rec.get("kind") != "renewal":
        return
    renewal = obj(rec.get("renewal"))
    valid_to = as_date(renewal.get("valid_to"))
    if blank(renewal.get("cert_no")) or valid_to is None:
        yield ctx.error(
            pointer("renewal"),
            N_("a renewal application needs the original certificate's number and validity"),
        )
        return
    applied = as_date(rec.get("application_date"))
    if applied is not None:
        yield from window_findings(applied, valid_to, pointer("application_date"), ctx,
                                   "MIT-R34")


# -- MIT-R37 / R38 / R39: bans ------------------------------------------------------------


def sanction_ban(row: dict[str, Any]) -> tuple[str, date | None]:
    """The rule a declared sanction falls under and the last day of its ban (None: no ban)."""
    day = as_date(row.get("date"))
    kind = row.get("kind")
    if kind == "revoked":
        return "MIT-R37", _ban_end(day, 3) if day else None
    if kind == "abolished":
        return "MIT-R38", _ban_end(day, 1) if day and row.get("ground") in (5, 6) else None
    if kind == "abolished_after_order":
        return "MIT-R39", _ban_end(day, 1) if day else None
    return "", None


def _ban_findings(rec: dict[str, Any], ctx: Context, rule_id: str) -> Iterator[Finding]:
    applied = as_date(rec.get("application_date"))
    for i, row in enumerate(_rows(rec.get("prior_sanctions"))):
        owner, ban_end = sanction_ban(row)
        if owner != rule_id:
            continue
        if rule_id == "MIT-R38" and row.get("ground") is None:
            yield ctx.warning(
                pointer("prior_sanctions", i, "ground"),
                N_("sanction {n}: the ground of the abolition is not given; whether a ban "
                   "applies cannot be told"),
                n=i + 1,
            )
        if rule_id == "MIT-R39":
            yield from _order_findings(i, row, ctx)
        if ban_end is None or applied is None:
            continue
        if applied <= ban_end:
            yield ctx.error(
                pointer("application_date"),
                N_("sanction {n} of {day} bars a new application through {ban_end}; the "
                   "application of {applied} is too early"),
                n=i + 1,
                day=_iso(as_date(row.get("date"))),
                ban_end=ban_end.isoformat(),
                applied=applied.isoformat(),
            )
        else:
            yield ctx.info(
                pointer("prior_sanctions", i),
                N_("sanction {n} of {day}: the ban ended on {ban_end}"),
                n=i + 1,
                day=_iso(as_date(row.get("date"))),
                ban_end=ban_end.isoformat(),
            )


def _order_findings(i: int, row: dict[str, Any], ctx: Context) -> Iterator[Finding]:
    """要點43: 廢止 only after an improvement order whose deadline passed unimproved."""
    order = as_date(row.get("order_date"))
    limit = as_date(row.get("order_deadline"))
    day = as_date(row.get("date"))
    if order is None or limit is None:
        yield ctx.error(
            pointer("prior_sanctions", i, "order_date" if order is None else "order_deadline"),
            N_("sanction {n}: an abolition under 要點43 needs a prior improvement order and "
               "its deadline"),
            n=i + 1,
        )
    elif day is not None and day <= limit:
        yield ctx.error(
            pointer("prior_sanctions", i, "date"),
            N_("sanction {n}: abolished on {day}, not after the improvement deadline {limit}"),
            n=i + 1,
            day=day.isoformat(),
            limit=limit.isoformat(),
        )


@rule("MIT-R37", forms=APP, citation="S0 要點41")
def check_revocation_ban(rec: dict[str, Any], ctx: Context) -> Iterator[Finding]:
    """撤銷 bars a new application 「自撤銷之次日起三年內」."""
    yield from _ban_findings(rec, ctx, "MIT-R37")


@rule("MIT-R38", forms=APP, citation="S0 要點42①②")
def check_abolition_ban(rec: dict[str, Any], ctx: Context) -> Iterator[Finding]:
    """廢止 under 要點42①(五)(六) bars a new application 「自廢止之次日起一年內」."""
    yield from _ban_findings(rec, ctx, "MIT-R38")


@rule("MIT-R39", forms=APP, citation="S0 要點43①–③")
def check_order_then_abolition(rec: dict[str, Any], ctx: Context) -> Iterator[Finding]:
    """廢止 under 要點43 follows an unheeded improvement order and bars one year."""
    yield from _ban_findings(rec, ctx, "MIT-R39")


# -- MIT-R71 ------------------------------------------------------------------------------

_CRITERIA = ("safety", "function", "labelling")


@rule("MIT-R71", forms=APP, citation="S0 要點20②; 要點23②(三); 附件六 註")
def check_test_adoption(rec: dict[str, Any], ctx: Context) -> Iterator[Finding]:
    """An adopted result must say which criteria it covers; the criteria of the product it does
    not cover are still tested (option ``required_criteria``)."""
    proofs = _rows(rec.get("test_evidence"))
    if not proofs:
        return
    covered: set[str] = set()
    for i, proof in enumerate(proofs):
        criterion = proof.get("criterion")
        if criterion is None:
            yield ctx.error(
                pointer("test_evidence", i, "criterion"),
                N_("proof {n} ({number}) does not say which criteria it is adopted for; a "
                   "result is adopted only for the criteria it covers"),
                n=i + 1,
                number=str(proof.get("report_no") or "-"),
            )
        else:
            covered.add(criterion)
    required = ctx.option("required_criteria", None, rule="MIT-R71")
    if not isinstance(required, list | tuple):
        yield ctx.info(
            pointer("test_evidence"),
            N_("the product's criteria are not configured (option required_criteria); "
               "whether the adopted results cover them was not checked"),
        )
        return
    for criterion in required:
        if criterion in _CRITERIA and criterion not in covered:
            yield ctx.info(
                pointer("test_evidence"),
                N_("no adopted result covers the {criterion} criteria: they are still tested"),
                criterion=choice(APP, "/test_evidence/0/criterion", criterion),
            )


# -- cross-document rules -----------------------------------------------------------------


def _application_for(case: Case, cert: dict[str, Any]) -> CaseDoc | None:
    """The application a certificate answers: same 統一編號, else the first in the case."""
    apps = [d for d in case.all(APP) if d.data.get("kind") != "renewal"] or case.all(APP)
    tax_id = obj(cert.get("holder")).get("tax_id")
    for doc in apps:
        if tax_id and obj(doc.data.get("applicant")).get("tax_id") == tax_id:
            return doc
    return apps[0] if apps else None


@case_rule("X-04", forms=(A7, APP, TRACKING_PLAN),
           citation="S0 附件七 本次評核案件; 要點23, 27; 附件十五 附錄一")
def check_case_linkage(case: Case, ctx: Context) -> Iterator[Finding]:
    """附件七 「屬驗證申請案」 quotes the 案件編號 of an application in the case; 「屬獲證業者年度
    追蹤管理」 names a company of that year's annual tracking plan (附件十五 附錄一), in a quarter
    the plan schedules for it."""
    yield from tracking_linkage(case, ctx)
    apps = case.all(APP)
    if not apps:
        return
    numbers = {d.data.get("case_no") for d in apps if not blank(d.data.get("case_no"))}
    for doc in case.all(A7):
        summary = obj(doc.data.get("summary"))
        if summary.get("case_type") != "application":
            continue
        case_no = summary.get("case_no")
        if blank(case_no):
            yield ctx.warning(
                pointer("summary", "case_no"),
                N_("附件七 is an application case but gives no case number"),
                form=A7,
            )
        elif case_no not in numbers:
            yield ctx.error(
                pointer("summary", "case_no"),
                N_("附件七's case number {case_no} matches no application in the case "
                   "({numbers})"),
                case_no=case_no,
                numbers="、".join(sorted(str(n) for n in numbers)) or "-",
                expected=next(iter(numbers)) if len(numbers) == 1 else None,
                actual=case_no,
                form=A7,
            )


def _after(ctx: Context, path: str, form: str, what: str, day: date | None,
           issued: date) -> Iterator[Finding]:
    if day is not None and day > issued:
        yield ctx.error(
            path,
            N_("the certificate was issued on {issued}, before {what} on {day}"),
            issued=issued.isoformat(),
            what=what,
            day=day.isoformat(),
            form=form,
        )


def _a7_for(case: Case, app: dict[str, Any]) -> CaseDoc | None:
    docs = case.all(A7)
    for doc in docs:
        if obj(doc.data.get("summary")).get("case_no") == app.get("case_no"):
            return doc
    return docs[0] if docs else None


def _qms_findings(case: Case, app: dict[str, Any], issued: date,
                  ctx: Context) -> Iterator[Finding]:
    a7 = _a7_for(case, app)
    if a7 is None:
        if app.get("qms_exemption") in (None, "none"):
            yield ctx.warning(
                "",
                N_("the case holds neither 附件七 nor a claimed QMS exemption"),
                form=A11,
            )
        return
    summary = obj(a7.data.get("summary"))
    result = summary.get("result") or summary.get("verdict")
    if result != "pass":
        yield ctx.error(
            pointer("summary", "result"),
            N_("the certificate was issued though 附件七's result is {result}"),
            result=choice(A7, "/summary/result", result or "-"),
            form=A7,
        )
        return
    closed = as_date(summary.get("cap_submitted_date")) if summary.get(
        "verdict") == "corrective_plan" else assessment_date(a7.data)
    yield from _after(ctx, pointer("issue_date"), A11, phrase(N_("the QMS assessment passed")),
                      closed, issued)


def _product_findings(cert: dict[str, Any], app: dict[str, Any],
                      ctx: Context) -> Iterator[Finding]:
    applied = {p.get("model") for p in _rows(app.get("products"))}
    results = {r.get("model"): r.get("result") for r in _rows(app.get("test_results"))}
    for i, product in enumerate(_rows(cert.get("products"))):
        model = product.get("model")
        if model not in applied:
            yield ctx.error(
                pointer("products", i, "model"),
                N_("model {model} is on the certificate but not in the application"),
                model=str(model),
                form=A11,
            )
        elif results and results.get(model) != "pass":
            yield ctx.error(
                pointer("products", i, "model"),
                N_("model {model} is on the certificate but did not pass testing"),
                model=str(model),
                form=A11,
            )


def _summaries_for(case: Case, cert: dict[str, Any], app: CaseDoc | None) -> list[CaseDoc]:
    """The summary reports (A.1.18) of a certificate: same 案件編號 as its application or same
    統一編號 as its holder; a report naming neither counts for every certificate."""
    case_no = app.data.get("case_no") if app is not None else None
    tax_id = obj(cert.get("holder")).get("tax_id")
    found = []
    for doc in case.all(SUMMARY):
        own_no, own_id = doc.data.get("case_no"), obj(doc.data.get("applicant")).get("tax_id")
        if (blank(own_no) and blank(own_id)) or (case_no and own_no == case_no) or (
                tax_id and own_id == tax_id):
            found.append(doc)
    return found


@case_rule(
    "X-05",
    forms=(A11, APP, A7, LICENSE, SUMMARY),
    citation="S0 要點31①; 附件六; 附件十三 四",
)
def check_issuance(case: Case, ctx: Context) -> Iterator[Finding]:
    """The certificate comes after every stage: QMS, origin, tests, the summary report's
    review, the contract and (第三類) the fee; its products passed; the contract covers it."""
    for cert_doc in case.all(A11):
        cert = cert_doc.data
        issued = as_date(cert.get("issue_date"))
        if issued is None:
            continue
        app_doc = _application_for(case, cert)
        if app_doc is not None:
            app = app_doc.data
            yield from _qms_findings(case, app, issued, ctx)
            origin = obj(app.get("origin"))
            if origin.get("result") == "nonconform":
                yield ctx.error(
                    pointer("origin", "result"),
                    N_("the certificate was issued though the origin determination is 不符合"),
                    form=APP,
                )
            yield from _after(ctx, pointer("origin", "date"), APP,
                              phrase(N_("the origin determination")),
                              as_date(origin.get("date")), issued)
            dates = [d for r in _rows(app.get("test_results")) if (d := as_date(r.get("date")))]
            yield from _after(ctx, pointer("test_results"), APP, phrase(N_("the last test report")),
                              max(dates) if dates else None, issued)
            if obj(app.get("review")).get("decision") == "reject":
                yield ctx.error(
                    pointer("review", "decision"),
                    N_("the certificate was issued though the application was rejected"),
                    form=APP,
                )
            yield from _product_findings(cert, app, ctx)
            if cert.get("category") == "cat3":
                paid = as_date(obj(app.get("fee_receipt")).get("date")) or as_date(
                    obj(cert.get("issuance")).get("fee_paid_date"))
                if paid is None:
                    yield ctx.error(
                        pointer("fee_receipt"),
                        N_("category 3: no fee payment is recorded before issuance"),
                        form=APP,
                    )
                yield from _after(ctx, pointer("fee_receipt", "date"), APP,
                                  phrase(N_("the fee was paid")), paid, issued)
        for summary in _summaries_for(case, cert, app_doc):
            review = obj(summary.data.get("review"))
            yield from _after(ctx, pointer("review", "date"), SUMMARY,
                              phrase(N_("the summary report was reviewed")),
                              as_date(review.get("date")), issued)
            if review.get("result") == "fail" or summary.data.get("conclusion") == "fail":
                yield ctx.error(
                    pointer("review", "result"),
                    N_("the certificate was issued though the summary report's conclusion or "
                       "its review is 不通過"),
                    form=SUMMARY,
                )
        yield from _contract_findings(case, cert, issued, ctx)


def _contract_findings(case: Case, cert: dict[str, Any], issued: date,
                       ctx: Context) -> Iterator[Finding]:
    valid_to = as_date(cert.get("valid_to"))
    tax_id = obj(cert.get("holder")).get("tax_id")
    for doc in case.all(LICENSE):
        lic = doc.data
        licensee = obj(lic.get("licensee"))
        if licensee.get("type") != "certified" or (
                tax_id and licensee.get("tax_id") not in (None, tax_id)):
            continue
        yield from _after(ctx, pointer("sign_date"), LICENSE, phrase(N_("the contract was signed")),
                          as_date(lic.get("sign_date")), issued)
        term = obj(lic.get("term"))
        start, end = as_date(term.get("from")), as_date(term.get("to"))
        if (start is not None and start > issued) or (
                end is not None and valid_to is not None and end < valid_to):
            yield ctx.error(
                pointer("term"),
                N_("the contract term {start} to {end} does not cover the certificate's "
                   "validity {issued} to {valid_to}"),
                start=_iso(start),
                end=_iso(end),
                issued=issued.isoformat(),
                valid_to=_iso(valid_to),
                form=LICENSE,
            )


def certificate_end(cert: dict[str, Any]) -> date | None:
    """The validity end of a certificate after its approved extensions (要點34)."""
    end = as_date(cert.get("valid_to"))
    for ext in _rows(cert.get("extensions")):
        new_end = as_date(ext.get("new_valid_to"))
        if new_end is None or ext.get("date") is None:
            break
        end = new_end
    return end


@case_rule("X-08", forms=(APP, A11), citation="S0 要點34; 要點23; 要點31②")
def check_renewal_against_certificate(case: Case, ctx: Context) -> Iterator[Finding]:
    """A 展延 application quotes the certificate it extends and falls in its window (T5)."""
    certs = case.all(A11)
    for app_doc in case.all(APP):
        app = app_doc.data
        if app.get("kind") != "renewal":
            continue
        renewal = obj(app.get("renewal"))
        cert = next((c for c in certs if c.data.get("cert_no") == renewal.get("cert_no")), None)
        if cert is None:
            if certs:
                yield ctx.error(
                    pointer("renewal", "cert_no"),
                    N_("the renewal names certificate {cert_no}, which is not in the case"),
                    cert_no=str(renewal.get("cert_no") or "-"),
                    form=APP,
                )
            continue
        end = certificate_end(cert.data)
        given = as_date(renewal.get("valid_to"))
        if end is not None and given is not None and given != end:
            yield ctx.error(
                pointer("renewal", "valid_to"),
                N_("the renewal gives the validity end {given}; certificate {cert_no} ends on "
                   "{end}"),
                given=given.isoformat(),
                cert_no=str(renewal.get("cert_no")),
                end=end.isoformat(),
                expected=end.isoformat(),
                actual=given.isoformat(),
                form=APP,
            )
        applied = as_date(app.get("application_date"))
        if end is not None and applied is not None:
            yield from window_findings(applied, end, pointer("application_date"), ctx, "X-08",
                                       form=APP)
        holder = obj(cert.data.get("holder")).get("tax_id")
        tax_id = obj(app.get("applicant")).get("tax_id")
        if holder and tax_id and holder != tax_id:
            yield ctx.error(
                pointer("applicant", "tax_id"),
                N_("the applicant's tax id {tax_id} differs from the certificate holder's "
                   "{holder}"),
                tax_id=tax_id,
                holder=holder,
                form=APP,
            )


TRACKING_NOTICES = "mit/annex-15-notices"  # A.1.33: its 終止/廢止 notices bar too


def _notice_bans(case: Case) -> Iterator[tuple[Any, date, date]]:
    """(統一編號, day, ban end) of each 終止/廢止 notice to a 獲證業者 in the case: one year from
    the day after it takes effect (要點43③) [proposed]."""
    for doc in case.all(TRACKING_NOTICES):
        data = doc.data
        if data.get("type") != "termination" or (data.get("subject_kind") or "certified") != (
                "certified"):
            continue
        effective = as_date(data.get("effective_date")) or as_date(data.get("notice_date"))
        tax_id = obj(data.get("company")).get("tax_id")
        if effective is not None and tax_id:
            yield tax_id, effective, _ban_end(effective, 1)


@case_rule("X-19", forms=(APP, TRACKING_NOTICES), citation="S0 要點41②; 要點42②; 要點43")
def check_bans(case: Case, ctx: Context) -> Iterator[Finding]:
    """A sanction known from any application of the case, or from a 終止/廢止 notice of
    附件十五, bars every application of the same 統一編號 until its ban ends, declared there or
    not."""
    apps = case.all(APP)
    for banned, day, until in _notice_bans(case):
        for target in apps:
            if obj(target.data.get("applicant")).get("tax_id") != banned:
                continue
            applied = as_date(target.data.get("application_date"))
            if applied is not None and applied <= until:
                yield ctx.error(
                    pointer("application_date"),
                    N_("the application of {applied} falls within the ban through "
                       "{ban_end} of the sanction of {day}"),
                    applied=applied.isoformat(),
                    ban_end=until.isoformat(),
                    day=day.isoformat(),
                    form=APP,
                )
    for source in apps:
        tax_id = obj(source.data.get("applicant")).get("tax_id")
        for row in _rows(source.data.get("prior_sanctions")):
            _, ban_end = sanction_ban(row)
            if ban_end is None:
                continue
            for target in apps:
                if target is source or obj(target.data.get("applicant")).get("tax_id") != tax_id:
                    continue
                applied = as_date(target.data.get("application_date"))
                if applied is not None and applied <= ban_end:
                    yield ctx.error(
                        pointer("application_date"),
                        N_("the application of {applied} falls within the ban through "
                           "{ban_end} of the sanction of {day}"),
                        applied=applied.isoformat(),
                        ban_end=ban_end.isoformat(),
                        day=_iso(as_date(row.get("date"))),
                        form=APP,
                    )


# -- the license agreement (A.1.15) ---------------------------------------------------------

# 附件十三 三 (一)–(三): the scope of each licensee type, verbatim, and who licenses it.
SCOPES = {
    "certified": "將MIT微笑標章標示於MIT微笑產品、產品包裝或其相關推廣製作物",
    "other_user": "僅限對MIT微笑標章或MIT微笑產品之推廣製作物",
    "lab": "僅限對MIT微笑標章或MIT微笑產品之推廣製作物",
}
LICENSORS = {"certified": "cb", "other_user": "secretariat", "lab": "secretariat"}


@deriver(LICENSE, owns={"/scope": "MIT-R65"})
def derive_license(rec: dict[str, Any], ctx: Context) -> None:
    """Fill 授權範圍 from the licensee type (附件十三 三)."""
    scope = SCOPES.get(str(obj(rec.get("licensee")).get("type")))
    if scope is None:
        rec.pop("scope", None)
    else:
        rec["scope"] = scope


@rule("MIT-R65", forms=LICENSE, citation="S0 附件十三 二, 三, 四")
def check_scope(rec: dict[str, Any], ctx: Context) -> Iterator[Finding]:
    """獲證業者 are licensed by the 驗證機構 for products, packaging and promotion; 其他使用業者
    and 檢驗機構 by the 秘書處 for promotional material only."""
    kind = obj(rec.get("licensee")).get("type")
    if kind not in SCOPES:
        return
    shown = choice(LICENSE, "/licensee/type", kind)
    licensor = obj(rec.get("licensor")).get("kind")
    if licensor is not None and licensor != LICENSORS[kind]:
        yield ctx.error(
            pointer("licensor", "kind"),
            N_("a {type} is licensed by the {needed}, not the {licensor}"),
            type=shown,
            needed=choice(LICENSE, "/licensor/kind", LICENSORS[kind]),
            licensor=choice(LICENSE, "/licensor/kind", licensor),
        )
    uses = obj(rec.get("uses"))
    if kind != "certified":
        for key in ("product", "packaging"):
            if uses.get(key) is True:
                yield ctx.error(
                    pointer("uses", key),
                    N_("a {type} may use the mark only on promotional material, not on {use}"),
                    type=shown,
                    use=name_of(LICENSE, pointer("uses", key)),
                )
        return
    if blank(rec.get("cert_no")):
        yield ctx.error(pointer("cert_no"), N_("a certified company's contract names its "
                                               "certificate"))
    if not _rows(rec.get("products")):
        yield ctx.error(pointer("products"), N_("a certified company's contract lists the "
                                                "licensed products"))


@rule("MIT-R66", forms=LICENSE, citation="S0 附件十三 七, 八")
def check_termination(rec: dict[str, Any], ctx: Context) -> Iterator[Finding]:
    """Termination under 八(七) needs a prior written 限期改善 notice whose deadline passed."""
    term = obj(rec.get("termination"))
    if not term:
        return
    ended = as_date(term.get("date"))
    notice = as_date(term.get("notice_date"))
    limit = as_date(term.get("notice_deadline"))
    if term.get("ground") == 7:
        if notice is None or limit is None:
            yield ctx.error(
                pointer("termination", "notice_date" if notice is None else "notice_deadline"),
                N_("termination for not improving needs the written notice to improve and its "
                   "deadline"),
            )
        elif ended is not None and ended <= limit:
            yield ctx.error(
                pointer("termination", "date"),
                N_("terminated on {ended}, not after the improvement deadline {limit}"),
                ended=ended.isoformat(),
                limit=limit.isoformat(),
            )
    if notice is not None and limit is not None and limit < notice:
        yield ctx.error(
            pointer("termination", "notice_deadline"),
            N_("the improvement deadline {limit} is before the notice of {notice}"),
            limit=limit.isoformat(),
            notice=notice.isoformat(),
        )
    signed = as_date(rec.get("sign_date"))
    if ended is not None and signed is not None and ended < signed:
        yield ctx.error(
            pointer("termination", "date"),
            N_("terminated on {ended}, before the contract was signed on {signed}"),
            ended=ended.isoformat(),
            signed=signed.isoformat(),
        )
