"""The ``formkit`` command. click stays thin: parse arguments, call the library, report.

Exit codes: 0 success (for validate/check: no error findings); 1 findings with
errors; 2 usage error, unreadable or malformed input, unknown form; 3 internal
error (a bug in formkit); 130 interrupted; 141 standard output closed before
everything was written (a broken pipe, as in ``formkit forms | head -1``: the
rest is dropped silently, as 128 + SIGPIPE).

Results go to stdout; progress and diagnostics to stderr. ``--lang``,
``--format``, ``-q`` and ``-v`` are accepted before or after the command's
name; messages are in ``--lang``, else ``FORMKIT_LANG``, else zh-TW. With
``--format json`` an error is JSON on stdout too:
``{"error": {"code": ..., "message": ..., "file": ..., "line": ...}}``.
"""

from __future__ import annotations

import json
import logging
import os
import re
import sys
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, NoReturn, TypeVar

import click

from . import helptext
from .errors import FormkitError, UnknownFormError, WorkerError, os_reason
from .i18n import DEFAULT_LANG, N_, Localised, phrase, translate
from .limits import MAX_PARSE_MEMORY_MIB, MAX_PARSE_PAGES, MAX_PARSE_SECONDS
from .redact import redact_text
from .terminal import json_shown, shown

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE, EXIT_INTERNAL = 0, 1, 2, 3
EXIT_INTERRUPTED, EXIT_BROKEN_PIPE = 130, 141
# FORMKIT_LANG (and --lang) values, and the language each means.
_LANG_NAMES = {"zh-TW": "zh-TW", "zh_TW": "zh-TW", "zh_Hant_TW": "zh-TW", "zh-Hant-TW": "zh-TW",
               "en": "en"}

REDACT_HELP = N_("Mask national ID numbers (身分證統一編號) in the output, e.g. A******789.")
CASE_HELP = N_("A case (folder or JSON file, as formkit check reads it) whose documents the "
               "derived values count from: an annual summary counts the year's reports.")
BATCH_REDACT_HELP = N_("Mask national ID numbers (身分證統一編號) in the output, e.g. A******789. "
                       "Also in the output file names (a --name-key holding a national ID), the "
                       "report and the manifest.")
EPILOG = N_(
    "Exit codes: 0 success (validate/check: no error findings); 1 findings with "
    "errors; 2 usage error, unreadable or malformed input, unknown form; 3 internal "
    "error (a bug in formkit); 141 output closed early (broken pipe)."
)
F = TypeVar("F", bound=Callable[..., Any])


# -- settings every command takes: --lang, --format, -q, -v ---------------------------------


@dataclass
class _Settings:
    """The global options of one run, wherever on the command line they were given."""

    lang: str | None = None
    fmt: str | None = None
    quiet: bool = False
    verbose: int = 0
    # --lang and --format as read from the raw arguments, for an error found before
    # click has parsed them (a usage error).
    guess: dict[str, str] = field(default_factory=dict)


_SETTINGS: ContextVar[_Settings | None] = ContextVar("formkit_cli_settings", default=None)


def _settings() -> _Settings:
    settings = _SETTINGS.get()
    if settings is None:
        settings = _Settings()
        _SETTINGS.set(settings)
    return settings


def _lang() -> str:
    settings = _settings()
    if settings.lang:
        return settings.lang
    if settings.guess.get("lang") in _LANG_NAMES:
        return _LANG_NAMES[settings.guess["lang"]]
    return _LANG_NAMES.get(os.environ.get("FORMKIT_LANG", "").strip(), DEFAULT_LANG)


def _fmt() -> str:
    settings = _settings()
    return settings.fmt or settings.guess.get("format", "text")


def _quiet() -> bool:
    settings = _settings()
    return settings.quiet and not settings.verbose


def _guess(args: list[str]) -> dict[str, str]:
    """``--lang`` and ``--format`` as they appear in ``args`` (the last one wins)."""
    found: dict[str, str] = {}
    for i, arg in enumerate(args):
        if arg == "--":
            break
        for name in ("lang", "format"):
            if arg == f"--{name}" and i + 1 < len(args):
                found[name] = args[i + 1]
            elif arg.startswith(f"--{name}="):
                found[name] = arg.split("=", 1)[1]
    return found


def _t(msgid: str, /, **params: Any) -> str:
    """A CLI message in the language of this run."""
    return translate(msgid, _lang(), params or None)


class _Choice(click.Choice):  # type: ignore[type-arg]
    """click.Choice whose refusal is in the language of the run."""

    def get_invalid_choice_message(self, value: Any, ctx: click.Context | None) -> str:
        return phrase(N_("{value!r} is not one of {choices}"),
                      {"value": value, "choices": ", ".join(map(str, self.choices))})


LANGS = _Choice(["zh-TW", "en"])
FORMATS = _Choice(["text", "json"])


def _store(attr: str) -> Callable[[click.Context, click.Parameter, Any], Any]:
    def callback(ctx: click.Context, param: click.Parameter, value: Any) -> Any:
        if value not in (None, False, 0):  # given on the command line (or by its envvar)
            settings = _settings()
            if attr == "verbose":
                settings.verbose += value
            else:
                setattr(settings, attr, value)
        return value

    return callback


def _format_callback(ctx: click.Context, param: click.Parameter, value: Any) -> str:
    _store("fmt")(ctx, param, value)
    return _fmt()


def _format_option(expose: bool = False) -> Callable[[F], F]:
    return click.option(
        "--format", "fmt", type=FORMATS, default=None, expose_value=expose,
        callback=_format_callback,
        help=N_("Output as text or JSON; with json, errors are JSON on stdout too.  "
                "[default: text]"))


def _common(fmt: bool = True) -> Callable[[F], F]:
    """--lang, --format, -q and -v, accepted by the group and by every command."""

    def decorate(f: F) -> F:
        f = click.option("-v", "--verbose", count=True, expose_value=False,
                         callback=_store("verbose"),
                         help=N_("More diagnostics on stderr (-vv: debug); tracebacks of bugs."))(f)
        f = click.option("-q", "--quiet", is_flag=True, expose_value=False,
                         callback=_store("quiet"), help=N_("Print only errors."))(f)
        f = click.option("--lang", type=LANGS, default=None, expose_value=False,
                         callback=_store("lang"),
                         help=N_("Language of messages.  [default: $FORMKIT_LANG, else zh-TW]"))(f)
        return _format_option()(f) if fmt else f

    return decorate


# -- reporting --------------------------------------------------------------------------------


def _emit_json(data: Any, err: bool = False) -> None:
    # DEL, C1 and bidi controls as \uXXXX (json.dumps escapes only C0): the same JSON.
    click.echo(json_shown(json.dumps(data, ensure_ascii=False, indent=2)), err=err)


def _note(message: str) -> None:
    """A diagnostic on stderr, left out with -q."""
    if not _quiet():
        click.echo(shown(message), err=True)


def _error(code: str, message: str, exit_code: int = EXIT_USAGE, /, **details: Any) -> NoReturn:
    """Print an error (text on stderr, or JSON on stdout with --format json) and exit."""
    if _fmt() == "json":
        body = {"code": code, "message": message,
                **{k: v for k, v in details.items() if v is not None}}
        _emit_json({"error": body})
    else:
        click.echo(shown("formkit: " + _t(N_("error: {message}"), message=message)), err=True)
    sys.exit(exit_code)


