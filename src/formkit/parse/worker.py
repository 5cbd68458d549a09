"""Caps on reading an untrusted file, and the worker process that makes them real.

A submitted PDF comes from a stranger. pypdf, pdfminer and PDFium have all hung
or exhausted memory on crafted files (CVE-2023-36464, pdfplumber #681), so a
parse runs under :class:`Limits`:

- **size** (``max_bytes``) and **pages** (``max_pages``) are checked before
  anything is decoded;
- **one stream** (``max_stream_bytes``) caps what any compressed stream may
  inflate to, in pypdf (its own configuration) and in pdfminer (whose
  ``zlib.decompress`` is given a bounded stand-in); pdfminer is also kept from
  following a loop of references for ever (``1 0 obj 1 0 R endobj``), see
  :func:`_cap_pdfminer`;
- **time** (``timeout_s``) and **memory** (``max_memory_mib``) are enforced on a
  worker process: :func:`run_bounded` runs the parse in a child started from
  multiprocessing's ``forkserver``; the child caps its own address space with
  ``RLIMIT_AS`` (tesseract, which it starts, inherits the same cap) and the
  parent kills it when the wall-clock time is up. A scan read by OCR gets
  ``ocr_s_per_page`` more seconds for each of its pages, announced by the child
  once it has counted them (``timeout_s`` alone when that is 0).

Why these defaults (measured on Debian 12, Python 3.11, 2 cores): a formkit PDF
parses in 0.05 to 2 s and its address space peaks near 215 MiB; OCR takes 3.5 to
8 s a page (more on a loaded machine) and peaks near 490 MiB for an A4 scan,
570 MiB for an A3 page and 660 MiB for the largest page OCR accepts (25 million
pixels, :data:`.raster.MAX_PAGE_PIXELS`), so 1 GiB holds every page that is
accepted; tesseract runs within the same cap (its own address space). 60 s is
thirty times a formkit PDF's parse; 10 s a page more for a scan lets a 50-page
scan finish on a loaded machine. One stream of a formkit PDF inflates to at most
a few MiB (its fonts); 64 MiB is pypdf's own default (75 MB) rounded down. Under
``RLIMIT_AS`` a ``MemoryError`` becomes :class:`LimitExceeded`; a worker killed
by a signal (PDFium aborts when an allocation fails; Python itself may crash when
it cannot grow its stack) is reported the same way, as most likely over the
memory cap.

``forkserver`` rather than ``fork``: the caller may have threads (a web server,
pytest's), and a forked copy of a threaded process can deadlock. The server is
started once, with formkit's parse modules and its PDF libraries imported, so
a worker costs a ``fork`` and a pipe (about 30 ms a parse, measured) rather than
a fresh interpreter (0.9 s of imports). Unlike multiprocessing's own
children, the worker does not import the caller's main module (:class:`_Popen`),
so :func:`formkit.parse_pdf` works from a script without an ``if __name__ ==
"__main__":`` guard, a heredoc, a notebook or a thread, and never runs the
caller's code again.

The worker is a fence on resources, not a security sandbox: it runs as the
same user, with the same files and network, as the caller.
"""

from __future__ import annotations

import contextlib
import logging
import math
import os
import signal
import sys
import time
import traceback
import zlib
from collections.abc import Callable, Iterator
from contextvars import ContextVar
from typing import Any

from ..errors import FormkitError, LimitExceeded, NotAFormPDFError, WorkerError
from ..i18n import N_, phrase
from ..limits import Limits, MiB

START_METHOD = "forkserver"
# Imported once by the forkserver, so each worker starts with it loaded.
PRELOAD = ("formkit.parse._preload",)
# Log records a worker passes on to this process; the rest are counted, not sent.
MAX_LOG_RECORDS = 20
# After the time cap, how long a worker has to stop (and stop tesseract) before SIGKILL.
KILL_GRACE_S = 0.5


