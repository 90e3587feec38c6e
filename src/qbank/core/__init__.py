"""Core: what every stage shares and hands on: located problems (`Problem`), the errors that carry them
(`UserError`, `LocatedError`), limits, frozen values, process lifetime and progress, response and CSV parsing."""

from qbank.core.errors import LocatedError, Problem, UserError

__all__ = ["LocatedError", "Problem", "UserError"]
