"""The record formkit embeds in its own PDFs (DESIGN §2.4), read back."""

from __future__ import annotations

import hashlib
import json
import unicodedata
from typing import Any

from ..errors import NotAFormPDFError
from ..i18n import N_
from ..limits import Limits
from ..records import canonical_json
from ..render.pdf import ATTACHMENT_NAME
from .worker import call, library_caps

_LIMITS = Limits()


def embedded_payload(reader: Any, source: str) -> dict[str, Any] | None:
    """The formkit.json payload of an open pypdf reader, or None when there is none."""
    from .pdfio import library_failure

    try:
        attachments = reader.attachments
        if ATTACHMENT_NAME not in attachments:
            return None
        raw = attachments[ATTACHMENT_NAME][0]
    except MemoryError:
        raise
    except Exception as exc:  # noqa: BLE001 - pypdf raises many types on broken name trees
        raise library_failure(source, exc, N_("unreadable attachment table")) from exc
    try:
        payload = json.loads(raw.decode("utf-8"))
    except RecursionError as exc:
        raise library_failure(source, exc) from exc
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise NotAFormPDFError(N_("{file}: the embedded {name} is not valid JSON"), file=source,
                               name=ATTACHMENT_NAME) from exc
    if not isinstance(payload, dict) or not isinstance(payload.get("data"), dict):
        raise NotAFormPDFError(N_("{file}: the embedded {name} has no record"), file=source,
                               name=ATTACHMENT_NAME)
    if not isinstance(payload.get("form"), str):
        raise NotAFormPDFError(N_("{file}: the embedded {name} names no form"), file=source,
                               name=ATTACHMENT_NAME)
    return payload


def digest_ok(payload: dict[str, Any]) -> bool:
    return hashlib.sha256(canonical_json(payload["data"])).hexdigest() == payload.get("sha256")


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
    from ..render.fonts import is_ignorable

    kept = "".join(ch for ch in text if not ch.isspace() and not is_ignorable(ord(ch)))
    return "".join(ch for ch in unicodedata.normalize("NFKC", kept) if not ch.isspace())


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
    from ..render.fonts import is_ignorable, same_glyph

    shared = same_glyph()  # U+00AD shares "-"'s glyph, but is drawn only at a line's end
    return _printable("".join(ch if is_ignorable(ord(ch)) else chr(shared.get(ord(ch), ord(ch)))
                              for ch in text))


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
    (:func:`_lossy`) is left out. A value with right-to-left letters (or bidi
    controls) is printed, and read back, in visual order, line by line: its
    characters are compared as a multiset, and the left-to-right letters, which
    keep their order on the page unless an explicit bidi control moves them, in
    order. Any other difference is an edit.
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
    if any(unicodedata.bidirectional(ch) in _EXPLICIT for ch in embedded):
        return True  # an override may reverse left-to-right text too

    def ltr(text: str) -> list[str]:
        return [ch for ch in text if unicodedata.bidirectional(ch) == "L"]

    return ltr(want) == ltr(got)
