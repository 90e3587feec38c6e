"""Audit a set: regenerate every file and the whole manifest in a temporary folder, compare every field and
every file with the record, and say for each difference why (inputs changed, renderer changed, file or
manifest altered)."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from qbank import __version__
from qbank.audit.compare import (
    Cause,
    Difference,
    describe_differences,
    environment_changes,
    file_papers,
    file_sha,
    font_changes,
    input_changes,
)
from qbank.audit.records import Regenerated, paper_pass
from qbank.audit.relocate import relocated_manifest
from qbank.core.errors import Problem, UserError
from qbank.core.progress import Progress
from qbank.output.booklet_files import is_booklet
from qbank.output.manifest import environment, inputs_record
from qbank.output.manifest_read import StreamedManifest, load_streamed
from qbank.output.recipes import recipe_from_json
from qbank.render.question import PACKAGE_TEMPLATES
from qbank.spec.bank import Bank, load_bank
from qbank.spec.load import display_name

KIND_NAMES = {"exam": "exam set", "class": "class set", "practice": "practice sheet", "export": "LMS export"}


@dataclass
class AuditReport:
    """What an audit found: context lines, and one line per differing file."""

    title: str
    notes: list[str] = field(default_factory=list)
    differences: list[str] = field(default_factory=list)
    checked: int = 0
    digest: str = ""
    inputs_changed: bool = False  # a bank or exam input changed since the build (named in the notes)

    @property
    def identical(self) -> bool:
        """Whether every file, parameter and answer matches the manifest."""
        return not self.differences


def regenerate(manifest: Mapping[str, Any], folder: Path, only: str | None, jobs: int, progress: Progress,
               cluster: str | None = None) -> Path:  # fmt: skip
    """Produce the set (or one paper of a class set) again from the manifest's recipe, in `folder` (a class set's
    papers on the Dask cluster `cluster` when given); return the new manifest's file (read a record at a time)."""
    from qbank.output.produce import produce  # imports WeasyPrint: only an audit that regenerates pays for it

    recipe = recipe_from_json(manifest["kind"], manifest["recipe"])
    made = produce(recipe, folder / "set", jobs=jobs, progress=progress, only=[only] if only else None,
                   cluster=cluster)  # fmt: skip
    return made.out_dir / "manifest.json"


def _bank(manifest: Mapping[str, Any]) -> tuple[Bank | None, list[str]]:
    """The bank as it is now (None if it no longer loads), and its changed modules."""
    try:
        bank = load_bank(Path(manifest["bank"]["path"]))
    except UserError:
        return None, ["the bank no longer loads"]
    old, new = manifest["bank"]["modules"], dict(bank.module_digests)
    changes = [f"bank module {name} changed since the build" for name in sorted(set(old) | set(new))
               if old.get(name) != new.get(name)]  # fmt: skip
    return bank, changes


def _files_inside(loaded: StreamedManifest) -> None:
    """Refuse a set whose recorded files lead out of its folder (through a symbolic link)."""
    root = loaded.root.resolve()
    problems = []
    for name in loaded.data["files"]:
        real = (loaded.root / name).resolve()
        if not real.is_relative_to(root):
            problems.append(loaded.problem(("files", name), f"leads out of the set (a symbolic link to {real})"))
    if problems:
        raise UserError(problems)


def _digest_checks(loaded: StreamedManifest, expect: str | None, report: AuditReport) -> None:
    """Check the recorded set digest against the manifest's content, and against `expect` when given."""
    report.digest = loaded.set_digest()
    recorded = loaded.data.get("set_sha256")
    if recorded is None:
        report.notes.append("this set predates the set digest (its manifest has no set_sha256); the digest of "
                            f"its manifest is sha256:{report.digest}")  # fmt: skip
    elif recorded != report.digest:
        report.differences.append(f"{loaded.name}: set_sha256: recorded sha256:{recorded}, but the manifest's "
                                  f"content has digest sha256:{report.digest} (edited after the build)")  # fmt: skip
    if expect is not None and expect != report.digest:
        report.differences.append(f"set digest: expected sha256:{expect}, but this set's manifest has "
                                  f"sha256:{report.digest} (not the set whose digest you kept)")  # fmt: skip


