"""benchmarks/classset.py and benchmarks/schedulers.py print what they measure, and docs/scale.md and the README
name the key booklet files as qbank names them."""

from __future__ import annotations

import argparse
import re
import sys

import pytest

from qbank.cli import make_parser
from qbank.output.booklet_files import booklet_files

from .conftest import DL_EXAM, ROOT

BENCHMARKS = ROOT / "benchmarks"


@pytest.fixture
def bench(monkeypatch):
    """The benchmark modules, imported as the scripts import each other (benchmarks/ on the path)."""
    monkeypatch.syspath_prepend(str(BENCHMARKS))
    for name in ("classset", "schedulers"):
        sys.modules.pop(name, None)
    import classset
    import schedulers

    yield classset, schedulers
    for name in ("classset", "schedulers"):
        sys.modules.pop(name, None)


def test_booklet_sizes_none_skips_the_booklet_benchmark(bench):
    """`--booklet-sizes none`, as the help says, skips it; none beside a size, or a size below 1, is refused."""
    classset, _ = bench
    assert classset.parse_args(["--booklet-sizes", "none"]).booklet_sizes == []
    assert classset.parse_args(["--booklet-sizes", "100", "400"]).booklet_sizes == [100, 400]
    for wrong in (["100", "none"], ["0"], ["many"]):
        with pytest.raises(SystemExit) as stopped:
            classset.parse_args(["--booklet-sizes", *wrong])
        assert stopped.value.code == 2


def _fake_tables(monkeypatch, schedulers) -> list[str]:
    """Replace the scheduler table and the quiz with recorders; return the names of the exams tabulated."""
    tabulated: list[str] = []

    def quiz(bank, folder, count=10):
        path = folder / "quiz.yaml"
        path.write_text("")
        return path

    def table(recipe, *rest):
        tabulated.append(recipe.exam)
        return ["(table)"]

    monkeypatch.setattr(schedulers, "numeric_quiz", quiz)
    monkeypatch.setattr(schedulers, "scheduler_table", table)
    return tabulated


def test_schedulers_runs_the_quiz_only_when_asked(bench, monkeypatch, capsys):
    """`--schedulers N` compares the schedulers on the exam given; the numeric quiz only with `--quiz`."""
    classset, schedulers = bench
    tabulated = _fake_tables(monkeypatch, schedulers)
    classset.compare_schedulers(classset.parse_args([str(DL_EXAM), "--schedulers", "2"]), 2)
    assert tabulated == [str(DL_EXAM)]
    tabulated.clear()
    classset.compare_schedulers(classset.parse_args([str(DL_EXAM), "--schedulers", "2", "--quiz"]), 2)
    assert tabulated[0] == str(DL_EXAM) and tabulated[1].endswith("quiz.yaml") and len(tabulated) == 2


def test_class_set_run_prints_pages_and_merge_per_student_and_no_target(bench, monkeypatch, capsys):
    """The class-set table states pages per student and the merge per student; no withdrawn speed target."""
    classset, _ = bench
    figures = {"students": 4, "wall": 20.0, "cpu": 22.0, "workers": 2, "worker_peak": 300.0, "worker_low": 250.0,
               "files": 12, "bytes": 4e6, "booklet": 70.0, "booklet_s": 0.6, "paper_pages": 72, "key_pages": 68,
               "sent": {"papers": 1.2e6, "keys": 3.2e6, "manifest": 220e3}}  # fmt: skip
    monkeypatch.setattr(classset, "run", lambda *args, **kwargs: dict(figures))
    assert classset.main([str(DL_EXAM), "--students", "4", "--booklet-sizes", "100", "--jobs", "2"]) == 0
    out = capsys.readouterr().out
    assert "target" not in out.lower() and "MISSES" not in out
    assert "pages per student: paper 18.0 + key 17.0" in out and "paper 0.30 MB, key 0.80 MB, manifest 55 KB" in out
    assert "key-booklet merge 0.60 s wall (0.150 s/student" in out


def _build(wall: float, client: float, tasks: float) -> dict:
    files = {"papers/S1.pdf": "a", "keys/S1.pdf": "b"}
    return {"wall": wall, "client": client, "tasks": tasks, "cpu": client + tasks, "pages": 140, "paper_pages": 72,
            "key_pages": 68, "files": files}  # fmt: skip


