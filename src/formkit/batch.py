"""Rendering many records of one form: ``formkit batch``.

:func:`run_batch` reads records (JSON Lines, or a folder of ``*.json`` files),
validates every one of them, names the outputs, then renders the valid records
to PDF and/or DOCX, in this process (``jobs=1``) or in worker processes. It never
prints and never exits; progress goes to a callback, and the outcome is a
:class:`BatchResult` that is also written to ``DIR/batch-report.json`` and
``DIR/batch-report.txt``.

One record never stops the others: a line that is not JSON, a record with error
findings, two records wanting the same file name, a character no font can draw
or a bug in a renderer refuse (or fail) that record, and the report says why.

Workers come from a ``forkserver`` context: each is forked from a small server
process that never imported WeasyPrint, so no Pango/fontconfig state is shared
or forked, and ``ru_maxrss`` measures the worker alone (a ``spawn`` child
inherits its parent's high-water mark through vfork+exec and reports it as its
own). ``max_tasks_per_child`` is not used: on Python 3.11 it deadlocks once a
worker retires with work queued (CPython gh-115634); instead each worker runs
``gc.collect()`` after every document, which keeps its RSS flat.

Ctrl-C (``KeyboardInterrupt``) stops cleanly: workers ignore SIGINT, finish the
document in hand and stop; queued work is cancelled; the manifest and the report
are written for what was done; then :class:`BatchInterrupted` (a
``KeyboardInterrupt``) is raised with the result. SIGTERM sent to the batch's
process does the same (``BatchInterrupted.signum`` says which signal; the CLI
exits 128 + it: 130 or 143). Workers die with the batch: each asks the kernel
for SIGKILL when its parent ends (``PR_SET_PDEATHSIG``, Linux) and checks, before
each task, that the batch's process is still alive, so a batch killed with
SIGKILL leaves no worker writing without a manifest or a lock.

The input is capped as it is read (``max_input_bytes``, :data:`MAX_INPUT_BYTES`):
JSON Lines past the cap are refused naming the file and the line, a folder of
records past it naming the file. A full disk (or a quota, a read-only file
system, a folder that refuses writing) stops the batch with :class:`WriteProblem`,
naming the file, after writing what it can of the manifest and the report.
"""

from __future__ import annotations

import errno
import gc
import hashlib
import json
import math
import os
import re
import resource
import signal
import sys
import threading
import time
import traceback
import unicodedata
from collections import deque
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from .errors import (
    EnvironmentProblem,
    FormkitError,
    InputError,
    LimitExceeded,
    MalformedJSONError,
    os_reason,
)
from .findings import Finding
from .forms import Form, get_form
from .i18n import N_, Localised, phrase, translate
from .pointers import get
from .records import MAX_RECORD_BYTES, canonical_json, parse_json, read_record, write_atomic

FORMATS = ("pdf", "docx", "odt")
MANIFEST_NAME = ".formkit-batch.json"
REPORT_JSON = "batch-report.json"
REPORT_TEXT = "batch-report.txt"
START_METHOD = "forkserver"
MAX_NAME_BYTES = 120  # UTF-8 bytes of a file name's stem (40 CJK characters)
MAX_CHUNK = 8  # records per task sent to a worker
GRACE_SECONDS = 15.0  # how long Ctrl-C waits for workers to finish the document in hand
EXIT_SECONDS = 3.0  # then how long for the idle workers to exit before they are terminated
#: Bytes of records one batch reads at most (JSON Lines, stdin, or a folder's files in all),
#: counted as they are read. Parsed, records take about 6 times their size in memory
#: (measured: 256 MiB of certificate records, 1.6 GiB peak RSS), so 128 MiB about 0.8 GiB.
MAX_INPUT_BYTES = 128 * 2**20
_LINE_CHUNK = 2**20  # bytes read at a time past a line longer than a record may be
_WINDOWS_RESERVED = frozenset(
    ["CON", "PRN", "AUX", "NUL"] + [f"COM{i}" for i in range(1, 10)]
    + [f"LPT{i}" for i in range(1, 10)]
)
_UNSAFE_CHARS = frozenset('/\\<>:"|?*')
_UNSAFE_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"})
# write_atomic's temporary files: ".NAME.XXXXXXXX.part" beside the target.
_TEMP_FILE = re.compile(r"^\.(?P<target>.+)\.[a-z0-9_]{8}\.part$")

Renderer = Callable[[Form, dict[str, Any]], bytes]

# Statuses of a record.
PENDING, WRITTEN, SKIPPED, REFUSED, FAILED, NOT_DONE = (
    "pending", "written", "skipped", "refused", "failed", "not_done")


class BatchInterrupted(KeyboardInterrupt):
    """Ctrl-C (or SIGTERM) stopped the batch; ``result`` describes what was done (report
    written); ``signum`` is the signal (``signal.SIGINT`` or ``signal.SIGTERM``)."""

    def __init__(self, result: BatchResult, signum: int = signal.SIGINT):
        super().__init__("batch interrupted")
        self.result = result
        self.signum = int(signum)


class _Terminated(KeyboardInterrupt):
    """SIGTERM, handled as Ctrl-C is."""


class _WriteStop(KeyboardInterrupt):
    """An output could not be written for want of space or permission: stop as Ctrl-C does."""


# errno values that stop the whole batch: every next file would fail the same way.
_DISK_ERRNOS = frozenset(
    getattr(errno, n) for n in ("ENOSPC", "EDQUOT", "EROFS", "EACCES", "EPERM")
    if hasattr(errno, n))


class WriteProblem(EnvironmentProblem):
    """An output could not be written: no space left, a quota, a read-only file system,
    no permission. ``errno`` is the operating system's error number."""

    code = "output"
    errno: int | None = None


def write_problem(exc: OSError, file: str | os.PathLike[str]) -> WriteProblem:
    """The :class:`WriteProblem` for an ``OSError`` raised while writing ``file``."""
    name = str(exc.filename) if exc.errno == errno.EACCES and exc.filename else str(file)
    if exc.errno == errno.ENOSPC:
        problem = WriteProblem(N_("no space left on device writing {file}"), file=name)
    elif exc.errno == getattr(errno, "EDQUOT", None):
        problem = WriteProblem(N_("disk quota exceeded writing {file}"), file=name)
    elif exc.errno == errno.EROFS:
        problem = WriteProblem(N_("read-only file system: cannot write {file}"), file=name)
    elif exc.errno in (errno.EACCES, errno.EPERM):
        problem = WriteProblem(N_("permission denied writing {file}"), file=name)
    else:
        problem = WriteProblem(N_("{file}: cannot write: {reason}"), file=name,
                               reason=os_reason(exc))
    problem.errno = exc.errno
    return problem


def write_output(path: str | os.PathLike[str], data: bytes) -> None:
    """:func:`formkit.records.write_atomic`, an ``OSError`` told as a :class:`WriteProblem`."""
    try:
        write_atomic(path, data)
    except OSError as exc:
        raise write_problem(exc, path) from exc


