"""驗證機構認證與檢驗機構認可 (附件四、認證申請、認可申請).

Rules of this family register here; `rules/mit.py` imports the module.

- 附件四 認證書: validity three years from the day accreditation is obtained (要點13①, T4),
  issued after the council approves (要點12③), 換發 on 重新認證 (要點13②): MIT-R06.
- 認證申請 / 重新認證申請: the six-month window before expiry (要點13②, T5, AMB-05): MIT-R06;
  the one-year ban after 廢止 (要點45②): MIT-R40; the announced period (要點12①): MIT-R70.
- 認可申請: the lab's qualifications (要點14): MIT-R07; the ban (要點46②): MIT-R40; the
  announced period (要點14①): MIT-R70.
- X-06: the certificate, the 重新認證 application and the 換發 certificate of one case.

MIT-R03 (council composition), MIT-R04 (working-group composition) and MIT-R69 (yearly
council meeting) bind to no form of the catalogue, and none of these forms records members
or meetings; they are not registered here.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from ..findings import Finding
from ..i18n import N_
from ..labels import choice
from ..pointers import pointer
from . import Case, CaseDoc, Context, case_rule, deriver, rule
from .mit_common import as_date, blank, last_day_for_act, obj
from .periods import add_months, deadline, renewal_window, validity_end

A4 = "mit/annex-04-cb-accreditation-certificate"
CB_APP = "mit/cb-accreditation-application"
A11 = "mit/annex-11-product-certificate"
LAB_APP = "mit/lab-recognition-application"
APPLICATIONS = (CB_APP, LAB_APP)

VALIDITY_YEARS = 3  # 要點13① 「有效期間為自取得認證之日起三年」
WINDOW_MONTHS = 6  # 要點13② 「屆滿前六個月起」
BAN_YEARS = 1  # 要點45②, 46② 「自廢止之次日起一年內」
EXPERIENCE_YEARS = Decimal(3)  # 要點14①(二) 「三年以上」 (inclusive)
COLLEGE_DEGREES = frozenset({"doctor", "master", "bachelor", "associate"})  # 「大專以上」

R06_CITATION = "S0 要點12③, 13①②"


# -- shared arithmetic ----------------------------------------------------------------------


def window(valid_to: date, ctx: Context) -> tuple[date, date]:
    """T5 (AMB-05): the last six whole months of validity, or from the same day."""
    if ctx.option("window_rule", "last_n_months", rule="MIT-R06") == "same_day":
        return add_months(valid_to, -WINDOW_MONTHS), valid_to
    return renewal_window(valid_to, WINDOW_MONTHS)


def ban_end(abolished: date) -> date:
    """T1: the last day of the ban 「自廢止之次日起一年內」; a ban end never rolls over."""
    return deadline(abolished, BAN_YEARS, "year", rollover=False).last_day


def years(value: Any) -> Decimal | None:
    """A number of years as an exact decimal (2.5 stays 2.5; 3.0 is 「三年」)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


# -- derived values -------------------------------------------------------------------------


@deriver(A4, owns={"/valid_to": "MIT-R06"})
def derive_certificate(rec: dict[str, Any], ctx: Context) -> None:
    """有效期間屆滿日 = T4(取得認證之日, 3 years)."""
    start = as_date(rec.get("valid_from"))
    if start is None:
        rec.pop("valid_to", None)
    else:
        rec["valid_to"] = validity_end(start, VALIDITY_YEARS, "year").isoformat()


def _derive_ban(rec: dict[str, Any]) -> None:
    abolished = as_date(rec.get("prior_abolition_date"))
    if abolished is None:
        rec.pop("abolition_ban_end", None)
    else:
        rec["abolition_ban_end"] = ban_end(abolished).isoformat()


