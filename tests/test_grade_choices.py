"""`qbank grade` with multiple choice: letters, multi scoring, diagnosis of wrong answers, the misconception report."""

from __future__ import annotations

import json
import re
import shutil
from collections import Counter

import pytest

from .classsets import pdf_text
from .mc_bank import letter_of, papers, read_csv, write_csv, write_grading_bank

pytestmark = pytest.mark.slow  # builds a set (renders its PDFs)

ANSWERS = ("total", "act", "trained", "strict")
HEADER = ["form", "name", *(f"{q}:{a}" for q in ("layer", "layer#2") for a in ANSWERS)]
STYLES = ("{}", "{}", "({})", " {} ", "{})")  # how students write a letter
NO_BIAS = "counted the weights but not the biases"


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    from qbank.cli import main

    root = tmp_path_factory.mktemp("choices")
    exam = write_grading_bank(root)
    assert main(["build", str(exam), "--forms", "3", "--seed", "5", "--out", str(root / "set")]) == 0
    return root / "set"


def row(form, name, **cells):
    """A responses row: `cells` maps 'layer:total' style columns (written with _ for ':' and 2 for '#2')."""
    values = {column: "" for column in HEADER[2:]}
    values.update({key.replace("__", "#2:").replace("_", ":", 1): value for key, value in cells.items()})
    return [form, name, *(values[c] for c in HEADER[2:])]


def test_report_names_each_mistake_with_its_count_across_papers(built, tmp_path, run_cli):
    records = papers(built)
    lines, expected, diagnoses = [], Counter(), {}
    plan_total = ["lin.no_bias", "lin.no_bias", "lin.bias_in", "lin.sum", None]  # None: the key
    plan_act = ["ReLU", "none", "$\\sigma$", "typed none", ""]
    plan_free = ["lin.no_bias", "lin.sum", "lin.bias_in", None, "other"]
    for form, questions in records.items():
        asked, free = questions["layer"], questions["layer#2"]
        for index in range(5):
            name = f"{form}{index}"
            mistake = plan_total[index]
            option = {"misconception": mistake} if mistake else {"source": "key"}
            total = STYLES[index].format(letter_of(asked["choices"]["total"], **option).lower() if index == 1
                                         else letter_of(asked["choices"]["total"], **option))  # fmt: skip
            expected["layer", "total", mistake or "key"] += 1
            act = plan_act[index]
            act_cell = "none" if act == "typed none" else act and letter_of(asked["choices"]["act"], text=act)
            expected["layer", "act", {"typed none": "none", "": "blank"}.get(act, act)] += 1
            values = {m["name"]: m["value"] for m in free["misconceptions"]["total"]}
            picked = plan_free[index]
            typed = {None: str(free["answers"]["total"]), "other": "999999"}.get(picked) or f"{values[picked]:,}"
            expected["layer#2", "total", picked or "key"] += 1
            lines.append(row(form, name, layer_total=total, layer_act=act_cell, layer__total=typed))
            diagnoses[name] = (mistake, act, picked)
    responses = write_csv(tmp_path / "responses.csv", HEADER, lines)
    status, out, err = run_cli("grade", built, responses, "--out", tmp_path / "m.csv")
    assert status == 0, err

    report = read_csv(tmp_path / "m-misconceptions.csv")
    found = Counter()
    for r in report:
        key = r["misconception"] or ("key" if r["correct"] == "yes" and r["chosen"] != "none" else r["chosen"])
        key = {"blank or unreadable": "blank", "another wrong value": "other"}.get(key, key)
        found[r["question"], r["answer"], key] += int(r["students"])
        assert r["of"] == "15" and float(r["percent"]) == pytest.approx(100 * int(r["students"]) / 15, abs=0.05)
    planned = {("layer", "total"), ("layer", "act"), ("layer#2", "total")}
    assert {k: v for k, v in found.items() if v and k[:2] in planned} == dict(expected)
    described = {r["misconception"]: r["mistake"] for r in report if r["misconception"]}
    assert described == {"lin.no_bias": NO_BIAS, "lin.bias_in": "counted one bias per input instead of per output",
                         "lin.sum": "added the sizes instead of multiplying them"}  # fmt: skip
    assert {r["mistake"] for r in report if r["chosen"] == "ReLU"} == {"assumed every layer has one"}
    group = [r for r in report if (r["question"], r["answer"]) == ("layer", "total")]
    assert group[0]["correct"] == "yes" and group[1]["misconception"] == "lin.no_bias"  # the most common first

    detail = {(r["name"], r["column"]): r for r in read_csv(tmp_path / "m-detail.csv")}
    for name, (mistake, act, picked) in diagnoses.items():
        total = detail[name, "layer:total"]
        assert (total["verdict"], mistake in total["diagnosis"] if mistake else total["diagnosis"] == "") == (
            "wrong" if mistake else "right", True)  # fmt: skip
        assert ("assumed every layer has one" in detail[name, "layer:act"]["diagnosis"]) == (act == "ReLU")
        free = detail[name, "layer#2:total"]
        if picked in (None, "other"):
            assert free["diagnosis"] == ""
        else:
            assert free["verdict"] == "wrong" and free["diagnosis"].startswith(f"{picked}: ")
    assert detail["A3", "layer:act"]["verdict"] == "right"  # typed the option's text, not its letter

    page = (tmp_path / "m-misconceptions.html").read_text(encoding="utf-8")
    top = re.search(r"<h2>Most common mistakes</h2>\s*<ol>\s*<li>(.*?)</li>", page).group(1)
    assert NO_BIAS in top and "40%" in top and "(6 of 15)" in top and "layer total" in top
    for description in described.values():
        assert description in page
    assert "<script" not in page and "http" not in page
    text = pdf_text(tmp_path / "m-misconceptions.pdf")
    assert "Most common mistakes" in text and NO_BIAS in " ".join(text.split())


