"""A safe expression language for constraints and derived parameters.

Expressions are parsed with `ast` and compiled into nested Python closures; there is no
`eval`. Only literals, parameter names, arithmetic, comparisons, boolean logic, conditional
expressions, indexing, slicing, displays, comprehensions and a fixed set of functions are
allowed. Attribute access is refused, so no object internals are reachable.
"""

from __future__ import annotations

import ast
import math
import operator
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, NamedTuple

Env = Mapping[str, Any]
Evaluator = Callable[[Env], Any]

MAX_POWER_EXPONENT = 512
MAX_SEQUENCE = 100_000

FUNCTIONS: dict[str, Callable[..., Any]] = {
    "abs": abs, "all": all, "any": any, "ceil": math.ceil, "enumerate": enumerate, "exp": math.exp,
    "float": float, "floor": math.floor, "int": int, "isclose": math.isclose, "len": len, "list": list,
    "log": math.log, "log2": math.log2, "log10": math.log10, "max": max, "min": min, "prod": math.prod,
    "range": range, "round": round, "set": set, "sorted": sorted, "sqrt": math.sqrt, "sum": sum,
    "tuple": tuple, "zip": zip,
}  # fmt: skip

_BINARY = {
    ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul, ast.Div: operator.truediv,
    ast.FloorDiv: operator.floordiv, ast.Mod: operator.mod,
}  # fmt: skip
_UNARY = {ast.USub: operator.neg, ast.UAdd: operator.pos, ast.Not: operator.not_}
_COMPARE = {
    ast.Eq: operator.eq, ast.NotEq: operator.ne, ast.Lt: operator.lt, ast.LtE: operator.le,
    ast.Gt: operator.gt, ast.GtE: operator.ge, ast.In: lambda a, b: a in b,
    ast.NotIn: lambda a, b: a not in b, ast.Is: operator.is_, ast.IsNot: operator.is_not,
}  # fmt: skip


class ExpressionError(ValueError):
    """An expression that is malformed, uses something not allowed, or fails when evaluated."""


@dataclass(frozen=True)
class Expression:
    """A compiled expression: its source, the parameter names it reads, and its evaluator.

    `evaluate` reports a name missing from the environment as unknown; `evaluate_unchecked` reads names
    without that check (faster) and is tried first: a KeyError from it, which an unknown name raises, is
    settled by running `evaluate`, whose outcome is then the expression's (evaluation has no side effects).
    """

    source: str
    names: frozenset[str]
    evaluate: Evaluator
    evaluate_unchecked: Evaluator | None = field(default=None, repr=False, compare=False)

    def __call__(self, env: Env) -> Any:
        """Evaluate against `env`; raise ExpressionError on any failure."""
        try:
            if self.evaluate_unchecked is not None:
                try:
                    return self.evaluate_unchecked(env)
                except KeyError:
                    pass
            return self.evaluate(env)
        except ExpressionError:
            raise
        except Exception as exc:
            raise ExpressionError(f"{type(exc).__name__}: {exc}") from None


def compile_expression(source: str) -> Expression:
    """Parse and compile `source`; raise ExpressionError if it is malformed or not allowed."""
    if not isinstance(source, str) or not source.strip():
        raise ExpressionError("expression must be a non-empty string")
    try:
        tree = ast.parse(source.strip(), mode="eval")
    except SyntaxError as exc:
        raise ExpressionError(f"syntax error at column {exc.offset}: {exc.msg}") from None
    compiler = _Compiler(checked=True)
    evaluate = compiler.compile(tree.body, frozenset())
    unchecked = _Compiler(checked=False).compile(tree.body, frozenset())
    return Expression(source, frozenset(compiler.free_names), evaluate, unchecked)


def _power(base: Any, exponent: Any) -> Any:
    """Raise to a power, refusing exponents large enough to hang the process."""
    if isinstance(exponent, int | float) and abs(exponent) > MAX_POWER_EXPONENT:
        raise ExpressionError(f"exponent {exponent} is too large")
    return operator.pow(base, exponent)


_NUMBERS = frozenset({int, float, bool})


def _multiplication(left: Evaluator, right: Evaluator) -> Evaluator:
    """An evaluator of `left * right` (numbers multiplied directly, sequence repetition guarded)."""

    def multiply(env: Env) -> Any:
        a, b = left(env), right(env)
        if type(a) in _NUMBERS and type(b) in _NUMBERS:
            return a * b
        return _multiply(a, b)

    return multiply


