"""`qbank serve`: the picker, seeded question pages, and marking on the server by qbank's grader (how the input
was read, the key, the verdict, the misconception a wrong number or a chosen distractor encodes)."""

from __future__ import annotations

import re
from itertools import pairwise

from .serve_helpers import MC_BANK, MC_QUIZ, client, linear_sizes


def test_picker_lists_the_banks_questions_and_filters_by_topic_and_difficulty():
    catalog, web = client()
    page = web.get("/")
    assert page.status_code == 200
    for entry in catalog.entries.values():
        assert f'href="/q/{entry.id}/new"' in page.text
        assert entry.part.question.spec.title in page.text
    hard = web.get("/?difficulty=hard")
    assert hard.status_code == 200 and 'href="/q/' not in hard.text  # the test bank's questions are all medium


def test_an_exam_is_served_by_its_sections():
    _, web = client(MC_QUIZ)
    page = web.get("/").text
    assert "<h2>Multiple choice</h2>" in page
    assert page.index('href="/q/lin/new"') < page.index('href="/q/shift/new"') < page.index('href="/q/norms/new"')


def test_new_redirects_to_a_seeded_variant_and_a_seed_url_gives_the_same_numbers_again():
    _, web = client()
    moved = web.get("/q/lin/new", follow_redirects=False)
    assert moved.status_code == 303
    assert re.fullmatch(r"/q/lin/\d+", moved.headers["location"])
    first, again = web.get("/q/lin/17").text, web.get("/q/lin/17").text
    assert first == again
    assert linear_sizes(first) != linear_sizes(web.get("/q/lin/18").text) or linear_sizes(first) != linear_sizes(
        web.get("/q/lin/19").text
    )


def test_a_right_number_is_marked_right_with_how_it_was_read_and_the_solution_follows():
    _, web = client()
    inputs, outputs = linear_sizes(web.get("/q/lin/5").text)
    total = inputs * outputs + outputs
    marked = web.post("/q/lin/5", data={"a.total": f" {total} ", "a.act": "A"})
    assert marked.status_code == 200
    first = marked.text.split('<div class="answer')[1]
    assert first.startswith(' right"')
    assert f"<dt>Read as</dt><dd>{total}</dd>" in first
    assert "Worked solution" in marked.text and "New variant" in marked.text


def test_a_thousands_separator_is_read_and_shown_as_read():
    _, web = client()
    inputs, outputs = linear_sizes(web.get("/q/lin/5").text)
    marked = web.post("/q/lin/5", data={"a.total": "1,234", "a.act": "A"}).text
    assert "<dt>Read as</dt><dd>1234</dd>" in marked
    assert f"<dt>Key</dt><dd>{inputs * outputs + outputs}</dd>" in marked


def test_a_typed_misconception_is_named_in_words():
    _, web = client()
    inputs, outputs = linear_sizes(web.get("/q/lin/9").text)
    marked = web.post("/q/lin/9", data={"a.total": str(inputs * outputs), "a.act": "A"}).text
    first = marked.split('<div class="answer')[1]
    assert first.startswith(' wrong"')
    assert "counted the weights but not the biases" in first


def test_a_written_choice_is_radio_buttons_and_a_chosen_distractor_names_its_why():
    _, web = client()
    page = web.get("/q/lin/9").text
    relu = re.search(r'<input type="radio" name="a.act" value="([A-C])"> \1\. ReLU', page)
    assert relu, page
    marked = web.post("/q/lin/9", data={"a.total": "", "a.act": relu.group(1)}).text
    second = marked.split('<div class="answer')[2]
    assert second.startswith(' wrong"') and "assumed every layer has one" in second
    assert marked.split('<div class="answer')[1].startswith(' blank"')


def test_a_multi_is_checkboxes_marked_per_option():
    _, web = client()
    page = web.get("/q/norms/4").text
    letters = dict(re.findall(r'<input type="checkbox" name="a.statements" value="([A-D])"> \1\. (It[^<]{0,40})', page))
    assert len(letters) == 4
    right = [letter for letter, text in letters.items() if text.startswith("It normalizes each feature")]
    marked = web.post("/q/norms/4", data={"a.statements": right}).text
    assert "partial" in marked.split('<div class="answer')[1][:20]


