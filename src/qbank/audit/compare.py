"""Compare a recorded set with a regenerated one: per paper, per question, per file, with the reasons."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from qbank.output.booklet_files import booklet_papers
from qbank.output.fontrecord import missing_fonts
from qbank.output.manifest import sha256_bytes
from qbank.output.records import solver_digest
from qbank.spec.bank import Bank

Record = Mapping[str, Any]


def _short(value: Any, limit: int = 60) -> str:
    """A value as compact JSON, cut to `limit` characters."""
    text = json.dumps(value, sort_keys=True, ensure_ascii=False)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def environment_changes(recorded: Record, current: Record) -> list[str]:
    """Every field of the rendering environment that changed since the build: Python, the platform, packages,
    rendering libraries, and each font's file, digest and any other field recorded for it."""
    changes = []
    for group in ("packages", "rendering"):
        old, new = _mapping(recorded.get(group)), _mapping(current.get(group))
        for name in sorted(set(old) | set(new), key=str):
            if old.get(name) != new.get(name):
                changes.append(f"{name} {old.get(name)} → {new.get(name)}")
    fonts = recorded.get("fonts") if isinstance(recorded.get("fonts"), list) else []
    changes.extend(missing_fonts(f for f in fonts if isinstance(f, Mapping)))  # fonts the set's PDFs embed
    for key in sorted((set(recorded) | set(current)) - {"packages", "rendering", "fonts"}):
        if recorded.get(key) != current.get(key):
            changes.append(f"{key} {_plain(recorded.get(key))} → {_plain(current.get(key))}")
    return changes


def font_changes(recorded: Any, regenerated: Any, used_only: bool = False) -> list[str]:
    """Each embedded font whose file (path or digest) or other field differs between the record and the
    regenerated set's record (a font found at another path on this machine, for instance); with `used_only`
    (some papers regenerated), only the fonts those papers use."""
    old_fonts, new_fonts = _by_family(recorded), _by_family(regenerated)
    changes = []
    for family in [*new_fonts, *(f for f in old_fonts if f not in new_fonts and not used_only)]:
        before, after = old_fonts.get(family, {}), new_fonts.get(family, {})
        if before.get("sha256") != after.get("sha256"):
            changes.append(f"font {family} {before.get('file')} → {after.get('file')} (file digest changed)")
        elif before.get("file") != after.get("file"):
            changes.append(f"font {family} file {before.get('file')} → {after.get('file')} (same digest)")
        for key in sorted((set(before) | set(after)) - {"family", "name", "file", "sha256"}, key=str):
            if before.get(key) != after.get(key):
                changes.append(f"font {family} {key} {_plain(before.get(key))} → {_plain(after.get(key))}")
    return changes


def _plain(value: Any) -> str:
    """A string as it is, anything else as compact JSON."""
    return value if isinstance(value, str) else _short(value)


def _mapping(value: Any) -> Mapping[str, Any]:
    """A recorded group of versions (an empty one when the record is not an object)."""
    return value if isinstance(value, Mapping) else {}


def _by_family(fonts: Any) -> dict[str, Mapping[str, Any]]:
    """Font records by family (a record that is not a list of objects with a family gives none)."""
    items = fonts if isinstance(fonts, list) else []
    return {str(f.get("name") or f.get("family")): f for f in items if isinstance(f, Mapping)}


def input_changes(recorded: Record, current: Record) -> list[str]:
    """Changed page templates and qbank source files (both shape the PDFs)."""
    changes = []
    for group, what in (("templates", "page template"), ("qbank_sources", "qbank source file")):
        old, new = recorded.get(group) or {}, current.get(group) or {}
        for name in sorted(set(old) | set(new)):
            if old.get(name) != new.get(name):
                state = "added" if name not in old else "removed" if name not in new else "changed"
                changes.append(f"{what} {name} {state}")
    return changes


Cause = tuple[str, str]  # ("spec" / "solver" / "gone", sentence)


