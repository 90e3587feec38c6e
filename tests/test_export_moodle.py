"""`qbank export --format moodle`: question types and fields checked against the variants `qbank variants`
prints, Moodle's fraction list, the interval Moodle declares against qbank's grader, text matching, files,
determinism, audit, and bad input."""

from __future__ import annotations

import base64
import json
import re
import unicodedata
from pathlib import Path

import pytest
from lxml import etree

from qbank.solve.formats import accepted_radius, check, tolerance_of
from qbank.spec.bank import load_bank
from tests.mc_bank import write_lms_bank

# Moodle's fraction_options_full() (question/engine/bank.php): the only grades its forms accept.
MOODLE_FRACTIONS = {"100", "90", "83.33333", "80", "75", "70", "66.66667", "60", "50", "40", "33.33333", "30", "25",
                    "20", "16.66667", "14.28571", "12.5", "11.11111", "10", "5", "0"}  # fmt: skip
MOODLE_FRACTIONS |= {f"-{f}" for f in MOODLE_FRACTIONS if f != "0"}
K = 3


@pytest.fixture
def bank(tmp_path: Path) -> Path:
    return write_lms_bank(tmp_path)


def export(run_cli, path: Path, out: Path, *extra: str, seed: int = 5) -> Path:
    status, _, err = run_cli("export", path, "--format", "moodle", "--variants", K, "--seed", seed, "--out", out,
                             *extra)  # fmt: skip
    assert status == 0, err
    return out


def variants(run_cli, path: Path, seed: int = 5) -> dict[tuple[str, int], dict]:
    """What `qbank variants --json` prints, by (question id, exam seed)."""
    status, out, err = run_cli("variants", path, "--seed", seed, "--count", K, "--json")
    assert status == 0, err
    rows = [json.loads(line) for line in out.splitlines()]
    return {(row["question"], row["seed"]): row for row in rows}


def questions(xml: Path) -> list[etree._Element]:
    return etree.parse(str(xml)).getroot().findall("question")


def by_name(xml: Path) -> dict[str, etree._Element]:
    return {q.findtext("name/text"): q for q in questions(xml) if q.get("type") != "category"}


def test_one_category_per_question_holding_its_k_variants(run_cli, bank, tmp_path):
    out = export(run_cli, bank, tmp_path / "out")
    elements = questions(out / "moodle.xml")
    categories = [i for i, q in enumerate(elements) if q.get("type") == "category"]
    assert len(categories) == 7
    for start in categories:
        following = elements[start + 1 : start + 1 + K]
        assert [q.get("type") != "category" for q in following] == [True] * K
        ids = {q.findtext("name/text").rsplit(" seed ", 1)[0] for q in following}
        assert len(ids) == 1 and elements[start].findtext("category/text").endswith(" " + ids.pop())
    types = {name.rsplit(" seed ", 1)[0]: q.get("type") for name, q in by_name(out / "moodle.xml").items()}
    assert types == {"lin": "cloze", "pick": "multichoice", "strict": "multichoice", "growth": "numerical",
                     "word": "shortanswer", "vec": "cloze", "essay": "essay"}  # fmt: skip


def test_values_marks_and_texts_are_the_printed_variants(run_cli, bank, tmp_path):
    out = export(run_cli, bank, tmp_path / "out")
    printed = variants(run_cli, bank)
    found = by_name(out / "moodle.xml")
    for seed in range(5, 5 + K):
        growth = found[f"growth seed {seed}"]
        row = printed[("growth", seed)]
        assert float(growth.findtext("answer/text")) == row["answers"]["ratio"]
        assert growth.findtext("defaultgrade") == "1"
        text = growth.findtext("questiontext/text")
        assert f"\\(N = {row['params']['n']}\\)" in text and "\\(N^{1.5}\\)" in text
        assert row["formatted"]["ratio"] not in text  # no answer where the student looks before submitting
        word = found[f"word seed {seed}"]
        key = printed[("word", seed)]["answers"]["winner"]
        synonyms = {"do not reject": ["fail to reject", "retain H0"], "reject": ["reject H0"]}[key]
        assert [a.findtext("text") for a in word.findall("answer")] == [key, *synonyms]
        assert word.findtext("usecase") == "0"
        lin = found[f"lin seed {seed}"]
        total = printed[("lin", seed)]["answers"]["total"]
        assert f"{{1:NUMERICAL:={total}:" in lin.findtext("questiontext/text")
        i, o = printed[("lin", seed)]["params"]["i"], printed[("lin", seed)]["params"]["o"]
        assert f"~%0%{i + o}:" in lin.findtext("questiontext/text")  # a free number's misconceptions, diagnosed
        assert "added the sizes instead of multiplying them (misconception lin.sum)." in lin.findtext(
            "questiontext/text"
        )
        assert f"= {total}" in lin.findtext("generalfeedback/text")  # the worked solution, after submission
        vec = found[f"vec seed {seed}"]
        cells = re.findall(r"\{1:NUMERICAL:=([^:]+):", vec.findtext("questiontext/text"))
        assert [float(c) for c in cells] == printed[("vec", seed)]["answers"]["scaled"]
    marks = {"lin": "2", "pick": "3", "strict": "1", "growth": "1", "word": "1", "vec": "2", "essay": "4"}
    assert {n.rsplit(" seed ", 1)[0]: q.findtext("defaultgrade") for n, q in found.items()} == marks


