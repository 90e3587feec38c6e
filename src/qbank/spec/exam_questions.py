"""The questions an exam needs, loaded without reading the rest of its bank: start-up of `build` (issue #17).

A question file declares its id on a top-level `id:` line. A file whose one such line names a question the exam
does not use is not parsed. Every other file is loaded and validated as `qbank check` would. Its problems are
errors when the exam may need it: it declares a question the exam uses, or its id could not be read from the
line and a question the exam uses is still missing. A broken file that declares no question the exam uses is
skipped: building is not blocked by an unrelated draft. Its name is handed back so the command can say so
(`qbank: note: ...`), and `qbank check` of the bank still reports its problems.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path

from qbank.core.errors import Problem, UserError
from qbank.spec.bank import Bank, QuestionFile, by_id, load_question_file, open_bank
from qbank.spec.exam_spec import ExamSpec
from qbank.spec.load import display_name, read_bytes

# A top-level `id:` line: the key at column 0, a question id plain or quoted, an optional comment. A block scalar's
# lines are indented and a flow mapping's keys follow `{` or `,`, so this line is the mapping's own `id` key. Only
# a value spelled as a question id is trusted (no anchors, aliases, tags or escapes); any other file is parsed.
_ID = rb"[a-z0-9][a-z0-9/-]*"
ID_LINE = re.compile(
    rb"^id:[ \t]+(?:\"(" + _ID + rb")\"|'(" + _ID + rb")'|(" + _ID + rb"))[ \t]*(?:(?<=[ \t])#.*)?\r?$", re.MULTILINE
)


def exam_question_ids(spec: ExamSpec) -> frozenset[str]:
    """Every question id an exam file names: numbered questions, their parts and the candidates of its pools."""
    ids: set[str] = set()
    for section in spec.sections:
        for item in section.questions:
            ids.update(filter(None, [item.id, *(part.id for part in item.parts or ()), *(item.pool or ())]))
    return frozenset(ids)


def declared_id(raw: bytes) -> str | None:
    """The id a question file's one top-level `id:` line declares, or None (no such line, or more than one)."""
    found = ID_LINE.findall(raw)
    if len(found) != 1:
        return None
    return next(part for part in found[0] if part).decode("utf-8", "replace") or None


@dataclass(frozen=True)
class ExamBank:
    """A bank holding (at least) the questions an exam uses, the problems that stop the exam, and the display names
    of the broken question files the exam does not use (skipped)."""

    bank: Bank
    problems: list[Problem]
    skipped: tuple[str, ...]


def read_exam_bank(path: Path, ids: Collection[str]) -> ExamBank:
    """Load from the bank at `path` the question files that may hold the questions `ids` (see the module docstring;
    problems of bank.yaml and its modules are raised)."""
    opened = open_bank(path)
    read: list[tuple[str | None, QuestionFile]] = []
    for file in opened.question_files():
        try:
            raw = read_bytes(file)
        except UserError as exc:  # unreadable: which question it holds is unknown
            read.append((None, QuestionFile(file, None, list(exc.problems))))
            continue
        declared = declared_id(raw)
        if declared is None or declared in ids:
            read.append((declared, load_question_file(file, opened.registries, raw)))
    questions, problems = by_id(entry for _, entry in read)
    missing = not set(ids) <= questions.keys()
    skipped = []
    for declared, entry in read:
        if entry.problems and declared is None and not missing:
            skipped.append(display_name(entry.file))
        else:
            problems.extend(entry.problems)
    return ExamBank(opened.bank(questions), problems, tuple(skipped))
