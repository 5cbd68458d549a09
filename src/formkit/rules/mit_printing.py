"""附件十四 標章印製: self-printing, 本署 printing, the approval-list objection and the
delivery discrepancy report (MIT-R35, R36, R45–R50, R72; X-16).

附件十四 counts every period from the day after its event (AMB-03 default, T1): the
objection 「副知核准數量次日起七日內」, the body's reply 「於七日內」 of receipt, the printer's
delivery 「原則應於七天內」 of receiving the approval list, and the reprint 「於十五日內」 of
confirming a discrepancy. The last day moves past rest days (T10) unless the
``rest_day_rollover`` option is off.

The approval list (``mit/annex-14-print-approval-list``, A.1.25) comes in a later issue. X-16
reads it by its id when a case holds one; until then it relates the application, the
objection and the delivery report with each other.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any, TypeGuard

from ..findings import Finding
from ..i18n import N_
from ..labels import choice
from ..pointers import pointer
from . import Case, Context, case_rule, deriver, rule
from .mit_common import as_date, blank, count, obj
from .periods import Deadline, deadline

SELF = "mit/annex-14-self-print-application"
AGENCY = "mit/annex-14-agency-print-application"
OBJECTION = "mit/annex-14-approval-objection"
DELIVERY = "mit/annex-14-delivery-discrepancy-report"
APPROVAL_LIST = "mit/annex-14-print-approval-list"  # A.1.25, a later issue

_COPIES = 2  # 申請書一式二份; 標章樣本一式二份; 證明文件影本一式二份 (附件十四 五)
_E_SCAN = 1  # 或電子掃描檔一份 (五(二)2)
_OBJECTION_DAYS = 7  # 六(一) 「副知核准數量次日起七日內」
_REPLY_DAYS = 7  # 六(一) 「收到異議後…於七日內」
_DELIVERY_DAYS = 7  # 三(四) 「原則應於七天內」
_REPRINT_DAYS = 15  # 六(二) 「經查屬實應於十五日內」
_SCALE_TOLERANCE = 1.0  # MIT-R35: percentage points between the two axes [proposed]

R45_CITATION = "S0 附件十四 三(一)(二), 四(一), 五(一); 要點38②"
R46_CITATION = "S0 附件十四 二(二), 三(四), 四(二), 五(二)"
R47_CITATION = "S0 附件十四 三(四)"
R48_CITATION = "S0 附件十四 六(一)"
R49_CITATION = "S0 附件十四 六(二)"
X16_CITATION = "S0 附件十四 三(四), 四(二), 六(一)(二)"


def _limit(event: date, days: int, ctx: Context) -> Deadline:
    """The last day of a period of ``days`` counted from the day after ``event`` (T1, T10)."""
    return deadline(event, days, "day", rollover=bool(ctx.option("rest_day_rollover", True)))


def _iso(d: date) -> str:
    return d.isoformat()


def _rows(value: Any) -> list[dict[str, Any]]:
    return [obj(r) for r in value] if isinstance(value, list) else []


def _approved(rec: dict[str, Any]) -> bool:
    return obj(rec.get("review")).get("result") == "approved"


# -- derived values ------------------------------------------------------------------------


@deriver(AGENCY, owns={"/requested_total": "MIT-R46", "/approved_total": "MIT-R46"})
def derive_totals(rec: dict[str, Any], ctx: Context) -> None:
    """申請數量合計, and 核准數量合計 once every row has its approved quantity."""
    rows = [r for r in rec.get("requests") or [] if isinstance(r, dict)] if isinstance(
        rec.get("requests"), list) else []
    quantities = [r.get("quantity") for r in rows]
    if rows and all(isinstance(q, int) and not isinstance(q, bool) for q in quantities):
        rec["requested_total"] = sum(quantities)
    else:
        rec.pop("requested_total", None)
    approved = [r.get("approved_qty") for r in rows]
    if rows and all(isinstance(q, int) and not isinstance(q, bool) for q in approved):
        rec["approved_total"] = sum(approved)
    else:
        rec.pop("approved_total", None)


@deriver(OBJECTION, owns={"/objection_deadline": "MIT-R48", "/reply_deadline": "MIT-R48"})
def derive_objection(rec: dict[str, Any], ctx: Context) -> None:
    """異議期限 (副知 + 7 days) and 書面說明期限 (receipt + 7 days)."""
    for source, target, days in (("cc_date", "objection_deadline", _OBJECTION_DAYS),
                                 ("received_date", "reply_deadline", _REPLY_DAYS)):
        day = as_date(rec.get(source))
        if day is None:
            rec.pop(target, None)
        else:
            rec[target] = _iso(_limit(day, days, ctx).last_day)


@deriver(DELIVERY, owns={"/reprint_deadline": "MIT-R49"})
def derive_reprint(rec: dict[str, Any], ctx: Context) -> None:
    """重新印製送交期限: the confirmation + 15 days."""
    day = as_date(rec.get("confirmed_date"))
    if day is None:
        rec.pop("reprint_deadline", None)
    else:
        rec["reprint_deadline"] = _iso(_limit(day, _REPRINT_DAYS, ctx).last_day)


# -- 申請自行印製 (A.1.23) -------------------------------------------------------------------


@rule("MIT-R45", forms=SELF, citation=R45_CITATION)
def check_self_print(rec: dict[str, Any], ctx: Context) -> Iterator[Finding]:
    """第一類/第三類 apply with 申請書 ×2 and 標章樣本 ×2; the samples follow the 使用原則;
    the body registers an approval in the 驗證系統."""
    if rec.get("category") == "cat2":
        yield ctx.error(
            pointer("category"),
            N_("a product of category {category} follows the adopted scheme's rules for "
               "self-printing; this application is for categories 1 and 3"),
            category=choice(SELF, "/category", "cat2"),
        )
    yield from _copies(rec.get("application_copies"), pointer("application_copies"), ctx)
    yield from _copies(obj(rec.get("samples")).get("copies"), pointer("samples", "copies"), ctx)
    if rec.get("via_association") is True and blank(rec.get("association")):
        yield ctx.warning(
            pointer("association"),
            N_("printing is entrusted to the industry association, but the association is "
               "not named"),
        )
    review = obj(rec.get("review"))
    applied = as_date(rec.get("application_date"))
    reviewed = as_date(review.get("date"))
    if applied and reviewed and reviewed < applied:
        yield ctx.error(
            pointer("review", "date"),
            N_("the review date {reviewed} is before the application date {applied}"),
            reviewed=_iso(reviewed), applied=_iso(applied),
        )
    if _approved(rec) and review.get("conforms") is False:
        yield ctx.error(
            pointer("review", "conforms"),
            N_("the application is approved although the samples do not follow the usage "
               "principles of the mark"),
        )
    registered = as_date(rec.get("system_registration_date"))
    if registered is not None and not _approved(rec):
        yield ctx.error(
            pointer("system_registration_date"),
            N_("the company is registered in the certification system on {registered} "
               "without an approved application"),
            registered=_iso(registered),
        )
    elif registered and reviewed and registered < reviewed:
        yield ctx.error(
            pointer("system_registration_date"),
            N_("the registration in the certification system on {registered} is before the "
               "approval on {reviewed}"),
            registered=_iso(registered), reviewed=_iso(reviewed),
        )
    elif registered is None and _approved(rec):
        yield ctx.warning(
            pointer("system_registration_date"),
            N_("the approval is not yet registered in the certification system"),
        )


def _copies(value: Any, path: str, ctx: Context, wanted: int = _COPIES) -> Iterator[Finding]:
    if isinstance(value, int) and not isinstance(value, bool) and value < wanted:
        yield ctx.error(path, N_("{given} copies given; {wanted} are required"),
                        given=value, wanted=wanted, expected=wanted, actual=value)


@rule("MIT-R72", forms=SELF, citation="S0 要點38②, 43①(二)")
def check_printing_approved(rec: dict[str, Any], ctx: Context) -> Iterator[Finding]:
    """Printing the mark without an approved application ⇒ 限期改善 (→ 廢止)."""
    started = as_date(rec.get("print_start_date"))
    if started is None:
        return
    reviewed = as_date(obj(rec.get("review")).get("date"))
    if not _approved(rec):
        yield ctx.error(
            pointer("print_start_date"),
            N_("the mark was printed on {started} without an approved application: the "
               "company is ordered to improve within a set period, failing which the right "
               "to use the mark may be revoked"),
            started=_iso(started),
        )
    elif reviewed is not None and started < reviewed:
        yield ctx.error(
            pointer("print_start_date"),
            N_("printing started on {started}, before the approval on {reviewed}: the "
               "company is ordered to improve within a set period, failing which the right "
               "to use the mark may be revoked"),
            started=_iso(started), reviewed=_iso(reviewed),
        )


@rule("MIT-R35", forms=SELF, citation="S0 要點35; 附件十七 附錄二 1")
def check_artwork(rec: dict[str, Any], ctx: Context) -> Iterator[Finding]:
    """The registered design only: proportional scaling, no change of shape, colour or
    wording without 本署's consent."""
    art = obj(rec.get("artwork"))
    if not art:
        return
    if not blank(art.get("consent_ref")):
        yield ctx.info(
            pointer("artwork", "consent_ref"),
            N_("changes to the registered design rest on the consent {ref}; check its scope"),
            ref=str(art.get("consent_ref")),
        )
        return
    x, y = art.get("scale_x"), art.get("scale_y")
    tolerance = ctx.option("scale_tolerance", _SCALE_TOLERANCE, rule="MIT-R35")
    if _number(x) and _number(y) and _number(tolerance) and abs(x - y) > tolerance:
        yield ctx.error(
            pointer("artwork", "scale_y"),
            N_("the mark is scaled {x} percent across and {y} percent down: only "
               "proportional scaling is allowed"),
            x=_pct(x), y=_pct(y),
        )
    if art.get("colour") == "changed":
        yield ctx.error(
            pointer("artwork", "colour"),
            N_("the colours of the registered design are changed without consent"),
        )
    if not blank(art.get("added_text")):
        yield ctx.error(
            pointer("artwork", "added_text"),
            N_("wording {text} is added to the mark without consent"),
            text=str(art.get("added_text")),
        )


