"""Verifying a manifest's data without rendering: draw and solve every paper again from the recorded recipe
and compare the manifest's data (papers, answers, declarations, marks, parameters, students, seeds) with it.
`qbank grade` grades only from keys verified this way, unless told to trust the manifest."""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from qbank.audit.relocate import relocated_manifest, relocator
from qbank.core.errors import Problem, UserError
from qbank.output.manifest_diff import DATA_KEYS, compare_manifests
from qbank.output.manifest_read import ManifestFile, load_manifest, set_digest
from qbank.output.manifest_schema import answer_problems

__all__ = ["SHOWN_DIFFERENCES", "load_for_grading", "regenerate_data"]

SHOWN_DIFFERENCES = 40
EXAM_FILES = ("paper.pdf", "key.pdf", "practice.pdf", "practice.html", "key.json")  # qbank.output.exam_set.FILES
GRADEBOOK = "answers.csv"  # qbank.output.class_set.GRADEBOOK
TRUSTED = "keys: taken from the manifest as recorded, not verified against a regeneration (--trust-manifest)"
VERIFIED = "keys: regenerated from the exam and bank; the manifest's papers, answers and declarations match them"


def regenerate_data(manifest: Mapping[str, Any]) -> dict[str, Any]:
    """The data part of an exam or class set's manifest, drawn and solved again from its (relocated) recipe
    without rendering anything: every paper record, the exam and bank records, seed, kind and recipe."""
    from qbank.output.manifest import set_record
    from qbank.output.records import paper_record
    from qbank.preflight.checks import checked_exam
    from qbank.render.paper import solve_paper

    recipe = manifest["recipe"]
    exam = checked_exam(Path(recipe["exam"]))
    seed, canonical = recipe["seed"], recipe["canonical"]
    class_set = manifest["kind"] == "class"
    wanted = [(p["id"], p["student"]) for p in recipe["papers"]] if class_set else [("main", None)]
    records = [paper_record(solve_paper(exam, seed, paper_id, canonical, render=False), student)
               for paper_id, student in wanted]  # fmt: skip
    return {
        **set_record(exam.bank, exam, records, seed, canonical).to_json(),
        "kind": manifest["kind"],
        "recipe": dict(recipe),
    }


def expected_files(manifest: Mapping[str, Any]) -> list[str]:
    """The files an exam or class set's build writes besides its manifest (a paper and key per student)."""
    if manifest["kind"] == "exam":
        return sorted(EXAM_FILES)
    from qbank.output.booklet_files import booklet_files

    ids = [p["id"] for p in manifest["recipe"]["papers"]]
    booklets = [name for name, _, _ in booklet_files(len(ids), manifest["recipe"].get("booklet_students"))]
    return sorted([*booklets, GRADEBOOK, *(f"{folder}/{i}.pdf" for i in ids for folder in ("papers", "keys"))])


def file_list_problems(loaded: ManifestFile) -> list[Problem]:
    """The manifest's file list against the files its set must hold, and its set digest against its content."""
    names, expected = set(loaded.data["files"]), expected_files(loaded.data)
    problems = [loaded.problem(("files", n), "the build writes no such file (not in the regenerated file list)")
                for n in sorted(names - set(expected))]  # fmt: skip
    problems += [loaded.problem(("files",), f"{n}: missing from the file list (the build writes it)")
                 for n in expected if n not in names]  # fmt: skip
    recorded = loaded.data.get("set_sha256")
    if recorded is not None and recorded != set_digest(loaded.data):
        message = f"recorded {recorded}, but the manifest's content has digest {set_digest(loaded.data)}"
        problems.append(loaded.problem(("set_sha256",), message + " (edited after the build)"))
    return problems


def verify_data(loaded: ManifestFile) -> dict[str, Any]:
    """The regenerated data of a set whose manifest matches it; else a UserError naming each differing field
    (by paper, question and field) at its line of the manifest."""
    moved, _ = relocated_manifest(loaded.data, loaded.root)
    find, _ = relocator(loaded.data, loaded.root)
    hint = "pass --trust-manifest to grade from the manifest as recorded"
    try:
        regenerated = regenerate_data(moved)
    except UserError as exc:
        head = Problem(loaded.name, 0, "", f"cannot regenerate the set to verify its manifest ({hint}):")
        raise UserError([head, *exc.problems]) from None
    diffs = compare_manifests(loaded.data, regenerated, find, keys=DATA_KEYS)
    problems = [loaded.problem(d.path, d.message + (f" ({d.where})" if d.where else ""), d.shown) for d in diffs]
    problems += file_list_problems(loaded)
    if problems:
        hidden = len(problems) - SHOWN_DIFFERENCES
        problems = problems[:SHOWN_DIFFERENCES]
        more = f" ({hidden} more not shown)" if hidden > 0 else ""
        problems.append(Problem(loaded.name, 0, "", f"the manifest does not match its regeneration{more}: "
                                f"refusing to grade (`qbank audit` says why; {hint})"))  # fmt: skip
        raise UserError(problems)
    return regenerated


def load_for_grading(path: Path, trust: bool = False) -> tuple[dict[str, Any], Path, str]:
    """The manifest to grade with (its papers regenerated and verified, unless `trust`), the set's folder, and
    a line saying where the keys came from."""
    loaded = load_manifest(path)
    if trust or loaded.data["kind"] not in ("exam", "class"):
        problems = answer_problems(loaded.data)
        if problems:
            raise UserError(loaded.problems(problems))
        return loaded.data, loaded.root, TRUSTED if trust else ""
    regenerated = verify_data(loaded)
    papers = json.loads(json.dumps(regenerated["papers"], sort_keys=True))  # ordered as a written manifest is
    return {**loaded.data, "papers": papers}, loaded.root, VERIFIED
