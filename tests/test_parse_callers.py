"""parse_pdf (and a batch with workers) from any caller: a script without a main guard,
a heredoc, a thread, a file object. The worker never runs the caller's code again."""

from __future__ import annotations

import io
import subprocess
import sys
import threading
from pathlib import Path

import pytest

import formkit
from formkit import fill, get_form, render_pdf

FORM = "mit/annex-09-corrective-plan"


@pytest.fixture(scope="module")
def pdf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    form = get_form(FORM)
    path = tmp_path_factory.mktemp("callers") / "a9.pdf"
    path.write_bytes(render_pdf(FORM, fill(form, form.sample).record))
    return path


def _python(args: list[str], stdin: str | None = None, cwd: Path | None = None
            ) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, *args], input=stdin, capture_output=True, text=True,
                          timeout=120, cwd=cwd)


SCRIPT = """\
import formkit
print("top-level ran")
print(formkit.parse_pdf({path!r}).source)
"""


def test_a_script_without_a_main_guard(pdf: Path, tmp_path: Path) -> None:
    script = tmp_path / "noguard.py"
    script.write_text(SCRIPT.format(path=str(pdf)))
    done = _python([str(script)])
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == ["top-level ran", "embedded"]
    assert "Traceback" not in done.stderr


def test_a_heredoc(pdf: Path) -> None:
    done = _python(["-"], stdin=SCRIPT.format(path=str(pdf)))
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == ["top-level ran", "embedded"]


def test_a_batch_with_workers_in_a_script_without_a_guard(tmp_path: Path) -> None:
    script = tmp_path / "batch.py"
    script.write_text(f"""\
import json
from formkit import get_form
from formkit.batch import run_batch
print("top-level ran")
form = get_form({FORM!r})
src = {str(tmp_path / "r.jsonl")!r}
open(src, "w").write("\\n".join(json.dumps(form.sample) for _ in range(3)))
result = run_batch(form.id, src, {str(tmp_path / "out")!r}, formats="pdf", jobs=2)
print(result.jobs)
""")
    done = _python([str(script)])
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == ["top-level ran", "2"]
    assert len(list((tmp_path / "out").glob("*.pdf"))) == 3


def test_threads(pdf: Path) -> None:
    sources: list[str] = []
    errors: list[BaseException] = []

    def parse() -> None:
        try:
            sources.append(formkit.parse_pdf(pdf).source)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=parse) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    assert sources == ["embedded"] * 3


def test_a_binary_file_object(pdf: Path) -> None:
    result = formkit.parse_pdf(io.BytesIO(pdf.read_bytes()))
    assert (result.form, result.source, result.valid) == (FORM, "embedded", True)
    with pdf.open("rb") as fh:
        assert formkit.parse_pdf(fh, limits=None).source == "embedded"


def test_a_text_file_object_is_refused(pdf: Path) -> None:
    with pytest.raises(formkit.InputError, match="binary"):
        formkit.parse_pdf(io.StringIO("%PDF-1.7"))
