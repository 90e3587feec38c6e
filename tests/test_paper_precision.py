"""The printed paper states the precision each answer needs, in the words the practice web page shows for the same
answer (decimal places, significant figures, a whole number, a tolerance that is not the natural half-unit): under
a free part's text, after a free answer's label beside options, and in the key's answer lines; nothing for text
answers or answers asked as multiple choice; the same on every seed (from the spec, never from the key)."""

from __future__ import annotations

import html
import re
from pathlib import Path

from qbank.render.page import page_context
from qbank.render.paper import SolvedPaper, solve_paper
from qbank.render.question import PageRenderer
from qbank.spec.exam import load_exam

from .serve_helpers import client

# the answers' precision as the test bank declares it (the expected words are built from these, independently)
SPEED_DECIMALS = 2
GROWTH_SIG = 3
PROBS_DECIMALS, PROBS_ABS = 3, 0.01
RATIO_DECIMALS, RATIO_REL = 1, 0.02
GRID_DECIMALS = 2
SHARE_DECIMALS = 4

SOLVERS = '''
from qbank.registry import Solution, misconception, solver


@solver("prec.kinds")
def kinds(p):
    """One answer of every kind."""
    x = p["x"]
    return Solution(answers={"speed": x * 1.2345, "growth": x ** 0.5 * 1000, "count": x * 7,
                             "probs": [1 / x, 1 - 1 / x], "ratio": x / 3, "word": "even" if x % 2 == 0 else "odd",
                             "grid": [[x / 4, 1.0], [2.0, x / 8]]})


@solver("prec.one")
def one(p):
    """A single speed."""
    return Solution(answers={"speed": p["x"] * 1.5})


@solver("prec.mixed")
def mixed(p):
    """A share beside a written choice."""
    return Solution(answers={"share": 1 / p["x"]})


@solver("prec.guess")
def guess(p):
    """A number asked as multiple choice."""
    return Solution(answers={"value": p["x"] * 3.25})


@misconception("prec.half", "halved it")
def half(p):
    return p["x"] * 3.25 / 2


@misconception("prec.double", "doubled it")
def double(p):
    return p["x"] * 6.5


@misconception("prec.plus", "added one")
def plus(p):
    return p["x"] * 3.25 + 1
'''

KINDS = f"""id: kinds
title: Every kind
marks: 6
solver: prec.kinds
params:
  x: {{type: int, min: 2, max: 9}}
text: Work out the values for x = {{{{ x }}}}.
answers:
  speed: {{label: Speed, format: fixed, decimals: {SPEED_DECIMALS}, unit: m/s}}
  growth: {{label: Growth, format: sig, sig: {GROWTH_SIG}}}
  count: {{label: Count, format: int}}
  probs: {{label: Probabilities, format: vector, decimals: {PROBS_DECIMALS}, tolerance: {{abs: {PROBS_ABS}}}}}
  ratio: {{label: Ratio, format: fixed, decimals: {RATIO_DECIMALS}, tolerance: {{rel: {RATIO_REL}}}}}
  word: {{label: Word, format: text}}
  grid: {{label: Grid, format: matrix, decimals: {GRID_DECIMALS}}}
"""

ONE = f"""id: one
title: One speed
marks: 2
solver: prec.one
params:
  x: {{type: int, min: 2, max: 9}}
text: How fast is {{{{ x }}}} and a half?
answers:
  speed: {{label: Speed, format: fixed, decimals: {SPEED_DECIMALS}, unit: m/s}}
"""

MIXED = f"""id: mixed
title: A share and a choice
marks: 2
solver: prec.mixed
params:
  x: {{type: int, min: 2, max: 9}}
text: One of {{{{ x }}}} equal shares.
answers:
  pick:
    label: Which is a fraction?
    format: choice
    options:
      - {{text: one half, correct: true}}
      - {{text: two}}
  share: {{label: "What share does each get?", format: fixed, decimals: {SHARE_DECIMALS}}}
"""

GUESS = """id: guess
title: A guess
marks: 1
solver: prec.guess
params:
  x: {type: int, min: 2, max: 9}
text: What is {{ x }} times 3.25?
answers:
  value:
    label: Value
    format: fixed
    decimals: 2
    misconceptions: [prec.half, prec.double, prec.plus]
"""

EXAM = """bank: bank
institution: Test
course: {code: P1, name: Precision}
exam: Mid
sections:
  - questions:
      - {id: kinds}
      - {id: one}
      - {id: mixed}
      - {id: guess, ask: choice}
"""

_SECTION = re.compile(r'<section class="question[^"]*" id="q(\d+)">(.*?)</section>', re.S)
_NEEDS = re.compile(r'<p class="needs">(.*?)</p>', re.S)


