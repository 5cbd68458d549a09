"""附件七 臺灣製MIT微笑產品生產工廠品質管理系統評核表: its derived fields and MIT-R12–R22.

The tallies, the 統計 and the verdict are derived (readOnly): the printed form asks the
assessor to write numbers the rules fully determine, so formkit computes them and reports a
given value that disagrees. The verdict stays 「提出矯正計畫後再行判定」 once the closure is
known, because the printed form puts the closure (通過 / 不通過) under that option; the
derived ``summary.result`` carries the case's final outcome.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ..findings import Finding
from ..i18n import N_, Localised, shown
from ..labels import choice, name_of
from ..pointers import pointer
from . import Context, deriver, rule
from .mit_common import (
    A7,
    CATEGORIES,
    ITEMS,
    SEVERITY,
    aggregate,
    as_date,
    assessment_date,
    final_result,
    fraction_rating,
    incident_rating,
    item_key,
    item_no,
    most_severe,
    obj,
    rating_text,
    ratings,
    reading_of,
    section2_required,
    spec_records_rating,
    tally,
    verdict,
)
from .mit_qms_closure import closure_findings, deadline_findings
from .periods import within_lookback

_DEFECT_RATINGS = ("critical", "major", "minor", "slight")
# AMB-01's two readings of 要點28①(三), as a message names them.
_READINGS_ZH = {"cascade": "累進換算", "independent": "分別換算"}


@deriver(
    A7,
    owns={
        "/summary/found": "MIT-R18",
        "/summary/stat": "MIT-R18",
        "/summary/no_defect": "MIT-R22",
        "/summary/verdict": "MIT-R19",
        "/summary/result": "MIT-R19",
    },
)
def derive(rec: dict[str, Any], ctx: Context) -> None:
    """Fill 發現…數, 評核結果統計, 未發現缺點, the verdict and the final result."""
    if "summary" not in rec:
        rec["summary"] = {}
    summary = rec["summary"]
    if not isinstance(summary, dict):
        return
    found = tally(rec)
    stat = aggregate(found, reading_of(ctx))
    summary["found"] = found.as_dict()
    summary["stat"] = {"critical": stat[0], "major": stat[1], "minor": stat[2]}
    summary["no_defect"] = not any(found.as_dict().values())
    code = verdict(rec, found, stat)
    summary["verdict"] = code
    summary["result"] = final_result(code, summary.get("cap_outcome"))


# -- section 一 ---------------------------------------------------------------------------


@rule("MIT-R12", forms=A7, citation="S0 要點27②; 附件七 一.3; 附件八 一.3")
def check_prior_pass(rec: dict[str, Any], ctx: Context) -> Iterator[Finding]:
    """The 三年 exemption answer must agree with the prior pass date (T6, AMB-07), and a
    flow that continues into section 二 needs its ratings."""
    doc3 = obj(rec.get("doc3"))
    answer = doc3.get("answer")
    prior = as_date(doc3.get("prior_date"))
    ref = assessment_date(rec)
    path = pointer("doc3", "prior_date")
    if answer in ("exempt_pass", "assess") and prior is None:
        yield ctx.error(
            path,
            N_("doc3.prior_date: the answer {answer} needs the date of the prior pass"),
            answer=choice(A7, "/doc3/answer", answer),
        )
    if prior is not None and ref is not None:
        within = within_lookback(prior, ref, 36)
        if prior > ref:
            yield ctx.error(
                path,
                N_("doc3.prior_date {prior} is after the assessment date {date}"),
                prior=prior.isoformat(),
                date=ref.isoformat(),
            )
        elif answer in ("exempt_pass", "assess") and not within:
            yield ctx.error(
                pointer("doc3", "answer"),
                N_(
                    "doc3.answer {answer}: the prior pass {prior} is more than three years "
                    "before the assessment date {date}; the answer must be 'no'"
                ),
                answer=choice(A7, "/doc3/answer", answer),
                prior=prior.isoformat(),
                date=ref.isoformat(),
                expected="no",
                actual=answer,
            )
        elif answer == "no" and within:
            yield ctx.error(
                pointer("doc3", "answer"),
                N_(
                    "doc3.answer is 'no' but the prior pass {prior} is within three years "
                    "of the assessment date {date}"
                ),
                prior=prior.isoformat(),
                date=ref.isoformat(),
            )
    rated = ratings(rec)
    if answer == "exempt_pass":
        defects = sorted(item_no(k) for k, r in rated.items() if r in _DEFECT_RATINGS)
        if defects:
            yield ctx.error(
                pointer("doc3", "answer"),
                N_(
                    "doc3.answer exempt_pass (無評核之必要) contradicts the defects rated in "
                    "section 二: {items}"
                ),
                items=", ".join(defects),
            )
    if section2_required(rec):
        missing = [item_no(k) for k in ITEMS if k not in rated]
        if missing:
            yield ctx.error(
                pointer("items"),
                N_(
                    "section 二 must be rated (doc3.answer {answer}); sub-items without a "
                    "rating: {items}"
                ),
                answer=choice(A7, "/doc3/answer", answer),
                items=", ".join(missing),
            )


@rule("MIT-R13", forms=A7, citation="S0 要點19②; 要點23②(二); 附件七 一.2; 附件八 一.2, 一.4")
def check_recognized_certificate(rec: dict[str, Any], ctx: Context) -> Iterator[Finding]:
    """A recognised QMS certificate 視同符合 only if its particulars are given and it is
    valid on the assessment date."""
    doc2 = obj(rec.get("doc2"))
    if doc2.get("answer") != "yes":
        return
    for name in ("standard", "cert_no", "valid_to"):
        if not doc2.get(name):
            yield ctx.error(
                pointer("doc2", name),
                N_("doc2.{key} is required when doc2.answer is 'yes'"),
                key=name_of(A7, pointer("doc2", name)),
            )
    valid_to = as_date(doc2.get("valid_to"))
    ref = assessment_date(rec)
    if valid_to is not None and ref is not None and valid_to < ref:
        yield ctx.error(
            pointer("doc2", "valid_to"),
            N_(
                "doc2.valid_to {valid_to}: the QMS certificate expired before the assessment "
                "date {date}"
            ),
            valid_to=valid_to.isoformat(),
            date=ref.isoformat(),
        )
    recognized = ctx.option("recognized_standards", None, rule="MIT-R13")
    standard = doc2.get("standard")
    if isinstance(recognized, list | tuple) and standard and standard not in recognized:
        yield ctx.error(
            pointer("doc2", "standard"),
            N_("doc2.standard {standard} is not on the list of recognised QMS standards"),
            standard=str(standard),
        )
    if ratings(rec) and obj(rec.get("doc3")).get("answer") != "assess":
        yield ctx.warning(
            pointer("items"),
            N_("section 二 is rated although doc2.answer 'yes' lets the assessment be skipped"),
        )


@rule("MIT-R14", forms=A7, citation="S0 附件七 一.1; 附件八 一.1")
def check_permit(rec: dict[str, Any], ctx: Context) -> Iterator[Finding]:
    """A 特許製造業 factory passes item 一.1 only with a permit valid on the assessment date.

    The consequence of doc1 = 否 (評核不通過) is in the derived verdict (MIT-R19).
    """
    doc1 = obj(rec.get("doc1"))
    if doc1.get("answer") != "yes":
        return
    for name in ("permit_info", "valid_to"):
        if not doc1.get(name):
            yield ctx.error(
                pointer("doc1", name),
                N_("doc1.{key} is required when doc1.answer is 'yes'"),
                key=name_of(A7, pointer("doc1", name)),
            )
    valid_to = as_date(doc1.get("valid_to"))
    ref = assessment_date(rec)
    if valid_to is not None and ref is not None and valid_to < ref:
        yield ctx.error(
            pointer("doc1", "valid_to"),
            N_(
                "doc1.valid_to {valid_to}: the permit expired before the assessment date "
                "{date}; doc1.answer must be 'no' (評核不通過)"
            ),
            valid_to=valid_to.isoformat(),
            date=ref.isoformat(),
        )


# -- section 二: ratings against the evidence worksheet -----------------------------------


def _evidence(rec: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any], str | None]]:
    items = obj(rec.get("items"))
    for key in ITEMS:
        item = obj(items.get(key))
        evidence = obj(item.get("evidence"))
        if evidence:
            rating = item.get("rating")
            yield key, evidence, rating if rating in SEVERITY else None


def _too_lenient(
    ctx: Context, key: str, rating: str | None, derived: str | None, basis: str
) -> Iterator[Finding]:
    if rating is not None and derived is not None and SEVERITY[rating] < SEVERITY[derived]:
        yield ctx.error(
            pointer("items", key, "rating"),
            N_(
                "sub-item {item}: the rating {rating} is less severe than {derived}, which "
                "the worksheet implies ({basis})"
            ),
            item=item_no(key),
            rating=rating_text(rating),
            derived=rating_text(derived),
            basis=basis,
            expected=derived,
            actual=rating,
        )


@rule("MIT-R15", forms=A7, citation="S0 要點28②(一)1, (二), (三)2, (四); 附件八 二")
def check_fraction_rating(rec: dict[str, Any], ctx: Context) -> Iterator[Finding]:
    """k of N units 未執行 set a minimum rating; a harsher rating than the whole worksheet
    supports is only a warning, since the assessor may have other grounds."""
    for key, ev, rating in _evidence(rec):
        n, k = ev.get("population"), ev.get("not_executed")
        if isinstance(n, int) and isinstance(k, int) and k > n:
            yield ctx.error(
                pointer("items", key, "evidence", "not_executed"),
                N_("sub-item {item}: not_executed {k} exceeds the population {n}"),
                item=item_no(key),
                k=k,
                n=n,
            )
            continue
        derived = fraction_rating(n, k)
        basis = Localised(f"{k}/{n}", f"{n} 個中有 {k} 個未執行")
        yield from _too_lenient(ctx, key, rating, derived, basis)
        has_basis = isinstance(k, int) or "spec" in ev or "records" in ev
        combined = _combined(key, ev)
        if rating is None or not has_basis or rating == "na":
            continue
        if SEVERITY[rating] > SEVERITY[combined or "conform"]:
            yield ctx.warning(
                pointer("items", key, "rating"),
                N_(
                    "sub-item {item}: the rating {rating} is more severe than the worksheet "
                    "supports ({derived})"
                ),
                item=item_no(key),
                rating=rating_text(rating),
                derived=rating_text(combined or "conform"),
            )


def _combined(key: str, ev: dict[str, Any]) -> str | None:
    return most_severe(
        fraction_rating(ev.get("population"), ev.get("not_executed")),
        spec_records_rating(key, ev.get("spec"), ev.get("records")),
        incident_rating(key, ev.get("unremedied_incident")),
    )


@rule("MIT-R16", forms=A7, citation="S0 要點28②(三)1, (四)1–11; 附件八 二")
def check_spec_records_rating(rec: dict[str, Any], ctx: Context) -> Iterator[Finding]:
    """A missing or incomplete spec or record sets a minimum rating per 附件八."""
    for key, ev, rating in _evidence(rec):
        derived = spec_records_rating(key, ev.get("spec"), ev.get("records"))
        yield from _too_lenient(ctx, key, rating, derived, _spec_records(key, ev))


def _spec_records(item: str, ev: dict[str, Any]) -> str:
    """The worksheet's 執行規範 and 執行紀錄, as the basis of a minimum rating."""
    spec, records = (
        shown(choice(A7, pointer("items", item, "evidence", name), ev.get(name, "-")), "zh-TW")
        for name in ("spec", "records")
    )
    return Localised(
        f"spec={ev.get('spec', '-')}, records={ev.get('records', '-')}",
        f"執行規範：{spec}；執行紀錄：{records}",
    )


