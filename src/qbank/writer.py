"""Write stage: put a complete output set into place atomically, or leave the old one untouched.

Files go into a hidden staging folder beside the target (`.NAME.partial-PID-<random>`), are flushed to disk,
and the folder is then swapped into place in one step: with `renameat2(RENAME_EXCHANGE)` where the
platform has it (so even `kill -9` at any instant leaves the complete old set or the complete new one
under NAME), else by renaming the old set aside first. Staging folders left by a killed build (their
process is gone) are removed by the next build of the same target.
"""

from __future__ import annotations

import ctypes
import glob
import os
import shutil
import tempfile
from collections.abc import Mapping
from pathlib import Path
from types import TracebackType

from .errors import Problem, UserError
from .load import display_name

AT_FDCWD = -100
RENAME_NOREPLACE, RENAME_EXCHANGE = 1, 2


def check_target(out_dir: Path, force: bool) -> None:
    """Refuse an existing output folder unless `force`; refuse a file in the way."""
    if out_dir.exists() and not out_dir.is_dir():
        problem = Problem("<command line>", 0, "--out", f"{display_name(out_dir)} exists and is not a folder")
        raise UserError([problem])
    if out_dir.exists() and not force:
        message = f"{display_name(out_dir)} already exists (use --force to replace it)"
        raise UserError([Problem("<command line>", 0, "--out", message)])


class Staging:
    """A hidden folder beside `out_dir` to write a set into; `commit()` swaps it into place atomically."""

    def __init__(self, out_dir: Path, force: bool) -> None:
        self.out_dir = Path(out_dir).resolve()
        self.force = force
        check_target(self.out_dir, force)
        self.out_dir.parent.mkdir(parents=True, exist_ok=True)
        remove_stale(self.out_dir)
        prefix = f".{self.out_dir.name}.partial-{os.getpid()}-"
        self.path = Path(tempfile.mkdtemp(prefix=prefix, dir=self.out_dir.parent))
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(self.path, 0o777 & ~umask)

    def __enter__(self) -> Staging:
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        if kind is not None:
            self.discard()

    def write(self, relative: str, data: bytes) -> None:
        """Write one file of the set (flushed to disk)."""
        write_durable(self.path / relative, data)

    def commit(self) -> None:
        """Swap the staged set into place; the old set (if any) is removed afterwards."""
        for folder in sorted({p.parent for p in self.path.rglob("*")} | {self.path}, reverse=True):
            fsync_dir(folder)
        check_target(self.out_dir, self.force)
        if self.out_dir.exists():
            if _renameat2(self.path, self.out_dir, RENAME_EXCHANGE):
                shutil.rmtree(self.path, ignore_errors=True)  # now holds the old set
            else:
                aside = Path(
                    tempfile.mkdtemp(prefix=f".{self.out_dir.name}.old-{os.getpid()}-", dir=self.out_dir.parent)
                )
                aside.rmdir()
                os.rename(self.out_dir, aside)
                os.rename(self.path, self.out_dir)
                shutil.rmtree(aside, ignore_errors=True)
        elif not _renameat2(self.path, self.out_dir, RENAME_NOREPLACE):
            os.rename(self.path, self.out_dir)
        fsync_dir(self.out_dir.parent)

    def discard(self) -> None:
        """Remove the staging folder and everything in it."""
        shutil.rmtree(self.path, ignore_errors=True)


def write_set(out_dir: Path, files: Mapping[str, bytes], force: bool) -> None:
    """Write `files` (relative path -> bytes) as the folder `out_dir`, all or nothing."""
    with Staging(out_dir, force) as staging:
        for relative, data in sorted(files.items()):
            staging.write(relative, data)
        staging.commit()


def write_durable(target: Path, data: bytes) -> None:
    """Write a file and flush it to disk (its folder must exist or is created)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    with open(target, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())


def remove_stale(out_dir: Path) -> list[Path]:
    """Remove staging and set-aside folders of `out_dir` left by builds whose process is gone."""
    removed = []
    for candidate in out_dir.parent.glob(f".{glob.escape(out_dir.name)}.*-*-*"):
        kind, _, rest = candidate.name[len(out_dir.name) + 2 :].partition("-")
        pid = rest.split("-", 1)[0]
        if kind in ("partial", "old") and pid.isdigit() and not _alive(int(pid)) and candidate.is_dir():
            shutil.rmtree(candidate, ignore_errors=True)
            removed.append(candidate)
    return removed


def _alive(pid: int) -> bool:
    """Whether a process with this id exists."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _renameat2(source: Path, target: Path, flags: int) -> bool:
    """renameat2(2) where available; False when the platform or file system does not support it."""
    try:
        function = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):
        return False
    result = function(AT_FDCWD, os.fsencode(source), AT_FDCWD, os.fsencode(target), ctypes.c_uint(flags))
    if result == 0:
        return True
    errno = ctypes.get_errno()
    if errno in (38, 22, 95):  # ENOSYS, EINVAL, EOPNOTSUPP: not supported here
        return False
    if errno in (17, 39):  # EEXIST, ENOTEMPTY: another process made the target meanwhile
        message = f"{display_name(target)} appeared while building (use --force to replace it)"
        raise UserError([Problem("<command line>", 0, "--out", message)])
    raise OSError(errno, os.strerror(errno), str(target))


def fsync_dir(path: Path) -> None:
    """Flush a folder's entries to disk (best effort where the platform allows)."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
