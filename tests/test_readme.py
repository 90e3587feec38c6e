"""The README's tutorial works as written, and its CLI reference matches the parser."""

from __future__ import annotations

import argparse
import re

from qbank.cli import make_parser

from .conftest import ROOT

README = (ROOT / "README.md").read_text()


def code_blocks(language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", README, flags=re.S)


def test_tutorial_question_checks_and_builds(tmp_path, run_cli, monkeypatch):
    """The tutorial, followed verbatim in a folder of one's own: new bank, solver, spec, check, exam, build."""
    solver = next(b for b in code_blocks("python") if "mycourse.conv_output" in b)
    spec = next(b for b in code_blocks("yaml") if "id: basics/conv-output" in b)
    exam = next(b for b in code_blocks("yaml") if "exam: Quiz 1" in b and "bank: ../bank" in b)
    monkeypatch.chdir(tmp_path)
    course = tmp_path / "my-course"
    status, out, err = run_cli("new", "bank", course / "bank", "--name", "mycourse", "--title", "My course")
    assert status == 0, out + err
    bank = course / "bank"
    (bank / "solvers.py").write_text((bank / "solvers.py").read_text() + "\n\n" + _dedent(solver))
    (bank / "questions" / "conv-output.yaml").write_text(_dedent(spec))
    status, out, err = run_cli("check", bank / "questions" / "conv-output.yaml", "--seeds", "200")
    assert status == 0, out + err
    assert "ok   basics/conv-output: 200/200 seeds" in out
    assert "param  stride: 2/2 values seen" in out  # the tutorial's question draws every value it declares
    status, out, err = run_cli("variants", bank / "questions" / "conv-output.yaml", "--canonical")
    assert status == 0, err
    assert "answer width = 32" in out  # (32 + 2*2 - 5) // 1 + 1
    (course / "exams").mkdir()
    (course / "exams" / "quiz1.yaml").write_text(_dedent(exam))
    status, out, err = run_cli(
        "build", course / "exams" / "quiz1.yaml", "--seed", "1", "--out", course / "sets" / "quiz1"
    )
    assert status == 0, out + err
    built = {p.name for p in (course / "sets" / "quiz1").iterdir()}
    assert {"paper.pdf", "key.pdf", "manifest.json"} <= built, built


def test_tutorial_snippet_lints_when_appended(tmp_path):
    """The solver snippet appended to a scaffolded solvers.py needs no import of its own (no mid-file import)."""
    solver = next(b for b in code_blocks("python") if "mycourse.conv_output" in b)
    assert "import" not in solver


def test_every_verb_and_option_is_documented():
    parser = make_parser()
    verbs = parser._subparsers._group_actions[0].choices
    commands = [(name, sub) for name, sub in verbs.items()]
    for name, sub in commands:  # a verb with its own sub-commands (`qbank new bank`) is documented per sub-command
        nested = [a for a in sub._actions if isinstance(a, argparse._SubParsersAction)]
        commands.extend((f"{name} {what}", parser) for a in nested for what, parser in a.choices.items())
        assert f"### `qbank {name} " in README, name
        for action in sub._actions:
            for option in action.option_strings:
                if option not in ("-h", "--help"):
                    assert option in README, f"{name} {option} missing from README"


def _dedent(block: str) -> str:
    lines = block.splitlines()
    indent = min(len(line) - len(line.lstrip()) for line in lines if line.strip())
    return "\n".join(line[indent:] for line in lines) + "\n"