@rule("MIT-R17", forms=A7, citation="S0 要點28②(一)2; 附件八 二.1.1, 1.2, 3.1")
def check_incident(rec: dict[str, Any], ctx: Context) -> Iterator[Finding]:
    """An unremedied safety or pollution incident makes 1.1, 1.2 or 3.1 a 嚴重缺點."""
    for key, ev, rating in _evidence(rec):
        if ev.get("unremedied_incident") is not True:
            continue
        if incident_rating(key, True) is None:
            yield ctx.warning(
                pointer("items", key, "evidence", "unremedied_incident"),
                N_(
                    "sub-item {item}: 附件八 attaches unremedied incidents to 1.1, 1.2 and "
                    "3.1 only; the flag is not used here"
                ),
                item=item_no(key),
            )
            continue
        incident = Localised("unremedied_incident", "曾造成安全危害或污染事件且未完成改善")
        yield from _too_lenient(ctx, key, rating, "critical", incident)


# -- 綜合評定 ----------------------------------------------------------------------------


@rule("MIT-R18", forms=A7, citation="S0 要點28①(三)(四); 附件七 「評核結果統計」")
def check_aggregation(rec: dict[str, Any], ctx: Context) -> Iterator[Finding]:
    """The tallies and the 統計 are derived; this reports the other AMB-01 reading when its
    result differs, because the verdict can turn on it."""
    asked = ctx.option("reading", "cascade", rule="MIT-R18")
    if asked not in ("cascade", "independent"):
        yield ctx.warning(
            pointer("summary", "stat"),
            N_("unknown reading {reading} for MIT-R18; the cascade reading was used"),
            reading=str(asked),
        )
    reading = reading_of(ctx)
    other = "independent" if reading == "cascade" else "cascade"
    found = tally(rec)
    mine, theirs = aggregate(found, reading), aggregate(found, other)
    if mine != theirs:
        yield ctx.info(
            pointer("summary", "stat"),
            N_(
                "under the {other} reading (AMB-01) the 統計 would be 嚴重 {c}, 主要 {m}, "
                "次要 {n} and the verdict {verdict}"
            ),
            other=Localised(other, _READINGS_ZH[other]),
            c=theirs[0],
            m=theirs[1],
            n=theirs[2],
            verdict=choice(A7, "/summary/verdict", verdict(rec, found, theirs)),
        )


