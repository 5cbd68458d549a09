"""驗證書變更及補(換)發申請 (要點32): the change and reissue applications, and X-07.

- MIT-R32 on the 變更 application: each ticked change gives its old and new value and they
  differ; a value that changed is ticked; the 主管機關核准變更登記基本資料之證明文件 is attached
  and dated no later than the application. On the 補發 application: the holder declares that
  the name, address and representative are unchanged, else it must apply for 變更 and 換發.
- MIT-R33 on both: the certificate is reissued with its own validity, so it must still be in
  force on the application date; a 毀損 certificate is returned with the application
  ([proposed], catalogue A.1.16).
- X-07 relates the application, the original certificate and the reissued one (Part C).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

from ..findings import Finding
from ..forms import get_form
from ..i18n import N_, Localised
from ..labels import choice, name_of
from ..pointers import pointer
from . import Case, CaseDoc, Context, case_rule, rule
from .mit_cert import same_text as _same
from .mit_cert import validity_end_on
from .mit_common import A11, as_date, obj

CHANGE = "mit/cert-change-application"
REISSUE = "mit/cert-reissue-application"
HOLDER_FIELDS = ("name", "address", "representative")  # 要點32①(一)–(三)
REASONS = ("lost", "damaged")  # 要點32③ 「遺失或毀損」

R32_CITATION = "S0 要點32①②"
R33_CITATION = "S0 要點32③④"


def _given(value: Any) -> bool:
    return isinstance(value, str) and bool(value.strip())


def _changes(rec: dict[str, Any]) -> list[str]:
    changes = rec.get("changes")
    return [c for c in changes if c in HOLDER_FIELDS] if isinstance(changes, list) else []


# -- MIT-R32 -----------------------------------------------------------------------------


@rule("MIT-R32", forms=CHANGE, citation=R32_CITATION)
def check_change_application(rec: dict[str, Any], ctx: Context) -> Iterator[Finding]:
    """Each ticked change is complete and real; every real change is ticked; the proof is
    attached and not dated after the application."""
    old, new = obj(rec.get("old")), obj(rec.get("new"))
    ticked = _changes(rec)
    for key in HOLDER_FIELDS:
        change = choice(CHANGE, "/changes/0", key)
        before, after = old.get(key), new.get(key)
        if key in ticked:
            for side, value in (("old", before), ("new", after)):
                if not _given(value):
                    yield ctx.error(
                        pointer(side, key),
                        N_("{change} is ticked but {field} is not given"),
                        change=change,
                        field=name_of(CHANGE, pointer(side, key)),
                    )
            if _given(before) and _given(after) and _same(before, after):
                yield ctx.error(
                    pointer("new", key),
                    N_("{change} is ticked but the new value {value} is the same as the old"),
                    change=change,
                    value=str(after),
                )
        elif _given(before) and _given(after) and not _same(before, after):
            yield ctx.error(
                pointer("changes"),
                N_(
                    "{old} changed to {new} but {change} is not ticked: a change of the name, "
                    "address or representative is applied for"
                ),
                old=str(before),
                new=str(after),
                change=change,
            )
    yield from _proof(rec, ctx)


def _proof(rec: dict[str, Any], ctx: Context) -> Iterator[Finding]:
    """The registration-change proof is attached and dated no later than the application."""
    proof = obj(rec.get("registration_change_proof"))
    if not proof:
        yield ctx.error(
            pointer("registration_change_proof"),
            N_(
                "the proof that the authority approved the change of registration is not "
                "attached; the change application needs it"
            ),
        )
        return
    day, applied = as_date(proof.get("date")), as_date(rec.get("application_date"))
    if day is not None and applied is not None and day > applied:
        yield ctx.error(
            pointer("registration_change_proof", "date"),
            N_(
                "the change of registration was approved on {day}, after the application "
                "date {applied}; the approval comes first"
            ),
            day=day.isoformat(),
            applied=applied.isoformat(),
        )


@rule("MIT-R32", forms=REISSUE, citation=R32_CITATION)
def check_reissue_declaration(rec: dict[str, Any], ctx: Context) -> Iterator[Finding]:
    """補發 reproduces the certificate: a changed name, address or representative calls for
    變更 and 換發 instead (要點32①)."""
    if rec.get("no_change_declared") is False:
        yield ctx.error(
            pointer("no_change_declared"),
            N_(
                "the name, address or representative on the certificate has changed: apply for "
                "the change and a replacement certificate, not a duplicate"
            ),
        )


# -- MIT-R33 -----------------------------------------------------------------------------


def _in_force(rec: dict[str, Any], ctx: Context) -> Iterator[Finding]:
    end, applied = as_date(rec.get("cert_valid_to")), as_date(rec.get("application_date"))
    if end is not None and applied is not None and applied > end:
        yield ctx.error(
            pointer("application_date"),
            N_(
                "the certificate expired on {end}, before the application date {applied}; a "
                "reissued certificate keeps the original validity, so an expired one cannot "
                "be reissued"
            ),
            end=end.isoformat(),
            applied=applied.isoformat(),
        )


@rule("MIT-R33", forms=CHANGE, citation=R33_CITATION)
def check_change_in_force(rec: dict[str, Any], ctx: Context) -> Iterator[Finding]:
    """換發 keeps the number and validity: the certificate must still be in force."""
    yield from _in_force(rec, ctx)


@rule("MIT-R33", forms=REISSUE, citation=R33_CITATION)
def check_reissue_application(rec: dict[str, Any], ctx: Context) -> Iterator[Finding]:
    """補發 for 遺失 or 毀損 only; a damaged certificate is returned; it must be in force."""
    reason = rec.get("reason")
    if reason is not None and reason not in REASONS:
        yield ctx.error(
            pointer("reason"),
            N_("a duplicate is issued only for a lost or damaged certificate"),
        )
    if reason == "damaged" and not obj(rec.get("damaged_original")):
        yield ctx.error(
            pointer("damaged_original"),
            N_("the certificate is damaged: return the damaged original with the application"),
        )
    yield from _in_force(rec, ctx)


# -- X-07 --------------------------------------------------------------------------------


def _form_name(form_id: str) -> str:
    form = get_form(form_id)
    return Localised(form_id, form.annex or form.title)


def _pick(docs: list[CaseDoc], cert_no: Any) -> CaseDoc | None:
    """The document with this 驗證書編號, else the only or first one."""
    for doc in docs:
        if cert_no is not None and doc.data.get("cert_no") == cert_no:
            return doc
    return docs[0] if docs else None


@case_rule(
    "X-07",
    forms=(CHANGE, REISSUE, A11),
    citation="S0 要點32①②③④",
)
def check_change_reissue(case: Case, ctx: Context) -> Iterator[Finding]:
    """The reissued certificate keeps the original's number and validity, is issued on or
    after the application and before the original expires, and carries the changed values
    (換發) or the original ones (補發)."""
    certs = case.all(A11)
    originals = [d for d in certs if not obj(d.data.get("reissue"))]
    reissued = [d for d in certs if obj(d.data.get("reissue"))]
    applications = case.all(CHANGE) + case.all(REISSUE)
    if not applications:
        for new in reissued:
            original = _pick(originals, new.data.get("cert_no"))
            if original is not None:
                yield from _keeps_number_and_validity(original, new, ctx)
        return
    for app in applications:
        cert_no = app.data.get("cert_no")
        original = _pick(originals, cert_no)
        reissued_doc = _pick(reissued, cert_no)
        if original is not None:
            yield from _application_vs_original(app, original, ctx)
        else:
            yield ctx.info(
                pointer("cert_no"),
                N_(
                    "the case holds no original certificate {cert_no}; the application is "
                    "checked against the number and validity it states"
                ),
                cert_no=str(cert_no),
                form=app.form,
            )
        if reissued_doc is None:
            yield ctx.info(
                pointer("cert_no"),
                N_("the case holds no reissued certificate {cert_no} yet"),
                cert_no=str(cert_no),
                form=app.form,
            )
            continue
        yield from _reissued_vs_application(app, reissued_doc, original, ctx)


def _end(doc: CaseDoc, day: date | None) -> date | None:
    return validity_end_on(doc.data, day)


def _keeps_validity(end: date | None, original: date | None, ctx: Context) -> Iterator[Finding]:
    """A reissued certificate ends when the original does (要點32④)."""
    if end is not None and original is not None and end != original:
        yield ctx.error(
            pointer("valid_to"),
            N_(
                "the reissued certificate is valid to {end}; it keeps the original's validity, "
                "{original}"
            ),
            end=end.isoformat(),
            original=original.isoformat(),
            expected=original.isoformat(),
            actual=end.isoformat(),
            form=A11,
        )


def _keeps_number_and_validity(original: CaseDoc, new: CaseDoc, ctx: Context) -> Iterator[Finding]:
    day = as_date(obj(new.data.get("reissue")).get("date"))
    if new.data.get("cert_no") != original.data.get("cert_no"):
        yield ctx.error(
            pointer("cert_no"),
            N_(
                "the reissued certificate is numbered {cert_no}; it keeps the original number "
                "{original}"
            ),
            cert_no=str(new.data.get("cert_no")),
            original=str(original.data.get("cert_no")),
            expected=original.data.get("cert_no"),
            actual=new.data.get("cert_no"),
            form=A11,
        )
    original_end = _end(original, day)
    yield from _keeps_validity(_end(new, day), original_end, ctx)
    if day is not None and original_end is not None and day > original_end:
        yield ctx.error(
            pointer("reissue", "date"),
            N_(
                "the certificate was reissued on {day}, after the original expired on {end}"
            ),
            day=day.isoformat(),
            end=original_end.isoformat(),
            form=A11,
        )


def _application_vs_original(app: CaseDoc, original: CaseDoc, ctx: Context) -> Iterator[Finding]:
    """The application names the certificate as it is; for 換發, its old values are the
    certificate's."""
    stated = as_date(app.data.get("cert_valid_to"))
    end = _end(original, as_date(app.data.get("application_date")))
    if stated is not None and end is not None and stated != end:
        yield ctx.warning(
            pointer("cert_valid_to"),
            N_("the application gives the validity as {stated}; the certificate's is {end}"),
            stated=stated.isoformat(),
            end=end.isoformat(),
            expected=end.isoformat(),
            actual=stated.isoformat(),
            form=app.form,
        )
    applied = as_date(app.data.get("application_date"))
    if applied is not None and end is not None and applied > end:
        yield ctx.error(
            pointer("application_date"),
            N_(
                "the application of {applied} comes after the certificate expired on {end}; "
                "an expired certificate is not reissued"
            ),
            applied=applied.isoformat(),
            end=end.isoformat(),
            form=app.form,
        )
    if app.form != CHANGE:
        return
    holder, old = obj(original.data.get("holder")), obj(app.data.get("old"))
    for key in _changes(app.data):
        if _given(old.get(key)) and _given(holder.get(key)) and not _same(old[key], holder[key]):
            yield ctx.warning(
                pointer("old", key),
                N_("the old value {value} is not what the certificate shows, {shown}"),
                value=str(old[key]),
                shown=str(holder[key]),
                expected=holder[key],
                actual=old[key],
                form=CHANGE,
            )


