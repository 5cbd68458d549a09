"""Cross-document rules of the MIT微笑 scheme: 附件七 ↔ 附件九 ↔ application ↔ certificate.

X-01 compares the plan's per-category counts with the assessment's ratings, X-02 the plan's
effective submission date with the assessment's deadline and closure, and X-03 the names,
統一編號 and industry that several documents of one case repeat.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator
from typing import Any

from ..findings import Finding
from ..forms import get_form
from ..i18n import N_, Localised
from ..labels import choice, name_of
from ..labels import value as shown_value
from ..pointers import get, pointer
from . import Case, CaseDoc, Context, case_rule
from .mit_common import (
    A7,
    A9,
    A11,
    APPLICATION,
    CATEGORIES,
    RATING_ZH,
    as_date,
    assessment_date,
    count,
    last_day_for_act,
    obj,
    ratings,
    tally,
)
from .mit_plan import ROW_NAMES, X01_CITATION, row_findings


def _assessment_for(case: Case, plan: dict[str, Any]) -> CaseDoc | None:
    """The 附件七 a plan answers: the one whose 案件編號 is the plan's assessment_ref, else
    the first in the case."""
    assessments = case.all(A7)
    ref = plan.get("assessment_ref")
    for doc in assessments:
        if ref and obj(doc.data.get("summary")).get("case_no") == ref:
            return doc
    return assessments[0] if assessments else None


# -- X-01 -------------------------------------------------------------------------------


@case_rule("X-01", forms=(A7, A9), citation=X01_CITATION)
def check_coverage(case: Case, ctx: Context) -> Iterator[Finding]:
    """A plan exists only for the corrective-plan verdict and transcribes the raw counts."""
    answered = set()
    for plan in case.all(A9):
        yield from row_findings(plan.data, ctx, form=A9)
        assessment = _assessment_for(case, plan.data)
        if assessment is None:
            continue
        answered.add(id(assessment))
        yield from _coverage(assessment.data, plan.data, ctx)
    for assessment in case.all(A7):
        summary = obj(assessment.data.get("summary"))
        if id(assessment) in answered or summary.get("verdict") != "corrective_plan":
            continue
        if summary.get("cap_outcome") == "passed":
            yield ctx.warning(
                pointer("summary", "cap_outcome"),
                N_(
                    "the closure says a corrective plan was submitted, but the case holds no 附件九"
                ),
                form=A7,
            )
        else:
            yield ctx.info(
                pointer("summary", "verdict"),
                N_("the verdict asks for a corrective plan; the case holds no 附件九 yet"),
                form=A7,
            )


def _coverage(a7: dict[str, Any], a9: dict[str, Any], ctx: Context) -> Iterator[Finding]:
    summary = obj(a7.get("summary"))
    found = tally(a7)
    stat_critical = count(obj(summary.get("stat")).get("critical"))
    if found.critical or stat_critical:
        yield ctx.error(
            "",
            N_(
                "附件七 has 嚴重缺點 (found {found}, 統計 {stat}): the verdict is 不通過 and no "
                "corrective plan applies"
            ),
            found=found.critical,
            stat=stat_critical,
            form=A9,
        )
    elif summary.get("verdict") != "corrective_plan":
        yield ctx.error(
            "",
            N_(
                "附件七's verdict is {verdict}; a corrective plan applies only when the verdict "
                "asks for one"
            ),
            verdict=choice(A7, "/summary/verdict", summary.get("verdict")),
            form=A9,
        )
    rows = a9.get("rows")
    rows = rows if isinstance(rows, list) else []
    rated = ratings(a7)
    for i, (cat, keys) in enumerate(CATEGORIES.items()):
        if i >= len(rows):
            break
        row = obj(rows[i])
        for field in ("major", "minor", "slight"):
            expected = sum(1 for k in keys if rated.get(k) == field)
            actual = row.get(field)
            if count(actual) != expected or not isinstance(actual, int):
                yield ctx.error(
                    pointer("rows", i, field),
                    N_(
                        "row {row} ({name}): {field} is {given}, but 附件七 rates {count} "
                        "sub-item(s) of category {cat} as {label}"
                    ),
                    row=i + 1,
                    name=ROW_NAMES[i],
                    field=Localised(field, f"{RATING_ZH[field]}項數"),
                    given=shown_value(A9, pointer("rows", i, field), actual),
                    count=expected,
                    cat=cat[1],
                    label=RATING_ZH[field],
                    expected=expected,
                    actual=actual,
                    form=A9,
                )


# -- X-02 -------------------------------------------------------------------------------


@case_rule(
    "X-02",
    forms=(A7, A9),
    citation="S0 要點28①(一)3, (二); 附件七 判定; 附件九 備註",
)
def check_timeliness(case: Case, ctx: Context) -> Iterator[Finding]:
    """The closure on 附件七 must agree with when 附件九 counts as submitted (備註 2)."""
    for plan in case.all(A9):
        assessment = _assessment_for(case, plan.data)
        if assessment is None:
            continue
        summary = obj(assessment.data.get("summary"))
        if summary.get("verdict") != "corrective_plan":
            continue  # X-01 reports a plan without a corrective-plan verdict
        cap_deadline = as_date(summary.get("cap_deadline"))
        if cap_deadline is None:
            yield ctx.warning(
                pointer("summary", "cap_deadline"),
                N_("附件七 has no cap_deadline; the plan's timeliness cannot be checked"),
                form=A7,
            )
            continue
        yield from _timeliness(assessment.data, plan.data, cap_deadline, ctx)


def _timeliness(
    a7: dict[str, Any], a9: dict[str, Any], cap_deadline: Any, ctx: Context
) -> Iterator[Finding]:
    summary = obj(a7.get("summary"))
    outcome = summary.get("cap_outcome")
    effective = as_date(a9.get("effective_date"))
    if effective is None:
        report = ctx.error if outcome == "passed" else ctx.warning
        yield report(
            pointer("effective_date"),
            N_(
                "the plan's effective submission date cannot be determined (submission_method "
                "{method}); its timeliness cannot be checked"
            ),
            method=choice(A9, "/submission_method", a9.get("submission_method") or "-"),
            form=A9,
        )
        return
    last = last_day_for_act(cap_deadline, ctx).last_day
    on_time = effective <= last
    params = {"effective": effective.isoformat(), "deadline": cap_deadline.isoformat()}
    ref = assessment_date(a7)
    if ref is not None and effective < ref:
        yield ctx.warning(
            pointer("effective_date"),
            N_("the plan counts as submitted on {effective}, before the assessment date {date}"),
            effective=effective.isoformat(),
            date=ref.isoformat(),
            form=A9,
        )
    if outcome == "passed":
        if not on_time:
            yield ctx.error(
                pointer("summary", "cap_outcome"),
                N_(
                    "the closure is 'passed' but the plan counts as submitted on {effective}, "
                    "after the deadline {deadline}"
                ),
                expected="failed",
                actual="passed",
                form=A7,
                **params,
            )
        submitted = as_date(summary.get("cap_submitted_date"))
        if submitted != effective:
            yield ctx.error(
                pointer("summary", "cap_submitted_date"),
                N_(
                    "cap_submitted_date {submitted} differs from the date the plan counts as "
                    "submitted, {effective}"
                ),
                submitted=submitted.isoformat() if submitted else shown_value(A7, "", None),
                expected=effective.isoformat(),
                actual=summary.get("cap_submitted_date"),
                form=A7,
                **params,
            )
    elif outcome == "failed":
        if on_time:
            strict = ctx.option("cap_pass_on_submission", True, rule="X-02")
            report = ctx.error if strict else ctx.warning
            yield report(
                pointer("summary", "cap_outcome"),
                N_(
                    "the closure is 'failed' but the plan counts as submitted on {effective}, "
                    "by the deadline {deadline}"
                ),
                expected="passed",
                actual="failed",
                form=A7,
                **params,
            )
    elif on_time:
        yield ctx.info(
            pointer("summary", "cap_outcome"),
            N_(
                "the plan counts as submitted on {effective}, by the deadline {deadline}; the "
                "closure to record is 'passed'"
            ),
            form=A7,
            **params,
        )
    else:
        yield ctx.warning(
            pointer("summary", "cap_outcome"),
            N_(
                "the plan counts as submitted on {effective}, after the deadline {deadline}; "
                "the closure should be 'failed'"
            ),
            form=A7,
            **params,
        )


# -- X-03 -------------------------------------------------------------------------------

# (form, dotted key) in order of authority: the application is what the company declared. The
# application form is not in the catalogue yet; its values are used once it exists and is in a
# case with one of the forms the rule is registered for.
_NAMES = ((APPLICATION, "applicant.name"), (A7, "company"), (A9, "company_name"),
          (A11, "holder.name"))  # fmt: skip
_TAX_IDS = ((APPLICATION, "applicant.tax_id"), (A9, "tax_id"), (A11, "holder.tax_id"))
_INDUSTRIES = ((APPLICATION, "industry"), (A9, "industry"), (A11, "industry"))


def _normal(text: str) -> str:
    return "".join(unicodedata.normalize("NFKC", text).split())


@case_rule(
    "X-03",
    forms=(A7, A9, A11),
    citation="S0 附件七 受評業者名稱; 附件九 壹、基本資料; 要點22, 31①",
)
def check_identity(case: Case, ctx: Context) -> Iterator[Finding]:
    """The company's name, 統一編號 and industry agree across the documents of a case."""
    for what, fields in (("name", _NAMES), ("tax_id", _TAX_IDS), ("industry", _INDUSTRIES)):
        values = [
            (doc, key, value)
            for form, key in fields
            for doc in case.all(form)
            if isinstance(value := get(doc.data, key), str) and value.strip()
        ]
        if len(values) < 2:
            continue
        ref_doc, ref_key, ref_value = values[0]
        for doc, key, value in values[1:]:
            if _normal(value) == _normal(ref_value):
                continue
            yield _mismatch(ctx, what, doc, key, value, ref_doc, ref_key, ref_value)


