"""`qbank audit SET --paper ID` compares only the fonts the regenerated paper uses: another student's fonts (an
Arabic name's) are no change of the rendering environment."""

from __future__ import annotations

import pytest

from .classsets import write_roster
from .conftest import ROOT


@pytest.mark.slow
def test_auditing_one_paper_of_a_clean_set_reports_no_font_change(tmp_path, run_cli):
    rows = [{"roll": "24CS1001", "name": "Asha Rao", "section": "A"},
            {"roll": "24CS1002", "name": "سارة أحمد", "section": "B"}]  # fmt: skip
    roster = write_roster(tmp_path / "students.csv", rows)
    out = tmp_path / "set"
    status, _, _ = run_cli("build", ROOT / "exams" / "sample.yaml", "--roster", roster, "--seed", "7", "--out", out,
                           "--jobs", "1")  # fmt: skip
    assert status == 0
    status, text, err = run_cli("audit", out, "--paper", "24CS1001")
    assert status == 0, text + err
    assert "rendering environment changed" not in text + err
    status, text, err = run_cli("audit", out, "--paper", "24CS1002")  # the paper that uses the Arabic font
    assert status == 0 and "rendering environment changed" not in text + err, text + err
