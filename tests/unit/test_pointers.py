"""JSON pointers and dotted keys over plain records."""

from __future__ import annotations

import pytest

from formkit.pointers import dotted_to_pointer, escape, get, pointer, set_

RECORD = {
    "summary": {"found": {"major": 2, "minor": 0}, "note": None},
    "rows": [{"finding": "a"}, {"finding": "b", "tags": ["x", "y"]}],
    "flag": False,
    "名稱": "正字標記",
}


# --- pointer / escape / dotted_to_pointer --------------------------------------------------


def test_pointer_joins_parts_with_slashes():
    assert pointer("rows", 2, "finding") == "/rows/2/finding"
    assert pointer() == ""


def test_pointer_escapes_tilde_before_slash():
    assert escape("a/b") == "a~1b"
    assert escape("a~b") == "a~0b"
    assert escape("~1") == "~01"  # not "~1" read back as "/"
    assert pointer("a/b", "c~d") == "/a~1b/c~0d"


def test_dotted_to_pointer():
    assert dotted_to_pointer("summary.found.major") == "/summary/found/major"
    assert dotted_to_pointer("rows.2.x") == "/rows/2/x"
    assert dotted_to_pointer("") == ""


def test_pointer_to_dotted():
    from formkit.pointers import pointer_to_dotted

    assert pointer_to_dotted("/summary/found/major") == "summary.found.major"
    assert pointer_to_dotted("/rows/2/a~1b") == "rows.2.a/b"
    assert pointer_to_dotted("") == ""


# --- get ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("key", "expected"),
    [
        ("summary.found.major", 2),
        ("summary.found.minor", 0),
        ("rows.0.finding", "a"),
        ("rows.1.tags.1", "y"),
        ("flag", False),
        ("名稱", "正字標記"),
        ("rows", RECORD["rows"]),
    ],
)
def test_get_follows_dotted_keys_through_objects_and_list_indices(key, expected):
    assert get(RECORD, key) == expected


def test_get_with_an_empty_key_is_the_record_itself():
    assert get(RECORD, "") is RECORD


@pytest.mark.parametrize(
    "key",
    [
        "missing",
        "summary.missing",
        "summary.found.major.deeper",  # through an int
        "rows.2.finding",  # past the end
        "rows.-1.finding",  # no negative indices
        "rows.x",
        "rows.01x",
        "rows.\u00b2",  # "²".isdigit() is True; int("²") raises
        "rows.\u0661",  # an Arabic-Indic one
        "名稱.0",  # into a string
    ],
)
def test_get_returns_the_default_for_a_path_that_does_not_exist(key):
    sentinel = object()
    assert get(RECORD, key, sentinel) is sentinel
    assert get(RECORD, key) is None


def test_get_returns_a_stored_none_rather_than_the_default():
    assert get(RECORD, "summary.note", "default") is None


def test_get_on_a_list_record():
    assert get([{"a": 1}], "0.a") == 1


# --- set_ --------------------------------------------------------------------------------


def test_set_replaces_an_existing_value():
    record = {"a": {"b": 1}}
    set_(record, "a.b", 2)
    assert record == {"a": {"b": 2}}


def test_set_creates_objects_on_the_way():
    record: dict = {}
    set_(record, "summary.found.major", 3)
    assert record == {"summary": {"found": {"major": 3}}}


def test_set_creates_a_list_before_a_numeric_part():
    record: dict = {}
    set_(record, "rows.0.finding", "a")
    assert record == {"rows": [{"finding": "a"}]}
    assert isinstance(record["rows"], list)


def test_set_pads_a_list_with_none_up_to_the_index():
    record: dict = {}
    set_(record, "rows.2.finding", "c")
    assert record == {"rows": [None, None, {"finding": "c"}]}


def test_set_creates_nested_lists_for_consecutive_numeric_parts():
    record: dict = {}
    set_(record, "grid.1.0", "x")
    assert record == {"grid": [None, ["x"]]}


def test_set_sets_a_list_element_as_the_last_part():
    record = {"tags": ["x"]}
    set_(record, "tags.2", "z")
    assert record == {"tags": ["x", None, "z"]}
    set_(record, "tags.0", "w")
    assert record == {"tags": ["w", None, "z"]}


def test_set_keeps_siblings_when_filling_an_existing_list_item():
    record = {"rows": [{"finding": "a", "note": "n"}]}
    set_(record, "rows.0.finding", "b")
    assert record == {"rows": [{"finding": "b", "note": "n"}]}


def test_set_replaces_a_scalar_that_stands_in_the_way():
    record = {"a": 5, "rows": [7]}
    set_(record, "a.b", 1)
    set_(record, "rows.0.x", 2)
    assert record == {"a": {"b": 1}, "rows": [{"x": 2}]}


def test_set_then_get_reads_back_the_value():
    record: dict = {}
    for key, value in [("a.b.c", 1), ("rows.3.x", "v"), ("rows.3.y.0", True), ("z", None)]:
        set_(record, key, value)
        assert get(record, key, "missing") == value


def test_set_treats_non_ascii_digits_as_object_keys():
    record: dict = {}
    set_(record, "rows.\u00b2", 1)
    assert record == {"rows": {"\u00b2": 1}}


def test_set_refuses_a_name_where_a_list_needs_an_index():
    record = {"rows": [{"a": 1}]}
    with pytest.raises(ValueError, match="rows.x: 'x' is not an index"):
        set_(record, "rows.x", 1)
    with pytest.raises(ValueError, match="not an index"):
        set_(record, "rows.x.y", 1)
    assert record == {"rows": [{"a": 1}]}


