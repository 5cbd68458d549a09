"""MIT-R19's checks of the corrective-plan option of 附件七: the deadline and the closure.

Kept apart from the other 附件七 rules because the closure has its own readings: AMB-10
(a timely plan is 通過 on submission, ``cap_pass_on_submission``), AMB-54 (no maximum
deadline; a warning past ``cap_max_days``) and T10 roll-over of a deadline on a rest day.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

from ..findings import Finding
from ..i18n import N_, Localised
from ..labels import choice
from ..pointers import pointer
from . import Context
from .mit_common import A7, as_date, assessment_date, last_day_for_act, obj
from .periods import deadline

_DEADLINE = pointer("summary", "cap_deadline")
_OUTCOME = pointer("summary", "cap_outcome")
_SUBMITTED = pointer("summary", "cap_submitted_date")
# The form prints these fields as blanks inside its options; a message names them so.
_NAMES = {"cap_deadline": "矯正計畫期限", "cap_submitted_date": "矯正計畫提出日期"}


def closure_findings(rec: dict[str, Any], ctx: Context) -> Iterator[Finding]:
    summary = obj(rec.get("summary"))
    code = summary.get("verdict")
    if code != "corrective_plan":
        yield from _stray_fields(summary, ctx, str(code))
        return
    cap_deadline = as_date(summary.get("cap_deadline"))
    if cap_deadline is None:
        yield ctx.error(
            _DEADLINE,
            N_(
                "the verdict is corrective_plan: summary.cap_deadline (受評業者應於 年 月 日前) "
                "is required"
            ),
        )
        return
    ref = assessment_date(rec)
    if ref is not None:
        yield from _deadline_length(cap_deadline, ref, ctx)
    last = last_day_for_act(cap_deadline, ctx)
    submitted = as_date(summary.get("cap_submitted_date"))
    if submitted is not None and ref is not None and submitted < ref:
        yield ctx.warning(
            _SUBMITTED,
            N_("summary.cap_submitted_date {submitted} is before the assessment date {date}"),
            submitted=submitted.isoformat(),
            date=ref.isoformat(),
        )
    yield from _closure(summary.get("cap_outcome"), submitted, cap_deadline, last.last_day, ctx)


def deadline_findings(rec: dict[str, Any], ctx: Context) -> Iterator[Finding]:
    """MIT-R20 on 附件七: the period the form states is the plan's; a deadline on a rest day
    moves to the next workday (AMB-03, T10), and 附件九's date of submission counts against
    that day (X-02)."""
    summary = obj(rec.get("summary"))
    cap_deadline = as_date(summary.get("cap_deadline"))
    if summary.get("verdict") != "corrective_plan" or cap_deadline is None:
        return
    last = last_day_for_act(cap_deadline, ctx)
    if last.rolled:
        yield ctx.info(
            _DEADLINE,
            N_(
                "summary.cap_deadline {deadline} falls on a rest day; a plan submitted by "
                "{last_day} is on time"
            ),
            deadline=cap_deadline.isoformat(),
            last_day=last.last_day.isoformat(),
        )


def _stray_fields(summary: dict[str, Any], ctx: Context, code: str) -> Iterator[Finding]:
    """Closure fields belong to the corrective-plan option only."""
    if summary.get("cap_outcome") is not None:
        yield ctx.error(
            _OUTCOME,
            N_(
                "summary.cap_outcome is given but the verdict is {verdict}; the closure "
                "belongs to the corrective-plan option"
            ),
            verdict=choice(A7, "/summary/verdict", code),
        )
    for key, path in (("cap_deadline", _DEADLINE), ("cap_submitted_date", _SUBMITTED)):
        if summary.get(key) is not None:
            yield ctx.warning(
                path,
                N_(
                    "summary.{key} is given but the verdict is {verdict}; it is printed under "
                    "the corrective-plan option only"
                ),
                key=Localised(key, _NAMES[key]),
                verdict=choice(A7, "/summary/verdict", code),
            )


def _deadline_length(cap_deadline: date, ref: date, ctx: Context) -> Iterator[Finding]:
    """AMB-54: a deadline after the assessment, with no upper bound but a warning."""
    if cap_deadline <= ref:
        yield ctx.error(
            _DEADLINE,
            N_("summary.cap_deadline {deadline} must be after the assessment date {date}"),
            deadline=cap_deadline.isoformat(),
            date=ref.isoformat(),
        )
        return
    days = ctx.option("cap_max_days", 30, rule="MIT-R19")
    if isinstance(days, int) and days > 0 and cap_deadline > deadline(ref, days).last_day:
        yield ctx.warning(
            _DEADLINE,
            N_(
                "summary.cap_deadline {deadline} is more than {days} days after the "
                "assessment date {date}"
            ),
            deadline=cap_deadline.isoformat(),
            days=days,
            date=ref.isoformat(),
        )


def _closure(
    outcome: Any, submitted: date | None, cap_deadline: date, last_day: date, ctx: Context
) -> Iterator[Finding]:
    on_time = submitted is not None and submitted <= last_day
    params = {"deadline": cap_deadline.isoformat()}
    if outcome == "passed":
        if submitted is None:
            yield ctx.error(
                _SUBMITTED,
                N_(
                    "summary.cap_submitted_date is required when summary.cap_outcome is "
                    "'passed' (已於 年 月 日提出矯正計畫)"
                ),
            )
        elif not on_time:
            yield ctx.error(
                _OUTCOME,
                N_(
                    "summary.cap_outcome is 'passed' but the plan was submitted on {submitted}, "
                    "after the deadline {deadline}"
                ),
                submitted=submitted.isoformat(),
                expected="failed",
                actual="passed",
                **params,
            )
    elif outcome == "failed":
        if on_time and submitted is not None:
            strict = ctx.option("cap_pass_on_submission", True, rule="MIT-R19")
            report = ctx.error if strict else ctx.warning
            yield report(
                _OUTCOME,
                N_(
                    "summary.cap_outcome is 'failed' but the plan was submitted on {submitted}, "
                    "by the deadline {deadline}; a plan submitted in time is passed"
                ),
                submitted=submitted.isoformat(),
                expected="passed",
                actual="failed",
                **params,
            )
        elif submitted is None and ctx.as_of is not None and ctx.as_of <= last_day:
            yield ctx.error(
                _OUTCOME,
                N_(
                    "summary.cap_outcome is 'failed' although the deadline {deadline} has not "
                    "passed on {as_of}"
                ),
                as_of=ctx.as_of.isoformat(),
                **params,
            )
    elif submitted is not None:
        yield ctx.info(
            _OUTCOME,
            N_("the plan was submitted on {submitted}; the closure to record is {outcome}"),
            submitted=submitted.isoformat(),
            outcome=choice(A7, _OUTCOME, "passed" if on_time else "failed"),
        )
    elif ctx.as_of is not None and ctx.as_of > last_day:
        yield ctx.warning(
            _OUTCOME,
            N_(
                "the deadline {deadline} passed with no corrective plan recorded; the closure "
                "should be 'failed' (未依期限遵期提出矯正計畫)"
            ),
            **params,
        )
