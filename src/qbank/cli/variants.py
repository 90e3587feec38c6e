"""`qbank variants`: draw and solve variants of one question or a whole bank, without rendering."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import TYPE_CHECKING

from qbank.core.errors import UserError

if TYPE_CHECKING:
    from qbank.solve.choices import ChoiceSet
    from qbank.solve.variant import Variant
    from qbank.spec.validate import Question

HELP = "draw and solve K variants of a question (or every question of a bank) and print them"
EXAMPLES = """example:
  qbank variants banks/deep-learning/questions/cnn/vgg-params.yaml --seed 0 --count 3
  qbank variants banks/deep-learning --seed 7 --count 1 --json
Variant i uses exam seed SEED+i on paper 'main': exactly what `qbank build --seed SEED+i` draws. An answer an
exam can ask as multiple choice also shows its options, lettered as that paper would print them."""


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
    from qbank.preflight.checks import checked_questions  # loaded by the command, not by every command's start
    from qbank.render.question import formatted_answers
    from qbank.solve.variant import make_variant

    _, questions = checked_questions(args.path)
    problems = []
    seeds = [args.seed] if args.canonical else range(args.seed, args.seed + args.count)
    for question in questions:
        for seed in seeds:
            try:
                variant = make_variant(question, seed, args.paper, args.canonical)
                choices = variant_choices(question, variant)
            except Exception as exc:
                from qbank.core.errors import LocatedError

                if isinstance(exc, LocatedError):
                    problems.append(exc.problem())
                    break
                raise
            if args.json:
                data = {**variant.to_json(), "formatted": formatted_answers(question, variant)}
                if choices:
                    data["choices"] = {name: choice_json(choice) for name, choice in choices.items()}
                print(json.dumps(data))
            else:
                _print_variant(question.id, variant, formatted_answers(question, variant))
                _print_choices(choices)
    if problems:
        raise UserError(problems)
    return 0


def _print_variant(question_id: str, variant, formatted: dict[str, str]) -> None:
    """Human-readable listing of one variant."""
    from qbank.draw.params import thaw

    which = "canonical" if variant.canonical else f"seed {variant.exam_seed}"
    print(f"{question_id}  [{which}, paper {variant.paper_id}]")
    for name, value in thaw(variant.params).items():
        print(f"  param  {name} = {json.dumps(value)}")
    for name, text in formatted.items():
        print(f"  answer {name} = {text}")


def variant_choices(question: Question, variant: Variant) -> dict[str, ChoiceSet]:
    """The options of every answer an exam can ask as multiple choice, as the variant's paper orders them for the
    question's first placement (the canonical order for a canonical variant)."""
    from qbank.solve.choices import build_choices, option_stream
    from qbank.solve.variant import describe
    from qbank.spec.choice_decl import choosable

    names = tuple(name for name, spec in question.spec.answers.items() if choosable(spec))
    if not names:
        return {}

    def order(answer: str) -> int:
        return option_stream(variant.exam_seed, variant.paper_id, question.id, answer)

    def desc() -> str:
        return describe(question, variant.exam_seed, variant.paper_id, variant.canonical, variant.params)

    order_seed = None if variant.canonical else order
    return dict(build_choices(question, variant.answers, variant.mistakes, variant.params, names, order_seed, desc))


def choice_json(choice: ChoiceSet) -> dict[str, object]:
    """A choice as the manifest records it, with the misconceptions dropped for this variant (and why)."""
    return {**choice.to_json(), "dropped": [{"name": name, "why": why} for name, why in choice.dropped]}


def _print_choices(choices: dict[str, ChoiceSet]) -> None:
    """Human-readable listing of the options: letter, text, and the key or the mistake behind it."""
    for name, choice in choices.items():
        for option in choice.options:
            source = "correct" if option.correct else (option.misconception or option.source)
            why = f": {option.why}" if option.why else ""
            print(f"  option {name} {option.letter} = {option.text}  ({source}{why})")
        for source, why in choice.dropped:
            print(f"  dropped {name} {source}: {why}")
