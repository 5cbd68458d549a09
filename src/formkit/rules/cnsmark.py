"""Rules of scheme cnsmark: 正字標記管理規則 (S1, 民國111年01月22日 edition).

The 111 edition is the default. The catalogue's AMB-40 reading makes events
before 2022-01-22 fall under the legacy edition (S2), whose ``CNSL-*`` rules
are not implemented here: the rules whose S1 wording differs from S2 (CNS-R01,
R02, R06) step aside for such applications and CNS-R01 says so once.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator
from datetime import date
from typing import Any

from .. import labels
from ..dates import iso_date as _d
from ..findings import Finding
from ..forms import get_form
from ..i18n import N_, Localised, phrase
from ..labels import field as field_label
from ..pointers import dotted_to_pointer, pointer
from . import Case, CaseDoc, Context, case_rule, deriver, rule
from .periods import deadline, within_lookback

APP = "cnsmark/application"
QMS = "cnsmark/qms-or-factory-inspection-report"
TEST = "cnsmark/product-test-report"

S1_CUTOVER = date(2022, 1, 22)  # S1 修正日期; S1 §30 「自發布日施行」 (AMB-40)
LOOKBACK_MONTHS = 6  # S1 §12①4 「六個月內產品檢驗合格報告書」
REPORT_TYPE_FOR_MODE = {"qms": "qms_certificate", "factory_inspection": "factory_inspection_report"}
# The §12① documents, keyed as translations name them, with their place in the record.
DOCUMENTS = {
    "registration": ("att", "registration"),
    "basic_data": ("att", "basic_data"),
    "qms_or_inspection": ("att", "qms_or_inspection", "attachment"),
    "test_report": ("att", "test_report", "attachment"),
    "power_of_attorney": ("power_of_attorney",),
    "other_mark_report": ("other_mark_exemption", "attachment"),
}


# ---------------------------------------------------------------- helpers


def _obj(rec: Any, *keys: str) -> dict[str, Any]:
    """The object at a path, or an empty dict when any step is missing or not an object."""
    node = rec
    for key in keys:
        node = node.get(key) if isinstance(node, dict) else None
    return node if isinstance(node, dict) else {}


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def _norm(value: Any) -> str:
    """Text compared across documents: NFKC, no spaces, lower case, 台 written 臺."""
    return "".join(unicodedata.normalize("NFKC", _text(value)).split()).lower().replace("台", "臺")


def _cns(value: Any) -> str:
    """A CNS number without its edition year (``CNS 560:2018`` → ``cns560``)."""
    return _norm(value).split(":", 1)[0]


def _label(form_id: str, key: str, code: Any) -> str:
    """The verbatim label of a choice code (``key`` dotted, array indices left out)."""
    return labels.choice_label(get_form(form_id), dotted_to_pointer(key), code) or str(code)


def _edition(rec: dict[str, Any], ctx: Context) -> str:
    """``"111"`` or ``"legacy"``: the option, or by the application date (AMB-40 ``auto``)."""
    chosen = ctx.option("edition", "auto")
    if chosen in ("111", "legacy"):
        return str(chosen)
    applied = _d(rec.get("application_date"))
    return "legacy" if applied is not None and applied < S1_CUTOVER else "111"


def _is_chinese(language: Any) -> bool:
    code = language if isinstance(language, str) and language else "zh-TW"
    return code.lower() == "zh" or code.lower().startswith("zh-")


# Languages a document may be in, as a zh-TW message names them (codes per BCP 47).
_LANGUAGES_ZH = {"en": "英文", "ja": "日文", "ko": "韓文", "de": "德文", "fr": "法文",
                 "es": "西班牙文", "it": "義大利文", "vi": "越南文", "th": "泰文",
                 "id": "印尼文", "zh-CN": "簡體中文", "zh-Hans": "簡體中文"}


def _language(code: Any) -> str:
    """A document's language code as a message parameter: 「日文」 in zh-TW, ``ja`` in en."""
    text = str(code)
    name = _LANGUAGES_ZH.get(text) or _LANGUAGES_ZH.get(text.split("-")[0].lower())
    return Localised(text, name or f"「{text}」")


