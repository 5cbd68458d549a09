"""Reading a scan or photo of a printed form (the ``ocr`` parse source).

The page images are cleaned (:mod:`.raster`) and their printed shapes found
from the pixels (:mod:`.shapes`): ruling lines give the table cells, tick
boxes are decided from the ink inside them. The text lines are read by
tesseract (chi_tra) twice, each reading one process for the whole document
(:mod:`.scanlines`), and put into the cells they stand in. That gives the rows
of cells the text route gets from a PDF's text layer, so
:func:`.text.read_text` reads them, with anchors that allow misread
characters (:mod:`.fuzzy`). Every value read this way is listed for review:
no confidence reaches the review threshold.
"""

from __future__ import annotations

import dataclasses
import logging
import re
import tempfile
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from ..errors import FormkitError, LimitExceeded, NotAFormPDFError
from ..forms import Form, catalog
from ..i18n import N_
from ..limits import Limits
from ..pointers import get, pointer_to_dotted, set_
from ..render.model import titles
from ..schema import choices
from . import fuzzy, raster
from .scanlines import OcrText, find_lines, page_units, read_lines, tesseract
from .text import TextResult, Unit, read_text, squash
from .worker import limit_error

log = logging.getLogger("formkit")

OCR_TIMEOUT_S = 120


# ---------------------------------------------------------------- the route


def read_scan(
    data: bytes, *, name: str, is_pdf: bool, form: Form | None = None,
    max_pages: int = Limits.max_pages,
) -> tuple[Form, TextResult]:
    """The form on a scan (image-only PDF, PNG, JPEG or TIFF) and the record read from it.

    Raises NotAFormPDFError when no printed form is found on the pages,
    LimitExceeded for images or page counts over the caps, and
    EnvironmentProblem when tesseract or its chi_tra model is missing.
    """
    tesseract()
    started = time.perf_counter()
    pages = _prepared(raster.load_images(data, name=name, is_pdf=is_pdf, max_pages=max_pages),
                      name)
    prepared = time.perf_counter()
    found = [find_lines(p) for p in pages]
    with tempfile.TemporaryDirectory(prefix="formkit-ocr-") as tmp:
        try:
            read_lines(pages, [lines for _, lines in found], Path(tmp),
                       timeout=_timeout(len(pages)))
        except LimitExceeded as exc:
            raise limit_error(N_("{file}: {reason}"), getattr(exc, "limit", None) or "time",
                              file=name, reason=exc) from exc
    units = [u for p, (cells, lines) in zip(pages, found, strict=True)
             for u in page_units(p, cells, lines)]
    target = _identify(units, form, name)
    result = read_text(target, units, fuzzy=True)
    _read_labelled_lines(target, units, result)
    _review_all(target, result)
    log.debug("OCR of %s: %d pages, %.2f s preparing, %.2f s in all", name, len(pages),
              prepared - started, time.perf_counter() - started)
    return target, result


def _timeout(pages: int) -> int:
    return OCR_TIMEOUT_S + 20 * pages


def _prepared(images: Iterable[Any], name: str) -> list[raster.Page]:
    """Cleaned pages; refuses scans with nothing a form would have on them."""
    pages = []
    for number, image in enumerate(images, 1):
        raster.check_pixels(image.width, image.height, name, number)
        try:
            page = raster.prepare(image)
        except MemoryError as exc:
            raise limit_error(N_("{file}: page {page} is too large to process in the memory "
                                 "available"), "memory", file=name, page=number) from exc
        if page is not None:
            pages.append(page)
    if not pages:
        raise NotAFormPDFError(N_("{file}: the scan is blank (no printed form found)"),
                               file=name)
    if not any(p.tables for p in pages):
        raise NotAFormPDFError(
            N_("{file}: no printed form found on the scan (no table ruled with lines); send a "
               "scan or photo of a whole formkit form"), file=name)
    return pages


