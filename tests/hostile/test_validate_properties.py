"""Property tests: validate and fill raise nothing but FormkitError, whatever JSON they get.

Two strategies: any JSON value (None, booleans, integers, finite floats, text, lists
and objects, nested), given to ``validate`` and ``fill`` of every form; and each
form's sample with hypothesis text put into its string fields. Records are what a
user sends: the only way they may fail is a :class:`FormkitError` (the CLI's exit
2), never an AttributeError, OverflowError or RecursionError out of a rule.
"""

from __future__ import annotations

import copy
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from formkit.engine import fill, validate
from formkit.errors import FormkitError
from formkit.forms import get_form

from ..conftest import AS_OF, FORM_IDS

SETTINGS = settings(max_examples=150, deadline=None, derandomize=True,
                    suppress_health_check=[HealthCheck.too_slow])

# Floats without NaN (infinity included: the Python API can be given one).
SCALARS = (st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False)
           | st.text(max_size=40))
JSON = st.recursive(
    SCALARS,
    lambda children: st.lists(children, max_size=6)
    | st.dictionaries(st.text(max_size=12), children, max_size=6),
    max_leaves=40,
)


def _only_formkit_errors(form_id: str, value: Any) -> None:
    for run in (validate, fill):
        try:
            report = run(form_id, value, as_of=AS_OF)
        except FormkitError:
            continue
        assert isinstance(report.findings, list)


@pytest.mark.parametrize("form_id", FORM_IDS)
@SETTINGS
@given(value=JSON)
def test_any_json_value_gives_findings_or_a_formkit_error(form_id: str, value: Any) -> None:
    _only_formkit_errors(form_id, value)


def _paths(value: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every node of a record below its root, parents first."""
    out: list[tuple[Any, ...]] = [path] if path else []
    if isinstance(value, dict):
        out += [p for k, v in value.items() for p in _paths(v, (*path, k))]
    elif isinstance(value, list):
        out += [p for i, v in enumerate(value) for p in _paths(v, (*path, i))]
    return out


@pytest.mark.parametrize("form_id", FORM_IDS)
@SETTINGS
@given(data=st.data())
def test_sample_with_any_json_in_its_fields_gives_findings_or_a_formkit_error(
        form_id: str, data: st.DataObject) -> None:
    record = copy.deepcopy(get_form(form_id).sample)
    for _ in range(data.draw(st.integers(1, 3))):
        path = data.draw(st.sampled_from(_paths(record)))
        try:
            _set(record, path, data.draw(JSON))
        except (KeyError, IndexError, TypeError):  # a parent was replaced by an earlier draw
            continue
    _only_formkit_errors(form_id, record)


def _string_paths(value: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    if isinstance(value, str):
        return [path]
    if isinstance(value, dict):
        return [p for k, v in value.items() for p in _string_paths(v, (*path, k))]
    if isinstance(value, list):
        return [p for i, v in enumerate(value) for p in _string_paths(v, (*path, i))]
    return []


def _set(record: Any, path: tuple[Any, ...], value: Any) -> None:
    for part in path[:-1]:
        record = record[part]
    record[path[-1]] = value


@pytest.mark.parametrize("form_id", FORM_IDS)
@SETTINGS
@given(data=st.data())
def test_sample_with_any_text_in_its_string_fields_fills_or_raises_formkit_error(
        form_id: str, data: st.DataObject) -> None:
    record = copy.deepcopy(get_form(form_id).sample)
    paths = _string_paths(record)
    chosen = data.draw(st.lists(st.sampled_from(paths), min_size=1, max_size=len(paths),
                                unique=True))
    for path in chosen:
        _set(record, path, data.draw(st.text(max_size=60)))
    try:
        report = fill(form_id, record, as_of=AS_OF)
    except FormkitError:
        return
    assert isinstance(report.record, dict)
