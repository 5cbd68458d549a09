"""The font of fillable fields: an embedded subset of Noto Sans CJK TC.

A field's font must (1) show Traditional Chinese in any reader, (2) let
filling tools draw the values they set (pdftk-java and pypdf write
appearance streams from the font's ToUnicode map and widths; pdftk cannot use
Adobe's non-embedded CJK fonts at all) and (3) keep the file small. WeasyPrint's
own form fields embed the whole 19 MB collection and map glyphs back to
Kangxi radicals (⼀ for 一), because the font's cmap reaches one glyph from
both code points.

So the fields get their own Type0 font: the glyphs of every character of
Big5 (cp950, the character set of Taiwan's forms: 13,000+ hanzi, punctuation,
full-width forms) plus ASCII, subset once with fontTools and cached, and a
ToUnicode map that always names the unified ideograph, never a radical or a
compatibility ideograph. Values outside this set still read back exactly
(parse uses the field value, not its drawing); only their drawing by a filling
tool may miss glyphs.
"""

from __future__ import annotations

import hashlib
import io
import json
from dataclasses import dataclass
from functools import cache
from typing import Any

from ..errors import EnvironmentProblem
from ..i18n import N_
from ..resources import cache_dir
from .fonts import FontFace, faces

CACHE_VERSION = "3"
FAMILY = "Noto Sans CJK TC"
# Radicals and compatibility ideographs share glyphs with unified ideographs;
# text must extract as the unified ones.
_AVOID = ((0x2E80, 0x2FDF), (0xF900, 0xFAFF), (0x2F800, 0x2FA1F))


@dataclass(frozen=True)
class FieldFont:
    name: str  # PostScript name with a subset tag
    program: bytes  # an OpenType font: CFF (CID-keyed) or TrueType outlines
    kind: str  # "cff" or "truetype"
    to_unicode: dict[int, int]  # code (CID or glyph id) → code point
    widths: dict[int, int]  # code → advance in 1/1000 em
    bbox: tuple[int, int, int, int]
    ascent: int
    descent: int
    registry: tuple[str, str, int]


def _charset() -> set[int]:
    chars = set(range(0x20, 0x7F)) | {0x3000}
    for b1 in range(0x81, 0xFF):
        for b2 in (*range(0x40, 0x7F), *range(0xA1, 0xFF)):
            try:
                chars.add(ord(bytes((b1, b2)).decode("cp950")))
            except UnicodeDecodeError:
                continue
    return chars


def _avoided(cp: int) -> bool:
    return any(lo <= cp <= hi for lo, hi in _AVOID)


def _face() -> FontFace:
    for face in faces():
        if face.family in (FAMILY, "formkit-user-font"):
            return face
    return faces()[0]


def _key(face: FontFace) -> str:
    stat = face.path.stat()
    raw = f"{CACHE_VERSION}|{face.path}|{face.index}|{stat.st_size}|{stat.st_mtime_ns}"
    return hashlib.sha256(raw.encode()).hexdigest()[:16]


@cache
def field_font() -> FieldFont:
    """The subset font for form fields, built on first use and cached on disk."""
    face = _face()
    key = _key(face)
    folder = cache_dir()
    meta_path, program_path = folder / f"fieldfont-{key}.json", folder / f"fieldfont-{key}.bin"
    try:
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        return _from_meta(meta, program_path.read_bytes())
    except (OSError, ValueError, KeyError):
        pass
    font, meta = _build(face)
    try:
        from ..records import write_atomic

        folder.mkdir(parents=True, exist_ok=True)
        for stale in folder.glob("fieldfont-*"):
            if key not in stale.name:
                stale.unlink(missing_ok=True)
        write_atomic(program_path, font.program)
        write_atomic(meta_path, json.dumps(meta).encode())
    except OSError:
        pass  # an unwritable cache only costs the build next time
    return font


