"""Which questions a practice sheet gets: questions on the chosen topics, in a seeded order, cycled as needed."""

from __future__ import annotations

from collections.abc import Sequence

from qbank.core.errors import Problem, UserError
from qbank.draw.params import generator, stream_seed
from qbank.spec.validate import Question

PRACTICE_PAPER = "practice"
ORDER_STREAM = "practice:order"


def parse_topics(text: str | None) -> list[str]:
    """`cnn,attention` -> ['cnn', 'attention'] (empty or None: every topic)."""
    return [t.strip() for t in (text or "").split(",") if t.strip()]


def choose(questions: Sequence[Question], topics: Sequence[str], count: int, seed: int) -> list[tuple[Question, int]]:
    """`count` (question, repetition) pairs: questions on any of `topics` in a seeded order, cycled as needed."""
    matching = sorted((q for q in questions if not topics or set(q.spec.topics) & set(topics)), key=lambda q: q.id)
    known = sorted({t for q in questions for t in q.spec.topics})
    unknown = [t for t in topics if t not in known]
    if unknown or not matching:
        which = ", ".join(repr(t) for t in unknown) or "these topics"
        message = f"no question has topic {which} (topics in this bank: {', '.join(known) or 'none'})"
        raise UserError([Problem("<command line>", 0, "--topics", message)])
    order = generator(stream_seed(seed, PRACTICE_PAPER, ORDER_STREAM)).permutation(len(matching))
    return [(matching[int(order[i % len(matching)])], i // len(matching)) for i in range(count)]
