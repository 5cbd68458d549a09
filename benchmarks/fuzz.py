"""Fuzz targets for formkit's input boundaries, run in this process (so coverage works).

    .venv/bin/python benchmarks/fuzz.py TARGET --seconds 180      # one target
    .venv/bin/python benchmarks/fuzz.py --all --seconds 180       # every target, one after another
    .venv/bin/python benchmarks/fuzz.py TARGET --inputs 200 --seed 7
    .venv/bin/python benchmarks/fuzz.py TARGET --engine atheris --seconds 180   # fast targets
    .venv/bin/python benchmarks/fuzz.py --replay OUT/crashes/TARGET/SIGNATURE   # run one again

Targets (``--list``):

- ``payload``: the formkit.json of a genuine formkit PDF (each form's sample, rendered
  once and cached) replaced by a mutated one, as a structure (odd numbers, deep nesting,
  control characters, other forms, odd ``draft``/``sha256``...) or as raw bytes, embedded
  again with pypdf, then ``formkit.parse_pdf(data, limits=None)``.
- ``payload-json``: the same payloads, faster: the parse's own code from the embedded
  payload on (``formkit.parse._parse``), with the PDF reader standing in for one whose
  attachment is the mutated payload, and the text layer of the genuine PDF read once.
- ``fields``: a fillable blank (``formkit blank FORM --fillable``) with fields set to odd
  values, renamed, and added with odd names (dots, digits, huge indices, empty parts),
  nested or flat, written with pypdf, then ``parse_pdf(data, limits=None)``.
- ``fields-direct``: ``formkit.parse.fields.read_fields(form, fields)`` on random dicts.
- ``docx``: a user template (``--templates DIR``, ``DIR/<scheme>/<name>.docx``) mutated
  (Jinja tags, the XML of its parts, its .rels and content types, its zip entries),
  rendered with a sample record by the code ``render_docx`` runs in its child process.
- ``office``: a DOCX or ODT, formkit's filled one (with its record) or its blank filled in
  by hand (``tests/handfill.py``), mutated (shown values typed over, the XML of its parts,
  its record, its relationships and manifest, its zip entries), then
  ``formkit.parse_pdf(data, limits=None)``.
- ``records``: records mutated from each form's sample (extreme numbers and dates, long
  strings, wrong types, nested junk) through ``validate``, ``fill`` and the renderers
  (DOCX and HTML every time, PDF now and then).
- ``records-bytes``: raw bytes through the record loader of the CLI
  (``formkit.records.read_record``), then ``validate`` and ``fill``.

Outcomes: ``ok``, ``refused`` (a FormkitError) and ``crash``: any other exception,
MemoryError and RecursionError included, or a ``hang`` (an input running longer than
``--budget`` seconds: stopped by SIGALRM). Crashes are grouped by signature (the
exception's type and the innermost formkit frame); the first input of each is shrunk
(``--minimise-seconds``) and saved under ``OUT/crashes/TARGET/SIGNATURE/`` with its
traceback, ``case.pickle`` (for ``--replay``) and the file itself (a PDF, a template
folder, a record). Per target the run prints inputs, inputs/s, crashes and seconds.

Engines: ``random`` (default) is a seeded, structure-aware mutator: every input is
reproducible from ``--seed`` and its number, and the smoke test
(tests/test_fuzz_smoke.py) runs it. ``atheris`` (``pip install atheris``; the
``fuzz`` extra) is coverage-guided libFuzzer for the fast targets that take bytes
(``payload-json``, ``fields-direct``, ``records-bytes``); it runs in a child process,
formkit instrumented.
"""

from __future__ import annotations

import argparse
import contextlib
import copy
import hashlib
import io
import json
import os
import pickle
import random
import re
import signal
import sys
import tempfile
import time
import traceback
import warnings
import zipfile
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

AS_OF = date(2024, 6, 1)
DEFAULT_OUT = Path(tempfile.gettempdir()) / "formkit-fuzz"
SRC = str(Path(__file__).resolve().parents[1] / "src" / "formkit")

# ---------------------------------------------------------------- values and mutations

NUMBERS: list[Any] = [
    0, -0.0, 1, -1, 2, 0.5, -0.5, 1e-7, 0.1 + 0.2, 2**31 - 1, 2**31, 2**53 + 1, 2**63,
    2**64, -(2**63), 10**20, 10**99, -(10**99), 10**300, 1e15, 1e16, 1e300, -1e300,
    1.7976931348623157e308, -1.7976931348623157e308, 5e-324, 123456789.987654321,
    99999999999.99, 12.345, 1e-300, 100, 1000000,
]
STRINGS: list[str] = [
    "", " ", "\x00", "a\x00b", "\x01\x02\x1f", "\x7f", "\x85", "\u2028\u2029", "\ufeff",
    "\u200b\u200d", "\ud800", "x\udfffy", "\ufffe", "\uffff", "\U0010ffff", "\U0001f600",
    "\U0001f468\u200d\U0001f469\u200d\U0001f467", "\u202e反向\u202c", "a\u0301", "\u0301",
    "\u3000", "１２３", "民國113年2月30日", "113/02/30", "113年13月1日", "2024-02-30",
    "2024-02-29", "2023-02-29", "0000-00-00", "0001-01-01", "9999-12-31", "10000-01-01",
    "2024-13-01", "2024-06-01T00:00:00Z", "-1", "NaN", "Infinity", "1e400", "1" * 120,
    "A123456789", "A12345678", "a123456789", "04595257", "00000000", "12345678",
    "%s%n{0}{x}{}", "{{ 7*7 }}", "{% raw %}", "<w:p>", "&amp;", "]]>", "<script>",
    "../../etc/passwd", "/", "~1", "~0", ".", "..", "0", "-0", "true", "null", "Yes", "Off",
    "/Yes", "x" * 10000, "中" * 3000, "\n" * 300, "\t \r\n", "＿＿＿", "（空白）", "☐☑☒",
    "1,000", "NT$1,000", "１，０００", "-0.0", "1e5", "0x10", "  12  ", "十二",
    "𠀀𪚥", "\u00ad", "ﬁ", "Å", "\U000e0001", "\u061c", "\u0627\u0644\u0639", "\u05d0\u05d1",
]
KEYS: list[str] = ["", " ", ".", "a.b", "0", "-1", "99999999999999999999", "~", "/", "__class__",
                   "data", "form", "sha256", "draft", "worksheet", "redacted", "\x00", "\ud800",
                   "中文", "x" * 300, "lines", "items", "amount", "date", "$ref", "type"]
JSON_TOKENS = [b"{", b"}", b"[", b"]", b",", b":", b'"', b"\\", b"\\u0000", b"\\ud800",
               b"null", b"true", b"1e400", b"-0", b"NaN", b"Infinity", b"\xff", b"\xc3",
               b"\xef\xbb\xbf", b"\x00", b'"a":', b"[" * 50, b"{\"a\":" * 20, b"9" * 200]


def rand_string(rng: random.Random) -> str:
    r = rng.random()
    if r < 0.6:
        return rng.choice(STRINGS)
    if r < 0.75:
        return "".join(rng.choice(STRINGS) for _ in range(rng.randint(2, 4)))
    if r < 0.9:
        return "".join(chr(rng.choice([rng.randint(0, 0x7f), rng.randint(0x80, 0x2fff),
                                       rng.randint(0x3000, 0x9fff), rng.randint(0xd800, 0xdfff),
                                       rng.randint(0xe000, 0x10ffff)]))
                       for _ in range(rng.randint(1, 20)))
    return rng.choice(STRINGS[:20]) * rng.choice([1000, 20000, 200000])


def rand_number(rng: random.Random) -> Any:
    r = rng.random()
    if r < 0.7:
        return rng.choice(NUMBERS)
    if r < 0.85:
        return rng.randint(-10**rng.randint(1, 40), 10**rng.randint(1, 40))
    return rng.uniform(-1e6, 1e6)


def deep(rng: random.Random, depth: int | None = None) -> Any:
    depth = depth or rng.choice([20, 100, 500, 900, 990])
    value: Any = rng.choice([0, "x", None, {}, []])
    for _ in range(depth):
        value = [value] if rng.random() < 0.5 else {rng.choice(["a", "data", "0"]): value}
    return value


def rand_value(rng: random.Random, depth: int = 0) -> Any:
    r = rng.random()
    if r < 0.3:
        return rand_string(rng)
    if r < 0.55:
        return rand_number(rng)
    if r < 0.65:
        return rng.choice([True, False, None])
    if depth > 3 or r < 0.75:
        return rng.choice([[], {}, [None], {"": None}, [0] * rng.choice([1, 100, 20000])])
    if r < 0.85:
        return [rand_value(rng, depth + 1) for _ in range(rng.randint(0, 4))]
    if r < 0.95:
        return {rand_key(rng): rand_value(rng, depth + 1) for _ in range(rng.randint(0, 4))}
    return deep(rng)


def rand_key(rng: random.Random, known: list[str] | None = None) -> str:
    if known and rng.random() < 0.5:
        return rng.choice(known)
    return rng.choice(KEYS) if rng.random() < 0.8 else rand_string(rng)[:50]


