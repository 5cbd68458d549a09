"""The ``formkit`` command. click stays thin: parse arguments, call the library, report.

Exit codes: 0 success (for validate/check: no error findings); 1 findings with
errors; 2 usage error, unreadable or malformed input, unknown form.
Results go to stdout; progress and diagnostics to stderr.
"""

from __future__ import annotations

import json
import logging
import sys
from datetime import date
from pathlib import Path
from typing import Any, NoReturn

import click

from .errors import FormkitError

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE = 0, 1, 2
LANGS = click.Choice(["zh-TW", "en"])
FORMATS = click.Choice(["text", "json"])

REDACT_HELP = "Mask national ID numbers (身分證統一編號) in the output, e.g. A******789."
EPILOG = (
    "Exit codes: 0 success (validate/check: no error findings); 1 findings with "
    "errors; 2 usage error, unreadable or malformed input, unknown form."
)


def _fail(message: str, code: int = EXIT_USAGE) -> NoReturn:
    click.echo(f"formkit: error: {message}", err=True)
    sys.exit(code)


def _as_of(value: str | None) -> date:
    if value is None:
        return date.today()
    from .dates import parse_date

    d = parse_date(value)
    if d is None:
        _fail(f"--as-of {value!r} is not a date (use YYYY-MM-DD or 115/11/21)")
    return d


def _emit_json(data: Any) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2))


def _print_findings(findings: list[Any], lang: str) -> None:
    marks = {"error": "E", "warning": "W", "info": "I"}
    for f in findings:
        where = f" [{f.form}]" if f.form else ""
        click.echo(f"{marks[f.severity]} {f.rule}{where} {f.path or '/'}: {f.text(lang)}")
        if f.citation:
            click.echo(f"    ({f.citation})")


class _Group(click.Group):
    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except FormkitError as exc:
            _fail(str(exc))
        except KeyboardInterrupt:
            _fail("interrupted", 130)
        except OSError as exc:  # an output that cannot be written: say where, no traceback
            where = exc.filename if exc.filename is not None else "output"
            _fail(f"{where}: cannot write: {exc.strerror or exc}")
        except BrokenPipeError:
            sys.exit(EXIT_OK)


@click.group(cls=_Group, epilog=EPILOG, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="formkit")
@click.option("-v", "--verbose", count=True, help="More diagnostics on stderr.")
def main(verbose: int) -> None:
    """formkit: fill, validate, render and parse the forms of Taiwan's product
    certification schemes (MIT微笑, 正字標記, 慈悅評鑑, 職安法產品監督)."""
    level = logging.WARNING - 10 * min(verbose, 2)
    logging.basicConfig(level=level, format="formkit: %(levelname)s: %(message)s", stream=sys.stderr)
    from .redact import RedactingFilter

    for handler in logging.getLogger().handlers:  # records of other loggers too: no national ID
        handler.addFilter(RedactingFilter())


@main.command("forms", epilog=EPILOG)
@click.option("--scheme", help="Only this scheme (mit, cnsmark, cnsmark-legacy, ciyue, oshpm).")
@click.option("--format", "fmt", type=FORMATS, default="text", show_default=True)
def forms_cmd(scheme: str | None, fmt: str) -> None:
    """List the forms of the catalogue."""
    from .catalog import catalog

    forms = catalog(scheme)
    if fmt == "json":
        _emit_json([f.as_dict() for f in forms])
        return
    for f in forms:
        click.echo(f"{f.id:45} {f.full_title}")


@main.command("schema", epilog=EPILOG)
@click.argument("form")
def schema_cmd(form: str) -> None:
    """Print a form's JSON Schema."""
    from .catalog import get_form

    _emit_json(get_form(form).schema)


@main.command("sample", epilog=EPILOG)
@click.argument("form")
def sample_cmd(form: str) -> None:
    """Print a complete, valid sample record of a form."""
    from .catalog import get_form

    _emit_json(get_form(form).sample)


def _load(data: str) -> dict[str, Any]:
    from .records import read_record

    return read_record(data)


