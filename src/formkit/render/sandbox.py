"""The Jinja sandbox every template runs in: user templates are untrusted.

Jinja's :class:`ImmutableSandboxedEnvironment` already hides underscore
attributes and the methods that change lists and dicts. On top of it:

- reaching for Python internals is an error, not an empty string: ``{{
  ''.__class__ }}``, ``{{ r|attr('__class__') }}`` and ``"{0.__class__}".format(r)``
  raise :class:`SecurityError` (``template refused: ...``);
- objects that can touch the disk (paths, files, modules, classes, formkit's
  ``Form``) are never handed to a template, nor can they be reached from what is;
- a name the template never received (``{{ config }}``, ``{{ request }}``) is an
  error when printed, tested or looped over; a missing key of a record
  (``{{ r.reissue.date }}``) is still empty;
- templates are read only from their own folder: absolute names, ``..`` and
  symbolic links leading out of it are refused, and so are files over
  :data:`formkit.limits.TEMPLATE_FILE_BYTES`;
- the output, and every string the template builds (``*``, ``+``, ``~``,
  ``join``, ``replace``, ``center``...), is capped at
  :data:`formkit.limits.TEMPLATE_MAX_CHARS` characters, ``range`` at 100,000
  items, ``**`` at 10,000 digits, and a render at
  :data:`formkit.limits.TEMPLATE_SECONDS` of wall-clock time
  (:class:`LimitExceeded`).

These caps make a hostile template fail fast with a message; the bound that
holds whatever the template does is the child process of
:func:`formkit.limits.run_bounded`, in which user templates are rendered.
"""

from __future__ import annotations

import io
import math
import os
import re
import time
import types
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import update_wrapper
from pathlib import Path, PurePath
from typing import Any

from jinja2 import BaseLoader, ChainableUndefined, TemplateNotFound
from jinja2.compiler import CodeGenerator
from jinja2.exceptions import SecurityError
from jinja2.runtime import Context, Undefined
from jinja2.sandbox import MAX_RANGE, ImmutableSandboxedEnvironment
from jinja2.utils import Namespace, generate_lorem_ipsum, missing
from markupsafe import Markup

from .. import limits
from ..errors import FormkitError, LimitExceeded
from ..forms import Form
from ..i18n import N_, phrase
from .model import Block, Cell, Document, Seg

MAX_POWER_DIGITS = 10_000
_FORMAT_WIDTH_REFUSED = N_("template refused: a format width over the cap")
_TEMPLATE_TOO_LARGE = N_("template refused: {name} is {size:,} bytes; templates are capped at "
                         "{mib} MiB")
# Methods and filters whose integer arguments are widths or counts of what they make.
_WIDTH_METHODS = frozenset({"center", "ljust", "rjust", "zfill", "expandtabs"})
_WIDTH_FILTERS = frozenset({"center", "indent", "wordwrap", "truncate", "slice", "batch"})
_FORMAT_WIDTH = re.compile(r"\d{8,}")
_TICK_EVERY = 256

# (deadline on the monotonic clock, the cap in seconds) of the render in progress
_deadline: ContextVar[tuple[float, float] | None] = ContextVar("formkit_template_deadline",
                                                                default=None)


class Refusal(SecurityError):
    """What the sandbox refuses, with a message id: ``str`` is English and
    :meth:`text` any language, as for a :class:`~formkit.errors.FormkitError`."""

    def __init__(self, template: str, **params: Any) -> None:
        self.error = FormkitError(template, **params)
        super().__init__(str(self.error))

    def text(self, lang: str) -> str:
        return self.error.text(lang)


@contextmanager
def time_limit(seconds: float | None = None) -> Iterator[None]:
    """Templates rendered inside stop with LimitExceeded after ``seconds``."""
    seconds = limits.TEMPLATE_SECONDS if seconds is None else seconds
    token = _deadline.set((time.monotonic() + seconds, seconds))
    try:
        yield
    finally:
        _deadline.reset(token)


def _tick() -> None:
    limit = _deadline.get()
    if limit is not None and time.monotonic() > limit[0]:
        raise LimitExceeded(N_("template refused: it ran longer than {seconds:g} s, the cap"),
                            seconds=limit[1], limit="time")


def _too_long(count: int, what: str = N_("a string"), **params: Any) -> LimitExceeded:
    """``what`` is a message id (filled from ``params``), translated only when raised."""
    return LimitExceeded(
        N_("template refused: {what} of {count:,} characters or items; the cap is {max:,}"),
        what=phrase(what, params), count=count, max=limits.TEMPLATE_MAX_CHARS, limit="input")


