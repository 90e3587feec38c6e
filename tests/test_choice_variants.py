"""`qbank variants` shows the misconception values of a variant and its options as a build prints them; questions
without them print as before."""

from __future__ import annotations

import json
from pathlib import Path

from .conftest import SAMPLE_BANK
from .mc_bank import write_bank


def test_variants_json_shows_misconception_values_and_the_options_a_build_prints(tmp_path, run_cli, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write_bank(tmp_path)
    status, out, err = run_cli("variants", "bank/questions/dense.yaml", "--seed", "5", "--json")
    assert status == 0, err
    data = json.loads(out)
    i, o = data["params"]["i"], data["params"]["o"]
    assert data["misconceptions"]["total"] == [
        {"name": "lin.no_bias", "description": "counted the weights but not the biases", "value": i * o},
        {"name": "lin.bias_in", "description": "counted one bias per input instead of per output", "value": i * o + i},
        {"name": "lin.sum", "description": "added the sizes instead of multiplying them", "value": i + o},
    ]
    assert run_cli("build", "exam.yaml", "--seed", "5", "--out", "out")[0] == 0
    record = json.loads(Path("out", "manifest.json").read_text())["papers"][0]["questions"][0]
    shown = {name: {k: v for k, v in choice.items() if k != "dropped"} for name, choice in data["choices"].items()}
    assert shown == record["choices"]
    status, text, _ = run_cli("variants", "bank/questions/dense.yaml", "--seed", "5")
    letters = {option["letter"]: option for option in record["choices"]["total"]["options"]}
    for letter, option in letters.items():
        assert f"  option total {letter} = {option['text']}  (" in text


def test_variants_of_questions_without_choices_print_as_before(run_cli):
    status, out, _ = run_cli("variants", SAMPLE_BANK, "--seed", "2", "--count", "2", "--json")
    assert status == 0
    for line in out.splitlines():
        assert set(json.loads(line)) == {"question", "seed", "paper", "canonical", "stream_seed", "params", "answers",
                                         "formatted"}  # fmt: skip
    status, out, _ = run_cli("variants", SAMPLE_BANK, "--seed", "2")
    assert status == 0 and "  option " not in out and "  dropped " not in out
