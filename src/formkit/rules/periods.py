"""Period arithmetic for every rule (catalogue §0.3.5, T1–T10).

行政程序法 §48 and 民法 §§120–122: the first day is not counted, months end
per 民法 §121, and the last day of a time limit for a party's act rolls past
Saturdays, Sundays and national holidays (with make-up workdays, 補班) taken
from the ``holidays`` package's Taiwan calendar. Validity ends, ban ends and
look-back windows never roll over.

Every rule that counts days calls this module; nothing else does date sums.
"""

from __future__ import annotations

import calendar
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cache, wraps
from pathlib import Path
from typing import ParamSpec, TypeVar

from ..dates import roc_short
from ..errors import InputError
from ..i18n import DEFAULT_LANG, N_, Localised, translate

UNITS = ("day", "month", "year")

_P = ParamSpec("_P")
_R = TypeVar("_R")


class PeriodOutOfRange(InputError, OverflowError):
    """A period whose end (or start) falls outside the days Python's dates hold
    (0001-01-01 to 9999-12-31). An :class:`InputError`, so the CLI exits 2 and the engine
    treats it as any other rule's failure on bad input; also an ``OverflowError``, which
    is what date arithmetic raised here before."""


def _bounded(func: Callable[_P, _R]) -> Callable[_P, _R]:
    """``func`` with the OverflowError (and ``year out of range``) of date arithmetic past
    9999-12-31 or before 0001-01-01 raised as :class:`PeriodOutOfRange`."""

    @wraps(func)
    def run(*args: _P.args, **kwargs: _P.kwargs) -> _R:
        try:
            return func(*args, **kwargs)
        except PeriodOutOfRange:
            raise
        except (OverflowError, ValueError) as exc:
            if isinstance(exc, InputError) or not _out_of_range(exc):
                raise
            day = next((a for a in args if isinstance(a, date)), None)
            raise PeriodOutOfRange(
                N_("a period from {day} ends outside the days formkit can count "
                   "(0001-01-01 to 9999-12-31)"),
                day=day.isoformat() if day else "?") from exc

    return run


def _out_of_range(exc: BaseException) -> bool:
    # OverflowError: "date value out of range"; ValueError: "year 10000 is out of range".
    return isinstance(exc, OverflowError) or "out of range" in str(exc)

_UNIT_WORDS = {
    "day": "day", "days": "day", "d": "day", "日": "day", "天": "day",
    "month": "month", "months": "month", "m": "month", "個月": "month", "月": "month",
    "year": "year", "years": "year", "y": "year", "年": "year",
}  # fmt: skip
_CN_DIGITS = {"一": 1, "二": 2, "兩": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8,
              "九": 9}  # fmt: skip
_CN_NUMERAL = re.compile(r"(?:([一二兩三四五六七八九])?(百))?(?:([一二三四五六七八九])?(十))?"
                         r"([一二三四五六七八九])?")  # fmt: skip


def _cn_number(text: str) -> int | None:
    """一 … 九百九十九 (兩, 十一, 十四, 三十一, 六十, 一百二十); None for anything else."""
    if text == "兩":
        return 2
    m = _CN_NUMERAL.fullmatch(text)
    if not m or not text:
        return None
    hundreds_digit, hundred, tens_digit, ten, units = m.groups()
    n = 0
    if hundred:
        n += 100 * (_CN_DIGITS[hundreds_digit] if hundreds_digit else 1)
    if ten:
        if hundred and not tens_digit:
            return None  # 一百十: written 一百一十
        n += 10 * (_CN_DIGITS[tens_digit] if tens_digit else 1)
    if units:
        n += _CN_DIGITS[units]
    return n


class _Calendar:
    """Taiwan's rest days and holiday names for some years, from the ``holidays`` library."""

    def __init__(self, rest: dict[str, str], names: dict[str, str],
                 names_zh: dict[str, str]) -> None:
        self.rest, self.names, self.names_zh = rest, names, names_zh

    def is_working_day(self, d: date) -> bool:
        return d.isoformat() not in self.rest

    def get(self, d: date, lang: str = "en") -> str | None:
        return (self.names_zh if _is_zh(lang) else self.names).get(d.isoformat())


def _holidays_stamp() -> str | None:
    """Identifies the installed ``holidays`` release without importing it (that costs 0.1 s)."""
    import importlib.util

    spec = importlib.util.find_spec("holidays")
    if spec is None or not spec.origin:
        return None
    taiwan = Path(spec.origin).parent / "countries" / "taiwan.py"
    try:
        st = taiwan.stat()
    except OSError:
        return None
    return f"{st.st_size}-{st.st_mtime_ns}"


