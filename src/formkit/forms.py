"""The catalogue of forms: forms are data, found under forms/<scheme>/<name>/.

Adding a form means adding files (form.yaml, a schema, a sample); the engine
does not change.
"""

from __future__ import annotations

import difflib
import json
from dataclasses import dataclass, field
from functools import cache, cached_property
from pathlib import Path
from typing import Any

from .errors import InputError, UnknownFormError, UnknownSchemeError
from .i18n import N_
from .parts import expand
from .resources import data_dir

SCHEMES = ("mit", "cnsmark", "cnsmark-legacy", "ciyue", "oshpm")


@dataclass(frozen=True)
class Form:
    """One form of the catalogue, as described by its form.yaml."""

    id: str
    title: str
    annex: str
    scheme: str
    citation: str
    filled_by: str
    layout_class: str
    rules: tuple[str, ...]
    layout: list[dict[str, Any]] = field(repr=False, compare=False)
    directory: Path = field(repr=False, compare=False)
    meta: dict[str, Any] = field(repr=False, compare=False, default_factory=dict)

    @property
    def name(self) -> str:
        return self.id.split("/", 1)[1]

    @property
    def full_title(self) -> str:
        return f"{self.annex} {self.title}".strip()

    @cached_property
    def schema(self) -> dict[str, Any]:
        """The form's JSON Schema, with every number a schema file leaves unbounded
        bounded (:func:`formkit.limits.capped`): what records are validated against, and
        what ``formkit schema`` prints."""
        from .limits import capped

        path = data_dir("schemas") / self.scheme / f"{self.name}.schema.json"
        schema: dict[str, Any] = capped(json.loads(path.read_text(encoding="utf-8")))
        return schema

    @cached_property
    def sample(self) -> dict[str, Any]:
        path = data_dir("samples") / self.scheme / f"{self.name}.json"
        sample: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
        return sample

    def template(self, kind: str) -> Path | None:
        """A hand-made template (``html`` or ``docx``) shipped with the form, if any."""
        path = self.directory / f"template.{kind}"
        return path if path.is_file() else None

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "annex": self.annex,
            "scheme": self.scheme,
            "citation": self.citation,
            "filled_by": self.filled_by,
            "layout_class": self.layout_class,
            "rules": list(self.rules),
        }


def _load(path: Path) -> Form:
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml: ten times faster
    try:
        doc = yaml.load(path.read_text(encoding="utf-8"), Loader=loader)  # noqa: S506 - safe loader
    except yaml.YAMLError as exc:  # a broken form file is a packaging bug, but say where
        raise InputError(N_("{file}: {error}"), file=str(path), error=str(exc)) from exc
    return Form(
        id=doc["id"],
        title=doc["title"],
        annex=doc.get("annex", ""),
        scheme=doc["scheme"],
        citation=doc.get("citation", ""),
        filled_by=doc.get("filled_by", ""),
        layout_class=doc.get("layout_class", ""),
        rules=tuple(doc.get("rules", ())),
        layout=expand(doc.get("layout", [])),
        directory=path.parent,
        meta={k: (expand(v) if k == "worksheet" else v) for k, v in doc.items()
              if k not in {"layout"}},
    )


@cache
def _forms() -> dict[str, Form]:
    root = data_dir("forms")
    forms = {}
    for path in sorted(root.glob("*/*/form.yaml")):
        form = _load(path)
        expected = f"{path.parent.parent.name}/{path.parent.name}"
        if form.id != expected:
            raise InputError(N_("{file}: id {id!r} does not match its folder {folder!r}"),
                             file=str(path), id=form.id, folder=expected)
        forms[form.id] = form
    return forms


def catalog(scheme: str | None = None) -> list[Form]:
    """Every form, in catalogue order, optionally of one scheme (any case: ``MIT``).

    An unknown scheme raises :class:`UnknownSchemeError` (an :class:`UnknownFormError`)."""
    forms = list(_forms().values())
    if scheme is not None:
        key = scheme.lower()
        if key not in SCHEMES:
            raise UnknownSchemeError(scheme, SCHEMES,
                                     difflib.get_close_matches(key, SCHEMES, n=3))
        forms = [f for f in forms if f.scheme == key]
    return forms


def get_form(form_id: str) -> Form:
    """The form with this id; an unknown id raises with the closest ids suggested."""
    forms = _forms()
    try:
        return forms[form_id]
    except KeyError:
        ids = list(forms)
        scheme = form_id.split("/", 1)[0].lower() if "/" in form_id else ""
        own = [i for i in ids if i.split("/", 1)[0] == scheme]
        # an id the typed one begins (mit/annex-07), then a close id of the scheme typed:
        # a typo keeps its scheme
        close = [i for i in ids if form_id and i.startswith(form_id)][:3]
        for pool, cutoff in ((own, 0.6), (ids, 0.6), (ids, 0.4)):
            if close:
                break
            close = difflib.get_close_matches(form_id, pool, n=3, cutoff=cutoff)
        if not close:
            tail = form_id.rsplit("/", 1)[-1]
            close = [i for i in ids if tail and tail in i][:3]
        raise UnknownFormError(form_id, close) from None
