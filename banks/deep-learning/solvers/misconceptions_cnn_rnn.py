"""Misconceptions of the CNN, language-model and RNN counting questions: each function returns the answer a
student gets by making one named mistake, computed directly from the parameters (CS60010 Q1, Q2, Q3a, Q3b)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from qbank.registry import misconception

Params = Mapping[str, Any]

# --- Q1: VGG, total learnable parameters ------------------------------------------------------------------------


def _vgg_conv(p: Params, kernel_area: int) -> int:
    """Weights and biases of the 8 to 16 convolutions, each with `kernel_area` weights per channel pair."""
    total, channels = 0, int(p["c_in"])
    for stage in p["stages"]:
        for width in stage:
            total += kernel_area * channels * int(width) + int(width)
            channels = int(width)
    return total


def _vgg_fc(p: Params, flat: int) -> int:
    """Weights and biases of the three fully connected layers when FC1 reads `flat` inputs."""
    widths = [flat, int(p["fc_width"]), int(p["fc_width"]), int(p["classes"])]
    return sum(widths[j] * widths[j + 1] + widths[j + 1] for j in range(3))


def _last_channels(p: Params) -> int:
    """Channels of the last convolution."""
    return int(p["stages"][-1][-1])


@misconception("cnn.vgg_conv_only", "counted the convolutional layers but forgot the fully connected layers")
def vgg_conv_only(p: Params) -> int:
    """Only the convolutions, biases included."""
    return _vgg_conv(p, 9)


@misconception("cnn.vgg_four_pools", "halved the image side only four times before flattening into FC1, not five")
def vgg_four_pools(p: Params) -> int:
    """FC1 reads a (side / 16)^2 x 512 map."""
    side = int(p["image"]) // 16
    return _vgg_conv(p, 9) + _vgg_fc(p, side * side * _last_channels(p))


@misconception("cnn.vgg_no_kernel_area", "counted one weight per pair of channels, forgetting the 3 × 3 kernel")
def vgg_no_kernel_area(p: Params) -> int:
    """Convolutions with c_in x c_out weights each (as if 1 x 1)."""
    side = int(p["image"]) // 32
    return _vgg_conv(p, 1) + _vgg_fc(p, side * side * _last_channels(p))


@misconception("cnn.vgg_fc1_channels_only", "fed FC1 only the 512 channels, forgetting the side of the last map")
def vgg_fc1_channels_only(p: Params) -> int:
    """FC1 reads the channel count alone, as if the map were pooled to 1 x 1."""
    return _vgg_conv(p, 9) + _vgg_fc(p, _last_channels(p))


# --- Q2: plain residual block, total ----------------------------------------------------------------------------


def _plain(p: Params, weights_per_pair: int) -> int:
    """The plain block's convolution with `weights_per_pair` weights per channel pair, and its batch norm."""
    c = int(p["channels"])
    return weights_per_pair * c * c + (c if p["conv_bias"] else 0) + 2 * c


@misconception(
    "cnn.plain_bn_running_stats", "counted batch norm's running mean and variance as parameters (4 per channel)"
)
def plain_bn_running_stats(p: Params) -> int:
    """Four numbers per normalized channel."""
    return _plain(p, int(p["kernel"]) ** 2) + 2 * int(p["channels"])


@misconception("cnn.plain_kernel_side_not_area", "multiplied by the kernel side k instead of its area k × k")
def plain_kernel_side_not_area(p: Params) -> int:
    """k weights per channel pair."""
    return _plain(p, int(p["kernel"]))


@misconception("cnn.plain_projection_skip", "gave the skip connection a 1 × 1 projection convolution, not the identity")
def plain_projection_skip(p: Params) -> int:
    """The block plus a C x C 1 x 1 convolution (with a bias when the convolutions have one)."""
    c = int(p["channels"])
    return _plain(p, int(p["kernel"]) ** 2) + c * c + (c if p["conv_bias"] else 0)


# --- Q2: bottleneck residual block, total ---------------------------------------------------------------------


def _bottleneck_convs(p: Params, outer: int, middle: int) -> int:
    """The three convolutions' parameters with `outer` and `middle` weights per channel pair."""
    c, mid = int(p["channels"]), int(p["mid"])
    bias = (mid + mid + c) if p["conv_bias"] else 0
    return outer * c * mid + middle * mid * mid + outer * mid * c + bias


@misconception("cnn.bn_running_stats", "counted batch norm's running mean and variance as parameters (4 per channel)")
def bn_running_stats(p: Params) -> int:
    """Four numbers per normalized channel instead of gamma and beta."""
    k = int(p["kernel"])
    return _bottleneck_convs(p, 1, k * k) + 4 * (int(p["channels"]) + 2 * int(p["mid"]))


