"""Signatures: formkit sign / verify / fill --sign, and what parse says of a signed PDF.

The tests make their own PKI with ``cryptography`` (a root CA, a signer, another CA
nobody trusts, a CRL); nothing is fetched over a network. The PKCS#11 route runs
against SoftHSM2 with a token made in a temporary folder.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID

from formkit.cli import main
from formkit.forms import get_form
from formkit.parse import parse_pdf
from formkit.render.pdf import render_pdf
from formkit.sign import Pkcs12Key, sign_pdf, verify_pdf

FEE = "ciyue/fee-quote"
AS_OF = "2024-06-01"
PASSPHRASE = "correct horse"
# The PKI's validity is around the real time of the test run: pyHanko validates a
# certificate at the time of validation (the signing time is the clock's).
NOW = dt.datetime.now(dt.UTC)
SOFTHSM = Path("/usr/lib/softhsm/libsofthsm2.so")


def _name(cn: str, org: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn),
                      x509.NameAttribute(NameOID.ORGANIZATION_NAME, org)])


def _ca(cn: str) -> tuple[Any, x509.Certificate]:
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (x509.CertificateBuilder().subject_name(_name(cn, "Test PKI"))
            .issuer_name(_name(cn, "Test PKI")).public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(NOW - dt.timedelta(days=2))
            .not_valid_after(NOW + dt.timedelta(days=365))
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .add_extension(x509.KeyUsage(False, False, False, False, False, True, True, False,
                                         False), critical=True)
            .sign(key, hashes.SHA256()))
    return key, cert


def _leaf(ca_key: Any, ca_cert: x509.Certificate, cn: str) -> tuple[Any, x509.Certificate]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)  # RSA: MD5 possible
    cert = (x509.CertificateBuilder().subject_name(_name(cn, "信義檢驗股份有限公司"))
            .issuer_name(ca_cert.subject).public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(NOW - dt.timedelta(days=1))
            .not_valid_after(NOW + dt.timedelta(days=90))
            .add_extension(x509.KeyUsage(True, True, False, False, False, False, False, False,
                                         False), critical=True)
            .add_extension(x509.CRLDistributionPoints([x509.DistributionPoint(
                [x509.UniformResourceIdentifier("http://crl.invalid/root.crl")], None, None,
                None)]), critical=False)
            .sign(ca_key, hashes.SHA256()))
    return key, cert


def _crl(ca_key: Any, ca_cert: x509.Certificate, revoked: list[int]) -> bytes:
    builder = (x509.CertificateRevocationListBuilder().issuer_name(ca_cert.subject)
               .last_update(NOW - dt.timedelta(hours=1))
               .next_update(NOW + dt.timedelta(days=7)))
    for serial in revoked:
        builder = builder.add_revoked_certificate(
            x509.RevokedCertificateBuilder().serial_number(serial)
            .revocation_date(NOW - dt.timedelta(minutes=30)).build())
    return builder.sign(ca_key, hashes.SHA256()).public_bytes(serialization.Encoding.DER)


@dataclass
class Pki:
    root: Path
    other_root: Path
    p12: Path
    passphrase_file: Path
    crl: Path
    revoking_crl: Path
    signer_key: Any
    signer_cert: x509.Certificate


@pytest.fixture(scope="module")
def pki(tmp_path_factory: pytest.TempPathFactory) -> Pki:
    d = tmp_path_factory.mktemp("pki")
    root_key, root = _ca("Formkit Test Root CA")
    _, other = _ca("Somebody Else's CA")
    key, cert = _leaf(root_key, root, "王小明")
    pem = serialization.Encoding.PEM
    (d / "root.pem").write_bytes(root.public_bytes(pem))
    (d / "other.pem").write_bytes(other.public_bytes(pem))
    (d / "signer.p12").write_bytes(pkcs12.serialize_key_and_certificates(
        b"signer", key, cert, [root],
        serialization.BestAvailableEncryption(PASSPHRASE.encode())))
    (d / "passphrase.txt").write_text(PASSPHRASE + "\n", encoding="utf-8")
    (d / "root.crl").write_bytes(_crl(root_key, root, []))
    (d / "revoked.crl").write_bytes(_crl(root_key, root, [cert.serial_number]))
    return Pki(d / "root.pem", d / "other.pem", d / "signer.p12", d / "passphrase.txt",
               d / "root.crl", d / "revoked.crl", key, cert)


@pytest.fixture(scope="module")
def record_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("record") / "quote.json"
    path.write_text(json.dumps(get_form(FEE).sample, ensure_ascii=False), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def unsigned() -> bytes:
    return render_pdf(FEE, get_form(FEE).sample)


@pytest.fixture(scope="module")
def signed(unsigned: bytes, pki: Pki) -> bytes:
    return sign_pdf(unsigned, key=Pkcs12Key(pki.p12, PASSPHRASE))


def run(*args: str | Path, env: dict[str, str] | None = None) -> Any:
    runner = CliRunner(env=env)
    return runner.invoke(main, [str(a) for a in args], catch_exceptions=False)


def key_args(pki: Pki) -> list[str | Path]:
    return ["--key", pki.p12, "--passphrase-file", pki.passphrase_file]


def verify_json(path: Path, *trust: Path) -> tuple[int, dict[str, Any]]:
    args: list[str | Path] = ["verify", path, "--format", "json", "--lang", "en"]
    for t in trust:
        args += ["--trust", t]
    result = run(*args)
    return result.exit_code, json.loads(result.output)


def _one_byte_changed(data: bytes) -> bytes:
    """One byte changed inside the signed range: in the first stream (the output intent's
    ICC profile, which no text extraction reads)."""
    at = data.index(b"stream\n") + len(b"stream\n") + 100
    return data[:at] + bytes([data[at] ^ 0x01]) + data[at + 1:]


# -- fill --sign, verify --------------------------------------------------------------------


def test_fill_sign_verifies_with_the_root_and_is_untrusted_without_it(
        tmp_path: Path, pki: Pki, record_file: Path) -> None:
    out = tmp_path / "quote.pdf"
    result = run("fill", FEE, record_file, "-o", out, "--as-of", AS_OF, "--sign", *key_args(pki))
    assert result.exit_code == 0, result.output

    code, report = verify_json(out, pki.root)
    assert code == 0, report
    assert report["signed"] and report["intact"] and report["ok"]
    assert report["trust"] == "trusted"
    (sig,) = report["signatures"]
    assert sig["signer"]["common_name"] == "王小明"
    assert sig["signer"]["organisation"] == "信義檢驗股份有限公司"
    assert sig["issuer"]["common_name"] == "Formkit Test Root CA"
    assert sig["serial"] == format(pki.signer_cert.serial_number, "X")
    assert sig["covers_whole_file"] and sig["changes_after"] == "none"
    assert sig["digest_algorithm"] == "sha256" and not sig["weak_digest"]
    assert sig["level"] == "B-B"
    assert dt.datetime.fromisoformat(sig["signing_time"]) > NOW - dt.timedelta(minutes=10)

    # Trusting another CA only: the same signature is intact but untrusted (exit 1).
    code, report = verify_json(out, pki.other_root)
    assert code == 1
    assert report["intact"] and report["trust"] == "untrusted" and not report["ok"]
    assert any(f["severity"] == "error" and "not trusted" in f["message"]
               for f in report["findings"])

    # No --trust: integrity only, trust "not checked" (exit 0).
    code, report = verify_json(out)
    assert code == 0 and report["trust"] == "not_checked"
    assert report["signatures"][0]["trust"] == "not_checked"
    text = run("verify", out, "--lang", "en")
    assert text.exit_code == 0 and "trust not checked" in text.output


def test_one_byte_changed_after_signing_is_reported(tmp_path: Path, signed: bytes,
                                                   pki: Pki) -> None:
    tampered = _one_byte_changed(signed)
    path = tmp_path / "tampered.pdf"
    path.write_bytes(tampered)
    code, report = verify_json(path, pki.root)
    assert code == 1
    assert not report["intact"] and not report["ok"]
    assert report["signatures"][0]["intact"] is False
    assert any("signed bytes were changed" in f["message"] for f in report["findings"])


def test_an_incremental_update_after_signing_is_reported(tmp_path: Path, signed: bytes,
                                                         pki: Pki) -> None:
    from pypdf import PdfWriter
    from pypdf.annotations import FreeText

    writer = PdfWriter(io.BytesIO(signed), incremental=True)
    writer.add_annotation(0, FreeText(text="已核准", rect=(50, 50, 200, 100)))
    out = io.BytesIO()
    writer.write(out)
    updated = out.getvalue()
    assert updated.startswith(signed)  # an incremental update indeed
    path = tmp_path / "updated.pdf"
    path.write_bytes(updated)

    code, report = verify_json(path, pki.root)
    assert code == 1 and not report["intact"]
    (sig,) = report["signatures"]
    assert sig["intact"] and sig["valid"]  # the signed revision itself is untouched...
    assert not sig["covers_whole_file"] and sig["updates_after"] == 1  # ...but not the file
    assert sig["changes_after"] in ("annotations", "other")
    assert any(f["severity"] == "error" and "does not cover the whole file" in f["message"]
               for f in report["findings"])


def test_unsigned_file_is_not_signed_exit_1(tmp_path: Path, unsigned: bytes) -> None:
    path = tmp_path / "plain.pdf"
    path.write_bytes(unsigned)
    code, report = verify_json(path)
    assert code == 1
    assert report["signed"] is False and report["signatures"] == []
    assert [f["message"] for f in report["findings"]] == [f"{path}: not signed"]


def test_unreadable_input_exits_2(tmp_path: Path, pki: Pki) -> None:
    not_pdf = tmp_path / "x.pdf"
    not_pdf.write_text("hello", encoding="utf-8")
    for args in (["verify", not_pdf], ["verify", tmp_path / "missing.pdf"],
                 ["verify", not_pdf, "--trust", pki.passphrase_file]):
        result = run(*args, "--lang", "en")
        assert result.exit_code == 2, result.output
        assert "Traceback" not in result.output


def test_weak_digest_is_a_warning_not_a_crash(tmp_path: Path, unsigned: bytes, pki: Pki) -> None:
    for algorithm in ("md5", "sha1"):
        weak = sign_pdf(unsigned, key=Pkcs12Key(pki.p12, PASSPHRASE), md_algorithm=algorithm)
        path = tmp_path / f"{algorithm}.pdf"
        path.write_bytes(weak)
        code, report = verify_json(path, pki.root)
        assert code == 0, report  # intact and trusted: the weak digest is a warning
        (sig,) = report["signatures"]
        assert sig["digest_algorithm"] == algorithm and sig["weak_digest"] is True
        warnings = [f["message"] for f in report["findings"] if f["severity"] == "warning"]
        assert any(algorithm.upper() in w and "weak digest" in w for w in warnings)


# -- sign: PDF/A kept, B-LT, refusals --------------------------------------------------------


def _xmp(data: bytes) -> bytes:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data))
    metadata: bytes = reader.trailer["/Root"]["/Metadata"].get_object().get_data()
    return metadata


def test_signed_pdf_stays_pdfa_3b_and_keeps_its_bytes(unsigned: bytes, signed: bytes) -> None:
    from pypdf import PdfReader

    assert signed.startswith(unsigned)  # an incremental update: the original bytes are kept
    xmp = _xmp(signed)
    assert re.search(rb'pdfaid:part(="|>)3', xmp) and re.search(rb'pdfaid:conformance(="|>)B',
                                                                 xmp)
    assert xmp == _xmp(unsigned)  # metadata untouched (Info and XMP agree as before)
    before, after = PdfReader(io.BytesIO(unsigned)), PdfReader(io.BytesIO(signed))
    assert dict(after.metadata or {}) == dict(before.metadata or {})
    root = after.trailer["/Root"]
    assert root["/OutputIntents"][0]["/S"] == "/GTS_PDFA1"
    (widget,) = [a.get_object() for a in after.pages[0]["/Annots"]
                 if a.get_object().get("/FT") == "/Sig"]
    assert [float(v) for v in widget["/Rect"]] == [0, 0, 0, 0]  # invisible: no appearance due
    assert int(widget["/F"]) & 4 and not int(widget["/F"]) & (1 | 2 | 32)  # Print, not hidden
    assert widget["/V"]["/SubFilter"] == "/ETSI.CAdES.detached"  # PAdES
    assert "formkit.json" in after.attachments  # the record is still attached


def test_b_lt_with_a_crl_covers_the_whole_file(tmp_path: Path, pki: Pki, unsigned: bytes) -> None:
    src, out = tmp_path / "in.pdf", tmp_path / "lt.pdf"
    src.write_bytes(unsigned)
    result = run("sign", src, "-o", out, *key_args(pki), "--crl", pki.crl, "--format", "json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["level"] == "B-LT"
    assert out.read_bytes().startswith(unsigned)
    assert _xmp(out.read_bytes()) == _xmp(unsigned)
    code, report = verify_json(out, pki.root)
    assert code == 0, report
    (sig,) = report["signatures"]
    assert sig["level"] == "B-LT" and sig["revocation"]["crls"] == 1
    assert sig["covers_whole_file"]  # the DSS is in the signature's own revision

    # A CRL that revokes the signer's certificate: refused, exit 2, nothing written.
    bad = tmp_path / "revoked.pdf"
    result = run("sign", src, "-o", bad, *key_args(pki), "--crl", pki.revoking_crl,
                 "--lang", "en")
    assert result.exit_code == 2 and "revocation data" in result.output
    assert not bad.exists()


def test_nothing_is_fetched(monkeypatch: pytest.MonkeyPatch, pki: Pki, unsigned: bytes) -> None:
    """The signer's certificate names a CRL URL; neither signing B-LT nor verifying goes
    there (or anywhere): every connection and name lookup fails the test."""
    import socket

    used: list[Any] = []

    def refuse(*args: Any, **kwargs: Any) -> Any:
        used.append(args)  # recorded: pyHanko may swallow the error of a failed fetch
        raise OSError("no network in this test")

    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    lt = sign_pdf(unsigned, key=Pkcs12Key(pki.p12, PASSPHRASE), crls=[pki.crl])
    assert verify_pdf(lt, trust=[pki.root]).ok
    assert verify_pdf(lt).intact
    assert used == []


def test_sign_refusals_exit_2(tmp_path: Path, pki: Pki, unsigned: bytes,
                              record_file: Path) -> None:
    src = tmp_path / "in.pdf"
    src.write_bytes(unsigned)
    wrong = tmp_path / "wrong.txt"
    wrong.write_text("nope\n", encoding="utf-8")
    cases: list[list[str | Path]] = [
        ["sign", src, "-o", tmp_path / "a.pdf", "--key", pki.p12, "--passphrase-file", wrong],
        ["sign", src, "-o", tmp_path / "a.pdf"],  # no key
        ["sign", src, "-o", src, *key_args(pki)],  # over the input
        ["sign", record_file, "-o", tmp_path / "a.pdf", *key_args(pki)],  # not a PDF
        ["sign", src, "-o", tmp_path / "a.pdf", *key_args(pki), "--crl", pki.passphrase_file],
        ["sign", src, "-o", tmp_path / "a.pdf", "--pkcs11", SOFTHSM, "--token-label", "x"],
        ["fill", FEE, record_file, "-o", tmp_path / "a.docx", "--as-of", AS_OF, "--sign",
         *key_args(pki)],  # --sign is for PDF only
        ["fill", FEE, record_file, "-o", tmp_path / "a.pdf", "--as-of", AS_OF,
         *key_args(pki)],  # key options without --sign
    ]
    for args in cases:
        result = run(*args, "--lang", "en", env={"FORMKIT_KEY_PASSPHRASE": ""})
        assert result.exit_code == 2, (args, result.output)
        assert "Traceback" not in result.output and "error:" in result.output
    assert not (tmp_path / "a.pdf").exists() and not (tmp_path / "a.docx").exists()
    # The passphrase may come from the environment instead of a file.
    ok = run("sign", src, "-o", tmp_path / "b.pdf", "--key", pki.p12,
             env={"FORMKIT_KEY_PASSPHRASE": PASSPHRASE})
    assert ok.exit_code == 0, ok.output


# -- parse ------------------------------------------------------------------------------------


def test_parse_reports_verified_only_for_a_signed_intact_record(
        tmp_path: Path, unsigned: bytes, signed: bytes, pki: Pki) -> None:
    path = tmp_path / "signed.pdf"
    path.write_bytes(signed)
    result = run("parse", path, "--as-of", AS_OF, "--format", "json")  # through the worker
    data = json.loads(result.output)
    assert data["source"] == "embedded" and data["verified"] is True
    assert data["signature"]["intact"] and data["signature"]["trust"] == "not_checked"
    assert data["data"] == get_form(FEE).sample | data["data"]  # the record read back

    # parse --trust: verified also needs the signer trusted.
    trusted = run("parse", path, "--as-of", AS_OF, "--format", "json", "--trust", pki.root)
    assert json.loads(trusted.output)["verified"] is True
    assert json.loads(trusted.output)["signature"]["trust"] == "trusted"
    other = run("parse", path, "--as-of", AS_OF, "--format", "json", "--trust", pki.other_root)
    assert other.exit_code == 1
    assert json.loads(other.output)["verified"] is False
    assert json.loads(other.output)["signature"]["trust"] == "untrusted"

    plain = parse_pdf(unsigned, limits=None)
    assert plain.verified is False and plain.signature is None
    assert plain.as_dict()["verified"] is False and plain.as_dict()["signature"] is None

    tampered = parse_pdf(_one_byte_changed(signed), limits=None)
    assert tampered.verified is False
    assert tampered.signature is not None and tampered.signature["intact"] is False
    assert any(f.rule == "signature" and f.is_error for f in tampered.findings)


# -- PKCS#11 (SoftHSM2) -----------------------------------------------------------------------


@pytest.mark.skipif(shutil.which("softhsm2-util") is None or not SOFTHSM.exists(),
                    reason="SoftHSM2 is not installed (Debian package softhsm2; "
                           "scripts/setup.sh --test installs it)")
def test_pkcs11_token_signs(tmp_path: Path, pki: Pki, unsigned: bytes) -> None:
    pytest.importorskip("pkcs11", reason="python-pkcs11 (the pkcs11 extra) is not installed")
    tokens = tmp_path / "tokens"
    tokens.mkdir()
    conf = tmp_path / "softhsm2.conf"
    conf.write_text(f"directories.tokendir = {tokens}\nobjectstore.backend = file\n"
                    "log.level = ERROR\n", encoding="utf-8")
    env = {**os.environ, "SOFTHSM2_CONF": str(conf)}
    pin = "123456"
    subprocess.run(["softhsm2-util", "--init-token", "--free", "--label", "formkit-test",
                    "--so-pin", "654321", "--pin", pin], env=env, check=True,
                   capture_output=True)
    key_pem = tmp_path / "key.pem"
    key_pem.write_bytes(pki.signer_key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption()))
    subprocess.run(["softhsm2-util", "--import", str(key_pem), "--token", "formkit-test",
                    "--label", "signer", "--id", "01", "--pin", pin], env=env, check=True,
                   capture_output=True)
    cert_der = tmp_path / "cert.der"
    cert_der.write_bytes(pki.signer_cert.public_bytes(serialization.Encoding.DER))
    # The certificate goes onto the token through python-pkcs11 (softhsm2-util imports keys
    # only), in a child process: SoftHSM reads SOFTHSM2_CONF once per process.
    put_cert = (
        "import sys, pkcs11\n"
        "from pkcs11 import Attribute, CertificateType, ObjectClass\n"
        "from cryptography import x509\n"
        "der = open(sys.argv[2], 'rb').read()\n"
        "subject = x509.load_der_x509_certificate(der).subject.public_bytes()\n"
        "token = pkcs11.lib(sys.argv[1]).get_token(token_label='formkit-test')\n"
        "with token.open(rw=True, user_pin=sys.argv[3]) as s:\n"
        "    s.create_object({Attribute.CLASS: ObjectClass.CERTIFICATE,\n"
        "        Attribute.CERTIFICATE_TYPE: CertificateType.X_509, Attribute.VALUE: der,\n"
        "        Attribute.SUBJECT: subject, Attribute.LABEL: 'signer', Attribute.ID: b'\\x01',\n"
        "        Attribute.TOKEN: True})\n")
    subprocess.run([sys.executable, "-c", put_cert, str(SOFTHSM), str(cert_der), pin], env=env,
                   check=True, capture_output=True)

    src, out = tmp_path / "in.pdf", tmp_path / "hsm.pdf"
    src.write_bytes(unsigned)
    pin_file = tmp_path / "pin.txt"
    pin_file.write_text(pin + "\n", encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "formkit.cli", "sign", str(src), "-o", str(out), "--pkcs11",
         str(SOFTHSM), "--token-label", "formkit-test", "--key-label", "signer", "--pin-file",
         str(pin_file), "--lang", "en"], env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    report = verify_pdf(out.read_bytes(), trust=[pki.root])
    assert report.ok and report.signatures[0].signer["common_name"] == "王小明"
    assert out.read_bytes().startswith(unsigned)

    # A wrong PIN is an answer, not a traceback.
    pin_file.write_text("000000\n", encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "formkit.cli", "sign", str(src), "-o", str(tmp_path / "x.pdf"),
         "--pkcs11", str(SOFTHSM), "--token-label", "formkit-test", "--key-label", "signer",
         "--pin-file", str(pin_file), "--lang", "en"], env=env, capture_output=True, text=True)
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr and "formkit-test" in done.stderr
