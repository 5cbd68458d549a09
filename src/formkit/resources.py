"""The one place that knows where formkit's data files live.

Installed from a wheel, forms/, schemas/, samples/ and locales/ are package
data under ``formkit/_data``. In a source checkout (editable install, or
running the tests) they are the repository's top-level folders.
"""

from __future__ import annotations

import os
from functools import cache
from importlib.resources import files
from pathlib import Path

_KINDS = ("forms", "schemas", "samples", "locales")


@cache
def data_root() -> Path:
    packaged = Path(str(files("formkit"))) / "_data"
    if (packaged / "forms").is_dir():
        return packaged
    # A source checkout: src/formkit/ -> repository root.
    checkout = Path(str(files("formkit"))).parent.parent
    if (checkout / "forms").is_dir():
        return checkout
    raise RuntimeError("formkit's data files (forms/, schemas/) are not installed")


def data_dir(kind: str) -> Path:
    if kind not in _KINDS:
        raise ValueError(kind)
    return data_root() / kind


def user_template_dirs(extra: str | os.PathLike[str] | None = None) -> list[Path]:
    """Template override folders: --templates first, then FORMKIT_TEMPLATES."""
    dirs = []
    if extra:
        dirs.append(Path(extra))
    env = os.environ.get("FORMKIT_TEMPLATES")
    if env:
        dirs.extend(Path(p) for p in env.split(os.pathsep) if p)
    return dirs


def cache_dir() -> Path:
    """Where formkit keeps what it derives once per machine (~/.cache/formkit)."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "formkit"
