"""A question template is parsed once per process: preflight's parse of it is the tree the render compiles, and it
compiles to the very code a fresh parse gives."""

from __future__ import annotations

import copy

import pytest
from jinja2 import meta

from qbank.preflight.templates import template_problems
from qbank.render import templating
from qbank.spec.bank import load_bank

from .conftest import DL_BANK, SAMPLE_BANK


@pytest.fixture
def fresh_templates():
    """No template compiled or parsed yet in this process, and none left behind."""
    templating.compile_template.cache_clear()
    templating._PARSED.clear()
    yield
    templating.compile_template.cache_clear()
    templating._PARSED.clear()


@pytest.mark.usefixtures("fresh_templates")
def test_a_preflighted_template_is_compiled_from_its_parse(monkeypatch: pytest.MonkeyPatch) -> None:
    questions = [q for bank in (SAMPLE_BANK, DL_BANK) for q in load_bank(bank).questions.values()]
    sources = list(dict.fromkeys(source for q in questions for source in (q.spec.text, q.spec.solution)))
    parsed: list[str] = []
    original = templating.Sandbox._parse

    def counting(self, source, name, filename):  # type: ignore[no-untyped-def]
        parsed.append(source)
        return original(self, source, name, filename)

    monkeypatch.setattr(templating.Sandbox, "_parse", counting)
    for question in questions:
        assert template_problems(question) == []
    assert sorted(parsed) == sorted(sources)  # preflight parsed each distinct template once
    env = templating._string_environment()
    kept = {source: copy.deepcopy(templating._PARSED[source]) for source in sources}
    for source in sources:
        templating.compile_template(source)
    assert sorted(parsed) == sorted(sources)  # compiling parsed none of them again
    monkeypatch.setattr(templating.Sandbox, "_parse", original)
    for source in sources:  # preflight's tree generates exactly the code a fresh parse generates
        assert env.compile(kept[source], raw=True) == env.compile(source, raw=True)
        # and preflight finds the names Jinja's own introspection finds
        assert templating._undeclared(env, env.parse(source)) == meta.find_undeclared_variables(env.parse(source))


@pytest.mark.usefixtures("fresh_templates")
def test_a_template_with_problems_or_never_checked_is_parsed_when_compiled() -> None:
    assert templating.template_problems("{{ nope }}", {"params"}, set()) != []
    assert "{{ nope }}" not in templating._PARSED
    assert templating.compile_template("{{ 1 + 2 }}").render() == "3"
    assert templating.template_problems("{{ x }}", {"x"}, set()) == []
    assert templating.compile_template("{{ x }}").render(x="<b>") == "&lt;b&gt;"
    assert templating._PARSED == {}
