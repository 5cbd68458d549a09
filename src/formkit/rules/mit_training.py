"""評核人員訓練：訓練計畫、學員報名、合格名冊 (附件十).

Rules of this family register here; `rules/mit.py` imports the module.

附件十 sets the assessors' training: a training body runs it under a plan 本署 has approved
(三, 四; 附錄一), trainees of one of three qualifications (二) attend every 課目 of 附錄三 for
its minimum hours, 28 hours in all, with 折抵 for prior training (五), pass a written exam at
75 % of the total (五, 六), and receive a two-year certificate once the pass list is 核備 (七).

The arithmetic is kept in pure functions (``SUBJECT_MINIMA``, :func:`subject_shortfalls`,
:func:`hours_suffice`, :func:`passes`, :func:`score_pct`, :func:`full_months`,
:func:`qualified`, :func:`certificate_valid_to`, :func:`renewal_window_of`) so that the rules of
the certificate forms (A.1.10, A.1.13) can share them.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from datetime import date
from fractions import Fraction
from typing import Any

from ..findings import Finding
from ..i18n import N_, Localised, phrase
from ..labels import choice
from ..pointers import pointer
from . import Case, CaseDoc, Context, case_rule, deriver, rule
from .mit_common import as_date, obj
from .periods import day_text, period_end, renewal_window, validity_end

PLAN = "mit/annex-10-app-01-training-plan"
REGISTRATION = "mit/annex-10-trainee-registration"
ROSTER = "mit/annex-10-pass-roster"
# The certificate (A.1.10, rules/mit_assessor.py); X-18 reads it by these keys.
CERTIFICATE = "mit/annex-10-training-certificate"

# 附錄三 一: the eleven 課目 (s01–s11) and each one's 訓練時數要求 in hours (「…小時以上」).
SUBJECTS: tuple[str, ...] = tuple(f"s{i:02d}" for i in range(1, 12))
SUBJECT_MINIMA: tuple[float, ...] = (1, 2, 1, 5, 3, 3, 4, 3, 3, 3, 1)
EXAM_SUBJECT = "s11"  # 測驗: the exam itself; it cannot be offset [proposed]
TOTAL_MINIMUM = 28  # 附錄三 二 「訓練總時數至少應達二十八小時以上」
PASS_MARK = Fraction(75, 100)  # 附件十 五 「考試成績應達總分百分之七十五」
CERT_VALIDITY_YEARS = 2  # 附件十 七 「有效期間為二年」
RENEWAL_WINDOW_MONTHS = 3  # 附件十 八 「有效期限屆滿前三個月內」
RENEWAL_MIN_ASSESSMENTS = 2  # 附件十 八 「至少二次」
# 附件十 二: the work each basis requires, in whole months, or the credits.
QUALIFICATION_MONTHS = {"cb_work": 12, "qc_work": 24}
QUALIFICATION_CREDITS = 4

R25 = "S0 附件十 二"
R26 = "S0 附件十 五①②; 附錄三"
R27 = "S0 附件十 五①, 六"
R28 = "S0 附件十 七, 八"
R29 = "S0 附件十 三, 四, 七; 附錄二"
X18 = "S0 附件十 二, 五, 七; 附錄二, 附錄三"


# -- pure helpers ----------------------------------------------------------------------------


def number(value: Any) -> float | None:
    """A number of the record (hours, a score), or None."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return value


def plain(value: float) -> int | float:
    """3.0 → 3: hours and scores print without a needless decimal."""
    return int(value) if float(value).is_integer() else value


def _n(value: float) -> int | str:
    """A number as a message parameter: an int, or its text (17.5)."""
    return int(value) if float(value).is_integer() else str(value)


def subject_index(code: Any) -> int | None:
    return SUBJECTS.index(code) if code in SUBJECTS else None


def subject_shortfalls(
    hours: list[float | None], offsets: dict[int, float] | None = None
) -> list[tuple[int, float, float]]:
    """(index, hours given incl. offsets, minimum) of each 課目 below its 附錄三 minimum."""
    offsets = offsets or {}
    out = []
    for i, minimum in enumerate(SUBJECT_MINIMA):
        planned = hours[i] if i < len(hours) else None
        given = (planned if planned is not None else 0) + offsets.get(i, 0)
        if given < minimum:
            out.append((i, given, minimum))
    return out


