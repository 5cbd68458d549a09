"""Message translation through gettext catalogues in locales/.

Message ids are English with ``{placeholders}``; ``zh-TW`` (the default) and
``en`` are supported. Catalogues are compiled ``.mo`` files kept next to their
``.po`` sources (``pybabel compile -d locales -D formkit``).
"""

from __future__ import annotations

import gettext
from datetime import date, datetime
from functools import cache
from typing import Any

from .resources import data_dir

LANGS = {"zh-TW": "zh_Hant_TW", "zh_Hant_TW": "zh_Hant_TW", "en": "en"}
DEFAULT_LANG = "zh-TW"


def N_(message: str) -> str:
    """Mark a message id for extraction without translating it here."""
    return message


@cache
def _catalogue(lang: str) -> gettext.NullTranslations:
    code = LANGS.get(lang)
    if code is None:
        raise ValueError(f"unsupported language {lang!r}; use one of zh-TW, en")
    return gettext.translation(
        "formkit", localedir=str(data_dir("locales")), languages=[code], fallback=True
    )


class Localised(str):
    """A message parameter that reads differently in each language.

    It is the English text (so it formats, compares and serialises as a plain
    string) and carries its Traditional Chinese text, which :func:`translate`
    puts in a zh-TW message. Make one with :func:`label` or :func:`phrase`.
    """

    zh: str

    def __new__(cls, en: str, zh: str) -> Localised:
        self = super().__new__(cls, en)
        self.zh = zh
        return self

    def __getnewargs__(self) -> tuple[str, str]:  # type: ignore[override]  # pickling
        return str(self), self.zh

    def text(self, lang: str) -> str:
        return self.zh if LANGS.get(lang) == "zh_Hant_TW" else str(self)

    def replace(self, old: str, new: str, count: int = -1) -> Localised:  # type: ignore[override]
        """Both texts changed alike (masking a national ID keeps the parameter bilingual)."""
        return Localised(str(self).replace(old, new, count), self.zh.replace(old, new, count))


def label(code: Any, text: str | None) -> str:
    """A code with its verbatim label: the label alone in zh-TW, ``code (label)`` in en."""
    if not text or text == str(code):
        return str(code)
    return Localised(f"{code} ({text})", text)


def phrase(message: str, params: dict[str, Any] | None = None) -> Localised:
    """A message id used as a parameter of another message, translated with it."""
    return Localised(translate(message, "en", params), translate(message, "zh-TW", params))


def shown(value: Any, lang: str, roc_days: bool = False) -> Any:
    """A message parameter as it reads in ``lang``: anything with a ``text(lang)`` (a
    :class:`Localised`, a finding, an error) in that language; with ``roc_days``, in
    Chinese, a day (a date, or a string that is exactly an ISO date) in ROC style,
    113年5月6日, as the forms print it; the rest as it is."""
    text = getattr(value, "text", None)
    if callable(text):
        return text(lang)
    if roc_days and lang.startswith("zh") and isinstance(value, str | date):
        from .dates import ROC_OFFSET, iso_date, roc_short

        day = value if isinstance(value, date) and not isinstance(value, datetime) else (
            iso_date(value))
        if day is not None and day.year > ROC_OFFSET:
            return roc_short(day)
    return value


def translate(message: str, lang: str = DEFAULT_LANG, params: dict[str, Any] | None = None,
              *, roc_days: bool = False) -> str:
    """``message`` in ``lang``, filled from ``params``; ``roc_days``: days in ROC style
    in Chinese (what a finding shows, beside the ROC dates of its form)."""
    text = _catalogue(lang).gettext(message)
    if params:
        values = {k: shown(v, lang, roc_days) for k, v in params.items()}
        try:
            return text.format(**values)
        except (KeyError, IndexError, ValueError):
            # A translation with a broken placeholder must not hide the finding.
            return message.format(**values)
    return text