def test_leaves_are_plain_values_and_lists_of_plain_values() -> None:
    from formkit.pointers import leaves

    record = {"a": 1, "b": {"c": "x", "d": ["p", "q"]}, "rows": [{"e": None}, {"e": 2}]}
    assert leaves(record) == [("a", 1), ("b.c", "x"), ("b.d", ["p", "q"]), ("rows.0.e", None),
                              ("rows.1.e", 2)]


# --- JSON pointers (RFC 6901) ------------------------------------------------------------

# The example document of RFC 6901 §5.
RFC = {"foo": ["bar", "baz"], "": 0, "a/b": 1, "c%d": 2, "e^f": 3, "g|h": 4, "i\\j": 5,
       "k\"l": 6, " ": 7, "m~n": 8}


@pytest.mark.parametrize(("ptr", "value"), [
    ("", RFC), ("/foo", ["bar", "baz"]), ("/foo/0", "bar"), ("/", 0), ("/a~1b", 1),
    ("/c%d", 2), ("/e^f", 3), ("/g|h", 4), ("/i\\j", 5), ("/k\"l", 6), ("/ ", 7), ("/m~0n", 8),
])
def test_get_pointer_reads_the_rfc_6901_examples(ptr: str, value: object) -> None:
    from formkit.pointers import get_pointer

    assert get_pointer(RFC, ptr) == value


@pytest.mark.parametrize(("fragment", "value"), [
    ("#", RFC), ("#/foo", ["bar", "baz"]), ("#/foo/0", "bar"), ("#/", 0), ("#/a~1b", 1),
    ("#/c%25d", 2), ("#/e%5Ef", 3), ("#/g%7Ch", 4), ("#/i%5Cj", 5), ("#/k%22l", 6), ("#/%20", 7),
    ("#/m~0n", 8),
])
def test_get_pointer_reads_the_uri_fragment_form(fragment: str, value: object) -> None:
    from formkit.pointers import get_pointer

    assert get_pointer(RFC, fragment) == value


def test_tokens_unescape_tilde_one_before_tilde_zero() -> None:
    from formkit.pointers import tokens, unescape

    assert tokens("/a~1b/~01/c~0d") == ["a/b", "~1", "c~d"]
    assert unescape("~01") == "~1"  # not "/"
    assert tokens("") == []
    with pytest.raises(ValueError, match="must start with '/'"):
        tokens("foo")


@pytest.mark.parametrize("name", ["a/b", "~1", "~", "/", "", "a~0b", "名稱"])
def test_escape_and_tokens_round_trip(name: str) -> None:
    from formkit.pointers import tokens

    assert tokens(pointer(name, 0, name)) == [name, "0", name]


def test_get_pointer_gives_the_default_for_what_is_not_there() -> None:
    from formkit.pointers import get_pointer

    doc = {"rows": [{"a": None}], "n": 5}
    assert get_pointer(doc, "/rows/0/a", "missing") is None  # there, and null
    for ptr in ("/rows/1", "/rows/01", "/rows/-", "/rows/x", "/n/0", "/nope", "/rows/0/a/b"):
        assert get_pointer(doc, ptr, "missing") == "missing", ptr


def test_set_pointer_sets_an_existing_parent_and_appends_with_dash() -> None:
    from formkit.pointers import set_pointer

    doc: dict = {"rows": [{"a": 1}], "a/b": {}}
    set_pointer(doc, "/rows/0/a", 2)
    set_pointer(doc, "/rows/-", {"a": 3})
    set_pointer(doc, "/a~1b/~0", True)
    assert doc == {"rows": [{"a": 2}, {"a": 3}], "a/b": {"~": True}}
    with pytest.raises(IndexError):
        set_pointer(doc, "/rows/5", 1)
    with pytest.raises(KeyError):
        set_pointer(doc, "/missing/x", 1)
    with pytest.raises(ValueError):
        set_pointer(doc, "", 1)


def test_matches_expands_array_wildcards_and_escapes_what_it_yields() -> None:
    from formkit.pointers import matches

    doc = {"rows": [{"a/b": 1}, {"a/b": 2}, {}], "x": {"y": [5, 6]}}
    assert list(matches("/rows/*/a~1b", doc)) == [("/rows/0/a~1b", 1), ("/rows/1/a~1b", 2)]
    assert list(matches("/x/y/*", doc)) == [("/x/y/0", 5), ("/x/y/1", 6)]
    assert list(matches("/x/y/1", doc)) == [("/x/y/1", 6)]
    assert list(matches("/rows/*/nope", doc)) == []
    assert list(matches("/x/*", doc)) == []  # a wildcard steps into lists only
    assert list(matches("", doc)) == [("", doc)]


def test_no_other_module_splits_pointers_by_hand() -> None:
    """pointers.py is formkit's one implementation of JSON pointer escaping."""
    import re
    from pathlib import Path

    import formkit

    src = Path(formkit.__file__).parent
    hand_made = re.compile(r"""replace\(\s*["']~1["']|replace\(\s*["']~0["']""")
    offenders = [str(p.relative_to(src)) for p in src.rglob("*.py")
                 if p.name != "pointers.py" and hand_made.search(p.read_text(encoding="utf-8"))]
    assert offenders == []
