"""Benchmark: the fixed start-up of `qbank build` — CPU seconds of a 1-paper build (`--forms 1`, paper + key) of
a 10-question numeric quiz, against a bare `python -c pass`, the heaviest imports (`python -X importtime`) and
the functions that take the most cumulative time (cProfile)."""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import resource
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "benchmarks"))


def child_cpu(command: Sequence[str], env: dict[str, str]) -> float:
    """CPU seconds (user + system) of one child process run to its end."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run(command, check=True, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def build_command(exam: Path, out: Path) -> list[str]:
    """The measured command: one form, built in this process."""
    return [sys.executable, "-m", "qbank", "build", str(exam), "--forms", "1", "--seed", "1", "--out", str(out),
            "--force", "--jobs", "1"]  # fmt: skip


def import_times(env: dict[str, str], top: int) -> list[tuple[int, str]]:
    """The `top` modules with the largest cumulative import time (µs) when the CLI builds the form."""
    probe = "import qbank.cli, qbank.sets.classset, qbank.output.class_paper"
    done = subprocess.run([sys.executable, "-X", "importtime", "-c", probe], env=env, capture_output=True, text=True)
    rows = []
    for line in done.stderr.splitlines():
        parts = [p.strip() for p in line.removeprefix("import time:").split("|")]
        if len(parts) == 3 and parts[1].isdigit():
            rows.append((int(parts[1]), parts[2]))
    return sorted(rows, reverse=True)[:top]


def profile(exam: Path, out: Path, top: int) -> str:
    """cProfile of the build in this process: the `top` functions by cumulative time."""
    from qbank.cli import main

    profiler = cProfile.Profile()
    profiler.enable()
    main([*build_command(exam, out)[3:]])
    profiler.disable()
    text = io.StringIO()
    pstats.Stats(profiler, stream=text).sort_stats("cumulative").print_stats(top)
    return text.getvalue()


def main(argv: Sequence[str] | None = None) -> int:
    """Measure and print."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="runs of each command (the least CPU is shown)")
    parser.add_argument("--top", type=int, default=15, help="rows of the import and profile tables")
    args = parser.parse_args(argv)
    from schedulers import numeric_quiz

    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(REPO / "src"), os.environ.get("PYTHONPATH", "")])}
    with tempfile.TemporaryDirectory(prefix="qbank-startup-") as folder:
        exam = numeric_quiz(REPO / "banks" / "deep-learning", Path(folder))
        out = Path(folder) / "set"
        bare = min(child_cpu([sys.executable, "-c", "pass"], env) for _ in range(args.repeat))
        imports = min(child_cpu([sys.executable, "-c", "import qbank.cli, qbank.sets.classset"], env)
                      for _ in range(args.repeat))  # fmt: skip
        build = min(child_cpu(build_command(exam, out), env) for _ in range(args.repeat))
        print("qbank start-up: `qbank build QUIZ --forms 1 --jobs 1` (paper + compact key of a 10-question numeric "
              "quiz), CPU s, least of", args.repeat)  # fmt: skip
        print(f"  python -c pass                  {bare:6.2f}")
        print(f"  import the build's modules      {imports:6.2f}")
        print(f"  the whole build                 {build:6.2f}")
        print(f"top {args.top} imports by cumulative time (ms):")
        for micros, name in import_times(env, args.top):
            print(f"  {micros / 1000:8.1f}  {name.strip()}")
        print(profile(exam, out, args.top))
    return 0


if __name__ == "__main__":
    sys.exit(main())
