"""Templates ship with the package and a site overrides any of them by name."""
from __future__ import annotations

import re

from helpers import DATA, ROOT

from generator.outputs import render
from generator.project.pipeline import load_valid_project


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


def test_a_cell_with_many_links_shows_the_first_and_folds_the_rest(tmp_path):
    """Issue 26: a row stays one line tall: its first link (official code first, when a label
    says so), cut to the cell, and "+N more" folding the others, none lost."""
    from generator.views import leaderboard as views
    from generator.project.model import Leaderboard, Link, Metric, Result, Value
    links = [Link(f"repo{i}", f"https://github.com/x/repo{i}") for i in range(7)]
    official = [Link("UnofficialMirror/x", "https://github.com/m/x"), Link("Official (PyTorch)", "https://github.com/o/x")]
    lb = Leaderboard("b", "B", [Metric("Score")],
                     [Result("Net", {"Score": Value(1.0, "1.0")}, code=links),
                      Result("Few", {"Score": Value(0.5, "0.5")}, code=links[:1]),
                      Result("Own", {"Score": Value(0.4, "0.4")}, code=official)], task_id="t")
    html = render.render("leaderboard_table.html.j2", view=views.leaderboard_view(lb), root="")
    net, few, own = re.findall(r"<tr id=.*?</tr>", html, flags=re.S)
    assert net.count("<a href=\"https://github.com/x/repo") == 7  # all there, none lost
    assert re.search(r'class="lb-clip" title="repo0">repo0</a> <details class="lb-more"><summary>\+6 more</summary>'
                     r' <a href="https://github.com/x/repo1"', net)
    assert "lb-more" not in few  # one link: nothing to fold
    # the data's order, but a link labelled official first ("Unofficial..." is not)
    assert own.index("Official (PyTorch)") < own.index("UnofficialMirror/x")
    assert [link.label for link in lb.results[2].code] == ["UnofficialMirror/x", "Official (PyTorch)"]
