"""Solvers for the parameter-counting questions of the deep-learning bank (CS60010 Q1, Q2, Q3, Q7, Q9)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from qbank.registry import Solution, param_function, solver

Params = Mapping[str, Any]

# Convolutional channel widths of each VGG stage (Simonyan & Zisserman 2015, Table 1, configs A, B, D, E).
VGG_STAGES: dict[int, tuple[tuple[int, ...], ...]] = {
    11: ((64,), (128,), (256, 256), (512, 512), (512, 512)),
    13: ((64, 64), (128, 128), (256, 256), (512, 512), (512, 512)),
    16: ((64, 64), (128, 128), (256, 256, 256), (512, 512, 512), (512, 512, 512)),
    19: ((64, 64), (128, 128), (256, 256, 256, 256), (512, 512, 512, 512), (512, 512, 512, 512)),
}

T5_RELATIVE_BUCKETS = 32


@param_function("cnn.vgg_stages")
def vgg_stages(p: Params) -> list[list[int]]:
    """Return the conv channel widths of each of the five stages of VGG-`depth`."""
    return [list(stage) for stage in VGG_STAGES[int(p["depth"])]]


@solver("cnn.vgg_params")
def vgg_params(p: Params) -> Solution:
    """Count weights and biases of every conv and FC layer of a VGG network without adaptive pooling."""
    size, channels = int(p["image"]), int(p["c_in"])
    layers: list[dict[str, Any]] = []
    number = 0
    for s, stage in enumerate(VGG_STAGES[int(p["depth"])], start=1):
        for i, width in enumerate(stage, start=1):
            number += 1
            weights = 3 * 3 * channels * width
            layers.append(
                {
                    "kind": "conv",
                    "number": number,
                    "name": f"conv{s}_{i}",
                    "c_in": channels,
                    "c_out": width,
                    "size": size,
                    "weights": weights,
                    "biases": width,
                    "params": weights + width,
                }
            )
            channels = width
        size //= 2
        layers.append({"kind": "pool", "name": f"pool{s}", "c_out": channels, "size": size})
    flat = size * size * channels
    widths = [flat, int(p["fc_width"]), int(p["fc_width"]), int(p["classes"])]
    for j in range(3):
        number += 1
        weights = widths[j] * widths[j + 1]
        layers.append(
            {
                "kind": "fc",
                "number": number,
                "name": f"FC{j + 1}",
                "n_in": widths[j],
                "n_out": widths[j + 1],
                "weights": weights,
                "biases": widths[j + 1],
                "params": weights + widths[j + 1],
            }
        )
    convs = [layer for layer in layers if layer["kind"] == "conv"]
    fcs = [layer for layer in layers if layer["kind"] == "fc"]
    answers = {
        "conv_weights": sum(layer["weights"] for layer in convs),
        "conv_biases": sum(layer["biases"] for layer in convs),
        "fc_weights": sum(layer["weights"] for layer in fcs),
        "fc_biases": sum(layer["biases"] for layer in fcs),
    }
    answers["total_params"] = sum(answers.values())
    steps = {
        "layers": layers,
        "final_size": size,
        "final_channels": channels,
        "flat": flat,
        "n_weight_layers": number,
        "n_conv": len(convs),
        "fc1_weights": fcs[0]["weights"],
    }
    return Solution(answers=answers, steps=steps)


def _conv_stage(c_in: int, c_out: int, k: int, bias: bool) -> dict[str, int]:
    """Return the parameter counts of one BN -> ReLU -> k x k conv unit."""
    weights = k * k * c_in * c_out
    biases = c_out if bias else 0
    return {
        "c_in": c_in,
        "c_out": c_out,
        "k": k,
        "bn": 2 * c_in,
        "weights": weights,
        "biases": biases,
        "conv": weights + biases,
        "total": 2 * c_in + weights + biases,
    }


@solver("cnn.bottleneck_params")
def bottleneck_params(p: Params) -> Solution:
    """Count the learnable parameters of a pre-activation plain residual block and a bottleneck block."""
    c, k, bias = int(p["channels"]), int(p["kernel"]), bool(p["conv_bias"])
    mid = c // int(p["ratio"])
    plain = _conv_stage(c, c, k, bias)
    stages = [_conv_stage(c, mid, 1, bias), _conv_stage(mid, mid, k, bias), _conv_stage(mid, c, 1, bias)]
    answers = {
        "plain_conv": plain["conv"],
        "plain_bn": plain["bn"],
        "plain_total": plain["total"],
        "bottleneck_conv": sum(s["conv"] for s in stages),
        "bottleneck_bn": sum(s["bn"] for s in stages),
        "bottleneck_total": sum(s["total"] for s in stages),
    }
    steps = {
        "mid": mid,
        "plain": plain,
        "stages": stages,
        "saving": answers["plain_total"] / answers["bottleneck_total"],
    }
    return Solution(answers=answers, steps=steps)


@solver("nlm.fixed_window_params")
def fixed_window_params(p: Params) -> Solution:
    """Count the weights of a fixed-window neural language model (no biases)."""
    n, vocab, d, h = int(p["window"]), int(p["vocab"]), int(p["emb_dim"]), int(p["hidden"])
    input_dim = n * d
    answers = {
        "input_dim": input_dim,
        "hidden_weights": input_dim * h,
        "output_weights": h * vocab,
        "embedding_params": vocab * d if p["learned_embeddings"] else 0,
    }
    answers["total"] = answers["hidden_weights"] + answers["output_weights"] + answers["embedding_params"]
    return Solution(answers=answers, steps={})


def _lstm_weights(d_in: int, hidden: int) -> dict[str, int]:
    """Return the bias-free weight counts of one LSTM direction with four gates."""
    w, u = hidden * d_in, hidden * hidden
    return {"hidden": hidden, "w": w, "u": u, "per_gate": w + u, "total": 4 * (w + u)}


@solver("rnn.bilstm_ner_params")
def bilstm_ner_params(p: Params) -> Solution:
    """Count the weights of a BiLSTM tagger with a linear output layer (no biases, fixed embeddings)."""
    k, d = len(p["entity_types"]), int(p["emb_dim"])
    n_tags = 2 * k + 1 if p["scheme"] == "BIO" else 4 * k + 1
    forward, backward = _lstm_weights(d, int(p["h_fwd"])), _lstm_weights(d, int(p["h_bwd"]))
    concat = int(p["h_fwd"]) + int(p["h_bwd"])
    answers = {
        "n_tags": n_tags,
        "forward": forward["total"],
        "backward": backward["total"],
        "output": concat * n_tags,
    }
    answers["total"] = answers["forward"] + answers["backward"] + answers["output"]
    steps = {"n_types": k, "forward": forward, "backward": backward, "concat": concat}
    return Solution(answers=answers, steps=steps)


@solver("transformer.bert_head_params")
def bert_head_params(p: Params) -> Solution:
    """Count the task-specific parameters of a linear classification head on BERT's pooled [CLS] vector."""
    hidden, classes = int(p["hidden"]), int(p["classes"])
    answers = {"weights": hidden * classes, "biases": classes if p["bias"] else 0}
    answers["total"] = answers["weights"] + answers["biases"]
    return Solution(answers=answers, steps={})