def _from_meta(meta: dict[str, Any], program: bytes) -> FieldFont:
    if hashlib.sha256(program).hexdigest() != meta["sha256"]:
        raise ValueError("cached font program does not match its digest")
    return FieldFont(
        name=meta["name"], program=program, kind=meta["kind"],
        to_unicode={int(k): v for k, v in meta["to_unicode"].items()},
        widths={int(k): v for k, v in meta["widths"].items()},
        bbox=tuple(meta["bbox"]), ascent=meta["ascent"], descent=meta["descent"],
        registry=tuple(meta["registry"]),
    )


def _build(face: FontFace) -> tuple[FieldFont, dict[str, Any]]:
    from fontTools import subset
    from fontTools.ttLib import TTFont

    try:
        font = TTFont(str(face.path), fontNumber=face.index, lazy=False)
    except Exception as exc:  # fontTools raises many types on a bad file
        raise EnvironmentProblem(N_("{file}: cannot read the font ({error})"),
                                 file=str(face.path), error=str(exc)) from exc
    cmap = font.getBestCmap() or {}
    wanted = {c for c in _charset() if c in cmap}
    options = subset.Options()
    options.layout_features = []
    options.name_IDs = [1, 2, 6]
    options.hinting = False
    options.notdef_outline = True
    # Keep glyph ids: in Noto CJK a glyph's id is its CID, and some filling tools
    # (pypdf) encode by glyph id where the PDF means CIDs. Empty slots cost little.
    options.retain_gids = True
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=wanted)
    subsetter.subset(font)
    buf = io.BytesIO()
    font.save(buf)
    font = TTFont(io.BytesIO(buf.getvalue()))
    upem = font["head"].unitsPerEm
    order = font.getGlyphOrder()
    cff = "CFF " in font
    if cff:
        top = font["CFF "].cff.topDictIndex[0]
        if not hasattr(top, "ROS"):
            raise EnvironmentProblem(N_("{file}: a CFF font that is not CID-keyed cannot be a "
                                        "field font"), file=str(face.path))
        code_of = {name: (0 if name == ".notdef" else int(name[3:])) for name in order
                   if name == ".notdef" or name.startswith("cid")}
        if any(code_of.get(name) != gid for gid, name in enumerate(order)):
            raise EnvironmentProblem(
                N_("{file}: glyph ids and CIDs differ in this font; set FORMKIT_FONT to a "
                   "TrueType font or install fonts-noto-cjk"), file=str(face.path))
        program = buf.getvalue()  # embedded whole, as FontFile3 /OpenType
        registry = (str(top.ROS[0]), str(top.ROS[1]), int(top.ROS[2]))
    else:
        code_of = {name: gid for gid, name in enumerate(order)}
        program = buf.getvalue()
        registry = ("Adobe", "Identity", 0)
    to_unicode: dict[int, int] = {}
    for cp, name in sorted(font.getBestCmap().items(), key=lambda it: (_avoided(it[0]), it[0])):
        to_unicode.setdefault(code_of[name], cp)
    hmtx = font["hmtx"]
    used = {code_of[name] for name in font.getBestCmap().values()}
    widths = {code_of[name]: round(hmtx[name][0] * 1000 / upem) for name in order
              if code_of[name] in used}
    head = font["head"]
    scale = 1000 / upem
    ps_name = font["name"].getDebugName(6) or "NotoSansCJKtc-Regular"
    meta = {
        "name": f"FKFLDS+{ps_name}",
        "kind": "cff" if cff else "truetype",
        "to_unicode": to_unicode,
        "widths": widths,
        "bbox": [round(v * scale) for v in (head.xMin, head.yMin, head.xMax, head.yMax)],
        "ascent": round(font["hhea"].ascent * scale),
        "descent": round(font["hhea"].descent * scale),
        "registry": list(registry),
        "sha256": hashlib.sha256(program).hexdigest(),
    }
    return _from_meta(json.loads(json.dumps(meta)), program), meta


