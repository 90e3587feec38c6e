"""Benchmark: `qbank serve`'s server time per question page and per marking on the deep-learning bank (target:
under 50 ms each), measured in-process through the ASGI app (no network), median and 95th percentile.

Each question of the bank is requested at `--seeds` seeds (a first request of a seed draws, solves and typesets
it; formulas are cached as everywhere in qbank), then marked once with an empty attempt. Usage:
    PYTHONPATH=src python benchmarks/serve.py [--bank banks/deep-learning] [--seeds 5]

Measured on this machine (2 CPUs, load 4 from other work), 22 questions x 5 seeds: load and preflight 0.75 s;
question page median 12.8 ms, p95 196 ms, max 1.1 s (the slow ones are a seed's first typesetting of new
formulas: figures and display math not yet in the formula cache); marking median 7.3 ms, p95 15.3 ms, max 18.5 ms.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
TARGET_MS = 50.0
FORM = {"content-type": "application/x-www-form-urlencoded"}  # an attempt with every answer blank


def main(argv: list[str] | None = None) -> int:
    """Time every page and marking; print the figures and whether they meet the target."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bank", type=Path, default=REPO / "banks" / "deep-learning")
    parser.add_argument("--seeds", type=int, default=5)
    args = parser.parse_args(argv)
    from starlette.testclient import TestClient

    from qbank.serve.app import create_app
    from qbank.serve.catalog import load_catalog
    from qbank.serve.guard import RateLimit

    start = time.perf_counter()
    catalog = load_catalog(args.bank)
    print(f"load and preflight: {time.perf_counter() - start:.2f} s for {len(catalog.entries)} questions")
    web = TestClient(create_app(catalog, RateLimit(burst=1e9, per_second=1e9)))
    web.get("/")
    pages: list[float] = []
    marks: list[float] = []
    for question_id in catalog.entries:
        for seed in range(args.seeds):
            begin = time.perf_counter()
            assert web.get(f"/q/{question_id}/{seed}").status_code == 200
            pages.append((time.perf_counter() - begin) * 1000)
            begin = time.perf_counter()
            assert web.post(f"/q/{question_id}/{seed}", content=b"", headers=FORM).status_code == 200
            marks.append((time.perf_counter() - begin) * 1000)
    load = f"load {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs"
    for name, times in (("question page", pages), ("marking", marks)):
        p95 = statistics.quantiles(times, n=20)[-1]
        verdict = "ok" if statistics.median(times) < TARGET_MS else "over target"
        print(f"{name}: median {statistics.median(times):.1f} ms, p95 {p95:.1f} ms, max {max(times):.1f} ms "
              f"over {len(times)} requests ({verdict}; target {TARGET_MS:.0f} ms; {load})")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