def hours_suffice(attended: float, offset: float = 0, offset_counts: bool = True) -> bool:
    """附錄三 二 (AMB-11): the hours attended, with the offset hours unless the option says
    otherwise, reach 28 (以上: inclusive)."""
    return attended + (offset if offset_counts else 0) >= TOTAL_MINIMUM


def passes(score: float, full_marks: float = 100) -> bool:
    """附件十 五 「達總分百分之七十五」: score / full ≥ 0.75, inclusive, in exact arithmetic."""
    return Fraction(score) >= PASS_MARK * Fraction(full_marks)


def score_pct(score: float, full_marks: float = 100) -> int | float:
    """The score as a percentage of the total, truncated (never rounded up) to 2 decimals,
    so that 74.999 % prints 74.99 and not 75."""
    hundredths = math.floor(Fraction(score) * 10000 / Fraction(full_marks))
    return plain(hundredths / 100) if hundredths % 100 else hundredths // 100


def full_months(start: date, end: date) -> int:
    """Whole months of work from ``start`` to ``end``, both days counted (T4's counting:
    2022-01-01 … 2022-12-31 is 12 months, 滿一年)."""
    if end < start:
        return 0
    months = 0
    while period_end(start, months + 1, "month") <= end:
        months += 1
    return months


def qualified(basis: Any, months: int | None, credits: float | None) -> bool:
    """附件十 二: 滿一年以上 (驗證機構), 滿兩年以上 (企業品管), 達四學分以上 (大專院校)."""
    if basis in QUALIFICATION_MONTHS:
        return months is not None and months >= QUALIFICATION_MONTHS[basis]
    if basis == "credits":
        return credits is not None and credits >= QUALIFICATION_CREDITS
    return False


def certificate_valid_to(issue_date: date) -> date:
    """附件十 七: two years, the issue day counted (T4). 2024-07-01 → 2026-06-30."""
    return validity_end(issue_date, CERT_VALIDITY_YEARS, "year")


def renewal_window_of(valid_to: date) -> tuple[date, date]:
    """附件十 八 (T5, AMB-05): the last three whole months. 2026-06-30 → 2026-04-01…."""
    return renewal_window(valid_to, RENEWAL_WINDOW_MONTHS)


def _subject(form: str, ptr: str, code: Any) -> str:
    return choice(form, ptr, code)


def _offset_counts(ctx: Context) -> bool:
    return bool(ctx.option("offset_counts_toward_total", True, rule="MIT-R26"))


def _rows(value: Any) -> list[dict[str, Any]]:
    return [obj(v) for v in value] if isinstance(value, list) else []


# -- 附件十 附錄一 訓練計畫書 ------------------------------------------------------------------


def plan_hours(rec: dict[str, Any]) -> list[float | None]:
    return [number(row.get("hours")) for row in _rows(obj(rec.get("course")).get("subjects"))]


@deriver(PLAN, owns={"/course/total_hours": "MIT-R26", "/fees_total": "MIT-R26"})
def derive_plan(rec: dict[str, Any], ctx: Context) -> None:
    """訓練總時數 (the sum of the 課目 hours) and the fees' total."""
    course = rec.get("course")
    if isinstance(course, dict):
        hours = plan_hours(rec)
        if hours and None not in hours:
            course["total_hours"] = plain(sum(h for h in hours if h is not None))
        else:
            course.pop("total_hours", None)
    fees = rec.get("fees")
    amounts = [r.get("amount") for r in _rows(fees)]
    if amounts and all(isinstance(a, int) and not isinstance(a, bool) for a in amounts):
        rec["fees_total"] = sum(amounts)
    else:
        rec.pop("fees_total", None)


