"""No micro-optimizations in the stages (issue #13): a speed-up lives in `qbank.speedups`; a memo cache left in a
stage is plain memoization whose comment gives the measured end-to-end figure; no hand-inlined loops, no global
caches cleared by size."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "qbank"
STAGES = ("core", "expressions", "spec", "draw", "solve", "render", "preflight", "check")
MODULES = sorted(p for stage in STAGES for p in (SRC / stage).rglob("*.py"))


def _ids(paths: list[Path]) -> list[str]:
    """Test ids: paths under src/qbank."""
    return [str(p.relative_to(SRC)) for p in paths]


def test_the_stages_have_modules() -> None:
    assert len(MODULES) > 40


@pytest.mark.parametrize("path", MODULES, ids=_ids(MODULES))
def test_no_hand_inlined_code(path: Path) -> None:
    inlined = [n for n, line in enumerate(path.read_text().splitlines(), 1) if re.search(r"#.*\binlined\b", line)]
    assert inlined == [], f"{path.name}: lines {inlined} say a helper was inlined by hand"


def _size_cleared(tree: ast.AST) -> list[int]:
    """Lines of `if len(x) > n: x.clear()`: a cache bounded by clearing it when it grows."""
    found = []
    for node in ast.walk(tree):
        if not (isinstance(node, ast.If) and isinstance(node.test, ast.Compare)):
            continue
        left = node.test.left
        if not (isinstance(left, ast.Call) and isinstance(left.func, ast.Name) and left.func.id == "len"):
            continue
        for statement in ast.walk(node):
            call = getattr(statement, "value", None) if isinstance(statement, ast.Expr) else None
            if isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute) and call.func.attr == "clear":
                found.append(node.lineno)
    return found


@pytest.mark.parametrize("path", MODULES, ids=_ids(MODULES))
def test_no_cache_cleared_by_size(path: Path) -> None:
    assert _size_cleared(ast.parse(path.read_text())) == [], path.name


def _unmeasured_caches(source: str) -> list[int]:
    """Lines of `lru_cache(maxsize=N)` (N > 1 or None) without a measured CPU-seconds figure in the comment above."""
    lines = source.splitlines()
    found = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        for decorator in node.decorator_list:
            if not (isinstance(decorator, ast.Call) and getattr(decorator.func, "id", "") == "lru_cache"):
                continue
            sizes = [k.value for k in decorator.keywords if k.arg == "maxsize"] + decorator.args
            if sizes and isinstance(sizes[0], ast.Constant) and sizes[0].value == 1:
                continue  # a value made once per process (a parser, an environment), not a memo table
            above = []
            for line in reversed(lines[: decorator.lineno - 1]):
                if not line.lstrip().startswith(("#", "@")):
                    break
                above.append(line)
            if not re.search(r"\d CPU s", " ".join(above)):
                found.append(decorator.lineno)
    return found


@pytest.mark.parametrize("path", MODULES, ids=_ids(MODULES))
def test_memo_caches_give_their_measured_figure(path: Path) -> None:
    assert _unmeasured_caches(path.read_text()) == [], path.name


def test_the_checks_find_what_they_look_for() -> None:
    assert _size_cleared(ast.parse("def f(t):\n    if len(T) > 9:\n        T.clear()\n")) == [2]
    assert _unmeasured_caches("@lru_cache(maxsize=64)\ndef f(x):\n    return x\n") == [1]
    measured = (
        "# plain memoization: 1.0 CPU s with, 2.0 CPU s without\n@lru_cache(maxsize=64)\ndef f(x):\n    return x\n"
    )
    assert _unmeasured_caches(measured) == []
    assert _unmeasured_caches("@lru_cache(maxsize=1)\ndef f():\n    return 1\n") == []
