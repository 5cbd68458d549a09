"""The record formkit embeds in its own PDFs (DESIGN §2.4), read back."""

from __future__ import annotations

import hashlib
import unicodedata
from typing import Any

from ..errors import InputError, LimitExceeded, NotAFormPDFError
from ..i18n import N_
from ..limits import Limits, check_record
from ..records import canonical_json
from ..render.pdf import ATTACHMENT_NAME
from .worker import call, library_caps

_LIMITS = Limits()


def embedded_payload(reader: Any, source: str) -> dict[str, Any] | None:
    """The formkit.json payload of an open pypdf reader, or None when there is none."""
    from .pdfio import library_failure

    try:
        attachments = reader.attachments
        count = max(payload_count(reader, ATTACHMENT_NAME),
                    len(attachments.get(ATTACHMENT_NAME, ())))
        copies = attachments.get(ATTACHMENT_NAME) or []
    except MemoryError:
        raise
    except Exception as exc:  # noqa: BLE001 - pypdf raises many types on broken name trees
        raise library_failure(source, exc, N_("unreadable attachment table")) from exc
    if not copies and count <= 1:
        return None
    if count > 1 or len(copies) > 1:
        # Which one a reader takes is its own choice: the page may show one, the parse read another.
        raise NotAFormPDFError(N_("{file}: the PDF holds {count} attachments named {name}; "
                                  "formkit writes one, so which is the record cannot be told"),
                               file=source, count=max(count, len(copies)), name=ATTACHMENT_NAME)
    payload = _strict_json(copies[0], source)
    if not isinstance(payload, dict) or not isinstance(payload.get("data"), dict):
        raise NotAFormPDFError(N_("{file}: the embedded {name} has no record"), file=source,
                               name=ATTACHMENT_NAME)
    if not isinstance(payload.get("form"), str):
        raise NotAFormPDFError(N_("{file}: the embedded {name} names no form"), file=source,
                               name=ATTACHMENT_NAME)
    try:  # what formkit's renderers refuse (limits.py) it cannot have written
        check_record(payload["data"])
    except LimitExceeded as exc:
        raise NotAFormPDFError(N_("{file}: the embedded {name} is refused: {reason}"),
                               file=source, name=ATTACHMENT_NAME, reason=exc) from exc
    return payload


def _name(spec: Any) -> str:
    """The file name of a file specification."""
    try:
        spec = spec.get_object()
        if isinstance(spec, str):
            return str(spec)
        for key in ("/UF", "/F"):
            if key in spec:
                value = spec[key]
                return str(value.get_object() if hasattr(value, "get_object") else value)
    except (AttributeError, TypeError, KeyError):
        pass
    return ""


def _identity(obj: Any) -> Any:
    return ("ref", obj.idnum, obj.generation) if hasattr(obj, "idnum") else ("obj", id(obj))


def _tree_entries(node: Any, seen: set[Any], depth: int = 0) -> list[tuple[str, Any]]:
    """(name, value) of every entry of a name tree."""
    if node is None or depth > 32 or _identity(node) in seen:
        return []
    seen.add(_identity(node))
    node = node.get_object()
    out: list[tuple[str, Any]] = []
    names = node.get("/Names")
    if names is not None:
        names = names.get_object()
        for i in range(0, len(names) - 1, 2):
            out.append((str(names[i].get_object()), names[i + 1]))
    for kid in node.get("/Kids") or []:
        out.extend(_tree_entries(kid, seen, depth + 1))
    return out


def payload_count(reader: Any, attachment: str) -> int:
    """How many distinct file specifications named ``attachment`` the PDF holds: the
    embedded-files name tree, the ``/AF`` arrays and file attachment annotations."""
    root = reader.trailer["/Root"].get_object()
    specs: dict[Any, Any] = {}
    tree = (root.get("/Names") or {}).get("/EmbeddedFiles") if "/Names" in root else None
    for name, value in _tree_entries(tree, set()):
        if name == attachment or _name(value) == attachment:
            specs[_identity(value)] = value
    holders = [root, *(page for page in reader.pages)]
    for holder in holders:
        for spec in holder.get("/AF") or []:
            if _name(spec) == attachment:
                specs[_identity(spec)] = spec
    for page in reader.pages:
        for annot in page.get("/Annots") or []:
            a = annot.get_object()
            if a.get("/Subtype") == "/FileAttachment" and _name(a.get("/FS")) == attachment:
                specs[_identity(a["/FS"])] = a["/FS"]
    return len(specs)


