"""Choice fields: oneOf const/title options, labels printed verbatim, labels accepted as input."""

from __future__ import annotations

import copy
import json
import re
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from formkit.cli import main
from formkit.engine import normalise, validate
from formkit.forms import catalog, get_form
from formkit.pointers import tokens
from formkit.render.model import Seg, build, format_value, iter_segments, options
from formkit.render.segments import DATE_BLANK
from formkit.resources import data_dir
from formkit.schema import (
    choice_code,
    choice_fields,
    choice_label,
    choices,
    fold,
    schema_findings,
)

AS_OF = date(2024, 6, 1)
PLAN = "mit/annex-09-corrective-plan"
FORMS = [form.id for form in catalog()]
SCHEMAS = sorted(data_dir("schemas").rglob("*.schema.json"))

# 附件十 附錄三's eleven 課目 (s01–s11).
_SUBJECTS = {
    "s01": "臺灣製MIT微笑產品驗證制度及品質管理系統發展趨勢介紹",
    "s02": "原產地認定作業標準說明與實作(含附加價值率認定及特殊製程認定)",
    "s03": "書面審查注意事項說明暨驗證系統操作",
    "s04": "臺灣製MIT微笑產品驗證制度工廠品質管理系統評核表及評核人員注意事項說明",
    "s05": "設備管理及其稽核重點，與個案演練",
    "s06": "原物料管理及其稽核重點，與個案演練",
    "s07": "製程作業管理及其稽核重點，與個案演練",
    "s08": "人員管理及其稽核重點，與個案演練",
    "s09": "檢測作業管理及其稽核重點，與個案演練",
    "s10": "顧客關係管理及其稽核重點，與個案演練",
    "s11": "測驗",
}
# Choices the forms print as a value rather than as tick boxes: their verbatim labels.
PRINTED_AS_VALUES = {
    # 附錄六 不定期: the 查核案由 column names each report's 案由 in words; it ticks nothing.
    ("mit/annex-15-app-06b-annual-summary-unscheduled", "rows.case"): {
        "quality": "產品品質異常", "origin": "產地標示不實",
        "misuse": "冒用、偽造或變造 MIT 微笑標章", "revocation": "撤銷/廢止後通路查核"},
    # A certificate states the holder's kind and category as text; it ticks nothing.
    ("mit/annex-04-cb-accreditation-certificate", "cb.org_type"): {
        "government": "政府機關(構)", "juridical": "法人組織", "research": "學術研究機構",
        "college": "大專以上院校", "enterprise": "公(民)營事業機構"},
    ("mit/annex-04-cb-accreditation-certificate", "scope.category"): {
        "cat1": "第一類產品之各別產業驗證機構", "cat3": "第三類產品之驗證機構"},
    ("ciyue/fee-quote", "lines.due"): {
        "before_inspection": "申請及查驗階段", "upon_approval": "通過評鑑後"},
    ("cnsmark/application", "att.translations.translates"): {
        "registration": "公司或商業登記證明文件影本，以及工廠登記或其他相當之證明文件影本",
        "basic_data": "廠商基本資料",
        "qms_or_inspection": "品管系統驗證證書或工廠檢查報告影本",
        "test_report": "六個月內產品檢驗合格報告書影本",
        "power_of_attorney": "委任書",
        "other_mark_report": "其他驗證標誌最近一次試驗報告",
    },
    **{("mit/annex-07-qms-assessment", f"items.{item}.evidence.spec"): {
        "ok": "已建立且完整", "incomplete": "不完整", "none": "未建立"}
       for item in ("i1_1", "i1_2", "i2_1", "i2_2", "i3_1", "i3_2", "i4_1", "i4_2", "i5_1",
                    "i5_2", "i6_1")},
    **{("mit/annex-07-qms-assessment", f"items.{item}.evidence.records"): {
        "ok": "完整", "incomplete": "不完整", "none": "無紀錄"}
       for item in ("i1_1", "i1_2", "i2_1", "i2_2", "i3_1", "i3_2", "i4_1", "i4_2", "i5_1",
                    "i5_2", "i6_1")},
    # A letter states the breached provision and the ground of a 重大缺失 as text (issue 15).
    ("mit/annex-13-correction-notice", "violation.basis"): {
        "p37": "違反第三十七點規定將MIT微笑標章用於未獲授權使用產品或作為他用",
        "p38": "未依第三十八點第二項規定申請自行印製而自行印製",
        "p39": "違反第三十九點規定無故規避、妨礙或拒絕相關單位所進行之不定期現場評核及產品抽驗",
        "p43_4": ("經現場評核及產品抽驗，其產品不符合產品品質驗證基準，或生產製程、使用材料及"
                  "使用配方與申請文件所載資訊不符"),
        "a13_5": "未依本署所訂MIT微笑標章使用原則之規定使用",
    },
    ("mit/annex-15-notices", "deficiency_ground"): {
        "a15_8_1": "原產地認定經查核不符合本要點第十七點規定者",
        "a15_8_2_1": "經評核有本要點第二十八點所定一項以上嚴重缺點者",
        "a15_8_2_2": "經評核有本要點第二十八點所定之主要缺點、次要缺點，經通知改善而未改善者",
        "a15_8_3": "產品品質檢驗不符合第二十點相關規定，經通知改善而未改善者",
        "a15_8_4_1": ("違反「臺灣製產品MIT微笑標章推動及管理辦法」第十條、第十一條及第十二條之"
                      "規定，經通知改善而未改善者"),
        "a15_8_4_2": "未依驗證機構與其簽訂之合約使用MIT微笑標章，經通知改善而未改善者",
        "a15_8_4_3": "其他經認證審議會認定為重大缺失之情形",
        "a16_5_1": "偽造、變造或提供虛偽不實之驗證文件",
        "a16_5_2": "違反附件十三授權標章使用，經通知改善而未改善者",
        "a16_5_3": "未依本要點執行驗證業務或驗證紀錄不實，經通知改善而未改善者",
        "a16_5_4": "未執行獲證業者追蹤管理，經通知改善而未改善者",
        "a16_5_5": "其他經認證審議會認定為重大缺失之情形（驗證機構）",
    },
    # 附件十 附錄三's eleven 課目, printed by name in the offset tables of the training forms.
    **{key: _SUBJECTS for key in (
        ("mit/annex-10-app-01-training-plan", "rules.offset_subjects.subject"),
        ("mit/annex-10-trainee-registration", "offset_claims.subject"))},
}


