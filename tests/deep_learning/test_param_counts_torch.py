"""Independent checks of the parameter-counting questions: build the real PyTorch modules and count.

Nothing here shares code with the bank's solvers: architectures are rebuilt from `torch.nn` pieces (on the
`meta` device, so no memory is allocated), the counts come from `numel()`, and the canonical numbers are
derived by hand below.
"""

from __future__ import annotations

import functools
import xml.etree.ElementTree as ET
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest

from qbank.spec.modules import load_module
from qbank.testing import bank_variants

from .oracle import import_torch

torch = import_torch()
nn = torch.nn

BANK = Path(__file__).resolve().parents[2] / "banks" / "deep-learning"
COUNT = 200
META = torch.device("meta")


@pytest.fixture(scope="module")
def bank_dir() -> Path:
    """The deep-learning bank."""
    assert (BANK / "bank.yaml").is_file(), f"{BANK} has no bank.yaml"
    return BANK


def variants(bank_dir: Path, question_id: str) -> Iterator[Any]:
    """Seeds 0..COUNT-1 plus the canonical variant."""
    found = list(bank_variants(bank_dir, question_id, count=COUNT))
    assert len(found) == COUNT + 1 and found[-1].canonical
    return iter(found)


def canonical(bank_dir: Path, question_id: str) -> Any:
    """The canonical variant of a question."""
    return next(v for v in bank_variants(bank_dir, question_id, count=0) if v.canonical)


def numel(module: Any) -> int:
    """Learnable parameters of a module (or parameter list)."""
    return sum(p.numel() for p in module.parameters())


def where(variant: Any) -> str:
    """Identify a variant in an assertion message."""
    return f"{variant.question_id} seed={variant.exam_seed} canonical={variant.canonical} params={dict(variant.params)}"


# --- Q1: VGG ---------------------------------------------------------------------------------------------------

VGG_CFGS = {  # torchvision's layer lists for configurations A, B, D, E
    11: [64, "M", 128, "M", 256, 256, "M", 512, 512, "M", 512, 512, "M"],
    13: [64, 64, "M", 128, 128, "M", 256, 256, "M", 512, 512, "M", 512, 512, "M"],
    16: [64, 64, "M", 128, 128, "M", 256, 256, 256, "M", 512, 512, 512, "M", 512, 512, 512, "M"],
    19: [64, 64, "M", 128, 128, "M", 256, 256, 256, 256, "M", 512, 512, 512, 512, "M", 512, 512, 512, 512, "M"],
}


@functools.cache
def vgg_features(depth: int, c_in: int) -> Any:
    """The convolutional part of VGG-depth (torchvision's layout) on the meta device."""
    layers: list[Any] = []
    channels = c_in
    with META:
        for item in VGG_CFGS[depth]:
            if item == "M":
                layers.append(nn.MaxPool2d(2, 2))
            else:
                layers += [nn.Conv2d(channels, item, 3, padding=1), nn.ReLU()]
                channels = item
    return nn.Sequential(*layers)


@functools.cache
def vgg_flat(depth: int, c_in: int, image: int) -> int:
    """Width of the flattened feature map, from a forward pass on the meta device."""
    with META:
        return vgg_features(depth, c_in)(torch.empty(1, c_in, image, image)).flatten(1).shape[1]


@functools.cache
def torch_vgg(depth: int, c_in: int, image: int, classes: int, fc: int) -> dict[str, Any]:
    """Count weights and biases per conv and FC layer; FC1's width comes from a meta forward pass."""
    features = vgg_features(depth, c_in)
    flat = vgg_flat(depth, c_in, image)
    with META:
        classifier = [nn.Linear(flat, fc), nn.Linear(fc, fc), nn.Linear(fc, classes)]
    convs = [m for m in features if isinstance(m, nn.Conv2d)]
    return {
        "conv_w": [m.weight.numel() for m in convs],
        "conv_b": [m.bias.numel() for m in convs],
        "fc_w": [m.weight.numel() for m in classifier],
        "fc_b": [m.bias.numel() for m in classifier],
        "total": numel(features) + sum(numel(m) for m in classifier),
    }


