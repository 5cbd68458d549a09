"""The errors formkit raises.

Every error is a :class:`FormkitError` and also subclasses the builtin it is
closest to, so callers can catch either::

    FormkitError
    ├── UnknownFormError        (LookupError)   form id not in the catalogue
    ├── InputError              (ValueError)    unreadable or malformed input
    │   ├── MalformedJSONError                  JSON syntax error (file, line, column)
    │   └── NotAFormPDFError                    not a PDF, or a PDF of no known form
    ├── RecordError             (ValueError)    a record that cannot be rendered
    │   └── MissingGlyphError                   a character no font in use can draw
    ├── RenderError             (RuntimeError)  a renderer failed
    ├── EnvironmentProblem      (RuntimeError)  a font or program is missing
    ├── WorkerError             (RuntimeError)  the parse worker failed (a bug, or no process)
    └── LimitExceeded           (ValueError)    a size, count or time cap was hit

Every error carries its message as a message id and parameters, as findings
do: ``str(exc)`` is the English text (the Python convention, for logs and
library users), ``exc.text(lang)`` the text in ``zh-TW`` or ``en``::

    raise InputError(N_("{file}: no such file"), file=name)

A parameter that is itself translatable (another FormkitError, a
:class:`~formkit.findings.Finding`, an :func:`formkit.i18n.phrase`) is shown in
the same language. The placeholders ``file``, ``field``, ``line`` and ``column``
also name where the error is (:meth:`FormkitError.details`, the CLI's JSON).

The CLI maps every FormkitError to exit code 2 with its message; nothing else
is expected to escape.
"""

from __future__ import annotations

from typing import Any

from .i18n import DEFAULT_LANG, N_, translate
from .masking import redact_text

# Where an error is, when its parameters say so: copied into details() and the CLI's JSON.
_WHERE = ("file", "line", "column", "field", "form", "limit")


def _restore(cls: type[FormkitError], args: tuple[Any, ...], state: dict[str, Any]) -> Any:
    exc = cls.__new__(cls)
    Exception.__init__(exc, *args)
    exc.__dict__.update(state)
    return exc


class FormkitError(Exception):
    """Root of every error formkit raises on purpose.

    ``FormkitError(template, **params)``: ``template`` is an English message id
    with ``{placeholders}`` (marked ``N_``), filled from ``params``. ``str(exc)``
    is English; :meth:`text` gives any language. ``code`` names the kind of
    error for programs (the CLI's ``--format json``).

    Whatever is shaped like a national ID (身分證統一編號) in the message is
    masked when the error is made (:func:`formkit.redact.redact_text`), so
    neither ``str`` nor ``repr`` nor a traceback shows it; :meth:`text` masks too.
    """

    code = "error"
    template: str | None = None  # None: made with text that is not a message id
    params: dict[str, Any] = {}  # noqa: RUF012 - replaced per instance, never mutated

    def __init__(self, *args: object, **params: Any) -> None:
        if len(args) == 1 and isinstance(args[0], str) and args[0]:
            self.template = args[0]
            self.params = {k: redact_text(v) if type(v) is str else v for k, v in params.items()}
            super().__init__(self.text("en"))
            return
        if params:
            raise TypeError("message parameters need exactly one message id")
        super().__init__(*(redact_text(a) if isinstance(a, str) else a for a in args))

    def text(self, lang: str = DEFAULT_LANG) -> str:
        """The message in ``lang`` (``zh-TW`` or ``en``)."""
        if self.template is None:
            return redact_text(str(self))
        if not self.params:
            if self.args and self.args[0] != self.template:  # rebuilt without its parameters
                return redact_text(str(self))
            return redact_text(translate(self.template, lang))
        return redact_text(translate(self.template, lang, self.params))  # each in ``lang``

    def details(self) -> dict[str, Any]:
        """Where the error is, as far as known: ``file``, ``line``, ``column``,
        ``field``, ``form``, ``limit`` (only the keys that apply)."""
        out = {k: self.params[k] for k in _WHERE if k in self.params}
        for key in _WHERE:
            value = getattr(self, key, None)
            if isinstance(value, str | int) and not isinstance(value, bool) and key not in out:
                out[key] = value
        return {k: redact_text(v) if isinstance(v, str) else v for k, v in out.items()}

    def __reduce__(self) -> tuple[Any, ...]:
        # Subclasses' __init__ take other arguments: rebuild from args and attributes
        # (the parse and render workers send errors to the parent process pickled).
        return _restore, (type(self), self.args, self.__dict__)


class UnknownFormError(FormkitError, LookupError):
    code = "unknown_form"

    def __init__(self, form_id: str, suggestions: list[str] | None = None):
        self.form_id = form_id
        self.suggestions = suggestions or []
        if self.suggestions:
            super().__init__(N_("unknown form {form!r}; did you mean {suggestions}?"),
                             form=form_id, suggestions=", ".join(self.suggestions))
        else:
            super().__init__(N_("unknown form {form!r}"), form=form_id)

    def __str__(self) -> str:  # LookupError would repr() the single argument
        return str(self.args[0])


