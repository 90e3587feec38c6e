"""Draw plans: a question's parameters compiled into steps (kept per question object), its seeds and errors."""

from __future__ import annotations

import hashlib
import math
import weakref
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, NamedTuple

import numpy as np

from qbank.core.errors import LocatedError
from qbank.core.frozen import freeze
from qbank.draw.stream import RandomStream
from qbank.expressions.expression import Evaluator, Expression, ExpressionError
from qbank.spec.models import ChoiceParam, DerivedParam, FixedParam, FloatParam, IntParam, SampleParam
from qbank.spec.param_values import INT_LIMIT, value_problem
from qbank.spec.registry import Entry
from qbank.spec.validate import Question

SEED_SCHEME = "qbank/v1"

Compute = Callable[[dict[str, Any], RandomStream | None], Any]


class DrawError(LocatedError):
    """Parameters could not be drawn: a constraint rejected too many draws or an expression failed."""

    def __init__(self, question: Question, line: int, path: str, message: str) -> None:
        self.question = question
        super().__init__(question.file, line, path, message)


@dataclass(frozen=True)
class Draw:
    """Drawn parameters and how many attempts the constraints needed."""

    params: Mapping[str, Any]
    stream_seed: int
    attempts: int


class Step(NamedTuple):
    """One parameter of a draw plan: its name, whether it is drawn, whether a scenario may supply it, and how to
    compute it (from the values before it and the question's random stream)."""

    name: str
    drawn: bool
    shared: bool
    compute: Compute


@dataclass(frozen=True)
class DrawPlan:
    """A question's parameters compiled into steps, in declaration order (built once per question)."""

    steps: tuple[Step, ...]
    random: bool  # whether any parameter is drawn (if not, no random stream is seeded)
    computes: tuple[tuple[str, Compute], ...] = ()  # (name, compute) per step, for draws without shared values
    checks: tuple[Evaluator, ...] = ()  # per constraint, its expression (see `_first_failure`)


def stream_seed(exam_seed: int, paper_id: str, question_id: str) -> int:
    """A 128-bit seed from sha256 of (scheme, exam seed, paper id, question id); stable across processes."""
    text = "\x1f".join((SEED_SCHEME, str(int(exam_seed)), paper_id, question_id))
    return int.from_bytes(hashlib.sha256(text.encode("utf-8")).digest()[:16], "big")


def generator(seed: int) -> np.random.Generator:
    """numpy's PCG64 bit generator seeded with `seed` (pinned, never the global RNG)."""
    return np.random.Generator(np.random.PCG64(seed))


_PLANS: dict[int, DrawPlan] = {}  # by the identity of a live Question (dropped when it is collected)


def draw_plan(question: Question) -> DrawPlan:
    """The question's draw plan, compiled on first use and kept while the question lives."""
    plan = _PLANS.get(id(question))
    if plan is None:
        plan = _PLANS[id(question)] = compile_draw_plan(question)
        weakref.finalize(question, _PLANS.pop, id(question), None)
    return plan


def compile_draw_plan(question: Question) -> DrawPlan:
    """Compile a question's parameters into draw steps (`draw_plan` keeps the result per question)."""
    steps = []
    for name, param in question.spec.params.items():
        if isinstance(param, FixedParam):
            steps.append(Step(name, False, False, _constant(freeze(param.value))))
        elif isinstance(param, DerivedParam):
            steps.append(Step(name, False, False, _deriver(question, name, question.derived[name])))
        else:
            steps.append(Step(name, True, param.shared, _drawer(param)))
    checks = tuple(c.expression for c in question.constraints)
    computes = tuple((step.name, step.compute) for step in steps)
    return DrawPlan(tuple(steps), any(step.drawn for step in steps), computes, checks)


def _constant(value: Any) -> Compute:
    """A step that always gives `value` (already frozen)."""
    return lambda values, stream: value


