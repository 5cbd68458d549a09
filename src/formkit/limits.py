"""Caps that keep rendering bounded: record size, rows, text length, user templates.

A record is untrusted input. Before anything expensive is done with it, it is
measured against the caps below in one pass that never recurses (so a record
nested 100,000 levels deep costs nothing) and stops early:

- ``fill`` and ``validate`` report what is over a cap as error findings with
  rule id ``limits`` (exit 1) and run neither the schema nor the rules on such a
  record;
- ``render_pdf`` and ``render_docx`` refuse it with :class:`LimitExceeded`
  (exit 2 with ``fill --draft``, or from the Python API).

What the caps cost at their edge (measured on Debian 12, Python 3.11, 2 cores;
``ciyue/fee-quote``'s ``lines`` table):

- 1,000 rows of the sample's text: PDF 4.8 s (6.7–7 s with the machine's two cores
  busy with other work), 32 pages, peak RSS 251–262 MiB; DOCX 0.2–0.4 s, 58 MiB.
- 1,000 rows of 600 CJK characters each (a 1.8 MiB record, close to the byte cap):
  PDF 51 s, 1,001 pages, peak RSS 494 MiB; DOCX 0.24 s, 60 MiB.
- Uncapped, for comparison: 10,000 rows of the sample's text took 79 s, 506 pages and
  a peak RSS of 1,657 MiB.

A user template (``--templates DIR`` or ``FORMKIT_TEMPLATES``) is rendered, with
the document it makes, in a child process (``os.fork``) whose address space,
CPU time and wall-clock time are capped (:func:`run_bounded`); the template
itself runs in the sandbox of :mod:`formkit.render.sandbox`, which also caps
the size of any string it builds and its running time.
"""

from __future__ import annotations

import json
import math
import os
import select
import signal
import time
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from .errors import FormkitError, InputError, LimitExceeded, RenderError
from .findings import Finding
from .i18n import N_, Localised
from .pointers import escape

# -- records ------------------------------------------------------------------------------

#: A record's canonical JSON (UTF-8); also the cap on a record file or stdin.
MAX_RECORD_BYTES = 2 * 2**20
#: Items in any one array (a repeating table's rows).
MAX_ITEMS = 1_000
#: Characters in any one string (and in any object key).
MAX_TEXT = 10_000
#: Levels of arrays and objects inside one another (the forms use at most 4).
MAX_DEPTH = 32
#: At most this many limit findings are reported for one record.
MAX_FINDINGS = 20

CITATION = ""  # formkit's own caps: no clause of a regulation to cite

# -- user templates -----------------------------------------------------------------------

#: Wall-clock seconds for rendering a document with a user template.
TEMPLATE_SECONDS = 30.0
#: Memory a user template's render may take beyond what the process already holds.
TEMPLATE_MEMORY_BYTES = 1024 * 2**20
#: Characters in any one string a template builds, its output included.
TEMPLATE_MAX_CHARS = 10_000_000
#: Size of a user template file: HTML, and DOCX.
TEMPLATE_FILE_BYTES = 1 * 2**20
DOCX_TEMPLATE_FILE_BYTES = 20 * 2**20
#: Size of the document a bounded render may hand back.
MAX_OUTPUT_BYTES = 256 * 2**20

# -- images inline in user templates (data: URLs) -------------------------------------------

DATA_IMAGE_BYTES = 64 * 2**10
DATA_IMAGE_PIXELS = 4_000_000


def _pointer(parts: tuple[str | int, ...]) -> str:
    return "".join("/" + escape(str(p)) for p in parts)


def _finding(path: str, message: str, rule: str = "limits", **params: Any) -> Finding:
    return Finding(rule=rule, severity="error", path=path, template=message,
                   citation=CITATION, params={"field": path or "/", **params})


def _scalar_size(value: Any) -> int:
    """Bytes of ``value`` in canonical JSON (see :func:`formkit.records.canonical_json`)."""
    if value is None:
        return 4
    if value is True:
        return 4
    if value is False:
        return 5
    if isinstance(value, int):
        bits = value.bit_length()
        if bits > 64:  # str() of a huge int is slow, and refused past 4,300 digits
            return int(bits * 0.30103) + 1
        return len(str(value))
    if isinstance(value, float):
        return len(repr(value))
    return 0


