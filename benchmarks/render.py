"""Benchmark: seconds per PDF for a 10-question exam paper and its key, cold and warm, and peak memory."""

from __future__ import annotations

import argparse
import dataclasses
import importlib
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # qbank is imported inside functions, so the cold child can time its import
    from qbank.render.question import PageRenderer
    from qbank.spec.exam import Exam

REPO = Path(__file__).resolve().parents[1]
TARGET_SECONDS = 0.6  # paper + key together, one warm core
R_EXAMS_SECONDS = 1.2  # what R/exams needs for the same
KINDS = ("paper", "key")
MATH = "  of which math typesetting"  # a part of "fragment HTML" (formula cache misses only), not added to totals
STARTUP = "interpreter start + exit"
PHASES = ["import qbank", "load exam + bank", "draw+solve", "fragment HTML", MATH, "paper page HTML", "paper write_pdf",
          "key page HTML", "key write_pdf", STARTUP]  # fmt: skip


def default_exam() -> Path:
    """exams/cs60010-endsem.yaml when it exists, else exams/sample.yaml."""
    endsem = REPO / "exams" / "cs60010-endsem.yaml"
    return endsem if endsem.is_file() else REPO / "exams" / "sample.yaml"


def pin_one_core() -> str:
    """Pin this process (and children it starts) to one CPU; say which."""
    if not hasattr(os, "sched_setaffinity"):
        return "not pinned (no sched_setaffinity)"
    cpu = min(os.sched_getaffinity(0))
    os.sched_setaffinity(0, {cpu})
    return f"pinned to CPU {cpu}"


def load_average() -> str:
    """The 1-minute load average and the CPU count, to flag a busy machine."""
    if not hasattr(os, "getloadavg"):
        return "load unknown"
    return f"load {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs"


def max_rss_mb(who: int = resource.RUSAGE_SELF) -> float:
    """Peak resident memory in MB (ru_maxrss is KB on Linux, bytes on macOS)."""
    peak = resource.getrusage(who).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


def first_items(exam: Exam, count: int) -> Exam:
    """The exam cut to its first `count` numbered questions (all of them if it has no more)."""
    return exam if len(exam.items) <= count else dataclasses.replace(exam, items=exam.items[:count])


def describe_exam(full: Exam, used: Exam) -> str:
    """How many numbered questions and parts the benchmark renders."""
    parts = len(used.parts())
    if len(used.items) == len(full.items):
        return f"all {len(full.items)} numbered questions ({parts} parts, {used.total_marks:g} marks)"
    return f"the first {len(used.items)} of {len(full.items)} numbered questions ({parts} parts)"


class Clock:
    """Wall and CPU seconds accumulated per phase name."""

    def __init__(self) -> None:
        self.wall: dict[str, float] = {}
        self.cpu: dict[str, float] = {}

    @contextmanager
    def phase(self, name: str) -> Iterator[None]:
        """Time the body under `name` (adding to earlier time of the same name)."""
        wall, cpu = time.perf_counter(), time.process_time()
        try:
            yield
        finally:
            self.wall[name] = self.wall.get(name, 0.0) + time.perf_counter() - wall
            self.cpu[name] = self.cpu.get(name, 0.0) + time.process_time() - cpu

    def timed(self, name: str, function: Callable[..., Any]) -> Callable[..., Any]:
        """`function`, timed under `name` on every call."""

        def wrapper(*args: Any, **kwargs: Any) -> Any:
            with self.phase(name):
                return function(*args, **kwargs)

        return wrapper


@contextmanager
def split_solve_paper(clock: Clock) -> Iterator[None]:
    """Time solve_paper's stages (draw+solve, fragment HTML, and within it fresh math typesetting) by
    wrapping the module-level names they call; restore them afterwards."""
    from qbank.render import mathsvg
    from qbank.render import paper as assemble

    targets = [(assemble, "make_variant", "draw+solve"), (assemble, "render_part", "fragment HTML"),
               (mathsvg, "typeset", MATH)]  # fmt: skip
    saved = [(module, name, getattr(module, name), phase) for module, name, phase in targets if hasattr(module, name)]
    for module, name, function, phase in saved:
        setattr(module, name, clock.timed(phase, function))
    try:
        yield
    finally:
        for module, name, function, _ in saved:
            setattr(module, name, function)


def render_pair(exam: Exam, renderer: PageRenderer, seed: int, clock: Clock) -> dict[str, Any]:
    """Draw, solve and render paper and key for `seed` to PDF bytes (as `qbank build` does); return sizes."""
    from qbank.output.pdf import write_pdf
    from qbank.render.page import page_context
    from qbank.render.paper import solve_paper

    roots = [exam.bank.root, *renderer.template_dirs]  # as qbank.output.documents.Documents allows
    with split_solve_paper(clock):
        paper = solve_paper(exam, seed, "main")
    sizes = {}
    for kind in KINDS:
        with clock.phase(f"{kind} page HTML"):
            html = renderer.render(kind, page_context(paper, kind))
        with clock.phase(f"{kind} write_pdf"):
            pdf = write_pdf(html, base_dir=renderer.template_dirs[0], allowed_roots=roots)
        sizes[kind] = {"html": len(html), "formulas": html.count('class="math '), "pdf": len(pdf)}
    return sizes