def _walk(node: Any, where: str = "") -> list[tuple[str, dict[str, Any]]]:
    """Every object of a JSON document with its location."""
    out = []
    if isinstance(node, dict):
        out.append((where, node))
        for k, v in node.items():
            out.extend(_walk(v, f"{where}/{k}"))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            out.extend(_walk(v, f"{where}/{i}"))
    return out


def _key(pattern: str) -> str:
    return ".".join(t for t in tokens(pattern) if t != "*")


# --- the schemas --------------------------------------------------------------------------


def test_there_are_schemas_to_check() -> None:
    assert len(SCHEMAS) == len(FORMS) >= 8


@pytest.mark.parametrize("path", SCHEMAS, ids=lambda p: p.stem)
def test_no_schema_lists_choices_as_a_bare_enum(path: Path) -> None:
    schema = json.loads(path.read_text(encoding="utf-8"))
    assert [where for where, node in _walk(schema) if "enum" in node] == []


@pytest.mark.parametrize("path", SCHEMAS, ids=lambda p: p.stem)
def test_every_oneof_of_consts_gives_each_option_a_code_and_a_label(path: Path) -> None:
    schema = json.loads(path.read_text(encoding="utf-8"))
    seen = 0
    for where, node in _walk(schema):
        opts = node.get("oneOf")
        if not isinstance(opts, list) or not any("const" in o for o in opts):
            continue
        seen += 1
        assert node.get("type") == "string", where
        for option in opts:
            assert set(option) == {"const", "title"}, (where, option)
            assert isinstance(option["const"], str) and option["const"], (where, option)
            assert isinstance(option["title"], str) and option["title"].strip(), (where, option)
            assert option["title"] == option["title"].strip(), (where, option)
        codes = [o["const"] for o in opts]
        titles = [fold(o["title"]) for o in opts]
        assert len(set(codes)) == len(codes) and len(set(titles)) == len(titles), where
        assert choices(node) == {o["const"]: o["title"] for o in opts}
    assert seen, "a form with no choice field"


