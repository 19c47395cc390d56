"""The shape of the package itself (issue 10, point 4), read from the source with ``ast``.

- no import cycle among ``hotlist`` modules at module level;
- no module over 600 lines, except the data-table modules named in ``LONG_DATA_MODULES``;
- every public module has an ``__all__`` and exports no underscored name;
- no import inside a function or class, except a documented lazy optional import
  marked ``# noqa: PLC0415 - lazy optional import (<package>)``, and ruff's
  ``PLC0415`` (import-outside-top-level) is switched on so that ruff says so too.

Nothing here imports the package: the optional extras (Spark, Dask, the service)
need not be installed for these tests to run.
"""

from __future__ import annotations

import ast
import re
import tomllib
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src"
PACKAGE = SRC / "hotlist"

MAX_LINES = 600

# Modules allowed over MAX_LINES because their bulk is data, not logic (name or locale
# tables, literal lists), each with the reason: "path relative to src": "why".  Empty
# today: the one candidate, the synthetic generator's name/culture tables
# (hotlist/synth/_tables.py), fits in 163 lines.  The test below fails on an entry that
# is short enough or missing, so the list cannot go stale.
LONG_DATA_MODULES: dict[str, str] = {}

LAZY_MARKER = re.compile(
    r"#\s*noqa:\s*(?:[A-Z]+[0-9]+,\s*)*PLC0415(?:,\s*[A-Z]+[0-9]+)*"
    r"\s+-\s+lazy optional import \(([\w.\-\[\]]+)\)"
)