def _reissued_vs_application(
    app: CaseDoc, new: CaseDoc, original: CaseDoc | None, ctx: Context
) -> Iterator[Finding]:
    reissue = obj(new.data.get("reissue"))
    day, applied = as_date(reissue.get("date")), as_date(app.data.get("application_date"))
    if app.data.get("cert_no") is not None and new.data.get("cert_no") != app.data.get("cert_no"):
        yield ctx.error(
            pointer("cert_no"),
            N_(
                "the reissued certificate is numbered {cert_no}; the application is for "
                "{applied_for}"
            ),
            cert_no=str(new.data.get("cert_no")),
            applied_for=str(app.data.get("cert_no")),
            expected=app.data.get("cert_no"),
            actual=new.data.get("cert_no"),
            form=A11,
        )
    if original is not None:
        yield from _keeps_number_and_validity(original, new, ctx)
    else:
        yield from _keeps_validity(_end(new, day), as_date(app.data.get("cert_valid_to")), ctx)
    if day is not None and applied is not None and day < applied:
        yield ctx.error(
            pointer("reissue", "date"),
            N_("the certificate was reissued on {day}, before the application of {applied}"),
            day=day.isoformat(),
            applied=applied.isoformat(),
            form=A11,
        )
    wanted = "replace" if app.form == CHANGE else "reissue"
    if reissue.get("mark") != wanted:
        yield ctx.error(
            pointer("reissue", "mark"),
            N_("the certificate is marked {mark}; {application} calls for {wanted}"),
            mark=choice(A11, "/reissue/mark", reissue.get("mark")),
            application=_form_name(app.form),
            wanted=choice(A11, "/reissue/mark", wanted),
            expected=wanted,
            actual=reissue.get("mark"),
            form=A11,
        )
    if app.form == CHANGE:
        yield from _replaced(app, new, original, ctx)
    else:
        yield from _duplicated(app, new, original, ctx)


