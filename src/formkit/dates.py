"""ROC (民國) dates: reading what users type, and printing dates the ROC way.

Records hold ISO ``YYYY-MM-DD``. Users type ``115/11/21``, ``115.11.21``,
``民國115年11月21日``, ``中華民國115年11月21日`` or ``1151121``, and some type a
Western year the same way (``2026/11/21``, ``2026年11月21日``); :func:`parse_date`
reads all of them, full-width digits included. :func:`impossible_day` tells a day
that does not exist (``113/2/30``) from text that is not a date at all.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date

ROC_OFFSET = 1911

#: The first and last day a record may hold. Before 1912 there is no ROC year to print
#: (民國元年 is 1912); after 2100 the Taiwan holiday calendar that counts time limits
#: (``holidays``, :mod:`formkit.rules.periods`) has no holidays, and a day near 9999-12-31
#: leaves no room for the periods the rules add to it.
FIRST_DAY = date(1912, 1, 1)
LAST_DAY = date(2100, 12, 31)

# re.ASCII: \d would otherwise also match full-width and other scripts' digits, so
# "２０２４-０５-０１" would pass as a record's ISO date. Patterns are used with
# fullmatch, because "$" also matches before a trailing newline.
_ISO = re.compile(r"(\d{4})-(\d{2})-(\d{2})", re.ASCII)
_ERA = r"(?P<era>(?:中華)?民國)?\s*"
_ROC_WORDS = re.compile(
    _ERA + r"(?P<y>\d{1,4})\s*年\s*(?P<m>\d{1,2})\s*月\s*(?P<d>\d{1,2})\s*日?", re.ASCII
)
# One separator used twice: 115/11/21, 115.11.21, 115-11-21 (not 115/11.21).
_ROC_SEP = re.compile(
    _ERA + r"(?P<y>\d{1,4})\s*(?P<sep>[/.\-])\s*(?P<m>\d{1,2})\s*(?P=sep)\s*(?P<d>\d{1,2})",
    re.ASCII,
)
_ROC_COMPACT = re.compile(r"(?P<y>\d{2,3})(?P<m>\d{2})(?P<d>\d{2})", re.ASCII)


def _clean(text: str) -> str:
    # NFKC turns full-width digits and slashes into ASCII.
    return re.sub(r"\s+", " ", unicodedata.normalize("NFKC", text)).strip()


def _fields(text: str) -> tuple[int, int, int] | None:
    """(year AD, month, day) as written, whether or not that day exists; None if no date shape.

    A four-digit year is a Western one: ``2024/5/20`` and ``2024年5月20日`` read like
    ``113/5/20``, but ``2024-5-20`` does not (the ISO form is exactly ``YYYY-MM-DD``), nor
    does 民國 before a Western year, nor a year before the ROC era.
    """
    s = _clean(text)
    if m := _ISO.fullmatch(s):
        return int(m[1]), int(m[2]), int(m[3])
    m = _ROC_WORDS.fullmatch(s) or _ROC_SEP.fullmatch(s) or _ROC_COMPACT.fullmatch(s)
    if m is None:
        return None
    year, western = int(m["y"]), len(m["y"]) == 4
    if western and (m.groupdict().get("era") or m.groupdict().get("sep") == "-"):
        return None
    if western and year <= ROC_OFFSET:
        return None
    return (year if western else year + ROC_OFFSET), int(m["m"]), int(m["d"])


def parse_date(text: str) -> date | None:
    """Read an ISO or ROC date; None when the text is not a date in any accepted form.

    >>> parse_date("115/11/21")
    datetime.date(2026, 11, 21)
    >>> parse_date("民國113年5月1日")
    datetime.date(2024, 5, 1)
    >>> parse_date("2024/5/1")
    datetime.date(2024, 5, 1)
    """
    ymd = _fields(text)
    if ymd is None or ymd[0] <= ROC_OFFSET and not _ISO.fullmatch(_clean(text)):
        return None  # there is no year 0 of the ROC
    try:
        return date(*ymd)
    except ValueError:
        return None


def impossible_day(text: str) -> tuple[int, int, int] | None:
    """(year AD, month, day) of text written as a date whose day does not exist
    (``113/2/30``, ``2024-13-01``); None for a real day or for text that is no date."""
    ymd = _fields(text)
    if ymd is None or parse_date(text) is not None or ymd[0] <= ROC_OFFSET:
        return None
    return ymd


def out_of_range(text: str) -> tuple[int, int, int] | None:
    """(year AD, month, day) of text written as a date (ISO or ROC, real day or not) whose
    year is outside the years of :data:`FIRST_DAY` to :data:`LAST_DAY`; None otherwise."""
    ymd = _fields(text) if isinstance(text, str) else None
    if ymd is None or FIRST_DAY.year <= ymd[0] <= LAST_DAY.year:
        return None
    return ymd


def in_range(d: date) -> bool:
    """True for a day from :data:`FIRST_DAY` to :data:`LAST_DAY`."""
    return FIRST_DAY <= d <= LAST_DAY


def iso_date(value: object) -> date | None:
    """A record's ISO date string as a date; None for anything else.

    Rules and derivers use it on records that may have failed the schema, where
    a date field can hold anything; the schema check reports such values.
    """
    if not isinstance(value, str) or not _ISO.fullmatch(value):
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


def is_iso(text: str) -> bool:
    """True for exactly ``YYYY-MM-DD`` (ASCII digits) naming a real day."""
    return isinstance(text, str) and bool(_ISO.fullmatch(text)) and parse_date(text) is not None


def to_iso(text: str) -> str | None:
    d = parse_date(text)
    return d.isoformat() if d else None


def roc_year(d: date) -> int:
    if d.year <= ROC_OFFSET:
        raise ValueError(f"{d.isoformat()} is before the ROC era")
    return d.year - ROC_OFFSET


def roc_long(d: date | str) -> str:
    """``中華民國115年11月21日``."""
    d = _as_date(d)
    return f"中華民國{roc_year(d)}年{d.month}月{d.day}日"


def roc_short(d: date | str) -> str:
    """``115年11月21日``."""
    d = _as_date(d)
    return f"{roc_year(d)}年{d.month}月{d.day}日"


def roc_blank(d: date | str) -> str:
    """``115 年 11 月 21 日``, the way a date sits in a form's blanks."""
    d = _as_date(d)
    return f"{roc_year(d)} 年 {d.month} 月 {d.day} 日"


def _as_date(d: date | str) -> date:
    if isinstance(d, date):
        return d
    parsed = parse_date(d)
    if parsed is None:
        raise ValueError(f"not a date: {d!r}")
    return parsed
