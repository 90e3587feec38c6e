"""Progress of long builds: a rich progress bar on a terminal, plain log lines otherwise."""

from __future__ import annotations

import sys
import time
from types import TracebackType
from typing import TextIO


class Progress:
    """Counts finished units (papers) out of a total; shows done, rate and time left (with `bar=False`, never
    as a bar: plain log lines only)."""

    def __init__(self, total: int, unit: str = "papers", stream: TextIO | None = None, enabled: bool = True,
                 bar: bool = True) -> None:  # fmt: skip
        self.total, self.unit, self.done = total, unit, 0
        self.stream = stream if stream is not None else sys.stderr
        self.enabled = enabled
        self.started = time.perf_counter()
        self._bar = None
        self._task = None
        if enabled and bar and _is_terminal(self.stream):
            from rich.console import Console
            from rich.progress import BarColumn, MofNCompleteColumn, TextColumn, TimeRemainingColumn
            from rich.progress import Progress as RichProgress

            self._bar = RichProgress(
                TextColumn("[bold]{task.description}"),
                BarColumn(),
                MofNCompleteColumn(),
                TextColumn("{task.fields[rate]}"),
                TextColumn("left"),
                TimeRemainingColumn(),
                console=Console(file=self.stream),
                transient=False,
            )
            self._task = self._bar.add_task(unit, total=total, rate="")
            self._bar.start()

    def __enter__(self) -> Progress:
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self.close()

    @property
    def rate(self) -> float:
        """Units finished per second so far."""
        elapsed = time.perf_counter() - self.started
        return self.done / elapsed if elapsed > 0 else 0.0

    def advance(self, note: str = "") -> None:
        """One more unit done (`note` names it in the log)."""
        self.done += 1
        if not self.enabled:
            return
        rate = self.rate
        if self._bar is not None:
            self._bar.update(self._task, advance=1, rate=f"{rate:.2f} {self.unit}/s")
            return
        left = (self.total - self.done) / rate if rate > 0 else 0.0
        suffix = f" ({note})" if note else ""
        print(f"qbank: {self.unit} {self.done}/{self.total}{suffix}, {rate:.2f}/s, ~{left:.0f} s left",
              file=self.stream, flush=True)  # fmt: skip

    def message(self, text: str) -> None:
        """A log line that does not advance the count."""
        if not self.enabled:
            return
        if self._bar is not None:
            self._bar.console.print(f"qbank: {text}")
        else:
            print(f"qbank: {text}", file=self.stream, flush=True)

    def close(self) -> None:
        """Stop the bar (if any)."""
        if self._bar is not None:
            self._bar.stop()
            self._bar = None


def _is_terminal(stream: TextIO) -> bool:
    """Whether `stream` is an interactive terminal."""
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False