@cache
def _calendar(year: int) -> _Calendar:
    """Years year-1..year+1, computed by ``holidays`` once and kept in formkit's cache folder."""
    import json

    from ..resources import cache_dir

    stamp = _holidays_stamp()
    path = cache_dir() / f"tw-calendar-{stamp}-{year}.json"
    if stamp is not None:
        try:
            cached = json.loads(path.read_text(encoding="utf-8"))
            return _Calendar(cached["rest"], cached["names"], cached["names_zh"])
        except (OSError, ValueError, KeyError, TypeError):
            pass
    import holidays

    years = range(max(year - 1, date.min.year), min(year + 1, date.max.year) + 1)
    tw = holidays.country_holidays("TW", years=years)
    tw_zh = holidays.country_holidays("TW", years=years, language="zh_TW")
    rest, names, names_zh = {}, {}, {}
    first, end = date(years[0], 1, 1), date(years[-1], 12, 31)
    for offset in range((end - first).days + 1):
        day = first + timedelta(days=offset)
        if not tw.is_working_day(day):
            rest[day.isoformat()] = ""
        if (name := tw.get(day)) is not None:
            names[day.isoformat()] = str(name)
            names_zh[day.isoformat()] = str(tw_zh.get(day) or name)
    if stamp is not None:
        try:
            from ..records import write_atomic

            path.parent.mkdir(parents=True, exist_ok=True)
            cached = {"rest": rest, "names": names, "names_zh": names_zh}
            write_atomic(path, json.dumps(cached, ensure_ascii=False).encode())
        except OSError:
            pass  # an unwritable cache only costs the computation next time
    return _Calendar(rest, names, names_zh)


def is_rest_day(d: date, extra_holidays: frozenset[date] = frozenset(),
                extra_workdays: frozenset[date] = frozenset()) -> bool:
    """A Saturday, Sunday or national holiday, unless it is a make-up workday."""
    if d in extra_workdays:
        return False
    if d in extra_holidays:
        return True
    return not _calendar(d.year).is_working_day(d)


def rest_day_name(d: date, lang: str = "en") -> str:
    """The holiday's name (「春節」, "Chinese New Year"), else 星期六/Saturday or 星期日/Sunday;
    "" for a working day."""
    name = _calendar(d.year).get(d, lang)
    if name:
        return str(name)
    weekend = {5: ("Saturday", "星期六"), 6: ("Sunday", "星期日")}.get(d.weekday())
    return "" if weekend is None else weekend[_is_zh(lang)]


def _is_zh(lang: str) -> bool:
    return lang != "en"


def day_text(d: date) -> Localised:
    """A date in an explanation: ISO in en, 「民國113年4月15日」 in zh-TW."""
    return Localised(d.isoformat(), f"民國{roc_short(d)}")


def period_text(n: int, unit: str) -> Localised:
    """``1 month(s)`` in en, 「1 個月」 in zh-TW."""
    return Localised(f"{n} {unit}(s)", f"{n} {_UNITS_ZH.get(unit, unit)}")


_UNITS_ZH = {"day": "日", "month": "個月", "year": "年"}


def month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _shift(year: int, month: int, n: int) -> tuple[int, int]:
    idx = year * 12 + (month - 1) + n
    return idx // 12, idx % 12 + 1


@_bounded
def add_months(d: date, n: int) -> date:
    """The same day n months later (or earlier), clamped to the month's end."""
    y, m = _shift(d.year, d.month, n)
    return date(y, m, min(d.day, calendar.monthrange(y, m)[1]))


@_bounded
def period_end(first_day: date, n: int, unit: str) -> date:
    """The last day of a period of n units whose first counted day is ``first_day``.

    民法 §121: a period in months or years that does not start at the beginning
    of a month ends the day before the corresponding day of the last month, or
    on the last day of that month when it has no corresponding day.
    """
    if unit not in UNITS:
        raise InputError(N_("unit must be one of {units}, not {unit!r}"), units=UNITS, unit=unit)
    if n < 0:
        raise InputError(N_("a period cannot be negative"))
    if unit == "day":
        return first_day + timedelta(days=n - 1)
    months = n * 12 if unit == "year" else n
    if first_day.day == 1:
        y, m = _shift(first_day.year, first_day.month, months - 1)
        return month_end(y, m)
    y, m = _shift(first_day.year, first_day.month, months)
    if first_day.day > calendar.monthrange(y, m)[1]:
        return month_end(y, m)
    return date(y, m, first_day.day) - timedelta(days=1)


