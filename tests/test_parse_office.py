"""DOCX and ODT parsed directly: hand-filled blanks read on the form's layout, and the
documents formkit fills read back from the record they carry, checked against their text.

No LibreOffice: the hand-filled documents are typed by ``tests/handfill.py``
(python-docx for the DOCX, content.xml's spans for the ODT), the filled ones
rendered by formkit.
"""

from __future__ import annotations

import io
import json
import re
import zipfile
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from formkit.cli import main
from formkit.engine import fill
from formkit.errors import NotAFormPDFError
from formkit.forms import get_form
from formkit.parse import ParseResult, parse_pdf
from formkit.parse.office import RECORD_NS, Package, docx_units, office_kind
from formkit.pointers import get
from formkit.render.docx import render_docx
from formkit.render.odt import render_odt

from . import handfill
from .conftest import AS_OF, FORM_IDS
from .handfill import Filled, fill_blank, fill_blank_odt, variants

PLAN = "oshpm/destruction-plan"


def _parse(data: bytes, **kw: Any) -> ParseResult:
    return parse_pdf(data, as_of=AS_OF, limits=None, **kw)


def _check(filled: Filled, result: ParseResult, source: str) -> None:
    """Every typed field read back exactly and certain; nothing read that was not typed."""
    where = f"{filled.form_id}/{filled.variant}"
    assert (result.form, result.source) == (filled.form_id, source), where
    conf = result.confidence or {}
    wrong = [(k, v, get(result.data, k)) for k, v in filled.typed.items()
             if get(result.data, k) != v]
    assert not wrong, f"{where}: typed, read otherwise: {wrong}"
    unsure = [(k, conf.get(k)) for k in filled.typed if conf.get(k) != 1.0]
    assert not unsure, f"{where}: read exactly but not certain: {unsure}"
    extra = [k for k in conf if k not in filled.typed]
    assert not extra, f"{where}: read but never typed: {extra}"
    present = [k for k in filled.left_empty if get(result.data, k) is not None]
    assert not present, f"{where}: left empty but read: {present}"


# -- hand-filled blanks ---------------------------------------------------------------------


@pytest.mark.parametrize("form_id", FORM_IDS)
def test_a_hand_filled_blank_docx_parses_back_exactly(form_id: str) -> None:
    for name, record in variants(form_id):
        filled = fill_blank(form_id, name, record)
        assert filled.typed and not filled.no_place
        _check(filled, _parse(filled.docx), "docx")


@pytest.mark.parametrize("form_id", FORM_IDS)
def test_a_hand_filled_blank_odt_parses_back_exactly(form_id: str) -> None:
    for name, record in variants(form_id):
        filled = fill_blank_odt(form_id, name, record)
        assert filled.typed and not filled.no_place
        _check(filled, _parse(filled.docx), "odt")


_FULL_WIDTH = str.maketrans("0123456789,/.-$", "０１２３４５６７８９，／．－＄")


def test_full_width_digits_and_roc_dates_are_normalised(monkeypatch: pytest.MonkeyPatch) -> None:
    """Dates and amounts typed with a Chinese input method's full-width digits."""
    date_text, money_text = handfill._Person.date_text, handfill._Person.money_text
    monkeypatch.setattr(handfill._Person, "date_text",
                        lambda self, iso, ph: date_text(self, iso, ph).translate(_FULL_WIDTH))
    monkeypatch.setattr(handfill._Person, "money_text",
                        lambda self, n: money_text(self, n).translate(_FULL_WIDTH))
    record = dict(variants("ciyue/fee-quote"))["sample"]
    filled = fill_blank("ciyue/fee-quote", "sample", record)
    assert "２" in _document_xml(filled.docx)
    result = _parse(filled.docx)
    _check(filled, result, "docx")
    assert result.data["quote_date"] == record["quote_date"]


