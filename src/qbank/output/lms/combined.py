"""One variant of an export question as the LMS writers read it: its placements (one, or the parts an exam binds to
one scenario) each with its content, heading and figure description, and the answers it asks, each with its
share of the marks (as `qbank grade` shares them: a part's marks equally among its answers)."""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass

from lxml import etree

from qbank.output.lms.shapes import Note, variant_content
from qbank.output.lms.source import ExportQuestion, placement_number
from qbank.render.lms import LmsContent
from qbank.render.paper import SolvedPart

SVG = "{http://www.w3.org/2000/svg}"


@dataclass(frozen=True, eq=False)  # each piece is itself (a key by identity)
class Piece:
    """One placement of a variant: the solved part, its content for the LMS, its heading in a combined question
    (`(a)`, or `Q3` when the linked placements are different numbers; empty when alone) and its figure's alt."""

    solved: SolvedPart
    page: LmsContent
    heading: str
    alt: str


@dataclass(frozen=True)
class Slot:
    """One thing a variant asks: an answer (`name`) of a piece, or a piece without answers (`name` None, marked by
    hand), with its share of the marks."""

    piece: Piece
    name: str | None
    marks: float

    @property
    def label(self) -> str:
        """The answer's label as HTML, after the piece's heading, with its unit in brackets."""
        page, heading = self.piece.page, self.piece.heading
        if self.name is None:
            return heading or "Answer"
        unit = f" ({page.units[self.name]})" if page.units[self.name] else ""
        return (f"{heading} " if heading else "") + page.labels[self.name] + unit


def figure_alt(solved: SolvedPart) -> str:
    """A figure's text alternative: the accessible name the figure itself declares (its `<svg aria-label>` or
    `<title>`, which the paper's inline SVG carries), else `Figure for question 4(b)`."""
    figure = solved.rendered.figure if solved.rendered is not None else None
    if figure:
        root = etree.fromstring(str(figure).encode("utf-8"), etree.XMLParser(resolve_entities=False, no_network=True))
        named = root.get("aria-label") or root.findtext(f"{SVG}title") or root.findtext("title")
        if named and named.strip():
            return " ".join(named.split())
    return f"Figure for question {placement_number(solved).removeprefix('Q')}"


def headings(parts: Sequence[SolvedPart]) -> list[str]:
    """Each placement's heading in a combined question: none alone, `(a)` for parts of one number, else `Q3`."""
    if len(parts) == 1:
        return [""]
    if len({solved.item.number for solved in parts}) == 1 and all(s.part.label for s in parts):
        return [f"({solved.part.label})" for solved in parts]
    return [placement_number(solved) for solved in parts]


def pieces(parts: Sequence[SolvedPart], math: str) -> list[Piece]:
    """The placements of one variant, their formulas written as `math` (`tex` or `mathml`)."""
    return [Piece(solved, variant_content(solved, math), heading, figure_alt(solved))
            for solved, heading in zip(parts, headings(parts), strict=True)]  # fmt: skip


def asked_in(parts: Sequence[SolvedPart]) -> list[tuple[int, str | None, float]]:
    """What a variant asks, in order, as (placement index, answer name, share of the marks): every graded answer
    of every placement (a placement's marks shared equally among its answers), and each placement without
    answers once (name None: marked by hand)."""
    out: list[tuple[int, str | None, float]] = []
    for index, solved in enumerate(parts):
        graded = solved.graded
        if not graded:
            out.append((index, None, solved.part.marks))
        out += [(index, name, solved.part.marks / len(graded)) for name in graded]
    return out


def slots(found: Sequence[Piece]) -> list[Slot]:
    """What the variant asks (see `asked_in`) as slots of its pieces."""
    return [Slot(found[index], name, marks) for index, name, marks in asked_in([p.solved for p in found])]


def heading_html(piece: Piece) -> str:
    """A piece's heading as the first line of its text in a combined question (nothing when alone)."""
    return f"<p><strong>{html.escape(piece.heading)}</strong></p>" if piece.heading else ""


def linked_note(entry: ExportQuestion, lms: str, becomes: str) -> Note:
    """The note for placements a scenario links: what they become, so that they show the same drawn values."""
    first = entry.variants[0][1]
    return Note(f"{entry.number} {entry.key}", f"the parts share scenario {first[0].part.scenario!r}: they become "
                f"{becomes} in {lms}, so a student sees the same drawn values in all of them (each keeps its "
                "marks)")  # fmt: skip
