"""Render stage: a solved variant becomes HTML fragments; page templates assemble papers and keys."""

from __future__ import annotations

import traceback
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import jinja2
from markupsafe import Markup

from qbank.core.errors import Problem, UserError
from qbank.core.package_templates import package_templates
from qbank.render.markup import MarkupError, inline_math_html, markdown_math_html
from qbank.render.mathsvg import MathError
from qbank.render.templating import make_environment, render_string
from qbank.solve.figures import FigureError, draw_figure
from qbank.solve.formats import format_answer
from qbank.solve.variant import Variant
from qbank.spec.validate import Question

PACKAGE_TEMPLATES = package_templates()  # the repository's templates/, installed as package data
PAGE_KINDS = ("paper", "key", "practice")
# Every key opens with a table of every answer. Then per question: full: question restated, its answers, worked
# solution, marking scheme; compact: worked solution and marking scheme (the grader has the student's paper);
# answers: nothing more.
KEY_STYLES = ("full", "compact", "answers")
TABLE_MATH_PX = 13.33  # formulas in answer labels and marking schemes: 10pt, the size of the key's tables


@dataclass(frozen=True)
class AnswerLine:
    """One formatted answer as the key prints it."""

    name: str
    label: Markup
    value: str
    unit: Markup


@dataclass(frozen=True)
class RenderedPart:
    """HTML fragments of one question variant. Paper templates see only `text` and `figure`."""

    question_id: str
    title: str
    text: Markup
    figure: Markup | None
    solution: Markup
    answers: tuple[AnswerLine, ...]
    rubric: tuple[tuple[float, Markup], ...]


def formatted_answers(question: Question, variant: Variant) -> dict[str, str]:
    """Every answer of a variant formatted by its declaration."""
    return {name: format_answer(spec, variant.answers[name]) for name, spec in question.spec.answers.items()}


def render_question_text(question: Question, variant: Variant) -> str:
    """The HTML of one variant's question text (what the student reads, without the figure)."""
    return _render_markdown(question, "text", {**dict(variant.params), "params": variant.params})


def render_part(question: Question, variant: Variant, formatted: Mapping[str, str] | None = None, *,
                solution: bool = True) -> RenderedPart:  # fmt: skip
    """Render the question text, figure and solution of one variant to HTML (`formatted`: its answers as
    `formatted_answers` gives them, when already known). With `solution=False` the worked solution is left out
    (empty): for a page that does not show it, such as a practice question before marking."""
    params = dict(variant.params)
    formatted = dict(formatted) if formatted is not None else formatted_answers(question, variant)
    text = render_question_text(question, variant)
    solution_context = {**params, "params": variant.params, "steps": variant.steps, "answers": formatted,
                        "values": variant.answers}  # fmt: skip
    worked = ""
    if solution and question.spec.solution.strip():
        worked = _render_markdown(question, "solution", solution_context)
    try:
        drawn = draw_figure(question, variant)
    except FigureError as exc:
        raise UserError([exc.problem()]) from None
    figure = None if drawn is None else Markup(drawn)
    answers = tuple(
        AnswerLine(
            name,
            Markup(inline_math_html(spec.label, size_px=TABLE_MATH_PX)),
            formatted[name],
            Markup(inline_math_html(spec.unit, size_px=TABLE_MATH_PX)) if spec.unit else Markup(""),
        )
        for name, spec in question.spec.answers.items()
    )
    rubric = tuple(
        (item.points, Markup(inline_math_html(item.text, size_px=TABLE_MATH_PX))) for item in question.spec.rubric
    )
    return RenderedPart(question.id, question.spec.title, Markup(text), figure, Markup(worked), answers, rubric)


def _render_markdown(question: Question, key: str, context: Mapping[str, Any]) -> str:
    """Render one template field through Jinja, then Markdown with typeset math."""
    source = getattr(question.spec, key)
    try:
        text = render_string(source, context)
    except jinja2.TemplateError as exc:
        raise _located(question, key, f"template error: {exc}", _template_line(exc)) from None
    except Exception as exc:  # a runtime error in the template: n/0, a filter on the wrong type, ...
        message = f"template error: {type(exc).__name__}: {exc}"
        raise _located(question, key, message, _template_line(exc)) from None
    try:
        return markdown_math_html(text)
    except MathError as exc:
        raise _located(question, key, f"math error: {exc}") from None
    except MarkupError as exc:
        raise _located(question, key, f"markup error: {exc}") from None


def _template_line(exc: BaseException) -> int:
    """The template line a Jinja runtime error happened on (1 if unknown)."""
    lines = [frame.lineno for frame in traceback.extract_tb(exc.__traceback__) if frame.filename == "<template>"]
    return getattr(exc, "lineno", None) or (lines[-1] if lines else 1)


def _located(question: Question, key: str, message: str, line_in_block: int = 1) -> UserError:
    """A UserError at a line of a question's field."""
    doc = question.document
    first = doc.block_starts.get((key,), doc.line((key,)))
    return UserError([Problem(question.file, first + line_in_block - 1, key, message)])


class PageVariables(Protocol):
    """A page context (qbank.render.page.PageContext): what a page template sees, by name."""

    def variables(self) -> dict[str, Any]:
        """The template's top-level names."""
        ...


class PageRenderer:
    """Page templates (paper, key, practice) from a list of folders; earlier folders override later ones."""

    def __init__(self, template_dirs: Sequence[Path] = (), key_style: str = "full") -> None:
        if key_style not in KEY_STYLES:
            raise ValueError(f"unknown key style {key_style!r}")
        self.template_dirs = [Path(d).resolve() for d in template_dirs] + [PACKAGE_TEMPLATES]
        self.env = make_environment(self.template_dirs)
        self.key_style = key_style

    def template_file(self, kind: str) -> str:
        """The file of the page template of `kind` in effect (the first folder holding it)."""
        for folder in self.template_dirs:
            if (folder / f"{kind}.html.j2").is_file():
                return str(folder / f"{kind}.html.j2")
        return f"{kind}.html.j2"

    def render(self, kind: str, context: PageVariables) -> str:
        """Render one page kind ('paper', 'key' or 'practice') to a complete HTML document."""
        if kind not in PAGE_KINDS:
            raise ValueError(f"unknown page kind {kind!r}")
        try:
            variables = {**context.variables(), "key_style": self.key_style}
            return self.env.get_template(f"{kind}.html.j2").render(variables)
        except Exception as exc:  # a template error, or a runtime error inside one (n/0, a bad filter argument)
            frames = [f for f in traceback.extract_tb(exc.__traceback__) if f.filename.endswith(".j2")]
            name = getattr(exc, "filename", None) or (frames[-1].filename if frames else f"{kind}.html.j2")
            line = getattr(exc, "lineno", None) or (frames[-1].lineno if frames else 0)
            message = f"page template error: {type(exc).__name__}: {exc}"
            raise UserError([Problem(str(name), line, "", message)]) from None