def _multiply(a: Any, b: Any) -> Any:
    """`a * b`, refusing to repeat a sequence into a huge object."""
    for seq, count in ((a, b), (b, a)):
        if isinstance(seq, str | list | tuple) and isinstance(count, int) and len(seq) * count > MAX_SEQUENCE:
            raise ExpressionError("sequence repetition is too large")
    return a * b


def _safe_range(*args: int) -> range:
    """`range` limited in length."""
    result = range(*args)
    if len(result) > MAX_SEQUENCE:
        raise ExpressionError("range is too long")
    return result


class _Compiler:
    """Turns an AST into closures, collecting free names (parameters); `checked` makes reading a parameter
    that is missing from the environment an "unknown name" error rather than a KeyError."""

    def __init__(self, checked: bool) -> None:
        self.free_names: set[str] = set()
        self.checked = checked

    def compile(self, node: ast.AST, bound: frozenset[str]) -> Evaluator:
        """Compile one node; `bound` holds comprehension variables in scope."""
        method = getattr(self, f"_{type(node).__name__}", None)
        if method is None:
            raise ExpressionError(f"{_describe(node)} is not allowed in expressions")
        return method(node, bound)

    def _Constant(self, node: ast.Constant, bound: frozenset[str]) -> Evaluator:
        value = node.value
        if not isinstance(value, int | float | str | bool | type(None)):
            raise ExpressionError(f"constant {value!r} is not allowed")
        return lambda env: value

    def _Name(self, node: ast.Name, bound: frozenset[str]) -> Evaluator:
        name = node.id
        if name in ("True", "False", "None"):
            value = {"True": True, "False": False, "None": None}[name]
            return lambda env: value
        if name in bound:  # a comprehension variable: always bound before it is read
            return operator.itemgetter(name)
        if name in FUNCTIONS:
            raise ExpressionError(f"function {name!r} must be called, not used as a value")
        self.free_names.add(name)
        if not self.checked:
            return operator.itemgetter(name)

        def lookup(env: Env) -> Any:
            try:
                return env[name]
            except KeyError:
                raise ExpressionError(f"unknown name {name!r}") from None

        return lookup

    def _BinOp(self, node: ast.BinOp, bound: frozenset[str]) -> Evaluator:
        left, right = self.compile(node.left, bound), self.compile(node.right, bound)
        if isinstance(node.op, ast.Pow):
            return lambda env: _power(left(env), right(env))
        if isinstance(node.op, ast.Mult):
            return _multiplication(left, right)
        op = _BINARY.get(type(node.op))
        if op is None:
            raise ExpressionError(f"operator {type(node.op).__name__} is not allowed")
        if isinstance(node.right, ast.Constant):  # such as `i + 1`: no call to fetch the constant
            constant = node.right.value
            return lambda env: op(left(env), constant)
        if isinstance(node.left, ast.Constant):
            constant = node.left.value
            return lambda env: op(constant, right(env))
        return lambda env: op(left(env), right(env))

    def _UnaryOp(self, node: ast.UnaryOp, bound: frozenset[str]) -> Evaluator:
        operand = self.compile(node.operand, bound)
        op = _UNARY.get(type(node.op))
        if op is None:
            raise ExpressionError(f"operator {type(node.op).__name__} is not allowed")
        return lambda env: op(operand(env))

    def _BoolOp(self, node: ast.BoolOp, bound: frozenset[str]) -> Evaluator:
        parts = [self.compile(v, bound) for v in node.values]
        if len(parts) == 2:
            first, second = parts
            if isinstance(node.op, ast.And):
                return lambda env: bool(first(env)) and bool(second(env))
            return lambda env: bool(first(env)) or bool(second(env))
        if isinstance(node.op, ast.And):
            return lambda env: all(p(env) for p in parts)
        return lambda env: any(p(env) for p in parts)

    def _Compare(self, node: ast.Compare, bound: frozenset[str]) -> Evaluator:
        first = self.compile(node.left, bound)
        ops = [_COMPARE[type(op)] for op in node.ops]
        rest = [self.compile(c, bound) for c in node.comparators]
        if len(ops) == 1:
            (op,), (second,), right = ops, rest, node.comparators[0]
            if isinstance(right, ast.Constant):  # such as `v != 0`
                constant = right.value
                return lambda env: bool(op(first(env), constant))
            return lambda env: bool(op(first(env), second(env)))

        def compare(env: Env) -> bool:
            left = first(env)
            for op, right_eval in zip(ops, rest, strict=True):
                right = right_eval(env)
                if not op(left, right):
                    return False
                left = right
            return True

        return compare

    def _IfExp(self, node: ast.IfExp, bound: frozenset[str]) -> Evaluator:
        test, body, orelse = (self.compile(n, bound) for n in (node.test, node.body, node.orelse))
        return lambda env: body(env) if test(env) else orelse(env)

    def _Call(self, node: ast.Call, bound: frozenset[str]) -> Evaluator:
        if not isinstance(node.func, ast.Name) or node.func.id not in FUNCTIONS or node.func.id in bound:
            raise ExpressionError(f"only these functions may be called: {', '.join(sorted(FUNCTIONS))}")
        if node.keywords and node.func.id not in ("sorted", "max", "min", "round", "isclose"):
            raise ExpressionError(f"{node.func.id}() takes no keyword arguments here")
        function = _safe_range if node.func.id == "range" else FUNCTIONS[node.func.id]
        args = [self.compile(a, bound) for a in node.args]
        keywords = {}
        for kw in node.keywords:
            if kw.arg not in ("reverse", "default", "ndigits", "rel_tol", "abs_tol"):
                raise ExpressionError(f"keyword argument {kw.arg!r} is not allowed")
            keywords[kw.arg] = self.compile(kw.value, bound)
        if keywords:

            def call_with_keywords(env: Env) -> Any:
                named = {k: v(env) for k, v in keywords.items()}  # before the positional arguments, as ever
                return function(*[a(env) for a in args], **named)

            return call_with_keywords
        if len(args) == 1:
            (only,) = args
            return lambda env: function(only(env))
        if len(args) == 2:
            first, second = args
            return lambda env: function(first(env), second(env))
        return lambda env: function(*[a(env) for a in args])

    def _Subscript(self, node: ast.Subscript, bound: frozenset[str]) -> Evaluator:
        value, index = self.compile(node.value, bound), self.compile(node.slice, bound)
        if _is_literal_display(node.value):  # a lookup table such as {'small': 512, ...}[size]: build it once
            table = value({})
            return lambda env: table[index(env)]
        if isinstance(node.slice, ast.Constant):  # such as `window[2]`
            key = node.slice.value
            return lambda env: value(env)[key]
        return lambda env: value(env)[index(env)]

    def _Slice(self, node: ast.Slice, bound: frozenset[str]) -> Evaluator:
        parts = (node.lower, node.upper, node.step)
        lower, upper, step = (None if p is None else self.compile(p, bound) for p in parts)
        if lower is None and upper is not None and step is None:  # such as `xs[:n]`
            return lambda env: slice(None, upper(env))
        if lower is not None and upper is not None and step is None:  # such as `xs[i:j]`
            return lambda env: slice(lower(env), upper(env))
        parts = [(lambda env: None) if p is None else p for p in (lower, upper, step)]
        return lambda env: slice(*[p(env) for p in parts])

    def _List(self, node: ast.List, bound: frozenset[str]) -> Evaluator:
        items = [self.compile(e, bound) for e in node.elts]
        return lambda env: [i(env) for i in items]

    def _Tuple(self, node: ast.Tuple, bound: frozenset[str]) -> Evaluator:
        items = [self.compile(e, bound) for e in node.elts]
        return lambda env: tuple(i(env) for i in items)

    def _Set(self, node: ast.Set, bound: frozenset[str]) -> Evaluator:
        items = [self.compile(e, bound) for e in node.elts]
        return lambda env: {i(env) for i in items}

    def _Dict(self, node: ast.Dict, bound: frozenset[str]) -> Evaluator:
        if any(k is None for k in node.keys):
            raise ExpressionError("dictionary unpacking is not allowed")
        pairs = [(self.compile(k, bound), self.compile(v, bound)) for k, v in zip(node.keys, node.values, strict=True)]
        return lambda env: {k(env): v(env) for k, v in pairs}

    def _comprehension(self, node: Any, bound: frozenset[str], build: type[list] | type[set]) -> Evaluator:
        """Compile list/set/generator comprehensions with any number of `for` clauses."""
        clauses = []
        scope = bound
        for gen in node.generators:
            if gen.is_async:
                raise ExpressionError("async comprehensions are not allowed")
            iterable = self.compile(gen.iter, scope)
            targets = _target_names(gen.target)
            scope = scope | frozenset(targets)
            conditions = [self.compile(c, scope) for c in gen.ifs]
            name = gen.target.id if isinstance(gen.target, ast.Name) else None
            clauses.append(_Clause(name, _binder(gen.target), iterable, _all_of(conditions)))
        element = self.compile(node.elt, scope)
        comprehension = tuple(clauses)

        def evaluate(env: Env) -> list[Any] | set[Any]:
            result = build()
            _collect(comprehension, env, element, result.append if build is list else result.add)
            return result

        return evaluate

    def _ListComp(self, node: ast.ListComp, bound: frozenset[str]) -> Evaluator:
        return self._comprehension(node, bound, list)

    def _SetComp(self, node: ast.SetComp, bound: frozenset[str]) -> Evaluator:
        return self._comprehension(node, bound, set)

    def _GeneratorExp(self, node: ast.GeneratorExp, bound: frozenset[str]) -> Evaluator:
        return self._comprehension(node, bound, list)


