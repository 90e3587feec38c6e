"""A build that cannot write (disk full, read-only folder) or fails ends as a located error and leaves nothing."""

from __future__ import annotations

import ctypes
import errno
import os
import subprocess
import sys
from pathlib import Path

import pytest

import qbank.output.class_paper
from qbank.cli import main
from qbank.core.errors import Problem, UserError
from qbank.output.writer import write_files

from .classsets import roster_rows, write_roster
from .conftest import ROOT, SAMPLE_EXAM

pytestmark = pytest.mark.slow
PR_CAPBSET_DROP, CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH = 24, 1, 2


def commands(tmp: Path, out: Path) -> dict[str, list[str]]:
    """One writing command of each kind, all into `out`."""
    roster = write_roster(tmp / "students.csv", roster_rows(2))
    return {
        "exam": ["build", str(SAMPLE_EXAM), "--seed", "1", "--out", str(out)],
        "roster": ["build", str(SAMPLE_EXAM), "--roster", str(roster), "--jobs", "1", "--seed", "1", "--out", str(out)],
        "practice": ["practice", str(ROOT / "banks" / "sample"), "--count", "1", "--seed", "1", "--out", str(out)],
    }


def everything(root: Path) -> list[str]:
    """Every path under `root`, hidden ones included."""
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*"))


def output_fd(fd: int) -> bool:
    """Whether a file descriptor is open on a file qbank writes (a staging folder's or a partial file)."""
    try:
        return ".partial-" in os.readlink(f"/proc/self/fd/{fd}")
    except OSError:
        return False


def fill_the_disk(monkeypatch) -> None:
    """Make every write to an output file fail as on a full disk (ENOSPC); other writes go through."""
    real_write = os.write

    def full(fd, data):
        if output_fd(fd):
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return real_write(fd, data)

    monkeypatch.setattr(os, "write", full)


@pytest.mark.parametrize("verb", ["exam", "roster", "practice"])
def test_disk_full_is_a_located_error_and_leaves_no_folder(tmp_path, run_cli, monkeypatch, verb):
    fill_the_disk(monkeypatch)
    (tmp_path / "work").mkdir()
    status, out, err = run_cli(*commands(tmp_path / "work", tmp_path / "a" / "b" / "set")[verb])
    assert status == 2, err
    assert "Traceback" not in err
    assert "<command line>: --out: cannot write " in err and "No space left on device; nothing was written" in err
    assert everything(tmp_path) == ["work", "work/students.csv"]  # no staging, no set, no a/b


def test_a_read_only_output_folder_is_a_located_error(tmp_path, run_cli, monkeypatch):
    real_mkdir = os.mkdir
    read_only = tmp_path / "mounted"
    read_only.mkdir()

    def refuse(path, *args, **kwargs):
        if read_only in Path(os.fsdecode(path)).parents:
            raise OSError(errno.EROFS, os.strerror(errno.EROFS), os.fsdecode(path))
        return real_mkdir(path, *args, **kwargs)

    monkeypatch.setattr(os, "mkdir", refuse)
    for verb, argv in commands(tmp_path, read_only / "set").items():
        status, _, err = run_cli(*argv)
        assert status == 2, (verb, err)
        assert f"--out: cannot write {read_only / 'set'}: Read-only file system; nothing was written" in err, err
        assert list(read_only.iterdir()) == []


def _without_root_powers() -> None:
    """In a child process run as root: drop the capabilities that let root write into a read-only folder."""
    libc = ctypes.CDLL(None, use_errno=True)
    for capability in (CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH):
        if libc.prctl(PR_CAPBSET_DROP, capability, 0, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "prctl(PR_CAPBSET_DROP)")


def test_a_real_read_only_folder_is_a_located_error(tmp_path):
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o555)
    try:
        command = [sys.executable, "-m", "qbank", "build", str(SAMPLE_EXAM), "--seed", "1", "--out", str(locked / "s")]
        drop = _without_root_powers if os.geteuid() == 0 else None
        result = subprocess.run(command, capture_output=True, text=True, preexec_fn=drop, timeout=300)
    finally:
        locked.chmod(0o755)
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    assert f"--out: cannot write {locked / 's'}: Permission denied; nothing was written" in result.stderr
    assert list(locked.iterdir()) == []


def test_a_failed_class_build_leaves_no_parent_folders(tmp_path, run_cli, monkeypatch):
    def broken(state, paper_id, student):
        raise UserError([Problem("<render>", 0, f"paper {paper_id}", "the renderer gave up")])

    monkeypatch.setattr(qbank.output.class_paper, "render_paper", broken)
    roster = write_roster(tmp_path / "students.csv", roster_rows(2))
    argv = ["build", str(SAMPLE_EXAM), "--roster", str(roster), "--seed", "1", "--jobs", "1"]
    status, _, err = run_cli(*argv, "--out", str(tmp_path / "a" / "b" / "c"))
    assert status == 2 and "the renderer gave up" in err
    assert everything(tmp_path) == ["students.csv"]
    (tmp_path / "a").mkdir()  # a folder that existed before the build stays
    status, _, err = run_cli(*argv, "--out", str(tmp_path / "a" / "b" / "c"))
    assert status == 2
    assert everything(tmp_path) == ["a", "students.csv"]


def test_grade_cannot_write_is_a_located_error(tmp_path, run_cli, monkeypatch):
    out = tmp_path / "set"
    assert main(["build", str(SAMPLE_EXAM), "--forms", "1", "--seed", "2", "--out", str(out)]) == 0
    fill_the_disk(monkeypatch)
    status, _, err = run_cli("grade", str(out), str(out / "answers.csv"), "--out", str(tmp_path / "m" / "marks.csv"))
    assert status == 2, err
    assert f"--out: cannot write {tmp_path / 'm' / 'marks.csv'}: No space left on device" in err
    assert "Traceback" not in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["set"]


def test_partial_files_of_a_killed_run_are_removed_by_the_next(tmp_path):
    """`qbank grade` killed by SIGKILL leaves `.marks.csv.partial-PID`; the next write of that file removes it
    (a live process's partial file and unrelated hidden files stay)."""

    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    dead_pid = int(gone.stdout)
    stale = tmp_path / f".marks.csv.partial-{dead_pid}"
    stale.write_text("half a gradebook")
    live = tmp_path / f".marks.csv.partial-{os.getppid()}"
    live.write_text("another run at work")
    unrelated = tmp_path / ".marks.csv.notes"
    unrelated.write_text("mine")
    write_files({tmp_path / "marks.csv": b"paper,total\n"})
    assert (tmp_path / "marks.csv").read_bytes() == b"paper,total\n"
    assert not stale.exists() and live.exists() and unrelated.exists()
