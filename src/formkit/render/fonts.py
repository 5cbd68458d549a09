"""The fonts a rendered document uses, and the glyph check that forbids tofu.

Documents use Noto Serif/Sans CJK TC through fontconfig family names (the
.ttc's face 0 is Japanese, so files are never named in CSS), or a font file
set with ``FORMKIT_FONT``. After them comes an explicit chain of fallback
families, the same in form.css's ``font-family`` lists and here, so that the
glyph check says exactly what Pango will draw: Pango takes each character from
the first family of the list that has it. Before anything is written, every
character of the record must have a glyph in one of these fonts.

What the check refuses, and why (none of it is ever dropped silently):

- a character no font in the chain has (:class:`MissingGlyphError`);
- a control character (C0 but TAB, LF and CR; DEL; C1): fonts that map one
  map it to an empty glyph, so it would vanish from the page
  (:class:`RecordError`; DOCX refuses the C0 ones too);
- a lone surrogate: not a character, and not encodable as UTF-8, so neither
  the page nor the embedded formkit.json could hold it (:class:`RecordError`).

Private-use code points are never taken from a fallback font: a PUA code means
whatever its sender agreed on (Taiwan's household registers have their own),
so another font's glyph there would print the wrong character.
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

from ..errors import EnvironmentProblem, MissingGlyphError, RecordError
from ..i18n import N_

# The Traditional Chinese faces: the documents' own; one of them is required.
CJK_FAMILIES = ("Noto Serif CJK TC", "Noto Sans CJK TC")
# What Pango falls back to, in this order, after the CJK faces (form.css lists
# the same chain after its first family). Each is optional: a character only a
# missing family has is refused, naming the character.
FALLBACK_FAMILIES = (
    "HanaMinB",            # CJK Ext. B to F: rare characters of names (fonts-hanazono)
    "Noto Sans Arabic",    # right-to-left scripts (fonts-noto-core)
    "Noto Sans Hebrew",
    "DejaVu Sans",         # combining marks, Latin, Greek, Cyrillic, symbols (fonts-dejavu-core)
    "Noto Sans Symbols2",  # symbols, control pictures, some emoji (fonts-noto-core)
    "Symbola",             # emoji to Unicode 9 with skin tones, monochrome (fonts-symbola)
    "HanaMinA",            # CJK compatibility ideographs supplement (fonts-hanazono)
)
FAMILIES = CJK_FAMILIES + FALLBACK_FAMILIES
INSTALL_HINT = N_(
    "no Traditional Chinese font found: install Debian's fonts-noto-cjk "
    "(apt-get install fonts-noto-cjk) or set FORMKIT_FONT to a .ttf/.otf file"
)
# Layout characters that are never drawn as glyphs.
_INVISIBLE = frozenset("\n\r\t")
# Default-ignorable code points (Unicode's DerivedCoreProperties, the ranges
# HarfBuzz hides): joiners, variation selectors, bidi marks and the like. They
# have no glyph of their own: HarfBuzz draws nothing for them, whichever font
# is in use, and they stay in the text. Hangul fillers are left out: HarfBuzz
# draws those.
_IGNORABLE = (
    (0x00AD, 0x00AD), (0x034F, 0x034F), (0x061C, 0x061C), (0x17B4, 0x17B5),
    (0x180B, 0x180F), (0x200B, 0x200F), (0x202A, 0x202E), (0x2060, 0x206F),
    (0xFE00, 0xFE0F), (0xFEFF, 0xFEFF), (0xFFF0, 0xFFF8), (0x1BCA0, 0x1BCA3),
    (0x1D173, 0x1D17A), (0xE0000, 0xE0FFF),
)


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
        raise EnvironmentProblem(N_("FORMKIT_FONT={value}: no such font file"), value=value)
    return FontFace("formkit-user-font", path, 0)


@cache
def faces() -> tuple[FontFace, ...]:
    """The faces in use, most preferred first; raises when no CJK face is installed.

    The CJK faces (or ``FORMKIT_FONT``) come first, then the fallback families
    that are installed, in the order of :data:`FALLBACK_FAMILIES`.
    """
    found = [f for f in (_fc_match(name) for name in CJK_FAMILIES) if f is not None]
    extra = user_font()
    if extra:
        found.insert(0, extra)
    if not found:
        raise EnvironmentProblem(INSTALL_HINT)
    found += [f for f in (_fc_match(name) for name in FALLBACK_FAMILIES) if f is not None]
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
    spans: list[list[int]] = []
    for cp in sorted(covered):
        if spans and spans[-1][1] == cp - 1:
            spans[-1][1] = cp
        else:
            spans.append([cp, cp])
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(path, json.dumps(spans).encode())
    except OSError:
        pass  # an unwritable cache only costs the reading next time
    return covered


def is_private_use(cp: int) -> bool:
    return 0xE000 <= cp <= 0xF8FF or cp >= 0xF0000


def is_control(cp: int) -> bool:
    """C0 but TAB, LF and CR; DEL; C1: characters no page can show."""
    return (cp < 0x20 and cp not in (0x09, 0x0A, 0x0D)) or 0x7F <= cp <= 0x9F


def is_surrogate(cp: int) -> bool:
    return 0xD800 <= cp <= 0xDFFF


def is_ignorable(cp: int) -> bool:
    return any(first <= cp <= last for first, last in _IGNORABLE)


@cache
def coverage() -> frozenset[int]:
    """The code points some face of the chain draws (private use only from the CJK faces)."""
    covered: set[int] = set()
    for face in faces():
        cmap = _cmap(face)
        if face.family in FALLBACK_FAMILIES:
            cmap = frozenset(cp for cp in cmap if not is_private_use(cp))
        covered |= cmap
    return frozenset(cp for cp in covered if not is_control(cp) and not is_surrogate(cp))


@cache
def _shared(face: FontFace) -> tuple[tuple[int, ...], ...]:
    """Groups of code points a face draws with one glyph (``-``, U+00AD and U+2011 in Noto CJK)."""
    import json

    from ..records import write_atomic
    from ..resources import cache_dir

    stat = face.path.stat()
    key = hashlib.sha256(
        f"{face.path}|{face.index}|{stat.st_size}|{stat.st_mtime_ns}".encode()).hexdigest()[:16]
    path = cache_dir() / f"shared-{key}.json"
    try:
        return tuple(tuple(int(cp) for cp in group)
                     for group in json.loads(path.read_text(encoding="utf-8")))
    except (OSError, ValueError, TypeError):
        pass
    from fontTools.ttLib import TTFont

    font = TTFont(str(face.path), fontNumber=face.index, lazy=True)
    try:
        by_glyph: dict[str, list[int]] = {}
        for cp, glyph in (font.getBestCmap() or {}).items():
            by_glyph.setdefault(glyph, []).append(cp)
    finally:
        font.close()
    groups = tuple(sorted(tuple(sorted(g)) for g in by_glyph.values() if len(g) > 1))
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(path, json.dumps(groups).encode())
    except OSError:
        pass
    return groups


@cache
def same_glyph() -> dict[int, int]:
    """Code point → the smallest code point the page draws with the same glyph.

    Only code points that share their glyph (in the face of the chain that
    draws them) are keys. A PDF's text layer maps a glyph to one text, so the
    page cannot tell them apart: what is read back is any one of them.
    """
    cmaps = [(face, _cmap(face)) for face in faces()]

    def drawn_by(cp: int) -> FontFace | None:
        for face, cmap in cmaps:
            if cp in cmap and not (face.family in FALLBACK_FAMILIES and is_private_use(cp)):
                return face
        return None

    out: dict[int, int] = {}
    for face, _ in cmaps:
        for group in _shared(face):
            members = [cp for cp in group if drawn_by(cp) == face]
            if len(members) > 1:
                out.update((cp, members[0]) for cp in members)
    return out


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
    """Refuse the first character of the record that the page cannot show as given.

    Raises :class:`RecordError` for a control character or a lone surrogate,
    and :class:`MissingGlyphError` for a character no font in use can draw.
    """
    covered = coverage()
    for field, text in texts:
        for ch in text:
            cp = ord(ch)
            if cp in covered or ch in _INVISIBLE or is_ignorable(cp):
                continue
            if is_surrogate(cp):
                raise RecordError(
                    N_("field {field}: U+{code} is a lone surrogate, not a character; it cannot "
                       "be written as UTF-8, so neither the page nor the embedded data can hold "
                       "it. Fix the text where it was made (it is half of a broken character "
                       "pair)"), field=field, code=f"{cp:04X}")
            if is_control(cp):
                raise RecordError(
                    N_("field {field}: control character U+{code} cannot be drawn in a PDF; "
                       "remove it from the record"), field=field, code=f"{cp:04X}")
            raise MissingGlyphError(ch, field, font_names())