def _number(v: Any) -> TypeGuard[int | float]:
    return isinstance(v, int | float) and not isinstance(v, bool)


def _pct(v: float) -> str:
    return f"{v:g}"


@rule("MIT-R36", forms=SELF, citation="S0 要點36, 37; 42①(五); 43①(一)")
def check_products(rec: dict[str, Any], ctx: Context) -> Iterator[Finding]:
    """The mark goes only on the products the certificate authorises (the models given in
    the ``certified_models`` option)."""
    products = _rows(rec.get("products"))
    if not products:
        return
    certified = ctx.option("certified_models", None, rule="MIT-R36")
    if not isinstance(certified, list | tuple):
        yield ctx.info(
            pointer("products"),
            N_("the certified models are not given: whether each product is authorised "
               "for the mark was not checked"),
        )
        return
    allowed = {str(m).strip() for m in certified}
    for i, row in enumerate(products):
        model = row.get("model")
        if isinstance(model, str) and model.strip() not in allowed:
            yield ctx.error(
                pointer("products", i, "model"),
                N_("model {model} is not among the certified models: the mark may not be "
                   "used on it (the company is ordered to improve within a set period)"),
                model=model,
            )


# -- 申請本署印製 (A.1.24) -------------------------------------------------------------------


@rule("MIT-R46", forms=AGENCY, citation=R46_CITATION)
def check_agency_print(rec: dict[str, Any], ctx: Context) -> Iterator[Finding]:
    """Only 第一類; 申請書 ×2 and quantity proof ×2 copies or 1 e-scan; the body approves
    the quantity on 銷售實績, 產能規模 and 安全存量."""
    category = rec.get("category")
    if isinstance(category, str) and category != "cat1":
        yield ctx.error(
            pointer("category"),
            N_("only category 1 companies may ask for marks printed by the agency; this "
               "one is {category}"),
            category=choice(AGENCY, "/category", category),
            expected="cat1", actual=category,
        )
    yield from _copies(rec.get("application_copies"), pointer("application_copies"), ctx)
    evidence = obj(rec.get("quantity_evidence"))
    copies, scans = count(evidence.get("copies")), count(evidence.get("e_scan"))
    if copies < _COPIES and scans < _E_SCAN:
        yield ctx.error(
            pointer("quantity_evidence"),
            N_("the proof of quantity needs {copies} photocopies or {scans} electronic scan; "
               "given {given_copies} and {given_scans}"),
            copies=_COPIES, scans=_E_SCAN, given_copies=copies, given_scans=scans,
        )
    kinds = evidence.get("kinds")
    if isinstance(kinds, list) and "other" in kinds and blank(evidence.get("other")):
        yield ctx.warning(
            pointer("quantity_evidence", "other"),
            N_("the other proof of quantity is ticked but not named"),
        )
    review = obj(rec.get("review"))
    applied, reviewed = as_date(rec.get("application_date")), as_date(review.get("date"))
    if applied and reviewed and reviewed < applied:
        yield ctx.error(
            pointer("review", "date"),
            N_("the review date {reviewed} is before the application date {applied}"),
            reviewed=_iso(reviewed), applied=_iso(applied),
        )
    requests = _rows(rec.get("requests"))
    for i, row in enumerate(requests):
        qty, approved = row.get("quantity"), row.get("approved_qty")
        if _number(qty) and _number(approved) and approved > qty:
            yield ctx.warning(
                pointer("requests", i, "approved_qty"),
                N_("the approved quantity {approved} exceeds the requested {requested}"),
                approved=approved, requested=qty,
            )
        elif _approved(rec) and approved is None:
            yield ctx.warning(
                pointer("requests", i, "approved_qty"),
                N_("the application is approved but this row has no approved quantity"),
            )
    basis = obj(rec.get("review_basis"))
    decided = any(_number(r.get("approved_qty")) for r in requests)
    if decided and all(blank(basis.get(k)) for k in ("sales", "capacity", "safety_stock")):
        yield ctx.warning(
            pointer("review_basis"),
            N_("the approved quantity records no basis: the sales record, the production "
               "capacity and the safety stock"),
        )


