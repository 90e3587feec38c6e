"""What the practice server offers: the bank's (or an exam's) questions, loaded and preflighted once, and the
variant of one question at one seed, drawn on the practice server's own paper id."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from qbank.core.errors import LocatedError, Problem, UserError
from qbank.draw.scenarios import draw_scenarios
from qbank.preflight.checks import checked_exam, checked_questions
from qbank.render.paper import Job, SolvedPart, solve_part
from qbank.spec.bank import Bank
from qbank.spec.exam import Item, Part
from qbank.spec.load import load_yaml_bytes

WEB_PAPER = "web"  # the paper id whose streams draw practice variants: never an exam's papers ("main", forms)
SEED_MAX = 999_999_999  # seeds in URLs are 0..SEED_MAX


@dataclass(frozen=True)
class Entry:
    """One question the server offers: its placement (marks, `ask`, scenario), the section it is listed under."""

    part: Part
    section: str
    label: str = ""  # where an exam prints it: `3`, or `3(a)` for a part of a multi-part question

    @property
    def id(self) -> str:
        """The question id (the URL's path)."""
        return self.part.question.id


class VariantFailed(Exception):
    """A question could not be drawn or solved at this seed; the message is the located problem."""


@dataclass(frozen=True)
class Catalog:
    """The questions a server offers, by id, in listing order; `exam` when they come from an exam file."""

    bank: Bank
    entries: Mapping[str, Entry]
    scenarios: Mapping[str, object]
    title: str

    def topics(self) -> list[str]:
        """Every topic of the offered questions, sorted."""
        return sorted({t for e in self.entries.values() for t in e.part.question.spec.topics})

    def solve(self, question_id: str, seed: int) -> SolvedPart:
        """The variant of one offered question at `seed` (raises KeyError for an unknown id, VariantFailed)."""
        entry = self.entries[question_id]
        given = None
        if entry.part.scenario:
            try:
                drawn = draw_scenarios(self.scenarios, {entry.part.scenario}, seed, WEB_PAPER)  # type: ignore[arg-type]
            except LocatedError as exc:
                raise VariantFailed(str(exc.problem())) from None
            given = drawn[entry.part.scenario].params
        item = Item(1, 0, (entry.part,))
        try:
            return solve_part(Job(item, entry.part, WEB_PAPER, given), seed)
        except LocatedError as exc:
            raise VariantFailed(str(exc.problem())) from None
        except UserError as exc:
            raise VariantFailed("; ".join(str(p) for p in exc.problems)) from None


def load_catalog(path: Path, ask: str = "free") -> Catalog:
    """Load and preflight a bank folder, its bank.yaml, one question file, or an exam file (raises UserError)."""
    if path.is_file() and path.suffix in (".yaml", ".yml") and _is_exam(path):
        if ask != "free":
            message = "an exam's entries say which answers are asked as choice (ask: choice); --ask is for a bank"
            raise UserError([Problem("<command line>", 0, "--ask", message)])
        exam = checked_exam(path)
        entries: dict[str, Entry] = {}
        for item in exam.items:
            title = exam.spec.sections[item.section].title or f"Section {item.section + 1}"
            for part in item.parts:
                label = f"{item.number}({part.label})" if part.label else str(item.number)
                entries.setdefault(part.question.id, Entry(part, title, label))
        return Catalog(exam.bank, entries, exam.scenarios, exam.spec.exam)
    bank, questions = checked_questions(path)
    entries = {q.id: Entry(Part("", q, q.spec.marks, ask=ask), "") for q in sorted(questions, key=lambda q: q.id)}
    return Catalog(bank, entries, {}, bank.spec.title)


def _is_exam(path: Path) -> bool:
    """Whether a YAML file is an exam (a mapping with `bank` and `sections`), not a bank or question file."""
    if path.name == "bank.yaml":
        return False
    try:
        data = load_yaml_bytes(path.read_bytes(), str(path)).data
    except (OSError, UserError):
        return False  # the bank path reports what is wrong with it
    return isinstance(data, dict) and data.keys() >= {"bank", "sections"}
