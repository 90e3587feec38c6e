"""Seed sweeps: draw, solve, check and render many variants per question, and report anything broken.

For every swept seed and the canonical variant, `sweep_question` checks (README, "Verification"):

- every seed draws parameters that satisfy every constraint within the sampler's 1,000 attempts;
- the solver returns finite, well-formed answers; every printed number has at most 15 significant digits,
  and the printed key is at most 300 characters long and accepted by its own grader;
- no number of an answer sits on a rounding boundary of its tolerance: half-way between two printed values,
  where the other rounding is as correct as the key's but only just (or not) inside the tolerance;
- the items of every `distinct` list differ (options, the probabilities either side of a top-k cut, ...);
- the figure draws;
- no undefined name: every name and constant key path the text and the solution read (`steps.total`,
  `law['name']`, `window[2]`) exists in the variant (`path_problems`; with the load-time check of template
  names in `templating.template_problems`, that rules out StrictUndefined errors).

The first THOROUGH_VARIANTS distinct variants of each question, every later one whose shape is new (parameter
types, list lengths, keys, booleans, short strings, step names: what template branches and loops depend on),
the canonical variant and full-render seeds are also checked thoroughly: text and solution render through
Jinja (any runtime error), no answer appears in the text or figure unless it is also a given
(`answer_leaks`), the constraints are evaluated again (the sampler is not trusted) and the printed key reads
back as itself. The canonical variant (without one: the first FULL_RENDER_SEEDS seeds), and every seed of a
replay of at most REPLAY_SEEDS seeds, also goes through Markdown and math typesetting.

Variants with identical parameters are checked once (solvers are pure); the first few repeats are solved
again to check that purity, and the first seed is drawn twice to check that drawing is deterministic.
"""

from __future__ import annotations

import hashlib
import html
import json
import math
import multiprocessing
import re
import time
from collections.abc import Iterable, Iterator, Mapping, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any

import jinja2
from jinja2 import nodes

from .draw import draw_params, freeze, thaw
from .errors import LocatedError, UserError
from .formats import format_number, last_place, parse_number, print_problems, rounding_boundaries, tolerance_of
from .mathsvg import MathError
from .models import RANDOM_KINDS, AnswerSpec, ChoiceParam, FixedParam, FloatParam, IntParam, SampleParam
from .render import formatted_answers, render_part
from .solve import Variant, make_variant, solve_draw
from .templating import render_string
from .validate import Question

PAPER = "main"
FULL_RENDER_SEEDS = 1  # without a canonical variant, the first seeds go through Markdown and math typesetting
REPLAY_SEEDS = 10  # ... as does every seed of a sweep this short (a replay)
THOROUGH_VARIANTS = 50  # distinct variants per question always rendered through Jinja (and checked for leaks)
PURITY_CHECKS = 3  # repeated parameter sets solved again to check the solver is pure
MIN_CHUNK = 100  # seeds per worker task when one question is split across workers
MISSING_LISTED = 6  # list the never-drawn values of a parameter when at most this many are missing


@dataclass(frozen=True)
class Failure:
    """One broken variant: what is wrong and the command that reproduces it."""

    seed: int | None  # None: the canonical variant
    problem: str
    command: str

    def __str__(self) -> str:
        return f"{self.problem} — reproduce: {self.command}"


