"""The static pages a teacher may open on a phone, at 390 px in chromium: `qbank practice`'s options wrap to fewer
columns instead of overflowing their table (option D was cut off with no cue), and the misconception report of
`qbank grade` has margins and tables that fit the screen."""

from __future__ import annotations

import pytest

from qbank.sets.misconception_report import ReportRow
from qbank.sets.report_html import report_html

from .browser import headless_chromium
from .paper_bank import write_paper_bank

pytestmark = pytest.mark.slow
WIDTH = 390
# every element whose content is wider than its box, and every element reaching past the screen's edges
OVERFLOWING = """() => [document.documentElement, ...document.querySelectorAll('body *')].filter(e =>
    e.scrollWidth > e.clientWidth + 0.5 && getComputedStyle(e).display !== 'inline'
    || e.getBoundingClientRect().right > innerWidth + 0.5).map(e => e.tagName + '.' + e.className)"""


def phone_view(path, script: str):
    """Evaluate `script` on the page at `path` in chromium at phone width."""
    with headless_chromium() as browser:
        page = browser.new_page(viewport={"width": WIDTH, "height": 844})
        page.goto(path.as_uri())
        return page.evaluate(script)


def test_practice_options_wrap_to_fewer_columns_on_a_phone(tmp_path):
    from qbank.cli import main

    write_paper_bank(tmp_path)
    out = tmp_path / "practice"
    assert main(["practice", str(tmp_path / "bank"), "--seed", "1", "--out", str(out)]) == 0
    assert 'class="options cols-4"' in (out / "practice.html").read_text()  # four to a line on paper
    found = phone_view(out / "practice.html", f"""() => ({{overflowing: ({OVERFLOWING})(),
        options: [...document.querySelectorAll('td.option')].map(e => e.getBoundingClientRect()),
        tables: [...document.querySelectorAll('table.options')].map(t => [t.scrollWidth, t.clientWidth]),
        lines: [...document.querySelectorAll('table.options.cols-4')].map(t => new Set([...t.querySelectorAll(
            'td.option')].map(e => Math.round(e.getBoundingClientRect().top))).size)}})""")  # fmt: skip
    assert found["overflowing"] == []
    assert found["tables"] and all(width <= client for width, client in found["tables"])
    assert found["options"] and all(box["left"] >= 0 and box["right"] <= WIDTH for box in found["options"])
    assert found["lines"] and set(found["lines"]) == {2}  # four options a line on paper: two lines of two here


def test_the_misconception_report_has_margins_and_fits_a_phone(tmp_path):
    rows = [ReportRow("mech/fall", "time", "choice", "key", "the key's value", True, 2, 5),
            *(ReportRow("mech/fall", "time", "choice", "misconception", f"the value of physics.{name}", False, 1, 5,
                        f"physics.{name}", description)
              for name, description in [("no_sqrt", "forgot the square root"),
                                        ("times_g", "multiplied by g instead of dividing by it")]),
            ReportRow("mech/fall", "time", "choice", "none", "blank or unreadable", False, 5, 5)]  # fmt: skip
    page = tmp_path / "marks-misconceptions.html"
    page.write_bytes(report_html(rows, "midsem"))
    found = phone_view(
        page,
        f"""() => ({{overflowing: ({OVERFLOWING})(),
        margin: document.querySelector('h1').getBoundingClientRect().left,
        tables: [...document.querySelectorAll('table')].map(t => [t.scrollWidth, t.clientWidth])}})""",
    )
    assert found["overflowing"] == []
    assert found["margin"] >= 12
    assert found["tables"] and all(width <= client for width, client in found["tables"])
