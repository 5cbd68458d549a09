"""Whatever bytes arrive, ``parse_pdf`` returns a record or raises a ``FormkitError``
(issue 5): nothing else escapes, and nothing runs into its time cap.

Inputs: any bytes; any bytes behind a PDF header (so that the PDF readers see them);
and mutations of real formkit PDFs (a filled form and a blank one): bit flips, bytes
inserted, runs deleted, numbers changed in object headers, lengths, references and
``startxref``, the tail cut off, and a piece of one PDF spliced into the other.

The examples come from the Hypothesis profile ``formkit-parse`` (about 20 s);
``FORMKIT_PARSE_EXAMPLES=2000`` runs longer. ``fuzz/fuzz_parse.py`` is the long
run, outside pytest.
"""

from __future__ import annotations

import os
import re
from functools import cache

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from formkit import parse_pdf
from formkit.errors import FormkitError, LimitExceeded
from formkit.parse import Limits, ParseResult

from ..conftest import AS_OF

# Far above what any of these inputs needs (a formkit PDF parses in about 1 s, OCR of
# a page in under 10 s): reaching it means a hang.
LIMITS = Limits(timeout_s=30, ocr_s_per_page=0)

settings.register_profile(
    "formkit-parse",
    max_examples=int(os.environ.get("FORMKIT_PARSE_EXAMPLES", "0")) or 50,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    derandomize=False,
)
PROFILE = settings.get_profile("formkit-parse")


def _check(data: bytes) -> None:
    try:
        result = parse_pdf(data, as_of=AS_OF, limits=LIMITS)
    except LimitExceeded as exc:
        assert getattr(exc, "limit", None) != "time", f"a hang: {exc}"
    except FormkitError:
        pass
    else:
        assert isinstance(result, ParseResult)
        result.as_dict("en")  # and it can be printed


@cache
def _seed(kind: str) -> bytes:
    from formkit import fill, get_form, render_pdf

    form = "mit/annex-09-corrective-plan"
    if kind == "blank":
        return render_pdf(form, None)
    return render_pdf(form, fill(form, get_form(form).sample, as_of=AS_OF).record)


# Numbers whose change moves the PDF readers' ground: object headers, references,
# lengths, counts, xref offsets.
_NUMBERS = re.compile(rb"(\d+)(?= \d+ obj| \d+ R)|(?<=/Length )\d+|(?<=/Count )\d+|"
                      rb"(?<=startxref\n)\d+|(?<=/Size )\d+|(?<=/Prev )\d+")


@st.composite
def mutated_pdfs(draw: st.DrawFn) -> bytes:
    kind = draw(st.sampled_from(["filled", "blank"]))
    data = bytearray(_seed(kind))
    for _ in range(draw(st.integers(1, 6))):
        op = draw(st.sampled_from(["flip", "insert", "delete", "number", "truncate", "splice"]))
        # Past the header, mostly: a broken header is refused before any reader sees it.
        at = draw(st.integers(min(16, len(data) - 1), max(0, len(data) - 1)))
        if op == "flip":
            data[at] ^= 1 << draw(st.integers(0, 7))
        elif op == "insert":
            data[at:at] = draw(st.binary(min_size=1, max_size=64))
        elif op == "delete":
            del data[at:at + draw(st.integers(1, 4096))]
        elif op == "truncate":
            del data[max(at, len(data) // 2):]
        elif op == "number":
            spots = list(_NUMBERS.finditer(data))
            if spots:
                m = spots[draw(st.integers(0, len(spots) - 1))]
                new = draw(st.sampled_from([b"0", b"-1", b"1", b"99999999999", b"2147483648"])
                           | st.integers(0, 10**6).map(lambda n: str(n).encode()))
                data[m.start():m.end()] = new
        else:
            other = _seed("blank" if kind == "filled" else "filled")
            start = draw(st.integers(0, len(other) - 1))
            data[at:at] = other[start:start + draw(st.integers(1, 8192))]
        if not data:
            break
    return bytes(data)


@settings(PROFILE, max_examples=max(PROFILE.max_examples * 4, 100))
@given(st.binary(max_size=2048))
def test_any_bytes(data: bytes) -> None:
    _check(data)


@settings(PROFILE, max_examples=max(PROFILE.max_examples * 4, 100))
@given(st.binary(max_size=4096))
def test_any_bytes_behind_a_pdf_header(data: bytes) -> None:
    _check(b"%PDF-1.7\n" + data)


@pytest.mark.slow
@settings(PROFILE)
@given(mutated_pdfs())
def test_mutations_of_formkit_pdfs(data: bytes) -> None:
    _check(data)
