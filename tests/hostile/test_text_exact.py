"""What goes in comes out unchanged (issue 5): JSON → DOCX, JSON → PDF, PDF → parse.

Classes of text: CJK Extension B and beyond in a representative's name, combining
marks (decomposed Latin and Vietnamese stacks), emoji (ZWJ sequences, skin tones,
flags), right-to-left Arabic and Hebrew with digits, and control characters. For
each route the outcome is exact or a clear refusal naming the field and the code
point:

- DOCX: the value is the text of one ``<w:t>`` of word/document.xml, or C0
  controls and lone surrogates are refused (XML cannot hold them).
- PDF: the embedded formkit.json holds the filled record exactly, ``parse_pdf``
  returns it with no ``embedded`` finding, the page's text layer holds the
  characters (right-to-left ones in visual order, i.e. drawn right to left), and
  Pango drew no .notdef glyph. Control characters and lone surrogates are refused.

Real forms and their samples: oshpm/destruction-plan (the generic layout) and
mit/annex-11-product-certificate (a hand-made HTML template).
"""

from __future__ import annotations

import copy
import html
import io
import json
import logging
import re
import unicodedata
import zipfile
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from formkit import parse_pdf, render_docx, render_pdf
from formkit.engine import fill
from formkit.errors import MissingGlyphError, RecordError
from formkit.forms import get_form
from formkit.pointers import get, set_
from formkit.render import fonts

from ..conftest import AS_OF

PLAN, CERT = "oshpm/destruction-plan", "mit/annex-11-product-certificate"
# The field of each form that holds a representative's name.
NAME_KEY = {PLAN: "obligor.representative", CERT: "holder.representative"}

# 𠀋 U+2000B and 𪚥 U+2A6A5 as the issue names them; 𡘙 is U+21619, and U+2161A
# (𡘚), the code point the issue gives it, is taken as well. U+2000B is in Noto
# CJK TC; U+2161A only in HanaMinB.
EXT_B = "吳\U0002000B\U00021619\U0002161A\U0002A6A5"

DRAWABLE = {
    "ext-b": EXT_B,
    "ext-c-to-f": "林\U0002A700\U0002B740\U0002B820\U0002CEB0",  # first of Ext. C, D, E, F
    "compat-supplement": "陳\U0002F800\U0002F9B2",  # only in HanaMinA; never normalised away
    "combining": "Rene\u0301 Zoe\u0308 Nguye\u0302\u0303n Thi\u0323\u0302",
    "vietnamese-nfd": unicodedata.normalize("NFD", "Nguyễn Thị Minh Khai Phạm Văn Đồng"),
    "emoji": "王😀👍🏽👩\u200d💻❤\ufe0f\u200d🔥🇹🇼👨\U0001F3FF\u200d🔧",
    "arabic": "محمد 123 علي",
    "hebrew": "דוד כהן 45",
    "mixed-rtl": "王大明 محمد 2024 عبد الله",
    "rtl-marks": "\u200fשלום\u200e 12",
    "ignorables": "王\u200b大\u2060明\ufeff",
}
# Right-to-left words and how the page shows them, left to right: drawn RTL.
VISUAL = {
    "arabic": ["دمحم", "يلع", "123"],
    "hebrew": ["דוד"[::-1], "ןהכ", "45"],
    "mixed-rtl": ["王大明", "دمحم", "هللا", "2024"],
}
RTL = set(VISUAL) | {"rtl-marks"}
CONTROLS = {"nul": "A\x00B", "esc": "A\x1bB", "del": "A\x7fB", "c1-nel": "A\x85B",
            "c1-csi": "A\x9bB"}


def _filled(form_id: str) -> dict[str, Any]:
    report = fill(form_id, get_form(form_id).sample, as_of=AS_OF)
    assert report.valid
    return report.record


def _with(form_id: str, key: str, value: str) -> dict[str, Any]:
    record = copy.deepcopy(_filled(form_id))
    set_(record, key, value)
    return record


def _docx_runs(data: bytes) -> list[str]:
    xml = zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml").decode("utf-8")
    return [html.unescape(t) for t in re.findall(r"<w:t(?: [^>]*)?>([^<]*)</w:t>", xml)]


def _attachment(pdf: bytes) -> dict[str, Any]:
    from pypdf import PdfReader

    return json.loads(PdfReader(io.BytesIO(pdf)).attachments["formkit.json"][0].decode("utf-8"))


def _page_text(pdf: bytes) -> str:
    import pdfplumber

    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        return "".join(page.extract_text() or "" for page in doc.pages)


