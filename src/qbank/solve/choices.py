"""Multiple-choice options of a variant: the key and honest distractors (the values of named mistakes, then the
declared fallbacks), or the written options; in a seeded order per (exam seed, paper, question, answer)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from qbank.core.errors import LocatedError
from qbank.draw.plan import generator, stream_seed
from qbank.solve.honesty import Candidate, honest_distractors
from qbank.spec.choice_decl import WRITTEN_FORMATS, choosable
from qbank.spec.validate import Question

LETTERS = "ABCDEFGHIJ"  # as many as MAX_CHOICE_OPTIONS


@dataclass(frozen=True)
class Option:
    """One printed option: its letter, its text, whether it is correct, and where it comes from (`key`,
    `misconception`, `fill` or `written`), with the mistake it encodes (`why`, empty for a correct option)."""

    letter: str
    text: str
    correct: bool
    source: str
    misconception: str | None = None
    why: str = ""
    value: Any = None  # the number a generated option stands for

    def to_json(self) -> dict[str, Any]:
        """The option as manifest JSON."""
        data: dict[str, Any] = {"letter": self.letter, "text": self.text, "correct": self.correct,
                                "source": self.source}  # fmt: skip
        if self.misconception is not None:
            data["misconception"] = self.misconception
        if self.why:
            data["why"] = self.why
        if self.value is not None:
            data["value"] = self.value
        return data


@dataclass(frozen=True)
class ChoiceSet:
    """The options one answer is asked by on one paper, and the distractors dropped for this variant (and why)."""

    answer: str
    kind: str  # "choice" (one correct) or "multi" (select all that apply)
    scoring: str  # "single", "per-option" or "all-or-nothing"
    options: tuple[Option, ...]
    stream_seed: int | None  # the seed of the stream that ordered them (None: the written or ascending order)
    dropped: tuple[tuple[str, str], ...] = ()  # (misconception name or fill expression, reason)

    @property
    def key(self) -> str:
        """The correct letters, as a response would give them: `B`, or `A, C`."""
        return ", ".join(option.letter for option in self.options if option.correct)

    def to_json(self) -> dict[str, Any]:
        """The choice as manifest JSON."""
        return {"kind": self.kind, "scoring": self.scoring, "key": self.key,
                "stream_seed": None if self.stream_seed is None else f"{self.stream_seed:032x}",
                "options": [option.to_json() for option in self.options]}  # fmt: skip


class ChoiceError(LocatedError):
    """The options of one variant cannot be made honest (too few distractors survive); names the variant."""

    def __init__(self, question: Question, answer: str, desc: str | Callable[[], str], problem: str) -> None:
        path = ("answers", answer, "choices")
        if question.spec.answers[answer].choices is None:
            path = ("answers", answer, "misconceptions")
        shown = desc() if callable(desc) else desc
        super().__init__(question.file, question.document.line(path), ".".join(path), f"{problem} ({shown})")


def asked_as_choice(question: Question, ask: str) -> tuple[str, ...]:
    """The answers a placement asks as multiple choice: written ones always; numbers with misconceptions (or
    fallbacks) when the exam entry says `ask: choice`."""
    return tuple(name for name, spec in question.spec.answers.items()
                 if spec.format in WRITTEN_FORMATS or (ask == "choice" and choosable(spec)))  # fmt: skip


def option_stream(exam_seed: int, paper_id: str, placement: str, answer: str) -> int:
    """The seed of the stream that orders one answer's options on one paper."""
    return stream_seed(exam_seed, paper_id, f"options:{placement}:{answer}")


def build_choices(
    question: Question,
    answers: Mapping[str, Any],
    mistakes: Mapping[str, tuple[Any, ...]],
    params: Mapping[str, Any],
    names: tuple[str, ...],
    order_seed: Callable[[str], int] | None,
    desc: str | Callable[[], str],
) -> Mapping[str, ChoiceSet]:
    """The ChoiceSet of every answer in `names`; `order_seed(answer)` seeds its shuffle (None: the canonical
    order: written, or ascending by value). Raises ChoiceError when too few honest options remain."""
    built: dict[str, ChoiceSet] = {}
    for name in names:
        spec = question.spec.answers[name]
        seed = order_seed(name) if order_seed is not None else None
        if spec.format in WRITTEN_FORMATS:
            options = [Option("", o.text, o.correct, "written", None, o.why or "") for o in spec.options or ()]
            built[name] = _ordered(name, spec.format, spec.scoring or _default_scoring(spec.format), options, seed)
            continue
        settings = spec.choices
        count = settings.count if settings is not None else None
        candidates = [Candidate(m.name, "misconception", m.value, m.description) for m in mistakes.get(name, ())]
        fills = [Candidate(source, "fill", None, "fallback perturbation (no named mistake)")
                 for source in (settings.fill or () if settings is not None and count is not None else ())]  # fmt: skip
        found = honest_distractors(question, name, answers[name], candidates, fills, params,
                                   count - 1 if count is not None else None)  # fmt: skip
        if len(found.kept) < (count - 1 if count is not None else 1):
            why = "; ".join(f"{source}: {reason}" for source, reason in found.dropped) or "none dropped"
            need = f"{count} options" if count is not None else "2 options (the key and one distractor)"
            raise ChoiceError(question, name, desc, f"answer {name!r} cannot make {need}: {len(found.kept)} honest "
                              f"distractor(s) remain ({why})")  # fmt: skip
        options = [Option("", found.key_text, True, "key", value=answers[name])]
        options += [Option("", c.text, False, c.source, c.name if c.source == "misconception" else None, c.why,
                           c.value) for c in found.kept]  # fmt: skip
        if seed is None:
            options.sort(key=lambda option: float(option.value))
        built[name] = _ordered(name, "choice", "single", options, seed, found.dropped)
    return MappingProxyType(built)


def _default_scoring(fmt: str) -> str:
    """How an answer scores unless declared: one correct option, or per-option credit for a multi."""
    return "single" if fmt == "choice" else "per-option"


def _ordered(answer: str, kind: str, scoring: str, options: list[Option], seed: int | None,
             dropped: tuple[tuple[str, str], ...] = ()) -> ChoiceSet:  # fmt: skip
    """Shuffle (with a seed) and letter the options."""
    if seed is not None:
        options = [options[i] for i in generator(seed).permutation(len(options)).tolist()]
    lettered = tuple(Option(LETTERS[i], o.text, o.correct, o.source, o.misconception, o.why, o.value)
                     for i, o in enumerate(options))  # fmt: skip
    return ChoiceSet(answer, kind, scoring, lettered, seed, dropped)
