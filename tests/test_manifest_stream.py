"""The manifest streamed: per-paper records are spooled as they arrive and copied into manifest.json, byte for
byte what the one-object serialisation writes, with the same set digest; the client does not hold the records,
and the spool never reaches the set."""

from __future__ import annotations

import hashlib
import io
import json
import tracemalloc
from pathlib import Path

import pikepdf
import pytest

from qbank.output import class_paper
from qbank.output.manifest import manifest_bytes
from qbank.output.manifest_read import set_digest
from qbank.output.manifest_stream import SPOOL, RecordList, RecordSpool, record_bytes, write_manifest
from qbank.output.produce import produce
from qbank.output.recipes import ClassPaper, ClassSetRecipe
from qbank.output.records import PaperRecord
from qbank.output.writer import StagedFolder

from .classsets import roster_rows, write_roster
from .conftest import ROOT, SAMPLE_EXAM

HEAD = {
    "bank": {"name": "b", "modules": {}},
    "command": ["build", "ünïcode ✓", 'quote " and \\ and \n'],
    "environment": {"fonts": [], "python": "3.11"},
    "files": {"a.pdf": "0" * 64},
    "kind": "class",
    "manifest_version": 2,
    "qbank_version": "0.1",
    "recipe": {"papers": [{"id": "S1", "student": {}}], "z": None, "empty": [], "nothing": {}},
    "seed": 7,
    "seed_scheme": "x",
    "built_in": "/tmp/x",
}


def records(count: int) -> list[dict]:
    """Paper records with what JSON may hold: nesting, empty containers, floats, text beyond ASCII, escapes."""
    return [
        {
            "paper_id": f"S{i}",
            "student": {"name": f"Émile Zola-{i}", "roll": f"24CS{i}"},
            "seed": 7,
            "canonical": False,
            "streams": {},
            "scenarios": {"s": {"params": {"x": [1.5e-07, -0.0, 3, True, None]}}},
            "questions": [{"b": 1 / 3, "a": [], "text": "tab\t and \u2028 and line\nbreak"}],
        }
        for i in range(count)
    ]


def one_object(head: dict, papers: list[dict]) -> bytes:
    """The manifest as today's one-object serialisation writes it."""
    data = {**head, "papers": papers}
    data["set_sha256"] = set_digest(data)
    return manifest_bytes(data)


@pytest.mark.parametrize("count", [0, 1, 3])
def test_the_streamed_manifest_is_the_one_object_serialisation_byte_for_byte(tmp_path, count):
    papers = records(count)
    sealed, sha = write_manifest(StagedFolder(tmp_path), HEAD, RecordList(papers))
    written = (tmp_path / "manifest.json").read_bytes()
    assert written == one_object(HEAD, papers)
    assert sealed["set_sha256"] == json.loads(written)["set_sha256"] and "papers" not in sealed
    assert sha == hashlib.sha256(written).hexdigest()


def test_records_spooled_out_of_order_are_written_in_paper_order(tmp_path):
    papers = records(5)
    ids = [p["paper_id"] for p in papers]
    spool = RecordSpool(StagedFolder(tmp_path), ids)
    for paper in [papers[i] for i in (3, 0, 4, 2, 1)]:
        spool.add(paper["paper_id"], record_bytes(paper))
        spool.add_row(paper["paper_id"], f"{paper['paper_id']},row\n".encode())
    write_manifest(StagedFolder(tmp_path), HEAD, spool)
    assert list(spool.rows()) == [f"S{i},row\n".encode() for i in range(5)]
    spool.remove()
    assert (tmp_path / "manifest.json").read_bytes() == one_object(HEAD, papers)
    assert not (tmp_path / SPOOL).exists()


def _tiny_pdf() -> bytes:
    """A one-page PDF (what the booklet merge reads)."""
    pdf = pikepdf.new()
    pdf.add_blank_page()
    buffer = io.BytesIO()
    pdf.save(buffer, deterministic_id=True)
    return buffer.getvalue()


BLOB = 200_000  # characters of one fake paper record


def _cheap_paper(state, paper_id, student):
    """A paper that costs nothing to render, with a large record and many answers of its own (as a deep-learning
    paper's are)."""
    pdf, spec = _tiny_pdf(), state.spec
    files = {f"{kind}/{paper_id}.pdf": spec.folder.write(f"{kind}/{paper_id}.pdf", pdf) for kind in ("papers", "keys")}
    blob = {"blob": paper_id * (BLOB // len(paper_id))}
    record = PaperRecord(paper_id, dict(student), spec.seed, False, blob, {}, ())
    answers = {f"cell{i}": f"{paper_id}:{i}" * 200 for i in range(100)}  # gradebook cells, about 1 MB in all
    return class_paper.PaperResult(paper_id, record, files, answers)


def _peak_mb(tmp_path: Path, count: int) -> float:
    """Peak memory (MB, traced) of building `count` cheap papers in this process (--jobs 1)."""
    papers = tuple(ClassPaper(f"P{i:04d}", {"roll": f"P{i:04d}"}) for i in range(count))
    recipe = ClassSetRecipe(str(SAMPLE_EXAM), 1, papers, ("roll",))
    tracemalloc.start()
    try:
        made = produce(recipe, tmp_path / f"set{count}", jobs=1)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert len(made.manifest["papers"]) == count  # every record is in the manifest
    return peak / 1e6


def test_the_client_holds_neither_the_paper_records_nor_their_answers(tmp_path, monkeypatch):
    monkeypatch.setattr(class_paper, "render_paper", _cheap_paper)
    _peak_mb(tmp_path, 2)  # the first build loads the exam, templates and caches: not what is measured
    small, large = _peak_mb(tmp_path, 5), _peak_mb(tmp_path, 45)
    held = 40 * BLOB / 1e6  # what 40 more records weigh as text alone (8 MB); held as objects, more
    assert large - small < held / 8, (small, large)  # a few records at a time, not all of them (main: +24 MB)
    manifest = (tmp_path / "set45" / "manifest.json").read_bytes()
    assert manifest == manifest_bytes(json.loads(manifest)) and len(manifest) > 45 * BLOB
    assert sorted(p.name for p in (tmp_path / "set45").iterdir()) == [
        "answers.csv", "key-booklet.pdf", "keys", "manifest.json", "papers"]  # fmt: skip


@pytest.mark.slow
@pytest.mark.parametrize("options", [["--jobs", "1"], ["--jobs", "2"], ["--cluster", "local:2"]],
                         ids=["jobs1", "pool", "cluster"])  # fmt: skip
def test_real_sets_stream_the_one_object_manifest(tmp_path, options):
    from qbank.cli import main

    roster = write_roster(tmp_path / "students.csv", roster_rows(3))
    out = tmp_path / "set"
    argv = ["build", str(ROOT / "exams" / "sample.yaml"), "--roster", str(roster), "--seed", "7", "--out", str(out)]
    assert main([*argv, *options]) == 0
    written = (out / "manifest.json").read_bytes()
    data = json.loads(written)
    assert [p["paper_id"] for p in data["papers"]] == [r["roll"] for r in roster_rows(3)]
    assert written == one_object({k: v for k, v in data.items() if k not in ("papers", "set_sha256")},
                                 data["papers"])  # fmt: skip
    assert not list(out.rglob(SPOOL)) and not [p for p in tmp_path.iterdir() if p.name.startswith(".set.")]
