"""Two changes to how WeasyPrint 70 writes fonts into a PDF: smaller and faster.

WeasyPrint subsets a font keeping every glyph slot below the highest glyph
used ("retain gids"), because its page content addresses glyphs by their id in
the original font. For a CJK font with 65,000 glyphs that leaves tens of
thousands of empty slots in every subset: about 150 KB of a 5-page form. It
also copies the whole font file (a 19 MB .ttc) into Python for every font of
every document, only to subset it from HarfBuzz's own copy.

For CID-keyed CFF fonts (Noto Sans/Serif CJK, and any OpenType CJK font with a
CID-keyed CFF table), formkit instead embeds a bare CFF subset
(``FontFile3 /CIDFontType0C``) holding only the glyphs used. Its charset keeps
each glyph's CID, and the page content's codes are CIDs, so no page content
changes: viewers map CID to glyph through the charset. HarfBuzz subsets
without retaining ids; fontTools then confirms, glyph by glyph, that every
code on the pages is the CID of the glyph it names. Any font that does not
pass (TrueType, bitmap, colour, variable, fonts with missing glyphs, CID≠GID)
is written by WeasyPrint's own code, unchanged.

WeasyPrint is held to its 70 series (pyproject.toml); :func:`install` does nothing on
another, so output stays correct, only larger.
"""

from __future__ import annotations

import io
import logging
import threading
from math import ceil
from typing import Any

log = logging.getLogger("formkit")

WEASYPRINT_SERIES = "70."  # the internals replaced here are WeasyPrint 70's
_installed = False
enabled = True  # tests compare with WeasyPrint's own writer by setting this to False
# Tables that never matter for a CFF subset embedded in a PDF.
_DROP = (b"BASE", b"DSIG", b"EBDT", b"EBLC", b"EBSC", b"GDEF", b"GPOS", b"GSUB", b"JSTF",
         b"LTSH", b"PCLT", b"SVG ", b"VORG", b"vhea", b"vmtx", b"kern", b"name", b"post")


def install() -> bool:
    """Use the compact font writer from now on; False when WeasyPrint is not of the 70 series."""
    global _installed
    if _installed:
        return True
    import weasyprint
    import weasyprint.pdf as wp_pdf
    import weasyprint.pdf.fonts as wp_fonts

    if not weasyprint.__version__.startswith(WEASYPRINT_SERIES):
        log.debug("WeasyPrint %s is not %sx: fonts are written by WeasyPrint itself",
                  weasyprint.__version__, WEASYPRINT_SERIES)
        return False
    from weasyprint.text.ffi import ffi

    original_data = wp_fonts.get_hb_object_data
    original_face = wp_fonts.get_pango_font_hb_face
    original_build = wp_pdf.build_fonts_dictionary
    # The Pango face ``Font.__init__`` has just asked for, whose file it reads next. Only
    # that one read is deferred: an address kept any longer may be a freed face's, reused
    # by another face (a subset HarfBuzz made), whose data must be read at once.
    just_asked = threading.local()

    def pango_face(pango_font: Any) -> Any:
        face = original_face(pango_font)
        just_asked.face = int(ffi.cast("uintptr_t", face))
        return face

    def font_header(hb_object: Any, ot_color: Any = None, glyph: Any = None) -> Any:
        """The file of the Pango face just asked for, unread (its sfnt tag only); anything
        else as WeasyPrint reads it."""
        asked, just_asked.face = getattr(just_asked, "face", None), None
        if (ot_color is None and glyph is None
                and int(ffi.cast("uintptr_t", hb_object)) == asked):
            return _Unread(hb_object, original_data)
        return original_data(hb_object, ot_color, glyph)

    def build_fonts_dictionary(pdf: Any, fonts: dict[Any, Any], compress: bool, subset: bool,
                               options: dict[str, Any]) -> Any:
        return _build_fonts(pdf, fonts, compress, subset, options, original_build)

    wp_fonts.get_pango_font_hb_face = pango_face
    wp_fonts.get_hb_object_data = font_header
    wp_pdf.build_fonts_dictionary = build_fonts_dictionary
    _installed = True
    return True


class _Unread(bytes):
    """A font file not read yet: its first four bytes, and how to read the rest."""

    reader: Any
    hb_face: Any

    def __new__(cls, hb_face: Any, reader: Any) -> _Unread:
        from weasyprint.text.ffi import ffi, harfbuzz

        blob = harfbuzz.hb_face_reference_blob(hb_face)
        try:
            with ffi.new("unsigned int *") as length:
                data = harfbuzz.hb_blob_get_data(blob, length)
                head = b"" if data == ffi.NULL else ffi.unpack(data, min(4, int(length[0])))
        finally:
            harfbuzz.hb_blob_destroy(blob)
        self = super().__new__(cls, head)
        self.hb_face, self.reader = hb_face, reader
        return self

    def read(self) -> bytes:
        data: bytes = self.reader(self.hb_face)
        return data


def _materialise(font: Any) -> None:
    if isinstance(font.file_content, _Unread):
        font.file_content = font.file_content.read()


