"""`qbank serve` of an exam: a multi-part question (printed 3(a), 3(b), ...) is one page at `/item/<number>/<seed>`
with every part's text, marks and inputs in order, scenario-bound parts sharing their drawn values, one submit
marking every part and the worked solutions of all parts after marking; old `/q/<part id>/<seed>` links lead to
it with the same numbers; and an unexpected failure is a plain 500 page, logged as one line."""

from __future__ import annotations

import re
from itertools import pairwise

from .conftest import DL_BANK, ROOT
from .serve_helpers import client

ENDSEM = ROOT / "exams" / "cs60010-endsem.yaml"
ITEM3 = ("nlm/fixed-window-params", "rnn/bilstm-ner-params", "transformer/bert-head-params")  # printed 3(a)-(c)
SCENARIO_PARTS = """
  - title: One model, three parts
    questions:
      - scenario: model
        parts:
          - {id: xf/head-dim}
          - {id: xf/block-params}
          - {id: xf/ffn-params}
"""


def part_sections(page: str) -> list[str]:
    """The HTML of each part of a multi-part page, in page order."""
    return re.findall(r'<section class="part".*?</section>', page, flags=re.S)


def plain(html: str) -> str:
    """Text without tags or whitespace runs."""
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def question_text(page: str) -> str:
    """The question text (and figure) of a single question's page, as plain text."""
    found = re.search(r'<section class="question" aria-label="Question">(.*?)</section>', page, flags=re.S)
    assert found, page
    return plain(found.group(1))


def test_the_picker_lists_a_multi_part_question_once_with_its_parts():
    _, web = client(ENDSEM)
    page = web.get("/").text
    assert page.count('href="/item/3/new"') == 1
    for question_id in ITEM3:
        assert f'href="/q/{question_id}/new"' not in page
    listed = re.search(r'<li class="multi"><span class="qnum">3\.</span>.*?</ul></li>', page, flags=re.S).group(0)
    assert [label for label in re.findall(r"\(([a-z])\)", listed)] == ["a", "b", "c"]
    assert 'href="/q/cnn/vgg-params/new"' in page  # a single question keeps its own page


def test_a_multi_part_question_is_one_page_with_its_parts_in_order():
    catalog, web = client(ENDSEM)
    page = web.get("/item/3/5")
    assert page.status_code == 200
    parts = part_sections(page.text)
    assert len(parts) == 3 and page.text.count("<form") == 1 and page.text.count('type="submit"') == 1
    titles = [catalog.bank.questions[qid].spec.title for qid in ITEM3]
    for label, section, title, marks in zip("abc", parts, titles, ("[2.5 marks]", "[4.5 marks]", "[2 marks]"),
                                           strict=True):  # fmt: skip
        assert f"({label})" in section and title in section and marks in section
        assert re.findall(r'name="([^"]+)"', section) and all(
            name.startswith(f"{label}.a.") for name in re.findall(r'name="([^"]+)"', section)
        )
    assert "[9 marks]" in page.text.split("</h1>")[0]
    assert "Worked solution" not in page.text


def test_each_part_shows_the_numbers_its_own_question_page_shows_and_a_reload_gives_them_again():
    _, web = client(ENDSEM)
    _, bank = client(DL_BANK)
    page = web.get("/item/3/5").text
    assert page == web.get("/item/3/5").text
    for section, question_id in zip(part_sections(page), ITEM3, strict=True):
        alone = question_text(bank.get(f"/q/{question_id}/5").text)
        assert alone and alone in plain(section)
    assert part_sections(page)[0] != part_sections(web.get("/item/3/6").text)[0]


def test_an_old_link_to_a_part_leads_to_its_whole_question_at_the_same_seed():
    _, web = client(ENDSEM)
    moved = web.get("/q/rnn/bilstm-ner-params/5", follow_redirects=False)
    assert moved.status_code == 303 and moved.headers["location"] == "/item/3/5"
    assert web.get("/q/rnn/bilstm-ner-params/new", follow_redirects=False).headers["location"] == "/item/3/new"
    fresh = web.get("/item/3/new", follow_redirects=False)
    assert fresh.status_code == 303 and re.fullmatch(r"/item/3/\d+", fresh.headers["location"])
    single = web.get("/q/cnn/vgg-params/5")
    assert single.status_code == 200 and "<h1>" in single.text and 'class="part"' not in single.text


def keys(question_id: str, seed: int) -> dict[str, str]:
    """The printed key of every answer of a question at a seed, from the bank's own server (a single question)."""
    catalog, _ = client(DL_BANK)
    solved = catalog.solve(question_id, seed)
    return {name: solved.formatted[name] for name in solved.graded}


def test_one_submit_marks_every_part_then_every_parts_solution_follows():
    _, web = client(ENDSEM)
    form = {f"{label}.a.{name}": key for label, question_id in zip("abc", ITEM3, strict=True)
            for name, key in keys(question_id, 5).items()}  # fmt: skip
    form["b.a.total"] = "1"  # one wrong answer, in part (b)
    marked = web.post("/item/3/5", data=form)
    assert marked.status_code == 200
    parts = part_sections(marked.text)
    verdicts = [re.findall(r'<div class="answer (\w+)"', section) for section in parts]
    assert [len(v) for v in verdicts] == [5, 5, 3]
    assert verdicts[0] == ["right"] * 5 and verdicts[2] == ["right"] * 3
    assert verdicts[1] == ["right"] * 4 + ["wrong"]
    assert "Part (b): 4 of 5 right." in parts[1] and "12 of 13 right." in marked.text
    solutions = marked.text.split('<h2 id="solution-heading">Worked solutions</h2>')[1]
    assert [label for label in re.findall(r'<h3><span class="qnum">\(([a-z])\)', solutions)] == ["a", "b", "c"]
    assert 'href="/item/3/5">Try this variant again' in marked.text and "New variant" in marked.text