@dataclass
class QuestionReport:
    """Sweep results for one question (mergeable across seed ranges)."""

    question_id: str
    requested: int = 0
    variants: int = 0  # seeds drawn and solved (canonical not counted)
    keys: set[bytes] = field(default_factory=set)  # digests of the distinct parameter sets, each checked once
    attempts: int = 0  # draws the constraints needed
    failed_seeds: int = 0
    canonical: str = "none"  # "none", "ok" or "failed"
    answer_ranges: dict[str, list[float]] = field(default_factory=dict)
    seen: dict[str, set[str]] = field(default_factory=dict)  # parameter -> distinct values (or elements)
    spans: dict[str, list[float]] = field(default_factory=dict)  # parameter -> [low, high] of numbers seen
    failures: list[Failure] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def seeds(self) -> int:
        """Seeds drawn and solved (the name older callers use)."""
        return self.variants

    @property
    def distinct(self) -> int:
        """Distinct parameter sets among the variants."""
        return len(self.keys)

    @property
    def acceptance(self) -> float:
        """Fraction of drawn parameter sets that passed every constraint."""
        return self.variants / self.attempts if self.attempts else 1.0

    @property
    def ok(self) -> bool:
        """Whether no variant failed."""
        return not self.failures

    def merge(self, other: QuestionReport) -> None:
        """Fold the report of another seed range of the same question into this one."""
        self.requested += other.requested
        self.variants += other.variants
        self.keys |= other.keys
        self.attempts += other.attempts
        self.failed_seeds += other.failed_seeds
        if other.canonical != "none":
            self.canonical = other.canonical
        for name, (low, high) in other.answer_ranges.items():
            _widen(self.answer_ranges, name, low, high)
        for name, (low, high) in other.spans.items():
            _widen(self.spans, name, low, high)
        for name, values in other.seen.items():
            self.seen.setdefault(name, set()).update(values)
        self.failures.extend(other.failures)
        self.seconds += other.seconds


def _widen(ranges: dict[str, list[float]], name: str, low: float, high: float) -> None:
    """Grow ranges[name] to include low..high."""
    current = ranges.setdefault(name, [low, high])
    current[0], current[1] = min(current[0], low), max(current[1], high)


def _numbers(value: Any) -> list[float]:
    """All numbers in a value (scalars, nested lists and mappings), bools excluded."""
    if isinstance(value, bool):
        return []
    if isinstance(value, int | float):
        return [float(value)]
    if isinstance(value, Mapping):
        return [n for item in value.values() for n in _numbers(item)]
    if isinstance(value, list | tuple):
        return [n for item in value for n in _numbers(item)]
    return []


def _key(value: Any) -> str:
    """A stable text key for a parameter value (coverage, distinctness)."""
    if isinstance(value, list | tuple | Mapping):
        return json.dumps(thaw(value), sort_keys=True, default=str)
    return repr(value)


def _leaves(value: Any) -> list[Any]:
    """Scalar leaves of a nested list value."""
    if isinstance(value, list | tuple):
        return [leaf for item in value for leaf in _leaves(item)]
    return [value]


# --- Reproducing ---------------------------------------------------------------------------------------------


def repro_command(question: Question, seed: int | None) -> str:
    """The command that checks one seed (None: the canonical variant) of one question again."""
    if seed is None:
        return f"qbank check {question.file} --canonical"
    return f"qbank check {question.file} --seed {seed} --seeds 1"


# --- The sweep -----------------------------------------------------------------------------------------------


def sweep_question(
    question: Question, seeds: int, first_seed: int = 0, canonical: bool = True, full_seeds: int = FULL_RENDER_SEEDS
) -> QuestionReport:
    """Draw, solve, check and render seeds first_seed.. (and the canonical variant); collect every failure."""
    return _sweep_range(question, first_seed, first_seed + seeds, canonical, first_seed + full_seeds)