@rule("MIT-R50", forms=AGENCY, citation="S0 附件十四 七")
def check_suspension(rec: dict[str, Any], ctx: Context) -> Iterator[Finding]:
    """No application is accepted after 本署's 公告 stopping them."""
    suspended = as_date(obj(rec.get("suspension")).get("date")) or as_date(
        ctx.option("suspension_date", None, rule="MIT-R50"))
    if suspended is None:
        return
    path = pointer("received_date") if rec.get("received_date") else pointer("application_date")
    accepted = as_date(rec.get("received_date")) or as_date(rec.get("application_date"))
    if accepted is None:
        return
    if accepted > suspended:
        yield ctx.error(
            path,
            N_("the application is accepted on {accepted}, after the announcement of "
               "{suspended} stopped applications"),
            accepted=_iso(accepted), suspended=_iso(suspended),
        )
    elif accepted == suspended:
        yield ctx.warning(
            path,
            N_("the application is accepted on {accepted}, the day applications were "
               "stopped; check it came before the announcement"),
            accepted=_iso(accepted),
        )


# -- 核准清單異議 (A.1.26) -------------------------------------------------------------------


@rule("MIT-R48", forms=OBJECTION, citation=R48_CITATION)
def check_objection(rec: dict[str, Any], ctx: Context) -> Iterator[Finding]:
    """The objection within 7 days from the day after the 副知; the body's written reply
    within 7 days of receipt, copied to 秘書處."""
    cc, filed = as_date(rec.get("cc_date")), as_date(rec.get("filed_date"))
    if cc is not None and filed is not None:
        due = _limit(cc, _OBJECTION_DAYS, ctx)
        if filed < cc:
            yield ctx.error(
                pointer("filed_date"),
                N_("the objection of {filed} is before the approved quantity was copied to "
                   "the company on {cc}"),
                filed=_iso(filed), cc=_iso(cc),
            )
        elif filed > due.last_day:
            yield ctx.error(
                pointer("filed_date"),
                N_("the objection of {filed} is after its last day {due}: a late objection "
                   "is not accepted"),
                filed=_iso(filed), due=_iso(due.last_day),
            )
    received = as_date(rec.get("received_date"))
    if received is not None and filed is not None and received < filed:
        yield ctx.error(
            pointer("received_date"),
            N_("the objection is received on {received}, before it was filed on {filed}"),
            received=_iso(received), filed=_iso(filed),
        )
    reply = obj(rec.get("cb_reply"))
    replied = as_date(reply.get("date"))
    if received is not None:
        reply_due = _limit(received, _REPLY_DAYS, ctx).last_day
        if replied is not None and replied > reply_due:
            yield ctx.error(
                pointer("cb_reply", "date"),
                N_("the written reply of {replied} is after its last day {due}"),
                replied=_iso(replied), due=_iso(reply_due),
            )
        elif replied is None and ctx.as_of is not None and ctx.as_of > reply_due:
            yield ctx.warning(
                pointer("cb_reply"),
                N_("no written reply is recorded and its last day {due} has passed"),
                due=_iso(reply_due),
            )
    if replied is not None and received is not None and replied < received:
        yield ctx.error(
            pointer("cb_reply", "date"),
            N_("the written reply of {replied} is before the objection was received on "
               "{received}"),
            replied=_iso(replied), received=_iso(received),
        )
    if reply and rec.get("secretariat_cc") is not True:
        yield ctx.warning(
            pointer("secretariat_cc"),
            N_("the written reply is not recorded as copied to the secretariat"),
        )


