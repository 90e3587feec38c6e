"""`qbank export --format qti21`: every item and the test valid against the IMS QTI 2.1 schema and the manifest
against IMS CP 1.1 (the official schemas, copied unchanged into tests/data/xsd), values against the variants, the
scoring rules against qbank's grader, one variant selected per question, math as MathML, figures as files,
same bytes."""

from __future__ import annotations

import io
import itertools
import json
import os
import zipfile
from pathlib import Path

import pytest
from lxml import etree

from qbank.solve.formats import check
from qbank.spec.bank import load_bank
from tests.conftest import ROOT
from tests.mc_bank import write_lms_bank
from tests.test_export_moodle import K, elements, probes, variants

QTI = "{http://www.imsglobal.org/xsd/imsqti_v2p1}"
CP = "{http://www.imsglobal.org/xsd/imscp_v1p1}"
MATHML = "{http://www.w3.org/1998/Math/MathML}"
# unchanged copies of the official IMS schemas (from ../shared/xsd; the IMS licence allows that), so a clean clone
# validates offline with nothing beside it
XSD_FOLDERS = [ROOT / "tests" / "data" / "xsd"]


@pytest.fixture(scope="session")
def schemas() -> tuple[etree.XMLSchema, etree.XMLSchema]:
    """The QTI 2.1 and IMS CP 1.1 schemas, compiled once per session."""
    return compiled_schemas()


def compiled_schemas() -> tuple[etree.XMLSchema, etree.XMLSchema]:
    """The QTI 2.1 and IMS CP 1.1 schemas (offline: the catalog maps every import to a file)."""
    folder = next(f for f in XSD_FOLDERS if (f / "ims-qti21" / "catalog.xml").is_file())
    os.environ["XML_CATALOG_FILES"] = str(folder / "ims-qti21" / "catalog.xml")
    qti = etree.XMLSchema(file=str(folder / "ims-qti21" / "www.imsglobal.org" / "xsd" / "imsqti_v2p1.xsd"))
    return qti, etree.XMLSchema(file=str(folder / "ims-cp" / "imscp_v1p1.xsd"))


@pytest.fixture
def bank(tmp_path: Path) -> Path:
    return write_lms_bank(tmp_path)


def export(run_cli, path: Path, out: Path, *extra: str, seed: int = 5) -> dict[str, bytes]:
    status, _, err = run_cli("export", path, "--format", "qti21", "--variants", K, "--seed", seed, "--out", out,
                             *extra)  # fmt: skip
    assert status == 0, err
    with zipfile.ZipFile(out / "qti21.zip") as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def assert_valid(files: dict[str, bytes], schemas) -> int:
    qti, cp = schemas
    checked = 0
    for name, data in files.items():
        if name.endswith(".xml") and name != "imsmanifest.xml":
            document = etree.parse(io.BytesIO(data))
            assert qti.validate(document), (name, str(qti.error_log)[:500])
            checked += 1
    manifest = etree.parse(io.BytesIO(files["imsmanifest.xml"]))
    assert cp.validate(manifest), str(cp.error_log)[:500]
    return checked


def items(files: dict[str, bytes]) -> dict[str, etree._Element]:
    """Items by title (`question seed N`)."""
    roots = [etree.fromstring(data) for name, data in files.items() if name.startswith("items/")]
    return {root.get("title"): root for root in roots}


def test_items_test_and_manifest_are_valid_and_the_test_selects_one_variant(run_cli, bank, tmp_path, schemas):
    files = export(run_cli, bank, tmp_path / "out")
    assert assert_valid(files, schemas) == 7 * K + 1
    test = etree.fromstring(files["test.xml"])
    sections = test.iter(f"{QTI}assessmentSection")
    listed = set()
    for section in sections:
        assert section.find(f"{QTI}selection").get("select") == "1"
        refs = section.findall(f"{QTI}assessmentItemRef")
        assert len(refs) == K and len({r.get("href").split("_s")[0] for r in refs}) == 1
        listed |= {r.get("href") for r in refs}
    assert listed == {name for name in files if name.startswith("items/")}
    manifest = etree.fromstring(files["imsmanifest.xml"])
    hrefs = {f.get("href") for f in manifest.iter(f"{CP}file")}
    assert hrefs == set(files) - {"imsmanifest.xml"}


