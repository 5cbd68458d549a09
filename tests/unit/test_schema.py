"""JSON Schema checks as findings, and the pointer lists taken from a schema.

The schemas are small and written inline: these tests do not depend on forms/.
"""

from __future__ import annotations

import json

import pytest

from formkit.findings import Finding
from formkit.schema import check_schema, date_pointers, read_only_pointers, schema_findings

NID = "A123456789"  # the well-known valid example; its checksum is tested in test_ids
BAD_NID = "A123456788"


def findings(schema, record) -> list[Finding]:
    return list(schema_findings(schema, record))


def only(schema, record) -> Finding:
    result = findings(schema, record)
    assert len(result) == 1, result
    return result[0]


def obj(**props) -> dict:
    return {"type": "object", "properties": props}


# --- every finding -----------------------------------------------------------------------


def test_a_valid_record_gives_no_findings():
    schema = {**obj(name={"type": "string"}, n={"type": "integer"}), "required": ["name"]}
    assert findings(schema, {"name": "x", "n": 3}) == []


def test_schema_findings_are_errors_of_rule_schema_citing_json_schema():
    f = only(obj(n={"type": "integer"}), {"n": "three"})
    assert f.rule == "schema"
    assert f.severity == "error"
    assert f.citation == "JSON Schema"
    assert f.path == "/n"
    assert f.params["field"] == "/n"


# --- required -----------------------------------------------------------------------------


def test_missing_required_field_points_at_the_missing_property():
    schema = {**obj(name={"type": "string"}), "required": ["name"]}
    f = only(schema, {})
    assert f.path == "/name"
    assert f.params == {"field": "/name"}
    assert f.actual is None
    assert f.text("en") == "/name: required field is missing"


def test_missing_required_field_inside_an_array_item_points_into_the_item():
    item = {**obj(finding={"type": "string"}), "required": ["finding"]}
    schema = obj(rows={"type": "array", "items": item})
    f = only(schema, {"rows": [{"finding": "ok"}, {}]})
    assert f.path == "/rows/1/finding"


def test_each_missing_required_field_gets_its_own_finding():
    schema = {**obj(a={}, b={}, c={}), "required": ["a", "b", "c"]}
    assert [f.path for f in findings(schema, {"b": 1})] == ["/a", "/c"]


@pytest.mark.parametrize(
    ("name", "path"),
    [
        ("it's", "/it's"),  # splitting the message on quotes broke this one
        ('say "hi"', '/say "hi"'),
        ("a/b", "/a~1b"),
        ("a~b", "/a~0b"),
        ("名稱", "/名稱"),
        ("x (y)", "/x (y)"),
    ],
)
def test_missing_required_field_path_survives_unusual_property_names(name, path):
    schema = {**obj(**{name: {"type": "string"}}), "required": [name]}
    assert only(schema, {}).path == path


# --- type, enum, const -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("type_", "value", "words"),
    [
        ("integer", "3", "a whole number"),
        ("string", 3, "text"),
        ("boolean", "yes", "true or false"),
        ("array", {}, "a list"),
        (["string", "null"], 3, "text or null"),
    ],
)
def test_type_error_names_the_expected_type_in_words(type_, value, words):
    f = only(obj(v={"type": type_}), {"v": value})
    assert f.params["type"] == words
    assert f.text("en") == f"/v: must be {words}, not {f.params['value']}"


def test_type_error_keeps_a_scalar_actual_value_but_not_a_whole_object():
    assert only(obj(v={"type": "integer"}), {"v": "3"}).actual == "3"
    assert only(obj(v={"type": "integer"}), {"v": {"a": 1}}).actual is None
    assert only(obj(v={"type": "integer"}), {"v": [1]}).actual is None


def test_type_error_at_the_root_uses_slash_as_the_field():
    f = only({"type": "object"}, [1, 2])
    assert f.path == ""
    assert f.params["field"] == "/"


def test_long_values_are_shortened_in_the_message():
    f = only(obj(v={"type": "integer"}), {"v": "x" * 200})
    assert len(f.params["value"]) == 58
    assert f.params["value"].endswith("…")
    assert f.actual == "x" * 200


def test_enum_error_lists_the_allowed_values():
    f = only(obj(v={"enum": ["conform", "minor", "major"]}), {"v": "fatal"})
    assert f.params["allowed"] == "conform, minor, major"
    assert f.text("en") == "/v: fatal is not one of the allowed values (conform, minor, major)"
    assert f.actual == "fatal"


