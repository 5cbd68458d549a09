"""User templates and hostile markup (issue 5): the sandbox, the URL fetcher, bounded renders.

A user template (``formkit fill FORM DATA -o OUT --templates DIR``, with
``DIR/<scheme>/<name>.html`` or ``.docx``) is untrusted. Every case here asserts
the exact outcome: the error class and message from the library, exit 2 and the
same message from the command line, no output file (and no temporary file) left,
the canary's content in no output and the canary file unread, and no network
attempt (``no_network`` in this process and, inherited, in the child process a
user template is rendered in; ``local_server`` for any process).

Templates and records are generated here, so that they can name the canary file
and the local server.
"""

from __future__ import annotations

import base64
import html
import io
import json
import os
import re
import time
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from formkit import limits
from formkit.cli import main
from formkit.engine import fill
from formkit.errors import FormkitError, InputError, LimitExceeded, RenderError
from formkit.forms import get_form
from formkit.render.docx import render_docx
from formkit.render.pdf import render_pdf

from ..conftest import AS_OF

FORM = "ciyue/fee-quote"  # no template of its own: a user's replaces the generic one
PLAN = "oshpm/destruction-plan"  # ``method`` holds 1,000 characters: room for hostile values
CERT = "mit/annex-11-product-certificate"  # a form with its own (trusted) template.html
ASOF = AS_OF.isoformat()

INTERNALS = ("template refused: it tried to reach Python internals (attribute {!r} of a {!r} "
             "object)")
NOT_FETCHED = ("formkit fetches nothing from disk or network; only PNG, JPEG or GIF images "
               "inline as data: URLs are read")


def internals(attribute: str, kind: str) -> str:
    return INTERNALS.format(attribute, kind)


# ---------------------------------------------------------------- helpers


def html_templates(root: Path, text: str, form: str = FORM) -> Path:
    """A --templates folder whose only file is ``<scheme>/<name>.html`` holding ``text``."""
    folder = root / "tpl"
    scheme, name = form.split("/")
    (folder / scheme).mkdir(parents=True, exist_ok=True)
    (folder / scheme / f"{name}.html").write_text(text, encoding="utf-8")
    return folder


def docx_templates(root: Path, text: str, form: str = FORM) -> Path:
    """A --templates folder holding ``<scheme>/<name>.docx``: one paragraph of ``text``."""
    from docx import Document

    folder = root / "tpl"
    scheme, name = form.split("/")
    (folder / scheme).mkdir(parents=True, exist_ok=True)
    document = Document()
    document.add_paragraph(text)
    document.save(str(folder / scheme / f"{name}.docx"))
    return folder


def record_file(root: Path, form: str = FORM, **changes: Any) -> Path:
    record = {**get_form(form).sample, **changes}
    path = root / "record.json"
    path.write_text(json.dumps(record, ensure_ascii=False), encoding="utf-8")
    return path


def filled(form: str = FORM, **changes: Any) -> dict[str, Any]:
    report = fill(form, {**get_form(form).sample, **changes}, as_of=AS_OF)
    assert report.valid, [f.as_dict("en") for f in report.errors]
    return report.record


