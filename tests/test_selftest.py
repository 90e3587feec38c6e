"""Self-tests per answer type: a generated correct response is accepted, generated wrong ones are rejected.

Two layers, as PrairieLearn's element self-tests: `formats.self_test` generates responses for every answer
format (notations, values inside the tolerance, typical slips outside it), run over real variants of both
banks; and a table of the typical conceptual mistakes of the deep-learning questions (a missing bias, three
LSTM gates instead of four, an unnormalized distribution, ...) must all be rejected by `formats.check`.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from typing import Any

import pytest

from qbank.solve.answer_checks import self_test
from qbank.solve.formats import check, format_answer, tolerance_of
from qbank.spec.choice_decl import WRITTEN_FORMATS
from qbank.spec.models import AnswerSpec
from qbank.testing import bank_variants, cached_bank

from .conftest import DL_BANK, SAMPLE_BANK

SEEDS = 40
Mistake = Callable[[Mapping[str, Any], Mapping[str, Any]], Any]  # (params, true answers) -> a wrong answer


def questions(bank: Any) -> list[str]:
    return sorted(cached_bank(str(bank)).questions)


@pytest.mark.parametrize(
    ("bank", "question_id"),
    [(SAMPLE_BANK, q) for q in questions(SAMPLE_BANK)] + [(DL_BANK, q) for q in questions(DL_BANK)],
)
def test_generated_responses_get_their_expected_grade(bank, question_id):
    question = cached_bank(str(bank)).question(question_id)
    graded = 0
    free = {name: spec for name, spec in question.spec.answers.items() if spec.format not in WRITTEN_FORMATS}
    for variant in bank_variants(bank, question_id, SEEDS):  # written options are graded by letters, per paper
        for name, spec in free.items():
            value = variant.answers[name]
            cases = self_test(spec, value)
            assert any(accepted for _, accepted, _ in cases) and any(not accepted for _, accepted, _ in cases)
            for response, accepted, what in cases:
                assert check(spec, value, response) == accepted, (name, what, response, value)
                graded += 1
    if free:
        assert graded > 0


FORMATS = [
    ({"format": "int"}, 2359296),
    ({"format": "int"}, -7),
    ({"format": "fixed", "decimals": 3}, 0.88079707),
    ({"format": "fixed", "decimals": 1, "tolerance": {"abs": 0.2}}, -12.25),
    ({"format": "sig", "sig": 3}, 4.0358e-5),
    ({"format": "sig", "sig": 3, "tolerance": {"rel": 0.01}}, 32_727_040),
    ({"format": "vector", "decimals": 3}, (0.25, 0.125, 0.625)),
    ({"format": "vector", "decimals": 0}, (1, -2, 3)),
    ({"format": "matrix", "decimals": 1}, ((1, 2.25), (3, 4))),
    ({"format": "text"}, "<extra_id_0> went to <extra_id_1>"),
]


@pytest.mark.parametrize(("declaration", "value"), FORMATS)
def test_every_format_has_accepted_and_rejected_self_tests(declaration, value):
    spec = AnswerSpec(label="x", **declaration)
    cases = self_test(spec, value)
    kinds = {what for _, _, what in cases}
    assert "the key" in kinds and "no answer" in kinds
    if spec.format != "text":
        assert "off by more than the tolerance" in kinds
    for response, accepted, what in cases:
        assert check(spec, value, response) == accepted, (what, response)


def test_a_distribution_self_test_includes_unnormalized_slips():
    spec = AnswerSpec(label="p", format="vector", decimals=3)
    kinds = {what for _, accepted, what in self_test(spec, (0.2, 0.3, 0.5)) if not accepted}
    assert "an unnormalized distribution (divided by the largest)" in kinds
    assert "percentages instead of probabilities" in kinds


# --- Typical mistakes of the deep-learning questions --------------------------------------------------------


def lstm_three_gates(p: Mapping[str, Any], a: Mapping[str, Any]) -> int:
    """Three gates instead of four: 3 (h d + h h) for the forward LSTM."""
    h, d = p["h_fwd"], p["emb_dim"]
    return 3 * (h * d + h * h)


def vgg_without_biases(p: Mapping[str, Any], a: Mapping[str, Any]) -> int:
    """Forgets every bias."""
    return a["conv_weights"] + a["fc_weights"]


def bert_without_bias(p: Mapping[str, Any], a: Mapping[str, Any]) -> int:
    """Forgets the classifier bias."""
    return p["hidden"] * p["classes"]


def topk_unnormalized(p: Mapping[str, Any], a: Mapping[str, Any]) -> tuple[float, ...]:
    """Keeps the top-k probabilities but does not renormalise them."""
    return tuple(pc / 100 if q > 0 else 0.0 for pc, q in zip(p["percent"], a["topk_probs"], strict=True))


def topp_unnormalized(p: Mapping[str, Any], a: Mapping[str, Any]) -> tuple[float, ...]:
    """Keeps the nucleus probabilities but does not renormalise them."""
    return tuple(pc / 100 if q > 0 else 0.0 for pc, q in zip(p["percent"], a["topp_probs"], strict=True))


def skipgram_unnormalized(p: Mapping[str, Any], a: Mapping[str, Any]) -> tuple[float, ...]:
    """exp(score) without dividing by the sum (no softmax denominator)."""
    return tuple(math.exp(s) for s in a["scores"])


def vit_without_class_position(p: Mapping[str, Any], a: Mapping[str, Any]) -> int:
    """Forgets the position of the class token: N D instead of (N + 1) D."""
    return a["num_patches"] * p["dim"]


def t5_counts_tied_head(p: Mapping[str, Any], a: Mapping[str, Any]) -> int:
    """Counts the LM head although it is tied to the embedding."""
    return a["total"] + (a["embedding"] if p["tie_lm_head"] else 0)


def reward_loss_wrong_sign(p: Mapping[str, Any], a: Mapping[str, Any]) -> float:
    """log sigma(margin) instead of -log sigma(margin)."""
    return -a["loss"]


def reward_prob_swapped(p: Mapping[str, Any], a: Mapping[str, Any]) -> float:
    """sigma(r_l - r_w): the probability of the wrong response."""
    return 1 - a["preference_prob"]


def diffusion_forgets_sqrt(p: Mapping[str, Any], a: Mapping[str, Any]) -> float:
    """Gives alpha_T as the signal scale instead of its square root."""
    return a["alpha_T"]


def kl_penalty_added(p: Mapping[str, Any], a: Mapping[str, Any]) -> float:
    """Adds the KL penalty instead of subtracting it."""
    return p["rm"] + a["penalty"]


def fixed_window_without_window(p: Mapping[str, Any], a: Mapping[str, Any]) -> int:
    """Feeds one embedding instead of the concatenated window: d h hidden weights."""
    return p["emb_dim"] * p["hidden"]


def bilstm_bio_tags(p: Mapping[str, Any], a: Mapping[str, Any]) -> int:
    """Uses 2k tags, forgetting the O tag."""
    return 2 * len(p["entity_types"]) if p["scheme"] == "BIO" else 4 * len(p["entity_types"])


def beam_counts_only_kept(p: Mapping[str, Any], a: Mapping[str, Any]) -> int:
    """Counts b hypotheses per step (the kept beam) instead of b * b expansions."""
    return p["beam"] * p["step"]


MISTAKES: list[tuple[str, str, Mistake]] = [
    ("rnn/bilstm-ner-params", "forward", lstm_three_gates),
    ("rnn/bilstm-ner-params", "n_tags", bilstm_bio_tags),
    ("cnn/vgg-params", "total_params", vgg_without_biases),
    ("transformer/bert-head-params", "total", bert_without_bias),
    ("decoding/topk-topp", "topk_probs", topk_unnormalized),
    ("decoding/topk-topp", "topp_probs", topp_unnormalized),
    ("decoding/beam-hypotheses", "hypotheses", beam_counts_only_kept),
    ("embeddings/skipgram-forward", "probabilities", skipgram_unnormalized),
    ("vision/vit-embedding-params", "pos_embedding", vit_without_class_position),
    ("transformer/t5-params", "total", t5_counts_tied_head),
    ("rlhf/reward-model", "loss", reward_loss_wrong_sign),
    ("rlhf/reward-model", "preference_prob", reward_prob_swapped),
    ("rlhf/kl-penalty", "reward", kl_penalty_added),
    ("generative/diffusion-prior", "sqrt_alpha_T", diffusion_forgets_sqrt),
    ("nlm/fixed-window-params", "hidden_weights", fixed_window_without_window),
]


def _differs(spec: AnswerSpec, true: Any, wrong: Any) -> bool:
    """Whether a mistaken value is a different answer at all (a missing bias is no mistake without biases)."""
    if spec.format in ("vector", "matrix"):
        return any(abs(float(t) - float(w)) > tolerance_of(spec, float(t)) for t, w in zip(true, wrong, strict=True))
    return abs(float(true) - float(wrong)) > tolerance_of(spec, float(true))


@pytest.mark.parametrize(("question_id", "answer", "mistake"), MISTAKES, ids=lambda x: getattr(x, "__name__", x))
def test_typical_mistakes_are_rejected(question_id, answer, mistake):
    spec = cached_bank(str(DL_BANK)).question(question_id).spec.answers[answer]
    exercised = total = 0
    for variant in bank_variants(DL_BANK, question_id, 100):
        total += 1
        true, wrong = variant.answers[answer], mistake(variant.params, variant.answers)
        assert check(spec, true, format_answer(spec, true))
        if not _differs(spec, true, wrong):
            continue
        exercised += 1
        for response in (format_answer(spec, wrong), wrong):
            assert not check(spec, true, response), (variant.exam_seed, response, format_answer(spec, true))
    assert exercised >= total // 3, f"the mistake differs from the answer in only {exercised} of {total} variants"
