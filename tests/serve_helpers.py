"""Shared by the practice-server tests: the test bank's server in-process, and reading a question's givens back
from its page (so expected values come from what the student reads, not from the code under test)."""

from __future__ import annotations

import re
from pathlib import Path

from starlette.testclient import TestClient

from qbank.serve.app import create_app
from qbank.serve.catalog import Catalog, load_catalog
from qbank.serve.guard import RateLimit

from .mc_bank import BANK, QUIZ

MC_BANK = BANK
MC_QUIZ = QUIZ
UNLIMITED = RateLimit(burst=1e9, per_second=1e9)


def client(path: Path = MC_BANK, ask: str = "free", rate: RateLimit | None = None) -> tuple[Catalog, TestClient]:
    """The server of a bank or exam, as a test client (no rate limit unless given)."""
    catalog = load_catalog(path, ask)
    return catalog, TestClient(create_app(catalog, rate or UNLIMITED), raise_server_exceptions=False)


def linear_sizes(page: str) -> tuple[int, int]:
    """The inputs and outputs of the linear-layer question as its page states them."""
    found = re.search(r"maps (\d+) inputs to (\d+) outputs", page)
    assert found, page
    return int(found.group(1)), int(found.group(2))
