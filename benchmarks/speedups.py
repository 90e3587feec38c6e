"""Benchmark: each speed-up's end-to-end gain, measured by alternating all-on and one-off builds.

Two jobs are what a user runs: `build` is the deep-learning exam's paper and key (`qbank build`), then a class
set of a few students from the same exam (`--roster`, in worker processes); `check` is `qbank check` of the
deep-learning bank over 300 seeds (draws, solves and renders every variant). Each round runs the job once with every
speed-up on and once with each speed-up switched off (`QBANK_SPEEDUP_<NAME>=off`), in a shuffled order, so
every speed-up gets one (all-on, one-off) pair per round measured at the same moment. Time is the CPU time
(user + system) of the whole process tree: this process becomes a child subreaper, so worker processes and
multiprocessing's fork server are reaped here and counted too; CPU time, unlike wall time, is little moved by
other work on the machine. The gain of a speed-up is the median over rounds of (off - on) / off, per job; a speed-up
stays when it saves at least 5% end to end on one of the jobs.
"""

from __future__ import annotations

import argparse
import ctypes
import os
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Mapping
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
EXAM = REPO / "exams" / "cs60010-endsem.yaml"
BANK = REPO / "banks" / "deep-learning"
JOBS = ("build", "check")
ROSTER = REPO / "exams" / "roster-example.csv"
THRESHOLD = 5.0  # % end to end: a speed-up below it is removed
PR_SET_CHILD_SUBREAPER = 36


def become_subreaper() -> None:
    """Have orphaned descendants (the fork server and its workers) reparented to this process (Linux)."""
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) != 0:
        raise OSError(ctypes.get_errno(), "prctl(PR_SET_CHILD_SUBREAPER) failed")


def reap_all() -> None:
    """Wait for every remaining descendant, so its CPU time is counted in RUSAGE_CHILDREN."""
    while True:
        try:
            os.waitpid(-1, 0)
        except ChildProcessError:
            return


def children_cpu() -> float:
    """User + system CPU seconds of every reaped descendant so far."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def small_roster(folder: Path, students: int) -> Path:
    """The example roster's first `students` rows."""
    lines = ROSTER.read_text(encoding="utf-8").splitlines()[: students + 1]
    path = folder / "roster.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def job_commands(job: str, scratch: Path, roster: Path) -> list[list[str]]:
    """The qbank command lines of one job."""
    if job == "check":
        return [["check", str(BANK), "--seeds", "300"]]
    return [
        ["build", str(EXAM), "--seed", "2026", "--out", str(scratch / "exam")],
        ["build", str(EXAM), "--seed", "2026", "--roster", str(roster), "--jobs", "2", "--out", str(scratch / "class")],
    ]


def run_job(job: str, scratch: Path, roster: Path, env: Mapping[str, str]) -> float:
    """CPU seconds of the whole process tree for one job's commands."""
    commands = job_commands(job, scratch, roster)
    before = children_cpu()
    for command in commands:
        shutil.rmtree(scratch / "exam", ignore_errors=True)
        shutil.rmtree(scratch / "class", ignore_errors=True)
        subprocess.run([sys.executable, "-m", "qbank", *command], env=dict(env), check=True, capture_output=True)
        reap_all()
    return children_cpu() - before


def main() -> int:
    """Alternate all-on and one-off runs; print each speed-up's median end-to-end gain."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5, help="(all-on, one-off) pairs per speed-up (default 5)")
    parser.add_argument("--students", type=int, default=3, help="students in the class set (default 3)")
    parser.add_argument("--only", nargs="*", help="speed-ups to measure (default: all)")
    args = parser.parse_args()
    sys.path.insert(0, str(REPO / "src"))
    from qbank.speedups import SPEEDUPS, install_all, report

    names = args.only or [speedup.name for speedup in SPEEDUPS]
    env = {**os.environ, "PYTHONPATH": str(REPO / "src")}
    env.pop("QBANK_SPEEDUPS", None)
    print("\n".join(report(install_all(env))))
    print(f"load average at start: {os.getloadavg()[0]:.2f} ({os.cpu_count()} CPUs); {args.rounds} rounds")
    become_subreaper()
    rng = random.Random(2026)
    on_times: dict[str, list[float]] = {job: [] for job in JOBS}
    pairs: dict[tuple[str, str], list[tuple[float, float]]] = {(job, n): [] for job in JOBS for n in names}
    with tempfile.TemporaryDirectory(prefix="qbank-speedups-") as folder:
        scratch = Path(folder)
        roster = small_roster(scratch, args.students)
        for number in range(1, args.rounds + 1):
            for job in JOBS:
                order = [None, *names]
                rng.shuffle(order)
                times = {name: run_job(job, scratch, roster, {**env, f"QBANK_SPEEDUP_{name.upper()}": "off"}
                                       if name else env) for name in order}  # fmt: skip
                on_times[job].append(times[None])
                for name in names:
                    pairs[job, name].append((times[None], times[name]))
                shown = ", ".join(f"{name or 'all-on'} {times[name]:.2f}" for name in order)
                print(f"round {number} {job}: CPU s {shown}", flush=True)
    for job in JOBS:
        print(f"\n{job}: all on, median {statistics.median(on_times[job]):.2f} CPU s per job")
    print(f"\n{'speed-up':<10} " + " ".join(f"{job + ' gain %':>14}" for job in JOBS) + "  verdict")
    for name in names:
        gains = {job: statistics.median(100 * (off - on) / off for on, off in pairs[job, name]) for job in JOBS}
        verdict = "keep" if max(gains.values()) >= THRESHOLD else f"remove (under {THRESHOLD:g}% on every job)"
        print(f"{name:<10} " + " ".join(f"{gains[job]:>14.1f}" for job in JOBS) + f"  {verdict}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
