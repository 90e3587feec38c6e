"""The mistakes of the T5, ViT, decoding and skip-gram questions made again with real PyTorch (modules, a
simulated beam search, top-p masking, cross-entropy), for tests/deep_learning/test_misconceptions_torch.py."""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from typing import Any

from .mistakes_counts import META, Oracle, numel
from .oracle import import_torch

torch = import_torch()
nn = torch.nn
F = torch.nn.functional

DTYPE = torch.float64


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