def test_the_report_typesets_option_math_as_the_paper_does(built, tmp_path, run_cli):
    from qbank.render.markup import inline_math_html

    records = papers(built)
    lines = []
    for form, questions in records.items():
        choices = questions["layer"]["choices"]
        for index, act in enumerate(["$\\sigma$", "$\\sigma$", "ReLU"]):
            lines.append(row(form, f"{form}{index}", layer_act=letter_of(choices["act"], text=act)))
    status, _, err = run_cli("grade", built, write_csv(tmp_path / "r.csv", HEADER, lines), "--out", tmp_path / "m.csv")
    assert status == 0, err
    page = (tmp_path / "m-misconceptions.html").read_text(encoding="utf-8")
    assert "$" not in page  # no formula left as TeX source
    sigma = inline_math_html("$\\sigma$", size_px=13.33)  # the paper's inline-math path (the key's table size)
    assert f'<td>{sigma}</td><td>no</td><td class="n">6</td>' in page  # 6 of the 9 students chose it
    assert f"<li><b>67%</b> (6 of 9) on layer act: chose {sigma}</li>" in page
    text = pdf_text(tmp_path / "m-misconceptions.pdf")
    assert "σ" in text and "\\sigma" not in text


def multi_credit(ticked, correct, wrong):
    """README's per-option rule, written out: each correct option ticked earns 1/len(correct), each wrong one
    ticked costs 1/len(wrong), floored at 0."""
    return max(0.0, len(ticked & correct) / len(correct) - len(ticked & wrong) / len(wrong))


