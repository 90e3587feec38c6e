"""What `--out` may name and what `--force` may replace, checked before any rendering, for every verb that writes."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

import qbank.output.pdf
from qbank.cli import main

from .classsets import roster_rows, write_roster
from .conftest import SAMPLE_BANK, SAMPLE_EXAM

pytestmark = pytest.mark.slow
VERBS = ("exam", "forms", "roster", "practice")


def command(verb: str, out: str, *extra: str) -> list[str]:
    """A writing command of each kind, run from a copy of the project (see `project`)."""
    base = {
        "exam": ["build", "exams/sample.yaml", "--seed", "1"],
        "forms": ["build", "exams/sample.yaml", "--forms", "2", "--jobs", "1", "--seed", "1"],
        "roster": ["build", "exams/sample.yaml", "--roster", "students.csv", "--jobs", "1", "--seed", "1"],
        "practice": ["practice", "banks/sample", "--count", "1", "--seed", "1"],
    }[verb]
    return [*base, "--out", out, *extra]


def tree(root: Path) -> dict[str, bytes | None]:
    """Every file (with its bytes) and folder (None) under `root`."""
    return {p.relative_to(root).as_posix(): (p.read_bytes() if p.is_file() else None) for p in sorted(root.rglob("*"))}


@pytest.fixture
def project(sample_copy, monkeypatch):
    """The working directory: a copy of the sample bank and exam, and a roster."""
    write_roster(sample_copy / "students.csv", roster_rows(2))
    monkeypatch.chdir(sample_copy)
    return sample_copy


@pytest.fixture
def no_rendering(monkeypatch):
    """Fail the test if anything is rendered: every refusal must come before any work."""

    def refuse(*args, **kwargs):
        raise AssertionError("rendered before the arguments were checked")

    monkeypatch.setattr(qbank.output.pdf, "write_pdf", refuse)  # every PDF is made through it


@pytest.fixture(scope="module")
def real_set(tmp_path_factory) -> Path:
    """A class set qbank wrote (two forms)."""
    out = tmp_path_factory.mktemp("safety") / "forms"
    assert main(["build", str(SAMPLE_EXAM), "--forms", "2", "--jobs", "1", "--seed", "3", "--out", str(out)]) == 0
    return out


def fake_set(folder: Path, files: dict[str, bytes]) -> Path:
    """A folder holding `files` and a qbank manifest listing every one of them."""
    for name, data in files.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(data)
    manifest = {"manifest_version": 2, "files": {name: "0" * 64 for name in files}}
    (folder / "manifest.json").write_text(json.dumps(manifest))
    return folder


def refused(run_cli, argv: list[str], project: Path, *expected: str) -> str:
    """Run `argv`; assert exit 2, a located `--out` error containing `expected`, and nothing changed."""
    before = tree(project)
    status, _, err = run_cli(*argv)
    assert status == 2, err
    assert "Traceback" not in err
    for text in expected:
        assert text in err, err
    assert tree(project) == before
    return err


@pytest.mark.parametrize("verb", VERBS)
def test_force_never_replaces_the_current_folder_or_one_above_it(project, run_cli, no_rendering, verb, monkeypatch):
    refused(run_cli, command(verb, ".", "--force"), project, "<command line>: --out: . is the current folder")
    (project / "banks" / "sample" / "sets").mkdir()
    monkeypatch.chdir(project / "banks" / "sample" / "sets")
    argv = [a.replace("exams/", "../../../exams/").replace("banks/sample", "../..") for a in command(verb, "../..")]
    argv = [a if a != "students.csv" else "../../../students.csv" for a in argv]
    refused(run_cli, [*argv, "--force"], project, "--out: ../.. is a folder holding the current folder")
    refused(run_cli, [*argv[:-1], str(project), "--force"], project, "is a folder holding the current folder")


@pytest.mark.parametrize("verb", VERBS)
def test_force_never_replaces_a_folder_holding_an_input(project, run_cli, no_rendering, verb):
    for folder in (project / "exams", project / "banks"):  # sets whose manifests list every file in them
        fake_set(folder, {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()})
    err = refused(run_cli, command(verb, "banks", "--force"), project, "--out: banks holds banks/sample, an input")
    if verb != "practice":
        refused(run_cli, command(verb, "exams", "--force"), project, "--out: exams holds exams/sample.yaml, an input")
    assert "never replaces it" in err


@pytest.mark.parametrize("verb", VERBS)
def test_force_never_replaces_a_folder_inside_an_input_or_an_input_itself(project, run_cli, no_rendering, verb):
    fake_set(project / "banks" / "sample" / "old-set", {"paper.pdf": b"%PDF"})
    refused(run_cli, command(verb, "banks/sample/old-set", "--force"), project,
            "--out: banks/sample/old-set is inside banks/sample, an input of this run")  # fmt: skip
    fake_set(project / "templates", {"paper.html.j2": b"{{ 1 }}"})
    refused(run_cli, command(verb, "templates", "--force", "--templates", "templates"), project,
            "--out: templates is an input of this run")  # fmt: skip
    if verb == "practice":
        refused(run_cli, command(verb, "banks/sample", "--force"), project, "--out: banks/sample is an input")


@pytest.mark.parametrize("verb", VERBS)
def test_force_refuses_a_folder_qbank_did_not_write(project, run_cli, no_rendering, verb):
    (project / "notes").mkdir()
    (project / "notes" / "todo.txt").write_text("my notes")
    refused(run_cli, command(verb, "notes", "--force"), project,
            "--out: notes is not a qbank set (no qbank manifest.json in it)")  # fmt: skip
    (project / "notes" / "manifest.json").write_text('{"something": "else"}')
    refused(run_cli, command(verb, "notes", "--force"), project, "--out: notes is not a qbank set")


@pytest.mark.parametrize("verb", VERBS)
def test_force_refuses_a_set_holding_files_its_manifest_does_not_list(project, run_cli, no_rendering, verb, real_set):
    shutil.copytree(real_set, project / "set")
    (project / "set" / "marks.csv").write_text("form,paper,total\n")
    (project / "set" / "papers" / "A-scan.pdf").write_bytes(b"%PDF scan")
    (project / "set" / "drafts" / "deep").mkdir(parents=True)
    listing = "(drafts/, marks.csv, papers/A-scan.pdf)"
    refused(
        run_cli,
        command(verb, "set", "--force"),
        project,
        f"--out: set holds files its manifest.json does not list {listing}",
    )


def test_force_replaces_a_set_qbank_wrote_and_an_existing_empty_folder_is_used(project, run_cli):
    (project / "empty").mkdir()
    status, _, err = run_cli(*command("practice", "empty"))
    assert status == 0, err
    assert {p.name for p in (project / "empty").iterdir()} == {"practice.pdf", "practice.html", "manifest.json"}
    old = (project / "empty" / "manifest.json").read_bytes()
    status, _, err = run_cli(*command("practice", "empty", "--force")[:-3], "--seed", "2", "--out", "empty", "--force")
    assert status == 0, err
    assert (project / "empty" / "manifest.json").read_bytes() != old
    status, _, err = run_cli(*command("practice", "empty"))
    assert status == 2 and "--out: empty already exists (use --force to replace it)" in err


@pytest.mark.parametrize("verb", VERBS)
def test_out_under_a_file_is_refused_before_rendering(project, run_cli, no_rendering, verb):
    message = "<command line>: --out: exams/sample.yaml/out/set is inside exams/sample.yaml, which is a file"
    refused(run_cli, command(verb, "exams/sample.yaml/out/set"), project, message)
    refused(run_cli, command(verb, "exams/sample.yaml"), project, "--out: exams/sample.yaml exists and is not a folder")


@pytest.mark.parametrize("verb", VERBS)
def test_templates_must_be_existing_folders(project, run_cli, no_rendering, verb):
    err = refused(run_cli, command(verb, "new", "--templates", "missing", "--templates", "exams/sample.yaml"), project,
                  "<command line>: --templates: missing does not exist",
                  "<command line>: --templates: exams/sample.yaml is not a folder")  # fmt: skip
    assert "qbank: 2 errors" in err
    err = refused(run_cli, command(verb, "exams/sample.yaml/x", "--templates", "missing"), project, "--templates")
    assert "--out: exams/sample.yaml/x is inside" in err and "qbank: 2 errors" in err


def test_grade_never_replaces_an_input_or_a_file_it_did_not_write(project, run_cli, real_set):
    shutil.copytree(real_set, project / "set")
    responses = project / "set" / "answers.csv"
    roster = project / "students.csv"
    argv = ["grade", "set", "set/answers.csv"]
    refused(run_cli, [*argv, "--out", "set/answers.csv", "--force"], project, "--out: set/answers.csv is an input")
    refused(run_cli, [*argv, "--out", "set/manifest.json", "--force"], project, "--out: set/manifest.json is an input")
    refused(run_cli, [*argv, "--out", "students.csv", "--force"], project,
            "--out: students.csv is not a marks file qbank wrote")  # fmt: skip
    refused(run_cli, [*argv, "--out", "banks", "--force"], project, "--out: banks is a folder")
    refused(run_cli, [*argv, "--out", "students.csv/marks.csv"], project,
            "--out: students.csv/marks.csv is inside students.csv, which is a file")  # fmt: skip
    assert roster.read_text().startswith("roll,name") and responses.exists()
    status, _, err = run_cli(*argv, "--out", "marks/quiz.csv")
    assert status == 0, err
    status, _, err = run_cli(*argv, "--out", "marks/quiz.csv", "--force")
    assert status == 0, err  # a marks file qbank wrote may be replaced


def test_loading_a_bank_writes_nothing_into_its_folder(tmp_path, monkeypatch):
    """Importing a bank's solver modules leaves no __pycache__ behind: the bank folder is the user's (even where
    Python writes bytecode, as without PYTHONDONTWRITEBYTECODE)."""
    import sys

    from qbank.spec.bank import load_bank

    monkeypatch.setattr(sys, "dont_write_bytecode", False)

    bank = tmp_path / "mybank"
    shutil.copytree(SAMPLE_BANK, bank, ignore=shutil.ignore_patterns("__pycache__"))
    before = sorted(p.relative_to(bank) for p in bank.rglob("*"))
    load_bank(bank)
    assert sorted(p.relative_to(bank) for p in bank.rglob("*")) == before
