"""Issue 12: a forged manifest (tolerances, answers, marks, formats, parameters, names, file list) is caught by
`qbank audit` field by field and refused by `qbank grade`; the set digest; malformed manifests."""

from __future__ import annotations

import contextlib
import csv
import hashlib
import io
import json
import os
import re
import shutil
from pathlib import Path

import pytest

from qbank.cli import main

from .classsets import roster_rows, write_roster
from .conftest import ROOT

pytestmark = pytest.mark.slow
CLASS_EXAM = ROOT / "exams" / "sample-classset.yaml"


def digest_of(data: dict) -> str:
    """The set digest as README defines it, computed here independently of qbank."""
    body = {k: v for k, v in data.items() if k != "set_sha256"}
    text = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@pytest.fixture(scope="module")
def gset(tmp_path_factory):
    """A class set of the sample quiz for three students, and what the build printed."""
    root = tmp_path_factory.mktemp("integrity")
    rows = roster_rows(3)
    roster = write_roster(root / "students.csv", rows)
    out = root / "gset"
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        status = main(["build", str(CLASS_EXAM), "--roster", str(roster), "--seed", "7", "--out", str(out),
                       "--jobs", "1"])  # fmt: skip
    assert status == 0
    return out, rows, printed.getvalue()


def forged_copy(out: Path, tmp_path: Path, forge, reseal: bool = True) -> Path:
    """A copy of the set whose manifest `forge` edits; resealed (a careful forger recomputes the digest)."""
    target = tmp_path / "forged"
    shutil.copytree(out, target)
    data = json.loads((target / "manifest.json").read_text())
    forge(data)
    if reseal:
        data["set_sha256"] = digest_of(data)
    (target / "manifest.json").write_text(json.dumps(data, indent=2, sort_keys=True))
    return target


def paper(data: dict, index: int) -> dict:
    return data["papers"][index]


def question_with(data: dict, index: int, fmt: str) -> tuple[dict, str]:
    """The first question of paper `index` with an answer of format `fmt`, and that answer's name."""
    for q in paper(data, index)["questions"]:
        for name, spec in q["answer_specs"].items():
            if spec["format"] == fmt:
                return q, name
    raise AssertionError(f"no {fmt} answer on paper {index}")


def forge_tolerance(data):
    for p in data["papers"]:
        for q in p["questions"]:
            for spec in q["answer_specs"].values():
                spec["tolerance"] = {"abs": 1e12}
    q, name = question_with(data, 0, "int")
    return 0, q["id"], rf"answer_specs\.{name}\.tolerance: recorded \{{\"abs\": 1000000000000\.0\}}, regenerated absent"


def forge_answer(data):
    q, name = question_with(data, 0, "int")
    true = q["answers"][name]
    q["answers"][name] = 99999
    q["answers_formatted"][name] = "99,999"
    return 0, q["id"], rf"answers\.{name}: recorded 99999, regenerated {true}\b"


def forge_marks(data):
    for q in paper(data, 1)["questions"]:
        q["marks"] *= 10
    q = paper(data, 1)["questions"][0]
    return 1, q["id"], rf"marks: recorded {q['marks']}, regenerated {q['marks'] / 10}"


def forge_format(data):
    q, name = question_with(data, 1, "int")
    q["answer_specs"][name]["format"] = "text"
    q["answers"][name] = str(q["answers"][name])
    return 1, q["id"], rf"answer_specs\.{name}\.format: recorded \"text\", regenerated \"int\""


def forge_params(data):
    q = next(q for q in paper(data, 2)["questions"] if q["params"])
    name = sorted(q["params"])[0]
    q["params"][name] = [9, 9, 9]
    return 2, q["id"], rf"params\.{name}(\[\d\])*: recorded "


def forge_name(data):
    paper(data, 2)["student"]["name"] = "Mallory Forger"
    return 2, None, r"student\.name: recorded \"Mallory Forger\", regenerated \""


FORGERIES = [forge_tolerance, forge_answer, forge_marks, forge_format, forge_params, forge_name]


@pytest.mark.parametrize("forge", FORGERIES, ids=lambda f: f.__name__)
def test_audit_reports_each_forgery_by_paper_question_and_field(forge, gset, run_cli, tmp_path):
    out, rows, _ = gset
    found = {}
    target = forged_copy(out, tmp_path, lambda data: found.update(result=forge(data)))
    index, question, field = found["result"]
    roll = rows[index]["roll"]
    status, text, err = run_cli("audit", target, "--paper", roll)
    assert "Traceback" not in err and status == 1, text + err
    where = rf"papers\[{roll}\]" + (rf"\.questions\[{re.escape(question)}\]\." if question else r"\.")
    assert re.search(rf"^DIFFERS \S*manifest\.json: {where}{field}", text, flags=re.M), text
    assert "identical" not in text


@pytest.mark.parametrize("forge", FORGERIES, ids=lambda f: f.__name__)
def test_grade_refuses_each_forgery(forge, gset, run_cli, tmp_path):
    out, rows, _ = gset
    found = {}
    target = forged_copy(out, tmp_path, lambda data: found.update(result=forge(data)))
    index, question, field = found["result"]
    marks = tmp_path / "marks.csv"
    status, text, err = run_cli("grade", target, responses(out, tmp_path / "r.csv"), "--out", marks)
    assert status == 2 and "Traceback" not in err, text + err
    where = rf"papers\[{rows[index]['roll']}\]" + (rf"\.questions\[{re.escape(question)}\]\." if question else r"\.")
    assert re.search(rf"^\S*manifest\.json:\d+: {where}{field}", err, flags=re.M), err
    assert "refusing to grade" in err and not marks.exists()


def responses(out: Path, path: Path, wrong: bool = False) -> Path:
    """Responses to the answers the set's papers have: the gradebook's own, or 123456789 for every answer."""
    rows = list(csv.DictReader((out / "answers.csv").open(encoding="utf-8-sig")))
    columns = [c for c in rows[0] if ":" in c and any(r[c] for r in rows)]
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["roll", *columns])
        writer.writerows([r["roll"], *(("123456789" if wrong else r[c]) if r[c] else "" for c in columns)]
                         for r in rows)  # fmt: skip
    return path


def test_wide_tolerances_grade_wrong_answers_right_only_when_trusted(gset, run_cli, tmp_path):
    """The issue's attack: with every tolerance widened, trusting the manifest marks wrong answers right; by
    default grade refuses; --trust-manifest is said in the output."""
    out, rows, _ = gset
    target = forged_copy(out, tmp_path, forge_tolerance)
    answers = responses(out, tmp_path / "wrong.csv", wrong=True)
    status, text, err = run_cli("grade", target, answers, "--out", tmp_path / "marks.csv")
    assert status == 2 and "refusing to grade" in err
    status, text, err = run_cli("grade", out, answers, "--out", tmp_path / "honest.csv")
    assert status == 0, err
    assert "keys: regenerated from the exam and bank" in text
    honest = list(csv.DictReader((tmp_path / "honest.csv").open(encoding="utf-8-sig")))
    assert all(float(r["total"]) == 0 for r in honest)
    status, text, err = run_cli("grade", target, answers, "--out", tmp_path / "trusted.csv", "--trust-manifest")
    assert status == 0, err
    assert "keys: taken from the manifest as recorded, not verified" in text
    trusted = list(csv.DictReader((tmp_path / "trusted.csv").open(encoding="utf-8-sig")))
    assert all(float(r["total"]) > 0 for r in trusted)


def test_grade_regenerates_without_rendering(gset, run_cli, tmp_path, monkeypatch):
    out, rows, _ = gset
    import qbank.output.pdf

    def refuse(*args, **kwargs):
        raise AssertionError("grade rendered a PDF")

    monkeypatch.setattr(qbank.output.pdf, "write_pdf", refuse)
    status, text, err = run_cli("grade", out, responses(out, tmp_path / "r.csv"), "--out", tmp_path / "marks.csv")
    assert status == 0, err
    assert "keys: regenerated from the exam and bank" in text


def test_file_list_forgeries_are_reported_and_refused(gset, run_cli, tmp_path):
    out, rows, _ = gset
    dropped, added = f"keys/{rows[1]['roll']}.pdf", "papers/24CS9999.pdf"

    def forge(data):
        del data["files"][dropped]
        data["files"][added] = "0" * 64

    target = forged_copy(out, tmp_path, forge)
    status, text, err = run_cli("audit", target)
    assert status == 1 and "Traceback" not in err, text + err
    assert f"DIFFERS {dropped}: regenerated, but not in the manifest's file list" in text
    assert f"DIFFERS {added}: not regenerated" in text
    status, text, err = run_cli("grade", target, responses(out, tmp_path / "r.csv"), "--out", tmp_path / "marks.csv")
    assert status == 2 and "refusing to grade" in err, err
    assert re.search(rf"manifest\.json:\d+: files: {re.escape(dropped)}: missing from the file list", err), err
    assert re.search(rf"manifest\.json:\d+: files\.{re.escape(added)}: the build writes no such file", err), err


@pytest.mark.parametrize("name", ["/etc/passwd", "../../outside.pdf", "papers/../../outside.pdf"])
def test_files_outside_the_set_are_refused(name, gset, run_cli, tmp_path):
    out, rows, _ = gset
    target = forged_copy(out, tmp_path, lambda data: data["files"].update({name: "0" * 64}))
    for verb in (("audit", target), ("grade", target, responses(out, tmp_path / "r.csv"), "--out", tmp_path / "m.csv")):
        status, text, err = run_cli(*verb)
        assert status == 2 and "Traceback" not in err, text + err
        assert re.search(rf"manifest\.json:\d+: files\.{re.escape(name)}: not a path inside the set", err), err


def test_a_symbolic_link_out_of_the_set_is_refused(gset, run_cli, tmp_path):
    out, rows, _ = gset
    secret = tmp_path / "secret.pdf"
    secret.write_bytes(b"%PDF- not for the audit")
    name = f"papers/{rows[0]['roll']}.pdf"

    def forge(data):
        data["files"][name] = hashlib.sha256(secret.read_bytes()).hexdigest()

    target = forged_copy(out, tmp_path, forge)
    (target / name).unlink()
    os.symlink(secret, target / name)
    status, text, err = run_cli("audit", target)
    assert status == 2 and "Traceback" not in err, text + err
    assert re.search(rf"manifest\.json:\d+: files\.{re.escape(name)}: leads out of the set", err), err


def test_build_prints_and_records_the_set_digest_and_audit_expects_it(gset, run_cli, tmp_path):
    out, rows, printed = gset
    data = json.loads((out / "manifest.json").read_text())
    digest = digest_of(data)
    assert data["set_sha256"] == digest
    assert f"set digest sha256:{digest}" in printed
    status, text, err = run_cli("audit", out, "--paper", rows[0]["roll"], "--expect", f"sha256:{digest}")
    assert status == 0, text + err
    other = hashlib.sha256(b"another set").hexdigest()
    status, text, err = run_cli("audit", out, "--paper", rows[0]["roll"], "--expect", other)
    assert status == 1
    assert f"DIFFERS set digest: expected sha256:{other}, but this set's manifest has sha256:{digest}" in text
    status, text, err = run_cli("audit", out, "--expect", "12ab")
    assert status == 2 and "--expect" in err and "expected a set digest" in err


def test_an_edited_manifest_no_longer_matches_its_digest(gset, run_cli, tmp_path):
    out, rows, _ = gset
    target = forged_copy(out, tmp_path, lambda data: data["command"].append("--forged"), reseal=False)
    status, text, err = run_cli("audit", target, "--paper", rows[0]["roll"])
    assert status == 1, text + err
    assert re.search(r"DIFFERS \S*manifest\.json: set_sha256: recorded sha256:\w+, but the manifest's content has "
                     r"digest sha256:\w+ \(edited after the build\)", text), text  # fmt: skip
    edited_digest = digest_of(json.loads((target / "manifest.json").read_text()))
    assert f"  digest of this manifest (as found) sha256:{edited_digest}: not a verified set digest" in text
    assert "set digest sha256:" not in text  # nobody copies the edited manifest's digest as the set's


def test_a_set_built_before_the_set_digest_audits_identical(gset, run_cli, tmp_path):
    out, rows, _ = gset
    target = forged_copy(out, tmp_path, lambda data: data.pop("set_sha256"), reseal=False)
    status, text, err = run_cli("audit", target)
    assert status == 0, text + err
    assert "identical: 8 files" in text
    assert "note: this set predates the set digest (its manifest has no set_sha256)" in text
    status, text, err = run_cli("grade", target, responses(out, tmp_path / "r.csv"), "--out", tmp_path / "marks.csv")
    assert status == 0, err


def edited(text: str, change) -> str:
    """The manifest text after `change` edits its data (written as the build writes it)."""
    data = json.loads(text)
    change(data)
    return json.dumps(data, indent=2, sort_keys=True)


MALFORMED = [
    ("not json", lambda text: text[: len(text) // 2], r"manifest\.json:\d+: not a qbank manifest: not valid JSON"),
    ("nan", lambda text: re.sub(r'"marks": [\d.]+', '"marks": NaN', text, count=1),
     r"manifest\.json:\d+: papers\[0\]\.questions\[0\]\.marks: NaN is not a finite number"),
    ("infinity", lambda text: text.replace('"seed": 7,', '"seed": 1e999,', 1),
     r"manifest\.json:\d+: papers\[0\]\.seed: 1e999 is not a finite number"),
    ("wrong type", lambda text: edited(text, lambda data: data["papers"].insert(0, 17)),
     r"manifest\.json:\d+: papers\[0\]: must be an object, got int 17"),
    ("missing key", lambda text: edited(text, lambda data: data["papers"][1]["questions"][2].pop("answer_specs")),
     r"manifest\.json:\d+: papers\[\w+\]\.questions\[[\w/-]+\]\.answer_specs: required key is missing"),
    ("wrong type deep", lambda text: edited(text, lambda data: data["papers"][0]["questions"][0].update(marks="3")),
     r"manifest\.json:\d+: papers\[\w+\]\.questions\[[\w/-]+\]\.marks: must be a number >= 0, got str '3'"),
    ("bad declaration", lambda text: text.replace('"format": "int"', '"format": "integer"', 1),
     r"manifest\.json:\d+: papers\[\w+\]\.questions\[[\w/-]+\]\.answer_specs\.\w+\.format: input should be"),
    ("repeated key", lambda text: text.replace('"seed": 7,', '"seed": 7, "seed": 8,', 1),
     r"manifest\.json:\d+: papers\[0\]\.seed: key repeated in the same object"),
    ("not an object", lambda text: "[1, 2]", r"manifest\.json:1: not a qbank manifest: must be a JSON object"),
    ("paper id out of the set", lambda text: edited(text, lambda data: data["recipe"]["papers"][0].update(id="../x")),
     r"manifest\.json:\d+: recipe\.papers\[0\]\.id: must be a roll number or form letter that can name a file"),
]  # fmt: skip


@pytest.mark.parametrize(("case", "mangle", "pattern"), MALFORMED, ids=[m[0] for m in MALFORMED])
def test_malformed_manifests_are_located_errors(case, mangle, pattern, gset, run_cli, tmp_path):
    out, rows, _ = gset
    target = tmp_path / "broken"
    shutil.copytree(out, target)
    text = (target / "manifest.json").read_text()
    mangled = mangle(text)
    assert mangled != text
    (target / "manifest.json").write_text(mangled)
    for verb in (("audit", target), ("grade", target, responses(out, tmp_path / "r.csv"), "--out", tmp_path / "m.csv")):
        status, printed, err = run_cli(*verb)
        assert status == 2 and "Traceback" not in err, printed + err
        assert re.search(pattern, err), err
        line = int(re.search(r"manifest\.json:(\d+):", err).group(1))
        if case != "not an object":
            assert line in range(1, mangled.count("\n") + 2)
    assert not (tmp_path / "m.csv").exists()


def test_a_font_file_moved_since_the_build_is_reported(gset, run_cli, tmp_path):
    """Same font digest at another path: the PDFs match, and the audit says where the font moved from."""
    out, rows, _ = gset

    def forge(data):
        data["environment"]["fonts"][0]["file"] = "/old/fonts/termes.otf"

    target = forged_copy(out, tmp_path, forge)
    font = json.loads((out / "manifest.json").read_text())["environment"]["fonts"][0]
    family = font.get("name") or font.get("family")
    status, text, err = run_cli("audit", target, "--paper", rows[0]["roll"])
    assert status == 0, text + err
    assert f"note: rendering environment changed: font {family} file /old/fonts/termes.otf → /" in text