def _check_size(value: Any, what: str = N_("a string"), **params: Any) -> Any:
    if isinstance(value, (str, list, tuple, bytes)) and len(value) > limits.TEMPLATE_MAX_CHARS:
        raise _too_long(len(value), what, **params)
    return value


def _check_width(name: str, args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
    for value in (*args, *kwargs.values()):
        if isinstance(value, int) and not isinstance(value, bool) and value > MAX_RANGE:
            raise LimitExceeded(
                N_("template refused: {name}({value:,}) is over the cap of {max:,}"),
                name=name, value=value, max=MAX_RANGE, limit="input")


def _predict_replace(text: Any, old: Any, new: Any) -> None:
    if isinstance(text, str) and isinstance(old, str) and isinstance(new, str):
        count = len(text) + 1 if not old else text.count(old)
        size = len(text) + count * (len(new) - len(old))
        if size > limits.TEMPLATE_MAX_CHARS:
            raise _too_long(size, N_("the result of replace()"))


def _predict_join(sep: Any, items: list[Any]) -> None:
    size = len(str(sep)) * max(len(items) - 1, 0) + sum(len(str(i)) for i in items)
    if size > limits.TEMPLATE_MAX_CHARS:
        raise _too_long(size, N_("the result of join()"))


# -- what a template may see ----------------------------------------------------------------

_FORBIDDEN_TYPES: tuple[type, ...] = (Form, PurePath, io.IOBase, types.ModuleType,
                                      types.FrameType, types.CodeType, types.TracebackType)
# What templates see all the time: decided without further checks (rendering speed).
_PLAIN_TYPES = frozenset({str, Markup, int, float, bool, type(None), list, dict, tuple,
                          Seg, Cell, Block, Document})


def _forbidden(value: Any) -> bool:
    """Objects that reach the disk or the interpreter: never handed to a template."""
    kind = type(value)
    if kind in _PLAIN_TYPES:
        return False
    if isinstance(value, _FORBIDDEN_TYPES) or hasattr(kind, "__fspath__"):
        return True
    owner = getattr(value, "__self__", None)  # a bound method of one of them
    if owner is None or owner is value:
        return False
    return isinstance(owner, _FORBIDDEN_TYPES) or hasattr(type(owner), "__fspath__")


def _forbidden_attribute(value: Any) -> bool:
    """Also classes: a template calls the ones it is given (``dict``, ``namespace``), no other."""
    return type(value) not in _PLAIN_TYPES and (_forbidden(value) or isinstance(value, type))


class StrictNameUndefined(ChainableUndefined):
    """Empty for a missing key or attribute (``r.reissue.date``); an error for an unknown name."""

    __slots__ = ()

    def _unknown_name(self) -> bool:
        # Jinja's own undefined values (no caller, no previous item) carry a hint.
        return self._undefined_obj is missing and self._undefined_hint is None

    def __str__(self) -> str:
        if self._unknown_name():
            self._fail_with_undefined_error()
        return super().__str__()

    def __iter__(self) -> Iterator[Any]:
        if self._unknown_name():
            self._fail_with_undefined_error()
        return super().__iter__()

    def __bool__(self) -> bool:
        if self._unknown_name():
            self._fail_with_undefined_error()
        return super().__bool__()

    def __len__(self) -> int:
        if self._unknown_name():
            self._fail_with_undefined_error()
        return super().__len__()


class _Range:
    """``range`` as the sandbox allows it (100,000 items), checking the clock as it goes."""

    __slots__ = ("_r",)

    def __init__(self, r: range):
        self._r = r

    def __iter__(self) -> Iterator[int]:
        for i, value in enumerate(self._r):
            if not i % 1024:
                _tick()
            yield value

    def __len__(self) -> int:
        return len(self._r)

    def __getitem__(self, index: Any) -> Any:
        value = self._r[index]
        return _Range(value) if isinstance(value, range) else value

    def __contains__(self, value: Any) -> bool:
        return value in self._r

    def __reversed__(self) -> Iterator[int]:
        return iter(_Range(self._r[::-1]))

    def __repr__(self) -> str:
        return repr(self._r)


def _range(*args: Any) -> _Range:
    r = range(*args)
    if len(r) > MAX_RANGE:
        raise LimitExceeded(
            N_("template refused: range() of {count:,} items; templates may count to {max:,}"),
            count=len(r), max=MAX_RANGE, limit="input")
    return _Range(r)


def _lipsum(n: int = 5, html: bool = True, min: int = 20, max: int = 100) -> str:  # noqa: A002
    """Jinja's ``lipsum``, at most 100 paragraphs of at most 100 words."""

    def capped(value: Any) -> int:
        return value if isinstance(value, int) and 0 < value < 100 else 100

    return generate_lorem_ipsum(n=capped(n), html=html, min=capped(min), max=capped(max))


class _Namespace(Namespace):
    def __setitem__(self, name: str, value: Any) -> None:
        _check_size(value, N_("a value"))
        _tick()
        super().__setitem__(name, value)


def _guard_filter(name: str, fn: Callable[..., Any]) -> Callable[..., Any]:
    skip = 1 if getattr(fn, "jinja_pass_arg", None) is not None else 0

    def guarded(*args: Any, **kwargs: Any) -> Any:
        _tick()
        if name in _WIDTH_FILTERS:
            _check_width(name, args[skip + 1:], kwargs)
        elif name == "replace" and len(args) >= skip + 3:
            _predict_replace(str(args[skip]), args[skip + 1], args[skip + 2])
        elif name == "join" and len(args) > skip:
            value = args[skip]
            if isinstance(value, (list, tuple, _Range)) and kwargs.get("attribute") is None:
                sep = args[skip + 1] if len(args) > skip + 1 else kwargs.get("d", "")
                _predict_join(sep, list(value))
        return _check_size(fn(*args, **kwargs), N_("the result of the {name} filter"), name=name)

    return update_wrapper(guarded, fn)


class _CodeGenerator(CodeGenerator):
    """Every ``~`` concatenation is measured (the sandbox cannot intercept it otherwise)."""

    def visit_Concat(self, node: Any, frame: Any) -> None:
        self.write("environment.checked_concat(")
        super().visit_Concat(node, frame)
        self.write(")")


class Sandbox(ImmutableSandboxedEnvironment):
    """The environment of every formkit template (see the module's docstring)."""

    intercepted_binops = frozenset({"*", "**", "+", "%"})
    code_generator_class = _CodeGenerator

    def __init__(self, loader: BaseLoader | None = None, **options: Any) -> None:
        options.setdefault("undefined", StrictNameUndefined)
        super().__init__(loader=loader or _NoLoader(), autoescape=True, **options)
        self.globals["range"] = _range
        self.globals["lipsum"] = _lipsum
        self.globals["namespace"] = _Namespace
        self.filters = {name: _guard_filter(name, fn) for name, fn in self.filters.items()}

    def add_filters(self, filters: dict[str, Callable[..., Any]]) -> None:
        self.filters.update({name: _guard_filter(name, fn) for name, fn in filters.items()})

    # -- what may be reached

    def unsafe_undefined(self, obj: Any, attribute: str) -> Undefined:
        if not attribute.startswith("_") and (
            _forbidden(obj) or _forbidden_attribute(getattr(obj, attribute, None))
        ):
            raise Refusal(N_("it tried to reach {attribute!r} of a {kind!r} object, which "
                             "templates never get"), attribute=attribute, kind=type(obj).__name__)
        raise Refusal(N_("it tried to reach Python internals (attribute {attribute!r} of a "
                         "{kind!r} object)"), attribute=attribute, kind=type(obj).__name__)

    def is_safe_attribute(self, obj: Any, attr: str, value: Any) -> bool:
        return (super().is_safe_attribute(obj, attr, value)
                and not _forbidden(obj) and not _forbidden_attribute(value))

    def is_safe_callable(self, obj: Any) -> bool:
        return super().is_safe_callable(obj) and not _forbidden(obj)

    def getitem(self, obj: Any, argument: Any) -> Any:
        value = super().getitem(obj, argument)
        if _forbidden_attribute(value):
            raise Refusal(N_("it tried to reach {kind!r} objects, which templates never get"),
                          kind=type(value).__name__)
        return value

    # -- what may be built

    def call(__self, __context: Context, __obj: Any, *args: Any, **kwargs: Any) -> Any:  # noqa: N805
        _tick()
        for value in (*args, *kwargs.values()):
            _check_size(value, N_("an argument"))
        # str.format comes wrapped by the sandbox (wrap_str_format): look through it
        method = getattr(__obj, "__wrapped__", __obj)
        owner = getattr(method, "__self__", None)
        name = getattr(method, "__name__", "")
        if isinstance(owner, str):
            if name in _WIDTH_METHODS:
                _check_width(name, args, kwargs)
            elif name == "replace" and len(args) >= 2:
                _predict_replace(owner, args[0], args[1])
            elif name == "join" and args:
                items = list(args[0])
                _predict_join(owner, items)
                args = (items, *args[1:])
            elif name in ("format", "format_map") and _FORMAT_WIDTH.search(owner):
                raise LimitExceeded(_FORMAT_WIDTH_REFUSED, limit="input")
        return _check_size(super().call(__context, __obj, *args, **kwargs),
                           N_("the result of a call"))

    def call_binop(self, context: Context, operator: str, left: Any, right: Any) -> Any:
        _tick()
        if operator == "**":
            if (isinstance(left, int) and isinstance(right, int) and right > 0
                    and abs(left) > 1 and right * math.log10(abs(left)) > MAX_POWER_DIGITS):
                raise LimitExceeded(
                    N_("template refused: {left} ** {right} has more than {max:,} digits"),
                    left=left, right=right, max=MAX_POWER_DIGITS, limit="input")
        elif operator == "*":
            seq, n = (left, right) if isinstance(right, int) else (right, left)
            if isinstance(seq, (str, list, tuple)) and isinstance(n, int):
                if len(seq) * n > limits.TEMPLATE_MAX_CHARS:
                    raise _too_long(len(seq) * n, N_("a repetition (*)"))
        elif operator == "+":
            if isinstance(left, (str, list, tuple)) and isinstance(right, (str, list, tuple)):
                if len(left) + len(right) > limits.TEMPLATE_MAX_CHARS:
                    raise _too_long(len(left) + len(right), N_("a concatenation (+)"))
        elif operator == "%" and isinstance(left, str):
            if _FORMAT_WIDTH.search(left):
                raise LimitExceeded(_FORMAT_WIDTH_REFUSED, limit="input")
            values = right if isinstance(right, tuple) else (right,)
            if "*" in left:
                _check_width("%", values, {})
        return _check_size(super().call_binop(context, operator, left, right),
                           N_("the result of {operator}"), operator=operator)

    def checked_concat(self, value: Any) -> Any:
        _tick()
        return _check_size(value, N_("a concatenation (~)"))

    def concat(self, parts: Any) -> str:
        """The output of a template, a macro or a block, measured as it is made."""
        out: list[str] = []
        size = 0
        for i, part in enumerate(parts):
            size += len(part)
            if size > limits.TEMPLATE_MAX_CHARS:
                raise LimitExceeded(N_("template refused: its output is over {max:,} "
                                       "characters, the cap"), max=limits.TEMPLATE_MAX_CHARS,
                                    limit="input")
            out.append(part)
            if not i % _TICK_EVERY:
                _tick()
        return "".join(out)


class _NoLoader(BaseLoader):
    """A template that is a string (a .docx part) includes nothing."""

    def get_source(self, environment: Any, template: str) -> Any:
        raise Refusal(N_("this template cannot include, import or extend other templates "
                         "({name!r})"), name=template)


class FolderLoader(BaseLoader):
    """Templates from one folder only: no absolute names, no ``..``, no links leading out."""

    def __init__(self, folder: str | os.PathLike[str]):
        self.folder = Path(folder)

    def get_source(self, environment: Any, template: str) -> Any:
        root = self.folder.resolve()
        path = resolve_inside(root, template)
        if path is None or not path.is_file():
            raise TemplateNotFound(template, f"template {template!r} not found in {self.folder}")
        size = path.stat().st_size
        if size > limits.TEMPLATE_FILE_BYTES:
            raise LimitExceeded(_TEMPLATE_TOO_LARGE, name=template, size=size,
                                mib=limits.TEMPLATE_FILE_BYTES // 2**20, limit="bytes")
        try:
            source = path.read_text(encoding="utf-8")
        except UnicodeDecodeError as exc:
            raise Refusal(N_("{name} is not UTF-8 text (byte {byte})"), name=template,
                          byte=exc.start) from None
        mtime = path.stat().st_mtime
        return source, str(path), lambda: path.is_file() and path.stat().st_mtime == mtime


def resolve_inside(root: Path, name: str) -> Path | None:
    """``root/name`` with its links followed; SecurityError if it leads out of ``root``."""
    pieces = name.replace("\\", "/").split("/")
    if name.startswith(("/", "\\")) or re.match(r"^[A-Za-z]:", name) or ".." in pieces:
        raise Refusal(N_("{name!r} is outside the templates folder"), name=name)
    path = root.joinpath(*[p for p in pieces if p not in ("", ".")])
    if not path.exists():
        return None
    real = path.resolve()
    if real != root and root not in real.parents:
        raise Refusal(N_("{name!r} leads outside the templates folder"), name=name)
    try:
        links = real.stat().st_nlink if real.is_file() else 1
    except OSError:
        links = 1
    if links > 1:  # the same file as another name, which may be anywhere on the disk
        raise Refusal(N_("{name!r} is a hard link (a file with {links} names, which may lie "
                         "outside the templates folder); copy the file instead"),
                      name=name, links=links)
    return real
