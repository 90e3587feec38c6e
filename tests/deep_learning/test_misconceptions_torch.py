"""Independent checks of the deep-learning bank's misconceptions: each named mistake is made again with real
PyTorch modules (a GRU for "3 gates", a unidirectional LSTM for "one direction", batch norm's buffers for "running
statistics", `bias=True` for "added biases", a simulated beam search, torch's top-p masking, cross-entropy with
the wrong reduction or logarithm, ...) and compared with the registered function's value on that variant
(`Variant.mistakes`), over 200 seeds plus the canonical variant. Nothing here shares code with the bank's modules.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Mapping
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from qbank.solve.variant import Variant
from qbank.testing import bank_variants, cached_bank

from .mistakes_counts import BERT, BILSTM, BOTTLENECK, LORA, NLM, PLAIN, VGG, Oracle
from .mistakes_models import BEAM, POSITIONS, SKIPGRAM, T5_MISTAKES, TOPP, VIT
from .oracle import import_torch

torch = import_torch()

BANK = Path(__file__).resolve().parents[2] / "banks" / "deep-learning"
COUNT = 200


@cache
def variants(question_id: str) -> tuple[Variant, ...]:
    """Seeds 0..COUNT-1 plus the canonical variant."""
    found = tuple(bank_variants(BANK, question_id, count=COUNT))
    assert len(found) == COUNT + 1 and found[-1].canonical
    return found


def mistakes_of(question_id: str, answer: str) -> Iterator[tuple[Variant, dict[str, Any]]]:
    """Every variant with its misconceptions' values for `answer`, by name."""
    for v in variants(question_id):
        yield v, {m.name: m.value for m in v.mistakes[answer]}


def where(v: Variant, name: str) -> str:
    """Identify a variant and misconception in an assertion message."""
    return f"{name}: {v.question_id} seed={v.exam_seed} canonical={v.canonical} params={dict(v.params)}"


# --- The checks ----------------------------------------------------------------------------------------------------

ORACLES: dict[tuple[str, str], dict[str, Oracle]] = {
    ("cnn/vgg-params", "total_params"): VGG,
    ("cnn/bottleneck-params", "plain_total"): PLAIN,
    ("cnn/bottleneck-params", "bottleneck_total"): BOTTLENECK,
    ("nlm/fixed-window-params", "total"): NLM,
    ("rnn/bilstm-ner-params", "total"): BILSTM,
    ("transformer/bert-head-params", "total"): BERT,
    ("transformer/t5-params", "total"): T5_MISTAKES,
    ("vision/vit-embedding-params", "pos_embedding"): POSITIONS,
    ("vision/vit-embedding-params", "input_representation"): VIT,
    ("peft/prefix-lora-adapter-params", "lora_per_user"): LORA,
    ("decoding/beam-hypotheses", "hypotheses"): BEAM,
    ("decoding/topk-topp", "nucleus_size"): TOPP,
    ("embeddings/skipgram-forward", "loss"): SKIPGRAM,
}
SLOW = {  # over 2 s each on a quiet 2-core machine (T5 ~15 s, beam search ~7 s, VGG ~5 s)
    "cnn/vgg-params", "transformer/t5-params", "decoding/beam-hypotheses", "embeddings/skipgram-forward",
    "vision/vit-embedding-params",
}  # fmt: skip
PREMISES: dict[str, Callable[[Mapping[str, Any]], bool]] = {  # where a mistake can happen at all (default: always)
    "transformer.t5_tied_head_counted": lambda p: p["tie_lm_head"],
    "vision.vit_no_channels": lambda p: p["channels"] > 1,
}


def test_every_misconception_of_the_bank_has_an_oracle() -> None:
    bank = cached_bank(str(BANK.resolve()))
    listed = {(qid, answer): {entry.name for entry in entries}
              for qid, question in bank.questions.items() for answer, entries in question.mistakes.items()}  # fmt: skip
    assert listed == {key: set(oracles) for key, oracles in ORACLES.items()}


@pytest.mark.parametrize(
    ("question_id", "answer"),
    [pytest.param(*key, marks=pytest.mark.slow) if key[0] in SLOW else key for key in ORACLES],
    ids=[f"{key[0]}:{key[1]}" for key in ORACLES],
)
def test_misconceptions_match_torch(question_id: str, answer: str) -> None:
    oracles = ORACLES[(question_id, answer)]
    differs, applies = dict.fromkeys(oracles, 0), dict.fromkeys(oracles, 0)
    for v, values in mistakes_of(question_id, answer):
        assert set(values) == set(oracles), where(v, "names")
        for name, oracle in oracles.items():
            expected = oracle(v.params)
            if isinstance(values[name], int):
                assert values[name] == expected, where(v, name)
            else:
                assert math.isclose(values[name], expected, rel_tol=1e-12, abs_tol=1e-12), where(v, name)
            if PREMISES.get(name, lambda p: True)(v.params):
                applies[name] += 1
                differs[name] += values[name] != v.answers[answer]
    assert all(differs[name] > applies[name] / 2 > COUNT / 4 for name in oracles), (differs, applies)
