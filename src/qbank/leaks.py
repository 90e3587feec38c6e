"""Reading numbers in rendered text: answer leaks into the question and givens missing from it."""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from typing import Any

import jinja2
from jinja2 import nodes

from .answer_checks import last_place
from .draw import thaw
from .models import (
    RANDOM_KINDS,
    AnswerSpec,
    ChoiceParam,
    FixedParam,
    FloatParam,
    IntParam,
    SampleParam,
)
from .render import formatted_answers
from .solve import Variant
from .validate import Question


def value_numbers(value: Any) -> list[float]:
    """All numbers in a value (scalars, nested lists and mappings), bools excluded."""
    if isinstance(value, bool):
        return []
    if isinstance(value, int | float):
        return [float(value)]
    if isinstance(value, Mapping):
        return [n for item in value.values() for n in value_numbers(item)]
    if isinstance(value, list | tuple):
        return [n for item in value for n in value_numbers(item)]
    return []


def value_key(value: Any) -> str:
    """A stable text key for a parameter value (coverage, distinctness)."""
    if isinstance(value, list | tuple | Mapping):
        return json.dumps(thaw(value), sort_keys=True, default=str)
    return repr(value)


def value_leaves(value: Any) -> list[Any]:
    """Scalar leaves of a nested list value."""
    if isinstance(value, list | tuple):
        return [leaf for item in value for leaf in value_leaves(item)]
    return [value]


_TEX_WORDS = {r"\times": " × ", r"\cdot": " · ", r"\left": "", r"\right": "", "{,}": ",", r"\,": " ", r"\ ": " ",
              r"\!": "", r"\;": " ", r"\quad": " "}  # fmt: skip
_TEX = re.compile("|".join(re.escape(k) for k in sorted(_TEX_WORDS, key=len, reverse=True)))
_PLAIN = {
    "\u2212": "-",
    "\u2013": "-",
    "\u00a0": " ",
    "\u2009": " ",
    "\u202f": " ",
    "\u2005": " ",
}
_PLAIN.update(zip("⁰¹²³⁴⁵⁶⁷⁸⁹⁻⁺", "0123456789-+", strict=True))
_SPECIAL = re.compile("[" + "".join(_PLAIN) + "]")
_SCIENTIFIC = re.compile(r"(\d)\s*[×xX]\s*10\s*\^?\s*[{(]?\s*([-+]?\d+)\s*[})]?")
_TOKEN = re.compile(r"(?<![\w.])(-?(?:\d{1,3}(?:,\d{3})+(?![\d,])|\d+))(?:\.(\d+))?(?:e([-+]?\d+))?")
_SVG_TEXT = re.compile(r">([^<>]+)<")
_JINJA = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", re.S)
_MIN_DIGITS = 3  # an answer needs this many significant digits to be recognisable in a text
_MIN_TEXT = 6  # ... and a text answer this many characters (or two words)

Token = tuple[float, int]  # value and exponent of its last digit


def svg_text(svg: str) -> str:
    """The text an SVG figure shows (its text nodes)."""
    return " ".join(html.unescape(t) for t in _SVG_TEXT.findall(svg) if t.strip())


def plain_text(text: str) -> str:
    """Text as a reader sees it: entities decoded, LaTeX spacing gone, ASCII minus, 4.04×10⁻⁵ as 4.04e-5."""
    if "&" in text:
        text = html.unescape(text)
    if "\\" in text or "{,}" in text:
        text = _TEX.sub(lambda m: _TEX_WORDS[m.group()], text)
    if not text.isascii():
        text = _SPECIAL.sub(lambda m: _PLAIN[m.group()], text)
    if "10" in text:
        text = _SCIENTIFIC.sub(r"\1e\2", text)
    return " ".join(text.split())


def number_tokens(text: str) -> list[Token]:
    """Every number in a plain text, in order, with the exponent of its last digit."""
    cache = _TOKENS
    tokens = []
    for found in _TOKEN.findall(text):
        token = cache.get(found)
        if token is None:
            whole, decimals, exponent = found
            number = float(f"{whole.replace(',', '')}.{decimals or 0}e{exponent or 0}")
            token = cache[found] = (number, int(exponent or 0) - len(decimals))
        tokens.append(token)
    if len(cache) > 100_000:
        cache.clear()
    return tokens


_TOKENS: dict[tuple[str, str, str], Token] = {}


_HALF = {place: 0.5 * 10.0**place * (1 + 1e-9) for place in range(-40, 40)}


def _shows(token: Token, number: float, place: int) -> bool:
    """Whether a printed number is a correct rounding of `number`, at least as precise as the key (place)."""
    value, token_place = token
    return token_place <= place and abs(value - number) <= _HALF.get(token_place, 0.0) + 1e-12 * abs(number)