# -- 標章誤差通知 (A.1.26) -------------------------------------------------------------------


@rule("MIT-R49", forms=DELIVERY, citation=R49_CITATION)
def check_reprint(rec: dict[str, Any], ctx: Context) -> Iterator[Finding]:
    """Once the printer confirms a discrepancy it reprints and delivers within 15 days."""
    for i, row in enumerate(_rows(rec.get("discrepancies"))):
        expected, received = row.get("expected"), row.get("received")
        if isinstance(expected, str) and isinstance(received, str) and (
                expected.strip() == received.strip()):
            yield ctx.warning(
                pointer("discrepancies", i, "received"),
                N_("the received value equals the expected one: no discrepancy"),
            )
    delivered, notified = as_date(rec.get("delivered_date")), as_date(rec.get("notified_date"))
    confirmed = as_date(rec.get("confirmed_date"))
    reprinted = as_date(rec.get("reprint_delivered_date"))
    if delivered and notified and notified < delivered:
        yield ctx.error(
            pointer("notified_date"),
            N_("the notice of {notified} is before the marks were delivered on {delivered}"),
            notified=_iso(notified), delivered=_iso(delivered),
        )
    if confirmed and notified and confirmed < notified:
        yield ctx.error(
            pointer("confirmed_date"),
            N_("the confirmation of {confirmed} is before the notice of {notified}"),
            confirmed=_iso(confirmed), notified=_iso(notified),
        )
    if confirmed is None:
        if reprinted is not None:
            yield ctx.warning(
                pointer("confirmed_date"),
                N_("a reprint is delivered but the confirmation date is not recorded"),
            )
        return
    due = _limit(confirmed, _REPRINT_DAYS, ctx).last_day
    if reprinted is not None and reprinted > due:
        yield ctx.error(
            pointer("reprint_delivered_date"),
            N_("the reprint is delivered on {reprinted}, after its last day {due}"),
            reprinted=_iso(reprinted), due=_iso(due),
        )
    elif reprinted is not None and reprinted < confirmed:
        yield ctx.warning(
            pointer("reprint_delivered_date"),
            N_("the reprint is delivered on {reprinted}, before the confirmation of "
               "{confirmed}"),
            reprinted=_iso(reprinted), confirmed=_iso(confirmed),
        )
    elif reprinted is None and ctx.as_of is not None and ctx.as_of > due:
        yield ctx.warning(
            pointer("reprint_delivered_date"),
            N_("no reprint is recorded and its last day {due} has passed"),
            due=_iso(due),
        )