def test_const_error_names_the_one_allowed_value():
    f = only(obj(v={"const": "正字標記"}), {"v": "MIT"})
    assert f.params["allowed"] == "正字標記"
    assert f.params["value"] == "MIT"


# --- formats ------------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["2024-05-01", "2024-02-29", "1912-01-01"])
def test_date_format_accepts_iso_dates(value):
    assert findings(obj(d={"type": "string", "format": "date"}), {"d": value}) == []


@pytest.mark.parametrize(
    "value", ["113/05/01", "1130501", "2024-5-1", "2024-05-01\n", "２０２４-０５-０１", "明年"]
)
def test_date_format_rejects_anything_but_a_real_iso_day(value):
    f = only(obj(d={"type": "string", "format": "date"}), {"d": value})
    assert f.path == "/d"
    assert f.template == "{field}: {value} is not a date in the form YYYY-MM-DD"
    assert f.actual == value


@pytest.mark.parametrize(
    ("value", "en", "zh"),
    [
        ("2024-02-30", "is not a real day (month 2 has no day 30)", "（2 月沒有 30 日）"),
        ("113/2/30", "is not a real day (month 2 has no day 30)", "（2 月沒有 30 日）"),
        ("112/2/29", "is not a real day (2023 is not a leap year)", "（民國 112 年不是閏年，"),
        ("113/13/01", "is not a real day (there is no month 13)", "（沒有 13 月）"),
    ],
)
def test_date_format_calls_a_day_that_does_not_exist_so(value, en, zh):
    f = only(obj(d={"type": "string", "format": "date", "title": "申請日期"}), {"d": value})
    assert f.text("en") == f"申請日期: {value} {en}"
    assert f.message.startswith(f"申請日期：「{value}」不是實際存在的日期{zh}")


def test_formats_ignore_values_of_other_types_and_leave_them_to_type():
    schema = obj(d={"format": "date"}, u={"format": "tw-ubn"}, i={"format": "tw-national-id"})
    assert findings(schema, {"d": 20240501, "u": 4595257, "i": None}) == []


@pytest.mark.parametrize("value", ["04595257", "22099131"])
def test_tw_ubn_format_accepts_valid_numbers(value):
    assert findings(obj(u={"type": "string", "format": "tw-ubn"}), {"u": value}) == []


@pytest.mark.parametrize("value", ["04595258", "0459525", "04595257\n", "０４５９５２５７"])
def test_tw_ubn_format_reports_invalid_numbers_without_raising(value):
    f = only(obj(u={"type": "string", "format": "tw-ubn"}), {"u": value})
    assert f.template == "{field}: {value} is not a valid 統一編號 (checksum)"
    assert f.path == "/u"


def test_tw_national_id_format_accepts_a_valid_id():
    assert findings(obj(i={"type": "string", "format": "tw-national-id"}), {"i": NID}) == []


def test_tw_national_id_format_reports_an_invalid_id_without_revealing_it():
    f = only(obj(i={"type": "string", "format": "tw-national-id"}), {"i": BAD_NID})
    assert f.path == "/i"
    assert f.template == "{field}: not a valid 身分證統一編號 (checksum)"
    shown = json.dumps(f.as_dict("en"), ensure_ascii=False) + repr(f.params)
    assert BAD_NID not in shown
    assert BAD_NID[1:7] not in shown
    assert f.actual == "A******788"


def test_a_national_id_failing_another_keyword_is_masked_too():
    schema = obj(i={"type": "string", "format": "tw-national-id", "maxLength": 10})
    result = findings(schema, {"i": BAD_NID + "0"})
    assert result
    for f in result:
        shown = json.dumps(f.as_dict("en"), ensure_ascii=False) + repr(f.params) + repr(f.actual)
        assert BAD_NID not in shown


def test_a_national_id_in_a_fallback_message_is_masked():
    schema = obj(i={"type": "string", "format": "tw-national-id", "not": {"const": NID}})
    f = only(schema, {"i": NID})
    assert f.template == "{field}: {detail}"
    assert NID not in f.text("en")
    assert "A******789" in f.text("en")


def test_email_format_is_checked():
    f = only(obj(e={"type": "string", "format": "email"}), {"e": "not an email"})
    assert f.template == "{field}: {value} is not in the expected format"


# --- other keywords ---------------------------------------------------------------------


