"""評核人員證書及其展延 (附件十): the 訓練合格證書 and its 展延申請.

The certificate is valid two years from its issue date, the issue day counted (T4, 附件十 七).
A renewal is applied for within the last three months of validity (T5, AMB-05) with the
original training body, after at least two on-site QMS assessments during the validity
(附件十 八; tracking assessments count, AMB-55); each renewal adds two years from the old
end (AMB-12). 要點48 lists the only five grounds on which 本署 may have it revoked.

MIT-R24 (要點30) needs the holder's assessments: the certificate takes them as an optional
log (``assessments``), and X-17 checks every 附件七 of a case against the certificate.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from fractions import Fraction
from typing import Any

from ..findings import Finding
from ..i18n import N_
from ..labels import choice
from ..pointers import pointer
from . import Case, CaseDoc, Context, case_rule, deriver, rule
from .mit_common import A7, as_date, assessment_date, chain_ends, obj, same_name
from .periods import add_months, renewal_window, validity_end

CERT = "mit/annex-10-training-certificate"
RENEWAL = "mit/annex-10-training-cert-renewal-application"
TRACKING_QMS = "mit/annex-15-app-02a-regular-report-qms"  # 附件十五 附錄二 table 1

VALIDITY_YEARS = 2  # 附件十 七 「有效期間為二年」
RENEWAL_YEARS = 2  # 附件十 八 「展延一次之有效期限為二年」
WINDOW_MONTHS = 3  # 附件十 八 「有效期限屆滿前三個月內」
MIN_ASSESSMENTS = 2  # 附件十 八 「至少二次」
PASS_MARK = Fraction(3, 4)  # 附件十 五 「達總分百分之七十五」
GROUNDS = ("g1", "g2", "g3", "g4", "g5")  # 要點48 (一)–(五)

R24_CITATION = "S0 要點30①"
R27_CITATION = "S0 附件十 五①, 六"
R28_CITATION = "S0 附件十 七, 八"
R67_CITATION = "S0 要點48"
X17_CITATION = "S0 要點30①; 附件十 七, 八"


def _iso(day: date | None) -> str:
    return day.isoformat() if day else "-"


def window(valid_to: date, ctx: Context, rule_id: str = "MIT-R28") -> tuple[date, date]:
    """T5 (AMB-05): the last three whole months of validity, or from the same day."""
    if ctx.option("window_rule", "last_n_months", rule=rule_id) == "same_day":
        return add_months(valid_to, -WINDOW_MONTHS), valid_to
    return renewal_window(valid_to, WINDOW_MONTHS)


def period_start(valid_to: date) -> date:
    """The first day of a two-year validity ending on ``valid_to`` (T4 read backwards)."""
    return add_months(valid_to + timedelta(days=1), -12 * VALIDITY_YEARS)


def _renewal_end(base: date, renewal: dict[str, Any], ctx: Context) -> date | None:
    """The new validity end of an approved renewal (AMB-12); None while it is pending."""
    approved = as_date(renewal.get("renewal_date"))
    if approved is None:
        return None
    if ctx.option("extension_start", "continuous", rule="MIT-R28") == "approval":
        return validity_end(approved, RENEWAL_YEARS, "year")
    return validity_end(base + timedelta(days=1), RENEWAL_YEARS, "year")


def _renewals(rec: dict[str, Any]) -> list[Any]:
    renewals = rec.get("renewals")
    return renewals if isinstance(renewals, list) else []


@deriver(CERT, owns={"/valid_to": "MIT-R28", "/renewals": "MIT-R28"})
def derive_certificate(rec: dict[str, Any], ctx: Context) -> None:
    """有效期限 (T4 from the issue date) and each approved renewal's new end."""
    issued = as_date(rec.get("issue_date"))
    base: date | None = None
    if issued is None:
        rec.pop("valid_to", None)
    else:
        base = validity_end(issued, VALIDITY_YEARS, "year")
        rec["valid_to"] = base.isoformat()
    chain_ends(base, _renewals(rec), lambda end, renewal: _renewal_end(end, renewal, ctx))


