"""PDF output: WeasyPrint, PDF/A-3b, with the record embedded as formkit.json.

The embedded file follows DESIGN §2.4 (in the manner of Factur-X): an
attachment named ``formkit.json`` with AFRelationship ``Data`` holding
``{"formkit", "form", "data", "sha256", "draft"}``. ``sha256`` is taken over
the canonical JSON of ``data``.
"""

from __future__ import annotations

import gc
import hashlib
import json
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from typing import Any

from ..catalog import Form
from ..errors import InputError, RenderError
from ..records import canonical_json
from ..validate import resolve
from .fonts import check_glyphs, faces, iter_strings
from .html import custom_template, render_html, stylesheet

log = logging.getLogger("formkit")

ATTACHMENT_NAME = "formkit.json"


def payload(form: Form, record: dict[str, Any], draft: bool) -> dict[str, Any]:
    from .. import __version__

    return {
        "formkit": __version__,
        "form": form.id,
        "data": record,
        "sha256": hashlib.sha256(canonical_json(record)).hexdigest(),
        "draft": bool(draft),
    }


def _fetcher() -> Any:
    """A URL fetcher that fetches nothing: every resource is inline.

    WeasyPrint's default fetcher reads file:// and makes network requests; a
    record or a user template must not be able to make it do either.
    """
    from weasyprint.urls import FatalURLFetchingError, URLFetcher

    class RefuseAll(URLFetcher):
        def fetch(self, url: str, headers: Any = None) -> Any:
            raise FatalURLFetchingError(f"refused to fetch {url[:200]!r}: formkit fetches nothing")

    return RefuseAll()


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
) -> bytes:
    """The PDF/A-3b of a filled record (or of a blank form when record is None).

    Raises :class:`MissingGlyphError` before rendering when a character of the
    record has no glyph in the fonts in use.
    """
    form = resolve(form)
    faces()  # fail early, with the install hint, when no CJK font is present
    if record is not None:
        check_glyphs(iter_strings(record))
    own_css = custom_template(form, record, templates) is not None
    html = render_html(form, record, draft=draft, templates=templates, inline_css=own_css)
    data = payload(form, record if record is not None else {}, draft)
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

    try:
        document = HTML(string=html, url_fetcher=_fetcher(), base_url="formkit:/").render(
            font_config=_font_config(), stylesheets=[_kit_css()] if kit_css else None
        )
    except FatalURLFetchingError as exc:
        raise InputError(str(exc)) from None
    except (OSError, ValueError, KeyError) as exc:  # WeasyPrint's own failures
        raise RenderError(f"PDF rendering failed: {exc}") from exc
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
        return document.write_pdf(pdf_variant=pdf_variant, attachments=[attachment])
    except FatalURLFetchingError as exc:
        raise InputError(str(exc)) from None
    except (OSError, ValueError, KeyError) as exc:  # WeasyPrint's own failures
        raise RenderError(f"PDF rendering failed: {exc}") from exc
