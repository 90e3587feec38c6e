"""Independent verification of the numeric deep-learning questions (4, 5, 6a, 6b, 7b, 8a, 8c, 9a, 10d).

Every key is recomputed here without the solver's code: with torch (softmax, cross-entropy, scaled dot-product
attention, topk, logsigmoid, prod) or with plain arithmetic re-derived differently (a simulated beam search,
brute-force nearest codes). Each check runs over 200 seeds plus the canonical variant, whose answers are also
compared with values derived by hand from the paper's data.
"""

from __future__ import annotations

import math
import xml.etree.ElementTree as ET
from collections.abc import Mapping, Sequence
from fractions import Fraction
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from qbank.solve.formats import format_fixed
from qbank.solve.variant import Variant
from qbank.spec.modules import load_module
from qbank.testing import bank_variants

from .oracle import import_torch

torch = import_torch()
F = torch.nn.functional

BANK = Path(__file__).resolve().parents[2] / "banks" / "deep-learning"
COUNT = 200
DTYPE = torch.float64


@cache
def variants(question_id: str) -> tuple[Variant, ...]:
    """Seeds 0..COUNT-1 plus the canonical variant (last)."""
    found = tuple(bank_variants(BANK, question_id, count=COUNT))
    assert len(found) == COUNT + 1 and found[-1].canonical and not any(v.canonical for v in found[:-1])
    return found


def canonical(question_id: str) -> Variant:
    """The canonical variant."""
    return variants(question_id)[-1]


def where(v: Variant) -> str:
    """How to name a variant in an assertion message."""
    seed = getattr(v, "seed", getattr(v, "exam_seed", None))
    return f"{v.question_id} {'canonical' if v.canonical else f'seed {seed}'}: {dict(v.params)}"


def close(a: Sequence[float] | float, b: Sequence[float] | float, tol: float = 1e-9) -> bool:
    """Element-wise closeness of two numbers or flat sequences."""
    if isinstance(a, int | float):
        return math.isclose(a, float(b), rel_tol=tol, abs_tol=tol)
    if len(a) != len(b):
        return False
    return all(math.isclose(x, float(y), rel_tol=tol, abs_tol=tol) for x, y in zip(a, b, strict=True))


def tensor(values: Any) -> torch.Tensor:
    """A float64 tensor from nested tuples."""
    return torch.tensor(values, dtype=DTYPE)


# --- Q4: skip-gram ------------------------------------------------------------------------------------------


def test_skipgram_matches_torch_cross_entropy() -> None:
    for v in variants("embeddings/skipgram-forward"):
        p, a = v.params, v.answers
        vocab, window = list(p["vocab"]), list(p["window"])
        centre, context = window[2], window[:2] + window[3:]
        x = F.one_hot(torch.tensor(vocab.index(centre)), num_classes=len(vocab)).to(DTYPE)
        hidden = x @ tensor(p["in_vectors"])
        scores = tensor(p["out_vectors"]) @ hidden
        targets = torch.tensor([vocab.index(w) for w in context])
        loss = F.cross_entropy(scores.expand(len(context), -1), targets, reduction="sum")
        assert a["one_hot"] == tuple(int(i) for i in x.tolist()), where(v)
        assert a["hidden"] == tuple(int(h) for h in hidden.tolist()), where(v)
        assert a["scores"] == tuple(int(s) for s in scores.tolist()), where(v)
        assert close(a["probabilities"], torch.softmax(scores, dim=0).tolist(), 1e-12), where(v)
        assert close(a["loss"], loss.item(), 1e-12), where(v)
        assert any(hidden.tolist()), where(v)


