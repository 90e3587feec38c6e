"""The misconception report of a graded class: per question and answer, how many students chose each option (or,
for a free response, made each recorded mistake), counted across papers by misconception name and by written
option text (the letters differ per paper), with the mistake each encodes; wrong responses most common first."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from qbank.core.csvfiles import csv_bytes
from qbank.sets.choice_cells import option_id
from qbank.sets.grade import Graded

REPORT_COLUMNS = ("question", "answer", "asked", "chosen", "correct", "students", "percent", "of", "misconception",
                  "mistake")  # fmt: skip
OTHER = "other"  # a wrong free response that matches no recorded misconception
NONE_READ = "none"  # a blank or unreadable cell


@dataclass(frozen=True)
class ReportRow:
    """One option (or mistake) of one answer: what it is, whether correct, how many of how many chose it."""

    question: str
    answer: str
    asked: str  # choice, multi or free
    source: str  # key, misconception, fill, written; other (a wrong free response no mistake matches), none (blank)
    chosen: str
    correct: bool
    students: int
    of: int
    misconception: str = ""
    mistake: str = ""

    @property
    def percent(self) -> float:
        """The share of the students graded on this answer, in percent."""
        return 100 * self.students / self.of if self.of else 0.0

    @property
    def is_mistake(self) -> bool:
        """Whether this row is a wrong option or a recorded misconception (not another value, not a blank)."""
        return not self.correct and self.source not in (OTHER, NONE_READ)


@dataclass
class _Group:
    """What the report gathers for one (question, answer): its rows' definitions and the counts."""

    question: str
    answer: str
    asked: str
    labels: dict[str, tuple[str, str, bool, str, str]]  # id -> (source, chosen, correct, misconception, mistake)
    counts: Counter[str]
    graded: int = 0


def _choice_labels(choice: Mapping[str, Any]) -> dict[str, tuple[str, str, bool, str, str]]:
    """Row definitions for the options of one paper's choice."""
    labels = {}
    for option in choice["options"]:
        source, correct = option["source"], bool(option["correct"])
        name = option.get("misconception") or ""
        chosen = {"written": option["text"], "key": "the key's value", "fill": "a fallback value"}.get(
            source, f"the value of {name}"
        )
        mistake = option.get("why") or ("fallback perturbation (no named mistake)" if source == "fill" else "")
        labels[option_id(option)] = (source, chosen, correct, name, "" if correct else mistake)
    return labels


def _free_labels(mistakes: Sequence[Mapping[str, Any]]) -> dict[str, tuple[str, str, bool, str, str]]:
    """Row definitions for a free response diagnosed by recorded misconceptions."""
    labels = {"key": ("key", "the key's value", True, "", "")}
    for m in mistakes:
        labels[f"misconception:{m['name']}"] = ("misconception", f"the value of {m['name']}", False, m["name"],
                                                m["description"])  # fmt: skip
    labels[OTHER] = (OTHER, "another wrong value", False, "", "")
    return labels


def report_rows(manifest: Mapping[str, Any], graded: Sequence[Graded]) -> list[ReportRow]:
    """Every answer asked as choice or with recorded misconceptions: its rows, correct first, then the rest by how
    many students chose them (most first)."""
    papers = {p["paper_id"]: {q["id"]: q for q in p["questions"]} for p in manifest["papers"]}
    groups: dict[tuple[str, str, str], _Group] = {}
    for g in graded:
        for qid, name, cell in g.cells:
            question = papers[g.paper_id][qid]
            choice = question.get("choices", {}).get(name)
            mistakes = question.get("misconceptions", {}).get(name)
            if choice is None and not mistakes:
                continue
            asked = choice["kind"] if choice is not None else "free"
            group = groups.setdefault((qid, question["question"], name), _Group(qid, name, asked, {}, Counter()))
            labels = _choice_labels(choice) if choice is not None else _free_labels(mistakes or ())
            for key, label in labels.items():
                group.labels.setdefault(key, label)
            group.graded += 1
            if cell.verdict in ("blank", "unreadable"):
                group.counts[NONE_READ] += 1
            elif cell.counted:
                group.counts.update(cell.counted)
            else:
                group.counts[OTHER] += 1
    rows: list[ReportRow] = []
    for group in groups.values():
        group.labels[NONE_READ] = (NONE_READ, "blank or unreadable", False, "", "")
        found = [ReportRow(group.question, group.answer, group.asked, source, chosen, correct, group.counts[key],
                           group.graded, misconception, mistake)
                 for key, (source, chosen, correct, misconception, mistake) in group.labels.items()]  # fmt: skip
        rows += sorted(found, key=lambda r: (not r.correct, r.source in (OTHER, NONE_READ), -r.students, r.chosen))
    return rows


def report_csv(rows: Sequence[ReportRow], bom: bool = True) -> bytes:
    """The report as CSV: one row per option or mistake, spreadsheet-safe."""
    lines: list[list[object]] = [list(REPORT_COLUMNS)]
    for r in rows:
        lines.append([r.question, r.answer, r.asked, r.chosen, "yes" if r.correct else "no", r.students,
                      f"{r.percent:.1f}", r.of, r.misconception, r.mistake])  # fmt: skip
    return csv_bytes(lines, bom)


def most_common(rows: Sequence[ReportRow], limit: int = 10) -> list[ReportRow]:
    """The mistakes (wrong options, recorded misconceptions) students made, the largest share of a class first."""
    made = [r for r in rows if r.is_mistake and r.students]
    return sorted(made, key=lambda r: (-r.percent, -r.students, r.question, r.answer))[:limit]