def _sweep_range(question: Question, start: int, stop: int, canonical: bool, full_until: int) -> QuestionReport:
    """Sweep seeds start..stop-1 (full rendering below full_until), plus the canonical variant if asked.

    A question with a canonical variant typesets that one only, unless this is a short replay of a few seeds.
    """
    began = time.perf_counter()
    if question.spec.canonical is not None and stop - start > REPLAY_SEEDS:
        full_until = min(full_until, start)
    report = QuestionReport(question.id, requested=stop - start)
    tracked = _tracked_params(question)
    checked: dict[str, Variant | None] = {}  # parameter set -> its solved variant (None: it failed)
    purity_left = PURITY_CHECKS
    shapes: set[Any] = set()  # shapes of the variants checked thoroughly

    def fail(seed: int | None, problems: Iterable[str], command: str | None = None) -> None:
        command = command or repro_command(question, seed)
        report.failures.extend(Failure(seed, problem, command) for problem in problems)

    for seed in range(start, stop):
        try:
            draw = draw_params(question, seed, PAPER)
            if seed == start and thaw(draw_params(question, seed, PAPER).params) != thaw(draw.params):
                fail(seed, [f"{question.file}: params: drawing seed {seed} twice gave different parameters "
                            "(a parameter function is not pure)"])  # fmt: skip
        except LocatedError as exc:
            report.failed_seeds += 1
            fail(seed, [str(exc)])
            continue
        report.attempts += draw.attempts
        _track(report, tracked, draw.params)
        key = repr(draw.params)
        if key in checked and seed >= full_until:
            report.variants += 1
            first = checked[key]
            if first is None:
                report.failed_seeds += 1
            elif purity_left > 0:
                purity_left -= 1
                replay = f"qbank check {question.file} --seed {first.exam_seed} --seeds {seed - first.exam_seed + 1}"
                fail(seed, _purity_problems(question, first, draw, seed), replay)
            continue
        try:
            variant = solve_draw(question, draw, seed, PAPER)
        except LocatedError as exc:
            checked[key] = None
            report.failed_seeds += 1
            fail(seed, [str(exc)])
            continue
        report.variants += 1
        report.keys.add(hashlib.blake2b(key.encode(), digest_size=8).digest())
        thorough = seed < full_until or len(report.keys) <= THOROUGH_VARIANTS
        if len(report.keys) >= THOROUGH_VARIANTS:  # from here on, a new shape is what earns a render
            shape = (_shape(variant.params), tuple(variant.steps))
            thorough = thorough or shape not in shapes
            shapes.add(shape)
        problems = check_variant(question, variant, full=seed < full_until, thorough=thorough)
        checked[key] = None if problems else variant
        report.failed_seeds += bool(problems)
        fail(seed, problems)
        _track_answers(report, variant)
    if canonical and question.spec.canonical is not None:
        try:
            variant = make_variant(question, 0, PAPER, canonical=True)
            problems = check_variant(question, variant, full=True)
            _track_answers(report, variant)
        except LocatedError as exc:
            problems = [str(exc)]
        report.canonical = "failed" if problems else "ok"
        fail(None, problems)
    report.seconds = time.perf_counter() - began
    return report


def _purity_problems(question: Question, first: Variant, draw: Any, seed: int) -> list[str]:
    """Solve a repeated parameter set again; the answers and steps must not change."""
    try:
        again = solve_draw(question, draw, seed, PAPER)
    except LocatedError as exc:
        return [f"{exc} (the same parameters solved at seed {first.exam_seed})"]
    if thaw(again.answers) != thaw(first.answers) or thaw(again.steps) != thaw(first.steps):
        line = question.document.line(("solver",))
        return [f"{question.file}:{line}: solver: not pure: the parameters of seed {first.exam_seed} gave other "
                f"answers or steps when solved again at seed {seed}"]  # fmt: skip
    return []


def _tracked_params(question: Question) -> dict[str, Any]:
    """The randomly drawn parameters, whose coverage a sweep reports."""
    return {name: p for name, p in question.spec.params.items() if isinstance(p, RANDOM_KINDS)}


def _track(report: QuestionReport, tracked: Mapping[str, Any], params: Mapping[str, Any]) -> None:
    """Record the values (elements, for arrays and samples) and numeric span of each drawn parameter."""
    for name, param in tracked.items():
        value = params[name]
        seen = report.seen.setdefault(name, set())
        if isinstance(param, SampleParam):
            seen.update(map(repr, value))
        elif isinstance(param, ChoiceParam):
            seen.add(repr(value))
        elif param.shape:
            leaves = _leaves(value)
            seen.update(map(repr, leaves))
            _widen(report.spans, name, min(leaves), max(leaves))
        else:
            seen.add(repr(value))
            _widen(report.spans, name, value, value)


