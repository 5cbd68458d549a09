"""Imported once by the forkserver that parse workers are forked from (see
:mod:`formkit.parse.worker`): what every parse needs is loaded here, so that a
worker starts with it instead of loading it again (about 0.1 s a parse).

Nothing here reads a submitted file; the catalogue and the rules are formkit's own.
"""

from __future__ import annotations

import contextlib

import jsonschema  # noqa: F401
import pdfplumber  # noqa: F401
import PIL.Image  # noqa: F401
import pypdf  # noqa: F401
import pypdf.filters  # noqa: F401
import pypdfium2  # noqa: F401
import regex  # noqa: F401

from .. import engine, rules  # noqa: F401
from ..forms import catalog

with contextlib.suppress(ImportError):  # numpy: the OCR route is the `ocr` extra
    from . import ocr  # noqa: F401

with contextlib.suppress(Exception):  # a broken catalogue is reported by the parse itself
    catalog()
    rules.all_rules()
