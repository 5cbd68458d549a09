"""Crafted PDFs against ``parse`` (issue 5): each is answered with a clear error within
the caps, through the library and through the command line, with no traceback, no
network request and no file read that the PDF names.

Every PDF is generated here (pypdf's writer or raw bytes); nothing is downloaded.
The caps are small (``--timeout 5``) so that the whole file runs in about a minute.
"""

from __future__ import annotations

import gzip
import io
import json
import logging
import re
import struct
import subprocess
import sys
import time
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from formkit import parse_pdf
from formkit.cli import main
from formkit.errors import FormkitError, LimitExceeded, MissingGlyphError, NotAFormPDFError
from formkit.parse import Limits, WorkerError
from formkit.parse.worker import note_ocr_pages, run_bounded

from ..conftest import AS_OF

TIMEOUT = 5.0
LIMITS = Limits(timeout_s=TIMEOUT)
# What starting a worker, and the CLI around it, may add to a cap on wall time.
MARGIN = 4.0


# ---------------------------------------------------------------- writing PDFs by hand


def raw_pdf(objects: list[bytes], *, trailer: bytes = b"") -> bytes:
    """A PDF of these object bodies (numbered from 1; 1 is the catalog) with a true xref."""
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R %s>>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1, trailer, xref)
    return bytes(out)


def stream(data: bytes, entries: bytes = b"") -> bytes:
    return b"<< /Length %d %s>>\nstream\n" % (len(data), entries) + data + b"\nendstream"


