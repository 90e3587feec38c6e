"""Issue 17: `qbank audit` reads a manifest as a stream, a paper record at a time (strict JSON, every problem at
its line), verifies the set digest as the records pass, and compares paper by paper with the regenerated
manifest, so a set too large for the whole-file bound is audited, in memory that does not grow with the records."""

from __future__ import annotations

import contextlib
import copy
import hashlib
import io
import itertools
import json
import re
import shutil
import tracemalloc
from pathlib import Path

import pytest

from qbank.audit.records import Regenerated, paper_pass
from qbank.cli import main
from qbank.core.errors import UserError
from qbank.output import manifest_read, manifest_scan
from qbank.output.manifest_read import load_streamed

from .classsets import roster_rows, write_roster
from .conftest import ROOT

CLASS_EXAM = ROOT / "exams" / "sample-classset.yaml"
STUDENTS = 5


def digest_of(data: dict) -> str:
    """The set digest as README defines it, computed here independently of qbank."""
    body = {k: v for k, v in data.items() if k != "set_sha256"}
    text = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def written(data: dict) -> str:
    """A manifest's text as the build writes it."""
    return json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """A class set of the sample quiz for five students, and its roster rows."""
    root = tmp_path_factory.mktemp("auditstream")
    rows = roster_rows(STUDENTS)
    out = root / "set"
    with contextlib.redirect_stdout(io.StringIO()):
        status = main(["build", str(CLASS_EXAM), "--roster", str(write_roster(root / "r.csv", rows)), "--seed", "3",
                       "--out", str(out), "--jobs", "1"])  # fmt: skip
    assert status == 0
    return out, rows


def synthetic(built, folder: Path, papers: int, padding: int = 0) -> tuple[Path, dict]:
    """A manifest of `papers` valid records (the built set's first record under new paper ids, with a parameter
    of `padding` characters when asked), sealed."""
    data = json.loads((built[0] / "manifest.json").read_text())
    template = data["papers"][0]
    if padding:
        template["questions"][0]["params"]["padding"] = "x" * padding
    data["papers"] = []
    for i in range(papers):
        record = copy.deepcopy(template)
        record["paper_id"] = f"S{i:06d}"
        data["papers"].append(record)
    data["set_sha256"] = digest_of(data)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "manifest.json"
    path.write_text(written(data), encoding="utf-8")
    return path, data


def audit_error(path: Path) -> str:
    """The located problems reading `path` for audit reports (it must fail)."""
    with pytest.raises(UserError) as info:
        load_streamed(path)
    return "\n".join(str(p) for p in info.value.problems)


def line_at(text: str, needle: str) -> int:
    """The line of the first occurrence of `needle` in `text`."""
    return text[: text.index(needle)].count("\n") + 1