def _rollover(ctx: Context, rule_id: str) -> bool:
    return bool(ctx.option("rest_day_rollover", True, rule=rule_id))


# ---------------------------------------------------------------- derived fields


@deriver(APP, owns={"/registration_exempt": "CNS-R09", "/rectification/deadline": "CNS-R10"})
def derive_application(rec: dict[str, Any], ctx: Context) -> None:
    """The §12①1 exemption and the §12④ rectification deadline."""
    ubn = _text(_obj(rec, "applicant").get("ubn"))
    rec["registration_exempt"] = bool(ubn and _text(rec.get("factory_reg_no")))
    fix = rec.get("rectification")
    if isinstance(fix, dict):
        delivered = _d(fix.get("notice_delivered_date"))
        if delivered is None:
            fix.pop("deadline", None)
        else:
            due = deadline(delivered, 1, "month", rollover=_rollover(ctx, "CNS-R10"))
            fix["deadline"] = due.last_day.isoformat()


# ---------------------------------------------------------------- single-document rules


@rule("CNS-R01", forms=APP, citation="S1 §2, §3①②")
def eligibility_and_mode(rec: dict[str, Any], ctx: Context) -> Iterator[Finding]:
    """The mode must be the one announced for the item, backed by matching, valid evidence."""
    applied = _d(rec.get("application_date"))
    if _edition(rec, ctx) == "legacy":
        yield ctx.warning(
            pointer("application_date"),
            N_("the application date {date} is before 2022-01-22, so the legacy edition (S2) "
               "governs (AMB-40); its rules are not implemented and CNS-R01, CNS-R02 and "
               "CNS-R06 were not applied"),
            date=rec.get("application_date", ""),
        )
        return
    mode, designated = rec.get("mode"), rec.get("designated_mode")
    if designated and mode and mode != designated:
        yield ctx.error(
            pointer("mode"),
            N_("the item is designated for the mode {designated}, but the application chose "
               "{mode}"),
            expected=designated, actual=mode,
            designated=_label(APP, "mode", designated), mode=_label(APP, "mode", mode),
        )
    evidence = _obj(rec, "att", "qms_or_inspection")
    wanted = REPORT_TYPE_FOR_MODE.get(designated or mode or "")
    kind = evidence.get("type")
    if wanted and kind and kind != wanted:
        yield ctx.error(
            pointer("att", "qms_or_inspection", "type"),
            N_("the mode {mode} needs a {wanted}, but the application attaches a {kind}"),
            expected=wanted, actual=kind,
            mode=_label(APP, "mode", designated or mode),
            wanted=_label(APP, "att.qms_or_inspection.type", wanted),
            kind=_label(APP, "att.qms_or_inspection.type", kind),
        )
    valid_to = _d(evidence.get("valid_to"))
    if applied and valid_to and valid_to < applied:
        yield ctx.error(
            pointer("att", "qms_or_inspection", "valid_to"),
            N_("the certificate or inspection report expired on {valid_to}, before the "
               "application date {date}"),
            expected=f">= {applied.isoformat()}", actual=valid_to.isoformat(),
            valid_to=valid_to.isoformat(), date=applied.isoformat(),
        )
    result = _obj(rec, "att", "test_report").get("result")
    if result == "nonconform":
        yield ctx.error(
            pointer("att", "test_report", "result"),
            N_("the product test report does not state 符合國家標準; the product must pass "
               "the CNS"),
            expected="conform", actual=result,
        )


