"""The package's shape: rooms in layers, no import circle, no borrowed private names, and the
check path never loads CP-SAT."""

from __future__ import annotations

import ast
import functools
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "scheduler"


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def runtime_imports(path: Path, modules: set[str]) -> set[str]:
    """The project modules a file imports at run time (``if TYPE_CHECKING:`` blocks skipped)."""
    tree = ast.parse(path.read_text())
    skipped = {id(n) for node in ast.walk(tree) if isinstance(node, ast.If)
               and "TYPE_CHECKING" in ast.unparse(node.test) for n in ast.walk(node)}
    found = set()
    for node in ast.walk(tree):
        if id(node) in skipped:
            continue
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name in modules}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            for alias in node.names:
                whole = f"{node.module}.{alias.name}"
                if whole in modules:
                    found.add(whole)
                elif node.module in modules:
                    found.add(node.module)
    return found


@functools.cache
def import_graph() -> dict[str, set[str]]:
    """Module → the project modules it imports at run time (read once per session)."""
    files = {module_name(p): p for p in PACKAGE.rglob("*.py")}
    return {name: runtime_imports(path, set(files)) - {name} for name, path in files.items()}


def circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Every circle of imports, found by a depth-first walk."""
    found, done = [], set()

    def walk(node: str, path: list[str]) -> None:
        if node in path:
            found.append(path[path.index(node):] + [node])
            return
        if node in done:
            return
        for nxt in sorted(graph.get(node, ())):
            walk(nxt, path + [node])
        done.add(node)

    for start in sorted(graph):
        walk(start, [])
    return found


def test_the_walk_finds_a_circle_when_there_is_one() -> None:
    assert circles({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == [["a", "b", "c", "a"]]
    assert circles({"a": {"b"}, "b": set()}) == []


def test_no_import_circle_in_the_package() -> None:
    graph = import_graph()
    assert "scheduler.solvers.roster" in graph and graph["scheduler.solvers.roster"]
    assert circles(graph) == []


# Each room may import only rooms of a lower layer (and itself). Read bottom-up, this is the
# data flow of docs/design.md: the team folder is loaded, staffed, modelled, judged, solved,
# measured, written and asked about; the web app and, above it, the command line sit on top.
LAYERS: tuple[tuple[str, ...], ...] = (
    ("errors", "settings", "timeline", "evaluation"),
    ("domain",),
    ("support_day",),
    ("load",),
    ("staffing",),
    ("model",),
    ("constraints",),
    ("check",),
    ("tickets",),
    ("solvers",),
    ("kpi",),
    ("export",),
    ("forecast", "metrics", "whatif", "operations"),
    ("web",),
    ("cli",),  # `scheduler serve` starts the web app; the web app never calls the CLI
)
RANK = {room: rank for rank, rooms in enumerate(LAYERS) for room in rooms}


def room_of(module: str) -> str:
    """The room a module lives in: its first name below ``scheduler``."""
    return module.split(".")[1] if module.count(".") else module


def upward_imports(graph: dict[str, set[str]]) -> list[str]:
    """Every import of a room at the same or a higher layer than the importer's own."""
    found = []
    for module, deps in sorted(graph.items()):
        here = room_of(module)
        for dep in sorted(deps):
            there = room_of(dep)
            if there != here and RANK[there] >= RANK[here]:
                found.append(f"{module} imports {dep} ({here} -> {there})")
    return found


def test_the_layer_walk_finds_an_upward_import() -> None:
    graph = {"scheduler.load.team": {"scheduler.solvers.roster"},
             "scheduler.solvers.roster": {"scheduler.load.team"}}
    assert upward_imports(graph) == [
        "scheduler.load.team imports scheduler.solvers.roster (load -> solvers)"]


def test_every_room_has_a_layer_and_imports_only_downward() -> None:
    graph = import_graph()
    rooms = {room_of(m) for m in graph} - {"scheduler"}
    assert rooms - set(RANK) == set(), "a new room needs its place in LAYERS"
    assert upward_imports(graph) == []


def borrowed_private_names(path: Path) -> list[str]:
    """``from scheduler.x import _name`` lines of a file, where x is another module."""
    found = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("scheduler"):
            found += [f"{path.name}: {node.module}.{a.name}"
                      for a in node.names if a.name.startswith("_")]
    return found


def test_no_module_imports_another_modules_private_name(tmp_path: Path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text("from scheduler.load.team_yaml import _header\n")
    assert borrowed_private_names(bad)[0].endswith("scheduler.load.team_yaml._header")
    files = [*PACKAGE.rglob("*.py"), ROOT / "cli.py"]
    assert [line for f in files for line in borrowed_private_names(f)] == []


def test_the_rules_sit_above_the_model_and_below_the_solver() -> None:
    graph = import_graph()
    rules = [m for m in graph if m.startswith("scheduler.constraints")]
    assert rules and not any(dep.startswith(("scheduler.solvers", "scheduler.model"))
                             for m in rules for dep in graph[m])


def test_checking_a_roster_never_loads_cp_sat() -> None:
    script = (
        "import sys\n"
        "import scheduler.check\n"
        "assert not [m for m in sys.modules if m.startswith('ortools')], 'import loads ortools'\n"
        "from scheduler.check import check\n"
        "from scheduler.load import load_team, read_roster\n"
        "from scheduler.staffing import requirements\n"
        "from scheduler.domain import Roster, Shift\n"
        "problem = load_team('fixtures/small')\n"
        "roster = Roster(shifts=(Shift(agent=problem.agents[0].id, day=0,\n"
        "                              template=problem.templates[0].id),))\n"
        "evaluation = check(problem, roster, requirements(problem))\n"
        "assert evaluation.violations\n"
        "assert not [m for m in sys.modules if m.startswith('ortools.sat')], 'check loads CP-SAT'\n"
    )
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True,
                          text=True)
    assert done.returncode == 0, done.stderr


def test_the_command_line_stays_thin() -> None:
    """cli.py is a shim, and no function of scheduler/cli/ is over 40 lines: the logic lives
    in the library, where a test reaches it without the command line."""
    assert len((ROOT / "cli.py").read_text().splitlines()) <= 30
    long = []
    for path in (PACKAGE / "cli").glob("*.py"):
        for node in ast.parse(path.read_text()).body:
            if isinstance(node, ast.FunctionDef):
                lines = node.end_lineno - node.lineno + 1 + len(node.decorator_list)  # type: ignore[operator]
                if lines > 40:
                    long.append(f"{path.name}:{node.name} {lines} lines")
    assert long == []
