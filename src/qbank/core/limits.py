"""Named bounds on what a bank, an exam or a template may ask of qbank (each is listed in README.md, *Limits*).

A spec, exam or template is untrusted input: these bounds keep a hostile or mistaken file from hanging the process
or exhausting memory, and turn it into a located error instead. tests/test_limits.py checks the README table
against this module and tests the YAML, parameter and expression bounds at their edges.
"""

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

# --- multiple choice ---
MAX_CHOICE_OPTIONS = 10  # options of one choice or multi answer (letters A to J), written or generated

# --- YAML files (load stage) ---
MAX_FILE_BYTES = 1_000_000  # size of one YAML file (question, bank or exam)
MAX_YAML_DEPTH = 50  # nesting of mappings and lists in one YAML file (aliases expanded)
MAX_YAML_ALIASES = 100  # `*alias` references in one YAML file
MAX_YAML_NODES = 100_000  # values in one YAML file once every alias is expanded
MAX_SCALAR_CHARS = 100_000  # characters of one YAML scalar

# --- parameters (validate and draw stages) ---
MAX_PARAM_INT = 2**63 - 1  # |min|, |max|, step of an int parameter (numpy's int64); a float's in last-decimal units
MAX_RANGE_VALUES = 2**63  # values on the grid of an int or float parameter's range
MAX_SHAPE_ELEMENTS = 10_000  # elements of an array parameter (the product of its `shape`)
MAX_SHAPE_DIMS = 3  # dimensions of an array parameter (the length of its `shape`)

# --- expressions (run time, per evaluation) ---
MAX_EXPR_STEPS = 1_000_000  # work of one evaluation: loop items x syntax nodes, container items visited
MAX_INT_BITS = 4096  # bits of an integer in YAML, computed by an expression, or held by a derived parameter
MAX_SEQUENCE = 100_000  # items of a list, tuple, set, dict or range an expression builds
MAX_STRING = 100_000  # characters of a string an expression builds or a derived parameter holds

# --- draws (draw stage) ---
MAX_ATTEMPTS_CAP = 100_000  # the most draws a question may ask its constraints to take (`max_attempts`)

# --- CSV files (rosters and response files) ---
MAX_CSV_BYTES = 20_000_000  # size of one roster or response file
MAX_CSV_ROWS = 50_000  # rows of one roster or response file (students)
MAX_CSV_COLUMNS = 1_000  # columns of one roster or response file
MAX_CSV_CELL = 10_000  # characters of one cell of a roster or response file

# --- manifests (audit and grade) ---
MAX_MANIFEST_BYTES = 500_000_000  # size of a manifest.json grade reads; for audit, its fields besides `papers`
MAX_MANIFEST_RECORD_BYTES = 16_000_000  # one paper record of a manifest audit reads (a deep-learning one: 55 KB)
MAX_AUDIT_MANIFEST_BYTES = 100_000_000_000  # size of a manifest.json audit reads as a stream (100,000 DL: 6 GB)
MANIFEST_MAX_DEPTH = 64  # nesting of objects and arrays in a manifest
