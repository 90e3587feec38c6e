"""Benchmark: variants drawn+solved per second across a bank on one core, without and with question HTML."""

from __future__ import annotations

import argparse
import cProfile
import itertools
import os
import pstats
import sys
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from qbank.draw.params import draw_params
from qbank.render import markup, mathsvg, render_part, render_question_text
from qbank.render.templating import compile_template
from qbank.solve.variant import make_variant
from qbank.spec.bank import load_bank
from qbank.spec.validate import Question
from qbank.speedups import install_all

REPO = Path(__file__).resolve().parents[1]
TARGET_SOLVED = 20_000  # variants/s drawn+solved
TARGET_HTML = 5_000  # variants/s drawn+solved+rendered to HTML
PAPER = "main"
WARMUP_SEED = 1_000_000  # warm-up seeds count up from here, so measured seeds (from 0) are fresh

Work = Callable[[Question, int], Any]
Pair = tuple[int, int]  # (exam seed, index of the question)


@dataclass
class Measurement:
    """Variants done, wall and CPU time, and per question: variants and wall time."""

    label: str
    questions: int
    variants: int = 0
    elapsed: float = 0.0
    cpu: float = 0.0
    counts: list[int] = field(default_factory=list)
    seconds: list[float] = field(default_factory=list)
    done: list[Pair] = field(default_factory=list)

    @property
    def rate(self) -> float:
        """Variants per wall-clock second."""
        return self.variants / self.elapsed if self.elapsed else 0.0

    @property
    def cpu_rate(self) -> float:
        """Variants per CPU second of this process (less sensitive to other load on the machine)."""
        return self.variants / self.cpu if self.cpu else 0.0


def default_bank() -> Path:
    """banks/deep-learning when it has question files, else banks/sample."""
    deep = REPO / "banks" / "deep-learning"
    if any((deep / "questions").rglob("*.yaml")):
        return deep
    return REPO / "banks" / "sample"


def pin_one_core() -> str:
    """Pin this process (and any threads numpy starts) to one CPU; say which."""
    if not hasattr(os, "sched_setaffinity"):
        return "not pinned (no sched_setaffinity); single process"
    cpu = min(os.sched_getaffinity(0))
    os.sched_setaffinity(0, {cpu})
    return f"pinned to CPU {cpu}; single process"


def load_average() -> str:
    """The 1-minute load average and the CPU count, to flag a busy machine."""
    if not hasattr(os, "getloadavg"):
        return "load unknown"
    return f"load {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs"


def solve_only(question: Question, seed: int) -> Any:
    """Draw and solve one variant."""
    return make_variant(question, seed, PAPER)


def solve_and_render_text(question: Question, seed: int) -> Any:
    """Draw, solve and render one variant's question text to HTML (what the student reads)."""
    return render_question_text(question, make_variant(question, seed, PAPER))


def solve_and_render(question: Question, seed: int) -> Any:
    """Draw, solve and render one variant's text, figure and solution to HTML."""
    return render_part(question, make_variant(question, seed, PAPER))


def fresh_pairs(questions: int, first_seed: int = 0) -> Iterator[Pair]:
    """Every question for seed first_seed, then every question for the next seed, and so on."""
    return ((seed, index) for seed in itertools.count(first_seed) for index in range(questions))


def measure(
    label: str,
    questions: Sequence[Question],
    work: Work,
    pairs: Iterable[Pair],
    budget: float,
    record: bool = False,
    at_least: int = 1,
) -> Measurement:
    """Run `work` on (seed, question) pairs in order until `budget` seconds have passed and `at_least` are done."""
    result = Measurement(label, len(questions), counts=[0] * len(questions), seconds=[0.0] * len(questions))
    counts, seconds, done = result.counts, result.seconds, result.done
    cpu_start = time.process_time()
    start = now = time.perf_counter()
    deadline = start + budget
    for seed, index in pairs:
        work(questions[index], seed)
        later = time.perf_counter()
        counts[index] += 1
        seconds[index] += later - now
        now = later
        if record:
            done.append((seed, index))
        if now >= deadline and sum(counts) >= at_least:
            break
    result.cpu = time.process_time() - cpu_start
    result.elapsed = now - start
    result.variants = sum(counts)
    return result


def formula_caches() -> dict[str, Any]:
    """The functools caches of qbank.render.mathsvg and qbank.render.markup, if any: a cold pass must miss them."""
    modules = (mathsvg, markup)
    return {
        name: value for m in modules for name, value in vars(m).items() if callable(getattr(value, "cache_info", None))
    }


