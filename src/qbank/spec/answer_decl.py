"""Validate each answer's own keys: the format's rounding keys, the tolerance, percentages, text synonyms and
`breakdown`."""

from __future__ import annotations

from qbank.core.errors import Problem
from qbank.core.responses import normal_text
from qbank.spec.choice_decl import choosable
from qbank.spec.load import Document
from qbank.spec.models import QuestionSpec

FORMAT_KEYS = {"int": set(), "fixed": {"decimals"}, "sig": {"sig"}, "vector": {"decimals"},
               "matrix": {"decimals"}, "text": set(), "choice": set(), "multi": set()}  # fmt: skip


def check_answers(spec: QuestionSpec, doc: Document, problems: list[Problem]) -> None:
    """Each answer format takes only its own keys; tolerances and synonyms are well formed."""
    for name, answer in spec.answers.items():
        needed = FORMAT_KEYS[answer.format]
        for key in ("decimals", "sig"):
            value = getattr(answer, key)
            if key in needed and value is None:
                problems.append(doc.problem(("answers", name), f"format {answer.format!r} needs `{key}`"))
            elif key not in needed and value is not None:
                problems.append(doc.problem(("answers", name, key), f"not used by format {answer.format!r}"))
        tol = answer.tolerance
        if tol is not None and sum(v is not None for v in (tol.abs, tol.rel, tol.sig)) != 1:
            problems.append(doc.problem(("answers", name, "tolerance"), "give exactly one of abs, rel or sig"))
        if tol is not None and answer.format == "text":
            problems.append(doc.problem(("answers", name, "tolerance"), "text answers are compared exactly"))
        if answer.accept is not None and answer.format != "text":
            problems.append(doc.problem(("answers", name, "accept"), "synonyms are for text answers only"))
        keys = {normal_text(key): key for key in answer.accept or {}}
        for key, group in (answer.accept or {}).items():
            for synonym in group:
                other = keys.get(normal_text(synonym))
                if other is not None and other != key:
                    message = f"{synonym!r} is accepted for {key!r} but is itself the key {other!r}"
                    problems.append(doc.problem(("answers", name, "accept", key), message))
        if answer.percent is not None and answer.format == "text":
            problems.append(doc.problem(("answers", name, "percent"), "not used by format 'text'"))
        if answer.breakdown and choosable(answer):
            message = "not used by an answer `ask: choice` asks (it has options, misconceptions or `choices: {fill}`)"
            problems.append(doc.problem(("answers", name, "breakdown"), message))