def limit_error(message: str, limit: str, **params: Any) -> LimitExceeded:
    """A :class:`LimitExceeded` that says which cap it was (``.limit``): bytes, pages,
    stream, structure (another of pypdf's caps), pixels, depth, time or memory.
    ``message`` is a message id filled from ``params``."""
    return LimitExceeded(message, limit=limit, **params)


def size_text(n: int) -> str:
    """A byte count as people read it: 50 MiB, 1.5 MiB, 4,096 bytes."""
    if n >= MiB:
        return f"{n // MiB} MiB" if n % MiB == 0 else f"{n / MiB:.1f} MiB"
    return phrase(N_("{count:,} bytes"), {"count": n})


# ---------------------------------------------------------------- one stream, in the libraries

# (cap on one stream in bytes, file name) of the parse in progress in this context.
_PARSING: ContextVar[tuple[int, str] | None] = ContextVar("formkit_parsing", default=None)
# References followed from one to the next before pdfminer's resolve gives up.
MAX_REFERENCE_CHAIN = 64


class _BoundedZlib:
    """Stands in for the ``zlib`` module inside ``pdfminer.pdftypes``: the same,
    except that ``decompress`` stops at the stream cap of the parse in progress."""

    def __getattr__(self, attr: str) -> Any:
        return getattr(zlib, attr)

    @staticmethod
    def decompress(data: bytes, *args: Any, **kwargs: Any) -> bytes:
        cap = _PARSING.get()
        if cap is None or args or kwargs:
            return zlib.decompress(data, *args, **kwargs)
        limit, name = cap
        d = zlib.decompressobj()
        out = d.decompress(data, limit + 1)
        if len(out) > limit:
            raise _stream_too_large(limit, name)
        if not d.eof:  # as zlib.decompress says of a stream cut short
            raise zlib.error("Error -5 while decompressing data: incomplete or truncated stream")
        return out


def _stream_too_large(limit: int, name: str) -> LimitExceeded:
    return limit_error(N_("{file}: a compressed stream inflates to more than {max}, the cap on "
                          "one stream"), "stream", file=name, max=size_text(limit))


def _decompress_corrupted(data: bytes) -> bytes:
    """pdfminer's ``decompress_corrupted`` (what a stream whose checksum is wrong
    inflates to), in linear time and within the stream cap.

    pdfminer's feeds the inflater one byte at a time and adds each piece to a
    ``bytes``: quadratic, 40 s for 1 MiB of incompressible content, so a
    one-byte change to a PDF held a parse until its time cap. The result is the
    same: an error before the last three bytes is raised, one among them (the
    checksum) ends the stream with what was inflated.
    """
    active = _PARSING.get()
    d = zlib.decompressobj()
    out = bytearray()

    def feed(chunk: bytes) -> None:
        while chunk:
            room = active[0] - len(out) + 1 if active else 0
            out.extend(d.decompress(chunk, room))
            if active and len(out) > active[0]:
                raise _stream_too_large(*active)
            chunk = d.unconsumed_tail

    body = max(len(data) - 3, 0)
    feed(data[:body])  # an error here is raised, as pdfminer's would be
    for i in range(body, len(data)):
        try:
            feed(data[i:i + 1])
        except zlib.error:
            logging.getLogger("pdfminer.pdftypes").warning(
                "Data-loss while decompressing corrupted data")
            break
    return bytes(out)


