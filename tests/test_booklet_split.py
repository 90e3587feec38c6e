"""Key booklets split past `--booklet-students` students a file (100 by default): files named by the roster
positions they hold, so they sort in roster order; the bound recorded in the recipe, so audit rebuilds the same
files; nonsense values are located errors."""

from __future__ import annotations

import hashlib
import json

import pikepdf
import pytest

from qbank.audit.verify import expected_files
from qbank.output.booklet_files import BOOKLET_STUDENTS, booklet_files, booklet_papers, is_booklet

from .classsets import page_count
from .conftest import SAMPLE_EXAM


def test_a_class_of_forty_keeps_its_one_booklet_and_larger_classes_are_split_in_roster_order():
    assert BOOKLET_STUDENTS >= 40
    assert booklet_files(40, BOOKLET_STUDENTS) == [("key-booklet.pdf", 1, 40)]
    assert booklet_files(100, 100) == [("key-booklet.pdf", 1, 100)]
    assert booklet_files(250, 100) == [("key-booklet-001-100.pdf", 1, 100), ("key-booklet-101-200.pdf", 101, 200),
                                       ("key-booklet-201-250.pdf", 201, 250)]  # fmt: skip
    many = booklet_files(12_000, 1000)
    assert [n for n, _, _ in many][:2] == ["key-booklet-00001-01000.pdf", "key-booklet-01001-02000.pdf"]
    assert [n for n, _, _ in many] == sorted(n for n, _, _ in many) and many[-1][1:] == (11_001, 12_000)
    assert booklet_files(7, None) == [("key-booklet.pdf", 1, 7)]  # a set recorded before the bound: one booklet


def test_a_booklet_file_says_which_papers_it_holds():
    ids = [f"S{i}" for i in range(1, 8)]
    assert booklet_papers("key-booklet-004-006.pdf", ids) == ["S4", "S5", "S6"]
    assert booklet_papers("key-booklet.pdf", ids) == ids
    assert booklet_papers("answers.csv", ids) is None and booklet_papers("keys/S1.pdf", ids) is None
    assert is_booklet("key-booklet-001-100.pdf") and not is_booklet("key-booklet-1.pdf")


def test_grading_expects_the_split_booklet_files_the_recipe_records():
    recipe = {"papers": [{"id": f"S{i}"} for i in range(5)], "booklet_students": 2}
    files = expected_files({"kind": "class", "recipe": recipe})
    assert [f for f in files if is_booklet(f)] == ["key-booklet-001-002.pdf", "key-booklet-003-004.pdf",
                                                   "key-booklet-005-005.pdf"]  # fmt: skip
    assert "key-booklet.pdf" in expected_files({"kind": "class", "recipe": {**recipe, "booklet_students": None}})


def test_a_split_booklet_merged_in_a_worker_process_is_the_one_merged_here(tmp_path):
    from qbank.output.class_set import merge_booklet
    from qbank.output.recipes import ClassPaper
    from qbank.output.writer import StagedFolder

    pdf = pikepdf.new()
    pdf.add_blank_page()
    papers = [ClassPaper(f"S{i}", {"roll": f"S{i}"}) for i in range(1, 6)]
    made = {}
    for jobs in (1, 2):
        (tmp_path / str(jobs) / "keys").mkdir(parents=True)
        for paper in papers:
            pdf.save(tmp_path / str(jobs) / "keys" / f"{paper.id}.pdf", deterministic_id=True)
        made[jobs], _ = merge_booklet(StagedFolder(tmp_path / str(jobs)), papers, jobs, 2)
    assert made[1] == made[2] and sorted(made[1]) == ["key-booklet-001-002.pdf", "key-booklet-003-004.pdf",
                                                      "key-booklet-005-005.pdf"]  # fmt: skip
    for name, digest in made[2].items():
        assert hashlib.sha256((tmp_path / "2" / name).read_bytes()).hexdigest() == digest
    assert page_count(tmp_path / "2" / "key-booklet-005-005.pdf") == 1


@pytest.mark.slow  # renders PDFs
def test_a_split_booklet_is_built_recorded_and_audited(run_cli, tmp_path):
    out = tmp_path / "forms"
    status, said, err = run_cli("build", SAMPLE_EXAM, "--forms", "5", "--seed", "3", "--jobs", "1",
                                "--booklet-students", "2", "--out", out)  # fmt: skip
    assert status == 0, err
    names = sorted(p.name for p in out.glob("key-booklet*"))
    assert names == ["key-booklet-001-002.pdf", "key-booklet-003-004.pdf", "key-booklet-005-005.pdf"]
    assert "key-booklet-001-002.pdf … key-booklet-005-005.pdf (3 files)" in said
    held = {"key-booklet-001-002.pdf": "AB", "key-booklet-003-004.pdf": "CD", "key-booklet-005-005.pdf": "E"}
    for name, forms in held.items():
        with pikepdf.open(out / name) as pdf, pdf.open_outline() as tree:
            assert [str(item.title) for item in tree.root] == [f"Form {f}" for f in forms]
        assert page_count(out / name) == sum(page_count(out / "keys" / f"{f}.pdf") for f in forms)
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["recipe"]["booklet_students"] == 2 and set(held) <= set(manifest["files"])
    status, said, _ = run_cli("audit", out)
    assert status == 0 and "identical: 14 files" in said, said
    text = (out / "manifest.json").read_text()
    (out / "manifest.json").write_text(text.replace('"booklet_students": 2', '"booklet_students": 0'))
    line = text[: text.index('"booklet_students"')].count("\n") + 1
    status, _, err = run_cli("audit", out)
    assert status == 2 and f"manifest.json:{line}: recipe.booklet_students: must be a whole number >= 1" in err


@pytest.mark.parametrize(
    ("value", "message"),
    [("0", "argument --booklet-students: must be at least 1"), ("-3", "argument --booklet-students:"),
     ("ten", "argument --booklet-students:")],
)  # fmt: skip
def test_a_nonsense_bound_is_a_located_error_and_nothing_is_written(run_cli, tmp_path, value, message):
    out = tmp_path / "set"
    status, _, err = run_cli("build", SAMPLE_EXAM, "--forms", "2", "--seed", "1", "--booklet-students", value,
                             "--out", out)  # fmt: skip
    assert status == 2 and f"<command line>: qbank build: {message}" in err and "Traceback" not in err
    assert not out.exists()


def test_a_bound_on_an_exam_set_is_a_located_error(run_cli, tmp_path):
    out = tmp_path / "set"
    status, _, err = run_cli("build", SAMPLE_EXAM, "--seed", "1", "--booklet-students", "5", "--out", out)
    assert status == 2 and "<command line>: --booklet-students: a key booklet is made only for a class set" in err
    assert not out.exists() and not list(tmp_path.iterdir())