def _fail(message: str, code: int = EXIT_USAGE, /, **params: Any) -> NoReturn:
    """A usage error: ``message`` is a message id filled from ``params``. A message that is
    the text of the FormkitError being handled is shown in the language of the run."""
    current = sys.exc_info()[1]
    if not params and isinstance(current, FormkitError) and str(current) == message:
        _formkit_error(current)
    _error("usage", redact_text(_t(message, **params)), code)


def _formkit_error(exc: FormkitError, option: str | None = None) -> NoReturn:
    """A FormkitError: exit 2 naming the file, line and field where known (exit 3 for a
    bug in the parse worker). ``option`` names the option that sets the cap hit."""
    if isinstance(exc, WorkerError) and "trace" in exc.params:
        _internal(exc, trace=str(exc.params["trace"]))
    message = exc.text(_lang())
    if option:
        message = _t(N_("{message} (see {option})"), message=message, option=option)
    extra: dict[str, Any] = {"option": option}
    if isinstance(exc, UnknownFormError) and exc.suggestions:
        extra["suggestions"] = exc.suggestions
    _error(exc.code, message, EXIT_USAGE, **exc.details(), **extra)


def _report_to() -> str:
    """Where to report a bug: the package's issue tracker, if its metadata names one."""
    try:
        from importlib.metadata import metadata

        for entry in metadata("formkit").get_all("Project-URL") or []:
            label, _, url = entry.partition(",")
            if any(word in label.lower() for word in ("issue", "bug", "tracker")):
                return str(url).strip()
    except Exception:  # noqa: BLE001 - not installed as a distribution: say who instead
        pass
    return _t(N_("the formkit developers"))


def _internal(exc: BaseException, trace: str | None = None) -> NoReturn:
    """A bug (an exception formkit did not mean to raise): exit 3, no traceback unless -v."""
    import traceback

    if _settings().verbose:
        text = trace if trace is not None else "".join(traceback.format_exception(exc))
        click.echo(redact_text(text).rstrip("\n"), err=True)
    kind = type(exc).__name__
    detail = exc.params.get("error", "") if isinstance(exc, WorkerError) else str(exc)
    if isinstance(exc, WorkerError):
        kind = str(exc.params.get("kind", kind))
    detail = redact_text(str(detail).splitlines()[0][:300] if str(detail).strip() else "")
    message = _t(N_("internal error (a bug in formkit): {kind}: {error}"), kind=kind, error=detail)
    if _fmt() == "json":
        _emit_json({"error": {"code": "internal", "message": message, "type": kind,
                              "report_to": _report_to()}})
    else:
        click.echo("formkit: " + message, err=True)
        hint = (N_("please report it, with the command line and the output of the same "
                   "command with -v, to {where}") if not _settings().verbose else
                N_("please report it, with the command line and the output above, to {where}"))
        click.echo("formkit: " + _t(hint, where=_report_to()), err=True)
    sys.exit(EXIT_INTERNAL)


def _broken_pipe() -> NoReturn:
    """stdout was closed early (``| head``): drop the rest quietly, exit 128 + SIGPIPE.

    Python's documented recipe (the signal module's note on SIGPIPE): point stdout
    at devnull, so that flushing it at exit does not fail again.
    """
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):  # no real file descriptor (a test runner)
        pass
    sys.exit(EXIT_BROKEN_PIPE)


def _click_message(exc: click.ClickException) -> str:
    """click's error message in the language of the run, where formkit knows its words."""
    lang = _lang()
    ctx = getattr(exc, "ctx", None)
    if isinstance(exc, click.NoSuchOption):
        if exc.possibilities:
            return _t(N_("no such option: {option}; did you mean {suggestions}?"),
                      option=exc.option_name, suggestions=", ".join(sorted(exc.possibilities)))
        return _t(N_("no such option: {option}"), option=exc.option_name)
    if isinstance(exc, click.MissingParameter) and exc.param is not None and ctx is not None:
        hint = exc.param.get_error_hint(ctx)
        if isinstance(exc.param, click.Argument):
            return _t(N_("missing argument {name}"), name=hint)
        return _t(N_("missing option {name}"), name=hint)
    if isinstance(exc, click.BadParameter):
        given = exc.param_hint
        name = given if isinstance(given, str) else " / ".join(given) if given else None
        if name is None and exc.param is not None and ctx is not None:
            name = exc.param.get_error_hint(ctx)
        detail = exc.message.text(lang) if isinstance(exc.message, Localised) else exc.message
        if name:
            return _t(N_("invalid value for {name}: {detail}"), name=name, detail=detail)
        return detail
    if isinstance(exc.message, Localised):
        return exc.message.text(lang)
    return exc.format_message()


def _usage_error(exc: click.ClickException) -> NoReturn:
    message = _click_message(exc)
    if _fmt() != "json":
        ctx = getattr(exc, "ctx", None)
        if isinstance(exc, click.UsageError) and ctx is not None:
            click.echo(ctx.get_usage(), err=True)
            click.echo(_t(N_("Try '{command} -h' for help."),
                          command=ctx.command_path) + "\n", err=True)
    _error("usage", message, exc.exit_code)


def _setup_logging() -> None:
    settings = _settings()
    if _quiet():
        level = logging.ERROR
    else:
        level = logging.WARNING - 10 * min(settings.verbose, 2)
    logging.basicConfig(level=level, format="formkit: %(levelname)s: %(message)s",
                        stream=sys.stderr)
    from .redact import RedactingFilter
    from .terminal import EscapingFilter

    for handler in logging.getLogger().handlers:  # records of other loggers too: no national ID
        handler.addFilter(RedactingFilter())
        handler.addFilter(EscapingFilter())  # nor an escape sequence from a field's name


# click's own words in a help page, for the catalogue (click says them in English)
_CLICK_WORDS = (N_("Usage:"), N_("Options"), N_("Commands"), N_("Show this message and exit."),
                N_("default: {value}"), N_("required"))


def _extras(text: str) -> str:
    """click's ``[default: X; required]`` after an option's help, in the language of the
    run."""
    def localise(match: re.Match[str]) -> str:
        parts = []
        for part in match.group(1).split("; "):
            if part.startswith("default: "):
                parts.append(_t(N_("default: {value}"), value=part[len("default: "):]))
            else:
                parts.append(_t(part) if part == "required" else part)
        if _lang().startswith("zh"):
            return "［" + "；".join(parts) + "］"
        return "  [" + "; ".join(parts) + "]"

    return re.sub(r"  \[([^\]]*)\]$", localise, text)


