"""PDF output: WeasyPrint, PDF/A-3b, with the record embedded as formkit.json.

The embedded file follows DESIGN §2.4 (in the manner of Factur-X): an
attachment named ``formkit.json`` with AFRelationship ``Data`` holding
``{"formkit", "form", "data", "sha256", "draft"}``. ``sha256`` is taken over
the canonical JSON of ``data``.
"""

from __future__ import annotations

import gc
import hashlib
import io
import json
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from typing import Any

from ..engine import resolve
from ..errors import InputError, RenderError
from ..forms import Form
from ..i18n import N_, phrase
from ..records import canonical_json
from .fonts import check_glyphs, faces, iter_strings
from .html import Custom, custom_template, render_html, stylesheet

log = logging.getLogger("formkit")

ATTACHMENT_NAME = "formkit.json"


def payload(form: Form, record: dict[str, Any], draft: bool,
            worksheet: bool = False) -> dict[str, Any]:
    from .. import __version__
    from ..masking import is_redacted

    out = {
        "formkit": __version__,
        "form": form.id,
        "data": record,
        "sha256": hashlib.sha256(canonical_json(record)).hexdigest(),
        "draft": bool(draft),
    }
    if is_redacted(record):  # national IDs masked (formkit.redact): an extension of §2.4
        out["redacted"] = True
    if worksheet and form.meta.get("worksheet"):  # its pages follow the form's: an extension
        out["worksheet"] = True
    return out


_DATA_IMAGE_TYPES = {"image/png": "PNG", "image/jpeg": "JPEG", "image/gif": "GIF"}
_MAGIC = {"PNG": (b"\x89PNG\r\n\x1a\n",), "JPEG": (b"\xff\xd8\xff",),
          "GIF": (b"GIF87a", b"GIF89a")}


def shown_url(url: str, width: int = 100) -> str:
    """A URL for a message: quoted, and cut to ``width`` characters with its length."""
    if len(url) <= width:
        return repr(url)
    return f"{url[:width]!r}… ({len(url):,} characters)"


_FAILED = N_("PDF rendering failed: {error}")
_NOT_THAT_IMAGE = N_("a data: URL of type {mime} that does not hold a {kind} image")


