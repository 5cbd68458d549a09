"""Reading records from files or stdin, and writing outputs atomically."""

from __future__ import annotations

import json
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

from .errors import InputError, MalformedJSONError

MAX_RECORD_BYTES = 20 * 1024 * 1024


def read_json(source: str | os.PathLike[str]) -> Any:
    """Parse JSON from a path, or from stdin when the path is ``-``.

    Errors name the file, line and column.
    """
    name = str(source)
    if name == "-":
        text = sys.stdin.read()
        name = "<stdin>"
    else:
        path = Path(source)
        if not path.exists():
            raise InputError(f"{name}: no such file")
        if path.is_dir():
            raise InputError(f"{name}: is a directory, not a JSON file")
        if path.stat().st_size > MAX_RECORD_BYTES:
            raise InputError(f"{name}: larger than {MAX_RECORD_BYTES // 2**20} MiB")
        try:
            raw = path.read_bytes()
        except OSError as exc:
            raise InputError(f"{name}: cannot read: {exc.strerror}") from exc
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise InputError(f"{name}: not UTF-8 text (byte {exc.start})") from exc
    return parse_json(text, name)


def _no_constant(word: str) -> Any:
    raise InputError(f"{word} is not a JSON value")


def parse_json(text: str, name: str = "<input>") -> Any:
    """Strict JSON: Python's ``NaN``/``Infinity`` extension is refused.

    A NaN amount would pass the schema, break rendering and could not be written
    back as JSON.
    """
    try:
        return json.loads(text, parse_constant=_no_constant)
    except InputError as exc:
        raise InputError(f"{name}: {exc}") from None
    except json.JSONDecodeError as exc:
        raise MalformedJSONError(name, exc.lineno, exc.colno, exc.msg) from exc
    except RecursionError as exc:
        raise InputError(f"{name}: JSON nested too deeply") from exc


def read_record(source: str | os.PathLike[str]) -> dict[str, Any]:
    data = read_json(source)
    if not isinstance(data, dict):
        kind = type(data).__name__
        raise InputError(f"{source}: a record must be a JSON object, not {kind}")
    return data


def canonical_json(data: Any) -> bytes:
    """Sorted keys, no spaces, UTF-8: the form the embedded sha256 is taken over."""
    text = json.dumps(
        data, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    )
    return text.encode("utf-8")


def write_atomic(path: str | os.PathLike[str], data: bytes) -> None:
    """Write to a temporary file beside the target, then rename it into place."""
    target = Path(path)
    directory = target.parent if str(target.parent) else Path(".")
    if not directory.is_dir():
        raise InputError(f"{target}: folder {directory} does not exist")
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=directory)
    try:
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
    try:
        return target.stat().st_mode & 0o7777
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask
