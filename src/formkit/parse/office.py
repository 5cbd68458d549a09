"""Reading office documents (DOCX, ODT) back: the package opened with caps, its text as the
text route's :class:`~formkit.parse.text.Unit` rows, and formkit's own record inside it.

A DOCX or ODT is a zip of XML parts, sent by a stranger. Before anything is
inflated, the zip's member count (``Limits.max_zip_entries``) and the sizes its
members declare (``Limits.max_zip_bytes`` all together, ``max_stream_bytes``
each) are checked; a member never inflates past what it declares (``zipfile``
stops there and checks the CRC). Only the parts needed are read: the main
document, and the record formkit wrote. Every XML part is parsed by lxml with
entities left unresolved, no network and no DTD; a part that declares a
DOCTYPE is refused. Relationships and ``xlink:href`` links are never followed:
the main document is found from the package's own relationship, which must point
inside the package.

The document model is the map, as for a PDF's text layer: the blank DOCX is
drawn cell for cell from it (:mod:`formkit.render.docx`), so a table row of the
document is a row of cell texts (a vertically merged cell only in its first row)
and a paragraph outside tables is a line. :func:`formkit.parse.text.read_text`
reads those rows, anchored on the form's labels, as it reads a PDF's.

A DOCX formkit fills carries its record as a custom XML part
(``customXml/itemN.xml``, root ``<formkit xmlns="urn:formkit:record">`` holding
the JSON of a PDF's ``formkit.json``); an ODT carries ``formkit.json`` at the
package root (listed in ``META-INF/manifest.xml``).
"""

from __future__ import annotations

import io
import posixpath
import re
import zipfile
import zlib
from dataclasses import dataclass
from typing import Any

from ..errors import InputError, NotAFormPDFError
from ..findings import Finding
from ..i18n import N_
from ..limits import Limits, check_record
from .text import Unit
from .worker import limit_error, size_text

