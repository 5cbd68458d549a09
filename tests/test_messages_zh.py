"""What a zh-TW user reads is plain Traditional Chinese; what an en user reads is English.

Three checks:

- the zh_Hant_TW catalogue is complete: every message id of the ``.pot``, of the ``.po``
  and of src/ has a non-empty translation with the same ``{placeholders}``;
- every finding of every form's invalid cases (tests/cases/ and the samples broken on
  purpose: wrong types, missing required fields, impossible dates, wrong derived values),
  and the summaries that close a report, read in zh-TW without an English word or an
  internal code (:func:`latin_words`); a value the user typed is quoted 「…」 and may be
  anything;
- the same findings read in English with ``--lang en``.
"""

from __future__ import annotations

import copy
import json
import re
import string
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from formkit.engine import Report, validate
from formkit.findings import Finding
from formkit.forms import Form, catalog, get_form
from formkit.schema import date_pointers, read_only_pointers

ROOT = Path(__file__).resolve().parents[1]
LOCALES = ROOT / "locales"
CASES = Path(__file__).parent / "cases"
AS_OF = date(2024, 6, 1)

# Latin words a zh-TW text may hold: acronyms and units of the forms themselves.
ALLOWED = {"formkit", "CNS", "MIT", "ISO", "IEC", "PDF", "DOCX", "ODT", "JSON", "SHA", "MiB",
           "KiB", "NT", "ILAC", "IAF", "APAC", "QR"}
# Names a message may cite: rule ids (MIT-R18, CY-R27, X-01), the catalogue's readings
# (AMB-33), form ids (mit/annex-07-qms-assessment), the seeds' clauses (S1 §9③), the
# commands, options and environment variables of formkit (formkit batch, --resume,
# FORMKIT_FONT), file formats (JSON Lines, .json) and code points (U+1F970).
IDS = re.compile(
    r"\b(?:[A-Z]{1,4}-R?\d+[a-z]?|AMB-\d+|(?:mit|cnsmark(?:-legacy)?|ciyue|oshpm)/[a-z0-9-]+|S\d"
    r"|U\+[0-9A-F]{4,6}|formkit [a-z]+|[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+|JSON Lines)\b"
    r"|--[a-z-]+|\.[a-z]{2,4}\b"
)
WORD = re.compile(r"[A-Za-z][A-Za-z_']*[A-Za-z]")
QUOTED = re.compile(r"「([^「」]*)」")


# ---------------------------------------------------------------- the check itself


def _typed(record: Any) -> set[str]:
    """Every value of a record as a message may quote it (text as is, anything else as JSON)."""
    out: set[str] = set()

    def walk(value: Any) -> None:
        out.add(value if isinstance(value, str) else json.dumps(value, ensure_ascii=False))
        for child in value.values() if isinstance(value, dict) else (
                value if isinstance(value, list) else ()):
            walk(child)

    walk(record)
    return out


def _users(quoted: str, typed: set[str]) -> bool:
    if quoted in typed:
        return True
    return quoted.endswith("…") and any(t.startswith(quoted[:-1]) for t in typed)


def latin_words(text: str, typed: set[str] = frozenset()) -> list[str]:
    """The English words and internal codes of a zh-TW text, apart from the user's own
    values quoted 「…」, the ids a message may cite and the acronyms of :data:`ALLOWED`."""
    while True:  # innermost quotes first: a label may quote, and be quoted
        stripped = QUOTED.sub(lambda m: "" if _users(m[1], typed) else f"〔{m[1]}〕", text)
        if stripped == text:
            break
        text = stripped
    text = IDS.sub("", text)
    return [w for w in WORD.findall(text) if w not in ALLOWED]


