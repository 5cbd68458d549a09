"""The shared layout parts expand into the plain blocks every renderer and parser knows."""

from __future__ import annotations

import pytest

from formkit.parts import PARTS, expand

PLAIN = {"heading", "text", "grid", "table", "signatures", "notes", "pagebreak", "title"}


def _kinds(layout: list[dict]) -> list[str]:
    return [next(iter(b)) for b in layout]


def test_a_layout_without_parts_is_unchanged() -> None:
    layout = [{"heading": "一、申請者"}, {"grid": {"rows": [["名稱", "{a}"]]}}]
    assert expand(layout) == layout


@pytest.mark.parametrize(
    "part",
    [
        {"addressee": "經濟部產業發展署"},
        {"letterhead": {"issuer": "{issuer.name}", "kind": "函", "to": "{to}", "date": "date",
                        "number": "doc_no", "attachments": "{att}"}},
        {"notice": {"subject": "主旨", "explanation": ["甲", "乙"], "basis": "依據",
                    "remedy": "救濟"}},
        {"seal_block": {"role": "申請人", "name": "{a.name}", "representative": "{a.rep}",
                        "date": "application_date"}},
        {"issuer_seal": {"body": "{issuer.name}", "head": "{issuer.head}"}},
        {"fee_table": {"field": "fees", "total": "fees_total", "note": "{.note}"}},
    ],
    ids=lambda p: next(iter(p)),
)
def test_each_part_becomes_plain_blocks(part: dict) -> None:
    out = expand([part])
    assert out and set(_kinds(out)) <= PLAIN
    assert next(iter(part)) in PARTS


def test_a_notice_numbers_its_explanation_and_names_its_rows() -> None:
    (grid,) = expand([{"notice": {"subject": "請查照。", "explanation": ["甲", "乙"],
                                  "remedy": "得提起訴願。"}}])
    rows = grid["grid"]["rows"]
    assert rows == [["主旨：", "請查照。"], ["說明：", "一、甲"], ["", "二、乙"],
                    ["救濟教示：", "得提起訴願。"]]


def test_an_addressee_closes_with_ci_zhi() -> None:
    assert expand([{"addressee": "經濟部產業發展署"}]) == [
        {"text": {"t": "此致", "style": "lead", "keep": True}}, {"text": {"t": "經濟部產業發展署"}}]


def test_a_seal_block_prints_the_date_in_roc_style_and_one_seal_per_signer() -> None:
    (block,) = expand([{"seal_block": {"role": "申請人", "name": "{n}", "representative": "{r}",
                                       "date": "d", "when": "n"}}])
    body = block["signatures"]
    assert body["rows"][-1] == ["日期：", "{d|date_long}"]
    assert [s["caption"] for s in body["seals"]] == ["申請人印章", "負責人印章"]
    assert body["when"] == "n"


def test_a_fee_table_puts_its_total_under_the_amounts() -> None:
    table, total = expand([{"fee_table": {"field": "fees", "total": "fees_total"}}])
    assert table["table"]["field"] == "fees"
    assert total["grid"]["rows"] == [["合計", "{fees_total}"]]


def test_a_rule_may_be_registered_apart_for_another_family_of_forms() -> None:
    from formkit import rules as registry

    registry._load()
    saved_rules, saved_impls = dict(registry._RULES), list(registry._IMPLS)
    try:
        @registry.rule("T-01", forms="x/a", citation="S0 要點1")
        def first(rec, ctx):  # type: ignore[no-untyped-def]
            yield from ()

        @registry.rule("T-01", forms=("x/b", "x/c"), citation="S0 要點2")
        def second(rec, ctx):  # type: ignore[no-untyped-def]
            yield from ()

        listed = registry.all_rules()["T-01"]
        assert listed.forms == ("x/a", "x/b", "x/c")
        assert listed.citation == "S0 要點1 | S0 要點2"
        assert [s.func for s in registry.rules_for("x/c")] == [second]
        with pytest.raises(ValueError, match="twice"):
            registry.rule("T-01", forms="x/b", citation="S0")(first)
    finally:
        registry._RULES.clear()
        registry._RULES.update(saved_rules)
        registry._IMPLS[:] = saved_impls
