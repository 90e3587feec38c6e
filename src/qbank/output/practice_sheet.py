"""The practice-sheet producer: fresh variants of a bank's questions on chosen topics, as PDF and
self-contained HTML, solutions at the end or inline."""

from __future__ import annotations

from pathlib import Path

from qbank.draw.sheet import choose
from qbank.output.documents import Documents
from qbank.output.fontrecord import embedded_fonts
from qbank.output.manifest import Manifest, inputs_record, set_record
from qbank.output.recipes import PracticeRecipe
from qbank.output.records import paper_record
from qbank.output.run import Run, RunStats
from qbank.preflight.checks import preflight
from qbank.render.practice import solve_sheet
from qbank.spec.bank import load_questions

FILES = ("practice.pdf", "practice.html")


def produce_practice_sheet(recipe: PracticeRecipe, run: Run) -> tuple[Manifest, RunStats]:
    """Choose, draw, solve and render the sheet's questions into the staging folder."""
    bank, questions = load_questions(Path(recipe.bank))
    chosen = choose(questions, recipe.topics, recipe.count, recipe.seed)
    preflight(bank, {question.id: question for question, _ in chosen}.values())
    paper = solve_sheet(bank, chosen, recipe.topics, recipe.seed)
    documents = Documents(bank.root, recipe.templates)
    html = documents.html("practice", paper, inline_solutions=recipe.inline_solutions)
    pdf = documents.pdf("practice", html)
    digests = {"practice.pdf": run.folder.write("practice.pdf", pdf),
               "practice.html": run.folder.write("practice.html", html.encode("utf-8"))}  # fmt: skip
    record = set_record(bank, None, [paper_record(paper)], recipe.seed, False)
    manifest = Manifest("practice", recipe, record, run.command, tuple(embedded_fonts([pdf])), digests,
                        inputs_record(documents.template_dirs))  # fmt: skip
    return manifest, RunStats()
