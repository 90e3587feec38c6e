"""`qbank audit` regenerates a set and pinpoints what differs and why; interrupted builds leave no partial set."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from qbank.cli import main
from qbank.output.manifest import seal

from .classsets import manifest, roster_rows, write_roster
from .scenario_bank import make_scenario_bank

pytestmark = pytest.mark.slow


def build_set(root: Path, students: int = 3, seed: int = 5) -> tuple[Path, list[dict[str, str]]]:
    """A class set of the scenario exam (pools, shuffle, shared scenario) built under `root`."""
    exam = make_scenario_bank(root) if not (root / "exams" / "scenario.yaml").exists() else root / "exams/scenario.yaml"
    rows = roster_rows(students)
    roster = write_roster(root / "students.csv", rows)
    out = root / "set"
    assert main(["build", str(exam), "--roster", str(roster), "--seed", str(seed), "--out", str(out)]) == 0
    return out, rows


@pytest.fixture(scope="module")
def shared_set(tmp_path_factory):
    from .conftest import ROOT

    root = tmp_path_factory.mktemp("audit")
    shutil.copytree(ROOT / "banks" / "sample", root / "banks" / "sample")
    (root / "exams").mkdir()
    return build_set(root)


def audit(run_cli, *args):
    status, out, err = run_cli("audit", *args)
    assert "Traceback" not in err
    return status, out


def copy_set(out: Path, tmp_path: Path) -> Path:
    target = tmp_path / "copy"
    shutil.copytree(out, target)
    return target


def test_untouched_set_is_identical(shared_set, run_cli):
    out, rows = shared_set
    status, text = audit(run_cli, out)
    assert status == 0, text
    assert "identical: 8 files; every field of the manifest and every file digest match the regenerated set" in text
    assert "DIFFERS" not in text


def test_tampered_pdf_is_pinpointed(shared_set, run_cli, tmp_path):
    out, rows = shared_set
    target = copy_set(out, tmp_path)
    pdf = target / "papers" / f"{rows[1]['roll']}.pdf"
    data = bytearray(pdf.read_bytes())
    data[len(data) // 2] ^= 0x01
    pdf.write_bytes(bytes(data))
    status, text = audit(run_cli, target)
    assert status == 1
    differing = [line for line in text.splitlines() if line.startswith("DIFFERS")]
    assert differing == [f"DIFFERS papers/{rows[1]['roll']}.pdf: altered after the build: on disk sha256:"
                         + differing[0].split("on disk sha256:")[1]]  # fmt: skip
    assert "regenerating gives the recorded file" in text


def test_deleted_and_added_files_are_reported(shared_set, run_cli, tmp_path):
    out, rows = shared_set
    target = copy_set(out, tmp_path)
    (target / "keys" / f"{rows[0]['roll']}.pdf").unlink()
    (target / "papers" / "intruder.pdf").write_bytes(b"%PDF-1.7")
    status, text = audit(run_cli, target)
    assert status == 1
    assert f"keys/{rows[0]['roll']}.pdf: missing (deleted after the build" in text
    assert "papers/intruder.pdf: not in the manifest (added after the build)" in text


def test_one_paper_is_rebuilt_alone_for_a_dispute(shared_set, run_cli, tmp_path):
    out, rows = shared_set
    target = copy_set(out, tmp_path)
    other = target / "papers" / f"{rows[0]['roll']}.pdf"
    other.write_bytes(other.read_bytes() + b"\n%tampered")
    status, text = audit(run_cli, target, "--paper", rows[2]["roll"])
    assert status == 0, text
    assert "identical: 2 files" in text and f"paper {rows[2]['roll']}" in text
    status, text = audit(run_cli, target, "--paper", rows[0]["roll"])
    assert status == 1 and f"papers/{rows[0]['roll']}.pdf: altered after the build" in text


def test_only_a_changed_renderer_is_told_apart(shared_set, run_cli, tmp_path):
    """Simulate a set made by another WeasyPrint: recorded version and PDF bytes differ, inputs do not."""
    out, rows = shared_set
    target = copy_set(out, tmp_path)
    data = manifest(target)
    data["environment"]["rendering"]["weasyprint"] = "60.0"
    name = f"papers/{rows[0]['roll']}.pdf"
    old_bytes = (target / name).read_bytes() + b"\n% made by an older renderer\n"
    (target / name).write_bytes(old_bytes)
    import hashlib

    data["files"][name] = hashlib.sha256(old_bytes).hexdigest()
    seal(data)  # a genuine set made elsewhere: its digest matches its content
    (target / "manifest.json").write_text(json.dumps(data))
    status, text = audit(run_cli, target)
    assert status == 1
    assert "note: rendering environment changed: weasyprint 60.0 →" in text
    assert (
        f"DIFFERS {name}: same parameters and answers; only the rendering environment changed (weasyprint 60.0" in text
    )
    assert len([line for line in text.splitlines() if line.startswith("DIFFERS")]) == 1


def test_a_booklet_merged_by_another_qpdf_is_told_apart(shared_set, run_cli, tmp_path):
    """The key booklet's bytes depend on pikepdf/qpdf (they spell its names and strings): a set recorded with
    another qpdf and a different booklet differs only in the rendering environment."""
    import hashlib

    out, rows = shared_set
    target = copy_set(out, tmp_path)
    data = manifest(target)
    assert data["environment"]["rendering"]["qpdf"] and data["environment"]["packages"]["pikepdf"]
    data["environment"]["rendering"]["qpdf"] = "11.0.0"
    booklet = (target / "key-booklet.pdf").read_bytes() + b"\n% merged with an older qpdf\n"
    (target / "key-booklet.pdf").write_bytes(booklet)
    data["files"]["key-booklet.pdf"] = hashlib.sha256(booklet).hexdigest()
    seal(data)
    (target / "manifest.json").write_text(json.dumps(data))
    status, text = audit(run_cli, target)
    assert status == 1
    assert "note: rendering environment changed: qpdf 11.0.0 →" in text
    assert "DIFFERS key-booklet.pdf: same parameters and answers; only the rendering environment changed (qpdf" in text
    assert [line for line in text.splitlines() if line.startswith("DIFFERS")] == [
        line for line in text.splitlines() if line.startswith("DIFFERS key-booklet.pdf")
    ]


def test_edited_spec_and_solver_are_named(sample_copy, run_cli, tmp_path):
    out, rows = build_set(sample_copy)
    spec = sample_copy / "banks/sample/questions/xf/head-dim.yaml"
    spec.write_text(spec.read_text().replace("How wide is one head?", "How wide is each head?"))
    solvers = sample_copy / "banks/sample/solvers.py"
    solvers.write_text(solvers.read_text().replace('"weights": 4 * p["layers"]', '"weights": 3 * p["layers"]'))
    status, text = audit(run_cli, out)
    assert status == 1, text
    key = next(line for line in text.splitlines() if line.startswith(f"DIFFERS keys/{rows[0]['roll']}.pdf"))
    assert "answers of xf/block-params (Q" in key and "weights: recorded" in key
    assert "because the solver 'sample.block_params' of xf/block-params changed since the build" in key
    assert "same parameters and answers, but the spec of xf/head-dim" in key and "head-dim.yaml) changed" in key
    paper = next(line for line in text.splitlines() if line.startswith(f"DIFFERS papers/{rows[0]['roll']}.pdf"))
    assert "spec of xf/head-dim" in paper and "sample.block_params" not in paper  # papers print no answers
    assert "note: bank module solvers.py changed since the build" in text
    spec = sample_copy / "banks/sample/questions/matmul.yaml"
    spec.write_text(spec.read_text().replace("min: -3, max: 3, shape: [2, 2]}", "min: -4, max: 4, shape: [2, 2]}", 1))
    status, text = audit(run_cli, out)
    assert "parameters of basics/matmul" in text or "basics/matmul" not in json.dumps(manifest(out)["papers"])


def test_exam_and_practice_sets_audit_identical(sample_copy, run_cli, monkeypatch):
    monkeypatch.chdir(sample_copy)
    assert main(["build", "exams/sample.yaml", "--seed", "3", "--out", "single"]) == 0
    assert (
        main(["practice", "banks/sample", "--topics", "softmax", "--count", "2", "--seed", "3", "--out", "drill"]) == 0
    )
    for folder, files in (("single", 5), ("drill", 2)):
        status, text = audit(run_cli, folder)
        assert status == 0 and f"identical: {files} files" in text, text


def _staged(parent: Path, name: str) -> list[Path]:
    return [p for p in parent.iterdir() if p.name.startswith(f".{name}.partial-")]


@pytest.mark.parametrize("moment", ["early", "mid"])
def test_killed_build_leaves_the_old_set_or_nothing(shared_set, tmp_path, moment):
    """kill -9 in the middle of a class build: the target holds the complete old set (or nothing)."""
    out, rows = shared_set
    exam = out.parent / "exams" / "scenario.yaml"
    roster = write_roster(tmp_path / "big.csv", roster_rows(8, start=50))
    for target, had_old in ((tmp_path / "old", True), (tmp_path / "new", False)):
        if had_old:
            shutil.copytree(out, target)
        before = {p.relative_to(target): p.read_bytes() for p in target.rglob("*") if p.is_file()} if had_old else {}
        command = [sys.executable, "-m", "qbank", "build", str(exam), "--roster", str(roster), "--seed", "9",
                   "--out", str(target), "--force", "--jobs", "2"]  # fmt: skip
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                   start_new_session=True)  # fmt: skip
        try:
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline:
                staged = _staged(tmp_path, target.name)
                ready = staged and (moment == "early" or list((staged[0] / "papers").glob("*.pdf")))
                if ready:
                    break
                assert process.poll() is None, "the build finished before it could be killed"
                time.sleep(0.02)
            os.kill(process.pid, signal.SIGKILL)
            process.wait()
        finally:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)  # the orphaned workers of the killed build
        after = {p.relative_to(target): p.read_bytes() for p in target.rglob("*") if p.is_file()} if had_old else {}
        assert after == before
        assert target.exists() == had_old
    # the next build of the same target removes what the killed one left behind, and completes
    target = tmp_path / "new"
    assert _staged(tmp_path, "new")
    assert main(["build", str(exam), "--roster", str(roster), "--seed", "9", "--out", str(target), "--jobs", "1"]) == 0
    assert not _staged(tmp_path, "new")
    assert len(list((target / "papers").glob("*.pdf"))) == 8


def test_a_project_moved_with_its_sets_still_audits_identical(sample_copy, run_cli, monkeypatch, tmp_path):
    monkeypatch.chdir(sample_copy)
    assert main(["build", "exams/sample.yaml", "--seed", "3", "--out", "out/single"]) == 0
    assert main(["practice", "banks/sample", "--topics", "softmax", "--count", "2", "--seed", "3",
                 "--out", "out/drill"]) == 0  # fmt: skip
    moved = tmp_path.parent / f"{tmp_path.name}-moved"  # the whole project, cloned elsewhere
    shutil.move(str(sample_copy), str(moved))
    monkeypatch.chdir(moved)
    for folder, files in (("out/single", 5), ("out/drill", 2)):
        status, text = audit(run_cli, moved / folder)
        assert status == 0 and f"identical: {files} files" in text, text
        assert f"input moved with the set: {sample_copy}" in text and str(moved) in text, text
    shutil.rmtree(moved / "exams")  # the exam did not come along: the audit says so, and fails
    status, text = audit(run_cli, moved / "out/single")
    assert status != 0 and "cannot regenerate the set" in text and "sample.yaml" in text, text


def test_inputs_edited_without_changing_the_set_are_notes_not_differences(sample_copy, run_cli):
    out, rows = build_set(sample_copy)
    spec = sample_copy / "banks/sample/questions/xf/head-dim.yaml"
    spec.write_text(spec.read_text() + "# a comment: the question's file changes, what it makes does not\n")
    solvers = sample_copy / "banks/sample/solvers.py"
    solvers.write_text(solvers.read_text() + "\n# a comment in the solvers module\n")
    status, text = audit(run_cli, out)
    assert status == 0, text
    assert "DIFFERS" not in text
    assert "note: the spec of xf/head-dim (" in text and "head-dim.yaml) changed since the build" in text
    assert "note: bank module solvers.py changed since the build" in text
    verdict = text.strip().splitlines()[-1]
    assert verdict.startswith("identical: ") and "the inputs noted above changed since the build" in verdict
