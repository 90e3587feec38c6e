"""A manifest read as a stream: the top-level fields besides `papers` whole (bounded together), the `papers` array
one record at a time (each bounded), with the strictness of qbank.output.manifest_json.parse_strict (no NaN or
infinities, no repeated keys, bounded nesting) and the line, column and byte offset of every value kept, so a
manifest of any number of papers is read, and every problem located, in memory bounded by one record."""

from __future__ import annotations

import codecs
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

from qbank.core.errors import Problem, UserError, join_path
from qbank.core.limits import MANIFEST_MAX_DEPTH, MAX_MANIFEST_RECORD_BYTES
from qbank.output.manifest_json import (
    STRICT,
    JsonProblem,
    KeyPath,
    Refused,
    check_surrogates,
    check_value,
    line_of,
    nesting,
)

__all__ = ["CHUNK", "Located", "ManifestScan"]

CHUNK = 1 << 16  # bytes read at a time (more while a value longer than the buffer is read: as many as it holds)
_PLAIN = json.JSONDecoder()
_SPACE = " \t\n\r"
Limit = tuple[int, str, int]  # bytes a value may still take, the bound's name in qbank.core.limits, its value


@dataclass(frozen=True)
class Located:
    """A value's text as the file holds it, where it starts (line and column, from 1), and its bytes in the
    file (offset and length)."""

    text: str
    line: int
    column: int
    offset: int = 0
    size: int = 0

    def line_of(self, path: KeyPath) -> int:
        """The line of the value at `path` inside this value (or of its closest enclosing value)."""
        return line_of(self.text, path) + self.line - 1 if self.text else self.line


class _Text:
    """A UTF-8 file decoded a chunk at a time; `pos` is where scanning is, `cur` a mark whose line, column and
    byte offset are known (the buffer never drops text at or after it)."""

    def __init__(self, handle: BinaryIO, name: str) -> None:
        self.handle, self.name = handle, name
        self.decoder = codecs.getincrementaldecoder("utf-8")()
        self.buf, self.pos, self.cur, self.eof = "", 0, 0, False
        self.line, self.column, self.offset = 1, 1, 0  # of buf[cur]

    def more(self) -> bool:
        """Decode the next chunk into the buffer (dropping the text before the mark); False at the end."""
        if self.eof:
            return False
        self.buf, self.pos, self.cur = self.buf[self.cur :], self.pos - self.cur, 0
        data = self.handle.read(max(CHUNK, len(self.buf)))
        try:
            self.buf += self.decoder.decode(data, final=not data)
        except UnicodeDecodeError as exc:
            message = f"not a qbank manifest: not UTF-8 text ({exc.reason})"
            raise UserError([Problem(self.name, 0, "", message)]) from None
        self.eof = not data
        return True

    def where(self, index: int) -> tuple[int, int]:
        """Line and column of buffer position `index` (at or after the mark)."""
        seg = self.buf[self.cur : index]
        newlines = seg.count("\n")
        return (self.line + newlines, len(seg) - seg.rfind("\n") if newlines else self.column + len(seg))

    def mark(self, index: int) -> tuple[int, int, int]:
        """Move the mark to buffer position `index`; its line, column and byte offset."""
        seg = self.buf[self.cur : index]
        self.line, self.column = self.where(index)
        self.offset += len(seg.encode("utf-8"))
        self.cur = index
        return self.line, self.column, self.offset

    def peek(self) -> str:
        """The next character that is not white space ("" at the end of the file)."""
        while True:
            while self.pos < len(self.buf) and self.buf[self.pos] in _SPACE:
                self.pos += 1
            if self.pos < len(self.buf) or not self.more():
                return self.buf[self.pos : self.pos + 1]

    def invalid(self, message: str, index: int | None = None) -> UserError:
        """Not valid JSON at buffer position `index` (where scanning is, by default)."""
        at = self.pos if index is None else index
        line, column = self.where(at)
        ending = " (the file ends there: truncated?)" if self.eof and "\n" not in self.buf[at:].rstrip() else ""
        text = f"not a qbank manifest: not valid JSON: {message} (column {column}){ending}"
        return UserError([Problem(self.name, line, "", text)])

    def too_large(self, path: KeyPath, limit: Limit) -> UserError:
        """A value larger than its bound, at its line."""
        record = path[:1] == ("papers",) and len(path) == 2
        what = "paper record is" if record else "the manifest's fields besides papers are"
        message = f"{what} more than {limit[2]:,} bytes (limits.{limit[1]})"
        return UserError([Problem(self.name, self.where(self.cur)[0], join_path(*path), message)])

    def decode(self, parse: Callable[[str, int], tuple[Any, int]], limit: Limit, path: KeyPath) -> Any:
        """`parse` at the scanning position, reading on while the value may continue past the buffer; the value,
        with the position after it."""
        failed = -1
        while True:
            try:
                value, end = parse(self.buf, self.pos)
                if end < len(self.buf) or self.eof:
                    return value, end
            except json.JSONDecodeError as exc:
                if self.eof or exc.pos - self.pos == failed:
                    raise self.invalid(exc.msg, exc.pos) from None
                failed = exc.pos - self.pos
            if len(self.buf) - self.pos > limit[0]:
                raise self.too_large(path, limit)
            self.more()

    def value(self, limit: Limit, path: KeyPath) -> tuple[Any, Located]:
        """The JSON value at the scanning position (strict, at most `limit` bytes) and where it is."""
        line, column, offset = self.mark(self.pos)
        depth = len(path)
        try:
            value, end = self.decode(STRICT.raw_decode, limit, path)
            strict = nesting(value) + depth <= MANIFEST_MAX_DEPTH
        except (Refused, RecursionError):
            strict = False
            try:
                value, end = self.decode(_PLAIN.raw_decode, limit, path)
            except RecursionError:
                check_value(self.buf[self.pos :], path, depth, line, column)
                raise UserError([Problem(self.name, line, join_path(*path), f"nested more than "
                                         f"{MANIFEST_MAX_DEPTH} levels deep")]) from None  # fmt: skip
        text = self.buf[self.pos : end]
        size = len(text.encode("utf-8"))
        if size > limit[0]:
            raise self.too_large(path, limit)
        if not strict:
            check_value(text, path, depth, line, column)
        check_surrogates(text, path, line)
        self.pos = end
        return value, Located(text, line, column, offset, size)

    def key(self, limit: Limit) -> tuple[str, int]:
        """The object key (a JSON string) at the scanning position, and its line."""
        line = self.where(self.pos)[0]
        self.mark(self.pos)
        key, end = self.decode(lambda text, index: json.decoder.scanstring(text, index + 1), limit, ())
        self.pos = end
        return key, line


