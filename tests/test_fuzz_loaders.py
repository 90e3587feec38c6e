"""Fuzzing the loaders: random and mutated YAML thrown at the question and exam loaders raises only qbank's own
located errors (`UserError` with file:line problems), never another exception."""

from __future__ import annotations

import copy
from functools import lru_cache
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from qbank.core.errors import Problem, UserError
from qbank.preflight.checks import checked_exam, question_problems
from qbank.spec import exam as exam_module
from qbank.spec.bank import Bank, load_bank
from qbank.spec.load import load_yaml_text
from qbank.spec.validate import Question, validate_question

from .conftest import DL_BANK, SAMPLE_BANK, SAMPLE_EXAM

pytestmark = pytest.mark.slow  # Hypothesis runs hundreds of loader examples per test (14 s in all)

FUZZ = settings(
    max_examples=200, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True, database=None
)
QUESTION_FILES = sorted(SAMPLE_BANK.glob("questions/*.yaml")) + sorted(DL_BANK.glob("questions/*/*.yaml"))[:6]
KEYS = ["id", "title", "topics", "difficulty", "marks", "solver", "figure", "answer_space", "params", "type", "min",
        "max", "step", "shape", "decimals", "choices", "from", "k", "value", "expr", "function", "constraints",
        "message", "distinct", "canonical", "text", "solution", "answers", "label", "format", "sig", "unit",
        "tolerance", "abs", "rel", "rubric", "points", "bank", "sections", "questions", "parts", "note",
        "course", "code", "name", "exam", "institution", "rules", "instructions", "student_fields", "year"]  # fmt: skip
TRICKY = ["int", "float", "choice", "sample", "fixed", "derived", "vector", "matrix", "sig", "text", "{{ x }}",
          "{{ answers.total }}", "{{ steps.nope }}", "{% for x in %}", "{{ x|fixed(300) }}", "$\\frac{1}{", "$$",
          "x ** 10 ** 10", "[i for i in range(10 ** 9)]", "__import__('os')", "a.__class__", "min(", "1 / 0",
          "sample.softmax", "basics/softmax", "9" * 400, "\t", "- ", ": x", "&anchor", "*alias", "!!python/object",
          "\u2028", "\x00", "é", "1e308", "-0.0", "inf", "NaN", "~", "yes", "0x1F"]  # fmt: skip

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-5, 5),
    st.integers(),
    st.integers(min_value=-(2**80), max_value=2**80),
    st.floats(),
    st.text(max_size=12),
    st.sampled_from(TRICKY),
    st.sampled_from(KEYS),
)
values = st.recursive(
    scalars,
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(st.sampled_from(KEYS) | st.text(max_size=6), children, max_size=4)
    ),
    max_leaves=12,
)


