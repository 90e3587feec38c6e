"""Before anything is rendered: every character a paper prints from the exam file and the roster (names, roll
numbers, header fields, titles) must be covered by the pinned fonts, in regular and in bold.

A name with a character no pinned font has would otherwise be found by WeasyPrint only after every paper was
rendered, as a box in the PDF; here it is one located error per student and character, in milliseconds.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from qbank.core.errors import Problem, UserError
from qbank.render.fontfiles import BOLD, REGULAR, TEXT_FAMILIES, face, face_cmap
from qbank.spec.exam import Exam
from qbank.spec.load import Document, KeyPath, load_yaml_file
from qbank.spec.roster import Student

# Format characters HarfBuzz draws as nothing when a font lacks them (joiners, direction marks, soft hyphen, ...),
# except the visible prepended concatenation marks.
_VISIBLE_FORMAT = frozenset({0x0600, 0x0601, 0x0602, 0x0603, 0x0604, 0x0605, 0x06DD, 0x070F, 0x08E2, 0x110BD})
_VARIATION_SELECTORS = (range(0xFE00, 0xFE10), range(0xE0100, 0xE01F0), range(0x180B, 0x1810))


@dataclass(frozen=True)
class Printed:
    """A piece of text a page prints, with where it was written."""

    file: str
    line: int
    path: str
    text: str


@lru_cache(maxsize=1)
def covered() -> frozenset[int]:
    """Code points the pinned text fonts cover in regular and in bold (each weight by any family of the stack)."""
    regular = frozenset().union(*(face_cmap(family, REGULAR) for family in TEXT_FAMILIES))
    bold = frozenset().union(*(face_cmap(family, BOLD) for family in TEXT_FAMILIES))
    return regular & bold


def _ignorable(char: str) -> bool:
    """Whether a character prints as nothing, whatever the font (a joiner, a direction mark, a selector)."""
    point = ord(char)
    if unicodedata.category(char) == "Cf":
        return point not in _VISIBLE_FORMAT
    return any(point in selectors for selectors in _VARIATION_SELECTORS)


def uncovered(text: str) -> list[str]:
    """The distinct characters of `text` (in NFC) that no pinned font covers in both regular and bold; a
    precomposed letter counts as covered when its decomposition is (HarfBuzz composes it from base and marks)."""
    have = covered()
    missing: list[str] = []
    for char in unicodedata.normalize("NFC", text):
        if ord(char) in have or _ignorable(char) or char in missing:
            continue
        parts = unicodedata.normalize("NFD", char)
        if parts != char and all(ord(part) in have or _ignorable(part) for part in parts):
            continue
        missing.append(char)
    return missing


def shown(char: str) -> str:
    """A character as an error message quotes it: itself if printable, else its escape ('\\t', '\\x07')."""
    return char if char.isprintable() else repr(char)[1:-1]


def coverage_problems(fields: Iterable[Printed]) -> list[Problem]:
    """One problem per field and character no pinned font covers: `file:line: path: no font covers 'ä' (U+00E4)`."""
    problems = []
    for field in fields:
        for char in uncovered(field.text):
            message = f"no font covers '{shown(char)}' (U+{ord(char):04X})"
            problems.append(Problem(field.file, field.line, field.path, message))
    return problems


def roster_fields(students: Sequence[Student], file: str) -> list[Printed]:
    """The printed columns of a roster (roll number and name), located at each student's line."""
    return [Printed(file, s.line, column, value) for s in students for column, value in (("roll", s.roll),
            ("name", s.name))]  # fmt: skip


def exam_fields(exam: Exam) -> list[Printed]:
    """Every string of the exam file a page prints (header, student fields, rules, instructions, section
    headings and notes) and the title of every question that may appear, each located where it is written."""
    spec = exam.spec
    values: list[tuple[KeyPath, str]] = [
        (("institution",), spec.institution), (("course", "code"), spec.course.code),
        (("course", "name"), spec.course.name), (("exam",), spec.exam), (("semester",), spec.semester),
        (("duration",), spec.duration), (("date",), str(spec.date)), (("exam_label",), spec.exam_label),
        (("violation_note",), spec.violation_note),
        *((("labels", name), text) for name, text in spec.labels.model_dump().items()),
    ]  # fmt: skip
    for key in ("student_fields", "rules", "instructions"):
        values.extend(((key, i), text) for i, text in enumerate(getattr(spec, key)))
    for i, section in enumerate(spec.sections):
        values.extend((("sections", i, key), getattr(section, key)) for key in ("title", "note"))
    document = _exam_document(exam)
    fields = [_printed(document, path, text) for path, text in values if text]
    for part in exam.candidate_parts():
        question = part.question
        fields.append(_printed(question.document, ("title",), question.spec.title))
    return fields


def _exam_document(exam: Exam) -> Document:
    """The exam file's parsed YAML with its line numbers (a document without lines if it cannot be re-read)."""
    try:
        return load_yaml_file(exam.path) if exam.path else Document(exam.file, None)
    except UserError:
        return Document(exam.file, None)


def _printed(document: Document, path: KeyPath, text: str) -> Printed:
    """A printed string located in its YAML document."""
    problem = document.problem(path, "")
    return Printed(problem.file, problem.line, problem.path, text)


def check_printable(exam: Exam, students: Sequence[Student] = (), roster: Path | str | None = None) -> None:
    """Raise one UserError listing every character of the exam's printed fields and the roster that no pinned
    font covers (every student, every character)."""
    problems = printable_problems(exam, students, roster)
    if problems:
        raise UserError(problems)


def printable_problems(exam: Exam | None, students: Sequence[Student] = (), roster: Path | str | None = None,
                       skip: Collection[tuple[int, str]] = ()) -> list[Problem]:  # fmt: skip
    """Every character of the exam's printed fields (none when `exam` is None: it did not load) and of the
    roster's that no pinned font covers; roster fields at `skip` (line, column), which have a problem already,
    are left out."""
    fields = exam_fields(exam) if exam is not None else []
    if students:
        name = str(roster) if roster is not None else "<roster>"
        fields += [f for f in roster_fields(students, name) if (f.line, f.path) not in skip]
    problems = coverage_problems(fields)
    absent = [family for family in TEXT_FAMILIES if face(family, REGULAR) is None]
    if problems and absent:  # the likely cause: the set-up did not run on this machine
        listed = ", ".join(absent)
        problems.append(Problem("templates/style.css", 0, "font-family", f"pinned fonts not installed here: {listed} "
                                "(`make setup` installs them: see the Makefile's APT_PACKAGES)"))  # fmt: skip
    return problems
