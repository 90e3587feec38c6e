"""Render: variants turned into HTML with typeset math and figures; hands on a `RenderedPart` per question
(`render_part`) and whole pages from a `PageRenderer`."""

from qbank.render.question import PageRenderer, RenderedPart, render_part

__all__ = ["PageRenderer", "RenderedPart", "render_part"]
