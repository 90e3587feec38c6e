"""Multiple-choice checks of a sweep: build the options of every answer a paper can ask as a choice, as that paper
would (`build_choices`, shuffled by the paper's own stream), and check the honesty rules on what was built again,
independently of the builder's own bookkeeping, so that a bug in it shows up as a failing seed."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass

from qbank.core.limits import MAX_CHOICE_OPTIONS
from qbank.core.responses import normal_text
from qbank.solve.answer_checks import print_problems
from qbank.solve.answer_fit import answer_problem
from qbank.solve.choices import LETTERS, ChoiceError, ChoiceSet, Option, build_choices
from qbank.solve.formats import check, format_answer, tolerance_of
from qbank.solve.variant import Variant
from qbank.spec.choice_decl import WRITTEN_FORMATS, choosable
from qbank.spec.models import AnswerSpec
from qbank.spec.validate import Question

KEY_CLASH = "coincides with the key"
OPTION_CLASH = "coincides with another option"


@dataclass(frozen=True)
class ChoiceOutcome:
    """What building one variant's options gave: located problems, the answers built (with their option counts)
    and the misconceptions dropped as (answer, misconception, why)."""

    problems: tuple[str, ...]
    built: tuple[tuple[str, int], ...] = ()
    drops: tuple[tuple[str, str, str], ...] = ()


def choosable_answers(question: Question) -> tuple[str, ...]:
    """The answers some exam can ask as multiple choice (written options, or numbers with misconceptions or
    fallbacks)."""
    return tuple(name for name, spec in question.spec.answers.items() if choosable(spec))


def sweep_choices(
    question: Question,
    variant: Variant,
    names: tuple[str, ...],
    order_seed: Callable[[str], int] | None,
    desc: str | Callable[[], str],
) -> ChoiceOutcome:
    """Build the options of `names` for one variant and check them; a ChoiceError is a problem of the variant."""
    try:
        built = build_choices(question, variant.answers, variant.mistakes, variant.params, names, order_seed, desc)
    except ChoiceError as exc:
        return ChoiceOutcome((str(exc),))
    except (ValueError, TypeError, ArithmeticError) as exc:
        where = f"{question.file}:{question.document.line(('answers', names[0]))}: answers"
        return ChoiceOutcome((f"{where}: options cannot be built: {type(exc).__name__}: {exc}",))
    problems: list[str] = []
    drops: list[tuple[str, str, str]] = []
    for name, choice in built.items():
        where = f"{question.file}:{question.document.line(('answers', name))}: answers.{name}"
        problems += [f"{where}: {problem}" for problem in honesty_problems(question, variant, choice)]
        listed = {mistake.name for mistake in variant.mistakes.get(name, ())}
        drops += [(name, source, drop_reason(why)) for source, why in choice.dropped if source in listed]
    counts = tuple((name, len(choice.options)) for name, choice in built.items())
    return ChoiceOutcome(tuple(problems), counts, tuple(drops))


def drop_reason(why: str) -> str:
    """Why a misconception was dropped, as a sweep counts it: it coincides with the key, or with another option."""
    if why.startswith(KEY_CLASH):
        return KEY_CLASH
    return OPTION_CLASH if why.startswith("coincides with") else why.split(":")[0]


def honesty_problems(question: Question, variant: Variant, choice: ChoiceSet) -> list[str]:
    """Every honesty rule one built option set breaks (README, "Multiple choice and misconceptions")."""
    spec = question.spec.answers[choice.answer]
    options = choice.options
    problems = []
    if not 2 <= len(options) <= MAX_CHOICE_OPTIONS:
        problems.append(f"{len(options)} options (2 to {MAX_CHOICE_OPTIONS} can be asked)")
    if [option.letter for option in options] != list(LETTERS[: len(options)]):
        problems.append(f"options lettered {', '.join(o.letter for o in options)}")
    seen: dict[str, str] = {}
    for option in options:
        text = normal_text(option.text)
        if not text:
            problems.append(f"option {option.letter} prints nothing")
        elif text in seen:
            problems.append(f"options {seen[text]} and {option.letter} both print {option.text!r}")
        seen.setdefault(text, option.letter)
    correct = sum(option.correct for option in options)
    if (correct != 1) if choice.kind == "choice" else (correct == 0):
        problems.append(f"{correct} correct options in a {choice.kind}")
    if spec.format in WRITTEN_FORMATS:
        written = sorted((normal_text(o.text), o.correct) for o in spec.options or ())
        if sorted((normal_text(o.text), o.correct) for o in options) != written:
            problems.append("the options are not the written ones")
        return problems
    return problems + _generated_problems(question, variant, choice, spec)


def _generated_problems(question: Question, variant: Variant, choice: ChoiceSet, spec: AnswerSpec) -> list[str]:
    """The rules of options generated from a number: the key as printed, printable distractors the key's grader
    rejects, gaps beyond the tolerance and `min_gap`, and every listed misconception accounted for."""
    key = variant.answers[choice.answer]
    problems = []
    for option in choice.options:
        label = f"option {option.letter} ({option.text})"
        unfit = answer_problem(spec.format, option.value)
        if unfit:
            problems.append(f"{label} stands for a value that {unfit}")
            continue
        if option.text != format_answer(spec, option.value):
            problems.append(f"{label} does not print its value {option.value!r}")
        if not option.correct:  # the key itself is checked like every answer (`check_variant`)
            found = print_problems(spec, option.value, option.text)
            problems += [f"{label}: {_as_option(problem)}" for problem in found]
        if option.correct and float(option.value) != float(key):
            problems.append(f"{label} is marked correct but the key is {format_answer(spec, key)}")
        if not option.correct and check(spec, key, option.text):
            problems.append(f"{label} is a distractor the key's grader accepts")
    if problems:
        return problems
    problems += _gap_problems(spec, choice.options)
    return problems + _accounting_problems(variant, choice, spec)


def _as_option(problem: str) -> str:
    """A print problem of a key, said of an option."""
    return problem.replace("the key prints", "it prints").replace("the key ", "its text ")


def _gap_problems(spec: AnswerSpec, options: tuple[Option, ...]) -> list[str]:
    """Pairs of options within either's tolerance or closer than `min_gap` (relative to the larger)."""
    min_gap = spec.choices.min_gap if spec.choices is not None and spec.choices.min_gap is not None else 0.0
    problems = []
    for a, b in itertools.combinations(options, 2):
        x, y = float(a.value), float(b.value)
        pair = f"options {a.letter} ({a.text}) and {b.letter} ({b.text})"
        gap, scale = abs(x - y), max(abs(x), abs(y))
        if gap <= max(tolerance_of(spec, x), tolerance_of(spec, y)):
            problems.append(f"{pair} lie within the answer's tolerance")
        elif gap < min_gap * scale:
            problems.append(f"{pair} differ by {gap / scale:.3g} of the larger, less than min_gap {min_gap:g}")
    return problems


