"""Preflight: the checks that draw, typeset or read templates, run for exactly what a command is about to use; it
hands on the same `Bank` or `Exam`, checked (`checked_bank`, `checked_questions`, `checked_exam`, or `preflight`
and `preflight_exam` on loaded values), or raises `UserError` with every problem located."""

from qbank.preflight.checks import (
    checked_bank,
    checked_exam,
    checked_questions,
    preflight,
    preflight_exam,
    question_problems,
)

__all__ = ["checked_bank", "checked_exam", "checked_questions", "preflight", "preflight_exam", "question_problems"]
