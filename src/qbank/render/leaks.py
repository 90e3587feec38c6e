"""Answer leaks: answers whose printed value appears in the student paper without being one of its givens."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from qbank.core.errors import Problem
from qbank.draw.params import thaw
from qbank.render.question import formatted_answers
from qbank.render.templating import render_string
from qbank.render.text_numbers import (
    Token,
    normal_text,
    number_tokens,
    plain_text,
    shown_consecutively,
    svg_text,
    value_leaves,
    value_numbers,
    value_strings,
)
from qbank.solve.answer_checks import last_place
from qbank.solve.variant import Variant
from qbank.spec.models import RANDOM_KINDS, AnswerSpec, FixedParam
from qbank.spec.validate import Question

_JINJA = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", re.S)
_MIN_DIGITS = 3  # an answer needs this many significant digits to be recognisable in a text
_MIN_TEXT = 6  # ... and a text answer this many characters (or two words)


def answer_leaks(
    question: Question,
    variant: Variant,
    text: str,
    extra_givens: str = "",
    formatted: Mapping[str, str] | None = None,
) -> list[str]:
    """Located messages for the answers `leaked_answers` finds in a text of the student paper."""
    line = _text_line(question)
    leaks = leaked_answers(question, variant, text, extra_givens, formatted)
    return [f"{question.file}:{line}: text: answer {name!r} ({printed}) appears in the question paper and is not "
            "one of its givens" for name, printed in leaks]  # fmt: skip


def paper_leaks(parts: Sequence[Any], seed: int) -> list[Problem]:
    """A problem for each answer a student paper's parts (SolvedPart) would show: its text or figure prints the
    answer's value and the value is not one of the question's givens."""
    problems = []
    for solved in parts:
        question, variant = solved.part.question, solved.variant
        text = render_string(question.spec.text, {**variant.params, "params": variant.params})
        text += "\n" + svg_text(str(solved.rendered.figure or ""))
        line = _text_line(question)
        for name, printed in leaked_answers(question, variant, text, formatted=solved.formatted):
            message = (f"answer {name!r} ({printed}) of question {question.id} appears in the student paper "
                       f"(seed {seed}, paper {variant.paper_id}) and is not one of its givens")  # fmt: skip
            problems.append(Problem(question.file, line, "text", message))
    return problems


def _text_line(question: Question) -> int:
    """The line of a question file where its `text` block starts (for located leak messages)."""
    return question.document.block_starts.get(("text",), question.document.line(("text",)))


def leaked_answers(
    question: Question,
    variant: Variant,
    text: str,
    extra_givens: str = "",
    formatted: Mapping[str, str] | None = None,
) -> list[tuple[str, str]]:
    """(name, printed value) of the answers whose printed value appears in a text of the student paper, and is
    not also a given.

    A number answer leaks when a number in the text is a correct rounding of it, at least as precise as the key
    (vectors and matrices: all their numbers, consecutively); a text answer when it appears as words. Answers
    with fewer than 3 significant digits (or short text) are too common to tell apart and are not checked, nor
    are written `choice` and `multi` answers (the paper prints every option anyway).
    """
    plain = plain_text(text)
    tokens: list[Token] | None = None
    normal: str | None = None
    givens: _Givens | None = None
    formatted = formatted if formatted is not None else formatted_answers(question, variant)
    leaks = []
    for name, spec in question.spec.answers.items():
        if spec.format in ("choice", "multi"):
            continue
        value, printed = variant.answers[name], formatted[name]
        if spec.format == "text":
            needle = normal_text(str(value)).strip()
            if len(needle) < _MIN_TEXT and " " not in needle:
                continue
            normal = normal if normal is not None else normal_text(plain).replace(".", " ")
            if f" {needle} " not in normal:
                continue
            givens = givens or _givens(question, variant.params, extra_givens)
            if any(needle in given for given in givens.texts):
                continue
        else:
            if not _distinctive(printed):
                continue
            numbers = [float(n) for n in value_leaves(thaw(value))]
            place = _place(spec, numbers)
            tokens = tokens if tokens is not None else number_tokens(plain)
            if not shown_consecutively(tokens, numbers, place):
                continue
            givens = givens or _givens(question, variant.params, extra_givens)
            if any(shown_consecutively(sequence, numbers, place) for sequence in givens.sequences):
                continue
        leaks.append((name, printed))
    return leaks


def _distinctive(printed: str) -> bool:
    """Whether a printed number answer is rare enough in prose to count as leaked when found (not 7, 0.5, [1, 0])."""
    digits = [_digits(element) for element in re.split(r"[;,]\s", printed.strip("[]"))]
    return sum(digits) >= _MIN_DIGITS and max(digits) >= 2


def _digits(printed: str) -> int:
    """Significant digits of a printed answer (of its mantissa, for 4.04×10⁻⁵)."""
    mantissa = printed.split("×")[0]
    return len(re.sub(r"\D", "", mantissa).lstrip("0"))


def _place(spec: AnswerSpec, numbers: Sequence[float]) -> int:
    """The coarsest last printed place of an answer's numbers (0 for exact ints)."""
    places = [last_place(spec, x) for x in numbers]
    return max((p for p in places if p is not None), default=0)


# --- What the paper gives anyway -----------------------------------------------------------------------------


@dataclass(frozen=True)
class _Givens:
    """What the paper gives anyway: numbers and text of drawn and fixed parameters and of the template."""

    texts: tuple[str, ...]
    sequences: tuple[tuple[Token, ...], ...]


def _givens(question: Question, params: Mapping[str, Any], extra_text: str = "") -> _Givens:
    """Givens of one variant: drawn and fixed parameters, the template's prose, and any extra text."""
    literal_text, literal_tokens = _literal(question.spec.text)
    texts = [literal_text, normal_text(extra_text)]
    sequences = [literal_tokens, tuple(number_tokens(plain_text(extra_text)))]
    for name, param in question.spec.params.items():
        if not isinstance(param, (*RANDOM_KINDS, FixedParam)):
            continue
        value = params[name]
        numbers = value_numbers(value)
        sequences.append(tuple(number_tokens(" ".join(_plain_number(n) for n in numbers))))
        texts.extend(normal_text(s) for s in value_strings(value))
    return _Givens(tuple(texts), tuple(sequences))


def _literal(source: str) -> tuple[str, tuple[Token, ...]]:
    """The fixed prose of a template (Jinja tags removed): normalized text and its numbers."""
    plain = plain_text(_JINJA.sub(" ", source))
    return normal_text(plain), tuple(number_tokens(plain))


def _plain_number(x: float) -> str:
    """A parameter number written with all its digits."""
    return str(int(x)) if x.is_integer() and abs(x) < 1e15 else repr(x)
