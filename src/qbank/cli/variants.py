"""`qbank variants`: draw and solve variants of one question or a whole bank, without rendering."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from qbank.core.errors import UserError
from qbank.draw.params import thaw
from qbank.preflight.checks import checked_questions
from qbank.render.question import formatted_answers
from qbank.solve.variant import make_variant

HELP = "draw and solve K variants of a question (or every question of a bank) and print them"
EXAMPLES = """example:
  qbank variants banks/deep-learning/questions/cnn/vgg-params.yaml --seed 0 --count 3
  qbank variants banks/deep-learning --seed 7 --count 1 --json
Variant i uses exam seed SEED+i on paper 'main': exactly what `qbank build --seed SEED+i` draws."""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Arguments of `qbank variants`."""
    from qbank.cli.arguments import positive_int, seed_argument

    parser.add_argument("path", type=Path, help="a question file, a bank folder or its bank.yaml")
    parser.add_argument("--seed", type=seed_argument, default=0, help="first exam seed (default 0)")
    parser.add_argument("--count", type=positive_int, default=1, help="how many seeds (default 1)")
    parser.add_argument("--paper", default="main", help="paper id entering the seed (default 'main')")
    parser.add_argument("--canonical", action="store_true", help="print the canonical variant instead")
    parser.add_argument("--json", action="store_true", help="one JSON object per line per variant")


def run(args: argparse.Namespace, command: list[str]) -> int:
    """Print the variants."""
    _, questions = checked_questions(args.path)
    problems = []
    seeds = [args.seed] if args.canonical else range(args.seed, args.seed + args.count)
    for question in questions:
        for seed in seeds:
            try:
                variant = make_variant(question, seed, args.paper, args.canonical)
            except Exception as exc:
                from qbank.core.errors import LocatedError

                if isinstance(exc, LocatedError):
                    problems.append(exc.problem())
                    break
                raise
            if args.json:
                print(json.dumps({**variant.to_json(), "formatted": formatted_answers(question, variant)}))
            else:
                _print_variant(question.id, variant, formatted_answers(question, variant))
    if problems:
        raise UserError(problems)
    return 0


def _print_variant(question_id: str, variant, formatted: dict[str, str]) -> None:
    """Human-readable listing of one variant."""
    which = "canonical" if variant.canonical else f"seed {variant.exam_seed}"
    print(f"{question_id}  [{which}, paper {variant.paper_id}]")
    for name, value in thaw(variant.params).items():
        print(f"  param  {name} = {json.dumps(value)}")
    for name, text in formatted.items():
        print(f"  answer {name} = {text}")
