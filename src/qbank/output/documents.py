"""Render to PDF: a page kind of a solved paper as HTML, then as PDF bytes, with the folders WeasyPrint may
read built once per set (the bank and the template folders)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

from qbank.core.errors import Problem, UserError
from qbank.output import pdf
from qbank.render.page import page_context
from qbank.render.paper import SolvedPaper
from qbank.render.question import PACKAGE_TEMPLATES, PageRenderer


class Documents:
    """The page templates of a set (`template_dirs`, then the package's) and the folders its PDFs may read."""

    def __init__(self, bank_root: Path, template_dirs: Sequence[Path | str] = (), key_style: str = "full") -> None:
        self.renderer = PageRenderer([Path(d) for d in template_dirs], key_style)
        self.allowed_roots = [Path(bank_root), *self.renderer.template_dirs]

    @property
    def template_dirs(self) -> list[Path]:
        """The template folders in effect (the package's last)."""
        return self.renderer.template_dirs

    def html(self, kind: str, paper: SolvedPaper, student: Mapping[str, str] | None = None,
             inline_solutions: bool = False) -> str:  # fmt: skip
        """The page of `kind` ('paper', 'key' or 'practice') of `paper` as a complete HTML document."""
        return self.renderer.render(kind, page_context(paper, kind, student, inline_solutions))

    def pdf(self, kind: str, html: str) -> bytes:
        """The PDF of a rendered page; each resource refused or failed is a problem at the page template."""
        try:
            return pdf.write_pdf(html, base_dir=self.template_dirs[0], allowed_roots=self.allowed_roots)
        except pdf.PdfError as exc:
            file = self.renderer.template_file(kind)
            raise UserError([Problem(file, 0, f"{kind}.pdf", problem) for problem in exc.problems]) from None


def template_folders(template_dirs: Sequence[Path | str] = ()) -> list[Path]:
    """The template folders in effect for `template_dirs` (resolved; the package's own last)."""
    return [Path(d).resolve() for d in template_dirs] + [PACKAGE_TEMPLATES]
