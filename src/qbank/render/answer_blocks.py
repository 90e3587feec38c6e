"""A part's answers on the pages when it asks some as multiple choice: on the paper, each asked answer in its
declared order (lettered options, or a free answer's labelled ruled lines); in the key, how a placement asked with
`ask: choice` is scored (by its options, not by the free-response rubric) and which answers it leaves unasked."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from markupsafe import Markup

from qbank.render.options import OptionList, option_list
from qbank.render.precision import SENTENCE_ENDS, after_label, needed
from qbank.solve.choices import ChoiceSet
from qbank.spec.models import QuestionSpec

TEXT_LINES = 2  # ruled lines for a text answer (a word or a phrase) beside multiple-choice answers


@dataclass(frozen=True)
class AnswerName:
    """How the paper names one answer: its label with the unit in brackets, and what joins it to a following
    instruction (a space after a label that ends a sentence, else a dash)."""

    label: Markup
    joiner: str


@dataclass(frozen=True)
class AnswerLines:
    """A free-response answer's ruled lines on the paper, in a part that also asks multiple choice: its label (and
    unit), how many lines, and the precision the grader needs."""

    answer: str
    label: Markup
    lines: int
    kind: str = "lines"
    needs: str = ""  # the precision the grader needs, as it follows the label (', to 2 decimal places')


def answer_name(source: str, label: Markup, unit: Markup) -> AnswerName:
    """The paper's name of an answer from its written label (`source`), typeset label and typeset unit; a unit the
    label already names (`Total parameters`, unit `parameters`) is not repeated."""
    if unit and not _names(source, unit.striptags().strip()):
        return AnswerName(Markup("{} ({})").format(label, unit), " \u2014 ")
    return AnswerName(label, " " if source.rstrip().endswith(SENTENCE_ENDS) else " \u2014 ")


def _names(label: str, unit: str) -> bool:
    """Whether a written label already names its unit as a word of its own (`Total parameters` names
    `parameters`; `Speed` does not name `s`)."""
    return re.search(rf"(?<![\w/]){re.escape(unit)}(?![\w/])", label, flags=re.IGNORECASE) is not None


def default_lines(marks: float) -> int:
    """Ruled answer lines for a question without `answer_space`: grows with the marks."""
    return max(4, min(20, round(3 + 2 * marks)))


def free_lines(spec: QuestionSpec, free: Sequence[str], marks: float, asked: int) -> dict[str, int]:
    """The ruled lines of each free answer of a part that also asks multiple choice: the author's `answer_space`
    shared among them (the first ones take what does not divide evenly); else a text answer gets TEXT_LINES and
    any other the lines its share of the marks (marks split equally among the `asked` answers, as grading does)
    earns."""
    if spec.answer_space is not None:
        each, extra = divmod(spec.answer_space, max(1, len(free)))
        return {name: each + (index < extra) for index, name in enumerate(free)}
    share = marks / max(1, asked)
    return {name: TEXT_LINES if spec.answers[name].format == "text" else default_lines(share) for name in free}


def paper_blocks(spec: QuestionSpec, graded: Sequence[str], choices: Mapping[str, ChoiceSet],
                 names: Mapping[str, AnswerName], marks: float) -> tuple[OptionList | AnswerLines, ...]:  # fmt: skip
    """The asked answers of a part with multiple choice, in declared order: options, or a free answer's lines (with
    the precision it needs). Every block names its answer when the question declares more than one."""
    labelled = len(spec.answers) > 1
    free = [name for name in graded if name not in choices]
    lines = free_lines(spec, free, marks, len(graded))
    blocks: list[OptionList | AnswerLines] = []
    for name in spec.answers:
        if name in choices:
            blocks.append(option_list(choices[name], names[name].label, names[name].joiner, labelled))
        elif lines.get(name):
            needs = after_label(spec.answers[name].label, needed(spec.answers[name]))
            blocks.append(AnswerLines(name, names[name].label, lines[name], needs=needs))
    return tuple(blocks)


def scoring_note(spec: QuestionSpec, choices: Mapping[str, ChoiceSet], labels: Mapping[str, Markup],
                 marks: float) -> Markup:  # fmt: skip
    """The key's marking scheme of a placement asked with `ask: choice`: its marks go to its options (split
    equally among the answers asked, as grading does), and the answers it leaves unasked are named."""
    asked = [labels[name] for name in spec.answers if name in choices]
    unasked = [labels[name] for name in spec.answers if name not in choices]
    total = f"{marks:g} mark{'' if marks == 1 else 's'}"
    if len(asked) == 1:
        note = Markup("Scored by its options: {} for {}.").format(total, asked[0])
    else:
        share = f"{marks / len(asked):g}"
        note = Markup("Scored by its options: {}, {} for each of {}.").format(total, share, _listed(asked))
    if unasked:
        note += Markup(" Not asked on this paper (worked solution only): {}.").format(_listed(unasked))
    return note


def _listed(labels: Sequence[Markup]) -> Markup:
    """Labels as a sentence lists them: 'A', 'A and B', 'A, B and C'."""
    if len(labels) < 2:
        return Markup("").join(labels)
    return Markup("{} and {}").format(Markup(", ").join(labels[:-1]), labels[-1])
