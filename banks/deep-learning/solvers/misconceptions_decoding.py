"""Misconceptions of the decoding and skip-gram questions: each function returns the answer a student gets by
making one named mistake, computed directly from the parameters (CS60010 Q4, Q6a, Q6b)."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

from qbank.registry import misconception

Params = Mapping[str, Any]

# --- Q6a: beam search, hypotheses scored by step t -------------------------------------------------------------------


@misconception("decoding.beam_kept_only", "counted only the b hypotheses kept in the beam at each step")
def beam_kept_only(p: Params) -> int:
    """b per step."""
    return int(p["beam"]) * int(p["step"])


@misconception("decoding.beam_square_first_step", "expanded b hypotheses into b × b candidates at the first step too")
def beam_square_first_step(p: Params) -> int:
    """b^2 at every step."""
    return int(p["step"]) * int(p["beam"]) ** 2


@misconception("decoding.beam_no_pruning", "kept every candidate instead of pruning to b (b + b² + … + bᵗ)")
def beam_no_pruning(p: Params) -> int:
    """Every path expanded by its b best tokens: b^s new hypotheses at step s."""
    b = int(p["beam"])
    return sum(b**s for s in range(1, int(p["step"]) + 1))


@misconception("decoding.beam_current_step_missed", "did not count the candidates of the current step")
def beam_current_step_missed(p: Params) -> int:
    """Steps 1 to t - 1 only."""
    b = int(p["beam"])
    return b + (int(p["step"]) - 2) * b * b


# --- Q6b: top-p nucleus size ----------------------------------------------------------------------------------------


def _first_reaching(probs: Sequence[int], target: int) -> int:
    """How many entries, taken in the given order, it takes for their sum to reach `target`."""
    total = 0
    for count, value in enumerate(probs, start=1):
        total += value
        if total >= target:
            return count
    return len(probs)


@misconception("decoding.topp_exclusive", "kept only the tokens before the cumulative probability reaches p")
def topp_exclusive(p: Params) -> int:
    """Tokens, most probable first, whose cumulative probability stays below p."""
    ranked = sorted((int(x) for x in p["percent"]), reverse=True)
    total, kept = 0, 0
    for value in ranked:
        total += value
        if total >= int(p["p_percent"]):
            break
        kept += 1
    return kept


@misconception("decoding.topp_unsorted", "added up the probabilities in vocabulary order without sorting them first")
def topp_unsorted(p: Params) -> int:
    """Tokens in vocabulary order until the sum reaches p."""
    return _first_reaching([int(x) for x in p["percent"]], int(p["p_percent"]))


@misconception("decoding.topp_as_topk", "kept k tokens, as in top-k sampling")
def topp_as_topk(p: Params) -> int:
    """k."""
    return int(p["k"])


@misconception("decoding.topp_removed_count", "counted the tokens removed by top-p instead of those kept")
def topp_removed_count(p: Params) -> int:
    """Vocabulary size minus the nucleus."""
    ranked = sorted((int(x) for x in p["percent"]), reverse=True)
    return len(ranked) - _first_reaching(ranked, int(p["p_percent"]))


# --- Q4: skip-gram, total loss of the window ------------------------------------------------------------------------


def _centre_and_context(p: Params) -> tuple[int, list[int]]:
    """Vocabulary indices of the centre word and of the four context words."""
    vocab = list(p["vocab"])
    window = list(p["window"])
    return vocab.index(window[2]), [vocab.index(w) for w in window[:2] + window[3:]]


def _scores(vectors: Sequence[Sequence[int]], hidden: Sequence[int]) -> list[int]:
    """Dot product of every vector with the hidden layer."""
    return [sum(int(a) * int(b) for a, b in zip(v, hidden, strict=True)) for v in vectors]


def _softmax_losses(scores: Sequence[float], targets: Sequence[int]) -> list[float]:
    """-log softmax(scores)[o] for every target o, via log-sum-exp."""
    top = max(scores)
    lse = top + math.log(math.fsum(math.exp(s - top) for s in scores))
    return [lse - scores[o] for o in targets]


@misconception("embeddings.skipgram_mean", "averaged the four context-word losses instead of adding them")
def skipgram_mean(p: Params) -> float:
    """Mean cross-entropy over the context words."""
    centre, context = _centre_and_context(p)
    losses = _softmax_losses(_scores(p["out_vectors"], p["in_vectors"][centre]), context)
    return math.fsum(losses) / len(losses)


@misconception("embeddings.skipgram_log10", "used the base-10 logarithm instead of the natural logarithm")
def skipgram_log10(p: Params) -> float:
    """Sum of -log10 p(o | c)."""
    centre, context = _centre_and_context(p)
    losses = _softmax_losses(_scores(p["out_vectors"], p["in_vectors"][centre]), context)
    return math.fsum(losses) / math.log(10)


@misconception(
    "embeddings.skipgram_sigmoid", "scored each context word with a sigmoid instead of the vocabulary softmax"
)
def skipgram_sigmoid(p: Params) -> float:
    """Sum of -log sigmoid(u_o) over the context words."""
    centre, context = _centre_and_context(p)
    scores = _scores(p["out_vectors"], p["in_vectors"][centre])
    return math.fsum(math.log1p(math.exp(-scores[o])) for o in context)


@misconception("embeddings.skipgram_in_vectors", "scored the words with their in-vectors instead of their out-vectors")
def skipgram_in_vectors(p: Params) -> float:
    """Softmax cross-entropy with u_w = v_w . h, v_w the in-vectors."""
    centre, context = _centre_and_context(p)
    return math.fsum(_softmax_losses(_scores(p["in_vectors"], p["in_vectors"][centre]), context))
