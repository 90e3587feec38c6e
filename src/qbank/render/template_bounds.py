"""Bounds on what a template render may compute: loop iterations, value sizes, integer bits, widths, output.

Every render gets a budget (a context variable set by `BoundedTemplate.render`). Templates are rewritten after
parsing so that each loop's iterable, each `~` concatenation, each literal and each printed expression or piece
of text pass through a check; arithmetic goes through the sandbox's `call_binop` (intercepted operators are
never folded at compile time); a filter or str method that could make a large result from small arguments
(widths, `replace`, `join`, `%` and `{}` formats) is estimated before it runs, and every result is checked
after. Past a bound, a render raises `TemplateLimitError` (a Jinja SecurityError) naming the bound.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from jinja2 import nodes
from jinja2.runtime import Context, markup_join, str_join
from jinja2.sandbox import SecurityError
from jinja2.utils import pass_context
from jinja2.visitor import NodeTransformer
from markupsafe import Markup

from qbank.core.limits import (
    TEMPLATE_MAX_INT_BITS,
    TEMPLATE_MAX_LOOP_ITEMS,
    TEMPLATE_MAX_VALUE,
    TEMPLATE_MAX_WORK,
)

LOOP, CONCAT, EMIT, TEXT, VALUE = "_qbank_loop", "_qbank_concat", "_qbank_emit", "_qbank_text", "_qbank_value"
_NOTHING = Markup("")
SEQUENCES = (list, tuple, set, frozenset)


class TemplateLimitError(SecurityError):
    """A template went past one of qbank's bounds (see qbank.core.limits)."""


@dataclass
class Budget:
    """What one render has used so far, and its output cap."""

    output_limit: int
    loops: int = 0
    work: int = 0
    output: int = 0

    def spend(self, size: int) -> None:
        """Count `size` characters of work."""
        self.work += size
        if self.work > TEMPLATE_MAX_WORK:
            raise TemplateLimitError(f"the template computes more than {TEMPLATE_MAX_WORK:,} characters in all")


_BUDGET: ContextVar[Budget | None] = ContextVar("qbank_template_budget", default=None)


@contextmanager
def rendering(output_limit: int) -> Iterator[Budget]:
    """A fresh budget for the render run inside this block."""
    token = _BUDGET.set(Budget(output_limit))
    try:
        yield _BUDGET.get()  # type: ignore[misc]
    finally:
        _BUDGET.reset(token)


def budget() -> Budget:
    """The budget of the render in progress (a throwaway one outside any render: an expression Jinja folds while
    compiling, which the value checks bound)."""
    current = _BUDGET.get()
    return Budget(TEMPLATE_MAX_VALUE) if current is None else current


def measure(value: Any, limit: int = TEMPLATE_MAX_VALUE) -> int:
    """Size of a value counted deeply (characters of strings, items of containers), stopping past `limit`."""
    if isinstance(value, str | bytes):
        return len(value)
    if isinstance(value, int) and value.bit_length() > TEMPLATE_MAX_INT_BITS:
        raise TemplateLimitError(f"an integer of more than {TEMPLATE_MAX_INT_BITS:,} bits")
    if isinstance(value, dict):
        value = [*value.keys(), *value.values()]
    if not isinstance(value, SEQUENCES):
        return 1
    total = len(value)
    for item in value:
        if total > limit:
            break
        total += measure(item, limit - total)
    return total


def checked(value: Any) -> Any:
    """`value` if it is within the value bound (counted as work), else TemplateLimitError."""
    size = measure(value)
    if size > TEMPLATE_MAX_VALUE:
        raise TemplateLimitError(f"a value of more than {TEMPLATE_MAX_VALUE:,} characters or items")
    budget().spend(size)
    return value


# The checks bound_tree adds are filters (a direct call, not the sandbox's `call`, ~3x cheaper) taking the context,
# which also keeps Jinja from running them while it compiles (it folds constant filters, but not these).


