"""Class sets end to end: one paper per student (or form), names on every page, stable per-student papers."""

from __future__ import annotations

import csv
import io
import random
import shutil

import pytest

from qbank.cli import main

from .classsets import manifest, page_count, page_text, papers_by_id, pdf_text, roster_rows, write_roster
from .conftest import ROOT

pytestmark = pytest.mark.slow
EXAM = ROOT / "exams" / "sample-classset.yaml"


@pytest.fixture(scope="module")
def class40(tmp_path_factory):
    """A class set of 40 students on the sample class-set exam (pools and a shuffled section)."""
    folder = tmp_path_factory.mktemp("class40")
    rows = roster_rows(40)
    roster = write_roster(folder / "students.csv", rows)
    out = folder / "set"
    assert main(["build", str(EXAM), "--roster", str(roster), "--seed", "7", "--out", str(out), "--jobs", "2"]) == 0
    return out, rows


def test_one_distinct_paper_per_student_named_by_roll(class40):
    out, rows = class40
    rolls = [r["roll"] for r in rows]
    assert sorted(p.name for p in (out / "papers").iterdir()) == sorted(f"{r}.pdf" for r in rolls)
    assert sorted(p.name for p in (out / "keys").iterdir()) == sorted(f"{r}.pdf" for r in rolls)
    records = papers_by_id(out)
    variants = {json_key(records[r]) for r in rolls}
    assert len(variants) == 40, "two students got the same variant"
    digests = {(out / "papers" / f"{r}.pdf").read_bytes() for r in rolls}
    assert len(digests) == 40
    # pools and the shuffled section really vary between papers
    layouts = {tuple(q["id"] for q in records[r]["questions"]) for r in rolls}
    assert len(layouts) >= 3


def json_key(record):
    return repr([(q["id"], q["params"]) for q in record["questions"]])


def test_every_page_of_every_paper_and_key_names_its_student(class40):
    out, rows = class40
    for row in rows:
        for folder in ("papers", "keys"):
            pdf = out / folder / f"{row['roll']}.pdf"
            pages = page_count(pdf)
            # the compact key of this 3-question quiz fits a page (it took 2 only while ziamath drew the softmax
            # formula 1,987 px tall); the papers run over pages, so their later pages are checked too
            assert pages >= (2 if folder == "papers" else 1)
            for page in range(1, pages + 1):
                text = page_text(pdf, page)
                assert row["name"] in text and row["roll"] in text, f"{pdf.name} page {page}"
                others = [r["roll"] for r in rows if r["roll"] != row["roll"]]
                assert not any(other in text for other in others), f"{pdf.name} page {page} names another student"


def test_front_page_prefills_roll_and_name(class40):
    out, rows = class40
    front = page_text(out / "papers" / f"{rows[3]['roll']}.pdf", 1)
    assert "Roll Number" in front and "Name" in front
    assert front.count(rows[3]["roll"]) >= 2  # header and the Roll Number field


def test_papers_carry_no_answers_and_keys_carry_them_all(class40):
    out, rows = class40
    for roll in (rows[0]["roll"], rows[17]["roll"]):
        record = papers_by_id(out)[roll]
        paper, key = pdf_text(out / "papers" / f"{roll}.pdf"), pdf_text(out / "keys" / f"{roll}.pdf")
        key = key.replace("\u2212", "-")  # the key prints values with a true minus
        params = repr([q["params"] for q in record["questions"]])
        assert "Worked solution" in key and "Worked solution" not in paper
        for question in record["questions"]:
            for value in question["answers_formatted"].values():
                assert value in key
                if len(value) >= 5 and value not in params and not value.isalpha():
                    assert value not in paper, (roll, question["id"], value)


def test_gradebook_has_one_row_per_student_with_formatted_answers(class40):
    out, rows = class40
    table = list(csv.DictReader(io.StringIO((out / "answers.csv").read_text(encoding="utf-8-sig"))))
    assert [r["roll"] for r in table] == [r["roll"] for r in rows]
    assert [r["name"] for r in table] == [r["name"] for r in rows]
    assert [r["section"] for r in table] == [r["section"] for r in rows]
    records = papers_by_id(out)
    for line in table:
        record = records[line["roll"]]
        expected = {f"{q['id']}:{n}": v for q in record["questions"] for n, v in q["answers_formatted"].items()}
        answer_cells = {k: v for k, v in line.items() if ":" in k}
        assert {k: v for k, v in answer_cells.items() if v} == expected


def test_key_booklet_holds_every_key_in_roster_order(class40):
    out, rows = class40
    pages = [page_count(out / "keys" / f"{r['roll']}.pdf") for r in rows]
    assert page_count(out / "key-booklet.pdf") == sum(pages)
    first_of = 1 + sum(pages[:10])
    assert rows[10]["name"] in page_text(out / "key-booklet.pdf", first_of)


def test_key_booklet_has_a_bookmark_per_student_and_is_reproducible(class40, tmp_path):
    import pikepdf

    from qbank.output.class_set import key_booklet
    from qbank.output.recipes import ClassPaper
    from qbank.output.writer import StagedFolder

    out, rows = class40
    pages = [page_count(out / "keys" / f"{r['roll']}.pdf") for r in rows]
    with pikepdf.open(out / "key-booklet.pdf") as pdf, pdf.open_outline() as tree:
        top = [(str(item.title), pdf.pages.index(item.destination[0])) for item in tree.root]
        assert all(item.children for item in tree.root)  # each key's own bookmarks sit under its student
    assert top == [(f"{r['roll']} · {r['name']}", sum(pages[:i])) for i, r in enumerate(rows)]
    again = tmp_path / "again"
    shutil.copytree(out / "keys", again / "keys")
    papers = [ClassPaper(r["roll"], {"roll": r["roll"], "name": r["name"]}) for r in rows]
    digest, _ = key_booklet(StagedFolder(again), papers)
    assert (again / "key-booklet.pdf").read_bytes() == (out / "key-booklet.pdf").read_bytes()
    assert digest == manifest(out)["files"]["key-booklet.pdf"]