def test_skipgram_canonical_by_hand() -> None:
    a = canonical("embeddings/skipgram-forward").answers
    # centre 'how' (word 6) has in-vector (-1, -1), so u_w = -(o1 + o2) for each out-vector o.
    assert a["one_hot"] == (0, 0, 0, 0, 0, 1, 0, 0, 0, 0)
    assert a["hidden"] == (-1, -1)
    assert a["scores"] == (0, 1, -4, 2, 3, -2, 3, 1, 4, 2)
    e = math.e
    z = 1 + 2 * e + e**-4 + 2 * e**2 + 2 * e**3 + e**-2 + e**4
    assert close(a["probabilities"][8], e**4 / z)  # 'who' is the most probable word
    # context hi, there, are, you have scores 0, 1, 2, 1: L = 4 log Z - 4
    assert close(a["loss"], 4 * math.log(z) - 4)
    assert format_fixed(a["loss"], 3) == "15.019"


# --- Q5: masked multi-head attention ------------------------------------------------------------------------


def _attention_check(p: Mapping[str, Any]) -> tuple[list[list[float]], list[list[float]]]:
    """Per-head weights (visible positions of the target) and outputs via torch SDPA with is_causal=True."""
    x = tensor([list(i) + list(o) for i, o in zip(p["in_vectors"], p["out_vectors"], strict=True)])
    t = int(p["target"])
    weights, outputs = [], []
    for h, value_dims in enumerate(([0, 1], [2, 3])):
        q = x[:, [d - 1 for d in p["heads"]["query"][h]]]
        k = x[:, [d - 1 for d in p["heads"]["key"][h]]]
        val = x[:, value_dims]
        out = F.scaled_dot_product_attention(q[None], k[None], val[None], is_causal=True)[0]
        outputs.append(out[t - 1].tolist())
        scores = (q @ k.T) / math.sqrt(q.shape[-1])
        mask = torch.ones(len(x), len(x), dtype=torch.bool).tril()
        attn = torch.softmax(scores.masked_fill(~mask, float("-inf")), dim=-1)
        weights.append(attn[t - 1, :t].tolist())
    return weights, outputs


def test_masked_mha_matches_torch_sdpa() -> None:
    for v in variants("transformer/masked-mha"):
        a = v.answers
        weights, outputs = _attention_check(v.params)
        assert close(a["weights_1"], weights[0], 1e-12) and close(a["weights_2"], weights[1], 1e-12), where(v)
        assert close(a["head_1"], outputs[0], 1e-12) and close(a["head_2"], outputs[1], 1e-12), where(v)
        assert close(a["output"], outputs[0] + outputs[1], 1e-12), where(v)
        for w in (a["weights_1"], a["weights_2"]):
            printed = [format_fixed(x, 3) for x in w]
            assert len(set(printed)) == len(printed), f"printed weights tie: {printed} in {where(v)}"
            assert "0.000" not in printed, where(v)


def test_masked_mha_canonical_by_hand() -> None:
    v = canonical("transformer/masked-mha")
    assert v.params["sentence"] == ("how", "are", "you") and v.params["target"] == 2
    # 'are': q = (x1, x3) = (1, -1); keys (x2, x4): how (-1, 1), are (1, -1) -> scores -2, 2; divide by sqrt 2
    s = 2 / math.sqrt(2)
    w_how, w_are = math.exp(-s) / (math.exp(-s) + math.exp(s)), math.exp(s) / (math.exp(-s) + math.exp(s))
    a = v.answers
    assert close(a["weights_1"], [w_how, w_are]) and close(a["weights_2"], [w_how, w_are])
    # head 1 values: how (-1, -1), are (1, 1); head 2 values: how (1, 1), are (-1, -1): +-tanh(sqrt 2)
    r = math.tanh(math.sqrt(2))
    assert close(a["output"], [r, r, -r, -r])
    assert [format_fixed(x, 2) for x in a["output"]] == ["0.89", "0.89", "-0.89", "-0.89"]


# --- Q6a: beam search ---------------------------------------------------------------------------------------