@main.command("validate", epilog=EPILOG)
@click.argument("form")
@click.argument("data")
@click.option("--as-of", help="The date of reference for rules about 'today' (default: today).")
@click.option("--lang", type=LANGS, default="zh-TW", show_default=True, help="Language of messages.")
@click.option("--format", "fmt", type=FORMATS, default="text", show_default=True)
def validate_cmd(form: str, data: str, as_of: str | None, lang: str, fmt: str) -> None:
    """Check DATA (a JSON file, or - for stdin) against FORM's schema and rules."""
    from .catalog import get_form
    from .validate import validate

    report = validate(get_form(form), _load(data), as_of=_as_of(as_of))
    if fmt == "json":
        _emit_json(report.as_dict(lang))
    else:
        _print_findings(report.findings, lang)
        verdict = "valid" if report.valid else f"invalid: {len(report.errors)} error(s)"
        click.echo(f"{report.form}: {verdict}")
    sys.exit(EXIT_OK if report.valid else EXIT_FINDINGS)


@main.command("fill", epilog=EPILOG)
@click.argument("form")
@click.argument("data")
@click.option("-o", "--output", required=True, help="OUT.json, OUT.docx or OUT.pdf.")
@click.option("--as-of", help="The date of reference for rules about 'today' (default: today).")
@click.option("--lang", type=LANGS, default="zh-TW", show_default=True, help="Language of messages.")
@click.option("--draft", is_flag=True,
              help="Render even with errors, marked 草稿; every finding is printed, errors first, "
                   "and the exit code is still 1 when there are errors.")
@click.option("--templates", type=click.Path(file_okay=False), help="Folder of template overrides.")
@click.option("--redact", is_flag=True, help=REDACT_HELP)
@click.option("--worksheet", is_flag=True,
              help="Also print the form's worksheet: the extension fields that are not on the "
                   "official form, on pages of their own after it.")
def fill_cmd(form: str, data: str, output: str, as_of: str | None, lang: str, draft: bool,
             templates: str | None, redact: bool, worksheet: bool) -> None:
    """Compute derived fields of DATA and write the completed record or document."""
    from .records import write_atomic
    from .validate import fill

    suffix = Path(output).suffix.lower()
    if suffix not in (".json", ".docx", ".pdf"):
        _fail(f"{output}: the output must end in .json, .docx or .pdf")
    from .catalog import get_form

    report = fill(get_form(form), _load(data), as_of=_as_of(as_of))
    order = {"error": 0, "warning": 1, "info": 2}  # errors first: they are what made a draft
    notes = sorted(report.findings, key=lambda f: order.get(f.severity, 3))
    if notes:
        click.echo("\n".join(f"{f.rule} {f.path or '/'}: {f.text(lang)}" for f in notes), err=True)
    if not report.valid and not draft:
        click.echo(f"formkit: {report.form}: {len(report.errors)} error(s); nothing written "
                   "(use --draft to render anyway)", err=True)
        sys.exit(EXIT_FINDINGS)
    record = report.record
    if redact:
        from .redact import redact_record

        record = redact_record(report.form, record)
    if suffix == ".json":
        payload = json.dumps(record, ensure_ascii=False, indent=2) + "\n"
        write_atomic(output, payload.encode("utf-8"))
    elif suffix == ".pdf":
        from .render.pdf import render_pdf

        write_atomic(output, render_pdf(report.form, record, draft=draft, templates=templates,
                                        worksheet=worksheet))
    else:
        from .render.docx import render_docx

        write_atomic(output, render_docx(report.form, record, draft=draft, templates=templates,
                                         worksheet=worksheet))
    click.echo(output)
    if not report.valid:  # a draft was written, but the record still has errors
        sys.exit(EXIT_FINDINGS)


@main.command("blank", epilog=EPILOG)
@click.argument("form")
@click.option("-o", "--output", required=True, help="OUT.pdf or OUT.docx.")
@click.option("--fillable", is_flag=True,
              help="A PDF form (AcroForm) to fill in any PDF reader; fields are named by the record keys.")
def blank_cmd(form: str, output: str, fillable: bool) -> None:
    """Write a blank form to fill by hand, in an office suite or in a PDF reader."""
    from .records import write_atomic

    suffix = Path(output).suffix.lower()
    if suffix == ".pdf":
        if fillable:
            from .render.fillable import render_fillable_pdf

            write_atomic(output, render_fillable_pdf(form))
        else:
            from .render.pdf import render_pdf

            write_atomic(output, render_pdf(form, None))
    elif suffix == ".docx":
        if fillable:
            _fail("--fillable makes a PDF form; a blank DOCX is filled in an office suite as it is")
        from .render.docx import render_docx

        write_atomic(output, render_docx(form, None))
    else:
        _fail(f"{output}: the output must end in .pdf or .docx")
    click.echo(output)