def test_unknown_fields_are_listed_by_name():
    schema = {**obj(a={}), "additionalProperties": False}
    f = only(schema, {"a": 1, "b(2)": 2, "c": 3})
    assert f.path == ""
    assert f.params["detail"] == "'b(2)', 'c'"
    assert f.text("en") == "/: unknown field(s): 'b(2)', 'c'"


def test_unknown_fields_skip_names_matched_by_pattern_properties():
    schema = {
        **obj(a={}),
        "patternProperties": {"^x_": {}},
        "additionalProperties": False,
    }
    f = only(schema, {"a": 1, "x_note": 2, "y": 3})
    assert f.params["detail"] == "'y'"


@pytest.mark.parametrize(
    ("keyword", "limit", "value", "text"),
    [
        ("minItems", 2, [1], "/v: needs at least 2 entries"),
        ("maxItems", 1, [1, 2], "/v: allows at most 1 entries"),
    ],
)
def test_item_count_errors_give_the_limit(keyword, limit, value, text):
    f = only(obj(v={"type": "array", keyword: limit}), {"v": value})
    assert f.params["limit"] == limit
    assert f.text("en") == text
    assert f.actual is None  # a list is noise in a finding


@pytest.mark.parametrize(
    ("keyword", "limit", "value", "text"),
    [
        ("minimum", 0, -1, "/v: -1 is less than 0"),
        ("maximum", 100, 101, "/v: 101 is more than 100"),
        ("exclusiveMinimum", 0, 0, "/v: 0 must be more than 0"),
        ("exclusiveMaximum", 10, 10, "/v: 10 must be less than 10"),
        ("multipleOf", 5, 12, "/v: 12 must be a multiple of 5"),
    ],
)
def test_numeric_limit_errors_give_value_and_limit(keyword, limit, value, text):
    f = only(obj(v={"type": "integer", keyword: limit}), {"v": value})
    assert f.text("en") == text
    assert f.actual == value


def test_min_length_one_reads_as_must_not_be_empty():
    f = only(obj(v={"type": "string", "minLength": 1}), {"v": ""})
    assert f.text("en") == "/v: must not be empty"


def test_other_length_limits_give_the_limit():
    f = only(obj(v={"type": "string", "maxLength": 3}), {"v": "abcd"})
    assert f.text("en") == "/v: text length must be within the limit 3"
    f = only(obj(v={"type": "string", "minLength": 3}), {"v": "ab"})
    assert f.params["limit"] == 3


def test_pattern_error_shows_the_value():
    f = only(obj(v={"type": "string", "pattern": "^[A-Z]{2}$"}), {"v": "abc"})
    assert f.text("en") == "/v: abc is not in the expected format"


def test_keywords_without_a_message_of_their_own_use_jsonschemas_message_in_english():
    f = only(obj(v={"type": "array", "contains": {"const": 2}}), {"v": [1, 1]})
    assert f.template == "{field}: {detail}"
    assert f.params["detail"]
    assert f.text("en").startswith("/v: ")
    assert f.message == "/v：內容不符合本表單之規定"


def test_a_repeated_entry_is_called_so():
    f = only(obj(v={"type": "array", "uniqueItems": True}), {"v": [1, 1]})
    assert f.text("en") == "/v: the same entry is given more than once"
    assert f.message == "/v：有重複填寫之項目"


def test_a_field_is_named_by_its_title_without_notes_and_values_are_quoted():
    schema = {**obj(name={"type": "string", "title": "受評業者名稱："},
                    n={"type": "integer", "title": "母體數 [proposed]"}), "required": ["name"]}
    missing, wrong = findings(schema, {"n": "three"})
    assert missing.message == "受評業者名稱：必填欄位未填"
    assert missing.text("en") == "受評業者名稱: required field is missing"
    assert wrong.message == "母體數：應為整數，而非「three」"
    assert only(obj(b={"type": "boolean", "title": "勾選"}), {"b": "yes"}).message == (
        "勾選：應為是或否，而非「yes」")
    assert only(obj(t={"type": "string"}), {"t": True}).message == "/t：應為文字，而非「true」"


def test_findings_come_in_document_order_with_array_indices_as_numbers():
    schema = obj(rows={"type": "array", "items": {"type": "integer"}})
    rows = [0] * 12
    rows[2], rows[10], rows[11] = "x", "y", "z"
    assert [f.path for f in findings(schema, {"rows": rows})] == [
        "/rows/2",
        "/rows/10",
        "/rows/11",
    ]


