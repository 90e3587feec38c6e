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

from .oracle import import_torch

torch = import_torch()
nn = torch.nn
F = torch.nn.functional

BANK = Path(__file__).resolve().parents[2] / "banks" / "deep-learning"
COUNT = 200
META = torch.device("meta")
DTYPE = torch.float64

Oracle = Callable[[Mapping[str, Any]], float]


@cache
def variants(question_id: str) -> tuple[Variant, ...]:
    """Seeds 0..COUNT-1 plus the canonical variant."""
    found = tuple(bank_variants(BANK, question_id, count=COUNT))
    assert len(found) == COUNT + 1 and found[-1].canonical
    return found


def numel(*modules: Any) -> int:
    """Learnable parameters of modules (or parameters)."""
    return sum(p.numel() for m in modules for p in (m.parameters() if isinstance(m, nn.Module) else [m]))


def mistakes_of(question_id: str, answer: str) -> Iterator[tuple[Variant, dict[str, Any]]]:
    """Every variant with its misconceptions' values for `answer`, by name."""
    for v in variants(question_id):
        yield v, {m.name: m.value for m in v.mistakes[answer]}


def where(v: Variant, name: str) -> str:
    """Identify a variant and misconception in an assertion message."""
    return f"{name}: {v.question_id} seed={v.exam_seed} canonical={v.canonical} params={dict(v.params)}"


# --- Q1: VGG ---------------------------------------------------------------------------------------------------

VGG_CFGS = {  # torchvision's layer lists for configurations A, B, D, E
    11: [64, "M", 128, "M", 256, 256, "M", 512, 512, "M", 512, 512, "M"],
    13: [64, 64, "M", 128, 128, "M", 256, 256, "M", 512, 512, "M", 512, 512, "M"],
    16: [64, 64, "M", 128, 128, "M", 256, 256, 256, "M", 512, 512, 512, "M", 512, 512, 512, "M"],
    19: [64, 64, "M", 128, 128, "M", 256, 256, 256, 256, "M", 512, 512, 512, 512, "M", 512, 512, 512, 512, "M"],
}


