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

The CLI maps every FormkitError to exit code 2 with its message; nothing else
is expected to escape.
"""

from __future__ import annotations

from .redact import redact_text


class FormkitError(Exception):
    """Root of every error formkit raises on purpose.

    Whatever is shaped like a national ID (身分證統一編號) in the message is
    masked when the error is made (:func:`formkit.redact.redact_text`), so
    neither ``str`` nor ``repr`` nor a traceback shows it.
    """

    def __init__(self, *args: object) -> None:
        super().__init__(*(redact_text(a) if isinstance(a, str) else a for a in args))


class UnknownFormError(FormkitError, LookupError):
    def __init__(self, form_id: str, suggestions: list[str] | None = None):
        self.form_id = form_id
        self.suggestions = suggestions or []
        msg = f"unknown form {form_id!r}"
        if self.suggestions:
            msg += "; did you mean " + ", ".join(self.suggestions) + "?"
        super().__init__(msg)

    def __str__(self) -> str:  # LookupError would repr() the single argument
        return self.args[0]


class InputError(FormkitError, ValueError):
    """Input that cannot be read: a missing file, bad JSON, wrong types."""


class MalformedJSONError(InputError):
    def __init__(self, source: str, line: int, column: int, detail: str):
        self.source, self.line, self.column = source, line, column
        super().__init__(f"{source}:{line}:{column}: malformed JSON: {detail}")


class NotAFormPDFError(InputError):
    """A file that is not a PDF, or a PDF that is not one of formkit's forms."""


class RecordError(FormkitError, ValueError):
    """A record that cannot be rendered as given."""


class MissingGlyphError(RecordError):
    def __init__(self, char: str, field: str, fonts: str):
        self.char, self.field = char, field
        super().__init__(
            f"field {field}: character {char!r} (U+{ord(char):04X}) has no glyph in "
            f"the fonts in use ({fonts}); set FORMKIT_FONT to a font that has it"
        )


class RenderError(FormkitError, RuntimeError):
    """A renderer failed on a record that validated."""


class EnvironmentProblem(FormkitError, RuntimeError):
    """Something formkit needs from the machine is missing (a font, a program)."""


class WorkerError(FormkitError, RuntimeError):
    """The parse worker hit a bug (an exception that is not a :class:`FormkitError`),
    or could not start; the message holds the worker's traceback."""


class LimitExceeded(FormkitError, ValueError):
    """A cap on size, rows, pages or time was reached.

    ``limit`` names the cap: ``bytes``, ``pages``, ``stream``, ``structure``,
    ``pixels``, ``depth``, ``time``, ``memory``, ``rows`` or ``input`` (None when
    the raiser did not say).
    """

    limit: str | None = None

    def __init__(self, *args: object, limit: str | None = None) -> None:
        super().__init__(*args)
        if limit is not None:
            self.limit = limit
