"""Exam-file features: repeated placements of one question, forms past Z, and the front-page settings."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pikepdf
import pytest

from qbank.cli import make_parser
from qbank.core.errors import UserError
from qbank.draw.layout import paper_layout
from qbank.draw.scenarios import draw_scenarios
from qbank.output.class_set import answer_header
from qbank.output.pdf import write_pdf
from qbank.output.records import paper_record
from qbank.preflight import scenarios as scenario_preflight
from qbank.preflight.checks import checked_exam
from qbank.render.page import page_context
from qbank.render.paper import solve_paper
from qbank.render.question import PageRenderer
from qbank.spec.exam import load_exam
from qbank.spec.roster import form_ids

from .classsets import roster_rows, write_roster
from .conftest import SAMPLE_EXAM
from .scenario_bank import make_scenario_bank

HEADER = """bank: ../banks/sample
institution: qbank University
course: {code: QB101, name: Foundations of Machine Learning}
exam: Quiz 1
"""


def write_exam(root: Path, body: str, name: str = "exam.yaml") -> Path:
    """An exam file beside the sample copy's `exams/sample.yaml`."""
    path = root / "exams" / name
    path.write_text(HEADER + body)
    return path


def params_of(paper) -> list[tuple[str, dict]]:
    """(placement key, parameters) of every part of a solved paper, in paper order."""
    return [(solved.part.key, dict(solved.variant.params)) for solved in paper.parts]


def test_a_question_can_be_repeated_each_placement_drawing_its_own_numbers(sample_copy):
    repeated = write_exam(
        sample_copy,
        """sections:
  - questions:
      - {id: basics/matmul, repeat: 3}
      - parts: [{id: basics/softmax}, {id: basics/matmul}]
""",
    )
    single = write_exam(sample_copy, "sections:\n  - questions:\n      - {id: basics/matmul}\n", "single.yaml")
    paper = solve_paper(load_exam(repeated), 11)
    keys = [key for key, _ in params_of(paper)]
    assert keys == ["basics/matmul", "basics/matmul#2", "basics/matmul#3", "basics/softmax", "basics/matmul#4"]
    assert [item.number for item in paper.items] == [1, 2, 3, 4]
    matmuls = [params for key, params in params_of(paper) if key.startswith("basics/matmul")]
    assert len({repr(p) for p in matmuls}) == 4  # four independent draws
    # the first placement keeps the question's own stream: an exam placing it once draws the same numbers
    assert matmuls[0] == params_of(solve_paper(load_exam(single), 11))[0][1]
    record = paper_record(paper)
    assert [q.id for q in record.questions] == keys
    assert {q.question for q in record.questions} == {"basics/matmul", "basics/softmax"}
    header = answer_header(load_exam(repeated))
    assert len(header) == len(set(header)) and "basics/matmul#3:product" in header


def test_the_same_id_listed_twice_is_two_placements_not_an_error(sample_copy):
    path = write_exam(
        sample_copy,
        """sections:
  - questions:
      - {id: basics/softmax}
      - {pool: [basics/softmax, basics/matmul], pick: 2}
""",
    )
    exam = load_exam(path)
    assert [p.key for p in exam.candidate_parts()] == ["basics/softmax", "basics/softmax#2", "basics/matmul"]


def test_forms_continue_after_z_with_two_letters():
    assert form_ids(28)[24:] == ["Y", "Z", "AA", "AB"]
    every = form_ids(702)
    assert every[-1] == "ZZ" and len(set(every)) == 702
    build = make_parser()._subparsers._group_actions[0].choices["build"]
    assert "AA, AB" in build.format_help()


def front_page(exam_path: Path, student: dict[str, str] | None = None) -> str:
    """The paper's HTML up to the questions (the front page)."""
    paper = solve_paper(load_exam(exam_path), 3)
    html = PageRenderer().render("paper", page_context(paper, "paper", student))
    return html[: html.index('<div class="questions">')]


