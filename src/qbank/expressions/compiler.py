"""The expression compiler: a parsed expression's syntax tree turned into nested Python closures."""

from __future__ import annotations

import ast
import operator
from typing import Any

from qbank.expressions.bounds import CONTAINER_TYPES, charge, multiplication, power, sliced, weight
from qbank.expressions.runtime import (
    COMPARE,
    COMPARE_CHECKED,
    FUNCTIONS,
    GUARDED,
    KEYWORD_FUNCTIONS,
    KEYWORDS,
    PLAIN,
    UNARY,
    Clause,
    Env,
    Evaluator,
    ExpressionError,
    all_of,
    binder,
    collect,
    finished,
    generate,
    hashing_add,
    target_names,
)

NUMERIC = (int, float)  # constants whose plain operators cannot build a large value in one step


class Compiler:
    """Turns an AST into closures, collecting free names (parameters); reading a parameter that is missing
    from the environment is an "unknown name" error."""

    def __init__(self) -> None:
        self.free_names: set[str] = set()

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
        kind = type(node.op)
        if kind not in GUARDED:
            raise ExpressionError(f"operator {kind.__name__} is not allowed")
        if kind is ast.Mult:
            return multiplication(left, right)
        op = GUARDED[kind]
        if isinstance(node.right, ast.Constant) and isinstance(node.right.value, NUMERIC):  # such as `i + 1`
            constant, plain = node.right.value, PLAIN[kind]
            return lambda env: plain(left(env), constant)
        if isinstance(node.left, ast.Constant) and isinstance(node.left.value, NUMERIC):
            constant, plain = node.left.value, PLAIN[kind]
            return lambda env: plain(constant, right(env))
        return lambda env: op(left(env), right(env))

    def _UnaryOp(self, node: ast.UnaryOp, bound: frozenset[str]) -> Evaluator:
        operand = self.compile(node.operand, bound)
        op = UNARY.get(type(node.op))
        if op is None:
            raise ExpressionError(f"operator {type(node.op).__name__} is not allowed")
        return lambda env: op(operand(env))

    def _BoolOp(self, node: ast.BoolOp, bound: frozenset[str]) -> Evaluator:
        """`and` / `or` as in Python: the first operand that decides, or the last one (not a bool)."""
        parts = [self.compile(v, bound) for v in node.values]
        stop_when = not isinstance(node.op, ast.And)  # `and` stops at a false operand, `or` at a true one
        if len(parts) == 2:
            first, second = parts
            if stop_when:
                return lambda env: first(env) or second(env)
            return lambda env: first(env) and second(env)
        *leading, last = parts

        def decide(env: Env) -> Any:
            for part in leading:
                value = part(env)
                if bool(value) is stop_when:
                    return value
            return last(env)

        return decide

    def _Compare(self, node: ast.Compare, bound: frozenset[str]) -> Evaluator:
        first = self.compile(node.left, bound)
        ops = [COMPARE_CHECKED[type(op)] for op in node.ops]
        rest = [self.compile(c, bound) for c in node.comparators]
        if len(ops) == 1:
            (op,), (second,), right = ops, rest, node.comparators[0]
            if isinstance(right, ast.Constant) and isinstance(right.value, NUMERIC):  # such as `v != 0`
                constant, plain = right.value, COMPARE[type(node.ops[0])]
                return lambda env: bool(plain(first(env), constant))
            if type(node.ops[0]) in (ast.In, ast.NotIn, ast.Is, ast.IsNot):
                return lambda env: bool(op(first(env), second(env)))
            plain = COMPARE[type(node.ops[0])]

            def compare_one(env: Env) -> bool:  # expr_bounds.compared, inline (one call less per comparison)
                a, b = first(env), second(env)
                if type(a) in CONTAINER_TYPES:
                    charge(weight(a))
                return bool(plain(a, b))

            return compare_one

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
        function = FUNCTIONS[node.func.id]
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
        if isinstance(node.slice, ast.Slice):  # such as `xs[1:]`: a copy, whose items are spent
            return lambda env: sliced(value(env), index(env))
        if _is_literal_display(node.value):  # a lookup table such as {'small': 512, ...}[size]: build it once
            table = value({})
            return _subscript(lambda env: table, index)
        if isinstance(node.slice, ast.Constant):  # such as `window[2]`
            key = node.slice.value
            return lambda env: value(env)[key]
        return _subscript(value, index)

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

    def _clauses(self, node: Any, bound: frozenset[str]) -> tuple[tuple[Clause, ...], Evaluator]:
        """Compile the `for` clauses of a comprehension (with their costs per item) and its element."""
        clauses = []
        scope = bound
        for index, gen in enumerate(node.generators):
            if gen.is_async:
                raise ExpressionError("async comprehensions are not allowed")
            iterable = self.compile(gen.iter, scope)
            targets = target_names(gen.target)
            scope = scope | frozenset(targets)
            conditions = [self.compile(c, scope) for c in gen.ifs]
            name = gen.target.id if isinstance(gen.target, ast.Name) else None
            after = node.generators[index + 1].iter if index + 1 < len(node.generators) else node.elt
            cost = 1 + sum(_size(n) for n in (*gen.ifs, after))
            clauses.append(Clause(name, binder(gen.target), iterable, all_of(conditions), cost))
        return tuple(clauses), self.compile(node.elt, scope)

    def _comprehension(self, node: Any, bound: frozenset[str], build: type[list] | type[set]) -> Evaluator:
        """Compile list and set comprehensions with any number of `for` clauses."""
        comprehension, element = self._clauses(node, bound)

        def evaluate(env: Env) -> list[Any] | set[Any]:
            result = build()
            collect(comprehension, env, element, result.append if build is list else hashing_add(result))
            return finished(result)

        return evaluate

    def _ListComp(self, node: ast.ListComp, bound: frozenset[str]) -> Evaluator:
        return self._comprehension(node, bound, list)

    def _SetComp(self, node: ast.SetComp, bound: frozenset[str]) -> Evaluator:
        return self._comprehension(node, bound, set)

    def _GeneratorExp(self, node: ast.GeneratorExp, bound: frozenset[str]) -> Evaluator:
        comprehension, element = self._clauses(node, bound)
        first = comprehension[0].iterable
        return lambda env: generate(comprehension, env, element, first(env))


def _subscript(value: Evaluator, index: Evaluator) -> Evaluator:
    """An evaluator of `value[index]`; a tuple key is charged to the budget (hashing it visits every item)."""

    def get(env: Env) -> Any:
        container, key = value(env), index(env)
        if type(key) is tuple:
            charge(weight(key))
        return container[key]

    return get


def _size(node: ast.AST) -> int:
    """The number of syntax nodes under `node` (the steps evaluating it once costs)."""
    return sum(1 for _ in ast.walk(node))


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
