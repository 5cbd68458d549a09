"""`formkit rules`: a rule the seeds leave uncheckable is still listed, with what it needs."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from formkit.cli import main
from formkit.rules.listing import describe_rules, scheme_of


@pytest.mark.parametrize(
    ("rule_id", "scheme"),
    [("MIT-R03", "mit"), ("CNSL-R01", "cnsmark-legacy"), ("CNS-R03", "cnsmark"),
     ("CY-R07", "ciyue"), ("OSH-R01", "oshpm"), ("X-01", "mit"), ("X-23", "mit"),
     ("X-24", "cnsmark"), ("X-29", "cnsmark"), ("X-30", "ciyue"), ("X-38", "ciyue"),
     ("X-39", "oshpm"), ("T-01", None)],
)
def test_a_rule_id_names_its_scheme(rule_id: str, scheme: str | None) -> None:
    assert scheme_of(rule_id) == scheme


def test_a_rule_bound_to_no_form_is_listed_under_its_scheme_with_what_it_needs() -> None:
    listed = {r["id"]: r for r in describe_rules(scheme="MIT")}
    for rule_id in ("MIT-R03", "MIT-R04", "MIT-R69"):
        assert listed[rule_id]["forms"] == []
        assert "no form of the catalogue holds" in listed[rule_id]["needs"]
    assert "MIT-R03" not in {r["id"] for r in describe_rules(scheme="cnsmark")}
    assert "MIT-R03" not in {r["id"] for r in describe_rules(form="mit/annex-07-qms-assessment")}
    assert listed["MIT-R19"]["needs"] == ""


def test_the_cli_prints_the_need_in_the_language_of_the_run() -> None:
    runner = CliRunner()
    text = runner.invoke(main, ["--lang", "zh-TW", "rules", "--scheme", "mit"]).output
    block = text[text.index("MIT-R69"):].splitlines()[:3]
    assert block[1].strip() == "（無表單）"
    assert block[2].strip().startswith("需要：") and "needs" not in block[2]
    data = json.loads(runner.invoke(main, ["--lang", "en", "rules", "--scheme", "mit",
                                           "--format", "json"]).output)
    assert {r["id"]: r["needs"] for r in data}["MIT-R04"].startswith("a working group's")


def test_the_severities_of_a_rule_registered_per_family_are_those_of_every_registration() -> None:
    from formkit.rules import implementations
    from formkit.rules.listing import severities

    impls = implementations("MIT-R13")  # on 附件七 (mit_qms) and on the application
    assert len(impls) == 2
    assert "warning" in severities("MIT-R13")  # 附件七's registration warns; the other does not