def test_multi_scores_per_option_with_a_floor_and_all_or_nothing(built, tmp_path, run_cli):
    choices = papers(built)["B"]["layer"]["choices"]
    trained, strict = choices["trained"], choices["strict"]
    t_right = sorted(o["letter"] for o in trained["options"] if o["correct"])
    t_wrong = sorted(o["letter"] for o in trained["options"] if not o["correct"])
    s_right = sorted(o["letter"] for o in strict["options"] if o["correct"])
    s_wrong = [o["letter"] for o in strict["options"] if not o["correct"]]
    cases = [  # (trained ticks, how written, strict ticks)
        (t_right, "{}, {}", s_right), (t_right[:1], "{}", s_right[:1]), ([t_right[0], t_wrong[0]], "{} {}", []),
        ([*t_right, t_wrong[0]], "{}{}{}", [*s_right, *s_wrong]), (t_wrong[:1], "({})", s_right[::-1]),
        (t_wrong, "{},{}", []), ([*t_right, *t_wrong], "{}; {}; {}; {}", []),
    ]  # fmt: skip
    lines = []
    for index, (ticks, style, strict_ticks) in enumerate(cases):
        typed = style.format(*ticks)
        lines.append(row("B", f"s{index}", layer_trained=typed.lower() if index % 2 else typed,
                         layer_strict=" ".join(strict_ticks)))  # fmt: skip
    status, _, err = run_cli("grade", built, write_csv(tmp_path / "r.csv", HEADER, lines), "--out",
                             tmp_path / "m.csv")  # fmt: skip
    assert status == 0, err
    marks = {r["name"]: r for r in read_csv(tmp_path / "m.csv")}
    detail = {(r["name"], r["answer"]): r for r in read_csv(tmp_path / "m-detail.csv") if r["question"] == "layer"}
    for index, (ticks, _, strict_ticks) in enumerate(cases):
        credit = multi_credit(set(ticks), set(t_right), set(t_wrong))
        strict_credit = 1.0 if strict_ticks and sorted(strict_ticks) == s_right else 0.0
        assert float(detail[f"s{index}", "trained"]["marks"]) == pytest.approx(2 * credit, abs=1e-4)
        assert detail[f"s{index}", "trained"]["verdict"] == (
            "right" if credit == 1 else "partial" if credit else "wrong")  # fmt: skip
        assert float(detail[f"s{index}", "strict"]["marks"]) == 2 * strict_credit
        assert float(marks[f"s{index}"]["layer"]) == pytest.approx(2 * credit + 2 * strict_credit, abs=1e-4)
    assert [multi_credit(set(t), set(t_right), set(t_wrong)) for t, _, _ in cases] == [1, 0.5, 0, 0.5, 0, 0, 0]
    assert "took the data for parameters" in detail["s5", "trained"]["diagnosis"] + detail["s6", "trained"][
        "diagnosis"]  # fmt: skip
    assert f"missed correct {t_right[1]}" in detail["s1", "trained"]["diagnosis"]


def test_letters_a_paper_does_not_print_are_located_errors(built, tmp_path, run_cli):
    monkey = tmp_path / "responses.csv"
    lines = [row("A", "x", layer_act="D"), row("A", "y", layer_total="Z"), row("B", "z", layer_act="A, B"),
             row("C", "w", layer_total="F", layer_act="b", layer_strict="AX")]  # fmt: skip
    status, _, err = run_cli("grade", built, write_csv(monkey, HEADER, lines), "--out", tmp_path / "m.csv")
    assert status == 2 and "Traceback" not in err
    assert f"{monkey}:2: layer:act: 'D': D is not among this paper's options A-C" in err
    assert f"{monkey}:3: layer:total: 'Z': Z is not among this paper's options A-D" in err
    assert f"{monkey}:4: layer:act: 'A, B': one letter only" in err
    assert f"{monkey}:5: layer:total: 'F': F is not among this paper's options A-D" in err
    assert f"{monkey}:5: layer:strict: 'AX': X is not among this paper's options A-C" in err
    assert not list(tmp_path.glob("m*"))


def test_a_choice_cell_that_is_neither_letters_nor_an_option_is_unreadable(built, tmp_path, run_cli):
    lines = [row("A", "x", layer_act="about 3", layer_total="13.5")]
    status, _, err = run_cli("grade", built, write_csv(tmp_path / "r.csv", HEADER, lines), "--out", tmp_path / "m.csv")
    assert status == 1 and "layer:act: cannot read 'about 3' as option letters" in err
    assert "layer:total: cannot read '13.5' as option letters" in err
    detail = read_csv(tmp_path / "m-detail.csv")
    assert {r["column"]: r["verdict"] for r in detail if r["typed"]} == {"layer:act": "unreadable",
                                                                         "layer:total": "unreadable"}  # fmt: skip


def test_trusted_manifest_grades_choices_and_its_gradebook_scores_full_marks(built, tmp_path, run_cli):
    status, out, err = run_cli("grade", built, built / "answers.csv", "--out", tmp_path / "m.csv", "--trust-manifest")
    assert status == 0, err
    assert all(r["total"] == r["paper_max"] == "16" for r in read_csv(tmp_path / "m.csv"))
    assert "taken from the manifest as recorded" in out


def hostile(built, tmp_path, edit):
    copy = tmp_path / "set"
    shutil.copytree(built, copy)
    data = json.loads((copy / "manifest.json").read_text())
    edit(data["papers"][0]["questions"])
    (copy / "manifest.json").write_text(json.dumps(data, indent=1))
    return copy


