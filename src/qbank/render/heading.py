"""What a page prints about its exam (or, for a practice sheet, its bank): titles, rules and front-page words."""

from __future__ import annotations

from dataclasses import dataclass, field

from qbank.spec.bank import Bank
from qbank.spec.exam import DEFAULT_VIOLATION, ExamSpec, FrontLabels


@dataclass(frozen=True)
class SectionHeading:
    """A section's heading and note."""

    title: str = ""
    note: str = ""


@dataclass(frozen=True)
class Heading:
    """The exam's (or a practice sheet's) words as the page templates print them."""

    institution: str
    course_code: str
    course_name: str
    exam: str
    semester: str = ""
    year: int | None = None
    duration: str = ""
    date: str = ""
    rules: tuple[str, ...] = ()
    instructions: tuple[str, ...] = ()
    violation_note: str = DEFAULT_VIOLATION
    exam_label: str = "EXAMINATION"
    labels: FrontLabels = field(default_factory=FrontLabels)
    sections: tuple[SectionHeading, ...] = (SectionHeading(),)
    student_fields: tuple[str, ...] = ()
    paper_size: str = "A4"

    @property
    def course(self) -> str:
        """Course code and name, as the running header shows them."""
        return " ".join(part for part in (self.course_code, self.course_name) if part)


def exam_heading(spec: ExamSpec) -> Heading:
    """The heading of an exam's papers and keys."""
    return Heading(
        institution=spec.institution, course_code=spec.course.code, course_name=spec.course.name, exam=spec.exam,
        semester=spec.semester, year=spec.year, duration=spec.duration, date=str(spec.date), rules=tuple(spec.rules),
        instructions=tuple(spec.instructions), violation_note=spec.violation_note, exam_label=spec.exam_label,
        labels=spec.labels, sections=tuple(SectionHeading(s.title, s.note) for s in spec.sections),
        student_fields=tuple(spec.student_fields), paper_size=spec.paper_size,
    )  # fmt: skip


def sheet_heading(bank: Bank, topics: tuple[str, ...] | list[str]) -> Heading:
    """The heading of a practice sheet: the bank's title (a bank has a title, not a course code) and its topics."""
    return Heading(bank.spec.title, "", bank.spec.title, ", ".join(topics) if topics else "all topics")
