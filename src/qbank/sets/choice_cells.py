"""Grading an answer asked as multiple choice: read the letters a student wrote (or one option's text or value),
score them by the answer's rule, and name the mistake each wrong option encodes.

Letters are read case-free, with brackets, dots and separators ignored (`B`, `b`, `(B)`, `B)`, `B, D`, `B D`,
`BD`); repeated letters count once. A cell that is not made of letters is read as an option when it equals
exactly one option: its text (compared as text answers are) or, for a generated option, its value within the
answer's tolerance; a `multi` may list option texts separated by `;` (as the set's answers.csv does). A letter
this paper does not print, or several letters for a one-answer `choice`, is a `LetterError` (a located grading
error).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from typing import Any

from qbank.core.reasons import Kind, Reason
from qbank.core.responses import Unreadable, normal_text, read_response, strip_text_marker, visible
from qbank.sets.verdicts import Cell
from qbank.solve.formats import matches
from qbank.spec.models import AnswerSpec

_LETTERS = re.compile(r"[\s,;()\[\].]*(?:[A-Za-z][\s,;()\[\].]*)+")
_NOISE = re.compile(r"[\s,;()\[\].]")


class LetterError(ValueError):
    """Letters a paper does not print, or too many for a one-answer choice; the message says which."""


def option_label(option: Mapping[str, Any]) -> str:
    """How the report and the detail name an option: its misconception, its `why`, or its text."""
    if option.get("misconception"):
        return f"{option['misconception']}: {option.get('why', '')}".rstrip(": ")
    if option["source"] == "written":
        why = option.get("why") or "no mistake declared"
        return f"{option['text']!r}: {why}"
    return option.get("why") or "fallback perturbation (no named mistake)"


def read_letters(typed: str, choice: Mapping[str, Any], spec: AnswerSpec, decimal_comma: bool) -> tuple[str, ...]:
    """The letters a cell picks, sorted (empty for a blank cell); raise LetterError or Unreadable."""
    text = unicodedata.normalize("NFKC", strip_text_marker(typed)).strip()
    if not text:
        return ()
    letters = [option["letter"] for option in choice["options"]]
    if _LETTERS.fullmatch(text):
        picked = sorted(set(_NOISE.sub("", text).upper()))
        if all(letter in letters for letter in picked):
            return _one_if_choice(typed, picked, choice)
    by_text = _options_by_text(text, choice, spec, decimal_comma)
    if by_text:
        return by_text
    if _LETTERS.fullmatch(text):
        outside = [letter for letter in sorted(set(_NOISE.sub("", text).upper())) if letter not in letters]
        shown = ", ".join(outside)
        raise LetterError(f"{visible(typed)!r}: {shown} {'is' if len(outside) == 1 else 'are'} not among this "
                          f"paper's options {letters[0]}-{letters[-1]}")  # fmt: skip
    raise Unreadable(Reason(Kind.NOT_LETTERS, (letters[0], letters[-1])))


def _one_if_choice(typed: str, picked: Sequence[str], choice: Mapping[str, Any]) -> tuple[str, ...]:
    """The letters picked; more than one is an error for a one-answer choice."""
    if choice["kind"] == "choice" and len(picked) > 1:
        raise LetterError(f"{visible(typed)!r}: one letter only (this question has one correct option)")
    return tuple(picked)


def _options_by_text(text: str, choice: Mapping[str, Any], spec: AnswerSpec, decimal_comma: bool) -> tuple[str, ...]:
    """The letter of the one option whose text (or generated value) the cell equals or, for a `multi`, the letters
    of options written out separated by `;` (as answers.csv lists them); empty if not exactly one each."""
    if choice["kind"] == "multi" and ";" in text:
        parts = [_option_by_text(part, choice, spec, decimal_comma) for part in text.split(";") if part.strip()]
        return tuple(sorted(set(parts))) if parts and None not in parts else ()  # type: ignore[arg-type]
    letter = _option_by_text(text, choice, spec, decimal_comma)
    return (letter,) if letter is not None else ()


def _option_by_text(text: str, choice: Mapping[str, Any], spec: AnswerSpec, decimal_comma: bool) -> str | None:
    """The letter of the one option whose text (or generated value) the cell equals; None if not exactly one."""
    same = [o["letter"] for o in choice["options"] if normal_text(o["text"]) == normal_text(text)]
    if not same and spec.format in ("int", "fixed", "sig"):
        try:
            value = read_response(spec, text, decimal_comma)
        except Unreadable:
            return None
        valued = [o for o in choice["options"] if o.get("value") is not None]
        same = [o["letter"] for o in valued if matches(spec, o["value"], value)]
    return same[0] if len(same) == 1 else None


def choice_credit(picked: Sequence[str], choice: Mapping[str, Any]) -> float:
    """The share of the answer's marks the letters earn (`choice`: 0 or 1; `multi`: per-option or all-or-nothing)."""
    correct = {o["letter"] for o in choice["options"] if o["correct"]}
    wrong = {o["letter"] for o in choice["options"] if not o["correct"]}
    ticked = set(picked)
    if choice["kind"] == "choice" or choice["scoring"] == "all-or-nothing":
        return 1.0 if ticked == correct else 0.0
    earned = len(ticked & correct) / len(correct) - (len(ticked & wrong) / len(wrong) if wrong else 0.0)
    return max(0.0, earned)


