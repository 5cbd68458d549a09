"""異議與異議審查決定 (要點49、50；附件十七): MIT-R41, MIT-R64, and MIT-R05 on the 複查.

要點49 and 50 give 業者 (against a CB's decision) and 驗證機構/檢驗機構 (against 本署's)
thirty days 「於收受決定書」 to object to 本署 in writing, with reasons and evidence; late
objections are not accepted. No 「次日」 is written, so the day of receipt is not counted (T2)
and a last day on a rest day moves to the next working day (T10, option
``rest_day_rollover``). 本署's 複查 either revokes the decision and makes a lawful one, or
maintains it 「應檢附理由以書面通知」; a late objection is answered 不予受理.

附件十七 六(三) gives a 其他使用業者 thirty days 「於秘書處通知之次日起」 to object to the
秘書處 (T1; the same arithmetic). 七(一) defines the 重大缺失 the objection may dispute.

要點15 (recusal, MIT-R05) binds the 認證審議會 and 推動小組 members and the staff of CBs
and labs; the 複查 of an objection is where they (and 本署's reviewers) declare their
relationships with the parties, so the rule is implemented on the review decision.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

from ..findings import Finding
from ..i18n import N_
from ..labels import choice, name_of
from ..pointers import pointer
from . import Context, deriver, rule
from .mit_common import as_date, blank, obj
from .periods import Deadline, deadline

OBJECTION = "mit/objection"
DECISION = "mit/objection-review-decision"
A17 = "mit/annex-17-objection"

_DAYS = 30  # 要點49、50 「於收受決定書三十日內」; 附件十七 六(三) 「次日起三十日內」

# 要點49: decisions of a CB a 業者 may object to; 要點50: decisions of 本署 a CB or lab may.
COMPANY_DECISIONS = frozenset(
    {"product_cert", "extension", "change", "cert_result", "tracking_result", "revocation"}
)
BODY_DECISIONS = frozenset({"accreditation", "recognition", "abolition"})


def _due(event: date, rule_id: str, ctx: Context) -> Deadline:
    rollover = bool(ctx.option("rest_day_rollover", True, rule=rule_id))
    return deadline(event, _DAYS, "day", rollover=rollover)


def _pairing(
    form: str, objector_type: Any, decision_type: Any, base: str, ctx: Context
) -> Iterator[Finding]:
    """要點49 and 50 name who may object to which decisions."""
    if objector_type == "company":
        allowed = COMPANY_DECISIONS
    elif objector_type in ("cb", "lab"):
        allowed = BODY_DECISIONS
    else:
        return
    if decision_type is not None and decision_type not in allowed:
        yield ctx.error(
            pointer(*[t for t in base.split("/") if t], "decision_type"),
            N_(
                "{objector} may not object to a decision on {decision}: points 49 and 50 "
                "name the decisions each may object to"
            ),
            objector=choice(form, "/objector_type", objector_type),
            decision=choice(form, pointer(*[t for t in base.split("/") if t], "decision_type"),
                            decision_type),
        )


_RECEIPT = N_("the objection is dated {filed}, before the decision was received on {event}")
_NOTICE = N_("the objection is dated {filed}, before the secretariat's notice of {event}")


def _filing(
    filed: date | None, event: date | None, due: date | None, early: str,
    path: str, ctx: Context,
) -> Iterator[Finding]:
    """A filing before the event that starts the period (``early`` says so), or after its
    last day."""
    if filed is None or event is None or due is None:
        return
    if filed < event:
        yield ctx.error(
            path, early, filed=filed.isoformat(), event=event.isoformat(),
            expected=f">= {event.isoformat()}", actual=filed.isoformat(),
        )
    elif filed > due:
        yield ctx.error(
            path,
            N_("the objection was filed on {filed}, after the last day {deadline}; a late "
               "objection is not accepted"),
            filed=filed.isoformat(), deadline=due.isoformat(),
            expected=f"<= {due.isoformat()}", actual=filed.isoformat(),
        )


def _rolled_note(due: Deadline, path: str, ctx: Context) -> Iterator[Finding]:
    if due.rolled:
        yield ctx.info(
            path,
            N_("the thirtieth day, {nominal}, is a rest day; the last day moves to {deadline}"),
            nominal=due.nominal.isoformat(), deadline=due.last_day.isoformat(),
        )


# -- 異議書 (要點49、50) ----------------------------------------------------------------


@deriver(OBJECTION, owns={"/deadline": "MIT-R41"})
def derive_objection(rec: dict[str, Any], ctx: Context) -> None:
    """異議期限: thirty days after the decision was received (T2, T10)."""
    received = as_date(rec.get("decision_received_date"))
    if received is None:
        rec.pop("deadline", None)
    else:
        rec["deadline"] = _due(received, "MIT-R41", ctx).last_day.isoformat()


@rule("MIT-R41", forms=OBJECTION, citation="S0 要點49, 50")
def objection_deadline(rec: dict[str, Any], ctx: Context) -> Iterator[Finding]:
    """In writing, with reasons and evidence, within thirty days of receiving the decision."""
    yield from _pairing(OBJECTION, rec.get("objector_type"), rec.get("decision_type"), "", ctx)
    evidence = rec.get("evidence")
    if isinstance(evidence, list) and not evidence:
        yield ctx.error(
            pointer("evidence"),
            N_("an objection must come with supporting evidence ({field}); none is listed"),
            field=name_of(OBJECTION, "/evidence"),
        )
    issued = as_date(obj(rec.get("decision_doc")).get("date"))
    received = as_date(rec.get("decision_received_date"))
    if issued is not None and received is not None and received < issued:
        yield ctx.error(
            pointer("decision_received_date"),
            N_("the decision was received on {received}, before its date {issued}"),
            received=received.isoformat(), issued=issued.isoformat(),
        )
    if received is None:
        return
    due = _due(received, "MIT-R41", ctx)
    filed = as_date(rec.get("filed_date"))
    yield from _filing(filed, received, due.last_day, _RECEIPT, pointer("filed_date"), ctx)
    yield from _rolled_note(due, pointer("deadline"), ctx)



# -- 複查決定書面通知 (要點49①、50①) --------------------------------------------------


@deriver(DECISION, owns={"/objection/deadline": "MIT-R41"})
def derive_decision(rec: dict[str, Any], ctx: Context) -> None:
    """The objection's last day, from the date the objector received the decision."""
    objection = rec.get("objection")
    if not isinstance(objection, dict):
        return
    received = as_date(objection.get("decision_received_date"))
    if received is None:
        objection.pop("deadline", None)
    else:
        objection["deadline"] = _due(received, "MIT-R41", ctx).last_day.isoformat()


