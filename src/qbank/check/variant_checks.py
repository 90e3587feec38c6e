"""Per-variant checks of a sweep: constraints, printable answers, distinct lists, rendering, key paths."""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache
from typing import Any

import jinja2
from jinja2 import nodes

from qbank.check.givens import key_path
from qbank.core.errors import LocatedError, UserError
from qbank.draw.params import thaw
from qbank.render.leaks import answer_leaks
from qbank.render.mathsvg import MathError
from qbank.render.question import formatted_answers, render_part
from qbank.render.templating import render_string
from qbank.render.text_numbers import svg_text, value_key
from qbank.solve.answer_checks import print_problems, rounding_boundaries
from qbank.solve.figures import FigureError, draw_figure
from qbank.solve.formats import format_number, parse_number, tolerance_of
from qbank.solve.variant import Variant, solve_draw
from qbank.spec.choice_decl import WRITTEN_FORMATS
from qbank.spec.models import AnswerSpec
from qbank.spec.validate import Question


def check_variant(question: Question, variant: Variant, full: bool = False, thorough: bool = True) -> list[str]:
    """Every problem of one solved variant (located messages).

    `full` adds Markdown and math typesetting. Without `thorough` the text and solution are not rendered (every
    name and constant key path they read is checked to exist instead, and answers are not looked for in the
    text), and the two checks that guard qbank's own code rather than the question are skipped: constraints
    evaluated again, and the printed key read back.
    """
    try:
        formatted = formatted_answers(question, variant)
    except (ValueError, TypeError, ArithmeticError) as exc:
        return [f"{question.file}: answers: cannot be printed: {type(exc).__name__}: {exc}"]
    problems = constraint_problems(question, variant.params) if thorough else []
    problems += answer_problems(question, variant, formatted, reread=thorough)
    if problems:
        return problems
    problems += distinct_problems(question, variant, formatted)
    text, render = render_problems(question, variant, full, formatted, thorough)
    problems += render
    if text is not None:
        problems += answer_leaks(question, variant, text, formatted=formatted)
    return problems


def constraint_problems(question: Question, params: Mapping[str, Any]) -> list[str]:
    """Constraints that do not hold for these parameters (the sampler is not trusted)."""
    problems = []
    for index, constraint in enumerate(question.constraints):
        try:
            holds = bool(constraint.expression(params))
        except Exception as exc:  # an expression error is a broken variant too
            holds, why = False, f" ({type(exc).__name__}: {exc})"
        else:
            why = ""
        if not holds:
            problems.append(f"{question.file}:{constraint.line}: constraints[{index}]: {constraint.message!r} "
                            f"does not hold{why}")  # fmt: skip
    return problems


def answer_problems(
    question: Question,
    variant: Variant,
    formatted: Mapping[str, str] | None = None,
    reread: bool = True,
) -> list[str]:
    """Unprintable or self-rejected keys, and answers on a rounding boundary of their tolerance (written
    `choice` and `multi` options are checked by `choice_checks`)."""
    formatted = formatted if formatted is not None else formatted_answers(question, variant)
    problems = []
    for name, spec in question.spec.answers.items():
        if spec.format in WRITTEN_FORMATS:
            continue
        value = variant.answers[name]
        found = _value_problems(spec, value, formatted[name], reread)
        if found:
            where = f"{question.file}:{question.document.line(('answers', name))}: answers.{name}"
            problems.extend(f"{where}: {problem}" for problem in found)
    return problems


def _value_problems(spec: AnswerSpec, value: Any, printed: str, reread: bool) -> tuple[str, ...]:
    """Problems of one answer value under its declaration."""
    try:
        found = print_problems(spec, value, printed, reread)
    except (ValueError, TypeError, ArithmeticError) as exc:
        found = [f"cannot be printed: {type(exc).__name__}: {exc}"]
    if found:
        return tuple(found)
    for number, shown, other in rounding_boundaries(spec, value):
        tolerance = tolerance_of(spec, number)
        if abs(parse_number(other) - number) < tolerance * (1 - 1e-6):
            continue  # the declared tolerance accepts both roundings with room to spare
        unit = "significant figures" if spec.format == "sig" else "decimals"
        found.append(
            f"{number!r} sits on a rounding boundary of its tolerance: the key prints {shown}, but {other} is "
            f"an equally correct rounding and lies at the edge of the ±{format_number(tolerance)} tolerance "
            f"(add a constraint that avoids such values, print more {unit} or widen the tolerance)"
        )
    return tuple(found)


def distinct_problems(question: Question, variant: Variant, formatted: Mapping[str, str] | None = None) -> list[str]:
    """Items of a `distinct` list that print the same (duplicate options, tied ranks)."""
    checks = getattr(question, "distinct", ())
    if not checks:
        return []
    values = {**variant.params, **variant.answers}
    formatted = formatted if formatted is not None else formatted_answers(question, variant)
    problems = []
    for index, check in enumerate(checks):
        try:
            items = check.expression(values)
        except Exception as exc:
            problems.append(f"{question.file}:{check.line}: distinct[{index}]: {check.source!r} failed: {exc}")
            continue
        answer = question.spec.answers.get(check.source.strip())
        if answer is not None and answer.format in ("vector", "matrix"):
            items = formatted[check.source.strip()].strip("[]").replace(";", ",").split(", ")
        if not isinstance(items, list | tuple):
            problems.append(f"{question.file}:{check.line}: distinct[{index}]: {check.source!r} is not a list")
            continue
        first: dict[str, int] = {}
        for position, item in enumerate(items):
            item_key = _item_key(item)
            if item_key in first:
                problems.append(
                    f"{question.file}:{check.line}: distinct[{index}]: {check.message!r} fails: items "
                    f"{first[item_key]} and {position} of {check.source} are both {_shown(item)}"
                )
                break
            first[item_key] = position
    return problems