@deriver(
    CB_APP,
    owns={"/current_cert/window_from": "MIT-R06", "/abolition_ban_end": "MIT-R40",
          "/cond3_fee_total": "schema"},
)
def derive_cb_application(rec: dict[str, Any], ctx: Context) -> None:
    """The fee total, the day the 重新認證 window opens, and the end of a 廢止 ban."""
    items = rec.get("cond3_fee_items")
    if isinstance(items, list):
        amounts = [obj(i).get("amount") for i in items]
        rec["cond3_fee_total"] = sum(
            a for a in amounts if isinstance(a, int) and not isinstance(a, bool)
        )
    else:
        rec.pop("cond3_fee_total", None)
    current = rec.get("current_cert")
    if isinstance(current, dict):
        valid_to = as_date(current.get("valid_to"))
        if valid_to is None:
            current.pop("window_from", None)
        else:
            current["window_from"] = window(valid_to, ctx)[0].isoformat()
    _derive_ban(rec)


@deriver(LAB_APP, owns={"/abolition_ban_end": "MIT-R40"})
def derive_lab_application(rec: dict[str, Any], ctx: Context) -> None:
    """The end of a 廢止 ban."""
    _derive_ban(rec)


# -- MIT-R06 --------------------------------------------------------------------------------


@rule("MIT-R06", forms=A4, citation=R06_CITATION)
def check_certificate(rec: dict[str, Any], ctx: Context) -> Iterator[Finding]:
    """The certificate follows the council's approval; its validity and the window to apply
    for 重新認證 are stated (the validity itself is derived, T4)."""
    start = as_date(rec.get("valid_from"))
    approval = as_date(obj(rec.get("council_approval")).get("date"))
    if start is not None and approval is not None and start < approval:
        yield ctx.error(
            pointer("valid_from"),
            N_(
                "accreditation is dated {start}, before the council approved it on {approval}; "
                "the certificate is issued after the approval"
            ),
            start=start.isoformat(),
            approval=approval.isoformat(),
        )
    reissued = as_date(obj(rec.get("reissue")).get("date"))
    if reissued is not None and approval is not None and reissued < approval:
        yield ctx.error(
            pointer("reissue", "date"),
            N_(
                "the certificate was reissued on {day}, before the council approved the "
                "re-accreditation on {approval}"
            ),
            day=reissued.isoformat(),
            approval=approval.isoformat(),
        )
    prior = obj(rec.get("reissue")).get("prior_cert_no")
    if isinstance(prior, str) and prior == rec.get("cert_no"):
        yield ctx.warning(
            pointer("reissue", "prior_cert_no"),
            N_("the prior certificate number is this certificate's own number {cert_no}"),
            cert_no=prior,
        )
    end = as_date(rec.get("valid_to"))
    if end is None:
        return
    opens, _ = window(end, ctx)
    if ctx.as_of is not None and ctx.as_of > end:
        yield ctx.info(
            pointer("valid_to"),
            N_("as of {as_of} the accreditation ended on {end}"),
            as_of=ctx.as_of.isoformat(),
            end=end.isoformat(),
        )
    else:
        yield ctx.info(
            pointer("valid_to"),
            N_("re-accreditation may be applied for from {start} until the validity ends on {end}"),
            start=opens.isoformat(),
            end=end.isoformat(),
        )


@rule("MIT-R06", forms=CB_APP, citation=R06_CITATION)
def check_reaccreditation(rec: dict[str, Any], ctx: Context) -> Iterator[Finding]:
    """重新認證 is applied for 「認證有效期間屆滿前六個月起」 (T5); after expiry the body has no
    accreditation left to renew, so the application is treated as a new 認證."""
    if rec.get("application_kind") != "renewal":
        return
    applied = as_date(rec.get("application_date"))
    end = as_date(obj(rec.get("current_cert")).get("valid_to"))
    if applied is None or end is None:
        return
    opens, _ = window(end, ctx)
    if applied < opens:
        yield ctx.error(
            pointer("application_date"),
            N_(
                "re-accreditation was applied for on {applied}, before the window opens on "
                "{start} (the accreditation ends {end})"
            ),
            applied=applied.isoformat(),
            start=opens.isoformat(),
            end=end.isoformat(),
        )
    elif applied > end:
        yield ctx.warning(
            pointer("application_date"),
            N_(
                "re-accreditation was applied for on {applied}, after the accreditation ended "
                "on {end}; it is handled as a new accreditation"
            ),
            applied=applied.isoformat(),
            end=end.isoformat(),
        )


# -- MIT-R07 --------------------------------------------------------------------------------


_MANAGERS = ("tech_manager", "qm_manager")


