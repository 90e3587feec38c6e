"""Field-by-field comparison of a recorded manifest with its regeneration: every field is compared exactly,
except the few that legitimately differ between machines, each handled by its own rule:

- absolute paths (exam, bank, templates, question files) match after relocation (see relocate.py);
- display names (`exam.file`, `bank.root`, a question's `file`, relative to where the command ran) must name
  the same file as the recorded absolute path beside them;
- `command`, `built_in`, `set_sha256`, `environment`, `inputs`, `qbank_version` and `files` are checked by
  the audit itself (the command is not regenerable and is covered by the set digest; the rest are notes,
  the set's folder, the digest, and the per-file comparison);
- the digests of the inputs read from the bank and the exam (a question's `spec_sha256` and `solver_sha256`,
  `bank.modules`, `exam.sha256`) say what the set was built from, not what it holds: when one changed since the
  build, the audit names it in a note, and the set differs only if what it holds (parameters, answers, files)
  does.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from qbank.output.manifest_json import KeyPath
from qbank.spec.roster import MAX_FORMS, form_ids

__all__ = [
    "AUDITED_ELSEWHERE",
    "DATA_KEYS",
    "FieldDiff",
    "audited_keys",
    "compare_fields",
    "compare_manifests",
    "compare_paper",
    "papers_diff",
    "recipe_problems",
    "record_shown",
    "shown_path",
]

AUDITED_ELSEWHERE = frozenset({"command", "built_in", "set_sha256", "environment", "inputs", "qbank_version", "files"})
DATA_KEYS = ("manifest_version", "seed_scheme", "kind", "seed", "canonical", "exam", "bank", "recipe", "papers")
ABSOLUTE = {("recipe", "exam"), ("recipe", "bank"), ("recipe", "templates", "*"), ("bank", "path"),
            ("papers", "*", "questions", "*", "path"), ("practice", "questions", "*", "path")}  # fmt: skip
DISPLAY = {("exam", "file"): ("recipe", "exam"), ("bank", "root"): ("bank", "path"),
           ("papers", "*", "questions", "*", "file"): ("papers", "*", "questions", "*", "path"),
           ("practice", "questions", "*", "file"): ("practice", "questions", "*", "path")}  # fmt: skip
INPUT_DIGESTS = {("papers", "*", "questions", "*", "spec_sha256"), ("papers", "*", "questions", "*", "solver_sha256"),
                 ("practice", "questions", "*", "spec_sha256"), ("practice", "questions", "*", "solver_sha256"),
                 ("exam", "sha256")}  # fmt: skip
ABSENT: Any = type("Absent", (), {"__repr__": lambda self: "absent"})()


@dataclass(frozen=True)
class FieldDiff:
    """One field that differs: its key path in the recorded manifest, that path as shown, and the values."""

    path: KeyPath
    shown: str
    message: str
    where: str = ""  # the question's number on the paper (Q3, Q2(a)), when the field is a question's


def show(value: Any, limit: int = 80) -> str:
    """A value as compact JSON (`absent` for a missing key), cut to `limit` characters."""
    if value is ABSENT:
        return "absent"
    text = json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(", ", ": "))
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _same(a: Any, b: Any) -> bool:
    """Equal values of the same JSON types (true is not 1, 3 is not 3.0)."""
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    return type(a) is type(b) and a == b


def _get(data: Any, path: Iterable[Any]) -> Any:
    for key in path:
        in_list = isinstance(data, list) and isinstance(key, int) and 0 <= key < len(data)
        if not (in_list or (isinstance(data, dict) and key in data)):
            return ABSENT
        data = data[key]
    return data


def _same_file(display: Any, absolute: Any) -> bool:
    """Whether a display name (as the command's working folder showed it) names the absolute path."""
    if not isinstance(display, str) or not isinstance(absolute, str):
        return False
    parts = [p for p in display.split("/") if p not in ("", ".")]
    while parts and parts[0] == "..":
        parts.pop(0)
    return display == absolute or (bool(parts) and absolute.endswith("/" + "/".join(parts)))


def shown_path(manifest: Any, path: KeyPath) -> tuple[str, str]:
    """A key path as shown, papers named by id and questions by question id (`papers[24CS1001].questions[
    basics/matmul].marks`), and the question's number on its paper (empty when the path is not a question's)."""
    text, where, node = "", "", manifest
    for index, key in enumerate(path):
        label: Any = key
        parent = path[index - 1] if index else None
        item = _get(node, [key])
        if parent in ("papers", "questions") and isinstance(item, dict) and isinstance(key, int):
            name = item.get("paper_id" if parent == "papers" else "id")
            label = name if isinstance(name, str) and name else key
            if parent == "questions" and isinstance(item.get("number"), int):
                where = f"Q{item['number']}" + (f"({item['part']})" if isinstance(item.get("part"), str) and
                                                item["part"] else "")  # fmt: skip
        node = item
        if isinstance(key, int):
            text += f"[{label}]"
        else:
            text += f".{key}" if text else str(key)
    return text, where


def record_shown(record: Any, index: int, path: KeyPath) -> tuple[str, str]:
    """A key path `papers[index]...` into paper record `record` as shown_path shows it in the whole manifest,
    and the question's number on its paper (empty when the path is not a question's)."""
    text, where = shown_path({"papers": [record]}, ("papers", 0, *path[2:]))
    name = record.get("paper_id") if isinstance(record, dict) else None
    if not (isinstance(name, str) and name):
        text = f"papers[{index}]" + text[len("papers[0]") :]
    return text, where


def papers_diff(old: Any, new: Any, note: str) -> FieldDiff:
    """A difference in the `papers` list as a whole (a paper missing from the record, their order)."""
    return FieldDiff(("papers",), "papers", f"recorded {show(old)}, regenerated {show(new)}{note}")


class _Comparison:
    """A walk over the recorded and regenerated manifests that collects differing fields."""

    def __init__(self, recorded: Mapping[str, Any], relocate: Callable[[str], str]) -> None:
        self.recorded, self.relocate, self.found = recorded, relocate, []

    def add(self, path: KeyPath, old: Any, new: Any, note: str = "") -> None:
        """Record one differing field."""
        shown, where = shown_path(self.recorded, path)
        self.found.append(FieldDiff(path, shown, f"recorded {show(old)}, regenerated {show(new)}{note}", where))

    def walk(self, path: KeyPath, old: Any, new: Any) -> None:
        """Compare two values at `path`, descending into objects and equal-length lists."""
        pattern = tuple("*" if isinstance(k, int) else k for k in path)
        if pattern in INPUT_DIGESTS or pattern[:2] == ("bank", "modules"):
            return  # an input's digest: the audit notes a change (see the module docstring)
        if pattern in ABSOLUTE and isinstance(old, str):
            if self.relocate(old) != new:
                self.add(path, old, new)
            return
        if pattern in DISPLAY:
            absolute = _get(self.recorded, [path[i] if k == "*" else k for i, k in enumerate(DISPLAY[pattern])])
            if not (_same(old, new) or _same_file(old, absolute)):
                self.add(path, old, new, " (does not name the recorded file)")
            return
        if isinstance(old, dict) and isinstance(new, dict):
            for key in [*old, *(k for k in new if k not in old)]:
                self.walk((*path, key), old.get(key, ABSENT), new.get(key, ABSENT))
        elif isinstance(old, list) and isinstance(new, list) and len(old) == len(new):
            for index, (a, b) in enumerate(zip(old, new, strict=True)):
                self.walk((*path, index), a, b)
        elif not _same(old, new):
            self.add(path, old, new)

    def papers(self, old: Any, new: list[dict[str, Any]], wanted: set[str] | None) -> None:
        """Compare papers by id (all of them, or the `wanted` ones), then their order."""
        if not isinstance(old, list):
            self.add(("papers",), old, new)
            return
        again = {p.get("paper_id"): p for p in new}
        for index, paper in enumerate(old):
            if wanted is None or paper.get("paper_id") in wanted:
                self.walk(("papers", index), paper, again.pop(paper.get("paper_id"), ABSENT))
        for paper_id in again:
            if wanted is None or paper_id in wanted:
                self.add(("papers",), ABSENT, {"paper_id": paper_id}, " (a paper missing from the record)")
        if wanted is None and [p.get("paper_id") for p in old] != [p.get("paper_id") for p in new]:
            self.add(("papers",), [p.get("paper_id") for p in old], [p.get("paper_id") for p in new], " (order)")


def audited_keys(recorded: Iterable[str], regenerated: Iterable[str]) -> list[str]:
    """The top-level keys a manifest comparison walks, in order: the record's, then keys only regenerated."""
    old = list(recorded)
    return [k for k in [*old, *(k for k in regenerated if k not in old)] if k not in AUDITED_ELSEWHERE]


def compare_fields(recorded: Mapping[str, Any], regenerated: Mapping[str, Any], relocate: Callable[[str], str],
                   keys: Iterable[str]) -> list[FieldDiff]:  # fmt: skip
    """Every field among the top-level `keys` (not `papers`) of `recorded` that differs from `regenerated`
    (both as read from JSON)."""
    comparison = _Comparison(recorded, relocate)
    for key in keys:
        comparison.walk((key,), recorded.get(key, ABSENT), regenerated.get(key, ABSENT))
    return comparison.found


def compare_paper(record: Any, index: int, new: Any, relocate: Callable[[str], str]) -> list[FieldDiff]:
    """Every field of paper record `index` of a manifest that differs from its regeneration `new` (ABSENT when
    none was regenerated), located and shown as compare_manifests does within the whole manifest."""
    comparison = _Comparison({"papers": [record]}, relocate)
    comparison.walk(("papers", 0), record, new)
    return [FieldDiff(("papers", index, *d.path[2:]), record_shown(record, index, d.path)[0], d.message, d.where)
            for d in comparison.found]  # fmt: skip


def compare_manifests(
    recorded: Mapping[str, Any],
    regenerated: Mapping[str, Any],
    relocate: Callable[[str], str],
    keys: Iterable[str] | None = None,
    papers: Iterable[str] | None = None,
) -> list[FieldDiff]:
    """Every field of `recorded` that differs from `regenerated` (only `keys` when given, else every key the
    audit does not check elsewhere; only the papers `papers` when given)."""
    new = json.loads(json.dumps(dict(regenerated)))  # the regenerated values as JSON types, like the record
    if keys is None:
        keys = audited_keys(recorded, new)
    comparison = _Comparison(recorded, relocate)
    for key in keys:
        if key == "papers":
            comparison.papers(recorded.get("papers", ABSENT), new.get("papers", []), set(papers) if papers else None)
        else:
            comparison.walk((key,), recorded.get(key, ABSENT), new.get(key, ABSENT))
    return comparison.found + recipe_problems(recorded)


def recipe_problems(manifest: Mapping[str, Any]) -> list[FieldDiff]:
    """Fields of a class set's recipe that contradict the students it lists (columns, roster size, forms)."""
    recipe = manifest.get("recipe") or {}
    if manifest.get("kind") != "class" or not isinstance(recipe.get("papers"), list):
        return []
    students = [p.get("student") or {} for p in recipe["papers"]]
    found = []
    columns = sorted({key for student in students for key in student})  # the record sorts each student's keys
    if not isinstance(recipe.get("columns"), list) or sorted(recipe["columns"]) != columns:
        message = f"recorded {show(recipe.get('columns'))}, but the students' columns are {show(columns)}"
        found.append(FieldDiff(("recipe", "columns"), "recipe.columns", message))
    roster = recipe.get("roster")
    if isinstance(roster, dict) and roster.get("students") != len(students):
        message = f"recorded {show(roster.get('students'))}, but the recipe lists {len(students)}"
        found.append(FieldDiff(("recipe", "roster", "students"), "recipe.roster.students", message))
    ids = [p.get("id") for p in recipe["papers"]]
    if len(set(ids)) != len(ids):
        found.append(FieldDiff(("recipe", "papers"), "recipe.papers", "a paper id is listed twice"))
    if recipe.get("forms") is not None:
        expected = form_ids(recipe["forms"]) if 1 <= recipe["forms"] <= MAX_FORMS else []
        if ids != expected or any(s != {"form": i} for s, i in zip(students, ids, strict=False)):
            found.append(FieldDiff(("recipe", "papers"), "recipe.papers", f"a set of {recipe['forms']} forms must "
                                   f"list forms {', '.join(expected)} (each with only its form letter)"))  # fmt: skip
    return found
