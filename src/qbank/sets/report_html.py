"""The misconception report as a short HTML page (and the same page as PDF) an instructor reads in a minute: the
most common mistakes of the class first, then one table per question and answer (every option or mistake, how
many chose it, the share)."""

from __future__ import annotations

import re
import zlib
from collections.abc import Sequence
from html import escape
from pathlib import Path

from qbank.core.errors import Problem, UserError
from qbank.render.markup import inline_math_html
from qbank.sets.misconception_report import ReportRow, most_common

GENERATOR = "qbank grade: misconception report"  # marks a page (and a PDF's Creator) qbank wrote, for --force
FONTS = '"TeX Gyre Heros", "Noto Sans", "FreeSans", "Noto Sans CJK SC", sans-serif'
STYLE = f"""@page{{size:A4;margin:15mm}}body{{font-family:{FONTS};font-size:10pt;max-width:52em;margin:0 auto;
color:#222}}table{{border-collapse:collapse;margin:.4em 0 1.4em}}td,th{{border-bottom:1px solid #ccc;
padding:.2em .6em;text-align:left}}td.n{{text-align:right;white-space:nowrap}}tr.correct td{{color:#1a6b1a}}
tr.top td{{font-weight:bold}}h2{{font-size:1.15em;break-after:avoid}}table{{break-inside:avoid}}
.bar{{display:inline-block;height:.7em;background:#c0392b;margin-right:.3em}}
@media screen{{body{{padding:1rem 1.2rem 3rem}}table{{width:100%}}
td:first-child,td:last-child{{overflow-wrap:anywhere}}}}
@media screen and (max-width:30rem){{td,th{{padding:.2em .3em}}.bar{{font-size:50%;height:1.4em}}}}"""
VIEWPORT = '<meta name="viewport" content="width=device-width, initial-scale=1">'  # a phone lays it out at its width

MATH_PX = 13.33  # formulas in option texts and their `why`: 10pt, the page's size


def _written(text: str) -> str:
    """A written option's text or `why` as the paper and the key print it, $inline$ math typeset (escaped as it is
    when its math cannot be typeset: a manifest edited by hand, graded with --trust-manifest)."""
    try:
        return inline_math_html(text, size_px=MATH_PX)
    except ValueError:
        return escape(text)


def _chosen(r: ReportRow) -> str:
    """What a row counts: a written option's text typeset, else the report's own words."""
    return _written(r.chosen) if r.source == "written" else escape(r.chosen)


def _mistake(r: ReportRow) -> str:
    """The mistake behind a row: the misconception's name and description, or a written option's `why` typeset."""
    if r.misconception:
        return f"{escape(r.misconception)}: {escape(r.mistake)}"
    return _written(r.mistake) if r.source == "written" else escape(r.mistake)


def report_html(rows: Sequence[ReportRow], title: str) -> bytes:
    """The report page (UTF-8, no scripts, no outside resources)."""
    parts = ["<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
             f'<meta name="generator" content="{GENERATOR}">', VIEWPORT,
             f"<title>Misconceptions: {escape(title)}</title>",
             f"<style>{STYLE}</style></head><body>", f"<h1>Misconceptions: {escape(title)}</h1>"]  # fmt: skip
    top = most_common(rows)
    parts.append("<h2>Most common mistakes</h2>")
    if top:
        parts.append("<ol>")
        for r in top:
            what = f"{escape(r.mistake)} ({escape(r.misconception)})" if r.misconception else _mistake(r)
            what = what or f"chose {_chosen(r)}"
            parts.append(f"<li><b>{r.percent:.0f}%</b> ({r.students} of {r.of}) on {escape(r.question)} "
                         f"{escape(r.answer)}: {what}</li>")  # fmt: skip
        parts.append("</ol>")
    else:
        parts.append("<p>No student made a recorded mistake or chose a wrong option.</p>")
    for (question, answer, asked), group in _groups(rows):
        parts.append(f"<h2>{escape(question)} &middot; {escape(answer)} <small>({escape(asked)}, "
                     f"{group[0].of} students)</small></h2>")  # fmt: skip
        parts.append("<table><tr><th>chosen</th><th>correct</th><th>students</th><th>%</th><th>mistake</th></tr>")
        worst = max((r.students for r in group if r.is_mistake), default=0)
        for r in group:
            css = "correct" if r.correct else "top" if r.is_mistake and worst and r.students == worst else ""
            mistake = _mistake(r)
            bar = f'<span class="bar" style="width:{r.percent / 20:.2f}em"></span>' if r.students else ""
            parts.append(f'<tr class="{css}"><td>{_chosen(r)}</td><td>{"yes" if r.correct else "no"}</td>'
                         f'<td class="n">{r.students}</td><td class="n">{bar}{r.percent:.0f}%</td>'
                         f"<td>{mistake}</td></tr>")  # fmt: skip
        parts.append("</table>")
    parts.append("</body></html>")
    return ("\n".join(parts) + "\n").encode("utf-8")


def _groups(rows: Sequence[ReportRow]) -> list[tuple[tuple[str, str, str], list[ReportRow]]]:
    """The rows per (question, answer, asked), in report order."""
    groups: dict[tuple[str, str, str], list[ReportRow]] = {}
    for r in rows:
        groups.setdefault((r.question, r.answer, r.asked), []).append(r)
    return list(groups.items())


def report_pdf(page: bytes, folder: Path) -> bytes:
    """The report page as PDF, through qbank's WeasyPrint path (deterministic, nothing fetched)."""
    from qbank.output.pdf import PdfError, write_pdf  # WeasyPrint: loaded only when a report PDF is made

    try:
        return write_pdf(page.decode("utf-8"), base_dir=folder, allowed_roots=())
    except PdfError as exc:
        raise UserError([Problem("<command line>", 0, "--out", f"cannot make the report PDF: {exc}")]) from None


def page_written_by_qbank(path: Path) -> bool:
    """Whether a file is a misconception report page qbank wrote (its generator mark near the top)."""
    try:
        with open(path, "rb") as handle:
            return f'<meta name="generator" content="{GENERATOR}">'.encode() in handle.read(600)
    except OSError:
        return False


def pdf_written_by_qbank(path: Path) -> bool:
    """Whether a file is a misconception report PDF qbank wrote (a PDF whose Creator is the generator mark)."""
    try:
        data = path.read_bytes()
    except OSError:
        return False
    if not data.startswith(b"%PDF-"):
        return False
    mark = f"/Creator ({GENERATOR})".encode()
    for stream in re.finditer(rb"stream\r?\n(.*?)endstream", data, re.S):
        try:
            if mark in zlib.decompress(stream.group(1)):
                return True
        except zlib.error:
            continue
    return mark in data