def _cap_pdfminer() -> None:
    """Bound pdfminer, once per process: its ``zlib`` by the stream cap of the parse
    in progress (unbounded outside a parse); its ``decompress_corrupted`` (see
    :func:`_decompress_corrupted`); and ``PDFObjRef.resolve``, which follows a
    chain of references to its end, refusing a loop.

    pdfminer's ``resolve1`` and ``resolve_all`` loop ``while x is a reference:
    x = x.resolve()``, which never ends on ``1 0 obj 1 0 R endobj``. With
    ``resolve`` following the chain itself, they take one step; for a file
    without loops the result is the same.
    """
    from pdfminer import pdftypes

    if not isinstance(pdftypes.zlib, _BoundedZlib):  # type: ignore[attr-defined]
        pdftypes.zlib = _BoundedZlib()  # type: ignore[attr-defined, assignment]
    pdftypes.decompress_corrupted = _decompress_corrupted
    ref = pdftypes.PDFObjRef
    if getattr(ref.resolve, "formkit_bounded", False):
        return
    one_step = ref.resolve

    def resolve(self: Any, default: object = None) -> Any:
        seen = {self.objid}
        x = one_step(self, default)
        while isinstance(x, ref):
            if x.objid in seen or len(seen) >= MAX_REFERENCE_CHAIN:
                active = _PARSING.get()
                loop = N_("not a readable PDF (object {object} is a loop of references that "
                          "never reaches a value)")
                if active:
                    raise NotAFormPDFError(N_("{file}: {reason}"), file=active[1],
                                           reason=NotAFormPDFError(loop, object=self.objid))
                raise NotAFormPDFError(loop, object=self.objid)
            seen.add(x.objid)
            x = one_step(x, default)
        return x

    resolve.formkit_bounded = True  # type: ignore[attr-defined]
    ref.resolve = resolve  # type: ignore[method-assign]


@contextlib.contextmanager
def library_caps(limits: Limits, name: str) -> Iterator[None]:
    """pypdf's and pdfminer's caps on one stream, for the parse of ``name``."""
    import pypdf

    _cap_pdfminer()
    cap = limits.max_stream_bytes
    token = _PARSING.set((cap, name))
    try:
        with pypdf.apply_configuration(
            maximum_declared_stream_length=cap,
            array_based_stream_maximum_output_length=cap,
            zlib_maximum_output_length=cap,
            lzw_maximum_output_length=cap,
            run_length_maximum_output_length=cap,
            jbig2_maximum_output_length=cap,
            brotli_maximum_output_length=cap,
            image_maximum_buffer_size=cap,
        ):
            yield
    finally:
        _PARSING.reset(token)


# ---------------------------------------------------------------- in the worker

# How the code of a parse tells the parent about itself: set in a worker only.
_NOTIFY: ContextVar[Callable[[tuple[Any, ...]], None] | None] = ContextVar(
    "formkit_worker_notify", default=None)


def note_ocr_pages(pages: int) -> None:
    """Called by the OCR route once it knows how many pages it will read: in a
    worker, the parent then allows ``Limits.ocr_s_per_page`` more for each."""
    notify = _NOTIFY.get()
    if notify is not None:
        notify(("ocr", pages))


class _Forward(logging.Handler):
    """Passes the worker's log records to the parent, whose handlers print them;
    past MAX_LOG_RECORDS they are only counted (a crafted file can make pypdf
    warn a million times)."""

    def __init__(self, send: Callable[[tuple[Any, ...]], None]):
        super().__init__()
        self.send, self.count = send, 0

    def emit(self, record: logging.LogRecord) -> None:
        self.count += 1
        if self.count > MAX_LOG_RECORDS:
            return
        try:
            self.send(("log", {
                "name": record.name, "levelno": record.levelno, "levelname": record.levelname,
                "msg": record.getMessage(), "args": None, "pathname": record.pathname,
                "filename": record.filename, "module": record.module, "lineno": record.lineno,
                "funcName": record.funcName, "created": record.created,
            }))
        except Exception:  # noqa: BLE001 - a log record never stops a parse
            pass

    def dropped(self) -> None:
        if self.count > MAX_LOG_RECORDS:
            with contextlib.suppress(Exception):
                self.send(("log", {
                    "name": "formkit", "levelno": logging.WARNING, "levelname": "WARNING",
                    "msg": f"{self.count - MAX_LOG_RECORDS} more log records of the parse "
                           "worker were dropped", "args": None,
                }))


def _set_rlimit(which: int, value: int) -> None:
    import resource

    _soft, hard = resource.getrlimit(which)
    if hard != resource.RLIM_INFINITY and value > hard:
        value = hard
    resource.setrlimit(which, (value, hard))


