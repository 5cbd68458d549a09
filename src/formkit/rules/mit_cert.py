"""附件十一 臺灣製MIT微笑產品驗證書: validity, extensions, reissue, change triggers and
numbering (MIT-R30, R32, R33, R34, R68).

要點32④ says a 補發 or 換發 certificate keeps the original number and validity. The record
therefore keeps ``issue_date`` as the original issue date, from which the validity derives
(T4), and carries the 補(換)發 date in ``reissue.date``. 展延 keeps the number too (AMB-45)
and is recorded in ``extensions[]``; each approved extension's new validity is derived.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator
from datetime import date
from typing import Any

from ..findings import Finding
from ..i18n import N_
from ..labels import choice, name_of
from ..pointers import pointer
from . import Context, deriver, rule
from .mit_common import A11, as_date, chain_ends, obj
from .periods import add_months, deadline, renewal_window, validity_end

_EXTENSION_YEARS = 3  # 要點34 「展延期限為三年」
_VALIDITY_YEARS = 3  # 要點34 「使用期間為三年」
_WINDOW_MONTHS = 2  # 要點34 「屆滿前二個月起」


def _extension_end(base: date, ext: dict[str, Any], ctx: Context) -> date | None:
    """The new validity end of an approved extension (AMB-12); None while pending."""
    approved = as_date(ext.get("date"))
    if approved is None:
        return None
    if ctx.option("extension_start", "continuous", rule="MIT-R34") == "approval":
        return validity_end(approved, _EXTENSION_YEARS, "year")
    # Continuous: the new period's first day is the day after the old end, which is T1's
    # counting; validity ends never roll over.
    return deadline(base, _EXTENSION_YEARS, "year", rollover=False).last_day


@deriver(A11, owns={"/valid_to": "MIT-R34", "/extensions": "MIT-R34"})
def derive(rec: dict[str, Any], ctx: Context) -> None:
    """Fill 有效期限 (T4 from the issue date) and each approved extension's new end."""
    issued = as_date(rec.get("issue_date"))
    if issued is None:
        rec.pop("valid_to", None)
        base = None
    else:
        base = validity_end(issued, _VALIDITY_YEARS, "year")
        rec["valid_to"] = base.isoformat()
    extensions = rec.get("extensions")
    if isinstance(extensions, list):
        chain_ends(base, extensions, lambda end, ext: _extension_end(end, ext, ctx))


def validity_end_on(rec: dict[str, Any], day: date | None = None) -> date | None:
    """The validity end in force on ``day`` (or after every approved extension)."""
    end = as_date(rec.get("valid_to"))
    extensions = rec.get("extensions")
    for ext in extensions if isinstance(extensions, list) else []:
        ext = obj(ext)
        new_end, approved = as_date(ext.get("new_valid_to")), as_date(ext.get("date"))
        if new_end is None or approved is None:
            break
        if day is None or approved <= day:
            end = new_end
    return end


@rule("MIT-R30", forms=A11, citation="S0 要點31①; 附件六")
def check_prerequisites(rec: dict[str, Any], ctx: Context) -> Iterator[Finding]:
    """When the issuance record is given, the contract (and for 第三類 the 規費) must come
    first; the certificate is issued only after them."""
    issuance = obj(rec.get("issuance"))
    if not issuance:
        return
    needed = ["contract_signed_date"]
    if rec.get("category") == "cat3":
        needed.append("fee_paid_date")
    for key in needed:
        if issuance.get(key) is None:
            yield ctx.error(
                pointer("issuance", key),
                N_(
                    "issuance.{key} is required: the certificate is issued only after it "
                    "(category {category})"
                ),
                key=name_of(A11, pointer("issuance", key)),
                category=choice(A11, "/category", rec.get("category")),
            )
    issued = as_date(rec.get("issue_date"))
    for key in ("review_passed_date", "numbered_date", "contract_signed_date", "fee_paid_date"):
        day = as_date(issuance.get(key))
        if day is not None and issued is not None and day > issued:
            yield ctx.error(
                pointer("issuance", key),
                N_(
                    "issuance.{key} {day} is after the issue date {issued}; the certificate "
                    "may be issued only after it"
                ),
                key=name_of(A11, pointer("issuance", key)),
                day=day.isoformat(),
                issued=issued.isoformat(),
            )
    review = as_date(issuance.get("review_passed_date"))
    contract = as_date(issuance.get("contract_signed_date"))
    if review is not None and contract is not None and contract < review:
        yield ctx.warning(
            pointer("issuance", "contract_signed_date"),
            N_("the contract was signed on {contract}, before the review passed on {review}"),
            contract=contract.isoformat(),
            review=review.isoformat(),
        )


