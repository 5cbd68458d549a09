"""HTML for a form: the document model through a sandboxed Jinja template."""

from __future__ import annotations

from functools import cache
from importlib.resources import files
from pathlib import Path
from typing import Any

from ..catalog import Form
from ..errors import InputError
from ..resources import user_template_dirs
from .model import _label_for, build

_TEMPLATES = files("formkit.render") / "templates"


@cache
def _env(extra: tuple[str, ...] = ()) -> Any:
    """A sandboxed, autoescaping environment: user templates are untrusted."""
    from jinja2 import ChainableUndefined, ChoiceLoader, DictLoader, FileSystemLoader
    from jinja2.sandbox import ImmutableSandboxedEnvironment

    builtin = {
        "form.html.j2": (_TEMPLATES / "form.html.j2").read_text(encoding="utf-8"),
    }
    loaders: list[Any] = [FileSystemLoader(d) for d in extra]
    loaders.append(DictLoader(builtin))
    env = ImmutableSandboxedEnvironment(
        loader=ChoiceLoader(loaders), autoescape=True, undefined=ChainableUndefined
    )
    from . import filters

    env.filters.update(filters.FILTERS)
    return env


@cache
def stylesheet() -> str:
    return (_TEMPLATES / "form.css").read_text(encoding="utf-8")


def _form_template(form: Form, templates: str | None) -> tuple[Any, str] | None:
    """A hand-made HTML template for this form: a user override first, then the form's own."""
    name = f"{form.scheme}/{form.name}.html"
    for d in user_template_dirs(templates):
        if (d / name).is_file():
            return _env((str(d),)), name
    own = form.template("html")
    if own is not None:
        return _env((str(own.parent),)), own.name
    return None


def custom_template(form: Form, record: dict[str, Any] | None,
                    templates: str | None) -> tuple[Any, str] | None:
    """The hand-made template a filled record is drawn with, if any (blanks never use one)."""
    return _form_template(form, templates) if record is not None else None


def render_html(
    form: Form,
    record: dict[str, Any] | None,
    *,
    draft: bool = False,
    templates: str | None = None,
    fillable: bool = False,
    inline_css: bool = True,
) -> str:
    """The HTML of a filled (or, with record None, blank) form.

    With ``inline_css`` False the generic template leaves the kit's stylesheet
    out, for a renderer that applies it pre-parsed (:func:`formkit.render.pdf.layout`).
    A hand-made template always carries its own styles.

    ``fillable`` marks every field of a blank with ``data-f`` (and a cell that
    holds only one field with ``data-cell``) so that form fields can be laid
    over them; see :mod:`formkit.render.fillable`.
    """
    from .. import __version__
    from jinja2 import TemplateError
    from markupsafe import Markup
    from jinja2.exceptions import SecurityError

    doc = build(form, record)
    context = {
        "form": form,
        "doc": doc,
        "r": record or {},
        "draft": draft,
        "css": Markup(stylesheet()),  # the kit's own stylesheet, not record data
        "inline_css": inline_css,
        "version": __version__,
        "blank": record is None,
        "fillable": fillable and record is None,
        "label": lambda key, code: _label_for(form, key, code),
    }
    custom = custom_template(form, record, templates)
    try:
        if custom is not None:
            env, name = custom
            return env.get_template(name).render(**context)
        return _env().get_template("form.html.j2").render(**context)
    except SecurityError as exc:
        raise InputError(f"template refused: it tried to reach Python internals ({exc})") from exc
    except TemplateError as exc:
        raise InputError(f"template error: {exc}") from exc


def template_dir() -> Path:
    return Path(str(_TEMPLATES))
