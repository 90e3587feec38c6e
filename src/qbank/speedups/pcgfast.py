"""Speed-up `pcgfast`: numpy's PCG64 random stream, drawn in Python for the draws the draw stage makes.

`PCG64Stream(seed)` yields exactly the numbers `numpy.random.Generator(numpy.random.PCG64(seed))` yields
for `integers(0, n)` (scalar or sized) and `choice(n, k, replace=False)`: numpy's own SeedSequence pool,
then the same state words, the same 128-bit LCG with the XSL-RR output, the same 32-bit halves of each
64-bit output and the same Lemire rejection. Building numpy's generator costs ~40 µs and each scalar draw
~4 µs of call overhead; a variant needs a fresh stream and a handful of small draws, which this does
several times faster (`qbank check` of the deep-learning bank: about a fifth less CPU, benchmarks/speedups.py).
tests/test_pcg_parity.py checks it against numpy's own generator (`qbank.draw.stream.Stream`, the plain path)
across many seeds, ranges and sample sizes; `install()` makes `qbank.draw.stream.new_stream` use it.
"""

from __future__ import annotations

import numpy as np

MASK32 = (1 << 32) - 1
MASK64 = (1 << 64) - 1
MASK128 = (1 << 128) - 1
PCG_MULTIPLIER = 0x2360ED051FC65DA44385DF649FCCF645
MAX_INT64_HIGH = 1 << 63  # numpy's integers(0, n) takes n up to 2**63 (it draws int64)


def _hash_constants(init: int, multiplier: int, count: int) -> tuple[tuple[int, int], ...]:
    """SeedSequence's hash constants, as (xor, multiply) pairs: they do not depend on the entropy."""
    pairs, constant = [], init
    for _ in range(count):
        following = (constant * multiplier) & MASK32
        pairs.append((constant, following))
        constant = following
    return tuple(pairs)


# SeedSequence.generate_state(4, uint64) hashes eight 32-bit words from the pool words 0, 1, 2, 3, 0, 1, 2, 3
# with these (xor, multiply) constants (numpy's INIT_B and MULT_B).
(_X0, _M0), (_X1, _M1), (_X2, _M2), (_X3, _M3), (_X4, _M4), (_X5, _M5), (_X6, _M6), (_X7, _M7) = _hash_constants(
    0x8B51F9DD, 0x58F38DED, 8
)


_frombuffer, _WORDS, _SeedSequence = np.frombuffer, np.dtype("<u4"), np.random.SeedSequence  # looked up once


def seeded_state(seed: int) -> tuple[int, int]:
    """PCG64's (state, increment) after seeding with `seed` through numpy's SeedSequence.

    numpy mixes the entropy into the pool; its `generate_state` loop is slow, so the 256 bits of seed
    material are hashed from the pool here, word by word (w0 to w7, little-endian).
    """
    # A 128-bit seed as its four little-endian 32-bit words gives numpy the pool the int gives (absent high
    # words hash like zero words), and numpy converts an array faster than an int.
    entropy = _frombuffer(seed.to_bytes(16, "little"), _WORDS) if 0 <= seed <= MASK128 else seed
    a, b, c, d = _SeedSequence(entropy).pool.tolist()
    w0 = (a ^ _X0) * _M0 & MASK32
    w1 = (b ^ _X1) * _M1 & MASK32
    w2 = (c ^ _X2) * _M2 & MASK32
    w3 = (d ^ _X3) * _M3 & MASK32
    w4 = (a ^ _X4) * _M4 & MASK32
    w5 = (b ^ _X5) * _M5 & MASK32
    w6 = (c ^ _X6) * _M6 & MASK32
    w7 = (d ^ _X7) * _M7 & MASK32
    # The initial state is the 128-bit word (w0 w1 w2 w3) read as high 64 bits (w1 w0), low 64 bits (w3 w2);
    # the increment is (w4 w5 w6 w7) read the same way, shifted left by one and made odd (mod 2**128).
    initial = (w2 ^ w2 >> 16) | (w3 ^ w3 >> 16) << 32 | (w0 ^ w0 >> 16) << 64 | (w1 ^ w1 >> 16) << 96
    increment = (
        (w6 ^ w6 >> 16) << 1 | (w7 ^ w7 >> 16) << 33 | (w4 ^ w4 >> 16) << 65 | (w5 ^ w5 >> 16) << 97 | 1
    ) & MASK128
    return ((increment + initial) * PCG_MULTIPLIER + increment) & MASK128, increment