def test_a_number_with_misconceptions_is_asked_as_choice_when_the_server_says_so():
    _, web = client(MC_BANK, ask="choice")
    page = web.get("/q/lin/9").text
    assert page.count('name="a.total"') == 4 and 'type="radio" name="a.total"' in page
    inputs, outputs = linear_sizes(page)
    no_bias = re.search(rf'value="([A-D])"> \1\. {inputs * outputs}<', page).group(1)
    marked = web.post("/q/lin/9", data={"a.total": no_bias, "a.act": "A"}).text
    assert "counted the weights but not the biases" in marked.split('<div class="answer')[1]


def test_the_server_writes_nothing(tmp_path):
    import shutil

    bank = tmp_path / "bank"
    shutil.copytree(MC_BANK, bank)
    before = {p: p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()}
    _, web = client(bank)
    web.get("/")
    web.get("/q/lin/3")
    web.post("/q/lin/3", data={"a.total": "7", "a.act": "A"})
    after = {p: p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()}
    assert after == before


def test_a_missing_browser_fails_where_make_test_requires_it_and_skips_elsewhere(monkeypatch):
    import pytest

    from . import browser

    monkeypatch.setattr(browser.shutil, "which", lambda name: None)
    monkeypatch.setenv(browser.REQUIRE, "1")
    with pytest.raises(pytest.fail.Exception, match="QBANK_REQUIRE_BROWSER=1 requires them"):
        browser.chromium_path()
    monkeypatch.delenv(browser.REQUIRE)
    with pytest.raises(pytest.skip.Exception, match="Debian's chromium"):
        browser.chromium_path()


def test_serve_reports_a_bad_bank_or_port_located_and_exits_2(run_cli, tmp_path):
    code, _, err = run_cli("serve", str(tmp_path / "nowhere"))
    assert code == 2 and "nowhere" in err
    code, _, err = run_cli("serve", str(MC_BANK), "--port", "70000")
    assert code == 2 and "a port is 1 to 65535" in err
    code, _, err = run_cli("serve", str(MC_QUIZ), "--ask", "choice")
    assert code == 2 and "<command line>: --ask: an exam's entries say" in err


def test_an_exams_questions_are_listed_in_printed_order_a_multi_part_one_with_its_parts(sample_copy):
    from .conftest import SAMPLE_EXAM

    catalog, web = client(sample_copy / "exams" / SAMPLE_EXAM.name)
    page = web.get("/").text
    labels = re.findall(r'<span class="qnum">(\d+\.|\([a-z]\))</span>', page)
    assert labels == ["1.", "2.", "(a)", "(b)", "3."], labels
    assert 'href="/item/2/new"' in page and [e.id for e in catalog.entries.values()] == [
        "basics/dense-params",
        "basics/compute-scaling",
    ]


def test_scenario_bound_questions_share_their_values_at_one_seed(sample_copy):
    from .scenario_bank import make_scenario_bank

    _, web = client(make_scenario_bank(sample_copy))
    for seed in range(6):
        shown = [re.findall(r"\b(256|512|768)\b", re.sub(r"<[^>]+>", " ", web.get(f"/q/{qid}/{seed}").text))
                 for qid in ("xf/head-dim", "xf/block-params", "xf/ffn-params")]  # fmt: skip
        assert all(shown) and len({values[0] for values in shown}) == 1, shown


def test_every_input_is_labelled_and_headings_are_in_order():
    from .conftest import DL_BANK

    catalog, web = client(DL_BANK)
    for question_id in catalog.entries:
        page = web.get(f"/q/{question_id}/2").text
        for field in re.findall(r'<input id="([^"]+)"', page):
            assert f'<label for="{field}">' in page, (question_id, field)
        for tag in re.findall(r"<input name=[^>]*>", page):  # a vector's or matrix's cells: labelled each
            assert re.search(r'aria-label="[^"]+, (element \d+ of \d+|row \d+, column \d+)"', tag), tag
        assert page.count("<fieldset>") == page.count("<legend>")
        levels = [int(level) for level in re.findall(r"<h([1-6])", page)]
        assert levels[0] == 1 and all(b <= a + 1 for a, b in pairwise(levels)), levels
