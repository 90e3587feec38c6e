"""Independent checks of the BART/T5 corruption solver (6c) and of the conceptual questions' rubrics."""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import pytest
import yaml

from qbank.spec.modules import load_module

BANK = Path(__file__).resolve().parents[2] / "banks" / "deep-learning"
QUESTIONS = BANK / "questions"
QUESTION_ID = "pretraining/bart-t5-corruption"
CORRUPTION_FILE = QUESTIONS / "pretraining" / "bart-t5-corruption.yaml"
CONCEPTUAL_FILES = [
    QUESTIONS / "rlhf" / "policy-gradient-vs-ce.yaml",
    QUESTIONS / "generative" / "vae-kl-term.yaml",
    QUESTIONS / "generative" / "elbo-derivation.yaml",
    QUESTIONS / "generative" / "diffusion-mse.yaml",
]
MY_FILES = [CORRUPTION_FILE, *CONCEPTUAL_FILES]
EXPECTED_MARKS = {
    "pretraining/bart-t5-corruption": 3,
    "rlhf/policy-gradient-vs-ce": 2,
    "generative/vae-kl-term": 2,
    "generative/elbo-derivation": 4,
    "generative/diffusion-mse": 4,
}

MASK = "<mask>"
SENTINEL = re.compile(r"^<extra_id_(\d+)>$")

text_tasks = load_module(BANK / "solvers" / "text_tasks.py")


