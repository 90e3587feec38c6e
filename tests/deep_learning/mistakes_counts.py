"""The mistakes of the CNN, language-model, RNN, BERT and LoRA counting questions made again with real PyTorch
modules, for tests/deep_learning/test_misconceptions_torch.py: one oracle per registered misconception."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import cache
from typing import Any

from .oracle import import_torch

torch = import_torch()
nn = torch.nn

META = torch.device("meta")

Oracle = Callable[[Mapping[str, Any]], float]


def numel(*modules: Any) -> int:
    """Learnable parameters of modules (or parameters)."""
    return sum(p.numel() for m in modules for p in (m.parameters() if isinstance(m, nn.Module) else [m]))


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
