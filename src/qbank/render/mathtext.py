"""Simple formulas as styled text: fast to draw, natively extractable, typeset in the text face.

Most formulas in keys are arithmetic like `3 \\times 3 \\times 64 = 1,728` or `c_{\\text{in}}`. Drawing
them as SVG paths costs WeasyPrint ~15 ms each; as text they cost almost nothing. This module handles
numbers, letters (italic), Greek, operators with TeX-like spacing, `\\text`, `\\mathbf`, function names,
and one level of sub/superscripts. Anything else (fractions, roots, matrices, big operators, accents)
returns None so the caller falls back to the SVG typesetter.
"""

from __future__ import annotations

import html
import re

GREEK = {
    "alpha": "α", "beta": "β", "gamma": "γ", "delta": "δ", "epsilon": "ϵ", "varepsilon": "ε", "zeta": "ζ",
    "eta": "η", "theta": "θ", "vartheta": "ϑ", "iota": "ι", "kappa": "κ", "lambda": "λ", "mu": "μ", "nu": "ν",
    "xi": "ξ", "pi": "π", "rho": "ρ", "sigma": "σ", "tau": "τ", "upsilon": "υ", "phi": "ϕ", "varphi": "φ",
    "chi": "χ", "psi": "ψ", "omega": "ω",
}  # fmt: skip
UPPER_GREEK = {"Gamma": "Γ", "Delta": "Δ", "Theta": "Θ", "Lambda": "Λ", "Xi": "Ξ", "Pi": "Π", "Sigma": "Σ",
               "Phi": "Φ", "Psi": "Ψ", "Omega": "Ω"}  # fmt: skip
RELATIONS = {"=": "=", "<": "<", ">": ">", "approx": "≈", "le": "≤", "leq": "≤", "ge": "≥", "geq": "≥",
             "neq": "≠", "ne": "≠", "to": "→", "rightarrow": "→", "Rightarrow": "⇒", "in": "∈", "sim": "∼",
             "propto": "∝", "equiv": "≡", "mapsto": "↦", "gets": "←", "leftarrow": "←"}  # fmt: skip
BINARY = {"+": "+", "-": "−", "times": "×", "cdot": "·", "pm": "±", "mp": "∓", "div": "÷", "*": "∗"}
SYMBOLS = {"infty": "∞", "ldots": "…", "dots": "…", "cdots": "⋯", "top": "⊤", "prime": "′", "%": "%",
           "{": "{", "}": "}", "lbrace": "{", "rbrace": "}", "mid": "|", "|": "‖", "#": "#", "&": "&",
           "_": "_", "nabla": "∇", "partial": "∂", "ell": "ℓ"}  # fmt: skip
FUNCTIONS = {"log", "ln", "exp", "max", "min", "sin", "cos", "tan", "arg", "det", "dim", "lim", "sup", "inf"}
SPACES = {",": "\u2009", ";": "\u2005", ":": "\u2005", " ": " ", "quad": "\u2003", "qquad": "\u2003\u2003",
          "!": ""}  # fmt: skip
TEXT_COMMANDS = {"text", "textrm", "mathrm", "operatorname", "textit", "mathit", "textbf", "mathbf", "boldsymbol"}
OPEN, CLOSE = "([", ")]"
_TOKEN = re.compile(r"\\[A-Za-z]+|\\.|\d+(?:,\d{3}(?!\d))*(?:\.\d+)?|[A-Za-z]|\s+|.", re.S)
REL_SPACE, BIN_SPACE = "\u2005", "\u2005"  # four-per-em spaces around relations and binary operators


class NotSimple(Exception):
    """The formula needs the full typesetter."""


def simple_math_html(latex: str) -> str | None:
    """HTML for a simple formula (one run of styled text), or None when it needs the SVG typesetter."""
    if latex.count("\\left") != latex.count("\\right"):
        return None  # unbalanced delimiters: let the typesetter report the error
    try:
        tokens = _TOKEN.findall(latex)
        body, rest = _parse(tokens, 0, depth=0)
    except NotSimple:
        return None
    if rest != len(tokens) or not body.strip():
        return None
    return f'<span class="math inline mtext">{body.strip()}</span>'


def _parse(tokens: list[str], i: int, depth: int, until: str | None = None) -> tuple[str, int]:
    """Convert tokens from i until a closing brace (or the end); return (html, next index)."""
    out: list[str] = []
    previous = "start"  # kind of the last atom: start, open, rel, bin, atom
    while i < len(tokens):
        tok = tokens[i]
        if tok == "}":
            if until != "}":
                raise NotSimple
            return "".join(out), i + 1
        if tok.isspace():
            i += 1
            continue
        if tok in ("_", "^"):
            if depth > 0 or not out:
                raise NotSimple  # nested scripts and leading scripts go to the typesetter
            script, i = _argument(tokens, i + 1, depth + 1)
            tag = "sub" if tok == "_" else "sup"
            out.append(f"<{tag}>{script}</{tag}>")
            continue
        if tok == "{":
            inner, i = _parse(tokens, i + 1, depth, until="}")
            out.append(inner)
            previous = "atom"
            continue
        piece, kind, i = _atom(tokens, i, previous, depth)
        out.append(piece)
        previous = kind
    if until == "}":
        raise NotSimple
    return "".join(out), i