def _modules() -> dict[str, Path]:
    """Dotted module name -> file, for every module of the package."""
    out: dict[str, Path] = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = list(path.relative_to(SRC).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        out[".".join(parts)] = path
    return out


MODULES = _modules()


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _top_level_imports(body: list[ast.stmt]) -> Iterator[ast.Import | ast.ImportFrom]:
    """Imports that run when the module is imported: at module level, also inside a
    module-level ``try`` / ``if`` / ``with``, but not under ``if TYPE_CHECKING:``."""
    for node in body:
        if isinstance(node, ast.Import | ast.ImportFrom):
            yield node
        elif isinstance(node, ast.If):
            if not _is_type_checking(node.test):
                yield from _top_level_imports(node.body)
            yield from _top_level_imports(node.orelse)
        elif isinstance(node, ast.Try):
            for block in (node.body, node.orelse, node.finalbody):
                yield from _top_level_imports(block)
            for handler in node.handlers:
                yield from _top_level_imports(handler.body)
        elif isinstance(node, ast.With):
            yield from _top_level_imports(node.body)


def _targets(module: str, node: ast.Import | ast.ImportFrom) -> Iterator[str]:
    """The hotlist modules an import statement of ``module`` loads by name."""
    if isinstance(node, ast.Import):
        for alias in node.names:
            if alias.name in MODULES:
                yield alias.name
        return
    if node.level:
        package = module if MODULES[module].name == "__init__.py" else module.rpartition(".")[0]
        for _ in range(node.level - 1):
            package = package.rpartition(".")[0]
        base = f"{package}.{node.module}" if node.module else package
    else:
        base = node.module or ""
    if base not in MODULES:
        return
    submodules = [f"{base}.{alias.name}" for alias in node.names]
    named = [sub for sub in submodules if sub in MODULES]
    yield from named
    if len(named) < len(submodules):
        yield base


def _graph() -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {}
    for module, path in MODULES.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        graph[module] = {
            target
            for node in _top_level_imports(tree.body)
            for target in _targets(module, node)
            if target != module
        }
    return graph


def _find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One cycle of the graph as a path ``[a, b, ..., a]``, or None (iterative DFS)."""
    state: dict[str, int] = {}  # 1 on the stack, 2 done
    for start in sorted(graph):
        if state.get(start):
            continue
        stack: list[tuple[str, Iterator[str]]] = [(start, iter(sorted(graph[start])))]
        path = [start]
        state[start] = 1
        while stack:
            node, children = stack[-1]
            child = next(children, None)
            if child is None:
                stack.pop()
                path.pop()
                state[node] = 2
            elif state.get(child) == 1:
                return [*path[path.index(child) :], child]
            elif not state.get(child):
                state[child] = 1
                path.append(child)
                stack.append((child, iter(sorted(graph[child]))))
    return None


def test_the_import_graph_is_read() -> None:
    """A guard for the cycle test: the graph it searches is not empty by mistake."""
    graph = _graph()
    assert "hotlist.engine" in graph
    assert "hotlist.ids" in graph["hotlist"]
    assert _find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert _find_cycle({"a": {"b"}, "b": set()}) is None


def test_no_import_cycle_at_module_level() -> None:
    cycle = _find_cycle(_graph())
    assert cycle is None, "import cycle at module level: " + " -> ".join(cycle or [])


def test_no_module_over_600_lines_but_data_tables() -> None:
    lengths = {
        str(path.relative_to(SRC)): len(path.read_text(encoding="utf-8").splitlines())
        for path in MODULES.values()
    }
    too_long = {
        name: n for name, n in lengths.items() if n > MAX_LINES and name not in LONG_DATA_MODULES
    }
    assert not too_long, f"modules over {MAX_LINES} lines: {dict(sorted(too_long.items()))}"
    stale = {
        name: lengths.get(name) for name in LONG_DATA_MODULES if lengths.get(name, 0) <= MAX_LINES
    }
    assert not stale, f"allowlisted as long data modules but missing or short: {stale}"


def _is_public(module: str) -> bool:
    return not any(part.startswith("_") for part in module.split("."))


def _dunder_all(tree: ast.Module) -> list[str] | None:
    names: list[str] | None = None
    for node in tree.body:
        value: ast.expr | None = None
        if isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == "__all__" for t in node.targets
        ):
            value, names = node.value, []
        elif isinstance(node, ast.AnnAssign | ast.AugAssign) and (
            isinstance(node.target, ast.Name) and node.target.id == "__all__"
        ):
            value = node.value
            if not isinstance(node, ast.AugAssign):
                names = []
        if value is None:
            continue
        assert isinstance(value, ast.List | ast.Tuple), "__all__ must be a literal list"
        assert names is not None
        for element in value.elts:
            assert isinstance(element, ast.Constant) and isinstance(element.value, str)
            names.append(element.value)
    return names


def test_public_modules_have_all_and_export_no_underscored_name() -> None:
    missing: list[str] = []
    leaks: dict[str, list[str]] = {}
    for module, path in MODULES.items():
        if not _is_public(module):
            continue
        names = _dunder_all(ast.parse(path.read_text(encoding="utf-8")))
        if names is None:
            missing.append(module)
            continue
        private = [n for n in names if n.startswith("_") and not n.endswith("__")]
        if private:
            leaks[module] = private
    assert not missing, f"public modules without __all__: {missing}"
    assert not leaks, f"public modules exporting underscored names: {leaks}"


def _nested_imports(tree: ast.Module) -> Iterator[ast.Import | ast.ImportFrom]:
    """Imports inside a function or a class body (what PLC0415 reports)."""
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            for inner in ast.walk(node):
                if isinstance(inner, ast.Import | ast.ImportFrom):
                    yield inner


def test_imports_inside_functions_are_documented_lazy_optional_imports() -> None:
    bad: list[str] = []
    for module, path in MODULES.items():
        lines = path.read_text(encoding="utf-8").splitlines()
        tree = ast.parse("\n".join(lines))
        seen: set[int] = set()
        for node in _nested_imports(tree):
            if node.lineno in seen:
                continue
            seen.add(node.lineno)
            text = " ".join(lines[node.lineno - 1 : (node.end_lineno or node.lineno)])
            marker = LAZY_MARKER.search(text)
            if marker is None:
                bad.append(
                    f"{path.relative_to(SRC)}:{node.lineno}: {lines[node.lineno - 1].strip()}"
                )
            elif marker.group(1).split(".")[0] == "hotlist":
                bad.append(
                    f"{path.relative_to(SRC)}:{node.lineno}: a lazy import of hotlist "
                    f"itself hides an import cycle ({module})"
                )
    assert not bad, (
        f"{len(bad)} imports inside functions without "
        "'# noqa: PLC0415 - lazy optional import (<package>)':\n" + "\n".join(bad)
    )


def test_ruff_reports_imports_outside_top_level() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    lint = config["tool"]["ruff"]["lint"]
    selected = lint.get("select", [])
    assert any("PLC0415".startswith(code) for code in selected), selected
    assert not any("PLC0415".startswith(code) for code in lint.get("ignore", [])), lint["ignore"]
    for pattern, codes in lint.get("per-file-ignores", {}).items():
        if any("PLC0415".startswith(code) for code in codes):
            assert not pattern.startswith("src"), f"PLC0415 ignored for {pattern}"


def test_no_module_imports_an_underscored_name_of_a_public_module() -> None:
    """A public module's underscored names are its own: another module that needs one
    shows that the name belongs in a private module of its own (or is public)."""
    reached: list[str] = []
    for module, path in MODULES.items():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.ImportFrom) or node.level or node.module not in MODULES:
                continue
            if not _is_public(node.module):
                continue
            for alias in node.names:
                name = alias.name
                private = name.startswith("_") and not name.endswith("__")
                if private and f"{node.module}.{name}" not in MODULES:
                    reached.append(f"{module}: from {node.module} import {name}")
    assert not reached, "underscored names of public modules imported elsewhere:\n" + "\n".join(
        reached
    )
