"""Message translation: catalogue entries, fall-backs to the msgid, and languages."""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo

from formkit import i18n
from formkit.findings import Finding
from formkit.i18n import N_, translate

MISSING = "{field}: required field is missing"
DIFFERS = "{field}: {value} is not one of the allowed values ({allowed})"
BROKEN = "{field}: must be {type}, not {value}"
UNTRANSLATED = "{field}: a message no catalogue has translated"


@pytest.fixture
def catalogue(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A zh_Hant_TW catalogue in a temporary locales/ folder, in place of the real one."""
    cat = Catalog(locale="zh_Hant_TW", domain="formkit")
    cat.add(MISSING, "{field}：必填欄位未填")
    cat.add(DIFFERS, "{field}：{value} 不在允許值（{allowed}）之內")
    cat.add(BROKEN, "{field}：應為 {kind}")  # a translation with a wrong placeholder
    folder = tmp_path / "locales" / "zh_Hant_TW" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    with open(folder / "formkit.mo", "wb") as fh:
        write_mo(fh, cat)

    def data_dir(kind: str) -> Path:
        assert kind == "locales"
        return tmp_path / "locales"

    monkeypatch.setattr(i18n, "data_dir", data_dir)
    i18n._catalogue.cache_clear()
    yield tmp_path / "locales"
    i18n._catalogue.cache_clear()


@pytest.fixture
def no_catalogue(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "locales").mkdir()
    monkeypatch.setattr(i18n, "data_dir", lambda kind: tmp_path / "locales")
    i18n._catalogue.cache_clear()
    yield
    i18n._catalogue.cache_clear()


def test_n_marks_a_message_without_changing_it():
    assert N_(MISSING) is MISSING


def test_translate_uses_the_catalogue_entry_and_fills_placeholders(catalogue):
    assert translate(MISSING, "zh-TW", {"field": "/name"}) == "/name：必填欄位未填"
    text = translate(DIFFERS, "zh-TW", {"field": "/v", "value": "x", "allowed": "a, b"})
    assert text == "/v：x 不在允許值（a, b）之內"


def test_translate_defaults_to_zh_tw(catalogue):
    assert translate(MISSING, params={"field": "/name"}) == "/name：必填欄位未填"


def test_translate_accepts_the_babel_locale_name_too(catalogue):
    assert translate(MISSING, "zh_Hant_TW", {"field": "/a"}) == "/a：必填欄位未填"


def test_translate_falls_back_to_the_msgid_when_the_catalogue_has_no_entry(catalogue):
    assert (
        translate(UNTRANSLATED, "zh-TW", {"field": "/a"})
        == "/a: a message no catalogue has translated"
    )


def test_translate_falls_back_to_the_msgid_when_a_translation_has_a_wrong_placeholder(catalogue):
    params = {"field": "/n", "type": "a whole number", "value": "x"}
    assert translate(BROKEN, "zh-TW", params) == "/n: must be a whole number, not x"


def test_translate_without_params_returns_the_text_unformatted(catalogue):
    assert translate(MISSING, "zh-TW") == "{field}：必填欄位未填"
    assert translate(MISSING, "en") == MISSING


def test_english_is_the_msgid_formatted(catalogue):
    assert translate(MISSING, "en", {"field": "/name"}) == "/name: required field is missing"


def test_translate_falls_back_to_the_msgid_when_there_is_no_catalogue_at_all(no_catalogue):
    assert translate(MISSING, "zh-TW", {"field": "/name"}) == "/name: required field is missing"
    assert translate(MISSING, "en", {"field": "/name"}) == "/name: required field is missing"


@pytest.mark.parametrize("lang", ["fr", "zh-CN", "zh_Hans_CN", "zh-tw", "EN", ""])
def test_translate_refuses_an_unsupported_language(lang):
    with pytest.raises(ValueError, match="unsupported language"):
        translate(MISSING, lang, {"field": "/a"})


def test_finding_text_is_translated_in_the_language_asked_for(catalogue):
    finding = Finding(
        rule="schema", severity="error", path="/name", template=MISSING, params={"field": "/name"}
    )
    assert finding.text("zh-TW") == "/name：必填欄位未填"
    assert finding.text("en") == "/name: required field is missing"
    assert finding.as_dict("en")["message"] == "/name: required field is missing"
    assert finding.message == "/name：必填欄位未填"  # the text in the default language
    assert finding.template == MISSING


def test_a_localised_parameter_reads_in_the_language_of_the_message(catalogue):
    from formkit.i18n import Localised, label

    params = {"field": Localised("/company", "受評業者名稱")}
    assert translate(MISSING, "zh-TW", params) == "受評業者名稱：必填欄位未填"
    assert translate(MISSING, "en", params) == "/company: required field is missing"
    assert label("major", "主要缺點") == "major (主要缺點)"
    assert label("major", "主要缺點").text("zh-TW") == "主要缺點"
    assert label("x", None) == "x" and not isinstance(label("x", None), Localised)