def _readable(findings: list[Finding], record: Any) -> None:
    typed = _typed(record)
    for f in findings:
        zh, en = f.text("zh-TW"), f.text("en")
        assert f.message == zh, "Finding.message is the zh-TW text"
        assert not latin_words(zh, typed), (f.rule, f.path, zh, latin_words(zh, typed))
        assert "{" not in zh and "{" not in en, (f.rule, zh, en)
        assert len(WORD.findall(QUOTED.sub("", en))) >= 2 and en != zh, (f.rule, en)
        assert "DESIGN" not in zh + en + f.citation, (f.rule, f.citation)


def test_the_check_finds_english_and_codes_and_spares_what_the_user_typed() -> None:
    assert latin_words("填寫值 pass 與計算值 fail 不符") == ["pass", "fail"]
    assert latin_words("應為 true or false，而非 yes") == ["true", "or", "false", "yes"]
    assert latin_words("評定為 major (主要缺點)") == ["major"]
    assert latin_words("判定結果為「corrective_plan」", {"x"}) == ["corrective_plan"]
    assert latin_words("品名：「Hello world」格式不符", {"Hello world"}) == []
    assert latin_words("依 CNS 12681（ISO 9001）；MIT-R18、AMB-33、S1 §9③；mit/annex-07") == []


def test_an_untranslated_message_fails_the_check() -> None:
    """The check must be able to fail: a message id no catalogue has reads as English."""
    finding = Finding(rule="X-99", severity="error", path="/a",
                      template="{field}: a message no catalogue has translated",
                      citation="S0", params={"field": "受評業者名稱"})
    with pytest.raises(AssertionError):
        _readable([finding], {})


# ---------------------------------------------------------------- the catalogue


def _po(path: Path) -> dict[str, Any]:
    with open(path, "rb") as fh:
        return {m.id: m for m in read_po(fh) if m.id}


def _placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


ZH = _po(LOCALES / "zh_Hant_TW" / "LC_MESSAGES" / "formkit.po")
SRC = {m for _, _, m, _, _ in extract_from_dir(str(ROOT / "src"), keywords={"N_": None},
                                               method_map=[("**.py", "python")])}
MSGIDS = sorted(set(_po(LOCALES / "formkit.pot")) | set(ZH) | SRC)


@pytest.mark.parametrize("msgid", MSGIDS, ids=lambda m: m[:60])
def test_every_message_has_a_chinese_translation_with_the_same_placeholders(msgid: str) -> None:
    entry = ZH.get(msgid)
    assert entry is not None and isinstance(entry.string, str) and entry.string.strip(), msgid
    assert _placeholders(entry.string) == _placeholders(msgid)


def _extracted(*paths: Path) -> set[str]:
    from babel.messages.extract import extract_from_file

    files = [f for p in paths for f in ([p] if p.is_file() else sorted(p.rglob("*.py")))]
    return {m for f in files for _, m, _, _ in extract_from_file("python", str(f),
                                                                 keywords={"N_": None})}


# The messages of findings: the rules' (periods.py raises errors), the schema's, the engine's.
FINDING_MSGIDS = sorted(
    _extracted(*(ROOT / "src/formkit" / p for p in ("rules", "schema.py", "engine.py")))
    - _extracted(ROOT / "src/formkit/rules/periods.py"))


@pytest.mark.parametrize("msgid", FINDING_MSGIDS, ids=lambda m: m[:60])
def test_no_translation_of_a_finding_leaves_an_english_word(msgid: str) -> None:
    text = re.sub(r"\{[^}]*\}", "", ZH[msgid].string)
    assert not latin_words(text), (msgid, latin_words(text))


# ---------------------------------------------------------------- records broken on purpose


def _pointer(parts: tuple[Any, ...]) -> str:
    return "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in parts)


def _leaves(value: Any, parts: tuple[Any, ...] = ()) -> Iterator[tuple[tuple[Any, ...], Any]]:
    if isinstance(value, dict):
        for key, child in value.items():
            yield from _leaves(child, (*parts, key))
    elif isinstance(value, list) and value and isinstance(value[0], dict | list):
        yield from _leaves(value[0], (*parts, 0))
    else:
        yield parts, value