def test_multichoice_fractions_are_moodles_and_score_per_option(run_cli, bank, tmp_path):
    out = export(run_cli, bank, tmp_path / "out")
    for name, question in by_name(out / "moodle.xml").items():
        fractions = [a.get("fraction") for a in question.findall("answer")]
        assert set(fractions) <= MOODLE_FRACTIONS, name
        if name.startswith("pick "):  # 3 correct of 7: +1/3 each; 4 wrong: -1/4 each
            assert question.findtext("single") == "false"
            assert sorted(fractions) == sorted(["33.33333"] * 3 + ["-25"] * 4)
            texts = {a.findtext("text"): a.findtext("feedback/text") for a in question.findall("answer")}
            assert texts["max pooling"] == "Not correct: pooling has no weights."


def test_distractor_feedback_names_the_misconception(run_cli, bank, tmp_path):
    out = export(run_cli, bank / "questions" / "lin.yaml", tmp_path / "out", "--ask", "choice")
    printed = variants(run_cli, bank / "questions" / "lin.yaml")
    for seed in range(5, 5 + K):
        text = by_name(out / "moodle.xml")[f"lin seed {seed}"].findtext("questiontext/text")
        total = printed[("lin", seed)]["answers"]["total"]
        assert f"%100%{total}#Correct." in text
        assert "counted the weights but not the biases (misconception lin.no_bias)" in text
        assert "has one (max(0, x) &lt; &amp; co)." in text  # feedback escaped in the question's HTML


def test_the_figure_is_an_embedded_file(run_cli, bank, tmp_path):
    out = export(run_cli, bank, tmp_path / "out")
    printed = variants(run_cli, bank)
    for seed in range(5, 5 + K):
        question = by_name(out / "moodle.xml")[f"vec seed {seed}"]
        assert '<img src="@@PLUGINFILE@@/figure.svg"' in question.findtext("questiontext/text")
        file = question.find("questiontext/file")
        assert (file.get("name"), file.get("encoding")) == ("figure.svg", "base64")
        svg = base64.b64decode(file.text).decode()
        assert f'height="{10 * printed[("vec", seed)]["params"]["s"]}"' in svg


def test_essay_carries_model_answer_and_rubric_for_the_grader(run_cli, bank, tmp_path):
    out = export(run_cli, bank, tmp_path / "out")
    essay = by_name(out / "moodle.xml")["essay seed 5"]
    info = essay.findtext("graderinfo/text")
    assert "ensemble of thinned networks" in info and "2: names the ensemble view" in info
    assert "ensemble" not in essay.findtext("questiontext/text")


def moodle_accepts(key: str, tolerance: str, given: float) -> bool:
    """Moodle's numerical grading with an absolute tolerance: key - t <= given <= key + t, in doubles."""
    return float(key) - float(tolerance) <= given <= float(key) + float(tolerance)


def probes(spec, key: float) -> list[float]:
    """The key, both tolerance edges, just inside and just outside the grader's interval (1e-9 relative)."""
    limit, radius = tolerance_of(spec, key), accepted_radius(spec, key)
    step = 1e-9 * max(1.0, abs(key), limit)
    return [key, key - limit, key + limit, key - radius + step / 2, key + radius - step / 2,
            key - radius - step, key + radius + step]  # fmt: skip


def numeric_codes(question: etree._Element) -> list[tuple[str, str]]:
    if question.get("type") == "numerical":
        return [(question.findtext("answer/text"), question.findtext("answer/tolerance"))]
    return re.findall(r"NUMERICAL:=([^:~#}]+):([^~#}]+)", question.findtext("questiontext/text") or "")


