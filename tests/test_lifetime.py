"""Nothing a build starts outlives it: SIGKILL, SIGTERM or Ctrl-C of a `--jobs 2` class build."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from qbank.cli import main

from .classsets import roster_rows, write_roster
from .conftest import ROOT

pytestmark = pytest.mark.slow
EXAM = ROOT / "exams" / "sample-classset.yaml"


def session_members(session: int) -> list[tuple[int, str]]:
    """Live (not zombie) processes of a session, from /proc: (pid, command line)."""
    members = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if int(fields[3]) == session and fields[0] != "Z":
            members.append((int(entry.name), command))
    return members


def wait_for(condition, seconds: float) -> bool:
    """Poll `condition` until it holds or `seconds` pass."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return bool(condition())


def staged(parent: Path, name: str) -> list[Path]:
    """Staging folders of the output `name`."""
    return [p for p in parent.iterdir() if p.name.startswith(f".{name}.partial-")]


def start_build(tmp_path: Path, out: Path) -> subprocess.Popen:
    """A `--jobs 2` class build of 16 students in its own session, once its pool is at work."""
    roster = write_roster(tmp_path / "students.csv", roster_rows(16))
    command = [sys.executable, "-m", "qbank", "build", str(EXAM), "--roster", str(roster), "--seed", "5",
               "--out", str(out), "--jobs", "2"]  # fmt: skip
    # Ctrl-C as at a terminal: SIGINT handled by default even when the test runner was started with it ignored
    # (a background job of a non-interactive shell inherits SIGINT ignored, and Python then keeps ignoring it)
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True,
                               preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))  # fmt: skip
    # the build, the fork server, two workers (and the resource tracker) exist; a worker has written a paper
    started = wait_for(
        lambda: (
            len(session_members(process.pid)) >= 4
            and any((p / "papers").is_dir() and any((p / "papers").iterdir()) for p in staged(out.parent, out.name))
        ),
        120,
    )
    assert started and process.poll() is None, "the pool did not start (or the build already finished)"
    return process


@contextlib.contextmanager
def cleanup(process: subprocess.Popen):
    """Kill whatever is left of the session after the test, pass or fail."""
    try:
        yield
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(5)


def test_sigkill_of_the_build_leaves_no_process_behind(tmp_path):
    out = tmp_path / "quiz"
    process = start_build(tmp_path, out)
    with cleanup(process):
        os.kill(process.pid, signal.SIGKILL)
        process.wait()
        assert wait_for(lambda: not session_members(process.pid), 10), session_members(process.pid)
    assert not out.exists() and staged(tmp_path, "quiz")  # the killed build's staging folder is left ...
    roster = write_roster(tmp_path / "two.csv", roster_rows(2))
    argv = ["build", str(EXAM), "--roster", str(roster), "--seed", "5", "--out", str(out), "--jobs", "1"]
    assert main(argv) == 0
    assert not staged(tmp_path, "quiz")  # ... and removed by the next build of the same target


@pytest.mark.parametrize(
    "number, status, word", [(signal.SIGTERM, 143, "terminated"), (signal.SIGINT, 130, "interrupted")]
)
def test_sigterm_and_sigint_end_the_build_cleanly(tmp_path, number, status, word):
    out = tmp_path / "quiz"
    process = start_build(tmp_path, out)
    with cleanup(process):
        process.send_signal(number)
        _, err = process.communicate(timeout=30)
        assert process.returncode == status, err
        assert f"qbank: {word}; nothing was written" in err.decode()
        assert b"Traceback" not in err
        assert wait_for(lambda: not session_members(process.pid), 10), session_members(process.pid)
    assert not out.exists() and not staged(tmp_path, "quiz")


@pytest.mark.parametrize("target", [ROOT / "banks" / "deep-learning", EXAM], ids=["bank", "exam"])
def test_sigkill_of_a_check_leaves_no_worker_behind(target):
    """`qbank check` sweeps in a fork pool; its workers go with it when it is killed."""
    command = [sys.executable, "-m", "qbank", "check", str(target), "--seeds", "100000", "--jobs", "2"]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    with cleanup(process):
        assert wait_for(lambda: len(session_members(process.pid)) >= 3, 120), "the sweep's pool did not start"
        assert process.poll() is None
        os.kill(process.pid, signal.SIGKILL)
        process.wait()
        assert wait_for(lambda: not session_members(process.pid), 10), session_members(process.pid)
