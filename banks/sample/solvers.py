"""Solvers, a figure and a parameter function for the sample bank."""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping
from typing import Any

from qbank.registry import Solution, figure, param_function, solver


@solver("sample.dense_params")
def dense_params(p: Mapping[str, Any]) -> Solution:
    """Weights and biases of a stack of fully connected layers."""
    widths = [p["inputs"], *p["hidden"], p["outputs"]]
    layers = [{"n_in": a, "n_out": b, "weights": a * b, "biases": b} for a, b in itertools.pairwise(widths)]
    total = sum(layer["weights"] + layer["biases"] for layer in layers)
    return Solution(answers={"total": total}, steps={"layers": layers})


@solver("sample.softmax")
def softmax(p: Mapping[str, Any]) -> Solution:
    """Softmax of a logit vector at a temperature, and the cross-entropy of the target class."""
    scaled = [z / p["temperature"] for z in p["logits"]]
    top = max(scaled)
    exps = [math.exp(z - top) for z in scaled]
    total = sum(exps)
    probs = [e / total for e in exps]
    loss = -math.log(probs[p["target"]])
    return Solution(answers={"probs": probs, "loss": loss}, steps={"scaled": scaled, "exps": exps, "sum": total})


@solver("sample.matmul")
def matmul(p: Mapping[str, Any]) -> Solution:
    """Product of two small integer matrices and the name of the larger trace."""
    a, b = p["a"], p["b"]
    product = [[sum(a[i][k] * b[k][j] for k in range(len(b))) for j in range(len(b[0]))] for i in range(len(a))]
    trace = sum(product[i][i] for i in range(len(product)))
    return Solution(answers={"product": product, "trace": trace, "sign": "positive" if trace > 0 else "non-positive"})


@solver("sample.scaling")
def scaling(p: Mapping[str, Any]) -> Solution:
    """Compute-optimal growth factors for a compute multiplier under a power law."""
    growth = p["multiplier"] ** p["exponent"]
    return Solution(answers={"growth": growth}, steps={"log10": math.log10(growth)})


@param_function("sample.hidden_widths")
def hidden_widths(p: Mapping[str, Any]) -> list[int]:
    """Hidden widths halving from the first width, one per hidden layer."""
    return [p["first_width"] // 2**i for i in range(p["depth"])]


@figure("sample.layer_diagram")
def layer_diagram(p: Mapping[str, Any]) -> str:
    """A row of boxes, one per layer, labelled with its width."""
    widths = [p["inputs"], *p["hidden"], p["outputs"]]
    boxes = []
    for i, w in enumerate(widths):
        x = 10 + i * 70
        boxes.append(
            f'<rect x="{x}" y="10" width="50" height="30" fill="none" stroke="black"/>'
            f'<text x="{x + 25}" y="30" text-anchor="middle" font-size="12">{w}</text>'
        )
        if i:
            boxes.append(f'<line x1="{x - 20}" y1="25" x2="{x}" y2="25" stroke="black"/>')
    width = 20 + 70 * len(widths)
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} 50" width="{width * 0.35:.1f}mm" '
        f'font-family="TeX Gyre Termes, serif">{"".join(boxes)}</svg>'
    )