def clone(value: Any) -> Any:
    """A deep copy of a JSON-like value, without recursion (values may nest 1,000 deep)."""
    if not isinstance(value, dict | list):
        return value
    root: Any = {} if isinstance(value, dict) else []
    stack = [(value, root)]
    while stack:
        src, dst = stack.pop()
        for k, v in (src.items() if isinstance(src, dict) else enumerate(src)):
            new = {} if isinstance(v, dict) else [] if isinstance(v, list) else v
            if isinstance(dst, dict):
                dst[k] = new
            else:
                dst.append(new)
            if isinstance(v, dict | list):
                stack.append((v, new))
    return root


def paths(value: Any, cap: int = 3000) -> list[tuple[Any, ...]]:
    """Paths (tuples of keys and indices) into a JSON-like value, breadth first."""
    out: list[tuple[Any, ...]] = [()]
    queue: list[tuple[tuple[Any, ...], Any]] = [((), value)]
    while queue and len(out) < cap:
        path, node = queue.pop(0)
        items = (list(node.items()) if isinstance(node, dict)
                 else list(enumerate(node)) if isinstance(node, list) else [])
        for k, v in items[:200]:
            out.append(path + (k,))
            queue.append((path + (k,), v))
    return out


def get_at(value: Any, path: tuple[Any, ...]) -> Any:
    for k in path:
        value = value[k]
    return value


def set_at(value: Any, path: tuple[Any, ...], new: Any) -> Any:
    if not path:
        return new
    get_at(value, path[:-1])[path[-1]] = new
    return value


def del_at(value: Any, path: tuple[Any, ...]) -> Any:
    if not path:
        return value
    parent = get_at(value, path[:-1])
    del parent[path[-1]]
    return value


def keys_of(value: Any) -> list[str]:
    return sorted({p[-1] for p in paths(value) if p and isinstance(p[-1], str)})


