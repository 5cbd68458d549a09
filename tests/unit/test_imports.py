"""formkit's import graph: no cycles, and errors and masking at its bottom."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import formkit

SRC = Path(formkit.__file__).parent

# What importing a module loads of formkit, the package's __init__ left out: a
# package made by hand stands in for formkit, so only the module's own imports run.
LOADED = """
import importlib.util, json, sys
spec = importlib.util.spec_from_file_location(
    "formkit", {init!r}, submodule_search_locations=[{src!r}])
sys.modules["formkit"] = importlib.util.module_from_spec(spec)
import {module}
print(json.dumps(sorted(m for m in sys.modules if m.startswith("formkit."))))
"""


def _loaded(module: str) -> set[str]:
    code = LOADED.format(init=str(SRC / "__init__.py"), src=str(SRC), module=module)
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True, timeout=60)
    return set(json.loads(done.stdout))


def test_masking_imports_nothing_from_formkit() -> None:
    assert _loaded("formkit.masking") == {"formkit.masking"}


def test_errors_imports_only_masking_and_the_message_catalogue() -> None:
    # formkit.i18n translates the errors' messages; it reads only formkit.resources.
    assert _loaded("formkit.errors") <= {
        "formkit.errors", "formkit.masking", "formkit.i18n", "formkit.resources"}
    assert "formkit.redact" not in _loaded("formkit.errors")


def test_findings_do_not_import_the_redaction_of_records() -> None:
    assert "formkit.redact" not in _loaded("formkit.findings")
    assert "formkit.engine" not in _loaded("formkit.findings")


def test_redact_keeps_the_names_its_callers_import() -> None:
    from formkit import masking, redact

    for name in ("REDACTED_RENDERERS", "RedactingFilter", "RedactedRecord", "install_log_filter",
                 "is_redacted", "protect_findings", "redact_record", "redact_text",
                 "redact_value", "redacted_findings", "national_id_pointers"):
        assert hasattr(redact, name), name
    assert redact.redact_text is masking.redact_text
    assert redact.RedactingFilter is masking.RedactingFilter


# --- no cycles ------------------------------------------------------------------------------


def _modules() -> dict[str, tuple[Path, bool]]:
    out = {}
    for path in SRC.rglob("*.py"):
        parts = list(path.relative_to(SRC.parent).with_suffix("").parts)
        package = parts[-1] == "__init__"
        out[".".join(parts[:-1] if package else parts)] = (path, package)
    return out


def _type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def _import_nodes(tree: ast.AST) -> list[ast.Import | ast.ImportFrom]:
    """Every import statement, at module level or in a function; none under TYPE_CHECKING."""
    out: list[ast.Import | ast.ImportFrom] = []
    todo: list[ast.AST] = [tree]
    while todo:
        node = todo.pop()
        if isinstance(node, ast.Import | ast.ImportFrom):
            out.append(node)
        elif isinstance(node, ast.If) and _type_checking(node):
            todo.extend(node.orelse)
            continue
        todo.extend(ast.iter_child_nodes(node))
    return out


def import_graph() -> dict[str, set[str]]:
    """formkit module → the formkit modules it imports (lazily or not).

    The package itself (``formkit/__init__.py``, the public API) is no target: it imports
    the modules whose functions it offers, and a module that reads ``formkit.__version__``
    does so when formkit is imported already.
    """
    modules = _modules()
    graph: dict[str, set[str]] = {}
    for name, (path, package) in modules.items():
        here = name if package else name.rpartition(".")[0]
        deps: set[str] = set()
        for node in _import_nodes(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            else:
                if node.level:
                    base = here.split(".")[: len(here.split(".")) - node.level + 1]
                    origin = ".".join(base + ([node.module] if node.module else []))
                else:
                    origin = node.module or ""
                subs = [f"{origin}.{a.name}" for a in node.names if f"{origin}.{a.name}" in modules]
                targets = subs + ([origin] if len(subs) < len(node.names) else [])
            deps |= {t for t in targets if t in modules and t not in (name, "formkit")}
        graph[name] = deps
    return graph


def _cycle(graph: dict[str, set[str]]) -> list[str]:
    """One import cycle (its modules in order, the first repeated at the end), or []."""
    state: dict[str, int] = {}  # 1: on the path, 2: done
    path: list[str] = []

    def visit(node: str) -> list[str]:
        state[node] = 1
        path.append(node)
        for dep in sorted(graph[node]):
            if state.get(dep) == 1:
                return path[path.index(dep):] + [dep]
            if dep not in state and (found := visit(dep)):
                return found
        path.pop()
        state[node] = 2
        return []

    for start in sorted(graph):
        if start not in state and (found := visit(start)):
            return found
    return []


def test_the_import_graph_is_read() -> None:
    graph = import_graph()
    assert "formkit.masking" in graph["formkit.errors"]
    assert "formkit.render.pdf" in graph["formkit.redact"]  # a lazy import counts too
    assert graph["formkit.masking"] == set()


def test_the_cycle_finder_finds_a_cycle() -> None:
    assert _cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": set()}) == ["a", "b", "c", "a"]
    assert _cycle({"a": {"b"}, "b": set()}) == []


def test_there_is_no_import_cycle_among_formkit_modules() -> None:
    assert _cycle(import_graph()) == []