class UnknownSchemeError(UnknownFormError):
    """A scheme name that is not one of the catalogue's (``form_id`` holds it)."""

    code = "unknown_scheme"

    def __init__(self, scheme: str, schemes: tuple[str, ...] | list[str],
                 suggestions: list[str] | None = None):
        self.form_id = scheme
        self.suggestions = suggestions or []
        FormkitError.__init__(self, N_("unknown scheme {scheme!r}; the schemes are {schemes}"),
                              scheme=scheme, schemes=", ".join(schemes))


class InputError(FormkitError, ValueError):
    """Input that cannot be read: a missing file, bad JSON, wrong types."""

    code = "input"


# The messages of Python's JSON decoder (json.JSONDecodeError.msg), translated.
JSON_DETAILS = frozenset({
    N_("Expecting value"),
    N_("Expecting property name enclosed in double quotes"),
    N_("Expecting ':' delimiter"),
    N_("Expecting ',' delimiter"),
    N_("Unterminated string starting at"),
    N_("Invalid control character at"),
    N_("Invalid \\escape"),
    N_("Invalid \\uXXXX escape"),
    N_("Extra data"),
    N_("Illegal trailing comma before end of object"),
    N_("Illegal trailing comma before end of array"),
})


class MalformedJSONError(InputError):
    code = "malformed_json"

    def __init__(self, source: str, line: int, column: int, detail: str):
        from .i18n import phrase

        self.source, self.line, self.column = source, line, column
        shown: Any = phrase(detail) if detail in JSON_DETAILS else detail
        super().__init__(N_("{file}:{line}:{column}: malformed JSON: {detail}"),
                         file=source, line=line, column=column, detail=shown)


class NotAFormPDFError(InputError):
    """A file that is not a PDF, or a PDF that is not one of formkit's forms."""

    code = "not_a_form"


class RecordError(FormkitError, ValueError):
    """A record that cannot be rendered as given."""

    code = "record"


class MissingGlyphError(RecordError):
    code = "missing_glyph"

    def __init__(self, char: str, field: str, fonts: str):
        self.char, self.field = char, field
        super().__init__(
            N_("field {field}: character {char!r} (U+{code}) has no glyph in the fonts in use "
               "({fonts}); set FORMKIT_FONT to a font that has it"),
            field=field, char=char, code=f"{ord(char):04X}", fonts=fonts)


class RenderError(FormkitError, RuntimeError):
    """A renderer failed on a record that validated."""

    code = "render"


class EnvironmentProblem(FormkitError, RuntimeError):
    """Something formkit needs from the machine is missing (a font, a program)."""

    code = "environment"


class WorkerError(FormkitError, RuntimeError):
    """The parse worker hit a bug (an exception that is not a :class:`FormkitError`),
    or could not start; the message holds the worker's traceback."""

    code = "worker"


class LimitExceeded(FormkitError, ValueError):
    """A cap on size, rows, pages or time was reached.

    ``limit`` names the cap: ``bytes``, ``pages``, ``stream``, ``structure``,
    ``pixels``, ``depth``, ``time``, ``memory``, ``rows`` or ``input`` (None when
    the raiser did not say).
    """

    code = "limit"
    limit: str | None = None

    def __init__(self, *args: object, limit: str | None = None, **params: Any) -> None:
        super().__init__(*args, **params)
        if limit is not None:
            self.limit = limit


def os_reason(exc: OSError) -> Any:
    """Why an operating-system call failed, translatable for the common cases
    (``strerror`` is English whatever the language)."""
    import errno

    from .i18n import phrase

    # The C library's own words (``strerror``), so that the English text is unchanged.
    known = {
        errno.ENOENT: N_("No such file or directory"),
        errno.EACCES: N_("Permission denied"),
        errno.EPERM: N_("Operation not permitted"),
        errno.EISDIR: N_("Is a directory"),
        errno.ENOTDIR: N_("Not a directory"),
        errno.ENOSPC: N_("No space left on device"),
        errno.EROFS: N_("Read-only file system"),
        errno.EEXIST: N_("File exists"),
        errno.ENAMETOOLONG: N_("File name too long"),
        errno.EPIPE: N_("Broken pipe"),
    }
    message = known.get(exc.errno) if exc.errno is not None else None
    if message is not None and exc.strerror == message:
        return phrase(message)
    return exc.strerror or str(exc)


def in_file(exc: FormkitError, file: str) -> FormkitError:
    """``exc`` again (same class, same attributes), its message preceded by the file
    it is about: ``{file}: {reason}``."""
    again = type(exc).__new__(type(exc))
    again.__dict__.update(exc.__dict__)
    FormkitError.__init__(again, N_("{file}: {reason}"), file=file, reason=exc)
    return again
