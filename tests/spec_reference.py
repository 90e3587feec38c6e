"""The README's spec reference tables, read back, and the rows the spec models' JSON Schemas say they must hold."""

from __future__ import annotations

import re
from typing import Any

from qbank.spec.json_schema import KINDS, json_schema

NAMES = {
    "AnswerSpec": "answer",
    "ChoiceSettings": "choices",
    "OptionSpec": "option",
    "Constraint": "constraint",
    "Course": "course",
    "ExamItem": "question entry",
    "FrontLabels": "labels",
    "QuestionRef": "part",
    "RubricItem": "rubric item",
    "Section": "section",
    "Tolerance": "tolerance",
}
MARKER = re.compile(r"^<!-- fields: (.*?) -->\n((?:\|.*\|\n)+)", re.M)


def model_schemas() -> dict[str, dict[str, Any]]:
    """Every model of the question, bank and exam schemas, by class name."""
    models: dict[str, dict[str, Any]] = {}
    for kind, (model, _) in KINDS.items():
        schema = json_schema(kind)
        models[model.__name__] = schema
        models.update(schema.get("$defs", {}))
    return models


def type_text(prop: dict[str, Any]) -> str:
    """A property's type in the README's words (`list of string`, `mapping of parameter`, ...)."""
    if "$ref" in prop:
        name = prop["$ref"].rsplit("/", 1)[-1]
        return NAMES.get(name, name)
    if "oneOf" in prop:
        return "parameter" if all(p["$ref"].endswith("Param") for p in prop["oneOf"]) else "?"
    if "anyOf" in prop:
        parts = [type_text(p) for p in prop["anyOf"] if p != {"type": "null"}]
        return " or ".join(dict.fromkeys(parts))
    if "const" in prop:
        return f"`{prop['const']}`"
    if "enum" in prop:
        return "/".join(f"`{value}`" for value in prop["enum"])
    kind = prop.get("type")
    if kind == "array":
        return f"list of {type_text(prop.get('items', {}))}"
    if kind == "object":
        values = prop.get("additionalProperties", {})
        values = next(iter(prop.get("patternProperties", {}).values()), values)
        return (
            "mapping" if values in ({}, True) or values.get("type") == "object" else f"mapping of {type_text(values)}"
        )
    if kind == "string" and prop.get("format") == "date":
        return "date"
    return kind or "any"


def expected_rows(model: dict[str, Any]) -> dict[str, tuple[str, str]]:
    """key -> (type, required) for one model, as its schema gives them."""
    required = set(model.get("required", []))
    return {key: (type_text(prop), "yes" if key in required else "no") for key, prop in model["properties"].items()}


def readme_tables(readme: str) -> list[tuple[dict[str, str], list[dict[str, str]]]]:
    """Each marked table: ({label: model}, rows as {column: cell}); `<!-- fields: Model -->` has one model."""
    tables = []
    for marker, body in MARKER.findall(readme):
        pairs = [item.strip() for item in marker.split(",")]
        models = dict(pair.split("=") if "=" in pair else ("", pair) for pair in pairs)
        lines = body.strip().split("\n")
        header = _cells(lines[0])
        rows = [dict(zip(header, _cells(line), strict=True)) for line in lines[2:]]
        tables.append((models, rows))
    return tables


def _cells(line: str) -> list[str]:
    """The cells of one Markdown table row (a `\\|` inside a cell is part of the cell)."""
    return [cell.strip().replace("\\|", "|") for cell in re.split(r"(?<!\\)\|", line.strip())[1:-1]]