def _build_fonts(pdf: Any, fonts: dict[Any, Any], compress: bool, subset: bool,
                 options: dict[str, Any], original_build: Any) -> Any:
    import pydyf

    by_hash: dict[str, list[Any]] = {}
    for font in fonts.values():
        by_hash.setdefault(font.hash, []).append(font)
    compact: dict[str, tuple[list[Any], bytes]] = {}
    for file_hash, group in by_hash.items():
        cff = _compact_cff(group, subset, options) if enabled else None
        if cff is not None:
            compact[file_hash] = (group, cff)
    rest = {key: font for key, font in fonts.items() if font.hash not in compact}
    for font in rest.values():
        _materialise(font)
    pdf_fonts = original_build(pdf, rest, compress, subset, options) if rest else pydyf.Dictionary()
    for group, cff in compact.values():
        stream = pydyf.Stream([cff], pydyf.Dictionary({"Subtype": "/CIDFontType0C"}),
                              compress=compress)
        pdf.add_object(stream)
        for font in group:
            pdf_fonts[font.hash] = _font_dictionary(pdf, font, stream.reference, compress,
                                                    options["pdf_version"])
    return pdf_fonts


def _compact_cff(group: list[Any], subset: bool, options: dict[str, Any]) -> bytes | None:
    """The bare CFF of the glyphs the pages use, or None to leave the font to WeasyPrint."""
    font = group[0]
    if not subset or "CFF " not in font.tables or "fvar" in font.tables:
        return None
    if font.bitmap or font.png or font.svg or font.colr:
        return None
    if any(f.used_in_forms or f.missing for f in group):
        return None
    if not _cid_is_gid(font):
        return None
    used = sorted({gid for f in group for gid in f.to_unicode} | {0})
    return _harfbuzz_cff(font.hb_face, used, hinting=options["hinting"])


_IDENTITY: dict[int, bool] = {}


def _cid_is_gid(font: Any) -> bool:
    """True when the face's CFF is CID-keyed and every glyph's CID is its glyph id.

    Checked once per face (about 70 ms for a CJK face) and kept on disk. HarfBuzz
    keeps each glyph's CID when it subsets, so the pages' codes (glyph ids)
    then name the right glyphs in the compact subset.
    """
    from weasyprint.text.ffi import ffi

    key = int(ffi.cast("uintptr_t", font.hb_face))
    if key not in _IDENTITY:
        _IDENTITY[key] = _cached_identity(font)
    return _IDENTITY[key]


def _cached_identity(font: Any) -> bool:
    """The charset check, kept on disk under a digest of the face's ``head`` table."""
    import hashlib
    import json

    from weasyprint.text.ffi import ffi, harfbuzz

    from ..records import write_atomic
    from ..resources import cache_dir

    blob = harfbuzz.hb_face_reference_table(font.hb_face, harfbuzz.hb_tag_from_string(b"head", -1))
    try:
        with ffi.new("unsigned int *") as length:
            data = harfbuzz.hb_blob_get_data(blob, length)
            head = b"" if data == ffi.NULL else ffi.unpack(data, int(length[0]))
    finally:
        harfbuzz.hb_blob_destroy(blob)
    digest = hashlib.sha256(head + f"|{font.index}|{font.glyph_count}".encode()).hexdigest()
    path = cache_dir() / f"cid-identity-{digest[:16]}.json"
    try:
        return bool(json.loads(path.read_text(encoding="utf-8"))["identity"])
    except (OSError, ValueError, KeyError, TypeError):
        pass
    identity = _charset_is_identity(font)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(path, json.dumps({"identity": identity, "family": font.family}).encode())
    except OSError:
        pass  # an unwritable cache only costs the check next time
    return identity


def _charset_is_identity(font: Any) -> bool:
    from fontTools.ttLib import TTFont

    data = font.file_content
    data = data.read() if isinstance(data, _Unread) else data
    try:
        top = TTFont(io.BytesIO(data), fontNumber=font.index, lazy=True)["CFF "]
        top = top.cff.topDictIndex[0]
        return hasattr(top, "ROS") and all(
            name == f"cid{gid:05d}" for gid, name in enumerate(top.charset) if gid)
    except Exception:  # noqa: BLE001 - any doubt leaves the font to WeasyPrint
        log.debug("CFF charset of %s not understood", font.family, exc_info=True)
        return False


