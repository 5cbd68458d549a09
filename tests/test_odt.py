"""ODT output: every form filled and blank, ODF 1.2-valid, TC fonts and zh-TW in every style,
the record inside as formkit.json (the PDF's payload), the CLI and batch; LibreOffice opens
one filled and one blank document and prints every value."""

from __future__ import annotations

import io
import json
import re
import subprocess
import zipfile
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from lxml import etree

import formkit
from formkit.cli import main
from formkit.engine import fill
from formkit.errors import RecordError
from formkit.forms import get_form
from formkit.render.model import build
from formkit.render.odt import render_odt
from formkit.render.pdf import payload

from .conftest import AS_OF, FORM_IDS, needs_soffice

NS = {
    "office": "urn:oasis:names:tc:opendocument:xmlns:office:1.0",
    "style": "urn:oasis:names:tc:opendocument:xmlns:style:1.0",
    "text": "urn:oasis:names:tc:opendocument:xmlns:text:1.0",
    "table": "urn:oasis:names:tc:opendocument:xmlns:table:1.0",
    "fo": "urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0",
    "meta": "urn:oasis:names:tc:opendocument:xmlns:meta:1.0",
    "dc": "http://purl.org/dc/elements/1.1/",
    "manifest": "urn:oasis:names:tc:opendocument:xmlns:manifest:1.0",
}
TC_FONTS = {"Noto Serif CJK TC", "Noto Sans CJK TC"}
WJ = "\u2060"
CERT = "mit/annex-11-product-certificate"
ASSESSMENT = "mit/annex-07-qms-assessment"


def q(name: str) -> str:
    prefix, local = name.split(":")
    return f"{{{NS[prefix]}}}{local}"


@cache
def record(form_id: str) -> dict[str, Any]:
    report = fill(get_form(form_id), get_form(form_id).sample, as_of=AS_OF)
    assert report.valid, report.findings
    return report.record


@cache
def odt(form_id: str, filled: bool) -> bytes:
    return render_odt(form_id, record(form_id) if filled else None)


