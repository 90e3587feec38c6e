"""What a solution template reads from `steps`, checked against the question's `steps:` declaration.

The template's Jinja syntax tree is walked once: `steps.X`, `steps['X']`, `steps.X[i].Y`, names bound from a
step by `{% for h in steps.X %}`, `{% set s = steps.X %}` and `{% with %}` are followed into the declaration;
a key the declaration does not have is a located problem at the template line that reads it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import jinja2
from jinja2 import nodes

from qbank.core.errors import Problem
from qbank.core.limits import QUESTION_MAX_SOURCE
from qbank.spec.steps_decl import Kind, ListOf, Record, Shape

if TYPE_CHECKING:
    from qbank.spec.validate import Question

_SAME_ITEMS = frozenset({"reverse", "sort", "list", "unique", "select", "reject", "selectattr", "rejectattr"})
_MAPPING_METHODS = frozenset({"items", "keys", "values", "get"})
_OPEN = frozenset({"any", "mapping"})  # kinds whose keys are not declared
_ITEMS = {"list": Kind("any"), "vector": Kind("number"), "matrix": Kind("vector"), "any": Kind("any")}


@dataclass(frozen=True)
class Bound:
    """A template expression known to be a part of the steps: its path in words and its declared shape."""

    path: str
    shape: Shape


def steps_problems(question: Question) -> list[Problem]:
    """Located problems for every `steps` read in the solution template that `steps:` does not declare."""
    declared = question.steps
    source = question.spec.solution
    if declared is None or not source or len(source) > QUESTION_MAX_SOURCE:
        return []
    try:
        tree = jinja2.Environment().parse(source)
    except jinja2.TemplateSyntaxError:  # reported, located, by the template-name checks
        return []
    reads = _Reads()
    reads.walk(tree, {"steps": Bound("steps", declared)})
    doc = question.document
    first_line = doc.block_starts.get(("solution",), doc.line(("solution",)))
    return [Problem(doc.file, first_line + line - 1, "solution", message) for line, message in reads.found]


class _Reads:
    """A walk over one template, collecting (line, message) for each undeclared read, once each."""

    def __init__(self) -> None:
        self.found: dict[tuple[int, str], None] = {}

    def walk(self, node: nodes.Node, env: dict[str, Bound | None]) -> None:
        """Check every read under `node`, with `env` naming what the template's names are bound to."""
        if isinstance(node, nodes.For):
            self.walk(node.iter, env)
            source = self.resolve(node.iter, env)
            inner = dict(env, loop=None)
            _bind(node.target, self.item(source) if source else None, inner)
            for child in [*([node.test] if node.test else []), *node.body]:
                self.walk(child, inner)
            for child in node.else_:
                self.walk(child, env)
        elif isinstance(node, nodes.Assign):
            self.walk(node.node, env)
            _bind(node.target, self.resolve(node.node, env), env)
        elif isinstance(node, nodes.AssignBlock):  # `{% set x %}...{% endset %}` binds text
            for child in node.body:
                self.walk(child, env)
            _bind(node.target, None, env)
        elif isinstance(node, nodes.With):
            inner = dict(env)
            for target, value in zip(node.targets, node.values, strict=False):
                self.walk(value, env)
                _bind(target, self.resolve(value, env), inner)
            for child in node.body:
                self.walk(child, inner)
        elif isinstance(node, nodes.Macro | nodes.CallBlock):
            inner = dict(env, caller=None, varargs=None, kwargs=None)
            for arg in node.args:
                _bind(arg, None, inner)
            for child in node.iter_child_nodes(exclude=("body",)):
                self.walk(child, env)
            for child in node.body:
                self.walk(child, inner)
        elif isinstance(node, nodes.Call) and isinstance(node.node, nodes.Getattr):
            base = self.resolve(node.node.node, env)
            if base is not None:
                self.key(base, node.node.attr, node.node.lineno, called=True)
            self.walk(node.node.node, env)
            for child in node.iter_child_nodes(exclude=("node",)):
                self.walk(child, env)
        else:
            if isinstance(node, nodes.Getattr | nodes.Getitem):
                self.resolve(node, env)
            for child in node.iter_child_nodes():
                self.walk(child, env)

    def resolve(self, node: nodes.Node, env: dict[str, Bound | None]) -> Bound | None:
        """The part of the steps an expression denotes, or None when it is not (or not knowably) one."""
        if isinstance(node, nodes.Name):
            return env.get(node.name)
        if isinstance(node, nodes.Filter):
            same = node.name in _SAME_ITEMS and node.node is not None
            return self.resolve(node.node, env) if same else None
        if not isinstance(node, nodes.Getattr | nodes.Getitem):
            return None
        base = self.resolve(node.node, env)
        if base is None:
            return None
        if isinstance(node, nodes.Getattr):
            return self.key(base, node.attr, node.lineno)
        if isinstance(node.arg, nodes.Const) and isinstance(node.arg.value, str):
            return self.key(base, node.arg.value, node.lineno)
        if isinstance(node.arg, nodes.Slice):
            return base if isinstance(base.shape, ListOf) else None
        return self.item(base)

    def key(self, base: Bound, name: str, line: int, called: bool = False) -> Bound | None:
        """`base.name`: a declared key's part, or None after recording a read the declaration lacks (a
        called method of text, a list or a mapping is no read of a key)."""
        shape, path = base.shape, f"{base.path}.{name}"
        if isinstance(shape, Kind) and shape.name in _OPEN:
            return Bound(path, Kind("any"))
        if isinstance(shape, Record):
            child = shape.get(name)
            if child is not None:
                return Bound(path, child)
            if called and name in _MAPPING_METHODS:
                return None
            declared = ", ".join(shape.names())
            self.found[(line, f"reads {path}, which `steps:` does not declare (declared: {declared})")] = None
            return None
        if not called:
            message = f"reads {path}, but `steps:` declares {base.path} as {shape.describe()}, which has no keys"
            self.found[(line, message)] = None
        return None

    def item(self, base: Bound) -> Bound | None:
        """An item of `base` (a loop variable over it, or `base[i]`), when the declaration says what it is."""
        shape = base.shape
        if isinstance(shape, ListOf):
            return Bound(f"{base.path}[]", shape.item)
        if isinstance(shape, Kind) and shape.name in _ITEMS:
            return Bound(f"{base.path}[]", _ITEMS[shape.name])
        return None


def _bind(target: nodes.Node, value: Bound | None, env: dict[str, Bound | None]) -> None:
    """Bind an assignment or loop target in `env` (the names of a tuple target to nothing known)."""
    if isinstance(target, nodes.Name):
        env[target.name] = value
    else:
        for name in target.find_all(nodes.Name):
            env[name.name] = None