@rule("CNS-R02", forms=(APP, QMS), citation="S1 §3③④")
def accreditation_mark(rec: dict[str, Any], ctx: Context) -> Iterator[Finding]:
    """The certificate or report must bear an ILAC/IAF/APAC-MRA accreditation body's mark."""
    if ctx.form == APP:
        if _edition(rec, ctx) == "legacy":
            return
        evidence = _obj(rec, "att", "qms_or_inspection")
        where = pointer("att", "qms_or_inspection", "accreditation_mark")
    else:
        evidence, where = rec, pointer("accreditation_mark")
    if evidence.get("accreditation_mark") is False:
        yield ctx.error(
            where,
            N_("the QMS certificate or factory inspection report must bear the accreditation mark "
               "of an accreditation body that signed the ILAC, IAF or APAC arrangement"),
            expected=True, actual=False,
        )


@rule("CNS-R05", forms=(APP, QMS, TEST), citation="S1 §8, §9①②")
def pre_application_sequence(rec: dict[str, Any], ctx: Context) -> Iterator[Finding]:
    """Both reports exist before the application; each report reaches the company after issue."""
    if ctx.form == APP:
        applied = _d(rec.get("application_date"))
        if applied is None:
            return
        for key, field in (("qms_or_inspection", "date"), ("test_report", "date"),
                           ("test_report", "sampling_date")):
            when = _d(_obj(rec, "att", key).get(field))
            if when and when > applied:
                yield ctx.error(
                    pointer("att", key, field),
                    N_("{field} is dated {when}, after the application date {date}; the report "
                       "must come before the application"),
                    expected=f"<= {applied.isoformat()}", actual=when.isoformat(),
                    field=field_label(get_form(APP).schema, pointer("att", key, field)),
                    when=when.isoformat(), date=applied.isoformat(),
                )
        return
    issued = _d(rec.get("date" if ctx.form == QMS else "report_date"))
    delivered = _d(rec.get("delivered_date"))
    if issued and delivered and delivered < issued:
        yield ctx.error(
            pointer("delivered_date"),
            N_("the report was delivered on {delivered}, before it was issued on {issued}"),
            expected=f">= {issued.isoformat()}", actual=delivered.isoformat(),
            delivered=delivered.isoformat(), issued=issued.isoformat(),
        )
    sampled = _d(_obj(rec, "sampling").get("date"))
    if ctx.form == TEST and issued and sampled and sampled > issued:
        yield ctx.error(
            pointer("sampling", "date"),
            N_("the sample was taken on {sampled}, after the report date {issued}"),
            expected=f"<= {issued.isoformat()}", actual=sampled.isoformat(),
            sampled=sampled.isoformat(), issued=issued.isoformat(),
        )
    place = _obj(rec, "sampling").get("place")
    if ctx.form == TEST and rec.get("purpose") == "pre_application" and place in ("market", "site"):
        yield ctx.error(
            pointer("sampling", "place"),
            N_("a test before application samples the product at the applying factory, not at "
               "{place}"),
            expected="factory", actual=place, place=_label(TEST, "sampling.place", place),
        )


@rule("CNS-R06", forms=APP, citation="S1 §9③")
def other_mark_exemption(rec: dict[str, Any], ctx: Context) -> Iterator[Finding]:
    """Another mark's latest report exempts test items once only, while its registration lasts."""
    ex = rec.get("other_mark_exemption")
    if not isinstance(ex, dict) or _edition(rec, ctx) == "legacy":
        return
    if ex.get("prior_use") is True:
        yield ctx.error(
            pointer("other_mark_exemption", "prior_use"),
            N_("the report of {mark} was already used once to exempt test items; S1 §9③ allows "
               "this only once"),
            expected=False, actual=True, mark=_text(ex.get("mark")),
        )
    if ex.get("registration_active") is False:
        yield ctx.error(
            pointer("other_mark_exemption", "registration_active"),
            N_("the registration of {mark} must remain valid for its report to exempt test items"),
            expected=True, actual=False, mark=_text(ex.get("mark")),
        )
    if not ex.get("exempted_items"):
        yield ctx.warning(
            pointer("other_mark_exemption", "exempted_items"),
            N_("the exemption names no test items; list the CNS items the report replaces"),
        )


