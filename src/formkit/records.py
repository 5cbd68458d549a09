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
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")


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


class _Duplicate(Exception):
    def __init__(self, key: str):
        super().__init__(key)
        self.key = key


def _pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out = dict(pairs)
    if len(out) != len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise _Duplicate(key)
            seen.add(key)
    return out


_WS = re.compile(r"[ \t\n\r]*")


def _skip(text: str, pos: int) -> int:
    """Where the JSON whitespace at ``pos`` ends."""
    m = _WS.match(text, pos)
    return m.end() if m else pos


def _duplicate_at(text: str) -> tuple[str | InputError, int, str] | None:
    """(key, offset, pointer of its object) of the first duplicate key in JSON text, or
    (error, offset, pointer of the value) of the first value refused (NaN, 1e400...).

    A second scan, made only once a problem is known to be there: json's hooks are not
    told where in the text they are.
    """
    from json import decoder

    from .pointers import pointer

    scanstring: Any = decoder.scanstring  # type: ignore[attr-defined]  # not in typeshed
    reader = json.JSONDecoder(parse_constant=_no_constant, parse_int=_int, parse_float=_float)
    scan: Any = reader.scan_once  # type: ignore[attr-defined]  # not in typeshed
    # the objects and arrays being read: [path, keys seen (None for an array), item, key]
    stack: list[list[Any]] = []

    def member(pos: int) -> tuple[int, str | None]:
        """At a key of the innermost object: past its ':', or the duplicate key found."""
        top = stack[-1]
        key, end = scanstring(text, pos + 1, True)
        if key in top[1]:
            return pos, key
        top[1].add(key)
        top[3] = key
        return _skip(text, _skip(text, end) + 1), None

    pos = _skip(text, 0)
    while True:
        char = text[pos]  # at a value
        if char in "{[":
            where: list[Any] = []
            if stack:
                top = stack[-1]
                where = [*top[0], top[2] if top[1] is None else top[3]]
            stack.append([where, set() if char == "{" else None, 0, None])
            pos = _skip(text, pos + 1)
            if text[pos] not in "}]":
                if char == "{":
                    pos, dup = member(pos)
                    if dup is not None:
                        return dup, pos, pointer(*where)
                continue
            stack.pop()
            pos += 1
        else:
            try:
                pos = scan(text, pos)[1]
            except InputError as exc:
                here: list[Any] = []
                if stack:
                    last = stack[-1]
                    here = [*last[0], last[2] if last[1] is None else last[3]]
                return exc, pos, pointer(*here)
        while True:  # after a value: a comma, or the end of one or more containers
            pos = _skip(text, pos)
            if not stack:
                return None
            if text[pos] == ",":
                pos = _skip(text, pos + 1)
                stack[-1][2] += 1
                if stack[-1][1] is not None:
                    pos, dup = member(pos)
                    if dup is not None:
                        return dup, pos, pointer(*stack[-1][0])
                break
            stack.pop()
            pos += 1  # past '}' or ']'


def _duplicate_error(text: str, name: str, key: str) -> InputError:
    """The error for a duplicate key, naming its line when a second scan finds it."""
    try:
        found = _duplicate_at(text)
    except (ValueError, IndexError, RecursionError):  # noqa: S110 - told without the line
        found = None
    if found is None or not isinstance(found[0], str):
        return InputError(N_("{file}: duplicate key {key!r}; a key may appear once in an "
                             "object"), file=name,
                            key=key.encode("utf-8", "backslashreplace").decode("utf-8"))
    key, offset, where = found[0], found[1], found[2]
    line, column = _line_column(text, offset)
    return InputError(N_("{file}: duplicate key {key!r} at line {line}, column {column} (in "
                         "{field}); a key may appear once in an object"),
                      file=name, key=key.encode("utf-8", "backslashreplace").decode("utf-8"),
                      line=line, column=column,
                      field=(where or "/").encode("utf-8", "backslashreplace").decode("utf-8"))


def _line_column(text: str, offset: int) -> tuple[int, int]:
    return text.count("\n", 0, offset) + 1, offset - text.rfind("\n", 0, offset)