def mutate_json(value: Any, rng: random.Random, known: list[str] | None = None,
                count: int | None = None, protect_root: bool = False) -> Any:
    """1 to 4 structure-aware mutations of a JSON-like value (a deep copy of it)."""
    value = clone(value)
    known = known or keys_of(value)
    for _ in range(count or rng.choice([1, 1, 1, 2, 2, 3, 4])):
        ps = paths(value)
        if protect_root and len(ps) > 1:
            ps = ps[1:]
        path = rng.choice(ps)
        node = get_at(value, path)
        op = rng.random()
        if op < 0.3:
            new: Any = rand_value(rng)
        elif op < 0.45:  # same kind, odd value
            new = (rand_string(rng) if isinstance(node, str) else
                   rand_number(rng) if isinstance(node, int | float) and not isinstance(node, bool)
                   else rand_value(rng))
        elif op < 0.55:  # another kind: a number as a string, a string as a number...
            new = (str(node) if isinstance(node, int | float) else
                   [node] if rng.random() < 0.5 else {"value": node})
        elif op < 0.65 and path:
            value = del_at(value, path)
            continue
        elif op < 0.8 and isinstance(node, dict):
            node[rand_key(rng, known)] = rand_value(rng)
            continue
        elif op < 0.88 and isinstance(node, list):
            if node and rng.random() < 0.5:
                node.extend(clone(rng.choice(node)) for _ in range(rng.choice([1, 5, 300])))
            else:
                node.insert(rng.randint(0, len(node)), rand_value(rng))
            continue
        elif op < 0.93 and isinstance(node, str):
            new = rng.choice([node + rand_string(rng), rand_string(rng) + node, node * 50,
                              node[: len(node) // 2], node.upper(), " " + node + " "])
        elif op < 0.97:
            new = deep(rng)
        else:  # a piece of the value elsewhere inside it
            new = clone(get_at(value, rng.choice(ps)))
        value = set_at(value, path, new)
    return value


def mutate_bytes(data: bytes, rng: random.Random, tokens: list[bytes] = JSON_TOKENS) -> bytes:
    buf = bytearray(data)
    for _ in range(rng.choice([1, 1, 2, 3, 5])):
        op = rng.random()
        pos = rng.randint(0, len(buf))
        if op < 0.2 and buf:
            i = rng.randrange(len(buf))
            buf[i] ^= 1 << rng.randrange(8)
        elif op < 0.35 and buf:
            buf[rng.randrange(len(buf))] = rng.randrange(256)
        elif op < 0.55:
            buf[pos:pos] = rng.choice(tokens)
        elif op < 0.7 and buf:
            end = min(len(buf), pos + rng.choice([1, 4, 64, 1024]))
            del buf[pos:end]
        elif op < 0.8 and buf:
            end = min(len(buf), pos + rng.choice([1, 16, 256]))
            buf[pos:pos] = buf[pos:end] * rng.choice([2, 10, 100])
        elif op < 0.88:
            del buf[pos:]
        elif op < 0.94:
            n = rng.choice([100, 1000, 5000, 100000])
            buf = bytearray(b"[" * n + buf + b"]" * n) if rng.random() < 0.5 else \
                bytearray(b'{"data":' * n + buf + b"}" * n)
        else:
            buf[pos:pos] = rng.randbytes(rng.randint(1, 16))
    return bytes(buf)


@contextlib.contextmanager
def deep_ok(limit: int = 20000) -> Iterator[None]:
    """The harness's own work on deeply nested values (never formkit's: it runs outside)."""
    old = sys.getrecursionlimit()
    sys.setrecursionlimit(max(old, limit))
    try:
        yield
    finally:
        sys.setrecursionlimit(old)


def to_json_bytes(value: Any, rng: random.Random | None = None) -> bytes:
    """JSON text of a value (lone surrogates escaped, big numbers as they are)."""
    ensure_ascii = rng.random() < 0.5 if rng else True
    try:
        with deep_ok():
            text = json.dumps(value, ensure_ascii=ensure_ascii, allow_nan=True)
    except ValueError:
        text = json.dumps(None)
    return text.encode("utf-8", "surrogatepass" if not ensure_ascii else "strict")


# ---------------------------------------------------------------- the run loop


class Hang(BaseException):
    """An input ran past the time budget (raised by SIGALRM)."""


@contextlib.contextmanager
def budget(seconds: float) -> Iterator[None]:
    def alarm(signum: int, frame: Any) -> None:
        raise Hang(f"over the {seconds:g} s budget")

    old = signal.signal(signal.SIGALRM, alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)


def signature(exc: BaseException) -> str:
    """The exception's type and the innermost frame in formkit (or at all)."""
    frames = traceback.extract_tb(exc.__traceback__)
    ours = [f for f in frames if f.filename.startswith(SRC)]
    if isinstance(exc, RecursionError):  # where it overflows is chance: the function counts
        named = [f for f in ours or frames if not f.name.startswith("<")]
        if named:
            return f"RecursionError@{Path(named[-1].filename).name}:{named[-1].name}"
    if not (ours or frames):
        return type(exc).__name__
    where = (ours or frames)[-1]
    return f"{type(exc).__name__}@{Path(where.filename).name}:{where.lineno}:{where.name}"


@dataclass
class Outcome:
    kind: str  # ok, refused, crash
    sig: str = ""
    error: str = ""
    trace: str = ""
    seconds: float = 0.0


def run_one(target: Target, ctx: Any, case: Any, seconds: float) -> Outcome:
    from formkit.errors import FormkitError

    start = time.perf_counter()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            with budget(seconds):
                target.execute(ctx, case)
    except KeyboardInterrupt:
        raise
    except Hang as exc:
        return Outcome("crash", f"Hang@{target.name}", str(exc),
                       "".join(traceback.format_exception(exc)), time.perf_counter() - start)
    except FormkitError as exc:
        return Outcome("refused", type(exc).__name__, str(exc)[:300],
                       seconds=time.perf_counter() - start)
    except BaseException as exc:  # noqa: BLE001 - that is what we are looking for
        if isinstance(exc, SystemExit | GeneratorExit):
            raise
        return Outcome("crash", signature(exc), f"{type(exc).__name__}: {str(exc)[:300]}",
                       "".join(traceback.format_exception(exc)), time.perf_counter() - start)
    return Outcome("ok", seconds=time.perf_counter() - start)


@dataclass
class Stats:
    target: str
    inputs: int = 0
    seconds: float = 0.0
    outcomes: Counter[str] = field(default_factory=Counter)
    refusals: Counter[str] = field(default_factory=Counter)
    crashes: dict[str, int] = field(default_factory=dict)
    first: dict[str, tuple[Any, Outcome]] = field(default_factory=dict)
    saved: dict[str, str] = field(default_factory=dict)
    slowest: float = 0.0

    def add(self, case: Any, out: Outcome) -> None:
        self.inputs += 1
        self.outcomes[out.kind] += 1
        self.slowest = max(self.slowest, out.seconds)
        if out.kind == "refused":
            self.refusals[out.sig] += 1
        elif out.kind == "crash":
            self.crashes[out.sig] = self.crashes.get(out.sig, 0) + 1
            self.first.setdefault(out.sig, (case, out))

    def summary(self) -> dict[str, Any]:
        return {
            "target": self.target, "inputs": self.inputs, "seconds": round(self.seconds, 1),
            "inputs_per_s": round(self.inputs / self.seconds, 2) if self.seconds else 0.0,
            "ok": self.outcomes["ok"], "refused": self.outcomes["refused"],
            "crashes": self.outcomes["crash"], "unique_crashes": len(self.crashes),
            "slowest_s": round(self.slowest, 2),
            "crash_signatures": dict(sorted(self.crashes.items(), key=lambda kv: -kv[1])),
            "saved": self.saved,
        }

    def line(self) -> str:
        s = self.summary()
        return (f"{self.target}: {s['inputs']} inputs, {s['inputs_per_s']} inputs/s, "
                f"{s['crashes']} crashes ({s['unique_crashes']} unique), {s['seconds']} s "
                f"(ok {s['ok']}, refused {s['refused']}, slowest {s['slowest_s']} s)")


def fuzz(target: Target, *, seconds: float | None = None, inputs: int | None = None,
         seed: int = 0, per_input: float = 10.0, ctx: Any = None,
         log: Callable[[str], None] | None = None) -> Stats:
    """Run ``target`` for ``seconds`` or ``inputs`` inputs (input i from seed and i)."""
    ctx = target.setup() if ctx is None else ctx
    stats = Stats(target.name)
    start = time.monotonic()
    last_log = start
    i = 0
    while True:
        now = time.monotonic()
        if inputs is not None and i >= inputs:
            break
        if seconds is not None and now - start >= seconds:
            break
        rng = random.Random(seed * 1_000_003 + i)
        case = target.generate(ctx, rng)
        out = run_one(target, ctx, case, per_input)
        stats.add(case, out)
        if out.kind == "crash" and stats.crashes[out.sig] == 1 and log:
            log(f"  new crash {out.sig}: {out.error[:160]}")
        i += 1
        if log and time.monotonic() - last_log > 30:
            last_log = time.monotonic()
            log("  " + Stats.line(stats_with_time(stats, last_log - start)))
    stats.seconds = time.monotonic() - start
    return stats


def stats_with_time(stats: Stats, seconds: float) -> Stats:
    stats.seconds = seconds
    return stats


# ---------------------------------------------------------------- shrinking


def _smaller(value: Any) -> Iterator[Any]:  # noqa: C901 - one case per kind
    """Smaller versions of a value, big cuts first (children are tried by the caller)."""
    if isinstance(value, dict) and value:
        keys = list(value)
        if len(keys) > 1:
            yield {k: value[k] for k in keys[: len(keys) // 2]}
            yield {k: value[k] for k in keys[len(keys) // 2:]}
        for k in keys:
            yield {kk: vv for kk, vv in value.items() if kk != k}
    elif isinstance(value, list) and value:
        n = len(value)
        if n > 1:
            yield value[: n // 2]
            yield value[n // 2:]
        for i in range(min(n, 50)):
            yield value[:i] + value[i + 1:]
        for child in value[:3]:
            if isinstance(child, list | dict):
                yield child  # one level of nesting less
    elif isinstance(value, str | bytes) and len(value) > 0:
        n = len(value)
        chunk = n // 2
        while chunk >= 1:
            for start in range(0, n, chunk):
                if n // chunk > 64 and start // chunk > 64:
                    break
                yield value[:start] + value[start + chunk:]  # type: ignore[operator]
            chunk //= 2
    elif isinstance(value, int) and not isinstance(value, bool) and value not in (0, 1):
        yield 0
        yield 1
        if abs(value) > 10:
            yield value // 10
    elif isinstance(value, float) and value not in (0.0, 1.0):
        yield 0.0
        yield 1.5


def shrink(value: Any, still: Callable[[Any], bool], deadline: float) -> Any:
    """A smaller value for which ``still(value)`` holds (greedy, breadth first)."""
    progress = True
    while progress and time.monotonic() < deadline:
        progress = False
        for path in paths(value, cap=400):
            if time.monotonic() >= deadline:
                break
            try:
                node = get_at(value, path)
            except (KeyError, IndexError, TypeError):
                break
            for smaller in _smaller(node):
                if time.monotonic() >= deadline:
                    break
                candidate = set_at(clone(value), path, smaller) if path else smaller
                if still(candidate):
                    value = candidate
                    progress = True
                    break
            if progress:
                break
    return value


def minimise(target: Target, ctx: Any, case: Any, sig: str, seconds: float,
             per_input: float) -> Any:
    deadline = time.monotonic() + seconds
    key = _shrink_key_for(target, case)
    if key is None:
        return case

    def still(part: Any) -> bool:
        trial = dict(case)
        trial[key] = part
        out = run_one(target, ctx, trial, per_input)
        return out.kind == "crash" and out.sig == sig

    smaller = dict(case)
    smaller[key] = shrink(case[key], still, deadline)
    return smaller


def _trimmed(trace: str, keep: int = 60) -> str:
    """A traceback without the thousand frames of a recursion in its middle."""
    lines = trace.splitlines()
    if len(lines) <= 3 * keep:
        return trace
    return "\n".join(lines[:keep] + [f"  ... {len(lines) - 2 * keep} lines ..."]
                     + lines[-keep:]) + "\n"


def slug(sig: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", sig)[:120]


def save_crashes(target: Target, ctx: Any, stats: Stats, out: Path, *, minimise_s: float,
                 per_input: float, log: Callable[[str], None]) -> None:
    for sig, (case, outcome) in stats.first.items():
        folder = out / "crashes" / target.name / slug(sig)
        folder.mkdir(parents=True, exist_ok=True)
        small = case
        if minimise_s > 0:
            small = minimise(target, ctx, case, sig, minimise_s, per_input)
            again = run_one(target, ctx, small, per_input)
            if again.kind == "crash" and again.sig == sig:
                outcome = again
            else:
                small = case
        with deep_ok():
            (folder / "case.pickle").write_bytes(pickle.dumps({"target": target.name,
                                                               "case": small}))
        (folder / "traceback.txt").write_text(
            f"target: {target.name}\nsignature: {sig}\ncount: {stats.crashes[sig]}\n"
            f"replay: .venv/bin/python benchmarks/fuzz.py --replay {folder}\n\n"
            + _trimmed(outcome.trace), encoding="utf-8", errors="backslashreplace")
        with contextlib.suppress(Exception), deep_ok():
            target.save(ctx, small, folder)
        stats.saved[sig] = str(folder)
        log(f"  saved {folder}")


# ---------------------------------------------------------------- targets


@dataclass
class Target:
    name: str
    setup: Callable[[], Any]
    generate: Callable[[Any, random.Random], Any]
    execute: Callable[[Any, Any], None]
    save: Callable[[Any, Any, Path], None]
    shrink_key: str | None = None
    from_bytes: Callable[[Any, bytes], Any] | None = None
    seeds: Callable[[Any], list[bytes]] | None = None


def _forms(only: list[str] | None = None) -> list[Any]:
    from formkit.forms import catalog

    return [f for f in catalog() if only is None or f.id in only]


def _cache() -> Path:
    folder = Path(os.environ.get("FORMKIT_FUZZ_CACHE", DEFAULT_OUT / "cache"))
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _cached(name: str, make: Callable[[], bytes]) -> bytes:
    path = _cache() / name
    if path.exists():
        return path.read_bytes()
    data = make()
    path.write_bytes(data)
    return data


def _filled(form_id: str) -> dict[str, Any]:
    from formkit import fill, get_form

    return fill(form_id, get_form(form_id).sample, as_of=AS_OF).record


# The forms the smoke test uses (FUZZ_FORMS=all for every form of the catalogue).
def _selected() -> list[str] | None:
    chosen = os.environ.get("FUZZ_FORMS", "all")
    return None if chosen == "all" else chosen.split(",")


# ---- payload


def _genuine_pdf(form_id: str) -> bytes:
    import formkit

    return _cached(form_id.replace("/", "__") + ".filled.pdf",
                   lambda: formkit.render_pdf(form_id, _filled(form_id)))


def payload_setup() -> dict[str, Any]:
    from pypdf import PdfReader, PdfWriter

    ctx: dict[str, Any] = {"pdf": {}, "payload": {}, "writer": {}, "stream": {}, "reader": {}}
    for form in _forms(_selected()):
        pdf = _genuine_pdf(form.id)
        ctx["pdf"][form.id] = pdf
        ctx["reader"][form.id] = PdfReader(io.BytesIO(pdf))
        ctx["payload"][form.id] = json.loads(ctx["reader"][form.id].attachments["formkit.json"][0])
        writer = PdfWriter(clone_from=io.BytesIO(pdf))
        root: Any = writer._root_object
        names = root["/Names"]["/EmbeddedFiles"]["/Names"]
        spec = names[1].get_object()
        ctx["writer"][form.id] = writer
        ctx["stream"][form.id] = spec["/EF"]["/F"].get_object()
    ctx["ids"] = sorted(ctx["pdf"])
    ctx["all_ids"] = [f.id for f in _forms()]
    return ctx


def payload_generate(ctx: dict[str, Any], rng: random.Random) -> dict[str, Any]:
    base = rng.choice(ctx["ids"])
    genuine = ctx["payload"][base]
    if rng.random() < 0.2:
        raw = mutate_bytes(to_json_bytes(genuine, rng), rng)
        return {"base": base, "raw": raw, "payload": None}
    r = rng.random()
    if r < 0.6:
        payload = dict(genuine)
        payload["data"] = mutate_json(genuine["data"], rng, protect_root=rng.random() < 0.8)
    elif r < 0.75:  # another form's data under this form's name, or the reverse
        payload = dict(genuine)
        other = ctx["payload"][rng.choice(ctx["ids"])]
        payload["data" if rng.random() < 0.5 else "form"] = clone(
            other["data" if rng.random() < 0.7 else "form"])
        if rng.random() < 0.5:
            payload["form"] = rng.choice(ctx["all_ids"] + ["", "mit/", "mit/annex-07",
                                                           "MIT/annex-07-qms-assessment"])
    else:
        payload = mutate_json(genuine, rng)
    if isinstance(payload, dict) and rng.random() < 0.7:
        payload = dict(payload)
        with contextlib.suppress(Exception):
            from formkit.records import canonical_json

            payload["sha256"] = hashlib.sha256(canonical_json(payload.get("data"))).hexdigest()
    return {"base": base, "raw": None, "payload": payload}


def _payload_raw(case: dict[str, Any]) -> bytes:
    if case.get("raw") is not None:
        return bytes(case["raw"])
    return to_json_bytes(case["payload"], random.Random(0))


def payload_pdf(ctx: dict[str, Any], case: dict[str, Any]) -> bytes:
    stream = ctx["stream"][case["base"]]
    stream.set_data(_payload_raw(case))
    buf = io.BytesIO()
    ctx["writer"][case["base"]].write(buf)
    return buf.getvalue()


def payload_execute(ctx: dict[str, Any], case: dict[str, Any]) -> None:
    import formkit

    formkit.parse_pdf(payload_pdf(ctx, case), limits=None)


def payload_save(ctx: dict[str, Any], case: dict[str, Any], folder: Path) -> None:
    (folder / "formkit.json").write_bytes(_payload_raw(case))
    (folder / "repro.pdf").write_bytes(payload_pdf(ctx, case))
    (folder / "repro.py").write_text(
        "import sys, formkit\nformkit.parse_pdf(open(sys.argv[1] if len(sys.argv) > 1 else "
        "'repro.pdf', 'rb').read(), limits=None)\n", encoding="utf-8")


def payload_shrink_key(case: dict[str, Any]) -> str:
    return "raw" if case.get("raw") is not None else "payload"


class _Reader:
    """A PDF reader whose formkit.json is another (the rest is the genuine PDF's)."""

    def __init__(self, real: Any, raw: bytes, data: bytes) -> None:
        self._real = real
        self._raw = raw
        self.formkit_bytes = data

    @property
    def attachments(self) -> dict[str, list[bytes]]:
        return {"formkit.json": [self._raw]}

    def __getattr__(self, name: str) -> Any:
        return getattr(self._real, name)


#: The parse's readers of the text layer, the same for every payload of one PDF (read once).
TEXT_READERS = ("_units", "_pages")


@contextlib.contextmanager
def _stub_reader(ctx: dict[str, Any], base: str, raw: bytes) -> Iterator[None]:
    import formkit.parse as parse

    cache = ctx.setdefault("text", {})
    saved = {"open_pdf": getattr(parse, "open_pdf")}  # noqa: B009 - not exported

    def open_pdf(data: bytes, *args: Any, **kwargs: Any) -> Any:
        return _Reader(ctx["reader"][base], raw, ctx["pdf"][base])

    def cached(name: str, real: Callable[..., Any]) -> Callable[..., Any]:
        def read(data: bytes, *args: Any) -> Any:
            key = (name, hashlib.sha1(data).hexdigest())
            if key not in cache:
                cache[key] = real(data, *args)
            return copy.deepcopy(cache[key])
        return read

    setattr(parse, "open_pdf", open_pdf)  # noqa: B010 - not exported
    for name in TEXT_READERS:
        if hasattr(parse, name):
            saved[name] = getattr(parse, name)
            setattr(parse, name, cached(name, saved[name]))
    try:
        yield
    finally:
        for name, real in saved.items():
            setattr(parse, name, real)


def payload_json_execute(ctx: dict[str, Any], case: dict[str, Any]) -> None:
    import formkit.parse as parse

    raw = _payload_raw(case)
    with _stub_reader(ctx, case["base"], raw):
        parse._parse(b"%PDF-1.7 stand-in", "fuzz.pdf", None, None, parse.DEFAULT_LIMITS)


def payload_json_from_bytes(ctx: dict[str, Any], data: bytes) -> dict[str, Any]:
    base = ctx["ids"][data[0] % len(ctx["ids"])] if data else ctx["ids"][0]
    return {"base": base, "raw": data[1:], "payload": None}


def payload_seeds(ctx: dict[str, Any]) -> list[bytes]:
    return [bytes([i]) + to_json_bytes(ctx["payload"][fid])
            for i, fid in enumerate(ctx["ids"])]


# ---- fields


def _blank(form_id: str) -> bytes:
    from formkit.render.fillable import render_fillable_pdf

    return _cached(form_id.replace("/", "__") + ".fillable.pdf",
                   lambda: render_fillable_pdf(form_id))


def fields_setup() -> dict[str, Any]:
    from formkit.parse.fields import acroform_values
    from formkit.parse.pdfio import open_pdf

    ctx: dict[str, Any] = {"blank": {}, "fields": {}, "form": {}}
    for form in _forms(_selected()):
        blank = _blank(form.id)
        ctx["blank"][form.id] = blank
        ctx["form"][form.id] = form
        ctx["fields"][form.id] = acroform_values(open_pdf(blank, name="b.pdf"), "b.pdf") or {}
    ctx["ids"] = sorted(ctx["blank"])
    return ctx


def odd_name(rng: random.Random, names: list[str]) -> str:
    """A field name: a genuine one bent (indices, dots, empty parts) or a new one."""
    name = rng.choice(names) if names else "x"
    parts = name.split(".")
    r = rng.random()
    if r < 0.3:
        i = rng.randrange(len(parts))
        parts[i] = rng.choice(["99999999999999999999", "4294967296", "100000", "5000", "-1",
                               "01", "1e3", "", "0", "１", "٣", "²", " 1", "0x1", "+1", "1_0"])
    elif r < 0.45:
        parts.insert(rng.randint(0, len(parts)), rng.choice(["", "0", "x", "lines", "."]))
    elif r < 0.55:
        parts = parts[: rng.randint(1, len(parts))]
    elif r < 0.65:
        parts.append(rng.choice(["0", "x", "", "99999999", "Off", "Yes"]))
    elif r < 0.75:
        parts = [rand_key(rng) for _ in range(rng.randint(1, 4))]
    elif r < 0.8:
        parts = ["a"] * rng.choice([17, 40, 200])
    elif r < 0.85:
        return rng.choice(["", ".", "..", "...", "0", "0.0", ".0", "0.", "~", "x" * 5000])
    elif r < 0.9:
        other = rng.choice(names) if names else "y"
        parts = parts + other.split(".")
    return ".".join(parts)


def field_value(rng: random.Random, kind: str) -> Any:
    r = rng.random()
    if kind == "/Btn" and r < 0.6:
        return "/" + rng.choice(["Yes", "Off", "", "0", "1", "true", "A", "pass", "fail",
                                 "#20", "中", "x" * 200, rand_string(rng)[:40]])
    if r < 0.75:
        return rand_string(rng)
    if r < 0.85:
        return [rand_string(rng) for _ in range(rng.randint(0, 3))]
    if r < 0.92:
        return rand_number(rng)
    return None


KINDS = ["/Tx", "/Btn", "/Ch", "/Sig", "None", "", "/Foo"]


def fields_generate(ctx: dict[str, Any], rng: random.Random) -> dict[str, Any]:
    form_id = rng.choice(ctx["ids"])
    genuine = ctx["fields"][form_id]
    names = sorted(genuine)
    fields: dict[str, Any] = {}
    # some genuine fields, with plausible or odd values
    for name in rng.sample(names, min(len(names), rng.randint(0, 12))):
        raw = genuine[name]
        fields[name] = [raw.kind, field_value(rng, raw.kind), raw.flags]
    for _ in range(rng.randint(0, 6)):
        kind = rng.choice(KINDS)
        flags = rng.choice([0, 0, 1 << 15, 1 << 12, 1 << 16, -1, 2**31 - 1])
        fields[odd_name(rng, names)] = [kind, field_value(rng, kind), flags]
    return {"form": form_id, "fields": fields, "named": rng.random() < 0.5,
            "nested": rng.random() < 0.5}


def fields_direct_execute(ctx: dict[str, Any], case: dict[str, Any]) -> None:
    from formkit.parse.fields import RawField, read_fields

    fields = {name: RawField(str(kind), value, flags)
              for name, (kind, value, flags) in case["fields"].items()}
    read_fields(ctx["form"][case["form"]], fields)


def _pdf_value(value: Any) -> Any:
    from pypdf.generic import (
        ArrayObject,
        FloatObject,
        NameObject,
        NullObject,
        NumberObject,
        TextStringObject,
    )

    if value is None:
        return NullObject()
    if isinstance(value, list):
        return ArrayObject(_pdf_value(v) for v in value)
    if isinstance(value, bool):
        return NameObject("/Yes" if value else "/Off")
    if isinstance(value, int):
        return NumberObject(value) if abs(value) < 2**63 else TextStringObject(str(value))
    if isinstance(value, float):
        return FloatObject(value)
    text = str(value)
    if text.startswith("/") and len(text) < 128 and text[1:].isprintable():
        return NameObject("/" + "".join(c if c.isalnum() else f"#{ord(c) % 256:02X}"
                                        for c in text[1:]))
    return TextStringObject(text.encode("utf-16", "surrogatepass").decode("utf-16", "replace"))


def fields_pdf(ctx: dict[str, Any], case: dict[str, Any]) -> bytes:
    from pypdf import PdfWriter
    from pypdf.generic import ArrayObject, DictionaryObject, NameObject, NumberObject

    # An incremental update, as a PDF editor saves a filled form (and much faster to write).
    writer = PdfWriter(io.BytesIO(ctx["blank"][case["form"]]), incremental=True)
    root: Any = writer._root_object
    acro = root["/AcroForm"].get_object()
    top = acro["/Fields"].get_object()
    by_name: dict[str, Any] = {}

    def walk(kids: Any, prefix: str) -> None:
        for ref in kids:
            node = ref.get_object()
            part = node.get("/T")
            name = f"{prefix}.{part}" if prefix and part is not None else (
                str(part) if part is not None else prefix)
            if "/Kids" in node and any("/T" in k.get_object() for k in node["/Kids"]):
                walk(node["/Kids"], name)
            else:
                by_name[name] = node

    walk(top, "")
    for name, (kind, value, flags) in case["fields"].items():
        if name in by_name:
            by_name[name][NameObject("/V")] = _pdf_value(value)
            continue
        leaf = DictionaryObject({NameObject("/T"): _pdf_value(name.rsplit(".", 1)[-1]
                                                               if case["nested"] else name),
                                 NameObject("/V"): _pdf_value(value),
                                 NameObject("/Ff"): NumberObject(flags % 2**31)})
        if kind.startswith("/") and len(kind) > 1:
            leaf[NameObject("/FT")] = NameObject(kind)
        if case["nested"] and "." in name:
            parts = name.split(".")[:-1]
            node = writer._add_object(leaf)
            for part in reversed(parts):
                parent = DictionaryObject({NameObject("/T"): _pdf_value(part),
                                           NameObject("/Kids"): ArrayObject([node])})
                node = writer._add_object(parent)
            top.append(node)
        else:
            top.append(writer._add_object(leaf))
    buf = io.BytesIO()
    writer.write(buf)
    return buf.getvalue()


def fields_execute(ctx: dict[str, Any], case: dict[str, Any]) -> None:
    import formkit

    formkit.parse_pdf(fields_pdf(ctx, case), limits=None,
                      form=case["form"] if case["named"] else None)


def fields_save(ctx: dict[str, Any], case: dict[str, Any], folder: Path) -> None:
    (folder / "fields.txt").write_text(repr(case), encoding="utf-8", errors="backslashreplace")
    form = repr(case["form"]) if case["named"] else "None"
    (folder / "repro.pdf").write_bytes(fields_pdf(ctx, case))
    (folder / "repro.py").write_text(
        f"import formkit\nformkit.parse_pdf(open('repro.pdf', 'rb').read(), limits=None, "
        f"form={form})\n", encoding="utf-8")


def fields_direct_save(ctx: dict[str, Any], case: dict[str, Any], folder: Path) -> None:
    (folder / "repro.py").write_text(
        "from formkit.forms import get_form\n"
        "from formkit.parse.fields import RawField, read_fields\n"
        f"fields = {case['fields']!r}\n"
        f"read_fields(get_form({case['form']!r}), "
        "{n: RawField(k, v, f) for n, (k, v, f) in fields.items()})\n",
        encoding="utf-8", errors="backslashreplace")


def fields_direct_from_bytes(ctx: dict[str, Any], data: bytes) -> dict[str, Any]:
    import atheris

    fdp = atheris.FuzzedDataProvider(data)
    form_id = ctx["ids"][fdp.ConsumeIntInRange(0, len(ctx["ids"]) - 1)]
    names = sorted(ctx["fields"][form_id])
    fields: dict[str, Any] = {}
    for _ in range(fdp.ConsumeIntInRange(0, 12)):
        if names and fdp.ConsumeBool():
            name = names[fdp.ConsumeIntInRange(0, len(names) - 1)]
            if fdp.ConsumeBool():
                name += "." + fdp.ConsumeUnicodeNoSurrogates(8)
        else:
            name = fdp.ConsumeUnicode(fdp.ConsumeIntInRange(0, 40))
        kind = KINDS[fdp.ConsumeIntInRange(0, len(KINDS) - 1)]
        pick = fdp.ConsumeIntInRange(0, 4)
        value: Any = (fdp.ConsumeUnicode(fdp.ConsumeIntInRange(0, 60)) if pick < 2 else
                      "/" + fdp.ConsumeUnicodeNoSurrogates(10) if pick == 2 else
                      [fdp.ConsumeUnicode(10) for _ in range(fdp.ConsumeIntInRange(0, 3))]
                      if pick == 3 else None)
        fields[name] = [kind, value, fdp.ConsumeIntInRange(0, 2**17)]
    return {"form": form_id, "fields": fields, "named": True, "nested": False}


# ---- docx templates

TEMPLATE_PARAGRAPHS = [
    "報價單 {{ title }} {{ form.title }}",
    "{% if draft %}草稿{% endif %}",
    "{% for k, v in r.items() %}{{ k }}：{{ v }}；{% endfor %}",
    "{{ r.quote_no }} {{ r.client.name if r.client else '' }}",
    "{% for l in r.lines %}{{ loop.index }}. {{ l.item }} {{ l.amount }}{% endfor %}",
]
SNIPPETS = [
    "{{ r }}", "{{ r.x.y.z }}", "{{ none.x }}", "{{ 1/0 }}", "{{ r['a'] }}", "{{ form }}",
    "{{ '%s' % r }}", "{{ r.lines|join(',') }}", "{{ r|length }}", "{{ 10**100 }}",
    "{{ 'x' * 10**7 }}", "{{ range(10**9)|list }}", "{% for i in range(10**6) %}x{% endfor %}",
    "{{ r.lines[99] }}", "{{ r.lines|map(attribute='amount')|sum }}", "{{ title|e }}",
    "{{ '\x01' }}", "{{ '\\x01' }}", "{{ '\\ud800' }}", "{{ '<w:p>' }}", "{{", "}}", "{%", "%}",
    "{% for %}", "{% endfor %}", "{% if %}", "{%p if draft %}", "{%p endif %}",
    "{%tr for x in r %}",
    "{%tr endfor %}", "{%tc for x in r %}", "{%r x %}", "{{r x }}", "{% raw %}", "{# #}",
    "{% set x = r %}{{ x }}", "{% macro m() %}{{ m() }}{% endmacro %}{{ m() }}",
    "{{ r.__class__ }}", "{{ ''.__class__.__mro__ }}", "{% include 'x' %}", "{% extends 'x' %}",
    "{% import 'x' as y %}", "{{ lipsum() }}", "{{ cycler }}", "{{ r|tojson }}",
    "{{ r.lines|sort(attribute='amount') }}", "{{ '{:,}'.format(10**30) }}",
    "{{ r.get('lines')|first }}", "{{ (r.lines or [])|batch(2)|list }}", "{{ '%d' % 'x' }}",
    "{{ r.quote_no|int * 1e308 }}", "{{ r.quote_no|float }}", "{{ r.lines|selectattr('x') }}",
    "{{ r.lines|groupby('due') }}", "{{ '中' * 1000 }}", "{{ r.client|dictsort }}",
    "{{ r.lines|wordcount }}", "{{ r|string|truncate(5) }}", "{{ r|pprint }}",
    "{{ [r]|map('tojson')|join }}", "{{ r.lines|unique|list }}", "{{ {}.x }}", "&", "<", "]]>",
]
XML_MUTATIONS = [b"<w:p/>", b"</w:p>", b"<w:t>", b"</w:t>", b"<w:r><w:t>{{ r }}</w:t></w:r>",
                 b"<!--", b"<?xml?>", b"<!DOCTYPE x [<!ENTITY a 'aaaa'>]>", b"&a;", b"&#0;",
                 b"&#xD800;", b'r:id="rId999"', b'w:val="99999999999"', b"<w:tbl>", b"</w:tbl>",
                 b"<w:tr>", b"</w:tr>", b"<w:tc>", b"\x00", b"\xff", b"{{", b"}}", b"{%", b"%}"]
REL_TARGETS = [b"../../../etc/passwd", b"http://127.0.0.1:9/x", b"", b"/word/missing.xml",
               b"file:///etc/passwd", b"media/../../../x", b"x" * 300, b"word/document.xml",
               b"#frag", b"%00"]


def _template_docx(form_id: str) -> bytes:
    from docx import Document

    document = Document()
    for text in TEMPLATE_PARAGRAPHS:
        document.add_paragraph(text)
    table = document.add_table(rows=3, cols=2)
    table.cell(0, 0).text = "{%tr for l in (r.lines or []) %}"
    table.cell(1, 0).text = "{{ l.item }}"
    table.cell(1, 1).text = "{{ l.amount }}"
    table.cell(2, 0).text = "{%tr endfor %}"
    section = document.sections[0]
    section.header.paragraphs[0].text = "{{ title }}"
    section.footer.paragraphs[0].text = "{{ form.id }} {% if draft %}草稿{% endif %}"
    buf = io.BytesIO()
    document.save(buf)
    return buf.getvalue()


def docx_setup() -> dict[str, Any]:
    ctx: dict[str, Any] = {"entries": {}, "record": {}, "form": {}}
    for form in _forms(_selected()):
        ctx["form"][form.id] = form
        ctx["record"][form.id] = _filled(form.id)
        with zipfile.ZipFile(io.BytesIO(_template_docx(form.id))) as z:
            ctx["entries"][form.id] = {i.filename: z.read(i) for i in z.infolist()}
    ctx["ids"] = sorted(ctx["form"])
    ctx["dir"] = Path(tempfile.mkdtemp(prefix="formkit-fuzz-docx-"))
    return ctx


def _insert_text(xml: bytes, rng: random.Random, snippet: str) -> bytes:
    """``snippet`` put into the text of a random run (escaped, as Word would store it)."""
    starts = [m.end() for m in re.finditer(rb"<w:t(?: [^>]*)?>", xml)]
    if not starts:
        return xml
    pos = rng.choice(starts)
    text = snippet.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return xml[:pos] + text.encode("utf-8", "surrogatepass") + xml[pos:]


def _xml_element_op(xml: bytes, rng: random.Random) -> bytes:
    tags = [m for m in re.finditer(rb"<(w:[a-zA-Z]+)[ >/]", xml)]
    if not tags:
        return xml
    m = rng.choice(tags)
    name = m.group(1)
    end = xml.find(b"</" + name + b">", m.start())
    if end < 0:
        return xml
    end += len(name) + 3
    element = xml[m.start():end]
    r = rng.random()
    if r < 0.4:
        return xml[:m.start()] + xml[end:]  # removed
    if r < 0.7:
        return xml[:end] + element * rng.choice([2, 5]) + xml[end:]  # duplicated
    if r < 0.85:
        return xml[:m.start()] + xml[m.start():end].replace(name, b"w:" + rng.choice(
            [b"p", b"r", b"t", b"tbl", b"tr", b"tc", b"sdt", b"hyperlink", b"x"]), 2) + xml[end:]
    return xml[:m.start()] + element[: len(element) // 2] + xml[end:]  # cut


def docx_generate(ctx: dict[str, Any], rng: random.Random) -> dict[str, Any]:
    form_id = rng.choice(ctx["ids"])
    base = ctx["entries"][form_id]
    changed: dict[str, bytes | None] = {}
    xml_parts = [n for n in base if n.endswith(".xml") or n.endswith(".rels")]
    for _ in range(rng.choice([1, 1, 2, 3])):
        r = rng.random()
        if r < 0.35:
            name = rng.choice(["word/document.xml"] * 3 + [n for n in xml_parts
                                                             if "header" in n or "footer" in n])
            xml = changed.get(name) or base[name]
            for _ in range(rng.choice([1, 1, 2, 4])):
                xml = _insert_text(xml, rng, rng.choice(SNIPPETS))
            changed[name] = xml
        elif r < 0.5:
            name = rng.choice(["word/document.xml"] * 3 + xml_parts)
            changed[name] = _xml_element_op(changed.get(name) or base[name], rng)
        elif r < 0.62:
            name = rng.choice(["word/document.xml"] * 2 + xml_parts)
            changed[name] = mutate_bytes(changed.get(name) or base[name], rng, XML_MUTATIONS)
        elif r < 0.72:
            name = rng.choice([n for n in base if n.endswith(".rels")])
            rels = changed.get(name) or base[name]
            targets = list(re.finditer(rb'Target="([^"]*)"', rels))
            if targets:
                m = rng.choice(targets)
                new = rng.choice(REL_TARGETS)
                rels = rels[:m.start(1)] + new + rels[m.end(1):]
                if rng.random() < 0.3:
                    rels = rels.replace(b"/>", b' TargetMode="External"/>', 1)
            changed[name] = rels
        elif r < 0.8:
            name = "[Content_Types].xml"
            ct = changed.get(name) or base[name]
            changed[name] = _xml_element_op(ct, rng) if rng.random() < 0.5 else ct.replace(
                b"wordprocessingml.document.main", rng.choice([b"x", b"", b"template.main"]))
        elif r < 0.88:
            changed[rng.choice(list(base))] = None  # an entry missing
        elif r < 0.95:
            changed[rng.choice(["../evil.xml", "word/../../x", "/abs", "word/" + "d" * 300,
                                "word/document.xml/", "customXml/item1.xml", "word/x.rels",
                                "\x00", "word/media/image1.png"])] = rng.choice(
                [b"", b"<x/>", rng.randbytes(64), base["word/document.xml"]])
        else:
            changed["__zip__"] = b"truncate" if rng.random() < 0.5 else b"flip"
    record = ctx["record"][form_id]
    if rng.random() < 0.3:
        record = mutate_json(record, rng, protect_root=True)
    return {"form": form_id, "changed": changed, "record": record,
            "draft": rng.random() < 0.3, "seed": rng.randrange(2**32)}


def docx_bytes(ctx: dict[str, Any], case: dict[str, Any]) -> bytes:
    entries = dict(ctx["entries"][case["form"]])
    special = None
    for name, data in case["changed"].items():
        if name == "__zip__":
            special = data
        elif data is None:
            entries.pop(name, None)
        else:
            entries[name] = data
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in entries.items():
            with warnings.catch_warnings(), contextlib.suppress(IndexError, ValueError):
                warnings.simplefilter("ignore")  # a duplicate name
                z.writestr(name, data)  # zipfile refuses some names ("\x00" is "")
    out = buf.getvalue()
    if special is not None:
        rng = random.Random(case["seed"])
        out = out[: rng.randrange(len(out))] if special == b"truncate" else mutate_bytes(
            out, rng, [b"PK", b"\x00" * 4, b"\xff" * 4])
    return out


def docx_write(ctx: dict[str, Any], case: dict[str, Any], root: Path) -> Path:
    form = ctx["form"][case["form"]]
    folder = root / form.scheme
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{form.name}.docx").write_bytes(docx_bytes(ctx, case))
    return root


def docx_execute(ctx: dict[str, Any], case: dict[str, Any]) -> None:
    """What render_docx(form, record, templates=DIR) runs, minus the child process."""
    from formkit.limits import check_record
    from formkit.render import docx

    form = ctx["form"][case["form"]]
    root = docx_write(ctx, case, ctx["dir"] / "tpl")
    record = case["record"]
    check_record(record)
    docx.check_xml_text(record)
    custom = docx._custom_template(form, str(root))
    assert custom is not None and custom[1], "the user template was not found"
    title = form.title + ("（草稿）" if case["draft"] else "")
    out = docx._render_custom(form, custom[0], record, case["draft"], title)
    zipfile.ZipFile(io.BytesIO(out)).testzip()


def docx_save(ctx: dict[str, Any], case: dict[str, Any], folder: Path) -> None:
    docx_write(ctx, case, folder / "tpl")
    (folder / "record.json").write_text(json.dumps(case["record"], ensure_ascii=False),
                                        encoding="utf-8", errors="surrogatepass")
    draft = " --draft" if case["draft"] else ""
    (folder / "repro.sh").write_text(
        f"formkit fill {case['form']} record.json -o out.docx --templates tpl{draft} "
        f"--as-of {AS_OF}\n# in-process: .venv/bin/python benchmarks/fuzz.py --replay .\n",
        encoding="utf-8")


# ---- office


ODT_XML_MUTATIONS = [b"<text:p/>", b"</text:p>", b"<text:span>", b"</text:span>",
                     b'<text:s text:c="999999999"/>', b'<text:s text:c="-1"/>', b"<text:tab/>",
                     b"<text:line-break/>", b"<table:table-row>", b"</table:table-row>",
                     b"<table:covered-table-cell/>", b"<table:table-cell>", b"</table:table>",
                     b'xlink:href="file:///etc/passwd"', b"<!DOCTYPE x [<!ENTITY a 'aaaa'>]>",
                     b"&a;", b"&#0;", b"\x00", b"\xff", "□■☑V".encode(), b"<!--"]


def _genuine_office(form_id: str, kind: str, hand: bool) -> bytes:
    """A filled DOCX or ODT: formkit's (with its record), or its blank typed into by hand
    (``tests/handfill.py``)."""
    def make() -> bytes:
        if hand:
            sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
            from tests.handfill import fill_blank, fill_blank_odt, variants

            record = dict(variants(form_id))["variant"]
            fill_one = fill_blank if kind == "docx" else fill_blank_odt
            return fill_one(form_id, "variant", record).docx
        from formkit.render.docx import render_docx
        from formkit.render.odt import render_odt

        render = render_docx if kind == "docx" else render_odt
        return render(form_id, _filled(form_id))

    stem = form_id.replace("/", "__")
    return _cached(f"{stem}.{'hand' if hand else 'filled'}.{kind}", make)


def office_setup() -> dict[str, Any]:
    ctx: dict[str, Any] = {"entries": {}, "infos": {}}
    for form in _forms(_selected()):
        for kind in ("docx", "odt"):
            for hand in (False, True):
                key = f"{form.id}|{kind}|{'hand' if hand else 'filled'}"
                with zipfile.ZipFile(io.BytesIO(_genuine_office(form.id, kind, hand))) as z:
                    ctx["entries"][key] = {i.filename: z.read(i) for i in z.infolist()}
    ctx["keys"] = sorted(ctx["entries"])
    return ctx


def _record_part_of(entries: dict[str, bytes]) -> str | None:
    for name, data in entries.items():
        if name == "formkit.json" or name.startswith("customXml/item") and \
                b"urn:formkit:record" in data:
            return name
    return None


def office_generate(ctx: dict[str, Any], rng: random.Random) -> dict[str, Any]:
    key = rng.choice(ctx["keys"])
    base = ctx["entries"][key]
    odt = "|odt|" in key
    main = "content.xml" if odt else "word/document.xml"
    tokens = ODT_XML_MUTATIONS if odt else XML_MUTATIONS
    changed: dict[str, bytes | None] = {}
    xml_parts = [n for n in base if n.endswith((".xml", ".rels"))]
    record_part = _record_part_of(base)
    for _ in range(rng.choice([1, 1, 2, 3])):
        r = rng.random()
        if r < 0.3:  # a shown value typed over
            xml = changed.get(main) or base[main]
            snippet = rng.choice(STRINGS + SNIPPETS[:10])
            starts = [m.end() for m in re.finditer(
                rb"<text:span[^>]*>" if odt else rb"<w:t(?: [^>]*)?>", xml)]
            if starts:
                pos = rng.choice(starts)
                text = snippet.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
                xml = xml[:pos] + text.encode("utf-8", "surrogatepass") + xml[pos:]
            changed[main] = xml
        elif r < 0.42 and not odt:
            changed[main] = _xml_element_op(changed.get(main) or base[main], rng)
        elif r < 0.55:
            name = rng.choice([main] * 3 + xml_parts)
            changed[name] = mutate_bytes(changed.get(name) or base[name], rng, tokens)
        elif r < 0.7 and record_part is not None:  # the record itself
            raw = changed.get(record_part) or base[record_part]
            changed[record_part] = mutate_bytes(raw, rng, JSON_TOKENS + tokens)
        elif r < 0.78:
            rels = [n for n in base if n.endswith(".rels")] or ["META-INF/manifest.xml"]
            name = rng.choice(rels)
            blob = changed.get(name) or base.get(name, b"")
            targets = list(re.finditer(rb'(?:Target|full-path)="([^"]*)"', blob))
            if targets:
                m = rng.choice(targets)
                blob = blob[:m.start(1)] + rng.choice(REL_TARGETS) + blob[m.end(1):]
                if rng.random() < 0.3:
                    blob = blob.replace(b"/>", b' TargetMode="External"/>', 1)
            changed[name] = blob
        elif r < 0.85:
            changed[rng.choice(list(base))] = None  # an entry missing
        elif r < 0.93:
            changed[rng.choice(["../evil.xml", "/abs", "mimetype", "formkit.json",
                                "customXml/item7.xml", "word/document.xml", "content.xml",
                                "x" * 300])] = rng.choice(
                [b"", b"<x/>", rng.randbytes(64), b'<formkit xmlns="urn:formkit:record">{}'
                 b"</formkit>", base[main]])
        else:
            changed["__zip__"] = b"truncate" if rng.random() < 0.5 else b"flip"
    return {"key": key, "changed": changed, "seed": rng.randrange(2**32)}


def office_bytes(ctx: dict[str, Any], case: dict[str, Any]) -> bytes:
    return docx_bytes({"entries": {case["key"]: ctx["entries"][case["key"]]}},
                      {"form": case["key"], "changed": case["changed"], "seed": case["seed"]})


def office_execute(ctx: dict[str, Any], case: dict[str, Any]) -> None:
    import formkit

    formkit.parse_pdf(office_bytes(ctx, case), as_of=AS_OF, limits=None)


def office_save(ctx: dict[str, Any], case: dict[str, Any], folder: Path) -> None:
    suffix = "odt" if "|odt|" in case["key"] else "docx"
    (folder / f"repro.{suffix}").write_bytes(office_bytes(ctx, case))
    (folder / "repro.sh").write_text(
        f"formkit parse repro.{suffix} --as-of {AS_OF}\n"
        "# in-process: .venv/bin/python benchmarks/fuzz.py --replay .\n", encoding="utf-8")


# ---- records


def records_setup() -> dict[str, Any]:
    ctx: dict[str, Any] = {"form": {}, "sample": {}, "filled": {}, "keys": {}}
    for form in _forms(_selected()):
        ctx["form"][form.id] = form
        ctx["sample"][form.id] = form.sample
        ctx["filled"][form.id] = _filled(form.id)
        ctx["keys"][form.id] = sorted(set(keys_of(form.sample))
                                      | set(form.schema.get("properties", {})))
    ctx["ids"] = sorted(ctx["form"])
    return ctx


def records_generate(ctx: dict[str, Any], rng: random.Random) -> dict[str, Any]:
    form_id = rng.choice(ctx["ids"])
    base = ctx["filled" if rng.random() < 0.5 else "sample"][form_id]
    r = rng.random()
    if r < 0.9:
        record = mutate_json(base, rng, ctx["keys"][form_id], protect_root=rng.random() < 0.95)
    elif r < 0.95:  # another form's record
        record = clone(ctx["sample"][rng.choice(ctx["ids"])])
    else:
        record = rand_value(rng)
    return {"form": form_id, "record": record,
            "render": rng.choice(["docx", "html", "docx", "html", "pdf"] if rng.random() < 0.1
                                 else ["docx", "html"])}


def records_execute(ctx: dict[str, Any], case: dict[str, Any]) -> None:
    import formkit
    from formkit.render.html import render_html

    form = ctx["form"][case["form"]]
    record = case["record"]
    formkit.validate(form, clone(record), as_of=AS_OF)
    report = formkit.fill(form, clone(record), as_of=AS_OF)
    filled = report.record
    if not isinstance(filled, dict):
        return
    if case["render"] == "docx":
        formkit.render_docx(form, filled)
    elif case["render"] == "html":  # what render_pdf does before WeasyPrint
        from formkit.limits import check_record
        from formkit.render.fonts import check_glyphs, iter_strings

        check_record(filled)
        check_glyphs(iter_strings(filled))
        render_html(form, filled)
    else:
        formkit.render_pdf(form, filled)


def records_save(ctx: dict[str, Any], case: dict[str, Any], folder: Path) -> None:
    (folder / "record.json").write_bytes(to_json_bytes(case["record"]))
    (folder / "repro.py").write_text(
        "import json, formkit\nfrom datetime import date\n"
        "record = json.load(open('record.json', encoding='utf-8'))\n"
        f"form = {case['form']!r}\n"
        f"formkit.validate(form, record, as_of=date({AS_OF.year}, {AS_OF.month}, {AS_OF.day}))\n"
        f"filled = formkit.fill(form, record, as_of=date({AS_OF.year}, {AS_OF.month}, "
        f"{AS_OF.day})).record\n# then the render: {case['render']}\n",
        encoding="utf-8")


def records_bytes_generate(ctx: dict[str, Any], rng: random.Random) -> dict[str, Any]:
    form_id = rng.choice(ctx["ids"])
    record = ctx["sample"][form_id]
    if rng.random() < 0.6:
        record = mutate_json(record, rng, ctx["keys"][form_id], protect_root=True)
    raw = to_json_bytes(record, rng)
    r = rng.random()
    if r < 0.5:
        raw = mutate_bytes(raw, rng)
    elif r < 0.6:
        raw = rng.choice([b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff", b"\x00"]) + raw
    elif r < 0.65:
        raw = raw.decode("utf-8", "surrogatepass").encode(rng.choice(
            ["utf-16", "utf-32", "big5", "latin-1"]), "ignore")
    return {"form": form_id, "raw": raw}


def records_bytes_execute(ctx: dict[str, Any], case: dict[str, Any]) -> None:
    import formkit
    from formkit.records import read_record

    path = ctx.setdefault("tmp", Path(tempfile.mkdtemp(prefix="formkit-fuzz-rec-"))) / "r.json"
    path.write_bytes(case["raw"])
    record = read_record(path)
    formkit.validate(case["form"], clone(record), as_of=AS_OF)
    formkit.fill(case["form"], record, as_of=AS_OF)


def records_bytes_save(ctx: dict[str, Any], case: dict[str, Any], folder: Path) -> None:
    (folder / "record.json").write_bytes(case["raw"])
    (folder / "repro.sh").write_text(
        f"formkit validate {case['form']} record.json --as-of {AS_OF}\n"
        f"formkit fill {case['form']} record.json -o out.pdf --as-of {AS_OF}\n",
        encoding="utf-8")


def records_bytes_from_bytes(ctx: dict[str, Any], data: bytes) -> dict[str, Any]:
    form_id = ctx["ids"][data[0] % len(ctx["ids"])] if data else ctx["ids"][0]
    return {"form": form_id, "raw": data[1:]}


def records_seeds(ctx: dict[str, Any]) -> list[bytes]:
    return [bytes([i]) + to_json_bytes(ctx["sample"][fid]) for i, fid in enumerate(ctx["ids"])]


TARGETS: dict[str, Target] = {
    t.name: t for t in [
        Target("payload", payload_setup, payload_generate, payload_execute, payload_save,
               "payload"),
        Target("payload-json", payload_setup, payload_generate, payload_json_execute,
               payload_save, "payload", payload_json_from_bytes, payload_seeds),
        Target("fields", fields_setup, fields_generate, fields_execute, fields_save, "fields"),
        Target("fields-direct", fields_setup, fields_generate, fields_direct_execute,
               fields_direct_save, "fields", fields_direct_from_bytes),
        Target("docx", docx_setup, docx_generate, docx_execute, docx_save, "changed"),
        Target("office", office_setup, office_generate, office_execute, office_save, "changed"),
        Target("records", records_setup, records_generate, records_execute, records_save,
               "record"),
        Target("records-bytes", records_setup, records_bytes_generate, records_bytes_execute,
               records_bytes_save, "raw", records_bytes_from_bytes, records_seeds),
    ]
}


#: Seconds an input may take before it counts as a hang (``--budget`` overrides).
BUDGETS = {"payload": 30.0, "payload-json": 10.0, "fields": 20.0, "fields-direct": 5.0,
           "docx": 20.0, "office": 20.0, "records": 30.0, "records-bytes": 10.0}


def _shrink_key_for(target: Target, case: dict[str, Any]) -> str | None:
    if target.name.startswith("payload"):
        return payload_shrink_key(case)
    return target.shrink_key


# ---------------------------------------------------------------- atheris


def atheris_child(target: Target, seconds: float, out: Path, per_input: float) -> None:
    import pkgutil

    import atheris

    with atheris.instrument_imports(include=["formkit"]):
        import formkit

        for mod in pkgutil.walk_packages(formkit.__path__, "formkit."):
            with contextlib.suppress(Exception):
                __import__(mod.name)
    ctx = target.setup()
    stats = Stats(target.name)
    stats_file = out / f"atheris-{target.name}.json"
    start = time.monotonic()
    assert target.from_bytes is not None

    def write_stats() -> None:
        stats.seconds = time.monotonic() - start
        summary = stats.summary()
        with deep_ok():
            summary["first"] = {sig: pickle.dumps(case).hex() for sig, (case, _) in
                                stats.first.items()}
        summary["traces"] = {sig: o.trace for sig, (_, o) in stats.first.items()}
        stats_file.write_text(json.dumps(summary), encoding="utf-8")

    def one(data: bytes) -> None:
        case = target.from_bytes(ctx, data)  # type: ignore[misc]
        result = run_one(target, ctx, case, per_input)
        stats.add(case, result)
        if stats.inputs % 200 == 0 or (result.kind == "crash" and stats.crashes[result.sig] == 1):
            write_stats()

    corpus = out / "corpus" / target.name
    corpus.mkdir(parents=True, exist_ok=True)
    if target.seeds is not None:
        for i, seed in enumerate(target.seeds(ctx)):
            (corpus / f"seed-{i}").write_bytes(seed)
    atheris.Setup([sys.argv[0], str(corpus), f"-max_total_time={int(seconds)}",
                   f"-timeout={int(per_input) + 30}", "-rss_limit_mb=6144",
                   "-max_len=200000", "-print_final_stats=1"], one)
    atheris.Fuzz()


def run_atheris(target: Target, seconds: float, out: Path, per_input: float,
                minimise_s: float, log: Callable[[str], None]) -> Stats:
    import subprocess

    if target.from_bytes is None:
        raise SystemExit(f"{target.name}: no atheris entry (it takes structures, not bytes)")
    stats_file = out / f"atheris-{target.name}.json"
    stats_file.unlink(missing_ok=True)
    cmd = [sys.executable, __file__, target.name, "--engine", "atheris-child", "--seconds",
           str(seconds), "--out", str(out), "--budget", str(per_input)]
    subprocess.run(cmd, check=False, stdout=subprocess.DEVNULL,
                   stderr=open(out / f"atheris-{target.name}.log", "w"))  # noqa: SIM115
    summary = json.loads(stats_file.read_text(encoding="utf-8"))
    stats = Stats(target.name, inputs=summary["inputs"], seconds=summary["seconds"])
    stats.outcomes.update(ok=summary["ok"], refused=summary["refused"], crash=summary["crashes"])
    stats.slowest = summary["slowest_s"]
    stats.crashes = summary["crash_signatures"]
    for sig, hexcase in summary["first"].items():
        with deep_ok():
            case = pickle.loads(bytes.fromhex(hexcase))  # noqa: S301 - ours
        stats.first[sig] = (case, Outcome("crash", sig, "", summary["traces"][sig]))
    if stats.first:
        save_crashes(target, target.setup(), stats, out, minimise_s=minimise_s,
                     per_input=per_input, log=log)
    return stats


# ---------------------------------------------------------------- main


def replay(folder: Path, per_input: float | None) -> int:
    with deep_ok():
        saved = pickle.loads((folder / "case.pickle").read_bytes())  # noqa: S301 - ours
    target = TARGETS[saved["target"]]
    out = run_one(target, target.setup(), saved["case"], per_input or BUDGETS[target.name])
    print(f"{target.name}: {out.kind} {out.sig} {out.error}")
    if out.trace:
        print(out.trace)
    return 1 if out.kind == "crash" else 0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("target", nargs="?", choices=sorted(TARGETS))
    ap.add_argument("--all", action="store_true", help="every target, one after another")
    ap.add_argument("--list", action="store_true")
    ap.add_argument("--seconds", type=float, help="per target (default 60 without --inputs)")
    ap.add_argument("--inputs", type=int)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--budget", type=float, help="seconds per input before it is a hang "
                    "(default: per target, 5 to 30)")
    ap.add_argument("--engine", choices=["random", "atheris", "atheris-child"], default="random")
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT)
    ap.add_argument("--minimise-seconds", type=float, default=60.0)
    ap.add_argument("--replay", type=Path)
    ap.add_argument("--json", action="store_true", help="the summaries as JSON on stdout")
    args = ap.parse_args(argv)
    if args.list:
        print("\n".join(sorted(TARGETS)))
        return 0
    if args.replay:
        return replay(args.replay, args.budget)
    names = sorted(TARGETS) if args.all else [args.target] if args.target else []
    if not names:
        ap.error("name a target, or --all")
    seconds = args.seconds if args.seconds or args.inputs else 60.0
    args.out.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("FORMKIT_FUZZ_CACHE", str(args.out / "cache"))

    def log(text: str) -> None:
        print(text, file=sys.stderr, flush=True)

    if args.engine == "atheris-child":
        atheris_child(TARGETS[names[0]], seconds, args.out,
                      args.budget or BUDGETS[names[0]])
        return 0
    summaries = []
    for name in names:
        target = TARGETS[name]
        per_input = args.budget or BUDGETS[name]
        log(f"{name}: setting up")
        if args.engine == "atheris":
            stats = run_atheris(target, seconds, args.out, per_input, args.minimise_seconds,
                                log)
        else:
            ctx = target.setup()
            stats = fuzz(target, seconds=seconds, inputs=args.inputs, seed=args.seed,
                         per_input=per_input, ctx=ctx, log=log)
            save_crashes(target, ctx, stats, args.out, minimise_s=args.minimise_seconds,
                         per_input=per_input, log=log)
        print(stats.line(), flush=True)
        summary = stats.summary()
        summary["engine"] = args.engine
        summaries.append(summary)
        with (args.out / "summary.jsonl").open("a", encoding="utf-8") as fh:
            fh.write(json.dumps(summary, ensure_ascii=False) + "\n")
    if args.json:
        print(json.dumps(summaries, ensure_ascii=False, indent=1))
    return 1 if any(s["crashes"] for s in summaries) else 0


if __name__ == "__main__":
    sys.exit(main())
