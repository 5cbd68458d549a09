"""Edited copies of formkit's own PDFs against ``parse`` and ``check`` (DESIGN §2.4).

Every attacked PDF is made here from a genuine one (``render_pdf`` on a sample),
edited with pypdf: the embedded data changed with its sha256 recomputed, the
page text removed or replaced, pages added, annotations painted over the page,
form fields whose value is not what they show, active content, a second
``formkit.json``, hostile JSON inside it. Each edit must be reported (an error
finding, a warning for active content) or refused (exit 2), never passed as
genuine and never answered with a traceback.
"""

from __future__ import annotations

import copy
import hashlib
import io
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from formkit import check_case, parse_pdf, render_pdf
from formkit.cli import main
from formkit.engine import fill
from formkit.errors import NotAFormPDFError
from formkit.forms import get_form
from formkit.records import canonical_json
from formkit.redact import render_pdf_redacted
from formkit.results import ParseResult

from ..conftest import AS_OF

PLAN, CERT = "oshpm/destruction-plan", "mit/annex-11-product-certificate"


# ---------------------------------------------------------------- genuine PDFs (few renders)


def _record(form_id: str, **changes: Any) -> dict[str, Any]:
    record = copy.deepcopy(get_form(form_id).sample)
    for key, value in changes.items():
        node = record
        *path, last = key.split(".")
        for part in path:
            node = node[part]
        node[last] = value
    report = fill(form_id, record, as_of=AS_OF)
    assert report.valid, [f.message for f in report.findings if f.is_error]
    return report.record


@pytest.fixture(scope="module")
def cert() -> bytes:
    return render_pdf(CERT, _record(CERT))


@pytest.fixture(scope="module")
def cert_draft() -> bytes:
    return render_pdf(CERT, _record(CERT), draft=True)


@pytest.fixture(scope="module")
def plan() -> bytes:
    return render_pdf(PLAN, _record(PLAN, **{"obligor.national_id": "A123456789"}))


@pytest.fixture(scope="module")
def plan_redacted() -> bytes:
    return render_pdf_redacted(PLAN, _record(PLAN, **{"obligor.national_id": "A123456789"}))


# A hand-made certificate (--templates): every value the form prints, none where the
# layout would put it.
CUSTOM = """<html lang="zh-Hant-TW"><head><meta charset="utf-8"></head><body>
<h1>{{ form.title }}</h1>
<p>驗證書編號：{{ r.cert_no }}</p>
<p>業者：{{ r.holder.name }}，{{ r.holder.address }}，負責人 {{ r.holder.representative }}，
統一編號 {{ r.holder.tax_id }}</p>
<p>{{ label('category', r.category) }}　{{ r.industry }}　{{ r.issue_date }}　{{ r.valid_to }}</p>
<ul>{% for p in r.products %}<li>{{ p.name }}｜{{ p.model }}｜{{ p.code }}｜{{ p.factory }}</li>
{% endfor %}</ul>
<p>{{ r.cb.name }}　{{ r.cb.signature }}</p>
</body></html>"""


