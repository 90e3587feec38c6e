"""Markdown rendered from a cached skeleton (digits swapped for placeholders) equals the whole text rendered."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from qbank.render.markup import _parser, split_math
from qbank.render.question import formatted_answers
from qbank.render.templating import render_string
from qbank.solve.variant import make_variant
from qbank.spec.bank import load_bank
from qbank.speedups.mdshape import render_by_shape

from .conftest import ROOT

CASES = [
    "12. starts an ordered list at 12\n\n1. and 1. may interrupt a paragraph:\ntext\n1. item",
    "> 3. quoted list\n  - 4 nested\n\n    5 indented code 6",
    "a **12** b *3*x 4*5* _6_ a_7_b **-8** a**-9**b",
    "entities &#39; &#x2F; &frac12; &amp;1 R&D2",
    "| 1 | 2 |\n|---|---:|\n| 30 | 4,096 |",
    "`code 12` and\n\n```py3\n10 + 20\n```\n",
    "line 1  \nline 2\\\nline 3\n\n3\n===\n\n# Heading 4",
    "2 × 3 = 6 at the start of a line, 7 in the middle",
    "write `<mask>` for 2 tokens, <mask> 3 <b>4</b> x<y 5",
    "autolinks <https://x.org/12> <mail2@host3.org> <ab1:x> stay whole",
]


@pytest.mark.parametrize("text", CASES)
def test_skeleton_rendering_equals_the_whole_text(text: str) -> None:
    render = _parser().render
    assert render_by_shape(text, render) == render(text)


def test_a_changed_number_reuses_the_skeleton_and_changes_only_the_number() -> None:
    render = _parser().render
    first, second = render_by_shape("There are 12 layers.", render), render_by_shape("There are 7 layers.", render)
    assert (first, second) == ("<p>There are 12 layers.</p>\n", "<p>There are 7 layers.</p>\n")


def test_every_bank_text_renders_the_same(tmp_path: Path) -> None:
    render = _parser().render
    checked = 0
    for name in ("deep-learning", "sample"):
        bank = load_bank(ROOT / "banks" / name)
        for question in bank.questions.values():
            for seed in range(12):
                variant = make_variant(question, seed, "main")
                context = {**dict(variant.params), "params": variant.params}
                texts = [render_string(question.spec.text, context)]
                if question.spec.solution.strip():
                    solution_context = {**context, "steps": variant.steps, "values": variant.answers,
                                        "answers": formatted_answers(question, variant)}  # fmt: skip
                    texts.append(render_string(question.spec.solution, solution_context))
                for text in texts:
                    stripped, _ = split_math(text)
                    assert render_by_shape(stripped, render) == render(stripped), (question.id, seed)
                    checked += 1
    assert checked > 500


@pytest.mark.slow
def test_fuzzed_markdown_renders_the_same() -> None:
    atoms = ["1", "12", "3.", "10)", "- ", "* ", "> ", "# ", "**", "*", "_", "`", "\\", "&#39;", "&frac12;", "&",
             "&#x", "|", "---", "   ", "    ", "\n", "\n\n", "a", "x2", "-3", "0.5", "1,024", "```", "\n1. ", "\n2) ",
             "\n   4. ", "\n> 5", "|1|2|\n|-|-|\n|3|4|\n", "é", "—", "a*1*b", "1*a*", "_1_a", "**-1**", "a**-1**b",
             "\n10. ", "  \n", "\\\n", "~~~", "[", "]", "[1]", "[CLS]", "](", "(2)", "]: ", "][", "![",
             "\\[", "<", ">", "<mask>", "<extra_id_0>", "<http:", "<ab1:", "<a:", "@", "a@b.c", "<x@y.z>",
             "<https://e.x/12>", "<a1@b2.c3>", "<ab:1>"]  # fmt: skip
    render, rng = _parser().render, random.Random(20261127)
    for _ in range(4000):
        text = "".join(rng.choice(atoms) for _ in range(rng.randint(1, 30)))
        assert render_by_shape(text, render) == render(text), text


@pytest.mark.slow
def test_fuzzed_angle_brackets_render_the_same() -> None:
    """A `<` is text unless it may open an autolink; the skeleton of a text with numbers in autolinks would differ."""
    atoms = ["1", "12", "a", " ", "\n", "`", "<", ">", "<mask>", "<http:", "<ab1:", "@", "a@b.c", "<x@y.z>",
             "<https://e.x/12>", "<a1@b2.c3>", "<ab:1>", "<7>", "1<2"]  # fmt: skip
    render, rng = _parser().render, random.Random(27)
    for _ in range(3000):
        text = "".join(rng.choice(atoms) for _ in range(rng.randint(1, 25)))
        assert render_by_shape(text, render) == render(text), text