def cold_child(exam_path: Path, count: int, seed: int, key_style: str) -> None:
    """In a fresh process: import qbank, load the exam, render paper + key once; print phase times as JSON."""
    clock = Clock()
    with clock.phase("import qbank"):  # everything render_pair needs, WeasyPrint included
        for module in ("qbank.render.paper", "qbank.sets.build", "qbank.output.pdf"):
            importlib.import_module(module)
        from qbank.render.question import PageRenderer
        from qbank.spec.exam import load_exam
        from qbank.speedups import install_all

        install_all()  # as the CLI does
    with clock.phase("load exam + bank"):
        exam = first_items(load_exam(exam_path), count)
        renderer = PageRenderer(key_style=key_style)
    sizes = render_pair(exam, renderer, seed, clock)
    print(json.dumps({"wall": clock.wall, "cpu": clock.cpu, "sizes": sizes, "max_rss_mb": max_rss_mb()}))


def run_cold(exam_path: Path, count: int, seed: int, key_style: str) -> tuple[float, float, dict[str, Any]]:
    """Start a fresh interpreter that renders paper + key once; return its wall time, CPU time and phase times."""
    command = [
        sys.executable,
        str(Path(__file__).resolve()),
        str(exam_path),
        "--questions",
        str(count),
        "--seed",
        str(seed),
        "--key",
        key_style,
        "--cold-child",
    ]
    cpu_before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    wall = time.perf_counter() - started
    cpu_after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise SystemExit(f"cold render failed ({done.returncode}):\n{done.stderr}")
    cpu = (cpu_after.ru_utime - cpu_before.ru_utime) + (cpu_after.ru_stime - cpu_before.ru_stime)
    return wall, cpu, json.loads(done.stdout.strip().splitlines()[-1])


