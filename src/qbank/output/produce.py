"""One producer for every output kind: a typed recipe goes in; its files and manifest come out, written
atomically through the writer's staging folder.

An output kind is one function `(recipe, run) -> (manifest, stats)` registered in PRODUCERS under its recipe's
`kind`; it writes its files through `run.folder` and returns the typed manifest (without `built_in`, which
`produce` records).
"""

from __future__ import annotations

import dataclasses
import importlib
import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from qbank.core.progress import Progress
from qbank.output.manifest import Manifest
from qbank.output.manifest_read import SET_DIGEST_KEY
from qbank.output.manifest_stream import MANIFEST, RecordSpool, write_manifest
from qbank.output.recipes import Recipe
from qbank.output.run import Run, RunStats
from qbank.output.writer import Staging
from qbank.spec.exam import Exam

Producer = Callable[[Any, Run], tuple[Manifest, RunStats]]
# Each kind's producer, imported when a set of that kind is produced (an export loads no PDF renderer).
PRODUCERS: dict[str, tuple[str, str]] = {
    "exam": ("qbank.output.exam_set", "produce_exam_set"),
    "class": ("qbank.output.class_set", "produce_class_set"),
    "practice": ("qbank.output.practice_sheet", "produce_practice_sheet"),
    "export": ("qbank.output.lms.export_set", "produce_export"),
}


def producer(kind: str) -> Producer:
    """The function that produces a set of this kind."""
    module, name = PRODUCERS[kind]
    return getattr(importlib.import_module(module), name)


@dataclass(frozen=True)
class Produced:
    """What `produce` wrote: the folder, its manifest's fields but the paper records (`head`), the manifest
    file's digest and the run's statistics."""

    out_dir: Path
    head: Mapping[str, Any]
    manifest_sha256: str
    stats: RunStats

    @property
    def files(self) -> dict[str, str]:
        """SHA-256 of each file of the set (the manifest aside), by relative name."""
        return dict(self.head["files"])

    @property
    def set_sha256(self) -> str:
        """The set digest recorded in the manifest (see qbank.output.manifest_read.set_digest)."""
        return str(self.head[SET_DIGEST_KEY])

    @property
    def manifest(self) -> dict[str, Any]:
        """The whole manifest, paper records included, read back from the set's manifest.json."""
        return json.loads((self.out_dir / MANIFEST).read_bytes())


def produce(
    recipe: Recipe,
    out_dir: Path,
    *,
    force: bool = False,
    inputs: Iterable[Path] = (),
    command: Sequence[str] = (),
    jobs: int = 1,
    progress: Progress | None = None,
    only: Sequence[str] | None = None,
    exam: Exam | None = None,
    cluster: str | None = None,
    built_in: Path | None = None,
) -> Produced:
    """Produce the set `recipe` describes into `out_dir`, all or nothing (see qbank.output.writer.Staging):
    only the papers `only` of a class set when given; `exam` when the caller has loaded it already; a class set's
    papers on the Dask cluster `cluster` when given; the manifest says it was built in `built_in` when given (an
    export staged elsewhere, then written beside its file)."""
    with Staging(out_dir, force, inputs) as staging:
        run = Run(staging.folder, tuple(command), jobs, progress, tuple(only) if only is not None else None, exam,
                  cluster)  # fmt: skip
        manifest, stats = producer(recipe.kind)(recipe, run)
        manifest = dataclasses.replace(manifest, built_in=str(Path(built_in or out_dir).resolve()))
        records = manifest.records()
        head, manifest_sha256 = write_manifest(staging.folder, manifest.head_json(), records)
        if isinstance(records, RecordSpool):
            records.remove()  # never part of the set
        staging.commit()
    return Produced(Path(out_dir), head, manifest_sha256, stats)
