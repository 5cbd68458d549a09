"""Fillable blank forms (AcroForm), filled by real tools, and the ``fields`` parse route."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from datetime import date
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

import pytest

from formkit import parse_pdf
from formkit.engine import fill
from formkit.errors import NotAFormPDFError
from formkit.forms import get_form
from formkit.parse.fields import acroform_values
from formkit.parse.pdfio import open_pdf
from formkit.pointers import get
from formkit.render.fillable import render_fillable_pdf
from formkit.render.model import format_value, schema_node
from formkit.schema import choices

from .conftest import AS_OF, FORM_IDS

needs_pdftk = pytest.mark.skipif(
    shutil.which("pdftk") is None,
    reason="pdftk-java is not installed; scripts/run-tests installs it",
)


@pytest.fixture(scope="module")
def blanks() -> dict[str, bytes]:
    return {fid: render_fillable_pdf(fid) for fid in FORM_IDS}


def _record(form_id: str) -> dict[str, Any]:
    report = fill(form_id, get_form(form_id).sample, as_of=AS_OF)
    assert report.valid
    return report.record


def _fields(pdf: bytes) -> dict[str, Any]:
    fields = acroform_values(open_pdf(pdf, name="blank.pdf"), "blank.pdf")
    assert fields is not None
    return fields


_ROC_STYLES = ("{y}/{m}/{d}", "{y}年{m}月{d}日", "民國{y}年{m}月{d}日", "{y}.{m:02d}.{d:02d}",
               "{y}{m:02d}{d:02d}")


def _typed(form_id: str, name: str, value: Any, n: int) -> str:
    """A value as a person types it into a text field (ROC dates in several styles)."""
    form = get_form(form_id)
    node = schema_node(form.schema, name)
    if node.get("format") == "date" and isinstance(value, str):
        d = date.fromisoformat(value)
        return _ROC_STYLES[n % len(_ROC_STYLES)].format(y=d.year - 1911, m=d.month, d=d.day)
    if isinstance(value, bool | int | float) and not isinstance(value, bool) and n % 3 == 1:
        # full-width digits, as typed with a Chinese input method
        return str(value).translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    return format_value(form, name, value)[0]


def _person(form_id: str, record: dict[str, Any], fields: dict[str, Any]) -> tuple[dict, dict]:
    """Field values a person would enter (name → text, or name → export state), and what
    the record should hold afterwards for each field filled."""
    texts: dict[str, str] = {}
    states: dict[str, str] = {}
    expected: dict[str, Any] = {}
    form = get_form(form_id)
    for n, (name, raw) in enumerate(sorted(fields.items())):
        if raw.kind == "/Btn":
            parent, _, code = name.rpartition(".")
            if parent and schema_node(form.schema, parent).get("type") == "array":
                chosen = get(record, parent) or []
                if code in [str(c) for c in chosen]:
                    states[name] = "Yes"  # a multi-choice box is a check box: its on-state
                expected[parent] = sorted(str(c) for c in chosen)
                continue
            value = get(record, name)
            if value is None:
                continue
            node = schema_node(form.schema, name)
            if node.get("type") == "boolean" and not _is_radio(raw):
                if value:
                    states[name] = "Yes"
                expected[name] = value
            else:
                states[name] = str(value).lower() if isinstance(value, bool) else str(value)
                expected[name] = value
            continue
        value = get(record, name)
        if value is None or value == "" or value == []:
            continue
        texts[name] = _typed(form_id, name, value, n)
        expected[name] = value
    return {"texts": texts, "states": states}, expected


def _is_radio(raw: Any) -> bool:
    return bool(raw.flags & (1 << 15))


def _fill_pypdf(blank: bytes, entries: dict) -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter(clone_from=io.BytesIO(blank))
    values = dict(entries["texts"])
    values.update({k: "/" + v for k, v in entries["states"].items()})
    for page in writer.pages:
        writer.update_page_form_field_values(page, values, auto_regenerate=False)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _xfdf(entries: dict) -> str:
    parts = ['<?xml version="1.0" encoding="UTF-8"?>',
             '<xfdf xmlns="http://ns.adobe.com/xfdf/" xml:space="preserve"><fields>']
    for name, value in {**entries["texts"], **entries["states"]}.items():
        parts.append(f'<field name="{escape(name)}"><value>{escape(value)}</value></field>')
    parts.append("</fields></xfdf>")
    return "\n".join(parts)


def _fill_pdftk(blank: bytes, entries: dict, tmp: Path) -> bytes:
    (tmp / "blank.pdf").write_bytes(blank)
    (tmp / "data.xfdf").write_text(_xfdf(entries), encoding="utf-8")
    subprocess.run(
        ["pdftk", str(tmp / "blank.pdf"), "fill_form", str(tmp / "data.xfdf"), "output",
         str(tmp / "filled.pdf")],
        check=True, capture_output=True, timeout=120,
    )
    return (tmp / "filled.pdf").read_bytes()


def _compare(form_id: str, parsed: Any, expected: dict[str, Any]) -> list[str]:
    wrong = []
    for key, value in expected.items():
        got = get(parsed.data, key)
        if isinstance(value, list):  # check boxes come back in printed order
            got, value = sorted(str(v) for v in got or []), sorted(str(v) for v in value)
        if got != value:
            wrong.append(f"{key}: {got!r} != {value!r}")
    return wrong


def _variant(form_id: str, record: dict[str, Any], fields: dict[str, Any]) -> dict[str, Any]:
    """The sample with every free-text field replaced by values of our own."""
    form = get_form(form_id)
    out = __import__("copy").deepcopy(record)
    samples = ["「測試」＆<公司>、（一）", "臺北市中正區重慶南路一段122號 5F-3",
               "品保課　陳怡君 Chen, Yi-Chun", "第一行說明\n第二行：加註 A&B"]
    from formkit.pointers import set_

    for n, name in enumerate(sorted(fields)):
        node = schema_node(form.schema, name)
        if node.get("type") != "string" or node.get("oneOf") or node.get("format") or node.get("pattern"):
            continue
        if node.get("readOnly") or get(record, name) is None:
            continue
        text = samples[n % len(samples)]
        if "\n" in text and node.get("x-multiline") is not True and "mtext" not in str(
            [s for s in form.layout]
        ):
            text = text.replace("\n", "，")
        if node.get("maxLength") and len(text) > node["maxLength"]:
            continue
        set_(out, name, text)
    return out


@pytest.mark.parametrize("form_id", FORM_IDS)
def test_fillable_fields_are_named_by_record_keys(form_id: str, blanks: dict[str, bytes]) -> None:
    fields = _fields(blanks[form_id])
    record = _record(form_id)
    form = get_form(form_id)
    assert len(fields) >= 5
    for name, raw in fields.items():
        parent, _, code = name.rpartition(".")
        if raw.kind == "/Btn" and parent and schema_node(form.schema, parent).get("type") == "array":
            assert code in [str(v) for v in choices(schema_node(form.schema, parent)["items"])]
            continue
        node = schema_node(form.schema, name)
        assert node, f"{name} is not a key of the {form_id} schema"
    filled_keys = [k for k in fields if get(record, k) is not None]
    assert len(filled_keys) >= len(fields) // 3


@pytest.mark.parametrize("form_id", FORM_IDS)
def test_pypdf_filled_form_parses_back_field_for_field(form_id: str, blanks) -> None:
    record = _record(form_id)
    entries, expected = _person(form_id, record, _fields(blanks[form_id]))
    parsed = parse_pdf(_fill_pypdf(blanks[form_id], entries), as_of=AS_OF)
    assert parsed.source == "fields" and parsed.form == form_id
    assert _compare(form_id, parsed, expected) == []
    assert all(parsed.confidence[k] == 1.0 for k in entries["texts"] if k in parsed.confidence)


@needs_pdftk
@pytest.mark.slow
@pytest.mark.parametrize("form_id", FORM_IDS)
def test_pdftk_filled_form_parses_back_field_for_field(form_id: str, blanks, tmp_path) -> None:
    record = _variant(form_id, _record(form_id), _fields(blanks[form_id]))
    entries, expected = _person(form_id, record, _fields(blanks[form_id]))
    parsed = parse_pdf(_fill_pdftk(blanks[form_id], entries, tmp_path), as_of=AS_OF)
    assert parsed.source == "fields" and parsed.form == form_id
    assert _compare(form_id, parsed, expected) == []


def test_a_blank_never_filled_is_an_empty_record_with_missing_findings(blanks) -> None:
    parsed = parse_pdf(blanks["mit/annex-09-corrective-plan"], as_of=AS_OF)
    assert parsed.source == "fields"
    assert parsed.data == {}
    assert "company_name" in parsed.empty
    assert {f.path for f in parsed.findings if f.rule == "schema"} >= {"/company_name", "/tax_id"}
    assert not parsed.valid


def test_typed_values_are_normalised(blanks) -> None:
    entries = {"texts": {"company_name": "  臺灣精密工業股份有限公司 ", "tax_id": "０４５９ ５２５７",
                         "submitted_date": "民國 113 年 5 月 20 日", "received_date": "1130521",
                         "rows.0.finding": "第一行\r\n第二行  \r第三行"},
               "states": {"rows.0.conform": "Yes"}}
    parsed = parse_pdf(_fill_pypdf(blanks["mit/annex-09-corrective-plan"], entries), as_of=AS_OF)
    assert parsed.data["company_name"] == "臺灣精密工業股份有限公司"
    assert parsed.data["tax_id"] == "04595257"
    assert parsed.data["submitted_date"] == "2024-05-20"
    assert parsed.data["received_date"] == "2024-05-21"
    assert parsed.data["rows"][0]["finding"] == "第一行\n第二行\n第三行"
    assert parsed.data["rows"][0]["conform"] is True
    assert len(parsed.data["rows"]) == 6  # a fixed table keeps its six printed rows
    assert "industry" in parsed.empty


def test_a_value_that_is_not_its_type_is_kept_for_review(blanks) -> None:
    entries = {"texts": {"company_name": "甲公司", "submitted_date": "下週一"}, "states": {}}
    parsed = parse_pdf(_fill_pypdf(blanks["mit/annex-09-corrective-plan"], entries), as_of=AS_OF)
    assert parsed.data["submitted_date"] == "下週一"
    assert parsed.confidence["submitted_date"] < 0.95
    assert "submitted_date" in parsed.review
    assert any(f.path == "/submitted_date" and f.rule == "schema" for f in parsed.findings)


def test_empty_rows_of_a_repeating_table_make_no_row_objects(blanks) -> None:
    form_id = "ciyue/fee-quote"
    fields = _fields(blanks[form_id])
    line_fields = sorted(k for k in fields if k.startswith("lines.2."))
    assert line_fields, "the fee quote prints rows of fee lines"
    texts = {k: "1" for k in line_fields if fields[k].kind == "/Tx"}
    parsed = parse_pdf(_fill_pypdf(blanks[form_id], {"texts": texts, "states": {}}), as_of=AS_OF)
    assert len(parsed.data["lines"]) == 1  # the third printed row, now the first


def test_field_font_is_an_embedded_subset_that_extracts_as_unified_ideographs(blanks) -> None:
    pdf = blanks["mit/annex-09-corrective-plan"]
    assert len(pdf) < 6_000_000  # not the 19 MB collection
    entries = {"texts": {"company_name": "一人工業", "industry": "木器"}, "states": {}}
    filled = _fill_pypdf(pdf, entries)
    import pdfplumber

    with pdfplumber.open(io.BytesIO(filled)) as doc:
        annots_text = "".join(
            c["text"] for c in doc.pages[0].chars if c["fontname"].endswith("NotoSansCJKtc-Regular")
        )
    text = subprocess.run(["pdftotext", "-f", "1", "-l", "1", "-", "-"], input=filled,
                          capture_output=True, check=True).stdout.decode("utf-8")
    assert "一人工業" in text or "一人工業" in annots_text
    assert "⼀" not in text and "⼈" not in text  # no Kangxi radicals


def test_fillable_blank_carries_the_form_id(blanks) -> None:
    from formkit.parse.embedded import read_embedded

    payload = read_embedded(io.BytesIO(blanks["oshpm/destruction-plan"]).getvalue())
    assert payload["form"] == "oshpm/destruction-plan" and payload["data"] == {}
    assert payload["fillable"] is True


def test_a_pdf_form_that_is_not_formkits_needs_form(blanks) -> None:
    from pypdf import PdfWriter

    writer = PdfWriter(clone_from=io.BytesIO(blanks["mit/annex-09-corrective-plan"]))
    writer._root_object["/Names"].get_object().pop("/EmbeddedFiles")
    out = io.BytesIO()
    writer.write(out)
    with pytest.raises(NotAFormPDFError, match="--form"):
        parse_pdf(out.getvalue())
    parsed = parse_pdf(out.getvalue(), form="mit/annex-09-corrective-plan", as_of=AS_OF)
    assert parsed.source == "fields"
    with pytest.raises(NotAFormPDFError, match="not a"):
        parse_pdf(blanks["mit/annex-09-corrective-plan"], form="ciyue/fee-quote")


def test_cli_blank_fillable_then_parse(tmp_path: Path) -> None:
    import json

    from click.testing import CliRunner

    from formkit.cli import main

    runner = CliRunner()
    out = tmp_path / "blank.pdf"
    made = runner.invoke(main, ["blank", "oshpm/destruction-plan", "-o", str(out), "--fillable"])
    assert made.exit_code == 0 and out.is_file()
    fields = _fields(out.read_bytes())
    assert fields
    read = runner.invoke(main, ["parse", str(out), "--format", "json", "--as-of", "2024-06-01"])
    assert read.exit_code == 1  # an empty form: missing fields are errors
    result = json.loads(read.stdout)
    assert result["source"] == "fields" and result["data"] == {}
    assert result["empty"] and result["review"] == []
    refused = runner.invoke(main, ["blank", "oshpm/destruction-plan", "-o", str(tmp_path / "x.docx"),
                                   "--fillable"])
    assert refused.exit_code == 2 and "--fillable" in refused.stderr
    assert not (tmp_path / "x.docx").exists()


@pytest.mark.parametrize("form_id", FORM_IDS)
def test_prefill_sets_exactly_the_named_fields(form_id: str, blanks) -> None:
    """formkit's own pre-filling matches qualified names only: no value strays into a row
    field that shares its last name (pypdf's update_page_form_field_values does stray)."""
    from formkit.pointers import leaves
    from formkit.render.fillable import field_values, prefill

    record = _record(form_id)
    names = sorted(_fields(blanks[form_id]))
    parsed = parse_pdf(prefill(blanks[form_id], field_values(form_id, record, names)), as_of=AS_OF)
    assert parsed.source == "fields"
    assert parsed.valid, [(f.rule, f.path) for f in parsed.findings if f.severity == "error"]
    extra = [k for k, v in leaves(parsed.data) if v not in (None, "", []) and get(record, k) is None]
    assert extra == []
    wrong = [k for k in names if "." not in k and get(record, k) is not None
             and not isinstance(get(record, k), dict | list) and get(parsed.data, k) != get(record, k)]
    assert wrong == []


# ---------------------------------------------------------------------------
# Ticks and fonts: what a reader without extra fonts shows

STANDARD_14 = {
    "Times-Roman", "Times-Bold", "Times-Italic", "Times-BoldItalic", "Helvetica",
    "Helvetica-Bold", "Helvetica-Oblique", "Helvetica-BoldOblique", "Courier", "Courier-Bold",
    "Courier-Oblique", "Courier-BoldOblique", "Symbol", "ZapfDingbats",
}
TICK_FORMS = ("mit/annex-09-corrective-plan", "mit/annex-07-qms-assessment")  # checks, radios
TICK_DPI = 100


def _embedded(font: Any) -> bool:
    """Whether the file carries the font: Type3 glyph procedures, or a font program."""
    if font is None:  # a /DA font that is not in /DR
        return False
    font = font.get_object()
    if font.get("/Subtype") == "/Type3":
        return "/CharProcs" in font
    if str(font.get("/BaseFont", "")).lstrip("/").split("+")[-1] in STANDARD_14:
        return False
    if font.get("/Subtype") == "/Type0":
        font = font["/DescendantFonts"][0].get_object()
    descriptor = font.get("/FontDescriptor")
    files = ("/FontFile", "/FontFile2", "/FontFile3")
    return descriptor is not None and any(key in descriptor.get_object() for key in files)


def _appearance_streams(widget: Any) -> list[Any]:
    """Every appearance stream of a widget: /N, /D and /R, each one stream or one per state."""
    out = []
    for kind in ("/N", "/D", "/R"):
        entry = widget.get("/AP", {}).get(kind)
        if entry is None:
            continue
        entry = entry.get_object()
        out += [s.get_object() for s in entry.values()] if "/BBox" not in entry else [entry]
    return out


def _resolved(node: Any, key: str) -> Any:
    """node[key] as an object (following a reference), or {} if it is not there."""
    value = node.get(key)
    return value.get_object() if value is not None else {}


def _fonts_used(pdf: bytes) -> list[tuple[str, Any]]:
    """(where, font) for the AcroForm /DR, every /DA and every appearance stream's resources."""
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(pdf))
    acroform = reader.trailer["/Root"]["/AcroForm"].get_object()
    dr = acroform["/DR"].get_object()["/Font"].get_object()
    found = [(f"/DR {name}", font) for name, font in dr.items()]

    def by_da(where: str, node: Any) -> None:
        for name in re.findall(r"/(\S+)\s+[\d.]+\s+Tf", str(node.get("/DA", ""))):
            found.append((f"{where} /DA /{name}", dr.get(f"/{name}")))

    by_da("AcroForm", acroform)
    stack = [f.get_object() for f in acroform["/Fields"]]
    while stack:
        node = stack.pop()
        by_da(str(node.get("/T")), node)
        stack += [k.get_object() for k in node.get("/Kids", [])]
        for stream in _appearance_streams(node):
            fonts = _resolved(_resolved(stream, "/Resources"), "/Font")
            found += [(f"{node.get('/T')} /AP {name}", font) for name, font in fonts.items()]
    return found


