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


def read_as(page: str, label: str) -> str:
    """The "Read as" line of the answer whose legend is `label` ('' when there is none)."""
    block = next(b for b in page.split('<div class="answer')[1:] if f"<legend>{label} " in b)
    found = re.search(r"<dt>Read as</dt><dd>(.*?)</dd>", block)
    return found.group(1) if found else ""


def test_each_vector_cell_is_read_alone_a_comma_in_a_cell_is_unreadable_not_two_elements():
    catalog, web = client(SAMPLE)
    probs = catalog.solve("basics/softmax", 3).variant.answers["probs"]
    form = {f"a.probs.{i}": f"{p:.3f}" for i, p in enumerate(probs)}
    form["a.probs.0"] = "21,3"
    page = web.post("/q/basics/softmax/3", data=form).text
    assert verdict(page, "Probabilities") == (
        "unreadable: cannot read element 1 &#39;21,3&#39;: a comma inside a number: use a decimal point: 21.3"
    )
    assert "elements, the key has" not in page
    form["a.probs.0"] = f"{probs[0]:.3f} {probs[1]:.3f}"  # two numbers in one cell
    page = web.post("/q/basics/softmax/3", data=form).text
    assert verdict(page, "Probabilities").startswith("unreadable: cannot read element 1 ")
    assert verdict(page, "Probabilities").endswith("one number per cell: type each element in its own cell")
    form["a.probs.0"] = "0.1; 0.2"
    assert verdict(web.post("/q/basics/softmax/3", data=form).text, "Probabilities").endswith(
        "one number per cell: type each element in its own cell"
    )


def test_the_read_as_line_shows_the_vector_built_from_the_cells():
    catalog, web = client(SAMPLE)
    n = len(catalog.solve("basics/softmax", 3).variant.answers["probs"])
    typed = ["21.3", "14.91", "−2", "1 000"][:n] + ["0.5"] * (n - 4)
    page = web.post("/q/basics/softmax/3", data={f"a.probs.{i}": t for i, t in enumerate(typed)}).text
    expected = ["21.3", "14.91", "-2", "1000"][:n] + ["0.5"] * (n - 4)
    assert read_as(page, "Probabilities") == "[" + ", ".join(expected) + "]"
    assert verdict(page, "Probabilities").startswith("wrong")


def test_a_matrix_cell_with_a_comma_names_its_row_and_column():
    catalog, web = client(SAMPLE)
    key = catalog.solve("basics/matmul", 5).variant.answers["product"]
    form = {f"a.product.{r}.{c}": str(key[r][c]) for r in range(2) for c in range(2)}
    form["a.product.1.0"] = "4,5"
    assert verdict(web.post("/q/basics/matmul/5", data=form).text, "AB") == (
        "unreadable: cannot read row 2, column 1 &#39;4,5&#39;: a comma inside a number: use a decimal point: 4.5"
    )


def test_a_cell_may_carry_the_answers_unit_and_a_wrong_unit_is_said_to_the_student(tmp_path):
    (tmp_path / "questions").mkdir()
    (tmp_path / "bank.yaml").write_text("name: units\ntitle: Units\nmodules: [solvers.py]\n", encoding="utf-8")
    (tmp_path / "solvers.py").write_text(
        'from qbank.registry import Solution, solver\n\n\n@solver("vel.split")\ndef split(p):\n'
        '    """Velocity components."""\n    return Solution(answers={"vel": [p["v"], 2.5]})\n',
        encoding="utf-8",
    )
    (tmp_path / "questions" / "vel.yaml").write_text(
        "id: vel\ntitle: Velocity\nmarks: 1\nsolver: vel.split\nparams:\n  v: {type: float, min: 1.0, max: 2.0, "
        "decimals: 1}\ntext: Split {{ v }}.\nanswers:\n  vel: {label: Velocity, format: vector, decimals: 1, "
        "unit: m/s}\n",
        encoding="utf-8",
    )
    catalog, web = client(tmp_path)
    v = catalog.solve("vel", 1).variant.answers["vel"][0]
    page = web.post("/q/vel/1", data={"a.vel.0": f"{v} m/s", "a.vel.1": "2.5"}).text
    assert verdict(page, "Velocity") == "right"
    page = web.post("/q/vel/1", data={"a.vel.0": f"{v} km", "a.vel.1": "2.5"}).text
    assert verdict(page, "Velocity") == (
        f"unreadable: cannot read element 1 &#39;{v} km&#39;: &#39;km&#39; is not the answer&#39;s unit m/s"
    )