NUMERIC = ("int", "fixed", "sig", "vector", "matrix")
PLAIN = re.compile(r"-?\d+(\.\d+)?")  # a decimal point, no exponent, no separators


def elements(fmt: str, value):
    """The numbers of an answer: itself, a vector's elements or a matrix's cells row by row."""
    if fmt == "vector":
        return list(value)
    if fmt == "matrix":
        return [x for row in value for x in row]
    return [value]


def assert_moodle_grades_as_qbank(xml: Path, bank_path: Path, printed: dict) -> int:
    """Every numeric answer of every variant: Moodle's interval accepts exactly what qbank.solve.formats.check
    does at the probes. Returns how many numbers were compared."""
    bank = load_bank(bank_path)
    compared = 0
    for name, question in by_name(xml).items():
        qid, seed = name.rsplit(" seed ", 1)
        row = printed[(qid, int(seed))]
        specs = bank.questions[qid].spec.answers
        numbers = [(spec, element) for answer, spec in specs.items() if spec.format in NUMERIC
                   for element in elements(spec.format, row["answers"][answer])]  # fmt: skip
        codes = numeric_codes(question)
        if not codes:
            continue
        assert len(codes) == len(numbers), name
        for (spec, element), (key, tolerance) in zip(numbers, codes, strict=True):
            assert PLAIN.fullmatch(key) and PLAIN.fullmatch(tolerance), (key, tolerance)  # Moodle misreads others
            assert float(key) == float(element)
            for given in probes(spec, float(element)):
                single = type(spec).model_validate({**spec.model_dump(), "format": "fixed"}) if spec.format in (
                    "vector", "matrix") else spec  # fmt: skip
                assert moodle_accepts(key, tolerance, given) == check(single, element, given), (name, given)
            compared += 1
    return compared


def test_numeric_intervals_accept_exactly_what_qbank_accepts(run_cli, bank, tmp_path):
    out = export(run_cli, bank, tmp_path / "out")
    assert assert_moodle_grades_as_qbank(out / "moodle.xml", bank, variants(run_cli, bank)) == K * (1 + 1 + 3)


def moodle_text_match(answer: str, response: str) -> bool:
    """Moodle's shortanswer with usecase 0: both NFC-normalised, the response trimmed, compared case-insensitively
    as a whole (`*` a wildcard, `\\*` a literal star)."""
    answer, response = unicodedata.normalize("NFC", answer), unicodedata.normalize("NFC", response)
    pattern = ".*".join(re.escape(bit.replace("\\*", "*")) for bit in re.split(r"(?<!\\)\*+", answer))
    return re.fullmatch(pattern, response.strip(), re.IGNORECASE | re.UNICODE) is not None


def test_text_matching_is_the_graders_except_the_documented_spaces_and_hyphens(run_cli, bank, tmp_path):
    out = export(run_cli, bank, tmp_path / "out")
    spec = load_bank(bank).questions["word"].spec.answers["winner"]
    differing = 0
    for name, question in by_name(out / "moodle.xml").items():
        if not name.startswith("word "):
            continue
        key = question.findtext("answer/text")
        answers = [a.findtext("text") for a in question.findall("answer")]
        same = [key, key.upper(), f"  {key.title()} ", "fail to reject", "Retain h0", "reject", "reject H0", "rejec"]
        for response in same:
            assert any(moodle_text_match(a, response) for a in answers) == check(spec, key, response), response
        for response in (key.replace(" ", "  "), answers[1].replace(" ", "\t")):  # README: qbank only
            if response != key:
                assert check(spec, key, response) and not any(moodle_text_match(a, response) for a in answers)
                differing += 1
    assert differing >= K
    notes = (out / "notes.txt").read_text()
    assert (
        "Q7 word: text answer 'winner' becomes a shortanswer, which ignores case and trims the response; qbank" in notes
    )


def test_same_inputs_same_bytes_and_audit_verifies(run_cli, bank, tmp_path):
    first = export(run_cli, bank, tmp_path / "a")
    second = export(run_cli, bank, tmp_path / "b")
    for name in ("moodle.xml", "notes.txt"):
        assert (first / name).read_bytes() == (second / name).read_bytes()
    status, out, _ = run_cli("audit", first)
    assert status == 0 and "identical: 2 files" in out, out
    (first / "moodle.xml").write_bytes((first / "moodle.xml").read_bytes().replace(b"seed 5", b"seed 9"))
    status, out, _ = run_cli("audit", first)
    assert status == 1 and "moodle.xml: altered after the build" in out, out


