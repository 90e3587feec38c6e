"""A multi-part exam question end to end in headless chromium: opened from the picker as one page, every part
answered and submitted at once, each part marked and every part's solution shown, the seed URL reloaded with the
same numbers; at 1280 px and at 390 px (no horizontal overflow outside equation boxes). Screenshots of the picker,
a multi-part question and its marked attempt at both widths go to out/screenshots/."""

from __future__ import annotations

import re

import pytest

from qbank.serve.app import create_app
from qbank.serve.catalog import load_catalog

from .browser import headless_chromium, running
from .conftest import DL_BANK, ROOT
from .serve_helpers import UNLIMITED

SHOTS = ROOT / "out" / "screenshots"
ENDSEM = ROOT / "exams" / "cs60010-endsem.yaml"
ITEM3 = ("nlm/fixed-window-params", "rnn/bilstm-ner-params", "transformer/bert-head-params")
OVERFLOW = """() => [...document.querySelectorAll('main *')].filter(e => {
    const r = e.getBoundingClientRect();
    return r.right > window.innerWidth + 0.5 && !e.closest('.math.display, .figure, pre, table, .grid-row');
}).map(e => e.tagName + '.' + e.className)"""
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def browser():
    with headless_chromium() as launched:
        yield launched


@pytest.fixture(scope="module")
def exam_url():
    with running(create_app(load_catalog(ENDSEM), UNLIMITED)) as url:
        yield url


def keys(seed: int) -> dict[str, str]:
    """The printed key of every answer of question 3's parts at a seed, by form field (from the bank's questions
    served alone: the same variants)."""
    bank = load_catalog(DL_BANK)
    out = {}
    for label, question_id in zip("abc", ITEM3, strict=True):
        solved = bank.solve(question_id, seed)
        out.update({f"{label}.a.{name}": solved.formatted[name] for name in solved.graded})
    return out


@pytest.mark.parametrize("width", [1280, 390])
def test_a_multi_part_question_answered_and_marked_as_one_page(browser, exam_url, width):
    SHOTS.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(viewport={"width": width, "height": 900})
    context.set_default_timeout(5000)
    page = context.new_page()
    page.goto(exam_url + "/")
    numbered = page.locator(".questions > li").first
    assert numbered.evaluate("e => getComputedStyle(e).listStyleType") == "none"  # its number, not a bullet too
    page.screenshot(path=str(SHOTS / f"exam-picker-{width}.png"), full_page=True)
    with page.expect_navigation():
        page.get_by_role("link", name="Question 3", exact=True).click()
    found = re.search(r"/item/3/(\d+)$", page.url)
    assert found
    seed = int(found.group(1))
    parts = page.locator("section.part")
    assert parts.count() == 3
    assert [parts.nth(k).locator("h2 .qnum").inner_text() for k in range(3)] == ["(a)", "(b)", "(c)"]
    first = page.locator("section.part").first.inner_text()
    page.reload()
    assert page.locator("section.part").first.inner_text() == first
    assert page.evaluate("document.documentElement.scrollWidth") <= width and page.evaluate(OVERFLOW) == []
    page.screenshot(path=str(SHOTS / f"multi-part-{width}.png"), full_page=True)
    typed = keys(seed)
    wrong = "b.a.total"
    for name, key in typed.items():
        page.fill(f"[name='{name}']", "7" if name == wrong else key)
    with page.expect_navigation():
        page.get_by_role("button", name="Check my answers").click()
    verdicts = [parts.nth(k).locator(".verdict strong").all_inner_texts() for k in range(3)]
    assert [len(v) for v in verdicts] == [5, 5, 3]
    assert verdicts[0] == ["right"] * 5 and verdicts[1] == ["right"] * 4 + ["wrong"] and verdicts[2] == ["right"] * 3
    assert page.get_by_role("heading", name="Worked solutions").is_visible()
    assert page.locator(".solution h3").all_inner_texts()[0].startswith("(a)")
    assert page.locator("#score").inner_text().startswith("Score: 0 of 1")
    assert page.evaluate("document.documentElement.scrollWidth") <= width and page.evaluate(OVERFLOW) == []
    page.screenshot(path=str(SHOTS / f"multi-part-marked-{width}.png"), full_page=True)
    context.close()


def test_a_multi_part_question_with_vector_cells_and_a_figure_fits_a_phone(browser, exam_url):
    context = browser.new_context(viewport={"width": 390, "height": 844})
    context.set_default_timeout(5000)
    page = context.new_page()
    page.goto(exam_url + "/item/6/3")
    assert page.locator("section.part").count() == 3 and page.locator("section.part .figure").count() >= 1
    assert page.locator("section.part .grid input").count() >= 2
    assert page.evaluate("document.documentElement.scrollWidth") <= 390 and page.evaluate(OVERFLOW) == []
    page.focus("section.part .grid input")
    with page.expect_navigation():
        page.keyboard.press("Enter")  # keyboard only: Enter in a field submits the whole question
    assert page.locator("section.part").nth(0).locator(".verdict").count() >= 1
    assert page.locator("section.part").nth(1).locator(".verdict").count() >= 1
    context.close()
