"""`qbank new bank` and `qbank new question`: scaffolds that pass `qbank check` as created and never overwrite."""

from __future__ import annotations

import errno
import os
import subprocess
import sys
from pathlib import Path

import pytest

from qbank.output import writer

from .conftest import ROOT


def qbank(*args: object, cwd: Path) -> subprocess.CompletedProcess:
    """Run the qbank command line in a fresh process."""
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    command = [sys.executable, "-m", "qbank", *map(str, args)]
    return subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=300)


def tree(folder: Path) -> dict[str, bytes]:
    """Every file under `folder` with its bytes (hidden files included)."""
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.mark.slow  # two fresh processes (about 2 s each to start)
def test_a_new_bank_passes_check_through_the_command_line(tmp_path):
    made = qbank("new", "bank", "banks/my-bank", cwd=tmp_path)
    assert made.returncode == 0, made.stderr
    assert sorted(tree(tmp_path / "banks" / "my-bank")) == [
        "README.md",
        "bank.yaml",
        "questions/example/rectangle.yaml",
        "solvers.py",
        "tests/test_my_bank.py",
    ]
    assert sorted(p.name for p in (tmp_path / "banks").iterdir()) == ["my-bank"]  # no staging folder left
    checked = qbank("check", "banks/my-bank", "--seeds", "300", "--jobs", "1", cwd=tmp_path)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "ok   example/rectangle: 300/300 seeds passed, canonical ok" in checked.stdout


def test_name_and_title_options_reach_the_bank(tmp_path, run_cli, monkeypatch):
    monkeypatch.chdir(tmp_path)
    status, out, err = run_cli("new", "bank", "Stats_Bank", "--title", "Statistics: the basics")
    assert status == 0, err
    bank = (tmp_path / "Stats_Bank" / "bank.yaml").read_text()
    assert "name: stats-bank\n" in bank and 'title: "Statistics: the basics"\n' in bank
    assert 'solver("stats_bank.rectangle")' in (tmp_path / "Stats_Bank" / "solvers.py").read_text()
    status, out, err = run_cli("new", "bank", "other", "--name", "2026-quiz")
    assert status == 0, err
    assert (
        "solver: bank_2026_quiz.rectangle"
        in (tmp_path / "other" / "questions" / "example" / "rectangle.yaml").read_text()
    )
    assert run_cli("check", "Stats_Bank", "--seeds", "50", "--jobs", "1")[0] == 0
    assert run_cli("check", "other", "--seeds", "50", "--jobs", "1")[0] == 0


def test_an_empty_existing_folder_may_become_a_bank(tmp_path, run_cli, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "empty").mkdir()
    status, out, err = run_cli("new", "bank", "empty")
    assert status == 0, err
    assert (tmp_path / "empty" / "bank.yaml").is_file()


@pytest.mark.parametrize(
    ("case", "args", "message"),
    [
        (
            "not-empty",
            ("new", "bank", "full"),
            "<command line>: DIR: full is not empty; qbank new bank writes only a new",
        ),
        ("a-file", ("new", "bank", "note.txt"), "<command line>: DIR: note.txt exists and is not a folder"),
        (
            "inside-a-file",
            ("new", "bank", "note.txt/bank"),
            "<command line>: DIR: note.txt/bank is inside note.txt, which",
        ),
        ("current-folder", ("new", "bank", "."), "<command line>: DIR: . holds the current folder"),
        (
            "bad-name",
            ("new", "bank", "new", "--name", "My Bank"),
            "<command line>: --name: 'My Bank' is not a bank name",
        ),
        (
            "bad-dir-name",
            ("new", "bank", "my.bank"),
            "<command line>: DIR: 'my.bank' is not a bank name ([a-z0-9-]+); give",
        ),
        ("empty-title", ("new", "bank", "new", "--title", " "), "<command line>: --title: must not be empty"),
    ],
    ids=lambda value: value if isinstance(value, str) and " " not in value else None,
)
def test_new_bank_refusals_are_located_and_write_nothing(case, args, message, tmp_path, run_cli, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "notes.md").write_text("mine\n")
    (tmp_path / "note.txt").write_text("mine\n")
    before = tree(tmp_path)
    status, out, err = run_cli(*args)
    assert status == 2 and out == ""
    assert message in err and "Traceback" not in err
    assert tree(tmp_path) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["full", "note.txt"]