ENUM_FORMS = ("ciyue/fee-quote", "cnsmark/application", "cnsmark/product-test-report",
              "cnsmark/qms-or-factory-inspection-report", "mit/annex-07-qms-assessment",
              "mit/annex-09-corrective-plan", "mit/annex-11-product-certificate",
              "oshpm/destruction-plan")


def test_the_catalogue_has_the_choice_fields_it_had_as_enums() -> None:
    counts = {form.id: len(choice_fields(form.schema)) for form in catalog()}
    # the 64 enums the schemas of the forms before issue 14 had
    assert sum(counts[f] for f in ENUM_FORMS) == 64
    assert counts["mit/annex-07-qms-assessment"] == 40


@pytest.mark.parametrize("form_id", FORMS)
def test_labels_come_from_the_schema_alone(form_id: str) -> None:
    assert "labels" not in get_form(form_id).meta  # one place for a label: its oneOf title


# --- the labels are the printed ones --------------------------------------------------------


@pytest.mark.parametrize("form_id", FORMS)
def test_each_title_is_the_text_printed_beside_its_tick_box(form_id: str) -> None:
    form = get_form(form_id)
    printed: dict[tuple[str, str], list[str]] = {}
    for block_segs in _cells(build(form, None, worksheet=True)):
        for group in options(block_segs)[1:]:
            box = group[0]
            if box.code is None:
                continue
            text = "".join(_printed(s) for s in group[1:] if s.kind != "box")
            key = re.sub(r"\.\d+(?=\.|$)", "", box.key)
            printed.setdefault((key, box.code), []).append(fold(text))
    fields = choice_fields(form.schema)
    for pattern, opts in fields.items():
        key = _key(pattern)
        if (form_id, key) in PRINTED_AS_VALUES or key == "lines.item":
            continue
        for code, title in opts.items():
            texts = printed.get((key, str(code)))
            assert texts, f"{key}={code} has no tick box"
            assert all(fold(title) in t for t in texts), (key, code, title, texts)


def _printed(seg: Seg) -> str:
    """A segment as a blank prints it: an empty date is the fill-in 「　　 年 　 月 　 日」."""
    if seg.kind == "value" and not seg.text and seg.fmt.startswith("date"):
        return DATE_BLANK
    return seg.text


def _cells(doc: Any) -> list[list[Any]]:
    """The segments of every cell and paragraph of a document (its worksheet's included)."""
    out = []
    for block in [*doc.blocks, *doc.worksheet]:
        out.extend(cell.segs for row in block.rows for cell in row)
        if block.text:
            out.append(block.text)
    return out


@pytest.mark.parametrize(("form_id", "key"), sorted(PRINTED_AS_VALUES))
def test_a_choice_printed_as_a_value_prints_its_verbatim_label(form_id: str, key: str) -> None:
    form = get_form(form_id)
    labels = PRINTED_AS_VALUES[(form_id, key)]
    pattern = "/" + key.replace(".", "/")
    opts = choice_fields(form.schema).get(pattern) or next(
        o for p, o in choice_fields(form.schema).items() if _key(p) == key)
    assert opts == labels
    concrete = re.sub(r"^(lines|att\.translations|rules\.offset_subjects|offset_claims|rows)\.",
                      r"\g<1>.0.", key)
    for code, label in labels.items():
        assert format_value(form, concrete, code)[0] == label


