"""The practice server's pages: the picker, a question (inputs per asked answer), the marked attempt with the
worked solution, and error pages; rendered by qbank's sandboxed Jinja environment from templates/serve."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup

from qbank.render.markup import inline_math_html
from qbank.render.options import option_html
from qbank.render.paper import SolvedPart
from qbank.render.question import PACKAGE_TEMPLATES
from qbank.render.templating import make_environment
from qbank.serve.catalog import Catalog, Entry, Multi
from qbank.serve.cells import cell_field, cell_indices, cell_label
from qbank.serve.hints import hint
from qbank.serve.marking import FIELD_PREFIX, Attempt, Mark, grids, part_prefix
from qbank.spec.exam import Part

SERVE_TEMPLATES = PACKAGE_TEMPLATES / "serve"
DIFFICULTIES = ("easy", "medium", "hard")


@dataclass(frozen=True)
class Field:
    """One input of a question page: the answer's field name, label, unit, kind, hint and options (letter, html)."""

    name: str
    answer: str
    label: Markup
    unit: Markup
    kind: str  # number, text, choice, multi
    hint: str
    options: tuple[tuple[str, Markup], ...]
    typed: str = ""
    mark: Mark | None = None
    grid: tuple[tuple[tuple[str, str, str], ...], ...] = ()  # a vector's or matrix's rows of (field, label, typed)

    @property
    def picked(self) -> tuple[str, ...]:
        """The option letters ticked in the attempt."""
        return tuple(self.typed.split(", ")) if self.typed else ()


@dataclass(frozen=True)
class Shown:
    """One part of a multi-part page: its placement (label, marks), rendered text and figure, inputs, how many of
    them are right, and its worked solution (empty before marking)."""

    part: Part
    text: Markup
    figure: Markup | None
    fields: list[Field]
    right: int
    solution: Markup


class Pages:
    """Renders every page of the server (templates loaded once)."""

    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog
        self.env = make_environment([SERVE_TEMPLATES])

    def render(self, name: str, **context: object) -> str:
        """One page template rendered with the site's title."""
        return self.env.get_template(name).render(site=self.catalog.title, **context)

    def picker(self, topic: str, difficulty: str) -> str:
        """The list of questions (a multi-part question as one row), by section, filtered by topic and difficulty
        ('' for all; a multi-part question is listed when one of its parts matches)."""

        def matches(part: Part) -> bool:
            spec = part.question.spec
            return (not topic or topic in spec.topics) and (not difficulty or spec.difficulty == difficulty)

        sections: dict[str, list[Entry | Multi]] = {}
        for row in self.catalog.listing:
            if any(matches(part) for part in (row.parts if isinstance(row, Multi) else (row.part,))):
                sections.setdefault(row.section, []).append(row)
        return self.render("picker.html.j2", sections=sections, topics=self.catalog.topics(), topic=topic,
                           difficulty=difficulty, difficulties=DIFFICULTIES)  # fmt: skip

    def question(self, entry: Entry, seed: int, solved: SolvedPart, attempt: Attempt | None = None,
                 marks: Sequence[Mark] = (), next_seed: int | None = None) -> str:  # fmt: skip
        """A question page; with `marks`, the marked attempt (grid cells as typed), the worked solution and a
        new-variant link."""
        by_name = {m.answer: m for m in marks}
        attempt = attempt or Attempt()
        fields = [self._field(solved, name, attempt, by_name.get(name)) for name in solved.graded]
        rendered = solved.rendered
        assert rendered is not None
        right = sum(1 for m in marks if m.right)
        return self.render("question.html.j2", entry=entry, seed=seed, text=rendered.text, figure=rendered.figure,
                           fields=fields, marked=bool(marks), right=right, asked=len(fields),
                           solution=rendered.solution if marks else Markup(""), next_seed=next_seed)  # fmt: skip

    def item(self, multi: Multi, seed: int, solved: Sequence[SolvedPart], attempts: Sequence[Attempt] = (),
             marks: Sequence[Sequence[Mark]] = (), next_seed: int | None = None) -> str:  # fmt: skip
        """A multi-part question on one page: every part's text, figure, marks and inputs (fields prefixed by the
        part's label); with `marks`, every part marked, then the worked solutions of all parts."""
        shown = []
        for k, part in enumerate(solved):
            attempt = attempts[k] if attempts else Attempt()
            by_name = {m.answer: m for m in marks[k]} if marks else {}
            prefix = part_prefix(part)
            fields = [self._field(part, name, attempt, by_name.get(name), prefix) for name in part.graded]
            rendered = part.rendered
            assert rendered is not None
            right = sum(1 for m in by_name.values() if m.right)
            shown.append(Shown(part.part, rendered.text, rendered.figure, fields, right,
                               rendered.solution if marks else Markup("")))  # fmt: skip
        right, asked = sum(p.right for p in shown), sum(len(p.fields) for p in shown)
        total = sum(p.part.marks for p in shown)
        return self.render("item.html.j2", multi=multi, seed=seed, parts=shown, marked=bool(marks), right=right,
                           asked=asked, total=total, next_seed=next_seed)  # fmt: skip

    def _field(self, solved: SolvedPart, name: str, attempt: Attempt, mark: Mark | None, prefix: str = "") -> Field:
        """The input of one asked answer (its field name after `prefix`): a box, options, or a vector's or matrix's
        grid of cells."""
        spec = solved.part.question.spec.answers[name]
        typed = attempt.typed.get(name, "")
        choice = solved.choices.get(name)
        label = Markup(inline_math_html(spec.label or name))
        unit = Markup(inline_math_html(spec.unit)) if spec.unit else Markup("")
        if choice is not None:
            options = tuple((o.letter, option_html(o)) for o in choice.options)
            chose = "select all that apply" if choice.kind == "multi" else "pick one"
            return Field(prefix + FIELD_PREFIX + name, name, label, unit, choice.kind, chose, options, typed, mark)
        shape = grids(solved).get(name)
        if shape is not None:
            cells = attempt.cells.get(name, {})
            text = spec.label or name
            row_of = [(cell_field(prefix + FIELD_PREFIX + name, i), cell_label(text, i, shape), cells.get(i, ""))
                      for i in cell_indices(shape)]  # fmt: skip
            width = shape[-1]
            grid = tuple(tuple(row_of[r : r + width]) for r in range(0, len(row_of), width))
            return Field(prefix + FIELD_PREFIX + name, name, label, unit, "grid", hint(spec, grid=True), (), typed,
                         mark, grid)  # fmt: skip
        kind = "text" if spec.format in ("text", "vector", "matrix") else "number"
        return Field(prefix + FIELD_PREFIX + name, name, label, unit, kind, hint(spec), (), typed, mark)

    def error(self, status: int, message: str) -> str:
        """A page explaining a refused request."""
        return self.render("error.html.j2", status=status, message=message)