@rule("MIT-R26", forms=PLAN, citation=R26)
def check_plan_hours(rec: dict[str, Any], ctx: Context) -> Iterator[Finding]:
    """Each 課目 at its 附錄三 minimum, 28 hours in all; the offsets the plan allows are
    for its own 課目, at most their hours, with the 折抵 procedure written out."""
    hours = plan_hours(rec)
    for i, given, minimum in subject_shortfalls(hours) if len(hours) == len(SUBJECTS) else []:
        yield ctx.error(
            pointer("course", "subjects", i, "hours"),
            N_("{subject} has {hours} hours; 附錄三 requires {minimum} hours or more"),
            subject=_subject(PLAN, "/rules/offset_subjects/0/subject", SUBJECTS[i]),
            hours=_n(given),
            minimum=_n(minimum),
        )
    total = number(obj(rec.get("course")).get("total_hours"))
    if total is not None and total < TOTAL_MINIMUM:
        yield ctx.error(
            pointer("course", "total_hours"),
            N_("the training totals {total} hours; 附錄三 requires {minimum} hours or more"),
            total=_n(total),
            minimum=TOTAL_MINIMUM,
        )
    rules = obj(rec.get("rules"))
    offsets = _rows(rules.get("offset_subjects"))
    seen: set[str] = set()
    for j, off in enumerate(offsets):
        code, off_hours = off.get("subject"), number(off.get("hours"))
        index = subject_index(code)
        path = ("rules", "offset_subjects", j)
        label = _subject(PLAN, "/rules/offset_subjects/0/subject", code)
        if code in seen:
            yield ctx.error(pointer(*path, "subject"),
                            N_("{subject} is listed twice among the offset subjects"),
                            subject=label)
        seen.add(str(code))
        if code == EXAM_SUBJECT:
            yield ctx.error(pointer(*path, "subject"),
                            N_("{subject} is the exam itself and cannot be offset"),
                            subject=label)
        planned = hours[index] if index is not None and index < len(hours) else None
        if off_hours is not None and planned is not None and off_hours > planned:
            yield ctx.error(
                pointer(*path, "hours"),
                N_("{subject} may be offset by {offset} hours but the plan gives it only "
                   "{hours} hours"),
                subject=label,
                offset=_n(off_hours),
                hours=_n(planned),
            )
    if offsets and not str(rules.get("offset_procedure") or "").strip():
        yield ctx.error(
            pointer("rules", "offset_procedure"),
            N_("the plan allows offsets but does not set out the offset procedure"),
        )


@rule("MIT-R29", forms=PLAN, citation=R29)
def check_plan_approval(rec: dict[str, Any], ctx: Context) -> Iterator[Finding]:
    """The training runs only under a plan 本署 has approved: no class before the approval,
    no approval before the plan was filed."""
    approval = obj(rec.get("approval"))
    approved_on = as_date(approval.get("date"))
    submitted = as_date(rec.get("submitted_date"))
    if approved_on is not None and submitted is not None and approved_on < submitted:
        yield ctx.error(
            pointer("approval", "date"),
            N_("the plan was decided on {decided}, before it was filed on {filed}"),
            decided=day_text(approved_on),
            filed=day_text(submitted),
        )
    if not approval:
        yield ctx.info(
            pointer("approval"),
            N_("the plan has not been approved yet: no class may be held before 本署 approves it"),
        )
        return
    if approval.get("result") == "rejected":
        yield ctx.info(
            pointer("approval", "result"),
            N_("the plan was rejected on {date}: no training may be held under it"),
            date=day_text(approved_on) if approved_on else "",
        )
        return
    if approved_on is None:
        return
    days = _rows(obj(rec.get("course")).get("dates"))
    for i, day in enumerate(days):
        held = as_date(day.get("date"))
        if held is not None and held < approved_on:
            yield ctx.error(
                pointer("course", "dates", i, "date"),
                N_("the class of {held} precedes the plan's approval on {approved}"),
                held=day_text(held),
                approved=day_text(approved_on),
            )


# -- 參訓報名 / 資格證明 ------------------------------------------------------------------------


@deriver(REGISTRATION, owns={"/qualification_evidence/months": "MIT-R25",
                             "/offset_total": "MIT-R26"})
def derive_registration(rec: dict[str, Any], ctx: Context) -> None:
    """The whole months of the qualifying work and the offset hours claimed in all."""
    evidence = rec.get("qualification_evidence")
    if isinstance(evidence, dict):
        start, end = as_date(evidence.get("from")), as_date(evidence.get("to"))
        if start is not None and end is not None:
            evidence["months"] = full_months(start, end)
        else:
            evidence.pop("months", None)
    claims = _rows(rec.get("offset_claims"))
    hours = [number(c.get("hours")) for c in claims]
    if claims and None not in hours:
        rec["offset_total"] = plain(sum(h for h in hours if h is not None))
    else:
        rec.pop("offset_total", None)


