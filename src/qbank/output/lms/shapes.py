"""What the exports share: what LMS question a variant becomes (essay when no answers are asked, one numeric, text
or choice answer, or several), its content, choice credit and feedback, and the per-question notes saying what
changed on the way."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass

from qbank.render.lms import LmsContent, lms_content
from qbank.render.paper import SolvedPart
from qbank.solve.choices import ChoiceSet, Option

NUMBERS = ("int", "fixed", "sig")
CELLS = ("vector", "matrix")


def shape(solved: SolvedPart) -> str:
    """`essay`, `numeric`, `text`, `choice` (one answer of that kind asked), `cells` (one vector or matrix
    answer) or `several`."""
    graded = solved.graded
    if not graded:
        return "essay"
    if len(graded) > 1:
        return "several"
    name = graded[0]
    if name in solved.choices:
        return "choice"
    fmt = solved.part.question.spec.answers[name].format
    return {"text": "text", "vector": "cells", "matrix": "cells"}.get(fmt, "numeric")


def variant_content(solved: SolvedPart, math: str) -> LmsContent:
    """A variant's HTML for an LMS, formulas as `math` (`tex` or `mathml`), with the figure the paper drew."""
    options = {name: tuple(o.text for o in choice.options) for name, choice in solved.choices.items()}
    figure = str(solved.rendered.figure) if solved.rendered is not None and solved.rendered.figure else None
    page = lms_content(solved.part.question, solved.variant, solved.formatted, options, figure, math)
    return dataclasses.replace(page, options={name: with_units(solved.choices[name], texts, page.units[name])
                                              for name, texts in page.options.items()})  # fmt: skip


def with_units(choice: ChoiceSet, texts: Sequence[str], unit: str) -> tuple[str, ...]:
    """Option texts with the answer's unit after each number a generated option stands for (`2.02 s`); written
    options are the author's words, as they are."""
    if not unit:
        return tuple(texts)
    return tuple(text if option.source == "written" else f"{text} {unit}"
                 for option, text in zip(choice.options, texts, strict=True))  # fmt: skip


def grader_html(page: LmsContent) -> str:
    """Model answer and marking scheme, for the grader (essay) or as general feedback after submission."""
    rubric = "".join(f"<li>{points:g}: {line}</li>" for points, line in page.rubric)
    return page.solution + (f"<p>Marking scheme:</p><ul>{rubric}</ul>" if rubric else "")


def fractions(choice: ChoiceSet) -> list[float]:
    """Each option's credit in percent, as README's scoring says: single choice 100 for the key, 0 else; a
    multi's per-option scoring +100/(number correct) per correct option ticked, -100/(number wrong) per wrong
    one (floored at 0 by the LMS); all-or-nothing: the same fractions (see `notes`)."""
    if choice.kind == "choice":
        return [100.0 if option.correct else 0.0 for option in choice.options]
    right = sum(option.correct for option in choice.options)
    wrong = len(choice.options) - right
    return [100.0 / right if option.correct else -100.0 / wrong for option in choice.options]


def mistake_feedback(name: str, description: str) -> str:
    """What a student whose answer is a misconception's value is told: the mistake, in the student's terms."""
    return f"This is the answer you get if you {description} (misconception {name})."


def option_feedback(option: Option) -> str:
    """What a student who ticked this option is told after submitting: the mistake a distractor encodes."""
    if option.correct:
        return "Correct."
    if option.misconception is not None:
        return mistake_feedback(option.misconception, option.why)
    if option.why:
        return f"Not correct: {option.why}."
    return "Not correct."


@dataclass(frozen=True)
class Note:
    """One thing a question became that the format could not say as qbank does."""

    placement: str
    message: str

    def __str__(self) -> str:
        return f"{self.placement}: {self.message}"


def cell_note(placement: str, name: str, fmt: str, lms: str, becomes: str) -> Note:
    """The note for a vector or matrix answer split into cells."""
    return Note(placement, f"answer {name!r} ({fmt}) becomes {becomes} in {lms}, one per number, each graded on "
                           "its own (qbank: right only when every number is)")  # fmt: skip


def text_notes(placement: str, solved: SolvedPart, becomes: str, rule: str) -> list[Note]:
    """A note per text answer asked free: what it becomes and how the LMS's matching differs from qbank's."""
    spec = solved.part.question.spec.answers
    return [Note(placement, f"text answer {name!r} becomes {becomes}, which {rule}; qbank also collapses spaces "
                            "inside the response, reads the hyphen and minus variants as '-' and ignores the sentence "
                            "punctuation it ends with ('ReLU.')")
            for name in solved.graded if name not in solved.choices and spec[name].format == "text"]  # fmt: skip


def unique(notes: Sequence[Note]) -> list[Note]:
    """Notes without repeats, in order."""
    return list(dict.fromkeys(notes))
