"""Workers that differ or go away (`--cluster`): a multi-threaded worker gives the same set; a worker whose
fontconfig renders the same font files differently, or that fails, stops the build at once naming it; a worker's
own copy of the package templates plays no part; no worker, or the last one lost, is a located error."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import zipfile
from collections.abc import Iterator
from pathlib import Path

import distributed  # the `dask` extra (qbank[dask]); `make test` installs it
import pytest

from qbank.cli import main

from .classsets import roster_rows, write_roster
from .conftest import ROOT
from .test_cluster import EXAM, set_files
from .test_lifetime import cleanup, staged, wait_for

# the same font files, slanted, scaled and emboldened when fontconfig prepares them (a worker's FONTCONFIG_FILE)
SKEWED_FONTS = """<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">
<fontconfig>
  <include ignore_missing="no">/etc/fonts/fonts.conf</include>
  <match target="font">
    <edit name="embolden" mode="assign"><bool>true</bool></edit>
    <edit name="matrix" mode="assign"><times><name>matrix</name><matrix><double>1</double><double>0.3</double>
      <double>0</double><double>1</double></matrix></times></edit>
    <edit name="pixelsize" mode="assign"><times><name>pixelsize</name><double>1.3</double></times></edit>
  </match>
</fontconfig>
"""


CLASS_EXAM = ROOT / "exams" / "sample-classset.yaml"
MIXED_SCRIPTS = [{"roll": f"24CS100{i}", "name": name, "section": "AB"[i % 2]}
                 for i, name in enumerate(["Asha Rao", "陈伟", "Émile Zola", "سارة أحمد", "दिव्या अय्यर", "Bilal Khan"],
                                          start=1)]  # fmt: skip


def build_argv(out: Path, roster: Path, address: str, exam: Path = EXAM) -> list[str]:
    """`qbank build` of `exam` for `roster`, seed 7, into `out` on the cluster at `address`."""
    return ["build", str(exam), "--roster", str(roster), "--seed", "7", "--out", str(out), "--cluster", address]


@contextlib.contextmanager
def local_cluster(workers: int, threads: int = 1, **worker_options) -> Iterator[tuple[str, distributed.Client]]:
    """A LocalCluster of `workers` worker processes on loopback and a client of it (the test's own)."""
    with (
        distributed.LocalCluster(n_workers=workers, threads_per_worker=threads, processes=True, host="127.0.0.1",
                                 dashboard_address=None, silence_logs=50, **worker_options) as cluster,
        distributed.Client(cluster, set_as_default=False) as client,
    ):  # fmt: skip
        yield cluster.scheduler_address, client


def start_worker(address: str, folder: Path, *options: str, env: dict | None = None) -> subprocess.Popen:
    """A `dask worker` process (no nanny) for the scheduler at `address`, working in `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    command = [sys.executable, "-m", "distributed.cli.dask_worker", address, "--no-nanny", "--no-dashboard",
               "--local-directory", str(folder), *options]  # fmt: skip
    return subprocess.Popen(command, cwd=folder, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)  # fmt: skip


def reference_set(tmp_path: Path, roster: Path, exam: Path = EXAM) -> dict[str, bytes]:
    """The set of `exam` for `roster` built in this process (`--jobs 1`)."""
    out = tmp_path / "jobs1"
    assert main(["build", str(exam), "--roster", str(roster), "--seed", "7", "--out", str(out), "--jobs", "1"]) == 0
    return set_files(out)


def _count_overlap() -> None:
    """On a worker: count how many papers its threads render at the same time (the most, in `_overlap`)."""
    from qbank.output import class_paper

    real, lock, state = class_paper.made_paper, threading.Lock(), {"now": 0, "most": 0}

    def counted(paper_id, student):
        with lock:
            state["now"] += 1
            state["most"] = max(state["most"], state["now"])
        try:
            return real(paper_id, student)
        finally:
            with lock:
                state["now"] -= 1

    class_paper.made_paper = counted
    class_paper._overlap = state


def _most_overlap() -> int:
    """On a worker: the most papers its threads rendered at the same time."""
    from qbank.output import class_paper

    return class_paper._overlap["most"]


def on_workers(client: distributed.Client, function, **options) -> dict:
    """`client.run(function)` with this module's functions sent by value (the workers cannot import the tests)."""
    import cloudpickle

    cloudpickle.register_pickle_by_value(sys.modules[__name__])
    try:
        return client.run(function, **options)
    finally:
        cloudpickle.unregister_pickle_by_value(sys.modules[__name__])


@pytest.mark.slow
def test_a_worker_with_three_threads_renders_one_paper_at_a_time_and_gives_the_same_set(tmp_path, capsys):
    # concurrent renders in one process drew formulas differently (14 of 30 papers with `dask worker --nthreads 3`)
    roster = write_roster(tmp_path / "students.csv", MIXED_SCRIPTS)
    expected = reference_set(tmp_path, roster, CLASS_EXAM)
    capsys.readouterr()
    with local_cluster(1, threads=3) as (address, client):
        on_workers(client, _count_overlap)
        assert main(build_argv(tmp_path / "set", roster, address, CLASS_EXAM)) == 0
        assert list(on_workers(client, _most_overlap).values()) == [1]
    got = set_files(tmp_path / "set")
    assert sorted(got) == sorted(expected)
    assert [name for name in expected if got[name] != expected[name]] == []
    err = capsys.readouterr().err
    assert f"qbank: 6 papers and keys on the Dask cluster {address} (1 worker)" in err  # once connected
    assert "qbank: key booklet: merging 6 keys" in err.split("papers 6/6")[1]  # a line for the merge, after the papers


@pytest.mark.slow
def test_a_worker_whose_fontconfig_skews_the_same_font_files_is_refused_at_once(tmp_path, capsys):
    config = tmp_path / "fonts.conf"
    config.write_text(SKEWED_FONTS)
    roster = write_roster(tmp_path / "students.csv", roster_rows(8))
    out = tmp_path / "set"
    with local_cluster(1, env={"FONTCONFIG_FILE": str(config)}) as (address, client):
        worker = next(iter(client.scheduler_info()["workers"]))
        assert main(build_argv(out, roster, address)) == 2
    err = capsys.readouterr().err
    assert f"<command line>: --cluster: worker {worker} refuses the task" in err
    assert "font_matches.TeX Gyre Termes regular.embolden: True here,  on the client" in err
    assert "font_matches.TeX Gyre Termes regular.matrix: 1 0.3 0 1 here,  on the client" in err
    assert "fonts.TeX Gyre Termes" not in err  # the files are the same
    assert "papers 1/" not in err and "Traceback" not in err  # stopped at the first refusal
    assert not out.exists() and not staged(tmp_path, "set")


def _broken_renderer() -> None:
    """On a worker: every paper fails with an error that is not a user error."""
    from qbank.output import class_paper

    def broken(paper_id, student):
        raise RuntimeError("the renderer is broken on this worker")

    class_paper.made_paper = broken


@pytest.mark.slow
def test_a_broken_worker_stops_the_build_at_once_naming_it(tmp_path, capsys):
    roster = write_roster(tmp_path / "students.csv", roster_rows(12))
    out = tmp_path / "set"
    with local_cluster(2) as (address, client):
        broken = sorted(client.scheduler_info()["workers"])[0]
        on_workers(client, _broken_renderer, workers=[broken])
        assert main(build_argv(out, roster, address)) == 2
    err = capsys.readouterr().err
    assert f"<command line>: --cluster: worker {broken} failed on paper 24CS10" in err
    assert ": RuntimeError: the renderer is broken on this worker" in err
    assert "papers 12/12" not in err and "Traceback" not in err
    assert not out.exists() and not staged(tmp_path, "set")


@pytest.mark.slow
def test_a_workers_own_package_templates_play_no_part(tmp_path):
    # a worker running from another copy of qbank whose templates/style.css differs (sources the same)
    copy = tmp_path / "other-install"
    shutil.copytree(ROOT / "src", copy / "src", symlinks=True, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(ROOT / "templates", copy / "templates")
    style = copy / "templates" / "style.css"
    style.write_text(style.read_text() + "\nbody { color: #a00000; }\n")
    roster = write_roster(tmp_path / "students.csv", roster_rows(2))
    expected = reference_set(tmp_path, roster)
    env = {**os.environ, "PYTHONPATH": str(copy / "src")}
    with local_cluster(0) as (address, client):
        worker = start_worker(address, tmp_path / "worker", "--nthreads", "1", env=env)
        with cleanup(worker):
            assert wait_for(lambda: client.scheduler_info()["workers"], 60)
            assert main(build_argv(tmp_path / "set", roster, address)) == 0
    got = set_files(tmp_path / "set")
    assert [name for name in expected if got[name] != expected[name]] == []


@pytest.mark.slow
def test_the_last_worker_lost_mid_build_is_a_cluster_error(tmp_path, capsys):
    roster = write_roster(tmp_path / "students.csv", roster_rows(12))
    out = tmp_path / "set"
    result: list[int] = []
    with local_cluster(0) as (address, client):
        worker = start_worker(address, tmp_path / "worker", "--nthreads", "1")
        with cleanup(worker):
            assert wait_for(lambda: client.scheduler_info()["workers"], 60)
            builder = threading.Thread(target=lambda: result.append(main(build_argv(out, roster, address))))
            builder.start()
            assert wait_for(lambda: any(client.processing().values()), 120)
            os.kill(worker.pid, signal.SIGKILL)
            builder.join(300)
    err = capsys.readouterr().err
    assert result == [2], err
    assert "<command line>: --cluster: the cluster lost a task" in err and "Traceback" not in err
    assert not out.exists() and not staged(tmp_path, "set")


@pytest.mark.parametrize("verb", ["build", "check", pytest.param("audit", marks=pytest.mark.slow)])
def test_a_scheduler_without_workers_is_a_cluster_error(verb, tmp_path, capsys, monkeypatch):
    from qbank.output import cluster

    monkeypatch.setattr(cluster, "WORKER_SECONDS", 1)
    roster = write_roster(tmp_path / "students.csv", roster_rows(2))
    out = tmp_path / "set"
    with local_cluster(0) as (address, _):
        if verb == "build":
            argv = build_argv(out, roster, address)
        elif verb == "check":
            argv = ["check", str(ROOT / "banks" / "sample"), "--seeds", "5", "--cluster", address]
        else:
            built = tmp_path / "built"
            assert main(["build", str(EXAM), "--roster", str(roster), "--seed", "7", "--out", str(built)]) == 0
            capsys.readouterr()
            argv = ["audit", str(built), "--cluster", address]
        status = main(argv)
    err = capsys.readouterr().err
    assert status == 2, err
    assert f"<command line>: --cluster: the Dask scheduler at {address} has no worker after 1 s" in err
    assert "on the Dask cluster" not in err  # the papers' line is printed only once connected
    assert "Traceback" not in err and not out.exists()


@pytest.mark.parametrize("value", ["http://127.0.0.1:18786", "inproc://127.0.0.1:1", "tcp://", "tcp://hostonly"])
def test_an_address_of_no_dask_transport_is_refused_when_arguments_are_read(value, capsys):
    assert main(["build", str(EXAM), "--forms", "1", "--seed", "1", "--out", "/nonexistent/x", "--cluster", value]) == 2
    err = capsys.readouterr().err
    assert "<command line>: qbank build: argument --cluster: expected a scheduler address like tcp://" in err
    assert "Exception ignored" not in err and "Traceback" not in err


@pytest.mark.parametrize(
    ("extra", "option", "message"),
    [
        ([], "--cluster", "renders a class set's papers (--roster or --forms)"),
        (["--forms", "2", "--jobs", "2"], "--jobs", "sets the worker processes of this machine; with --cluster"),
    ],
)
def test_cluster_options_that_would_be_ignored_are_errors(extra, option, message, tmp_path, capsys):
    out = tmp_path / "set"
    argv = ["build", str(EXAM), "--seed", "1", "--out", str(out), *extra, "--cluster", "local:1"]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert f"<command line>: {option}: {message}" in err and "on the Dask cluster" not in err
    assert not out.exists()


@pytest.mark.parametrize(
    ("argv", "workers"),
    [
        (["audit", "{tmp}/no-set", "--jobs", "2", "--cluster", "local:1"], "regenerate the papers"),
        (["check", str(ROOT / "banks" / "sample"), "--jobs", "2", "--cluster", "local:1"], "sweep the questions"),
    ],
)
def test_jobs_with_a_cluster_is_an_error_for_audit_and_check(argv, workers, tmp_path, capsys):
    """--jobs would be ignored beside --cluster: the command says so before it reads or starts anything."""
    argv = [arg.replace("{tmp}", str(tmp_path)) for arg in argv]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert "<command line>: --jobs: sets " in err and f"with --cluster the cluster's workers {workers}" in err
    assert "Traceback" not in err and "no-set" not in err  # refused before the set is looked at
    assert list(tmp_path.iterdir()) == []


def test_shipped_folders_of_processes_that_are_gone_are_removed(tmp_path):
    from qbank.core.shipped import remove_stale

    ended = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    gone = int(ended.stdout)
    stale = tmp_path / f"qbank-shipped-{gone}-abc"
    mine = tmp_path / f"qbank-shipped-{os.getpid()}-def"
    unowned = tmp_path / "qbank-shipped-xyz"  # an older folder that names no process: left alone
    for folder in (stale, mine, unowned):
        (folder / "bank").mkdir(parents=True)
    assert remove_stale(tmp_path) == [stale]
    assert not stale.exists() and mine.is_dir() and unowned.is_dir()


def test_a_shipment_is_unpacked_into_a_folder_naming_its_process():
    from qbank.core.shipped import materialised

    folder = materialised(f"test-pid-{os.getpid()}", [], {})
    assert folder.name.startswith(f"qbank-shipped-{os.getpid()}-")


def test_the_fingerprint_covers_how_fontconfig_prepares_the_same_font_files(tmp_path):
    config = tmp_path / "fonts.conf"
    config.write_text(SKEWED_FONTS)
    code = "import json; from qbank.output.fingerprint import fingerprint; print(json.dumps(fingerprint()))"
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    plain, skewed = (
        json.loads(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                                  env={**env, **extra}).stdout)
        for extra in ({}, {"FONTCONFIG_FILE": str(config)})
    )  # fmt: skip
    from qbank.output.fingerprint import differences

    found = differences(plain, skewed)
    assert "font_matches.TeX Gyre Termes bold.embolden: True here,  on the client" in found
    assert "font_matches.Noto Serif CJK SC regular.matrix: 1 0.3 0 1 here,  on the client" in found
    assert any(line.startswith("font_matches.FreeSerif regular.pixelsize: ") for line in found)
    assert not [line for line in found if not line.startswith("font_matches.")]  # same files, same digests


@pytest.mark.slow
def test_a_wheel_carries_the_page_templates_and_renders_from_an_install(tmp_path):
    tree = tmp_path / "tree"
    for name in ("src", "templates"):
        shutil.copytree(ROOT / name, tree / name, symlinks=True, ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, tree / name)
    wheels, target = tmp_path / "wheels", tmp_path / "installed"
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check", "-q"]
    subprocess.run([*pip, "wheel", "--no-deps", "--no-build-isolation", "-w", str(wheels), str(tree)], check=True,
                   cwd=tree)  # fmt: skip
    (wheel,) = wheels.glob("qbank-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
    packaged = {f"qbank/templates/{p.relative_to(ROOT / 'templates').as_posix()}"
                for p in (ROOT / "templates").rglob("*") if p.is_file()}  # fmt: skip
    assert "qbank/templates/style.css" in packaged and packaged <= names, sorted(packaged - names)
    subprocess.run([*pip, "install", "--no-deps", "--no-compile", "--target", str(target), str(wheel)], check=True)
    work = tmp_path / "elsewhere"
    shutil.copytree(ROOT / "exams", work / "exams")
    shutil.copytree(ROOT / "banks", work / "banks")
    env = {**os.environ, "PYTHONPATH": str(target)}
    where = "from qbank.render.question import PACKAGE_TEMPLATES as P; print(P)"
    found = subprocess.run([sys.executable, "-c", where], capture_output=True, text=True, env=env, cwd=work)
    assert Path(found.stdout.strip()) == (target / "qbank" / "templates").resolve(), found.stderr
    built = subprocess.run([sys.executable, "-m", "qbank", "build", "exams/sample.yaml", "--seed", "1", "--out",
                            str(tmp_path / "out")], capture_output=True, text=True, env=env, cwd=work)  # fmt: skip
    assert built.returncode == 0, built.stderr
    assert (tmp_path / "out" / "paper.pdf").read_bytes().startswith(b"%PDF")


def test_an_address_where_no_dask_scheduler_answers_is_a_cluster_error(tmp_path, capsys, monkeypatch):
    from qbank.output import cluster

    monkeypatch.setattr(cluster, "CONNECT_SECONDS", 1)
    roster = write_roster(tmp_path / "students.csv", roster_rows(2))
    out = tmp_path / "set"
    status: list[int] = []
    with socket.socket() as silent:  # accepts connections (the kernel's backlog) and never says a word
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        address = f"tcp://127.0.0.1:{silent.getsockname()[1]}"
        builder = threading.Thread(target=lambda: status.append(main(build_argv(out, roster, address))), daemon=True)
        builder.start()
        builder.join(120)  # Dask's own client waits for the handshake without a bound
    err = capsys.readouterr().err
    assert status == [2], err
    assert f"<command line>: --cluster: cannot reach the Dask scheduler at {address}: no Dask handshake" in err
    assert "Exception ignored" not in err and "Traceback" not in err and not out.exists()