def _exception_message(exc: BaseException) -> tuple[str, Any]:
    """The worker's exception as it travels to the parent: the object itself when
    it survives pickling unchanged, else its class, message and attributes."""
    import pickle

    try:
        again = pickle.loads(pickle.dumps(exc))
        if type(again) is type(exc) and str(again) == str(exc):
            return "exc", exc
    except Exception:  # noqa: BLE001 - falls back to class and message
        pass
    state = {k: v for k, v in getattr(exc, "__dict__", {}).items()
             if isinstance(v, str | int | float | bool | type(None))}
    return "named", (type(exc).__module__, type(exc).__qualname__, str(exc), state)


def _bug(exc: BaseException) -> tuple[Any, ...]:
    return ("bug", type(exc).__name__, str(exc)[:2000],
            "".join(traceback.format_exception(exc))[-20000:])


def _child(conn: Any, output: Any, func: Callable[..., Any], args: tuple[Any, ...],
           limits: Limits, name: str, env: dict[str, str], cwd: str,
           levels: dict[str, int]) -> None:
    """The worker: cap itself, run ``func(*args)``, send the outcome, exit.

    Its standard output and error go to ``output``, a pipe the parent reads:
    what libraries or a dying interpreter print there ("Fatal Python error"
    and its stack) never reaches the user's terminal; the parent logs it at
    DEBUG level.
    """
    import threading

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    signal.signal(signal.SIGTERM, _stop)
    lock = threading.Lock()  # log records may come from OCR's threads

    def send(message: tuple[Any, ...]) -> None:
        with lock:
            conn.send(message)

    try:
        import resource  # POSIX; parse_pdf(limits=None) is the way where it is missing

        # A process group of its own, which tesseract joins: the parent stops them all.
        # (Its output goes to a pipe and it never reads the terminal, so being in a
        # background group costs nothing.)
        with contextlib.suppress(OSError):
            os.setpgid(0, 0)

        sys.stdout.flush()
        sys.stderr.flush()
        os.dup2(output.fileno(), 1)
        os.dup2(output.fileno(), 2)
        if limits.max_memory_mib is not None:
            _set_rlimit(resource.RLIMIT_AS, limits.max_memory_mib * MiB)
        _set_rlimit(resource.RLIMIT_CORE, 0)
        if limits.timeout_s is not None:  # a backstop, should the parent vanish
            most = limits.timeout_s + limits.ocr_s_per_page * limits.max_pages
            _set_rlimit(resource.RLIMIT_CPU, 2 * math.ceil(most) + 10)
        os.environ.clear()
        os.environ.update(env)
        with contextlib.suppress(OSError):
            os.chdir(cwd)
        root = logging.getLogger()
        for handler in list(root.handlers):
            root.removeHandler(handler)
        forward = _Forward(send)
        root.addHandler(forward)
        for logger_name, level in levels.items():
            logging.getLogger(logger_name or None).setLevel(level)
        logging.captureWarnings(True)
        _NOTIFY.set(send)
        try:
            outcome: tuple[Any, ...] = ("ok", func(*args))
        except MemoryError:
            outcome = ("raise", "exc", limit_error(
                N_("{file}: reading it needs more memory than the cap of {mib} MiB"), "memory",
                file=name, mib=limits.max_memory_mib))
        except FormkitError as exc:
            outcome = ("raise", *_exception_message(exc))
        except BaseException as exc:  # noqa: BLE001 - a bug: the parent raises it
            outcome = _bug(exc)
        # The cap was on the parse. The answer must get through even when the parse left
        # the address space at its cap (freed memory is not always given back).
        with contextlib.suppress(Exception):
            resource.setrlimit(resource.RLIMIT_AS, (resource.getrlimit(resource.RLIMIT_AS)[1],) * 2)
        forward.dropped()
        try:
            send(outcome)
        except Exception as exc:  # noqa: BLE001 - e.g. a result that cannot be pickled
            send(_bug(exc))
    except BaseException as exc:  # noqa: BLE001 - the worker itself failed
        with contextlib.suppress(BaseException):
            send(_bug(exc))
    finally:
        with contextlib.suppress(BaseException):
            conn.close()
        with contextlib.suppress(BaseException):
            sys.stdout.flush()
            sys.stderr.flush()
        os._exit(0)


