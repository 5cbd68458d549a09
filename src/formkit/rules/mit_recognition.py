"""第二類產品驗證制度採認與授權 (附件一、附件二之通知、附件十二).

- MIT-R02 on 附件一: the five 評核項目 rows, the 秘書處複評 and the council's result.
- MIT-R42, R43, R44 on the 附件十二 application: the review principles (with the
  six-month look-back, T6), the documents, and the 送本署登錄.
- X-23 over a case: an authorisation only under a scheme that is 採認 (審查通過通知 and
  公告) and not 廢止 or 停止 (要點47), on the application date; every authorised product
  registered. The registration form (A.1.21) is not in the kit yet: its id is named here
  as a string and its rows are read when a case holds one.

附件一's row 4 keeps the seed's defects (AMB-42): its negative option is row 3's text, code
``tracking_no``, read on row 4 as "no product safety inspection criterion".
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

from ..findings import Finding
from ..i18n import N_
from ..labels import choice, name_of
from ..pointers import pointer
from . import Case, CaseDoc, Context, case_rule, deriver, rule
from .mit_common import as_date, blank, obj
from .periods import add_months, within_lookback

A1 = "mit/annex-01-cat2-scheme-recognition-application"
NOTICE = "mit/cat2-recognition-notice"
A12 = "mit/annex-12-cat2-authorization-application"
# A.1.21, built in a later issue: X-23 reads it when a case holds one.
A12_REGISTRATION = "mit/annex-12-cat2-authorization-registration"

# 附件一 rows in printed order: (positive, negative) option codes (AMB-42 for row 4).
ROW_OPTIONS: tuple[tuple[str, str], ...] = (
    ("origin_yes", "origin_no"),
    ("process_yes", "process_no"),
    ("tracking_yes", "tracking_no"),
    ("safety_yes", "tracking_no"),
    ("fee_yes", "fee_no"),
)
LOOKBACK_MONTHS = 6  # 附件十二 二(四) 「最近六個月」
R02_CITATION = "S0 要點5 (一)–(四); 附件一; 附件二; 要點7①(四); 要點47"
_ZH_DIGITS = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5}


def _rows(rec: dict[str, Any]) -> list[dict[str, Any]]:
    rows = rec.get("criteria")
    return [obj(r) for r in rows] if isinstance(rows, list) else []


def supplement_rows(text: Any) -> set[int]:
    """The row numbers a 補件 result names: 「3」, 「第3、5」, 「第三項」 → {3}, {3, 5}, {3}."""
    if not isinstance(text, str):
        return set()
    found = {int(d) for d in re.findall(r"\d+", text)}
    found |= {n for ch, n in _ZH_DIGITS.items() if ch in text}
    return found


# -- MIT-R02 ----------------------------------------------------------------------------


@rule("MIT-R02", forms=A1, citation=R02_CITATION)
def check_recognition(rec: dict[str, Any], ctx: Context) -> Iterator[Finding]:
    """The four 要點5 conditions as the five rows of 附件一, and the council's result."""
    rows = _rows(rec)
    council = obj(rec.get("council_result"))
    result = council.get("result")
    to_supplement = supplement_rows(council.get("supplement_items"))
    for i, row in enumerate(rows[: len(ROW_OPTIONS)]):
        yield from _row(i, row, result, to_supplement, ctx)
    if result == "pass":
        yield from _pass(rows, ctx)
    elif result == "supplement":
        yield from _supplement(rows, council, to_supplement, ctx)
    elif result == "fail" and blank(council.get("reason")):
        yield ctx.error(
            pointer("council_result", "reason"),
            N_("the result is {result} but no reason is given"),
            result=choice(A1, "/council_result/result", result),
        )


