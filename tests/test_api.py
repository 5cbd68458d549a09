"""The public API as an integrator meets it: the README's examples run and pass
``mypy --strict``, the package does too, and the names in ``formkit`` are what they say."""

from __future__ import annotations

import inspect
import re
import subprocess
import sys
import types
from datetime import date
from pathlib import Path

import pytest

import formkit
import formkit.errors

ROOT = Path(__file__).resolve().parents[1]


def _python_block(path: Path, section: str | None = None) -> str:
    text = path.read_text(encoding="utf-8")
    if section is not None:
        start = text.index(section)
        end = text.find("\n## ", start + len(section))
        text = text[start:end if end != -1 else None]
    found = re.search(r"```python\n(.*?)```", text, re.S)
    assert found, f"no python block in {path.name} {section or ''}"
    return found.group(1)


@pytest.fixture(scope="module")
def readme_client(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("client") / "readme_client.py"
    path.write_text(_python_block(ROOT / "README.md", "## Python API"), encoding="utf-8")
    return path


def _mypy(*paths: Path | str, cache: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-error-summary",
         "--cache-dir", str(cache), *map(str, paths)],
        capture_output=True, text=True, cwd=ROOT, timeout=600)


def test_the_package_and_the_readme_examples_pass_mypy_strict(readme_client: Path,
                                                             tmp_path: Path) -> None:
    done = _mypy(ROOT / "src" / "formkit", readme_client, cache=tmp_path / "cache")
    assert done.returncode == 0, done.stdout + done.stderr


def test_mypy_strict_catches_a_wrong_call(tmp_path: Path) -> None:
    bad = tmp_path / "bad_client.py"
    bad.write_text('import formkit\n\nformkit.due("2024-03-15", "1", "month")\n'
                   "formkit.nonexistent_function()\n", encoding="utf-8")
    done = _mypy(bad, cache=tmp_path / "cache")
    assert done.returncode == 1
    assert 'Argument 1 to "due" has incompatible type "str"' in done.stdout
    assert 'Argument 2 to "due" has incompatible type "str"' in done.stdout
    assert 'has no attribute "nonexistent_function"' in done.stdout


def test_the_readme_examples_run(readme_client: Path) -> None:
    done = subprocess.run([sys.executable, str(readme_client)], capture_output=True, text=True,
                          cwd=readme_client.parent, timeout=300)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert "ciyue/fee-quote embedded True True" in lines
    assert "2024-04-15" in lines
    assert "['ciyue/fee-quote']" in lines


def test_the_package_description_example_runs(tmp_path: Path) -> None:
    code = _python_block(ROOT / "docs" / "package.md")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          cwd=tmp_path, timeout=300)
    assert done.returncode == 0, done.stderr


def test_no_submodule_shadows_a_function() -> None:
    form = formkit.get_form("mit/annex-09-corrective-plan")
    formkit.fill(form, form.sample)
    formkit.check_case([{"form": form.id, "data": form.sample}])
    for name in formkit.__all__:
        value = getattr(formkit, name)
        assert not isinstance(value, types.ModuleType), name
    from formkit import catalog, validate

    assert callable(catalog) and callable(validate)
    assert formkit.validate(form, form.sample).valid


def test_every_exported_name_is_documented_and_every_error_is_a_formkit_error() -> None:
    for name in formkit.__all__:
        assert inspect.getdoc(getattr(formkit, name)), name
    errors = [v for v in vars(formkit.errors).values()
              if isinstance(v, type) and issubclass(v, BaseException)]
    assert len(errors) >= 10
    for cls in errors:
        assert issubclass(cls, formkit.FormkitError), cls
        if cls is not formkit.FormkitError:
            assert cls.__name__ in formkit.__all__, cls


def test_due_refuses_what_is_not_a_date_or_a_count() -> None:
    with pytest.raises(formkit.InputError):
        formkit.due("2024-03-15", 1, "month")  # type: ignore[arg-type]
    with pytest.raises(formkit.InputError):
        formkit.due(date(2024, 3, 15), "1", "month")  # type: ignore[arg-type]
    with pytest.raises(formkit.InputError):
        formkit.due(date(2024, 3, 15), 1, "fortnight")
    assert formkit.due(date(2024, 3, 15), 1, "month").last_day == date(2024, 4, 15)


def test_a_scan_without_the_ocr_extra_names_it(tmp_path: Path) -> None:
    png = tmp_path / "scan.png"
    from PIL import Image

    Image.new("L", (200, 200), 255).save(png)
    code = ("import sys; sys.modules['numpy'] = None\n"
            "import formkit\n"
            f"try:\n    formkit.parse_pdf({str(png)!r}, limits=None)\n"
            "except formkit.EnvironmentProblem as exc:\n    print(exc)\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    assert "formkit[ocr]" in done.stdout
