"""One spec reference: the README's tables name every key of the spec models, with its type and whether it is
required, and no key the models lack."""

from __future__ import annotations

from .conftest import ROOT
from .spec_reference import expected_rows, model_schemas, readme_tables

README = (ROOT / "README.md").read_text()


def test_every_model_has_exactly_one_reference_table():
    covered = [model for models, _ in readme_tables(README) for model in models.values()]
    assert sorted(covered) == sorted(model_schemas())


def test_every_key_of_every_model_is_in_its_table_with_type_and_required():
    schemas = model_schemas()
    for models, rows in readme_tables(README):
        for label, model in models.items():
            mine = [row for row in rows if not label or next(iter(row.values())) == label]
            written = {row["key"].strip("`"): (row["type"], row["required"]) for row in mine}
            assert written == expected_rows(schemas[model]), model
            assert len(written) == len(mine), f"{model}: a key is listed twice"
            assert all(row["meaning"] for row in mine), f"{model}: a row without a meaning"


def test_every_row_belongs_to_a_model_of_its_table():
    for models, rows in readme_tables(README):
        if "" not in models:
            assert all(next(iter(row.values())) in models for row in rows), models


def test_the_stale_spec_format_document_is_gone():
    assert not (ROOT / "docs" / "spec-format.md").exists()
