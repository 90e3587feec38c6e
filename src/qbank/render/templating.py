"""Sandboxed Jinja2: strict about undefined names, autoescaping, with number filters."""

from __future__ import annotations

import copy
import math
from collections.abc import Iterable, Mapping, Sequence
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType
from typing import Any

import jinja2
from jinja2 import meta, nodes
from jinja2.runtime import LoopContext, Macro
from jinja2.sandbox import ImmutableSandboxedEnvironment
from markupsafe import Markup

from qbank.core.limits import PAGE_MAX_OUTPUT, QUESTION_MAX_RENDERED, QUESTION_MAX_SOURCE
from qbank.render import template_bounds as bounds
from qbank.render import template_calls as calls
from qbank.render.plain_undefined import PlainUndefined
from qbank.render.template_loader import ConfinedLoader
from qbank.solve.formats import format_element, format_fixed, format_number, format_sig


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


def sci(value: Any, sig: int = 3) -> str:
    """A number for LaTeX math to `sig` significant figures: positional when its power of ten is within
    -3..3 (`0.00123`, `4560`), else `m \\times 10^{e}` (`1.23 \\times 10^{-5}`)."""
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise TypeError(f"sci needs a finite number, got {value!r}")
    if isinstance(sig, bool) or not isinstance(sig, int) or not 1 <= sig <= 17:
        raise TypeError(f"sci needs 1 to 17 significant figures, got {sig!r}")
    if value == 0:
        return "0"
    mantissa, exponent = f"{value:.{sig - 1}e}".split("e")
    power = int(exponent)
    if -3 <= power <= 3:
        return f"{value:.{max(sig - 1 - power, 0)}f}"
    return rf"{mantissa} \times 10^{{{power}}}"


def css_string(text: Any) -> Markup:
    """A quoted CSS string literal with every non-alphanumeric character escaped (safe inside <style>)."""
    body = "".join(c if c.isalnum() and c.isascii() else f"\\{ord(c):06x}" for c in str(text))
    return Markup(f'"{body}"')


FILTERS = {
    "css_string": css_string,
    "num": lambda v: format_number(v),
    "fixed": lambda v, d=2: format_fixed(v, d),
    "sig": lambda v, n=3: format_sig(v, n),
    "sci": sci,
    "bmatrix": bmatrix,
    "vec": vec,
}


_PLAIN_MAPPINGS = (dict, MappingProxyType)
_MAPPING_ATTRIBUTES = frozenset(dir(dict)) | frozenset(dir(MappingProxyType))


class BoundedTemplate(jinja2.Template):
    """A template whose every render runs on a fresh budget (loops, values, output: see template_bounds)."""

    def render(self, *args: Any, **kwargs: Any) -> str:
        """Render as Jinja does, within the bounds of qbank.core.limits; TemplateLimitError past one."""
        with bounds.rendering(self.environment.output_limit):  # type: ignore[attr-defined]
            return super().render(*args, **kwargs)


class Sandbox(ImmutableSandboxedEnvironment):
    """Jinja's immutable sandbox with qbank's bounds, giving the same answers sooner for `steps.key` and
    `loop.last`."""

    template_class = BoundedTemplate
    intercepted_binops = frozenset(("**", "*", "/", "//", "%", "+", "-"))  # never folded at compile time
    output_limit = PAGE_MAX_OUTPUT

    def compile(self, source: Any, name: str | None = None, filename: str | None = None, raw: bool = False,
                defer_init: bool = False) -> Any:  # fmt: skip
        """Compile a template with its loops, concatenations and printed values checked."""
        if isinstance(source, str):
            source = self.parse(source, name, filename)
        return super().compile(bounds.bound_tree(source), name, filename, raw, defer_init)

    def call_binop(self, context: jinja2.runtime.Context, operator: str, left: Any, right: Any) -> Any:
        """A template's arithmetic, bounded: integer bits, repetitions, % widths, result sizes."""
        return calls.binop(operator, left, right, self.binop_table[operator])

    def call(__self, __context: jinja2.runtime.Context, __obj: Any, *args: Any, **kwargs: Any) -> Any:
        """Call from a template: str methods that grow text bounded before, results (not macros') after."""
        target = getattr(__obj, "__wrapped__", __obj)  # the sandbox wraps str.format
        owner = getattr(target, "__self__", None)
        if isinstance(owner, str):
            method = getattr(target, "__name__", "")
            if method == "join" and args:
                args = (calls.bounded_items(args[0]), *args[1:])
            calls.precheck(method, [owner, *args], kwargs)
        if isinstance(__obj, LoopContext) and args:  # `loop(children)` in a recursive loop
            args = (bounds.CHECKS[bounds.LOOP](__context, args[0]), *args[1:])
        result = super().call(__context, __obj, *args, **kwargs)
        return result if isinstance(__obj, Macro) else bounds.checked(result)

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


