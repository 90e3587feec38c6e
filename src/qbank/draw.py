"""Draw stage: seeded parameters per (exam seed, paper id, question id), with constraints."""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

import numpy as np

from .errors import LocatedError
from .expr import Expression, ExpressionError
from .models import ChoiceParam, DerivedParam, FixedParam, FloatParam, IntParam, SampleParam
from .validate import Question

MAX_ATTEMPTS = 1000
SEED_SCHEME = "qbank/v1"


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


def stream_seed(exam_seed: int, paper_id: str, question_id: str) -> int:
    """A 128-bit seed from sha256 of (scheme, exam seed, paper id, question id); stable across processes."""
    text = "\x1f".join((SEED_SCHEME, str(int(exam_seed)), paper_id, question_id))
    return int.from_bytes(hashlib.sha256(text.encode("utf-8")).digest()[:16], "big")


def generator(seed: int) -> np.random.Generator:
    """numpy's PCG64 bit generator seeded with `seed` (pinned, never the global RNG)."""
    return np.random.Generator(np.random.PCG64(seed))


_PLAIN = frozenset({int, float, str, bool, type(None)})  # exact types: returned as they are, without ABC checks


def freeze(value: Any) -> Any:
    """Deep-convert lists to tuples and dicts to read-only mappings; numpy scalars to Python."""
    if type(value) in _PLAIN:
        return value
    if isinstance(value, Mapping):
        return MappingProxyType({k: freeze(v) for k, v in value.items()})
    if isinstance(value, list | tuple):
        return tuple(freeze(v) for v in value)
    if isinstance(value, np.ndarray):
        return freeze(value.tolist())
    if isinstance(value, np.generic):
        return value.item()
    return value


def thaw(value: Any) -> Any:
    """Deep-convert frozen values back to plain lists and dicts (for JSON)."""
    if type(value) in _PLAIN:
        return value
    if isinstance(value, Mapping):
        return {k: thaw(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [thaw(v) for v in value]
    return value


def _draw_one(param: Any, rng: np.random.Generator) -> Any:
    """Draw one random parameter value (scalars stay plain Python numbers)."""
    if isinstance(param, IntParam):
        count = (param.max - param.min) // param.step + 1
        if not param.shape:
            return param.min + int(rng.integers(0, count)) * param.step
        picks = rng.integers(0, count, size=param.shape, dtype=np.int64)
        return freeze((param.min + picks * param.step).tolist())
    if isinstance(param, FloatParam):
        scale = 10**param.decimals
        low, count = round(param.min * scale), round((param.max - param.min) * scale) + 1
        if not param.shape:
            return round((low + int(rng.integers(0, count))) / scale, param.decimals)
        picks = rng.integers(0, count, size=param.shape, dtype=np.int64)
        return freeze(np.round((low + picks) / scale, param.decimals).tolist())
    if isinstance(param, ChoiceParam):
        return freeze(param.choices[int(rng.integers(0, len(param.choices)))])
    if isinstance(param, SampleParam):
        picks = rng.choice(len(param.items), size=param.k, replace=False)
        return freeze([param.items[int(i)] for i in picks])
    raise TypeError(f"not a random parameter: {param!r}")


def _complete(
    question: Question, values: dict[str, Any], rng: np.random.Generator | None, given: Mapping[str, Any] | None = None
) -> None:
    """Fill in parameters in declaration order: draw random ones (if rng), compute fixed and derived.

    A `shared` parameter takes its value from `given` (a shared scenario) instead of being drawn.
    """
    for name, param in question.spec.params.items():
        if isinstance(param, FixedParam):
            values[name] = freeze(param.value)
        elif isinstance(param, DerivedParam):
            values[name] = _derive(question, name, values)
        elif given is not None and param.shared and name in given:
            values[name] = given[name]
        elif rng is not None:
            values[name] = _draw_one(param, rng)


def _derive(question: Question, name: str, values: dict[str, Any]) -> Any:
    """Compute one derived parameter from the ones before it."""
    rule = question.derived[name]
    path = f"params.{name}"
    line = question.document.line(("params", name))
    if isinstance(rule, Expression):
        try:
            return freeze(rule(values))
        except ExpressionError as exc:
            raise DrawError(question, line, path, f"{rule.source!r} failed: {exc}") from None
    try:
        return freeze(rule.function(MappingProxyType(dict(values))))
    except Exception as exc:
        raise DrawError(question, line, path, f"function {rule.name!r} raised {type(exc).__name__}: {exc}") from None


def _first_failure(question: Question, values: Mapping[str, Any]) -> int | None:
    """Index of the first constraint the values violate, or None."""
    for index, constraint in enumerate(question.constraints):
        try:
            ok = constraint.expression(values)
        except ExpressionError as exc:
            raise DrawError(question, constraint.line, f"constraints[{index}]",
                            f"{constraint.source!r} failed: {exc}") from None  # fmt: skip
        if not ok:
            return index
    return None


def draw_params(
    question: Question,
    exam_seed: int,
    paper_id: str,
    max_attempts: int = MAX_ATTEMPTS,
    *,
    given: Mapping[str, Any] | None = None,
    stream: str | None = None,
) -> Draw:
    """Draw parameters that satisfy every constraint, or raise DrawError naming the worst constraint.

    `given` supplies the values of shared parameters (a scenario); `stream` names the random stream
    when it is not the question id (scenarios use `scenario:<name>`).
    """
    seed = stream_seed(exam_seed, paper_id, stream or question.id)
    rng = generator(seed)
    rejected: Counter[int] = Counter()
    for attempt in range(1, max_attempts + 1):
        values: dict[str, Any] = {}
        _complete(question, values, rng, given)
        failed = _first_failure(question, values)
        if failed is None:
            return Draw(MappingProxyType(values), seed, attempt)
        rejected[failed] += 1
    index, count = rejected.most_common(1)[0]
    constraint = question.constraints[index]
    raise DrawError(
        question, constraint.line, f"constraints[{index}]",
        f"unsatisfiable: {constraint.message!r} rejected {count} of {max_attempts} draws "
        f"({100 * count / max_attempts:.1f}%) for seed {exam_seed}, paper {paper_id!r}"
        + (f", with the shared scenario values {json.dumps(thaw(given), sort_keys=True)}" if given else ""),
    )  # fmt: skip


def canonical_params(question: Question) -> Draw:
    """The question's canonical parameters (plus fixed and derived ones), checked against the constraints."""
    if question.spec.canonical is None:
        raise DrawError(question, question.document.line(()), "canonical", "this question has no canonical values")
    values = {name: freeze(value) for name, value in question.spec.canonical.items()}
    ordered: dict[str, Any] = {}
    for name, param in question.spec.params.items():
        if isinstance(param, FixedParam | DerivedParam):
            ordered[name] = freeze(param.value) if isinstance(param, FixedParam) else _derive(question, name, ordered)
        else:
            ordered[name] = values[name]
    failed = _first_failure(question, ordered)
    if failed is not None:
        constraint = question.constraints[failed]
        raise DrawError(question, question.document.line(("canonical",)), "canonical",
                        f"canonical values violate constraint {constraint.message!r}")  # fmt: skip
    return Draw(MappingProxyType(ordered), 0, 1)
