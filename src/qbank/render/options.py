"""Multiple-choice options as the pages print them: the paper's lettered options with a box to tick (letters and
texts only), and the key's option tables (correct letters, values, and the mistake each distractor encodes)."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

from qbank.render.markup import inline_math_html
from qbank.solve.choices import ChoiceSet, Option
from qbank.solve.formats import format_answer
from qbank.spec.models import AnswerSpec

TABLE_MATH_PX = 13.33  # formulas in the key's option tables: 10pt, like its answer tables
# Column widths in characters of running text (11pt Termes, about 1.95 mm each): a line of options holds about
# LINE_CHARS; each option also takes OPTION_OVERHEAD for its letter, its box and the gap to the next column.
LINE_CHARS = 82
OPTION_OVERHEAD = 8
MAX_COLUMNS = 4
_COMMAND = re.compile(r"\\[A-Za-z]+|\\.")
# a hyphen-minus that is a number's sign: at the start, or after a bracket, comma, semicolon or space, before a
# digit ('-0.25', '[-1, 2]', '[1, -2; -3, 4]'); never a hyphen inside a word ('top-k', 'indices 0-3')
_SIGN = re.compile(r"(?<![^\s\[(,;])-(?=\.?\d)")


@dataclass(frozen=True)
class PaperOption:
    """One option as the student's paper prints it: its letter and its text, nothing else."""

    letter: str
    text: Markup


@dataclass(frozen=True)
class OptionList:
    """The options of one answer on the paper: its label (with its unit, when the question declares several
    answers), what joins the label to the instruction, what to tick (a sentence: `Tick one.`), and the options in
    rows of `columns`."""

    answer: str
    label: Markup
    instruction: str
    columns: int
    rows: tuple[tuple[PaperOption, ...], ...]
    joiner: str = " \u2014 "
    kind: str = "options"


@dataclass(frozen=True)
class KeyOption:
    """One option as the key prints it: its letter, text, whether it is correct and the mistake it encodes."""

    letter: str
    text: Markup
    correct: bool
    note: Markup


@dataclass(frozen=True)
class ChoiceKey:
    """The key of one answer asked as multiple choice: the correct letters and values, every option with the
    mistake it encodes, and the distractors dropped for this variant (with why)."""

    answer: str
    label: Markup
    letters: str
    values: Markup
    kind: str
    options: tuple[KeyOption, ...]
    dropped: tuple[str, ...]


@dataclass(frozen=True)
class MistakeLine:
    """A free-response answer's common mistakes for graders: its label and (value, description) pairs."""

    label: Markup
    mistakes: tuple[tuple[str, str], ...]


def option_html(option: Option, size_px: float = 14.67) -> Markup:
    """An option's text as HTML: written options typeset like labels, generated ones with true minus signs."""
    if option.source == "written":
        return Markup(inline_math_html(option.text, size_px=size_px))
    return escape(display_minus(option.text))


def display_minus(value: str) -> str:
    """A formatted answer as the key prints it: each number's sign a true minus (U+2212), as in typeset math.

    Only the printed pages use it; the formatted value itself (answers.csv, key.json, grading) keeps ASCII '-'."""
    return _SIGN.sub("\u2212", value)


def text_width(text: str) -> int:
    """An estimate of an option's printed width in characters: math commands count as one character, braces,
    dollars and sub/superscript marks as none."""
    return len(re.sub(r"[{}$^_]", "", _COMMAND.sub("x", text)))


def columns_for(widths: Sequence[int]) -> int:
    """Options per line: of the counts (up to 4) the longest option allows, the one needing the fewest lines, then
    leaving the fewest empty places (4 options: 4 or 2 per line, never 3 and 1; 5 options: 3 and 2)."""
    longest, count = max(widths, default=0), len(widths)
    fitting = [
        n for n in range(1, min(MAX_COLUMNS, count) + 1) if n == 1 or longest + OPTION_OVERHEAD <= LINE_CHARS // n
    ]
    return min(fitting, key=lambda n: (-(-count // n), -(-count // n) * n - count))


def option_list(choice: ChoiceSet, label: Markup, joiner: str, labelled: bool) -> OptionList:
    """The paper's options of one answer, in rows; `labelled` names the answer (a question declaring several),
    `joiner` joins its label to the instruction."""
    columns = columns_for([text_width(option.text) for option in choice.options])
    shown = [PaperOption(option.letter, option_html(option)) for option in choice.options]
    rows = tuple(tuple(shown[i : i + columns]) for i in range(0, len(shown), columns))
    instruction = "Select all that apply." if choice.kind == "multi" else "Tick one."
    return OptionList(choice.answer, label if labelled else Markup(""), instruction, columns, rows, joiner)


def choice_key(choice: ChoiceSet, label: Markup, descriptions: Mapping[str, str] | None = None) -> ChoiceKey:
    """The key's view of one answer asked as multiple choice (`descriptions`: the misconceptions' descriptions by
    name, for the dropped ones)."""
    options = tuple(KeyOption(option.letter, option_html(option, TABLE_MATH_PX), option.correct, _note(option))
                    for option in choice.options)  # fmt: skip
    correct = [option_html(option, TABLE_MATH_PX) for option in choice.options if option.correct]
    values = Markup("; ").join(correct)
    dropped = tuple(_dropped(name, reason, (descriptions or {}).get(name)) for name, reason in choice.dropped)
    return ChoiceKey(choice.answer, label, choice.key, values, choice.kind, options, dropped)


def _note(option: Option) -> Markup:
    """What the key says of an option: correct, or the mistake behind it (a written `why` typeset like labels)."""
    if option.correct:
        return Markup("correct")
    if option.source == "misconception":
        return escape(f"{option.why} ({option.misconception})")
    if option.source == "written" and option.why:
        return Markup(inline_math_html(option.why, size_px=TABLE_MATH_PX))
    return escape(option.why or "wrong (no mistake named)")


def _dropped(name: str, reason: str, description: str | None) -> str:
    """A dropped distractor as the key notes it: 'lin.sum' (added the sizes ...) coincides with the key here (50)."""
    reason = re.sub(r"^coincides with (.*?) \(", r"coincides with \1 here (", reason, count=1)
    what = f"{name!r} ({description})" if description else repr(name)
    return f"{what} {display_minus(reason)}"


def mistake_line(spec: AnswerSpec, label: Markup, key: str, mistakes: Sequence[tuple[str, object]]) -> MistakeLine:
    """A free-response answer's misconception values (those printed unlike the key) with their descriptions."""
    shown = []
    for description, value in mistakes:
        printed = format_answer(spec, value)
        if printed != key:
            shown.append((display_minus(printed), description))
    return MistakeLine(label, tuple(shown))