def test_findings_of_separate_fields_are_sorted_by_path():
    schema = obj(b={"type": "integer"}, a={"type": "integer"})
    assert [f.path for f in findings(schema, {"b": "1", "a": "2"})] == ["/a", "/b"]


def test_check_schema_rejects_an_invalid_schema():
    check_schema(obj(a={"type": "string"}))
    with pytest.raises(Exception, match="not valid"):
        check_schema({"type": "no-such-type"})


# --- read_only_pointers / date_pointers -----------------------------------------------------

SCHEMA = {
    "type": "object",
    "$defs": {
        "day": {"type": "string", "format": "date"},
        "computed": {"type": "integer", "readOnly": True},
        "person": {
            "type": "object",
            "properties": {"born": {"$ref": "#/$defs/day"}, "age": {"$ref": "#/$defs/computed"}},
        },
    },
    "properties": {
        "issue_date": {"type": "string", "format": "date"},
        "name": {"type": "string"},
        "total": {"type": "integer", "readOnly": True},
        "summary": {
            "type": "object",
            "readOnly": True,
            "properties": {"checked_on": {"type": "string", "format": "date"}},
        },
        "rows": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "on": {"type": "string", "format": "date"},
                    "score": {"type": "integer", "readOnly": True},
                    "note": {"type": "string"},
                },
            },
        },
        "applicant": {"$ref": "#/$defs/person"},
        "extension": {
            "allOf": [{"properties": {"until": {"type": "string", "format": "date"}}}],
            "anyOf": [{"properties": {"fee": {"readOnly": True}}}],
            "oneOf": [{"properties": {"approved": {"$ref": "#/$defs/day"}}}],
        },
        "decision": {
            "if": {"properties": {"kind": {"const": "x"}}},
            "then": {"properties": {"served": {"type": "string", "format": "date"}}},
            "else": {"properties": {"lapse": {"readOnly": True}}},
        },
    },
}


def test_date_pointers_lists_every_date_with_star_for_array_items():
    assert date_pointers(SCHEMA) == [
        "/applicant/born",
        "/decision/served",
        "/extension/approved",
        "/extension/until",
        "/issue_date",
        "/rows/*/on",
        "/summary/checked_on",
    ]


def test_read_only_pointers_lists_read_only_properties_and_not_their_children():
    assert read_only_pointers(SCHEMA) == [
        "/applicant/age",
        "/decision/lapse",
        "/extension/fee",
        "/rows/*/score",
        "/summary",
        "/total",
    ]


def test_pointer_lists_follow_local_refs():
    schema = {
        "$defs": {"d": {"type": "string", "format": "date"}, "r": {"readOnly": True}},
        "properties": {"a": {"$ref": "#/$defs/d"}, "b": {"$ref": "#/$defs/r"}},
    }
    assert date_pointers(schema) == ["/a"]
    assert read_only_pointers(schema) == ["/b"]


def test_pointer_lists_end_on_recursive_refs():
    schema = {
        "$defs": {
            "node": {
                "type": "object",
                "properties": {
                    "on": {"type": "string", "format": "date"},
                    "children": {"type": "array", "items": {"$ref": "#/$defs/node"}},
                },
            }
        },
        "$ref": "#/$defs/node",
    }
    # A reference is followed once per path: the recursion is not unrolled.
    assert date_pointers(schema) == ["/on"]


def test_pointer_lists_ignore_remote_and_dangling_refs():
    schema = {
        "properties": {
            "a": {"$ref": "https://example.com/schema.json"},
            "b": {"$ref": "#/$defs/missing"},
            "c": {"type": "string", "format": "date"},
        }
    }
    assert date_pointers(schema) == ["/c"]


def test_pointer_lists_are_sorted_without_duplicates():
    schema = {
        "properties": {"z": {"format": "date"}, "a": {"format": "date"}},
        "allOf": [{"properties": {"a": {"format": "date"}}}],
    }
    assert date_pointers(schema) == ["/a", "/z"]


def test_pointer_lists_of_a_schema_without_any_are_empty():
    assert date_pointers(obj(a={"type": "string"})) == []
    assert read_only_pointers(obj(a={"type": "string"})) == []


def test_a_read_only_root_is_the_empty_pointer():
    assert read_only_pointers({"readOnly": True, "properties": {"a": {"readOnly": True}}}) == [""]
