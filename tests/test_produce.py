"""One producer: every output kind is made by `qbank.output.produce` from a frozen, typed recipe; its files are
written only through the writer; a paper's answers are formatted once per question."""

from __future__ import annotations

import ast
import dataclasses
import hashlib
import json
from pathlib import Path

import pytest

from qbank.output.produce import PRODUCERS, produce
from qbank.output.recipes import (
    RECIPES,
    ClassPaper,
    ClassSetRecipe,
    ExamSetRecipe,
    ExportRecipe,
    PracticeRecipe,
    recipe_from_json,
)

from .conftest import ROOT, SAMPLE_BANK, SAMPLE_EXAM

SOURCE = ROOT / "src" / "qbank"
EXAM_SET = ExamSetRecipe(str(SAMPLE_EXAM), 3)
CLASS_SET = ClassSetRecipe(
    str(SAMPLE_EXAM), 3, (ClassPaper("A", {"form": "A"}), ClassPaper("B", {"form": "B"})), ("form",), forms=2
)
PRACTICE = PracticeRecipe(str(SAMPLE_BANK), 3, ("softmax",), 2)
EXPORT = ExportRecipe("moodle", 3, 2, exam=str(SAMPLE_EXAM))
# what each kind writes besides manifest.json, as the README's output reference lists it
EXPECTED = {
    "exam": {"paper.pdf", "key.pdf", "practice.pdf", "practice.html", "key.json"},
    "class": {"papers/A.pdf", "papers/B.pdf", "keys/A.pdf", "keys/B.pdf", "key-booklet.pdf", "answers.csv"},
    "practice": {"practice.pdf", "practice.html"},
    "export": {"moodle.xml", "notes.txt"},
}


def written(folder: Path) -> dict[str, str]:
    """SHA-256 of every file under `folder`, by relative name."""
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in folder.rglob("*") if p.is_file()}  # fmt: skip


@pytest.mark.slow  # renders PDFs
@pytest.mark.parametrize("recipe", [EXAM_SET, CLASS_SET, PRACTICE, EXPORT], ids=lambda r: r.kind)
def test_each_recipe_kind_is_produced_with_its_files_and_manifest(tmp_path, recipe):
    out = tmp_path / "set"
    made = produce(recipe, out, command=["test"])
    files = written(out)
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert set(files) == EXPECTED[recipe.kind] | {"manifest.json"}
    assert manifest["kind"] == recipe.kind and manifest["command"] == ["test"]
    assert manifest["files"] == {name: digest for name, digest in files.items() if name != "manifest.json"}
    assert manifest == made.manifest and made.set_sha256 == manifest["set_sha256"]
    assert manifest["built_in"] == str(out.resolve())
    assert recipe_from_json(recipe.kind, manifest["recipe"]) == recipe  # the recorded recipe reads back the same
    ids = {"class": ["A", "B"], "practice": ["practice"], "export": ["seed-3", "seed-4"]}
    assert [p["paper_id"] for p in manifest["papers"]] == ids.get(recipe.kind, ["main"])
    assert not [p for p in tmp_path.iterdir() if p.name != "set"]  # nothing beside the set (no staging left)


def test_every_recipe_kind_has_a_producer_and_recipes_are_frozen():
    assert set(PRODUCERS) == set(RECIPES) == {"exam", "class", "practice", "export"}
    assert all(RECIPES[kind].kind == kind for kind in RECIPES)
    for recipe in (EXAM_SET, CLASS_SET, PRACTICE, EXPORT):
        with pytest.raises(dataclasses.FrozenInstanceError):
            recipe.seed = 4  # type: ignore[misc]


def test_a_set_built_before_key_styles_existed_keeps_its_recipe_as_recorded():
    old = {"kind": "class", "exam": "/x/exam.yaml", "seed": 1, "canonical": False, "templates": [], "roster": None,
           "forms": 1, "columns": ["form"], "papers": [{"id": "A", "student": {"form": "A"}}]}  # fmt: skip
    recipe = recipe_from_json("class", old)
    assert recipe.key_style == "full" and recipe.csv_bom is None  # full keys, no byte-order mark, as built then
    assert recipe.to_json() == old