def _printable(text: str) -> str:
    """What a page's text layer can hold of a value: no spaces, no default-ignorables."""
    return "".join(ch for ch in text if not ch.isspace() and not fonts.is_ignorable(ord(ch)))


@pytest.fixture
def notdef(caplog: pytest.LogCaptureFixture) -> Any:
    """The .notdef glyphs WeasyPrint reports drawing (a glyph check that lied)."""
    caplog.set_level(logging.WARNING, logger="weasyprint")
    return lambda: [r.getMessage() for r in caplog.records if ".notdef" in r.getMessage()]


# -- DOCX ----------------------------------------------------------------------------------


@pytest.mark.parametrize("form_id", [PLAN, CERT])
@pytest.mark.parametrize("kind", sorted(DRAWABLE))
def test_docx_holds_the_text_exactly(form_id: str, kind: str) -> None:
    value = DRAWABLE[kind]
    runs = _docx_runs(render_docx(form_id, _with(form_id, NAME_KEY[form_id], value)))
    assert value in runs


@pytest.mark.parametrize("kind", ["nul", "esc"])
def test_docx_refuses_c0_controls_naming_field_and_code_point(kind: str) -> None:
    value = CONTROLS[kind]
    with pytest.raises(RecordError) as info:
        render_docx(PLAN, _with(PLAN, "obligor.representative", value))
    message = str(info.value)
    assert "/obligor/representative" in message and f"U+{ord(value[1]):04X}" in message


@pytest.mark.parametrize("kind", ["del", "c1-nel", "c1-csi"])
def test_docx_keeps_del_and_c1_controls_exactly(kind: str) -> None:
    """XML 1.0 allows DEL and C1 controls: the DOCX keeps them (LibreOffice reads them back)."""
    value = CONTROLS[kind]
    assert value in _docx_runs(render_docx(PLAN, _with(PLAN, "obligor.representative", value)))


def test_docx_refuses_a_lone_surrogate() -> None:
    with pytest.raises(RecordError) as info:
        render_docx(PLAN, _with(PLAN, "obligor.representative", "A\ud800B"))
    assert "U+D800" in str(info.value) and "/obligor/representative" in str(info.value)
    assert "lone surrogate" in str(info.value)


# -- PDF and parse ------------------------------------------------------------------------


@pytest.mark.parametrize("form_id", [PLAN, CERT])
@pytest.mark.parametrize("kind", sorted(DRAWABLE))
def test_pdf_embeds_prints_and_parses_back_exactly(form_id: str, kind: str, notdef: Any) -> None:
    value = DRAWABLE[kind]
    key = NAME_KEY[form_id]
    record = _with(form_id, key, value)
    pdf = render_pdf(form_id, record)
    assert notdef() == []
    payload = _attachment(pdf)
    assert payload["data"] == record and get(payload["data"], key) == value
    parsed = parse_pdf(pdf, as_of=AS_OF)
    assert parsed.source == "embedded" and parsed.data == record
    assert [f.as_dict("en") for f in parsed.findings
            if f.rule == "embedded" and f.severity != "info"] == []
    assert [f for f in parsed.findings if f.is_error] == []
    page = re.sub(r"\s+", "", _page_text(pdf))
    if kind in RTL:
        # Every character is on the page; right-to-left words read backwards left to right.
        assert all(page.count(ch) >= _printable(value).count(ch) for ch in _printable(value))
        for word in VISUAL.get(kind, []):
            assert word in page
    else:
        assert _printable(value) in page


@pytest.mark.parametrize("kind", sorted(CONTROLS))
def test_pdf_refuses_control_characters_naming_field_and_code_point(kind: str) -> None:
    value = CONTROLS[kind]
    with pytest.raises(RecordError) as info:
        render_pdf(PLAN, _with(PLAN, "obligor.representative", value))
    message = str(info.value)
    assert "/obligor/representative" in message and f"U+{ord(value[1]):04X}" in message
    assert "control character" in message and not isinstance(info.value, MissingGlyphError)


def test_pdf_refuses_a_lone_surrogate_before_writing() -> None:
    with pytest.raises(RecordError) as info:
        render_pdf(PLAN, _with(PLAN, "site", "臺北\udc00市"))
    message = str(info.value)
    assert "U+DC00" in message and "/site" in message and "surrogate" in message


