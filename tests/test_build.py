"""`qbank build` end to end on the sample exam: files, determinism, fonts, manifest, no leaks, no overwrite."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from qbank.cli import main

from .conftest import SAMPLE_EXAM

pytestmark = pytest.mark.slow
MINIMAL_ENV = {"PATH": "/usr/bin:/bin", **{k: v for k, v in os.environ.items() if k == "PYTHONPATH"}}
FILES = {"paper.pdf", "key.pdf", "practice.pdf", "practice.html", "key.json", "manifest.json"}


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("sets") / "seed7"
    assert main(["build", str(SAMPLE_EXAM), "--seed", "7", "--out", str(out)]) == 0
    return out


def pdf_text(path: Path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout


def test_writes_the_whole_set(built):
    assert {p.name for p in built.iterdir()} == FILES
    manifest = json.loads((built / "manifest.json").read_text())
    for name, digest in manifest["files"].items():
        assert hashlib.sha256((built / name).read_bytes()).hexdigest() == digest
    assert set(manifest["files"]) == FILES - {"manifest.json"}


def test_same_seed_gives_byte_identical_files_in_a_fresh_process(built, tmp_path):
    again = tmp_path / "again"
    subprocess.run(
        [sys.executable, "-m", "qbank", "build", str(SAMPLE_EXAM), "--seed", "7", "--out", str(again)],
        check=True, capture_output=True, env={**MINIMAL_ENV, "PYTHONHASHSEED": "99"},
    )  # fmt: skip
    for name in FILES - {"manifest.json"}:
        assert (again / name).read_bytes() == (built / name).read_bytes(), name
    first, second = (json.loads((d / "manifest.json").read_text()) for d in (built, again))
    assert first["papers"] == second["papers"] and first["files"] == second["files"]


def test_another_seed_gives_other_parameters(built, tmp_path):
    other = tmp_path / "seed8"
    assert main(["build", str(SAMPLE_EXAM), "--seed", "8", "--out", str(other)]) == 0
    params = [
        [q["params"] for q in json.loads((d / "manifest.json").read_text())["papers"][0]["questions"]]
        for d in (built, other)
    ]
    assert params[0] != params[1]
    assert (other / "paper.pdf").read_bytes() != (built / "paper.pdf").read_bytes()


def test_refuses_to_overwrite_without_force(built, tmp_path, capsys):
    target = tmp_path / "set"
    shutil.copytree(built, target)
    before = {p.name: p.read_bytes() for p in target.iterdir()}
    assert main(["build", str(SAMPLE_EXAM), "--seed", "9", "--out", str(target)]) == 2
    assert "already exists (use --force to replace it)" in capsys.readouterr().err
    assert {p.name: p.read_bytes() for p in target.iterdir()} == before
    assert main(["build", str(SAMPLE_EXAM), "--seed", "9", "--out", str(target), "--force"]) == 0
    assert json.loads((target / "manifest.json").read_text())["seed"] == 9
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".set.")]


def test_fonts_are_pinned_and_embedded(built):
    for name in ("paper.pdf", "key.pdf", "practice.pdf"):
        listing = subprocess.run(["pdffonts", str(built / name)], capture_output=True, text=True, check=True).stdout
        rows = listing.strip().splitlines()[2:]
        assert rows, "no fonts in PDF"
        for row in rows:
            assert any(f in row.split()[0] for f in ("TeX-Gyre-Termes", "TeX-Gyre-Cursor", "FreeSerif")), row
            assert " yes yes " in row, f"font not embedded and subset: {row}"


def test_key_shows_every_answer_and_paper_shows_none(built):
    key = json.loads((built / "key.json").read_text())
    manifest = json.loads((built / "manifest.json").read_text())
    key_text = pdf_text(built / "key.pdf").replace("\u2212", "-")  # values print with a true minus
    paper_text = pdf_text(built / "paper.pdf")
    meta = subprocess.run(["pdfinfo", str(built / "paper.pdf")], capture_output=True, text=True, check=True).stdout
    params_text = json.dumps([q["params"] for q in manifest["papers"][0]["questions"]])
    for question in key["questions"]:
        for answer in question["answers"].values():
            assert answer["formatted"] in key_text, answer
            numeric = answer["format"] != "text"
            distinctive = numeric and len(answer["formatted"]) >= 4 and answer["formatted"] not in params_text
            if distinctive:
                assert answer["formatted"] not in paper_text, answer
                assert answer["formatted"] not in meta
    assert "Worked solution" in key_text and "Worked solution" not in paper_text


def test_paper_front_page_and_math_are_typeset(built):
    text = pdf_text(built / "paper.pdf")
    assert "QB101" in text and "Foundations of Machine Learning" in text
    assert "To be filled in by the examiner" in text and "Roll Number" in text
    manifest = json.loads((built / "manifest.json").read_text())
    matmul = next(q for q in manifest["papers"][0]["questions"] if q["id"] == "basics/matmul")
    # matrix entries of the drawn A are typeset and still extractable
    for value in (v for row in matmul["params"]["a"] for v in row):
        assert str(value).replace("-", "") in text.replace("−", "-")


def test_manifest_records_environment_inputs_and_digests(built):
    manifest = json.loads((built / "manifest.json").read_text())
    env = manifest["environment"]
    assert env["python"].startswith("3.")
    assert env["packages"]["weasyprint"] and env["packages"]["numpy"]
    assert env["rendering"], "pango/harfbuzz versions missing"
    names = [f["name"] for f in env["fonts"]]  # the fonts the PDFs embed, each mapped to its file
    assert names == sorted(names) and all(set(f) == {"name", "file", "sha256"} for f in env["fonts"])
    assert any(f["name"] == "TeX-Gyre-Termes" and f["file"] and f["sha256"] for f in env["fonts"])
    assert manifest["exam"]["sha256"] == hashlib.sha256(SAMPLE_EXAM.read_bytes()).hexdigest()
    for question in manifest["papers"][0]["questions"]:
        spec_file = Path(question["file"])
        if not spec_file.is_absolute():
            spec_file = Path.cwd() / spec_file
        assert question["spec_sha256"] == hashlib.sha256(spec_file.read_bytes()).hexdigest()
        assert len(question["solver_sha256"]) == 64
        assert len(question["stream_seed"]) == 32
    assert manifest["seed"] == 7 and manifest["canonical"] is False


def test_canonical_build_uses_canonical_values(tmp_path):
    out = tmp_path / "canonical"
    assert main(["build", str(SAMPLE_EXAM), "--seed", "0", "--canonical", "--out", str(out)]) == 0
    questions = json.loads((out / "manifest.json").read_text())["papers"][0]["questions"]
    matmul = next(q for q in questions if q["id"] == "basics/matmul")
    assert matmul["params"] == {"a": [[1, 2], [3, 4]], "b": [[0, 1], [1, 0]]}
    assert matmul["answers"]["product"] == [[2, 1], [4, 3]]


def test_key_styles_restate_the_question_only_in_full(tmp_path):
    from qbank.render.page import page_context
    from qbank.render.paper import solve_paper
    from qbank.render.question import PageRenderer
    from qbank.spec.exam import load_exam

    paper = solve_paper(load_exam(SAMPLE_EXAM), 7, "main")
    context = page_context(paper, "key")
    keys = {style: PageRenderer(key_style=style).render("key", context) for style in ("full", "compact", "answers")}
    assert keys["full"].count('class="restated"') == len(paper.parts)
    assert 'class="restated"' not in keys["compact"] and 'class="restated"' not in keys["answers"]
    assert keys["compact"].count('class="worked"') == keys["full"].count('class="worked"') > 0
    answered = sum(1 for s in paper.parts if s.variant.answers)
    assert keys["full"].count('class="answers"') == answered > 0  # each part's answers above its solution
    assert 'class="answers"' not in keys["compact"]  # compact: only the summary table at the top lists them
    assert all(html.count('class="summary"') == 1 for html in keys.values())
    assert 'class="worked"' not in keys["answers"] and 'class="solution"' not in keys["answers"]
    for style, html in keys.items():
        assert html.count("<tr>") >= sum(len(s.variant.answers) for s in paper.parts), style  # the answer table


def test_key_style_is_recorded_and_compact_keys_omit_question_text(tmp_path):
    out = tmp_path / "compact"
    assert main(["build", str(SAMPLE_EXAM), "--seed", "7", "--out", str(out), "--key", "compact"]) == 0
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["recipe"]["key"] == "compact"
    key_text = pdf_text(out / "key.pdf")
    assert "Worked solution" in key_text
    paper_lines = [line.strip() for line in pdf_text(out / "paper.pdf").splitlines() if len(line.strip()) > 40]
    practice_text = pdf_text(out / "practice.pdf")
    restated = [line for line in paper_lines if line in practice_text]  # question sentences, not front-page rules
    assert restated and not [line for line in restated if line in key_text]


def test_the_cli_key_styles_match_the_renderers():
    from qbank.cli.build import KEY_STYLES as CLI_STYLES
    from qbank.render.question import KEY_STYLES

    assert CLI_STYLES == KEY_STYLES


def test_answer_space_has_the_declared_number_of_lines_in_splittable_blocks():
    import re

    from qbank.render.page import page_context
    from qbank.render.paper import solve_paper
    from qbank.render.question import PageRenderer
    from qbank.spec.exam import load_exam

    paper = solve_paper(load_exam(SAMPLE_EXAM), 7, "main")
    html = PageRenderer().render("paper", page_context(paper, "paper"))
    spaces = re.findall(r'<div class="answer-space">(.*?)</div></div>', html)
    declared = [part.space for section in page_context(paper, "paper").sections
                for item in section.entries for part in item.parts if part.space]  # fmt: skip
    lines = [2 * block.count('class="lines') - block.count('class="lines one"') for block in spaces]
    assert lines == declared and any(n % 2 for n in declared)  # an odd count ends in a one-line block