@rule("MIT-R47", forms=DELIVERY, citation=R47_CITATION)
def check_delivery(rec: dict[str, Any], ctx: Context) -> Iterator[Finding]:
    """The printer delivers 「原則應於七天內」 of receiving the approval list, 「除特殊情形外」."""
    yield from _delivery_findings(as_date(rec.get("list_received_date")),
                                  as_date(rec.get("delivered_date")),
                                  rec.get("special_circumstance"), pointer("delivered_date"),
                                  ctx)


def _delivery_findings(received: date | None, delivered: date | None, special: Any,
                       path: str, ctx: Context, form: str | None = None) -> Iterator[Finding]:
    if received is None or delivered is None:
        return
    extra = {"form": form} if form else {}
    if delivered < received:
        yield ctx.error(
            path,
            N_("the marks are delivered on {delivered}, before the printer received the "
               "approval list on {received}"),
            delivered=_iso(delivered), received=_iso(received), **extra,
        )
        return
    due = _limit(received, _DELIVERY_DAYS, ctx).last_day
    if delivered <= due:
        return
    if not blank(special):
        yield ctx.info(
            path,
            N_("the marks are delivered on {delivered}, after {due}, for the special "
               "circumstance recorded"),
            delivered=_iso(delivered), due=_iso(due), **extra,
        )
    else:
        yield ctx.warning(
            path,
            N_("the marks are delivered on {delivered}, later than seven days after the "
               "approval list was received ({due}), and no special circumstance is recorded"),
            delivered=_iso(delivered), due=_iso(due), **extra,
        )