@rule("MIT-R33", forms=A11, citation="S0 要點32③④")
def check_reissue(rec: dict[str, Any], ctx: Context) -> Iterator[Finding]:
    """A 補發/換發 certificate keeps the original 驗證書編號 and 有效期限."""
    reissue = obj(rec.get("reissue"))
    if not reissue:
        return
    day = as_date(reissue.get("date"))
    issued = as_date(rec.get("issue_date"))
    original = obj(reissue.get("original"))
    if day is not None and issued is not None:
        if day < issued:
            yield ctx.error(
                pointer("reissue", "date"),
                N_("reissue.date {day} is before the issue date {issued}"),
                day=day.isoformat(),
                issued=issued.isoformat(),
            )
        elif day == issued and not original:
            yield ctx.warning(
                pointer("issue_date"),
                N_(
                    "issue_date equals reissue.date {day}: a reissued certificate keeps the "
                    "original issue date and validity; give the original issue date"
                ),
                day=day.isoformat(),
            )
    end = validity_end_on(rec, day)
    if original:
        yield from _against_original(rec, original, end, ctx)
    if day is not None and end is not None and day > end:
        yield ctx.warning(
            pointer("reissue", "date"),
            N_("reissue.date {day} is after the validity ended on {end}"),
            day=day.isoformat(),
            end=end.isoformat(),
        )


def _against_original(
    rec: dict[str, Any], original: dict[str, Any], end: date | None, ctx: Context
) -> Iterator[Finding]:
    cert_no, original_no = rec.get("cert_no"), original.get("cert_no")
    if original_no is not None and cert_no != original_no:
        yield ctx.error(
            pointer("cert_no"),
            N_("cert_no {cert_no}: a reissued certificate keeps the original number {original}"),
            cert_no=str(cert_no),
            original=str(original_no),
            expected=original_no,
            actual=cert_no,
        )
    original_end = as_date(original.get("valid_to"))
    if original_end is not None and end is not None and end != original_end:
        yield ctx.error(
            pointer("valid_to"),
            N_(
                "the validity ends on {end} but the original certificate's ends on {original}; "
                "a reissued certificate keeps it (give the original issue date)"
            ),
            end=end.isoformat(),
            original=original_end.isoformat(),
            expected=original_end.isoformat(),
            actual=end.isoformat(),
        )


_HOLDER_FIELDS = ("name", "address", "representative")  # 要點32①(一)–(三)


def same_text(a: Any, b: Any) -> bool:
    """Two spellings of one name or address: whitespace, full-width forms and 台/臺 aside."""
    def norm(x: Any) -> str:
        text = unicodedata.normalize("NFKC", str(x))
        return "".join(text.split()).replace("台", "臺")

    return norm(a) == norm(b)


@rule("MIT-R32", forms=A11, citation="S0 要點32①②")
def check_change_triggers(rec: dict[str, Any], ctx: Context) -> Iterator[Finding]:
    """A holder whose 業者名稱, 地址 or 負責人姓名 changed must apply for 變更 and 換發.

    The registry data are not on the certificate: they are an input (``registry_check``, the
    data a 追蹤 or a registry look-up found). Without them the rule says it could not check.
    """
    registry = obj(rec.get("registry_check"))
    if not registry:
        yield ctx.info(
            pointer("registry_check"),
            N_(
                "no registry data given: whether the holder's name, address or representative "
                "changed since issuance cannot be checked"
            ),
        )
        return
    holder = obj(rec.get("holder"))
    applied = as_date(registry.get("change_application_date"))
    checked = as_date(registry.get("date"))
    for key in _HOLDER_FIELDS:
        found, shown = registry.get(key), holder.get(key)
        if found is None or shown is None or same_text(found, shown):
            continue
        params = {
            "field": name_of(A11, pointer("holder", key)),
            "registry": str(found),
            "shown": str(shown),
            "checked": checked.isoformat() if checked else "-",
        }
        if applied is None:
            yield ctx.error(
                pointer("holder", key),
                N_(
                    "{field} is {shown} on the certificate but {registry} in the registry "
                    "(checked {checked}) and no change application is recorded: the holder "
                    "must apply for the change and a replacement certificate"
                ),
                expected=str(found),
                actual=str(shown),
                **params,
            )
        else:
            yield ctx.info(
                pointer("holder", key),
                N_(
                    "{field} is {shown} on the certificate but {registry} in the registry "
                    "(checked {checked}); the change was applied for on {applied}"
                ),
                applied=applied.isoformat(),
                **params,
            )


