"""The choice core on a small bank: misbehaving misconceptions stop a build (located, nothing written), a
misconception that coincides with the key is dropped for that seed (or fails when `count` cannot be reached), the
option order is seeded per paper (ascending or written on a canonical paper), and `fill` only fills up to `count`."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from qbank.draw.params import draw_params
from qbank.solve.choices import ChoiceError, build_choices, option_stream
from qbank.solve.variant import make_variant
from qbank.spec.bank import load_bank

from .mc_bank import DENSE, edited, line_of, write_bank

LISTED = "misconceptions: [lin.no_bias, lin.bias_in, lin.sum]"


def dense(root: Path, text: str = DENSE):
    """The question `dense` of a fresh bank under `root`."""
    write_bank(root, text)
    return load_bank(root / "bank").questions["dense"]


def seeds_where(question, holds, seeds=range(300)) -> list[int]:
    """The exam seeds whose drawn parameters (paper main) satisfy `holds`."""
    return [seed for seed in seeds if holds(draw_params(question, seed, "main").params)]


def choices_of(question, seed, paper="main", canonical=False, names=("total", "act"), order_paper=None):
    """The option sets paper `paper` of exam seed `seed` asks (canonical: the canonical order), shuffled as paper
    `order_paper` would shuffle them (default: the same paper)."""
    variant = make_variant(question, seed, paper, canonical)

    def order(answer: str) -> int:
        return option_stream(seed, order_paper or paper, question.id, answer)

    return build_choices(question, variant.answers, variant.mistakes, variant.params, names,
                         None if canonical else order, f"seed {seed}")  # fmt: skip


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("lin.raises", r"'lin\.raises' raised ZeroDivisionError: integer division or modulo by zero at \S+\.py:\d+"),
        ("lin.nan", r"'lin\.nan' gives a value that must be a finite whole number, got nan"),
        ("lin.half", r"'lin\.half' gives a value that must be a whole number, got 2\.5"),
    ],
)
def test_a_misbehaving_misconception_stops_the_build_located_and_nothing_is_written(
    tmp_path, run_cli, monkeypatch, name, expected
):
    monkeypatch.chdir(tmp_path)
    text = edited(LISTED, f"misconceptions: [lin.no_bias, {name}]")
    write_bank(tmp_path, text)
    status, out, err = run_cli("build", "exam.yaml", "--seed", "4", "--out", "out")
    assert status == 2, out + err
    line = line_of(text, name)
    assert re.search(rf"^bank/questions/dense\.yaml:{line}: answers\.total\.misconceptions\[1\]: {expected} "
                     r"\(question 'dense', seed 4, paper 'main', params \{", err, flags=re.M), err  # fmt: skip
    assert "Traceback" not in err
    assert not Path("out").exists() and sorted(p.name for p in tmp_path.iterdir()) == ["bank", "exam.yaml"]


def test_a_misconception_that_coincides_with_the_key_is_dropped_for_that_seed(tmp_path):
    question = dense(tmp_path)
    equal = seeds_where(question, lambda p: p["i"] == p["o"] != 2)  # i*o + i == i*o + o: bias_in is the key
    other = seeds_where(question, lambda p: p["i"] != p["o"])
    assert equal and other
    for seed in equal[:5]:
        choice = choices_of(question, seed)["total"]
        assert {option.misconception for option in choice.options} == {None, "lin.no_bias", "lin.sum"}
        reasons = [(name, why.split(" (")[0]) for name, why in choice.dropped]
        assert reasons == [("lin.bias_in", "coincides with the key")]
        params = draw_params(question, seed, "main").params
        assert f"({params['i'] * params['o'] + params['o']})" in choice.dropped[0][1]  # the value it coincides at
    for seed in other[:5]:
        choice = choices_of(question, seed)["total"]
        assert len(choice.options) == 4 and not choice.dropped


def test_a_misconception_that_coincides_with_another_option_is_dropped(tmp_path):
    question = dense(tmp_path)
    seed = seeds_where(question, lambda p: p["i"] == p["o"] == 2)[0]  # no_bias 4 == sum 4; bias_in 6 == key 6
    choice = choices_of(question, seed)["total"]
    assert sorted(option.text for option in choice.options) == ["4", "6"]
    assert [name for name, _ in choice.dropped] == ["lin.bias_in", "lin.sum"]
    assert choice.dropped[1][1].startswith("coincides with 'lin.no_bias' (4)")


def test_a_count_that_coinciding_misconceptions_leave_unreachable_fails_that_seed(tmp_path, run_cli, monkeypatch):
    monkeypatch.chdir(tmp_path)
    text = edited(LISTED, LISTED + "\n    choices: {count: 4}")
    question = dense(tmp_path, text)
    equal = seeds_where(question, lambda p: p["i"] == p["o"])
    fine = seeds_where(question, lambda p: p["i"] != p["o"])
    assert len(choices_of(question, fine[0])["total"].options) == 4
    with pytest.raises(ChoiceError) as caught:
        choices_of(question, equal[0])
    assert caught.value.line == line_of(text, "count: 4") and caught.value.path == "answers.total.choices"
    assert "answer 'total' cannot make 4 options: 2 honest distractor(s) remain (lin.bias_in: coincides with the key" \
        in caught.value.message  # fmt: skip
    status, _, err = run_cli("build", "exam.yaml", "--seed", str(equal[0]), "--out", "out")
    assert status == 2 and f"dense.yaml:{line_of(text, 'count: 4')}: answers.total.choices: answer 'total'" in err, err
    assert not Path("out").exists()
    status, out, err = run_cli("build", "exam.yaml", "--seed", str(fine[0]), "--out", "out")
    assert status == 0, err


def test_the_same_inputs_give_the_same_order(tmp_path, run_cli, monkeypatch):
    monkeypatch.chdir(tmp_path)
    question = dense(tmp_path)
    assert choices_of(question, 7) == choices_of(question, 7)
    manifests = []
    for out in ("one", "two"):
        assert run_cli("build", "exam.yaml", "--seed", "7", "--out", out)[0] == 0
        records = json.loads(Path(out, "manifest.json").read_text())["papers"][0]["questions"]
        manifests.append([record.get("choices") for record in records])
    assert manifests[0] == manifests[1] and manifests[0][0]["total"]["options"]


def test_different_papers_order_the_same_options_differently_for_some_seed(tmp_path):
    question = dense(tmp_path)
    differ = {name: False for name in ("total", "act")}
    for seed in range(20):
        a, b = choices_of(question, seed, "A"), choices_of(question, seed, "A", order_paper="B")
        for name in differ:
            texts_a, texts_b = [o.text for o in a[name].options], [o.text for o in b[name].options]
            assert sorted(texts_a) == sorted(texts_b)
            differ[name] |= texts_a != texts_b
    assert differ == {"total": True, "act": True}
    orders = {tuple(o.text for o in choices_of(question, seed, "A")["act"].options) for seed in range(20)}
    assert len(orders) > 1  # and seed to seed


def test_a_canonical_paper_keeps_generated_options_ascending_and_written_ones_in_order(tmp_path):
    question = dense(tmp_path, edited("text: A linear", "canonical: {i: 5, o: 3}\ntext: A linear"))
    choices = choices_of(question, 0, canonical=True)
    assert [o.text for o in choices["total"].options] == ["8", "15", "18", "20"]  # sum, no_bias, key, bias_in
    assert [o.letter for o in choices["total"].options] == ["A", "B", "C", "D"] and choices["total"].key == "C"
    assert [o.text for o in choices["act"].options] == ["none", "ReLU", "sigmoid"] and choices["act"].key == "A"
    assert choices["total"].stream_seed is None


def test_fill_is_used_only_to_reach_count(tmp_path):
    text = edited(LISTED, LISTED + "\n    choices: {count: 4, fill: [key * 2, key * 3]}")
    question = dense(tmp_path, text)
    fine = seeds_where(question, lambda p: p["i"] != p["o"])[0]
    equal = seeds_where(question, lambda p: p["i"] == p["o"] != 2)[0]
    assert {o.source for o in choices_of(question, fine)["total"].options} == {"key", "misconception"}
    options = choices_of(question, equal)["total"].options
    fills = [o for o in options if o.source == "fill"]
    params = draw_params(question, equal, "main").params
    key = params["i"] * params["o"] + params["o"]
    assert len(options) == 4 and [o.text for o in fills] == [str(key * 2)] and fills[0].misconception is None


def test_count_takes_the_first_honest_misconceptions_and_without_it_every_one(tmp_path):
    text = edited(LISTED, LISTED + "\n    choices: {count: 3, fill: [key * 2]}")
    question = dense(tmp_path, text)
    fine = seeds_where(question, lambda p: p["i"] != p["o"])[0]
    options = choices_of(question, fine)["total"].options
    assert {o.misconception for o in options if o.source != "key"} == {"lin.no_bias", "lin.bias_in"}
    assert len(choices_of(dense(tmp_path / "free"), fine)["total"].options) == 4