@misconception(
    "cnn.bottleneck_all_kxk", "used the k × k kernel for all three convolutions, not 1 × 1 for the outer two"
)
def bottleneck_all_kxk(p: Params) -> int:
    """Every convolution with k x k weights per channel pair."""
    k = int(p["kernel"])
    return _bottleneck_convs(p, k * k, k * k) + 2 * (int(p["channels"]) + 2 * int(p["mid"]))


@misconception("cnn.kernel_side_not_area", "multiplied by the kernel side k instead of its area k × k")
def kernel_side_not_area(p: Params) -> int:
    """The middle convolution with k weights per channel pair."""
    return _bottleneck_convs(p, 1, int(p["kernel"])) + 2 * (int(p["channels"]) + 2 * int(p["mid"]))


# --- Q3a: fixed-window neural language model, total -------------------------------------------------------------


def _embeddings(p: Params) -> int:
    """The learned embedding matrix, or nothing when the vectors are fixed."""
    return int(p["vocab"]) * int(p["emb_dim"]) if p["learned_embeddings"] else 0


@misconception("nlm.one_word_input", "fed the hidden layer one word vector, not the window's vectors concatenated")
def nlm_one_word_input(p: Params) -> int:
    """Hidden layer of size d x h."""
    h = int(p["hidden"])
    return int(p["emb_dim"]) * h + h * int(p["vocab"]) + _embeddings(p)


@misconception("nlm.softmax_no_weights", "treated the softmax output layer as having no weights")
def nlm_softmax_no_weights(p: Params) -> int:
    """Only the hidden layer (and any learned embeddings)."""
    return int(p["window"]) * int(p["emb_dim"]) * int(p["hidden"]) + _embeddings(p)


@misconception("nlm.with_biases", "added the hidden and output biases although told to ignore them")
def nlm_with_biases(p: Params) -> int:
    """Weights plus one bias per hidden unit and per vocabulary word."""
    h, v = int(p["hidden"]), int(p["vocab"])
    return (int(p["window"]) * int(p["emb_dim"]) + 1) * h + (h + 1) * v + _embeddings(p)


# --- Q3b: Bi-LSTM tagger, total --------------------------------------------------------------------------------


def _tags(p: Params) -> int:
    """Tags of the scheme: B/I (or B/I/E/S) per entity type, plus O."""
    return (2 if p["scheme"] == "BIO" else 4) * len(p["entity_types"]) + 1


def _recurrent(gates: int, d: int, h: int, bias: bool) -> int:
    """A recurrent layer with `gates` gates, each with W (h x d), U (h x h) and optionally a bias of h."""
    return gates * (h * d + h * h + (h if bias else 0))


@misconception("rnn.one_direction", "counted only the forward LSTM and its output layer, as if unidirectional")
def bilstm_one_direction(p: Params) -> int:
    """A unidirectional LSTM of the forward size with its own output layer."""
    h = int(p["h_fwd"])
    return _recurrent(4, int(p["emb_dim"]), h, False) + h * _tags(p)


@misconception("rnn.three_gates", "used 3 gates, as in a GRU, instead of the LSTM's 4")
def bilstm_three_gates(p: Params) -> int:
    """Both directions with three gates."""
    d, hf, hb = int(p["emb_dim"]), int(p["h_fwd"]), int(p["h_bwd"])
    return _recurrent(3, d, hf, False) + _recurrent(3, d, hb, False) + (hf + hb) * _tags(p)


@misconception("rnn.with_biases", "added a bias per gate unit and per tag although told to ignore biases")
def bilstm_with_biases(p: Params) -> int:
    """Both directions and the output layer with biases."""
    d, hf, hb = int(p["emb_dim"]), int(p["h_fwd"]), int(p["h_bwd"])
    return _recurrent(4, d, hf, True) + _recurrent(4, d, hb, True) + (hf + hb + 1) * _tags(p)


@misconception("rnn.no_tag_prefixes", "used one tag per entity type plus O, forgetting the B-/I- (E-/S-) prefixes")
def bilstm_no_tag_prefixes(p: Params) -> int:
    """The output layer with k + 1 tags."""
    d, hf, hb = int(p["emb_dim"]), int(p["h_fwd"]), int(p["h_bwd"])
    return _recurrent(4, d, hf, False) + _recurrent(4, d, hb, False) + (hf + hb) * (len(p["entity_types"]) + 1)