def paths(node: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every key path inside a nested dict/list."""
    found = [prefix]
    if isinstance(node, dict):
        for key, child in node.items():
            found.extend(paths(child, (*prefix, key)))
    elif isinstance(node, list):
        for index, child in enumerate(node):
            found.extend(paths(child, (*prefix, index)))
    return found


@st.composite
def mutated(draw: st.DrawFn, documents: list[Any]) -> Any:
    """A valid document with 1-4 random edits: replace a node, delete a key or item, add a key."""
    data = copy.deepcopy(draw(st.sampled_from(documents)))
    for _ in range(draw(st.integers(1, 4))):
        path = draw(st.sampled_from(paths(data)))
        if not path:
            continue
        parent = data
        for key in path[:-1]:
            parent = parent[key]
        action = draw(st.sampled_from(["replace", "replace", "delete", "add"]))
        if action == "replace":
            parent[path[-1]] = draw(values)
        elif action == "delete":
            del parent[path[-1]]
        elif isinstance(parent, dict):
            parent[draw(st.sampled_from(KEYS))] = draw(values)
        else:
            parent.insert(draw(st.integers(0, len(parent))), draw(values))
    return data


@st.composite
def text_edits(draw: st.DrawFn, texts: list[str]) -> str:
    """A valid YAML file with 1-3 raw text edits: a cut, an insertion, a duplicated or swapped line."""
    text = draw(st.sampled_from(texts))
    for _ in range(draw(st.integers(1, 3))):
        where = draw(st.integers(0, len(text)))
        action = draw(st.sampled_from(["cut", "insert", "line"]))
        if action == "cut":
            text = text[:where] + text[where + draw(st.integers(1, 40)) :]
        elif action == "insert":
            text = text[:where] + draw(st.sampled_from(TRICKY) | st.text(max_size=8)) + text[where:]
        else:
            lines = text.splitlines(keepends=True)
            i, j = draw(st.integers(0, len(lines) - 1)), draw(st.integers(0, len(lines) - 1))
            lines[i], lines[j] = lines[j], lines[i]
            text = "".join(lines) + lines[i]
    return text


@lru_cache(maxsize=1)
def sample_bank() -> Bank:
    """The sample bank, whose registries the fuzzed questions are validated against."""
    return load_bank(SAMPLE_BANK)


def load_question_text(text: str) -> Question | None:
    """What `qbank check` does with one question file: parse, validate, preflight (templates, labels, draws)."""
    try:
        document = load_yaml_text(text, "fuzz.yaml")
        result = validate_question(document, text.encode("utf-8", "surrogatepass"), sample_bank().registries)
    except UserError as exc:
        assert_located(exc.problems)
        return None
    if isinstance(result, list):
        assert result, "validation failed without saying why"
        assert_located(result)
        return None
    assert_located(question_problems(result))
    return result


def assert_located(problems: Any) -> None:
    """Every problem names the file, a line and says what is wrong."""
    for problem in problems:
        assert isinstance(problem, Problem)
        assert problem.file and problem.line >= 0 and problem.message.strip(), problem


QUESTION_TEXTS = [path.read_text() for path in QUESTION_FILES]
QUESTION_DATA = [yaml.safe_load(text) for text in QUESTION_TEXTS]


def test_the_unmutated_questions_load():
    loaded = [load_question_text(text) for text in QUESTION_TEXTS[:4]]
    assert all(isinstance(q, Question) for q in loaded)


@FUZZ
@given(st.text(max_size=400))
@example("\x1f")  # found by this test: a control character made PyYAML's reader raise before parsing
@example("text: '{{ x|um }}'")  # found by this test: an unknown filter crashed the template check
def test_random_text_as_a_question(text):
    load_question_text(text)


@FUZZ
@given(mutated(QUESTION_DATA))
def test_mutated_questions(data):
    load_question_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False))


@FUZZ
@given(text_edits(QUESTION_TEXTS))
def test_text_edited_questions(text):
    load_question_text(text)


# --- The exam loader ----------------------------------------------------------------------------------------

EXAM_TEXT = SAMPLE_EXAM.read_text().replace("bank: ../banks/sample", f"bank: {SAMPLE_BANK}")
EXAM_DATA = [yaml.safe_load(EXAM_TEXT)]


@pytest.fixture(scope="module")
def exam_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("fuzz-exam")


@pytest.fixture(autouse=True)
def cached_bank(monkeypatch: pytest.MonkeyPatch) -> None:
    """The exam loader reads the same bank every time: load it once (the bank loader is fuzzed above)."""
    monkeypatch.setattr(
        exam_module, "load_bank", lambda path: sample_bank() if path == SAMPLE_BANK else load_bank(path)
    )


def load_exam_text(text: str, folder: Path) -> None:
    """Load and preflight one exam file (as `build` does): only located user errors may come out."""
    path = folder / "exam.yaml"
    path.write_text(text, encoding="utf-8", errors="surrogatepass")
    try:
        checked_exam(path)
    except UserError as exc:
        assert exc.problems
        assert_located(exc.problems)


def test_the_unmutated_exam_loads(exam_dir):
    load_exam_text(EXAM_TEXT, exam_dir)


@FUZZ
@given(st.text(max_size=400))
@example(EXAM_TEXT.replace("bank: ", "bank: " + "9" * 400))  # found by fuzzing: a file name the OS refuses
@example(EXAM_TEXT.replace(f"bank: {SAMPLE_BANK}", 'bank: "a\\0b"'))  # ... or a NUL byte in the bank path
def test_random_text_as_an_exam(exam_dir, text):
    load_exam_text(text, exam_dir)


@FUZZ
@given(mutated(EXAM_DATA))
def test_mutated_exams(exam_dir, data):
    load_exam_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), exam_dir)


@FUZZ
@given(text_edits([EXAM_TEXT]))
def test_text_edited_exams(exam_dir, text):
    load_exam_text(text, exam_dir)


def test_a_whole_bank_with_a_fuzzed_question_reports_located_errors(tmp_path):
    bank = tmp_path / "bank"
    (bank / "questions").mkdir(parents=True)
    (bank / "bank.yaml").write_text(f"name: fuzz\ntitle: Fuzz\nmodules: [{SAMPLE_BANK / 'solvers.py'}]\n")
    (bank / "questions" / "q.yaml").write_text(QUESTION_TEXTS[0].replace("max:", "max: 1e999 #", 1))
    with pytest.raises(UserError) as raised:
        load_bank(bank)
    assert_located(raised.value.problems)
