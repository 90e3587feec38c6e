"""The shape of a manifest (version 2): what audit and grade read, checked before they read it, so a hostile
or damaged manifest ends as located problems rather than a crash. Keys not listed here are left to the
audit's comparison with the regenerated manifest."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import PurePosixPath
from typing import Any

from pydantic import ValidationError

from qbank.output.choice_schema import SCORINGS, choice_rules
from qbank.solve.answer_fit import answer_problem
from qbank.spec.models import AnswerSpec
from qbank.spec.roster import ROLL

__all__ = ["SchemaProblem", "answer_problems", "file_name_problem", "manifest_problems", "paper_problems"]

KeyPath = tuple[str | int, ...]
SchemaProblem = tuple[KeyPath, str]
Check = Callable[[Any, KeyPath, list[SchemaProblem]], None]
HEX64 = re.compile(r"^[0-9a-f]{64}$")
HEX32 = re.compile(r"^[0-9a-f]{32}$")
KINDS = ("exam", "class", "practice", "export")
KEY_STYLES = ("full", "compact", "answers")


def _kind(test: Callable[[Any], bool], what: str) -> Check:
    def check(value: Any, path: KeyPath, out: list[SchemaProblem]) -> None:
        if not test(value):
            out.append((path, f"must be {what}, got {_describe(value)}"))

    return check


def _describe(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, dict | list):
        return "an object" if isinstance(value, dict) else "a list"
    text = repr(value)
    return f"{type(value).__name__} {text if len(text) <= 40 else text[:39] + '…'}"


ANY: Check = lambda value, path, out: None  # noqa: E731
STRING = _kind(lambda v: isinstance(v, str), "a string")
BOOL = _kind(lambda v: isinstance(v, bool), "true or false")
COUNT = _kind(lambda v: isinstance(v, int) and not isinstance(v, bool) and v >= 0, "a whole number >= 0")
POSITIVE = _kind(lambda v: isinstance(v, int) and not isinstance(v, bool) and v >= 1, "a whole number >= 1")
MARKS = _kind(lambda v: isinstance(v, int | float) and not isinstance(v, bool) and v >= 0, "a number >= 0")
SHA256 = _kind(lambda v: isinstance(v, str) and HEX64.match(v) is not None, "a hex SHA-256 (64 digits)")
SEED128 = _kind(lambda v: isinstance(v, str) and HEX32.match(v) is not None, "a 32-digit hex seed")
OBJECT = _kind(lambda v: isinstance(v, dict), "an object")
PAPER_ID = _kind(lambda v: isinstance(v, str) and ROLL.match(v) is not None, "a roll number or form letter that "
                 "can name a file (letters, digits, '.', '_', '-')")  # fmt: skip


def one_of(*choices: Any) -> Check:
    """A value among `choices`."""
    return _kind(lambda v: any(v == c and type(v) is type(c) for c in choices), f"one of {list(choices)}")


def nullable(inner: Check) -> Check:
    """null, or a value `inner` accepts."""
    return lambda value, path, out: None if value is None else inner(value, path, out)


def list_of(inner: Check) -> Check:
    """A list whose items `inner` accepts."""

    def check(value: Any, path: KeyPath, out: list[SchemaProblem]) -> None:
        if not isinstance(value, list):
            out.append((path, f"must be a list, got {_describe(value)}"))
            return
        for index, item in enumerate(value):
            inner(item, (*path, index), out)

    return check


def map_of(inner: Check) -> Check:
    """An object whose values `inner` accepts."""

    def check(value: Any, path: KeyPath, out: list[SchemaProblem]) -> None:
        if not isinstance(value, dict):
            out.append((path, f"must be an object, got {_describe(value)}"))
            return
        for key, item in value.items():
            inner(item, (*path, key), out)

    return check


def obj(required: dict[str, Check], optional: dict[str, Check] | None = None) -> Check:
    """An object with the `required` keys (and maybe the `optional` ones), each as its check says."""

    def check(value: Any, path: KeyPath, out: list[SchemaProblem]) -> None:
        if not isinstance(value, dict):
            out.append((path, f"must be an object, got {_describe(value)}"))
            return
        for key, inner in required.items():
            if key not in value:
                out.append(((*path, key), "required key is missing"))
            else:
                inner(value[key], (*path, key), out)
        for key, inner in (optional or {}).items():
            if key in value:
                inner(value[key], (*path, key), out)

    return check


def _answer_specs(value: Any, path: KeyPath, out: list[SchemaProblem]) -> None:
    """Answer declarations, each valid as in a question file."""
    if not isinstance(value, dict):
        out.append((path, f"must be an object, got {_describe(value)}"))
        return
    for name, spec in value.items():
        try:
            AnswerSpec.model_validate(spec)
        except ValidationError as exc:
            for item in exc.errors():
                where = (*path, name, *tuple(k for k in item["loc"] if isinstance(k, str | int)))
                out.append((where, item["msg"][0].lower() + item["msg"][1:]))


def answer_problems(manifest: dict[str, Any]) -> list[SchemaProblem]:
    """Recorded answers that do not fit their recorded declarations (grading them as recorded would fail)."""
    out: list[SchemaProblem] = []
    for index, paper in enumerate(manifest["papers"]):
        for number, question in enumerate(paper["questions"]):
            path = ("papers", index, "questions", number, "answers")
            for name, spec in question["answer_specs"].items():
                if name not in question["answers"]:
                    out.append(((*path, name), "required key is missing (declared in answer_specs)"))
                elif (problem := answer_problem(spec["format"], question["answers"][name])) is not None:
                    out.append(((*path, name), f"{spec['format']} answer {problem}"))
    return out


QUESTION = obj({"number": COUNT, "part": STRING, "id": STRING, "marks": MARKS, "file": STRING, "path": STRING,
                "spec_sha256": SHA256, "solver": nullable(STRING), "solver_sha256": nullable(SHA256),
                "paper": STRING, "scenario": nullable(STRING), "stream_seed": SEED128, "params": OBJECT,
                "answers": OBJECT, "answers_formatted": map_of(STRING), "answer_specs": _answer_specs},
               {"question": STRING})  # fmt: skip
OPTION = obj({"letter": STRING, "text": STRING, "correct": BOOL,
              "source": one_of("key", "misconception", "fill", "written")},
             {"misconception": STRING, "why": STRING, "value": ANY})  # fmt: skip
CHOICE = obj({"kind": one_of(*SCORINGS), "scoring": STRING, "key": STRING, "stream_seed": nullable(SEED128),
              "options": list_of(OPTION)})  # fmt: skip
CHOICE_KEYS = {
    "choices": map_of(CHOICE),
    "misconceptions": map_of(list_of(obj({"name": STRING, "description": STRING, "value": ANY}))),
}
PAPER = obj({"paper_id": STRING, "student": nullable(map_of(STRING)), "seed": COUNT, "canonical": BOOL,
             "streams": map_of(SEED128), "scenarios": map_of(obj({"stream_seed": SEED128, "params": OBJECT})),
             "questions": list_of(QUESTION)})  # fmt: skip
TEMPLATES = list_of(STRING)
RECIPES = {
    "exam": obj({"kind": one_of("exam"), "exam": STRING, "seed": COUNT, "canonical": BOOL, "templates": TEMPLATES},
                {"key": one_of(*KEY_STYLES)}),
    "class": obj({"kind": one_of("class"), "exam": STRING, "seed": COUNT, "canonical": BOOL, "templates": TEMPLATES,
                  "roster": nullable(obj({"file": STRING, "sha256": SHA256, "students": COUNT})),
                  "forms": nullable(COUNT), "columns": list_of(STRING),
                  "papers": list_of(obj({"id": PAPER_ID, "student": map_of(STRING)}))},
                 {"key": one_of(*KEY_STYLES), "booklet_students": POSITIVE}),
    "practice": obj({"kind": one_of("practice"), "bank": STRING, "topics": list_of(STRING), "count": COUNT,
                     "seed": COUNT, "inline_solutions": BOOL, "templates": TEMPLATES}),
    "export": obj({"kind": one_of("export"), "format": one_of("moodle", "qti21", "canvas"), "seed": COUNT,
                   "variants": COUNT}, {"exam": STRING, "bank": STRING, "ask": one_of("free", "choice"),
                                          "file": STRING}),
}  # fmt: skip
TOP = obj(
    {"manifest_version": ANY, "qbank_version": STRING, "seed_scheme": STRING, "command": list_of(STRING),
     "environment": OBJECT, "exam": nullable(obj({"file": STRING, "sha256": SHA256})),
     "bank": obj({"name": STRING, "root": STRING, "path": STRING, "modules": map_of(SHA256)}),
     "seed": COUNT, "canonical": BOOL, "papers": list_of(PAPER), "files": map_of(SHA256),
     "kind": one_of(*KINDS), "recipe": OBJECT},
    {"inputs": obj({"templates": map_of(SHA256), "qbank_sources": map_of(SHA256)}), "built_in": STRING,
     "set_sha256": SHA256},
)  # fmt: skip


def file_name_problem(name: str) -> str | None:
    """Why a `files` entry cannot name a file inside the set (None when it can)."""
    path = PurePosixPath(name)
    if not name or "\\" in name or "\0" in name or path.is_absolute():
        return "not a path inside the set (absolute or empty)"
    if any(part in ("..", ".") for part in name.split("/")) or "" in name.split("/"):
        return "not a path inside the set (it holds '..', '.' or an empty part)"
    if name == "manifest.json":
        return "the manifest cannot record its own digest"
    return None


def manifest_problems(manifest: Any) -> list[SchemaProblem]:
    """Every way `manifest` departs from the shape audit and grade read (empty when it has that shape)."""
    out: list[SchemaProblem] = []
    TOP(manifest, (), out)
    if not isinstance(manifest, dict):
        return out
    recipe, kind = manifest.get("recipe"), manifest.get("kind")
    if isinstance(recipe, dict) and isinstance(kind, str) and kind in RECIPES:
        RECIPES[kind](recipe, ("recipe",), out)
    for name in manifest.get("files") if isinstance(manifest.get("files"), dict) else ():
        if (problem := file_name_problem(name)) is not None:
            out.append((("files", name), problem))
    if manifest.get("papers") == []:
        out.append((("papers",), "must list at least one paper"))
    out += _choice_problems(manifest.get("papers"))
    return out


def paper_problems(paper: Any, index: int) -> list[SchemaProblem]:
    """Every way paper record `index` of a manifest departs from the shape audit and grade read."""
    out: list[SchemaProblem] = []
    PAPER(paper, ("papers", index), out)
    return out + _choice_problems([paper], index)


def _choice_problems(papers: Any, start: int = 0) -> list[SchemaProblem]:
    """The `choices` and `misconceptions` of every question record: their shape, then the rules between fields."""
    out: list[SchemaProblem] = []
    for index, paper in enumerate(papers if isinstance(papers, list) else (), start):
        questions = paper.get("questions") if isinstance(paper, dict) else None
        for number, question in enumerate(questions if isinstance(questions, list) else ()):
            if not isinstance(question, dict):
                continue
            path: KeyPath = ("papers", index, "questions", number)
            found: list[SchemaProblem] = []
            for key, check in CHOICE_KEYS.items():
                if key in question:
                    check(question[key], (*path, key), found)
            out += found or choice_rules(question, path)
    return out