@rule("MIT-R07", forms=LAB_APP, citation="S0 要點14①②")
def check_lab_qualifications(rec: dict[str, Any], ctx: Context) -> Iterator[Finding]:
    """The two managers' qualifications (要點14①(二)); recognition under an announced scheme
    skips the working group's 評議 (要點14②)."""
    for key in _MANAGERS:
        yield from _manager(rec, key, ctx)
    yield from _other_recognition(rec, ctx)


def _manager(rec: dict[str, Any], key: str, ctx: Context) -> Iterator[Finding]:
    person = rec.get(key)
    if not isinstance(person, dict):
        return
    role = _role(key)
    name = str(person.get("name") or "")
    degree = person.get("degree")
    if isinstance(degree, str) and degree not in COLLEGE_DEGREES:
        yield ctx.error(
            pointer(key, "degree"),
            N_("{role} {name}: the degree {degree} is below 「大專以上」"),
            role=role,
            name=name,
            degree=choice(LAB_APP, pointer(key, "degree"), degree),
        )
    if key == "tech_manager" and person.get("related_field") is False:
        yield ctx.error(
            pointer(key, "related_field"),
            N_("{role} {name}: the degree must be in a related field (「相關科系畢業」)"),
            role=role,
            name=name,
        )
    if "training" in person and blank(person.get("training")):
        yield ctx.error(
            pointer(key, "training"),
            N_("{role} {name}: no professional training is stated (「曾受…專業訓練」)"),
            role=role,
            name=name,
        )
    held = years(person.get("experience_years"))
    if held is not None and held < EXPERIENCE_YEARS:
        yield ctx.error(
            pointer(key, "experience_years"),
            N_("{role} {name}: {years} years of practice, at least {minimum} are required"),
            role=role,
            name=name,
            years=str(held.normalize() if held == held.to_integral() else held),
            minimum=int(EXPERIENCE_YEARS),
        )


def _role(key: str) -> str:
    # The printed labels of the two columns, as message parameters (zh-TW and en alike).
    return {"tech_manager": "技術主管", "qm_manager": "品質管理主管"}[key]


def _other_recognition(rec: dict[str, Any], ctx: Context) -> Iterator[Finding]:
    other = rec.get("other_recognition")
    if not isinstance(other, dict):
        return
    scheme = str(other.get("scheme") or "")
    valid_to = as_date(other.get("valid_to"))
    applied = as_date(rec.get("application_date"))
    if other.get("announced") is not True:
        yield ctx.info(
            pointer("other_recognition", "announced"),
            N_(
                "the recognition under {scheme} counts only if 本署 has announced the scheme; "
                "the announced list is not in the rules, so the working group's review applies"
            ),
            scheme=scheme,
        )
        return
    if valid_to is not None and applied is not None and valid_to < applied:
        yield ctx.warning(
            pointer("other_recognition", "valid_to"),
            N_(
                "the recognition under {scheme} ended on {end}, before the application on "
                "{applied}; the working group's review is not skipped"
            ),
            scheme=scheme,
            end=valid_to.isoformat(),
            applied=applied.isoformat(),
        )
        return
    yield ctx.info(
        pointer("other_recognition"),
        N_(
            "recognised under the announced scheme {scheme}: the working group's review is "
            "skipped and the application goes to the council"
        ),
        scheme=scheme,
    )


# -- MIT-R40 --------------------------------------------------------------------------------


@rule("MIT-R40", forms=APPLICATIONS, citation="S0 要點45②, 46②; 附件十六 五(二)")
def check_abolition_ban(rec: dict[str, Any], ctx: Context) -> Iterator[Finding]:
    """A body whose 認證/認可 was 廢止 may not apply again 「自廢止之次日起一年內」."""
    abolished = as_date(rec.get("prior_abolition_date"))
    applied = as_date(rec.get("application_date"))
    if abolished is None or applied is None:
        return
    end = ban_end(abolished)
    if applied < abolished:
        yield ctx.warning(
            pointer("prior_abolition_date"),
            N_("the abolition on {abolished} is after the application on {applied}"),
            abolished=abolished.isoformat(),
            applied=applied.isoformat(),
        )
    elif applied <= end:
        yield ctx.error(
            pointer("application_date"),
            N_(
                "applied on {applied}, within one year of the abolition on {abolished}: no new "
                "application until the ban ends on {end}"
            ),
            applied=applied.isoformat(),
            abolished=abolished.isoformat(),
            end=end.isoformat(),
        )
    else:
        yield ctx.info(
            pointer("abolition_ban_end"),
            N_("the ban after the abolition on {abolished} ended on {end}"),
            abolished=abolished.isoformat(),
            end=end.isoformat(),
        )