def _set(record: dict[str, Any], parts: tuple[Any, ...], value: Any) -> dict[str, Any]:
    out = copy.deepcopy(record)
    node: Any = out
    for part in parts[:-1]:
        node = node[part]
    if value is _DELETE:
        del node[parts[-1]]
    else:
        node[parts[-1]] = value
    return out


_DELETE = object()


def _wrong_type(value: Any) -> Any:
    if isinstance(value, bool):
        return "yes"
    if isinstance(value, int | float):
        return "twelve"
    if isinstance(value, str):
        return 12
    return "text"


def _wrong_derived(value: Any) -> Any:
    if isinstance(value, bool):
        return not value
    if isinstance(value, int | float):
        return value + 1
    if isinstance(value, str):
        days = re.fullmatch(r"(\d{4}-\d{2}-)(\d{2})", value)
        if days:
            return f"{days[1]}{int(days[2]) % 28 + 1:02d}"
        return {"pass": "fail"}.get(value, "pass")
    return value


def _matches(pattern: str, record: Any) -> Iterator[tuple[tuple[Any, ...], Any]]:
    def walk(node: Any, rest: list[str], parts: tuple[Any, ...]):
        if not rest:
            yield parts, node
        elif rest[0] == "*" and isinstance(node, list):
            for i, item in enumerate(node):
                yield from walk(item, rest[1:], (*parts, i))
        elif isinstance(node, dict) and rest[0] in node:
            yield from walk(node[rest[0]], rest[1:], (*parts, rest[0]))

    yield from walk(record, pattern.split("/")[1:], ())


def broken(form: Form) -> Iterator[tuple[str, dict[str, Any]]]:
    """(what was broken, record) for the form's sample broken in every way of the brief."""
    sample = form.sample
    for parts, value in _leaves(sample):
        where = _pointer(parts)
        yield f"type {where}", _set(sample, parts, _wrong_type(value))
        if isinstance(parts[-1], str):
            yield f"missing {where}", _set(sample, parts, _DELETE)
    for pattern in date_pointers(form.schema):
        for parts, _ in _matches(pattern, sample):
            for day in ("113/2/30", "112/2/29", "2024-04-31", "113/13/01", "明年"):
                yield f"date {_pointer(parts)}={day}", _set(sample, parts, day)
            yield f"western date {_pointer(parts)}", _set(sample, parts, "2024/5/20")
    filled = validate(form, sample, as_of=AS_OF).record
    for pattern in read_only_pointers(form.schema):
        for parts, value in _matches(pattern, filled):
            for leaf, old in _leaves(value, parts):
                yield f"derived {_pointer(leaf)}", _set(filled, leaf, _wrong_derived(old))


CASE_FILES = sorted(CASES.glob("*/*/invalid/*.json"))
BROKEN = [(form.id, what, record) for form in catalog() for what, record in broken(form)]


@pytest.mark.parametrize("path", CASE_FILES, ids=lambda p: str(p.relative_to(CASES)))
def test_findings_of_the_invalid_cases_read_as_chinese(path: Path) -> None:
    doc = json.loads(path.read_text(encoding="utf-8"))
    form = f"{path.parts[-4]}/{path.parts[-3]}"
    as_of = date.fromisoformat(doc.get("as_of", "2024-06-01"))
    report = validate(form, doc["record"], as_of=as_of, options=doc.get("options"))
    assert report.findings
    _readable(report.findings, doc["record"])