def choice_diagnosis(picked: Sequence[str], choice: Mapping[str, Any]) -> str:
    """The mistakes behind the wrong options picked, and the correct options missed in a `multi`."""
    options = {o["letter"]: o for o in choice["options"]}
    named = [f"{letter}: {option_label(options[letter])}" for letter in picked if not options[letter]["correct"]]
    if choice["kind"] == "multi" and picked:
        missed = [letter for letter, option in options.items() if option["correct"] and letter not in picked]
        if missed:
            named.append(f"missed correct {', '.join(missed)}")
    return "; ".join(named)


def option_id(option: Mapping[str, Any]) -> str:
    """What the misconception report counts an option by across papers (letters differ per paper): the key, the
    misconception's name, fallback, or the written text."""
    if option["source"] == "written":
        return f"written:{option['text']}"
    if option["source"] == "misconception" and option.get("misconception"):
        return f"misconception:{option['misconception']}"
    return option["source"]


def grade_choice_cell(spec: AnswerSpec, choice: Mapping[str, Any], typed: str, line: int, column: str,
                      max_marks: float, decimal_comma: bool = False) -> Cell:  # fmt: skip
    """Read and score the letters of one response (raises LetterError for letters the paper does not print)."""
    key = str(choice["key"])
    rule = "per-option credit" if choice["kind"] == "multi" and choice["scoring"] == "per-option" else "exactly"

    def cell(read_as: str, verdict: str, why: Reason | None, credit: float = 0.0, picked: Sequence[str] = ()) -> Cell:
        options = {o["letter"]: o for o in choice["options"]}
        return Cell(line, column, typed, read_as, key, f"{key} ({rule})", verdict, why, max_marks * credit,
                    max_marks, choice_diagnosis(picked, choice), credit,
                    tuple(option_id(options[letter]) for letter in picked))  # fmt: skip

    try:
        picked = read_letters(typed, choice, spec, decimal_comma)
    except Unreadable as exc:
        return cell("", "unreadable", Reason(Kind.CANNOT_READ, (visible(typed), "option letters", exc.why)))
    if not picked:
        return cell("", "blank", Reason(Kind.NO_ANSWER))
    credit = choice_credit(picked, choice)
    verdict = "right" if credit == 1 else "partial" if credit > 0 else "wrong"
    why = None if verdict == "right" else Reason(Kind.KEY_IS, (key,))
    if verdict == "partial":
        why = Reason(Kind.PARTIAL_CREDIT, (key, credit))
    return cell(", ".join(picked), verdict, why, credit, picked)
