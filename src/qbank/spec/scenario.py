"""Shared scenarios: a block of parameters drawn once per paper and read by several questions.

An exam declares `scenarios: {NAME: {params, constraints}}`; a question placed with `scenario: NAME` reads
the scenario's values for each of its parameters marked `shared: true`, and draws the others itself. Here the
scenarios and bindings are checked as written; `qbank.preflight.scenarios` draws them, `qbank.draw.scenarios`
draws them per paper.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from types import MappingProxyType
from typing import Any, Protocol

from qbank.core.errors import Problem, join_path
from qbank.spec.load import Document, KeyPath
from qbank.spec.param_domain import declared_values, rejection
from qbank.spec.registry import Registries
from qbank.spec.validate import Question, validate_question

SCENARIO_KEYS = ("params", "constraints")


class BoundPart(Protocol):
    """A part of an exam bound to a scenario (exam.Part)."""

    question: Question
    scenario: str | None


def stream_name(name: str) -> str:
    """The random stream of a scenario: one generator per (exam seed, paper id, scenario name)."""
    return f"scenario:{name}"


def shared_names(question: Question) -> set[str]:
    """The parameters a question declares `shared: true` (read from a scenario when bound to one)."""
    return {name for name, param in question.spec.params.items() if getattr(param, "shared", False)}


def compile_scenarios(
    raw: Mapping[str, Any],
    bindings: Iterable[tuple[BoundPart, KeyPath]],
    registries: Registries,
    doc: Document,
    unresolved: Iterable[str] = (),
) -> tuple[Mapping[str, Question], list[tuple[BoundPart, KeyPath]], list[Problem]]:
    """Validate every scenario and every binding of a question to one: the scenarios that validate, the bindings
    found sound and every problem, located (a scenario named by a part that did not resolve, `unresolved`, is not
    reported as read by no question)."""
    problems: list[Problem] = []
    sound: list[tuple[BoundPart, KeyPath]] = []
    compiled: dict[str, Question] = {}
    for name, data in raw.items():
        result = _compile(name, data, registries, doc)
        if isinstance(result, list):
            problems.extend(result)
        else:
            compiled[name] = result
    used: set[str] = set(unresolved)
    for part, path in bindings:
        name = part.scenario or ""
        used.add(name)
        if name not in raw:
            known = ", ".join(sorted(raw)) or "none"
            problems.append(doc.problem(path, f"no scenario {name!r} in this exam (defined: {known})"))
        elif name in compiled:
            found = _binding_problems(part.question, name, compiled[name], doc, path)
            problems.extend(found)
            if not found:
                sound.append((part, path))
    for name in raw:
        if name not in used:
            problems.append(doc.problem(("scenarios", name), "no question reads this scenario"))
    return MappingProxyType(compiled), sound, problems


def _compile(name: str, data: Any, registries: Registries, doc: Document) -> Question | list[Problem]:
    """A scenario as a parameter-only question (validated like one)."""
    prefix = ("scenarios", name)
    if not isinstance(data, dict):
        return [doc.problem(prefix, "a scenario is a mapping with `params` (and optional `constraints`)")]
    problems = [doc.problem((*prefix, key), "unknown key") for key in data if key not in SCENARIO_KEYS]
    if not data.get("params"):
        problems.append(doc.problem(prefix, "a scenario needs `params` with at least one parameter"))
    if problems:
        return problems
    synthetic = {"id": "scenario", "title": name, "marks": 1, "text": "-", **data}
    digest_source = json.dumps(data, sort_keys=True, default=str).encode("utf-8")
    result = validate_question(doc.subdocument(prefix, synthetic), digest_source, registries)
    if isinstance(result, list):
        return [prefixed(problem, prefix) for problem in result]
    return result


def prefixed(problem: Problem, prefix: KeyPath) -> Problem:
    """A problem found in a scenario, with the key path written from the top of the exam file."""
    return Problem(problem.file, problem.line, join_path(*prefix, problem.path), problem.message)


def _binding_problems(question: Question, name: str, scenario: Question, doc: Document, path: KeyPath) -> list[Problem]:
    """A bound question must declare (`shared: true`) every scenario name it reads, read at least one, and accept
    every value the scenario declares for it."""
    provided = set(scenario.spec.params)
    shared = shared_names(question)
    problems = []
    for param in sorted(shared - provided):
        defined = ", ".join(sorted(provided))
        problems.append(doc.problem(path, f"question {question.id!r} reads {param!r} (shared) from scenario "
                                    f"{name!r}, which does not define it (it defines {defined})"))  # fmt: skip
    for param in sorted((set(question.spec.params) - shared) & provided):
        where = f"{question.file}:{question.document.line(('params', param))}"
        problems.append(doc.problem(path, f"question {question.id!r} draws its own {param!r}, which scenario {name!r} "
                                    f"also defines: declare it `shared: true` at {where} to read the scenario's "
                                    "value"))  # fmt: skip
    if not shared:
        problems.append(doc.problem(path, f"question {question.id!r} declares no `shared: true` parameter, so it "
                                    f"reads nothing from scenario {name!r}"))  # fmt: skip
    if problems:
        return problems
    for param in sorted(shared & provided):
        reason = next(filter(None, (rejection(question.spec.params[param], value)
                                    for value in declared_values(scenario.spec.params[param]))), None)  # fmt: skip
        if reason:
            problems.append(
                doc.problem(path, _outside(question, name, param, f"as declared in the scenario, {reason}"))
            )
    return problems


def _outside(question: Question, name: str, param: str, reason: str) -> str:
    """The sentence for a scenario value outside the declaration of the question that reads it."""
    where = f"{question.file}:{question.document.line(('params', param))}"
    return (f"scenario {name!r} gives question {question.id!r} a value of {param!r} outside the question's own "
            f"declaration ({where}): {reason}")  # fmt: skip


def given_problems(question: Question, name: str, values: Mapping[str, Any], which: str) -> list[Problem]:
    """Every shared parameter whose scenario value (drawn for `which` paper) the question's declaration refuses,
    located at that declaration."""
    problems = []
    for param in sorted(shared_names(question) & set(values)):
        reason = rejection(question.spec.params[param], values[param])
        if reason:
            line = question.document.line(("params", param))
            problems.append(Problem(question.file, line, f"params.{param}",
                                    _outside(question, name, param, f"drawn for {which}, {reason}")))  # fmt: skip
    return problems