def _argument(tokens: list[str], i: int, depth: int) -> tuple[str, int]:
    """A script argument: one token or a braced group."""
    while i < len(tokens) and tokens[i].isspace():
        i += 1
    if i >= len(tokens):
        raise NotSimple
    if tokens[i] == "{":
        return _parse(tokens, i + 1, depth, until="}")
    piece, _, nxt = _atom(tokens, i, "start", depth)
    return piece, nxt


def _atom(tokens: list[str], i: int, previous: str, depth: int) -> tuple[str, str, int]:
    """One atom: (html, kind, next index)."""
    tok = tokens[i]
    if tok[0].isdigit():
        return tok, "atom", i + 1
    if tok.isalpha() and len(tok) == 1:
        return f"<i>{tok}</i>", "atom", i + 1
    if tok.startswith("\\"):
        return _command(tokens, i, previous, depth)
    if tok in RELATIONS:
        return f"{REL_SPACE}{html.escape(RELATIONS[tok])}{REL_SPACE}", "rel", i + 1
    if tok in BINARY:
        if previous in ("start", "open", "rel", "bin"):
            return BINARY[tok], "bin-unary", i + 1
        return f"{BIN_SPACE}{BINARY[tok]}{BIN_SPACE}", "bin", i + 1
    if tok in OPEN:
        return tok, "open", i + 1
    if tok in CLOSE or tok in ".!'|":
        return tok.replace("'", "′"), "atom", i + 1
    if tok in ",;:":
        return f"{tok}\u2009", "open" if tok != ":" else "rel", i + 1
    if tok == "/":
        return "/", "open", i + 1
    raise NotSimple


def _command(tokens: list[str], i: int, previous: str, depth: int) -> tuple[str, str, int]:
    """A backslash command that the text renderer can draw."""
    name = tokens[i][1:]
    if name in GREEK:
        return f"<i>{GREEK[name]}</i>", "atom", i + 1
    if name in UPPER_GREEK:
        return UPPER_GREEK[name], "atom", i + 1
    if name in RELATIONS:
        return f"{REL_SPACE}{RELATIONS[name]}{REL_SPACE}", "rel", i + 1
    if name in BINARY:
        return f"{BIN_SPACE}{BINARY[name]}{BIN_SPACE}", "bin", i + 1
    if name in SYMBOLS:
        return html.escape(SYMBOLS[name]), "atom", i + 1
    if name in SPACES:
        return SPACES[name], previous, i + 1
    if name in FUNCTIONS:  # TeX: a thin space after an operand before the name, and after it unless a bracket follows
        nxt = next((t for t in tokens[i + 1 :] if not t.isspace()), "")
        before = "\u2009" if previous == "atom" else ""
        after = "" if nxt in OPEN or nxt in ("\\left", "\\bigl", "\\big", "\\Big") else "\u2009"
        return f'{before}<span class="mfn">{name}</span>{after}', "open", i + 1
    if name in ("left", "right", "big", "Big", "bigl", "bigr"):
        nxt = tokens[i + 1] if i + 1 < len(tokens) else ""
        if nxt in ("(", ")", "[", "]", "|", "."):
            return ("" if nxt == "." else nxt), ("open" if name in ("left", "bigl") else "atom"), i + 2
        raise NotSimple
    if name in TEXT_COMMANDS:
        return _text_command(tokens, i, name, depth)
    raise NotSimple


def _text_command(tokens: list[str], i: int, name: str, depth: int) -> tuple[str, str, int]:
    """\\text{...} and friends: upright, italic or bold runs."""
    j = i + 1
    while j < len(tokens) and tokens[j].isspace():
        j += 1
    if j >= len(tokens) or tokens[j] != "{":
        raise NotSimple
    k, level, raw = j + 1, 1, []
    while k < len(tokens):
        if tokens[k] == "{":
            level += 1
        elif tokens[k] == "}":
            level -= 1
            if level == 0:
                break
        raw.append(tokens[k])
        k += 1
    if level:
        raise NotSimple
    if name in ("text", "textrm", "mathrm", "operatorname", "textit", "textbf"):
        if any(t.startswith("\\") and t not in ("\\ ", "\\_", "\\%", "\\&", "\\#") for t in raw):
            raise NotSimple
        text = html.escape("".join(t[1:] if t.startswith("\\") else t for t in raw))
        if name in ("textit",):
            text = f"<i>{text}</i>"
        elif name == "textbf":
            text = f"<b>{text}</b>"
        kind = "open" if name == "operatorname" else "atom"
        return f'<span class="mup">{text}</span>' + ("\u2009" if name == "operatorname" else ""), kind, k + 1
    inner, end = _parse(tokens, j + 1, depth, until="}")
    if name == "mathit":
        return inner, "atom", end
    if name == "mathbf":
        return f"<b>{inner.replace('<i>', '').replace('</i>', '')}</b>", "atom", end
    return f"<b>{inner}</b>", "atom", end