@pytest.mark.parametrize("path", sorted(CASES.glob("_case/*.json")), ids=lambda p: p.name)
def test_findings_of_the_cross_document_cases_read_as_chinese(path: Path) -> None:
    from formkit.case import check_case

    doc = json.loads(path.read_text(encoding="utf-8"))
    as_of = date.fromisoformat(doc.get("as_of", "2024-06-01"))
    report = check_case(doc["documents"], as_of=as_of, options=doc.get("options"))
    _readable(report.findings, [d["data"] for d in doc["documents"]])
    assert not latin_words(report.summary("zh-TW"))
    assert report.summary("en").startswith(f"case of {len(report.forms)} form(s) ")


@pytest.mark.parametrize(
    ("form", "what", "record"),
    [pytest.param(*b, id=f"{b[0]}:{b[1]}") for b in BROKEN],
)
def test_findings_of_broken_samples_read_as_chinese(form: str, what: str, record: dict) -> None:
    report = validate(form, record, as_of=AS_OF)
    _readable(report.findings, record)


def test_the_broken_samples_cover_every_form_and_every_kind_of_break() -> None:
    kinds = {(form, what.split()[0]) for form, what, _ in BROKEN}
    for form in catalog():
        # A derived value the sample gives no input for (a ban's end without a 廢止) is not
        # in its filled record to break.
        filled = validate(form, form.sample, as_of=AS_OF).record
        derived = ("derived",) if any(
            value not in (None, [], {}) for pattern in read_only_pointers(form.schema)
            for _, value in _matches(pattern, filled)) else ()
        for kind in ("type", "missing", "date", "western", *derived):
            assert (form.id, kind) in kinds, (form.id, kind)


@pytest.mark.parametrize(
    ("value", "text"),
    [
        ("113/2/30", "「113/2/30」不是實際存在的日期（2 月沒有 30 日）"),
        ("2024-04-31", "「2024-04-31」不是實際存在的日期（4 月沒有 31 日）"),
        ("112/2/29", "「112/2/29」不是實際存在的日期（民國 112 年不是閏年，2 月沒有 29 日）"),
        ("113/13/01", "「113/13/01」不是實際存在的日期（沒有 13 月）"),
    ],
)
def test_an_impossible_day_is_called_so_and_not_a_format_error(value: str, text: str) -> None:
    record = dict(get_form("oshpm/destruction-plan").sample, date=value)
    found = [f for f in validate("oshpm/destruction-plan", record, as_of=AS_OF).errors
             if f.path == "/date"]
    assert [f.message for f in found] == [f"申請日期：{text}"]
    assert "is not a real day" in found[0].text("en")


def test_a_western_year_with_slashes_is_read_as_the_roc_one_is() -> None:
    form = get_form("oshpm/destruction-plan")
    western = validate(form, dict(form.sample, date="2024/5/20"), as_of=AS_OF)
    roc = validate(form, dict(form.sample, date="113/5/20"), as_of=AS_OF)
    assert western.record["date"] == roc.record["date"] == "2024-05-20"
    assert [f.rule for f in western.findings] == [f.rule for f in roc.findings]
    assert [f.severity for f in western.findings if f.path == "/date"] == ["info"]


def test_a_field_is_named_by_its_label_not_by_its_path() -> None:
    form = get_form("mit/annex-07-qms-assessment")
    record = {k: v for k, v in form.sample.items() if k != "company"}
    [missing] = [f for f in validate(form, record, as_of=AS_OF).errors if f.path == "/company"]
    assert missing.message == "受評業者名稱：必填欄位未填"


def test_a_derived_choice_is_named_by_its_label_in_zh_and_code_and_label_in_en() -> None:
    path = CASES / "mit/annex-07-qms-assessment/invalid/r19_verdict_pass_despite_defects.json"
    doc = json.loads(path.read_text(encoding="utf-8"))
    report = validate("mit/annex-07-qms-assessment", doc["record"],
                      as_of=date.fromisoformat(doc["as_of"]))
    [f] = [f for f in report.errors if f.path == "/summary/verdict"]
    assert "「通過」" in f.message and "corrective_plan" not in f.message
    assert "pass (通過)" in f.text("en")


# ---------------------------------------------------------------- summaries