def _row(
    i: int, row: dict[str, Any], result: Any, to_supplement: set[int], ctx: Context
) -> Iterator[Finding]:
    positive, negative = ROW_OPTIONS[i]
    answer = row.get("self")
    if answer is not None and answer not in (positive, negative):
        yield ctx.error(
            pointer("criteria", i, "self"),
            N_("row {row}: the self-assessment {answer} is an option of another row"),
            row=i + 1,
            answer=choice(A1, pointer("criteria", i, "self"), answer),
        )
        return
    if answer == positive and blank(row.get("evidence")):
        # MIT-R02 example 3: a 補件 that names the row is the council asking for it.
        report = ctx.warning if result == "supplement" and i + 1 in to_supplement else ctx.error
        yield report(
            pointer("criteria", i, "evidence"),
            N_("row {row}: the self-assessment is positive but names no evidence"),
            row=i + 1,
        )
    if answer == negative and row.get("review") == "conform":
        yield ctx.warning(
            pointer("criteria", i, "review"),
            N_(
                "row {row}: the self-assessment is negative "
                "but the secretariat's review is {review}"
            ),
            row=i + 1,
            review=choice(A1, pointer("criteria", i, "review"), "conform"),
        )


def _pass(rows: list[dict[str, Any]], ctx: Context) -> Iterator[Finding]:
    for i, row in enumerate(rows[: len(ROW_OPTIONS)]):
        review = row.get("review")
        if review != "conform":
            yield ctx.error(
                pointer("criteria", i, "review"),
                N_("the result is a pass but row {row}'s secretariat review is {review}"),
                row=i + 1,
                review=choice(A1, pointer("criteria", i, "review"), review) if review else "-",
            )
        elif row.get("self") == ROW_OPTIONS[i][1]:
            yield ctx.error(
                pointer("criteria", i, "self"),
                N_("the result is a pass but row {row}'s condition is self-assessed as not met"),
                row=i + 1,
            )


def _supplement(
    rows: list[dict[str, Any]], council: dict[str, Any], to_supplement: set[int], ctx: Context
) -> Iterator[Finding]:
    if blank(council.get("supplement_items")):
        yield ctx.error(
            pointer("council_result", "supplement_items"),
            N_("the result asks for more evidence but does not name the rows to supplement"),
        )
    elif not to_supplement or any(n < 1 or n > len(ROW_OPTIONS) for n in to_supplement):
        yield ctx.warning(
            pointer("council_result", "supplement_items"),
            N_("the rows to supplement ({items}) are not rows 1 to 5 of the table"),
            items=str(council.get("supplement_items")),
        )
    for i, row in enumerate(rows[: len(ROW_OPTIONS)]):
        if row.get("review") == "nonconform":
            yield ctx.warning(
                pointer("criteria", i, "review"),
                N_(
                    "row {row} does not conform, but asking for more evidence presumes that "
                    "the conditions are met"
                ),
                row=i + 1,
            )


# -- 附件十二: the six-month look-back ---------------------------------------------------


def lookback_start(application: date) -> date:
    """The earliest evidence date that counts (T6): T1(d, 6 months) ≥ application date."""
    day = add_months(application, -LOOKBACK_MONTHS) - timedelta(days=3)
    while not within_lookback(day, application, LOOKBACK_MONTHS):
        day += timedelta(days=1)
    return day


@deriver(A12, owns={"/lookback_start": "MIT-R42"})
def derive(rec: dict[str, Any], ctx: Context) -> None:
    """Fill 最近六個月起算日 from the application date."""
    applied = as_date(rec.get("application_date"))
    if applied is None:
        rec.pop("lookback_start", None)
    else:
        rec["lookback_start"] = lookback_start(applied).isoformat()


def _evidence(rec: dict[str, Any]) -> list[tuple[int, dict[str, Any], date | None]]:
    rows = rec.get("recent_6m_evidence")
    rows = rows if isinstance(rows, list) else []
    return [(i, obj(r), as_date(obj(r).get("date"))) for i, r in enumerate(rows)]


def evidence_in_window(rec: dict[str, Any]) -> bool | None:
    """Whether some evidence falls within the look-back; None without an application date."""
    applied = as_date(rec.get("application_date"))
    if applied is None:
        return None
    return any(
        d is not None and d <= applied and within_lookback(d, applied, LOOKBACK_MONTHS)
        for _, _, d in _evidence(rec)
    )


