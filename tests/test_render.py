"""Rendering and reading back: PDF/A-3b with embedded data, DOCX, and round trips."""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest

from formkit import labels, parse_pdf, render_docx, render_pdf
from formkit.engine import fill
from formkit.errors import MissingGlyphError, NotAFormPDFError, RecordError
from formkit.forms import get_form
from formkit.parse.text import squash
from formkit.render.model import build, iter_segments, printed

from .conftest import AS_OF, FORM_IDS, needs_soffice

GOLDEN = Path(__file__).parent / "golden"
REGEN = os.environ.get("FORMKIT_REGEN_GOLDEN") == "1"


def _filled(form_id: str) -> dict:
    report = fill(form_id, get_form(form_id).sample, as_of=AS_OF)
    assert report.valid, [f.as_dict("en") for f in report.errors]
    return report.record


@pytest.fixture(scope="module")
def pdfs() -> dict[str, bytes]:
    return {fid: render_pdf(fid, _filled(fid)) for fid in FORM_IDS}


@pytest.fixture(scope="module")
def docxs() -> dict[str, bytes]:
    return {fid: render_docx(fid, _filled(fid)) for fid in FORM_IDS}


def _pdf_text(data: bytes) -> str:
    import pdfplumber

    with pdfplumber.open(io.BytesIO(data)) as pdf:
        return "\n".join(p.extract_text() or "" for p in pdf.pages)


def _docx_text(data: bytes) -> str:
    xml = zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml").decode("utf-8")
    import html

    text = html.unescape("".join(re.findall(r"<w:t(?: [^>]*)?>([^<]*)</w:t>", xml)))
    return text.replace("\u2060", "")  # the word joiners that keep characters on one line


def _printed_values(form_id: str, record: dict) -> list[tuple[str, str]]:
    doc = build(get_form(form_id), record)
    return [(s.key, s.text) for s in iter_segments(doc) if s.kind == "value" and s.text]


@pytest.mark.parametrize("form_id", FORM_IDS)
def test_pdf_is_pdfa3b_with_the_record_embedded(form_id: str, pdfs: dict[str, bytes]) -> None:
    from pypdf import PdfReader

    data = pdfs[form_id]
    reader = PdfReader(io.BytesIO(data))
    xmp = reader.xmp_metadata
    assert xmp is not None
    raw = xmp.stream.get_data().decode("utf-8", "replace")
    assert re.search(r"pdfaid:part[>=\"']+3", raw) and re.search(r"pdfaid:conformance[>=\"']+B", raw)
    payload = json.loads(reader.attachments["formkit.json"][0])
    assert payload["form"] == form_id and payload["draft"] is False
    assert payload["data"] == _filled(form_id)
    import hashlib

    from formkit.records import canonical_json

    assert payload["sha256"] == hashlib.sha256(canonical_json(payload["data"])).hexdigest()
    names = reader.trailer["/Root"]["/Names"]["/EmbeddedFiles"]["/Names"]
    spec = names[1].get_object()
    assert spec["/AFRelationship"] == "/Data"


@pytest.mark.parametrize("form_id", FORM_IDS)
def test_pdf_embeds_a_subset_of_a_tc_font(form_id: str, pdfs: dict[str, bytes]) -> None:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(pdfs[form_id]))
    fonts = set()
    for page in reader.pages:
        for font in (page["/Resources"].get("/Font") or {}).values():
            fonts.add(str(font.get_object()["/BaseFont"]))
    assert fonts and all(re.match(r"^/[A-Z]{6}\+", f) for f in fonts), fonts
    assert any("CJK" in f and "TC" in f for f in fonts), fonts


@pytest.mark.parametrize("form_id", FORM_IDS)
def test_every_value_is_printed_in_pdf_and_docx(form_id, pdfs, docxs) -> None:  # type: ignore[no-untyped-def]
    from formkit.parse.text import extract_units

    record = _filled(form_id)
    units, _ = extract_units(pdfs[form_id])
    # Cell by cell: side-by-side cells that both wrap interleave in plain page text.
    pdf_text = squash("".join(c for u in units for c in u.cells))
    docx_text = squash(_docx_text(docxs[form_id]))
    for key, text in _printed_values(form_id, record):
        assert squash(text) in pdf_text, f"{key}={text!r} missing from the PDF"
        assert squash(text) in docx_text, f"{key}={text!r} missing from the DOCX"