def test_a_fee_line_is_named_by_its_item_which_is_its_own_label() -> None:
    opts = choice_fields(get_form("ciyue/fee-quote").schema)["/lines/*/item"]
    assert opts and all(code == label for code, label in opts.items())


def test_no_page_prints_a_choice_code() -> None:
    form = get_form("ciyue/fee-quote")
    record = validate(form, form.sample, as_of=AS_OF).record
    shown = "".join(s.text for s in iter_segments(build(form, record)))
    assert "before_inspection" not in shown and "upon_approval" not in shown
    assert "申請及查驗階段" in shown


# --- the helpers ----------------------------------------------------------------------------

NODE = {"type": "string", "oneOf": [
    {"const": "in_person", "title": "親自送件"},
    {"const": "mail", "title": "郵寄"},
    {"const": "qms", "title": "品管系統驗證（CNS 12681（ISO 9001））"},
]}


def test_choices_and_labels() -> None:
    assert choices(NODE) == {"in_person": "親自送件", "mail": "郵寄",
                             "qms": "品管系統驗證（CNS 12681（ISO 9001））"}
    assert choice_label(NODE, "mail") == "郵寄"
    assert choice_label(NODE, "post") == "post"  # not an option: printed as given
    assert choices({"type": "string"}) == {}
    assert choices({"oneOf": [{"type": "string"}, {"type": "integer"}]}) == {}  # no choice
    assert choices({"enum": ["a", "b"]}) == {}  # a bare enum is no choice field


@pytest.mark.parametrize(("given", "code"), [
    ("mail", "mail"),
    ("郵寄", "mail"),
    ("  郵寄 ", "mail"),
    ("郵　寄", "mail"),  # an ideographic space inside
    ("ｍａｉｌ", "mail"),  # full-width letters
    ("品管系統驗證(CNS 12681(ISO 9001))", "qms"),  # half-width brackets
    ("品管系統驗證（CNS12681（ISO9001））", "qms"),
    ("郵件", None),
    ("", None),
    (None, None),
    (["mail"], None),
])
def test_choice_code_reads_a_code_or_a_label(given: Any, code: str | None) -> None:
    assert choice_code(NODE, given) == code


def test_choice_code_refuses_a_text_that_names_two_options() -> None:
    node = {"oneOf": [{"const": "a", "title": "甲 乙"}, {"const": "b", "title": "甲乙"}]}
    assert choice_code(node, "甲乙") is None
    assert choice_code(node, "b") == "b"


def test_a_value_that_is_no_option_is_a_schema_error_listing_the_options() -> None:
    schema = {"type": "object", "properties": {"m": NODE}}
    [finding] = list(schema_findings(schema, {"m": "post"}))
    assert finding.rule == "schema" and finding.path == "/m"
    assert "in_person, mail, qms" in finding.text("en")
    assert "「郵寄」" in finding.text("zh-TW")


# --- input by label -------------------------------------------------------------------------


def _plan_with(**changes: Any) -> dict[str, Any]:
    record = copy.deepcopy(get_form(PLAN).sample)
    record.update(changes)
    return record


def test_a_label_given_for_a_choice_is_normalised_to_its_code_with_an_info() -> None:
    form = get_form(PLAN)
    record = _plan_with(submission_method="郵寄")
    out, notes = normalise(form, record)
    assert out["submission_method"] == "mail"
    assert record["submission_method"] == "郵寄"  # the input is not changed
    [note] = notes
    assert (note.rule, note.severity, note.path) == ("schema", "info", "/submission_method")
    assert (note.expected, note.actual) == ("mail", "郵寄")
    assert note.citation == ""
    assert "郵寄" in note.text("zh-TW") and "mail" in note.text("en")