class PCG64Stream:
    """Random integers from numpy's PCG64 stream for one seed (see the module docstring)."""

    __slots__ = ("_increment", "_spare", "_state")

    def __init__(self, seed: int) -> None:
        self._state, self._increment = seeded_state(seed)
        self._spare: int | None = None  # the unused high half of the last 64-bit output

    def _next64(self) -> int:
        """The next 64-bit output: advance the LCG, then fold and rotate (XSL-RR)."""
        state = self._state = (self._state * PCG_MULTIPLIER + self._increment) & MASK128
        rotation, folded = state >> 122, ((state >> 64) ^ state) & MASK64
        return ((folded >> rotation) | (folded << (64 - rotation))) & MASK64

    def _next32(self) -> int:
        """The next 32-bit output: the low half of a fresh 64-bit output, then its high half."""
        spare = self._spare
        if spare is not None:
            self._spare = None
            return spare
        state = self._state = (self._state * PCG_MULTIPLIER + self._increment) & MASK128  # as in _next64
        rotation, folded = state >> 122, ((state >> 64) ^ state) & MASK64
        output = (folded >> rotation) | (folded << (64 - rotation))
        self._spare = (output >> 32) & MASK32
        return output & MASK32

    def below(self, n: int) -> int:
        """A uniform integer in [0, n), drawn like numpy's `integers(0, n)` (Lemire's method)."""
        if n > 1 << 32:
            return self._below64(n)
        if n == 1:
            return 0  # numpy draws nothing for a one-value range
        word = self._spare
        if word is None:  # as in _next32, inlined: most draws need a single word
            state = self._state = (self._state * PCG_MULTIPLIER + self._increment) & MASK128
            rotation, folded = state >> 122, ((state >> 64) ^ state) & MASK64
            output = (folded >> rotation) | (folded << (64 - rotation))
            self._spare = (output >> 32) & MASK32
            word = output & MASK32
        else:
            self._spare = None
        scaled = word * n
        if scaled & MASK32 < n:
            threshold = ((1 << 32) - n) % n
            while scaled & MASK32 < threshold:
                scaled = self._next32() * n
        return scaled >> 32

    def _below64(self, n: int) -> int:
        """`below` for ranges wider than 32 bits: whole 64-bit outputs, as numpy draws them."""
        if n > MAX_INT64_HIGH:
            raise ValueError("high is out of bounds for int64")
        scaled = self._next64() * n
        if scaled & MASK64 < n:
            threshold = ((1 << 64) - n) % n
            while scaled & MASK64 < threshold:
                scaled = self._next64() * n
        return scaled >> 64

    def many_below(self, n: int, count: int) -> list[int]:
        """`count` uniform integers in [0, n), like numpy's `integers(0, n, size=count)`."""
        if n == 1 or n > 1 << 32:
            return [self.below(n) for _ in range(count)]
        if count <= 0:
            return []
        threshold = ((1 << 32) - n) % n  # Lemire: a 32-bit word is accepted unless its scaled remainder is below this
        picks: list[int] = []
        append = picks.append
        spare, state, increment = self._spare, self._state, self._increment
        if spare is not None:  # the high half left over from the last output comes first
            scaled = spare * n
            if scaled & MASK32 >= threshold:
                append(scaled >> 32)
            spare = None
        while len(picks) < count:  # each 64-bit output gives two words: its low half, then its high half
            state = (state * PCG_MULTIPLIER + increment) & MASK128
            rotation, folded = state >> 122, ((state >> 64) ^ state) & MASK64
            output = (folded >> rotation) | (folded << (64 - rotation))
            scaled = (output & MASK32) * n
            if scaled & MASK32 >= threshold:
                append(scaled >> 32)
                if len(picks) == count:
                    spare = (output >> 32) & MASK32
                    break
            scaled = ((output >> 32) & MASK32) * n
            if scaled & MASK32 >= threshold:
                append(scaled >> 32)
        self._spare, self._state = spare, state
        return picks

    def sample(self, n: int, k: int) -> list[int]:
        """k distinct integers from [0, n) in drawn order, like numpy's `choice(n, k, replace=False)`."""
        if not 0 <= k <= n:
            raise ValueError("Cannot take a larger sample than population when replace is False")
        if n > 10_000 and k > n // 50:  # numpy shuffles the tail of range(n) instead of Floyd's algorithm
            picks = list(range(n))
            self._shuffle(picks, n, max(n - k, 1))
            return picks[n - k :]
        chosen: set[int] = set()
        picks = []
        for top in range(n - k, n):  # Floyd's algorithm
            pick = self.below(top + 1)
            if pick in chosen:
                pick = top
            chosen.add(pick)
            picks.append(pick)
        self._shuffle(picks, k, 1)
        return picks

    def _shuffle(self, items: list[int], n: int, first: int) -> None:
        """Fisher-Yates over items[first:n] from the top down, as numpy's internal `_shuffle_int`."""
        for i in reversed(range(first, n)):
            j = self.below(i + 1)
            items[i], items[j] = items[j], items[i]


_active = False


def installed() -> bool:
    """Whether the draw stage's streams are PCG64Stream."""
    return _active


def install() -> None:
    """Make the draw stage draw from PCG64Stream (idempotent)."""
    global _active
    _active = True


def uninstall() -> None:
    """Make the draw stage draw from numpy's generator."""
    global _active
    _active = False
