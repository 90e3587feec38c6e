"""An exam's plan: question references resolved into numbered items, parts and pools, placement by placement."""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass

from qbank.core.errors import Problem
from qbank.spec.bank import Bank
from qbank.spec.choice_decl import choosable
from qbank.spec.exam_spec import ExamSpec, QuestionRef
from qbank.spec.load import Document
from qbank.spec.validate import Question


@dataclass(frozen=True)
class Part:
    """One question on the paper with its marks, its label within its number ('a', 'b', or ''), the
    shared scenario it reads (if any) and its placement key (see `key`)."""

    label: str
    question: Question
    marks: float
    scenario: str | None = None
    placement: str = ""
    ask: str = "free"  # "choice": answers with misconceptions (and written options) asked as multiple choice

    @property
    def key(self) -> str:
        """This placement's name and random stream: the question id, then `id#2`, `id#3`, ... for repeats."""
        return self.placement or self.question.id


@dataclass(frozen=True)
class Item:
    """One numbered question of the paper."""

    number: int
    section: int
    parts: tuple[Part, ...]

    @property
    def marks(self) -> float:
        """Total marks of the numbered question."""
        return sum(p.marks for p in self.parts)


@dataclass(frozen=True)
class Pool:
    """`pick` questions drawn per paper from `candidates`; each becomes its own numbered question."""

    section: int
    entry: int
    candidates: tuple[Part, ...]
    pick: int

    @property
    def stream(self) -> str:
        """The name of the random stream that picks this pool's questions."""
        return f"pool:{self.section}:{self.entry}"


Entry = Item | Pool


Binding = tuple[Part, tuple[str | int, ...]]


@dataclass(frozen=True)
class Plan:
    """The sections resolved (entries with a problem left out), the parts bound to a scenario, every problem,
    and the scenarios that parts left out would read (not "read by no question": their reader has a problem)."""

    sections: tuple[tuple[Entry, ...], ...]
    bindings: list[Binding]
    problems: list[Problem]
    unresolved: frozenset[str]
    notes: list[Problem] = dataclasses.field(default_factory=list)  # no error: `ask: choice` leaving answers out


def plan_sections(spec: ExamSpec, bank: Bank, doc: Document) -> Plan:
    """Resolve question ids into items and pools per section (a question placed again, or `repeat`ed, is a new
    placement with its own stream), and list the parts bound to a scenario (with where the binding is written);
    every unknown id is reported. Its `notes` hold what deserves a word but is no error (see `_unasked_note`)."""
    problems: list[Problem] = []
    notes: list[Problem] = []
    bindings: list[Binding] = []
    unresolved: set[str] = set()
    seen: dict[str, int] = {}
    plan: list[tuple[Entry, ...]] = []
    for s_index, section in enumerate(spec.sections):
        entries: list[Entry] = []
        for q_index, entry in enumerate(section.questions):
            where = ("sections", s_index, "questions", q_index)
            given = [key for key in ("id", "parts", "pool") if getattr(entry, key) is not None]
            if len(given) != 1:
                problems.append(doc.problem(where, "give either `id` or `parts` or `pool` (exactly one)"))
                unresolved.update(n for n in [entry.scenario, *(r.scenario for r in entry.parts or [])] if n)
                continue
            if entry.pick is not None and entry.pool is None:
                problems.append(doc.problem((*where, "pick"), "`pick` goes with `pool`"))
            if entry.parts is not None:
                if entry.marks is not None:
                    problems.append(doc.problem((*where, "marks"), "marks go on each part"))
                refs = [(r if r.ask else r.model_copy(update={"ask": entry.ask}), (*where, "parts", i),
                         r.scenario or entry.scenario) for i, r in enumerate(entry.parts)]  # fmt: skip
            elif entry.pool is not None:
                refs = [(QuestionRef(id=qid, marks=entry.marks, ask=entry.ask), (*where, "pool", i), entry.scenario)
                        for i, qid in enumerate(entry.pool)]  # fmt: skip
            else:
                refs = [(QuestionRef(id=entry.id or "", marks=entry.marks, ask=entry.ask), where, entry.scenario)]
            if entry.repeat is not None and entry.id is None:
                problems.append(doc.problem((*where, "repeat"), "`repeat` goes with `id`"))
            label_of = (lambda i: chr(ord("a") + i)) if entry.parts is not None else (lambda i: "")
            parts = [_part(ref, path, scenario, label_of(i), bank, doc, problems, notes)
                     for i, (ref, path, scenario) in enumerate(refs)]  # fmt: skip
            for part, (ref, path, _) in zip(parts, refs, strict=True):
                if part is not None and part.scenario is not None:
                    scenario_path = (*path, "scenario") if ref.scenario or path == where else (*where, "scenario")
                    bindings.append((part, scenario_path))
            resolved = tuple(part for part in parts if part is not None)
            if len(resolved) != len(parts):
                unresolved.update(scenario for _, _, scenario in refs if scenario)
                continue
            if entry.pool is None and entry.id is not None:
                entries.extend(Item(0, s_index, (_placed(resolved[0], seen),)) for _ in range(entry.repeat or 1))
                continue
            resolved = tuple(_placed(part, seen) for part in resolved)
            if entry.pool is None:
                entries.append(Item(0, s_index, resolved))
                continue
            pick = entry.pick if entry.pick is not None else 0
            if entry.pick is None:
                problems.append(doc.problem(where, "a pool needs `pick` (how many of its questions each paper gets)"))
            elif pick > len(resolved):
                size = f"{len(resolved)} question{'s' if len(resolved) != 1 else ''}"
                problems.append(doc.problem((*where, "pick"), f"pick {pick} is larger than the pool of {size}"))
            marks = sorted({part.marks for part in resolved})
            if len(marks) > 1:
                listed = ", ".join(f"{p.question.id} {p.marks:g}" for p in resolved)
                problems.append(doc.problem((*where, "pool"), f"pool questions carry different marks ({listed}); "
                                            "give `marks` on the pool"))  # fmt: skip
            entries.append(Pool(s_index, q_index, resolved, pick))
        plan.append(tuple(entries))
    return Plan(tuple(plan), bindings, problems, frozenset(unresolved), notes)