def _strict_json(raw: bytes, source: str) -> Any:
    """The attachment as JSON, read as records are (:func:`formkit.records.parse_json`).

    Refused, naming the file and the problem: text that is not UTF-8 JSON, a
    key given twice in one object (which of the two a reader keeps is its own
    choice, so the page may show one and the data hold the other), NaN or
    Infinity, a number of more digits than an amount has, half a surrogate pair.
    """
    from ..errors import MalformedJSONError
    from ..records import parse_json

    try:
        return parse_json(raw, ATTACHMENT_NAME)
    except MalformedJSONError as exc:
        raise NotAFormPDFError(N_("{file}: the embedded {name} is not valid JSON"), file=source,
                               name=ATTACHMENT_NAME) from exc
    except InputError as exc:  # the message names formkit.json and the problem
        raise NotAFormPDFError(N_("{file}: {reason}"), file=source, reason=exc) from None


def digest_ok(payload: dict[str, Any]) -> bool:
    try:
        digest = hashlib.sha256(canonical_json(payload["data"])).hexdigest()
    except (ValueError, TypeError, UnicodeEncodeError):
        return False
    return digest == payload.get("sha256")


def read_embedded(path: Any, *, limits: Limits | None = _LIMITS) -> dict[str, Any] | None:
    """Open a PDF and return its formkit payload (None if it has none).

    Read in a worker held to ``limits``, as :func:`formkit.parse_pdf` reads;
    ``limits=None`` reads in this process.
    """
    from .pdfio import read_bytes

    caps = limits if limits is not None else _LIMITS
    data, name = read_bytes(path, caps.max_bytes)
    payload: dict[str, Any] | None = call(_payload_of, (data, name, caps), limits=limits,
                                          name=name)
    return payload


def _payload_of(data: bytes, name: str, limits: Limits) -> dict[str, Any] | None:
    from .pdfio import open_pdf

    with library_caps(limits, name):
        return embedded_payload(open_pdf(data, limits.max_pages, name=name), name)


# Bidi classes of explicit embeddings, overrides and isolates: with them, even
# left-to-right text may be printed in another order than it is stored.
_EXPLICIT = frozenset({"LRE", "LRO", "RLE", "RLO", "PDF", "LRI", "RLI", "FSI", "PDI"})
# Classes that make a page show characters in another order than the data's.
_REORDERING = _EXPLICIT | {"R", "AL"}


def _printable(text: str) -> str:
    """What a text layer gives back of ``text``: no spaces, no default-ignorables, NFKC.

    Spaces go first: a text layer may put one inside a run of combining marks,
    which would keep NFKC from ordering the whole run. (Comparison only: the
    record itself is never normalised.)
    """
    kept = text.translate(_DROPPED)
    return "".join(ch for ch in unicodedata.normalize("NFKC", kept) if not ch.isspace())


class _Table(dict[int, "str | None"]):
    """A ``str.translate`` table filled on first use of each code point (a page's text has
    few distinct ones; testing each character of a long value costs 30 µs)."""

    def __init__(self, decide: Any) -> None:
        super().__init__()
        self._decide = decide

    def __missing__(self, cp: int) -> str | None:
        value: str | None = self._decide(cp)
        self[cp] = value
        return value


def _dropped(cp: int) -> str | None:
    from ..render.fonts import is_ignorable

    return None if chr(cp).isspace() or is_ignorable(cp) else chr(cp)


def _glyph_of(cp: int) -> str:
    from ..render.fonts import is_ignorable, same_glyph

    # U+00AD shares "-"'s glyph, but is drawn only at a line's end
    return chr(cp) if is_ignorable(cp) else chr(same_glyph().get(cp, cp))


_DROPPED = _Table(_dropped)
_GLYPHS = _Table(_glyph_of)


def _modifier(ch: str) -> bool:
    """A variation selector or an emoji skin-tone modifier: part of the character before."""
    return ch in "\ufe0e\ufe0f" or 0x1F3FB <= ord(ch) <= 0x1F3FF


def _joined(text: str) -> set[str]:
    """The characters a zero-width joiner ties together (emoji ZWJ sequences)."""
    out: set[str] = set()
    for i, ch in enumerate(text):
        if ch != "\u200d":
            continue
        j = i - 1
        while j >= 0 and _modifier(text[j]):
            out.add(text[j])
            j -= 1
        if j >= 0:
            out.add(text[j])
        k = i + 1
        if k < len(text):
            out.add(text[k])
            k += 1
            while k < len(text) and _modifier(text[k]):
                out.add(text[k])
                k += 1
    out.discard("\u200d")
    return out