class _Size(click.ParamType):
    """A number of bytes: 52428800, 50MiB, 50M, 512k (units of 1024)."""

    name = "size"
    _UNITS = {"": 1, "k": 2**10, "m": 2**20, "g": 2**30}

    def convert(self, value: Any, param: Any, ctx: Any) -> int:
        import re

        if isinstance(value, int):
            return value
        m = re.fullmatch(r"\s*(\d+)\s*([kmg]?)(?:i?b)?\s*", str(value), re.IGNORECASE)
        if m is None or int(m.group(1)) < 1:
            self.fail(f"{value!r} is not a size (use bytes, or 50MiB, 512k)", param, ctx)
        return int(m.group(1)) * self._UNITS[m.group(2).lower()]


PARSE_EPILOG = (
    EPILOG + " A file over a cap (--max-bytes, --max-pages, --timeout, --max-memory) "
    "exits 2 with a message naming the file and the cap."
)
_LIMIT_FLAGS = {"bytes": "--max-bytes", "pages": "--max-pages", "time": "--timeout",
                "memory": "--max-memory"}


@main.command("parse", epilog=PARSE_EPILOG)
@click.argument("submitted", type=click.Path(dir_okay=False))
@click.option("--form", help="The form id, when it should not be identified from the title.")
@click.option("-o", "--output", help="Write the recovered record to this JSON file.")
@click.option("--as-of", help="The date of reference for rules about 'today' (default: today).")
@click.option("--lang", type=LANGS, default="zh-TW", show_default=True,
              help="Language of messages.")
@click.option("--format", "fmt", type=FORMATS, default="text", show_default=True)
@click.option("--max-bytes", type=_Size(), default="50MiB", show_default=True,
              help="Largest file accepted (bytes, or 50MiB, 512k).")
@click.option("--max-pages", type=click.IntRange(min=1), default=50, show_default=True,
              help="Most pages accepted.")
@click.option("--timeout", type=click.FloatRange(min=0), default=None, metavar="SECONDS",
              help="Wall-clock cap on the whole parse, OCR included; 0: none. "
                   "[default: 60, plus 10 for each page of a scan read by OCR]")
@click.option("--max-memory", type=click.IntRange(min=0), default=1024, show_default=True,
              metavar="MIB", help="Address space of the worker process that parses, in MiB; "
                                  "0: none.")
def parse_cmd(submitted: str, form: str | None, output: str | None, as_of: str | None, lang: str,
              fmt: str, max_bytes: int, max_pages: int, timeout: float | None,
              max_memory: int) -> None:
    """Read a submitted PDF (or a scan: PNG, JPEG, TIFF) back into a record, and validate it.

    The file is read in a worker process held to the caps below: a file over
    one, or one that takes too long or too much memory, is refused.
    """
    from .errors import LimitExceeded
    from .parse import Limits, parse_pdf
    from .records import write_atomic

    defaults = Limits()
    limits = Limits(
        max_bytes=max_bytes, max_pages=max_pages,
        timeout_s=defaults.timeout_s if timeout is None else (timeout or None),
        ocr_s_per_page=defaults.ocr_s_per_page if timeout is None else 0.0,
        max_memory_mib=max_memory or None,
    )
    reference = _as_of(as_of)
    try:
        result = parse_pdf(submitted, form=form, as_of=reference, limits=limits)
    except LimitExceeded as exc:
        flag = _LIMIT_FLAGS.get(getattr(exc, "limit", ""))
        _fail(f"{exc}" + (f" (see {flag})" if flag else ""))
    if output:
        text = json.dumps(result.data, ensure_ascii=False, indent=2) + "\n"
        write_atomic(output, text.encode())
    if fmt == "json":
        _emit_json(result.as_dict(lang))
    else:
        click.echo(f"{result.form} (source: {result.source})")
        if result.confidence is not None:
            unsure = {k: v for k, v in result.confidence.items() if v < 1.0}
            click.echo(f"fields read: {len(result.confidence)}; to review: {len(unsure)}; "
                       f"empty: {len(result.empty)}")
            for key, value in sorted(unsure.items()):
                click.echo(f"  review {key} (confidence {value:.2f})")
        _print_findings(result.findings, lang)
        if output is None:
            click.echo(json.dumps(result.data, ensure_ascii=False, indent=2))
    sys.exit(EXIT_OK if result.valid else EXIT_FINDINGS)