@pass_context
def _loop(context: Context, iterable: Iterable[Any]) -> Iterator[Any]:
    """Iterate `iterable`, counting each item against the render's loop bound."""
    current = budget()
    for item in iterable:
        current.loops += 1
        if current.loops > TEMPLATE_MAX_LOOP_ITEMS:
            raise TemplateLimitError(f"the template's loops run more than {TEMPLATE_MAX_LOOP_ITEMS:,} times")
        yield item


@pass_context
def _emit(context: Context, value: Any) -> Any:
    """A printed value or piece of template text, counted against the render's output cap."""
    _output(len(value) if isinstance(value, str) else measure(value, budget().output_limit))
    return value


def _output(size: int) -> None:
    """Count `size` printed characters against the render's output cap (and its work)."""
    current = budget()
    current.output += size
    if current.output > current.output_limit:
        raise TemplateLimitError(f"the template renders more than {current.output_limit:,} characters")
    current.spend(size)


@pass_context
def _text(context: Context, size: int) -> Markup:
    """Nothing to print: counts `size` characters of the template's own text against the output cap."""
    _output(size)
    return _NOTHING


@pass_context
def _concat(context: Context, *parts: Any) -> str:
    """`a ~ b ~ ...`, the parts checked before they are turned into text."""
    for part in parts:
        checked(part)
    return checked((markup_join if context.eval_ctx.autoescape else str_join)(parts))


@pass_context
def _value(context: Context, value: Any) -> Any:
    """A list, tuple or dict literal, checked."""
    return checked(value)


def safe_range(*args: int) -> range:
    """`range` with no more items than a render's loops may run."""
    numbers = range(*args)
    if len(numbers) > TEMPLATE_MAX_LOOP_ITEMS:
        raise TemplateLimitError(f"range of {len(numbers):,} numbers (at most {TEMPLATE_MAX_LOOP_ITEMS:,})")
    return numbers


CHECKS = {LOOP: _loop, CONCAT: _concat, EMIT: _emit, TEXT: _text, VALUE: _value}  # filters bound_tree adds


class _Bounder(NodeTransformer):
    """Rewrites a parsed template, innermost nodes first, so that its loops, printed values, concatenations and
    list, tuple and dict literals go through qbank's checks."""

    def visit_For(self, node: nodes.For) -> nodes.Node:
        node = self.generic_visit(node)
        node.iter = _call(LOOP, [node.iter], node)
        return node

    def visit_Output(self, node: nodes.Output) -> nodes.Node:
        node = self.generic_visit(node)
        text = sum(len(n.data) for n in node.nodes if isinstance(n, nodes.TemplateData))
        node.nodes = [n if isinstance(n, nodes.TemplateData) else _call(EMIT, [n], n) for n in node.nodes]
        if text:  # the template's own text, counted once per Output (not escaped piece by piece)
            node.nodes.append(_call(TEXT, [nodes.Const(text, lineno=node.lineno)], node))
        return node

    def visit_Concat(self, node: nodes.Concat) -> nodes.Node:
        return _call(CONCAT, self.generic_visit(node).nodes, node)

    def visit_List(self, node: nodes.List) -> nodes.Node:
        return _call(VALUE, [self.generic_visit(node)], node)

    visit_Dict = visit_List

    def visit_Tuple(self, node: nodes.Tuple) -> nodes.Node:
        node = self.generic_visit(node)
        return _call(VALUE, [node], node) if node.ctx == "load" else node


def bound_tree(tree: nodes.Template) -> nodes.Template:
    """Rewrite a parsed template so that loops, concatenations, literals and printed values are checked."""
    return _Bounder().visit(tree)


def _call(name: str, args: list[nodes.Expr], where: nodes.Node) -> nodes.Filter:
    """`args[0]|name(*args[1:])` with one of qbank's checks (CHECKS), at the line of `where`."""
    return nodes.Filter(args[0], name, list(args[1:]), [], None, None, lineno=where.lineno)
