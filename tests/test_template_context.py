"""Each generated page's template and its typed context agree (as datasette's
test_template_context does): the template reads no variable its context does not have, and
its opening comment names exactly the context's fields."""
from __future__ import annotations

import re
from dataclasses import fields

import pytest
from jinja2 import meta

from generator.outputs import render
from generator.views import pages


def _source(name: str) -> str:
    return (render.shipped_templates() / name).read_text(encoding="utf-8")


@pytest.mark.parametrize("context", pages.PAGE_TYPES, ids=lambda c: c.__name__)
def test_a_page_template_reads_only_its_context(context):
    env = render.environment(None)
    read = meta.find_undeclared_variables(env.parse(_source(context.TEMPLATE)))
    names = {f.name for f in fields(context)}
    assert read - set(env.globals) <= names, (context.TEMPLATE, read - names)
    comment = re.match(r"\{#-?(.*?)-?#\}", _source(context.TEMPLATE), re.S)
    assert comment, f"{context.TEMPLATE} opens with a comment naming its context"
    needs = comment[1].split("Needs", 1)[1] if "Needs" in comment[1] else ""
    named = set(re.findall(r"`([a-z_]+)`", needs))
    assert named == names, (context.TEMPLATE, named ^ names)


def test_every_site_page_template_has_a_context():
    shipped = {p.name for p in render.shipped_templates().glob("site_*.j2")}
    included = {"site_board.md.j2", "site_filters.md.j2"}  # parts of the task pages
    included.add("site_feed.xml.j2")  # a file, not a page
    assert shipped - included == {c.TEMPLATE for c in pages.PAGE_TYPES}


def test_a_context_is_frozen():
    page = pages.ComparePage("../")
    with pytest.raises(AttributeError):
        page.root = "x"  # type: ignore[misc]