@pytest.mark.slow  # renders PDFs
def test_a_paper_formats_each_answer_once(tmp_path, monkeypatch):
    import qbank.render.question

    calls = []
    original = qbank.render.question.format_answer

    def counting(spec, value):
        calls.append(spec)
        return original(spec, value)

    monkeypatch.setattr(qbank.render.question, "format_answer", counting)
    produce(EXAM_SET, tmp_path / "set")
    manifest = json.loads((tmp_path / "set" / "manifest.json").read_text(encoding="utf-8"))
    on_paper = sum(len(q["answers"]) for q in manifest["papers"][0]["questions"])
    # a practice question drawn again (paper id exam-practice-k) was solved k times
    attempts = [int(q["paper"].rsplit("-", 1)[1]) if q["paper"] != "exam-practice" else 1
                for q in manifest["practice"]["questions"]]  # fmt: skip
    practice = sum(n * len(q["answers"]) for n, q in zip(attempts, manifest["practice"]["questions"], strict=True))
    assert on_paper > 0 and len(calls) == on_paper + practice


WRITES = {"write_bytes", "write_text", "write_durable", "mkdir", "makedirs", "symlink_to"}
OS_WRITES = {"open", "write", "rename", "replace"}  # as os.NAME (str.replace is no write)


def file_writes(path: Path) -> list[str]:
    """Calls in a module that write files themselves: open() in a write mode, os.open/write/rename/replace, or
    a writing method (write_bytes, mkdir, ...)."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not isinstance(node, ast.Call):
            continue
        name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
        modes = [a.value for a in node.args[1:2] + [k.value for k in node.keywords if k.arg == "mode"]
                 if isinstance(a, ast.Constant)]  # fmt: skip
        if (name == "open" and any(set(str(m)) & set("wax+") for m in modes)) or name in WRITES:
            found.append(f"{path.relative_to(SOURCE)}:{node.lineno}: {name}")
        elif isinstance(node.func, ast.Attribute) and name in OS_WRITES and getattr(node.func.value, "id", "") == "os":
            found.append(f"{path.relative_to(SOURCE)}:{node.lineno}: os.{name}")
    return found


def test_only_the_writer_writes_the_files_of_a_set():
    producers = [*(SOURCE / "sets").glob("*.py"), *(SOURCE / "output").glob("*.py"), SOURCE / "cli" / "grade.py"]
    writes = [w for path in sorted(producers) if path.name != "writer.py" for w in file_writes(path)]
    assert writes == []


def test_page_contexts_are_typed_and_a_paper_carries_no_answers():
    from qbank.render.page import PageContext, page_context
    from qbank.render.paper import solve_paper
    from qbank.spec.exam import load_exam

    paper = solve_paper(load_exam(SAMPLE_EXAM), 3)
    contexts = {kind: page_context(paper, kind) for kind in ("paper", "key")}
    assert all(isinstance(c, PageContext) for c in contexts.values())
    with pytest.raises(dataclasses.FrozenInstanceError):
        contexts["paper"].kind = "key"  # type: ignore[misc]
    parts = {kind: [p for s in c.sections for e in s.entries for p in e.parts] for kind, c in contexts.items()}
    assert parts["paper"] and all(p.answers is None and p.solution is None for p in parts["paper"])
    assert all(p.answers is not None for p in parts["key"])


@pytest.mark.slow  # builds and renders a set of forms
def test_grade_refuses_one_file_for_marks_and_detail(tmp_path, run_cli):
    out = tmp_path / "set"
    assert run_cli("build", str(SAMPLE_EXAM), "--forms", "1", "--seed", "2", "--out", str(out))[0] == 0
    same = tmp_path / "marks.csv"
    status, _, err = run_cli("grade", str(out), str(out / "answers.csv"), "--out", str(same), "--detail", str(same))
    assert status == 2 and "--detail: the detail file must differ from the marks file" in err
    assert not same.exists()