@rule("MIT-R41", forms=DECISION, citation="S0 要點49, 50")
def review_decision(rec: dict[str, Any], ctx: Context) -> Iterator[Finding]:
    """A late objection is 不予受理; a timely one is revoked or maintained, with reasons."""
    objection = obj(rec.get("objection"))
    yield from _pairing(DECISION, rec.get("objector_type"), objection.get("decision_type"),
                        "/objection", ctx)
    result = rec.get("result")
    filed = as_date(objection.get("filed_date"))
    due = as_date(objection.get("deadline"))
    received = as_date(objection.get("decision_received_date"))
    if filed is not None and received is not None and filed < received:
        yield ctx.error(
            pointer("objection", "filed_date"), _RECEIPT,
            filed=filed.isoformat(), event=received.isoformat(),
        )
    late = filed is not None and due is not None and filed > due
    if late and filed is not None and due is not None and result in ("revoke", "maintain"):
        yield ctx.error(
            pointer("result"),
            N_("the objection was filed on {filed}, after the last day {deadline}: it is not "
               "accepted, so the result must be {required}, not {result}"),
            filed=filed.isoformat(), deadline=due.isoformat(),
            required=choice(DECISION, "/result", "not_accepted"),
            result=choice(DECISION, "/result", result),
            expected="not_accepted", actual=result,
        )
    elif not late and filed is not None and due is not None and result == "not_accepted":
        yield ctx.error(
            pointer("result"),
            N_("the objection was filed on {filed}, within the last day {deadline}: it may not "
               "be refused as late"),
            filed=filed.isoformat(), deadline=due.isoformat(),
        )
    if result in ("maintain", "not_accepted") and blank(rec.get("reasons")):
        yield ctx.error(
            pointer("reasons"),
            N_("the result is {result}: the written notice must give its reasons"),
            result=choice(DECISION, "/result", result),
        )
    if result == "revoke" and blank(rec.get("new_decision")):
        yield ctx.warning(
            pointer("new_decision"),
            N_("the original decision is revoked: state the lawful decision made in its place "
               "({field})"),
            field=name_of(DECISION, "/new_decision"),
        )
    day = as_date(rec.get("date"))
    if day is not None and filed is not None and day < filed:
        yield ctx.error(
            pointer("date"),
            N_("the review decision is dated {date}, before the objection was filed on {filed}"),
            date=day.isoformat(), filed=filed.isoformat(),
        )


# -- MIT-R05 (要點15): recusal of the 複查's reviewers ------------------------------------

# 要點15(一)(四): blood relatives within the fourth degree, in-laws within the third.
_MAX_DEGREE = {"blood": 4, "in_law": 3}
_SPOUSES = frozenset({"self", "spouse", "ex_spouse"})


def _in_circle(rel: dict[str, Any]) -> bool:
    """The persons of 要點15(一): the reviewer, a (former) spouse, blood relatives within four
    degrees, in-laws within three, or anyone once so related (``former``)."""
    kind = rel.get("kind")
    if kind in _SPOUSES:
        return True
    limit = _MAX_DEGREE.get(str(kind))
    degree = rel.get("degree")
    return limit is not None and isinstance(degree, int) and 1 <= degree <= limit


