"""Catalogue-wide guarantees: every form is complete and consistent with itself."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from formkit import rules as registry
from formkit.engine import validate
from formkit.errors import UnknownFormError
from formkit.forms import catalog, get_form
from formkit.render.model import _TOKEN, schema_node
from formkit.schema import check_schema

from .conftest import AS_OF, FORM_IDS

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
ISSUE_2_FORMS = {
    "mit/annex-07-qms-assessment",
    "mit/annex-09-corrective-plan",
    "mit/annex-11-product-certificate",
    "cnsmark/application",
    "ciyue/fee-quote",
    "oshpm/destruction-plan",
}


def test_the_six_forms_of_the_engine_are_in_the_catalogue() -> None:
    assert ISSUE_2_FORMS <= set(FORM_IDS)


@pytest.mark.parametrize("form_id", FORM_IDS)
def test_schema_is_valid_draft_2020_12(form_id: str) -> None:
    schema = get_form(form_id).schema
    check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"


@pytest.mark.parametrize("form_id", FORM_IDS)
def test_sample_is_a_valid_record(form_id: str) -> None:
    report = validate(form_id, get_form(form_id).sample, as_of=AS_OF)
    assert report.errors == [], [f.as_dict("en") for f in report.errors]


@pytest.mark.parametrize("form_id", FORM_IDS)
def test_every_rule_the_form_names_is_registered(form_id: str) -> None:
    known = registry.all_rules()
    form = get_form(form_id)
    missing = [r for r in form.rules if r not in known]
    assert not missing, f"{form_id} names unregistered rules {missing}"


def test_every_registered_rule_cites_its_clause() -> None:
    for rule_id, spec in registry.all_rules().items():
        assert re.match(r"^(MIT|CNS|CNSL|CY|OSH)-R\d\d$|^X-\d\d$", rule_id), rule_id
        assert spec.citation.strip(), f"{rule_id} has no citation"
        for form_id in spec.forms:
            get_form(form_id)  # raises for a rule bound to a form that does not exist


def _template_keys(form_id: str) -> set[str]:
    form = get_form(form_id)
    keys: set[str] = set()

    def visit(node: object, row_key: str = "") -> None:
        if isinstance(node, dict):
            if "field" in node and "columns" in node:
                for col in node["columns"]:
                    visit(col, node["field"])
                return
            for k, v in node.items():
                if k in ("t", "text", "heading", "notes", "label") and isinstance(v, dict):
                    visit(v, row_key)  # a block written as a mapping: {t: ..., style: ...}
                elif k in ("t", "text", "heading", "notes", "label", "attached_title"):
                    for m in _TOKEN.finditer(str(v)):
                        expr = m.group(1)
                        if not expr or expr.startswith(("#", "@")):
                            continue
                        expr = re.split(r"[=|?]", expr)[0]
                        keys.add(f"{row_key}.0{expr}" if expr.startswith(".") else expr)
                else:
                    visit(v, row_key)
        elif isinstance(node, list):
            for item in node:
                visit(item, row_key)

    visit(form.layout)
    visit(form.meta.get("worksheet") or [])
    return keys


@pytest.mark.parametrize("form_id", FORM_IDS)
def test_every_template_field_is_a_schema_property(form_id: str) -> None:
    schema = get_form(form_id).schema
    unknown = sorted(k for k in _template_keys(form_id) if not schema_node(schema, k))
    assert not unknown, f"{form_id}: layout fields missing from the schema: {unknown}"


def test_unknown_form_suggests_the_closest_ids() -> None:
    with pytest.raises(UnknownFormError) as info:
        get_form("mit/annex-07-qms-assesment")
    assert "mit/annex-07-qms-assessment" in str(info.value)
    assert isinstance(info.value, LookupError)


def test_catalog_filters_by_scheme() -> None:
    assert {f.scheme for f in catalog("ciyue")} == {"ciyue"}


def test_no_simplified_only_characters_anywhere() -> None:
    tool = SHARED / "tools" / "check-traditional"
    if not tool.exists():
        pytest.skip("shared/tools/check-traditional is not beside the repository")
    paths = ["forms", "schemas", "locales", "samples", "src", "README.md", "tests", "docs"]
    done = subprocess.run(
        [str(tool), *[p for p in paths if (ROOT / p).exists()]],
        cwd=ROOT, capture_output=True, text=True, check=False,
    )
    assert done.returncode == 0, done.stdout[-2000:]
