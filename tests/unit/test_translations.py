"""The shipped zh_Hant_TW catalogue: complete, placeholder-safe, compiled and current.

``scripts/messages.sh`` extracts the message ids from src/, merges them into the
catalogues and compiles the ``.mo`` files. These tests fail when a message is left
untranslated, when a translation drops or invents a ``{placeholder}``, when the ``.mo``
is stale, or when src/ gains a message id the ``.po`` does not have yet.
"""

from __future__ import annotations

import re
import string
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

from formkit import i18n
from formkit.i18n import translate

ROOT = Path(__file__).resolve().parents[2]
LOCALES = ROOT / "locales"
PO = LOCALES / "zh_Hant_TW" / "LC_MESSAGES" / "formkit.po"
MO = PO.with_suffix(".mo")

# A CJK ideograph or full-width punctuation mark next to (or a space away from) a half-width
# , : ; ( ) means the Chinese text used ASCII punctuation where 「，：；（）」 belong.
_CJK = r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]"
_ASCII_PUNCT_NEXT_TO_CJK = re.compile(rf"{_CJK} *[,:;()]|[,:;()] *{_CJK}")


def _catalog():
    with open(PO, "rb") as fh:
        return read_po(fh, locale="zh_Hant_TW", domain="formkit")


CATALOG = _catalog()
MESSAGES = [m for m in CATALOG if m.id]


def _placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


@pytest.fixture
def shipped_catalogue():
    """The real locales/ folder, with the cached gettext catalogues dropped before and after."""
    i18n._catalogue.cache_clear()
    yield
    i18n._catalogue.cache_clear()


def test_the_catalogue_has_messages():
    assert len(MESSAGES) > 100


@pytest.mark.parametrize("message", MESSAGES, ids=lambda m: m.id[:60])
def test_every_message_is_translated_with_the_same_placeholders(message):
    assert isinstance(message.string, str) and message.string.strip(), "untranslated"
    assert not message.fuzzy, "a fuzzy entry is not compiled into the .mo"
    assert _placeholders(message.string) == _placeholders(message.id)


@pytest.mark.parametrize("message", MESSAGES, ids=lambda m: m.id[:60])
def test_translations_use_full_width_punctuation(message):
    assert not _ASCII_PUNCT_NEXT_TO_CJK.search(message.string), message.string


def test_the_catalogue_has_no_obsolete_entries():
    assert not CATALOG.obsolete, sorted(CATALOG.obsolete)


def test_the_compiled_mo_matches_the_po():
    with open(MO, "rb") as fh:
        compiled = {m.id: m.string for m in read_mo(fh) if m.id}
    assert compiled == {m.id: m.string for m in MESSAGES}, "run scripts/messages.sh"


REAL = {
    "{field}: required field is missing": {"field": "/company"},
    "{field}: {value} is not a valid 統一編號 (checksum)": {
        "field": "/tax_id",
        "value": "12345678",
    },
    "the plan counts as submitted on {effective}, after the deadline {deadline}; "
    "the closure should be 'failed'": {"effective": "2024-03-02", "deadline": "2024-03-01"},
    "the destruction must be completed by {deadline}": {"deadline": "2024-07-01"},
}


@pytest.mark.parametrize("msgid", sorted(REAL))
def test_translate_returns_the_shipped_translation(shipped_catalogue, msgid):
    entry = CATALOG.get(msgid)
    assert entry is not None, f"{msgid!r} is no longer a message id"
    params = REAL[msgid]
    assert translate(msgid, "zh-TW", params) == entry.string.format(**params)
    assert translate(msgid, "zh-TW") == entry.string
    assert translate(msgid, "en", params) == msgid.format(**params)


def test_translate_fills_a_real_message_as_expected(shipped_catalogue):
    assert translate("{field}: required field is missing", "zh-TW", {"field": "/company"}) == (
        "/company：必填欄位未填"
    )


def test_the_po_holds_exactly_the_message_ids_of_src():
    extracted = {
        message
        for _, _, message, _, _ in extract_from_dir(
            str(ROOT / "src"), method_map=[("**.py", "python")], keywords={"N_": None}
        )
    }
    in_po = {m.id for m in MESSAGES}
    assert sorted(extracted - in_po) == [], "new messages: run scripts/messages.sh and translate"
    assert sorted(in_po - extracted) == [], "stale messages: run scripts/messages.sh"


def test_a_finding_shows_its_days_in_roc_style_in_chinese_and_iso_in_english(shipped_catalogue):
    from datetime import date as day

    from formkit.findings import Finding

    finding = Finding(rule="X", severity="error", path="/d",
                      template="the destruction must be completed by {deadline}",
                      params={"deadline": "2024-07-01"}, expected="2024-07-01")
    assert "113年7月1日" in finding.text("zh-TW") and "2024" not in finding.text("zh-TW")
    assert finding.text("en") == "the destruction must be completed by 2024-07-01"
    assert finding.as_dict("zh-TW")["expected"] == "2024-07-01"
    other = finding.with_(params={"deadline": day(2024, 7, 1)})
    assert "113年7月1日" in other.text("zh-TW")
    kept = finding.with_(params={"deadline": "2024-07-01 10:00"})  # not a bare day: as given
    assert "2024-07-01 10:00" in kept.text("zh-TW")
