"""Solvers and misconceptions of the multiple-choice test bank (tests/test_choices_*.py)."""

from qbank.registry import Solution, misconception, solver


@solver("lin.params")
def lin(p):
    """Weights and biases of a linear layer."""
    return Solution(answers={"total": p["i"] * p["o"] + p["o"]})


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