@rule("MIT-R42", forms=A12, citation="S0 附件十二 二①–③")
def check_criteria(rec: dict[str, Any], ctx: Context) -> Iterator[Finding]:
    """附件十二 二: validity, origin, factory, six months of activity; 得不同意, 得會同."""
    applied = as_date(rec.get("application_date"))
    valid_to = as_date(obj(rec.get("scheme")).get("valid_to"))
    computed: dict[str, bool | None] = {"check1": None, "check4": evidence_in_window(rec)}
    if applied is not None and valid_to is not None:
        computed["check1"] = valid_to >= applied
        if valid_to < applied:
            yield ctx.error(
                pointer("scheme", "valid_to"),
                N_(
                    "the scheme's certificate expired on {valid_to}, "
                    "before the application on {applied}"
                ),
                valid_to=valid_to.isoformat(),
                applied=applied.isoformat(),
            )
    if applied is not None:
        yield from _lookback(rec, applied, computed["check4"], ctx)
    for key, value in computed.items():
        if value is not None and rec.get(key) is True and not value:
            yield ctx.error(
                pointer(key),
                N_("{check} is marked as met, but the dates show it is not"),
                check=name_of(A12, pointer(key)),
            )
    yield from _decision(rec, valid_to, ctx)


def _lookback(
    rec: dict[str, Any], applied: date, any_in_window: bool | None, ctx: Context
) -> Iterator[Finding]:
    start = lookback_start(applied)
    for i, _row, day in _evidence(rec):
        if day is None:
            continue
        if day > applied:
            yield ctx.warning(
                pointer("recent_6m_evidence", i, "date"),
                N_("evidence {n} is dated {day}, after the application on {applied}"),
                n=i + 1,
                day=day.isoformat(),
                applied=applied.isoformat(),
            )
        elif day < start:
            yield ctx.warning(
                pointer("recent_6m_evidence", i, "date"),
                N_(
                    "evidence {n} dated {day} is older than six "
                    "months (the look-back starts on {start})"
                ),
                n=i + 1,
                day=day.isoformat(),
                start=start.isoformat(),
            )
    if any_in_window is False and _evidence(rec):
        yield ctx.error(
            pointer("recent_6m_evidence"),
            N_(
                "no purchase, formula or sales evidence is dated within the six months before "
                "the application on {applied} (the look-back starts on {start})"
            ),
            applied=applied.isoformat(),
            start=start.isoformat(),
        )


def _decision(rec: dict[str, Any], valid_to: date | None, ctx: Context) -> Iterator[Finding]:
    decision = rec.get("decision")
    if decision != "agree":
        return
    for key in ("check1", "check2", "check3", "check4"):
        value = rec.get(key)
        if value is False:
            yield ctx.error(
                pointer(key),
                N_("the authorisation is granted although {check} is not met"),
                check=name_of(A12, pointer(key)),
            )
        elif value is None:
            yield ctx.warning(
                pointer(key),
                N_("the authorisation is granted but {check} is not recorded"),
                check=name_of(A12, pointer(key)),
            )
    if rec.get("misleading_origin_ad_dispute") is True:
        yield ctx.warning(
            pointer("misleading_origin_ad_dispute"),
            N_(
                "the authorisation is granted despite a major dispute over misleading origin "
                "advertising, for which it may be refused"
            ),
        )
    if valid_to is not None:
        yield ctx.info(
            pointer("scheme", "valid_to"),
            N_("the authorisation ends with the scheme's certificate on {valid_to}"),
            valid_to=valid_to.isoformat(),
        )


# -- MIT-R43 ----------------------------------------------------------------------------


@rule("MIT-R43", forms=A12, citation="S0 附件十二 三")
def check_documents(rec: dict[str, Any], ctx: Context) -> Iterator[Finding]:
    """The documents 附件十二 三 requires with the application."""
    if blank(obj(rec.get("bom_and_flow")).get("title")):
        yield ctx.error(
            pointer("bom_and_flow"),
            N_("the bill of materials and processing flow chart are missing"),
        )
    evidence = rec.get("recent_6m_evidence")
    if not isinstance(evidence, list) or not evidence:
        yield ctx.error(
            pointer("recent_6m_evidence"),
            N_("no purchase, formula or sales evidence of the last six months is attached"),
        )