# -- X-16 -----------------------------------------------------------------------------------


def _by_cert(case: Case, form: str) -> dict[str, list[dict[str, Any]]]:
    out: dict[str, list[dict[str, Any]]] = {}
    for doc in case.all(form):
        out.setdefault(str(doc.data.get("cert_no", "")).strip(), []).append(doc.data)
    return out


def _list_rows(case: Case) -> list[tuple[dict[str, Any], int, dict[str, Any]]]:
    """(list, row index, row) of every approval list in the case (A.1.25, a later issue)."""
    out = []
    for doc in case.all(APPROVAL_LIST):
        for i, row in enumerate(_rows(doc.data.get("rows"))):
            out.append((doc.data, i, row))
    return out


def _row_cert(row: dict[str, Any]) -> str:
    return str(row.get("cert_no", "")).strip()


@case_rule("X-16", forms=(AGENCY, APPROVAL_LIST, OBJECTION, DELIVERY), citation=X16_CITATION)
def check_print_chain(case: Case, ctx: Context) -> Iterator[Finding]:
    """print application ↔ approval list ↔ delivery: 第一類 only, approved ≤ requested,
    delivery within 7 days, objection and reprint dates."""
    applications = _by_cert(case, AGENCY)
    rows = _list_rows(case)
    listed = {_row_cert(row) for _, _, row in rows}
    downstream = set(_by_cert(case, OBJECTION)) | set(_by_cert(case, DELIVERY)) | listed
    for cert, apps in applications.items():
        for app in apps:
            category = app.get("category")
            if category != "cat1" and (cert in downstream or _approved(app)):
                yield ctx.error(
                    pointer("category"),
                    N_("certificate {cert}: a company of {category} is approved, listed or "
                       "delivered marks printed by the agency; only category 1 companies "
                       "may be"),
                    cert=cert, category=choice(AGENCY, "/category", category), form=AGENCY,
                )
            yield from _approved_vs_requested(app, cert, ctx)
    yield from _list_findings(case, rows, applications, ctx)
    for doc in case.all(OBJECTION):
        yield from _objection_in_case(doc.data, applications, case, ctx)
    for doc in case.all(DELIVERY):
        yield from _delivery_in_case(doc.data, applications, case, ctx)


def _requested_by_type(app: dict[str, Any]) -> dict[str, int]:
    out: dict[str, int] = {}
    for row in _rows(app.get("requests")):
        if isinstance(row.get("type"), str) and _number(row.get("quantity")):
            out[row["type"]] = out.get(row["type"], 0) + row["quantity"]
    return out


def _approved_vs_requested(app: dict[str, Any], cert: str, ctx: Context) -> Iterator[Finding]:
    for i, row in enumerate(_rows(app.get("requests"))):
        qty, approved = row.get("quantity"), row.get("approved_qty")
        if _number(qty) and _number(approved) and approved > qty:
            yield ctx.warning(
                pointer("requests", i, "approved_qty"),
                N_("certificate {cert}: {approved} approved against {requested} requested"),
                cert=cert, approved=approved, requested=qty, form=AGENCY,
            )


