"""`qbank check` has teeth: planted faults (broken solver, leaking template, tie, rounding boundary) are caught
with a command that reproduces them, and the real banks pass a full sweep."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pytest

from qbank.check.givens import missing_givens
from qbank.check.sweep import sweep_all, sweep_question
from qbank.check.sweep_report import coverage_lines
from qbank.check.variant_checks import constraint_problems, path_problems
from qbank.draw.params import draw_params
from qbank.render.leaks import answer_leaks
from qbank.solve.answer_checks import print_problems, rounding_boundaries
from qbank.solve.variant import make_variant
from qbank.spec.bank import load_bank
from qbank.spec.models import AnswerSpec

from .conftest import DL_BANK, SAMPLE_BANK
from .planted import QUESTIONS, write_bank

EXPECTED = {
    "broken-solver": r"solver: 'planted\.broken' raised ZeroDivisionError: division by zero",
    "leak": r"text: answer 'cells' \(\d[\d,]+\) appears in the question paper and is not one of its givens",
    "tie": r"distinct\[0\]: 'the k-th and \(k\+1\)-th weights differ' fails: items 0 and 1 of ranked\[k - 1:k \+ 1\]",
    "boundary": r"answers\.share: 0\.\d25 sits on a rounding boundary of its tolerance: the key prints 0\.\d\d, but "
    r"0\.\d\d is an equally correct rounding",
    "impure": r"solver: not pure: the parameters of seed \d+ gave other answers",
}
REPRO = re.compile(r"reproduce: (qbank check \S+ (?:--seed \d+ --seeds \d+|--canonical))")


@pytest.fixture
def planted(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    write_bank(tmp_path)
    return Path("planted")


@pytest.mark.parametrize("name", list(QUESTIONS))
def test_each_planted_fault_is_caught_with_a_command_that_reproduces_it(planted, run_cli, name):
    status, out, err = run_cli("check", planted / "questions" / f"{name}.yaml", "--seeds", "150", "--jobs", "1")
    assert status == 1, out + err
    assert f"FAIL planted/{name}" in out
    failures = [line for line in out.splitlines() if "reproduce:" in line]
    assert failures and re.search(EXPECTED[name], failures[0]), out
    command = REPRO.search(failures[0]).group(1).split()[1:]
    status, replay, err = run_cli(*command)
    assert status == 1, replay + err
    problem = failures[0].strip().split(" — reproduce:")[0]
    assert problem in replay, (problem, replay)


def test_the_whole_planted_bank_fails_and_counts_failing_seeds(planted, run_cli):
    status, out, err = run_cli("check", planted, "--seeds", "200", "--jobs", "2")
    assert status == 1, err
    assert len(re.findall(r"^FAIL ", out, flags=re.M)) == len(QUESTIONS)
    assert re.search(r"5 questions, [\d,]+ variants \(seeds 0\.\.199, 4 canonical\) in [\d.]+ s with 2 job\(s\); "
                     r"5 question\(s\) failed \(\d+ failing seeds\)", out)  # fmt: skip


def test_fixing_the_planted_faults_makes_the_check_pass(planted, run_cli):
    questions = planted / "questions"
    fixes = {
        "broken-solver": ("x: {type: int, min: 1, max: 6}", "x: {type: int, min: 4, max: 6}"),
        "leak": (" ({{ total }} cells in all)", ""),
        "tie": ('"ranked[k] != ranked[k + 1]"', '"ranked[k - 1] != ranked[k]"'),
        "boundary": ("format: fixed, decimals: 2}", "format: fixed, decimals: 3}"),
    }
    for name, (old, new) in fixes.items():
        path = questions / f"{name}.yaml"
        path.write_text(path.read_text().replace(old, new))
    (questions / "impure.yaml").unlink()
    status, out, err = run_cli("check", planted, "--seeds", "300", "--jobs", "1")
    assert status == 0, out + err
    assert "0 question(s) failed" in out


def test_canonical_failures_reproduce_with_canonical(tmp_path, monkeypatch, run_cli):
    monkeypatch.chdir(tmp_path)
    bank = write_bank(tmp_path, ["boundary"])
    path = bank / "questions" / "boundary.yaml"
    path.write_text(path.read_text().replace("canonical: {a: 2}", "canonical: {a: 3}"))
    status, out, _ = run_cli("check", "planted/questions/boundary.yaml", "--canonical")
    assert status == 1
    assert "canonical variant FAILED" in out
    assert "0.375 sits on a rounding boundary" in out
    assert "reproduce: qbank check planted/questions/boundary.yaml --canonical" in out


def test_parallel_chunks_report_what_one_process_reports(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    bank = write_bank(tmp_path, ["tie", "boundary"])
    serial = list(sweep_all(bank, ["planted/tie", "planted/boundary"], 400, workers=1))
    parallel = list(sweep_all(bank, ["planted/tie", "planted/boundary"], 400, workers=2))
    for one, two in zip(serial, parallel, strict=True):
        assert (one.variants, one.attempts, one.failed_seeds, one.canonical) == (
            two.variants, two.attempts, two.failed_seeds, two.canonical)  # fmt: skip
        assert one.seen == two.seen and one.answer_ranges == two.answer_ranges
        assert {f.problem for f in one.failures} == {f.problem for f in two.failures}
        assert one.failures[0] == two.failures[0]


@pytest.mark.slow
def test_deep_learning_bank_passes_a_full_sweep(run_cli):
    status, out, err = run_cli("check", DL_BANK, "--seeds", "1000", "--jobs", "2")
    assert status == 0, out + err
    assert re.search(r"25 questions, 25,025 variants .* 0 question\(s\) failed", out)
    for line in out.splitlines():
        if line.startswith("ok "):
            assert "canonical ok" in line or "generative/" in line, line


def test_sample_bank_passes_a_full_sweep(run_cli):
    status, out, err = run_cli("check", SAMPLE_BANK, "--seeds", "1000", "--jobs", "1")
    assert status == 0, out + err
    assert "4 questions, 4,004 variants (seeds 0..999, 4 canonical)" in out


def test_coverage_reports_ranges_and_never_drawn_values(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    bank = load_bank(write_bank(tmp_path, ["broken-solver"]))
    question = bank.question("planted/broken-solver")
    report = sweep_question(question, 3)
    (line,) = coverage_lines(question, report)
    assert re.fullmatch(r"x: [1-3]/6 values seen, \d \.\. \d of 1 \.\. 6; never drawn: .*", line)
    full = sweep_question(question, 300)
    assert coverage_lines(question, full) == ["x: 6/6 values seen, 1 .. 6 of 1 .. 6"]
    threes = sum(draw_params(question, seed, "main").params["x"] == 3 for seed in range(300))
    assert full.failed_seeds == threes > 0  # every seed drawing x = 3 fails, the others pass


# --- The individual checks ----------------------------------------------------------------------------------


def spec(**kwargs) -> AnswerSpec:
    return AnswerSpec(label="x", **kwargs)


@pytest.mark.parametrize(
    ("declaration", "value", "flagged"),
    [
        ({"format": "fixed", "decimals": 2}, 0.125, ("0.13", "0.12")),
        ({"format": "fixed", "decimals": 2}, -0.375, ("-0.38", "-0.37")),
        ({"format": "fixed", "decimals": 2}, 0.1250001, None),
        ({"format": "sig", "sig": 3}, 9.995, ("10.0", "9.99")),  # half up on the decimal 9.995
        ({"format": "vector", "decimals": 0}, [2.5, 3.0], ("3", "2")),
        ({"format": "int"}, 7, None),
    ],
)
def test_rounding_boundaries(declaration, value, flagged):
    found = rounding_boundaries(spec(**declaration), value)
    assert (found[0][1:] if found else None) == flagged


def test_boundaries_are_failures_only_at_the_edge_of_the_tolerance(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    bank = write_bank(tmp_path, ["boundary"])
    path = bank / "questions" / "boundary.yaml"
    loose = path.read_text().replace("decimals: 2}", "decimals: 2, tolerance: {abs: 0.01}}")
    path.write_text(loose)
    report = sweep_question(load_bank(bank).question("planted/boundary"), 100)
    assert report.ok, [str(f) for f in report.failures]  # both roundings are well inside ±0.01


@pytest.mark.parametrize(
    ("declaration", "value", "problem"),
    [
        ({"format": "int"}, 10**17, "100,000,000,000,000,000 has 18 significant digits"),
        ({"format": "fixed", "decimals": 3}, 1234567890123.5, "has 16 significant digits"),
        ({"format": "fixed", "decimals": 3, "tolerance": {"abs": 0.0001}}, 0.1234, "which its own tolerance rejects"),
        ({"format": "sig", "sig": 3, "tolerance": {"rel": 0.0001}}, 0.12345, "which its own tolerance rejects"),
        ({"format": "vector", "decimals": 3}, [0.5] * 60, "the key prints 420 characters (at most 300 fit)"),
        ({"format": "fixed", "decimals": 4}, 1e-15, "1e-15 prints as 0.0000: every significant digit is lost"),
        ({"format": "fixed", "decimals": 2}, -0.004, "-0.004 prints as 0.00: every significant digit is lost"),
        ({"format": "vector", "decimals": 2}, [0.001, -0.002], "prints as [0.00, 0.00]: every significant digit"),
        ({"format": "matrix", "decimals": 1}, [[0.01, 0.0]], "prints as [0.0, 0.0]: every significant digit"),
        ({"format": "fixed", "decimals": 4}, 0.0, None),
        ({"format": "vector", "decimals": 2}, [0.001, 0.999], None),
        ({"format": "int"}, 10**14, None),
        ({"format": "fixed", "decimals": 3}, 123456789012.5, None),
        ({"format": "sig", "sig": 3}, 4.0358e-5, None),
    ],
)
def test_unsafe_keys_are_reported(declaration, value, problem):
    problems = print_problems(spec(**declaration), value)
    assert problems == [] if problem is None else any(problem in p for p in problems), problems


def test_constraints_are_checked_again_after_drawing():
    question = load_bank(SAMPLE_BANK).question("basics/softmax")
    variant = make_variant(question, 0)
    assert constraint_problems(question, variant.params) == []
    tied = {**variant.params, "logits": (1, 1, 2, 3)}
    (problem,) = constraint_problems(question, tied)
    assert re.search(r"softmax\.yaml:\d+: constraints\[0\]: 'logits must be distinct' does not hold", problem)


def test_leaks_ignore_answers_that_are_also_givens(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    question = load_bank(write_bank(tmp_path, ["leak"])).question("planted/leak")
    variant = make_variant(question, 0)
    cells = variant.answers["cells"]
    shown = f"{cells:,}"
    assert answer_leaks(question, variant, f"There are {shown} cells.")
    assert answer_leaks(question, variant, f"There are $ {cells} $ cells.")
    assert not answer_leaks(question, variant, f"There are {cells + 1} cells.")
    assert not answer_leaks(question, variant, f"There are {shown} cells.", extra_givens=f"Cells: {shown}")
    assert not answer_leaks(question, variant, f"Row {cells}", extra_givens=str(cells))


def test_missing_step_paths_are_found_without_rendering(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    question = load_bank(write_bank(tmp_path, ["leak"])).question("planted/leak")
    variant = make_variant(question, 0)
    assert path_problems(question, "solution", variant) == []
    assert path_problems(question, "text", variant) == []
    solution = question.spec.solution.replace("{{ steps.rows }}", "{{ steps.columns }} {{ steps['rows'] }}")
    edited = dataclasses.replace(question, spec=question.spec.model_copy(update={"solution": solution}))
    assert path_problems(edited, "solution", variant) == [
        "planted/questions/leak.yaml: solution: steps.columns is undefined for this variant"
    ]


def test_distinct_names_must_be_parameters_or_answers(tmp_path, monkeypatch, run_cli):
    monkeypatch.chdir(tmp_path)
    bank = write_bank(tmp_path, ["tie"])
    path = bank / "questions" / "tie.yaml"
    path.write_text(path.read_text().replace('expr: "ranked[k - 1:k + 1]"', 'expr: "ranks[k - 1:k + 1]"'))
    status, _, err = run_cli("check", "planted", "--seeds", "5")
    assert status == 2
    assert re.search(r"tie\.yaml:12: distinct\[0\]\.expr: uses unknown name\(s\) ranks", err), err


def test_missing_givens_covers_direct_prints_and_arrays_printed_in_loops():
    question = load_bank(DL_BANK).question("embeddings/skipgram-forward")
    variant = make_variant(question, 3)
    missing = {entry.split(" = ")[0] for entry in missing_givens(question, variant, "")}
    assert missing == {"window", "in_vectors", "out_vectors"}  # vocab and centre are fixed and derived
    rows = zip(variant.params["vocab"], variant.params["in_vectors"], variant.params["out_vectors"], strict=True)
    table = " ".join(f"{w} ({a}, {b}) ({c}, {d})" for w, (a, b), (c, d) in rows)
    assert missing_givens(question, variant, " ".join(variant.params["window"]) + " " + table) == []


OPTIONS = """
id: planted/options
title: Multiple choice with a distractor that can equal the answer
marks: 1
solver: planted.product
params:
  a: {type: int, min: 1, max: 6}
  b: {type: int, min: 1, max: 6}
  options: {type: derived, expr: "[a * b, a + b, a * b + b, 2 * a]"}