# --- reading the records -------------------------------------------------------------------


@dataclass
class Entry:
    """One record as read from RECORDS, or the reason it could not be read."""

    index: int  # 1-based position among the records (non-blank lines, or files)
    origin: str  # the JSONL file ("<stdin>" for -) or the record's own file
    line: int | None  # JSONL line number
    record: dict[str, Any] | None
    error: str | None = None  # in English; ``problem`` says it in any language
    stem: str | None = None  # folder input: the file name without .json
    problem: FormkitError | None = None

    def reason(self, lang: str) -> str:
        """Why the record could not be read, in ``lang``; bad JSON by line and column."""
        problem = self.problem
        if isinstance(problem, MalformedJSONError):
            return translate(
                N_("{file}, line {line}, column {column}: malformed JSON: {detail}"), lang,
                {"file": problem.source, "line": problem.line, "column": problem.column,
                 "detail": problem.params.get("detail", "")})
        return problem.text(lang) if problem is not None else self.error or ""

    @property
    def where(self) -> str:
        if self.line is None:
            return self.origin
        return Localised(f"{self.origin}:{self.line}", f"{self.origin} 第 {self.line} 行")


def read_records(source: str | os.PathLike[str],
                 max_bytes: int = MAX_INPUT_BYTES) -> list[Entry]:
    """The records of a JSON Lines file (``-`` for stdin) or of a folder of ``*.json``.

    A line or file that is not JSON, or not a JSON object, becomes an entry with
    an ``error`` naming the file and line; it does not stop the others. A source
    that cannot be read at all raises :class:`InputError`; one over ``max_bytes``
    in all (counted as read) raises :class:`LimitExceeded` naming the file and
    the line where the cap was passed.
    """
    name = str(source)
    if name == "-":
        return _read_jsonl(sys.stdin.buffer, "<stdin>", max_bytes)
    path = Path(source)
    if not path.exists():
        raise InputError(N_("{file}: no such file or folder"), file=name)
    if path.is_dir():
        return _read_folder(path, max_bytes)
    try:
        with path.open("rb") as fh:
            return _read_jsonl(fh, name, max_bytes)
    except OSError as exc:
        raise InputError(N_("{file}: cannot read: {reason}"), file=name,
                         reason=os_reason(exc)) from exc


def _size_text(size: int) -> str:
    return f"{size // 2**20} MiB" if size % 2**20 == 0 else f"{size:,} bytes"


def _over_input_cap(origin: str, line: int | None, cap: int) -> LimitExceeded:
    if line is None:
        return LimitExceeded(N_("{file}: the records pass {cap} in all, the cap on what a batch "
                                "reads (--max-input)"), file=origin, cap=_size_text(cap),
                             limit="input")
    return LimitExceeded(N_("{file}, line {line}: the records pass {cap} in all, the cap on "
                            "what a batch reads (--max-input)"), file=origin, line=line,
                         cap=_size_text(cap), limit="input")


def _read_folder(folder: Path, max_bytes: int = MAX_INPUT_BYTES) -> list[Entry]:
    try:
        files = sorted(
            p for p in folder.iterdir()
            if p.suffix.lower() == ".json" and not p.name.startswith(".") and p.is_file()
        )
    except OSError as exc:
        raise InputError(N_("{file}: cannot list: {reason}"), file=str(folder),
                         reason=os_reason(exc)) from exc
    entries = []
    total = 0
    for i, path in enumerate(files, 1):
        try:
            total += path.stat().st_size
        except OSError:
            pass  # read_record says why
        if total > max_bytes:
            raise _over_input_cap(str(path), None, max_bytes)
        try:
            entries.append(Entry(i, str(path), None, read_record(path), stem=path.stem))
        except FormkitError as exc:
            entries.append(Entry(i, str(path), None, None, str(exc), stem=path.stem, problem=exc))
    return entries


def _unreadable(index: int, origin: str, lineno: int, problem: FormkitError) -> Entry:
    return Entry(index, origin, lineno, None, str(problem), problem=problem)


# A JSON value that is no record, as the report names its kind.
_KINDS_ZH = {"list": "陣列", "str": "文字", "int": "數字", "float": "數字", "bool": "是非值",
             "NoneType": "空值（null）"}


class _Lines:
    """The lines of a binary stream, each at most ``MAX_RECORD_BYTES + 1`` bytes kept (the
    rest of a longer line is read and dropped), every byte read counted against ``cap``."""

    def __init__(self, stream: Any, origin: str, cap: int):
        self.stream, self.origin, self.cap = stream, origin, cap
        self.total, self.lineno, self.counting = 0, 0, True

    def _count(self, n: int) -> None:
        if not self.counting:
            return
        self.total += n
        if self.total > self.cap:
            raise _over_input_cap(self.origin, self.lineno, self.cap)

    def __iter__(self) -> Iterator[tuple[int, bytes]]:
        while True:
            self.lineno += 1
            chunk = self.stream.readline(MAX_RECORD_BYTES + 2)
            if not chunk:
                return
            self._count(len(chunk))
            tail = chunk
            while not tail.endswith(b"\n"):  # a line longer than a record may be
                tail = self.stream.readline(_LINE_CHUNK)
                if not tail:
                    break
                self._count(len(tail))
            yield self.lineno, chunk.removesuffix(b"\n")

    def rest(self) -> bytes:
        """Everything not read yet (counted)."""
        parts: list[bytes] = []
        while True:
            part = self.stream.read(_LINE_CHUNK)
            if not part:
                return b"".join(parts)
            self._count(len(part))
            parts.append(part)


