"""Solvers for the numeric deep-learning questions: skip-gram, masked attention, decoding, scaling, RLHF,
QLoRA quantization and the diffusion prior."""

from __future__ import annotations

import math
import operator
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from qbank.registry import Solution, param_function, solver

Params = Mapping[str, Any]


def _softmax(scores: Sequence[float]) -> list[float]:
    """Numerically stable softmax of a list of scores."""
    return _softmax_logsumexp(scores)[0]


def _softmax_logsumexp(scores: Sequence[float]) -> tuple[list[float], float]:
    """Numerically stable softmax of a list of scores, and log(sum(exp(scores))) without overflow."""
    top = max(scores)
    exps = [math.exp(s - top) for s in scores]
    total = math.fsum(exps)
    return [e / total for e in exps], top + math.log(total)


# --- Q4: skip-gram forward pass -----------------------------------------------------------------------------


@solver("embeddings.skipgram_forward")
def skipgram_forward(p: Params) -> Solution:
    """Forward pass of skip-gram for one window: one-hot input, hidden layer, scores, softmax and loss."""
    vocab = list(p["vocab"])
    in_vectors = [tuple(map(int, v)) for v in p["in_vectors"]]
    out_vectors = [tuple(map(int, v)) for v in p["out_vectors"]]
    window = list(p["window"])
    middle = len(window) // 2
    centre = window[middle]
    context = window[:middle] + window[middle + 1 :]
    c = vocab.index(centre)

    one_hot = tuple([1 if i == c else 0 for i in range(len(vocab))])
    hidden = in_vectors[c]
    if any(len(out) != len(hidden) for out in out_vectors):
        raise ValueError("every out-vector must have the length of the in-vectors")
    scores = tuple([sum(map(operator.mul, out, hidden)) for out in out_vectors])
    probs, lse = _softmax_logsumexp(scores)
    top = max(scores)
    exps = list(map(math.exp, scores))
    exp_sum = math.fsum(exps)

    context_rows = []
    for word in context:
        j = vocab.index(word)
        context_rows.append(
            {"word": word, "score": scores[j], "prob": probs[j], "loss": lse - scores[j], "index": j + 1}
        )
    loss = math.fsum([r["loss"] for r in context_rows])

    rows = [
        {
            "word": w,
            "out": list(out_vectors[i]),
            "score": scores[i],
            "exp": exps[i],
            "prob": probs[i],
            "context": w in context,
        }
        for i, w in enumerate(vocab)
    ]
    steps = {
        "centre": centre,
        "centre_index": c + 1,
        "context": context,
        "hidden": list(hidden),
        "rows": rows,
        "exp_sum": exp_sum,
        "log_exp_sum": lse,
        "max_score": top,
        "context_rows": context_rows,
        "context_score_sum": sum([r["score"] for r in context_rows]),
    }
    return Solution(
        answers={
            "one_hot": one_hot,
            "hidden": tuple(hidden),
            "scores": scores,
            "probabilities": tuple(probs),
            "loss": loss,
        },
        steps=steps,
    )


# --- Q5: masked multi-head self-attention -------------------------------------------------------------------


def _embeddings(p: Params) -> list[list[int]]:
    """Each word's 4-d embedding: its in-vector followed by its out-vector."""
    return _first_embeddings(p["in_vectors"], p["out_vectors"], len(p["sentence"]))


def _first_embeddings(ins: Any, outs: Any, count: int) -> list[list[int]]:
    """The embeddings (in-vector, then out-vector) of the first `count` words."""
    return [[*map(int, ins[i]), *map(int, outs[i])] for i in range(count)]


def _visible_scores(p: Params) -> list[list[int]]:
    """Per head, the target word's unscaled attention scores against the words it may see (itself included)."""
    t = int(p["target"])
    visible = _first_embeddings(p["in_vectors"], p["out_vectors"], t)
    seen = visible[t - 1]
    scores = []
    for qd, kd in zip(p["heads"]["query"], p["heads"]["key"], strict=True):
        pairs = [(seen[int(q) - 1], int(k) - 1) for q, k in zip(qd, kd, strict=True)]
        scores.append([sum([q * e[k] for q, k in pairs]) for e in visible])  # whole numbers: exact in any order
    return scores


