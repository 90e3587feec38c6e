"""Per-paper layout: which questions each paper gets (pools) and in which order (shuffled sections).

Pools and shuffles draw from their own streams, seeded like questions with a distinct stream name
(`pool:<section>:<entry>`, `shuffle:<section>`), so a paper's layout depends only on (exam seed, paper id).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from qbank.draw.params import generator, stream_seed
from qbank.spec.exam import Exam, Item, Part, Pool


@dataclass(frozen=True)
class Layout:
    """The numbered questions of one paper and the seeds of the layout streams that chose them."""

    items: tuple[Item, ...]
    streams: Mapping[str, int] = field(default_factory=dict)


def shuffle_stream(section: int) -> str:
    """The random stream that orders a shuffled section."""
    return f"shuffle:{section}"


def paper_layout(exam: Exam, seed: int, paper_id: str, canonical: bool = False) -> Layout:
    """Draw pools and shuffle sections for one paper; static exams and canonical papers keep the written order."""
    if exam.static or canonical:
        return Layout(exam.items)
    streams: dict[str, int] = {}
    numbered: list[tuple[int, tuple[Part, ...]]] = []
    for s_index, section in enumerate(exam.plan):
        groups: list[tuple[Part, ...]] = []
        for entry in section:
            if isinstance(entry, Pool):
                streams[entry.stream] = stream_seed(seed, paper_id, entry.stream)
                picks = generator(streams[entry.stream]).choice(len(entry.candidates), size=entry.pick, replace=False)
                groups.extend((entry.candidates[int(i)],) for i in picks)
            else:
                groups.append(entry.parts)
        if exam.spec.sections[s_index].shuffle and len(groups) > 1:
            name = shuffle_stream(s_index)
            streams[name] = stream_seed(seed, paper_id, name)
            order = generator(streams[name]).permutation(len(groups))
            groups = [groups[int(i)] for i in order]
        numbered.extend((s_index, group) for group in groups)
    items = tuple(Item(number, s_index, parts) for number, (s_index, parts) in enumerate(numbered, start=1))
    return Layout(items, streams)
