"""What a producer is given besides its recipe (where to write, the command, workers, progress) and the run
statistics it hands back."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from qbank.core.progress import Progress
from qbank.output.writer import StagedFolder
from qbank.spec.exam import Exam


@dataclass(frozen=True)
class Run:
    """One production: the staging folder, the command recorded, worker processes, progress (None: quiet),
    the papers to make (None: all), the exam when the caller has already loaded it, and the Dask cluster to
    render class-set papers on (an address or `local:N`; None: worker processes here)."""

    folder: StagedFolder
    command: tuple[str, ...] = ()
    jobs: int = 1
    progress: Progress | None = None
    only: tuple[str, ...] | None = None
    exam: Exam | None = None
    cluster: str | None = None

    def message(self, text: str) -> None:
        """A progress line (when progress is shown)."""
        if self.progress is not None:
            self.progress.message(text)

    def advance(self, note: str) -> None:
        """One more paper done (when progress is shown)."""
        if self.progress is not None:
            self.progress.advance(note)


@dataclass(frozen=True)
class RunStats:
    """Peak memory (MB) of each worker process by pid, their CPU seconds, and the key booklet merge's peak
    memory and time (class sets; zeros otherwise)."""

    worker_peak_rss_mb: Mapping[int, float] = field(default_factory=dict)
    worker_cpu_seconds: float = 0.0
    booklet_peak_rss_mb: float = 0.0
    booklet_seconds: float = 0.0
