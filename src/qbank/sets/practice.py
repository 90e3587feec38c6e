"""Practice sheets: fresh variants of a bank's questions on chosen topics, solutions at the end or inline."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from qbank.core.errors import LocatedError, Problem, UserError
from qbank.draw.params import generator, stream_seed
from qbank.output.fontrecord import embedded_fonts
from qbank.output.manifest import assemble_manifest, inputs_record, manifest_bytes, paper_record, seal
from qbank.output.outdir import bank_inputs, check_output
from qbank.output.pages import page_pdf
from qbank.output.writer import write_set
from qbank.preflight.checks import preflight
from qbank.render.paper import SolvedPaper, SolvedPart, page_context
from qbank.render.question import PageRenderer, render_part
from qbank.sets.build import BuildResult
from qbank.solve.variant import make_variant
from qbank.spec.bank import Bank, load_questions
from qbank.spec.exam import Course, Exam, ExamSpec, Item, Part, Section
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


def practice_exam(bank: Bank, topics: Sequence[str]) -> Exam:
    """A one-section stand-in exam carrying the sheet's titles."""
    spec = ExamSpec.model_construct(
        bank=str(bank.root), institution=bank.spec.title,
        course=Course.model_construct(code="", name=bank.spec.title),  # a bank has a title, not a course code
        exam=", ".join(topics) if topics else "all topics", semester="", year=None, duration="", date="",
        student_fields=[], rules=[], instructions=[], scenarios={},
        sections=[Section.model_construct(title="", note="", shuffle=False, questions=[])],
    )  # fmt: skip
    return Exam(spec, str(bank.root), "", bank, ())


def solve_practice(bank: Bank, chosen: Sequence[tuple[Question, int]], topics: Sequence[str], seed: int) -> SolvedPaper:
    """Draw, solve and render each chosen question; repetition k of a question uses paper id practice-k."""
    exam = practice_exam(bank, topics)
    problems: list[Problem] = []
    items, parts = [], []
    for number, (question, repetition) in enumerate(chosen, start=1):
        item = Item(number, 0, (Part("", question, question.spec.marks),))
        items.append(item)
        try:
            variant = make_variant(question, seed, f"{PRACTICE_PAPER}-{repetition}")
            parts.append(SolvedPart(item, item.parts[0], variant, render_part(question, variant)))
        except LocatedError as exc:
            problems.append(exc.problem())
        except UserError as exc:
            problems.extend(exc.problems)
    if problems:
        raise UserError(problems)
    return SolvedPaper(exam, seed, PRACTICE_PAPER, False, tuple(parts), tuple(items))


def make_practice(
    recipe: Mapping[str, Any], command: Sequence[str] = (), built_in: str | None = None
) -> dict[str, bytes]:
    """The files of the practice sheet described by `recipe`: PDF, self-contained HTML and manifest (which
    records `built_in`, the folder the sheet goes to, when given)."""
    bank, questions = load_questions(Path(recipe["bank"]))
    chosen = choose(questions, recipe["topics"], recipe["count"], recipe["seed"])
    preflight(bank, {question.id: question for question, _ in chosen}.values())
    paper = solve_practice(bank, chosen, recipe["topics"], recipe["seed"])
    renderer = PageRenderer([Path(d) for d in recipe.get("templates", [])])
    html = renderer.render("practice", page_context(paper, "practice", inline_solutions=recipe["inline_solutions"]))
    roots = [bank.root, *renderer.template_dirs]
    files = {"practice.pdf": page_pdf(renderer, "practice", html, roots),
             "practice.html": html.encode("utf-8")}  # fmt: skip
    digests = {name: hashlib.sha256(data).hexdigest() for name, data in files.items()}
    extra = {"kind": "practice", "recipe": dict(recipe), "inputs": inputs_record(renderer.template_dirs)}
    if built_in is not None:
        extra["built_in"] = built_in
    fonts = embedded_fonts([files["practice.pdf"]])
    manifest = assemble_manifest(
        bank, [paper_record(paper)], recipe["seed"], False, digests, list(command), extra, fonts=fonts
    )
    seal(manifest)
    files["manifest.json"] = manifest_bytes(manifest)
    return files


def build_practice(
    bank_path: Path,
    seed: int,
    out_dir: Path,
    *,
    topics: Sequence[str] = (),
    count: int = 8,
    inline_solutions: bool = False,
    force: bool = False,
    template_dirs: Sequence[Path] = (),
    command: list[str] | None = None,
) -> BuildResult:
    """Build a practice sheet (PDF, HTML, manifest) atomically into `out_dir`."""
    bank_root = Path(bank_path).parent if Path(bank_path).is_file() else Path(bank_path)
    inputs = [*bank_inputs(bank_root), *template_dirs]
    check_output(out_dir, force, inputs, template_dirs)
    recipe = {"kind": "practice", "bank": str(Path(bank_path).resolve()), "topics": list(topics), "count": count,
              "seed": seed, "inline_solutions": inline_solutions,
              "templates": [str(Path(d).resolve()) for d in template_dirs]}  # fmt: skip
    files = make_practice(recipe, command or [], built_in=str(Path(out_dir).resolve()))
    write_set(out_dir, files, force, inputs)
    digests = {name: hashlib.sha256(data).hexdigest() for name, data in files.items()}
    return BuildResult(out_dir, digests, json.loads(files["manifest.json"])["set_sha256"])