class _Localised:
    """A command whose help page (usage, help, options, commands, epilog) is in the language
    of the run, laid out by display width (:mod:`formkit.helptext`)."""

    context_class: type[click.Context] = helptext.Context
    help: str | None
    epilog: str | None

    def format_usage(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        pieces = self.collect_usage_pieces(ctx)  # type: ignore[attr-defined]
        prefix = _t("Usage:")
        formatter.write_usage(ctx.command_path, " ".join(pieces),
                              prefix=prefix if prefix.endswith("：") else prefix + " ")

    def format_help_text(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        if self.help:
            formatter.write_paragraph()
            with formatter.indentation():
                formatter.write_text(_t(self.help))

    def format_options(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = []
        for param in self.get_params(ctx):  # type: ignore[attr-defined]
            if isinstance(param, click.Argument):
                continue
            given = getattr(param, "help", None)
            if given:
                param.help = _t(given)
            try:
                row = param.get_help_record(ctx)
            finally:
                if given:
                    param.help = given
            if row is not None:
                rows.append((row[0], _extras(row[1])))
        if rows:
            with formatter.section(_t("Options")):
                formatter.write_dl(rows)

    def format_epilog(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        if self.epilog:
            formatter.write_paragraph()
            with formatter.indentation():
                formatter.write_text("\n\n".join(_t(p) for p in self.epilog.split("\n\n")))


class _Command(_Localised, click.Command):
    def invoke(self, ctx: click.Context) -> Any:
        _setup_logging()  # here: -v and -q may follow the command's name
        return super().invoke(ctx)


class _Group(_Localised, click.Group):
    command_class = _Command

    def format_options(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        super().format_options(ctx, formatter)
        self.format_commands(ctx, formatter)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        commands = [(name, self.get_command(ctx, name)) for name in self.list_commands(ctx)]
        shown = [(name, cmd) for name, cmd in commands if cmd is not None and not cmd.hidden]
        if shown:
            limit = formatter.width - 6 - max(len(name) for name, _ in shown)
            rows = [(name, helptext.short(_t(cmd.help or ""), limit)) for name, cmd in shown]
            with formatter.section(_t("Commands")):
                formatter.write_dl(rows)

    def main(self, args: Any = None, prog_name: str | None = None,
             complete_var: str | None = None, standalone_mode: bool = True,
             **extra: Any) -> Any:
        raw = list(sys.argv[1:] if args is None else args)
        token = _SETTINGS.set(_Settings(guess=_guess(raw)))
        try:
            if not standalone_mode:
                return super().main(args, prog_name, complete_var, False, **extra)
            try:
                rv = super().main(args, prog_name, complete_var, False, **extra)
            except click.ClickException as exc:
                _usage_error(exc)
            except click.Abort:
                click.echo("formkit: " + _t(N_("interrupted")), err=True)
                sys.exit(EXIT_INTERRUPTED)
            sys.exit(rv if isinstance(rv, int) else EXIT_OK)
        finally:
            _SETTINGS.reset(token)

    def resolve_command(self, ctx: click.Context, args: list[str]) -> Any:
        try:
            return super().resolve_command(ctx, args)
        except click.UsageError:
            name = args[0] if args else ""
            if not name or name.startswith("-") or self.get_command(ctx, name) is not None:
                raise
            import difflib

            names = self.list_commands(ctx)
            close = difflib.get_close_matches(name, names, n=3)
            message = (phrase(N_("no such command {name!r}; did you mean {suggestions}?"),
                              {"name": name, "suggestions": ", ".join(close)}) if close else
                       phrase(N_("no such command {name!r}; the commands are {commands}"),
                              {"name": name, "commands": ", ".join(names)}))
            raise click.UsageError(message, ctx) from None

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (click.ClickException, click.exceptions.Exit, click.Abort):
            raise
        except FormkitError as exc:
            _formkit_error(exc)
        except KeyboardInterrupt:
            click.echo("formkit: " + _t(N_("interrupted")), err=True)
            sys.exit(EXIT_INTERRUPTED)
        except BrokenPipeError:
            _broken_pipe()
        except OSError as exc:  # an output that cannot be written: say where, no traceback
            if exc.filename is not None:  # a full disk, a quota...: said so, naming the file
                from .batch import write_problem

                _formkit_error(write_problem(exc, str(exc.filename)))
            _error("output", _t(N_("cannot write the output: {reason}"), reason=os_reason(exc)))
        except Exception as exc:  # noqa: BLE001 - a bug: exit 3, not a traceback
            _internal(exc)


@click.group(cls=_Group, epilog=EPILOG, context_settings={"help_option_names": ["-h", "--help"]},
             help=N_("formkit: fill, validate, render and parse the forms of Taiwan's product "
                     "certification schemes (MIT微笑, 正字標記, 慈悅評鑑, 職安法產品監督)."))
@click.version_option(package_name="formkit", help=N_("Show the version and exit."))
@_common()
def main() -> None:
    """The command group; its help is the ``help`` above, in the language of the run."""


# -- argument types ---------------------------------------------------------------------------


class _FormId(click.ParamType):  # type: ignore[type-arg]
    """A form id; the shell completes it from the catalogue."""

    name = "form"

    def shell_complete(self, ctx: click.Context, param: click.Parameter,
                       incomplete: str) -> list[Any]:
        from click.shell_completion import CompletionItem

        from .forms import catalog

        return [CompletionItem(f.id, help=f.full_title) for f in catalog()
                if f.id.startswith(incomplete)]


class _Scheme(click.ParamType):  # type: ignore[type-arg]
    """A scheme name, in any case (``MIT``); the shell completes it."""

    name = "scheme"

    def convert(self, value: Any, param: Any, ctx: Any) -> str:
        return str(value).strip().lower()

    def shell_complete(self, ctx: click.Context, param: click.Parameter,
                       incomplete: str) -> list[Any]:
        from click.shell_completion import CompletionItem

        from .forms import SCHEMES

        return [CompletionItem(s) for s in SCHEMES if s.startswith(incomplete.lower())]


FORM = _FormId()
SCHEME = _Scheme()


def _as_of(value: str | None) -> date:
    if value is None:
        return date.today()
    from .dates import parse_date

    d = parse_date(value)
    if d is None:
        _fail(N_("--as-of {value!r} is not a date (use YYYY-MM-DD or 115/11/21)"), value=value)
    return d


def _print_findings(findings: list[Any], lang: str, err: bool = False) -> None:
    """Findings one a line (with -q, the errors only)."""
    marks = {"error": "E", "warning": "W", "info": "I"}
    for f in findings:
        if _quiet() and not f.is_error:
            continue
        where = f" [{f.form}]" if f.form else ""
        line = f"{marks[f.severity]} {f.rule}{where} {f.path or '/'}: {f.text(lang)}"
        click.echo(shown(line, newlines=False), err=err)
        if f.citation:
            click.echo(f"    ({f.citation})", err=err)


def _write(output: str, data: bytes) -> None:
    """The document to its file (atomically), or to stdout for ``-``."""
    if output == "-":
        stream = sys.stdout.buffer
        stream.write(data)
        stream.flush()
        return
    from .batch import write_output  # a full disk is told as such, naming the file

    write_output(output, data)


def _not_over_input(source: str, output: str | None) -> None:
    """Refuse, before any work, an output that is the input file itself, or that is not a
    regular file or a new name (a link, a device, a FIFO: formkit.records.check_output)."""
    if output in (None, "-"):
        return
    from .records import check_output

    try:
        check_output(output)
    except FormkitError as exc:
        _formkit_error(exc)
    if source == "-":
        return
    try:
        same = os.path.samefile(source, output)
    except OSError:
        return
    if same:
        _fail(N_("{output}: this is the input file; writing there would overwrite it "
                 "(choose another -o)"), output=output)


def _output_kind(output: str, to: str | None, kinds: tuple[str, ...]) -> str:
    """The type of an output: ``--to``, else the file name's suffix."""
    if to is not None:
        return to
    if output == "-":
        _fail(N_("-o -: say the type of the output with --to ({kinds})"), kinds=", ".join(kinds))
    suffix = Path(output).suffix.lower().lstrip(".")
    if suffix not in kinds:
        _fail(N_("{file}: the output must end in {suffixes} (or give --to)"), file=output,
              suffixes=", ".join(f".{k}" for k in kinds))
    return suffix


@main.command("forms", help=N_(
     "List the forms of the catalogue."), epilog=EPILOG)
@click.option("--scheme", type=SCHEME,
              help=N_("Only this scheme (mit, cnsmark, cnsmark-legacy, ciyue, oshpm; any case)."))
@_common()
def forms_cmd(scheme: str | None) -> None:
    from .forms import catalog

    forms = catalog(scheme)
    if not forms and scheme is not None:
        _note("formkit: " + _t(N_("scheme {scheme} has no forms yet"), scheme=scheme))
    if _fmt() == "json":
        _emit_json([f.as_dict() for f in forms])
        return
    for f in forms:
        click.echo(f"{f.id:45} {f.full_title}")


@main.command("schema", help=N_(
     "Print a form's JSON Schema."), epilog=EPILOG)
@click.argument("form", type=FORM)
@_common()
def schema_cmd(form: str) -> None:
    from .forms import get_form

    _emit_json(get_form(form).schema)


@main.command("sample", help=N_(
     "Print a complete, valid sample record of a form."), epilog=EPILOG)
@click.argument("form", type=FORM)
@_common()
def sample_cmd(form: str) -> None:
    from .forms import get_form

    _emit_json(get_form(form).sample)


def _load(data: str) -> dict[str, Any]:
    from .records import read_record

    return read_record(data)


@main.command("validate", help=N_(
     "Check DATA (a JSON file, or - for stdin) against FORM's schema and rules."), epilog=EPILOG)
@click.argument("form", type=FORM)
@click.argument("data")
@click.option("--as-of", help=N_("The date of reference for rules about 'today' (default: today)."))
@click.option("--case", "case", metavar="CASE", help=CASE_HELP)
@_common()
def validate_cmd(form: str, data: str, as_of: str | None, case: str | None) -> None:
    from .case import with_case
    from .engine import validate
    from .forms import get_form

    lang = _lang()
    report = with_case(validate, get_form(form), _load(data), as_of=_as_of(as_of), case=case)
    if _fmt() == "json":
        _emit_json(report.as_dict(lang))
    else:
        _print_findings(report.findings, lang)
        if not _quiet():
            click.echo(shown(report.summary(lang)))
    sys.exit(EXIT_OK if report.valid else EXIT_FINDINGS)


FILL_TYPES = ("pdf", "docx", "odt", "json")


@main.command("fill", help=N_(
     "Compute derived fields of DATA (a JSON file, or - for stdin) and write the "
     "completed record or document. With --format json, a summary is printed (on "
     "stderr when the document itself goes to stdout)."), epilog=EPILOG)
@click.argument("form", type=FORM)
@click.argument("data")
@click.option("-o", "--output", required=True,
              help=N_("OUT.json, OUT.docx, OUT.odt or OUT.pdf; - writes to stdout (say the type "
                      "with --to)."))
@click.option("--to", type=_Choice(FILL_TYPES),
              help=N_("The type of the output, when its name does not say (-o -)."))
@click.option("--as-of", help=N_("The date of reference for rules about 'today' (default: today)."))
@click.option("--draft", is_flag=True,
              help=N_("Render even with errors, marked 草稿; every finding is printed, errors "
                      "first, and the exit code is still 1 when there are errors."))
@click.option("--templates", type=click.Path(file_okay=False),
              help=N_("Folder of template overrides."))
@click.option("--redact", is_flag=True, help=REDACT_HELP)
@click.option("--worksheet", is_flag=True,
              help=N_("Also print the form's worksheet: the extension fields that are not on the "
                      "official form, on pages of their own after it."))
@click.option("--case", "case", metavar="CASE", help=CASE_HELP)
@_common()
def fill_cmd(form: str, data: str, output: str, to: str | None, as_of: str | None, draft: bool,
             templates: str | None, redact: bool, worksheet: bool, case: str | None,
             **signing: Any) -> None:
    from .case import with_case
    from .engine import fill

    kind = _output_kind(output, to, FILL_TYPES)
    _not_over_input(data, output)
    key = _fill_signing_key(kind, signing)  # refused before any work
    from .forms import get_form

    lang = _lang()
    report = with_case(fill, get_form(form), _load(data), as_of=_as_of(as_of), case=case)
    order = {"error": 0, "warning": 1, "info": 2}  # errors first: they are what made a draft
    notes = sorted(report.findings, key=lambda f: order.get(f.severity, 3))
    written = report.valid or draft

    def summary() -> None:
        _emit_json({"form": report.form, "output": output if written else None, "type": kind,
                    "draft": draft, "valid": report.valid,
                    "findings": [f.as_dict(lang) for f in notes]}, err=output == "-")

    if _fmt() != "json":
        listed = [f for f in notes if f.is_error or not _quiet()]
        if listed:
            click.echo("\n".join(shown(f"{f.rule} {f.path or '/'}: {f.text(lang)}",
                                        newlines=False) for f in listed), err=True)
    if not written:
        if _fmt() == "json":
            summary()
        else:
            click.echo("formkit: " + _t(N_("{form}: {count} error(s); nothing written (use "
                                           "--draft to render anyway)"),
                                        form=report.form, count=len(report.errors)), err=True)
        sys.exit(EXIT_FINDINGS)
    record = report.record
    if redact:
        from .redact import redact_record

        record = redact_record(report.form, record)
    if kind == "json":
        _write(output, (json.dumps(record, ensure_ascii=False, indent=2) + "\n").encode("utf-8"))
    elif kind == "pdf":
        from .render.pdf import render_pdf

        pdf = render_pdf(report.form, record, draft=draft, templates=templates,
                         worksheet=worksheet)
        _write(output, pdf if key is None else _sign_bytes(pdf, key, signing, output))
    elif kind == "odt":
        from .render.odt import render_odt

        _write(output, render_odt(report.form, record, draft=draft, worksheet=worksheet))
    else:
        from .render.docx import render_docx

        _write(output, render_docx(report.form, record, draft=draft, templates=templates,
                                   worksheet=worksheet))
    if _fmt() == "json":
        summary()
    elif output != "-" and not _quiet():
        click.echo(output)
    if not report.valid:  # a draft was written, but the record still has errors
        sys.exit(EXIT_FINDINGS)


BLANK_TYPES = ("pdf", "docx", "odt")


@main.command("blank", help=N_(
     "Write a blank form to fill by hand, in an office suite or in a PDF reader."), epilog=EPILOG)
@click.argument("form", type=FORM)
@click.option("-o", "--output", required=True,
              help=N_("OUT.pdf, OUT.docx or OUT.odt; - writes to stdout (say the type with --to)."))
@click.option("--to", type=_Choice(BLANK_TYPES),
              help=N_("The type of the output, when its name does not say (-o -)."))
@click.option("--fillable", is_flag=True,
              help=N_("A PDF form (AcroForm) to fill in any PDF reader; fields are named by the "
                      "record keys."))
@_common()
def blank_cmd(form: str, output: str, to: str | None, fillable: bool) -> None:
    from .forms import get_form

    kind = _output_kind(output, to, BLANK_TYPES)
    get_form(form)  # an unknown form is refused before any work
    if kind == "pdf":
        if fillable:
            from .render.fillable import render_fillable_pdf

            _write(output, render_fillable_pdf(form))
        else:
            from .render.pdf import render_pdf

            _write(output, render_pdf(form, None))
    elif kind == "odt":
        if fillable:
            _fail(N_("--fillable makes a PDF form; a blank ODT is filled in an office suite as "
                     "it is"))
        from .render.odt import render_odt

        _write(output, render_odt(form, None))
    else:
        if fillable:
            _fail(N_("--fillable makes a PDF form; a blank DOCX is filled in an office suite as "
                     "it is"))
        from .render.docx import render_docx

        _write(output, render_docx(form, None))
    if _fmt() == "json":
        _emit_json({"form": form, "output": output, "type": kind, "fillable": fillable},
                   err=output == "-")
    elif output != "-" and not _quiet():
        click.echo(output)


class _Size(click.ParamType):  # type: ignore[type-arg]
    """A number of bytes: 52428800, 50MiB, 50M, 512k (units of 1024)."""

    name = "size"
    _UNITS = {"": 1, "k": 2**10, "m": 2**20, "g": 2**30}

    def convert(self, value: Any, param: Any, ctx: Any) -> int:
        import re

        if isinstance(value, int):
            return value
        from .limits import MAX_PARSE_BYTES

        m = re.fullmatch(r"\s*(\d+)\s*([kmg]?)(?:i?b)?\s*", str(value), re.IGNORECASE)
        if m is None or not m.group(1).strip("0"):
            self.fail(phrase(N_("{value!r} is not a size (use bytes, or 50MiB, 512k)"),
                             {"value": value}), param, ctx)
        digits = m.group(1).lstrip("0")  # int() of 5,000 digits raises: count them first
        size = int(digits) * self._UNITS[m.group(2).lower()] if len(digits) <= 12 else -1
        if not 0 < size <= MAX_PARSE_BYTES:
            self.fail(phrase(N_("{value!r} is more than {max} GiB, the largest size accepted"),
                             {"value": value, "max": MAX_PARSE_BYTES // 2**30}), param, ctx)
        return size


PARSE_EPILOG = EPILOG + "\n\n" + N_(
    "A file over a cap (--max-bytes, --max-pages, --timeout, --max-memory) exits 2 with a "
    "message naming the file and the cap.")
def _finite(value: float | None, param: Any, ctx: Any) -> float | None:
    """A number option's value, refused when it is NaN (which no range check catches)."""
    import math

    if value is not None and not math.isfinite(value):
        raise click.BadParameter(phrase(N_("{value} is not a number"), {"value": value}),
                                 ctx=ctx, param=param)
    return value


_LIMIT_FLAGS = {"bytes": "--max-bytes", "pages": "--max-pages", "time": "--timeout",
                "memory": "--max-memory"}


@main.command("parse", help=N_(
     "Read a submitted PDF (or a scan: PNG, JPEG, TIFF; a DOCX or ODT document; - for "
     "stdin) back into a record, and validate it.\n\n"
     "The file is read in a worker process held to the caps below: a file over one, or"
     " one that takes too long or too much memory, is refused."), epilog=PARSE_EPILOG)
@click.argument("submitted", type=click.Path(dir_okay=False, allow_dash=True))
@click.option("--form", type=FORM,
              help=N_("The form id, when it should not be identified from the title."))
@click.option("-o", "--output",
              help=N_("Write the recovered record to this JSON file; - writes it to stdout (the "
                      "report then goes to stderr)."))
@click.option("--as-of", help=N_("The date of reference for rules about 'today' (default: today)."))
@click.option("--max-bytes", type=_Size(), default="50MiB", show_default=True,
              help=N_("Largest file accepted (bytes, or 50MiB, 512k)."))
@click.option("--max-pages", type=click.IntRange(min=1, max=MAX_PARSE_PAGES), default=50,
              show_default=True,
              help=N_("Most pages accepted."))
@click.option("--timeout", type=click.FloatRange(min=0, max=MAX_PARSE_SECONDS), default=None,
              metavar="SECONDS", callback=lambda ctx, param, value: _finite(value, param, ctx),
              help=N_("Wall-clock cap on the whole parse, OCR included; 0: none. "
                      "[default: 60, plus 10 for each page of a scan read by OCR]"))
@click.option("--max-memory", type=click.IntRange(min=0, max=MAX_PARSE_MEMORY_MIB), default=1024,
              show_default=True,
              metavar="MIB", help=N_("Address space of the worker process that parses, in MiB; "
                                     "0: none."))
@click.option("--trust", multiple=True, type=click.Path(dir_okay=False),
              help=N_("CA certificate(s) (PEM or DER) a signed PDF's signer must chain to for "
                      "its record to be verified. Repeatable. Without it, a signature's trust is "
                      "not checked (verified then means: signed and intact)."))
@_common()
def parse_cmd(submitted: str, form: str | None, output: str | None, as_of: str | None,
              max_bytes: int, max_pages: int, timeout: float | None, max_memory: int,
              trust: tuple[str, ...] = ()) -> None:
    import io

    from .errors import LimitExceeded
    from .parse import Limits, parse_pdf

    defaults = Limits()
    limits = Limits(
        max_bytes=max_bytes, max_pages=max_pages,
        timeout_s=defaults.timeout_s if timeout is None else (timeout or None),
        ocr_s_per_page=defaults.ocr_s_per_page if timeout is None else 0.0,
        max_memory_mib=max_memory or None,
    )
    reference = _as_of(as_of)
    _not_over_input(submitted, output)
    source: Any = submitted
    if submitted == "-":
        source = io.BytesIO(sys.stdin.buffer.read(max_bytes + 1))
        source.name = "<stdin>"
    try:
        result = parse_pdf(source, form=form, as_of=reference, limits=limits)
    except LimitExceeded as exc:
        _formkit_error(exc, option=_LIMIT_FLAGS.get(exc.limit or ""))
    if trust:
        result = _trusted(result, source, trust, limits)
    lang = _lang()
    record = json.dumps(result.data, ensure_ascii=False, indent=2) + "\n"
    if output:
        _write(output, record.encode("utf-8"))
    to_stderr = output == "-"  # stdout holds the record: the report goes to stderr
    if _fmt() == "json":
        _emit_json(result.as_dict(lang), err=to_stderr)
    else:
        def say(line: str) -> None:
            click.echo(shown(line, newlines=False), err=to_stderr)

        if not _quiet():
            say(_t(N_("{form} (source: {source})"), form=result.form, source=result.source))
            if result.confidence is not None:
                unsure = result.review
                say(_t(N_("fields read: {read}; to review: {review}; empty: {empty}"),
                       read=len(result.confidence), review=len(unsure), empty=len(result.empty)))
                for key in unsure:
                    say("  " + _t(N_("review {key} (confidence {confidence:.2f})"), key=key,
                                  confidence=result.confidence[key]))
        _print_findings(result.findings, lang, err=to_stderr)
        if output is None:
            click.echo(json_shown(record.rstrip("\n")))
    sys.exit(EXIT_OK if result.valid else EXIT_FINDINGS)


@main.command("check", help=N_(
     "Run the cross-document rules over CASE (a folder, a JSON file of documents, or -"
     " for stdin)."), epilog=EPILOG)
@click.argument("case", type=click.Path(allow_dash=True))
@click.option("--as-of", help=N_("The date of reference for rules about 'today' (default: today)."))
@_common()
def check_cmd(case: str, as_of: str | None) -> None:
    from .case import check_case

    lang = _lang()
    report = check_case(case, as_of=_as_of(as_of))
    if _fmt() == "json":
        _emit_json(report.as_dict(lang))
    else:
        _print_findings(report.findings, lang)
        if not _quiet():
            click.echo(shown(report.summary(lang)))
    sys.exit(EXIT_OK if report.valid else EXIT_FINDINGS)


@main.command("due", help=N_(
     "The last day of PERIOD (\"1 month\", \"30 days\", \"三個月\") counted from "
     "EVENT_DATE.\n\n"
     "The explanation is in the language of --lang (zh-TW: dates the ROC way, "
     "民國113年4月15日)."), epilog=EPILOG)
@click.argument("event_date")
@click.argument("period")
@click.option("--kind", type=click.Choice(["limit", "validity", "lookback"]), default="limit",
              show_default=True,
              help=N_("limit: a time limit (T1–T3, rolls past rest days); validity: a validity "
                      "period, start day counted (T4); lookback: the earliest date still within "
                      "(T6)."))
@click.option("--no-rollover", is_flag=True, help=N_("Do not move the last day past rest days."))
@_format_option(expose=True)
@_common(fmt=False)
def due_cmd(event_date: str, period: str, kind: str, no_rollover: bool, fmt: str) -> None:
    from .dates import impossible_day, parse_date
    from .i18n import translate
    from .rules import periods

    lang = _lang()
    event = parse_date(event_date)
    if event is None:
        if impossible_day(event_date):
            _fail(N_("{value!r} is not a real day"), value=event_date)
        _fail(N_("{value!r} is not a date (use YYYY-MM-DD or 115/11/21)"), value=event_date)
    if event < ROC_START:
        _fail(N_("{value!r} is before the ROC era (1912-01-01)"), value=event_date)
    try:
        n, unit = periods.parse_period(period)
    except ValueError as exc:
        _fail(str(exc))
    try:
        result = _due(event, n, unit, kind, no_rollover, lang)
    except OverflowError:
        _fail(N_("{value!r}: the period ends after 9999-12-31, the last day formkit counts"),
              value=event_date)
    if fmt == "json":
        _emit_json(result)
    else:
        click.echo(translate(N_("{day} ({name})"), lang,
                             {"day": result["last_day"], "name": result["last_day_roc"]}))
        click.echo(result["explanation"])


ROC_START = date(1912, 1, 1)


def _due(event: date, n: int, unit: str, kind: str, no_rollover: bool,
         lang: str) -> dict[str, Any]:
    """What ``formkit due`` prints, as its JSON."""
    from datetime import timedelta

    from .dates import roc_long
    from .i18n import translate
    from .rules import periods

    span = periods.period_text(n, unit)
    result: dict[str, Any] = {"event": event.isoformat(), "period": {"n": n, "unit": unit},
                              "kind": kind}
    if kind == "validity":
        end = periods.validity_end(event, n, unit)
        text = translate(N_("valid from {event} (counted) for {period}: to {end}"), lang,
                         {"event": periods.day_text(event), "period": span,
                          "end": periods.day_text(end)})
        result.update(last_day=end.isoformat(), nominal=end.isoformat(), rolled=False,
                      explanation=text)
    elif kind == "lookback":
        # The earliest document date d with T1(d, n) >= event.
        d = event
        while periods.within_lookback(d - timedelta(days=1), event, n, unit):
            d -= timedelta(days=1)
        text = translate(N_("a document dated {day} or later is within {period} of {event}"),
                         lang, {"day": periods.day_text(d), "period": span,
                                "event": periods.day_text(event)})
        result.update(last_day=d.isoformat(), nominal=d.isoformat(), rolled=False,
                      explanation=text)
    else:
        dl = periods.deadline(event, n, unit, rollover=not no_rollover)
        result.update(last_day=dl.last_day.isoformat(), nominal=dl.nominal.isoformat(),
                      rolled=dl.rolled, explanation=dl.explain(lang),
                      skipped=[{"date": d.isoformat(), "reason": why}
                               for (d, _), why in zip(dl.skipped, dl.reasons(lang), strict=True)])
    result["last_day_roc"] = roc_long(date.fromisoformat(result["last_day"]))
    return result


BATCH_EPILOG = N_(
    "Exit codes: 0 every record rendered (or already current with --resume); 1 some "
    "records refused or failed (see the report); 2 usage error, unreadable RECORDS, "
    "unknown form, RECORDS over --max-input, an output that cannot be written (no space "
    "left on device, no permission); 3 internal error (a bug in formkit); 130 interrupted "
    "(Ctrl-C), 143 stopped by SIGTERM (run again with --resume to finish)."
)


def _duration(seconds: float) -> str:
    s = max(0, round(seconds))
    if s < 60:
        return f"{s} s"
    if s < 3600:
        return f"{s // 60} min {s % 60} s"
    return f"{s // 3600} h {s % 3600 // 60:02d} min"


class _BatchProgress:
    """Progress on stderr: a one-line bar on a terminal, else a line every ~5% or 10 s;
    nothing with -q."""

    def __init__(self) -> None:
        self.tty = sys.stderr.isatty()
        self.quiet = _quiet()
        self.drawn = False
        self.last_done, self.last_time, self.last_draw = -1, 0.0, 0.0

    def __call__(self, p: Any) -> None:
        import time

        if self.quiet:
            return
        if p.phase == "validated":
            params = {"records": p.records, "to_render": p.to_render, "refused": p.refused,
                      "skipped": p.skipped}
            msg = (_t(N_("validated {records} record(s): {to_render} to render, {refused} "
                         "refused, {skipped} already current (--resume)"), **params)
                   if p.skipped else
                   _t(N_("validated {records} record(s): {to_render} to render, {refused} "
                         "refused"), **params))
            click.echo(f"formkit: batch: {msg}", err=True)
            self.last_done, self.last_time = 0, time.monotonic()
            return
        if p.to_render == 0:
            return
        now = time.monotonic()
        if p.phase == "done":
            self.close()
            return
        last = p.done == p.to_render
        if self.tty:
            if last or now - self.last_draw >= 0.1:
                self._bar(p)
                self.last_draw = now
            return
        step = max(1, -(-p.to_render // 20))  # 5%
        if last or p.done - self.last_done >= step or now - self.last_time >= 10:
            if p.done != self.last_done:
                click.echo(f"formkit: batch: {self._status(p)}", err=True)
            self.last_done, self.last_time = p.done, now

    def _status(self, p: Any) -> str:
        params = {"done": p.done, "total": p.to_render, "percent": 100 * p.done // p.to_render,
                  "rate": p.files / p.elapsed if p.elapsed > 0 else 0.0}
        if 0 < p.done < p.to_render and p.elapsed > 0:
            eta = _duration((p.to_render - p.done) * p.elapsed / p.done)
            return _t(N_("{done}/{total} ({percent}%), {rate:.1f} doc/s, ETA {eta}"), eta=eta,
                      **params)
        return _t(N_("{done}/{total} ({percent}%), {rate:.1f} doc/s"), **params)

    def _bar(self, p: Any) -> None:
        import shutil

        status = self._status(p)
        width = max(10, min(40, shutil.get_terminal_size().columns - len(status) - 4))
        fill = width * p.done // p.to_render
        sys.stderr.write(f"\r[{'#' * fill}{'-' * (width - fill)}] {status}\x1b[K")
        sys.stderr.flush()
        self.drawn = True

    def close(self) -> None:
        if self.drawn:
            sys.stderr.write("\n")
            sys.stderr.flush()
            self.drawn = False


@main.command("batch", help=N_(
     "Validate and render every record of RECORDS (JSON Lines, - for stdin, or a "
     "folder of .json files) into DIR; write DIR/batch-report.json and "
     "DIR/batch-report.txt (in the language of --lang). With --format json, the report"
     " is printed too."), epilog=BATCH_EPILOG)
@click.argument("form", type=FORM)
@click.argument("records")
@click.option("-o", "--output", "out_dir", required=True, metavar="DIR",
              help=N_("Folder for the documents, the report and the manifest (created if "
                      "missing)."))
@click.option("--to", "to", default="pdf", show_default=True,
              help=N_("pdf, docx, odt, or several: pdf,docx,odt."))
@click.option("-j", "--jobs", type=click.IntRange(min=1), default=1, show_default=True,
              help=N_("Worker processes rendering side by side."))
@click.option("--resume", is_flag=True,
              help=N_("Skip outputs already complete and made from the same record."))
@click.option("--name-key", help=N_("Dotted record key naming the outputs (e.g. holder.tax_id); "
                                    "default: the form's document number, else the position."))
@click.option("--as-of", help=N_("The date of reference for rules about 'today' (default: today)."))
@click.option("--redact", is_flag=True,
              help=BATCH_REDACT_HELP)
@click.option("--max-input", type=_Size(), default="128MiB", show_default=True,
              help=N_("Most bytes of RECORDS read in all (JSON Lines, stdin, or the folder's "
                      "files), counted as read; past it the batch stops with exit 2 naming the "
                      "file and line. Parsed records take about 6 times their size in memory "
                      "(128MiB: about 0.8 GiB)."))
@_common()
def batch_cmd(form: str, records: str, out_dir: str, to: str, jobs: int, resume: bool,
              name_key: str | None, as_of: str | None, redact: bool, max_input: int) -> None:
    import re

    from .batch import BatchInterrupted, parse_formats, run_batch
    from .forms import get_form

    formats = parse_formats(to)
    if name_key is not None and not re.fullmatch(r"[^.\s]+(\.[^.\s]+)*", name_key):
        _fail(N_("--name-key {key!r}: use a dotted record key such as cert_no or "
                 "holder.tax_id"), key=name_key)
    the_form = get_form(form)
    reference = _as_of(as_of)
    progress = _BatchProgress()
    try:
        result = run_batch(the_form, records, out_dir, formats=formats, jobs=jobs, resume=resume,
                           name_key=name_key, as_of=reference, lang=_lang(), progress=progress,
                           redact=redact, max_input_bytes=max_input)
    except BatchInterrupted as stop:
        progress.close()
        result = stop.result
        c = result.counts
        click.echo("formkit: " + _t(N_("interrupted: {written} of {records} record(s) written; "
                                       "run again with --resume to finish"),
                                    written=c["written"], records=c["records"]), err=True)
        _batch_summary(result)
        sys.exit(128 + stop.signum)  # 130 Ctrl-C, 143 SIGTERM
    finally:
        progress.close()
    _batch_summary(result)
    sys.exit(EXIT_OK if result.ok else EXIT_FINDINGS)


def _batch_summary(result: Any) -> None:
    if _fmt() == "json":
        _emit_json(result.as_dict())
        return
    if _quiet():
        return
    c = result.counts
    params = {"form": result.form.id, "records": c["records"], "written": c["written"],
              "skipped": c["skipped"], "refused": c["refused"], "failed": c["failed"],
              "not_done": c["not_done"], "files": c["files_written"],
              "seconds": result.elapsed, "rate": result.rate}
    line = (_t(N_("{form}: {records} record(s): {written} written, {skipped} skipped (current), "
                  "{refused} refused, {failed} failed, {not_done} not done; {files} file(s) in "
                  "{seconds:.1f} s ({rate:.2f} doc/s)"), **params) if c["not_done"] else
            _t(N_("{form}: {records} record(s): {written} written, {skipped} skipped (current), "
                  "{refused} refused, {failed} failed; {files} file(s) in {seconds:.1f} s "
                  "({rate:.2f} doc/s)"), **params))
    click.echo(shown(line, newlines=False))
    for path in result.report_paths:
        click.echo(shown(str(path), newlines=False))


RULES_EPILOG = N_(
    "Severity: what the rule can report (E error, W warning, I info), read from its code. "
    "Forms: those the rule's registration and the forms' form.yaml bind it to."
)


@main.command("rules", help=N_(
     "List the registered rules: id, citation, severity and the forms they are bound "
     "to."), epilog=RULES_EPILOG)
@click.option("--form", type=FORM, help=N_("Only the rules bound to this form."))
@click.option("--scheme", type=SCHEME, help=N_("Only the rules bound to forms of this scheme."))
@_common()
def rules_cmd(form: str | None, scheme: str | None) -> None:
    from .rules.listing import describe_rules

    rules = describe_rules(form=form, scheme=scheme)
    for r in rules:
        r["needs"] = _t(r["needs"]) if r["needs"] else ""
    if _fmt() == "json":
        _emit_json(rules)
        return
    if not rules:
        _note("formkit: " + _t(N_("no rules are registered for this selection")))
    marks = {"error": "E", "warning": "W", "info": "I"}
    for r in rules:
        severity = "/".join(marks[s] for s in r["severities"]) or "-"
        click.echo(f"{r['id']:9} {r['kind']:4} {severity:5} {r['citation']}")
        forms = ", ".join(r["forms"]) or _t(N_("(no form)"))
        click.echo(f"{'':9} {forms}")
        if r["needs"]:
            needs = _t(N_("needs:"))
            click.echo(f"{'':9} {needs} {r['needs']}")


# -- signatures (formkit.sign): sign, verify, fill --sign -----------------------------------


def _sign_options(f: F) -> F:
    """The key options of ``sign`` and ``fill --sign``: a PKCS#12 file or a PKCS#11 token.
    Secrets never on the command line: a file, an environment variable or a prompt."""
    options = [
        click.option("--key", "key_file", type=click.Path(dir_okay=False),
                     help=N_("PKCS#12 file (.p12, .pfx) holding the key and its certificates.")),
        click.option("--passphrase-file", type=click.Path(dir_okay=False),
                     help=N_("File whose first line is the passphrase of --key (else "
                             "$FORMKIT_KEY_PASSPHRASE, else a prompt on a terminal).")),
        click.option("--pkcs11", "pkcs11_module", type=click.Path(dir_okay=False),
                     help=N_("PKCS#11 module (.so) of a token or HSM, instead of --key.")),
        click.option("--token-label", help=N_("Label of the PKCS#11 token.")),
        click.option("--key-label", help=N_("Label of the key (and its certificate) on the "
                                            "token.")),
        click.option("--pin-file", type=click.Path(dir_okay=False),
                     help=N_("File whose first line is the token's PIN (else $FORMKIT_PKCS11_PIN, "
                             "else a prompt on a terminal).")),
        click.option("--crl", "crls", multiple=True, type=click.Path(dir_okay=False),
                     help=N_("A CRL (DER or PEM) to embed: PAdES B-LT. Repeatable; nothing is "
                             "fetched.")),
        click.option("--ocsp", "ocsps", multiple=True, type=click.Path(dir_okay=False),
                     help=N_("An OCSP response (DER) to embed: PAdES B-LT. Repeatable.")),
    ]
    # A click.Command (fill, decorated after the fact) keeps its options in the order added.
    for option in options if isinstance(f, click.Command) else reversed(options):
        f = option(f)
    return f


def _secret(path: str | None, env: str, prompt: str) -> str | None:
    """A passphrase or PIN: the first line of ``path``, else ``$env``, else a prompt on a
    terminal, else None."""
    if path is not None:
        from .errors import InputError

        try:
            text = Path(path).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            reason = os_reason(exc) if isinstance(exc, OSError) else str(exc)
            raise InputError(N_("{file}: cannot be read ({reason})"), file=path,
                             reason=reason) from exc
        lines = text.splitlines()
        return lines[0] if lines else ""
    if os.environ.get(env) is not None:
        return os.environ[env]
    if sys.stdin.isatty():
        value: str = click.prompt(prompt, hide_input=True, default="", show_default=False,
                                  err=True)
        return value
    return None


def _signing_key(options: dict[str, Any]) -> Any:
    """The key that the options name (a Pkcs12Key or Pkcs11Key), refused when unclear."""
    from .sign import Pkcs11Key, Pkcs12Key

    key_file, module = options.get("key_file"), options.get("pkcs11_module")
    if (key_file is None) == (module is None):
        _fail(N_("give the key: --key KEY.p12, or --pkcs11 MODULE.so with --token-label and "
                 "--key-label (one of the two)"))
    if key_file is not None:
        passphrase = _secret(options.get("passphrase_file"), "FORMKIT_KEY_PASSPHRASE",
                             _t(N_("Passphrase of {file}"), file=key_file))
        return Pkcs12Key(key_file, passphrase)
    if not options.get("token_label") or not options.get("key_label"):
        _fail(N_("--pkcs11 needs --token-label and --key-label"))
    pin = _secret(options.get("pin_file"), "FORMKIT_PKCS11_PIN",
                  _t(N_("PIN of token {token}"), token=options["token_label"]))
    return Pkcs11Key(str(module), options["token_label"], options["key_label"], pin)


def _fill_signing_key(kind: str, options: dict[str, Any]) -> Any:
    """The key of ``fill --sign`` (None without --sign); key options without --sign, or
    --sign for an output that is not a PDF, are refused."""
    given = [k for k in ("key_file", "pkcs11_module", "crls", "ocsps") if options.get(k)]
    if not options.get("sign"):
        if given:
            _fail(N_("the key options sign the PDF only with --sign"))
        return None
    if kind != "pdf":
        _fail(N_("--sign signs PDF output only (not .{kind})"), kind=kind)
    return _signing_key(options)


def _sign_bytes(data: bytes, key: Any, options: dict[str, Any], name: str) -> bytes:
    from .sign import sign_pdf

    return sign_pdf(data, key=key, crls=list(options.get("crls") or ()),
                    ocsps=list(options.get("ocsps") or ()), name=name)


@main.command("sign", help=N_(
     "Sign IN.pdf (PAdES B-B; B-LT with --crl/--ocsp) with a PKCS#12 key or a PKCS#11 "
     "token. The signature is an incremental update with an invisible field: the "
     "document's bytes and metadata are kept, so a PDF/A-3b stays PDF/A-3b. Nothing is"
     " fetched over a network."), epilog=EPILOG)
@click.argument("source", metavar="IN.pdf", type=click.Path(dir_okay=False, allow_dash=True))
@click.option("-o", "--output", required=True, help=N_("The signed PDF; - writes to stdout."))
@_sign_options
@_common()
def sign_cmd(source: str, output: str, **options: Any) -> None:
    import io

    from .parse.pdfio import read_bytes

    _not_over_input(source, output)
    key = _signing_key(options)
    if source == "-":
        stream: Any = io.BytesIO(sys.stdin.buffer.read())
        stream.name = "<stdin>"
        data, name = read_bytes(stream)
    else:
        data, name = read_bytes(source)
    signed = _sign_bytes(data, key, options, name)
    _write(output, signed)
    level = "B-LT" if options.get("crls") or options.get("ocsps") else "B-B"
    if _fmt() == "json":
        _emit_json({"input": name, "output": output, "level": level}, err=output == "-")
    elif output != "-" and not _quiet():
        click.echo(output)


@main.command("verify", help=N_(
     "Check the signatures of SIGNED.pdf (- for stdin): who signed and when, whether "
     "the signed bytes are intact and cover the whole file, what was changed after "
     "signing, a weak digest (MD5, SHA-1), and with --trust whether the signer is "
     "trusted."), epilog=N_(
    "Exit codes: 0 signed, intact (nothing changed after signing), covering the whole file "
    "and, with --trust, trusted; 1 not signed, or a signature broken, changed after signing "
    "or untrusted; 2 unreadable input or a bad --trust file."))
@click.argument("signed", metavar="SIGNED.pdf", type=click.Path(dir_okay=False, allow_dash=True))
@click.option("--trust", multiple=True, type=click.Path(dir_okay=False),
              help=N_("CA certificate(s) to trust (PEM, possibly several, or DER). Repeatable. "
                      "Without it, trust is not checked."))
@_common()
def verify_cmd(signed: str, trust: tuple[str, ...]) -> None:
    import io

    from .sign import verify_file

    source: Any = signed
    if signed == "-":
        source = io.BytesIO(sys.stdin.buffer.read())
        source.name = "<stdin>"
    report = verify_file(source, trust=list(trust) if trust else None)
    lang = _lang()
    if _fmt() == "json":
        _emit_json(report.to_dict(lang))
    else:
        _print_findings(report.findings, lang)
        if not _quiet():
            if not report.signed:
                pass  # the finding says so
            elif not report.ok:
                click.echo(shown(_t(N_("{file}: signature check failed"), file=report.file)))
            elif report.trusted:
                click.echo(shown(_t(N_("{file}: signed; intact; trusted"), file=report.file)))
            else:
                click.echo(shown(_t(N_("{file}: signed; intact; trust not checked (give "
                                       "--trust)"), file=report.file)))
    sys.exit(EXIT_OK if report.ok else EXIT_FINDINGS)


def _trusted(result: Any, source: Any, trust: tuple[str, ...], limits: Any) -> Any:
    """``parse --trust``: the parse's result with its signature checked against ``trust``
    (verified only when the signer is trusted)."""
    from .sign import apply_trust, verify_file

    if result.signature is None:  # not signed: nothing to trust
        return result
    if hasattr(source, "seek"):
        source.seek(0)
    return apply_trust(result, verify_file(source, trust=list(trust), limits=limits))


fill_cmd = _sign_options(click.option(
    "--sign", "sign", is_flag=True,
    help=N_("Sign the PDF before writing it (PAdES), with the key options of formkit sign.")
)(fill_cmd))


if __name__ == "__main__":  # pragma: no cover
    main()
