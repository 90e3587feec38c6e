"""Write stage: put a complete output set into place atomically, or leave the old one untouched."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Mapping
from pathlib import Path

from .errors import Problem, UserError
from .load import display_name


def check_target(out_dir: Path, force: bool) -> None:
    """Refuse an existing output folder unless `force`; refuse a file in the way."""
    if out_dir.exists() and not out_dir.is_dir():
        problem = Problem("<command line>", 0, "--out", f"{display_name(out_dir)} exists and is not a folder")
        raise UserError([problem])
    if out_dir.exists() and not force:
        raise UserError(
            [
                Problem(
                    "<command line>", 0, "--out", f"{display_name(out_dir)} already exists (use --force to replace it)"
                )
            ]
        )


def write_set(out_dir: Path, files: Mapping[str, bytes], force: bool) -> None:
    """Write `files` (relative path -> bytes) as the folder `out_dir`, all or nothing.

    Files go into a temporary sibling folder first, are flushed to disk, and the folder is renamed into
    place. With `force`, an existing folder is first renamed aside and removed only after the new one is
    in place, so an interruption leaves either the complete old set or the complete new one.
    """
    out_dir = out_dir.resolve()
    check_target(out_dir, force)
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.partial-", dir=out_dir.parent))
    try:
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(staging, 0o777 & ~umask)
        for relative, data in sorted(files.items()):
            target = staging / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            with open(target, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
        _fsync_dir(staging)
        if out_dir.exists():
            aside = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.old-", dir=out_dir.parent))
            aside.rmdir()
            os.rename(out_dir, aside)
            os.rename(staging, out_dir)
            shutil.rmtree(aside, ignore_errors=True)
        else:
            os.rename(staging, out_dir)
        _fsync_dir(out_dir.parent)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def _fsync_dir(path: Path) -> None:
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
