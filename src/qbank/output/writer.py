"""Write stage: put a complete output set into place atomically, or leave the old one untouched.

Files go into a hidden staging folder beside the target (`.NAME.partial-PID-<random>`), are flushed to disk,
and the folder is then swapped into place in one step: with `renameat2(RENAME_EXCHANGE)` where the
platform has it (so even `kill -9` at any instant leaves the complete old set or the complete new one
under NAME), else by renaming the old set aside first. Staging folders left by a killed build (their
process is gone) are removed by the next build of the same target. A failed write (disk full, read-only
folder) removes the staging folder and the parent folders the build made, and ends as a located `--out`
error. What `--out` may name and `--force` replace is checked by qbank.output.outdir.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno as errnos
import glob
import hashlib
import os
import shutil
import tempfile
from collections.abc import Iterable, Iterator, Mapping
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import BinaryIO

from qbank.core.errors import Problem, UserError
from qbank.core.lifetime import process_alive
from qbank.output.outdir import check_output
from qbank.spec.load import display_name

AT_FDCWD = -100
RENAME_NOREPLACE, RENAME_EXCHANGE = 1, 2
WRITE_ERRNOS = {errnos.ENOSPC, errnos.EDQUOT, errnos.EROFS, errnos.EFBIG}  # only writing raises these


def check_target(out_dir: Path, force: bool, inputs: Iterable[Path] = ()) -> None:
    """Refuse an output folder qbank may not write or (with `force`) replace; see qbank.output.outdir."""
    check_output(out_dir, force, inputs)


class Staging:
    """A hidden folder beside `out_dir` to write a set into; `commit()` swaps it into place atomically.

    On failure the staging folder and any parent folders it created are removed, and an OSError about the
    output (disk full, read-only, no permission) becomes a located `--out` error."""

    def __init__(self, out_dir: Path, force: bool, inputs: Iterable[Path] = ()) -> None:
        self.given = Path(out_dir)
        self.out_dir = self.given.resolve()
        self.force = force
        self.inputs = list(inputs)
        self.path: Path | None = None
        check_target(self.given, force, self.inputs)
        self.created = [p for p in (self.out_dir.parent, *self.out_dir.parent.parents) if not p.exists()]
        try:
            self.out_dir.parent.mkdir(parents=True, exist_ok=True)
            remove_stale(self.out_dir)
            prefix = f".{self.out_dir.name}.partial-{os.getpid()}-"
            self.path = Path(tempfile.mkdtemp(prefix=prefix, dir=self.out_dir.parent))
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(self.path, 0o777 & ~umask)
        except OSError as exc:
            self.discard()
            raise self.located(exc) from None

    def __enter__(self) -> Staging:
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        if kind is None:
            return
        self.discard()
        if isinstance(exc, OSError) and self.concerns_output(exc):
            raise self.located(exc) from None

    @property
    def folder(self) -> StagedFolder:
        """The staging folder, as the producers (and their worker processes) write into it."""
        assert self.path is not None
        return StagedFolder(self.path)

    def write(self, relative: str, data: bytes) -> str:
        """Write one file of the set (flushed to disk); return its SHA-256."""
        return self.folder.write(relative, data)

    def commit(self) -> None:
        """Swap the staged set into place; the old set (if any) is removed afterwards."""
        for folder in sorted({p.parent for p in self.path.rglob("*")} | {self.path}, reverse=True):
            fsync_dir(folder)
        check_target(self.given, self.force, self.inputs)
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
        self.created = []
        fsync_dir(self.out_dir.parent)

    def discard(self) -> None:
        """Remove the staging folder and everything in it, and the parent folders this build created."""
        if self.path is not None:
            shutil.rmtree(self.path, ignore_errors=True)
        for folder in self.created:  # innermost first; a folder someone else filled meanwhile stays
            with contextlib.suppress(OSError):
                folder.rmdir()
        self.created = []

    def concerns_output(self, exc: OSError) -> bool:
        """Whether an OSError is about writing the output: a write-only errno, or a file of the output."""
        if exc.errno in WRITE_ERRNOS:
            return True
        names = [Path(os.fsdecode(n)) for n in (exc.filename, exc.filename2) if isinstance(n, (str, bytes))]
        ours = (self.out_dir, *self.created)
        return any(n in ours or self.out_dir in n.parents or self.staged(n) for n in names)

    def staged(self, path: Path) -> bool:
        """Whether `path` is (inside) a staging or set-aside folder of this output."""
        tops = [path, *path.parents]
        return any(p.parent == self.out_dir.parent and p.name.startswith(f".{self.out_dir.name}.") for p in tops)

    def located(self, exc: OSError) -> UserError:
        """The OSError as a located `--out` problem naming the output and, when known, the file."""
        where = display_name(self.given)
        name = Path(os.fsdecode(exc.filename)) if isinstance(exc.filename, (str, bytes)) else None
        if name is not None and self.path is not None and self.path in name.parents:
            where += f" ({name.relative_to(self.path).as_posix()})"
        message = f"cannot write {where}: {exc.strerror or exc}; nothing was written"
        return UserError([Problem("<command line>", 0, "--out", message)])


@dataclass(frozen=True)
class StagedFolder:
    """Where a set is being staged: what the producers write files through (picklable, so worker processes
    write their papers straight into it)."""

    path: Path

    def write(self, relative: str, data: bytes) -> str:
        """Write one file of the set (flushed to disk); return its SHA-256."""
        write_durable(self.path / relative, data)
        return hashlib.sha256(data).hexdigest()

    def stream(self, relative: str) -> AbstractContextManager[BinaryIO]:
        """Write one file of the set as a stream (see `durable_stream`)."""
        return durable_stream(self.path / relative)

    def file(self, relative: str) -> Path:
        """The path of a staged file, to read it back."""
        return self.path / relative

    def scratch(self, relative: str) -> BinaryIO:
        """A working file of the build in the staging folder, to write and read back; the caller removes it
        before the set is committed (a failed build's staging folder is removed with it)."""
        return open(self.path / relative, "w+b")


def write_set(out_dir: Path, files: Mapping[str, bytes], force: bool, inputs: Iterable[Path] = ()) -> None:
    """Write `files` (relative path -> bytes) as the folder `out_dir`, all or nothing."""
    with Staging(out_dir, force, inputs) as staging:
        for relative, data in sorted(files.items()):
            staging.write(relative, data)
        staging.commit()


def write_durable(target: Path, data: bytes) -> None:
    """Write a file and flush it to disk (its folder must exist or is created); an OSError names the file."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_CLOEXEC, 0o666)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view) :]
        os.fsync(fd)
    except OSError as exc:
        raise OSError(exc.errno, exc.strerror, str(target)) from None
    finally:
        os.close(fd)


@contextmanager
def durable_stream(target: Path) -> Iterator[BinaryIO]:
    """Open a file to write front to back (its folder is created); it is flushed to disk when the block ends. An
    OSError opening or flushing it names the file."""
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        handle = open(target, "wb")  # noqa: SIM115 (closed below, after the caller's block and the flush)
    except OSError as exc:
        raise OSError(exc.errno, exc.strerror, str(target)) from None
    with handle:
        yield handle
        try:
            handle.flush()
            os.fsync(handle.fileno())
        except OSError as exc:
            raise OSError(exc.errno, exc.strerror, str(target)) from None


def remove_stale(out_dir: Path) -> list[Path]:
    """Remove staging and set-aside folders of `out_dir` left by builds whose process is gone."""
    removed = []
    for candidate in out_dir.parent.glob(f".{glob.escape(out_dir.name)}.*-*-*"):
        kind, _, rest = candidate.name[len(out_dir.name) + 2 :].partition("-")
        pid = rest.split("-", 1)[0]
        if kind in ("partial", "old") and pid.isdigit() and not process_alive(int(pid)) and candidate.is_dir():
            shutil.rmtree(candidate, ignore_errors=True)
            removed.append(candidate)
    return removed


def remove_stale_partial_files(target: Path) -> list[Path]:
    """Remove the partial files of `target` (`.NAME.partial-PID`) left by a run whose process is gone."""
    removed = []
    for candidate in target.parent.glob(f".{glob.escape(target.name)}.partial-*"):
        pid = candidate.name.rsplit("-", 1)[1]
        if pid.isdigit() and not process_alive(int(pid)) and candidate.is_file() and not candidate.is_symlink():
            candidate.unlink(missing_ok=True)
            removed.append(candidate)
    return removed


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


def write_files(files: Mapping[Path, bytes]) -> None:
    """Write files all or nothing: each to a hidden partial file beside it, then all renamed into place. On
    failure remove the partial files and the parent folders made for them; an OSError becomes a located
    `--out` problem."""
    partials = {Path(t): Path(t).with_name(f".{Path(t).name}.partial-{os.getpid()}") for t in files}
    for target in partials:
        remove_stale_partial_files(target)
    created = list(dict.fromkeys(p for t in partials for p in (t.parent, *t.parent.parents) if not p.exists()))
    try:
        for target, data in files.items():
            write_durable(partials[Path(target)], data)
        for target, partial in partials.items():
            partial.replace(target)
    except BaseException as exc:
        for partial in partials.values():
            with contextlib.suppress(OSError):
                partial.unlink()
        for folder in sorted(created, key=lambda p: len(p.parts), reverse=True):
            with contextlib.suppress(OSError):
                folder.rmdir()
        if isinstance(exc, OSError):
            name = Path(os.fsdecode(exc.filename)) if isinstance(exc.filename, (str, bytes)) else None
            target = next((t for t, p in partials.items() if p == name), name or next(iter(partials)))
            message = f"cannot write {display_name(target)}: {exc.strerror or exc}; nothing was written"
            raise UserError([Problem("<command line>", 0, "--out", message)]) from None
        raise
    for folder in {target.parent for target in partials}:
        fsync_dir(folder)