def recusal_ground(rel: dict[str, Any]) -> str | None:
    """The ground of 要點15 a declared relationship meets: 「一」 … 「四」, or None."""
    link, kind = rel.get("link"), rel.get("kind")
    if link == "party" and _in_circle(rel):
        return "一"
    if link == "joint_rights" and kind in _SPOUSES:
        return "二"
    if link == "agent" and kind == "self":
        return "三"
    if link in ("employment", "mandate") and _in_circle(rel):
        return "四"
    return None


@rule("MIT-R05", forms=DECISION, citation="S0 要點15")
def recusal(rec: dict[str, Any], ctx: Context) -> Iterator[Finding]:
    """A reviewer who meets a ground of 要點15 must withdraw (應即迴避不得參與)."""
    reviewers = rec.get("reviewers")
    relationships = rec.get("relationships")
    if not isinstance(relationships, list):
        return
    names = {
        r.get("name"): r for r in reviewers if isinstance(r, dict)
    } if isinstance(reviewers, list) else {}
    for i, rel in enumerate(relationships):
        if not isinstance(rel, dict):
            continue
        who = rel.get("reviewer")
        if not isinstance(who, str) or not who.strip():
            continue  # the schema reports a missing reviewer
        if who not in names:
            yield ctx.error(
                pointer("relationships", i, "reviewer"),
                N_("{reviewer} declares a relationship but is not among the reviewers"),
                reviewer=who,
            )
            continue
        ground = recusal_ground(rel)
        if ground is None:
            continue
        person = str(rel.get("person") or "")
        if names[who].get("withdrawn") is True:
            yield ctx.info(
                pointer("relationships", i),
                N_("{reviewer} meets ground ({ground}) of point 15 through {person} and has "
                   "withdrawn"),
                reviewer=str(who), ground=ground, person=person,
            )
        else:
            yield ctx.error(
                pointer("relationships", i),
                N_("{reviewer} meets ground ({ground}) of point 15 through {person} "
                   "({relation}) and must withdraw from the review"),
                reviewer=str(who), ground=ground, person=person,
                relation=str(rel.get("relation") or ""),
            )


# -- 附件十七 六(三): 其他使用業者異議書 ---------------------------------------------------


@deriver(A17, owns={"/deadline": "MIT-R64"})
def derive_a17(rec: dict[str, Any], ctx: Context) -> None:
    """異議期限: thirty days from the day after the 秘書處's notice (T1, T10)."""
    notice = as_date(rec.get("notice_date"))
    if notice is None:
        rec.pop("deadline", None)
    else:
        rec["deadline"] = _due(notice, "MIT-R64", ctx).last_day.isoformat()


# 附件十七 七(一): items 1, 2 and 4 are 重大 only 「經通知改善而未改善」; item 3 is 重大 at once.
_NEEDS_IMPROVEMENT_STEP = frozenset({"i1", "i2", "i4"})


@rule("MIT-R64", forms=A17, citation="S0 附件十七 六, 七")
def other_user_objection(rec: dict[str, Any], ctx: Context) -> Iterator[Finding]:
    """異議 to the 秘書處 in writing, with reasons and evidence, within thirty days from the
    day after its notice; late objections are not accepted."""
    evidence = rec.get("evidence")
    if isinstance(evidence, list) and not evidence:
        yield ctx.error(
            pointer("evidence"),
            N_("an objection must come with supporting evidence ({field}); none is listed"),
            field=name_of(A17, "/evidence"),
        )
    notice = as_date(rec.get("notice_date"))
    if notice is not None:
        due = _due(notice, "MIT-R64", ctx)
        yield from _filing(as_date(rec.get("filed_date")), notice, due.last_day, _NOTICE,
                           pointer("filed_date"), ctx)
        yield from _rolled_note(due, pointer("deadline"), ctx)
    yield from _deficiency(obj(rec.get("audit")), ctx)


def _deficiency(audit: dict[str, Any], ctx: Context) -> Iterator[Finding]:
    """The 查核結果 objected to, against 附件十七 七(一)."""
    grade, item = audit.get("grade"), audit.get("item")
    if grade == "minor" and item is not None:
        yield ctx.error(
            pointer("audit", "item"),
            N_("the finding is graded {grade}, but the situation ticked, {item}, is a "
               "{major}"),
            grade=choice(A17, "/audit/grade", "minor"),
            item=choice(A17, "/audit/item", item),
            major=choice(A17, "/audit/grade", "major"),
        )
    if grade != "major":
        return
    if item is None:
        yield ctx.warning(
            pointer("audit", "item"),
            N_("the finding is graded {grade}: tick the situation of point 7(1) the notice "
               "names"),
            grade=choice(A17, "/audit/grade", "major"),
        )
    elif item in _NEEDS_IMPROVEMENT_STEP and audit.get("improvement_notified") is False:
        yield ctx.warning(
            pointer("audit", "improvement_notified"),
            N_("{item} is a major deficiency only after a notice to improve went unheeded, and "
               "none is recorded: a ground for the objection"),
            item=choice(A17, "/audit/item", item),
        )
    elif item == "i3":
        yield ctx.info(
            pointer("audit", "item"),
            N_("{item} is a major deficiency without a prior notice to improve"),
            item=choice(A17, "/audit/item", item),
        )
