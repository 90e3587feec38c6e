"""The expression compiler: a parsed expression's syntax tree turned into nested Python closures."""

from __future__ import annotations

import ast
import operator
from typing import Any

from .expr_runtime import (
    BINARY,
    COMPARE,
    FUNCTIONS,
    KEYWORD_FUNCTIONS,
    KEYWORDS,
    UNARY,
    Clause,
    Env,
    Evaluator,
    ExpressionError,
    all_of,
    binder,
    collect,
    multiplication,
    power,
    safe_range,
    target_names,
)


class Compiler:
    """Turns an AST into closures, collecting free names (parameters); with `checked`, reading a parameter
    that is missing from the environment is an "unknown name" error rather than a KeyError."""

    def __init__(self, checked: bool = True) -> None:
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
            return lambda env: power(left(env), right(env))
        if isinstance(node.op, ast.Mult):
            return multiplication(left, right)
        op = BINARY.get(type(node.op))
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
        op = UNARY.get(type(node.op))
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
        ops = [COMPARE[type(op)] for op in node.ops]
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
        if node.keywords and node.func.id not in KEYWORD_FUNCTIONS:
            raise ExpressionError(f"{node.func.id}() takes no keyword arguments here")
        function = safe_range if node.func.id == "range" else FUNCTIONS[node.func.id]
        args = [self.compile(a, bound) for a in node.args]
        keywords = {}
        for kw in node.keywords:
            if kw.arg not in KEYWORDS:
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
            targets = target_names(gen.target)
            scope = scope | frozenset(targets)
            conditions = [self.compile(c, scope) for c in gen.ifs]
            name = gen.target.id if isinstance(gen.target, ast.Name) else None
            clauses.append(Clause(name, binder(gen.target), iterable, all_of(conditions)))
        element = self.compile(node.elt, scope)
        comprehension = tuple(clauses)

        def evaluate(env: Env) -> list[Any] | set[Any]:
            result = build()
            collect(comprehension, env, element, result.append if build is list else result.add)
            return result

        return evaluate

    def _ListComp(self, node: ast.ListComp, bound: frozenset[str]) -> Evaluator:
        return self._comprehension(node, bound, list)

    def _SetComp(self, node: ast.SetComp, bound: frozenset[str]) -> Evaluator:
        return self._comprehension(node, bound, set)

    def _GeneratorExp(self, node: ast.GeneratorExp, bound: frozenset[str]) -> Evaluator:
        return self._comprehension(node, bound, list)


def _is_literal_display(node: ast.AST) -> bool:
    """Whether a node is a dict, list or tuple display of constants only."""
    if isinstance(node, ast.Dict):
        return all(isinstance(n, ast.Constant) for n in (*node.keys, *node.values))
    return isinstance(node, ast.List | ast.Tuple) and all(isinstance(n, ast.Constant) for n in node.elts)


def _describe(node: ast.AST) -> str:
    """A readable name for a disallowed syntax node."""
    names = {"Attribute": "attribute access (a.b)", "Lambda": "lambda", "NamedExpr": "assignment (:=)",
             "Starred": "unpacking (*x)", "JoinedStr": "f-strings", "Await": "await", "Yield": "yield"}  # fmt: skip
    return names.get(type(node).__name__, type(node).__name__)
