"""The precision the grader needs for an answer, in the words both the printed paper (and key) and the practice web
pages use: derived from the answer's spec alone (never from a variant's key), so every seed says the same."""

from __future__ import annotations

from collections.abc import Sequence

from markupsafe import Markup

from qbank.spec.models import AnswerSpec

NUMERIC = ("int", "fixed", "sig", "vector", "matrix")  # the formats whose answers need a stated precision
WHOLE = "a whole number"  # what an integer answer graded exactly needs
SENTENCE_ENDS = (".", "?", "!", ":")  # a label ending so reads as a sentence: what follows it starts one


def _number(x: float) -> str:
    """A tolerance as the words print it (no float noise)."""
    return format(x, ".12g")


def precision(spec: AnswerSpec) -> str:
    """The precision the grader needs for one number of this answer ('to 2 decimal places', 'to 3 significant
    figures', 'a whole number'), with its tolerance when that is not the format's natural half-unit; '' for text."""
    tol = spec.tolerance
    if spec.format == "text":
        return ""
    if spec.format == "int":
        said, natural = WHOLE, (tol is None or (tol.abs == 0 and tol.rel is None and tol.sig is None))
    elif spec.format == "sig":
        said = f"to {spec.sig} significant figures" if spec.sig else "a number"
        natural = tol is None or tol.sig == spec.sig
    else:
        decimals = spec.decimals or 0
        said = f"to {decimals} decimal place{'s' if decimals != 1 else ''}" if decimals else "rounded to a whole number"
        natural = tol is None or (tol.abs is not None and tol.abs == 0.5 * 10**-decimals)
    if natural or tol is None:
        return said
    if tol.abs is not None:
        return f"{said}, within ±{_number(tol.abs)}"
    if tol.rel is not None:
        return f"{said}, within {_number(tol.rel * 100)}% of the exact value"
    return f"to {tol.sig} significant figures"


def needed(spec: AnswerSpec) -> str:
    """What a written answer must be, as the paper and key print it: `precision` of each number of a vector or
    matrix ('each to 2 decimal places'); '' for an answer without numbers (text, or options to tick)."""
    if spec.format not in NUMERIC:
        return ""
    words = precision(spec)
    return f"each {words}" if spec.format in ("vector", "matrix") else words


def after_label(source: str, words: str) -> str:
    """The words as they follow an answer's label (its written `source`): ', to 2 decimal places', or capitalized
    after a label that ends a sentence ('How fast? To 2 decimal places'); '' without words."""
    if not words:
        return ""
    if source.rstrip().endswith(SENTENCE_ENDS):
        return f" {words[0].upper()}{words[1:]}"
    return f", {words}"


def needs_line(named: Sequence[tuple[Markup, str]], answers: int) -> Markup:
    """The line under a free part's text saying what each of its `answers` must be, from its answers' names (label
    and unit) and words, in declared order ('' for none): 'Speed (m/s): to 2 decimal places.' for one, 'All
    answers: a whole number.' when every answer needs the same, else the answers needing the same words together
    ('A and B: a whole number; C: to 3 decimal places.')."""
    named = [(name, words) for name, words in named if words]
    if not named:
        return Markup("")
    groups: dict[str, list[Markup]] = {}
    for name, words in named:
        groups.setdefault(words, []).append(name)
    if len(groups) == 1 and len(named) == answers > 1:
        return Markup("All answers: {}.").format(named[0][1])
    said = [Markup("{}{} {}").format(_listed(names), _colon(names[-1]), words) for words, names in groups.items()]
    return Markup("; ").join(said) + Markup(".")


def _listed(names: Sequence[Markup]) -> Markup:
    """Names as a sentence lists them: 'A', 'A and B', 'A, B and C'."""
    if len(names) < 2:
        return Markup("").join(names)
    return Markup("{} and {}").format(Markup(", ").join(names[:-1]), names[-1])


def _colon(name: Markup) -> str:
    """What puts words after a name: a colon, or nothing after a name that ends a sentence ('How fast?')."""
    return "" if name.striptags().rstrip().endswith(SENTENCE_ENDS) else ":"