def test_front_page_prints_the_date_and_the_configured_texts(sample_copy):
    text = (sample_copy / "exams" / "sample.yaml").read_text()
    custom = sample_copy / "exams" / "custom.yaml"
    custom.write_text(
        text.replace(
            "duration:",
            """date: 12 March 2027
exam_label: MID-TERM TEST
violation_note: Phones are collected at the door.
rules: [Write in ink.]
duration:""",
        )
    )
    html = front_page(custom)
    assert "DATE ( 12 March 2027 )" in html
    assert "MID-TERM TEST ( Quiz 1 )" in html and "EXAMINATION" not in html
    assert "Phones are collected at the door." in html and "severe punishment" not in html
    default = sample_copy / "exams" / "default.yaml"
    default.write_text(text.replace("duration:", "rules: [Write in ink.]\nduration:"))
    html = front_page(default)
    assert "EXAMINATION ( Quiz 1 )" in html and "DATE (" not in html
    default.write_text(text.replace("duration:", "date: 2027-03-12\nduration:"))  # a YAML date, unquoted
    assert "DATE ( 2027-03-12 )" in front_page(default)
    assert "Violation of any of the above instructions may lead to severe punishment." in html


def test_roster_columns_fill_the_matching_student_fields():
    student = {"roll": "24CS1007", "name": "Asha Rao", "section": "B2", "email": "a@x"}
    html = front_page(SAMPLE_EXAM, student)
    cells = dict(re.findall(r"<th>([^<]*)</th><td class=\"fill\"[^>]*>([^<]*)</td>", html))
    assert cells["Section"] == "B2" and cells["Roll Number"] == "24CS1007" and cells["Name"] == "Asha Rao"
    assert cells["Subject Number"] == "QB101"


@pytest.mark.slow
def test_paper_size_letter_sets_every_page(sample_copy, tmp_path):
    text = (sample_copy / "exams" / "sample.yaml").read_text()
    sizes = {}
    for size in ("A4", "Letter"):
        path = sample_copy / "exams" / f"{size}.yaml"
        path.write_text(text.replace("duration:", f"paper_size: {size}\nduration:"))
        paper = solve_paper(load_exam(path), 3)
        renderer = PageRenderer()
        html = renderer.render("paper", page_context(paper, "paper"))
        pdf = tmp_path / f"{size}.pdf"
        pdf.write_bytes(write_pdf(html, base_dir=renderer.template_dirs[0], allowed_roots=[sample_copy]))
        with pikepdf.open(pdf) as document:
            sizes[size] = {tuple(round(float(v)) for v in page.mediabox) for page in document.pages}
    assert sizes == {"A4": {(0, 0, 595, 842)}, "Letter": {(0, 0, 612, 792)}}


def scenario_exam(root: Path, layers: str) -> Path:
    """The scenario test exam with the scenario's `layers` declared as `layers`."""
    path = make_scenario_bank(root)
    text = path.read_text()
    path.write_text(text.replace("layers: {type: int, min: 2, max: 24, step: 2}", f"layers: {layers}"))
    return path


def test_scenario_values_outside_a_questions_declaration_are_located_at_load(sample_copy, run_cli, monkeypatch):
    path = scenario_exam(sample_copy, "{type: choice, choices: [4, 30]}")  # xf/block-params declares 2..24
    monkeypatch.chdir(sample_copy)
    status, out, err = run_cli("build", path, "--seed", "1", "--out", "o")
    assert status == 2 and "Traceback" not in err and not (sample_copy / "o").exists()
    pattern = (
        r"scenario\.yaml:19: sections\[0\]\.questions\[1\]\.scenario: scenario 'model' gives question "
        r"'xf/block-params' a value of 'layers' outside the question's own declaration "
        r"\(.*block-params\.yaml:\d+\): as declared in the scenario, 30 is outside its range 2\.\.24"
    )
    assert re.search(pattern, err), err
    assert "xf/ffn-params' a value of 'layers'" in err  # every binding is reported
    status, out, err = run_cli("check", path, "--seeds", "2")
    assert status == 2 and re.search(pattern, err), err


def test_derived_scenario_values_are_checked_on_sample_draws(sample_copy):
    path = scenario_exam(sample_copy, "{type: derived, expr: 'heads * 4'}")  # 32 when heads is 8
    with pytest.raises(UserError) as raised:
        checked_exam(path)
    message = str(raised.value.problems[0])
    assert "sections[0].questions[1].scenario: scenario 'model'" in message
    assert re.search(r"drawn for seed \d+, 32 is outside its range 2\.\.24", message), message


