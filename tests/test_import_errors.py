"""A bank module that fails to import is located in the module, where the fault is (a SyntaxError at its file
and line, another exception at the innermost line of the bank's own code), pointing back to bank.yaml's entry."""

from __future__ import annotations

import re

from .test_user_errors import CHECK, _assert_user_error

SOLVERS = "banks/sample/solvers.py"
LISTED = r"\(while importing it for banks/sample/bank\.yaml:4: modules\[0\]\)"


def _append(sample_copy, text: str) -> int:
    """Append lines to the sample bank's solvers.py; the number of the first appended line."""
    solvers = sample_copy / SOLVERS
    lines = solvers.read_text().splitlines()
    solvers.write_text("\n".join([*lines, *text.splitlines()]) + "\n")
    return len(lines) + 1


def test_a_syntax_error_is_located_at_its_line_in_the_module(sample_copy, run_cli, monkeypatch):
    at = _append(sample_copy, "\n\ndef broken(:\n    pass")
    monkeypatch.chdir(sample_copy)
    status, out, err = run_cli(*CHECK)
    _assert_user_error(status, err, rf"(?m)^banks/sample/solvers\.py:{at + 2}: SyntaxError: invalid syntax {LISTED}$")
    assert "importlib" not in err


def test_an_exception_raised_in_a_library_is_located_at_the_bank_line_that_called_it(sample_copy, run_cli, monkeypatch):
    at = _append(sample_copy, "import json\nTABLE = json.loads('{')")
    monkeypatch.chdir(sample_copy)
    status, out, err = run_cli(*CHECK)
    _assert_user_error(status, err, rf"(?m)^banks/sample/solvers\.py:{at + 1}: JSONDecodeError: .* {LISTED}$")
    assert not re.search(r"json/\w+\.py", err)
