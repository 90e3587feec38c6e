"""An exam file that fails its schema still has its question ids checked: the ids written where the schema found
nothing wrong are looked up in the bank, so one run reports a bad `shuffle` and an unknown question id together.

Only what the schema problems leave standing is checked (an id that is not a string, or a bank path the schema
refused, is not looked at again): no problem here is a consequence of one already reported.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from qbank.core.errors import Problem, UserError, join_path
from qbank.spec.bank import Bank, load_bank
from qbank.spec.load import Document, KeyPath


def bank_folder(exam_path: Path, bank: str) -> Path | None:
    """The bank folder an exam's `bank` names (relative to the exam file), or None when it holds no bank.yaml."""
    try:
        folder = (exam_path.parent / bank).resolve()
        return folder if (folder / "bank.yaml").is_file() else None
    except (OSError, ValueError):  # a name the OS refuses: too long, or with a NUL byte
        return None


def missing_bank(document: Document, bank: str) -> Problem:
    """The problem of a `bank` naming a folder without bank.yaml."""
    return document.problem(("bank",), f"no bank.yaml in {bank!r} (relative to the exam file)")


def reference_problems(exam_path: Path, document: Document, reported: Sequence[Problem]) -> list[Problem]:
    """Problems of the bank an exam names and of the question ids it writes, for an exam whose schema problems
    (`reported`) stop it being validated: every id the schema left alone that the bank does not have."""
    data = document.data if isinstance(document.data, dict) else {}
    bank_name = data.get("bank")
    if not isinstance(bank_name, str) or not bank_name or _flagged(("bank",), reported):
        return []
    folder = bank_folder(exam_path, bank_name)
    if folder is None:
        return [missing_bank(document, bank_name)]
    try:
        bank = load_bank(folder)
    except UserError as exc:  # the bank's own problems; its question ids cannot be trusted then
        return list(exc.problems)
    return [_unknown(document, path, qid, bank) for path, qid in written_ids(data)
            if qid not in bank.questions and not _flagged(path, reported)]  # fmt: skip


def written_ids(data: dict[str, Any]) -> Iterator[tuple[KeyPath, str]]:
    """(key path, id) of every question id an exam file writes as a string: `id`, `parts[k].id`, `pool[k]`."""
    sections = data.get("sections")
    for s_index, section in enumerate(sections if isinstance(sections, list) else []):
        questions = section.get("questions") if isinstance(section, dict) else None
        for q_index, entry in enumerate(questions if isinstance(questions, list) else []):
            if not isinstance(entry, dict):
                continue
            where: KeyPath = ("sections", s_index, "questions", q_index)
            if isinstance(entry.get("id"), str):
                yield (*where, "id"), entry["id"]
            parts = entry.get("parts")
            for p_index, part in enumerate(parts if isinstance(parts, list) else []):
                if isinstance(part, dict) and isinstance(part.get("id"), str):
                    yield (*where, "parts", p_index, "id"), part["id"]
            pool = entry.get("pool")
            for k, qid in enumerate(pool if isinstance(pool, list) else []):
                if isinstance(qid, str):
                    yield (*where, "pool", k), qid


def _flagged(path: KeyPath, reported: Sequence[Problem]) -> bool:
    """Whether a schema problem is at `path` or inside it."""
    text = join_path(*path)
    return any(p.path == text or p.path.startswith((f"{text}.", f"{text}[")) for p in reported)


def _unknown(document: Document, path: KeyPath, qid: str, bank: Bank) -> Problem:
    """The problem of an id the bank does not have (as the exam's plan words it)."""
    return document.problem(path, f"no question {qid!r} in bank {bank.spec.name!r}")