@rule("MIT-R19", forms=A7, citation="S0 要點28①(一)(二); 附件七 判定")
def check_verdict(rec: dict[str, Any], ctx: Context) -> Iterator[Finding]:
    """The verdict is derived; this checks the corrective-plan deadline and its closure."""
    yield from closure_findings(rec, ctx)


@rule("MIT-R21", forms=A7, citation="S0 附件七 (各類別之條列式敘明欄)")
def check_narratives(rec: dict[str, Any], ctx: Context) -> Iterator[Finding]:
    """Each sub-item not rated 符合 must be listed, with its 項次, in its category's box."""
    rated = ratings(rec)
    cats = obj(rec.get("cat"))
    for cat, keys in CATEGORIES.items():
        rows = obj(cats.get(cat)).get("findings")
        rows = rows if isinstance(rows, list) else []
        listed = {obj(r).get("item") for r in rows}
        for key in keys:
            if key in rated and rated[key] != "conform" and item_no(key) not in listed:
                yield ctx.error(
                    pointer("cat", cat, "findings"),
                    N_(
                        "sub-item {item} is rated {rating}; list it with its 項次 and the "
                        "finding (or the reason for 不適用) in the box of category {cat}"
                    ),
                    item=item_no(key),
                    rating=rating_text(rated[key]),
                    cat=cat[1],
                )
        for i, row in enumerate(rows):
            number = obj(row).get("item")
            if not isinstance(number, str):
                continue
            key = item_key(number)
            if key not in keys:
                yield ctx.error(
                    pointer("cat", cat, "findings", i, "item"),
                    N_("項次 {item} does not belong to category {cat}"),
                    item=number,
                    cat=cat[1],
                )
            elif rated.get(key) == "conform":
                yield ctx.error(
                    pointer("cat", cat, "findings", i, "item"),
                    N_("項次 {item} is listed as a finding but rated conform (符合)"),
                    item=number,
                )