def test_a_field_of_no_part_or_of_a_single_page_is_refused_with_a_message():
    _, web = client(ENDSEM)
    for form in ({"a.total": "5"}, {"d.a.total": "5"}, {"a.a.nope": "5"}, {"b.a.total": ["1", "2"]}):
        refused = web.post("/item/3/5", data=form)
        assert refused.status_code == 400 and 'class="error"' in refused.text, form


def test_scenario_bound_parts_share_the_drawn_values(sample_copy):
    from .scenario_bank import make_scenario_bank

    exam = make_scenario_bank(sample_copy)
    exam.write_text(exam.read_text() + SCENARIO_PARTS)
    catalog, web = client(exam)
    number = max(catalog.multis)
    widths = set()
    for seed in range(8):
        page = web.get(f"/item/{number}/{seed}").text
        shown = [re.findall(r"\b(256|512|768)\b", plain(section)) for section in part_sections(page)]
        assert len(shown) == 3 and all(shown) and len({values[0] for values in shown}) == 1, (seed, shown)
        widths.add(shown[0][0])
        assert page == web.get(f"/item/{number}/{seed}").text
    assert len(widths) > 1


def test_every_input_of_every_multi_part_page_is_labelled_and_headings_are_in_order():
    catalog, web = client(ENDSEM)
    for number in catalog.multis:
        for marked in (False, True):
            page = (web.post(f"/item/{number}/2", data={}) if marked else web.get(f"/item/{number}/2")).text
            for field in re.findall(r'<input id="([^"]+)"', page):
                assert f'<label for="{field}">' in page, (number, field)
            for tag in re.findall(r"<input name=[^>]*>", page):
                assert re.search(r'aria-label="[^"]+, (element \d+ of \d+|row \d+, column \d+)"', tag), tag
            levels = [int(level) for level in re.findall(r"<h([1-6])", page)]
            assert levels[0] == 1 and all(b <= a + 1 for a, b in pairwise(levels)), (number, levels)


def test_an_unexpected_failure_is_a_plain_500_page_logged_in_one_line(monkeypatch, capsys):
    from qbank.serve.catalog import Catalog

    def broken(self, question_id, seed, solution=True):
        raise RuntimeError("solver exploded\nwith /secret/path in its message")

    _, web = client()
    monkeypatch.setattr(Catalog, "solve", broken)
    capsys.readouterr()
    failed = web.get("/q/lin/3")
    assert failed.status_code == 500
    assert "something went wrong on the server; the problem was logged" in failed.text
    assert "Traceback" not in failed.text and "exploded" not in failed.text and "/secret" not in failed.text
    assert "RuntimeError" not in failed.text
    assert failed.headers["content-security-policy"].startswith("default-src 'none'")
    assert failed.headers["x-content-type-options"] == "nosniff"
    err = capsys.readouterr().err
    lines = err.splitlines()
    assert len(lines) == 1 and lines[0].startswith("qbank serve: 500 on GET /q/lin/3: RuntimeError"), err
    assert web.get("/").status_code == 200  # the server keeps serving


def test_as_a_student_reads_them_an_exact_key_is_accepted_exactly_and_the_score_comes_first():
    _, bank = client(DL_BANK)
    marked = bank.post("/q/rnn/bilstm-ner-params/5", data={"a.n_tags": "1"}).text
    assert re.search(r"<dt>Accepted</dt><dd>exactly \d+</dd>", marked) and "<dd>[" not in marked
    catalog, web = client(ENDSEM)
    assert catalog.title == "CS60010 Deep Learning · End Semester" and "<h1>Practice: CS60010" in web.get("/").text
    page = web.post("/item/3/5", data={"b.a.n_tags": "1"}).text
    summary = re.search(r'<p class="result summary">([^\n]*)</p>', page)
    assert summary and page.index(summary.group(0)) < page.index('<section class="part"')
    assert plain(summary.group(1)).startswith("0 of 13 answers right (part (a): 0 of 5, (b): 0 of 5, (c): 0 of 3)")


def test_a_multi_part_form_is_bounded_per_part():
    import pytest

    from qbank.serve.guard import MAX_BODY, MAX_FIELDS, Refused, read_form

    many = "&".join(f"f{k}=1" for k in range(MAX_FIELDS + 10)).encode()
    kind = "application/x-www-form-urlencoded"
    assert len(read_form(many, kind, parts=2)) == MAX_FIELDS + 10
    with pytest.raises(Refused):
        read_form(many, kind)
    _, web = client(ENDSEM)
    form = {"content-type": kind}
    padded = b"a.a.total=1&" + b"b.a.total=" + b"1" * (MAX_BODY + 10)  # over one part's bound, within three parts'
    assert web.post("/item/3/5", content=padded, headers=form).status_code == 413  # its field is too long
    assert "longer than" in web.post("/item/3/5", content=padded, headers=form).text
    huge = b"a.a.total=" + b"1" * (3 * MAX_BODY)
    assert "larger than 49152 bytes" in web.post("/item/3/5", content=huge, headers=form).text
