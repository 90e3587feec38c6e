"""The paper-by-paper half of an audit: the recorded manifest's records are read one at a time and each is
compared with its regeneration, read by paper id from the regenerated manifest's file, so neither manifest is
held whole: memory grows with a few small values per paper (its id, its question ids), not with its record."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from qbank.audit.compare import Cause, Difference, paper_differences, question_causes
from qbank.audit.relocate import relocator
from qbank.core.limits import MAX_MANIFEST_BYTES
from qbank.output.manifest_diff import (
    ABSENT,
    FieldDiff,
    audited_keys,
    compare_fields,
    compare_paper,
    papers_diff,
    recipe_problems,
)
from qbank.output.manifest_read import StreamedManifest
from qbank.output.manifest_scan import Located, ManifestScan
from qbank.spec.bank import Bank

__all__ = ["SHOWN_FIELDS", "PaperPass", "Regenerated", "paper_pass"]

SHOWN_FIELDS = 60  # differing manifest fields listed one per line; the rest are counted


class Regenerated:
    """A regenerated set's manifest (None: nothing was regenerated): its fields but the paper records, its key
    order, its papers' ids in order, and where each record is in the file."""

    def __init__(self, file: Path | None) -> None:
        self.file, self.head, self.order, self.ids = file, {"files": {}}, [], []
        self.places: dict[str, tuple[int, int]] = {}
        if file is None:
            return
        scan = ManifestScan(file, str(file), ("MAX_MANIFEST_BYTES", MAX_MANIFEST_BYTES))
        for _, record, located in scan:
            self.ids.append(record["paper_id"])
            self.places[record["paper_id"]] = (located.offset, located.size)
        self.head, self.order = scan.head, scan.order

    def get(self, paper_id: Any) -> dict[str, Any] | None:
        """The regenerated record of `paper_id` (None when none was regenerated)."""
        place = self.places.get(paper_id) if isinstance(paper_id, str) else None
        if place is None or self.file is None:
            return None
        with open(self.file, "rb") as handle:
            handle.seek(place[0])
            return json.loads(handle.read(place[1]))


@dataclass
class PaperPass:
    """What one pass over the recorded records found: the differing fields as report lines (the first
    SHOWN_FIELDS, and how many more), and per paper its differences and question ids, per question its causes."""

    name: str
    lines: list[str] = field(default_factory=list)
    hidden: int = 0
    diffs: dict[str, list[Difference]] = field(default_factory=dict)
    questions: dict[str, tuple[str, ...]] = field(default_factory=dict)
    causes: dict[str, list[Cause]] = field(default_factory=dict)

    def add(self, diffs: Iterable[FieldDiff], line: Any) -> None:
        """Report lines for `diffs`, each at the line `line(path)` gives."""
        for d in diffs:
            if len(self.lines) < SHOWN_FIELDS:
                self.lines.append(f"{self.name}: {d.shown}: {d.message} ({d.where + '; ' if d.where else ''}line "
                                  f"{line(d.path)})")  # fmt: skip
            else:
                self.hidden += 1

    def field_lines(self) -> list[str]:
        """The report's lines for differing fields, with the count of those not shown."""
        more = [f"{self.name}: {self.hidden} more differing fields not shown"] if self.hidden else []
        return self.lines + more


def _record_line(located: Located) -> Any:
    return lambda path: located.line_of(path[2:])


def paper_pass(loaded: StreamedManifest, again: Regenerated | None, wanted: set[str] | None,
               bank: Bank | None) -> PaperPass:  # fmt: skip
    """Compare the record with its regeneration (`again`; None when it failed), field by field as
    qbank.output.manifest_diff.compare_manifests does, reading a record of each at a time; and collect what
    explaining each file's difference needs (only for the `wanted` papers, or all)."""
    find, _ = relocator(loaded.data, loaded.root)
    found = PaperPass(loaded.name)
    keys = audited_keys(loaded.order, again.order) if again is not None else []
    split = keys.index("papers") if "papers" in keys else len(keys)
    found.add(compare_fields(loaded.data, again.head, find, keys[:split]) if again else [], loaded.line)
    used: set[str] = set()
    known: dict[tuple[Any, ...], list[Cause]] = {}
    for index, record, located in loaded.records():
        paper_id = record["paper_id"]
        selected = wanted is None or paper_id in wanted
        new = again.get(paper_id) if again is not None and selected else None
        if again is not None and selected and "papers" in keys:
            found.add(compare_paper(record, index, ABSENT if new is None or paper_id in used else new, find),
                      _record_line(located))  # fmt: skip
            used.add(paper_id)
        if selected:
            differences = paper_differences(record, new)
            if differences:
                found.diffs[paper_id] = differences
            else:
                found.diffs.pop(paper_id, None)
        for question in record["questions"]:
            key = tuple(question.get(k) for k in ("id", "question", "spec_sha256", "solver_sha256", "file", "solver"))
            if key not in known:
                known[key] = question_causes(question, bank)
            found.causes[sys.intern(question["id"])] = known[key]
        found.questions[paper_id] = tuple(sys.intern(question["id"]) for question in record["questions"])
    if again is not None and "papers" in keys:
        missing = [i for i in again.ids if i not in used and (wanted is None or i in wanted)]
        found.add([papers_diff(ABSENT, {"paper_id": i}, " (a paper missing from the record)") for i in missing],
                  loaded.line)  # fmt: skip
        if wanted is None and loaded.paper_ids != again.ids:
            found.add([papers_diff(loaded.paper_ids, again.ids, " (order)")], loaded.line)
    if again is not None:
        found.add(compare_fields(loaded.data, again.head, find, keys[split + 1 :]) + recipe_problems(loaded.data),
                  loaded.line)  # fmt: skip
    return found