# -- MIT-R44 ----------------------------------------------------------------------------


@rule("MIT-R44", forms=A12, citation="S0 附件十二 四; 附件六 第二類")
def check_registration(rec: dict[str, Any], ctx: Context) -> Iterator[Finding]:
    """An authorisation is sent to 本署 for 登錄 after it is granted, and only then."""
    decision = rec.get("decision")
    sent = as_date(rec.get("registration_sent_date"))
    decided = as_date(rec.get("decision_date"))
    if sent is not None and decision != "agree":
        yield ctx.error(
            pointer("registration_sent_date"),
            N_("the application was sent for registration, but the authorisation is not granted"),
        )
        return
    if decision != "agree":
        return
    if sent is None:
        yield ctx.info(
            pointer("registration_sent_date"),
            N_(
                "the company, the product items and other information must be sent to the "
                "agency for registration; the date is not recorded"
            ),
        )
    elif decided is not None and sent < decided:
        yield ctx.error(
            pointer("registration_sent_date"),
            N_("the registration was sent on {sent}, before the authorisation on {decided}"),
            sent=sent.isoformat(),
            decided=decided.isoformat(),
        )


# -- X-23 -------------------------------------------------------------------------------


def _norm(text: Any) -> str:
    return re.sub(r"\s+", "", text) if isinstance(text, str) else ""


def _for_scheme(docs: list[CaseDoc], name: str) -> list[CaseDoc]:
    return [d for d in docs if _norm(obj(d.data.get("scheme")).get("name")) == name]


def recognised_from(notice: dict[str, Any]) -> date | None:
    """The day a 採認 takes effect: the 公告's date, else the notice's."""
    announced = as_date(obj(notice.get("announcement_ref")).get("announced_on"))
    return announced or as_date(notice.get("date"))


@case_rule(
    "X-23",
    forms=(A1, NOTICE, A12, A12_REGISTRATION),
    citation="S0 要點5; 要點33②; 要點47; 附件二; 附件十二 四",
)
def check_recognition_and_authorisation(case: Case, ctx: Context) -> Iterator[Finding]:
    """Authorisations only under a scheme that is 採認 and in force; each one registered."""
    notices = case.all(NOTICE)
    for notice in notices:
        yield from _notice_against_application(case, notice, ctx)
    for app in case.all(A12):
        name = _norm(obj(app.data.get("scheme")).get("name"))
        yield from _scheme_status(case, app.data, _for_scheme(notices, name), ctx)
        if app.data.get("decision") == "agree":
            yield from _registered(case, app.data, ctx)


def _notice_against_application(case: Case, notice: CaseDoc, ctx: Context) -> Iterator[Finding]:
    kind = notice.data.get("notice_type")
    name = _norm(obj(notice.data.get("scheme")).get("name"))
    for a1 in _for_scheme(case.all(A1), name):
        result = obj(a1.data.get("council_result")).get("result")
        expected = {"approved": "pass", "rejected": "fail"}.get(str(kind))
        if expected is not None and result is not None and result != expected:
            yield ctx.error(
                pointer("notice_type"),
                N_(
                    "the notice is a {kind}, but the council's "
                    "result on the application is {result}"
                ),
                kind=choice(NOTICE, "/notice_type", kind),
                result=choice(A1, "/council_result/result", result),
                form=NOTICE,
            )