def _simulated_beam_count(beam: int, steps: int, vocab: int = 40) -> int:
    """Run a real beam search on random log-probabilities and count the scored candidate hypotheses."""
    gen = torch.Generator().manual_seed(1234 + beam * 31 + steps)
    beams = [((), 0.0)]
    scored = 0
    for _ in range(steps):
        candidates = []
        for seq, logp in beams:
            logits = torch.randn(vocab, generator=gen, dtype=DTYPE)
            top = torch.topk(torch.log_softmax(logits, dim=0), beam)
            for lp, tok in zip(top.values.tolist(), top.indices.tolist(), strict=True):
                candidates.append(((*seq, tok), logp + lp))
        scored += len(candidates)
        beams = sorted(candidates, key=lambda c: -c[1])[:beam]
    return scored


def test_beam_hypotheses_by_simulation() -> None:
    for v in variants("decoding/beam-hypotheses"):
        expected = _simulated_beam_count(int(v.params["beam"]), int(v.params["step"]))
        assert v.answers["hypotheses"] == expected, where(v)


def test_beam_hypotheses_canonical_by_hand() -> None:
    assert canonical("decoding/beam-hypotheses").answers["hypotheses"] == 10 + 100 + 100 + 100


# --- Q6b: top-k / top-p -------------------------------------------------------------------------------------


def test_topk_topp_matches_torch() -> None:
    for v in variants("decoding/topk-topp"):
        p, a = v.params, v.answers
        percent = [int(x) for x in p["percent"]]
        weights = [int(w) for w in p["weights"]]
        assert sum(percent) == 100 and min(percent) >= 1, where(v)
        total = sum(weights)
        assert all(abs(q - 100 * w / total) < 1 for q, w in zip(percent, weights, strict=True)), where(v)
        probs = tensor(percent) / 100
        k, top_p = int(p["k"]), float(p["p"])

        values, indices = torch.topk(probs, k + 1)
        assert values[k - 1] > values[k], f"tie at the top-k boundary: {where(v)}"
        topk = torch.zeros_like(probs).scatter(0, indices[:k], values[:k])
        topk = topk / topk.sum()

        sorted_probs, order = torch.sort(probs, descending=True)
        cum = torch.cumsum(sorted_probs, dim=0)
        assert torch.all((cum - top_p).abs() > 1e-6), where(v)
        keep_sorted = (cum - sorted_probs) < top_p  # keep while the mass before the token is below p
        n = int(keep_sorted.sum())
        assert cum[n - 1] >= top_p > (cum[n - 2] if n > 1 else 0), where(v)
        assert sorted_probs[n - 1] > sorted_probs[n], f"tie at the nucleus boundary: {where(v)}"
        topp = torch.zeros_like(probs).scatter(0, order[:n], sorted_probs[:n])
        topp = topp / topp.sum()

        assert close(a["topk_probs"], topk.tolist(), 1e-12), where(v)
        assert close(a["topp_probs"], topp.tolist(), 1e-12), where(v)
        assert a["nucleus_size"] == n != k, where(v)


def test_topk_topp_canonical_by_hand() -> None:
    v = canonical("decoding/topk-topp")
    # bed .12, chair .07, floor .18, grass .03, mat .30, moon .02, roof .05, rug .04, sofa .15, table .04
    assert v.params["percent"] == (12, 7, 18, 3, 30, 2, 5, 4, 15, 4) and v.params["k"] == 5
    assert v.params["p"] == 0.6
    # top-5: mat, floor, sofa, bed, chair (mass 0.82); nucleus: mat, floor, sofa (0.30 + 0.18 + 0.15 = 0.63)
    assert close(v.answers["topk_probs"], [12 / 82, 7 / 82, 18 / 82, 0, 30 / 82, 0, 0, 0, 15 / 82, 0])
    assert close(v.answers["topp_probs"], [0, 0, 18 / 63, 0, 30 / 63, 0, 0, 0, 15 / 63, 0])
    assert v.answers["nucleus_size"] == 3