DOCX, ODT = "docx", "odt"
RECORD_NS = "urn:formkit:record"
ODT_RECORD = "formkit.json"
ODT_MIME = b"application/vnd.oasis.opendocument.text"
_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
_PKG_RELS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_OFFICE_DOCUMENT = "/officeDocument"
_TEXT = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}"
_TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
_OFFICE = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}"
# The word joiner formkit's DOCX glues tick options with: no text layer shows it.
_JOINER = "\u2060"
_DOCTYPE = re.compile(rb"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)


def office_kind(pkg: Package) -> str | None:
    """``docx`` or ``odt`` for a package that is one (by its parts, not its name), else None.

    An ODT's first member is ``mimetype`` holding the ODF text type; a DOCX has
    ``word/document.xml``, or a main document named by ``_rels/.rels`` with
    Word's parts beside it.
    """
    names = pkg.names()
    if names and names[0] == "mimetype" or "mimetype" in names and "content.xml" in names:
        info = pkg.infos["mimetype"]
        if info.file_size <= 200:
            return ODT if pkg.read("mimetype").strip() == ODT_MIME else None
        return None
    if "word/document.xml" in names or "_rels/.rels" in names and any(
            n.startswith("word/") for n in names):
        return DOCX
    return None


class Package:
    """An office document's zip, opened with its caps checked; parts read on demand."""

    def __init__(self, data: bytes, name: str, limits: Limits):
        self.name, self.limits = name, limits
        try:
            self.zip = zipfile.ZipFile(io.BytesIO(data))
            infos = self.zip.infolist()
        except (zipfile.BadZipFile, zlib.error, OSError, ValueError, EOFError,
                NotImplementedError, RuntimeError) as exc:
            raise NotAFormPDFError(N_("{file}: not a readable office document ({error})"),
                                   file=name, error=str(exc)[:120]) from exc
        if len(infos) > limits.max_zip_entries:
            raise limit_error(N_("{file}: {count:,} members in its zip, more than the cap of "
                                 "{max:,}"), "entries", file=name, count=len(infos),
                              max=limits.max_zip_entries)
        total = sum(i.file_size for i in infos)
        if total > limits.max_zip_bytes:
            raise limit_error(N_("{file}: its zip members inflate to {size}, more than the cap "
                                 "of {max}"), "inflated", file=name, size=size_text(total),
                              max=size_text(limits.max_zip_bytes))
        self.infos = {i.filename: i for i in infos}
        if len(self.infos) < len(infos):  # which of the two an office suite shows is its own
            seen: set[str] = set()
            twice = ""
            for info in infos:
                if info.filename in seen:
                    twice = info.filename
                    break
                seen.add(info.filename)
            raise NotAFormPDFError(N_("{file}: its zip holds two members named {part}; which "
                                      "one an office suite shows cannot be told"),
                                   file=name, part=twice[:100])

    def has(self, part: str) -> bool:
        return part in self.infos

    def names(self) -> list[str]:
        return list(self.infos)

    def read(self, part: str) -> bytes:
        """A member's bytes, inflated no further than the cap on one stream."""
        info = self.infos[part]
        if info.flag_bits & 0x1:
            raise NotAFormPDFError(N_("{file}: its part {part} is encrypted; send an unencrypted "
                                      "copy"), file=self.name, part=part)
        cap = self.limits.max_stream_bytes
        if info.file_size > cap:
            raise limit_error(N_("{file}: its part {part} inflates to {size}, more than the cap "
                                 "on one stream of {max}"), "stream", file=self.name, part=part,
                              size=size_text(info.file_size), max=size_text(cap))
        try:
            with self.zip.open(info) as fh:
                data: bytes = fh.read(cap + 1)
        except (zipfile.BadZipFile, zlib.error, OSError, ValueError, EOFError,
                NotImplementedError, RuntimeError) as exc:
            # RuntimeError: an encrypted member; NotImplementedError: a compression zipfile
            # does not know
            raise NotAFormPDFError(N_("{file}: its part {part} cannot be read ({error})"),
                                   file=self.name, part=part, error=str(exc)[:120]) from exc
        if len(data) > cap:
            raise limit_error(N_("{file}: its part {part} inflates to more than the cap on one "
                                 "stream of {max}"), "stream", file=self.name, part=part,
                              max=size_text(cap))
        return data

    def xml(self, part: str) -> Any:
        """A part parsed as XML: no entities resolved, no network, no DTD; a DOCTYPE refused."""
        from lxml import etree

        data = self.read(part)
        head = data[:4096]
        if _DOCTYPE.search(data) or _DOCTYPE.search(_utf16_ascii(head)):
            raise NotAFormPDFError(N_("{file}: its part {part} declares a DOCTYPE or entities, "
                                      "which office documents do not need; refused"),
                                   file=self.name, part=part)
        parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                                 dtd_validation=False, huge_tree=False, remove_comments=True,
                                 remove_pis=True)
        try:
            root = etree.fromstring(data, parser)
        except etree.XMLSyntaxError as exc:
            raise NotAFormPDFError(N_("{file}: its part {part} is not well-formed XML ({error})"),
                                   file=self.name, part=part, error=str(exc)[:120]) from exc
        if root.getroottree().docinfo.doctype:
            raise NotAFormPDFError(N_("{file}: its part {part} declares a DOCTYPE or entities, "
                                      "which office documents do not need; refused"),
                                   file=self.name, part=part)
        return root


def _utf16_ascii(head: bytes) -> bytes:
    """The ASCII of a UTF-16 head (every other byte), where a DOCTYPE could hide."""
    if head[:2] in (b"\xff\xfe", b"<\x00"):
        return head[::2][1:] if head[:2] == b"\xff\xfe" else head[::2]
    if head[:2] in (b"\xfe\xff", b"\x00<"):
        return head[1::2]
    return b""


# -- where the document is ---------------------------------------------------------------