distinct: [options]
text: "{{ a }} rows of {{ b }}: how many cells? {{ options|join(', ') }}"
answers:
  cells: {label: Cells, format: int}
"""


def test_duplicate_multiple_choice_options_are_caught(tmp_path, monkeypatch, run_cli):
    monkeypatch.chdir(tmp_path)
    bank = write_bank(tmp_path, [])
    (bank / "questions" / "options.yaml").write_text(OPTIONS.lstrip())
    status, out, _ = run_cli("check", "planted", "--seeds", "100", "--jobs", "1")
    assert status == 1
    expected = (
        r"options\.yaml:\d+: distinct\[0\]: 'options' fails: items \d and \d of options are both \d+ "
        r"— reproduce: qbank check planted/questions/options.yaml --seed \d+ --seeds 1"
    )
    assert re.search(expected, out), out


FIGURE = """
id: planted/figure
title: A figure that crashes for some values
marks: 1
figure: planted.bars
params:
  x: {type: int, min: 1, max: 6}
text: Read the chart for $x = {{ x }}$.
"""


def test_a_figure_that_crashes_for_some_seeds_is_caught(tmp_path, monkeypatch, run_cli):
    monkeypatch.chdir(tmp_path)
    bank = write_bank(tmp_path, [])
    (bank / "questions" / "figure.yaml").write_text(FIGURE.lstrip())
    status, out, _ = run_cli("check", "planted", "--seeds", "100", "--jobs", "1")
    assert status == 1
    expected = (
        r"figure\.yaml:4: figure: 'planted\.bars' for seed \d+, paper 'main' raised ZeroDivisionError: "
        r"division by zero "
        r"— reproduce: qbank check planted/questions/figure.yaml --seed \d+ --seeds 1"
    )
    assert re.search(expected, out), out
