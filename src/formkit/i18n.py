"""Message translation through gettext catalogues in locales/.

Message ids are English with ``{placeholders}``; ``zh-TW`` (the default) and
``en`` are supported. Catalogues are compiled ``.mo`` files kept next to their
``.po`` sources (``pybabel compile -d locales -D formkit``).
"""

from __future__ import annotations

import gettext
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


def translate(message: str, lang: str = DEFAULT_LANG, params: dict[str, Any] | None = None) -> str:
    text = _catalogue(lang).gettext(message)
    if params:
        try:
            return text.format(**params)
        except (KeyError, IndexError, ValueError):
            # A translation with a broken placeholder must not hide the finding.
            return message.format(**params)
    return text