def test_a_broken_item_fails_the_schema(run_cli, bank, tmp_path, schemas):
    files = export(run_cli, bank, tmp_path / "out")
    name = next(n for n in files if n.startswith("items/"))
    files[name] = files[name].replace(b"<itemBody>", b"<itemBody><choiceInteraction/>", 1)
    with pytest.raises(AssertionError):
        assert_valid(files, schemas)


def test_deep_learning_package_is_valid_with_mathml_and_figures(run_cli, tmp_path, schemas):
    from tests.conftest import DL_BANK

    status, _, err = run_cli("export", DL_BANK, "--format", "qti21", "--variants", 2, "--seed", 3, "--out",
                             tmp_path / "dl")  # fmt: skip
    assert status == 0, err
    with zipfile.ZipFile(tmp_path / "dl" / "qti21.zip") as archive:
        files = {name: archive.read(name) for name in archive.namelist()}
    assert assert_valid(files, schemas) == 2 * 25 + 1  # 2 variants of the 25 questions, and the test
    roots = [etree.fromstring(d) for n, d in files.items() if n.startswith("items/")]
    assert sum(1 for r in roots for _ in r.iter(f"{MATHML}math")) > 100
    figures = [n for n in files if n.startswith("figures/")]
    assert figures and all(files[f].startswith(b"<svg") or b"<svg" in files[f][:200] for f in figures)
    for root in roots:
        for image in root.iter(f"{QTI}img"):
            assert image.get("src").removeprefix("../") in files


def qti_accepts(equal: etree._Element, given: float) -> bool:
    """`<equal toleranceMode="absolute" tolerance="t0 t1">key, response</equal>`: key - t0 <= x <= key + t1."""
    low, high = (float(t) for t in equal.get("tolerance").split())
    key = float(equal.find(f"{QTI}baseValue").text)
    return key - low <= given <= key + high


def test_numbers_are_scored_as_qbank_grades(run_cli, bank, tmp_path):
    files = export(run_cli, bank, tmp_path / "out")
    printed = variants(run_cli, bank)
    specs = {qid: question.spec.answers for qid, question in load_bank(bank).questions.items()}
    compared = 0
    for title, root in items(files).items():
        qid, seed = title.rsplit(" seed ", 1)
        equals = list(root.iter(f"{QTI}equal"))
        answers = printed[(qid, int(seed))]["answers"]
        numbers = [(spec, x) for name, spec in specs[qid].items() if spec.format in ("int", "fixed", "sig", "vector")
                   for x in elements(spec.format, answers[name])]  # fmt: skip
        assert len(equals) == len(numbers), title
        for equal, (spec, key) in zip(equals, numbers, strict=True):
            assert equal.get("toleranceMode") == "absolute"
            assert equal[0].tag == f"{QTI}baseValue" and float(equal[0].text) == float(key)  # the key first
            single = type(spec).model_validate({**spec.model_dump(), "format": "fixed"}) if spec.format == "vector" \
                else spec  # fmt: skip
            for given in probes(spec, float(key)):
                assert qti_accepts(equal, given) == check(single, key, given), (title, given)
            compared += 1
    assert compared == K * (1 + 1 + 3)


def readme_per_option(correct: list[bool], ticked: set[int]) -> float:
    """README's per-option rule: +1/(number correct) per correct option ticked, -1/(number wrong) per wrong
    one, floored at 0."""
    right, wrong = sum(correct), len(correct) - sum(correct)
    score = sum(1 / right if correct[i] else -1 / wrong for i in ticked)
    return max(0.0, score)


def test_multi_per_option_mapping_is_readmes_rule_for_every_response(run_cli, bank, tmp_path):
    files = export(run_cli, bank, tmp_path / "out")
    root = items(files)["pick seed 5"]
    declaration = root.find(f"{QTI}responseDeclaration")
    mapping = declaration.find(f"{QTI}mapping")
    assert (mapping.get("lowerBound"), mapping.get("upperBound")) == ("0", "1")
    values = {e.get("mapKey"): float(e.get("mappedValue")) for e in mapping}
    correct_ids = {v.text for v in declaration.find(f"{QTI}correctResponse")}
    keys = [c.get("identifier") for c in root.iter(f"{QTI}simpleChoice")]
    correct = [k in correct_ids for k in keys]
    assert sum(correct) == 3
    for size in range(len(keys) + 1):
        for ticked in itertools.combinations(range(len(keys)), size):
            mapped = min(1.0, max(0.0, sum(values[keys[i]] for i in ticked)))
            assert mapped == pytest.approx(readme_per_option(correct, set(ticked)), abs=1e-12)
    strict = items(files)["strict seed 5"].find(f"{QTI}responseProcessing")
    assert strict.find(f".//{QTI}match") is not None and strict.find(f".//{QTI}mapResponse") is None


