"""Template checks: a question's text and solution templates parse, use only names they can see, and read only
the `steps` keys the question declares."""

from __future__ import annotations

from qbank.core.errors import Problem
from qbank.render import templating
from qbank.render.steps_reads import steps_problems
from qbank.spec.validate import Draft, Question

TEXT_CONTEXT = {"params"}
SOLUTION_CONTEXT = {"params", "steps", "answers", "values"}


def template_problems(question: Question | Draft) -> list[Problem]:
    """Every problem of the question's templates (names, then `steps` reads), located at the line in the file."""
    spec, doc = question.spec, question.document
    params = set(spec.params)
    problems: list[Problem] = []
    for key, allowed in (("text", params | TEXT_CONTEXT), ("solution", params | SOLUTION_CONTEXT)):
        source = getattr(spec, key)
        first_line = doc.block_starts.get((key,), doc.line((key,)))
        for line, message in templating.template_problems(source, allowed, set(spec.answers)):
            problems.append(Problem(doc.file, first_line + line - 1, key, message))
    return problems + steps_problems(question)
