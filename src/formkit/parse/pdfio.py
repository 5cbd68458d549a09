"""Opening untrusted PDFs with caps, and getting their text."""

from __future__ import annotations

import io
import os
from pathlib import Path
from typing import Any

from ..errors import FormkitError, InputError, NotAFormPDFError
from .worker import Limits, limit_error, size_text

MAX_BYTES = Limits.max_bytes
MAX_PAGES = Limits.max_pages


IMAGE_MAGIC = (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"II*\x00", b"MM\x00*")


def is_image(data: bytes) -> bool:
    """PNG, JPEG or TIFF: a scan or photo sent in as an image file."""
    return data.startswith(IMAGE_MAGIC)


def _too_large(name: str, size: int | None, max_bytes: int) -> Exception:
    what = f"{size_text(size)}, " if size is not None else ""
    return limit_error(f"{name}: {what}larger than the cap of {size_text(max_bytes)}", "bytes")


def read_bytes(
    source: str | os.PathLike[str] | bytes, max_bytes: int = MAX_BYTES, *, images: bool = False
) -> tuple[bytes, str]:
    """The bytes of a submitted file, capped; PDF only unless ``images``.

    No more than ``max_bytes`` + 1 bytes are ever read, whatever the file
    claims or becomes while it is read.
    """
    if isinstance(source, bytes | bytearray):
        data, name = bytes(source), "<bytes>"
    else:
        path = Path(source)
        name = str(path)
        if not path.is_file():
            raise InputError(f"{name}: no such file")
        try:
            size = path.stat().st_size
            if size > max_bytes:
                raise _too_large(name, size, max_bytes)
            with path.open("rb") as fh:
                data = fh.read(max_bytes + 1)
        except OSError as exc:
            raise InputError(f"{name}: cannot be read ({exc.strerror or exc})") from exc
    if len(data) > max_bytes:
        raise _too_large(name, None if len(data) == max_bytes + 1 else len(data), max_bytes)
    if not data:
        raise NotAFormPDFError(f"{name}: the file is empty")
    if images and is_image(data):
        return data, name
    if not data.lstrip()[:5].startswith(b"%PDF-"):
        what = "a PDF or an image (PNG, JPEG, TIFF)" if images else "a PDF file"
        raise NotAFormPDFError(f"{name}: not {what}")
    return data, name


def library_failure(name: str, exc: BaseException, what: str = "not a readable PDF") -> Exception:
    """The FormkitError for an exception a PDF library raised on this file.

    pypdf, pdfminer and PDFium raise a great many types on malformed input;
    here they become one clear refusal naming the file. A ``MemoryError``
    (pdfplumber wraps pdfminer's) is given back as it is: the worker reports
    it as over the memory cap.
    """
    from pypdf.errors import FileNotDecryptedError, LimitReachedError

    exc = _wrapped(exc)
    if isinstance(exc, FormkitError | MemoryError):
        return exc  # type: ignore[return-value]
    if isinstance(exc, RecursionError):
        return limit_error(f"{name}: objects nested too deeply (or in a loop) to read", "depth")
    if isinstance(exc, LimitReachedError):
        kind = "stream" if "decompress" in str(exc).lower() else "structure"
        return limit_error(f"{name}: over a cap of the PDF reader ({exc})", kind)
    if isinstance(exc, FileNotDecryptedError):
        return NotAFormPDFError(f"{name}: the PDF is encrypted; send an unencrypted copy")
    detail = str(exc).splitlines()[0][:120] if str(exc).strip() else ""
    kind = type(exc).__name__ + (f": {detail}" if detail else "")
    return NotAFormPDFError(f"{name}: {what} ({kind})")


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
            raise NotAFormPDFError(f"{name}: the PDF is encrypted; send an unencrypted copy")
        pages = len(reader.pages)
    except MemoryError:
        raise
    except Exception as exc:  # noqa: BLE001 - the library boundary, see library_failure
        raise library_failure(name, exc) from exc
    if pages > max_pages:
        raise limit_error(f"{name}: {pages} pages, more than the cap of {max_pages}", "pages")
    if pages == 0:
        raise NotAFormPDFError(f"{name}: the PDF has no pages")
    reader.formkit_source = name  # type: ignore[attr-defined]
    reader.formkit_bytes = data  # type: ignore[attr-defined]
    return reader
