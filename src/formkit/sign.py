"""Signing formkit's PDFs (PAdES) and checking the signatures of a PDF.

:func:`sign_pdf` adds a PAdES signature as an incremental update: the bytes
of the document are kept as they are and the signature dictionary, an
invisible signature field (a widget of zero size, which PDF/A-2 and PDF/A-3
exempt from the appearance requirement) and the DSS are appended. The
document's metadata (Info dictionary and XMP) is left untouched, so a PDF/A-3b
document stays PDF/A-3b (pyHanko would otherwise write its own producer into
both, differently). The level is PAdES B-B; with revocation data given
(CRLs or OCSP responses, as files) it is B-LT, the revocation data in the DSS
of the same revision, so that the signature still covers the whole file.

:func:`verify_pdf` reports each signature: who signed (the certificate's
subject), when (as the signer claims), whether the signed digest matches,
whether the signed byte range covers the whole file and what was changed
after signing (pyHanko's difference analysis), and, when trust anchors are
given, whether the signer's certificate chains to one of them. A weak digest
(MD5, SHA-1) is accepted and reported as a warning rather than refused.

Nothing is fetched over a network: pyHanko's fetchers are off
(``allow_fetching=False``); revocation data comes from the user's files or the
document's DSS only. There is no time-stamp (it would need a time-stamping
authority on the network): the signing time is the signer's own claim.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import io
import logging
import os
import threading
from collections.abc import Coroutine, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from .errors import FormkitError, InputError, NotAFormPDFError
from .findings import Finding, has_errors
from .i18n import DEFAULT_LANG, N_, phrase
from .results import ParseResult

__all__ = ["KeySpec", "Pkcs11Key", "Pkcs12Key", "SignatureInfo", "SignatureReport",
           "apply_trust", "attach_signature", "has_signature", "sign_pdf", "verify_pdf"]

RULE = "signature"
WEAK_DIGESTS = frozenset({"md5", "md2", "sha1"})
_T = TypeVar("_T")


class SigningError(FormkitError, ValueError):
    """A key that cannot be used, or a document that cannot be signed."""

    code = "signing"


# -- keys -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Pkcs12Key:
    """A key and its certificate chain in a PKCS#12 (.p12, .pfx) file."""

    path: str | os.PathLike[str]
    passphrase: bytes | str | None = None


@dataclass(frozen=True)
class Pkcs11Key:
    """A key on a PKCS#11 token (a smart card, an HSM, SoftHSM): the module's
    library, the token's label, the key's (and its certificate's) label, the PIN."""

    module: str | os.PathLike[str]
    token_label: str
    key_label: str
    pin: str | None = None
    cert_label: str | None = None


KeySpec = Pkcs12Key | Pkcs11Key


# -- small helpers ----------------------------------------------------------------------------


