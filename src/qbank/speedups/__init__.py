"""Speed-ups: exact shortcuts through libraries qbank does not own, each behind one contract.

A speed-up gives the same output as the plain path, byte for byte (a differential test compares the two),
and earns its place with a measured end-to-end gain (`benchmarks/speedups.py`). Each one is a `SpeedUp`
record: the library and the exact versions it was checked against (any other version: the guard refuses
it and qbank takes the plain path), an off switch (`QBANK_SPEEDUPS=off` for all, `QBANK_SPEEDUP_<NAME>=off`
for one), and `install`/`uninstall` in its module. Nothing is installed by importing qbank: the entry points
(the CLI, class-set workers, the test session, the benchmarks) call `install_all()`. The CLI calls it with
`deferred=True`: a speed-up whose library is not loaded yet is installed when the library is first imported
(`qbank.speedups.deferred`), so a command that never renders never imports WeasyPrint for a speed-up.
"""

from __future__ import annotations

import importlib
import os
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import metadata

from qbank.speedups import deferred as on_import

__all__ = ["SPEEDUPS", "Outcome", "SpeedUp", "install_all", "report", "uninstall_all", "version_refusal"]

ALL_SWITCH = "QBANK_SPEEDUPS"
OFF_VALUES = frozenset({"off", "0", "no", "false"})


@dataclass(frozen=True)
class SpeedUp:
    """One speed-up: its name, the library it shortcuts and the versions checked, where its code lives."""

    name: str
    library: str  # the library's top-level import name (also the distribution guarded, unless `distribution`)
    checked: tuple[str, ...]  # exact versions the differential tests passed against
    module: str  # defines install() and uninstall() (both idempotent) and installed()
    summary: str
    before: str = ""  # a module of the library the speed-up must be in place before (qbank.speedups.deferred)
    distribution: str = ""  # the distribution whose version is guarded, when its name is not `library`

    @property
    def guarded(self) -> str:
        """The distribution whose version the guard checks."""
        return self.distribution or self.library

    @property
    def switch(self) -> str:
        """The environment variable that turns this speed-up off."""
        return f"QBANK_SPEEDUP_{self.name.upper()}"

    def refusal(self, environ: Mapping[str, str]) -> str | None:
        """Why this speed-up must stay off (off switch or version guard), or None when it may be installed."""
        for variable in (ALL_SWITCH, self.switch):
            if environ.get(variable, "").strip().lower() in OFF_VALUES:
                return f"switched off ({variable}={environ[variable]})"
        return version_refusal(self.guarded, self.checked)

    def install(self) -> None:
        """Put the speed-up in place (no guard: `install_all` checks it first)."""
        importlib.import_module(self.module).install()

    def install_when_loaded(self) -> bool:
        """Install now if the library is loaded, else when it is first imported; whether it was installed now."""
        on_import.arm(self.name, self.library, self.module, self.install, self.before)
        return self.name not in on_import.armed()

    def uninstall(self) -> None:
        """Restore the plain path (nothing to do when its module was never imported: it was never installed)."""
        on_import.disarm(self.name)
        if self.module in sys.modules:
            sys.modules[self.module].uninstall()

    def installed(self) -> bool:
        """Whether the speed-up is in place now."""
        return self.module in sys.modules and bool(sys.modules[self.module].installed())


@dataclass(frozen=True)
class Outcome:
    """What `install_all` did with one speed-up: installed, or left off and why."""

    name: str
    installed: bool
    reason: str


SPEEDUPS: tuple[SpeedUp, ...] = (
    SpeedUp("ziafast", "ziamath", ("0.13",), "qbank.speedups.ziafast", "ziamath layout without repeated work"),
    SpeedUp("svgpath", "weasyprint", ("70.0",), "qbank.speedups.svgpath", "formula glyph paths drawn in one step"),
    SpeedUp("pcgfast", "numpy", ("2.4.6",), "qbank.speedups.pcgfast", "numpy's PCG64 stream drawn without numpy calls"),
    SpeedUp(
        "weasylibs",
        "weasyprint",
        ("70.0",),
        "qbank.speedups.weasylibs",
        "WeasyPrint's C libraries loaded without compiler probes",
        before="weasyprint.text.ffi",
    ),
    SpeedUp(
        "yamlevents",
        "yaml",
        ("6.0.4",),
        "qbank.speedups.yamlevents",
        "YAML parsed by libyaml, composed by qbank's bounded composer",
        distribution="PyYAML",
    ),
)


def library_version(distribution: str) -> str | None:
    """The installed version of a distribution, or None when it is not installed."""
    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:
        return None


def version_refusal(library: str, checked: tuple[str, ...]) -> str | None:
    """Why code written against `checked` versions of a library must not patch the installed one, or None."""
    found = library_version(library)
    if found in checked:
        return None
    return f"guard refused: {library} {found or 'not installed'} is not a checked version ({', '.join(checked)})"


def install_all(environ: Mapping[str, str] | None = None, *, deferred: bool = False) -> tuple[Outcome, ...]:
    """Install every speed-up its guard and off switch allow, uninstall the others; say what happened. With
    `deferred`, a speed-up whose library is not loaded yet is installed when the library is first imported."""
    environ = os.environ if environ is None else environ
    outcomes = []
    for speedup in SPEEDUPS:
        refusal = speedup.refusal(environ)
        if refusal is None:
            version = library_version(speedup.guarded)
            if not deferred:
                on_import.disarm(speedup.name)  # an earlier deferred call armed it: installed now instead
                speedup.install()
            elif not speedup.install_when_loaded():
                when = (f"before {speedup.before} runs ({speedup.guarded} {version})" if speedup.before
                        else f"when {speedup.guarded} {version} is loaded")  # fmt: skip
                outcomes.append(Outcome(speedup.name, True, f"installed {when}"))
                continue
            outcomes.append(Outcome(speedup.name, True, f"installed ({speedup.guarded} {version})"))
        else:
            speedup.uninstall()
            outcomes.append(Outcome(speedup.name, False, refusal))
    return tuple(outcomes)


def uninstall_all() -> None:
    """Restore every library's plain path."""
    for speedup in SPEEDUPS:
        speedup.uninstall()


def report(outcomes: tuple[Outcome, ...]) -> list[str]:
    """One line per speed-up: `name: installed (...)` or `name: off: reason`."""
    return [f"{o.name}: {o.reason}" if o.installed else f"{o.name}: off: {o.reason}" for o in outcomes]
