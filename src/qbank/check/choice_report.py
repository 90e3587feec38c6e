"""What a sweep says about multiple choice: per answer the options it built, per misconception how often it was
dropped (a high rate is information, not a failure), and one summary line for the whole sweep."""

from __future__ import annotations

from collections.abc import Sequence

from qbank.check.sweep_report import QuestionReport
from qbank.spec.validate import Question


def drop_rates(question: Question, report: QuestionReport) -> list[tuple[str, str, int, dict[str, int]]]:
    """(answer, misconception, seeds dropped, seeds per reason) of every misconception dropped in some seed, in
    the order the question lists them."""
    grouped: dict[tuple[str, str], dict[str, int]] = {}
    for (answer, name, why), seeds in report.drops.items():
        grouped.setdefault((answer, name), {})[why] = seeds
    answers = list(question.spec.answers)

    def order(key: tuple[str, str]) -> tuple[int, int]:
        listed = question.spec.answers[key[0]].misconceptions or []
        return answers.index(key[0]), listed.index(key[1]) if key[1] in listed else len(listed)

    return [(answer, name, sum(whys.values()), dict(sorted(whys.items())))
            for (answer, name), whys in sorted(grouped.items(), key=lambda item: order(item[0]))]  # fmt: skip


def choice_lines(question: Question, report: QuestionReport) -> list[str]:
    """Per answer built as multiple choice: how many options in how many seeds; per misconception dropped in some
    seeds: `misconception NAME (answer A): dropped in 3/1000 seeds (coincides with the key)`."""
    lines = []
    for name, seeds in report.choice_seeds.items():
        low, high = report.option_counts[name]
        counted = f"{low:g}" if low == high else f"{low:g} to {high:g}"
        lines.append(f"choice {name}: {counted} options, built in {seeds}/{report.requested} seeds")
    for answer, name, dropped, whys in drop_rates(question, report):
        reasons = "; ".join(f"{why} in {seeds}" for why, seeds in whys.items()) if len(whys) > 1 else next(iter(whys))
        lines.append(f"misconception {name} (answer {answer}): dropped in {dropped}/{report.choice_seeds[answer]} "
                     f"seeds ({reasons})")  # fmt: skip
    return lines


def choice_summary(questions: Sequence[Question], reports: Sequence[QuestionReport]) -> str | None:
    """One line for a whole sweep: answers and option sets built, misconceptions dropped in some seeds and the
    most often dropped one (None when no question has an answer that can be asked as multiple choice)."""
    answers = sum(len(report.choice_seeds) for report in reports)
    if not answers:
        return None
    sets = sum(sum(report.choice_seeds.values()) for report in reports)
    pairs = list(zip(questions, reports, strict=True))
    listed = sum(len(q.spec.answers[name].misconceptions or ()) for q, report in pairs for name in report.choice_seeds)
    rates = [(dropped / report.choice_seeds[answer], dropped, report.choice_seeds[answer], name, question.id)
             for question, report in pairs for answer, name, dropped, _ in drop_rates(question, report)]  # fmt: skip
    line = f"choices: {answers} answer(s) built as multiple choice in {sets:,} option sets; "
    if not rates:
        return line + f"none of {listed} misconception(s) dropped from them"
    _, dropped, seeds, name, question_id = max(rates, key=lambda rate: rate[:3])
    return line + (f"{len(rates)} of {listed} misconception(s) dropped in some seeds, most often {name} "
                   f"({question_id}: {dropped}/{seeds} seeds)")  # fmt: skip