def _read_jsonl(stream: Any, origin: str, max_bytes: int = MAX_INPUT_BYTES) -> list[Entry]:
    if isinstance(stream, bytes | bytearray):
        import io

        stream = io.BytesIO(stream)
    lines = _Lines(stream, origin, max_bytes)
    entries: list[Entry] = []
    for lineno, chunk in lines:
        if lineno == 1 and chunk.startswith(b"\xef\xbb\xbf"):
            chunk = chunk[3:]
        if not chunk.strip():
            continue
        index = len(entries) + 1
        if len(chunk) > MAX_RECORD_BYTES:
            entries.append(_unreadable(index, origin, lineno, InputError(
                N_("{file}:{line}: longer than {mib} MiB"),
                file=origin, line=lineno, mib=MAX_RECORD_BYTES // 2**20)))
            continue
        try:
            text = chunk.decode("utf-8")
        except UnicodeDecodeError as exc:
            entries.append(_unreadable(index, origin, lineno, InputError(
                N_("{file}:{line}: not UTF-8 text (byte {byte})"),
                file=origin, line=lineno, byte=exc.start)))
            continue
        try:
            record = parse_json(text, f"{origin}:{lineno}")
        except MalformedJSONError as exc:
            detail = getattr(exc.__cause__, "msg", "not JSON")
            if not entries:
                _refuse_whole(chunk, lines, origin)
            entries.append(_unreadable(index, origin, lineno,
                                       MalformedJSONError(origin, lineno, exc.column, detail)))
            continue
        except FormkitError as exc:
            entries.append(_unreadable(index, origin, lineno, exc))
            continue
        if not isinstance(record, dict):
            if not entries:
                _refuse_whole(chunk, lines, origin)
            kind = type(record).__name__
            entries.append(_unreadable(index, origin, lineno, InputError(
                N_("{file}:{line}: a record must be a JSON object, not {kind}"),
                file=origin, line=lineno, kind=Localised(kind, _KINDS_ZH.get(kind, kind)))))
            continue
        entries.append(Entry(index, origin, lineno, record))
    return entries


def _refuse_whole(first: bytes, lines: _Lines, origin: str) -> None:
    """The first record is no JSON object: refuse one pretty-printed document or an array
    (read whole, within the cap); else read on, line by line, from what was read."""
    import io

    rest = lines.rest()
    _refuse_single_document(first + b"\n" + rest, origin)
    lines.stream, lines.counting = io.BytesIO(rest), False


def _refuse_single_document(raw: bytes, origin: str) -> None:
    """The common mistake: one pretty-printed record, or a JSON array, instead of JSON Lines."""
    try:
        whole = parse_json(raw.decode("utf-8"), origin)
    except (FormkitError, UnicodeDecodeError):
        return
    what = phrase(N_("a JSON array") if isinstance(whole, list)
                  else N_("one JSON document over several lines"))
    raise InputError(N_("{file}: holds {what}; batch reads JSON Lines (one record per line) "
                        "or a folder of .json files"), file=origin, what=what)


# --- output names --------------------------------------------------------------------------


def sanitize_name(value: str) -> str | None:
    """A file-name stem safe on Linux, macOS and Windows; None when nothing is left.

    Path separators, characters Windows forbids, control and format characters
    (NUL, line ends, zero-width and bidi marks) become ``_``; leading dots and
    spaces go; CJK stays; the stem is cut to ``MAX_NAME_BYTES`` bytes of UTF-8.
    """
    out: list[str] = []
    for ch in unicodedata.normalize("NFC", value):
        bad = ch in _UNSAFE_CHARS or unicodedata.category(ch) in _UNSAFE_CATEGORIES
        if bad:
            if not out or out[-1] != "_":
                out.append("_")
        else:
            out.append(ch)
    name = "".join(out).lstrip(". \u3000").rstrip(". \u3000")
    while len(name.encode("utf-8")) > MAX_NAME_BYTES:
        name = name[:-1]
    name = name.rstrip(". \u3000")
    if not name or name.strip("_") == "":
        return None
    if name.split(".")[0].upper() in _WINDOWS_RESERVED:
        name = "_" + name
    return name


def _name_value(value: Any) -> str | None:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, str) and value.strip():
        return value.strip()
    return None


# --- the plan ------------------------------------------------------------------------------


@dataclass
class Output:
    format: str
    name: str  # file name in DIR
    action: str = "render"  # render | skip (current, with --resume)
    written: bool = False
    bytes: int | None = None
    sha256: str | None = None  # of the file written


@dataclass
class Item:
    """One record through the batch."""

    entry: Entry
    status: str = PENDING
    name: str | None = None  # output stem
    record: dict[str, Any] | None = None  # the filled record
    sha256: str | None = None
    outputs: list[Output] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)  # error findings
    reasons: list[dict[str, str]] = field(default_factory=list)
    error: dict[str, str] | None = None  # a renderer's bug: type, message, where

    def refuse(self, code: str, message: str) -> None:
        self.status = REFUSED
        self.reasons.append({"code": code, "message": message})


@dataclass
class WorkerStats:
    pid: int
    documents: int = 0
    peak_rss_kib: int = 0
    in_process: bool = False
    # (documents rendered by this worker so far, RSS KiB at that moment)
    rss_samples: list[tuple[int, int]] = field(default_factory=list)


@dataclass
class Progress:
    """What the callback is told: after validation, then as documents complete."""

    phase: str  # "validated" | "render" | "done"
    records: int
    to_render: int  # records with something to render
    done: int  # of to_render, finished (written, refused or failed while rendering)
    written: int  # records written so far
    skipped: int  # records already current (--resume)
    refused: int  # so far, including at validation
    failed: int
    files: int  # files written so far
    elapsed: float  # seconds since rendering started (0 in phase "validated")


@dataclass
class BatchResult:
    form: Form
    source: str
    out_dir: Path
    formats: tuple[str, ...]
    items: list[Item]
    jobs: int
    start_method: str | None
    as_of: date | None
    lang: str
    started: datetime
    elapsed: float = 0.0
    render_elapsed: float = 0.0
    workers: list[WorkerStats] = field(default_factory=list)
    interrupted: bool = False
    resume: bool = False
    name_key: str | None = None
    redact: bool = False
    write_problem: FormkitError | None = None  # what stopped the batch: a full disk...

    def count(self, status: str) -> int:
        return sum(1 for i in self.items if i.status == status)

    @property
    def counts(self) -> dict[str, int]:
        return {
            "records": len(self.items),
            "written": self.count(WRITTEN),
            "skipped": self.count(SKIPPED),
            "refused": self.count(REFUSED),
            "failed": self.count(FAILED),
            "not_done": self.count(NOT_DONE) + self.count(PENDING),
            "files_written": sum(o.written for i in self.items for o in i.outputs),
        }

    @property
    def to_render(self) -> int:
        """Records with at least one output to render (not skipped, not refused before)."""
        return sum(1 for i in self.items if any(o.action == "render" for o in i.outputs))

    @property
    def ok(self) -> bool:
        c = self.counts
        return not (c["refused"] or c["failed"] or c["not_done"])

    @property
    def rate(self) -> float:
        files = self.counts["files_written"]
        return files / self.render_elapsed if self.render_elapsed > 0 else 0.0

    @property
    def report_paths(self) -> tuple[Path, Path]:
        return self.out_dir / REPORT_JSON, self.out_dir / REPORT_TEXT

    def as_dict(self) -> dict[str, Any]:
        data = self._as_dict()
        if self.redact:  # a national ID in a path, a name or a message: masked as well
            from .masking import redact_value

            return dict(redact_value(data))
        return data

    def _as_dict(self) -> dict[str, Any]:
        from . import __version__

        return {
            "formkit": __version__,
            "form": self.form.id,
            "title": self.form.full_title,
            "records_source": self.source,
            "output_dir": str(self.out_dir),
            "formats": list(self.formats),
            "name_key": self.name_key or self.form.meta.get("number_key"),
            "as_of": self.as_of.isoformat() if self.as_of else None,
            "lang": self.lang,
            "resume": self.resume,
            "redact": self.redact,
            "jobs": self.jobs,
            "start_method": self.start_method,
            "started": self.started.isoformat(timespec="seconds"),
            "elapsed_s": round(self.elapsed, 3),
            "render_s": round(self.render_elapsed, 3),
            "docs_per_s": round(self.rate, 3),
            "interrupted": self.interrupted,
            "counts": self.counts,
            "workers": [
                {
                    "pid": w.pid,
                    "in_process": w.in_process,
                    "documents": w.documents,
                    "peak_rss_kib": w.peak_rss_kib,
                    "peak_rss_mib": round(w.peak_rss_kib / 1024, 1),
                    "rss_samples_kib": [list(s) for s in w.rss_samples],
                }
                for w in self.workers
            ],
            "records": [_item_dict(i, self.lang) for i in self.items],
        }


def _output_state(o: Output) -> str:
    if o.written:
        return "written"
    return "skipped" if o.action == "skip" else "not written"


def _item_dict(item: Item, lang: str) -> dict[str, Any]:
    e = item.entry
    out: dict[str, Any] = {
        "index": e.index,
        "file": e.origin,
        "line": e.line,
        "name": item.name,
        "status": NOT_DONE if item.status == PENDING else item.status,
        "outputs": [
            {"file": o.name, "format": o.format, "state": _output_state(o)}
            for o in item.outputs
        ],
    }
    if item.reasons:
        out["reasons"] = item.reasons
    if item.findings:
        out["findings"] = [f.as_dict(lang) for f in item.findings]
    if item.error:
        out["error"] = item.error
    return out


# --- the batch -----------------------------------------------------------------------------


def parse_formats(value: str | Sequence[str]) -> tuple[str, ...]:
    """``"pdf"``, ``"docx"``, ``"odt"``, ``"pdf,docx,odt"`` → the formats, in canonical
    order."""
    parts = value.split(",") if isinstance(value, str) else list(value)
    wanted = {p.strip().lower() for p in parts if p.strip()}
    unknown = sorted(wanted - set(FORMATS))
    if unknown or not wanted:
        raise InputError(N_("--to {value!r}: use pdf, docx, odt or several of them "
                            "(pdf,docx,odt)"), value=",".join(parts))
    return tuple(f for f in FORMATS if f in wanted)


def run_batch(
    form: str | Form,
    records: str | os.PathLike[str],
    out_dir: str | os.PathLike[str],
    *,
    formats: str | Sequence[str] = ("pdf",),
    jobs: int = 1,
    resume: bool = False,
    name_key: str | None = None,
    as_of: date | None = None,
    lang: str = "zh-TW",
    progress: Callable[[Progress], None] | None = None,
    renderers: Mapping[str, Renderer] | None = None,
    redact: bool = False,
    max_input_bytes: int = MAX_INPUT_BYTES,
) -> BatchResult:
    """Validate and render every record of RECORDS into OUT_DIR; write the report.

    ``renderers`` replaces the renderer of a format (``{"pdf": fn}``, ``fn(form,
    record) -> bytes``); with ``jobs > 1`` it must be a module-level function.
    ``redact`` masks national IDs in the outputs (:mod:`formkit.redact`), in their
    file names, in the report and in the manifest; a redacted output is never taken
    for an unredacted one on ``--resume``. ``max_input_bytes`` caps what is read of
    RECORDS (:data:`MAX_INPUT_BYTES`).
    With ``jobs > 1`` the workers start through multiprocessing's forkserver without
    running the caller's ``__main__``, unless a renderer was defined there: then, as
    multiprocessing requires, a script must call this under ``if __name__ ==
    "__main__":``.
    Raises :class:`InputError` / :class:`UnknownFormError` for an unreadable
    source, an unknown form or an unusable output folder, and
    :class:`BatchInterrupted` on Ctrl-C or SIGTERM (after writing the report),
    :class:`LimitExceeded` for RECORDS over ``max_input_bytes``, and
    :class:`WriteProblem` when an output cannot be written for want of space or
    permission (after writing what it can of the manifest and the report).
    """
    t0 = time.monotonic()
    form = form if isinstance(form, Form) else get_form(form)
    fmts = parse_formats(formats)
    if redact:
        from .redact import REDACTED_RENDERERS
        from .render.odt import render_odt_redacted

        renderers = {**REDACTED_RENDERERS, "odt": render_odt_redacted, **(renderers or {})}
    if jobs < 1:
        raise InputError(N_("-j {jobs}: the number of workers must be 1 or more"), jobs=jobs)
    out = Path(out_dir)
    source_name = "<stdin>" if str(records) == "-" else str(records)
    if str(records) != "-" and Path(records).is_dir() and _same_dir(Path(records), out):
        raise InputError(N_("{file}: the output folder must not be the folder of records"),
                         file=str(out))
    entries = read_records(records, max_input_bytes)
    if not entries:
        raise InputError(N_("{file}: no records"), file=source_name)
    _prepare_dir(out)
    with _dir_lock(out):
        result = BatchResult(
            form=form, source=source_name, out_dir=out, formats=fmts,
            items=[Item(e) for e in entries], jobs=jobs, start_method=None, as_of=as_of,
            lang=lang, started=datetime.now().astimezone(), resume=resume, name_key=name_key,
            redact=redact,
        )
        manifest = _Manifest(out, form.id, redact)
        _remove_temp_files(out, None)
        with _sigterm_as_interrupt() as sigterm:
            try:
                _validate_and_name(result, name_key)
                _plan_outputs(result, manifest, resume)
                if progress:
                    progress(_progress(result, "validated", 0.0))
                _render(result, manifest, jobs, renderers, progress)
            except KeyboardInterrupt as exc:
                result.interrupted = True
                with _sigint_ignored():
                    _finish(result, manifest, t0)
                if result.write_problem is not None:
                    raise result.write_problem from None
                signum = signal.SIGTERM if isinstance(exc, _Terminated) else signal.SIGINT
                raise BatchInterrupted(result, signum) from None
            sigterm.disarm()  # done: the report is written whatever comes now
            with _sigint_ignored():
                _finish(result, manifest, t0)
        if progress:
            progress(_progress(result, "done", result.render_elapsed))
        return result


def _same_dir(a: Path, b: Path) -> bool:
    try:
        return b.exists() and os.path.samefile(a, b)
    except OSError:
        return False


def _prepare_dir(out: Path) -> None:
    try:
        out.mkdir(parents=True, exist_ok=True)
    except FileExistsError:
        raise InputError(N_("{file}: exists and is not a folder"), file=str(out)) from None
    except OSError as exc:
        raise InputError(N_("{file}: cannot create the folder: {reason}"), file=str(out),
                         reason=os_reason(exc)) from exc
    if not os.access(out, os.W_OK | os.X_OK):
        raise InputError(N_("{file}: the folder is not writable"), file=str(out))


@contextmanager
def _dir_lock(out: Path) -> Iterator[None]:
    """One batch at a time per output folder (an flock on the folder itself)."""
    import fcntl

    fd = os.open(out, os.O_RDONLY)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            raise InputError(N_("{file}: another formkit batch is writing to this folder"),
                             file=str(out)) from None
        yield
    finally:
        os.close(fd)


class _SigtermTrap:
    """While armed, the first SIGTERM raises :class:`_Terminated` (a KeyboardInterrupt)
    so that the batch stops as on Ctrl-C; any later one is ignored."""

    def __init__(self) -> None:
        self.armed = True

    def disarm(self) -> None:
        self.armed = False

    def __call__(self, signum: int, frame: Any) -> None:
        if self.armed:
            self.armed = False
            raise _Terminated


@contextmanager
def _sigterm_as_interrupt() -> Iterator[_SigtermTrap]:
    trap = _SigtermTrap()
    if threading.current_thread() is not threading.main_thread():
        yield trap
        return
    previous = signal.signal(signal.SIGTERM, trap)
    try:
        yield trap
    finally:
        signal.signal(signal.SIGTERM, previous)


def _finish(result: BatchResult, manifest: _Manifest, t0: float) -> None:
    for item in result.items:
        if item.status == PENDING:
            item.status = NOT_DONE
    _remove_temp_files(result.out_dir, result)
    result.elapsed = time.monotonic() - t0
    try:
        manifest.save(force=True)
        write_report(result)
    except WriteProblem:
        if result.write_problem is None:  # else: the disk is still full; that is said
            raise


def _validate_and_name(result: BatchResult, name_key: str | None) -> None:
    from .engine import fill

    form, lang = result.form, result.lang
    width = len(str(len(result.items)))
    default_key = form.meta.get("number_key")
    claimed: dict[str, Item] = {}
    for item in result.items:
        entry = item.entry
        if entry.record is None:
            item.refuse("unreadable", entry.reason(lang))
            continue
        try:
            report = fill(form, entry.record, as_of=result.as_of)
        except FormkitError as exc:
            item.refuse("invalid", exc.text(lang))
            continue
        except Exception as exc:  # noqa: BLE001 - a bug in a rule: fail this record only
            bug = _bug_outcome(0, exc)
            item.status, item.error = FAILED, bug.error
            item.reasons.append({"code": "bug", "message": translate(
                N_("a bug in formkit while validating: {error}"), lang, {"error": bug.message})})
            continue
        item.record = report.record
        key = name_key or default_key
        value = _name_value(get(report.record, key)) if key else None
        if value is not None and result.redact:  # no national ID in a file name
            value = _redacted_name(form, report.record, key or "", value)
        stem = sanitize_name(value) if value is not None else None
        if stem is None and not name_key:
            fallback = entry.stem if entry.stem is not None else str(entry.index).zfill(width)
            if result.redact:  # a folder of files named by national ID
                from .masking import redact_text

                fallback = redact_text(fallback)
            stem = sanitize_name(fallback) or str(entry.index).zfill(width)
        item.name = stem
        if not report.valid:
            item.findings = report.errors
            item.refuse("invalid", translate(N_("{count} error finding(s)"), lang,
                                               {"count": len(report.errors)}))
            continue
        if stem is None:
            msg = (N_("no usable file name: the record has no value at --name-key {key}")
                   if value is None else
                   N_("no usable file name: the value at --name-key {key} has no safe character"))
            item.refuse("name", translate(msg, lang, {"key": name_key}))
            continue
        first = claimed.get(stem.casefold())
        if first is not None:
            item.refuse("duplicate", translate(
                N_("the output name {name} is already taken by record {index} ({where})"), lang,
                {"name": first.name, "index": first.entry.index, "where": first.entry.where}))
            continue
        claimed[stem.casefold()] = item
        # A redacted output is another document than the unredacted one (--resume).
        marker = b"|redacted" if result.redact else b""
        item.sha256 = hashlib.sha256(canonical_json(report.record) + marker).hexdigest()
        item.outputs = [Output(f, f"{stem}.{f}") for f in result.formats]


def _redacted_name(form: Form, record: dict[str, Any], key: str, value: str) -> str:
    """``value`` (at dotted ``key``) masked: whole when the field holds a national ID,
    else wherever it is shaped like one."""
    from .masking import mask_national_id, redact_text
    from .pointers import escape
    from .redact import national_id_pointers

    pointer = "/" + "/".join(escape(p) for p in key.split("."))
    if pointer in national_id_pointers(form, record):
        return mask_national_id(value)
    return redact_text(value)


def _plan_outputs(result: BatchResult, manifest: _Manifest, resume: bool) -> None:
    for item in result.items:
        if item.status != PENDING:
            continue
        if resume:
            for o in item.outputs:
                if manifest.current(o.name, item.sha256 or ""):
                    o.action = "skip"
        if all(o.action == "skip" for o in item.outputs):
            item.status = SKIPPED


def _progress(result: BatchResult, phase: str, elapsed: float) -> Progress:
    done = sum(1 for i in result.items if i.status in (WRITTEN, REFUSED, FAILED)
               and any(o.action == "render" for o in i.outputs))
    return Progress(
        phase=phase, records=len(result.items), to_render=result.to_render, done=done,
        written=result.count(WRITTEN), skipped=result.count(SKIPPED),
        refused=result.count(REFUSED), failed=result.count(FAILED),
        files=sum(o.written for i in result.items for o in i.outputs), elapsed=elapsed,
    )


# --- rendering -----------------------------------------------------------------------------

# A task is (item number, filled record, [(format, file name), ...]).
Task = tuple[int, dict[str, Any], list[tuple[str, str]]]


@dataclass
class _Outcome:
    """What a worker did with one task."""

    key: int
    written: list[tuple[str, int, str]]  # (file name, bytes, sha256)
    # None: all written; "render": a FormkitError; "disk": a WriteProblem that stops the
    # batch (no space, no permission); "bug": anything else
    code: str | None = None
    message: str = ""
    error: dict[str, str] | None = None
    problem: FormkitError | None = None  # "render": the error, to be told in the report's language


@dataclass
class _ChunkResult:
    pid: int
    outcomes: list[_Outcome]
    documents: int  # this worker's documents so far
    rss_kib: int
    peak_rss_kib: int


def _render(result: BatchResult, manifest: _Manifest, jobs: int,
            renderers: Mapping[str, Renderer] | None,
            progress: Callable[[Progress], None] | None) -> None:
    tasks: list[Task] = []
    for n, item in enumerate(result.items):
        if item.status == PENDING:
            todo = [(o.format, o.name) for o in item.outputs if o.action == "render"]
            tasks.append((n, item.record or {}, todo))
    if not tasks:
        return
    started = time.monotonic()

    def apply(chunk: _ChunkResult) -> None:
        if chunk.pid:  # pid 0: outcomes made here for records whose worker died
            stats = next((w for w in result.workers if w.pid == chunk.pid), None)
            if stats is None:
                stats = WorkerStats(chunk.pid, in_process=chunk.pid == os.getpid())
                result.workers.append(stats)
            stats.documents = chunk.documents
            stats.peak_rss_kib = max(stats.peak_rss_kib, chunk.peak_rss_kib)
            stats.rss_samples.append((chunk.documents, chunk.rss_kib))
        for outcome in chunk.outcomes:
            _apply_outcome(result, manifest, outcome)
        try:
            manifest.save()
        except WriteProblem as problem:
            if result.write_problem is None:
                result.write_problem = problem
                raise _WriteStop from None
        result.render_elapsed = time.monotonic() - started
        if progress and not result.interrupted:
            progress(_progress(result, "render", result.render_elapsed))

    try:
        if jobs == 1 or len(tasks) == 1:
            result.jobs = 1
            _render_here(result.form, result.out_dir, tasks, renderers, apply)
        else:
            result.start_method = START_METHOD
            _render_pool(result, tasks, jobs, renderers, apply)
    finally:
        result.render_elapsed = time.monotonic() - started


def _apply_outcome(result: BatchResult, manifest: _Manifest, outcome: _Outcome) -> None:
    item = result.items[outcome.key]
    by_name = {o.name: o for o in item.outputs}
    for name, size, digest in outcome.written:
        o = by_name[name]
        o.written, o.bytes, o.sha256 = True, size, digest
        manifest.record(name, item.sha256 or "", size, digest)
    if outcome.code is None:
        item.status = WRITTEN
    elif outcome.code == "disk":
        problem = outcome.problem
        error = problem.text(result.lang) if problem else outcome.message
        item.refuse("write", translate(N_("cannot be written: {error}"), result.lang,
                                       {"error": error}))
        if result.write_problem is None:  # stop: every next file would fail the same way
            result.write_problem = problem or WriteProblem(
                N_("{file}: cannot write: {reason}"), file=str(result.out_dir),
                reason=outcome.message)
            raise _WriteStop
    elif outcome.code == "bug":
        item.status = FAILED
        item.error = outcome.error
        item.reasons.append({"code": "bug", "message": translate(
            N_("a bug in formkit while rendering: {error}"), result.lang,
            {"error": outcome.message})})
    else:
        error = outcome.problem.text(result.lang) if outcome.problem else outcome.message
        item.refuse("render", translate(N_("cannot be rendered: {error}"), result.lang,
                                        {"error": error}))


def _render_here(form: Form, out: Path, tasks: list[Task],
                 renderers: Mapping[str, Renderer] | None,
                 apply: Callable[[_ChunkResult], None]) -> None:
    """jobs=1: render in this process, one document at a time."""
    state = _WorkerState(form, out, dict(renderers or {}), None)
    for task in tasks:
        outcome = _render_task(state, task)
        apply(state.chunk_result([outcome]))


def _render_pool(result: BatchResult, tasks: list[Task], jobs: int,
                 renderers: Mapping[str, Renderer] | None,
                 apply: Callable[[_ChunkResult], None]) -> None:
    from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
    from concurrent.futures.process import BrokenProcessPool

    from .parse.worker import context

    # A renderer the caller defined in its script is found in its __main__.
    ctx = context(caller_main=any(getattr(fn, "__module__", None) == "__main__"
                                  for fn in (renderers or {}).values()))
    size = max(1, min(MAX_CHUNK, math.ceil(len(tasks) / (jobs * 4))))
    queue: deque[list[Task]] = deque(tasks[i:i + size] for i in range(0, len(tasks), size))
    workers = min(jobs, len(queue))
    result.jobs = workers
    stop = ctx.Event()
    # After a worker died, the records that were in flight are retried one at a time,
    # alone; a record that kills a worker on its own is the one that fails.
    suspects: deque[list[Task]] = deque()
    retried: set[int] = set()
    inflight: dict[Future[_ChunkResult], list[Task]] = {}
    fruitless = 0  # pools in a row that died before returning anything

    def start() -> ProcessPoolExecutor:
        return ProcessPoolExecutor(
            max_workers=workers, mp_context=ctx, initializer=_worker_init,
            initargs=(result.form.id, str(result.out_dir), result.formats,
                      dict(renderers or {}), stop, os.getpid()),
        )

    def submit(ex: ProcessPoolExecutor) -> None:
        if suspects:
            if not inflight:
                chunk = suspects.popleft()
                inflight[ex.submit(_worker_chunk, chunk)] = chunk
            return
        while queue and len(inflight) < workers * 2:
            chunk = queue.popleft()
            inflight[ex.submit(_worker_chunk, chunk)] = chunk

    def crashed(chunk: list[Task]) -> None:
        if len(chunk) == 1 and chunk[0][0] in retried:
            message = "the worker process ended abruptly while rendering this record"
            apply(_ChunkResult(0, [_Outcome(chunk[0][0], [], "bug", message, {
                "type": "BrokenProcessPool", "message": message, "where": ""})], 0, 0, 0))
            return
        for task in chunk:
            retried.add(task[0])
            suspects.append([task])

    executor = start()
    try:
        with _children_ignore_sigint():
            submit(executor)  # the first submissions start the workers
        while inflight:
            done, _ = wait(list(inflight), return_when=FIRST_COMPLETED)
            broken = False
            for fut in done:
                chunk = inflight.pop(fut)
                try:
                    chunk_result = fut.result()
                except BrokenProcessPool:
                    broken = True
                    crashed(chunk)
                except Exception as exc:  # noqa: BLE001 - the chunk could not travel
                    apply(_ChunkResult(0, [_bug_outcome(t[0], exc) for t in chunk], 0, 0, 0))
                else:
                    fruitless = 0
                    apply(chunk_result)
            if broken:
                for fut in list(inflight):
                    crashed(inflight.pop(fut))
                executor.shutdown(wait=True, cancel_futures=True)
                fruitless += 1
                if fruitless >= 3:  # the workers cannot work at all: fail the rest, stop
                    rest = [t for chunk in (*suspects, *queue) for t in chunk]
                    message = "worker processes keep dying before finishing any record"
                    apply(_ChunkResult(0, [_Outcome(t[0], [], "bug", message, {
                        "type": "BrokenProcessPool", "message": message, "where": ""})
                        for t in rest], 0, 0, 0))
                    return
                executor = start()
                with _children_ignore_sigint():
                    submit(executor)
            else:
                submit(executor)
    except KeyboardInterrupt:
        stop.set()
        result.interrupted = True
        with _sigint_ignored():
            _drain(executor, inflight, apply)
        raise
    finally:
        executor.shutdown(wait=True, cancel_futures=True)


def _drain(executor: Any, inflight: dict[Any, list[Task]],
           apply: Callable[[_ChunkResult], None]) -> None:
    """Ctrl-C: cancel what has not started; collect what the workers finish (they stop
    after the document in hand); terminate workers that do not stop in time."""
    from concurrent.futures import wait

    for fut in list(inflight):
        if fut.cancel():
            inflight.pop(fut)
    deadline = time.monotonic() + GRACE_SECONDS
    while inflight and time.monotonic() < deadline:
        done, _ = wait(list(inflight), timeout=max(0.0, deadline - time.monotonic()))
        for fut in done:
            inflight.pop(fut)
            try:
                chunk = fut.result()
            except BaseException:  # noqa: BLE001 - a broken pool, or a worker's own Ctrl-C
                continue
            apply(chunk)
    # Then let the workers go; end those that do not (a stuck or wedged worker must not
    # keep shutdown(wait=True) waiting for ever). A file a terminated worker was writing
    # stays a temporary file, which _finish removes.
    procs = list((getattr(executor, "_processes", None) or {}).values())
    executor.shutdown(wait=False, cancel_futures=True)
    deadline = time.monotonic() + (0.0 if inflight else EXIT_SECONDS)
    while any(p.is_alive() for p in procs) and time.monotonic() < deadline:
        time.sleep(0.05)
    for proc in procs:
        if proc.is_alive():
            proc.terminate()


@contextmanager
def _children_ignore_sigint() -> Iterator[None]:
    """Start workers with SIGINT ignored from their first instruction.

    An ignored signal stays ignored across fork and exec, so workers (and the
    forkserver, when it starts here) are born ignoring SIGINT: a Ctrl-C on the
    terminal reaches only this process, and no worker prints a traceback. The
    initializer ignores it again for callers outside the main thread.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    blocked = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
        signal.pthread_sigmask(signal.SIG_SETMASK, blocked)


@contextmanager
def _sigint_ignored() -> Iterator[None]:
    """While cleaning up after Ctrl-C, a second Ctrl-C must not leave things half done."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


# --- the worker side -----------------------------------------------------------------------


class _WorkerState:
    def __init__(self, form: Form, out: Path, renderers: dict[str, Renderer], stop: Any):
        self.form, self.out, self.renderers, self.stop = form, out, renderers, stop
        self.documents = 0

    def renderer(self, fmt: str) -> Renderer:
        if fmt not in self.renderers:
            if fmt == "pdf":
                from .render.pdf import render_pdf

                self.renderers[fmt] = render_pdf
            elif fmt == "odt":
                from .render.odt import render_odt

                self.renderers[fmt] = render_odt
            else:
                from .render.docx import render_docx

                self.renderers[fmt] = render_docx
        return self.renderers[fmt]

    def chunk_result(self, outcomes: list[_Outcome]) -> _ChunkResult:
        # ru_maxrss (KiB on Linux); the kernel updates it lazily, so it can trail the
        # RSS read just now by a few pages: the peak is the larger of the two.
        rss = _current_rss_kib()
        peak = max(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, rss)
        return _ChunkResult(os.getpid(), outcomes, self.documents, rss, peak)


_STATE: _WorkerState | None = None


_PR_SET_PDEATHSIG = 1  # <linux/prctl.h>
_BATCH_PID: int | None = None  # the batch's own process, whose end ends the worker


def _die_with_parent(batch_pid: int) -> None:
    """Ask the kernel for SIGKILL when this worker's parent (the forkserver, which itself
    ends with the batch) ends; then make sure the batch has not ended already."""
    global _BATCH_PID
    _BATCH_PID = batch_pid
    if sys.platform.startswith("linux"):
        try:
            import ctypes

            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        except (OSError, AttributeError):  # pragma: no cover - no prctl: the checks remain
            pass
    _exit_if_orphaned()


def _exit_if_orphaned() -> None:
    """End this worker at once when the batch that started it is gone (killed)."""
    if _BATCH_PID is None:
        return
    try:
        os.kill(_BATCH_PID, 0)
    except ProcessLookupError:
        os._exit(1)
    except OSError:  # EPERM: a process of another user took the pid; ours is gone
        os._exit(1)
    if os.getppid() == 1:  # the forkserver is gone too
        os._exit(1)


def _worker_init(form_id: str, out: str, formats: tuple[str, ...],
                 renderers: dict[str, Renderer], stop: Any, batch_pid: int | None = None) -> None:
    """Once per worker: die with the batch, ignore Ctrl-C (the parent handles it), import,
    warm the fonts."""
    global _STATE
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if batch_pid is not None:
        _die_with_parent(batch_pid)
    _STATE = _WorkerState(get_form(form_id), Path(out), renderers, stop)
    try:  # render the sample once: imports, font discovery, glyph coverage, caches
        sample = _STATE.form.sample
        for fmt in formats:
            _STATE.renderer(fmt)(_STATE.form, sample)
    except Exception:  # noqa: BLE001 - a real record will report the problem
        pass
    gc.collect()


def _worker_chunk(tasks: list[Task]) -> _ChunkResult:
    state = _STATE
    assert state is not None, "worker not initialised"
    outcomes = []
    for task in tasks:
        _exit_if_orphaned()  # never write into a folder nobody holds the lock of
        if state.stop is not None and state.stop.is_set():
            break
        outcomes.append(_render_task(state, task))
    return state.chunk_result(outcomes)


def _render_task(state: _WorkerState, task: Task) -> _Outcome:
    key, record, todo = task
    written: list[tuple[str, int, str]] = []
    try:
        for fmt, name in todo:
            try:
                data = state.renderer(fmt)(state.form, record)
                write_output(state.out / name, data)
                written.append((name, len(data), hashlib.sha256(data).hexdigest()))
            finally:
                state.documents += 1
                gc.collect()  # WeasyPrint leaves reference cycles around fonts
    except WriteProblem as exc:
        code = "disk" if exc.errno in _DISK_ERRNOS else "render"
        return _Outcome(key, written, code, str(exc), problem=exc)
    except FormkitError as exc:
        return _Outcome(key, written, "render", str(exc), problem=exc)
    except Exception as exc:  # noqa: BLE001 - a bug; report it, carry on
        outcome = _bug_outcome(key, exc)
        outcome.written = written
        return outcome
    return _Outcome(key, written)


def _bug_outcome(key: int, exc: BaseException) -> _Outcome:
    frames = traceback.extract_tb(exc.__traceback__)
    where = f"{frames[-1].filename}:{frames[-1].lineno} in {frames[-1].name}" if frames else ""
    message = f"{type(exc).__name__}: {exc}"
    return _Outcome(key, [], "bug", message,
                    {"type": type(exc).__name__, "message": str(exc), "where": where})


def _current_rss_kib() -> int:
    try:
        with open("/proc/self/statm") as fh:
            return int(fh.read().split()[1]) * (os.sysconf("SC_PAGE_SIZE") // 1024)
    except (OSError, ValueError, IndexError):
        return 0


# --- manifest and stray files --------------------------------------------------------------


class _Manifest:
    """``DIR/.formkit-batch.json``: which outputs are complete, and of what record.

    ``{"formkit": V, "outputs": {FILE: {"form", "formkit", "sha256", "bytes",
    "output_sha256"}}}``; ``sha256`` is over the canonical JSON of the filled record
    (as in the PDF's embedded formkit.json), ``output_sha256`` over the file written:
    ``--resume`` takes an output for current only when its bytes still hash to it.
    Written only by the main process, atomically; with ``redact``, whatever in it
    is shaped like a national ID is masked.
    """

    def __init__(self, out: Path, form_id: str, redact: bool = False):
        from . import __version__

        self.path, self.form_id, self.version = out / MANIFEST_NAME, form_id, __version__
        self.redact = redact
        self.outputs: dict[str, dict[str, Any]] = {}
        self.dirty, self.saved_at = False, 0.0
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
            if isinstance(data, dict) and isinstance(data.get("outputs"), dict):
                self.outputs = {k: v for k, v in data["outputs"].items() if isinstance(v, dict)}
        except (OSError, ValueError):
            pass  # no manifest, or an unreadable one: nothing counts as current

    def current(self, name: str, sha256: str) -> bool:
        entry = self.outputs.get(name)
        if not entry or entry.get("sha256") != sha256 or entry.get("form") != self.form_id \
                or entry.get("formkit") != self.version:
            return False
        digest = entry.get("output_sha256")
        if not isinstance(digest, str):
            return False
        path = self.path.parent / name
        try:
            if path.stat().st_size != entry.get("bytes"):
                return False
            h = hashlib.sha256()
            with path.open("rb") as fh:
                while block := fh.read(2**20):
                    h.update(block)
        except OSError:
            return False
        return h.hexdigest() == digest

    def record(self, name: str, sha256: str, size: int, output_sha256: str) -> None:
        self.outputs[name] = {"form": self.form_id, "formkit": self.version,
                              "sha256": sha256, "bytes": size, "output_sha256": output_sha256}
        self.dirty = True

    def save(self, force: bool = False) -> None:
        """Write when something changed, at most once a second unless forced."""
        if not self.dirty or (not force and time.monotonic() - self.saved_at < 1.0):
            return
        data = {"formkit": self.version, "outputs": dict(sorted(self.outputs.items()))}
        text = json.dumps(data, ensure_ascii=False, indent=1) + "\n"
        if self.redact:
            from .masking import redact_text

            text = redact_text(text)
        write_output(self.path, text.encode())
        self.dirty, self.saved_at = False, time.monotonic()


def _remove_temp_files(out: Path, result: BatchResult | None) -> None:
    """Remove write_atomic's temporary files left by a killed worker.

    Only files named like ours (``.NAME.XXXXXXXX.part``) whose NAME is an
    output of this batch (any PDF/DOCX/ODT before the plan exists) or the manifest
    or a report.
    """
    ours = {MANIFEST_NAME, REPORT_JSON, REPORT_TEXT}
    if result is not None:
        ours |= {o.name for i in result.items for o in i.outputs}
    try:
        names = os.listdir(out)
    except OSError:
        return
    for name in names:
        m = _TEMP_FILE.match(name)
        if not m:
            continue
        target = m.group("target")
        if target in ours or (result is None and target.endswith((".pdf", ".docx", ".odt"))):
            try:
                os.unlink(out / name)
            except OSError:
                pass


# --- the report ----------------------------------------------------------------------------


def write_report(result: BatchResult) -> tuple[Path, Path]:
    """Write ``batch-report.json`` and ``batch-report.txt`` into the output folder."""
    json_path, text_path = result.report_paths
    data = json.dumps(result.as_dict(), ensure_ascii=False, indent=2) + "\n"
    write_output(json_path, data.encode("utf-8"))
    write_output(text_path, report_text(result).encode("utf-8"))
    return json_path, text_path


def _t(message: str, lang: str, **params: Any) -> str:
    return translate(message, lang, params or None)


def report_text(result: BatchResult) -> str:
    """The report as readable text, in the result's language."""
    lang, c = result.lang, result.counts
    lines = [
        _t(N_("formkit batch report"), lang),
        _t(N_("form: {form} {title}"), lang, form=result.form.id, title=result.form.full_title),
        _t(N_("records: {source}, {count} in all"), lang, source=result.source,
           count=c["records"]),
        _t(N_("output folder: {folder} ({formats})"), lang, folder=result.out_dir,
           formats=", ".join(f.upper() for f in result.formats)),
        _t(N_("started: {time}"), lang, time=result.started.strftime("%Y-%m-%d %H:%M:%S")),
        _t(N_("written: {written}; skipped as current: {skipped}; refused: {refused}; "
              "failed: {failed}"), lang, **c),
    ]
    if result.interrupted or c["not_done"]:
        lines.append(_t(N_("interrupted: {count} record(s) not done; run again with --resume "
                           "to finish"), lang, count=c["not_done"]))
    lines.append(_t(N_("elapsed: {seconds} s in all, {render} s rendering; {files} file(s) "
                       "written, {rate} documents/s"), lang,
                    seconds=f"{result.elapsed:.1f}", render=f"{result.render_elapsed:.1f}",
                    files=c["files_written"], rate=f"{result.rate:.2f}"))
    if result.workers:
        parts = [_t(N_("pid {pid}: {mib} MiB after {documents} document(s)"), lang,
                    pid=w.pid, mib=f"{w.peak_rss_kib / 1024:.0f}", documents=w.documents)
                 for w in result.workers]
        label = (N_("peak memory (this process): {workers}") if result.jobs == 1 else
                 N_("peak memory per worker ({method}): {workers}"))
        sep = "; " if lang == "en" else "；"
        method = Localised(str(result.start_method), "各自獨立之程序")
        lines.append(_t(label, lang, method=method, workers=sep.join(parts)))
    problems = [i for i in result.items if i.status in (REFUSED, FAILED)]
    if problems:
        lines += ["", _t(N_("refused or failed ({count}):"), lang, count=len(problems))]
        for item in problems:
            lines += _problem_lines(item, lang)
    from .terminal import shown

    # Read on a terminal (cat, less -R): no escape sequence or bidi override from a
    # record's value acts there.
    text = "\n".join(shown(line) for line in lines) + "\n"
    if result.redact:
        from .masking import redact_text

        text = redact_text(text)
    return text


def _problem_lines(item: Item, lang: str) -> list[str]:
    e = item.entry
    if e.line is not None:
        where = _t(N_("record {index} ({file}, line {line})"), lang,
                   index=e.index, file=e.origin, line=e.line)
    else:
        where = _t(N_("record {index} ({file})"), lang, index=e.index, file=e.origin)
    status = _t(N_("refused") if item.status == REFUSED else N_("failed"), lang)
    names = ", ".join(o.name for o in item.outputs) or (
        f"{item.name}.*" if item.name else "")
    if names:
        head = _t(N_("{where} → {files}: {status}"), lang, where=where, files=names, status=status)
    else:
        head = _t(N_("{where}: {status}"), lang, where=where, status=status)
    lines = [head]
    for reason in item.reasons:
        lines.append(f"  - {reason['message']}")
    for f in item.findings:
        lines.append(f"    {f.rule} {f.path or '/'}: {f.text(lang)}")
        if f.citation:
            lines.append("      " + _t(N_("citation: {citation}"), lang, citation=f.citation))
    if item.error and item.error.get("where"):
        lines.append("    " + _t(N_("at {where}"), lang, where=item.error["where"]))
    written = [o.name for o in item.outputs if o.written]
    if written:
        lines.append("    " + _t(N_("written anyway: {files}"), lang, files=", ".join(written)))
    return lines