def _accounting_problems(variant: Variant, choice: ChoiceSet, spec: AnswerSpec) -> list[str]:
    """Misconception options carry their misconception's value and description; a listed misconception is an
    option, dropped, or past `count`; fallbacks only fill up to `count`."""
    mistakes = {mistake.name: mistake for mistake in variant.mistakes.get(choice.answer, ())}
    count = spec.choices.count if spec.choices is not None else None
    shown = {o.misconception: o for o in choice.options if o.source == "misconception"}
    dropped = {name for name, _ in choice.dropped}
    problems = []
    for name, option in shown.items():
        mistake = mistakes.get(name or "")
        if mistake is None:
            problems.append(f"option {option.letter} names misconception {name!r}, which the answer does not list")
        elif float(option.value) != float(mistake.value) or option.why != mistake.description:
            problems.append(f"option {option.letter} ({option.text}) is not what {name!r} gives "
                            f"({mistake.value!r}: {mistake.description})")  # fmt: skip
    fills = [o for o in choice.options if o.source == "fill"]
    missing = [name for name in mistakes if name not in shown and name not in dropped]
    if count is not None and len(choice.options) != count:
        problems.append(f"{len(choice.options)} options, but `count` asks for {count}")
    if fills and missing:
        problems.append(f"fallback {fills[0].text} is an option though {', '.join(missing)} could have been one")
    if missing and (count is None or len(choice.options) < count):
        problems.append(f"misconception(s) {', '.join(missing)} neither shown nor dropped")
    return problems
