"""Named bounds on what a bank, an exam or a template may ask of qbank (each is listed in README.md)."""

from __future__ import annotations

# --- Templates (Jinja, question text and solution, page templates) -----------------------------------------------
#: Loop iterations one template render may run, all loops together (a bank's largest loop runs ~64).
TEMPLATE_MAX_LOOP_ITEMS = 10_000
#: Characters (or items, counted deeply) of any value an operator, filter or call in a template produces.
TEMPLATE_MAX_VALUE = 1_000_000
#: Characters a template render may produce and compute in all (outputs plus every value made on the way).
TEMPLATE_MAX_WORK = 50_000_000
#: Bits of an integer a template may compute (`9**(9**9)` has ~2.1e8).
TEMPLATE_MAX_INT_BITS = 4_096
#: A width or precision in `format`, `%`, `center`, `indent`, ... (and `lipsum` paragraphs times words).
TEMPLATE_MAX_WIDTH = 1_000
#: Characters a page template (paper, key, practice) may render (the deep-learning key is ~1.8 million).
PAGE_MAX_OUTPUT = 16_000_000

# --- Question text and solution -------------------------------------------------------------------------------
#: Characters of a question's `text` or `solution` template as written (the largest in the banks: ~2,700).
QUESTION_MAX_SOURCE = 16_000
#: Characters a question's `text` or `solution` renders to through Jinja, before Markdown (largest ~1,400).
QUESTION_MAX_RENDERED = 32_000
#: Nesting depth of the HTML one text or solution becomes (lists in quotes in emphasis ...; the banks reach 7).
MARKUP_MAX_DEPTH = 16
#: Columns of a Markdown table.
TABLE_MAX_COLUMNS = 24
#: Cells of one Markdown table.
TABLE_MAX_CELLS = 1_000

# --- Formulas -----------------------------------------------------------------------------------------------------
#: Characters of one `$...$` formula (the largest in the banks: ~400).
MATH_MAX_SOURCE = 4_000
#: Nesting depth of braces in a formula, and of the MathML it becomes (`\frac{\frac{...}}`).
MATH_MAX_DEPTH = 24