def _run_in(tokens: Sequence[Token], numbers: Sequence[float], place: int) -> bool:
    """Whether consecutive tokens show every number, in order."""
    n, first = len(numbers), numbers[0]
    slack = 1e-12 * abs(first)
    for i in range(len(tokens) - n + 1):
        value, token_place = tokens[i]
        if token_place > place or abs(value - first) > _HALF.get(token_place, 0.0) + slack:
            continue
        if all(_shows(tokens[i + j], numbers[j], place) for j in range(1, n)):
            return True
    return False


@lru_cache(maxsize=65536)
def _distinctive(printed: str) -> bool:
    """Whether a printed number answer is rare enough in prose to count as leaked when found (not 7, 0.5, [1, 0])."""
    digits = [_digits(element) for element in re.split(r"[;,]\s", printed.strip("[]"))]
    return sum(digits) >= _MIN_DIGITS and max(digits) >= 2


def _digits(printed: str) -> int:
    """Significant digits of a printed answer (of its mantissa, for 4.04×10⁻⁵)."""
    mantissa = printed.split("×")[0]
    return len(re.sub(r"\D", "", mantissa).lstrip("0"))


def _normal(text: str) -> str:
    """Case-folded plain text with single spaces and without Markdown emphasis, for text comparisons."""
    return " " + re.sub(r"[*_`\"“”]", "", plain_text(text)).casefold() + " "


@lru_cache(maxsize=1024)
def _literal(source: str) -> tuple[str, tuple[Token, ...]]:
    """The fixed prose of a template (Jinja tags removed): normalized text and its numbers."""
    plain = plain_text(_JINJA.sub(" ", source))
    return _normal(plain), tuple(number_tokens(plain))


@dataclass(frozen=True)
class _Givens:
    """What the paper gives anyway: numbers and text of drawn and fixed parameters and of the template."""

    texts: tuple[str, ...]
    sequences: tuple[tuple[Token, ...], ...]


def _givens(question: Question, params: Mapping[str, Any], extra_text: str = "") -> _Givens:
    """Givens of one variant: drawn and fixed parameters, the template's prose, and any extra text."""
    literal_text, literal_tokens = _literal(question.spec.text)
    texts = [literal_text, _normal(extra_text)]
    sequences = [literal_tokens, tuple(number_tokens(plain_text(extra_text)))]
    for name, param in question.spec.params.items():
        if not isinstance(param, (*RANDOM_KINDS, FixedParam)):
            continue
        value = params[name]
        numbers = value_numbers(value)
        sequences.append(tuple(number_tokens(" ".join(_plain_number(n) for n in numbers))))
        texts.extend(_normal(s) for s in _strings(value))
    return _Givens(tuple(texts), tuple(sequences))


def _plain_number(x: float) -> str:
    """A parameter number written with all its digits."""
    return str(int(x)) if x.is_integer() and abs(x) < 1e15 else repr(x)


def _strings(value: Any, joined: bool = True) -> list[str]:
    """Every string in a nested value (and each list of strings joined, as a template's join prints it)."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, Mapping):
        return [s for item in value.values() for s in _strings(item, joined)]
    if isinstance(value, list | tuple):
        found = [s for item in value for s in _strings(item, joined)]
        words = [item for item in value if isinstance(item, str)]
        return [*found, " ".join(words)] if joined and len(words) > 1 else found
    return []


def answer_leaks(
    question: Question,
    variant: Variant,
    text: str,
    extra_givens: str = "",
    formatted: Mapping[str, str] | None = None,
) -> list[str]:
    """Answers whose printed value appears in a text of the student paper, and is not also a given.

    A number answer leaks when a number in the text is a correct rounding of it, at least as precise as the key
    (vectors and matrices: all their numbers, consecutively); a text answer when it appears as words. Answers
    with fewer than 3 significant digits (or short text) are too common to tell apart and are not checked.
    """
    plain = plain_text(text)
    tokens: list[Token] | None = None
    normal: str | None = None
    givens: _Givens | None = None
    formatted = formatted if formatted is not None else formatted_answers(question, variant)
    leaks = []
    for name, spec in question.spec.answers.items():
        value, printed = variant.answers[name], formatted[name]
        if spec.format == "text":
            needle = _normal(str(value)).strip()
            if len(needle) < _MIN_TEXT and " " not in needle:
                continue
            normal = normal if normal is not None else _normal(plain).replace(".", " ")
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
            if not _run_in(tokens, numbers, place):
                continue
            givens = givens or _givens(question, variant.params, extra_givens)
            if any(_run_in(sequence, numbers, place) for sequence in givens.sequences):
                continue
        line = question.document.block_starts.get(("text",), question.document.line(("text",)))
        leaks.append(f"{question.file}:{line}: text: answer {name!r} ({printed}) appears in the question paper "
                     "and is not one of its givens")  # fmt: skip
    return leaks


def _place(spec: AnswerSpec, numbers: Sequence[float]) -> int:
    """The coarsest last printed place of an answer's numbers (0 for exact ints)."""
    places = [last_place(spec, x) for x in numbers]
    return max((p for p in places if p is not None), default=0)