def test_text_answers_match_case_insensitively_the_key_or_a_synonym(run_cli, bank, tmp_path):
    files = export(run_cli, bank, tmp_path / "out")
    printed = variants(run_cli, bank)
    for seed in range(5, 5 + K):
        matches = list(items(files)[f"word seed {seed}"].iter(f"{QTI}stringMatch"))
        key = printed[("word", seed)]["answers"]["winner"]
        synonyms = {"do not reject": ["fail to reject", "retain H0"], "reject": ["reject H0"]}[key]
        assert [m.find(f"{QTI}baseValue").text for m in matches] == [key, *synonyms]
        assert {m.get("caseSensitive") for m in matches} == {"false"}
    notes = (tmp_path / "out" / "notes.txt").read_text().splitlines()
    assert notes == ["Q7 word: text answer 'winner' becomes a stringMatch, which compares the whole response ignoring "
                     "case (no trimming); qbank also collapses spaces inside the response, reads the hyphen and "
                     "minus variants as '-' and ignores the sentence punctuation it ends with ('ReLU.')"]  # fmt: skip


def test_marks_are_shared_equally_and_the_solution_is_feedback(run_cli, bank, tmp_path):
    files = export(run_cli, bank, tmp_path / "out")
    lin = items(files)["lin seed 5"]
    maxscore = next(o for o in lin.iter(f"{QTI}outcomeDeclaration") if o.get("identifier") == "MAXSCORE")
    assert maxscore.findtext(f".//{QTI}value") == "2"
    shares = [v.text for v in lin.find(f"{QTI}responseProcessing").iter(f"{QTI}baseValue")
              if v.get("baseType") == "float" and v.getparent().tag == f"{QTI}sum"]  # fmt: skip
    assert shares == ["1.0", "1.0"]
    feedback = lin.find(f"{QTI}modalFeedback")
    assert feedback.get("showHide") == "show" and "parameters" in "".join(feedback.itertext())
    assert "parameters." not in "".join(lin.find(f"{QTI}itemBody").itertext())


def test_same_inputs_same_package_bytes_and_audit(run_cli, bank, tmp_path):
    export(run_cli, bank, tmp_path / "a")
    export(run_cli, bank, tmp_path / "b")
    assert (tmp_path / "a" / "qti21.zip").read_bytes() == (tmp_path / "b" / "qti21.zip").read_bytes()
    with zipfile.ZipFile(tmp_path / "a" / "qti21.zip") as archive:
        infos = archive.infolist()
    assert [i.filename for i in infos] == sorted(i.filename for i in infos)
    assert {i.date_time for i in infos} == {(1980, 1, 1, 0, 0, 0)}
    status, out, _ = run_cli("audit", tmp_path / "a")
    assert status == 0, out
    manifest = json.loads((tmp_path / "a" / "manifest.json").read_text())
    assert manifest["recipe"]["format"] == "qti21" and manifest["kind"] == "export"


def test_a_distractor_chosen_shows_its_misconception(run_cli, bank, tmp_path, schemas):
    files = export(run_cli, bank / "questions" / "lin.yaml", tmp_path / "out", "--ask", "choice")
    assert assert_valid(files, schemas) == K + 1
    item = items(files)["lin seed 5"]
    shown = {m.get("identifier"): "".join(m.itertext()) for m in item.iter(f"{QTI}modalFeedback")}
    declaration = item.find(f"{QTI}responseDeclaration")
    correct = declaration.findtext(f"{QTI}correctResponse/{QTI}value")
    wrong = [c.get("identifier") for c in item.iter(f"{QTI}simpleChoice")
             if c.get("identifier") != correct and c.getparent().get("responseIdentifier") == "RESPONSE_1"]  # fmt: skip
    for option in wrong:
        ident = f"I_FB_{option}"
        assert "(misconception lin." in shown[ident]
        conditions = [c for c in item.iter(f"{QTI}responseIf") if c.find(f".//{QTI}baseValue[@baseType='identifier']")
                      is not None and ident in "".join(c.itertext())]  # fmt: skip
        (condition,) = conditions
        assert condition[0].tag == f"{QTI}match" and condition[0].findtext(f"{QTI}baseValue") == option
    assert "Not correct: assumed every layer has one" in "".join(shown.values())