@main.command("check", epilog=EPILOG)
@click.argument("case", type=click.Path())
@click.option("--as-of", help="The date of reference for rules about 'today' (default: today).")
@click.option("--lang", type=LANGS, default="zh-TW", show_default=True, help="Language of messages.")
@click.option("--format", "fmt", type=FORMATS, default="text", show_default=True)
def check_cmd(case: str, as_of: str | None, lang: str, fmt: str) -> None:
    """Run the cross-document rules over CASE (a folder or a JSON file of documents)."""
    from .case import check_case

    report = check_case(case, as_of=_as_of(as_of))
    if fmt == "json":
        _emit_json(report.as_dict(lang))
    else:
        _print_findings(report.findings, lang)
        verdict = "consistent" if report.valid else "inconsistent"
        click.echo(f"case of {len(report.forms)} form(s) {', '.join(report.forms)}: {verdict}")
    sys.exit(EXIT_OK if report.valid else EXIT_FINDINGS)


@main.command("due", epilog=EPILOG)
@click.argument("event_date")
@click.argument("period")
@click.option("--kind", type=click.Choice(["limit", "validity", "lookback"]), default="limit",
              show_default=True,
              help="limit: a time limit (T1–T3, rolls past rest days); validity: a validity "
                   "period, start day counted (T4); lookback: the earliest date still within (T6).")
@click.option("--no-rollover", is_flag=True, help="Do not move the last day past rest days.")
@click.option("--format", "fmt", type=FORMATS, default="text", show_default=True)
def due_cmd(event_date: str, period: str, kind: str, no_rollover: bool, fmt: str) -> None:
    """The last day of PERIOD ("1 month", "30 days", "三個月") counted from EVENT_DATE."""
    from datetime import timedelta

    from .dates import parse_date, roc_long
    from .rules import periods

    event = parse_date(event_date)
    if event is None:
        _fail(f"{event_date!r} is not a date (use YYYY-MM-DD or 115/11/21)")
    try:
        n, unit = periods.parse_period(period)
    except ValueError as exc:
        _fail(str(exc))
    result: dict[str, Any] = {"event": event.isoformat(), "period": {"n": n, "unit": unit},
                              "kind": kind}
    if kind == "validity":
        end = periods.validity_end(event, n, unit)
        result.update(last_day=end.isoformat(), nominal=end.isoformat(), rolled=False,
                      explanation=f"valid from {event.isoformat()} (counted) for {n} {unit}(s): "
                                  f"to {end.isoformat()}")
    elif kind == "lookback":
        # The earliest document date d with T1(d, n) >= event.
        d = event
        while periods.within_lookback(d - timedelta(days=1), event, n, unit):
            d -= timedelta(days=1)
        result.update(last_day=d.isoformat(), nominal=d.isoformat(), rolled=False,
                      explanation=f"a document dated {d.isoformat()} or later is within "
                                  f"{n} {unit}(s) of {event.isoformat()}")
    else:
        dl = periods.deadline(event, n, unit, rollover=not no_rollover)
        result.update(last_day=dl.last_day.isoformat(), nominal=dl.nominal.isoformat(),
                      rolled=dl.rolled, explanation=dl.explain(),
                      skipped=[{"date": d.isoformat(), "reason": why} for d, why in dl.skipped])
    result["last_day_roc"] = roc_long(date.fromisoformat(result["last_day"]))
    if fmt == "json":
        _emit_json(result)
    else:
        click.echo(f"{result['last_day']} ({result['last_day_roc']})")
        click.echo(result["explanation"])



BATCH_EPILOG = (
    "Exit codes: 0 every record rendered (or already current with --resume); 1 some "
    "records refused or failed (see the report); 2 usage error, unreadable RECORDS, "
    "unknown form; 130 interrupted (run again with --resume to finish)."
)


