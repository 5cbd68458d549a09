"""Opening untrusted PDFs with caps, and getting their text."""

from __future__ import annotations

import io
import os
from pathlib import Path
from typing import Any

from ..errors import InputError, LimitExceeded, NotAFormPDFError

MAX_BYTES = 50 * 1024 * 1024
MAX_PAGES = 50


IMAGE_MAGIC = (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"II*\x00", b"MM\x00*")


def is_image(data: bytes) -> bool:
    """PNG, JPEG or TIFF: a scan or photo sent in as an image file."""
    return data.startswith(IMAGE_MAGIC)


def read_bytes(
    source: str | os.PathLike[str] | bytes, max_bytes: int = MAX_BYTES, *, images: bool = False
) -> tuple[bytes, str]:
    """The bytes of a submitted file, capped; PDF only unless ``images``."""
    if isinstance(source, bytes | bytearray):
        data, name = bytes(source), "<bytes>"
    else:
        path = Path(source)
        name = str(path)
        if not path.is_file():
            raise InputError(f"{name}: no such file")
        if path.stat().st_size > max_bytes:
            raise LimitExceeded(f"{name}: larger than the {max_bytes // 2**20} MiB cap")
        data = path.read_bytes()
    if len(data) > max_bytes:
        raise LimitExceeded(f"{name}: larger than the {max_bytes // 2**20} MiB cap")
    if images and is_image(data):
        return data, name
    if not data.lstrip()[:5].startswith(b"%PDF-"):
        what = "a PDF or an image (PNG, JPEG, TIFF)" if images else "a PDF file"
        raise NotAFormPDFError(f"{name}: not {what}")
    return data, name


def open_pdf(source: Any, max_pages: int = MAX_PAGES, *, name: str | None = None) -> Any:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    if isinstance(source, bytes | bytearray) and name is not None:
        data = bytes(source)
    else:
        data, name = read_bytes(source)
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            raise NotAFormPDFError(f"{name}: the PDF is encrypted; send an unencrypted copy")
        pages = len(reader.pages)
    except NotAFormPDFError:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, AttributeError, IndexError,
            RecursionError, AssertionError) as exc:
        raise NotAFormPDFError(f"{name}: not a readable PDF ({type(exc).__name__})") from exc
    if pages > max_pages:
        raise LimitExceeded(f"{name}: {pages} pages, more than the cap of {max_pages}")
    reader.formkit_source = name  # type: ignore[attr-defined]
    reader.formkit_bytes = data  # type: ignore[attr-defined]
    return reader
