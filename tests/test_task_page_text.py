"""A task's page as written (``page``, kept by ``import`` of hand-written pages) on the site:
its text rendered as every markdown field is, its headings under the site's title, its links
to the old repository's files made links to this site's pages or left as text, and each
leaderboard a marker names drawn at the marker (render.site_page, site_task.md.j2)."""
from __future__ import annotations

import os
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

import pytest
from helpers import ROOT, run_module

from generator.project.pipeline import load_project
from generator.site import build as sitebuild

# A page as an old repository wrote it: a title, prose with a link to a sibling page and
# one to its README, a heading, a code block, an example table, a marker, text that would
# be live in a template or a browser, and more prose after the table.
PAGE = """\
# Reading comprehension

Reading comprehension is answering questions about a passage. See also
[the other task](other_task.md#results), [this page](./reading_comprehension.md), [its
README](../README.md), [its French version](../french/reading_comprehension.md), the
[SQuAD website](https://rajpurkar.github.io/SQuAD-explorer/) and ![a chart](img/chart.png).

## SQuAD { #not-an-attribute }

The [Stanford Question Answering Dataset](https://arxiv.org/abs/1606.05250) asks about
Wikipedia articles; {{ config.site_name }} and {% include "x" %} are only text here.
Jump to [the example](#example-1), [the results](#squad) or to [nowhere](#no-such-section).

### Example

```python
print("<script>alert('fence')</script>")
```

| Passage | Question |
| --- | --- |
| A passage | `<script>alert('cell')</script>` |

<!-- leaderboard: squad -->

Results after the table, as the page had them.

### Example

A second heading of the same name, which GitHub numbers.
"""

# What validation refuses, on the page of a site built with validation off (as the XSS test
# builds the hostile fixture): still nothing a browser runs.
HOSTILE = """
<script>window.__pwned = 'page'</script>

A [script link](javascript:alert(1)) and <img src=x onerror="alert(2)">.
"""

TASK = """\
title: Reading comprehension
page: |
{page}
leaderboards:
- id: squad
  title: SQuAD 1.1
  metrics:
  - name: F1
  results:
  - model: BiDAF
    values: {{F1: 77.3}}
    paper: https://arxiv.org/abs/1611.01603
  - model: Match-LSTM
    values: {{F1: 73.7}}
- id: squad-2
  title: SQuAD 2.0
  metrics:
  - name: EM
  results:
  - model: BERT
    values: {{EM: 80.0}}
"""

OTHER = """\
title: Other task
leaderboards:
- id: other-board
  title: Other board
  metrics:
  - name: Score
  results:
  - model: M
    values: {Score: 1.0}
"""


def _data(folder: Path, page: str) -> Path:
    (folder / "tasks").mkdir(parents=True)
    indented = "\n".join("  " + line if line else "" for line in page.split("\n"))
    (folder / "tasks" / "reading_comprehension.yml").write_text(
        TASK.format(page=indented.rstrip()), encoding="utf-8")
    # named as import names a task: its title's words (the page links to its file name)
    (folder / "tasks" / "other-task.yml").write_text(OTHER, encoding="utf-8")
    return folder


def _task_markdown(data: Path) -> str:
    project = load_project(data).project
    return sitebuild.site_pages(project)["tasks/reading_comprehension.md"]


# --- the page's markdown, as the site gets it --------------------------------------------

def test_headings_go_under_the_sites_title_with_the_anchors_github_gave_them(tmp_path):
    text = _task_markdown(_data(tmp_path / "data", PAGE))
    headings = re.findall(r"^(#+) (.*)$", text, re.M)
    assert headings == [
        ("#", "Reading comprehension"),  # the site's title; the page's own is left out
        ("##", r"SQuAD \{ \#not-an-attribute \} { #squad--not-an-attribute- }"),
        ("###", "Example { #example }"),
        ("###", "Example { #example-1 }"),
        ("##", "SQuAD 2.0 { #squad-2 }"),  # no marker names it: after the page's text
    ]


def test_a_page_without_its_title_first_keeps_every_heading(tmp_path):
    page = "# Models\n\nText.\n\n## Scores\n\n<!-- leaderboard: squad -->\n"
    text = _task_markdown(_data(tmp_path / "data", page))
    assert re.findall(r"^(#+) (.*)$", text, re.M)[:3] == [
        ("#", "Reading comprehension"), ("##", "Models { #models }"),
        ("###", "Scores { #scores }")]
    # the leaderboard a marker names sits one level under the heading it stands under
    assert '<h4 id="squad" class="lb-board-title">SQuAD 1.1' in text


def test_links_go_where_the_site_has_a_page_else_they_are_text(tmp_path):
    text = _task_markdown(_data(tmp_path / "data", PAGE))
    assert '<a href="../../tasks/other-task/">the other task</a>' in text
    assert '<a href="../../tasks/reading_comprehension/">this page</a>' in text
    assert "its\nREADME" in text and "README.md" not in text
    assert "its French version" in text and "french" not in text  # not this site's task
    assert '<a href="https://rajpurkar.github.io/SQuAD-explorer/">SQuAD website</a>' in text
    assert "a chart" in text and "img/chart.png" not in text and "<img" not in text
    assert '<a href="#example-1">the example</a>' in text
    assert '<a href="#squad">the results</a>' in text  # a leaderboard of the page
    assert "nowhere" in text and "#no-such-section" not in text


def test_the_leaderboard_stands_at_its_marker_and_each_is_drawn_once(tmp_path):
    text = _task_markdown(_data(tmp_path / "data", PAGE))
    before, table, after = (text.index("A passage"), text.index('id="table-squad"'),
                            text.index("Results after the table"))
    assert before < table < after < text.index('id="table-squad-2"')
    assert text.count('id="table-squad"') == text.count('id="table-squad-2"') == 1
    assert text.count('<form class="lb-filters"') == 1
    assert text.index('<form class="lb-filters"') < table