def test_probability_chart_is_valid_svg() -> None:
    charts = load_module(BANK / "solvers" / "figures_charts.py")
    for v in variants("decoding/topk-topp")[::10]:
        svg = charts.token_probability_bars(v.params)
        assert svg == charts.token_probability_bars(v.params)
        root = ET.fromstring(svg)
        ns = "{http://www.w3.org/2000/svg}"
        assert root.tag == f"{ns}svg" and root.get("viewBox") and root.get("width") == "120mm"
        assert root.get("font-family") == "TeX Gyre Termes, serif"
        texts = [t.text for t in root.iter(f"{ns}text")]
        assert all(token in texts for token in v.params["tokens"]), where(v)
        assert all(f"{q / 100:.2f}" in texts for q in v.params["percent"]), where(v)
        assert len(list(root.iter(f"{ns}rect"))) == len(v.params["tokens"])


# --- Q7b: compute-optimal scaling ---------------------------------------------------------------------------


def _printed_exponent(text: str) -> float:
    """The value of an exponent as the question prints it: '2/3' or '0.73'."""
    numerator, _, denominator = text.partition("/")
    return float(numerator) / float(denominator or 1)


def test_compute_optimal_split_by_logarithms() -> None:
    for v in variants("scaling/compute-optimal-split"):
        law = v.params["law"]
        a, b = Fraction(*law["a"]), Fraction(*law["b"])
        m = int(v.params["mantissa"]) * 10 ** int(v.params["power"])
        assert a + b == 1 and float(a) == _printed_exponent(law["a_tex"]), where(v)
        assert float(b) == _printed_exponent(law["b_tex"]), where(v)
        x, y = math.exp(float(a) * math.log(m)), math.exp(float(b) * math.log(m))
        assert close(v.answers["x"], x, 1e-12) and close(v.answers["y"], y, 1e-12), where(v)
        assert close(v.answers["x"] * v.answers["y"], m, 1e-12), where(v)


def test_compute_optimal_split_canonical_by_hand() -> None:
    a = canonical("scaling/compute-optimal-split").answers
    assert close(a["x"], 1e4) and close(a["y"], 1e2)  # (10^6)^(2/3), (10^6)^(1/3)


# --- Q8a / Q8c: RLHF ----------------------------------------------------------------------------------------


def test_reward_model_loss_matches_logsigmoid() -> None:
    for v in variants("rlhf/reward-model"):
        margin = tensor(v.params["r_w"]) - tensor(v.params["r_l"])
        assert close(v.answers["margin"], margin.item(), 1e-12), where(v)
        assert close(v.answers["loss"], (-F.logsigmoid(margin)).item(), 1e-12), where(v)
        assert close(v.answers["preference_prob"], torch.sigmoid(margin).item(), 1e-12), where(v)


def test_reward_model_canonical_by_hand() -> None:
    a = canonical("rlhf/reward-model").answers
    assert close(a["loss"], math.log(1 + math.exp(-1.0)))  # r_w - r_l = 1.5 - 0.5 = 1
    assert format_fixed(a["loss"], 3) == "0.313"


def test_kl_penalty_matches_probability_ratio() -> None:
    for v in variants("rlhf/kl-penalty"):
        p = v.params
        p_rl, p_sft = torch.exp(tensor(p["logp_rl"])), torch.exp(tensor(p["logp_sft"]))
        log_ratio = torch.log(p_rl / p_sft).item()
        assert close(v.answers["log_ratio"], log_ratio, 1e-9), where(v)
        assert close(v.answers["penalty"], p["beta"] * log_ratio, 1e-9), where(v)
        assert close(v.answers["reward"], p["rm"] - p["beta"] * log_ratio, 1e-9), where(v)
        assert log_ratio > 0, where(v)


def test_kl_penalty_canonical_by_hand() -> None:
    a = canonical("rlhf/kl-penalty").answers
    assert close(a["reward"], 2.0 - 0.1 * (-12.0 + 18.0))  # 1.4


# --- Q9a: QLoRA quantization --------------------------------------------------------------------------------


