"""The key booklet's files: one `key-booklet.pdf` for a class of at most `--booklet-students` students (100 by
default), else one file per run of that many students in roster order, named by their positions so the files
sort and say whom they hold: `key-booklet-001-100.pdf`, `key-booklet-101-200.pdf`, … `key-booklet-201-250.pdf`.
The positions are zero-padded to the digits of the class size, at least 3: `key-booklet-0001-0100.pdf` … for
1,000–9,999 students, `key-booklet-00001-00100.pdf` … for 10,000–99,999.

A deep-learning compact key is 17 pages and about 0.8 MB, so a booklet of 100 students is about 1,700 pages and
80 MB: a PDF reader still opens and searches it; one of every student of a 10,000-student set (170,000 pages,
8 GB) is beyond what a reader handles. The bound is recorded in the set's recipe; a set recorded without one
(built before the option existed) has one booklet.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

BOOKLET = "key-booklet.pdf"
BOOKLET_STUDENTS = 100  # default `--booklet-students`: a 40-student class keeps its one booklet
_PART = re.compile(r"key-booklet-(\d+)-(\d+)\.pdf")


def booklet_files(count: int, per: int | None) -> list[tuple[str, int, int]]:
    """The booklet files of a set of `count` papers, at most `per` students a file (None: one file): each
    file's name and the roster positions (1-based, inclusive) of its first and last student."""
    if per is None or count <= per:
        return [(BOOKLET, 1, count)]
    width = max(3, len(str(count)))
    spans = [(first, min(first + per - 1, count)) for first in range(1, count + 1, per)]
    return [(f"key-booklet-{first:0{width}d}-{last:0{width}d}.pdf", first, last) for first, last in spans]


def is_booklet(name: str) -> bool:
    """Whether a file of a set is a key booklet (the only one, or one of a split booklet)."""
    return name == BOOKLET or _PART.fullmatch(name) is not None


def booklet_papers(name: str, papers: Sequence[str]) -> list[str] | None:
    """The papers (in roster order) a key booklet file holds; None when `name` is not a key booklet."""
    if name == BOOKLET:
        return list(papers)
    found = _PART.fullmatch(name)
    return list(papers[int(found[1]) - 1 : int(found[2])]) if found else None
