"""What `qbank build` refuses: fetched resources, template files outside their folder, attachments, leaks; and
the practice sheet of an exam set shows other variants than the students' paper."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from pathlib import Path

import pikepdf
import pytest

from qbank.output.pdf import PdfError, write_pdf

from .conftest import ROOT
from .planted import MATMUL_EXAM, write_bank

pytestmark = pytest.mark.slow
EXAM = MATMUL_EXAM


def templates(project: Path, body: str, **files: str) -> Path:
    """A template folder whose paper.html.j2 adds `body` to the default paper, with other `files`."""
    folder = project / "mine"
    folder.mkdir()
    default = (ROOT / "templates" / "paper.html.j2").read_text()
    (folder / "paper.html.j2").write_text(default.replace("{% endblock %}", body + "{% endblock %}", 1))
    for name, text in files.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(text)
    (project / "exams" / "one.yaml").write_text(EXAM)
    return folder


def build(run_cli, project: Path, *extra: object) -> tuple[int, str]:
    """`qbank build` of the one-question exam into project/out; (status, stderr)."""
    status, _, err = run_cli("build", project / "exams" / "one.yaml", "--seed", "1", "--out", project / "out", *extra)
    return status, err


@pytest.mark.parametrize(("src", "why"), [
    ("https://example.com/logo.png", "https URLs are not allowed"),
    ("file:///etc/hostname", "outside the allowed folders"),
    ("missing.png", "does not exist or is not a file"),
])  # fmt: skip
def test_each_fetcher_refusal_is_a_located_error(sample_copy, run_cli, src, why):
    folder = templates(sample_copy, f'<img src="{src}"><img src="https://example.org/second.png">')
    status, err = build(run_cli, sample_copy, "--templates", folder)
    assert status == 2 and "Traceback" not in err
    assert f"{folder / 'paper.html.j2'}: paper.pdf: " in err and why in err
    assert "https://example.org/second.png: https URLs are not allowed" in err  # every refusal, each on its line
    assert not (sample_copy / "out").exists()


def test_an_include_linked_out_of_the_template_folder_is_refused(sample_copy, run_cli):
    folder = templates(sample_copy, '<pre>{% include "pw.txt" %}</pre>')
    (folder / "pw.txt").symlink_to("/etc/passwd")
    status, err = build(run_cli, sample_copy, "--templates", folder)
    assert status == 2 and "Traceback" not in err
    assert "page template error" in err and "'pw.txt' is /etc/passwd, outside the template folder" in err
    assert not (sample_copy / "out").exists()


def test_every_file_a_template_includes_is_digested_in_the_manifest(sample_copy, run_cli):
    folder = templates(sample_copy, '<p class="note">{% include "notes/exam-note.txt" %}</p>',
                       **{"notes/exam-note.txt": "Calculators allowed."})  # fmt: skip
    status, err = build(run_cli, sample_copy, "--templates", folder)
    assert status == 0, err
    digests = json.loads((sample_copy / "out" / "manifest.json").read_text())["inputs"]["templates"]
    assert digests["notes/exam-note.txt"] == hashlib.sha256(b"Calculators allowed.").hexdigest()
    assert digests["paper.html.j2"] == hashlib.sha256((folder / "paper.html.j2").read_bytes()).hexdigest()


ATTACHING = {
    "link": '<link rel="attachment" href="../banks/sample/solvers.py" title="solvers">',
    "anchor": '<a rel="attachment" href="../banks/sample/questions/matmul.yaml">bank</a>',
}


@pytest.mark.parametrize("kind", ATTACHING)
def test_attachments_are_refused(sample_copy, run_cli, kind):
    folder = templates(sample_copy, ATTACHING[kind])
    status, err = build(run_cli, sample_copy, "--templates", folder)
    assert status == 2 and "Traceback" not in err
    assert "paper.pdf: " in err and 'attachments are not allowed (rel="attachment"' in err
    assert not (sample_copy / "out").exists()


def test_write_pdf_embeds_no_file_even_from_a_figure(tmp_path):
    (tmp_path / "solvers.py").write_text("SECRET = 42\n")
    html = '<p>Figure</p><svg width="10" height="10"></svg><a rel="attachment" href="solvers.py">see</a>'
    with pytest.raises(PdfError, match=r"solvers\.py: attachments are not allowed"):
        write_pdf(html, base_dir=tmp_path, allowed_roots=[tmp_path])
    pdf = write_pdf(html.replace(' rel="attachment"', ""), base_dir=tmp_path, allowed_roots=[tmp_path])
    (tmp_path / "plain.pdf").write_bytes(pdf)
    with pikepdf.open(tmp_path / "plain.pdf") as document:
        assert "/EmbeddedFiles" not in document.Root.get("/Names", {})
        kinds = {str(a.get("/Subtype")) for page in document.pages for a in page.get("/Annots", [])}
        assert "/FileAttachment" not in kinds


@pytest.mark.parametrize(("extra", "paper"), [((), "main"), (("--forms", "2", "--jobs", "1"), "A")])
def test_build_refuses_a_paper_that_shows_an_answer(tmp_path, run_cli, extra, paper):
    bank = write_bank(tmp_path, ["leak"])
    exam = tmp_path / "leak.yaml"
    exam.write_text(
        EXAM.replace("../banks/sample", os.path.relpath(bank, tmp_path)).replace("basics/matmul", "planted/leak")
    )
    status, _, err = run_cli("build", exam, "--seed", "3", "--out", tmp_path / "out", *extra)
    assert status == 2 and "Traceback" not in err
    assert "leak.yaml:" in err and ": text: answer 'cells' (" in err
    assert f"of question planted/leak appears in the student paper (seed 3, paper {paper})" in err
    assert not (tmp_path / "out").exists()


def test_an_exam_sets_practice_sheet_shows_other_variants_and_audits(sample_copy, run_cli, monkeypatch):
    monkeypatch.chdir(sample_copy)
    shutil.copy(ROOT / "exams" / "sample.yaml", sample_copy / "exams" / "sample.yaml")
    assert run_cli("build", "exams/sample.yaml", "--seed", "4", "--out", "set")[0] == 0
    manifest = json.loads((sample_copy / "set" / "manifest.json").read_text())
    paper = {q["id"]: q for q in manifest["papers"][0]["questions"]}
    practice = {q["id"]: q for q in manifest["practice"]["questions"]}
    assert set(practice) == set(paper)
    for qid, question in practice.items():
        assert question["paper"].startswith("exam-practice") and question["stream_seed"] != paper[qid]["stream_seed"]
        assert question["params"] != paper[qid]["params"], qid
    html = (sample_copy / "set" / "practice.html").read_text()
    assert "practice variants (not the exam paper&#39;s)" in html
    assert run_cli("audit", "set")[0] == 0


def test_a_practice_draw_that_coincides_with_the_paper_is_drawn_again(tmp_path):
    from qbank.render.paper import solve_paper
    from qbank.render.practice import solve_exam_practice
    from qbank.spec.exam import load_exam

    bank = write_bank(tmp_path, ["boundary"])
    question = bank / "questions" / "boundary.yaml"
    question.write_text(question.read_text().replace("max: 7", "max: 2"))  # two variants: draws often coincide
    exam_file = tmp_path / "two.yaml"
    exam_file.write_text(
        EXAM.replace("../banks/sample", os.path.relpath(bank, tmp_path)).replace("basics/matmul", "planted/boundary")
    )
    exam = load_exam(exam_file)
    redrawn = 0
    for seed in range(12):
        paper = solve_paper(exam, seed)
        practice = solve_exam_practice(exam, seed, paper)
        assert practice.parts[0].variant.params != paper.parts[0].variant.params, seed
        redrawn += practice.parts[0].variant.paper_id != "exam-practice"
    assert redrawn  # some first draws coincided and were drawn again on exam-practice-2, ...