def print_phases(title: str, wall: dict[str, float], cpu: dict[str, float], total_wall: float) -> None:
    """One row per phase, in pipeline order: wall seconds, CPU seconds, share of the total wall time."""
    print(f"  {title:<34} {'wall s':>8} {'CPU s':>8} {'share':>7}")
    names = [name for name in PHASES if name in wall] + [name for name in wall if name not in PHASES]
    for name in names:
        print(f"    {name:<32} {wall[name]:>8.3f} {cpu.get(name, 0.0):>8.3f} {wall[name] / total_wall:>7.1%}")


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    """Command-line options."""
    parser = argparse.ArgumentParser(
        description="Seconds per PDF for a 10-question exam paper and its key: cold (fresh process, import share) "
        "and warm (median of N runs with new seeds, page HTML vs WeasyPrint), plus peak memory. Prints figures only."
    )
    parser.add_argument(
        "exam",
        nargs="?",
        type=Path,
        default=None,
        help="exam file (default: exams/cs60010-endsem.yaml if present, else exams/sample.yaml)",
    )
    parser.add_argument("--runs", type=int, default=5, help="warm runs, each with a new seed (default 5)")
    parser.add_argument("--cold-runs", type=int, default=1, help="fresh processes to time (default 1)")
    parser.add_argument("--questions", type=int, default=10, help="numbered questions to keep (default 10)")
    parser.add_argument("--seed", type=int, default=2026, help="seed of the cold and first warm render (default 2026)")
    parser.add_argument("--key", choices=("full", "compact", "answers"), default="full",
                        help="answer key style (default full, as `qbank build` makes)")  # fmt: skip
    parser.add_argument("--no-pin", action="store_true", help="do not pin to one CPU")
    parser.add_argument("--profile", type=int, default=0, metavar="N",
                        help="also cProfile one more warm render and print the top N functions")  # fmt: skip
    parser.add_argument("--cold-child", action="store_true", help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def print_sizes(sizes: dict[str, Any]) -> None:
    """HTML size, formula count and PDF size of paper and key."""
    for kind, size in sizes.items():
        print(f"  {kind}: HTML {size['html'] / 1024:,.0f} KB with {size['formulas']:,} formulas -> PDF "
              f"{size['pdf'] / 1024:,.0f} KB")  # fmt: skip


def profile_pair(exam: Exam, renderer: PageRenderer, seed: int, top: int) -> None:
    """cProfile one warm paper + key render and print the top functions by own and by cumulative time."""
    import cProfile
    import pstats

    profiler = cProfile.Profile()
    profiler.enable()
    render_pair(exam, renderer, seed, Clock())
    profiler.disable()
    print(f"\ncProfile of one warm paper + key render, seed {seed} (profiling slows everything down):")
    stats = pstats.Stats(profiler, stream=sys.stdout).strip_dirs()
    stats.sort_stats(pstats.SortKey.TIME).print_stats(top)
    stats.sort_stats(pstats.SortKey.CUMULATIVE).print_stats(top)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the render benchmark and print its figures."""
    args = parse_args(argv)
    exam_path = (args.exam or default_exam()).resolve()
    if args.cold_child:
        cold_child(exam_path, args.questions, args.seed, args.key)
        return 0
    pinned = "not pinned" if args.no_pin else pin_one_core()
    shown = exam_path.relative_to(REPO) if exam_path.is_relative_to(REPO) else exam_path
    print(f"qbank render benchmark — {shown}, {args.key} key")
    print(f"Python {sys.version.split()[0]}, {pinned}, {load_average()} at start")

    # Cold: fresh interpreters, before this process imports qbank.
    colds = [run_cold(exam_path, args.questions, args.seed + i, args.key) for i in range(args.cold_runs)]
    wall, cpu, child = min(colds, key=lambda c: c[0])
    child["wall"][STARTUP] = wall - sum(seconds for name, seconds in child["wall"].items() if name != MATH)
    imported = child["wall"]["import qbank"]
    which = f"fastest of {len(colds)}" if len(colds) > 1 else "one run"
    print(
        f"\ncold: a fresh `python` imports qbank, loads the exam, renders paper + key once ({which}, seed {args.seed})"
    )
    print(f"  total {wall:.3f} s wall, {cpu:.3f} s CPU; import qbank {imported:.3f} s = {imported / wall:.0%} of the "
          f"wall time; peak memory {child['max_rss_mb']:.0f} MB")  # fmt: skip
    print_phases("phase", child["wall"], child["cpu"], wall)

    # Warm: one process; a first render (not counted), then N renders with new seeds.
    from qbank.render.question import PageRenderer
    from qbank.spec.exam import load_exam
    from qbank.speedups import install_all

    install_all()  # as the CLI does

    full = load_exam(exam_path)
    exam = first_items(full, args.questions)
    renderer = PageRenderer(key_style=args.key)
    started = time.perf_counter()
    sizes = render_pair(exam, renderer, args.seed, Clock())
    first_wall = time.perf_counter() - started
    print(f"\nexam: {describe_exam(full, exam)}; first render in the warm process {first_wall:.3f} s (not counted)")
    print_sizes(sizes)
    runs: list[Clock] = []
    totals: list[float] = []
    cpu_totals: list[float] = []
    for run in range(1, args.runs + 1):
        clock = Clock()
        started, cpu_started = time.perf_counter(), time.process_time()
        render_pair(exam, renderer, args.seed + run, clock)
        totals.append(time.perf_counter() - started)
        cpu_totals.append(time.process_time() - cpu_started)
        runs.append(clock)
    med = {name: statistics.median(c.wall.get(name, 0.0) for c in runs) for name in runs[0].wall}
    med_cpu = {name: statistics.median(c.cpu.get(name, 0.0) for c in runs) for name in runs[0].wall}
    total = statistics.median(totals)
    shared = med.get("draw+solve", 0.0) + med.get("fragment HTML", 0.0)
    buckets = {
        "draw+solve": med.get("draw+solve", 0.0),
        "Jinja/Markdown/math + page HTML": med.get("fragment HTML", 0.0)
        + med["paper page HTML"]
        + med["key page HTML"],
        "WeasyPrint write_pdf": med["paper write_pdf"] + med["key write_pdf"],
    }
    whole = sum(buckets.values()) or 1.0

    print(f"\nwarm: median of {len(runs)} runs in this process, paper + key with new seeds "
          f"{args.seed + 1}..{args.seed + len(runs)}")  # fmt: skip
    print(f"  paper + key: {total:.3f} s wall (min {min(totals):.3f}, max {max(totals):.3f}), "
          f"{statistics.median(cpu_totals):.3f} s CPU")  # fmt: skip
    verdict = "meets target" if total < TARGET_SECONDS else f"MISSES target ({total / TARGET_SECONDS:.1f}x the budget)"
    print(f"  target: paper + key under {TARGET_SECONDS} s together on one warm core (R/exams needs "
          f"~{R_EXAMS_SECONDS} s): {verdict}")  # fmt: skip
    print(f"  per PDF: paper {med['paper page HTML'] + med['paper write_pdf']:.3f} s, key "
          f"{med['key page HTML'] + med['key write_pdf']:.3f} s, plus {shared:.3f} s shared by both "
          f"(draw, solve and fragment HTML of {len(exam.parts())} parts)")  # fmt: skip
    print(
        "  split: " + ", ".join(f"{name} {seconds:.3f} s ({seconds / whole:.0%})" for name, seconds in buckets.items())
    )
    print_phases("phase (median wall / CPU)", med, med_cpu, total)
    print(f"  peak memory (ru_maxrss) of this warm process: {max_rss_mb():.0f} MB")
    print(f"\nat end: {load_average()}")
    if args.profile:
        profile_pair(exam, renderer, args.seed + args.runs + 1, args.profile)
    return 0


if __name__ == "__main__":
    sys.exit(main())
