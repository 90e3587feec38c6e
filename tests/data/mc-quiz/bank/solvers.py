"""Solvers, misconceptions and a figure of the shared multiple-choice test bank (tests/mc_bank.py): the well-behaved
ones the questions use and `lin.raises` to `lin.half`, misconceptions that misbehave for the `qbank check` tests."""

from qbank.registry import Solution, figure, misconception, solver


@solver("lin.params")
def lin(p):
    """Weights and biases of a linear layer."""
    return Solution(answers={"total": p["i"] * p["o"] + p["o"]})


@solver("dense.params")
def dense(p):
    """Weights and biases of a linear layer, the layer's kind and its weight shape."""
    return Solution(answers={"total": p["i"] * p["o"] + p["o"], "name": "dense", "shape": [p["i"], p["o"]]})


@misconception("lin.no_bias", "counted the weights but not the biases")
def no_bias(p):
    """Weights only."""
    return p["i"] * p["o"]


@misconception("lin.bias_in", "counted one bias per input instead of per output")
def bias_in(p):
    """Biases per input."""
    return p["i"] * p["o"] + p["i"]


@misconception("lin.sum", "added the sizes instead of multiplying them")
def summed(p):
    """Sizes added."""
    return p["i"] + p["o"]


@misconception("lin.raises", "divided by the wrong size")
def raises(p):
    """Divides by zero."""
    return p["i"] // (p["o"] - p["o"])


@misconception("lin.nan", "took the logarithm of a negative size")
def nan(p):
    """Not a number."""
    return float("nan")


@misconception("lin.huge", "multiplied by ten to the sixteenth")
def huge(p):
    """Beyond what a float holds exactly."""
    return 10**16 + p["i"]


@misconception("lin.half", "counted half a bias")
def half(p):
    """Not a whole number."""
    return 2.5


@solver("plain.product")
def product(p):
    """A product, with no misconception."""
    return Solution(answers={"cells": p["a"] * p["b"]})


@solver("shift.delta")
def delta(p):
    """The change of a value, and the mean of the two readings."""
    return Solution(answers={"delta": round(p["new"] - p["old"], 2), "mean": round((p["new"] + p["old"]) / 2, 2)})


@misconception("shift.reversed", "subtracted the new value from the old one")
def reversed_delta(p):
    """Old minus new."""
    return round(p["old"] - p["new"], 2)


@misconception("shift.added", "added the two values instead of subtracting")
def added(p):
    """Old plus new."""
    return round(p["old"] + p["new"], 2)


@solver("growth.ratio")
def ratio(p):
    """How much an N^1.5 cost grows from m to n."""
    return Solution(answers={"ratio": (p["n"] / p["m"]) ** 1.5})


@solver("word.pick")
def pick(p):
    """The decision of a one-sided test."""
    return Solution(answers={"winner": "do not reject" if p["z"] < 20 else "reject"})


@solver("vec.scale")
def scale(p):
    """A vector scaled by s."""
    return Solution(answers={"scaled": [p["s"] * x / 7 for x in (1, 2, 3)]})


@figure("vec.bars")
def bars(p):
    """A bar as tall as s."""
    height = 10 * p["s"]
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="60" height="{height + 10}">'
        f'<rect x="10" y="5" width="20" height="{height}" fill="#4477aa"/></svg>'
    )
