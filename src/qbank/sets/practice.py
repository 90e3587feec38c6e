"""Practice sheets: check the output, then produce fresh variants of a bank's questions on chosen topics
(qbank.output.practice_sheet)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from qbank.output.outdir import bank_inputs, check_output
from qbank.output.practice_sheet import FILES
from qbank.output.produce import produce
from qbank.output.recipes import PracticeRecipe
from qbank.sets.build import BuildResult


def build_practice(
    bank_path: Path,
    seed: int,
    out_dir: Path,
    *,
    topics: Sequence[str] = (),
    count: int = 8,
    inline_solutions: bool = False,
    force: bool = False,
    template_dirs: Sequence[Path] = (),
    command: list[str] | None = None,
) -> BuildResult:
    """Build a practice sheet (PDF, HTML, manifest) atomically into `out_dir`."""
    bank_root = Path(bank_path).parent if Path(bank_path).is_file() else Path(bank_path)
    inputs = [*bank_inputs(bank_root), *template_dirs]
    check_output(out_dir, force, inputs, template_dirs)
    recipe = PracticeRecipe(str(Path(bank_path).resolve()), seed, tuple(topics), count, inline_solutions,
                            tuple(str(Path(d).resolve()) for d in template_dirs))  # fmt: skip
    made = produce(recipe, out_dir, force=force, inputs=inputs, command=command or [])
    files = {**{name: made.files[name] for name in FILES}, "manifest.json": made.manifest_sha256}
    return BuildResult(out_dir, files, made.set_sha256)
