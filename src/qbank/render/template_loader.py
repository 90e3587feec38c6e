"""Page templates from folders, confined like the PDF fetcher: a template's real path must lie inside its folder."""

from __future__ import annotations

import hashlib
import os
import posixpath
from collections.abc import Callable, Iterable, Iterator
from functools import partial
from pathlib import Path

import jinja2
from jinja2.loaders import split_template_path
from jinja2.sandbox import SecurityError


class ConfinedLoader(jinja2.FileSystemLoader):
    """FileSystemLoader (first folder wins) that refuses a template whose real path (links and `..` resolved)
    lies outside the folder it was found in, or that is not a regular file."""

    def __init__(self, folders: Iterable[Path]) -> None:
        super().__init__([str(folder) for folder in folders])

    def get_source(self, environment: jinja2.Environment, template: str) -> tuple[str, str, Callable[[], bool]]:
        """The source of `template` and its path; SecurityError if it leads outside its template folder."""
        pieces = split_template_path(template)
        for folder in self.searchpath:
            filename = posixpath.join(folder, *pieces)
            if not os.path.lexists(filename):
                continue
            real, root = os.path.realpath(filename), os.path.realpath(folder)
            if os.path.commonpath([real, root]) != root:
                raise SecurityError(f"template {template!r} is {real}, outside the template folder {root}")
            if not os.path.isfile(real):
                raise SecurityError(f"template {template!r} ({real}) is not a regular file")
            with open(real, "rb") as file:
                contents = file.read().decode(self.encoding)
            return contents, os.path.normpath(filename), partial(_unchanged, real, os.path.getmtime(real))
        raise jinja2.TemplateNotFound(template, f"{template!r} not found in the template folders")


def _unchanged(path: str, mtime: float) -> bool:
    """Whether a loaded template file is still as it was (Jinja's cache check)."""
    try:
        return os.path.getmtime(path) == mtime
    except OSError:
        return False


def template_files(folder: Path) -> Iterator[tuple[str, Path]]:
    """(template name, path) of every regular file a template in `folder` can include, sorted by name."""
    root = Path(os.path.realpath(folder))
    if not root.is_dir():
        return
    for path in sorted(root.rglob("*")):
        real = Path(os.path.realpath(path))
        if real.is_relative_to(root) and real.is_file():
            yield path.relative_to(root).as_posix(), real


def file_digest(path: Path) -> str:
    """Hex SHA-256 of a file's bytes."""
    return hashlib.sha256(path.read_bytes()).hexdigest()
