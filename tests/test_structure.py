"""The package's shape: imports go one way (no cycle, and only down the rooms of ``tests/layers.yaml``), no module
grows past 400 lines, and the test files mirror the modules they test."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
import yaml

PACKAGE = Path(__file__).resolve().parents[1] / "assessment"
MAX_LINES = 400
LAYERS_FILE = Path(__file__).with_name("layers.yaml")
TESTS = Path(__file__).resolve().parent
# The layout of tests/: tests/<room>/.../test_<module>.py (or test_<module>_<aspect>.py) for a test of the module
# assessment/<room>/.../<module>.py; END_TO_END for whole commands, whole reports, real areas and the repository
# itself, which mirror no one module; SUPPORT for the helpers and data the tests share, a test there naming the
# helper beside it. This file stays at the top: it tests the package's shape as a whole, beside layers.yaml.
END_TO_END = "end_to_end"
SUPPORT = "support"
TOP_LEVEL = {"test_structure.py"}
SCRIPT_FOLDERS = {"support/quarto_standin"}  # the stand-in quarto's scripts, run as programs: no __init__.py


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _modules() -> dict[str, Path]:
    return {_module_name(path): path for path in sorted(PACKAGE.rglob("*.py"))}


def _resolve(module: str, is_package: bool, level: int, target: str | None) -> str:
    """The absolute name of a (possibly relative) import in ``module``."""
    if level == 0:
        return target or ""
    base = module.split(".")
    base = base if is_package else base[:-1]
    base = base[: len(base) - (level - 1)]
    return ".".join([*base, target] if target else base)


def import_graph() -> dict[str, set[str]]:
    """Module -> the package modules it imports, at any depth of the file (function-level imports too)."""
    modules = _modules()
    graph: dict[str, set[str]] = {name: set() for name in modules}
    for name, path in modules.items():
        is_package = path.name == "__init__.py"
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            targets = []
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = _resolve(name, is_package, node.level, node.module)
                targets = [base] + [f"{base}.{alias.name}" for alias in node.names]
            for target in targets:
                if target in modules and target != name:
                    graph[name].add(target)
    return graph


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import cycle (as a path that returns to its start), or None."""
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                return stack[stack.index(nxt):] + [nxt]
            if nxt not in state and (found := visit(nxt)):
                return found
        stack.pop()
        state[node] = 2
        return None

    for start in sorted(graph):
        if start not in state and (found := visit(start)):
            return found
    return None


