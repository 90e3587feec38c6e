"""Misconceptions of the transformer, ViT and PEFT counting questions: each function returns the answer a student
gets by making one named mistake, computed directly from the parameters (CS60010 Q3c, Q7a, Q7c, Q9b)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from qbank.registry import misconception

Params = Mapping[str, Any]

BERT_HIDDEN = {"base": 768, "large": 1024}
T5_BUCKETS = 32

# --- Q3c: BERT classification head, total -------------------------------------------------------------------------


def _head(hidden: int, p: Params) -> int:
    """A linear classifier from `hidden` to the classes, with biases only when the question counts them."""
    classes = int(p["classes"])
    return hidden * classes + (classes if p["bias"] else 0)


@misconception("transformer.bert_pooler_counted", "counted BERT's pooler layer (H × H weights and H biases) as new")
def bert_pooler_counted(p: Params) -> int:
    """The pre-trained pooler counted as task-specific, then the classifier."""
    h = int(p["hidden"])
    return h * h + h + _head(h, p)


@misconception("transformer.bert_cls_embedding", "counted the [CLS] token's embedding as a new task-specific vector")
def bert_cls_embedding(p: Params) -> int:
    """One H-vector for [CLS] plus the classifier."""
    h = int(p["hidden"])
    return h + _head(h, p)


@misconception("transformer.bert_other_size", "mixed up the hidden sizes of BERT-base (768) and BERT-large (1024)")
def bert_other_size(p: Params) -> int:
    """The classifier on the other model's hidden size."""
    other = BERT_HIDDEN["large" if p["size"] == "base" else "base"]
    return _head(other, p)


# --- Q7a: T5, total -----------------------------------------------------------------------------------------------


def _t5_total(p: Params, *, heads_counted: int, projections: int, cross: bool, ffn_matrices: int) -> int:
    """T5's total under the question's conventions, with `heads_counted` V x d matrices (embedding, LM head),
    `projections` matrices per attention, decoder cross-attention or not, and `ffn_matrices` per FFN."""
    d, d_ff, layers = int(p["d_model"]), int(p["d_ff"]), int(p["n_layers"])
    inner = int(p["heads"]) * int(p["d_kv"])
    norm = d if p["count_norms"] else 0
    relative = T5_BUCKETS * int(p["heads"]) if p["count_rel_bias"] else 0
    attention = projections * d * inner
    ffn = ffn_matrices * d * d_ff
    encoder = layers * (attention + ffn + 2 * norm) + relative + norm
    decoder_attentions = 2 if cross else 1
    decoder = layers * (decoder_attentions * attention + ffn + (decoder_attentions + 1) * norm) + relative + norm
    return heads_counted * int(p["vocab"]) * d + encoder + decoder


def _matrices(p: Params) -> int:
    """V x d matrices the key counts: the shared embedding, plus the LM head when untied."""
    return 1 if p["tie_lm_head"] else 2


@misconception("transformer.t5_tied_head_counted", "counted the LM head as its own matrix although it is tied")
def t5_tied_head_counted(p: Params) -> int:
    """The embedding and a separate LM head, whatever the tying."""
    return _t5_total(p, heads_counted=2, projections=4, cross=True, ffn_matrices=2)


@misconception("transformer.t5_no_cross_attention", "forgot the cross-attention in every decoder layer")
def t5_no_cross_attention(p: Params) -> int:
    """Decoder layers built like encoder layers."""
    return _t5_total(p, heads_counted=_matrices(p), projections=4, cross=False, ffn_matrices=2)


@misconception("transformer.t5_no_output_projection", "counted W_q, W_k and W_v but not the attention output W_o")
def t5_no_output_projection(p: Params) -> int:
    """Three projections per attention."""
    return _t5_total(p, heads_counted=_matrices(p), projections=3, cross=True, ffn_matrices=2)


