"""Why no seed gives `forms_differ` forms that all differ: the questions with fewer distinct variants than forms.

A placement with N distinct variants cannot differ on more than N forms. Its count is exact when its drawn
parameter space can be enumerated (`draw.space`) and it reads no scenario; otherwise it is the number of distinct
parameter sets the search for a good seed drew (every form of every seed tried).
"""

from __future__ import annotations

from collections.abc import Mapping

from qbank.draw.space import enumerate_space
from qbank.spec.exam import Exam

SHOWN = 5  # placements named in the message


def variant_counts(exam: Exam, seen: Mapping[str, set[str]]) -> dict[str, tuple[int, bool]]:
    """Per placement with random numbers: (distinct variants, whether the count is exact rather than seen)."""
    counts: dict[str, tuple[int, bool]] = {}
    for part in exam.candidate_parts():
        if part.key not in seen or part.key in counts:
            continue
        space = enumerate_space(part.question) if part.scenario is None else None
        counts[part.key] = (space.satisfying, True) if space is not None else (len(seen[part.key]), False)
    return counts


def too_few_variants(exam: Exam, seen: Mapping[str, set[str]], forms: int, draws: int) -> str:
    """The questions with fewer distinct variants than `forms`, each with its count (or, when none has, the
    questions with the fewest)."""
    counts = sorted(variant_counts(exam, seen).items(), key=lambda item: (item[1][0], item[0]))
    short = [item for item in counts if item[1][0] < forms]

    def described(key: str, count: int, exact: bool) -> str:
        plural = "s" if count != 1 else ""
        return f"{key} has {count:,} distinct variant{plural}" + ("" if exact else f" (seen in {draws:,} draws)")

    listed = short or counts[:SHOWN]
    named = "; ".join(described(key, count, exact) for key, (count, exact) in listed[:SHOWN])
    more = f" (and {len(listed) - SHOWN} more)" if len(listed) > SHOWN else ""
    if short:
        return f"too few distinct variants for {forms} forms: {named}{more}"
    return f"the questions with the fewest distinct variants: {named}"
