"""qbank: seeded, solver-checked exam papers, keys and practice sheets from YAML question banks."""

__version__ = "0.1.0"
