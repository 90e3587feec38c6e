"""Text-manipulation solvers: BART token masking, BART text infilling and T5 span corruption."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from qbank.registry import Params, Solution, param_function, solver

MASK = "<mask>"
CLOSER_TO_T5 = "text infilling"


def sentinel(index: int) -> str:
    """Return T5's sentinel token number `index` (`<extra_id_0>`, `<extra_id_1>`, ...)."""
    return f"<extra_id_{index}>"


@param_function("pretraining.sentence_tokens")
def sentence_tokens(p: Params) -> list[str]:
    """Split the example sentence into word tokens (one token per word)."""
    return str(p["sentence"]).split()


def corrupted_spans(n_tokens: int, spans: Sequence[Sequence[int]]) -> list[tuple[int, int]]:
    """Return 1-based (start, length) spans after checking they are ordered, separated and in range."""
    result: list[tuple[int, int]] = []
    previous_end = -1  # 1-based index of the last token of the previous span
    for span in spans:
        start, length = int(span[0]), int(span[1])
        end = start + length - 1
        if length < 1 or start < 1 or end > n_tokens:
            raise ValueError(f"span {tuple(span)} does not fit a {n_tokens}-token sentence")
        if start <= previous_end + 1:
            raise ValueError("spans must be in order and separated by at least one visible token")
        result.append((start, length))
        previous_end = end
    if not result:
        raise ValueError("at least one span must be corrupted")
    return result


@solver("pretraining.bart_t5_corruption")
def bart_t5_corruption(p: Params) -> Solution:
    """Corrupt the sentence by BART token masking, BART text infilling and T5 span corruption."""
    tokens = [str(t) for t in p["tokens"]]
    spans = corrupted_spans(len(tokens), p["spans"])
    span_start = {start - 1: length for start, length in spans}  # 0-based start -> length

    token_masking: list[str] = []
    infilling: list[str] = []
    t5_input: list[str] = []
    t5_target: list[str] = []
    span_steps: list[dict[str, Any]] = []
    i = 0
    while i < len(tokens):
        length = span_start.get(i)
        if length is None:
            token_masking.append(tokens[i])
            infilling.append(tokens[i])
            t5_input.append(tokens[i])
            i += 1
            continue
        words = tokens[i : i + length]
        marker = sentinel(len(span_steps))
        token_masking.extend([MASK] * length)
        infilling.append(MASK)
        t5_input.append(marker)
        t5_target.extend([marker, *words])
        span_steps.append(
            {
                "start": i + 1,
                "end": i + length,
                "length": length,
                "words": " ".join(words),
                "sentinel": marker,
            }
        )
        i += length
    t5_target.append(sentinel(len(span_steps)))

    answers = {
        "bart_token_masking": " ".join(token_masking),
        "bart_text_infilling": " ".join(infilling),
        "t5_input": " ".join(t5_input),
        "t5_target": " ".join(t5_target),
        "closer_to_t5": CLOSER_TO_T5,
    }
    steps = {
        "original": " ".join(tokens),
        "spans": span_steps,
        "n_tokens": len(tokens),
        "n_masked": sum(s["length"] for s in span_steps),
        "n_token_masking": len(token_masking),
        "n_infilling": len(infilling),
        "n_t5_input": len(t5_input),
        "n_t5_target": len(t5_target),
        "final_sentinel": sentinel(len(span_steps)),
    }
    return Solution(answers=answers, steps=steps)
