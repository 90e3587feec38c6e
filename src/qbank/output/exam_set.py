"""The exam-set producer: paper, answer key, practice sheet (PDF and HTML), key sidecar and manifest."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from qbank.core.errors import UserError
from qbank.draw.params import thaw
from qbank.output.fontrecord import embedded_fonts
from qbank.output.manifest import Manifest, inputs_record, set_record
from qbank.output.recipes import ExamSetRecipe
from qbank.output.records import paper_record
from qbank.output.run import Run, RunStats
from qbank.preflight.checks import checked_exam
from qbank.render.leaks import paper_leaks
from qbank.render.paper import SolvedPaper, SolvedPart, solve_paper
from qbank.render.practice import solve_exam_practice
from qbank.spec.models import AnswerSpec

FILES = ("paper.pdf", "key.pdf", "practice.pdf", "practice.html", "key.json")


def key_sidecar(paper: SolvedPaper) -> dict[str, Any]:
    """The answer key as JSON: every answer raw and formatted (and the letters of one asked as choice), per
    question."""
    questions = []
    for solved in paper.parts:
        question = solved.part.question
        questions.append(
            {
                "number": solved.item.number,
                "part": solved.part.label,
                "id": solved.part.key,
                "marks": solved.part.marks,
                "answers": {name: _sidecar_answer(solved, name, spec) for name, spec in question.spec.answers.items()},
            }
        )
    return {"paper_id": paper.paper_id, "seed": paper.seed, "canonical": paper.canonical, "questions": questions}


def _sidecar_answer(solved: SolvedPart, name: str, spec: AnswerSpec) -> dict[str, Any]:
    """One answer in the key sidecar; one asked as multiple choice also gives its correct `letters` (`B`, `A, C`)."""
    data = {"label": spec.label, "format": spec.format, "unit": spec.unit,
            "value": thaw(solved.variant.answers[name]), "formatted": solved.formatted[name]}  # fmt: skip
    if name in solved.choices:
        data["letters"] = solved.choices[name].key
    return data


def refuse_leaks(paper: SolvedPaper) -> None:
    """Refuse a student paper whose text or figures show one of its answers (located: question, answer, seed)."""
    problems = paper_leaks(paper.parts, paper.seed)
    if problems:
        raise UserError(problems)


def produce_exam_set(recipe: ExamSetRecipe, run: Run) -> tuple[Manifest, RunStats]:
    """Draw, solve and render paper `main` of the exam, its key and its practice sheet into the staging
    folder; the practice sheet shows other variants of the exam's questions."""
    from qbank.output.documents import Documents  # the PDF renderer: not loaded by an export (it uses refuse_leaks)

    exam = run.exam or checked_exam(Path(recipe.exam))
    paper = solve_paper(exam, recipe.seed, "main", recipe.canonical)
    refuse_leaks(paper)
    practice = solve_exam_practice(exam, recipe.seed, paper)
    documents = Documents(exam.bank.root, recipe.templates, recipe.key_style)
    digests, pdfs = {}, {}
    for kind in ("paper", "key", "practice"):
        html = documents.html(kind, practice if kind == "practice" else paper)
        run.message(f"rendering {kind}.pdf")
        pdfs[f"{kind}.pdf"] = documents.pdf(kind, html)
        digests[f"{kind}.pdf"] = run.folder.write(f"{kind}.pdf", pdfs[f"{kind}.pdf"])
        if kind == "practice":
            digests["practice.html"] = run.folder.write("practice.html", html.encode("utf-8"))
    sidecar = (json.dumps(key_sidecar(paper), indent=2, sort_keys=True) + "\n").encode("utf-8")
    digests["key.json"] = run.folder.write("key.json", sidecar)
    fonts = embedded_fonts(data for _, data in sorted(pdfs.items()))
    record = set_record(exam.bank, exam, [paper_record(paper)], recipe.seed, recipe.canonical)
    manifest = Manifest("exam", recipe, record, run.command, tuple(fonts), digests,
                        inputs_record(documents.template_dirs), practice=paper_record(practice))  # fmt: skip
    return manifest, RunStats()