def _value_error(text: str, name: str, exc: InputError) -> InputError:
    """The error for a value refused (NaN, 1e400, 5,000 digits), naming its line and field
    when a second scan finds it."""
    try:
        found = _duplicate_at(text)
    except (ValueError, IndexError, RecursionError):  # noqa: S110 - told without the line
        found = None
    if found is not None and isinstance(found[0], str):  # a duplicate key comes first
        return _duplicate_error(text, name, found[0])
    if found is None:
        return InputError(N_("{file}: {reason}"), file=name, reason=exc)
    error, offset, where = found
    line, column = _line_column(text, offset)
    # The text stays "{file}: {reason}"; where the value is goes with it as details
    # (the CLI's --format json shows line, column and field).
    return InputError(N_("{file}: {reason}"), file=name, line=line, column=column,
                      reason=error,
                      field=(where or "/").encode("utf-8", "backslashreplace").decode("utf-8"))


def parse_json(text: str | bytes, name: str = "<input>") -> Any:
    """Strict JSON: Python's ``NaN``/``Infinity`` extension is refused.

    The one reader of JSON that formkit does not write itself (record files, stdin,
    the lines of a batch, the ``formkit.json`` embedded in a PDF): ``bytes`` are read
    as UTF-8 (a BOM is allowed). A key given twice in one object is refused, naming
    the key and its line (``json`` itself would keep the last silently).

    A NaN amount would pass the schema, break rendering and could not be written
    back as JSON. So are numbers too long to be amounts (``1e400`` would be
    read as infinity, an integer of 5,000 digits makes Python's ``int()``
    raise) and lone UTF-16 surrogates (``"\\ud800"``), which are not characters
    and cannot be written as UTF-8; the message names the field.
    """
    if isinstance(text, bytes | bytearray):
        try:
            text = bytes(text).decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise InputError(N_("{file}: not UTF-8 text (byte {byte})"), file=name,
                             byte=exc.start) from exc
    try:
        data = json.loads(text, parse_constant=_no_constant, parse_int=_int,
                          parse_float=_float, object_pairs_hook=_pairs)
    except _Duplicate as exc:
        raise _duplicate_error(text, name, exc.key) from None
    except InputError as exc:
        raise _value_error(text, name, exc) from None
    except json.JSONDecodeError as exc:
        raise MalformedJSONError(name, exc.lineno, exc.colno, exc.msg) from exc
    except RecursionError as exc:
        raise InputError(N_("{file}: JSON nested too deeply"), file=name) from exc
    # Only an escape (\ud800) or the character itself (text of the Python API) makes one.
    maybe = _SURROGATE_ESCAPE.search(text) or _SURROGATE.search(text)
    bad = _lone_surrogate(data) if maybe else None
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

    Only a regular file or a new name is written: a symbolic link, a device, a
    FIFO or a folder is refused (InputError), so that ``-o`` never replaces
    /dev/null nor writes where a link points. The file replaced keeps its
    permission bits, never its setuid, setgid or sticky bit.

    The target is never half-written: it holds its old bytes until the rename,
    and the new ones after. A process killed before the rename leaves its
    temporary file ``.NAME.XXXXXXXX.part``; the next write of the same target
    removes it (:func:`remove_stale_temp_files`).
    """
    target = check_output(path)
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
        os.replace(tmp, target)  # a link put there meanwhile is replaced, not followed
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise


def check_output(path: str | os.PathLike[str]) -> Path:
    """``path`` as a place :func:`write_atomic` writes: a regular file or a new name.

    Raises InputError for a folder, a symbolic link, a device, a FIFO or a socket.
    """
    target = Path(path)
    try:
        kind: int | None = target.lstat().st_mode  # the link itself, not where it points
    except OSError:
        kind = None
    if kind is not None and stat.S_ISDIR(kind):
        raise InputError(N_("{file}: is a folder, not a file"), file=str(target))
    if kind is not None and stat.S_ISLNK(kind):
        raise InputError(N_("{file}: is a symbolic link; formkit writes only over a regular "
                            "file or to a new name (name the file it points to, or - for "
                            "standard output)"), file=str(target))
    if kind is not None and not stat.S_ISREG(kind):
        raise InputError(N_("{file}: is not a regular file (a device, FIFO or socket); formkit "
                            "writes only over a regular file or to a new name (- for standard "
                            "output)"), file=str(target))
    return target


def _mode_for(target: Path) -> int:
    # The permission bits of the file replaced, never its setuid, setgid or sticky bit.
    try:
        return target.stat().st_mode & 0o777
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask
