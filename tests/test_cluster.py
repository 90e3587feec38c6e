"""Class sets on a Dask cluster (`--cluster`): the same set as the local pool and `--jobs 1`, byte for byte;
a worker killed mid-task is replaced and the set is still identical; a worker whose fonts differ refuses; a
killed client leaves the old set and no process; an unreachable scheduler is a `--cluster` error."""

from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import sys
import threading
from pathlib import Path

import distributed  # the `dask` extra (qbank[dask]); `make test` installs it
import pytest

from qbank.cli import main

from .classsets import roster_rows, write_roster
from .conftest import ROOT
from .test_lifetime import cleanup, session_members, staged, wait_for

EXAM = ROOT / "exams" / "sample.yaml"


def set_files(folder: Path) -> dict[str, bytes]:
    """Every file of a set by relative name; the manifest without the fields that name how and where it was
    built (`command`, which records --jobs or --cluster, `built_in`, and the digest sealing them)."""
    files = {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}
    data = json.loads(files.pop("manifest.json"))
    for key in ("command", "built_in", "set_sha256"):
        data.pop(key)
    files["manifest.json"] = json.dumps(data, sort_keys=True).encode()
    return files


@pytest.fixture(scope="module")
def roster(tmp_path_factory) -> Path:
    """Three students (one roster file: the manifest records its path)."""
    return write_roster(tmp_path_factory.mktemp("roster") / "students.csv", roster_rows(3))


def build(tmp_path: Path, name: str, roster: Path, *options: str) -> Path:
    """A class set of the students of `roster` on the sample exam, seed 7, built with `options`."""
    out = tmp_path / name
    assert main(["build", str(EXAM), "--roster", str(roster), "--seed", "7", "--out", str(out), *options]) == 0
    return out


@pytest.fixture(scope="module")
def reference(tmp_path_factory, roster):
    """The set built in this process (`--jobs 1`)."""
    return set_files(build(tmp_path_factory.mktemp("jobs1"), "set", roster, "--jobs", "1"))


@pytest.mark.slow
def test_local_cluster_pool_and_one_process_give_the_same_set(tmp_path, roster, reference, capsys):
    cluster = set_files(build(tmp_path, "cluster", roster, "--cluster", "local:2"))
    said = capsys.readouterr().err.splitlines()
    assert said and all(line.startswith("qbank: ") for line in said), said  # none of Dask's own log lines
    pool = set_files(build(tmp_path, "pool", roster, "--jobs", "2"))
    assert sorted(cluster) == sorted(reference) and len(reference) == 9  # 3 papers, 3 keys, booklet, csv, manifest
    assert [n for n in reference if cluster[n] != reference[n]] == []
    assert [n for n in reference if pool[n] != reference[n]] == []
    manifest = json.loads((tmp_path / "cluster" / "manifest.json").read_bytes())
    assert manifest["command"][-2:] == ["--cluster", "local:2"]  # the only trace of the scheduler
    question = manifest["papers"][0]["questions"][0]
    assert Path(question["path"]).is_relative_to(ROOT / "banks" / "sample")  # the client's paths, not the worker's


@pytest.mark.slow
def test_audit_on_a_cluster_finds_a_pool_built_set_identical(tmp_path, roster):
    out = build(tmp_path, "pool", roster, "--jobs", "2")
    assert main(["audit", str(out), "--cluster", "local:2"]) == 0


@pytest.fixture
def own_cluster():
    """A LocalCluster of two single-threaded worker processes (with nannies) that the test controls."""
    with (
        distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                                 dashboard_address=None, silence_logs=50) as cluster,
        distributed.Client(cluster, set_as_default=False) as client,
    ):  # fmt: skip
        yield cluster, client


@pytest.mark.slow
def test_a_worker_killed_mid_task_is_replaced_and_the_set_is_identical(tmp_path, roster, reference, own_cluster):
    cluster, client = own_cluster
    pids = client.run(os.getpid)  # worker address -> its process
    result: list[int] = []
    out = tmp_path / "set"
    argv = ["build", str(EXAM), "--roster", str(roster), "--seed", "7", "--out", str(out), "--cluster",
            cluster.scheduler_address]  # fmt: skip
    builder = threading.Thread(target=lambda: result.append(main(argv)))
    builder.start()
    busy: list[str] = []
    assert wait_for(lambda: busy.extend(a for a, keys in client.processing().items() if keys) or busy, 120)
    os.kill(pids[busy[0]], signal.SIGKILL)  # mid-task: the scheduler has a paper running on it
    builder.join(300)
    assert result == [0]
    assert set_files(out) == reference
    assert busy[0] not in client.run(os.getpid) or client.run(os.getpid)[busy[0]] != pids[busy[0]]


def _different_font_digest() -> None:
    """On a worker: make its fontconfig's first pinned face read as another file version (as if that font file
    differed on the worker's machine). Only the worker's recorded environment changes; no font file is touched."""
    from qbank.output import fingerprint

    real = fingerprint.pinned_fonts

    def altered() -> dict:
        fonts = real()
        fonts["TeX Gyre Termes regular"] = {**fonts["TeX Gyre Termes regular"], "sha256": "0" * 64}
        return fonts

    fingerprint.pinned_fonts = altered
    fingerprint.fingerprint.cache_clear()


@pytest.mark.slow
def test_a_worker_whose_font_differs_refuses_and_nothing_is_written(tmp_path, own_cluster, capsys):
    import cloudpickle

    cluster, client = own_cluster
    cloudpickle.register_pickle_by_value(sys.modules[__name__])  # the workers cannot import the tests
    try:
        client.run(_different_font_digest)
    finally:
        cloudpickle.unregister_pickle_by_value(sys.modules[__name__])
    roster = write_roster(tmp_path / "students.csv", roster_rows(2))
    out = tmp_path / "set"
    argv = ["build", str(EXAM), "--roster", str(roster), "--seed", "7", "--out", str(out), "--cluster",
            cluster.scheduler_address]  # fmt: skip
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert "<command line>: --cluster: worker tcp://127.0.0.1:" in err
    assert "refuses the task: its environment differs from the client's" in err
    assert "fonts.TeX Gyre Termes regular.sha256: sha256:0000000000000000 here, sha256:" in err
    assert "Traceback" not in err
    assert not out.exists() and not staged(tmp_path, "set")


@pytest.mark.slow
def test_a_killed_client_leaves_the_old_set_and_no_process(tmp_path):
    old = build(tmp_path, "set", write_roster(tmp_path / "two.csv", roster_rows(2)), "--jobs", "1")
    before = {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in old.rglob("*") if p.is_file()}
    roster = write_roster(tmp_path / "many.csv", roster_rows(12))
    command = [sys.executable, "-m", "qbank", "build", str(EXAM), "--roster", str(roster), "--seed", "7", "--out",
               str(old), "--force", "--cluster", "local:2"]  # fmt: skip
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    with cleanup(process):
        assert wait_for(lambda: any((p / "papers").is_dir() and any((p / "papers").iterdir())
                                    for p in staged(tmp_path, "set")), 180)  # fmt: skip
        assert len(session_members(process.pid)) >= 3  # the client and its two worker processes (at least)
        os.kill(process.pid, signal.SIGKILL)
        process.wait()
        assert wait_for(lambda: not session_members(process.pid), 20), session_members(process.pid)
    assert {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in old.rglob("*") if p.is_file()} == before


