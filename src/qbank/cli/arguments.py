"""Argument types shared by the verbs: seeds, counts and numbers of forms, refused with argparse's own message."""

from __future__ import annotations

import argparse

from qbank.spec.roster import MAX_FORMS


def seed_argument(text: str) -> int:
    """A non-negative integer seed."""
    try:
        value = int(text, 10)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"must not be negative, got {value}")
    return value


def positive_int(text: str) -> int:
    """A positive integer count."""
    value = seed_argument(text)
    if value == 0:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


def form_count(text: str) -> int:
    """A number of forms: 1 to MAX_FORMS (A..Z, AA..ZZ)."""
    value = positive_int(text)
    if value > MAX_FORMS:
        raise argparse.ArgumentTypeError(f"must be between 1 and {MAX_FORMS}, got {value}")
    return value


def cluster_argument(text: str) -> str:
    """A `--cluster` value: `local:N` or a Dask scheduler address (see qbank.output.cluster)."""
    from qbank.output.cluster import cluster_argument as parse

    return parse(text)
