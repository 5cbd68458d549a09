"""Masking national ID numbers (身分證統一編號) in text and values: the lowest layer.

This module imports nothing from formkit, so that :mod:`formkit.errors` and
:mod:`formkit.findings` can mask what they show without depending on the rest of
the package. Masking a record by its schema, and rendering it masked, is
:mod:`formkit.redact`'s (which also re-exports everything here).

- :func:`mask_national_id` masks one number: the letter and the last three digits
  stay (``A******789``).
- :func:`redact_text` masks anything shaped like a national ID, ``[A-Z]`` and nine
  digits of which the first is 1, 2 (citizens), 8, 9 (foreign residents since 2021)
  or A to D (resident certificates before 2021), half- or full-width, in either
  letter case; :func:`redact_value` does so in every string of a JSON-like value.
- :class:`RedactingFilter` does so in log records; importing formkit installs one on
  the ``formkit`` logger.
- :class:`RedactedRecord` marks a record whose national IDs were masked for rendering.
"""

from __future__ import annotations

import logging
import re
from typing import Any

LOGGER = "formkit"

_LETTER = "A-Za-zＡ-Ｚａ-ｚ"
_DIGIT = "0-9０-９"
# Not inside a longer run of letters and digits: "XA123456789" and "A1234567890" are
# other codes. Full-width forms count, since people type them.
NATIONAL_ID_SHAPE = re.compile(
    rf"(?<![{_LETTER}{_DIGIT}])[{_LETTER}][{_DIGIT}A-Da-dＡ-Ｄａ-ｄ][{_DIGIT}]{{8}}(?![{_DIGIT}])"
)


def mask_national_id(nid: str) -> str:
    """``A******789``: the letter and the last three digits of a 10-character id.

    Anything shorter is masked whole, so a partial id never shows most of itself.
    """
    if len(nid) < 10:
        return "*" * len(nid)
    return nid[:1] + "*" * (len(nid) - 4) + nid[-3:]


def redact_text(text: str) -> str:
    """``text`` with everything shaped like a national ID masked."""
    if not isinstance(text, str):
        return text
    return NATIONAL_ID_SHAPE.sub(lambda m: mask_national_id(m.group()), text)


def redact_value(value: Any) -> Any:
    """A JSON-like value with every string in it passed through :func:`redact_text`."""
    if isinstance(value, str):
        return redact_text(value)
    if isinstance(value, list):
        return [redact_value(v) for v in value]
    if isinstance(value, tuple):
        return tuple(redact_value(v) for v in value)
    if isinstance(value, dict):
        return {redact_text(k) if isinstance(k, str) else k: redact_value(v)
                for k, v in value.items()}
    return value


# -- logging -----------------------------------------------------------------------------


class RedactingFilter(logging.Filter):
    """Masks national IDs in a log record: its message, and any traceback or stack it carries.

    The message is formatted here (``msg % args``) and stored whole, so no
    argument reaches a handler unmasked. It never drops a record.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 - a broken record is the logging module's to report
            return True
        record.msg, record.args = redact_text(message), None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact_text(record.exc_text)
        if record.stack_info:
            record.stack_info = redact_text(record.stack_info)
        return True


def install_log_filter(logger: str = LOGGER) -> RedactingFilter:
    """Put a :class:`RedactingFilter` on a logger (once) and return it.

    A logger's filters see only the records logged on that very logger, not
    those of its children (``formkit.x``) nor of other libraries; for those, add
    a :class:`RedactingFilter` to the handler that writes them.
    """
    target = logging.getLogger(logger)
    for f in target.filters:
        if isinstance(f, RedactingFilter):
            return f
    added = RedactingFilter()
    target.addFilter(added)
    return added


install_log_filter()


# -- records -----------------------------------------------------------------------------


class RedactedRecord(dict):  # type: ignore[type-arg]
    """A record whose national IDs are masked: renderers say so in what they write."""

    redacted = True


def is_redacted(record: Any) -> bool:
    return bool(getattr(record, "redacted", False))