def _stop(signum: int, frame: Any) -> None:
    """SIGTERM from the parent at the time cap: unwind, which kills a running tesseract
    (``subprocess.run`` kills its child on any exception), then exit."""
    raise SystemExit(f"stopped by signal {signum}")


# ---------------------------------------------------------------- in the parent


def context(*, caller_main: bool = False) -> Any:
    """The multiprocessing context formkit's workers start from: the forkserver, with
    formkit's parse modules preloaded, whose children do not import the caller's
    ``__main__`` (:class:`_Popen`). ``caller_main``: they do (a batch renderer the
    caller defined in its script must be found there)."""
    import multiprocessing
    from multiprocessing import forkserver

    if START_METHOD not in multiprocessing.get_all_start_methods():  # pragma: no cover
        return multiprocessing.get_context("spawn")  # Windows: no forkserver
    ctx = multiprocessing.get_context(START_METHOD)
    server = getattr(forkserver, "_forkserver", None)
    if server is not None and getattr(server, "_forkserver_pid", None) is None:
        # Heard only before the server starts. Not "__main__": the caller's script is
        # not the server's business (and a heredoc or a notebook has none to import).
        modules = [m for m in getattr(server, "_preload_modules", []) if m != "__main__"]
        ctx.set_forkserver_preload(modules + [m for m in PRELOAD if m not in modules])
    return ctx if caller_main else _MAINLESS


if sys.platform != "win32":
    import io
    from multiprocessing import context as _mp_context
    from multiprocessing import forkserver as _mp_forkserver
    from multiprocessing import popen_forkserver as _mp_popen
    from multiprocessing import reduction as _mp_reduction
    from multiprocessing import spawn as _mp_spawn
    from multiprocessing import util as _mp_util

    class _Popen(_mp_popen.Popen):
        """multiprocessing's forkserver ``Popen``, launching a child that does not run
        the caller's ``__main__``.

        multiprocessing prepares every child it starts (but by ``fork``) by importing
        the parent's main module again, as ``__mp_main__``, so that a target defined
        there can be found. The worker's target is a formkit function, so that is never
        needed, and it is harmful: a script without an ``if __name__ == "__main__":``
        guard would run again in the worker (and start another parse), and a heredoc
        or a notebook has no main file to import. The preparation is sent without its
        ``init_main_from_*`` keys; the rest (``sys.path``, the working folder, the
        authkey) is kept. This is ``Popen._launch`` of CPython 3.11 to 3.13 with that
        one change.
        """

        def _launch(self, process_obj: Any) -> None:
            prep_data = _mp_spawn.get_preparation_data(process_obj._name)
            prep_data.pop("init_main_from_name", None)
            prep_data.pop("init_main_from_path", None)
            buf = io.BytesIO()
            _mp_context.set_spawning_popen(self)
            try:
                _mp_reduction.dump(prep_data, buf)
                _mp_reduction.dump(process_obj, buf)
            finally:
                _mp_context.set_spawning_popen(None)
            self.sentinel, w = _mp_forkserver.connect_to_new_process(
                self._fds)  # type: ignore[attr-defined]
            # As multiprocessing does: a duplicate of the data pipe's write end is the
            # child's sentinel of this process.
            parent_w = os.dup(w)
            self.finalizer = _mp_util.Finalize(
                self, _mp_util.close_fds, (parent_w, self.sentinel))  # type: ignore[attr-defined]
            with open(w, "wb", closefd=True) as f:
                f.write(buf.getbuffer())
            self.pid = _mp_forkserver.read_signed(self.sentinel)

    class _Worker(_mp_context.ForkServerProcess):
        @staticmethod
        def _Popen(process_obj: Any) -> Any:
            return _Popen(process_obj)

    class _MainlessContext(_mp_context.ForkServerContext):
        Process = _Worker

    _MAINLESS: Any = _MainlessContext()