@rule("MIT-R68", forms=A11, citation="S0 附件六 第三類; 要點31①")
def check_fee_before_numbering(rec: dict[str, Any], ctx: Context) -> Iterator[Finding]:
    """第三類: the 驗證書編號 is assigned only once the 規費 is confirmed paid."""
    if rec.get("category") != "cat3":
        return
    issuance = obj(rec.get("issuance"))
    numbered = as_date(issuance.get("numbered_date"))
    paid = as_date(issuance.get("fee_paid_date"))
    if numbered is None:
        if issuance:
            yield ctx.info(
                pointer("issuance", "numbered_date"),
                N_(
                    "the numbering date is not given: whether the fee was confirmed before the "
                    "certificate number was assigned cannot be checked"
                ),
            )
        return
    if paid is None:
        yield ctx.error(
            pointer("issuance", "fee_paid_date"),
            N_(
                "the certificate was numbered on {numbered} but no fee payment is recorded; "
                "category 3 is numbered only after the fee is confirmed"
            ),
            numbered=numbered.isoformat(),
        )
    elif paid > numbered:
        yield ctx.error(
            pointer("issuance", "numbered_date"),
            N_(
                "the certificate was numbered on {numbered}, before the fee was confirmed on "
                "{paid}; category 3 is numbered only after the fee is confirmed"
            ),
            numbered=numbered.isoformat(),
            paid=paid.isoformat(),
            expected=paid.isoformat(),
            actual=numbered.isoformat(),
        )


def _window(valid_to: date, ctx: Context) -> tuple[date, date]:
    """T5 (AMB-05): the last two whole months of validity, or from the same day."""
    if ctx.option("window_rule", "last_n_months", rule="MIT-R34") == "same_day":
        return add_months(valid_to, -_WINDOW_MONTHS), valid_to
    return renewal_window(valid_to, _WINDOW_MONTHS)


@rule("MIT-R34", forms=A11, citation="S0 要點34")
def check_extensions(rec: dict[str, Any], ctx: Context) -> Iterator[Finding]:
    """展延 is applied for within the last two months of validity; the new period is
    derived (AMB-12). Expiry as of the reference date is reported as information."""
    base = as_date(rec.get("valid_to"))
    extensions = rec.get("extensions")
    extensions = extensions if isinstance(extensions, list) else []
    pending: date | None = None
    for i, raw in enumerate(extensions):
        ext = obj(raw)
        if base is None:
            yield ctx.warning(
                pointer("extensions", i),
                N_("extension {n} follows one that is not approved; it cannot be checked"),
                n=i + 1,
            )
            break
        yield from _extension(i, ext, base, ctx)
        applied = as_date(ext.get("applied_date"))
        pending = applied if ext.get("date") is None else None
        base = as_date(ext.get("new_valid_to"))
    end = validity_end_on(rec)
    if ctx.as_of is not None and end is not None and ctx.as_of > end:
        if pending is not None:
            yield ctx.info(
                pointer("extensions"),
                N_(
                    "as of {as_of} the validity ended on {end}; the extension applied for "
                    "on {applied} is still pending"
                ),
                as_of=ctx.as_of.isoformat(),
                end=end.isoformat(),
                applied=pending.isoformat(),
            )
        else:
            yield ctx.info(
                pointer("valid_to"),
                N_("as of {as_of} the validity ended on {end}; the mark may no longer be used"),
                as_of=ctx.as_of.isoformat(),
                end=end.isoformat(),
            )


def _extension(i: int, ext: dict[str, Any], base: date, ctx: Context) -> Iterator[Finding]:
    applied = as_date(ext.get("applied_date"))
    approved = as_date(ext.get("date"))
    start, end = _window(base, ctx)
    path = pointer("extensions", i, "applied_date")
    if applied is not None and applied < start:
        yield ctx.error(
            path,
            N_(
                "extension {n} was applied for on {applied}, before the window opens on "
                "{start} (validity ends {end})"
            ),
            n=i + 1,
            applied=applied.isoformat(),
            start=start.isoformat(),
            end=end.isoformat(),
        )
    elif applied is not None and applied > end:
        yield ctx.error(
            path,
            N_(
                "extension {n} was applied for on {applied}, after the validity ended on "
                "{end}; an expired mark needs a new application"
            ),
            n=i + 1,
            applied=applied.isoformat(),
            end=end.isoformat(),
        )
    if approved is not None and applied is not None and approved < applied:
        yield ctx.error(
            pointer("extensions", i, "date"),
            N_("extension {n} was approved on {approved}, before it was applied for on {applied}"),
            n=i + 1,
            approved=approved.isoformat(),
            applied=applied.isoformat(),
        )