def _duration(seconds: float) -> str:
    s = max(0, round(seconds))
    if s < 60:
        return f"{s} s"
    if s < 3600:
        return f"{s // 60} min {s % 60} s"
    return f"{s // 3600} h {s % 3600 // 60:02d} min"


class _BatchProgress:
    """Progress on stderr: a one-line bar on a terminal, else a line every ~5% or 10 s."""

    def __init__(self) -> None:
        self.tty = sys.stderr.isatty()
        self.drawn = False
        self.last_done, self.last_time, self.last_draw = -1, 0.0, 0.0

    def __call__(self, p: Any) -> None:
        import time

        if p.phase == "validated":
            msg = (f"validated {p.records} record(s): {p.to_render} to render, "
                   f"{p.refused} refused")
            if p.skipped:
                msg += f", {p.skipped} already current (--resume)"
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
        pct = 100 * p.done // p.to_render
        rate = p.files / p.elapsed if p.elapsed > 0 else 0.0
        text = f"{p.done}/{p.to_render} ({pct}%), {rate:.1f} doc/s"
        if 0 < p.done < p.to_render and p.elapsed > 0:
            text += f", ETA {_duration((p.to_render - p.done) * p.elapsed / p.done)}"
        return text

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


@main.command("batch", epilog=BATCH_EPILOG)
@click.argument("form")
@click.argument("records")
@click.option("-o", "--output", "out_dir", required=True, metavar="DIR",
              help="Folder for the documents, the report and the manifest (created if missing).")
@click.option("--to", "to", default="pdf", show_default=True, help="pdf, docx or pdf,docx.")
@click.option("-j", "--jobs", type=click.IntRange(min=1), default=1, show_default=True,
              help="Worker processes rendering side by side.")
@click.option("--resume", is_flag=True,
              help="Skip outputs already complete and made from the same record.")
@click.option("--name-key", help="Dotted record key naming the outputs (e.g. holder.tax_id); "
                                 "default: the form's document number, else the position.")
@click.option("--as-of", help="The date of reference for rules about 'today' (default: today).")
@click.option("--lang", type=LANGS, default="zh-TW", show_default=True,
              help="Language of the findings and of batch-report.txt.")
@click.option("--redact", is_flag=True, help=REDACT_HELP)
def batch_cmd(form: str, records: str, out_dir: str, to: str, jobs: int, resume: bool,
              name_key: str | None, as_of: str | None, lang: str, redact: bool) -> None:
    """Validate and render every record of RECORDS (JSON Lines, - for stdin, or a folder
    of .json files) into DIR; write DIR/batch-report.json and DIR/batch-report.txt."""
    import re

    from .batch import BatchInterrupted, parse_formats, run_batch
    from .catalog import get_form

    try:
        formats = parse_formats(to)
    except FormkitError as exc:
        _fail(str(exc))
    if name_key is not None and not re.fullmatch(r"[^.\s]+(\.[^.\s]+)*", name_key):
        _fail(f"--name-key {name_key!r}: use a dotted record key such as cert_no or holder.tax_id")
    the_form = get_form(form)
    reference = _as_of(as_of)
    progress = _BatchProgress()
    try:
        result = run_batch(the_form, records, out_dir, formats=formats, jobs=jobs, resume=resume,
                           name_key=name_key, as_of=reference, lang=lang, progress=progress,
                           redact=redact)
    except BatchInterrupted as stop:
        progress.close()
        result = stop.result
        c = result.counts
        click.echo(f"formkit: interrupted: {c['written']} of {c['records']} record(s) written; "
                   "run again with --resume to finish", err=True)
        _batch_summary(result)
        sys.exit(130)
    finally:
        progress.close()
    _batch_summary(result)
    sys.exit(EXIT_OK if result.ok else EXIT_FINDINGS)


def _batch_summary(result: Any) -> None:
    c = result.counts
    click.echo(f"{result.form.id}: {c['records']} record(s): {c['written']} written, "
               f"{c['skipped']} skipped (current), {c['refused']} refused, {c['failed']} failed"
               + (f", {c['not_done']} not done" if c["not_done"] else "")
               + f"; {c['files_written']} file(s) in {result.elapsed:.1f} s "
               f"({result.rate:.2f} doc/s)")
    for path in result.report_paths:
        click.echo(str(path))


if __name__ == "__main__":  # pragma: no cover
    main()