def _mha_heads(p: Params, embeddings: list[list[int]]) -> list[dict[str, Any]]:
    """Per-head query/key/value matrices, masked scores, weights and output for the target word."""
    t = int(p["target"])
    value_dims = ((1, 2), (3, 4))
    heads = []
    for h in range(2):
        qd = [int(d) for d in p["heads"]["query"][h]]
        kd = [int(d) for d in p["heads"]["key"][h]]
        vd = value_dims[h]
        if len(qd) != len(kd):
            raise ValueError(f"head {h + 1}: query and key dimensions differ in number")
        q = [[e[d - 1] for d in qd] for e in embeddings]
        k = [[e[d - 1] for d in kd] for e in embeddings]
        v = [[e[d - 1] for d in vd] for e in embeddings]
        d_k = len(qd)
        raw = [sum(map(operator.mul, q[t - 1], row)) for row in k]
        root = math.sqrt(d_k)
        scaled_full = [r / root if j < t else None for j, r in enumerate(raw)]
        scaled = scaled_full[:t]
        weights = _softmax(scaled)
        visible_values = v[:t]
        output = [
            math.fsum([w * row[i] for w, row in zip(weights, visible_values, strict=True)]) for i in range(len(vd))
        ]
        heads.append(
            {
                "head": h + 1,
                "query_dims": qd,
                "key_dims": kd,
                "value_dims": list(vd),
                "Q": q,
                "K": k,
                "V": v,
                "q": q[t - 1],
                "K_visible": k[:t],
                "V_visible": visible_values,
                "raw": raw[:t],
                "raw_full": [r if j < t else None for j, r in enumerate(raw)],
                "scaled": scaled,
                "scaled_full": scaled_full,
                "weights": weights,
                "output": output,
                "d_k": d_k,
            }
        )
    return heads


@param_function("transformer.mha_score_gap")
def mha_score_gap(p: Params) -> int:
    """Smallest difference between two unscaled attention scores of the target word, over both heads."""
    gaps = []
    for raw in _visible_scores(p):
        gaps += [abs(a - b) for i, a in enumerate(raw) for b in raw[i + 1 :]]
    return min(gaps) if gaps else 0


@param_function("transformer.mha_score_spread")
def mha_score_spread(p: Params) -> int:
    """Largest spread (max - min) of the target word's unscaled attention scores, over both heads."""
    return max(max(raw) - min(raw) for raw in _visible_scores(p))


@solver("transformer.masked_mha")
def masked_mha(p: Params) -> Solution:
    """Two-head causal scaled dot-product self-attention output for one word, heads concatenated."""
    embeddings = _embeddings(p)
    heads = _mha_heads(p, embeddings)
    sentence = list(p["sentence"])
    t = int(p["target"])
    output = tuple(heads[0]["output"] + heads[1]["output"])
    return Solution(
        answers={
            "weights_1": tuple(heads[0]["weights"]),
            "weights_2": tuple(heads[1]["weights"]),
            "head_1": tuple(heads[0]["output"]),
            "head_2": tuple(heads[1]["output"]),
            "output": output,
        },
        steps={
            "target_word": sentence[t - 1],
            "visible": sentence[:t],
            "masked": sentence[t:],
            "embeddings": embeddings,
            "heads": heads,
        },
    )


# --- Q6a: beam search hypotheses ----------------------------------------------------------------------------


@solver("decoding.beam_hypotheses")
def beam_hypotheses(p: Params) -> Solution:
    """Hypotheses scored by step t when each hypothesis is expanded by its b best next tokens."""
    b, t = int(p["beam"]), int(p["step"])
    per_step = [b] + [b * b] * (t - 1)
    rows, total = [], 0
    for i, new in enumerate(per_step):
        total += new
        rows.append({"step": i + 1, "new": new, "total": total})
    return Solution(answers={"hypotheses": total}, steps={"rows": rows, "b_squared": b * b})


# --- Q6b: top-k and top-p sampling --------------------------------------------------------------------------


