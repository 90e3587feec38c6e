"""Benchmark: the start-up of each `qbank` command, in CPU seconds (user + system, the median of --repeat runs), for
this checkout and, side by side, for an earlier commit (--before REV, default the commit before issue #17's
start-up work; `--before none` skips it). The commands work on a 10-question numeric quiz of the deep-learning
bank; `build` makes one form (paper + compact key) and two forms, and the fixed start-up is what one form costs
beyond the second's increment (2 x one form - two forms). --details adds the heaviest imports of a build
(`python -X importtime`)."""

from __future__ import annotations

import argparse
import os
import resource
import shlex
import signal
import statistics
import subprocess
import sys
import tarfile
import tempfile
from collections.abc import Callable, Sequence
from io import BytesIO
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "benchmarks"))
BEFORE = "5ea299a"  # main before the start-up work of issue #17
QUESTION = REPO / "banks" / "deep-learning" / "questions" / "cnn" / "vgg-params.yaml"

Command = Callable[[Path, Path], list[str]]


def cpu_of(run: Callable[[], None]) -> float:
    """CPU seconds (user + system) of the child processes `run` starts and waits for."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    run()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def qbank(*args: object) -> list[str]:
    """The command line of `qbank ARGS` (the tree is chosen by PYTHONPATH, see `environment`)."""
    return [sys.executable, "-m", "qbank", *map(str, args)]


def environment(tree: Path) -> dict[str, str]:
    """The environment that runs the qbank of `tree` with every speed-up its guards allow."""
    environ = {key: value for key, value in os.environ.items() if not key.startswith("QBANK_SPEEDUP")}
    environ["PYTHONPATH"] = str(tree / "src")
    return environ


def finished(command: list[str], tree: Path) -> Callable[[], None]:
    """Run a command to its end (its output discarded)."""
    return lambda: subprocess.run(command, check=True, env=environment(tree), cwd=tree, stdout=subprocess.DEVNULL,
                                  stderr=subprocess.DEVNULL)  # fmt: skip


def serving(command: list[str], tree: Path) -> Callable[[], None]:
    """Start a server, wait for its first line (it has loaded what it serves), then stop it with SIGINT."""

    def run() -> None:
        with subprocess.Popen(command, env=environment(tree), cwd=tree, stdout=subprocess.PIPE,
                              stderr=subprocess.DEVNULL, text=True) as server:  # fmt: skip
            assert server.stdout is not None
            server.stdout.readline()
            server.send_signal(signal.SIGINT)
            server.wait(timeout=60)

    return run


def median_cpu(run: Callable[[], None], repeat: int) -> float:
    """The median CPU seconds of `repeat` runs."""
    return statistics.median(cpu_of(run) for _ in range(repeat))


def commands(quiz: Path, work: Path) -> dict[str, tuple[list[str], bool]]:
    """Each measured command by label: its arguments after `qbank`, and whether it is a server."""
    q, question, graded = shlex.quote(str(quiz)), shlex.quote(str(QUESTION)), shlex.quote(str(work / "graded"))
    out, xml, marks = (shlex.quote(str(work / name)) for name in ("set", "quiz.xml", "marks.csv"))
    lines = {
        "qbank --help": "--help",
        "variants (1 question)": f"variants {question} --seed 0",
        "check (1 question, 1 seed)": f"check {question} --seeds 1 --jobs 1",
        "check quiz (1 seed of papers)": f"check {q} --seeds 1 --jobs 1",
        "export quiz (moodle, 1 variant)": f"export {q} --format moodle --variants 1 --seed 1 --out {xml} --force",
        "grade (1 form of the quiz)": f"grade {graded} {graded}/answers.csv --out {marks} --force",
        "serve quiz (until it listens)": f"serve {q} --port 8799",
        "build quiz --forms 1": f"build {q} --forms 1 --seed 1 --out {out} --force --jobs 1",
        "build quiz --forms 2": f"build {q} --forms 2 --seed 1 --out {out} --force --jobs 1",
    }
    return {label: (shlex.split(line), label.startswith("serve")) for label, line in lines.items()}


def measure(tree: Path, quiz: Path, work: Path, repeat: int) -> dict[str, float]:
    """CPU seconds of every command run with the qbank of `tree`, and the derived fixed start-up of a build."""
    work.mkdir(parents=True, exist_ok=True)
    graded = qbank("build", quiz, "--forms", "1", "--seed", "3", "--out", work / "graded", "--force")
    finished(graded, tree)()
    figures = {"python -c pass": median_cpu(finished([sys.executable, "-c", "pass"], tree), repeat)}
    for label, (args, server) in commands(quiz, work).items():
        command = qbank(*args)
        figures[label] = median_cpu(serving(command, tree) if server else finished(command, tree), repeat)
    one, two = figures["build quiz --forms 1"], figures["build quiz --forms 2"]
    figures["build: fixed start-up (2 x 1 form - 2 forms)"] = 2 * one - two
    return figures


def checkout(rev: str, folder: Path) -> Path:
    """The files of commit `rev` of this repository, extracted under `folder`."""
    archive = subprocess.run(["git", "archive", rev], cwd=REPO, check=True, capture_output=True).stdout
    with tarfile.open(fileobj=BytesIO(archive)) as tar:
        tar.extractall(folder, filter="data")
    return folder


def import_times(top: int) -> list[tuple[int, str]]:
    """The `top` modules with the largest cumulative import time (µs) of what a build imports."""
    probe = "import qbank.cli, qbank.sets.classset, qbank.output.class_paper"
    done = subprocess.run([sys.executable, "-X", "importtime", "-c", probe], env=environment(REPO),
                          capture_output=True, text=True)  # fmt: skip
    rows = []
    for line in done.stderr.splitlines():
        parts = [p.strip() for p in line.removeprefix("import time:").split("|")]
        if len(parts) == 3 and parts[1].isdigit():
            rows.append((int(parts[1]), parts[2]))
    return sorted(rows, reverse=True)[:top]


def main(argv: Sequence[str] | None = None) -> int:
    """Measure and print."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="runs of each command (the median is shown)")
    parser.add_argument("--before", default=BEFORE, help=f"commit to compare with (default {BEFORE}; none: skip)")
    parser.add_argument("--details", type=int, default=0, metavar="N", help="also print the N heaviest imports")
    args = parser.parse_args(argv)
    from schedulers import numeric_quiz

    with tempfile.TemporaryDirectory(prefix="qbank-startup-") as folder:
        base = Path(folder)
        quiz = numeric_quiz(REPO / "banks" / "deep-learning", base)
        after = measure(REPO, quiz, base / "after", args.repeat)
        before = None
        if args.before != "none":
            before = measure(checkout(args.before, base / "before"), quiz, base / "before-work", args.repeat)
    print(f"qbank start-up per command: CPU s (user + system), median of {args.repeat} runs")
    header = f"  {'command':<46} {'now':>7}"
    print(header + (f" {args.before:>9} {'change':>8}" if before else ""))
    for label, seconds in after.items():
        line = f"  {label:<46} {seconds:7.2f}"
        if before:
            line += f" {before[label]:9.2f} {(seconds - before[label]) / before[label]:+8.0%}"
        print(line)
    if args.details:
        print(f"top {args.details} imports of a build by cumulative time (ms):")
        for micros, name in import_times(args.details):
            print(f"  {micros / 1000:8.1f}  {name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
