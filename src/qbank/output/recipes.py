"""Recipes: frozen, typed descriptions of an output set, recorded in its manifest and enough to produce it
again. One class per output kind (its `kind`, `to_json` and `from_json`), registered in RECIPES; its producer is
registered under the same kind in qbank.output.produce.PRODUCERS."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any


class _FromAnExam:
    """What the recipes made from an exam file share: the key style and the head of their record."""

    kind: str
    exam: str
    seed: int
    canonical: bool
    key: str | None

    @property
    def key_style(self) -> str:
        """The answer key's style (full when the recorded recipe predates key styles)."""
        return self.key or "full"

    def _head(self) -> dict[str, Any]:
        """kind, exam, seed, canonical and (when recorded) key, in the manifest's order."""
        data: dict[str, Any] = {"kind": self.kind, "exam": self.exam, "seed": self.seed, "canonical": self.canonical}
        if self.key is not None:
            data["key"] = self.key
        return data


@dataclass(frozen=True)
class ExamSetRecipe(_FromAnExam):
    """One exam set: paper, answer key, practice sheet and key sidecar of paper `main`."""

    exam: str
    seed: int
    canonical: bool = False
    key: str | None = "full"  # None: a set built before key styles existed (full keys), recorded without one
    templates: tuple[str, ...] = ()
    kind = "exam"

    def to_json(self) -> dict[str, Any]:
        """The recipe as the manifest records it."""
        return {**self._head(), "templates": list(self.templates)}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> ExamSetRecipe:
        """The recipe a manifest records."""
        return cls(data["exam"], data["seed"], data["canonical"], data.get("key"), tuple(data.get("templates", [])))


@dataclass(frozen=True)
class ClassPaper:
    """One paper of a class set: its id (roll number or form letter) and who it is for."""

    id: str
    student: Mapping[str, str]


@dataclass(frozen=True)
class ClassSetRecipe(_FromAnExam):
    """A class set: a paper and key per student of a roster (or per form), a key booklet and a gradebook."""

    exam: str
    seed: int
    papers: tuple[ClassPaper, ...]
    columns: tuple[str, ...]
    canonical: bool = False
    key: str | None = "compact"  # None: a set built before key styles existed (full keys)
    templates: tuple[str, ...] = ()
    roster: Mapping[str, Any] | None = None
    forms: int | None = None
    csv_bom: bool | None = True  # None: a set built before the option existed (no byte-order mark)
    booklet_students: int | None = None  # students per key booklet file; None: one booklet (as built before)
    kind = "class"

    def to_json(self) -> dict[str, Any]:
        """The recipe as the manifest records it."""
        data = self._head()
        data.update(templates=list(self.templates), roster=dict(self.roster) if self.roster is not None else None,
                    forms=self.forms)  # fmt: skip
        if self.csv_bom is not None:
            data["csv_bom"] = self.csv_bom
        if self.booklet_students is not None:
            data["booklet_students"] = self.booklet_students
        data["columns"] = list(self.columns)
        data["papers"] = [{"id": paper.id, "student": dict(paper.student)} for paper in self.papers]
        return data

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> ClassSetRecipe:
        """The recipe a manifest records."""
        papers = tuple(ClassPaper(p["id"], dict(p["student"])) for p in data["papers"])
        return cls(data["exam"], data["seed"], papers, tuple(data["columns"]), data["canonical"], data.get("key"),
                   tuple(data.get("templates", [])), data.get("roster"), data.get("forms"),
                   data.get("csv_bom"), data.get("booklet_students"))  # fmt: skip


@dataclass(frozen=True)
class PracticeRecipe:
    """A practice sheet: `count` fresh variants of a bank's questions on `topics` (every topic if none)."""

    bank: str
    seed: int
    topics: tuple[str, ...] = ()
    count: int = 8
    inline_solutions: bool = False
    templates: tuple[str, ...] = ()
    kind = "practice"

    def to_json(self) -> dict[str, Any]:
        """The recipe as the manifest records it."""
        return {"kind": self.kind, "bank": self.bank, "topics": list(self.topics), "count": self.count,
                "seed": self.seed, "inline_solutions": self.inline_solutions,
                "templates": list(self.templates)}  # fmt: skip

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> PracticeRecipe:
        """The recipe a manifest records."""
        return cls(data["bank"], data["seed"], tuple(data["topics"]), data["count"], data["inline_solutions"],
                   tuple(data.get("templates", [])))  # fmt: skip


@dataclass(frozen=True)
class ExportRecipe:
    """An LMS export: `variants` seeded variants (exam seeds seed, seed+1, ...; paper `main`) of every question
    of an exam file, or of a bank (folder or one question file) asked `ask` (free or choice), in one LMS format."""

    format: str
    seed: int
    variants: int
    exam: str | None = None
    bank: str | None = None  # a bank folder, its bank.yaml or one question file (when `exam` is None)
    ask: str | None = None  # None for an exam, whose entries say how each question is asked
    file: str | None = None  # the export file's name when `--out` named a file (else moodle.xml, qti21.zip, ...)
    kind = "export"

    def to_json(self) -> dict[str, Any]:
        """The recipe as the manifest records it (`exam`, or `bank` and `ask`)."""
        data: dict[str, Any] = {"kind": self.kind, "format": self.format, "seed": self.seed, "variants": self.variants}
        if self.exam is not None:
            data["exam"] = self.exam
        else:
            data.update(bank=self.bank, ask=self.ask)
        if self.file is not None:
            data["file"] = self.file
        return data

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> ExportRecipe:
        """The recipe a manifest records."""
        return cls(data["format"], data["seed"], data["variants"], data.get("exam"), data.get("bank"), data.get("ask"),
                   data.get("file"))  # fmt: skip


Recipe = ExamSetRecipe | ClassSetRecipe | PracticeRecipe | ExportRecipe
RECIPES: dict[str, type[ExamSetRecipe] | type[ClassSetRecipe] | type[PracticeRecipe] | type[ExportRecipe]] = {
    "exam": ExamSetRecipe,
    "class": ClassSetRecipe,
    "practice": PracticeRecipe,
    "export": ExportRecipe,
}


def recipe_from_json(kind: str, data: Mapping[str, Any]) -> Recipe:
    """The recipe a manifest of `kind` records (checked by the manifest's schema when it was read)."""
    return RECIPES[kind].from_json(data)
