"""Draw: seeded parameters per (exam seed, paper id, question id); hands on a `Draw` per question (`draw_params`,
`canonical_params`, raising `DrawError`), per scenario (`draw_scenarios`) and a paper's `Layout` (`paper_layout`)."""

from qbank.draw.layout import Layout, paper_layout
from qbank.draw.params import Draw, DrawError, canonical_params, draw_params
from qbank.draw.scenarios import draw_scenarios

__all__ = ["Draw", "DrawError", "Layout", "canonical_params", "draw_params", "draw_scenarios", "paper_layout"]
