"""Label math: answer labels, units, rubric lines and written options hold $math$ that typesets."""

from __future__ import annotations

from qbank.core.errors import Problem
from qbank.render.markup import inline_math_problems
from qbank.spec.validate import Draft, Question


def label_problems(question: Question | Draft) -> list[Problem]:
    """Every inline-math problem in the question's answer labels, units, rubric lines and written options (text
    and `why`), located."""
    spec, doc = question.spec, question.document
    labels = [(("answers", name, "label"), answer.label) for name, answer in spec.answers.items()]
    labels += [(("answers", name, "unit"), answer.unit) for name, answer in spec.answers.items()]
    labels += [(("rubric", i, "text"), item.text) for i, item in enumerate(spec.rubric)]
    for name, answer in spec.answers.items():  # written options and their `why`, typeset on the paper and key
        for i, option in enumerate(answer.options or ()):
            labels.append((("answers", name, "options", i, "text"), option.text))
            labels.append((("answers", name, "options", i, "why"), option.why or ""))
    problems: list[Problem] = []
    for path, text in labels:
        if "$" in text:
            problems.extend(doc.problem(path, message) for message in inline_math_problems(text))
    return problems