HOSTILE = [
    ("duplicate-letter", lambda q: q[0]["choices"]["act"]["options"][1].update(letter="A"),
     r"choices\.act\.options\[1\]\.letter: duplicate letter 'A'"),
    ("letter-out-of-order", lambda q: q[0]["choices"]["act"]["options"][2].update(letter="Z"),
     r"choices\.act\.options\[2\]\.letter: must be 'C' \(options are lettered A, B, … in order\), got 'Z'"),
    ("key-not-an-option", lambda q: q[0]["choices"]["act"].update(key="Q"),
     r"choices\.act\.key: 'Q' names a letter not among the options"),
    ("eleven-options", lambda q: q[0]["choices"]["trained"].update(
        options=[{"letter": "ABCDEFGHIJK"[i], "text": str(i), "correct": i == 0, "source": "written"}
                 for i in range(11)]), r"choices\.trained\.options: must hold 2 to 10 options, got 11"),
    ("options-not-a-list", lambda q: q[0]["choices"]["strict"].update(options="A"),
     r"choices\.strict\.options: must be a list, got str"),
    ("choices-not-an-object", lambda q: q[0].update(choices=[1]), r"choices: must be an object, got a list"),
    ("misconception-value-text", lambda q: q[1]["misconceptions"]["total"][0].update(value="ten"),
     r"misconceptions\.total\[0\]\.value: int value must be a finite whole number"),
    ("no-correct-option", lambda q: [o.update(correct=False) for o in q[0]["choices"]["act"]["options"]],
     r"choices\.act\.options: a choice needs exactly one correct option, got 0"),
]  # fmt: skip


@pytest.mark.parametrize("trust", [True, False], ids=["trusted", "audited"])
@pytest.mark.parametrize(("case", "edit", "pattern"), HOSTILE, ids=[c[0] for c in HOSTILE])
def test_a_damaged_choice_record_is_a_located_problem(built, tmp_path, run_cli, case, edit, pattern, trust):
    copy = hostile(built, tmp_path, edit)
    flags = ["--trust-manifest"] if trust else []
    status, _, err = run_cli("grade", copy, copy / "answers.csv", "--out", tmp_path / "m.csv", *flags)
    assert status == 2 and "Traceback" not in err
    assert re.search(r"manifest\.json:\d+: papers\[A\]\.questions\[layer(#2)?\]\." + pattern, err), err
    assert not (tmp_path / "m.csv").exists()


def test_report_files_follow_the_marks_file_rules(built, tmp_path, run_cli):
    marks = tmp_path / "m.csv"
    report, page, pdf = (tmp_path / f"m-misconceptions.{suffix}" for suffix in ("csv", "html", "pdf"))
    page.write_text("<html>my own notes</html>")
    status, _, err = run_cli("grade", built, built / "answers.csv", "--out", marks)
    assert status == 2 and f"<command line>: --out: {page} is not a misconception report page file qbank wrote" in err
    status, _, err = run_cli("grade", built, built / "answers.csv", "--out", marks, "--force")
    assert status == 2 and "is not a misconception report page file qbank wrote" in err
    assert page.read_text() == "<html>my own notes</html>" and not marks.exists() and not report.exists()
    page.unlink()
    assert run_cli("grade", built, built / "answers.csv", "--out", marks)[0] == 0
    assert report.read_bytes().startswith("\ufeffquestion,answer,asked,".encode())
    first = {path: path.read_bytes() for path in (report, page, pdf)}
    assert run_cli("grade", built, built / "answers.csv", "--out", marks, "--force")[0] == 0
    assert {path: path.read_bytes() for path in first} == first  # the same inputs give the same bytes
    shutil.copy(built / "papers" / "A.pdf", pdf)  # a PDF qbank wrote, but not a report
    status, _, err = run_cli("grade", built, built / "answers.csv", "--out", marks, "--force")
    assert status == 2 and "is not a misconception report PDF file qbank wrote" in err
    pdf.unlink()
    legacy = "line,paper,name,question,answer,column,typed,read_as,key,accepted,verdict,reason,marks,max\n"
    (tmp_path / "m-detail.csv").write_text(legacy)  # a detail file from before the diagnosis column
    assert run_cli("grade", built, built / "answers.csv", "--out", marks, "--force")[0] == 0
    assert (tmp_path / "m-detail.csv").read_text(encoding="utf-8-sig").startswith(legacy.strip() + ",diagnosis,note\n")
    (tmp_path / "m-detail.csv").write_text(legacy.strip() + ",diagnosis\n")  # from before the note column
    assert run_cli("grade", built, built / "answers.csv", "--out", marks, "--force")[0] == 0