def _placed(part: Part, seen: dict[str, int]) -> Part:
    """The part as the next placement of its question: the first keeps the question id (its stream, so seeds of
    exams without repeats never change), the k-th is named `id#k`."""
    count = seen[part.question.id] = seen.get(part.question.id, 0) + 1
    return part if count == 1 else dataclasses.replace(part, placement=f"{part.question.id}#{count}")


def _part(ref: QuestionRef, path: tuple[str | int, ...], scenario: str | None, label: str, bank: Bank,
          doc: Document, problems: list[Problem], notes: list[Problem]) -> Part | None:  # fmt: skip
    """Resolve one question reference into a Part (None, with a problem recorded, if the id is unknown; a note
    when `ask: choice` leaves answers unasked)."""
    id_path = (*path, "id") if path[-2:-1] != ("pool",) else path
    question = bank.questions.get(ref.id)
    if question is None:
        problems.append(doc.problem(id_path, f"no question {ref.id!r} in bank {bank.spec.name!r}"))
        return None
    marks = ref.marks if ref.marks is not None else question.spec.marks
    # a placement asked as choice is scored by its options, not by the free-response rubric
    if question.spec.rubric and ref.ask != "choice" and not math.isclose(marks, question.spec.marks):
        problems.append(doc.problem(id_path, f"marks {marks:g} differ from the {question.spec.marks:g} "
                                    "its rubric adds up to"))  # fmt: skip
    if ref.ask == "choice" and not any(choosable(answer) for answer in question.spec.answers.values()):
        message = (f"question {ref.id!r} has no answer that can be asked as multiple choice: give a numeric answer "
                   "`misconceptions` (or `choices: {fill}`), or write `options`")  # fmt: skip
        problems.append(doc.problem(_ask_path(doc, path, id_path), message))
    elif ref.ask == "choice":
        note = _unasked_note(question)
        if note:
            notes.append(doc.problem(_ask_path(doc, path, id_path), note))
    return Part(label, question, marks, scenario, ask=ref.ask or "free")


def _unasked_note(question: Question) -> str:
    """What `ask: choice` leaves out of a question that declares answers it cannot ask as choice ('' if none): the
    text, written for the question asked free, may still ask for them, and the paper neither asks nor grades them.
    An answer declared a `breakdown` (a step the text does not ask for by itself) needs no word."""
    answers = question.spec.answers
    asked = [spec.label for spec in answers.values() if choosable(spec)]
    unasked = [spec.label for spec in answers.values() if not choosable(spec) and not spec.breakdown]
    if not unasked:
        return ""
    them = "it" if len(unasked) == 1 else "them"
    return (f"`ask: choice` asks only {_listed(asked)} of question {question.id!r}; this paper neither asks nor "
            f"grades {_listed(unasked)} (only the key's worked solution gives {them}): if the question's text asks "
            f"for {them}, reword it or ask the question free")  # fmt: skip


def _listed(labels: list[str]) -> str:
    """Labels as a sentence lists them: 'A', 'A and B', 'A, B and C'."""
    return labels[0] if len(labels) == 1 else f"{', '.join(labels[:-1])} and {labels[-1]}"


def _ask_path(doc: Document, path: tuple[str | int, ...], id_path: tuple[str | int, ...]) -> tuple[str | int, ...]:
    """Where a reference's `ask` is written: on the reference, or on the entry its part or pool belongs to."""
    for where in (path, path[:-2] if path[-2:-1] in (("parts",), ("pool",)) else None):
        if where is not None and "ask" in _written(doc, where):
            return (*where, "ask")
    return id_path


def _written(doc: Document, path: tuple[str | int, ...]) -> dict[str, object]:
    """The mapping written at `path` of the exam file (empty if there is none)."""
    node: object = doc.data
    for key in path:
        try:
            node = node[key]  # type: ignore[index]
        except (KeyError, IndexError, TypeError):
            return {}
    return node if isinstance(node, dict) else {}
