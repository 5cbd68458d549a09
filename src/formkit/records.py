"""Reading records from files or stdin, and writing outputs atomically."""

from __future__ import annotations

import json
import math
import os
import re
import stat
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from . import limits
from .errors import InputError, MalformedJSONError, os_reason
from .i18n import N_, phrase

#: A record file, or stdin, larger than this is refused unread (exit 2).
MAX_RECORD_BYTES = limits.MAX_RECORD_BYTES
#: Digits in a JSON number (Python refuses int() past 4,300; money never needs 20).
MAX_NUMBER_DIGITS = 100
_SURROGATE = re.compile("[\ud800-\udfff]")


def read_json(source: str | os.PathLike[str]) -> Any:
    """Parse JSON from a path, or from stdin when the path is ``-``.

    Errors name the file, line and column.
    """
    name = str(source)
    if name == "-":
        name = "<stdin>"
        stream = getattr(sys.stdin, "buffer", sys.stdin)
        data = stream.read(MAX_RECORD_BYTES + 1)
        if len(data) > MAX_RECORD_BYTES:
            raise InputError(N_("{file}: larger than {mib} MiB"), file=name,
                             mib=MAX_RECORD_BYTES // 2**20)
        if isinstance(data, bytes):
            try:
                text = data.decode("utf-8-sig")
            except UnicodeDecodeError as exc:
                raise InputError(N_("{file}: not UTF-8 text (byte {byte})"), file=name,
                                 byte=exc.start) from exc
        else:
            text = data.removeprefix("\ufeff")
    else:
        path = Path(source)
        if not path.exists():
            raise InputError(N_("{file}: no such file"), file=name)
        if path.is_dir():
            raise InputError(N_("{file}: is a directory, not a JSON file"), file=name)
        if path.stat().st_size > MAX_RECORD_BYTES:
            raise InputError(N_("{file}: larger than {mib} MiB"), file=name,
                             mib=MAX_RECORD_BYTES // 2**20)
        try:
            with path.open("rb") as fh:  # the size a file reports may not be what it holds
                raw = fh.read(MAX_RECORD_BYTES + 1)  # (/dev/zero, a FIFO, a growing file)
        except OSError as exc:
            raise InputError(N_("{file}: cannot read: {reason}"), file=name,
                             reason=os_reason(exc)) from exc
        if len(raw) > MAX_RECORD_BYTES:
            raise InputError(N_("{file}: larger than {mib} MiB"), file=name,
                             mib=MAX_RECORD_BYTES // 2**20)
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise InputError(N_("{file}: not UTF-8 text (byte {byte})"), file=name,
                             byte=exc.start) from exc
    return parse_json(text, name)


def _no_constant(word: str) -> Any:
    raise InputError(N_("{word} is not a JSON value"), word=word)


def _int(digits: str) -> int:
    if len(digits) > MAX_NUMBER_DIGITS:
        raise InputError(N_("a number of {count:,} digits; at most {max} are read"),
                         count=len(digits), max=MAX_NUMBER_DIGITS)
    return int(digits)


def _float(digits: str) -> float:
    if len(digits) > MAX_NUMBER_DIGITS:
        raise InputError(N_("a number of {count:,} characters; at most {max} are read"),
                         count=len(digits), max=MAX_NUMBER_DIGITS)
    value = float(digits)
    if not math.isfinite(value):
        raise InputError(N_("{number} is beyond the range of a number"), number=digits)
    return value


def _lone_surrogate(data: Any) -> tuple[str, str] | None:
    """(pointer, character) of the first string or key holding half a UTF-16 surrogate pair."""
    from .pointers import escape

    stack: list[tuple[Any, str]] = [(data, "")]
    while stack:
        value, where = stack.pop()
        if isinstance(value, str):
            m = _SURROGATE.search(value)
            if m:
                return where or "/", m.group()
        elif isinstance(value, list):
            stack.extend((v, f"{where}/{i}") for i, v in reversed(list(enumerate(value))))
        elif isinstance(value, dict):
            for key, v in reversed(list(value.items())):
                m = _SURROGATE.search(key)
                if m:
                    return f"{where}/{escape(key)}", m.group()
                stack.append((v, f"{where}/{escape(key)}"))
    return None


def parse_json(text: str, name: str = "<input>") -> Any:
    """Strict JSON: Python's ``NaN``/``Infinity`` extension is refused.

    A NaN amount would pass the schema, break rendering and could not be written
    back as JSON. So are numbers too long to be amounts (``1e400`` would be
    read as infinity, an integer of 5,000 digits makes Python's ``int()``
    raise) and lone UTF-16 surrogates (``"\\ud800"``), which are not characters
    and cannot be written as UTF-8; the message names the field.
    """
    try:
        data = json.loads(text, parse_constant=_no_constant, parse_int=_int,
                          parse_float=_float)
    except InputError as exc:
        raise InputError(N_("{file}: {reason}"), file=name, reason=exc) from None
    except json.JSONDecodeError as exc:
        raise MalformedJSONError(name, exc.lineno, exc.colno, exc.msg) from exc
    except RecursionError as exc:
        raise InputError(N_("{file}: JSON nested too deeply"), file=name) from exc
    bad = _lone_surrogate(data)
    if bad is not None:
        where, char = bad
        where = where.encode("utf-8", "backslashreplace").decode("utf-8")  # a key may hold it
        raise InputError(N_("{file}: {field}: \\u{code} is half of a UTF-16 surrogate pair, "
                            "not a character"), file=name, field=where, code=f"{ord(char):04x}")
    return data


# Python's names of the JSON kinds (English messages name them so), translatable.
_KINDS = {"dict": N_("dict"), "list": N_("list"), "str": N_("str"), "int": N_("int"),
          "float": N_("float"), "bool": N_("bool"), "NoneType": N_("NoneType")}


def json_kind(value: Any) -> str:
    """The kind of a JSON value as a message parameter: ``list`` (陣列), ``str`` (字串)..."""
    name = type(value).__name__
    return phrase(_KINDS[name]) if name in _KINDS else name


def read_record(source: str | os.PathLike[str]) -> dict[str, Any]:
    data = read_json(source)
    if not isinstance(data, dict):
        raise InputError(N_("{file}: a record must be a JSON object, not {kind}"),
                         file="<stdin>" if str(source) == "-" else str(source),
                         kind=json_kind(data))
    return data


def canonical_json(data: Any) -> bytes:
    """Sorted keys, no spaces, UTF-8: the form the embedded sha256 is taken over."""
    text = json.dumps(
        data, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    )
    return text.encode("utf-8")


#: A temporary file of write_atomic this old, and not locked by its writer, was left by
#: a process that died (SIGKILL, power loss): the next write of the same target removes it.
STALE_SECONDS = 10.0


def _lock(fd: int) -> None:
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows
        return
    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)


def remove_stale_temp_files(target: str | os.PathLike[str]) -> list[str]:
    """Remove the temporary files a killed writer of ``target`` left; return their names.

    Only ``.NAME.XXXXXXXX.part`` files of this target, older than
    ``STALE_SECONDS`` and not locked: a live writer holds an exclusive lock on its
    temporary file until the rename, and the lock dies with its process.
    """
    target = Path(target)
    directory = target.parent if str(target.parent) else Path(".")
    pattern = re.compile(rf"^\.{re.escape(target.name)}\.[a-z0-9_]{{8}}\.part$")
    removed: list[str] = []
    try:
        entries = list(os.scandir(directory))
    except OSError:
        return removed
    now = time.time()
    for entry in entries:
        if not pattern.match(entry.name):
            continue
        try:
            if now - entry.stat(follow_symlinks=False).st_mtime < STALE_SECONDS:
                continue
            fd = os.open(entry.path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
        except OSError:
            continue
        try:
            _lock(fd)
        except OSError:  # a live writer holds it
            os.close(fd)
            continue
        try:
            os.unlink(entry.path)
            removed.append(entry.name)
        except OSError:
            pass
        finally:
            os.close(fd)
    return removed


def write_atomic(path: str | os.PathLike[str], data: bytes) -> None:
    """Write to a temporary file beside the target, then rename it into place.

    The target is never half-written: it holds its old bytes until the rename,
    and the new ones after. A process killed before the rename leaves its
    temporary file ``.NAME.XXXXXXXX.part``; the next write of the same target
    removes it (:func:`remove_stale_temp_files`).
    """
    target = Path(path)
    if target.is_symlink():  # replace the file the link points to; the link stays
        target = Path(os.path.realpath(target))
    try:
        kind = target.stat().st_mode
    except OSError:
        kind = None
    if kind is not None and stat.S_ISDIR(kind):
        raise InputError(N_("{file}: is a folder, not a file"), file=str(target))
    if kind is not None and not stat.S_ISREG(kind):  # a device or a FIFO: written to, as is
        try:
            with target.open("wb") as fh:
                fh.write(data)
        except OSError as exc:
            raise InputError(N_("{file}: cannot be written ({reason})"), file=str(target),
                             reason=exc.strerror or str(exc)) from exc
        return
    directory = target.parent if str(target.parent) else Path(".")
    if not directory.is_dir():
        raise InputError(N_("{file}: folder {folder} does not exist"), file=str(target),
                         folder=str(directory))
    remove_stale_temp_files(target)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=directory)
    try:
        _lock(fd)
        with os.fdopen(fd, "wb") as fh:
            # mkstemp makes the file 0600; give it the mode a plain open() would
            # have (or keep the mode of the file it replaces).
            os.chmod(fh.fileno(), _mode_for(target))
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise


def _mode_for(target: Path) -> int:
    # The permission bits of the file replaced, never its setuid, setgid or sticky bit.
    try:
        return target.stat().st_mode & 0o777
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask
