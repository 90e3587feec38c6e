"""`--force` is suggested only where it would work: an `--out` folder (or file) holding what qbank did not write
is refused, with or without `--force`, with the advice to choose an empty or new folder (or a new file)."""

from __future__ import annotations

import pytest

from .test_out_safety import command, no_rendering, project, real_set, refused  # noqa: F401 (fixtures)

FOLDER_VERBS = {
    **{verb: command(verb, "mine") for verb in ("exam", "forms", "roster", "practice")},
    "export": ["export", "banks/sample", "--format", "moodle", "--variants", "1", "--seed", "1", "--out", "mine"],
}


@pytest.mark.parametrize("verb", FOLDER_VERBS)
def test_a_folder_qbank_did_not_write_gets_no_force_hint(project, run_cli, no_rendering, verb):  # noqa: F811
    (project / "mine").mkdir()
    (project / "mine" / "notes.txt").write_text("my notes")
    for extra in ([], ["--force"]):
        err = refused(run_cli, [*FOLDER_VERBS[verb], *extra], project, "--out: mine ",
                      "holds files qbank did not write", "choose an empty or new folder")  # fmt: skip
        assert "use --force" not in err


@pytest.mark.parametrize("verb", FOLDER_VERBS)
def test_a_set_with_files_its_manifest_does_not_list_gets_no_force_hint(project, run_cli, no_rendering, real_set,  # noqa: F811
                                                                       verb):  # fmt: skip
    (project / "mine").mkdir()
    (project / "mine" / "manifest.json").write_bytes((real_set / "manifest.json").read_bytes())
    (project / "mine" / "scan.pdf").write_bytes(b"%PDF scan")
    err = refused(run_cli, FOLDER_VERBS[verb], project, "--out: mine holds files its manifest.json does not list",
                  "choose an empty or new folder")  # fmt: skip
    assert "use --force" not in err


@pytest.mark.parametrize(
    ("argv", "kind"),
    [
        (["export", "banks/sample", "--format", "moodle", "--variants", "1", "--seed", "1", "--out", "mine.xml"],
         "quiz export"),
        (["grade", "SET", "SET/answers.csv", "--out", "mine.xml"], "marks"),
    ],
    ids=["export", "grade"],
)  # fmt: skip
def test_a_file_qbank_did_not_write_gets_no_force_hint(project, run_cli, real_set, argv, kind):  # noqa: F811
    (project / "mine.xml").write_text("my own file\n")
    argv = [str(real_set) if a == "SET" else a.replace("SET", str(real_set)) for a in argv]
    for extra in ([], ["--force"]):
        err = refused(run_cli, [*argv, *extra], project, f"--out: mine.xml is not a {kind} file qbank wrote",
                      "write to a new file")  # fmt: skip
        assert "use --force" not in err