def test_qlora_matches_brute_force_nearest_code() -> None:
    for v in variants("peft/qlora-quantize"):
        x = [int(e) for e in v.params["x"]]
        codebook = [float(c) for c in v.params["codebook"]]
        assert codebook == sorted(codebook) and codebook[0] == -1 and codebook[-1] == 1 and len(codebook) == 4
        c = max(x, key=abs)
        c = abs(c)
        codes, deq = [], []
        for value in x:
            # brute force in the original scale: try every code, keep the closest reconstruction
            errors = [abs(value - c * code) for code in codebook]
            best = min(range(4), key=lambda i: errors[i])
            second = sorted(errors)[1]
            assert second - errors[best] >= 0.02 * c - 1e-9, f"near-tie for {value}: {where(v)}"
            codes.append(best)
            deq.append(c * codebook[best])
        assert v.answers["absmax"] == c, where(v)
        assert v.answers["codes"] == tuple(codes), where(v)
        assert close(v.answers["dequantized"], deq, 1e-9), where(v)


def test_qlora_canonical_by_hand() -> None:
    a = canonical("peft/qlora-quantize").answers
    # c = 50; x/c = -0.96, -0.06, 0.76, 1.0 -> nearest -1, -0.2, 0.6, 1
    assert a["absmax"] == 50
    assert a["codes"] == (0, 1, 2, 3)
    assert close(a["dequantized"], [-50, -10, 30, 50])


# --- Q10d: diffusion prior ----------------------------------------------------------------------------------


def test_diffusion_prior_matches_torch_prod() -> None:
    for v in variants("generative/diffusion-prior"):
        p, a = v.params, v.answers
        betas = torch.linspace(p["beta_1"], p["beta_T"], int(p["T"]), dtype=DTYPE)
        alpha_bar = torch.prod(1 - betas).item()
        # the question asks for the estimate with ln(1 - beta) ~ -beta: the key is exp(-sum beta), not the product
        estimate = torch.exp(-betas.sum()).item()
        assert close(a["sum_beta"], betas.sum().item(), 1e-9), where(v)
        assert close(a["alpha_T"], estimate, 1e-9), where(v)
        assert close(a["sqrt_alpha_T"], math.sqrt(estimate), 1e-9), where(v)
        assert close(v.steps["alpha_bar"], alpha_bar, 1e-9), where(v)  # the exact product, shown in the solution
        assert 1e-15 < alpha_bar < 1e-3, where(v)
        # the estimate is above the product (ln(1 - b) < -b) and, as the spec's constraint promises, within 15%
        assert alpha_bar < estimate <= 1.15 * alpha_bar, where(v)


def test_diffusion_prior_canonical_by_hand() -> None:
    a = canonical("generative/diffusion-prior").answers
    # DDPM: beta from 1e-4 to 0.02 over 1000 steps; sum = 1000 * 0.0201 / 2 = 10.05
    assert close(a["sum_beta"], 10.05)
    # the asked-for estimate: alpha_T ~ exp(-10.05) = 4.32e-05, sqrt ~ exp(-5.025) = 6.57e-03
    assert f"{a['alpha_T']:.2e}" == "4.32e-05"
    assert f"{a['sqrt_alpha_T']:.2e}" == "6.57e-03"
    # the exact product: ln(alpha_bar) = -sum(beta) - sum(beta^2)/2 - ...: below exp(-10.05), above exp(-10.15)
    exact = canonical("generative/diffusion-prior").steps["alpha_bar"]
    assert math.exp(-10.15) < exact < math.exp(-10.05)
    assert f"{exact:.2e}" == "4.04e-05"


@pytest.mark.parametrize(
    "question_id",
    [
        "embeddings/skipgram-forward",
        "transformer/masked-mha",
        "decoding/beam-hypotheses",
        "decoding/topk-topp",
        "scaling/compute-optimal-split",
        "rlhf/reward-model",
        "rlhf/kl-penalty",
        "peft/qlora-quantize",
        "generative/diffusion-prior",
    ],
)
def test_variants_vary(question_id: str) -> None:
    """Randomization really produces different questions (at least 20 distinct parameter sets in 200)."""
    seen = {repr(sorted((k, repr(val)) for k, val in v.params.items())) for v in variants(question_id)}
    assert len(seen) >= min(20, COUNT), question_id