@pytest.mark.parametrize("form_id", FORM_IDS)
def test_every_font_of_the_fields_is_embedded(form_id: str, blanks) -> None:
    """A reader without Helvetica or ZapfDingbats still draws every value and every tick."""
    fonts = _fonts_used(blanks[form_id])
    assert any(" /DA /" in where for where, _ in fonts)
    assert [where for where, font in fonts if not _embedded(font)] == []


def _buttons(pdf: bytes) -> list[tuple[int, str, str, str, tuple[float, ...]]]:
    """Every check box and radio button: page, field name, kind, its ticked state, rectangle."""
    from pypdf import PdfReader

    out = []
    for index, page in enumerate(PdfReader(io.BytesIO(pdf)).pages):
        for ref in page.get("/Annots", []):
            widget = ref.get_object()
            field = widget if "/T" in widget else widget["/Parent"].get_object()
            if field.get("/FT") != "/Btn":
                continue
            names, node = [], field
            while node is not None:
                names.insert(0, str(node["/T"]))
                node = node.get("/Parent")
                node = node.get_object() if node is not None else None
            kind = "radio" if int(field.get("/Ff", 0)) & (1 << 15) else "check"
            on = next(str(k) for k in widget["/AP"]["/N"] if k != "/Off")
            out.append((index, ".".join(names), kind, on, tuple(float(v) for v in widget["/Rect"])))
    return out