@pytest.mark.parametrize("form_id", FORM_IDS)
def test_pdf_round_trip_through_parse(form_id: str, pdfs: dict[str, bytes], tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "doc.pdf"
    path.write_bytes(pdfs[form_id])
    result = parse_pdf(path, as_of=AS_OF)
    assert (result.form, result.source) == (form_id, "embedded")
    assert result.data == _filled(form_id)
    errors = [f for f in result.findings if f.rule == "embedded" and f.severity != "info"]
    assert not errors, [f.as_dict("en") for f in errors]


WORKSHEET_FIELDS = {
    "mit/annex-07-qms-assessment": ["/assessment_date", "/summary/result"],
    "mit/annex-09-corrective-plan": ["/submission_method", "/effective_date"],
}


@pytest.mark.parametrize("form_id", sorted(WORKSHEET_FIELDS))
def test_worksheet_prints_only_on_request(form_id: str, pdfs: dict[str, bytes], tmp_path) -> None:  # type: ignore[no-untyped-def]
    """Extension fields are not on the form's pages; parse names them as not compared,
    and ``worksheet=True`` prints them on a page of their own after the form."""
    path = tmp_path / "doc.pdf"
    path.write_bytes(pdfs[form_id])
    notes = [f for f in parse_pdf(path, as_of=AS_OF).findings
             if f.rule == "embedded" and f.severity == "info"]
    assert len(notes) == 1
    listed = notes[0].params["fields"].split("、")
    schema = get_form(form_id).schema
    names = {labels.field(schema, ptr) for ptr in WORKSHEET_FIELDS[form_id]}
    assert names <= set(listed), (names, listed)
    record = _filled(form_id)
    with_sheet = render_pdf(form_id, record, worksheet=True)
    plain, extra = squash(_pdf_text(pdfs[form_id])), squash(_pdf_text(with_sheet))
    assert "工作底稿" not in plain and "工作底稿" in extra
    from pypdf import PdfReader

    pages = len(PdfReader(io.BytesIO(pdfs[form_id])).pages)
    assert len(PdfReader(io.BytesIO(with_sheet)).pages) > pages
    path.write_bytes(with_sheet)
    notes = [f for f in parse_pdf(path, as_of=AS_OF).findings
             if f.rule == "embedded" and f.severity == "info"]
    assert not [k for n in notes for k in n.params["fields"].split("、") if k in names]


def _golden(name: str, text: str) -> None:
    path = GOLDEN / name
    if REGEN:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    assert path.exists(), f"golden file {name} is missing (FORMKIT_REGEN_GOLDEN=1 writes it)"
    assert text == path.read_text(encoding="utf-8"), f"{name} differs (FORMKIT_REGEN_GOLDEN=1)"


def _normalised_docx_xml(data: bytes) -> str:
    xml = zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml").decode("utf-8")
    xml = re.sub(r' w:rsid\w*="[^"]*"', "", xml)
    xml = re.sub(r"(<w:body>)", r"\n\1", xml)
    return re.sub(r"(</w:p>|</w:tr>|</w:tbl>)", r"\1\n", xml)


@pytest.mark.parametrize("form_id", FORM_IDS)
def test_golden_pdf_text_and_docx_xml(form_id: str, pdfs, docxs) -> None:  # type: ignore[no-untyped-def]
    from pypdf import PdfReader

    stem = form_id.replace("/", "__")
    payload = json.loads(PdfReader(io.BytesIO(pdfs[form_id])).attachments["formkit.json"][0])
    payload.pop("formkit")
    text = _pdf_text(pdfs[form_id]) + "\n--- formkit.json ---\n"
    text += json.dumps(payload, ensure_ascii=False, indent=1, sort_keys=True) + "\n"
    _golden(f"{stem}.pdf.txt", text)
    _golden(f"{stem}.document.xml", _normalised_docx_xml(docxs[form_id]))


HOSTILE = "<b>大同&amp; {{ 7*7 }} {% raw %} file:///etc/passwd"


def _first_text_key(form_id: str, record: dict) -> str:
    for key, _ in _printed_values(form_id, record):
        node = record
        parts = key.split(".")
        for p in parts:
            node = node[int(p)] if isinstance(node, list) else node[p]
        schema = get_form(form_id).schema
        from formkit.render.model import schema_node

        sub = schema_node(schema, key)
        if sub.get("type") == "string" and "oneOf" not in sub and "format" not in sub \
                and "pattern" not in sub and (sub.get("maxLength") or 999) >= 60:
            return key
    raise AssertionError("no free text field")


@pytest.mark.parametrize("form_id", FORM_IDS)
def test_markup_and_template_syntax_render_literally(form_id: str, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from formkit.pointers import set_

    record = _filled(form_id)
    key = _first_text_key(form_id, record)
    set_(record, key, HOSTILE)
    from formkit.parse.text import extract_units

    pdf = render_pdf(form_id, record)
    units, _ = extract_units(pdf)
    assert squash(HOSTILE) in squash("".join(c for u in units for c in u.cells))
    assert squash(HOSTILE) in squash(_docx_text(render_docx(form_id, record)))
    path = tmp_path / "h.pdf"
    path.write_bytes(pdf)
    assert parse_pdf(path, as_of=AS_OF).data == record


def test_missing_glyph_names_character_and_field() -> None:
    from formkit.pointers import set_

    form_id = "oshpm/destruction-plan"
    record = _filled(form_id)
    set_(record, "site", "新北市\U000f0001倉庫")
    with pytest.raises(MissingGlyphError) as info:
        render_pdf(form_id, record)
    assert "U+F0001" in str(info.value) and "/site" in str(info.value)


def test_cjk_extension_b_names_render_and_round_trip(tmp_path) -> None:
    from formkit.pointers import set_

    form_id = "oshpm/destruction-plan"
    record = _filled(form_id)
    set_(record, "site", "臺北市𠀋𡘙里")
    path = tmp_path / "x.pdf"
    path.write_bytes(render_pdf(form_id, record))
    assert parse_pdf(path, as_of=AS_OF).data["site"] == "臺北市𠀋𡘙里"


def test_control_characters_are_refused_for_docx_not_dropped() -> None:
    from formkit.pointers import set_

    form_id = "oshpm/destruction-plan"
    record = _filled(form_id)
    set_(record, "site", "A\x01B")
    with pytest.raises(RecordError) as info:
        render_docx(form_id, record)
    assert "U+0001" in str(info.value) and "/site" in str(info.value)


def test_draft_is_watermarked_and_flagged(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from pypdf import PdfReader

    form_id = "oshpm/destruction-plan"
    pdf = render_pdf(form_id, _filled(form_id), draft=True)
    # The watermark is drawn rotated; pypdf extracts rotated text, pdfplumber's lines do not.
    reader = PdfReader(io.BytesIO(pdf))
    assert all("草稿" in page.extract_text() for page in reader.pages)
    assert "草稿" not in "".join(p.extract_text() for p in PdfReader(
        io.BytesIO(render_pdf(form_id, _filled(form_id)))).pages)
    assert json.loads(PdfReader(io.BytesIO(pdf)).attachments["formkit.json"][0])["draft"] is True


def test_parse_reports_printed_text_edited_after_writing(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """Re-embedding different data under the same page text is detected field by field."""
    from pypdf import PdfReader, PdfWriter

    form_id = "oshpm/destruction-plan"
    record = _filled(form_id)
    reader = PdfReader(io.BytesIO(render_pdf(form_id, record)))
    payload = json.loads(reader.attachments["formkit.json"][0])
    payload["data"]["site"] = "另一個地點"
    import hashlib

    from formkit.records import canonical_json

    payload["sha256"] = hashlib.sha256(canonical_json(payload["data"])).hexdigest()
    writer = PdfWriter(clone_from=reader)
    writer._root_object["/Names"].pop("/EmbeddedFiles")
    writer._root_object.pop("/AF")  # the old file's association too: one formkit.json left
    writer.add_attachment("formkit.json", json.dumps(payload, ensure_ascii=False).encode())
    path = tmp_path / "t.pdf"
    with open(path, "wb") as fh:
        writer.write(fh)
    result = parse_pdf(path, as_of=AS_OF)
    edited = [f for f in result.findings if f.rule == "embedded"]
    assert [f.path for f in edited] == ["/site"], [f.as_dict("en") for f in result.findings]


def test_parse_refuses_non_pdf_and_unrelated_pdf(tmp_path) -> None:  # type: ignore[no-untyped-def]
    junk = tmp_path / "x.pdf"
    junk.write_text("hello", encoding="utf-8")
    with pytest.raises(NotAFormPDFError):
        parse_pdf(junk)
    from formkit.render.pdf import html_to_pdf

    other = tmp_path / "other.pdf"
    other.write_bytes(html_to_pdf("<p>一封與表單無關的信</p>", {"x": 1}))
    with pytest.raises(NotAFormPDFError):
        parse_pdf(other)


@pytest.fixture(scope="module")
def office_pdfs(docxs, tmp_path_factory) -> dict[str, Path]:  # type: ignore[no-untyped-def]
    tmp = tmp_path_factory.mktemp("lo")
    for fid, data in docxs.items():
        (tmp / (fid.replace("/", "__") + ".docx")).write_bytes(data)
    subprocess.run(
        [shutil.which("soffice") or "soffice", "--headless", f"-env:UserInstallation=file://{tmp}/lo-profile", "--convert-to", "pdf",
         "--outdir", str(tmp), *sorted(str(p) for p in tmp.glob("*.docx"))],
        check=True, capture_output=True, timeout=600,
    )
    return {fid: tmp / (fid.replace("/", "__") + ".pdf") for fid in docxs}


def _leaves(value, key=""):  # type: ignore[no-untyped-def]
    if isinstance(value, dict):
        return [x for k, v in value.items() for x in _leaves(v, f"{key}.{k}" if key else k)]
    if isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
        return [x for i, v in enumerate(value) for x in _leaves(v, f"{key}.{i}")]
    return [(key, value)]


# The share of a record's fields that must come back exactly from an office-suite
# export of the kit's DOCX. Known losses: values wrapped inside a Latin token, and
# fields the generic layout does not print. The measured shares are in the issue note.
OFFICE_ROUND_TRIP_MIN_SHARE = 0.75


@needs_soffice
@pytest.mark.slow
@pytest.mark.parametrize("form_id", FORM_IDS)
def test_docx_exported_by_libreoffice_parses_back(form_id: str, office_pdfs) -> None:  # type: ignore[no-untyped-def]
    from formkit.pointers import get

    result = parse_pdf(office_pdfs[form_id], as_of=AS_OF)
    assert (result.form, result.source) == (form_id, "text")
    assert result.confidence and all(0 < v <= 1 for v in result.confidence.values())
    record = _filled(form_id)
    doc = build(get_form(form_id), record)  # a worksheet's fields are not on the pages
    expected = [(k, v) for k, v in _leaves(record) if v not in (None, "", []) and printed(doc, k)]
    exact = [k for k, v in expected if get(result.data, k) == v]
    share = len(exact) / len(expected)
    missed = sorted(set(k for k, _ in expected) - set(exact))
    assert share >= OFFICE_ROUND_TRIP_MIN_SHARE, (round(share, 3), missed)
    # A field reported certain (confidence 1.0) must be exactly right.
    wrong = [k for k, c in result.confidence.items()
             if c == 1.0 and k in dict(expected) and get(result.data, k) != dict(expected)[k]]
    assert not wrong, wrong