def _harfbuzz_cff(hb_face: Any, gids: list[int], *, hinting: bool) -> bytes | None:
    from weasyprint.text.ffi import ffi, harfbuzz, harfbuzz_subset

    if not harfbuzz_subset or not harfbuzz.hb_version_atleast(4, 1, 0):
        return None
    subset_input = ffi.gc(harfbuzz_subset.hb_subset_input_create_or_fail(),
                          harfbuzz_subset.hb_subset_input_destroy)
    if subset_input == ffi.NULL:
        return None
    glyphs = harfbuzz_subset.hb_subset_input_glyph_set(subset_input)
    harfbuzz.hb_set_add_sorted_array(glyphs, ffi.new(f"hb_codepoint_t[{len(gids)}]", gids),
                                     len(gids))
    flags = harfbuzz_subset.HB_SUBSET_FLAGS_DESUBROUTINIZE
    if not hinting:
        flags |= harfbuzz_subset.HB_SUBSET_FLAGS_NO_HINTING
    harfbuzz_subset.hb_subset_input_set_flags(subset_input, flags)
    drop = sorted(harfbuzz.hb_tag_from_string(tag, -1) for tag in _DROP)
    harfbuzz.hb_set_add_sorted_array(
        harfbuzz_subset.hb_subset_input_set(subset_input,
                                            harfbuzz_subset.HB_SUBSET_SETS_DROP_TABLE_TAG),
        ffi.new(f"hb_codepoint_t[{len(drop)}]", drop), len(drop))
    face = ffi.gc(harfbuzz_subset.hb_subset_or_fail(hb_face, subset_input),
                  harfbuzz.hb_face_destroy)
    if face == ffi.NULL:
        return None
    blob = harfbuzz.hb_face_reference_table(face, harfbuzz.hb_tag_from_string(b"CFF ", -1))
    try:
        with ffi.new("unsigned int *") as length:
            data = harfbuzz.hb_blob_get_data(blob, length)
            return None if data == ffi.NULL or not length[0] else ffi.unpack(data, int(length[0]))
    finally:
        harfbuzz.hb_blob_destroy(blob)


def _font_dictionary(pdf: Any, font: Any, font_file: Any, compress: bool,
                     pdf_version: Any) -> Any:
    """Type0 font over a CIDFontType0 whose program is the compact CFF.

    The same dictionaries WeasyPrint writes for an OpenType font, but with
    ``FontFile3 /CIDFontType0C`` and no CIDToGIDMap (which only TrueType uses).
    """
    import pydyf

    widths = font.widths
    max_x = max(widths.values()) if widths else 0
    bbox = (0, font.descent, max_x, font.ascent)
    flags = font.flags
    if len(widths) > 1 and len(set(widths.values())) == 1:
        flags += 1  # FixedPitch
    descriptor = pydyf.Dictionary({
        "Type": "/FontDescriptor",
        "FontName": font.name,
        "FontFamily": pydyf.String(font.family),
        "Flags": flags,
        "FontBBox": pydyf.Array(bbox),
        "ItalicAngle": font.italic_angle,
        "Ascent": font.ascent,
        "Descent": font.descent,
        "CapHeight": bbox[3],
        "StemV": font.stemv,
        "StemH": font.stemh,
        "FontFile3": font_file,
    })
    if str(pdf_version) <= "1.4":  # PDF/A-1 wants the CIDSet
        cids = sorted(widths)
        size = ceil((cids[-1] + 1) / 8)
        bits = bytearray(size)
        for cid in cids:
            bits[cid // 8] |= 0x80 >> (cid % 8)
        cidset = pydyf.Stream((bytes(bits),), compress=compress)
        pdf.add_object(cidset)
        descriptor["CIDSet"] = cidset.reference
    pdf.add_object(descriptor)
    w = pydyf.Array()
    run: Any = None
    for cid in sorted(widths):
        if cid - 1 not in widths:
            run = pydyf.Array()
            w.extend((cid, run))
        run.append(widths[cid])
    cid_font = pydyf.Dictionary({
        "Type": "/Font",
        "Subtype": "/CIDFontType0",
        "BaseFont": font.name,
        "CIDSystemInfo": pydyf.Dictionary({
            "Registry": pydyf.String("Adobe"),
            "Ordering": pydyf.String("Identity"),
            "Supplement": 0,
        }),
        "W": w,
        "FontDescriptor": descriptor.reference,
    })
    pdf.add_object(cid_font)
    to_unicode = _to_unicode(font.to_unicode, compress)
    pdf.add_object(to_unicode)
    type0 = pydyf.Dictionary({
        "Type": "/Font",
        "Subtype": "/Type0",
        "BaseFont": font.name,
        "Encoding": "/Identity-H",
        "DescendantFonts": pydyf.Array([cid_font.reference]),
        "ToUnicode": to_unicode.reference,
    })
    pdf.add_object(type0)
    return type0.reference


def _to_unicode(mapping: dict[int, str], compress: bool) -> Any:
    import pydyf

    lines = [
        b"/CIDInit /ProcSet findresource begin", b"12 dict begin", b"begincmap",
        b"/CIDSystemInfo", b"<< /Registry (Adobe)", b"/Ordering (UCS)", b"/Supplement 0",
        b">> def", b"/CMapName /Adobe-Identity-UCS def", b"/CMapType 2 def",
        b"1 begincodespacerange", b"<0000> <ffff>", b"endcodespacerange",
    ]
    items = sorted(mapping.items())
    for start in range(0, len(items), 100):
        chunk = items[start:start + 100]
        lines.append(f"{len(chunk)} beginbfchar".encode())
        lines.extend(f"<{cid:04x}> <{text.encode('utf-16-be').hex()}>".encode()
                     for cid, text in chunk)
        lines.append(b"endbfchar")
    lines += [b"endcmap", b"CMapName currentdict /CMap defineresource pop", b"end", b"end"]
    return pydyf.Stream(lines, compress=compress)