def data_image(url: str) -> tuple[str, bytes]:
    """(media type, bytes) of a ``data:`` URL holding a small PNG, JPEG or GIF image.

    Decoded here, reading nothing else; anything else raises InputError (a
    ValueError) saying why.
    """
    import base64
    import binascii
    from urllib.parse import unquote_to_bytes

    from .. import limits

    header, comma, payload = url[5:].partition(",")
    if not comma:
        raise InputError(N_("a data: URL without data"))
    params = [p.strip().lower() for p in header.split(";")]
    mime = params[0] or "text/plain"
    kind = _DATA_IMAGE_TYPES.get(mime)
    if kind is None:
        raise InputError(N_("a data: URL of type {mime}; only PNG, JPEG and GIF images are read"),
                         mime=mime)
    cap = limits.DATA_IMAGE_BYTES
    if len(payload) > cap * 3:  # before decoding: base64 is 4/3, %XX is 3 times the bytes
        raise InputError(N_("a data: image over {kib} KiB, the cap"), kib=cap // 1024)
    raw = unquote_to_bytes(payload)
    if "base64" in params[1:]:
        try:
            raw = base64.b64decode(b"".join(raw.split()), validate=True)
        except (binascii.Error, ValueError):
            raise InputError(N_("a data: image whose base64 is not valid")) from None
    if len(raw) > cap:
        raise InputError(N_("a data: image of {size:,} bytes; the cap is {kib} KiB"),
                         size=len(raw), kib=cap // 1024)
    if not raw.startswith(_MAGIC[kind]):
        raise InputError(_NOT_THAT_IMAGE, mime=mime, kind=kind)
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(raw)) as image:  # reads the header only
            found, (width, height) = image.format, image.size
    except (UnidentifiedImageError, OSError, ValueError):
        raise InputError(_NOT_THAT_IMAGE, mime=mime, kind=kind) from None
    if found != kind:
        raise InputError(N_("a data: URL of type {mime} that holds a {found} image"), mime=mime,
                         found=found)
    if width * height > limits.DATA_IMAGE_PIXELS:
        raise InputError(N_("a data: image of {width}×{height} pixels; the cap is {max:,} pixels"),
                         width=width, height=height, max=limits.DATA_IMAGE_PIXELS)
    return mime, raw


def _fetcher() -> Any:
    """A URL fetcher that fetches nothing: every resource is inline.

    WeasyPrint's default fetcher reads file:// and makes network requests; a
    record, a user template or a stylesheet must not be able to make it do
    either. The only URLs answered are ``data:`` URLs of PNG, JPEG or GIF
    images of at most ``limits.DATA_IMAGE_BYTES``, decoded here (a letterhead's
    logo); SVG is refused with the rest, as it can name further URLs. Every
    refusal is remembered in ``refused``: WeasyPrint swallows some of them
    (an ``<image>`` inside an inline ``<svg>``), and :func:`_check_refused`
    raises them afterwards. Once the document is laid out (``laid_out``), every
    image it shows has been read: a ``data:`` URL fetched after that is a file
    attached to the PDF (``<a rel="attachment">``, ``<link rel="attachment">``),
    refused, so that a formkit PDF carries no attachment but its own formkit.json.
    """
    from weasyprint.urls import FatalURLFetchingError, URLFetcher, URLFetcherResponse

    class RefuseAll(URLFetcher):  # type: ignore[misc]
        def __init__(self) -> None:
            super().__init__()
            self.refused: list[InputError] = []
            self.laid_out = False

        def fetch(self, url: str, headers: Any = None) -> Any:
            reason: Any
            if url[:5].lower() == "data:":
                try:
                    mime, raw = data_image(url)
                except ValueError as exc:
                    reason = exc if isinstance(exc, InputError) else str(exc)
                else:
                    if not self.laid_out:
                        return URLFetcherResponse(url[:60], raw, {"Content-Type": mime})
                    reason = phrase(N_("a file attached to the PDF; a formkit PDF carries no "
                                       "attachment but formkit.json, made by formkit"))
            else:
                reason = phrase(N_("formkit fetches nothing from disk or network; only PNG, "
                                   "JPEG or GIF images inline as data: URLs are read"))
            error = InputError(N_("refused to fetch {url}: {reason}"), url=shown_url(url),
                               reason=reason)
            self.refused.append(error)
            raise FatalURLFetchingError(str(error))

    return RefuseAll()


def _check_refused(fetcher: Any) -> None:
    refused = getattr(fetcher, "refused", None)
    if refused:
        raise refused[0]


@cache
def _font_config() -> Any:
    from weasyprint.text.fonts import FontConfiguration

    from .weasy import install

    install()
    return FontConfiguration()


@contextmanager
def _collected() -> Iterator[None]:
    """Run without the cyclic garbage collector, then collect what the run left.

    WeasyPrint makes many short-lived objects in reference cycles. Left to the
    collector's thresholds, full collections run in the middle of a render (a
    third of its time) and still let a long batch grow; paused, the young
    generation holds only this document's objects and one collection frees them.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
        gc.collect(0)


def render_pdf(
    form: str | Form,
    record: dict[str, Any] | None,
    *,
    draft: bool = False,
    templates: str | None = None,
    worksheet: bool = False,
) -> bytes:
    """The PDF/A-3b of a filled record (or of a blank form when record is None).

    ``worksheet`` adds the form's worksheet (its extension fields, which never
    print on the form's own pages) on pages after the form.

    Raises :class:`LimitExceeded` naming the field when the record is over a cap
    of :mod:`formkit.limits`, and :class:`MissingGlyphError` before rendering
    when a character of the record has no glyph in the fonts in use. A user
    template (``templates`` or ``FORMKIT_TEMPLATES``) is rendered in a child
    process with capped memory and time (:func:`formkit.limits.run_bounded`).
    """
    from ..limits import check_record, run_bounded

    form = resolve(form)
    if record is not None:
        check_record(record)
    faces()  # fail early, with the install hint, when no CJK font is present
    if record is not None:
        check_glyphs(iter_strings(record))
    custom = custom_template(form, record, templates)
    if custom is not None and custom.user:
        _font_config()  # loaded here, the fonts are shared with every child
        return run_bounded(lambda: _render(form, record, draft, templates, custom, worksheet),
                           what=phrase(N_("template {name}"), {"name": custom.name}))
    return _render(form, record, draft, templates, custom, worksheet)


def _render(form: Form, record: dict[str, Any] | None, draft: bool, templates: str | None,
            custom: Custom | None, worksheet: bool = False) -> bytes:
    own_css = custom is not None
    html = render_html(form, record, draft=draft, templates=templates, inline_css=own_css,
                       worksheet=worksheet)
    data = payload(form, record if record is not None else {}, draft, worksheet)
    return html_to_pdf(html, data, title=form.full_title, kit_css=not own_css)


def html_to_pdf(html: str, data: dict[str, Any], *, title: str = "",
                kit_css: bool = False) -> bytes:
    with _collected():
        return write_document(layout(html, title=title, kit_css=kit_css), data)


@cache
def _kit_css() -> Any:
    """The kit's stylesheet, parsed once per process."""
    from weasyprint import CSS

    return CSS(string=stylesheet(), font_config=_font_config(), url_fetcher=_fetcher())


def layout(html: str, *, title: str = "", kit_css: bool = False) -> Any:
    """WeasyPrint's laid-out document for the HTML (fetching nothing).

    ``kit_css`` applies the kit's pre-parsed stylesheet, for HTML made with
    ``render_html(..., inline_css=False)``.
    """
    from weasyprint import HTML
    from weasyprint.urls import FatalURLFetchingError

    fetcher = _fetcher()
    try:
        document = HTML(string=html, url_fetcher=fetcher, base_url="formkit:/").render(
            font_config=_font_config(), stylesheets=[_kit_css()] if kit_css else None
        )
    except FatalURLFetchingError as exc:
        _check_refused(fetcher)
        raise InputError(_FAILED, error=str(exc)) from None
    except (OSError, ValueError, KeyError) as exc:  # WeasyPrint's own failures
        raise RenderError(_FAILED, error=str(exc)) from exc
    _check_refused(fetcher)
    fetcher.laid_out = True  # what is fetched from now on is an attachment: refused
    document.metadata.title = title
    return document


def write_document(document: Any, data: dict[str, Any], *,
                   pdf_variant: str | None = "pdf/a-3b") -> bytes:
    """The PDF of a laid-out document, with the formkit.json attachment."""
    from weasyprint import Attachment
    from weasyprint.urls import FatalURLFetchingError

    attachment = Attachment(
        string=json.dumps(data, ensure_ascii=False, sort_keys=True),
        name=ATTACHMENT_NAME,
        description="formkit record (JSON)",
        relationship="Data",
    )
    try:
        pdf: bytes = document.write_pdf(pdf_variant=pdf_variant, attachments=[attachment])
    except FatalURLFetchingError as exc:
        _check_refused(getattr(document, "url_fetcher", None))
        raise InputError(_FAILED, error=str(exc)) from None
    except (OSError, ValueError, KeyError) as exc:  # WeasyPrint's own failures
        raise RenderError(_FAILED, error=str(exc)) from exc
    _check_refused(getattr(document, "url_fetcher", None))  # swallowed while drawing (SVG)
    return pdf
