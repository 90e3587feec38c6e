"""Grading equivalence on the whole deep-learning bank, K = 20: for every numeric answer of every exported
variant, the interval each export declares (Moodle's tolerance, QTI's `equal`, Canvas's range) accepts exactly
what `qbank.solve.formats.check` accepts at the key, both tolerance edges and just outside them."""

from __future__ import annotations

import contextlib
import io
import json
import re
import zipfile
from pathlib import Path

import pytest
from lxml import etree

from qbank.cli import main
from qbank.solve.formats import check
from qbank.spec.bank import load_bank
from tests.conftest import DL_BANK
from tests.test_export_moodle import NUMERIC, PLAIN, assert_moodle_grades_as_qbank, elements, probes

pytestmark = pytest.mark.slow
COUNT, SEED = 20, 1
TITLE = re.compile(r"(.+) seed (\d+)(?: part (\d+) of \d+)?")


@pytest.fixture(scope="module")
def printed() -> dict:
    """`qbank variants banks/deep-learning --seed 1 --count 20 --json`, by (question, seed)."""
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert main(["variants", str(DL_BANK), "--seed", str(SEED), "--count", str(COUNT), "--json"]) == 0
    return {(r["question"], r["seed"]): r for r in map(json.loads, out.getvalue().splitlines())}


def export(fmt: str, out: Path) -> Path:
    status = main(["export", str(DL_BANK), "--format", fmt, "--variants", str(COUNT), "--seed", str(SEED), "--out",
                   str(out)])  # fmt: skip
    assert status == 0
    return out


def single(spec):  # type: ignore[no-untyped-def]
    """The declaration one number of a vector or matrix is graded by (per element, as `fixed`)."""
    if spec.format in ("vector", "matrix"):
        return type(spec).model_validate({**spec.model_dump(), "format": "fixed"})
    return spec


def test_moodle(printed, tmp_path):
    xml = export("moodle", tmp_path / "m") / "moodle.xml"
    assert assert_moodle_grades_as_qbank(xml, DL_BANK, printed) > 2000


def test_qti21(printed, tmp_path):
    qti = "{http://www.imsglobal.org/xsd/imsqti_v2p1}"
    bank = load_bank(DL_BANK)
    compared = 0
    with zipfile.ZipFile(export("qti21", tmp_path / "q") / "qti21.zip") as archive:
        for name in archive.namelist():
            if not name.startswith("items/"):
                continue
            root = etree.fromstring(archive.read(name))
            qid, seed = root.get("title").rsplit(" seed ", 1)
            answers = printed[(qid, int(seed))]["answers"]
            numbers = [(spec, x) for answer, spec in bank.questions[qid].spec.answers.items()
                       if spec.format in NUMERIC for x in elements(spec.format, answers[answer])]  # fmt: skip
            equals = list(root.iter(f"{qti}equal"))
            assert len(equals) == len(numbers), name
            for equal, (spec, key) in zip(equals, numbers, strict=True):
                texts = [*equal.get("tolerance").split(), equal.find(f"{qti}baseValue").text]
                assert all(PLAIN.fullmatch(t) for t in texts), texts
                low, high, first = (float(t) for t in texts)
                assert first == float(key)
                for given in probes(spec, float(key)):
                    assert (first - low <= given <= first + high) == check(single(spec), key, given), (name, given)
                compared += 1
    assert compared > 2000


def test_canvas(printed, tmp_path):
    ns = "{http://www.imsglobal.org/xsd/ims_qtiasiv1p2}"
    bank = load_bank(DL_BANK)
    compared = 0
    with zipfile.ZipFile(export("canvas", tmp_path / "c") / "canvas.zip") as archive:
        name = next(n for n in archive.namelist() if n.endswith(".xml") and "/" in n and "meta" not in n)
        for item in etree.fromstring(archive.read(name)).iter(f"{ns}item"):
            low = item.findtext(f".//{ns}vargte")
            if low is None:
                continue
            qid, seed, part = TITLE.fullmatch(item.get("title")).groups()  # `id seed N`, `id seed N part i of n`
            numeric = [a for a, s in bank.questions[qid].spec.answers.items() if s.format in NUMERIC]
            answer = list(bank.questions[qid].spec.answers)[int(part) - 1] if part else numeric[0]
            assert part or len(numeric) == 1, item.get("title")  # an item grades one number
            spec, key = bank.questions[qid].spec.answers[answer], printed[(qid, int(seed))]["answers"][answer]
            assert PLAIN.fullmatch(low) and PLAIN.fullmatch(item.findtext(f".//{ns}varlte"))
            high = float(item.findtext(f".//{ns}varlte"))
            for given in probes(spec, float(key)):
                assert (float(low) <= given <= high) == check(spec, key, given), (qid, seed, given)
            compared += 1
    assert compared >= COUNT
