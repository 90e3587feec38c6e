"""The one multiple-choice test bank (tests/data/mc-quiz): its paths, copies of it (whole or a few questions, with
one of its exams) for the tests that edit or export it, and the helpers those tests share.

The bank's questions: `lin`, `shift` and `norms` (the quiz of the goldens, the pages and the web practice), `dense`
and `plain` (the choice core and `qbank check`, exam choices.yaml), `layer` (grading, exam grading.yaml) and `lin`
with `pick`, `strict`, `growth`, `word`, `vec` and `essay` (the LMS exports, exam exams/quiz.yaml)."""

from __future__ import annotations

import csv
import io
import json
import shutil
from pathlib import Path
from typing import Any

DATA = Path(__file__).parent / "data" / "mc-quiz"
BANK = DATA / "bank"
QUIZ = DATA / "quiz.yaml"
QUIZ_QUESTIONS = ["lin", "shift", "norms"]
CHOICE_QUESTIONS = ["dense", "plain"]
GRADING_QUESTIONS = ["layer"]
LMS_QUESTIONS = ["lin", "pick", "strict", "growth", "word", "vec", "essay"]


def question_text(name: str) -> str:
    """The stored text of question `name`."""
    return (BANK / "questions" / f"{name}.yaml").read_text(encoding="utf-8")


DENSE = question_text("dense")
CHOICE_EXAM = (DATA / "choices.yaml").read_text(encoding="utf-8")


def copy_bank(root: Path, names: list[str], texts: dict[str, str] | None = None) -> Path:
    """Copy the bank with only the questions `names` to root/bank (`texts` replaces a question's text); return it."""
    bank = root / "bank"
    (bank / "questions").mkdir(parents=True)
    for name in ("bank.yaml", "solvers.py"):
        shutil.copyfile(BANK / name, bank / name)
    for name in names:
        text = (texts or {}).get(name, question_text(name))
        (bank / "questions" / f"{name}.yaml").write_text(text, encoding="utf-8")
    return bank


def write_bank(root: Path, question: str = DENSE, exam: str = CHOICE_EXAM) -> Path:
    """Questions dense (with text `question`) and plain, and `exam` as root/exam.yaml; return dense's file."""
    bank = copy_bank(root, CHOICE_QUESTIONS, {"dense": question})
    (root / "exam.yaml").write_text(exam, encoding="utf-8")
    return bank / "questions" / "dense.yaml"


def write_grading_bank(root: Path) -> Path:
    """Question layer with its exam as root/exam.yaml; return the exam file."""
    copy_bank(root, GRADING_QUESTIONS)
    shutil.copyfile(DATA / "grading.yaml", root / "exam.yaml")
    return root / "exam.yaml"


def write_lms_bank(root: Path) -> Path:
    """The LMS export questions under root/bank and their exam as root/exams/quiz.yaml; return the bank folder."""
    bank = copy_bank(root, LMS_QUESTIONS)
    (root / "exams").mkdir()
    shutil.copyfile(DATA / "exams" / "quiz.yaml", root / "exams" / "quiz.yaml")
    return bank


def edited(old: str, new: str, text: str = DENSE) -> str:
    """`text` with `old` (which must occur exactly once) replaced by `new`."""
    assert text.count(old) == 1, old
    return text.replace(old, new)


def line_of(text: str, needle: str, occurrence: int = 1) -> int:
    """The 1-based line of the `occurrence`-th line of `text` containing `needle`."""
    lines = [number for number, line in enumerate(text.splitlines(), 1) if needle in line]
    return lines[occurrence - 1]


def papers(folder: Path) -> dict[str, dict[str, Any]]:
    """Question records per paper id, by question id."""
    manifest = json.loads((folder / "manifest.json").read_text())
    return {p["paper_id"]: {q["id"]: q for q in p["questions"]} for p in manifest["papers"]}


def letter_of(choice: dict[str, Any], **match: Any) -> str | None:
    """The letter of the option with these fields (None when the paper has no such option)."""
    found = [o["letter"] for o in choice["options"] if all(o.get(k) == v for k, v in match.items())]
    return found[0] if found else None


def write_csv(path: Path, header: list[str], rows: list[list[str]]) -> Path:
    """A responses file."""
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def read_csv(path: Path) -> list[dict[str, str]]:
    """The rows of a CSV qbank wrote (BOM or not)."""
    return list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8-sig"))))