# -- MIT-R70 --------------------------------------------------------------------------------


@rule("MIT-R70", forms=APPLICATIONS, citation="S0 要點12①, 14①")
def check_announced_window(rec: dict[str, Any], ctx: Context) -> Iterator[Finding]:
    """The application is filed 「於本署公告受理期間內」; a last day on a rest day moves to the
    next working day (T10, option ``rest_day_rollover``)."""
    announced = obj(rec.get("announcement_window"))
    opens, closes = as_date(announced.get("from")), as_date(announced.get("to"))
    applied = as_date(rec.get("application_date"))
    if opens is not None and closes is not None and closes < opens:
        yield ctx.error(
            pointer("announcement_window", "to"),
            N_("the announced period ends on {end}, before it starts on {start}"),
            start=opens.isoformat(),
            end=closes.isoformat(),
        )
        return
    if applied is None:
        return
    if opens is not None and applied < opens:
        yield ctx.error(
            pointer("application_date"),
            N_("applied on {applied}, before the announced period opens on {start}"),
            applied=applied.isoformat(),
            start=opens.isoformat(),
        )
    if closes is None:
        return
    last = last_day_for_act(closes, ctx)
    if applied > last.last_day:
        yield ctx.error(
            pointer("application_date"),
            N_("applied on {applied}, after the announced period closed on {end}"),
            applied=applied.isoformat(),
            end=last.last_day.isoformat(),
        )
    elif applied > closes:
        yield ctx.info(
            pointer("application_date"),
            N_(
                "applied on {applied}: the announced period's last day {end} is a rest day, "
                "so it moved to {moved}"
            ),
            applied=applied.isoformat(),
            end=closes.isoformat(),
            moved=last.last_day.isoformat(),
        )


# -- X-06 -----------------------------------------------------------------------------------


def _certificate(case: Case, cert_no: Any) -> CaseDoc | None:
    for doc in case.all(A4):
        if cert_no is not None and doc.data.get("cert_no") == cert_no:
            return doc
    return None


def _successor(case: Case, cert_no: Any, exclude: CaseDoc | None) -> CaseDoc | None:
    for doc in case.all(A4):
        if doc is exclude:
            continue
        if obj(doc.data.get("reissue")).get("prior_cert_no") == cert_no:
            return doc
    for doc in case.all(A4):
        if doc is not exclude and obj(doc.data.get("reissue")):
            return doc
    return None


@case_rule("X-06", forms=(A4, CB_APP, A11), citation="S0 要點13①②")
def check_reaccreditation_case(case: Case, ctx: Context) -> Iterator[Finding]:
    """The 重新認證 application falls in the window of the certificate it renews, and the 換發
    certificate continues it: valid from the day after the old one ends [proposed], naming it.
    A product certificate (附件十一) of the case is issued while its body's accreditation is
    valid [proposed: the catalogue binds X-06 to 附件十一 too]."""
    yield from _issued_while_accredited(case, ctx)
    for app in case.all(CB_APP):
        if app.data.get("application_kind") != "renewal":
            continue
        current = obj(app.data.get("current_cert"))
        old = _certificate(case, current.get("no"))
        if old is None and len(case.all(A4)) >= 1:
            old = next((d for d in case.all(A4) if not obj(d.data.get("reissue"))), None)
        yield from _application_against(app, current, old, ctx)
        old_no = old.data.get("cert_no") if old else current.get("no")
        old_end = as_date(old.data.get("valid_to")) if old else as_date(current.get("valid_to"))
        new = _successor(case, old_no, old)
        if new is not None:
            yield from _successor_against(new, app, old_no, old_end, ctx)