@cache
def vgg_features(depth: int, c_in: int, kernel: int) -> Any:
    """VGG's convolutional part with `kernel` x `kernel` convolutions, on the meta device."""
    layers: list[Any] = []
    channels = c_in
    with META:
        for item in VGG_CFGS[depth]:
            if item == "M":
                layers.append(nn.MaxPool2d(2, 2))
            else:
                layers += [nn.Conv2d(channels, item, kernel, padding=kernel // 2), nn.ReLU()]
                channels = item
    return nn.Sequential(*layers)


@cache
def vgg_flat(depth: int, c_in: int, image: int, tail: str) -> int:
    """FC1's input width from a meta forward pass through the real 3 x 3 features, ending as `tail` says:
    "pool" (all five pools), "four" (the last pool left out) or "global" (adaptive 1 x 1 pooling)."""
    trunk = list(vgg_features(depth, c_in, 3))
    with META:
        layers = trunk[:-1] if tail == "four" else [*trunk, nn.AdaptiveAvgPool2d(1)] if tail == "global" else trunk
        return nn.Sequential(*layers)(torch.empty(1, c_in, image, image)).flatten(1).shape[1]


def vgg_total(p: Mapping[str, Any], *, kernel: int = 3, tail: str = "pool", classifier: bool = True) -> int:
    """Parameters of VGG with `kernel` x `kernel` convolutions and FC1 as wide as `vgg_flat` finds."""
    features = vgg_features(p["depth"], p["c_in"], kernel)
    flat = vgg_flat(p["depth"], p["c_in"], p["image"], tail)
    with META:
        fc = [nn.Linear(flat, p["fc_width"]), nn.Linear(p["fc_width"], p["fc_width"]),
              nn.Linear(p["fc_width"], p["classes"])]  # fmt: skip
    return numel(features, *fc) if classifier else numel(features)


VGG: dict[str, Oracle] = {
    "cnn.vgg_conv_only": lambda p: vgg_total(p, classifier=False),
    "cnn.vgg_four_pools": lambda p: vgg_total(p, tail="four"),
    "cnn.vgg_no_kernel_area": lambda p: vgg_total(p, kernel=1),
    "cnn.vgg_fc1_channels_only": lambda p: vgg_total(p, tail="global"),
}

# --- Q2: bottleneck block ---------------------------------------------------------------------------------------


def bottleneck(p: Mapping[str, Any], outer: Any, middle: Any) -> Any:
    """The pre-activation bottleneck branch with the given kernel shapes, on the meta device."""
    c, mid, bias = p["channels"], p["channels"] // p["ratio"], p["conv_bias"]
    with META:
        return nn.Sequential(
            nn.BatchNorm2d(c), nn.ReLU(), nn.Conv2d(c, mid, outer, bias=bias),
            nn.BatchNorm2d(mid), nn.ReLU(), nn.Conv2d(mid, mid, middle, bias=bias),
            nn.BatchNorm2d(mid), nn.ReLU(), nn.Conv2d(mid, c, outer, bias=bias),
        )  # fmt: skip


def with_running_stats(block: Any) -> int:
    """Parameters plus batch norm's running mean and variance buffers."""
    stats = sum(b.numel() for name, b in block.named_buffers() if name.endswith(("running_mean", "running_var")))
    return numel(block) + stats


def plain(p: Mapping[str, Any], kernel: Any) -> Any:
    """The pre-activation plain branch: batch norm, ReLU, one convolution, on the meta device."""
    c = p["channels"]
    with META:
        return nn.Sequential(nn.BatchNorm2d(c), nn.ReLU(), nn.Conv2d(c, c, kernel, bias=p["conv_bias"]))


def with_projection(p: Mapping[str, Any]) -> int:
    """The plain branch plus a 1 x 1 projection convolution on the skip path."""
    with META:
        skip = nn.Conv2d(p["channels"], p["channels"], 1, bias=p["conv_bias"])
    return numel(plain(p, p["kernel"]), skip)


PLAIN: dict[str, Oracle] = {
    "cnn.plain_bn_running_stats": lambda p: with_running_stats(plain(p, p["kernel"])),
    "cnn.plain_kernel_side_not_area": lambda p: numel(plain(p, (p["kernel"], 1))),
    "cnn.plain_projection_skip": with_projection,
}
BOTTLENECK: dict[str, Oracle] = {
    "cnn.bn_running_stats": lambda p: with_running_stats(bottleneck(p, 1, p["kernel"])),
    "cnn.bottleneck_all_kxk": lambda p: numel(bottleneck(p, p["kernel"], p["kernel"])),
    "cnn.kernel_side_not_area": lambda p: numel(bottleneck(p, 1, (p["kernel"], 1))),  # a k x 1 kernel: k weights
}

# --- Q3a: fixed-window language model ---------------------------------------------------------------------------


def nlm(p: Mapping[str, Any], *, inputs: int, output: bool = True, bias: bool = False) -> int:
    """Hidden layer of `inputs` inputs, the softmax layer (or a weightless softmax) and any learned embedding."""
    with META:
        parts = [nn.Linear(inputs, p["hidden"], bias=bias)]
        parts.append(nn.Linear(p["hidden"], p["vocab"], bias=bias) if output else nn.Softmax(dim=-1))
        if p["learned_embeddings"]:
            parts.append(nn.Embedding(p["vocab"], p["emb_dim"]))
    return numel(*parts)


NLM: dict[str, Oracle] = {
    "nlm.one_word_input": lambda p: nlm(p, inputs=p["emb_dim"]),
    "nlm.softmax_no_weights": lambda p: nlm(p, inputs=p["window"] * p["emb_dim"], output=False),
    "nlm.with_biases": lambda p: nlm(p, inputs=p["window"] * p["emb_dim"], bias=True),
}

# --- Q3b: Bi-LSTM tagger ----------------------------------------------------------------------------------------


def tags(p: Mapping[str, Any], prefixed: bool = True) -> int:
    """Spell out the tags: O plus each entity type, with every prefix of the scheme or bare."""
    prefixes = {"BIO": "BI", "BIOES": "BIES"}[p["scheme"]] if prefixed else " "
    return len(["O"] + [f"{prefix}-{t}" for t in p["entity_types"] for prefix in prefixes])


def lstm_one_bias(d: int, h: int) -> int:
    """An LSTM's weights plus one bias vector per gate (torch keeps two, b_ih and b_hh: count b_ih only)."""
    with META:
        lstm = nn.LSTM(d, h, bias=True)
    return lstm.weight_ih_l0.numel() + lstm.weight_hh_l0.numel() + lstm.bias_ih_l0.numel()


def bilstm_mistake(p: Mapping[str, Any], name: str) -> int:
    """The Bi-LSTM tagger built with one mistake."""
    d, hf, hb = p["emb_dim"], p["h_fwd"], p["h_bwd"]
    with META:
        if name == "rnn.one_direction":
            return numel(nn.LSTM(d, hf, bias=False), nn.Linear(hf, tags(p), bias=False))
        if name == "rnn.three_gates":
            return numel(nn.GRU(d, hf, bias=False), nn.GRU(d, hb, bias=False), nn.Linear(hf + hb, tags(p), bias=False))
        if name == "rnn.with_biases":
            return lstm_one_bias(d, hf) + lstm_one_bias(d, hb) + numel(nn.Linear(hf + hb, tags(p)))
        lstms = numel(nn.LSTM(d, hf, bias=False), nn.LSTM(d, hb, bias=False))
        return lstms + numel(nn.Linear(hf + hb, tags(p, prefixed=False), bias=False))


BILSTM: dict[str, Oracle] = {
    name: (lambda p, name=name: bilstm_mistake(p, name))
    for name in ("rnn.one_direction", "rnn.three_gates", "rnn.with_biases", "rnn.no_tag_prefixes")
}

# --- Q3c: BERT head ---------------------------------------------------------------------------------------------

BERT_HIDDEN = {"base": 768, "large": 1024}


def bert(p: Mapping[str, Any], *, other: bool = False, pooler: bool = False, cls: bool = False) -> int:
    """The classifier on BERT-size's features (or the other size's), with the pooler or a [CLS] vector counted."""
    h = BERT_HIDDEN[p["size"]]
    with META:
        parts = [nn.Linear(sum(BERT_HIDDEN.values()) - h if other else h, p["classes"], bias=p["bias"])]
        if pooler:
            parts.append(nn.Linear(h, h))
        if cls:
            parts.append(nn.Embedding(1, h))
    return numel(*parts)


BERT: dict[str, Oracle] = {
    "transformer.bert_pooler_counted": lambda p: bert(p, pooler=True),
    "transformer.bert_cls_embedding": lambda p: bert(p, cls=True),
    "transformer.bert_other_size": lambda p: bert(p, other=True),
}

# --- Q7a: T5 ----------------------------------------------------------------------------------------------------

T5_CONFIGS = {  # d_model, d_ff, layers per stack, heads, d_kv (Raffel et al. 2020; released configs)
    "small": (512, 2048, 6, 8, 64),
    "base": (768, 3072, 12, 12, 64),
    "large": (1024, 4096, 24, 16, 64),
    "3B": (1024, 16384, 24, 32, 128),
    "11B": (1024, 65536, 24, 128, 128),
}


class Attention(nn.Module):
    """Bias-free q, k, v and (unless left out) o projections; optionally the relative position bias table."""

    def __init__(self, d: int, inner: int, heads: int, relative: bool, output: bool) -> None:
        super().__init__()
        self.q, self.k, self.v = (nn.Linear(d, inner, bias=False) for _ in range(3))
        self.o = nn.Linear(inner, d, bias=False) if output else None
        self.relative_attention_bias = nn.Embedding(32, heads) if relative else None


class Block(nn.Module):
    """A T5 layer: self-attention, cross-attention in the decoder (unless forgotten), FFN and its norms."""

    def __init__(self, cfg: tuple[int, ...], p: Mapping[str, Any], first: bool, cross: bool, mistake: str) -> None:
        super().__init__()
        d, d_ff, _, heads, d_kv = cfg
        output = mistake != "transformer.t5_no_output_projection"
        self.self_attention = Attention(d, heads * d_kv, heads, first and p["count_rel_bias"], output)
        self.cross_attention = Attention(d, heads * d_kv, heads, False, output) if cross else None
        self.wi = nn.Linear(d, d_ff, bias=False)
        self.wo = None if mistake == "transformer.t5_one_ffn_matrix" else nn.Linear(d_ff, d, bias=False)
        self.norms = nn.ModuleList(nn.RMSNorm(d) for _ in range((3 if cross else 2) if p["count_norms"] else 0))


class T5(nn.Module):
    """T5 from torch.nn pieces, assembled with one mistake."""

    def __init__(self, p: Mapping[str, Any], mistake: str) -> None:
        super().__init__()
        cfg = T5_CONFIGS[p["size"]]
        d, layers = cfg[0], cfg[2]
        cross = mistake != "transformer.t5_no_cross_attention"
        self.shared = nn.Embedding(p["vocab"], d)
        self.encoder = nn.ModuleList(Block(cfg, p, i == 0, False, mistake) for i in range(layers))
        self.decoder = nn.ModuleList(Block(cfg, p, i == 0, cross, mistake) for i in range(layers))
        self.final_norms = nn.ModuleList(nn.RMSNorm(d) for _ in range(2 if p["count_norms"] else 0))
        separate = not p["tie_lm_head"] or mistake == "transformer.t5_tied_head_counted"
        self.lm_head = nn.Linear(d, p["vocab"], bias=False) if separate else None


@cache
def t5_count(frozen: tuple[tuple[str, Any], ...], mistake: str) -> int:
    """Parameters of the meta-device T5 with one mistake."""
    with META:
        return numel(T5(dict(frozen), mistake))


T5_NAMES = ("t5_tied_head_counted", "t5_no_cross_attention", "t5_no_output_projection", "t5_one_ffn_matrix")
T5_KEYS = ("size", "vocab", "count_rel_bias", "count_norms", "tie_lm_head")
T5_MISTAKES: dict[str, Oracle] = {
    f"transformer.{name}": (lambda p, name=name: t5_count(tuple((k, p[k]) for k in T5_KEYS), f"transformer.{name}"))
    for name in T5_NAMES
}

# --- Q7c: ViT input representation ------------------------------------------------------------------------------


def vit(p: Mapping[str, Any], mistake: str) -> int:
    """The patch projection (a strided convolution) built with one mistake, the class token if counted."""
    c, d, size, bias = p["channels"], p["dim"], p["patch"], p["count_bias"]
    with META:
        projection = nn.Conv2d(c, d, size, stride=size, bias=bias)
        tokens = projection(torch.empty(1, c, p["image"], p["image"])).flatten(2).shape[2]
        parts: list[Any] = [nn.Parameter(torch.empty(1, 1, d))] if p["count_cls"] else []
        if mistake == "vision.vit_projection_per_patch":  # one independent projection per patch: grouped 1 x 1
            parts.append(nn.Conv1d(tokens * size * size * c, tokens * d, 1, groups=tokens, bias=bias))
        elif mistake == "vision.vit_patch_own_size":
            parts.append(nn.Conv2d(c, size * size * c, size, stride=size, bias=bias))
        elif mistake == "vision.vit_no_channels":
            parts.append(nn.Conv2d(1, d, size, stride=size, bias=bias))
        else:
            parts += [projection, nn.Parameter(torch.empty(1, tokens + 1, d))]
    return numel(*parts)


def positions(p: Mapping[str, Any], mistake: str) -> int:
    """The positional-embedding table built with one mistake; patches and pixels counted by torch's unfold."""
    image = torch.empty(1, p["channels"], p["image"], p["image"])
    patches = F.unfold(image, p["patch"], stride=p["patch"])  # (1, P * P * C, N)
    rows, width = patches.shape[2] + 1, p["dim"]
    if mistake == "vision.pos_no_class_token":
        rows -= 1
    elif mistake == "vision.pos_per_pixel":
        rows = image[0, 0].numel() + 1
    else:
        width = patches.shape[1]
    return nn.Parameter(torch.empty(1, rows, width, device=META)).numel()


POSITIONS: dict[str, Oracle] = {
    name: (lambda p, name=name: positions(p, name))
    for name in ("vision.pos_no_class_token", "vision.pos_per_pixel", "vision.pos_patch_length")
}
VIT: dict[str, Oracle] = {
    name: (lambda p, name=name: vit(p, name))
    for name in ("vision.vit_projection_per_patch", "vision.vit_patch_own_size", "vision.vit_no_channels",
                 "vision.vit_positions_in_input")
}  # fmt: skip

# --- Q9b: LoRA --------------------------------------------------------------------------------------------------

GPT3 = {  # layers, d_model (Brown et al. 2020, Table 2.1)
    "GPT-3 Small": (12, 768),
    "GPT-3 Medium": (24, 1024),
    "GPT-3 Large": (24, 1536),
    "GPT-3 XL": (24, 2048),
    "GPT-3 2.7B": (32, 2560),
    "GPT-3 6.7B": (32, 4096),
    "GPT-3 13B": (40, 5140),
    "GPT-3 175B": (96, 12288),
}


def lora(p: Mapping[str, Any], mistake: str) -> int:
    """One layer's LoRA modules built with one mistake, times the layers it is counted for."""
    layers, d = GPT3[p["model"]]
    r = p["rank"]
    with META:
        if mistake == "peft.lora_full_update":
            layer = nn.ModuleList(nn.Linear(d, d, bias=False) for _ in p["targets"])
        elif mistake == "peft.lora_one_factor":
            layer = nn.ModuleList(nn.Linear(d, r, bias=False) for _ in p["targets"])
        else:
            layer = nn.ModuleList(nn.Sequential(nn.Linear(d, r, bias=False), nn.Linear(r, d, bias=False))
                                  for _ in p["targets"])  # fmt: skip
    return numel(layer) * (1 if mistake == "peft.lora_one_layer" else layers)


LORA: dict[str, Oracle] = {
    name: (lambda p, name=name: lora(p, name))
    for name in ("peft.lora_full_update", "peft.lora_one_factor", "peft.lora_one_layer")
}

# --- Q6a: beam search, by simulation ----------------------------------------------------------------------------


def beam_search(b: int, steps: int, *, start: int = 1, prune: bool = True, seed: int = 0) -> tuple[int, int]:
    """Run beam search on random log-probabilities, each hypothesis expanded by its b best tokens; return the
    candidates scored and the sum of the beam sizes kept after each step."""
    generator = torch.Generator().manual_seed(seed)
    beams = torch.zeros(start, dtype=DTYPE)
    scored = kept = 0
    for _ in range(steps):
        log_probs = torch.log_softmax(torch.randn(len(beams), b + 3, generator=generator, dtype=DTYPE), dim=-1)
        candidates = (beams[:, None] + log_probs.topk(b, dim=-1).values).flatten()
        scored += candidates.numel()
        beams = candidates.topk(b).values if prune else candidates
        kept += len(beams)
    return scored, kept


BEAM: dict[str, Oracle] = {
    "decoding.beam_kept_only": lambda p: beam_search(p["beam"], p["step"])[1],
    "decoding.beam_square_first_step": lambda p: beam_search(p["beam"], p["step"], start=p["beam"])[0],
    "decoding.beam_no_pruning": lambda p: beam_search(p["beam"], p["step"], prune=False)[0],
    "decoding.beam_current_step_missed": lambda p: beam_search(p["beam"], p["step"] - 1)[0],
}

# --- Q6b: top-p nucleus, with torch's masking ---------------------------------------------------------------------


def percents(p: Mapping[str, Any]) -> Any:
    """The distribution in whole percent, as an integer tensor (exact cumulative sums)."""
    return torch.tensor([int(x) for x in p["percent"]], dtype=torch.int64)


def removed_by_top_p(p: Mapping[str, Any]) -> int:
    """Tokens top-p removes, masked as Hugging Face's TopPLogitsWarper does: ascending sort, remove while the
    cumulative mass stays within 1 - p."""
    ascending = torch.sort(percents(p)).values
    return int((ascending.cumsum(0) <= 100 - p["p_percent"]).sum())


TOPP: dict[str, Oracle] = {
    "decoding.topp_exclusive": lambda p: int((torch.sort(percents(p), descending=True).values.cumsum(0)
                                              < p["p_percent"]).sum()),
    "decoding.topp_unsorted": lambda p: int((percents(p).cumsum(0) < p["p_percent"]).sum()) + 1,
    "decoding.topp_as_topk": lambda p: len(torch.topk(percents(p), p["k"]).indices),
    "decoding.topp_removed_count": removed_by_top_p,
}  # fmt: skip

# --- Q4: skip-gram loss, with torch's cross-entropy ---------------------------------------------------------------


def skipgram(p: Mapping[str, Any], score_with: str) -> tuple[Any, Any]:
    """Logits of the centre word against every word's `score_with` vectors, and the context targets."""
    vocab, window = list(p["vocab"]), list(p["window"])
    w_in = nn.Embedding.from_pretrained(torch.tensor(p["in_vectors"], dtype=DTYPE))
    w_out = torch.tensor(p[score_with], dtype=DTYPE)
    hidden = w_in(torch.tensor([vocab.index(window[2])]))[0]
    targets = torch.tensor([vocab.index(w) for w in window[:2] + window[3:]])
    return w_out @ hidden, targets


def cross_entropy(logits: Any, targets: Any, reduction: str) -> float:
    """torch's cross-entropy of one logit row repeated for every target."""
    return float(F.cross_entropy(logits.expand(len(targets), -1), targets, reduction=reduction))


def _log10_loss(p: Mapping[str, Any]) -> float:
    logits, targets = skipgram(p, "out_vectors")
    return float(-torch.log10(torch.softmax(logits, dim=-1)[targets]).sum())


def _sigmoid_loss(p: Mapping[str, Any]) -> float:
    logits, targets = skipgram(p, "out_vectors")
    return float(-F.logsigmoid(logits[targets]).sum())


SKIPGRAM: dict[str, Oracle] = {
    "embeddings.skipgram_mean": lambda p: cross_entropy(*skipgram(p, "out_vectors"), "mean"),
    "embeddings.skipgram_log10": _log10_loss,
    "embeddings.skipgram_sigmoid": _sigmoid_loss,
    "embeddings.skipgram_in_vectors": lambda p: cross_entropy(*skipgram(p, "in_vectors"), "sum"),
}

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