class _Clause(NamedTuple):
    """One compiled `for` clause: its target's name (if it is a single name) and how to bind it, its iterable,
    and its `if` conditions together (None when there are none)."""

    name: str | None
    bind: Callable[[dict[str, Any], Any], None]
    iterable: Evaluator
    accept: Evaluator | None


def _collect(clauses: tuple[_Clause, ...], outer: Env, element: Evaluator, add: Callable[[Any], None]) -> None:
    """Run the `for` clauses over `outer` (the enclosing scope) and add each accepted element."""
    name, bind, iterable, accept = clauses[0]
    if len(clauses) == 1:  # innermost clause: one scope, rebound item by item
        inner = dict(outer)
        for item in iterable(outer):
            if name is None:
                bind(inner, item)
            else:
                inner[name] = item
            if accept is None or accept(inner):
                add(element(inner))
        return
    for item in iterable(outer):
        inner = dict(outer)
        bind(inner, item)
        if accept is None or accept(inner):
            _collect(clauses[1:], inner, element, add)


def _all_of(conditions: list[Evaluator]) -> Evaluator | None:
    """An evaluator that is true when every condition is, or None when there are no conditions."""
    if not conditions:
        return None
    if len(conditions) == 1:
        return conditions[0]
    return lambda env: all(c(env) for c in conditions)


