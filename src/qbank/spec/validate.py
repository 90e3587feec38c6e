"""Validate stage: turn a loaded YAML document into a checked, compiled `Question`.

Only what the document itself says is checked here; what needs drawing, typesetting or the template language
(satisfiable constraints, label math, template names and `steps` reads) is `qbank.preflight`'s, run for the
questions about to be used.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import NamedTuple

from pydantic import ValidationError

from qbank.core.errors import Problem
from qbank.expressions.expression import Expression, ExpressionError, compile_expression
from qbank.spec.answer_decl import check_answers
from qbank.spec.choice_decl import WRITTEN_FORMATS, check_choices
from qbank.spec.load import Document
from qbank.spec.models import (
    RANDOM_KINDS,
    AnswerSpec,
    ChoiceParam,
    Constraint,
    DerivedParam,
    FixedParam,
    FloatParam,
    IntParam,
    QuestionSpec,
    SampleParam,
)
from qbank.spec.param_values import check_float_range, check_int_range, check_shape
from qbank.spec.registry import Entry, Registries
from qbank.spec.schema_errors import pydantic_problems
from qbank.spec.steps_decl import Record, parse_steps


@dataclass(frozen=True)
class CheckedConstraint:
    """A compiled constraint with its source line."""

    source: str
    message: str
    expression: Expression
    line: int


@dataclass(frozen=True)
class Question:
    """A validated question with compiled expressions and resolved registry entries."""

    spec: QuestionSpec
    file: str
    digest: str
    constraints: tuple[CheckedConstraint, ...]
    derived: dict[str, Expression | Entry]
    solver: Entry | None
    figure: Entry | None
    document: Document
    distinct: tuple[CheckedConstraint, ...] = ()
    steps: Record | None = None  # the parsed `steps:` declaration, when the question has one
    mistakes: Mapping[str, tuple[Entry, ...]] = field(default_factory=dict)  # per answer, its misconceptions
    fills: Mapping[str, tuple[Expression, ...]] = field(default_factory=dict)  # per answer, `choices.fill`

    @property
    def id(self) -> str:
        """The question id."""
        return self.spec.id

    @property
    def solved_answers(self) -> Mapping[str, AnswerSpec]:
        """The answers the solver returns: all but the written `choice` and `multi` ones (their options say)."""
        answers = self.spec.answers
        if all(spec.format not in WRITTEN_FORMATS for spec in answers.values()):
            return answers
        return {name: spec for name, spec in answers.items() if spec.format not in WRITTEN_FORMATS}


class Draft(NamedTuple):
    """A question file whose keys parsed but that failed a cross-field check: what preflight can still check in it
    (template names and `steps` reads, label math), so that every problem of a bank is reported at once."""

    spec: QuestionSpec
    document: Document
    steps: Record | None = None


def draft_of(document: Document) -> Draft | None:
    """The Draft of a question document whose keys parse (None if they do not)."""
    if not isinstance(document.data, dict):
        return None
    try:
        spec = QuestionSpec.model_validate(document.data)
    except ValidationError:
        return None
    return Draft(spec, document, parse_steps(spec.steps, document, []))  # its problems are reported already


def validate_question(document: Document, file_bytes: bytes, registries: Registries) -> Question | list[Problem]:
    """Validate one question document; return the Question or every problem found."""
    if not isinstance(document.data, dict):
        return [document.problem((), "a question file must be a mapping of keys")]
    try:
        spec = QuestionSpec.model_validate(document.data)
    except ValidationError as exc:
        return pydantic_problems(exc, document)
    problems: list[Problem] = []
    derived = _check_params(spec, document, problems, registries)
    constraints = _check_constraints(spec, document, problems)
    distinct = _check_distinct(spec, document, problems)
    _check_canonical(spec, document, problems)
    check_answers(spec, document, problems)
    _check_rubric(spec, document, problems)
    mistakes, fills = check_choices(spec, document, problems, registries)
    solver = _lookup(registries.solvers, spec.solver, ("solver",), document, problems)
    if any(answer.format not in WRITTEN_FORMATS for answer in spec.answers.values()) and spec.solver is None:
        problems.append(document.problem(("solver",), "required when the question declares answers (other than "
                                         "written choice and multi answers)"))  # fmt: skip
    figure = _lookup(registries.figures, spec.figure, ("figure",), document, problems)
    steps = parse_steps(spec.steps, document, problems)
    if spec.steps is not None and spec.solver is None:
        problems.append(document.problem(("steps",), "declared steps need a `solver` to return them"))
    if problems:
        return problems
    digest = hashlib.sha256(file_bytes).hexdigest()
    return Question(spec, document.file, digest, constraints, derived, solver, figure, document, distinct, steps,
                    mistakes, fills)  # fmt: skip


def _lookup(registry, name, path, document, problems) -> Entry | None:
    """Resolve a registered name, or record a problem listing what is registered."""
    if name is None:
        return None
    entry = registry.get(name)
    if entry is None:
        known = ", ".join(registry.names()) or "none"
        problems.append(document.problem(path, f"unknown {registry.kind} {name!r} (registered: {known})"))
    return entry


def _check_params(
    spec: QuestionSpec, doc: Document, problems: list[Problem], registries: Registries
) -> dict[str, Expression | Entry]:
    """Cross-field checks for parameters; compile derived expressions."""
    derived: dict[str, Expression | Entry] = {}
    seen: set[str] = set()
    for name, param in spec.params.items():
        where = ("params", name)
        if isinstance(param, IntParam | FloatParam) and param.min > param.max:
            problems.append(doc.problem((*where, "max"), f"{param.max} is below min {param.min}"))
        elif isinstance(param, IntParam):
            check_int_range(param, where, doc, problems)
        elif isinstance(param, FloatParam):
            check_float_range(param, where, doc, problems)
        elif isinstance(param, SampleParam):
            if param.k > len(param.items):
                problems.append(doc.problem((*where, "k"), f"k={param.k} exceeds the {len(param.items)} items"))
            if len({repr(i) for i in param.items}) != len(param.items):
                problems.append(doc.problem((*where, "from"), "items must be distinct"))
        elif isinstance(param, DerivedParam):
            _check_derived(name, param, seen, doc, problems, derived, registries)
        if isinstance(param, IntParam | ChoiceParam) and param.unreachable:
            _check_unreachable(name, param, doc, problems)
        if isinstance(param, IntParam | FloatParam):
            check_shape(param, where, doc, problems)
        seen.add(name)
    return derived


def _check_unreachable(name: str, param: IntParam | ChoiceParam, doc: Document, problems: list[Problem]) -> None:
    """Values declared unreachable must be values the scalar parameter can take."""
    where = ("params", name, "unreachable")
    if isinstance(param, IntParam) and param.shape:
        problems.append(doc.problem(where, "only a scalar parameter (no `shape`) can declare unreachable values"))
        return
    for index, value in enumerate(param.unreachable):
        if isinstance(param, IntParam):
            possible = param.min <= value <= param.max and (value - param.min) % param.step == 0
        else:
            possible = any(type(value) is type(choice) and value == choice for choice in param.choices)
        if not possible:
            problems.append(doc.problem((*where, index), f"{value!r} is not a value this parameter can take"))


def _check_derived(name, param, seen, doc, problems, derived, registries) -> None:
    """A derived parameter needs exactly one of expr/function, reading only earlier parameters."""
    where = ("params", name)
    if (param.expr is None) == (param.function is None):
        problems.append(doc.problem(where, "a derived parameter needs exactly one of `expr` or `function`"))
        return
    if param.function is not None:
        entry = _lookup(registries.param_functions, param.function, (*where, "function"), doc, problems)
        if entry is not None:
            derived[name] = entry
        return
    try:
        expression = compile_expression(param.expr)
    except ExpressionError as exc:
        problems.append(doc.problem((*where, "expr"), f"{param.expr!r}: {exc}"))
        return
    unknown = sorted(expression.names - seen)
    if unknown:
        problems.append(doc.problem((*where, "expr"), f"uses {', '.join(unknown)}, not defined above it"))
    derived[name] = expression


def _compile_entries(
    key: str, items: list[Constraint | str], doc: Document, problems: list[Problem]
) -> list[tuple[Constraint, tuple[str | int, ...], Expression]]:
    """Compile a list of expressions (strings or `{expr, message}`), recording syntax problems."""
    compiled = []
    for index, item in enumerate(items):
        entry = item if isinstance(item, Constraint) else Constraint(expr=item)
        path = (key, index) if isinstance(item, str) else (key, index, "expr")
        try:
            compiled.append((entry, path, compile_expression(entry.expr)))
        except ExpressionError as exc:
            problems.append(doc.problem(path, f"{entry.expr!r}: {exc}"))
    return compiled


def _checked(
    entry: Constraint, path: tuple[str | int, ...], expression: Expression, doc: Document
) -> CheckedConstraint:
    """A compiled entry with its message (the expression itself when none is given) and line."""
    return CheckedConstraint(entry.expr, entry.message or entry.expr, expression, doc.line(path))


def _check_constraints(spec: QuestionSpec, doc: Document, problems: list[Problem]) -> tuple[CheckedConstraint, ...]:
    """Compile constraints; every name must be a parameter."""
    compiled = []
    for entry, path, expression in _compile_entries("constraints", spec.constraints, doc, problems):
        unknown = sorted(expression.names - set(spec.params))
        if unknown:
            problems.append(doc.problem(path, f"uses unknown parameter(s) {', '.join(unknown)}"))
            continue
        compiled.append(_checked(entry, path, expression, doc))
    return tuple(compiled)


def _check_distinct(spec: QuestionSpec, doc: Document, problems: list[Problem]) -> tuple[CheckedConstraint, ...]:
    """Compile `distinct` lists: expressions over parameters and answers whose items `qbank check` compares."""
    compiled = []
    for entry, path, expression in _compile_entries("distinct", spec.distinct, doc, problems):
        unknown = sorted(expression.names - set(spec.params) - set(spec.answers))
        ambiguous = sorted(expression.names & set(spec.params) & set(spec.answers))
        if unknown or ambiguous:
            why = f"uses unknown name(s) {', '.join(unknown)}" if unknown else "is both a parameter and an answer"
            problems.append(doc.problem(path, why if unknown else f"{', '.join(ambiguous)} {why}"))
            continue
        compiled.append(_checked(entry, path, expression, doc))
    return tuple(compiled)


def _check_canonical(spec: QuestionSpec, doc: Document, problems: list[Problem]) -> None:
    """Canonical values must cover exactly the randomly drawn parameters."""
    if spec.canonical is None:
        return
    drawn = {n for n, p in spec.params.items() if isinstance(p, RANDOM_KINDS)}
    for name in spec.canonical:
        if name not in spec.params:
            problems.append(doc.problem(("canonical", name), "not a parameter of this question"))
        elif isinstance(spec.params[name], DerivedParam | FixedParam):
            problems.append(doc.problem(("canonical", name), "derived and fixed parameters are computed, not given"))
    for name in sorted(drawn - set(spec.canonical)):
        problems.append(doc.problem(("canonical",), f"missing a value for parameter {name!r}"))


def _check_rubric(spec: QuestionSpec, doc: Document, problems: list[Problem]) -> None:
    """Rubric points add up to the marks."""
    if spec.rubric:
        total = sum(item.points for item in spec.rubric)
        if not math.isclose(total, spec.marks):
            problems.append(doc.problem(("rubric",), f"points add up to {total:g}, but marks is {spec.marks:g}"))