def read_yaml(path: Path) -> dict[str, Any]:
    """Parse one YAML file."""
    with path.open(encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def positions(spans: Sequence[Sequence[int]]) -> list[int]:
    """1-based positions of the corrupted words."""
    return [start + k for start, length in spans for k in range(length)]


def check_corruption(sentence: str, spans: Sequence[Sequence[int]], answers: Mapping[str, Any]) -> None:
    """Re-derive every property of the four corrupted sequences from the sentence and the spans alone."""
    words = sentence.split()
    n = len(words)
    corrupted = positions(spans)
    span_words = [words[start - 1 : start - 1 + length] for start, length in spans]

    # Token masking: same length, masks exactly at the corrupted positions, other words untouched.
    masked = answers["bart_token_masking"].split(" ")
    assert len(masked) == n
    assert [i + 1 for i, t in enumerate(masked) if t == MASK] == corrupted
    assert all(t == w for t, w in zip(masked, words, strict=True) if t != MASK)

    # Text infilling: one mask per span, shorter input whenever a span has two or more words.
    infilled = answers["bart_text_infilling"].split(" ")
    assert infilled.count(MASK) == len(spans)
    assert len(infilled) == n - sum(length - 1 for _, length in spans)
    assert len(infilled) < n
    assert answers["bart_text_infilling"] != answers["bart_token_masking"]
    filled = iter(span_words)
    assert [w for t in infilled for w in (next(filled) if t == MASK else [t])] == words

    # T5: the input holds sentinels 0..m-1 in order; the target is sentinel, span, ..., final sentinel m.
    t5_input = answers["t5_input"].split(" ")
    target = answers["t5_target"].split(" ")
    input_ids = [int(m.group(1)) for t in t5_input if (m := SENTINEL.match(t))]
    assert input_ids == list(range(len(spans)))
    assert MASK not in t5_input and MASK not in target
    target_ids = [int(m.group(1)) for t in target if (m := SENTINEL.match(t))]
    assert target_ids == list(range(len(spans) + 1))
    assert SENTINEL.match(target[0]) and target[-1] == f"<extra_id_{len(spans)}>"
    dropped: dict[str, list[str]] = {}
    current = None
    for token in target[:-1]:
        if SENTINEL.match(token):
            current = token
            dropped[current] = []
        else:
            dropped[str(current)].append(token)
    assert list(dropped.values()) == span_words
    rebuilt = [w for t in t5_input for w in (dropped[t] if SENTINEL.match(t) else [t])]
    assert rebuilt == words
    assert len(t5_input) == len(infilled)

    assert answers["closer_to_t5"] == "text infilling"


def solve(sentence: str, spans: Sequence[Sequence[int]]) -> Mapping[str, Any]:
    """Call the solver directly on hand-written parameters (lists passed as tuples, as the core does)."""
    params: dict[str, Any] = {"sentence": sentence}
    params["tokens"] = tuple(text_tasks.sentence_tokens(params))
    params["spans"] = tuple(tuple(s) for s in spans)
    return text_tasks.bart_t5_corruption(params).answers


def valid_parameter_sets() -> Iterator[tuple[str, list[list[int]]]]:
    """Every (sentence, spans) the question can draw, enumerated from its YAML ranges and constraints."""
    params = read_yaml(CORRUPTION_FILE)["params"]

    def values(name: str) -> range:
        return range(params[name]["min"], params[name]["max"] + 1)

    for sentence, n_spans, start1, len1, gap, len2 in itertools.product(
        params["sentence"]["choices"],
        params["n_spans"]["choices"],
        values("start1"),
        values("len1"),
        values("gap"),
        values("len2"),
    ):
        n = len(sentence.split())
        spans = [[start1, len1]] if n_spans == 1 else [[start1, len1], [start1 + len1 + gap, len2]]
        lengths = [length for _, length in spans]
        inside = all(s + length - 1 <= n for s, length in spans)
        if inside and max(lengths) >= 2 and sum(lengths) <= n - 2:
            yield sentence, spans


def test_canonical_by_hand() -> None:
    """The paper's sentence with 'went to' corrupted gives the textbook answers."""
    answers = solve("I went to the store", [[2, 2]])
    assert answers["bart_token_masking"] == "I <mask> <mask> the store"
    assert answers["bart_text_infilling"] == "I <mask> the store"
    assert answers["t5_input"] == "I <extra_id_0> the store"
    assert answers["t5_target"] == "<extra_id_0> went to <extra_id_1>"
    assert answers["closer_to_t5"] == "text infilling"
    check_corruption("I went to the store", [[2, 2]], answers)


def test_two_spans_by_hand() -> None:
    """Two spans get two sentinels; the target closes with the third."""
    sentence = "The old man fed the pigeons every morning"
    answers = solve(sentence, [[1, 1], [4, 2]])
    assert answers["bart_token_masking"] == "<mask> old man <mask> <mask> pigeons every morning"
    assert answers["bart_text_infilling"] == "<mask> old man <mask> pigeons every morning"
    assert answers["t5_input"] == "<extra_id_0> old man <extra_id_1> pigeons every morning"
    assert answers["t5_target"] == "<extra_id_0> The <extra_id_1> fed the <extra_id_2>"
    check_corruption(sentence, [[1, 1], [4, 2]], answers)


def test_every_drawable_parameter_set() -> None:
    """All parameter sets allowed by the YAML's ranges and constraints pass the independent checks."""
    cases = list(valid_parameter_sets())
    assert len(cases) > 300
    assert any(len(spans) == 2 for _, spans in cases)
    for sentence, spans in cases:
        check_corruption(sentence, spans, solve(sentence, spans))


@pytest.mark.parametrize(
    "spans",
    [[[0, 2]], [[4, 3]], [[1, 2], [3, 1]], [[3, 1], [1, 2]], [[2, 0]], []],
    ids=["before-start", "past-end", "adjacent", "out-of-order", "empty-span", "no-span"],
)
def test_bad_spans_are_rejected(spans: list[list[int]]) -> None:
    """The solver refuses spans outside the sentence, touching, out of order or empty."""
    with pytest.raises(ValueError):
        solve("I went to the store", spans)


def test_bank_variants() -> None:
    """200 seeds plus the canonical variant drawn by the core pass the independent checks."""
    from qbank.testing import bank_variants

    variants = list(bank_variants(BANK, QUESTION_ID, count=200))
    assert len(variants) == 201
    span_counts, sentences = set(), set()
    for variant in variants:
        p = variant.params
        assert list(p["tokens"]) == p["sentence"].split()
        check_corruption(p["sentence"], p["spans"], variant.answers)
        span_counts.add(len(p["spans"]))
        sentences.add(p["sentence"])
    canonical = [v for v in variants if v.canonical]
    assert len(canonical) == 1
    assert canonical[0].params["sentence"] == "I went to the store"
    assert canonical[0].answers["t5_target"] == "<extra_id_0> went to <extra_id_1>"
    assert span_counts == {1, 2}
    assert len(sentences) >= 8


@pytest.mark.parametrize("path", MY_FILES, ids=lambda p: p.stem)
def test_rubric_adds_up_to_marks(path: Path) -> None:
    """Rubric points sum to the question's marks, which match the seed paper."""
    question = read_yaml(path)
    assert question["rubric"], "every text or conceptual question needs a rubric"
    total = sum(item["points"] for item in question["rubric"])
    assert math.isclose(total, question["marks"])
    assert question["marks"] == EXPECTED_MARKS[question["id"]]


@pytest.mark.parametrize("path", CONCEPTUAL_FILES, ids=lambda p: p.stem)
def test_conceptual_questions_have_no_numbers(path: Path) -> None:
    """Conceptual questions: no parameters, no solver, no answers, but a model answer."""
    question = read_yaml(path)
    assert question["params"] == {}
    assert question.get("answers", {}) == {}
    assert "solver" not in question
    assert question["solution"].strip()


@pytest.mark.parametrize("path", CONCEPTUAL_FILES, ids=lambda p: p.stem)
def test_conceptual_math_uses_known_commands(path: Path) -> None:
    """Every formula parses, and no LaTeX command is left unknown (ziamath would print it as text)."""
    from ziamath.tex import tex2mml

    question = read_yaml(path)
    for field in ("text", "solution"):
        formulas = re.findall(r"\$\$(.+?)\$\$|\$(.+?)\$", question[field], flags=re.DOTALL)
        for display, inline in formulas:
            latex = display or inline
            mathml = tex2mml(latex, inline=not display)
            leftover = re.sub(r"<[^>]+>", "", mathml)
            assert "\\" not in leftover, f"unknown command in {latex!r}"