@solver("transformer.t5_params")
def t5_params(p: Params) -> Solution:
    """Count the parameters of a T5 encoder-decoder under the conventions stated in the question."""
    d, d_ff, n_layers = int(p["d_model"]), int(p["d_ff"]), int(p["n_layers"])
    heads, d_kv, vocab = int(p["heads"]), int(p["d_kv"]), int(p["vocab"])
    inner = heads * d_kv
    norm = d if p["count_norms"] else 0
    rel_bias = T5_RELATIVE_BUCKETS * heads if p["count_rel_bias"] else 0
    attention = 4 * d * inner
    ffn = 2 * d * d_ff
    enc_layer = attention + ffn + 2 * norm
    dec_layer = 2 * attention + ffn + 3 * norm
    answers = {
        "embedding": vocab * d,
        "lm_head": 0 if p["tie_lm_head"] else vocab * d,
        "encoder_layer": enc_layer,
        "decoder_layer": dec_layer,
        "encoder": n_layers * enc_layer + rel_bias + norm,
        "decoder": n_layers * dec_layer + rel_bias + norm,
    }
    answers["total"] = answers["embedding"] + answers["lm_head"] + answers["encoder"] + answers["decoder"]
    steps = {
        "inner": inner,
        "attention": attention,
        "ffn": ffn,
        "norm": norm,
        "rel_bias": rel_bias,
        "buckets": T5_RELATIVE_BUCKETS,
        "enc_layers_total": n_layers * enc_layer,
        "dec_layers_total": n_layers * dec_layer,
    }
    return Solution(answers=answers, steps=steps)


