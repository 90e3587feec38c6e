"""Every bound in qbank.core.limits: documented in the README's table with its value, and tested at its edge — just
under (or at) the bound passes, just over is a located error naming the constant."""

from __future__ import annotations

import re

import pytest

from qbank.core import limits
from qbank.core.errors import UserError
from qbank.expressions.expression import ExpressionError, compile_expression
from qbank.spec.load import load_yaml_bytes, load_yaml_text

from .conftest import ROOT

README = (ROOT / "README.md").read_text()
CONSTANTS = {name: value for name, value in vars(limits).items() if name.isupper()}


def readme_table() -> dict[str, str]:
    """Name -> value text of each row of the README's *Limits* table."""
    section = README.split("\n### Limits\n", 1)[1].split("\n#", 1)[0]
    return dict(re.findall(r"^\| `([A-Z_0-9]+)` \| ([^|]+?) \|", section, flags=re.M))


def test_readme_table_lists_every_limit_with_its_value():
    table = readme_table()
    assert set(table) == set(CONSTANTS)
    for name, text in table.items():
        match = re.fullmatch(r"([\d,]+)|2\*\*(\d+)( - 1)?", text)
        assert match, f"{name}: value {text!r} is not a number such as 1,000 or 2**63 - 1"
        value = int(match[1].replace(",", "")) if match[1] else 2 ** int(match[2]) - (1 if match[3] else 0)
        assert value == CONSTANTS[name], name


def load_error(text: str) -> str:
    """The problems loading `text` as f.yaml reports (it must fail)."""
    with pytest.raises(UserError) as info:
        load_yaml_text(text, "f.yaml")
    return str(info.value)


# ---------- YAML ----------


def test_file_size_edge():
    head = b"x: 1\n#"
    assert load_yaml_bytes(head + b"a" * (limits.MAX_FILE_BYTES - len(head)), "f.yaml").data == {"x": 1}
    with pytest.raises(UserError) as info:
        load_yaml_bytes(head + b"a" * (limits.MAX_FILE_BYTES - len(head) + 1), "f.yaml")
    assert str(info.value) == "f.yaml: file is 1,000,001 bytes, more than 1,000,000 (limits.MAX_FILE_BYTES)"


def nested(levels: int) -> str:
    """A flow list nested `levels` deep, holding 1."""
    return "[" * levels + "1" + "]" * levels


def test_nesting_depth_edge():
    assert load_yaml_text(nested(limits.MAX_YAML_DEPTH), "f.yaml").data is not None
    message = load_error(nested(limits.MAX_YAML_DEPTH + 1))
    assert message == "f.yaml:1: nested deeper than 50 levels (limits.MAX_YAML_DEPTH)"


def test_nesting_depth_counts_expanded_aliases():
    inner = nested(limits.MAX_YAML_DEPTH - 1)  # under the top-level mapping: 50 levels in all
    assert load_yaml_text(f"a: &a {inner}\nb: *a\n", "f.yaml").data["b"] == load_yaml_text(f"a: {inner}", "f").data["a"]
    message = load_error(f"a: &a {inner}\nb: [*a]\n")
    assert re.fullmatch(r"f\.yaml:1: b\[0\](\[0\])*: nested deeper than 50 levels once aliases are expanded "
                        r"\(limits\.MAX_YAML_DEPTH\)", message), message  # fmt: skip


def aliases(count: int) -> str:
    """A document with one anchor and `count` aliases of it."""
    return "a: &a 1\nb: [" + ", ".join(["*a"] * count) + "]\n"


def test_alias_count_edge():
    assert len(load_yaml_text(aliases(limits.MAX_YAML_ALIASES), "f.yaml").data["b"]) == limits.MAX_YAML_ALIASES
    assert (
        load_error(aliases(limits.MAX_YAML_ALIASES + 1)) == "f.yaml:2: more than 100 aliases (limits.MAX_YAML_ALIASES)"
    )


def values(items: int) -> str:
    """A mapping (1 value) holding a list (1 value) of `items` values."""
    return "x: [" + ", ".join(["0"] * items) + "]\n"