def test_exam_entries_say_what_is_asked_as_choice(run_cli, bank, tmp_path):
    exam = tmp_path / "exams" / "quiz.yaml"
    out = export(run_cli, exam, tmp_path / "out")
    found = by_name(out / "moodle.xml")
    assert "MULTICHOICE:" in found["lin seed 5"].findtext("questiontext/text").split("Activation")[0]
    assert "{1:NUMERICAL:" in found["lin#2 seed 5"].findtext("questiontext/text")
    assert found["growth seed 6"].get("type") == "numerical"
    manifest = json.loads((out / "manifest.json").read_text())
    assert [p["paper_id"] for p in manifest["papers"]] == ["seed-5", "seed-6", "seed-7"]
    assert {q["paper"] for p in manifest["papers"] for q in p["questions"]} == {"main"}


@pytest.mark.parametrize(
    ("args", "option", "message"),
    [
        (("--variants", "0"), "--variants", "must be at least 1, got 0"),
        (("--format", "blackboard"), "--format", "unknown format 'blackboard'"),
    ],
)
def test_bad_options_are_located_and_write_nothing(run_cli, bank, tmp_path, args, option, message):
    base = {"--variants": "2", "--format": "moodle"}
    base.update(dict(zip(args[::2], args[1::2], strict=True)))
    flat = [x for pair in base.items() for x in pair]
    status, _, err = run_cli("export", bank, *flat, "--seed", 1, "--out", tmp_path / "out")
    assert status == 2 and f"<command line>: {option}: {message}" in err and "Traceback" not in err
    assert not (tmp_path / "out").exists()


def test_ask_is_refused_for_an_exam(run_cli, bank, tmp_path):
    status, _, err = run_cli("export", tmp_path / "exams" / "quiz.yaml", "--format", "moodle", "--variants", 1,
                             "--seed", 1, "--ask", "choice", "--out", tmp_path / "out")  # fmt: skip
    assert status == 2 and "--ask: an exam's entries say how each question is asked" in err
    assert not (tmp_path / "out").exists()


def test_existing_output_needs_force_and_force_replaces_only_an_export(run_cli, bank, tmp_path):
    out = export(run_cli, bank, tmp_path / "out")
    before = (out / "moodle.xml").read_bytes()
    status, _, err = run_cli("export", bank, "--format", "moodle", "--variants", 1, "--seed", 9, "--out", out)
    assert status == 2 and "already exists (use --force to replace it)" in err
    assert (out / "moodle.xml").read_bytes() == before
    export(run_cli, bank, out, "--force", seed=9)
    assert (out / "moodle.xml").read_bytes() != before
    other = tmp_path / "mine"
    other.mkdir()
    (other / "notes.docx").write_bytes(b"mine")
    status, _, err = run_cli("export", bank, "--format", "moodle", "--variants", 1, "--seed", 1, "--out", other,
                             "--force")  # fmt: skip
    assert status == 2 and "is not a qbank set" in err and (other / "notes.docx").read_bytes() == b"mine"


def test_a_question_showing_its_answer_is_refused(run_cli, bank, tmp_path):
    source = (bank / "questions" / "lin.yaml").read_text()
    leak = source.replace("min: 2, max: 9", "min: 20, max: 40").replace("How many", "({{ i * o + o }}) How many")
    (bank / "questions" / "lin.yaml").write_text(leak)
    status, _, err = run_cli("export", bank / "questions" / "lin.yaml", "--format", "moodle", "--variants", 2,
                             "--seed", 1, "--out", tmp_path / "out")  # fmt: skip
    assert status == 2 and "lin.yaml:" in err and "Traceback" not in err, err
    assert not (tmp_path / "out").exists()


def test_no_count_of_options_gives_a_fraction_moodle_refuses():
    from qbank.output.lms.moodle import fraction_text
    from qbank.output.lms.shapes import fractions
    from qbank.solve.choices import ChoiceSet, Option

    for size in range(2, 11):  # 2 to 10 options (MAX_CHOICE_OPTIONS)
        for right in range(1, size + 1):
            options = tuple(Option("ABCDEFGHIJ"[i], str(i), i < right, "written") for i in range(size))
            written = {fraction_text(f) for f in fractions(ChoiceSet("a", "multi", "per-option", options, None))}
            assert written <= MOODLE_FRACTIONS, (size, right, written)


