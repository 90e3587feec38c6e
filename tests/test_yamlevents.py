"""Speed-up `yamlevents`: libyaml's events under qbank's own composer give every YAML file the very document the
pure-Python loader gives, and any error is reported by the pure-Python loader, unchanged (differential)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from qbank.core import limits
from qbank.core.errors import UserError
from qbank.spec import load
from qbank.spec.yaml_bounds import BoundedComposer
from qbank.speedups import yamlevents

from .conftest import ROOT

FILES = sorted(p for folder in ("banks", "exams", "tests/data") for p in (ROOT / folder).rglob("*.y*ml"))

# Hostile and broken inputs: each bound at and past its edge, syntax errors, and YAML both parsers must agree on.
DEEP = "x: " + "[" * limits.MAX_YAML_DEPTH + "]" * limits.MAX_YAML_DEPTH
TOO_DEEP = "x: " + "[" * (limits.MAX_YAML_DEPTH + 1) + "]" * (limits.MAX_YAML_DEPTH + 1)
ALIASES = "a: &a 1\nb: [" + ", ".join(["*a"] * limits.MAX_YAML_ALIASES) + "]\n"
TOO_MANY_ALIASES = "a: &a 1\nb: [" + ", ".join(["*a"] * (limits.MAX_YAML_ALIASES + 1)) + "]\n"
LAUGHS = "a: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 10)}]\n" for i in range(8)
)
HOSTILE = [
    DEEP, TOO_DEEP, ALIASES, TOO_MANY_ALIASES, LAUGHS,
    "x: " + "a" * limits.MAX_SCALAR_CHARS, "x: " + "a" * (limits.MAX_SCALAR_CHARS + 1),
    f"x: {2 ** limits.MAX_INT_BITS}", f"x: {'9' * (limits.MAX_INT_BITS + 3)}",
    "x: .nan", "x: -.inf", "x: 1.0e+300", "a: 1\na: 2\n", "? [a, b]\n: 1\n", "[1, 2]: x\n", "~: 1\n",
    "x: \x07bell\n", "x: \x00\n", "\ufeffx: 1\n", "x: 'unterminated\n", 'x: "bad \\q escape"\n', "x: [1, 2\n",
    "x:\n\t- tab\n", "a: b: c\n", "- a\nb: 1\n", "--- 1\n--- 2\n", "", "# only a comment\n", "---\n...\n",
    "x: *nowhere\n", "a: &a 1\na2: &a 2\n", "<<: {a: 1}\nb: 2\n", "<<: [1]\n", "x: !!python/object:os.system ls\n",
    "x: !!binary aGVsbG8=\n", "x: 2001-12-14t21:59:43.10-05:00\n", "x: 2001-13-45\n", "x: 0o17\n", "x: 0x1F\n",
    "x: 1_000\n", "x: +12e03\n", "x: yes\ny: Off\n", "x: |\n  a\n   b\n\n", "x: >-\n  folded\n  text\n",
    "x: |2-\n   indented\n", "x: 'it''s'\ny: \"\\u00e9\\x41\"\n", "x: {a: 1, b: [2, {c: 3}]}\n",
    "key with spaces: v\n'quoted': 1\n", "x: a\u2028b\n", "x: a\x85b\n", "x: \"line\nbreak\"\n",
    "%YAML 1.1\n---\nx: 1\n", "%YAML 2.0\n---\nx: 1\n", "%TAG !e! tag:example.com,2000:\n---\nx: !e!foo 1\n",
    "x: @reserved\n", "x: `tick\n", "{a: 1\n", "x: 1\n  y: 2\n", "- - - deep\n", ": novalue\n", "x: !!str 12\n",
    "x: !!int '12'\n", "x: !!float abc\n", "x: !!map [1]\n", "&anchor x: 1\n", "x: &a\n  y: *a\n",
]  # fmt: skip


def _outcome(text: str) -> tuple[object, ...]:
    """What `load_yaml_text` gives: the document's data and lines, or the problems it raises."""
    try:
        document = load.load_yaml_text(text, "f.yaml")
    except UserError as exc:
        return ("error", [str(problem) for problem in exc.problems])
    return ("document", document.data, document.lines, document.block_starts)


@pytest.fixture
def plain_and_fast() -> Iterator[None]:
    """The test switches the speed-up itself; it is installed again afterwards."""
    yield
    yamlevents.install()


def test_libyaml_is_available_here() -> None:
    assert yamlevents.available() and yaml.__with_libyaml__


@pytest.mark.usefixtures("plain_and_fast")
@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_yaml_file_composes_the_same_through_libyaml(path: Path) -> None:
    text = load.decode_utf8(path.read_bytes(), str(path))
    yamlevents.uninstall()
    plain = _outcome(text)
    fast = load._document(yamlevents.event_loader(BoundedComposer)(text), "f.yaml")  # the fast path itself: no fallback
    assert ("document", fast.data, fast.lines, fast.block_starts) == plain


@pytest.mark.usefixtures("plain_and_fast")
def test_hostile_and_broken_yaml_gives_the_same_data_lines_and_errors() -> None:
    yamlevents.uninstall()
    plain = [_outcome(text) for text in HOSTILE]
    yamlevents.install()
    assert [_outcome(text) for text in HOSTILE] == plain
    assert sum(outcome[0] == "error" for outcome in plain) >= 20  # the corpus does exercise the error paths


@pytest.mark.usefixtures("plain_and_fast")
def test_a_valid_file_is_read_without_the_pure_python_scanner(monkeypatch: pytest.MonkeyPatch) -> None:
    scanned: list[int] = []
    original = yaml.scanner.Scanner.fetch_more_tokens

    def counting(self):  # type: ignore[no-untyped-def]
        scanned.append(1)
        return original(self)

    monkeypatch.setattr(yaml.scanner.Scanner, "fetch_more_tokens", counting)
    yamlevents.install()
    assert load.load_yaml_text("a: [1, 2]\nb: {c: x}\n", "f.yaml").data == {"a": [1, 2], "b": {"c": "x"}}
    assert scanned == []
    assert _outcome("a: [1, 2\n")[0] == "error" and scanned  # an error: the pure-Python loader reports it
    yamlevents.uninstall()
    scanned.clear()
    load.load_yaml_text("a: 1\n", "f.yaml")
    assert scanned  # switched off: the plain path


@pytest.mark.parametrize("text", ["x: 2001-13-45\n", "x: !!float abc\n", "x: 2001-02-30 10:00:00\n"])
def test_a_value_its_tag_cannot_make_is_a_located_problem(text: str) -> None:
    with pytest.raises(UserError) as caught:
        load.load_yaml_text("a: 1\n" + text, "f.yaml")
    assert [(p.line, p.path) for p in caught.value.problems] == [(2, "x")]
    assert "is not a valid value" in caught.value.problems[0].message
