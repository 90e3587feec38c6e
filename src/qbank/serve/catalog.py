"""What the practice server offers: the bank's (or an exam's) questions, loaded and preflighted once, and the
variant of one question at one seed, drawn on the practice server's own paper id."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

from qbank.core.errors import LocatedError, Problem, UserError
from qbank.draw.scenarios import draw_scenarios
from qbank.preflight.checks import checked_exam, checked_questions
from qbank.render.paper import Job, SolvedPart, solve_part
from qbank.render.question import render_part
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


@dataclass(frozen=True)
class Multi:
    """A multi-part question of an exam, served as one page: its printed number, its parts in order (each with its
    own marks, `ask` and scenario), and the section it is listed under."""

    item: Item
    section: str

    @property
    def number(self) -> int:
        """The number the exam prints (`3` for 3(a), 3(b), ...): the URL's path is `/item/<number>/<seed>`."""
        return self.item.number

    @property
    def parts(self) -> tuple[Part, ...]:
        """The parts, in printed order."""
        return self.item.parts


class VariantFailed(Exception):
    """A question could not be drawn or solved at this seed; the message is the located problem."""


@dataclass(frozen=True)
class Catalog:
    """The questions a server offers: single questions by id, an exam's multi-part questions by number (with the
    number of the question each of their parts belongs to), and both in listing order."""

    bank: Bank
    entries: Mapping[str, Entry]
    scenarios: Mapping[str, object]
    title: str
    multis: Mapping[int, Multi] = field(default_factory=dict)
    part_of: Mapping[str, int] = field(default_factory=dict)  # question id of a part -> its multi-part question
    listing: tuple[Entry | Multi, ...] = ()

    def topics(self) -> list[str]:
        """Every topic of the offered questions, sorted."""
        parts = [e.part for e in self.entries.values()] + [p for m in self.multis.values() for p in m.parts]
        return sorted({t for part in parts for t in part.question.spec.topics})

    def solve(self, question_id: str, seed: int, solution: bool = True) -> SolvedPart:
        """The variant of one offered question at `seed`; with `solution=False` its worked solution is not typeset
        (a question page before marking does not show it). Raises KeyError for an unknown id, VariantFailed."""
        entry = self.entries[question_id]
        return self._solve(Item(1, 0, (entry.part,)), seed, solution)[0]

    def solve_item(self, number: int, seed: int, solution: bool = True) -> tuple[SolvedPart, ...]:
        """The variant of every part of one multi-part question at `seed`, in order; parts bound to one scenario
        read the same drawn values (raises KeyError for an unknown number, VariantFailed)."""
        return self._solve(self.multis[number].item, seed, solution)

    def _solve(self, item: Item, seed: int, solution: bool) -> tuple[SolvedPart, ...]:
        """Draw the item's scenarios once, then solve and render its parts on the web paper (raises
        VariantFailed)."""
        names = {part.scenario for part in item.parts if part.scenario}
        try:
            drawn = draw_scenarios(self.scenarios, names, seed, WEB_PAPER)  # type: ignore[arg-type]
        except LocatedError as exc:
            raise VariantFailed(str(exc.problem())) from None
        solved = []
        for part in item.parts:
            given = drawn[part.scenario].params if part.scenario else None
            try:
                bare = solve_part(Job(item, part, WEB_PAPER, given), seed, render=False)
                rendered = render_part(part.question, bare.variant, bare.formatted, solution=solution)
            except LocatedError as exc:
                raise VariantFailed(str(exc.problem())) from None
            except UserError as exc:
                raise VariantFailed("; ".join(str(p) for p in exc.problems)) from None
            solved.append(replace(bare, rendered=rendered))
        return tuple(solved)


def load_catalog(path: Path, ask: str = "free") -> Catalog:
    """Load and preflight a bank folder, its bank.yaml, one question file, or an exam file (raises UserError)."""
    if path.is_file() and path.suffix in (".yaml", ".yml") and _is_exam(path):
        if ask != "free":
            message = "an exam's entries say which answers are asked as choice (ask: choice); --ask is for a bank"
            raise UserError([Problem("<command line>", 0, "--ask", message)])
        exam = checked_exam(path)
        entries: dict[str, Entry] = {}
        multis: dict[int, Multi] = {}
        listing: list[Entry | Multi] = []
        for item in exam.items:
            title = exam.spec.sections[item.section].title or f"Section {item.section + 1}"
            if len(item.parts) > 1 or item.parts[0].label:
                multis[item.number] = Multi(item, title)
                listing.append(multis[item.number])
            elif item.parts[0].question.id not in entries:
                entries[item.parts[0].question.id] = Entry(item.parts[0], title, str(item.number))
                listing.append(entries[item.parts[0].question.id])
        part_of: dict[str, int] = {}
        for multi in multis.values():
            for part in multi.parts:
                if part.question.id not in entries:
                    part_of.setdefault(part.question.id, multi.number)
        title = f"{exam.spec.course.code} {exam.spec.course.name} · {exam.spec.exam}"
        return Catalog(exam.bank, entries, exam.scenarios, title, multis, part_of, tuple(listing))
    bank, questions = checked_questions(path)
    entries = {q.id: Entry(Part("", q, q.spec.marks, ask=ask), "") for q in sorted(questions, key=lambda q: q.id)}
    return Catalog(bank, entries, {}, bank.spec.title, listing=tuple(entries.values()))


def _is_exam(path: Path) -> bool:
    """Whether a YAML file is an exam (a mapping with `bank` and `sections`), not a bank or question file."""
    if path.name == "bank.yaml":
        return False
    try:
        data = load_yaml_bytes(path.read_bytes(), str(path)).data
    except (OSError, UserError):
        return False  # the bank path reports what is wrong with it
    return isinstance(data, dict) and data.keys() >= {"bank", "sections"}