@pytest.mark.slow
def test_a_manifest_over_the_whole_file_bound_is_audited_and_a_tampered_middle_record_found(
    built, run_cli, tmp_path, monkeypatch
):
    out, _ = built
    target = tmp_path / "big"
    shutil.copytree(out, target)
    data = json.loads((target / "manifest.json").read_text())
    middle = data["papers"][STUDENTS // 2]
    question = next(q for q in middle["questions"] if any(type(v) in (int, float) for v in q["params"].values()))
    name = next(k for k, v in question["params"].items() if type(v) in (int, float))
    question["params"][name] = 123456.789
    data["set_sha256"] = digest_of(data)  # a careful forger reseals the digest
    text = written(data)
    (target / "manifest.json").write_text(text)
    size = len(text.encode("utf-8"))
    monkeypatch.setattr(manifest_read, "MAX_MANIFEST_BYTES", size - 1)  # the whole file no longer fits
    status, _, err = run_cli("grade", target, tmp_path / "none.csv", "--out", tmp_path / "m.csv")
    assert status == 2 and f"manifest is more than {size - 1:,} bytes (limits.MAX_MANIFEST_BYTES)" in err, err
    status, printed, err = run_cli("audit", target)
    assert status == 1 and "Traceback" not in err, printed + err
    roll = middle["paper_id"]
    shown = f"papers[{roll}].questions[{question['id']}].params.{name}: recorded 123456.789, regenerated"
    found = [line for line in printed.splitlines() if shown in line]
    assert len(found) == 1, printed
    assert found[0].endswith(f"line {line_at(text, '123456.789')})"), found[0]
    differing = [line for line in printed.splitlines() if line.startswith("DIFFERS ")]
    assert differing == [f"DIFFERS {found[0].removeprefix('DIFFERS ')}"], printed  # the files regenerate the same
    assert "1 difference(s) in 12 files" in printed, printed


def _measure(built, folder: Path, papers: int) -> tuple[int, int]:
    """Peak traced memory of reading, digesting and comparing a synthetic manifest of `papers` records with a
    copy of itself; and the file's size."""
    path, data = synthetic(built, folder / "recorded", papers, padding=20_000)
    (folder / "again").mkdir()
    shutil.copy(path, folder / "again" / "manifest.json")
    size = path.stat().st_size
    del data
    tracemalloc.start()
    try:
        loaded = load_streamed(path)
        assert loaded.set_digest() == loaded.data["set_sha256"]
        found = paper_pass(loaded, Regenerated(folder / "again" / "manifest.json"), None, None)
        assert found.field_lines() == [], found.lines
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    return peak, size


def test_memory_grows_far_less_than_the_records(built, tmp_path):
    _measure(built, tmp_path / "warm", 10)  # first-use allocations (caches, imports) out of the way
    small, small_size = _measure(built, tmp_path / "n", 100)
    large, large_size = _measure(built, tmp_path / "5n", 500)
    added = large_size - small_size  # the bytes of 400 more records
    assert added > 8_000_000, added  # records large enough that holding them would show
    assert large - small < added / 10, (small, large, added)


def test_the_set_digest_is_verified_as_a_stream(built, tmp_path):
    path, data = synthetic(built, tmp_path, 40)
    loaded = load_streamed(path)
    assert loaded.set_digest() == digest_of(data) == data["set_sha256"]
    text = path.read_text()
    path.write_text(text.replace('"paper_id": "S000020"', '"paper_id": "S000020x"'))
    assert load_streamed(path).set_digest() != data["set_sha256"]


def test_a_malformed_record_deep_in_the_array_is_located_by_line(built, tmp_path):
    path, _ = synthetic(built, tmp_path, 200)
    text = path.read_text()
    at = text.index('"paper_id": "S000150"')
    mangled = text[:at] + text[at:].replace('"paper_id": "S000150",', '"paper_id": "S000150"', 1)
    path.write_text(mangled)
    line = line_at(mangled, '"paper_id": "S000150"') + 1  # the next key, where a comma was expected
    assert re.search(rf"manifest\.json:{line}: not a qbank manifest: not valid JSON: Expecting ',' delimiter "
                     r"\(column \d+\)", audit_error(path))  # fmt: skip


def test_a_non_finite_number_deep_in_the_array_is_located_by_line_and_path(built, tmp_path):
    path, _ = synthetic(built, tmp_path, 200)
    text = path.read_text()
    at = text.index('"paper_id": "S000150"')
    start = text.rindex("\n    {\n", 0, at)
    record = text[start : text.index("\n    }", at)]
    marks = re.search(r'"marks": [\d.]+', record)
    mangled = text[: start + marks.start()] + '"marks": NaN' + text[start + marks.end() :]
    path.write_text(mangled)
    line = mangled[: start + marks.start()].count("\n") + 1
    assert re.search(rf"manifest\.json:{line}: papers\[150\]\.questions\[\d+\]\.marks: NaN is not a finite number",
                     audit_error(path))  # fmt: skip


def test_a_key_repeated_inside_a_record_is_located(built, tmp_path):
    path, _ = synthetic(built, tmp_path, 200)
    text = path.read_text()
    mangled = text.replace('"paper_id": "S000150",', '"paper_id": "S000150", "paper_id": "S000151",', 1)
    path.write_text(mangled)
    line = line_at(mangled, '"paper_id": "S000150"')
    assert f"manifest.json:{line}: papers[150].paper_id: key repeated in the same object" in audit_error(path)


def test_a_key_repeated_at_the_top_level_is_located(built, tmp_path):
    path, _ = synthetic(built, tmp_path, 3)
    text = path.read_text()
    mangled = text.replace('\n  "seed": ', '\n  "seed": 1,\n  "seed": ', 1)
    path.write_text(mangled)
    line = line_at(mangled, '\n  "seed": 1,') + 2
    assert f"manifest.json:{line}: seed: key repeated in the same object" in audit_error(path)


@pytest.mark.parametrize("cut", [0.5, 0.999])
def test_a_truncated_file_is_a_located_error(built, tmp_path, run_cli, cut):
    path, _ = synthetic(built, tmp_path / "set", 50)
    text = path.read_text()
    mangled = text[: int(len(text) * cut)]
    path.write_text(mangled)
    status, printed, err = run_cli("audit", path)
    assert status == 2 and "Traceback" not in err and not printed, printed + err
    found = re.search(r"manifest\.json:(\d+): not a qbank manifest: not valid JSON: .* \(the file ends there: "
                      r"truncated\?\)", err)  # fmt: skip
    assert found, err
    assert int(found[1]) == mangled.count("\n") + 1, err


def test_schema_problems_of_records_are_all_collected_with_lines(built, tmp_path):
    path, data = synthetic(built, tmp_path, 120)
    data["papers"][30]["seed"] = "7"
    data["papers"][110]["questions"][0].pop("answer_specs")
    text = written(data)
    path.write_text(text)
    message, line = audit_error(path), line_at(text, '"seed": "7"')
    assert f"manifest.json:{line}: papers[S000030].seed: must be a whole number >= 0, got str '7'" in message
    assert re.search(r"manifest\.json:\d+: papers\[S000110\]\.questions\[[\w/-]+\]\.answer_specs: required key is "
                     "missing", message)  # fmt: skip


def test_a_record_over_its_bound_is_refused_at_its_line(built, tmp_path, monkeypatch):
    path, _ = synthetic(built, tmp_path, 20)
    text = path.read_text()
    records = [m.start() + 5 for m in re.finditer(r"\n    \{\n", text)]
    sizes = [len(text[a:b].rstrip(",\n ").encode()) for a, b in itertools.pairwise(records)]
    monkeypatch.setattr(manifest_scan, "MAX_MANIFEST_RECORD_BYTES", max(sizes))
    assert load_streamed(path).paper_ids[11] == "S000011"  # a record of exactly the bound passes
    mangled = text.replace('"paper_id": "S000011"', '"paper_id": "S000011", "note": "x"', 1)
    path.write_text(mangled)
    line = mangled[: records[11]].count("\n") + 1
    bound = f"{max(sizes):,}"
    assert f"manifest.json:{line}: papers[11]: paper record is more than {bound} bytes " \
           "(limits.MAX_MANIFEST_RECORD_BYTES)" in audit_error(path)  # fmt: skip


def test_the_size_bound_of_a_streamed_manifest(built, tmp_path, monkeypatch):
    path, _ = synthetic(built, tmp_path, 3)
    size = path.stat().st_size
    monkeypatch.setattr(manifest_read, "MAX_AUDIT_MANIFEST_BYTES", size)
    assert load_streamed(path).paper_ids == ["S000000", "S000001", "S000002"]
    monkeypatch.setattr(manifest_read, "MAX_AUDIT_MANIFEST_BYTES", size - 1)
    assert f"manifest is more than {size - 1:,} bytes (limits.MAX_AUDIT_MANIFEST_BYTES)" in audit_error(path)
    monkeypatch.setattr(manifest_read, "MAX_AUDIT_MANIFEST_BYTES", size)
    monkeypatch.setattr(manifest_read, "MAX_MANIFEST_BYTES", 2_000)  # the head: everything but the records
    assert re.search(r"manifest\.json:\d+: \w+: the manifest's fields besides papers are more than 2,000 bytes "
                     r"\(limits\.MAX_MANIFEST_BYTES\)", audit_error(path))  # fmt: skip


def test_reordered_records_are_compared_by_paper_id(built, tmp_path):
    path, data = synthetic(built, tmp_path / "again", 30)
    data["papers"][10], data["papers"][20] = data["papers"][20], data["papers"][10]
    data["papers"][20]["seed"] = 99  # now paper S000010, at index 20
    recorded = tmp_path / "recorded" / "manifest.json"
    recorded.parent.mkdir()
    text = written(data)
    recorded.write_text(text)
    found = paper_pass(load_streamed(recorded), Regenerated(path), None, None).field_lines()
    seed_line = text[: text.index('"seed": 99')].count("\n") + 1
    assert re.search(rf"papers\[S000010\]\.seed: recorded 99, regenerated \d+ \(line {seed_line}\)", found[0]), found
    assert len(found) == 2 and "(order)" in found[1], found


def test_a_lone_surrogate_escape_is_a_located_error_not_a_crash(built, tmp_path):
    """`\\ud800` decodes to no character: hashing or printing the text would fail, so both readers refuse it."""
    path, _ = synthetic(built, tmp_path, 30)
    text = path.read_text()
    at = text.index('"paper_id": "S000020"')
    mangled = text[:at] + '"hostile": "a\\ud800b", ' + text[at:]
    path.write_text(mangled)
    line = line_at(mangled, "\\ud800")
    assert f"manifest.json:{line}: papers[20]: \\ud800 is half of a UTF-16 surrogate pair" in audit_error(path)
    with pytest.raises(UserError) as info:
        manifest_read.load_manifest(path)
    assert f"manifest.json:{line}: not a qbank manifest: \\ud800 is half of a UTF-16 surrogate pair" in str(info.value)