@rule("MIT-R25", forms=REGISTRATION, citation=R25)
def check_eligibility(rec: dict[str, Any], ctx: Context) -> Iterator[Finding]:
    """One of the three qualifications of 附件十 二, with its proof."""
    yield from eligibility_findings(rec, ctx)


def eligibility_findings(
    rec: dict[str, Any], ctx: Context, prefix: str = "", form: str | None = None
) -> Iterator[Finding]:
    """MIT-R25 over a registration record (``prefix`` and ``form`` place the findings of a
    registration read inside a case)."""
    basis = rec.get("qualification_basis")
    evidence = obj(rec.get("qualification_evidence"))
    label = choice(REGISTRATION, "/qualification_basis", basis)
    where = {"form": form} if form else {}
    if basis in QUALIFICATION_MONTHS:
        start, end = as_date(evidence.get("from")), as_date(evidence.get("to"))
        if start is None or end is None:
            yield ctx.error(
                prefix + pointer("qualification_evidence", "from" if start is None else "to"),
                N_("{basis}: give the first and the last day of the work the proof covers"),
                basis=label, **where,
            )
        else:
            months = full_months(start, end)
            needed = QUALIFICATION_MONTHS[basis]
            if months < needed:
                yield ctx.error(
                    prefix + pointer("qualification_evidence", "to"),
                    N_("{basis}: the proof covers {months} whole months of work from {start} "
                       "to {end}; {needed} months are required"),
                    basis=label, months=months, start=day_text(start), end=day_text(end),
                    needed=needed, expected=needed, actual=months, **where,
                )
    elif basis == "credits":
        credits = number(evidence.get("credits"))
        if credits is None or credits < QUALIFICATION_CREDITS:
            yield ctx.error(
                prefix + pointer("qualification_evidence", "credits"),
                N_("{basis}: {credits} credits; {needed} credits or more are required"),
                basis=label, credits=_n(credits) if credits is not None else 0,
                needed=QUALIFICATION_CREDITS, **where,
            )
    if not obj(evidence.get("document")).get("title"):
        yield ctx.error(
            prefix + pointer("qualification_evidence", "document"),
            N_("the qualification needs its proof (a document)"), **where,
        )


@rule("MIT-R26", forms=REGISTRATION, citation=R26)
def check_offset_claims(rec: dict[str, Any], ctx: Context) -> Iterator[Finding]:
    """Each 折抵 claim has its proof, is for a 課目 other than the exam, is claimed once,
    and is at most the 課目's 附錄三 hours."""
    seen: set[str] = set()
    for j, claim in enumerate(_rows(rec.get("offset_claims"))):
        code, hours = claim.get("subject"), number(claim.get("hours"))
        path = ("offset_claims", j)
        label = _subject(REGISTRATION, "/offset_claims/0/subject", code)
        if not str(claim.get("proof") or "").strip():
            yield ctx.error(pointer(*path, "proof"),
                            N_("the offset for {subject} has no proof of the prior training"),
                            subject=label)
        if code in seen:
            yield ctx.error(pointer(*path, "subject"),
                            N_("{subject} is claimed twice"), subject=label)
        seen.add(str(code))
        if code == EXAM_SUBJECT:
            yield ctx.error(pointer(*path, "subject"),
                            N_("{subject} is the exam itself and cannot be offset"),
                            subject=label)
        i = subject_index(code)
        if i is not None and hours is not None and hours > SUBJECT_MINIMA[i]:
            yield ctx.warning(
                pointer(*path, "hours"),
                N_("{hours} hours are claimed for {subject}, more than its {minimum} hours of "
                   "附錄三; the approved plan's offset table decides"),
                hours=_n(hours), subject=label, minimum=_n(SUBJECT_MINIMA[i]),
            )


# -- 訓練合格名單 ------------------------------------------------------------------------------


def _full_marks(rec: dict[str, Any]) -> float:
    full = number(rec.get("exam_full_marks"))
    return full if full is not None and full > 0 else 100


