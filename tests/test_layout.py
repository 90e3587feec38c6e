"""Exam structure per paper: pools, shuffled sections and shared scenarios, seeded per (seed, paper id)."""

from __future__ import annotations

from collections import Counter

import pytest

from qbank.draw.layout import paper_layout
from qbank.draw.params import generator, stream_seed
from qbank.render.paper import solve_paper
from qbank.spec.exam import load_exam

from .conftest import ROOT, SAMPLE_EXAM
from .scenario_bank import make_scenario_bank


@pytest.fixture
def scenario_exam(sample_copy):
    return load_exam(make_scenario_bank(sample_copy))


def ids(layout):
    return [[p.question.id for p in item.parts] for item in layout.items]


def test_static_exam_keeps_its_written_layout_for_every_paper():
    exam = load_exam(SAMPLE_EXAM)
    assert exam.static
    for paper in ("main", "24CS1001", "B"):
        layout = paper_layout(exam, 7, paper)
        assert layout.items == exam.items and not layout.streams


def test_pools_pick_per_paper_from_their_own_stream(scenario_exam):
    picks = Counter()
    for n in range(60):
        layout = paper_layout(scenario_exam, 5, f"p{n}")
        other = [i[0] for i in ids(layout)[3:5]]
        assert len(set(other)) == 2 and set(other) <= {"basics/dense-params", "basics/matmul", "basics/softmax"}
        assert ids(layout)[5] == ["basics/compute-scaling"]
        picks.update(other)
        assert [item.number for item in layout.items] == list(range(1, 7))
        assert all(item.marks == 3 for item in layout.items[3:5])
        seed = stream_seed(5, f"p{n}", "pool:1:0")
        assert layout.streams["pool:1:0"] == seed
        expected = generator(seed).choice(3, size=2, replace=False)
        pool = ["basics/dense-params", "basics/matmul", "basics/softmax"]
        assert other == [pool[int(i)] for i in expected]
    assert set(picks) == {"basics/dense-params", "basics/matmul", "basics/softmax"}


def test_shuffled_section_is_a_seeded_permutation(scenario_exam):
    orders = {tuple(i[0] for i in ids(paper_layout(scenario_exam, 5, f"p{n}"))[:3]) for n in range(40)}
    assert len(orders) >= 4
    assert all(sorted(o) == ["xf/block-params", "xf/ffn-params", "xf/head-dim"] for o in orders)
    assert ids(paper_layout(scenario_exam, 5, "p1")) == ids(paper_layout(scenario_exam, 5, "p1"))


def test_canonical_papers_keep_the_written_order_and_first_picks(scenario_exam):
    layout = paper_layout(scenario_exam, 5, "p1", canonical=True)
    assert ids(layout) == [["xf/head-dim"], ["xf/block-params"], ["xf/ffn-params"], ["basics/dense-params"],
                           ["basics/matmul"], ["basics/compute-scaling"]]  # fmt: skip


def test_scenario_is_drawn_once_per_paper_and_shared_by_its_questions(scenario_exam):
    seen = set()
    for n in range(12):
        paper = solve_paper(scenario_exam, 9, f"p{n}")
        drawn = paper.scenarios["model"].params
        assert drawn["d_model"] % drawn["heads"] == 0
        assert paper.scenarios["model"].stream_seed == stream_seed(9, f"p{n}", "scenario:model")
        by_id = {s.part.question.id: s.variant for s in paper.parts}
        assert by_id["xf/head-dim"].params["d_model"] == drawn["d_model"]
        assert by_id["xf/head-dim"].params["heads"] == drawn["heads"]
        for qid in ("xf/block-params", "xf/ffn-params"):
            assert by_id[qid].params["d_model"] == drawn["d_model"]
            assert by_id[qid].params["layers"] == drawn["layers"]
        assert by_id["xf/head-dim"].answers["dim"] == drawn["d_model"] // drawn["heads"]
        seen.add((drawn["d_model"], drawn["heads"], drawn["layers"]))
    assert len(seen) >= 6


def test_a_paper_does_not_depend_on_which_other_papers_exist(scenario_exam):
    alone = solve_paper(scenario_exam, 9, "24CS1007")
    for other in ("A", "24CS1001", "main"):
        solve_paper(scenario_exam, 9, other)
    again = solve_paper(scenario_exam, 9, "24CS1007")
    assert [(s.part.question.id, s.variant.params) for s in alone.parts] == [
        (s.part.question.id, s.variant.params) for s in again.parts
    ]


def test_single_build_streams_are_unchanged():
    exam = load_exam(ROOT / "exams" / "sample.yaml")
    paper = solve_paper(exam, 17)
    for solved in paper.parts:
        assert solved.variant.stream_seed == stream_seed(17, "main", solved.part.question.id)