@pytest.mark.slow
def test_expanded_value_count_edge():
    assert len(load_yaml_text(values(limits.MAX_YAML_NODES - 2), "f.yaml").data["x"]) == limits.MAX_YAML_NODES - 2
    message = load_error(values(limits.MAX_YAML_NODES - 1))
    assert message == "f.yaml:1: x[99998]: more than 100,000 values once aliases are expanded (limits.MAX_YAML_NODES)"


def test_billion_laughs_stops_at_the_value_count():
    rows = ["a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    rows += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]" for i in range(1, 10)]
    assert "more than 100,000 values once aliases are expanded" in load_error("\n".join(rows))


def test_scalar_length_edge():
    assert len(load_yaml_text("x: " + "a" * limits.MAX_SCALAR_CHARS, "f.yaml").data["x"]) == limits.MAX_SCALAR_CHARS
    message = load_error("x: " + "a" * (limits.MAX_SCALAR_CHARS + 1))
    assert message == "f.yaml:1: x: value is 100,001 characters, more than 100,000 (limits.MAX_SCALAR_CHARS)"


def test_yaml_integer_size_edge():
    largest = 2**limits.MAX_INT_BITS - 1
    assert load_yaml_text(f"x: {largest}", "f.yaml").data["x"] == largest
    assert load_yaml_text(f"x: {-largest}", "f.yaml").data["x"] == -largest
    message = load_error(f"x: {largest + 1}")
    assert message == "f.yaml:1: x: integer too large: more than 4,096 bits (limits.MAX_INT_BITS)"


@pytest.mark.parametrize("text", [".nan", ".inf", "-.inf", "1.0e+400"])
def test_nan_and_infinity_are_refused(text):
    assert (
        load_error(f"a: 1\nx: [1, {text}]")
        == f"f.yaml:2: x[1]: {text!r}: NaN and infinity are not allowed (use a finite number)"
    )
    assert load_yaml_text("x: 1.0e+300", "f.yaml").data["x"] == 1e300


# ---------- parameters ----------

DENSE = "banks/sample/questions/dense-params.yaml"


def variants_with(sample_copy, run_cli, monkeypatch, original: str, param: str) -> tuple[int, str]:
    """Run `qbank variants` on the dense-params question with one more drawn parameter `x` (canonical 0)."""
    target = sample_copy / DENSE
    text = original.replace(
        "  bias: {type: fixed, value: true}\n", f"  bias: {{type: fixed, value: true}}\n  x: {param}\n"
    )
    target.write_text(text.replace("outputs: 10}", "outputs: 10, x: 0}"))
    monkeypatch.chdir(sample_copy)
    status, out, err = run_cli("variants", DENSE, "--count", "1")
    return status, out + err


@pytest.mark.parametrize(
    ("ok", "bad", "message"),
    [
        ("{type: int, min: -1, max: 9223372036854775806}", "{type: int, min: -2, max: 9223372036854775806}",
         r"params\.x\.max: the range -2\.\.9223372036854775806 holds more than 9,223,372,036,854,775,808 values "
         r"\(limits\.MAX_RANGE_VALUES\)"),
        ("{type: int, min: 0, max: 9223372036854775807}", "{type: int, min: 0, max: 9223372036854775808}",
         r"params\.x\.max: 9223372036854775808 is beyond ±9,223,372,036,854,775,807 \(limits\.MAX_PARAM_INT\)"),
        ("{type: int, min: -9223372036854775807, max: 0}", "{type: int, min: -9223372036854775808, max: 0}",
         r"params\.x\.min: -9223372036854775808 is beyond ±9,223,372,036,854,775,807"),
        ("{type: float, min: 0, max: 92233720368547.0, decimals: 5}",
         "{type: float, min: 0, max: 92233720368548.0, decimals: 5}",
         r"params\.x\.max: 92233720368548\.0 is beyond ±9,223,372,036,854,775,807 units of its last decimal"),
        ("{type: int, min: 0, max: 9, shape: [100, 100]}", "{type: int, min: 0, max: 9, shape: [100, 101]}",
         r"params\.x\.shape: 100 × 101 is 10,100 elements, more than 10,000 \(limits\.MAX_SHAPE_ELEMENTS\)"),
        ("{type: int, min: 0, max: 9, shape: [1, 1, 1]}", "{type: int, min: 0, max: 9, shape: [1, 1, 1, 1]}",
         r"params\.x\.shape: list should have at most 3 items"),
    ],
    ids=["range-values", "int-max", "int-min", "float-magnitude", "shape-elements", "shape-dims"],
)  # fmt: skip
def test_parameter_bound_edges(ok, bad, message, sample_copy, run_cli, monkeypatch, tmp_path):
    original = (sample_copy / DENSE).read_text()
    status, output = variants_with(sample_copy, run_cli, monkeypatch, original, ok)
    assert status == 0, output
    assert "basics/dense-params" in output
    status, output = variants_with(sample_copy, run_cli, monkeypatch, original, bad)
    assert status == 2, output
    assert re.search(r"dense-params\.yaml:15: " + message, output), output


