"""Scenario draws: each shared scenario drawn once per paper, from its own random stream."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from qbank.draw.params import Draw, draw_params
from qbank.spec.scenario import stream_name
from qbank.spec.validate import Question


def draw_scenarios(
    scenarios: Mapping[str, Question], names: Iterable[str], seed: int, paper_id: str
) -> dict[str, Draw]:
    """Draw each named scenario once for a paper, from its own stream."""
    return {name: draw_params(scenarios[name], seed, paper_id, stream=stream_name(name)) for name in sorted(set(names))}
