"""Sandboxed Jinja2: strict about undefined names, autoescaping, with number filters."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType
from typing import Any

import jinja2
from jinja2 import meta, nodes
from jinja2.runtime import LoopContext
from jinja2.sandbox import ImmutableSandboxedEnvironment
from markupsafe import Markup

from .formats import format_element, format_fixed, format_number, format_sig


def latex_number(value: Any, decimals: int | None = None) -> str:
    """A number for use inside math: fixed decimals when given, else a readable form."""
    if decimals is None:
        return format_number(value)
    return format_element(value, decimals)


def bmatrix(values: Any, decimals: int | None = None) -> Markup:
    """A LaTeX bmatrix from a 1-D (one row) or 2-D list of numbers."""
    rows = values if values and isinstance(values[0], list | tuple) else [values]
    body = r" \\ ".join(" & ".join(latex_number(v, decimals) for v in row) for row in rows)
    return Markup(r"\begin{bmatrix} " + body + r" \end{bmatrix}")


def vec(values: Sequence[Any], decimals: int | None = None) -> Markup:
    """A bracketed row vector for use inside math: [1, -1]."""
    return Markup(r"\left[" + ",\\ ".join(latex_number(v, decimals) for v in values) + r"\right]")


def css_string(text: Any) -> Markup:
    """A quoted CSS string literal with every non-alphanumeric character escaped (safe inside <style>)."""
    body = "".join(c if c.isalnum() and c.isascii() else f"\\{ord(c):06x}" for c in str(text))
    return Markup(f'"{body}"')


FILTERS = {
    "css_string": css_string,
    "num": lambda v: format_number(v),
    "fixed": lambda v, d=2: format_fixed(v, d),
    "sig": lambda v, n=3: format_sig(v, n),
    "bmatrix": bmatrix,
    "vec": vec,
}


_PLAIN_MAPPINGS = (dict, MappingProxyType)
_MAPPING_ATTRIBUTES = frozenset(dir(dict)) | frozenset(dir(MappingProxyType))


class Sandbox(ImmutableSandboxedEnvironment):
    """Jinja's immutable sandbox, giving the same answers sooner for `steps.key` and `loop.last`."""

    def getattr(self, obj: Any, attribute: str) -> Any:
        """`obj.attribute` as the sandbox resolves it; a plain dict's key or a loop's public attribute at once.

        The sandbox tries the attribute first, which a dict or mappingproxy lacks unless it is one of its
        methods, then the item; the attributes of a loop variable without a leading underscore are all safe
        (none is internal, none mutates, none is a str.format)."""
        kind = type(obj)
        if kind in _PLAIN_MAPPINGS and attribute not in _MAPPING_ATTRIBUTES and attribute in obj:
            return obj[attribute]
        if kind is LoopContext and not attribute.startswith("_"):
            try:
                return getattr(obj, attribute)
            except AttributeError:
                pass  # the sandbox makes it undefined
        return super().getattr(obj, attribute)


def make_environment(template_dirs: Iterable[Path] = ()) -> ImmutableSandboxedEnvironment:
    """A sandboxed, autoescaping, StrictUndefined environment over `template_dirs` (first wins)."""
    env = Sandbox(
        loader=jinja2.FileSystemLoader([str(d) for d in template_dirs]),
        undefined=jinja2.StrictUndefined,
        autoescape=True,
        trim_blocks=False,
        keep_trailing_newline=True,
    )
    env.filters.update(FILTERS)
    return env


@lru_cache(maxsize=1)
def _string_environment() -> ImmutableSandboxedEnvironment:
    """The shared environment for question text and solution templates."""
    return make_environment()


@lru_cache(maxsize=4096)
def compile_template(source: str) -> jinja2.Template:
    """Compile a question template once per process."""
    return _string_environment().from_string(source)


def render_string(source: str, context: Mapping[str, Any]) -> str:
    """Render a question template with `context`; raises jinja2 errors on undefined names."""
    return compile_template(source).render(context)


def template_problems(source: str, allowed: set[str], answer_names: set[str]) -> list[tuple[int, str]]:
    """Return (line, message) for syntax errors and names a template may not use."""
    env = _string_environment()
    try:
        tree = env.parse(source)
    except jinja2.TemplateSyntaxError as exc:
        return [(exc.lineno or 1, f"template syntax error: {exc.message}")]
    problems = []
    try:
        undeclared = meta.find_undeclared_variables(tree)
    except jinja2.TemplateAssertionError:  # an unknown filter or test, reported below
        undeclared = {n.name for n in tree.find_all(nodes.Name) if n.ctx == "load"}
    for name in sorted(undeclared - allowed - set(env.globals)):
        line = _first_line(tree, name)
        problems.append((line, f"undefined template variable {name!r}"))
    for node in tree.find_all(nodes.Getattr):
        is_answer = isinstance(node.node, nodes.Name) and node.node.name in ("answers", "values")
        if is_answer and node.attr not in answer_names and "answers" in allowed:
            problems.append((node.lineno, f"{node.node.name}.{node.attr}: no answer named {node.attr!r}"))
    for node in tree.find_all(nodes.Filter):
        if node.name not in env.filters:
            problems.append((node.lineno, f"unknown filter {node.name!r}"))
    for node in tree.find_all(nodes.Test):
        if node.name not in env.tests:
            problems.append((node.lineno, f"unknown test {node.name!r}"))
    return problems


def _first_line(tree: nodes.Template, name: str) -> int:
    """The first line on which a template reads `name`."""
    lines = [n.lineno for n in tree.find_all(nodes.Name) if n.name == name and n.ctx == "load"]
    return min(lines) if lines else 1