@pytest.fixture(scope="module")
def cert_custom(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    folder = tmp_path_factory.mktemp("templates")
    (folder / "mit").mkdir()
    (folder / "mit" / "annex-11-product-certificate.html").write_text(CUSTOM, encoding="utf-8")
    return render_pdf(CERT, _record(CERT), templates=str(folder))


# ---------------------------------------------------------------- editing tools


def _parse(pdf: bytes, **options: Any) -> ParseResult:
    return parse_pdf(pdf, as_of=AS_OF, limits=None, **options)


def _errors(result: ParseResult) -> list[tuple[str, str]]:
    return [(f.path, f.text("en")) for f in result.findings if f.is_error]


def _writer(pdf: bytes) -> Any:
    from pypdf import PdfReader, PdfWriter

    return PdfWriter(clone_from=PdfReader(io.BytesIO(pdf)))


def _bytes(writer: Any) -> bytes:
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _attachment_stream(writer: Any) -> Any:
    names = writer._root_object["/Names"]["/EmbeddedFiles"]["/Names"]
    index = [str(n) for n in names[::2]].index("formkit.json")
    return names[2 * index + 1].get_object()["/EF"]["/F"].get_object()


def _payload(pdf: bytes) -> dict[str, Any]:
    from pypdf import PdfReader

    return json.loads(PdfReader(io.BytesIO(pdf)).attachments["formkit.json"][0])


def with_raw_payload(pdf: bytes, raw: bytes) -> bytes:
    writer = _writer(pdf)
    _attachment_stream(writer).set_data(raw)
    return _bytes(writer)


def retouched(pdf: bytes, edit: Callable[[dict[str, Any]], None]) -> bytes:
    """The PDF with its embedded payload edited and its sha256 recomputed."""
    payload = _payload(pdf)
    edit(payload)
    payload["sha256"] = hashlib.sha256(canonical_json(payload["data"])).hexdigest()
    return with_raw_payload(pdf, json.dumps(payload, ensure_ascii=False).encode("utf-8"))


def _set(key: str, value: Any) -> Callable[[dict[str, Any]], None]:
    def edit(payload: dict[str, Any]) -> None:
        node = payload["data"]
        *path, last = key.split(".")
        for part in path:
            node = node[int(part)] if isinstance(node, list) else node[part]
        node[last] = value
    return edit


def _cli(tmp_path: Path, pdf: bytes, *args: str) -> Any:
    path = tmp_path / "in.pdf"
    path.write_bytes(pdf)
    return CliRunner().invoke(main, ["parse", str(path), "--as-of", AS_OF.isoformat(),
                                     "--lang", "en", "--max-memory", "0", *args])


# ---------------------------------------------------------------- the genuine ones pass


def test_genuine_pdfs_parse_without_errors(cert: bytes, plan: bytes, cert_draft: bytes,
                                           cert_custom: bytes, plan_redacted: bytes) -> None:
    for pdf in (cert, plan, cert_draft, cert_custom, plan_redacted):
        result = _parse(pdf)
        assert result.source == "embedded"
        assert _errors(result) == []
        assert [f for f in result.findings if f.severity == "warning"] == []
    assert _parse(cert_draft).draft is True and _parse(cert).draft is False


# ---------------------------------------------------------------- 1. the certificate


def test_certificate_with_changed_holder_number_and_products_is_reported(cert: bytes,
                                                                         tmp_path: Path) -> None:
    def edit(payload: dict[str, Any]) -> None:
        payload["data"]["holder"]["name"] = "假冒實業股份有限公司"
        payload["data"]["cert_no"] = "MIT-TX-113-9999"
        payload["data"]["products"][0]["name"] = "假冒產品"

    attacked = retouched(cert, edit)
    paths = {p for p, _ in _errors(_parse(attacked))}
    assert {"/holder/name", "/cert_no", "/products/0/name"} <= paths
    result = _cli(tmp_path, attacked)
    assert result.exit_code == 1 and "假冒實業股份有限公司" in result.output


def test_hand_made_template_values_are_compared_as_text(cert_custom: bytes) -> None:
    def edit(payload: dict[str, Any]) -> None:
        payload["data"]["holder"]["name"] = "假冒實業股份有限公司"
        payload["data"]["cert_no"] = "MIT-TX-113-9999"
        payload["data"]["products"][1]["model"] = "FX-0000"

    errors = _errors(_parse(retouched(cert_custom, edit)))
    paths = {p for p, _ in errors}
    assert {"/holder/name", "/cert_no", "/products/1/model"} <= paths
    assert all("not on the page" in text for p, text in errors if p == "/holder/name")


def test_hand_made_template_names_what_prints_nowhere_in_an_info(cert_custom: bytes) -> None:
    info = [f.text("en") for f in _parse(cert_custom).findings
            if f.rule == "embedded" and f.severity == "info"]
    assert len(info) == 1 and "not on the page" in info[0]
    assert "授權使用契約簽訂日期" in info[0]  # worksheet data: printed nowhere
    assert "業者名稱" not in info[0]  # printed, though not where the layout puts it


def test_a_page_with_its_text_removed_is_an_error(cert: bytes) -> None:
    from pypdf.generic import DecodedStreamObject, NameObject

    writer = _writer(cert)
    for page in writer.pages:
        empty = DecodedStreamObject()
        empty.set_data(b"0 0 1 rg 0 0 100 100 re f")
        page[NameObject("/Contents")] = writer._add_object(empty)
    errors = _errors(_parse(_bytes(writer)))
    assert any("carry no text" in text for _, text in errors)


def test_a_page_of_another_form_is_an_error(cert: bytes, plan: bytes) -> None:
    from pypdf import PdfReader

    writer = _writer(cert)
    writer.remove_page(0)
    writer.add_page(PdfReader(io.BytesIO(plan)).pages[0])
    texts = [text for _, text in _errors(_parse(_bytes(writer)))]
    assert any(f"the title of {CERT} is not on the pages" in t for t in texts)
    assert any(f"page 1 shows another form, {PLAN}" in t for t in texts)


# ---------------------------------------------------------------- 2. bidi controls


@pytest.mark.parametrize("control", ["\u202e", "\u2066", "\u202b"])
def test_a_bidi_control_does_not_relax_the_comparison(plan: bytes, control: str) -> None:
    """The page prints 工業二路15號; the data says 51 behind an explicit control."""
    assert "工業二路15號" in _payload(plan)["data"]["obligor"]["address"]
    attacked = retouched(plan, _set("obligor.address", control + "桃園市觀音區工業二路51號"))
    errors = [t for p, t in _errors(_parse(attacked)) if p == "/obligor/address"]
    assert len(errors) == 1 and "bidi control character" in errors[0]
    assert f"U+{ord(control):04X}" in errors[0]


def test_an_isolated_value_that_keeps_its_order_round_trips() -> None:
    value = "\u2066桃園市觀音區工業二路15號\u2069"
    pdf = render_pdf(PLAN, _record(PLAN, **{"obligor.address": value}))
    result = _parse(pdf)
    assert _errors(result) == [] and result.data["obligor"]["address"] == value


# ---------------------------------------------------------------- 3. redacted, draft flags


def test_redacted_flag_does_not_excuse_a_malformed_national_id(plan_redacted: bytes,
                                                               plan: bytes) -> None:
    assert _payload(plan_redacted)["redacted"] is True
    genuine = _parse(plan_redacted)
    assert any(f.path == "/obligor/national_id" and f.severity == "info"
               for f in genuine.findings)
    for pdf in (plan_redacted, plan):
        def edit(payload: dict[str, Any]) -> None:
            payload["data"]["obligor"]["national_id"] = "hello world"
            payload["redacted"] = True

        errors = _errors(_parse(retouched(pdf, edit)))
        assert any(p == "/obligor/national_id" for p, _ in errors), errors


def test_draft_flag_without_the_watermark_is_an_error(cert: bytes) -> None:
    result = _parse(retouched(cert, lambda p: p.update(draft=True)))
    assert any("says draft, but the 草稿 watermark is missing from page 1" in t
               for _, t in _errors(result))


def test_watermark_on_a_page_said_not_to_be_a_draft_is_an_error(cert_draft: bytes) -> None:
    result = _parse(retouched(cert_draft, lambda p: p.update(draft=False)))
    assert any("page 1 shows the 草稿 watermark" in t for _, t in _errors(result))
    assert result.draft is False


# ---------------------------------------------------------------- 4. drafts parse


def test_a_genuine_draft_parses_with_its_values(cert_draft: bytes, cert: bytes,
                                                tmp_path: Path) -> None:
    result = _parse(cert_draft)
    assert result.draft and _errors(result) == []
    assert result.data == _parse(cert).data
    assert _cli(tmp_path, cert_draft).exit_code == 0


# ---------------------------------------------------------------- 5. covered or added content


def _annotated(pdf: bytes, subtype: str) -> bytes:
    from pypdf.generic import (
        ArrayObject,
        DecodedStreamObject,
        DictionaryObject,
        FloatObject,
        NameObject,
        TextStringObject,
    )

    writer = _writer(pdf)
    look = DecodedStreamObject()
    look.set_data(b"1 1 1 rg 0 0 300 40 re f")
    look.update({NameObject("/Type"): NameObject("/XObject"),
                 NameObject("/Subtype"): NameObject("/Form"),
                 NameObject("/BBox"): ArrayObject([FloatObject(v) for v in (0, 0, 300, 40)])})
    annot = DictionaryObject({
        NameObject("/Type"): NameObject("/Annot"),
        NameObject("/Subtype"): NameObject(subtype),
        NameObject("/Rect"): ArrayObject([FloatObject(v) for v in (150, 600, 450, 640)]),
        NameObject("/Contents"): TextStringObject("假冒實業股份有限公司"),
        NameObject("/AP"): DictionaryObject({NameObject("/N"): writer._add_object(look)}),
    })
    writer.pages[0][NameObject("/Annots")] = ArrayObject([writer._add_object(annot)])
    return _bytes(writer)


@pytest.mark.parametrize("subtype", ["/FreeText", "/Square", "/Stamp", "/Link"])
def test_an_annotation_over_the_page_is_an_error(cert: bytes, subtype: str) -> None:
    texts = [t for _, t in _errors(_parse(_annotated(cert, subtype)))]
    assert any(f"page 1 carries annotations formkit does not write ({subtype[1:]})" in t
               for t in texts), texts


def test_a_page_appended_from_another_record_is_an_error(cert: bytes, plan: bytes) -> None:
    from pypdf import PdfReader

    for extra in (plan, cert):  # another form, and another copy of the same one
        writer = _writer(cert)
        writer.add_page(PdfReader(io.BytesIO(extra)).pages[0])
        texts = [t for _, t in _errors(_parse(_bytes(writer)))]
        assert any("page 1 of 2 is numbered 1/1" in t for t in texts), texts
        assert any("page 2" in t for t in texts), texts


@pytest.fixture(scope="module")
def filled_blank() -> bytes:
    """The fillable blank, filled by pypdf, which draws each value's appearance."""
    from formkit.render.fillable import render_fillable_pdf

    writer = _writer(render_fillable_pdf(PLAN))
    for page in writer.pages:
        writer.update_page_form_field_values(page, {"site": "Taipei 1"}, auto_regenerate=False)
    return _bytes(writer)


def test_a_form_field_whose_value_is_not_what_it_shows_is_an_error(filled_blank: bytes) -> None:
    from pypdf.generic import NameObject, TextStringObject

    genuine = _parse(filled_blank, form=PLAN)
    assert genuine.source == "fields" and genuine.data["site"] == "Taipei 1"
    assert [t for _, t in _errors(genuine) if "form field" in t] == []
    writer = _writer(filled_blank)
    for page in writer.pages:
        for ref in page.get("/Annots", []):
            if ref.get_object().get("/T") == "site":
                ref.get_object()[NameObject("/V")] = TextStringObject("Kaohsiung 9")
    result = _parse(_bytes(writer), form=PLAN)
    assert result.data["site"] == "Kaohsiung 9"
    assert ("/site", "form field site on page 1 shows Taipei 1 but holds Kaohsiung 9: what a "
            "viewer shows is not the value read") in _errors(result)


def test_a_tick_that_is_not_the_value_is_an_error(filled_blank: bytes) -> None:
    """A radio group whose value is one option while another option shows ticked."""
    from pypdf.generic import NameObject

    writer = _writer(filled_blank)
    groups: dict[str, list[Any]] = {}
    for page in writer.pages:
        for ref in page.get("/Annots", []):
            widget = ref.get_object()
            parent = widget.get("/Parent")
            if parent is not None and "/AS" in widget and parent.get_object().get("/FT") == "/Btn":
                groups.setdefault(str(parent.get_object()["/T"]), []).append(widget)
    name, widgets = next((n, w) for n, w in sorted(groups.items()) if len(w) >= 2)
    states = [next(str(k) for k in w["/AP"]["/N"] if k != "/Off") for w in widgets]
    widgets[0].get("/Parent").get_object()[NameObject("/V")] = NameObject(states[0])
    widgets[0][NameObject("/AS")] = NameObject("/Off")
    widgets[1][NameObject("/AS")] = NameObject(states[1])
    result = _parse(_bytes(writer), form=PLAN)
    texts = [t for p, t in _errors(result) if p.endswith(f"/{name}") and "form field" in t]
    assert len(texts) == 2, _errors(result)
    assert any(f"shows Off but holds {states[0][1:]}" in t for t in texts)


def test_an_invisible_signature_widget_is_no_annotation_finding(cert: bytes) -> None:
    from pypdf.generic import ArrayObject, DictionaryObject, FloatObject, NameObject

    writer = _writer(cert)
    widget = DictionaryObject({
        NameObject("/Type"): NameObject("/Annot"), NameObject("/Subtype"): NameObject("/Widget"),
        NameObject("/FT"): NameObject("/Sig"),
        NameObject("/Rect"): ArrayObject([FloatObject(0)] * 4)})
    writer.pages[0][NameObject("/Annots")] = ArrayObject([writer._add_object(widget)])
    assert _errors(_parse(_bytes(writer))) == []
    widget[NameObject("/Rect")] = ArrayObject([FloatObject(v) for v in (100, 100, 300, 140)])
    writer.pages[0][NameObject("/Annots")] = ArrayObject([writer._add_object(widget)])
    assert any("annotations formkit does not write (Widget)" in t
               for _, t in _errors(_parse(_bytes(writer))))


# ---------------------------------------------------------------- 6. active content


def _catalog_entry(pdf: bytes, key: str, value: Callable[[Any], Any]) -> bytes:
    from pypdf.generic import NameObject

    writer = _writer(pdf)
    writer._root_object[NameObject(key)] = value(writer)
    return _bytes(writer)


def _action(kind: str, **extra: Any) -> Callable[[Any], Any]:
    from pypdf.generic import DictionaryObject, NameObject, TextStringObject

    def make(writer: Any) -> Any:
        action = DictionaryObject({NameObject("/S"): NameObject(kind)})
        for k, v in extra.items():
            action[NameObject(f"/{k}")] = TextStringObject(v)
        return writer._add_object(action)
    return make


def _on_open(writer: Any) -> Any:
    from pypdf.generic import DictionaryObject, NameObject

    return DictionaryObject({NameObject("/O"): _action("/Launch", F="calc.exe")(writer)})


ACTIVE = {
    "open-js": ("/OpenAction", _action("/JavaScript", JS="app.alert(1)"), "JavaScript"),
    "launch": ("/OpenAction", _action("/Launch", F="calc.exe"), "launch action"),
    "aa": ("/AA", _on_open, "automatic actions (/AA)"),
}


@pytest.mark.parametrize("kind", sorted(ACTIVE))
def test_active_content_is_a_warning(cert: bytes, kind: str) -> None:
    key, value, word = ACTIVE[kind]
    result = _parse(_catalog_entry(cert, key, value))
    warnings = [f.text("en") for f in result.findings if f.severity == "warning"]
    assert len(warnings) == 1 and word in warnings[0] and "active content" in warnings[0]
    assert _errors(result) == []  # the page and the data still agree


def test_xfa_in_a_fillable_form_is_a_warning(filled_blank: bytes) -> None:
    from pypdf.generic import NameObject, TextStringObject

    writer = _writer(filled_blank)
    writer._root_object["/AcroForm"].get_object()[NameObject("/XFA")] = TextStringObject("<xdp/>")
    result = _parse(_bytes(writer), form=PLAN)
    assert any("XFA" in f.text("en") for f in result.findings if f.severity == "warning")


# ---------------------------------------------------------------- 7. formkit.json itself


def test_a_second_formkit_json_is_refused(cert: bytes, tmp_path: Path) -> None:
    from pypdf.generic import ArrayObject, DictionaryObject, NameObject, TextStringObject

    other = json.dumps(_payload(cert), ensure_ascii=False).encode("utf-8")
    two_names = _writer(cert)
    two_names.add_attachment("formkit.json", other)
    via_af = _writer(cert)
    spec = DictionaryObject({NameObject("/Type"): NameObject("/Filespec"),
                             NameObject("/F"): TextStringObject("formkit.json"),
                             NameObject("/UF"): TextStringObject("formkit.json")})
    via_af._root_object[NameObject("/AF")] = ArrayObject(
        [*via_af._root_object["/AF"], via_af._add_object(spec)])
    via_annot = _writer(cert)
    annot = DictionaryObject({NameObject("/Type"): NameObject("/Annot"),
                              NameObject("/Subtype"): NameObject("/FileAttachment"),
                              NameObject("/FS"): via_annot._add_object(copy.copy(spec))})
    via_annot.pages[0][NameObject("/Annots")] = ArrayObject([via_annot._add_object(annot)])
    for writer in (two_names, via_af, via_annot):
        attacked = _bytes(writer)
        with pytest.raises(NotAFormPDFError, match="2 attachments named formkit.json"):
            _parse(attacked)
        result = _cli(tmp_path, attacked)
        assert result.exit_code == 2 and "Traceback" not in result.output


def _payload_text(pdf: bytes) -> str:
    return json.dumps(_payload(pdf), ensure_ascii=False)


HOSTILE_JSON = {
    "duplicate-key": (lambda t: t.replace('"cert_no": ', '"cert_no": "MIT-X", "cert_no": ', 1),
                      "duplicate key 'cert_no'"),
    "nan": (lambda t: t.replace('"category": "cat1"', '"category": NaN', 1),
            "NaN is not a JSON value"),
    "infinity": (lambda t: t.replace('"category": "cat1"', '"category": -Infinity', 1),
                 "-Infinity is not a JSON value"),
    "huge-integer": (lambda t: t.replace('"category": "cat1"', '"category": ' + "9" * 5001, 1),
                     "a number of 5,001 digits"),
    "lone-surrogate": (lambda t: t.replace('"category": "cat1"', '"category": "\\ud800"', 1),
                       "half of a UTF-16 surrogate pair"),
}


@pytest.mark.parametrize("kind", sorted(HOSTILE_JSON))
def test_hostile_json_in_formkit_json_is_refused(cert: bytes, kind: str,
                                                 tmp_path: Path) -> None:
    change, message = HOSTILE_JSON[kind]
    text = change(_payload_text(cert))
    assert text != _payload_text(cert)
    attacked = with_raw_payload(cert, text.encode("utf-8"))
    with pytest.raises(NotAFormPDFError) as info:
        _parse(attacked)
    assert message in str(info.value) and "formkit.json" in str(info.value)
    result = _cli(tmp_path, attacked)
    assert result.exit_code == 2 and message in result.output
    assert "Traceback" not in result.output


def test_a_huge_amount_is_a_finding_not_a_traceback(plan: bytes, tmp_path: Path) -> None:
    attacked = retouched(plan, _set("quantity.amount", 10**99))
    result = _parse(attacked)
    assert any(p == "/quantity/amount" for p, _ in _errors(result))
    assert _cli(tmp_path, attacked).exit_code == 1


# ---------------------------------------------------------------- 8. check verifies PDFs


def test_check_reports_a_tampered_pdf_in_a_case(cert: bytes, tmp_path: Path) -> None:
    genuine = tmp_path / "genuine"
    genuine.mkdir()
    (genuine / "cert.pdf").write_bytes(cert)
    before = check_case(genuine, as_of=AS_OF)
    assert [f for f in before.findings if f.rule == "embedded"] == []

    tampered = tmp_path / "tampered"
    tampered.mkdir()
    (tampered / "cert.pdf").write_bytes(
        retouched(cert, _set("holder.name", "假冒實業股份有限公司")))
    report = check_case(tampered, as_of=AS_OF)
    errors = [f for f in report.findings if f.rule == "embedded" and f.is_error]
    assert [(f.form, f.path) for f in errors] == [(CERT, "/holder/name")]
    result = CliRunner().invoke(main, ["check", str(tampered), "--as-of", AS_OF.isoformat(),
                                       "--lang", "en"])
    assert result.exit_code == 1 and "假冒實業股份有限公司" in result.output