def _walk(record: Any) -> Iterator[Finding]:
    """The findings of the caps, in document order, without recursion."""
    size = 0
    # (value, path parts, depth); a path is built as a tuple only when it is reported
    stack: list[tuple[Any, tuple[str | int, ...], int]] = [(record, (), 0)]
    while stack:
        value, parts, depth = stack.pop()
        if isinstance(value, (dict, list)):
            if depth >= MAX_DEPTH:
                yield _finding(_pointer(parts), N_(
                    "{field}: nested more than {max} levels deep; formkit does not read "
                    "records nested this deeply"), max=MAX_DEPTH)
                continue
            count = len(value)
            size += 2 + max(count - 1, 0)
            if isinstance(value, list):
                if count > MAX_ITEMS:
                    yield _finding(_pointer(parts), N_(
                        "{field}: {count} items; at most {max} are accepted"),
                        count=count, max=MAX_ITEMS)
                    continue
                for i in range(count - 1, -1, -1):
                    stack.append((value[i], (*parts, i), depth + 1))
            else:
                children = []
                for key, item in value.items():
                    if not isinstance(key, str):
                        key = str(key)
                    if len(key) > MAX_TEXT:
                        yield _finding(_pointer(parts), N_(
                            "{field}: a key of {count} characters; at most {max} are accepted"),
                            count=len(key), max=MAX_TEXT)
                        continue
                    lone = next((ch for ch in key if "\ud800" <= ch <= "\udfff"), None)
                    if lone is not None:  # JSON read from a file cannot hold one: the API can
                        yield _finding(_pointer(parts), N_(
                            "{field}: a key holds U+{code}, a lone surrogate, not a "
                            "character"), code=f"{ord(lone):04X}")
                        continue
                    shown = json.dumps(key, ensure_ascii=False)
                    size += len(shown.encode("utf-8", "surrogatepass")) + 1
                    children.append((item, (*parts, key), depth + 1))
                stack.extend(reversed(children))
        elif isinstance(value, str):
            if len(value) > MAX_TEXT:
                yield _finding(_pointer(parts), N_(
                    "{field}: {count} characters; at most {max} are accepted"),
                    count=len(value), max=MAX_TEXT)
                size += len(value)
            else:
                size += len(json.dumps(value, ensure_ascii=False).encode("utf-8", "surrogatepass"))
        else:
            if isinstance(value, float) and not math.isfinite(value):
                yield _finding(_pointer(parts), N_(
                    "{field}: {value} is not a JSON number"), rule="schema", value=repr(value))
            size += _scalar_size(value)
        if size > MAX_RECORD_BYTES:  # reported once; the rest is not read
            yield _finding("", N_(
                "the record is more than {max} bytes of JSON; formkit accepts records up to "
                "{max_mib} MiB"), max=MAX_RECORD_BYTES, max_mib=MAX_RECORD_BYTES // 2**20)
            return


def record_findings(record: Any) -> list[Finding]:
    """Error findings for every cap the record goes over (at most ``MAX_FINDINGS``)."""
    out: list[Finding] = []
    for finding in _walk(record):
        out.append(finding)
        if len(out) >= MAX_FINDINGS:
            break
    return out


def check_record(record: Any) -> None:
    """Raise :class:`LimitExceeded` naming the field when the record goes over a cap."""
    for finding in _walk(record):
        raise LimitExceeded(N_("record refused: {reason}"), reason=finding)


# -- running a render in a bounded child process --------------------------------------------


def _current_address_space() -> int:
    try:
        with open("/proc/self/statm", encoding="ascii") as fh:
            return int(fh.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0


def _child(fn: Callable[[], bytes], out_fd: int, seconds: float, memory: int) -> None:
    import resource

    status, body = b"X", b""
    try:
        vm = _current_address_space()
        if vm:
            _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
            limit = vm + memory
            if hard == resource.RLIM_INFINITY or limit < hard:
                resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
        cpu = int(math.ceil(seconds)) + 1
        _soft, hard = resource.getrlimit(resource.RLIMIT_CPU)
        if hard == resource.RLIM_INFINITY or cpu < hard:
            resource.setrlimit(resource.RLIMIT_CPU, (cpu, hard))
        try:
            status, body = b"O", fn()
        except FormkitError as exc:
            status, body = b"E", _error_body(exc)
        except MemoryError:
            status, body = b"M", b""
        except RecursionError:
            status, body = b"R", b""
        except BaseException as exc:  # noqa: BLE001 - reported to the parent as a bug
            status, body = b"X", json.dumps([type(exc).__name__, str(exc)[:300]]).encode()
        view = memoryview(status + len(body).to_bytes(8, "big") + body)
        while view:
            n = os.write(out_fd, view)
            view = view[n:]
    except BaseException:  # noqa: BLE001 - the parent sees a short answer
        pass
    finally:
        os._exit(0)


def _wait_for_pango_threads(seconds: float = 1.0) -> None:
    """Let Pango's short-lived font-sorting threads finish before forking (at most ``seconds``).

    A thread that held a fontconfig lock at the fork would leave it locked forever in
    the child, which would then wait until the time cap. Python's own threads are
    not waited for: the child uses none of their locks.
    """
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            tasks = os.listdir("/proc/self/task")
        except OSError:  # not Linux
            return
        names = []
        for task in tasks:
            try:
                with open(f"/proc/self/task/{task}/comm", encoding="utf-8") as fh:
                    names.append(fh.read())
            except OSError:  # the thread ended meanwhile
                pass
        if not any(n.startswith("[pango]") for n in names):
            return
        time.sleep(0.01)


def _raise_from(name: str, message: str) -> None:
    from . import errors

    cls = getattr(errors, name, None)
    if not (isinstance(cls, type) and issubclass(cls, FormkitError)):
        raise RenderError(N_("rendering failed: {kind}: {error}"), kind=name, error=message)
    exc = cls.__new__(cls)  # subclasses' own __init__ take other arguments (MissingGlyphError)
    FormkitError.__init__(exc, message)
    raise exc


def _error_body(exc: FormkitError) -> bytes:
    """The child's error for the parent: pickled whole (its message id, parameters and
    attributes), or its class and English text when it cannot be pickled."""
    import pickle

    try:
        return b"P" + pickle.dumps(exc)
    except Exception:  # noqa: BLE001 - an unpicklable parameter: the text still travels
        return b"J" + json.dumps([type(exc).__name__, str(exc)]).encode("utf-8")


def run_bounded(fn: Callable[[], bytes], *, what: str, seconds: float | None = None,
                memory: int | None = None) -> bytes:
    """``fn()`` in a forked child process with capped memory, CPU and wall-clock time.

    The child's :class:`FormkitError` is raised again here with its class and
    message; running out of memory or time raises :class:`LimitExceeded` naming
    ``what``. Where ``os.fork`` is missing, ``fn`` runs in this process (the
    template sandbox's own caps on time and string size still apply).
    """
    seconds = TEMPLATE_SECONDS if seconds is None else seconds
    memory = TEMPLATE_MEMORY_BYTES if memory is None else memory
    if not hasattr(os, "fork"):  # pragma: no cover - Windows
        return fn()
    _wait_for_pango_threads()
    read_fd, write_fd = os.pipe()
    try:
        with warnings.catch_warnings():
            # Python 3.12 warns about fork() in a process with threads: the child runs
            # only this render, and a lock it might wait on forever meets the deadline.
            warnings.simplefilter("ignore", DeprecationWarning)
            pid = os.fork()
    except OSError as exc:
        os.close(read_fd)
        os.close(write_fd)
        raise RenderError(N_("{what}: cannot start a process to render in: {error}"),
                          what=what, error=str(exc)) from exc
    if pid == 0:  # pragma: no cover - the child (measured through the parent's tests)
        os.close(read_fd)
        _child(fn, write_fd, seconds, memory)
    os.close(write_fd)
    chunks: list[bytes] = []
    received = 0
    deadline = time.monotonic() + seconds + 2.0
    timed_out = too_big = False
    reaped = False
    try:
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                timed_out = True
                break
            ready, _, _ = select.select([read_fd], [], [], min(left, 1.0))
            if not ready:
                continue
            chunk = os.read(read_fd, 1 << 20)
            if not chunk:
                break
            received += len(chunk)
            if received > MAX_OUTPUT_BYTES + 9:
                too_big = True
                break
            chunks.append(chunk)
        if timed_out or too_big:
            os.kill(pid, signal.SIGKILL)
        _, wait_status = os.waitpid(pid, 0)
        reaped = True
    finally:
        os.close(read_fd)
        if not reaped:  # interrupted (Ctrl-C): the child does not outlive us
            try:
                os.kill(pid, signal.SIGKILL)
                os.waitpid(pid, 0)
            except OSError:
                pass
    if timed_out:
        raise LimitExceeded(N_("{what}: stopped after {seconds:g} s, the cap on rendering time"),
                            what=what, seconds=seconds, limit="time")
    if too_big:
        raise LimitExceeded(N_("{what}: the document is larger than {mib} MiB, the cap"),
                            what=what, mib=MAX_OUTPUT_BYTES // 2**20, limit="bytes")
    data = b"".join(chunks)
    if len(data) < 9 or len(data) != 9 + int.from_bytes(data[1:9], "big"):
        sig = os.WTERMSIG(wait_status) if os.WIFSIGNALED(wait_status) else None
        if sig == signal.SIGXCPU:
            raise LimitExceeded(N_("{what}: stopped after {seconds:g} s of CPU time, the cap"),
                                what=what, seconds=seconds, limit="time")
        if sig is not None:
            raise LimitExceeded(N_("{what}: the rendering process died ({signal}), most likely "
                                   "at the cap of {mib} MiB of memory"),
                                what=what, signal=signal.Signals(sig).name, mib=memory // 2**20,
                                limit="memory")
        raise RenderError(N_("{what}: the rendering process ended without a result"), what=what)
    status, body = data[:1], data[9:]
    if status == b"O":
        return body
    if status == b"M":
        raise LimitExceeded(N_("{what}: needed more than {mib} MiB of memory, the cap"),
                            what=what, mib=memory // 2**20, limit="memory")
    if status == b"R":
        raise LimitExceeded(N_("{what}: nested too deeply (Python's recursion limit)"),
                            what=what, limit="depth")
    if status == b"E" and body[:1] == b"P":
        import pickle

        raise pickle.loads(body[1:])  # noqa: S301 - our own forked child wrote it
    name, message = json.loads(body[1:] if status == b"E" else body)
    _raise_from(name, message)
    raise AssertionError("unreachable")  # pragma: no cover


# ---------------------------------------------------------------- caps on a parse

MiB = 2**20

#: The largest caps a parse accepts (``formkit parse --max-bytes`` ... and :class:`Limits`):
#: past them a cap caps nothing, and the numbers no longer fit what they are handed to
#: (a read of that many bytes, ``RLIMIT_AS``, a timer).
MAX_PARSE_BYTES = 2 * 2**30  # the file is read into memory whole
MAX_PARSE_PAGES = 10_000
MAX_PARSE_SECONDS = 86_400.0  # a day; also the cap on OCR seconds per page
MAX_PARSE_MEMORY_MIB = 1024 * 1024  # 1 TiB of address space
MAX_PARSE_STREAM_BYTES = 2 * 2**30
MAX_PARSE_ZIP_ENTRIES = 1_000_000


_NO_CAP = Localised(" (or None: no cap)", "（或 None：不設上限）")


def _whole_in(name: str, value: Any, low: int, high: int, *, none_ok: bool = False) -> None:
    if value is None and none_ok:
        return
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise InputError(N_("Limits.{name} must be a whole number from {low:,} to {high:,}"
                            "{none}, not {value}"), name=name, low=low, high=high,
                         none=_NO_CAP if none_ok else "", value=_shown(value))


def _seconds_in(name: str, value: Any, high: float, *, zero_ok: bool,
                none_ok: bool = False) -> None:
    if value is None and none_ok:
        return
    number = isinstance(value, int | float) and not isinstance(value, bool)
    if number and math.isfinite(value) and value <= high and (value > 0 or zero_ok and value == 0):
        return
    if zero_ok:
        raise InputError(N_("Limits.{name} must be a number of seconds from 0 to {high:g}, "
                            "not {value}"), name=name, high=high, value=_shown(value))
    raise InputError(N_("Limits.{name} must be a number of seconds more than 0 and at most "
                        "{high:g}{none}, not {value}"), name=name, high=high,
                     none=_NO_CAP if none_ok else "", value=_shown(value))


def _shown(value: Any) -> str:
    """A wrong cap as a message quotes it; an int too long to print in full, shortened."""
    if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > 64:
        from decimal import Decimal

        return f"{Decimal(value):.3E}"
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "…"


@dataclass(frozen=True)
class Limits:
    """Caps on one parse (:mod:`formkit.parse.worker` says why these defaults).

    - ``max_bytes``: the file, checked before it is read;
    - ``max_pages``: pages of a PDF, frames of a TIFF;
    - ``timeout_s``: wall-clock seconds of the whole parse (None: no cap);
    - ``max_memory_mib``: the worker's address space, ``RLIMIT_AS`` (None: no cap);
    - ``ocr_s_per_page``: seconds added to ``timeout_s`` for each page of a scan
      read by OCR (0: ``timeout_s`` is the whole cap);
    - ``max_stream_bytes``: what one compressed stream may inflate to;
    - ``max_zip_entries``: members of an office document's zip (DOCX, ODT);
    - ``max_zip_bytes``: what an office document's members inflate to, all together
      (as their headers declare; a member never inflates past what it declares).
    """

    max_bytes: int = 50 * MiB
    max_pages: int = 50
    timeout_s: float | None = 60.0
    max_memory_mib: int | None = 1024
    ocr_s_per_page: float = 10.0
    max_stream_bytes: int = 64 * MiB
    max_zip_entries: int = 1000
    max_zip_bytes: int = 256 * MiB

    def __post_init__(self) -> None:
        """Every cap is checked: a wrong one raises :class:`~formkit.errors.InputError`
        (a ValueError) naming it, never later as an OverflowError deep in a parse."""
        _whole_in("max_bytes", self.max_bytes, 1, MAX_PARSE_BYTES)
        _whole_in("max_pages", self.max_pages, 1, MAX_PARSE_PAGES)
        _whole_in("max_stream_bytes", self.max_stream_bytes, 1, MAX_PARSE_STREAM_BYTES)
        _whole_in("max_zip_entries", self.max_zip_entries, 1, MAX_PARSE_ZIP_ENTRIES)
        _whole_in("max_zip_bytes", self.max_zip_bytes, 1, MAX_PARSE_STREAM_BYTES)
        _whole_in("max_memory_mib", self.max_memory_mib, 1, MAX_PARSE_MEMORY_MIB, none_ok=True)
        _seconds_in("timeout_s", self.timeout_s, MAX_PARSE_SECONDS, zero_ok=False, none_ok=True)
        _seconds_in("ocr_s_per_page", self.ocr_s_per_page, MAX_PARSE_SECONDS, zero_ok=True)


#: The largest NT$ amount a money field (``x-kind: money``) holds: 999,999,999,999, just
#: under 一兆 (10**12). A total of up to 1,000 such amounts (limits.MAX_ITEMS) stays below
#: 10**16, the largest amount :func:`formkit.money.capital_numerals` writes out (仟兆), and
#: below 2**53, so it is exact in a JSON number as JavaScript and spreadsheets read it.
MAX_MONEY = 999_999_999_999
#: The bounds of any other number a schema leaves unbounded (counts, hours, person-days):
#: ±999,999,999,999 too. Past it no form has anything to count, and a float such as 1e300
#: would overflow the arithmetic of the rules and the printing of the renderers.
MAX_NUMBER = 999_999_999_999


def _is_number(node: dict[str, Any]) -> bool:
    kinds = node.get("type")
    names = {kinds} if isinstance(kinds, str) else set(kinds) if isinstance(kinds, list) else set()
    return bool(names & {"integer", "number"}) or node.get("x-kind") == "money"


def capped(schema: Any) -> Any:
    """A copy of ``schema`` in which every number without a bound gets one: ``maximum``
    :data:`MAX_MONEY` for money, else :data:`MAX_NUMBER`, and ``minimum`` -MAX_NUMBER.

    Bounds the schema gives (``minimum``, ``exclusiveMaximum``...) are kept. This is the
    schema records are validated against (:func:`schema_findings`); the forms' own
    schemas state the bounds the catalogue gives.
    """
    if isinstance(schema, list):
        return [capped(item) for item in schema]
    if not isinstance(schema, dict):
        return schema
    out = {key: capped(value) for key, value in schema.items()}
    if _is_number(schema):
        if "maximum" not in out and "exclusiveMaximum" not in out:
            out["maximum"] = MAX_MONEY if schema.get("x-kind") == "money" else MAX_NUMBER
        if "minimum" not in out and "exclusiveMinimum" not in out:
            out["minimum"] = -MAX_NUMBER
    return out
