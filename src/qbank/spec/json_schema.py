"""JSON Schemas (draft 2020-12) of question, bank and exam files, generated from the spec models."""

from __future__ import annotations

import json
from typing import Any

from pydantic import BaseModel

from qbank.spec.bank import BankSpec
from qbank.spec.exam import ExamSpec
from qbank.spec.field_docs import FIELD_DOCS
from qbank.spec.models import QuestionSpec

DIALECT = "https://json-schema.org/draft/2020-12/schema"
KINDS: dict[str, tuple[type[BaseModel], str]] = {
    "question": (QuestionSpec, "qbank question file (questions/**/*.yaml)"),
    "bank": (BankSpec, "qbank bank file (bank.yaml)"),
    "exam": (ExamSpec, "qbank exam file"),
}
# the loader reads `paper_size` in any case (`a4`, `LETTER`); JSON Schema patterns have no case-folding flag
PAPER_SIZE = {"type": "string", "pattern": r"^\s*([aA]4|[lL][eE][tT][tT][eE][rR])\s*$"}


def json_schema(kind: str) -> dict[str, Any]:
    """The JSON Schema of one kind of spec file: 'question', 'bank' or 'exam'."""
    model, title = KINDS[kind]
    schema = model.model_json_schema(by_alias=True)
    for name, definition in [(model.__name__, schema), *schema.get("$defs", {}).items()]:
        _describe(name, definition)
    _close_maps(schema)
    if model is ExamSpec:
        schema["properties"]["paper_size"] = {**schema["properties"]["paper_size"], **PAPER_SIZE}
        del schema["properties"]["paper_size"]["enum"]
    return {"$schema": DIALECT, **schema, "title": title}


def schema_text(kind: str) -> str:
    """The schema as the JSON text `qbank schema KIND` prints (stable key order, one trailing newline)."""
    return json.dumps(json_schema(kind), indent=2, ensure_ascii=False) + "\n"


def _describe(model_name: str, definition: dict[str, Any]) -> None:
    """Give each property of one model its description from FIELD_DOCS."""
    docs = FIELD_DOCS.get(model_name, {})
    for key, prop in definition.get("properties", {}).items():
        if key in docs:
            prop["description"] = docs[key]


def _close_maps(node: Any) -> None:
    """A mapping whose keys must match a pattern refuses other keys, as the loader does."""
    if isinstance(node, dict):
        if "patternProperties" in node and "additionalProperties" not in node:
            node["additionalProperties"] = False
        for value in node.values():
            _close_maps(value)
    elif isinstance(node, list):
        for value in node:
            _close_maps(value)