def _extra_files(loaded: StreamedManifest, regenerated: Regenerated) -> list[str]:
    """One line per file the regeneration wrote that the manifest does not list."""
    names = set(regenerated.head.get("files", {})) - set(loaded.data["files"])
    return [f"{name}: regenerated, but not in the manifest's file list" for name in sorted(names)]


def export_manifest(target: Path) -> Path:
    """The manifest to read for `target`: FILE.manifest.json beside an export written as FILE, else `target`."""
    beside = target.with_name(f"{target.name}.manifest.json")
    return beside if target.is_file() and target.suffix != ".json" and beside.is_file() else target


def audit(target: Path, paper: str | None = None, jobs: int = 1, show_progress: bool = False,
          expect: str | None = None, cluster: str | None = None) -> AuditReport:  # fmt: skip
    """Regenerate a set (or one student's paper) in a temporary folder and compare it with the manifest:
    every field of the manifest, every file, and the set digest (against `expect` too, when given); a class
    set's papers on the Dask cluster `cluster` when given."""
    loaded = load_streamed(export_manifest(Path(target)))
    _files_inside(loaded)
    manifest, moves = relocated_manifest(loaded.data, loaded.root)
    root = loaded.root
    kind = manifest.get("kind")
    paper_ids = loaded.paper_ids
    if paper is not None and (kind != "class" or paper not in paper_ids):
        message = "--paper needs a class set" if kind != "class" else f"no paper {paper!r} in this set"
        raise UserError([Problem("<command line>", 0, "--paper", message)])
    papers_shown = f"{len(paper_ids)} paper{'s' if len(paper_ids) != 1 else ''}"
    report = AuditReport(f"audit of {display_name(root)} ({KIND_NAMES.get(kind, kind)}, {papers_shown}, "
                         f"seed {manifest['seed']})" + (f", paper {paper}" if paper else ""))  # fmt: skip
    env_changes = environment_changes(manifest["environment"], environment())
    templates = [Path(d) for d in manifest["recipe"].get("templates", [])] + [PACKAGE_TEMPLATES]
    code_changes = input_changes(manifest.get("inputs") or {}, inputs_record(templates))
    bank, module_changes = _bank(manifest)
    exam_sha = manifest["exam"]["sha256"] if manifest.get("exam") else None
    exam_changed = exam_sha is not None and file_sha(Path(manifest["recipe"]["exam"])) != exam_sha
    report.notes.extend(moves)
    if isinstance(manifest.get("built_in"), str) and Path(manifest["built_in"]) != root.resolve():
        report.notes.append(f"the set was built in {manifest['built_in']}; it is now in {root.resolve()}")
    if manifest["qbank_version"] != __version__:
        report.notes.append(f"qbank version {manifest['qbank_version']} → {__version__}")
    _digest_checks(loaded, expect, report)
    for line in env_changes:
        report.notes.append(f"rendering environment changed: {line}")
    report.notes.extend(code_changes + module_changes + (["the exam file changed since the build"] * exam_changed))
    wanted = [paper] if paper else paper_ids
    files = dict(manifest["files"])  # every recorded file, even one no paper of the set accounts for
    if paper:
        files = {n: d for n, d in files.items() if file_papers(n, paper_ids) == [paper] and not is_booklet(n)}
    folder = Path(tempfile.mkdtemp(prefix="qbank-audit-"))
    bar = Progress(len(wanted), "papers", enabled=show_progress and kind == "class")
    try:
        try:
            regenerated = Regenerated(regenerate(manifest, folder, paper, jobs, bar, cluster))
        except UserError as exc:
            if any(p.file == "<command line>" for p in exc.problems):  # --cluster: no fact about the set
                raise
            report.differences.append("cannot regenerate the set: " + "; ".join(str(p) for p in exc.problems[:5]))
            regenerated = None
        found = paper_pass(loaded, regenerated, set(wanted) if paper else None, bank)
        if regenerated is not None:
            report.differences.extend(found.field_lines() + _extra_files(loaded, regenerated))
            fonts = font_changes(
                manifest["environment"].get("fonts"),
                (regenerated.head.get("environment") or {}).get("fonts"),
                used_only=bool(paper),
            )
            report.notes.extend(f"rendering environment changed: {line}" for line in fonts)
    finally:
        bar.close()
        shutil.rmtree(folder, ignore_errors=True)
    new_files = regenerated.head.get("files", {}) if regenerated is not None else {}
    context = Context(diffs=found.diffs, causes=found.causes, questions=found.questions,
                      other=module_changes + (["the exam file changed since the build"] if exam_changed else []),
                      environment=env_changes, code=code_changes)  # fmt: skip
    input_notes = _question_input_notes(context.causes)
    report.notes.extend(input_notes)
    report.inputs_changed = bool(input_notes or module_changes or exam_changed)
    for name, recorded in sorted(files.items()):
        report.checked += 1
        line = explain(name, recorded, file_sha(root / name), new_files.get(name),
                       file_papers(name, wanted), context)  # fmt: skip
        if line:
            report.differences.append(f"{name}: {line}")
    if not paper and not manifest["recipe"].get("file"):  # an export written as a file shares its folder
        extra = sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())
        for name in extra:
            if name not in manifest["files"] and name != "manifest.json":
                report.differences.append(f"{name}: not in the manifest (added after the build)")
    return report