def parts(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return {name: z.read(name) for name in z.namelist()}


def xml(data: bytes, name: str) -> Any:
    return etree.fromstring(parts(data)[name])


def flat(text: str) -> str:
    """Text without word joiners and whitespace: how a value is found wherever lines broke."""
    return re.sub(r"\s+", "", text.replace(WJ, ""))


def body_text(data: bytes) -> str:
    """The document's text as odfdo (an independent reader) reads it."""
    from odfdo import Document

    return str(Document(io.BytesIO(data)).get_formatted_text())


def segments(doc: Any) -> list[Any]:
    return [s for block in doc.blocks for s in
            [*block.text, *(s for row in block.rows for c in row for s in c.segs)]]


def printed_values(form_id: str) -> list[str]:
    doc = build(get_form(form_id), record(form_id))
    return [s.text for s in segments(doc) if s.kind == "value" and s.text.strip()]


CASES = [pytest.param(f, filled, id=f"{f}-{'filled' if filled else 'blank'}")
         for f in FORM_IDS for filled in (True, False)]


# --- the package --------------------------------------------------------------------------


def test_every_form_filled_and_blank_is_valid_odf_1_2(tmp_path: Path) -> None:
    from openxml_audit import FileFormat, OdfValidator

    validator = OdfValidator(file_format=FileFormat.ODF_1_2, relaxng_validation=True)
    for form_id in FORM_IDS:
        for filled in (True, False):
            path = tmp_path / f"{form_id.replace('/', '_')}-{filled}.odt"
            path.write_bytes(odt(form_id, filled))
            result = validator.validate(path)
            assert result.is_valid, (path.name, [str(e) for e in result.errors[:5]])


def test_the_validator_catches_an_invalid_package(tmp_path: Path) -> None:
    from openxml_audit import FileFormat, OdfValidator

    broken = parts(odt(CERT, True))
    broken["styles.xml"] = broken["styles.xml"].replace(b"<style:default-style "
                                                        b'style:family="table"/>', b"")
    broken["content.xml"] = broken["content.xml"].replace(b"<office:text>",
                                                          b"<office:text><text:bogus/>")
    path = tmp_path / "broken.odt"
    with zipfile.ZipFile(path, "w") as z:
        for name, data in broken.items():
            z.writestr(name, data)
    validator = OdfValidator(file_format=FileFormat.ODF_1_2, relaxng_validation=True)
    assert not validator.validate(path).is_valid


@pytest.mark.parametrize(("form_id", "filled"), CASES)
def test_package_layout_version_and_the_record_inside(form_id: str, filled: bool) -> None:
    data = odt(form_id, filled)
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        first = z.infolist()[0]
        assert first.filename == "mimetype" and first.compress_type == zipfile.ZIP_STORED
        assert z.read("mimetype") == b"application/vnd.oasis.opendocument.text"
        assert {i.date_time for i in z.infolist()} == {(1980, 1, 1, 0, 0, 0)}
    for name in ("content.xml", "styles.xml", "meta.xml"):
        assert xml(data, name).get(q("office:version")) == "1.2", name
    manifest = xml(data, "META-INF/manifest.xml")
    assert manifest.get(q("manifest:version")) == "1.2"
    listed = {e.get(q("manifest:full-path")): e.get(q("manifest:media-type"))
              for e in manifest.iter(q("manifest:file-entry"))}
    names = set(parts(data))
    assert set(listed) - {"/"} == names - {"mimetype", "META-INF/manifest.xml"}
    if filled:
        assert listed["formkit.json"] == "application/json"
        inside = json.loads(parts(data)["formkit.json"])
        assert inside == payload(get_form(form_id), record(form_id), False)
        assert inside["data"] == record(form_id) and inside["draft"] is False
    else:
        assert "formkit.json" not in names and "formkit.json" not in listed
    assert render_odt(form_id, record(form_id) if filled else None) == data  # deterministic


def test_the_payload_is_the_one_the_pdf_carries() -> None:
    from formkit.parse.embedded import read_embedded

    pdf = formkit.render_pdf(CERT, record(CERT))
    embedded = read_embedded(pdf, limits=None)
    assert embedded is not None
    inside = json.loads(parts(formkit.render_odt(CERT, record(CERT)))["formkit.json"])
    assert inside == embedded


def test_draft_and_worksheet_as_the_docx_and_pdf_say_them() -> None:
    data = formkit.render_odt(ASSESSMENT, record(ASSESSMENT), draft=True, worksheet=True)
    inside = json.loads(parts(data)["formkit.json"])
    assert inside["draft"] is True and inside["worksheet"] is True
    assert inside == payload(get_form(ASSESSMENT), record(ASSESSMENT), True, True)
    meta = xml(data, "meta.xml")
    assert meta.find(f".//{q('meta:keyword')}").text == "formkit draft"
    assert meta.find(f".//{q('dc:subject')}").text == ASSESSMENT
    title = xml(data, "content.xml").find(f".//{q('text:p')}[@{q('text:style-name')}='Title']")
    assert "".join(title.itertext()).endswith("（草稿）")
    plain = xml(odt(ASSESSMENT, True), "content.xml")
    breaks = './/style:paragraph-properties[@fo:break-before="page"]'
    assert len(xml(data, "content.xml").findall(breaks, NS)) > len(plain.findall(breaks, NS))


# --- styles, fonts, language -----------------------------------------------------------------


@pytest.mark.parametrize(("form_id", "filled"), CASES)
def test_every_style_names_tc_fonts_and_zh_tw(form_id: str, filled: bool) -> None:
    data = odt(form_id, filled)
    checked = 0
    for part in ("styles.xml", "content.xml"):
        root = xml(data, part)
        for style in [*root.iter(q("style:style")), *root.iter(q("style:default-style"))]:
            family = style.get(q("style:family"))
            if family not in ("paragraph", "text", "table-cell"):
                continue  # table, column and row styles hold no text properties
            props = style.find(q("style:text-properties"))
            where = (part, style.get(q("style:name")), family)
            assert props is not None, where
            for attr in ("style:font-name", "style:font-name-asian", "style:font-name-complex"):
                assert props.get(q(attr)) in TC_FONTS, (where, attr)
            assert props.get(q("style:language-asian")) == "zh", where
            assert props.get(q("style:country-asian")) == "TW", where
            assert props.get(q("fo:language")) == "zh" and props.get(q("fo:country")) == "TW"
            checked += 1
    assert checked >= 10
    faces = {f.get(q("style:name")) for f in xml(data, "styles.xml").iter(q("style:font-face"))}
    assert faces == TC_FONTS


def test_page_footer_header_rows_frame_and_tick_boxes() -> None:
    styles = xml(odt(CERT, True), "styles.xml")
    layout = styles.find(f".//{q('style:page-layout-properties')}")
    assert (layout.get(q("fo:page-width")), layout.get(q("fo:page-height"))) == ("210mm", "297mm")
    assert "double" in layout.get(q("fo:border"))  # a certificate's framed page
    assert xml(odt(ASSESSMENT, True), "styles.xml").find(
        f".//{q('style:page-layout-properties')}").get(q("fo:border")) is None
    footer = styles.find(f".//{q('style:footer')}/{q('text:p')}")
    assert footer.find(q("text:page-number")) is not None
    assert footer.find(q("text:page-count")) is not None
    assert "".join(footer.itertext()) == "附件十一 臺灣製MIT微笑產品驗證書第 1 頁／共 1 頁"
    content = xml(odt(ASSESSMENT, True), "content.xml")
    tables = content.findall(f".//{q('office:text')}/{q('table:table')}")
    assert any(t.find(q("table:table-header-rows")) is not None for t in tables)
    # Every tick box is glued to its label by a word joiner, as in the DOCX.
    boxes = 0
    for p in content.iter(q("text:p")):
        text = "".join(p.itertext())
        for m in re.finditer("[□■]", text):
            boxes += 1
            assert text[m.end():m.end() + 1] == WJ, text
    assert boxes > 20


# --- what is printed ----------------------------------------------------------------------


@pytest.mark.parametrize("form_id", FORM_IDS)
def test_every_printed_value_and_the_title_are_in_the_document(form_id: str) -> None:
    text = flat(body_text(odt(form_id, True)))
    assert flat(get_form(form_id).title) in text or flat(
        build(get_form(form_id), record(form_id)).title) in text
    values = printed_values(form_id)
    assert values
    for value in values:
        assert flat(value) in text, value
    # The blank prints none of them (but those that are the form's own text, 附件1…).
    blank = flat(body_text(odt(form_id, False)))
    own = flat("".join(s.text for s in segments(build(get_form(form_id), None))
                       if s.kind == "text"))
    assert not [v for v in values if len(flat(v)) >= 4 and flat(v) in blank
                and flat(v) not in own]


def test_a_character_xml_cannot_hold_is_refused_naming_the_field() -> None:
    bad = json.loads(json.dumps(record(CERT)))
    bad["holder"]["name"] = "福興\x07紡織"
    with pytest.raises(RecordError) as caught:
        render_odt(CERT, bad)
    assert "/holder/name" in str(caught.value) and "U+0007" in str(caught.value)


# --- the command line ---------------------------------------------------------------------


def _cli(*args: str) -> Any:
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def test_cli_fill_blank_and_batch_write_odt(tmp_path: Path) -> None:
    rec = tmp_path / "rec.json"
    rec.write_text(json.dumps(get_form(CERT).sample, ensure_ascii=False), encoding="utf-8")
    done = _cli("fill", CERT, str(rec), "-o", str(tmp_path / "x.odt"), "--as-of",
                AS_OF.isoformat())
    assert done.exit_code == 0, done.output
    inside = json.loads(parts((tmp_path / "x.odt").read_bytes())["formkit.json"])
    assert inside["form"] == CERT and inside["data"]["cert_no"] == get_form(CERT).sample["cert_no"]
    done = _cli("fill", CERT, str(rec), "-o", "-", "--to", "odt", "--draft", "--as-of",
                AS_OF.isoformat())
    assert done.exit_code == 0
    assert json.loads(parts(done.stdout_bytes)["formkit.json"])["draft"] is True
    done = _cli("blank", CERT, "-o", str(tmp_path / "blank.odt"))
    assert done.exit_code == 0, done.output
    assert "formkit.json" not in parts((tmp_path / "blank.odt").read_bytes())
    done = _cli("blank", CERT, "-o", str(tmp_path / "f.odt"), "--fillable")
    assert done.exit_code == 2 and "ODT" in done.output
    assert not (tmp_path / "f.odt").exists()
    records = tmp_path / "records.jsonl"
    records.write_text(json.dumps(get_form(CERT).sample, ensure_ascii=False) + "\n",
                       encoding="utf-8")
    out = tmp_path / "out"
    done = _cli("batch", CERT, str(records), "-o", str(out), "--to", "odt,pdf", "--as-of",
                AS_OF.isoformat())
    assert done.exit_code == 0, done.output
    made = sorted(p.suffix for p in out.iterdir() if not p.name.startswith((".", "batch-")))
    assert made == [".odt", ".pdf"]
    odt_file = next(out.glob("*.odt"))
    assert json.loads(parts(odt_file.read_bytes())["formkit.json"])["form"] == CERT
    done = _cli("batch", CERT, str(records), "-o", str(tmp_path / "r"), "--to", "odt",
                "--redact", "--as-of", AS_OF.isoformat())
    assert done.exit_code == 0, done.output
    assert [p.suffix for p in (tmp_path / "r").glob("*.odt")] == [".odt"]
    done = _cli("batch", CERT, str(records), "-o", str(tmp_path / "x"), "--to", "odf")
    assert done.exit_code == 2 and "odt" in done.output


def test_batch_redacts_odt_like_pdf(tmp_path: Path) -> None:
    from formkit.batch import run_batch
    from formkit.redact import national_id_pointers

    plan = "oshpm/destruction-plan"
    given = json.loads(json.dumps(get_form(plan).sample))
    given["obligor"]["national_id"] = "A123456789"
    assert national_id_pointers(plan, given) == ["/obligor/national_id"]
    records = tmp_path / "records.jsonl"
    records.write_text(json.dumps(given, ensure_ascii=False) + "\n", encoding="utf-8")
    run_batch(plan, records, tmp_path / "out", formats="odt", redact=True, as_of=AS_OF)
    (made,) = (tmp_path / "out").glob("*.odt")
    inside = json.loads(parts(made.read_bytes())["formkit.json"])
    assert inside.get("redacted") is True
    assert inside["data"]["obligor"]["national_id"] == "A******789"
    assert b"A123456789" not in b"".join(parts(made.read_bytes()).values())


# --- LibreOffice ----------------------------------------------------------------------------


@needs_soffice
def test_libreoffice_prints_every_value_in_tc_fonts(tmp_path: Path) -> None:
    """A filled multi-page form and a blank certificate, converted by LibreOffice: every
    value and the title printed, the page count in the footer, every character in a Noto CJK
    TC font (no tofu)."""
    import pdfplumber

    (tmp_path / "filled.odt").write_bytes(odt(ASSESSMENT, True))
    (tmp_path / "blank.odt").write_bytes(odt(CERT, False))
    subprocess.run(["soffice", f"-env:UserInstallation=file://{tmp_path}/profile", "--headless",
                    "--convert-to", "pdf", "--outdir", str(tmp_path), str(tmp_path / "filled.odt"),
                    str(tmp_path / "blank.odt")], check=True, capture_output=True, timeout=180)
    for name, form_id in (("filled", ASSESSMENT), ("blank", CERT)):
        with pdfplumber.open(tmp_path / f"{name}.pdf") as pdf:
            pages = len(pdf.pages)
            text = "\n".join(page.extract_text() or "" for page in pdf.pages)
            fonts = {c["fontname"] for page in pdf.pages for c in page.chars}
        assert flat(get_form(form_id).title) in flat(text), name
        assert f"第 {pages} 頁／共 {pages} 頁" in text, name
        assert all(re.search(r"Noto(Serif|Sans)CJK", f) for f in fonts), fonts
        if name == "filled":
            assert pages >= 2
            for value in printed_values(form_id):
                assert flat(value) in flat(text), value


def test_values_are_printed_exactly_but_for_word_joiners_that_keep_their_last_characters() -> None:
    """Markup, spaces, tabs and line breaks of a value are text; a word joiner keeps the last
    two characters of a value on one line, but never splits a combining sequence or a
    variation sequence."""
    given = json.loads(json.dumps(record(CERT)))
    names = {"holder": 'A <b>&amp; "q" {{x}}  雙空格\t定位\n換行',
             "address": "臺北市中正區e\u0301e\u0301", "rep": "葛\U000E0100葛\U000E0100"}
    given["holder"]["name"] = names["holder"]
    given["holder"]["address"] = names["address"]
    given["holder"]["representative"] = names["rep"]
    data = render_odt(CERT, given)
    from odfdo import Document

    def exact(data: bytes) -> str:
        body = Document(io.BytesIO(data)).body
        return "\n".join(str(p.text_recursive) for p in body.get_paragraphs())

    text = exact(data)
    assert names["holder"] in text.replace(WJ, "")
    assert "臺北市中正區e\u0301e\u0301" in text and "葛\U000E0100葛\U000E0100" in text
    assert json.loads(parts(data)["formkit.json"])["data"] == given
    long = json.loads(json.dumps(record(CERT)))
    long["holder"]["name"] = "福興紡織股份有限公司"
    assert "公\u2060司" in exact(render_odt(CERT, long))