def test_every_tick_mark_reads_as_ticked() -> None:
    """■ ☑ ☒ V X ✓ v typed over □ are ticks, as on a printed page."""
    form = get_form("ciyue/fee-quote")
    base = render_docx(form, None)
    for mark in ["■", "☑", "☒", "V", "X", "✓", "V ", "v", "✔"]:
        xml = _document_xml(base)
        # the first box of 評鑑類別 is 新申請 (quote_kind=initial)
        at = xml.index("□", xml.index("評"))
        data = _with_document(base, xml[:at] + mark + xml[at + 1:])
        assert _parse(data).data.get("quote_kind") == "initial", mark


def test_a_blank_reads_nothing() -> None:
    for data, source in ((render_docx(PLAN, None), "docx"), (render_odt(PLAN, None), "odt")):
        result = _parse(data)
        assert (result.form, result.source, result.data) == (PLAN, source, {})
        assert result.empty


def test_office_documents_are_told_by_content_not_name(tmp_path: Path) -> None:
    docx, odt = render_docx(PLAN, None), render_odt(PLAN, None)
    limits = handfill_limits()
    assert office_kind(Package(docx, "x", limits)) == "docx"
    assert office_kind(Package(odt, "x", limits)) == "odt"
    misnamed = tmp_path / "form.pdf"
    misnamed.write_bytes(odt)
    assert parse_pdf(misnamed, limits=None).source == "odt"


def handfill_limits() -> Any:
    from formkit.limits import Limits

    return Limits()


def test_units_follow_the_tables_cell_for_cell() -> None:
    """A vertically merged cell is read in its first row only; word joiners are dropped."""
    units = docx_units(Package(render_docx(PLAN, None), "x", handfill_limits()))
    assert any(u.table for u in units) and any(not u.table for u in units)
    assert not any("\u2060" in c for u in units for c in u.cells)


# -- documents formkit filled -----------------------------------------------------------------


def _filled(form_id: str) -> dict[str, Any]:
    return fill(form_id, get_form(form_id).sample, as_of=AS_OF).record


def _document_xml(data: bytes, part: str = "word/document.xml") -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return z.read(part).decode("utf-8")


def _with_document(data: bytes, xml: str, part: str = "word/document.xml") -> bytes:
    return _replaced(data, {part: xml.encode("utf-8")})