def _pages(pdf: bytes, folder: Path) -> list[Any]:
    """The pages as grey images (poppler, TICK_DPI)."""
    from PIL import Image

    folder.mkdir(parents=True, exist_ok=True)
    (folder / "in.pdf").write_bytes(pdf)
    subprocess.run(["pdftoppm", "-r", str(TICK_DPI), "-gray", str(folder / "in.pdf"),
                    str(folder / "page")], check=True, capture_output=True, timeout=120)
    return [Image.open(io.BytesIO(p.read_bytes())) for p in sorted(folder.glob("page-*.pgm"))]


def _ink(image: Any, rect: tuple[float, ...], page_top: float) -> float:
    """The share of dark pixels in the middle of a box, clear of the printed □ around it."""
    x0, y0, x1, y1 = rect
    inset, scale = (x1 - x0) * 0.3, TICK_DPI / 72
    crop = image.crop((round((x0 + inset) * scale), round((page_top - y1 + inset) * scale),
                       round((x1 - inset) * scale), round((page_top - y0 - inset) * scale)))
    return sum(crop.histogram()[:128]) / (crop.width * crop.height)


def _fill_with(how: str, blank: bytes, values: dict[str, str], tmp: Path) -> bytes:
    """The blank filled by one tool; pypdf and pdftk get the choices only (text is slow)."""
    from formkit.render.fillable import prefill

    if how == "prefill":
        return prefill(blank, values)
    buttons = {k for k, raw in _fields(blank).items() if raw.kind == "/Btn"}
    entries = {"texts": {}, "states": {k: v.lstrip("/") for k, v in values.items() if k in buttons}}
    return _fill_pypdf(blank, entries) if how == "pypdf" else _fill_pdftk(blank, entries, tmp)


