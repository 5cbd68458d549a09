"""Opening untrusted PDFs with caps, and getting their text."""

from __future__ import annotations

import io
import os
from pathlib import Path
from typing import Any, BinaryIO

from ..errors import FormkitError, InputError, NotAFormPDFError, os_reason
from ..i18n import N_, phrase
from ..limits import Limits
from .worker import limit_error, size_text

MAX_BYTES = Limits.max_bytes
MAX_PAGES = Limits.max_pages


_ENCRYPTED = N_("{file}: the PDF is encrypted; send an unencrypted copy")
ZIP_MAGIC = b"PK\x03\x04"
IMAGE_MAGIC = (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"II*\x00", b"MM\x00*")


def is_image(data: bytes) -> bool:
    """PNG, JPEG or TIFF: a scan or photo sent in as an image file."""
    return data.startswith(IMAGE_MAGIC)


def _too_large(name: str, size: int | None, max_bytes: int) -> Exception:
    if size is None:
        return limit_error(N_("{file}: larger than the cap of {max}"), "bytes", file=name,
                           max=size_text(max_bytes))
    return limit_error(N_("{file}: {size}, larger than the cap of {max}"), "bytes", file=name,
                       size=size_text(size), max=size_text(max_bytes))


def is_zip(data: bytes) -> bool:
    """A zip: an office document (DOCX, ODT), told apart by its parts in the parse worker
    (:func:`formkit.parse.office.office_kind`)."""
    return data.startswith(ZIP_MAGIC)


def read_bytes(
    source: str | os.PathLike[str] | bytes | BinaryIO, max_bytes: int = MAX_BYTES, *,
    images: bool = False, office: bool = False,
) -> tuple[bytes, str]:
    """The bytes of a submitted file, capped; PDF only unless ``images`` (PNG, JPEG, TIFF) or
    ``office`` (a zip: DOCX, ODT).

    No more than ``max_bytes`` + 1 bytes are ever read, whatever the file
    claims or becomes while it is read.
    """
    if isinstance(source, bytes | bytearray | memoryview):
        data, name = bytes(source), "<bytes>"
    elif hasattr(source, "read"):  # a binary file object: an upload, a BytesIO
        name = str(getattr(source, "name", None) or "<stream>")
        data = source.read(max_bytes + 1)
        if not isinstance(data, bytes):
            raise InputError(N_("{file}: not opened in binary mode"), file=name)
    else:
        path = Path(source)
        name = str(path)
        if not path.is_file():
            if path.exists():  # a folder, a device, a FIFO: nothing to read to an end
                raise InputError(N_("{file}: not a regular file"), file=name)
            raise InputError(N_("{file}: no such file"), file=name)
        try:
            size = path.stat().st_size
            if size > max_bytes:
                raise _too_large(name, size, max_bytes)
            with path.open("rb") as fh:
                data = fh.read(max_bytes + 1)
        except OSError as exc:
            raise InputError(N_("{file}: cannot be read ({reason})"), file=name,
                             reason=os_reason(exc)) from exc
    if len(data) > max_bytes:
        raise _too_large(name, None if len(data) == max_bytes + 1 else len(data), max_bytes)
    if not data:
        raise NotAFormPDFError(N_("{file}: the file is empty"), file=name)
    if images and is_image(data) or office and is_zip(data):
        return data, name
    if not data.lstrip()[:5].startswith(b"%PDF-"):
        what = N_("a PDF or an image (PNG, JPEG, TIFF)") if images else N_("a PDF file")
        raise NotAFormPDFError(N_("{file}: not {what}"), file=name, what=phrase(what))
    return data, name


def library_failure(name: str, exc: BaseException, what: str = N_("not a readable PDF")
                    ) -> Exception:
    """The FormkitError for an exception a PDF library raised on this file
    (``what`` is a message id: what could not be read).

    pypdf, pdfminer and PDFium raise a great many types on malformed input;
    here they become one clear refusal naming the file. A ``MemoryError``
    (pdfplumber wraps pdfminer's) is given back as it is: the worker reports
    it as over the memory cap.
    """
    from pypdf.errors import FileNotDecryptedError, LimitReachedError

    exc = _wrapped(exc)
    if isinstance(exc, FormkitError | MemoryError):
        return exc
    if isinstance(exc, RecursionError):
        return limit_error(N_("{file}: objects nested too deeply (or in a loop) to read"),
                           "depth", file=name)
    if isinstance(exc, LimitReachedError):
        kind = "stream" if "decompress" in str(exc).lower() else "structure"
        return limit_error(N_("{file}: over a cap of the PDF reader ({error})"), kind,
                           file=name, error=str(exc))
    if isinstance(exc, FileNotDecryptedError):
        return NotAFormPDFError(_ENCRYPTED, file=name)
    detail = str(exc).splitlines()[0][:120] if str(exc).strip() else ""
    kind = type(exc).__name__ + (f": {detail}" if detail else "")
    return NotAFormPDFError(N_("{file}: {what} ({error})"), file=name, what=phrase(what),
                            error=kind)


def _wrapped(exc: BaseException) -> BaseException:
    """The exception pdfplumber wrapped (``PdfminerException(e)``), or one of ours
    raised inside a library and chained: the one that says what happened."""
    seen: set[int] = set()
    todo: list[BaseException] = [exc]
    while todo:
        e = todo.pop(0)
        if id(e) in seen or len(seen) > 16:
            continue
        seen.add(id(e))
        if isinstance(e, FormkitError | RecursionError | MemoryError):
            return e
        todo.extend(a for a in e.args if isinstance(a, BaseException))
        todo.extend(c for c in (e.__cause__, e.__context__) if c is not None)
    return exc


def open_pdf(source: Any, max_pages: int = MAX_PAGES, *, name: str | None = None) -> Any:
    from pypdf import PdfReader

    if isinstance(source, bytes | bytearray) and name is not None:
        data = bytes(source)
    else:
        data, name = read_bytes(source)
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            raise NotAFormPDFError(_ENCRYPTED, file=name)
        pages = len(reader.pages)
    except MemoryError:
        raise
    except Exception as exc:  # noqa: BLE001 - the library boundary, see library_failure
        raise library_failure(name, exc) from exc
    if pages > max_pages:
        raise limit_error(N_("{file}: {count} pages, more than the cap of {max}"), "pages",
                          file=name, count=pages, max=max_pages)
    if pages == 0:
        raise NotAFormPDFError(N_("{file}: the PDF has no pages"), file=name)
    reader.formkit_source = name  # type: ignore[attr-defined]
    reader.formkit_bytes = data  # type: ignore[attr-defined]
    return reader