def _replaced(data: bytes, parts: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as zin, zipfile.ZipFile(out, "w") as zout:
        for info in zin.infolist():
            zout.writestr(info, parts.get(info.filename, zin.read(info)))
    return out.getvalue()


def _embedded_errors(result: ParseResult) -> list[str]:
    return [f.path for f in result.findings if f.rule == "embedded" and f.is_error]


@pytest.mark.parametrize("form_id", FORM_IDS)
def test_a_docx_formkit_filled_parses_back_exactly(form_id: str) -> None:
    record = _filled(form_id)
    result = _parse(render_docx(form_id, record))
    assert (result.form, result.source, result.data) == (form_id, "docx", record)
    assert result.confidence is None
    assert not _embedded_errors(result), [f.as_dict("en") for f in result.findings]


@pytest.mark.parametrize("form_id", FORM_IDS)
def test_an_odt_formkit_filled_parses_back_exactly(form_id: str) -> None:
    record = _filled(form_id)
    result = _parse(render_odt(form_id, record))
    assert (result.form, result.source, result.data) == (form_id, "odt", record)
    assert not _embedded_errors(result), [f.as_dict("en") for f in result.findings]


def test_the_record_part_is_only_in_filled_documents_and_deterministic() -> None:
    record = _filled(PLAN)
    filled = render_docx(PLAN, record)
    assert filled == render_docx(PLAN, record)
    with zipfile.ZipFile(io.BytesIO(filled)) as z:
        items = {n: z.read(n) for n in z.namelist() if re.fullmatch(r"customXml/item\d+\.xml", n)}
        ours = [n for n, x in items.items() if RECORD_NS.encode() in x]
        assert len(ours) == 1
        n = re.search(r"\d+", ours[0]).group()  # type: ignore[union-attr]
        assert f"../customXml/item{n}.xml" in z.read("word/_rels/document.xml.rels").decode()
        assert f"/customXml/itemProps{n}.xml" in z.read("[Content_Types].xml").decode()
        assert f"itemProps{n}.xml" in z.read(f"customXml/_rels/item{n}.xml.rels").decode()
        text = items[ours[0]].decode("ascii")
    payload = json.loads(text[text.index("{"):text.rindex("}") + 1])
    assert payload["data"] == record and payload["form"] == PLAN and payload["draft"] is False
    with zipfile.ZipFile(io.BytesIO(render_docx(PLAN, None))) as z:
        assert not any(RECORD_NS.encode() in z.read(n) for n in z.namelist())


def test_a_draft_carries_draft() -> None:
    result = _parse(render_docx(PLAN, _filled(PLAN), draft=True))
    assert result.draft and not _embedded_errors(result)


def _edit_shown(data: bytes, old: str, new: str, part: str) -> bytes:
    xml = _document_xml(data, part)
    assert xml.count(old) == 1, old
    return _with_document(data, xml.replace(old, new), part)


def test_an_edited_value_in_a_filled_docx_is_an_error() -> None:
    record = _filled(PLAN)
    edited = _edit_shown(render_docx(PLAN, record), record["case_no"], "OSH-113-999999",
                         "word/document.xml")
    result = _parse(edited)
    assert result.data == record  # the record is the embedded one ...
    assert "/case_no" in _embedded_errors(result)  # ... and the page disagrees with it
    assert not result.valid


def test_an_edited_value_in_a_filled_odt_is_an_error() -> None:
    record = _filled(PLAN)
    edited = _edit_shown(render_odt(PLAN, record), record["case_no"], "OSH-113-999999",
                         "content.xml")
    assert "/case_no" in _embedded_errors(_parse(edited))


def test_an_edited_record_part_fails_its_digest() -> None:
    record = _filled(PLAN)
    data = render_docx(PLAN, record)
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        name = next(n for n in z.namelist() if RECORD_NS.encode() in z.read(n))
        xml = z.read(name).decode("ascii")
    changed = _replaced(data, {name: xml.replace(record["case_no"], "OSH-113-999999").encode()})
    result = _parse(changed)
    messages = [f.as_dict("en")["message"] for f in result.findings if f.rule == "embedded"]
    assert any("sha256" in m for m in messages)
    assert "/case_no" in _embedded_errors(result)


def test_a_document_of_another_form_is_refused_when_a_form_is_named() -> None:
    data = render_docx(PLAN, _filled(PLAN))
    with pytest.raises(NotAFormPDFError, match="not a ciyue/fee-quote"):
        _parse(data, form="ciyue/fee-quote")


def test_the_worker_reads_office_documents_too() -> None:
    record = _filled(PLAN)
    result = parse_pdf(render_docx(PLAN, record), as_of=AS_OF)  # default limits: the worker
    assert (result.source, result.data) == ("docx", record)


# -- the command line -------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["docx", "odt"])
def test_cli_parses_docx_and_odt(kind: str, tmp_path: Path) -> None:
    record = _filled(PLAN)
    data = render_docx(PLAN, record) if kind == "docx" else render_odt(PLAN, record)
    path = tmp_path / f"filled.{kind}"
    path.write_bytes(data)
    result = CliRunner().invoke(main, ["parse", str(path), "--as-of", "2024-06-01",
                                       "--format", "json"])
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    assert (out["source"], out["data"]) == (kind, record)


def test_cli_parses_a_hand_filled_docx(tmp_path: Path) -> None:
    filled = fill_blank(PLAN, "variant", dict(variants(PLAN))["variant"])
    path = tmp_path / "hand.docx"
    path.write_bytes(filled.docx)
    result = CliRunner().invoke(main, ["parse", str(path), "--as-of", "2024-06-01",
                                       "--format", "json"])
    assert result.exit_code in (0, 1), result.output
    out = json.loads(result.stdout)
    assert out["source"] == "docx" and out["review"] == []
    assert out["data"]["case_no"] == filled.typed["case_no"]