def _track_answers(report: QuestionReport, variant: Variant) -> None:
    """Widen the answer ranges by one variant's numbers."""
    for name, value in variant.answers.items():
        numbers = _numbers(value)
        if numbers:
            _widen(report.answer_ranges, name, min(numbers), max(numbers))


# --- Checks of one variant -----------------------------------------------------------------------------------


def check_variant(question: Question, variant: Variant, full: bool = False, thorough: bool = True) -> list[str]:
    """Every problem of one solved variant (located messages).

    `full` adds Markdown and math typesetting. Without `thorough` the text and solution are not rendered (every
    name and constant key path they read is checked to exist instead, and answers are not looked for in the
    text), and the two checks that guard qbank's own code rather than the question are skipped: constraints
    evaluated again, and the printed key read back.
    """
    try:
        formatted = formatted_answers(question, variant)
    except (ValueError, TypeError, ArithmeticError) as exc:
        return [f"{question.file}: answers: cannot be printed: {type(exc).__name__}: {exc}"]
    problems = constraint_problems(question, variant.params) if thorough else []
    problems += answer_problems(question, variant, formatted, reread=thorough)
    if problems:
        return problems
    problems += distinct_problems(question, variant, formatted)
    text, render = render_problems(question, variant, full, formatted, thorough)
    problems += render
    if text is not None:
        problems += answer_leaks(question, variant, text, formatted=formatted)
    return problems


def constraint_problems(question: Question, params: Mapping[str, Any]) -> list[str]:
    """Constraints that do not hold for these parameters (the sampler is not trusted)."""
    problems = []
    for index, constraint in enumerate(question.constraints):
        try:
            holds = bool(constraint.expression(params))
        except Exception as exc:  # an expression error is a broken variant too
            holds, why = False, f" ({type(exc).__name__}: {exc})"
        else:
            why = ""
        if not holds:
            problems.append(f"{question.file}:{constraint.line}: constraints[{index}]: {constraint.message!r} "
                            f"does not hold{why}")  # fmt: skip
    return problems


def answer_problems(
    question: Question, variant: Variant, formatted: Mapping[str, str] | None = None, reread: bool = True
) -> list[str]:
    """Unprintable or self-rejected keys, and answers on a rounding boundary of their tolerance."""
    formatted = formatted if formatted is not None else formatted_answers(question, variant)
    problems = []
    for name, spec in question.spec.answers.items():
        value = variant.answers[name]
        try:
            found = _value_problems(spec, value, formatted[name], reread)
        except TypeError:  # an unhashable value: not cached
            found = _value_problems.__wrapped__(spec, value, formatted[name], reread)
        if found:
            where = f"{question.file}:{question.document.line(('answers', name))}: answers.{name}"
            problems.extend(f"{where}: {problem}" for problem in found)
    return problems


@lru_cache(maxsize=65536)
def _value_problems(spec: AnswerSpec, value: Any, printed: str, reread: bool) -> tuple[str, ...]:
    """Problems of one answer value under its declaration (cached: many variants share answers)."""
    try:
        found = print_problems(spec, value, printed, reread)
    except (ValueError, TypeError, ArithmeticError) as exc:
        found = [f"cannot be printed: {type(exc).__name__}: {exc}"]
    if found:
        return tuple(found)
    for number, shown, other in rounding_boundaries(spec, value):
        tolerance = tolerance_of(spec, number)
        if abs(parse_number(other) - number) < tolerance * (1 - 1e-6):
            continue  # the declared tolerance accepts both roundings with room to spare
        unit = "significant figures" if spec.format == "sig" else "decimals"
        found.append(
            f"{number!r} sits on a rounding boundary of its tolerance: the key prints {shown}, but {other} is "
            f"an equally correct rounding and lies at the edge of the ±{format_number(tolerance)} tolerance "
            f"(add a constraint that avoids such values, print more {unit} or widen the tolerance)"
        )
    return tuple(found)


