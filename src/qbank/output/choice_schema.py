"""The shape of a question record's `choices` and `misconceptions` (what grading reads to score letters and
diagnose mistakes), checked so a hostile or damaged manifest ends as located problems, never a crash."""

from __future__ import annotations

from typing import Any

from qbank.core.limits import MAX_CHOICE_OPTIONS
from qbank.solve.answer_fit import answer_problem

KeyPath = tuple[str | int, ...]
SchemaProblem = tuple[KeyPath, str]

LETTERS = "ABCDEFGHIJ"[:MAX_CHOICE_OPTIONS]
SCORINGS = {"choice": ("single",), "multi": ("per-option", "all-or-nothing")}
NUMBERS = ("int", "fixed", "sig")


def choice_rules(question: dict[str, Any], path: KeyPath) -> list[SchemaProblem]:
    """The rules between the fields of a question record's `choices` and `misconceptions` (already of the right
    shape): letters, key, correct options, scoring, and values that fit the answer's format."""
    out: list[SchemaProblem] = []
    specs = question.get("answer_specs") if isinstance(question.get("answer_specs"), dict) else {}
    for name, record in question.get("choices", {}).items():
        out += _one_choice(name, record, specs, (*path, "choices", name))
    for name, mistakes in question.get("misconceptions", {}).items():
        fmt = _format_of(specs, name)
        for index, entry in enumerate(mistakes):
            if fmt in NUMBERS and (problem := answer_problem(fmt, entry["value"])) is not None:
                out.append(((*path, "misconceptions", name, index, "value"), f"{fmt} value {problem}"))
    return out


def _format_of(specs: dict[str, Any], name: str) -> str | None:
    """The recorded format of an answer (None when it is not declared or not a string)."""
    spec = specs.get(name)
    fmt = spec.get("format") if isinstance(spec, dict) else None
    return fmt if isinstance(fmt, str) else None


def _one_choice(name: str, record: dict[str, Any], specs: dict[str, Any], path: KeyPath) -> list[SchemaProblem]:
    """The rules between one choice's fields: letters, key, correct options, scoring and values."""
    out: list[SchemaProblem] = []
    if name not in specs:
        out.append((path, "a choice for an answer not in answer_specs"))
    kind, options = record["kind"], record["options"]
    if record["scoring"] not in SCORINGS[kind]:
        out.append(((*path, "scoring"), f"must be one of {list(SCORINGS[kind])} for a {kind}, got "
                    f"{record['scoring']!r}"))  # fmt: skip
    if not 2 <= len(options) <= MAX_CHOICE_OPTIONS:
        out.append(((*path, "options"), f"must hold 2 to {MAX_CHOICE_OPTIONS} options, got {len(options)}"))
        return out
    letters = [option["letter"] for option in options]
    for index, letter in enumerate(letters):
        if letter in letters[:index]:
            out.append(((*path, "options", index, "letter"), f"duplicate letter {letter!r}"))
        elif letter != LETTERS[index]:
            out.append(((*path, "options", index, "letter"), f"must be {LETTERS[index]!r} (options are lettered "
                        f"A, B, … in order), got {letter!r}"))  # fmt: skip
    correct = [o["letter"] for o in options if o["correct"]]
    if not correct or (kind == "choice" and len(correct) != 1):
        out.append(((*path, "options"), f"a {kind} needs {'exactly one' if kind == 'choice' else 'a'} correct "
                    f"option, got {len(correct)}"))  # fmt: skip
    key = [part.strip() for part in record["key"].split(",")]
    if any(part not in letters for part in key):
        out.append(((*path, "key"), f"{record['key']!r} names a letter not among the options {letters}"))
    elif key != correct:
        out.append(((*path, "key"), f"{record['key']!r} differs from the options marked correct {correct}"))
    fmt = _format_of(specs, name)
    for index, option in enumerate(options):
        value = option.get("value")
        if fmt in NUMBERS and value is not None and (problem := answer_problem(fmt, value)) is not None:
            out.append(((*path, "options", index, "value"), f"{fmt} value {problem}"))
    return out