def test_vgg_matches_torch(bank_dir: Path) -> None:
    for v in variants(bank_dir, "cnn/vgg-params"):
        p = v.params
        ref = torch_vgg(p["depth"], p["c_in"], p["image"], p["classes"], p["fc_width"])
        layers = v.steps["layers"]
        convs = [layer for layer in layers if layer["kind"] == "conv"]
        fcs = [layer for layer in layers if layer["kind"] == "fc"]
        assert [layer["weights"] for layer in convs] == ref["conv_w"], where(v)
        assert [layer["biases"] for layer in convs] == ref["conv_b"], where(v)
        assert [layer["weights"] for layer in fcs] == ref["fc_w"], where(v)
        assert [layer["biases"] for layer in fcs] == ref["fc_b"], where(v)
        assert v.answers["conv_weights"] == sum(ref["conv_w"]), where(v)
        assert v.answers["conv_biases"] == sum(ref["conv_b"]), where(v)
        assert v.answers["fc_weights"] == sum(ref["fc_w"]), where(v)
        assert v.answers["fc_biases"] == sum(ref["fc_b"]), where(v)
        assert v.answers["total_params"] == ref["total"], where(v)


def test_vgg16_canonical(bank_dir: Path) -> None:
    a = canonical(bank_dir, "cnn/vgg-params").answers
    conv_w = 3 * 3 * (3 * 64 + 64 * 64 + 64 * 128 + 128 * 128 + 128 * 256 + 2 * 256 * 256 + 256 * 512 + 5 * 512 * 512)
    assert conv_w == 14_710_464
    assert a["conv_weights"] == conv_w
    assert a["conv_biases"] == 2 * 64 + 2 * 128 + 3 * 256 + 6 * 512 == 4_224
    assert a["fc_weights"] == 7 * 7 * 512 * 4096 + 4096 * 4096 + 4096 * 1000 == 123_633_664
    assert a["fc_biases"] == 4096 + 4096 + 1000
    assert a["total_params"] == 138_357_544  # the well-known VGG-16 count


# --- Q2: plain vs bottleneck residual blocks ------------------------------------------------------------------


def split_counts(block: Any) -> tuple[int, int]:
    """(convolution parameters, batch-norm parameters) of a block."""
    conv = sum(numel(m) for m in block.modules() if isinstance(m, nn.Conv2d))
    bn = sum(numel(m) for m in block.modules() if isinstance(m, nn.BatchNorm2d))
    return conv, bn


