"""YAML read within bounds: a safe loader that refuses deep nesting and too many aliases while it composes, and
the conversion of composed nodes into plain data that records lines by key path, counts the values it makes
(aliases expanded, so a "billion laughs" file stops early) and refuses oversized scalars, NaN and infinity."""

from __future__ import annotations

import math
from typing import Any

import yaml

from qbank.core.errors import Problem, join_path
from qbank.core.limits import MAX_INT_BITS, MAX_SCALAR_CHARS, MAX_YAML_ALIASES, MAX_YAML_DEPTH, MAX_YAML_NODES

KeyPath = tuple[str | int, ...]
INT_TAG = "tag:yaml.org,2002:int"


class LimitError(Exception):
    """A YAML file beyond one of the bounds: stops reading it at once."""

    def __init__(self, line: int, path: KeyPath, message: str) -> None:
        self.line, self.path, self.message = line, path, message
        super().__init__(message)


class BoundedComposer(yaml.composer.Composer):
    """PyYAML's composer, refusing mappings and lists nested deeper than MAX_YAML_DEPTH (before PyYAML's own
    recursion can fail) and more than MAX_YAML_ALIASES alias references (whatever parser gives it events)."""

    depth = 0  # nesting of the node being composed
    aliases = 0  # alias references composed so far

    def compose_node(self, parent: Any, index: Any) -> Any:
        """Compose one node, counting nesting and aliases."""
        event = self.peek_event()
        if isinstance(event, yaml.AliasEvent):
            self.aliases += 1
            if self.aliases > MAX_YAML_ALIASES:
                raise LimitError(event.start_mark.line + 1, (), f"more than {MAX_YAML_ALIASES:,} aliases "
                                 "(limits.MAX_YAML_ALIASES)")  # fmt: skip
        if not isinstance(event, yaml.SequenceStartEvent | yaml.MappingStartEvent):
            return super().compose_node(parent, index)
        self.depth += 1
        try:
            if self.depth > MAX_YAML_DEPTH:
                raise LimitError(event.start_mark.line + 1, (), f"nested deeper than {MAX_YAML_DEPTH} levels "
                                 "(limits.MAX_YAML_DEPTH)")  # fmt: skip
            return super().compose_node(parent, index)
        finally:
            self.depth -= 1


class BoundedLoader(BoundedComposer, yaml.SafeLoader):
    """PyYAML's safe loader (pure Python) with the bounded composer."""


class Converter:
    """Turns composed nodes into plain Python data, recording lines (and block starts) by key path."""

    def __init__(self, loader: BoundedComposer, name: str) -> None:
        self.loader, self.name = loader, name
        self.lines: dict[KeyPath, int] = {}
        self.blocks: dict[KeyPath, int] = {}
        self.problems: list[Problem] = []
        self.values = 0

    def convert(self, node: yaml.Node, path: KeyPath, depth: int) -> Any:
        """The data of `node` at `path`, `depth` levels deep (aliases expanded)."""
        self.values += 1
        if self.values > MAX_YAML_NODES:
            raise LimitError(node.start_mark.line + 1, path, f"more than {MAX_YAML_NODES:,} values once aliases "
                             "are expanded (limits.MAX_YAML_NODES)")  # fmt: skip
        if depth > MAX_YAML_DEPTH and isinstance(node, yaml.CollectionNode):
            raise LimitError(node.start_mark.line + 1, path, f"nested deeper than {MAX_YAML_DEPTH} levels once "
                             "aliases are expanded (limits.MAX_YAML_DEPTH)")  # fmt: skip
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node, path, depth)
        if isinstance(node, yaml.SequenceNode):
            items = []
            for index, item in enumerate(node.value):
                child = (*path, index)
                self.lines[child] = item.start_mark.line + 1
                items.append(self.convert(item, child, depth + 1))
            return items
        return self._scalar(node, path)

    def _mapping(self, node: yaml.MappingNode, path: KeyPath, depth: int) -> dict[Any, Any]:
        """A mapping's data: scalar keys only, no duplicates."""
        self.loader.flatten_mapping(node)
        result: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            line = key_node.start_mark.line + 1
            if not isinstance(key_node, yaml.ScalarNode):
                self.problems.append(Problem(self.name, line, join_path(*path), "keys must be scalars"))
                continue
            key = self._scalar(key_node, path)
            if not isinstance(key, str | int | float | bool) or key is None:
                self.problems.append(Problem(self.name, line, join_path(*path), "keys must be scalars"))
                continue
            key = str(key) if not isinstance(key, str) else key
            child = (*path, key)
            if key in result:
                first = self.lines.get(child, 0)
                self.problems.append(
                    Problem(self.name, line, join_path(*child), f"duplicate key (first at line {first})")
                )
                continue
            self.lines[child] = line
            if isinstance(value_node, yaml.ScalarNode):
                extra = 2 if value_node.style in ("|", ">") else 1
                self.blocks[child] = value_node.start_mark.line + extra
            result[key] = self.convert(value_node, child, depth + 1)
        return result

    def _scalar(self, node: yaml.Node, path: KeyPath) -> Any:
        """A scalar's value, refusing oversized text, integers beyond MAX_INT_BITS, NaN and infinity."""
        line = node.start_mark.line + 1
        text = node.value
        if len(text) > MAX_SCALAR_CHARS:
            message = f"value is {len(text):,} characters, more than {MAX_SCALAR_CHARS:,} (limits.MAX_SCALAR_CHARS)"
            raise LimitError(line, path, message)
        if node.tag == INT_TAG and len(text.replace("_", "")) > MAX_INT_BITS + 2:
            raise LimitError(line, path, f"integer too large: more than {MAX_INT_BITS:,} bits (limits.MAX_INT_BITS)")
        try:
            value = self.loader.construct_object(node, deep=True)
        except (ValueError, OverflowError) as exc:  # a date that does not exist (2001-13-45), `!!float abc`
            self.problems.append(Problem(self.name, line, join_path(*path), f"{text!r} is not a valid value ({exc})"))
            return None
        if type(value) is int and value.bit_length() > MAX_INT_BITS:
            raise LimitError(line, path, f"integer too large: more than {MAX_INT_BITS:,} bits (limits.MAX_INT_BITS)")
        if type(value) is float and not math.isfinite(value):
            self.problems.append(Problem(self.name, line, join_path(*path), f"{text!r}: NaN and infinity are not "
                                         "allowed (use a finite number)"))  # fmt: skip
        return value