def test_nul_survives_the_embedded_json_exactly() -> None:
    """The attachment layer keeps NUL (JSON escapes it as \\u0000); the page cannot show it,
    so a PDF whose data holds one that its page does not is reported, never cleaned."""
    from formkit.render.html import render_html
    from formkit.render.pdf import html_to_pdf, payload

    form = get_form(PLAN)
    shown = _filled(PLAN)
    data = _with(PLAN, "obligor.representative", "吳\x00宏昌")
    pdf = html_to_pdf(render_html(form, shown), payload(form, data, False))
    assert _attachment(pdf)["data"] == data
    parsed = parse_pdf(pdf, as_of=AS_OF)
    assert parsed.data == data
    assert [f.path for f in parsed.findings
            if f.rule == "embedded" and f.severity != "info"] == ["/obligor/representative"]


@pytest.mark.parametrize(("on_page", "in_data"), [
    ("محمد 123 علي", "محمد 124 علي"),
    ("محمد علي", "محمود علي"),
    ("דוד כהן", "דוד לוי"),
    ("王😀👩\u200d💻", "王😀👨\u200d💻明"),
    ("Rene\u0301", "Rene"),
])
def test_an_edit_of_such_text_is_still_detected(on_page: str, in_data: str) -> None:
    """The comparison forgives the page's order and what a text layer loses, nothing more."""
    from formkit.render.html import render_html
    from formkit.render.pdf import html_to_pdf, payload

    form = get_form(PLAN)
    shown = _with(PLAN, "obligor.representative", on_page)
    data = _with(PLAN, "obligor.representative", in_data)
    pdf = html_to_pdf(render_html(form, shown), payload(form, data, False))
    parsed = parse_pdf(pdf, as_of=AS_OF)
    assert parsed.data == data
    assert [f.path for f in parsed.findings
            if f.rule == "embedded" and f.severity != "info"] == ["/obligor/representative"]


# Values on which WeasyPrint's text layer reads back other than drawn (found by fuzzing):
# a glyph shared by code points (U+2011 and "-"), a cluster of several glyphs whose
# carrier glyph drew another cluster first (ż + U+0327; an emoji ZWJ sequence after
# Arabic; stacks of Hebrew and Arabic marks), marks with no letter, ＿ at a value's
# end (the text reader's placeholder), brackets in right-to-left text (drawn, and read
# back, mirrored).
LOSSY = [
    "\u00dc\u0327 \u017c\u0327", "z\u0307\u0327", "\u2011\u2010\u2021", "\uff3f\u2014\u205c",
    "\u0621\U0001F300\U0001F300\u200d\u2764", "\u0324\u0324\u0325\u0302", "ŕׅ֡ ŕׅ",
    "\u05b3\U0001F6C3\u05d1\u05b3", "\u0609\u0614\u0609", "\ufcf0\ufeff\ufb9d\u200d\u200e\ufe26",
    "ר֑֡֩׳ג֥֚֔֔צ", "\ufd34\ufe2f\ufe2f\ufd37", "؇֦ۖ٫ڧۦֶ֦گ",
    "ء（0", "محمد (علي) [1]", "שלום «דוד» ≤5",
]


@pytest.mark.parametrize("value", LOSSY)
def test_what_the_text_layer_loses_is_no_edit(value: str, notdef: Any) -> None:
    record = _with(PLAN, "site", value)
    parsed = parse_pdf(render_pdf(PLAN, record), as_of=AS_OF)
    assert notdef() == []
    assert parsed.data == record
    assert [f.as_dict("en") for f in parsed.findings
            if f.rule == "embedded" and f.severity != "info"] == []


@pytest.mark.parametrize(("embedded", "printed", "same"), [
    ("王大明", "王大明", True),
    ("王大明", "王小明", False),
    ("محمد 123", "123 دمحم", True),
    ("محمد 123", "124 دمحم", False),
    ("王 محمد 明", "王 دمحم 明", True),
    ("王 محمد 明", "明 دمحم 王", False),  # left-to-right letters keep their order
    ("\u2011x", "-x", True),
    ("\u00dc\u0327 \u017c\u0327 王", "\u00dc\u0327  \u0327 王", True),
    ("\u00dc\u0327 \u017c\u0327 王", "\u00dc\u0327  \u0327 李", False),
    ("王👩\u200d💻", "王👩💻", True),
    ("王👩\u200d💻", "李👩💻", False),
    ("e\u0301", "é", True),
    ("ء（0", "0）ء", True),
    ("ء（0", "0）ب", False),
    ("é", "e", False),
])
def test_the_comparison_forgives_only_what_a_page_cannot_hold(embedded: str, printed: str,
                                                               same: bool) -> None:
    from formkit.parse.embedded import same_as_printed

    assert same_as_printed(embedded, printed) is same


