"""Load stage: read YAML with the safe loader and keep the line number of every node."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .errors import Problem, UserError, join_path

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


def read_bytes(path: Path, what: str = "file") -> bytes:
    """A file's bytes; an unreadable file is a UserError naming it."""
    try:
        return path.read_bytes()
    except OSError as exc:
        raise UserError([Problem(display_name(path), 0, "", f"cannot read {what}: {exc.strerror or exc}")]) from None


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
    return load_yaml_text(decode_utf8(raw, name), name)


def load_yaml_file(path: Path) -> Document:
    """Read and parse one YAML file; raise UserError located at the syntax problem."""
    return load_yaml_bytes(read_bytes(path), display_name(path))


def load_yaml_text(text: str, name: str) -> Document:
    """Parse YAML text with the safe loader, rejecting duplicate keys; keep node lines."""
    try:
        loader = yaml.SafeLoader(text)
    except yaml.reader.ReaderError as exc:  # a control character: refused before parsing starts
        line = text[: exc.position].count("\n") + 1
        raise UserError([Problem(name, line, "", f"YAML error: character #x{exc.character:04x} is not allowed "
                                 "(control characters cannot appear in YAML)")]) from None  # fmt: skip
    try:
        node = loader.get_single_node()
        if node is None:
            return Document(name, None, {(): 1})
        lines: dict[KeyPath, int] = {}
        blocks: dict[KeyPath, int] = {}
        problems: list[Problem] = []
        data = _convert(loader, node, (), lines, blocks, problems, name)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 0
        message = " ".join(str(part) for part in (exc.problem, exc.context) if part) or "invalid YAML"
        raise UserError([Problem(name, line, "", f"YAML syntax error: {message}")]) from None
    except yaml.YAMLError as exc:
        raise UserError([Problem(name, 0, "", f"YAML error: {exc}")]) from None
    finally:
        loader.dispose()
    if problems:
        raise UserError(problems)
    lines.setdefault((), node.start_mark.line + 1)
    return Document(name, data, lines, blocks)


def _convert(loader, node, path, lines, blocks, problems, name) -> Any:
    """Turn a composed node into plain Python data, recording lines by key path."""
    if isinstance(node, yaml.MappingNode):
        loader.flatten_mapping(node)
        result: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            key = loader.construct_object(key_node, deep=True)
            if not isinstance(key, str | int | float | bool) or key is None:
                problems.append(Problem(name, key_node.start_mark.line + 1, join_path(*path), "keys must be scalars"))
                continue
            key = str(key) if not isinstance(key, str) else key
            child = (*path, key)
            if key in result:
                first = lines.get(child, 0)
                problems.append(
                    Problem(
                        name, key_node.start_mark.line + 1, join_path(*child), f"duplicate key (first at line {first})"
                    )
                )
                continue
            lines[child] = key_node.start_mark.line + 1
            if isinstance(value_node, yaml.ScalarNode) and value_node.style in ("|", ">"):
                blocks[child] = value_node.start_mark.line + 2
            elif isinstance(value_node, yaml.ScalarNode):
                blocks[child] = value_node.start_mark.line + 1
            result[key] = _convert(loader, value_node, child, lines, blocks, problems, name)
        return result
    if isinstance(node, yaml.SequenceNode):
        items = []
        for index, item in enumerate(node.value):
            child = (*path, index)
            lines[child] = item.start_mark.line + 1
            items.append(_convert(loader, item, child, lines, blocks, problems, name))
        return items
    return loader.construct_object(node, deep=True)