@param_function("decoding.percent_distribution")
def percent_distribution(p: Params) -> tuple[int, ...]:
    """Integer weights rescaled to whole percentages summing to 100 (largest-remainder rounding)."""
    weights = [int(w) for w in p["weights"]]
    total = sum(weights)
    exact = [100 * w / total for w in weights]
    floors = list(map(math.floor, exact))
    short = 100 - sum(floors)
    # Largest remainder first, ties in index order: a stable sort on floor - exact (= -(exact - floor) exactly).
    order = sorted(range(len(weights)), key=[f - x for f, x in zip(floors, exact, strict=True)].__getitem__)
    for i in order[:short]:
        floors[i] += 1
    return tuple(floors)


@solver("decoding.topk_topp")
def topk_topp(p: Params) -> Solution:
    """Top-k renormalised distribution and top-p (smallest set with cumulative probability >= p) nucleus."""
    tokens = list(p["tokens"])
    percent = [int(x) for x in p["percent"]]
    k = int(p["k"])
    p_percent = round(float(p["p"]) * 100)
    order = sorted(range(len(tokens)), key=percent.__getitem__, reverse=True)  # stable: ties keep token order
    ranked, cum = [], 0
    for rank, i in enumerate(order):
        cum += percent[i]
        ranked.append({"rank": rank + 1, "token": tokens[i], "prob": percent[i] / 100, "cum": cum / 100})
    nucleus_size = next(r["rank"] for r in ranked if round(r["cum"] * 100) >= p_percent)

    topk_set = set(order[:k])
    topp_set = set(order[:nucleus_size])
    topk_mass = sum(percent[i] for i in topk_set)
    topp_mass = sum(percent[i] for i in topp_set)
    topk = tuple(percent[i] / topk_mass if i in topk_set else 0.0 for i in range(len(tokens)))
    topp = tuple(percent[i] / topp_mass if i in topp_set else 0.0 for i in range(len(tokens)))
    for r, i in zip(ranked, order, strict=True):
        r["topk"] = topk[i]
        r["topp"] = topp[i]
        r["in_topk"] = i in topk_set
        r["in_topp"] = i in topp_set
    return Solution(
        answers={"topk_probs": topk, "topp_probs": topp, "nucleus_size": nucleus_size},
        steps={
            "ranked": ranked,
            "topk_mass": topk_mass / 100,
            "topp_mass": topp_mass / 100,
            "topk_tokens": [tokens[i] for i in order[:k]],
            "topp_tokens": [tokens[i] for i in order[:nucleus_size]],
            "cum_before": ranked[nucleus_size - 2]["cum"] if nucleus_size > 1 else 0.0,
        },
    )


# --- Q7b: compute-optimal scaling ---------------------------------------------------------------------------


@solver("scaling.compute_optimal_split")
def compute_optimal_split(p: Params) -> Solution:
    """Model-size and data multipliers X = M^a and Y = M^b for a compute multiplier M."""
    law = p["law"]
    a = law["a"][0] / law["a"][1]
    b = law["b"][0] / law["b"][1]
    m = int(p["mantissa"]) * 10 ** int(p["power"])
    log_m = math.log10(m)
    x, y = 10 ** (a * log_m), 10 ** (b * log_m)
    return Solution(
        answers={"x": x, "y": y},
        steps={"log_m": log_m, "a": a, "b": b, "log_x": a * log_m, "log_y": b * log_m, "m": m},
    )


# --- Q8a / Q8c: RLHF ----------------------------------------------------------------------------------------


def _softplus(x: float) -> float:
    """log(1 + exp(x)) without overflow."""
    return max(x, 0.0) + math.log1p(math.exp(-abs(x)))


@solver("rlhf.reward_model_loss")
def reward_model_loss(p: Params) -> Solution:
    """Pairwise (Bradley-Terry) reward-model loss -log sigma(r_w - r_l) for one comparison."""
    margin = float(p["r_w"]) - float(p["r_l"])
    loss = _softplus(-margin)
    prob = 1 / (1 + math.exp(-margin))
    return Solution(
        answers={"margin": margin, "preference_prob": prob, "loss": loss},
        steps={"exp_neg_margin": math.exp(-margin)},
    )


@solver("rlhf.kl_penalized_reward")
def kl_penalized_reward(p: Params) -> Solution:
    """RLHF reward R(s) = RM(s) - beta (log p_RL(s) - log p_SFT(s))."""
    beta, rm = float(p["beta"]), float(p["rm"])
    log_ratio = float(p["logp_rl"]) - float(p["logp_sft"])
    penalty = beta * log_ratio
    return Solution(
        answers={"log_ratio": log_ratio, "penalty": penalty, "reward": rm - penalty},
        steps={"prob_ratio": math.exp(log_ratio)},
    )