def distinct_problems(question: Question, variant: Variant, formatted: Mapping[str, str] | None = None) -> list[str]:
    """Items of a `distinct` list that print the same (duplicate options, tied ranks)."""
    checks = getattr(question, "distinct", ())
    if not checks:
        return []
    values = {**variant.params, **variant.answers}
    formatted = formatted if formatted is not None else formatted_answers(question, variant)
    problems = []
    for index, check in enumerate(checks):
        try:
            items = check.expression(values)
        except Exception as exc:
            problems.append(f"{question.file}:{check.line}: distinct[{index}]: {check.source!r} failed: {exc}")
            continue
        answer = question.spec.answers.get(check.source.strip())
        if answer is not None and answer.format in ("vector", "matrix"):
            items = formatted[check.source.strip()].strip("[]").replace(";", ",").split(", ")
        if not isinstance(items, list | tuple):
            problems.append(f"{question.file}:{check.line}: distinct[{index}]: {check.source!r} is not a list")
            continue
        first: dict[str, int] = {}
        for position, item in enumerate(items):
            item_key = _item_key(item)
            if item_key in first:
                problems.append(
                    f"{question.file}:{check.line}: distinct[{index}]: {check.message!r} fails: items "
                    f"{first[item_key]} and {position} of {check.source} are both {_shown(item)}"
                )
                break
            first[item_key] = position
    return problems


def _item_key(item: Any) -> str:
    """Items that print alike get the same key: numbers to 9 significant digits, text case-folded."""
    if isinstance(item, bool):
        return repr(item)
    if isinstance(item, int | float):
        return format(float(item), ".9g")
    if isinstance(item, str):
        return " ".join(item.split()).casefold()
    return _key(item)


def _shown(item: Any) -> str:
    """An item as a message shows it."""
    return format_number(item) if isinstance(item, int | float) and not isinstance(item, bool) else repr(item)


def render_problems(
    question: Question,
    variant: Variant,
    full: bool,
    formatted: Mapping[str, str] | None = None,
    render: bool = True,
) -> tuple[str | None, list[str]]:
    """Draw the figure and render the text and solution through Jinja (and Markdown and math when `full`);
    return the paper's text for the leak check. Without `render`, check the names and constant key paths the
    templates read instead of rendering them, and return no text."""
    where = f"{question.file}:{question.document.line(('figure',))}: figure: {question.spec.figure!r}"
    try:
        figure = question.figure.function(variant.params) if question.figure is not None else ""
    except Exception as exc:  # a figure function that crashes on these values
        return None, [f"{where} raised {type(exc).__name__}: {exc}"]
    if not isinstance(figure, str):
        return None, [f"{where} returned {type(figure).__name__}, not SVG"]
    try:
        if not (render or full):
            return None, path_problems(question, "text", variant) + path_problems(question, "solution", variant)
        context = {**variant.params, "params": variant.params}
        text = render_string(question.spec.text, context)
        if full:
            render_part(question, variant)
        elif question.spec.solution.strip():
            formatted = formatted if formatted is not None else formatted_answers(question, variant)
            render_string(question.spec.solution, {**context, "steps": variant.steps, "answers": formatted,
                                                   "values": variant.answers})  # fmt: skip
    except UserError as exc:
        return None, [str(p) for p in exc.problems]
    except (jinja2.TemplateError, MathError) as exc:
        return None, [f"{question.file}: template error: {type(exc).__name__}: {exc}"]
    except Exception as exc:  # a filter crashed on these values
        return None, [f"{question.file}: rendering raised {type(exc).__name__}: {exc}"]
    return text + "\n" + svg_text(figure), []


def _shape(value: Any) -> Any:
    """What template loops and branches mostly depend on: types, keys, lengths, booleans and short text."""
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, str):
        return value if len(value) <= 16 else "s"
    if isinstance(value, Mapping):
        return tuple((k, _shape(v)) for k, v in value.items())
    if isinstance(value, list | tuple):
        return (len(value), _shape(value[0])) if value else 0
    return type(value).__name__