def test_scheduler_table_prints_load_minimum_of_repeats_and_no_negative_figure(bench, monkeypatch):
    """Load is printed; CPU and wall are the least of the repeats; a Dask difference below the repeats' spread
    (here the worker CPU, lower on Dask than on the pool) reads as noise, not as a negative figure."""
    _, schedulers = bench
    plan = {  # (jobs, cluster) -> builds in order: (wall, client CPU, worker CPU)
        (1, None): [(40.0, 30.0, 0.0), (30.0, 24.0, 0.0)],
        (2, None): [(20.0, 1.0, 26.0), (16.0, 1.0, 24.0)],
        (2, "local:2"): [(18.0, 1.4, 23.5), (24.0, 1.6, 30.0)],
    }
    monkeypatch.setattr(schedulers, "build_once", lambda recipe, jobs, cluster: _build(*plan[jobs, cluster].pop(0)))
    monkeypatch.setattr(schedulers.os, "getloadavg", lambda: (3.25, 3.0, 3.0))
    lines = schedulers.scheduler_table(object(), 4, 2, repeat=2)
    text = "\n".join(lines)
    assert "load 3.25 at start" in text and "minimum of 2 build(s)" in text
    jobs1 = next(line for line in lines if line.strip().startswith("--jobs 1")).split()
    assert jobs1[2:4] == ["30.0", "7.50"]  # the faster of 40 s and 30 s, per student
    assert jobs1[4] == "24.0"  # the least CPU, not the mean (27.0)
    dask = next(line for line in lines if line.strip().startswith("--cluster local:2")).split()
    assert dask[2] == "18.0" and dask[-2] == f"{30 / 18:.2f}"  # speed-up of the least walls
    per_task = next(line for line in lines if "Dask per task" in line)
    assert "worker CPU under the noise" in per_task and "-" not in per_task.split(":", 1)[1]
    assert "client CPU +100 ms" in per_task  # 1.4 - 1.0 s over 4 students, above the 0.0 / 0.2 s spread
    assert "paper 18.0 + key 17.0" in text and "identical across all 6 builds: yes" in text


def test_per_task_difference_is_never_negative(bench):
    """A difference at or below zero, or within the spread of the repeats, is printed as noise."""
    _, schedulers = bench
    assert schedulers.per_task(-0.652, 0.0, 4).startswith("under the noise")
    assert schedulers.per_task(0.2, 0.4, 4) == "under the noise (spread 100 ms)"
    assert schedulers.per_task(0.5, 0.1, 4) == "+125 ms"


def _booklet_claims(text: str) -> list[tuple[str, int, int]]:
    claims = re.findall(r"`(key-booklet-\d+-\d+\.pdf)` for ([\d,]+)–([\d,]+) students", text)
    return [(name, int(low.replace(",", "")), int(high.replace(",", ""))) for name, low, high in claims]


@pytest.mark.parametrize("document", ["README.md", "docs/scale.md"])
def test_docs_name_the_first_booklet_file_of_each_class_size(document):
    """Each `key-booklet-….pdf for A–B students` the docs state is the first file qbank makes for a class of A
    and of B students (default 100 a file): the width is the class size's digits, at least 3."""
    claims = _booklet_claims((ROOT / document).read_text())
    assert len(claims) >= 3, claims
    for name, low, high in claims:
        assert booklet_files(low, 100)[0][0] == name and booklet_files(high, 100)[0][0] == name, (name, low, high)
        assert booklet_files(low - 1, 100)[0][0] != name and booklet_files(high + 1, 100)[0][0] != name


def test_check_cluster_help_and_readme_say_what_it_applies_to():
    """`qbank check --cluster` sweeps a bank or question file; its help and the README both say so, and that an
    exam file is swept with --jobs."""
    check = make_parser()._subparsers._group_actions[0].choices["check"]
    cluster = next(a for a in check._actions if "--cluster" in a.option_strings)
    assert isinstance(cluster, argparse.Action)
    scope = "a bank folder, its bank.yaml or one question file only"
    assert scope in cluster.help and "an exam file is swept with --jobs" in cluster.help
    readme = " ".join((ROOT / "README.md").read_text().split())
    assert f"`--cluster` applies to {scope}: an exam file is swept with `--jobs`" in readme


def _seconds(text: str) -> float:
    value, unit = text.split()
    return float(value) * {"s": 1, "min": 60, "h": 3600}[unit]


def test_scale_model_table_adds_the_booklet_merge_to_the_papers():
    """docs/scale.md's model: each row's papers are N·c/(W·e) and its merge N·m with the c, m and e the page
    states, and the wall is their sum (the merge runs on the client after the papers), to the table's rounding."""
    doc = (ROOT / "docs" / "scale.md").read_text()
    found = re.search(r"deep-learning exam c = ([\d.]+) s, m = ([\d.]+) s; quiz c = ([\d.]+) s, m = ([\d.]+) s", doc)
    assert found, "the model's measured c and m"
    dl_c, dl_m, quiz_c, quiz_m = map(float, found.groups())
    e = float(re.search(r"`e` = ([\d.]+) is an \*\*assumption\*\*", doc)[1])
    rows = re.findall(r"^\| ([\d,]+) \| (\d+) \| (.+) \|$", doc, flags=re.M)
    assert len(rows) == 6, rows
    for students, workers, rest in rows:
        n, w = int(students.replace(",", "")), int(workers)
        cells = [cell.strip() for cell in rest.split("|")]
        for (papers, merge, wall), c, m in (((cells[0], cells[1], cells[2]), dl_c, dl_m),
                                            ((cells[4], cells[5], cells[6]), quiz_c, quiz_m)):  # fmt: skip
            papers_s, merge_s, wall_s = _seconds(papers), _seconds(merge), _seconds(wall.strip("*"))
            assert papers_s == pytest.approx(n * c / (w * e), rel=0.03), (students, workers, papers)
            assert merge_s == pytest.approx(n * m, rel=0.03), (students, workers, merge)
            assert wall_s == pytest.approx(n * c / (w * e) + n * m, rel=0.03), (students, workers, wall)