def _inside(name: str, part: str, target: str) -> str:
    """The part a relationship target names, which must be inside the package."""
    if re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:", target) or target.startswith("//") or \
            "\\" in target:
        raise NotAFormPDFError(N_("{file}: its main document is outside the package ({target}); "
                                  "formkit follows no link out of a document"),
                               file=name, target=target[:100])
    path = target.lstrip("/") if target.startswith("/") else posixpath.join(
        part.rpartition("_rels/")[0], target)
    resolved = posixpath.normpath(path)
    if resolved.startswith("../") or resolved == ".." or resolved.startswith("/"):
        raise NotAFormPDFError(N_("{file}: its main document is outside the package ({target}); "
                                  "formkit follows no link out of a document"),
                               file=name, target=target[:100])
    return resolved


def main_part(pkg: Package) -> str:
    """The DOCX's main document part, from ``_rels/.rels`` (never an external one)."""
    if pkg.has("_rels/.rels"):
        root = pkg.xml("_rels/.rels")
        for rel in root.iter(f"{_PKG_RELS}Relationship"):
            if not rel.get("Type", "").endswith(_OFFICE_DOCUMENT):
                continue
            if rel.get("TargetMode", "").lower() == "external":
                raise NotAFormPDFError(N_("{file}: its main document is outside the package "
                                          "({target}); formkit follows no link out of a "
                                          "document"), file=pkg.name,
                                       target=rel.get("Target", "")[:100])
            part = _inside(pkg.name, "_rels/.rels", rel.get("Target", ""))
            if pkg.has(part):
                return part
    if pkg.has("word/document.xml"):
        return "word/document.xml"
    raise NotAFormPDFError(N_("{file}: a zip, but no Word document in it"), file=pkg.name)


# -- the text, as the text route's units ---------------------------------------------------


def _docx_text(p: Any) -> str:
    """A paragraph's text: its runs, tabs and line breaks (a page break is no text)."""
    out: list[str] = []
    stack = [iter([p])]
    first = True
    while stack:
        el = next(stack[-1], None)
        if el is None:
            stack.pop()
            continue
        tag = el.tag if isinstance(el.tag, str) else ""
        if first:
            first = False
        elif tag in (f"{_W}p", f"{_W}tbl") or tag == _MC_FALLBACK:
            continue  # a text box's paragraphs, or the fallback copy of a drawing
        if tag == f"{_W}t":
            out.append(el.text or "")
        elif tag == f"{_W}tab":
            out.append("\t")
        elif tag == f"{_W}br":
            if el.get(f"{_W}type") not in ("page", "column"):
                out.append("\n")
        elif tag == f"{_W}cr":
            out.append("\n")
        elif tag == f"{_W}noBreakHyphen":
            out.append("-")
        elif tag in (f"{_W}delText", f"{_W}instrText"):
            continue
        if len(el):
            stack.append(iter(el))
    return "".join(out).replace(_JOINER, "")


@dataclass(frozen=True)
class _Dialect:
    """What the DOCX and the ODT reader differ in: tags, and how a paragraph's text is read."""

    paragraphs: tuple[str, ...]  # a paragraph (text:p and text:h in ODF)
    table: str
    rows: tuple[str, ...]  # what holds rows (the table itself, header rows...)
    row: str
    cell: str
    wrappers: tuple[str, ...]  # what holds paragraphs or tables without being one
    text: Any  # a paragraph's text

    def skipped(self, cell: Any) -> bool:
        """A cell not drawn in its row: a vertically merged cell's continuation (DOCX), a
        cell covered by a span (ODT, a separate tag)."""
        pr = cell.find(f"{_W}tcPr")
        merge = pr.find(f"{_W}vMerge") if pr is not None else None
        return merge is not None and merge.get(f"{_W}val") != "restart"


def _children(parent: Any, wanted: tuple[str, ...], wrappers: tuple[str, ...]) -> list[Any]:
    """The elements of ``wanted`` tags under ``parent``, looking through ``wrappers``."""
    out = []
    todo = list(parent)
    while todo:
        el = todo.pop(0)
        if el.tag in wanted:
            out.append(el)
        elif el.tag in wrappers:
            todo[:0] = list(el)
    return out


