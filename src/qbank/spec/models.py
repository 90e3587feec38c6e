"""Typed, immutable spec objects for questions and answers (validated by pydantic)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, WithJsonSchema

from qbank.core.limits import MAX_ATTEMPTS_CAP, MAX_CHOICE_OPTIONS, MAX_SHAPE_DIMS

QUESTION_ID = r"^[a-z0-9][a-z0-9-]*(/[a-z0-9][a-z0-9-]*)*$"
NAME = r"^[A-Za-z_][A-Za-z0-9_]*$"
REGISTERED = r"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$"

Name = Annotated[str, StringConstraints(pattern=NAME)]
Registered = Annotated[str, StringConstraints(pattern=REGISTERED)]

Shape = Annotated[list[Annotated[int, Field(ge=1)]], Field(min_length=1, max_length=MAX_SHAPE_DIMS)]


class Strict(BaseModel):
    """Base: unknown keys rejected, no silent coercion, immutable."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)


class IntParam(Strict):
    """Integer drawn uniformly from min..max on a grid of `step` (optionally an array of them)."""

    type: Literal["int"]
    min: int
    max: int
    step: Annotated[int, Field(ge=1)] = 1
    shape: Shape | None = None
    shared: bool = False
    unreachable: list[int] = []  # values the constraints exclude on purpose (not a failure of `qbank check`)


class FloatParam(Strict):
    """Float drawn uniformly from the 10^-decimals grid between min and max."""

    type: Literal["float"]
    min: float
    max: float
    decimals: Annotated[int, Field(ge=0, le=10)] = 2
    shape: Shape | None = None
    shared: bool = False


class ChoiceParam(Strict):
    """One item drawn uniformly from a non-empty list."""

    type: Literal["choice"]
    choices: Annotated[list[Any], Field(min_length=1)]
    shared: bool = False
    unreachable: list[Any] = []  # choices the constraints exclude on purpose (not a failure of `qbank check`)


class SampleParam(Strict):
    """k distinct items drawn from a list, in drawn order."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True, populate_by_name=True)
    type: Literal["sample"]
    items: Annotated[list[Any], Field(min_length=1, alias="from")]
    k: Annotated[int, Field(ge=1)]
    shared: bool = False


class FixedParam(Strict):
    """A constant value."""

    type: Literal["fixed"]
    value: Any


class DerivedParam(Strict):
    """A value computed from earlier parameters by a safe expression or a registered function."""

    type: Literal["derived"]
    expr: str | None = None
    function: Registered | None = None


ParamSpec = Annotated[
    IntParam | FloatParam | ChoiceParam | SampleParam | FixedParam | DerivedParam, Field(discriminator="type")
]
RANDOM_KINDS = (IntParam, FloatParam, ChoiceParam, SampleParam)


class Constraint(Strict):
    """A condition every drawn variant must satisfy."""

    expr: str
    message: str | None = None


class Tolerance(Strict):
    """How close a given answer must be: exactly one of abs, rel or sig."""

    abs: Annotated[float, Field(ge=0)] | None = None
    rel: Annotated[float, Field(ge=0)] | None = None
    sig: Annotated[int, Field(ge=1, le=15)] | None = None


AnswerFormat = Literal["int", "fixed", "sig", "vector", "matrix", "text", "choice", "multi"]
Scoring = Literal["per-option", "all-or-nothing"]


class OptionSpec(Strict):
    """One written option of a `choice` or `multi` answer: its text, whether it is correct, and (for a wrong
    one) the mistake that leads a student to it."""

    text: Annotated[str, Field(min_length=1)]
    correct: bool = False
    why: Annotated[str, Field(min_length=1)] | None = None


class ChoiceSettings(Strict):
    """How a numeric answer is asked as multiple choice: how many options, how far apart, and the declared
    fallback perturbations that may fill up to `count`."""

    count: Annotated[int, Field(ge=2, le=MAX_CHOICE_OPTIONS)] | None = None
    min_gap: Annotated[float, Field(ge=0, lt=1)] | None = None
    fill: Annotated[list[Annotated[str, Field(min_length=1)]], Field(min_length=1)] | None = None


class AnswerSpec(Strict):
    """A named answer: label, unit, display format and grading tolerance; its misconceptions and, asked as
    multiple choice, its options."""

    label: Annotated[str, Field(min_length=1)]
    format: AnswerFormat
    decimals: Annotated[int, Field(ge=0, le=10)] | None = None
    sig: Annotated[int, Field(ge=1, le=15)] | None = None
    unit: str = ""
    tolerance: Tolerance | None = None
    # grading: numbers may be typed as percentages (50.7% for 0.507); text keys may have synonyms
    percent: bool | None = None
    accept: dict[Annotated[str, Field(min_length=1)], list[Annotated[str, Field(min_length=1)]]] | None = None
    # the named mistakes whose values diagnose wrong answers and make the distractors of a choice
    misconceptions: Annotated[list[Registered], Field(min_length=1)] | None = None
    choices: ChoiceSettings | None = None
    # written options of a `choice` (exactly one correct) or `multi` (select all that apply) answer
    options: Annotated[list[OptionSpec], Field(min_length=2, max_length=MAX_CHOICE_OPTIONS)] | None = None
    scoring: Scoring | None = None
    # an intermediate result the text does not ask for by itself: `ask: choice` leaves it unasked without a note
    breakdown: bool = False


STEP_KINDS = ("number", "int", "text", "bool", "vector", "matrix", "list", "mapping", "any")
_STEP_KIND_SCHEMA = {"type": "string", "pattern": rf"^({'|'.join(STEP_KINDS)})( or null)?$"}

# one entry of `steps:` (checked by qbank.spec.steps_decl, which gives located messages for bad entries)
StepDeclaration = Annotated[
    Any,
    WithJsonSchema(
        {
            "anyOf": [_STEP_KIND_SCHEMA, {"type": "object"}],
            "description": "a kind (number, int, text, bool, vector, matrix, list, mapping, any; `KIND or null` "
            "allows null), {list: ITEM}, or a mapping of named keys",
        }
    ),
]


class RubricItem(Strict):
    """One element of a marking scheme."""

    points: Annotated[float, Field(gt=0)]
    text: Annotated[str, Field(min_length=1)]


class QuestionSpec(Strict):
    """A validated question: everything needed to draw, solve and render its variants."""

    id: Annotated[str, StringConstraints(pattern=QUESTION_ID)]
    title: Annotated[str, Field(min_length=1)]
    topics: list[Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]*$")]] = []
    difficulty: Literal["easy", "medium", "hard"] = "medium"
    marks: Annotated[float, Field(gt=0)]
    solver: Registered | None = None
    figure: Registered | None = None
    answer_space: Annotated[int, Field(ge=0, le=60)] | None = None
    params: dict[Name, ParamSpec] = {}
    constraints: list[Constraint | str] = []
    distinct: list[Constraint | str] = []  # lists (over params and answers) whose items must differ
    max_attempts: Annotated[int, Field(ge=1, le=MAX_ATTEMPTS_CAP)] = 1000  # draws per variant before giving up
    min_distinct: Annotated[int, Field(ge=1)] | None = None  # fewest distinct variants (default 2 if drawn)
    canonical: dict[Name, Any] | None = None
    text: Annotated[str, Field(min_length=1)]
    solution: str = ""
    answers: dict[Name, AnswerSpec] = {}
    steps: dict[Name, StepDeclaration] | None = None  # the worked steps the solver returns and templates read
    rubric: list[RubricItem] = []