@rule("MIT-R22", forms=A7, citation="S0 附件七 綜合評定")
def check_summary(rec: dict[str, Any], ctx: Context) -> Iterator[Finding]:
    """The case type decides which of 案件編號 and 年度/季 is filled in."""
    summary = obj(rec.get("summary"))
    case_type = summary.get("case_type")
    needed = {"application": "case_no", "tracking": "year_quarter"}.get(str(case_type))
    if needed is None:
        return
    other = "year_quarter" if needed == "case_no" else "case_no"
    kind = choice(A7, "/summary/case_type", case_type)
    if not summary.get(needed):
        yield ctx.error(
            pointer("summary", needed),
            N_("summary.{key} is required when summary.case_type is {case_type}"),
            key=name_of(A7, pointer("summary", needed)),
            case_type=kind,
        )
    if summary.get(other):
        yield ctx.warning(
            pointer("summary", other),
            N_("summary.{key} is given although summary.case_type is {case_type}"),
            key=name_of(A7, pointer("summary", other)),
            case_type=kind,
        )


# -- MIT-R20: the period 附件七 states for the corrective plan (要點28①(一)3) ---------------


@rule("MIT-R20", forms=A7, citation="S0 要點28①(一)3, (二); 附件九 備註")
def check_plan_deadline(rec: dict[str, Any], ctx: Context) -> Iterator[Finding]:
    """The deadline's last day, past rest days; 附件九 is dated against it (X-02)."""
    yield from deadline_findings(rec, ctx)


# -- MIT-R24: only a holder of a valid 訓練合格證書 assesses (要點30①) ---------------------


@rule("MIT-R24", forms=A7, citation="S0 要點30①; 附件十五 五",
      needs=N_("the assessor's certificate: X-17 checks its validity on the assessment date "
               "when the case holds the 附件十 certificate"))
def check_assessor_certificate_named(rec: dict[str, Any], ctx: Context) -> Iterator[Finding]:
    """The form names the assessor's certificate; whether it is valid on the assessment date
    is for X-17, with the certificate (附件十) in the case."""
    if not str(rec.get("assessor_training_cert_no") or "").strip():
        yield ctx.warning(  # an error once X-17 finds no valid certificate in the case
            pointer("assessor_training_cert_no"),
            N_("the assessor's training certificate number is not given: only a holder of a "
               "valid certificate may carry out the on-site assessment"),
        )
