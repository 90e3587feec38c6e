"""Spec: bank, question and exam files read, validated and compiled into pure values: `Bank` of `Question`s
(`load_bank`, `load_questions`) and `Exam` of `Item`s and `Part`s (`load_exam`). Nothing here draws, renders or
reads templates: `qbank.preflight` runs those checks for what a command uses."""

from qbank.spec.bank import Bank, load_bank, load_questions, read_bank
from qbank.spec.exam import Exam, Item, Part, Pool, load_exam, read_exam
from qbank.spec.validate import Question

__all__ = ["Bank", "Exam", "Item", "Part", "Pool", "Question", "load_bank", "load_exam", "load_questions",
           "read_bank", "read_exam"]  # fmt: skip
