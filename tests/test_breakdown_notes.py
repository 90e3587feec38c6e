"""`breakdown: true` declares an answer the question's text does not ask for by itself (a count a total is made of):
`ask: choice` leaves it unasked without a note, so the shipped quiz checks and builds without notes; an unasked
answer not so declared is still noted, and `breakdown` on an answer `ask: choice` asks is an error."""

from __future__ import annotations

from .conftest import ROOT
from .paper_bank import FALL, write_paper_bank

QUIZ = ROOT / "exams" / "cs60010-quiz.yaml"
SPEED = "speed: {label: Speed, format: sig, sig: 3, unit: m/s}"


def test_the_shipped_quiz_checks_and_builds_without_notes(tmp_path, run_cli):
    status, out, err = run_cli("check", QUIZ, "--seeds", "1", "--jobs", "1")
    assert status == 0 and "note" not in err, err
    status, out, err = run_cli("build", QUIZ, "--seed", "1", "--jobs", "1", "--out", tmp_path / "quiz")
    assert status == 0 and "note" not in err, err
    assert (tmp_path / "quiz" / "paper.pdf").is_file()


def test_an_unasked_breakdown_is_not_noted_but_an_undeclared_answer_still_is(tmp_path, run_cli):
    fall = FALL.replace(SPEED, SPEED[:-1] + ", breakdown: true}")
    assert fall != FALL
    status, out, err = run_cli("check", write_paper_bank(tmp_path / "quiet", fall=fall), "--seeds", "2", "--jobs", "1")
    assert status == 0 and "note" not in err, err
    status, out, err = run_cli("check", write_paper_bank(tmp_path / "noted"), "--seeds", "2", "--jobs", "1")
    assert status == 0 and "neither asks nor grades Speed" in err


def test_breakdown_on_an_answer_ask_choice_asks_is_an_error(tmp_path, run_cli):
    time = "    misconceptions: [phys.no_two, phys.no_sqrt, phys.times_g]\n"
    fall = FALL.replace(time, time + "    breakdown: true\n")
    assert fall != FALL
    exam = write_paper_bank(tmp_path, fall=fall)
    status, out, err = run_cli("check", exam, "--seeds", "2", "--jobs", "1")
    line = fall.splitlines().index("    breakdown: true") + 1
    assert status == 2 and "Traceback" not in err
    assert f"fall.yaml:{line}: answers.time.breakdown: not used by an answer `ask: choice` asks" in err, err