def _documents_present(rec: dict[str, Any], ctx: Context) -> Iterator[Finding]:
    """§12①2–4 and the fee: the documents every application carries."""
    att = _obj(rec, "att")
    for key, message in (
        ("basic_data", N_("the 廠商基本資料 (attachment 2) is missing")),
        ("qms_or_inspection", N_("the QMS certificate or factory inspection report copy "
                                 "(attachment 3) is missing")),
        ("test_report", N_("the product test pass report of the last six months "
                           "(attachment 4) is missing")),
    ):
        if not isinstance(att.get(key), dict):
            yield ctx.error(pointer("att", key), message)
    fee = rec.get("fee_paid")
    if not isinstance(fee, dict) or not isinstance(fee.get("amount"), int) or fee["amount"] <= 0:
        yield ctx.error(
            pointer("fee_paid"), N_("the application must come with the application fee (申請規費)")
        )


@rule("CNS-R09", forms=APP, citation="S1 §12①–③")
def application_documents(rec: dict[str, Any], ctx: Context) -> Iterator[Finding]:
    """The §12① documents, the six-month look-back, the agent and the translations."""
    if not rec.get("registration_exempt") and not _obj(rec, "att", "registration"):
        yield ctx.error(
            pointer("att", "registration"),
            N_("the company and factory registration copies (attachment 1) are missing; they may "
               "be omitted only when both the 統一編號 and the 工廠登記編號 are filled in"),
        )
    yield from _documents_present(rec, ctx)
    yield from _lookback(rec, ctx)
    yield from _foreign(rec, ctx)
    yield from _translations(rec, ctx)


def _lookback(rec: dict[str, Any], ctx: Context) -> Iterator[Finding]:
    """T6 with AMB-21: the report's issue date (or, by option, its sampling date)."""
    applied = _d(rec.get("application_date"))
    report = _obj(rec, "att", "test_report")
    if applied is None or not report:
        return
    field = "date"
    if ctx.option("report_date_field", "issue", rule="CNS-R09") == "sampling":
        field = "sampling_date"
        if _d(report.get(field)) is None:
            yield ctx.warning(
                pointer("att", "test_report", field),
                N_("the six-month look-back is read from the sampling date, which is not given; "
                   "it cannot be verified"),
            )
            return
    when = _d(report.get(field))
    if when and when <= applied and not within_lookback(when, applied, LOOKBACK_MONTHS):
        yield ctx.error(
            pointer("att", "test_report", field),
            N_("the product test report of {when} is older than six months on the application "
               "date {date}"),
            expected=f"within {LOOKBACK_MONTHS} months of {applied.isoformat()}",
            actual=when.isoformat(), when=when.isoformat(), date=applied.isoformat(),
        )


def _foreign(rec: dict[str, Any], ctx: Context) -> Iterator[Finding]:
    """§12②: a foreign applicant 「得委任」 an agent in the ROC, who files a 委任書."""
    if rec.get("foreign") is not True:
        return
    if not isinstance(rec.get("agent"), dict):
        yield ctx.warning(
            pointer("agent"),
            N_("a foreign applicant normally files through an agent with a place of business in "
               "the ROC (S1 §12②); none is named"),
        )
    elif not isinstance(rec.get("power_of_attorney"), dict):
        yield ctx.error(
            pointer("power_of_attorney"),
            N_("an agent acting for a foreign applicant must file a power of attorney (委任書)"),
        )


def _translations(rec: dict[str, Any], ctx: Context) -> Iterator[Finding]:
    """§12③: every foreign-language document comes with a Chinese translation."""
    rows = _obj(rec, "att").get("translations")
    rows = rows if isinstance(rows, list) else []
    translated = {r.get("translates") for r in rows if isinstance(r, dict)}
    for code, path in DOCUMENTS.items():
        doc = _obj(rec, *path)
        if doc and not _is_chinese(doc.get("language")) and code not in translated:
            yield ctx.error(
                pointer(*path, "language"),
                N_("{document} is in {language}; a Chinese translation must be attached"),
                expected="att.translations[] entry", actual=doc.get("language"),
                document=_label(APP, "att.translations.translates", code),
                language=_language(doc.get("language")),
            )
    for i, row in enumerate(rows):
        if isinstance(row, dict) and not _is_chinese(row.get("language")):
            yield ctx.error(
                pointer("att", "translations", i, "language"),
                N_("a translation must be in Chinese, not {language}"),
                expected="zh-TW", actual=row.get("language"),
                language=_language(row.get("language")),
            )