def test_manifest_records_students_layout_seeds_and_digests(class40):
    out, rows = class40
    data = manifest(out)
    assert data["kind"] == "class" and data["recipe"]["roster"]["students"] == 40
    record = papers_by_id(out)[rows[5]["roll"]]
    assert record["student"] == {"roll": rows[5]["roll"], "name": rows[5]["name"], "section": rows[5]["section"]}
    assert set(record["streams"]) == {"pool:1:0", "shuffle:0"}
    for question in record["questions"]:
        assert question["paper"] == rows[5]["roll"] and len(question["stream_seed"]) == 32
        assert question["marks"] > 0 and question["answer_specs"]
    assert {f"papers/{rows[5]['roll']}.pdf", f"keys/{rows[5]['roll']}.pdf", "key-booklet.pdf", "answers.csv"} <= set(
        data["files"]
    )


def test_same_student_same_paper_from_a_shuffled_larger_roster(class40, tmp_path):
    out, rows = class40
    chosen = rows[:3]
    bigger = chosen + roster_rows(3, start=200)
    random.Random(3).shuffle(bigger)
    roster = write_roster(tmp_path / "shuffled.csv", bigger)
    again = tmp_path / "again"
    assert main(["build", str(EXAM), "--roster", str(roster), "--seed", "7", "--out", str(again), "--jobs", "2"]) == 0
    before, after = papers_by_id(out), papers_by_id(again)
    for row in chosen:
        roll = row["roll"]
        assert (again / "papers" / f"{roll}.pdf").read_bytes() == (out / "papers" / f"{roll}.pdf").read_bytes()
        assert (again / "keys" / f"{roll}.pdf").read_bytes() == (out / "keys" / f"{roll}.pdf").read_bytes()
        assert after[roll]["questions"] == before[roll]["questions"]


def test_forms_give_one_variant_per_form_with_its_letter_on_every_page(tmp_path, capsys):
    out = tmp_path / "forms"
    assert main(["build", str(EXAM), "--forms", "4", "--seed", "3", "--out", str(out), "--jobs", "2"]) == 0
    assert sorted(p.name for p in (out / "papers").iterdir()) == ["A.pdf", "B.pdf", "C.pdf", "D.pdf"]
    records = papers_by_id(out)
    assert len({json_key(records[f]) for f in "ABCD"}) == 4
    for form in "ABCD":
        pdf = out / "papers" / f"{form}.pdf"
        for page in range(1, page_count(pdf) + 1):
            assert f"Form {form}" in page_text(pdf, page)
    table = list(csv.DictReader(io.StringIO((out / "answers.csv").read_text(encoding="utf-8-sig"))))
    assert [r["form"] for r in table] == list("ABCD")
    err = capsys.readouterr().err
    assert "qbank: papers 4/4" in err  # plain progress lines when not on a terminal


def test_class_set_refuses_to_overwrite_without_force(class40, tmp_path, capsys):
    out, rows = class40
    target = tmp_path / "copy"
    shutil.copytree(out, target)
    roster = write_roster(tmp_path / "r.csv", rows[:2])
    before = {p: p.read_bytes() for p in target.rglob("*") if p.is_file()}
    assert main(["build", str(EXAM), "--roster", str(roster), "--seed", "1", "--out", str(target)]) == 2
    assert "already exists (use --force to replace it)" in capsys.readouterr().err
    assert {p: p.read_bytes() for p in target.rglob("*") if p.is_file()} == before
    assert main(["build", str(EXAM), "--roster", str(roster), "--seed", "1", "--out", str(target), "--force"]) == 0
    assert sorted(p.name for p in (target / "papers").iterdir()) == [f"{r['roll']}.pdf" for r in rows[:2]]
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".copy.")]


def test_workers_are_recycled_and_every_paper_is_made_once(tmp_path, monkeypatch):
    from collections import Counter

    from qbank.output import class_paper, pool
    from qbank.output.writer import StagedFolder
    from qbank.spec.exam import load_exam

    monkeypatch.setattr(pool, "TASKS_PER_CHILD", 2)
    exam = load_exam(EXAM)
    spec = class_paper.JobSpec(str(EXAM), exam.digest, 4, False, (), StagedFolder(tmp_path), "compact")
    papers = [(f"S{i}", {"roll": f"S{i}", "name": f"N {i}"}) for i in range(7)]
    results = class_paper.run_jobs(spec, papers, 2, lambda result: None)
    assert [r.paper_id for r in results] == [p for p, _ in papers]
    per_worker = Counter(r.pid for r in results)
    assert len(per_worker) >= 4 and max(per_worker.values()) <= 2  # fresh workers every 2 papers
    assert len(list((tmp_path / "papers").glob("*.pdf"))) == 7


@pytest.mark.slow
def test_one_paper_is_counted_in_the_singular(run_cli, tmp_path):
    from .conftest import SAMPLE_EXAM

    status, out, err = run_cli("build", SAMPLE_EXAM, "--seed", "3", "--forms", "1", "--jobs", "1", "--out",
                               tmp_path / "one")  # fmt: skip
    assert status == 0, err
    assert "1 paper and key," in out and "papers" not in out.split(",")[0]
    assert "1 paper and key in 1 worker process" in err and "process(es)" not in err
    status, out, err = run_cli("audit", tmp_path / "one")
    assert status == 0 and "(class set, 1 paper, seed 3)" in out, out
