"""Check: seed sweeps of questions and exams; hands on a `QuestionReport` per question (`sweep_question`) and an
`ExamReport` per exam (`sweep_exam`)."""

from qbank.check.exam_sweep import ExamReport, sweep_exam
from qbank.check.sweep import sweep_question
from qbank.check.sweep_report import QuestionReport

__all__ = ["ExamReport", "QuestionReport", "sweep_exam", "sweep_question"]