# ---------- expressions ----------


def refused(source: str, env: dict | None = None) -> str:
    """The message of the ExpressionError evaluating `source` raises."""
    with pytest.raises(ExpressionError) as info:
        compile_expression(source)(env or {})
    return str(info.value)


def test_expression_steps_edge():
    steps = limits.MAX_EXPR_STEPS
    assert compile_expression("sum(xs)")({"xs": [1] * steps}) == steps  # a sum visits each item: one step each
    message = refused("sum(xs)", {"xs": [1] * (steps + 1)})
    assert message == "too much work: more than 1,000,000 steps (limits.MAX_EXPR_STEPS)"


def test_expression_steps_count_loop_items_times_nodes():
    # one `for` clause over n items whose element is one node: n * (1 + 1) steps (sum spends nothing more on a
    # generator, whose items are already paid for)
    half = limits.MAX_EXPR_STEPS // 2
    assert compile_expression("sum(1 for i in xs)")({"xs": [0] * half}) == half
    assert "MAX_EXPR_STEPS" in refused("sum(1 for i in xs)", {"xs": [0] * (half + 1)})


def test_each_evaluation_has_its_own_budget():
    expression = compile_expression("sum(xs)")
    env = {"xs": [1] * limits.MAX_EXPR_STEPS}
    assert [expression(env) for _ in range(3)] == [limits.MAX_EXPR_STEPS] * 3


def test_expression_integer_size_edge():
    assert compile_expression("2 ** 4095")({}).bit_length() == limits.MAX_INT_BITS
    assert refused("2 ** 4096") == "integer too large: a power with more than 4,096 bits (limits.MAX_INT_BITS)"
    largest = 2**limits.MAX_INT_BITS - 1
    assert compile_expression("x * 1")({"x": largest}) == largest
    assert refused("x * 2", {"x": largest}) == "integer too large: more than 4,096 bits (limits.MAX_INT_BITS)"
    assert refused("prod([x, 2])", {"x": largest}) == "integer too large: more than 4,096 bits (limits.MAX_INT_BITS)"
    assert refused("sum([x, 1])", {"x": largest}) == "integer too large: more than 4,096 bits (limits.MAX_INT_BITS)"


def test_expression_sequence_size_edge():
    assert len(compile_expression("[0] * 100000")({})) == limits.MAX_SEQUENCE
    assert (
        refused("[0] * 100001") == "repetition too large: 1 items × 100001 is more than 100,000 (limits.MAX_SEQUENCE)"
    )
    assert len(compile_expression("range(100000)")({})) == limits.MAX_SEQUENCE
    assert refused("range(100001)") == "range too long: more than 100,000 items (limits.MAX_SEQUENCE)"
    assert len(compile_expression("xs + [0]")({"xs": [0] * 99_999})) == limits.MAX_SEQUENCE
    assert refused("xs + [0]", {"xs": [0] * 100_000}) == "list too long: more than 100,000 items (limits.MAX_SEQUENCE)"


