"""Build an exam set: paper, answer key, practice sheet, key sidecar and manifest."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from qbank.core.errors import LocatedError, UserError
from qbank.draw.params import thaw
from qbank.output.manifest import build_manifest, inputs_record, manifest_bytes, paper_record, seal
from qbank.output.outdir import bank_inputs, check_output
from qbank.output.pages import page_pdf
from qbank.output.writer import write_set
from qbank.preflight.checks import checked_exam
from qbank.preflight.fontcover import check_printable
from qbank.render.leaks import paper_leaks
from qbank.render.paper import EXAM_PRACTICE_PAPER, SolvedPaper, page_context, solve_paper
from qbank.render.question import PageRenderer, formatted_answers, render_part
from qbank.solve.variant import make_variant
from qbank.spec.exam import Exam

Progress = Callable[[str], None]
PRACTICE_REDRAWS = 8  # draws of a practice question that keeps coinciding with the paper's (see solve_exam_practice)


@dataclass(frozen=True)
class BuildResult:
    """What a build wrote and where."""

    out_dir: Path
    files: dict[str, str]
    set_sha256: str = ""  # the set digest recorded in the manifest (see qbank.output.manifest_read.set_digest)


def key_sidecar(paper: SolvedPaper) -> dict[str, Any]:
    """The answer key as JSON: every answer raw and formatted, per question."""
    questions = []
    for solved in paper.parts:
        question = solved.part.question
        formatted = formatted_answers(question, solved.variant)
        questions.append(
            {
                "number": solved.item.number,
                "part": solved.part.label,
                "id": solved.part.key,
                "marks": solved.part.marks,
                "answers": {
                    name: {
                        "label": spec.label,
                        "format": spec.format,
                        "unit": spec.unit,
                        "value": thaw(solved.variant.answers[name]),
                        "formatted": formatted[name],
                    }
                    for name, spec in question.spec.answers.items()
                },
            }
        )
    return {"paper_id": paper.paper_id, "seed": paper.seed, "canonical": paper.canonical, "questions": questions}


def render_documents(
    paper: SolvedPaper,
    renderer: PageRenderer,
    allowed_roots: Sequence[Path],
    progress: Progress | None = None,
    practice: SolvedPaper | None = None,
) -> dict[str, bytes]:
    """Render paper, key and practice sheet to PDF (and the practice sheet to self-contained HTML); the practice
    sheet shows `practice` (other variants of the exam's questions) when given, else the paper itself."""
    files: dict[str, bytes] = {}
    for kind in ("paper", "key", "practice"):
        html = renderer.render(kind, page_context(practice if kind == "practice" and practice else paper, kind))
        if progress:
            progress(f"rendering {kind}.pdf")
        files[f"{kind}.pdf"] = page_pdf(renderer, kind, html, allowed_roots)
        if kind == "practice":
            files["practice.html"] = html.encode("utf-8")
    files["key.json"] = (json.dumps(key_sidecar(paper), indent=2, sort_keys=True) + "\n").encode("utf-8")
    return files


def solve_exam_practice(exam: Exam, seed: int, paper: SolvedPaper) -> SolvedPaper:
    """The practice sheet of an exam set: the exam's questions drawn on the streams of paper id `exam-practice`
    (never the canonical values), so it does not show the students' paper or its answers. A question whose
    practice draw has the paper's very parameters (a small parameter space) is drawn again on the streams of
    `exam-practice-2`, `-3`, ... up to PRACTICE_REDRAWS (kept as it is if every one of them coincides)."""
    practice = solve_paper(exam, seed, EXAM_PRACTICE_PAPER, canonical=False)
    on_paper = {(solved.part.question.id, solved.part.placement): solved.variant.params for solved in paper.parts}
    parts = []
    for solved in practice.parts:
        question, placement = solved.part.question, solved.part.placement
        for attempt in range(2, PRACTICE_REDRAWS + 1):
            if solved.part.scenario or solved.variant.params != on_paper.get((question.id, placement)):
                break  # a scenario's parameters are shared: they are redrawn with the whole practice paper only
            try:
                variant = make_variant(question, seed, f"{EXAM_PRACTICE_PAPER}-{attempt}", stream=placement or None)
            except LocatedError as exc:
                raise UserError([exc.problem()]) from None
            solved = dataclasses.replace(solved, variant=variant, rendered=render_part(question, variant))
        parts.append(solved)
    return dataclasses.replace(practice, parts=tuple(parts))


def refuse_leaks(paper: SolvedPaper) -> None:
    """Refuse a student paper whose text or figures show one of its answers (located: question, answer, seed)."""
    problems = paper_leaks(paper.parts, paper.seed)
    if problems:
        raise UserError(problems)


def allowed_roots_for(exam: Exam, renderer: PageRenderer) -> list[Path]:
    """Folders WeasyPrint may read: the bank and the template folders."""
    return [exam.bank.root, *renderer.template_dirs]


def build_exam(
    exam_path: Path,
    seed: int,
    out_dir: Path,
    *,
    canonical: bool = False,
    key_style: str = "full",
    force: bool = False,
    template_dirs: Sequence[Path] = (),
    command: list[str] | None = None,
    progress: Progress | None = None,
) -> BuildResult:
    """Validate, draw, solve, render and write one exam set atomically into `out_dir`."""
    check_output(out_dir, force, [exam_path, *template_dirs], template_dirs)
    exam = checked_exam(exam_path)
    inputs = [exam_path, *template_dirs, *bank_inputs(exam.bank.root, exam.bank.module_digests)]
    check_output(out_dir, force, inputs)
    check_printable(exam)  # a header field no pinned font covers is an error before anything is drawn
    paper = solve_paper(exam, seed, "main", canonical)
    refuse_leaks(paper)
    practice = solve_exam_practice(exam, seed, paper)
    renderer = PageRenderer(template_dirs, key_style)
    files = render_documents(paper, renderer, allowed_roots_for(exam, renderer), progress, practice)
    recipe = {"kind": "exam", "exam": str(exam_path.resolve()), "seed": seed, "canonical": canonical,
              "key": key_style, "templates": [str(Path(d).resolve()) for d in template_dirs]}  # fmt: skip
    extra = {"kind": "exam", "recipe": recipe, "inputs": inputs_record(renderer.template_dirs),
             "built_in": str(Path(out_dir).resolve()), "practice": paper_record(practice)}  # fmt: skip
    manifest = build_manifest([paper], files, command or [], extra)
    digest = seal(manifest)
    files["manifest.json"] = manifest_bytes(manifest)
    write_set(out_dir, files, force, inputs)
    return BuildResult(out_dir, manifest["files"], digest)