def test_build_refuses_a_drawn_scenario_value_the_load_sample_missed(sample_copy, monkeypatch):
    path = scenario_exam(sample_copy, "{type: derived, expr: 'heads * 4'}")
    monkeypatch.setattr(scenario_preflight, "SAMPLED_SEEDS", 0)  # as if no sample draw had shown the bad value
    exam = checked_exam(path)
    seed = next(s for s in range(50) if paper_layout(exam, s, "main") and _heads(exam, s) == 8)
    with pytest.raises(UserError) as raised:
        solve_paper(exam, seed)
    located = [str(p) for p in raised.value.problems]
    assert any(re.search(r"block-params\.yaml:\d+: params\.layers: scenario 'model' gives question "
                         rf"'xf/block-params' .* drawn for seed {seed}, paper 'main', 32 is outside", p)
               for p in located), located  # fmt: skip


def _heads(exam, seed: int) -> int:
    """The scenario's `heads` on paper `main` of `seed`."""
    return draw_scenarios(exam.scenarios, ["model"], seed, "main")["model"].params["heads"]


@pytest.mark.slow
def test_a_class_set_with_repeats_grades_and_audits_each_placement(sample_copy, run_cli, monkeypatch, tmp_path):
    path = write_exam(
        sample_copy,
        """sections:
  - questions:
      - {id: basics/matmul, repeat: 2}
      - {id: basics/softmax}
""",
    )
    roster = write_roster(tmp_path / "students.csv", roster_rows(2))
    monkeypatch.chdir(sample_copy)
    status, out, err = run_cli("build", path, "--roster", roster, "--seed", "5", "--out", "set", "--jobs", "1")
    assert status == 0, err
    header = (sample_copy / "set" / "answers.csv").read_text().splitlines()[0].split(",")
    assert "basics/matmul:trace" in header and "basics/matmul#2:trace" in header
    status, out, err = run_cli("grade", "set", "set/answers.csv", "--out", "marks.csv")
    assert status == 0, err
    marks = list(csv.DictReader((sample_copy / "marks.csv").open()))
    assert [row["basics/matmul#2"] for row in marks] == ["3", "3"]  # its own marks (matmul.yaml: marks: 3)
    assert all(float(row["total"]) == float(row["paper_max"]) for row in marks)
    status, out, err = run_cli("audit", "set", "--jobs", "1")
    assert status == 0, out + err


def test_front_page_labels_are_settings_for_exams_in_other_languages(sample_copy):
    text = (sample_copy / "exams" / "sample.yaml").read_text()
    french = sample_copy / "exams" / "french.yaml"
    french.write_text(
        text.replace(
            "duration:",
            """date: 12 mars 2027
exam_label: CONTRÔLE
rules: [Écrivez à l'encre.]
labels: {semester: SEMESTRE, date: DATE DU CONTRÔLE, stamp: Cachet du surveillant, rules_title: Consignes}
duration:""",
        )
    )
    html = front_page(french)
    assert "SEMESTRE ( " in html and "SEMESTER" not in html
    assert "DATE DU CONTRÔLE ( 12 mars 2027 )" in html
    assert "Cachet du surveillant" in html and "Invigilator" not in html
    assert "Consignes" in html and "Important Instructions" not in html
    context = page_context(solve_paper(load_exam(french), 1), "paper", {"form": "B"})
    assert context.form_label == "FORM ( B )"  # the default; `labels.form` renames it
    french.write_text(french.read_text().replace("rules_title: Consignes}", "rules_title: Consignes, form: SUJET}"))
    assert page_context(solve_paper(load_exam(french), 1), "paper", {"form": "B"}).form_label == "SUJET ( B )"


def test_paper_size_is_read_in_any_case(sample_copy):
    text = (sample_copy / "exams" / "sample.yaml").read_text()
    path = sample_copy / "exams" / "lower.yaml"
    for written, size in (("letter", "Letter"), ("a4", "A4"), ("LETTER", "Letter")):
        path.write_text(text.replace("duration:", f"paper_size: {written}\nduration:"))
        assert load_exam(path).spec.paper_size == size