def test_the_summary_of_a_report_reads_as_chinese_and_as_english() -> None:
    errors = [Finding("schema", "error", "/a", "{field}: required field is missing",
                      params={"field": "a"})] * 3
    invalid, valid = Report("ciyue/fee-quote", {}, errors), Report("mit/annex-09", {}, [])
    assert invalid.summary() == "ciyue/fee-quote：有 3 項錯誤"
    assert valid.summary("zh-TW") == "mit/annex-09：無錯誤"
    assert invalid.summary("en") == "ciyue/fee-quote: invalid: 3 error(s)"
    assert valid.summary("en") == "mit/annex-09: valid"


# ---------------------------------------------------------------- the batch report


def _fake_docx(form: Any, record: dict[str, Any]) -> bytes:
    return json.dumps(record).encode()


def _glyphless(form: Any, record: dict[str, Any]) -> bytes:
    from formkit.errors import MissingGlyphError

    raise MissingGlyphError("\U0001f970", "/holder/name", "Noto Sans CJK TC")


def _batch(tmp_path: Path, lang: str, renderer: Any = _fake_docx) -> tuple[str, dict[str, Any]]:
    from formkit.batch import run_batch

    cert = "mit/annex-11-product-certificate"
    sample = get_form(cert).sample
    lines = [
        json.dumps(sample, ensure_ascii=False),
        '{"cert_no": "MIT-TX-113-0003", oops}',
        "[1, 2]",
        json.dumps(dict(sample, valid_to="2030-01-01"), ensure_ascii=False),
        json.dumps(sample, ensure_ascii=False),
    ]
    src = tmp_path / "c.jsonl"
    src.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = tmp_path / lang
    result = run_batch(cert, src, out, formats="docx", as_of=AS_OF, lang=lang,
                       renderers={"docx": renderer})
    text = (out / "batch-report.txt").read_text(encoding="utf-8")
    # What is the user's own: file and folder names.
    names = sorted({str(src), str(out), *(o.name for i in result.items for o in i.outputs)},
                   key=len, reverse=True)
    data = (out / "batch-report.json").read_text(encoding="utf-8")
    for name in names:
        text, data = text.replace(name, ""), data.replace(json.dumps(name)[1:-1], "")
    return text, json.loads(data)


def test_every_line_of_the_batch_report_reads_as_chinese(tmp_path: Path) -> None:
    text, data = _batch(tmp_path, "zh-TW")
    for line in text.splitlines():
        # A finding's line starts with its rule and path, as the command line prints it.
        shown = re.sub(r"^\s+\S+ /\S*: ", "", line)
        assert not latin_words(shown), (line, latin_words(shown))
    reasons = [r["message"] for rec in data["records"] for r in rec.get("reasons", [])]
    assert len(reasons) == 4
    for reason in reasons:
        assert not latin_words(reason), reason
    assert "第 2 行" in reasons[0] and "第 3 行" in reasons[1]  # the line, named in Chinese


def test_a_render_error_in_the_batch_report_reads_as_chinese(tmp_path: Path) -> None:
    text, data = _batch(tmp_path, "zh-TW", _glyphless)
    glyph = [r["message"] for rec in data["records"] for r in rec.get("reasons", [])
             if r["code"] == "render"]
    assert glyph
    for message in glyph:  # the field is named by its path, the fonts by their names
        shown = message.replace("/holder/name", "").replace("Noto Sans CJK TC", "")
        assert "U+1F970" in message and not latin_words(shown), message


def test_the_batch_report_reads_as_english_with_lang_en(tmp_path: Path) -> None:
    text, data = _batch(tmp_path, "en")
    assert text.startswith("formkit batch report")
    reasons = [r["message"] for rec in data["records"] for r in rec.get("reasons", [])]
    assert "malformed JSON" in reasons[0]
    assert "a record must be a JSON object, not list" in reasons[1]
