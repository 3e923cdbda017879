"""One table model, drawn the same in every output: golden files.

tests/golden/data holds one leaderboard with every feature a table shows; tests/golden/expected
holds what each output draws of it, side by side: the markdown table, the site's HTML table,
LaTeX, CSV and JSON. All of them come from one views.LeaderboardView, so they agree on the
order, the ranks (1, 2, 2, 4, and none without a primary value), which cells are bold (highlight: 2, a
tie at the second place included), the labels with units and the escaping of each context.

After an intended change, regenerate with ``UPDATE_GOLDEN=1 python -m pytest tests/test_golden.py``
and review the diff of tests/golden/expected like any other change.
"""
from __future__ import annotations

import json
import os
import re

import pytest
from helpers import ROOT

from generator.outputs import exports
from generator.outputs import render
from generator.views import leaderboard as views
from generator.project.pipeline import load_valid_project

GOLDEN = ROOT / "tests" / "golden"
OUTPUTS = {"table.md": "markdown", "table.html": "html", "table.tex": "latex",
           "table.csv": "csv", "table.json": "json"}


@pytest.fixture(scope="module")
def project():
    return load_valid_project(GOLDEN / "data").project


def _draw(project, fmt: str) -> str:
    lb = project.task("golden").leaderboards[0]
    if fmt == "html":
        return render.render("leaderboard_table.html.j2", view=views.leaderboard_view(lb),
                             root="../../")
    return exports.exports_of(lb, project, fmt)


@pytest.mark.parametrize("name", sorted(OUTPUTS))
def test_each_output_matches_its_golden_file(project, name):
    drawn = _draw(project, OUTPUTS[name])
    path = GOLDEN / "expected" / name
    if os.environ.get("UPDATE_GOLDEN") == "1":
        path.parent.mkdir(exist_ok=True)
        with open(path, "w", encoding="utf-8", newline="") as handle:
            handle.write(drawn)
    with open(path, encoding="utf-8", newline="") as handle:  # CSV keeps its CRLF
        assert drawn == handle.read()


def _bold(project) -> dict[str, list[tuple[str, str]]]:
    """(model, value) of every bold cell, as each output draws it."""
    md = _draw(project, "markdown")
    html = _draw(project, "html")
    tex = _draw(project, "latex")
    data = json.loads(_draw(project, "json"))
    out = {"markdown": [], "html": [], "latex": [], "json": []}
    for line in md.splitlines()[2:]:
        cells = [c.strip() for c in re.split(r"(?<!\\)\|", line)[1:-1]]
        out["markdown"] += [(cells[0], c.strip("*")) for c in cells[1:3] if c.startswith("**")]
    for row in re.findall(r"<tr id=.*?</tr>", html, flags=re.S):
        name = re.search(r'class="lb-model" data-sort="([^"]*)"', row)[1]
        out["html"] += [(name, v) for v in re.findall(r"<strong>([^<]*)</strong>", row)]
    for line in tex.split("\\midrule\n")[1].split("\\bottomrule")[0].strip().splitlines():
        out["latex"] += [(line.split(" & ")[0], v) for v in re.findall(r"\\textbf\{([^}]*)\}", line)]
    for result in data["results"]:
        out["json"] += [(result["display_name"], result["values_text"][m])
                        for m in result["highlighted"]]
    return out


def test_every_output_bolds_the_same_cells(project):
    bold = _bold(project)
    values = {fmt: sorted(v for _, v in cells) for fmt, cells in bold.items()}
    # mIoU: 81.25, then 80.50 twice (a tie at the second place); Latency: 8 and 9.5
    assert values["json"] == sorted(["81.25", "80.50", "80.50", "8", "9.5"])
    assert values["markdown"] == values["html"] == values["latex"] == values["json"]


def test_the_imagenet_leaderboard_bolds_the_same_five_acc5_cells_everywhere():
    """README, the site's task page and LaTeX: the rule 'highlight: 5', the same cells."""
    from generator.outputs import readme
    from generator.site import build as sitebuild

    project = load_valid_project(ROOT / "data").project
    lb = next(lb for lb in project.task("image_classification").leaderboards if lb.id == "imagenet")
    view = views.leaderboard_view(lb)
    expected = sorted(row.cells[1].text for row in view.rows if row.cells[1].highlight)
    assert len(expected) == 5

    readme_text = readme.section("leaderboards", project)
    table = readme_text.split("#### ImageNet")[1].split("####")[0]
    in_readme = sorted(re.split(r"\s*\|\s*", line)[3].strip("*") for line in table.splitlines()
                       if line.startswith("|") and re.split(r"\s*\|\s*", line)[3].startswith("**"))
    page = sitebuild.site_pages(project)["tasks/image_classification.md"]
    board = page.split('id="table-imagenet"')[1].split("</table>")[0]
    on_site = []
    for row in re.findall(r"<tr id=.*?</tr>", board, flags=re.S):
        acc5 = re.findall(r'<td class="lb-num[^"]*"[^>]*>(.*?)</td>', row)[1]
        if acc5.startswith("<strong>"):
            on_site.append(acc5.removeprefix("<strong>").removesuffix("</strong>"))
    on_site.sort()
    tex = exports.exports_of(lb, project, "latex")
    in_latex = sorted(re.findall(r"\\textbf\{([^}]*)\} \\\\$", tex, flags=re.M))
    assert in_readme == on_site == in_latex == expected