@rule("CNS-R10", forms=APP, citation="S1 §12④")
def rectification(rec: dict[str, Any], ctx: Context) -> Iterator[Finding]:
    """補正 within one month from the day after the notice is delivered, or 不受理."""
    fix = rec.get("rectification")
    if not isinstance(fix, dict):
        return
    delivered, due = _d(fix.get("notice_delivered_date")), _d(fix.get("deadline"))
    filed = _d(fix.get("filed_date"))
    if delivered is None or due is None:
        return
    if filed is not None and filed < delivered:
        yield ctx.error(
            pointer("rectification", "filed_date"),
            N_("the rectification is dated {filed}, before the notice was delivered on "
               "{delivered}"),
            expected=f">= {delivered.isoformat()}", actual=filed.isoformat(),
            filed=filed.isoformat(), delivered=delivered.isoformat(),
        )
    elif filed is not None and filed > due:
        yield ctx.error(
            pointer("rectification", "filed_date"),
            N_("the rectification of {filed} is after the deadline {deadline}; the application "
               "is not accepted (不受理)"),
            expected=f"<= {due.isoformat()}", actual=filed.isoformat(),
            filed=filed.isoformat(), deadline=due.isoformat(),
        )
    elif filed is None and ctx.as_of is not None and ctx.as_of > due:
        yield ctx.error(
            pointer("rectification", "filed_date"),
            N_("no rectification was filed by the deadline {deadline}; the application is not "
               "accepted (不受理)"),
            expected=f"<= {due.isoformat()}", deadline=due.isoformat(),
        )
    elif filed is None:
        yield ctx.info(
            pointer("rectification", "deadline"),
            N_("the rectification is due by {deadline}"), deadline=due.isoformat(),
        )


# ---------------------------------------------------------------- case rules


def _factory_key(rec: dict[str, Any]) -> str:
    f = _obj(rec, "factory")
    return f"{_norm(f.get('name'))}|{_norm(f.get('address'))}"


def _product_key(rec: dict[str, Any]) -> tuple[str, str, str]:
    """§11②: one application per 分類 where the item has classes, else per product."""
    if _text(rec.get("item_class")):
        return (_norm(rec.get("item")), "class", _norm(rec.get("item_class")))
    p = _obj(rec, "product")
    return (_norm(rec.get("item")), _norm(p.get("name")), _norm(p.get("model")))


@case_rule("CNS-R08", forms=(APP,), citation="S1 §11")
def application_scoping(case: Case, ctx: Context) -> Iterator[Finding]:
    """Two applications of one case for the same factory and product (or 分類) clash."""
    seen: dict[tuple[str, tuple[str, str, str]], int] = {}
    for n, doc in enumerate(case.all(APP), start=1):
        key = (_factory_key(doc.data), _product_key(doc.data))
        if key in seen:
            yield ctx.error(
                pointer("item"),
                N_("application {n} repeats application {first} for the same factory and "
                   "product or class; S1 §11 allows one application per product (per class) "
                   "and factory"),
                form=APP, n=n, first=seen[key],
            )
        else:
            seen[key] = n


def _match(docs: list[CaseDoc], number: Any) -> CaseDoc | None:
    """The report a number names; the only report of its kind when none matches."""
    for doc in docs:
        if _norm(doc.data.get("report_no")) and _norm(doc.data.get("report_no")) == _norm(number):
            return doc
    return docs[0] if len(docs) == 1 else None


