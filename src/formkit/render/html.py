"""HTML for a form: the document model through a sandboxed Jinja template."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from pathlib import Path
from typing import Any

from ..errors import FormkitError, InputError, LimitExceeded
from ..forms import Form
from ..i18n import N_
from ..resources import user_template_dirs
from .model import _label_for, build
from .segments import segs_html

_TEMPLATES = files("formkit.render") / "templates"


@cache
def _env(folder: str | None = None) -> Any:
    """A sandboxed, autoescaping environment reading templates from ``folder`` only.

    The kit's generic template is always there too (``{% include 'form.html.j2' %}``).
    """
    from jinja2 import ChoiceLoader, DictLoader

    from . import filters
    from .sandbox import FolderLoader, Sandbox

    builtin = {
        "form.html.j2": (_TEMPLATES / "form.html.j2").read_text(encoding="utf-8"),
    }
    loaders: list[Any] = [FolderLoader(folder)] if folder else []
    loaders.append(DictLoader(builtin))
    env = Sandbox(loader=ChoiceLoader(loaders))
    env.add_filters(filters.FILTERS)
    return env


@cache
def stylesheet() -> str:
    return (_TEMPLATES / "form.css").read_text(encoding="utf-8")


@dataclass(frozen=True)
class Custom:
    """A hand-made template: a user's override (untrusted) or the form's own."""

    env: Any
    name: str
    user: bool  # from --templates or FORMKIT_TEMPLATES: rendered in a bounded process


def _form_template(form: Form, templates: str | None) -> Custom | None:
    """A hand-made HTML template for this form: a user override first, then the form's own."""
    name = f"{form.scheme}/{form.name}.html"
    for d in user_template_dirs(templates):
        if (d / name).is_file():
            return Custom(_env(str(d)), name, user=True)
    own = form.template("html")
    if own is not None:
        return Custom(_env(str(own.parent)), own.name, user=False)
    return None


def custom_template(form: Form, record: dict[str, Any] | None,
                    templates: str | None) -> Custom | None:
    """The hand-made template a filled record is drawn with, if any (blanks never use one)."""
    return _form_template(form, templates) if record is not None else None


def form_view(form: Form) -> dict[str, str]:
    """What a template knows of its form: text only (a Form also holds paths)."""
    return {
        "id": form.id,
        "title": form.title,
        "annex": form.annex,
        "scheme": form.scheme,
        "name": form.name,
        "full_title": form.full_title,
        "citation": form.citation,
        "filled_by": form.filled_by,
        "layout_class": form.layout_class,
    }


def run_template(render: Any) -> Any:
    """``render()`` (a Jinja render) with the sandbox's refusals as formkit errors."""
    from jinja2 import TemplateError, TemplateNotFound
    from jinja2.exceptions import SecurityError

    from .sandbox import time_limit

    try:
        with time_limit():
            return render()
    except FormkitError:
        raise
    except SecurityError as exc:
        raise InputError(N_("template refused: {reason}"), reason=exc) from exc
    except TemplateNotFound as exc:
        raise InputError(N_("template error: template {name!r} not found in the templates "
                            "folder"), name=exc.name) from exc
    except TemplateError as exc:
        raise InputError(N_("template error: {error}"), error=str(exc)) from exc
    except RecursionError as exc:
        raise LimitExceeded(N_("template refused: nested too deeply (a macro calling itself?)"),
                            limit="depth") from exc
    except MemoryError as exc:
        raise LimitExceeded(N_("template refused: it ran out of memory"),
                            limit="memory") from exc
    except (ArithmeticError, LookupError, TypeError, ValueError, AttributeError) as exc:
        raise InputError(N_("template error: {kind}: {error}"), kind=type(exc).__name__,
                         error=str(exc)) from exc


def render_html(
    form: Form,
    record: dict[str, Any] | None,
    *,
    draft: bool = False,
    templates: str | None = None,
    fillable: bool = False,
    inline_css: bool = True,
    worksheet: bool = False,
) -> str:
    """The HTML of a filled (or, with record None, blank) form.

    With ``inline_css`` False the generic template leaves the kit's stylesheet
    out, for a renderer that applies it pre-parsed (:func:`formkit.render.pdf.layout`).
    A hand-made template always carries its own styles.

    ``fillable`` marks every field of a blank with ``data-f`` (and a cell that
    holds only one field with ``data-cell``) so that form fields can be laid
    over them; see :mod:`formkit.render.fillable`.

    Templates run in the sandbox of :mod:`formkit.render.sandbox`: an attempt on
    Python internals, the disk or other templates outside the folder raises
    InputError (``template refused: ...``), a cap LimitExceeded.
    """
    from markupsafe import Markup

    from .. import __version__

    doc = build(form, record, worksheet=worksheet)
    context = {
        "form": form_view(form),
        "doc": doc,
        "r": record or {},
        "draft": draft,
        "css": Markup(stylesheet()),  # the kit's own stylesheet, not record data
        "inline_css": inline_css,
        "version": __version__,
        "blank": record is None,
        "fillable": fillable and record is None,
        "label": lambda key, code: _label_for(form, key, code),
        "segs_html": segs_html,
    }
    custom = custom_template(form, record, templates)
    if custom is not None:
        return str(run_template(lambda: custom.env.get_template(custom.name).render(**context)))
    return str(run_template(lambda: _env().get_template("form.html.j2").render(**context)))


def template_dir() -> Path:
    return Path(str(_TEMPLATES))
