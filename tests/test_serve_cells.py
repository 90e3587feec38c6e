"""`qbank serve`: vector and matrix answers typed cell by cell (one labelled input per element or cell, shaped by
the variant), assembled for the grader, marked, shown again as typed; forged cells are refused."""

from __future__ import annotations

import re

from .conftest import ROOT
from .serve_helpers import client

SAMPLE = ROOT / "banks" / "sample"


def cell_inputs(page: str, field: str) -> list[tuple[str, str, str]]:
    """The (name, aria-label, value) of every cell input of one answer on a page."""
    found = re.findall(rf'<input name="({re.escape(field)}\.[0-9.]+)"[^>]*aria-label="([^"]*)" value="([^"]*)"', page)
    return found


def verdict(page: str, label: str) -> str:
    """The verdict line of the answer whose legend or label is `label`."""
    block = next(b for b in page.split('<div class="answer')[1:] if f"<legend>{label} " in b)
    found = re.search(r'<p class="verdict" role="status">(.*?)</p>', block)
    assert found, block
    return re.sub(r"<[^>]+>", "", found.group(1))


def test_a_vector_gets_one_labelled_input_per_element_and_a_matrix_one_per_cell():
    catalog, web = client(SAMPLE)
    probs = catalog.solve("basics/softmax", 4).variant.answers["probs"]
    vector = cell_inputs(web.get("/q/basics/softmax/4").text, "a.probs")
    n = len(probs)
    assert [label for _, label, _ in vector] == [f"Probabilities, element {i} of {n}" for i in range(1, n + 1)]
    matrix = cell_inputs(web.get("/q/basics/matmul/4").text, "a.product")
    assert [label for _, label, _ in matrix] == ["AB, row 1, column 1", "AB, row 1, column 2", "AB, row 2, column 1",
                                                 "AB, row 2, column 2"]  # fmt: skip
    assert 'name="a.product"' not in web.get("/q/basics/matmul/4").text  # no single box for the whole matrix


def test_the_right_matrix_typed_into_cells_is_marked_right_and_shown_as_typed():
    catalog, web = client(SAMPLE)
    key = catalog.solve("basics/matmul", 7).variant.answers["product"]
    form = {f"a.product.{r}.{c}": str(key[r][c]) for r in range(2) for c in range(2)}
    page = web.post("/q/basics/matmul/7", data=form).text
    assert verdict(page, "AB") == "right"
    assert [(name, value) for name, _, value in cell_inputs(page, "a.product")] == list(form.items())


def test_one_wrong_cell_of_a_vector_is_marked_wrong():
    catalog, web = client(SAMPLE)
    probs = catalog.solve("basics/softmax", 9).variant.answers["probs"]
    form = {f"a.probs.{i}": f"{p:.3f}" for i, p in enumerate(probs)}
    assert verdict(web.post("/q/basics/softmax/9", data=form).text, "Probabilities") == "right"
    form["a.probs.1"] = f"{probs[1] + 0.5:.3f}"
    page = web.post("/q/basics/softmax/9", data=form).text
    assert verdict(page, "Probabilities").startswith("wrong")
    assert cell_inputs(page, "a.probs")[1][2] == form["a.probs.1"]


def test_missing_or_empty_cells_are_blank_fill_every_cell_not_an_error():
    catalog, web = client(SAMPLE)
    key = catalog.solve("basics/matmul", 2).variant.answers["product"]
    missing = {"a.product.0.0": str(key[0][0]), "a.product.1.1": str(key[1][1])}
    page = web.post("/q/basics/matmul/2", data=missing)
    assert page.status_code == 200
    assert verdict(page.text, "AB") == "blank: fill every cell: 2 of 4 are empty"
    empty = {**missing, "a.product.0.1": " ", "a.product.1.0": str(key[1][0])}
    assert verdict(web.post("/q/basics/matmul/2", data=empty).text, "AB") == "blank: fill every cell: 1 of 4 is empty"


def test_forged_cell_names_are_refused_with_a_4xx():
    _, web = client(SAMPLE)
    assert web.post("/q/basics/matmul/2", data={"a.product.1.1": "1"}).status_code == 200  # a real cell is taken
    forged = [
        {"a.product.2.0": "1"},
        {"a.product.0": "1"},
        {"a.product.0.0.0": "1"},
        {"a.product.00.1": "1"},
        {"a.product.-1.0": "1"},
        {"a.loss.0": "1"},
        {"a.product.0.0": "1", "a.product": "1, 2; 3, 4"},
    ]
    for form in forged:
        response = web.post("/q/basics/matmul/2" if "a.loss.0" not in form else "/q/basics/softmax/2", data=form)
        assert response.status_code == 400, form
    twice = web.post("/q/basics/matmul/2", content=b"a.product.0.0=1&a.product.0.0=2",
                     headers={"content-type": "application/x-www-form-urlencoded"})  # fmt: skip
    assert twice.status_code == 400 and "given twice" in twice.text
