"""`qbank check EXAM`: whole papers swept over seeds (layouts, pools, scenarios, repeats, forms)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from qbank.check.exam_sweep import form_clashes
from qbank.preflight import scenarios as scenario_preflight
from qbank.render.paper import solve_paper
from qbank.spec.exam import load_exam

from .conftest import ROOT
from .scenario_bank import make_scenario_bank

CLASSSET = ROOT / "exams" / "sample-classset.yaml"


def classset_copy(root: Path, extra: str = "") -> Path:
    """The sample class-set exam beside the sample bank copy, with `extra` top-level settings."""
    path = root / "exams" / "classset.yaml"
    path.write_text(CLASSSET.read_text().replace("duration: 45 minutes\n", f"duration: 45 minutes\n{extra}"))
    return path


def test_check_sweeps_the_papers_of_an_exam(sample_copy, run_cli, monkeypatch):
    path = classset_copy(sample_copy)
    text = path.read_text().replace("{id: basics/softmax}", "{id: basics/softmax, repeat: 2}")
    path.write_text(text)
    monkeypatch.chdir(sample_copy)
    status, out, err = run_cli("check", path, "--seeds", "40", "--jobs", "1")
    assert status == 0, err
    lines = out.splitlines()
    keys = [line.split()[1].rstrip(":") for line in lines if line.startswith("ok   ")]
    assert keys == ["basics/dense-params", "basics/softmax", "basics/softmax#2", "basics/matmul",
                    "basics/compute-scaling"]  # fmt: skip
    counts = {key: int(re.search(r"on ([\d,]+) papers", line).group(1)) for key, line in zip(keys, lines, strict=False)}
    assert counts["basics/softmax"] == counts["basics/softmax#2"] == 40
    assert counts["basics/matmul"] + counts["basics/compute-scaling"] == 40  # the pool gives one per paper
    summary = lines[-1]
    layouts = int(re.search(r"(\d+) distinct layouts", summary).group(1))
    assert summary.startswith("40 papers (seeds 0..39, 1 per seed)") and layouts > 2  # shuffle x pool


def test_check_reports_scenario_values_a_question_refuses_with_the_replay(sample_copy, run_cli, monkeypatch):
    path = make_scenario_bank(sample_copy)
    path.write_text(path.read_text().replace("layers: {type: int, min: 2, max: 24, step: 2}",
                                             "layers: {type: derived, expr: 'heads * 4'}"))  # fmt: skip
    monkeypatch.setattr(scenario_preflight, "SAMPLED_SEEDS", 0)  # past the preflight sample: only the sweep can see it
    monkeypatch.chdir(sample_copy)
    status, out, err = run_cli("check", path, "--seeds", "30", "--jobs", "1")
    assert status == 1, err
    assert re.search(r"^FAIL xf/block-params: on 30 papers, \d+ failing", out, re.M), out
    found = re.search(r"block-params\.yaml:\d+: params\.layers: scenario 'model' gives question 'xf/block-params' "
                      r"a value of 'layers' .*drawn for seed (\d+), paper 'main', 32 is outside its range 2\.\.24 "
                      r"\(question \d, xf/block-params, seed \1, paper 'main'\) — reproduce: qbank check "
                      r"\S*scenario\.yaml --seed \1 --seeds 1", out)  # fmt: skip
    assert found, out
    assert out.splitlines()[-1].endswith("FAILED")


@pytest.mark.slow
def test_forms_differ_is_checked_and_a_build_that_breaks_it_fails_clearly(sample_copy, run_cli, monkeypatch):
    path = classset_copy(sample_copy, "forms_differ: true\n")
    monkeypatch.chdir(sample_copy)
    status, out, err = run_cli("check", path, "--seeds", "30", "--forms", "3", "--jobs", "1")
    assert status == 1, err
    clash = re.search(r"seed (\d+): forms ([A-C]) and ([A-C]), question (\d) \((\S+)\) — reproduce: "
                      r"qbank check \S+ --forms 3 --seed \1 --seeds 1", out)  # fmt: skip
    assert clash, out
    assert re.search(r"^FAIL forms_differ: \d+ of 30 seeds", out, re.M)
    seed, first, second, key = int(clash[1]), clash[2], clash[3], clash[5]
    exam = load_exam(path)
    numbers = [{s.part.key: dict(s.variant.params) for s in solve_paper(exam, seed, p).parts} for p in (first, second)]
    assert numbers[0][key] == numbers[1][key]  # really the same numbers
    status, out, err = run_cli("build", path, "--seed", seed, "--forms", "3", "--out", "forms")
    assert status == 2 and "Traceback" not in err and not (sample_copy / "forms").exists()
    found = re.search(rf"classset\.yaml:\d+: forms_differ: with seed {seed}, forms {first} and {second} give "
                      rf"question \d \({re.escape(key)}\) the same numbers.*; seeds whose 3 forms all differ: "
                      r"(\d+), (\d+), (\d+)", err)  # fmt: skip
    assert found, err
    for suggested in found.groups():
        assert not form_clashes(exam, int(suggested), ["A", "B", "C"])
    status, out, err = run_cli("check", path, "--seeds", "1", "--seed", found[1], "--forms", "3", "--jobs", "1")
    assert status == 0, out + err


def test_forms_differ_without_the_setting_builds_as_before(sample_copy, run_cli, monkeypatch):
    path = classset_copy(sample_copy)
    monkeypatch.chdir(sample_copy)
    status, out, err = run_cli("check", path, "--seeds", "30", "--forms", "3", "--jobs", "1")
    assert status == 0 and "forms_differ" not in out, out


def test_check_an_exam_with_spec_errors_exits_2(sample_copy, run_cli, monkeypatch):
    path = classset_copy(sample_copy)
    path.write_text(path.read_text().replace("basics/dense-params", "basics/nope"))
    monkeypatch.chdir(sample_copy)
    status, out, err = run_cli("check", path, "--seeds", "3")
    assert status == 2 and re.search(r"classset\.yaml:\d+: sections\[0\]\.questions\[0\]\.id: no question "
                                     r"'basics/nope'", err), err  # fmt: skip