def load_layers(path: Path = LAYERS_FILE) -> tuple[dict[str, int], dict[str, int]]:
    """Room prefix -> rank (0 at the bottom), and single module -> rank, from the layers file."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return ({str(prefix): int(rank) for prefix, rank in data["rooms"].items()},
            {str(module): int(rank) for module, rank in (data.get("modules") or {}).items()})


def layer_of(module: str, layers: dict[str, int], exact: dict[str, int] | None = None) -> str | None:
    """The entry of ``exact`` that is ``module``, else the longest prefix of ``layers`` that names it, or None."""
    if exact and module in exact:
        return module
    holding = [prefix for prefix in layers if module == prefix or module.startswith(prefix + ".")]
    return max(holding, key=len, default=None)


def layering_problems(graph: dict[str, set[str]], layers: dict[str, int],
                      exact: dict[str, int] | None = None) -> list[str]:
    """One line for each module without a room and for each import that points up to a higher room."""
    ranks = {**layers, **(exact or {})}
    problems = [f"{module} belongs to no room of {LAYERS_FILE.name}"
                for module in sorted(graph) if layer_of(module, layers, exact) is None]
    for module in sorted(graph):
        room = layer_of(module, layers, exact)
        for target in sorted(graph[module]):
            up = layer_of(target, layers, exact)
            if room is not None and up is not None and ranks[up] > ranks[room]:
                problems.append(f"{module} ({room}, {ranks[room]}) imports up: {target} ({up}, {ranks[up]})")
    return problems


def test_the_layer_check_finds_an_upward_import_and_a_module_without_a_room():
    layers = {"pkg.low": 0, "pkg.high": 1, "pkg.high.sub": 1}
    graph = {"pkg": {"pkg.low.a"}, "pkg.low.a": {"pkg.high.sub.b"}, "pkg.high.sub.b": {"pkg.low.a", "pkg"},
             "pkg.stray": set()}
    assert layering_problems(graph, layers, {"pkg": 1}) == [
        "pkg.stray belongs to no room of layers.yaml",
        "pkg.low.a (pkg.low, 0) imports up: pkg.high.sub.b (pkg.high.sub, 1)",
    ]
    assert layer_of("pkg.lowly", layers) is None  # a prefix names whole parts of a module's name only


def test_imports_point_down_the_rooms_of_the_layers_file():
    problems = layering_problems(import_graph(), *load_layers())
    assert not problems, f"{len(problems)} imports break the layering:\n" + "\n".join(problems)


def test_the_cycle_finder_finds_a_cycle():
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": set()}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set()}) is None


def test_the_graph_sees_relative_and_function_level_imports():
    graph = import_graph()
    assert "assessment.bundles.bundle" in graph["assessment.report.area_report"]
    assert "assessment.core.levels" in graph["assessment.tidy.frame"]
    assert "assessment.orchestration.area_renders" in graph["assessment.cli"]  # imported inside a command


def test_no_import_cycle_between_modules():
    cycle = find_cycle(import_graph())
    assert cycle is None, "import cycle: " + " -> ".join(cycle)


@pytest.mark.parametrize("path", sorted(PACKAGE.rglob("*.py")), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_no_module_is_longer_than_400_lines(path):
    lines = len(path.read_text(encoding="utf-8").splitlines())
    assert lines <= MAX_LINES, f"{path.relative_to(PACKAGE.parent)} has {lines} lines"


def _names_one_of(test_file: str, folder: Path, subfolders: bool = True) -> bool:
    """``test_<name>.py`` or ``test_<name>_<aspect>.py``, for a module (or subfolder) ``<name>`` of ``folder``."""
    stem = test_file[len("test_"):-len(".py")]
    names = {p.stem for p in folder.glob("*.py") if p.name != "__init__.py"}
    if subfolders:
        names |= {p.name for p in folder.iterdir() if p.is_dir() and p.name != "__pycache__"}
    return any(stem == name or stem.startswith(name + "_") for name in names)


def mirror_problems(tests: Path = TESTS, package: Path = PACKAGE) -> list[str]:
    """One line for each test file the layout does not place, each name used twice and each folder without
    __init__.py."""
    problems, seen = [], {}
    for path in sorted(tests.rglob("test_*.py")):
        relative = path.relative_to(tests)
        if path.name in seen:
            problems.append(f"{relative}: {seen[path.name]} has the same name")
        seen.setdefault(path.name, relative)
        folders = relative.parts[:-1]
        if not folders:
            if path.name not in TOP_LEVEL and not _names_one_of(path.name, package, subfolders=False):
                problems.append(f"{relative}: at the top of tests/; it belongs in a room's folder, {END_TO_END}/ "
                                f"or {SUPPORT}/")
        elif folders[0] == SUPPORT:
            if not _names_one_of(path.name, path.parent):
                problems.append(f"{relative}: names no helper beside it")
        elif folders[0] != END_TO_END:
            mirrored = package.joinpath(*folders)
            if not mirrored.is_dir():
                problems.append(f"{relative}: {package.name}/{'/'.join(folders)}/ is not a room of the package")
            elif not _names_one_of(path.name, mirrored):
                problems.append(f"{relative}: names no module of {package.name}/{'/'.join(folders)}/")
    for folder in sorted({p.parent for p in tests.rglob("*.py")}):
        relative = folder.relative_to(tests).as_posix()
        if relative not in SCRIPT_FOLDERS and "__pycache__" not in relative and not (folder / "__init__.py").exists():
            problems.append(f"{relative}/: no __init__.py")
    return problems


def test_the_mirror_check_finds_misplaced_and_misnamed_test_files(tmp_path):
    package, tests = tmp_path / "pkg", tmp_path / "tests"
    for name in ("cli.py", "stats/intervals.py", "report/sections/summary.py"):
        (package / name).parent.mkdir(parents=True, exist_ok=True)
        (package / name).write_text("")
    for name in ("__init__.py", "test_structure.py", "test_cli.py", "test_loose.py", "test_stats.py", "stats/__init__.py",
                 "stats/test_intervals_random_cases.py", "stats/test_interval.py", "statz/__init__.py",
                 "statz/test_intervals.py", "report/__init__.py", "report/sections/test_summary.py",
                 "end_to_end/__init__.py", "end_to_end/test_demo_report.py", "support/__init__.py",
                 "end_to_end/test_summary.py", "support/replay.py", "support/test_fake_server.py",
                 "support/quarto_standin/standin.py"):
        (tests / name).parent.mkdir(parents=True, exist_ok=True)
        (tests / name).write_text("")
    assert mirror_problems(tests, package) == [
        "report/sections/test_summary.py: end_to_end/test_summary.py has the same name",
        "stats/test_interval.py: names no module of pkg/stats/",
        "statz/test_intervals.py: pkg/statz/ is not a room of the package",
        "support/test_fake_server.py: names no helper beside it",
        "test_loose.py: at the top of tests/; it belongs in a room's folder, end_to_end/ or support/",
        "test_stats.py: at the top of tests/; it belongs in a room's folder, end_to_end/ or support/",
        "report/sections/: no __init__.py",
    ]


def test_test_files_mirror_the_modules_they_test():
    problems = mirror_problems()
    assert not problems, f"{len(problems)} test files out of place:\n" + "\n".join(problems)