@misconception("transformer.t5_one_ffn_matrix", "counted one feed-forward matrix (d × d_ff) per layer instead of two")
def t5_one_ffn_matrix(p: Params) -> int:
    """The feed-forward network with a single matrix."""
    return _t5_total(p, heads_counted=_matrices(p), projections=4, cross=True, ffn_matrices=1)


# --- Q7c: ViT positional embeddings and input representation ------------------------------------------------------


def _patches(p: Params) -> int:
    """Number of patches."""
    return (int(p["image"]) // int(p["patch"])) ** 2


@misconception("vision.pos_no_class_token", "gave positions to the patches only, forgetting the class token's")
def pos_no_class_token(p: Params) -> int:
    """N D."""
    return _patches(p) * int(p["dim"])


@misconception("vision.pos_per_pixel", "counted one position per pixel instead of one per patch")
def pos_per_pixel(p: Params) -> int:
    """(H W + 1) D."""
    return (int(p["image"]) ** 2 + 1) * int(p["dim"])


@misconception("vision.pos_patch_length", "sized each positional vector like a flattened patch (P·P·C), not D")
def pos_patch_length(p: Params) -> int:
    """(N + 1) P^2 C."""
    return (_patches(p) + 1) * int(p["patch"]) ** 2 * int(p["channels"])


def _vit(p: Params, inputs: int, outputs: int, copies: int = 1) -> int:
    """`copies` projections of `inputs` values to `outputs` (bias as stated), plus the class token if counted."""
    projection = inputs * outputs + (outputs if p["count_bias"] else 0)
    return copies * projection + (int(p["dim"]) if p["count_cls"] else 0)


@misconception("vision.vit_projection_per_patch", "gave every patch its own projection matrix instead of one shared")
def vit_projection_per_patch(p: Params) -> int:
    """One projection (and bias) per patch."""
    side = int(p["image"]) // int(p["patch"])
    patch_values = int(p["patch"]) ** 2 * int(p["channels"])
    return _vit(p, patch_values, int(p["dim"]), side * side)


@misconception("vision.vit_patch_own_size", "mapped each patch to a vector of its own length (P·P·C), not to D")
def vit_patch_own_size(p: Params) -> int:
    """A square projection of the flattened patch (the class token still has D entries)."""
    patch_values = int(p["patch"]) ** 2 * int(p["channels"])
    return _vit(p, patch_values, patch_values)


@misconception("vision.vit_no_channels", "flattened a patch into P × P values, forgetting its channels")
def vit_no_channels(p: Params) -> int:
    """The projection reads P^2 values."""
    return _vit(p, int(p["patch"]) ** 2, int(p["dim"]))


@misconception("vision.vit_positions_in_input", "added the positional embeddings to the input representation count")
def vit_positions_in_input(p: Params) -> int:
    """The projection, the class token if counted, and one D-vector per position (patches and class token)."""
    side = int(p["image"]) // int(p["patch"])
    dim = int(p["dim"])
    return _vit(p, int(p["patch"]) ** 2 * int(p["channels"]), dim) + (side * side + 1) * dim


# --- Q9b: LoRA, per user -----------------------------------------------------------------------------------------


@misconception("peft.lora_full_update", "counted a full d × d update for every adapted matrix, not its two factors")
def lora_full_update(p: Params) -> int:
    """d^2 per adapted matrix per layer."""
    d = int(p["d_model"])
    return int(p["n_layers"]) * len(p["targets"]) * d * d


@misconception("peft.lora_one_factor", "counted only one low-rank factor (r × d) per matrix, not both A and B")
def lora_one_factor(p: Params) -> int:
    """r d per adapted matrix per layer."""
    return int(p["n_layers"]) * len(p["targets"]) * int(p["rank"]) * int(p["d_model"])


@misconception("peft.lora_one_layer", "counted the LoRA factors of one layer only, not of every layer")
def lora_one_layer(p: Params) -> int:
    """2 r d per adapted matrix, once."""
    return len(p["targets"]) * 2 * int(p["rank"]) * int(p["d_model"])