def _covers(scope: Any, *names: Any) -> bool:
    wanted = [_norm(n) for n in names if _norm(n)]
    entries = [_norm(e) for e in scope if _norm(e)] if isinstance(scope, list) else []
    return any(e in w or w in e for e in entries for w in wanted)


def _same(
    ctx: Context, form: str, path: str, mine: Any, theirs: Any, what: str
) -> Iterator[Finding]:
    if _norm(mine) != _norm(theirs):
        yield ctx.error(
            path,
            N_("the application states {what} {mine}, but the report document says {theirs}"),
            form=form, expected=theirs, actual=mine,
            what=what, mine=_text(mine) or "-", theirs=_text(theirs) or "-",
        )


def _factory(
    ctx: Context, form: str, app: dict[str, Any], rep: dict[str, Any]
) -> Iterator[Finding]:
    if _factory_key(app) != _factory_key(rep):
        yield ctx.error(
            pointer("factory"),
            N_("the report concerns the factory {theirs}, not the applying factory {mine}"),
            form=form, theirs=_text(_obj(rep, "factory").get("name")) or "-",
            mine=_text(_obj(app, "factory").get("name")) or "-",
        )


def _x24_qms(app: dict[str, Any], rep: dict[str, Any], applied: date | None,
             ctx: Context) -> Iterator[Finding]:
    copy = _obj(app, "att", "qms_or_inspection")
    where = ("att", "qms_or_inspection")
    yield from _factory(ctx, QMS, app, rep)
    yield from _same(ctx, APP, pointer(*where, "cert_no"), copy.get("cert_no"),
                     rep.get("report_no"), phrase(N_("the certificate or report number")))
    yield from _same(ctx, APP, pointer(*where, "issuer"), copy.get("issuer"),
                     _obj(rep, "issuer").get("name"), phrase(N_("the issuing body")))
    yield from _same(ctx, APP, pointer(*where, "date"), copy.get("date"), rep.get("date"),
                     phrase(N_("the date of issue")))
    issued, valid_to = _d(rep.get("date")), _d(rep.get("valid_to"))
    if applied and ((issued and issued > applied) or (valid_to and valid_to < applied)):
        yield ctx.error(
            pointer("valid_to" if valid_to and valid_to < applied else "date"),
            N_("the certificate or inspection report is not valid on the application date {date}"),
            form=QMS, date=applied.isoformat(),
        )
    if rep.get("accreditation_mark") is False:
        yield ctx.error(pointer("accreditation_mark"),
                        N_("the report bears no accreditation mark (S1 §3③)"), form=QMS)
    if rep.get("result") == "nonconform":
        yield ctx.error(pointer("result"),
                        N_("the certificate or inspection report does not find the factory "
                           "conforming"), form=QMS, expected="conform", actual="nonconform")
    if not _covers(rep.get("scope"), app.get("item"), _obj(app, "product").get("name")):
        yield ctx.error(
            pointer("scope"),
            N_("the scope of the certificate or report does not cover {item}"),
            form=QMS, item=_text(app.get("item")) or _text(_obj(app, "product").get("name")),
        )
    for key, mode in (("mode", app.get("mode")), ("designated_mode", app.get("designated_mode"))):
        if mode and rep.get("mode") and rep.get("mode") != mode:
            yield ctx.error(
                pointer(key),
                N_("the report is a {theirs}, but the application's mode is {mode}"),
                form=APP, expected=rep.get("mode"), actual=mode,
                theirs=_label(QMS, "mode", rep.get("mode")), mode=_label(APP, "mode", mode),
            )