def row_result(row: dict[str, Any], full_marks: float, offset_counts: bool = True) -> str | None:
    """合格 when the hours suffice (MIT-R26) and the score reaches 75 % (MIT-R27)."""
    attended, score = number(row.get("hours_completed")), number(row.get("score"))
    if attended is None or score is None or score > full_marks:
        return None if attended is None or score is None else "fail"
    offset = number(row.get("hours_offset")) or 0
    ok = hours_suffice(attended, offset, offset_counts) and passes(score, full_marks)
    return "pass" if ok else "fail"


@deriver(ROSTER, owns={"/rows/*/hours_total": "MIT-R26", "/rows/*/score_pct": "MIT-R27",
                       "/rows/*/result": "MIT-R27", "/certificates/valid_to": "MIT-R28"})
def derive_roster(rec: dict[str, Any], ctx: Context) -> None:
    """Each row's hours in all, score as a percentage and result; the certificates' end."""
    full = _full_marks(rec)
    rows = rec.get("rows")
    for row in rows if isinstance(rows, list) else []:
        if not isinstance(row, dict):
            continue
        attended, score = number(row.get("hours_completed")), number(row.get("score"))
        offset = number(row.get("hours_offset")) or 0
        if attended is not None:
            row["hours_total"] = plain(attended + offset)
        else:
            row.pop("hours_total", None)
        if score is not None:
            row["score_pct"] = score_pct(score, full)
        else:
            row.pop("score_pct", None)
        result = row_result(row, full, _offset_counts(ctx))
        if result is None:
            row.pop("result", None)
        else:
            row["result"] = result
    certificates = rec.get("certificates")
    if isinstance(certificates, dict):
        issued = as_date(certificates.get("issue_date"))
        if issued is not None:
            certificates["valid_to"] = certificate_valid_to(issued).isoformat()
        else:
            certificates.pop("valid_to", None)


def roster_hours_findings(
    rec: dict[str, Any], ctx: Context, form: str | None = None
) -> Iterator[Finding]:
    counts = _offset_counts(ctx)
    where = {"form": form} if form else {}
    for i, row in enumerate(_rows(rec.get("rows"))):
        attended = number(row.get("hours_completed"))
        offset = number(row.get("hours_offset")) or 0
        if attended is None or hours_suffice(attended, offset, counts):
            continue
        if counts:
            yield ctx.error(
                pointer("rows", i, "hours_completed"),
                N_("{name}: {attended} hours attended and {offset} offset, {total} in all; "
                   "the training requires {minimum} hours or more"),
                name=str(row.get("name", "")), attended=_n(attended), offset=_n(offset),
                total=_n(attended + offset), minimum=TOTAL_MINIMUM, **where,
            )
        else:
            yield ctx.error(
                pointer("rows", i, "hours_completed"),
                N_("{name}: {attended} hours attended; without the offset hours the training "
                   "requires {minimum} hours or more"),
                name=str(row.get("name", "")), attended=_n(attended), minimum=TOTAL_MINIMUM,
                **where,
            )


@rule("MIT-R26", forms=ROSTER, citation=R26)
def check_roster_hours(rec: dict[str, Any], ctx: Context) -> Iterator[Finding]:
    """Everyone on the pass list completed the hours: attended plus offset ≥ 28 (AMB-11)."""
    yield from roster_hours_findings(rec, ctx)


def roster_score_findings(
    rec: dict[str, Any], ctx: Context, form: str | None = None
) -> Iterator[Finding]:
    full = _full_marks(rec)
    where = {"form": form} if form else {}
    for i, row in enumerate(_rows(rec.get("rows"))):
        score = number(row.get("score"))
        if score is None:
            continue
        if score > full:
            yield ctx.error(
                pointer("rows", i, "score"),
                N_("{name}: the score {score} exceeds the exam's total of {full}"),
                name=str(row.get("name", "")), score=_n(score), full=_n(full), **where,
            )
        elif not passes(score, full):
            yield ctx.error(
                pointer("rows", i, "score"),
                N_("{name}: the score {score} of {full} is {pct} %; the pass mark is 75 % of "
                   "the total"),
                name=str(row.get("name", "")), score=_n(score), full=_n(full),
                pct=_n(score_pct(score, full)), **where,
            )