def test_a_code_is_left_as_it_is_and_not_reported() -> None:
    form = get_form(PLAN)
    out, notes = normalise(form, _plan_with(submission_method="mail"))
    assert out["submission_method"] == "mail" and notes == []


def test_a_record_given_in_labels_validates_with_one_info_per_rewrite() -> None:
    form = get_form("ciyue/fee-quote")
    record = copy.deepcopy(form.sample)
    record["quote_kind"] = "新申請（初次申請）"  # full-width brackets, as people type them
    report = validate(form, record, as_of=AS_OF)
    assert report.valid, [f.text("en") for f in report.errors]
    assert report.record == validate(form, form.sample, as_of=AS_OF).record
    [info] = [f for f in report.findings if f.path == "/quote_kind"]
    assert (info.severity, info.expected, info.actual) == ("info", "initial", record["quote_kind"])


def test_labels_in_a_list_of_choices_are_each_rewritten() -> None:
    form = get_form("ciyue/fee-quote")
    in_codes = copy.deepcopy(form.sample)
    in_codes["quote_kind"] = "change"
    in_codes["ingredient_or_label_changes"] = [
        {"product": "黑豆豆花", "application_no": "CY-A-113-0101", "changes": ["ingredient"]},
        {"product": "杏仁豆腐", "application_no": "CY-A-113-0102",
         "changes": ["ingredient", "label"]},
    ]
    in_labels = copy.deepcopy(in_codes)
    in_labels["quote_kind"] = "異動"
    in_labels["ingredient_or_label_changes"][0]["changes"] = ["原料明細異動(含供應商)"]
    in_labels["ingredient_or_label_changes"][1]["changes"] = [
        "原料明細異動（含供應商）", " 外標示異動"]
    by_codes = validate(form, in_codes, as_of=AS_OF)
    by_labels = validate(form, in_labels, as_of=AS_OF)
    assert by_labels.record == by_codes.record
    rewrites = [f for f in by_labels.findings if f not in by_codes.findings]
    assert sorted(f.path for f in rewrites) == [
        "/ingredient_or_label_changes/0/changes/0",
        "/ingredient_or_label_changes/1/changes/0",
        "/ingredient_or_label_changes/1/changes/1",
        "/quote_kind",
    ]
    assert all(f.severity == "info" and f.rule == "schema" for f in rewrites)
    assert [f.expected for f in sorted(rewrites, key=lambda f: f.path)] == [
        "ingredient", "ingredient", "label", "change"]


def test_a_label_of_another_field_is_not_accepted() -> None:
    report = validate(get_form(PLAN), _plan_with(submission_method="符合"), as_of=AS_OF)
    assert [f.path for f in report.errors if f.rule == "schema"] == ["/submission_method"]
    assert not any(f.severity == "info" and f.path == "/submission_method"
                   for f in report.findings)


def test_normalise_cites_no_internal_document() -> None:
    form = get_form(PLAN)
    _, notes = normalise(form, _plan_with(submission_method="郵寄", received_date="113/05/20"))
    assert len(notes) == 2
    assert all("DESIGN" not in n.citation for n in notes)


def test_formkit_validate_accepts_a_label(tmp_path: Path) -> None:
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(_plan_with(submission_method="郵寄"), ensure_ascii=False),
                    encoding="utf-8")
    result = CliRunner().invoke(
        main, ["validate", PLAN, str(path), "--as-of", "2024-06-01", "--format", "json"],
        catch_exceptions=False)
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    assert out["valid"] is True
    assert [f["severity"] for f in out["findings"] if f["path"] == "/submission_method"] == [
        "info"]


def test_formkit_validate_still_refuses_what_is_no_option(tmp_path: Path) -> None:
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(_plan_with(submission_method="飛鴿傳書"), ensure_ascii=False),
                    encoding="utf-8")
    result = CliRunner().invoke(
        main, ["validate", PLAN, str(path), "--as-of", "2024-06-01", "--format", "json"],
        catch_exceptions=False)
    assert result.exit_code == 1, result.output