else:  # pragma: no cover - Windows: spawn, which needs the caller's main module
    _MAINLESS = None


def _log_levels() -> dict[str, int]:
    levels = {"": logging.getLogger().getEffectiveLevel()}
    for logger_name, logger in logging.root.manager.loggerDict.items():
        if isinstance(logger, logging.Logger) and logger.level != logging.NOTSET:
            levels[logger_name] = logger.level
    return levels


def _relay(data: dict[str, Any]) -> None:
    logger = logging.getLogger(data["name"])
    if logger.isEnabledFor(data["levelno"]):
        logger.handle(logging.makeLogRecord(data))


def _rebuild(kind: str, body: Any) -> BaseException:
    """The worker's exception, as raised here: its own class and message."""
    if kind == "exc" and isinstance(body, BaseException):
        return body
    import importlib

    module, qualname, message, state = body
    try:
        cls: Any = importlib.import_module(module)
        for part in qualname.split("."):
            cls = getattr(cls, part)
    except (ImportError, AttributeError):
        cls = None
    if not (isinstance(cls, type) and issubclass(cls, FormkitError)):
        return WorkerError(N_("{kind}: {error}"), kind=qualname, error=message)
    exc = cls.__new__(cls)
    Exception.__init__(exc, message)
    with contextlib.suppress(Exception):
        exc.__dict__.update(state)
    return exc


class _Output:
    """The worker's standard output and error, read as they come (so that the pipe
    never fills and blocks it); the last MAX_OUTPUT_BYTES are kept."""

    MAX_OUTPUT_BYTES = 64 * 1024

    def __init__(self, conn: Any):
        self.conn, self.data, self.open = conn, bytearray(), True

    def read(self) -> None:
        try:
            chunk = os.read(self.conn.fileno(), 65536)
        except OSError:
            chunk = b""
        if not chunk:
            self.open = False
            return
        self.data += chunk
        del self.data[:-self.MAX_OUTPUT_BYTES]

    def drain(self) -> None:
        while self.open and self.conn.poll(0):
            self.read()

    def log(self, name: str) -> None:
        self.drain()
        if self.data:
            logging.getLogger("formkit").debug(
                "%s: the parse worker printed:\n%s", name,
                self.data.decode("utf-8", "replace").rstrip())


def _signal(proc: Any, sig: int) -> None:
    """``sig`` to the worker's process group (the worker and the tesseract it runs), or to
    the worker alone if it has no group yet."""
    try:
        os.killpg(proc.pid, sig)
    except ProcessLookupError:
        if proc.is_alive():
            with contextlib.suppress(OSError):
                os.kill(proc.pid, sig)
    except OSError:
        pass


def _end(proc: Any, *, answered: bool = False) -> None:
    """Stop the worker. One that answered is given a moment to exit by itself; else
    SIGTERM (it unwinds), then SIGKILL to its whole group."""
    if answered:
        proc.join(4 * KILL_GRACE_S)
        if not proc.is_alive():
            return
    if proc.is_alive():
        _signal(proc, signal.SIGTERM)
        proc.join(KILL_GRACE_S)
    _signal(proc, signal.SIGKILL)
    proc.join()