def _form_name(form_id: str) -> str:
    """A form named in a message: its annex (附件七) in zh-TW, its id in en."""
    form = get_form(form_id)
    return Localised(form_id, form.annex or form.title)


def _mismatch(
    ctx: Context,
    what: str,
    doc: CaseDoc,
    key: str,
    value: str,
    ref_doc: CaseDoc,
    ref_key: str,
    ref_value: str,
) -> Finding:
    # 台/臺 spellings of one name, or a name on a 換發 certificate, are worth a look rather than
    # a rejection: a 變更 may have intervened, and X-07 (rules/mit_change.py) checks the 換發
    # certificate against the change application's new values.
    variant = _normal(value).replace("台", "臺") == _normal(ref_value).replace("台", "臺")
    changed = doc.form == A11 and obj(doc.data.get("reissue")).get("mark") == "replace"
    report = ctx.warning if variant or (changed and what == "name") else ctx.error
    return report(
        pointer(*key.split(".")),
        N_("{key} {value} differs from {ref_key} {ref_value} of {ref_form}"),
        key=name_of(doc.form, pointer(*key.split("."))),
        value=value,
        ref_key=name_of(ref_doc.form, pointer(*ref_key.split("."))),
        ref_value=ref_value,
        ref_form=_form_name(ref_doc.form),
        expected=ref_value,
        actual=value,
        form=doc.form,
    )