@dataclass
class ManifestScan:
    """One pass over a manifest file: iterate it for its paper records (index, record, where), in file order;
    after the pass, `head` holds every other top-level field and `where` their places."""

    file: Path
    name: str
    head_limit: tuple[str, int]  # the bound on the fields besides papers together: its name and value
    head: dict[str, Any] = field(default_factory=dict)
    where: dict[str, Located] = field(default_factory=dict)
    order: list[str] = field(default_factory=list)  # the top-level keys in file order, `papers` included
    count: int = 0  # paper records read
    streamed: bool = False  # whether `papers` was an array (read record by record, not kept in `head`)

    def __iter__(self) -> Iterator[tuple[int, Any, Located]]:
        try:
            with open(self.file, "rb") as handle:
                yield from self._object(_Text(handle, self.name))
        except OSError as exc:
            raise UserError([Problem(self.name, 0, "", f"cannot read manifest: {exc.strerror or exc}")]) from None
        except JsonProblem as exc:
            message = exc.message if exc.path else f"not a qbank manifest: {exc.message}"
            raise UserError([Problem(self.name, exc.line, join_path(*exc.path), message)]) from None

    def _object(self, text: _Text) -> Iterator[tuple[int, Any, Located]]:
        if text.peek() != "{":
            raise UserError([Problem(self.name, 1, "", "not a qbank manifest: must be a JSON object")])
        text.pos += 1
        budget, char = self.head_limit[1], text.peek()
        while char != "}":
            if char != '"':
                raise text.invalid("Expecting property name enclosed in double quotes")
            key, line = text.key((budget, *self.head_limit))
            if key in self.order:
                raise JsonProblem(line, (key,), "key repeated in the same object")
            if text.peek() != ":":
                raise text.invalid("Expecting ':' delimiter")
            text.pos += 1
            self.order.append(key)
            if text.peek() == "[" and key == "papers":
                yield from self._papers(text)
            else:
                self.head[key], self.where[key] = text.value((budget, *self.head_limit), (key,))
                budget -= self.where[key].size
            char = _after_item(text, "}", "Expecting property name enclosed in double quotes")
        text.pos += 1
        if text.peek() != "":
            raise text.invalid("Extra data")

    def _papers(self, text: _Text) -> Iterator[tuple[int, Any, Located]]:
        line, column, offset = text.mark(text.pos)
        self.where["papers"], self.streamed = Located("", line, column, offset), True
        text.pos += 1
        char = text.peek()
        while char != "]":
            bound = MAX_MANIFEST_RECORD_BYTES
            record, located = text.value((bound, "MAX_MANIFEST_RECORD_BYTES", bound), ("papers", self.count))
            yield self.count, record, located
            self.count += 1
            char = _after_item(text, "]", "Expecting value")
        text.pos += 1


def _after_item(text: _Text, close: str, trailing: str) -> str:
    """Past the `,` after an object's or array's item: the next character (the closing `close` when none
    follows); a trailing comma is the error `trailing`, anything else but `,` or `close` a missing delimiter."""
    char = text.peek()
    if char == ",":
        text.pos += 1
        char = text.peek()
        if char == close:
            raise text.invalid(trailing)
    elif char != close:
        raise text.invalid("Expecting ',' delimiter")
    return char