def torch_blocks(c: int, r: int, k: int, bias: bool) -> tuple[Any, Any]:
    """Pre-activation plain and bottleneck residual branches built from torch modules."""
    mid = c // r
    with META:
        plain = nn.Sequential(nn.BatchNorm2d(c), nn.ReLU(), nn.Conv2d(c, c, k, padding=k // 2, bias=bias))
        bottleneck = nn.Sequential(
            nn.BatchNorm2d(c),
            nn.ReLU(),
            nn.Conv2d(c, mid, 1, bias=bias),
            nn.BatchNorm2d(mid),
            nn.ReLU(),
            nn.Conv2d(mid, mid, k, padding=k // 2, bias=bias),
            nn.BatchNorm2d(mid),
            nn.ReLU(),
            nn.Conv2d(mid, c, 1, bias=bias),
        )
    return plain, bottleneck


def test_bottleneck_matches_torch(bank_dir: Path) -> None:
    for v in variants(bank_dir, "cnn/bottleneck-params"):
        p = v.params
        plain, bottleneck = torch_blocks(p["channels"], p["ratio"], p["kernel"], p["conv_bias"])
        (pc, pb), (bc, bb) = split_counts(plain), split_counts(bottleneck)
        assert (v.answers["plain_conv"], v.answers["plain_bn"]) == (pc, pb), where(v)
        assert v.answers["plain_total"] == numel(plain), where(v)
        assert (v.answers["bottleneck_conv"], v.answers["bottleneck_bn"]) == (bc, bb), where(v)
        assert v.answers["bottleneck_total"] == numel(bottleneck), where(v)


def test_bottleneck_canonical(bank_dir: Path) -> None:
    a = canonical(bank_dir, "cnn/bottleneck-params").answers
    assert a["plain_conv"] == 512 * 512 * 9 == 2_359_296
    assert a["plain_bn"] == 1024
    assert a["plain_total"] == 2_360_320
    assert a["bottleneck_conv"] == 512 * 128 + 128 * 128 * 9 + 128 * 512 == 278_528
    assert a["bottleneck_bn"] == 2 * 512 + 2 * 128 + 2 * 128 == 1536
    assert a["bottleneck_total"] == 280_064


# --- Q3a: fixed-window neural language model ------------------------------------------------------------------


def test_fixed_window_matches_torch(bank_dir: Path) -> None:
    for v in variants(bank_dir, "nlm/fixed-window-params"):
        p = v.params
        with META:
            hidden = nn.Linear(p["window"] * p["emb_dim"], p["hidden"], bias=False)
            output = nn.Linear(p["hidden"], p["vocab"], bias=False)
            embedding = nn.Embedding(p["vocab"], p["emb_dim"])
        learned = numel(embedding) if p["learned_embeddings"] else 0
        assert v.answers["input_dim"] == hidden.in_features, where(v)
        assert v.answers["hidden_weights"] == numel(hidden), where(v)
        assert v.answers["output_weights"] == numel(output), where(v)
        assert v.answers["embedding_params"] == learned, where(v)
        assert v.answers["total"] == numel(hidden) + numel(output) + learned, where(v)


def test_fixed_window_canonical(bank_dir: Path) -> None:
    assert canonical(bank_dir, "nlm/fixed-window-params").answers["total"] == 1200 * 50 + 50 * 50_000 == 2_560_000


# --- Q3b: Bi-LSTM NER tagger ----------------------------------------------------------------------------------


def tag_set(types: tuple[str, ...], scheme: str) -> list[str]:
    """Spell out every tag of the scheme."""
    prefixes = {"BIO": "BI", "BIOES": "BIES"}[scheme]
    return ["O"] + [f"{prefix}-{t}" for t in types for prefix in prefixes]


def test_bilstm_matches_torch(bank_dir: Path) -> None:
    for v in variants(bank_dir, "rnn/bilstm-ner-params"):
        p = v.params
        tags = tag_set(p["entity_types"], p["scheme"])
        with META:
            forward = nn.LSTM(p["emb_dim"], p["h_fwd"], bias=False)
            backward = nn.LSTM(p["emb_dim"], p["h_bwd"], bias=False)
            output = nn.Linear(p["h_fwd"] + p["h_bwd"], len(tags), bias=False)
        assert v.answers["n_tags"] == len(tags), where(v)
        assert v.answers["forward"] == numel(forward), where(v)
        assert v.answers["backward"] == numel(backward), where(v)
        assert v.answers["output"] == numel(output), where(v)
        assert v.answers["total"] == numel(forward) + numel(backward) + numel(output), where(v)
        if p["h_fwd"] == p["h_bwd"]:
            with META:
                both = nn.LSTM(p["emb_dim"], p["h_fwd"], bias=False, bidirectional=True)
            assert numel(both) == v.answers["forward"] + v.answers["backward"], where(v)


def test_bilstm_canonical(bank_dir: Path) -> None:
    a = canonical(bank_dir, "rnn/bilstm-ner-params").answers
    assert a["n_tags"] == 7
    assert a["forward"] == 4 * (200 * 300 + 200 * 200) == 400_000
    assert a["backward"] == 4 * (100 * 300 + 100 * 100) == 160_000
    assert a["output"] == 300 * 7
    assert a["total"] == 562_100


# --- Q3c: BERT classification head ----------------------------------------------------------------------------

BERT_HIDDEN = {"base": 768, "large": 1024}


def test_bert_head_matches_torch(bank_dir: Path) -> None:
    for v in variants(bank_dir, "transformer/bert-head-params"):
        p = v.params
        with META:
            head = nn.Linear(BERT_HIDDEN[p["size"]], p["classes"], bias=p["bias"])
        assert v.answers["weights"] == head.weight.numel(), where(v)
        assert v.answers["biases"] == (head.bias.numel() if p["bias"] else 0), where(v)
        assert v.answers["total"] == numel(head), where(v)


def test_bert_head_canonical(bank_dir: Path) -> None:
    assert canonical(bank_dir, "transformer/bert-head-params").answers["total"] == 768 * 5 == 3840


# --- Q7a: T5 ----------------------------------------------------------------------------------------------------

T5_CONFIGS = {  # d_model, d_ff, layers per stack, heads, d_kv (Raffel et al. 2020; released configs)
    "small": (512, 2048, 6, 8, 64),
    "base": (768, 3072, 12, 12, 64),
    "large": (1024, 4096, 24, 16, 64),
    "3B": (1024, 16384, 24, 32, 128),
    "11B": (1024, 65536, 24, 128, 128),
}


class Attention(nn.Module):
    """T5 attention: bias-free q, k, v, o; optionally the relative position bias table."""

    def __init__(self, d: int, heads: int, d_kv: int, relative_bias: bool) -> None:
        super().__init__()
        self.q, self.k, self.v = (nn.Linear(d, heads * d_kv, bias=False) for _ in range(3))
        self.o = nn.Linear(heads * d_kv, d, bias=False)
        self.relative_attention_bias = nn.Embedding(32, heads) if relative_bias else None


class Block(nn.Module):
    """A T5 encoder block (decoder=False) or decoder block (decoder=True)."""

    def __init__(self, cfg: tuple[int, ...], decoder: bool, first: bool, count_rel: bool, norms: bool) -> None:
        super().__init__()
        d, d_ff, _, heads, d_kv = cfg
        self.self_attention = Attention(d, heads, d_kv, first and count_rel)
        self.cross_attention = Attention(d, heads, d_kv, False) if decoder else None
        self.wi, self.wo = nn.Linear(d, d_ff, bias=False), nn.Linear(d_ff, d, bias=False)
        self.norms = nn.ModuleList(nn.RMSNorm(d) for _ in range((3 if decoder else 2) if norms else 0))


class T5(nn.Module):
    """A T5 encoder-decoder assembled from torch.nn pieces."""

    def __init__(self, size: str, vocab: int, count_rel: bool, norms: bool, tied: bool) -> None:
        super().__init__()
        cfg = T5_CONFIGS[size]
        d, layers = cfg[0], cfg[2]
        self.shared = nn.Embedding(vocab, d)
        self.encoder = nn.ModuleList(Block(cfg, False, i == 0, count_rel, norms) for i in range(layers))
        self.decoder = nn.ModuleList(Block(cfg, True, i == 0, count_rel, norms) for i in range(layers))
        self.final_norms = nn.ModuleList(nn.RMSNorm(d) for _ in range(2 if norms else 0))
        self.lm_head = None if tied else nn.Linear(d, vocab, bias=False)


@functools.cache
def torch_t5(size: str, vocab: int, count_rel: bool, norms: bool, tied: bool) -> dict[str, int]:
    """Counts of a meta-device T5: total, embedding, head, one plain layer of each stack, each stack."""
    with META:
        model = T5(size, vocab, count_rel, norms, tied)
    final = model.final_norms
    return {
        "total": numel(model),
        "embedding": numel(model.shared),
        "lm_head": numel(model.lm_head) if model.lm_head is not None else 0,
        "encoder_layer": numel(model.encoder[-1]),
        "decoder_layer": numel(model.decoder[-1]),
        "encoder": numel(model.encoder) + (numel(final[0]) if norms else 0),
        "decoder": numel(model.decoder) + (numel(final[1]) if norms else 0),
    }


@pytest.mark.slow
def test_t5_matches_torch(bank_dir: Path) -> None:
    for v in variants(bank_dir, "transformer/t5-params"):
        p = v.params
        assert (p["d_model"], p["d_ff"], p["n_layers"], p["heads"], p["d_kv"]) == T5_CONFIGS[p["size"]], where(v)
        ref = torch_t5(p["size"], p["vocab"], p["count_rel_bias"], p["count_norms"], p["tie_lm_head"])
        assert dict(v.answers) == ref, where(v)


def test_t5_canonical(bank_dir: Path) -> None:
    a = canonical(bank_dir, "transformer/t5-params").answers
    d = 1024
    assert a["embedding"] == 32_000 * d == 32_768_000
    assert a["encoder_layer"] == 12 * d * d == 12_582_912
    assert a["decoder_layer"] == 16 * d * d == 16_777_216
    assert a["encoder"] == 288 * d * d == 301_989_888
    assert a["decoder"] == 384 * d * d == 402_653_184
    assert a["total"] == 32_768_000 + 672 * d * d == 737_411_072


@pytest.mark.parametrize(
    ("size", "expected"),
    [("small", 60_506_624), ("base", 222_903_552), ("large", 737_668_096)],
)
def test_t5_solver_reproduces_released_checkpoint_sizes(size: str, expected: int) -> None:
    """With every convention of the released T5 (vocab 32,128, tied head, norms and relative bias counted)."""
    solvers = load_module(BANK / "solvers" / "param_counts.py")
    d_model, d_ff, n_layers, heads, d_kv = T5_CONFIGS[size]
    params = {
        "size": size,
        "d_model": d_model,
        "d_ff": d_ff,
        "n_layers": n_layers,
        "heads": heads,
        "d_kv": d_kv,
        "vocab": 32_128,
        "count_rel_bias": True,
        "count_norms": True,
        "tie_lm_head": True,
    }
    assert solvers.t5_params(params).answers["total"] == expected
    assert torch_t5(size, 32_128, True, True, True)["total"] == expected


# --- Q7c: ViT embeddings ----------------------------------------------------------------------------------------


def test_vit_matches_torch(bank_dir: Path) -> None:
    for v in variants(bank_dir, "vision/vit-embedding-params"):
        p = v.params
        with META:
            projection = nn.Conv2d(p["channels"], p["dim"], p["patch"], stride=p["patch"], bias=p["count_bias"])
            tokens = projection(torch.empty(1, p["channels"], p["image"], p["image"])).flatten(2).shape[2]
            cls = nn.Parameter(torch.empty(1, 1, p["dim"]))
            pos = nn.Parameter(torch.empty(1, tokens + 1, p["dim"]))
        assert v.answers["num_patches"] == tokens, where(v)
        assert v.answers["pos_embedding"] == pos.numel(), where(v)
        expected = numel(projection) + (cls.numel() if p["count_cls"] else 0)
        assert v.answers["input_representation"] == expected, where(v)


def test_vit_canonical(bank_dir: Path) -> None:
    a = canonical(bank_dir, "vision/vit-embedding-params").answers
    assert a["num_patches"] == (224 // 8) ** 2 == 784
    assert a["pos_embedding"] == 785 * 512 == 401_920
    assert a["input_representation"] == 8 * 8 * 3 * 512 == 98_304


# --- Q9b: prefix-tuning, LoRA, adapters --------------------------------------------------------------------------

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


@functools.cache
def torch_peft(model: str, positions: int, rank: int, n_targets: int, adapters: int, m: int, bias: bool) -> tuple:
    """Per-user trainable parameters of the three options: one layer's additions built in torch, times layers."""
    layers, d = GPT3[model]
    with META:
        prefix = nn.ParameterDict(
            {"key": nn.Parameter(torch.empty(positions, d)), "value": nn.Parameter(torch.empty(positions, d))}
        )
        lora = nn.ModuleList(
            nn.Sequential(nn.Linear(d, rank, bias=False), nn.Linear(rank, d, bias=False)) for _ in range(n_targets)
        )
        adapter = nn.ModuleList(
            nn.Sequential(nn.Linear(d, m, bias=bias), nn.ReLU(), nn.Linear(m, d, bias=bias)) for _ in range(adapters)
        )
    return layers * numel(prefix), layers * numel(lora), layers * numel(adapter)


def test_peft_matches_torch(bank_dir: Path) -> None:
    for v in variants(bank_dir, "peft/prefix-lora-adapter-params"):
        p = v.params
        assert (p["n_layers"], p["d_model"]) == GPT3[p["model"]], where(v)
        counts = torch_peft(
            p["model"],
            p["prefix"] + p["infix"],
            p["rank"],
            len(p["targets"]),
            p["adapters"],
            p["adapter_dim"],
            p["adapter_bias"],
        )
        for name, count in zip(("prefix", "lora", "adapter"), counts, strict=True):
            assert v.answers[f"{name}_per_user"] == count, where(v)
            assert v.answers[f"{name}_total"] == count * p["users"], where(v)
            assert v.answers[f"{name}_total"] < 10**12, where(v)


def test_peft_canonical(bank_dir: Path) -> None:
    a = canonical(bank_dir, "peft/prefix-lora-adapter-params").answers
    assert a["prefix_per_user"] == 2 * 96 * 12288 * (4 + 4) == 18_874_368
    assert a["lora_per_user"] == 96 * 2 * 2 * (12288 + 12288) == 9_437_184
    assert a["adapter_per_user"] == 96 * 2 * (12288 * 2 + 2 * 12288) == 9_437_184
    assert a["prefix_total"] == 188_743_680_000
    assert a["lora_total"] == a["adapter_total"] == 94_371_840_000


# --- Figures ------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("question_id", "figure"), [("cnn/vgg-params", "vgg_diagram"), ("cnn/bottleneck-params", "bottleneck_diagram")]
)
def test_figures_are_deterministic_valid_svg(bank_dir: Path, question_id: str, figure: str) -> None:
    draw = getattr(load_module(BANK / "solvers" / "figures_arch.py"), figure)
    seen: set[str] = set()
    for v in variants(bank_dir, question_id):
        svg = draw(v.params)
        assert svg == draw(v.params), where(v)
        root = ET.fromstring(svg)
        assert root.tag == "{http://www.w3.org/2000/svg}svg", where(v)
        assert root.get("viewBox") and root.get("width", "").endswith("mm"), where(v)
        assert float(root.get("width", "0")[:-2]) <= 170, where(v)
        assert not any(element.get("id") for element in root.iter()), where(v)
        seen.add(svg)
    assert len(seen) > 5


def test_figure_labels_follow_parameters() -> None:
    figures = load_module(BANK / "solvers" / "figures_arch.py")
    params: Mapping[str, Any] = {
        "depth": 11,
        "letter": "A",
        "c_in": 1,
        "image": 64,
        "classes": 10,
        "fc_width": 512,
        "stages": ((64,), (128,), (256, 256), (512, 512), (512, 512)),
    }
    svg = figures.vgg_diagram(params)
    assert svg.count("conv, ") == 8 and svg.count("max-pool") == 5 and "FC 10, softmax" in svg
    svg = figures.bottleneck_diagram({"channels": 1024, "ratio": 4, "kernel": 3, "conv_bias": False})
    assert "1024 &#8594; 256" in svg and "256 &#8594; 1024" in svg and "3&#215;3 conv, 256 &#8594; 256" in svg
