"""Helpers for tests that verify a bank's answers independently."""

from __future__ import annotations

from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path

from qbank.preflight.checks import checked_bank
from qbank.solve.variant import Variant, make_variant
from qbank.spec.bank import Bank


@lru_cache(maxsize=8)
def cached_bank(bank_dir: str) -> Bank:
    """Load and preflight a bank once per test session."""
    return checked_bank(Path(bank_dir))


def bank_variants(bank_dir: str | Path, question_id: str, count: int = 200) -> Iterator[Variant]:
    """Yield the variants for exam seeds 0..count-1 (paper 'main'), then the canonical variant."""
    bank = cached_bank(str(Path(bank_dir).resolve()))
    question = bank.question(question_id)
    for seed in range(count):
        yield make_variant(question, seed)
    if question.spec.canonical is not None:
        yield make_variant(question, 0, canonical=True)