def test_expression_string_size_edge():
    assert len(compile_expression("'a' * 100000")({})) == limits.MAX_STRING
    assert refused("'a' * 100001") == "repetition too large: 1 items × 100001 is more than 100,000 (limits.MAX_STRING)"
    assert len(compile_expression("s + 'a'")({"s": "a" * 99_999})) == limits.MAX_STRING
    message = refused("s + 'a'", {"s": "a" * 100_000})
    assert message == "string too long: more than 100,000 characters (limits.MAX_STRING)"


# ---------- CSV files (rosters, responses) and manifests ----------


def roster_error(tmp_path, text: str) -> str:
    """The problems reading `text` as a roster report (it must fail)."""
    from qbank.spec.roster import read_roster

    path = tmp_path / "roster.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(UserError) as info:
        read_roster(path)
    return str(info.value)


def test_csv_bounds_at_their_edges(tmp_path, monkeypatch):
    from qbank.spec import roster
    from qbank.spec.roster import read_roster

    path = tmp_path / "roster.csv"
    cell = "a" * limits.MAX_CSV_CELL
    path.write_text(f"roll,name\nR1,{cell}\n", encoding="utf-8")
    assert read_roster(path)[0].name == cell
    assert "roster.csv:2: column 2: 10,001 characters, more than 10,000 (limits.MAX_CSV_CELL)" in roster_error(
        tmp_path, f"roll,name\nR1,{cell}a\n"
    )
    extra = [f"c{i}" for i in range(limits.MAX_CSV_COLUMNS - 2)]
    path.write_text(",".join(["roll", "name", *extra]) + "\n" + ",".join(["R1", "N", *extra]) + "\n")
    assert len(read_roster(path)) == 1
    too_wide = ",".join(["roll", "name", *extra, "one-more"]) + "\n"
    assert "roster.csv:1: 1,001 fields, more than 1,000 (limits.MAX_CSV_COLUMNS)" in roster_error(tmp_path, too_wide)
    monkeypatch.setattr(roster, "MAX_CSV_ROWS", 3)  # the rows bound, exercised at a small value
    rows = "".join(f"R{i},N{i}\n" for i in range(3))
    path.write_text("roll,name\n" + rows)
    assert len(read_roster(path)) == 3
    assert "roster.csv:5: more than 3 rows (limits.MAX_CSV_ROWS)" in roster_error(
        tmp_path, "roll,name\n" + rows + "R9,N\n"
    )


@pytest.mark.slow
def test_csv_file_size_is_checked_before_reading(tmp_path):
    from qbank.spec.roster import read_roster

    path = tmp_path / "roster.csv"
    head = "roll,name\nR1,N\n"
    path.write_text(head + "\n" * (limits.MAX_CSV_BYTES - len(head)))
    assert len(read_roster(path)) == 1
    message = roster_error(tmp_path, head + "\n" * (limits.MAX_CSV_BYTES - len(head) + 1))
    assert "roster.csv: roster is more than 20,000,000 bytes (limits.MAX_CSV_BYTES)" in message


def test_manifest_size_and_depth_at_their_edges(tmp_path, monkeypatch):
    from qbank.output import manifest_read
    from qbank.output.manifest_json import JsonProblem, parse_strict

    depth = limits.MANIFEST_MAX_DEPTH + 1  # the top-level object and MANIFEST_MAX_DEPTH levels nested in it
    assert parse_strict("[" * depth + "]" * depth) is not None
    with pytest.raises(JsonProblem, match=f"nested more than {limits.MANIFEST_MAX_DEPTH} levels deep"):
        parse_strict("[" * (depth + 1) + "]" * (depth + 1))
    monkeypatch.setattr(manifest_read, "MAX_MANIFEST_BYTES", 10)  # the size bound, exercised at a small value
    manifest = tmp_path / "manifest.json"
    manifest.write_text("[" + " " * 8 + "]")
    with pytest.raises(UserError) as info:
        manifest_read.load_manifest(manifest)
    assert "(limits.MAX_MANIFEST_BYTES)" not in str(info.value)  # 10 bytes pass the size bound (then fail later)
    manifest.write_text("[" + " " * 9 + "]")
    with pytest.raises(UserError) as info:
        manifest_read.load_manifest(manifest)
    assert "manifest.json: manifest is more than 10 bytes (limits.MAX_MANIFEST_BYTES)" in str(info.value)