def _issued_while_accredited(case: Case, ctx: Context) -> Iterator[Finding]:
    """Each 附件十一 whose body has a 附件四 in the case falls within one of its validities."""
    spans: dict[str, list[tuple[date, date]]] = {}
    for doc in case.all(A4):
        start, end = as_date(doc.data.get("valid_from")), as_date(doc.data.get("valid_to"))
        name = str(obj(doc.data.get("cb")).get("name") or "").strip()
        if name and start and end:
            spans.setdefault(name, []).append((start, end))
    for doc in case.all(A11):
        name = str(obj(doc.data.get("cb")).get("name") or "").strip()
        issued = as_date(doc.data.get("issue_date"))
        if name not in spans or issued is None:
            continue
        if not any(start <= issued <= end for start, end in spans[name]):
            start, end = min(spans[name])[0], max(e for _, e in spans[name])
            yield ctx.error(
                pointer("issue_date"),
                N_("certificate {cert_no} is issued on {issued} by {cb}, outside its "
                   "accreditation ({start} to {end})"),
                cert_no=str(doc.data.get("cert_no") or ""), issued=issued.isoformat(), cb=name,
                start=start.isoformat(), end=end.isoformat(), form=A11,
            )


def _application_against(
    app: CaseDoc, current: dict[str, Any], old: CaseDoc | None, ctx: Context
) -> Iterator[Finding]:
    if old is None:
        return
    old_no, old_end = old.data.get("cert_no"), as_date(old.data.get("valid_to"))
    if current.get("no") != old_no:
        yield ctx.error(
            pointer("current_cert", "no"),
            N_(
                "the application names certificate {given}; the certificate in the case is "
                "{cert_no}"
            ),
            given=str(current.get("no") or ""),
            cert_no=str(old_no),
            expected=old_no,
            actual=current.get("no"),
            form=CB_APP,
        )
    given_end = as_date(current.get("valid_to"))
    if given_end is not None and old_end is not None and given_end != old_end:
        yield ctx.error(
            pointer("current_cert", "valid_to"),
            N_("the application gives the validity end {given}; the certificate says {end}"),
            given=given_end.isoformat(),
            end=old_end.isoformat(),
            expected=old_end.isoformat(),
            actual=given_end.isoformat(),
            form=CB_APP,
        )
    applied = as_date(app.data.get("application_date"))
    if applied is None or old_end is None:
        return
    opens, _ = window(old_end, ctx)
    if not opens <= applied <= old_end:
        yield ctx.error(
            pointer("application_date"),
            N_(
                "re-accreditation applied for on {applied}, outside the window {start} to {end} "
                "of certificate {cert_no}"
            ),
            applied=applied.isoformat(),
            start=opens.isoformat(),
            end=old_end.isoformat(),
            cert_no=str(old_no),
            form=CB_APP,
        )


def _successor_against(
    new: CaseDoc, app: CaseDoc, old_no: Any, old_end: date | None, ctx: Context
) -> Iterator[Finding]:
    prior = obj(new.data.get("reissue")).get("prior_cert_no")
    if old_no is not None and prior != old_no:
        yield ctx.error(
            pointer("reissue", "prior_cert_no"),
            N_("the reissued certificate names {given} as its predecessor, not {cert_no}"),
            given=str(prior or ""),
            cert_no=str(old_no),
            expected=old_no,
            actual=prior,
            form=A4,
        )
    start = as_date(new.data.get("valid_from"))
    if old_end is not None and start is not None and start != old_end + timedelta(days=1):
        expected = old_end + timedelta(days=1)
        yield ctx.error(
            pointer("valid_from"),
            N_(
                "the new accreditation starts on {start}; it continues the old one, which ends "
                "on {end}, so it starts on {next_day}"
            ),
            start=start.isoformat(),
            end=old_end.isoformat(),
            next_day=expected.isoformat(),
            expected=expected.isoformat(),
            actual=start.isoformat(),
            form=A4,
        )
    applied = as_date(app.data.get("application_date"))
    approval = as_date(obj(new.data.get("council_approval")).get("date"))
    if applied is not None and approval is not None and approval < applied:
        yield ctx.error(
            pointer("council_approval", "date"),
            N_("the council approved on {approval}, before the application of {applied}"),
            approval=approval.isoformat(),
            applied=applied.isoformat(),
            form=A4,
        )
