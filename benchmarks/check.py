"""Benchmark: `qbank check` on a whole bank (default: deep-learning, 1,000 seeds per question), wall and CPU time."""

from __future__ import annotations

import argparse
import os
import re
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
TARGET_SECONDS = 10.0


def load_average() -> str:
    """The 1-minute load average and the CPU count, to flag a machine busy with other work."""
    return f"load {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs" if hasattr(os, "getloadavg") else "load unknown"


def run_once(bank: Path, seeds: int, jobs: int | None) -> tuple[float, float, str]:
    """Run `qbank check` in a fresh process; return wall seconds, CPU seconds (all processes) and its last line."""
    command = [sys.executable, "-m", "qbank", "check", str(bank), "--seeds", str(seeds)]
    command += ["--jobs", str(jobs)] if jobs else []
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    result = subprocess.run(command, capture_output=True, text=True, cwd=REPO, check=False)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    last = result.stdout.strip().splitlines()[-1] if result.stdout.strip() else result.stderr.strip()
    if result.returncode != 0:
        raise SystemExit(f"qbank check failed (exit {result.returncode}):\n{result.stdout[-2000:]}{result.stderr}")
    return wall, cpu, last


def main(argv: Sequence[str] | None = None) -> int:
    """Time `qbank check` a few times and print the figures beside the target."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("bank", nargs="?", type=Path, default=REPO / "banks" / "deep-learning")
    parser.add_argument("--seeds", type=int, default=1000, help="seeds per question (default 1000)")
    parser.add_argument("--jobs", type=int, default=None, help="worker processes (default: qbank's, one per core)")
    parser.add_argument("--repeat", type=int, default=3, help="runs (default 3)")
    args = parser.parse_args(argv)
    print(f"qbank check {args.bank.name} --seeds {args.seeds}: {args.repeat} runs, {load_average()} at start")
    walls, cpus = [], []
    for index in range(args.repeat):
        wall, cpu, last = run_once(args.bank, args.seeds, args.jobs)
        walls.append(wall)
        cpus.append(cpu)
        reported = re.search(r"in ([\d.]+) s", last)
        print(f"  run {index + 1}: {wall:5.1f} s wall, {cpu:5.1f} s CPU (qbank reports {reported.group(1)} s)"
              if reported else f"  run {index + 1}: {wall:5.1f} s wall, {cpu:5.1f} s CPU")  # fmt: skip
    best, median = min(walls), statistics.median(walls)
    verdict = "meets" if median < TARGET_SECONDS else "MISSES"
    print(f"  median {median:.1f} s, best {best:.1f} s wall; {statistics.median(cpus):.1f} s CPU; "
          f"target < {TARGET_SECONDS:g} s: {verdict} it; {load_average()} at end")  # fmt: skip
    if median >= TARGET_SECONDS:
        share = statistics.median(cpus) / median
        print(f"  (the sweep got {share:.1f} CPUs on average; other work on the machine slows it down)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