@rule("MIT-R27", forms=ROSTER, citation=R27)
def check_roster_scores(rec: dict[str, Any], ctx: Context) -> Iterator[Finding]:
    """Everyone on the pass list scored 75 % of the total or more (inclusive)."""
    yield from roster_score_findings(rec, ctx)


@rule("MIT-R28", forms=ROSTER, citation=R28)
def check_roster_certificates(rec: dict[str, Any], ctx: Context) -> Iterator[Finding]:
    """Certificates are issued only once 本署 has 核備 the list; they run two years (T4)."""
    certificates = obj(rec.get("certificates"))
    if not certificates:
        return
    approval = obj(rec.get("approval"))
    if approval.get("result") != "filed":
        yield ctx.error(
            pointer("certificates", "issue_date"),
            N_("certificates are issued only after 本署 has filed (核備) the pass list; "
               "the list is {state}"),
            state=choice(ROSTER, "/approval/result", approval["result"])
            if approval.get("result") else Localised("not filed yet", "尚未核備"),
        )
    failed = [str(r.get("name", "")) for r in _rows(rec.get("rows")) if r.get("result") == "fail"]
    if failed:
        yield ctx.error(
            pointer("certificates"),
            N_("no certificate may be issued to {names}: not 合格"),
            names="、".join(failed),
        )


@rule("MIT-R29", forms=ROSTER, citation=R29)
def check_roster_order(rec: dict[str, Any], ctx: Context) -> Iterator[Finding]:
    """Plan approval ≤ course ≤ exam ≤ list filed ≤ 核備 ≤ certificates (附錄二)."""
    approval = obj(rec.get("approval"))
    steps = [
        ("/plan_approval_date", N_("the plan's approval"), as_date(rec.get("plan_approval_date"))),
        ("/course_from", N_("the first day of the course"), as_date(rec.get("course_from"))),
        ("/course_to", N_("the last day of the course"), as_date(rec.get("course_to"))),
        ("/exam_date", N_("the exam"), as_date(rec.get("exam_date"))),
        ("/submitted_date", N_("the filing of the pass list"), as_date(rec.get("submitted_date"))),
        ("/approval/date", N_("the 核備 of the pass list"), as_date(approval.get("date"))),
        ("/certificates/issue_date", N_("the issue of the certificates"),
         as_date(obj(rec.get("certificates")).get("issue_date"))),
    ]
    yield from order_findings(steps, ctx)


def order_findings(
    steps: list[tuple[str, str, date | None]], ctx: Context, form: str | None = None
) -> Iterator[Finding]:
    """An error where a step is dated before the latest step that must precede it."""
    latest: tuple[str, date] | None = None
    where = {"form": form} if form else {}
    for path, what, day in steps:
        if day is None:
            continue
        if latest is not None and day < latest[1]:
            yield ctx.error(
                path,
                N_("{step} on {day} precedes {before} on {before_day}"),
                step=phrase(what), day=day_text(day), before=phrase(latest[0]),
                before_day=day_text(latest[1]), **where,
            )
            continue
        latest = (what, day)


# -- X-18 -----------------------------------------------------------------------------------


def _person_key(rec: dict[str, Any]) -> str:
    return str(rec.get("id_no") or rec.get("name") or "").strip().upper()


def _holder(cert: dict[str, Any]) -> dict[str, Any]:
    return obj(cert.get("holder"))


def _roster_row(rosters: list[CaseDoc], person: dict[str, Any]) -> tuple[CaseDoc, int] | None:
    nid, name = str(person.get("id_no") or "").upper(), str(person.get("name") or "")
    for doc in rosters:
        for i, row in enumerate(_rows(doc.data.get("rows"))):
            if nid and str(row.get("id_no") or "").upper() == nid:
                return doc, i
            if not nid and name and row.get("name") == name:
                return doc, i
    return None