def test_a_character_no_font_has_is_refused_never_tofu(notdef: Any) -> None:
    for ch in ("\U0001F970", "\U0003134A"):  # 🥰 (Unicode 11), the last of CJK Ext. G
        with pytest.raises(MissingGlyphError) as info:
            render_pdf(PLAN, _with(PLAN, "site", f"臺北{ch}"))
        assert f"U+{ord(ch):04X}" in str(info.value) and "/site" in str(info.value)
    assert notdef() == []


def test_private_use_is_never_taken_from_a_fallback_font() -> None:
    """HanaMinA draws glyphs at U+F137…; a Taiwanese 造字 code there means another character."""
    pua = "\uf137"
    face = next((f for f in fonts.faces() if f.family == "HanaMinA"), None)
    if face is not None:
        assert ord(pua) in fonts._cmap(face)
    with pytest.raises(MissingGlyphError):
        render_pdf(PLAN, _with(PLAN, "obligor.name", f"王{pua}明"))


def test_the_css_lists_the_glyph_checks_chain() -> None:
    """form.css's font-family lists are the CJK face and then fonts.FALLBACK_FAMILIES."""
    from formkit.render.html import stylesheet

    lists = re.findall(r"font-family:\s*([^;]+);", stylesheet())
    assert lists
    for found in lists:
        families = [f.strip().strip('"') for f in found.split(",")]
        assert families[0] in fonts.CJK_FAMILIES
        assert tuple(families[:2]) in (fonts.CJK_FAMILIES, fonts.CJK_FAMILIES[::-1])
        assert tuple(families[2:-1]) == fonts.FALLBACK_FAMILIES
        assert families[-1] in ("serif", "sans-serif")


def test_every_fallback_family_is_installed() -> None:
    """scripts/setup.sh installs them; without one, its characters are refused, never tofu."""
    found = {f.family for f in fonts.faces()}
    assert set(fonts.FAMILIES) <= found


# -- property: any drawable text round-trips JSON → PDF → parse --------------------------


def _pool(*ranges: tuple[int, int]) -> list[str]:
    covered = fonts.coverage()
    return [chr(cp) for lo, hi in ranges for cp in range(lo, hi + 1) if cp in covered]


def _clusters() -> st.SearchStrategy[str]:
    """Well-formed text: letters with marks of their own script, emoji with modifiers."""
    cjk = st.sampled_from(_pool((0x4E00, 0x9FFF), (0x3400, 0x4DBF)))
    ext = st.sampled_from(_pool((0x20000, 0x2A6DF), (0x2A700, 0x2EBEF)))
    latin = st.tuples(st.sampled_from(_pool((0x41, 0x5A), (0x61, 0x7A), (0xC0, 0x17F))),
                      st.lists(st.sampled_from(_pool((0x300, 0x36F))), max_size=2))
    arabic = st.tuples(st.sampled_from(_pool((0x621, 0x64A))),
                       st.lists(st.sampled_from(_pool((0x64B, 0x652))), max_size=1))
    hebrew = st.tuples(st.sampled_from(_pool((0x5D0, 0x5EA))),
                       st.lists(st.sampled_from(_pool((0x5B0, 0x5BC))), max_size=1))
    emoji = st.tuples(st.sampled_from(_pool((0x1F300, 0x1F64F))),
                      st.lists(st.sampled_from(["\U0001F3FB", "\U0001F3FD", "\u200d❤", "\ufe0f"]),
                               max_size=1))
    other = st.sampled_from(list("0123456789 ，。、：（）-/.#") + ["\u200b", "\u200d", "\u00a0"])
    marked = (latin | arabic | hebrew | emoji).map(lambda t: t[0] + "".join(t[1]))
    return st.lists(cjk | ext | marked | other, min_size=1, max_size=24).map("".join)


@settings(max_examples=15, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(text=_clusters(), key=st.sampled_from(["site", "obligor.representative", "method"]))
def test_drawable_text_round_trips_json_pdf_parse(text: str, key: str, notdef: Any) -> None:
    record = _with(PLAN, key, text)
    pdf = render_pdf(PLAN, record)
    assert notdef() == []
    assert _attachment(pdf)["data"] == record
    parsed = parse_pdf(pdf, as_of=AS_OF)
    assert parsed.data == record
    assert [f.as_dict("en") for f in parsed.findings
            if f.rule == "embedded" and f.severity != "info"] == []