def test_an_unreachable_scheduler_is_a_cluster_error_before_anything_is_rendered(tmp_path, capsys, monkeypatch):
    from qbank.output import cluster

    monkeypatch.setattr(cluster, "CONNECT_SECONDS", 1)
    roster = write_roster(tmp_path / "students.csv", roster_rows(2))
    out = tmp_path / "set"
    argv = ["build", str(EXAM), "--roster", str(roster), "--seed", "7", "--out", str(out), "--cluster",
            "tcp://127.0.0.1:9"]  # fmt: skip
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert "<command line>: --cluster: cannot reach the Dask scheduler at tcp://127.0.0.1:9" in err
    assert "nothing was rendered" in err and "papers 1/" not in err and "Traceback" not in err
    assert not out.exists() and not staged(tmp_path, "set")


@pytest.mark.parametrize("value", ["local:0", "local:x", "nowhere", "tcp://a b:1"])
def test_a_malformed_cluster_value_is_refused(value, capsys):
    assert main(["build", str(EXAM), "--forms", "1", "--seed", "1", "--out", "/nonexistent/x", "--cluster", value]) == 2
    assert "<command line>: qbank build: argument --cluster: expected " in capsys.readouterr().err


@pytest.mark.slow
def test_check_on_a_cluster_reports_what_the_pool_reports_with_the_clients_file_names(tmp_path, monkeypatch,
                                                                                       run_cli):  # fmt: skip
    from .planted import write_bank

    monkeypatch.chdir(tmp_path)
    write_bank(tmp_path)
    pool = run_cli("check", "planted", "--seeds", "60", "--jobs", "2")
    cluster = run_cli("check", "planted", "--seeds", "60", "--cluster", "local:2")
    assert pool[0] == cluster[0] == 1
    # the pool prints a solver's file as its module's absolute path; the cluster prints the client's name for it
    *pool_lines, pool_summary = pool[1].replace(f"{tmp_path.resolve()}/", "").splitlines()
    *cluster_lines, cluster_summary = cluster[1].splitlines()
    assert cluster_lines == pool_lines and "qbank-shipped-" not in cluster[1]
    assert "reproduce: qbank check planted/questions/broken-solver.yaml --seed" in cluster[1]
    assert cluster_summary.endswith(
        "on the Dask cluster local:2; 5 question(s) failed" + pool_summary.split("failed")[1]
    )


def test_an_exam_file_is_not_checked_on_a_cluster(run_cli):
    status, out, err = run_cli("check", EXAM, "--cluster", "local:1")
    assert status == 2 and "<command line>: --cluster: sweeps a bank or question on a cluster" in err


def _double(shared: int, value: int) -> int:
    """A trivial task: `shared` plus twice `value`."""
    return shared + 2 * value


@pytest.mark.slow
def test_no_more_tasks_than_the_window_are_in_flight(own_cluster):
    from qbank.output.cluster import cluster_results

    _, client = own_cluster
    held = []
    results = []
    for result in cluster_results(client, _double, 100, [(i,) for i in range(12)], window=3):
        held.append(len(client.futures))  # futures this client holds: the shared value, the 3 in flight, this one
        results.append(result)
    assert sorted(results) == [100 + 2 * i for i in range(12)]
    assert max(held) <= 1 + 3 + 1, held  # all submitted at once would hold 13


def test_a_shipped_file_whose_bytes_do_not_match_its_digest_is_refused(tmp_path):
    from qbank.core.errors import UserError
    from qbank.core.shipped import materialised

    good, bad = b"name: ok\n", b"name: tampered\n"
    digest = hashlib.sha256(good).hexdigest()
    files = [("bank/bank.yaml", digest), ("exam.yaml", hashlib.sha256(bad).hexdigest())]
    with pytest.raises(UserError) as caught:
        materialised(f"test-{tmp_path.name}", files, {digest: bad, hashlib.sha256(bad).hexdigest(): bad})
    assert [str(p) for p in caught.value.problems] == [
        f"bank/bank.yaml: arrived corrupted on the worker (expected sha256:{digest[:16]})"
    ]
    folder = materialised(f"test-ok-{tmp_path.name}", files[1:], {files[1][1]: bad})
    assert (folder / "exam.yaml").read_bytes() == bad
