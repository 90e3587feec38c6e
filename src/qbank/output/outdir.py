"""Command-line output checks, run before any work: where `--out` may go and what `--force` may replace.

`--force` replaces only what qbank itself wrote: a folder whose `manifest.json` lists every file in it (or a
marks file, for `qbank grade`). It never replaces the current folder or one above it, an input of the run or a
folder holding or inside one, a non-empty folder that is not a qbank set, or a set holding files its manifest
does not list. An existing empty folder may always be used.
"""

from __future__ import annotations

import csv
import json
import os
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

from qbank.core.errors import Problem, UserError
from qbank.spec.load import display_name

MANIFEST = "manifest.json"
MARKS_COLUMNS = ("total", "auto_max", "paper_max")  # the last columns of every marks file qbank writes
NAMES_SHOWN = 10


def command_line(option: str, message: str) -> Problem:
    """A problem with a command-line option, printed as `<command line>: --option: message`."""
    return Problem("<command line>", 0, option, message)


def check_output(out_dir: Path, force: bool, inputs: Iterable[Path] = (), template_dirs: Sequence[Path] = ()) -> None:
    """Raise a UserError naming every problem with `--out` (a folder) and `--templates`."""
    problems = out_dir_problems(Path(out_dir), force, list(inputs)) + template_problems(template_dirs)
    if problems:
        raise UserError(problems)


def template_problems(template_dirs: Sequence[Path]) -> list[Problem]:
    """Each `--templates` folder must exist and be a folder."""
    problems = []
    for folder in map(Path, template_dirs):
        if not folder.exists():
            problems.append(command_line("--templates", f"{display_name(folder)} does not exist"))
        elif not folder.is_dir():
            problems.append(command_line("--templates", f"{display_name(folder)} is not a folder"))
    return problems


def out_dir_problems(out_dir: Path, force: bool, inputs: Sequence[Path]) -> list[Problem]:
    """What stops a set being written as the folder `out_dir` (empty: nothing)."""
    name = display_name(out_dir)
    target = out_dir.resolve()
    blocker = file_above(target)
    if blocker is not None:
        return [command_line("--out", f"{name} is inside {display_name(blocker)}, which is a file, not a folder")]
    if not target.exists():
        return []
    if not target.is_dir():
        return [command_line("--out", f"{name} exists and is not a folder")]
    problems = [command_line("--out", message) for message in _protected(target, name, inputs)]
    if problems:
        return problems
    if not any(target.iterdir()):
        return []
    refused = set_problems(target, name)  # what --force would refuse too: no hint to use it
    if refused:
        return [command_line("--out", message) for message in refused]
    return [] if force else [command_line("--out", f"{name} already exists (use --force to replace it)")]


def file_above(path: Path) -> Path | None:
    """The nearest existing ancestor of `path` when it is a file (nothing can be written under it)."""
    for folder in path.parents:
        if folder.exists():
            return None if folder.is_dir() else folder
    return None


def _protected(target: Path, name: str, inputs: Sequence[Path]) -> list[str]:
    """Why the existing folder `target` may never be replaced: the current folder, an input, ..."""
    reasons = []
    try:
        cwd = Path.cwd().resolve()
    except OSError:
        cwd = None
    if cwd is not None and (target == cwd or target in cwd.parents):
        which = "the current folder" if target == cwd else "a folder holding the current folder"
        reasons.append(f"{name} is {which}; qbank never replaces it")
    for source in dict.fromkeys(Path(p).resolve() for p in inputs):
        if source == target:
            reasons.append(f"{name} is an input of this run; qbank never replaces it")
        elif target in source.parents:
            reasons.append(f"{name} holds {display_name(source)}, an input of this run; qbank never replaces it")
        elif source in target.parents:
            reasons.append(f"{name} is inside {display_name(source)}, an input of this run; qbank never replaces it")
    return reasons


def set_problems(target: Path, name: str) -> list[str]:
    """Why the non-empty folder `target` cannot be replaced, with or without `--force`: not a qbank set, or
    files its manifest does not list."""
    listed = manifest_files(target / MANIFEST)
    if listed is None:
        return [f"{name} is not a qbank set (no qbank {MANIFEST} in it): it holds files qbank did not write; choose "
                "an empty or new folder (--force replaces only a folder qbank wrote)"]  # fmt: skip
    unlisted = unlisted_files(target, listed | {MANIFEST})
    if not unlisted:
        return []
    more = len(unlisted) - NAMES_SHOWN
    shown = ", ".join(unlisted[:NAMES_SHOWN]) + (f" and {more} more" if more > 0 else "")
    return [f"{name} holds files its {MANIFEST} does not list ({shown}), files qbank did not write: move them out "
            "first, or choose an empty or new folder (--force replaces only what qbank wrote)"]  # fmt: skip


def manifest_files(manifest: Path) -> set[str] | None:
    """The files a qbank manifest lists (relative paths), or None when `manifest` is not one."""
    try:
        data = json.loads(manifest.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError):
        return None
    if not isinstance(data, dict) or "manifest_version" not in data or not isinstance(data.get("files"), dict):
        return None
    return {str(name) for name in data["files"]}


def unlisted_files(root: Path, listed: set[str]) -> list[str]:
    """Everything under `root` (symbolic links not followed) that is neither a listed file nor holds one."""
    folders = {str(parent) for name in listed for parent in Path(name).parents}
    unlisted = []
    for here, subfolders, files in os.walk(root):
        relative = Path(here).relative_to(root)
        for sub in sorted(subfolders):
            if str(relative / sub) not in folders:
                unlisted.append(f"{(relative / sub).as_posix()}/")
        subfolders[:] = sorted(s for s in subfolders if str(relative / s) in folders)
        unlisted.extend((relative / f).as_posix() for f in sorted(files) if (relative / f).as_posix() not in listed)
    return unlisted


def out_file_problems(out: Path, option: str, force: bool, kind: str, columns: Sequence[str],
                      ours: Callable[[Path], bool] | None = None) -> list[Problem]:  # fmt: skip
    """What stops the file `out` being written: a file above it, a folder in its place, an existing file that is
    not a `kind` file qbank wrote (a CSV whose header ends with `columns`, or one `ours` accepts: --force would
    not replace it either), or one that is, without --force."""
    name = display_name(out)
    target = Path(out).resolve()
    blocker = file_above(target)
    if blocker is not None:
        problem = f"{name} is inside {display_name(blocker)}, which is a file, not a folder"
    elif target.is_dir():
        problem = f"{name} is a folder; give the {kind} file to write"
    elif target.exists() and not (ours(target) if ours is not None else written_by_qbank(target, columns)):
        problem = f"{name} is not a {kind} file qbank wrote; --force replaces only that: write to a new file"
    elif target.exists() and not force:
        problem = f"{name} already exists (use --force to replace it)"
    else:
        return []
    return [command_line(option, problem)]


def written_by_qbank(path: Path, columns: Sequence[str]) -> bool:
    """Whether `path` is a CSV (UTF-8, with or without a BOM) whose header ends with `columns`."""
    try:
        with open(path, encoding="utf-8-sig", newline="") as handle:
            header = next(csv.reader(handle), [])
    except (OSError, UnicodeDecodeError, csv.Error):
        return False
    return len(header) >= len(columns) and tuple(header[-len(columns) :]) == tuple(columns)


def bank_inputs(bank_root: Path, modules: Iterable[str] = ()) -> list[Path]:
    """A bank's folder and its solver modules (which may live outside it): inputs `--out` must keep clear of."""
    return [Path(bank_root), *(Path(bank_root) / module for module in modules)]