@solver("vision.vit_embedding_params")
def vit_embedding_params(p: Params) -> Solution:
    """Count ViT positional-embedding and input-representation parameters under the stated convention."""
    image, patch, channels, dim = int(p["image"]), int(p["patch"]), int(p["channels"]), int(p["dim"])
    side = image // patch
    patch_dim = patch * patch * channels
    weights = patch_dim * dim
    biases = dim if p["count_bias"] else 0
    cls = dim if p["count_cls"] else 0
    answers = {
        "num_patches": side * side,
        "pos_embedding": (side * side + 1) * dim,
        "input_representation": weights + biases + cls,
    }
    steps = {"side": side, "patch_dim": patch_dim, "weights": weights, "biases": biases, "cls": cls}
    return Solution(answers=answers, steps=steps)


PEFT_NAMES = {"prefix": "prefix-tuning", "lora": "LoRA", "adapter": "adapters"}


def _ranking(per_user: Mapping[str, int]) -> list[dict[str, Any]]:
    """Order the methods by per-user count; `tie` marks a method equal to the one before it."""
    order = sorted(per_user, key=lambda key: (per_user[key], key))
    return [
        {"name": PEFT_NAMES[key], "count": per_user[key], "tie": i > 0 and per_user[key] == per_user[order[i - 1]]}
        for i, key in enumerate(order)
    ]


@solver("peft.prefix_lora_adapter_params")
def prefix_lora_adapter_params(p: Params) -> Solution:
    """Count per-user and all-user parameters of prefix-tuning, LoRA and adapters on a GPT-3 model."""
    n_layers, d, users = int(p["n_layers"]), int(p["d_model"]), int(p["users"])
    positions = int(p["prefix"]) + int(p["infix"])
    prefix_layer = 2 * d * positions
    r, n_targets = int(p["rank"]), len(p["targets"])
    lora_matrix = r * (d + d)
    m, n_adapters = int(p["adapter_dim"]), int(p["adapters"])
    down = d * m + (m if p["adapter_bias"] else 0)
    up = m * d + (d if p["adapter_bias"] else 0)
    per_user = {
        "prefix": n_layers * prefix_layer,
        "lora": n_layers * n_targets * lora_matrix,
        "adapter": n_layers * n_adapters * (down + up),
    }
    answers: dict[str, int] = {}
    for method, count in per_user.items():
        answers[f"{method}_per_user"] = count
        answers[f"{method}_total"] = count * users
    steps = {
        "positions": positions,
        "prefix_layer": prefix_layer,
        "lora_matrix": lora_matrix,
        "lora_layer": n_targets * lora_matrix,
        "n_targets": n_targets,
        "down": down,
        "up": up,
        "adapter": down + up,
        "adapter_layer": n_adapters * (down + up),
        "ranking": _ranking(per_user),
    }
    return Solution(answers=answers, steps=steps)