def _question_input_notes(causes: Mapping[str, list[Cause]]) -> list[str]:
    """One note per changed question spec or solver (a question's repeats share theirs), in a stable order."""
    return sorted({sentence for found in causes.values() for kind, sentence in found if kind in ("spec", "solver")})


@dataclass(frozen=True)
class Context:
    """What the audit learned before comparing files: per-paper differences and what changed since the build."""

    diffs: Mapping[str, list[Difference]]
    causes: Mapping[str, list[Cause]]
    questions: Mapping[str, Sequence[str]]
    other: list[str]
    environment: list[str]
    code: list[str]


def explain(name: str, recorded: str, on_disk: str | None, again: str | None, papers: list[str],
            context: Context) -> str | None:  # fmt: skip
    """Why one file differs (None when the file on disk, the record and the regeneration agree)."""
    if on_disk == recorded == again:
        return None
    if again == recorded:
        if on_disk is None:
            return "missing (deleted after the build; regenerating gives the recorded file)"
        return (f"altered after the build: on disk sha256:{on_disk[:16]}, recorded sha256:{recorded[:16]}; "
                "regenerating gives the recorded file")  # fmt: skip
    student_paper = name.startswith("papers/")  # a student's paper prints no answers
    every = [d for p in papers for d in context.diffs.get(p, [])]
    diffs = [d for d in every if not (student_paper and d[1] == "answers")]
    reasons = describe_differences(diffs, len(papers), context.causes)
    mentioned = {d[0] for d in every}
    edits = sorted({c for p in papers for q in context.questions.get(p, []) if q not in mentioned
                    for kind, c in context.causes.get(q, []) if not (student_paper and kind == "solver")})  # fmt: skip
    if edits:
        reasons.append("same parameters and answers, but " + "; ".join(edits))
    if not reasons:
        if context.other:
            reasons.append("; ".join(context.other))
        if context.environment:
            reasons.append("same parameters and answers; only the rendering environment changed ("
                           + ", ".join(context.environment) + ")")  # fmt: skip
        if context.code:
            reasons.append("same parameters and answers; " + ", ".join(context.code))
        if not reasons:
            reasons.append("differs with the same parameters, answers, inputs and environment (unexplained)")
    if again is None:
        reasons.insert(0, "not regenerated")
    if on_disk != recorded:
        reasons.append("and the file on disk does not match the record either (altered after the build?)")
    return "; ".join(reasons)


def print_report(report: AuditReport, echo: Callable[[str], None] = print) -> None:
    """Print an audit report: context, each difference, and the verdict."""
    echo(report.title)
    for note in report.notes:
        echo(f"  note: {note}")
    if report.digest:
        echo(f"  set digest sha256:{report.digest}" if report.identical else f"  digest of this manifest (as found) "
             f"sha256:{report.digest}: not a verified set digest, the set differs (below)")  # fmt: skip
    for line in report.differences:
        echo(f"DIFFERS {line}")
    if report.identical and report.inputs_changed:
        echo(
            f"identical: {report.checked} files; every file digest and every recorded parameter and answer "
            "match the regenerated set (the inputs noted above changed since the build; what they make did not)"
        )
    elif report.identical:
        echo(f"identical: {report.checked} files; every field of the manifest and every file digest match the "
             "regenerated set")  # fmt: skip
    else:
        echo(f"{len(report.differences)} difference(s) in {report.checked} files")