# --- Q9a: QLoRA-style 2-bit absmax quantization -------------------------------------------------------------


def _nearest(distances: Sequence[float]) -> tuple[int, float]:
    """Index of the smallest distance (the first, on a tie) and the margin to the second smallest."""
    first, second = sorted(range(len(distances)), key=distances.__getitem__)[:2]
    return first, distances[second] - distances[first]


@param_function("peft.qlora_margin")
def qlora_margin(p: Params) -> float:
    """Smallest gap between the nearest and second-nearest code distance over the normalised inputs."""
    x = [int(v) for v in p["x"]]
    absmax = max(abs(v) for v in x)
    if absmax == 0:
        return 0.0
    codebook = p["codebook"]
    if len(codebook) < 2:
        return round(min([_nearest([abs(v / absmax - c) for c in codebook])[1] for v in x]), 9)  # fails as ever
    gaps = []
    for v in x:  # `_nearest`'s margin: the second smallest distance minus the smallest
        smallest, second = sorted([abs(v / absmax - c) for c in codebook])[:2]
        gaps.append(second - smallest)
    return round(min(gaps), 9)


@solver("peft.qlora_quantize")
def qlora_quantize(p: Params) -> Solution:
    """Absmax 2-bit quantization against a 4-value codebook, and dequantization."""
    x = [int(v) for v in p["x"]]
    codebook = [float(c) for c in p["codebook"]]
    absmax = max(abs(v) for v in x)
    rows = []
    for v in x:
        normalised = v / absmax
        distances = [abs(normalised - c) for c in codebook]
        index, _ = _nearest(distances)
        deq = round(codebook[index] * absmax, 9)
        rows.append(
            {
                "x": v,
                "normalised": normalised,
                "distances": distances,
                "index": index,
                "bits": format(index, "02b"),
                "code": codebook[index],
                "dequantized": deq,
                "error": deq - v,
            }
        )
    return Solution(
        answers={
            "absmax": absmax,
            "codes": tuple(r["index"] for r in rows),
            "dequantized": tuple(r["dequantized"] for r in rows),
        },
        steps={"rows": rows, "bits": " ".join(r["bits"] for r in rows)},
    )


# --- Q10d: diffusion prior ----------------------------------------------------------------------------------


def _schedule_sums(b1: float, bt: float, t: int) -> tuple[float, float]:
    """Sum of log(1 - beta_t) and of beta_t^2 over a linear schedule of t betas (exactly rounded sums)."""
    betas = np.linspace(b1, bt, t).tolist()
    return math.fsum(map(math.log1p, [-b for b in betas])), math.fsum([b * b for b in betas])


@solver("generative.diffusion_prior")
def diffusion_prior(p: Params) -> Solution:
    """Signal level of a linear beta schedule, estimated with ln(1 - beta) ~ -beta as the question asks,
    showing q(z_T | x) is close to N(0, I); the exact product is a worked step."""
    b1, bt, t = float(p["beta_1"]), float(p["beta_T"]), int(p["T"])
    log_alpha_bar, sum_beta_sq = _schedule_sums(b1, bt, t)
    alpha_bar = math.exp(log_alpha_bar)
    sum_beta = t * (b1 + bt) / 2
    first = math.exp(-sum_beta)
    sqrt_first = math.exp(-sum_beta / 2)
    second = math.exp(-sum_beta - sum_beta_sq / 2)
    return Solution(
        answers={"sum_beta": sum_beta, "alpha_T": first, "sqrt_alpha_T": sqrt_first},
        steps={
            "alpha_bar": alpha_bar,
            "sqrt_first_order": sqrt_first,
            "estimate_error_percent": 100 * (first / alpha_bar - 1),
            "log_alpha_bar": log_alpha_bar,
            "sum_beta_sq": sum_beta_sq,
            "first_order": first,
            "second_order": second,
            "noise_std": math.sqrt(1 - alpha_bar),
            "delta": (bt - b1) / (t - 1),
        },
    )
