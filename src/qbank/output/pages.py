"""A rendered page made into PDF, its failures located at the page template that made it."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from qbank.core.errors import Problem, UserError
from qbank.output.pdf import PdfError, write_pdf
from qbank.render.question import PageRenderer


def page_pdf(renderer: PageRenderer, kind: str, html: str, allowed_roots: Sequence[Path]) -> bytes:
    """The PDF of a rendered page; each resource refused or failed is a problem at the page template."""
    try:
        return write_pdf(html, base_dir=renderer.template_dirs[0], allowed_roots=allowed_roots)
    except PdfError as exc:
        file = renderer.template_file(kind)
        raise UserError([Problem(file, 0, f"{kind}.pdf", problem) for problem in exc.problems]) from None
