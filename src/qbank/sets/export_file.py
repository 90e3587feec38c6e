"""`qbank export --out FILE`: the export written exactly at FILE, with FILE.manifest.json and FILE.notes.txt beside
it, all or nothing (staged in a temporary folder, then written through the writer)."""

from __future__ import annotations

import hashlib
import json
import shutil
import tempfile
from pathlib import Path

from qbank.core.errors import UserError
from qbank.output.lms.export_set import NOTES, export_file
from qbank.output.outdir import MANIFEST, command_line, out_file_problems
from qbank.output.produce import produce
from qbank.output.recipes import ExportRecipe
from qbank.output.writer import write_files
from qbank.sets.build import BuildResult
from qbank.spec.exam import Exam
from qbank.spec.load import display_name

EXTENSIONS = (".xml", ".zip")


def names_a_file(out: Path) -> bool:
    """Whether `--out` names an export file (ends with .xml or .zip and is not an existing folder)."""
    return Path(out).suffix.lower() in EXTENSIONS and not Path(out).is_dir()


def extension_problems(out: Path, fmt: str) -> list:
    """A file `--out` whose extension is not the format's (moodle writes .xml, qti21 and canvas .zip)."""
    wanted = Path(export_file(fmt)).suffix
    if Path(out).suffix.lower() == wanted:
        return []
    return [command_line("--out", f"{display_name(out)}: a {fmt} export is a {wanted} file; name it "
                         f"{Path(out).stem}{wanted} (or give a folder)")]  # fmt: skip


def sibling_paths(out: Path) -> tuple[Path, Path, Path]:
    """The export file, its manifest (FILE.manifest.json) and its notes (FILE.notes.txt)."""
    out = Path(out)
    return out, out.with_name(f"{out.name}.{MANIFEST}"), out.with_name(f"{out.name}.{NOTES}")


def _sha256(path: Path) -> str | None:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None


def written_export(out: Path) -> bool:
    """Whether FILE, its notes and its manifest are an export qbank wrote: the manifest records FILE and the
    notes with the digests they have."""
    path, manifest, notes = sibling_paths(out)
    try:
        data = json.loads(manifest.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError):
        return False
    files = data.get("files") if isinstance(data, dict) else None
    recipe = data.get("recipe") if isinstance(data, dict) else None
    if not isinstance(files, dict) or not isinstance(recipe, dict) or data.get("kind") != "export":
        return False
    if recipe.get("file") != path.name or files.get(path.name) != _sha256(path):
        return False
    return not notes.exists() or files.get(notes.name) == _sha256(notes)


def export_to_file(recipe: ExportRecipe, out: Path, force: bool, inputs: list[Path], command: list[str],
                   exam: Exam | None) -> tuple[BuildResult, str]:  # fmt: skip
    """Check the three targets, produce the export in a temporary folder and write it at `out` and beside it;
    return what was written and the notes."""
    path, manifest, notes = sibling_paths(out)
    ours = written_export(path) if path.exists() else not (manifest.exists() or notes.exists())
    problems = []
    protected = {Path(p).resolve() for p in inputs}
    for target, kind in ((path, "quiz export"), (manifest, "quiz export manifest"), (notes, "quiz export notes")):
        if any(target.resolve().is_relative_to(p) for p in protected):
            problems.append(command_line("--out", f"{display_name(target)} is an input; write the export elsewhere"))
        else:
            problems.extend(out_file_problems(target, "--out", force, kind, (), lambda _p: ours))
    if problems:
        raise UserError(problems)
    folder = Path(tempfile.mkdtemp(prefix="qbank-export-"))
    try:
        made = produce(recipe, folder / "set", inputs=inputs, command=command, exam=exam, built_in=path.parent)
        staged = {
            path: folder / "set" / path.name,
            notes: folder / "set" / notes.name,
            manifest: folder / "set" / MANIFEST,
        }
        data = {target: source.read_bytes() for target, source in staged.items()}
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    write_files(data)
    digests = {**made.files, manifest.name: made.manifest_sha256}
    written = {target.name: digests[target.name] for target in (path, notes, manifest)}
    return BuildResult(path.parent, written, made.set_sha256), data[notes].decode("utf-8")