def clear_math_cache() -> None:
    """Forget every typeset formula."""
    for cache in formula_caches().values():
        cache.cache_clear()


def cache_counts() -> dict[str, tuple[int, int]]:
    """(hits, misses) of each formula cache so far."""
    return {name: (cache.cache_info().hits, cache.cache_info().misses) for name, cache in formula_caches().items()}


def describe_caches(start: dict[str, tuple[int, int]], end: dict[str, tuple[int, int]]) -> str:
    """Hits and misses of each formula cache between two snapshots."""
    parts = []
    for name, (hits, misses) in end.items():
        hits, misses = hits - start[name][0], misses - start[name][1]
        share = f"{hits / (hits + misses):.0%} hit" if hits + misses else "not called"
        parts.append(f"{name}: {hits:,} hits, {misses:,} misses ({share})")
    return "; ".join(parts) or "no formula caches found in qbank.render.mathsvg"


def draw_share(question: Question, budget: float) -> tuple[float, float]:
    """Seconds per accepted draw (constraint retries included) and mean attempts per draw, for one question."""
    count = attempts = 0
    start = now = time.perf_counter()
    while now - start < budget or count == 0:
        attempts += draw_params(question, count, PAPER).attempts
        count += 1
        now = time.perf_counter()
    return (now - start) / count, attempts / count


def verdict(rate: float, target: float) -> str:
    """'meets target' or 'MISSES target (x% of it)'."""
    return "meets target" if rate >= target else f"MISSES target ({rate / target:.1%} of it)"


def print_headline(result: Measurement, target: float) -> None:
    """Rate per wall second and per CPU second, with the target beside it."""
    rounds = result.variants / result.questions
    print(
        f"  {result.label:<38} {result.rate:>9,.0f} /s wall  {result.cpu_rate:>9,.0f} /s CPU   "
        f"target ≥{target:,.0f}/s: {verdict(result.rate, target)}\n"
        f"  {'':<38} ({result.variants:,} variants = {rounds:,.1f} rounds in {result.elapsed:.2f} s wall, "
        f"{result.cpu:.2f} s CPU)"
    )


def print_slowest(result: Measurement, questions: Sequence[Question], count: int, draw_budget: float | None) -> None:
    """The `count` slowest questions of a measurement (optionally with the draw/solve split)."""
    timed = [i for i in range(len(questions)) if result.counts[i]]
    ranked = sorted(timed, key=lambda i: result.seconds[i] / result.counts[i], reverse=True)[:count]
    total = sum(result.seconds) or 1.0
    extra = f" {'draw µs':>9} {'attempts':>9} {'rest µs':>9}" if draw_budget else ""
    print(f"  slowest {len(ranked)} of {len(timed)} questions, {result.label}:")
    print(f"    {'question':<34} {'variants':>9} {'per s':>9} {'µs each':>11} {'time':>6}{extra}")
    for index in ranked:
        each = result.seconds[index] / result.counts[index]
        line = (
            f"    {questions[index].id:<34} {result.counts[index]:>9,} {1 / each:>9,.0f} {each * 1e6:>11,.0f} "
            f"{result.seconds[index] / total:>6.1%}"
        )
        if draw_budget:
            draw_seconds, attempts = draw_share(questions[index], draw_budget)
            line += f" {draw_seconds * 1e6:>9,.0f} {attempts:>9.2f} {(each - draw_seconds) * 1e6:>9,.0f}"
        print(line)