def test_a_failed_write_leaves_no_bank_and_no_staging_folder(tmp_path, run_cli, monkeypatch):
    monkeypatch.chdir(tmp_path)
    calls = []

    def full_disk(target: Path, data: bytes) -> None:
        calls.append(target)
        if len(calls) == 3:
            raise OSError(errno.ENOSPC, "No space left on device", str(target))
        real_write(target, data)

    real_write = writer.write_durable
    monkeypatch.setattr(writer, "write_durable", full_disk)
    status, out, err = run_cli("new", "bank", "parent/mine")
    assert status == 2 and "No space left on device; nothing was written" in err
    assert list(tmp_path.iterdir()) == []  # neither the bank, its staging folder nor the parent it made


def test_a_new_question_passes_check_and_never_overwrites(tmp_path, run_cli, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert run_cli("new", "bank", "mine")[0] == 0
    status, out, err = run_cli("new", "question", "signals/fir-taps", "--bank", "mine", "--topic", "filters")
    assert status == 0, err
    written = tmp_path / "mine" / "questions" / "signals" / "fir-taps.yaml"
    text = written.read_text()
    assert text.startswith("id: signals/fir-taps\ntitle: Fir taps\ntopics: [filters]\n")
    status, out, err = run_cli("check", "mine", "--seeds", "200", "--jobs", "1")
    assert status == 0, out + err
    assert "ok   signals/fir-taps: 200/200 seeds" in out
    before = tree(tmp_path)
    status, out, err = run_cli("new", "question", "signals/fir-taps", "--bank", "mine")
    assert status == 2 and "<command line>: ID: mine/questions/signals/fir-taps.yaml already exists" in err
    # the same id declared by a file elsewhere in the bank
    (tmp_path / "mine" / "questions" / "moved.yaml").write_text(text.replace("signals/fir-taps", "signals/iir"))
    before = tree(tmp_path)
    status, out, err = run_cli("new", "question", "signals/iir", "--bank", "mine")
    assert (
        status == 2 and "<command line>: ID: question 'signals/iir' already exists in mine/questions/moved.yaml" in err
    )
    assert tree(tmp_path) == before


def test_new_question_finds_the_bank_holding_the_current_folder(tmp_path, run_cli, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert run_cli("new", "bank", "mine")[0] == 0
    monkeypatch.chdir(tmp_path / "mine" / "questions")
    status, out, err = run_cli("new", "question", "topic/q1")
    assert status == 0, err
    assert (tmp_path / "mine" / "questions" / "topic" / "q1.yaml").is_file()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("new", "question", "Bad_ID", "--bank", "mine"), "<command line>: ID: 'Bad_ID' is not a question id"),
        (("new", "question", "a/../b", "--bank", "mine"), "<command line>: ID: 'a/../b' is not a question id"),
        (
            ("new", "question", "a/b", "--bank", "mine", "--topic", "Big"),
            "<command line>: --topic: 'Big' is not a topic",
        ),
        (("new", "question", "a/b", "--bank", "nowhere"), "<command line>: --bank: no bank.yaml in nowhere"),
        (("new", "question", "a/b"), "<command line>: --bank: no bank.yaml in the current folder or above"),
        (("new",), "<command line>: qbank new: the following arguments are required: WHAT"),
    ],
)
def test_new_question_refusals_are_located_and_write_nothing(args, message, tmp_path, run_cli, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert run_cli("new", "bank", "mine")[0] == 0
    before = tree(tmp_path)
    status, out, err = run_cli(*args)
    assert status == 2 and message in err, err
    assert tree(tmp_path) == before


@pytest.mark.slow  # a pytest run in a fresh process, and a build that renders PDFs
def test_the_new_banks_own_tests_pass_and_an_exam_on_it_builds(tmp_path):
    assert qbank("new", "bank", "bank", "--name", "shapes", cwd=tmp_path).returncode == 0
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    tests = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "bank/tests"],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert tests.returncode == 0, tests.stdout + tests.stderr
    assert "3 passed" in tests.stdout
    (tmp_path / "quiz.yaml").write_text(
        "bank: bank\ninstitution: Test School\ncourse: {code: G1, name: Geometry}\nexam: Quiz\n"
        "sections:\n  - questions:\n      - {id: example/rectangle}\n"
    )
    built = qbank("build", "quiz.yaml", "--seed", "3", "--out", "set", "--jobs", "1", cwd=tmp_path)
    assert built.returncode == 0, built.stderr
    assert {"paper.pdf", "key.pdf", "manifest.json"} <= {p.name for p in (tmp_path / "set").iterdir()}
    audited = qbank("audit", "set", "--jobs", "1", cwd=tmp_path)
    assert audited.returncode == 0, audited.stdout + audited.stderr
