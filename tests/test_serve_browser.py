"""End to end in headless chromium: pick a topic, answer right, wrong, and with a typed misconception, see the
solution, take a new variant, reload a seed URL, a 390 px phone view without horizontal overflow outside equation
boxes, and a keyboard-only submission. Screenshots go to out/screenshots/ (picker, question, marked, phone)."""

from __future__ import annotations

import re

import pytest

from qbank.serve.app import create_app
from qbank.serve.catalog import load_catalog

from .browser import headless_chromium, running
from .conftest import DL_BANK, ROOT
from .serve_helpers import MC_BANK, UNLIMITED, linear_sizes

SHOTS = ROOT / "out" / "screenshots"
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def browser():
    with headless_chromium() as launched:
        yield launched


@pytest.fixture(scope="module")
def mc_url():
    with running(create_app(load_catalog(MC_BANK), UNLIMITED)) as url:
        yield url


@pytest.fixture(scope="module")
def dl_url():
    with running(create_app(load_catalog(DL_BANK), UNLIMITED)) as url:
        yield url


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1000, "height": 900})
    context.set_default_timeout(5000)
    opened = context.new_page()
    yield opened
    context.close()


def answer_linear(page, total: str) -> None:
    """Fill in the linear-layer question (activation: none) and submit it with the button."""
    page.fill("#a\\.total", total)
    page.locator("label.option", has_text=re.compile(r"\. none$")).locator("input").check()
    with page.expect_navigation():
        page.get_by_role("button", name="Check my answers").click()


def test_pick_a_topic_and_open_a_question(page, dl_url):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.goto(dl_url + "/")
    page.select_option("#topic", "cnn")
    with page.expect_navigation():
        page.get_by_role("button", name="Show").click()
    assert "topic=cnn" in page.url
    titles = page.locator(".questions a").all_inner_texts()
    assert titles and all("cnn" in meta for meta in page.locator(".questions .meta").all_inner_texts())
    page.screenshot(path=str(SHOTS / "picker.png"), full_page=True)
    with page.expect_navigation():
        page.locator(".questions a").first.click()
    assert re.search(r"/q/cnn/[a-z-]+/\d+$", page.url)
    assert page.locator("h1").count() == 1 and page.locator("form.answers input[type=text]").count() >= 1
    page.screenshot(path=str(SHOTS / "question.png"), full_page=True)


def test_answer_right_see_the_solution_and_the_score(page, mc_url):
    page.goto(mc_url + "/q/lin/5")
    inputs, outputs = linear_sizes(page.content())
    answer_linear(page, f"{inputs * outputs + outputs:,}")
    first = page.locator(".answer").first
    assert "right" in first.get_attribute("class")
    assert first.locator(".marking dd").first.inner_text() == str(inputs * outputs + outputs)
    assert page.get_by_role("heading", name="Worked solution").is_visible()
    assert page.locator("#score").inner_text() == "Score: 1 of 1 attempts fully right"


def test_answer_wrong_and_with_a_typed_misconception(page, mc_url):
    page.goto(mc_url + "/q/lin/8")
    inputs, outputs = linear_sizes(page.content())
    answer_linear(page, "3")
    first = page.locator(".answer").first
    assert "wrong" in first.get_attribute("class") and first.locator(".diagnosis").count() == 0
    page.goto(mc_url + "/q/lin/8")
    answer_linear(page, str(inputs * outputs))
    first = page.locator(".answer").first
    assert "wrong" in first.get_attribute("class")
    assert "counted the weights but not the biases" in first.locator(".diagnosis").inner_text()
    page.screenshot(path=str(SHOTS / "marked.png"), full_page=True)


def test_new_variant_and_a_reloaded_seed_url_gives_the_same_numbers(page, mc_url):
    page.goto(mc_url + "/q/lin/11")
    first = linear_sizes(page.content())
    answer_linear(page, "1")
    with page.expect_navigation():
        page.get_by_role("link", name="New variant").click()
    assert re.search(r"/q/lin/\d+$", page.url) and not page.url.endswith("/q/lin/11")
    assert page.get_by_role("button", name="Check my answers").is_visible()
    page.goto(mc_url + "/q/lin/11")
    page.reload()
    assert linear_sizes(page.content()) == first


def test_phone_view_has_no_horizontal_overflow_outside_equation_boxes(browser, dl_url):
    context = browser.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=2)
    phone = context.new_page()
    for question in ("transformer/masked-mha", "cnn/vgg-params", "generative/elbo-derivation"):
        phone.goto(f"{dl_url}/q/{question}/3")
        width = phone.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, (question, width)
        outside = phone.evaluate("""() => [...document.querySelectorAll('main *')].filter(e => {
            const r = e.getBoundingClientRect();
            return r.right > 390.5 && !e.closest('.math.display, .figure, pre, table, .grid-row');
        }).map(e => e.tagName + '.' + e.className)""")
        assert outside == [], (question, outside[:5])
    phone.goto(f"{dl_url}/q/transformer/masked-mha/3")
    phone.screenshot(path=str(SHOTS / "phone.png"), full_page=True)
    context.close()


def test_keyboard_only_submission(page, mc_url):
    page.goto(mc_url + "/q/lin/5")
    inputs, outputs = linear_sizes(page.content())
    for _ in range(20):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "a.total":
            break
    page.keyboard.type(str(inputs * outputs + outputs))
    page.keyboard.press("Tab")  # the first option of the activation
    for _ in range(4):
        label = page.evaluate("document.activeElement.parentElement.textContent.trim()")
        if label.endswith("none"):
            break
        page.keyboard.press("ArrowDown")
    page.keyboard.press("Space")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    verdicts = page.locator(".verdict strong").all_inner_texts()
    assert verdicts == ["right", "right"]


def test_matrix_cells_by_keyboard_only_and_the_grid_fits_a_phone(browser):
    catalog = load_catalog(ROOT / "banks" / "sample")
    key = catalog.solve("basics/matmul", 6).variant.answers["product"]
    with running(create_app(catalog, UNLIMITED)) as url:
        context = browser.new_context(viewport={"width": 390, "height": 844})
        context.set_default_timeout(5000)
        phone = context.new_page()
        phone.goto(f"{url}/q/basics/matmul/6")
        assert phone.evaluate("document.documentElement.scrollWidth") <= 390
        assert phone.evaluate("document.querySelector('.grid').getBoundingClientRect().right") <= 390.5
        for _ in range(20):
            phone.keyboard.press("Tab")
            if phone.evaluate("document.activeElement.name") == "a.product.0.0":
                break
        labels = []
        for value in (key[0][0], key[0][1], key[1][0], key[1][1]):
            labels.append(phone.evaluate("document.activeElement.getAttribute('aria-label')"))
            phone.keyboard.type(str(value))
            phone.keyboard.press("Tab")  # the cells are in reading order: row by row
        assert labels == ["AB, row 1, column 1", "AB, row 1, column 2", "AB, row 2, column 1", "AB, row 2, column 2"]
        phone.focus("input[name='a.product.1.1']")
        with phone.expect_navigation():
            phone.keyboard.press("Enter")
        assert phone.locator(".verdict strong").first.inner_text() == "right"
        assert phone.input_value("input[name='a.product.0.1']") == str(key[0][1])
        context.close()