def _scheme_status(
    case: Case, app: dict[str, Any], notices: list[CaseDoc], ctx: Context
) -> Iterator[Finding]:
    scheme = str(obj(app.get("scheme")).get("name") or "-")
    applied = as_date(app.get("application_date"))
    approved = [n for n in notices if n.data.get("notice_type") == "approved"]
    if not approved:
        name = _norm(scheme)
        rejected = [n for n in notices if n.data.get("notice_type") == "rejected"]
        passed = [
            a
            for a in _for_scheme(case.all(A1), name)
            if obj(a.data.get("council_result")).get("result") == "pass"
        ]
        if rejected:
            yield ctx.error(
                pointer("scheme", "name"),
                N_(
                    "the scheme {scheme} was refused recognition; "
                    "no authorisation may be granted under it"
                ),
                scheme=scheme,
                form=A12,
            )
        elif passed:
            yield ctx.warning(
                pointer("scheme", "name"),
                N_(
                    "the council passed the scheme {scheme}, but the "
                    "case holds no approval notice or announcement"
                ),
                scheme=scheme,
                form=A12,
            )
        else:
            yield ctx.warning(
                pointer("scheme", "name"),
                N_("the case holds no recognition of the scheme {scheme}; it cannot be checked"),
                scheme=scheme,
                form=A12,
            )
        return
    yield from _in_force(app, approved, scheme, applied, ctx)


def _in_force(
    app: dict[str, Any],
    approved: list[CaseDoc],
    scheme: str,
    applied: date | None,
    ctx: Context,
) -> Iterator[Finding]:
    starts = [d for d in (recognised_from(n.data) for n in approved) if d is not None]
    start = min(starts) if starts else None
    if applied is not None and start is not None and applied < start:
        yield ctx.error(
            pointer("application_date"),
            N_(
                "the application on {applied} precedes the recognition "
                "of the scheme {scheme} on {start}"
            ),
            applied=applied.isoformat(),
            scheme=scheme,
            start=start.isoformat(),
            form=A12,
        )
    decided = as_date(app.get("decision_date")) if app.get("decision") == "agree" else None
    for notice in approved:
        withdrawal = obj(notice.data.get("withdrawal"))
        ended = as_date(withdrawal.get("effective_on"))
        if ended is None:
            continue
        for key, day in (("application_date", applied), ("decision_date", decided)):
            if day is not None and day >= ended:
                yield ctx.error(
                    pointer(key),
                    N_("{what} {day} is on or after the {kind} of the scheme {scheme} on {ended}"),
                    what=name_of(A12, pointer(key)),
                    day=day.isoformat(),
                    kind=choice(NOTICE, "/withdrawal/kind", withdrawal.get("kind")),
                    scheme=scheme,
                    ended=ended.isoformat(),
                    form=A12,
                )


def _row_text(row: dict[str, Any], *keys: str) -> str:
    for key in keys:
        if isinstance(row.get(key), str):
            return _norm(row[key])
    return ""


def registered_pairs(case: Case) -> set[tuple[str, str]] | None:
    """(company, product item) of every registration row in the case; None without one.

    The registration form (A.1.21) is not built yet: its rows are read under the
    catalogue's column names (申請業者名稱, 產品品項名稱) in the likely keys.
    """
    docs = case.all(A12_REGISTRATION)
    if not docs:
        return None
    pairs = set()
    for doc in docs:
        rows = doc.data.get("rows")
        for row in rows if isinstance(rows, list) else []:
            row = obj(row)
            company = _row_text(row, "company_name", "applicant_name", "company", "applicant")
            product = _row_text(row, "product_name", "product_item", "product")
            pairs.add((company, product))
    return pairs


def _registered(case: Case, app: dict[str, Any], ctx: Context) -> Iterator[Finding]:
    pairs = registered_pairs(case)
    company = _norm(obj(app.get("applicant")).get("name"))
    products = app.get("products")
    if pairs is None:
        yield ctx.info(
            pointer("products"),
            N_(
                "the case holds no registration record; the registration "
                "of the authorised products is not checked"
            ),
            form=A12,
        )
        return
    for i, product in enumerate(products if isinstance(products, list) else []):
        name = _norm(obj(product).get("name"))
        if (company, name) not in pairs:
            yield ctx.error(
                pointer("products", i, "name"),
                N_("the authorised product {product} has no registration row"),
                product=str(obj(product).get("name")),
                form=A12,
            )