@case_rule("X-18", forms=(PLAN, REGISTRATION, ROSTER, CERTIFICATE), citation=X18)
def check_training_chain(case: Case, ctx: Context) -> Iterator[Finding]:
    """Plan ↔ registrations ↔ pass list ↔ certificates (附件十 二, 五, 七; 附錄二).

    The certificate form (A.1.10) is built apart; its documents are read by its keys
    (holder.name, holder.id_no, exam_score_pct, hours_completed, issue_date,
    plan_approval_ref) when the case holds them.
    """
    plans, regs = case.all(PLAN), case.all(REGISTRATION)
    rosters, certs = case.all(ROSTER), case.all(CERTIFICATE)
    plan = plans[0].data if plans else None
    for roster in rosters:
        yield from _roster_against_plan(roster.data, plan, ctx)
        yield from _roster_against_registrations(roster.data, regs, plan, ctx)
    for reg in regs:
        if plan is not None:
            yield from _offsets_against_plan(reg.data, plan, ctx)
    if not rosters:
        return  # a certificate alone: its pass list is not in the case to compare with
    for cert in certs:
        yield from _certificate(cert.data, rosters, plan, ctx)


def _roster_against_plan(
    roster: dict[str, Any], plan: dict[str, Any] | None, ctx: Context
) -> Iterator[Finding]:
    if plan is None:
        return
    approval = obj(plan.get("approval"))
    ref, approved_on = approval.get("ref"), as_date(approval.get("date"))
    if approval.get("result") != "approved":
        yield ctx.error(
            "/approval",
            N_("the pass list cites a plan that 本署 has not approved"),
            form=PLAN,
        )
    if ref and roster.get("plan_ref") and str(roster["plan_ref"]).strip() != str(ref).strip():
        yield ctx.error(
            "/plan_ref",
            N_("the pass list cites the plan {cited}, but the plan's approval is {ref}"),
            cited=str(roster["plan_ref"]), ref=str(ref), form=ROSTER,
            expected=ref, actual=roster["plan_ref"],
        )
    given = as_date(roster.get("plan_approval_date"))
    if approved_on is not None and given is not None and given != approved_on:
        yield ctx.error(
            "/plan_approval_date",
            N_("the pass list dates the plan's approval {given}; the plan says {approved}"),
            given=day_text(given), approved=day_text(approved_on), form=ROSTER,
        )
    start = as_date(roster.get("course_from"))
    if approved_on is not None and start is not None and start < approved_on:
        yield ctx.error(
            "/course_from",
            N_("the course began on {start}, before the plan was approved on {approved}"),
            start=day_text(start), approved=day_text(approved_on), form=ROSTER,
        )
    total = number(obj(plan.get("course")).get("total_hours"))
    for i, row in enumerate(_rows(roster.get("rows"))):
        attended = number(row.get("hours_completed"))
        offset = number(row.get("hours_offset")) or 0
        if total is None or attended is None:
            continue
        if attended + offset < total:
            yield ctx.error(
                pointer("rows", i, "hours_completed"),
                N_("{name}: {attended} hours attended and {offset} offset fall short of the "
                   "plan's {total} hours; every course hour must be completed"),
                name=str(row.get("name", "")), attended=_n(attended), offset=_n(offset),
                total=_n(total), form=ROSTER,
            )


def _roster_against_registrations(
    roster: dict[str, Any], regs: list[CaseDoc], plan: dict[str, Any] | None, ctx: Context
) -> Iterator[Finding]:
    if not regs:
        return
    by_person = {_person_key(r.data): r for r in regs}
    for i, row in enumerate(_rows(roster.get("rows"))):
        reg = by_person.get(_person_key(row))
        name = str(row.get("name", ""))
        if reg is None:
            yield ctx.warning(
                pointer("rows", i),
                N_("{name} is on the pass list but the case holds no registration for them"),
                name=name, form=ROSTER,
            )
            continue
        problems = list(eligibility_findings(reg.data, ctx, form=REGISTRATION))
        if problems:
            yield ctx.error(
                pointer("rows", i),
                N_("{name} is on the pass list but does not meet the qualification of 附件十 二"),
                name=name, form=ROSTER,
            )
            yield from problems
        if reg.data.get("offset_claims") is not None or row.get("hours_offset"):
            claimed = number(reg.data.get("offset_total")) or 0
            listed = number(row.get("hours_offset")) or 0
            if listed > claimed:
                yield ctx.error(
                    pointer("rows", i, "hours_offset"),
                    N_("{name}: {listed} offset hours on the pass list, but the registration "
                       "claims {claimed}"),
                    name=name, listed=_n(listed), claimed=_n(claimed), form=ROSTER,
                )


