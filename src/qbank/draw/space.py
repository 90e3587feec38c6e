"""The finite space of a question's drawn parameters, enumerated when it is small enough.

Every drawn parameter takes one of finitely many values (ints and floats on their grid, choices, samples), each
equally likely, and rejection sampling keeps each satisfying assignment with equal probability. So when the
product of the value counts is at most MAX_ENUMERATED, walking every assignment tells exactly which constraints
can hold together, how many distinct variants exist and which values can ever be drawn: an impossible constraint
set is told from a merely rare one, and a value the constraints exclude from a value not yet seen.
"""

from __future__ import annotations

import itertools
import math
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from qbank.core.frozen import freeze
from qbank.draw.plan import DrawError, _nest, draw_plan
from qbank.expressions.expression import ExpressionError
from qbank.spec.models import ChoiceParam, FloatParam, IntParam, SampleParam
from qbank.spec.validate import Question

MAX_ENUMERATED = 100_000  # parameter sets walked at most (a few tenths of a second for a typical question)


@dataclass
class Enumeration:
    """Every assignment of the drawn parameters, summarised: which constraints each one fails."""

    total: int  # assignments walked (the size of the drawn parameter space)
    failing: Counter[frozenset[int]] = field(default_factory=Counter)  # failed constraint indices -> assignments
    broken: int = 0  # assignments on which a derived parameter could not be computed
    reachable: dict[str, Counter[str]] = field(default_factory=dict)  # scalar parameter -> repr(value) -> sets

    @property
    def satisfying(self) -> int:
        """Assignments that satisfy every constraint (the distinct variants the question can have)."""
        return self.failing.get(frozenset(), 0)

    def holding(self, indices: frozenset[int]) -> int:
        """Assignments that satisfy every constraint of `indices` together."""
        return sum(count for failed, count in self.failing.items() if not failed & indices)


def space_size(question: Question, given: Mapping[str, Any] | None = None) -> int:
    """How many assignments of the drawn parameters exist (shared ones in `given` count once)."""
    size = 1
    for name, param in question.spec.params.items():
        if given is not None and getattr(param, "shared", False) and name in given:
            continue
        if isinstance(param, IntParam | FloatParam | ChoiceParam | SampleParam):
            size *= _count(param)
    return size


def _count(param: IntParam | FloatParam | ChoiceParam | SampleParam) -> int:
    """How many values one drawn parameter can take."""
    if isinstance(param, ChoiceParam):
        return len(param.choices)
    if isinstance(param, SampleParam):
        return math.perm(len(param.items), param.k)
    if isinstance(param, IntParam):
        count = (param.max - param.min) // param.step + 1
    else:
        count = round((param.max - param.min) * 10**param.decimals) + 1
    return count ** math.prod(param.shape) if param.shape else count


def _values(param: IntParam | FloatParam | ChoiceParam | SampleParam) -> list[Any]:
    """Every value one drawn parameter can take, frozen exactly as the sampler draws it."""
    if isinstance(param, ChoiceParam):
        return [freeze(choice) for choice in param.choices]
    if isinstance(param, SampleParam):
        return [tuple(items) for items in itertools.permutations([freeze(i) for i in param.items], param.k)]
    if isinstance(param, IntParam):
        elements = list(range(param.min, param.max + 1, param.step))
    else:
        scale, low = 10**param.decimals, round(param.min * 10**param.decimals)
        count = round((param.max - param.min) * scale) + 1
        if not param.shape:
            return [round((low + i) / scale, param.decimals) for i in range(count)]
        elements = np.round((low + np.arange(count)) / scale, param.decimals).tolist()  # as the array drawer
    if not param.shape:
        return elements
    return [_nest(list(combo), param.shape) for combo in itertools.product(elements, repeat=math.prod(param.shape))]


def failed_constraints(question: Question, values: Mapping[str, Any]) -> frozenset[int]:
    """Indices of the constraints these values violate (an expression that fails counts as violated)."""
    failed = []
    for index, check in enumerate(draw_plan(question).checks):
        try:
            ok = check(values)
        except ExpressionError:
            ok = False
        if not ok:
            failed.append(index)
    return frozenset(failed)


# Plain memoization of a pure function of the question and the givens (check/coverage.py asks up to 3 times a
# question): removing it with the other candidates of issue #13 made `qbank check` 13-18% slower (not separated).
_CACHE: dict[tuple[str, str, str], Enumeration | None] = {}


def enumerate_space(question: Question, given: Mapping[str, Any] | None = None) -> Enumeration | None:
    """Walk every assignment of the drawn parameters (None: more than MAX_ENUMERATED of them)."""
    key = (question.file, question.digest, repr(sorted(given.items())) if given else "")
    if key not in _CACHE:
        _CACHE[key] = _walk(question, given) if space_size(question, given) <= MAX_ENUMERATED else None
    return _CACHE[key]


def _walk(question: Question, given: Mapping[str, Any] | None) -> Enumeration:
    """Every assignment: the constraints it fails, and for satisfying ones the values of scalar parameters."""
    params = question.spec.params
    steps = draw_plan(question).steps
    lists = []
    for name, drawn, shared, _ in steps:
        if drawn:
            lists.append([given[name]] if given is not None and shared and name in given else _values(params[name]))
    scalars = [n for n, p in params.items() if isinstance(p, IntParam | ChoiceParam) and not getattr(p, "shape", 0)]
    result = Enumeration(math.prod(len(values) for values in lists))
    result.reachable = {name: Counter() for name in scalars}
    for combo in itertools.product(*lists):
        picks = iter(combo)
        values: dict[str, Any] = {}
        try:
            for name, drawn, _, compute in steps:
                values[name] = next(picks) if drawn else compute(values, None)
        except DrawError:
            result.broken += 1
            continue
        failed = failed_constraints(question, values)
        result.failing[failed] += 1
        if not failed:
            for name in scalars:
                result.reachable[name][repr(values[name])] += 1
    return result