def run_bounded(func: Callable[..., Any], args: tuple[Any, ...], *, limits: Limits,
                name: str) -> Any:
    """``func(*args)`` in a worker process held to ``limits``; its result, or its
    exception raised here.

    ``func`` must be a module-level function and ``args`` picklable. The worker's
    :class:`FormkitError` is raised again with its class and message; time and
    memory over the caps raise :class:`LimitExceeded` naming ``name``; a bug in
    the worker raises :class:`WorkerError` with its traceback.
    """
    from multiprocessing.connection import wait

    ctx = context()
    receiver, sender = ctx.Pipe(duplex=False)
    out_r, out_w = ctx.Pipe(duplex=False)
    proc = ctx.Process(
        target=_child, name="formkit-parse", daemon=True,
        args=(sender, out_w, func, args, limits, name, dict(os.environ), os.getcwd(),
              _log_levels()),
    )
    started = time.monotonic()
    try:
        proc.start()
    except OSError as exc:
        for c in (receiver, sender, out_r, out_w):
            c.close()
        raise WorkerError(N_("{file}: cannot start a worker process to read it in: {error}"),
                          file=name, error=str(exc)) from exc
    sender.close()
    out_w.close()
    output = _Output(out_r)
    ocr_pages = 0
    outcome: tuple[Any, ...] | None = None
    try:
        while outcome is None:
            left = None
            if limits.timeout_s is not None:
                end = started + limits.timeout_s + limits.ocr_s_per_page * ocr_pages
                left = end - time.monotonic()
                if left <= 0:
                    _end(proc)
                    output.log(name)
                    raise _timed_out(name, limits, ocr_pages)
            ready = wait([receiver, proc.sentinel] + ([out_r] if output.open else []), left)
            if out_r in ready:
                output.read()
            if receiver in ready:
                try:
                    message = receiver.recv()
                except (EOFError, OSError):
                    break  # the worker is gone without an answer
                if message[0] == "log":
                    _relay(message[1])
                elif message[0] == "ocr":
                    ocr_pages = max(ocr_pages, min(int(message[1]), limits.max_pages))
                else:
                    outcome = message
            elif proc.sentinel in ready and not receiver.poll():
                break
    except BaseException:
        _end(proc)
        raise
    finally:
        receiver.close()
    _end(proc, answered=outcome is not None)
    output.log(name)
    out_r.close()
    if outcome is None:
        raise _died(proc.exitcode, limits, name)
    if outcome[0] == "ok":
        return outcome[1]
    if outcome[0] == "raise":
        raise _rebuild(outcome[1], outcome[2])
    _kind, type_name, message, trace = outcome
    raise WorkerError(N_("{file}: {kind}: {error}\n--- in the parse worker:\n{trace}"),
                      file=name, kind=type_name, error=message, trace=trace)


def call(func: Callable[..., Any], args: tuple[Any, ...], *, limits: Limits | None,
         name: str) -> Any:
    """``func(*args)`` in a worker held to ``limits`` (:func:`run_bounded`), or in this
    process when ``limits`` is None: the one place where the two ways part."""
    if limits is None:
        return func(*args)
    return run_bounded(func, args, limits=limits, name=name)


def _timed_out(name: str, limits: Limits, ocr_pages: int) -> LimitExceeded:
    if ocr_pages and limits.ocr_s_per_page:
        return limit_error(N_("{file}: not read within the time cap ({seconds:g} s + {per_page:g} "
                              "s for each of the {pages} page(s) of the scan)"), "time",
                           file=name, seconds=limits.timeout_s, per_page=limits.ocr_s_per_page,
                           pages=ocr_pages)
    return limit_error(N_("{file}: not read within the time cap ({seconds:g} s)"), "time",
                       file=name, seconds=limits.timeout_s)


def _died(code: int | None, limits: Limits, name: str) -> Exception:
    """What a worker that ended without an answer means."""
    if code is not None and code < 0:
        try:
            signame = signal.Signals(-code).name
        except ValueError:
            signame = f"signal {-code}"
        if -code == signal.SIGXCPU:
            return limit_error(N_("{file}: not read within the worker's cap on CPU time"),
                               "time", file=name)
        cap = (phrase(N_("the memory cap of {mib} MiB"), {"mib": limits.max_memory_mib})
               if limits.max_memory_mib is not None
               else phrase(N_("the memory the machine has")))
        return limit_error(N_("{file}: the worker reading it was stopped by {signal}; most "
                              "likely it needed more than {cap}"), "memory", file=name,
                           signal=signame, cap=cap)
    return WorkerError(N_("{file}: the parse worker ended (exit code {code}) without an answer"),
                       file=name, code=code)