def test_a_star_in_a_text_key_is_literal_for_moodle(run_cli, bank, tmp_path):
    solvers = (bank / "solvers.py").read_text().replace('"do not reject" if', '"A*B" if')
    (bank / "solvers.py").write_text(solvers)
    question = (bank / "questions" / "word.yaml").read_text().replace("do not reject: [", "A*B: [")
    (bank / "questions" / "word.yaml").write_text(question)
    out = export(run_cli, bank / "questions" / "word.yaml", tmp_path / "out")
    texts = [[a.findtext("text") for a in q.findall("answer")] for q in by_name(out / "moodle.xml").values()]
    starred = [t for t in texts if t[0].startswith("A")]
    assert starred and all(t[0] == "A\\*B" and moodle_text_match(t[0], "A*B") for t in starred)
    assert not moodle_text_match(starred[0][0], "AxyzB")


def moodle_numerical_feedback(answers: list[tuple[str, str, str, str]], given: float) -> tuple[str, str] | None:
    """Moodle's numerical grading: the first answer (fraction, key, tolerance, feedback) whose interval holds the
    response gives its fraction and feedback; none: 0 and no feedback."""
    for fraction, key, tolerance, feedback in answers:
        if moodle_accepts(key, tolerance, given):
            return fraction, feedback
    return None


def test_a_free_number_equal_to_a_misconception_is_told_the_mistake(run_cli, bank, tmp_path):
    lin = bank / "questions" / "lin.yaml"
    lin.write_text(lin.read_text().split("  act:\n")[0])  # one numeric answer: a numerical question
    out = export(run_cli, lin, tmp_path / "out")
    printed = variants(run_cli, lin)
    spec = load_bank(bank).questions["lin"].spec.answers["total"]
    for seed in range(5, 5 + K):
        question = by_name(out / "moodle.xml")[f"lin seed {seed}"]
        assert question.get("type") == "numerical"
        answers = [(a.get("fraction"), a.findtext("text"), a.findtext("tolerance"), a.findtext("feedback/text"))
                   for a in question.findall("answer")]  # fmt: skip
        row = printed[("lin", seed)]
        i, o = row["params"]["i"], row["params"]["o"]
        mistakes = {"lin.no_bias": i * o, "lin.bias_in": i * o + i, "lin.sum": i + o}
        assert moodle_numerical_feedback(answers, row["answers"]["total"])[0] == "100"
        for name, value in mistakes.items():
            if check(spec, row["answers"]["total"], value):
                continue  # the mistake coincides with the key: the key's answer, first, wins
            fraction, feedback = moodle_numerical_feedback(answers, value)
            assert fraction == "0" and f"(misconception {name})" in feedback
        assert moodle_numerical_feedback(answers, 10_000) is None


def test_cloze_weights_give_every_answer_an_equal_share(run_cli, bank, tmp_path):
    solvers = (bank / "solvers.py").read_text()
    solvers = solvers.replace('{"scaled": [p["s"] * x / 7 for x in (1, 2, 3)]}',
                              '{"scaled": [p["s"] * x / 7 for x in (1, 2, 3)], "first": p["s"] / 7}')  # fmt: skip
    (bank / "solvers.py").write_text(solvers)
    vec = bank / "questions" / "vec.yaml"
    vec.write_text(vec.read_text() + "  first: {label: First, format: fixed, decimals: 3}\n")
    out = export(run_cli, vec, tmp_path / "out")
    text = by_name(out / "moodle.xml")["vec seed 5"].findtext("questiontext/text")
    weights = [int(w) for w in re.findall(r"\{(\d+):NUMERICAL:", text)]
    assert weights == [1, 1, 1, 3]  # the vector's three cells share one answer's weight; the scalar has as much


def test_a_number_asked_as_choice_is_a_single_multichoice_naming_each_mistake(run_cli, bank, tmp_path):
    lin = bank / "questions" / "lin.yaml"
    lin.write_text(lin.read_text().split("  act:\n")[0])
    out = export(run_cli, lin, tmp_path / "out", "--ask", "choice")
    printed = variants(run_cli, lin)
    for seed in range(5, 5 + K):
        question = by_name(out / "moodle.xml")[f"lin seed {seed}"]
        assert question.get("type") == "multichoice" and question.findtext("single") == "true"
        answers = {
            a.findtext("text"): (a.get("fraction"), a.findtext("feedback/text")) for a in question.iter("answer")
        }
        total = printed[("lin", seed)]["answers"]["total"]
        assert answers.pop(str(total)) == ("100", "Correct.")
        assert answers and all(f == "0" and "(misconception lin." in feedback for f, feedback in answers.values())
        printed_order = [option["text"] for option in printed[("lin", seed)]["choices"]["total"]["options"]]
        assert [a.findtext("text") for a in question.iter("answer")] == printed_order  # as qbank variants letters them