def _replaced(
    app: CaseDoc, new: CaseDoc, original: CaseDoc | None, ctx: Context
) -> Iterator[Finding]:
    """換發: the changed fields carry the application's new values, the others the original's;
    the registration change was approved no later than the application."""
    holder, values = obj(new.data.get("holder")), obj(app.data.get("new"))
    before = obj(original.data.get("holder")) if original is not None else {}
    changed = _changes(app.data)
    for key in HOLDER_FIELDS:
        shown = holder.get(key)
        want = values.get(key) if key in changed else before.get(key)
        if not _given(want) or not _given(shown) or _same(want, shown):
            continue
        message = (
            N_("{field} on the reissued certificate is {shown}; the change application asks "
               "for {want}")
            if key in changed
            else N_("{field} on the reissued certificate is {shown}, but the change application "
                    "does not change it from {want}")
        )  # fmt: skip
        yield ctx.error(
            pointer("holder", key),
            message,
            field=name_of(A11, pointer("holder", key)),
            shown=str(shown),
            want=str(want),
            expected=want,
            actual=shown,
            form=A11,
        )
    proof = obj(app.data.get("registration_change_proof"))
    day, applied = as_date(proof.get("date")), as_date(app.data.get("application_date"))
    if not proof:
        yield ctx.error(
            pointer("registration_change_proof"),
            N_(
                "the certificate was replaced without the proof that the authority approved "
                "the change of registration"
            ),
            form=CHANGE,
        )
    elif day is not None and applied is not None and day > applied:
        yield ctx.error(
            pointer("registration_change_proof", "date"),
            N_(
                "the change of registration was approved on {day}, after the application "
                "date {applied}; the approval comes first"
            ),
            day=day.isoformat(),
            applied=applied.isoformat(),
            form=CHANGE,
        )


def _duplicated(
    app: CaseDoc, new: CaseDoc, original: CaseDoc | None, ctx: Context
) -> Iterator[Finding]:
    """補發: for 遺失 or 毀損 only, and a copy of the original's holder data."""
    reason = app.data.get("reason")
    if reason not in REASONS:
        yield ctx.error(
            pointer("reason"),
            N_("a duplicate is issued only for a lost or damaged certificate"),
            form=REISSUE,
        )
    if original is None:
        return
    holder, before = obj(new.data.get("holder")), obj(original.data.get("holder"))
    for key in HOLDER_FIELDS:
        shown, want = holder.get(key), before.get(key)
        if _given(want) and _given(shown) and not _same(want, shown):
            yield ctx.error(
                pointer("holder", key),
                N_(
                    "{field} on the duplicate is {shown} but {want} on the original; a change "
                    "needs a change application and a replacement certificate"
                ),
                field=name_of(A11, pointer("holder", key)),
                shown=str(shown),
                want=str(want),
                expected=want,
                actual=shown,
                form=A11,
            )
