"""Scenario trial draws: each scenario of an exam can be drawn, and what it draws fits every question bound to it."""

from __future__ import annotations

from qbank.core.errors import Problem
from qbank.draw.params import DrawError, draw_params
from qbank.preflight.draws import VALIDATION_PAPER
from qbank.spec.exam import Exam
from qbank.spec.load import Document, KeyPath
from qbank.spec.scenario import given_problems, prefixed, stream_name
from qbank.spec.validate import Question

SAMPLED_SEEDS = 20  # scenario draws checked against every bound question's declarations


def scenario_problems(exam: Exam) -> list[Problem]:
    """Every scenario that no draw satisfies, then every binding whose sampled scenario values the question
    refuses (or with which the question cannot be drawn), located in the exam file."""
    doc = Document(exam.file, None, dict(exam.lines))
    problems: list[Problem] = []
    drawable: set[str] = set()
    for name, scenario in exam.scenarios.items():
        try:
            draw_params(scenario, 0, VALIDATION_PAPER, stream=stream_name(name))
        except DrawError as exc:
            problems.append(prefixed(exc.problem(), ("scenarios", name)))
        else:
            drawable.add(name)
    for part, path in exam.bindings:
        if part.scenario in drawable:
            scenario = exam.scenarios[part.scenario]
            problems.extend(sampled_problems(part.question, part.scenario, scenario, doc, path))
    return problems


def sampled_problems(question: Question, name: str, scenario: Question, doc: Document, path: KeyPath) -> list[Problem]:
    """Draw the scenario for SAMPLED_SEEDS seeds: each value must fit the question's declaration, and the question
    must be drawable with the first."""
    try:
        for seed in range(SAMPLED_SEEDS):
            values = draw_params(scenario, seed, VALIDATION_PAPER, stream=stream_name(name)).params
            outside = given_problems(question, name, values, f"seed {seed}")
            if outside:
                return [doc.problem(path, problem.message) for problem in outside]
            if seed == 0:
                draw_params(question, 0, VALIDATION_PAPER, given=values)
    except DrawError as exc:
        return [exc.problem()]
    return []