def _marked(text: str) -> set[str]:
    """Combining marks left after NFKC (no precomposed letter has them) and their letters.

    A mark after a space, an invisible code point or nothing has no letter.
    """
    from ..render.fonts import is_ignorable

    out: set[str] = set()
    base = ""
    for ch in unicodedata.normalize("NFKC", text):
        if unicodedata.category(ch)[0] != "M":
            base = "" if ch.isspace() or is_ignorable(ord(ch)) else ch
        else:
            out.update((ch, base) if base else (ch,))
    return out


def _lossy(embedded: str) -> set[str]:
    """What a text layer may not give back of ``embedded`` (after :func:`_printable`).

    WeasyPrint gives the text of a cluster drawn with several glyphs to one of
    them, and each glyph only the text of the first cluster it drew: the letter
    of a combining sequence no single glyph draws, a mark with no letter, the
    parts of an emoji ZWJ sequence no font joins may read back doubled, or not
    at all, though they are on the page. And the text reader takes ＿ at either
    end of a line for what is left of a blank's placeholder.
    """
    from .text import PLACEHOLDER

    out = _marked(embedded) | _joined(embedded)
    if any(line.strip().startswith(PLACEHOLDER) or line.strip().endswith(PLACEHOLDER)
           for line in embedded.splitlines()):
        out.add(PLACEHOLDER)
    return out


def _same_glyph(text: str) -> str:
    """``text`` with each code point that shares its glyph with others replaced by one of
    them, then as :func:`_printable` makes it."""
    return _printable(text.translate(_GLYPHS))


def _unmirrored(ch: str) -> str:
    """One character for both of a mirrored pair (``(`` and ``)``); others as they are."""
    if not unicodedata.mirrored(ch):
        return ch
    name = unicodedata.name(ch, "")
    for a, b in (("LEFT", "RIGHT"), ("LESS-THAN", "GREATER-THAN"), ("OPENING", "CLOSING")):
        if b in name:
            try:
                return min(ch, unicodedata.lookup(name.replace(b, a)))
            except KeyError:
                break
        if a in name:
            try:
                return min(ch, unicodedata.lookup(name.replace(a, b)))
            except KeyError:
                break
    return "\u21c6"  # some mirrored sign: which one cannot be told on the page


def same_as_printed(embedded: str, printed: str) -> bool:
    """Whether ``printed`` (read off the page) is what formkit prints for ``embedded``.

    The comparison is of what a page's text layer can give back. Spacing is not
    compared, nor default-ignorable code points (joiners, variation selectors,
    bidi marks), which have no glyph; code points a font draws with one glyph
    (``-`` and U+2011) count as one; what WeasyPrint's text layer may lose
    (:func:`_lossy`) is left out. A value with right-to-left letters is printed,
    and read back, in visual order, line by line: its characters are compared as
    a multiset, and the left-to-right letters in order, whatever explicit bidi
    controls the value holds (an override that reverses them shows the reader
    another value than the data's). Any other difference is an edit.
    """
    want, got = _printable(embedded), _printable(printed)
    if want == got:
        return True
    want, got = _same_glyph(embedded), _same_glyph(printed)
    if want == got:
        return True
    lossy = {ch for lost in _lossy(embedded) for ch in _same_glyph(lost)}
    if lossy:
        want = "".join(ch for ch in want if ch not in lossy)
        got = "".join(ch for ch in got if ch not in lossy)
        if want == got:
            return True
    if not any(unicodedata.bidirectional(ch) in _REORDERING for ch in embedded + printed):
        return False
    # In right-to-left text "（" is drawn with the glyph of "）", and read back so.
    if sorted(map(_unmirrored, want)) != sorted(map(_unmirrored, got)):
        return False
    # An explicit embedding, override or isolate relaxes nothing: whatever it does to the
    # order of right-to-left letters, the left-to-right ones must be printed in their order.
    # A value whose control reverses them (U+202E before "51號") is not what the page shows.

    def ltr(text: str) -> list[str]:
        return [ch for ch in text if unicodedata.bidirectional(ch) == "L"]

    return ltr(want) == ltr(got) and sorted(_numbers(want)) == sorted(_numbers(got))


def _numbers(text: str) -> list[str]:
    """The runs of digits of ``text``: each is printed left to right, wherever the run goes."""
    out: list[str] = []
    run = ""
    for ch in text:
        if unicodedata.bidirectional(ch) in ("EN", "AN"):
            run += ch
        elif run:
            out.append(run)
            run = ""
    return [*out, run] if run else out


def has_bidi_control(text: str) -> bool:
    """Whether ``text`` holds an explicit bidi embedding, override or isolate (U+202A–U+202E,
    U+2066–U+2069)."""
    return any(unicodedata.bidirectional(ch) in _EXPLICIT for ch in text)