def periods(rec: dict[str, Any]) -> list[tuple[date, date]]:
    """The certificate's validity periods: the first, then one per approved renewal."""
    issued, end = as_date(rec.get("issue_date")), as_date(rec.get("valid_to"))
    if issued is None or end is None:
        return []
    out = [(issued, end)]
    for raw in _renewals(rec):
        renewal = obj(raw)
        new_end, approved = as_date(renewal.get("new_valid_to")), as_date(
            renewal.get("renewal_date"))
        if new_end is None or approved is None:
            break
        start = end + timedelta(days=1) if new_end == validity_end(
            end + timedelta(days=1), RENEWAL_YEARS, "year") else approved
        out.append((start, new_end))
        end = new_end
    return out


def revoked_on(rec: dict[str, Any]) -> date | None:
    return as_date(obj(rec.get("revoked")).get("date"))


def valid_on(rec: dict[str, Any], day: date) -> bool:
    """Whether the certificate is in force on ``day`` (revoked from its revocation date)."""
    revoked = revoked_on(rec)
    if revoked is not None and day >= revoked:
        return False
    return any(start <= day <= end for start, end in periods(rec))


def final_end(rec: dict[str, Any]) -> date | None:
    found = periods(rec)
    return found[-1][1] if found else None


# -- MIT-R24: the holder carries out assessments only while the certificate is valid -----


@rule("MIT-R24", forms=CERT, citation=R24_CITATION)
def check_assessments_in_validity(rec: dict[str, Any], ctx: Context) -> Iterator[Finding]:
    """Every assessment of the holder's log falls within a validity period, before any
    revocation; as of the reference date, whether the holder may assess is information."""
    issued, end = as_date(rec.get("issue_date")), final_end(rec)
    revoked = revoked_on(rec)
    log = rec.get("assessments")
    for i, raw in enumerate(log if isinstance(log, list) and end is not None else []):
        day = as_date(obj(raw).get("date"))
        if day is None or valid_on(rec, day):
            continue
        if revoked is not None and day >= revoked:
            yield ctx.error(
                pointer("assessments", i, "date"),
                N_("assessment {n} on {day} was carried out after the certificate was "
                   "revoked on {revoked}"),
                n=i + 1, day=day.isoformat(), revoked=revoked.isoformat(),
            )
        else:
            yield ctx.error(
                pointer("assessments", i, "date"),
                N_("assessment {n} on {day} falls outside the certificate's validity "
                   "({start} to {end}); only a holder of a valid certificate may assess"),
                n=i + 1, day=day.isoformat(), start=_iso(issued), end=_iso(end),
            )
    if ctx.as_of is None or end is None:
        return
    if revoked is not None and ctx.as_of >= revoked:
        yield ctx.info(
            pointer("revoked", "date"),
            N_("as of {as_of} the certificate is revoked (since {revoked}); the holder may "
               "not carry out on-site assessments"),
            as_of=ctx.as_of.isoformat(), revoked=revoked.isoformat(),
        )
    elif ctx.as_of > end:
        approved = [i for i, r in enumerate(_renewals(rec)) if obj(r).get("new_valid_to")]
        yield ctx.info(
            pointer("renewals", approved[-1], "new_valid_to") if approved else pointer("valid_to"),
            N_("as of {as_of} the certificate expired on {end}; the holder may not carry out "
               "on-site assessments"),
            as_of=ctx.as_of.isoformat(), end=end.isoformat(),
        )


# -- MIT-R27: the pass mark -------------------------------------------------------------


