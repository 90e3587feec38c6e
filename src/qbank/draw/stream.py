"""A question's random stream: numpy's PCG64 generator, read through the three draws the draw stage makes."""

from __future__ import annotations

from typing import Protocol

import numpy as np

from qbank.speedups import pcgfast


class RandomStream(Protocol):
    """What the draw stage reads from a seeded stream."""

    def below(self, n: int) -> int:
        """A uniform integer in [0, n)."""

    def many_below(self, n: int, count: int) -> list[int]:
        """`count` uniform integers in [0, n)."""

    def sample(self, n: int, k: int) -> list[int]:
        """k distinct integers from [0, n) in drawn order."""


class Stream:
    """Uniform integers, sized draws and samples from `numpy.random.Generator(numpy.random.PCG64(seed))`."""

    __slots__ = ("_generator",)

    def __init__(self, seed: int) -> None:
        self._generator = np.random.Generator(np.random.PCG64(seed))

    def below(self, n: int) -> int:
        """A uniform integer in [0, n) (`integers(0, n)`)."""
        return int(self._generator.integers(0, n))

    def many_below(self, n: int, count: int) -> list[int]:
        """`count` uniform integers in [0, n) (`integers(0, n, size=count)`)."""
        return self._generator.integers(0, n, size=count, dtype=np.int64).tolist()

    def sample(self, n: int, k: int) -> list[int]:
        """k distinct integers from [0, n) in drawn order (`choice(n, k, replace=False)`)."""
        return self._generator.choice(n, size=k, replace=False).tolist()


def new_stream(seed: int) -> RandomStream:
    """The random stream of a 128-bit seed: numpy's generator, or the `pcgfast` speed-up when it is installed."""
    return pcgfast.PCG64Stream(seed) if pcgfast.installed() else Stream(seed)
