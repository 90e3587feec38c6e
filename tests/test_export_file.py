"""`qbank export --out FILE` (issue #15): the export exactly at FILE with FILE.manifest.json and FILE.notes.txt
beside it, the format's extension required, --force only over an export qbank wrote, audit of the file, and the
folder form kept for any other --out."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.mc_bank import write_lms_bank


@pytest.fixture
def bank(tmp_path: Path) -> Path:
    return write_lms_bank(tmp_path / "src")


def export(run_cli, bank: Path, fmt: str, out: Path, *extra: str, seed: int = 3) -> tuple[int, str, str]:
    return run_cli("export", bank, "--format", fmt, "--variants", 2, "--seed", seed, "--out", out, *extra)


def listing(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


@pytest.mark.parametrize(("fmt", "name", "folder_name"),
                         [("moodle", "quiz.xml", "moodle.xml"), ("qti21", "quiz.zip", "qti21.zip"),
                          ("canvas", "quiz.zip", "canvas.zip")])  # fmt: skip
def test_out_file_writes_the_export_exactly_there_with_manifest_and_notes(run_cli, bank, tmp_path, fmt, name,
                                                                         folder_name):  # fmt: skip
    assert export(run_cli, bank, fmt, tmp_path / "folder")[0] == 0
    status, out, err = export(run_cli, bank, fmt, tmp_path / "lms" / name)
    assert status == 0, err
    folder = tmp_path / "lms"
    assert listing(folder) == sorted([name, f"{name}.manifest.json", f"{name}.notes.txt"])  # no partial files left
    assert (folder / name).read_bytes() == (tmp_path / "folder" / folder_name).read_bytes()
    assert (folder / f"{name}.notes.txt").read_bytes() == (tmp_path / "folder" / "notes.txt").read_bytes()
    manifest = json.loads((folder / f"{name}.manifest.json").read_text(encoding="utf-8"))
    assert manifest["kind"] == "export" and manifest["recipe"]["file"] == name
    assert set(manifest["files"]) == {name, f"{name}.notes.txt"}
    assert manifest["built_in"] == str(folder.resolve())
    assert str(folder / name) in out


def test_wrong_extension_for_the_format_is_an_error_and_writes_nothing(run_cli, bank, tmp_path):
    status, _, err = export(run_cli, bank, "qti21", tmp_path / "lms" / "x.xml")
    assert status == 2
    assert "--out" in err and "qti21 export is a .zip file" in err and "Traceback" not in err
    status, _, err = export(run_cli, bank, "moodle", tmp_path / "lms" / "x.zip")
    assert status == 2 and "moodle export is a .xml file" in err
    assert listing(tmp_path / "lms") == []


def test_existing_file_is_refused_without_force_and_kept(run_cli, bank, tmp_path):
    quiz = tmp_path / "quiz.xml"
    quiz.write_text("my own quiz\n", encoding="utf-8")
    status, _, err = export(run_cli, bank, "moodle", quiz)
    assert status == 2 and "quiz.xml is not a quiz export file qbank wrote" in err and "use --force" not in err
    assert quiz.read_text(encoding="utf-8") == "my own quiz\n"
    assert listing(tmp_path) == ["quiz.xml", "src"]


def test_a_file_inside_the_bank_is_refused(run_cli, bank, tmp_path):
    status, _, err = export(run_cli, bank, "moodle", bank / "quiz.xml", "--force")
    assert status == 2 and "quiz.xml is an input; write the export elsewhere" in err
    assert not (bank / "quiz.xml").exists() and not (bank / "quiz.xml.manifest.json").exists()


def test_force_replaces_only_an_export_qbank_wrote(run_cli, bank, tmp_path):
    quiz = tmp_path / "quiz.xml"
    assert export(run_cli, bank, "moodle", quiz, seed=3)[0] == 0
    first = quiz.read_bytes()
    status, _, err = export(run_cli, bank, "moodle", quiz, "--force", seed=4)
    assert status == 0, err
    assert quiz.read_bytes() != first
    assert json.loads((tmp_path / "quiz.xml.manifest.json").read_text(encoding="utf-8"))["seed"] == 4


def test_force_refuses_a_file_qbank_did_not_write(run_cli, bank, tmp_path):
    quiz = tmp_path / "quiz.xml"
    quiz.write_text("my own quiz\n", encoding="utf-8")
    status, _, err = export(run_cli, bank, "moodle", quiz, "--force")
    assert status == 2 and "is not a quiz export file qbank wrote; --force replaces only that" in err
    assert quiz.read_text(encoding="utf-8") == "my own quiz\n"
    assert listing(tmp_path) == ["quiz.xml", "src"]


def test_force_refuses_an_export_edited_after_qbank_wrote_it(run_cli, bank, tmp_path):
    quiz = tmp_path / "quiz.xml"
    assert export(run_cli, bank, "moodle", quiz)[0] == 0
    quiz.write_bytes(quiz.read_bytes() + b"<!-- my edit -->\n")
    edited = quiz.read_bytes()
    status, _, err = export(run_cli, bank, "moodle", quiz, "--force", seed=4)
    assert status == 2 and "--force replaces only that" in err
    assert quiz.read_bytes() == edited


@pytest.mark.parametrize("suffix", ["", ".manifest.json"])
def test_audit_of_the_file_or_its_manifest_regenerates_and_compares(run_cli, bank, tmp_path, suffix):
    quiz = tmp_path / "lms" / "quiz.zip"
    assert export(run_cli, bank, "qti21", quiz)[0] == 0
    (tmp_path / "lms" / "unrelated.txt").write_text("another file in the same folder\n", encoding="utf-8")
    target = quiz.with_name(quiz.name + suffix)
    status, out, err = run_cli("audit", target)
    assert status == 0, out + err
    assert "identical: 2 files" in out
    (tmp_path / "lms" / "quiz.zip.notes.txt").write_text("edited\n", encoding="utf-8")
    status, out, _ = run_cli("audit", target)
    assert status == 1 and "quiz.zip.notes.txt: altered after the build" in out


def test_an_existing_folder_named_like_a_file_keeps_the_folder_form(run_cli, bank, tmp_path):
    folder = tmp_path / "exports.xml"
    folder.mkdir()
    status, _, err = export(run_cli, bank, "moodle", folder)
    assert status == 0, err
    assert listing(folder) == ["manifest.json", "moodle.xml", "notes.txt"]