def _num(value: Any) -> str:
    """A number as a message parameter: 75, 74.5."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _fraction(value: Any) -> Fraction | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return Fraction(str(value))


@rule("MIT-R27", forms=CERT, citation=R27_CITATION)
def check_pass_mark(rec: dict[str, Any], ctx: Context) -> Iterator[Finding]:
    """The exam score reaches 75 % of the total (inclusive), compared exactly."""
    pct = _fraction(rec.get("exam_score_pct"))
    if pct is not None and pct < 100 * PASS_MARK:
        yield ctx.error(
            pointer("exam_score_pct"),
            N_("the exam score {pct}% is below 75% of the total; no certificate may be issued"),
            pct=_num(rec.get("exam_score_pct")),
        )
    exam = obj(rec.get("exam_score"))
    score, top = _fraction(exam.get("score")), _fraction(exam.get("max"))
    if score is None or top is None or top <= 0:
        return
    if score > top:
        yield ctx.error(
            pointer("exam_score", "score"),
            N_("the exam score {score} exceeds the total {max}"),
            score=_num(exam.get("score")), max=_num(exam.get("max")),
        )
        return
    if score / top < PASS_MARK and (pct is None or pct >= 100 * PASS_MARK):
        yield ctx.error(
            pointer("exam_score", "score"),
            N_("the exam score {score} of {max} is below 75% of the total; no certificate "
               "may be issued"),
            score=_num(exam.get("score")), max=_num(exam.get("max")),
        )
    if pct is not None and abs(pct - 100 * score / top) > Fraction(1, 200):
        yield ctx.error(
            pointer("exam_score_pct"),
            N_("the exam score {pct}% does not match {score} of {max} ({computed}%)"),
            pct=_num(rec.get("exam_score_pct")), score=_num(exam.get("score")),
            max=_num(exam.get("max")),
            computed=f"{float(100 * score / top):.2f}",
        )


# -- MIT-R28: issuance after 核備; validity; renewals ------------------------------------


@rule("MIT-R28", forms=CERT, citation=R28_CITATION)
def check_certificate_validity(rec: dict[str, Any], ctx: Context) -> Iterator[Finding]:
    """Issued only after the pass list is 核備; each renewal applied for within the last
    three months, after at least two assessments during the validity."""
    issued = as_date(rec.get("issue_date"))
    filed = as_date(obj(rec.get("roster_filing")).get("date"))
    if issued is not None and filed is not None and issued < filed:
        yield ctx.error(
            pointer("issue_date"),
            N_("the certificate was issued on {issued}, before the pass list was filed with "
               "本署 on {filed}; it may be issued only after the filing"),
            issued=issued.isoformat(), filed=filed.isoformat(),
        )
    trained = as_date(obj(rec.get("training_period")).get("to"))
    if issued is not None and trained is not None and issued < trained:
        yield ctx.error(
            pointer("issue_date"),
            N_("the certificate was issued on {issued}, before the training ended on "
               "{trained}"),
            issued=issued.isoformat(), trained=trained.isoformat(),
        )
    base = as_date(rec.get("valid_to"))
    start = issued
    log = rec.get("assessments")
    log = log if isinstance(log, list) else None
    pending: date | None = None
    for i, raw in enumerate(_renewals(rec)):
        renewal = obj(raw)
        if base is None:
            yield ctx.warning(
                pointer("renewals", i),
                N_("renewal {n} follows one that is not approved; it cannot be checked"),
                n=i + 1,
            )
            break
        yield from _renewal(i, renewal, start, base, log, ctx)
        applied = as_date(renewal.get("applied_date"))
        pending = applied if renewal.get("renewal_date") is None else None
        new_end = as_date(renewal.get("new_valid_to"))
        start = None if new_end is None else (base + timedelta(days=1) if new_end == validity_end(
            base + timedelta(days=1), RENEWAL_YEARS, "year") else as_date(
            renewal.get("renewal_date")))
        base = new_end
    end = final_end(rec)
    if ctx.as_of is not None and end is not None and ctx.as_of > end and pending is not None:
        yield ctx.info(
            pointer("renewals"),
            N_("as of {as_of} the validity ended on {end}; the renewal applied for on "
               "{applied} is still pending"),
            as_of=ctx.as_of.isoformat(), end=end.isoformat(), applied=pending.isoformat(),
        )


def _renewal(i: int, renewal: dict[str, Any], start: date | None, base: date,
             log: list[Any] | None, ctx: Context) -> Iterator[Finding]:
    applied = as_date(renewal.get("applied_date"))
    approved = as_date(renewal.get("renewal_date"))
    if applied is not None:
        yield from _window_findings(pointer("renewals", i, "applied_date"), applied, base, ctx,
                                    n=i + 1)
    if approved is not None and applied is not None and approved < applied:
        yield ctx.error(
            pointer("renewals", i, "renewal_date"),
            N_("renewal {n} was approved on {approved}, before it was applied for on "
               "{applied}"),
            n=i + 1, approved=approved.isoformat(), applied=applied.isoformat(),
        )
    declared = renewal.get("assessments_count")
    if isinstance(declared, int) and not isinstance(declared, bool) and \
            declared < MIN_ASSESSMENTS:
        yield ctx.error(
            pointer("renewals", i, "assessments_count"),
            N_("renewal {n} rests on {count} on-site assessment(s); at least two during the "
               "validity are required"),
            n=i + 1, count=declared,
        )
    if log is None or start is None or applied is None:
        return
    upto = min(applied, base)
    logged = sum(1 for raw in log
                 if (day := as_date(obj(raw).get("date"))) and start <= day <= upto)
    if isinstance(declared, int) and logged < declared:
        yield ctx.warning(
            pointer("renewals", i, "assessments_count"),
            N_("renewal {n} declares {count} assessments but the log holds {logged} between "
               "{start} and {applied}"),
            n=i + 1, count=declared, logged=logged, start=start.isoformat(),
            applied=upto.isoformat(),
        )


def _window_findings(path: str, applied: date, valid_to: date, ctx: Context,
                     n: int | None = None) -> Iterator[Finding]:
    first, last = window(valid_to, ctx)
    if applied < first:
        yield ctx.error(
            path,
            N_("the renewal was applied for on {applied}, before the window opens on {start} "
               "(three months before the validity ends on {end})"),
            applied=applied.isoformat(), start=first.isoformat(), end=last.isoformat(),
        )
    elif applied > last:
        yield ctx.error(
            path,
            N_("the renewal was applied for on {applied}, after the validity ended on {end}; "
               "an expired certificate cannot be renewed"),
            applied=applied.isoformat(), end=last.isoformat(),
        )


# -- MIT-R67: revocation only on the grounds of 要點48 -------------------------------------


@rule("MIT-R67", forms=CERT, citation=R67_CITATION)
def check_revocation(rec: dict[str, Any], ctx: Context) -> Iterator[Finding]:
    """撤銷 only on one of 要點48 (一)–(五), verified; (五) also needs 情節重大."""
    revoked = obj(rec.get("revoked"))
    if not revoked:
        return
    ground = revoked.get("ground")
    if ground not in GROUNDS:
        yield ctx.error(
            pointer("revoked", "ground"),
            N_("the ground {ground} is not one of the five grounds of 要點48; the certificate "
               "may not be revoked on it"),
            ground=choice(CERT, "/revoked/ground", ground),
        )
    if revoked.get("verified") is not True:
        yield ctx.error(
            pointer("revoked", "verified"),
            N_("revocation requires the ground to be verified as true (經查證屬實)"),
        )
    if ground == "g5" and revoked.get("serious_impact") is not True:
        yield ctx.error(
            pointer("revoked", "serious_impact"),
            N_("ground (五) allows revocation only when the conduct is serious enough to "
               "affect the company's normal production"),
        )
    day, issued = as_date(revoked.get("date")), as_date(rec.get("issue_date"))
    if day is not None and issued is not None and day < issued:
        yield ctx.error(
            pointer("revoked", "date"),
            N_("the revocation date {day} is before the issue date {issued}"),
            day=day.isoformat(), issued=issued.isoformat(),
        )


# -- MIT-R28 on the renewal application ----------------------------------------------------


def application_start(rec: dict[str, Any]) -> date | None:
    """The first day of the validity the application renews."""
    given = as_date(rec.get("valid_from"))
    if given is not None:
        return given
    end = as_date(rec.get("valid_to"))
    return period_start(end) if end is not None else None


def _rows(rec: dict[str, Any]) -> list[Any]:
    rows = rec.get("assessments")
    return rows if isinstance(rows, list) else []


def counted_rows(rec: dict[str, Any]) -> list[int]:
    """Indexes of the rows dated within [valid_from, min(application_date, valid_to)]."""
    start = application_start(rec)
    applied, end = as_date(rec.get("application_date")), as_date(rec.get("valid_to"))
    if start is None or applied is None or end is None:
        return []
    upto = min(applied, end)
    return [i for i, raw in enumerate(_rows(rec))
            if (day := as_date(obj(raw).get("date"))) and start <= day <= upto]


@deriver(RENEWAL, owns={"/assessments_count": "MIT-R28"})
def derive_renewal(rec: dict[str, Any], ctx: Context) -> None:
    if application_start(rec) is None or as_date(rec.get("application_date")) is None:
        rec.pop("assessments_count", None)
        return
    rec["assessments_count"] = len(counted_rows(rec))


@rule("MIT-R28", forms=RENEWAL, citation=R28_CITATION)
def check_renewal_application(rec: dict[str, Any], ctx: Context) -> Iterator[Finding]:
    """Filed within the last three months with the original training body, listing at
    least two assessments performed during the validity."""
    applied, end = as_date(rec.get("application_date")), as_date(rec.get("valid_to"))
    if applied is not None and end is not None:
        yield from _window_findings(pointer("application_date"), applied, end, ctx)
    issuer, body = rec.get("cert_issuer"), rec.get("issuing_body")
    if isinstance(issuer, str) and isinstance(body, str) and not same_name(issuer, body):
        yield ctx.error(
            pointer("issuing_body"),
            N_("the application is filed with {body}; it must go to the original training "
               "body {issuer}"),
            body=body, issuer=issuer, expected=issuer, actual=body,
        )
    start = application_start(rec)
    if applied is None or end is None or start is None:
        return
    counted = set(counted_rows(rec))
    upto = min(applied, end)
    for i, raw in enumerate(_rows(rec)):
        day = as_date(obj(raw).get("date"))
        if day is not None and i not in counted:
            yield ctx.warning(
                pointer("assessments", i, "date"),
                N_("assessment {n} on {day} is outside the validity before the application "
                   "({start} to {upto}) and does not count"),
                n=i + 1, day=day.isoformat(), start=start.isoformat(), upto=upto.isoformat(),
            )
    if len(counted) < MIN_ASSESSMENTS:
        yield ctx.error(
            pointer("assessments"),
            N_("only {count} on-site assessment(s) fall within the validity; at least two "
               "are required for a renewal"),
            count=len(counted),
        )


# -- assessor certificate ↔ assessments --------------------------------------------


def _a7_date_path(a7: dict[str, Any]) -> str:
    return pointer("assessment_date") if a7.get("assessment_date") else pointer("sign_date")


def signed_by(a7: dict[str, Any], cert_no: Any, name: Any) -> bool:
    """Whether an 附件七 was signed by this assessor: by certificate number, else by name."""
    given = a7.get("assessor_training_cert_no")
    if isinstance(given, str) and given.strip():
        return same_name(given, cert_no)
    return same_name(a7.get("assessor_signature"), name)


def _case_no(a7: dict[str, Any]) -> Any:
    return obj(a7.get("summary")).get("case_no")


@case_rule("X-17", forms=(CERT, A7, RENEWAL, TRACKING_QMS), citation=X17_CITATION)
def check_assessor_certificate(case: Case, ctx: Context) -> Iterator[Finding]:
    """Every 附件七 (and 附件十五 附錄二 定期追蹤查核表) signed by a certificate holder of the case
    falls within the certificate's validity; a renewal application agrees with the
    certificate and the 附件七 it lists."""
    certs = case.all(CERT)
    for cert in certs:
        holder = obj(cert.data.get("holder"))
        cert_no, name = cert.data.get("cert_no"), holder.get("name")
        for a7 in case.all(A7):
            if signed_by(a7.data, cert_no, name):
                yield from _a7_in_validity(cert.data, a7.data, ctx)
        for report in case.all(TRACKING_QMS):
            yield from _tracking_in_validity(cert.data, report.data, ctx)
    for app in case.all(RENEWAL):
        issued = next((c for c in certs
                       if same_name(c.data.get("cert_no"), app.data.get("cert_no"))), None)
        if issued is not None:
            yield from _application_vs_certificate(app.data, issued.data, ctx)
        yield from _application_vs_assessments(app.data, case.all(A7), ctx)


def _a7_in_validity(cert: dict[str, Any], a7: dict[str, Any], ctx: Context) -> Iterator[Finding]:
    day = assessment_date(a7)
    if day is None or not periods(cert) or valid_on(cert, day):
        return
    revoked = revoked_on(cert)
    if revoked is not None and day >= revoked:
        yield ctx.error(
            _a7_date_path(a7),
            N_("the assessment of {day} was signed by {name}, whose certificate {cert_no} was "
               "revoked on {revoked}"),
            day=day.isoformat(), name=str(a7.get("assessor_signature") or ""),
            cert_no=str(cert.get("cert_no")), revoked=revoked.isoformat(), form=A7,
        )
        return
    found = periods(cert)
    yield ctx.error(
        _a7_date_path(a7),
        N_("the assessment of {day} was signed by {name}, whose certificate {cert_no} was not "
           "valid that day ({start} to {end})"),
        day=day.isoformat(), name=str(a7.get("assessor_signature") or ""),
        cert_no=str(cert.get("cert_no")),
        start=_iso(found[0][0] if found else None), end=_iso(final_end(cert)), form=A7,
    )


def _tracking_in_validity(cert: dict[str, Any], report: dict[str, Any],
                          ctx: Context) -> Iterator[Finding]:
    """A 附件十五 附錄二 report names its inspectors (``inspectors``) and, when given, their
    certificates (``inspector_certs``): one of them holding this certificate must hold it
    valid on ``inspected_at``."""
    cert_no, name = cert.get("cert_no"), obj(cert.get("holder")).get("name")
    listed = [obj(c) for c in report.get("inspector_certs") or [] if isinstance(c, dict)]
    by_no = [c for c in listed if same_name(c.get("cert_no"), cert_no)]
    names = [n for n in report.get("inspectors") or [] if isinstance(n, str)]
    if not by_no and (listed and any(same_name(c.get("name"), name) for c in listed)
                      or not any(same_name(n, name) for n in names)):
        return  # another certificate of the same name is given, or the holder is not named
    day = as_date(report.get("inspected_at"))
    if day is None or not periods(cert) or valid_on(cert, day):
        return
    index = next((i for i, n in enumerate(names) if same_name(n, name)), 0)
    found = periods(cert)
    yield ctx.error(
        pointer("inspectors", index),
        N_("the tracking inspection of {day} was carried out by {name}, whose certificate "
           "{cert_no} was not valid that day ({start} to {end})"),
        day=day.isoformat(), name=str(name or ""), cert_no=str(cert_no),
        start=_iso(found[0][0] if found else None), end=_iso(final_end(cert)),
        form=TRACKING_QMS,
    )


def _application_vs_certificate(app: dict[str, Any], cert: dict[str, Any],
                                ctx: Context) -> Iterator[Finding]:
    body = obj(cert.get("training_body")).get("name")
    given = app.get("issuing_body")
    if isinstance(body, str) and isinstance(given, str) and not same_name(body, given):
        yield ctx.error(
            pointer("issuing_body"),
            N_("the application is filed with {body}; the certificate was issued by {issuer}"),
            body=given, issuer=body, expected=body, actual=given, form=RENEWAL,
        )
    holder, applicant = obj(cert.get("holder")), obj(app.get("applicant"))
    for key in ("name", "id_no"):
        if holder.get(key) is not None and applicant.get(key) is not None and \
                not same_name(holder.get(key), applicant.get(key)):
            yield ctx.error(
                pointer("applicant", key),
                N_("the applicant's {field} differs from the certificate holder's"),
                field="姓名" if key == "name" else "身分證統一編號", form=RENEWAL,
            )
    applied = as_date(app.get("application_date"))
    in_force = None
    for start, end in periods(cert):
        if applied is None or start <= applied:
            in_force = end
    stated = as_date(app.get("valid_to"))
    if in_force is not None and stated is not None and stated != in_force:
        yield ctx.error(
            pointer("valid_to"),
            N_("the application gives the validity end {stated}; the certificate's validity "
               "in force ends on {end}"),
            stated=stated.isoformat(), end=in_force.isoformat(),
            expected=in_force.isoformat(), actual=stated.isoformat(), form=RENEWAL,
        )


def _application_vs_assessments(app: dict[str, Any], a7s: list[CaseDoc],
                                ctx: Context) -> Iterator[Finding]:
    name = obj(app.get("applicant")).get("name")
    cert_no = app.get("cert_no")
    counted = set(counted_rows(app))
    confirmed = unmatched = 0
    for i, raw in enumerate(_rows(app)):
        row = obj(raw)
        ref = row.get("a7_ref") or row.get("case_no")
        a7 = next((d.data for d in a7s if ref and same_name(_case_no(d.data), ref)), None)
        if a7 is None:
            unmatched += 1
            continue
        ok = True
        if not signed_by(a7, cert_no, name):
            ok = False
            yield ctx.error(
                pointer("assessments", i),
                N_("assessment {n} ({ref}) was not signed by the applicant as assessor"),
                n=i + 1, ref=str(ref), form=RENEWAL,
            )
        day, listed = assessment_date(a7), as_date(row.get("date"))
        if day is not None and listed is not None and day != listed:
            ok = False
            yield ctx.error(
                pointer("assessments", i, "date"),
                N_("assessment {n} is listed on {listed}; its 附件七 ({ref}) is dated {day}"),
                n=i + 1, listed=listed.isoformat(), ref=str(ref), day=day.isoformat(),
                expected=day.isoformat(), actual=listed.isoformat(), form=RENEWAL,
            )
        if a7.get("company") and row.get("company") and not same_name(a7["company"],
                                                                  row["company"]):
            ok = False
            yield ctx.error(
                pointer("assessments", i, "company"),
                N_("assessment {n} names {listed}; its 附件七 ({ref}) names {company}"),
                n=i + 1, listed=str(row["company"]), ref=str(ref), company=str(a7["company"]),
                form=RENEWAL,
            )
        if ok and i in counted:
            confirmed += 1
    if confirmed >= MIN_ASSESSMENTS or not _rows(app):
        return
    if unmatched:
        yield ctx.info(
            pointer("assessments"),
            N_("{confirmed} listed assessment(s) are confirmed by an 附件七 of the case; "
               "{unmatched} are not in the case and were not checked"),
            confirmed=confirmed, unmatched=unmatched, form=RENEWAL,
        )
    else:
        yield ctx.error(
            pointer("assessments"),
            N_("only {confirmed} 附件七 of the case confirm an assessment during the "
               "validity; at least two are required for a renewal"),
            confirmed=confirmed, form=RENEWAL,
        )
