"""Question templates: the quicker attribute lookup answers exactly as Jinja's immutable sandbox does."""

from __future__ import annotations

from types import MappingProxyType
from typing import Any

import jinja2
import pytest
from jinja2.sandbox import ImmutableSandboxedEnvironment, SecurityError

from qbank.render.plain_undefined import PlainUndefined
from qbank.render.templating import FILTERS, make_environment

STEPS = {"items": [1, 2], "total": 3, "rows": [{"a": 1}, {"a": 2}], "_hidden": 4, "keys": "k"}
TEMPLATES = [
    "{{ steps.total }} {{ steps.keys is callable }} {{ steps['keys'] }} {{ steps['items'] }}",
    "{{ steps.items is callable }} {{ steps.items() | list | length }}",  # the dict method, not the key
    "{{ steps.values() | list | length }}",
    "{{ proxy.total }} {{ proxy.items is callable }} {{ proxy.copy is callable }}",
    "{% for r in steps.rows %}{{ r.a }}{% if not loop.last %},{% endif %}{{ loop.index }}{{ loop.length }}"
    "{{ loop.cycle('x', 'y') }}{{ loop.first }}{{ loop.revindex }}{{ loop.depth }}{% endfor %}",
    "{% for r in steps.rows %}{{ loop.previtem.a }}{% endfor %}",
    "{{ steps.missing }}",
    "{{ proxy.missing }}",
    "{% for r in steps.rows %}{{ loop.nothing }}{% endfor %}",
    "{% for r in steps.rows %}{{ loop._length }}{% endfor %}",
    "{{ steps._hidden }}",
    "{{ steps.clear() }}",
    "{{ steps.update }}",
    "{{ text.format is callable }} {{ '{}-{}'.format(1, '<') }}",
    "{{ text.upper() }} {{ 'a<b' }}",
]


def _reference() -> ImmutableSandboxedEnvironment:
    """Jinja's own immutable sandbox, configured like ours."""
    env = ImmutableSandboxedEnvironment(undefined=PlainUndefined, autoescape=True, keep_trailing_newline=True)
    env.filters.update(FILTERS)
    return env


def _outcome(env: jinja2.Environment, source: str, context: dict[str, Any]) -> str:
    """What rendering gives: the text, or the error's type and message."""
    try:
        return env.from_string(source).render(context)
    except (jinja2.TemplateError, SecurityError, TypeError) as exc:
        return f"{type(exc).__name__}: {exc}"


@pytest.mark.parametrize("source", TEMPLATES)
def test_lookups_match_the_immutable_sandbox(source: str) -> None:
    context = {"steps": STEPS, "proxy": MappingProxyType(STEPS), "text": "abc"}
    assert _outcome(make_environment(), source, context) == _outcome(_reference(), source, context)


def test_environment_stays_sandboxed_strict_and_autoescaping() -> None:
    env = make_environment()
    assert isinstance(env, ImmutableSandboxedEnvironment)
    assert issubclass(env.undefined, jinja2.StrictUndefined) and env.autoescape is True
    assert env.from_string("{{ x }}").render(x="<b>") == "&lt;b&gt;"
