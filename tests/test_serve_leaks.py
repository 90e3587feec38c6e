"""No answer reaches the browser before submission: every response of 50 variants (the question page, its script
and style sheet) is searched for every answer of the variant, formatted and raw, as `render/leaks.py` decides what
counts (answers too short to tell apart from prose are left out), and for the worked solution; the same for 50
variants of the deep-learning exam's multi-part questions, each served as one page."""

from __future__ import annotations

import re

from qbank.draw.params import thaw
from qbank.render.leaks import leaked_answers
from qbank.render.text_numbers import svg_text, value_leaves

from .conftest import DL_BANK, ROOT
from .serve_helpers import MC_BANK, client

VARIANTS = 50


ASSETS: dict[str, str] = {}  # the script and style sheet, as first fetched


def responses_before_submission(web, question_id: str, seed: int | None = None) -> list[str]:
    """Every body the browser fetches for one variant before anything is submitted: the page, and its assets only
    when they are not byte-identical for every variant (identical ones cannot encode a variant's answers; their
    style numbers, such as a line height of 1.25, would otherwise pass for answers)."""
    page = web.get(question_id if seed is None else f"/q/{question_id}/{seed}")
    assert page.status_code == 200, page.text
    assets = re.findall(r'(?:src|href)="(/static/[^"]+)"', page.text)
    assert assets
    varying = []
    for asset in assets:
        body = web.get(asset).text
        if ASSETS.setdefault(asset, body) != body:
            varying.append(body)
    return [page.text, *varying]


def raw_forms(value) -> set[str]:
    """An answer's numbers as Python prints them (`32268648`, `0.25`), for numbers of three digits or more."""
    forms = set()
    for leaf in value_leaves(thaw(value)):
        text = format(float(leaf), ".12g")
        if len(re.sub(r"\D", "", text).lstrip("0")) >= 3:
            forms.add(text)
    return forms


def check_no_leak(catalog, web, question_id: str, seed: int) -> None:
    """Fail if any response of the variant shows an answer, the worked solution, or the correct letters marked."""
    solved = catalog.solve(question_id, seed)
    question, variant = solved.part.question, solved.variant
    for body in responses_before_submission(web, question_id, seed):
        text = body + "\n" + svg_text(body)
        # an answer asked as multiple choice is printed among its options, as on the paper: which one is correct
        # must not show (checked below), its value may
        leaks = [leak for leak in leaked_answers(question, variant, text, formatted=solved.formatted)
                 if leak[0] not in solved.choices]  # fmt: skip
        assert not leaks, (question_id, seed, leaks)
        stated = set(re.findall(r"\d[\d.]*", re.sub(r"<[^>]+>", " ", text)))
        for name, spec in question.spec.answers.items():
            if spec.format in ("int", "fixed", "sig", "vector", "matrix") and name not in solved.choices:
                givens = re.sub(r"<[^>]+>", " ", str(solved.rendered.text))
                for form in raw_forms(variant.answers[name]) - set(re.findall(r"\d[\d.]*", givens)):
                    assert form not in stated, (question_id, seed, name, form)
        solution = re.sub(r"<[^>]+>", " ", str(solved.rendered.solution)).split()
        if len(solution) > 12:
            assert " ".join(solution[:12]) not in " ".join(re.sub(r"<[^>]+>", " ", body).split())
        assert "correct" not in body.lower() and 'data-right="' not in body


def test_no_answer_in_any_response_of_50_dl_variants():
    catalog, web = client(DL_BANK)
    ids = sorted(catalog.entries)
    for k in range(VARIANTS):
        check_no_leak(catalog, web, ids[k % len(ids)], 1000 + k)


def test_no_answer_or_correct_option_marked_in_the_choice_banks_pages():
    catalog, web = client(MC_BANK, ask="choice")
    for k in range(VARIANTS):
        check_no_leak(catalog, web, sorted(catalog.entries)[k % 3], k)


def check_item_no_leak(catalog, web, number: int, seed: int) -> None:
    """Fail if any response of a multi-part page shows an answer or worked solution of any of its parts."""
    parts = catalog.solve_item(number, seed)
    givens = set()
    for solved in parts:
        givens |= set(re.findall(r"\d[\d.]*", re.sub(r"<[^>]+>", " ", str(solved.rendered.text))))
    for body in responses_before_submission(web, f"/item/{number}/{seed}"):
        text = body + "\n" + svg_text(body)
        stated = set(re.findall(r"\d[\d.]*", re.sub(r"<[^>]+>", " ", text)))
        plain = " ".join(re.sub(r"<[^>]+>", " ", body).split())
        for solved in parts:
            question, variant = solved.part.question, solved.variant
            # a number another part states as its own given (3(a)'s width of 1,024 is 3(c)'s patch count) is not a leak
            others = " ".join(str(other.rendered.text) + svg_text(str(other.rendered.text)) for other in parts
                              if other is not solved)  # fmt: skip
            leaks = [leak for leak in leaked_answers(question, variant, text, formatted=solved.formatted)
                     if leak[0] not in solved.choices and leak[1] not in others]  # fmt: skip
            assert not leaks, (number, seed, solved.part.label, leaks)
            for name, spec in question.spec.answers.items():
                if spec.format in ("int", "fixed", "sig", "vector", "matrix") and name not in solved.choices:
                    for form in raw_forms(variant.answers[name]) - givens:
                        assert form not in stated, (number, seed, solved.part.label, name, form)
            solution = re.sub(r"<[^>]+>", " ", str(solved.rendered.solution)).split()
            if len(solution) > 12:
                assert " ".join(solution[:12]) not in plain, (number, seed, solved.part.label)
        assert "correct" not in body.lower() and 'data-right="' not in body


def test_no_answer_in_any_response_of_50_multi_part_variants_of_the_dl_exam():
    catalog, web = client(ROOT / "exams" / "cs60010-endsem.yaml")
    numbers = sorted(catalog.multis)
    assert len(numbers) >= 5
    for k in range(VARIANTS):
        check_item_no_leak(catalog, web, numbers[k % len(numbers)], 2000 + k)
