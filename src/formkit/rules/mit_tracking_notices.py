"""MIT微笑 unscheduled tracking (附件十五 附錄四), the notices of 附件十五,
十六 and 十七, and the 附件十三 correction notice.

附件十五 三(二)1 sets the response times of an unscheduled inspection (MIT-R56): five days to
buy a sample and start testing after a quality complaint; three days to confirm the labelling
after an origin complaint and, if mislabelling is suspected, five more for the factory
assessment (counted from the confirmation, AMB-16 (2); option ``factory_start``); twenty-four
hours for the virtual channels and three days for the physical ones after a report of misuse
or a 撤銷/廢止 (counted from the decision, AMB-16 (4)). Day limits are T2 (the trigger day is not
counted) with the T10 roll-over; the 24 hours are T8, on date-times.

The notices (A.1.33) carry the 附件十五 handling of deficiencies (MIT-R59: 輕微 → 改善通知,
重大 → 陳述意見 → 終止/廢止), the advance notice of a tracking inspection (MIT-R54), and, issued by
the 秘書處 to a 驗證機構, the 附件十六 handling (MIT-R61). The 附件十三 七 correction notice
(A.1.44) is the written 限期改善 of MIT-R39 (要點43) and MIT-R66 (附件十三 七, 八).

Cross-document: X-12 (a report's trigger ↔ the decision in the case), X-20 (a tracking 附件七
with a 嚴重缺點 ↔ the classification 重大缺失), X-21 (each 終止/廢止 ↔ an 案由 D report in time).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, timedelta
from typing import Any

from ..findings import Finding
from ..i18n import N_
from ..labels import choice
from ..pointers import pointer
from . import Case, CaseDoc, Context, case_rule, deriver, rule
from .mit_common import A7, TAIPEI, as_date, count, moment, obj, taipei_date
from .periods import deadline, notice_in_time

REPORT = "mit/annex-15-app-04-unscheduled-report"
NOTICES = "mit/annex-15-notices"
CORRECTION = "mit/annex-13-correction-notice"

# 附件十五 三(二)1: the limits, in days, and the 24 hours of the virtual channels.
_SAMPLE_DAYS = 5  # (1) 「應於五日內購樣並進行產品品質檢驗」
_LABEL_DAYS = 3  # (2) 「應三日內確認產品標示情形」
_FACTORY_DAYS = 5  # (2) 「應於五日內實施生產工廠現場評核」
_PHYSICAL_DAYS = 3  # (3), (4) 實體通路 「三日內」
_VIRTUAL_HOURS = 24  # (3), (4) 虛擬通路 「二十四小時內」
_NOTICE_DAYS = 3  # 三(一)2 「於查核三日前通知」 (T7)
_BAN_YEARS = 1  # 要點43③ 「自廢止之次日起一年內」

OBJECTION_ROUTE = "如有不服，應依臺灣製MIT微笑產品驗證制度推動及管理要點第四十九點提出異議。"

# 附件十五 八: the grounds of 重大缺失; those 「經通知改善而未改善」 need an earlier notice.
A15_GROUNDS = frozenset({"a15_8_1", "a15_8_2_1", "a15_8_2_2", "a15_8_3", "a15_8_4_1",
                         "a15_8_4_2", "a15_8_4_3"})
A16_GROUNDS = frozenset({"a16_5_1", "a16_5_2", "a16_5_3", "a16_5_4", "a16_5_5"})
NOT_IMPROVED_GROUNDS = frozenset({"a15_8_2_2", "a15_8_3", "a15_8_4_1", "a15_8_4_2",
                                  "a16_5_2", "a16_5_3", "a16_5_4"})

# 要點43① grounds (MIT-R39) and 附件十三 五 (MIT-R66) on the correction notice.
P43_GROUNDS = frozenset({"p37", "p38", "p39", "p43_4"})
A13_GROUNDS = frozenset({"a13_5"})


def subject_kind(rec: dict[str, Any]) -> Any:
    """Whose tracking a notice belongs to: 獲證業者 (附件十五) unless it says otherwise."""
    return rec.get("subject_kind") or "certified"


def _rollover(ctx: Context) -> bool:
    return bool(ctx.option("rest_day_rollover", True, rule="MIT-R56"))


def _day_limit(start: Any, days: int, ctx: Context) -> date | None:
    """「N日內」 from a trigger date-time: T2 (its day not counted), T10 roll-over."""
    day = taipei_date(start)
    if day is None:
        return None
    return deadline(day, days, "day", rollover=_rollover(ctx)).last_day


def _iso(day: date | None) -> str:
    return day.isoformat() if day else "-"


def _shown(when: datetime) -> str:
    return when.astimezone(TAIPEI).strftime("%Y-%m-%d %H:%M")


def _display(limit: str | None) -> str:
    """A limit as a message shows it: a date, or a date-time as 「2024-09-04 10:00」."""
    when = moment(limit)
    return _shown(when) if when is not None else (limit or "-")


# -- 附錄四: derived limits ----------------------------------------------------------------


def trigger_of(rec: dict[str, Any]) -> Any:
    """The trigger of a report: the 撤銷/廢止 decision for 案由 D, else the complaint."""
    timing = obj(rec.get("timing"))
    return timing.get("decided_at") if rec.get("case") == "revocation" else timing.get(
        "received_at")


def _factory_start(timing: dict[str, Any], ctx: Context) -> Any:
    if ctx.option("factory_start", "finding", rule="MIT-R56") == "complaint":
        return timing.get("received_at")
    return timing.get("label_confirmed_at")


def limits_of(rec: dict[str, Any], ctx: Context) -> dict[str, str]:
    """The MIT-R56 limits of a report (ISO dates; the virtual limit an ISO date-time)."""
    timing = obj(rec.get("timing"))
    case = rec.get("case")
    out: dict[str, str] = {}

    def put(key: str, day: date | None) -> None:
        if day is not None:
            out[key] = day.isoformat()

    if case == "quality":
        put("sample_due", _day_limit(timing.get("received_at"), _SAMPLE_DAYS, ctx))
    elif case == "origin":
        put("label_due", _day_limit(timing.get("received_at"), _LABEL_DAYS, ctx))
        if timing.get("mislabel_suspected") is True:
            put("factory_due", _day_limit(_factory_start(timing, ctx), _FACTORY_DAYS, ctx))
    elif case in ("misuse", "revocation"):
        start = moment(trigger_of(rec))
        if start is not None:
            out["virtual_due"] = (start + timedelta(hours=_VIRTUAL_HOURS)).isoformat()
        put("physical_due", _day_limit(trigger_of(rec), _PHYSICAL_DAYS, ctx))
    return out


_DUE_KEYS = ("sample_due", "label_due", "factory_due", "virtual_due", "physical_due")


@deriver(REPORT, owns={"/timing": "MIT-R56"})
def derive_report(rec: dict[str, Any], ctx: Context) -> None:
    """The limits of 附件十五 三(二)1 from the trigger (timing.*_due)."""
    timing = rec.get("timing")
    if not isinstance(timing, dict):
        return
    for key in _DUE_KEYS:
        timing.pop(key, None)
    timing.update(limits_of(rec, ctx))


def _channels(rec: dict[str, Any]) -> list[str]:
    given = obj(rec.get("timing")).get("channels")
    if isinstance(given, list) and given:
        return [c for c in given if c in ("virtual", "physical")]
    return ["virtual", "physical"]


def timing_findings(rec: dict[str, Any], ctx: Context, form: str | None = None
                    ) -> Iterator[Finding]:
    """Each completion of a report against its limit (MIT-R56; X-12 in a case)."""
    case = rec.get("case")
    if case not in ("quality", "origin", "misuse", "revocation"):
        return
    timing = obj(rec.get("timing"))
    limits = limits_of(rec, ctx)
    trigger_key = "decided_at" if case == "revocation" else "received_at"
    if moment(timing.get(trigger_key)) is None:
        yield ctx.warning(
            pointer("timing", trigger_key),
            N_("the trigger of the inspection is not recorded: whether it was done in time "
               "cannot be verified"),
            form=form,
        )
        return
    steps: list[tuple[str, str, int]] = []
    if case == "quality":
        steps.append(("sample_bought_at", "sample_due", _SAMPLE_DAYS))
    elif case == "origin":
        steps.append(("label_confirmed_at", "label_due", _LABEL_DAYS))
        if timing.get("mislabel_suspected") is True:
            steps.append(("factory_assessed_at", "factory_due", _FACTORY_DAYS))
    else:
        for channel in _channels(rec):
            steps.append((f"{channel}_checked_at", f"{channel}_due",
                          0 if channel == "virtual" else _PHYSICAL_DAYS))
    start = moment(timing.get(trigger_key))
    for done_key, due_key, days in steps:
        done = moment(timing.get(done_key))
        due = limits.get(due_key)
        if done is None:
            yield ctx.warning(
                pointer("timing", done_key),
                N_("the time of this step is not recorded: whether it was done by {due} "
                   "cannot be verified"),
                due=_display(due),
                form=form,
            )
            continue
        if start is not None and done < start:
            yield ctx.warning(
                pointer("timing", done_key),
                N_("this step is recorded at {done}, before the trigger at {start}"),
                done=_shown(done),
                start=_shown(start),
                form=form,
            )
        if due is None:
            continue
        if days == 0:
            limit = moment(due)
            if limit is not None and done > limit:
                yield ctx.error(
                    pointer("timing", done_key),
                    N_("the virtual channels were checked at {done}, more than 24 hours after "
                       "the trigger at {start} (limit {due})"),
                    done=_shown(done),
                    start=_shown(start) if start else "-",
                    due=_shown(limit),
                    expected=due,
                    actual=timing.get(done_key),
                    form=form,
                )
        else:
            finished = taipei_date(timing.get(done_key))
            if finished is not None and finished.isoformat() > due:
                yield ctx.error(
                    pointer("timing", done_key),
                    N_("done on {done}, after the last day {due} of the {days}-day limit"),
                    done=finished.isoformat(),
                    due=due,
                    days=days,
                    expected=due,
                    actual=timing.get(done_key),
                    form=form,
                )


@rule("MIT-R56", forms=REPORT, citation="S0 附件十五 二(二), 三(二)1")
def check_response_times(rec: dict[str, Any], ctx: Context) -> Iterator[Finding]:
    """An unscheduled inspection meets the limit of its 案由 (附件十五 三(二)1)."""
    yield from timing_findings(rec, ctx)
    if rec.get("case") == "origin" and ctx.option("factory_start", "finding",
                                                  rule="MIT-R56") != "complaint":
        due = obj(rec.get("timing")).get("factory_due")
        if due:
            yield ctx.info(
                pointer("timing", "factory_due"),
                N_("the five days of the factory assessment count from the confirmation of "
                   "the labelling (last day {due}); option factory_start = complaint counts "
                   "them from the complaint"),
                due=due,
            )


# -- the notices (A.1.33): derived values ---------------------------------------------------


def _improvement_deadline(notice: date, days: int, ctx: Context) -> date:
    rollover = bool(ctx.option("rest_day_rollover", True))
    return deadline(notice, days, "day", rollover=rollover).last_day


def _days(value: Any) -> int | None:
    n = count(value)
    return n if n > 0 else None


@deriver(NOTICES, owns={"/deadline": "MIT-R59", "/objection_route": "MIT-R59"})
def derive_notice(rec: dict[str, Any], ctx: Context) -> None:
    """改善期限 from 「文到N日內」 (when the period is given) and the 救濟教示 of a 終止/廢止."""
    notice = as_date(rec.get("notice_date"))
    days = _days(rec.get("improvement_days"))
    if notice is not None and days is not None:
        rec["deadline"] = _improvement_deadline(notice, days, ctx).isoformat()
    if rec.get("type") == "termination" and subject_kind(rec) == "certified":
        rec["objection_route"] = OBJECTION_ROUTE
    else:
        rec.pop("objection_route", None)


# -- MIT-R54 ------------------------------------------------------------------------------


@rule("MIT-R54", forms=NOTICES, citation="S0 附件十五 三(一)2")
def check_advance_notice(rec: dict[str, Any], ctx: Context) -> Iterator[Finding]:
    """查核通知 「於查核三日前」 (T7); the company's 未開工通知 before the inspection, with the
    next operating date."""
    kind = rec.get("type")
    notice = as_date(rec.get("notice_date"))
    inspection = as_date(rec.get("inspection_date"))
    if kind == "inspection" and notice is not None and inspection is not None:
        latest = inspection - timedelta(days=_NOTICE_DAYS)
        if not notice_in_time(notice, inspection, _NOTICE_DAYS):
            yield ctx.error(
                pointer("notice_date"),
                N_("the inspection of {inspection} must be notified at least three days "
                   "ahead, by {latest}; the notice is dated {notice}"),
                inspection=inspection.isoformat(),
                latest=latest.isoformat(),
                notice=notice.isoformat(),
                expected=latest.isoformat(),
                actual=notice.isoformat(),
            )
    if kind != "not_operating":
        return
    if rec.get("issuer_kind") not in (None, "company"):
        yield ctx.error(
            pointer("issuer_kind"),
            N_("a notice that the factory is not operating is sent by the certified company, "
               "not by the {issuer}"),
            issuer=choice(NOTICES, "/issuer_kind", rec.get("issuer_kind")),
        )
    if notice is not None and inspection is not None and notice >= inspection:
        yield ctx.error(
            pointer("notice_date"),
            N_("the company must notify before the inspection of {inspection}; the notice is "
               "dated {notice}"),
            inspection=inspection.isoformat(),
            notice=notice.isoformat(),
        )
    start = as_date(rec.get("next_start_date"))
    if start is not None and notice is not None and start <= notice:
        yield ctx.warning(
            pointer("next_start_date"),
            N_("the next operating date {start} is not after the notice of {notice}"),
            start=start.isoformat(),
            notice=notice.isoformat(),
        )


# -- MIT-R59 / MIT-R61: deficiencies ------------------------------------------------------


def _class_findings(rec: dict[str, Any], ctx: Context, grounds: frozenset[str],
                    annex: str) -> Iterator[Finding]:
    klass = rec.get("deficiency_class")
    ground = rec.get("deficiency_ground")
    if ground is None:
        return
    shown = choice(NOTICES, "/deficiency_ground", ground)
    if ground not in grounds:
        yield ctx.error(
            pointer("deficiency_ground"),
            N_("{ground} is not a ground of {annex}"),
            ground=shown,
            annex=annex,
        )
        return
    if klass == "minor_deficiency":
        yield ctx.error(
            pointer("deficiency_class"),
            N_("{ground} is a major deficiency, not a minor one"),
            ground=shown,
        )
    notice = as_date(rec.get("notice_date"))
    prior = obj(rec.get("prior_notice"))
    if ground in NOT_IMPROVED_GROUNDS and klass == "major_deficiency":
        notified = as_date(prior.get("notified_on"))
        limit = as_date(prior.get("deadline"))
        if notified is None:
            yield ctx.error(
                pointer("prior_notice"),
                N_("{ground} needs an earlier notice to improve: none is recorded"),
                ground=shown,
            )
        elif limit is not None and notice is not None and notice <= limit:
            yield ctx.error(
                pointer("prior_notice", "deadline"),
                N_("the deficiency is held not improved on {notice}, before the improvement "
                   "deadline {limit} has passed"),
                notice=notice.isoformat(),
                limit=limit.isoformat(),
            )


def _deadline_findings(rec: dict[str, Any], ctx: Context) -> Iterator[Finding]:
    notice = as_date(rec.get("notice_date"))
    limit = as_date(rec.get("deadline"))
    if limit is None:
        yield ctx.error(
            pointer("deadline"),
            N_("a notice to improve sets a deadline (improvement_days or the date)"),
        )
    elif notice is not None and limit <= notice:
        yield ctx.error(
            pointer("deadline"),
            N_("the improvement deadline {limit} is not after the notice of {notice}"),
            limit=limit.isoformat(),
            notice=notice.isoformat(),
        )


@rule("MIT-R59", forms=NOTICES, citation="S0 附件十五 六, 七, 八, 九")
def check_company_deficiencies(rec: dict[str, Any], ctx: Context) -> Iterator[Finding]:
    """附件十五 六: 輕微 → 改善通知; 重大 → 陳述意見, then 終止/廢止 (得); breaches of law →
    層報本署. 八 lists the 重大缺失; the 「經通知改善而未改善」 ones need an earlier notice."""
    if subject_kind(rec) != "certified":
        return
    kind = rec.get("type")
    klass = rec.get("deficiency_class")
    notice = as_date(rec.get("notice_date"))
    yield from _class_findings(rec, ctx, A15_GROUNDS, "附件十五 八")
    if kind in ("improvement", "statement", "termination") and rec.get("issuer_kind") not in (
            None, "cb"):
        yield ctx.warning(
            pointer("issuer_kind"),
            N_("附件十五 六 has the certification body handle the deficiencies of a certified "
               "company; this notice is from the {issuer}"),
            issuer=choice(NOTICES, "/issuer_kind", rec.get("issuer_kind")),
        )
    if kind == "improvement":
        yield from _deadline_findings(rec, ctx)
        if klass == "major_deficiency":
            yield ctx.warning(
                pointer("deficiency_class"),
                N_("a major deficiency calls for the company's statement of opinion (附件十五 "
                   "六(二)), not only a notice to improve"),
            )
    elif kind == "statement":
        due = as_date(rec.get("statement_due"))
        if klass == "minor_deficiency":
            yield ctx.warning(
                pointer("deficiency_class"),
                N_("a minor deficiency is handled by a notice to improve (附件十五 六(一))"),
            )
        if due is not None and notice is not None:
            if due <= notice:
                yield ctx.error(
                    pointer("statement_due"),
                    N_("the date for the statement {due} is not after the notice of {notice}"),
                    due=due.isoformat(),
                    notice=notice.isoformat(),
                )
            else:
                yield ctx.info(
                    pointer("statement_due"),
                    N_("the seed sets no period for the statement of opinion: the date {due} "
                       "set by the notice is taken as given"),
                    due=due.isoformat(),
                )
    elif kind == "termination":
        if klass != "major_deficiency":
            yield ctx.error(
                pointer("deficiency_class"),
                N_("only a major deficiency maintained after the statement of opinion allows "
                   "terminating the mark right"),
            )
        statement = obj(rec.get("statement_notice"))
        asked = as_date(statement.get("notified_on"))
        due = as_date(statement.get("due"))
        if asked is None:
            yield ctx.error(
                pointer("statement_notice"),
                N_("the termination has no recorded notice to state an opinion (附件十五 "
                   "六(二))"),
            )
        elif notice is not None and asked >= notice:
            yield ctx.error(
                pointer("statement_notice", "notified_on"),
                N_("the notice to state an opinion of {asked} is not before the termination "
                   "of {notice}"),
                asked=asked.isoformat(),
                notice=notice.isoformat(),
            )
        if due is not None and notice is not None and notice <= due:
            yield ctx.error(
                pointer("notice_date"),
                N_("terminated on {notice}, before the date for the statement {due} has "
                   "passed"),
                notice=notice.isoformat(),
                due=due.isoformat(),
            )
        effective = as_date(rec.get("effective_date"))
        if effective is not None and notice is not None and effective < notice:
            yield ctx.error(
                pointer("effective_date"),
                N_("the termination takes effect on {effective}, before the notice of "
                   "{notice}"),
                effective=effective.isoformat(),
                notice=notice.isoformat(),
            )
        if effective is not None:
            ban = deadline(effective, _BAN_YEARS, "year", rollover=False).last_day
            yield ctx.info(
                pointer("effective_date"),
                N_("a new application is barred through {ban_end} (one year from the day "
                   "after the abolition)"),
                ban_end=ban.isoformat(),
            )
    elif kind == "report_up":
        yield ctx.info(
            pointer("reported_to"),
            N_("a breach of civil or criminal law or of the Trademark Act is reported to the "
               "Administration at once (附件十五 七)"),
        )


@rule("MIT-R61", forms=NOTICES, citation="S0 附件十六 五, 六")
def check_cb_deficiencies(rec: dict[str, Any], ctx: Context) -> Iterator[Finding]:
    """附件十六 五: the 秘書處 gives a 驗證機構 with a 輕微缺失 a written notice with a deadline
    and a re-check; a 重大缺失 goes to the 認證審議會 (then 要點45)."""
    if rec.get("subject_kind") != "cb":
        return
    kind = rec.get("type")
    klass = rec.get("deficiency_class")
    if rec.get("issuer_kind") != "secretariat":
        yield ctx.error(
            pointer("issuer_kind"),
            N_("the secretariat tracks the certification bodies (附件十六); this notice is "
               "from the {issuer}"),
            issuer=choice(NOTICES, "/issuer_kind", rec.get("issuer_kind")),
        )
    yield from _class_findings(rec, ctx, A16_GROUNDS, "附件十六 五")
    if kind == "improvement":
        yield from _deadline_findings(rec, ctx)
        limit = as_date(rec.get("deadline"))
        recheck = as_date(rec.get("recheck_date"))
        if recheck is None:
            yield ctx.warning(
                pointer("recheck_date"),
                N_("a written notice to improve is followed by a re-check: no date is set"),
            )
        elif limit is not None and recheck < limit:
            yield ctx.warning(
                pointer("recheck_date"),
                N_("the re-check of {recheck} is before the improvement deadline {limit}"),
                recheck=recheck.isoformat(),
                limit=limit.isoformat(),
            )
        if klass == "major_deficiency":
            yield ctx.error(
                pointer("deficiency_class"),
                N_("a major deficiency of a certification body goes to the accreditation "
                   "council (附件十六 五(二)), not to a notice to improve"),
            )
    elif kind == "to_council" and klass != "major_deficiency":
        yield ctx.error(
            pointer("deficiency_class"),
            N_("only a major deficiency is put to the accreditation council; a minor one is "
               "notified with a deadline and re-checked"),
        )
    elif kind == "termination":
        yield ctx.error(
            pointer("type"),
            N_("a certification body's accreditation is abolished by the Administration after "
               "the council's review (要點45), not by this notice"),
        )
    elif kind == "official_letter" and rec.get("inspection_date") is None:
        yield ctx.warning(
            pointer("inspection_date"),
            N_("the official letter before a tracking audit names the audit date"),
        )


# -- the 附件十三 correction notice (A.1.44) ------------------------------------------------


@deriver(CORRECTION, owns={"/deadline": "MIT-R66", "/outcome/ban_end": "MIT-R39"})
def derive_correction(rec: dict[str, Any], ctx: Context) -> None:
    """改善期限 from the period (when given); the ban after a 要點43 廢止."""
    notice = as_date(rec.get("notice_date"))
    days = _days(rec.get("improvement_days"))
    if notice is not None and days is not None:
        rec["deadline"] = _improvement_deadline(notice, days, ctx).isoformat()
    outcome = rec.get("outcome")
    if isinstance(outcome, dict):
        abolished = as_date(outcome.get("abolished_on"))
        basis = obj(rec.get("violation")).get("basis")
        if abolished is not None and basis in P43_GROUNDS:
            outcome["ban_end"] = deadline(abolished, _BAN_YEARS, "year",
                                          rollover=False).last_day.isoformat()
        else:
            outcome.pop("ban_end", None)


def _correction_findings(rec: dict[str, Any], ctx: Context) -> Iterator[Finding]:
    notice = as_date(rec.get("notice_date"))
    limit = as_date(rec.get("deadline"))
    found = as_date(obj(rec.get("violation")).get("found_on"))
    yield from _deadline_findings(rec, ctx)
    if found is not None and notice is not None and found > notice:
        yield ctx.error(
            pointer("violation", "found_on"),
            N_("the violation is dated {found}, after the notice of {notice}"),
            found=found.isoformat(),
            notice=notice.isoformat(),
        )
    recheck = as_date(rec.get("recheck_date"))
    if recheck is not None and limit is not None and recheck < limit:
        yield ctx.warning(
            pointer("recheck_date"),
            N_("the re-check of {recheck} is before the improvement deadline {limit}"),
            recheck=recheck.isoformat(),
            limit=limit.isoformat(),
        )
    outcome = obj(rec.get("outcome"))
    ended = as_date(outcome.get("abolished_on"))
    if ended is None:
        return
    if rec.get("recheck_result") != "not_improved":
        yield ctx.error(
            pointer("recheck_result"),
            N_("the mark right ended on {ended} without a re-check finding the violation not "
               "improved"),
            ended=ended.isoformat(),
        )
    if limit is not None and ended <= limit:
        yield ctx.error(
            pointer("outcome", "abolished_on"),
            N_("the mark right ended on {ended}, not after the improvement deadline {limit}"),
            ended=ended.isoformat(),
            limit=limit.isoformat(),
        )


@rule("MIT-R39", forms=CORRECTION, citation="S0 要點43①–③")
def check_correction_order(rec: dict[str, Any], ctx: Context) -> Iterator[Finding]:
    """要點43: 「應命其限期改善，屆期仍未改善者，得廢止」, then a one-year ban."""
    if obj(rec.get("violation")).get("basis") not in P43_GROUNDS:
        return
    yield from _correction_findings(rec, ctx)
    ban = obj(rec.get("outcome")).get("ban_end")
    if ban:
        yield ctx.info(
            pointer("outcome", "ban_end"),
            N_("a new application is barred through {ban_end} (one year from the day after "
               "the abolition)"),
            ban_end=ban,
        )


@rule("MIT-R66", forms=CORRECTION, citation="S0 附件十三 七, 八")
def check_correction_notice(rec: dict[str, Any], ctx: Context) -> Iterator[Finding]:
    """附件十三 七: a violation gets a written 限期改善 and a re-check; 八(七) ends the right
    only when the notice was not heeded."""
    basis = obj(rec.get("violation")).get("basis")
    if basis in A13_GROUNDS:
        yield from _correction_findings(rec, ctx)
    if rec.get("recheck_date") is None and rec.get("recheck_result") is None:
        yield ctx.info(
            pointer("recheck_date"),
            N_("no re-check is scheduled yet (附件十三 七 「擇期複查」)"),
        )


# -- cross-document rules -----------------------------------------------------------------


def _same_company(notice: dict[str, Any], tax_id: Any, name: Any) -> bool:
    company = obj(notice.get("company"))
    if tax_id and company.get("tax_id"):
        return bool(company.get("tax_id") == tax_id)
    return bool(name) and company.get("name") == name


def terminations(case: Case) -> list[CaseDoc]:
    """The 終止/廢止 notices to 獲證業者 in a case."""
    return [d for d in case.all(NOTICES) if d.data.get("type") == "termination"
            and subject_kind(d.data) == "certified"]


def _reports_for(case: Case, notice: dict[str, Any]) -> list[CaseDoc]:
    return [d for d in case.all(REPORT) if d.data.get("case") == "revocation"
            and _same_company(notice, d.data.get("inspectee_tax_id"), d.data.get("inspectee"))]


@case_rule("X-12", forms=(REPORT, NOTICES), citation="S0 附件十五 三(二)1",
           needs="the complaint record (接獲反應): no form of the catalogue holds it; the "
                 "report's own received_at stands for it")
def check_report_triggers(case: Case, ctx: Context) -> Iterator[Finding]:
    """Each unscheduled report meets the MIT-R56 limits from its trigger; the trigger of an 案由
    D report is the day of the 終止/廢止 decision of the case."""
    for doc in case.all(REPORT):
        yield from (f for f in timing_findings(doc.data, ctx, REPORT) if f.severity != "info")
        if doc.data.get("case") != "revocation":
            continue
        decided = taipei_date(obj(doc.data.get("timing")).get("decided_at"))
        for notice in terminations(case):
            if not _same_company(notice.data, doc.data.get("inspectee_tax_id"),
                                 doc.data.get("inspectee")):
                continue
            day = as_date(notice.data.get("notice_date"))
            if decided is not None and day is not None and decided != day:
                yield ctx.error(
                    pointer("timing", "decided_at"),
                    N_("the report counts from a decision on {decided}; the termination "
                       "notice of the case is dated {day}"),
                    decided=decided.isoformat(),
                    day=day.isoformat(),
                    form=REPORT,
                )


@case_rule("X-20", forms=(A7, NOTICES), citation="S0 附件十五 八(二)1, 六",
           needs="the company of a 附件七 is matched by name (附件七 holds no 統一編號)")
def check_tracking_classification(case: Case, ctx: Context) -> Iterator[Finding]:
    """A tracking 附件七 with a 嚴重缺點 is a 重大缺失 (八(二)1); with only 主要/次要缺點 it calls
    for a notice to improve, and is 重大 only if not improved."""
    for a7 in case.all(A7):
        summary = obj(a7.data.get("summary"))
        if summary.get("case_type") != "tracking":
            continue
        stat = obj(summary.get("stat"))
        critical = count(stat.get("critical"))
        others = count(stat.get("major")) + count(stat.get("minor"))
        name = a7.data.get("company")
        for doc in case.all(NOTICES):
            data = doc.data
            if subject_kind(data) != "certified" or not _same_company(data, None, name):
                continue
            klass = data.get("deficiency_class")
            if critical >= 1 and klass == "minor_deficiency":
                yield ctx.error(
                    pointer("deficiency_class"),
                    N_("the tracking assessment of {company} found {n} critical defect(s): a "
                       "major deficiency, not a minor one"),
                    company=str(name),
                    n=critical,
                    form=NOTICES,
                )
            if critical == 0 and data.get("deficiency_ground") == "a15_8_2_1":
                yield ctx.error(
                    pointer("deficiency_ground"),
                    N_("the tracking assessment of {company} found no critical defect: the "
                       "ground of one or more critical defects does not hold"),
                    company=str(name),
                    form=NOTICES,
                )
            if (critical == 0 and others > 0 and klass == "major_deficiency"
                    and data.get("deficiency_ground") == "a15_8_2_2"
                    and not obj(data.get("prior_notice")).get("notified_on")):
                yield ctx.error(
                    pointer("prior_notice"),
                    N_("major or minor defects of the tracking assessment of {company} become a "
                       "major deficiency only when a notice to improve went unheeded"),
                    company=str(name),
                    form=NOTICES,
                )


@case_rule("X-21", forms=(NOTICES, REPORT), citation="S0 附件十五 二(二)4, 三(二)1(4)")
def check_revocation_reports(case: Case, ctx: Context) -> Iterator[Finding]:
    """Each 終止/廢止 of a 獲證業者's mark right has an 附錄四 report (案由 D) with the virtual
    channels checked within 24 hours and the physical ones within three days of the decision
    (AMB-16 (4): the decision date)."""
    for notice in terminations(case):
        day = as_date(notice.data.get("notice_date"))
        name = obj(notice.data.get("company")).get("name")
        reports = _reports_for(case, notice.data)
        if not reports:
            yield ctx.error(
                pointer("company"),
                N_("the termination of {company} has no unscheduled inspection report (案由: "
                   "撤銷或廢止) in the case"),
                company=str(name),
                form=NOTICES,
            )
            continue
        if day is None:
            continue
        physical_due = deadline(day, _PHYSICAL_DAYS, "day", rollover=_rollover(ctx)).last_day
        for doc in reports:
            timing = obj(doc.data.get("timing"))
            decided = moment(timing.get("decided_at"))
            virtual = moment(timing.get("virtual_checked_at"))
            physical = taipei_date(timing.get("physical_checked_at"))
            if virtual is not None:
                if decided is not None and decided.astimezone(TAIPEI).date() == day:
                    if virtual > decided + timedelta(hours=_VIRTUAL_HOURS):
                        yield ctx.error(
                            pointer("timing", "virtual_checked_at"),
                            N_("the virtual channels were checked at {done}, more than 24 "
                               "hours after the decision at {start}"),
                            done=_shown(virtual),
                            start=_shown(decided),
                            form=REPORT,
                        )
                elif virtual.astimezone(TAIPEI).date() > day + timedelta(days=1):
                    yield ctx.error(
                        pointer("timing", "virtual_checked_at"),
                        N_("the virtual channels were checked at {done}, more than 24 hours "
                           "after the decision of {day}"),
                        done=_shown(virtual),
                        day=day.isoformat(),
                        form=REPORT,
                    )
                elif virtual.astimezone(TAIPEI).date() == day + timedelta(days=1):
                    yield ctx.warning(
                        pointer("timing", "decided_at"),
                        N_("the time of the decision of {day} is not recorded: whether the "
                           "virtual check at {done} was within 24 hours cannot be verified"),
                        day=day.isoformat(),
                        done=_shown(virtual),
                        form=REPORT,
                    )
            else:
                yield ctx.error(
                    pointer("timing", "virtual_checked_at"),
                    N_("the report records no check of the virtual channels after the "
                       "termination of {day}"),
                    day=day.isoformat(),
                    form=REPORT,
                )
            if physical is None:
                yield ctx.error(
                    pointer("timing", "physical_checked_at"),
                    N_("the report records no check of the physical channels after the "
                       "termination of {day}"),
                    day=day.isoformat(),
                    form=REPORT,
                )
            elif physical > physical_due:
                yield ctx.error(
                    pointer("timing", "physical_checked_at"),
                    N_("the physical channels were checked on {done}, after the last day {due} "
                       "(three days from the decision of {day})"),
                    done=physical.isoformat(),
                    due=physical_due.isoformat(),
                    day=day.isoformat(),
                    form=REPORT,
                )
