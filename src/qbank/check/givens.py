"""Missing givens: drawn values a question's template always prints that a rendered paper does not show."""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from functools import lru_cache
from typing import Any

import jinja2
from jinja2 import nodes

from qbank.draw.params import thaw
from qbank.render.text_numbers import (
    normal_text,
    number_tokens,
    plain_text,
    shown_in_order,
    value_numbers,
    value_strings,
)
from qbank.solve.variant import Variant
from qbank.spec.models import RANDOM_KINDS, ChoiceParam, FloatParam, IntParam, SampleParam
from qbank.spec.validate import Question

KeyPath = tuple[str, tuple[str | int, ...]]  # a name and the constant keys read from it: law['name'] -> law, (name,)


def missing_givens(question: Question, variant: Variant, text: str) -> list[str]:
    """Drawn parameters the question text prints that do not appear in `text` (a paper's text): values printed
    outside `{% if %}` blocks and loops, and arrays printed element by element in a loop (in order)."""
    plain = plain_text(text)
    tokens = number_tokens(plain)
    normal = normal_text(plain)
    missing = []
    for name, path in _printed_names(question.spec.text):
        param = question.spec.params.get(name)
        if not isinstance(param, RANDOM_KINDS) or (isinstance(param, ChoiceParam | SampleParam) and not path and
                                                   isinstance(variant.params[name], Mapping)):  # fmt: skip
            continue
        value: Any = variant.params[name]
        try:
            for key in path:
                value = value[key]
        except (KeyError, IndexError, TypeError):
            continue
        if isinstance(value, bool) or value is None:
            continue
        numbers = [float(n) for n in value_numbers(value)]
        strings = [s for s in value_strings(value, joined=False) if s.strip()]
        shown = shown_in_order(tokens, numbers) and all(normal_text(s).strip() in normal for s in strings)
        if not shown:
            label = name + "".join(f"[{k!r}]" for k in path)
            missing.append(f"{label} = {json.dumps(thaw(value))}")
    for name in _looped_arrays(question.spec.text):
        param = question.spec.params.get(name)
        array = isinstance(param, IntParam | FloatParam) and param.shape  # its numbers, in order, among others
        if array and not shown_in_order(tokens, [float(n) for n in value_numbers(variant.params[name])]):
            missing.append(f"{name} = {json.dumps(thaw(variant.params[name]))}")
    return missing


# --- What a template prints ----------------------------------------------------------------------------------


def key_path(node: nodes.Node) -> KeyPath | None:
    """(name, keys) of an expression `name.a['b'][0]` with constant keys; None for any other expression."""
    keys: list[str | int] = []
    while isinstance(node, nodes.Getattr | nodes.Getitem):
        if isinstance(node, nodes.Getattr):
            key: Any = node.attr
        else:
            key = node.arg.value if isinstance(node.arg, nodes.Const) else None
        if not isinstance(key, str | int):
            return None
        keys.insert(0, key)
        node = node.node
    return (node.name, tuple(keys)) if isinstance(node, nodes.Name) else None


# Plain memoization (a template parsed once per source): `qbank check banks/deep-learning --seeds 200` took
# 3.1-4.1 CPU s with the parse caches of check/givens.py and check/variant_checks.py, 7.6-8.0 s without.
@lru_cache(maxsize=1024)
def _printed_names(source: str) -> tuple[KeyPath, ...]:
    """(parameter, key path) of every value a template always prints: {{ x }}, {{ x|filter }}, {{ x['k'] }}.

    Outputs inside `{% if %}` blocks and loops are left out: whether they print depends on the values.
    """
    found = []
    for output in _unconditional_outputs(jinja2.Environment().parse(source)):
        for expression in output.nodes:
            node = expression
            while isinstance(node, nodes.Filter) and node.node is not None:
                node = node.node
            path = key_path(node)
            if path is not None:
                found.append(path)
    return tuple(dict.fromkeys(found))


def _unconditional_outputs(node: nodes.Node, loops: bool = False) -> Iterator[nodes.Output]:
    """Output nodes not nested in an if, a macro or a conditional expression (nor a loop, unless `loops`)."""
    for child in node.iter_child_nodes():
        if isinstance(child, nodes.Output):
            yield child
        elif isinstance(child, nodes.For) and loops:
            yield from _unconditional_outputs(nodes.Template(child.body), loops)
        elif not isinstance(child, nodes.If | nodes.For | nodes.Macro | nodes.CondExpr | nodes.CallBlock):
            yield from _unconditional_outputs(child, loops)


# Plain memoization, measured with _printed_names above (3.1-4.1 CPU s with, 7.6-8.0 CPU s without).
@lru_cache(maxsize=1024)
def _looped_arrays(source: str) -> tuple[str, ...]:
    """Names a template prints element by element in a loop: `{% for .. %}{{ x[loop.index0][0] }}{% endfor %}`."""
    found = []
    for output in _unconditional_outputs(jinja2.Environment().parse(source), loops=True):
        for expression in output.nodes:
            node, indexed = expression, False
            while isinstance(node, nodes.Getitem):
                node, indexed = node.node, True
            if indexed and isinstance(node, nodes.Name):
                found.append(node.name)
    return tuple(dict.fromkeys(found))
