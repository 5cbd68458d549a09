"""The fuzz targets of benchmarks/fuzz.py, a few seeded inputs each: no crash, no hang.

Each target runs a fixed number of inputs from a fixed seed (the ``random``
engine: every input is the same on every run), on one or two forms, so that
the whole module stays well under 30 s. A crash is any exception that is not
a FormkitError (MemoryError and RecursionError included) or an input over the
target's time budget; the long runs are ``benchmarks/fuzz.py TARGET --seconds N``.
"""

from __future__ import annotations

import importlib.util
import random
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from formkit.errors import InputError

ROOT = Path(__file__).resolve().parents[1]
SEED = 20261205
#: Inputs per target: about a second of work for the fast ones, a few for the PDF ones.
INPUTS = {"payload": 4, "payload-json": 10, "fields": 2, "fields-direct": 150, "docx": 25,
          "records": 30, "records-bytes": 150, "office": 40}
FORMS = "ciyue/fee-quote,mit/annex-09-corrective-plan"


def _load() -> ModuleType:
    spec = importlib.util.spec_from_file_location("formkit_fuzz", ROOT / "benchmarks" / "fuzz.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["formkit_fuzz"] = module
    spec.loader.exec_module(module)
    return module


fuzz = _load()


@pytest.fixture(scope="module", autouse=True)
def _small_catalogue(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Two forms, and the rendered PDFs cached for this module only."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("FUZZ_FORMS", FORMS)
        mp.setenv("FORMKIT_FUZZ_CACHE", str(tmp_path_factory.mktemp("fuzz-cache")))
        yield


def test_every_target_is_smoked() -> None:
    assert sorted(INPUTS) == sorted(fuzz.TARGETS)


@pytest.mark.parametrize("name", sorted(INPUTS))
def test_no_crash(name: str) -> None:
    target = fuzz.TARGETS[name]
    stats = fuzz.fuzz(target, inputs=INPUTS[name], seed=SEED, per_input=fuzz.BUDGETS[name])
    assert stats.inputs == INPUTS[name]
    crashes = {sig: out.error for sig, (_case, out) in stats.first.items()}
    assert not crashes, (
        f"{name}: {stats.outcomes['crash']} of {stats.inputs} inputs crashed; replay one with "
        f"benchmarks/fuzz.py {name} --inputs {INPUTS[name]} --seed {SEED} "
        f"(FUZZ_FORMS={FORMS}): {crashes}")


# ---------------------------------------------------------------- the harness itself


def _target(execute: Any) -> Any:
    return fuzz.Target("probe", setup=lambda: {}, generate=lambda ctx, rng: {"n": rng.random()},
                       execute=execute, save=lambda ctx, case, folder: None, shrink_key="n")


def _refuse(ctx: Any, case: Any) -> None:
    raise InputError("{file}: refused", file="x")


def _bug(ctx: Any, case: Any) -> None:
    empty: dict[str, int] = {}
    empty["missing"] += 1


def _deep(ctx: Any, case: Any) -> None:
    def down(n: int) -> int:
        return down(n + 1)

    down(0)


def _slow(ctx: Any, case: Any) -> None:
    time.sleep(5)


@pytest.mark.parametrize(("execute", "kind", "sig"), [
    (lambda ctx, case: None, "ok", ""),
    (_refuse, "refused", "InputError"),
    (_bug, "crash", "KeyError@"),
    (_deep, "crash", "RecursionError@"),
    (_slow, "crash", "Hang@probe"),
])
def test_outcomes_are_told_apart(execute: Any, kind: str, sig: str) -> None:
    stats = fuzz.fuzz(_target(execute), inputs=2, seed=1, per_input=0.2)
    assert stats.outcomes == {kind: 2}
    if kind == "crash":
        assert list(stats.crashes) and all(s.startswith(sig) for s in stats.crashes)
        assert stats.crashes[next(iter(stats.crashes))] == 2  # one signature for both
    elif kind == "refused":
        assert stats.refusals == {sig: 2}


def test_inputs_are_reproducible() -> None:
    target = fuzz.TARGETS["records-bytes"]
    ctx = target.setup()
    first = [target.generate(ctx, random.Random(SEED * 1_000_003 + i))
             for i in range(20)]
    again = [target.generate(ctx, random.Random(SEED * 1_000_003 + i))
             for i in range(20)]
    assert first == again


def test_shrink_keeps_the_crash() -> None:
    big = {"a": list(range(50)), "b": {"c": "x" * 100, "d": ["boom", 1, 2]}, "e": None}

    def still(value: Any) -> bool:
        return "boom" in repr(value)

    small = fuzz.shrink(big, still, time.monotonic() + 10)
    assert still(small)
    assert len(repr(small)) < 30, small
