"""Templates ship with the package and a site overrides any of them by name."""
from __future__ import annotations

import re

from helpers import DATA, ROOT

from generator import render
from generator.pipeline import load_valid_project


def test_a_site_template_replaces_the_shipped_one_of_the_same_name(tmp_path):
    overrides = tmp_path / "templates"
    overrides.mkdir()
    (overrides / "leaderboard_table.md.j2").write_text(
        "{% for row in table.rows %}* {{ row[0] }}: {{ row[1] }}\n{% endfor %}", encoding="utf-8")
    project = load_valid_project(DATA).project
    task = project.task("semantic_segmentation")
    page = render.task_markdown(task, project, templates=overrides)
    assert "* SDN-M2\\* + COCO + MS: 88.80" in page  # the site's own table template
    assert page.startswith("# Semantic segmentation")  # the shipped page template around it
    assert "| Model" not in page
    assert "| Model" in render.task_markdown(task, project)  # no overrides: the shipped one


def test_a_missing_overrides_folder_overrides_nothing(tmp_path):
    project = load_valid_project(DATA).project
    task = project.task("semantic_segmentation")
    assert render.task_markdown(task, project, templates=tmp_path / "absent") == \
        render.task_markdown(task, project)


def test_every_template_is_documented_with_what_it_receives():
    doc = (ROOT / "docs" / "templates.md").read_text(encoding="utf-8")
    documented = set(re.findall(r"^\| `([a-z_]+\.[a-z]+\.j2)` \|", doc, flags=re.M))
    shipped = {p.name for p in render.shipped_templates().glob("*.j2")}
    assert documented == shipped
