"""The fonts a rendered document uses, and the glyph check that forbids tofu.

Documents use Noto Serif/Sans CJK TC through fontconfig family names (the
.ttc's face 0 is Japanese, so files are never named in CSS), or a font file
set with ``FORMKIT_FONT``. Before anything is written, every character of the
record must have a glyph in one of these fonts.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from ..errors import EnvironmentProblem, MissingGlyphError

FAMILIES = ("Noto Serif CJK TC", "Noto Sans CJK TC")
INSTALL_HINT = (
    "no Traditional Chinese font found: install Debian's fonts-noto-cjk "
    "(apt-get install fonts-noto-cjk) or set FORMKIT_FONT to a .ttf/.otf file"
)
# Layout characters that are never drawn as glyphs.
_INVISIBLE = frozenset("\n\r\t")


@dataclass(frozen=True)
class FontFace:
    family: str
    path: Path
    index: int


def _fc_match(family: str) -> FontFace | None:
    if shutil.which("fc-match") is None:
        return None
    out = subprocess.run(
        ["fc-match", "-f", "%{family}|%{file}|%{index}", family],
        capture_output=True, text=True, timeout=20, check=False,
    ).stdout
    parts = out.split("|")
    if len(parts) != 3:
        return None
    found = parts[0].split(",")
    if family not in found:
        return None  # fontconfig substituted another family: the font is not installed
    return FontFace(family, Path(parts[1]), int(parts[2] or 0))


def user_font() -> FontFace | None:
    value = os.environ.get("FORMKIT_FONT")
    if not value:
        return None
    path = Path(value)
    if not path.is_file():
        raise EnvironmentProblem(f"FORMKIT_FONT={value}: no such font file")
    return FontFace("formkit-user-font", path, 0)


@cache
def faces() -> tuple[FontFace, ...]:
    """The faces in use, most preferred first; raises when none is installed."""
    found = [f for f in (_fc_match(name) for name in FAMILIES) if f is not None]
    extra = user_font()
    if extra:
        found.insert(0, extra)
    if not found:
        raise EnvironmentProblem(INSTALL_HINT)
    return tuple(found)


@cache
def _cmap(face: FontFace) -> frozenset[int]:
    """The code points a face maps, read by fontTools once and kept in formkit's cache folder."""
    import json

    from ..records import write_atomic
    from ..resources import cache_dir

    stat = face.path.stat()
    key = hashlib.sha256(
        f"{face.path}|{face.index}|{stat.st_size}|{stat.st_mtime_ns}".encode()).hexdigest()[:16]
    path = cache_dir() / f"coverage-{key}.json"
    try:
        ranges = json.loads(path.read_text(encoding="utf-8"))
        return frozenset(cp for first, last in ranges for cp in range(first, last + 1))
    except (OSError, ValueError, TypeError):
        pass
    from fontTools.ttLib import TTFont

    font = TTFont(str(face.path), fontNumber=face.index, lazy=True)
    try:
        covered = frozenset(font.getBestCmap() or {})
    finally:
        font.close()
    ranges: list[list[int]] = []
    for cp in sorted(covered):
        if ranges and ranges[-1][1] == cp - 1:
            ranges[-1][1] = cp
        else:
            ranges.append([cp, cp])
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(path, json.dumps(ranges).encode())
    except OSError:
        pass  # an unwritable cache only costs the reading next time
    return covered


@cache
def coverage() -> frozenset[int]:
    covered: set[int] = set()
    for face in faces():
        covered |= _cmap(face)
    return frozenset(covered)


def font_names() -> str:
    return ", ".join(f.family for f in faces())


def iter_strings(value: Any, path: str = "") -> Iterator[tuple[str, str]]:
    """Every (JSON pointer, string) of a record, keys of objects excluded."""
    if isinstance(value, str):
        yield path or "/", value
    elif isinstance(value, dict):
        for k, v in value.items():
            yield from iter_strings(v, f"{path}/{k}")
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from iter_strings(v, f"{path}/{i}")


def check_glyphs(texts: Iterator[tuple[str, str]]) -> None:
    """Raise MissingGlyphError for the first character no font in use can draw."""
    covered = coverage()
    for field, text in texts:
        for ch in text:
            if ch in _INVISIBLE:
                continue
            if ord(ch) not in covered:
                raise MissingGlyphError(ch, field, font_names())