def _item_key(item: Any) -> str:
    """Items that print alike get the same key: numbers to 9 significant digits, text case-folded."""
    if isinstance(item, bool):
        return repr(item)
    if isinstance(item, int | float):
        return format(float(item), ".9g")
    if isinstance(item, str):
        return " ".join(item.split()).casefold()
    return value_key(item)


def _shown(item: Any) -> str:
    """An item as a message shows it."""
    return format_number(item) if isinstance(item, int | float) and not isinstance(item, bool) else repr(item)


def render_problems(
    question: Question,
    variant: Variant,
    full: bool,
    formatted: Mapping[str, str] | None = None,
    render: bool = True,
) -> tuple[str | None, list[str]]:
    """Draw the figure and render the text and solution through Jinja (and Markdown and math when `full`);
    return the paper's text for the leak check. Without `render`, check the names and constant key paths the
    templates read instead of rendering them, and return no text."""
    try:
        figure = draw_figure(question, variant) or ""
    except FigureError as exc:  # a figure function that crashes on these values or draws no usable SVG
        return None, [str(exc)]
    try:
        if not (render or full):
            return None, path_problems(question, "text", variant) + path_problems(question, "solution", variant)
        context = {**variant.params, "params": variant.params}
        text = render_string(question.spec.text, context)
        if full:
            render_part(question, variant)
        elif question.spec.solution.strip():
            formatted = formatted if formatted is not None else formatted_answers(question, variant)
            render_string(question.spec.solution, {**context, "steps": variant.steps, "answers": formatted,
                                                   "values": variant.answers})  # fmt: skip
    except UserError as exc:
        return None, [str(p) for p in exc.problems]
    except (jinja2.TemplateError, MathError) as exc:
        return None, [f"{question.file}: template error: {type(exc).__name__}: {exc}"]
    except Exception as exc:  # a filter crashed on these values
        return None, [f"{question.file}: rendering raised {type(exc).__name__}: {exc}"]
    return text + "\n" + svg_text(figure), []


def variant_shape(value: Any) -> Any:
    """What template loops and branches mostly depend on: types, keys, lengths, booleans and short text."""
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, str):
        return value if len(value) <= 16 else "s"
    if isinstance(value, Mapping):
        return tuple((k, variant_shape(v)) for k, v in value.items())
    if isinstance(value, list | tuple):
        return (len(value), variant_shape(value[0])) if value else 0
    return type(value).__name__


# Plain memoization (a template parsed once per source): `qbank check banks/deep-learning --seeds 200` took
# 3.1-4.1 CPU s with the parse caches of check/givens.py and check/variant_checks.py, 7.6-8.0 s without.
@lru_cache(maxsize=1024)
def _constant_paths(source: str) -> tuple[tuple[str, tuple[str | int, ...]], ...]:
    """(name, keys) of every `name.a['b'][0]` a template reads with constant keys (loop and set names excluded)."""
    tree = jinja2.Environment().parse(source)
    local = {n.name for n in tree.find_all(nodes.Name) if n.ctx in ("store", "param")}
    paths = {key_path(node) for node in tree.find_all((nodes.Getattr, nodes.Getitem))}
    return tuple(sorted((p for p in paths if p is not None and p[0] not in local), key=repr))


def path_problems(question: Question, field_name: str, variant: Variant) -> list[str]:
    """Constant key paths a template field reads (`steps.total`, `law['name']`) that this variant lacks."""
    source = getattr(question.spec, field_name)
    roots: dict[str, Any] = {
        **variant.params,
        "params": variant.params,
        "steps": variant.steps,
    }
    problems = []
    for name, keys in _constant_paths(source):
        if name not in roots:
            continue  # answers/values (checked against the declaration at load), loop variables, globals
        value = roots[name]
        for depth, key in enumerate(keys):
            if isinstance(value, Mapping):
                if key not in value:
                    shown = name + "".join(f".{k}" for k in keys[: depth + 1])
                    problems.append(f"{question.file}: {field_name}: {shown} is undefined for this variant")
                    break
                value = value[key]
            elif isinstance(value, list | tuple) and isinstance(key, int):
                if not -len(value) <= key < len(value):
                    problems.append(f"{question.file}: {field_name}: {name}{keys} index {key} is out of range")
                    break
                value = value[key]
            else:
                break  # a method or attribute of a plain value: Jinja decides
    return problems


def purity_problems(question: Question, first: Variant, draw: Any, seed: int, paper: str) -> list[str]:
    """Solve a repeated parameter set again; the answers and steps must not change."""
    try:
        again = solve_draw(question, draw, seed, paper)
    except LocatedError as exc:
        return [f"{exc} (the same parameters solved at seed {first.exam_seed})"]
    if thaw(again.answers) != thaw(first.answers) or thaw(again.steps) != thaw(first.steps):
        line = question.document.line(("solver",))
        return [f"{question.file}:{line}: solver: not pure: the parameters of seed {first.exam_seed} gave other "
                f"answers or steps when solved again at seed {seed}"]  # fmt: skip
    return []
