"""Load stage: read YAML with the safe loader and keep the line number of every node."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from qbank.core.errors import Problem, UserError, join_path
from qbank.core.limits import MAX_FILE_BYTES
from qbank.spec.yaml_bounds import BoundedComposer, BoundedLoader, Converter, LimitError
from qbank.speedups import yamlevents

KeyPath = tuple[str | int, ...]


@dataclass(frozen=True)
class Document:
    """Parsed YAML data plus where each key path starts (1-based lines)."""

    file: str
    data: Any
    lines: dict[KeyPath, int] = field(default_factory=dict)
    block_starts: dict[KeyPath, int] = field(default_factory=dict)

    def line(self, path: KeyPath) -> int:
        """Return the line of `path`, or of its nearest recorded ancestor."""
        path = tuple(path)
        while path:
            if path in self.lines:
                return self.lines[path]
            path = path[:-1]
        return self.lines.get((), 1)

    def subdocument(self, prefix: KeyPath, data: Any) -> Document:
        """A document rooted at `prefix` (same file and lines) holding `data`."""
        n = len(prefix)
        lines = {k[n:]: v for k, v in self.lines.items() if k[:n] == tuple(prefix)}
        blocks = {k[n:]: v for k, v in self.block_starts.items() if k[:n] == tuple(prefix)}
        return Document(self.file, data, lines, blocks)

    def problem(self, path: KeyPath, message: str, prefix: KeyPath = ()) -> Problem:
        """Build a located Problem for a key path (optionally under `prefix`)."""
        full = tuple(prefix) + tuple(path)
        return Problem(self.file, self.line(full), join_path(*full), message)


def display_name(path: Path) -> str:
    """Return a path relative to the working directory when possible, as users typed it."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def read_bytes(path: Path, what: str = "file", limit: tuple[int, str] | None = None) -> bytes:
    """A file's bytes; an unreadable file, or one larger than `limit` (bytes, constant name), is a UserError
    naming it (the size is checked before the file is read, and no more than the limit is read)."""
    try:
        with open(path, "rb") as handle:
            if limit is None:
                return handle.read()
            wanted = min(os.fstat(handle.fileno()).st_size, limit[0]) + 1  # no buffer of the limit's size
            data = handle.read(wanted)
            if len(data) == wanted <= limit[0]:  # the file grew since its size was read (or is not a regular file)
                data += handle.read(limit[0] + 1 - len(data))
    except OSError as exc:
        raise UserError([Problem(display_name(path), 0, "", f"cannot read {what}: {exc.strerror or exc}")]) from None
    if len(data) > limit[0]:
        message = f"{what} is more than {limit[0]:,} bytes (limits.{limit[1]})"
        raise UserError([Problem(display_name(path), 0, "", message)])
    return data


def decode_utf8(raw: bytes, name: str, what: str = "file", advice: str = "") -> str:
    """UTF-8 text (a leading BOM dropped); bad bytes are a UserError at their line, naming the byte."""
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        message = f"{what} is not valid UTF-8 (byte 0x{raw[exc.start]:02x}){advice}"
        raise UserError([Problem(name, line, "", message)]) from None


def load_yaml_bytes(raw: bytes, name: str) -> Document:
    """Parse the bytes of one YAML file; raise UserError located at the problem."""
    if len(raw) > MAX_FILE_BYTES:
        message = f"file is {len(raw):,} bytes, more than {MAX_FILE_BYTES:,} (limits.MAX_FILE_BYTES)"
        raise UserError([Problem(name, 0, "", message)])
    return load_yaml_text(decode_utf8(raw, name), name)


def load_yaml_file(path: Path) -> Document:
    """Read and parse one YAML file; raise UserError located at the syntax problem."""
    return load_yaml_bytes(read_bytes(path), display_name(path))


def load_yaml_text(text: str, name: str) -> Document:
    """Parse YAML text with the safe loader, rejecting duplicate keys; keep node lines."""
    if yamlevents.installed():
        try:
            return _document(yamlevents.event_loader(BoundedComposer)(text), name)
        except Exception:  # any problem at all: the plain loader finds it and reports it as it always has
            pass
    try:
        loader = BoundedLoader(text)
    except yaml.reader.ReaderError as exc:  # a control character: refused before parsing starts
        line = text[: exc.position].count("\n") + 1
        raise UserError([Problem(name, line, "", f"YAML error: character #x{exc.character:04x} is not allowed "
                                 "(control characters cannot appear in YAML)")]) from None  # fmt: skip
    try:
        return _document(loader, name)
    except LimitError as exc:
        raise UserError([Problem(name, exc.line, join_path(*exc.path), exc.message)]) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 0
        message = " ".join(str(part) for part in (exc.problem, exc.context) if part) or "invalid YAML"
        raise UserError([Problem(name, line, "", f"YAML syntax error: {message}")]) from None
    except yaml.YAMLError as exc:
        raise UserError([Problem(name, 0, "", f"YAML error: {exc}")]) from None


def _document(loader: BoundedComposer, name: str) -> Document:
    """Compose the loader's single document and convert it (its problems raised as one UserError)."""
    try:
        node = loader.get_single_node()
        if node is None:
            return Document(name, None, {(): 1})
        converter = Converter(loader, name)
        data = converter.convert(node, (), 1)
    finally:
        loader.dispose()  # type: ignore[attr-defined]
    if converter.problems:
        raise UserError(converter.problems)
    converter.lines.setdefault((), node.start_mark.line + 1)
    return Document(name, data, converter.lines, converter.blocks)