def _x24_test(app: dict[str, Any], rep: dict[str, Any], applied: date | None,
              ctx: Context) -> Iterator[Finding]:
    copy = _obj(app, "att", "test_report")
    yield from _factory(ctx, TEST, app, rep)
    yield from _same(ctx, APP, pointer("att", "test_report", "report_no"), copy.get("report_no"),
                     rep.get("report_no"), phrase(N_("the test report number")))
    yield from _same(ctx, APP, pointer("att", "test_report", "date"), copy.get("date"),
                     rep.get("report_date"), phrase(N_("the test report date")))
    when = _d(rep.get("report_date"))
    if applied and when and (when > applied or not within_lookback(when, applied, LOOKBACK_MONTHS)):
        yield ctx.error(
            pointer("report_date"),
            N_("the test report of {when} is not within the six months before the application "
               "date {date}"),
            form=TEST, when=when.isoformat(), date=applied.isoformat(),
        )
    checks = [("item", _norm, phrase(N_("the item"))),
              ("cns_standard", _cns, phrase(N_("the CNS")))]
    if _text(app.get("item_class")):  # 分類 only binds when the application names one
        checks.append(("item_class", _norm, phrase(N_("the class"))))
    for key, norm, what in checks:
        if norm(app.get(key)) != norm(rep.get(key)):
            yield ctx.error(
                pointer(key),
                N_("the test report covers {theirs}, not {what} of the application {mine}"),
                form=TEST, what=what, theirs=_text(rep.get(key)) or "-",
                mine=_text(app.get(key)) or "-",
            )
    if rep.get("overall") == "nonconform":
        yield ctx.error(pointer("overall"), N_("the test report does not state 符合國家標準"),
                        form=TEST, expected="conform", actual="nonconform")
    if rep.get("purpose") not in (None, "pre_application"):
        yield ctx.warning(
            pointer("purpose"),
            N_("the test report was not made for an application (S1 §9); check that it may serve"),
            form=TEST,
        )
    yield from _x24_exemption(app, rep, ctx)


def _x24_exemption(app: dict[str, Any], rep: dict[str, Any], ctx: Context) -> Iterator[Finding]:
    """CNS-R06 across documents: the exempted items rest on the named other-mark report."""
    claim, used = app.get("other_mark_exemption"), rep.get("exempted_items")
    if not isinstance(used, dict):
        if isinstance(claim, dict):
            yield ctx.error(pointer("other_mark_exemption"),
                            N_("the application claims an exemption the test report does not "
                               "apply"), form=APP)
        return
    if not isinstance(claim, dict):
        yield ctx.error(pointer("exempted_items"),
                        N_("the test report exempts items, but the application names no other "
                           "certification mark's report"), form=TEST)
        return
    yield from _same(ctx, APP, pointer("other_mark_exemption", "report_no"),
                     claim.get("report_no"), used.get("basis"),
                     phrase(N_("the other mark's report")))
    mine = {_norm(i) for i in claim.get("exempted_items") or []}
    theirs = {_norm(i) for i in used.get("items") or []}
    if mine != theirs:
        yield ctx.error(pointer("exempted_items", "items"),
                        N_("the exempted items differ between the application and the test "
                           "report"), form=TEST)


@case_rule("X-24", forms=(APP, QMS, TEST), citation="S1 §3①–④, §8, §9, §12①3–4")
def application_prerequisites(case: Case, ctx: Context) -> Iterator[Finding]:
    """An application and the two reports it rests on describe the same factory and product."""
    reuse: dict[tuple[tuple[str, str, str], str], int] = {}
    for n, doc in enumerate(case.all(APP), start=1):
        app = doc.data
        applied = _d(app.get("application_date"))
        qms = _match(case.all(QMS), _obj(app, "att", "qms_or_inspection").get("cert_no"))
        if qms is not None:
            yield from _x24_qms(app, qms.data, applied, ctx)
        test = _match(case.all(TEST), _obj(app, "att", "test_report").get("report_no"))
        if test is not None:
            yield from _x24_test(app, test.data, applied, ctx)
        report_no = _norm(_obj(app, "other_mark_exemption").get("report_no"))
        if report_no:
            key = (_product_key(app), report_no)
            if key in reuse:
                yield ctx.error(
                    pointer("other_mark_exemption", "report_no"),
                    N_("application {n} uses the other mark's report again after application "
                       "{first}; S1 §9③ allows one use"),
                    form=APP, n=n, first=reuse[key],
                )
            reuse.setdefault(key, n)