def squash(text: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


def pdf_text(data: bytes) -> str:
    import pdfplumber

    with pdfplumber.open(io.BytesIO(data)) as pdf:
        return squash("".join(p.extract_text() or "" for p in pdf.pages))


def docx_text(data: bytes) -> str:
    xml = zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml").decode("utf-8")
    return squash(html.unescape("".join(re.findall(r"<w:t(?: [^>]*)?>([^<]*)</w:t>", xml))))


def cli(*args: str) -> Any:
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def hidden_files(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith("."))


@dataclass
class Guards:
    canary: Any
    net: Any
    server: Any = None

    def check(self, *outputs: Any) -> None:
        self.canary.assert_absent(*outputs)
        self.canary.assert_unread()
        self.net.assert_none()
        if self.server is not None:
            self.server.assert_untouched()


@pytest.fixture
def guards(canary, no_network) -> Guards:  # type: ignore[no-untyped-def]
    """The canary and no network (inherited by the child process a user template runs in)."""
    return Guards(canary, no_network)


@pytest.fixture
def served(canary, no_network, local_server) -> Guards:  # type: ignore[no-untyped-def]
    """Also the local server, for input that names its URLs (any process's request counts)."""
    return Guards(canary, no_network, local_server)


def assert_cli_refuses(tmp_path: Path, templates: Path, message: str, guards: Guards,
                       suffix: str = ".pdf", form: str = FORM, data: Path | None = None) -> None:
    """``fill ... --templates DIR`` exits 2 with the message, writing nothing."""
    out_dir = tmp_path / "out"
    out_dir.mkdir(exist_ok=True)
    out = out_dir / f"out{suffix}"
    data = data or record_file(tmp_path, form)
    result = cli("fill", form, str(data), "-o", str(out),
                 "--as-of", ASOF, "--templates", str(templates), "--lang", "en")
    assert result.exit_code == 2, result.output
    assert result.stderr.splitlines()[-1] == f"formkit: error: {message}"
    assert "Traceback" not in result.output
    assert result.stdout == ""
    assert not out.exists() and hidden_files(out_dir) == []
    guards.check(result.stdout, result.stderr)


# ---------------------------------------------------------------- SSTI payloads


@dataclass(frozen=True)
class Case:
    id: str
    payload: str  # {canary} is replaced by the canary file's path
    html: tuple[type[FormkitError], str]
    docx: tuple[type[FormkitError], str] | None = None  # None: as html


NO_INCLUDE = ("template refused: this template cannot include, import or extend other "
              "templates ({!r})")

SSTI = [
    Case("str-mro", "{{ ''.__class__.__mro__ }}", (InputError, internals("__class__", "str"))),
    Case("cycler-globals", "{{ cycler.__init__.__globals__ }}",
         (InputError, internals("__init__", "type"))),
    Case("self-globals", "{{ self.__init__.__globals__ }}",
         (InputError, internals("__init__", "TemplateReference"))),
    Case("subclasses", "{{ r.__class__.__base__.__subclasses__() }}",
         (InputError, internals("__class__", "dict"))),
    Case("format-string", '{{ "{0.__class__}".format(r) }}',
         (InputError, internals("__class__", "dict"))),
    Case("for-subclasses",
         "{% for x in ().__class__.__base__.__subclasses__() %}{{ x }}{% endfor %}",
         (InputError, internals("__class__", "tuple"))),
    Case("lipsum-globals", "{{ lipsum.__globals__ }}",
         (InputError, internals("__globals__", "function"))),
    Case("label-globals", "{{ label.__globals__ }}",
         (InputError, internals("__globals__", "function")),
         (InputError, "template error: 'label' is undefined")),
    Case("config", "{{ config }}", (InputError, "template error: 'config' is undefined")),
    Case("config-items", "{{ config.items() }}",
         (InputError, "template error: 'config' is undefined")),
    Case("request", "{{ request }}", (InputError, "template error: 'request' is undefined")),
    Case("attr-filter", "{{ r|attr('__class__') }}", (InputError, internals("__class__", "dict"))),
    Case("attr-filter-mro", "{{ (r|attr('__class__')|attr('__mro__')) }}",
         (InputError, internals("__class__", "dict"))),
    # the Form object held the paths of formkit's data: it is no longer given to templates
    Case("form-path", "{{ form.directory.joinpath('{canary}').read_text() }}",
         (InputError, "template error: 'dict object' has no attribute 'directory'")),
    Case("doc-form-path", "{{ doc.form.directory.joinpath('{canary}').read_text() }}",
         (InputError, "template refused: it tried to reach 'form' of a 'Document' object, "
                      "which templates never get"),
         (InputError, "template error: 'doc' is undefined")),
    Case("include-etc-passwd", "{% include '/etc/passwd' %}",
         (InputError, "template refused: '/etc/passwd' is outside the templates folder"),
         (InputError, NO_INCLUDE.format("/etc/passwd"))),
    Case("include-canary", "{% include '{canary}' %}",
         (InputError, "template refused: '{canary}' is outside the templates folder"),
         (InputError, NO_INCLUDE.format("{canary}"))),
    Case("include-relative", "{% include '../canary/canary.txt' %}",
         (InputError, "template refused: '../canary/canary.txt' is outside the templates folder"),
         (InputError, NO_INCLUDE.format("../canary/canary.txt"))),
    Case("import", "{% import 'x' as y %}",
         (InputError, "template error: template 'x' not found in the templates folder"),
         (InputError, NO_INCLUDE.format("x"))),
    Case("extends-traversal", "{% extends '../../../etc/passwd' %}",
         (InputError, "template refused: '../../../etc/passwd' is outside the templates folder"),
         (InputError, NO_INCLUDE.format("../../../etc/passwd"))),
    Case("range-huge", "{% for i in range(10**9) %}{% endfor %}",
         (LimitExceeded, "template refused: range() of 1,000,000,000 items; templates may "
                         "count to 100,000")),
    Case("string-huge", "{{ 'x' * 10**9 }}",
         (LimitExceeded, "template refused: a repetition (*) of 1,000,000,000 characters or "
                         "items; the cap is 10,000,000")),
    Case("list-huge", "{{ [1] * 10**9 }}",
         (LimitExceeded, "template refused: a repetition (*) of 1,000,000,000 characters or "
                         "items; the cap is 10,000,000")),
    Case("power-huge", "{{ 2 ** 100000 }}",
         (LimitExceeded, "template refused: 2 ** 100000 has more than 10,000 digits")),
    Case("doubling", "{% set ns = namespace(s='x') %}{% for i in range(40) %}"
                     "{% set ns.s = ns.s ~ ns.s %}{% endfor %}{{ ns.s|length }}",
         (LimitExceeded, "template refused: a concatenation (~) of 16,777,216 characters or "
                         "items; the cap is 10,000,000")),
    Case("center-huge", "{{ 'x'.center(10**9) }}",
         (LimitExceeded, "template refused: center(1,000,000,000) is over the cap of 100,000")),
    Case("center-filter-huge", "{{ 'x'|center(10**9) }}",
         (LimitExceeded, "template refused: center(1,000,000,000) is over the cap of 100,000")),
    Case("format-width", "{{ '{:>999999999}'.format(1) }}",
         (LimitExceeded, "template refused: a format width over the cap")),
    Case("output-huge", "{% for i in range(100000) %}{{ 'x' * 200 }}{% endfor %}",
         (LimitExceeded, "template refused: its output is over 10,000,000 characters, the cap")),
    Case("recursion", "{% macro f(n) %}{{ f(n + 1) }}{% endmacro %}{{ f(0) }}",
         (LimitExceeded, "template refused: nested too deeply (a macro calling itself?)")),
    Case("zero-division", "{{ 1 / 0 }}",
         (InputError, "template error: ZeroDivisionError: division by zero")),
]


def _expected(case: Case, kind: str, canary: Any) -> tuple[type[FormkitError], str]:
    cls, message = case.docx if kind == "docx" and case.docx is not None else case.html
    return cls, message.replace("{canary}", str(canary.path))


def _templates(kind: str, root: Path, payload: str) -> Path:
    if kind == "html":
        return html_templates(root, f"<html><body><p>{{{{ r.quote_no }}}}</p>{payload}"
                                    "</body></html>")
    return docx_templates(root, f"{{{{ r.quote_no }}}} {payload}")


@pytest.mark.parametrize("kind", ["html", "docx"])
@pytest.mark.parametrize("case", SSTI, ids=lambda c: c.id)
def test_ssti_payload_is_refused_with_its_exact_message(case: Case, kind: str, tmp_path: Path,
                                                        guards: Guards) -> None:
    payload = case.payload.replace("{canary}", str(guards.canary.path))
    templates = _templates(kind, tmp_path, payload)
    cls, message = _expected(case, kind, guards.canary)
    render = render_pdf if kind == "html" else render_docx
    started = time.monotonic()
    with pytest.raises(FormkitError) as info:
        render(FORM, filled(), templates=str(templates))
    assert type(info.value) is cls
    assert str(info.value) == message
    assert time.monotonic() - started < 15
    assert_cli_refuses(tmp_path, templates, message, guards,
                       suffix=".pdf" if kind == "html" else ".docx")


@pytest.mark.parametrize("kind", ["html", "docx"])
def test_a_template_that_loops_forever_stops_at_the_time_cap(kind: str, tmp_path: Path,
                                                            guards: Guards, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(limits, "TEMPLATE_SECONDS", 2.0)
    templates = _templates(kind, tmp_path, "{% for i in range(100000) %}"
                                           "{% for j in range(100000) %}{% endfor %}{% endfor %}")
    message = "template refused: it ran longer than 2 s, the cap"
    render = render_pdf if kind == "html" else render_docx
    started = time.monotonic()
    with pytest.raises(LimitExceeded, match=f"^{message}$"):
        render(FORM, filled(), templates=str(templates))
    assert time.monotonic() - started < 2.0 + 5
    assert_cli_refuses(tmp_path, templates, message, guards,
                       suffix=".pdf" if kind == "html" else ".docx")


def test_lipsum_is_bounded_and_a_plain_user_template_renders(tmp_path: Path,
                                                             guards: Guards) -> None:
    """The control case: a harmless user template, through the bounded child process."""
    from formkit.render.html import render_html

    templates = html_templates(tmp_path, "<html lang='zh-Hant-TW'><body><p>{{ r.quote_no }}"
                                         "</p><p>{{ lipsum(10**9)|length < 100000 }}</p>"
                                         "{% include 'form.html.j2' %}</body></html>")
    assert "CY-Q-113-0042" in render_html(get_form(FORM), filled(), templates=str(templates))
    out = tmp_path / "ok.pdf"
    result = cli("fill", FORM, str(record_file(tmp_path)), "-o", str(out), "--as-of", ASOF,
                 "--templates", str(templates))
    assert result.exit_code == 0, result.output
    text = pdf_text(out.read_bytes())
    assert "CY-Q-113-0042" in text and "True" in text
    guards.check(out.read_bytes())


# ---------------------------------------------------------------- the templates folder


@pytest.mark.parametrize("kind", ["html", "docx"])
def test_a_template_linked_outside_its_folder_is_refused(kind: str, tmp_path: Path,
                                                         guards: Guards) -> None:
    folder = tmp_path / "tpl"
    (folder / "ciyue").mkdir(parents=True)
    (folder / "ciyue" / f"fee-quote.{kind}").symlink_to(guards.canary.path)
    message = f"template refused: 'ciyue/fee-quote.{kind}' leads outside the templates folder"
    render = render_pdf if kind == "html" else render_docx
    with pytest.raises(InputError, match=f"^{message}$"):
        render(FORM, filled(), templates=str(folder))
    assert_cli_refuses(tmp_path, folder, message, guards,
                       suffix=".pdf" if kind == "html" else ".docx")


def test_an_include_linked_outside_the_folder_is_refused(tmp_path: Path, guards: Guards) -> None:
    folder = html_templates(tmp_path, "<p>{% include 'ciyue/leak.html' %}</p>")
    (folder / "ciyue" / "leak.html").symlink_to(guards.canary.path)
    message = "template refused: 'ciyue/leak.html' leads outside the templates folder"
    with pytest.raises(InputError, match=f"^{message}$"):
        render_pdf(FORM, filled(), templates=str(folder))
    assert_cli_refuses(tmp_path, folder, message, guards)


def test_an_include_inside_the_folder_is_read(tmp_path: Path, guards: Guards) -> None:
    folder = html_templates(tmp_path, "<html lang='zh-Hant-TW'><body>"
                                      "{% include 'ciyue/head.html' %}</body></html>")
    (folder / "ciyue" / "head.html").write_text("<h1>抬頭 {{ r.quote_no }}</h1>", "utf-8")
    pdf = render_pdf(FORM, filled(), templates=str(folder))
    assert "抬頭CY-Q-113-0042" in pdf_text(pdf)
    guards.check(pdf)


def test_template_files_over_the_size_caps_are_refused(tmp_path: Path, guards: Guards) -> None:
    folder = html_templates(tmp_path, "x" * (limits.TEMPLATE_FILE_BYTES + 1))
    with pytest.raises(LimitExceeded, match=r"^template refused: ciyue/fee-quote\.html is "
                                            r"1,048,577 bytes; templates are capped at 1 MiB$"):
        render_pdf(FORM, filled(), templates=str(folder))
    big = tmp_path / "big" / "ciyue"
    big.mkdir(parents=True)
    with open(big / "fee-quote.docx", "wb") as fh:
        fh.truncate(limits.DOCX_TEMPLATE_FILE_BYTES + 1)
    message = ("template refused: ciyue/fee-quote.docx is 20,971,521 bytes; templates are "
               "capped at 20 MiB")
    with pytest.raises(LimitExceeded, match=f"^{message}$"):
        render_docx(FORM, filled(), templates=str(big.parent))
    guards.check()


def test_a_docx_that_is_not_a_word_document_is_refused(tmp_path: Path, guards: Guards) -> None:
    folder = tmp_path / "tpl" / "ciyue"
    folder.mkdir(parents=True)
    (folder / "fee-quote.docx").write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(InputError, match=r"^template error: fee-quote\.docx is not a Word "
                                         r"document \(\.docx\) that formkit can read: "):
        render_docx(FORM, filled(), templates=str(folder.parent))
    guards.check()


def test_a_docx_with_an_external_entity_reads_nothing(tmp_path: Path, guards: Guards) -> None:
    """XXE: python-docx parses without resolving entities; the entity is dropped, unread."""
    folder = docx_templates(tmp_path, "XXE-HERE {{ r.quote_no }}")
    path = folder / "ciyue" / "fee-quote.docx"
    with zipfile.ZipFile(path) as z:
        parts = {n: z.read(n) for n in z.namelist()}
    xml = parts["word/document.xml"].decode("utf-8")
    declaration, _, rest = xml.partition("?>")
    doctype = f'<!DOCTYPE w:document [<!ENTITY xxe SYSTEM "{guards.canary.url}">]>'
    parts["word/document.xml"] = (declaration + "?>" + doctype + rest.replace("XXE-HERE", "&xxe;")
                                  ).encode("utf-8")
    with zipfile.ZipFile(path, "w") as z:
        for name, data in parts.items():
            z.writestr(name, data)
    out = render_docx(FORM, filled(), templates=str(folder))
    body = zipfile.ZipFile(io.BytesIO(out)).read("word/document.xml").decode("utf-8")
    assert "CY-Q-113-0042" in body
    guards.check(out)


# ---------------------------------------------------------------- the URL fetcher


def png(width: int = 4, height: int = 4, noise: bool = False) -> bytes:
    from PIL import Image

    if noise:
        image = Image.frombytes("RGB", (width, height), os.urandom(width * height * 3))
    else:
        image = Image.new("1", (width, height))
    buf = io.BytesIO()
    image.save(buf, "PNG")
    return buf.getvalue()


def data_url(mime: str, data: bytes) -> str:
    return f"data:{mime};base64,{base64.b64encode(data).decode('ascii')}"


def _shown(url: str) -> str:
    return repr(url) if len(url) <= 100 else f"{url[:100]!r}… ({len(url):,} characters)"


def _vectors(canary: Any, server: Any) -> list[tuple[str, str, str, str]]:
    """(id, markup, the URL refused, why)."""
    c, s = canary.url, server.url()
    folder = canary.path.parent.as_uri() + "/"
    big = data_url("image/png", png(200, 200, noise=True))
    wide = data_url("image/png", png(5000, 1000))
    gif_as_png = data_url("image/png", b"GIF89a" + b"\x00" * 20)
    svg = data_url("image/svg+xml", f'<svg xmlns="http://www.w3.org/2000/svg"><image href="{c}"/>'
                                    "</svg>".encode())
    return [
        ("img-file", f'<img src="{c}">', c, NOT_FETCHED),
        ("img-http", f'<img src="{s}">', s, NOT_FETCHED),
        ("img-redirect", f'<img src="{server.url("/redirect")}">', server.url("/redirect"),
         NOT_FETCHED),
        ("link-stylesheet", f'<link rel="stylesheet" href="{s}">', s, NOT_FETCHED),
        ("link-attachment", f'<link rel="attachment" href="{c}">', c, NOT_FETCHED),
        ("a-attachment", f'<a rel="attachment" href="{c}">x</a>', c, NOT_FETCHED),
        ("import-url", f'<style>@import url("{c}");</style>', c, NOT_FETCHED),
        ("import-string", f'<style>@import "{s}";</style>', s, NOT_FETCHED),
        ("css-url", f'<p style="background: url({c})">x</p>', c, NOT_FETCHED),
        ("font-face", f"<style>@font-face {{ font-family: X; src: url({c}) }} "
                      "p { font-family: X }</style><p>x</p>", c, NOT_FETCHED),
        ("list-style", f'<ul style="list-style-image: url({s})"><li>x</li></ul>', s, NOT_FETCHED),
        ("object", f'<object data="{c}"></object>', c, NOT_FETCHED),
        ("embed", f'<embed src="{c}">', c, NOT_FETCHED),
        ("svg-image", f'<svg width="10" height="10"><image href="{c}" width="10" height="10"/>'
                      "</svg>", c, NOT_FETCHED),
        ("svg-xlink", '<svg xmlns:xlink="http://www.w3.org/1999/xlink" width="10" height="10">'
                      f'<image xlink:href="{s}" width="10" height="10"/></svg>', s, NOT_FETCHED),
        ("base-href", f'<base href="{folder}"><img src="canary.txt">', c, NOT_FETCHED),
        ("relative", '<img src="canary.txt">', "canary.txt", NOT_FETCHED),
        ("data-svg", f'<img src="{svg}">', svg,
         "a data: URL of type image/svg+xml; only PNG, JPEG and GIF images are read"),
        ("data-css", '<link rel="stylesheet" href="data:text/css,p%7Bcolor:red%7D">',
         "data:text/css,p%7Bcolor:red%7D",
         "a data: URL of type text/css; only PNG, JPEG and GIF images are read"),
        ("data-attachment", '<a rel="attachment" href="data:text/plain,x">x</a>',
         "data:text/plain,x", "a data: URL of type text/plain; only PNG, JPEG and GIF images "
                              "are read"),
        ("data-png-too-big", f'<img src="{big}">', big,
         f"a data: image of {len(base64.b64decode(big.split(',')[1])):,} bytes; the cap is 64 KiB"),
        ("data-png-too-wide", f'<img src="{wide}">', wide,
         "a data: image of 5000×1000 pixels; the cap is 4,000,000 pixels"),
        ("data-png-lying", f'<img src="{gif_as_png}">', gif_as_png,
         "a data: URL of type image/png that does not hold a PNG image"),
        ("data-bad-base64", '<img src="data:image/png;base64,iVBOR!!">',
         "data:image/png;base64,iVBOR!!", "a data: image whose base64 is not valid"),
    ]


VECTOR_IDS = [
    "img-file", "img-http", "img-redirect", "link-stylesheet", "link-attachment", "a-attachment",
    "import-url", "import-string", "css-url", "font-face", "list-style", "object", "embed",
    "svg-image", "svg-xlink", "base-href", "relative", "data-svg", "data-css", "data-attachment",
    "data-png-too-big", "data-png-too-wide", "data-png-lying", "data-bad-base64",
]


@pytest.mark.parametrize("vector", VECTOR_IDS)
def test_user_template_urls_are_refused_and_nothing_is_fetched(vector: str, tmp_path: Path,
                                                               served: Guards) -> None:
    vectors = _vectors(served.canary, served.server)
    assert [v[0] for v in vectors] == VECTOR_IDS
    _, markup, url, why = next(v for v in vectors if v[0] == vector)
    templates = html_templates(tmp_path, f"<html><body><p>{{{{ r.quote_no }}}}</p>{markup}"
                                         "</body></html>")
    message = f"refused to fetch {_shown(url)}: {why}"
    with pytest.raises(InputError) as info:
        render_pdf(FORM, filled(), templates=str(templates))
    assert type(info.value) is InputError and str(info.value) == message
    assert_cli_refuses(tmp_path, templates, message, served)


@pytest.mark.parametrize("markup", [
    '<iframe src="{c}"></iframe>',  # not drawn by WeasyPrint
    '<svg width="10" height="10"><use href="{c}#x"/></svg>',  # external <use> is not followed
    '<a href="{c}">a link, not a fetch</a>',
    '<a href="{s}">a link, not a fetch</a>',
    '<img src="{png}" alt="a small PNG inline">',
], ids=["iframe", "svg-use", "a-file", "a-http", "data-png"])
def test_markup_that_fetches_nothing_renders(markup: str, tmp_path: Path, served: Guards) -> None:
    markup = markup.format(c=served.canary.url, s=served.server.url(),
                           png=data_url("image/png", png(40, 20)))
    templates = html_templates(tmp_path, f"<html><body><p>{{{{ r.quote_no }}}}</p>{markup}"
                                         "</body></html>")
    out = tmp_path / "out.pdf"
    result = cli("fill", FORM, str(record_file(tmp_path)), "-o", str(out), "--as-of", ASOF,
                 "--templates", str(templates))
    assert result.exit_code == 0, result.output
    from pypdf import PdfReader

    reader = PdfReader(out)
    assert list(reader.attachments) == ["formkit.json"]
    served.check(out.read_bytes(), result.output)


# ---------------------------------------------------------------- record values


def hostile_values(canary: Any, server: Any) -> list[str]:
    return [
        f'<img src="{canary.url}">',
        f'<link rel="attachment" href="{canary.url}">',
        f'<style>@import url("{server.url()}");</style>',
        f'<a rel="attachment" href="{server.url()}">x</a>',
        "{{ 7 * 7 }}{% include '/etc/passwd' %}",
    ]


@pytest.mark.parametrize("index", range(5))
@pytest.mark.parametrize("how", ["generic", "user-template"])
def test_record_values_print_as_literal_text_and_fetch_nothing(index: int, how: str,
                                                               tmp_path: Path,
                                                               served: Guards) -> None:
    value = hostile_values(served.canary, served.server)[index]
    args = []
    if how == "user-template":
        args = ["--templates", str(html_templates(
            tmp_path, "<html lang='zh-Hant-TW'><body><p>{{ r.case_no }}</p><p>{{ r.method }}</p>"
                      "</body></html>", form=PLAN))]
    data = record_file(tmp_path, PLAN, method=value)
    for suffix in (".pdf", ".docx"):
        out = tmp_path / f"out{suffix}"
        result = cli("fill", PLAN, str(data), "-o", str(out), "--as-of", ASOF, *args)
        assert result.exit_code == 0, result.output
        if suffix == ".pdf":
            from pypdf import PdfReader

            assert list(PdfReader(out).attachments) == ["formkit.json"]
            printed = pdf_text(out.read_bytes())
        else:
            printed = docx_text(out.read_bytes())
        assert squash(value) in printed
        served.check(out.read_bytes(), result.output)


def test_a_user_template_that_unescapes_a_value_still_fetches_nothing(tmp_path: Path,
                                                                      guards: Guards) -> None:
    """``|safe`` is the template author's choice; the fetcher is the second wall."""
    templates = html_templates(tmp_path, "<p>{{ r.method|safe }}</p>", form=PLAN)
    data = record_file(tmp_path, PLAN, method=f'<img src="{guards.canary.url}">')
    message = f"refused to fetch {guards.canary.url!r}: {NOT_FETCHED}"
    assert_cli_refuses(tmp_path, templates, message, guards, form=PLAN, data=data)


def test_the_kit_certificate_template_escapes_values(tmp_path: Path, guards: Guards) -> None:
    record = filled(CERT)
    value = f'<img src="{guards.canary.url}">'
    record["holder"] = {**record["holder"], "address": value}
    pdf = render_pdf(CERT, record)
    assert squash(value) in pdf_text(pdf)
    guards.check(pdf)


# ---------------------------------------------------------------- the bounded child process


def _allocate() -> bytes:
    return bytes(bytearray(3 * 2**30))


def _sleep() -> bytes:
    time.sleep(30)
    return b""


def _input_error() -> bytes:
    raise InputError("refused in the child")


def _bug() -> bytes:
    raise ValueError("a bug in the child")


def test_run_bounded_caps_memory_time_and_passes_errors_back() -> None:
    assert limits.run_bounded(lambda: b"fine", what="t") == b"fine"
    with pytest.raises(LimitExceeded, match=r"^t: needed more than 256 MiB of memory, the cap$"):
        limits.run_bounded(_allocate, what="t", memory=256 * 2**20)
    started = time.monotonic()
    with pytest.raises(LimitExceeded, match=r"^t: stopped after 1 s, the cap on rendering time$"):
        limits.run_bounded(_sleep, what="t", seconds=1)
    assert time.monotonic() - started < 1 + 2 + 2
    with pytest.raises(InputError, match=r"^refused in the child$") as info:
        limits.run_bounded(_input_error, what="t")
    assert type(info.value) is InputError
    with pytest.raises(RenderError, match=r"^rendering failed: ValueError: a bug in the child$"):
        limits.run_bounded(_bug, what="t")