def write_bank(root: Path) -> Path:
    """Write the test bank and exam under `root`; return the exam file."""
    questions = root / "bank" / "questions"
    questions.mkdir(parents=True)
    (root / "bank" / "bank.yaml").write_text("name: prec\ntitle: Precision test\nmodules: [solvers.py]\n")
    (root / "bank" / "solvers.py").write_text(SOLVERS)
    for name, text in {"kinds": KINDS, "one": ONE, "mixed": MIXED, "guess": GUESS}.items():
        (questions / f"{name}.yaml").write_text(text)
    (root / "exam.yaml").write_text(EXAM)
    return root / "exam.yaml"


def solved(root: Path, seed: int = 1) -> SolvedPaper:
    """One paper of the test exam (written under `root` if it is not there yet)."""
    exam = root / "exam.yaml"
    return solve_paper(load_exam(exam if exam.exists() else write_bank(root)), seed)


def questions(paper: SolvedPaper) -> dict[int, str]:
    """The HTML of each numbered question of the paper."""
    page = PageRenderer().render("paper", page_context(paper, "paper"))
    return {int(number): body for number, body in _SECTION.findall(page)}


def needs(fragment: str) -> list[str]:
    """The precision lines under a question's text, as plain text."""
    return [html.unescape(re.sub(r"<[^>]+>", "", found)) for found in _NEEDS.findall(fragment)]


def web_hints(root: Path, question: str) -> dict[str, str]:
    """Each input's hint on the practice web page of a question (seed 1), by its label."""
    _, web = client(root / "bank")
    page = web.get(f"/q/{question}/1").text
    found = {}
    for block in page.split('<div class="answer')[1:]:
        label = re.search(r"<(?:label for=\"[^\"]*\"|legend)>([^<]*?)\s*(?:<|$)", block)
        said = re.search(r'class="hint"[^>]*>([^<]*)</span>', block)
        if label and said:
            found[label.group(1)] = html.unescape(said.group(1))
    return found


EXPECTED = {  # label -> the words the paper and the web page both print for it
    "Speed": f"to {SPEED_DECIMALS} decimal places",
    "Growth": f"to {GROWTH_SIG} significant figures",
    "Count": "a whole number",
    "Probabilities": f"each to {PROBS_DECIMALS} decimal places, within ±{PROBS_ABS}",
    "Ratio": f"to {RATIO_DECIMALS} decimal place, within {RATIO_REL * 100:g}% of the exact value",
    "Grid": f"each to {GRID_DECIMALS} decimal places",
}


def test_a_free_part_says_under_its_text_the_precision_the_web_page_shows_for_each_answer(tmp_path):
    shown = questions(solved(tmp_path))
    (line,) = needs(shown[1])
    hints = web_hints(tmp_path, "kinds")
    for label, words in EXPECTED.items():
        name = "Speed (m/s)" if label == "Speed" else label
        assert f"{name}: {words}" in line, (label, line)
        assert words in hints[label], (label, hints[label])
    assert "Word" not in line  # a text answer needs no precision
    assert needs(shown[2]) == [f"Speed (m/s): to {SPEED_DECIMALS} decimal places."]


def test_a_free_answer_beside_options_says_it_after_its_label_and_choices_say_nothing(tmp_path):
    shown = questions(solved(tmp_path))
    heads = re.findall(r'<div class="choices-head">(.*?)</div>', shown[3])
    assert heads[-1] == (
        '<span class="olabel">What share does each get?</span>'
        f'<span class="needs"> To {SHARE_DECIMALS} decimal places</span>'
    )
    assert "needs" not in heads[0]  # the written choice: options need no precision
    assert needs(shown[3]) == []
    assert 'class="options' in shown[4]  # a number asked as multiple choice (ask: choice): no precision either
    assert "needs" not in shown[4] and "decimal" not in shown[4]


def test_the_words_are_the_same_on_every_seed(tmp_path):
    write_bank(tmp_path)
    lines = {tuple(needs(questions(solved(tmp_path, seed))[1])) for seed in range(1, 7)}
    ((line,),) = lines
    assert f"Count: {EXPECTED['Count']}" in line


def test_the_key_gives_the_precision_after_each_value_but_not_for_choices(tmp_path):
    paper = solved(tmp_path)
    key = PageRenderer().render("key", page_context(paper, "key"))
    cells = [html.unescape(re.sub(r"<[^>]+>", "", c)) for c in re.findall(r'<td class="value">(.*?)</td>', key)]
    values = paper.parts[0].formatted
    for name, label in (("speed", "Speed"), ("growth", "Growth"), ("probs", "Probabilities"), ("ratio", "Ratio"),
                        ("grid", "Grid")):  # fmt: skip
        assert any(cell.endswith(f"({EXPECTED[label]})") and values[name].split(",")[0] in cell for cell in cells)
    assert not any("(a whole number)" in cell for cell in cells)  # a whole number graded exactly: its value says it
    guess = [cell for cell in cells if cell.startswith(("A", "B", "C", "D"))]
    assert guess and not any("decimal" in cell for cell in guess)