def _flow(parent: Any, d: _Dialect, units: list[Unit], depth: int = 0) -> None:
    """The units of a body (or of a cell that lays out tables): paragraphs as lines, table
    rows as rows of cell texts, in order."""
    for el in _children(parent, (*d.paragraphs, d.table), d.wrappers):
        if el.tag != d.table:
            text = d.text(el)
            if text.strip():
                units.append(Unit([text], False))
            continue
        rows = _children(el, (d.row,), d.rows)
        for row in rows:
            cells = [c for c in _children(row, (d.cell,), d.wrappers) if not d.skipped(c)]
            if depth < 8 and any(_children(c, (d.table,), d.wrappers) for c in cells):
                # a table that lays out tables (a signature grid beside its seal boxes): its
                # cells' paragraphs and tables, each in its own right
                for cell in cells:
                    _flow(cell, d, units, depth + 1)
                continue
            texts = ["\n".join(d.text(p) for p in _children(c, d.paragraphs, d.wrappers))
                     .strip("\n") for c in cells]
            if cells and (depth == 0 or any(t.strip() for t in texts)):
                units.append(Unit(texts, True))


_DOCX_WRAPPERS = (f"{_W}sdt", f"{_W}sdtContent", f"{_W}customXml", f"{_W}smartTag")
_DOCX = _Dialect((f"{_W}p",), f"{_W}tbl", (f"{_W}tbl", *_DOCX_WRAPPERS), f"{_W}tr", f"{_W}tc",
                 _DOCX_WRAPPERS, lambda p: _docx_text(p))


def docx_units(pkg: Package) -> list[Unit]:
    """The DOCX body's table rows and paragraphs, in order."""
    root = pkg.xml(main_part(pkg))
    body = root.find(f"{_W}body")
    if body is None:
        raise NotAFormPDFError(N_("{file}: a Word document without a body"), file=pkg.name)
    units: list[Unit] = []
    _flow(body, _DOCX, units)
    return units


def _odt_text(p: Any) -> str:
    out: list[str] = []

    def walk(el: Any) -> None:
        for child in el:
            tag = child.tag if isinstance(child.tag, str) else ""
            if tag == f"{_TEXT}s":
                out.append(" " * min(_count(child.get(f"{_TEXT}c")), 1000))
            elif tag == f"{_TEXT}tab":
                out.append("\t")
            elif tag == f"{_TEXT}line-break":
                out.append("\n")
            elif tag in (f"{_TEXT}note", f"{_OFFICE}annotation", f"{_TEXT}tracked-changes") or \
                    tag.startswith("{urn:oasis:names:tc:opendocument:xmlns:drawing:1.0}"):
                pass
            elif tag.startswith(_TEXT):
                out.append(child.text or "")
                walk(child)
            out.append(child.tail or "")

    out.append(p.text or "")
    walk(p)
    return "".join(out).replace(_JOINER, "")


def _count(value: str | None) -> int:
    try:
        return max(int(value or "1"), 0)
    except ValueError:
        return 1


_ODT_WRAPPERS = (f"{_TEXT}section", f"{_TEXT}list", f"{_TEXT}list-item", f"{_TEXT}list-header",
                 f"{_TEXT}soft-page-break")
_ODT_ROWS = (f"{_TABLE}table-header-rows", f"{_TABLE}table-rows", f"{_TABLE}table-row-group")
_ODT = _Dialect((f"{_TEXT}p", f"{_TEXT}h"), f"{_TABLE}table", _ODT_ROWS, f"{_TABLE}table-row",
                f"{_TABLE}table-cell", _ODT_WRAPPERS, lambda p: _odt_text(p))


def odt_units(pkg: Package) -> list[Unit]:
    """The ODT body's table rows and paragraphs, in order."""
    if not pkg.has("content.xml"):
        raise NotAFormPDFError(N_("{file}: an OpenDocument file without content.xml"),
                               file=pkg.name)
    root = pkg.xml("content.xml")
    body = root.find(f"{_OFFICE}body/{_OFFICE}text")
    if body is None:
        raise NotAFormPDFError(N_("{file}: not an OpenDocument text"), file=pkg.name)
    units: list[Unit] = []
    _flow(body, _ODT, units)
    return units


