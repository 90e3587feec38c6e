"""`python -m qbank.speedups`: install the speed-ups as the CLI does and say which are on and why the others are off."""

from __future__ import annotations

from qbank.speedups import install_all, report

if __name__ == "__main__":
    print("\n".join(report(install_all())))