def _to_unicode_cmap(mapping: dict[int, int]) -> bytes:
    lines = [
        "/CIDInit /ProcSet findresource begin", "12 dict begin", "begincmap",
        "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def",
        "/CMapName /Adobe-Identity-UCS def", "/CMapType 2 def",
        "1 begincodespacerange", "<0000> <FFFF>", "endcodespacerange",
    ]
    items = sorted(mapping.items())
    for start in range(0, len(items), 100):
        chunk = items[start:start + 100]
        lines.append(f"{len(chunk)} beginbfchar")
        for code, cp in chunk:
            lines.append(f"<{code:04X}> <{chr(cp).encode('utf-16-be').hex().upper()}>")
        lines.append("endbfchar")
    lines += ["endcmap", "CMapName currentdict /CMap defineresource pop", "end", "end"]
    return "\n".join(lines).encode("ascii")


def _widths_array(widths: dict[int, int], default: int) -> list[int | list[int]]:
    """The /W array: runs of consecutive codes whose width is not the default."""
    out: list[int | list[int]] = []
    run: list[int] = []
    start = prev = -2
    for code in sorted(c for c, w in widths.items() if w != default):
        if code != prev + 1 and run:
            out += [start, run]
            run = []
        if not run:
            start = code
        run.append(widths[code])
        prev = code
    if run:
        out += [start, run]
    return out


def pdf_font(writer: Any) -> Any:
    """The field font as a Type0 font dictionary added to a pypdf writer (its reference)."""
    from pypdf.generic import (
        ArrayObject,
        DecodedStreamObject,
        DictionaryObject,
        NameObject,
        NumberObject,
        TextStringObject,
    )

    font = field_font()

    def stream(data: bytes, extra: dict[str, Any] | None = None) -> Any:
        s = DecodedStreamObject()
        s.set_data(data)
        for k, v in (extra or {}).items():
            s[NameObject(k)] = v
        return writer._add_object(s.flate_encode())

    def numbers(values: Any) -> Any:
        return ArrayObject(
            ArrayObject(NumberObject(x) for x in v) if isinstance(v, list) else NumberObject(v)
            for v in values
        )

    if font.kind == "cff":
        file_key, program = "/FontFile3", stream(font.program, {"/Subtype": NameObject("/OpenType")})
        subtype = "/CIDFontType0"
    else:
        file_key, program = "/FontFile2", stream(font.program, {"/Length1": NumberObject(len(font.program))})
        subtype = "/CIDFontType2"
    descriptor = DictionaryObject({
        NameObject("/Type"): NameObject("/FontDescriptor"),
        NameObject("/FontName"): NameObject("/" + font.name),
        NameObject("/Flags"): NumberObject(4),
        NameObject("/FontBBox"): numbers(font.bbox),
        NameObject("/ItalicAngle"): NumberObject(0),
        NameObject("/Ascent"): NumberObject(font.ascent),
        NameObject("/Descent"): NumberObject(font.descent),
        NameObject("/CapHeight"): NumberObject(font.ascent),
        NameObject("/StemV"): NumberObject(80),
        NameObject(file_key): program,
    })
    cid = DictionaryObject({
        NameObject("/Type"): NameObject("/Font"),
        NameObject("/Subtype"): NameObject(subtype),
        NameObject("/BaseFont"): NameObject("/" + font.name),
        NameObject("/CIDSystemInfo"): DictionaryObject({
            NameObject("/Registry"): TextStringObject(font.registry[0]),
            NameObject("/Ordering"): TextStringObject(font.registry[1]),
            NameObject("/Supplement"): NumberObject(font.registry[2]),
        }),
        NameObject("/FontDescriptor"): writer._add_object(descriptor),
        NameObject("/DW"): NumberObject(1000),
        NameObject("/W"): numbers(_widths_array(font.widths, 1000)),
    })
    if font.kind == "truetype":
        cid[NameObject("/CIDToGIDMap")] = NameObject("/Identity")
    type0 = DictionaryObject({
        NameObject("/Type"): NameObject("/Font"),
        NameObject("/Subtype"): NameObject("/Type0"),
        NameObject("/BaseFont"): NameObject("/" + font.name),
        NameObject("/Encoding"): NameObject("/Identity-H"),
        NameObject("/DescendantFonts"): ArrayObject([writer._add_object(cid)]),
        NameObject("/ToUnicode"): stream(_to_unicode_cmap(font.to_unicode)),
    })
    return writer._add_object(type0)