def test_a_cell_of_running_text_in_the_pages_own_table_is_marked_to_stay_readable(tmp_path):
    passage = "A passage of running text, " * 4
    page = f"| Passage | Answer |\n| ---: | ---: |\n| {passage} | 42 |\n"
    text = _task_markdown(_data(tmp_path / "data", page))
    assert f'<td style="text-align:right" class="lb-long">{passage.strip()}</td>' in text
    assert '<td style="text-align:right">42</td>' in text


def test_a_task_past_the_full_page_limits_shows_a_card_at_the_marker(tmp_path, monkeypatch):
    from generator.views import pages
    monkeypatch.setattr(pages, "is_overview", lambda task: True)
    text = _task_markdown(_data(tmp_path / "data", PAGE))
    card = text.index('<div class="lb-card" id="squad">')
    assert text.index("A passage") < card < text.index("Results after the table")
    assert "Best: <strong>77.3</strong>" in text[card:card + 800]
    assert "## Other leaderboards" in text and text.count('id="squad-2"') == 1
    assert 'id="table-squad"' not in text  # the card links to the leaderboard's page


# --- the site MkDocs builds ---------------------------------------------------------------

class _Reader(HTMLParser):
    """The article of a built page: its text, tags, links and ids."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.depth, self.text, self.tags, self.links, self.ids = 0, [], [], [], set()

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if attrs.get("id"):
            self.ids.add(attrs["id"])
        if tag == "article":
            self.depth += 1
        if self.depth:
            self.tags.append((tag, attrs))
            if tag == "a" and "href" in attrs:
                self.links.append(attrs["href"])

    def handle_endtag(self, tag):
        if tag == "article":
            self.depth -= 1

    def handle_data(self, data):
        if self.depth:
            self.text.append(data)


def _read(path: Path) -> _Reader:
    reader = _Reader()
    reader.feed(path.read_text(encoding="utf-8"))
    return reader


def _build(data: Path, site: Path, unchecked: bool = False) -> None:
    env = dict(os.environ, LEADERBOARD_DATA=str(data), NO_MKDOCS_2_WARNING="1",
               SITE_URL="http://127.0.0.1:8000/")
    command = [str(ROOT / "tests" / "browser" / "build_unchecked.py")] if unchecked \
        else ["-m", "mkdocs"]
    proc = subprocess.run([sys.executable, *command, "build", "--strict", "-q", "-d", str(site)],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr


def _broken_links(site: Path, page: Path, reader: _Reader) -> list[str]:
    base = "http://site/" + page.parent.relative_to(site).as_posix() + "/"
    broken = []
    for href in reader.links:
        url = urlsplit(urljoin(base, href))
        if url.scheme in ("http", "https") and url.netloc != "site":
            continue  # the web
        if url.scheme != "http":
            broken.append(href)
            continue
        target = site / unquote(url.path).lstrip("/")
        if target.is_dir():
            target /= "index.html"
        if not target.is_file():
            broken.append(href)
        elif url.fragment and target == page and url.fragment not in reader.ids:
            broken.append(href)
    return broken


@pytest.mark.slow
def test_the_built_task_page_shows_the_pages_text_and_runs_nothing(tmp_path):
    data = _data(tmp_path / "data", PAGE)
    assert run_module("validate", "--data", str(data)).code == 0
    _build(data, tmp_path / "site")
    page = tmp_path / "site" / "tasks" / "reading_comprehension" / "index.html"
    reader = _read(page)
    text = " ".join(" ".join(reader.text).split())
    # the prose, its headings under the one h1, its code and example table
    assert [tag for tag, _ in reader.tags if tag == "h1"] == ["h1"]
    assert "Reading comprehension is answering questions about a passage." in text
    assert "{{ config.site_name }} and {% include \"x\" %} are only text here." in text
    assert "print(\"<script>alert('fence')</script>\")" in text
    assert "<script>alert('cell')</script>" in text
    # the leaderboard at the marker: between the example table and the text after it
    assert text.index("A passage") < text.index("BiDAF") < text.index("Results after the table")
    assert [a.get("id") for tag, a in reader.tags if tag == "table"].count("table-squad") == 1
    # nothing executable in the article, and every link lands
    assert not [tag for tag, _ in reader.tags if tag in ("script", "iframe", "object", "embed")]
    assert not [(tag, a) for tag, attrs in reader.tags for a in attrs if a.startswith("on")]
    assert not _broken_links(tmp_path / "site", page, reader)
    assert "../../tasks/other-task/" in reader.links


@pytest.mark.slow
def test_what_validation_refuses_stays_text_on_a_site_built_without_it(tmp_path):
    data = _data(tmp_path / "data", PAGE + HOSTILE)
    assert run_module("validate", "--data", str(data)).code == 1
    _build(data, tmp_path / "site", unchecked=True)
    page = tmp_path / "site" / "tasks" / "reading_comprehension" / "index.html"
    reader = _read(page)
    text = " ".join(" ".join(reader.text).split())
    assert "<script>window.__pwned = 'page'</script>" in text
    assert "[script link](javascript:alert(1))" in text
    assert '<img src=x onerror="alert(2)">' in text
    assert not [tag for tag, _ in reader.tags if tag in ("script", "img", "iframe")]
    assert not [(tag, a) for tag, attrs in reader.tags for a in attrs if a.startswith("on")]
    assert not [href for href in reader.links if "javascript" in href.lower()]
    assert not _broken_links(tmp_path / "site", page, reader)