def profile(
    label: str,
    questions: Sequence[Question],
    work: Work,
    pairs: Iterable[Pair],
    budget: float,
    top: int,
    at_least: int = 1,
) -> None:
    """Profile one measurement with cProfile and print the top functions by own time."""
    profiler = cProfile.Profile()
    profiler.enable()
    result = measure(label, questions, work, pairs, budget, at_least=at_least)
    profiler.disable()
    print(f"\ncProfile, {label}: {result.variants:,} variants (top {top} by own time; profiling slows everything):")
    stats = pstats.Stats(profiler, stream=sys.stdout)
    stats.strip_dirs().sort_stats(pstats.SortKey.TIME).print_stats(top)


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    """Command-line options."""
    parser = argparse.ArgumentParser(
        description="Variants drawn+solved per second across a bank on one core, and the same with HTML: the "
        "question text alone (Jinja -> Markdown + typeset math, fresh variants), and the whole part (text, figure "
        "and solution, via render_part) cold, cached and re-rendered. Prints figures; asserts nothing."
    )
    parser.add_argument(
        "bank",
        nargs="?",
        type=Path,
        default=None,
        help="bank folder (default: banks/deep-learning if it has questions, else banks/sample)",
    )
    parser.add_argument("--seconds", type=float, default=3.0, help="wall-time budget per measurement (default 3)")
    parser.add_argument(
        "--pool",
        type=int,
        default=8,
        help="at most this many seeds per question are cycled in the steady-state HTML run (default 8)",
    )
    parser.add_argument("--slowest", type=int, default=5, help="how many slowest questions to list (default 5)")
    parser.add_argument(
        "--profile", type=int, default=0, metavar="N", help="also profile each measurement; print the top N functions"
    )
    parser.add_argument("--no-pin", action="store_true", help="do not pin the process to one CPU")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the sweep benchmark and print its figures."""
    args = parse_args(argv)
    install_all()  # as the CLI does
    budget = args.seconds
    pinned = "not pinned; single process" if args.no_pin else pin_one_core()
    bank_dir = args.bank or default_bank()
    started = time.perf_counter()
    bank = load_bank(bank_dir)
    load_seconds = time.perf_counter() - started
    questions = sorted(bank.questions.values(), key=lambda q: q.id)
    count = len(questions)
    print(
        f"qbank sweep benchmark — bank {bank.spec.name!r} ({count} questions, loaded in {load_seconds:.2f} s)\n"
        f"Python {sys.version.split()[0]}, {pinned}, {load_average()} at start\n"
        f"budget {budget:g} s per measurement; seeds 0, 1, 2, ... of paper {PAPER!r}, every question per seed"
    )

    # Warm-up: compiled templates, lazy imports, solver code paths, the math fonts.
    for question in questions:
        compile_template(question.spec.text)
        compile_template(question.spec.solution)
    measure("warm-up", questions, solve_and_render, fresh_pairs(count, WARMUP_SEED), 0.0)
    measure("warm-up", questions, solve_only, fresh_pairs(count, WARMUP_SEED), min(budget, 1.0))
    # The text path warms up on other fresh seeds: Markdown skeletons and formula shapes a long sweep has cached.
    measure("warm-up", questions, solve_and_render_text, fresh_pairs(count, WARMUP_SEED + 20_000), min(budget, 1.0))

    print("\nthroughput (wall = perf_counter; CPU = process_time, less sensitive to other load):")
    solved = measure("drawn+solved", questions, solve_only, fresh_pairs(count), budget)
    print_headline(solved, TARGET_SOLVED)

    # The question as the student reads it (Jinja + Markdown + math of the text), fresh variants throughout: the
    # formula and skeleton caches hold only what earlier seeds left there, as in a long `qbank build`.
    text_only = measure("+question text HTML, fresh variants", questions, solve_and_render_text,
                        fresh_pairs(count, WARMUP_SEED + 10_000), budget)  # fmt: skip
    print_headline(text_only, TARGET_HTML)

    clear_math_cache()
    before = cache_counts()
    first = measure("+HTML, first pass (formula cache cold)", questions, solve_and_render, fresh_pairs(count), budget,
                    record=True, at_least=count)  # fmt: skip
    after_first = cache_counts()
    print_headline(first, TARGET_HTML)

    # Steady state: cycle through first-pass variants (every question at least once), their formulas now cached.
    pool = [pair for pair in first.done if pair[0] < args.pool]
    before_steady = cache_counts()
    steady = measure(
        "+HTML, same variants (formulas and whole texts cached)",
        questions,
        solve_and_render,
        itertools.cycle(pool),
        budget,
    )
    after_steady = cache_counts()
    print_headline(steady, TARGET_HTML)

    print(f"  formula caches, first pass: {describe_caches(before, after_first)}")
    print(f"  formula caches, steady state over {len(pool)} (seed, question) pairs: "
          f"{describe_caches(before_steady, after_steady)}")  # fmt: skip
    if first.rate and steady.rate / first.rate < 1.1:
        print("  (first pass and steady state are within 10%: the formula cache hardly matters)")

    print(f"\nat end: {load_average()}\n")
    print_slowest(solved, questions, args.slowest, draw_budget=min(0.25, budget / 10))
    print()
    print_slowest(first, questions, args.slowest, draw_budget=None)
    print()
    print_slowest(steady, questions, args.slowest, draw_budget=None)

    if args.profile:
        profile("drawn+solved", questions, solve_only, fresh_pairs(count), budget, args.profile)
        profile("+HTML, steady state", questions, solve_and_render, itertools.cycle(pool), budget, args.profile)
        clear_math_cache()
        profile("+HTML, first pass", questions, solve_and_render, fresh_pairs(count), budget, args.profile, count)
    return 0


if __name__ == "__main__":
    sys.exit(main())
