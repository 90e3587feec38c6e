"""Template operators, filters and str methods, bounded: widths, formats and repetitions are estimated before they
run (a large result from small arguments), every result is checked after (see template_bounds)."""

from __future__ import annotations

import re
import string
from collections.abc import Callable
from typing import Any

import jinja2
from jinja2 import nodes
from jinja2.utils import generate_lorem_ipsum

from qbank.core.limits import TEMPLATE_MAX_INT_BITS, TEMPLATE_MAX_VALUE, TEMPLATE_MAX_WIDTH
from qbank.render.template_bounds import SEQUENCES, TemplateLimitError, checked, measure

_PRINTF = re.compile(r"%(?:\([^)]*\))?[-#0 +]*(\*|\d+)?(?:\.(\*|\d+))?")
_DIGITS = re.compile(r"\d+")


def check_width(width: Any, what: str) -> None:
    """Refuse a width or count above TEMPLATE_MAX_WIDTH."""
    if isinstance(width, int) and abs(width) > TEMPLATE_MAX_WIDTH:
        raise TemplateLimitError(f"{what} {width} is above {TEMPLATE_MAX_WIDTH:,}")


def check_printf(text: Any) -> None:
    """Refuse `%` formatting with a width or precision above the bound, or taken from the arguments (`%*d`)."""
    total = len(str(text))
    for match in _PRINTF.finditer(str(text)):
        for part in match.groups():
            if part == "*":
                raise TemplateLimitError("a '*' width or precision in % formatting")
            check_width(int(part) if part else 0, "a % format width or precision")
            total += int(part) if part else 0
    _check_size(total, "% formatting")


def check_format(text: str) -> None:
    """Refuse str.format fields whose spec has a width above the bound or a nested field."""
    try:
        fields = list(string.Formatter().parse(text))
    except ValueError:
        return  # str.format itself reports the malformed string
    total = len(text)
    for _, _, spec, _ in fields:
        if spec and "{" in spec:
            raise TemplateLimitError("a nested field in a format spec")
        for digits in _DIGITS.findall(spec or ""):
            check_width(int(digits), "a format width or precision")
            total += int(digits)
    _check_size(total, "str.format")


def power(left: Any, right: Any) -> Any:
    """`left ** right` with integer results bounded before they are computed."""
    whole = isinstance(left, int) and isinstance(right, int) and right > 0 and abs(left) > 1
    if whole and (abs(left).bit_length() - 1) * right > TEMPLATE_MAX_INT_BITS:
        raise TemplateLimitError(f"{left} ** {right} has more than {TEMPLATE_MAX_INT_BITS:,} bits")
    return left**right


def multiply(left: Any, right: Any) -> Any:
    """`left * right` with repetitions of strings and lists bounded before they are made."""
    for sequence, count in ((left, right), (right, left)):
        repeated = isinstance(count, int) and isinstance(sequence, str | bytes | list | tuple)
        if repeated and measure(sequence) * count > TEMPLATE_MAX_VALUE:
            raise TemplateLimitError(f"repeating a value {count:,} times makes more than "
                                     f"{TEMPLATE_MAX_VALUE:,} characters or items")  # fmt: skip
    return left * right


def modulo(left: Any, right: Any) -> Any:
    """`left % right`: a number's remainder, or % formatting with bounded widths."""
    if isinstance(left, str):
        check_printf(left)
    return left % right


def binop(operator: str, left: Any, right: Any, default: Callable[[Any, Any], Any]) -> Any:
    """A binary operator of a template, bounded."""
    special = {"**": power, "*": multiply, "%": modulo}.get(operator, default)
    return checked(special(left, right))


def lipsum(n: int = 5, html: bool = True, min: int = 20, max: int = 100) -> str:
    """Jinja's `lipsum`, with paragraphs times words per paragraph bounded."""
    check_width(n * max, "lipsum paragraphs times words")
    return generate_lorem_ipsum(n, html, min, max)


def precheck(name: str, values: list[Any], kwargs: dict[str, Any]) -> None:
    """Refuse a filter or str method call (`values`: the value, then the arguments) whose result would pass a
    bound before it is made: large widths, repetitions by `replace`, `join` and `indent`, % and {} widths."""
    head = values[0] if values else None
    first = kwargs.get("width", values[1] if len(values) > 1 else None)
    if name in ("center", "ljust", "rjust", "zfill", "expandtabs", "indent"):
        width = len(first) if isinstance(first, str) else first
        check_width(width, f"{name} width")
        if isinstance(head, str) and isinstance(width, int):
            _check_size(len(head) + (head.count("\n") + head.count("\t") + 1) * abs(width), name)
    elif name == "replace" and isinstance(head, str) and len(values) > 2:
        old, new = str(values[1]), str(values[2])
        count = head.count(old) if old else len(head) + 1
        _check_size(len(head) + count * len(new), name)
    elif name == "join" and len(values) > 1:
        items, separator = (values[1], head) if isinstance(head, str) else (head, values[1])
        _check_size(measure(items) + len(items) * len(str(separator)), name)
    elif name == "%format" and isinstance(head, str):
        check_printf(head)
    elif name in ("format", "format_map") and isinstance(head, str):
        check_format(head)


def _check_size(size: int, what: str) -> None:
    """Refuse a result that would have more than the value bound."""
    if size > TEMPLATE_MAX_VALUE:
        raise TemplateLimitError(f"{what} would make more than {TEMPLATE_MAX_VALUE:,} characters")


_JINJA_ARGUMENTS = (nodes.EvalContext, jinja2.Environment, jinja2.runtime.Context)


def _first_value(args: tuple[Any, ...]) -> int:
    """Index of a filter's value among its arguments (after the context a pass_* filter receives)."""
    return next((i for i, a in enumerate(args) if not isinstance(a, _JINJA_ARGUMENTS)), len(args))


def bounded_items(iterable: Any) -> Any:
    """The items of an iterable that is not a sequence (a generator, `map`) as a list, stopping past the value
    bound, so that `join` can estimate its result before making it."""
    if isinstance(iterable, (str, bytes, dict, *SEQUENCES)) or not hasattr(iterable, "__iter__"):
        return iterable
    items = []
    for item in iterable:
        items.append(item)
        if len(items) > TEMPLATE_MAX_VALUE:
            raise TemplateLimitError(f"joining more than {TEMPLATE_MAX_VALUE:,} items")
    return items


def bounded_filter(name: str, function: Callable[..., Any]) -> Callable[..., Any]:
    """A filter whose arguments are checked before the call and whose result is checked after."""

    def bounded(*args: Any, **kwargs: Any) -> Any:
        if name == "join":
            args = tuple(bounded_items(a) if i == _first_value(args) else a for i, a in enumerate(args))
        values = [a for a in args if not isinstance(a, _JINJA_ARGUMENTS)]
        precheck("%format" if name == "format" else name, values, kwargs)  # printf-style, not str.format
        return checked(function(*args, **kwargs))

    if hasattr(function, "jinja_pass_arg"):  # pass_context / pass_eval_context / pass_environment
        bounded.jinja_pass_arg = function.jinja_pass_arg  # type: ignore[attr-defined]
    bounded.__name__ = getattr(function, "__name__", name)
    bounded.__doc__ = function.__doc__
    return bounded