def _is_literal_display(node: ast.AST) -> bool:
    """Whether a node is a dict, list or tuple display of constants only."""
    if isinstance(node, ast.Dict):
        return all(isinstance(n, ast.Constant) for n in (*node.keys, *node.values))
    return isinstance(node, ast.List | ast.Tuple) and all(isinstance(n, ast.Constant) for n in node.elts)


def _target_names(target: ast.AST) -> list[str]:
    """Names bound by a comprehension target (a name or a tuple of names)."""
    if isinstance(target, ast.Name):
        return [target.id]
    if isinstance(target, ast.Tuple):
        return [name for elt in target.elts for name in _target_names(elt)]
    raise ExpressionError("comprehension targets must be names or tuples of names")


def _binder(target: ast.AST) -> Callable[[dict[str, Any], Any], None]:
    """A function assigning a value to a comprehension target (a name or nested tuples of names) in a scope."""
    if isinstance(target, ast.Name):
        name = target.id

        def bind_name(scope: dict[str, Any], value: Any) -> None:
            scope[name] = value

        return bind_name
    elts = target.elts  # type: ignore[attr-defined]
    if len(elts) == 2 and all(isinstance(elt, ast.Name) for elt in elts):  # the usual `i, w`: one assignment
        first, second = (elt.id for elt in elts)

        def bind_pair(scope: dict[str, Any], value: Any) -> None:
            values = value if type(value) is tuple else list(value)
            if len(values) != 2:
                raise ExpressionError(f"cannot unpack {len(values)} values into 2 names")
            scope[first], scope[second] = values

        return bind_pair
    parts = [_binder(elt) for elt in elts]

    def bind_tuple(scope: dict[str, Any], value: Any) -> None:
        values = value if type(value) is tuple else list(value)
        if len(values) != len(parts):
            raise ExpressionError(f"cannot unpack {len(values)} values into {len(parts)} names")
        for bind, item in zip(parts, values, strict=True):
            bind(scope, item)

    return bind_tuple


def _describe(node: ast.AST) -> str:
    """A readable name for a disallowed syntax node."""
    names = {"Attribute": "attribute access (a.b)", "Lambda": "lambda", "NamedExpr": "assignment (:=)",
             "Starred": "unpacking (*x)", "JoinedStr": "f-strings", "Await": "await", "Yield": "yield"}  # fmt: skip
    return names.get(type(node).__name__, type(node).__name__)
