"""qbank.speedups.pcgfast reproduces numpy's PCG64 Generator draw for draw (the seed scheme's streams depend on it)."""

from __future__ import annotations

import random

import numpy as np
import pytest

from qbank.speedups.pcgfast import PCG64Stream, seeded_state

SEEDS = [0, 1, 2026, 2**64 + 7, 2**128 - 1, 0x1F2E3D4C5B6A79880123456789ABCDEF]
RANGES = [1, 2, 3, 7, 10, 255, 256, 1000, 2**31, 2**32 - 1, 2**32, 2**32 + 1, 2**40, 2**63]


@pytest.mark.parametrize("seed", SEEDS)
def test_scalar_draws_match_numpy_across_range_widths(seed):
    stream, generator = PCG64Stream(seed), np.random.Generator(np.random.PCG64(seed))
    for n in RANGES * 20:  # interleaved widths: the 32-bit halves and the 64-bit path share one stream
        assert stream.below(n) == int(generator.integers(0, n)), n


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize(("n", "count"), [(1, 5), (2, 17), (6, 64), (1000, 9), (2**32, 5), (2**33, 6)])
def test_sized_draws_match_numpy(seed, n, count):
    stream, generator = PCG64Stream(seed), np.random.Generator(np.random.PCG64(seed))
    for _ in range(5):
        assert stream.many_below(n, count) == generator.integers(0, n, size=count, dtype=np.int64).tolist()
        assert stream.below(7) == int(generator.integers(0, 7))  # and the stream stays in step afterwards


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize(("n", "k"), [(1, 1), (5, 3), (10, 10), (100, 7), (20_000, 10), (20_000, 1_000), (3, 0)])
def test_samples_without_replacement_match_numpy(seed, n, k):
    stream, generator = PCG64Stream(seed), np.random.Generator(np.random.PCG64(seed))
    for _ in range(3):
        assert stream.sample(n, k) == generator.choice(n, size=k, replace=False).tolist()
        assert stream.below(1000) == int(generator.integers(0, 1000))


def test_bad_arguments_are_refused_like_numpy():
    stream = PCG64Stream(3)
    with pytest.raises(ValueError):
        stream.sample(3, 4)
    with pytest.raises(ValueError):
        stream.below(2**63 + 1)


def _stream_seeds() -> list[int]:
    """Seeds as the draw stage derives them (128-bit, from sha256)."""
    from qbank.draw.params import stream_seed

    return [
        stream_seed(exam, paper, question) for exam in range(40) for paper in ("main", "B") for question in ("q", "x/y")
    ]


SEEDING = [0, 1, 2**32 - 1, 2**32, 2**64 + 5, 2**127, 2**128 - 1, 2**128, 2**130 + 5, 2**200 + 2**64]
_RNG = random.Random(2026)
SEEDING += [_RNG.getrandbits(bits) for bits in (31, 32, 33, 63, 64, 65, 96, 127, 128) for _ in range(20)]


@pytest.mark.parametrize("seeds", [SEEDING, _stream_seeds()], ids=["edges-and-random", "stream-seeds"])
def test_seeded_state_matches_numpy_seedsequence(seeds):
    for seed in seeds:
        state = np.random.PCG64(seed).state["state"]
        assert seeded_state(seed) == (state["state"], state["inc"]), seed


def test_sized_draws_carry_the_spare_half_word_like_numpy():
    stream, generator = PCG64Stream(77), np.random.Generator(np.random.PCG64(77))
    for n, count in [(5, 1), (5, 0), (9, 3), (2, 1), (100, 2), (5, 0), (7, 5), (3, 4), (11, 1), (4, 6)] * 6:
        assert stream.many_below(n, count) == generator.integers(0, n, size=count, dtype=np.int64).tolist()
        assert stream.below(6) == int(generator.integers(0, 6))


def test_the_draw_stage_draws_the_same_parameters_with_and_without_the_speedup():
    from pathlib import Path

    from qbank.draw.params import draw_params
    from qbank.draw.stream import Stream, new_stream
    from qbank.preflight import checked_bank
    from qbank.speedups import pcgfast

    bank = checked_bank(Path(__file__).resolve().parents[1] / "banks" / "deep-learning")
    was_installed = pcgfast.installed()
    try:
        pcgfast.uninstall()
        assert isinstance(new_stream(1), Stream)
        plain = {(q, seed): dict(draw_params(bank.question(q), seed, "main").params)
                 for q in bank.questions for seed in range(40)}  # fmt: skip
        pcgfast.install()
        assert isinstance(new_stream(1), PCG64Stream)
        fast = {(q, seed): dict(draw_params(bank.question(q), seed, "main").params)
                for q in bank.questions for seed in range(40)}  # fmt: skip
    finally:
        (pcgfast.install if was_installed else pcgfast.uninstall)()
    assert fast == plain