def _title_errors(title: str, text: str) -> float:
    """The share of a title's characters misread where it best matches the text (1.0: absent)."""
    import regex

    title = squash(title)
    if not title or not text:
        return 1.0
    k = max(1, len(title) // 3)
    m = regex.search(f"(?:{regex.escape(title)}){{e<={k}}}", text, regex.BESTMATCH)
    return sum(m.fuzzy_counts) / len(title) if m else 1.0


def _best_title(form: Form, head: str, every: bool = True) -> tuple[float, int]:
    """How well the form's title, or the best of its titles (a form whose title follows its
    mode has several), reads in the head of the scan: (share misread, minus its length)."""
    return min((_title_errors(t, head), -len(squash(t)))
               for t in (titles(form) if every else [form.title]))


def _identify(units: list[Unit], wanted: Form | None, name: str) -> Form:
    """The form on the scan: by its printed title, any of its titles (misread characters
    allowed), or, when the title reads too badly (a short title in bold type, at 200 dpi),
    by the share of the form's label cells found on the pages."""
    head = squash("".join(c for u in units[:12] for c in u.cells))
    text = squash("".join(c for u in units for c in u.cells))
    if wanted is not None:
        if _best_title(wanted, head)[0] > 0.5 and _label_share(wanted, text) < 0.5:
            raise NotAFormPDFError(N_("{file}: the title of {form} is not on the scan"),
                                   file=name, form=wanted.id)
        return wanted
    forms = list(catalog())
    for every in (False, True):  # a main title first: a mode's short title (補正通知) is
        # common words of other forms
        by_title = sorted(forms, key=lambda f: _best_title(f, head, every))
        if by_title and _best_title(by_title[0], head, every)[0] <= 0.34:
            return by_title[0]
    shares = sorted(((_label_share(f, text), f.id) for f in forms), reverse=True)
    best, runner_up = shares[0][0], shares[1][0] if len(shares) > 1 else 0.0
    if best >= 0.5 and best >= 2 * runner_up:
        return next(f for f in forms if f.id == shares[0][1])
    raise NotAFormPDFError(N_("{file}: not a formkit form (no known form title found on the "
                              "scan)"), file=name)


def _label_share(form: Form, text: str) -> float:
    """The share of the form's label cells (static text of two characters or more)
    that stand, exactly, in the squashed text of the scan."""
    from ..render.model import build

    labels = {squash("".join(s.text for s in cell.segs))
              for block in build(form, {}).blocks for row in block.rows for cell in row
              if all(s.kind == "text" for s in cell.segs)}
    labels = {t for t in labels if len(t) >= 2 and not t.isdigit()}
    return sum(t in text for t in labels) / len(labels) if labels else 0.0


# ---------------------------------------------------------------- label：value lines


def _label_rows(form: Form) -> list[tuple[str, str]]:
    """(label, value template) of the layout's grid rows that start with a label and a value.

    A cell of tick boxes for one choice stands for the choice's printed label.
    """
    out = []
    for spec in form.layout:
        if not isinstance(spec, dict) or len(spec) != 1:
            continue
        kind, body = next(iter(spec.items()))
        if kind not in ("grid", "signatures") or not isinstance(body, dict):
            continue
        for row in body.get("rows", []):
            texts = [str(c.get("t", "")) if isinstance(c, dict) else str(c) for c in row][:2]
            if len(texts) < 2 or "{" in texts[0]:
                continue
            value = texts[1].strip()
            fields = re.findall(r"\{([^{}]+)\}", value)
            keys = {f.split("=", 1)[0] for f in fields}
            if re.fullmatch(r"\{[^{}=?]+\}", value):
                out.append((texts[0], value))
            elif len(keys) == 1 and all("=" in f for f in fields):
                out.append((texts[0], f"{{{keys.pop()}}}"))
    return out


def _read_labelled_lines(form: Form, units: list[Unit], result: TextResult) -> None:
    """Values printed as 「label：value」 lines rather than in a grid's cells.

    A grid drawn without rules (the MIT certificate's face) or a user's
    hand-made template prints the layout's grid rows this way, in its own
    order, several to a line at times (separated by ；).
    When most of the grid's rows were not found as rows, each such piece
    becomes a two-cell row, and a layout of just those rows, in the scan's
    order, is read like any other.
    """
    every = _label_rows(form)
    rows = [(label, tpl) for label, tpl in every
            if get(result.data, _key(tpl)) is None and _key(tpl) not in result.empty]
    if len(rows) < 0.7 * len(every):
        return  # the grid was printed as a grid: a line that starts with a label is a heading
    found: list[tuple[list[str], Unit]] = []
    for unit in units:
        if unit.table:
            continue
        for piece in _pieces(unit.cells[0]):
            hit = _label_of(piece, rows)
            if hit is not None:
                label, tpl, end = hit
                found.append(([label, tpl], Unit([label, _slice(piece, end, len(piece))], True)))
                rows.remove((label, tpl))
    if not found:
        return
    layout = [{"grid": {"rows": [row for row, _ in found]}}]
    extra = read_text(dataclasses.replace(form, layout=layout), [u for _, u in found], fuzzy=True)
    for key, value in extra.confidence.items():
        if key not in result.confidence:
            set_(result.data, key, get(extra.data, key))
            result.confidence[key] = value
    result.empty = sorted(set(result.empty) - set(result.confidence))


def _key(template: str) -> str:
    """The record key of a value template: {issue_date|date_long} → issue_date."""
    return template.strip("{}").split("|")[0]


def _slice(text: str, start: int, end: int) -> str:
    sure = getattr(text, "sure", None)
    return OcrText(text[start:end], list(sure[start:end])) if sure is not None else text[start:end]


def _pieces(text: str) -> list[str]:
    """A line cut at full-width semicolons (審查通過日期：…；授權使用契約簽訂日期：…)."""
    out, start = [], 0
    for m in re.finditer(r"\s*[；;]\s*", text):
        out.append(_slice(text, start, m.start()))
        start = m.end()
    out.append(_slice(text, start, len(text)))
    return [p for p in out if p.strip()]


def _label_of(text: str, rows: list[tuple[str, str]]) -> tuple[str, str, int] | None:
    """The label a piece of text starts with, and where its value starts.

    The colon after the label may be lost to OCR; without it the label must
    be read exactly, with it a third of the label may be misread.
    """
    import regex

    colon = regex.search(r"[:：]", text)
    best: tuple[int, str, str, int] | None = None
    for label, tpl in rows:
        k = max(1, len(label) // 3)
        hit: tuple[int, int] | None = None
        if colon is not None and abs(colon.start() - len(label)) <= k:
            pattern = f"(?:{regex.escape(label)}){{e<={k}}}\\s*"
            try:
                m = regex.fullmatch(pattern, text[: colon.start()], regex.BESTMATCH,
                                    timeout=fuzzy.TIMEOUT_S)
            except TimeoutError:
                m = None
            if m is not None:
                hit = (sum(m.fuzzy_counts), colon.end())
        if hit is None and text.startswith(label) and len(text) > len(label):
            hit = (0, len(label))
        if hit is not None and (best is None or (hit[0], -len(label)) < (best[0], -len(best[1]))):
            best = (hit[0], label, tpl, hit[1])
    if best is None:
        return None
    _, label, tpl, end = best
    while end < len(text) and text[end].isspace():
        end += 1
    return label, tpl, end


# Nothing read by OCR is certain: every value stays under parse.REVIEW_BELOW (0.95).
MAX_CONFIDENCE = 0.94
# Free text has no type to check it against: in the measurements one value in
# twenty read with full agreement still had a character wrong (Zh-TW, 盡度).
MAX_TEXT = 0.88
# A value that validation finds inconsistent (a total that is not the sum of
# its lines, a derived day count) holds a misreading, or stands beside one.
INCONSISTENT = 0.5


def _review_all(form: Form, result: TextResult) -> None:
    """Confidences capped by what can be checked: the value's type, and validation."""
    from ..engine import validate
    from ..schema import schema_node

    try:
        findings = validate(form, result.data).findings
    except FormkitError:  # a record too broken to check: the caps below still hold
        findings = []
    flagged: set[str] = set()
    for f in findings:
        # Schema errors and computed values that differ: not rules that depend on today.
        checked = f.rule == "schema" or f.expected is not None or f.actual is not None
        if f.severity == "error" and f.path and checked:
            flagged |= _differing(_dotted(f.path), f.expected, f.actual)
    for key, value in result.confidence.items():
        node = schema_node(form.schema, key)
        typed = bool(choices(node)) or node.get("format") or node.get("type") not in ("string", None)
        cap = MAX_CONFIDENCE if typed else MAX_TEXT
        if key in flagged or any(key.startswith(f + ".") for f in flagged):
            cap = min(cap, INCONSISTENT)
        result.confidence[key] = round(min(value, cap), 3)


def _differing(key: str, expected: Any, actual: Any) -> set[str]:
    """The keys under ``key`` where a computed value and the one read differ (all of it
    when the finding does not say)."""
    if isinstance(expected, dict) and isinstance(actual, dict):
        return {k for name in expected.keys() | actual.keys()
                for k in _differing(f"{key}.{name}", expected.get(name), actual.get(name))}
    if isinstance(expected, list) and isinstance(actual, list) and len(expected) == len(actual):
        return {k for i, (e, a) in enumerate(zip(expected, actual, strict=True))
                for k in _differing(f"{key}.{i}", e, a)}
    if expected == actual and expected is not None:
        return set()
    return {key}


def _dotted(pointer: str) -> str:
    """A JSON pointer (/sites/0/b) as a dotted key (sites.0.b)."""
    return pointer_to_dotted(pointer) if pointer.startswith("/") else pointer