@pytest.mark.parametrize("how", ["prefill", "pypdf", pytest.param("pdftk", marks=needs_pdftk)])
def test_ticked_boxes_show_a_square_and_unticked_ones_stay_empty(how: str, blanks,
                                                                  tmp_path) -> None:
    """Rendered by poppler: formkit's pre-fill leaves the drawing to the reader
    (NeedAppearances), pypdf and pdftk-java use the blank's own appearance streams."""
    from pypdf import PdfReader

    from formkit.render.fillable import field_values

    wrong, seen = [], set()
    for form_id in TICK_FORMS:
        blank = blanks[form_id]
        values = field_values(form_id, _record(form_id), sorted(_fields(blank)))
        filled = _fill_with(how, blank, values, tmp_path)
        images = _pages(filled, tmp_path / form_id.replace("/", "_"))
        tops = [float(p.mediabox.top) for p in PdfReader(io.BytesIO(filled)).pages]
        for page, name, kind, on, rect in _buttons(filled):
            ticked = values.get(name) == on
            ink = _ink(images[page], rect, tops[page])
            if (ticked and ink < 0.5) or (not ticked and ink > 0):
                wrong.append(f"{form_id} {name} {on}: ticked={ticked}, ink={ink:.2f}")
            seen.add((kind, ticked))
    assert wrong == []
    assert seen == {("check", True), ("check", False), ("radio", True), ("radio", False)}