def inflating_to(size: int, chunk: int = 1 << 20) -> bytes:
    """A zlib stream of ``size`` zero bytes, made without compressing them: one fully
    flushed block of ``chunk`` zeros, repeated, and the true Adler-32."""
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    unit = c.compress(bytes(chunk)) + c.flush(zlib.Z_FULL_FLUSH)
    tail = c.flush(zlib.Z_FINISH)
    adler, zeros = 1, bytes(chunk)
    for _ in range(size // chunk):
        adler = zlib.adler32(zeros, adler)
    return b"\x78\xda" + unit * (size // chunk) + tail + struct.pack(">I", adler)


CATALOG = b"<< /Type /Catalog /Pages 2 0 R >>"
PAGES = b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>"
PAGE = (b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>")
FONT = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"
HELLO = stream(b"BT /F1 12 Tf 72 720 Td (Hello) Tj ET")


def one_page(*, page: bytes = PAGE, content: bytes = HELLO, extra: list[bytes] | None = None,
             pages: bytes = PAGES, catalog: bytes = CATALOG, trailer: bytes = b"") -> bytes:
    return raw_pdf([catalog, pages, page, content, FONT, *(extra or [])], trailer=trailer)


def pdf_bomb() -> bytes:
    """A page whose content stream inflates to 1 GiB (1 MB in the file)."""
    return one_page(content=stream(inflating_to(1 << 30), b"/Filter /FlateDecode "))


def attachment_bomb() -> bytes:
    """formkit.json, the attachment parse reads first, inflating to 1 GiB."""
    names = b"<< /EmbeddedFiles << /Names [(formkit.json) 6 0 R] >> >>"
    spec = b"<< /Type /Filespec /F (formkit.json) /EF << /F 7 0 R >> >>"
    bomb = stream(inflating_to(1 << 30), b"/Type /EmbeddedFile /Filter /FlateDecode ")
    return one_page(catalog=b"<< /Type /Catalog /Pages 2 0 R /Names " + names + b" >>",
                    extra=[spec, bomb])


def kids_loop() -> bytes:
    """The page tree's root lists itself among its kids."""
    return one_page(pages=b"<< /Type /Pages /Kids [2 0 R 3 0 R] /Count 2 >>")


def parent_loop() -> bytes:
    """A page with no /MediaBox of its own, whose /Parent chain goes round (6 → 7 → 6)."""
    page = (b"<< /Type /Page /Parent 6 0 R /Contents 4 0 R "
            b"/Resources << /Font << /F1 5 0 R >> >> >>")
    return one_page(page=page, extra=[b"<< /Type /Pages /Parent 7 0 R /Kids [3 0 R] /Count 1 >>",
                                      b"<< /Type /Pages /Parent 6 0 R /Kids [6 0 R] /Count 1 >>"])


def prev_loop() -> bytes:
    """The cross-reference table's /Prev points back at itself."""
    base = one_page()
    at = int(base.rsplit(b"startxref\n", 1)[1].split(b"\n")[0])
    return base.replace(b"/Root 1 0 R ", b"/Root 1 0 R /Prev %d " % at, 1)


def reference_cycle() -> bytes:
    """The page's /MediaBox is object 6, whose whole body is ``6 0 R``."""
    page = (b"<< /Type /Page /Parent 2 0 R /MediaBox 6 0 R /Contents 4 0 R "
            b"/Resources << /Font << /F1 5 0 R >> >> >>")
    return one_page(page=page, extra=[b"6 0 R"])


def deep_nesting(depth: int = 100_000) -> bytes:
    """Arrays nested 100,000 deep in the page dictionary."""
    page = PAGE[:-2] + b"/Deep " + b"[" * depth + b"]" * depth + b" >>"
    return one_page(page=page)


def deep_dictionaries(depth: int = 100_000) -> bytes:
    """Dictionaries nested 100,000 deep in the page dictionary."""
    page = PAGE[:-2] + b"/Deep " + b"<< /A " * depth + b"1" + b" >>" * depth + b" >>"
    return one_page(page=page)


def huge_mediabox() -> bytes:
    """A 14,400 × 14,400 pt page (200 in a side) with no text: the OCR route draws pages."""
    page = b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 14400 14400] /Contents 4 0 R >>"
    return one_page(page=page, content=stream(b"0 g 100 100 200 200 re f"))


def large_mediabox() -> bytes:
    """40 × 40 in: under the cap on a side, but 144 million pixels at 300 dpi."""
    page = b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 2880 2880] /Contents 4 0 R >>"
    return one_page(page=page, content=stream(b"0 g 100 100 200 200 re f"))


def huge_image() -> bytes:
    """An image XObject of 100,000 × 100,000 pixels (10 GB decoded) on a page without text."""
    image = stream(zlib.compress(bytes(1000)),
                   b"/Type /XObject /Subtype /Image /Width 100000 /Height 100000 "
                   b"/ColorSpace /DeviceGray /BitsPerComponent 8 /Filter /FlateDecode ")
    page = (b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
            b"/Resources << /XObject << /Im1 6 0 R >> >> >>")
    return one_page(page=page, content=stream(b"q 595 0 0 842 0 0 cm /Im1 Do Q"), extra=[image])


def many_operators(count: int = 5_000_000) -> bytes:
    """Five million text operators (34 MB, under the stream cap) in 100 kB: pdfminer
    would take minutes, and a lot of memory."""
    content = b"BT /F1 1 Tf " + b"(x) Tj " * count + b"ET"
    return one_page(content=stream(zlib.compress(content, 9), b"/Filter /FlateDecode "))


def wrong_checksum(size: int = 1 << 20) -> bytes:
    """A page whose content stream (1 MiB of hex noise) ends in a wrong Adler-32:
    pdfminer's own recovery of this stream takes 14 s, quadratic in its size."""
    import random

    noise = random.Random(5).randbytes(size * 3 // 4).hex().encode()[:size]
    packed = bytearray(zlib.compress(b"BT /F1 12 Tf 72 720 Td (Hello) Tj ET\n%" + noise))
    packed[-1] ^= 0xFF
    return one_page(content=stream(bytes(packed), b"/Filter /FlateDecode "))


def many_pages(count: int) -> bytes:
    kids = b" ".join(b"%d 0 R" % (3 + i) for i in range(count))
    blank = b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>"
    return raw_pdf([CATALOG, b"<< /Type /Pages /Kids [" + kids + b"] /Count %d >>" % count,
                    *[blank] * count])


def encrypted() -> bytes:
    import pypdf

    writer = pypdf.PdfWriter(clone_from=io.BytesIO(one_page()))
    writer.encrypt("secret", algorithm="AES-256")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def pdf_name(text: str) -> bytes:
    """A PDF name for any text (#xx escapes)."""
    return b"/" + "".join(c if c.isalnum() else f"#{ord(c):02X}" for c in text).encode("ascii")


def naming_a_cmap(path: str) -> bytes:
    """A Type0 font whose /Encoding names a CMap by a path; pdfminer once unpickled
    CMap files by name (CVE-2025-64512)."""
    font = (b"<< /Type /Font /Subtype /Type0 /BaseFont /X /Encoding " + pdf_name(path)
            + b" /DescendantFonts [6 0 R] >>")
    cid = (b"<< /Type /Font /Subtype /CIDFontType2 /BaseFont /X "
           b"/CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> >>")
    return raw_pdf([CATALOG, PAGES, PAGE, stream(b"BT /F1 12 Tf 72 720 Td <00410042> Tj ET"),
                    font, cid])


def pdf_string(text: str) -> bytes:
    return b"(" + text.encode("utf-8").replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(
        b")", b"\\)") + b")"


def pointing_outside(url: str, file_url: str, path: str) -> bytes:
    """Every way a PDF names something outside itself: a link, an open action, a launch,
    a remote go-to, an external content stream (/F), an image and a font file by URL."""
    url_spec = b"<< /FS /URL /F " + pdf_string(url) + b" >>"
    page = (b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents [4 0 R 7 0 R] "
            b"/Resources << /Font << /F1 5 0 R /F2 9 0 R >> /XObject << /Im1 8 0 R >> >> "
            b"/Annots [6 0 R] /AA << /O << /S /URI /URI " + pdf_string(url) + b" >> >> >>")
    link = (b"<< /Type /Annot /Subtype /Link /Rect [0 0 100 100] /A << /S /URI /URI "
            + pdf_string(file_url) + b" /Next << /S /Launch /F " + pdf_string(path)
            + b" /Next << /S /GoToR /F " + url_spec + b" /D [0 /Fit] >> >> >> >>")
    external = b"<< /Length 0 /F " + pdf_string(path) + b" >>\nstream\n\nendstream"
    image = (b"<< /Type /XObject /Subtype /Image /Width 10 /Height 10 /ColorSpace /DeviceGray "
             b"/BitsPerComponent 8 /Length 0 /F " + url_spec + b" >>\nstream\n\nendstream")
    font = (b"<< /Type /Font /Subtype /TrueType /BaseFont /Evil /FirstChar 32 /LastChar 32 "
            b"/Widths [500] /FontDescriptor 10 0 R >>")
    descriptor = (b"<< /Type /FontDescriptor /FontName /Evil /Flags 32 /FontBBox [0 0 1 1] "
                  b"/ItalicAngle 0 /Ascent 1 /Descent 0 /CapHeight 1 /StemV 1 /FontFile2 11 0 R >>")
    font_file = b"<< /Length 0 /F " + url_spec + b" >>\nstream\n\nendstream"
    content2 = stream(b"BT /F2 12 Tf 72 600 Td (x) Tj ET q 10 0 0 10 0 0 cm /Im1 Do Q")
    catalog = (b"<< /Type /Catalog /Pages 2 0 R /OpenAction << /S /URI /URI " + pdf_string(url)
               + b" >> /URI << /Base " + pdf_string(url) + b" >> >>")
    return raw_pdf([catalog, PAGES, page, external, FONT, link, content2, image, font,
                    descriptor, font_file])


def a_formkit_pdf() -> bytes:
    from formkit import fill, get_form, render_pdf

    form = "ciyue/fee-quote"
    return render_pdf(form, fill(form, get_form(form).sample, as_of=AS_OF).record)


# ---------------------------------------------------------------- the cases


@dataclass(frozen=True)
class Case:
    make: Callable[[], bytes]
    error: type[FormkitError]
    message: str  # a regular expression for what follows "<file>: "
    limit: str | None = None  # LimitExceeded.limit
    limits: Limits = LIMITS


CASES: dict[str, Case] = {
    "pdf-bomb": Case(pdf_bomb, LimitExceeded,
                     r"a compressed stream inflates to more than 64 MiB, the cap on one stream",
                     "stream"),
    "attachment-bomb": Case(attachment_bomb, LimitExceeded,
                            r"over a cap of the PDF reader \(.*\)", "stream"),
    "wrong-checksum": Case(wrong_checksum, NotAFormPDFError,
                           r"not a formkit form \(no known form title found on its pages\)"),
    "kids-loop": Case(kids_loop, NotAFormPDFError,
                      r"not a readable PDF \(PdfReadError: Detected cyclic page references\.\)"),
    "parent-loop": Case(parent_loop, NotAFormPDFError,
                        r"the text of its pages cannot be read \(TypeError: .*\)"),
    "prev-loop": Case(prev_loop, LimitExceeded,
                      r"objects nested too deeply \(or in a loop\) to read", "depth"),
    "reference-cycle": Case(reference_cycle, NotAFormPDFError,
                            r"not a readable PDF \(object 6 is a loop of references that never "
                            r"reaches a value\)"),
    "deep-nesting": Case(deep_nesting, LimitExceeded,
                         r"objects nested too deeply \(or in a loop\) to read", "depth"),
    "deep-dictionaries": Case(deep_dictionaries, NotAFormPDFError,
                              r"not a formkit form \(no known form title found on its pages\)"),
    "huge-mediabox-ocr": Case(huge_mediabox, LimitExceeded,
                              r"page 1 is 200 × 200 in, too large for a form page \(the cap is "
                              r"50 in a side\)", "pixels"),
    "large-mediabox-ocr": Case(large_mediabox, LimitExceeded,
                               r"page 1 is 12000 × 12000 pixels at 300 dpi \(144 million\), more "
                               r"than the cap of 25 million; a form page is A4, or at most A3",
                               "pixels"),
    "huge-image": Case(huge_image, LimitExceeded,
                       r"page 1 draws an image of 100000 × 100000 pixels, more than the cap of "
                       r"60 million", "pixels"),
    "truncated": Case(lambda: a_formkit_pdf()[:30_000], NotAFormPDFError,
                      r"not a readable PDF \(.*\)"),
    "not-a-pdf": Case(lambda: b"<html><body>invoice</body></html>\n", NotAFormPDFError,
                      r"not a PDF or an image \(PNG, JPEG, TIFF\)"),
    "empty": Case(lambda: b"", NotAFormPDFError, r"the file is empty"),
    "encrypted": Case(encrypted, NotAFormPDFError,
                      r"the PDF is encrypted; send an unencrypted copy"),
    "too-many-pages": Case(lambda: many_pages(51), LimitExceeded,
                           r"51 pages, more than the cap of 50", "pages"),
    "too-large": Case(lambda: b"%PDF-1.7\n" + bytes(2 * 2**20), LimitExceeded,
                      r"2\.0 MiB, larger than the cap of 1 MiB", "bytes",
                      Limits(timeout_s=TIMEOUT, max_bytes=2**20)),
    "too-slow": Case(many_operators, LimitExceeded,
                     r"not read within the time cap \(5 s\)", "time"),
    "too-much-memory": Case(many_operators, LimitExceeded,
                            r"(reading it needs more memory than the cap of 300 MiB|the worker "
                            r"reading it was stopped by SIG[A-Z]+; most likely it needed more "
                            r"than the memory cap of 300 MiB)", "memory",
                            Limits(timeout_s=60, max_memory_mib=300)),
}
# What each CLI run adds to the caps above.
CLI_FLAGS = {"too-large": ["--max-bytes", "1MiB"], "too-much-memory": ["--max-memory", "300",
                                                                       "--timeout", "60"]}
# Cases that must end at their cap, not before: the time bound is the cap itself.
AT_THE_CAP = {"too-slow"}


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("hostile")
    out = {}
    for key, case in CASES.items():
        out[key] = folder / f"{key}.pdf"
        out[key].write_bytes(case.make())
    return out


def _bound(case: Case) -> float:
    timeout = case.limits.timeout_s or 60.0
    return timeout + MARGIN


@pytest.mark.parametrize("key", list(CASES))
def test_library_refuses_with_a_clear_error(key: str, files: dict[str, Path], no_network: Any,
                                            local_server: Any) -> None:
    case = CASES[key]
    path = files[key]
    started = time.monotonic()
    with pytest.raises(FormkitError) as caught:
        parse_pdf(path, limits=case.limits)
    elapsed = time.monotonic() - started
    assert type(caught.value) is case.error, (type(caught.value), str(caught.value))
    assert re.fullmatch(re.escape(f"{path}: ") + case.message, str(caught.value)), str(caught.value)
    assert getattr(caught.value, "limit", None) == case.limit
    assert elapsed < _bound(case), f"{elapsed:.1f} s"
    if key in AT_THE_CAP:
        assert elapsed >= TIMEOUT
    no_network.assert_none()
    local_server.assert_untouched()


def test_a_file_over_the_default_size_cap_is_refused_unread(tmp_path: Path) -> None:
    """51 MiB (a sparse file): refused from its size, before a byte is read."""
    path = tmp_path / "big.pdf"
    with path.open("wb") as fh:
        fh.write(b"%PDF-1.7\n")
        fh.truncate(51 * 2**20)
    started = time.monotonic()
    with pytest.raises(LimitExceeded) as caught:
        parse_pdf(path)
    assert str(caught.value) == f"{path}: 51 MiB, larger than the cap of 50 MiB"
    assert caught.value.limit == "bytes"  # type: ignore[attr-defined]
    assert time.monotonic() - started < 1


@pytest.mark.parametrize("key", list(CASES))
def test_cli_exits_2_naming_the_file_and_the_cap(key: str, files: dict[str, Path]) -> None:
    case = CASES[key]
    path = files[key]
    flags = CLI_FLAGS.get(key, ["--timeout", f"{TIMEOUT:g}"])
    started = time.monotonic()
    result = CliRunner().invoke(main, ["parse", str(path), *flags, "--lang", "en"])
    elapsed = time.monotonic() - started
    assert result.exit_code == 2, (result.exit_code, result.stderr, result.exception)
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
    errors = [line for line in result.stderr.splitlines() if line.startswith("formkit: error:")]
    rest = [line for line in result.stderr.splitlines() if line not in errors]
    assert len(errors) == 1, result.stderr
    first = errors[0]
    flag = {"bytes": "--max-bytes", "pages": "--max-pages", "time": "--timeout",
            "memory": "--max-memory"}.get(case.limit or "")
    hint = f" (see {flag})" if flag else ""
    expected = re.escape(f"formkit: error: {path}: ") + case.message + re.escape(hint)
    assert re.fullmatch(expected, first), first
    assert all(line.startswith("formkit: ") for line in rest), rest
    assert elapsed < _bound(case), f"{elapsed:.1f} s"


@pytest.mark.parametrize("key", ["pdf-bomb", "too-slow", "deep-dictionaries",
                                 "huge-mediabox-ocr"])
def test_cli_in_its_own_process_prints_no_traceback(key: str, files: dict[str, Path]) -> None:
    """The real command, as a user runs it: exit 2, one line on stderr, within the cap."""
    path = files[key]
    started = time.monotonic()
    proc = subprocess.run([sys.executable, "-m", "formkit.cli", "parse", str(path), "--timeout",
                           f"{TIMEOUT:g}", "--lang", "en"], capture_output=True, text=True,
                          timeout=60)
    elapsed = time.monotonic() - started
    assert proc.returncode == 2, proc.stderr
    assert proc.stdout == ""
    lines = proc.stderr.splitlines()
    assert [line for line in lines if line.startswith("formkit: error:")] == [lines[-1]]
    assert lines[-1].startswith(f"formkit: error: {path}: "), proc.stderr
    assert "Traceback" not in proc.stderr and "Fatal Python error" not in proc.stderr
    assert all(line.startswith("formkit: ") for line in lines), proc.stderr
    # A new interpreter and its forkserver take about 2 s here, before the cap starts.
    assert elapsed < TIMEOUT + MARGIN + 4, f"{elapsed:.1f} s"


def _children_of(pid: int) -> list[int]:
    out = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if int(fields[1]) == pid and fields[0] != "Z":
            out.append(int(stat.parent.name))
    return out


def test_the_worker_stopped_at_the_time_cap_is_gone(files: dict[str, Path]) -> None:
    """No worker outlives the parse it was stopped for (workers are the forkserver's
    children)."""
    from multiprocessing import forkserver

    with pytest.raises(LimitExceeded):
        parse_pdf(files["too-slow"], limits=Limits(timeout_s=1))
    server = forkserver._forkserver._forkserver_pid  # type: ignore[attr-defined]
    assert server is not None
    deadline = time.monotonic() + 2
    while _children_of(server) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert _children_of(server) == []


# ---------------------------------------------------------------- names of files and URLs


def test_a_cmap_named_by_a_path_is_never_loaded(tmp_path: Path, canary: Any) -> None:
    """pdfminer 20260107 loads CMaps as gzipped JSON from its own folders only (the
    resolved path must stay inside them); it no longer unpickles (CVE-2025-64512).
    A PDF naming a decoy CMap beside the canary, by a relative or an absolute path,
    does not get it opened, and reads as what it is: a page with no form."""
    decoy = canary.path.parent / "decoy.json.gz"
    with gzip.open(decoy, "wt", encoding="utf-8") as fh:
        json.dump({"CODE2CID": {}, "IS_VERTICAL": False, "NAME": canary.content}, fh)
    canary.watch(decoy)
    import pdfminer

    up = "../" * (len(Path(pdfminer.__file__).parent.parts) + 2)
    stem = str(decoy)[: -len(".json.gz")]
    for name in (up + stem.lstrip("/"), stem):
        path = tmp_path / "cmap.pdf"
        path.write_bytes(naming_a_cmap(name))
        with pytest.raises(NotAFormPDFError) as caught:
            parse_pdf(path, limits=None)  # in this process, where the audit hook sees opens
        assert str(caught.value).startswith(f"{path}: ")
        with pytest.raises(NotAFormPDFError) as again:
            parse_pdf(path, limits=LIMITS)
        assert str(again.value) == str(caught.value)
        canary.assert_absent(str(caught.value))
    canary.assert_unread()


def test_a_pdf_pointing_outside_itself_reads_nothing_there(
    tmp_path: Path, canary: Any, local_server: Any, no_network: Any
) -> None:
    """Links, actions, external streams, an image and a font by URL or by path: none is
    followed, in this process or in the worker."""
    path = tmp_path / "outside.pdf"
    path.write_bytes(pointing_outside(local_server.url("/redirect"), canary.url, str(canary.path)))
    outcomes = []
    for limits in (None, LIMITS):
        try:
            outcomes.append(repr(parse_pdf(path, limits=limits).as_dict("en")))
        except FormkitError as exc:
            outcomes.append(f"{type(exc).__name__}: {exc}")
    result = CliRunner().invoke(main, ["parse", str(path), "--format", "json", "--timeout", "5"])
    assert result.exit_code in (1, 2), result.stderr
    assert "Traceback" not in result.stderr
    canary.assert_absent(result.stdout, result.stderr, *outcomes)
    assert local_server.secret not in result.stdout + result.stderr + "".join(outcomes)
    canary.assert_unread()
    local_server.assert_untouched()
    no_network.assert_none()


# ---------------------------------------------------------------- the worker itself


def _ocr_then_sleep(pages: int, seconds: float) -> str:
    note_ocr_pages(pages)
    time.sleep(seconds)
    return "done"


def _raise_missing_glyph() -> None:
    raise MissingGlyphError("𠀋", "holder.name", "Noto Sans CJK TC")


def _raise_a_bug() -> None:
    raise KeyError("a bug in formkit")


def _log_and_return() -> int:
    logging.getLogger("pypdf._reader").warning("a warning from the worker")
    print("printed by the worker")  # never reaches this process's stdout
    return 42


def _run_a_program_in_a_thread(pid_file: str) -> None:
    """As the OCR route runs tesseract: a program started from a thread, waited for."""
    from concurrent.futures import ThreadPoolExecutor

    def program() -> None:
        with subprocess.Popen(["sleep", "60"]) as proc:
            Path(pid_file).write_text(str(proc.pid), encoding="ascii")
            proc.wait()

    with ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(program).result()


def _gone(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return True
    return state == "Z"


def test_what_the_worker_started_is_stopped_with_it(tmp_path: Path) -> None:
    pid_file = tmp_path / "pid"
    with pytest.raises(LimitExceeded, match="time cap"):
        run_bounded(_run_a_program_in_a_thread, (str(pid_file),), name="x.pdf",
                    limits=Limits(timeout_s=1.5))
    pid = int(pid_file.read_text(encoding="ascii"))
    deadline = time.monotonic() + 3
    while not _gone(pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert _gone(pid), f"process {pid}, started by the worker, outlived it"


def test_a_scan_gets_more_time_for_each_of_its_pages() -> None:
    limits = Limits(timeout_s=1, ocr_s_per_page=1)
    assert run_bounded(_ocr_then_sleep, (3, 2.0), limits=limits, name="scan.pdf") == "done"
    started = time.monotonic()
    with pytest.raises(LimitExceeded, match=r"^scan\.pdf: not read within the time cap \(1 s\)$"):
        run_bounded(_ocr_then_sleep, (3, 2.0), limits=Limits(timeout_s=1, ocr_s_per_page=0),
                    name="scan.pdf")
    assert time.monotonic() - started < 1 + MARGIN
    with pytest.raises(LimitExceeded, match=r"\(1 s \+ 0\.2 s for each of the 2 page\(s\) of the "
                                            r"scan\)$"):
        run_bounded(_ocr_then_sleep, (2, 5.0), limits=Limits(timeout_s=1, ocr_s_per_page=0.2),
                    name="scan.pdf")


def test_the_workers_errors_come_back_as_they_were_raised() -> None:
    with pytest.raises(MissingGlyphError) as caught:
        run_bounded(_raise_missing_glyph, (), limits=LIMITS, name="x.pdf")
    assert str(caught.value) == str(MissingGlyphError("𠀋", "holder.name", "Noto Sans CJK TC"))
    with pytest.raises(WorkerError, match=r"(?s)^x\.pdf: KeyError: 'a bug in formkit'.*"
                                          r"Traceback.*_raise_a_bug"):
        run_bounded(_raise_a_bug, (), limits=LIMITS, name="x.pdf")


def test_the_workers_log_records_reach_this_process(caplog: pytest.LogCaptureFixture,
                                                    capfd: pytest.CaptureFixture[str]) -> None:
    with caplog.at_level(logging.DEBUG):
        assert run_bounded(_log_and_return, (), limits=LIMITS, name="x.pdf") == 42
    assert ("pypdf._reader", logging.WARNING, "a warning from the worker") in caplog.record_tuples
    assert any("printed by the worker" in r.getMessage() and r.levelno == logging.DEBUG
               for r in caplog.records)
    assert "printed by the worker" not in capfd.readouterr().out


# ---------------------------------------------------------------- the fixtures themselves


def test_the_fixtures_see_what_they_guard(canary: Any, local_server: Any) -> None:
    import urllib.request

    with pytest.raises(AssertionError):
        canary.assert_absent(b"... " + canary.content.encode() + b" ...")
    assert canary.content in canary.path.read_text(encoding="ascii")
    assert canary.opened, "the audit hook missed an open"
    with pytest.raises(AssertionError):
        canary.assert_unread()
    with urllib.request.urlopen(local_server.url("/redirect"), timeout=5) as answer:
        assert answer.read().decode() == local_server.secret
    assert local_server.requests == ["GET /redirect", "GET /canary"]


def test_no_network_refuses_and_records(no_network: Any) -> None:
    import socket

    with pytest.raises(OSError, match="blocked"):
        socket.create_connection(("127.0.0.1", 9), timeout=1)
    with pytest.raises(OSError, match="blocked"):
        socket.getaddrinfo("example.org", 443)
    with socket.socket() as s, pytest.raises(OSError, match="blocked"):
        s.connect(("127.0.0.1", 9))
    assert len(no_network.attempts) == 3
    with pytest.raises(AssertionError):
        no_network.assert_none()