def _offsets_against_plan(
    reg: dict[str, Any], plan: dict[str, Any], ctx: Context
) -> Iterator[Finding]:
    allowed = {
        str(r.get("subject")): number(r.get("hours"))
        for r in _rows(obj(plan.get("rules")).get("offset_subjects"))
    }
    for j, claim in enumerate(_rows(reg.get("offset_claims"))):
        code, hours = str(claim.get("subject")), number(claim.get("hours"))
        label = _subject(REGISTRATION, "/offset_claims/0/subject", code)
        if code not in allowed:
            yield ctx.error(
                pointer("offset_claims", j, "subject"),
                N_("{name}: the approved plan allows no offset for {subject}"),
                name=str(reg.get("name", "")), subject=label, form=REGISTRATION,
            )
        elif hours is not None and (limit := allowed[code]) is not None and hours > limit:
            yield ctx.error(
                pointer("offset_claims", j, "hours"),
                N_("{name}: {hours} hours claimed for {subject}; the approved plan allows "
                   "{allowed}"),
                name=str(reg.get("name", "")), hours=_n(hours), subject=label,
                allowed=_n(limit), form=REGISTRATION,
            )


def _certificate(
    cert: dict[str, Any], rosters: list[CaseDoc], plan: dict[str, Any] | None, ctx: Context
) -> Iterator[Finding]:
    holder = _holder(cert)
    name = str(holder.get("name", ""))
    found = _roster_row(rosters, holder)
    if found is None:
        yield ctx.error(
            "/holder",
            N_("{name} holds a certificate but is on no pass list of the case"),
            name=name, form=CERTIFICATE,
        )
        return
    roster, i = found
    row = _rows(roster.data.get("rows"))[i]
    approval = obj(roster.data.get("approval"))
    filed_on = as_date(approval.get("date"))
    issued = as_date(cert.get("issue_date"))
    if approval.get("result") != "filed":
        yield ctx.error(
            "/issue_date",
            N_("{name}'s certificate was issued but the pass list is not filed (核備)"),
            name=name, form=CERTIFICATE,
        )
    elif filed_on is not None and issued is not None and issued < filed_on:
        yield ctx.error(
            "/issue_date",
            N_("{name}'s certificate was issued on {issued}, before the pass list was filed "
               "(核備) on {filed}"),
            name=name, issued=day_text(issued), filed=day_text(filed_on), form=CERTIFICATE,
        )
    full = _full_marks(roster.data)
    score = number(row.get("score"))
    if score is not None and not passes(score, full):
        yield ctx.error(
            "/exam_score_pct",
            N_("{name}'s certificate was issued, but the pass list gives a score of {pct} %, "
               "below 75 %"),
            name=name, pct=_n(score_pct(score, full)), form=CERTIFICATE,
        )
    given = number(cert.get("exam_score_pct"))
    if given is not None and score is not None and given != score_pct(score, full):
        yield ctx.error(
            "/exam_score_pct",
            N_("{name}: the certificate gives a score of {given} %, the pass list {pct} %"),
            name=name, given=_n(given), pct=_n(score_pct(score, full)), form=CERTIFICATE,
            expected=score_pct(score, full), actual=given,
        )
    hours = number(cert.get("hours_completed"))
    total = number(row.get("hours_total"))
    if hours is not None and total is not None and hours != total:
        yield ctx.warning(
            "/hours_completed",
            N_("{name}: the certificate gives {hours} hours, the pass list {total}"),
            name=name, hours=_n(hours), total=_n(total), form=CERTIFICATE,
        )
    ref = obj(obj(plan).get("approval")).get("ref") if plan else roster.data.get("plan_ref")
    cited = cert.get("plan_approval_ref")
    if ref and cited and str(cited).strip() != str(ref).strip():
        yield ctx.error(
            "/plan_approval_ref",
            N_("{name}: the certificate cites the plan approval {cited}, the plan's is {ref}"),
            name=name, cited=str(cited), ref=str(ref), form=CERTIFICATE,
        )
