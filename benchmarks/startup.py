"""Benchmark: qbank's start-up, in CPU seconds (user + system; the minimum of --repeat runs, the robust statistic
for CPU noise), for this checkout and, side by side, for an earlier commit (--before REV, default the commit
before issue #17's start-up work; `--before none` skips it), the runs of the two trees interleaved.

First a build's fixed start-up, measured inside one process (benchmarks/startup_probe.py): a two-form build of a
10-question numeric quiz of the deep-learning bank, its CPU split into the interpreter's start, WeasyPrint's
imports, every other import, loading and preflighting the exam, the first paper's extra (its CPU minus the
second paper's) and the rest; the fixed start-up is their sum (the build's CPU minus two later papers). Then the
start-up of each `qbank` command, measured from outside. --details adds the heaviest imports of a build
(`python -X importtime`).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shlex
import signal
import subprocess
import sys
import tarfile
import tempfile
from collections.abc import Callable, Iterator, Sequence
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


def command_runs(tree: Path, quiz: Path, work: Path) -> Iterator[tuple[str, Callable[[], None]]]:
    """Each measured command by label, ready to run with the qbank of `tree` (a set to grade is built first)."""
    work.mkdir(parents=True, exist_ok=True)
    if not (work / "graded").is_dir():
        finished(qbank("build", quiz, "--forms", "1", "--seed", "3", "--out", work / "graded", "--force"), tree)()
    yield "python -c pass", finished([sys.executable, "-c", "pass"], tree)
    for label, (args, server) in commands(quiz, work).items():
        command = qbank(*args)
        yield label, serving(command, tree) if server else finished(command, tree)


def breakdown(tree: Path, quiz: Path, work: Path) -> dict[str, float]:
    """One two-form build run by benchmarks/startup_probe.py with the qbank of `tree`: its CPU by category."""
    work.mkdir(parents=True, exist_ok=True)
    out = work / "probe-set"
    argv = ["build", quiz, "--forms", "2", "--seed", "1", "--out", out, "--force", "--jobs", "1"]
    done = subprocess.run([sys.executable, str(REPO / "benchmarks" / "startup_probe.py"), *map(str, argv)],
                          env=environment(tree), cwd=tree, check=True, capture_output=True, text=True)  # fmt: skip
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["status"] == 0, done.stderr
    return result["cpu"]


def summary(runs: list[dict[str, float]]) -> dict[str, float]:
    """The fixed start-up by part from the minimum of each measured category over runs (the first paper's extra is
    the minimum of first papers minus the minimum of second papers: a difference of minimums, not of noisy runs)."""
    least = {category: min(run.get(category, 0.0) for run in runs) for category in {c for run in runs for c in run}}
    parts = {
        "interpreter start": least["interpreter"],
        "imports: WeasyPrint": least.get("imports: WeasyPrint", 0.0),
        "imports: qbank and other libraries": least.get("imports: qbank and other libraries", 0.0),
        "load + preflight": least.get("load + preflight", 0.0),
        "first paper's extra (1st - 2nd paper)": least["paper 1"] - least["paper 2"],
        "rest (arguments, manifest, booklet, writes)": least.get("rest", 0.0),
    }
    parts["fixed start-up (sum)"] = sum(parts.values())
    parts["a later paper (paper + key)"] = least["paper 2"]
    return parts


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


def table(title: str, after: dict[str, float], before: dict[str, float] | None, rev: str) -> None:
    """Print one table: now, and before with the change when measured."""
    print(title)
    print(f"  {'':<46} {'now':>7}" + (f" {rev:>9} {'change':>8}" if before else ""))
    for label, seconds in after.items():
        line = f"  {label:<46} {seconds:7.2f}"
        if before:
            change = (seconds - before[label]) / before[label] if before[label] > 0.005 else 0.0
            line += f" {before[label]:9.2f} {change:+8.0%}"
        print(line)


def make_folder(folder: Path) -> Path:
    """`folder`, created."""
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def main(argv: Sequence[str] | None = None) -> int:
    """Measure and print."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=5, help="runs of each measurement (the minimum is shown)")
    parser.add_argument("--before", default=BEFORE, help=f"commit to compare with (default {BEFORE}; none: skip)")
    parser.add_argument("--no-commands", action="store_true", help="measure only the build's fixed start-up")
    parser.add_argument("--details", type=int, default=0, metavar="N", help="also print the N heaviest imports")
    args = parser.parse_args(argv)
    from schedulers import numeric_quiz

    with tempfile.TemporaryDirectory(prefix="qbank-startup-") as folder:
        base = Path(folder)
        trees = {"now": REPO}
        if args.before != "none":
            trees["before"] = checkout(args.before, base / "before")
        # each tree's quiz uses its own copy of the bank (a newer bank may use keys an older qbank does not know)
        quizzes = {name: numeric_quiz(tree / "banks" / "deep-learning", make_folder(base / f"{name}-quiz"))
                   for name, tree in trees.items()}  # fmt: skip
        parts: dict[str, list[dict[str, float]]] = {name: [] for name in trees}
        per_command: dict[str, dict[str, list[float]]] = {name: {} for name in trees}
        for _ in range(args.repeat):  # the trees' runs interleaved: a load change hits both alike
            for name, tree in trees.items():
                parts[name].append(breakdown(tree, quizzes[name], base / f"{name}-work"))
                if not args.no_commands:
                    for label, run in command_runs(tree, quizzes[name], base / f"{name}-work"):
                        per_command[name].setdefault(label, []).append(cpu_of(run))
    now, before = summary(parts["now"]), summary(parts["before"]) if "before" in trees else None
    table(f"a build's fixed start-up, measured in one process: CPU s, minimum of {args.repeat} runs",
          now, before, args.before)  # fmt: skip
    if before:
        ratio = now["fixed start-up (sum)"] / before["fixed start-up (sum)"]
        print(f"  fixed start-up now / before: {ratio:.2f} ({'halved' if ratio <= 0.5 else 'not halved'})")
    if not args.no_commands:
        commands_before = {label: min(v) for label, v in per_command["before"].items()} if before else None
        table(f"start-up per command: CPU s (user + system), minimum of {args.repeat} runs",
              {label: min(v) for label, v in per_command["now"].items()}, commands_before, args.before)  # fmt: skip
    if args.details:
        print(f"top {args.details} imports of a build by cumulative time (ms):")
        for micros, name in import_times(args.details):
            print(f"  {micros / 1000:8.1f}  {name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