@lru_cache(maxsize=1024)
def _constant_paths(source: str) -> tuple[tuple[str, tuple[str | int, ...]], ...]:
    """(name, keys) of every `name.a['b'][0]` a template reads with constant keys (loop and set names excluded)."""
    tree = jinja2.Environment().parse(source)
    local = {n.name for n in tree.find_all(nodes.Name) if n.ctx in ("store", "param")}
    paths = set()
    for node in tree.find_all((nodes.Getattr, nodes.Getitem)):
        keys: list[str | int] = []
        current: Any = node
        while isinstance(current, nodes.Getattr | nodes.Getitem):
            if isinstance(current, nodes.Getattr):
                keys.insert(0, current.attr)
            elif isinstance(current.arg, nodes.Const) and isinstance(current.arg.value, str | int):
                keys.insert(0, current.arg.value)
            else:
                break
            current = current.node
        else:
            if isinstance(current, nodes.Name) and current.name not in local:
                paths.add((current.name, tuple(keys)))
    return tuple(sorted(paths, key=repr))


def path_problems(question: Question, field_name: str, variant: Variant) -> list[str]:
    """Constant key paths a template field reads (`steps.total`, `law['name']`) that this variant lacks."""
    source = getattr(question.spec, field_name)
    roots: dict[str, Any] = {**variant.params, "params": variant.params, "steps": variant.steps}
    problems = []
    for name, keys in _constant_paths(source):
        if name not in roots:
            continue  # answers/values (checked against the declaration at load), loop variables, globals
        value = roots[name]
        for depth, key in enumerate(keys):
            if isinstance(value, Mapping):
                if key not in value:
                    shown = name + "".join(f".{k}" for k in keys[: depth + 1])
                    problems.append(f"{question.file}: {field_name}: {shown} is undefined for this variant")
                    break
                value = value[key]
            elif isinstance(value, list | tuple) and isinstance(key, int):
                if not -len(value) <= key < len(value):
                    problems.append(f"{question.file}: {field_name}: {name}{keys} index {key} is out of range")
                    break
                value = value[key]
            else:
                break  # a method or attribute of a plain value: Jinja decides
    return problems


# --- Answer leaks --------------------------------------------------------------------------------------------

_TEX_WORDS = {r"\times": " × ", r"\cdot": " · ", r"\left": "", r"\right": "", "{,}": ",", r"\,": " ", r"\ ": " ",
              r"\!": "", r"\;": " ", r"\quad": " "}  # fmt: skip
_TEX = re.compile("|".join(re.escape(k) for k in sorted(_TEX_WORDS, key=len, reverse=True)))
_PLAIN = {"\u2212": "-", "\u2013": "-", "\u00a0": " ", "\u2009": " ", "\u202f": " ", "\u2005": " "}
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
        numbers = _numbers(value)
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
            numbers = [float(n) for n in _leaves(thaw(value))]
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
        numbers = [float(n) for n in _numbers(value)]
        strings = [s for s in _strings(value, joined=False) if s.strip()]
        shown = _subsequence(tokens, numbers) and all(_normal(s).strip() in normal for s in strings)
        if not shown:
            label = name + "".join(f"[{k!r}]" for k in path)
            missing.append(f"{label} = {json.dumps(thaw(value))}")
    for name in _looped_arrays(question.spec.text):
        param = question.spec.params.get(name)
        array = isinstance(param, IntParam | FloatParam) and param.shape  # its numbers, in order, among others
        if array and not _subsequence(tokens, [float(n) for n in _numbers(variant.params[name])]):
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

_LOADED: dict[str, dict[str, Question]] = {}


def load(path: Path) -> list[Question]:
    """Load what a CLI path names (bank, bank.yaml or one question) and keep it for forked workers."""
    from .bank import load_questions

    _, questions = load_questions(Path(path))
    _LOADED[str(path)] = {q.id: q for q in questions}
    return questions


