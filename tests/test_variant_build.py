"""Variants and draws built on the fast path equal what their dataclass constructors build."""

from __future__ import annotations

import dataclasses

import pytest

from qbank.draw.params import Draw, draw_params
from qbank.solve.variant import Variant, make_variant
from qbank.spec.bank import load_bank

from .conftest import SAMPLE_BANK


@pytest.fixture(scope="module")
def questions():
    return sorted(load_bank(SAMPLE_BANK).questions.values(), key=lambda q: q.id)


def test_variants_equal_their_constructors_result(questions):
    for question in questions:
        variant = make_variant(question, 3)
        rebuilt = Variant(*(getattr(variant, f.name) for f in dataclasses.fields(Variant)))
        assert variant == rebuilt and repr(variant) == repr(rebuilt)
        assert list(vars(variant)) == list(vars(rebuilt))
        with pytest.raises(dataclasses.FrozenInstanceError):
            variant.exam_seed = 4  # type: ignore[misc]


def test_draws_equal_their_constructors_result(questions):
    for question in questions:
        draw = draw_params(question, 5, "main")
        rebuilt = Draw(draw.params, draw.stream_seed, draw.attempts)
        assert draw == rebuilt and list(vars(draw)) == list(vars(rebuilt))
        with pytest.raises(dataclasses.FrozenInstanceError):
            draw.attempts = 2  # type: ignore[misc]
