"""`qbank grade`: mark each student's responses against their own paper's answers; list every cell it cannot
read."""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

SPEEDUPS = False  # draws nothing and renders only the short misconception report: no speed-up is installed
HELP = (
    "grade a responses CSV against each student's own answers (declared tolerances, option letters); write "
    "marks.csv, its detail and, for choices and misconceptions, a misconception report"
)
EXAMPLES = """example:
  qbank grade sets/class7 responses.csv
  qbank grade sets/class7/manifest.json responses.csv --out sets/class7-marks.csv --force
  qbank grade sets/class7 antworten.csv --decimal-comma
The responses CSV is shaped like the set's answers.csv: a roll (or form) column, one column per answer;
answers asked as multiple choice take the option letters (B, (b), "B, D" for select-all-that-apply).
Exit status: 0 every cell read, 1 marks written but some cells could not be read or a wrong number like
3,355 would be right with the other decimal mark (listed), 2 errors."""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Arguments of `qbank grade`."""
    parser.add_argument("manifest", type=Path, help="a set folder or its manifest.json")
    parser.add_argument("responses", type=Path, help="responses CSV (columns as in answers.csv)")
    parser.add_argument("--out", type=Path, default=None, help="marks CSV to write (default: marks.csv beside it)")
    parser.add_argument(
        "--detail", type=Path, default=None, help="grading detail CSV to write (default: MARKS-detail.csv beside it)"
    )
    parser.add_argument(
        "--decimal-comma", action="store_true", help="responses use a decimal comma (0,25) and '.' between thousands"
    )
    parser.add_argument("--no-bom", action="store_true", help="write the CSV files without the UTF-8 byte-order mark")
    parser.add_argument("--force", action="store_true", help="replace existing marks, detail and report files")
    parser.add_argument("--trust-manifest", action="store_true",
                        help="grade from the manifest's keys as recorded, without regenerating them to verify it "
                        "(faster; the output says so)")  # fmt: skip


def run(args: argparse.Namespace, command: list[str]) -> int:
    """Grade, write the marks and detail files, print one line per student and every unreadable cell."""
    from qbank.audit.verify import load_for_grading
    from qbank.core.errors import Problem
    from qbank.output.single_files import GradeFile, csv_kind, marks_file, write_marks
    from qbank.sets.grade import absent_note, absent_papers, grade, grading_detail, marks_csv
    from qbank.sets.misconception_report import REPORT_COLUMNS, report_csv, report_rows
    from qbank.sets.report_html import page_written_by_qbank, pdf_written_by_qbank, report_html, report_pdf
    from qbank.sets.verdicts import DETAIL_COLUMNS, LEGACY_DETAIL_COLUMNS
    from qbank.spec.roster import read_table

    manifest, folder, keys_from = load_for_grading(args.manifest, trust=args.trust_manifest)
    table = read_table(args.responses, "responses file", vectors=True)
    graded = grade(manifest, table, args.decimal_comma)
    out = args.out or args.responses.with_name("marks.csv")
    detail = args.detail or out.with_name(f"{out.stem}-detail.csv")
    bom = not args.no_bom
    listed = manifest.get("files") if isinstance(manifest.get("files"), dict) else {}
    inputs = [args.responses, folder / "manifest.json", *(folder / str(name) for name in listed)]
    absent = absent_papers(manifest, graded)
    files = [marks_file(out, marks_csv(manifest, graded, table, bom, absent)),
             GradeFile(detail, grading_detail(graded, bom), "--detail", "grading detail",
                       csv_kind(DETAIL_COLUMNS, *LEGACY_DETAIL_COLUMNS))]  # fmt: skip
    rows = report_rows(manifest, graded)
    report = out.with_name(f"{out.stem}-misconceptions.csv")
    if rows:  # only a set with answers asked as choice or with recorded misconceptions has a report
        title = Path(str((manifest.get("exam") or {}).get("file") or folder.name)).stem
        page = report_html(rows, title)
        files += [
            GradeFile(report, report_csv(rows, bom), "--out", "misconception report", csv_kind(REPORT_COLUMNS)),
            GradeFile(report.with_suffix(".html"), page, "--out", "misconception report page", page_written_by_qbank),
            GradeFile(report.with_suffix(".pdf"), report_pdf(page, folder), "--out", "misconception report PDF",
                      pdf_written_by_qbank),
        ]  # fmt: skip
    write_marks(files, args.force, inputs)
    whos = [" ".join(v for v in (g.identity.get("roll") or g.identity.get("form"), g.identity.get("name")) if v)
            or g.paper_id for g in graded]  # fmt: skip
    counts = Counter(whos)
    for g, who in zip(graded, whos, strict=True):
        if counts[who] > 1:  # several students wrote one form: tell them apart by their line
            who = f"{who} (line {g.line})"
        unread = f"; {len(g.unreadable())} unreadable" if g.unreadable() else ""
        print(f"{who}: {g.total:g} of {g.auto_max:g} auto-graded marks (paper total {g.paper_max:g})"
              f"{unread}")  # fmt: skip
    print(f"{out}: {len(graded) + len(absent)} rows" + (f" ({len(absent)} absent)" if absent else ""))
    print(f"{detail}: {sum(len(g.cells) for g in graded)} graded answers")
    if rows:
        made = sum(r.students for r in rows if r.is_mistake)
        print(f"{report} (.html, .pdf): {made} mistake{'s' if made != 1 else ''} named, most common first")
    if keys_from:
        print(keys_from)
    unreadable = [cell for g in graded for cell in g.unreadable()]
    noted = [cell for g in graded for cell in g.noted()]
    for cell in (cell for g in graded for _, _, cell in g.cells if cell.verdict == "unreadable" or cell.note):
        print(Problem(table.file, cell.line, cell.column, cell.note or cell.reason), file=sys.stderr)
    if unreadable:
        count = len(unreadable)
        print(f"qbank: {count} unreadable cell{'s' if count != 1 else ''} scored 0 (listed above and in {detail})",
              file=sys.stderr)  # fmt: skip
    if noted:
        count = len(noted)
        print(f"qbank: {count} number{'s' if count != 1 else ''} read with a thousands separator scored 0 but "
              f"would be right with the other decimal mark (listed above and in the note column of {detail})",
              file=sys.stderr)  # fmt: skip
    if absent:
        print(absent_note(absent, len(manifest["papers"])), file=sys.stderr)
    return 1 if unreadable or noted else 0