def question_causes(question: Record, bank: Bank | None) -> list[Cause]:
    """Why a question may come out differently now: its spec or its solver changed, or it is gone."""
    if bank is None:
        return [("gone", "the bank no longer loads")]
    current = bank.questions.get(question.get("question", question["id"]))  # a repeat's id is `question#k`
    if current is None:
        return [("gone", f"question {question['id']!r} is no longer in the bank")]
    causes = []
    if current.digest != question["spec_sha256"]:
        causes.append(("spec", f"the spec of {question['id']} ({question['file']}) changed since the build"))
    if solver_digest(current) != question["solver_sha256"]:
        causes.append(("solver", f"the solver {question['solver']!r} of {question['id']} changed since the build"))
    return causes


Difference = tuple[str | None, str, str]  # (question id or None, "layout"/"params"/"answers", description)


def paper_differences(old: Record, new: Record | None) -> list[Difference]:
    """What differs between a recorded paper and its regeneration: layout, parameters, answers."""
    if new is None:
        return [(None, "layout", "the paper could not be regenerated")]
    found: list[Difference] = []
    layout_old = [(q["number"], q["part"], q["id"], q["marks"]) for q in old["questions"]]
    layout_new = [(q["number"], q["part"], q["id"], q["marks"]) for q in new["questions"]]
    if layout_old != layout_new:
        ids_old, ids_new = [q[2] for q in layout_old], [q[2] for q in layout_new]
        found.append((None, "layout", f"the questions differ: recorded {ids_old}, now {ids_new}"))
    for name in ("streams", "scenarios"):
        if old.get(name) != new.get(name):
            found.append((None, "params", f"{name} differ: recorded {_short(old.get(name))}, now "
                          f"{_short(new.get(name))}"))  # fmt: skip
    now = {q["id"]: q for q in new["questions"]}
    for question in old["questions"]:
        again = now.get(question["id"])
        if again is None:
            continue
        where = f"Q{question['number']}" + (f"({question['part']})" if question["part"] else "")
        for key, label in (("params", "parameters"), ("answers", "answers")):
            before, after = question[key], again[key]
            if before != after:
                names = sorted(n for n in set(before) | set(after) if before.get(n) != after.get(n))
                shown = "; ".join(f"{n}: recorded {_short(before.get(n), 40)}, now {_short(after.get(n), 40)}"
                                  for n in names[:3])  # fmt: skip
                found.append((question["id"], key, f"{label} of {question['id']} ({where}) differ — {shown}"))
    return found


def describe_differences(diffs: list[Difference], papers: int, causes: Mapping[str, list[Cause]]) -> list[str]:
    """Sentences for the differences behind one file: in full for one paper, grouped for several."""
    if papers <= 1:
        return [text + _because(causes.get(qid or "", [])) for qid, _, text in diffs]
    groups: dict[tuple[str | None, str], int] = {}
    for qid, kind, _ in diffs:
        groups[(qid, kind)] = groups.get((qid, kind), 0) + 1
    labels = {"params": "parameters", "answers": "answers", "layout": "question layout"}
    return [f"{labels[kind]} of {qid or 'the paper'} differ on {count} of {papers} papers"
            + _because(causes.get(qid or "", [])) for (qid, kind), count in groups.items()]  # fmt: skip


def _because(causes: list[Cause]) -> str:
    """' because A; B' (or nothing)."""
    return f" because {'; '.join(text for _, text in causes)}" if causes else ""


def file_papers(name: str, papers: list[str]) -> list[str]:
    """The papers a file of the set depends on (a student's paper or key: that one; a key booklet's file: the
    students it holds; the rest: all)."""
    folder, _, rest = name.partition("/")
    if folder in ("papers", "keys") and rest.endswith(".pdf"):
        return [rest[: -len(".pdf")]]
    held = booklet_papers(name, papers)
    return papers if held is None else held


def file_sha(path: Any) -> str | None:
    """SHA-256 of a file on disk, or None if it is missing."""
    try:
        return sha256_bytes(path.read_bytes())
    except OSError:
        return None
