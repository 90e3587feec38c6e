"""`qbank practice`'s HTML as a static fallback of practice online: margins and a phone view without horizontal
overflow outside equation boxes, each solution behind a closed "Show solution" toggle (`<details>`, no script),
and the PDF still printing every solution in full without the toggles' labels."""

from __future__ import annotations

import re

import pytest

from .browser import headless_chromium
from .classsets import pdf_text
from .conftest import DL_BANK, ROOT

SHOTS = ROOT / "out" / "screenshots"
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def sheet(tmp_path_factory):
    from qbank.cli import main

    out = tmp_path_factory.mktemp("sheet") / "practice"
    assert main(["practice", str(DL_BANK), "--topics", "transformer,cnn", "--count", "4", "--seed", "1",
                 "--out", str(out)]) == 0  # fmt: skip
    return out


def test_each_solution_is_behind_a_closed_toggle_and_the_pdf_prints_them_in_full(sheet):
    html = (sheet / "practice.html").read_text()
    solutions = re.findall(r'<details class="show-solution">\s*<summary>Show solution to (\d+)</summary>\s*'
                           r'<article class="solution">', html)  # fmt: skip
    assert solutions == ["1", "2", "3", "4"]
    assert "<details open" not in html and "<script" not in html
    text = pdf_text(sheet / "practice.pdf")
    assert "Show solution" not in text and text.count("Worked solution") == 4


def test_the_phone_view_has_margins_no_overflow_and_toggles_open(sheet):
    with headless_chromium() as browser:
        page = browser.new_page(viewport={"width": 390, "height": 844})
        page.goto((sheet / "practice.html").as_uri())
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        outside = page.evaluate("""() => [...document.querySelectorAll('body *')].filter(e => {
            const r = e.getBoundingClientRect();
            return r.width > 0 && (r.right > 390.5 || r.left < -0.5) && !e.closest('.math.display, .figure, table');
        }).map(e => e.tagName + '.' + e.className)""")
        assert outside == []
        margin = page.evaluate("document.querySelector('.doc-head').getBoundingClientRect().left")
        assert margin >= 12
        first = page.locator("details.show-solution").first
        assert not first.locator(".worked").is_visible()
        first.locator("summary").focus()
        page.keyboard.press("Enter")
        assert first.locator(".worked").is_visible()
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / "practice-phone.png"), full_page=True)
