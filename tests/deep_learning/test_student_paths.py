"""The paths a careful student takes from the printed paper and worked solution reach the key.

Independent of the solvers: numbers are read back from the rendered HTML and recomputed here.
"""

from __future__ import annotations

import html
import math
import re
from pathlib import Path

import pytest

from qbank.render.question import render_part, render_question_text
from qbank.testing import bank_variants, cached_bank

BANK = Path(__file__).resolve().parents[2] / "banks" / "deep-learning"
SEEDS = 300
SUPERSCRIPTS = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹⁻", "0123456789-")


def printed_number(cell: str) -> float:
    """A number as printed in a table cell: '0.0002940', '5.385×10⁻⁶', '−6', '12.1320' (tags stripped)."""
    text = html.unescape(re.sub(r"<[^>]+>", "", cell)).strip().replace("−", "-").replace(",", "")
    mantissa, _, exponent = text.partition("×10")
    return float(mantissa) * 10 ** int(exponent.translate(SUPERSCRIPTS) or "0")


def table_rows(solution_html: str, first_header: str) -> list[list[str]]:
    """The body cells of the table whose first header cell is `first_header`."""
    start = solution_html.index("<tbody>", solution_html.index(f"<th>{first_header}</th>"))
    body = solution_html[start : solution_html.index("</tbody>", start)]
    return [re.findall(r"<td>(.*?)</td>", row, re.S) for row in re.findall(r"<tr>(.*?)</tr>", body, re.S)]


@pytest.mark.slow
def test_skipgram_loss_is_reached_from_the_printed_worked_solution() -> None:
    """Summing -ln of the printed context probabilities, or the printed per-word losses, or 4 log-sum-exp minus
    the context scores, lands within the key's ±0.01 for every seed (the rounded 4-decimal table did not)."""
    question = cached_bank(str(BANK)).question("embeddings/skipgram-forward")
    misses = []
    for variant in bank_variants(BANK, question.id, SEEDS):
        key = variant.answers["loss"]
        solution = str(render_part(question, variant).solution)
        rows = table_rows(solution, "Context word")
        assert len(rows) == 4, solution
        from_probabilities = sum(-math.log(printed_number(r[2])) for r in rows)
        from_losses = sum(printed_number(r[3]) for r in rows)
        total_line = re.sub(r"<[^>]+>", "", solution[solution.index("Total loss:") :].split("</p>")[0])
        lse = re.search(r"4\s*×\s*([0-9.,]+)\s*−", total_line)
        assert lse, total_line
        from_lse = 4 * printed_number(lse.group(1)) - sum(printed_number(r[1]) for r in rows)
        paths = {"-ln p": from_probabilities, "per-word losses": from_losses, "4 lse - sum u": from_lse}
        for name, value in paths.items():
            if abs(value - key) > 0.01:
                misses.append((variant.seed, name, value, key))
    assert not misses, misses[:10]


def test_skipgram_text_says_how_to_compute_the_loss() -> None:
    question = cached_bank(str(BANK)).question("embeddings/skipgram-forward")
    variant = next(bank_variants(BANK, question.id, 1))
    text = re.sub(r"<[^>]+>", " ", render_question_text(question, variant))
    assert "rather than from rounded probabilities" in text
    assert "three decimals" in text


def test_kl_penalty_states_its_sign_convention() -> None:
    """The text fixes the penalty as the positive amount subtracted, so +β·log-ratio is the only reading; the
    key's penalty is positive (the constraint keeps the log-ratio ≥ 0.95) and R = RM - penalty."""
    question = cached_bank(str(BANK)).question("rlhf/kl-penalty")
    for variant in bank_variants(BANK, question.id, 50):
        text = re.sub(r"<[^>]+>", " ", render_question_text(question, variant))
        assert "subtracted from" in text
        p, a = variant.params, variant.answers
        assert a["penalty"] > 0
        assert math.isclose(a["penalty"], p["beta"] * (p["logp_rl"] - p["logp_sft"]), rel_tol=1e-12)
        assert math.isclose(a["reward"], p["rm"] - a["penalty"], rel_tol=1e-12, abs_tol=1e-12)


def test_diffusion_prior_asks_for_the_method_its_key_uses() -> None:
    """The text invites ln(1 - β) ≈ -β and the key prints exactly that estimate (not the product, 4-12% off)."""
    question = cached_bank(str(BANK)).question("generative/diffusion-prior")
    for variant in bank_variants(BANK, question.id, 50):
        p, a = variant.params, variant.answers
        betas = [p["beta_1"] + (p["beta_T"] - p["beta_1"]) * i / (p["T"] - 1) for i in range(p["T"])]
        assert math.isclose(a["alpha_T"], math.exp(-math.fsum(betas)), rel_tol=1e-9)
        text = re.sub(r"<[^>]+>", " ", render_question_text(question, variant))
        assert "using" in text and "to three significant figures" in text