# --- What a paper must show ----------------------------------------------------------------------------------


@lru_cache(maxsize=1024)
def _printed_names(source: str) -> tuple[tuple[str, tuple[str | int, ...]], ...]:
    """(parameter, key path) of every value a template always prints: {{ x }}, {{ x|filter }}, {{ x['k'] }}.

    Outputs inside `{% if %}` blocks and loops are left out: whether they print depends on the values.
    """
    found = []
    for output in _unconditional_outputs(jinja2.Environment().parse(source)):
        for expression in output.nodes:
            node = expression
            while isinstance(node, nodes.Filter) and node.node is not None:
                node = node.node
            path: list[str | int] = []
            while isinstance(node, nodes.Getitem | nodes.Getattr):
                if isinstance(node, nodes.Getattr):
                    key: Any = node.attr
                else:
                    key = node.arg.value if isinstance(node.arg, nodes.Const) else None
                if not isinstance(key, str | int):
                    break
                path.insert(0, key)
                node = node.node
            else:
                if isinstance(node, nodes.Name):
                    found.append((node.name, tuple(path)))
    return tuple(dict.fromkeys(found))


def _unconditional_outputs(node: nodes.Node, loops: bool = False) -> Iterator[nodes.Output]:
    """Output nodes not nested in an if, a macro or a conditional expression (nor a loop, unless `loops`)."""
    for child in node.iter_child_nodes():
        if isinstance(child, nodes.Output):
            yield child
        elif isinstance(child, nodes.For) and loops:
            yield from _unconditional_outputs(nodes.Template(child.body), loops)
        elif not isinstance(child, nodes.If | nodes.For | nodes.Macro | nodes.CondExpr | nodes.CallBlock):
            yield from _unconditional_outputs(child, loops)


@lru_cache(maxsize=1024)
def _looped_arrays(source: str) -> tuple[str, ...]:
    """Names a template prints element by element in a loop: `{% for .. %}{{ x[loop.index0][0] }}{% endfor %}`."""
    found = []
    for output in _unconditional_outputs(jinja2.Environment().parse(source), loops=True):
        for expression in output.nodes:
            node, indexed = expression, False
            while isinstance(node, nodes.Getitem):
                node, indexed = node.node, True
            if indexed and isinstance(node, nodes.Name):
                found.append(node.name)
    return tuple(dict.fromkeys(found))


def missing_givens(question: Question, variant: Variant, text: str) -> list[str]:
    """Drawn parameters the question text prints that do not appear in `text` (a paper's text): values printed
    outside `{% if %}` blocks and loops, and arrays printed element by element in a loop (in order)."""
    plain = plain_text(text)
    tokens = number_tokens(plain)
    normal = _normal(plain)
    missing = []
    for name, path in _printed_names(question.spec.text):
        param = question.spec.params.get(name)
        if not isinstance(param, RANDOM_KINDS) or (isinstance(param, ChoiceParam | SampleParam) and not path and
                                                   isinstance(variant.params[name], Mapping)):  # fmt: skip
            continue
        value: Any = variant.params[name]
        try:
            for key in path:
                value = value[key]
        except (KeyError, IndexError, TypeError):
            continue
        if isinstance(value, bool) or value is None:
            continue
        numbers = [float(n) for n in value_numbers(value)]
        strings = [s for s in _strings(value, joined=False) if s.strip()]
        shown = _subsequence(tokens, numbers) and all(_normal(s).strip() in normal for s in strings)
        if not shown:
            label = name + "".join(f"[{k!r}]" for k in path)
            missing.append(f"{label} = {json.dumps(thaw(value))}")
    for name in _looped_arrays(question.spec.text):
        param = question.spec.params.get(name)
        array = isinstance(param, IntParam | FloatParam) and param.shape  # its numbers, in order, among others
        if array and not _subsequence(tokens, [float(n) for n in value_numbers(variant.params[name])]):
            missing.append(f"{name} = {json.dumps(thaw(variant.params[name]))}")
    return missing


def _subsequence(tokens: Sequence[Token], numbers: Sequence[float]) -> bool:
    """Whether the numbers appear in order (not necessarily consecutively), each at its own precision."""
    position = 0
    for number in numbers:
        place = int(Decimal(repr(number)).as_tuple().exponent) if not number.is_integer() else 0
        while position < len(tokens) and not _same(tokens[position], number, place):
            position += 1
        if position == len(tokens):
            return False
        position += 1
    return True


def _same(token: Token, number: float, place: int) -> bool:
    """A printed number shows a given one: equal, or a correct rounding of it at the printed precision."""
    value, token_place = token
    if token_place <= place:
        return abs(value - number) <= 1e-12 * max(1.0, abs(number))
    return abs(value - number) <= _HALF.get(token_place, 0.0)


# --- Parallel sweeps -----------------------------------------------------------------------------------------
