"""The package's plan: stages import only earlier stages, no module imports itself round a cycle, modules stay small.

Every `import` and `from ... import` of every module under src/qbank is read with `ast`, at the top of a module
and inside functions alike (a lazy import is still a dependency), relative forms included.
"""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from .conftest import ROOT

PACKAGE = ROOT / "src" / "qbank"
STAGES = ("core", "speedups", "expressions", "spec", "draw", "solve", "render", "preflight", "output", "check",
          "sets", "serve", "audit", "cli")  # fmt: skip
FACADES = {"qbank", "qbank.__main__", "qbank.registry", "qbank.testing"}  # public names outside the stage order
MAX_LINES = 300
UNEXPORTED = ("speedups", "sets", "serve", "cli")  # stage packages whose __init__ names its values but imports none


@dataclass(frozen=True)
class Import:
    """One dependency of a module on another, with where it is written."""

    source: str
    target: str
    file: str
    line: int

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.source} imports {self.target}"


def module_names() -> dict[str, Path]:
    """Every module of the package by dotted name (a package by its own name, for its __init__)."""
    modules = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        modules[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return modules


def imports_of(name: str, path: Path, modules: dict[str, Path]) -> list[Import]:
    """The qbank modules `name` imports, each resolved to the module it runs (a submodule when one is named)."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, *([node.module] if node.module else [])])
            submodules = [f"{base}.{alias.name}" for alias in node.names if f"{base}.{alias.name}" in modules]
            targets = submodules if len(submodules) == len(node.names) else [base, *submodules]
        else:
            continue
        file = str(path.relative_to(ROOT) if path.is_relative_to(ROOT) else path)
        found += [Import(name, t, file, node.lineno) for t in targets if t == "qbank" or t.startswith("qbank.")]
    return found


def all_imports() -> list[Import]:
    """Every qbank import of every module of the package."""
    modules = module_names()
    return [found for name, path in modules.items() for found in imports_of(name, path, modules)]


def stage_of(module: str) -> str | None:
    """The stage a module belongs to (None for the facades)."""
    parts = module.split(".")
    return parts[1] if module not in FACADES and len(parts) > 1 and parts[1] in STAGES else None


def cycles(edges: list[Import]) -> list[tuple[list[str], list[Import]]]:
    """Each group of modules that import each other round (Tarjan's algorithm), with one cycle through it."""
    graph: dict[str, list[Import]] = {}
    for edge in edges:
        if edge.source != edge.target:
            graph.setdefault(edge.source, []).append(edge)
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    groups: list[set[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for edge in graph.get(node, []):
            if edge.target not in index:
                visit(edge.target)
                low[node] = min(low[node], low[edge.target])
            elif edge.target in stack:
                low[node] = min(low[node], index[edge.target])
        if low[node] == index[node]:
            group = set()
            while True:
                member = stack.pop()
                group.add(member)
                if member == node:
                    break
            if len(group) > 1:
                groups.append(group)

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return [(sorted(group), _cycle_in(sorted(group)[0], group, graph)) for group in groups]


def _cycle_in(start: str, group: set[str], graph: dict[str, list[Import]]) -> list[Import]:
    """The imports of a shortest way from `start` back to itself inside its group."""
    paths: dict[str, list[Import]] = {start: []}
    frontier = [start]
    while frontier:
        following = []
        for node in frontier:
            for edge in graph.get(node, []):
                if edge.target == start:
                    return [*paths[node], edge]
                if edge.target in group and edge.target not in paths:
                    paths[edge.target] = [*paths[node], edge]
                    following.append(edge.target)
        frontier = following
    raise AssertionError(f"no cycle back to {start}")


def test_the_walk_sees_lazy_and_relative_imports(tmp_path):
    source = tmp_path / "qbank" / "spec" / "thing.py"
    source.parent.mkdir(parents=True)
    source.write_text(
        "from . import load\n\ndef f():\n    from ..draw.params import draw_params\n    import qbank.render\n"
    )
    modules = {"qbank.spec.thing": source, "qbank.spec.load": source, "qbank.draw.params": source}
    found = [(i.target, i.line) for i in imports_of("qbank.spec.thing", source, modules)]
    assert found == [("qbank.spec.load", 1), ("qbank.draw.params", 4), ("qbank.render", 5)]


def test_cycles_are_found_and_named():
    edges = [Import("qbank.a", "qbank.b", "a.py", 1), Import("qbank.b", "qbank.c", "b.py", 2),
             Import("qbank.c", "qbank.a", "c.py", 3), Import("qbank.c", "qbank.d", "c.py", 4)]  # fmt: skip
    assert [(group, [str(edge) for edge in cycle]) for group, cycle in cycles(edges)] == [
        (
            ["qbank.a", "qbank.b", "qbank.c"],
            ["a.py:1: qbank.a imports qbank.b", "b.py:2: qbank.b imports qbank.c", "c.py:3: qbank.c imports qbank.a"],
        )
    ]
    assert cycles(edges[:2] + edges[3:]) == []


def test_no_import_cycle():
    found = cycles(all_imports())
    shown = [
        f"{', '.join(group)} import each other round, e.g.:\n" + "\n".join(map(str, cycle)) for group, cycle in found
    ]
    assert not found, "import cycles:\n" + "\n\n".join(shown)


def test_every_module_is_in_a_stage_or_a_facade():
    strays = sorted(name for name in module_names() if stage_of(name) is None and name not in FACADES)
    assert not strays, f"modules outside every stage: {strays}"


def test_stages_import_only_earlier_stages():
    wrong = []
    for edge in all_imports():
        source, target = stage_of(edge.source), stage_of(edge.target)
        if source is None:
            continue
        if edge.target in FACADES - {"qbank"}:
            wrong.append(f"{edge} (a facade for bank authors; import the stage module instead)")
        elif target is not None and STAGES.index(target) > STAGES.index(source):
            wrong.append(f"{edge} (stage {source!r} comes before {target!r})")
    assert not wrong, "imports against the stage order:\n" + "\n".join(wrong)


def test_the_root_package_imports_nothing_of_qbank():
    assert imports_of("qbank", PACKAGE / "__init__.py", module_names()) == []


def test_no_module_over_300_lines():
    long = {str(p.relative_to(ROOT)): n for p in PACKAGE.rglob("*.py") if (n := len(p.read_text().splitlines())) > 300}
    assert not long, f"modules over {MAX_LINES} lines (split them): {long}"


def test_each_stage_init_names_and_exports_what_it_hands_on():
    bare = []
    for stage in STAGES:
        init = PACKAGE / stage / "__init__.py"
        tree = ast.parse(init.read_text())
        docstring = ast.get_docstring(tree) or ""
        exported = [n for n in tree.body if isinstance(n, ast.Assign) and any(getattr(t, "id", "") == "__all__"
                                                                              for t in n.targets)]  # fmt: skip
        if len(docstring.split()) < 8 or (stage not in UNEXPORTED and not exported):
            bare.append(stage)
    assert not bare, f"stage __init__ without a docstring naming what it hands on, or without __all__: {bare}"


def test_stage_packages_stay_light():
    stages = ", ".join(f"qbank.{stage}" for stage in STAGES if (PACKAGE / stage / "__init__.py").exists())
    code = f"import sys, {stages}; print(sorted(m for m in ('weasyprint', 'pikepdf') if m in sys.modules))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]", done.stdout + done.stderr


def test_docs_architecture_lists_the_stages_in_import_order():
    text = (PACKAGE.parents[1] / "docs" / "architecture.md").read_text(encoding="utf-8")
    table = text.split("## The stages, in import order", 1)[1].split("\n## ", 1)[0]
    documented = re.findall(r"^\| `([a-z]+)` \|", table, flags=re.M)
    assert documented == list(STAGES)
    for name in ("qbank.registry", "qbank.testing"):
        assert f"`{name}`" in text