def _task(path: str, question_id: str, start: int, stop: int, canonical: bool, full_until: int) -> QuestionReport:
    """Worker: sweep one seed range of one question of the bank at `path` (loaded before the fork)."""
    if path not in _LOADED:
        load(Path(path))
    return _sweep_range(_LOADED[path][question_id], start, stop, canonical, full_until)


def _chunks(questions: int, seeds: int, workers: int) -> int:
    """How many seed ranges to split each question into so that `workers` processes stay busy."""
    if workers <= 1:
        return 1
    wanted = math.ceil(3 * workers / max(1, questions))
    return max(1, min(wanted, seeds // MIN_CHUNK))


def sweep_all(
    path: Path,
    question_ids: Sequence[str],
    seeds: int,
    workers: int,
    first_seed: int = 0,
    canonical: bool = True,
    full_seeds: int = FULL_RENDER_SEEDS,
) -> Iterator[QuestionReport]:
    """Sweep questions in `workers` processes (1 = in this process), yielding reports in the given order."""
    key = str(path)
    if key not in _LOADED:
        load(path)
    full_until = first_seed + full_seeds
    parts = _chunks(len(question_ids), seeds, workers)
    bounds = [first_seed + seeds * i // parts for i in range(parts + 1)]
    ranges = [(bounds[i], bounds[i + 1], canonical and i == 0) for i in range(parts)]
    if workers <= 1 or len(question_ids) * parts <= 1:
        for question_id in question_ids:
            yield _merged([_task(key, question_id, a, b, c, full_until) for a, b, c in ranges])
        return
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        futures: list[list[Future[QuestionReport]]] = [
            [pool.submit(_task, key, qid, a, b, c, full_until) for a, b, c in ranges] for qid in question_ids
        ]
        for group in futures:
            yield _merged([future.result() for future in group])


def _merged(reports: list[QuestionReport]) -> QuestionReport:
    """One report from the reports of a question's seed ranges."""
    first = reports[0]
    for other in reports[1:]:
        first.merge(other)
    return first


# --- Describing a report -------------------------------------------------------------------------------------


def coverage_lines(question: Question, report: QuestionReport) -> list[str]:
    """Per drawn parameter: values seen of those possible, and the range seen against the declared range."""
    lines = []
    for name, param in _tracked_params(question).items():
        seen = report.seen.get(name, set())
        possible = _possible(param)
        what = "elements" if isinstance(param, IntParam | FloatParam) and param.shape else "values"
        if isinstance(param, SampleParam):
            what = "items"
        line = f"{name}: {len(seen):,}/{len(possible) if isinstance(possible, list) else possible:,} {what} seen"
        if isinstance(param, IntParam | FloatParam) and name in report.spans:
            low, high = report.spans[name]
            line += f", {format_number(low)} .. {format_number(high)} of {format_number(param.min)} .. " \
                    f"{format_number(param.max)}"  # fmt: skip
        if isinstance(possible, list):
            never = [p for p in possible if p not in seen]
            if 0 < len(never) <= MISSING_LISTED:
                line += "; never drawn: " + ", ".join(never)
        lines.append(line)
    return lines


def _possible(param: Any) -> list[str] | int:
    """The values a drawn parameter (or each element) can take, as keys, or their count when there are many."""
    if isinstance(param, IntParam):
        count = (param.max - param.min) // param.step + 1
        return [repr(param.min + i * param.step) for i in range(count)] if count <= 1000 else count
    if isinstance(param, FloatParam):
        scale = 10**param.decimals
        low, count = round(param.min * scale), round((param.max - param.min) * scale) + 1
        return [repr(round((low + i) / scale, param.decimals)) for i in range(count)] if count <= 1000 else count
    if isinstance(param, ChoiceParam):
        return list(dict.fromkeys(repr(freeze(choice)) for choice in param.choices))
    return [repr(freeze(item)) for item in param.items]
