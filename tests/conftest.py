from __future__ import annotations

import shutil
from datetime import date

import pytest

from formkit.forms import catalog

# Fixed date of reference: tests never read the clock.
AS_OF = date(2024, 6, 1)

FORM_IDS = [f.id for f in catalog()]

needs_soffice = pytest.mark.skipif(
    shutil.which("soffice") is None,
    reason="LibreOffice (soffice) is not installed; scripts/run-tests installs it",
)


@pytest.fixture(scope="session")
def as_of() -> date:
    return AS_OF


@pytest.fixture(autouse=True)
def _default_language(monkeypatch: pytest.MonkeyPatch) -> None:
    """The command line's messages in the default language (zh-TW), whatever the shell has."""
    monkeypatch.delenv("FORMKIT_LANG", raising=False)
