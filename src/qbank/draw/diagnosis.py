"""Why no draw satisfied the constraints: which constraints reject jointly, and impossible against merely rare.

When a question's draws run out of attempts, the same draws are made again from the same stream and every
constraint is evaluated on each (not only the first that fails), giving the rejections per constraint and per
combination. If the drawn parameter space is small enough to enumerate (`param_space`), the message says
whether the constraints are impossible (no parameter set satisfies them: the smallest set of constraints that
cannot hold together is named) or only rare (how many parameter sets satisfy them, and the `max_attempts` to
ask for).
"""

from __future__ import annotations

import itertools
import json
from collections import Counter
from collections.abc import Mapping
from typing import Any

from qbank.core.frozen import thaw
from qbank.core.limits import MAX_ATTEMPTS_CAP
from qbank.draw.plan import DrawError, _fill, draw_plan, stream_seed
from qbank.draw.space import MAX_ENUMERATED, Enumeration, enumerate_space, failed_constraints, space_size
from qbank.draw.stream import new_stream
from qbank.spec.validate import Question

SHOWN_COMBINATIONS = 4  # the most frequent sets of rejecting constraints listed


def _rejections(question: Question, seed: int, attempts: int, given: Mapping[str, Any] | None) -> Counter:
    """Draw the same `attempts` parameter sets again and count, per set of failed constraints, the draws."""
    plan = draw_plan(question)
    rng = new_stream(seed) if plan.random else None
    counts: Counter[frozenset[int]] = Counter()
    for _ in range(attempts):
        counts[failed_constraints(question, _fill(plan, rng, given))] += 1
    return counts


def _names(indices: frozenset[int] | tuple[int, ...]) -> str:
    """'[0]', '[0] and [2]', '[0], [1] and [3]'."""
    names = [f"[{i}]" for i in sorted(indices)]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _conflict(question: Question, space: Enumeration) -> frozenset[int]:
    """The smallest set of constraints that no parameter set satisfies together."""
    indices = range(len(question.constraints))
    for size in range(1, len(question.constraints) + 1):
        for subset in itertools.combinations(indices, size):
            if space.holding(frozenset(subset)) == 0:
                return frozenset(subset)
    return frozenset(indices)


def unsatisfiable_error(
    question: Question,
    exam_seed: int,
    paper_id: str,
    attempts: int,
    given: Mapping[str, Any] | None,
    stream: str | None,
) -> DrawError:
    """The located error for draws that ran out of attempts, with joint rejection counts and a diagnosis."""
    seed = stream_seed(exam_seed, paper_id, stream or question.id)
    counts = _rejections(question, seed, attempts, given)
    per: Counter[int] = Counter()
    for failed, count in counts.items():
        for index in failed:
            per[index] += count
    where = f"for seed {exam_seed}, paper {paper_id!r}" + (
        f", with the shared scenario values {json.dumps(thaw(given), sort_keys=True)}" if given else ""
    )
    rejected = ", ".join(f"[{i}] {question.constraints[i].message!r} rejected {per[i]:,}" for i in sorted(per))
    combos = "; ".join(
        f"{'only ' if len(failed) == 1 else ''}{_names(failed)}: {count:,}"
        for failed, count in counts.most_common(SHOWN_COMBINATIONS)
    )
    summary = f"no draw of {attempts:,} {where} satisfied every constraint ({rejected}; rejected by {combos})"
    space = enumerate_space(question, given)
    if space is None:
        index = min(per, key=lambda i: (-per[i], i))
        size = space_size(question, given)
        verdict = (f"the {size:,} possible parameter sets are more than the {MAX_ENUMERATED:,} that can be "
                   f"enumerated to tell an impossible constraint from a rare one: loosen the constraints or raise "
                   f"`max_attempts` (at most {MAX_ATTEMPTS_CAP:,})")  # fmt: skip
        return _error(question, (index,), f"unsatisfiable: {summary}; {verdict}")
    if space.satisfying == 0:
        conflict = _conflict(question, space)
        if len(conflict) == 1:
            (index,) = conflict
            message = (f"unsatisfiable: {question.constraints[index].message!r} rejected {per[index]:,} of "
                       f"{attempts:,} draws ({100 * per[index] / attempts:.1f}%) {where}; impossible: none of the "
                       f"{space.total:,} possible parameter sets satisfies it")  # fmt: skip
            return _error(question, conflict, message)
        verdict = (f"impossible: each of {_names(conflict)} holds for some of the {space.total:,} possible "
                   f"parameter sets, but none satisfies them together")  # fmt: skip
        return _error(question, tuple(sorted(conflict)), f"unsatisfiable together: {summary}; {verdict}")
    verdict = (f"rare, not impossible: {space.satisfying:,} of the {space.total:,} possible parameter sets "
               f"({100 * space.satisfying / space.total:.2g}%) satisfy every constraint: raise `max_attempts` "
               f"(now {attempts:,}, at most {MAX_ATTEMPTS_CAP:,}) or loosen the constraints")  # fmt: skip
    return _error(question, tuple(sorted(per, key=lambda i: -per[i]))[:1], f"unsatisfiable: {summary}; {verdict}")


def _error(question: Question, indices: tuple[int, ...] | frozenset[int], message: str) -> DrawError:
    """A DrawError at one constraint, or at the `constraints` key when several are to blame."""
    if len(indices) == 1:
        (index,) = indices
        return DrawError(question, question.constraints[index].line, f"constraints[{index}]", message)
    return DrawError(question, question.document.line(("constraints",)), "constraints", message)