def _list_findings(case: Case, rows: list[tuple[dict[str, Any], int, dict[str, Any]]],
                   applications: dict[str, list[dict[str, Any]]],
                   ctx: Context) -> Iterator[Finding]:
    approved: dict[tuple[str, str], float] = {}
    for data, i, row in rows:
        cert = _row_cert(row)
        kind, qty = row.get("type"), row.get("approved_qty")
        if isinstance(kind, str) and _number(qty):
            approved[(cert, kind)] = approved.get((cert, kind), 0) + qty
        yield from _delivery_findings(
            as_date(data.get("received_by_printer_date")), as_date(row.get("delivered_date")),
            row.get("special_circumstance"), pointer("rows", i, "delivered_date"), ctx,
            form=APPROVAL_LIST)
    for (cert, kind), qty in sorted(approved.items()):
        requested = sum(_requested_by_type(app).get(kind, 0) for app in applications.get(cert, []))
        if cert in applications and qty > requested:
            yield ctx.warning(
                "",
                N_("certificate {cert}: {approved} approved against {requested} requested"),
                cert=cert, approved=qty, requested=requested, form=APPROVAL_LIST,
            )


def _objection_in_case(rec: dict[str, Any], applications: dict[str, list[dict[str, Any]]],
                       case: Case, ctx: Context) -> Iterator[Finding]:
    cert = str(rec.get("cert_no", "")).strip()
    if cert not in applications:
        yield ctx.info(
            pointer("cert_no"),
            N_("certificate {cert}: the case holds no application for marks printed by the "
               "agency"),
            cert=cert, form=OBJECTION,
        )
    for app in applications.get(cert, []):
        applied, filed = as_date(app.get("application_date")), as_date(rec.get("filed_date"))
        if applied and filed and filed < applied:
            yield ctx.error(
                pointer("filed_date"),
                N_("the objection of {filed} is before the application of {applied}"),
                filed=_iso(filed), applied=_iso(applied), form=OBJECTION,
            )
    cc = as_date(rec.get("cc_date"))
    for data in (d.data for d in case.all(APPROVAL_LIST)):
        list_cc = as_date(data.get("cc_to_company_date"))
        if cc and list_cc and cc != list_cc and cert in {_row_cert(r) for r in _rows(
                data.get("rows"))}:
            yield ctx.error(
                pointer("cc_date"),
                N_("the objection counts from {cc}, but the approval list was copied to the "
                   "company on {list_cc}"),
                cc=_iso(cc), list_cc=_iso(list_cc), form=OBJECTION,
                expected=_iso(list_cc), actual=_iso(cc),
            )
    for f in check_objection(rec, ctx):
        if f.is_error:
            yield f.with_(form=OBJECTION)


def _delivery_in_case(rec: dict[str, Any], applications: dict[str, list[dict[str, Any]]],
                      case: Case, ctx: Context) -> Iterator[Finding]:
    cert = str(rec.get("cert_no", "")).strip()
    delivered = as_date(rec.get("delivered_date"))
    for app in applications.get(cert, []):
        reviewed = as_date(obj(app.get("review")).get("date"))
        if delivered and reviewed and delivered < reviewed:
            yield ctx.error(
                pointer("delivered_date"),
                N_("the marks are delivered on {delivered}, before the application was "
                   "approved on {reviewed}"),
                delivered=_iso(delivered), reviewed=_iso(reviewed), form=DELIVERY,
            )
    for data in (d.data for d in case.all(APPROVAL_LIST)):
        received = as_date(data.get("received_by_printer_date"))
        own = as_date(rec.get("list_received_date"))
        if received and own and received != own:
            yield ctx.warning(
                pointer("list_received_date"),
                N_("the report says the printer received the approval list on {own}; the "
                   "list says {received}"),
                own=_iso(own), received=_iso(received), form=DELIVERY,
            )
    for f in check_reprint(rec, ctx):
        if f.is_error:
            yield f.with_(form=DELIVERY)
    for f in check_delivery(rec, ctx):
        if f.severity != "info":
            yield f.with_(form=DELIVERY)
