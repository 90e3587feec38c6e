"""`qbank schema`: JSON Schemas generated from the spec models accept every spec qbank ships and refuse what the
loader refuses."""

from __future__ import annotations

import datetime
import json
from pathlib import Path

import jsonschema
import pytest
import yaml

from qbank.core.errors import UserError
from qbank.spec.bank import load_bank
from qbank.spec.exam import load_exam
from qbank.spec.json_schema import KINDS, json_schema

from .conftest import ROOT, SAMPLE_BANK

QUESTION_FILES = sorted((ROOT / "banks").glob("*/questions/**/*.yaml"))
BANK_FILES = sorted((ROOT / "banks").glob("*/bank.yaml"))
EXAM_FILES = sorted((ROOT / "exams").glob("*.yaml"))


def validator(kind: str) -> jsonschema.Draft202012Validator:
    schema = json_schema(kind)
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def as_an_editor_reads(path: Path) -> object:
    """The file's data as JSON: YAML dates as the strings an editor's YAML 1.2 server sees."""

    def plain(value: object) -> object:
        if isinstance(value, dict):
            return {key: plain(item) for key, item in value.items()}
        if isinstance(value, list):
            return [plain(item) for item in value]
        return value.isoformat() if isinstance(value, datetime.date) else value

    return plain(yaml.safe_load(path.read_text()))


def test_the_cli_prints_each_schema_as_json(run_cli):
    for kind in KINDS:
        status, out, err = run_cli("schema", kind)
        assert status == 0, err
        printed = json.loads(out)
        assert printed == json_schema(kind)
        assert printed["$schema"] == "https://json-schema.org/draft/2020-12/schema"
        jsonschema.Draft202012Validator.check_schema(printed)


def test_an_unknown_kind_is_a_command_line_error(run_cli):
    status, out, err = run_cli("schema", "roster")
    assert status == 2 and out == ""
    assert "<command line>: qbank schema: argument kind: invalid choice: 'roster'" in err


@pytest.mark.parametrize(
    ("kind", "files"), [("question", QUESTION_FILES), ("bank", BANK_FILES), ("exam", EXAM_FILES)], ids=str
)
def test_every_shipped_spec_validates(kind, files):
    assert len(files) >= {"question": 20, "bank": 2, "exam": 3}[kind]
    check = validator(kind)
    for path in files:
        errors = [
            f"{'.'.join(map(str, e.absolute_path))}: {e.message}" for e in check.iter_errors(as_an_editor_reads(path))
        ]
        assert errors == [], path


def test_every_key_has_a_description():
    for kind in KINDS:
        schema = json_schema(kind)
        for name, model in [(kind, schema), *schema.get("$defs", {}).items()]:
            missing = [key for key, prop in model.get("properties", {}).items() if not prop.get("description")]
            assert missing == [], f"{name}: {missing} (add them to qbank.spec.field_docs)"


BAD_QUESTIONS = {
    "unknown-key": ("marks: 4\n", "marks: 4\ncolour: red\n", "colour"),
    "marks-a-string": ("marks: 4\n", "marks: four\n", "marks"),
    "unknown-param-key": (
        "depth: {type: int, min: 1, max: 3}",
        "depth: {type: int, min: 1, max: 3, stepp: 1}",
        "stepp",
    ),
    "param-name-not-a-name": ("  depth: {type: int", "  deep depth: {type: int", "deep depth"),
    "unknown-param-kind": ("depth: {type: int, min: 1, max: 3}", "depth: {type: integer, min: 1, max: 3}", "depth"),
    "answer-format": ("format: int, unit: parameters", "format: integer, unit: parameters", "format"),
    "difficulty": ("difficulty: easy", "difficulty: trivial", "difficulty"),
}


@pytest.mark.parametrize("case", sorted(BAD_QUESTIONS))
def test_a_bad_question_is_refused_by_the_schema_and_by_qbank(case, sample_copy):
    old, new, key = BAD_QUESTIONS[case]
    path = sample_copy / "banks" / "sample" / "questions" / "dense-params.yaml"
    text = path.read_text()
    assert text.count(old) == 1
    path.write_text(text.replace(old, new))
    assert list(validator("question").iter_errors(as_an_editor_reads(path)))
    with pytest.raises(UserError) as refused:
        load_bank(sample_copy / "banks" / "sample")
    assert any(key in problem.path or key in problem.message for problem in refused.value.problems)


BAD_EXAMS = {
    "unknown-key": ("year: 2026\n", "year: 2026\ncolour: red\n"),
    "paper-size": ("year: 2026\n", "year: 2026\npaper_size: A5\n"),
    "year-a-string": ("year: 2026\n", "year: twenty\n"),
    "course-without-name": ("course: {code: QB101, name: Foundations of Machine Learning}", "course: {code: QB101}"),
}


@pytest.mark.parametrize("case", sorted(BAD_EXAMS))
def test_a_bad_exam_is_refused_by_the_schema_and_by_qbank(case, sample_copy):
    old, new = BAD_EXAMS[case]
    path = sample_copy / "exams" / "sample.yaml"
    text = path.read_text()
    assert text.count(old) == 1
    path.write_text(text.replace(old, new))
    assert list(validator("exam").iter_errors(as_an_editor_reads(path)))
    with pytest.raises(UserError):
        load_exam(path)


@pytest.mark.parametrize("size", ["letter", " A4 ", "LETTER"])
def test_a_paper_size_in_any_case_is_accepted_by_both(size, sample_copy):
    path = sample_copy / "exams" / "sample.yaml"
    path.write_text(f"paper_size: {json.dumps(size)}\n" + path.read_text())
    assert list(validator("exam").iter_errors(as_an_editor_reads(path))) == []
    assert load_exam(path).spec.paper_size in ("A4", "Letter")


def test_a_bank_file_with_a_wrong_type_is_refused_by_both(tmp_path):
    bank = tmp_path / "bank"
    (bank / "questions").mkdir(parents=True)
    (bank / "bank.yaml").write_text((SAMPLE_BANK / "bank.yaml").read_text().replace("[solvers.py]", "solvers.py"))
    assert list(validator("bank").iter_errors(as_an_editor_reads(bank / "bank.yaml")))
    with pytest.raises(UserError) as refused:
        load_bank(bank)
    assert [p.path for p in refused.value.problems] == ["modules"]