def units_of(pkg: Package, kind: str) -> tuple[list[Unit], str]:
    units = docx_units(pkg) if kind == DOCX else odt_units(pkg)
    return units, "\n".join("\n".join(u.cells) for u in units)


# -- the record formkit wrote --------------------------------------------------------------


@dataclass
class Embedded:
    payload: dict[str, Any]
    part: str


def record_of(pkg: Package, kind: str) -> Embedded | None:
    """formkit's record in the package (None when there is none); more than one is refused."""
    found: list[tuple[str, bytes]] = []
    if kind == DOCX:
        for part in pkg.names():
            if re.fullmatch(r"customXml/item\d+\.xml", part):
                root = pkg.xml(part)
                if root.tag == f"{{{RECORD_NS}}}formkit":
                    found.append((part, (root.text or "").encode("utf-8")))
    elif pkg.has(ODT_RECORD):
        found.append((ODT_RECORD, pkg.read(ODT_RECORD)))
    if not found:
        return None
    if len(found) > 1:
        raise NotAFormPDFError(N_("{file}: the document holds {count} formkit records; formkit "
                                  "writes one, so which is the record cannot be told"),
                               file=pkg.name, count=len(found))
    part, raw = found[0]
    return Embedded(_payload(raw, pkg.name, part), part)


def _payload(raw: bytes, name: str, part: str) -> dict[str, Any]:
    from ..errors import LimitExceeded, MalformedJSONError
    from ..records import parse_json

    try:
        payload = parse_json(raw, part)
    except MalformedJSONError as exc:
        raise NotAFormPDFError(N_("{file}: the embedded {name} is not valid JSON"), file=name,
                               name=part) from exc
    except InputError as exc:
        raise NotAFormPDFError(N_("{file}: {reason}"), file=name, reason=exc) from None
    if not isinstance(payload, dict) or not isinstance(payload.get("data"), dict):
        raise NotAFormPDFError(N_("{file}: the embedded {name} has no record"), file=name,
                               name=part)
    if not isinstance(payload.get("form"), str):
        raise NotAFormPDFError(N_("{file}: the embedded {name} names no form"), file=name,
                               name=part)
    try:
        check_record(payload["data"])
    except LimitExceeded as exc:
        raise NotAFormPDFError(N_("{file}: the embedded {name} is refused: {reason}"),
                               file=name, name=part, reason=exc) from exc
    return payload


# -- active content -------------------------------------------------------------------------

_MACROS = re.compile(r"(^|/)(vbaProject\.bin|vbaData\.xml)$|^(Basic|Scripts)/", re.IGNORECASE)
_OBJECTS = re.compile(r"(^|/)(activeX|embeddings)/|^Object \d+/", re.IGNORECASE)
_EXTERNAL_KINDS = ("/attachedTemplate", "/subDocument", "/oleObject", "/frame", "/image",
                   "/aFChunk", "/package", "/externalLinkPath")


def active_findings(pkg: Package, kind: str) -> list[Finding]:
    """A warning for macros, ActiveX controls or embedded objects, and links that an office
    suite would follow out of the document (a remote template, linked images or objects).
    formkit reads none of them and writes none."""
    from ..i18n import phrase

    kinds: list[str] = []
    names = pkg.names()
    if any(_MACROS.search(n) for n in names):
        kinds.append(N_("macros"))
    if any(_OBJECTS.search(n) for n in names):
        kinds.append(N_("ActiveX controls or embedded objects"))
    external = False
    if kind == DOCX:
        for name in names:
            if not name.endswith(".rels"):
                continue
            for rel in pkg.xml(name).iter(f"{_PKG_RELS}Relationship"):
                if rel.get("TargetMode", "").lower() == "external" and \
                        rel.get("Type", "").endswith(_EXTERNAL_KINDS):
                    external = True
    if external:
        kinds.append(N_("links to files outside the document"))
    if not kinds:
        return []
    return [Finding("office-active", "warning", "",
                    N_("the document holds active content ({what}); formkit never writes any: "
                       "do not open it in an office suite that runs it"),
                    citation="", params={"what": "、".join(phrase(k) for k in kinds)})]
