"""A practice question page before marking does not typeset the worked solution it does not show (on a cold
variant that typesetting was ~90% of the page's server time); the pages stay byte-identical to those rendered
from fully rendered variants, and the marked page shows the same solution the paper's own path renders."""

from __future__ import annotations

from qbank.render import question as render_question
from qbank.render.paper import Job, solve_part
from qbank.serve.catalog import WEB_PAPER
from qbank.serve.pages import Pages
from qbank.spec.exam import Item

from .conftest import DL_BANK, ROOT
from .serve_helpers import client

FORM = {"content-type": "application/x-www-form-urlencoded"}


def test_a_question_page_typesets_no_solution_until_marking(monkeypatch):
    typeset: list[str] = []
    real = render_question._render_markdown

    def recording(question, key, context):
        typeset.append(key)
        return real(question, key, context)

    monkeypatch.setattr(render_question, "_render_markdown", recording)
    _, web = client(DL_BANK)
    assert web.get("/q/transformer/masked-mha/31").status_code == 200
    assert typeset == ["text"]
    assert web.post("/q/transformer/masked-mha/31", content=b"", headers=FORM).status_code == 200
    assert typeset.count("solution") == 1
    _, exam = client(ROOT / "exams" / "cs60010-endsem.yaml")
    typeset.clear()
    assert exam.get("/item/10/31").status_code == 200
    assert "solution" not in typeset and typeset.count("text") == 4


def test_pages_are_byte_identical_to_those_of_fully_rendered_variants():
    catalog, _ = client(DL_BANK)
    pages = Pages(catalog)
    for question_id, entry in catalog.entries.items():
        seed = 4000 + len(question_id)
        lazy = catalog.solve(question_id, seed, solution=False)
        full = solve_part(Job(Item(1, 0, (entry.part,)), entry.part, WEB_PAPER), seed)  # the paper's own path
        assert pages.question(entry, seed, lazy) == pages.question(entry, seed, full), question_id
        marked = catalog.solve(question_id, seed)
        assert marked.rendered == full.rendered, question_id
