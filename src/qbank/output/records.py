"""Paper records: what a manifest holds about one paper (who it is for, its seeds, and per question the inputs,
parameters and answers), typed, and serialised to the manifest's JSON."""

from __future__ import annotations

import hashlib
import inspect
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from qbank.draw.params import thaw
from qbank.render.paper import SolvedPaper, SolvedPart
from qbank.solve.variant import mistakes_json
from qbank.spec.validate import Question


@dataclass(frozen=True)
class QuestionRecord:
    """One question of a paper: where it sits, its inputs' digests, its draw, answers and declarations."""

    number: int
    part: str
    id: str
    question: str
    marks: float
    file: str
    path: str
    spec_sha256: str
    solver: str | None
    solver_sha256: str | None
    paper: str
    scenario: str | None
    stream_seed: str
    params: Mapping[str, Any]
    answers: Mapping[str, Any]
    answers_formatted: Mapping[str, str]
    answer_specs: Mapping[str, Mapping[str, Any]]
    choices: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)  # answers asked as multiple choice
    misconceptions: Mapping[str, list[dict[str, Any]]] = field(default_factory=dict)  # their values, per answer

    def to_json(self) -> dict[str, Any]:
        """The record as manifest JSON (`choices` and `misconceptions` only when the question has them)."""
        data = {
            "number": self.number, "part": self.part, "id": self.id, "question": self.question, "marks": self.marks,
            "file": self.file, "path": self.path, "spec_sha256": self.spec_sha256, "solver": self.solver,
            "solver_sha256": self.solver_sha256, "paper": self.paper, "scenario": self.scenario,
            "stream_seed": self.stream_seed, "params": self.params, "answers": self.answers,
            "answers_formatted": dict(self.answers_formatted),
            "answer_specs": {name: dict(spec) for name, spec in self.answer_specs.items()},
        }  # fmt: skip
        if self.choices:
            data["choices"] = {name: dict(choice) for name, choice in self.choices.items()}
        if self.misconceptions:
            data["misconceptions"] = dict(self.misconceptions)
        return data


@dataclass(frozen=True)
class ScenarioRecord:
    """A drawn scenario: its stream seed and parameters."""

    stream_seed: str
    params: Mapping[str, Any]


@dataclass(frozen=True)
class PaperRecord:
    """Everything that made one paper: who it is for, its layout and scenario seeds, and its questions."""

    paper_id: str
    student: Mapping[str, str] | None
    seed: int
    canonical: bool
    streams: Mapping[str, str]
    scenarios: Mapping[str, ScenarioRecord]
    questions: tuple[QuestionRecord, ...]

    def to_json(self) -> dict[str, Any]:
        """The record as manifest JSON."""
        return {
            "paper_id": self.paper_id,
            "student": dict(self.student) if self.student is not None else None,
            "seed": self.seed,
            "canonical": self.canonical,
            "streams": dict(self.streams),
            "scenarios": {
                name: {"stream_seed": s.stream_seed, "params": s.params} for name, s in self.scenarios.items()
            },
            "questions": [question.to_json() for question in self.questions],
        }


def solver_digest(question: Question) -> str | None:
    """SHA-256 of the solver function's source text (None for questions without a solver)."""
    if question.solver is None:
        return None
    try:
        source = inspect.getsource(question.solver.function)
    except (OSError, TypeError):
        source = question.solver.where
    return hashlib.sha256(source.encode("utf-8")).hexdigest()


def answer_spec(spec: Any) -> dict[str, Any]:
    """An answer declaration as JSON (format, rounding, tolerance), enough to grade without the bank."""
    return spec.model_dump(mode="json", exclude_none=True)


def question_record(solved: SolvedPart) -> QuestionRecord:
    """The record of one solved part."""
    question = solved.part.question
    formatted = {**solved.formatted, **{name: choice.key for name, choice in solved.choices.items()}}
    return QuestionRecord(
        number=solved.item.number, part=solved.part.label, id=solved.part.key, question=question.id,
        marks=solved.part.marks, file=question.file, path=str(Path(question.file).resolve()),
        spec_sha256=question.digest, solver=question.spec.solver, solver_sha256=solver_digest(question),
        paper=solved.variant.paper_id, scenario=solved.part.scenario,
        stream_seed=f"{solved.variant.stream_seed:032x}", params=thaw(solved.variant.params),
        answers=thaw(solved.variant.answers), answers_formatted=formatted,
        answer_specs={name: answer_spec(question.spec.answers[name]) for name in solved.graded},
        choices={name: choice.to_json() for name, choice in solved.choices.items()},
        misconceptions=mistakes_json(solved.variant.mistakes),
    )  # fmt: skip


def paper_record(paper: SolvedPaper, student: Mapping[str, str] | None = None) -> PaperRecord:
    """The record of one solved paper (for `student`, when it is one student's or form's)."""
    return PaperRecord(
        paper_id=paper.paper_id,
        student=dict(student) if student else None,
        seed=paper.seed,
        canonical=paper.canonical,
        streams={name: f"{seed:032x}" for name, seed in sorted(paper.streams.items())},
        scenarios={
            name: ScenarioRecord(f"{draw.stream_seed:032x}", thaw(draw.params))
            for name, draw in sorted(paper.scenarios.items())
        },
        questions=tuple(question_record(solved) for solved in paper.parts),
    )