def _run(coro: Coroutine[Any, Any, _T]) -> _T:
    """Run pyHanko's coroutine to its end, also when the caller is inside an event loop."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coro)
    box: dict[str, Any] = {}

    def target() -> None:
        try:
            box["value"] = asyncio.run(coro)
        except BaseException as exc:  # noqa: BLE001 - handed back to the caller's thread
            box["error"] = exc

    thread = threading.Thread(target=target, name="formkit-pyhanko")
    thread.start()
    thread.join()
    if "error" in box:
        raise box["error"]
    result: _T = box["value"]
    return result


@contextlib.contextmanager
def _quiet_pyhanko() -> Iterator[None]:
    """pyHanko logs a traceback for each chain it cannot build (no trust anchors given):
    what matters is in the report, so its loggers are silenced meanwhile."""
    loggers = [logging.getLogger(n) for n in ("pyhanko", "pyhanko_certvalidator")]
    before = [lg.level for lg in loggers]
    for lg in loggers:  # their modules' loggers inherit the level
        lg.setLevel(logging.CRITICAL + 1)
    try:
        yield
    finally:
        for lg, level in zip(loggers, before, strict=True):
            lg.setLevel(level)


def _read_file(path: str | os.PathLike[str], what: str) -> bytes:
    name = str(path)
    try:
        return Path(path).read_bytes()
    except IsADirectoryError as exc:
        raise InputError(N_("{file}: is a folder, not {what}"), file=name,
                         what=phrase(what)) from exc
    except FileNotFoundError as exc:
        raise InputError(N_("{file}: no such file"), file=name) from exc
    except OSError as exc:
        from .errors import os_reason

        raise InputError(N_("{file}: cannot be read ({reason})"), file=name,
                         reason=os_reason(exc)) from exc


def _certificates(source: bytes | str | os.PathLike[str]) -> list[Any]:
    """The X.509 certificates of a PEM (one or more) or DER file, as asn1crypto objects."""
    from asn1crypto import pem, x509

    if isinstance(source, bytes):
        data, name = source, "<bytes>"
    else:
        data, name = _read_file(source, N_("a certificate")), str(source)
    try:
        if pem.detect(data):
            certs = [x509.Certificate.load(der) for kind, _, der in pem.unarmor(data, multiple=True)
                     if kind == "CERTIFICATE"]
        else:
            certs = [x509.Certificate.load(data)]
        for cert in certs:
            _ = cert.subject, cert.public_key  # parse now: a broken file is refused here
    except Exception as exc:  # noqa: BLE001 - asn1crypto raises many types on bad input
        raise InputError(N_("{file}: not an X.509 certificate (PEM or DER)"), file=name) from exc
    if not certs:
        raise InputError(N_("{file}: no certificate in it (PEM with BEGIN CERTIFICATE, or DER)"),
                         file=name)
    return certs


def _revocation_data(source: bytes | str | os.PathLike[str], kind: str) -> bytes:
    """A CRL or OCSP response (DER, or PEM for a CRL), checked to be one."""
    from asn1crypto import crl, ocsp, pem

    if isinstance(source, bytes):
        data, name = source, "<bytes>"
    else:
        data, name = _read_file(source, kind), str(source)
    try:
        if pem.detect(data):
            data = pem.unarmor(data)[2]
        if kind == "crl":
            crl.CertificateList.load(data).native  # noqa: B018 - parses it
        else:
            ocsp.OCSPResponse.load(data).native  # noqa: B018
    except Exception as exc:  # noqa: BLE001 - asn1crypto raises many types on bad input
        if kind == "crl":
            raise InputError(N_("{file}: not a certificate revocation list (CRL, DER or PEM)"),
                             file=name) from exc
        raise InputError(N_("{file}: not an OCSP response (DER)"), file=name) from exc
    return data


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value)
    return str(value)


def _name_dict(name: Any) -> dict[str, Any]:
    native = name.native if name is not None else {}
    return {"common_name": _text(native.get("common_name")),
            "organisation": _text(native.get("organization_name")),
            "text": name.human_friendly if name is not None else ""}


def has_signature(data: bytes) -> bool:
    """Whether the file may hold a signature (a signature dictionary's ``/ByteRange``):
    cheap, so that an unsigned file never loads pyHanko."""
    return b"/ByteRange" in data


# -- signing ----------------------------------------------------------------------------------


@contextlib.contextmanager
def _signer(key: KeySpec) -> Iterator[Any]:
    """pyHanko's signer for ``key`` (a PKCS#11 session is closed afterwards)."""
    if isinstance(key, Pkcs12Key):
        from pyhanko.sign import signers

        name = str(key.path)
        blob = _read_file(key.path, N_("a PKCS#12 file"))
        secret = key.passphrase.encode("utf-8") if isinstance(key.passphrase, str) \
            else key.passphrase
        try:
            loaded = signers.SimpleSigner.load_pkcs12_data(blob, [], passphrase=secret or None)
        except ValueError as exc:
            raise SigningError(N_("{file}: cannot open the key: wrong passphrase, or not a PKCS#12 "
                                  "file (.p12, .pfx)"), file=name) from exc
        yield loaded
        return
    try:
        from pyhanko.config.pkcs11 import TokenCriteria
        from pyhanko.sign.pkcs11 import PKCS11Signer, open_pkcs11_session
    except ImportError as exc:  # python-pkcs11, of the `pkcs11` extra
        raise SigningError(N_("signing with a PKCS#11 token needs python-pkcs11: pip install "
                              "'formkit[pkcs11]'")) from exc
    module = str(key.module)
    if not Path(module).is_file():
        raise InputError(N_("{file}: no such PKCS#11 module (a .so library)"), file=module)
    try:
        session = open_pkcs11_session(module, token_criteria=TokenCriteria(label=key.token_label),
                                      user_pin=key.pin)
    except Exception as exc:  # noqa: BLE001 - python-pkcs11 raises many types
        raise SigningError(N_("{file}: cannot open the token {token!r}: {reason}"), file=module,
                           token=key.token_label, reason=_reason(exc)) from exc
    try:
        try:
            signer = PKCS11Signer(session, cert_label=key.cert_label or key.key_label,
                                  key_label=key.key_label)
            _ = signer.signing_cert  # the key and certificate are looked up here
        except Exception as exc:  # noqa: BLE001
            raise SigningError(N_("token {token!r}: no key and certificate labelled {label!r} "
                                  "({reason})"), token=key.token_label, label=key.key_label,
                               reason=_reason(exc)) from exc
        yield signer
    finally:
        with contextlib.suppress(Exception):
            session.close()


def _reason(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()[0][:200] if str(exc).strip() else ""
    return text or type(exc).__name__


def _no_metadata_writer(data: bytes) -> Any:
    """pyHanko's incremental writer, made to leave the Info dictionary and XMP alone.

    pyHanko appends "; pyHanko" to the Info producer but writes only "pyHanko" into
    the XMP, and compresses the XMP stream: both break PDF/A. The signature's revision
    has no business with the document's metadata, so none is written.
    """
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    class Writer(IncrementalPdfFileWriter):
        def _update_meta(self) -> None:
            return None

    return Writer(io.BytesIO(data), strict=False)


def sign_pdf(
    data: bytes,
    *,
    key: KeySpec,
    crls: Sequence[bytes | str | os.PathLike[str]] = (),
    ocsps: Sequence[bytes | str | os.PathLike[str]] = (),
    md_algorithm: str = "sha256",
    reason: str | None = None,
    location: str | None = None,
    name: str = "<bytes>",
) -> bytes:
    """``data`` (a PDF) signed with ``key``: PAdES B-B, or B-LT when revocation data
    (``crls``, ``ocsps``: DER or PEM bytes, or file paths) is given.

    The original bytes are kept (an incremental update); the signature field is
    invisible; the PDF's metadata is untouched, so a PDF/A-3b document stays
    PDF/A-3b. ``md_algorithm`` is the digest (``sha256``; ``sha1`` and ``md5``
    are accepted only so that old tools' signatures can be reproduced).
    Nothing is fetched over a network.
    """
    if not data.lstrip()[:5].startswith(b"%PDF-"):
        raise NotAFormPDFError(N_("{file}: not {what}"), file=name, what=phrase(N_("a PDF file")))
    crl_data = [_revocation_data(c, "crl") for c in crls]
    ocsp_data = [_revocation_data(o, "ocsp") for o in ocsps]

    from pyhanko.sign import fields, signers
    from pyhanko.sign.signers.pdf_signer import DSSContentSettings, SigDSSPlacementPreference

    try:
        writer = _no_metadata_writer(data)
        if writer.security_handler is not None:
            raise NotAFormPDFError(N_("{file}: the PDF is encrypted; send an unencrypted copy"),
                                   file=name)
        taken = {f[0] for f in fields.enumerate_sig_fields(writer.prev)}
    except FormkitError:
        raise
    except Exception as exc:  # noqa: BLE001 - pyHanko's reader on a broken file
        raise NotAFormPDFError(N_("{file}: not a readable PDF ({reason})"), file=name,
                               reason=_reason(exc)) from exc
    field_name = next(f"Signature{i}" for i in range(1, len(taken) + 2)
                      if f"Signature{i}" not in taken)
    lt = bool(crl_data or ocsp_data)

    with _signer(key) as signer:
        context = None
        if lt:
            from pyhanko_certvalidator import ValidationContext
            from pyhanko_certvalidator.policy_decl import AcceptAllAlgorithms

            chain = list(signer.cert_registry) + [signer.signing_cert]
            roots = [c for c in chain if c.self_signed in ("yes", "maybe")]
            context = ValidationContext(
                trust_roots=roots, other_certs=chain, crls=crl_data, ocsps=ocsp_data,
                allow_fetching=False, revocation_mode="hard-fail",
                algorithm_usage_policy=AcceptAllAlgorithms())
            _check_revocation(signer.signing_cert, chain, roots, crl_data, ocsp_data, name)
        meta = signers.PdfSignatureMetadata(
            field_name=field_name, md_algorithm=md_algorithm,
            subfilter=fields.SigSeedSubFilter.PADES, reason=reason, location=location,
            embed_validation_info=lt, validation_context=context,
            dss_settings=DSSContentSettings(
                placement=SigDSSPlacementPreference.TOGETHER_WITH_SIGNATURE, include_vri=False))
        try:
            with _quiet_pyhanko():
                out = signers.sign_pdf(writer, meta, signer=signer,
                                       new_field_spec=fields.SigFieldSpec(field_name))
        except FormkitError:
            raise
        except Exception as exc:  # noqa: BLE001 - pyHanko's errors: say what and why
            if lt:
                raise SigningError(N_("{file}: cannot sign with revocation data (B-LT): the "
                                      "signer's certificate chain could not be checked against "
                                      "the CRL/OCSP given ({reason})"), file=name,
                                   reason=_reason(exc)) from exc
            raise SigningError(N_("{file}: signing failed: {reason}"), file=name,
                               reason=_reason(exc)) from exc
    signed: bytes = out.getvalue()
    return signed


def _check_revocation(cert: Any, chain: list[Any], roots: list[Any], crls: list[bytes],
                      ocsps: list[bytes], name: str) -> None:
    """Refuse to sign B-LT with a certificate that the revocation data given revokes, or
    whose chain it cannot check (pyHanko would embed it all the same)."""
    from pyhanko_certvalidator import CertificateValidator, ValidationContext
    from pyhanko_certvalidator.errors import RevokedError
    from pyhanko_certvalidator.policy_decl import AcceptAllAlgorithms

    context = ValidationContext(trust_roots=roots, other_certs=chain, crls=crls, ocsps=ocsps,
                                allow_fetching=False, revocation_mode="hard-fail",
                                algorithm_usage_policy=AcceptAllAlgorithms())
    validator = CertificateValidator(cert, intermediate_certs=chain, validation_context=context)
    try:
        with _quiet_pyhanko():
            _run(validator.async_validate_usage(set()))  # type: ignore[no-untyped-call]
    except RevokedError as exc:
        raise SigningError(N_("{file}: the signer's certificate is revoked according to the "
                              "revocation data given ({reason})"), file=name,
                           reason=_reason(exc)) from exc
    except Exception as exc:  # noqa: BLE001 - no root in the chain, data of another CA...
        raise SigningError(N_("{file}: cannot sign with revocation data (B-LT): the signer's "
                              "certificate chain could not be checked against the CRL/OCSP "
                              "given ({reason})"), file=name, reason=_reason(exc)) from exc


# -- verifying --------------------------------------------------------------------------------


_COVERAGE = {0: "unclear", 1: "contiguous_block", 2: "entire_revision", 3: "entire_file"}
_CHANGES = {0: "none", 1: "signature_maintenance", 2: "form_filling", 3: "annotations",
            4: "other"}


@dataclass
class SignatureInfo:
    """One signature of a PDF, as :func:`verify_pdf` found it."""

    field: str
    signer: dict[str, Any]
    issuer: dict[str, Any]
    serial: str
    signing_time: str | None
    digest_algorithm: str
    weak_digest: bool
    intact: bool                 # the digest of the signed bytes matches the signed one
    valid: bool                  # the signature value is right for the signer's key
    coverage: str                # entire_file, entire_revision, contiguous_block, unclear
    covers_whole_file: bool
    changes_after: str           # none, signature_maintenance, form_filling, annotations, other
    updates_after: int           # incremental updates after the signed revision
    trust: str                   # trusted, untrusted, not_checked
    trust_problem: str | None = None
    revocation: dict[str, int] = dataclasses.field(default_factory=dict)
    level: str = "B-B"
    error: str | None = None     # the signature could not be evaluated at all

    @property
    def unchanged(self) -> bool:
        """Signed bytes intact, signature valid and nothing but validation data (DSS,
        time-stamps) or a later signature added after it."""
        return (self.error is None and self.intact and self.valid
                and self.changes_after in ("none", "signature_maintenance", "form_filling"))

    def to_dict(self) -> dict[str, Any]:
        out = {k: v for k, v in self.__dict__.items()}
        out["unchanged"] = self.unchanged
        return out


@dataclass
class SignatureReport:
    """Every signature of one PDF, and what they add up to."""

    file: str
    signatures: list[SignatureInfo] = dataclasses.field(default_factory=list)
    trust_checked: bool = False
    findings: list[Finding] = dataclasses.field(default_factory=list)

    @property
    def signed(self) -> bool:
        return bool(self.signatures)

    @property
    def intact(self) -> bool:
        """Signed, every signature intact and valid, and the last one covering the whole
        file (what was added after it, if anything, is validation data only)."""
        if not self.signatures:
            return False
        last = self.signatures[-1]
        return (all(s.unchanged for s in self.signatures)
                and last.changes_after in ("none", "signature_maintenance"))

    @property
    def trusted(self) -> bool | None:
        """None when no trust anchors were given."""
        if not self.trust_checked:
            return None
        return bool(self.signatures) and all(s.trust == "trusted" for s in self.signatures)

    @property
    def ok(self) -> bool:
        return self.intact and self.trusted is not False and not has_errors(self.findings)

    def to_dict(self, lang: str = DEFAULT_LANG) -> dict[str, Any]:
        return {
            "file": self.file,
            "signed": self.signed,
            "intact": self.intact,
            "trust": ("not_checked" if self.trusted is None
                      else "trusted" if self.trusted else "untrusted"),
            "ok": self.ok,
            "signatures": [s.to_dict() for s in self.signatures],
            "findings": [f.as_dict(lang) for f in self.findings],
        }

    def summary(self) -> dict[str, Any]:
        """What ``parse`` attaches to its result: the report without its findings'
        texts (which are in one language)."""
        return {k: v for k, v in self.to_dict().items() if k != "findings"}


def _finding(severity: str, template: str, **params: Any) -> Finding:
    return Finding(RULE, severity, "", template, citation="", params=params)


def verify_pdf(
    data: bytes,
    *,
    trust: Sequence[bytes | str | os.PathLike[str]] | None = None,
    name: str = "<bytes>",
) -> SignatureReport:
    """The signatures of ``data`` (a PDF) checked: integrity, coverage, changes after
    signing and, when ``trust`` (CA certificates: PEM or DER bytes, or paths) is
    given, trust. Nothing is fetched over a network; revocation is checked against
    the document's own DSS only, softly (missing data is no failure).
    """
    anchors = [c for t in (trust or ()) for c in _certificates(t)]
    report = SignatureReport(name, trust_checked=trust is not None and len(anchors) > 0)
    if not data.lstrip()[:5].startswith(b"%PDF-"):
        raise NotAFormPDFError(N_("{file}: not {what}"), file=name, what=phrase(N_("a PDF file")))
    if not has_signature(data):
        report.findings.append(_finding("error", N_("{file}: not signed"), file=name))
        return report

    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation.dss import DocumentSecurityStore

    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        if reader.security_handler is not None:
            raise NotAFormPDFError(N_("{file}: the PDF is encrypted; send an unencrypted copy"),
                                   file=name)
        embedded = list(reader.embedded_regular_signatures)
        revisions = reader.xrefs.total_revisions
    except FormkitError:
        raise
    except Exception as exc:  # noqa: BLE001 - pyHanko's reader on a broken file
        raise NotAFormPDFError(N_("{file}: not a readable PDF ({reason})"), file=name,
                               reason=_reason(exc)) from exc
    if not embedded:
        report.findings.append(_finding("error", N_("{file}: not signed"), file=name))
        return report
    dss: Any = None
    with contextlib.suppress(Exception):  # no DSS, or an unreadable one: none used
        dss = DocumentSecurityStore.read_dss(reader)

    for emb in embedded:
        info = _check_one(emb, anchors, report.trust_checked, revisions, dss)
        report.signatures.append(info)
        report.findings.extend(_findings(info, report.trust_checked))
    if report.signatures and not report.intact and not has_errors(report.findings):
        report.findings.append(_finding(
            "error", N_("{file}: the document was changed after the last signature"), file=name))
    return report


def _check_one(emb: Any, anchors: list[Any], trust_checked: bool, revisions: int,
               dss: Any) -> SignatureInfo:
    from pyhanko.sign.validation.pdf_embedded import async_validate_pdf_signature
    from pyhanko.sign.validation.settings import KeyUsageConstraints
    from pyhanko.sign.validation.utils import CMSAlgorithmUsagePolicy
    from pyhanko_certvalidator import ValidationContext
    from pyhanko_certvalidator.policy_decl import AcceptAllAlgorithms

    field_name = str(emb.field_name or "")
    kwargs: dict[str, Any] = dict(trust_roots=anchors, allow_fetching=False,
                                  revocation_mode="soft-fail",
                                  algorithm_usage_policy=AcceptAllAlgorithms())
    crls = len(dss.crls) if dss is not None else 0
    ocsps = len(dss.ocsps) if dss is not None else 0
    try:
        cert = emb.signer_cert
        signer, issuer, serial = (_name_dict(cert.subject), _name_dict(cert.issuer),
                                  format(cert.serial_number, "X"))
    except Exception:  # noqa: BLE001 - no certificate in the CMS: reported as an error below
        signer, issuer, serial = _name_dict(None), _name_dict(None), ""
    try:
        digest = str(emb.md_algorithm)
    except Exception:  # noqa: BLE001
        digest = ""
    updates = max(0, revisions - 1 - int(getattr(emb, "signed_revision", revisions - 1)))
    base: dict[str, Any] = dict(field=field_name, signer=signer, issuer=issuer, serial=serial,
                digest_algorithm=digest, weak_digest=digest.lower() in WEAK_DIGESTS,
                updates_after=updates,
                revocation={"crls": crls, "ocsps": ocsps},
                level="B-LT" if crls or ocsps else "B-B")
    try:
        with _quiet_pyhanko():
            context = (dss.as_validation_context(kwargs) if dss is not None
                       else ValidationContext(**kwargs))
            status = _run(async_validate_pdf_signature(
                emb, context,
                key_usage_settings=KeyUsageConstraints(
                    key_usage={"non_repudiation", "digital_signature"},
                    match_all_key_usages=False),
                algorithm_policy=CMSAlgorithmUsagePolicy.lift_policy(AcceptAllAlgorithms())))
    except MemoryError:
        raise
    except Exception as exc:  # noqa: BLE001 - a signature pyHanko cannot evaluate: broken
        return SignatureInfo(**base, signing_time=None, intact=False, valid=False,
                             coverage="unclear", covers_whole_file=False, changes_after="other",
                             trust="not_checked" if not trust_checked else "untrusted",
                             error=_reason(exc))
    coverage = _COVERAGE.get(int(status.coverage.value), "unclear") if status.coverage else \
        "unclear"
    level = status.modification_level
    changes = _CHANGES.get(int(level.value), "other") if level is not None else "other"
    if coverage != "entire_file" and changes == "none":
        changes = "other"
    when = status.signer_reported_dt
    trust_state = "not_checked"
    problem = None
    if trust_checked:
        trust_state = "trusted" if status.trusted else "untrusted"
        if not status.trusted:
            indic = status.trust_problem_indic
            problem = str(getattr(indic, "name", indic)).lower() if indic is not None else None
            if status.revocation_details is not None:
                problem = "revoked"
    return SignatureInfo(
        **base, signing_time=when.isoformat() if when is not None else None,
        intact=bool(status.intact), valid=bool(status.valid), coverage=coverage,
        covers_whole_file=coverage == "entire_file", changes_after=changes,
        trust=trust_state, trust_problem=problem)


_CHANGE_TEXT = {
    "signature_maintenance": N_("validation data (DSS, time-stamps) added"),
    "form_filling": N_("later signatures or form field values added"),
    "annotations": N_("annotations added or changed"),
    "other": N_("content changed"),
}


def _findings(s: SignatureInfo, trust_checked: bool) -> list[Finding]:
    """What a person is told about one signature."""

    out: list[Finding] = []
    who = s.signer.get("common_name") or s.signer.get("text") or "?"
    org = s.signer.get("organisation") or ""
    signer = f"{who} ({org})" if org else who
    f = s.field
    if s.error is not None:
        return [_finding("error", N_("signature {field}: cannot be checked: {reason}"), field=f,
                         reason=s.error)]
    if not s.intact:
        out.append(_finding("error", N_("signature {field}: the signed bytes were changed (their "
                                        "digest does not match the signed one)"), field=f))
    elif not s.valid:
        out.append(_finding("error", N_("signature {field}: the signature value does not match "
                                        "the signer's certificate"), field=f))
    if s.changes_after not in ("none",):
        changes = phrase(_CHANGE_TEXT.get(s.changes_after, _CHANGE_TEXT["other"]))
        severity = "info" if s.changes_after in ("signature_maintenance", "form_filling") \
            else "error"
        out.append(_finding(severity, N_("signature {field}: does not cover the whole file; "
                                         "{updates} update(s) after signing: {changes}"),
                            field=f, updates=s.updates_after, changes=changes))
    if s.weak_digest:
        out.append(_finding("warning", N_("signature {field}: weak digest algorithm {algorithm}; "
                                          "it no longer protects against forgery (use SHA-256)"),
                            field=f, algorithm=s.digest_algorithm.upper()))
    if trust_checked and s.trust != "trusted":
        out.append(_finding("error", N_("signature {field}: signer {signer} is not trusted "
                                        "({reason})"), field=f, signer=signer,
                            reason=s.trust_problem or phrase(N_("no chain to a trusted "
                                                                "certificate"))))
    if not has_errors(out):
        params = {"field": f, "signer": signer, "time": s.signing_time or "?"}
        if trust_checked:
            out.insert(0, _finding("info", N_("signature {field}: signed by {signer} at {time}; "
                                              "intact and trusted"), **params))
        else:
            out.insert(0, _finding("info", N_("signature {field}: signed by {signer} at {time}; "
                                              "intact; trust not checked (no trust anchors "
                                              "given)"), **params))
    return out


def attach_signature(result: ParseResult, data: bytes, name: str) -> ParseResult:
    """``result`` (of ``parse``) with the signatures of the document it was read from.

    ``verified`` is set only for a signed, intact document (every signature valid, the
    last one covering the whole file, nothing but validation data added after it)
    whose record was read from its embedded data and matches the printed pages. No
    trust anchors are given here, so ``verified`` means integrity, not who signed:
    the signature's trust is "not_checked" (``formkit verify --trust`` checks it).
    The signature findings join the result's (rule ``signature``).
    """
    if not has_signature(data):
        return result
    try:
        report = verify_pdf(data, name=name)
    except MemoryError:
        raise
    except FormkitError as exc:  # pyHanko cannot read what pypdf could: not verified
        result.signature = {"signed": False, "intact": False, "trust": "not_checked",
                            "ok": False, "signatures": [], "error": str(exc)}
        result.findings = [*result.findings, _finding(
            "warning", N_("{file}: the signatures cannot be read: {reason}"), file=name,
            reason=exc)]
        return result
    if not report.signed:
        return result
    result.signature = report.summary()
    # formkit.parse.integrity excuses the one annotation a signing adds: an invisible
    # signature field's widget (zero area, nothing drawn).
    result.findings = [*result.findings, *report.findings]
    result.verified = (report.intact and result.source == "embedded"
                       and not any(f.rule == "embedded" and f.is_error for f in result.findings))
    return result


def _verify_worker(data: bytes, name: str, trust: list[bytes] | None) -> SignatureReport:
    from .limits import Limits
    from .parse.worker import library_caps

    with library_caps(Limits(), name):
        return verify_pdf(data, trust=trust, name=name)


def verify_file(
    source: str | os.PathLike[str] | bytes | Any,
    *,
    trust: Sequence[bytes | str | os.PathLike[str]] | None = None,
    limits: Any = None,
) -> SignatureReport:
    """:func:`verify_pdf` of a file (a path, bytes or a binary file object), in a
    worker process held to ``limits`` (:class:`formkit.parse.Limits`; the default
    caps when None) as ``parse`` is: the file is a stranger's."""
    from .limits import Limits
    from .parse.pdfio import read_bytes
    from .parse.worker import call

    caps = limits if limits is not None else Limits()
    data, name = read_bytes(source, caps.max_bytes)
    anchors: list[bytes] | None = None
    if trust is not None:  # read (and checked) here: a bad file is named before any work
        anchors = []
        for t in trust:
            anchors.extend(c.dump() for c in _certificates(t))
    report: SignatureReport = call(_verify_worker, (data, name, anchors), limits=caps, name=name)
    return report


def apply_trust(result: ParseResult, report: SignatureReport) -> ParseResult:
    """``result`` (of ``parse``, with :func:`attach_signature`'s report) with the signature
    report checked against trust anchors: ``verified`` then also needs the signer trusted."""
    result.signature = report.summary() if report.signed else None
    result.findings = [*(f for f in result.findings if f.rule != RULE), *report.findings]
    result.verified = result.verified and report.ok and report.trusted is True
    return result
