"""Hostile DOCX and ODT files given to ``parse``: zip bombs, too many members, DTDs and
external entities, relationships pointing out of the package, broken zips and parts.

Each is refused with a message naming the file and the cap or the problem (exit 2 from
the command line, no traceback), and nothing outside the package is read.
"""

from __future__ import annotations

import io
import re
import subprocess
import sys
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from formkit.cli import main
from formkit.engine import fill
from formkit.errors import FormkitError, LimitExceeded, NotAFormPDFError
from formkit.forms import get_form
from formkit.limits import Limits
from formkit.parse import parse_pdf
from formkit.render.docx import render_docx
from formkit.render.odt import render_odt

PLAN = "oshpm/destruction-plan"
AS_OF_TEXT = "2024-06-01"
MiB = 2**20


def _record() -> dict[str, Any]:
    return fill(PLAN, get_form(PLAN).sample).record


def _docx() -> bytes:
    return render_docx(PLAN, _record())


def _odt() -> bytes:
    return render_odt(PLAN, _record())


def _parts(data: bytes) -> list[tuple[zipfile.ZipInfo, bytes]]:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return [(i, z.read(i)) for i in z.infolist()]


def _zip(parts: list[tuple[str | zipfile.ZipInfo, bytes]]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts:
            z.writestr(name, data)
    return out.getvalue()


def _changed(data: bytes, changes: dict[str, bytes | None],
             extra: list[tuple[str, bytes]] | None = None) -> bytes:
    """The package with parts replaced (None: removed) and parts added."""
    parts: list[tuple[str | zipfile.ZipInfo, bytes]] = []
    for info, blob in _parts(data):
        if info.filename in changes:
            if changes[info.filename] is None:
                continue
            blob = changes[info.filename]  # type: ignore[assignment]
        parts.append((info, blob))
    parts += extra or []
    return _zip(parts)


def _part(data: bytes, name: str) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return z.read(name).decode("utf-8")


def _with_doctype(xml: str, doctype: str) -> bytes:
    declaration, _, rest = xml.partition("?>")
    return (declaration + "?>" + doctype + rest).encode("utf-8")


def zip_bomb() -> bytes:
    """A DOCX whose one extra member inflates to 300 MiB (from a few hundred KiB)."""
    out = io.BytesIO(_docx())
    with zipfile.ZipFile(out, "a", zipfile.ZIP_DEFLATED) as z:
        info = zipfile.ZipInfo("word/media/bomb.bin")
        info.compress_type = zipfile.ZIP_DEFLATED
        with z.open(info, "w", force_zip64=True) as fh:
            chunk = bytes(MiB)
            for _ in range(300):
                fh.write(chunk)
    return out.getvalue()


def many_members() -> bytes:
    return _changed(_docx(), {}, [(f"word/media/m{i}.xml", b"") for i in range(1500)])


def big_document_part() -> bytes:
    xml = _part(_docx(), "word/document.xml")
    padding = "<!-- " + "x" * (3 * MiB) + " -->"
    return _changed(_docx(), {"word/document.xml": xml.replace("<w:body>", padding + "<w:body>",
                                                               1).encode("utf-8")})


def xxe(url: str) -> Callable[[], bytes]:
    def make() -> bytes:
        xml = _part(_docx(), "word/document.xml")
        doctype = f'<!DOCTYPE w:document [<!ENTITY xxe SYSTEM "{url}">]>'
        body = _with_doctype(xml, doctype).replace(b"<w:body>", b"<w:body>&xxe;", 1)
        return _changed(_docx(), {"word/document.xml": body})
    return make


def billion_laughs() -> bytes:
    entities = '<!ENTITY a0 "ha">' + "".join(
        f'<!ENTITY a{i} "{("&a" + str(i - 1) + ";") * 10}">' for i in range(1, 10))
    xml = _part(_docx(), "word/document.xml")
    body = _with_doctype(xml, f"<!DOCTYPE w:document [{entities}]>").replace(
        b"<w:body>", b"<w:body><w:p><w:r><w:t>&a9;</w:t></w:r></w:p>", 1)
    return _changed(_docx(), {"word/document.xml": body})


def utf16_doctype() -> bytes:
    xml = _part(_docx(), "word/document.xml").replace("encoding='UTF-8'", "encoding='UTF-16'")
    xml = xml.replace('encoding="UTF-8"', 'encoding="UTF-16"')
    body = _with_doctype(xml, '<!DOCTYPE w:document [<!ENTITY x "y">]>').decode("utf-8")
    return _changed(_docx(), {"word/document.xml": body.encode("utf-16")})


def doctype_in_record(url: str) -> Callable[[], bytes]:
    def make() -> bytes:
        data = _docx()
        name = _record_part(data)
        xml = _part(data, name)
        return _changed(data, {name: _with_doctype(
            xml, f'<!DOCTYPE formkit [<!ENTITY x SYSTEM "{url}">]>')})
    return make


def odt_xxe(url: str) -> Callable[[], bytes]:
    def make() -> bytes:
        xml = _part(_odt(), "content.xml")
        return _changed(_odt(), {"content.xml": _with_doctype(
            xml, f'<!DOCTYPE office:document-content [<!ENTITY x SYSTEM "{url}">]>')})
    return make


def main_document_outside(target: str) -> Callable[[], bytes]:
    def make() -> bytes:
        rels = _part(_docx(), "_rels/.rels")
        rels = re.sub(r'(Type="[^"]*/officeDocument" Target=")[^"]*"',
                      lambda m: m.group(1) + target + '"', rels)
        assert target in rels
        return _changed(_docx(), {"_rels/.rels": rels.encode("utf-8"),
                                  "word/document.xml": None})
    return make


def main_document_external(url: str) -> Callable[[], bytes]:
    def make() -> bytes:
        rels = _part(_docx(), "_rels/.rels")
        rels = re.sub(r'(Type="[^"]*/officeDocument" Target=")[^"]*"',
                      lambda m: m.group(1) + url + '" TargetMode="External"', rels)
        return _changed(_docx(), {"_rels/.rels": rels.encode("utf-8")})
    return make


def _record_part(data: bytes) -> str:
    return next(n for n in zipfile.ZipFile(io.BytesIO(data)).namelist()
                if n.endswith(".xml") and "urn:formkit:record" in _part(data, n))


def two_records() -> bytes:
    data = _docx()
    name = _record_part(data)
    return _changed(data, {}, [("customXml/item99.xml", _part(data, name).encode("utf-8"))])


def bad_record_json() -> bytes:
    data = _docx()
    name = _record_part(data)
    xml = _part(data, name)
    return _changed(data, {name: xml.replace('{"data":', '{"data":{"a":1,"a":2},"x":',
                                             1).encode("utf-8")})


def deep_xml() -> bytes:
    xml = _part(_docx(), "word/document.xml")
    deep = "<w:sdt>" * 5000 + "</w:sdt>" * 5000
    return _changed(_docx(), {"word/document.xml": xml.replace(
        "<w:body>", "<w:body>" + deep, 1).encode("utf-8")})


def not_xml() -> bytes:
    return _changed(_docx(), {"word/document.xml": b"<w:document><w:body>"})


def truncated() -> bytes:
    return _docx()[:5000]


def duplicate_member() -> bytes:
    data = _docx()
    xml = _part(data, "word/document.xml").replace("OSH-113-000123", "OSH-113-999999")
    with pytest.warns(UserWarning, match="Duplicate name"):
        return _changed(data, {}, [("word/document.xml", xml.encode("utf-8"))])


def plain_zip() -> bytes:
    return _zip([("hello.txt", b"hello")])


def encrypted_member() -> bytes:
    data = bytearray(_docx())
    # set the "encrypted" flag of every local and central header: zipfile wants a password
    for sig, offset in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        for m in re.finditer(re.escape(sig), bytes(data)):
            data[m.start() + offset] |= 1
    return bytes(data)


@dataclass
class Case:
    make: Callable[[], bytes]
    error: type[FormkitError]
    message: str
    limit: str | None = None
    limits: Limits | None = None
    suffix: str = "docx"


CASES: dict[str, Callable[[str, str], Case]] = {
    "zip-bomb": lambda url, path: Case(
        zip_bomb, LimitExceeded,
        r"its zip members inflate to 30\d\.\d MiB, more than the cap of 256 MiB", "inflated"),
    "too-many-members": lambda url, path: Case(
        many_members, LimitExceeded, r"1,5\d\d members in its zip, more than the cap of 1,000",
        "entries"),
    "part-over-stream-cap": lambda url, path: Case(
        big_document_part, LimitExceeded,
        r"its part word/document\.xml inflates to 3\.\d MiB, more than the cap on one stream "
        r"of 1 MiB", "stream", Limits(max_stream_bytes=MiB)),
    "xxe-file": lambda url, path: Case(
        xxe(url), NotAFormPDFError,
        r"its part word/document\.xml declares a DOCTYPE or entities, which office documents "
        r"do not need; refused"),
    "xxe-http": lambda url, path: Case(
        xxe("http://127.0.0.1:9/x"), NotAFormPDFError, r"declares a DOCTYPE or entities"),
    "billion-laughs": lambda url, path: Case(
        billion_laughs, NotAFormPDFError, r"declares a DOCTYPE or entities"),
    "utf16-doctype": lambda url, path: Case(
        utf16_doctype, NotAFormPDFError, r"declares a DOCTYPE or entities"),
    "doctype-in-record": lambda url, path: Case(
        doctype_in_record(url), NotAFormPDFError,
        r"its part customXml/item\d+\.xml declares a DOCTYPE or entities"),
    "odt-xxe": lambda url, path: Case(
        odt_xxe(url), NotAFormPDFError, r"its part content\.xml declares a DOCTYPE", None,
        None, "odt"),
    "main-document-outside": lambda url, path: Case(
        main_document_outside("../../../../" + path.lstrip("/")), NotAFormPDFError,
        r"its main document is outside the package"),
    "main-document-file-url": lambda url, path: Case(
        main_document_outside(url), NotAFormPDFError, r"its main document is outside the "
                                                      r"package \(file://"),
    "main-document-external": lambda url, path: Case(
        main_document_external(url), NotAFormPDFError,
        r"its main document is outside the package"),
    "two-records": lambda url, path: Case(
        two_records, NotAFormPDFError, r"the document holds 2 formkit records"),
    "record-key-twice": lambda url, path: Case(
        bad_record_json, NotAFormPDFError, r"customXml/item\d+\.xml"),
    "deep-xml": lambda url, path: Case(
        deep_xml, NotAFormPDFError, r"its part word/document\.xml is not well-formed XML"),
    "not-xml": lambda url, path: Case(
        not_xml, NotAFormPDFError, r"its part word/document\.xml is not well-formed XML"),
    "truncated": lambda url, path: Case(
        truncated, NotAFormPDFError, r"not a readable office document"),
    "duplicate-member": lambda url, path: Case(
        duplicate_member, NotAFormPDFError,
        r"its zip holds two members named word/document\.xml; which one an office suite "
        r"shows cannot be told"),
    "plain-zip": lambda url, path: Case(
        plain_zip, NotAFormPDFError, r"a zip, but not a Word \(\.docx\) or OpenDocument text"),
    "encrypted-member": lambda url, path: Case(
        encrypted_member, NotAFormPDFError,
        r"its part _rels/\.rels is encrypted; send an unencrypted copy"),
}


@pytest.fixture(scope="module")
def canary_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("canary") / "secret.xml"
    path.write_text("<w:document>CANARY-7f3a9</w:document>", encoding="utf-8")
    return path


def _case(key: str, canary: Path) -> Case:
    return CASES[key](canary.as_uri(), str(canary))


@pytest.mark.parametrize("key", sorted(CASES))
def test_refused_with_a_clear_error(key: str, canary_file: Path, tmp_path: Path) -> None:
    case = _case(key, canary_file)
    path = tmp_path / f"hostile.{case.suffix}"
    path.write_bytes(case.make())
    limits = case.limits or Limits(timeout_s=60)
    with pytest.raises(case.error) as info:
        parse_pdf(path, limits=limits)
    assert re.search(case.message, str(info.value)), str(info.value)
    assert str(path) in str(info.value)
    assert "CANARY" not in str(info.value)
    if case.limit is not None:
        assert getattr(info.value, "limit", None) == case.limit


@pytest.mark.parametrize("key", ["zip-bomb", "xxe-file", "main-document-outside", "truncated",
                                 "deep-xml"])
def test_cli_exits_2_naming_the_file(key: str, canary_file: Path, tmp_path: Path) -> None:
    case = _case(key, canary_file)
    path = tmp_path / f"hostile.{case.suffix}"
    path.write_bytes(case.make())
    result = CliRunner().invoke(main, ["parse", str(path), "--lang", "en"])
    assert result.exit_code == 2, result.output
    assert str(path) in result.stderr
    assert "Traceback" not in result.output + result.stderr
    assert "CANARY" not in result.output + result.stderr


def test_cli_in_its_own_process_prints_no_traceback(canary_file: Path, tmp_path: Path) -> None:
    path = tmp_path / "bomb.docx"
    path.write_bytes(zip_bomb())
    proc = subprocess.run([sys.executable, "-m", "formkit.cli", "parse", str(path), "--lang",
                           "en"], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2, proc.stderr
    assert proc.stdout == ""
    assert proc.stderr.splitlines()[-1].startswith(f"formkit: error: {path}: "), proc.stderr
    assert "Traceback" not in proc.stderr
    assert "256 MiB" in proc.stderr and str(path) in proc.stderr


def test_the_time_cap_holds_for_office_documents(tmp_path: Path) -> None:
    path = tmp_path / "slow.docx"
    path.write_bytes(_docx())
    with pytest.raises(LimitExceeded) as info:
        parse_pdf(path, limits=Limits(timeout_s=0.001))
    assert info.value.limit == "time"


def test_links_in_the_document_are_never_followed(local_server: Any, tmp_path: Path) -> None:
    """A hyperlink, a linked image and an attached template out of the package: read as the
    text they show, never fetched."""
    data = _docx()
    rels = _part(data, "word/_rels/document.xml.rels").replace("</Relationships>", "".join(
        f'<Relationship Id="rIdX{i}" Type="http://schemas.openxmlformats.org/officeDocument/'
        f'2006/relationships/{kind}" Target="{local_server.url("/" + kind)}" '
        f'TargetMode="External"/>' for i, kind in enumerate(
            ["hyperlink", "image", "attachedTemplate", "subDocument"])) + "</Relationships>")
    odt = _odt()
    content = _part(odt, "content.xml").replace(
        "</office:text>", f'<text:p><text:a xlink:href="{local_server.url("/a")}" '
        f'xmlns:xlink="http://www.w3.org/1999/xlink">link</text:a></text:p></office:text>')
    linked = _changed(data, {"word/_rels/document.xml.rels": rels.encode("utf-8")})
    for sample in (linked, _changed(odt, {"content.xml": content.encode("utf-8")})):
        result = parse_pdf(sample, limits=Limits(timeout_s=60))
        assert result.data == _record()
    warnings = [f.as_dict("en")["message"] for f in parse_pdf(linked, limits=None).findings
                if f.rule == "office-active"]
    assert warnings == ["the document holds active content (links to files outside the "
                        "document); formkit never writes any: do not open it in an office "
                        "suite that runs it"]
    local_server.assert_untouched()


def test_macros_and_objects_are_a_warning_never_run() -> None:
    data = _changed(_docx(), {}, [("word/vbaProject.bin", b"\xd0\xcf\x11\xe0 macro"),
                                  ("word/activeX/activeX1.xml", b"<ax/>")])
    result = parse_pdf(data, limits=None)
    assert result.data == _record()
    [warning] = [f for f in result.findings if f.rule == "office-active"]
    assert warning.severity == "warning"
    assert "macros" in warning.as_dict("en")["message"]
    assert "ActiveX" in warning.as_dict("en")["message"]
    assert not [f for f in parse_pdf(_docx(), limits=None).findings if f.rule == "office-active"]


def test_the_caps_are_checked_when_given() -> None:
    with pytest.raises(ValueError, match="max_zip_entries"):
        Limits(max_zip_entries=0)
    with pytest.raises(ValueError, match="max_zip_bytes"):
        Limits(max_zip_bytes=-1)
