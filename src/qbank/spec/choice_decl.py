"""Validate what an answer declares for multiple choice and diagnosis: its misconceptions (registered names), its
`choices` settings and `fill` expressions, and the written options of `choice` and `multi` answers."""

from __future__ import annotations

from collections.abc import Mapping

from qbank.core.errors import Problem
from qbank.core.responses import normal_text
from qbank.expressions.expression import Expression, ExpressionError, compile_expression
from qbank.spec.load import Document
from qbank.spec.models import AnswerSpec, QuestionSpec
from qbank.spec.registry import Entry, Registries

NUMBER_FORMATS = ("int", "fixed", "sig")  # the formats misconceptions and generated options apply to
WRITTEN_FORMATS = ("choice", "multi")  # the formats whose options are written out
KEY_NAME = "key"  # the name a `fill` expression reads the key's value by


def choosable(answer: AnswerSpec) -> bool:
    """Whether an exam can ask this answer as multiple choice (`ask: choice`)."""
    if answer.format in WRITTEN_FORMATS:
        return True
    return answer.format in NUMBER_FORMATS and bool(answer.misconceptions or (answer.choices and answer.choices.fill))


def check_choices(
    spec: QuestionSpec, doc: Document, problems: list[Problem], registries: Registries
) -> tuple[Mapping[str, tuple[Entry, ...]], Mapping[str, tuple[Expression, ...]]]:
    """Check every answer's misconceptions, choices and options; return the resolved misconceptions and the
    compiled `fill` expressions per answer."""
    mistakes: dict[str, tuple[Entry, ...]] = {}
    fills: dict[str, tuple[Expression, ...]] = {}
    for name, answer in spec.answers.items():
        where = ("answers", name)
        if answer.format in WRITTEN_FORMATS:
            _check_written(answer, where, doc, problems)
            continue
        for key in ("options", "scoring"):
            if getattr(answer, key) is not None:
                problems.append(doc.problem((*where, key), f"only for formats choice and multi, not {answer.format!r}"))
        if answer.format not in NUMBER_FORMATS:
            for key in ("misconceptions", "choices"):
                if getattr(answer, key) is not None:
                    message = f"only for numbers (int, fixed, sig), not format {answer.format!r}"
                    problems.append(doc.problem((*where, key), message))
            continue
        entries = _resolve(answer, where, doc, problems, registries)
        if entries:
            mistakes[name] = entries
        compiled = _compile_fills(answer, spec, where, doc, problems)
        if compiled:
            fills[name] = compiled
        _check_count(answer, where, doc, problems)
    return mistakes, fills


def _resolve(
    answer: AnswerSpec, where: tuple[str, ...], doc: Document, problems: list[Problem], registries: Registries
) -> tuple[Entry, ...]:
    """The registered misconceptions an answer lists (problems for unknown and repeated names)."""
    entries: list[Entry] = []
    seen: set[str] = set()
    for index, name in enumerate(answer.misconceptions or ()):
        path = (*where, "misconceptions", index)
        if name in seen:
            problems.append(doc.problem(path, f"{name!r} is listed twice"))
            continue
        seen.add(name)
        entry = registries.misconceptions.get(name)
        if entry is None:
            known = ", ".join(registries.misconceptions.names()) or "none"
            problems.append(doc.problem(path, f"unknown misconception {name!r} (registered: {known})"))
            continue
        entries.append(entry)
    return tuple(entries)


def _compile_fills(
    answer: AnswerSpec, spec: QuestionSpec, where: tuple[str, ...], doc: Document, problems: list[Problem]
) -> tuple[Expression, ...]:
    """Compile `choices.fill`: expressions of `key` and the parameters."""
    if answer.choices is None or answer.choices.fill is None:
        return ()
    if KEY_NAME in spec.params:
        problems.append(doc.problem((*where, "choices", "fill"), f"a parameter is named {KEY_NAME!r}, the name "
                                    "`fill` reads the key by; rename the parameter"))  # fmt: skip
        return ()
    compiled = []
    for index, source in enumerate(answer.choices.fill):
        path = (*where, "choices", "fill", index)
        try:
            expression = compile_expression(source)
        except ExpressionError as exc:
            problems.append(doc.problem(path, f"{source!r}: {exc}"))
            continue
        unknown = sorted(expression.names - set(spec.params) - {KEY_NAME})
        if unknown:
            problems.append(doc.problem(path, f"uses unknown name(s) {', '.join(unknown)} (it may read `key` and "
                                        "the parameters)"))  # fmt: skip
            continue
        if KEY_NAME not in expression.names:
            problems.append(doc.problem(path, f"{source!r} does not read `key`: a fallback perturbs the key"))
            continue
        compiled.append(expression)
    return tuple(compiled)


def _check_count(answer: AnswerSpec, where: tuple[str, ...], doc: Document, problems: list[Problem]) -> None:
    """A declared `count` must be reachable by the listed misconceptions and fallbacks together."""
    settings = answer.choices
    if settings is not None and settings.fill is not None and settings.count is None:
        problems.append(doc.problem((*where, "choices", "fill"), "fallbacks only fill up to `count`: give `count`"))
    if settings is None or settings.count is None:
        return
    available = len(answer.misconceptions or ()) + len(settings.fill or ())
    if available < settings.count - 1:
        message = (f"{settings.count} options need {settings.count - 1} distractors, but the answer lists "
                   f"{len(answer.misconceptions or ())} misconception(s) and {len(settings.fill or ())} "
                   "fallback(s) in `fill`")  # fmt: skip
        problems.append(doc.problem((*where, "choices", "count"), message))


def _check_written(answer: AnswerSpec, where: tuple[str, ...], doc: Document, problems: list[Problem]) -> None:
    """Written options: present, distinct, the right number correct, `why` only on wrong ones."""
    for key in ("tolerance", "percent", "accept", "misconceptions", "choices"):
        if getattr(answer, key) is not None:
            problems.append(doc.problem((*where, key), f"not used by format {answer.format!r}"))
    if answer.scoring is not None and answer.format == "choice":
        problems.append(doc.problem((*where, "scoring"), "only for format 'multi' (a choice has one correct option)"))
    if answer.options is None:
        problems.append(doc.problem(where, f"format {answer.format!r} needs `options` (at least 2)"))
        return
    first: dict[str, int] = {}
    for index, option in enumerate(answer.options):
        text = normal_text(option.text)
        if text in first:
            message = f"{option.text!r} is written twice (first as option {first[text] + 1})"
            problems.append(doc.problem((*where, "options", index, "text"), message))
        first.setdefault(text, index)
        if option.correct and option.why is not None:
            problems.append(doc.problem((*where, "options", index, "why"), "a correct option is no mistake"))
    correct = sum(option.correct for option in answer.options)
    if answer.format == "choice" and correct != 1:
        message = f"a choice has exactly one correct option (`correct: true`), this one has {correct}"
        problems.append(doc.problem((*where, "options"), message))
    if answer.format == "multi" and correct == 0:
        problems.append(doc.problem((*where, "options"), "a multi needs at least one correct option"))