def make_environment(template_dirs: Iterable[Path] = (), output_limit: int = PAGE_MAX_OUTPUT) -> Sandbox:
    """A sandboxed, bounded, autoescaping, strict (PlainUndefined) environment over `template_dirs` (first wins;
    a template's real path must lie inside one of them)."""
    env = Sandbox(
        loader=ConfinedLoader(template_dirs),
        undefined=PlainUndefined,
        autoescape=True,
        trim_blocks=False,
        keep_trailing_newline=True,
        optimized=False,  # the optimizer would run filters on constants while compiling, outside any budget
    )
    env.output_limit = output_limit
    env.filters.update(FILTERS)
    env.filters = {name: calls.bounded_filter(name, function) for name, function in env.filters.items()}
    env.filters.update(bounds.CHECKS)
    env.globals.update(range=bounds.safe_range, lipsum=calls.lipsum)
    return env


@lru_cache(maxsize=1)
def _string_environment() -> Sandbox:
    """The shared environment for question text and solution templates."""
    return make_environment(output_limit=QUESTION_MAX_RENDERED)


# Preflight parses every question template to check it (`template_problems`); its tree waits here until the
# template is compiled, so a template is parsed once per process (compiling rewrites the tree: it is taken, not
# shared). Bounded like the compiled templates: past it, a template is parsed again when compiled.
_PARSED: dict[str, nodes.Template] = {}
MAX_PARSED = 4096


# Plain memoization (a template compiled once per source): `qbank check banks/deep-learning --seeds 300` took
# 22.2-24.9 CPU s without it, 5.7-8.1 CPU s with it (3 pairs, load 5-6.5).
@lru_cache(maxsize=4096)
def compile_template(source: str) -> jinja2.Template:
    """Compile a question template once per process (from preflight's parse of it, when it was checked)."""
    tree = _PARSED.pop(source, None)
    return _string_environment().from_string(source if tree is None else tree)


def render_string(source: str, context: Mapping[str, Any]) -> str:
    """Render a question template with `context`; raises jinja2 errors on undefined names."""
    return compile_template(source).render(context)


def template_problems(source: str, allowed: set[str], answer_names: set[str]) -> list[tuple[int, str]]:
    """Return (line, message) for syntax errors, names a template may not use, and a source past the bound."""
    env = _string_environment()
    if len(source) > QUESTION_MAX_SOURCE:
        return [(1, f"template of {len(source):,} characters (at most {QUESTION_MAX_SOURCE:,})")]
    try:
        tree = env.parse(source)
    except jinja2.TemplateSyntaxError as exc:
        return [(exc.lineno or 1, f"template syntax error: {exc.message}")]
    problems = []
    try:
        undeclared = _undeclared(env, tree)
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
    problems += constant_problems(env, tree)
    if not problems and len(_PARSED) < MAX_PARSED:
        _PARSED[source] = tree  # compiled from this tree (`compile_template`): not parsed again
    return problems


class _NameTracker(meta.TrackingCodeGenerator):
    """Jinja's `meta.find_undeclared_variables` generator without its optimizer, which folds constants in the tree
    it walks (calling filters on them, outside any budget): the tree stays as parsed, to be compiled."""

    def __init__(self, environment: jinja2.Environment) -> None:
        super().__init__(environment)
        self.optimizer = None


def _undeclared(env: Sandbox, tree: nodes.Template) -> set[str]:
    """The names a template reads from its context (`meta.find_undeclared_variables`, the tree left unchanged)."""
    tracker = _NameTracker(env)
    tracker.visit(tree)
    return tracker.undeclared_identifiers


def constant_problems(env: Sandbox, tree: nodes.Node) -> list[tuple[int, str]]:
    """(line, message) for each constant expression (`9**(9**9)`, `lipsum(10**6)`) past a bound, found by
    evaluating it within the bounds, as Jinja's optimizer would have folded it at load."""
    if isinstance(tree, nodes.BinExpr | nodes.Filter | nodes.Call | nodes.Concat) and _constant(env, tree):
        try:
            value = nodes.Test(copy.deepcopy(tree), "defined", [], [], None, None)  # evaluated, not printed
            env.from_string(nodes.Template([nodes.Output([value])], lineno=1)).render()
        except bounds.TemplateLimitError as exc:
            return [(tree.lineno, f"template error: {exc}")]
        except Exception:  # any other error surfaces, located, when the template is rendered
            pass
        return []
    return [problem for child in tree.iter_child_nodes() for problem in constant_problems(env, child)]


def _constant(env: Sandbox, expression: nodes.Expr) -> bool:
    """Whether an expression reads nothing but literals and global functions (range, lipsum, ...)."""
    return all(name.name in env.globals for name in expression.find_all(nodes.Name))


def _first_line(tree: nodes.Template, name: str) -> int:
    """The first line on which a template reads `name`."""
    lines = [n.lineno for n in tree.find_all(nodes.Name) if n.name == name and n.ctx == "load"]
    return min(lines) if lines else 1
