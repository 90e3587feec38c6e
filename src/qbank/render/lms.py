"""A question variant's content for an LMS export: the question text, worked solution, rubric, answer labels and
option texts as HTML whose formulas are TeX for MathJax (`\\( \\)`, `\\[ \\]`) or MathML, rendered from the same
templates and parameters as the paper (only the formulas are written differently)."""

from __future__ import annotations

import html
import xml.etree.ElementTree as ET
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import jinja2

from qbank.core.errors import Problem, UserError
from qbank.render.markup import MarkupError, markdown_math_with
from qbank.render.mathsvg import MathError, mathml
from qbank.render.templating import render_string
from qbank.solve.variant import Variant
from qbank.spec.validate import Question

MATHML_NAMESPACE = "http://www.w3.org/1998/Math/MathML"
Writer = Callable[[str, bool], str]


def tex_math(latex: str, display: bool) -> str:
    """A formula as TeX between MathJax's delimiters, escaped for HTML."""
    text = html.escape(latex, quote=False)
    return f"\\[{text}\\]" if display else f"\\({text}\\)"


def mathml_math(latex: str, display: bool) -> str:
    """A formula as a MathML <math> element (the tree the paper typesets), in the MathML namespace."""
    root = mathml(latex, display)
    element = ET.Element("math", {"xmlns": MATHML_NAMESPACE, "display": "block" if display else "inline"})
    element.extend(list(root))
    return ET.tostring(element, encoding="unicode")


MATH_WRITERS: Mapping[str, Writer] = {"tex": tex_math, "mathml": mathml_math}


@dataclass(frozen=True)
class LmsContent:
    """One variant as HTML fragments for an LMS: text, solution, rubric lines, answer labels and units (by
    answer), option texts (by answer asked as choice, in the paper's order) and the figure (an SVG document)."""

    text: str
    solution: str
    rubric: tuple[tuple[float, str], ...]
    labels: Mapping[str, str]
    units: Mapping[str, str]
    options: Mapping[str, tuple[str, ...]]
    figure: str | None


def lms_content(question: Question, variant: Variant, formatted: Mapping[str, str],
                options: Mapping[str, tuple[str, ...]], figure: str | None, math: str) -> LmsContent:  # fmt: skip
    """Render one variant for an LMS with formulas written as `math` (`tex` or `mathml`); `figure`: the SVG the
    paper drew (None: no figure)."""
    write = MATH_WRITERS[math]
    params = dict(variant.params)
    text = _markdown(question, "text", {**params, "params": variant.params}, write)
    solution_context = {**params, "params": variant.params, "steps": variant.steps, "answers": dict(formatted),
                        "values": variant.answers}  # fmt: skip
    solution = _markdown(question, "solution", solution_context, write) if question.spec.solution.strip() else ""

    def inline(source: str, where: str) -> str:
        return _guarded(question, where, lambda: markdown_math_with(source, write, inline_only=True))

    answers = question.spec.answers
    return LmsContent(
        text=text,
        solution=solution,
        rubric=tuple((item.points, inline(item.text, "rubric")) for item in question.spec.rubric),
        labels={name: inline(spec.label, f"answers.{name}.label") for name, spec in answers.items()},
        units={name: inline(spec.unit, f"answers.{name}.unit") if spec.unit else "" for name, spec in answers.items()},
        options={name: tuple(inline(t, f"answers.{name}.options") for t in texts) for name, texts in options.items()},
        figure=figure,
    )


def _markdown(question: Question, key: str, context: Mapping[str, Any], write: Writer) -> str:
    """One template field through Jinja, then Markdown with formulas written by `write`."""
    source = getattr(question.spec, key)
    try:
        text = render_string(source, context)
    except jinja2.TemplateError as exc:
        raise _located(question, key, f"template error: {exc}") from None
    except Exception as exc:  # a runtime error in the template (the paper's rendering reports it first)
        raise _located(question, key, f"template error: {type(exc).__name__}: {exc}") from None
    return _guarded(question, key, lambda: markdown_math_with(text, write))


def _guarded(question: Question, key: str, make: Callable[[], str]) -> str:
    """`make()`, with a math or markup error located at the question's `key`."""
    try:
        return make()
    except (MathError, MarkupError) as exc:
        raise _located(question, key, f"{'math' if isinstance(exc, MathError) else 'markup'} error: {exc}") from None


def _located(question: Question, key: str, message: str) -> UserError:
    """A UserError at a key of a question's file."""
    path = tuple(key.split("."))
    return UserError([Problem(question.file, question.document.line(path), key, message)])