@dataclass(frozen=True)
class Deadline:
    """A computed last day, with the reason it moved, if it did."""

    event: date
    n: int
    unit: str
    nominal: date
    last_day: date
    skipped: tuple[tuple[date, str], ...] = field(default=())

    @property
    def rolled(self) -> bool:
        return self.last_day != self.nominal

    def reasons(self, lang: str = DEFAULT_LANG) -> list[str]:
        """Why each skipped day is a rest day (「星期日」, 「春節」), in ``lang``."""
        holiday = translate(N_("holiday"), lang)
        return [rest_day_name(d, lang) or holiday for d, _ in self.skipped]

    @_bounded
    def explain(self, lang: str = DEFAULT_LANG) -> str:
        """How the last day was counted, in ``lang`` (zh-TW dates the ROC way)."""
        text = translate(
            N_("event {event}; counting starts the next day ({start}); {period} end on {nominal}"),
            lang,
            {"event": day_text(self.event), "start": day_text(self.event + timedelta(days=1)),
             "period": period_text(self.n, self.unit), "nominal": day_text(self.nominal)},
        )
        if self.rolled:
            days = [translate(N_("{day} ({name})"), lang, {"day": day_text(d), "name": why})
                    for (d, _), why in zip(self.skipped, self.reasons(lang), strict=True)]
            text += translate(
                N_("; rest days {days}: the last day moves to {last_day}"), lang,
                {"days": (", " if lang == "en" else "、").join(days),
                 "last_day": day_text(self.last_day)},
            )
        return text


@_bounded
def deadline(
    event: date,
    n: int,
    unit: str = "day",
    *,
    rollover: bool = True,
    include_start: bool = False,
    extra_holidays: frozenset[date] = frozenset(),
    extra_workdays: frozenset[date] = frozenset(),
) -> Deadline:
    """T1–T3 and T10: the last day of a time limit of n units after ``event``.

    The event day itself is not counted unless ``include_start`` (AMB-04's
    other reading). With ``rollover`` the last day moves past rest days.

    >>> deadline(date(2024, 2, 29), 1, "month").last_day
    datetime.date(2024, 4, 1)
    """
    first = event if include_start else event + timedelta(days=1)
    nominal = period_end(first, n, unit)
    last, skipped = nominal, []
    if rollover:
        while is_rest_day(last, extra_holidays, extra_workdays):
            skipped.append((last, rest_day_name(last) or "holiday"))
            last += timedelta(days=1)
    return Deadline(event, n, unit, nominal, last, tuple(skipped))


@_bounded
def last_day(event: date, n: int, unit: str = "day", *, rollover: bool = True) -> date:
    return deadline(event, n, unit, rollover=rollover).last_day


@_bounded
def validity_end(valid_from: date, n: int, unit: str = "year") -> date:
    """T4: the start day counts; never rolls over. 2023-11-01 + 3 years → 2026-10-31."""
    return period_end(valid_from, n, unit)


@_bounded
def within_lookback(doc_date: date, reference: date, n: int, unit: str = "month") -> bool:
    """T6: a document dated ``doc_date`` is within n units of ``reference``."""
    return period_end(doc_date + timedelta(days=1), n, unit) >= reference


@_bounded
def renewal_window(valid_to: date, n_months: int) -> tuple[date, date]:
    """T5: the last n whole months of validity, ``[start, valid_to]``."""
    return add_months(valid_to + timedelta(days=1), -n_months), valid_to


@_bounded
def notice_in_time(notice: date, event: date, n_days: int) -> bool:
    """T7: 「N 日前通知」 holds when ``notice <= event - n_days``."""
    return notice <= event - timedelta(days=n_days)


_PERIOD = re.compile(r"\s*([0-9]+|[一二兩三四五六七八九十百]+)\s*([a-z個月日天年]+)\s*(?:內)?\s*")


_PERIOD_HELP = N_("cannot read the period {period!r}; write it like '1 month' or '30 days'")


def parse_period(text: str) -> tuple[int, str]:
    """``"1 month"``, ``"6 months"``, ``"30 days"``, ``"三個月"``, ``"15日"`` → (n, unit)."""
    s = unicodedata.normalize("NFKC", text).strip().lower()
    m = _PERIOD.fullmatch(s)
    if not m:
        raise InputError(_PERIOD_HELP, period=text)
    num, word = m.groups()
    n = int(num) if num.isascii() else _cn_number(num)
    unit = _UNIT_WORDS.get(word)
    if n is None or unit is None:
        raise InputError(_PERIOD_HELP, period=text)
    return n, unit