def _deriver(question: Question, name: str, rule: Expression | Entry) -> Compute:
    """A step computing a derived parameter from the ones before it; failures, and values a parameter cannot hold
    (see `param_values`), become DrawErrors located at the expression or the function."""
    where = ("params", name, "expr" if isinstance(rule, Expression) else "function")
    line = question.document.line(where)
    owner = weakref.ref(question)  # the kept plan must not keep its question alive

    def fail(message: str) -> DrawError:
        return DrawError(owner(), line, ".".join(where), message)

    if isinstance(rule, Expression):

        def evaluate(values: dict[str, Any], stream: RandomStream | None) -> Any:
            try:
                value = rule(values)
            except ExpressionError as exc:
                raise fail(f"{rule.source!r} failed: {exc}") from None
            value = freeze(value)
            kind = type(value)
            if (kind is int and -INT_LIMIT < value < INT_LIMIT) or (kind is float and value - value == 0):
                return value  # the common values, checked inline (`value - value` is NaN for NaN and infinity)
            problem = value_problem(value)
            if problem is not None:
                raise fail(f"{rule.source!r}: {problem}")
            return value

        return evaluate

    def call(values: dict[str, Any], stream: RandomStream | None) -> Any:
        try:
            value = freeze(rule.function(MappingProxyType(dict(values))))
        except Exception as exc:
            raise fail(f"function {rule.name!r} raised {type(exc).__name__}: {exc}") from None
        problem = value_problem(value)
        if problem is not None:
            raise fail(f"function {rule.name!r}: {problem}")
        return value

    return call


def _drawer(param: IntParam | FloatParam | ChoiceParam | SampleParam) -> Compute:
    """A step drawing one random parameter (scalars stay plain Python numbers, arrays become nested tuples)."""
    if isinstance(param, IntParam):
        return _int_drawer(param)
    if isinstance(param, FloatParam):
        return _float_drawer(param)
    if isinstance(param, ChoiceParam):
        choices, count = tuple(freeze(c) for c in param.choices), len(param.choices)
        return lambda values, stream: choices[stream.below(count)]
    if isinstance(param, SampleParam):
        items, population, k = tuple(freeze(i) for i in param.items), len(param.items), param.k
        return lambda values, stream: tuple([items[i] for i in stream.sample(population, k)])
    raise TypeError(f"not a random parameter: {param!r}")


def _int_drawer(param: IntParam) -> Compute:
    """Draw an int (or an array of them) uniformly from min..max on the grid of `step`."""
    low, step, count = param.min, param.step, (param.max - param.min) // param.step + 1
    shape = param.shape
    if not shape:
        return lambda values, stream: low + stream.below(count) * step
    size = math.prod(shape)

    def draw_array(values: dict[str, Any], stream: RandomStream | None) -> Any:
        return _nest([low + pick * step for pick in stream.many_below(count, size)], shape)

    return draw_array


def _float_drawer(param: FloatParam) -> Compute:
    """Draw a float (or an array of them) uniformly from the 10^-decimals grid between min and max."""
    decimals = param.decimals
    scale = 10**decimals
    low, count = round(param.min * scale), round((param.max - param.min) * scale) + 1
    shape = param.shape
    if not shape:
        return lambda values, stream: round((low + stream.below(count)) / scale, decimals)
    size = math.prod(shape)

    def draw_array(values: dict[str, Any], stream: RandomStream | None) -> Any:
        picks = np.array(stream.many_below(count, size), dtype=np.int64).reshape(shape)
        return freeze(np.round((low + picks) / scale, decimals).tolist())  # numpy's rounding, not Python's

    return draw_array


def _nest(flat: list[Any], shape: list[int]) -> tuple[Any, ...]:
    """A flat list of values as nested tuples of `shape` (row-major, like numpy's reshape)."""
    items: list[Any] = flat
    for width in reversed(shape[1:]):
        items = [tuple(items[i : i + width]) for i in range(0, len(items), width)]
    return tuple(items)


def _fill(plan: DrawPlan, stream: RandomStream | None, given: Mapping[str, Any] | None) -> dict[str, Any]:
    """Parameters in declaration order: drawn, fixed and derived; a `shared` one comes from `given` if there."""
    values: dict[str, Any] = {}
    if given is None:
        for name, compute in plan.computes:
            values[name] = compute(values, stream)
        return values
    for name, _, shared, compute in plan.steps:
        if shared and name in given:
            values[name] = given[name]
        else:
            values[name] = compute(values, stream)
    return values
